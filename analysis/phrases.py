r"""The phrase syntax of formula variants and actor names, compiled to regular expressions.

Variant syntax
    A variant is written once, as a *phrase*, and matches tolerantly:

    ==================  =====================================================
    ``a b``             a space matches any run of spaces (no-break and thin
                        included), line breaks, quotes and guillemets
                        (``« »“”„"‘’'``), so a formula still matches when it
                        is quoted inside (``l'initiative « Ceinture et
                        Route »``) or split across lines
    ``a-b``             a hyphen matches a hyphen, an en or em dash (with or
                        without spaces around it) or a space
                        (``gagnant-gagnant``, ``gagnant–gagnant``,
                        ``gagnant gagnant``)
    ``l'a``             an apostrophe matches ``'``, ``’`` or ``ʼ``
    ``partenariat(s)``  letters in parentheses inside a word are optional
                        (plural, feminine: ``stratégique(s)``)
    ``a|b|c``           alternative forms of one word
                        (``mondial|mondiale|mondiaux``)
    ``(la)``            a parenthesised group standing alone is one or more
                        optional words; ``|`` separates alternatives
                        (``(de la|la) Ceinture et (la) Route``)
    ``sino-*``          ``*`` inside a word stands for any letters
    ``\(OCS\)``         a backslash makes ``( ) | *`` literal
    ==================  =====================================================

    Case is ignored; accented letters match in composed or decomposed form
    and ``œ`` also matches ``oe``. A phrase matches whole words only (no
    letter or digit just before or after it). Anything a phrase cannot say
    can be given as ``regex:`` instead (a Python regular expression, case
    ignored; word boundaries are then the author's business), which runs with
    a time limit (:class:`UserRegex`).

    A phrase must be able to tell words apart: one made only of ``*``
    wildcards (``*``, ``(la) *``) would match every word, and a backslash
    that escapes nothing (``coopération\\``) would never match; both are
    refused.

User regular expressions
    ``regex:`` variants and ``kwic(..., regex=True)`` run through the
    maintained ``regex`` package (same syntax as Python's ``re``), whose
    matching can be stopped: a pattern that backtracks catastrophically
    (``(a|aa)+$``) on a text is stopped after :data:`REGEX_TIMEOUT` seconds
    of processor time per million characters (at least
    :data:`REGEX_TIMEOUT`), and the search ends with an error naming the
    pattern instead of hanging. (The ``regex`` engine already answers at once
    many patterns that hang Python's ``re``, such as ``(a+)+$``.)

Compiling
    :func:`compile_phrase` gives one case-insensitive pattern for any text;
    :func:`fast_patterns` gives case-sensitive twins for lower-cased,
    precomposed text, with the words every match starts with or holds
    (:data:`PREFILTERS`), which :mod:`analysis.matching` uses to try a
    pattern only where it can match.
"""

from __future__ import annotations

import re
import time
import unicodedata

import regex as regex_engine

from .errors import excerpt

SPACE = r"[\s\u00a0\u202f]"
_GAP = r"[\s\u00a0\u202f\"«»“”„‹›‘’'`]+"
_APOSTROPHE = r"['’ʼ][\u00a0\u202f ]?"
_DASH = rf"(?:{SPACE}*[-‐‑‒–—]{SPACE}*|{SPACE}+)"
_LIGATURES = {"œ": "(?:œ|oe)", "æ": "(?:æ|ae)", "Œ": "(?:Œ|OE)", "Æ": "(?:Æ|AE)"}

#: Seconds of processor time one user regular expression may run on one text of up
#: to a million characters (proportionally more on longer texts) before it is stopped.
#: The ``regex`` package counts processor time: on a busy machine the wall-clock wait
#: is longer, but still bounded.
REGEX_TIMEOUT = 2.0


class UserRegex:
    """A user's regular expression, matched by the ``regex`` package with a time limit.

    Case is ignored. It offers the methods of a compiled pattern that the
    package uses (``search``, ``match``, ``fullmatch``, ``finditer``),
    returning the ``regex`` package's match objects; ``pattern`` is the
    source and ``flags`` is ``re.IGNORECASE``. A search on one text that
    runs longer than its limit (:data:`REGEX_TIMEOUT`) raises ``error``
    with a message starting with ``where``, naming the pattern.

    Raises
    ------
    ValueError
        If ``source`` is not a valid regular expression.
    """

    def __init__(self, source: str, *, error: type[Exception] = ValueError, where: str = "pattern"):
        try:
            self._compiled = regex_engine.compile(source, regex_engine.IGNORECASE | regex_engine.VERSION0)
        except regex_engine.error as exc:
            raise ValueError(str(exc)) from None
        self.pattern = source
        self.flags = re.IGNORECASE
        self.error = error
        self.where = where

    def __repr__(self) -> str:
        return f"UserRegex({excerpt(self.pattern)})"

    def __deepcopy__(self, memo) -> UserRegex:
        return self  # immutable

    def __reduce__(self):
        return (_user_regex, (self.pattern, self.error, self.where))

    def _limit(self, text: str) -> float:
        return REGEX_TIMEOUT * max(1.0, len(text) / 1_000_000)

    def _timed_out(self, limit: float) -> Exception:
        return self.error(
            f"{self.where}: regular expression {excerpt(self.pattern)} was stopped after {limit:g} s "
            "(processor time) on one text; it backtracks catastrophically (nested repetitions such as "
            "(a|aa)+ or (\\w|\\w\\w)+): simplify it"
        )

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None):
        """Every match, as ``re.finditer``, found within the time limit (then returned at once)."""
        limit = self._limit(text)
        deadline = time.process_time() + limit
        found = []
        try:
            for match in self._compiled.finditer(text, pos, endpos, timeout=limit):
                found.append(match)
                if time.process_time() > deadline:
                    raise TimeoutError
        except TimeoutError:
            raise self._timed_out(limit) from None
        return iter(found)

    def _call(self, method: str, text: str, pos: int, endpos: int | None):
        limit = self._limit(text)
        try:
            return getattr(self._compiled, method)(text, pos, endpos, timeout=limit)
        except TimeoutError:
            raise self._timed_out(limit) from None

    def search(self, text: str, pos: int = 0, endpos: int | None = None):
        return self._call("search", text, pos, endpos)

    def match(self, text: str, pos: int = 0, endpos: int | None = None):
        return self._call("match", text, pos, endpos)

    def fullmatch(self, text: str, pos: int = 0, endpos: int | None = None):
        return self._call("fullmatch", text, pos, endpos)


def _user_regex(source: str, error: type[Exception], where: str) -> UserRegex:
    return UserRegex(source, error=error, where=where)


def compile_phrase(phrase: str) -> re.Pattern:
    """Compile one variant written in the phrase syntax (module docstring).

    The pattern is case-insensitive and matches accents composed or
    decomposed, whole words only.

    Raises
    ------
    ValueError
        On an empty phrase, unbalanced parentheses, an empty alternative, a
        phrase made only of optional words or only of ``*`` wildcards, or a
        backslash that escapes nothing.
    """
    body = _sequence(_prepare_phrase(phrase), fast=False)
    return re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)

def fast_patterns(phrase: str) -> list[re.Pattern]:
    """The same phrase as patterns for lower-cased, precomposed text (the usual case).

    Case-sensitive, accents composed only, no lookbehind, and leading
    optional words expanded into separate patterns: each pattern then starts
    with a literal, which lets the regex engine skip ahead with a fast
    substring search (tens of times faster than a case-insensitive pattern).
    The word boundary before a match is checked by :func:`fast_finditer`.
    """
    variants = _expand_leading(_prepare_phrase(phrase))
    patterns = [re.compile(rf"{_sequence(variant, fast=True)}(?!\w)") for variant in variants]
    key = key_words(required_words(phrase))
    for variant, pattern in zip(variants, patterns, strict=True):
        PREFILTERS[pattern.pattern] = (_start_words(variant), key)
        whole = _whole_words(variant)
        if whole:
            WHOLE_WORDS[pattern.pattern] = whole
    return patterns

def lowered_text(text: str, *, lowered: str | None = None) -> str | None:
    """``text.lower()`` (``lowered``, if the caller has it) if fast patterns apply to it, else ``None``.

    They apply to a text of the same length in lower case, without a
    combining accent or a NUL (which joins the texts that fast patterns
    scan at once).
    """
    plain = _plain_lower(text, lowered)
    return plain if plain is not None and "\x00" not in text else None

def folded_text(text: str, *, lowered: str | None = None) -> str:
    """The text in which the anchors of the case-insensitive patterns are looked for.

    ``text.lower()`` (``lowered``, if the caller has it); ``text.casefold()``
    where lower case changes the length or the text holds a combining accent.
    """
    plain = _plain_lower(text, lowered)
    return text.casefold() if plain is None else plain

def _plain_lower(text: str, lowered: str | None = None) -> str | None:
    """``text.lower()`` if of the same length as ``text`` and without a combining accent, else ``None``."""
    lowered = text.lower() if lowered is None else lowered
    return None if len(lowered) != len(text) or _COMBINING_RE.search(text) else lowered

#: By regex source, the words that start every match of a fast pattern made
#: by :func:`fast_patterns` and its :func:`key_words` (either may be ``None``).
PREFILTERS: dict[str, tuple[frozenset[str] | None, frozenset[str] | None]] = {}
#: By regex source, the words of a fast pattern each of whose matches is one of them, whole
#: (a phrase of one word without wildcard: ``partenariat(s)``, ``Chine|Pékin``), which
#: :func:`analysis.matching.candidate_arrays` reads off the positions of the words, without the regex.
WHOLE_WORDS: dict[str, frozenset[str]] = {}
# A word of the prefilter: letters and digits; ʼ (a letter to ``re``) is an apostrophe here.
WORD_RUN = r"[^\W\u02bc]"
_RUN_OR_WILDCARD_RE = re.compile(rf"(?:{WORD_RUN}|\*)+")
#: Spellings of one word alternative beyond which no prefilter word is derived.
_MAX_SPELLINGS = 256

def required_words(phrase: str) -> list[frozenset[str]]:
    """Words a match of the phrase holds: one any-of set per required word of the phrase.

    Each match of the phrase's fast patterns (:func:`fast_patterns`) holds,
    for each set, one of its words as a whole word of the lower-cased text (a
    maximal run of letters and digits, ``ʼ`` counting as an apostrophe): for
    each spelling of each alternative (``partenariat(s)``: ``partenariat``,
    ``partenariats``; ``œ`` or ``oe``), its longest part between apostrophes,
    hyphens and punctuation. Optional words give no set, nor does a word
    whose spellings have no such part (``*`` alone).

    Examples
    --------
    >>> required_words("intérêt(s) vital|vitaux")
    [frozenset({'intérêt', 'intérêts'}), frozenset({'vital', 'vitaux'})]
    """
    sets = []
    for item in _split_top(_prepare_phrase(phrase), " "):
        if _is_group(item):
            continue
        words: set[str] = set()
        for alternative in _split_top(item, "|"):
            found = _alternative_words(alternative)
            if found is None:
                break
            words |= found
        else:
            sets.append(frozenset(words))
    return sets

def key_words(sets: list[frozenset[str]]) -> frozenset[str] | None:
    """The set of :func:`required_words` a prefilter looks for: longest shortest word, then fewest words.

    Long words are rare words; ``None`` when there is no set.
    """
    if not sets:
        return None
    return max(sets, key=lambda words: (min(map(len, words)), -len(words)))

def _start_words(text: str) -> frozenset[str] | None:
    """The whole words a match of a prepared phrase without leading group starts with, if known.

    ``None`` when a spelling of its first word does not start with a letter
    or digit (``\\(OCS\\)``) or starts with ``*``.
    """
    words = set()
    for alternative in _split_top(_split_top(text, " ")[0], "|"):
        for spelling in _spellings(alternative) or [""]:
            runs = _RUN_OR_WILDCARD_RE.findall(spelling)
            if not runs or not spelling.startswith(runs[0]) or "*" in runs[0]:
                return None
            words.add(runs[0])
    return frozenset(words)

def _whole_words(text: str) -> frozenset[str] | None:
    """The spellings of a prepared phrase of one word, if each is a whole word (:data:`WHOLE_WORDS`)."""
    items = _split_top(text, " ")
    if len(items) != 1 or _is_group(items[0]):
        return None
    words: set[str] = set()
    for alternative in _split_top(items[0], "|"):
        spellings = _spellings(alternative)
        if spellings is None or not all(_WHOLE_WORD_RE.fullmatch(spelling) for spelling in spellings):
            return None
        words.update(spellings)
    return frozenset(words)

_WHOLE_WORD_RE = re.compile(f"{WORD_RUN}+")

def _alternative_words(word: str) -> set[str] | None:
    """The longest whole word of each spelling of one word alternative; ``None`` if one has none."""
    found = set()
    spellings = _spellings(word)
    if spellings is None:
        return None
    for spelling in spellings:
        runs = [run for run in _RUN_OR_WILDCARD_RE.findall(spelling) if "*" not in run]
        if not runs:
            return None
        found.add(max(runs, key=len))
    return found

def _spellings(word: str) -> list[str] | None:
    """Every text a word alternative matches in lower-cased text, ``*`` kept, separators as spaces.

    ``None`` beyond :data:`_MAX_SPELLINGS` spellings.
    """
    spellings = [""]
    i = 0
    while i < len(word):
        if word[i] == "(":
            close = word.find(")", i)
            inner = [""]
            for char in word[i + 1 : close]:
                inner = [done + form for done in inner for form in _char_forms(char)]
            choices = ["", *inner]
            i = close + 1
        else:
            choices = _char_forms(word[i])
            i += 1
        spellings = [done + choice for done in spellings for choice in choices]
        if len(spellings) > _MAX_SPELLINGS:
            return None
    return spellings

def _char_forms(char: str) -> list[str]:
    """What one phrase character matches in lower-cased text (as :func:`_char` with ``fast=True``)."""
    if char in _UNESCAPE or char in "'’ʼ-‐‑‒–—":
        return [" "]
    if char == "*":
        return ["*"]
    lower = char.lower()
    char = lower if len(lower) == 1 else char
    return [char, {"œ": "oe", "æ": "ae"}[char]] if char in ("œ", "æ") else [char]

_ESCAPES = {"\\(": "\ue000", "\\)": "\ue001", "\\|": "\ue002", "\\*": "\ue003"}
_UNESCAPE = {"\ue000": "(", "\ue001": ")", "\ue002": "|", "\ue003": "*", "\ue004": "\\"}
_COMBINING_RE = re.compile(r"[\u0300-\u036f]")

def _prepare_phrase(phrase: str) -> str:
    if not isinstance(phrase, str) or not phrase.strip():
        raise ValueError("empty phrase")
    text = phrase.replace("\\\\", "\ue004")
    for escape, placeholder in _ESCAPES.items():
        text = text.replace(escape, placeholder)
    if "\\" in text:
        raise ValueError(
            f"stray backslash in {excerpt(phrase)}: a backslash makes ( ) | * or \\ literal "
            "(write \\\\ for a backslash)"
        )
    text = " ".join(text.split())
    required = [item for item in _split_top(text, " ") if not _is_group(item)]
    if required and not any(_matches_only_some_words(item) for item in required):
        raise ValueError(f"{excerpt(phrase)} matches any word (only '*' wildcards): write a letter or digit")
    return text


_ANY_WORD_MARKS = "*'’ʼ-‐‑‒–—"


def _matches_only_some_words(word: str) -> bool:
    """Whether every alternative of a required word holds a letter, digit or literal beyond wildcards."""
    for alternative in _split_top(word, "|"):
        required = re.sub(r"\([^()]*\)", "", alternative)  # optional letters
        if not required.strip(_ANY_WORD_MARKS):
            return False
    return True

def _expand_leading(text: str) -> list[str]:
    """Phrases without a leading optional group: ``(la) Route`` → ``la Route``, ``Route``."""
    items = _split_top(text, " ")
    if not _is_group(items[0]):
        return [text]
    rest = " ".join(items[1:])
    if not rest:
        raise ValueError(f"{text!r} has no required word (only optional groups)")
    expanded = []
    for alternative in _split_top(items[0][1:-1], "|"):
        expanded += _expand_leading(f"{alternative} {rest}")
    return expanded + _expand_leading(rest)

def _sequence(text: str, *, fast: bool) -> str:
    """Words separated by flexible gaps; standalone ``( )`` groups are optional."""
    parts: list[str] = []
    have_required = False
    pending_gap = False
    for item in _split_top(text, " "):
        if _is_group(item):
            alternatives = [_sequence(alt, fast=fast) for alt in _split_top(item[1:-1], "|")]
            group = "|".join(alternatives)
            # The gap goes inside the optional group, so that leaving the group
            # out leaves exactly one gap between its neighbours.
            parts.append(f"(?:{_GAP}(?:{group}))?" if pending_gap else f"(?:(?:{group}){_GAP})?")
        else:
            alternatives = [_word(alt, fast=fast) for alt in _split_top(item, "|")]
            word = alternatives[0] if len(alternatives) == 1 else f"(?:{'|'.join(alternatives)})"
            parts.append(f"{_GAP}{word}" if pending_gap else word)
            pending_gap = True
            have_required = True
    if not have_required:
        raise ValueError(f"{text!r} has no required word (only optional groups)")
    return "".join(parts)

def _is_group(item: str) -> bool:
    if not item.startswith("("):
        return False
    depth = 0
    for i, char in enumerate(item):
        depth += char == "("
        depth -= char == ")"
        if depth == 0:
            return i == len(item) - 1
    return False

def _split_top(text: str, sep: str) -> list[str]:
    """Split at ``sep`` outside parentheses; refuse unbalanced ones and empty parts."""
    parts, depth, current = [], 0, []
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                raise ValueError(f"unbalanced ')' in {_shown(text)!r}")
        if char == sep and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    if depth:
        raise ValueError(f"unbalanced '(' in {_shown(text)!r}")
    parts.append("".join(current))
    if any(not p.strip() for p in parts):
        what = "alternative" if sep == "|" else "word"
        raise ValueError(f"empty {what} in {_shown(text)!r}")
    return [p.strip() for p in parts]

def _shown(text: str) -> str:
    for placeholder, char in _UNESCAPE.items():
        text = text.replace(placeholder, "\\" + char)
    return text

def _word(word: str, *, fast: bool) -> str:
    out = []
    i = 0
    while i < len(word):
        char = word[i]
        if char == "(":
            close = word.find(")", i)
            inner = word[i + 1 : close]
            if not inner or "(" in inner:
                raise ValueError(f"bad optional letters in {_shown(word)!r}")
            out.append(f"(?:{''.join(_char(c, fast=fast) for c in inner)})?")
            i = close + 1
            continue
        out.append(r"\w+" if char == "*" else _char(char, fast=fast))
        i += 1
    return "".join(out)

def _char(char: str, *, fast: bool) -> str:
    if char in _UNESCAPE:
        return re.escape(_UNESCAPE[char])
    if char in "'’ʼ":
        return _APOSTROPHE
    if char in "-‐‑‒–—":
        return _DASH
    if fast:
        lower = char.lower()
        char = lower if len(lower) == 1 else char
    if char in _LIGATURES:
        return _LIGATURES[char]
    decomposed = unicodedata.normalize("NFD", char)
    if decomposed != char and not fast:
        return f"(?:{re.escape(char)}|{re.escape(decomposed)})"
    return re.escape(char)

def slugify(text: str) -> str:
    """ASCII slug of a text: ``"Véritable multilatéralisme"`` → ``"veritable-multilateralisme"``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")

def anchor(pattern: re.Pattern) -> str | None:
    """The longest run of ASCII letters and digits every match must contain, case-folded.

    Read from the parsed regex (literals in sequence, at any depth of
    required groups; optional parts, alternatives and classes break a run).
    ``None`` when there is no run of at least 3 characters, or when the
    regex cannot be analysed: the pattern is then always run.
    """
    try:
        from re import _constants as constants  # Python 3.11+
        from re import _parser as parser
    except ImportError:  # pragma: no cover - Python 3.10
        import sre_constants as constants
        import sre_parse as parser
    best = ""

    def walk(sequence) -> None:
        nonlocal best
        run = []
        for op, value in sequence:
            if op is constants.LITERAL and chr(value).isascii() and chr(value).isalnum():
                run.append(chr(value))
                continue
            best = max(best, "".join(run), key=len)
            run = []
            if op is constants.SUBPATTERN:
                walk(value[-1])
        best = max(best, "".join(run), key=len)

    try:
        walk(parser.parse(pattern.pattern, pattern.flags))
    except Exception:  # noqa: BLE001 - an unanalysable regex is simply always run
        return None
    return best.casefold() if len(best) >= 3 else None
