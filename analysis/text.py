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
from collections.abc import Callable, Iterable
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
# Apostrophes and hyphens; those inside a token (never at its edge) join the parts of a word.
_INNER_MARK_RE = re.compile(r"['-]")
_MESSY_TOKEN_RE = re.compile(
    rf"\d+(?:[.,]\d+)+(?!{_LETTER})|[^\W_]{_TAIL}(?:[{IGNORABLES}]*['-][{IGNORABLES}]*{_LETTER}{_TAIL})*"
)
_CLITIC_ALT = "|".join(sorted((c[:-1] for c in CLITICS), key=len, reverse=True))
_ELISION_RE = re.compile(rf"(?:{_CLITIC_ALT})'(?=[{_ELISION_NEXT}])", re.IGNORECASE)
_INVERSION_RE = re.compile(r"^(.+?)(-t)?-(" + "|".join(sorted(INVERTED_PRONOUNS)) + r")$", re.IGNORECASE)

_SENTENCE_END_RE = re.compile(r"[.!?…]+(?:[ \u00a0\u202f]?[\"»”’)\]])*(?=\s|$)|\n[ \t]*\n")
_OPENERS_RE = re.compile(r"[\s\"«“‘(\[\-–—]*")
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
    if messy:
        spans = _messy_spans(norm, lower_each, compose)
        return ([tok for tok, _, _ in spans], np.fromiter((a for _, a, _ in spans), np.int64, len(spans)),
                np.fromiter((b for _, _, b in spans), np.int64, len(spans)))
    # re.split gives separators and tokens in turn, so offsets are running sums of lengths:
    # much cheaper than a match object per token.
    pieces = _TOKEN_SPLIT_RE.split(norm)
    forms = pieces[1::2]
    lengths = np.fromiter(map(len, pieces), np.int64, len(pieces))
    ends = np.cumsum(lengths)[1::2]
    starts = ends - lengths[1::2]
    # Split elided clitics and inverted pronouns off the (few) words holding ' or -,
    # found from the marks' positions rather than by looking into every token.
    marks = [m.start() for m in _INNER_MARK_RE.finditer(norm)]
    split = []
    if marks and forms:
        marks = np.asarray(marks, dtype=np.int64)
        words = np.searchsorted(starts, marks, "right") - 1
        inside = (words >= 0) & (marks < ends[np.maximum(words, 0)])  # a stray mark may sit outside
        split = [(i, parts) for i in np.unique(words[inside]).tolist()
                 if len(parts := _split_word(forms[i])) > 1]
    if split:
        forms, starts, ends = _expand(forms, starts, ends, split)
    if lower_each or compose:
        forms = [_finish(tok, lower_each, compose) for tok in forms]
    return forms, starts, ends


def _expand(forms: list[str], starts: np.ndarray, ends: np.ndarray,
            split: list) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Replace ``forms[i]`` by its parts ``(part, a, b)`` (offsets in the word), for each ``(i, parts)``."""
    widths = np.ones(len(forms), dtype=np.int64)
    out: list[str] = []
    done = 0
    for i, parts in split:
        widths[i] = len(parts)
        out += forms[done:i]
        out += [part for part, _, _ in parts]
        done = i + 1
    out += forms[done:]
    first = np.cumsum(widths) - widths  # position of each word's first part in the result
    base = np.repeat(starts, widths)
    new_starts = base.copy()
    new_ends = np.repeat(ends, widths)
    word, rank, rel_start, rel_end = np.array(
        [(i, k, a, b) for i, parts in split for k, (_, a, b) in enumerate(parts)], dtype=np.int64).T
    at = first[word] + rank
    new_starts[at] = base[at] + rel_start
    new_ends[at] = base[at] + rel_end
    return out, new_starts, new_ends


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
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}")
    result = []
    start = 0
    for mark, end, following in _sentence_breaks(text):
        if text[mark] != "\n" and not _starts_sentence(text, mark, end, following):
            continue
        _append_sentence(result, text, start, end)
        start = end
    _append_sentence(result, text, start, len(text))
    return result


# The matches of _SENTENCE_END_RE, written to start with a character class
# (which ``re`` skips ahead to several times faster). A run of terminal marks
# is only tried from its first mark: a match from inside the run would need
# the same end as one from its start, and trying every start of a long run
# (20,000 dots) would make the scan quadratic.
_SENTENCE_BREAK_RE = re.compile(
    r"[.!?…\n](?:(?<=[.!?…])(?<![.!?…]{2})[.!?…]*(?:[ \u00a0\u202f]?[\"»”’)\]])*(?=\s|$)|(?<=\n)[ \t]*\n)"
)
_LAST_WORD_RE = re.compile(rf"{_WORD_CHAR}+$")
_LONGEST_ABBREVIATION = max(map(len, ABBREVIATIONS))


def _sentence_breaks(text: str):
    """``(start, end, following)`` of each match of ``_SENTENCE_END_RE``, in text order.

    ``following`` is the character after the openers (spaces, opening quotes
    and dashes) that follow the match, ``""`` at the end of the text. Matches
    inside one run of openers (a run of blank lines) share its end, so each
    character is read a bounded number of times.
    """
    reach = -1  # where the openers after the previous match end
    for match in _SENTENCE_BREAK_RE.finditer(text):
        end = match.end()
        if end > reach:
            reach = _OPENERS_RE.match(text, end).end()
        yield match.start(), end, text[reach : reach + 1]


def _starts_sentence(text: str, mark: int, end: int, following: str) -> bool:
    """Whether the text after terminal marks ``text[mark:end]`` opens a new sentence."""
    if not following:
        return True
    if not (following.isupper() or following.isdigit()):
        return False
    return not (end == mark + 1 and text[mark] == "." and _is_abbreviation(text, mark))


def _is_abbreviation(text: str, dot: int) -> bool:
    before = dot - _LONGEST_ABBREVIATION - 1
    if before >= 0 and text[before:dot].isalnum():
        return False  # a word longer than any abbreviation
    word = _LAST_WORD_RE.search(text, max(0, dot - 12), dot)
    if not word:
        return False
    word = word.group()
    if word.lower() in ABBREVIATIONS and (len(word) > 1 or word.isupper()):
        return True
    return len(word) == 1 and word.isupper()


def _append_sentence(result: list, text: str, start: int, end: int) -> None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if stripped:
        lead = len(chunk) - len(chunk.lstrip())
        s = start + lead
        result.append((stripped, s, s + len(stripped)))
