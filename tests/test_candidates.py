"""Tests of analysis.candidates: new wordings of formula families, proposed for the lexicon."""

import pandas as pd
import pytest
import yaml

from analysis import family_key_words, find_formulas, formula_candidates, load_lexicon

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
    assert list(result.columns) == ["family", "candidate", "phrase", "key_words", "n_key_words", "score",
                                    "count", "n_docs", "doc_id", "start", "end", "left", "right",
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
                          ({"extend": -1}, "extend")])
def test_bad_arguments(options, message):
    with pytest.raises(ValueError, match=message):
        formula_candidates(frame(FOCAC), **options)
