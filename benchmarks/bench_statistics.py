"""Throughput of term_frequencies, tfidf_keywords and keyness on a synthetic corpus.

Prints MB/s, peak traced memory (tracemalloc, on a second, untimed call) and
the ratio of each timing to scikit-learn's default
``CountVectorizer().fit_transform`` on the same texts, in the same run.
Targets: within 3× of the baseline with lemmatization off, 6× with it on, and a
peak under 1 GB.

    .venv/bin/python benchmarks/bench_statistics.py [--megabytes 10] [--seed 0] [--repeat 3]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tracemalloc
from pathlib import Path

from sklearn.feature_extraction.text import CountVectorizer

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import synthetic_corpus, vocabulary_size  # noqa: E402
from timing import best_time  # noqa: E402

import analysis  # noqa: E402


def traced_peak(func) -> float:
    """Peak of Python and NumPy allocations during one call, in MiB (tracing slows Python, so untimed)."""
    tracemalloc.start()
    func()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per function (best is kept)")
    args = parser.parse_args()

    corpus = synthetic_corpus(megabytes=args.megabytes, seed=args.seed)
    size = corpus["text"].str.encode("utf-8").str.len().sum() / 1e6
    print(f"corpus: {len(corpus)} documents, {size:.2f} MB, vocabulary {vocabulary_size(corpus):,} tokens")
    analysis.lemma("chauffer")  # load simplemma's dictionary outside the timings
    target = corpus["doc_id"].iloc[: len(corpus) // 10].tolist()
    texts = corpus["text"]

    # (label, function, label of the baseline it is compared with; None for a baseline)
    runs = [
        ("baseline CountVectorizer().fit_transform", lambda: CountVectorizer().fit_transform(texts), None),
        ("term_frequencies by doc_id", lambda: analysis.term_frequencies(corpus, by="doc_id"), "unigrams"),
        ("term_frequencies by source, lemmatize",
         lambda: analysis.term_frequencies(corpus, by="source", lemmatize=True), "unigrams"),
        ("tfidf_keywords lemmatize=False, 1-grams",
         lambda: analysis.tfidf_keywords(corpus, lemmatize=False, ngram_range=(1, 1)), "unigrams"),
        ("tfidf_keywords lemmatize=True, 1-grams",
         lambda: analysis.tfidf_keywords(corpus, lemmatize=True, ngram_range=(1, 1)), "unigrams"),
        ("keyness g2, 10% vs rest", lambda: analysis.keyness(corpus, target=target), "unigrams"),
        ("keyness g2, lemmatize",
         lambda: analysis.keyness(corpus, target=target, lemmatize=True), "unigrams"),
        ("baseline CountVectorizer(ngram_range=(1, 2))",
         lambda: CountVectorizer(ngram_range=(1, 2)).fit_transform(texts), None),
        # TF-IDF's defaults count bigrams too: compared with scikit-learn counting bigrams as well
        ("tfidf_keywords defaults (lemmas, 1-2-grams)", lambda: analysis.tfidf_keywords(corpus), "bigrams"),
    ]
    times = [best_time(func, args.repeat) for _, func, _ in runs]
    # ru_maxrss is in KiB on Linux: the whole process (corpus, Python, libraries), before any tracing
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10
    baselines = {"unigrams": times[0], "bigrams": times[7]}
    for (label, func, against), elapsed in zip(runs, times, strict=True):
        ratio = f"{elapsed / baselines[against]:5.2f}×" if against else "  1.00× (baseline)"
        print(f"{label:<44} {elapsed:7.2f} s  {size / elapsed:6.2f} MB/s  "
              f"peak {traced_peak(func):7.1f} MiB  {ratio}")
    print(f"{'   same, against the unigram baseline':<44} {times[-1] / times[0]:31.2f}×")
    print(f"process peak resident memory (timed runs, before tracing): {peak_rss:.0f} MiB")


if __name__ == "__main__":
    main()
