"""Time and position in the text: trends over periods, dispersion, progression.

Terms
    Every function takes a list of *terms*; each is one of

    - a word or a phrase (``"multilatéralisme"``, ``"Sud global"``),
      tokenized like the articles (:func:`analysis.tokenize`: any case,
      either apostrophe) and matched as a run of consecutive tokens, as the
      n-grams of :func:`analysis.term_frequencies` are (punctuation between
      two words does not stop a match);
    - with ``lemmatize=True``, the same on lemmas (:func:`analysis.lemma`):
      ``coopérer`` counts *coopère*, *coopéré*, *coopérons* ...;
    - ``"family:<id>"``, a formula family of the lexicon: exactly the
      matches :func:`analysis.find_formulas` counts (every wording of the
      family, overlapping wordings once).

    A single string is one term. Results keep the terms as given and in the
    order given.

Sizes
    The size of an article, a period or a part is its number of tokens
    (:func:`analysis.tokenize`, every token, stop words included), the
    denominator :func:`analysis.term_frequencies` uses.

Tokens
    Every function takes the corpus frame or its token index
    (:func:`analysis.build_index`) and reads tokens, lemmas and offsets from
    the index (a frame is indexed once and cached), never tokenizing again.
    Formula families are searched once per call; past a few megabytes of
    text a progress bar (tqdm) shows the search (``progress=``).

Periods
    :func:`trends` cuts time into calendar years, quarters, months or days
    of the ``date`` column. Every period from the first dated article to the
    last is a row, *including periods without any article*: they have 0
    articles, 0 tokens and no rate (NaN), never an interpolated one.
    Articles without a date are left out; how many is reported by a
    warning and in ``result.attrs["n_undated"]`` (their ``doc_id`` in
    ``result.attrs["undated"]``).

Rates and their intervals
    ``rate = count / tokens × per``. Its interval is the exact Poisson
    interval of the count (Garwood 1936), divided by the same size: see
    :func:`poisson_interval`. A period of few tokens gets a wide interval,
    and a period with a count of 0 still gets an upper bound.

Tests and scores
    :func:`trend_test` tests, term by term, whether the rate is the same in
    every period (G² of the periods × {term, other tokens} table,
    :func:`homogeneity_test`) and names the period that departs most, by the
    signed log-likelihood of that period against all the others
    (:func:`analysis.log_likelihood`: positive = over-use in the period).
    :func:`dispersion` gives Juilland's *D* (1 = perfectly even) and Gries'
    *DP* and *DP*\\ :sub:`norm` (0 = perfectly even) across articles or any
    grouping. Formulas, references and sign conventions:
    ``docs/statistics.md``.

Positions
    :func:`progression` gives every occurrence's place: its token index in
    the article (0 = the first token), that index as a share of the
    article's size, and its place in the whole corpus read in date order
    (undated articles last), with the running count of the term — TXM's
    *progression*, quanteda's *x-ray* plot.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import special, stats

from .errors import check_progress
from .formulas import corpus_matches
from .index import TokenIndex, by_chunks, ensure_index
from .lexicon import load_lexicon
from .statistics import log_likelihood, log_ratio
from .text import tokenize

FAMILY_PREFIX = "family:"
#: Calendar units accepted by ``trends(by=...)``, with their pandas period codes.
PERIOD_UNITS = {"year": "Y", "quarter": "Q", "month": "M", "day": "D"}
#: Tests accepted by :func:`homogeneity_test` and :func:`trend_test`.
CHANGE_MEASURES = ("g2", "chi2")
#: Rates are given per this many tokens unless ``per`` says otherwise (as term_frequencies).
RATE_BASE = 10_000
#: Columns of :func:`trends`.
TREND_COLUMNS = ("term", "period", "start", "end", "n_articles", "tokens", "count", "rate", "ci_low",
                 "ci_high", "score", "p_value")


# --- measures on arrays -------------------------------------------------------------------


def poisson_interval(count, *, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood) confidence interval for a Poisson count.

    ``low = ½ χ²(α/2; 2k)`` (0 when ``k = 0``) and ``high = ½ χ²(1 − α/2;
    2k + 2)``, where ``k`` is the count, ``α = 1 − confidence`` and
    ``χ²(q; ν)`` the ``q`` quantile of χ² with ν degrees of freedom
    (:data:`scipy.stats.chi2`). Divide both bounds by a size to get the
    interval of a rate.

    Why this interval: the occurrences of a term among the ``n`` tokens of a
    period are a binomial count with a tiny probability, which the Poisson
    law approximates closely; Garwood's interval inverts the exact Poisson
    tails, so its coverage is never below the nominal level, even for the
    counts of 0 to 5 that formulas and rare words give per period (where
    the normal, Wald interval collapses to a point); a count of 0 gets an
    upper bound (3.69 at 95 %) instead of none. Its width relative to the
    rate shrinks as the count grows, so a period with few tokens, hence a
    small expected count, gets a wide interval on the rate. It assumes
    tokens are independent; occurrences that cluster in a few articles
    vary more than that, so read the interval as a lower bound on the
    uncertainty (and see :func:`dispersion`).

    References: Garwood, F. (1936). Fiducial limits for the Poisson
    distribution. *Biometrika* 28(3/4), 437-442. The same interval as R's
    ``poisson.test``.

    Returns
    -------
    (low, high)
        Arrays of the count's shape.
    """
    _check_confidence(confidence)
    k = np.asarray(count, dtype=float)
    if np.any(k < 0) or not np.all(np.isfinite(k)):
        raise ValueError("count must hold finite counts of at least 0")
    alpha = 1.0 - confidence
    with np.errstate(invalid="ignore"):
        low = np.where(k > 0, stats.chi2.ppf(alpha / 2, 2 * k) / 2, 0.0)
    high = stats.chi2.ppf(1 - alpha / 2, 2 * k + 2) / 2
    return low + 0.0, high + 0.0


def homogeneity_test(counts, sizes, *, measure: str = "g2") -> tuple[float, int, float]:
    """Test whether a term's rate is the same in every period (or part).

    The table has one column per period, ``i``, with the term's count
    ``O₁ᵢ = cᵢ`` and the other tokens ``O₂ᵢ = nᵢ − cᵢ``; expected counts
    are ``E = row total × column total / N`` (``N = Σ nᵢ``). With
    ``measure="g2"``, ``G² = 2 Σ O ln(O / E)`` (``0 ln 0 = 0``; Dunning
    1993, the log-likelihood ratio; Agresti 2013, § 3.2); with
    ``measure="chi2"``, Pearson's ``X² = Σ (O − E)² / E``, without
    continuity correction. Under the hypothesis of one rate for all, both
    follow χ² with ``k − 1`` degrees of freedom, ``k`` the number of periods
    with at least one token (periods without tokens carry no information
    and are left out). The statistic is never signed: it says *whether* the
    rate changes, and :func:`trend_test` says where.

    References: Dunning, T. (1993). Accurate methods for the statistics of
    surprise and coincidence. *Computational Linguistics* 19(1), 61-74.
    Agresti, A. (2013). *Categorical Data Analysis*, 3rd ed., Wiley, § 3.2.

    Returns
    -------
    (statistic, dof, p_value)
        A term found nowhere gives ``(0.0, k − 1, 1.0)``; fewer than two
        periods with tokens give ``(nan, 0, nan)``.
    """
    if measure not in CHANGE_MEASURES:
        raise ValueError(f"measure must be one of {CHANGE_MEASURES} (got {measure!r})")
    c = np.asarray(counts, dtype=float)
    n = np.asarray(sizes, dtype=float)
    if c.ndim != 1 or c.shape != n.shape:
        raise ValueError("counts and sizes must be 1-D arrays of the same length")
    if np.any(c < 0) or np.any(c > n):
        raise ValueError("counts must be between 0 and the size of their period")
    keep = n > 0
    c, n = c[keep], n[keep]
    dof = len(n) - 1
    if dof < 1:
        return float("nan"), 0, float("nan")
    total = c.sum()
    if total == 0 or total == n.sum():
        return 0.0, dof, 1.0
    observed = np.stack([c, n - c])
    expected = np.stack([n * total, n * (n.sum() - total)]) / n.sum()
    if measure == "g2":
        statistic = 2.0 * float(np.sum(special.xlogy(observed, observed / expected)))
    else:
        statistic = float(np.sum((observed - expected) ** 2 / expected))
    statistic = max(statistic, 0.0)
    return statistic, dof, float(stats.chi2.sf(statistic, dof))


def juilland_d(counts, sizes) -> np.ndarray:
    """Juilland's *D* across parts of any sizes (1 = perfectly even).

    With ``Rᵢ = vᵢ / sᵢ`` the term's relative frequency in part ``i`` (of
    ``n`` parts), ``D = 1 − (σ(R) / mean(R)) / √(n − 1)``, where σ is the
    population standard deviation (divisor ``n``). 1 when the relative
    frequency is the same in every part, 0 when the term is in one part
    only. Parts of 0 tokens are left out; fewer than two parts, or a term
    found nowhere, give NaN.

    References: Juilland, A. & Chang-Rodríguez, E. (1964). *Frequency
    Dictionary of Spanish Words*, Mouton; on parts of unequal sizes, Gries,
    S. Th. (2008). Dispersions and adjusted frequencies in corpora.
    *International Journal of Corpus Linguistics* 13(4), 403-437.

    Parameters
    ----------
    counts
        The term's count in each part: shape ``(parts,)``, or ``(terms,
        parts)`` for several terms.
    sizes
        The parts' sizes in tokens, shape ``(parts,)``.
    """
    v, s = _dispersion_arrays(counts, sizes)
    n = s.size
    rel = v / s
    mean = rel.mean(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        d = 1.0 - (rel.std(axis=-1) / mean) / np.sqrt(n - 1)
    d = np.where((mean > 0) & (n > 1), np.clip(d, 0.0, 1.0), np.nan)
    return d + 0.0


def gries_dp(counts, sizes, *, normalized: bool = False) -> np.ndarray:
    """Gries' deviation of proportions *DP* (0 = perfectly even).

    ``DP = ½ Σᵢ |vᵢ / f − sᵢ / S|``: half the summed differences between the
    share of the term's ``f`` occurrences found in each part and the part's
    share of the corpus size ``S``. 0 when the term is spread exactly as the
    tokens are; it approaches 1 when all occurrences are in a small part.
    With ``normalized=True``, ``DPnorm = DP / (1 − min sᵢ / S)`` (Lijffijt &
    Gries 2012), whose maximum is exactly 1 whatever the parts. Parts of 0
    tokens are left out; a term found nowhere gives NaN.

    References: Gries, S. Th. (2008). Dispersions and adjusted frequencies
    in corpora. *International Journal of Corpus Linguistics* 13(4),
    403-437. Lijffijt, J. & Gries, S. Th. (2012). Correction to Stefan Th.
    Gries' "Dispersions and adjusted frequencies in corpora". *IJCL* 17(1),
    147-149.

    Parameters
    ----------
    counts, sizes
        As in :func:`juilland_d`.
    normalized
        Return *DP*\\ :sub:`norm` instead of *DP*.
    """
    if not isinstance(normalized, bool):
        raise ValueError(f"normalized must be True or False (got {normalized!r})")
    v, s = _dispersion_arrays(counts, sizes)
    f = v.sum(axis=-1, keepdims=True)
    share = s / s.sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        dp = 0.5 * np.abs(v / f - share).sum(axis=-1)
    if normalized:
        dp = dp / (1.0 - share.min()) if share.size > 1 else np.zeros_like(dp)
    return np.where(f[..., 0] > 0, dp, np.nan) + 0.0


def _dispersion_arrays(counts, sizes) -> tuple[np.ndarray, np.ndarray]:
    v = np.asarray(counts, dtype=float)
    s = np.asarray(sizes, dtype=float)
    if s.ndim != 1 or v.ndim not in (1, 2) or v.shape[-1] != s.size:
        raise ValueError("counts must have shape (parts,) or (terms, parts) and sizes shape (parts,)")
    if np.any(s < 0) or np.any(v < 0):
        raise ValueError("counts and sizes must not be negative")
    keep = s > 0
    if not keep.any():
        raise ValueError("sizes: every part has 0 tokens")
    return v[..., keep], s[keep]


# --- occurrences of terms -----------------------------------------------------------------


@dataclass(frozen=True)
class _Term:
    label: str
    words: tuple[str, ...] = ()
    family: str | None = None


def _parse_terms(terms, *, lemmatize: bool, lexicon) -> tuple[list[_Term], Mapping[str, dict] | None]:
    """Check the terms and resolve families; raise ValueError naming ``terms``."""
    if lexicon is not None and not isinstance(lexicon, (Mapping, str, Path)):
        raise ValueError("lexicon must be None, a path to a YAML lexicon or a lexicon from load_lexicon()")
    if isinstance(terms, str):
        terms = [terms]
    if not isinstance(terms, Iterable):
        raise ValueError(f"terms must be a term or a list of terms (got {type(terms).__name__})")
    terms = list(terms)
    if not terms:
        raise ValueError("terms must hold at least one term")
    parsed: list[_Term] = []
    families = None
    seen: dict[tuple, str] = {}
    for term in terms:
        if not isinstance(term, str) or not term.strip():
            raise ValueError(f"terms: every term must be a non-empty string (got {term!r})")
        label = term.strip()
        if label.startswith(FAMILY_PREFIX):
            family_id = label[len(FAMILY_PREFIX):].strip()
            if families is None:
                families = lexicon if isinstance(lexicon, Mapping) else load_lexicon(lexicon)
            if family_id not in families:
                raise ValueError(f"terms: {label!r} names no family of the lexicon; families are "
                                 f"{sorted(families)}")
            item, key = _Term(label, family=family_id), ("family", family_id)
        else:
            words = tuple(tokenize(label, lemmatize=lemmatize))
            if not words:
                raise ValueError(f"terms: {label!r} holds no word (tokens are letters, digits, ' and -)")
            item, key = _Term(label, words=words), ("words", words)
        if key in seen:
            raise ValueError(f"terms: {label!r} and {seen[key]!r} are the same term")
        seen[key] = label
        parsed.append(item)
    return parsed, families


def article_matches(
    index: TokenIndex, families: Mapping[str, dict], *, docs: Iterable[int] | None = None,
    progress: bool | None = None, desc: str = "formulas",
) -> list[list[tuple[int, str, int, str]]]:
    """:func:`analysis.formulas.corpus_matches` of the articles of an index, with a progress bar.

    ``docs``: the articles (row numbers) to search, in the order wanted
    (``None``: every article). The bar (tqdm) shows past
    :data:`analysis.index.PROGRESS_CHARS` characters of text when
    ``progress`` is ``None``; the matches are the same either way.
    """
    texts = index.texts
    if docs is not None:
        texts = [texts[d] for d in docs]
    return by_chunks(texts, lambda lo, hi: corpus_matches(texts[lo:hi], families), progress=progress,
                     desc=desc)


def offset_tokens(index: TokenIndex, docs: np.ndarray, offsets: np.ndarray, *, ends: bool = True,
                  side: str = "right") -> np.ndarray:
    """For character ``offsets`` into articles ``docs`` (row numbers), where they fall among the tokens.

    The global token index (into the index's arrays) that ``numpy.searchsorted(..., side=side)``
    gives on the article's token ends (``ends=True``) or starts: with the defaults, the first token
    of the article that ends after the offset (the article's end if none does).
    """
    docs = np.asarray(docs, dtype=np.int64)
    if not len(docs):
        return np.zeros(0, dtype=np.int64)
    scale = np.int64(max((len(t) for t in index.texts), default=0) + 2)
    base = index.token_doc.astype(np.int64) * scale
    keys = base + (index.ends if ends else index.starts)
    wanted = docs * scale + np.asarray(offsets, dtype=np.int64)
    return np.searchsorted(keys, wanted, side=side).astype(np.int64)


def _term_ids(index: TokenIndex, *, lemmatize: bool) -> tuple[np.ndarray, dict[str, int]]:
    """Per token, its lower-cased form id (or lemma id), and the id of each form (or lemma)."""
    if lemmatize:
        lemma_of, vocab = index.lemmas()
        ids = lemma_of[index.lower_ids]
    else:
        ids, vocab = index.lower_ids, index.lower_vocab
    return ids, {word: i for i, word in enumerate(vocab.tolist())}


def phrase_starts(ids: np.ndarray, lookup: Mapping[str, int], words: tuple[str, ...],
                  same: np.ndarray) -> np.ndarray:
    """Token positions where the run ``words`` starts, its tokens all in one unit (``same``: unit ids).

    Overlapping runs all count (``a a`` starts twice in ``a a a``).
    """
    if any(w not in lookup for w in words):
        return np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(ids == lookup[words[0]])
    starts = starts[starts + len(words) <= len(ids)]
    for k, word in enumerate(words[1:], start=1):
        starts = starts[(ids[starts + k] == lookup[word]) & (same[starts + k] == same[starts])]
    return starts.astype(np.int64)


def _occurrences(
    index: TokenIndex, terms: list[_Term], families: Mapping[str, dict] | None, *, lemmatize: bool,
    positions: bool, progress: bool | None = None,
) -> tuple[np.ndarray, np.ndarray, list[tuple[np.ndarray, np.ndarray]] | None]:
    """Sizes, counts and (optionally) token positions of every term in every article of an index.

    Returns ``sizes`` (tokens per article), ``counts`` (articles × terms) and,
    with ``positions=True``, per term ``(articles, positions)``: the article
    (row number) of each occurrence and the index in it of the token where it
    starts, in corpus order.
    """
    n_docs, n_terms = index.n_docs, len(terms)
    sizes = index.doc_sizes.astype(np.int64)
    counts = np.zeros((n_docs, n_terms), dtype=np.int64)
    where: list[tuple[np.ndarray, np.ndarray]] | None = [None] * n_terms if positions else None
    token_doc = index.token_doc
    word_terms = [(j, t.words) for j, t in enumerate(terms) if t.family is None]
    if word_terms:
        ids, lookup = _term_ids(index, lemmatize=lemmatize)
        for j, words in word_terms:
            starts = phrase_starts(ids, lookup, words, token_doc)
            docs = token_doc[starts].astype(np.int64)
            counts[:, j] = np.bincount(docs, minlength=n_docs)
            if where is not None:
                where[j] = (docs, starts - index.doc_first[docs])
    family_terms = {t.family: j for j, t in enumerate(terms) if t.family is not None}
    if family_terms:
        matches = article_matches(index, {family: families[family] for family in family_terms},
                                  progress=progress)
        docs = np.repeat(np.arange(n_docs), [len(m) for m in matches]).astype(np.int64)
        columns = np.fromiter((family_terms[f] for m in matches for _, f, _, _ in m), dtype=np.int64,
                              count=len(docs))
        np.add.at(counts, (docs, columns), 1)
        if where is not None:
            starts = np.fromiter((s for m in matches for s, _, _, _ in m), dtype=np.int64, count=len(docs))
            # the token holding the start of the match: the first one ending after it
            token = offset_tokens(index, docs, starts) - index.doc_first[docs]
            for j in family_terms.values():
                mine = columns == j
                order = np.lexsort((token[mine], docs[mine]))
                where[j] = (docs[mine][order], token[mine][order])
    return sizes, counts, where


# --- trends ------------------------------------------------------------------------------


def trends(
    corpus: pd.DataFrame | TokenIndex,
    terms: str | Iterable[str],
    *,
    by: str = "year",
    date: str = "date",
    lemmatize: bool = False,
    per: float = RATE_BASE,
    confidence: float = 0.95,
    lexicon: Mapping[str, dict] | str | Path | None = None,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Count, rate and interval of each term in each period.

    Parameters
    ----------
    corpus
        A corpus frame (:func:`analysis.load_corpus`) with a date column, or
        its token index (:func:`analysis.build_index`; tokens, lemmas and
        offsets are read from it, never tokenized again).
    terms
        Words, phrases, lemmas (``lemmatize=True``) or ``"family:<id>"``
        (see the module's documentation); one string is one term.
    by
        ``"year"``, ``"quarter"``, ``"month"`` or ``"day"``: calendar periods
        of the ``date`` column. The name of a column holding dates
        (``"date"``, ``"published"``) means one period per day of that
        column.
    date
        The column of dates that ``"year"``, ``"quarter"`` ... cut up.
    lemmatize
        Match words and phrases on lemmas.
    per
        The rate is per this many tokens (default 10,000, as
        :func:`analysis.term_frequencies`; 1,000 is the usual unit for
        formulas, as :func:`analysis.formula_counts`).
    confidence
        Level of the interval (:func:`poisson_interval`).
    lexicon
        For ``family:`` terms: ``None`` (the shipped lexicon), a path to a
        YAML lexicon or a lexicon from :func:`analysis.load_lexicon`.
    progress
        Show a progress bar (tqdm) while formulas are searched: ``None``
        (default) shows one past :data:`analysis.index.PROGRESS_CHARS`
        characters of text.

    Returns
    -------
    pandas.DataFrame
        One row per term and period, every period from the first dated
        article to the last (periods without articles included), with
        columns ``term``; ``period`` (``"2024"``, ``"2024-Q3"``,
        ``"2024-07"``, ``"2024-07-08"``); ``start`` and ``end`` (first and
        last day of the period); ``n_articles``; ``tokens`` (period size);
        ``count``; ``rate`` (``count / tokens × per``); ``ci_low``,
        ``ci_high`` (the rate's interval); ``score`` and ``p_value``: the
        signed log-likelihood G² of the period against all other periods
        together (:func:`analysis.log_likelihood`; positive = more frequent
        in the period). Rate, interval and score are NaN for a period
        without tokens (and the score when there is no other period). Rows
        follow the terms' order, then time.

        ``attrs`` holds ``by``, ``per``, ``confidence``, ``n_undated`` (the
        articles left out for lack of a date) and ``undated`` (their
        ``doc_id``).

    Warns
    -----
    UserWarning
        When articles without a date are left out (naming how many).
    """
    _check_options(lemmatize=lemmatize, per=per, confidence=confidence, progress=progress)
    index = ensure_index(corpus)
    corpus = index.corpus
    dates, unit = _dates(corpus, by=by, date=date)
    parsed, families = _parse_terms(terms, lemmatize=lemmatize, lexicon=lexicon)

    dated = dates.notna().to_numpy()
    undated = corpus.loc[~dated, "doc_id"].tolist()
    if undated:
        shown = ", ".join(undated[:5]) + (" …" if len(undated) > 5 else "")
        warnings.warn(f"trends: {len(undated)} article(s) without a date left out ({shown})",
                      UserWarning, stacklevel=2)
    attrs = {"by": by, "per": per, "confidence": confidence, "n_undated": len(undated), "undated": undated}
    if not dated.any():
        frame = pd.DataFrame({c: [] for c in TREND_COLUMNS})
        frame.attrs = attrs
        return frame
    sizes, counts, _ = _occurrences(index, parsed, families, lemmatize=lemmatize, positions=False,
                                    progress=progress)
    sizes, counts = sizes[dated], counts[dated]

    periods = dates[dated].dt.to_period(PERIOD_UNITS[unit])
    span = pd.period_range(periods.min(), periods.max(), freq=PERIOD_UNITS[unit])
    codes = periods.array.asi8 - span[0].ordinal
    n_periods = len(span)
    tokens = np.bincount(codes, weights=sizes, minlength=n_periods).astype(np.int64)
    articles = np.bincount(codes, minlength=n_periods).astype(np.int64)
    by_period = np.zeros((n_periods, len(parsed)), dtype=np.int64)
    np.add.at(by_period, codes, counts)

    total_tokens = int(tokens.sum())
    has_tokens = tokens > 0
    labels, starts, ends = _period_labels(span, unit), span.start_time.normalize(), span.end_time.normalize()
    rows = []
    for j, term in enumerate(parsed):
        c = by_period[:, j]
        with np.errstate(invalid="ignore", divide="ignore"):
            rate = np.where(has_tokens, c / np.where(has_tokens, tokens, 1) * per, np.nan)
            low, high = poisson_interval(c, confidence=confidence)
            scale = np.where(has_tokens, per / np.where(has_tokens, tokens, 1), np.nan)
        with np.errstate(invalid="ignore", divide="ignore"):  # empty periods: 0/0, set to NaN below
            score, p_value = log_likelihood(c, c.sum() - c, tokens, total_tokens - tokens)
        comparable = has_tokens & (total_tokens - tokens > 0)
        rows.append(pd.DataFrame({
            "term": term.label,
            "period": labels,
            "start": starts,
            "end": ends,
            "n_articles": articles,
            "tokens": tokens,
            "count": c,
            "rate": rate,
            "ci_low": low * scale,
            "ci_high": high * scale,
            "score": np.where(comparable, score, np.nan),
            "p_value": np.where(comparable, p_value, np.nan),
        }))
    frame = pd.concat(rows, ignore_index=True)
    frame = frame.astype({"n_articles": "int64", "tokens": "int64", "count": "int64"})
    frame.attrs = attrs
    return frame


def trend_test(table: pd.DataFrame, *, measure: str = "g2") -> pd.DataFrame:
    """Whether each term's rate changes across the periods of a :func:`trends` table, and where most.

    For each term, :func:`homogeneity_test` on its periods × {term, other
    tokens} table (periods without tokens left out), and the *peak*: the
    period whose signed log-likelihood against all the other periods
    (the ``score`` column of :func:`trends`) is largest in absolute value.

    Parameters
    ----------
    table
        The result of :func:`trends`.
    measure
        ``"g2"`` (log-likelihood ratio, default) or ``"chi2"`` (Pearson).

    Returns
    -------
    pandas.DataFrame
        One row per term: ``term``, ``count`` (in all periods), ``periods``
        (periods with tokens), ``statistic``, ``dof`` (periods − 1),
        ``p_value``; ``peak_period``, ``peak_score`` (signed G²: positive,
        the term is more frequent in that period than in the others),
        ``peak_p_value``, ``peak_effect`` (Log Ratio of the period against the
        others, :func:`analysis.log_ratio`) and ``peak_p_adjusted`` (the peak's
        p-value × the number of periods, at most 1: Bonferroni's correction,
        since the peak is the most extreme of several tests). Sorted by
        ``statistic`` descending, then ``term``.
    """
    if measure not in CHANGE_MEASURES:
        raise ValueError(f"measure must be one of {CHANGE_MEASURES} (got {measure!r})")
    if not isinstance(table, pd.DataFrame):
        raise ValueError(f"table must be the DataFrame returned by trends() (got {type(table).__name__})")
    missing = [c for c in ("term", "period", "tokens", "count", "score", "p_value") if c not in table.columns]
    if missing:
        raise ValueError(f"table has no column(s) {missing}; pass the result of trends()")
    rows = []
    for term, part in table.groupby("term", sort=False):
        part = part[part["tokens"] > 0]
        c = part["count"].to_numpy(dtype=np.int64)
        n = part["tokens"].to_numpy(dtype=np.int64)
        statistic, dof, p_value = homogeneity_test(c, n, measure=measure)
        row = {"term": term, "count": int(c.sum()), "periods": len(part), "statistic": statistic,
               "dof": dof, "p_value": p_value, "peak_period": None, "peak_score": np.nan,
               "peak_p_value": np.nan, "peak_effect": np.nan, "peak_p_adjusted": np.nan}
        scores = part["score"].to_numpy(dtype=float)
        if dof >= 1 and np.isfinite(scores).any():
            size = np.abs(np.nan_to_num(scores, nan=-1.0))
            tied = np.flatnonzero(np.isclose(size, size.max(), rtol=1e-12, atol=0))
            # of equal departures (always so with two periods), the over-use, then the earliest
            k = int(next((t for t in tied if scores[t] > 0), tied[0]))
            a, n1 = int(c[k]), int(n[k])
            row.update(peak_period=part["period"].iloc[k], peak_score=float(scores[k]),
                       peak_p_value=float(part["p_value"].iloc[k]),
                       peak_effect=float(log_ratio(a, int(c.sum()) - a, n1, int(n.sum()) - n1)),
                       peak_p_adjusted=min(1.0, float(part["p_value"].iloc[k]) * len(part)))
        rows.append(row)
    frame = pd.DataFrame(rows, columns=["term", "count", "periods", "statistic", "dof", "p_value",
                                        "peak_period", "peak_score", "peak_p_value", "peak_effect",
                                        "peak_p_adjusted"])
    frame = frame.astype({"count": "int64", "periods": "int64", "dof": "int64"})
    frame = frame.sort_values(["statistic", "term"], ascending=[False, True], kind="stable",
                              na_position="last")
    return frame.reset_index(drop=True)


# --- dispersion --------------------------------------------------------------------------


def dispersion(
    corpus: pd.DataFrame | TokenIndex,
    terms: str | Iterable[str],
    *,
    by: str = "doc_id",
    lemmatize: bool = False,
    lexicon: Mapping[str, dict] | str | Path | None = None,
    progress: bool | None = None,
) -> pd.DataFrame:
    """How evenly each term is spread across the articles (or any parts).

    Parameters
    ----------
    corpus
        A corpus frame, or its token index.
    terms
        As in :func:`trends`.
    by
        The parts: ``"doc_id"`` (each article), any column of the corpus
        (``"source"``), or ``"year"`` (derived from ``date``). Articles whose
        value is missing form a part of their own.
    lemmatize, lexicon, progress
        As in :func:`trends`.

    Returns
    -------
    pandas.DataFrame
        One row per term, in the order given: ``term``, ``count`` (f),
        ``parts`` (n, the parts with at least one token), ``range`` (parts
        holding the term), ``juilland_d`` (:func:`juilland_d`, 1 = even),
        ``dp`` and ``dp_norm`` (:func:`gries_dp`, 0 = even), and the part
        sizes: ``corpus_size``, ``min_part_size``, ``max_part_size`` (in
        tokens). ``attrs["part_sizes"]`` maps each part to its size. A term
        found nowhere has NaN measures.
    """
    _check_options(lemmatize=lemmatize, progress=progress)
    index = ensure_index(corpus)
    corpus = index.corpus
    keys = _part_keys(corpus, by)
    parsed, families = _parse_terms(terms, lemmatize=lemmatize, lexicon=lexicon)
    sizes, counts, _ = _occurrences(index, parsed, families, lemmatize=lemmatize, positions=False,
                                    progress=progress)
    codes, parts = pd.factorize(keys, sort=True, use_na_sentinel=False)
    n_parts = len(parts)
    part_sizes = np.bincount(codes, weights=sizes, minlength=n_parts).astype(np.int64)
    by_part = np.zeros((len(parsed), n_parts), dtype=np.int64)
    np.add.at(by_part.T, codes, counts)
    used = part_sizes > 0
    if not used.any():
        raise ValueError("corpus has no token; dispersion needs text")
    frame = pd.DataFrame({
        "term": [t.label for t in parsed],
        "count": by_part.sum(axis=1),
        "parts": int(used.sum()),
        "range": (by_part[:, used] > 0).sum(axis=1),
        "juilland_d": juilland_d(by_part, part_sizes),
        "dp": gries_dp(by_part, part_sizes),
        "dp_norm": gries_dp(by_part, part_sizes, normalized=True),
        "corpus_size": int(part_sizes.sum()),
        "min_part_size": int(part_sizes[used].min()),
        "max_part_size": int(part_sizes[used].max()),
    })
    frame = frame.astype({"count": "int64", "parts": "int64", "range": "int64", "corpus_size": "int64",
                          "min_part_size": "int64", "max_part_size": "int64"})
    sizes_of = {_plain(p): int(s) for p, s in zip(parts, part_sizes, strict=True)}
    frame.attrs = {"by": by, "part_sizes": sizes_of}
    return frame


# --- progression -------------------------------------------------------------------------


def progression(
    corpus: pd.DataFrame | TokenIndex,
    terms: str | Iterable[str],
    *,
    date: str = "date",
    lemmatize: bool = False,
    lexicon: Mapping[str, dict] | str | Path | None = None,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Where each occurrence falls: in its article, and in the corpus read in date order.

    The corpus is read article after article, by ``date`` then ``doc_id``,
    undated articles last (:func:`analysis.articles_by_date`).

    Parameters
    ----------
    corpus
        A corpus frame, or its token index.
    terms
        As in :func:`trends`.
    date
        The column of dates giving the reading order (a corpus without a
        ``date`` column is read by ``doc_id``).
    lemmatize, lexicon, progress
        As in :func:`trends`.

    Returns
    -------
    pandas.DataFrame
        One row per occurrence: ``term``, ``doc_id``, ``date``, ``position``
        (index of its first token in the article, 0 = the first token),
        ``n_tokens`` (the article's size), ``relative`` (``position /
        n_tokens``, from 0 at the start of the article towards 1 at its
        end), ``corpus_position`` (index of the token in the whole corpus
        read in date order) and ``cumulative`` (the term's occurrences up to
        and including this one). Rows follow the terms' order, then the
        reading order. ``attrs`` holds ``corpus_size`` (tokens),
        ``n_articles``, ``year_starts`` (the corpus position where each
        year's first article starts) and ``undated_start`` (where the
        undated articles start; ``None`` when every article has a date).
    """
    _check_options(lemmatize=lemmatize, progress=progress)
    if not isinstance(date, str):
        raise ValueError(f"date must be a column name (got {date!r})")
    index = ensure_index(corpus)
    corpus = index.corpus
    parsed, families = _parse_terms(terms, lemmatize=lemmatize, lexicon=lexicon)
    if date in corpus.columns:
        dates = _as_dates(corpus[date], name="date", column=date)
    elif date == "date":  # a corpus without dates is read by doc_id
        dates = pd.Series(pd.NaT, index=corpus.index, dtype="datetime64[ns]")
    else:
        raise ValueError(f"date: the corpus has no column {date!r} (columns are "
                         f"{[c for c in corpus.columns if c != 'text']})")
    order = (pd.DataFrame({"date": dates.to_numpy(), "doc_id": corpus["doc_id"].to_numpy()})
             .sort_values(["date", "doc_id"], na_position="last", kind="stable").index.to_numpy())
    doc_ids = corpus["doc_id"].to_numpy()[order]
    doc_dates = dates.to_numpy()[order]
    all_sizes, _, where = _occurrences(index, parsed, families, lemmatize=lemmatize, positions=True,
                                       progress=progress)
    sizes = all_sizes[order]
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64) if len(sizes) else sizes
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))

    parts = []
    for term, (docs, found) in zip(parsed, where, strict=True):
        read = rank[docs]
        keep = np.lexsort((found, read))  # reading order, then position in the article
        read, found = read[keep], found[keep]
        parts.append(pd.DataFrame({"term": term.label, "doc_id": doc_ids[read], "date": doc_dates[read],
                                   "position": found, "n_tokens": sizes[read],
                                   "corpus_position": offsets[read] + found}))
    frame = pd.concat(parts, ignore_index=True)
    frame["date"] = pd.to_datetime(frame["date"])
    frame = frame.astype({"term": object, "doc_id": object, "position": "int64", "n_tokens": "int64",
                          "corpus_position": "int64"})
    frame["relative"] = (frame["position"] / frame["n_tokens"]).astype(float)
    frame = frame[["term", "doc_id", "date", "position", "n_tokens", "relative", "corpus_position"]]
    frame["cumulative"] = frame.groupby("term", sort=False).cumcount().astype(np.int64) + 1
    years = pd.Series(pd.to_datetime(doc_dates)).dt.year
    year_starts = {int(y): int(offsets[i]) for i, y in reversed(list(enumerate(years))) if pd.notna(y)}
    first_undated = next((i for i, y in enumerate(years) if pd.isna(y)), None)
    frame.attrs = {"corpus_size": int(sizes.sum()), "n_articles": len(order),
                   "year_starts": dict(sorted(year_starts.items())),
                   "undated_start": None if first_undated is None else int(offsets[first_undated])}
    return frame


# --- helpers -----------------------------------------------------------------------------


def _check_options(*, lemmatize: bool, per: float = 1.0, confidence: float = 0.95,
                   progress: bool | None = None) -> None:
    if not isinstance(lemmatize, bool):
        raise ValueError(f"lemmatize must be True or False (got {lemmatize!r})")
    check_progress(progress)
    if isinstance(per, bool) or not isinstance(per, (int, float, np.integer, np.floating)) or not per > 0:
        raise ValueError(f"per must be a positive number of tokens (got {per!r})")
    _check_confidence(confidence)


def _check_confidence(confidence: float) -> None:
    if (isinstance(confidence, bool) or not isinstance(confidence, (int, float, np.floating))
            or not 0 < confidence < 1):
        raise ValueError(f"confidence must be a number between 0 and 1, such as 0.95 (got {confidence!r})")


def _dates(corpus: pd.DataFrame, *, by: str, date: str) -> tuple[pd.Series, str]:
    """The dates the periods are cut from, and the calendar unit."""
    if not isinstance(date, str):
        raise ValueError(f"date must be a column name (got {date!r})")
    if not isinstance(by, str):
        raise ValueError(f"by must be one of {list(PERIOD_UNITS)} or a column of dates (got {by!r})")
    if by in PERIOD_UNITS:
        if date not in corpus.columns:
            raise ValueError(f"date: the corpus has no column {date!r}; by={by!r} cuts the dates of that "
                             f"column (columns are {[c for c in corpus.columns if c != 'text']})")
        return _as_dates(corpus[date], name="date", column=date), by
    if by in corpus.columns and by not in ("text", "doc_id"):
        return _as_dates(corpus[by], name="by", column=by), "day"
    raise ValueError(f"by must be one of {list(PERIOD_UNITS)} or a column of dates "
                     f"(got {by!r}; columns are {[c for c in corpus.columns if c != 'text']})")


def _as_dates(values: pd.Series, *, name: str, column: str) -> pd.Series:
    """A column as datetimes; empty cells become NaT, anything else that is no date is an error."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.dt.tz_localize(None) if getattr(values.dt, "tz", None) is not None else values
    if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        raise ValueError(f"{name}: column {column!r} holds numbers, not dates (YYYY-MM-DD); for years, "
                         f"give the dates and by='year'")
    blank = values.isna() | values.astype(str).str.strip().eq("")
    parsed = pd.to_datetime(values.where(~blank), errors="coerce", format="mixed")
    bad = values[parsed.isna() & ~blank]
    if len(bad):
        raise ValueError(f"{name}: column {column!r} holds values that are not dates, "
                         f"such as {bad.astype(str).tolist()[:3]}")
    return parsed


def _period_labels(span: pd.PeriodIndex, unit: str) -> list[str]:
    if unit == "year":
        return [str(p.year) for p in span]
    if unit == "quarter":
        return [f"{p.year}-Q{p.quarter}" for p in span]
    if unit == "month":
        return [p.strftime("%Y-%m") for p in span]
    return [p.strftime("%Y-%m-%d") for p in span]


def _part_keys(corpus: pd.DataFrame, by: str) -> pd.Series:
    if not isinstance(by, str):
        raise ValueError(f"by must be a column name (got {by!r})")
    if by in corpus.columns and by != "text":
        return corpus[by].reset_index(drop=True)
    if by == "year" and "date" in corpus.columns:
        years = _as_dates(corpus["date"], name="by", column="date").dt.year.astype("Int64")
        return years.reset_index(drop=True)
    allowed = [c for c in corpus.columns if c != "text"] + (["year"] if "date" in corpus.columns else [])
    raise ValueError(f"by must be one of {allowed} (got {by!r})")


def _plain(value):
    """A part's key as a plain Python value (``None`` for a missing one)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value.item() if isinstance(value, np.generic) else value
