"""Tests of analysis.candidates: new wordings of formula families, proposed for the lexicon."""

import math
import os

import pandas as pd
import pytest
import yaml

from analysis import build_index, family_key_words, find_formulas, formula_candidates, load_lexicon

FOCAC = ("Le président Xi Jinping a appelé à bâtir ensemble une communauté Chine-Afrique à toute épreuve "
         "avec un avenir commun pour la nouvelle ère. La coopération se renforce.")
FOCAC_WORDING = "communauté Chine-Afrique à toute épreuve avec un avenir commun pour la nouvelle ère"
LISTED = ("Les deux pays bâtissent une communauté d’avenir partagé pour l'humanité. Ils défendent le "
          "véritable multilatéralisme et la coopération gagnant-gagnant, la paix et la stabilité.")


def frame(*texts):
    return pd.DataFrame({"doc_id": [f"d{i}" for i in range(1, len(texts) + 1)], "text": list(texts)})


def test_focac_wording_is_proposed_with_a_kwic_line():
    result = formula_candidates(frame(FOCAC))
    assert len(result) == 1
    row = result.iloc[0]
    assert row["family"] == "communaute-destin"
    assert row["candidate"] == FOCAC_WORDING
    assert row["phrase"] == FOCAC_WORDING.lower()
    assert row["key_words"] == "avenir|commun|communauté" and row["n_key_words"] == 3
    assert (row["count"], row["n_docs"], row["doc_id"]) == (1, 1, "d1")
    assert FOCAC[row["start"] : row["end"]] == FOCAC_WORDING
    assert row["left"] == "Xi Jinping a appelé à bâtir ensemble une"
    assert row["right"] == ". La coopération se renforce"
    weights = family_key_words(load_lexicon()["communaute-destin"]).set_index("key_word")["weight"]
    assert row["score"] == pytest.approx(weights["communauté"] + weights["avenir"] + weights["commun"])


def test_yaml_snippet_adds_the_wording_in_one_step(tmp_path):
    snippet = formula_candidates(frame(FOCAC)).iloc[0]["yaml_snippet"]
    path = tmp_path / "my_lexicon.yaml"
    path.write_text(snippet, encoding="utf-8")
    entry = yaml.safe_load(snippet)["families"][0]
    shipped = load_lexicon()["communaute-destin"]
    assert entry["id"] == "communaute-destin"
    assert [v["id"] for v in entry["variants"][:-1]] == [v["id"] for v in shipped["variants"]]
    matches = find_formulas(frame(FOCAC), lexicon=path)
    found = matches[matches["family"] == "communaute-destin"]
    assert found["matched"].tolist() == [FOCAC_WORDING]
    # once added, the wording is listed: nothing left to propose
    assert formula_candidates(frame(FOCAC), lexicon=path).empty


def test_nothing_proposed_where_every_wording_is_listed():
    result = formula_candidates(frame(LISTED, ""))
    assert result.empty
    assert list(result.columns) == ["family", "strategy", "candidate", "phrase", "key_words", "n_key_words",
                                    "score", "count", "n_docs", "doc_id", "start", "end", "left", "right",
                                    "yaml_snippet"]


def test_match_at_start_and_end_of_text_both_apostrophes_and_grouping():
    start = "Communauté sino-africaine d’un avenir commun"
    end = "Nous voulons une communauté sino-africaine d'un avenir commun"
    result = formula_candidates(frame(start, end), family="communaute-destin")
    assert len(result) == 1
    row = result.iloc[0]
    assert row["phrase"] == "communauté sino-africaine d'un avenir commun"
    assert (row["count"], row["n_docs"], row["start"], row["candidate"]) == (2, 2, 0, start)
    assert row["left"] == ""


def test_family_filter_inverted_order_and_sentence_boundaries():
    text = "Ils prônent un multilatéralisme véritable. Le multilatéralisme. Véritable progrès."
    result = formula_candidates(frame(text))
    assert result["phrase"].tolist() == ["multilatéralisme véritable"]
    assert formula_candidates(frame(text), family="communaute-destin").empty
    # key words farther apart than max_gap are not one candidate
    far = "Le multilatéralisme " + "et encore " * 5 + "véritable."
    assert formula_candidates(frame(far), family="multilateralisme", max_gap=8).empty
    assert len(formula_candidates(frame(far), family="multilateralisme", max_gap=10)) == 1


def test_key_words_of_a_family():
    keys = family_key_words(load_lexicon()["communaute-destin"])
    assert keys.iloc[0].tolist() == ["communauté", 1.0, True]
    assert {"avenir", "destin", "commun", "humanité"} <= set(keys["key_word"])
    assert "chine" not in set(keys["key_word"])  # wildcard alternatives (Chine-*) are names, not key words
    assert keys["head"].sum() == 1


@pytest.mark.parametrize(("options", "message"),
                         [({"family": "nope"}, "family must be None or one of"),
                          ({"min_key_words": 1}, "min_key_words"), ({"max_gap": 0}, "max_gap"),
                          ({"extend": -1}, "extend"),
                          ({"strategy": "context"},
                           r"strategy must be one of \('keywords', 'contexts', 'both'\)"),
                          ({"window": 0}, "window"), ({"max_len": 1}, "max_len"),
                          ({"min_similarity": 0}, "min_similarity"),
                          ({"min_similarity": 1.5}, "min_similarity"),
                          ({"min_context_words": 0}, "min_context_words"), ({"progress": "yes"}, "progress")])
def test_bad_arguments(options, message):
    with pytest.raises(ValueError, match=message):
        formula_candidates(frame(FOCAC), **options)


# --- strategy "contexts": the same surroundings as a listed wording ---------------------------

LISTED_IN_CONTEXT = ("Le président a appelé à bâtir une communauté d’avenir partagé. "
                     "La coopération se renforce.")
NEW_IN_CONTEXT = "Le ministre a appelé à bâtir un monde harmonieux et prospère. La coopération se renforce."


def test_contexts_propose_a_wording_that_shares_no_key_word():
    corpus = frame(LISTED_IN_CONTEXT, NEW_IN_CONTEXT)
    assert formula_candidates(corpus).empty  # no key word of the family: invisible to "keywords"
    result = formula_candidates(corpus, strategy="contexts")
    assert len(result) == 1
    row = result.iloc[0]
    assert (row["family"], row["strategy"]) == ("communaute-destin", "contexts")
    assert row["candidate"] == row["phrase"] == "monde harmonieux et prospère"
    keys = set(family_key_words(load_lexicon()["communaute-destin"])["key_word"])
    assert not set(row["phrase"].split()) & keys
    assert (row["key_words"], row["n_key_words"]) == ("appeler|bâtir", 2)  # context words shared
    assert (row["count"], row["n_docs"], row["doc_id"], row["start"], row["end"]) == (1, 1, "d2", 32, 60)
    assert row["left"] == "Le ministre a appelé à bâtir un"
    assert row["right"] == ". La coopération se renforce"
    # Cosine of the tf-idf context vectors, worked by hand: 30 tokens; content words before the
    # listed wording bâtir (1st, weight 1), appeler (2nd, 1/2), président (3rd, 1/3); before the
    # candidate bâtir, appeler, ministre; idf = ln(30 / frequency of the lemma).
    b, a, p = math.log(30 / 2), math.log(30 / 2), math.log(30 / 1)
    cosine = (b * b + (a / 2) ** 2) / (b * b + (a / 2) ** 2 + (p / 3) ** 2)
    assert row["score"] == pytest.approx(cosine, rel=1e-12)
    assert round(cosine, 6) == 0.877027


def test_contexts_snippet_adds_the_wording_and_then_nothing_is_left(tmp_path):
    corpus = frame(LISTED_IN_CONTEXT, NEW_IN_CONTEXT)
    path = tmp_path / "mine.yaml"
    path.write_text(formula_candidates(corpus, strategy="contexts").iloc[0]["yaml_snippet"], encoding="utf-8")
    found = find_formulas(corpus, lexicon=path)
    assert found["matched"].tolist() == ["communauté d’avenir partagé", "monde harmonieux et prospère"]
    assert formula_candidates(corpus, strategy="both", lexicon=path).empty


def test_contexts_propose_nothing_where_every_wording_is_listed_and_on_edge_cases():
    assert formula_candidates(frame(LISTED, ""), strategy="both").empty
    assert formula_candidates(frame(LISTED_IN_CONTEXT, LISTED_IN_CONTEXT), strategy="contexts").empty
    # no listed wording anywhere: no profile, nothing proposed
    assert formula_candidates(frame(NEW_IN_CONTEXT, "Il pleut."), strategy="contexts").empty
    assert formula_candidates(frame(""), strategy="contexts").empty
    # the family filter, and a similarity threshold above the candidate's score
    corpus = frame(LISTED_IN_CONTEXT, NEW_IN_CONTEXT)
    assert formula_candidates(corpus, strategy="contexts", family="multilateralisme").empty
    assert formula_candidates(corpus, strategy="contexts", min_similarity=0.88).empty
    assert len(formula_candidates(corpus, strategy="contexts", min_similarity=0.87)) == 1
    assert formula_candidates(corpus, strategy="contexts", min_context_words=3).empty


def test_both_strategies_keywords_first_and_a_passage_once():
    result = formula_candidates(frame(FOCAC, LISTED_IN_CONTEXT, NEW_IN_CONTEXT), strategy="both")
    assert result[["strategy", "phrase"]].values.tolist() == [
        ["keywords", FOCAC_WORDING.lower()], ["contexts", "monde harmonieux et prospère"]]
    keywords = formula_candidates(frame(FOCAC, LISTED_IN_CONTEXT, NEW_IN_CONTEXT))
    assert keywords["strategy"].tolist() == ["keywords"]


@pytest.mark.parametrize("strategy", ["keywords", "contexts", "both"])
def test_an_index_gives_the_same_candidates_as_its_frame(strategy):
    corpus = frame(NEW_IN_CONTEXT, FOCAC, LISTED, LISTED_IN_CONTEXT, "")
    from_frame = formula_candidates(corpus, strategy=strategy)
    from_index = formula_candidates(build_index(corpus), strategy=strategy)
    assert len(from_frame) >= 1
    pd.testing.assert_frame_equal(from_frame, from_index)


def test_scores_and_order_do_not_depend_on_the_hash_seed():
    # The key words of a group are a set, whose order changes with Python's hash seed; summing their
    # weights in that order gave 2.4285714285714284 or 2.428571428571429 from one run to the next.
    import subprocess
    import sys

    script = (
        "import pandas as pd, analysis\n"
        "text = \"Les deux pays bâtissent une communauté d avenir partagé pour l'humanité avenir. Fin.\"\n"
        "found = analysis.formula_candidates(pd.DataFrame({'doc_id': ['d'], 'text': [text]}))\n"
        "print(repr(found[['phrase', 'score']].values.tolist()))\n"
    )
    runs = {
        seed: subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                             env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2", "3", "7")
    }
    assert len(set(runs.values())) == 1
    assert "communauté d avenir partagé pour l'humanité avenir" in runs["1"]
