"""Tests of analysis.phrases: phrases that would match everything or nothing, and user regexes."""

from __future__ import annotations

import pickle
import time

import pytest

from analysis import phrases
from analysis.phrases import UserRegex, compile_phrase


@pytest.mark.parametrize(
    ("phrase", "problem"),
    [
        ("*", "'*' matches any word (only '*' wildcards): write a letter or digit"),
        ("(la) *", "'(la) *' matches any word"),
        ("*|chine", "'*|chine' matches any word"),
        ("coopération\\", "stray backslash in 'coopération\\\\': a backslash makes ( ) | * or \\ literal"),
        ("a\\b", "stray backslash in 'a\\\\b'"),
    ],
)
def test_phrases_matching_everything_or_nothing_are_refused(phrase, problem):
    with pytest.raises(ValueError) as info:
        compile_phrase(phrase)
    assert str(info.value).startswith(problem)


@pytest.mark.parametrize(
    ("phrase", "text", "expected"),
    [
        ("sino-*", "la coopération sino-russe", "sino-russe"),
        ("* coopération", "une coopération", "une coopération"),
        ("\\(OCS\\)", "l'organisation (OCS)", "(OCS)"),
        ("a\\\\b", "x a\\b y", "a\\b"),
    ],
)
def test_wildcards_and_escapes_still_work(phrase, text, expected):
    assert compile_phrase(phrase).search(text).group() == expected


def test_user_regex_ignores_case_and_pickles():
    pattern = UserRegex(r"ami(s)? de fer")
    assert [m.span() for m in pattern.finditer("Amis de fer, ami de FER")] == [(0, 11), (13, 23)]
    assert pattern.search("").__class__.__name__ == "NoneType"
    assert pickle.loads(pickle.dumps(pattern)).pattern == "ami(s)? de fer"
    with pytest.raises(ValueError, match="missing \\)"):
        UserRegex("ami(s de fer")


def test_user_regex_is_stopped_after_its_time_limit(monkeypatch):
    monkeypatch.setattr(phrases, "REGEX_TIMEOUT", 0.2)
    pattern = UserRegex("(a|aa)+$", error=LookupError, where="test")
    started = time.perf_counter()
    with pytest.raises(LookupError) as info:
        list(pattern.finditer("a" * 40 + "b"))
    assert time.perf_counter() - started < 60  # stops (after 0.2 s of processor time)
    expected = "test: regular expression '(a|aa)+$' was stopped after 0.2 s (processor time) on one text"
    assert str(info.value).startswith(expected)
    with pytest.raises(LookupError):
        pattern.search("a" * 40 + "b")


@pytest.mark.parametrize(("phrase", "expected"), [
    ("partenariat(s)", [{"partenariat", "partenariats"}]),
    ("Chine|Pékin", [{"chine", "pékin"}]),
    ("cœur", [{"cœur", "coeur"}]),
    ("(la) Route", [None, {"route"}]),  # "la Route", then "Route"
    ("gagnant-gagnant", [None]),  # a hyphen inside: two words
    ("Chine-*", [None]),
    ("\\(OCS\\)", [None]),
    ("d'après", [None]),
    ("communauté d'avenir", [None]),
])
def test_whole_words_of_fast_patterns(phrase, expected):
    patterns = phrases.fast_patterns(phrase)
    assert [phrases.WHOLE_WORDS.get(p.pattern) for p in patterns] == expected
    for pattern, words in zip(patterns, expected, strict=True):
        for word in words or ():  # each matches itself whole, and nothing longer
            assert pattern.fullmatch(word) and not pattern.match(word + "x")
