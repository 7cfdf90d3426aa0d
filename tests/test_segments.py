"""Tests of analysis.segments: repeated segments, shared passages, formulaicity."""

from __future__ import annotations

import re
from collections import Counter

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.segments import formulaicity, join_tokens, repeated_segments, shared_passages

SEGMENT_COLUMNS = ["segment", "length", "frequency", "n_docs", "doc_ids"]


def corpus(*texts: str) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": [f"d{i}" for i in range(1, len(texts) + 1)], "text": list(texts)})


def rows(frame: pd.DataFrame) -> list[tuple]:
    return [tuple(r) for r in frame.itertuples(index=False)]


# --- repeated segments ---------------------------------------------------------------------------

WINWIN = corpus(
    "La coopération gagnant-gagnant. La coopération gagnant-gagnant profite à tous.",
    "Une coopération gagnant-gagnant !",
)


def test_maximal_repeated_segments_of_a_tiny_corpus():
    result = repeated_segments(WINWIN)
    assert list(result.columns) == SEGMENT_COLUMNS
    assert rows(result) == [
        ("la coopération gagnant-gagnant", 3, 2, 1, "d1"),
        ("coopération gagnant-gagnant", 2, 3, 2, "d1|d2"),
    ]


def test_non_maximal_segments_are_kept_on_request():
    # "la coopération" (2) lies inside "la coopération gagnant-gagnant" (2): not maximal.
    assert rows(repeated_segments(WINWIN, maximal=False)) == [
        ("la coopération gagnant-gagnant", 3, 2, 1, "d1"),
        ("coopération gagnant-gagnant", 2, 3, 2, "d1|d2"),
        ("la coopération", 2, 2, 1, "d1"),
    ]


def test_length_frequency_and_document_thresholds():
    assert rows(repeated_segments(WINWIN, min_docs=2)) == [("coopération gagnant-gagnant", 2, 3, 2, "d1|d2")]
    assert rows(repeated_segments(WINWIN, min_freq=3)) == [("coopération gagnant-gagnant", 2, 3, 2, "d1|d2")]
    assert rows(repeated_segments(WINWIN, min_len=3)) == [("la coopération gagnant-gagnant", 3, 2, 1, "d1")]
    # Segments of length max_len count as maximal: nothing longer was looked at.
    assert rows(repeated_segments(WINWIN, max_len=2)) == [
        ("coopération gagnant-gagnant", 2, 3, 2, "d1|d2"),
        ("la coopération", 2, 2, 1, "d1"),
    ]
    assert rows(repeated_segments(WINWIN, min_len=1, min_freq=3)) == [
        ("coopération gagnant-gagnant", 2, 3, 2, "d1|d2"),
    ]
    assert rows(repeated_segments(WINWIN, min_len=1, min_freq=3, maximal=False)) == [
        ("coopération gagnant-gagnant", 2, 3, 2, "d1|d2"),
        ("coopération", 1, 3, 2, "d1|d2"),
        ("gagnant-gagnant", 1, 3, 2, "d1|d2"),
    ]


@pytest.mark.parametrize("mark", [".", "!", "?", ";", ":", "…", "\n\n"])
def test_strong_delimiters_end_a_segment(mark):
    result = repeated_segments(corpus(f"la paix{mark} mondiale et la paix mondiale"))
    assert rows(result) == [("la paix", 2, 2, 1, "d1")]


@pytest.mark.parametrize(
    "text",
    [
        "un véritable multilatéralisme et le « véritable multilatéralisme »",
        'un véritable multilatéralisme et le "véritable multilatéralisme"',
        "un véritable multilatéralisme, le véritable, multilatéralisme",
        "un véritable multilatéralisme et le véritable\nmultilatéralisme",
        "un véritable multilatéralisme et le véritable (multilatéralisme)",
    ],
)
def test_commas_quotes_brackets_and_line_breaks_do_not_end_a_segment(text):
    assert rows(repeated_segments(corpus(text))) == [("véritable multilatéralisme", 2, 2, 1, "d1")]


def test_full_stop_after_an_abbreviation_or_initial_does_not_end_a_segment():
    result = repeated_segments(corpus("M. Xi a dit. M. Xi a dit. J. K. Rowling, J. K. Rowling"))
    assert rows(result) == [("m xi a dit", 4, 2, 1, "d1"), ("j k rowling", 3, 2, 1, "d1")]


def test_both_apostrophes_give_one_segment_shown_without_space_after_the_clitic():
    result = repeated_segments(corpus("pour l’humanité", "Pour l'Humanité !"))
    assert rows(result) == [("pour l'humanité", 3, 2, 2, "d1|d2")]


def test_overlapping_occurrences_are_counted():
    assert rows(repeated_segments(corpus("très très très"))) == [("très très", 2, 2, 1, "d1")]


def test_doc_ids_are_sorted_whatever_the_row_order():
    frame = pd.DataFrame({"doc_id": ["b", "a"], "text": ["la paix", "la paix"]})
    assert rows(repeated_segments(frame)) == [("la paix", 2, 2, 2, "a|b")]


def test_segments_never_cross_documents():
    result = repeated_segments(corpus("la paix", "mondiale", "la paix", "mondiale"))
    assert result.segment.tolist() == ["la paix"]


@pytest.mark.parametrize("texts", [(), ("",), ("", "... !"), ("la paix", "la guerre")])
def test_no_repeated_segment_gives_an_empty_frame_with_the_columns(texts):
    result = repeated_segments(corpus(*texts))
    assert result.empty
    assert list(result.columns) == SEGMENT_COLUMNS


def test_sorted_by_length_then_frequency_then_segment():
    result = repeated_segments(corpus("b a. b a. a b. a b. a b. c d e. c d e."))
    assert result.segment.tolist() == ["c d e", "a b", "b a"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"min_len": 0}, "min_len"),
        ({"min_freq": 1}, "min_freq"),
        ({"min_docs": 0}, "min_docs"),
        ({"max_len": 1, "min_len": 2}, "max_len"),
        ({"maximal": "yes"}, "maximal"),
        ({"min_len": 2.0}, "min_len"),
    ],
)
def test_bad_arguments_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        repeated_segments(WINWIN, **kwargs)


@pytest.mark.parametrize(
    "bad",
    [["la paix"], pd.DataFrame({"text": ["a"]}), pd.DataFrame({"doc_id": ["a", "a"], "text": ["x", "y"]}),
     pd.DataFrame({"doc_id": ["a"], "text": [None]})],
)
def test_bad_corpus_is_refused(bad):
    with pytest.raises(ValueError, match="corpus"):
        repeated_segments(bad)


def test_join_tokens():
    assert join_tokens(["dans", "l'", "esprit", "de", "shanghai"]) == "dans l'esprit de shanghai"
    assert join_tokens([]) == ""


# Property: the fast (apriori) counting agrees with a brute-force count of every n-gram.
WORDS = st.sampled_from(["la", "paix", "l'ocs", "et", "gagnant-gagnant"])
SEPARATORS = st.sampled_from([" ", " ", " ", ", ", ". ", " « ", "\n"])


def _brute_force(texts, min_len, max_len, min_freq):
    freq, docs = Counter(), {}
    for d, text in enumerate(texts):
        for sequence in re.split(r"[.]", text):
            words = sequence.replace("l'ocs", "l' ocs").replace(",", " ").replace("«", " ").split()
            for n in range(min_len, max_len + 1):
                for i in range(len(words) - n + 1):
                    seg = join_tokens(words[i : i + n])
                    freq[seg] += 1
                    docs.setdefault(seg, set()).add(f"d{d + 1}")
    return sorted(
        (seg, len(seg.replace("l'", "l' ").split()), f, len(docs[seg]), "|".join(sorted(docs[seg])))
        for seg, f in freq.items() if f >= min_freq
    )


@settings(max_examples=150)
@given(st.lists(st.lists(st.tuples(WORDS, SEPARATORS), max_size=25), min_size=1, max_size=3),
       st.integers(1, 3), st.integers(2, 3))
def test_counts_agree_with_brute_force(docs, min_len, min_freq):
    texts = ["".join(w + s for w, s in doc) for doc in docs]
    max_len = 5
    result = repeated_segments(corpus(*texts), min_len=min_len, max_len=max_len, min_freq=min_freq,
                               maximal=False)
    assert sorted(rows(result)) == _brute_force(texts, min_len, max_len, min_freq)


# --- shared passages -----------------------------------------------------------------------------

COMMUNIQUE = "Selon le communiqué, la Chine est disposée à travailler avec l’OCS pour la paix. Fin."
ARTICLE = "Pékin a indiqué que « la Chine est disposée à travailler avec l'OCS » pour la paix mondiale."
PASSAGE_A = "la Chine est disposée à travailler avec l’OCS pour la paix"
PASSAGE_B = "la Chine est disposée à travailler avec l'OCS » pour la paix"


def test_shared_passage_with_offsets_in_both_articles():
    result = shared_passages(corpus(COMMUNIQUE, ARTICLE), min_words=8)
    a, b = COMMUNIQUE.index(PASSAGE_A), ARTICLE.index(PASSAGE_B)
    assert rows(result) == [
        ("d1", a, a + len(PASSAGE_A), "d2", b, b + len(PASSAGE_B), 12, PASSAGE_A, PASSAGE_B),
    ]
    assert (a, b) == (21, 22)


def test_passages_shorter_than_min_words_are_not_reported():
    assert shared_passages(corpus(COMMUNIQUE, ARTICLE), min_words=13).empty
    assert len(shared_passages(corpus(COMMUNIQUE, ARTICLE), min_words=12)) == 1


def test_every_pair_and_every_copy_is_reported():
    copy_twice = f"{PASSAGE_A}. Et encore : {PASSAGE_B}."
    result = shared_passages(corpus(COMMUNIQUE, "Rien à voir.", copy_twice), min_words=8)
    assert result[["doc_id_a", "start_a", "doc_id_b", "start_b", "n_words"]].values.tolist() == [
        ["d1", 21, "d3", 0, 12],
        ["d1", 21, "d3", 72, 12],
    ]


def test_a_passage_repeated_inside_one_article_is_not_a_shared_passage():
    assert shared_passages(corpus(f"{PASSAGE_A}. {PASSAGE_A}."), min_words=8).empty


def test_two_separate_passages_of_one_pair():
    a = "un deux trois quatre cinq six sept huit neuf dix"
    b = "alpha bêta gamma delta epsilon zêta êta thêta iota kappa"
    result = shared_passages(corpus(f"{a} xxx {b}", f"{b} yyy {a}"), min_words=5)
    assert result[["start_a", "start_b", "n_words", "text_a"]].values.tolist() == [
        [0, 61, 10, a],
        [53, 0, 10, b],
    ]


@pytest.mark.parametrize("texts", [(), ("",), ("", ""), (COMMUNIQUE,), (COMMUNIQUE, "Sans rapport.")])
def test_no_shared_passage_gives_an_empty_frame_with_the_columns(texts):
    result = shared_passages(corpus(*texts), min_words=8)
    assert result.empty
    assert list(result.columns) == ["doc_id_a", "start_a", "end_a", "doc_id_b", "start_b", "end_b",
                                    "n_words", "text_a", "text_b"]


@pytest.mark.parametrize("bad", [1, 0, 8.0, True])
def test_min_words_is_checked(bad):
    with pytest.raises(ValueError, match="min_words"):
        shared_passages(corpus(COMMUNIQUE), min_words=bad)


# --- formulaicity --------------------------------------------------------------------------------

LEXICON_YAML = """
families:
  - id: gagnant-gagnant
    label: coopération gagnant-gagnant
    variants:
      - id: cooperation-gagnant-gagnant
        phrase: coopération gagnant-gagnant
"""


@pytest.fixture
def lexicon(tmp_path):
    from analysis import load_lexicon

    path = tmp_path / "lexicon.yaml"
    path.write_text(LEXICON_YAML, encoding="utf-8")
    return load_lexicon(path, extend=False)


FORMULAIC = corpus(
    "Une coopération gagnant-gagnant pour l’humanité.",
    "Pour l'humanité, une coopération\ngagnant-gagnant. Rien d’autre.",
    "",
)


def test_formulaicity_counts_formula_and_shared_segment_tokens(lexicon):
    result = formulaicity(FORMULAIC, lexicon=lexicon)
    assert list(result.columns) == ["doc_id", "n_tokens", "formula_tokens", "formula_share",
                                    "segment_tokens", "segment_share"]
    # d1: une coopération gagnant-gagnant | pour l' humanité -- both shared with d2
    # d2: pour l' humanité | une coopération gagnant-gagnant | rien d' autre (not shared)
    assert rows(result) == [
        ("d1", 6, 2, 2 / 6, 6, 1.0),
        ("d2", 9, 2, 2 / 9, 6, 6 / 9),
        ("d3", 0, 0, 0.0, 0, 0.0),
    ]


def test_formulaicity_min_len(lexicon):
    assert formulaicity(FORMULAIC, lexicon=lexicon, min_len=3).segment_tokens.tolist() == [6, 6, 0]
    # No shared segment of 4 words: "une coopération gagnant-gagnant pour" is in d1 only.
    assert formulaicity(FORMULAIC, lexicon=lexicon, min_len=4).segment_tokens.tolist() == [0, 0, 0]


def test_segment_repeated_inside_one_article_only_is_not_shared(lexicon):
    result = formulaicity(corpus("la paix et la paix", "autre chose"), lexicon=lexicon)
    assert result.segment_tokens.tolist() == [0, 0]


def test_formulaicity_checks_min_len(lexicon):
    with pytest.raises(ValueError, match="min_len"):
        formulaicity(FORMULAIC, lexicon=lexicon, min_len=0)


# Property: the fast tokenization by sequences gives the tokens and sequences of the whole text.
PIECES = st.sampled_from(["la", "Paix", "l’OCS", "M.", "J.", "3.5", "v2.0", "12", "a-t-il", "etc.", "…", ".",
                          ";", ":", "!", "?", "«", "»", ",", "\n\n", "\n", " ", " ", "aujourd'hui", "l'"])


@settings(max_examples=300)
@given(st.lists(st.lists(PIECES, max_size=30), max_size=3))
def test_sequences_without_offsets_equal_sequences_with_offsets(docs):
    from analysis.segments import _corpus_tokens

    texts = corpus(*("".join(doc) for doc in docs))
    fast, slow = _corpus_tokens(texts, offsets=False), _corpus_tokens(texts, offsets=True)
    assert [fast.vocab[i] for i in fast.ids] == [slow.vocab[i] for i in slow.ids]
    assert fast.breaks.tolist() == slow.breaks.tolist()
    assert fast.doc.tolist() == slow.doc.tolist()


# --- shared passages: boilerplate and the cap on pairs ------------------------------------------

FOOTER = "Pour toute information, contactez le service de presse de l'agence."


def test_boilerplate_shared_by_more_than_max_docs_articles_is_reported_once():
    texts = [f"Article numéro {i} sur un sujet propre {i}. {FOOTER}" for i in range(5)]
    texts.append(f"{COMMUNIQUE} {FOOTER}")
    texts.append(ARTICLE)
    result = shared_passages(corpus(*texts), min_words=8, max_docs=4)
    # The footer is in 6 articles: no pair of rows, one boilerplate row; the 2-article passage stays.
    assert result[["doc_id_a", "doc_id_b", "n_words"]].values.tolist() == [["d6", "d7", 12]]
    boilerplate = result.attrs["boilerplate"]
    assert boilerplate.values.tolist() == [
        ["pour toute information contactez le service de presse de l'agence", 11, 6, 6, "d1"],
    ]
    only_footer = shared_passages(corpus(*texts[:6]), min_words=8, max_docs=4)
    assert only_footer.empty and list(only_footer.columns) == list(result.columns)
    assert len(only_footer.attrs["boilerplate"]) == 1
    every_pair = shared_passages(corpus(*texts), min_words=8, max_docs=None)
    assert len(every_pair) == 15 + 1  # 6 articles sharing the footer: 15 pairs, plus the passage
    assert every_pair.attrs["boilerplate"].empty


def test_boilerplate_passages_counted_per_run_and_per_article_whatever_the_apostrophe():
    notice = "Reproduction interdite sans l’accord écrit de la rédaction du journal."
    texts = [f"Article numéro {i} sur un sujet propre {i}. {FOOTER}" for i in range(5)]
    texts[0] = f"{notice} Premier texte. {texts[0]} Encore une fois : {notice}"
    texts[1] = texts[1].replace("l'agence", "l’agence") + " Sujet deux. " + notice.replace("’", "'")
    texts[2] = f"{notice} Troisième. {texts[2]}"
    result = shared_passages(corpus(*texts), min_words=8, max_docs=2)
    assert result.empty
    # The notice: 4 runs (twice in d1), in 3 articles; the footer once in each of 5.
    assert result.attrs["boilerplate"].values.tolist() == [
        ["pour toute information contactez le service de presse de l'agence", 11, 5, 5, "d1"],
        ["reproduction interdite sans l'accord écrit de la rédaction du journal", 11, 3, 4, "d1"],
    ]


def test_max_pairs_refuses_with_a_clear_message():
    texts = [f"Texte {i}. {FOOTER}" for i in range(5)]
    with pytest.raises(ValueError, match="max_pairs.*lower max_docs"):
        shared_passages(corpus(*texts), min_words=8, max_docs=None, max_pairs=3)
    assert len(shared_passages(corpus(*texts), min_words=8, max_docs=None, max_pairs=40)) == 10


@pytest.mark.parametrize("kwargs", [{"max_docs": 1}, {"max_docs": 2.0}, {"max_pairs": 0},
                                    {"max_pairs": True}])
def test_max_docs_and_max_pairs_are_checked(kwargs):
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        shared_passages(corpus(COMMUNIQUE), **kwargs)


# --- the integer n-gram counting: edges ------------------------------------------------------------


def test_segments_at_the_very_start_and_end_of_articles():
    result = repeated_segments(corpus("paix mondiale et amitié", "amitié et paix mondiale"), min_len=2)
    assert rows(result) == [("paix mondiale", 2, 2, 2, "d1|d2")]
    # An article that is only the segment: it starts at the first token and ends at the last.
    assert rows(repeated_segments(corpus("paix mondiale", "paix mondiale"))) == [
        ("paix mondiale", 2, 2, 2, "d1|d2")]


def test_a_segment_never_runs_from_one_article_into_the_next():
    # "mondiale" ends d1 and "amitié" starts d2: "mondiale amitié" is in d3 only once, across no boundary.
    result = repeated_segments(corpus("la paix mondiale", "amitié", "la paix mondiale amitié"), maximal=False)
    assert rows(result) == [("la paix mondiale", 3, 2, 2, "d1|d3"), ("la paix", 2, 2, 2, "d1|d3"),
                            ("paix mondiale", 2, 2, 2, "d1|d3")]


@pytest.mark.parametrize("mark", [".", "!", "?", ";", ":", "…", "\n\n"])
def test_a_longer_segment_across_a_strong_delimiter_does_not_count(mark):
    # "a b c d" occurs twice but once across a delimiter: only the parts on each side repeat.
    text = f"a b c d et a b{mark} c d"
    assert rows(repeated_segments(corpus(text), maximal=False)) == [("a b", 2, 2, 1, "d1"),
                                                                   ("c d", 2, 2, 1, "d1")]


def test_empty_documents_between_others_change_nothing():
    texts = ("la paix mondiale", "", "... ;", "la paix mondiale")
    result = repeated_segments(corpus(*texts))
    assert rows(result) == [("la paix mondiale", 3, 2, 2, "d1|d4")]
    assert rows(repeated_segments(corpus("", "", ""))) == []


def test_key_packing_fallback_gives_the_same_result(monkeypatch):
    # Keys too wide to share one uint64 with the occurrence number are sorted by a stable argsort.
    import analysis.segments as segments

    texts = [" ".join(f"w{(i * 7 + k) % 13}" for k in range(40)) + ". fin" for i in range(6)]
    expected = repeated_segments(corpus(*texts), maximal=False)
    monkeypatch.setattr(segments, "_PACK_BITS", 8)
    assert repeated_segments(corpus(*texts), maximal=False).equals(expected)
    assert len(expected) > 100


def test_a_vocabulary_wider_than_simple_packing():
    # 3,000 distinct words: 12 bits each, so six of them would not fit a 64-bit key; the keys number the
    # (n-1)-gram and the last word instead, exact at every length.
    words = [f"mot{i}" for i in range(3000)]
    passage = " ".join(words[:12])
    texts = [" ".join(words[i::3]) + f". {passage}" for i in range(3)]
    result = repeated_segments(corpus(*texts), min_len=6, min_docs=3)
    assert rows(result) == [(passage, 12, 3, 3, "d1|d2|d3")]


def test_stable_order_is_a_stable_sort():
    import numpy as np

    from analysis.segments import _stable_order

    keys = np.array([5, 1, 5, 0, 1, 2**40, 0])
    order, ordered = _stable_order(keys)
    assert order.tolist() == np.argsort(keys, kind="stable").tolist() == [3, 6, 1, 4, 0, 2, 5]
    assert ordered.tolist() == sorted(keys.tolist())


@settings(max_examples=60)
@given(st.lists(st.lists(st.tuples(WORDS, SEPARATORS), max_size=25), min_size=1, max_size=4),
       st.integers(1, 3))
def test_maximal_segments_agree_with_brute_force(docs, min_docs):
    # Maximal: no segment one word longer (either side, up to max_len) with the same frequency
    # (among those kept); segments of max_len words count as maximal.
    texts = ["".join(w + s for w, s in doc) for doc in docs]
    every = _brute_force(texts, 1, 5, 2)
    every = {seg: row for seg, *row in every if row[2] >= min_docs}
    words = {seg: seg.replace("l'", "l' ").split() for seg in every}
    maximal = []
    for seg, (n, f, n_docs, ids) in every.items():
        longer = [o for o in every if len(words[o]) == n + 1 and every[o][1] == f
                  and words[seg] in (words[o][1:], words[o][:-1])]
        if not longer and 2 <= n <= 5:
            maximal.append((seg, n, f, n_docs, ids))
    result = repeated_segments(corpus(*texts), min_len=2, max_len=5, min_docs=min_docs)
    assert sorted(rows(result)) == sorted(maximal)


def test_levels_give_the_same_segments_when_their_stamps_wrap(monkeypatch):
    from analysis import segments

    texts = ["La coopération gagnant-gagnant profite à tous les peuples du monde. Fin.",
             "Selon lui, la coopération gagnant-gagnant profite à tous les peuples. Fin.",
             "La coopération gagnant-gagnant profite à tous les pays."]
    frame = corpus(*texts)
    expected = rows(repeated_segments(frame, min_len=1, maximal=False))
    shared = shared_passages(frame, min_words=4)
    monkeypatch.setattr(segments, "_STAMP_LIMIT", 3)
    assert rows(repeated_segments(frame, min_len=1, maximal=False)) == expected
    assert ("coopération gagnant-gagnant profite à tous les", 6, 3, 3, "d1|d2|d3") in expected
    pd.testing.assert_frame_equal(shared_passages(frame, min_words=4), shared)


def test_shared_passages_many_copies_in_few_articles():
    # A passage 50 times in d1 and once in d2: 50 cross-article pairs, and no same-article pair.
    passage = "la coopération est fondée sur le respect mutuel"
    result = shared_passages(corpus(". ".join([passage] * 50), passage), min_words=8)
    assert len(result) == 50 and set(result.doc_id_a) == {"d1"} and set(result.doc_id_b) == {"d2"}
    assert result.start_b.tolist() == [0] * 50
