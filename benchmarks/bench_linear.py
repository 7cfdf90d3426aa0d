"""Linear-time checks (issue 7): each step timed on 1x, 4x and 16x inputs, pathological ones included.

For each case the script builds an input of ``--base`` units, then 4 and 16
times as many, times the function on each (best of ``--repeat``), and prints
the throughput and the *growth ratio* ``time(16x) / time(1x)``: about 16 for
a linear step, 256 for a quadratic one. The baseline, ``analysis.tokenize``
over the same input, is timed next to each run in the same process and its
own growth is printed too (a busy machine slows both alike).

These are the linear-time tests the issue asks for: the script exits with
status 1 if a growth ratio exceeds ``--tolerance`` (default 2) times the
size ratio, i.e. 32 for 16x the input; it is a benchmark, not a unit test,
since timings depend on the machine.

Cases (sizes at ``--base 1``; ``--base`` scales them all):

- ``build_index`` on a corpus (1 MB at 1x), on one huge article (0.25 MB at
  1x), on one number of 250,000 digits joined by dots and commas, on one word
  of letters joined by hyphens and apostrophes, and on sentence ends each
  followed by 80 spaces and guillemets (the array tokenizer's and sentence
  splitter's slow paths);
- ``sentences`` on runs of dots, of ``!?`` and of blank lines (200,000
  characters at 1x, then a letter; 20,000 dots took 11 s before the fix),
  and on ordinary text (0.6 MB of the synthetic corpus);
- ``kwic`` on one 43 KB article whose words are separated by no-break spaces,
  by tabs, and by plain spaces (1x), 4x and 16x as long;
- ``find_formulas`` on a corpus of articles (1 MB at 1x, its default call);
- ``find_formulas``, ``formulaicity``, ``speech`` and
  ``repeated_segments(max_len=10)`` on one huge article (0.25 MB at 1x, 4 MB
  at 16x; ``--base 12.5`` reaches 50 MB) and ``repeated_segments`` on a
  corpus of articles (1 MB at 1x); ``repeated_segments`` (no length limit)
  also on one huge article whose words are separated by ``...`` (every word
  its own sequence); ``speech`` is measured, not fixed here.
  One character without a same-length lower case or a combining accent
  (:func:`analysis.phrases.lowered_text`) sends a whole article to the slow,
  case-insensitive patterns of ``find_formulas`` (about 20x slower): at
  large ``--base`` the huge article holds one, a step that the growth ratio
  shows although each path is linear;
- ``repeated_segments``, ``formulaicity`` and ``shared_passages`` on
  articles that all share a 9-word footer (250 at
  1x, 4,000 at 16x; ``--footer-check`` also runs 4,000 and 20,000 articles once and
  prints time and peak memory, target under a minute and 2 GB).

Usage::

    .venv/bin/python benchmarks/bench_linear.py [--base 1] [--repeat 3] [--only kwic] [--footer-check]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time

import pandas as pd
from synthetic import synthetic_corpus
from timing import best_time

import analysis

SIZES = (1, 4, 16)
FOOTER = "Pour toute information contactez le service de presse chinois."


def frame(texts: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": [f"d{i:06d}" for i in range(len(texts))], "text": texts})


def tokenize_all(corpus: pd.DataFrame) -> None:
    for text in corpus["text"]:
        analysis.tokenize(text)


def cases(base: float):
    """``(name, make(k) -> corpus, func(corpus))`` for each case."""
    plain = synthetic_corpus(megabytes=max(base, 0.3) * 1.2, seed=1)
    prose = " ".join(plain["text"])

    def prose_of(chars: int) -> str:
        return (prose * (chars // len(prose) + 1))[:chars]

    def one_article(chars: int, sep: str = " ") -> pd.DataFrame:
        return frame([prose_of(chars).replace(" ", sep)])

    n = int(200_000 * base)
    yield "sentences: run of dots", lambda k: frame(["Fin" + "." * (n * k) + "a"]), _sentences
    yield "sentences: run of !?", lambda k: frame(["Quoi" + "!?" * (n * k // 2) + "a"]), _sentences
    yield "sentences: blank lines", lambda k: frame(["Un" + "\n" * (n * k) + "deux"]), _sentences
    yield "sentences: prose", lambda k: one_article(int(600_000 * base) * k), _sentences
    size = int(43_000 * base)
    for label, sep in (("no-break spaces", "\u00a0"), ("tabs", "\t"), ("spaces", " ")):
        yield (f"kwic('la'), words split by {label}", lambda k, sep=sep: one_article(size * k, sep),
               lambda c: analysis.kwic(c, "la"))
    huge = int(250_000 * base)
    build = analysis.build_index
    yield "build_index: corpus", lambda k: synthetic_corpus(megabytes=base * k, seed=2), build
    yield "build_index: one huge article", lambda k: one_article(huge * k), build
    yield ("build_index: one number of digits joined by dots and commas",
           lambda k: frame(["1" + ".2,3" * (huge * k // 4)]), build)
    yield ("build_index: one word of letters joined by hyphens and apostrophes",
           lambda k: frame(["a" + "-b'c" * (huge * k // 4) + "-t-il"]), build)
    yield ("build_index: sentence ends before long runs of spaces and quotes",
           lambda k: frame(["Fin. " + (" «" * 40 + "Oui. ") * (huge * k // 86)]), build)
    yield "find_formulas: one huge article", lambda k: one_article(huge * k), analysis.find_formulas
    yield ("find_formulas: corpus", lambda k: synthetic_corpus(megabytes=base * k, seed=2),
           analysis.find_formulas)
    yield "formulaicity: one huge article", lambda k: one_article(huge * k), analysis.formulaicity
    yield "speech: one huge article (not fixed)", lambda k: one_article(huge * k), analysis.speech
    yield ("repeated_segments(max_len=10): one huge article", lambda k: one_article(huge * k),
           lambda c: analysis.repeated_segments(c, max_len=10))
    yield ("repeated_segments(max_len=10): corpus", lambda k: synthetic_corpus(megabytes=base * k, seed=2),
           lambda c: analysis.repeated_segments(c, max_len=10))
    yield ("repeated_segments: one huge article, runs of dots between words",
           lambda k: one_article(huge * k, " ... "), analysis.repeated_segments)
    articles = int(250 * base)

    def footers(k: int) -> pd.DataFrame:
        return frame([f"Article {i} : {prose_of(300)[(i * 7) % 200:][:100]}. {FOOTER}"
                      for i in range(articles * k)])

    yield ("repeated_segments: every article shares a footer", footers, analysis.repeated_segments)
    yield "formulaicity: every article shares a footer", footers, analysis.formulaicity
    yield ("shared_passages: every article shares a footer", footers,
           lambda c: analysis.shared_passages(c, min_words=8))


def _sentences(corpus: pd.DataFrame) -> None:
    for text in corpus["text"]:
        analysis.sentences(text)


def footer_check() -> bool:
    ok = True
    for n in (4_000, 20_000):
        corpus = frame([f"Dépêche {i} sur le sujet numéro {i}. {FOOTER}" for i in range(n)])
        start = time.perf_counter()
        result = analysis.shared_passages(corpus, min_words=8)
        seconds = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6  # GB (kB on Linux)
        good = seconds < 60 and peak < 2
        ok &= good
        print(f"shared_passages, {n:,} articles sharing a 9-word footer: {seconds:.1f} s, "
              f"{len(result)} rows, "
              f"{len(result.attrs['boilerplate'])} boilerplate passage(s), process peak {peak:.2f} GB "
              f"({'ok' if good else 'MISSED'}: < 60 s and < 2 GB)")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=float, default=1.0, help="scale of the 1x inputs")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per size (best is kept)")
    parser.add_argument("--tolerance", type=float, default=2.0, help="allowed growth / size ratio")
    parser.add_argument("--only", default="", help="run only the cases whose name holds this text")
    parser.add_argument("--footer-check", action="store_true", help="also run 4,000 and 20,000 articles")
    args = parser.parse_args()

    failed = []
    print(f"{'case':<52}{'1x s':>8}{'4x s':>8}{'16x s':>8}{'MB/s 16x':>10}{'growth':>8}{'tokenize':>9}")
    for name, make, func in cases(args.base):
        if args.only not in name:
            continue
        times, bases, megabytes = [], [], []
        for k in SIZES:
            corpus = make(k)
            megabytes.append(corpus["text"].str.len().sum() / 1e6)
            times.append(best_time(lambda corpus=corpus, func=func: func(corpus), args.repeat))
            bases.append(best_time(lambda corpus=corpus: tokenize_all(corpus), args.repeat))
        growth = times[-1] / max(times[0], 1e-4)
        base_growth = bases[-1] / max(bases[0], 1e-4)
        size_ratio = SIZES[-1] / SIZES[0]
        verdict = "" if growth <= args.tolerance * size_ratio else "  SUPERLINEAR"
        if verdict:
            failed.append(name)
        print(f"{name:<52}{times[0]:8.2f}{times[1]:8.2f}{times[2]:8.2f}"
              f"{megabytes[-1] / max(times[-1], 1e-4):10.2f}{growth:8.1f}{base_growth:9.1f}{verdict}",
              flush=True)
    ok = footer_check() if args.footer_check else True
    print(f"growth = time(16x) / time(1x); linear is about {SIZES[-1] // SIZES[0]}, "
          f"failure above {args.tolerance * SIZES[-1] / SIZES[0]:.0f}")
    if failed:
        print("superlinear: " + ", ".join(failed))
    return 1 if failed or not ok else 0


if __name__ == "__main__":
    sys.exit(main())
