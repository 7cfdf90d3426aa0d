"""Step 4 of the pipeline: keywords, keyness and textometric specificities.

Every measure compares, for one term, its count in a *target* (a document, a
part of the corpus) with its count in a *reference*, given the sizes of both
in tokens. The 2 × 2 table of a term is::

                    target      reference
    the term          a             b
    other tokens    N1 - a        N2 - b
    size              N1            N2

Sizes count every token, stop words included (see :mod:`analysis.counts`).
Sign convention, for every signed score: positive when the term is relatively
more frequent in the target (``a / N1 > b / N2``: over-use), negative when it
is less frequent (under-use). ``docs/statistics.md`` sums the measures up.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy import special, stats
from sklearn.feature_extraction.text import TfidfTransformer

from .counts import aligned_cells, group_indicator, group_keys, lex_order, term_columns, term_matrix
from .index import TokenIndex, ensure_index

#: Measures accepted by :func:`keyness`.
MEASURES = ("g2", "chi2", "lafon", "log_ratio")
#: Count added to a zero count before taking a log ratio (Hardie 2014).
ZERO_CORRECTION = 0.5
#: Nominal size, in tokens, of the general-French reference built from wordfreq.
FRENCH_REFERENCE_SIZE = 1_000_000_000
#: TfidfVectorizer options accepted by :func:`tfidf_keywords` (they act on the counts).
TFIDF_OPTIONS = ("norm", "use_idf", "smooth_idf", "sublinear_tf")


# --- measures on arrays of 2 × 2 tables -------------------------------------------------


def _tables(a, b, n1, n2) -> tuple[np.ndarray, np.ndarray]:
    """Observed and expected 2 × 2 tables, one row of 4 cells per term."""
    a, b, n1, n2 = np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in (a, b, n1, n2)))
    observed = np.stack([a, b, n1 - a, n2 - b], axis=-1)
    total = n1 + n2
    row1, row2 = a + b, total - a - b
    expected = np.stack([row1 * n1, row1 * n2, row2 * n1, row2 * n2], axis=-1) / total[..., None]
    return observed, expected


def _sign(a, b, n1, n2) -> np.ndarray:
    return np.sign(np.asarray(a, dtype=float) * n2 - np.asarray(b, dtype=float) * n1)


def log_likelihood(a, b, n1, n2) -> tuple[np.ndarray, np.ndarray]:
    """Dunning's log-likelihood ratio G² on the 2 × 2 table, signed.

    ``G² = 2 Σ O ln(O / E)`` over the four cells (``0 ln 0 = 0``), with
    expected counts ``E = row total × column total / (N1 + N2)``; the
    p-value is that of χ² with 1 degree of freedom. No continuity correction.

    References: Dunning, T. (1993). Accurate methods for the statistics of
    surprise and coincidence. *Computational Linguistics* 19(1), 61-74.
    Computed as :func:`scipy.stats.power_divergence` (``lambda_=0``) computes
    it, term by term with :func:`scipy.special.xlogy` (the same values, tested),
    without the p-values of every table it would add.
    The UCREL log-likelihood wizard (Rayson & Garside 2000) sums only the
    two cells of the first row; its values are slightly lower for frequent
    words (534.64 instead of 535.86 for 540 in 116,000 against 7,525 in
    5,451,382) and equal for rare ones.

    Returns
    -------
    (score, p_value)
        ``score`` is G² with the sign of over- (+) or under-use (-) in the target.
    """
    g2 = _g2(a, b, n1, n2)
    return _sign(a, b, n1, n2) * g2 + 0.0, stats.chi2.sf(g2, 1)


def _g2(a, b, n1, n2) -> np.ndarray:
    """Unsigned G² of :func:`log_likelihood`, without its p-value."""
    observed, expected = _tables(a, b, n1, n2)
    g2 = (2.0 * special.xlogy(observed, observed / expected)).sum(axis=-1)
    return np.where(np.isfinite(g2), np.maximum(g2, 0.0), 0.0)


def chi_squared(a, b, n1, n2) -> tuple[np.ndarray, np.ndarray]:
    """Pearson's χ² on the 2 × 2 table with Yates' correction, signed.

    ``χ² = Σ (|O − E| − c)² / E`` with ``c = min(0.5, |O − E|)``: Yates'
    continuity correction is always applied (a 2 × 2 table has 1 degree of
    freedom, the case the correction is for, as in the BNC keyword lists of
    Kilgarriff 2001), capped so that it never reverses a difference, exactly
    as :func:`scipy.stats.chi2_contingency` and R's ``chisq.test`` do.

    References: Yates, F. (1934). Contingency tables involving small numbers
    and the χ² test. *Suppl. J. R. Stat. Soc.* 1(2), 217-235.

    Returns
    -------
    (score, p_value)
        ``score`` is χ² with the sign of over- (+) or under-use (-).
    """
    x2 = _x2(a, b, n1, n2)
    return _sign(a, b, n1, n2) * x2 + 0.0, stats.chi2.sf(x2, 1)


def _x2(a, b, n1, n2) -> np.ndarray:
    """Unsigned χ² of :func:`chi_squared`, without its p-value."""
    observed, expected = _tables(a, b, n1, n2)
    diff = expected - observed
    corrected = observed + np.sign(diff) * np.minimum(0.5, np.abs(diff))
    with np.errstate(invalid="ignore", divide="ignore"):  # Pearson's terms, as scipy.stats.power_divergence
        x2 = ((corrected - expected) ** 2 / expected).sum(axis=-1)
    return np.where(np.isfinite(x2), x2, 0.0)


def log_ratio(a, b, n1, n2, *, zero: float = ZERO_CORRECTION) -> np.ndarray:
    """Hardie's Log Ratio: the binary log of the ratio of relative frequencies.

    ``log2((a / N1) / (b / N2))``, where a zero count (``a`` or ``b``) is
    replaced by ``zero`` (0.5, as in CQPweb) so that a term absent from one
    side gets a finite value. 1 means twice as frequent in the target, -1
    half as frequent, 0 equally frequent.

    References: Hardie, A. (2014). Log Ratio: an informal introduction.
    ESRC Centre for Corpus Approaches to Social Science (CASS),
    http://cass.lancs.ac.uk/log-ratio-an-informal-introduction/
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    a = np.where(a == 0, zero, a)
    b = np.where(b == 0, zero, b)
    return np.log2((a / n1) / (b / n2)) + 0.0


def lafon_specificity(f, t, F, T) -> tuple[np.ndarray, np.ndarray]:
    """Lafon's specificity: the hypergeometric tail probability, as a log10.

    With ``X ~ Hypergeometric(T, F, t)`` (a part of ``t`` tokens drawn
    without replacement from a corpus of ``T`` tokens holding ``F``
    occurrences of the term), a count ``f`` at or above its expectation
    ``t F / T`` scores ``−log10 P(X ≥ f)`` (positive: over-use), a count below
    it scores ``log10 P(X ≤ f)`` (negative: under-use). This is TXM's
    convention (R package *textometry*, ``specificities.R``), which rounds
    to 4 decimals where this function does not.

    Tails come from :data:`scipy.stats.hypergeom` (``sf``/``cdf``); where
    they underflow double precision (below 1e-300, frequent for common words
    in large corpora) the log tail is summed in log space (``logsf`` /
    ``logcdf``), so scores stay finite and exact.

    References: Lafon, P. (1980). Sur la variabilité de la fréquence des
    formes dans un corpus. *Mots* 1, 127-165. Lebart, L. & Salem, A. (1994).
    *Statistique textuelle*, Dunod, ch. 6.

    Returns
    -------
    (score, p_value)
        The signed specificity and the tail probability it is the log of.
    """
    f, t, F, T = np.broadcast_arrays(*(np.asarray(x, dtype=np.int64) for x in (f, t, F, T)))
    upper = f * T >= t * F  # f >= t F / T, in exact integer arithmetic
    with np.errstate(divide="ignore"):
        prob = np.where(upper, stats.hypergeom.sf(f - 1, T, F, t), stats.hypergeom.cdf(f, T, F, t))
        log10p = np.log10(prob)
    tiny = prob < 1e-300
    if tiny.any():
        idx = np.flatnonzero(tiny)
        for i in idx:  # rare: extreme tails only
            ln_p = (stats.hypergeom.logsf(f.flat[i] - 1, T.flat[i], F.flat[i], t.flat[i]) if upper.flat[i]
                    else stats.hypergeom.logcdf(f.flat[i], T.flat[i], F.flat[i], t.flat[i]))
            log10p.flat[i] = ln_p / np.log(10)
    log10p = np.minimum(log10p, 0.0)
    return np.where(upper, -log10p, log10p) + 0.0, prob


# --- corpus-level functions ---------------------------------------------------------------


def keyness(
    corpus: pd.DataFrame | TokenIndex,
    *,
    target: str | Sequence[str] | pd.Series | np.ndarray | None = None,
    by: str | Sequence[str] | None = None,
    reference: str | Sequence[str] | pd.Series | np.ndarray = "rest",
    measure: str = "g2",
    min_count: int = 2,
    lemmatize: bool = False,
    stopwords: bool | Iterable[str] = False,
    ngram_range: tuple[int, int] = (1, 1),
    top_n: int | None = None,
) -> pd.DataFrame:
    """Terms over- and under-used in a target part of the corpus, or in each part against the rest.

    Parameters
    ----------
    corpus
        A corpus frame (:func:`analysis.load_corpus`) or its token index.
    target
        The documents of the target: a list of ``doc_id``, one ``doc_id``, a
        boolean mask over the rows, or a ``"column=value"`` string
        (``"source=Xinhua"``, ``"year=2024"``, ``"lang=fr"`` for every
        French article). Give ``target`` or ``by``, not both.
    by
        Instead of one target, every part of the corpus defined by these
        column(s) (``"doc_id"``: every article; ``"source"``, ``"year"`` ...)
        against the rest of the corpus (or against ``"french"``), in one call:
        the same rows as calling ``keyness(target="<column>=<value>")`` part by
        part, with the part's value(s) in front. Parts without a token give
        no row.
    reference
        ``"rest"`` (every document not in the target), another selection of
        the same kinds (it must not share a document with the target), or
        ``"french"``: general French word frequencies (see Notes).
    measure
        ``"g2"`` (:func:`log_likelihood`), ``"chi2"`` (:func:`chi_squared`,
        Yates-corrected), ``"lafon"`` (:func:`lafon_specificity`) or
        ``"log_ratio"`` (:func:`log_ratio`; its ``p_value`` is G²'s, as Hardie
        recommends pairing the effect size with a significance filter).
    min_count
        Keep terms counted at least this many times in target and reference
        together (in the target alone against ``"french"``).
    lemmatize, stopwords, ngram_range
        As in :func:`analysis.term_frequencies`, but ``stopwords`` defaults to
        ``False``: textometry tools show every word. Stop words, when hidden,
        are only hidden: sizes always count every token, so the scores of the
        other terms do not change.

    Returns
    -------
    pandas.DataFrame
        ``term``, ``score`` (the measure, signed: positive for over-use in the
        target), ``p_value``, ``effect`` (Log Ratio), ``count_target``,
        ``count_reference``; sorted by ``score`` descending, then ``term``.
        With ``by``, the ``by`` column(s) come first and rows are sorted by
        part, then score descending, then term.

    Notes
    -----
    Against ``"french"``, the reference is the word frequency list of the
    ``wordfreq`` package (Speer 2022, a blend of Wikipedia, subtitles, news,
    books, web text and social media up to 2021; shipped with the package, no
    download). Each frequency is turned into a count in a nominal reference of
    :data:`FRENCH_REFERENCE_SIZE` (10⁹) tokens, ``b = round(freq × 10⁹)``; with
    a reference that large the scores barely depend on its exact size. Caveats:
    wordfreq splits elisions (``l'`` is looked up as ``l``) and rounds rare
    frequencies; names and words it does not know count 0 (so they come out
    as strongly over-used); it lists forms, so ``lemmatize`` must be False and
    terms single words.
    """
    index = ensure_index(corpus)
    corpus = index.corpus
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {MEASURES} (got {measure!r})")
    if not isinstance(min_count, (int, np.integer)) or isinstance(min_count, bool) or min_count < 1:
        raise ValueError(f"min_count must be an integer of at least 1 (got {min_count!r})")
    _check_top_n(top_n)
    if (target is None) == (by is None):
        raise ValueError("give either target (one part against a reference) or by (every part against "
                         "the rest), not both and not neither")
    french = isinstance(reference, str) and reference == "french"
    if french and (lemmatize or ngram_range != (1, 1)):
        raise ValueError(
            "reference='french' needs lemmatize=False and ngram_range=(1, 1): wordfreq lists word forms"
        )
    if by is not None:
        if not (isinstance(reference, str) and reference in ("rest", "french")):
            raise ValueError("with by, reference must be 'rest' or 'french'")
        keys = group_keys(corpus, by)
        matrix = term_matrix(index, lemmatize=lemmatize, stopwords=stopwords, ngram_range=ngram_range)
        return _keyness_by_part(matrix, keys, measure=measure, min_count=min_count, french=french,
                                top_n=top_n)
    in_target = select_documents(corpus, target, name="target")
    if french:
        in_reference = None
    elif isinstance(reference, str) and reference == "rest":
        in_reference = ~in_target
        if not in_reference.any():
            raise ValueError("reference: the target holds every document, so 'rest' is empty; "
                             "give another selection or reference='french'")
    else:
        in_reference = select_documents(corpus, reference, name="reference")
        if (in_target & in_reference).any():
            raise ValueError("reference shares documents with target; the two selections must not overlap")

    matrix = term_matrix(index, lemmatize=lemmatize, stopwords=stopwords, ngram_range=ngram_range)
    a = np.asarray(matrix.counts[in_target].sum(axis=0)).ravel()
    n1 = int(matrix.tokens[in_target].sum())
    if french:
        b = _french_counts(matrix.terms)
        n2 = FRENCH_REFERENCE_SIZE
        keep = a >= min_count
    else:
        b = np.asarray(matrix.counts[in_reference].sum(axis=0)).ravel()
        n2 = int(matrix.tokens[in_reference].sum())
        keep = a + b >= min_count
    if n1 == 0 or n2 == 0:
        side = "target" if n1 == 0 else "reference"
        raise ValueError(f"{side} has no token; keyness needs text on both sides")
    a, b, terms = a[keep], b[keep], matrix.terms[keep]
    score, p_value, effect = _measure(measure, a, b, n1, n2)
    frame = pd.DataFrame({
        "term": terms.astype(object), "score": score, "p_value": p_value, "effect": effect,
        "count_target": a.astype(np.int64), "count_reference": b.astype(np.int64),
    })
    frame = frame.sort_values(["score", "term"], ascending=[False, True], kind="stable")
    if top_n is not None and len(frame) > 2 * top_n:
        frame = pd.concat([frame.head(top_n), frame.tail(top_n)])
    return frame.reset_index(drop=True)


def _measure(measure: str, a, b, n1, n2) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(score, p_value, effect)`` of :func:`keyness`'s measure on arrays of 2 × 2 tables."""
    effect = log_ratio(a, b, n1, n2)
    if measure == "g2":
        score, p_value = log_likelihood(a, b, n1, n2)
    elif measure == "chi2":
        score, p_value = chi_squared(a, b, n1, n2)
    elif measure == "lafon":
        score, p_value = lafon_specificity(a, n1, a + b, n1 + n2)
    else:
        score, p_value = effect, log_likelihood(a, b, n1, n2)[1]
    return score, p_value, effect


def _score(measure: str, a, b, n1, n2) -> np.ndarray:
    """The score of :func:`_measure` alone (the same values), without p-values."""
    if measure == "g2":
        return _sign(a, b, n1, n2) * _g2(a, b, n1, n2) + 0.0
    if measure == "chi2":
        return _sign(a, b, n1, n2) * _x2(a, b, n1, n2) + 0.0
    if measure == "lafon":
        return lafon_specificity(a, n1, a + b, n1 + n2)[0]
    return log_ratio(a, b, n1, n2)


def _keyness_by_part(matrix, keys: pd.DataFrame, *, measure: str, min_count: int, french: bool,
                     top_n: int | None) -> pd.DataFrame:
    """:func:`keyness` of every part (rows of ``keys``'s groups) against the rest, or against French."""
    groups, indicator = group_indicator(keys, matrix.counts.shape[0])
    parts = sp.csr_matrix(indicator @ matrix.counts)
    sizes = np.asarray(indicator @ matrix.tokens, dtype=np.int64)
    total = np.asarray(matrix.counts.sum(axis=0)).ravel().astype(np.int64)
    corpus_size = int(matrix.tokens.sum())
    if french:
        reference = _french_counts(matrix.terms)
        cells = _present_cells(parts, minimum=min_count)  # a >= min_count: only present terms
    else:
        keep = total >= min_count
        parts, total, reference = parts[:, keep], total[keep], None
        if (sizes == corpus_size).any() and corpus_size:
            raise ValueError("reference: one part holds every token, so 'rest' is empty; "
                             "give reference='french'")
        cells = _part_cells(parts, total, top_n)
    terms = matrix.terms if french else matrix.terms[keep]
    columns = ["term", "score", "p_value", "effect", "count_target", "count_reference"]
    frames = []
    for part, term, a in cells:
        n1 = sizes[part]
        has_text = n1 > 0
        part, term, a, n1 = part[has_text], term[has_text], a[has_text], n1[has_text]
        if french:
            b, n2 = reference[term], np.full(len(term), FRENCH_REFERENCE_SIZE, dtype=np.int64)
        else:
            b, n2 = total[term] - a, corpus_size - n1
        if top_n is None:
            score, p_value, effect = _measure(measure, a, b, n1, n2)
            order = _part_order(part, score, term, top_n)
            frames.append(tuple(x[order] for x in (part, term, score, p_value, effect, a, b)))
            continue
        # Rank on the score alone; p-values and effects only for the rows kept.
        order = _part_order(part, _score(measure, a, b, n1, n2), term, top_n)
        part, term, a, b, n1, n2 = (x[order] for x in (part, term, a, b, n1, n2))
        score, p_value, effect = _measure(measure, a, b, n1, n2)
        frames.append((part, term, score, p_value, effect, a, b))
    part, term, score, p_value, effect, a, b = (np.concatenate(x) for x in zip(*frames, strict=True)) \
        if frames else (np.array([], dtype=np.int64),) * 7
    frame = groups.iloc[part].reset_index(drop=True)
    frame["term"] = terms[term].astype(object) if len(term) else np.array([], dtype=object)
    frame["score"] = np.asarray(score, dtype=float)
    frame["p_value"] = np.asarray(p_value, dtype=float)
    frame["effect"] = np.asarray(effect, dtype=float)
    frame["count_target"] = np.asarray(a, dtype=np.int64)
    frame["count_reference"] = np.asarray(b, dtype=np.int64)
    return frame[[*groups.columns, *columns]]


def _check_top_n(top_n) -> None:
    if top_n is not None and (
        isinstance(top_n, bool) or not isinstance(top_n, (int, np.integer)) or top_n < 1
    ):
        raise ValueError(f"top_n must be None or an integer of at least 1 (got {top_n!r})")


#: Cells (parts × terms) computed at once when every term of every part is asked for.
BLOCK_CELLS = 2_000_000


def _present_cells(parts: sp.csr_matrix, *, minimum: int):
    """The non-zero cells of ``parts`` whose count is at least ``minimum``, as one block."""
    rows, cols, values, _ = aligned_cells(parts, parts)
    keep = values >= minimum
    yield rows[keep], cols[keep], values[keep].astype(np.int64)


def _part_cells(parts: sp.csr_matrix, total: np.ndarray, top_n: int | None):
    """Blocks of ``(part, term, count)`` cells to score, parts in order.

    Every cell (zeros included) when ``top_n`` is None, a few parts at a time;
    else only the cells that can rank among a part's ``top_n`` first or last:
    its non-zero cells, and the absent terms of highest corpus total (a score
    of an absent term falls as its total grows, for every measure), ties
    included.
    """
    n_parts, n_terms = parts.shape
    if top_n is None:
        step = max(1, BLOCK_CELLS // max(n_terms, 1))
        for lo in range(0, n_parts, step):
            block = parts[lo : lo + step].toarray()
            k = block.shape[0]
            yield (np.repeat(np.arange(lo, lo + k), n_terms), np.tile(np.arange(n_terms), k),
                   block.ravel().astype(np.int64))
        return
    rows, cols, values, _ = aligned_cells(parts, parts)
    by_total = np.lexsort((np.arange(n_terms), -total))  # highest total first
    sorted_total = total[by_total]
    n_present = np.diff(parts.indptr)
    present_keys = np.sort(np.repeat(np.arange(n_parts, dtype=np.int64), n_present) * n_terms + parts.indices)
    # A part's top_n first absent terms are among its top_n + (terms present) of highest total.
    part, term, absent = _absent_candidates(np.minimum(top_n + n_present, n_terms), by_total, n_terms,
                                            present_keys)
    rank = _rank_within(part, absent)
    last = absent & (rank == top_n - 1)
    # Every term tied with the top_n-th absent term is taken: extend to the end of its tie.
    width = np.minimum(top_n + n_present, n_terms)
    width[part[last]] = np.searchsorted(-sorted_total, -total[term[last]], side="right")
    part, term, absent = _absent_candidates(width, by_total, n_terms, present_keys)
    extra_rows, extra_cols = part[absent], term[absent]
    yield (np.concatenate([rows, extra_rows]), np.concatenate([cols, extra_cols]).astype(np.int64),
           np.concatenate([values.astype(np.int64), np.zeros(len(extra_rows), dtype=np.int64)]))


def _absent_candidates(width: np.ndarray, by_total: np.ndarray, n_terms: int, present_keys: np.ndarray):
    """For each part ``g``, the first ``width[g]`` terms of ``by_total``: ``(part, term, absent)``.

    ``present_keys``: the sorted ``part * n_terms + term`` of the cells present in the parts.
    """
    part = np.repeat(np.arange(len(width), dtype=np.int64), width)
    term = by_total[_rank_within(part, np.ones(len(part), dtype=bool))]
    keys = part * n_terms + term
    at = np.minimum(np.searchsorted(present_keys, keys), max(len(present_keys) - 1, 0))
    absent = present_keys[at] != keys if len(present_keys) else np.ones(len(keys), dtype=bool)
    return part, term, absent


def _rank_within(group: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """For sorted ``group`` labels, the 0-based rank of each True of ``mask`` within its group."""
    counts = np.cumsum(mask)
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]]) if len(group) else np.array([], int)
    before = np.repeat(counts[starts] - mask[starts], np.diff(np.r_[starts, len(group)]))
    return counts - before - 1


def _part_order(part: np.ndarray, score: np.ndarray, term: np.ndarray, top_n: int | None) -> np.ndarray:
    """Order cells by part, score descending, term (terms are numbered in sorted order); with
    ``top_n``, keep each part's ``top_n`` first and ``top_n`` last cells."""
    order = lex_order(term, -score, part)
    if top_n is None or not len(order):
        return order
    sorted_part = part[order]
    starts = np.flatnonzero(np.r_[True, sorted_part[1:] != sorted_part[:-1]])
    sizes = np.diff(np.r_[starts, len(order)])
    rank = np.arange(len(order)) - np.repeat(starts, sizes)
    size = np.repeat(sizes, sizes)
    return order[(rank < top_n) | (rank >= size - top_n)]


def specificities(
    corpus: pd.DataFrame | TokenIndex,
    *,
    by: str | Sequence[str] = "doc_id",
    min_count: int = 2,
    lemmatize: bool = False,
    stopwords: bool | Iterable[str] = False,
    terms: Iterable[str] | None = None,
    top_n: int | None = None,
) -> pd.DataFrame:
    """Lafon's specificity of every term in every part (the textometric table).

    The table TXM, Lexico, Hyperbase or Iramuteq show: each part (a document,
    or the documents sharing a value of ``by``) against the whole corpus, with
    :func:`lafon_specificity` (positive: over-use in the part; beyond ±2,
    less than one chance in 100 under random distribution of the tokens).

    Parameters
    ----------
    corpus
        A corpus frame, or its token index.
    by
        The column(s) defining the parts (``"year"`` is derived from ``date``).
    min_count
        Keep the terms whose corpus total ``F`` is at least this (TXM's Fmin).
    lemmatize, stopwords
        As in :func:`keyness` (sizes count every token in any case).
    terms
        Only these terms (as counted: lower case, lemmas with
        ``lemmatize=True``); ``None``: every term.
    top_n
        ``None`` keeps every term in every part; ``k`` keeps each part's ``k``
        most over-used and ``k`` most under-used terms (the first and last
        rows), computing only those: memory then grows with the result, not
        with parts × vocabulary.

    Returns
    -------
    pandas.DataFrame
        The ``by`` column(s), ``term``, ``count`` (f, in the part, 0 included),
        ``part_size`` (t), ``term_total`` (F), ``corpus_size`` (T),
        ``specificity``; every term in every part (or the ``top_n`` first and
        last), sorted by part, then ``specificity`` descending, then ``term``.
        Parts are computed a few at a time, never as one dense parts ×
        vocabulary table.

    Raises
    ------
    ValueError
        When ``by`` gives a single part (a one-article corpus): a part equal
        to the whole corpus has nothing to differ from (every score would be
        0).
    """
    index = ensure_index(corpus)
    if by is None:
        raise ValueError("by must name the column(s) defining the parts (e.g. 'doc_id', 'source', 'year')")
    if not isinstance(min_count, (int, np.integer)) or isinstance(min_count, bool) or min_count < 1:
        raise ValueError(f"min_count must be an integer of at least 1 (got {min_count!r})")
    _check_top_n(top_n)
    if isinstance(terms, str):
        raise ValueError("terms must be None or an iterable of terms, not a single string")
    keys = group_keys(index.corpus, by)
    groups, indicator = group_indicator(keys, index.n_docs)
    _need_two_parts(groups, by, "specificities compare each part with the whole corpus")
    matrix = term_matrix(index, lemmatize=lemmatize, stopwords=stopwords)
    parts = sp.csr_matrix(indicator @ matrix.counts)
    part_size = np.asarray(indicator @ matrix.tokens, dtype=np.int64)
    total = np.asarray(matrix.counts.sum(axis=0)).ravel().astype(np.int64)
    keep = total >= min_count
    if terms is not None:
        keep &= np.isin(matrix.terms, np.asarray(list(terms), dtype=object))
    parts, total, kept_terms = parts[:, keep], total[keep], matrix.terms[keep]
    corpus_size = int(matrix.tokens.sum())
    blocks = []
    for part, term, f in _part_cells(parts, total, top_n):
        t, F = part_size[part], total[term]
        score, _ = lafon_specificity(f, t, F, corpus_size)
        order = _part_order(part, score, term, top_n)
        blocks.append((part[order], term[order], f[order], t[order], F[order], score[order]))
    part, term, f, t, F, score = (np.concatenate(x) for x in zip(*blocks, strict=True)) if blocks else (
        np.array([], dtype=np.int64),) * 6
    frame = groups.iloc[part].reset_index(drop=True)
    frame["term"] = kept_terms[term].astype(object) if len(term) else np.array([], dtype=object)
    frame["count"] = np.asarray(f, dtype=np.int64)
    frame["part_size"] = np.asarray(t, dtype=np.int64)
    frame["term_total"] = np.asarray(F, dtype=np.int64)
    frame["corpus_size"] = np.int64(corpus_size)
    frame["specificity"] = np.asarray(score, dtype=float)
    return frame


def tfidf_keywords(
    corpus: pd.DataFrame | TokenIndex,
    *,
    by: str | Sequence[str] = "doc_id",
    top_n: int = 15,
    lemmatize: bool = True,
    stopwords: bool | Iterable[str] = True,
    ngram_range: tuple[int, int] = (1, 2),
    **vectorizer_options,
) -> pd.DataFrame:
    """The terms with the highest TF-IDF weight in each document or group.

    The weighting is scikit-learn's ``TfidfVectorizer`` (a ``CountVectorizer``
    followed by a ``TfidfTransformer``) with its defaults, applied to the
    counts of :func:`analysis.term_frequencies` summed per group::

        tfidf(t, d) = tf(t, d) × idf(t),   idf(t) = ln((1 + n) / (1 + df(t))) + 1

    where ``tf`` is the raw count, ``n`` the number of groups and ``df`` the
    number of groups containing the term (``smooth_idf=True``), then each
    group's vector is divided by its Euclidean length (``norm="l2"``).

    Why these defaults: the smoothed idf never divides by zero and, with the
    ``+ 1``, keeps terms found in every group (idf = 1) instead of zeroing
    them, which matters with few groups; raw counts (``sublinear_tf=False``)
    because short news articles count most terms once or twice and a log
    would turn the ranking into ties; l2 normalisation so that long and short
    groups get comparable weights. Pass ``norm``, ``use_idf``, ``smooth_idf``
    or ``sublinear_tf`` to change them.

    With two groups, a term in both has idf 1 and a term in one has idf
    ``ln(3/2) + 1 ≈ 1.405``: TF-IDF only separates the words present in one
    of them, and otherwise ranks by frequency.

    Parameters
    ----------
    corpus
        A corpus frame, or its token index.
    by
        Column(s) defining the groups (``"doc_id"``: one per article).
    top_n
        Number of terms kept per group.
    lemmatize, stopwords, ngram_range
        As in :func:`analysis.term_frequencies` (defaults: lemmas, no stop
        words, words and bigrams).
    **vectorizer_options
        ``norm``, ``use_idf``, ``smooth_idf``, ``sublinear_tf`` (see
        ``sklearn.feature_extraction.text.TfidfVectorizer``).

    Returns
    -------
    pandas.DataFrame
        The ``by`` column(s), ``term``, ``tfidf``, ``count`` (in the group),
        ``rank`` (1 = highest weight; ties broken by term); sorted by group,
        then rank.

    Raises
    ------
    ValueError
        When ``by`` gives a single group (a one-article corpus): every idf
        is then 1, and the ranks would only be frequencies that look like
        keywords.
    """
    index = ensure_index(corpus)
    if by is None:
        raise ValueError("by must name the column(s) defining the groups (e.g. 'doc_id')")
    if not isinstance(top_n, (int, np.integer)) or isinstance(top_n, bool) or top_n < 1:
        raise ValueError(f"top_n must be an integer of at least 1 (got {top_n!r})")
    unknown = sorted(set(vectorizer_options) - set(TFIDF_OPTIONS))
    if unknown:
        raise ValueError(f"unknown vectorizer option(s) {unknown}; allowed: {list(TFIDF_OPTIONS)}")
    keys = group_keys(index.corpus, by)
    groups, indicator = group_indicator(keys, index.n_docs)
    _need_two_parts(groups, by, "the idf of a term counts the groups it occurs in")
    doc_counts, _, terms_of = term_columns(index, lemmatize=lemmatize, stopwords=stopwords,
                                           ngram_range=ngram_range)
    counts = sp.csr_matrix(indicator @ doc_counts)
    weights = TfidfTransformer(**vectorizer_options).fit_transform(counts)
    rows, cols, tfidf, count = aligned_cells(weights, counts)
    positive = tfidf > 0
    rows, cols, tfidf, count = rows[positive], cols[positive], tfidf[positive], count[positive]
    # per group: highest weight first, ties by term (columns are numbered in term order)
    order = _part_order(rows, tfidf, cols, None)
    rows, cols, tfidf, count = rows[order], cols[order], tfidf[order], count[order]
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]]) if len(rows) else np.array([], dtype=np.int64)
    sizes = np.diff(np.r_[starts, len(rows)])
    rank = np.arange(len(rows)) - np.repeat(starts, sizes) + 1
    top = rank <= top_n
    result = groups.iloc[rows[top]].reset_index(drop=True)
    result["term"] = terms_of(cols[top]) if top.any() else np.array([], dtype=object)
    result["tfidf"] = tfidf[top].astype(float)
    result["count"] = count[top].astype(np.int64)
    result["rank"] = rank[top].astype(np.int64)
    return result


# --- helpers ------------------------------------------------------------------------------


def _need_two_parts(groups: pd.DataFrame, by, why: str) -> None:
    """Refuse a corpus of one part: its scores would all be 0 (or rank terms by mere frequency)."""
    if len(groups) < 2:
        raise ValueError(
            f"by={by!r} gives a single part ({len(groups)} in all): there is nothing to compare against "
            f"({why}); use a corpus of at least two parts, or keyness(reference='french')"
        )


def select_documents(corpus: pd.DataFrame, selection, *, name: str = "selection") -> np.ndarray:
    """Turn a selection of documents into a boolean mask over ``corpus`` rows.

    ``selection`` is one ``doc_id``, a list (or set, array, Index) of
    ``doc_id``, a boolean mask of the corpus' length, or a ``"column=value"``
    string (``"year"`` derived from ``date``; dates compared as YYYY-MM-DD).
    Raises ValueError naming ``name`` when the selection is empty or unknown.
    """
    n = len(corpus)
    if isinstance(selection, str) and "=" in selection:
        column, value = (part.strip() for part in selection.split("=", 1))
        try:
            keys = group_keys(corpus, column)
        except ValueError as exc:
            raise ValueError(f"{name}: {exc}") from None
        values = keys[column]
        if pd.api.types.is_datetime64_any_dtype(values):
            values = values.dt.strftime("%Y-%m-%d")
        mask = (values.astype(str) == value).to_numpy()
        if not mask.any():
            raise ValueError(f"{name}: no document has {column} = {value!r}")
        return mask
    if "doc_id" not in corpus.columns and not _is_mask(selection):
        raise ValueError(f"{name}: the corpus has no doc_id column; select with a boolean mask")
    if isinstance(selection, str):
        selection = [selection]
    if _is_mask(selection):
        mask = np.asarray(selection, dtype=bool)
        if mask.shape != (n,):
            raise ValueError(f"{name}: a boolean mask must have one value per document ({n}), "
                             f"not {mask.shape}")
    elif isinstance(selection, (list, tuple, set, frozenset, np.ndarray, pd.Index, pd.Series)):
        wanted = {str(x) for x in selection}
        ids = corpus["doc_id"].astype(str)
        unknown = sorted(wanted - set(ids))
        if unknown:
            raise ValueError(f"{name}: unknown doc_id(s) {unknown[:5]}")
        mask = ids.isin(wanted).to_numpy()
    else:
        raise ValueError(f"{name} must be a doc_id, a list of doc_id, a boolean mask or 'column=value' "
                         f"(got {type(selection).__name__})")
    if not mask.any():
        raise ValueError(f"{name} selects no document")
    return mask


def _is_mask(selection) -> bool:
    if isinstance(selection, (pd.Series, np.ndarray)):
        return selection.dtype == bool
    return isinstance(selection, list) and len(selection) > 0 and all(isinstance(x, (bool, np.bool_))
                                                                       for x in selection)


def _french_counts(terms: np.ndarray) -> np.ndarray:
    """Counts of ``terms`` in the nominal general-French reference (wordfreq)."""
    return np.array([_french_count(str(t)) for t in terms], dtype=np.int64)


@lru_cache(maxsize=200_000)
def _french_count(term: str) -> int:
    import wordfreq

    # wordfreq splits elisions: the clitic "l'" is its word "l".
    word = term[:-1] if term.endswith("'") else term
    return int(round(wordfreq.word_frequency(word, "fr") * FRENCH_REFERENCE_SIZE))
