"""Speed and memory of the token index and of the steps reading it (issue 7).

Three parts, each run in its own process (so that each peak resident memory is its own):

``core`` (10 MB synthetic corpus, ``synthetic.py``), ratios against baselines timed in the same process
(the steps compared with building the index are timed alternately with it):
    - building the index, one process and ``--jobs`` processes, against scikit-learn's default
      ``CountVectorizer().fit_transform`` (targets: at most 1.5×; faster with 2 processes);
    - from the index: ``term_frequencies`` by none, by article, by source, lemmatized or not
      (target: at most 0.5× ``CountVectorizer``); ``find_formulas`` (one process and ``--jobs``
      processes) and ``kwic`` (at most 1× building the index in one process);
      ``repeated_segments(max_len=10)`` (at most 3×).
``workflow`` (10 MB, written as a corpus folder under the output folder and loaded from it):
    load, index, frequencies, TF-IDF, keyness of each article against the rest
    (``keyness(by="doc_id", top_n=10)``), formulas with speakers, repeated segments, shared passages,
    KWIC; end-to-end MB/s (target: at least 2 MB/s) and peak memory (target: under 1 GB).
``scale`` (``--articles`` generated articles, about 3.5 KB each): load, index, save and reload the
    index, ``term_frequencies(by="source")``, ``find_formulas`` (index and formulas on ``--jobs``
    processes), ``keyness`` of one source against the rest; times and peak memory, appended to
    ``<output>/benchmarks/bench_index_scale.tsv``; ``--chart``
    draws time against corpus size from that file (``<output>/benchmarks/bench_index_scale.png``).

Usage::

    .venv/bin/python benchmarks/bench_index.py                  # core and workflow, 10 MB
    .venv/bin/python benchmarks/bench_index.py --part scale --articles 1000   # then 10000, 100000
    .venv/bin/python benchmarks/bench_index.py --chart
"""

from __future__ import annotations

import argparse
import csv
import gc
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import synthetic_corpus  # noqa: E402
from timing import best_time, paired_times  # noqa: E402

import analysis  # noqa: E402
from analysis.paths import output_dir  # noqa: E402

#: Mean size of a generated article, in MB (2-5 KB of UTF-8).
ARTICLE_MB = 0.0035


def timed(func):
    gc.collect()
    start = time.perf_counter()
    result = func()
    return result, time.perf_counter() - start


def peak_mib() -> float:
    """Peak resident memory of this process and of its finished children, in MiB (Linux: KiB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 2**10


def megabytes(corpus) -> float:
    return corpus["text"].str.encode("utf-8").str.len().sum() / 1e6


def write_corpus(corpus, folder: Path) -> None:
    """Write a corpus frame as a corpus folder (``metadata.csv`` and one text file per article)."""
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "texts").mkdir(parents=True)
    with open(folder / "metadata.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["doc_id", "file", "title", "date", "source", "url", "lang", "note"])
        for doc_id, text, date, source in zip(corpus["doc_id"], corpus["text"], corpus["date"],
                                              corpus["source"], strict=True):
            name = f"texts/{doc_id}.txt"
            (folder / name).write_text(text, encoding="utf-8")
            writer.writerow([doc_id, name, "", date.strftime("%Y-%m-%d"), source, "", "fr", ""])


def core(args) -> None:
    from sklearn.feature_extraction.text import CountVectorizer

    corpus = synthetic_corpus(megabytes=args.megabytes, seed=args.seed)
    size = megabytes(corpus)
    texts = corpus["text"].tolist()
    analysis.lemma("chauffer")  # simplemma's dictionary loaded outside the timings
    print(f"core: {len(corpus)} articles, {size:.2f} MB")
    baseline = best_time(lambda: CountVectorizer().fit_transform(texts), args.repeat)
    print(f"{'baseline CountVectorizer().fit_transform':<52} {baseline:7.2f} s  {size / baseline:6.2f} MB/s")
    build = best_time(lambda: analysis.build_index(corpus, progress=False), args.repeat)
    parallel = best_time(lambda: analysis.build_index(corpus, n_jobs=args.jobs, progress=False), args.repeat)
    for label, elapsed in (("build_index, 1 process", build),
                           (f"build_index, {args.jobs} processes", parallel)):
        print(f"{label:<52} {elapsed:7.2f} s  {size / elapsed:6.2f} MB/s  "
              f"{elapsed / baseline:5.2f}× baseline")
    index = analysis.build_index(corpus, progress=False)
    runs = [
        ("term_frequencies", lambda: analysis.term_frequencies(index), baseline),
        ("term_frequencies lemmatize", lambda: analysis.term_frequencies(index, lemmatize=True), baseline),
        ("term_frequencies by doc_id", lambda: analysis.term_frequencies(index, by="doc_id"), baseline),
        ("term_frequencies by doc_id, lemmatize",
         lambda: analysis.term_frequencies(index, by="doc_id", lemmatize=True), baseline),
        ("term_frequencies by source", lambda: analysis.term_frequencies(index, by="source"), baseline),
        ("term_frequencies by source, lemmatize",
         lambda: analysis.term_frequencies(index, by="source", lemmatize=True), baseline),
        ("find_formulas", lambda: analysis.find_formulas(index, progress=False), build),
        (f"find_formulas, {args.jobs} processes",
         lambda: analysis.find_formulas(index, n_jobs=args.jobs, progress=False), build),
        ("kwic 'coopération'", lambda: analysis.kwic(index, "coopération"), build),
        ("kwic 'véritable multilatéralisme'",
         lambda: analysis.kwic(index, "véritable multilatéralisme"), build),
        ("kwic 'family:multilateralisme'", lambda: analysis.kwic(index, "family:multilateralisme"), build),
        ("repeated_segments(max_len=10)", lambda: analysis.repeated_segments(index, max_len=10), build),
    ]
    for label, func, against in runs:
        if against is baseline:
            elapsed = best_time(func, args.repeat)
            name, also = "baseline", ""
        else:  # timed alternately with the build, so that a machine slowing down moves both alike
            elapsed, against = paired_times(
                func, lambda: analysis.build_index(corpus, progress=False), args.repeat)
            name, also = "build_index", f"  ({elapsed / baseline:5.2f}× baseline)"
        print(f"{label:<52} {elapsed:7.2f} s  {size / elapsed:6.2f} MB/s  "
              f"{elapsed / against:5.2f}× {name}{also}")
    print(f"peak resident memory: {peak_mib():.0f} MiB")


def workflow(args) -> None:
    corpus = synthetic_corpus(megabytes=args.megabytes, seed=args.seed)
    folder = output_dir() / "benchmarks" / "workflow_corpus"
    write_corpus(corpus, folder)
    del corpus
    analysis.lemma("chauffer")
    gc.collect()
    start_rss = peak_mib()
    steps = []

    def step(label, func):
        result, elapsed = timed(func)
        steps.append((label, elapsed))
        print(f"  {label:<48} {elapsed:7.2f} s", flush=True)
        return result

    total_start = time.perf_counter()
    corpus = step("load_corpus", lambda: analysis.load_corpus(folder))
    size = megabytes(corpus)
    index = step("build_index", lambda: analysis.build_index(corpus))
    step("term_frequencies (forms, lemmas, by article)", lambda: (
        analysis.term_frequencies(index), analysis.term_frequencies(index, lemmatize=True),
        analysis.term_frequencies(index, by="doc_id", lemmatize=True)))
    step("tfidf_keywords (defaults)", lambda: analysis.tfidf_keywords(index, top_n=10))
    step("keyness of each article against the rest", lambda: analysis.keyness(
        index, by="doc_id", stopwords=True, top_n=10))
    step("find_formulas (with speakers)", lambda: analysis.find_formulas(index))
    step("repeated_segments(min_docs=2, min_len=3)", lambda: analysis.repeated_segments(
        index, min_docs=2, min_len=3))
    step("shared_passages (defaults: boilerplate beyond 20 articles)",
         lambda: analysis.shared_passages(index))
    step("kwic (a word, a phrase, a family)", lambda: (
        analysis.kwic(index, "coopération"), analysis.kwic(index, "véritable multilatéralisme"),
        analysis.kwic(index, "family:multilateralisme")))
    step("as_written of 1,000 terms", lambda: analysis.as_written(index, index.lower_vocab[:1000]))
    total = time.perf_counter() - total_start
    peak = peak_mib()
    from sklearn.feature_extraction.text import CountVectorizer

    texts = corpus["text"].tolist()
    baseline = best_time(lambda: CountVectorizer().fit_transform(texts), 1)
    print(f"workflow: {len(corpus)} articles, {size:.2f} MB in {total:.1f} s: {size / total:.2f} MB/s "
          f"end to end ({total / baseline:.1f}× CountVectorizer().fit_transform, {baseline:.2f} s, timed "
          f"after); peak resident memory {peak:.0f} MiB (before loading: {start_rss:.0f} MiB)")


def scale(args) -> None:
    n_mb = args.articles * ARTICLE_MB
    generated, gen_time = timed(lambda: synthetic_corpus(megabytes=n_mb, seed=args.seed))
    folder = output_dir() / "benchmarks" / f"scale_corpus_{args.articles}"
    write_corpus(generated, folder)
    del generated
    gc.collect()
    print(f"scale: generated and written in {gen_time:.0f} s", flush=True)
    analysis.lemma("chauffer")
    rows = []

    def step(label, func):
        result, elapsed = timed(func)
        rows.append((label, elapsed, peak_mib()))
        print(f"  {label:<40} {elapsed:8.1f} s   peak so far {rows[-1][2]:8.0f} MiB", flush=True)
        return result

    corpus = step("load_corpus", lambda: analysis.load_corpus(folder))
    size = megabytes(corpus)
    index = step("build_index", lambda: analysis.build_index(corpus, n_jobs=args.jobs))
    path = folder.parent / f"scale_index_{args.articles}.npz"
    step("save_index", lambda: analysis.save_index(index, path))
    del index
    gc.collect()
    index = step("load_index", lambda: analysis.load_index(path, corpus))
    step("term_frequencies(by='source')", lambda: analysis.term_frequencies(index, by="source"))
    step("find_formulas", lambda: analysis.find_formulas(index, n_jobs=args.jobs))
    step("keyness one source vs rest", lambda: analysis.keyness(index, target="source=Xinhua"))
    print(f"scale: {len(corpus)} articles, {size:.1f} MB; peak resident memory {peak_mib():.0f} MiB")
    table = output_dir() / "benchmarks" / "bench_index_scale.tsv"
    new = not table.exists()
    with open(table, "a", encoding="utf-8") as handle:
        if new:
            handle.write("articles\tmegabytes\tstep\tseconds\tpeak_mib\n")
        for label, elapsed, peak in rows:
            handle.write(f"{len(corpus)}\t{size:.1f}\t{label}\t{elapsed:.2f}\t{peak:.0f}\n")
    shutil.rmtree(folder)


def chart() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import pandas as pd

    table = pd.read_csv(output_dir() / "benchmarks" / "bench_index_scale.tsv", sep="\t")
    table = table.drop_duplicates(["articles", "step"], keep="last")
    fig, ax = plt.subplots(figsize=(7.5, 5))
    for step_name, rows in table.groupby("step", sort=False):
        rows = rows.sort_values("articles")
        ax.plot(rows["articles"], rows["seconds"], marker="o", label=step_name)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("Articles in the corpus (about 3.5 KB each)")
    ax.set_ylabel("Time (seconds, log scale)")
    ax.set_title("Time of each step against corpus size (token index, one run each)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    path = output_dir() / "benchmarks" / "bench_index_scale.png"
    fig.savefig(path, dpi=150)
    print(f"chart: {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("core", "workflow", "scale", "all"), default="all")
    parser.add_argument("--megabytes", type=float, default=10.0)
    parser.add_argument("--articles", type=int, default=1000, help="articles for --part scale")
    parser.add_argument("--jobs", type=int, default=2, help="processes for the parallel build")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per function (best is kept)")
    parser.add_argument("--chart", action="store_true", help="draw the scale chart from the saved table")
    args = parser.parse_args()
    if args.chart:
        chart()
    elif args.part == "all":
        for part in ("core", "workflow"):
            subprocess.run([sys.executable, __file__, "--part", part, "--megabytes", str(args.megabytes),
                            "--seed", str(args.seed), "--repeat", str(args.repeat), "--jobs", str(args.jobs)],
                           check=True)
    else:
        {"core": core, "workflow": workflow, "scale": scale}[args.part](args)


if __name__ == "__main__":
    main()
