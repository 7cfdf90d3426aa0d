"""Step 5 of the pipeline: diplomatic formulas, found by a lexicon of variants.

The lexicon
    A YAML file (``analysis/data/formulas.yaml``; format in ``docs/lexicon.md``)
    lists *families* of formulas. Each family has an ``id`` (a slug such as
    ``gagnant-gagnant``), a ``label``, a ``category``, a ``description``, its
    ``source_wording`` where known (the Chinese term) and its ``variants``:
    every wording the family takes, each with its own ``id`` so that a match
    records which wording was used (a formula whose translation changed over
    time keeps both wordings in one family).

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
    ``\\(OCS\\)``         a backslash makes ``( ) | *`` literal
    ==================  =====================================================

    Case is ignored; accented letters match in composed or decomposed form
    and ``œ`` also matches ``oe``. A phrase matches whole words only (no
    letter or digit just before or after it). Anything a phrase cannot say
    can be given as ``regex:`` instead (compiled with ``re.IGNORECASE``;
    word boundaries are then the author's business).

Matching
    Every variant is searched in every text (phrases through case-sensitive
    twins run on the lower-cased texts joined together, which is many times
    faster; see :func:`fast_patterns`); overlapping matches of one
    family count once, the longest (then the earliest, then the variant
    listed first) being kept, so ``véritable multilatéralisme`` is one match
    of variant ``veritable-multilateralisme``, not also one of
    ``multilateralisme``. Matches of different families may overlap.

    A phrase is only tried where it can match: one scan of the texts
    (:func:`word_positions`) finds where the words phrases need occur, and a
    phrase's pattern is then tried at the words every match of it starts
    with (``coopération`` for ``coopération(s) gagnant-gagnant``), or, when
    those are too short to be rare (``à toute épreuve``), only in the texts
    holding one of its :func:`key_words` (``épreuve``). The result is the
    same as scanning everything; ``regex:`` variants, and texts that are not
    lower-cased by :func:`lowered_text`, are always scanned whole.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from .corpus import check_corpus
from .errors import LexiconError
from .paths import DATA_DIR
from .text import sentences, tokenize

LEXICON_FILE: Path = DATA_DIR / "formulas.yaml"
#: Keys a family may have (``id``, ``label`` and ``variants`` are required).
FAMILY_KEYS = ("id", "label", "category", "description", "source_wording", "note", "variants")
#: Keys a variant may have (``id`` and exactly one of ``phrase`` and ``regex``).
VARIANT_KEYS = ("id", "phrase", "regex", "note")
MATCH_COLUMNS = ("doc_id", "family", "variant", "matched", "start", "end", "sentence", "speaker")

_SPACE = r"[\s\u00a0\u202f]"
_GAP = r"[\s\u00a0\u202f\"«»“”„‹›‘’'`]+"
_APOSTROPHE = r"['’ʼ][\u00a0\u202f ]?"
_DASH = rf"(?:{_SPACE}*[-‐‑‒–—]{_SPACE}*|{_SPACE}+)"
_LIGATURES = {"œ": "(?:œ|oe)", "æ": "(?:æ|ae)", "Œ": "(?:Œ|OE)", "Æ": "(?:Æ|AE)"}
_SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


# --------------------------------------------------------------------------- phrase syntax


def compile_phrase(phrase: str) -> re.Pattern:
    """Compile one variant written in the phrase syntax (module docstring).

    The pattern is case-insensitive and matches accents composed or
    decomposed, whole words only.

    Raises
    ------
    ValueError
        On an empty phrase, unbalanced parentheses, an empty alternative or a
        phrase made only of optional words.
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
        _PREFILTERS[pattern.pattern] = (_start_words(variant), key)
    return patterns


def fast_finditer(pattern: re.Pattern, lowered: str):
    """``(start, end)`` of the matches of a fast pattern that start a word."""
    return _fast_spans(pattern, lowered, 0, len(lowered))


def lowered_text(text: str) -> str | None:
    """``text.lower()`` if fast patterns apply to it (same length, no combining accent), else ``None``."""
    lowered = text.lower()
    if len(lowered) != len(text) or _COMBINING_RE.search(text):
        return None
    return lowered


#: By regex source, the words that start every match of a fast pattern made
#: by :func:`fast_patterns` and its :func:`key_words` (either may be ``None``).
_PREFILTERS: dict[str, tuple[frozenset[str] | None, frozenset[str] | None]] = {}
# A word of the prefilter: letters and digits; ʼ (a letter to ``re``) is an apostrophe here.
_WORD_RUN = r"[^\W\u02bc]"
_RUN_OR_WILDCARD_RE = re.compile(rf"(?:{_WORD_RUN}|\*)+")
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
    return " ".join(text.split())


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


# --------------------------------------------------------------------------- YAML files


def read_yaml_list(path: Path, key: str) -> list[Any]:
    """Read a data file whose top level is ``{key: [entries]}`` (``yaml.safe_load``)."""
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LexiconError(f"{path}: file not found") from None
    except UnicodeDecodeError as exc:
        raise LexiconError(f"{path}: not valid UTF-8 ({exc.reason} at byte {exc.start})") from None
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise LexiconError(f"{path}: not valid YAML{where}: {problem}") from None
    if not isinstance(data, dict) or set(data) != {key}:
        found = sorted(map(str, data)) if isinstance(data, dict) else type(data).__name__
        raise LexiconError(
            f"{path}: the top level must be a mapping with the single key {key!r} (found {found})"
        )
    entries = data[key]
    if not isinstance(entries, list) or not entries:
        raise LexiconError(f"{path}: {key!r} must be a non-empty list")
    return entries


def check_entry(
    entry: Any, *, path: Path, what: str, index: int, keys: tuple[str, ...], required: tuple[str, ...]
) -> tuple[str, list[str]]:
    """Check one mapping of a data file: its keys and that required ones are texts.

    Returns the entry's id (or ``#index``) and the list of problems found.
    """
    if not isinstance(entry, dict):
        return f"#{index}", [f"{path}: {what} #{index}: must be a mapping (got {type(entry).__name__})"]
    ident = entry.get("id")
    name = f"{ident!r}" if isinstance(ident, str) and ident else f"#{index}"
    problems = []
    for key in entry:
        if key not in keys:
            problems.append(f"{path}: {what} {name}: unknown key {key!r} (allowed: {', '.join(keys)})")
    for key in required:
        value = entry.get(key)
        if key == "id" and isinstance(value, str) and not _SLUG_RE.match(value):
            problems.append(f"{path}: {what} {name}: id {value!r} must be a slug (a-z, 0-9, single '-')")
        elif key not in entry:
            problems.append(f"{path}: {what} {name}: missing key {key!r}")
        elif key != "variants" and key != "names" and (not isinstance(value, str) or not value.strip()):
            problems.append(f"{path}: {what} {name}: {key!r} must be a non-empty text (got {value!r})")
    for key in keys:
        if key in entry and key not in required and key not in ("variants", "names"):
            if not isinstance(entry[key], str):
                problems.append(f"{path}: {what} {name}: {key!r} must be a text (got {entry[key]!r})")
    return (ident if isinstance(ident, str) and ident else f"#{index}"), problems


def compile_variant(variant: Any, *, where: str) -> tuple[dict | None, list[str]]:
    """Check and compile one variant (a phrase text, or a mapping with phrase or regex)."""
    if isinstance(variant, str):
        variant = {"id": slugify(variant), "phrase": variant}
    if not isinstance(variant, dict):
        return None, [f"{where}: a variant must be a phrase or a mapping (got {variant!r})"]
    name = variant.get("id", "?")
    problems = [
        f"{where}, variant {name!r}: unknown key {key!r} (allowed: {', '.join(VARIANT_KEYS)})"
        for key in variant
        if key not in VARIANT_KEYS
    ]
    if not isinstance(name, str) or not _SLUG_RE.match(name):
        problems.append(f"{where}, variant {name!r}: id must be a slug (a-z, 0-9, single '-')")
    kinds = [k for k in ("phrase", "regex") if k in variant]
    if len(kinds) != 1:
        problems.append(f"{where}, variant {name!r}: give exactly one of 'phrase' and 'regex'")
        return None, problems
    kind = kinds[0]
    source = variant[kind]
    if not isinstance(source, str) or not source.strip():
        problems.append(f"{where}, variant {name!r}: empty {kind} (got {source!r})")
        return None, problems
    try:
        pattern = compile_phrase(source) if kind == "phrase" else re.compile(source, re.IGNORECASE)
    except (ValueError, re.error) as exc:
        problems.append(f"{where}, variant {name!r}: invalid {kind} {source!r}: {exc}")
        return None, problems
    if pattern.search("") is not None:
        problems.append(f"{where}, variant {name!r}: {kind} {source!r} matches the empty text")
    compiled = {
        "id": name,
        "phrase": source if kind == "phrase" else None,
        "regex": source if kind == "regex" else None,
        "note": variant.get("note", ""),
        "pattern": pattern,
        "fast": fast_patterns(source) if kind == "phrase" else None,
        "anchor": anchor(pattern),
    }
    return compiled, problems


def _parse_lexicon(path: Path) -> dict[str, dict]:
    families: dict[str, dict] = {}
    problems: list[str] = []
    for index, entry in enumerate(read_yaml_list(path, "families"), start=1):
        ident, found = check_entry(
            entry, path=path, what="family", index=index, keys=FAMILY_KEYS,
            required=("id", "label", "variants"),
        )
        problems += found
        if ident in families:
            problems.append(f"{path}: family {ident!r}: duplicate id (family #{index})")
            continue
        variants = entry.get("variants") if isinstance(entry, dict) else None
        if not isinstance(variants, list) or not variants:
            if isinstance(entry, dict) and "variants" in entry:
                problems.append(f"{path}: family {ident!r}: 'variants' must be a non-empty list")
            continue
        compiled, seen = [], set()
        for variant in variants:
            result, found = compile_variant(variant, where=f"{path}: family {ident!r}")
            problems += found
            if result is None:
                continue
            if result["id"] in seen:
                problems.append(f"{path}: family {ident!r}, variant {result['id']!r}: duplicate variant id")
            seen.add(result["id"])
            compiled.append(result)
        families[ident] = {
            "id": ident,
            "label": entry.get("label", ""),
            "category": entry.get("category", ""),
            "description": entry.get("description", ""),
            "source_wording": entry.get("source_wording", ""),
            "note": entry.get("note", ""),
            "variants": compiled,
            "file": str(path),
        }
    if problems:
        raise LexiconError("\n".join(problems))
    return families


_CACHE: dict[tuple, dict] = {}


def cached_parse(path: Path, parse: Callable[[Path], dict[str, dict]]) -> dict[str, dict]:
    """Parse a data file once per version of it (path, modification time, size)."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise LexiconError(f"{path}: file not found") from None
    key = (parse.__name__, str(path), stat.st_mtime_ns, stat.st_size)
    if key not in _CACHE:
        _CACHE[key] = parse(path)
    return _CACHE[key]


def load_lexicon(path: str | Path | None = None, *, extend: bool = True) -> dict[str, dict]:
    """Load a formula lexicon: the shipped one, or a user file added to or replacing it.

    Parameters
    ----------
    path
        A YAML lexicon (format in ``docs/lexicon.md``). ``None`` loads the
        shipped ``analysis/data/formulas.yaml``.
    extend
        With a ``path``: ``True`` adds its families to the shipped ones (a
        family whose ``id`` is already shipped replaces the shipped family as
        a whole); ``False`` uses the user's families alone.

    Returns
    -------
    dict
        ``{family id: family}`` in file order (shipped first). A family is a
        dict with ``id``, ``label``, ``category``, ``description``,
        ``source_wording``, ``note``, ``file`` and ``variants``: a list of
        dicts with ``id``, ``phrase`` (or ``None``), ``regex`` (or ``None``),
        ``note``, ``pattern`` (the compiled :class:`re.Pattern`) and
        ``anchor`` (a substring every match holds, or ``None``). The
        result is a fresh copy: changing it does not change later loads.

    Raises
    ------
    LexiconError
        Naming the file, the family and the problem, for every problem
        found: unreadable file, broken YAML, unknown or missing key, id that
        is not a slug, duplicate family or variant id, empty variant,
        invalid phrase or regex, a regex matching the empty text.
    """
    if not isinstance(extend, bool):
        raise ValueError(f"extend must be True or False (got {extend!r})")
    shipped = cached_parse(LEXICON_FILE, _parse_lexicon)
    if path is None:
        return copy.deepcopy(shipped)
    user = cached_parse(Path(path).expanduser().resolve(), _parse_lexicon)
    merged = {**shipped, **user} if extend else dict(user)
    return copy.deepcopy(merged)


def _resolve_lexicon(lexicon: Mapping[str, dict] | str | Path | None) -> Mapping[str, dict]:
    if lexicon is None:
        return cached_parse(LEXICON_FILE, _parse_lexicon)
    if isinstance(lexicon, (str, Path)):
        return load_lexicon(lexicon)
    if isinstance(lexicon, Mapping):
        return lexicon
    raise ValueError(
        f"lexicon must be None, a path or a lexicon from load_lexicon() (got {type(lexicon).__name__})"
    )


def formula_pattern(family_id: str, *, lexicon: Mapping[str, dict] | str | Path | None = None) -> re.Pattern:
    """Return one compiled regex matching any variant of a family (for concordances).

    The variants are joined as alternatives, longest source first, so that
    ``véritable multilatéralisme`` is tried before ``multilatéralisme`` at the
    same position. Unlike :func:`find_formulas`, a single regex cannot always
    pick the longest of overlapping variants; use the matches of
    :func:`find_formulas` where that matters.

    Raises
    ------
    ValueError
        If ``family_id`` is not in the lexicon (the message lists the ids).
    """
    families = _resolve_lexicon(lexicon)
    if family_id not in families:
        raise ValueError(f"family_id must be one of {sorted(families)} (got {family_id!r})")
    variants = sorted(
        families[family_id]["variants"], key=lambda v: -len(v["phrase"] or v["regex"])
    )
    return re.compile("|".join(f"(?:{v['pattern'].pattern})" for v in variants), re.IGNORECASE)


# --------------------------------------------------------------------------- matching


def family_matches(
    text: str, family: Mapping[str, Any], *, view: tuple[str | None, str] | None = None
) -> list[tuple[int, int, str]]:
    """Matches of one family in one text, overlaps resolved: ``(start, end, variant id)``.

    Of overlapping matches the longest is kept, then the earliest, then the
    one of the variant listed first. ``view`` is :func:`text_view` of
    ``text`` if the caller has it already.
    """
    matchers = [(v["id"], v["pattern"], v.get("fast"), v.get("anchor")) for v in family["variants"]]
    found = longest_matches(text, matchers, view=view)
    return [(start, _close_quote(text, start, end), variant_id) for start, end, variant_id in found]


def text_view(text: str) -> tuple[str | None, str]:
    """``(lowered, folded)``: :func:`lowered_text` of ``text`` (or ``None``) and its case-folded form."""
    lowered = lowered_text(text)
    return lowered, lowered if lowered is not None else text.casefold()


def longest_matches(
    text: str,
    matchers: list[tuple[str, re.Pattern, list[re.Pattern] | None, str | None]],
    *,
    view: tuple[str | None, str] | None = None,
) -> list[tuple[int, int, str]]:
    """Non-overlapping matches of labelled patterns: longest, then earliest, then first listed.

    A matcher is ``(label, pattern, fast patterns or None, anchor or None)``.
    Its fast patterns (:func:`fast_patterns`) are used on texts where they
    apply (:func:`lowered_text`), its ``pattern`` on the others, and then
    only on a text holding its anchor (:func:`anchor`).
    """
    return batch_matches([text], matchers, views=[view if view is not None else text_view(text)])[0]


#: Joins texts for one scan per pattern; no phrase pattern can match it.
_SEPARATOR = "\x00"


def batch_matches(
    texts: list[str],
    matchers: list[tuple[str, re.Pattern, list[re.Pattern] | None, str | None]],
    *,
    views: list[tuple[str | None, str]] | None = None,
) -> list[list[tuple[int, int, str]]]:
    """:func:`longest_matches` of many texts at once, one list per text.

    The texts where fast patterns apply are scanned joined by ``"\\x00"``
    (which no phrase can match, so no match crosses two texts): one regex
    call per pattern for the whole corpus instead of one per text.
    """
    return [_resolve_overlaps(found) for found in _batch_candidates(texts, matchers, views)]


def _batch_candidates(
    texts: list[str],
    matchers: list[tuple[Any, re.Pattern, list[re.Pattern] | None, str | None]],
    views: list[tuple[str | None, str]] | None,
    positions: list[dict[str, list[int]] | None] | None = None,
) -> list[list[tuple]]:
    """Per text, every match of every matcher: ``(start - end, start, order, end, label)``.

    A fast pattern made by :func:`fast_patterns` is tried only where it can
    match, from :func:`word_positions` of the texts (given, or found here
    when there are enough such patterns): at the words every match starts
    with, else in the texts holding one of its :func:`key_words`.
    """
    views = views if views is not None else [text_view(text) for text in texts]
    fast_docs = [i for i, (low, _) in enumerate(views) if low is not None and _SEPARATOR not in low]
    slow_docs = sorted(set(range(len(texts))) - set(fast_docs))
    joined = _SEPARATOR.join(views[i][0] for i in fast_docs)
    starts, pos = [], 0
    for i in fast_docs:
        starts.append(pos)
        pos += len(views[i][0]) + 1
    plans = {c.pattern: _plan(c) for _, _, fast, _ in matchers for c in fast or ()}
    vocabulary = frozenset().union(*(words for _, words in plans.values() if words))
    if positions is None and sum(words is not None for _, words in plans.values()) >= _INDEX_MIN_PATTERNS:
        positions = word_positions(views, vocabulary)
    index = _joined_index([positions[i] for i in fast_docs], starts, vocabulary) if positions else None
    candidates: list[list[tuple]] = [[] for _ in texts]
    for order, (label, pattern, fast, anchor_text) in enumerate(matchers):
        for compiled in fast or ():
            for start, end in _plan_spans(compiled, plans[compiled.pattern], index, joined, starts):
                k = bisect_right(starts, start) - 1
                base = starts[k]
                candidates[fast_docs[k]].append((start - end, start - base, order, end - base, label))
        for i in slow_docs if fast is not None else range(len(texts)):
            if anchor_text is None or anchor_text in views[i][1]:
                spans = [m.span() for m in pattern.finditer(texts[i]) if m.end() > m.start()]
                candidates[i] += [(start - end, start, order, end, label) for start, end in spans]
    return candidates


#: Fast patterns with prefilter words from which :func:`_batch_candidates`
#: finds the words of the texts itself (one scan costs about 30 patterns' scans).
_INDEX_MIN_PATTERNS = 20
#: Shortest words a fast pattern is tried at: shorter ones (``à``, ``une``) are too frequent.
_MIN_START_WORD = 3


def _plan(pattern: re.Pattern) -> tuple[str, frozenset[str] | None]:
    """How to run a fast pattern: at its ``"start"`` words, in texts with ``"key"`` words, or ``"all"``."""
    first, key = _PREFILTERS.get(pattern.pattern, (None, None))
    if first and min(map(len, first)) >= _MIN_START_WORD:
        return "start", first
    if key:
        return "key", key
    return "all", None


def word_positions(
    views: list[tuple[str | None, str]], vocabulary: frozenset[str]
) -> list[dict[str, list[int]] | None]:
    """Per text view (:func:`text_view`), where the words of ``vocabulary`` start in it.

    Whole words as in :func:`required_words`, searched in the lower-cased
    text: ``{word: offsets}`` for the words it holds, ``None`` for a text
    without a lower-cased view (no fast pattern runs on it).
    """
    finder = _word_finder(vocabulary)
    first = re.compile(finder.pattern[len(_NOT_AFTER_WORD) :])
    result: list[dict[str, list[int]] | None] = []
    for low, _ in views:
        found: dict[str, list[int]] | None = None
        if low is not None:
            found = {}
            at_start = first.match(low)
            if at_start is not None:
                found[at_start.group(1)] = [0]
            for match in finder.finditer(low):
                word = match.group(1)
                if word in found:
                    found[word].append(match.start(1))
                else:
                    found[word] = [match.start(1)]
        result.append(found)
    return result


# Every whole word but one at the start of a text follows a non-word character:
# starting with that character class lets ``re`` skip ahead fast.
_NOT_AFTER_WORD = r"[\W\u02bc]"


@lru_cache(maxsize=16)
def _word_finder(vocabulary: frozenset[str]) -> re.Pattern:
    """A regex for the character before a word of a vocabulary and (group 1) the word, as a trie."""
    trie: dict = {}
    for word in vocabulary:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def branch(node: dict) -> str:
        alternatives = [re.escape(char) + branch(child) for char, child in sorted(node.items()) if char]
        if not alternatives:
            return ""
        body = alternatives[0] if len(alternatives) == 1 else f"(?:{'|'.join(alternatives)})"
        return f"(?:{body})?" if "" in node else body

    body = branch(trie) if trie else "(?!)"
    return re.compile(rf"{_NOT_AFTER_WORD}({body})(?!{_WORD_RUN})")


def _joined_index(
    positions: list[dict[str, list[int]] | None], starts: list[int], vocabulary: frozenset[str]
) -> dict[str, list[int]] | None:
    """``{word: sorted offsets in the joined texts}``; ``None`` if a text's words are unknown."""
    index: dict[str, list[int]] = {}
    for base, found in zip(starts, positions, strict=True):
        if found is None:
            return None
        for word, offsets in found.items():
            if word in vocabulary:
                index.setdefault(word, []).extend([base + offset for offset in offsets])
    return index


def _plan_spans(
    pattern: re.Pattern,
    plan: tuple[str, frozenset[str] | None],
    index: dict[str, list[int]] | None,
    joined: str,
    starts: list[int],
):
    """``(start, end)`` of the matches of a fast pattern in the joined texts, as :func:`fast_finditer`."""
    how, words = plan
    if index is None or how == "all":
        yield from _fast_spans(pattern, joined, 0, len(joined))
    elif how == "start":
        offsets = sorted(offset for word in words for offset in index.get(word, ()))
        yield from _anchored_spans(pattern, joined, offsets)
    else:
        docs = sorted({bisect_right(starts, offset) - 1 for word in words for offset in index.get(word, ())})
        for lo, hi in _doc_ranges(docs, starts, len(joined)):
            yield from _fast_spans(pattern, joined, lo, hi)


def _anchored_spans(pattern: re.Pattern, lowered: str, offsets: list[int]):
    """:func:`fast_finditer`, given every offset where a match can start (sorted)."""
    pos = 0
    for start in offsets:
        if start < pos:
            continue
        before = lowered[start - 1] if start else ""
        if before and (before.isalnum() or before == "_"):
            continue
        match = pattern.match(lowered, start)
        if match is not None and match.end() > start:
            yield start, match.end()
            pos = match.end()


def _doc_ranges(docs: list[int], starts: list[int], size: int) -> list[tuple[int, int]]:
    """The joined texts ``docs`` (sorted positions) as ``(start, end)`` stretches, neighbours merged."""
    ranges: list[tuple[int, int]] = []
    for k in docs:
        lo = starts[k]
        hi = starts[k + 1] - 1 if k + 1 < len(starts) else size
        if ranges and ranges[-1][1] + 1 == lo:
            ranges[-1] = (ranges[-1][0], hi)
        else:
            ranges.append((lo, hi))
    return ranges


def _fast_spans(pattern: re.Pattern, lowered: str, pos: int, endpos: int):
    """:func:`fast_finditer` within ``lowered[pos:endpos]``."""
    while (match := pattern.search(lowered, pos, endpos)) is not None:
        start, end = match.span()
        before = lowered[start - 1] if start else ""
        if before and (before.isalnum() or before == "_"):
            pos = start + 1
            continue
        if end > start:
            yield start, end
        pos = end if end > start else start + 1


def _resolve_overlaps(candidates: list[tuple]) -> list[tuple[int, int, str]]:
    """Keep the longest, then earliest, then first-listed of overlapping candidates."""
    if len(candidates) < 2:
        return [(start, end, label) for _, start, _, end, label in candidates]
    candidates.sort()
    starts: list[int] = []  # the kept spans, sorted by start (they never overlap)
    kept: list[tuple[int, int, str]] = []
    for _, start, _, end, label in candidates:
        i = bisect_right(starts, start)
        if (i and kept[i - 1][1] > start) or (i < len(kept) and kept[i][0] < end):
            continue
        starts.insert(i, start)
        kept.insert(i, (start, end, label))
    return kept


def corpus_matches(
    texts: list[str], families: Mapping[str, dict], *, views: list[tuple[str | None, str]] | None = None
) -> list[list[tuple[int, str, int, str]]]:
    """Per text, the matches of every family: ``(start, family id, end, variant id)``, sorted."""
    return _corpus_matches(texts, families, views, None)


def _corpus_matches(
    texts: list[str],
    families: Mapping[str, dict],
    views: list[tuple[str | None, str]] | None,
    positions: list[dict[str, list[int]] | None] | None,
) -> list[list[tuple[int, str, int, str]]]:
    """:func:`corpus_matches`, with :func:`word_positions` of the texts if the caller has them."""
    found: list[list[tuple[int, str, int, str]]] = []
    candidates = _batch_candidates(texts, _family_matchers(families), views, positions)
    for text, doc_candidates in zip(texts, candidates, strict=True):
        by_family: dict[str, list[tuple]] = {}
        for start_end, start, order, end, (family_id, variant_id) in doc_candidates:
            by_family.setdefault(family_id, []).append((start_end, start, order, end, variant_id))
        found.append([
            (start, family_id, _close_quote(text, start, end), variant_id)
            for family_id, family_candidates in by_family.items()
            for start, end, variant_id in _resolve_overlaps(family_candidates)
        ])
    return [sorted(matches) for matches in found]


def _family_matchers(families: Mapping[str, dict]) -> list[tuple]:
    return [
        ((family_id, v["id"]), v["pattern"], v.get("fast"), v.get("anchor"))
        for family_id, family in families.items()
        for v in family["variants"]
    ]


def matchers_vocabulary(
    matchers: list[tuple[Any, re.Pattern, list[re.Pattern] | None, str | None]],
) -> frozenset[str]:
    """The words :func:`word_positions` must find for the fast patterns of ``matchers`` to be prefiltered."""
    plans = (_plan(compiled) for _, _, fast, _ in matchers for compiled in fast or ())
    return frozenset().union(*(words for _, words in plans if words))


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


_CLOSING = {"«": "»", "“": "”", '"': '"'}
_CLOSE_RE = {opening: re.compile(rf"{_SPACE}*{re.escape(closing)}") for opening, closing in _CLOSING.items()}


def _close_quote(text: str, start: int, end: int) -> int:
    """Take in the closing quote of a quote that opened inside the match.

    ``l'initiative « la Ceinture et la Route »`` then reads as written instead
    of ending on an unbalanced ``« la Ceinture et la Route``.
    """
    span = text[start:end]
    for opening, closing in _CLOSING.items():
        opened = span.count(opening) - span.count(closing) if opening != closing else span.count(opening) % 2
        if opened > 0:
            after = _CLOSE_RE[opening].match(text, end)
            if after:
                return after.end()
    return end


def find_formulas(
    corpus: pd.DataFrame,
    *,
    lexicon: Mapping[str, dict] | str | Path | None = None,
    actors: Mapping[str, dict] | str | Path | None = None,
) -> pd.DataFrame:
    """Find every formula of the lexicon in every article.

    Parameters
    ----------
    corpus
        A frame with ``doc_id`` and ``text`` (as from :func:`load_corpus`).
    lexicon
        ``None`` (shipped lexicon), a path to a YAML lexicon (extending the
        shipped one), or a lexicon from :func:`load_lexicon`.
    actors
        The actor table used to name speakers (see :func:`analysis.speech`);
        ``None`` is the shipped one.

    Returns
    -------
    pandas.DataFrame
        One row per match, columns ``doc_id``, ``family``, ``variant``
        (variant id), ``matched`` (the text exactly as in the article),
        ``start``, ``end`` (offsets into ``text``: ``text[start:end] ==
        matched``), ``sentence`` (the sentence of :func:`analysis.sentences`
        holding the start of the match), ``speaker`` (actor id of the
        reported-speech passage holding the match, :func:`analysis.speech`;
        ``""`` when the match is not in attributed speech). Sorted by
        ``doc_id``, ``start``, ``family``.
    """
    check_corpus(corpus)
    families = _resolve_lexicon(lexicon)
    # Imported here: speech builds on this module's phrase syntax.
    from .speech import _actor_matchers, _resolve_actors, _speech_passages

    table = _resolve_actors(actors)
    texts = list(corpus["text"])
    views = [text_view(text) for text in texts]
    # The words that formulas and actor names start with are found once for both.
    vocabulary = matchers_vocabulary(_family_matchers(families) + _actor_matchers(table))
    positions = word_positions(views, vocabulary)
    found = _corpus_matches(texts, families, views, positions)
    with_matches = [i for i, matches in enumerate(found) if matches]
    sents = {i: sentences(texts[i]) for i in with_matches}
    passages = _speech_passages(
        [texts[i] for i in with_matches], table, [views[i] for i in with_matches],
        [sents[i] for i in with_matches], [positions[i] for i in with_matches],
    )
    rows = []
    for i, doc_passages in zip(with_matches, passages, strict=True):
        doc_id, text, doc_sents = corpus["doc_id"].iat[i], texts[i], sents[i]
        sentence_starts = [start for _, start, _ in doc_sents]
        passage_starts = [p[1] for p in doc_passages]
        for start, family_id, end, variant in found[i]:
            rows.append(
                {
                    "doc_id": doc_id,
                    "family": family_id,
                    "variant": variant,
                    "matched": text[start:end],
                    "start": start,
                    "end": end,
                    "sentence": _containing(doc_sents, sentence_starts, start),
                    "speaker": _containing(doc_passages, passage_starts, start),
                }
            )
    frame = pd.DataFrame(rows, columns=list(MATCH_COLUMNS))
    frame = frame.astype({"start": "int64", "end": "int64"})
    return frame.sort_values(["doc_id", "start", "family"], kind="stable").reset_index(drop=True)


def _containing(spans: list[tuple], starts: list[int], pos: int) -> str:
    """The sentence text (or the speaker) of the span holding ``pos``; ``""`` if none does.

    ``spans`` are ``(sentence, start, end)`` or ``(speaker, start, end, ...)``.
    """
    i = bisect_right(starts, pos) - 1
    if i >= 0 and pos < spans[i][2]:
        return spans[i][0]
    return ""


def group_values(corpus: pd.DataFrame, by: str) -> pd.Series:
    """The grouping column ``by`` of a corpus; ``"year"`` is derived from ``date``."""
    if not isinstance(by, str):
        raise ValueError(f"by must be a column name (got {by!r})")
    if by in corpus.columns and by != "text":
        return corpus[by]
    if by == "year" and "date" in corpus.columns:
        return pd.to_datetime(corpus["date"]).dt.year.astype("Int64")
    allowed = sorted({*corpus.columns, "year"} - {"text"})
    raise ValueError(f"by must be one of {allowed} (got {by!r})")


def formula_counts(
    corpus: pd.DataFrame,
    *,
    by: str = "doc_id",
    per: float = 1000,
    lexicon: Mapping[str, dict] | str | Path | None = None,
) -> pd.DataFrame:
    """Count formula matches per family and group, and their rate per ``per`` tokens.

    ``rate = count / n_tokens × per``, where ``count`` is the number of
    matches of the family in the group (overlapping variants counted once,
    :func:`find_formulas`) and ``n_tokens`` the number of tokens of the
    group's texts by :func:`analysis.tokenize` (all tokens, stop words and
    clitics included). A rate per 1,000 tokens is the usual normalised
    frequency of corpus linguistics (Biber, Conrad & Reppen 1998, *Corpus
    Linguistics*, p. 263); it is 0 for an empty group.

    Parameters
    ----------
    corpus
        A frame with ``doc_id`` and ``text`` and any metadata.
    by
        The grouping column: ``"doc_id"``, ``"source"``, ``"year"`` (the year
        of ``date``) or any other column of ``corpus``. Missing values form a
        group of their own.
    per
        The rate's unit, a positive number of tokens.
    lexicon
        As for :func:`find_formulas`.

    Returns
    -------
    pandas.DataFrame
        Columns ``<by>``, ``family``, ``count``, ``n_tokens``, ``rate``: one row
        per group and family of the lexicon, *including families with no
        match* (count 0), so that a heatmap shows the zeros. Sorted by group,
        then rate (descending), then family.
    """
    check_corpus(corpus)
    families = _resolve_lexicon(lexicon)

    matches = iter(corpus_matches(list(corpus["text"]), families))
    return grouped_counts(
        corpus, by=by, per=per, keys=list(families), key_column="family",
        count=lambda _: [family_id for _, family_id, _, _ in next(matches)],
    )


def grouped_counts(
    corpus: pd.DataFrame,
    *,
    by: str,
    per: float,
    keys: list[str],
    key_column: str,
    count: Callable[[str], Iterable[str]],
) -> pd.DataFrame:
    """Counts of ``keys`` per group, with ``n_tokens`` and ``rate = count / n_tokens × per``.

    ``count(text)`` (called once per text, in corpus order) yields one key
    per occurrence; every group × key pair is
    a row (zeros included). Sorted by group, rate (descending), key.
    """
    if isinstance(per, bool) or not isinstance(per, (int, float)) or not per > 0:
        raise ValueError(f"per must be a positive number of tokens (got {per!r})")
    groups = group_values(corpus, by)
    counts: dict[tuple[Any, str], int] = {}
    tokens: dict[Any, int] = {}
    for group, text in zip(groups, corpus["text"], strict=True):
        group = None if pd.isna(group) else group
        tokens[group] = tokens.get(group, 0) + len(tokenize(text))
        for key in count(text):
            counts[group, key] = counts.get((group, key), 0) + 1
    rows = [
        {by: group, key_column: key, "count": counts.get((group, key), 0), "n_tokens": n_tokens}
        for group, n_tokens in tokens.items()
        for key in keys
    ]
    frame = pd.DataFrame(rows, columns=[by, key_column, "count", "n_tokens"])
    frame = frame.astype({"count": "int64", "n_tokens": "int64"})
    frame["rate"] = (frame["count"] / frame["n_tokens"].where(frame["n_tokens"] > 0) * per).fillna(0.0)
    if by == "year":
        frame[by] = frame[by].astype("Int64")
    frame = frame.sort_values(
        [by, "rate", key_column], ascending=[True, False, True], kind="stable", na_position="last"
    )
    return frame.reset_index(drop=True)
