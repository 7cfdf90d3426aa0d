"""Speed of ``speech`` on one huge article: linear in its length.

One article made of the shipped texts repeated to ``--megabytes`` MB (1x),
4x and 16x that size; for each size, in one process and alternately,
``analysis.speech`` and the baseline ``analysis.sentences`` (which every
``speech`` call runs first) on the same text. A linear ``speech`` keeps the
same ratio to the baseline and the same MB/s at every size; a quadratic step
shows as a ratio growing about 4x per line. Also two pathological articles,
each one passage holding every cue: a guillemet opened at the start and never
closed; the same texts without punctuation, digits or line breaks (no
character there ends a name, so every cue's search for the names around it
could run to the ends of the article).

Usage::

    .venv/bin/python benchmarks/bench_speech.py [--megabytes 1.25] [--repeat 2]
"""

from __future__ import annotations

import argparse
import re

import pandas as pd
from timing import best_time

import analysis


def huge_text(megabytes: float, *, kind: str = "plain") -> str:
    seed = "\n".join(analysis.load_corpus()["text"]) + "\n"
    if kind == "unpunctuated":
        seed = re.sub(r"\s+", " ", re.sub(r"[^\w\s'’-]|[\d_]", "", seed))
    copies = max(1, round(megabytes * 1e6 / len(seed.encode("utf-8"))))
    return ("« " if kind == "unclosed" else "") + seed * copies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--megabytes", type=float, default=1.25, help="size of the 1x article")
    parser.add_argument("--repeat", type=int, default=2, help="best of this many runs")
    args = parser.parse_args()
    analysis.speech(pd.DataFrame({"doc_id": ["warm-up"], "text": ["Wang Yi a dit oui."]}))
    header = ("article", "MB", "speech s", "MB/s", "sentences s", "ratio", "passages")
    print(" ".join(f"{h:>{w}}" for h, w in zip(header, (28, 6, 9, 6, 12, 6, 9), strict=True)))
    for kind in ("plain", "unclosed", "unpunctuated"):
        for factor in (1, 4, 16):
            text = huge_text(args.megabytes * factor, kind=kind)
            frame = pd.DataFrame({"doc_id": ["huge"], "text": [text]})
            size = len(text.encode("utf-8")) / 1e6
            base, took = float("inf"), float("inf")
            for _ in range(args.repeat):
                base = min(base, best_time(lambda text=text: analysis.sentences(text), 1))
                took = min(took, best_time(lambda frame=frame: analysis.speech(frame), 1))
            passages = len(analysis.speech(frame))
            name = f"{factor}x" + {"plain": "", "unclosed": " (quotation never closed)",
                                   "unpunctuated": " (no punctuation)"}[kind]
            print(f"{name:>28} {size:6.1f} {took:9.2f} {size / took:6.2f} {base:12.2f} {took / base:6.1f} "
                  f"{passages:9d}", flush=True)


if __name__ == "__main__":
    main()
