"""Tests of analysis.cooccurrence: measures against published values, contexts on tiny French fixtures."""

import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis import (
    build_index,
    cooccurrence_score,
    cooccurrences,
    formula_network,
    lafon_specificity,
    log_likelihood,
    tokenize,
)

# --- published values ---------------------------------------------------------------------


def test_t_score_manning_schutze_new_companies():
    """Manning & Schütze (1999), *Foundations of Statistical NLP*, § 5.3.1: "new companies" in a
    14,307,668-token corpus, C(new) = 15,828, C(companies) = 4,675, C(new companies) = 8: t ≈ 0.999932.
    Evert (2008)'s t-score (O − E) / √O is the same statistic."""
    score, p_value = cooccurrence_score(8, 15828, 4675, 14307668, measure="t")
    assert round(float(score), 6) == 0.999932
    assert math.isnan(float(p_value))


def test_pmi_manning_schutze_ayatollah_ruhollah():
    """Manning & Schütze (1999), Table 5.16: C(Ayatollah) = 42, C(Ruhollah) = 20, C(Ayatollah Ruhollah) = 20,
    N = 14,307,668: I = 18.38 bits (Church & Hanks 1990's pointwise mutual information)."""
    score, _ = cooccurrence_score(20, 42, 20, 14307668, measure="pmi")
    assert round(float(score), 2) == 18.38


@pytest.mark.parametrize(
    ("k11", "k12", "k21", "k22", "expected", "tol"),
    [(1, 0, 0, 1, 2.772589, 1e-6), (10, 0, 0, 10, 27.72589, 1e-5), (5, 1995, 0, 100000, 39.33052, 1e-5),
     (1000, 1995, 1000, 100000, 4730.737, 1e-3)],
)
def test_g2_dunning_reference_values(k11, k12, k21, k22, expected, tol):
    """Dunning (1993) G², values asserted by Apache Mahout's LogLikelihoodTest.java: the context is
    row 1 (t = k11 + k12), the co-occurrent column 1 (F = k11 + k21)."""
    score, p_value = cooccurrence_score(k11, k11 + k12, k11 + k21, k11 + k12 + k21 + k22, measure="g2")
    assert float(score) == pytest.approx(expected, abs=tol)
    assert float(p_value) == pytest.approx(stats.chi2.sf(expected, 1), rel=1e-3)


# The reference lexicon of the R package textometry (TXM), tests/specificities.lexicon.new.Rout
# (cran/textometry): a part of 10 tokens in a corpus of 28; the published specificities of the part.
LEXICON = dict(zip(["aa", "bb", "cc", "dd", "ee", "ff", "gg", "hh", "ii", "jj", "kk", "ll", "mm"],
                   [1, 2, 1, 3, 2, 1, 2, 2, 2, 4, 1, 3, 4], strict=True))
SUBLEXICON = {"aa": 1, "dd": 2, "gg": 1, "jj": 3, "bb": 2, "cc": 1}
TXM_PART = {"aa": 0.4472, "bb": 0.9243, "cc": 0.4472, "dd": 0.5469, "gg": 0.2253, "jj": 0.9365}


def test_lafon_cooccurrence_reproduces_txm_specificities():
    """The context of the pivot is the TXM part (10 tokens), the other tokens the rest of the
    28-token corpus: the co-occurrence index is the published specificity of each word."""
    context = " ".join(w for w, n in SUBLEXICON.items() for _ in range(n))
    rest = " ".join(w for w, n in LEXICON.items() for _ in range(n - SUBLEXICON.get(w, 0)))
    corpus = pd.DataFrame({"doc_id": ["d1"], "text": [f"Pivot {context}. {rest}."]})
    result = cooccurrences(corpus, "pivot", window="sentence", min_count=1)
    assert result.attrs["pivot_occurrences"] == 1
    assert set(result["context_size"]) == {10} and set(result["corpus_size"]) == {28}
    assert dict(zip(result["term"], result["score"].round(4), strict=True)) == TXM_PART
    # sorted by score, then term (aa and cc tie)
    assert result["term"].tolist() == ["jj", "bb", "dd", "aa", "cc", "gg"]
    row = result.set_index("term").loc["jj"]
    assert (row["cofrequency"], row["frequency"]) == (3, 4)
    assert row["expected"] == pytest.approx(10 * 4 / 28)
    assert row["p_value"] == pytest.approx(stats.hypergeom.sf(2, 28, 4, 10))


# --- contexts ---------------------------------------------------------------------------


def frame(*texts):
    return pd.DataFrame({"doc_id": [f"d{i}" for i in range(1, len(texts) + 1)], "text": list(texts)})


def counts(result):
    return dict(zip(result["term"], result["cofrequency"], strict=True))


def test_window_stops_at_strong_delimiters_and_documents():
    corpus = frame("un deux paix trois quatre ; cinq six. Sept paix", "huit neuf")
    result = cooccurrences(corpus, "paix", window=2, min_count=1)
    # first paix: un deux | trois quatre (';' stops the window); second: sept (start of its sequence),
    # nothing after (end of document: "huit" is in another article)
    assert counts(result) == {"un": 1, "deux": 1, "trois": 1, "quatre": 1, "sept": 1}
    assert set(result["context_size"]) == {5}
    assert set(result["corpus_size"]) == {9}  # 11 tokens less the 2 pivot tokens


def test_overlapping_windows_count_each_position_once_and_pivot_is_not_its_own_cooccurrent():
    corpus = frame("alpha paix beta paix gamma")
    result = cooccurrences(corpus, "paix", window=2, min_count=1)
    assert counts(result) == {"alpha": 1, "beta": 1, "gamma": 1}
    assert set(result["context_size"]) == {3} and set(result["corpus_size"]) == {3}


def test_sentence_window_match_at_start_and_end():
    corpus = frame("Paix a b. c d paix")
    result = cooccurrences(corpus, "paix", window="sentence", min_count=1)
    assert counts(result) == {"a": 1, "b": 1, "c": 1, "d": 1}


def test_phrase_pivot_both_apostrophes_and_lemmas():
    corpus = frame("Elle défend l’initiative de la Ceinture. Il soutient l'initiative chinoise.",
                   "Ils ont coopéré. Elles coopèrent toujours.")
    phrase = cooccurrences(corpus, "l'initiative", window=1, min_count=1)
    assert counts(phrase) == {"défend": 1, "de": 1, "soutient": 1, "chinoise": 1}
    assert phrase.attrs["pivot_occurrences"] == 2
    by_lemma = cooccurrences(corpus, "coopérer", window=1, unit="lemma", min_count=1)
    assert by_lemma.attrs["pivot_occurrences"] == 2
    assert counts(by_lemma) == {"avoir": 1, "elle": 1, "toujours": 1}


def test_family_pivot_and_family_unit():
    corpus = frame("Le véritable multilatéralisme et la coopération gagnant-gagnant vont de pair. "
                   "Le multilatéralisme, la paix et la stabilité.")
    words = cooccurrences(corpus, "family:multilateralisme", window=3, min_count=1)
    assert words.attrs["pivot_occurrences"] == 2
    assert "véritable" not in set(words["term"])  # inside the pivot's own match
    assert counts(words)["coopération"] == 1
    families = cooccurrences(corpus, "family:multilateralisme", window="sentence", unit="family", min_count=1)
    assert counts(families) == {"gagnant-gagnant": 1, "paix-stabilite": 1}


def test_stopwords_are_hidden_without_changing_scores():
    corpus = frame("La paix et la stabilité de la région. La paix durable.")
    every = cooccurrences(corpus, "paix", window=3, min_count=1).set_index("term")
    hidden = cooccurrences(corpus, "paix", window=3, min_count=1, stopwords=True).set_index("term")
    assert "la" in every.index and "la" not in hidden.index
    pd.testing.assert_frame_equal(hidden, every.loc[hidden.index])


@pytest.mark.parametrize("measure", ["lafon", "g2", "pmi", "t"])
def test_measures_agree_with_the_statistics_module(measure):
    corpus = frame("paix et stabilité. paix et stabilité. paix durable. stabilité régionale et sécurité.")
    result = cooccurrences(corpus, "paix", window=2, measure=measure, min_count=1).set_index("term")
    f, t, F, T = 2, 5, 3, 9  # stabilité: in 2 of the 5 context positions, 3 times among the 9 others
    row = result.loc["stabilité"]
    assert (row["cofrequency"], row["context_size"], row["frequency"], row["corpus_size"]) == (f, t, F, T)
    expected = {
        "lafon": float(lafon_specificity(f, t, F, T)[0]),
        "g2": float(log_likelihood(f, F - f, t, T - t)[0]),
        "pmi": math.log2(f / (t * F / T)),
        "t": (f - t * F / T) / math.sqrt(f),
    }[measure]
    assert row["score"] == pytest.approx(expected)


def test_absent_pivot_and_empty_document():
    result = cooccurrences(frame("", "La paix."), "guerre")
    assert result.empty and result.attrs["pivot_occurrences"] == 0
    assert list(result.columns) == ["term", "cofrequency", "frequency", "expected", "score", "p_value",
                                    "context_size", "corpus_size"]


@pytest.mark.parametrize(
    ("options", "message"),
    [({"pivot": ""}, "pivot must be"), ({"pivot": "paix", "window": 0}, "window must be"),
     ({"pivot": "paix", "window": "paragraph"}, "window must be"),
     ({"pivot": "paix", "unit": "x"}, "unit must be"),
     ({"pivot": "paix", "measure": "dice"}, "measure must be"),
     ({"pivot": "paix", "min_count": 0}, "min_count"),
     ({"pivot": "family:nope"}, "pivot: unknown family")],
)
def test_bad_arguments(options, message):
    with pytest.raises(ValueError, match=message):
        cooccurrences(frame("La paix."), **options)


def test_linear_passes_on_many_documents():
    corpus = frame(*["La paix et la stabilité. Un autre mot."] * 500)
    result = cooccurrences(corpus, "paix", window=1).set_index("term")
    assert result.loc["et", "cofrequency"] == 500 and result.loc["la", "cofrequency"] == 500


# --- formula network -------------------------------------------------------------------


NETWORK_TEXTS = (
    "Le véritable multilatéralisme et la coopération gagnant-gagnant. Le multilatéralisme et le bénéfice "
    "mutuel. La paix et la stabilité. Rien d'autre.",
    "La paix et la stabilité avec le multilatéralisme.",
)


def test_formula_network_by_sentence_exact_values():
    network = formula_network(frame(*NETWORK_TEXTS))
    edges = network.edges.set_index(["family_a", "family_b"])
    # 5 sentences: multilatéralisme in 3, gagnant-gagnant in 2 (both times with it), paix in 2 (once with it)
    row = edges.loc[("gagnant-gagnant", "multilateralisme")]
    assert (row["together"], row["units_a"], row["units_b"], row["n_units"]) == (2, 2, 3, 5)
    assert row["expected"] == pytest.approx(2 * 3 / 5)
    # P(X >= 2), X ~ Hypergeometric(5, 3, 2) = C(3,2) / C(5,2) = 3/10
    assert row["p_value"] == pytest.approx(0.3)
    assert row["score"] == pytest.approx(-math.log10(0.3))
    # multilatéralisme and paix meet once where 3 × 2 / 5 = 1.2 are expected: below chance, no edge
    assert ("multilateralisme", "paix-stabilite") not in edges.index
    assert len(network.nodes) == 17
    assert network.nodes.set_index("family").loc["multilateralisme", "matches"] == 3
    graph = network.graph
    assert isinstance(graph, nx.Graph) and graph.number_of_nodes() == 17 and graph.number_of_edges() == 1
    assert graph.edges["gagnant-gagnant", "multilateralisme"]["together"] == 2


def test_formula_network_by_article_and_g2():
    network = formula_network(frame(*NETWORK_TEXTS, "Rien."), unit="article", measure="g2", min_score=-1e9)
    row = network.edges.set_index(["family_a", "family_b"]).loc[("multilateralisme", "paix-stabilite")]
    assert (row["together"], row["units_a"], row["units_b"], row["n_units"]) == (2, 2, 2, 3)
    assert row["score"] == pytest.approx(float(log_likelihood(2, 0, 2, 1)[0]))
    assert network.edges["score"].is_monotonic_decreasing


def test_formula_network_bad_arguments():
    with pytest.raises(ValueError, match="unit must be one of"):
        formula_network(frame("x"), unit="paragraph")
    with pytest.raises(ValueError, match="measure must be one of"):
        formula_network(frame("x"), measure="pmi")
    with pytest.raises(ValueError, match="min_score"):
        formula_network(frame("x"), min_score=np.nan)


# --- sequences -------------------------------------------------------------------------


def test_strong_delimiters_are_those_of_repeated_segments():
    from analysis.cooccurrence import strong_delimiters
    from analysis.segments import STRONG_DELIMITERS

    text = "M. Xi a dit : 3.5 % ; oui ! Non ? Bien… Fin.\n\nAutre"
    marks = strong_delimiters(text)
    assert [text[m] for m in marks] == [":", ";", "!", "?", "…", ".", "\n"]
    assert {text[m] if text[m] != "\n" else "\n\n" for m in marks} == set(STRONG_DELIMITERS)
    other = "L’amitié sino-bélarusse."
    index = build_index(frame(text, other))
    assert index.lower_vocab[index.lower_ids].tolist() == tokenize(text) + tokenize(other)
    assert int(index.breaks.sum()) == 8  # 7 sequences in the first text, 1 in the second
    first = index.doc_first[1]
    assert text[index.starts[0] : index.ends[0]] == "M" and index.starts[first] == 0


# --- the token index -------------------------------------------------------------------------

INDEXED = ("Le véritable multilatéralisme et la coopération gagnant-gagnant : la coopération avance. "
           "La Chine défend le multilatéralisme.",
           "La coopération d’abord ; la coopération gagnant-gagnant ensuite. Le véritable multilatéralisme !",
           "")


@pytest.mark.parametrize(("pivot", "options"), [
    ("coopération", {}), ("véritable multilatéralisme", {"window": "sentence", "measure": "g2"}),
    ("coopération", {"unit": "lemma", "window": 2}), ("family:multilateralisme", {"min_count": 1}),
    ("coopération", {"unit": "family", "min_count": 1, "window": "sentence"}),
])
def test_an_index_gives_the_same_cooccurrents_as_its_frame(pivot, options):
    corpus = pd.DataFrame({"doc_id": ["z", "a", "m"], "text": list(INDEXED)})  # rows not in doc_id order
    from_frame = cooccurrences(corpus, pivot, **options)
    from_index = cooccurrences(build_index(corpus), pivot, **options)
    assert len(from_frame) >= 1
    pd.testing.assert_frame_equal(from_frame, from_index)
    assert from_frame.attrs == from_index.attrs


@pytest.mark.parametrize("unit", ["sentence", "article"])
def test_an_index_gives_the_same_network_as_its_frame(unit):
    corpus = pd.DataFrame({"doc_id": ["z", "a", "m"], "text": list(INDEXED)})
    from_frame = formula_network(corpus, unit=unit, min_score=-100)
    from_index = formula_network(build_index(corpus), unit=unit, min_score=-100)
    assert len(from_frame.edges) >= 1
    pd.testing.assert_frame_equal(from_frame.edges, from_index.edges)
    pd.testing.assert_frame_equal(from_frame.nodes, from_index.nodes)
    with pytest.raises(ValueError, match="progress must be None, True or False"):
        formula_network(corpus, progress=1)
    with pytest.raises(ValueError, match="progress must be None, True or False"):
        cooccurrences(corpus, "coopération", progress="no")
