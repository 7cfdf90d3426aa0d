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
import time
import tracemalloc
from pathlib import Path

from sklearn.feature_extraction.text import CountVectorizer

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import synthetic_corpus, vocabulary_size  # noqa: E402

import analysis  # noqa: E402


def measure(label: str, func, megabytes: float, baseline: float | None, repeat: int = 3) -> float:
    """Best of ``repeat`` timed calls, then one traced call for peak memory (tracing slows Python)."""
    elapsed = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        elapsed = min(elapsed, time.perf_counter() - start)
    tracemalloc.start()
    func()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    ratio = f"{elapsed / baseline:5.2f}×" if baseline else "  1.00× (baseline)"
    print(f"{label:<44} {elapsed:7.2f} s  {megabytes / elapsed:6.2f} MB/s  "
          f"peak {peak / 2**20:7.1f} MiB  {ratio}")
    return elapsed


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

    base = measure("baseline CountVectorizer().fit_transform",
                   lambda: CountVectorizer().fit_transform(corpus["text"]), size, None, args.repeat)
    runs = [
        ("term_frequencies by doc_id", lambda: analysis.term_frequencies(corpus, by="doc_id")),
        ("term_frequencies by source, lemmatize", lambda: analysis.term_frequencies(corpus, by="source",
                                                                                    lemmatize=True)),
        ("tfidf_keywords lemmatize=False, 1-grams", lambda: analysis.tfidf_keywords(
            corpus, lemmatize=False, ngram_range=(1, 1))),
        ("tfidf_keywords lemmatize=True, 1-grams", lambda: analysis.tfidf_keywords(
            corpus, lemmatize=True, ngram_range=(1, 1))),
        ("keyness g2, 10% vs rest", lambda: analysis.keyness(corpus, target=target)),
        ("keyness g2, lemmatize", lambda: analysis.keyness(corpus, target=target, lemmatize=True)),
    ]
    for label, func in runs:
        measure(label, func, size, base, args.repeat)
    # TF-IDF's defaults count bigrams too: compare them with scikit-learn counting bigrams as well.
    base2 = measure("baseline CountVectorizer(ngram_range=(1, 2))",
                    lambda: CountVectorizer(ngram_range=(1, 2)).fit_transform(corpus["text"]), size, None,
                    args.repeat)
    tfidf = measure("tfidf_keywords defaults (lemmas, 1-2-grams)", lambda: analysis.tfidf_keywords(corpus),
                    size, base2, args.repeat)
    print(f"{'   same, against the unigram baseline':<44} {tfidf / base:31.2f}×")
    # ru_maxrss is in KiB on Linux: the whole process, corpus and Python included
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10
    print(f"process peak resident memory: {peak_rss:.0f} MiB")


if __name__ == "__main__":
    main()
