"""Tests of analysis.trends (and its charts) against published values and tiny French fixtures."""

import math
import warnings

import matplotlib
import matplotlib.dates
import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2_contingency

matplotlib.use("Agg")

from analysis import (  # noqa: E402
    build_index,
    dispersion,
    find_formulas,
    gries_dp,
    homogeneity_test,
    juilland_d,
    log_likelihood,
    poisson_interval,
    progression,
    progression_chart,
    trend_chart,
    trend_test,
    trends,
    xray_chart,
)

# --- published values ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "low", "high"),
    [(0, 0.0, 3.688879), (1, 0.025318, 5.571643), (2, 0.242209, 7.224688), (5, 1.623486, 11.668332),
     (10, 4.795389, 18.390356)],
)
def test_poisson_interval_matches_garwood_exact_limits(count, low, high):
    """Garwood (1936), Biometrika 28: exact 95 % limits for a Poisson count, as R's
    poisson.test(x) prints them (e.g. poisson.test(10): 4.795389 18.390356)."""
    got_low, got_high = poisson_interval(count)
    assert float(got_low) == pytest.approx(low, abs=1e-6)
    assert float(got_high) == pytest.approx(high, abs=1e-6)


def test_poisson_interval_reproduces_r_poisson_test_example():
    """R, ?poisson.test, example 'SMR, Welsh Nickel workers': poisson.test(137, 24.19893)
    gives the rate 5.661407 with the 95 percent confidence interval 4.753125 6.692709."""
    low, high = poisson_interval(137)
    assert 137 / 24.19893 == pytest.approx(5.661407, abs=1e-6)
    assert float(low) / 24.19893 == pytest.approx(4.753125, abs=1e-6)
    assert float(high) / 24.19893 == pytest.approx(6.692709, abs=1e-6)


def test_poisson_interval_widens_with_confidence_and_rejects_bad_levels():
    low90, high90 = poisson_interval([3, 30], confidence=0.90)
    low99, high99 = poisson_interval([3, 30], confidence=0.99)
    assert (low99 < low90).all() and (high99 > high90).all()
    for bad in (0, 1, 1.5, True, "0.95"):
        with pytest.raises(ValueError, match="confidence"):
            poisson_interval(3, confidence=bad)
    with pytest.raises(ValueError, match="count"):
        poisson_interval(-1)


def test_homogeneity_test_reproduces_agresti_party_by_gender():
    """Agresti, A. (2007). An Introduction to Categorical Data Analysis, 2nd ed., Table 2.5 (party
    identification by gender, GSS): X² = 30.1 and G² = 30.0 with df = 2. The columns play the
    periods, the rows {term, other}; full precision checked against scipy's chi2_contingency."""
    females, males = np.array([762, 327, 468]), np.array([484, 239, 477])
    g2, dof, p_g2 = homogeneity_test(females, females + males)
    x2, dof_x2, p_x2 = homogeneity_test(females, females + males, measure="chi2")
    assert (round(g2, 1), round(x2, 1), dof, dof_x2) == (30.0, 30.1, 2, 2)
    table = np.stack([females, males])
    scipy_g2 = chi2_contingency(table, correction=False, lambda_="log-likelihood")
    assert g2 == pytest.approx(scipy_g2[0], rel=1e-12) and p_g2 == pytest.approx(scipy_g2[1])
    assert x2 == pytest.approx(chi2_contingency(table, correction=False)[0], rel=1e-12)
    assert p_x2 < 1e-6


@pytest.mark.parametrize(
    ("k11", "k12", "k21", "k22", "expected"),
    [(1, 0, 0, 1, 2.772589), (10, 0, 0, 10, 27.72589), (5, 1995, 0, 100000, 39.33052),
     (1000, 1995, 1000, 100000, 4730.737)],
)
def test_homogeneity_test_with_two_periods_is_dunnings_g2(k11, k12, k21, k22, expected):
    """Two periods: the 2 × 2 G² of Dunning (1993), values of Apache Mahout's LogLikelihoodTest.java."""
    g2, dof, _ = homogeneity_test([k11, k21], [k11 + k12, k21 + k22])
    assert dof == 1
    assert g2 == pytest.approx(expected, abs=1e-3)


def test_homogeneity_test_edges():
    assert homogeneity_test([0, 0, 0], [10, 20, 30]) == (0.0, 2, 1.0)  # a term found nowhere
    assert homogeneity_test([2, 4, 0], [10, 20, 0])[1] == 1  # a period without tokens is left out
    statistic, dof, p = homogeneity_test([3], [10])
    assert math.isnan(statistic) and dof == 0 and math.isnan(p)
    with pytest.raises(ValueError, match="measure"):
        homogeneity_test([1, 2], [10, 10], measure="lafon")
    with pytest.raises(ValueError, match="counts"):
        homogeneity_test([11, 2], [10, 10])


# Gries, S. Th. (2008), Dispersions and adjusted frequencies in corpora, IJCL 13(4), 403-437, and
# Gries, S. Th. (2020), Analyzing dispersion, in Paquot & Gries (eds), A Practical Handbook of Corpus
# Linguistics, 99-118: a corpus of five parts of 9, 10, 10, 10 and 11 words.
GRIES_PARTS = ["b a m n i b e u p", "b a s a t b e w q n", "b c a g a b e s t a", "b a g h a b e a a t",
               "b a h a a b e a x a t"]
GRIES_SIZES = [9, 10, 10, 10, 11]


def test_gries_dp_of_a_is_the_published_018():
    """Gries (2008): 'a' occurs 1, 2, 3, 4, 5 times in the five parts; DP = 0.18. DPnorm divides by
    1 - the smallest part's share (Lijffijt & Gries 2012): 0.18 / (1 - 0.18)."""
    assert float(gries_dp([1, 2, 3, 4, 5], GRIES_SIZES)) == pytest.approx(0.18, abs=1e-12)
    assert float(gries_dp([1, 2, 3, 4, 5], GRIES_SIZES, normalized=True)) == pytest.approx(0.18 / 0.82)


def test_dispersion_reproduces_gries_published_table_on_a_corpus():
    """Gries (2020)'s values for b, i, q and x in the same five-part corpus, as asserted by the
    reference implementation in scattertext (scattertext/test/test_dispersion.py): Juilland's D
    0.968, 0, 0, 0; DP 0.02, 0.82, 0.8, 0.78; DPnorm 0.024, 1, 0.976, 0.951 (three decimals)."""
    corpus = pd.DataFrame({"doc_id": [f"part{i}" for i in range(1, 6)], "text": GRIES_PARTS})
    table = dispersion(corpus, ["b", "i", "q", "x", "a"])
    assert list(table.columns) == ["term", "count", "parts", "range", "juilland_d", "dp", "dp_norm",
                                   "corpus_size", "min_part_size", "max_part_size"]
    assert table["term"].tolist() == ["b", "i", "q", "x", "a"]  # the order given
    assert table["count"].tolist() == [10, 1, 1, 1, 15]
    assert table["range"].tolist() == [5, 1, 1, 1, 5]
    assert set(table["parts"]) == {5} and set(table["corpus_size"]) == {50}
    assert (table["min_part_size"].iat[0], table["max_part_size"].iat[0]) == (9, 11)
    assert table.attrs["part_sizes"] == dict(zip(corpus["doc_id"], GRIES_SIZES, strict=True))
    first4 = table.iloc[:4]
    assert np.round(first4["juilland_d"], 3).tolist() == [0.968, 0.0, 0.0, 0.0]
    assert np.round(first4["dp"], 3).tolist() == [0.02, 0.82, 0.8, 0.78]
    assert np.round(first4["dp_norm"], 3).tolist() == [0.024, 1.0, 0.976, 0.951]
    assert table["dp"].iat[4] == pytest.approx(0.18)


def test_juilland_d_published_values():
    """Carroll, J. B. (1970), An alternative to Juilland's usage coefficient, p. 14: frequencies
    0, 4, 3, 2, 1 in five equal parts give D = 0.6464. Lyne (1985), The vocabulary of French business
    correspondence: ALLEMAND in ten parts (sizes Fig. 1 p. 85, frequencies Appendix I p. 299), for
    which the R package tlda (Sönning; README, function disp) prints D = 0.6038797 and, in Gries'
    scaling, DP = 0.4990705 (Gries' 2008 formula)."""
    assert round(float(juilland_d([0, 4, 3, 2, 1], [1000] * 5)), 4) == 0.6464
    allemand = [2, 0, 1, 1, 3, 0, 3, 0, 0, 0]
    tenths = [8143, 8058, 8271, 8125, 7959, 7941, 8146, 8001, 8003, 7930]
    assert float(juilland_d(allemand, tenths)) == pytest.approx(0.6038797, abs=5e-8)
    assert float(gries_dp(allemand, tenths)) == pytest.approx(0.4990705, abs=5e-8)


def test_dispersion_measures_bounds_and_edges():
    even = [[2, 2, 2], [5, 0, 0], [0, 0, 0]]
    sizes = [100, 100, 100]
    assert juilland_d(even, sizes)[:2].tolist() == [1.0, 0.0]
    assert gries_dp(even, sizes)[:2].tolist() == pytest.approx([0.0, 2 / 3])
    assert gries_dp(even, sizes, normalized=True)[1] == pytest.approx(1.0)
    assert math.isnan(juilland_d(even, sizes)[2]) and math.isnan(gries_dp(even, sizes)[2])
    # parts of 0 tokens carry no information and are left out
    assert float(gries_dp([3, 0], [10, 0])) == 0.0
    assert math.isnan(float(juilland_d([3, 0], [10, 0])))  # one part: D undefined
    with pytest.raises(ValueError, match="counts"):
        juilland_d([1, 2], [10, 10, 10])
    with pytest.raises(ValueError, match="normalized"):
        gries_dp([1, 2], [10, 10], normalized=1)


# --- a tiny dated French corpus -------------------------------------------------------------
#   a  2023-01-15  la coopération gagnant-gagnant profite à tous                           6 tokens
#   b  2023-03-02  coopération et coopération l' initiative la ceinture et la route        10 tokens
#   c  2025-06-30  un véritable multilatéralisme la coopération continue coopération        7 tokens
#   d  (no date)   coopération                                                               1 token

TEXTS = {
    "a": "La coopération gagnant-gagnant profite à tous.",
    "b": "Coopération et coopération : l’Initiative la Ceinture et la Route.",
    "c": "Un véritable multilatéralisme. La coopération continue, coopération.",
    "d": "Coopération.",
}
DATES = {"a": "2023-01-15", "b": "2023-03-02", "c": "2025-06-30", "d": None}


@pytest.fixture
def corpus():
    return pd.DataFrame({"doc_id": list(TEXTS), "text": list(TEXTS.values()),
                         "date": pd.to_datetime(list(DATES.values())),
                         "source": ["Xinhua", "", "CGTN", "Xinhua"]})


@pytest.fixture
def dated(corpus):
    return corpus[corpus["date"].notna()].reset_index(drop=True)


def test_trends_by_year_counts_sizes_rates_intervals_and_empty_years(corpus):
    with pytest.warns(UserWarning, match=r"1 article\(s\) without a date left out \(d\)"):
        table = trends(corpus, "coopération", per=1000)
    assert list(table.columns) == ["term", "period", "start", "end", "n_articles", "tokens", "count", "rate",
                                   "ci_low", "ci_high", "score", "p_value"]
    assert table["period"].tolist() == ["2023", "2024", "2025"]  # 2024 has no article but is a row
    assert table["start"].dt.strftime("%Y-%m-%d").tolist() == ["2023-01-01", "2024-01-01", "2025-01-01"]
    assert table["end"].dt.strftime("%Y-%m-%d").tolist() == ["2023-12-31", "2024-12-31", "2025-12-31"]
    assert table["n_articles"].tolist() == [2, 0, 1]
    assert table["tokens"].tolist() == [16, 0, 7]
    assert table["count"].tolist() == [3, 0, 2]
    assert table["rate"].iat[0] == 187.5 and table["rate"].iat[2] == pytest.approx(2 / 7 * 1000)
    # Garwood's limits for a count of 3 (0.619 and 8.767 in the tables) over 16 tokens, per 1,000
    low, high = poisson_interval(3)
    assert (round(float(low), 3), round(float(high), 3)) == (0.619, 8.767)
    assert table["ci_low"].iat[0] == pytest.approx(float(low) / 16 * 1000)
    assert table["ci_high"].iat[0] == pytest.approx(float(high) / 16 * 1000)
    # the empty year: no rate, no interval, no score (never an interpolated value)
    assert table.iloc[1][["rate", "ci_low", "ci_high", "score", "p_value"]].isna().all()
    # each year against the others: Dunning's G², signed (2023 under-uses: 3/16 < 2/7)
    score, p = log_likelihood(3, 2, 16, 7)
    assert table["score"].iat[0] == pytest.approx(float(score)) and table["score"].iat[0] < 0
    assert table["score"].iat[2] == pytest.approx(-float(score))
    assert table["p_value"].iat[0] == pytest.approx(float(p))
    assert table.attrs == {"by": "year", "per": 1000, "confidence": 0.95, "n_undated": 1, "undated": ["d"]}


def test_trends_short_periods_get_wide_intervals(dated):
    table = trends(dated, "coopération", per=1000)
    width = (table["ci_high"] - table["ci_low"]) / table["rate"]
    assert width.iat[2] > width.iat[0]  # 7 tokens in 2025, 16 in 2023


def test_trends_quarters_months_days_and_a_date_column(dated):
    quarters = trends(dated, "coopération", by="quarter")
    assert quarters["period"].tolist()[:2] == ["2023-Q1", "2023-Q2"] and len(quarters) == 10
    assert quarters["period"].iat[-1] == "2025-Q2"
    assert quarters["end"].iat[-1] == pd.Timestamp("2025-06-30")
    months = trends(dated, "coopération", by="month")
    assert months["period"].tolist()[:3] == ["2023-01", "2023-02", "2023-03"] and len(months) == 30
    assert months.loc[months["count"] > 0, "period"].tolist() == ["2023-01", "2023-03", "2025-06"]
    days = trends(dated.iloc[:2], "coopération", by="day")
    assert len(days) == 47 and days["period"].iat[0] == "2023-01-15"
    # another column of dates: one period per day of that column
    other = dated.assign(published=dated["date"]).drop(columns="date")
    assert trends(other.iloc[:2], "coopération", by="published").equals(days)


def test_trends_of_phrases_lemmas_and_families(dated):
    table = trends(dated, ["véritable multilatéralisme", "l'initiative", "family:gagnant-gagnant",
                           "family:ceinture-et-route", "family:multilateralisme"])
    counts = table.pivot(index="term", columns="period", values="count")
    assert counts.loc["véritable multilatéralisme"].tolist() == [0, 0, 1]
    assert counts.loc["l'initiative"].tolist() == [1, 0, 0]  # the text writes l’Initiative
    assert counts.loc["family:gagnant-gagnant"].tolist() == [1, 0, 0]
    assert counts.loc["family:ceinture-et-route"].tolist() == [1, 0, 0]
    assert counts.loc["family:multilateralisme"].tolist() == [0, 0, 1]
    # the families count exactly what find_formulas finds
    assert table.groupby("term")["count"].sum().filter(like="family:").sum() == len(find_formulas(dated))
    # terms keep the order given
    assert list(dict.fromkeys(table["term"])) == ["véritable multilatéralisme", "l'initiative",
                                                 "family:gagnant-gagnant", "family:ceinture-et-route",
                                                 "family:multilateralisme"]
    lemmas = trends(dated, ["le", "profiter"], lemmatize=True)
    assert lemmas.loc[lemmas["term"] == "le", "count"].tolist() == [4, 0, 1]  # la, l', la, la | la
    assert lemmas.loc[lemmas["term"] == "profiter", "count"].tolist() == [1, 0, 0]
    assert trends(dated, "profiter")["count"].sum() == 0  # as a word form it is not in the text


def test_trends_no_match_empty_document_and_undated_only():
    corpus = pd.DataFrame({"doc_id": ["x", "y"], "text": ["Paix et sécurité.", ""],
                           "date": pd.to_datetime(["2024-05-01", "2024-06-01"])})
    table = trends(corpus, "multilatéralisme", by="month")
    assert table["count"].tolist() == [0, 0] and table["n_articles"].tolist() == [1, 1]
    assert table["tokens"].tolist() == [3, 0]
    assert table["rate"].iat[0] == 0.0 and math.isnan(table["rate"].iat[1])
    assert table["ci_low"].iat[0] == 0.0 and table["ci_high"].iat[0] > 0  # a 0 count still has an upper bound
    undated = corpus.assign(date=pd.NaT)
    with pytest.warns(UserWarning, match="2 article"):
        empty = trends(undated, "paix")
    assert empty.empty and empty.attrs["n_undated"] == 2


def test_trends_dates_as_text_and_no_warning_when_all_dated(dated):
    as_text = dated.assign(date=dated["date"].dt.strftime("%Y-%m-%d"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = trends(as_text, "coopération")
    assert table["count"].tolist() == [3, 0, 2]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"by": "week"}, "by must be one of"), ({"by": "source"}, "not dates"), ({"by": 2}, "by must be"),
     ({"date": "published"}, "date: the corpus has no column 'published'"), ({"per": 0}, "per must be"),
     ({"per": True}, "per must be"), ({"confidence": 95}, "confidence"), ({"lemmatize": "yes"}, "lemmatize"),
     ({"lexicon": 3}, "lexicon must be")],
)
def test_trends_rejects_bad_options(dated, kwargs, message):
    with pytest.raises(ValueError, match=message):
        trends(dated, "coopération", **kwargs)


@pytest.mark.parametrize(
    ("terms", "message"),
    [([], "at least one term"), ([""], "non-empty string"), (["…"], "holds no word"),
     ([3], "non-empty string"), (["family:nope"], "names no family"),
     (["Coopération", "coopération"], "are the same term"), (5, "terms must")],
)
def test_trends_rejects_bad_terms(dated, terms, message):
    with pytest.raises(ValueError, match=message):
        trends(dated, terms)


def test_trends_rejects_unparsable_dates_and_numbers():
    corpus = pd.DataFrame({"doc_id": ["x"], "text": ["Paix."], "date": ["31/02/2024x"], "year": [2024]})
    with pytest.raises(ValueError, match="date: column 'date' holds values that are not dates"):
        trends(corpus, "paix")
    with pytest.raises(ValueError, match="date: column 'year' holds numbers, not dates"):
        trends(corpus, "paix", by="year", date="year")  # a column of years is not a column of dates


def test_trend_test_statistic_peak_and_order(dated):
    table = trends(dated, ["coopération", "route", "multilatéralisme"], per=1000)
    result = trend_test(table)
    assert list(result.columns) == ["term", "count", "periods", "statistic", "dof", "p_value", "peak_period",
                                    "peak_score", "peak_p_value", "peak_effect", "peak_p_adjusted"]
    row = result.set_index("term").loc["coopération"]
    g2, dof, p = homogeneity_test([3, 2], [16, 7])
    assert (row["count"], row["periods"], row["dof"]) == (5, 2, 1)  # the empty year is not a period here
    assert row["statistic"] == pytest.approx(g2) and row["p_value"] == pytest.approx(p)
    # two periods depart equally: the over-use (2025) is named
    assert row["peak_period"] == "2025" and row["peak_score"] > 0
    assert row["peak_effect"] == pytest.approx(math.log2((2 / 7) / (3 / 16)))
    assert row["peak_p_adjusted"] == pytest.approx(min(1.0, 2 * row["peak_p_value"]))
    assert result["statistic"].is_monotonic_decreasing  # sorted by statistic, then term
    chi2 = trend_test(table, measure="chi2").set_index("term").loc["coopération", "statistic"]
    assert chi2 == pytest.approx(homogeneity_test([3, 2], [16, 7], measure="chi2")[0])
    with pytest.raises(ValueError, match="measure"):
        trend_test(table, measure="lafon")
    with pytest.raises(ValueError, match="pass the result of trends"):
        trend_test(table.drop(columns="score"))


def test_trend_test_of_a_single_period(dated):
    result = trend_test(trends(dated.iloc[:2], "coopération"))
    assert result["dof"].iat[0] == 0 and math.isnan(result["statistic"].iat[0])
    assert result["peak_period"].iat[0] is None


def test_dispersion_on_the_fixture(corpus):
    # route: only in b (10 of 24 tokens): DP = ½(|1 - 10/24| + 6/24 + 7/24 + 1/24) = 14/24,
    # DPnorm = (14/24) / (1 - 1/24) = 14/23, D = 0 (one part only)
    table = dispersion(corpus, ["route", "paix", "family:gagnant-gagnant"])
    route = table.set_index("term").loc["route"]
    assert (route["count"], route["parts"], route["range"], route["corpus_size"]) == (1, 4, 1, 24)
    assert route["dp"] == pytest.approx(14 / 24) and route["dp_norm"] == pytest.approx(14 / 23)
    assert route["juilland_d"] == 0.0
    assert table.set_index("term").loc["paix", ["juilland_d", "dp", "dp_norm"]].isna().all()  # no match
    by_source = dispersion(corpus, "coopération", by="source")
    assert by_source.attrs["part_sizes"] == {"": 10, "CGTN": 7, "Xinhua": 7}
    by_year = dispersion(corpus, "coopération", by="year")
    # the undated article is a part of its own
    assert by_year.attrs["part_sizes"] == {2023: 16, 2025: 7, None: 1}
    with pytest.raises(ValueError, match="by must be one of"):
        dispersion(corpus, "paix", by="lang")


def test_progression_positions_and_reading_order(corpus):
    table = progression(corpus.iloc[::-1], ["coopération", "family:ceinture-et-route"])
    assert list(table.columns) == ["term", "doc_id", "date", "position", "n_tokens", "relative",
                                   "corpus_position", "cumulative"]
    coop = table[table["term"] == "coopération"]
    # read a (6 tokens), b (10), c (7), then the undated d (1): offsets 0, 6, 16, 23
    assert coop["doc_id"].tolist() == ["a", "b", "b", "c", "c", "d"]
    assert coop["position"].tolist() == [1, 0, 2, 4, 6, 0]  # at the start of b, at the end of c
    assert coop["corpus_position"].tolist() == [1, 6, 8, 20, 22, 23]
    assert coop["relative"].tolist() == pytest.approx([1 / 6, 0, 0.2, 4 / 7, 6 / 7, 0])
    assert coop["cumulative"].tolist() == [1, 2, 3, 4, 5, 6]
    assert coop["date"].isna().tolist() == [False] * 5 + [True]
    family = table[table["term"] == "family:ceinture-et-route"]
    # "l’Initiative la Ceinture et la Route" starts at Initiative, token 4 of b (after l')
    columns = ["doc_id", "position", "corpus_position", "cumulative"]
    assert family[columns].values.tolist() == [["b", 4, 10, 1]]
    assert table.attrs == {"corpus_size": 24, "n_articles": 4, "year_starts": {2023: 0, 2025: 16},
                           "undated_start": 23}


def test_progression_without_match_or_dates():
    corpus = pd.DataFrame({"doc_id": ["y", "x"], "text": ["Paix.", "La paix et la paix."]})
    table = progression(corpus, ["paix", "guerre"])
    assert table["doc_id"].tolist() == ["x", "x", "y"]  # no date column: read by doc_id
    assert table["term"].unique().tolist() == ["paix"]
    assert table.attrs["year_starts"] == {} and table.attrs["undated_start"] == 0
    with pytest.raises(ValueError, match="date: the corpus has no column 'published'"):
        progression(corpus, "paix", date="published")


# --- charts (analysis.plots) ----------------------------------------------------------------


def test_trend_chart_one_panel_per_term_on_a_date_axis(dated):
    table = trends(dated, ["coopération", "family:gagnant-gagnant"], per=1000)
    fig = trend_chart(table, title="Rates", term_labels={"family:gagnant-gagnant": "gagnant-gagnant"})
    panels = [ax for ax in fig.axes if ax.get_title()]
    assert [ax.get_title() for ax in panels] == ["coopération", "gagnant-gagnant"]
    assert panels[0].get_ylabel() == "per 1,000 tokens"
    # few periods: each labelled at its middle on the date axis; many: dates
    assert [t.get_text() for t in panels[1].get_xticklabels()] == ["2023", "2024", "2025"]
    mid_2023 = matplotlib.dates.date2num(pd.Timestamp("2023-07-02 12:00"))
    assert panels[1].get_xticks()[0] == pytest.approx(mid_2023)
    monthly = trend_chart(trends(dated, "coopération", by="month"), title="Months")
    assert "Date" in type(monthly.axes[0].xaxis.get_major_formatter()).__name__
    with pytest.raises(ValueError, match="unknown"):
        trend_chart(table, title="x", terms=["paix"])
    with pytest.raises(ValueError, match="no column"):
        trend_chart(table.drop(columns="ci_low"), title="x")


def test_xray_chart_keeps_the_articles_with_most_occurrences(corpus):
    table = progression(corpus, ["coopération"])
    fig = xray_chart(table, title="Where", max_articles=2)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["b", "c"]  # 2 each, in date order
    assert "2 of 4 articles" in ax.get_title()
    with pytest.raises(ValueError, match="max_articles"):
        xray_chart(table, title="x", max_articles=0)


def test_progression_chart_marks_years(corpus):
    table = progression(corpus, ["coopération", "route"])
    fig = progression_chart(table, title="Progression")
    ax = fig.axes[0]
    assert [t.get_text().strip() for t in ax.texts] == ["2023", "2025", "n.d."]
    assert [line.get_xdata()[0] for line in ax.lines if line.get_linestyle() == ":"] == [0, 16, 23]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["coopération (6)", "route (1)"]
    assert ax.get_xlim() == (0, 24)


def test_trends_agree_with_term_frequencies(dated):
    """Same tokens, same n-grams, same sizes as term_frequencies (rate per 10,000 tokens)."""
    from analysis import term_frequencies

    table = trends(dated, ["coopération", "véritable multilatéralisme"]).query("tokens > 0")
    freq = term_frequencies(dated, by="year", stopwords=False, ngram_range=(1, 2))
    for term in ("coopération", "véritable multilatéralisme"):
        ours = table[table["term"] == term].set_index("period")
        theirs = freq[freq["term"] == term].assign(period=lambda f: f["year"].astype(str)).set_index("period")
        assert ours["count"].loc[theirs.index].tolist() == theirs["count"].tolist()
        assert ours["rate"].loc[theirs.index].tolist() == pytest.approx(theirs["rate"].tolist())


# --- the token index -------------------------------------------------------------------------

TERMS = ["coopération", "la ceinture", "coopérer", "family:multilateralisme", "family:gagnant-gagnant"]


@pytest.mark.parametrize("lemmatize", [False, True])
def test_an_index_gives_the_same_results_as_its_frame(corpus, lemmatize):
    """Each function takes the token index itself (built here, not the cached one) and reads tokens,
    lemmas and offsets from it: results identical to those from the frame."""
    index = build_index(corpus.iloc[::-1])  # rows in another order than doc_id
    frame = corpus.iloc[::-1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        pairs = [(trends(frame, TERMS, lemmatize=lemmatize), trends(index, TERMS, lemmatize=lemmatize)),
                 (trends(frame, TERMS, by="month"), trends(index, TERMS, by="month"))]
    pairs += [(dispersion(frame, TERMS, lemmatize=lemmatize), dispersion(index, TERMS, lemmatize=lemmatize)),
              (dispersion(frame, TERMS, by="source"), dispersion(index, TERMS, by="source")),
              (progression(frame, TERMS, lemmatize=lemmatize),
               progression(index, TERMS, lemmatize=lemmatize))]
    for from_frame, from_index in pairs:
        pd.testing.assert_frame_equal(from_frame, from_index)
        assert from_frame.attrs == from_index.attrs
    moves = progression(index, TERMS, lemmatize=lemmatize)
    assert moves.groupby("term", sort=False).size().to_dict() == (
        {"coopération": 6, "la ceinture": 1, "family:multilateralisme": 1, "family:gagnant-gagnant": 1})


def test_progress_bar_on_request_and_bad_progress(corpus, capsys):
    dispersion(corpus, ["family:multilateralisme"], progress=True)
    assert "formulas" in capsys.readouterr().err
    dispersion(corpus, ["family:multilateralisme"])  # a tiny corpus: no bar
    assert capsys.readouterr().err == ""
    for func in (trends, dispersion, progression):
        with pytest.raises(ValueError, match="progress must be None, True or False"):
            func(corpus, "coopération", progress="yes")
