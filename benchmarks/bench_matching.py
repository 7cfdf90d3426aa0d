"""Speed of ``find_formulas`` on one huge article holding one character the fast patterns cannot read.

One article made of the synthetic corpus (``synthetic.py``) cut to
``--megabytes`` / 16 MB (1x), then 4x and 16x that size (20 MB by
default), in three versions: as it is (the baseline), with one word holding
``İ`` (U+0130, two characters in lower case) in its middle, and with one
holding the combining mark U+035C (no precomposed form). Before issue 7's
fix such a character sent the whole article to the ~140 slow case-insensitive
patterns (150 s at 20 MB); now only the stretch of text around it
(:func:`analysis.matching.partial_view`) goes to them.

For each size and version, ``find_formulas`` is timed on the article's token
index (built first, not timed; best of ``--repeat``), its results checked
equal to the baseline's (the added word holds no formula), and the script
prints time, MB/s, the ratio to the baseline of the same size and each
step's growth (time at 4x / time at 1x, then 16x / 4x: about 4 when
linear). It exits with status 1 if a step grows more than ``--tolerance``
(default 2) times the size ratio, or a version is more than
``--tolerance`` times slower than the baseline. ``--whole`` also times the
1x article searched whole by the slow patterns, as before the fix.

Usage::

    .venv/bin/python benchmarks/bench_matching.py [--megabytes 20] [--repeat 2] [--whole]
"""

from __future__ import annotations

import argparse
import sys

import pandas as pd
from synthetic import synthetic_corpus
from timing import best_time

import analysis
from analysis import matching

SIZES = (1, 4, 16)
VERSIONS = {"as it is": None, "one İ": "\u0130zmir", "one U+035C": "I\u035czmir"}


def article(chars: int, word: str | None, source: str) -> pd.DataFrame:
    text = source[:chars]
    if word is not None:
        middle = text.index(". ", len(text) // 2) + 2  # at a sentence start, in the middle
        text = f"{text[:middle]}À {word}, {text[middle:]}"
    return pd.DataFrame({"doc_id": ["huge"], "text": [text]})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=20.0, help="size of the 16x article (MB of text)")
    parser.add_argument("--repeat", type=int, default=2, help="timed runs per article (best is kept)")
    parser.add_argument("--tolerance", type=float, default=2.0)
    parser.add_argument("--whole", action="store_true", help="also time the 1x article searched whole (slow)")
    args = parser.parse_args()

    corpus = synthetic_corpus(megabytes=args.megabytes * 1.05, seed=0)
    source = "\n\n".join(corpus["text"])
    unit = int(args.megabytes * 1e6 / SIZES[-1])
    print(f"{'article':<12}{'size':>6}{'MB':>8}{'seconds':>9}{'MB/s':>7}{'ratio':>7}{'growth':>8}  matches")
    failed = False
    times: dict[tuple[str, int], float] = {}
    for size in SIZES:
        found = {}
        for name, word in VERSIONS.items():
            frame = article(unit * size, word, source)
            megabytes = len(frame["text"].iat[0].encode("utf-8")) / 1e6
            index = analysis.build_index(frame, progress=False)
            result = analysis.find_formulas(index)
            found[name] = result
            times[name, size] = best_time(lambda index=index: analysis.find_formulas(index), args.repeat)
            ratio = times[name, size] / times["as it is", size]
            growth = ""
            if size != SIZES[0]:
                step = times[name, size] / times[name, SIZES[SIZES.index(size) - 1]]
                growth = f"{step:.1f}"
                failed |= step > args.tolerance * size / SIZES[SIZES.index(size) - 1]
            failed |= ratio > args.tolerance
            seconds = times[name, size]
            print(f"{name:<12}{size:>5}x{megabytes:8.2f}{seconds:9.2f}{megabytes / seconds:7.2f}"
                  f"{ratio:7.2f}{growth:>8}  {len(result)}", flush=True)
        # The added word holds no formula: the matches are the baseline's, moved by its length.
        base = found["as it is"].drop(columns=["start", "end", "sentence"]).reset_index(drop=True)
        for name in list(VERSIONS)[1:]:
            same = found[name].drop(columns=["start", "end", "sentence"]).reset_index(drop=True)
            if not base.equals(same):
                print(f"  {name}: matches differ from the article as it is")
                failed = True
    if args.whole:
        frame = article(unit, VERSIONS["one İ"], source)
        index = analysis.build_index(frame, progress=False)
        part = best_time(lambda: analysis.find_formulas(index), 1)
        slow_breaks, matching._BREAK_CANDIDATES = matching._BREAK_CANDIDATES, ""
        try:
            whole = best_time(lambda: analysis.find_formulas(index), 1)
        finally:
            matching._BREAK_CANDIDATES = slow_breaks
        print(f"1x article with one İ searched whole by the slow patterns: {whole:.2f} s "
              f"({whole / part:.1f}x the stretch path's {part:.2f} s)")
    print("FAILED: a step grew faster than its input or a version is slow" if failed else "ok: linear")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
