"""Tests of analysis.counts: term frequencies on tiny French fixtures with exact counts."""

from collections import Counter

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from analysis import as_written, term_frequencies, term_matrix, tokenize, vocabulary_overlap
from analysis import counts as counts_module

# d1: 6 tokens (l' amitié sino-bélarusse et l' amitié), both apostrophes;
# d2: 3 tokens; d3: empty.
D1 = "L’amitié sino-bélarusse et l'amitié."
D2 = "Coopération gagnant-gagnant, coopération !"


@pytest.fixture
def corpus():
    return pd.DataFrame({
        "doc_id": ["d1", "d2", "d3"],
        "text": [D1, D2, ""],
        "date": pd.to_datetime(["2024-07-08", "2025-08-31", "2025-09-01"]),
        "source": ["A", "A", "B"],
    })


def rows(frame, columns):
    return [tuple(r) for r in frame[columns].itertuples(index=False, name=None)]


def test_whole_corpus_counts_rates_and_order(corpus):
    result = term_frequencies(corpus)
    assert list(result.columns) == ["term", "count", "rate", "doc_freq"]
    assert rows(result, ["term", "count", "doc_freq"]) == [
        ("amitié", 2, 1), ("coopération", 2, 1), ("gagnant-gagnant", 1, 1), ("sino-bélarusse", 1, 1),
    ]
    # the denominator is every token (9), stop words included
    assert result["rate"].tolist() == pytest.approx([2 / 9 * 1e4, 2 / 9 * 1e4, 1 / 9 * 1e4, 1 / 9 * 1e4])


def test_by_document_and_empty_document(corpus):
    result = term_frequencies(corpus, by="doc_id")
    assert rows(result, ["doc_id", "term", "count"]) == [
        ("d1", "amitié", 2), ("d1", "sino-bélarusse", 1),
        ("d2", "coopération", 2), ("d2", "gagnant-gagnant", 1),
    ]
    assert result["rate"].tolist() == pytest.approx([2 / 6 * 1e4, 1 / 6 * 1e4, 2 / 3 * 1e4, 1 / 3 * 1e4])


def test_both_apostrophes_and_clitics_without_stopwords(corpus):
    result = term_frequencies(corpus, by="doc_id", stopwords=False)
    d1 = result[result["doc_id"] == "d1"]
    assert rows(d1, ["term", "count"]) == [("amitié", 2), ("l'", 2), ("et", 1), ("sino-bélarusse", 1)]


def test_group_by_metadata_column_and_year(corpus):
    by_source = term_frequencies(corpus, by="source")
    assert by_source["source"].unique().tolist() == ["A"]
    assert by_source["doc_freq"].tolist() == [1, 1, 1, 1]
    by_year = term_frequencies(corpus, by="year")
    assert rows(by_year, ["year", "term", "count"]) == [
        (2024, "amitié", 2), (2024, "sino-bélarusse", 1),
        (2025, "coopération", 2), (2025, "gagnant-gagnant", 1),
    ]
    both = term_frequencies(corpus, by=["source", "year"])
    assert list(both.columns[:2]) == ["source", "year"]


def test_ngrams_drop_only_those_starting_or_ending_with_a_stop_word(corpus):
    result = term_frequencies(corpus, ngram_range=(2, 3))
    assert set(result["term"]) == {
        "amitié sino-bélarusse", "coopération gagnant-gagnant", "gagnant-gagnant coopération",
        "coopération gagnant-gagnant coopération",
    }
    # rates still use the token count of the group
    assert result.loc[result["term"] == "amitié sino-bélarusse", "rate"].item() == pytest.approx(1 / 9 * 1e4)


def test_inner_stop_words_kept_in_ngrams():
    frame = pd.DataFrame({"doc_id": ["x"], "text": ["l'initiative la Ceinture et la Route"]})
    result = term_frequencies(frame, ngram_range=(4, 4))
    assert result["term"].tolist() == ["ceinture et la route"]


def test_min_count(corpus):
    assert term_frequencies(corpus, min_count=2)["term"].tolist() == ["amitié", "coopération"]


def test_no_token_at_all():
    frame = pd.DataFrame({"doc_id": ["x", "y"], "text": ["", " … ! "]})
    result = term_frequencies(frame, by="doc_id")
    assert result.empty and list(result.columns) == ["doc_id", "term", "count", "rate", "doc_freq"]


@pytest.mark.parametrize("lemmatize", [False, True])
@pytest.mark.parametrize("stopwords", [False, True])
def test_counts_equal_the_tokenizer_on_the_shipped_corpus(lemmatize, stopwords, seed_corpus):
    corpus = seed_corpus
    result = term_frequencies(corpus, lemmatize=lemmatize, stopwords=stopwords)
    expected = Counter(t for text in corpus["text"]
                       for t in tokenize(text, lemmatize=lemmatize, stopwords=stopwords))
    assert dict(zip(result["term"], result["count"], strict=True)) == dict(expected)


@pytest.mark.parametrize("lemmatize", [False, True])
def test_ngram_counts_equal_a_direct_count_on_the_shipped_corpus(lemmatize, seed_corpus):
    from analysis.text import lemma, stop_set

    stop = stop_set(True)
    expected = Counter()
    for text in seed_corpus["text"]:
        forms = tokenize(text)
        names = [lemma(f) for f in forms] if lemmatize else forms
        hidden = [f in stop or (lemmatize and n.lower() in stop) for f, n in zip(forms, names, strict=True)]
        for n in (1, 2, 3):
            for i in range(len(forms) - n + 1):
                if not (hidden[i] or hidden[i + n - 1]):
                    expected[" ".join(names[i : i + n])] += 1
    matrix = term_matrix(seed_corpus["text"], lemmatize=lemmatize, ngram_range=(1, 3))
    assert matrix.terms.tolist() == sorted(expected)
    assert dict(zip(matrix.terms.tolist(), matrix.counts.sum(axis=0).A1.tolist(), strict=True)) == expected


def test_stop_words_kept_per_index_follow_the_list_asked_for(corpus):
    from analysis import build_index

    index = build_index(corpus, progress=False)

    def terms(**options):
        return term_frequencies(index, lemmatize=True, **options)["term"].tolist()

    assert terms() == ["amitié", "coopération", "gagnant-gagnant", "sino-bélarusse"]
    assert terms(stopwords=["amitié", "être"]) == [
        "coopération", "le", "et", "gagnant-gagnant", "sino-bélarusse"]
    assert terms(stopwords=False) == [
        "amitié", "coopération", "le", "et", "gagnant-gagnant", "sino-bélarusse"]
    assert terms() == ["amitié", "coopération", "gagnant-gagnant", "sino-bélarusse"]
    other = build_index(corpus.assign(text=["Le peuple et la paix.", "", "Paix !"]), progress=False)
    assert term_frequencies(other)["term"].tolist() == ["paix", "peuple"]


def test_token_totals_come_from_the_matrix(corpus):
    matrix = term_matrix(corpus["text"], stopwords=True, ngram_range=(2, 2))
    assert matrix.tokens.tolist() == [6, 3, 0]
    assert matrix.counts.shape[0] == 3


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"by": "nope"}, "by: unknown column 'nope'"),
        ({"by": ["doc_id", "doc_id"]}, "by must be"),
        ({"ngram_range": (2, 1)}, "ngram_range"),
        ({"ngram_range": [1, 2]}, "ngram_range"),
        ({"min_count": 0}, "min_count"),
        ({"lemmatize": "yes"}, "lemmatize"),
        ({"stopwords": "le"}, "stopwords"),
    ],
)
def test_bad_arguments(corpus, options, message):
    with pytest.raises(ValueError, match=message):
        term_frequencies(corpus, **options)


def test_corpus_without_text():
    with pytest.raises(ValueError, match=r"corpus has no column\(s\) \['text'\]"):
        term_frequencies(pd.DataFrame({"doc_id": ["x"]}))


def test_actor_names_count_as_one_actor_when_asked():
    texts = pd.DataFrame({
        "doc_id": ["a", "b"],
        "text": ["Le Bélarus et la Biélorussie.", "La partie biélorusse, l’OCS et Loukachenko."],
    })
    merged = term_frequencies(texts, by="doc_id", actors=True)
    assert rows(merged, ["doc_id", "term", "count", "rate"]) == [
        ("a", "Bélarus", 2, 2 / 5 * 10_000),
        ("b", "Alexandre Loukachenko", 1, 1 / 7 * 10_000),
        ("b", "Bélarus", 1, 1 / 7 * 10_000),
        ("b", "Organisation de coopération de Shanghai", 1, 1 / 7 * 10_000),
        ("b", "partie", 1, 1 / 7 * 10_000),
    ]
    plain = term_frequencies(texts, by="doc_id")
    assert set(plain["term"]) == {"bélarus", "biélorussie", "biélorusse", "partie", "ocs", "loukachenko"}


def test_actor_merging_takes_a_user_table_and_whole_names_only():
    from analysis import load_actors

    table = {k: v for k, v in load_actors().items() if k == "xi-jinping"}
    texts = pd.DataFrame({"doc_id": ["a"], "text": ["Xi Jinping et M. Xi ; Xi Jinping."]})
    bigrams = term_frequencies(texts, actors=table, ngram_range=(2, 2), stopwords=False)
    # "M. Xi" is the bigram "m xi" once tokenized: the name "M. Xi" (with its full stop) does not match it
    assert rows(bigrams, ["term", "count"]) == [
        ("Xi Jinping", 2), ("et m", 1), ("jinping et", 1), ("m xi", 1), ("xi xi", 1)
    ]
    with pytest.raises(ValueError, match="actors must be None, True"):
        term_frequencies(texts, actors={"x": {"label": "X"}})


def test_as_written_gives_the_most_frequent_spelling():
    texts = pd.DataFrame({"doc_id": ["a", "b"], "text": [
        "La Chine et l’OCS. La coopération avec la Chine.",
        "Coopération : la chine et la Russie, Initiative initiative.",
    ]})
    assert as_written(texts, ["chine", "ocs", "coopération", "l' ocs", "la", "initiative", "déclarer",
                              "l'ocs et la chine"]) == [
        "Chine", "OCS", "coopération", "l' OCS", "la", "Initiative", "déclarer", "l'OCS et la Chine"
    ]
    with pytest.raises(ValueError, match="terms must be an iterable of terms"):
        as_written(texts, "chine")


# --- vocabulary_overlap ---

OVERLAP_TEXTS = {  # lemmas, stop words hidden: d1 {amitié, chine}, d2 {chine, coopération}, d3 {paix}
    "d1": "L’amitié avec la Chine.",
    "d2": "La Chine et la coopération, l'amitié entre les peuples ?",
    "d3": "La paix.",
}


def test_vocabulary_overlap_counts_every_pair_with_jaccard():
    corpus = pd.DataFrame({"doc_id": list(OVERLAP_TEXTS), "text": list(OVERLAP_TEXTS.values())})
    frequencies = term_frequencies(corpus, by="doc_id", lemmatize=True)
    assert sorted(frequencies.loc[frequencies["doc_id"] == "d2", "term"]) == [
        "amitié", "chine", "coopération", "peuple"]
    pairs = vocabulary_overlap(frequencies)
    assert list(pairs.columns) == ["doc_id_a", "doc_id_b", "only_a", "only_b", "shared", "union", "jaccard"]
    assert rows(pairs, ["doc_id_a", "doc_id_b", "only_a", "only_b", "shared", "union"]) == [
        ("d1", "d2", 0, 2, 2, 4), ("d1", "d3", 2, 1, 0, 3), ("d2", "d3", 4, 1, 0, 5),
    ]
    assert pairs["jaccard"].tolist() == [0.5, 0.0, 0.0]
    assert rows(vocabulary_overlap(frequencies, top=2), ["doc_id_a", "doc_id_b", "shared"]) == [
        ("d1", "d2", 2), ("d1", "d3", 0)]
    by_source = term_frequencies(corpus.assign(source=["A", "A", "B"]), by="source")
    by_source = vocabulary_overlap(by_source, by="source")
    assert rows(by_source, ["source_a", "source_b", "shared"]) == [("A", "B", 0)]


def test_vocabulary_overlap_of_one_group_is_empty_and_bad_input_is_named():
    one = term_frequencies(pd.DataFrame({"doc_id": ["d1"], "text": [OVERLAP_TEXTS["d1"]]}), by="doc_id")
    assert vocabulary_overlap(one).empty
    with pytest.raises(ValueError, match="frequencies must be a frame with 'doc_id' and 'term' columns"):
        vocabulary_overlap(term_frequencies(pd.DataFrame({"doc_id": ["d1"], "text": ["la paix"]})))
    with pytest.raises(ValueError, match="top must be None or a positive integer"):
        vocabulary_overlap(one, top=0)


def test_vocabulary_overlap_top_matches_all_pairs_block_by_block(monkeypatch):
    frequencies = pd.DataFrame({"doc_id": [f"d{i}" for i in range(6) for _ in range(2)],
                                "term": [f"t{(i + k) % 4}" for i in range(6) for k in range(2)]})
    every = vocabulary_overlap(frequencies)
    assert len(every) == 15
    # d_i holds t_(i mod 4) and t_(i+1 mod 4): d0 = d4 and d1 = d5; neighbours share one term
    assert rows(every.head(3), ["doc_id_a", "doc_id_b", "shared", "union"]) == [
        ("d0", "d4", 2, 2), ("d1", "d5", 2, 2), ("d0", "d1", 1, 3)]
    assert every["shared"].tolist() == [2, 2] + [1] * 9 + [0] * 4
    assert rows(every.tail(4), ["doc_id_a", "doc_id_b"]) == [
        ("d0", "d2"), ("d1", "d3"), ("d2", "d4"), ("d3", "d5")]
    monkeypatch.setattr(counts_module, "OVERLAP_BLOCK_CELLS", 6)  # one group per block
    assert vocabulary_overlap(frequencies).equals(every)
    assert vocabulary_overlap(frequencies, top=4).equals(every.head(4))
    assert vocabulary_overlap(frequencies, top=15).equals(every)


# --- lex_order: np.lexsort with one packed sort ---------------------------------------------------


def test_lex_order_breaks_ties_like_lexsort_with_nan_and_signed_zeros():
    score = np.array([0.5, np.nan, -0.0, 0.0, 0.5, np.nan, -1.0])
    part = np.array([1, 0, 1, 1, 1, 0, 0])
    term = np.array([3, 2, 1, 0, 2, 1, 9])
    expected = np.lexsort((term, -score, part))
    assert counts_module.lex_order(term, -score, part).tolist() == expected.tolist() == [6, 5, 1, 4, 0, 3, 2]
    assert counts_module.lex_order(np.array([], dtype=np.int64)).tolist() == []


def test_lex_order_falls_back_to_lexsort_for_keys_too_wide_to_pack():
    wide = np.array([2**62, -(2**62), 0, 5], dtype=np.int64)
    other = np.array([1, 1, 0, 0])
    assert counts_module.lex_order(wide, other).tolist() == np.lexsort((wide, other)).tolist() == [2, 3, 1, 0]


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 40).flatmap(lambda n: st.tuples(
    hnp.arrays(np.int64, n, elements=st.integers(-3, 3)),
    hnp.arrays(np.float64, n, elements=st.sampled_from([0.0, -0.0, 0.25, 1e-300, -2.5, np.nan, np.inf])),
    hnp.arrays(np.uint32, n, elements=st.integers(0, 2**32 - 1)),
    hnp.arrays(np.bool_, n),
)))
def test_lex_order_equals_lexsort(keys):
    assert counts_module.lex_order(*keys).tolist() == np.lexsort(keys).tolist()
    assert counts_module.lex_order(*keys[:2]).tolist() == np.lexsort(keys[:2]).tolist()
