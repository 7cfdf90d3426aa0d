"""Step 2 of the pipeline: French text into tokens and sentences.

Tokens
    A token is a run of letters, digits and combining accents, which may hold
    an inner hyphen (``gagnant-gagnant``, ``cessez-le-feu``, ``Bélarus-Chine``)
    or an inner apostrophe (``aujourd'hui``, ``presqu'île``, ``Min'er``), or a
    decimal number (``3,5``). Everything else separates tokens: spaces of every
    width (including no-break and thin spaces), punctuation, guillemets and
    quotes, en and em dashes.

    Two cases of web and PDF text: an underscore between letters joins them
    into one token, as in handles and identifiers (``coopération_bilatérale``,
    ``MFA_China``: one token each), but never starts or ends one (``_Chine_``
    is ``chine``); the invisible characters of :data:`IGNORABLES` (soft
    hyphen, zero-width space, non-joiner and joiner, word joiner, NUL) do not
    split a word and are left out of its token (``coopé\u00adration`` is
    ``coopération``), while its offsets still cover them.

Elisions
    A word starting with one of the clitics of :data:`CLITICS` followed by an
    apostrophe is split in two: the clitic keeps its apostrophe as a token of
    its own (``l'``, ``d'``, ``qu'``, ``jusqu'`` ...), the content word comes
    out alone (``l’Initiative`` → ``l'``, ``initiative``). French elides only
    before a vowel or a mute *h*, so ``N'Djamena`` and ``M'Bappé`` stay whole.
    Clitics are French stop words, so ``stopwords=True`` drops them; with
    ``lemmatize=True`` they become their full form in lower case (``l'`` →
    ``le``, ``d'`` → ``de``, ``qu'`` → ``que``; ``s'`` → ``se``, although it
    is ``si`` in ``s'il``). Any other word with an apostrophe stays whole
    (``aujourd'hui``, ``presqu'île``, ``Min'er``).

Normal form
    Tokens are returned in Unicode NFC (composed accents, whatever the form of
    the text: ``İ`` followed by a combining mark gives its composed lower
    case), with every apostrophe (’ ʼ ') written ``'``, every hyphen (‐ ‑ -)
    written ``-``, accents kept, and (by default) in lower case. The offsets
    ``(start, end)`` point into the text given, so ``text[start:end]`` is what
    the article says, and ``normalize(text[start:end])`` equals the token when
    ``lemmatize=False``. Functions taking a corpus bring its texts to NFC
    first (:func:`analysis.check_corpus`), so their offsets point into the NFC
    text, which is the ``text`` column :func:`analysis.load_corpus` gives.

Inverted subjects
    ``a-t-il``, ``a-t-elle``, ``dit-il``, ``est-ce`` give the verb and the
    pronoun as two tokens (``a``, ``il``); the euphonic ``-t-`` is dropped.
    ``-nous`` and ``-vous`` are not split (``rendez-vous``), nor are the names
    of :data:`NON_INVERSIONS` (``Kim Jong-il``).

Known limits
    Numbers written with a space as thousands separator (``1 000``) give two
    tokens, since a token never holds a space. The combining marks known are
    those of the Latin, Greek and Cyrillic scripts (U+0300–U+036F and the
    diacritic blocks); a mark of another script (Arabic madda, Indic vowel
    signs, kana voicing marks) splits the word. NFC, which the loader and
    every corpus function apply, composes most of them into their letter.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache, partial

import numpy as np

from .paths import DATA_DIR

#: Elided words split from the word that follows them.
CLITICS: dict[str, str] = {
    "l'": "le",
    "d'": "de",
    "qu'": "que",
    "s'": "se",
    "n'": "ne",
    "j'": "je",
    "m'": "me",
    "t'": "te",
    "c'": "ce",
    "jusqu'": "jusque",
    "lorsqu'": "lorsque",
    "puisqu'": "puisque",
    "quoiqu'": "quoique",
}
#: Lemmas that override simplemma's (keys in lower case): subject pronouns,
#: where simplemma gives ``il`` / ``ils`` → ``lui``, and the honorifics, which
#: the tokenizer reads without their full stop (``M.`` → ``m``, not *mètre*).
LEMMA_OVERRIDES: dict[str, str] = {
    "il": "il", "ils": "il", "elle": "elle", "elles": "elle",
    "m": "monsieur", "mm": "monsieur", "mme": "madame", "mmes": "madame", "mlle": "mademoiselle",
}
#: Hyphenated names that end like an inverted verb but are one word (lower case).
NON_INVERSIONS: frozenset[str] = frozenset({"jong-il", "sung-il"})
#: Subject pronouns split off an inverted verb (``dit-il``, ``a-t-elle``, ``est-ce``).
INVERTED_PRONOUNS: frozenset[str] = frozenset({"il", "elle", "on", "ils", "elles", "je", "tu", "ce"})
# French elides only before a vowel or a mute h: ``M'Bappé``, ``N'Djamena`` are names.
# Any accent on the vowel (``d'Úbeda``), so that decomposed text elides as composed text does.
_ELISION_NEXT = "hœæ" + "".join(
    sorted({chr(c) for c in range(0x41, 0x2000) if unicodedata.normalize("NFD", chr(c))[0] in "aeiouy"})
)

_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_WORD_CHAR = rf"[\w{_MARKS}]"
# A word may hold inner apostrophes and hyphens; elisions and inversions are
# split off afterwards (rarer, so cheaper than alternatives tried at every word).
# No match ends between two word characters, so a match starts at a word's first
# letter or digit; a stray combining mark before a word is left out of it.
_TOKEN_RE = re.compile(
    rf"\d+(?:[.,]\d+)+(?!{_WORD_CHAR})|[^\W_]{_WORD_CHAR}*(?:['-]{_WORD_CHAR}+)*"
)
#: Invisible characters that do not split a word and are left out of its token:
#: soft hyphen, zero-width space, non-joiner and joiner, word joiner, NUL.
IGNORABLES = "\u00ad\u200b\u200c\u200d\u2060\x00"
_IGNORABLE_TABLE = dict.fromkeys(map(ord, IGNORABLES))
# Texts holding an underscore or an ignorable go through this slower twin of _TOKEN_RE
# (same tokens on other texts): ignorables and underscores join the letters around
# them, never start or end a token.
_LETTER = rf"(?:[^\W_]|[{_MARKS}])"
_TAIL = rf"(?:{_LETTER}|[_{IGNORABLES}]+(?={_LETTER}))*"
_TOKEN_SPLIT_RE = re.compile(f"({_TOKEN_RE.pattern})")
_MESSY_TOKEN_RE = re.compile(
    rf"\d+(?:[.,]\d+)+(?!{_LETTER})|[^\W_]{_TAIL}(?:[{IGNORABLES}]*['-][{IGNORABLES}]*{_LETTER}{_TAIL})*"
)
_CLITIC_ALT = "|".join(sorted((c[:-1] for c in CLITICS), key=len, reverse=True))
_ELISION_RE = re.compile(rf"(?:{_CLITIC_ALT})'(?=[{_ELISION_NEXT}])", re.IGNORECASE)
# ASCII case folding: a dotted İ is not the i of "il" (as it is not in decomposed text, I + dot).
_INVERSION_RE = re.compile(r"^(.+?)(-t)?-(" + "|".join(sorted(INVERTED_PRONOUNS)) + r")$",
                           re.IGNORECASE | re.ASCII)

_SENTENCE_END_RE = re.compile(r"[.!?…]+(?:[ \u00a0\u202f]?[\"»”’)\]])*(?=\s|$)|\n[ \t]*\n")
#: Characters that may open a sentence before its first letter, besides whitespace.
_OPENERS = "\"«“‘([-–—"
#: Words after which a full stop does not end a sentence (lower case, no dot).
ABBREVIATIONS: frozenset[str] = frozenset(
    {
        "m", "mm", "mme", "mmes", "mlle", "mlles", "dr", "pr", "me", "mgr", "st", "ste",
        "etc", "cf", "p", "pp", "ex", "av", "apr", "env", "vol", "n", "no", "art", "al",
        "fig", "éd", "chap", "min", "max", "gal", "gén", "col", "cdt", "lt", "sgt",
    }
)


def normalize(text: str, *, lowercase: bool = True) -> str:
    """Write a span in the tokens' normal form.

    NFC composition, apostrophes (’ ʼ) as ``'``, hyphens (‐ ‑) as ``-``, the
    invisible characters of :data:`IGNORABLES` left out, and lower case unless
    ``lowercase=False``.
    """
    text = unify_marks(text).translate(_IGNORABLE_TABLE)
    return unicodedata.normalize("NFC", text.lower() if lowercase else text)


def tokenize(
    text: str,
    *,
    lowercase: bool = True,
    lemmatize: bool = False,
    stopwords: bool | Iterable[str] = False,
    offsets: bool = False,
) -> list[str] | list[tuple[str, int, int]]:
    """Split a French text into tokens.

    Parameters
    ----------
    text
        The text, as loaded (any apostrophe, quote or space convention).
    lowercase
        Lower-case the tokens (accents are always kept).
    lemmatize
        Replace each token by its lemma (:func:`lemma`; simplemma's French
        dictionary, see ``docs/lemmatizer.md``).
    stopwords
        ``False`` keeps every token; ``True`` drops the words of
        :func:`stopword_list`; an iterable of words drops those instead. A
        token is dropped when its form or its lemma is in the list (compared
        in lower case).
    offsets
        Return ``(token, start, end)`` tuples with offsets into ``text``.

    Returns
    -------
    list of str, or list of (str, int, int)
        The tokens in text order.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}")
    stop = stop_set(stopwords)
    if not (offsets or lemmatize or stop):
        return _forms(text, lowercase)
    spans = _spans(text, lowercase)
    if lemmatize or stop:
        kept = []
        for tok, start, end in spans:
            lem = lemma(tok) if lemmatize else tok
            if stop and (tok.lower() in stop or lem.lower() in stop):
                continue
            kept.append((lem, start, end))
        spans = kept
    if offsets:
        return spans
    return [tok for tok, _, _ in spans]


def unify_marks(text: str) -> str:
    """Write every apostrophe (’ ʼ) as ``'`` and every hyphen (‐ ‑) as ``-``.

    One character for one, so offsets into the result are offsets into ``text``.
    """
    return text.replace("\u2019", "'").replace("\u02bc", "'").replace("\u2010", "-").replace("\u2011", "-")


def _prepare(text: str, lowercase: bool) -> tuple[str, bool, bool, bool]:
    """Unify marks and lower-case the whole text when that keeps every offset.

    Lower-casing the text at once is much faster than token by token; it is
    exact unless a character changes length (İ) or its case depends on context
    (Σ), in which case tokens are lower-cased one by one (``lower_each``).
    ``messy``: the text holds an underscore or an ignorable character, and
    needs :data:`_MESSY_TOKEN_RE`.
    """
    norm = unify_marks(text)
    lower_each = False
    if lowercase:
        lowered = norm.lower()
        if len(lowered) == len(norm) and "\u03a3" not in norm:
            norm = lowered
        else:
            lower_each = True
    messy = "_" in norm or any(char in norm for char in IGNORABLES)
    return norm, lower_each, not unicodedata.is_normalized("NFC", norm), messy


def _forms(text: str, lowercase: bool) -> list[str]:
    """Tokens without offsets: the fast path of :func:`tokenize`."""
    norm, lower_each, compose, messy = _prepare(text, lowercase)
    if messy:
        return [tok for tok, _, _ in _messy_spans(norm, lower_each, compose)]
    forms = []
    for tok in _TOKEN_RE.findall(norm):
        if "'" in tok or "-" in tok:
            forms.extend(part for part, _, _ in _split_word(tok))
        else:
            forms.append(tok)
    if lower_each or compose:
        forms = [_finish(tok, lower_each, compose) for tok in forms]
    return forms


def _spans(text: str, lowercase: bool) -> list[tuple[str, int, int]]:
    """Tokens with offsets, in normal form, before lemmas and stop words."""
    forms, starts, ends = token_spans(text, lowercase=lowercase)
    return list(zip(forms, starts.tolist(), ends.tolist(), strict=True))


def token_spans(text: str, *, lowercase: bool = True) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The tokens of :func:`tokenize` and their offsets, as a list and two arrays.

    ``(forms, starts, ends)``: ``forms[i]`` is the token found at
    ``text[starts[i]:ends[i]]`` (``int64`` offsets). This is what
    ``tokenize(text, lowercase=..., offsets=True)`` returns, without building
    a tuple per token (the token index reads a whole corpus through it).
    """
    norm, lower_each, compose, messy = _prepare(text, lowercase)
    if lower_each or compose:
        return _token_by_token_spans(norm, lower_each, compose, messy)
    return _plain_spans(norm)


def corpus_token_spans(texts: Sequence[str], *, lowercase: bool = True
                       ) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """:func:`token_spans` of many texts at once.

    Returns
    -------
    (forms, starts, ends, sizes)
        The tokens of every text in turn, with offsets into their own text
        (``int64``), and ``sizes[k]``, the number of tokens of ``texts[k]``.
    """
    vocab, ids, starts, ends, sizes = corpus_token_ids(texts, lowercase=lowercase)
    return [vocab[i] for i in ids.tolist()], starts, ends, sizes


def corpus_token_ids(texts: Sequence[str], *, lowercase: bool = True
                     ) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The tokens of many texts as numbers into their vocabulary, with offsets.

    Returns
    -------
    (vocab, ids, starts, ends, sizes)
        The distinct forms in order of first appearance; then, for every token
        of every text in turn, the number of its form in ``vocab`` (``int64``)
        and its offsets into its own text (``int64``); ``sizes[k]`` is the
        number of tokens of ``texts[k]``. ``vocab[ids[i]]`` is the form
        :func:`token_spans` gives.

    Notes
    -----
    The texts are tokenized together, joined by line breaks (which no token
    crosses). Forms are numbered by a hash of their characters computed with
    arrays, then every token is compared with the first token given the same
    number, so the numbering is exact: were two forms ever to share a hash,
    they would be numbered from their strings instead. A text whose tokens
    are lower-cased or composed one by one (``İ``, ``Σ``, a text not in NFC)
    sends the call to strings too.
    """
    prepared = [_prepare(text, lowercase) for text in texts]
    sizes = np.zeros(len(texts), dtype=np.int64)
    if any(lower_each or compose for _, lower_each, compose, _ in prepared):
        pieces = [token_spans(text, lowercase=lowercase) for text in texts]
        sizes[:] = [len(forms) for forms, _, _ in pieces]
        ids, vocab = _factorize_strings([form for forms, _, _ in pieces for form in forms])
        empty = np.empty(0, dtype=np.int64)
        return (vocab, ids, np.concatenate([empty, *(a for _, a, _ in pieces)]),
                np.concatenate([empty, *(b for _, _, b in pieces)]), sizes)
    norms = [norm for norm, _, _, _ in prepared]
    bases = np.cumsum([0] + [len(norm) + 1 for norm in norms], dtype=np.int64)[:len(norms)]
    text = "\n".join(norms)
    codes, flags = _char_flags(text)
    starts, ends, special, special_forms = _plain_offsets(text, codes, flags)
    ids, vocab = _number_forms(text, codes, starts, ends, special, special_forms)
    doc = np.searchsorted(bases, starts, "right") - 1
    sizes[:] = np.bincount(doc, minlength=len(norms))
    return vocab, ids, starts - bases[doc], ends - bases[doc], sizes


def _factorize_strings(forms: list[str]) -> tuple[np.ndarray, list[str]]:
    """Number strings in order of first appearance: ``(ids, distinct strings)``."""
    import pandas as pd

    ids, uniques = pd.factorize(pd.Series(forms, dtype=object), sort=False)
    return ids.astype(np.int64), list(uniques)


# The hash of a form: h = h * _HASH_BASE + (code point + 1) over its characters, modulo 2**64.
_HASH_BASE = 0x100000001B3
_HASH_MASK = 2**64 - 1
_VECTOR_HASH_CHARS = 32  # longer forms are hashed one by one


def _form_hash(form: str) -> int:
    if len(form) > 64:  # the same sum, with arrays: (code + 1) times base ** (characters after it)
        codes = np.frombuffer(form.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)
        powers = np.cumprod(np.full(len(form), _HASH_BASE, dtype=np.uint64))[::-1]
        return int(((codes + np.uint64(1)) * np.append(powers[1:], np.uint64(1))).sum(dtype=np.uint64))
    value = 0
    for char in form:
        value = (value * _HASH_BASE + ord(char) + 1) & _HASH_MASK
    return value


def _run_hashes(codes: np.ndarray, starts: np.ndarray, lengths: np.ndarray, active: np.ndarray) -> np.ndarray:
    """:func:`_form_hash` of the runs ``codes[starts[i]:starts[i] + lengths[i]]`` for ``i`` in ``active``.

    With arrays, one character position at a time; the other runs get 0.
    """
    keys = np.zeros(len(starts), dtype=np.uint64)
    step = 0
    while len(active):
        keys[active] = keys[active] * np.uint64(_HASH_BASE) + (codes[starts[active] + step] + 1)
        step += 1
        active = active[lengths[active] > step]
    return keys


def _number_forms(text: str, codes: np.ndarray, starts: np.ndarray, ends: np.ndarray, special: np.ndarray,
                  special_forms: list[str]) -> tuple[np.ndarray, list[str]]:
    """Number the tokens ``text[starts[i]:ends[i]]`` (``special_forms`` at ``special``) by form."""
    lengths = ends - starts
    by_string = lengths > _VECTOR_HASH_CHARS
    by_string[special] = True
    keys = _run_hashes(codes, starts, lengths, np.flatnonzero(~by_string))
    forms_by_string = dict(zip(special.tolist(), special_forms, strict=True))
    strings = np.flatnonzero(by_string)

    def form(i: int) -> str:
        return forms_by_string[i] if i in forms_by_string else text[starts[i]:ends[i]]

    keys[strings] = np.fromiter((_form_hash(form(i)) for i in strings.tolist()), np.uint64, len(strings))
    ids, first = _first_appearances(keys)
    # Every token against the first of its number: by arrays where both are read from the text.
    model = first[ids]
    same = lengths == lengths[model]
    arrays = np.flatnonzero(same & ~by_string & ~by_string[model])
    step = 0
    while len(arrays):
        equal = codes[starts[arrays] + step] == codes[starts[model[arrays]] + step]
        same[arrays[~equal]] = False
        step += 1
        arrays = arrays[equal & (lengths[arrays] > step)]
    others = np.flatnonzero(by_string | by_string[model])
    same[others] = [form(i) == form(j) for i, j in zip(others.tolist(), model[others].tolist(), strict=True)]
    if not same.all():
        return _factorize_strings([form(i) for i in range(len(starts))])
    return ids, [form(i) for i in first.tolist()]


def _first_appearances(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Numbers of the keys in order of first appearance, and the position of each number's first key."""
    import pandas as pd

    ids, _ = pd.factorize(keys, sort=False)
    first = np.full(ids.max() + 1 if len(ids) else 0, len(ids), dtype=np.int64)
    np.minimum.at(first, ids, np.arange(len(ids)))
    return ids.astype(np.int64), first


def _token_by_token_spans(norm: str, lower_each: bool, compose: bool,
                          messy: bool) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Tokens of a text whose tokens are lower-cased or composed one by one (``İ``, ``Σ``, not NFC)."""
    if messy:
        spans = _messy_spans(norm, lower_each, compose)
        return ([tok for tok, _, _ in spans], np.fromiter((a for _, a, _ in spans), np.int64, len(spans)),
                np.fromiter((b for _, _, b in spans), np.int64, len(spans)))
    starts, ends = _split_spans(norm)
    codes = np.frombuffer(norm.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    starts, ends = _split_words(norm, starts, ends, np.flatnonzero((codes == 39) | (codes == 45)))
    forms = list(map(norm.__getitem__, map(slice, starts.tolist(), ends.tolist())))
    return [_finish(tok, lower_each, compose) for tok in forms], starts, ends


def _plain_spans(norm: str) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Tokens of a text needing no token-by-token case or composition, with offsets."""
    codes, flags = _char_flags(norm)
    starts, ends, special, special_forms = _plain_offsets(norm, codes, flags)
    forms = list(map(norm.__getitem__, map(slice, starts.tolist(), ends.tolist())))
    for i, form in zip(special.tolist(), special_forms, strict=True):
        forms[i] = form
    return forms, starts, ends


def _plain_offsets(norm: str, codes: np.ndarray, flags: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """The offsets of the tokens of a text needing no token-by-token case or composition.

    Returns ``(starts, ends, special, special_forms)``: each token is
    ``norm[starts[i]:ends[i]]``, except those at ``special``, whose forms are
    ``special_forms`` (a soft hyphen left out, say).

    The tokens are found with arrays (:func:`_array_spans`), except in the
    stretches between two whitespace characters that hold an underscore, an
    ignorable or a combining mark, which :data:`_MESSY_TOKEN_RE` reads: no
    token crosses whitespace, so one such character slows its stretch only.
    """
    starts, ends = _array_spans(norm, codes, flags)
    slow = np.flatnonzero(flags & _SLOW)
    if len(slow):
        space = np.flatnonzero(flags & _SPACE)
        at = np.searchsorted(space, slow)
        lo = sorted_unique(np.append(-1, space)[at] + 1)
        hi = np.append(space, len(norm))[np.searchsorted(space, lo)]
        stretch = np.searchsorted(lo, starts, "right") - 1
        keep = (stretch < 0) | (starts >= hi[np.maximum(stretch, 0)])
        starts, ends = starts[keep], ends[keep]
    starts, ends = _split_words(norm, starts, ends, np.flatnonzero((codes == 39) | (codes == 45)))
    if not len(slow):
        return starts, ends, np.empty(0, dtype=np.int64), []
    # The tokens of the slow stretches go in their place.
    added = [(tok, a + first, b + first)
             for first, last in zip(lo.tolist(), hi.tolist(), strict=True)
             for tok, a, b in _messy_spans(norm[first:last], False, False)]
    where = np.searchsorted(starts, np.fromiter((a for _, a, _ in added), np.int64, len(added)))
    special = where + np.arange(len(added))
    starts = np.insert(starts, where, np.fromiter((a for _, a, _ in added), np.int64, len(added)))
    ends = np.insert(ends, where, np.fromiter((b for _, _, b in added), np.int64, len(added)))
    return starts, ends, special, [tok for tok, _, _ in added]


# Classes of characters, as bits (see _char_flags): re's \w less the underscore (str.isalnum); a
# combining mark of _MARKS; whitespace (str.isspace); what may open a sentence before its first
# letter (whitespace, quotes, brackets, dashes); a capital or digit; re's \w with the marks; what
# the array tokenizer leaves to the regular expression (a mark, an underscore, an ignorable); a
# space or a tab.
_ALNUM, _MARK, _SPACE, _OPENER, _CAPITAL, _WORD, _SLOW, _BLANK = 1, 2, 4, 8, 16, 32, 64, 128
_MARK_RANGES = [(ord(first), ord(last)) for first, last in re.findall(r"(.)-(.)", _MARKS)]


def _flags_of(char: str) -> int:
    code = ord(char)
    mark = any(first <= code <= last for first, last in _MARK_RANGES)
    return ((_ALNUM if char.isalnum() else 0) | (_MARK if mark else 0)
            | (_SPACE if char.isspace() else 0)
            | (_OPENER if char.isspace() or char in _OPENERS else 0)
            | (_CAPITAL if char.isupper() or char.isdigit() else 0)
            | (_WORD if char.isalnum() or mark or char == "_" else 0)
            | (_SLOW if mark or char in "_" + IGNORABLES else 0)
            | (_BLANK if char in " \t" else 0))


@lru_cache(maxsize=1)
def _char_table() -> np.ndarray:
    """:func:`_flags_of` every character up to U+FFFF (``uint8``), with NumPy's string predicates."""
    codes = np.arange(0x10000, dtype=np.uint32)
    chars = codes.view("<U1")
    mark = np.zeros(len(codes), dtype=bool)
    for first, last in _MARK_RANGES:
        mark[first:last + 1] = True
    alnum, space = np.char.isalnum(chars), np.char.isspace(chars)
    listed = np.isin(codes, [ord(char) for char in _OPENERS])
    capital = np.char.isupper(chars) | np.char.isdigit(chars)
    slow = mark | np.isin(codes, [ord(char) for char in "_" + IGNORABLES])
    return (alnum * _ALNUM | mark * _MARK | space * _SPACE | (space | listed) * _OPENER | capital * _CAPITAL
            | (alnum | mark | (codes == 95)) * _WORD | slow * _SLOW
            | ((codes == 32) | (codes == 9)) * _BLANK).astype(np.uint8)


def code_points(text: str) -> np.ndarray:
    """The code points of a text, as ``uint32``."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _char_flags(text: str, codes: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The code points of a text (given, or computed) and their classes (``uint8``, :func:`_flags_of`)."""
    codes = code_points(text) if codes is None else codes
    table = _char_table()
    if not (len(codes) and codes.max() > 0xFFFF):
        return codes, table[codes]
    flags = table[np.minimum(codes, 0xFFFF)]
    for i in np.flatnonzero(codes > 0xFFFF).tolist():
        flags[i] = _flags_of(text[i])
    return codes, flags


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """The distinct values of an array, sorted: ``numpy.unique(values)``, by sorting.

    NumPy 2.4's ``unique`` (and ``union1d``) hash the values, in time that
    grows faster than their number (about 0.7 s for 1.6 million integers,
    5 s for 6.4 million); a sort takes 0.01 s and 0.05 s.
    """
    ordered = np.sort(values)
    if len(ordered) < 2:
        return ordered
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))]


def word_starts(
    text: str, words: Sequence[str], *, codes: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Where some words occur in a text as whole words.

    A whole word is a maximal run of the characters of re's ``\\w`` (letters,
    digits, underscore) but ``ʼ`` (U+02BC, a letter to Unicode, an apostrophe
    in French text): ``chine`` occurs in ``la chine ; lʼchine`` twice, not in
    ``machine`` or ``chinese``. The text is compared as it is (no case
    folding, no normal form). ``codes`` are its :func:`code_points`, if the
    caller has them.

    Returns
    -------
    (numbers, starts)
        For each occurrence, in text order, the position of its word in
        ``words`` (``int64``) and its offset in ``text`` (``int64``).

    Raises
    ------
    ValueError
        If one of ``words`` is empty.

    Notes
    -----
    Found with arrays in time linear in the text: the runs of the lengths of
    ``words`` are hashed as in the token index, and every run given a word's
    hash is compared with the word character by character.
    """
    empty = np.empty(0, dtype=np.int64)
    words = list(words)
    if not all(words):
        raise ValueError("words must be non-empty strings (got '' among them)")
    if not words or not text:
        return empty, empty
    codes, flags = _char_flags(text, codes)
    run = ((flags & _ALNUM) != 0) | (codes == 95)
    run &= codes != 0x2BC
    edges = np.flatnonzero(np.diff(run, prepend=False, append=False))
    starts, ends = edges[0::2], edges[1::2]
    lengths = ends - starts
    sizes, outlines, word_keys, table = _word_table(tuple(words))
    keep = np.flatnonzero(lengths <= sizes.max())
    starts, lengths = starts[keep], lengths[keep]
    # Runs of a word's length, first and last characters only (most runs are none of the words).
    outline = (lengths << 42) | (codes[starts].astype(np.int64) << 21) | codes[starts + lengths - 1]
    keep = np.flatnonzero(outlines.get_indexer(outline) >= 0)  # hashed, not sorted
    starts, lengths = starts[keep], lengths[keep]
    keys = _run_hashes(codes, starts, lengths, np.arange(len(starts)))
    if len(np.unique(word_keys)) < len(set(words)):  # two words share a hash: compare strings
        number_of = {word: k for k, word in reversed(list(enumerate(words)))}
        found = [(number_of[run], start)
                 for start, length in zip(starts.tolist(), lengths.tolist(), strict=True)
                 if (run := text[start:start + length]) in number_of]
        return (np.array([k for k, _ in found], dtype=np.int64),
                np.array([start for _, start in found], dtype=np.int64))
    order = np.argsort(word_keys, kind="stable")
    at = np.minimum(np.searchsorted(word_keys[order], keys), len(order) - 1)
    number = order[at]
    hit = np.flatnonzero((word_keys[number] == keys) & (sizes[number] == lengths))
    starts, number = starts[hit], number[hit]
    # Equal hashes, then equal characters (a word's code points, padded with zeros).
    same = np.ones(len(starts), dtype=bool)
    for step in range(table.shape[1]):
        inside = np.flatnonzero(sizes[number] > step)
        same[inside] &= codes[starts[inside] + step] == table[number[inside], step]
    return number[same].astype(np.int64), starts[same].astype(np.int64)


@lru_cache(maxsize=8)
def _word_table(words: tuple[str, ...]) -> tuple[np.ndarray, object, np.ndarray, np.ndarray]:
    """What :func:`word_starts` compares runs with, computed once per list of words.

    The words' lengths, the index of their outlines (length, first and last
    character), their hashes and their code points (one row each, padded with zeros).
    """
    import pandas as pd

    sizes = np.array([len(word) for word in words], dtype=np.int64)
    outlines = pd.Index(sorted({(len(word) << 42) | (ord(word[0]) << 21) | ord(word[-1]) for word in words}))
    table = np.zeros((len(words), int(sizes.max())), dtype=np.uint32)
    for k, word in enumerate(words):
        table[k, :len(word)] = np.frombuffer(word.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return sizes, outlines, np.array([_form_hash(word) for word in words], dtype=np.uint64), table


def _split_spans(norm: str) -> tuple[np.ndarray, np.ndarray]:
    """The offsets of the matches of :data:`_TOKEN_RE`: the reference :func:`_array_spans` follows."""
    # re.split gives separators and tokens in turn, so offsets are running sums of lengths:
    # much cheaper than a match object per token.
    pieces = _TOKEN_SPLIT_RE.split(norm)
    lengths = np.fromiter(map(len, pieces), np.int64, len(pieces))
    ends = np.cumsum(lengths)[1::2]
    return ends - lengths[1::2], ends


def _array_spans(norm: str, codes: np.ndarray, flags: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The offsets of the matches of :data:`_TOKEN_RE`, found with arrays, outside slow stretches.

    Where a text holds no underscore, ignorable or combining mark (see
    :func:`_plain_spans`), a word character is an alphanumeric one, so a
    match is a run of them, with the runs that one ``'`` or ``-`` joins to it
    (``aujourd'hui``, ``gagnant-gagnant``). Where one ``.`` or ``,`` joins two
    runs (``3,5``, ``1.2.3a``), the regular expression reads the stretch of
    joined runs: no match crosses a gap of another kind, so it finds there
    what it finds in the whole text.
    """
    edges = np.flatnonzero(np.diff((flags & _ALNUM).view(bool), prepend=False, append=False))
    starts, ends = edges[0::2], edges[1::2]
    if len(starts) > 1:
        between = codes[ends[:-1]]
        single = starts[1:] - ends[:-1] == 1
        dot = single & ((between == 46) | (between == 44))
        first = np.flatnonzero(np.r_[True, ~(dot | (single & ((between == 39) | (between == 45))))])
        last = np.r_[first[1:], len(starts)] - 1
        dots = np.r_[0, np.cumsum(dot)]
        numeric = np.flatnonzero(dots[last] > dots[first])
        starts, ends = starts[first], ends[last]
        if len(numeric):
            starts, ends = _reread(norm, starts, ends, numeric)
    return starts, ends


def _reread(norm: str, starts: np.ndarray, ends: np.ndarray,
            numeric: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Replace the stretches ``numeric`` of ``(starts, ends)`` by the matches of :data:`_TOKEN_RE` in them."""
    parts = [_split_spans(norm[a:b])
             for a, b in zip(starts[numeric].tolist(), ends[numeric].tolist(), strict=True)]
    counts = np.fromiter((len(a) for a, _ in parts), np.int64, len(parts))
    widths = np.ones(len(starts), dtype=np.int64)
    widths[numeric] = counts
    at = (np.cumsum(widths) - widths)[numeric]
    target = np.repeat(at - (np.cumsum(counts) - counts), counts) + np.arange(counts.sum())
    base = np.repeat(starts[numeric], counts)
    new_starts, new_ends = np.repeat(starts, widths), np.repeat(ends, widths)
    new_starts[target] = base + np.concatenate([a for a, _ in parts])
    new_ends[target] = base + np.concatenate([b for _, b in parts])
    return new_starts, new_ends


def _split_words(norm: str, starts: np.ndarray, ends: np.ndarray,
                 marks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Split elided clitics and inverted pronouns off the words holding a mark of ``marks``."""
    # Only the (few) words holding ' or - are looked into, found from the marks' positions.
    if not (len(marks) and len(starts)):
        return starts, ends
    words = np.searchsorted(starts, marks, "right") - 1
    inside = (words >= 0) & (marks < ends[np.maximum(words, 0)])  # a stray mark may sit outside
    split = [(i, parts) for i in sorted_unique(words[inside]).tolist()
             if len(parts := _split_word(norm[starts[i]:ends[i]])) > 1]
    return _expand(starts, ends, split) if split else (starts, ends)


def _expand(starts: np.ndarray, ends: np.ndarray, split: list) -> tuple[np.ndarray, np.ndarray]:
    """Replace word ``i`` by its parts ``(part, a, b)`` (offsets in the word), for each ``(i, parts)``."""
    widths = np.ones(len(starts), dtype=np.int64)
    word, rank, rel_start, rel_end = np.array(
        [(i, k, a, b) for i, parts in split for k, (_, a, b) in enumerate(parts)], dtype=np.int64).T
    widths[word] = 0
    np.add.at(widths, word, 1)  # a word of n parts takes n places
    first = np.cumsum(widths) - widths  # position of each word's first part in the result
    base = np.repeat(starts, widths)
    new_starts = base.copy()
    new_ends = np.repeat(ends, widths)
    at = first[word] + rank
    new_starts[at] = base[at] + rel_start
    new_ends[at] = base[at] + rel_end
    return new_starts, new_ends


def _messy_spans(norm: str, lower_each: bool, compose: bool) -> list[tuple[str, int, int]]:
    """:func:`_spans` of a text with underscores or ignorables: tokens without the ignorables."""
    spans = []
    for match in _MESSY_TOKEN_RE.finditer(norm):
        raw = match.group()
        start = match.start()
        kept = None
        tok = raw.translate(_IGNORABLE_TABLE)
        if len(tok) != len(raw):  # offsets of the kept characters, to map parts back into the text
            kept = [i for i, char in enumerate(raw) if char not in IGNORABLES]
        parts = _split_word(tok) if "'" in tok or "-" in tok else ((tok, 0, len(tok)),)
        for part, a, b in parts:
            if kept is not None:
                a, b = kept[a], kept[b - 1] + 1
            # Leaving an ignorable out may bring a letter and a combining mark together.
            spans.append((_finish(part, lower_each, compose or kept is not None), start + a, start + b))
    return spans


@lru_cache(maxsize=100_000)
def _split_word(tok: str) -> tuple[tuple[str, int, int], ...]:
    """Split an elided clitic and an inverted pronoun off one word, with relative offsets."""
    elided = _ELISION_RE.match(tok)
    if elided:
        cut = elided.end()
        rest = _split_word(tok[cut:])
        return ((tok[:cut], 0, cut), *((part, a + cut, b + cut) for part, a, b in rest))
    inverted = _INVERSION_RE.match(tok)
    if inverted and tok.lower() not in NON_INVERSIONS:
        verb, _, pronoun = inverted.groups()
        return ((verb, 0, len(verb)), (pronoun, len(tok) - len(pronoun), len(tok)))
    return ((tok, 0, len(tok)),)


def _finish(tok: str, lowercase: bool, compose: bool) -> str:
    # Lower case first: İ lower-cases to i + a combining dot, which NFC may reorder.
    if lowercase:
        tok = tok.lower()
    if compose or lowercase:
        tok = unicodedata.normalize("NFC", tok)
    return tok


def tokenizer(
    *, lowercase: bool = True, lemmatize: bool = False, stopwords: bool | Iterable[str] = False
) -> Callable[[str], list[str]]:
    """Return the tokenizer as a one-argument callable for scikit-learn.

    Use it as ``CountVectorizer(tokenizer=tokenizer(), token_pattern=None,
    lowercase=False)``. The result pickles (it is a :func:`functools.partial`).
    """
    stop = frozenset(stop_set(stopwords))
    return partial(tokenize, lowercase=lowercase, lemmatize=lemmatize, stopwords=stop or False)


@lru_cache(maxsize=200_000)
def lemma(token: str) -> str:
    """Return the French lemma of one token (clitics give their full form).

    Uses simplemma's French dictionary (Barbaresi 2023, *Simplemma*,
    https://github.com/adbar/simplemma), except for :data:`CLITICS` and
    :data:`LEMMA_OVERRIDES`; unknown words come back unchanged.
    """
    full = CLITICS.get(token.lower()) or LEMMA_OVERRIDES.get(token.lower())
    if full is not None:
        return full
    if not any(c.isalpha() for c in token):
        return token
    import simplemma

    return simplemma.lemmatize(token, lang="fr")


@lru_cache(maxsize=1)
def _project_stopwords() -> frozenset[str]:
    return _read_word_list(DATA_DIR / "stopwords_project.txt")


@lru_cache(maxsize=1)
def _kept_words() -> frozenset[str]:
    return _read_word_list(DATA_DIR / "stopwords_keep.txt")


def _read_word_list(path) -> frozenset[str]:
    words = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        word = line.split("#", 1)[0].strip()
        if word:
            words.add(normalize(word))
    return frozenset(words)


@lru_cache(maxsize=8)
def _stopword_list_cached(extra: frozenset[str]) -> frozenset[str]:
    from stop_words import get_stop_words

    base = {normalize(w) for w in get_stop_words("french") if not w.endswith(".")}
    return frozenset((base - _kept_words()) | _project_stopwords() | extra)


def stopword_list(*, extra: Iterable[str] = ()) -> frozenset[str]:
    """Return the French stop words used by ``stopwords=True``.

    The list is the French list of the ``stop-words`` package (a maintained
    collection), minus the content words it wrongly holds for diplomatic
    prose (``analysis/data/stopwords_keep.txt``: *état*, *force*, *nouveau*,
    *personne* ...), plus the project's own list
    (``analysis/data/stopwords_project.txt``: the clitics, honorifics such as
    ``M.`` and ``Mme``, forms of *être* and *avoir* missing from the base list).

    Parameters
    ----------
    extra
        More words to treat as stop words (any case, any apostrophe).
    """
    if isinstance(extra, str):
        raise ValueError("extra must be an iterable of words, not a single string")
    return _stopword_list_cached(frozenset(normalize(w) for w in extra))


def stop_set(stopwords: bool | Iterable[str]) -> frozenset[str]:
    if stopwords is False or stopwords is None:
        return frozenset()
    if stopwords is True:
        return stopword_list()
    if isinstance(stopwords, str):
        raise ValueError("stopwords must be True, False or an iterable of words, not a single string")
    return frozenset(normalize(w) for w in stopwords)


def sentences(text: str) -> list[tuple[str, int, int]]:
    """Split a French text into sentences, with offsets into ``text``.

    A sentence ends at ``.``, ``!``, ``?`` or ``…`` (with any closing quote or
    bracket after it) followed by a space and a capital, digit, opening quote
    or dash, at the end of the text, or at a blank line. A full stop does not
    end a sentence after an abbreviation of :data:`ABBREVIATIONS` (``M.``,
    ``Mme``, ``etc.``), after a single capital (initials such as ``J. K.``),
    or inside a number (``3.5``).

    Returns
    -------
    list of (str, int, int)
        ``(sentence, start, end)``, stripped of surrounding whitespace, with
        ``text[start:end] == sentence``. An empty or blank text gives ``[]``.
    """
    starts, ends = sentence_spans(text)
    return [(text[a:b], a, b) for a, b in zip(starts.tolist(), ends.tolist(), strict=True)]


def sentence_spans(text: str) -> tuple[np.ndarray, np.ndarray]:
    """The offsets of the :func:`sentences` of a text, as two ``int64`` arrays ``(starts, ends)``."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}")
    return _sentence_spans(text, np.zeros(1, dtype=np.int64))


def corpus_sentence_spans(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`sentence_spans` of many texts at once: ``(starts, ends, sizes)``.

    The sentences of every text in turn, with offsets into their own text, and
    ``sizes[k]``, the number of sentences of ``texts[k]``. The texts are read
    joined by line breaks, with a sentence end forced at each join.
    """
    bases = np.cumsum([0] + [len(text) + 1 for text in texts[:-1]], dtype=np.int64)
    starts, ends = _sentence_spans("\n".join(texts), bases)
    doc = np.searchsorted(bases, starts, "right") - 1
    return starts - bases[doc], ends - bases[doc], np.bincount(doc, minlength=len(texts))


def _sentence_spans(text: str, bases: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sentence offsets in texts joined by line breaks, the ``k``-th starting at ``bases[k]``."""
    # Each match of _SENTENCE_END_RE (from re.split's piece lengths) is a possible end, kept
    # when a blank line, at the end of its text, or before a capital or digit (after the
    # openers: spaces, quotes, brackets, dashes) unless it is the full stop of an abbreviation.
    codes, flags = _char_flags(text)
    pieces = _SENTENCE_SPLIT_RE.split(text)
    bounds = np.cumsum(np.fromiter(map(len, pieces), np.int64, len(pieces)))
    marks, ends = bounds[0:-1:2], bounds[1::2]
    following = _next_without(flags, ends, _OPENER)
    limits = np.append(bases[1:] - 1, len(text))  # the line break after each text
    last = following >= limits[np.searchsorted(bases, marks, "right") - 1]
    capital = ~last
    capital[capital] = (flags[following[capital]] & _CAPITAL) != 0
    mark_chars = codes[marks]
    taken = (mark_chars == 10) | last | capital
    dots = np.flatnonzero(capital & (mark_chars == 46) & (ends == marks + 1))
    if len(dots):
        at = marks[dots]
        at, lengths = _words_before(codes, flags, at, bases[np.searchsorted(bases, at, "right") - 1])
        short = lengths <= _LONGEST_ABBREVIATION
        words = zip(at[short].tolist(), lengths[short].tolist(), strict=True)
        taken[dots[short]] = [not _is_abbreviation(text[end - length:end]) for end, length in words]
    # Each stretch between two cuts, stripped of whitespace, is a sentence unless blank.
    cuts = sorted_unique(np.concatenate((ends[taken], bases)))
    stops = np.append(cuts[1:], len(text))
    first = _next_without(flags, cuts, _SPACE)
    kept = first < stops
    return first[kept], _last_without(flags, stops[kept], _SPACE) + 1


def _next_without(flags: np.ndarray, positions: np.ndarray, bit: int) -> np.ndarray:
    """The first position at or after each of ``positions`` whose class lacks ``bit`` (or the length)."""
    # A few steps settle nearly all; a long run of such characters is searched in one pass.
    found = positions.copy()
    for _ in range(8):
        going = found < len(flags)
        going[going] = (flags[found[going]] & bit) != 0
        if not going.any():
            return found
        found[going] += 1
    free = np.flatnonzero((flags & bit) == 0)
    return np.append(free, len(flags))[np.searchsorted(free, positions)]


def _last_without(flags: np.ndarray, positions: np.ndarray, bit: int) -> np.ndarray:
    """The last position before each of ``positions`` whose class lacks ``bit`` (or -1)."""
    found = positions - 1
    for _ in range(8):
        going = found >= 0
        going[going] = (flags[found[going]] & bit) != 0
        if not going.any():
            return found
        found[going] -= 1
    free = np.flatnonzero((flags & bit) == 0)
    return np.append(-1, free)[np.searchsorted(free, positions)]


# The matches of _SENTENCE_END_RE, written to start with a character class
# (which ``re`` skips ahead to several times faster). A run of terminal marks
# is only tried from its first mark: a match from inside the run would need
# the same end as one from its start, and trying every start of a long run
# (20,000 dots) would make the scan quadratic.
_SENTENCE_SPLIT_RE = re.compile(
    r"([.!?…\n](?:(?<=[.!?…])(?<![.!?…]{2})[.!?…]*(?:[ \u00a0\u202f]?[\"»”’)\]])*(?=\s|$)|(?<=\n)[ \t]*\n))"
)
_LONGEST_ABBREVIATION = max(map(len, ABBREVIATIONS))


def _words_before(codes: np.ndarray, flags: np.ndarray, dots: np.ndarray,
                  homes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where the word before each full stop ends, and its length (at most one more than any abbreviation).

    The word is the run of word characters ending at the full stop, or before
    the line break just before it when that line break is in the same text
    (``homes``: where each full stop's text starts), as ``$`` reads it:
    ``\\w+$`` finds ``J`` in ``J\\n.``.
    """
    at = dots - (codes[np.maximum(dots - 1, 0)] == 10) * (dots > homes)
    lengths = np.zeros(len(at), dtype=np.int64)
    going = np.ones(len(at), dtype=bool)
    for step in range(1, _LONGEST_ABBREVIATION + 2):
        going &= at - step >= 0
        going[going] = (flags[at[going] - step] & _WORD) != 0
        lengths += going
    return at, lengths


def _is_abbreviation(word: str) -> bool:
    """Whether a full stop after this word (no longer than any abbreviation) does not end a sentence."""
    if word.lower() in ABBREVIATIONS and (len(word) > 1 or word.isupper()):
        return True
    return len(word) == 1 and word.isupper()


def strong_delimiters(text: str) -> list[int]:
    """Positions of the strong delimiters of a text, in text order.

    ``.`` ``!`` ``?`` ``;`` ``:`` ``…`` and the blank line (a line break,
    spaces or tabs, a line break; its first line break); a full stop inside a
    decimal number (``3.5``, one token) or after an abbreviation of
    :data:`ABBREVIATIONS` or an initial (``M.``, ``J.``) is not a delimiter.
    No n-gram, repeated segment or co-occurrence window crosses one.
    """
    codes, flags = _char_flags(text)
    sure = (codes == 33) | (codes == 63) | (codes == 59) | (codes == 58) | (codes == 0x2026)  # ! ? ; : …
    found = [np.flatnonzero(sure)]
    # Blank lines, matched left to right: in a run of line breaks joined by spaces and tabs,
    # the first, third, fifth... line breaks, each with a next one.
    breaks = np.flatnonzero(codes == 10)
    if len(breaks) > 1:
        joined = _next_without(flags, breaks[:-1] + 1, _BLANK) == breaks[1:]
        run_first = np.flatnonzero(np.concatenate(([True], ~joined)))
        rank = np.arange(len(breaks)) - np.repeat(run_first, np.diff(np.append(run_first, len(breaks))))
        found.append(breaks[(rank % 2 == 0) & np.append(joined, False)])
    dots = np.flatnonzero(codes == 46)
    if len(dots):
        kept = ~_inside_decimals(text, flags, dots) & ~_after_abbreviation(text, codes, flags, dots)
        found.append(dots[kept])
    return np.sort(np.concatenate(found)).tolist()


# A decimal number, one token (3.5, 1.200,5), written to start with a digit, which ``re`` skips ahead to.
_DECIMAL_RE = re.compile(rf"\d(?<!{_WORD_CHAR}\d)\d*(?:[.,]\d+)+(?!{_WORD_CHAR})")


def _inside_decimals(text: str, flags: np.ndarray, dots: np.ndarray) -> np.ndarray:
    """Whether each full stop of ``dots`` is inside a decimal number."""
    inside = np.zeros(len(dots), dtype=bool)
    between = (dots > 0) & (dots < len(text) - 1)
    between[between] = ((flags[dots[between] - 1] & flags[dots[between] + 1] & _CAPITAL) != 0)
    if not between.any():
        return inside
    spans = np.array([m.span() for m in _DECIMAL_RE.finditer(text)], dtype=np.int64).reshape(-1, 2)
    number = np.searchsorted(spans[:, 0], dots, "left") - 1
    inside = (number >= 0) & (dots < spans[np.maximum(number, 0), 1]) if len(spans) else inside
    return inside


def _after_abbreviation(text: str, codes: np.ndarray, flags: np.ndarray, dots: np.ndarray) -> np.ndarray:
    """Whether each full stop of ``dots`` follows an abbreviation (``M.``, ``etc.``) or an initial (``J.``).

    The word before it is that of :func:`_words_before`.
    """
    at, lengths = _words_before(codes, flags, dots, np.zeros(len(dots), dtype=np.int64))
    short = np.flatnonzero((lengths >= 1) & (lengths <= _LONGEST_ABBREVIATION))
    after = np.zeros(len(dots), dtype=bool)
    ends = zip(at[short].tolist(), lengths[short].tolist(), strict=True)
    words = (text[end - length:end] for end, length in ends)
    after[short] = [word.lower() in ABBREVIATIONS or (len(word) == 1 and word.isupper()) for word in words]
    return after
