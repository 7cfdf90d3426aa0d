"""Tests of analysis.formulas: the lexicon, its variant syntax, matching and counts."""

from __future__ import annotations

import random
import re
import time
from pathlib import Path

import pandas as pd
import pytest

from analysis import (
    LexiconError,
    compile_phrase,
    find_formulas,
    formula_counts,
    formula_pattern,
    formulas_by_speaker,
    load_corpus,
    load_lexicon,
    matching,
    phrases,
    sentences,
)
from analysis import formulas as formulas_module
from analysis.formulas import MATCH_COLUMNS
from analysis.lexicon import family_matchers
from analysis.matching import WordPositions, matchers_vocabulary, text_view, word_positions
from analysis.phrases import PREFILTERS, fast_patterns, key_words, required_words

SEED_DIR = Path(__file__).resolve().parent / "data" / "seed"  # frozen copy of the seed articles


def corpus(*texts: str, **columns) -> pd.DataFrame:
    frame = pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(texts))], "text": list(texts)})
    for name, values in columns.items():
        frame[name] = values
    return frame


def matches(text: str, family: str | None = None) -> list[tuple[str, str]]:
    found = find_formulas(corpus(text))
    if family is not None:
        found = found[found["family"] == family]
    return list(zip(found["variant"], found["matched"], strict=True))


# One case per variant of the shipped lexicon: (family, variant, text, exact match).
VARIANT_CASES = [
    ("multilateralisme", "veritable-multilateralisme", "Pratiquer un véritable multilatéralisme.",
     "véritable multilatéralisme"),
    ("multilateralisme", "vrai-multilateralisme",
     "Un vrai multilatéralisme s'impose.", "vrai multilatéralisme"),
    ("multilateralisme", "multilateralisme", "Le multilatéralisme recule.", "multilatéralisme"),
    ("gagnant-gagnant", "cooperation-gagnant-gagnant", "une coopération gagnant–gagnant",
     "coopération gagnant–gagnant"),
    ("gagnant-gagnant", "gagnant-gagnant", "des résultats gagnant-gagnant.", "gagnant-gagnant"),
    ("gagnant-gagnant", "benefice-mutuel", "sur la base du bénéfice mutuel", "bénéfice mutuel"),
    ("gagnant-gagnant", "avantage-mutuel", "pour des avantages mutuels", "avantages mutuels"),
    ("gagnant-gagnant", "mutuellement-benefique", "une coopération mutuellement avantageuse",
     "mutuellement avantageuse"),
    ("ceinture-et-route", "initiative-ceinture-et-route",
     "dans le cadre de l’Initiative « la Ceinture et la Route ».", "Initiative « la Ceinture et la Route »"),
    ("ceinture-et-route", "ceinture-et-route", "les pays de la Ceinture et de la Route",
     "Ceinture et de la Route"),
    ("ceinture-et-route", "une-ceinture-une-route", "le projet « Une ceinture, une route »",
     "Une ceinture, une route"),
    ("ceinture-et-route", "nouvelles-routes-de-la-soie", "les Nouvelles Routes de la soie",
     "Nouvelles Routes de la soie"),
    ("communaute-destin", "communaute-destin-humanite", "une communauté de destin pour l'humanité",
     "communauté de destin pour l'humanité"),
    ("communaute-destin", "communaute-avenir-partage-humanite",
     "la communauté d’avenir partagé pour l’humanité",
     "communauté d’avenir partagé pour l’humanité"),
    ("communaute-destin", "communaute-mondiale-avenir-partage", "une communauté mondiale d'avenir partagé",
     "communauté mondiale d'avenir partagé"),
    ("communaute-destin", "communaute-avenir-partage-regionale",
     "une communauté d'avenir partagé Chine-Afrique",
     "communauté d'avenir partagé Chine-Afrique"),
    ("communaute-destin", "communaute-destin-regionale", "la communauté de destin sino-africaine",
     "communauté de destin sino-africaine"),
    ("communaute-destin", "communaute-destin",
     "une communauté de destin plus étroite", "communauté de destin"),
    ("communaute-destin", "communaute-avenir-partage", "une communauté d'avenir partagé dans le cyberespace",
     "communauté d'avenir partagé"),
    ("sud-global", "sud-global", "les pays du ‘Sud global’", "Sud global"),
    ("sud-global", "sud-mondial", "le Sud mondial", "Sud mondial"),
    ("sud-global", "grand-sud", "les pays du Grand Sud", "Grand Sud"),
    ("ocs", "ocs-nom-et-sigle", "l'Organisation de coopération de Shanghai (OCS)",
     "Organisation de coopération de Shanghai (OCS)"),
    ("ocs", "organisation-cooperation-shanghai", "l’Organisation de coopération de Shanghai",
     "Organisation de coopération de Shanghai"),
    ("ocs", "ocs-sigle", "le sommet de l'OCS", "OCS"),
    ("multipolarite", "multipolarisation-egale-ordonnee", "une multipolarisation égale et ordonnée",
     "multipolarisation égale et ordonnée"),
    ("multipolarite", "monde-multipolaire-egal-ordonne", "un monde multipolaire égal et ordonné",
     "monde multipolaire égal et ordonné"),
    ("multipolarite", "multipolarisation", "la multipolarisation du monde", "multipolarisation"),
    ("multipolarite", "monde-multipolaire", "un monde multipolaire", "monde multipolaire"),
    ("multipolarite", "multipolarite", "la multipolarité", "multipolarité"),
    ("multipolarite", "multipolaire", "un ordre multipolaire", "multipolaire"),
    ("partenariat-strategique", "partenariat-strategique-global-par-tous-les-temps",
     "un partenariat stratégique global par tous les temps",
     "partenariat stratégique global par tous les temps"),
    ("partenariat-strategique", "partenariat-strategique-global",
     "un partenariat de coopération stratégique global", "partenariat de coopération stratégique global"),
    ("partenariat-strategique", "partenariat-strategique", "des partenariats stratégiques",
     "partenariats stratégiques"),
    ("partenariat-strategique", "partenaire-par-tous-les-temps", "un partenaire par tous les temps",
     "partenaire par tous les temps"),
    ("partenariat-strategique", "par-tous-les-temps", "une amitié par tous les temps", "par tous les temps"),
    ("partenariat-strategique", "a-toute-epreuve", "une amitié à toute épreuve", "à toute épreuve"),
    ("interets-fondamentaux", "interets-fondamentaux", "les intérêts fondamentaux", "intérêts fondamentaux"),
    ("interets-fondamentaux", "interets-cles", "les intérêts-clés", "intérêts-clés"),
    ("interets-fondamentaux", "interets-cles-et-preoccupations",
     "les intérêts clés et les préoccupations majeures de chacun",
     "intérêts clés et les préoccupations majeures"),
    ("interets-fondamentaux", "interets-fondamentaux-et-preoccupations",
     "ses intérêts fondamentaux et préoccupations majeures",
     "intérêts fondamentaux et préoccupations majeures"),
    ("interets-fondamentaux", "interets-vitaux", "ses intérêts vitaux", "intérêts vitaux"),
    ("interets-fondamentaux", "preoccupations-majeures", "les préoccupations majeures",
     "préoccupations majeures"),
    ("cooperation-haute-qualite", "cooperation-haute-qualite", "une coopération de haute qualité",
     "coopération de haute qualité"),
    ("cooperation-haute-qualite", "developpement-haute-qualite", "le développement de haute qualité",
     "développement de haute qualité"),
    ("cooperation-haute-qualite", "construction-haute-qualite", "la construction conjointe de haute qualité",
     "construction conjointe de haute qualité"),
    ("esprit-de-shanghai", "esprit-de-shanghai", "faire rayonner L’esprit de Shanghai", "esprit de Shanghai"),
    ("initiatives-mondiales", "initiative-developpement-mondial",
     "l'Initiative pour le développement mondial",
     "Initiative pour le développement mondial"),
    ("initiatives-mondiales", "initiative-securite-mondiale", "l'Initiative de sécurité mondiale",
     "Initiative de sécurité mondiale"),
    ("initiatives-mondiales", "initiative-civilisation-mondiale",
     "l'Initiative pour la civilisation mondiale",
     "Initiative pour la civilisation mondiale"),
    ("initiatives-mondiales", "initiative-gouvernance-mondiale", "l'Initiative pour la gouvernance mondiale",
     "Initiative pour la gouvernance mondiale"),
    ("initiatives-mondiales", "initiatives-mondiales", "les trois initiatives mondiales",
     "initiatives mondiales"),
    ("paix-stabilite", "paix-et-stabilite", "à la paix et à la stabilité", "paix et à la stabilité"),
    ("paix-stabilite", "paix-virgule-stabilite", "de la paix, de la stabilité et du développement",
     "paix, de la stabilité"),
    ("paix-stabilite", "stabilite-et-paix", "la stabilité et la paix régionales", "stabilité et la paix"),
    ("non-ingerence", "non-ingerence-affaires-interieures", "la non-ingérence dans les affaires intérieures",
     "non-ingérence dans les affaires intérieures"),
    ("non-ingerence", "ingerence-affaires-interieures", "toute ingérence dans les affaires intérieures",
     "ingérence dans les affaires intérieures"),
    ("non-ingerence", "non-ingerence", "le principe de non ingérence", "non ingérence"),
    ("non-ingerence", "non-interference", "la non-interférence", "non-interférence"),
    ("non-ingerence", "cinq-principes", "les cinq principes de la coexistence pacifique",
     "cinq principes de la coexistence pacifique"),
    ("consensus", "consensus-important", "le consensus important atteint", "consensus important"),
    ("consensus", "important-consensus", "l'important consensus", "important consensus"),
    ("consensus", "consensus-six-points", "le consensus en 6 points", "consensus en 6 points"),
    ("consensus", "consensus", "un large consensus", "consensus"),
    ("trois-principes", "non-extension-champ-de-bataille", "la non-extension du champ de bataille",
     "non-extension du champ de bataille"),
    ("trois-principes", "non-escalade-combats", "la non-escalade des combats", "non-escalade des combats"),
    ("trois-principes", "trois-principes-enumeres",
     "suivre les trois principes de non-extension du champ de bataille, de non-escalade des combats et de "
     "non-incitation à attiser les flammes par quelque partie que ce soit",
     "trois principes de non-extension du champ de bataille, de non-escalade des combats et de "
     "non-incitation à attiser les flammes"),
    ("trois-principes", "non-incitation-attiser-flammes", "la non-incitation à attiser les flammes",
     "non-incitation à attiser les flammes"),
    ("trois-principes", "ne-pas-attiser-les-flammes",
     "ne pas attiser les flammes", "ne pas attiser les flammes"),
    ("mondialisation-inclusive", "mondialisation-inclusive-benefique",
     "une mondialisation économique inclusive et bénéfique pour tous",
     "mondialisation économique inclusive et bénéfique pour tous"),
    ("mondialisation-inclusive", "mondialisation-inclusive", "une mondialisation inclusive",
     "mondialisation inclusive"),
]


@pytest.mark.parametrize(
    ("family", "variant", "text", "expected"), VARIANT_CASES, ids=[case[1] for case in VARIANT_CASES]
)
def test_each_variant_matches_its_example_exactly(family, variant, text, expected):
    assert matches(text, family) == [(variant, expected)]
    # A decomposed accent anywhere sends the text down the general
    # (case-insensitive, accent-tolerant) path: same result.
    assert matches("De\u0301but. " + text, family) == [(variant, expected)]


def test_every_shipped_variant_has_a_case():
    shipped = {(f["id"], v["id"]) for f in load_lexicon().values() for v in f["variants"]}
    assert shipped == {(family, variant) for family, variant, _, _ in VARIANT_CASES}


def test_required_families_are_shipped_with_their_metadata():
    lexicon = load_lexicon()
    required = {
        "multilateralisme", "gagnant-gagnant", "ceinture-et-route", "communaute-destin", "sud-global", "ocs",
        "multipolarite", "partenariat-strategique", "interets-fondamentaux", "cooperation-haute-qualite",
        "esprit-de-shanghai", "initiatives-mondiales", "paix-stabilite", "non-ingerence", "consensus",
    }
    assert required <= set(lexicon)
    for family in lexicon.values():
        assert family["label"] and family["category"] and family["description"] and family["source_wording"]
    assert lexicon["multilateralisme"]["source_wording"].startswith("真正的多边主义")


# --------------------------------------------------------------------------- tolerance


def test_both_apostrophes_match():
    text = "la communauté d'avenir partagé pour l'humanité ; la communauté d’avenir partagé pour l’humanité"
    assert matches(text) == [
        ("communaute-avenir-partage-humanite", "communauté d'avenir partagé pour l'humanité"),
        ("communaute-avenir-partage-humanite", "communauté d’avenir partagé pour l’humanité"),
    ]


def test_guillemets_and_quotes_inside_a_formula():
    assert matches("une coopération « gagnant-gagnant » et l'initiative \"Ceinture et Route\".") == [
        ("cooperation-gagnant-gagnant", "coopération « gagnant-gagnant »"),
        ("initiative-ceinture-et-route", "initiative \"Ceinture et Route\""),
    ]


def test_formula_split_across_a_line_break():
    text = "dans le cadre de la Ceinture et\nla Route, un véritable\r\n multilatéralisme"
    assert matches(text) == [
        ("ceinture-et-route", "Ceinture et\nla Route"),
        ("veritable-multilateralisme", "véritable\r\n multilatéralisme"),
    ]


def test_hyphen_space_and_dashes_are_one():
    text = "gagnant-gagnant, gagnant gagnant, gagnant–gagnant, gagnant — gagnant, gagnant\u2011gagnant"
    found = matches(text)
    assert [m for _, m in found] == [
        "gagnant-gagnant", "gagnant gagnant", "gagnant–gagnant", "gagnant — gagnant", "gagnant\u2011gagnant",
    ]


def test_case_plural_and_decomposed_accents():
    text = "PARTENARIATS STRATÉGIQUES GLOBAUX; le multilate\u0301ralisme"
    assert matches(text) == [
        ("partenariat-strategique-global", "PARTENARIATS STRATÉGIQUES GLOBAUX"),
        ("multilateralisme", "multilatéralisme"),  # the text brought to NFC (offsets point into it)
    ]


def test_optional_article():
    assert matches("Ceinture et Route; Ceinture et la Route") == [
        ("ceinture-et-route", "Ceinture et Route"),
        ("ceinture-et-route", "Ceinture et la Route"),
    ]


def test_match_at_text_start_and_end():
    text = "Gagnant-gagnant : telle est la devise du multilatéralisme"
    found = find_formulas(corpus(text))
    assert list(zip(found["start"], found["end"], strict=True)) == [(0, 15), (41, 57)]
    assert len(text) == 57


def test_whole_words_only():
    assert matches("multilatéralistes, OCSE, Sud globalisé, consensuel, supermultipolarité") == []


def test_overlapping_variants_of_one_family_count_once_the_longest():
    assert matches("le consensus important et le véritable multilatéralisme") == [
        ("consensus-important", "consensus important"),
        ("veritable-multilateralisme", "véritable multilatéralisme"),
    ]


def test_families_may_overlap_each_other(tmp_path):
    path = tmp_path / "two.yaml"
    path.write_text(
        "families:\n"
        "  - {id: a, label: a, variants: [{id: cooperation, phrase: coopération}]}\n"
        "  - {id: b, label: b, variants: [{id: gagnant, phrase: coopération gagnant-gagnant}]}\n",
        encoding="utf-8",
    )
    found = find_formulas(corpus("une coopération gagnant-gagnant"), lexicon=load_lexicon(path, extend=False))
    assert found[["family", "matched", "start", "end"]].values.tolist() == [
        ["a", "coopération", 4, 15],
        ["b", "coopération gagnant-gagnant", 4, 31],
    ]


# --------------------------------------------------------------------------- find_formulas


def test_empty_document_and_no_match_give_empty_frames():
    for text in ("", "Rien à signaler."):
        found = find_formulas(corpus(text))
        assert list(found.columns) == list(MATCH_COLUMNS)
        assert found.empty


def test_columns_offsets_sentence_and_order():
    text = "Le Sud global compte. La Chine prône le multilatéralisme et le Sud global."
    found = find_formulas(corpus(text, "Le consensus."))
    assert list(found.columns) == list(MATCH_COLUMNS)
    assert found[["doc_id", "family", "matched", "start", "end"]].values.tolist() == [
        ["d0", "sud-global", "Sud global", 3, 13],
        ["d0", "multilateralisme", "multilatéralisme", 40, 56],
        ["d0", "sud-global", "Sud global", 63, 73],
        ["d1", "consensus", "consensus", 3, 12],
    ]
    assert list(found["sentence"]) == [
        "Le Sud global compte.",
        "La Chine prône le multilatéralisme et le Sud global.",
        "La Chine prône le multilatéralisme et le Sud global.",
        "Le consensus.",
    ]
    assert list(found["speaker"]) == ["", "", "", ""]


def test_offsets_point_into_the_seed_corpus(seed_corpus):
    seed = seed_corpus
    found = find_formulas(seed)
    texts = dict(zip(seed["doc_id"], seed["text"], strict=True))
    assert len(found) == 22
    for row in found.itertuples():
        assert texts[row.doc_id][row.start : row.end] == row.matched


def test_seed_corpus_formulas_and_speakers(seed_corpus):
    found = find_formulas(seed_corpus)
    first = found[found["doc_id"] == "000_1c95603a728987f6"]
    assert first[["family", "matched", "speaker"]].values.tolist() == [
        ["multilateralisme", "véritable multilatéralisme", "xi-jinping"],
        ["gagnant-gagnant", "coopération gagnant-gagnant", "xi-jinping"],
        ["ocs", "Organisation de coopération de Shanghai (OCS)", ""],
        ["interets-fondamentaux", "intérêts clés et les préoccupations majeures", "xi-jinping"],
        ["cooperation-haute-qualite", "coopération de haute qualité", "xi-jinping"],
        ["ceinture-et-route", 'initiative "Ceinture et Route"', "xi-jinping"],
        ["paix-stabilite", "paix et à la stabilité", "loukachenko"],
        ["partenariat-strategique", "partenaire par tous les temps", "loukachenko"],
    ]


def test_find_formulas_rejects_bad_input():
    with pytest.raises(ValueError, match="corpus must be a pandas DataFrame"):
        find_formulas("un texte")
    with pytest.raises(ValueError, match=r"corpus has no column\(s\) \['doc_id'\]"):
        find_formulas(pd.DataFrame({"text": ["x"]}))
    with pytest.raises(ValueError, match="lexicon must be"):
        find_formulas(corpus("x"), lexicon=3)


# --------------------------------------------------------------------------- formula_pattern


def test_formula_pattern_matches_any_variant_longest_first():
    pattern = formula_pattern("consensus")
    assert isinstance(pattern, re.Pattern)
    text = "le consensus important, un consensus en six points, un consensus"
    assert [m.group() for m in pattern.finditer(text)] == [
        "consensus important", "consensus en six points", "consensus",
    ]


def test_formula_pattern_with_a_regex_variant_has_a_time_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(phrases, "REGEX_TIMEOUT", 0.2)
    path = tmp_path / "mine.yaml"
    path.write_text(USER_LEXICON + "      - id: cycle\n        regex: '(\\w|\\w\\w)+$'\n", encoding="utf-8")
    pattern = formula_pattern("ami-de-fer", lexicon=path)
    assert not isinstance(pattern, re.Pattern)
    assert [m.group() for m in pattern.finditer("Des Amis de fer. Fer")] == ["Amis de fer", "Fer"]
    started = time.perf_counter()
    with pytest.raises(LexiconError) as info:
        pattern.search("a" * 40 + "!")
    assert time.perf_counter() - started < 60  # stops (0.2 s of processor time)
    assert str(info.value).startswith(f"{path.resolve()}: family 'ami-de-fer': regular expression '(?")
    assert "was stopped after 0.2 s" in str(info.value)


def test_formula_pattern_unknown_family():
    with pytest.raises(ValueError, match="family_id must be one of"):
        formula_pattern("inconnue")


# --------------------------------------------------------------------------- phrase syntax


@pytest.mark.parametrize(
    ("phrase", "text", "expected"),
    [
        ("(la) Ceinture et (la) Route", "la Ceinture et la Route", "la Ceinture et la Route"),
        ("(la) Ceinture et (la) Route", "Ceinture et Route", "Ceinture et Route"),
        ("(de la|la) Route", "de la Route", "de la Route"),
        ("stratégique(s)", "stratégiques", "stratégiques"),
        ("mondial|mondiale|mondiaux", "mondiaux", "mondiaux"),
        ("Min'er", "Min’er", "Min’er"),
        ("cœur", "coeur", "coeur"),
        ("M. Xi", "M.  Xi", "M.  Xi"),
    ],
)
def test_phrase_syntax(phrase, text, expected):
    assert compile_phrase(phrase).search(text).group() == expected


@pytest.mark.parametrize(
    ("phrase", "problem"),
    [("", "empty phrase"), ("(la)", "no required word"), ("a (b", "unbalanced"), ("a|", "empty alternative")],
)
def test_phrase_syntax_errors(phrase, problem):
    with pytest.raises(ValueError, match=problem):
        compile_phrase(phrase)


# --------------------------------------------------------------------------- user lexicons

USER_LEXICON = """\
families:
  - id: ami-de-fer
    label: ami de fer
    variants:
      - id: ami-de-fer
        phrase: ami(s) de fer
"""


def test_user_lexicon_extends_or_replaces(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(USER_LEXICON, encoding="utf-8")
    shipped = load_lexicon()
    extended = load_lexicon(path)
    assert list(extended) == [*shipped, "ami-de-fer"]
    assert list(load_lexicon(path, extend=False)) == ["ami-de-fer"]
    assert matches("des amis de fer") == []
    found = find_formulas(corpus("des amis de fer"), lexicon=path)
    assert list(found["matched"]) == ["amis de fer"]


def test_user_family_with_a_shipped_id_replaces_it(tmp_path):
    path = tmp_path / "mine.yaml"
    text = USER_LEXICON.replace("id: ami-de-fer\n    label", "id: consensus\n    label")
    path.write_text(text, encoding="utf-8")
    lexicon = load_lexicon(path)
    assert [v["id"] for v in lexicon["consensus"]["variants"]] == ["ami-de-fer"]
    assert list(lexicon)[-1] == "mondialisation-inclusive"


def test_loaded_lexicon_is_a_copy():
    first = load_lexicon()
    first["consensus"]["variants"].clear()
    assert load_lexicon()["consensus"]["variants"]


def bad(tmp_path, text: str) -> str:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LexiconError) as info:
        load_lexicon(path)
    message = str(info.value)
    assert str(path) in message
    return message


def test_broken_yaml(tmp_path):
    message = bad(tmp_path, "families:\n  - id: x\n    label: [oops\n")
    assert "not valid YAML at line" in message


def test_unknown_key(tmp_path):
    text = USER_LEXICON.replace("    label: ami de fer\n", "    label: ami de fer\n    colour: red\n")
    message = bad(tmp_path, text)
    assert "family 'ami-de-fer': unknown key 'colour'" in message


def test_duplicate_family_id(tmp_path):
    message = bad(tmp_path, USER_LEXICON + USER_LEXICON.split("families:\n", 1)[1])
    assert "family 'ami-de-fer': duplicate id" in message


def test_empty_variant(tmp_path):
    message = bad(tmp_path, USER_LEXICON.replace("phrase: ami(s) de fer", "phrase: ''"))
    assert "family 'ami-de-fer', variant 'ami-de-fer': empty phrase" in message


def test_invalid_regex(tmp_path):
    message = bad(tmp_path, USER_LEXICON.replace("phrase: ami(s) de fer", "regex: 'ami(s de fer'"))
    assert "family 'ami-de-fer', variant 'ami-de-fer': invalid regex 'ami(s de fer'" in message


def test_regex_matching_the_empty_text(tmp_path):
    message = bad(tmp_path, USER_LEXICON.replace("phrase: ami(s) de fer", "regex: 'x*'"))
    assert "matches the empty text" in message


def test_invalid_phrase(tmp_path):
    message = bad(tmp_path, USER_LEXICON.replace("phrase: ami(s) de fer", "phrase: ami(s de fer"))
    assert "variant 'ami-de-fer': invalid phrase 'ami(s de fer': unbalanced" in message


def test_missing_key_wrong_top_level_and_missing_file(tmp_path):
    message = bad(tmp_path, "families:\n  - id: sans-variantes\n    label: x\n")
    assert "family 'sans-variantes': missing key 'variants'" in message
    message = bad(tmp_path, "formules: []\n")
    assert "single key 'families'" in message
    with pytest.raises(LexiconError, match="file not found"):
        load_lexicon(tmp_path / "absent.yaml")


def test_variant_given_as_a_plain_phrase(tmp_path):
    path = tmp_path / "short.yaml"
    path.write_text("families:\n  - id: fer\n    label: fer\n    variants: [ami de fer]\n", encoding="utf-8")
    variant = load_lexicon(path)["fer"]["variants"][0]
    assert (variant["id"], variant["phrase"]) == ("ami-de-fer", "ami de fer")


# --------------------------------------------------------------------------- formula_counts

TINY = corpus(
    "La coopération gagnant-gagnant et le véritable multilatéralisme.",
    "Le multilatéralisme, encore le multilatéralisme !",
    date=pd.to_datetime(["2024-05-01", "2025-01-02"]),
    source=["Xinhua", ""],
)


def test_formula_counts_by_document_exact():
    counts = formula_counts(TINY)
    assert list(counts.columns) == ["doc_id", "family", "count", "n_tokens", "rate"]
    assert len(counts) == 2 * len(load_lexicon())
    nonzero = counts[counts["count"] > 0]
    assert nonzero[["doc_id", "family", "count", "n_tokens"]].values.tolist() == [
        ["d0", "gagnant-gagnant", 1, 7],
        ["d0", "multilateralisme", 1, 7],
        ["d1", "multilateralisme", 2, 5],
    ]
    assert nonzero["rate"].tolist() == pytest.approx([1000 / 7, 1000 / 7, 400.0])
    zero = counts[(counts["doc_id"] == "d1") & (counts["family"] == "gagnant-gagnant")]
    assert zero[["count", "rate"]].values.tolist() == [[0, 0.0]]


def test_formula_counts_by_year_source_and_per():
    by_year = formula_counts(TINY, by="year", per=100)
    row = by_year[(by_year["year"] == 2025) & (by_year["family"] == "multilateralisme")]
    assert row[["count", "n_tokens", "rate"]].values.tolist() == [[2, 5, 40.0]]
    by_source = formula_counts(TINY, by="source")
    assert sorted(set(by_source["source"])) == ["", "Xinhua"]


def test_formula_counts_bad_arguments():
    with pytest.raises(ValueError, match="by must be one of"):
        formula_counts(TINY, by="auteur")
    with pytest.raises(ValueError, match="per must be a positive number"):
        formula_counts(TINY, per=0)


# --- prefilter: phrases are tried only where their words occur -------------------------------------

# General French (with capitals, ligatures, elisions and ʼ) to mix with the seed articles.
FRENCH_WORDS = (
    "le la les de des du un une et à en pour par sur avec dans que qui ne pas plus "
    "coopération Coopération développement Chine chinois pays monde paix sécurité stabilité "
    "initiative Initiative mondiale partenariat stratégique global intérêts vitaux "
    "consensus important Organisation Shanghai OCS sud Sud Grand Ceinture Route nouvelles "
    "routes soie communauté destin humanité avenir partagé non-ingérence affaires intérieures "
    "cœur sœur œuvre lʼhumanité d'avenir l’initiative « » “ ” gagnant-gagnant gagnant–gagnant "
    "M. Xi Wang Yi Loukachenko Minsk Pékin a déclaré selon d'après a-t-il ajouté, ; : ! ? … "
    "multilatéralisme véritable multipolaire multipolarité Sino-africaine Chine-Afrique "
    "épreuve toute temps tous attiser flammes bénéfique(s) 3,5 2024 x_y"
).split()


def random_corpus(seed: int, n_docs: int = 40) -> pd.DataFrame:
    """Documents mixing sentences of the seed articles with random French words."""
    rng = random.Random(seed)
    seed_sentences = [s for text in load_corpus(SEED_DIR)["text"] for s, _, _ in sentences(text)]
    texts = []
    for _ in range(n_docs):
        parts = []
        for _ in range(rng.randint(0, 12)):
            if rng.random() < 0.4:
                parts.append(rng.choice(seed_sentences))
            else:
                words = rng.choices(FRENCH_WORDS, k=rng.randint(1, 25))
                parts.append(" ".join(words).capitalize() + rng.choice([".", " ?", "\n\n", ""]))
        texts.append(rng.choice([" ", "\n", "\u00a0"]).join(parts))
    return corpus(*texts)


def test_required_words_of_phrases():
    assert required_words("intérêt(s) vital|vitaux") == [
        frozenset({"intérêt", "intérêts"}), frozenset({"vital", "vitaux"}),
    ]
    # Optional words give nothing; hyphens, apostrophes and punctuation split words.
    assert required_words("initiative (de la|la) Ceinture") == [
        frozenset({"initiative"}), frozenset({"ceinture"}),
    ]
    assert required_words("communauté d'avenir") == [frozenset({"communauté"}), frozenset({"avenir"})]
    assert required_words("intérêt(s)-clé(s)") == [frozenset({"intérêt", "intérêts"})]
    assert required_words("Organisation \\(OCS\\)") == [frozenset({"organisation"}), frozenset({"ocs"})]
    # œ also matches oe; a word next to * is unknown.
    assert required_words("cœur") == [frozenset({"cœur", "coeur"})]
    assert required_words("Chine-*|sino-*") == [frozenset({"chine", "sino"})]
    assert required_words("* Route") == [frozenset({"route"})]


def test_key_words_prefer_the_longest_words():
    assert key_words(required_words("à toute épreuve")) == frozenset({"épreuve"})
    assert key_words(required_words("paix, (à|de) (la) stabilité")) == frozenset({"stabilité"})
    assert key_words([]) is None


def test_start_words_of_fast_patterns():
    patterns = fast_patterns("(la) Ceinture et (la) Route")
    starts = [PREFILTERS[p.pattern][0] for p in patterns]
    assert starts == [frozenset({"la"}), frozenset({"ceinture"})]
    (ocs,) = fast_patterns("\\(OCS\\) Shanghai")
    assert PREFILTERS[ocs.pattern] == (None, frozenset({"shanghai"}))


def test_word_positions_find_whole_words_only():
    text = "Chine, la chine ; machine lʼchine chinese\u00a0chine"
    views = [text_view(text), (None, "x")]
    found = word_positions(views, frozenset({"chine", "la"}))
    assert [found.of(0), found.of(1)] == [{"chine": [0, 10, 28, 42], "la": [7]}, None]
    assert found.take([1]).of(0) is None
    assert found.take([0]).of(0) == found.of(0) and found.take([]).doc.size == 0
    # The texts not lower-cased are read, when given, as partial_view reads them.
    found = word_positions([(None, "")], frozenset({"istanbul"}), texts=["\u0130stanbul, Istanbul"])
    assert found.of(0) == {"istanbul": [0, 10]}


@pytest.mark.parametrize("seed", range(6))
def test_prefiltered_matches_equal_full_scans(seed, monkeypatch):
    frame = random_corpus(seed)
    filtered = find_formulas(frame)
    # Unknown word positions make every pattern scan every text.
    views_and_positions = formulas_module.views_and_positions
    monkeypatch.setattr(formulas_module, "views_and_positions", lambda texts, vocabulary, **_: (
        views_and_positions(texts, vocabulary)[0], WordPositions.unknown(len(texts))))
    full = find_formulas(frame)
    pd.testing.assert_frame_equal(filtered, full)
    assert len(full) > 0


def test_formulas_in_parallel_or_in_chunks_equal_one_pass(monkeypatch):
    frame = random_corpus(7, n_docs=30)
    whole = find_formulas(frame)
    assert whole["speaker"].ne("").any()
    monkeypatch.setattr(formulas_module, "PARALLEL_CHUNK_CHARS", 300)  # several tasks
    pd.testing.assert_frame_equal(find_formulas(frame, n_jobs=2, progress=True), whole)
    monkeypatch.setattr(formulas_module, "CHUNK_CHARS", 300)  # several chunks in one process
    pd.testing.assert_frame_equal(find_formulas(frame, progress=False), whole)
    # Processes started afresh (the default outside Linux) are sent the corpus and the lexicon.
    monkeypatch.setattr(formulas_module.multiprocessing, "get_start_method", lambda: "spawn")
    pd.testing.assert_frame_equal(find_formulas(frame, n_jobs=2, progress=False), whole)
    with pytest.raises(ValueError, match="n_jobs must be an integer >= 1"):
        find_formulas(frame, n_jobs=0)
    with pytest.raises(ValueError, match="progress must be None, True or False"):
        find_formulas(frame, progress="yes")


def test_parallel_calls_from_two_threads_do_not_mix(monkeypatch):
    import threading

    frames = [random_corpus(11, n_docs=30), random_corpus(12, n_docs=20)]
    expected = [find_formulas(frame) for frame in frames]
    monkeypatch.setattr(formulas_module, "PARALLEL_CHUNK_CHARS", 300)  # several tasks each
    found: dict[int, pd.DataFrame] = {}

    def run(k: int) -> None:
        found[k] = find_formulas(frames[k], n_jobs=2, progress=False)

    threads = [threading.Thread(target=run, args=(k,)) for k in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for k in (0, 1):
        pd.testing.assert_frame_equal(found[k], expected[k])


@pytest.mark.parametrize("seed", range(3))
def test_prefiltered_batch_matches_equal_full_scans(seed):
    texts = list(random_corpus(100 + seed)["text"])
    views = [text_view(text) for text in texts]
    matchers = family_matchers(load_lexicon())
    positions = word_positions(views, matchers_vocabulary(matchers))
    filtered = matching.candidate_arrays(texts, matchers, views, positions)
    full = matching.candidate_arrays(texts, matchers, views, WordPositions.unknown(len(texts)))
    for name in ("doc", "start", "end", "order"):
        assert getattr(filtered, name).tolist() == getattr(full, name).tolist()
    assert len(full.doc) > 0


def test_formulas_by_speaker_groups_speakers_beyond_top_and_the_unattributed():
    matches = pd.DataFrame({
        "family": ["ocs", "ocs", "sud-global", "ocs", "consensus", "ocs", "sud-global"],
        "speaker": ["wang-yi", "wang-yi", "wang-yi", "Mme Fall", "xi-jinping", "", "Mme Fall"],
    })
    table = formulas_by_speaker(matches, top=2, family_labels={"ocs": "OCS"},
                                speaker_labels={"wang-yi": "Wang Yi", "xi-jinping": "Xi Jinping"})
    assert list(table.columns) == ["speaker", "family", "matches"]
    assert table.values.tolist() == [
        ["Wang Yi", "OCS", 2], ["Wang Yi", "sud-global", 1],
        ["Mme Fall", "OCS", 1], ["Mme Fall", "sud-global", 1],  # a name outside the actor table, as written
        ["(other speakers)", "consensus", 1],
        ["(narrator or unidentified)", "OCS", 1],
    ]
    assert formulas_by_speaker(find_formulas(pd.DataFrame({"doc_id": ["d"], "text": ["Rien."]}))).empty
    with pytest.raises(ValueError, match="top must be a positive integer"):
        formulas_by_speaker(matches, top=0)
    with pytest.raises(ValueError, match="formulas must be a frame with family and speaker columns"):
        formulas_by_speaker(matches.drop(columns="speaker"))


def test_family_matches_of_many_texts_at_once_equal_text_by_text():
    from analysis.formulas import family_corpus_matches, family_matches

    family = load_lexicon()["multilateralisme"]
    texts = [
        "Le véritable multilatéralisme. Le multilatéralisme « véritable » aussi.",
        "",
        "De\u0301but : un multilate\u0301ralisme véritable ; puis le véritable multilatéralisme.",
        "İstanbul. Le multilatéralisme",
        "Rien ici.",
        "multilatéralisme",
    ]
    expected = [family_matches(text, family) for text in texts]
    assert family_corpus_matches(texts, family) == expected
    assert sum(map(len, expected)) >= 5 and expected[1] == expected[4] == []
