"""The matching engine: labelled patterns searched in many texts at once.

Matching
    Every variant is searched in every text (phrases through case-sensitive
    twins run on the lower-cased texts joined together, which is many times
    faster; see :func:`fast_patterns`); overlapping matches of one
    family count once, the longest (then the earliest, then the variant
    listed first) being kept, so ``véritable multilatéralisme`` is one match
    of variant ``veritable-multilateralisme``, not also one of
    ``multilateralisme``. Matches of different families may overlap.

    A phrase is only tried where it can match: one pass over the texts with
    arrays (:func:`word_positions`) finds where the words phrases need occur
    (read off the tokens of a token index, :func:`views_and_positions`),
    and a phrase's pattern is then tried at the words every match of it starts
    with (``coopération`` for ``coopération(s) gagnant-gagnant``; the
    patterns sharing these words by one regex call per place), or, when
    those are too short to be rare (``à toute épreuve``), only in the texts
    holding one of its :func:`key_words` (``épreuve``). A phrase of one word
    (``Pékin``, ``partenariat(s)``) is read off the positions of its
    spellings, without a regex. The result is the same as scanning
    everything; ``regex:`` variants are always scanned whole. Matches are
    kept as arrays (:class:`Candidates`), and overlaps resolved with them
    (:func:`longest_kept`), but within a cluster of three or more.

    A text :func:`lowered_text` cannot lower (it holds ``İ``, whose lower
    case is two characters, or a combining accent) is read by the fast
    patterns but for the stretch around each such character, between two
    characters no pattern can match (:func:`partial_view`,
    :func:`break_characters`, such as ``.`` ``;`` ``!`` ``?`` for the shipped
    lexicon), which the case-insensitive patterns search: one such character
    in a 20 MB article no longer sends all of it to the slow patterns
    (``benchmarks/bench_matching.py``).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from .index import TokenIndex
from .phrases import PREFILTERS, SPACE, WHOLE_WORDS, folded_text, lowered_text
from .text import IGNORABLES, code_points, sorted_unique, word_starts


def text_view(text: str) -> tuple[str | None, str]:
    """``(lowered, folded)``: :func:`lowered_text` of ``text`` (or ``None``) and :func:`folded_text`."""
    low = text.lower()
    lowered = lowered_text(text, lowered=low)
    return lowered, lowered if lowered is not None else folded_text(text, lowered=low)

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
    positions: WordPositions | None = None,
) -> list[list[tuple[int, int, str]]]:
    """:func:`longest_matches` of many texts at once, one list per text.

    The texts where fast patterns apply are scanned joined by ``"\\x00"``
    (which no phrase can match, so no match crosses two texts): one regex
    call per pattern for the whole corpus instead of one per text.
    ``positions`` (:func:`word_positions`) may be given, as to :func:`candidates`.
    """
    found = candidate_arrays(texts, matchers, views, positions).longest()
    return found.per_text([label for label, _, _, _ in matchers], len(texts))

@dataclass(frozen=True)
class Candidates:
    """Matches of labelled patterns in many texts, one entry per match.

    ``doc`` (the position of the text), ``start``, ``end`` (offsets into the
    text) and ``order`` (the position of the matcher), sorted by ``doc``
    first (then as the function giving them says).
    """

    doc: np.ndarray
    start: np.ndarray
    end: np.ndarray
    order: np.ndarray

    def longest(self, group: np.ndarray | None = None) -> Candidates:
        """What :func:`resolve_overlaps` keeps per text (and ``group``), sorted by text, group, start."""
        kept = longest_kept(self.doc, self.start, self.end, self.order, group)
        return Candidates(self.doc[kept], self.start[kept], self.end[kept], self.order[kept])

    def per_text(self, labels: Sequence[Any], n_texts: int) -> list[list[tuple[int, int, Any]]]:
        """Per text, its ``(start, end, label)`` in this order."""
        rows = list(zip(self.start.tolist(), self.end.tolist(), [labels[k] for k in self.order.tolist()],
                        strict=True))
        bounds = np.searchsorted(self.doc, np.arange(n_texts + 1)).tolist()
        return [rows[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]

def candidate_arrays(
    texts: list[str],
    matchers: list[tuple[Any, re.Pattern, list[re.Pattern] | None, str | None]],
    views: list[tuple[str | None, str]] | None,
    positions: WordPositions | None = None,
) -> Candidates:
    """Every match of every matcher in every text, sorted by text, then matcher, then as found.

    A fast pattern made by :func:`fast_patterns` is tried only where it can
    match, from :func:`word_positions` of the texts (given, or found here
    when there are enough such patterns): at the words every match starts
    with, else in the texts holding one of its :func:`key_words`.
    """
    views = views if views is not None else [text_view(text) for text in texts]
    # Texts the fast patterns cannot read whole: lower-cased but for the stretches around the
    # characters in the way, which the case-insensitive patterns search (slow_stretches).
    lowered = [low for low, _ in views]  # None for a text holding NUL, which joins the texts
    breaks = break_characters(matchers) if None in lowered else ""
    stretches: dict[int, list[tuple[int, int]]] = {}
    for i, low in enumerate(lowered):
        if low is None and breaks:
            made = partial_view(texts[i], breaks)
            if made is not None:
                lowered[i], stretches[i] = made
    # The slow patterns search a stretch only if it holds their anchor (read as they read it: İ, ı,
    # ſ and K as i, s, k), and keep what they find there if the whole text holds it (as always).
    caseless_stretches = {
        i: _SEPARATOR.join(texts[i][a : b + 1].translate(_ASCII_TWINS).casefold() for a, b in found)
        for i, found in stretches.items()}
    fast_docs = [i for i, low in enumerate(lowered) if low is not None]
    slow_docs = sorted(set(range(len(texts))) - set(fast_docs))
    joined = _SEPARATOR.join(lowered[i] for i in fast_docs)
    starts, pos = [], 0
    for i in fast_docs:
        starts.append(pos)
        pos += len(lowered[i]) + 1
    plans = {c.pattern: _plan(c) for _, _, fast, _ in matchers for c in fast or ()}
    vocabulary = frozenset().union(*(words for _, words in plans.values() if words))
    if positions is None and sum(words is not None for _, words in plans.values()) >= _INDEX_MIN_PATTERNS:
        positions = word_positions([(low, "") for low in lowered], vocabulary)
    elif positions is not None and positions.known.any() and (
            not vocabulary <= frozenset(positions.words) or not all(positions.known[i] for i in stretches)):
        positions = word_positions(views, vocabulary, texts=texts)
    index = _joined_index(positions, fast_docs, starts, vocabulary) if positions is not None else None
    grouped: dict[str, np.ndarray] = {}
    if index is not None:
        # Whole-word patterns are read off the word positions, but in a text whose stretches the slow
        # patterns search and next to a ʼ (a letter to the fast patterns, not to the positions).
        in_stretch = np.array([i in stretches for i in fast_docs], dtype=bool)
        found_at = [m.start() for m in re.finditer("\u02bc", joined)] if "\u02bc" in joined else []
        apostrophes = np.array(found_at, dtype=np.int64)
        grouped = _grouped_spans(matchers, plans, index, joined)
    found: list[np.ndarray] = []  # (start, end) in the joined texts, matcher by matcher
    found_orders: list[int] = []
    others: list[tuple[int, int, int, int]] = []  # (doc, start, end, order) in the texts
    for order, (_, pattern, fast, anchor_text) in enumerate(matchers):
        for compiled in fast or ():
            whole = WHOLE_WORDS.get(compiled.pattern)
            if index is not None and whole is not None and whole <= vocabulary:
                spans = _whole_word_spans(compiled, whole, index, joined, starts, in_stretch, apostrophes)
            elif compiled.pattern in grouped:
                spans = grouped[compiled.pattern]
            else:
                spans = list(_plan_spans(compiled, plans[compiled.pattern], index, joined, starts))
            if len(spans):
                found.append(np.asarray(spans, dtype=np.int64).reshape(-1, 2))
                found_orders.append(order)
        for i in slow_docs if fast is not None else range(len(texts)):
            if anchor_text is None or anchor_text in views[i][1]:
                others += [(i, *m.span(), order) for m in pattern.finditer(texts[i]) if m.end() > m.start()]
        for i, doc_stretches in stretches.items() if fast is not None else ():
            if anchor_text is None or anchor_text in caseless_stretches[i]:
                # A stretch ends before a character no match holds: endpos shows the pattern that character.
                matched = [(i, *m.span(), order) for a, b in doc_stretches
                           for m in pattern.finditer(texts[i], a, b + 1) if m.end() > m.start()]
                if matched and (anchor_text is None or anchor_text in views[i][1]):
                    others += matched
    spans = np.concatenate([np.empty((0, 2), dtype=np.int64), *found])
    text_starts = np.asarray(starts, dtype=np.int64)
    k = np.searchsorted(text_starts, spans[:, 0], "right") - 1
    base = text_starts[k]
    more = np.asarray(others, dtype=np.int64).reshape(-1, 4)
    doc = np.concatenate([np.asarray(fast_docs, dtype=np.int64)[k], more[:, 0]])
    order = np.concatenate([np.repeat(np.asarray(found_orders, dtype=np.int64), [len(f) for f in found]),
                            more[:, 3]])
    # By text, then matcher; within one, fast patterns' matches first, as found.
    ranked = np.argsort(doc * max(len(matchers), 1) + order, kind="stable")
    return Candidates(doc[ranked], np.concatenate([spans[:, 0] - base, more[:, 1]])[ranked],
                      np.concatenate([spans[:, 1] - base, more[:, 2]])[ranked], order[ranked])

def longest_kept(
    doc: np.ndarray, start: np.ndarray, end: np.ndarray, order: np.ndarray, group: np.ndarray | None = None
) -> np.ndarray:
    """The positions of the candidates :func:`resolve_overlaps` keeps in each text (and group).

    Sorted by text, then group, then start. Candidates overlapping no other,
    and pairs overlapping each other only, are resolved with arrays; each
    larger cluster of overlapping ones by :func:`resolve_overlaps`
    (candidates of two clusters never overlap).
    """
    if not len(doc):
        return np.empty(0, dtype=np.int64)
    width = int(end.max()) + 1
    block = doc if group is None else doc * (int(group.max()) + 1) + group
    key = block * width + start
    ranked = np.argsort(key, kind="stable")
    key, key_end = key[ranked], (block * width + end)[ranked]
    opens = np.ones(len(key), dtype=bool)  # a candidate starting at or after the reach of those before
    opens[1:] = key[1:] >= np.maximum.accumulate(key_end)[:-1]
    firsts = np.flatnonzero(opens)
    sizes = np.diff(np.append(firsts, len(key)))
    kept = np.zeros(len(key), dtype=bool)
    kept[firsts[sizes == 1]] = True
    starts, ends, orders = start[ranked], end[ranked], order[ranked]
    # Two overlapping candidates: the longer is kept, then the earlier, then the first listed.
    a = firsts[sizes == 2]
    b = a + 1
    length_a, length_b = ends[a] - starts[a], ends[b] - starts[b]
    a_wins = (length_a > length_b) | (length_a == length_b) & (
        (starts[a] < starts[b]) | (starts[a] == starts[b]) & (orders[a] <= orders[b]))
    kept[np.where(a_wins, a, b)] = True
    for a, size in zip(firsts[sizes > 2].tolist(), sizes[sizes > 2].tolist(), strict=True):
        cluster = [(int(starts[i] - ends[i]), int(starts[i]), int(orders[i]), int(ends[i]), i)
                   for i in range(a, a + size)]
        for _, _, i in resolve_overlaps(cluster):
            kept[i] = True
    return ranked[kept]

#: Characters around which fast patterns do not apply (:func:`lowered_text` gives ``None`` for a
#: text holding one): ``İ``, whose lower case is two characters, combining accents; and NUL, which
#: joins the texts of one scan.
_SLOW_CHAR_RE = re.compile(r"[\u0130\u0300-\u036f\x00]")
#: Characters that can end a stretch of text around a slow character: those no pattern can match.
_BREAK_CANDIDATES = ".!?;:…,()[]{}/|"

def partial_view(text: str, breaks: str) -> tuple[str, list[tuple[int, int]]] | None:
    """The lower-cased text for fast patterns, with its stretches the slow patterns search.

    A stretch is the run of text between two ``breaks`` (characters no
    pattern can match, so no match crosses them) around each character of
    :data:`_SLOW_CHAR_RE`; in the lower-cased text it is NUL characters,
    which no fast pattern matches. Returns ``(lowered, [(start, end), ...])``,
    ``end`` being the offset of the break after a stretch (or the text's
    length), or ``None`` when the stretches cover the whole text (or there
    are no ``breaks``).
    """
    if not breaks:
        return None
    found: list[tuple[int, int]] = []
    after = re.compile(f"[{re.escape(breaks)}]")
    pos = 0
    for at in _slow_characters(text):
        if at < pos:
            continue
        start = max(text.rfind(char, pos, at) for char in breaks) + 1
        end_match = after.search(text, at)
        end = end_match.start() if end_match else len(text)
        found.append((start, end))
        pos = end
    if not found or (found[0][0] == 0 and found[0][1] == len(text)):
        return None
    lowered = _caseless(text)
    pieces, pos = [], 0
    for start, end in found:
        pieces += [lowered[pos:start], _SEPARATOR * (end - start)]
        pos = end
    pieces.append(lowered[pos:])
    return "".join(pieces), found

@lru_cache(maxsize=2)
def _slow_characters(text: str) -> list[int]:
    """The offsets of the characters of :data:`_SLOW_CHAR_RE` (cached: each matcher set reads them)."""
    return [match.start() for match in _SLOW_CHAR_RE.finditer(text)]

@lru_cache(maxsize=2)
def _caseless(text: str) -> str:
    """``text.lower()``, but ``İ`` gives ``i``, so offsets are kept (cached: a text is read many times)."""
    # "I" keeps the casing context of "İ" (final sigma).
    return text.replace("\u0130", "I").lower()

def break_characters(matchers: list[tuple[Any, re.Pattern, list[re.Pattern] | None, str | None]]) -> str:
    """The :data:`_BREAK_CANDIDATES` that no match of a matcher with fast patterns holds.

    ``""`` when a pattern cannot be analysed (:func:`_held`) or a fast pattern can match NUL.
    """
    held: set[str] = set()
    for _, pattern, fast, _ in matchers:
        for compiled in (pattern, *fast) if fast is not None else ():
            chars = _held(compiled.pattern, compiled.flags)
            if chars is None or _SEPARATOR in chars:
                return ""
            held |= chars
    return "".join(char for char in _BREAK_CANDIDATES if char not in held)

@lru_cache(maxsize=4096)
def _held(source: str, flags: int) -> frozenset[str] | None:
    """Which of :data:`_BREAK_CANDIDATES` and NUL a match of a regex can hold.

    Read from the parsed regex; ``None`` if it can match the empty text,
    looks ahead more than one character (the stretch's search stops one
    character after it) or holds what is not analysed here.
    """
    try:
        from re import _constants as constants  # Python 3.11+
        from re import _parser as parser
    except ImportError:  # pragma: no cover - Python 3.10
        import sre_constants as constants
        import sre_parse as parser
    chars = _BREAK_CANDIDATES + _SEPARATOR
    categories = {
        constants.CATEGORY_DIGIT: r"\d", constants.CATEGORY_NOT_DIGIT: r"\D",
        constants.CATEGORY_SPACE: r"\s", constants.CATEGORY_NOT_SPACE: r"\S",
        constants.CATEGORY_WORD: r"\w", constants.CATEGORY_NOT_WORD: r"\W",
    }

    def in_class(items, char: str) -> bool:
        hit, negate = False, False
        for op, value in items:
            if op is constants.NEGATE:
                negate = True
            elif op is constants.LITERAL:
                hit = hit or chr(value) == char
            elif op is constants.RANGE:
                hit = hit or value[0] <= ord(char) <= value[1]
            elif op is constants.CATEGORY and value in categories:
                hit = hit or re.match(categories[value], char) is not None
            else:
                raise ValueError(op)
        return hit != negate

    def walk(sequence, held: set[str]) -> None:
        for op, value in sequence:
            if op is constants.LITERAL:
                held.update(char for char in chars if ord(char) == value)  # none of them has a case
            elif op in (constants.NOT_LITERAL, constants.ANY):
                held.update(chars)
            elif op is constants.IN:
                held.update(char for char in chars if in_class(value, char))
            elif op is constants.SUBPATTERN:
                walk(value[-1], held)
            elif op is constants.BRANCH:
                for branch in value[1]:
                    walk(branch, held)
            elif op in (constants.MAX_REPEAT, constants.MIN_REPEAT):
                walk(value[2], held)
            elif op in (constants.ASSERT, constants.ASSERT_NOT):
                if value[0] >= 0 and value[1].getwidth()[1] > 1:  # a lookahead past the stretch
                    raise ValueError(op)
            elif op not in (constants.AT, constants.GROUPREF):
                raise ValueError(op)

    held: set[str] = set()
    try:
        parsed = parser.parse(source, flags)
        if parsed.getwidth()[0] == 0:
            return None
        walk(parsed, held)
    except Exception:  # noqa: BLE001 - a regex not analysed here keeps its texts whole
        return None
    return frozenset(held)

#: Fast patterns with prefilter words from which :func:`candidates`
#: finds the words of the texts itself (one scan costs about 30 patterns' scans).
_INDEX_MIN_PATTERNS = 20
#: Shortest words a fast pattern is tried at: shorter ones (``à``, ``de``) are too frequent.
_MIN_START_WORD = 3
#: Shorter words tried at all the same: ``a``, which starts every finite cue of speech, is one word
#: in 80, and a scan would stop at every letter ``a`` (one character in 13): four times slower.
_SHORT_START_WORDS = frozenset({"a", "m"})

@lru_cache(maxsize=8192)
def _plan(pattern: re.Pattern) -> tuple[str, frozenset[str] | None]:
    """How to run a fast pattern: at its ``"start"`` words, in texts with ``"key"`` words, or ``"all"``."""
    first, key = PREFILTERS.get(pattern.pattern, (None, None))
    if first and all(len(word) >= _MIN_START_WORD or word in _SHORT_START_WORDS for word in first):
        return "start", first
    if key:
        return "key", key
    return "all", None

@dataclass(frozen=True)
class WordPositions:
    """Where the words of a vocabulary start in each of many texts (:func:`word_positions`).

    ``words`` is the vocabulary, sorted; each occurrence, in the order of
    texts then offsets, has ``doc`` (the position of its text), ``word`` (its
    position in ``words``) and ``offset`` (into its text); ``known[i]`` is
    ``False`` for a text whose words were not looked for (every pattern then
    scans every text).
    """

    words: tuple[str, ...]
    known: np.ndarray
    doc: np.ndarray
    word: np.ndarray
    offset: np.ndarray

    def take(self, docs: Sequence[int]) -> WordPositions:
        """The positions of the texts ``docs`` (increasing), numbered 0, 1, ... in that order."""
        docs = np.asarray(docs, dtype=np.int64)
        renumber = np.full(len(self.known), -1, dtype=np.int64)
        renumber[docs] = np.arange(len(docs))
        new = renumber[self.doc]
        kept = new >= 0
        return WordPositions(self.words, self.known[docs], new[kept], self.word[kept], self.offset[kept])

    def of(self, i: int) -> dict[str, list[int]] | None:
        """``{word: offsets}`` of the text ``i``, or ``None`` if its words were not looked for."""
        if not self.known[i]:
            return None
        found: dict[str, list[int]] = {}
        lo, hi = np.searchsorted(self.doc, [i, i + 1])
        for word, offset in zip(self.word[lo:hi].tolist(), self.offset[lo:hi].tolist(), strict=True):
            found.setdefault(self.words[word], []).append(offset)
        return found

    @classmethod
    def unknown(cls, n_texts: int) -> WordPositions:
        """Positions of ``n_texts`` texts whose words were not looked for."""
        empty = np.empty(0, dtype=np.int64)
        return cls((), np.zeros(n_texts, dtype=bool), empty, empty, empty)

#: Characters of text searched at once by :func:`word_positions` (bounds its arrays' memory).
_POSITION_CHUNK_CHARS = 1_000_000

def word_positions(
    views: list[tuple[str | None, str]], vocabulary: frozenset[str], *, texts: list[str] | None = None
) -> WordPositions:
    """Where the words of ``vocabulary`` start in each text view (:func:`text_view`).

    Whole words as in :func:`required_words` (:func:`analysis.text.word_starts`),
    searched in the lower-cased text. A text without a lower-cased view is
    not looked into (no fast pattern runs on it), unless ``texts`` are
    given: its words are then found in its text lower-cased as
    :func:`partial_view` does, stretches included (more offsets than needed,
    which only costs a failed try each). The texts are searched joined, about
    a megabyte at a time.
    """
    words = tuple(sorted(vocabulary))
    known = np.zeros(len(views), dtype=bool)
    searched: list[tuple[int, str]] = []
    for i, (low, _) in enumerate(views):
        if low is None and texts is not None:
            low = _caseless(texts[i])
        if low is not None:
            known[i] = True
            searched.append((i, low))
    return WordPositions(words, known, *_find_words(searched, words))

def views_and_positions(
    texts: list[str], vocabulary: frozenset[str], *, index: TokenIndex | None = None, first: int = 0
) -> tuple[list[tuple[str | None, str]], WordPositions]:
    """:func:`text_view` of each text and :func:`word_positions` of ``vocabulary`` (``texts`` given).

    The same as computing one then the other, in one pass: the characters
    that deny a text its lower-cased view (:func:`lowered_text`: a combining
    accent, NUL) are found among the code points that
    :func:`analysis.text.word_starts` reads anyway, not by another scan of
    every text.

    With a token ``index`` whose texts ``first``, ``first + 1``, ... are
    ``texts``, the words are read off the tokens instead
    (:meth:`TokenIndex.word_runs`): a whole word lies in one token, at the
    same offset in its form, and lower-cases alone, but next to an
    underscore (which a token neither starts nor ends with), a character of
    :data:`analysis.text.IGNORABLES` (left out of tokens) or a Σ (whose
    lower case depends on the characters after it). The words of the run
    of non-space characters around each of these are found by a scan of
    that run (no token, word or Σ context crosses a space); every text is
    scanned when ``t`` is a word (the euphonic ``t`` of ``a-t-il`` is in no
    token).
    """
    words = tuple(sorted(vocabulary))
    lowered = [text.lower() for text in texts]
    slow = {i for i, (text, low) in enumerate(zip(texts, lowered, strict=True)) if len(low) != len(text)}
    if index is None or "t" in vocabulary:
        searched = [(i, _caseless(texts[i]) if i in slow else low) for i, low in enumerate(lowered)]
        found = _find_words(searched, words, slow)
    else:
        flagged = _flagged(texts)
        slow.update(i for i in flagged if lowered_text(texts[i], lowered=lowered[i]) is None)
        windows = np.array([(i, a, b) for i in flagged for a, b in _untokenized_windows(texts[i])],
                           dtype=np.int64).reshape(-1, 3)
        found = _indexed_words(index, first, len(texts), words)
        if len(windows):
            width = max(map(len, texts)) + 1
            found = _merged(_outside(found, windows, width), _window_words(texts, windows, words))
    positions = WordPositions(words, np.ones(len(texts), dtype=bool), *found)
    views = [(None, folded_text(text, lowered=low)) if i in slow else (low, low)
             for i, (text, low) in enumerate(zip(texts, lowered, strict=True))]
    return views, positions

#: The characters next to which the whole words of a text may not be those of its tokens
#: (views_and_positions): underscore, ignorables (NUL among them), Σ.
_UNTOKENIZED_RE = re.compile(f"[_{IGNORABLES}\u03a3]")
#: Those, and the combining accents (a text holding one has no lower-cased view).
_FLAGGED_RE = re.compile(f"[_{IGNORABLES}\u03a3\u0300-\u036f]")
_SPACE_RE = re.compile(r"\s")
_NON_SPACE_RE = re.compile(r"\S*")

def _flagged(texts: list[str]) -> list[int]:
    """The texts holding a character of :data:`_FLAGGED_RE` (searched joined, by line breaks)."""
    joined = "\n".join(texts)
    starts = np.cumsum([0] + [len(text) + 1 for text in texts]).tolist()
    found = []
    pos = 0
    while (match := _FLAGGED_RE.search(joined, pos)) is not None:
        i = bisect_right(starts, match.start()) - 1
        found.append(i)
        pos = starts[i + 1]
    return found

def _untokenized_windows(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of the runs of non-space characters holding a character of :data:`_UNTOKENIZED_RE`."""
    windows: list[tuple[int, int]] = []
    pos = 0
    for match in _UNTOKENIZED_RE.finditer(text):
        at = match.start()
        if at < pos:
            continue
        start, size = at, 64  # the last space before, read backwards, in growing pieces
        while start > pos:
            piece = text[max(pos, at - size) : at][::-1]
            space = _SPACE_RE.search(piece)
            start = at - space.start() if space else max(pos, at - size)
            if space:
                break
            size *= 4
        windows.append((start, _NON_SPACE_RE.match(text, at).end()))
        pos = windows[-1][1]
    return windows

def _indexed_words(
    index: TokenIndex, first: int, n_texts: int, words: tuple[str, ...]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(doc, word, offset)`` of ``words`` in the texts ``first`` to ``first + n_texts`` of an index.

    Read off its tokens; texts numbered from 0.
    """
    run_first, run_offset, run_number = index.word_runs(words)
    t0, t1 = int(index.doc_first[first]), int(index.doc_first[first + n_texts])
    ids = index.token_ids[t0:t1]
    counts = (run_first[1:] - run_first[:-1])[ids]
    tokens = np.flatnonzero(counts)
    doc = np.searchsorted(index.doc_first[first + 1 : first + n_texts + 1] - t0, tokens, "right")
    repeats = counts[tokens]
    at = np.repeat(run_first[ids[tokens]] - np.cumsum(repeats) + repeats, repeats) + np.arange(repeats.sum())
    offset = np.repeat(index.starts[t0:t1][tokens].astype(np.int64), repeats) + run_offset[at]
    return np.repeat(doc, repeats).astype(np.int64), run_number[at], offset

def _outside(
    found: tuple[np.ndarray, np.ndarray, np.ndarray], windows: np.ndarray, width: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The word positions ``(doc, word, offset)`` outside ``windows`` (rows ``(doc, start, end)``, sorted)."""
    doc, word, offset = found
    key = doc * width + offset
    k = np.searchsorted(windows[:, 0] * width + windows[:, 1], key, "right") - 1
    holding = windows[np.maximum(k, 0)]
    inside = (k >= 0) & (key < holding[:, 0] * width + holding[:, 2])
    return doc[~inside], word[~inside], offset[~inside]

def _window_words(
    texts: list[str], windows: np.ndarray, words: tuple[str, ...]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(doc, word, offset)`` of ``words`` in ``windows`` (rows ``(doc, start, end)``, sorted), scanned."""
    number, word, offset = _find_words(
        [(k, _caseless(texts[i][a:b])) for k, (i, a, b) in enumerate(windows.tolist())], words)
    return windows[number, 0], word, offset + windows[number, 1]

def _merged(
    one: tuple[np.ndarray, np.ndarray, np.ndarray], other: tuple[np.ndarray, np.ndarray, np.ndarray]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Word positions ``(doc, word, offset)`` found apart (never at the same offset), merged in order."""
    width = int(max(one[2].max(initial=0), other[2].max(initial=0))) + 1
    size = len(one[0]) + len(other[0])
    at = np.searchsorted(one[0] * width + one[2], other[0] * width + other[2]) + np.arange(len(other[0]))
    rest = np.ones(size, dtype=bool)
    rest[at] = False
    merged = []
    for ours, theirs in zip(one, other, strict=True):
        column = np.empty(size, dtype=np.int64)
        column[at], column[rest] = theirs, ours
        merged.append(column)
    return merged[0], merged[1], merged[2]

def _find_words(
    searched: list[tuple[int, str]], words: tuple[str, ...], slow: set[int] | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(doc, word, offset)`` of ``words`` in the lower-cased texts ``searched`` (``(position, text)``).

    As :class:`WordPositions` holds them. The texts are searched joined, about
    a megabyte at a time. With ``slow``, the positions of the texts holding a
    combining accent or NUL are added to it.
    """
    docs, numbers, offsets = [], [], []
    lo = 0
    while lo < len(searched):
        hi, size = lo, 0
        while hi < len(searched) and size < _POSITION_CHUNK_CHARS:
            size += len(searched[hi][1])
            hi += 1
        chunk, lo = searched[lo:hi], hi
        joined = _SEPARATOR.join(low for _, low in chunk)
        lengths = np.array([len(low) + 1 for _, low in chunk], dtype=np.int64)
        bases = np.cumsum(lengths) - lengths
        positions = np.array([i for i, _ in chunk], dtype=np.int64)
        codes = code_points(joined)
        if slow is not None:  # a combining accent or NUL, but not the NUL joining two texts
            at = np.flatnonzero(((codes >= 0x300) & (codes <= 0x36F)) | (codes == 0))
            k = np.searchsorted(bases, at, "right") - 1
            slow.update(positions[k[at != bases[k] + lengths[k] - 1]].tolist())
        if words:
            number, start = word_starts(joined, words, codes=codes)
            k = np.searchsorted(bases, start, "right") - 1
            docs.append(positions[k])
            numbers.append(number)
            offsets.append(start - bases[k])
    empty = np.empty(0, dtype=np.int64)
    doc, word, offset = (np.concatenate([empty, *parts]) for parts in (docs, numbers, offsets))
    return doc, word, offset

def _joined_index(
    positions: WordPositions, docs: list[int], starts: list[int], vocabulary: frozenset[str]
) -> dict[str, np.ndarray] | None:
    """``{word: sorted offsets}`` in the texts ``docs`` joined at ``starts``.

    ``None`` if the words of one of the texts are unknown.
    """
    docs_array = np.asarray(docs, dtype=np.int64)
    if not positions.known[docs_array].all():
        return None
    base = np.full(len(positions.known), -1, dtype=np.int64)
    base[docs_array] = starts
    wanted = np.array([word in vocabulary for word in positions.words], dtype=bool)
    at = base[positions.doc]
    kept = (at >= 0) & wanted[positions.word]
    word = positions.word[kept]
    order = np.argsort(word, kind="stable")  # texts in order: each word's offsets stay sorted
    joined = (at[kept] + positions.offset[kept])[order]
    bounds = np.searchsorted(word[order], np.arange(len(positions.words) + 1))
    return {positions.words[k]: joined[bounds[k] : bounds[k + 1]]
            for k in np.flatnonzero(np.diff(bounds)).tolist()}

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
        yield from _anchored_spans(pattern, joined, _offsets(index, words).tolist())
    else:
        docs = sorted_unique(np.searchsorted(starts, _offsets(index, words), "right") - 1).tolist()
        for lo, hi in _doc_ranges(docs, starts, len(joined)):
            yield from _fast_spans(pattern, joined, lo, hi)

def _offsets(index: dict[str, np.ndarray], words: frozenset[str]) -> np.ndarray:
    """The offsets of ``words`` in the joined texts, sorted."""
    return np.sort(np.concatenate([np.empty(0, dtype=np.int64), *(index[w] for w in words if w in index)]))

def _whole_word_spans(
    pattern: re.Pattern,
    words: frozenset[str],
    index: dict[str, np.ndarray],
    joined: str,
    starts: list[int],
    in_stretch: np.ndarray,
    apostrophes: np.ndarray,
) -> np.ndarray:
    """``(start, end)`` of a pattern of :data:`analysis.phrases.WHOLE_WORDS` (rows), from the word positions.

    Each match is one of ``words`` at one of its positions. The pattern is
    tried instead at the positions of a text with stretches (which include
    words the lower-cased view no longer holds, :func:`word_positions`) and
    at those next to one of the ``apostrophes`` (offsets of ``ʼ``, which
    ends a whole word but is a letter to the pattern's ``(?!\\w)``).
    """
    present = [w for w in words if w in index]
    if not present:
        return np.empty((0, 2), dtype=np.int64)
    found = np.concatenate([index[w] for w in present])
    ends = found + np.repeat([len(w) for w in present], [len(index[w]) for w in present])
    order = np.argsort(found, kind="stable")
    spans = np.stack([found[order], ends[order]], axis=1)
    tried = np.zeros(len(spans), dtype=bool)
    if in_stretch.any():
        tried |= in_stretch[np.searchsorted(starts, spans[:, 0], "right") - 1]
    if len(apostrophes):
        tried |= np.isin(spans[:, 0] - 1, apostrophes) | np.isin(spans[:, 1], apostrophes)
    if tried.any():
        retried = np.array(_anchored_spans(pattern, joined, spans[tried, 0].tolist()), dtype=np.int64)
        spans = np.concatenate([spans[~tried], retried.reshape(-1, 2)])
        spans = spans[np.argsort(spans[:, 0], kind="stable")]
    return spans

def _grouped_spans(
    matchers: list[tuple[Any, re.Pattern, list[re.Pattern] | None, str | None]],
    plans: dict[str, tuple[str, frozenset[str] | None]],
    index: dict[str, np.ndarray],
    joined: str,
) -> dict[str, np.ndarray]:
    """The spans of the fast patterns tried at the same start words, by source, found together.

    Patterns sharing their start words (``président …``, ``chef …``) are tried
    at each of their offsets by one regex of lookaheads, one per pattern, which
    gives the match each would give alone (:func:`_anchored_spans`).
    """
    groups: dict[frozenset[str], list[re.Pattern]] = {}
    for _, _, fast, _ in matchers:
        for compiled in fast or ():
            how, words = plans[compiled.pattern]
            if (how == "start" and compiled.pattern not in WHOLE_WORDS and compiled.groups == 0
                    and compiled.flags == _FAST_FLAGS):
                group = groups.setdefault(words, [])
                if compiled not in group:
                    group.append(compiled)
    found: dict[str, np.ndarray] = {}
    for words, patterns in groups.items():
        if len(patterns) < 2:
            continue
        combined = _lookaheads(tuple(p.pattern for p in patterns))
        spans: list[list[tuple[int, int]]] = [[] for _ in patterns]
        reach = [0] * len(patterns)
        for start in _offsets(index, words).tolist():
            match = combined.match(joined, start)
            if match is None or match.lastindex is None:  # after a word character, or no pattern matches
                continue
            for k, (_, end) in enumerate(match.regs[1 : match.lastindex + 1]):
                if end > start and start >= reach[k]:
                    spans[k].append((start, end))
                    reach[k] = end
        found.update((p.pattern, np.array(k_spans, dtype=np.int64).reshape(-1, 2))
                     for p, k_spans in zip(patterns, spans, strict=True))
    return found

_FAST_FLAGS = re.compile("").flags
#: The characters that a case-insensitive pattern reads as an ASCII letter, though they do not
#: lower-case or case-fold to it, mapped to that letter.
_ASCII_TWINS = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})

@lru_cache(maxsize=256)
def _lookaheads(sources: tuple[str, ...]) -> re.Pattern:
    """One regex whose group ``k`` is the match of ``sources[k]`` at the same position, if any.

    It does not match after a word character (where no fast pattern's match starts a word).
    """
    return re.compile(r"(?<!\w)" + "".join(f"(?:(?=({source})))?" for source in sources))

def _anchored_spans(pattern: re.Pattern, lowered: str, offsets: list[int]) -> list[tuple[int, int]]:
    """:func:`fast_finditer`, given every offset where a match can start (sorted)."""
    anchored = _after_non_word(pattern)
    spans: list[tuple[int, int]] = []
    pos = 0
    for start in offsets:
        if start >= pos and (match := anchored.match(lowered, start)) is not None and match.end() > start:
            pos = match.end()
            spans.append((start, pos))
    return spans

@lru_cache(maxsize=1024)
def _after_non_word(pattern: re.Pattern) -> re.Pattern:
    """``pattern``, matching only where no word character is before (the start of a word, as
    :func:`fast_finditer` checks in Python)."""
    return re.compile(rf"(?<!\w)(?:{pattern.pattern})", pattern.flags)

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

def fast_finditer(pattern: re.Pattern, lowered: str):
    """``(start, end)`` of the matches of a fast pattern that start a word."""
    return _fast_spans(pattern, lowered, 0, len(lowered))

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

#: Up to this many candidates, :func:`resolve_overlaps` compares each with those kept.
_FEW_CANDIDATES = 16

def resolve_overlaps(candidates: list[tuple]) -> list[tuple[int, int, str]]:
    """Keep the longest, then earliest, then first-listed of overlapping candidates.

    Candidates are taken in that order and kept unless they overlap a kept
    one. Overlap is checked on a mask of the elementary stretches between
    candidate boundaries, so that many candidates in one huge text cost
    near-linear time (each pattern's candidates never overlap each other).
    """
    if len(candidates) < 2:
        return [(start, end, label) for _, start, _, end, label in candidates]
    candidates.sort()
    if len(candidates) <= _FEW_CANDIDATES:  # most calls: comparing with each kept one is cheaper
        kept = []
        for _, start, _, end, label in candidates:
            if all(end <= k_start or k_end <= start for k_start, k_end, _ in kept):
                kept.append((start, end, label))
        kept.sort()
        return kept
    bounds = sorted({c[1] for c in candidates} | {c[3] for c in candidates})
    index = {pos: i for i, pos in enumerate(bounds)}
    covered = bytearray(len(bounds))
    kept: list[tuple[int, int, str]] = []
    for _, start, _, end, label in candidates:
        a, b = index[start], index[end]
        if covered.find(1, a, b) >= 0:
            continue
        covered[a:b] = b"\x01" * (b - a)
        kept.append((start, end, label))
    kept.sort()
    return kept

def matchers_vocabulary(
    matchers: list[tuple[Any, re.Pattern, list[re.Pattern] | None, str | None]],
) -> frozenset[str]:
    """The words :func:`word_positions` must find for the fast patterns of ``matchers`` to be prefiltered."""
    plans = (_plan(compiled) for _, _, fast, _ in matchers for compiled in fast or ())
    return frozenset().union(*(words for _, words in plans if words))

_CLOSING = {"«": "»", "“": "”", '"': '"'}
_CLOSE_RE = {opening: re.compile(rf"{SPACE}*{re.escape(closing)}") for opening, closing in _CLOSING.items()}
_OPENING_RE = re.compile("[" + "".join(_CLOSING) + "]")

def close_quote(text: str, start: int, end: int) -> int:
    """Take in the closing quote of a quote that opened inside the match.

    ``l'initiative « la Ceinture et la Route »`` then reads as written instead
    of ending on an unbalanced ``« la Ceinture et la Route``.
    """
    if _OPENING_RE.search(text, start, end) is None:  # most matches: one call, no slice
        return end
    span = text[start:end]
    for opening, closing in _CLOSING.items():
        opened = span.count(opening) - span.count(closing) if opening != closing else span.count(opening) % 2
        if opened > 0:
            after = _CLOSE_RE[opening].match(text, end)
            if after:
                return after.end()
    return end
