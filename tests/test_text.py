"""Tests of analysis.text: the French tokenizer, sentences, lemmas and stop words."""

from __future__ import annotations

import pickle
import re
import unicodedata

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import CountVectorizer

from analysis import lemma, normalize, sentences, stopword_list, token_spans, tokenize, tokenizer

QUOTES = set('"«»“”„‹›‘')


# --- apostrophes and elisions ----------------------------------------------------------------------


def test_straight_and_curly_apostrophes_give_the_same_tokens():
    straight = "L'Initiative qu'il a lancée n'est pas d'hier, jusqu'à l'OCS."
    curly = straight.replace("'", "\u2019")
    expected = ["l'", "initiative", "qu'", "il", "a", "lancée", "n'", "est", "pas", "d'", "hier",
                "jusqu'", "à", "l'", "ocs"]
    assert tokenize(straight) == expected
    assert tokenize(curly) == expected
    assert tokenize(straight.replace("'", "\u02bc")) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("l'humanité", ["l'", "humanité"]),
        ("d’État", ["d'", "état"]),
        ("qu'aux", ["qu'", "aux"]),
        ("s’est", ["s'", "est"]),
        ("n'a", ["n'", "a"]),
        ("j'ai", ["j'", "ai"]),
        ("m’a", ["m'", "a"]),
        ("t'aime", ["t'", "aime"]),
        ("c’est", ["c'", "est"]),
        ("jusqu'ici", ["jusqu'", "ici"]),
        ("lorsqu’il", ["lorsqu'", "il"]),
        ("puisqu'elle", ["puisqu'", "elle"]),
        ("L’Initiative", ["l'", "initiative"]),
    ],
)
def test_each_elision_gives_the_clitic_and_the_content_word(text, expected):
    assert tokenize(text) == expected


def test_elided_content_word_comes_out_alone_with_offsets():
    text = "dans le cadre de l’Initiative La Ceinture"
    assert tokenize(text, offsets=True)[4:6] == [("l'", 17, 19), ("initiative", 19, 29)]
    assert text[19:29] == "Initiative"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("aujourd'hui", ["aujourd'hui"]),
        ("aujourd’hui", ["aujourd'hui"]),
        ("presqu'île", ["presqu'île"]),
        ("Chen Min'er", ["chen", "min'er"]),
        ("Chen Min’er", ["chen", "min'er"]),
        ("quelqu'un", ["quelqu'un"]),
        ("N'Djamena", ["n'djamena"]),
        ("Kylian M’Bappé", ["kylian", "m'bappé"]),
        ("d'aujourd'hui", ["d'", "aujourd'hui"]),
    ],
)
def test_apostrophes_that_are_not_elisions_stay_whole(text, expected):
    assert tokenize(text) == expected


def test_clitic_lemmas_are_their_full_forms():
    assert tokenize("l'OCS d’État qu'il s'est", lemmatize=True) == ["le", "ocs", "de", "état", "que", "il",
                                                                     "se", "être"]
    assert tokenize("L'OCS D'ailleurs Ils", lowercase=False, lemmatize=True) == ["le", "OCS", "de",
                                                                                  "ailleurs", "il"]


def test_elision_only_before_a_vowel_or_mute_h():
    assert tokenize("l'humanité l’Yonne l'ONU d’Ukraine") == ["l'", "humanité", "l'", "yonne", "l'", "onu",
                                                             "d'", "ukraine"]


def test_honorifics_lemmatize_to_the_title_not_a_unit():
    assert tokenize("M. Xi et Mme Li", lemmatize=True) == ["monsieur", "xi", "et", "madame", "li"]


# --- hyphens, quotes, numbers, spaces ---------------------------------------------------------------


@pytest.mark.parametrize(
    "word", ["gagnant-gagnant", "cessez-le-feu", "non-extension", "non-escalade", "bélarus-chine"]
)
def test_hyphenated_compounds_stay_one_token(word):
    assert tokenize(f"une {word} ici") == ["une", word, "ici"]


def test_compound_offsets_and_case_kept_when_asked():
    assert tokenize("relations Bélarus-Chine", lowercase=False, offsets=True) == [
        ("relations", 0, 9), ("Bélarus-Chine", 10, 23)
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a-t-il ajouté", [("a", 0, 1), ("il", 4, 6), ("ajouté", 7, 13)]),
        ("a-t-elle dit", [("a", 0, 1), ("elle", 4, 8), ("dit", 9, 12)]),
        ("dit-il", [("dit", 0, 3), ("il", 4, 6)]),
        ("va-t-on", [("va", 0, 2), ("on", 5, 7)]),
        ("est-ce", [("est", 0, 3), ("ce", 4, 6)]),
    ],
)
def test_inverted_subjects_leave_no_t(text, expected):
    assert tokenize(text, offsets=True) == expected


def test_compounds_and_names_that_are_not_inversions():
    assert tokenize("un rendez-vous, Kim Jong-il") == ["un", "rendez-vous", "kim", "jong-il"]


def test_guillemets_and_quotes_are_never_part_of_a_token():
    text = "« la Ceinture et la Route » \"Ceinture et Route\" ‘Sud global’ “multilatéralisme” 'OCS'"
    assert tokenize(text) == ["la", "ceinture", "et", "la", "route", "ceinture", "et", "route", "sud",
                              "global", "multilatéralisme", "ocs"]


def test_accents_are_kept_and_case_folds_only_when_asked():
    assert tokenize("Ère ÉTAT Biélorussie œuvre") == ["ère", "état", "biélorussie", "œuvre"]
    assert tokenize("Ère ÉTAT", lowercase=False) == ["Ère", "ÉTAT"]


def test_decomposed_accents_are_one_token_in_composed_form():
    decomposed = "Be\u0301larus"
    assert tokenize(decomposed, offsets=True) == [("bélarus", 0, 8)]


@pytest.mark.parametrize("invisible", ["\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\x00"])
def test_soft_hyphen_and_zero_width_characters_do_not_split_a_word(invisible):
    text = f"la coopé{invisible}ration l’{invisible}Initiative gagnant-{invisible}gagnant{invisible} ."
    assert tokenize(text, offsets=True) == [
        ("la", 0, 2), ("coopération", 3, 15), ("l'", 16, 18), ("initiative", 19, 29),
        ("gagnant-gagnant", 30, 46),
    ]
    assert text[3:15] == f"coopé{invisible}ration"
    assert tokenize(f"{invisible}Chine{invisible}{invisible}") == ["chine"]


def test_dotted_capital_i_with_a_combining_mark_gives_its_nfc_form():
    assert tokenize("\u0130\u0327zmir", offsets=True) == [("i\u0327\u0307zmir", 0, 6)]
    assert tokenize("\u0130\u0327", lowercase=False) == ["\u0130\u0327"]


def test_underscore_joins_the_words_around_it_but_never_starts_or_ends_a_token():
    # As in handles and identifiers (@MFA_China); an underscore is never part of a French word.
    text = "coopération_bilatérale _Chine_ MFA__China x_"
    assert tokenize(text, offsets=True) == [
        ("coopération_bilatérale", 0, 22), ("chine", 24, 29), ("mfa__china", 31, 41), ("x", 42, 43),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("le 80e anniversaire", ["le", "80e", "anniversaire"]),
        ("sommet 2025 de", ["sommet", "2025", "de"]),
        ("3,5 % et 1.5", ["3,5", "et", "1.5"]),
        ("le 8 juillet 2024, à", ["le", "8", "juillet", "2024", "à"]),
    ],
)
def test_numbers_and_ordinals_are_tokens(text, expected):
    assert tokenize(text) == expected


@pytest.mark.parametrize("space", ["\u00a0", "\u202f", "\u2009", "\u2007", "\t", "\n"])
def test_non_breaking_and_thin_spaces_separate_tokens(space):
    assert tokenize(f"partenaire{space}stratégique{space}:") == ["partenaire", "stratégique"]


def test_empty_and_punctuation_only_texts_give_no_tokens():
    assert tokenize("") == []
    assert tokenize(" « … » — ; ", offsets=True) == []
    assert sentences("") == []
    assert sentences("  \n ") == []


def test_tokenize_rejects_non_text():
    with pytest.raises(TypeError, match="text must be a str"):
        tokenize(None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="stopwords must be True, False or an iterable"):
        tokenize("la paix", stopwords="la")


# --- lemmas and stop words -------------------------------------------------------------------------


def test_lemmatize_gives_dictionary_forms():
    assert tokenize("Les relations se sont renforcées, ont-ils souligné", lemmatize=True) == [
        "le", "relation", "se", "être", "renforcer", "avoir", "il", "souligner"
    ]
    assert lemma("initiatives") == "initiative"
    assert lemma("2025") == "2025"


def test_stopwords_drop_function_words_clitics_and_honorifics():
    text = "M. Xi a déclaré que l'humanité est à la croisée des chemins. Mme Li"
    assert tokenize(text, stopwords=True) == ["xi", "déclaré", "humanité", "croisée", "chemins", "li"]


def test_stopword_list_keeps_diplomatic_content_words_and_is_extensible():
    words = stopword_list()
    assert {"le", "de", "l'", "qu'", "m", "mme", "a", "été"} <= words
    assert not {"état", "force", "nouveau", "personne"} & words
    assert "chine" in stopword_list(extra=["Chine"])
    assert "chine" not in words
    with pytest.raises(ValueError, match="extra must be an iterable"):
        stopword_list(extra="chine")


def test_custom_stopword_iterable_and_lemma_filtering():
    assert tokenize("La Chine et le Bélarus", stopwords=["la", "Bélarus"]) == ["chine", "et", "le"]
    # with lemmas, a token goes when its form or its lemma is a stop word ("sont" → "être")
    assert tokenize("ils sont partenaires", lemmatize=True, stopwords=True) == ["partenaire"]


# --- scikit-learn ---------------------------------------------------------------------------------


def test_tokenizer_plugs_into_countvectorizer_and_pickles():
    vectorizer = CountVectorizer(tokenizer=tokenizer(), token_pattern=None, lowercase=False)
    matrix = vectorizer.fit_transform(["L’OCS et l'OCS", "coopération gagnant-gagnant"])
    vocab = vectorizer.get_feature_names_out().tolist()
    assert vocab == ["coopération", "et", "gagnant-gagnant", "l'", "ocs"]
    assert matrix.toarray().tolist() == [[0, 1, 0, 2, 2], [1, 0, 1, 0, 0]]
    restored = pickle.loads(pickle.dumps(tokenizer(lemmatize=True, stopwords=True)))
    assert restored("Les relations de l'OCS") == ["relation", "ocs"]


# --- sentences ------------------------------------------------------------------------------------


def test_sentences_with_offsets_do_not_break_on_abbreviations_initials_or_decimals():
    text = ("M. Xi a reçu Mme Li, etc. et le Dr Wang. Le taux est de 3.5 pour cent. "
            "J. K. Rowling l'a dit ! « Pourquoi ? » a-t-il demandé. Fin")
    result = sentences(text)
    assert [s for s, _, _ in result] == [
        "M. Xi a reçu Mme Li, etc. et le Dr Wang.",
        "Le taux est de 3.5 pour cent.",
        "J. K. Rowling l'a dit !",
        "« Pourquoi ? » a-t-il demandé.",
        "Fin",
    ]
    for sentence, start, end in result:
        assert text[start:end] == sentence


def test_sentences_break_at_blank_lines_and_keep_quotes_with_their_sentence():
    text = "Titre sans point\n\nIl a dit : « Oui. » Puis il est parti."
    assert sentences(text) == [
        ("Titre sans point", 0, 16),
        ("Il a dit : « Oui. »", 18, 37),
        ("Puis il est parti.", 38, 56),
    ]


def test_seed_article_sentences(seed_corpus):
    text = seed_corpus.set_index("doc_id").loc["000_1c95603a728987f6", "text"]
    result = sentences(text)
    assert len(result) == 9
    assert result[1][0].startswith("M. Xi a fait ces remarques")
    assert result[-1][0] == (
        "De hauts responsables chinois, dont Cai Qi, Wang Yi et Chen Min'er, ont assisté à la rencontre."
    )


# --- properties over arbitrary Unicode --------------------------------------------------------------

FRENCHISH = st.text(
    alphabet=st.sampled_from(
        list("aeéèêiïlnqudsjmtcrLDQSÉ'’ʼ-‐‑–« »\"“”‘.,;:!?0123456789 \u00a0\u202f\n\u0301")
    ),
    max_size=60,
)


INVISIBLES = ["\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\x00"]
#: Web and PDF text: invisible characters, underscores, dotted capital I and combining marks.
MESSY = st.text(
    alphabet=st.sampled_from(
        [*"aeéiIlçdsL'’- _.,«»0123", *INVISIBLES, "\u0130", "\u0301", "\u0307", "\u0327", "\u0308"]
    ),
    max_size=40,
)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


@settings(max_examples=1000, deadline=None)
@given(st.one_of(st.text(max_size=80), FRENCHISH, MESSY, FRENCHISH.map(nfd), MESSY.map(nfd)), st.booleans())
def test_tokenizer_properties_hold_on_any_text(text, lowercase):
    spans = tokenize(text, lowercase=lowercase, offsets=True)
    assert [t for t, _, _ in spans] == tokenize(text, lowercase=lowercase)
    previous_end = 0
    for token, start, end in spans:
        assert token
        assert not re.search(r"\s", token)
        assert not QUOTES & set(token)
        assert not token.startswith("'")
        assert previous_end <= start < end <= len(text)
        previous_end = end
        assert normalize(text[start:end], lowercase=lowercase) == token


#: Text in the scripts whose combining marks the tokenizer knows (Latin, Greek, Cyrillic: see Known limits).
EUROPEAN = st.text(st.characters(max_codepoint=0x52F), max_size=60)


@settings(max_examples=500, deadline=None)
@given(st.one_of(EUROPEAN, FRENCHISH, MESSY), st.booleans())
def test_nfd_text_gives_the_tokens_of_nfc_text(text, lowercase):
    nfc = unicodedata.normalize("NFC", text)
    assert tokenize(nfd(text), lowercase=lowercase) == tokenize(nfc, lowercase=lowercase)


@settings(max_examples=500, deadline=None)
@given(FRENCHISH, st.lists(st.tuples(st.integers(0, 60), st.sampled_from(INVISIBLES)), max_size=6))
def test_invisible_characters_between_letters_change_no_token(text, inserts):
    letters = [i for i in range(1, len(text)) if text[i - 1].isalpha() and text[i].isalpha()]
    chars = list(text)
    for at, invisible in sorted(inserts, reverse=True):
        if letters:
            i = letters[at % len(letters)]
            chars[i:i] = [invisible]
            letters = [j for j in letters if j < i]  # later positions have moved
    assert tokenize("".join(chars)) == tokenize(text)


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(max_size=60), FRENCHISH))
def test_the_messy_token_regex_agrees_with_the_fast_one_on_clean_text(text):
    from analysis.text import _MESSY_TOKEN_RE, _TOKEN_RE, IGNORABLES

    if not set(text) & set("_" + IGNORABLES):
        assert _MESSY_TOKEN_RE.findall(text) == _TOKEN_RE.findall(text)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=80), FRENCHISH))
def test_sentence_properties_hold_on_any_text(text):
    previous_end = 0
    for sentence, start, end in sentences(text):
        assert sentence and sentence == sentence.strip()
        assert text[start:end] == sentence
        assert previous_end <= start
        previous_end = end


# --- sentences: the fast sentence-end regex ---------------------------------------------------------

SENTENCE_PIECES = (
    "La", "Chine", "a", "dit", "M.", "Mme", "etc.", "J.", "K.", "3.5", "Ceinture", "É", "«", "»", "“", "”",
    '"', "(", ")", "[", "]", "-", "–", "—", ".", "..", "...", "!", "?", "…", "?!", "\n", "\n\n", "\n \n",
    " ", "\u00a0", "\u202f", "\t", "2024", "ç", "Ωmega", "x.", "X.", "art.", "Dr.", "’", "l'",
)


# The sentence splitter as first written, mark by mark: the reference the array version is checked against.
_REF_BREAK_RE = re.compile(r"[.!?…]+(?:[ \u00a0\u202f]?[\"»”’)\]])*(?=\s|$)|\n[ \t]*\n")
_REF_OPENERS_RE = re.compile(r"[\s\"«“‘(\[\-–—]*")
_REF_LAST_WORD_RE = re.compile(r"[\w\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+$")


def _reference_sentences(text: str) -> list[tuple[str, int, int]]:
    from analysis.text import ABBREVIATIONS

    def abbreviation(dot: int) -> bool:
        before = dot - max(map(len, ABBREVIATIONS)) - 1
        if before >= 0 and text[before:dot].isalnum():
            return False
        word = _REF_LAST_WORD_RE.search(text, max(0, dot - 12), dot)
        if not word:
            return False
        word = word.group()
        return (word.lower() in ABBREVIATIONS and (len(word) > 1 or word.isupper())) or (
            len(word) == 1 and word.isupper())

    result, start = [], 0
    for match in [*_REF_BREAK_RE.finditer(text), None]:
        if match is not None:
            mark, end = match.span()
            following = text[_REF_OPENERS_RE.match(text, end).end():][:1]
            if text[mark] != "\n" and following and (
                    not (following.isupper() or following.isdigit())
                    or (end == mark + 1 and text[mark] == "." and abbreviation(mark))):
                continue
        else:
            end = len(text)
        chunk = text[start:end]
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            result.append((chunk.strip(), start + lead, start + lead + len(chunk.strip())))
        start = end
    return result


SENTENCE_TEXT = st.builds("".join, st.lists(
    st.sampled_from([*SENTENCE_PIECES, "\U0001d400", "😀", "J\n.", "\u2010"]), max_size=40))


@settings(max_examples=500, deadline=None)
@given(st.one_of(SENTENCE_TEXT, st.builds(" ".join, st.lists(st.sampled_from(SENTENCE_PIECES), max_size=40)),
                 st.text(max_size=60), FRENCHISH))
def test_sentences_follow_their_mark_by_mark_definition(text):
    assert sentences(text) == _reference_sentences(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(SENTENCE_TEXT, max_size=6))
def test_corpus_sentence_spans_are_each_text_s_sentences(texts):
    from analysis.text import corpus_sentence_spans

    starts, ends, sizes = corpus_sentence_spans(texts)
    expected = [_reference_sentences(text) for text in texts]
    assert sizes.tolist() == [len(found) for found in expected]
    assert list(zip(starts.tolist(), ends.tolist(), strict=True)) == [
        (a, b) for found in expected for _, a, b in found]


def test_the_sentence_split_regex_finds_the_sentence_end_regex_matches():
    from analysis.text import _SENTENCE_END_RE, _SENTENCE_SPLIT_RE

    text = "Fin... « Oui. » Non?! Là…\n\n \nM. X.\t\nY" + "." * 50 + " Z"
    pieces = _SENTENCE_SPLIT_RE.split(text)
    bounds = np.cumsum([len(piece) for piece in pieces])
    assert list(zip(bounds[0:-1:2].tolist(), bounds[1::2].tolist(), strict=True)) == [
        m.span() for m in _SENTENCE_END_RE.finditer(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Fin" + "." * 3000 + "Suite", [("Fin" + "." * 3000 + "Suite", 0, 3008)]),
        ("Fin" + "." * 3000 + " Suite.", [("Fin" + "." * 3000, 0, 3003), ("Suite.", 3004, 3010)]),
        ("Quoi" + "!?" * 1500 + "x", [("Quoi" + "!?" * 1500 + "x", 0, 3005)]),
        ("Quoi" + "?!" * 1500 + " Non", [("Quoi" + "?!" * 1500, 0, 3004), ("Non", 3005, 3008)]),
        ("Un" + "\n" * 3001 + "deux", [("Un", 0, 2), ("deux", 3003, 3007)]),
        ("Un" + "\n \t" * 1000 + "\ndeux", [("Un", 0, 2), ("deux", 3003, 3007)]),
        ("Un." + "\n" * 3000, [("Un.", 0, 3)]),
        ("." * 3000, [("." * 3000, 0, 3000)]),
    ],
)
def test_sentences_on_long_runs_of_marks_and_blank_lines(text, expected):
    # Long runs of terminal marks or blank lines: the cases the scan once took quadratic time on.
    assert sentences(text) == expected


def test_abbreviation_check_reads_the_word_before_the_dot():
    # Before a capital, a full stop ends a sentence unless it follows an abbreviation or an initial.
    text = "M. Mme. Etc. J. Coopération. X. Stratégie. Mlles. Fin x. Lu\n. Non J\n. Oui"
    assert [sentence for sentence, _, _ in sentences(text)] == [
        "M. Mme. Etc. J. Coopération.", "X. Stratégie.", "Mlles. Fin x.", "Lu\n.", "Non J\n. Oui"]


@pytest.mark.parametrize("text", [
    "", "’", "-", "l'Initiative", "Selon lui, l’ONU a-t-elle dit « aujourd'hui » qu'il viendra ?",
    "\u0301'avion l'", "Min'er et Kim Jong-il, dit-il.", "coopé\u00adration d'État", "3,5 % et 10.2",
])
@pytest.mark.parametrize("lowercase", [True, False])
def test_token_spans_are_the_tokens_with_offsets(text, lowercase):
    forms, starts, ends = token_spans(text, lowercase=lowercase)
    assert list(zip(forms, starts.tolist(), ends.tolist(), strict=True)) == tokenize(
        text, lowercase=lowercase, offsets=True)
    assert starts.dtype == ends.dtype == np.int64


def test_token_spans_split_elisions_and_inversions_at_either_end():
    forms, starts, ends = token_spans("L'aide, a-t-il dit, d’")
    assert forms == ["l'", "aide", "a", "il", "dit", "d"]
    assert [(a, b) for a, b in zip(starts.tolist(), ends.tolist(), strict=True)] == [
        (0, 2), (2, 6), (8, 9), (12, 14), (15, 18), (20, 21)]


# --- the array tokenizer and many texts at once --------------------------------------------------------

TOKEN_TEXT = st.text(
    alphabet=st.sampled_from(
        list("aeéIl'’ʼ-‐.,;0123 \n\t«»") + ["\u0301", "\U0001d400", "😀", "ǅ", "²", "٣", "\u00a0"]),
    max_size=60,
)


@settings(max_examples=1000, deadline=None)
@given(st.one_of(TOKEN_TEXT, FRENCHISH, st.text(max_size=40)))
def test_the_array_tokenizer_finds_the_token_regex_matches(text):
    from analysis.text import _SLOW, _TOKEN_RE, _array_spans, _char_flags

    codes, flags = _char_flags(text)
    if not (flags & _SLOW).any():  # a mark, an underscore or an ignorable: left to the regular expressions
        starts, ends = _array_spans(text, codes, flags)
        spans = list(zip(starts.tolist(), ends.tolist(), strict=True))
        assert spans == [m.span() for m in _TOKEN_RE.finditer(text)]


def _reference_token_spans(text: str, lowercase: bool) -> list[tuple[str, int, int]]:
    """The tokens as the regular expressions alone find them, match by match."""
    from analysis.text import _TOKEN_RE, _finish, _messy_spans, _prepare, _split_word

    norm, lower_each, compose, messy = _prepare(text, lowercase)
    if messy:
        return _messy_spans(norm, lower_each, compose)
    spans = []
    for match in _TOKEN_RE.finditer(norm):
        token, start = match.group(), match.start()
        parts = _split_word(token) if "'" in token or "-" in token else ((token, 0, len(token)),)
        spans += [(_finish(part, lower_each, compose), start + a, start + b) for part, a, b in parts]
    return spans


@settings(max_examples=1000, deadline=None)
@given(st.one_of(TOKEN_TEXT, FRENCHISH, MESSY, st.text(max_size=40)), st.booleans())
def test_token_spans_are_the_regular_expressions_tokens(text, lowercase):
    forms, starts, ends = token_spans(text, lowercase=lowercase)
    found = list(zip(forms, starts.tolist(), ends.tolist(), strict=True))
    assert found == _reference_token_spans(text, lowercase)


def test_a_slow_character_sends_only_its_stretch_to_the_regular_expressions():
    text = "L’aide x_y 3,5 coopé\u00adration x\u0301y aujourd'hui " * 2  # NFC keeps x + accent
    assert unicodedata.is_normalized("NFC", text)
    forms, starts, ends = token_spans(text, lowercase=False)
    found = list(zip(forms, starts.tolist(), ends.tolist(), strict=True))
    assert found == _reference_token_spans(text, False)
    assert forms[:8] == ["L'", "aide", "x_y", "3,5", "coopération", "x\u0301y", "aujourd'hui", "L'"]
    assert starts[:8].tolist() == [0, 2, 7, 11, 15, 28, 32, 44]
    assert ends[:8].tolist() == [2, 6, 10, 14, 27, 31, 43, 46]


@pytest.mark.parametrize("text, expected", [
    ("3,5 % et 1.2.3a, 4-5.6 a-1.5", ["3,5", "et", "1.2", "3a", "4-5", "6", "a-1", "5"]),
    ("l'an 2.0. Fin.", ["l'", "an", "2.0", "fin"]),
    ("x.5 5.x .5 5.", ["x", "5", "5", "x", "5", "5"]),
])
def test_the_array_tokenizer_rereads_stretches_joined_by_dots_and_commas(text, expected):
    assert tokenize(text) == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(TOKEN_TEXT, FRENCHISH, MESSY), max_size=6), st.booleans())
def test_corpus_token_spans_are_each_text_s_token_spans(texts, lowercase):
    from analysis.text import corpus_token_spans

    forms, starts, ends, sizes = corpus_token_spans(texts, lowercase=lowercase)
    expected = [token_spans(text, lowercase=lowercase) for text in texts]
    assert sizes.tolist() == [len(found) for found, _, _ in expected]
    assert forms == [form for found, _, _ in expected for form in found]
    assert starts.tolist() == [a for _, found, _ in expected for a in found.tolist()]
    assert ends.tolist() == [b for _, _, found in expected for b in found.tolist()]
    assert starts.dtype == ends.dtype == np.int64


def test_corpus_token_spans_of_no_text_and_of_empty_texts():
    from analysis.text import corpus_token_spans

    forms, starts, ends, sizes = corpus_token_spans([])
    assert (forms, starts.tolist(), ends.tolist(), sizes.tolist()) == ([], [], [], [])
    forms, starts, ends, sizes = corpus_token_spans(["", "L’État", "", "x_y é\u0301", ""])
    assert forms == ["l'", "état", "x_y", unicodedata.normalize("NFC", "é\u0301")]
    assert sizes.tolist() == [0, 2, 0, 2, 0]
    assert starts.tolist() == [0, 2, 0, 4] and ends.tolist() == [2, 6, 3, 6]


@pytest.mark.parametrize("length", [1, 5, 32, 33, 64, 65, 300])
def test_the_form_hash_of_a_string_is_the_one_computed_with_arrays(length):
    from analysis.text import _char_flags, _form_hash, _number_forms

    form = ("aé😀ʼ-" * 100)[:length]
    text = f"{form} x {form}"
    codes, _ = _char_flags(text)
    starts, ends = np.array([0, length + 1, length + 3]), np.array([length, length + 2, 2 * length + 3])
    ids, vocab = _number_forms(text, codes, starts, ends, np.empty(0, dtype=np.int64), [])
    assert ids.tolist() == [0, 1, 0] and vocab == [form, "x"]
    value = 0
    for char in form:
        value = (value * 0x100000001B3 + ord(char) + 1) % 2**64
    assert _form_hash(form) == value


def test_forms_sharing_a_hash_are_numbered_from_their_strings(monkeypatch):
    import analysis.text as text_module

    texts = ["La Chine et la Biélorussie.", "coopé\u00adration x_y " + "a" * 40, "", "la Chine " + "a" * 40]
    expected = text_module.corpus_token_ids(texts, lowercase=False)
    monkeypatch.setattr(text_module, "_HASH_BASE", 0)  # every form's hash is its last character's
    collided = text_module.corpus_token_ids(texts, lowercase=False)
    assert collided[0] == expected[0] == ["La", "Chine", "et", "la", "Biélorussie", "coopération", "x_y",
                                          "a" * 40]
    for got, want in zip(collided[1:], expected[1:], strict=True):
        assert got.tolist() == want.tolist()


def test_the_character_table_is_the_flags_of_each_character():
    from analysis.text import _char_table, _flags_of

    assert _char_table().tolist() == [_flags_of(chr(code)) for code in range(0x10000)]


def test_a_dotted_capital_i_is_not_the_i_of_an_inverted_pronoun():
    # Found by the NFD/NFC property test: "İL" read as "il" only when İ was composed.
    assert tokenize("0-İL") == tokenize(unicodedata.normalize("NFD", "0-İL")) == ["0-i̇l"]
    assert tokenize("Dit-IL") == ["dit", "il"]


# --------------------------------------------------------------------------- word_starts


def test_word_starts_finds_whole_words_only():
    from analysis.text import word_starts

    text = "chine, la chine ; machine lʼchine chinese\u00a0chine_x chine"
    numbers, starts = word_starts(text, ["chine", "la", "absent"])
    assert numbers.tolist() == [0, 1, 0, 0, 0]
    # ʼ ends a word (an apostrophe); the underscore does not (chine_x is one word).
    assert starts.tolist() == [0, 7, 10, 28, 50]
    assert [text[s:s + 5] for s in starts.tolist()] == ["chine", "la ch", "chine", "chine", "chine"]


@pytest.mark.parametrize(("text", "expected"), [
    ("", []), ("!!! ...", []), ("a", [(0, 0)]), ("b a", [(0, 2)]), ("a b", [(0, 0)]),
    ("𝐚 a 𝐚a", [(0, 2)]),  # astral letters are letters: "𝐚a" is one word
    ("a\u0301 a", [(0, 0), (0, 3)]),  # a combining mark is no letter to re
])
def test_word_starts_at_the_edges(text, expected):
    from analysis.text import word_starts

    numbers, starts = word_starts(text, ["a"])
    assert list(zip(numbers.tolist(), starts.tolist(), strict=True)) == expected
    assert [len(found) for found in word_starts(text, [])] == [0, 0]
    with pytest.raises(ValueError, match="words must be non-empty strings"):
        word_starts(text, ["a", ""])


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="aàbé_ʼ'- \n.\u0301𝐚A", max_size=60),
       st.lists(st.text(alphabet="aàbé_A𝐚", min_size=1, max_size=4), max_size=5))
def test_word_starts_equals_the_regular_expression(text, words):
    from analysis.text import word_starts

    numbers, starts = word_starts(text, words)
    expected = [
        (words.index(m.group(1)), m.start(1))
        for m in re.finditer(r"(?<![^\W\u02bc])([^\W\u02bc]+)", text) if m.group(1) in words
    ]
    assert list(zip(numbers.tolist(), starts.tolist(), strict=True)) == expected


def test_word_starts_compares_strings_when_two_words_share_a_hash(monkeypatch):
    from analysis import text as text_module

    monkeypatch.setattr(text_module, "_form_hash", lambda form: 7)
    numbers, starts = text_module.word_starts("la chine, le la", ["la", "le", "chine"])
    assert numbers.tolist() == [0, 2, 1, 0]
    assert starts.tolist() == [0, 3, 10, 13]


@pytest.mark.parametrize("values", [[], [3], [3, 3], [5, 1, 3, 1, 5, 2], [2**40, -1, 2**40]])
def test_sorted_unique_equals_numpy_unique(values):
    from analysis.text import sorted_unique

    array = np.array(values, dtype=np.int64)
    found = sorted_unique(array)
    assert found.tolist() == np.unique(array).tolist() and found.dtype == np.int64
