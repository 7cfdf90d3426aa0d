"""Tests of analysis.concordance: keyword in context."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.concordance import kwic

COLUMNS = ["doc_id", "left", "match", "right", "start", "end"]


def corpus(*texts: str) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": [f"d{i}" for i in range(1, len(texts) + 1)], "text": list(texts)})


def rows(frame: pd.DataFrame) -> list[tuple]:
    return [tuple(r) for r in frame.itertuples(index=False)]


BRI = "Une coopération dans le cadre de l’Initiative « La Ceinture et la Route », a-t-il dit."


def test_word_with_either_apostrophe_finds_both():
    texts = corpus("Soutenir l’Initiative.", "L'initiative chinoise")
    for pattern in ("l'initiative", "L’INITIATIVE"):
        assert rows(kwic(texts, pattern, window=2)) == [
            ("d1", "Soutenir ", "l’Initiative", ".", 9, 21),
            ("d2", "", "L'initiative", " chinoise", 0, 12),
        ]


def test_phrase_with_guillemets_inside():
    result = kwic(corpus(BRI), "initiative la ceinture et la route", window=3)
    assert rows(result) == [
        ("d1", "cadre de l’", "Initiative « La Ceinture et la Route", " », a-t-il dit", 35, 71),
    ]
    assert BRI[35:71] == "Initiative « La Ceinture et la Route"


def test_phrase_split_across_a_line_break():
    text = "pratiquer un véritable\nmultilatéralisme au service de tous"
    result = kwic(corpus(text), "véritable multilatéralisme", window=2)
    assert rows(result) == [("d1", "pratiquer un ", "véritable multilatéralisme", " au service", 13, 39)]
    assert text[13:39] == "véritable\nmultilatéralisme"


def test_phrase_does_not_cross_other_punctuation():
    texts = corpus("la paix, sécurité", "la paix. Sécurité", "la paix – sécurité", "la paix (sécurité)")
    assert kwic(texts, "paix sécurité").empty


def test_matches_at_the_start_and_the_end_of_a_text():
    text = "Multilatéralisme, et encore multilatéralisme"
    assert rows(kwic(corpus(text), "multilatéralisme", window=5)) == [
        ("d1", "", "Multilatéralisme", ", et encore multilatéralisme", 0, 16),
        ("d1", "Multilatéralisme, et encore ", "multilatéralisme", "", 28, 44),
    ]


def test_word_window_counts_tokens_and_keeps_punctuation():
    assert rows(kwic(corpus(BRI), "cadre", window=2)) == [
        ("d1", "dans le ", "cadre", " de l’", 24, 29),
    ]
    assert rows(kwic(corpus(BRI), "cadre", window=0)) == [("d1", "", "cadre", "", 24, 29)]


@pytest.mark.parametrize("sep", ["\u00a0", "\t", "\u202f", ",", ""])
def test_word_window_with_words_separated_by_no_break_spaces_tabs_or_no_space(sep):
    # Contexts are the same whatever separates the words; long articles with no plain space
    # (once quadratic) and with no whitespace at all take the path through the whole article.
    words = [f"mot{i}" for i in range(3000)]
    text = sep.join(words) if sep else "-".join(words)
    found = kwic(corpus(text), "mot1500" if sep else "mot1500", window=2, regex=True)
    (left, match, right, start) = found[["left", "match", "right", "start"]].iloc[0]
    joiner = sep if sep else "-"
    if sep in ("\u00a0", "\t", "\u202f", ","):
        assert match == "mot1500"
        assert left == f"mot1498{joiner}mot1499{joiner}".replace("\t", " ")
        assert right == f"{joiner}mot1501{joiner}mot1502".replace("\t", " ")
    else:  # one hyphenated compound: the regex matches inside it, the context is up to the text's ends
        assert match == "mot1500" and start == text.index("mot1500-")
    many = kwic(corpus(text), "mot", window=3, regex=True)
    assert len(many) == 3000


def test_character_window():
    assert rows(kwic(corpus(BRI), "cadre", window=6, by="chars")) == [
        ("d1", "ns le ", "cadre", " de l’", 24, 29),
    ]
    assert rows(kwic(corpus("la paix"), "la", window=20, by="chars")) == [("d1", "", "la", " paix", 0, 2)]


def test_context_never_crosses_into_another_article():
    texts = corpus("Pour la paix", "La paix et la sécurité")
    assert rows(kwic(texts, "paix", window=3)) == [
        ("d1", "Pour la ", "paix", "", 8, 12),
        ("d2", "La ", "paix", " et la sécurité", 3, 7),
    ]


def test_line_breaks_in_the_context_are_shown_as_spaces():
    assert rows(kwic(corpus("la paix\net la\nsécurité"), "et", window=2)) == [
        ("d1", "la paix ", "et", " la sécurité", 8, 10),
    ]


def test_hyphenated_compound_is_one_word():
    texts = corpus("une coopération gagnant-gagnant, un gagnant")
    assert kwic(texts, "gagnant").start.tolist() == [36]
    assert kwic(texts, "coopération gagnant-gagnant").start.tolist() == [4]


def test_regex_is_case_insensitive_and_sees_straight_apostrophes():
    texts = corpus("Coopérations et coopération avec l’OCS")
    assert rows(kwic(texts, r"coopérations?\b", regex=True, window=1)) == [
        ("d1", "", "Coopérations", " et", 0, 12),
        ("d1", "et ", "coopération", " avec", 16, 27),
    ]
    assert rows(kwic(texts, r"l'ocs", regex=True, by="chars", window=5)) == [
        ("d1", "avec ", "l’OCS", "", 33, 38),
    ]


def test_regex_skips_empty_matches():
    assert kwic(corpus("la paix"), r"z*", regex=True).empty


def test_lemma_matches_inflected_forms():
    texts = corpus("La Chine a apporté une contribution, apportant son soutien.")
    result = kwic(texts, "apporter", lemma=True, window=1)
    assert rows(result) == [
        ("d1", "a ", "apporté", " une", 11, 18),
        ("d1", "contribution, ", "apportant", " son", 37, 46),
    ]
    assert kwic(texts, "apporter").empty


def test_sort_by_left_and_right_context_like_antconc():
    texts = corpus("b la paix z. a la paix y. c le paix x.")
    by_position = kwic(texts, "paix", window=2)
    assert by_position.start.tolist() == [5, 18, 31]
    # 1L: la, la, le; then 2L: a before b
    assert kwic(texts, "paix", window=2, sort="left").start.tolist() == [18, 5, 31]
    assert kwic(texts, "paix", window=2, sort="right").start.tolist() == [31, 18, 5]  # 1R: x, y, z


@pytest.mark.parametrize("texts", [(), ("",), ("la paix",), ("",  "la guerre")])
def test_no_match_gives_an_empty_frame_with_the_columns(texts):
    for sort in ("position", "left", "right"):
        result = kwic(corpus(*texts), "sécurité", sort=sort)
        assert result.empty
        assert list(result.columns) == COLUMNS


def test_shipped_corpus_quoted_name_of_the_belt_and_road(seed_corpus):
    result = kwic(seed_corpus, "l'initiative ceinture et route", window=1)
    assert rows(result) == [
        ("000_1c95603a728987f6", "de ", "l'initiative \"Ceinture et Route", "\" et", 1201, 1232),
    ]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"pattern": ""}, "pattern"),
        ({"pattern": "« »"}, "pattern"),
        ({"pattern": 3}, "pattern"),
        ({"pattern": "paix", "window": -1}, "window"),
        ({"pattern": "paix", "window": True}, "window"),
        ({"pattern": "paix", "by": "sentences"}, "by"),
        ({"pattern": "paix", "sort": "1L"}, "sort"),
        ({"pattern": "paix", "regex": True, "lemma": True}, "regex and lemma"),
        ({"pattern": "paix(", "regex": True}, "regular expression"),
        ({"pattern": "paix", "regex": "yes"}, "regex"),
        ({"pattern": "family:gagnant-gagnant", "lemma": True}, "family"),
    ],
)
def test_bad_arguments_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        kwic(corpus("la paix"), **kwargs)


def test_words_with_soft_hyphens_zero_width_characters_or_underscores_are_found():
    texts = corpus("la coopé\u00adration, _coopération_ et coopération_bilatérale, co\u200bopération")
    assert rows(kwic(texts, "coopération", window=0)) == [
        ("d1", "", "coopé\u00adration", "", 3, 15), ("d1", "", "coopération", "", 18, 29),
        ("d1", "", "co\u200bopération", "", 58, 70),
    ]
    assert kwic(texts, "coopération_bilatérale")["match"].tolist() == ["coopération_bilatérale"]


def test_an_elided_clitic_alone_finds_the_elided_word():
    texts = corpus("L’Initiative et l'OCS ; le pays.", "Jusqu'à la fin")
    assert rows(kwic(texts, "l'", window=1)) == [("d1", "", "L’", "Initiative", 0, 2),
                                                 ("d1", "et ", "l'", "OCS", 16, 18)]
    assert rows(kwic(texts, "jusqu’", window=0)) == [("d2", "", "Jusqu'", "", 0, 6)]


@pytest.mark.parametrize(
    ("pattern", "shown"),
    [("c++", "'+'"), ("c#", "'#'"), ("paix, sécurité", "','"), ("M. Xi", "'.'")],
)
def test_characters_a_word_pattern_cannot_match_are_refused(pattern, shown):
    with pytest.raises(ValueError) as info:
        kwic(corpus("Le C et le c++ en C#, paix, sécurité. M. Xi"), pattern)
    expected = f"pattern {pattern!r} holds {shown}, which a word pattern does not match"
    assert str(info.value).startswith(expected)
    literal = kwic(corpus("Le C et le c++ en C#"), re.escape(pattern), regex=True)
    assert literal["match"].tolist() in ([], ["c++"], ["C#"])


def test_a_catastrophic_regex_is_stopped_with_an_error_naming_it(monkeypatch):
    import time

    from analysis import PatternError, phrases

    monkeypatch.setattr(phrases, "REGEX_TIMEOUT", 0.2)
    started = time.perf_counter()
    with pytest.raises(PatternError) as info:
        kwic(corpus("a" * 40 + "b"), "(a|aa)+$", regex=True)
    assert time.perf_counter() - started < 60  # stops (0.2 s of processor time)
    assert isinstance(info.value, ValueError)
    assert str(info.value).startswith(
        "kwic pattern '(a|aa)+$': regular expression '(a|aa)+$' was stopped after 0.2 s"
    )


def test_the_issue_catastrophic_regex_answers_at_once():
    # (a+)+$ hangs Python's re for minutes on this text; the regex package answers at once.
    assert rows(kwic(corpus("a" * 40 + "b"), "(a+)+$", regex=True)) == []
    found = kwic(corpus("b" + "a" * 40), "(a+)+$", regex=True, window=0)
    assert rows(found) == [("d1", "", "a" * 40, "", 1, 41)]


# --- lexicon families ----------------------------------------------------------------------------

LEXICON_YAML = """
families:
  - id: gagnant-gagnant
    label: coopération gagnant-gagnant
    variants:
      - id: cooperation-gagnant-gagnant
        phrase: coopération gagnant-gagnant
      - id: gagnant-gagnant
        phrase: gagnant-gagnant
"""


@pytest.fixture
def lexicon(tmp_path):
    from analysis import load_lexicon

    path = tmp_path / "lexicon.yaml"
    path.write_text(LEXICON_YAML, encoding="utf-8")
    return load_lexicon(path, extend=False)


def test_family_pattern_gives_the_matches_of_find_formulas(lexicon):
    from analysis import find_formulas

    texts = corpus("Une coopération gagnant-gagnant, enfin du gagnant–gagnant", "Rien.")
    result = kwic(texts, "family:gagnant-gagnant", window=2, lexicon=lexicon)
    # The longer variant wins where two overlap, as in find_formulas.
    assert rows(result) == [
        ("d1", "Une ", "coopération gagnant-gagnant", ", enfin du", 4, 31),
        ("d1", "enfin du ", "gagnant–gagnant", "", 42, 57),
    ]
    found = find_formulas(texts, lexicon=lexicon)
    assert list(zip(found.start, found.end, strict=True)) == [(4, 31), (42, 57)]


def test_unknown_family_is_refused(lexicon):
    with pytest.raises(ValueError, match="family"):
        kwic(corpus("la paix"), "family:paix", lexicon=lexicon)


# --- property: the fast path (regex candidates, tokens of the passage only) equals the definition --

LONG_WORD = "multilatéralisme-gagnant-gagnant-anticonstitutionnellement"  # makes the passage grow
WORDS = st.sampled_from(["la", "Paix", "l’Initiative", "L'initiative", "gagnant-gagnant", "aujourd'hui",
                         "a-t-il", LONG_WORD, "coopé\u00adration", "l’\u200bInitiative", "_la_",
                         "Coopération"])
SEPARATORS = st.sampled_from([" ", " ", " ", "\n", ", ", ". ", " « ", " » ", "", "’"])
PATTERNS = st.sampled_from(["la", "paix", "la paix", "l'initiative", "initiative la", "paix la paix", "il",
                            "coopération", "l'"])


def _reference(text, pattern, window):
    from analysis import tokenize

    words = ["l'"] if pattern == "l'" else tokenize(pattern)  # a clitic alone is its token
    spans = tokenize(text, offsets=True)
    forms = [t for t, _, _ in spans]
    gap = re.compile(r"[\s\"'«»“”‘’‚„‹›]*")
    out = []
    for i in range(len(spans) - len(words) + 1):
        j = i + len(words) - 1
        if forms[i : j + 1] == words and all(gap.fullmatch(text[spans[m][2] : spans[m + 1][1]])
                                             for m in range(i, j)):
            left_from = spans[i - window][1] if i >= window else 0
            right_to = spans[j + window][2] if j + window < len(spans) else len(text)
            left = text[left_from : spans[i][1]] if window else ""
            right = text[spans[j][2] : right_to] if window else ""
            out.append(("d1", left.replace("\n", " "), text[spans[i][1] : spans[j][2]].replace("\n", " "),
                        right.replace("\n", " "), spans[i][1], spans[j][2]))
    return out


@settings(max_examples=300)
@given(st.lists(st.tuples(WORDS, SEPARATORS), max_size=60), PATTERNS, st.integers(0, 4))
def test_kwic_agrees_with_its_definition(parts, pattern, window):
    text = "".join(w + s for w, s in parts)
    assert rows(kwic(corpus(text), pattern, window=window)) == _reference(text, pattern, window)


def test_word_contexts_stop_at_the_article_and_reach_its_edges_without_words():
    corpus = pd.DataFrame({"doc_id": ["a", "b"], "text": ["!!! ?? !!", "la Chine ! et la paix"]})
    lines = kwic(corpus, "!+", regex=True, window=1)
    assert lines[["doc_id", "left", "match", "right"]].values.tolist() == [
        ["a", "", "!!!", " ?? !!"], ["a", "!!! ?? ", "!!", ""], ["b", "Chine ", "!", " et"]]
