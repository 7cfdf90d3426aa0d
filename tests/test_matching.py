"""Tests of analysis.matching: texts the fast patterns cannot read whole (issue 7)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import build_index, find_actors, find_formulas, load_actors, load_lexicon, matching, speech
from analysis.lexicon import actor_matchers, family_matchers
from analysis.phrases import lowered_text

ARTICLE = (
    "Wang Yi a déclaré que la coopération gagnant-gagnant profite à tous. Le multilatéralisme recule ; "
    "selon M. Xi, l'initiative « la Ceinture et la Route » avance. La Chine prône un véritable "
    "multilatéralisme, a-t-il ajouté. M. Macron a salué le partenariat stratégique global."
)
# Characters whose stretch goes to the slow patterns: İ (two characters in lower case), a
# combining mark with no precomposed form (U+035C), NUL.
SLOW_CHARS = ["\u0130", "I\u035c", "\x00"]


def placed(char: str, where: str) -> str:
    """ARTICLE with a word holding ``char`` at its start, in its middle or at its end."""
    word = f"{char}zmir"
    middle = ARTICLE.index(" Le multilatéralisme")
    return {
        "start": f"{word}, le {ARTICLE}",
        "middle": f"{ARTICLE[:middle]} À {word}{ARTICLE[middle:]}",
        "end": f"{ARTICLE} Vu à {word}",
        # inside the words matched: "WANG Yİ" is Wang Yi to the case-insensitive patterns
        "inside": ARTICLE.replace("Wang Yi", f"Wang Y{char}").replace("gagnant-", f"gagnant-{char}"),
    }[where]


def rows(found: matching.Candidates) -> list[tuple[int, int, int, int]]:
    """``(doc, start, end, order)`` of each candidate, in their order."""
    return list(zip(found.doc.tolist(), found.start.tolist(), found.end.tolist(), found.order.tolist(),
                    strict=True))


def corpus(*texts: str) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(texts))], "text": list(texts)})


def test_only_one_character_changes_length_in_lower_case():
    # The slow characters cover every text lowered_text cannot lower (İ, combining accents).
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    assert len(every.lower()) == len(every) + 1
    assert len(every.replace("\u0130", "").lower()) == len(every) - 1
    assert lowered_text("\u035c") is None and matching.partial_view("\u035c", ".") is None


def test_the_ascii_twins_are_every_character_a_case_insensitive_pattern_reads_as_ascii():
    every = "".join(chr(c) for c in range(0x80, 0x110000) if not 0xD800 <= c < 0xE000)
    twins = {m.group() for m in re.finditer("[\x00-\x7f]", every, re.IGNORECASE)}
    assert twins == {chr(c) for c in matching._ASCII_TWINS} == {"\u0130", "\u0131", "\u017f", "\u212a"}


@pytest.mark.parametrize(("text", "expected"), [
    # The slow patterns search the stretch around İ (or a combining accent) if it holds their anchor,
    # read as they read it (İ, ı as i), and keep what they find if the whole text holds the anchor.
    ("Le multilatéralisme. Un véritable multİlatéralisme.",
     [(3, "multilateralisme"), (24, "veritable-multilateralisme")]),
    ("Le multilatéralisme. Un véritable multılatéralisme x\u0301.",
     [(3, "multilateralisme"), (24, "veritable-multilateralisme")]),
    ("Un véritable multİlatéralisme.", []),  # the text holds no multilateralisme but as İ: kept as before
    ("L'Organisation de coopération de Shanghai. L'Organiſation de coopération de Shanghai \x00.",
     [(2, "organisation-cooperation-shanghai"), (45, "organisation-cooperation-shanghai")]),
])
def test_slow_patterns_in_stretches_holding_letters_read_as_ascii(text, expected):
    found = find_formulas(corpus(text))
    assert list(zip(found["start"], found["variant"], strict=True)) == expected


def test_an_actor_written_with_a_dotted_capital_i_in_a_stretch():
    found = speech(corpus("Xi Jinping, puis Xi JİNPING a dit : « OCS »."))
    assert found[["speaker", "known", "rule"]].values.tolist() == [["xi-jinping", True, "subject"]]


def test_partial_view_blanks_the_stretch_between_two_breaks():
    assert matching.partial_view("Vu à İzmir. La Chine, dit-il.", ".") == (
        "\x00" * 10 + ". la chine, dit-il.", [(0, 10)]
    )
    assert matching.partial_view("La Chine. Vu à İzmir", ".,") == ("la chine." + "\x00" * 11, [(9, 20)])
    assert matching.partial_view("A\u035c, b. c\x00d", ".,") == (
        "\x00\x00, b.\x00\x00\x00\x00", [(0, 2), (6, 10)]
    )
    # no break around it: the whole text is one stretch, searched by the slow patterns alone
    assert matching.partial_view("Vu à İzmir", ".") is None
    assert matching.partial_view("Vu à Izmir.", ".") is None


def test_break_characters_are_those_no_pattern_matches():
    formulas = matching.break_characters(family_matchers(load_lexicon()))
    actors = matching.break_characters(actor_matchers(load_actors()))
    assert "." in formulas and ";" in formulas
    assert "," not in formulas  # a variant holds one
    assert "." not in actors  # "M. Xi"
    assert "," in actors
    pattern = re.compile(r"(?<!\w)a(?=\.\w)")  # looks ahead past the stretch
    assert matching.break_characters([("x", pattern, [pattern], None)]) == ""
    anything = re.compile(r"a.b")
    assert matching.break_characters([("x", anything, [anything], None)]) == ""


@pytest.mark.parametrize("char", SLOW_CHARS, ids=["I-dot", "U+035C", "NUL"])
@pytest.mark.parametrize("where", ["start", "middle", "end", "inside"])
def test_a_slow_character_gives_the_results_of_the_slow_patterns_on_the_whole_text(char, where, monkeypatch):
    text = placed(char, where)
    frame = corpus(text, ARTICLE)
    assert lowered_text(text) is None or "\x00" in text
    # The fast patterns read most of the text: the stretches are short.
    made = matching.partial_view(text, matching.break_characters(family_matchers(load_lexicon())))
    assert made is not None and sum(end - start for start, end in made[1]) < len(text) / 2
    results = [find_formulas(frame), find_actors(frame), speech(frame)]
    # Without break characters every text holding such a character is searched whole by the slow patterns.
    monkeypatch.setattr(matching, "_BREAK_CANDIDATES", "")
    assert matching.partial_view(text, "") is None
    whole = [find_formulas(frame), find_actors(frame), speech(frame)]
    for found, expected in zip(results, whole, strict=True):
        pd.testing.assert_frame_equal(found, expected)
    formulas, actors, speakers = results
    spans = zip(formulas["doc_id"], formulas["start"], formulas["end"], strict=True)
    assert list(formulas["matched"]) == [frame["text"][int(doc[1:])][a:b] for doc, a, b in spans]
    # "gagnant-İgagnant" is no formula; "Wang Yİ" is Wang Yi (who speaks unless a mark follows his name)
    assert len(formulas[formulas["doc_id"] == "d0"]) == (4 if where == "inside" else 5)
    assert len(formulas[formulas["doc_id"] == "d1"]) == 5
    named = where != "inside" or char != "\x00"  # "Wang Y" and NUL
    assert ("wang-yi" in set(actors["actor"][actors["doc_id"] == "d0"])) == named
    spoken = set(speakers["speaker"][speakers["doc_id"] == "d0"])
    assert spoken == ({"xi-jinping", "macron"} if where == "inside" and char != "\u0130" else
                      {"wang-yi", "xi-jinping", "macron"})


@pytest.mark.parametrize("char", SLOW_CHARS, ids=["I-dot", "U+035C", "NUL"])
def test_stretch_matches_equal_slow_scans_of_every_text(char):
    texts = [placed(char, where) for where in ("start", "middle", "end", "inside")] + [ARTICLE, ""]
    for matchers in (family_matchers(load_lexicon()), actor_matchers(load_actors())):
        slow = [(label, pattern, None, anchor) for label, pattern, _, anchor in matchers]
        found = matching.batch_matches(texts, matchers)
        assert found == matching.batch_matches(texts, slow)
        assert all(found[:5])


# --------------------------------------------------------------------------- matches read off word positions

APOSTROPHE_TEXTS = [
    "La Chine et la chine ; Chineʼs ; lʼChine ; Chine_x ; Pékin, président chinois Xi Jinping.",
    "ʼChine au début, puis le président chinois, Xi Jinping, et le président Loukachenko : Chine",
    "Chine",
    "",
    "Vu à İzmir. La Chine et le président chinois ; chinoisʼ et Pékin.",
    "Le chef de la diplomatie chinoise, Wang Yi ; le chef de l'État bélarusse ; le président du Bélarus.",
]


def test_whole_word_and_grouped_patterns_equal_their_regular_expressions(monkeypatch):
    matchers = actor_matchers(load_actors()) + family_matchers(load_lexicon())
    views = [matching.text_view(text) for text in APOSTROPHE_TEXTS]
    vocabulary = matching.matchers_vocabulary(matchers)
    positions = matching.word_positions(views, vocabulary, texts=APOSTROPHE_TEXTS)
    calls = {"whole": 0, "grouped": 0}
    whole, grouped = matching._whole_word_spans, matching._grouped_spans

    def count(name, func):
        def counted(*args):
            calls[name] += 1
            return func(*args)
        return counted

    monkeypatch.setattr(matching, "_whole_word_spans", count("whole", whole))
    monkeypatch.setattr(matching, "_grouped_spans", count("grouped", grouped))
    found = rows(matching.candidate_arrays(APOSTROPHE_TEXTS, matchers, views, positions))
    assert calls["whole"] > 0 and calls["grouped"] == 1
    scanned = matching.candidate_arrays(APOSTROPHE_TEXTS, matchers, views, matching.WordPositions.unknown(6))
    assert sorted(found) == sorted(rows(scanned))
    assert found
    # Chine next to ʼ (a letter to the patterns) or _ is no mention; in İ's stretch it is one.
    resolved = matching.batch_matches(APOSTROPHE_TEXTS, actor_matchers(load_actors()))
    shown = [[(text[a:b], label) for a, b, label in doc]
             for text, doc in zip(APOSTROPHE_TEXTS, resolved, strict=True)]
    assert shown == [
        [("Chine", "chine"), ("chine", "chine"), ("Pékin", "chine"), ("président chinois", "xi-jinping"),
         ("Xi Jinping", "xi-jinping")],
        [("président chinois", "xi-jinping"), ("Xi Jinping", "xi-jinping"), ("Loukachenko", "loukachenko"),
         ("Chine", "chine")],
        [("Chine", "chine")],
        [],
        [("Chine", "chine"), ("président chinois", "xi-jinping"), ("Pékin", "chine")],
        [("chef de la diplomatie chinoise", "wang-yi"), ("Wang Yi", "wang-yi"),
         ("chef de l'État bélarusse", "loukachenko"), ("Bélarus", "belarus")],
    ]


def test_each_search_sends_only_a_short_stretch_around_a_slow_character(monkeypatch):
    # Each search cuts the stretches at the characters none of its patterns holds: formulas at full
    # stops, speech cues at full stops (they hold commas), actor names at commas ("M. Xi" holds a
    # full stop). Searched together, a text with neither ;:!? nor brackets would be one stretch.
    sentence = "La Chine et le Bélarus, partenaires, prônent un véritable multilatéralisme, a dit M. Xi. "
    text = sentence * 100 + "Vu à \u0130zmir, " + sentence * 100
    covered = []
    real = matching.partial_view

    def recorded(text, breaks):
        made = real(text, breaks)
        covered.append(1.0 if made is None else sum(b - a for a, b in made[1]) / len(text))
        return made

    monkeypatch.setattr(matching, "partial_view", recorded)
    frame = corpus(text)
    assert len(find_formulas(frame)) == 200 and len(speech(frame)) == 200
    assert len(covered) >= 3 and max(covered) < 0.01


def test_longest_kept_equals_resolve_overlaps_per_text_and_group():
    # Random candidates in 3 texts and 2 groups (families): the arrays keep what resolve_overlaps keeps
    # in each (text, group), sorted by text, group, start.
    import random

    rnd = random.Random(0)
    for _ in range(200):
        rows = []
        for order in range(rnd.randint(0, 40)):
            start = rnd.randint(0, 60)
            rows.append((rnd.randint(0, 2), rnd.randint(0, 1), start, start + rnd.randint(1, 12), order))
        doc, group, start, end, order = (np.array([r[k] for r in rows], dtype=np.int64) for k in range(5))
        kept = matching.longest_kept(doc, start, end, order, group)
        expected = []
        for d, g in sorted({(r[0], r[1]) for r in rows}):
            cands = [(s - e, s, o, e, f"x{o}") for dd, gg, s, e, o in rows if (dd, gg) == (d, g)]
            expected += [(d, g, s, e, label) for s, e, label in matching.resolve_overlaps(cands)]
        assert [(doc[i], group[i], start[i], end[i], f"x{order[i]}") for i in kept] == expected
        without_groups = matching.longest_kept(doc, start, end, order)
        per_text = [[(s - e, s, o, e, o) for dd, _, s, e, o in rows if dd == d] for d in range(3)]
        assert [(doc[i], start[i]) for i in without_groups] == [
            (d, s) for d in range(3) for s, _, _ in matching.resolve_overlaps(per_text[d])
        ]


def test_longest_kept_of_nothing():
    empty = np.empty(0, dtype=np.int64)
    assert matching.longest_kept(empty, empty, empty, empty).tolist() == []


@pytest.mark.parametrize("chunk", [10**6, 7])
def test_views_and_positions_equal_text_views_then_word_positions(chunk, monkeypatch):
    monkeypatch.setattr(matching, "_POSITION_CHUNK_CHARS", chunk)  # texts in one search, or one each
    texts = ["", "La Chine et la chine.", "\u0130stanbul et la Chine", "Cafe\u0301 en Chine",
             "la\x00Chine", "Chine", "lʼchine ; chine_x chine"]
    vocabulary = frozenset({"chine", "la", "istanbul", "café"})
    views, positions = matching.views_and_positions(texts, vocabulary)
    expected = [matching.text_view(text) for text in texts]
    assert views == expected
    assert [view[0] is None for view in views] == [False, False, True, True, True, False, False]
    by_word = matching.word_positions(expected, vocabulary, texts=texts)
    assert [positions.of(i) for i in range(len(texts))] == [by_word.of(i) for i in range(len(texts))]
    assert positions.of(1) == {"la": [0, 12], "chine": [3, 15]}
    assert positions.of(4) == {"la": [0], "chine": [3]}


def test_word_positions_read_off_the_index_are_those_of_the_scan():
    texts = ["L’Initiative gagnant-gagnant", "_Chine_ et la Chine", "a-t-il dit", "la coopé\u00adration",
             "ΟΔΟΣ.la ΟΔΟΣ"]
    index = build_index(corpus(*texts), progress=False)
    vocabulary = frozenset({"initiative", "gagnant", "chine", "il", "l", "la", "ration", "οδοσ", "οδος"})
    views, positions = matching.views_and_positions(texts, vocabulary, index=index)
    # The run of non-space characters around an underscore, soft hyphen or Σ is scanned.
    assert [positions.of(i) for i in range(5)] == [
        {"l": [0], "initiative": [2], "gagnant": [13, 21]},
        {"la": [11], "chine": [14]},  # "_Chine_" is one word, not the token "chine"
        {"il": [4]},
        {"la": [0], "ration": [9]},  # the soft hyphen splits the word, not the token
        {"οδοσ": [0], "la": [5], "οδος": [8]},  # Σ is final only before no letter
    ]
    assert views == [matching.text_view(text) for text in texts]
    # The euphonic t of a-t-il is in no token: with t among the words, every text is scanned.
    _, positions = matching.views_and_positions(texts[2:3], vocabulary | {"t"}, index=index, first=2)
    assert positions.of(0) == {"t": [2], "il": [4]}


def test_the_runs_scanned_around_an_underscore_an_invisible_character_or_sigma():
    text = "a b_c d\u00ade  ΟΔΟΣ.la x_"
    windows = matching._untokenized_windows(text)
    assert [text[a:b] for a, b in windows] == ["b_c", "d\u00ade", "ΟΔΟΣ.la", "x_"]
    # At the start or end of the text; a long run is read back to its first character.
    long = "_" + "x" * 300 + "_ y " + "z" * 500 + "_"
    assert matching._untokenized_windows(long) == [(0, 302), (305, 806)]
    assert matching._untokenized_windows("") == [] and matching._untokenized_windows("abc") == []


_TRICKY = ["Chine", "chine", "la", "La", " ", ", ", "_", "\u00ad", "\x00", "\u0301", "\u035c", "Σ", "ΟΔΟΣ",
           "ΟΔΟΣ.", "\u0130", "ʼ", "’", "'", "-", "\u2011", "a-t-il", "t", "3,5", "l'", "aujourd'hui",
           "gagnant", "-gagnant", "\n", ".", "é", "E\u0301", "G20", "x", "ſ", "\u200b", "dit-elle"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_TRICKY), max_size=12).map("".join), min_size=1, max_size=5),
       st.sets(st.sampled_from(["chine", "la", "a", "il", "elle", "t", "gagnant", "hui", "aujourd", "3", "5",
                                "οδος", "οδοσ", "σ", "g20", "x", "l", "é", "e", "s"]), min_size=1),
       st.integers(0, 2))
def test_word_positions_from_the_index_equal_a_scan(texts, words, first):
    index = build_index(corpus(*texts), progress=False)
    first = min(first, len(texts) - 1)
    texts = index.texts[first:]  # in NFC, as the index holds them
    vocabulary = frozenset(words)
    scanned = matching.views_and_positions(texts, vocabulary)
    indexed = matching.views_and_positions(texts, vocabulary, index=index, first=first)
    assert indexed[0] == scanned[0]
    assert [indexed[1].of(i) for i in range(len(texts))] == [scanned[1].of(i) for i in range(len(texts))]


def test_a_text_holding_nul_keeps_its_lower_cased_anchors():
    # NUL denies a text its lower-cased view, as İ does, but the anchors of the slow patterns are
    # still looked for in its lower case, as before: "Ruſſie" (long s) is no mention of Russia in
    # either (ſ only case-folds to s).
    assert matching.text_view("Ruſſie\x00") == (None, "ruſſie\x00")
    assert matching.text_view("Ruſſie \u0130") == (None, "russie i\u0307")
    assert find_actors(corpus("Ruſſie\x00", "La Ruſſie\x00, dit", "Ruſſie. \x00")).empty
