"""A synthetic French news corpus of any size, for the benchmarks.

Documents of 2-5 KB mix sentences resampled from the shipped articles (so the
diplomatic formulas, names, elisions and guillemets of the real corpus occur
at realistic rates) with sentences of words drawn from general French
frequencies (``wordfreq``), so that the vocabulary keeps growing with the
corpus as in real collections (more than 50,000 distinct words at 10 MB).

Usage from a benchmark script in this folder::

    from synthetic import synthetic_corpus, vocabulary_size

Everything is drawn from one ``numpy.random.Generator`` seeded by ``seed``,
so a given ``(megabytes, seed)`` always gives the same corpus.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

import analysis

#: Share of sentences taken from the shipped articles (the rest is generated).
SHIPPED_SHARE = 0.35
#: Exponent applied to wordfreq's frequencies before sampling. 1.0 would be the
#: plain frequencies; a slightly flatter Zipf curve lets a 10 MB corpus reach
#: the vocabulary size of real news corpora (rare names, technical words).
ZIPF_EXPONENT = 0.9
N_WORDS = 100_000
SOURCES = ("Xinhua", "CGTN Français", "Le Quotidien du Peuple", "Radio Chine Internationale")
_DATE_START = np.datetime64("2015-01-01")
_DATE_DAYS = 11 * 365


@lru_cache(maxsize=1)
def _shipped_sentences() -> tuple[str, ...]:
    corpus = analysis.load_corpus()
    return tuple(s for text in corpus["text"] for s, _, _ in analysis.sentences(text))


@lru_cache(maxsize=1)
def _french_words() -> tuple[np.ndarray, np.ndarray]:
    """The 100,000 most frequent French words and their sampling CDF."""
    import wordfreq

    words = wordfreq.top_n_list("fr", N_WORDS)
    freqs = np.array([wordfreq.word_frequency(w, "fr") for w in words]) ** ZIPF_EXPONENT
    return np.array(words, dtype=object), np.cumsum(freqs / freqs.sum())


def synthetic_corpus(*, megabytes: float = 10.0, seed: int = 0) -> pd.DataFrame:
    """Build a synthetic corpus of about ``megabytes`` MB of UTF-8 text.

    Parameters
    ----------
    megabytes
        Target size of all texts together, in MB (10**6 bytes of UTF-8).
    seed
        Seed of the random generator; the same seed gives the same corpus.

    Returns
    -------
    pandas.DataFrame
        Columns ``doc_id`` (``syn_000000`` ...), ``text`` (2-5 KB each),
        ``date`` (datetime64, 2015-2025) and ``source`` (one of
        :data:`SOURCES`), sorted by ``doc_id``.
    """
    if not megabytes > 0:
        raise ValueError(f"megabytes must be a positive number (got {megabytes!r})")
    rng = np.random.default_rng(seed)
    shipped = _shipped_sentences()
    words, cdf = _french_words()
    target = int(megabytes * 1_000_000)
    texts: list[str] = []
    total = 0
    while total < target:
        size = int(rng.integers(2_000, 5_001))
        parts: list[str] = []
        length = 0
        while length < size:
            if rng.random() < SHIPPED_SHARE:
                sentence = shipped[int(rng.integers(len(shipped)))]
            else:
                drawn = words[np.searchsorted(cdf, rng.random(int(rng.integers(8, 31))), side="right")]
                sentence = " ".join(drawn).capitalize() + "."
            parts.append(sentence)
            length += len(sentence.encode("utf-8")) + 1
        text = " ".join(parts)
        texts.append(text)
        total += len(text.encode("utf-8"))
    n = len(texts)
    return pd.DataFrame(
        {
            "doc_id": [f"syn_{i:06d}" for i in range(n)],
            "text": texts,
            "date": pd.to_datetime(_DATE_START + rng.integers(0, _DATE_DAYS, size=n)),
            "source": np.array(SOURCES, dtype=object)[rng.integers(0, len(SOURCES), size=n)],
        }
    )


def vocabulary_size(corpus: pd.DataFrame) -> int:
    """Number of distinct lower-cased tokens (``analysis.tokenize``) in ``corpus["text"]``."""
    vocabulary: set[str] = set()
    for text in corpus["text"]:
        vocabulary.update(analysis.tokenize(text))
    return len(vocabulary)


if __name__ == "__main__":
    import time

    start = time.perf_counter()
    frame = synthetic_corpus()
    built = time.perf_counter() - start
    size = frame["text"].str.encode("utf-8").str.len().sum() / 1e6
    print(f"{len(frame)} documents, {size:.2f} MB built in {built:.1f} s; "
          f"vocabulary {vocabulary_size(frame):,} distinct tokens")
