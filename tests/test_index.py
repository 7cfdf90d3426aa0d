"""Tests of analysis.index: the token index, and every step reading it gives the results of the frame."""

import unicodedata

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import analysis
import analysis.index as index_module
from analysis import (
    TokenIndexError,
    build_index,
    load_index,
    merge_indexes,
    save_index,
    sentences,
    tokenize,
)
from analysis.index import ensure_index, strong_delimiters
from analysis.segments import _corpus_tokens, _index_tokens

ARRAYS = ("vocab", "token_ids", "lower_of", "lower_vocab", "starts", "ends", "doc_first", "breaks",
          "sentence_starts", "sentence_ends", "sentence_token", "doc_sentence_first", "doc_hashes")

TEXTS = {
    "d3": "L’amitié sino-bélarusse et l'amitié. M. Xi a-t-il dit : « La coopération gagnant-gagnant ! »",
    "d1": "Coopération gagnant-gagnant ; coopération. Le président chinois, Xi Jinping, a déclaré "
          "que la Chine soutient le véritable multilatéralisme.",
    "d2": "",
    "d4": "İstanbul, l’Initiative « la Ceinture et la Route »\u00a0et\tle multilatéralisme. 3.5 % de plus…",
    "d0": "Wang Yi a souligné : « La Chine et le Bélarus sont des partenaires. » Il a ajouté que la "
          "coopération gagnant-gagnant continuera.\n\nLe véritable multilatéralisme, a-t-il dit.",
}


@pytest.fixture
def corpus():
    # not in doc_id order, one empty article, both apostrophes, no-break space and tab, İ
    return pd.DataFrame({
        "doc_id": list(TEXTS),
        "text": list(TEXTS.values()),
        "date": pd.to_datetime(["2024-07-08", "2025-08-31", None, "2025-01-02", "2024-03-04"]),
        "source": ["A", "B", "A", "B", "A"],
    })


def assert_same_index(x, y):
    for name in ARRAYS:
        a, b = getattr(x, name), getattr(y, name)
        assert a.dtype == b.dtype and np.array_equal(a, b), name
    pd.testing.assert_frame_equal(x.corpus, y.corpus)
    assert x.tokenizer_version == y.tokenizer_version


def test_exact_arrays_of_a_small_text():
    text = "L’amitié et l'Amitié. M. Xi a-t-il dit ?"
    index = build_index(pd.DataFrame({"doc_id": ["b", "a"], "text": [text, ""]}))
    assert index.vocab.tolist() == ["L'", "amitié", "et", "l'", "Amitié", "M", "Xi", "a", "il", "dit"]
    assert index.token_ids.tolist() == list(range(10)) and index.token_ids.dtype == np.int32
    assert index.lower_vocab.tolist() == ["l'", "amitié", "et", "m", "xi", "a", "il", "dit"]
    assert index.lower_of.tolist() == [0, 1, 2, 0, 1, 3, 4, 5, 6, 7]
    assert index.starts.tolist() == [0, 2, 9, 12, 14, 22, 25, 28, 32, 35] and index.starts.dtype == np.int32
    assert index.ends.tolist() == [2, 8, 11, 14, 20, 23, 27, 29, 34, 38]
    # a strong delimiter before "M" (the full stop after "M" is an abbreviation's); the article starts
    assert np.flatnonzero(index.breaks).tolist() == [0, 5]
    assert index.doc_first.tolist() == [0, 10, 10]
    assert index.sentences(0) == [("L’amitié et l'Amitié.", 0, 21), ("M. Xi a-t-il dit ?", 22, 40)]
    assert index.sentence_token.tolist() == [0, 5]
    assert index.sentences(1) == [] and index.doc_sizes.tolist() == [10, 0]
    # most frequent spelling, ties: the one met first
    assert index.spellings() == {"l'": "L'", "amitié": "amitié", "et": "et", "m": "M", "xi": "Xi", "a": "a",
                                 "il": "il", "dit": "dit"}
    lemma_of, lemma_vocab = index.lemmas()
    assert lemma_vocab[lemma_of[[0, 3, 5]]].tolist() == ["le", "monsieur", "avoir"]


def test_word_runs_of_the_forms():
    text = "Gagnant-gagnant, l’Initiative ! \u0130stanbul aujourd'hui 3,5"
    index = build_index(pd.DataFrame({"doc_id": ["a"], "text": [text]}))
    assert index.vocab.tolist() == [
        "Gagnant-gagnant", "l'", "Initiative", "\u0130stanbul", "aujourd'hui", "3,5"]
    words = ("3", "5", "gagnant", "hui", "initiative", "istanbul", "l")
    first, offset, number = index.word_runs(words)
    assert first.tolist() == [0, 2, 3, 4, 5, 6, 8]
    assert offset.tolist() == [0, 8, 0, 0, 0, 8, 0, 2]
    # İ is read as I, as in the text that fast patterns search: offsets are kept
    assert [words[k] for k in number] == [
        "gagnant", "gagnant", "l", "initiative", "istanbul", "hui", "3", "5"]
    assert index.word_runs(words) is index.word_runs(words)  # computed once
    assert index.word_runs(("zzz",))[0].tolist() == [0] * 7


def test_tokens_and_sentences_are_the_tokenizers(corpus):
    index = build_index(corpus)
    for i, text in enumerate(corpus["text"]):
        lo, hi = index.doc_first[i], index.doc_first[i + 1]
        assert index.lower_vocab[index.lower_ids[lo:hi]].tolist() == tokenize(text)
        assert index.vocab[index.token_ids[lo:hi]].tolist() == tokenize(text, lowercase=False)
        spans = tokenize(text, offsets=True)
        assert list(zip(index.starts[lo:hi].tolist(), index.ends[lo:hi].tolist(), strict=True)) == [
            (a, b) for _, a, b in spans]
        assert index.sentences(i) == sentences(text)
    assert index.doc_ids == list(TEXTS)  # the frame's order is kept


def test_segments_tokens_from_the_index_equal_a_fresh_tokenization(corpus):
    fresh, converted = _corpus_tokens(corpus), _index_tokens(build_index(corpus))
    assert fresh.doc_ids == converted.doc_ids and fresh.vocab == converted.vocab
    assert fresh.texts == converted.texts
    for name in ("ids", "doc", "starts", "ends", "breaks", "doc_first"):
        assert np.array_equal(getattr(fresh, name), getattr(converted, name)), name


def test_strong_delimiters():
    text = "M. Xi : 3.5 % ; fin.\n\nSuite ! J. K. Rowling…"
    assert [text[p] for p in strong_delimiters(text)] == [":", ";", ".", "\n", "!", "…"]


def test_merge_of_two_halves_equals_the_whole(corpus):
    whole = build_index(corpus)
    merged = merge_indexes(build_index(corpus.iloc[:2]), build_index(corpus.iloc[2:]))
    assert_same_index(merged, whole)
    by_doc = analysis.term_frequencies(corpus, by="doc_id")
    assert analysis.term_frequencies(merged, by="doc_id").equals(by_doc)


def test_merge_refuses_shared_articles_and_other_objects(corpus):
    with pytest.raises(ValueError, match="share doc_id"):
        merge_indexes(build_index(corpus.iloc[:3]), build_index(corpus.iloc[2:]))
    with pytest.raises(ValueError, match="b must be a TokenIndex"):
        merge_indexes(build_index(corpus), corpus)


def test_parallel_build_equals_one_process(corpus, monkeypatch):
    whole = build_index(corpus)
    monkeypatch.setattr(index_module, "PARALLEL_CHUNK_CHARS", 100)  # several tasks
    assert_same_index(build_index(corpus, n_jobs=2, progress=False), whole)
    monkeypatch.setattr(index_module, "CHUNK_CHARS", 100)  # several chunks in one process
    assert_same_index(build_index(corpus), whole)


@pytest.mark.parametrize(("sizes", "chars", "expected"), [
    ([], 10, [(0, 0)]),
    ([3, 3, 3, 3], 6, [(0, 2), (2, 4)]),
    ([3, 3, 3], 6, [(0, 2), (2, 3)]),
    ([20, 1, 1], 6, [(0, 1), (1, 3)]),  # a long text is a chunk of its own
    ([0, 0], 6, [(0, 2)]),
])
def test_chunk_bounds(sizes, chars, expected):
    assert index_module.chunk_bounds(["x" * size for size in sizes], chars) == expected


def test_build_arguments(corpus):
    with pytest.raises(ValueError, match="n_jobs"):
        build_index(corpus, n_jobs=0)
    with pytest.raises(ValueError, match="progress"):
        build_index(corpus, progress="yes")
    with pytest.raises(ValueError, match=r"corpus has no column\(s\) \['text'\]"):
        build_index(pd.DataFrame({"doc_id": ["x"]}))


def test_save_and_load_round_trip(corpus, tmp_path):
    index = build_index(corpus)
    index.lemmas()
    path = save_index(index, tmp_path / "corpus.npz")
    alone = load_index(path)
    assert_same_index(alone, index)
    assert alone.lemmas()[1].tolist() == index.lemmas()[1].tolist()
    with_frame = load_index(path, corpus)
    assert_same_index(with_frame, index)
    assert analysis.keyness(alone, target="d0").equals(analysis.keyness(corpus, target="d0"))


def test_load_refuses_a_changed_article_or_tokenizer(corpus, tmp_path, monkeypatch):
    path = save_index(build_index(corpus), tmp_path / "corpus.npz")
    changed = corpus.copy()
    changed.loc[1, "text"] += " Encore."
    with pytest.raises(TokenIndexError, match=r"articles 1 changed \(d1\); rebuild"):
        load_index(path, changed)
    with pytest.raises(TokenIndexError, match=r"1 removed \(d4\)"):
        load_index(path, corpus[corpus["doc_id"] != "d4"])
    monkeypatch.setattr(index_module, "tokenizer_version", lambda: "another")
    with pytest.raises(TokenIndexError, match="another version of the tokenizer"):
        load_index(path, corpus)


def test_load_refuses_other_files(tmp_path):
    with pytest.raises(TokenIndexError, match="not found"):
        load_index(tmp_path / "none.npz")
    (tmp_path / "bad.npz").write_text("not numpy", encoding="utf-8")
    with pytest.raises(TokenIndexError, match="not an index written by save_index"):
        load_index(tmp_path / "bad.npz")
    with pytest.raises(ValueError, match=r"\.npz"):
        save_index(build_index(pd.DataFrame({"doc_id": ["a"], "text": ["x"]})), tmp_path / "x.parquet")


def test_the_cache_tokenizes_a_frame_once(corpus, monkeypatch):
    index_module.clear_index_cache()
    calls = []
    real = index_module.build_index
    monkeypatch.setattr(index_module, "build_index", lambda frame, **kw: calls.append(1) or real(frame, **kw))
    first = ensure_index(corpus)
    again = ensure_index(corpus.assign(source="C"))  # other metadata, same texts: no new tokenization
    assert len(calls) == 1 and again.token_ids is first.token_ids
    assert set(again.corpus["source"]) == {"C"}
    edited = corpus.copy()
    edited.loc[0, "text"] = "Autre texte."
    assert ensure_index(edited).doc_sizes[0] == 2 and len(calls) == 2


def test_empty_corpus_of_empty_articles():
    index = build_index(pd.DataFrame({"doc_id": ["a", "b"], "text": ["", " … "]}))
    assert index.n_tokens == 0 and index.vocab.tolist() == [] and index.doc_first.tolist() == [0, 0, 0]
    assert analysis.term_frequencies(index).empty


CALLS = {
    "term_frequencies": lambda c: analysis.term_frequencies(c),
    "term_frequencies by source": lambda c: analysis.term_frequencies(c, by="source", lemmatize=True,
                                                                     ngram_range=(1, 3)),
    "term_frequencies actors": lambda c: analysis.term_frequencies(c, by="doc_id", actors=True),
    "tfidf_keywords": lambda c: analysis.tfidf_keywords(c, top_n=3),
    "keyness": lambda c: analysis.keyness(c, target="source=A", measure="lafon"),
    "keyness by": lambda c: analysis.keyness(c, by="doc_id", stopwords=True),
    "specificities": lambda c: analysis.specificities(c, min_count=1),
    "text_profile": lambda c: analysis.text_profile(c, stopwords=True),
    "as_written": lambda c: pd.DataFrame({"w": analysis.as_written(c, ["chine", "l'initiative", "xi"])}),
    "find_formulas": lambda c: analysis.find_formulas(c),
    "formula_counts": lambda c: analysis.formula_counts(c, by="source"),
    "find_actors": lambda c: analysis.find_actors(c),
    "actor_counts": lambda c: analysis.actor_counts(c, by="year"),
    "speech": lambda c: analysis.speech(c),
    "repeated_segments": lambda c: analysis.repeated_segments(c),
    "shared_passages": lambda c: analysis.shared_passages(c, min_words=3),
    "formulaicity": lambda c: analysis.formulaicity(c),
    "kwic": lambda c: analysis.kwic(c, "coopération gagnant-gagnant", window=3),
    "kwic lemma": lambda c: analysis.kwic(c, "déclarer", lemma=True, sort="left"),
    "kwic family": lambda c: analysis.kwic(c, "family:multilateralisme"),
}


@pytest.mark.parametrize("name", list(CALLS))
def test_every_step_gives_the_same_result_from_the_index(corpus, name):
    index_module.clear_index_cache()
    from_frame = CALLS[name](corpus)
    from_index = CALLS[name](build_index(corpus))
    pd.testing.assert_frame_equal(from_index, from_frame, check_exact=True)
    assert len(from_frame)


def test_term_matrix_takes_texts_or_an_index(corpus):
    from_texts = analysis.term_matrix(corpus["text"], ngram_range=(1, 2))
    from_index = analysis.term_matrix(build_index(corpus), ngram_range=(1, 2))
    assert (from_texts.counts != from_index.counts).nnz == 0
    assert from_texts.terms.tolist() == from_index.terms.tolist()
    sizes = [len(tokenize(t)) for t in corpus["text"]]
    assert from_texts.tokens.tolist() == sizes == [14, 17, 0, 14, 26]


def test_kwic_contexts_with_no_break_spaces_and_tabs(corpus):
    lines = analysis.kwic(build_index(corpus), "et le multilatéralisme", window=2)
    assert lines[["doc_id", "left", "match", "right"]].values.tolist() == [
        ["d4", "la Route »\u00a0", "et le multilatéralisme", ". 3.5 % de"]]


@pytest.mark.parametrize("measure", ["g2", "chi2", "lafon", "log_ratio"])
def test_keyness_by_part_equals_one_call_per_part(corpus, measure):
    by_part = analysis.keyness(corpus, by="doc_id", measure=measure, stopwords=True)
    expected = pd.concat(
        [analysis.keyness(corpus, target=doc_id, measure=measure, stopwords=True).assign(doc_id=doc_id)
         for doc_id in sorted(TEXTS) if TEXTS[doc_id]],  # the empty article d2 gives no row
        ignore_index=True,
    )
    expected = expected[["doc_id", *expected.columns[:-1]]]
    pd.testing.assert_frame_equal(by_part, expected, check_exact=True)


@pytest.mark.parametrize("by", ["source", "doc_id"])
@pytest.mark.parametrize("top_n", [1, 3, 8])
@pytest.mark.parametrize("measure", ["g2", "lafon", "log_ratio"])
def test_keyness_by_part_top_n_keeps_the_first_and_last_rows(corpus, by, top_n, measure):
    # Many absent terms share a corpus total of 1 or 2: the last rows are those of the full table
    # (ties broken by term), although only the candidates among absent terms are scored.
    full = analysis.keyness(corpus, by=by, min_count=1, measure=measure)
    top = analysis.keyness(corpus, by=by, min_count=1, measure=measure, top_n=top_n)
    expected = pd.concat([rows if len(rows) <= 2 * top_n else pd.concat([rows.head(top_n), rows.tail(top_n)])
                          for _, rows in full.groupby(by, sort=False)], ignore_index=True)
    pd.testing.assert_frame_equal(top, expected, check_exact=True)


def test_keyness_top_n_of_one_target(corpus):
    assert analysis.keyness(corpus, target="d0", top_n=2)["term"].tolist() == (
        analysis.keyness(corpus, target="d0").iloc[[0, 1, -2, -1]]["term"].tolist())


def test_keyness_by_against_french_and_bad_combinations(corpus):
    french = analysis.keyness(corpus, by="source", reference="french", stopwords=True)
    expected = analysis.keyness(corpus, target="source=A", reference="french", stopwords=True)
    part_a = french[french["source"] == "A"].drop(columns="source").reset_index(drop=True)
    pd.testing.assert_frame_equal(part_a, expected, check_exact=True)
    with pytest.raises(ValueError, match="either target"):
        analysis.keyness(corpus, target="d0", by="doc_id")
    with pytest.raises(ValueError, match="either target"):
        analysis.keyness(corpus)
    with pytest.raises(ValueError, match="top_n"):
        analysis.keyness(corpus, by="doc_id", top_n=0)


def test_specificities_top_n_and_terms(corpus):
    full = analysis.specificities(corpus, by="source", min_count=1)
    top = analysis.specificities(corpus, by="source", min_count=1, top_n=2)
    expected = pd.concat([pd.concat([rows.head(2), rows.tail(2)]) for _, rows in full.groupby("source")],
                         ignore_index=True)
    pd.testing.assert_frame_equal(top, expected, check_exact=True)
    some = analysis.specificities(corpus, by="source", min_count=1, terms=["coopération", "chine"])
    pd.testing.assert_frame_equal(
        some, full[full["term"].isin(["coopération", "chine"])].reset_index(drop=True), check_exact=True)


# Property: the index's forms, lower-cased forms, offsets, breaks and sentences are those of a fresh
# tokenization, whatever the pieces (case, both apostrophes, inversions, abbreviations, decimals, İ, Σ).
# Articles are tokenized together, joined by line breaks: several, some read one by one (underscore,
# soft hyphen, combining mark), some empty or ending in blank lines.
PIECES = st.sampled_from(["la", "Paix", "L’OCS", "l'", "M.", "J.", "3.5", "a-t-il", "etc.", "…", ".", ";",
                          "!", "?", "«", "»", ",", "\n\n", "\n", " ", "\u00a0", "\t", "İstanbul", "ΟΔΟΣ",
                          "aujourd'hui", "Qu’en", "e\u0301te\u0301", "Été", "x_y", "coopé\u00adration", "😀",
                          "\n \n", "1,5", "Dr."])


@settings(max_examples=200)
@given(st.lists(st.lists(PIECES, max_size=25), min_size=1, max_size=6))
def test_the_index_is_a_fresh_tokenization(docs):
    frame = pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(docs))], "text": ["".join(d) for d in docs]})
    index = build_index(frame)
    fresh, converted = _corpus_tokens(frame), _index_tokens(index)
    assert fresh.vocab == converted.vocab
    for name in ("ids", "starts", "ends", "breaks", "doc_first"):
        assert np.array_equal(getattr(fresh, name), getattr(converted, name)), name
    for i, text in enumerate(frame["text"]):
        text = unicodedata.normalize("NFC", text)  # the index holds the NFC text (check_corpus)
        lo, hi = index.doc_first[i], index.doc_first[i + 1]
        assert index.vocab[index.token_ids[lo:hi]].tolist() == tokenize(text, lowercase=False)
        assert index.sentences(i) == sentences(text)


def _strong_delimiters_one_by_one(text: str) -> list[int]:
    """The definition of strong_delimiters, mark by mark (the reference its fast path is checked against)."""
    import re

    from analysis.text import ABBREVIATIONS

    word_char = r"[\w\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
    decimals = [d.span() for d in re.finditer(rf"(?<!{word_char})\d+(?:[.,]\d+)+(?!{word_char})", text)]
    marks = []
    for match in re.finditer(r"[.!?;:…]|\n[ \t]*\n", text):
        pos = match.start()
        if match.group() == ".":
            if any(a < pos < b for a, b in decimals):
                continue
            word = re.search(rf"{word_char}+$", text[max(0, pos - 12):pos])
            word = word.group() if word else ""
            if word.lower() in ABBREVIATIONS or (len(word) == 1 and word.isupper()):
                continue
        marks.append(pos)
    return marks


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(list("aM.etcEx35²_é\u0301 \n\t!:;…ÉtatsDr\u1dc0") + [
    "etc", "Mme", "Jong-il", "3.5", "abcdef", "1.2,3", "\n \n", "٣.٤", "m"]),
                max_size=40).map("".join))
def test_strong_delimiters_match_their_definition(text):
    assert strong_delimiters(text) == _strong_delimiters_one_by_one(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("M. Wang. Fin", [7]), ("etc. Mme. Coopération.", [21]), ("Il a dit 3.5. Oui", [12]),
    ("Paris.\n\nSuite", [5, 6]), ("M\n. Fin", []), ("Wang\n. Fin", [5]), ("abcdef.3", [6]), ("Dr.", []),
    (".", [0]),
])
def test_strong_delimiters_examples(text, expected):
    assert strong_delimiters(text) == expected
