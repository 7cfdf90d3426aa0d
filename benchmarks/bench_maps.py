"""Speed of co-occurrence, correspondence analysis and formula candidates (issue 10).

Builds a synthetic corpus (``synthetic.py``) and times, in one process:

- the baseline: ``analysis.tokenize`` over every text;
- ``cooccurrences`` of one frequent pivot (``coopération``), window 5 (target: at most 3x the baseline);
- ``formula_network`` by sentence (target: at most 3x);
- ``correspondence_analysis`` of documents × the 2,000 most frequent lemmas (target: under 10 s at
  10 MB), and its time against the number of documents (1/16, 1/4 and all of the corpus);
- ``formula_candidates`` for every family (target: at most 3x).

Each time is the best of ``--repeat`` runs, alternating with runs of the baseline, and each ratio
uses the baseline timed next to it (a busy machine slows both alike). Linearity of
``cooccurrences`` is shown on corpora of 1/16, 1/4 and the whole size.

Usage::

    .venv/bin/python benchmarks/bench_maps.py [--megabytes 10] [--repeat 3]
"""

from __future__ import annotations

import argparse

from bench_phrasing import best_time, paired_times, tokenize_all
from synthetic import synthetic_corpus

import analysis


def megabytes(frame) -> float:
    return frame["text"].str.encode("utf-8").str.len().sum() / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=10.0, help="size of the corpus (MB of UTF-8)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per function (best is kept)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    corpus = synthetic_corpus(megabytes=args.megabytes, seed=args.seed)
    size = megabytes(corpus)
    print(f"corpus: {len(corpus)} documents, {size:.2f} MB")

    def baseline_run():
        tokenize_all(corpus)

    baseline = best_time(baseline_run, args.repeat)
    print(f"{'function':<58}{'seconds':>9}{'MB/s':>8}{'ratio':>8}{'target':>8}  result")
    print(f"{'baseline: tokenize':<58}{baseline:9.2f}{size / baseline:8.2f}{1:8.2f}")
    tasks = [
        ("cooccurrences('coopération', window=5)",
         lambda c: analysis.cooccurrences(c, "coopération", window=5), 3.0),
        ("cooccurrences('family:multilateralisme', window=5)",
         lambda c: analysis.cooccurrences(c, "family:multilateralisme", window=5), 3.0),
        ("formula_network(unit='sentence')", lambda c: analysis.formula_network(c), 3.0),
        ("formula_candidates()", lambda c: analysis.formula_candidates(c), 3.0),
        ("correspondence_analysis(2,000 lemmas)",
         lambda c: analysis.correspondence_analysis(c, terms=2000, lemmatize=True), None),
    ]
    for name, func, target in tasks:
        seconds, base = paired_times(lambda func=func: func(corpus), baseline_run, args.repeat)
        ratio = seconds / base
        if target is None:
            verdict, shown = ("ok" if seconds < 10 else "MISSED"), "<10 s"
        else:
            verdict, shown = ("ok" if ratio <= target else "MISSED"), f"{target:.1f}"
        print(f"{name:<58}{seconds:9.2f}{size / seconds:8.2f}{ratio:8.2f}{shown:>8}  {verdict}")

    print("growth with corpus size (documents, MB, seconds, ratio to tokenize):")
    for name, func in (("cooccurrences('coopération', window=5)",
                        lambda c: analysis.cooccurrences(c, "coopération", window=5)),
                       ("correspondence_analysis(2,000 lemmas)",
                        lambda c: analysis.correspondence_analysis(c, terms=2000, lemmatize=True))):
        print(f"  {name}")
        points = []
        for share in (16, 4, 1):
            part = corpus.iloc[: max(2, len(corpus) // share)]
            seconds, base = paired_times(lambda part=part, func=func: func(part),
                                         lambda part=part: tokenize_all(part), args.repeat)
            points.append((len(part), megabytes(part), seconds))
            print(f"    {len(part):6d} docs {megabytes(part):6.2f} MB {seconds:7.2f} s  "
                  f"ratio {seconds / base:5.2f}")
        (n0, _, s0), (n1, _, s1) = points[0], points[-1]
        print(f"    time grows {(s1 / s0) / (n1 / n0):.2f}x as fast as the number of documents "
              "(1.00 = linear)")


if __name__ == "__main__":
    main()
