"""Tests of analysis.statistics against published reference values and tiny fixtures."""

import math

import numpy as np
import pandas as pd
import pytest
import wordfreq
from scipy.stats import chi2_contingency
from sklearn.feature_extraction.text import TfidfVectorizer

from analysis import (
    chi_squared,
    keyness,
    lafon_specificity,
    log_likelihood,
    log_ratio,
    select_documents,
    specificities,
    tfidf_keywords,
    tokenizer,
)

# --- published values ---------------------------------------------------------------------

# Reference lexicon of the R package textometry (TXM), tests/specificities.lexicon.new.Rout
# (CRAN package textometry, https://github.com/cran/textometry): a part (sublexicon) of a
# 28-token corpus (lexicon); the published specificities of the part are in TXM_PART.
LEXICON = dict(zip("ABCDEFGHIJKLM", [1, 2, 1, 3, 2, 1, 2, 2, 2, 4, 1, 3, 4], strict=True))
SUBLEXICON = dict(zip("ADGJBC", [1, 2, 1, 3, 2, 1], strict=True))
TXM_PART = dict(zip("ABCDEFGHIJKLM", [0.4472, 0.9243, 0.4472, 0.5469, -0.3928, -0.1919, 0.2253,
                                      -0.3928, -0.3928, 0.9365, -0.1919, -0.6037, -0.8255], strict=True))


def test_lafon_matches_txm_published_specificities():
    """Lafon (1980) as in TXM: textometry/tests/specificities.lexicon.new.Rout (cran/textometry)."""
    terms = list(LEXICON)
    f = [SUBLEXICON.get(k, 0) for k in terms]
    score, prob = lafon_specificity(f, sum(SUBLEXICON.values()), [LEXICON[k] for k in terms],
                                    sum(LEXICON.values()))
    assert dict(zip(terms, np.round(score, 4), strict=True)) == TXM_PART
    # A: f = F = 1, so P(X >= 1) = t / T = 10 / 28
    assert prob[0] == pytest.approx(10 / 28)


def test_specificities_reproduce_the_txm_table_on_a_corpus():
    """Both columns of the same published TXM output (the complement is the sign-flipped part)."""
    part = " ".join(k for k, n in SUBLEXICON.items() for _ in range(n))
    rest = " ".join(k for k in LEXICON for _ in range(LEXICON[k] - SUBLEXICON.get(k, 0)))
    corpus = pd.DataFrame({"doc_id": ["part", "rest"], "text": [part, rest]})
    table = specificities(corpus, min_count=1)
    assert list(table.columns) == ["doc_id", "term", "count", "part_size", "term_total", "corpus_size",
                                   "specificity"]
    got = {(r.doc_id, r.term.upper()): round(r.specificity, 4) for r in table.itertuples()}
    for term, value in TXM_PART.items():
        assert got[("part", term)] == value
        assert got[("rest", term)] == -value
    assert set(table["corpus_size"]) == {28}
    assert table.loc[table["doc_id"] == "part", "part_size"].unique().tolist() == [10]
    # sorted by part, then specificity descending, then term
    assert table["term"].tolist()[:3] == ["j", "b", "d"]


@pytest.mark.parametrize(
    ("k11", "k12", "k21", "k22", "expected", "tol"),
    [
        (1, 0, 0, 1, 2.772589, 1e-6),
        (10, 0, 0, 10, 27.72589, 1e-5),
        (5, 1995, 0, 100000, 39.33052, 1e-5),
        (1000, 1995, 1000, 100000, 4730.737, 1e-3),
        (1000, 1000, 1000, 100000, 5734.343, 1e-3),
        (1000, 1000, 1000, 99000, 5714.932, 1e-3),
    ],
)
def test_g2_matches_dunnings_reference_implementation(k11, k12, k21, k22, expected, tol):
    """Dunning (1993) G² on the full 2 × 2 table; values asserted by Ted Dunning's implementation
    in Apache Mahout, math/src/test/java/org/apache/mahout/math/stats/LogLikelihoodTest.java
    (LogLikelihood.logLikelihoodRatio(k11, k12, k21, k22))."""
    score, p_value = log_likelihood(k11, k21, k11 + k12, k21 + k22)
    assert float(score) == pytest.approx(expected, abs=tol)
    assert float(p_value) == pytest.approx(chi2_contingency([[k11, k12], [k21, k22]], correction=False,
                                                            lambda_="log-likelihood")[1])


def test_g2_sign_follows_over_and_under_use():
    """Mahout's rootLogLikelihoodRatio: positive where k11 exceeds its expectation, negative below."""
    over, _ = log_likelihood(904, 1144, 904 + 21060, 1144 + 283012)
    under, _ = log_likelihood(36, 60280, 36 + 21928, 60280 + 623876)
    assert over > 0 > under
    assert float(log_likelihood(10, 10, 150, 150)[0]) == 0.0  # UCREL wizard: equal rates give 0


@pytest.mark.parametrize("table", [[[3, 14], [2, 10]], [[10, 140], [10, 140]], [[1000, 1995], [1000, 100000]],
                                   [[5, 1995], [0, 100000]]])
def test_chi2_applies_yates_as_scipy_and_r(table):
    """Yates' correction capped at |O - E| as scipy.stats.chi2_contingency (and R chisq.test) do.
    [[3, 14], [2, 10]] is the table of quanteda.textstats tests/testthat/test-textstat_keyness.R,
    where R gives ~0 (1.6e-31) because |O - E| < 0.5."""
    (a, rest_a), (b, rest_b) = table
    score, p_value = chi_squared(a, b, a + rest_a, b + rest_b)
    expected_stat, expected_p, _, _ = chi2_contingency(np.array([[a, b], [rest_a, rest_b]]), correction=True)
    assert abs(float(score)) == pytest.approx(expected_stat, abs=1e-9)
    assert float(p_value) == pytest.approx(expected_p)


def test_log_ratio_hardie():
    """Hardie (2014), http://cass.lancs.ac.uk/log-ratio-an-informal-introduction/ : each point of
    Log Ratio doubles the ratio of relative frequencies (1 = twice as frequent, 3 = 8 times,
    -1 = half); a zero frequency is replaced by 0.5."""
    assert log_ratio([20, 80, 10, 10], [10, 10, 20, 10], 1000, 1000).tolist() == [1.0, 3.0, -1.0, 0.0]
    assert float(log_ratio(10, 20, 1000, 4000)) == 1.0  # rates, not raw counts
    assert float(log_ratio(4, 0, 100, 100)) == 3.0  # 4 / 0.5 = 8
    assert float(log_ratio(0, 4, 100, 100)) == -3.0


def test_lafon_extreme_tails_stay_finite():
    score, prob = lafon_specificity([30_000, 20_000], 1_000_000, 50_000, 2_000_000)
    assert prob[0] == 0.0 and prob[1] == 0.0  # underflow in double precision ...
    # ... so the log tails are summed in log space (scipy's logsf / logcdf)
    assert score[0] == pytest.approx(1036.9413962 / math.log(10), rel=1e-9)
    assert score[1] == pytest.approx(-1036.9413962 / math.log(10), rel=1e-9)


# --- keyness on a tiny corpus -------------------------------------------------------------

@pytest.fixture
def corpus():
    return pd.DataFrame({
        "doc_id": ["d1", "d2", "d3"],
        "text": ["L’amitié sino-bélarusse et l'amitié.", "Coopération gagnant-gagnant, coopération !", ""],
        "date": pd.to_datetime(["2024-07-08", "2025-08-31", "2025-09-01"]),
        "source": ["A", "B", "B"],
    })


def test_keyness_g2_exact_values(corpus):
    result = keyness(corpus, target="d1", min_count=1)
    assert list(result.columns) == ["term", "score", "p_value", "effect", "count_target", "count_reference"]
    # target: 6 tokens, reference: 3 tokens; amitié 2 vs 0
    row = result[result["term"] == "amitié"].iloc[0]
    e11, e21, e22 = 2 * 6 / 9, 7 * 6 / 9, 7 * 3 / 9
    g2 = 2 * (2 * math.log(2 / e11) + 4 * math.log(4 / e21) + 3 * math.log(3 / e22))
    assert row["score"] == pytest.approx(g2)
    assert row["effect"] == pytest.approx(math.log2((2 / 6) / (0.5 / 3)))
    assert (row["count_target"], row["count_reference"]) == (2, 0)
    # coopération is under-used in d1 (0 vs 2): negative score and effect
    low = result[result["term"] == "coopération"].iloc[0]
    assert low["score"] < 0 and low["effect"] < 0
    # sorted by score, then term
    assert result["term"].tolist() == ["amitié", "l'", "et", "sino-bélarusse", "gagnant-gagnant",
                                       "coopération"]


def test_keyness_stop_words_hidden_but_sizes_unchanged(corpus):
    every = keyness(corpus, target="d1", min_count=1).set_index("term")
    hidden = keyness(corpus, target="d1", min_count=1, stopwords=True).set_index("term")
    assert "l'" not in hidden.index and "et" not in hidden.index
    pd.testing.assert_frame_equal(hidden, every.loc[hidden.index])


@pytest.mark.parametrize("target", ["d1", ["d1"], "source=A", [True, False, False],
                                    pd.Series([True, False, False]), "date=2024-07-08", "year=2024"])
def test_target_selection_forms(corpus, target):
    result = keyness(corpus, target=target, min_count=1)
    assert result.loc[result["term"] == "amitié", "count_target"].item() == 2


def test_reference_selection_and_measures(corpus):
    for measure in ("g2", "chi2", "lafon", "log_ratio"):
        result = keyness(corpus, target="d2", reference=["d1"], measure=measure, min_count=1)
        assert result.iloc[0]["term"] == "coopération" and result.iloc[0]["score"] > 0
        assert result.iloc[-1]["score"] < 0
    lafon = keyness(corpus, target="d2", measure="lafon", min_count=1).set_index("term")
    score, prob = lafon_specificity(2, 3, 2, 9)
    assert lafon.loc["coopération", "score"] == pytest.approx(float(score))
    assert lafon.loc["coopération", "p_value"] == pytest.approx(1 / 12)  # C(3,2)/C(9,2)


def test_keyness_against_general_french(corpus):
    result = keyness(corpus, target="d1", reference="french", min_count=1).set_index("term")
    assert result.loc["amitié", "count_reference"] == round(wordfreq.word_frequency("amitié", "fr") * 1e9)
    assert result.loc["l'", "count_reference"] == round(wordfreq.word_frequency("l", "fr") * 1e9)
    assert result.loc["amitié", "score"] > 0
    with pytest.raises(ValueError, match="lemmatize=False"):
        keyness(corpus, target="d1", reference="french", lemmatize=True)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"target": "d9"}, r"target: unknown doc_id\(s\) \['d9'\]"),
        ({"target": "source=Z"}, "target: no document has source = 'Z'"),
        ({"target": "nope=1"}, "target: by: unknown column 'nope'"),
        ({"target": [True, False]}, "one value per document"),
        ({"target": 3}, "target must be"),
        ({"target": ["d1", "d2", "d3"]}, "'rest' is empty"),
        ({"target": "d1", "reference": ["d1", "d2"]}, "must not overlap"),
        ({"target": "d1", "measure": "pmi"}, "measure must be one of"),
        ({"target": "d1", "min_count": 0}, "min_count"),
        ({"target": "d3", "reference": "d1"}, "target has no token"),
    ],
)
def test_keyness_bad_arguments(corpus, options, message):
    with pytest.raises(ValueError, match=message):
        keyness(corpus, **options)


def test_select_documents_mask(corpus):
    assert select_documents(corpus, "source=B").tolist() == [False, True, True]


# --- TF-IDF -------------------------------------------------------------------------------

def test_tfidf_equals_sklearn_tfidfvectorizer(corpus):
    result = tfidf_keywords(corpus, lemmatize=False, stopwords=False, ngram_range=(1, 1), top_n=100)
    vectorizer = TfidfVectorizer(tokenizer=tokenizer(), token_pattern=None, lowercase=False)
    weights = vectorizer.fit_transform(corpus["text"])
    vocabulary = vectorizer.get_feature_names_out()
    for row in result.itertuples():
        doc = corpus.index[corpus["doc_id"] == row.doc_id][0]
        assert row.tfidf == pytest.approx(weights[doc, list(vocabulary).index(row.term)])


def test_tfidf_of_lemmatized_bigrams_equals_sklearn_on_the_counts(seed_corpus):
    from sklearn.feature_extraction.text import TfidfTransformer

    from analysis import term_matrix

    result = tfidf_keywords(seed_corpus, top_n=5)  # defaults: lemmas, words and bigrams, no stop words
    matrix = term_matrix(seed_corpus["text"], lemmatize=True, ngram_range=(1, 2))
    weights = TfidfTransformer().fit_transform(matrix.counts).toarray()
    expected = []
    for doc, doc_id in enumerate(seed_corpus["doc_id"]):
        best = sorted(range(len(matrix.terms)), key=lambda j: (-weights[doc, j], matrix.terms[j]))[:5]
        expected += [(doc_id, matrix.terms[j], int(matrix.counts[doc, j]), rank)
                     for rank, j in enumerate(best, start=1)]
    assert [(r.doc_id, r.term, r.count, r.rank) for r in result.itertuples()] == expected
    assert any(" " in term for term in result["term"])


def test_tfidf_two_documents_shared_words_and_ties():
    frame = pd.DataFrame({"doc_id": ["a", "b"], "text": ["Chine paix paix Bélarus", "Chine paix Brésil"]})
    result = tfidf_keywords(frame, lemmatize=False, ngram_range=(1, 1), top_n=2)
    assert list(result.columns) == ["doc_id", "term", "tfidf", "count", "rank"]
    idf_one = math.log(3 / 2) + 1  # term in one of two documents; a shared term has idf 1
    norm_a = math.sqrt(idf_one ** 2 + 1 + 4)
    assert [(r.doc_id, r.term, r.count, r.rank) for r in result.itertuples()] == [
        ("a", "paix", 2, 1), ("a", "bélarus", 1, 2), ("b", "brésil", 1, 1), ("b", "chine", 1, 2),
    ]
    assert result["tfidf"].iloc[0] == pytest.approx(2 / norm_a)
    # chine and paix tie in b (count 1, idf 1): the tie goes to the term first in order
    assert result["tfidf"].iloc[3] == pytest.approx(1 / math.sqrt(idf_one ** 2 + 2))


def test_tfidf_options(corpus):
    plain = tfidf_keywords(corpus, lemmatize=False, norm=None, smooth_idf=False)
    assert plain.loc[plain["term"] == "amitié", "tfidf"].item() == pytest.approx(2 * (math.log(3 / 1) + 1))
    with pytest.raises(ValueError, match="unknown vectorizer option"):
        tfidf_keywords(corpus, max_df=0.5)
    with pytest.raises(ValueError, match="top_n"):
        tfidf_keywords(corpus, top_n=0)


# --- a corpus of one article: nothing to compare against ----------------------------------


@pytest.mark.parametrize("function", [specificities, tfidf_keywords])
def test_one_article_has_nothing_to_compare_against(corpus, function):
    one = corpus.iloc[:1]
    with pytest.raises(ValueError) as info:
        function(one)
    expected = "by='doc_id' gives a single part (1 in all): there is nothing to compare against"
    assert str(info.value).startswith(expected)
    with pytest.raises(ValueError, match="nothing to compare against"):
        function(corpus.assign(country="Chine"), by="country")  # one group of three articles


def test_g2_and_chi2_statistics_equal_scipy_power_divergence_exactly():
    # The statistics are computed term by term as scipy.stats.power_divergence does, without its
    # p-values: the same floating-point values.
    from scipy import stats

    from analysis import statistics as module

    rng = np.random.default_rng(7)
    n1 = rng.integers(1, 10**6, 5000)
    n2 = rng.integers(1, 10**7, 5000)
    a = np.minimum(rng.geometric(0.01, 5000) - 1, n1)
    b = np.minimum(rng.geometric(0.001, 5000) - 1, n2)
    a[:3], b[:3] = [0, 5, 0], [7, 0, 0]  # a term absent from one side, or from both
    observed, expected = module._tables(a, b, n1, n2)
    with np.errstate(invalid="ignore", divide="ignore"):
        g2, _ = stats.power_divergence(observed, expected, lambda_="log-likelihood", axis=-1)
        diff = expected - observed
        corrected = observed + np.sign(diff) * np.minimum(0.5, np.abs(diff))
        x2, _ = stats.power_divergence(corrected, expected, lambda_="pearson", axis=-1)
        ours_g2 = module._g2(a, b, n1, n2)
    np.testing.assert_array_equal(ours_g2, np.where(np.isfinite(g2), np.maximum(g2, 0.0), 0.0))
    np.testing.assert_array_equal(module._x2(a, b, n1, n2), np.where(np.isfinite(x2), x2, 0.0))
