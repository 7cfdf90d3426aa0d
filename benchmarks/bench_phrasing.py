"""Speed and memory of the phrasing functions: formulas, repeated segments, concordances.

Builds a synthetic corpus (``synthetic.py``) and times, in one process:

- the baseline: ``analysis.tokenize`` over every text;
- ``find_formulas`` (target: at most 2x the baseline);
- ``repeated_segments`` up to length 10 (target: at most 6x the baseline,
  near-linear in corpus size, under 1 GB of memory);
- ``kwic`` for a frequent word and for a phrase (target: at most 2x).

Each time is the best of ``--repeat`` runs, alternating with runs of the
baseline, and each ratio uses the baseline timed next to it; peak memory is measured in a
separate run under ``tracemalloc`` (Python and NumPy allocations), so that
tracing does not slow the timed runs. Near-linearity is shown by running
``repeated_segments`` on a corpus ``--small`` MB in size too and comparing
throughputs.

Usage::

    .venv/bin/python benchmarks/bench_phrasing.py [--megabytes 10] [--small 1] [--repeat 3]
"""

from __future__ import annotations

import argparse

from synthetic import synthetic_corpus
from timing import best_time, paired_times, peak_memory

import analysis


def tokenize_all(corpus) -> None:
    for text in corpus["text"]:
        analysis.tokenize(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=10.0, help="size of the corpus (MB of UTF-8)")
    parser.add_argument("--small", type=float, default=1.0, help="size of the corpus for the linearity check")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per function (best is kept)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    corpus = synthetic_corpus(megabytes=args.megabytes, seed=args.seed)
    size = corpus["text"].str.encode("utf-8").str.len().sum() / 1e6
    print(f"corpus: {len(corpus)} documents, {size:.2f} MB")

    def baseline_run():
        tokenize_all(corpus)

    baseline = best_time(baseline_run, args.repeat)  # for the table's first line
    print(f"{'function':<40}{'seconds':>9}{'MB/s':>8}{'ratio':>8}{'target':>8}  result")
    print(f"{'baseline: tokenize':<40}{baseline:9.2f}{size / baseline:8.2f}{1:8.2f}")

    tasks = []
    if hasattr(analysis, "find_formulas"):
        tasks.append(("find_formulas", lambda c: analysis.find_formulas(c), 2.0))
    else:
        print("find_formulas: not available in this version of analysis (skipped)")
    tasks += [
        ("repeated_segments(max_len=10)", lambda c: analysis.repeated_segments(c, max_len=10), 6.0),
        ("kwic('coopération')", lambda c: analysis.kwic(c, "coopération"), 2.0),
        ("kwic('la Ceinture et la Route')", lambda c: analysis.kwic(c, "la Ceinture et la Route"), 2.0),
    ]
    for name, func, target in tasks:
        # The baseline is timed again next to each function: a busy machine slows both alike.
        seconds, base = paired_times(lambda func=func: func(corpus), baseline_run, args.repeat)
        ratio = seconds / base
        verdict = "ok" if ratio <= target else "MISSED"
        print(f"{name:<40}{seconds:9.2f}{size / seconds:8.2f}{ratio:8.2f}{target:8.1f}  {verdict}")

    peak = peak_memory(lambda: analysis.repeated_segments(corpus, max_len=10))
    print(f"peak memory of repeated_segments(max_len=10) at {size:.1f} MB: {peak:.0f} MB "
          f"(target < 1000 MB: {'ok' if peak < 1000 else 'MISSED'})")

    small = synthetic_corpus(megabytes=args.small, seed=args.seed)
    small_size = small["text"].str.encode("utf-8").str.len().sum() / 1e6
    def segments(frame):
        analysis.repeated_segments(frame, max_len=10)

    small_seconds, small_base = paired_times(lambda: segments(small), lambda: tokenize_all(small),
                                             args.repeat)
    large_seconds, large_base = paired_times(lambda: segments(corpus), baseline_run, args.repeat)
    growth = (large_seconds / small_seconds) / (size / small_size)
    print("linearity of repeated_segments(max_len=10):")
    for label, mb, sec, base in ((f"{small_size:.2f} MB", small_size, small_seconds, small_base),
                                 (f"{size:.2f} MB", size, large_seconds, large_base)):
        print(f"  {label:>9}: {sec:6.2f} s, {mb / sec:5.2f} MB/s, ratio to tokenize {sec / base:.2f}")
    print(f"  time grows {growth:.2f}x as fast as size (1.00 = linear)")

if __name__ == "__main__":
    main()
