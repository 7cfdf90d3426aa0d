"""Tests of analysis.speech: the actor table and who says what."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import (
    LexiconError,
    actor_counts,
    find_actors,
    find_formulas,
    load_actors,
    speech,
    unknown_speakers,
)
from analysis.speech import SPEECH_COLUMNS, UNKNOWN_SPEAKER_COLUMNS

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
        "actors:\n  - id: sonko\n    label: Ousmane Sonko\n    kind: minister\n"
        "    names: [(Ousmane) Sonko]\n",
        encoding="utf-8",
    )
    assert list(load_actors(path))[-1] == "sonko"
    assert list(load_actors(path, extend=False)) == ["sonko"]
    found = find_actors(corpus("Ousmane Sonko et la Chine"), actors=load_actors(path, extend=False))
    assert found["matched"].tolist() == ["Ousmane Sonko"]


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


def test_before_any_speaker_a_pronoun_is_the_first_person_of_the_latest_passage_naming_one():
    text = ("M. Xi est arrivé. Wang Yi a reçu M. Loukachenko à Pékin. La Chine se réjouit. "
            "Il a déclaré que la coopération progresse.")
    assert attributed(text) == [["d0", "wang-yi", 78, 120, "a déclaré", "pronoun"]]


def test_a_cue_naming_no_one_forgets_the_persons_named_until_then():
    text = ("M. Loukachenko est venu, et un responsable a déclaré que tout va bien. "
            "Il a ajouté que rien ne change. Wang Yi a dit oui. « Bien ». Il a ajouté « non ».")
    assert attributed(text) == [
        ["d0", "wang-yi", 103, 121, "a dit", "subject"],
        ["d0", "wang-yi", 122, 131, "« »", "quote-continued"],
        ["d0", "wang-yi", 132, 152, "a ajouté", "pronoun"],
    ]


def test_no_speech_and_empty_documents():
    for texts in (("Il pleut.",), ("",), ("« Bien », estime-t-il.",)):
        found = speech(corpus(*texts))
        assert found.empty
        assert list(found.columns) == list(SPEECH_COLUMNS)


def test_speaker_does_not_carry_over_documents():
    assert attributed("Wang Yi a dit oui.", "Il a dit non.") == [["d0", "wang-yi", 0, 18, "a dit", "subject"]]


# --------------------------------------------------------------------------- seed corpus


def test_seed_corpus_passages_exact(seed_corpus):
    found = speech(seed_corpus)
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
    texts = dict(zip(seed_corpus["doc_id"], seed_corpus["text"], strict=True))
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
def test_seed_corpus_who_says_which_formula(doc_id, matched, speaker, seed_corpus):
    found = find_formulas(seed_corpus)
    rows = found[(found["doc_id"] == doc_id) & (found["matched"] == matched)]
    assert rows["speaker"].tolist() == [speaker]


def test_speech_with_word_positions_equals_full_scans(seed_corpus):
    from analysis.lexicon import actor_matchers
    from analysis.matching import WordPositions, matchers_vocabulary, text_view, word_positions
    from analysis.speech import speech_passages

    texts = list(seed_corpus["text"])
    texts += [" ".join(texts)[::-1], "Selon M. Wang, « la paix ». Il a ajouté : « oui »."]
    actors = load_actors()
    views = [text_view(text) for text in texts]
    positions = word_positions(views, matchers_vocabulary(actor_matchers(actors)))
    with_positions = speech_passages(texts, actors, views=views, positions=positions)
    assert with_positions == speech_passages(texts, actors)
    assert with_positions == speech_passages(texts, actors, views=views,
                                             positions=WordPositions.unknown(len(texts)))
    assert any(with_positions)


def test_cues_found_from_word_positions_equal_cues_found_by_scanning():
    # The prefilters speech registers for its cues ("a" starts every finite cue, "selon" is a whole
    # word, "d'après" needs "après") must not lose a cue.
    from analysis.matching import WordPositions, batch_matches, text_view, word_positions
    from analysis.speech import _CUE_MATCHERS, speech_words

    texts = [
        "Il a déclaré. A Déclaré. Elle a, de son côté, souligné ; a lundi rappelé, ila dit, «a dit».",
        "Selon lui, selonx, D'après elle, d’après M. Xi, dʼaprès, l'après-midi, daprès, SELON.",
        "Wang Yi a-t-il dit ? estime-t-elle ; aʼ dit ; a\u00a0dit ; \u0130l a dit, selon \u0130zmir.",
        "",
    ]
    matchers = _CUE_MATCHERS["finite"] + _CUE_MATCHERS["selon"] + _CUE_MATCHERS["inverted"]
    views = [text_view(text) for text in texts]
    positions = word_positions(views, speech_words(load_actors()), texts=texts)
    found = batch_matches(texts, matchers, views=views, positions=positions)
    assert found == batch_matches(texts, matchers, views=views, positions=WordPositions.unknown(len(texts)))
    assert [[text[a:b] for a, b, _ in doc] for text, doc in zip(texts, found, strict=True)] == [
        ["a déclaré", "A Déclaré", "a, de son côté, souligné", "a lundi rappelé", "a dit"],
        ["Selon", "D'après", "d’après", "dʼaprès", "SELON"],
        ["a-t-il dit", "estime-t-elle", "a\u00a0dit", "a dit", "selon"],
        [],
    ]


def _reference_passages(text, spans):
    # The plain state machine, sentence by sentence: what _passages gives faster.
    result, opened_at, k = [], None, 0
    marks = [(i, c) for i, c in enumerate(text) if c in '«»“”"']
    for start, end in spans:
        if opened_at is None:
            opened_at, counts = start, {"«": 0, "»": 0, "“": 0, "”": 0, '"': 0}
            while k < len(marks) and marks[k][0] < start:
                k += 1
        while k < len(marks) and marks[k][0] < end:
            counts[marks[k][1]] += 1
            k += 1
        if counts["«"] <= counts["»"] and counts["“"] <= counts["”"] and counts['"'] % 2 == 0:
            result.append((opened_at, end))
            opened_at = None
    if opened_at is not None:
        result.append((opened_at, len(text.rstrip())))
    return result


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["a", " ", "«", "»", "“", "”", '"', ". "]), max_size=40), st.data())
def test_passages_equal_the_plain_state_machine(chars, data):
    from analysis.speech import _passages

    text = "".join(chars)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(text)), max_size=12)))
    # Sentences between cuts, some with a gap (which may hold marks) before the next one.
    spans = [(a, b) for a, b in zip(cuts[::2], cuts[1::2], strict=False) if a < b]
    assert _passages(text, spans) == _reference_passages(text, spans)


NAME_PIECES = [
    "Le", "La", "Les", "Lesotho", "Il", "Ilham", "M.", "Mme", "al-", "el-", "Al-", "Sissi", "Xi", "-", "‐",
    "'", "’", "ʼ", " ", ",", ".", "Abdel", "de", "von", "der", "Selon", "Selonx", "Sur", "Sure", "Cette",
    "Éric", "l'", "d'", "Lors", "Lord", "Sir", "Si", "\n", "ab", "Ensuite", "En", "Pour", "Pr", "Dr.", "Un",
    "Unesco",
    "Aux", "Auxerre", "Canal-", "el", "MM.", "ONU", "McCain", "N'Diaye", "«", "Ça", "Ü",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(NAME_PIECES), max_size=30), st.integers(0, 20), st.integers(0, 20))
def test_names_are_tried_where_the_name_expression_can_match(pieces, cut_start, cut_end):
    from analysis.speech import _NAME_RE, _name_matches

    text = "".join(pieces)
    start, end = min(cut_start, len(text)), max(len(text) - cut_end, 0)
    expected = [m.span() for m in _NAME_RE.finditer(text, start, end)]
    assert [m.span() for m in _name_matches(text, start, end)] == expected


SPEECH_PIECES = [
    *NAME_PIECES, " a déclaré ", " a-t-il dit ", "selon ", "Selon ", "d'après ", ", a souligné ", " à ",
    " de ",
    " le président chinois ", " Wang Yi ", " M. Loukachenko ", " le ministre ", " lundi ", " Il ", ": ", "; ",
    " « ", " » ", " 12 ", "(", ")", ", ", "Pedro Sánchez", " à Pékin ", " le porte-parole du ministère, ",
    " a indiqué ", " Premier ministre ", "\u00a0", "  ", "!", " Le Monde ", " Conseil ",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(SPEECH_PIECES), max_size=40))
def test_names_looked_for_only_near_cues_attribute_as_names_looked_for_everywhere(pieces):
    # _name_ranges leaves out the names no rule can use: the speakers must be the same as when
    # every name of every passage is found.
    from unittest import mock

    from analysis.speech import speech_passages

    text = "".join(pieces)
    actors = load_actors()
    def whole_passage(text, start, end, cues, reversed_text):
        return [(start, end)]

    with mock.patch("analysis.speech._name_ranges", whole_passage):
        everywhere = speech_passages([text], actors)
    assert speech_passages([text], actors) == everywhere


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from([*SPEECH_PIECES, ". ", " Il a ajouté ", " « Nous agirons. » ",
                                 " a-t-elle dit. "]), max_size=40), st.data())
def test_passages_holding_offsets_are_those_of_every_passage(pieces, data):
    # find_formulas asks only for the passages holding a match, and only those they depend on are
    # attributed: they must be the passages of the whole attribution that hold one of the offsets.
    from analysis.speech import speech_passages

    text = "".join(pieces)
    actors = load_actors()
    holding = sorted(data.draw(st.lists(st.integers(0, len(text)), max_size=6)))
    every = speech_passages([text], actors)[0]
    assert speech_passages([text], actors, holding=[holding])[0] == [
        passage for passage in every if any(passage[1] <= offset < passage[2] for offset in holding)]


def test_a_pronoun_passage_asked_for_alone_is_attributed_from_the_ones_before():
    from analysis.speech import speech_passages

    text = ("Pedro Sánchez a déclaré que rien ne change. Le temps passe. Il a ajouté « tout va bien ». "
            "« Nous agirons. » Il a dit non. Mme Fall a déclaré oui. Le Monde a souligné la paix. "
            "Il a répété oui.")
    actors = load_actors()
    every = speech_passages([text], actors)[0]
    assert [(speaker, rule) for speaker, _, _, _, rule in every] == [
        ("Pedro Sánchez", "subject"), ("Pedro Sánchez", "pronoun"), ("Pedro Sánchez", "quote-continued"),
        ("Pedro Sánchez", "pronoun"), ("Mme Fall", "subject")]  # "Le Monde" names no one: nor does "Il"
    for k, passage in enumerate(every):
        assert speech_passages([text], actors, holding=[[passage[1]]])[0] == [passage], k
    for unattributed in ("Le temps", "Il a répété"):
        assert speech_passages([text], actors, holding=[[text.index(unattributed)]])[0] == []


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from([*SPEECH_PIECES, " Wang Yi, le ministre Pierre Dupont, ", " a dit Jean ",
                                 ", el-Sissi, ", "Ahmed"]), max_size=40))
def test_passages_where_no_name_can_be_read_attribute_as_when_names_are_looked_for(pieces):
    # Names are looked for only in passages where one may be read (_name_may_start): the speakers
    # must be the same as when they are looked for in every passage.
    from unittest import mock

    from analysis.speech import speech_passages

    text = "".join(pieces)
    actors = load_actors()
    with mock.patch("analysis.speech._name_may_start", lambda *args: True):
        always = speech_passages([text], actors)
    assert speech_passages([text], actors) == always


def test_a_name_between_the_actor_and_the_cue_is_looked_for():
    # The actor names the subject (its apposition ends at the cue) only if no name ends closer to
    # the cue: "Pierre Dupont" does, and a name followed by a comma is no subject, so no one speaks.
    found = speech(corpus("Wang Yi, le ministre Pierre Dupont, a déclaré que la paix compte."))
    assert found.empty
    assert speech(corpus("Wang Yi, le ministre Li, a déclaré que la paix compte.")).empty  # right before
    found = speech(corpus("« La paix compte », a déclaré le ministre Li Qiang."))  # after the cue
    assert found[["speaker", "known", "rule"]].values.tolist() == [["Li Qiang", False, "inversion"]]
    found = speech(corpus("Wang Yi, le ministre des Affaires étrangères, a déclaré que la paix compte."))
    assert found[["speaker", "rule"]].values.tolist() == [["wang-yi", "subject"]]


# --------------------------------------------------------------------------- speakers the table does not know

# Three speakers missing from the shipped table, one per rule, each followed by a pronoun or a quotation.
UNKNOWN = (
    "Pedro Sánchez a déclaré que « la paix compte ». Il a ajouté que rien ne change. "
    "Selon Mme Fall, le Sénégal « apprécie » le rôle de la Chine. « Nous agirons. » "
    "« Nous sommes prêts », a déclaré le Premier ministre indien Narendra Modi. "
    "Ce dernier a dit « merci »."
)


def test_unknown_speakers_by_subject_selon_and_inversion_with_continuations():
    found = speech(corpus(UNKNOWN))
    assert found[["speaker", "known", "start", "end", "cue", "rule"]].values.tolist() == [
        ["Pedro Sánchez", False, 0, 47, "a déclaré", "subject"],
        ["Pedro Sánchez", False, 48, 79, "a ajouté", "pronoun"],
        ["Mme Fall", False, 80, 140, "Selon", "selon"],
        ["Mme Fall", False, 141, 158, "« »", "quote-continued"],
        ["Narendra Modi", False, 159, 233, "a déclaré", "inversion"],
        ["Narendra Modi", False, 234, 261, "a dit", "pronoun"],
    ]
    assert list(found.columns) == list(SPEECH_COLUMNS)
    assert found["known"].dtype == bool


def test_unknown_speaker_is_named_and_followed_not_merged_with_the_previous_one():
    text = ("Wang Yi a déclaré que « la paix compte ». Selon Mme Fall, le Sénégal « apprécie » le rôle de la "
            "Chine. Il a ajouté que « tout va bien ». « Merci », a-t-elle conclu.")
    assert attributed(text) == [
        ["d0", "wang-yi", 0, 41, "a déclaré", "subject"],
        ["d0", "Mme Fall", 42, 102, "Selon", "selon"],
        ["d0", "Mme Fall", 103, 136, "a ajouté", "pronoun"],
        ["d0", "Mme Fall", 137, 164, "a-t-elle conclu", "pronoun"],
    ]
    assert speech(corpus(text))["text"].tolist() == [
        "Wang Yi a déclaré que « la paix compte ».",
        "Selon Mme Fall, le Sénégal « apprécie » le rôle de la Chine.",
        "Il a ajouté que « tout va bien ».",
        "« Merci », a-t-elle conclu.",
    ]


def test_a_name_becomes_an_actor_once_in_the_table(tmp_path):
    text = "Emmanuel Macron a déclaré que la paix compte. Il a ajouté : « oui »."
    seed_table = {k: v for k, v in load_actors().items() if k != "macron"}
    without = speech(corpus(text), actors=seed_table)
    assert without[["speaker", "known", "rule"]].values.tolist() == [
        ["Emmanuel Macron", False, "subject"], ["Emmanuel Macron", False, "pronoun"],
    ]
    with_macron = speech(corpus(text))
    assert with_macron[["speaker", "known", "rule"]].values.tolist() == [
        ["macron", True, "subject"], ["macron", True, "pronoun"],
    ]
    path = tmp_path / "mine.yaml"
    path.write_text("actors:\n  - {id: fall, label: Yassine Fall, kind: minister, names: [Mme Fall]}\n",
                    encoding="utf-8")
    found = speech(corpus("Selon Mme Fall, tout va bien."), actors=path)
    assert found[["speaker", "known"]].values.tolist() == [["fall", True]]


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        # honorifics, particles, initials, hyphens, elided "qu'"; titles and leading words left out
        ("M. Dupont a dit oui.", "M. Dupont"),
        ("Selon Dr Tedros, la situation est grave.", "Dr Tedros"),
        ("Selon Charles de Gaulle, la France est grande.", "Charles de Gaulle"),
        ("Hier, Jean-Yves Le Drian a indiqué que rien ne change.", "Jean-Yves Le Drian"),
        ("Ensuite, George W. Bush a déclaré que non.", "George W. Bush"),
        ("« Non », a déclaré le président Ben Ali.", "Ben Ali"),
        ("Lorsqu'Olaf Scholz a déclaré que non, tout a changé.", "Olaf Scholz"),
        ("Président Lee Jae-myung a dit oui.", "Lee Jae-myung"),
        ("Saluant Pedro Sánchez, Mme Fall a dit oui.", "Mme Fall"),
        ("Interrogé, Pedro Sánchez a dit oui.", "Pedro Sánchez"),
        ("Lundi, a déclaré Mme Fall, tout ira bien.", "Mme Fall"),
        ("Lors de la rencontre à Dakar a indiqué Mme Fall, la paix compte.", "Mme Fall"),
        ("Selon le porte-parole du ministère chinois des Affaires étrangères, Lin Jian, rien ne change.",
         "Lin Jian"),
        ("Selon le Premier ministre indien Narendra Modi, tout va bien.", "Narendra Modi"),
        ("D’après Mme N'Diaye, la paix compte.", "Mme N'Diaye"),
    ],
)
def test_names_as_written(text, speaker):
    assert speech(corpus(text))["speaker"].tolist() == [speaker]


@pytest.mark.parametrize(
    "text",
    [
        "Le Monde a indiqué que les discussions continuent.",  # a determiner before: a title, not a name
        "Selon le Conseil de sécurité, la situation est grave.",  # an institution
        "Selon Amnesty International, des centaines de personnes ont été arrêtées.",
        "Le ministère des Affaires Étrangères a indiqué que non.",
        "La Maison Bleue a déclaré que non.",
        "L'Organisation mondiale de la santé a déclaré que non.",
        "À Dakar a déclaré que non.",  # a place after a preposition is not a subject
        "Lundi a déclaré que non.",  # a day
        "Interrogé a dit non.",  # a sentence-initial participle
        "Selon Lui, non.",  # a pronoun
        "Selon le porte-parole du ministère chinois, rien ne change.",  # an adjective in a description
        "Il pleut. Mardi a dit non.",
    ],
)
def test_no_false_names(text):
    assert speech(corpus(text)).empty


def test_a_name_overlapping_an_actor_is_the_actor():
    # "Xi Jinping" is the actor's name: "M. Xi Jinping" is not also a name of someone else.
    assert attributed("M. Xi Jinping a déclaré que non.") == [
        ["d0", "xi-jinping", 0, 32, "a déclaré", "subject"]
    ]
    assert attributed("Le président Xi Jinping a déclaré que non.") == [
        ["d0", "xi-jinping", 0, 42, "a déclaré", "subject"]
    ]


@pytest.mark.parametrize("text", [
    "Wang Yi Pedro Sánchez a déclaré que la paix compte.",
    "Pékin Pedro Sánchez a dit oui.",
    "La Chine Pedro Sánchez a dit oui.",
])
def test_a_capitalised_sequence_going_on_from_an_actor_is_no_name(text):
    # One capitalised sequence overlapping an actor mention: neither a name nor the subject (the actor
    # is not right before the verb), although "Pedro Sánchez" alone would be a name.
    assert attributed(text) == []
    assert attributed(text.replace("Pedro", "a dit. Pedro")) != []


def test_unknown_speakers_table_exact():
    table = unknown_speakers(corpus(UNKNOWN, "Selon Mme Fall, tout va bien.", "Wang Yi a dit oui."))
    assert list(table.columns) == list(UNKNOWN_SPEAKER_COLUMNS)
    assert table.values.tolist() == [
        ["Mme Fall", 3, 2, "d0", 80, "Selon Mme Fall, le Sénégal « apprécie » le rôle de la Chine."],
        ["Narendra Modi", 2, 1, "d0", 159,
         "« Nous sommes prêts », a déclaré le Premier ministre indien Narendra Modi."],
        ["Pedro Sánchez", 2, 1, "d0", 0, "Pedro Sánchez a déclaré que « la paix compte »."],
    ]


def test_unknown_speakers_empty():
    for frame in (corpus("Wang Yi a dit oui."), corpus("")):
        table = unknown_speakers(frame)
        assert table.empty
        assert list(table.columns) == list(UNKNOWN_SPEAKER_COLUMNS)
    assert unknown_speakers(corpus(UNKNOWN), actors={}).empty is False


def test_find_formulas_speaker_carries_unknown_names():
    found = find_formulas(corpus("Selon Mme Fall, le multilatéralisme compte. Le multilatéralisme reste."))
    assert found[["matched", "speaker"]].values.tolist() == [
        ["multilatéralisme", "Mme Fall"], ["multilatéralisme", ""],
    ]


def test_speech_on_one_long_text_repeats_itself():
    # A text repeated 200 times: from the second copy on, every copy gets the passages of the second,
    # shifted (the lookups by bisect and the backward pronoun match see no other copy).
    part = (UNKNOWN + " Wang Yi a reçu son homologue. « Nous sommes prêts. Nous agirons », a-t-il ajouté. "
            "La paix compte, a déclaré dimanche à Pékin le ministre chinois des Affaires étrangères.\n\n")
    found = speech(corpus(part * 200))[["speaker", "start", "end", "rule"]].values.tolist()
    per_copy = len(found) // 200
    assert len(found) == 200 * per_copy and per_copy == 8
    second = found[per_copy : 2 * per_copy]
    for copy in range(2, 200):
        shift = (copy - 1) * len(part)
        rows = found[copy * per_copy : (copy + 1) * per_copy]
        assert [[s, a - shift, b - shift, r] for s, a, b, r in rows] == second


def test_a_name_in_apposition_is_one_mention():
    text = "a déclaré le président chinois, Xi Jinping. Xi Jinping, M. Xi, Wang Yi"
    found = find_actors(pd.DataFrame({"doc_id": ["d"], "text": [text]}))
    assert found[["actor", "matched", "start"]].values.tolist() == [
        ["xi-jinping", "président chinois, Xi Jinping", 13],
        ["xi-jinping", "Xi Jinping", 44],
        ["xi-jinping", "M. Xi", 56],
        ["wang-yi", "Wang Yi", 63],
    ]


def test_actor_counts_agree_with_find_actors(seed_corpus):
    seed = seed_corpus
    counts = actor_counts(seed)
    found = find_actors(seed).groupby(["doc_id", "actor"]).size()
    nonzero = counts[counts["count"] > 0].set_index(["doc_id", "actor"])["count"]
    assert nonzero.sort_index().to_dict() == found.sort_index().to_dict()
    assert counts.set_index(["doc_id", "actor"]).loc[("000_1c95603a728987f6", "xi-jinping"), "count"] == 3


def test_speech_and_actors_by_chunks_with_a_progress_bar_equal_one_pass(monkeypatch, seed_corpus):
    import analysis.index as index_module

    frame = pd.concat([seed_corpus] * 3, ignore_index=True)
    frame["doc_id"] = [f"d{i}" for i in range(len(frame))]
    whole = [speech(frame), find_actors(frame)]
    monkeypatch.setattr(index_module, "CHUNK_CHARS", 500)  # one chunk per article or so
    chunked = [speech(frame, progress=True), find_actors(frame, progress=False)]
    for found, expected in zip(chunked, whole, strict=True):
        pd.testing.assert_frame_equal(found, expected)
    assert len(whole[0]) > 0 and len(whole[1]) > 0
    with pytest.raises(ValueError, match="progress must be None, True or False"):
        speech(frame, progress=1)
    with pytest.raises(ValueError, match="progress must be None, True or False"):
        find_actors(frame, progress="no")
