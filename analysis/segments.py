"""Step 5 of the pipeline: repeated segments, shared passages, formulaicity.

Word forms
    The tokens of :func:`analysis.tokenize` (lower case, both apostrophes
    written ``'``, elided clitics as tokens of their own). Stop words are kept:
    a segment is a sequence of consecutive word forms, whatever they are.

Strong punctuation
    A repeated segment never crosses a *strong delimiter* (:data:`STRONG_DELIMITERS`):
    ``.`` ``!`` ``?`` ``;`` ``:`` ``…`` or a blank line (a paragraph break, as
    in :func:`analysis.sentences`). A full stop after an abbreviation of
    :data:`analysis.text.ABBREVIATIONS` (``M.``, ``Mme``), after a single
    capital (``J.``) or inside a decimal number (``3.5``) is not a delimiter.
    Commas, quotation marks (« » " “ ” ‘ ’), brackets, dashes and single line
    breaks are *not* delimiters: a formula is the same segment whether it is
    quoted or not. This follows the configurable
    sequence delimiters of Lexico 3 (Salem), here fixed and documented.

Display
    A segment is shown as its word forms joined by a space, except after an
    elided clitic, which is joined without one: ``l'humanité``, ``qu'aux``.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .corpus import check_corpus
from .errors import check_integer
from .formulas import corpus_matches
from .index import STRONG_DELIMITERS, TokenIndex, ensure_index, strong_delimiters  # noqa: F401 (documented here)
from .lexicon import resolve_lexicon
from .matching import text_view
from .text import tokenize

# --------------------------------------------------------------------------- corpus as integer arrays


@dataclass
class _Tokens:
    """The corpus as flat integer arrays, one entry per token, documents in doc_id order."""

    doc_ids: list[str]
    texts: list[str]
    vocab: list[str]  # word form of each id
    ids: np.ndarray  # form id of each token
    doc: np.ndarray  # index into doc_ids of each token
    starts: np.ndarray  # offsets into the token's document text
    ends: np.ndarray
    breaks: np.ndarray  # True where a strong delimiter precedes the token (or a new document starts)
    doc_first: np.ndarray  # index of each document's first token (length n_docs + 1)

    def display_forms(self) -> tuple[np.ndarray, np.ndarray]:
        """The word forms (object array), and the same followed by their separator (:func:`join_tokens`)."""
        if not hasattr(self, "_display"):
            spaced = [w if w.endswith("'") else w + " " for w in self.vocab]
            self._display = (np.asarray(self.vocab, dtype=object), np.asarray(spaced, dtype=object))
        return self._display

    def form(self, pos: int, length: int) -> str:
        return join_tokens(self.vocab[i] for i in self.ids[pos : pos + length])


def _corpus_tokens(corpus: pd.DataFrame, *, offsets: bool = True) -> _Tokens:
    """Tokenize a corpus into integer arrays; ``offsets=False`` skips offsets (empty arrays), faster."""
    corpus = check_corpus(corpus).sort_values("doc_id", kind="stable")
    forms: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    breaks: list[int] = []  # global indices of the tokens that start a sequence
    sizes = []
    texts = corpus["text"].tolist()
    for text in texts:
        first = len(forms)
        marks = strong_delimiters(text)
        if offsets:
            spans = tokenize(text, offsets=True)
            if spans:
                doc_forms, doc_starts, doc_ends = zip(*spans, strict=True)
                # A mark is never inside a token: the token after it is the first starting after it.
                found = {bisect_right(doc_starts, pos) for pos in marks}
                breaks.extend(first + k for k in sorted(found | {0}) if k < len(spans))
                forms.extend(doc_forms)
                starts.extend(doc_starts)
                ends.extend(doc_ends)
        else:
            # Tokens never straddle a strong delimiter, so the sequences can be tokenized apart
            # (by the fast path of the tokenizer, without offsets).
            prev = 0
            for pos in [*marks, len(text)]:
                chunk = tokenize(text[prev:pos])
                if chunk:
                    breaks.append(len(forms))
                    forms.extend(chunk)
                prev = pos
        sizes.append(len(forms) - first)
    ids, vocab = pd.factorize(pd.Series(forms, dtype=object), sort=False)
    is_break = np.zeros(len(forms), dtype=bool)
    is_break[np.asarray(breaks, dtype=np.int64)] = True
    return _Tokens(
        doc_ids=corpus["doc_id"].tolist(),
        texts=texts,
        vocab=list(vocab),
        ids=ids.astype(np.int64),
        doc=np.repeat(np.arange(len(sizes)), sizes),
        starts=np.asarray(starts, dtype=np.int64),
        ends=np.asarray(ends, dtype=np.int64),
        breaks=is_break,
        doc_first=np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64),
    )


def _index_tokens(index: TokenIndex, *, renumber: bool = True) -> _Tokens:
    """The :class:`_Tokens` of a token index: documents in doc_id order, ids numbered by first appearance.

    Equal to :func:`_corpus_tokens` of the index's corpus, without tokenizing again.
    ``renumber=False`` keeps the index's lower-cased ids and vocabulary (no hashing).
    """
    doc_ids = np.asarray(index.doc_ids, dtype=object)
    order = np.argsort(doc_ids, kind="stable")
    sizes = index.doc_sizes[order]
    doc_first = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    # position in the index of each token, documents taken in doc_id order
    take = np.repeat(index.doc_first[:-1][order] - doc_first[:-1], sizes) + np.arange(doc_first[-1])
    if renumber:
        ids, uniques = pd.factorize(index.lower_ids[take], sort=False)
        vocab = index.lower_vocab[uniques].tolist()
    else:
        ids, vocab = index.lower_ids[take], index.lower_vocab.tolist()
    texts = index.texts
    return _Tokens(
        doc_ids=doc_ids[order].tolist(),
        texts=[texts[i] for i in order],
        vocab=vocab,
        ids=ids.astype(np.int64),
        doc=np.repeat(np.arange(len(sizes)), sizes),
        starts=index.starts[take].astype(np.int64),
        ends=index.ends[take].astype(np.int64),
        breaks=index.breaks[take],
        doc_first=doc_first,
    )


def join_tokens(tokens) -> str:
    """Join word forms for display: a space between forms, none after an elided clitic (``l'``)."""
    out = []
    for tok in tokens:
        if out and not out[-1].endswith("'"):
            out.append(" ")
        out.append(tok)
    return "".join(out)


# --------------------------------------------------------------------------- frequent n-grams, level by level

#: Stamps of :func:`_levels` beyond which its array of grams by position is cleared (``int32``).
_STAMP_LIMIT = 2**31 - 1
#: Bits of the one ``uint64`` that packs an n-gram's key with its occurrence number for sorting.
_PACK_BITS = 64


@dataclass
class _Level:
    """The repeated n-grams of one length ``n`` (kept by the thresholds), numbered ``0 .. n_grams - 1``.

    Grams are numbered in the order of their keys (not of their first occurrence); the
    occurrences are grouped by gram, in text order within a gram.
    """

    n: int
    pos: np.ndarray  # start of each occurrence of a kept n-gram
    gram: np.ndarray  # its gram (ascending)
    doc: np.ndarray  # its document
    first: np.ndarray  # first occurrence of each gram
    freq: np.ndarray
    n_docs: np.ndarray
    prefix: np.ndarray  # the (n-1)-gram each gram starts with, and the one it ends with (level n-1's
    suffix: np.ndarray  # numbers; -1 at n = 1)

    def doc_lists(self, grams: np.ndarray, names: np.ndarray) -> list[str]:
        """The documents of each of ``grams`` (their ``names``, ascending), joined by ``"|"``."""
        offsets = np.concatenate([[0], np.cumsum(self.freq)])
        freq = self.freq[grams]
        # The occurrences of the grams asked for, gram after gram (each in text order: documents ascend).
        before = np.concatenate([[0], np.cumsum(freq)[:-1]])
        at = np.repeat(offsets[grams] - before, freq) + np.arange(freq.sum())
        doc = self.doc[at]
        new = np.ones(len(doc), dtype=bool)
        new[1:] = doc[1:] != doc[:-1]
        new[np.cumsum(freq)[:-1]] = True  # a gram's first occurrence
        docs = names[doc[new]].tolist()
        bounds = np.concatenate([[0], np.cumsum(self.n_docs[grams])]).tolist()
        return ["|".join(docs[a:b]) for a, b in zip(bounds, bounds[1:], strict=False)]


def _stable_order(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(order, keys[order])``: the stable sort of ``keys`` (non-negative integers).

    Key and occurrence number are packed into one ``uint64`` whose sort (vectorised)
    gives the stable order; a key too wide to share 64 bits with the occurrence
    number falls back to a stable argsort (same result, slower).
    """
    m = len(keys)
    if m == 0:
        return np.empty(0, dtype=np.int64), keys
    index_bits = max(int(m - 1).bit_length(), 1)
    if int(keys.max()).bit_length() + index_bits > _PACK_BITS:
        order = np.argsort(keys, kind="stable")
        return order, keys[order]
    packed = keys.astype(np.uint64) << np.uint64(index_bits)
    packed |= np.arange(m, dtype=np.uint64)
    packed.sort()
    order = (packed & np.uint64((1 << index_bits) - 1)).astype(np.int64)
    return order, (packed >> np.uint64(index_bits)).astype(np.int64)


def _order_within_prefixes(keys: np.ndarray, prefix: np.ndarray, n_prefixes: int) -> np.ndarray | None:
    """The stable order of ``keys`` when they are already grouped by ``prefix`` (ascending).

    Only the prefix groups whose keys are out of order are sorted: a group whose
    occurrences all continue with the same word (a long repeated passage) costs
    one comparison per occurrence. ``None`` when every key is in order already.
    """
    descent = keys[1:] < keys[:-1]
    if not descent.any():
        return None
    unsorted = np.zeros(n_prefixes, dtype=bool)
    unsorted[prefix[1:][descent]] = True
    where = np.flatnonzero(unsorted[prefix])
    order = np.arange(len(keys))
    order[where] = where[_stable_order(keys[where])[0]]
    return order


def _count(n: int, pos: np.ndarray, keys: np.ndarray, doc: np.ndarray, suffix: np.ndarray | None,
           divisor: int, *, min_freq: int, min_docs: int) -> _Level:
    """Count the n-grams at ``pos`` by their exact ``keys`` (sorted, stably); keep those of the thresholds.

    ``doc`` and ``suffix`` are the document and the last (n-1)-gram of each
    occurrence; the first (n-1)-gram is ``keys // divisor`` (n > 1).
    """
    m = len(keys)
    new_gram = np.ones(m, dtype=bool)
    new_gram[1:] = keys[1:] != keys[:-1]
    starts = np.flatnonzero(new_gram)
    freq = np.diff(np.append(starts, m))
    # Occurrences of one gram are in text order, so its documents ascend.
    new_doc = new_gram.copy()
    new_doc[1:] |= doc[1:] != doc[:-1]
    n_docs = np.add.reduceat(new_doc, starts, dtype=np.int64) if m else np.zeros(0, dtype=np.int64)
    keep = (freq >= min_freq) & (n_docs >= min_docs)
    firsts = starts[keep]
    first = pos[firsts]
    gram = np.cumsum(new_gram, dtype=pos.dtype) - 1
    if not keep.all():  # (in long repeated passages, every gram of a level is kept)
        renumber = np.cumsum(keep, dtype=pos.dtype) - 1
        kept = keep[gram]
        pos, gram, doc = pos[kept], renumber[gram[kept]], doc[kept]
    none = np.full(len(firsts), -1, dtype=np.int64)
    return _Level(n=n, pos=pos, gram=gram, doc=doc, first=first, freq=freq[keep], n_docs=n_docs[keep],
                  prefix=keys[firsts] // divisor if n > 1 else none,
                  suffix=suffix[firsts] if suffix is not None else none)


def _levels(tok: _Tokens, *, min_freq: int, min_docs: int, max_len: int | None, within: str):
    """Yield ``(level n-1, level n)`` for n = 1, 2, ... (``None`` before level 1), then ``(last, None)``.

    A level holds the n-grams of frequency >= ``min_freq`` in >= ``min_docs``
    documents that lie inside one sequence between strong delimiters
    (``within="sentence"``) or inside one document (``within="doc"``).

    Apriori pruning (Agrawal and Srikant 1994): an n-gram is a candidate only
    where its (n-1)-prefix and its (n-1)-suffix were both kept, so each level
    costs the occurrences kept at the level before. An n-gram is the pair of its
    (n-1)-prefix and (n-1)-suffix, so its key packs their numbers (``prefix *
    n_prefixes + suffix``): exact, below ``n_tokens * n_tokens`` so within 64
    bits, no hashing and no collision. The candidates come grouped by prefix,
    so only the prefixes followed by more than one word need sorting.
    Positions, documents and grams are ``int32`` (half the memory traffic).
    """
    n_tok, ids = len(tok.ids), tok.ids
    small = np.int32 if n_tok < 2**31 - 2 else np.int64
    doc = tok.doc.astype(small)
    order, keys = _stable_order(ids)
    level = _count(1, order.astype(small), keys, doc[order], None, 1, min_freq=min_freq, min_docs=min_docs)
    del order, keys
    # The words of longer candidates are repeated words: number them 0 .. n_words - 1 (= level 1's grams).
    word = np.full(max(len(tok.vocab), 1), -1, dtype=np.int64)
    word[ids[level.first]] = np.arange(len(level.first))
    n_words = max(len(level.first), 1)
    gram_at = np.full(n_tok + 1, -1, dtype=small)  # stamp + gram of the last level at each position
    stamp = 0
    prev, n = None, 1
    while True:
        yield prev, level
        prev, n = level, n + 1
        if max_len is not None and n > max_len:
            break
        if n == 2:
            # Two repeated words in a row, with no delimiter between them; sorted from text order.
            w = word[ids]
            same_unit = ~tok.breaks[1:] if within == "sentence" else doc[1:] == doc[:-1]
            pos = np.flatnonzero((w[:-1] >= 0) & (w[1:] >= 0) & same_unit)
            order, keys = _stable_order(w[pos] * n_words + w[pos + 1])
            pos = pos[order].astype(small)
            suffix = (keys % n_words).astype(small)
            pos_doc = doc[pos]
        else:
            # The (n-1)-grams at p and at p + 1 are both kept (so, overlapping, they lie in one sequence).
            if stamp + len(prev.freq) >= min(_STAMP_LIMIT, np.iinfo(small).max):
                gram_at.fill(-1)
                stamp = 0
            gram_at[prev.pos] = prev.gram + small(stamp)
            suffix = gram_at[prev.pos + 1] - small(stamp)
            follows = suffix >= 0
            stamp += len(prev.freq)  # older stamps read as negative: no reset needed
            pos, prefix, suffix = prev.pos[follows], prev.gram[follows], suffix[follows]
            pos_doc = prev.doc[follows]
            divisor = max(len(prev.freq), 1)
            keys = prefix.astype(np.int64) * divisor + suffix
            order = _order_within_prefixes(keys, prefix, len(prev.freq))
            if order is not None:
                pos, keys, suffix, pos_doc = pos[order], keys[order], suffix[order], pos_doc[order]
        if not len(pos):
            break
        level = _count(n, pos, keys, pos_doc, suffix, n_words if n == 2 else divisor,
                       min_freq=min_freq, min_docs=min_docs)
    yield prev, None


# --------------------------------------------------------------------------- public functions


def repeated_segments(
    corpus: pd.DataFrame | TokenIndex,
    *,
    min_len: int = 2,
    max_len: int | None = None,
    min_freq: int = 2,
    min_docs: int = 1,
    maximal: bool = True,
) -> pd.DataFrame:
    """Find the repeated segments of a corpus (Lafon and Salem 1983; Salem 1987).

    A *repeated segment* is a sequence of consecutive word forms, not crossing
    a strong delimiter, that occurs at least ``min_freq`` times in the corpus
    (Salem 1987: "toute suite de formes non séparées par un délimiteur de
    séquence dont la fréquence est supérieure ou égale à 2"). Occurrences are
    counted at every position, overlapping ones included. Word forms, strong
    delimiters and the display of a segment are defined in the module
    docstring.

    Parameters
    ----------
    corpus
        One row per article with ``doc_id`` and ``text`` (:func:`analysis.load_corpus`).
    min_len, max_len
        Shortest and longest segment length, in word forms (``max_len=None``:
        no limit).
    min_freq
        Minimum number of occurrences (2 or more).
    min_docs
        Minimum number of distinct documents the segment occurs in.
    maximal
        Keep only maximal segments: drop a segment contained in a segment one
        word longer (hence in any longer one) of the same frequency, e.g.
        ``coopération gagnant`` when every occurrence is inside ``coopération
        gagnant-gagnant dans``. Segments of length ``max_len`` count as
        maximal.

    Returns
    -------
    pandas.DataFrame
        ``segment`` (str), ``length`` (word forms), ``frequency``, ``n_docs``,
        ``doc_ids`` (the documents, sorted, joined by ``"|"``); sorted by
        length (longest first), frequency (highest first), then segment.

    Notes
    -----
    Counted length by length on integer keys (see ``_levels``): time grows
    with the tokens times the longest repeated segment (``max_len`` when
    given; never longer than a sequence between strong delimiters), memory
    with the occurrences of repeated segments.

    References
    ----------
    Lafon, P. and Salem, A. (1983). L'inventaire des segments répétés d'un
    texte. *Mots* 6, 161-177. Salem, A. (1987). *Pratique des segments
    répétés. Essai de statistique textuelle*. Paris: Klincksieck.
    """
    check_integer("min_len", min_len, minimum=1)
    check_integer("min_freq", min_freq, minimum=2)
    check_integer("min_docs", min_docs, minimum=1)
    if max_len is not None:
        check_integer("max_len", max_len, minimum=1)
        if max_len < min_len:
            raise ValueError(f"max_len must be None or >= min_len (got max_len={max_len}, min_len={min_len})")
    if not isinstance(maximal, bool):
        raise ValueError(f"maximal must be True or False (got {maximal!r})")
    tok = _index_tokens(ensure_index(corpus), renumber=False)
    doc_ids = np.asarray(tok.doc_ids, dtype=object)
    parts = []
    levels = _levels(tok, min_freq=min_freq, min_docs=min_docs, max_len=max_len, within="sentence")
    for level, longer in levels:
        if level is None or level.n < min_len:
            continue
        keep = np.ones(len(level.freq), dtype=bool)
        if maximal and longer is not None:
            # A gram is not maximal when a gram one word longer starting or ending with it is as frequent.
            for inner in (longer.prefix, longer.suffix):
                keep[inner[longer.freq == level.freq[inner]]] = False
        grams = np.flatnonzero(keep)
        grams = grams[np.argsort(level.first[grams], kind="stable")]  # order of first occurrence
        parts.append(_segment_rows(tok, level, grams, doc_ids))
    frame = pd.concat(parts[::-1], ignore_index=True) if parts else pd.DataFrame(
        {"segment": [], "length": [], "frequency": [], "n_docs": [], "doc_ids": []})
    return frame.astype({"segment": object, "length": "int64", "frequency": "int64",
                         "n_docs": "int64", "doc_ids": object})


def _segment_rows(tok: _Tokens, level: _Level, grams: np.ndarray, doc_ids: np.ndarray) -> pd.DataFrame:
    """The rows of ``grams`` (of one level), sorted by frequency (highest first), segment, then ``grams``."""
    n, m = level.n, len(grams)
    first = level.first[grams]
    # Segments built column by column (one vectorised concatenation per word, not per row).
    vocab, spaced = tok.display_forms()
    segment = np.full(m, "", dtype=object)
    for k in range(n - 1):
        segment = segment + spaced[tok.ids[first + k]]
    segment = segment + vocab[tok.ids[first + n - 1]]
    n_docs = level.n_docs[grams]
    doc_lists = level.doc_lists(grams, doc_ids)
    freq = level.freq[grams]
    segments = segment.tolist()
    order = sorted(range(m), key=lambda i: (-freq[i], segments[i]))  # stable: ties keep grams' order
    return pd.DataFrame({
        "segment": pd.Series([segments[i] for i in order], dtype=object),
        "length": np.full(m, n, dtype=np.int64),
        "frequency": freq[order].astype(np.int64),
        "n_docs": n_docs[order].astype(np.int64),
        "doc_ids": pd.Series([doc_lists[i] for i in order], dtype=object),
    })


def shared_passages(
    corpus: pd.DataFrame | TokenIndex,
    *,
    min_words: int = 8,
    max_docs: int | None = 20,
    max_pairs: int | None = None,
) -> pd.DataFrame:
    """Find the passages of at least ``min_words`` word forms that two articles share word for word.

    Two passages are shared when their token sequences (:func:`analysis.tokenize`:
    lower case, both apostrophes alike, punctuation and spacing ignored) are
    equal. Every pair of documents is compared; a passage is maximal: it is
    the longest run of shared ``min_words``-grams (shingles) at the same
    relative position in both texts. A passage found twice in one article
    gives two rows. Passages may cross sentence boundaries; repetitions
    inside one article are not reported.

    Boilerplate (an agency footer, a standard paragraph) would give a row for
    every pair of the articles holding it, quadratic in their number. A
    ``min_words``-gram found in more than ``max_docs`` articles is therefore
    not paired: the passages made of such n-grams are reported once each in
    ``result.attrs["boilerplate"]`` (see Returns), and the rows only pair
    text shared by at most ``max_docs`` articles. Time and memory then grow
    with the corpus and the rows, not with the square of the corpus.

    This is the shingling approach of text-reuse detection (Broder 1997, *On
    the resemblance and containment of documents*; Clough et al. 2002,
    METER corpus), with exact word n-grams instead of hashes.

    Parameters
    ----------
    corpus
        One row per article with ``doc_id`` and ``text``.
    min_words
        Shortest passage, in word forms (at least 2).
    max_docs
        Articles beyond which a shared ``min_words``-gram is boilerplate
        (at least 2; ``None``: no limit, every pair is reported).
    max_pairs
        Refuse (``ValueError``) to build more than this many shingle pairs,
        the work behind the rows (``None``: no cap).

    Returns
    -------
    pandas.DataFrame
        ``doc_id_a``, ``start_a``, ``end_a``, ``doc_id_b``, ``start_b``,
        ``end_b`` (``doc_id_a < doc_id_b``; offsets into each ``text``, from
        the start of the first word to the end of the last), ``n_words``,
        ``text_a`` and ``text_b`` (the passages as each article writes them);
        sorted by n_words (longest first), then doc_id_a, start_a, doc_id_b,
        start_b.
    """
    check_integer("min_words", min_words, minimum=2)
    if max_docs is not None:
        check_integer("max_docs", max_docs, minimum=2)
    if max_pairs is not None:
        check_integer("max_pairs", max_pairs, minimum=1)
    tok = _index_tokens(ensure_index(corpus), renumber=False)
    shingles = None
    for _, level in _levels(tok, min_freq=2, min_docs=2, max_len=min_words, within="doc"):
        if level is not None and level.n == min_words:
            shingles = level
    columns = ["doc_id_a", "start_a", "end_a", "doc_id_b", "start_b", "end_b", "n_words", "text_a", "text_b"]
    boilerplate = _empty(["passage", "n_words", "n_docs", "frequency", "doc_id"],
                         ["object", "int64", "int64", "int64", "object"])
    if shingles is None:
        frame = _empty(columns, ["object", "int64", "int64", "object", "int64", "int64", "int64", "object",
                                 "object"])
        frame.attrs["boilerplate"] = boilerplate
        return frame
    positions, grams = shingles.pos, shingles.gram  # grouped by gram, in text order within one
    if max_docs is not None:
        common = shingles.n_docs[grams] > max_docs
        boilerplate = _boilerplate(tok, np.sort(positions[common]), min_words)
        positions, grams = positions[~common], grams[~common]
    bounds = np.flatnonzero(np.diff(grams)) + 1
    sizes = np.diff(np.concatenate([[0], bounds, [len(positions)]])).astype(np.int64)
    n_pairs = int((sizes * (sizes - 1) // 2).sum())
    if max_pairs is not None and n_pairs > max_pairs:
        raise ValueError(f"max_pairs: the shared {min_words}-grams of this corpus make {n_pairs:,} pairs, "
                         f"more than max_pairs={max_pairs:,}; lower max_docs (now {max_docs}) to treat "
                         f"more of them as boilerplate, raise min_words, or raise max_pairs")
    # Every pair of occurrences of one shingle in two documents, built without a loop: an occurrence
    # pairs with the later ones of its shingle that are past its own document's run.
    m = len(positions)
    docs = tok.doc[positions]
    new_run = np.ones(m, dtype=bool)
    new_run[1:] = (grams[1:] != grams[:-1]) | (docs[1:] != docs[:-1])
    run_starts = np.flatnonzero(new_run)
    run_end = np.repeat(np.append(run_starts[1:], m), np.diff(np.append(run_starts, m))) if m else docs
    group_end = np.repeat(np.append(bounds, m), sizes) if m else docs
    count = group_end - run_end
    offset = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
    pa = positions[np.repeat(np.arange(m), count)]
    pb = positions[np.repeat(run_end, count) + offset]
    # Runs: consecutive shingle matches on one diagonal of one document pair.
    order = np.lexsort((pa, pb - pa, tok.doc[pb], tok.doc[pa]))
    pa, pb = pa[order], pb[order]
    new_run = np.ones(len(pa), dtype=bool)
    da_all, db_all = tok.doc[pa], tok.doc[pb]
    new_run[1:] = ((np.diff(pa) != 1) | (np.diff(pb) != 1)
                   | (da_all[1:] != da_all[:-1]) | (db_all[1:] != db_all[:-1]))
    run_start = np.flatnonzero(new_run)
    run_end = np.append(run_start[1:], len(pa)) - 1 if len(pa) else run_start
    a0, b0 = pa[run_start], pb[run_start]
    a1, b1 = pa[run_end] + min_words - 1, pb[run_end] + min_words - 1
    da, db = tok.doc[a0].tolist(), tok.doc[b0].tolist()
    sa, ea = tok.starts[a0].tolist(), tok.ends[a1].tolist()
    sb, eb = tok.starts[b0].tolist(), tok.ends[b1].tolist()
    doc_ids, texts = tok.doc_ids, tok.texts
    rows = {
        "doc_id_a": [doc_ids[d] for d in da], "start_a": sa, "end_a": ea,
        "doc_id_b": [doc_ids[d] for d in db], "start_b": sb, "end_b": eb,
        "n_words": (a1 - a0 + 1).tolist(),
        "text_a": [texts[d][s:e] for d, s, e in zip(da, sa, ea, strict=True)],
        "text_b": [texts[d][s:e] for d, s, e in zip(db, sb, eb, strict=True)],
    }
    frame = pd.DataFrame(rows, columns=columns).astype(
        {"doc_id_a": object, "start_a": "int64", "end_a": "int64", "doc_id_b": object, "start_b": "int64",
         "end_b": "int64", "n_words": "int64", "text_a": object, "text_b": object})
    frame = frame.sort_values(["n_words", "doc_id_a", "start_a", "doc_id_b", "start_b"],
                              ascending=[False, True, True, True, True], kind="stable").reset_index(drop=True)
    frame.attrs["boilerplate"] = boilerplate
    return frame


def _boilerplate(tok: _Tokens, positions: np.ndarray, min_words: int) -> pd.DataFrame:
    """One row per distinct passage made of the boilerplate shingles starting at ``positions`` (sorted)."""
    new_run = np.ones(len(positions), dtype=bool)
    new_run[1:] = (np.diff(positions) != 1) | (tok.doc[positions[1:]] != tok.doc[positions[:-1]])
    run_start = np.flatnonzero(new_run)
    run_end = np.append(run_start[1:], len(positions)) - 1 if len(positions) else run_start
    firsts = positions[run_start].tolist()
    lengths = (positions[run_end] - positions[run_start] + min_words).tolist()
    docs = tok.doc[positions[run_start]].tolist() if len(run_start) else []
    # Runs grouped by their word ids first (cheap keys), then by passage as displayed, which is
    # what a row is (two id sequences could in principle display alike).
    ids = tok.ids
    by_ids: dict[bytes, list] = {}
    for first, n_words, doc in zip(firsts, lengths, docs, strict=True):
        entry = by_ids.setdefault(ids[first : first + n_words].tobytes(), [first, n_words, set(), 0])
        entry[2].add(doc)
        entry[3] += 1
    found: dict[str, list] = {}
    for first, n_words, run_docs, freq in by_ids.values():
        entry = found.setdefault(tok.form(first, n_words), [n_words, set(), 0, min(run_docs)])
        entry[1] |= run_docs
        entry[2] += freq
        entry[3] = min(entry[3], min(run_docs))
    frame = pd.DataFrame(
        [(passage, n, len(docs), freq, tok.doc_ids[doc]) for passage, (n, docs, freq, doc) in found.items()],
        columns=["passage", "n_words", "n_docs", "frequency", "doc_id"],
    ).astype({"passage": object, "n_words": "int64", "n_docs": "int64", "frequency": "int64",
              "doc_id": object})
    return frame.sort_values(["n_docs", "n_words", "passage"], ascending=[False, False, True],
                             kind="stable").reset_index(drop=True)


def formulaicity(
    corpus: pd.DataFrame | TokenIndex,
    *,
    lexicon: Mapping[str, dict] | str | Path | None = None,
    min_len: int = 2,
) -> pd.DataFrame:
    """Measure how much of each article is made of formulas and of shared segments.

    For each article, with the tokens of :func:`analysis.tokenize`:

    - ``formula_share = formula_tokens / n_tokens``, where ``formula_tokens``
      counts the tokens that overlap a match of :func:`analysis.find_formulas`
      (each token once, however many matches cover it);
    - ``segment_share = segment_tokens / n_tokens``, where ``segment_tokens``
      counts the tokens inside an occurrence of a repeated segment
      (:func:`repeated_segments`) of at least ``min_len`` word forms that
      occurs in at least two documents of the corpus. Equivalently: the tokens
      covered by a ``min_len``-gram, not crossing a strong delimiter, found in
      another article too (any longer shared segment is made of such
      ``min_len``-grams).

    Shares are in [0, 1]; an article without tokens gets 0. The segment share
    depends on the corpus: the same article shares more in a corpus of
    reprints of one communiqué than alone with unrelated texts. It is a
    descriptive proportion in the spirit of the "formulaic sequences"
    coverage measures (Wray 2002, *Formulaic Language and the Lexicon*;
    Salem 1987 for repeated segments), not a test statistic.

    Parameters
    ----------
    corpus
        One row per article with ``doc_id`` and ``text``.
    lexicon
        Passed to :func:`analysis.find_formulas`: ``None`` (the shipped
        lexicon), a path to a YAML lexicon or a lexicon from
        :func:`analysis.load_lexicon`.
    min_len
        Shortest shared segment counted, in word forms (at least 2 by default;
        1 would count every word also used elsewhere).

    Returns
    -------
    pandas.DataFrame
        One row per article, sorted by doc_id: ``doc_id``, ``n_tokens``,
        ``formula_tokens``, ``formula_share``, ``segment_tokens``,
        ``segment_share``.
    """
    check_integer("min_len", min_len, minimum=1)
    index = ensure_index(corpus)
    tok = _index_tokens(index)
    n_docs = len(tok.doc_ids)
    n_tokens = np.diff(tok.doc_first)

    # The matches of find_formulas, without its speaker attribution (not needed here).
    texts = index.texts
    found = corpus_matches(texts, resolve_lexicon(lexicon), views=[text_view(text) for text in texts])
    match_doc = np.repeat(np.arange(len(texts)), [len(m) for m in found])
    match_start = np.fromiter((m[0] for doc in found for m in doc), dtype=np.int64, count=len(match_doc))
    match_end = np.fromiter((m[2] for doc in found for m in doc), dtype=np.int64, count=len(match_doc))
    # Offsets made global (each text after the previous one and a gap), so one search finds, for every
    # match at once, the tokens overlapping [start, end): start < match end and end > match start.
    row = np.empty(len(texts), dtype=np.int64)
    row[np.argsort(np.asarray(index.doc_ids, dtype=object), kind="stable")] = np.arange(len(texts))
    base = np.concatenate([[0], np.cumsum([len(t) + 1 for t in tok.texts])]).astype(np.int64)
    token_base = base[tok.doc]
    first = np.searchsorted(tok.ends + token_base, match_start + base[row[match_doc]], side="right")
    last = np.searchsorted(tok.starts + token_base, match_end + base[row[match_doc]], side="left")
    first, last = first[last > first], last[last > first]  # a match covering no token covers nothing
    cover = np.bincount(first, minlength=len(tok.ids) + 1) - np.bincount(last, minlength=len(tok.ids) + 1)
    formula_cover = np.cumsum(cover[:-1]) > 0

    segment_cover = np.zeros(len(tok.ids) + 1, dtype=np.int64)
    for _, level in _levels(tok, min_freq=2, min_docs=2, max_len=min_len, within="sentence"):
        if level is not None and level.n == min_len:
            segment_cover[level.pos] += 1  # positions are distinct: no need for np.add.at
            segment_cover[level.pos + min_len] -= 1
    segment_cover = np.cumsum(segment_cover[:-1]) > 0

    formula_tokens = np.bincount(tok.doc[formula_cover], minlength=n_docs)
    segment_tokens = np.bincount(tok.doc[segment_cover], minlength=n_docs)
    safe = np.maximum(n_tokens, 1)
    return pd.DataFrame({
        "doc_id": pd.Series(tok.doc_ids, dtype=object),
        "n_tokens": n_tokens.astype("int64"),
        "formula_tokens": formula_tokens.astype("int64"),
        "formula_share": formula_tokens / safe,
        "segment_tokens": segment_tokens.astype("int64"),
        "segment_share": segment_tokens / safe,
    })


def _empty(columns: list[str], dtypes: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=d) for c, d in zip(columns, dtypes, strict=True)})
