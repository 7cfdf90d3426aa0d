"""Step 3 of the pipeline: counting terms in documents and groups of documents.

Counting goes through scikit-learn's ``CountVectorizer`` with the project's
tokenizer (:func:`analysis.text.tokenizer`), once per corpus; group totals are
sums of rows of that sparse matrix, never a second tokenization.

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

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer

from .corpus import check_corpus
from .lexicon import load_actors
from .text import lemma, stop_set, tokenize, tokenizer

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
    texts: Iterable[str],
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
        The documents.
    lemmatize, stopwords, ngram_range, actors
        As in :func:`term_frequencies`.

    Returns
    -------
    TermMatrix
        Sparse documents × terms counts, the sorted terms and every document's
        token total (all tokens, stop words included).
    """
    texts = list(texts)
    _check_options(lemmatize=lemmatize, stopwords=stopwords, ngram_range=ngram_range)
    low, high = ngram_range
    vectorizer = CountVectorizer(
        tokenizer=tokenizer(), token_pattern=None, lowercase=False,
        ngram_range=(1, high), dtype=np.int64,
    )
    try:
        counts = vectorizer.fit_transform(texts).tocsc()
    except ValueError:  # no token at all (sklearn's "empty vocabulary")
        return TermMatrix(sp.csr_matrix((len(texts), 0), dtype=np.int64), np.array([], dtype=object),
                          np.zeros(len(texts), dtype=np.int64))
    terms = vectorizer.get_feature_names_out().astype(object)
    words = [term.split(" ") for term in terms]
    sizes = np.fromiter((len(w) for w in words), dtype=np.int64, count=len(words))
    tokens = np.asarray(counts[:, sizes == 1].sum(axis=1)).ravel().astype(np.int64)

    keep = sizes >= low
    stop = stop_set(stopwords)
    if stop:
        edges = {x for ws in words for x in (ws[0], ws[-1])}
        is_stop = {w: w in stop or (lemmatize and lemma(w).lower() in stop) for w in edges}
        keep &= np.fromiter((not (is_stop[ws[0]] or is_stop[ws[-1]]) for ws in words), dtype=bool,
                            count=len(words))
    counts, terms, words = counts[:, keep], terms[keep], [w for w, k in zip(words, keep, strict=True) if k]

    if lemmatize:
        counts, terms = _merge_columns(counts, [" ".join(lemma(w) for w in ws) for ws in words])
    table = _actor_table(actors)
    if table:
        counts, terms = _merge_columns(counts, [_actor_label(term, table) for term in terms])
    return TermMatrix(sp.csr_matrix(counts), np.asarray(terms, dtype=object), tokens)


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
    corpus: pd.DataFrame,
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
        A corpus frame (:func:`analysis.load_corpus`), with a ``text`` column.
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
    corpus = check_corpus(corpus)
    keys = group_keys(corpus, by)
    if not isinstance(min_count, (int, np.integer)) or isinstance(min_count, bool) or min_count < 1:
        raise ValueError(f"min_count must be an integer of at least 1 (got {min_count!r})")
    matrix = term_matrix(
        corpus["text"], lemmatize=lemmatize, stopwords=stopwords, ngram_range=ngram_range, actors=actors
    )
    groups, indicator = group_indicator(keys, len(corpus))
    counts = (indicator @ matrix.counts).tocoo()
    doc_freq = (indicator @ (matrix.counts > 0).astype(np.int64)).tocsr()
    tokens = indicator @ matrix.tokens

    rows, cols, values = counts.row, counts.col, counts.data
    mask = values >= min_count
    rows, cols, values = rows[mask], cols[mask], values[mask]
    if groups is None:
        frame = pd.DataFrame(index=range(len(rows)))
    else:
        frame = groups.iloc[rows].reset_index(drop=True)
    frame["term"] = matrix.terms[cols] if len(cols) else np.array([], dtype=object)
    frame["count"] = values.astype(np.int64)
    frame["rate"] = values / tokens[rows] * RATE_BASE if len(rows) else np.array([], dtype=float)
    frame["doc_freq"] = cells(doc_freq, rows, cols)
    group_cols = list(groups.columns) if groups is not None else []
    frame = frame.sort_values(
        [*group_cols, "count", "term"], ascending=[*([True] * len(group_cols)), False, True], kind="stable"
    )
    return frame.reset_index(drop=True)


def as_written(corpus: pd.DataFrame, terms: Iterable[str]) -> list[str]:
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
        The corpus the terms were counted in.
    terms
        Terms as :func:`term_frequencies` returns them (words joined by one space).
    """
    corpus = check_corpus(corpus)
    if isinstance(terms, str):
        raise ValueError("terms must be an iterable of terms, not a single string")
    spellings: dict[str, Counter] = {}
    for text in corpus["text"]:
        for token in tokenize(text, lowercase=False):
            spellings.setdefault(token.lower(), Counter())[token] += 1
    best = {low: counts.most_common(1)[0][0] for low, counts in spellings.items()}

    def written(word: str) -> str:
        if word in best or "'" not in word[:-1]:
            return best.get(word, word)
        clitic, rest = word.split("'", 1)  # a segment joins an elision to its word: "l'organisation"
        return best.get(clitic + "'", clitic + "'") + written(rest)

    return [" ".join(written(word) for word in term.split(" ")) for term in terms]


def cells(matrix: sp.csr_matrix, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """The int64 values of a sparse matrix at (rows, cols) (empty-safe)."""
    if len(rows) == 0:
        return np.array([], dtype=np.int64)
    return np.asarray(matrix[rows, cols]).ravel().astype(np.int64)


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
    corpus: pd.DataFrame,
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
    """
    if isinstance(per, bool) or not isinstance(per, (int, float)) or not per > 0:
        raise ValueError(f"per must be a positive number of tokens (got {per!r})")
    groups = group_values(corpus, by)
    counts: dict[tuple[Any, str], int] = {}
    tokens: dict[Any, int] = {}
    for group, text in zip(groups, corpus["text"], strict=True):
        group = None if pd.isna(group) else group
        tokens[group] = tokens.get(group, 0) + len(tokenize(text))
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
