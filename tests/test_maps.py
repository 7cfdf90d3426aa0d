"""Tests of analysis.maps (correspondence analysis) against Greenacre's published smoking example."""

import numpy as np
import pandas as pd
import pytest

import analysis.maps as maps
from analysis import correspondence_analysis

# Greenacre's smoking data: staff groups × smoking categories of a fictitious company
# (Greenacre 1984, *Theory and Applications of Correspondence Analysis*, Table 3.1; Greenacre 2007,
# *Correspondence Analysis in Practice*, 2nd ed., Exhibit 8.1; the `smoke` data set of the R package ca).
SMOKE = pd.DataFrame(
    [[4, 2, 3, 2], [4, 3, 7, 4], [25, 10, 12, 4], [18, 24, 33, 13], [10, 6, 7, 2]],
    index=pd.Index(["SM", "JM", "SE", "JE", "SC"], name="staff"),
    columns=["none", "light", "medium", "heavy"],
)
# Published output of summary(ca(smoke)) in Nenadić & Greenacre (2007), "Correspondence analysis in R,
# with two- and three-dimensional graphics: the ca package", *Journal of Statistical Software* 20(3),
# p. 5: principal inertias and, in thousandths, principal coordinates (k=1, k=2), squared correlations
# (cor) and contributions (ctr) on axis 1. (The third inertia is 0.000414, so that the total is
# 0.085190; a figure of 0.00009 sometimes quoted for it does not add up.)
PUBLISHED_INERTIAS = [0.074759, 0.010017, 0.000414]
PUBLISHED_TOTAL = 0.085190
PUBLISHED_ROWS = {  # name: (k=1, k=2, cor1, ctr1)
    "SM": (-66, -194, 92, 3), "JM": (259, -243, 526, 84), "SE": (-381, -11, 999, 512),
    "JE": (233, 58, 942, 331), "SC": (-201, 79, 865, 70),
}
PUBLISHED_COLUMNS = {
    "none": (-393, -30, 994, 654), "light": (99, 141, 327, 31), "medium": (196, 7, 982, 166),
    "heavy": (294, -198, 684, 150),
}


def wide(frame, name, value):
    return frame[~frame["supplementary"]].pivot(index=name, columns="axis", values=value)


def test_smoking_eigenvalues_match_the_published_values():
    result = correspondence_analysis(SMOKE, n_components=2)
    assert result.eigenvalues["eigenvalue"].round(6).tolist() == PUBLISHED_INERTIAS
    assert round(result.total_inertia, 6) == PUBLISHED_TOTAL
    # shares printed by the ca package: 87.8 %, 11.8 %, 0.5 %; cumulative 87.8, 99.5, 100
    assert (result.eigenvalues["share"] * 100).round(1).tolist() == [87.8, 11.8, 0.5]
    assert (result.eigenvalues["cumulative_share"] * 100).round(1).tolist() == [87.8, 99.5, 100.0]
    assert list(result.eigenvalues.columns) == ["axis", "eigenvalue", "share", "cumulative_share"]
    # total inertia is chi² / n
    chi2 = __import__("scipy.stats", fromlist=["chi2_contingency"]).chi2_contingency(SMOKE)[0]
    assert result.total_inertia == pytest.approx(chi2 / SMOKE.to_numpy().sum())


@pytest.mark.parametrize(("which", "published"), [("rows", PUBLISHED_ROWS), ("columns", PUBLISHED_COLUMNS)])
def test_smoking_coordinates_cosines_and_contributions(which, published):
    result = correspondence_analysis(SMOKE, n_components=2)
    frame = getattr(result, which)
    name = "staff" if which == "rows" else "term"
    coords = wide(frame, name, "coordinate")
    cos2, ctr = wide(frame, name, "cos2"), wide(frame, name, "contribution")
    # axis signs are arbitrary: ours are oriented by the module's rule, the ca package's by LAPACK
    signs = [np.sign(coords.loc[n, k]) * np.sign(published[n][k - 1]) for n in published for k in (1, 2)]
    flip = {1: signs[0], 2: signs[1]}
    for element, (k1, k2, cor1, ctr1) in published.items():
        assert coords.loc[element, 1] * flip[1] == pytest.approx(k1 / 1000, abs=5e-4)
        assert coords.loc[element, 2] * flip[2] == pytest.approx(k2 / 1000, abs=5e-4)
        assert cos2.loc[element, 1] == pytest.approx(cor1 / 1000, abs=5e-4)
        assert ctr.loc[element, 1] == pytest.approx(ctr1 / 1000, abs=5e-4)
    assert ctr.sum().round(12).tolist() == [1.0, 1.0]


def test_orientation_rule_and_sorting():
    result = correspondence_analysis(SMOKE, n_components=2)
    coords = wide(result.columns, "term", "coordinate")
    masses = result.columns.drop_duplicates("term").set_index("term")["mass"]
    # the largest |v| = √c |g| / σ of each axis is positive
    for axis, sigma in zip((1, 2), np.sqrt(result.eigenvalues["eigenvalue"][:2]), strict=True):
        v = np.sqrt(masses[coords.index]) * coords[axis] / sigma
        assert v[v.abs().idxmax()] > 0
    first = result.rows[result.rows["axis"] == 1]
    assert first["contribution"].is_monotonic_decreasing
    assert list(result.rows.columns) == ["staff", "axis", "coordinate", "contribution", "cos2", "mass",
                                         "inertia", "supplementary"]


def test_supplementary_rows_and_columns_by_the_transition_formula():
    sup_rows = pd.DataFrame([[12, 6, 9, 6], [42, 29, 20, 9]], index=["SM x3", "national"],
                            columns=SMOKE.columns)
    sup_cols = pd.DataFrame({"none again": SMOKE["none"] * 2}, index=SMOKE.index)
    result = correspondence_analysis(SMOKE, n_components=3, supplementary_rows=sup_rows,
                                     supplementary_columns=sup_cols)
    rows = result.rows.pivot(index="staff", columns="axis", values="coordinate")
    cols = result.columns.pivot(index="term", columns="axis", values="coordinate")
    # a profile equal to an active one lands on it
    np.testing.assert_allclose(rows.loc["SM x3"], rows.loc["SM"], atol=1e-12)
    np.testing.assert_allclose(cols.loc["none again"], cols.loc["none"], atol=1e-12)
    sup = result.rows[result.rows["supplementary"]]
    assert sup["contribution"].isna().all() and set(sup["staff"]) == {"SM x3", "national"}
    # all axes kept: the cosines of a supplementary row sum to 1
    assert sup[sup["staff"] == "national"]["cos2"].sum() == pytest.approx(1.0)


def test_sparse_path_equals_dense(monkeypatch):
    rng = np.random.default_rng(1)
    table = pd.DataFrame(rng.poisson(3, size=(60, 40)), columns=[f"t{j}" for j in range(40)])
    dense = correspondence_analysis(table, n_components=3)
    monkeypatch.setattr(maps, "DENSE_MAX_CELLS", 10)
    sparse = correspondence_analysis(table, n_components=3)
    assert len(sparse.eigenvalues) == 3 and len(dense.eigenvalues) == 39
    np.testing.assert_allclose(sparse.eigenvalues["eigenvalue"], dense.eigenvalues["eigenvalue"][:3],
                               rtol=1e-8)
    np.testing.assert_allclose(sparse.eigenvalues["share"], dense.eigenvalues["share"][:3], rtol=1e-8)
    pd.testing.assert_frame_equal(sparse.rows, dense.rows, rtol=1e-6, atol=1e-9)


def corpus():
    return pd.DataFrame({
        "doc_id": ["a", "b", "c", "d"],
        "text": ["La paix et la paix. Le développement.", "La coopération, le développement et la paix.",
                 "La coopération gagnant-gagnant et la coopération.",
                 "La coopération pour le développement."],
        "source": ["X", "X", "Y", "Y"],
    })


def test_corpus_parts_terms_and_supplementary_groups():
    result = correspondence_analysis(corpus(), terms=3, lemmatize=False, n_components=2,
                                     supplementary_rows="source", supplementary_columns=["gagnant-gagnant"])
    assert sorted(result.columns.loc[~result.columns["supplementary"], "term"].unique()) == [
        "coopération", "développement", "paix"]
    assert set(result.rows.loc[result.rows["supplementary"], "doc_id"]) == {"X", "Y"}
    assert set(result.columns.loc[result.columns["supplementary"], "term"]) == {"gagnant-gagnant"}
    # the same table given directly
    table = pd.DataFrame({"coopération": [0, 1, 2, 1], "développement": [1, 1, 0, 1], "paix": [2, 1, 0, 0]},
                         index=pd.Index(list("abcd"), name="doc_id"))
    direct = correspondence_analysis(table, n_components=2)
    np.testing.assert_allclose(result.eigenvalues["eigenvalue"], direct.eigenvalues["eigenvalue"])
    # documents made supplementary leave the active table
    passive = correspondence_analysis(corpus(), terms=["paix", "coopération", "développement"],
                                      lemmatize=False, supplementary_rows=["d"])
    assert set(passive.rows.loc[~passive.rows["supplementary"], "doc_id"]) == {"a", "b", "c"}


def test_families_as_columns():
    texts = corpus().assign(text=["Le multilatéralisme et la paix et la stabilité.",
                                  "La coopération gagnant-gagnant et le multilatéralisme.",
                                  "La paix et la stabilité, la paix et la stabilité.",
                                  "Le Sud global et la coopération gagnant-gagnant."])
    result = correspondence_analysis(texts, terms="families", n_components=2)
    assert set(result.columns["term"]) == {"multilateralisme", "paix-stabilite", "gagnant-gagnant",
                                           "sud-global"}
    assert result.columns.attrs["dropped_columns"]  # families never found cannot be placed


@pytest.mark.parametrize(
    ("data", "options", "message"),
    [(SMOKE, {"n_components": 0}, "n_components"), (SMOKE.iloc[:1], {}, "at least 2 rows"),
     (SMOKE * -1, {}, "non-negative"), ("text", {}, "data must be"),
     (SMOKE, {"supplementary_rows": "source"}, "supplementary_rows must be a DataFrame"),
     (corpus(), {"terms": "lemmas"}, "terms must be"), (corpus(), {"terms": 1}, "terms must be at least 2"),
     (corpus(), {"supplementary_rows": ["zz"]}, r"unknown doc_id\(s\) \['zz'\]")],
)
def test_bad_arguments(data, options, message):
    with pytest.raises(ValueError, match=message):
        correspondence_analysis(data, **options)


def test_two_parts_have_one_axis():
    result = correspondence_analysis(corpus().iloc[:2], terms=3, lemmatize=False)
    assert result.eigenvalues["axis"].tolist() == [1]
    with pytest.raises(ValueError, match="no axis"):
        result.coordinates("rows", axes=(1, 2))


def test_an_index_gives_the_same_map_as_its_frame():
    from analysis import build_index

    corpus = pd.DataFrame({"doc_id": ["c", "a", "b"], "text": [
        "La coopération gagnant-gagnant profite à la Chine et à l'Afrique.",
        "Le véritable multilatéralisme défend la paix et la coopération.",
        "La paix et le développement : l'Afrique et la Chine coopèrent."]})
    from_frame = correspondence_analysis(corpus, terms=8, n_components=2)
    from_index = correspondence_analysis(build_index(corpus), terms=8, n_components=2)
    pd.testing.assert_frame_equal(from_frame.eigenvalues, from_index.eigenvalues)
    pd.testing.assert_frame_equal(from_frame.rows, from_index.rows)
    pd.testing.assert_frame_equal(from_frame.columns, from_index.columns)
