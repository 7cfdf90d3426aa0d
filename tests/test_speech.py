"""Tests of analysis.speech: the actor table and who says what."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import (
    LexiconError,
    actor_counts,
    find_actors,
    find_formulas,
    load_actors,
    load_corpus,
    speech,
)
from analysis.speech import SPEECH_COLUMNS

FIRST = "000_1c95603a728987f6"
SECOND = "004_d918e8ae575c36dc"


def corpus(*texts: str, **columns) -> pd.DataFrame:
    frame = pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(texts))], "text": list(texts)})
    for name, values in columns.items():
        frame[name] = values
    return frame


def mentions(text: str) -> list[tuple[str, str]]:
    found = find_actors(corpus(text))
    return list(zip(found["actor"], found["matched"], strict=True))


def attributed(*texts: str) -> list[list]:
    return speech(corpus(*texts))[["doc_id", "speaker", "start", "end", "cue", "rule"]].values.tolist()


# --------------------------------------------------------------------------- actor table


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("le Bélarus et la Biélorussie", [("belarus", "Bélarus"), ("belarus", "Biélorussie")]),
        ("son homologue bélarusse ou biélorusse", [("belarus", "bélarusse"), ("belarus", "biélorusse")]),
        ("Loukachenko ou Lukashenko", [("loukachenko", "Loukachenko"), ("loukachenko", "Lukashenko")]),
        ("Xi Jinping, M. Xi, le président chinois",
         [("xi-jinping", "Xi Jinping"), ("xi-jinping", "M. Xi"), ("xi-jinping", "président chinois")]),
        ("l'Organisation de coopération de Shanghai (OCS)",
         [("ocs", "Organisation de coopération de Shanghai"), ("ocs", "OCS")]),
        ("Wang Yi", [("wang-yi", "Wang Yi")]),
        ("Maksim Ryzhenkov alias M. Ryjenkov",
         [("ryzhenkov", "Maksim Ryzhenkov"), ("ryzhenkov", "M. Ryjenkov")]),
        ("la Chine, les Chinoises, Pékin", [("chine", "Chine"), ("chine", "Chinoises"), ("chine", "Pékin")]),
        ("Chen Min’er et Chen Min'er", [("chen-miner", "Chen Min’er"), ("chen-miner", "Chen Min'er")]),
    ],
)
def test_actor_names(text, expected):
    assert mentions(text) == expected


def test_find_actors_columns_offsets_and_longest_name():
    text = "Le président chinois Xi Jinping a reçu M. Loukachenko à Pékin."
    found = find_actors(corpus(text))
    assert found.values.tolist() == [
        ["d0", "xi-jinping", "leader", "président chinois", 3, 20],
        ["d0", "xi-jinping", "leader", "Xi Jinping", 21, 31],
        ["d0", "loukachenko", "leader", "M. Loukachenko", 39, 53],
        ["d0", "chine", "country", "Pékin", 56, 61],
    ]


def test_find_actors_empty_and_no_match():
    for text in ("", "Il pleut."):
        found = find_actors(corpus(text))
        assert found.empty
        assert list(found.columns) == ["doc_id", "actor", "kind", "matched", "start", "end"]


def test_actor_counts_exact():
    tiny = corpus("La Chine et le Bélarus.", "Pékin, Pékin !", source=["A", "A"])
    counts = actor_counts(tiny, by="source")
    assert list(counts.columns) == ["source", "actor", "kind", "count", "n_tokens", "rate"]
    nonzero = counts[counts["count"] > 0]
    # 5 + 2 tokens; Chine 3 mentions, Bélarus 1.
    assert nonzero[["source", "actor", "kind", "count", "n_tokens"]].values.tolist() == [
        ["A", "chine", "country", 3, 7],
        ["A", "belarus", "country", 1, 7],
    ]
    assert nonzero["rate"].tolist() == pytest.approx([3000 / 7, 1000 / 7])
    assert len(counts) == len(load_actors())


def test_user_actor_table_extends_or_replaces(tmp_path):
    path = tmp_path / "actors.yaml"
    path.write_text(
        "actors:\n  - id: lavrov\n    label: Sergueï Lavrov\n    kind: minister\n"
        "    names: [(Sergueï) Lavrov]\n",
        encoding="utf-8",
    )
    assert list(load_actors(path))[-1] == "lavrov"
    assert list(load_actors(path, extend=False)) == ["lavrov"]
    found = find_actors(corpus("Sergueï Lavrov et la Chine"), actors=load_actors(path, extend=False))
    assert found["matched"].tolist() == ["Sergueï Lavrov"]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("actors:\n  - id: x\n    label: [x\n", "not valid YAML at line"),
        ("actors:\n  - id: x\n    label: X\n    kind: leader\n    names: [X]\n    role: y\n",
         "actor 'x': unknown key 'role'"),
        ("actors:\n  - {id: x, label: X, kind: leader, names: [X]}\n"
         "  - {id: x, label: Y, kind: leader, names: [Y]}\n",
         "actor 'x': duplicate id"),
        ("actors:\n  - {id: x, label: X, kind: leader, names: ['']}\n", "actor 'x', name '': empty phrase"),
        ("actors:\n  - {id: x, label: X, kind: leader, names: ['X (Y']}\n",
         "actor 'x', name 'X (Y': unbalanced"),
        ("actors:\n  - {id: X Y, label: X, kind: leader, names: [X]}\n", "must be a slug"),
    ],
)
def test_bad_actor_tables(tmp_path, text, problem):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LexiconError) as info:
        load_actors(path)
    assert str(path) in str(info.value)
    assert problem in str(info.value)


# --------------------------------------------------------------------------- who says what: rules


def test_subject_and_pronoun():
    text = "Xi Jinping a déclaré que la paix compte. Il a ajouté que rien ne change."
    assert attributed(text) == [
        ["d0", "xi-jinping", 0, 40, "a déclaré", "subject"],
        ["d0", "xi-jinping", 41, 72, "a ajouté", "pronoun"],
    ]


def test_subject_with_apposition_and_adverb():
    text = "Wang Yi, chef de la diplomatie, a de son côté souligné la paix."
    assert attributed(text) == [["d0", "wang-yi", 0, 63, "a de son côté souligné", "subject"]]


def test_inversion_with_day_and_place():
    text = "La paix compte, a déclaré dimanche à Pékin le ministre chinois des Affaires étrangères."
    assert attributed(text) == [["d0", "wang-yi", 0, 87, "a déclaré", "inversion"]]


def test_place_before_the_cue_is_not_the_subject():
    text = "Lors de la rencontre à Pékin a indiqué Wang Yi, la paix compte."
    assert attributed(text) == [["d0", "wang-yi", 0, 63, "a indiqué", "inversion"]]


def test_selon():
    assert attributed("Selon Wang Yi, la paix compte.") == [["d0", "wang-yi", 0, 30, "Selon", "selon"]]
    assert attributed("D’après le président chinois, tout va bien.") == [
        ["d0", "xi-jinping", 0, 43, "D’après", "selon"]
    ]


def test_quotation_with_inner_full_stop_and_inverted_pronoun():
    text = "Wang Yi a reçu son homologue. « Nous sommes prêts. Nous agirons », a-t-il ajouté."
    assert attributed(text) == [["d0", "wang-yi", 30, 81, "a-t-il ajouté", "pronoun"]]


def test_quotation_continues_the_previous_speaker_only():
    text = "Wang Yi a souligné la paix. La Chine « restera fidèle ». Il pleut. « Bien », dit un témoin."
    assert attributed(text) == [
        ["d0", "wang-yi", 0, 27, "a souligné", "subject"],
        ["d0", "wang-yi", 28, 56, "« »", "quote-continued"],
    ]


def test_no_speech_and_empty_documents():
    for texts in (("Il pleut.",), ("",), ("« Bien », estime-t-il.",)):
        found = speech(corpus(*texts))
        assert found.empty
        assert list(found.columns) == list(SPEECH_COLUMNS)


def test_speaker_does_not_carry_over_documents():
    assert attributed("Wang Yi a dit oui.", "Il a dit non.") == [["d0", "wang-yi", 0, 18, "a dit", "subject"]]


# --------------------------------------------------------------------------- seed corpus


def test_seed_corpus_passages_exact():
    found = speech(load_corpus())
    assert found[["doc_id", "speaker", "start", "end", "cue", "rule"]].values.tolist() == [
        [FIRST, "xi-jinping", 0, 328, "a déclaré", "inversion"],
        [FIRST, "xi-jinping", 329, 477, "a fait ces remarques", "subject"],
        [FIRST, "xi-jinping", 784, 975, "a déclaré", "subject"],
        [FIRST, "xi-jinping", 976, 1335, "a souligné", "pronoun"],
        [FIRST, "loukachenko", 1336, 1565, "a salué", "subject"],
        [FIRST, "loukachenko", 1566, 1832, "a affirmé", "pronoun"],
        [SECOND, "wang-yi", 377, 806, "a indiqué", "inversion"],
        [SECOND, "wang-yi", 807, 1361, "a déclaré", "subject"],
        [SECOND, "ryzhenkov", 1362, 1485, "a déclaré", "subject"],
        [SECOND, "ryzhenkov", 1486, 1632, "« »", "quote-continued"],
        [SECOND, "ryzhenkov", 1633, 1863, "a dit", "pronoun"],
        [SECOND, "ryzhenkov", 1864, 2060, "« »", "quote-continued"],
        [SECOND, "ryzhenkov", 2061, 2336, "a dit", "subject"],
        [SECOND, "wang-yi", 2337, 2666, "a lui rappelé", "subject"],
    ]
    texts = dict(zip(load_corpus()["doc_id"], load_corpus()["text"], strict=True))
    for row in found.itertuples():
        assert texts[row.doc_id][row.start : row.end] == row.text


@pytest.mark.parametrize(
    ("doc_id", "matched", "speaker"),
    [
        (FIRST, "véritable multilatéralisme", "xi-jinping"),
        (FIRST, "partenaire par tous les temps", "loukachenko"),
        (SECOND, "trois principes de non-extension du champ de bataille, de non-escalade des combats et de "
                 "non-incitation à attiser les flammes", "wang-yi"),
        (SECOND, "consensus en six points", "ryzhenkov"),
        (SECOND, "Sud global", "ryzhenkov"),
        (SECOND, "esprit de Shanghai", "wang-yi"),
    ],
)
def test_seed_corpus_who_says_which_formula(doc_id, matched, speaker):
    found = find_formulas(load_corpus())
    rows = found[(found["doc_id"] == doc_id) & (found["matched"] == matched)]
    assert rows["speaker"].tolist() == [speaker]


def test_speech_with_word_positions_equals_full_scans():
    from analysis.lexicon import actor_matchers
    from analysis.matching import matchers_vocabulary, text_view, word_positions
    from analysis.speech import speech_passages

    texts = list(load_corpus()["text"])
    texts += [" ".join(texts)[::-1], "Selon M. Wang, « la paix ». Il a ajouté : « oui »."]
    actors = load_actors()
    views = [text_view(text) for text in texts]
    positions = word_positions(views, matchers_vocabulary(actor_matchers(actors)))
    with_positions = speech_passages(texts, actors, views=views, positions=positions)
    assert with_positions == speech_passages(texts, actors)
    assert with_positions == speech_passages(texts, actors, views=views, positions=[None] * len(texts))
    assert any(with_positions)


def test_unknown_speaker_is_not_taken_for_the_previous_one():
    text = ("Wang Yi a déclaré que « la paix compte ». Selon Mme Fall, le Sénégal « apprécie » le rôle de la "
            "Chine. Il a ajouté que « tout va bien ». « Merci », a conclu le président.")
    frame = speech(pd.DataFrame({"doc_id": ["d"], "text": [text]}))
    rows = frame[["speaker", "start", "cue", "rule"]].values.tolist()
    assert rows == [["wang-yi", 0, "a déclaré", "subject"]]


def test_a_name_in_apposition_is_one_mention():
    text = "a déclaré le président chinois, Xi Jinping. Xi Jinping, M. Xi, Wang Yi"
    found = find_actors(pd.DataFrame({"doc_id": ["d"], "text": [text]}))
    assert found[["actor", "matched", "start"]].values.tolist() == [
        ["xi-jinping", "président chinois, Xi Jinping", 13],
        ["xi-jinping", "Xi Jinping", 44],
        ["xi-jinping", "M. Xi", 56],
        ["wang-yi", "Wang Yi", 63],
    ]


def test_actor_counts_agree_with_find_actors():
    seed = load_corpus()
    counts = actor_counts(seed)
    found = find_actors(seed).groupby(["doc_id", "actor"]).size()
    nonzero = counts[counts["count"] > 0].set_index(["doc_id", "actor"])["count"]
    assert nonzero.sort_index().to_dict() == found.sort_index().to_dict()
    assert counts.set_index(["doc_id", "actor"]).loc[("000_1c95603a728987f6", "xi-jinping"), "count"] == 3
