"""Step 3 of the pipeline: counting terms in documents and groups of documents.

Counting reads the token index (:mod:`analysis.index`): the documents ×
terms matrix is built directly from the integer ids of the tokens as a
``scipy.sparse`` matrix (the counts scikit-learn's ``CountVectorizer`` gives
with the project's tokenizer, :func:`analysis.text.tokenizer`, without
tokenizing again); group totals are sums of rows of that sparse matrix.
Every function taking a corpus frame takes a :class:`analysis.TokenIndex` as
well.

Terms
    A term is a token or an n-gram of consecutive tokens joined by one space
    (``véritable multilatéralisme``). N-grams run over every token of the text,
    stop words included, and do not cross documents.

Stop words
    ``stopwords=True`` hides the terms that begin or end with a stop word of
    :func:`analysis.text.stopword_list` (for single tokens: the stop words
    themselves), so ``ceinture et la route`` is kept as a 4-gram while ``et
    la`` is not. The test on a word is the tokenizer's: its form is in the
    list, or (with ``lemmatize=True``) its lemma is.

Token totals
    Sizes (of a document, a group, a corpus) count every token, stop words
    included, as textometry software does (Lebart & Salem 1994, *Statistique
    textuelle*, ch. 2). Hiding stop words removes rows, never changes a size.

Lemmas
    With ``lemmatize=True``, the forms are counted first and their columns are
    then summed into lemma columns (:func:`analysis.text.lemma` is the same
    function the tokenizer applies token by token, so the counts are the
    tokenizer's; lemmatizing each distinct form once is just faster).

Actors
    With ``actors=True`` (the shipped actor table, ``analysis/data/actors.yaml``)
    or an actor table from :func:`analysis.load_actors`, every term that is
    one of an actor's names *in full* is counted under the actor's label, so
    ``bélarus``, ``biélorussie``, ``bélarusse`` and ``biélorusse`` add up to one
    row ``Bélarus``. A multi-word name (``xi jinping``) merges only when
    ``ngram_range`` produces it, and its words still count as unigrams. Names
    are matched against the term as tokens form it, without punctuation, so
    the name ``M. Xi`` does not match the bigram ``m xi``.
"""

from __future__ import annotations

import math
import re
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .corpus import CORPUS_ROW
from .index import TokenIndex, ensure_index, string_ranks
from .lexicon import load_actors
from .text import sorted_unique, stop_set

#: Rates are given per this many tokens.
RATE_BASE = 10_000
#: The derived grouping column accepted by ``by`` when the corpus has a ``date``.
YEAR = "year"


@dataclass(frozen=True)
class TermMatrix:
    """Counts of terms (columns) in documents (rows).

    Attributes
    ----------
    counts
        ``scipy.sparse.csr_matrix`` of int64, documents × terms.
    terms
        The terms, in column order (sorted).
    tokens
        Number of tokens of each document, stop words included.
    """

    counts: sp.csr_matrix
    terms: np.ndarray
    tokens: np.ndarray


def term_matrix(
    texts: Iterable[str] | TokenIndex,
    *,
    lemmatize: bool = False,
    stopwords: bool | Iterable[str] = True,
    ngram_range: tuple[int, int] = (1, 1),
    actors: bool | Mapping[str, Mapping] | None = None,
) -> TermMatrix:
    """Count the terms of each text (the building block of every count table).

    Parameters
    ----------
    texts
        The documents, or a token index (:func:`analysis.build_index`; its
        documents in corpus order).
    lemmatize, stopwords, ngram_range, actors
        As in :func:`term_frequencies`.

    Returns
    -------
    TermMatrix
        Sparse documents × terms counts, the sorted terms and every document's
        token total (all tokens, stop words included).
    """
    counts, tokens, terms_of = term_columns(texts, lemmatize=lemmatize, stopwords=stopwords,
                                            ngram_range=ngram_range, actors=actors)
    return TermMatrix(counts, terms_of(None), tokens)


def term_columns(
    texts: Iterable[str] | TokenIndex,
    *,
    lemmatize: bool = False,
    stopwords: bool | Iterable[str] = True,
    ngram_range: tuple[int, int] = (1, 1),
    actors: bool | Mapping[str, Mapping] | None = None,
) -> tuple[sp.csr_matrix, np.ndarray, Callable[[np.ndarray | None], np.ndarray]]:
    """:func:`term_matrix` as ``(counts, tokens, terms_of)``, where ``terms_of(columns)`` writes out the
    terms of those columns only (``None``: every column), for callers that show a few of them."""
    _check_options(lemmatize=lemmatize, stopwords=stopwords, ngram_range=ngram_range)
    if isinstance(texts, TokenIndex):
        index = texts
    else:
        if isinstance(texts, str):
            raise ValueError("texts must be an iterable of texts or a TokenIndex, not a single string")
        texts = list(texts)
        index = ensure_index(pd.DataFrame({"doc_id": [str(i) for i in range(len(texts))], "text": texts}),
                             name="texts")
    low, high = ngram_range
    n_docs = index.n_docs
    tokens = index.doc_sizes.astype(np.int64)
    if index.n_tokens == 0:
        return sp.csr_matrix((n_docs, 0), dtype=np.int64), tokens, lambda _: np.array([], dtype=object)
    stop = stop_set(stopwords)
    words = index.lower_vocab
    is_stop = np.zeros(len(words), dtype=bool)
    if stop:
        is_stop = _kept_with(words, ("stop", stop), lambda: np.fromiter(
            (w in stop for w in words.tolist()), dtype=bool, count=len(words)))
        if lemmatize:
            lemma_of, lemma_vocab = index.lemmas()
            lemma_stop = _kept_with(lemma_vocab, ("stop", stop), lambda: np.fromiter(
                (w.lower() in stop for w in lemma_vocab.tolist()), dtype=bool, count=len(lemma_vocab)))
            is_stop = is_stop | lemma_stop[lemma_of]
    docs, columns, parts = [], [], []
    n_columns = 0
    for n, positions, codes, gram_parts in _ngram_levels(index, high):
        if n < low:
            continue
        keep = ~(is_stop[gram_parts[:, 0]] | is_stop[gram_parts[:, -1]])
        new_code = np.cumsum(keep) - 1 + n_columns
        kept = keep[codes]
        docs.append(index.token_doc[positions[kept]])
        columns.append(new_code[codes[kept]])
        parts.append(gram_parts[keep])
        n_columns += int(keep.sum())
    parts = _padded(parts, high)
    # Terms sort as the tuples of their words (a space sorts before any character a token
    # holds), so the sorted vocabulary of CountVectorizer comes from integer ranks.
    order = _tuple_order(index.lower_ranks()[parts], parts >= 0)
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    docs = np.concatenate(docs) if docs else np.array([], dtype=np.int64)
    columns = rank[np.concatenate(columns)] if columns else np.array([], dtype=np.int64)
    counts = sp.csr_matrix((np.ones(len(docs), dtype=np.int64), (docs, columns)), shape=(n_docs, len(parts)))
    counts.sum_duplicates()
    parts = parts[order]
    # Terms are written out only for the columns asked for, after merging (most n-grams never are).
    term_words, rows, terms = words, parts, None
    if lemmatize:
        lemma_of, lemma_vocab = index.lemmas()
        term_words = lemma_vocab[lemma_of]
        if _SPACE_OR_CONTROL.search("".join(lemma_vocab.tolist())):  # a lemma with a space: compare strings
            counts, terms = _merge_columns(counts, _joined_terms(term_words, parts))
        else:
            lemma_ranks = _kept_with(lemma_vocab, "ranks", lambda: string_ranks(lemma_vocab))
            lemma_keys = np.where(parts >= 0, lemma_ranks[lemma_of[parts]], -1)
            counts, firsts = _merge_sorted(counts, lemma_keys)
            rows = parts[firsts]
    table = _actor_table(actors)
    if table:
        terms = _joined_terms(term_words, rows) if terms is None else terms
        counts, terms = _merge_columns(counts, [_actor_label(term, table) for term in terms])
    counts = sp.csr_matrix(counts)
    counts.sort_indices()

    def terms_of(columns: np.ndarray | None) -> np.ndarray:
        if terms is not None:
            return np.asarray(terms if columns is None else terms[columns], dtype=object)
        return _joined_terms(term_words, rows if columns is None else rows[columns])

    return counts, tokens, terms_of


# Per vocabulary array of an index (its forms, its lemmas), what term_columns derives from it, kept
# while the array lives: a notebook counting the same index again does not test every word again.
_KEPT: dict[int, tuple[weakref.ref, dict]] = {}


def _kept_with(owner: np.ndarray, key, compute: Callable[[], np.ndarray]) -> np.ndarray:
    """``compute()``, computed once per ``owner`` array and ``key`` (read-only), forgotten with ``owner``."""
    number = id(owner)
    entry = _KEPT.get(number)
    if entry is None or entry[0]() is not owner:
        entry = (weakref.ref(owner, lambda _, k=number: _KEPT.pop(k, None)), {})
        _KEPT[number] = entry
    values = entry[1]
    if key not in values:
        if len(values) >= 8:  # a few stop lists at most
            values.clear()
        values[key] = compute()
        values[key].flags.writeable = False
    return values[key]


def _ngram_levels(index: TokenIndex, high: int):
    """Yield, for n = 1 .. high: n, the positions where an n-gram starts (not crossing documents),
    the n-gram code at each, and the lower-cased form ids of its words (one row per code, n columns).
    """
    lower = index.lower_ids
    n_tok = len(lower)
    run = index.doc_first[1:][index.token_doc] - np.arange(n_tok)  # tokens left in the document
    positions = np.arange(n_tok)
    codes = lower.astype(np.int64)
    size = max(len(index.lower_vocab), 1)
    words = np.arange(size, dtype=np.int32)[:, None]
    yield 1, positions, codes, words
    for n in range(2, high + 1):
        valid = run[positions] >= n
        positions, prev = positions[valid], codes[valid]
        if not len(positions):
            return
        last_word = lower[positions + n - 1].astype(np.int64)
        new_codes, uniques = pd.factorize(prev * size + last_word, sort=False)
        prev_code, last = uniques // size, uniques % size
        words = np.column_stack([words[prev_code], last.astype(np.int32)])
        codes = new_codes.astype(np.int64)
        yield n, positions, codes, words


def _joined_terms(vocab: np.ndarray, parts: np.ndarray) -> np.ndarray:
    """The terms of rows of word ids (padded with -1): their words joined by one space (object array)."""
    if parts.shape[1] == 1 or not len(parts):
        return vocab[parts[:, 0]] if len(parts) else np.array([], dtype=object)
    columns = [vocab[parts[:, k]].tolist() for k in range(parts.shape[1])]
    lengths = (parts >= 0).sum(axis=1).tolist()
    terms = np.empty(len(parts), dtype=object)
    terms[:] = [" ".join(words[:n]) for *words, n in zip(*columns, lengths, strict=True)]
    return terms


_SPACE_OR_CONTROL = re.compile(r"[\x00- ]")


def _padded(parts: list[np.ndarray], width: int) -> np.ndarray:
    """Stack rows of word ids of several lengths into one array, padded with -1 on the right."""
    out = np.full((sum(len(p) for p in parts), width), -1, dtype=np.int32)
    row = 0
    for p in parts:
        out[row : row + len(p), : p.shape[1]] = p
        row += len(p)
    return out


def _tuple_order(keys: np.ndarray, present: np.ndarray) -> np.ndarray:
    """The order of rows of ranks as tuples (a shorter tuple, padded ``present=False``, sorts first)."""
    keys = np.where(present, keys, -1)
    return np.lexsort(keys.T[::-1]) if keys.size else np.arange(len(keys))


def _merge_sorted(counts: sp.spmatrix, keys: np.ndarray) -> tuple[sp.spmatrix, np.ndarray]:
    """Sum the columns whose rows of ranks ``keys`` (padded with -1) are equal, in the order of the keys
    as tuples; return the counts and the first column of each merged group."""
    order = _tuple_order(keys, keys >= 0)
    sorted_keys = keys[order]
    new = np.r_[True, (sorted_keys[1:] != sorted_keys[:-1]).any(axis=1)] if len(order) else np.array([], bool)
    column = np.empty(len(order), dtype=np.int64)
    column[order] = np.cumsum(new) - 1
    merge = sp.csr_matrix(
        (np.ones(len(column), dtype=np.int64), (np.arange(len(column)), column)),
        shape=(len(column), int(new.sum())),
    )
    return counts @ merge, order[new]


def _merge_columns(counts: sp.spmatrix, names: Sequence[str]) -> tuple[sp.spmatrix, np.ndarray]:
    """Sum the columns that get the same name; return the counts and the sorted names."""
    terms, column = np.unique(np.asarray(names, dtype=object), return_inverse=True)
    merge = sp.csr_matrix(
        (np.ones(len(column), dtype=np.int64), (np.arange(len(column)), column)),
        shape=(len(column), len(terms)),
    )
    return counts @ merge, terms


def _actor_table(actors: bool | Mapping[str, Mapping] | None) -> Mapping[str, Mapping]:
    if actors is None or actors is False:
        return {}
    if actors is True:
        return load_actors()
    if isinstance(actors, Mapping) and all(
        isinstance(a, Mapping) and {"label", "patterns"} <= set(a) for a in actors.values()
    ):
        return actors
    raise ValueError("actors must be None, True (the shipped table) or a table from analysis.load_actors()")


def _actor_label(term: str, table: Mapping[str, Mapping]) -> str:
    for actor in table.values():
        if any(pattern.fullmatch(term) for pattern in actor["patterns"]):
            return actor["label"]
    return term


def term_frequencies(
    corpus: pd.DataFrame | TokenIndex,
    *,
    by: str | Sequence[str] | None = None,
    lemmatize: bool = False,
    stopwords: bool | Iterable[str] = True,
    ngram_range: tuple[int, int] = (1, 1),
    min_count: int = 1,
    actors: bool | Mapping[str, Mapping] | None = None,
) -> pd.DataFrame:
    """Count every term of the corpus, in the whole corpus or per group.

    Parameters
    ----------
    corpus
        A corpus frame (:func:`analysis.load_corpus`), with a ``text`` column,
        or its token index (:func:`analysis.build_index`).
    by
        ``None`` for the whole corpus; a column name (``"doc_id"``,
        ``"source"`` ...) or a list of names for one table per group. ``"year"``
        is derived from ``date`` when the corpus has no ``year`` column.
        Documents whose group value is missing form their own group.
    lemmatize
        Count lemmas instead of word forms (:func:`analysis.text.lemma`).
    stopwords
        ``True`` hides the terms that begin or end with a French stop word;
        ``False`` keeps every term; an iterable of words uses those instead.
    ngram_range
        ``(min_n, max_n)``: the lengths of the terms, in tokens.
    min_count
        Keep the rows whose ``count`` is at least this.
    actors
        ``True`` counts every name of an actor of the shipped actor table
        under the actor's label (``Bélarus`` for *Biélorussie*, *bélarusse*
        ...); a table from :func:`analysis.load_actors` uses that table;
        ``None`` (default) counts names as written.

    Returns
    -------
    pandas.DataFrame
        The ``by`` column(s), then ``term``, ``count`` (occurrences in the
        group), ``rate`` (``count / tokens × 10,000``, where ``tokens`` is the
        group's number of tokens, stop words included) and ``doc_freq`` (number
        of documents of the group containing the term). Sorted by the group
        column(s), then ``count`` descending, then ``term``.
    """
    index = ensure_index(corpus)
    keys = group_keys(index.corpus, by)
    if not isinstance(min_count, (int, np.integer)) or isinstance(min_count, bool) or min_count < 1:
        raise ValueError(f"min_count must be an integer of at least 1 (got {min_count!r})")
    matrix = term_matrix(
        index, lemmatize=lemmatize, stopwords=stopwords, ngram_range=ngram_range, actors=actors
    )
    groups, indicator = group_indicator(keys, index.n_docs)
    counts = sp.csr_matrix(indicator @ matrix.counts)
    doc_freq = sp.csr_matrix(indicator @ (matrix.counts > 0).astype(np.int64))
    tokens = indicator @ matrix.tokens
    rows, cols, values, freqs = aligned_cells(counts, doc_freq)

    mask = values >= min_count
    rows, cols, values, freqs = rows[mask], cols[mask], values[mask], freqs[mask]
    # Groups are numbered in their sorted order and terms are sorted, so sorting by group, count
    # (descending) and term is sorting integers.
    order = lex_order(cols, -values, rows)
    rows, cols, values, freqs = rows[order], cols[order], values[order], freqs[order]
    if groups is None:
        frame = pd.DataFrame(index=range(len(rows)))
    else:
        frame = groups.iloc[rows].reset_index(drop=True)
    frame["term"] = matrix.terms[cols] if len(cols) else np.array([], dtype=object)
    frame["count"] = values.astype(np.int64)
    frame["rate"] = values / tokens[rows] * RATE_BASE if len(rows) else np.array([], dtype=float)
    frame["doc_freq"] = freqs.astype(np.int64)
    return frame


def aligned_cells(a: sp.spmatrix, b: sp.spmatrix) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Rows, columns and values of the non-zero cells of ``a``, with ``b``'s values at the same cells.

    Linear in the number of cells: when ``b`` has the sparsity structure of
    ``a`` (as counts and document frequencies do), its values are read in
    the same order, without fancy indexing.
    """
    a, b = sp.csr_matrix(a), sp.csr_matrix(b)
    for m in (a, b):
        m.sum_duplicates()
        m.sort_indices()
        m.eliminate_zeros()
    rows = np.repeat(np.arange(a.shape[0]), np.diff(a.indptr))
    if np.array_equal(a.indptr, b.indptr) and np.array_equal(a.indices, b.indices):
        return rows, a.indices.astype(np.int64), a.data, b.data
    b_data = np.asarray(b[rows, a.indices]).ravel() if a.nnz else np.array([], dtype=b.dtype)
    return rows, a.indices.astype(np.int64), a.data, b_data


def lex_order(*keys: np.ndarray) -> np.ndarray:
    """``np.lexsort(keys)``, faster: the last key sorts first, ties keep their input order.

    A float key is replaced by its rank among its distinct values (NaN last,
    as ``np.lexsort`` puts it); the integer keys are then packed into one
    ``int64`` when their ranges fit, so that one stable sort replaces one per
    key. Keys that do not fit fall back to ``np.lexsort``.
    """
    n = len(keys[0])
    packed = np.zeros(n, dtype=np.int64)
    bits = 0
    for key in keys:
        key = np.asarray(key)
        if len(key) != n:
            raise ValueError("lex_order: every key must have the same length")
        if not n:
            return np.lexsort(keys)
        if key.dtype.kind == "f":
            key = _float_ranks(key)
        elif key.dtype.kind == "b":
            key = key.astype(np.int64)
        elif key.dtype.kind not in "iu":
            return np.lexsort(keys)
        low, high = int(key.min()), int(key.max())
        width = (high - low).bit_length()
        if bits + width > 62:
            return np.lexsort(keys)
        packed |= (key - key.dtype.type(low)).astype(np.int64) << np.int64(bits)
        bits += width
    return np.argsort(packed, kind="stable")


def _float_ranks(values: np.ndarray) -> np.ndarray:
    """The rank of each value among the distinct values (equal values share one; NaN after all)."""
    nan = np.isnan(values)
    if not nan.any():
        return np.unique(values, return_inverse=True)[1].reshape(-1).astype(np.int64)
    ranks = np.empty(len(values), dtype=np.int64)
    uniques, inverse = np.unique(values[~nan], return_inverse=True)
    ranks[~nan] = inverse.reshape(-1)
    ranks[nan] = len(uniques)
    return ranks


def as_written(corpus: pd.DataFrame | TokenIndex, terms: Iterable[str]) -> list[str]:
    """Write lower-cased terms as the articles write them, for tables and charts.

    Each word of a term takes the spelling it has most often in the corpus
    (ties: the spelling met first), so ``chine`` is shown ``Chine`` and
    ``ocs`` ``OCS``, while ``coopération`` stays in lower case; an elision
    joined to its word (``l'organisation``, as in repeated segments) is
    written part by part. A word the corpus never writes (a lemma such as
    ``déclarer``) is left as it is.

    Parameters
    ----------
    corpus
        The corpus the terms were counted in, or its token index (which keeps
        the spellings once computed).
    terms
        Terms as :func:`term_frequencies` returns them (words joined by one space).
    """
    if isinstance(terms, str):
        raise ValueError("terms must be an iterable of terms, not a single string")
    best = ensure_index(corpus).spellings()

    def written(word: str) -> str:
        if word in best or "'" not in word[:-1]:
            return best.get(word, word)
        clitic, rest = word.split("'", 1)  # a segment joins an elision to its word: "l'organisation"
        return best.get(clitic + "'", clitic + "'") + written(rest)

    return [" ".join(written(word) for word in term.split(" ")) for term in terms]


def group_keys(corpus: pd.DataFrame, by: str | Sequence[str] | None) -> pd.DataFrame | None:
    if by is None:
        return None
    names = [by] if isinstance(by, str) else list(by) if isinstance(by, (list, tuple)) else None
    if not names or not all(isinstance(n, str) for n in names) or len(set(names)) != len(names):
        raise ValueError(f"by must be None, a column name or a list of distinct column names (got {by!r})")
    columns = {}
    for name in names:
        if name in corpus.columns and name != "text":
            columns[name] = corpus[name]
        elif name == YEAR and "date" in corpus.columns:
            columns[name] = pd.to_datetime(corpus["date"]).dt.year.astype("Int64")
        else:
            allowed = [c for c in corpus.columns if c != "text"]
            if "date" in corpus.columns and YEAR not in allowed:
                allowed.append(YEAR)
            raise ValueError(f"by: unknown column {name!r} (by must be one of {sorted(allowed)})")
    return pd.DataFrame(columns).reset_index(drop=True)


def group_indicator(keys: pd.DataFrame | None, n_docs: int) -> tuple[pd.DataFrame | None, sp.csr_matrix]:
    """Groups (sorted, one row each) and the groups × documents 0/1 matrix.

    ``keys=None`` gives one group holding every document.
    """
    if keys is None:
        return None, sp.csr_matrix(np.ones((1, n_docs), dtype=np.int64))
    codes, uniques = _factorize(keys)
    indicator = sp.csr_matrix(
        (np.ones(n_docs, dtype=np.int64), (codes, np.arange(n_docs))), shape=(len(uniques), n_docs)
    )
    return uniques, indicator


def _factorize(keys: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame]:
    uniques = keys.drop_duplicates().sort_values(list(keys.columns), kind="stable", na_position="last")
    uniques = uniques.reset_index(drop=True)
    lookup = {tuple(row): i for i, row in enumerate(uniques.itertuples(index=False, name=None))}
    codes = np.array([lookup[tuple(row)] for row in keys.itertuples(index=False, name=None)], dtype=np.int64)
    return codes, uniques


def _check_options(*, lemmatize: bool, stopwords: object, ngram_range: object) -> None:
    if not isinstance(lemmatize, bool):
        raise ValueError(f"lemmatize must be True or False (got {lemmatize!r})")
    if isinstance(stopwords, str):
        raise ValueError("stopwords must be True, False or an iterable of words, not a single string")
    if (
        not isinstance(ngram_range, tuple)
        or len(ngram_range) != 2
        or not all(isinstance(n, (int, np.integer)) and not isinstance(n, bool) for n in ngram_range)
        or not 1 <= ngram_range[0] <= ngram_range[1]
    ):
        raise ValueError(
            f"ngram_range must be a tuple (min_n, max_n) with 1 <= min_n <= max_n (got {ngram_range!r})"
        )


def group_values(corpus: pd.DataFrame, by: str) -> pd.Series:
    """The grouping column ``by`` of a corpus (:func:`group_keys` for one column), in corpus order."""
    if not isinstance(by, str):
        raise ValueError(f"by must be a column name (got {by!r})")
    return group_keys(corpus, by)[by]


def grouped_counts(
    corpus: pd.DataFrame | TokenIndex,
    *,
    by: str,
    per: float,
    keys: list[str],
    key_column: str,
    count: Callable[[str], Iterable[str]],
) -> pd.DataFrame:
    """Counts of ``keys`` per group, with ``n_tokens`` and ``rate = count / n_tokens × per``.

    ``count(text)`` (called once per text, in corpus order) yields one key
    per occurrence; every group × key pair is
    a row (zeros included). Sorted by group, rate (descending), key.
    ``n_tokens`` are read from the token index (every token).
    """
    if isinstance(per, bool) or not isinstance(per, (int, float)) or not per > 0:
        raise ValueError(f"per must be a positive number of tokens (got {per!r})")
    index = ensure_index(corpus)
    groups = group_values(index.corpus, by)
    counts: dict[tuple[Any, str], int] = {}
    tokens: dict[Any, int] = {}
    sizes = index.doc_sizes.tolist()
    for group, text, size in zip(groups, index.corpus["text"], sizes, strict=True):
        group = None if pd.isna(group) else group
        tokens[group] = tokens.get(group, 0) + size
        for key in count(text):
            counts[group, key] = counts.get((group, key), 0) + 1
    rows = [
        {by: group, key_column: key, "count": counts.get((group, key), 0), "n_tokens": n_tokens}
        for group, n_tokens in tokens.items()
        for key in keys
    ]
    frame = pd.DataFrame(rows, columns=[by, key_column, "count", "n_tokens"])
    frame = frame.astype({"count": "int64", "n_tokens": "int64"})
    frame["rate"] = (frame["count"] / frame["n_tokens"].where(frame["n_tokens"] > 0) * per).fillna(0.0)
    if by == "year":
        frame[by] = frame[by].astype("Int64")
    frame = frame.sort_values(
        [by, "rate", key_column], ascending=[True, False, True], kind="stable", na_position="last"
    )
    return frame.reset_index(drop=True)


def text_profile(
    corpus: pd.DataFrame | TokenIndex, *, stopwords: bool | Iterable[str] = False
) -> pd.DataFrame:
    """Size and vocabulary of each article, and of the whole corpus.

    Parameters
    ----------
    corpus
        A corpus frame (:func:`analysis.load_corpus`): ``doc_id`` and ``text``;
        or its token index.
    stopwords
        Drop stop words before counting (default: count every token); ``True``
        drops :func:`analysis.stopword_list`, an iterable drops those words.

    Returns
    -------
    pandas.DataFrame
        One row per article in corpus order, then a row ``doc_id="(corpus)"``
        for all articles together (an article with that ``doc_id`` is
        refused with a ValueError; :func:`analysis.load_corpus` refuses it
        too), with columns:

        ``n_sentences``
            sentences (:func:`analysis.sentences`);
        ``n_tokens``
            tokens N (:func:`analysis.tokenize`, lower-cased);
        ``n_types``
            distinct forms V;
        ``n_lemmas``
            distinct lemmas;
        ``n_hapax``
            forms occurring once, V1;
        ``ttr``
            type/token ratio V / N (Templin 1957). It falls as texts grow, so
            compare it only between texts of similar length;
        ``guiraud``
            Guiraud's R = V / √N (Guiraud 1954), less dependent on length;
        ``hapax_ratio``
            V1 / V, the share of the vocabulary used once.
    """
    index = ensure_index(corpus)
    if CORPUS_ROW in set(index.doc_ids):
        raise ValueError(
            f"corpus: doc_id {CORPUS_ROW!r} is reserved for the whole-corpus row; rename that article"
        )
    stop = stop_set(stopwords)
    lower, doc = index.lower_ids, index.token_doc
    if stop:
        kept = np.fromiter((w in stop for w in index.lower_vocab.tolist()), dtype=bool,
                           count=len(index.lower_vocab))
        keep = ~kept[lower]
        lower, doc = lower[keep], doc[keep]
    n_docs, n_forms = index.n_docs, max(len(index.lower_vocab), 1)
    lemma_of, _ = index.lemmas()
    # (document, form) pairs and their counts
    pairs, pair_counts = np.unique(doc.astype(np.int64) * n_forms + lower, return_counts=True)
    pair_doc, pair_form = pairs // n_forms, pairs % n_forms
    n_tokens = np.bincount(doc, minlength=n_docs)
    n_types = np.bincount(pair_doc, minlength=n_docs)
    n_hapax = np.bincount(pair_doc[pair_counts == 1], minlength=n_docs)
    n_lemma_types = max(int(lemma_of.max()) + 1 if len(lemma_of) else 1, 1)
    lemma_pairs = sorted_unique(pair_doc * n_lemma_types + lemma_of[pair_form])
    n_lemmas = np.bincount(lemma_pairs // n_lemma_types, minlength=n_docs)
    n_sentences = index.sentence_counts()
    rows = [
        _profile_row(doc_id, *values)
        for doc_id, *values in zip(index.doc_ids, n_sentences.tolist(), n_tokens.tolist(), n_types.tolist(),
                                   n_lemmas.tolist(), n_hapax.tolist(), strict=True)
    ]
    totals = np.bincount(lower, minlength=len(index.lower_vocab))
    present = np.flatnonzero(totals)
    rows.append(_profile_row(CORPUS_ROW, int(n_sentences.sum()), int(totals.sum()), len(present),
                             len(sorted_unique(lemma_of[present])), int((totals == 1).sum())))
    return pd.DataFrame(rows)


def _profile_row(doc_id: str, n_sentences: int, n_tokens: int, n_types: int, n_lemmas: int,
                 n_hapax: int) -> dict:
    return {
        "doc_id": doc_id,
        "n_sentences": n_sentences,
        "n_tokens": n_tokens,
        "n_types": n_types,
        "n_lemmas": n_lemmas,
        "n_hapax": n_hapax,
        "ttr": n_types / n_tokens if n_tokens else float("nan"),
        "guiraud": n_types / math.sqrt(n_tokens) if n_tokens else float("nan"),
        "hapax_ratio": n_hapax / n_types if n_types else float("nan"),
    }


# --- vocabulary shared between groups (issues 7 and 9: tables the notebooks show) ---

#: Cells of the pairs product computed at once by :func:`vocabulary_overlap` (rows of groups per block).
OVERLAP_BLOCK_CELLS = 2_000_000


def vocabulary_overlap(
    frequencies: pd.DataFrame, *, by: str = "doc_id", top: int | None = None
) -> pd.DataFrame:
    """How many terms each pair of groups (articles, sources ...) shares: counts and Jaccard index.

    The Jaccard index of two vocabularies A and B is ``|A ∩ B| / |A ∪ B|``
    (Jaccard 1912, "The distribution of the flora in the alpine zone", *New
    Phytologist* 11, p. 37-50): 0 when they share nothing, 1 when they are
    the same. It depends on the vocabularies only, not on how often each term
    is used.

    Parameters
    ----------
    frequencies
        Rows of :func:`term_frequencies` with ``by=by`` (a group's vocabulary
        is its terms, so hidden stop words or a ``min_count`` apply here too).
    by
        The grouping column of ``frequencies``.
    top
        Keep only the ``top`` most similar pairs. The sparse product is
        computed block by block, so memory grows with ``top``, not with the
        square of the number of groups (all pairs are n(n − 1)/2 rows).

    Returns
    -------
    pandas.DataFrame
        Columns ``<by>_a``, ``<by>_b`` (``a`` sorts before ``b``), ``only_a``,
        ``only_b``, ``shared``, ``union`` (numbers of terms) and ``jaccard``,
        one row per pair, sorted by ``jaccard`` (descending) then ``a``,
        ``b``. Empty with fewer than two groups.
    """
    if not isinstance(frequencies, pd.DataFrame) or not {by, "term"} <= set(frequencies.columns):
        raise ValueError(f"frequencies must be a frame with {by!r} and 'term' columns (see term_frequencies)")
    if top is not None and (not isinstance(top, (int, np.integer)) or isinstance(top, bool) or top < 1):
        raise ValueError(f"top must be None or a positive integer (got {top!r})")
    columns = [f"{by}_a", f"{by}_b", "only_a", "only_b", "shared", "union", "jaccard"]
    pairs = frequencies[[by, "term"]].drop_duplicates()
    group_codes, groups = pd.factorize(pairs[by].astype(str), sort=True)
    term_codes, _ = pd.factorize(pairs["term"])
    n = len(groups)
    if n < 2:
        return pd.DataFrame({c: pd.Series(dtype=object if c.endswith(("_a", "_b")) else np.int64)
                             for c in columns}).astype({"jaccard": float})
    matrix = sp.csr_matrix((np.ones(len(pairs), dtype=np.int64), (group_codes, term_codes)),
                           shape=(n, int(term_codes.max()) + 1))
    sizes = np.diff(matrix.indptr)
    block = max(1, OVERLAP_BLOCK_CELLS // n)
    parts = []
    for lo in range(0, n, block):
        hi = min(n, lo + block)
        product = matrix[lo:hi] @ matrix.T
        if top is None:  # every pair, those sharing nothing included
            a, b = np.nonzero(np.arange(n)[None, :] > np.arange(lo, hi)[:, None])
            s = product.toarray()[a, b]
            a = a + lo
        else:
            product = product.tocoo()
            a, b, s = product.row + lo, product.col, product.data
            keep = a < b
            a, b, s = a[keep], b[keep], s[keep]
        jaccard = s / (sizes[a] + sizes[b] - s)
        if top is not None and len(s) > top:
            best = np.lexsort((b, a, -jaccard))[:top]
            a, b, s, jaccard = a[best], b[best], s[best], jaccard[best]
        parts.append((a, b, s, jaccard))
    a, b, s, jaccard = (np.concatenate(p) for p in zip(*parts, strict=True))
    order = np.lexsort((b, a, -jaccard))[:top]
    a, b, s, jaccard = a[order], b[order], s[order], jaccard[order]
    if top is not None and len(a) < top:  # fewer pairs share a term than asked: add pairs sharing none
        from itertools import islice

        seen = set(zip(a.tolist(), b.tolist(), strict=True))
        extra = list(islice(((i, j) for i in range(n) for j in range(i + 1, n) if (i, j) not in seen),
                            top - len(a)))
        if extra:
            a = np.concatenate([a, [i for i, _ in extra]]).astype(np.int64)
            b = np.concatenate([b, [j for _, j in extra]]).astype(np.int64)
            s = np.concatenate([s, np.zeros(len(extra), dtype=np.int64)])
            jaccard = np.concatenate([jaccard, np.zeros(len(extra))])
    return pd.DataFrame({
        columns[0]: np.asarray(groups, dtype=object)[a], columns[1]: np.asarray(groups, dtype=object)[b],
        "only_a": sizes[a] - s, "only_b": sizes[b] - s, "shared": s.astype(np.int64),
        "union": sizes[a] + sizes[b] - s, "jaccard": jaccard.astype(float),
    })
