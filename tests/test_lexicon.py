"""Tests of analysis.lexicon: data files that cannot blow up, and guarded regex variants."""

from __future__ import annotations

import time
import tracemalloc

import pandas as pd
import pytest

from analysis import LexiconError, find_formulas, load_actors, load_lexicon, phrases

#: A one-family lexicon; format it with the variant's kind and value.
VARIANT = "families:\n  - id: fer\n    label: fer\n    variants:\n      - id: v\n        {}\n"


def write(tmp_path, text: str, name: str = "lexicon.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def alias_bomb(levels: int = 9, width: int = 10) -> str:
    """A "billion laughs" file: nested aliases expanding to width ** levels strings."""
    names = "abcdefghijklmnop"[:levels]
    lines = [f"{names[0]}: &{names[0]} [" + ",".join(['"x"'] * width) + "]"]
    for previous, name in zip(names, names[1:], strict=False):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * width) + "]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_refused_at_once_in_little_memory(tmp_path):
    path = write(tmp_path, alias_bomb())
    assert len(path.read_bytes()) == 352  # expands to 10**9 strings
    load_lexicon()  # the shipped lexicon, parsed once and cached, is not part of the measure
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(LexiconError) as info:
            load_lexicon(path, extend=False)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert str(info.value) == (
        f"{path}: not valid YAML at line 1, column 4: anchors and aliases (&name, *name) are not allowed "
        "in data files; write each value out"
    )
    assert peak < 5_000_000
    assert time.perf_counter() - started < 60  # at once, in fact (a few ms)


def test_aliases_are_refused_in_actor_files_too(tmp_path):
    text = "actors:\n  - &x {id: a, label: A, kind: country, names: [A]}\n  - *x\n"
    path = write(tmp_path, text, "actors.yaml")
    with pytest.raises(LexiconError, match="anchors and aliases"):
        load_actors(path)


def test_duplicate_keys_are_an_error_naming_the_key(tmp_path):
    text = "families:\n  - id: fer\n    label: fer\n    label: acier\n    variants: [ami de fer]\n"
    with pytest.raises(LexiconError) as info:
        load_lexicon(write(tmp_path, text))
    expected = "at line 4, column 5: duplicate key 'label' (a key may appear once in a mapping)"
    assert str(info.value).endswith(expected)


def test_a_huge_bad_value_is_shown_by_its_start(tmp_path):
    huge = ", ".join(["x" * 50] * 20_000)
    text = f"families:\n  - id: fer\n    label: [{huge}]\n    variants: [fer]\n"
    with pytest.raises(LexiconError) as info:
        load_lexicon(write(tmp_path, text))
    message = str(info.value)
    assert "family 'fer': 'label' must be a non-empty text (got ['xxxx" in message
    assert "characters in all)" in message
    assert len(message) < 600


@pytest.mark.parametrize(
    ("variant", "problem"),
    [
        ("phrase: '*'", "variant 'v': invalid phrase '*': '*' matches any word"),
        ("phrase: 'ami de fer\\'", "variant 'v': invalid phrase 'ami de fer\\\\': stray backslash"),
    ],
)
def test_variants_matching_everything_or_nothing_are_refused(tmp_path, variant, problem):
    text = VARIANT.format(variant)
    with pytest.raises(LexiconError) as info:
        load_lexicon(write(tmp_path, text))
    assert problem in str(info.value)


def test_a_catastrophic_regex_variant_is_stopped_with_an_error_naming_it(tmp_path, monkeypatch):
    monkeypatch.setattr(phrases, "REGEX_TIMEOUT", 0.2)
    text = VARIANT.format("regex: '(\\w|\\w\\w)+$'")
    path = write(tmp_path, text)
    corpus = pd.DataFrame({"doc_id": ["a"], "text": ["a" * 40 + "!"]})
    started = time.perf_counter()
    with pytest.raises(LexiconError) as info:
        find_formulas(corpus, lexicon=load_lexicon(path, extend=False))
    assert time.perf_counter() - started < 60  # stops (0.2 s of processor time)
    assert str(info.value).startswith(
        f"{path}: family 'fer', variant 'v': regular expression '(\\\\w|\\\\w\\\\w)+$' "
        "was stopped after 0.2 s"
    )


def test_the_issue_regex_variant_answers_on_the_seed_corpus(tmp_path, seed_corpus):
    text = VARIANT.format("regex: '(\\w+\\s?)+$'")
    # Python's re runs for minutes here; the regex engine answers within its time limit (no error).
    found = find_formulas(seed_corpus, lexicon=load_lexicon(write(tmp_path, text), extend=False))
    assert found["variant"].tolist() == []  # both texts end with a full stop
