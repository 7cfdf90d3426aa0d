"""Step 5 of the pipeline: co-occurrents of a pivot, and the network of formula families.

Tokens and contexts
    The tokens are those of :func:`analysis.tokenize` (lower case, elided
    clitics as tokens of their own, stop words kept), read from the token
    index (:func:`analysis.build_index`; a frame is indexed once and cached
    by :func:`analysis.index.ensure_index`). A *sequence* is a stretch of tokens
    between two strong delimiters of :mod:`analysis.segments` (``. ! ? ; :
    …`` and the blank line, :data:`analysis.segments.STRONG_DELIMITERS`; a
    full stop after ``M.`` or inside ``3.5`` is not one): the index's
    ``breaks``. The *context* of one occurrence of
    the pivot is the ``window`` tokens before it and the ``window`` tokens
    after it, cut at the ends of its sequence (``window="sentence"``: the
    whole sequence). Contexts never cross a strong delimiter nor a document.

Counting (the 2 × 2 table of every co-occurrent)
    The contexts of all occurrences are joined into one set of token
    positions, each position counted once however many windows cover it,
    and the pivot's own tokens are taken out (a pivot is never its own
    co-occurrent, and ``multilatéralisme ... multilatéralisme`` does not
    count the second as a co-occurrent of the first). Then, for each
    co-occurrent ``w``::

        T   corpus size: tokens of the corpus that are not pivot tokens
        t   context size: positions in the contexts
        F   frequency of w among the T tokens
        f   co-frequency: occurrences of w in the contexts
        E   expected co-frequency, t F / T

    which is the table of :mod:`analysis.statistics` with the contexts as
    target (``a = f, N1 = t``) and the rest of the corpus as reference
    (``b = F − f, N2 = T − t``), and Evert's (2008) table for surface
    co-occurrence in windows (``O11 = f, R1 = t, C1 = F, N = T``).

Measures (:func:`cooccurrence_score`), all signed: positive when ``f > E``
(attraction), negative when ``f < E``
    ``lafon``  Lafon's specificity of ``f`` in the hypergeometric model, the
               co-occurrence index of TXM (Heiden et al. 2010):
               ``−log10 P(X ≥ f)`` if ``f ≥ E``, else ``log10 P(X ≤ f)``, with
               ``X ~ Hypergeometric(T, F, t)`` (:func:`analysis.lafon_specificity`).
    ``g2``     Dunning's log-likelihood G² on the 2 × 2 table
               (:func:`analysis.log_likelihood`).
    ``pmi``    pointwise mutual information ``log2(f / E)`` (Church & Hanks
               1990; Evert 2008, "MI").
    ``t``      t-score ``(f − E) / √f`` (Church et al. 1991; Evert 2008).

Units
    ``unit="form"`` counts word forms, ``"lemma"`` their lemmas
    (:func:`analysis.lemma`), ``"family"`` the formula families of the
    lexicon (a match counts once, at its first token; ``F`` is then the
    number of matches of the family outside the pivot).

Cost
    A few passes over the index's integer arrays (and, for families, one
    search of the lexicon): linear in corpus size.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from .errors import check_integer, check_progress
from .index import TokenIndex, ensure_index, strong_delimiters  # noqa: F401 (strong_delimiters: documented)
from .lexicon import resolve_lexicon
from .statistics import lafon_specificity, log_likelihood
from .text import lemma, stop_set, tokenize
from .trends import article_matches, offset_tokens

#: Measures accepted by :func:`cooccurrences` and :func:`cooccurrence_score`.
COOCCURRENCE_MEASURES = ("lafon", "g2", "pmi", "t")
#: Units accepted by :func:`cooccurrences`.
UNITS = ("form", "lemma", "family")
#: Units of :func:`formula_network`.
NETWORK_UNITS = ("sentence", "article")
FAMILY_PREFIX = "family:"
COOCCURRENCE_COLUMNS = ["term", "cofrequency", "frequency", "expected", "score", "p_value",
                        "context_size", "corpus_size"]


# --------------------------------------------------------------------------- co-occurrents


def cooccurrence_score(f, t, F, T, *, measure: str = "lafon") -> tuple[np.ndarray, np.ndarray]:
    """Score co-frequencies ``f`` given context size ``t``, frequency ``F`` and corpus size ``T``.

    Formulas and references in the module docstring; ``E = t F / T``.

    Parameters
    ----------
    f, t, F, T
        Arrays (or numbers) of non-negative integers, ``f ≤ min(t, F)``,
        ``t, F ≤ T``.
    measure
        ``"lafon"``, ``"g2"``, ``"pmi"`` or ``"t"``.

    Returns
    -------
    (score, p_value)
        The signed score (positive: attraction) and, for ``lafon`` and
        ``g2``, its p-value (the hypergeometric tail, χ²(1)); ``NaN`` for
        ``pmi`` and ``t``, which are not tests. ``pmi`` is ``−inf`` where
        ``f = 0``; ``t`` is 0 where ``f = E = 0``.
    """
    if measure not in COOCCURRENCE_MEASURES:
        raise ValueError(f"measure must be one of {COOCCURRENCE_MEASURES} (got {measure!r})")
    f, t, F, T = np.broadcast_arrays(*(np.asarray(x, dtype=np.int64) for x in (f, t, F, T)))
    if measure == "lafon":
        return lafon_specificity(f, t, F, T)
    if measure == "g2":
        return log_likelihood(f, F - f, t, T - t)
    expected = t * F / np.maximum(T, 1)
    nan = np.full(f.shape, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        if measure == "pmi":
            score = np.log2(f / expected)
        else:
            score = np.where(f > 0, (f - expected) / np.sqrt(f), 0.0)
    return score + 0.0, nan


def cooccurrences(
    corpus: pd.DataFrame | TokenIndex,
    pivot: str,
    *,
    window: int | str = 5,
    unit: str = "form",
    measure: str = "lafon",
    min_count: int = 2,
    stopwords: bool | Iterable[str] = False,
    lexicon: Mapping[str, dict] | str | Path | None = None,
    progress: bool | None = None,
) -> pd.DataFrame:
    """The co-occurrents of a pivot: words (lemmas, families) found near it more than chance.

    Contexts, the 2 × 2 table and the measures are defined in the module
    docstring (``T``, ``t``, ``F``, ``f``, ``E``).

    Parameters
    ----------
    corpus
        One row per article with ``doc_id`` and ``text``, or its token index
        (:func:`analysis.build_index`).
    pivot
        A word or a phrase (``"véritable multilatéralisme"``: consecutive
        tokens, within one sequence), matched on tokens, so case and
        apostrophes do not matter; with ``unit="lemma"`` it is matched on
        lemmas (``"coopérer"`` finds ``coopère``, ``coopéré``);
        ``"family:<id>"`` is every match of a formula family of the lexicon
        (:func:`analysis.find_formulas`).
    window
        Tokens on each side of every occurrence (an integer ≥ 1), or
        ``"sentence"``: the whole sequence between strong delimiters.
    unit
        What co-occurs: ``"form"``, ``"lemma"`` or ``"family"``.
    measure
        ``"lafon"``, ``"g2"``, ``"pmi"`` or ``"t"`` (:func:`cooccurrence_score`).
    min_count
        Keep the co-occurrents of co-frequency ``f`` at least this (TXM's
        *cofmin*; PMI overrates rare pairs, so keep it ≥ 3 with ``"pmi"``).
    stopwords
        ``True`` hides the co-occurrents that are French stop words
        (:func:`analysis.stopword_list`), an iterable hides those words. They
        are only hidden: ``T``, ``t`` and every score stay the same.
    lexicon
        The formula lexicon for ``family:`` pivots and ``unit="family"``
        (as in :func:`analysis.find_formulas`).
    progress
        Show a progress bar (tqdm) while formulas are searched: ``None``
        (default) shows one past :data:`analysis.index.PROGRESS_CHARS`
        characters of text.

    Returns
    -------
    pandas.DataFrame
        ``term`` (the co-occurrent: a form, a lemma or a family id),
        ``cofrequency`` (f), ``frequency`` (F), ``expected`` (E), ``score``,
        ``p_value`` (``NaN`` for ``pmi`` and ``t``), ``context_size`` (t)
        and ``corpus_size`` (T); sorted by score (highest first), then term.
        ``attrs["pivot_occurrences"]`` holds the number of occurrences of
        the pivot (0: empty result).
    """
    if not isinstance(pivot, str) or not pivot.strip():
        raise ValueError(f"pivot must be a non-empty word, phrase or 'family:<id>' (got {pivot!r})")
    if isinstance(window, str):
        if window != "sentence":
            raise ValueError(f"window must be a positive integer or 'sentence' (got {window!r})")
    else:
        check_integer("window", window, minimum=1)
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {UNITS} (got {unit!r})")
    if measure not in COOCCURRENCE_MEASURES:
        raise ValueError(f"measure must be one of {COOCCURRENCE_MEASURES} (got {measure!r})")
    check_integer("min_count", min_count, minimum=1)
    check_progress(progress)
    hidden = stop_set(stopwords)
    is_family = pivot.startswith(FAMILY_PREFIX)
    families = resolve_lexicon(lexicon) if (is_family or unit == "family") else {}
    if is_family:
        family_id = pivot[len(FAMILY_PREFIX):].strip()
        if family_id not in families:
            raise ValueError(f"pivot: unknown family {family_id!r}; families are {sorted(families)}")

    index = ensure_index(corpus)
    n = index.n_tokens
    breaks = index.breaks
    if unit == "lemma":
        lemma_of, vocab = index.lemmas()
        ids = lemma_of[index.lower_ids]
    else:
        ids, vocab = index.lower_ids, index.lower_vocab

    # Pivot occurrences as token ranges [start, end).
    if is_family:
        found = article_matches(index, {family_id: families[family_id]}, progress=progress)
        spans = match_token_spans(index, found)
        spans = spans[spans[:, 0] >= 0]
        starts, ends = spans[:, 0], spans[:, 1]
    else:
        words = tokenize(pivot)
        if unit == "lemma":
            words = [lemma(w) for w in words]
        starts = _phrase_starts(ids, vocab, breaks, words)
        ends = starts + len(words)
    pivot_mask = _cover(starts, ends, n)

    # Sequence bounds of every token, then the union of the windows.
    seq_id = np.cumsum(breaks) - 1 if n else np.zeros(0, dtype=np.int64)
    seq_first = np.flatnonzero(breaks)
    seq_end = np.append(seq_first[1:], n)
    if len(starts):
        lo_seq, hi_seq = seq_first[seq_id[starts]], seq_end[seq_id[starts]]
        if window == "sentence":
            left_lo, right_hi = lo_seq, hi_seq
        else:
            left_lo, right_hi = np.maximum(starts - window, lo_seq), np.minimum(ends + window, hi_seq)
        context = _cover(np.concatenate([left_lo, ends]), np.concatenate([starts, right_hi]), n)
    else:
        context = np.zeros(n, dtype=bool)
    context &= ~pivot_mask
    T = int(n - pivot_mask.sum())
    t = int(context.sum())

    if unit == "family":
        found = article_matches(index, families, progress=progress)
        first = match_token_spans(index, found)[:, 0]
        labels = np.array([family for doc in found for _, family, _, _ in doc], dtype=object)
        first, labels = first[first >= 0], labels[first >= 0]
        keep = ~pivot_mask[first] if len(first) else np.zeros(0, dtype=bool)
        first, labels = first[keep], labels[keep]
        terms, inverse = np.unique(labels, return_inverse=True) if len(labels) else (np.array([], object),
                                                                                      np.array([], int))
        F = np.bincount(inverse, minlength=len(terms))
        f = np.bincount(inverse[context[first]], minlength=len(terms)) if len(first) else F * 0
    else:
        F = np.bincount(ids[~pivot_mask], minlength=len(vocab))
        f = np.bincount(ids[context], minlength=len(vocab))
        terms = np.asarray(vocab, dtype=object)

    keep = f >= min_count
    if hidden:
        keep &= np.array([str(term) not in hidden for term in terms], dtype=bool)
    f, F, terms = f[keep], F[keep], terms[keep]
    score, p_value = cooccurrence_score(f, t, F, T, measure=measure)
    frame = pd.DataFrame({
        "term": pd.Series(terms, dtype=object),
        "cofrequency": f.astype(np.int64),
        "frequency": F.astype(np.int64),
        "expected": t * F / max(T, 1),
        "score": score,
        "p_value": p_value,
        "context_size": np.int64(t),
        "corpus_size": np.int64(T),
    }, columns=COOCCURRENCE_COLUMNS)
    frame = frame.sort_values(["score", "term"], ascending=[False, True], kind="stable")
    frame = frame.reset_index(drop=True)
    frame.attrs["pivot_occurrences"] = int(len(starts))
    return frame


def _phrase_starts(ids: np.ndarray, vocab: np.ndarray, breaks: np.ndarray, words: list[str]) -> np.ndarray:
    """Positions where the token sequence ``words`` starts, within one sequence."""
    found = [np.flatnonzero(vocab == w) for w in words]
    if not words or any(len(f) == 0 for f in found):
        return np.zeros(0, dtype=np.int64)
    index = {w: int(f[0]) for w, f in zip(words, found, strict=True)}
    n = len(ids)
    candidates = np.flatnonzero(ids == index[words[0]])
    candidates = candidates[candidates + len(words) <= n]
    for k, word in enumerate(words[1:], start=1):
        candidates = candidates[(ids[candidates + k] == index[word]) & ~breaks[candidates + k]]
    # Overlapping occurrences of a repetitive phrase (``a a`` in ``a a a``) count left to right.
    kept, last_end = [], -1
    for start in candidates.tolist():
        if start >= last_end:
            kept.append(start)
            last_end = start + len(words)
    return np.asarray(kept, dtype=np.int64)


def _cover(lo: np.ndarray, hi: np.ndarray, n: int) -> np.ndarray:
    """Boolean mask of the positions covered by the ranges [lo, hi) (empty ranges ignored)."""
    delta = np.zeros(n + 1, dtype=np.int64)
    nonempty = hi > lo
    np.add.at(delta, lo[nonempty], 1)
    np.add.at(delta, hi[nonempty], -1)
    return np.cumsum(delta[:-1]) > 0


def match_token_spans(index: TokenIndex, matches: list[list[tuple[int, str, int, str]]]) -> np.ndarray:
    """Token ranges ``[start, end)`` (into the index) of character matches, one row per match in order.

    ``matches`` holds, per article of the index, matches ``(start, family, end,
    variant)`` as :func:`analysis.formulas.corpus_matches` gives them. A match
    covers the tokens it overlaps, from the first token ending after its start
    and never past the end of that token's sequence (at least one token);
    ``(-1, -1)`` for a match that overlaps no token.
    """
    sizes = [len(m) for m in matches]
    total = sum(sizes)
    if not total:
        return np.zeros((0, 2), dtype=np.int64)
    docs = np.repeat(np.arange(len(matches)), sizes).astype(np.int64)
    m_start = np.fromiter((s for m in matches for s, _, _, _ in m), dtype=np.int64, count=total)
    m_end = np.fromiter((e for m in matches for _, _, e, _ in m), dtype=np.int64, count=total)
    first = offset_tokens(index, docs, m_start)
    last = offset_tokens(index, docs, m_end, ends=False, side="left")
    seq_first = np.append(np.flatnonzero(index.breaks), index.n_tokens)
    found = first < index.doc_first[docs + 1]
    seq_end = seq_first[np.searchsorted(seq_first, np.where(found, first, 0), side="right")]
    last = np.maximum(np.minimum(last, seq_end), first + 1)
    return np.where(found[:, None], np.column_stack([first, last]), -1).astype(np.int64).reshape(-1, 2)


# --------------------------------------------------------------------------- formula network


class FormulaNetwork(NamedTuple):
    """Result of :func:`formula_network`: the edge table, the node table and the graph."""

    edges: pd.DataFrame
    nodes: pd.DataFrame
    graph: object  # networkx.Graph


def formula_network(
    corpus: pd.DataFrame | TokenIndex,
    *,
    unit: str = "sentence",
    measure: str = "lafon",
    min_count: int = 1,
    min_score: float = 0.0,
    lexicon: Mapping[str, dict] | str | Path | None = None,
    progress: bool | None = None,
) -> FormulaNetwork:
    """Formula families that occur in the same sentences (or articles) more often than chance.

    The corpus is cut into ``N`` units (sentences of :func:`analysis.sentences`,
    read from the token index, or articles). For two families ``a`` and ``b`` found in ``n_a`` and
    ``n_b`` units (:func:`analysis.find_formulas`; a unit counts once however
    many matches it holds), ``k`` units hold both, where ``n_a n_b / N`` are
    expected if the families were spread independently. The edge score is

    - ``"lafon"``: Lafon's specificity of ``k`` in ``X ~ Hypergeometric(N,
      n_b, n_a)`` (:func:`analysis.lafon_specificity`), the co-occurrence
      index of textometry (Lafon 1981, *Dépouillements et statistiques en
      lexicométrie*, ch. on co-occurrences; Heiden et al. 2010, TXM), or
    - ``"g2"``: Dunning's G² of the units' 2 × 2 table (:func:`analysis.log_likelihood`),

    both positive when ``k`` exceeds its expectation (attraction).

    Parameters
    ----------
    corpus
        One row per article with ``doc_id`` and ``text``, or its token index.
    unit
        ``"sentence"`` or ``"article"``.
    measure
        ``"lafon"`` or ``"g2"``.
    min_count
        Keep the pairs found together in at least this many units.
    min_score
        Keep the pairs whose score is above this (default 0: every pair seen
        together more often than expected; 2 keeps Lafon's p < 0.01, 3.84
        G²'s p < 0.05).
    lexicon
        As in :func:`analysis.find_formulas`.
    progress
        As in :func:`cooccurrences`.

    Returns
    -------
    FormulaNetwork
        ``edges``: ``family_a``, ``family_b`` (``family_a < family_b``),
        ``together`` (k), ``units_a``, ``units_b``, ``n_units`` (N),
        ``expected``, ``score``, ``p_value``; sorted by score (highest
        first), then family_a, family_b. ``nodes``: one row per family of the
        lexicon, ``family``, ``label``, ``units`` (n_a), ``matches``; in
        lexicon order. ``graph``: a :class:`networkx.Graph` with every family
        as a node (attributes ``label``, ``units``, ``matches``) and the
        edges (attributes ``together``, ``expected``, ``score``,
        ``p_value``).
    """
    import networkx as nx

    if unit not in NETWORK_UNITS:
        raise ValueError(f"unit must be one of {NETWORK_UNITS} (got {unit!r})")
    if measure not in ("lafon", "g2"):
        raise ValueError(f"measure must be one of ('lafon', 'g2') (got {measure!r})")
    check_integer("min_count", min_count, minimum=1)
    if isinstance(min_score, bool) or not isinstance(min_score, (int, float)) or not np.isfinite(min_score):
        raise ValueError(f"min_score must be a number (got {min_score!r})")
    check_progress(progress)
    families = resolve_lexicon(lexicon)
    index = ensure_index(corpus)
    found = article_matches(index, families, progress=progress)
    matches: Counter = Counter(family for doc_matches in found for _, family, _, _ in doc_matches)
    if unit == "article":
        n_units = index.n_docs
        unit_sets = [frozenset(family for _, family, _, _ in doc_matches) for doc_matches in found]
    else:
        n_units = len(index.sentence_starts)
        # The sentence holding each match's start (an article's first sentence if it starts before it).
        sizes = [len(m) for m in found]
        docs = np.repeat(np.arange(len(found)), sizes).astype(np.int64)
        starts = np.fromiter((s for m in found for s, _, _, _ in m), dtype=np.int64, count=len(docs))
        first = index.doc_sentence_first[docs]
        scale = np.int64(max((len(t) for t in index.texts), default=0) + 2)
        sentence_doc = np.repeat(np.arange(index.n_docs), index.sentence_counts()).astype(np.int64)
        keys = sentence_doc * scale + index.sentence_starts
        sentence = np.maximum(np.searchsorted(keys, docs * scale + starts, side="right") - 1, first)
        per_sentence: dict[int, set[str]] = {}
        labels = (family for m in found for _, family, _, _ in m)
        for k, family in zip(sentence.tolist(), labels, strict=True):
            per_sentence.setdefault(k, set()).add(family)
        unit_sets = [frozenset(s) for s in per_sentence.values()]
    units: Counter = Counter()
    pairs: Counter = Counter()
    for present in unit_sets:
        ordered = sorted(present)
        units.update(ordered)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                pairs[a, b] += 1
    rows = [(a, b, k, units[a], units[b]) for (a, b), k in pairs.items() if k >= min_count]
    edges = pd.DataFrame(rows, columns=["family_a", "family_b", "together", "units_a", "units_b"])
    edges = edges.astype({"family_a": object, "family_b": object, "together": "int64", "units_a": "int64",
                          "units_b": "int64"})
    edges["n_units"] = np.int64(n_units)
    edges["expected"] = edges["units_a"] * edges["units_b"] / max(n_units, 1)
    k, na, nb = (edges[c].to_numpy() for c in ("together", "units_a", "units_b"))
    if measure == "lafon":
        score, p_value = lafon_specificity(k, na, nb, n_units) if len(k) else (np.zeros(0), np.zeros(0))
    else:
        score, p_value = log_likelihood(k, nb - k, na, n_units - na) if len(k) else (np.zeros(0), np.zeros(0))
    edges["score"] = np.asarray(score, dtype=float)
    edges["p_value"] = np.asarray(p_value, dtype=float)
    edges = edges[edges["score"] > min_score]
    edges = edges.sort_values(["score", "family_a", "family_b"], ascending=[False, True, True],
                              kind="stable").reset_index(drop=True)
    nodes = pd.DataFrame({
        "family": pd.Series(list(families), dtype=object),
        "label": pd.Series([families[f]["label"] for f in families], dtype=object),
        "units": pd.Series([units[f] for f in families], dtype="int64"),
        "matches": pd.Series([matches[f] for f in families], dtype="int64"),
    })
    graph = nx.Graph(unit=unit, measure=measure, n_units=n_units)
    for row in nodes.itertuples(index=False):
        graph.add_node(row.family, label=row.label, units=int(row.units), matches=int(row.matches))
    for row in edges.itertuples(index=False):
        graph.add_edge(row.family_a, row.family_b, together=int(row.together), expected=float(row.expected),
                       score=float(row.score), p_value=float(row.p_value))
    return FormulaNetwork(edges, nodes, graph)
