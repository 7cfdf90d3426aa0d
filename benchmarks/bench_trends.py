"""Speed and memory of trends, dispersion and progression, against tokenizing the same text.

Builds a synthetic corpus (``synthetic.py``) and times, in one process:

- the baseline: ``analysis.tokenize`` over every text;
- ``trends`` of five words and phrases by year, of five formula families by
  month, and of five lemmas by year; ``dispersion`` of the ten words and
  families over the articles; ``progression`` of the same ten terms
  (target for each: at most 3x the baseline);
- the same on corpora of 1/16 and 1/4 of the size, to show how time grows
  with the corpus (1x, 4x, 16x; "growth" 1.00 = linear);
- two pathological inputs at the full size: many one-sentence articles
  spread over a century, cut by month (many periods), and the whole corpus
  as one single article (one huge text).

Every function is called with the corpus frame, and timed twice: ``warm``,
with the frame's token index already in ``ensure_index``'s cache (as a
notebook sees it after its first call; **the time compared with the
target**, since the index is built once per corpus and shared by every
analysis), and ``cold``, with the cache emptied first (the time includes
building the index once, lemmas included for ``lemmatize=True``).

Each time is the best of ``--repeat`` runs, alternating with runs of the
baseline, and each ratio uses the baseline timed next to it. Peak memory is
measured in a separate, untimed run under ``tracemalloc`` (warm).

Usage::

    .venv/bin/python benchmarks/bench_trends.py [--megabytes 10] [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import synthetic_corpus  # noqa: E402
from timing import best_time, paired_times, peak_memory  # noqa: E402

import analysis  # noqa: E402
from analysis.index import clear_index_cache, ensure_index  # noqa: E402

WORDS = ["coopération", "chine", "développement", "paix", "véritable multilatéralisme"]
FAMILIES = ["family:multilateralisme", "family:gagnant-gagnant", "family:ceinture-et-route",
            "family:consensus", "family:sud-global"]
LEMMAS = ["coopérer", "développer", "partenariat", "souligner", "renforcer"]
TARGET = 3.0


def runs(corpus: pd.DataFrame) -> list[tuple[str, object]]:
    return [
        ("trends, 5 words and phrases, by year", lambda: analysis.trends(corpus, WORDS)),
        ("trends, 5 formula families, by month", lambda: analysis.trends(corpus, FAMILIES, by="month")),
        ("trends, 5 lemmas, by year", lambda: analysis.trends(corpus, LEMMAS, lemmatize=True)),
        ("dispersion, 10 terms, over the articles", lambda: analysis.dispersion(corpus, WORDS + FAMILIES)),
        ("progression, 10 terms", lambda: analysis.progression(corpus, WORDS + FAMILIES)),
    ]


def warm(func, corpus: pd.DataFrame):
    """``func`` with the corpus's index (and its lemmas) already cached."""
    ensure_index(corpus).lemmas()
    return func


def cold(func):
    """``func`` with an empty index cache: the index is built inside the call."""
    def run():
        clear_index_cache()
        func()
    return run


def tokenize_all(corpus: pd.DataFrame):
    return lambda: [analysis.tokenize(text) for text in corpus["text"]]


def megabytes_of(corpus: pd.DataFrame) -> float:
    return corpus["text"].str.encode("utf-8").str.len().sum() / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per function (best is kept)")
    parser.add_argument("--no-cold", action="store_true", help="skip the cold timings (index built inside)")
    args = parser.parse_args()
    warnings.simplefilter("ignore", UserWarning)  # undated articles in the pathological corpus

    analysis.lemma("chauffer")  # load simplemma's dictionary outside the timings
    analysis.load_lexicon()
    corpus = synthetic_corpus(megabytes=args.megabytes, seed=args.seed)
    size = megabytes_of(corpus)
    print(f"corpus: {len(corpus)} articles, {size:.2f} MB ({args.megabytes:g} MB requested)")
    print("warm: index cached (compared with the target); cold: index built inside the call")
    print(f"{'':46} {'warm':>8} {'MB/s':>7} {'vs tokenize':>12} {'cold':>8} {'vs tokenize':>12} "
          f"{'peak MB':>8}")
    worst = 0.0
    for label, func in runs(corpus):
        elapsed, base = paired_times(warm(func, corpus), tokenize_all(corpus), args.repeat)
        ratio = elapsed / base
        worst = max(worst, ratio)
        if args.no_cold:
            cold_cells = f"{'':>8} {'':>12}"
        else:
            cold_s, cold_base = paired_times(cold(func), tokenize_all(corpus), args.repeat)
            cold_cells = f"{cold_s:7.2f}s {cold_s / cold_base:11.2f}x"
        print(f"{label:<46} {elapsed:7.2f}s {size / elapsed:7.2f} {ratio:11.2f}x {cold_cells} "
              f"{peak_memory(warm(func, corpus)):8.1f}")
    print(f"  tokenize baseline: {base:.2f} s; worst warm ratio {worst:.2f}x (target <= {TARGET:g}x): "
          f"{'OK' if worst <= TARGET else 'OVER TARGET'}")

    print("\ngrowth with corpus size, warm (time / time at 1x, divided by the size ratio; 1.00 = linear)")
    sizes = {1: corpus.iloc[: len(corpus) // 16], 4: corpus.iloc[: len(corpus) // 4], 16: corpus}
    timings: dict[int, list[float]] = {}
    for factor, part in sizes.items():
        timings[factor] = [best_time(warm(func, part), args.repeat) for _, func in runs(part)]
    base_mb = megabytes_of(sizes[1])
    print(f"{'':46} " + " ".join(f"{f'{k}x ({megabytes_of(p):.2f} MB)':>18}" for k, p in sizes.items()))
    for i, (label, _) in enumerate(runs(corpus)):
        cells = []
        for factor, part in sizes.items():
            growth = (timings[factor][i] / timings[1][i]) / (megabytes_of(part) / base_mb)
            cells.append(f"{timings[factor][i]:7.2f}s ({growth:4.2f})")
        print(f"{label:<46} " + " ".join(f"{c:>18}" for c in cells))

    print("\npathological inputs")
    rng = np.random.default_rng(args.seed)
    sentences = [s for text in corpus["text"].head(400) for s, _, _ in analysis.sentences(text)]
    many = pd.DataFrame({
        "doc_id": [f"s{i:06d}" for i in range(len(sentences))],
        "text": sentences,
        "date": pd.to_datetime("1925-01-01")
        + pd.to_timedelta(rng.integers(0, 100 * 365, len(sentences)), "D"),
    })
    elapsed, base = paired_times(warm(lambda: analysis.trends(many, WORDS + FAMILIES, by="month"), many),
                                 tokenize_all(many), args.repeat)
    table = analysis.trends(many, WORDS + FAMILIES, by="month")
    print(f"{len(many)} one-sentence articles over a century, by month ({table['period'].nunique()} "
          f"periods): {elapsed:.2f} s, {elapsed / base:.2f}x tokenize, {len(table)} rows")
    whole = pd.DataFrame({"doc_id": ["all"], "text": ["\n\n".join(corpus["text"])],
                          "date": [corpus["date"].min()]})
    for label, func in (("dispersion", lambda: analysis.dispersion(whole, WORDS + FAMILIES)),
                        ("progression", lambda: analysis.progression(whole, WORDS + FAMILIES))):
        elapsed, base = paired_times(warm(func, whole), tokenize_all(whole), args.repeat)
        print(f"the whole corpus as one article, {label}: {elapsed:.2f} s, {elapsed / base:.2f}x tokenize, "
              f"peak {peak_memory(func):.1f} MB")


if __name__ == "__main__":
    main()
