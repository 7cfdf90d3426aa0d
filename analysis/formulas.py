"""Step 5 of the pipeline: diplomatic formulas, found by a lexicon of variants.

The lexicon of formula families and its variants are read by
:mod:`analysis.lexicon`, written in the phrase syntax of
:mod:`analysis.phrases`, and searched by :mod:`analysis.matching`: of
overlapping matches of one family the longest counts, once. Each match is
placed in its sentence and, through :mod:`analysis.speech`, given the
speaker of the reported-speech passage holding it.
"""

from __future__ import annotations

import itertools
import multiprocessing
import re
from collections.abc import Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .counts import grouped_counts
from .errors import LexiconError, excerpt
from .index import (
    CHUNK_CHARS,
    PARALLEL_CHUNK_CHARS,
    PROGRESS_CHARS,
    TokenIndex,
    check_parallel,
    chunk_bounds,
    ensure_index,
)
from .lexicon import family_matchers, resolve_actors, resolve_lexicon
from .matching import (
    WordPositions,
    batch_matches,
    candidate_arrays,
    close_quote,
    longest_matches,
    matchers_vocabulary,
    views_and_positions,
)
from .phrases import PREFILTERS, WHOLE_WORDS, UserRegex
from .speech import speech_passages, speech_words

VARIANT_KEYS = ("id", "phrase", "regex", "note")
MATCH_COLUMNS = ("doc_id", "family", "variant", "matched", "start", "end", "sentence", "speaker")

def formula_pattern(
    family_id: str, *, lexicon: Mapping[str, dict] | str | Path | None = None
) -> re.Pattern | UserRegex:
    """Return one compiled regex matching any variant of a family (for concordances).

    The variants are joined as alternatives, longest source first, so that
    ``véritable multilatéralisme`` is tried before ``multilatéralisme`` at the
    same position. Unlike :func:`find_formulas`, a single regex cannot always
    pick the longest of overlapping variants; use the matches of
    :func:`find_formulas` where that matters.

    A family with a ``regex:`` variant gives a :class:`analysis.phrases.UserRegex`
    (same methods as a compiled pattern), whose searches stop with a
    :class:`analysis.LexiconError` naming the family past their time limit
    instead of hanging; a family of phrases gives a plain ``re.Pattern``.

    Raises
    ------
    ValueError
        If ``family_id`` is not in the lexicon (the message lists the ids).
    """
    families = resolve_lexicon(lexicon)
    if family_id not in families:
        raise ValueError(f"family_id must be one of {sorted(families)} (got {family_id!r})")
    variants = sorted(
        families[family_id]["variants"], key=lambda v: -len(v["phrase"] or v["regex"])
    )
    source = "|".join(f"(?:{v['pattern'].pattern})" for v in variants)
    if any(v["regex"] is not None for v in variants):
        where = f"{families[family_id].get('file', 'lexicon')}: family {excerpt(family_id)}"
        return UserRegex(source, error=LexiconError, where=where)
    return re.compile(source, re.IGNORECASE)

def family_matches(
    text: str, family: Mapping[str, Any], *, view: tuple[str | None, str] | None = None
) -> list[tuple[int, int, str]]:
    """Matches of one family in one text, overlaps resolved: ``(start, end, variant id)``.

    Of overlapping matches the longest is kept, then the earliest, then the
    one of the variant listed first. ``view`` is :func:`text_view` of
    ``text`` if the caller has it already.
    """
    matchers = [(v["id"], v["pattern"], v.get("fast"), v.get("anchor")) for v in family["variants"]]
    found = longest_matches(text, matchers, view=view)
    return [(start, close_quote(text, start, end), variant_id) for start, end, variant_id in found]

def family_corpus_matches(
    texts: list[str], family: Mapping[str, Any], *, views: list[tuple[str | None, str]] | None = None
) -> list[list[tuple[int, int, str]]]:
    """:func:`family_matches` of many texts at once (one scan per pattern for all), one list per text."""
    matchers = [(v["id"], v["pattern"], v.get("fast"), v.get("anchor")) for v in family["variants"]]
    found = batch_matches(texts, matchers, views=views)
    return [[(start, close_quote(text, start, end), variant_id) for start, end, variant_id in matches]
            for text, matches in zip(texts, found, strict=True)]

def corpus_matches(
    texts: list[str],
    families: Mapping[str, dict],
    *,
    views: list[tuple[str | None, str]] | None = None,
    positions: WordPositions | None = None,
) -> list[list[tuple[int, str, int, str]]]:
    """Per text, the matches of every family: ``(start, family id, end, variant id)``, sorted.

    ``views`` and ``positions`` as for :func:`analysis.matching.candidate_arrays`.
    """
    doc, start, end, family, variant = _match_columns(texts, families, views, positions)
    rows = list(zip(start, family, end, variant, strict=True))
    bounds = np.searchsorted(np.array(doc, dtype=np.int64), np.arange(len(texts) + 1)).tolist()
    return [rows[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]

def _match_columns(
    texts: list[str],
    families: Mapping[str, dict],
    views: list[tuple[str | None, str]] | None,
    positions: WordPositions | None,
) -> tuple[list[int], list[int], list[int], list[str], list[str]]:
    """The matches of :func:`corpus_matches` as columns: text, start, end, family id, variant id.

    Sorted by text, then as :func:`corpus_matches` sorts each text's matches.
    """
    matchers = family_matchers(families)
    found = candidate_arrays(texts, matchers, views, positions)
    labels = [label for label, _, _, _ in matchers]
    family_ids = sorted({family for family, _ in labels})
    variant_ids = sorted({variant for _, variant in labels})
    # Per matcher: its family, and the rank of its family and variant ids (sorted as strings).
    family_rank = np.array([family_ids.index(family) for family, _ in labels] or [0], dtype=np.int64)
    variant_rank = np.array([variant_ids.index(variant) for _, variant in labels] or [0], dtype=np.int64)
    kept = found.longest(family_rank[found.order]) if matchers else found
    spans = zip(kept.doc.tolist(), kept.start.tolist(), kept.end.tolist(), strict=True)
    end = np.array([close_quote(texts[i], a, b) for i, a, b in spans], dtype=np.int64)
    ranked = np.lexsort((variant_rank[kept.order], end, family_rank[kept.order], kept.start, kept.doc))
    orders = kept.order[ranked].tolist()
    return (kept.doc[ranked].tolist(), kept.start[ranked].tolist(), end[ranked].tolist(),
            [labels[k][0] for k in orders], [labels[k][1] for k in orders])

def find_formulas(
    corpus: pd.DataFrame | TokenIndex,
    *,
    lexicon: Mapping[str, dict] | str | Path | None = None,
    actors: Mapping[str, dict] | str | Path | None = None,
    n_jobs: int = 1,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Find every formula of the lexicon in every article.

    Parameters
    ----------
    corpus
        A frame with ``doc_id`` and ``text`` (as from :func:`load_corpus`), or
        its token index (whose sentences are used).
    lexicon
        ``None`` (shipped lexicon), a path to a YAML lexicon (extending the
        shipped one), or a lexicon from :func:`load_lexicon`.
    actors
        The actor table used to name speakers (see :func:`analysis.speech`);
        ``None`` is the shipped one.
    n_jobs
        Processes searching chunks of articles in parallel (1: in this
        process). The result does not depend on it.
    progress
        Show a progress bar (tqdm): ``None`` (default) shows one past
        :data:`analysis.index.PROGRESS_CHARS` characters of text.

    Returns
    -------
    pandas.DataFrame
        One row per match, columns ``doc_id``, ``family``, ``variant``
        (variant id), ``matched`` (the text exactly as in the article),
        ``start``, ``end`` (offsets into ``text``: ``text[start:end] ==
        matched``), ``sentence`` (the sentence of :func:`analysis.sentences`
        holding the start of the match), ``speaker`` (the speaker of the
        reported-speech passage holding the match, as in
        :func:`analysis.speech`: an actor id, or the name as written of a
        speaker the actor table does not know, e.g. ``Mme Fall``; ``""``
        when the match is not in attributed speech). Sorted by ``doc_id``,
        ``start``, ``family``.
    """
    index = ensure_index(corpus)
    check_parallel(n_jobs=n_jobs, progress=progress)
    families = resolve_lexicon(lexicon)
    table = resolve_actors(actors)
    texts = index.texts
    # The words that formulas, cues and actor names start with, found once for all.
    vocabulary = matchers_vocabulary(family_matchers(families)) | speech_words(table)
    index.word_runs(tuple(sorted(vocabulary)))  # before processes are forked, which then share it
    shared = (index, families, table, vocabulary)
    bounds = chunk_bounds(texts, CHUNK_CHARS if n_jobs == 1 else PARALLEL_CHUNK_CHARS)
    total = sum(map(len, texts))
    from tqdm import tqdm  # the text bar, as build_index

    doc_ids = index.corpus["doc_id"].tolist()
    columns: dict[str, list] = {name: [] for name in MATCH_COLUMNS}
    with tqdm(total=total, unit="char", unit_scale=True, desc="formulas",
              disable=not (progress if progress is not None else total > PROGRESS_CHARS)) as bar:
        if n_jobs > 1 and len(bounds) > 1:
            results = _parallel(bounds, shared, int(n_jobs))
        else:
            results = (_chunk_matches(lo, hi, *shared) for lo, hi in bounds)
        for (lo, hi), found in zip(bounds, results, strict=True):
            docs, starts, ends = found["doc"], found["start"], found["end"]
            columns["doc_id"] += [doc_ids[i] for i in docs]
            columns["matched"] += [texts[i][a:b] for i, a, b in zip(docs, starts, ends, strict=True)]
            columns["sentence"] += [
                texts[i][a:b] if start < b else ""
                for i, start, a, b in zip(docs, starts, found["sentence_start"], found["sentence_end"],
                                          strict=True)
            ]
            for name in ("family", "variant", "start", "end", "speaker"):
                columns[name] += found[name]
            bar.update(sum(map(len, texts[lo:hi])))
    frame = pd.DataFrame(columns, columns=list(MATCH_COLUMNS))
    frame = frame.astype({"start": "int64", "end": "int64"})
    return frame.sort_values(["doc_id", "start", "family"], kind="stable").reset_index(drop=True)

def _chunk_matches(
    lo: int, hi: int, index: TokenIndex, families: Mapping[str, dict], table: Mapping[str, dict],
    vocabulary: frozenset[str],
) -> dict[str, list]:
    """The matches of :func:`find_formulas` in the texts ``lo`` to ``hi`` of an index, as columns.

    ``vocabulary``: the words whose positions the matchers of ``families``
    and the speech rules read (:func:`analysis.matching.views_and_positions`).
    Columns: ``doc`` (the text's position), ``family``,
    ``variant``, ``start``, ``end``, ``sentence_start``, ``sentence_end``
    (the sentence holding the start of the match; ``(0, 0)`` if none does)
    and ``speaker``.
    """
    first = index.doc_sentence_first
    texts = index.corpus["text"].iloc[lo:hi].tolist()
    base = int(first[lo])
    firsts = (first[lo:hi + 1] - base).tolist()
    views, positions = views_and_positions(texts, vocabulary, index=index, first=lo)
    docs, match_starts, match_ends, family_ids, variants = _match_columns(texts, families, views, positions)
    doc, start = np.array(docs, dtype=np.int64), np.array(match_starts, dtype=np.int64)
    last = np.flatnonzero(np.diff(doc, append=len(texts)))  # each text's last match
    with_matches = doc[last].tolist()
    bounds = [0, *(last + 1).tolist()]
    begins = index.sentence_starts[base:first[hi]].astype(np.int64)
    finishes = index.sentence_ends[base:first[hi]].astype(np.int64)
    starts, ends = begins.tolist(), finishes.tolist()
    passages = speech_passages(
        [texts[i] for i in with_matches], table, views=[views[i] for i in with_matches],
        spans=[list(zip(starts[firsts[i]:firsts[i + 1]], ends[firsts[i]:firsts[i + 1]], strict=True))
               for i in with_matches],
        positions=positions.take(with_matches),
        holding=[match_starts[a:b] for a, b in zip(bounds, bounds[1:], strict=False)],
    )
    width = max(map(len, texts), default=0) + 1
    k = _holding(np.repeat(np.arange(len(texts)), np.diff(firsts)), begins, doc, start, width)
    # The attributed passage holding each match's start, if any.
    flat = [(i, passage)
            for i, doc_passages in zip(with_matches, passages, strict=True) for passage in doc_passages]
    j = _holding(np.array([i for i, _ in flat], dtype=np.int64),
                 np.array([passage[1] for _, passage in flat], dtype=np.int64), doc, start, width)
    held = (j >= 0) & (start < np.append([passage[2] for _, passage in flat], 0).astype(np.int64)[j])
    # Index -1 (no sentence, no passage) reads the 0 appended: sentence (0, 0), no speaker.
    return {
        "doc": [lo + i for i in docs], "family": family_ids, "variant": variants, "start": match_starts,
        "end": match_ends,
        "sentence_start": np.append(begins, 0)[k].tolist(),
        "sentence_end": np.append(finishes, 0)[k].tolist(),
        "speaker": [flat[at][1][0] if h else "" for at, h in zip(j.tolist(), held.tolist(), strict=True)],
    }

def _holding(
    doc_of: np.ndarray, starts: np.ndarray, doc: np.ndarray, pos: np.ndarray, width: int
) -> np.ndarray:
    """For each ``(doc, pos)``, the last span ``(doc_of, starts)`` (sorted) starting at or before it.

    In the same text; ``-1`` if none. Offsets are below ``width``.
    """
    k = np.searchsorted(doc_of * width + starts, doc * width + pos, "right") - 1
    same = k >= 0
    same[same] = doc_of[k[same]] == doc[same]
    return np.where(same, k, -1)

#: By call, the index, lexicon, actor table and vocabulary that the worker processes of
#: :func:`find_formulas` search (one entry per call, so that calls from several threads do not mix).
_SHARED: dict[int, tuple] = {}
_CALLS = itertools.count()

def _parallel(bounds: list[tuple[int, int]], shared: tuple, n_jobs: int) -> Iterator[dict[str, list]]:
    """:func:`_chunk_matches` of each ``(lo, hi)`` of ``bounds``, in order, on ``n_jobs`` processes."""
    # Forked processes find the corpus and lexicon in _SHARED (sending them would cost as much as
    # searching); processes started afresh are given them, with what the fast patterns were
    # compiled with.
    call = next(_CALLS)
    method = multiprocessing.get_start_method()
    options: dict = {"mp_context": multiprocessing.get_context(method)}
    if method != "fork":
        options.update(initializer=_share, initargs=(call, shared, dict(PREFILTERS), dict(WHOLE_WORDS)))
    _SHARED[call] = shared
    try:
        with ProcessPoolExecutor(max_workers=n_jobs, **options) as pool:
            yield from pool.map(_shared_chunk_matches, [(call, lo, hi) for lo, hi in bounds])
    finally:
        del _SHARED[call]

def _share(call: int, shared: tuple, prefilters: dict, whole_words: dict) -> None:
    _SHARED[call] = shared
    PREFILTERS.update(prefilters)
    WHOLE_WORDS.update(whole_words)

def _shared_chunk_matches(task: tuple[int, int, int]) -> dict[str, list]:
    call, lo, hi = task
    return _chunk_matches(lo, hi, *_SHARED[call])

def formula_counts(
    corpus: pd.DataFrame | TokenIndex,
    *,
    by: str = "doc_id",
    per: float = 1000,
    lexicon: Mapping[str, dict] | str | Path | None = None,
) -> pd.DataFrame:
    """Count formula matches per family and group, and their rate per ``per`` tokens.

    ``rate = count / n_tokens × per``, where ``count`` is the number of
    matches of the family in the group (overlapping variants counted once,
    :func:`find_formulas`) and ``n_tokens`` the number of tokens of the
    group's texts by :func:`analysis.tokenize` (all tokens, stop words and
    clitics included). A rate per 1,000 tokens is the usual normalised
    frequency of corpus linguistics (Biber, Conrad & Reppen 1998, *Corpus
    Linguistics*, p. 263); it is 0 for an empty group.

    Parameters
    ----------
    corpus
        A frame with ``doc_id`` and ``text`` and any metadata, or its token index.
    by
        The grouping column: ``"doc_id"``, ``"source"``, ``"year"`` (the year
        of ``date``) or any other column of ``corpus``. Missing values form a
        group of their own.
    per
        The rate's unit, a positive number of tokens.
    lexicon
        As for :func:`find_formulas`.

    Returns
    -------
    pandas.DataFrame
        Columns ``<by>``, ``family``, ``count``, ``n_tokens``, ``rate``: one row
        per group and family of the lexicon, *including families with no
        match* (count 0), so that a heatmap shows the zeros. Sorted by group,
        then rate (descending), then family.
    """
    index = ensure_index(corpus)
    families = resolve_lexicon(lexicon)

    matches = iter(corpus_matches(index.texts, families))
    return grouped_counts(
        index, by=by, per=per, keys=list(families), key_column="family",
        count=lambda _: [family_id for _, family_id, _, _ in next(matches)],
    )


# --- who says which formula (issues 7 and 9: tables the notebooks show) ---

#: The speaker of a formula outside every attributed passage (:func:`formulas_by_speaker`).
UNIDENTIFIED = "(narrator or unidentified)"
#: The speakers beyond the ``top`` most frequent ones (:func:`formulas_by_speaker`).
OTHER_SPEAKERS = "(other speakers)"


def formulas_by_speaker(
    formulas: pd.DataFrame,
    *,
    top: int = 7,
    speaker_labels: Mapping[str, str] | None = None,
    family_labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Count the matches of each formula family by speaker.

    Parameters
    ----------
    formulas
        Matches from :func:`find_formulas` (columns ``family`` and ``speaker``).
    top
        The ``top`` speakers with the most matches (ties: by name) are kept;
        the others are counted together as :data:`OTHER_SPEAKERS`. A match
        with no speaker counts under :data:`UNIDENTIFIED`.
    speaker_labels, family_labels
        Names to show for speaker and family ids (for example each actor's
        ``label``); an id missing from them is shown as it is.

    Returns
    -------
    pandas.DataFrame
        Columns ``speaker``, ``family``, ``matches``: one row per speaker and
        family with at least one match. Sorted by speaker (the ``top`` by
        matches, then :data:`OTHER_SPEAKERS`, then :data:`UNIDENTIFIED`), then
        ``matches`` (descending), then ``family``.
    """
    if not isinstance(formulas, pd.DataFrame) or not {"family", "speaker"} <= set(formulas.columns):
        raise ValueError("formulas must be a frame with family and speaker columns (see find_formulas)")
    if not isinstance(top, int) or isinstance(top, bool) or top < 1:
        raise ValueError(f"top must be a positive integer (got {top!r})")
    speaker_labels, family_labels = speaker_labels or {}, family_labels or {}
    speakers = [UNIDENTIFIED if pd.isna(s) or s == "" else str(speaker_labels.get(s, s))
                for s in formulas["speaker"]]
    named = pd.Series([s for s in speakers if s != UNIDENTIFIED], dtype=object).value_counts()
    kept = sorted(named.index, key=lambda s: (-named[s], s))[:top]
    rank = {s: i for i, s in enumerate([*kept, OTHER_SPEAKERS, UNIDENTIFIED])}
    table = pd.DataFrame({
        "speaker": [s if s in rank else OTHER_SPEAKERS for s in speakers],
        "family": [str(family_labels.get(f, f)) for f in formulas["family"]],
    })
    table = table.groupby(["speaker", "family"]).size().rename("matches").reset_index()
    table["rank"] = table["speaker"].map(rank)
    table = table.sort_values(["rank", "matches", "family"], ascending=[True, False, True], kind="stable")
    return table.drop(columns="rank").reset_index(drop=True).astype({"matches": "int64"})
