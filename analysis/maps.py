"""Step 5 of the pipeline: correspondence analysis of parts × terms (the AFC of TXM and IRaMuTeQ).

The table
    A contingency table ``N`` of counts, rows = *parts* (articles, or groups
    of articles sharing a value of ``by``), columns = *terms* (the most
    frequent lemmas or forms, chosen terms, or formula families). From a
    corpus it is built by :func:`analysis.term_matrix` (stop words hidden by
    default, sizes untouched); any DataFrame of non-negative counts can be
    given instead. Rows or columns whose total is 0 cannot be placed on a map
    and are left out (``attrs["dropped_rows"]`` / ``["dropped_columns"]``).

The computation (Greenacre 2007, *Correspondence Analysis in Practice*, 2nd
ed., Chapman & Hall, Appendix A; Lebart, Morineau & Piron 1995)
    ``P = N / n``, row masses ``r = P 1``, column masses ``c = Pᵀ 1``,
    standardised residuals ``S = D_r^{-1/2} (P − r cᵀ) D_c^{-1/2}`` and their
    singular value decomposition ``S = U Σ Vᵀ`` (:func:`scipy.linalg.svd`, or
    :func:`scipy.sparse.linalg.svds` on a sparse operator for a large table,
    which never builds the dense residuals). Then

    ========================  =================================================
    principal inertias        ``λ_k = σ_k²`` (eigenvalues); total inertia
                              ``Σ_k λ_k = Σ s_ij² = χ² / n``
    row principal coords      ``F = D_r^{-1/2} U Σ``
    column principal coords   ``G = D_c^{-1/2} V Σ``
    contribution (``ctr``)    of row i to axis k: ``r_i f_ik² / λ_k`` (the
                              column alike), so each axis' contributions sum
                              to 1
    squared cosine (``cos2``) ``f_ik² / d_i²``, with ``d_i²`` the χ² distance
                              of the row profile to the mean profile: the
                              share of the row's inertia the axis shows
    supplementary rows        profile ``h / h₊`` placed by the transition
                              formula ``f_k = Σ_j (h_j / h₊) γ_jk`` (``γ``:
                              column standard coordinates ``D_c^{-1/2} V``);
                              supplementary columns alike
    ========================  =================================================

    Signs of axes are arbitrary in CA; here each axis is oriented so that
    the entry of largest absolute value of ``V``'s column is positive
    (the same table always gives the same map).

Maps
    :func:`analysis.ca_map` draws the symmetric map (rows and columns both in
    principal coordinates), as TXM and IRaMuTeQ do; distances between a row
    and a column are not interpretable on it, only directions from the
    origin and distances within rows or within columns.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy import linalg
from scipy.sparse.linalg import LinearOperator, svds

from .counts import group_values, term_matrix
from .errors import check_integer
from .formulas import corpus_matches
from .index import TokenIndex, ensure_index
from .lexicon import resolve_lexicon

#: Tables with more cells than this go through the sparse truncated SVD (a full dense SVD of
#: 700 documents × 2,000 terms already takes tens of seconds on a busy 2-core machine).
DENSE_MAX_CELLS = 100_000
ELEMENT_COLUMNS = ["axis", "coordinate", "contribution", "cos2", "mass", "inertia", "supplementary"]


@dataclass(frozen=True)
class CorrespondenceAnalysis:
    """Result of :func:`correspondence_analysis`.

    Attributes
    ----------
    eigenvalues
        ``axis`` (1, 2 ...), ``eigenvalue`` (principal inertia λ), ``share``
        (λ / total inertia), ``cumulative_share``. Every axis of the table
        for a small table; the ``n_components`` computed for a large one
        (shares are still of the total inertia).
    rows, columns
        Tidy: one row per element and axis, ``<name>`` (the part, or
        ``term``), ``axis``, ``coordinate`` (principal), ``contribution``
        (share of the axis' inertia, NaN for supplementary elements),
        ``cos2``, ``mass``, ``inertia`` (the element's own inertia),
        ``supplementary``; sorted by supplementary (active first), axis,
        contribution (highest first), then name.
    total_inertia
        ``Σ λ`` = χ² / n of the active table.
    n
        The grand total of the active table.
    """

    eigenvalues: pd.DataFrame
    rows: pd.DataFrame
    columns: pd.DataFrame
    total_inertia: float
    n: float

    def coordinates(self, which: str = "rows", *, axes: Sequence[int] = (1, 2)) -> pd.DataFrame:
        """Wide coordinates of ``"rows"`` or ``"columns"``: one row per element, one column per axis."""
        if which not in ("rows", "columns"):
            raise ValueError(f"which must be 'rows' or 'columns' (got {which!r})")
        frame = self.rows if which == "rows" else self.columns
        name = frame.columns[0]
        wide = frame.pivot(index=name, columns="axis", values="coordinate")
        missing = [a for a in axes if a not in wide.columns]
        if missing:
            raise ValueError(f"axes: the analysis has no axis {missing} (it has {sorted(wide.columns)})")
        return wide[list(axes)]


def correspondence_analysis(
    data: pd.DataFrame | TokenIndex,
    *,
    by: str = "doc_id",
    terms: int | Sequence[str] | str = 2000,
    n_components: int = 5,
    lemmatize: bool = True,
    stopwords: bool | Iterable[str] = True,
    supplementary_rows: str | Sequence[str] | pd.DataFrame | None = None,
    supplementary_columns: Sequence[str] | str | pd.DataFrame | None = None,
    lexicon: Mapping[str, dict] | str | Path | None = None,
) -> CorrespondenceAnalysis:
    """Correspondence analysis of a corpus (parts × terms) or of a contingency table.

    Formulas, references and the orientation of axes: module docstring.

    Parameters
    ----------
    data
        A corpus frame (``doc_id`` and ``text``) or its token index
        (:func:`analysis.build_index`, read without tokenizing again), or a
        contingency table: a DataFrame of non-negative counts, index =
        parts, columns = terms.
    by
        For a corpus, the column defining the parts (``"doc_id"``: each
        article; ``"source"``; ``"year"`` from ``date``).
    terms
        For a corpus: an integer (the most frequent terms, ties broken by
        term), a list of terms, or ``"families"`` (the formula families of
        the lexicon, counted by :func:`analysis.find_formulas`).
    n_components
        Axes whose coordinates are computed (at most the table's rank,
        ``min(rows, columns) − 1``, to which it is cut).
    lemmatize, stopwords
        How terms are counted (as in :func:`analysis.term_frequencies`).
    supplementary_rows
        Rows placed on the map without building it. For a corpus: a column
        name (the groups of that column, e.g. ``"source"`` onto a map of
        articles) or a list of ``doc_id`` (those articles are taken out of
        the active table and projected). For a table: a DataFrame of counts
        with the same columns.
    supplementary_columns
        For a corpus: a list of terms (counted but not active) or
        ``"families"`` (formula families projected onto a map of words). For
        a table: a DataFrame of counts with the same index.
    lexicon
        For ``"families"`` (as in :func:`analysis.find_formulas`).

    Returns
    -------
    CorrespondenceAnalysis
        Eigenvalues, row and column tables (see the class).

    Raises
    ------
    ValueError
        On a bad argument, or a table with fewer than 2 rows or 2 columns
        with counts (no axis).
    """
    check_integer("n_components", n_components, minimum=1)
    is_corpus = isinstance(data, pd.DataFrame) and {"doc_id", "text"} <= set(data.columns)
    if isinstance(data, TokenIndex) or is_corpus:
        table, sup_rows, sup_cols, row_name = _corpus_tables(
            ensure_index(data), by=by, terms=terms, lemmatize=lemmatize, stopwords=stopwords,
            supplementary_rows=supplementary_rows, supplementary_columns=supplementary_columns,
            lexicon=lexicon)
    elif isinstance(data, pd.DataFrame):
        table = _count_table(data, "data")
        sup_rows = _sup_table(supplementary_rows, "supplementary_rows", columns=table.columns)
        sup_cols = _sup_table(supplementary_columns, "supplementary_columns", index=table.index)
        row_name = str(data.index.name or "row")
    else:
        raise ValueError(f"data must be a corpus frame (doc_id, text) or a DataFrame of counts "
                         f"(got {type(data).__name__})")
    counts = table.counts
    row_totals = np.asarray(counts.sum(axis=1)).ravel()
    col_totals = np.asarray(counts.sum(axis=0)).ravel()
    keep_r, keep_c = row_totals > 0, col_totals > 0
    dropped_rows = [str(x) for x in table.index[~keep_r]]
    dropped_cols = [str(x) for x in table.columns[~keep_c]]
    counts = counts[keep_r][:, keep_c]
    index, columns = table.index[keep_r], table.columns[keep_c]
    if counts.shape[0] < 2 or counts.shape[1] < 2:
        raise ValueError(f"data: correspondence analysis needs at least 2 rows and 2 columns with counts "
                         f"(got {counts.shape[0]} × {counts.shape[1]})")
    if sup_cols is not None:
        sup_cols = _Table(sup_cols.counts[keep_r], sup_cols.index[keep_r], sup_cols.columns)
    if sup_rows is not None:
        sup_rows = _Table(sup_rows.counts[:, keep_c], sup_rows.index, sup_rows.columns[keep_c])

    result = _ca(counts, n_components)
    lam, n_total, total = result["eigenvalues"], result["n"], result["total"]
    k = result["F"].shape[1]
    eig = pd.DataFrame({"axis": np.arange(1, len(lam) + 1, dtype=np.int64), "eigenvalue": lam,
                        "share": lam / total, "cumulative_share": np.cumsum(lam) / total})
    rows = _elements(row_name, index, result["F"], result["r"], result["d2_rows"], lam[:k])
    cols = _elements("term", columns, result["G"], result["c"], result["d2_cols"], lam[:k])
    if sup_rows is not None and sup_rows.counts.shape[0]:
        rows = pd.concat([rows, _supplementary(row_name, sup_rows, result["gamma"], result["c"])],
                         ignore_index=True)
    if sup_cols is not None and sup_cols.counts.shape[1]:
        cols = pd.concat([cols, _supplementary("term", _transpose(sup_cols), result["phi"], result["r"])],
                         ignore_index=True)
    analysis = CorrespondenceAnalysis(eig, _sorted(rows), _sorted(cols), float(total), float(n_total))
    analysis.rows.attrs["dropped_rows"] = dropped_rows
    analysis.columns.attrs["dropped_columns"] = dropped_cols
    return analysis


# --------------------------------------------------------------------------- computation


def _ca(counts: sp.spmatrix | np.ndarray, n_components: int) -> dict:
    """CA of an active table (every row and column total > 0)."""
    counts = sp.csr_matrix(counts, dtype=float)
    n = counts.sum()
    P = counts / n
    r = np.asarray(P.sum(axis=1)).ravel()
    c = np.asarray(P.sum(axis=0)).ravel()
    n_rows, n_cols = P.shape
    rank = min(n_rows, n_cols) - 1
    k = min(n_components, rank)
    # Total inertia Σ s_ij² = Σ p_ij² / (r_i c_j) − 1, over the non-zero cells only.
    coo = P.tocoo()
    total = float(np.sum(coo.data**2 / (r[coo.row] * c[coo.col])) - 1.0)
    sr, sc = np.sqrt(r), np.sqrt(c)
    if n_rows * n_cols <= DENSE_MAX_CELLS or k >= rank:
        S = (P.toarray() - np.outer(r, c)) / np.outer(sr, sc)
        U, sigma, Vt = linalg.svd(S, full_matrices=False, lapack_driver="gesdd")
        lam = sigma[:rank] ** 2
        U, sigma, V = U[:, :k], sigma[:k], Vt[:k].T
    else:
        scaled = sp.diags(1 / sr) @ P @ sp.diags(1 / sc)

        def matvec(x):
            x = np.asarray(x).ravel()
            return scaled @ x - sr * (sc @ x)

        def rmatvec(y):
            y = np.asarray(y).ravel()
            return scaled.T @ y - sc * (sr @ y)

        operator = LinearOperator((n_rows, n_cols), matvec=matvec, rmatvec=rmatvec, dtype=float)
        v0 = np.full(min(n_rows, n_cols), 1.0 / np.sqrt(min(n_rows, n_cols)))
        U, sigma, Vt = svds(operator, k=k, v0=v0, random_state=0)
        order = np.argsort(-sigma, kind="stable")
        U, sigma, V = U[:, order], sigma[order], Vt[order].T
        lam = sigma**2
    # Orientation: the largest |v| of each axis is positive.
    flip = np.sign(V[np.argmax(np.abs(V), axis=0), np.arange(V.shape[1])])
    flip[flip == 0] = 1
    U, V = U * flip, V * flip
    phi, gamma = U / sr[:, None], V / sc[:, None]  # standard coordinates
    F, G = phi * sigma, gamma * sigma
    # χ² distances of the profiles to the centroid, d_i² = Σ_j s_ij² / r_i.
    sq = P.multiply(P).tocsr()
    d2_rows = np.asarray((sq @ sp.diags(1 / c)).sum(axis=1)).ravel() / r**2 - 1.0
    d2_cols = np.asarray((sp.diags(1 / r) @ sq).sum(axis=0)).ravel() / c**2 - 1.0
    return {"eigenvalues": lam, "n": n, "total": total, "r": r, "c": c, "F": F, "G": G, "phi": phi,
            "gamma": gamma, "d2_rows": np.maximum(d2_rows, 0.0), "d2_cols": np.maximum(d2_cols, 0.0)}


def _elements(name: str, labels, coords: np.ndarray, mass: np.ndarray, d2: np.ndarray,
              lam: np.ndarray) -> pd.DataFrame:
    n_el, k = coords.shape
    with np.errstate(divide="ignore", invalid="ignore"):
        ctr = mass[:, None] * coords**2 / lam[None, :]
        cos2 = np.where(d2[:, None] > 0, coords**2 / d2[:, None], 0.0)
    return pd.DataFrame({
        name: pd.Series(np.repeat(np.asarray(labels, dtype=object), k), dtype=object),
        "axis": np.tile(np.arange(1, k + 1, dtype=np.int64), n_el),
        "coordinate": coords.ravel(),
        "contribution": ctr.ravel(),
        "cos2": cos2.ravel(),
        "mass": np.repeat(mass, k),
        "inertia": np.repeat(mass * d2, k),
        "supplementary": False,
    })


def _supplementary(name: str, table: _Table, standard: np.ndarray, masses: np.ndarray) -> pd.DataFrame:
    """Rows of ``table`` projected by the transition formula onto the other side's standard coordinates."""
    counts = sp.csr_matrix(table.counts, dtype=float)
    totals = np.asarray(counts.sum(axis=1)).ravel()
    ok = totals > 0
    counts, totals, labels = counts[ok], totals[ok], np.asarray(table.index, dtype=object)[ok]
    profiles = sp.diags(1 / totals) @ counts
    coords = np.asarray(profiles @ standard)
    d2 = np.asarray(profiles.multiply(profiles) @ (1 / masses)).ravel() - 1.0
    frame = _elements(name, labels, coords, np.full(len(labels), np.nan), np.maximum(d2, 0.0),
                      np.ones(coords.shape[1]))
    frame["contribution"] = np.nan
    frame["inertia"] = np.nan
    frame["supplementary"] = True
    return frame


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    name = frame.columns[0]
    frame = frame.assign(_key=frame["contribution"].fillna(-1.0))
    frame = frame.sort_values(["supplementary", "axis", "_key", name], ascending=[True, True, False, True],
                              kind="stable")
    return frame.drop(columns="_key").reset_index(drop=True)


# --------------------------------------------------------------------------- building tables


@dataclass(frozen=True)
class _Table:
    counts: sp.csr_matrix
    index: pd.Index
    columns: pd.Index


def _transpose(table: _Table) -> _Table:
    return _Table(sp.csr_matrix(table.counts.T), table.columns, table.index)


def _count_table(frame: pd.DataFrame, name: str) -> _Table:
    try:
        values = frame.to_numpy(dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must hold numbers only (counts)") from None
    if not np.isfinite(values).all() or (values < 0).any():
        raise ValueError(f"{name} must hold finite, non-negative counts")
    return _Table(sp.csr_matrix(values), pd.Index(frame.index.astype(str)),
                  pd.Index(frame.columns.astype(str)))


def _sup_table(frame, name: str, *, columns: pd.Index | None = None, index: pd.Index | None = None):
    if frame is None:
        return None
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"{name} must be a DataFrame of counts when data is a table "
                         f"(got {type(frame).__name__})")
    if columns is not None:
        frame = frame.copy()
        frame.columns = frame.columns.astype(str)
        if set(frame.columns) != set(columns):
            raise ValueError(f"{name} must have the same columns as data ({list(columns)[:5]} ...)")
        frame = frame[list(columns)]
    else:
        frame = frame.copy()
        frame.index = frame.index.astype(str)
        if set(frame.index) != set(index):
            raise ValueError(f"{name} must have the same index as data ({list(index)[:5]} ...)")
        frame = frame.loc[list(index)]
    return _count_table(frame, name)


def _corpus_tables(index, *, by, terms, lemmatize, stopwords, supplementary_rows, supplementary_columns,
                   lexicon):
    corpus = index.corpus
    texts = corpus["text"].tolist()
    is_sup_doc = np.zeros(len(corpus), dtype=bool)
    sup_group = None
    if isinstance(supplementary_rows, str):
        sup_group = group_values(corpus, supplementary_rows)
    elif supplementary_rows is not None:
        if isinstance(supplementary_rows, pd.DataFrame) or not isinstance(supplementary_rows, Iterable):
            raise ValueError("supplementary_rows must be a column name or a list of doc_id for a corpus")
        wanted = {str(x) for x in supplementary_rows}
        unknown = sorted(wanted - set(corpus["doc_id"]))
        if unknown:
            raise ValueError(f"supplementary_rows: unknown doc_id(s) {unknown[:5]}")
        is_sup_doc = corpus["doc_id"].isin(wanted).to_numpy()
    groups = group_values(corpus, by).astype(object).where(lambda s: s.notna(), "(none)").astype(str)

    if isinstance(terms, str):
        if terms != "families":
            raise ValueError(f"terms must be an integer, a list of terms or 'families' (got {terms!r})")
        counts, vocabulary = _family_counts(texts, lexicon)
        chosen = np.arange(len(vocabulary))
    else:
        matrix = term_matrix(index, lemmatize=lemmatize, stopwords=stopwords)
        counts, vocabulary = matrix.counts.tocsc(), np.asarray(matrix.terms, dtype=object)
        totals = np.asarray(counts[~is_sup_doc].sum(axis=0)).ravel()
        if isinstance(terms, (int, np.integer)) and not isinstance(terms, bool):
            if terms < 2:
                raise ValueError(f"terms must be at least 2 (got {terms})")
            order = np.lexsort((vocabulary, -totals))
            chosen = order[totals[order] > 0][:terms]
        elif isinstance(terms, Iterable):
            position = {t: i for i, t in enumerate(vocabulary)}
            wanted = [str(t) for t in terms]
            chosen = np.array([position[t] for t in wanted if t in position], dtype=np.int64)
            if len(chosen) < 2:
                raise ValueError(f"terms: fewer than 2 of the given terms occur in the corpus "
                                 f"({wanted[:5]} ...)")
        else:
            raise ValueError(f"terms must be an integer, a list of terms or 'families' (got {terms!r})")
    active = counts[:, chosen]
    sup_cols = None
    if supplementary_columns is not None:
        if isinstance(supplementary_columns, str) and supplementary_columns == "families":
            extra, extra_terms = _family_counts(texts, lexicon)
        elif isinstance(supplementary_columns, Iterable) and not isinstance(supplementary_columns,
                                                                             (str, pd.DataFrame)):
            if isinstance(terms, str):
                raise ValueError("supplementary_columns: a list of terms needs word terms, not 'families'")
            position = {t: i for i, t in enumerate(vocabulary)}
            extra_terms = [str(t) for t in supplementary_columns if str(t) in position]
            clash = sorted(set(extra_terms) & set(vocabulary[chosen]))
            if clash:
                raise ValueError(f"supplementary_columns: {clash[:5]} are already active terms")
            extra = counts[:, [position[t] for t in extra_terms]]
            extra_terms = np.asarray(extra_terms, dtype=object)
        else:
            raise ValueError("supplementary_columns must be a list of terms or 'families' for a corpus")
        sup_cols = (extra, extra_terms)

    def grouped(matrix, mask, keys):
        codes, uniques = pd.factorize(keys[mask], sort=True)
        indicator = sp.csr_matrix((np.ones(len(codes)), (codes, np.arange(len(codes)))),
                                  shape=(len(uniques), len(codes)))
        return sp.csr_matrix(indicator @ sp.csr_matrix(matrix)[np.flatnonzero(mask)]), pd.Index(uniques)

    keys = groups.to_numpy()
    active_rows, index = grouped(active, ~is_sup_doc, keys)
    column_labels = pd.Index(np.asarray(vocabulary, dtype=object)[chosen])
    table = _Table(active_rows, index, column_labels)
    sup_row_table = None
    if is_sup_doc.any():
        sup, sup_index = grouped(active, is_sup_doc, keys)
        sup_row_table = _Table(sup, sup_index, column_labels)
    elif sup_group is not None:
        sup_keys = sup_group.astype(object).where(lambda s: s.notna(), "(none)").astype(str).to_numpy()
        sup, sup_index = grouped(active, np.ones(len(corpus), dtype=bool), sup_keys)
        sup_row_table = _Table(sup, sup_index, column_labels)
    sup_col_table = None
    if sup_cols is not None:
        extra_rows, _ = grouped(sup_cols[0], ~is_sup_doc, keys)
        sup_col_table = _Table(extra_rows, index, pd.Index(sup_cols[1]))
    return table, sup_row_table, sup_col_table, by


def _family_counts(texts: list[str], lexicon) -> tuple[sp.csr_matrix, np.ndarray]:
    families = resolve_lexicon(lexicon)
    ids = list(families)
    position = {f: i for i, f in enumerate(ids)}
    rows, cols = [], []
    for doc, matches in enumerate(corpus_matches(texts, families)):
        for _, family, _, _ in matches:
            rows.append(doc)
            cols.append(position[family])
    counts = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(texts), len(ids)))
    return counts, np.asarray(ids, dtype=object)
