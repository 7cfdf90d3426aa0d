"""Step 5 of the pipeline: concordances (keyword in context, KWIC).

A concordance lists every occurrence of a pattern with its left and right
context taken from the article itself, never from the article before or after.
Patterns are matched on the tokens of the token index (:mod:`analysis.index`:
:func:`analysis.tokenize`'s tokens, no second tokenization), so case and the
apostrophe used (' or ’) do not matter: ``l'initiative`` finds
``l’Initiative``. A hyphenated compound is one token: ``gagnant`` does not
find ``gagnant-gagnant`` (search ``gagnant-gagnant``, or use a regex).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import PatternError, check_integer, excerpt
from .formulas import family_corpus_matches
from .index import TokenIndex, ensure_index
from .lexicon import load_lexicon
from .phrases import UserRegex
from .text import CLITICS, lemma, tokenize, unify_marks

COLUMNS = ["doc_id", "left", "match", "right", "start", "end"]
KWIC_BY = ("words", "chars")
KWIC_SORT = ("position", "left", "right")
FAMILY_PREFIX = "family:"
#: What may stand between two words of a phrase: spaces and line breaks, and quotation marks.
_PHRASE_GAP_RE = re.compile(r"[\s\"'«»“”‘’‚„‹›]*")
_GAP_CHARS = "\"'«»“”‘’‚„‹›"
_SPACE_RE = re.compile(r"[\n\r\t\f\v]")


def kwic(
    corpus: pd.DataFrame | TokenIndex,
    pattern: str,
    *,
    window: int = 8,
    by: str = "words",
    regex: bool = False,
    lemma: bool = False,
    sort: str = "position",
    lexicon: Mapping[str, dict] | str | Path | None = None,
) -> pd.DataFrame:
    """List the occurrences of a word, phrase, regex, lemma or formula family with their context.

    Parameters
    ----------
    corpus
        One row per article with ``doc_id`` and ``text`` (:func:`analysis.load_corpus`),
        or its token index.
    pattern
        What to find:

        - a word or a phrase (``"véritable multilatéralisme"``): a run of
          consecutive tokens equal to the pattern's tokens. Between two of its
          words the text may hold only spaces, line breaks and quotation marks
          (« » " “ ” ‘ ’), so ``initiative la ceinture et la route`` finds
          ``l’Initiative « La Ceinture et la Route »`` but ``paix sécurité``
          does not find ``paix, sécurité``;
          A word pattern holds only words, spaces and quotation marks: an
          elided clitic written alone (``l'``, ``qu’``) finds the elided
          word (``l’Initiative``), and any other character outside the words
          (``c++``, ``c#``, ``paix, sécurité``) is refused with a ValueError
          rather than dropped (which would find plain ``c``); to find it as
          written, use ``regex=True`` with the pattern escaped
          (``re.escape("c++")``);
        - with ``regex=True``, a Python regular expression, matched
          case-insensitively on the text with every apostrophe written ``'``
          and every hyphen ``-`` (so offsets are unchanged); empty matches are
          skipped. It runs through the ``regex`` package with a time limit
          (:class:`analysis.phrases.UserRegex`: 2 s of processor time per
          article of up to a million characters): a pattern that backtracks catastrophically
          (``(a+)+$``) raises :class:`analysis.PatternError` (a ValueError)
          naming it instead of hanging;
        - with ``lemma=True``, a word or phrase matched on lemmas
          (:func:`analysis.lemma`): ``apporter`` finds ``apporté``,
          ``apportant``;
        - ``"family:<id>"``, the formulas of one family of the lexicon,
          exactly the matches :func:`analysis.find_formulas` counts.
    window
        Context size on each side: a number of tokens (``by="words"``) or of
        characters (``by="chars"``).
    by
        ``"words"`` or ``"chars"``. In words, the left context runs from the
        start of the ``window``-th token before the match (or from the start of
        the text), the right context to the end of the ``window``-th token
        after it (or to the end of the text), punctuation included.
    regex, lemma
        Pattern kinds, see ``pattern`` (not both).
    sort
        ``"position"`` (doc_id, then start), ``"left"`` (by the first word to
        the left, then the second ..., like AntConc's 1L, 2L), or ``"right"``
        (1R, 2R ...); words compared in normal form, ties by position.
    lexicon
        For ``family:`` patterns: ``None`` (the shipped lexicon), a path to a
        YAML lexicon (extending the shipped one) or a lexicon from
        :func:`analysis.load_lexicon`.

    Returns
    -------
    pandas.DataFrame
        ``doc_id``, ``left``, ``match``, ``right`` (text as written, with line
        breaks and tabs shown as spaces), ``start``, ``end`` (offsets of the
        match in the article's ``text``). No match gives an empty frame with
        these columns.
    """
    if not isinstance(pattern, str) or not pattern.strip():
        raise ValueError(f"pattern must be a non-empty string (got {pattern!r})")
    check_integer("window", window, minimum=0)
    if by not in KWIC_BY:
        raise ValueError(f"by must be one of {KWIC_BY} (got {by!r})")
    if sort not in KWIC_SORT:
        raise ValueError(f"sort must be one of {KWIC_SORT} (got {sort!r})")
    for name, value in (("regex", regex), ("lemma", lemma)):
        if not isinstance(value, bool):
            raise ValueError(f"{name} must be True or False (got {value!r})")
    if regex and lemma:
        raise ValueError("regex and lemma cannot both be True")
    family = pattern.startswith(FAMILY_PREFIX)
    if family and (regex or lemma):
        raise ValueError(f"a {FAMILY_PREFIX}<id> pattern takes neither regex=True nor lemma=True")
    index = ensure_index(corpus)
    texts, doc_ids = index.texts, index.doc_ids

    if family:
        found = family_corpus_matches(texts, _family(pattern[len(FAMILY_PREFIX):].strip(), lexicon))
        hits = [(i, start, end) for i, matches in enumerate(found) for start, end, _ in matches]
    elif regex:
        try:
            compiled = UserRegex(pattern, error=PatternError, where=f"kwic pattern {excerpt(pattern)}")
        except ValueError as exc:
            raise PatternError(f"pattern is not a valid regular expression: {exc}") from None
        finder = _regex_finder(compiled)
        hits = [(i, start, end) for i, text in enumerate(texts) for start, end in finder(text)]
    else:
        hits = _index_phrase_matches(index, pattern, lemmas=lemma)

    rows = []
    spans = _index_context_spans(index, hits, window) if by == "words" else None
    for k, (i, start, end) in enumerate(hits):
        text = texts[i]
        if by == "words":
            left_from, right_to = spans[k]
            left = _SPACE_RE.sub(" ", text[left_from:start])
            right = _SPACE_RE.sub(" ", text[end:right_to])
        else:
            left, right = _chars_context(text, start, end, window)
        rows.append((doc_ids[i], left, _SPACE_RE.sub(" ", text[start:end]), right, start, end))
    frame = pd.DataFrame(rows, columns=COLUMNS).astype(
        {"doc_id": object, "left": object, "match": object, "right": object, "start": "int64", "end": "int64"}
    )
    frame = frame.sort_values(["doc_id", "start", "end"], kind="stable").reset_index(drop=True)
    if sort != "position" and len(frame):
        keys = [
            _context_key(text, sort == "left")
            for text in (frame["left"] if sort == "left" else frame["right"])
        ]
        order = sorted(range(len(frame)), key=keys.__getitem__)  # stable: ties keep position order
        frame = frame.iloc[order].reset_index(drop=True)
    return frame


def _index_phrase_matches(index: TokenIndex, pattern: str, *, lemmas: bool) -> list[tuple[int, int, int]]:
    """``(row, start, end)`` of every run of tokens equal to the pattern's words (lemmas if asked),
    with only spaces, line breaks or quotation marks between them; found on the index's token ids."""
    words = _pattern_words(pattern)
    if lemmas:
        lemma_of, lemma_vocab = index.lemmas()
        keys = np.asarray([w.lower() for w in lemma_vocab.tolist()], dtype=object)[lemma_of]
        words = [lemma(w).lower() for w in words]
    else:
        keys = index.lower_vocab
    lower, doc = index.lower_ids, index.token_doc
    n_tok = len(lower)
    found = np.arange(n_tok)
    for j, word in enumerate(words):
        allowed = np.zeros(len(keys) + 1, dtype=bool)
        allowed[:-1] = keys == word
        found = found[found + j < n_tok]
        found = found[allowed[lower[found + j]] & (doc[np.minimum(found + j, n_tok - 1)] == doc[found])]
    texts = index.texts
    hits = []
    for p in found.tolist():
        i = int(doc[p])
        text = texts[i]
        if all(_PHRASE_GAP_RE.fullmatch(text, int(index.ends[q]), int(index.starts[q + 1]))
               for q in range(p, p + len(words) - 1)):
            hits.append((i, int(index.starts[p]), int(index.ends[p + len(words) - 1])))
    return hits


def _index_context_spans(index: TokenIndex, hits: list[tuple[int, int, int]],
                         window: int) -> list[tuple[int, int]]:
    """For each hit ``(row, start, end)``, where its left context of ``window`` words starts and its
    right context ends, from the index's token offsets (no second tokenization), all hits at once."""
    if not hits:
        return []
    row, start, end = (np.fromiter((h[k] for h in hits), np.int64, len(hits)) for k in range(3))
    if window == 0:
        return list(zip(start.tolist(), end.tolist(), strict=True))
    if index.n_tokens == 0:  # no word around any hit: the contexts run to the text's edges
        return [(0, len(index.texts[i])) for i in row.tolist()]
    # Offsets made increasing over the whole corpus: each article's offsets shifted past the previous.
    shift = np.concatenate([[0], np.cumsum(index.corpus["text"].str.len().to_numpy(np.int64) + 1)])
    token_shift = shift[index.token_doc]
    starts = index.starts.astype(np.int64) + token_shift
    ends = index.ends.astype(np.int64) + token_shift
    first, last = index.doc_first[row], index.doc_first[row + 1]
    before = np.searchsorted(ends, start + shift[row], side="right")  # tokens ending by the start
    after = np.searchsorted(starts, end + shift[row], side="left")  # first token from the end on
    left_from = np.where(before - window >= first, index.starts[np.maximum(before - window, 0)], 0)
    has_right = after + window - 1 < last
    text_len = shift[row + 1] - shift[row] - 1
    right_to = np.where(has_right, index.ends[np.minimum(after + window - 1, len(ends) - 1)], text_len)
    return list(zip(left_from.tolist(), right_to.tolist(), strict=True))


def _pattern_words(pattern: str) -> list[str]:
    """The tokens of a word pattern; a clitic alone keeps its apostrophe; refuse other characters."""
    spans = tokenize(pattern, offsets=True)
    if not spans:
        raise ValueError(f"pattern {excerpt(pattern)} holds no word (tokens are letters, digits, ' and -)")
    marks = unify_marks(pattern)
    words, covered = [], set()
    for token, start, end in spans:
        if marks[end : end + 1] == "'" and f"{token}'" in CLITICS:
            token, end = f"{token}'", end + 1  # "l'" alone: the elided article
        words.append(token)
        covered.update(range(start, end))
    stray = sorted({
        c for i, c in enumerate(pattern) if i not in covered and not c.isspace() and c not in _GAP_CHARS
    })
    if stray:
        raise ValueError(
            f"pattern {excerpt(pattern)} holds {''.join(stray)!r}, which a word pattern does not match "
            "(it is made of words, spaces and quotes); to find it as written, use regex=True with the "
            "pattern escaped (re.escape)"
        )
    return words


def _regex_finder(compiled: re.Pattern):
    def find(text: str) -> list[tuple[int, int]]:
        return [m.span() for m in compiled.finditer(unify_marks(text)) if m.end() > m.start()]

    return find


def _family(family_id: str, lexicon: Mapping[str, dict] | str | Path | None) -> Mapping:
    # Found as find_formulas finds them (overlapping variants resolved the same way).
    families = lexicon if isinstance(lexicon, Mapping) else load_lexicon(lexicon)
    if family_id not in families:
        raise ValueError(f"pattern family:<id> must name a family of the lexicon, one of "
                         f"{sorted(families)} (got {family_id!r})")
    return families[family_id]


def _chars_context(text: str, start: int, end: int, window: int) -> tuple[str, str]:
    """Left and right context of ``window`` characters (``by="chars"``), line breaks shown as spaces."""
    left, right = text[max(0, start - window) : start], text[end : end + window]
    return _SPACE_RE.sub(" ", left), _SPACE_RE.sub(" ", right)


def _context_key(context: str, left: bool) -> tuple[str, ...]:
    words = tokenize(context)
    return tuple(reversed(words)) if left else tuple(words)
