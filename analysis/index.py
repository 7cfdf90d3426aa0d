"""Step 2b of the pipeline: the token index, a corpus tokenized once.

Every later step (counts, keyness, formulas, speech, segments, concordances)
reads the corpus through a :class:`TokenIndex`, in the spirit of quanteda's
corpus → tokens → dfm: the articles are tokenized once, and every step after
that works on integer arrays. Each function that takes a corpus frame also
takes an index; given a frame, it builds the index (or takes it from a small
in-memory cache keyed by the content of the frame, so that repeated calls in a
notebook do not tokenize again).

What the index holds
    ``corpus``
        The checked corpus frame (:func:`analysis.check_corpus`, row order
        kept, index reset): ``doc_id``, ``text`` and every metadata column, so
        ``by="source"`` works from the index alone.
    ``vocab``, ``token_ids``
        The tokens of :func:`analysis.tokenize` with ``lowercase=False`` (case
        kept, every apostrophe ``'``, every hyphen ``-``), as ``int32`` ids into
        one vocabulary of forms, numbered in order of first appearance.
    ``lower_of``, ``lower_vocab``
        For each form, the id of its lower-cased form (:func:`analysis.normalize`,
        the token :func:`analysis.tokenize` gives by default), computed once
        per form; :attr:`TokenIndex.lower_ids` gives it per token.
    lemmas
        :func:`analysis.lemma` of each lower-cased form, computed once per
        form on first use (:meth:`TokenIndex.lemmas`), never per token.
    word runs
        Where given words occur as whole words in each form
        (:meth:`TokenIndex.word_runs`, computed once per form on first use),
        so that :func:`analysis.find_formulas` finds where its phrases,
        cues and actor names can start from the token ids, without scanning
        the texts.
    ``starts``, ``ends``
        Character offsets of each token into its article's ``text``.
    ``doc_first``
        Index of each article's first token (length ``n_docs + 1``).
    ``breaks``
        True where a strong delimiter (:data:`STRONG_DELIMITERS`, see
        :func:`strong_delimiters`) precedes the token, or an article starts:
        repeated segments never cross one.
    sentences
        The sentences of :func:`analysis.sentences` of each article, as
        character spans (``sentence_starts``, ``sentence_ends``), the index of
        the first token at or after each start (``sentence_token``) and the
        index of each article's first sentence (``doc_sentence_first``).

All offsets and positions are NumPy arrays (``int32`` where they fit, ``int64``
for positions in the whole corpus), never lists of strings.

Building
    :func:`build_index` reads the articles in chunks of about a megabyte of
    text (a quarter with ``n_jobs > 1``, tokenized in separate processes),
    each chunk's articles joined by line breaks, which no token, sentence or
    delimiter crosses: tokens, sentences and delimiters are found with arrays
    of character classes (:func:`analysis.text.corpus_token_ids`,
    :func:`analysis.text.corpus_sentence_spans`,
    :func:`analysis.text.strong_delimiters`), regular expressions reading only
    the stretches that need them. The chunks' vocabularies are merged in
    order, so the result is the same whatever ``n_jobs``. A progress bar
    (tqdm) is shown past a few megabytes of text.

Saving, reloading, merging
    :func:`save_index` writes one ``.npz`` file (no pickled objects), keyed by
    a hash of every ``doc_id`` and text and by the tokenizer's version (a hash
    of the tokenizer's source and of simplemma's version); :func:`load_index`
    refuses, with :class:`analysis.TokenIndexError` naming the changed
    articles, a file built from other texts or by another tokenizer.
    :func:`merge_indexes` joins the indexes of two parts of a corpus into the
    index of the whole, identical to building it at once, so the same code can
    run partition by partition.
"""

from __future__ import annotations

import gc
import hashlib
import inspect
import io
import json
import re
import unicodedata
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from .corpus import check_corpus
from .errors import TokenIndexError, check_integer, check_progress
from .text import (
    corpus_sentence_spans,
    corpus_token_ids,
    lemma,
    normalize,
    sorted_unique,
    strong_delimiters,
)

#: Version of the index layout; part of the key of a saved index.
FORMAT_VERSION = 1
#: Characters (and the blank line) that end a sequence for repeated segments.
STRONG_DELIMITERS = (".", "!", "?", ";", ":", "…", "\n\n")
#: Characters of text tokenized per chunk (bounds the memory of a chunk's Python objects).
CHUNK_CHARS = 1_000_000
#: Characters per task of a parallel build (smaller, so that processes finish together).
PARALLEL_CHUNK_CHARS = 250_000
#: Above this many characters, :func:`build_index` shows a progress bar by default.
PROGRESS_CHARS = 5_000_000
#: Indexes of corpus frames kept in memory by :func:`ensure_index`.
CACHE_SIZE = 4

_ARRAYS = ("token_ids", "lower_of", "starts", "ends", "doc_first", "breaks", "sentence_starts",
           "sentence_ends", "sentence_token", "doc_sentence_first", "doc_hashes")
# A whole word of analysis.text.word_starts: a maximal run of re's \w but ʼ.
_WORD_RUN_RE = re.compile(r"[^\Wʼ]+")


def string_ranks(strings: np.ndarray) -> np.ndarray:
    """The rank of each string of an array in sorted (code point) order (``int32``)."""
    order = sorted(range(len(strings)), key=strings.tolist().__getitem__)
    rank = np.empty(len(order), dtype=np.int32)
    rank[order] = np.arange(len(order), dtype=np.int32)
    return rank


@lru_cache(maxsize=1)
def tokenizer_version() -> str:
    """A hash of the tokenizer's source, of simplemma's version and of the index layout.

    Any change to the tokenizer, the sentence splitter, the strong delimiters
    or the lemmatizer changes it, so a saved index built by another version is
    refused by :func:`load_index`.
    """
    from importlib.metadata import version

    from . import text

    digest = hashlib.sha256()
    digest.update(inspect.getsource(text).encode("utf-8"))
    digest.update(inspect.getsource(strong_delimiters).encode("utf-8"))
    digest.update(f"{FORMAT_VERSION}|{version('simplemma')}".encode())
    return digest.hexdigest()[:16]


def document_hashes(corpus: pd.DataFrame) -> np.ndarray:
    """A 64-bit hash of each article's ``doc_id`` and ``text`` (``uint64``, corpus order)."""
    return _hashes(corpus["doc_id"].tolist(), corpus["text"].tolist())


def _hashes(doc_ids: list, texts: list[str]) -> np.ndarray:
    out = np.empty(len(texts), dtype=np.uint64)
    for i, (doc_id, text) in enumerate(zip(doc_ids, texts, strict=True)):
        digest = hashlib.blake2b(str(doc_id).encode("utf-8", "surrogatepass"), digest_size=8)
        digest.update(b"\x00")
        digest.update(text.encode("utf-8", "surrogatepass"))
        out[i] = int.from_bytes(digest.digest(), "little")
    return out


def _corpus_key(doc_hashes: np.ndarray) -> str:
    return hashlib.blake2b(doc_hashes.tobytes(), digest_size=16).hexdigest()


class _SentenceLists(Sequence):
    """Per article, its sentences ``(sentence, start, end)`` as :func:`analysis.sentences` gives them."""

    def __init__(self, index: TokenIndex):
        self._index = index

    def __len__(self) -> int:
        return self._index.n_docs

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        return self._index.sentences(i)


@dataclass(eq=False)
class TokenIndex:
    """A corpus tokenized once (fields in the module docstring); build it with :func:`build_index`."""

    corpus: pd.DataFrame
    vocab: np.ndarray
    token_ids: np.ndarray
    lower_of: np.ndarray
    lower_vocab: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    doc_first: np.ndarray
    breaks: np.ndarray
    sentence_starts: np.ndarray
    sentence_ends: np.ndarray
    sentence_token: np.ndarray
    doc_sentence_first: np.ndarray
    doc_hashes: np.ndarray
    tokenizer_version: str
    _cache: dict = field(default_factory=dict, init=False, repr=False)

    def __repr__(self) -> str:
        return (f"TokenIndex({self.n_docs} articles, {self.n_tokens} tokens, {len(self.vocab)} forms, "
                f"{len(self.lower_vocab)} lower-cased forms)")

    @property
    def n_docs(self) -> int:
        return len(self.doc_first) - 1

    @property
    def n_tokens(self) -> int:
        return len(self.token_ids)

    @property
    def key(self) -> str:
        """The hash of every ``doc_id`` and text (a saved index is keyed by it)."""
        return _corpus_key(self.doc_hashes)

    @property
    def doc_ids(self) -> list[str]:
        return self.corpus["doc_id"].tolist()

    @property
    def texts(self) -> list[str]:
        return self.corpus["text"].tolist()

    @property
    def doc_sizes(self) -> np.ndarray:
        """Tokens of each article (``int64``), every token included."""
        return np.diff(self.doc_first)

    @property
    def lower_ids(self) -> np.ndarray:
        """The lower-cased form id of every token (``int32``; into ``lower_vocab``)."""
        if "lower_ids" not in self._cache:
            self._cache["lower_ids"] = self.lower_of[self.token_ids]
        return self._cache["lower_ids"]

    @property
    def token_doc(self) -> np.ndarray:
        """The article (row number) of every token (``int32``)."""
        if "token_doc" not in self._cache:
            self._cache["token_doc"] = np.repeat(np.arange(self.n_docs, dtype=np.int32), self.doc_sizes)
        return self._cache["token_doc"]

    def lemmas(self) -> tuple[np.ndarray, np.ndarray]:
        """``(lemma_of, lemma_vocab)``: the lemma id of each lower-cased form, and the lemmas.

        :func:`analysis.lemma` is called once per lower-cased form, on first use.
        """
        if "lemmas" not in self._cache:
            codes, uniques = pd.factorize(pd.Series([lemma(w) for w in self.lower_vocab], dtype=object))
            self._cache["lemmas"] = (codes.astype(np.int32), np.asarray(uniques, dtype=object))
        return self._cache["lemmas"]

    def lower_ranks(self) -> np.ndarray:
        """The rank of each lower-cased form in sorted (code point) order (``int32``), kept once computed."""
        if "lower_ranks" not in self._cache:
            self._cache["lower_ranks"] = string_ranks(self.lower_vocab)
        return self._cache["lower_ranks"]

    def sentences(self, i: int) -> list[tuple[str, int, int]]:
        """The sentences of article ``i`` (row number), exactly as :func:`analysis.sentences` gives them."""
        text = self.corpus["text"].iat[i]
        lo, hi = self.doc_sentence_first[i], self.doc_sentence_first[i + 1]
        return [(text[a:b], a, b) for a, b in zip(self.sentence_starts[lo:hi].tolist(),
                                                   self.sentence_ends[lo:hi].tolist(), strict=True)]

    def sentence_lists(self) -> Sequence[list[tuple[str, int, int]]]:
        """Every article's :meth:`sentences`, built lazily on access (``lists[i]``)."""
        return _SentenceLists(self)

    def sentence_counts(self) -> np.ndarray:
        """Sentences of each article (``int64``)."""
        return np.diff(self.doc_sentence_first)

    def spellings(self) -> dict[str, str]:
        """Each lower-cased form → the spelling it has most often (ties: the one met first).

        Computed once from the token ids and kept (``as_written`` reads it).
        """
        if "spellings" not in self._cache:
            counts = np.bincount(self.token_ids, minlength=len(self.vocab))
            ids = np.arange(len(self.vocab))  # ids number forms by first appearance
            order = np.lexsort((ids, -counts, self.lower_of))
            first = np.ones(len(order), dtype=bool)
            first[1:] = self.lower_of[order][1:] != self.lower_of[order][:-1]
            best = order[first]
            self._cache["spellings"] = dict(zip(self.lower_vocab[self.lower_of[best]].tolist(),
                                                self.vocab[best].tolist(), strict=True))
        return self._cache["spellings"]

    def word_runs(self, words: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Where ``words`` occur as whole words in the forms: ``(first, offset, number)``.

        A whole word is a maximal run of word characters, as for
        :func:`analysis.text.word_starts`, in the form in lower case
        (``str.lower``, but ``İ`` gives ``i``, so that offsets are kept);
        ``gagnant-gagnant`` holds ``gagnant`` at 0 and 8. Form ``k`` holds the
        words ``number[first[k]:first[k + 1]]`` (positions in ``words``) at
        ``offset[first[k]:first[k + 1]]`` (from its start). Computed once per
        form, and kept for the last ``words`` asked for.
        """
        key = ("word_runs", words)
        if key not in self._cache:
            number_of = {word: k for k, word in enumerate(words)}
            counts = np.zeros(len(self.vocab), dtype=np.int64)
            offsets: list[int] = []
            numbers: list[int] = []
            for k, form in enumerate(self.vocab.tolist()):
                lowered = form.replace("\u0130", "I").lower()
                if lowered.isalnum():  # one run, the whole form (most forms)
                    if (number := number_of.get(lowered)) is not None:
                        counts[k] = 1
                        offsets.append(0)
                        numbers.append(number)
                else:
                    for run in _WORD_RUN_RE.finditer(lowered):
                        if (number := number_of.get(run.group())) is not None:
                            counts[k] += 1
                            offsets.append(run.start())
                            numbers.append(number)
            for old in [name for name in self._cache if isinstance(name, tuple)]:
                del self._cache[old]
            self._cache[key] = (np.concatenate(([0], np.cumsum(counts))),
                                np.array(offsets, dtype=np.int64), np.array(numbers, dtype=np.int64))
        return self._cache[key]

    def with_corpus(self, corpus: pd.DataFrame) -> TokenIndex:
        """The same index over a frame with the same ``doc_id`` and texts but other metadata."""
        new = replace(self, corpus=corpus.reset_index(drop=True))
        new._cache.update(self._cache)
        return new


# --------------------------------------------------------------------------- building


def _tokenize_chunk(part: tuple[list[str], list[str]]) -> dict:
    """Tokenize articles ``(doc_ids, texts)``: positions relative to the chunk, forms as chunk-local ids."""
    doc_ids, texts = part
    # Millions of short-lived strings, none in a cycle: the cyclic collector would only rescan them.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        chunk = _tokenize_texts(texts)
    finally:
        if was_enabled:
            gc.enable()
    chunk["doc_hashes"] = _hashes(doc_ids, texts)
    return chunk


def _tokenize_texts(texts: list[str]) -> dict:
    vocab, ids, starts, ends, sizes = corpus_token_ids(texts, lowercase=False)
    sentence_starts, sentence_ends, sentence_counts = corpus_sentence_spans(texts)
    # Delimiters and sentences are found in the texts joined by line breaks, and each is
    # placed before the first token starting after it: in the joined text, the first
    # token of a text always opens a stretch, and a delimiter in the line breaks around
    # a join (a blank line) can only fall on that token.
    bases = np.cumsum([0] + [len(text) + 1 for text in texts], dtype=np.int64)[:len(texts)]
    joined_starts = starts + np.repeat(bases, sizes)
    firsts = np.cumsum(sizes) - sizes
    after = np.searchsorted(joined_starts, np.asarray(strong_delimiters("\n".join(texts)), dtype=np.int64),
                            "right")
    breaks = sorted_unique(np.concatenate((after[after < len(ids)], firsts[sizes > 0])))
    sentence_token = np.searchsorted(joined_starts, sentence_starts + np.repeat(bases, sentence_counts))
    return {
        "uniques": vocab, "codes": ids.astype(np.int32),
        "starts": starts, "ends": ends, "sizes": sizes, "breaks": breaks.astype(np.int64),
        "sentence_starts": sentence_starts, "sentence_ends": sentence_ends,
        "sentence_token": sentence_token.astype(np.int64),
        "sentence_counts": sentence_counts.astype(np.int64), "chars": sum(map(len, texts)),
    }


def chunk_bounds(texts: Sequence[str], chunk_chars: int) -> list[tuple[int, int]]:
    """Consecutive ``(lo, hi)`` ranges of texts holding about ``chunk_chars`` characters each.

    A range ends with the text that takes it to ``chunk_chars`` (so a huge
    text is a range of its own); there is always at least one range.
    """
    bounds, size, lo = [], 0, 0
    for i, text in enumerate(texts):
        size += len(text)
        if size >= chunk_chars:
            bounds.append((lo, i + 1))
            lo, size = i + 1, 0
    if lo < len(texts) or not bounds:
        bounds.append((lo, len(texts)))
    return bounds


def by_chunks(texts: Sequence[str], func: Callable[[int, int], list], *, progress: bool | None,
              desc: str) -> list:
    """``func(lo, hi)`` (one result per text) of each :func:`chunk_bounds` of ``texts``, joined.

    The chunks hold about :data:`CHUNK_CHARS` characters; a progress bar
    (tqdm) labelled ``desc`` shows past :data:`PROGRESS_CHARS` characters when
    ``progress`` is ``None``.
    """
    from tqdm import tqdm  # the text bar: tqdm.auto needs ipywidgets in notebooks

    total = sum(map(len, texts))
    found: list = []
    with tqdm(total=total, unit="char", unit_scale=True, desc=desc,
              disable=not (progress if progress is not None else total > PROGRESS_CHARS)) as bar:
        for lo, hi in chunk_bounds(texts, CHUNK_CHARS):
            found += func(lo, hi)
            bar.update(sum(map(len, texts[lo:hi])))
    return found


def _offset_dtype(max_value: int) -> type:
    return np.int32 if max_value < 2**31 else np.int64


def check_parallel(*, n_jobs: object, progress: object) -> None:
    """Check the ``n_jobs`` (an integer >= 1) and ``progress`` (``None``, ``True``, ``False``) options."""
    check_integer("n_jobs", n_jobs, minimum=1)
    check_progress(progress)


def build_index(corpus: pd.DataFrame, *, n_jobs: int = 1, progress: bool | None = None) -> TokenIndex:
    """Tokenize a corpus once into a :class:`TokenIndex` (see the module docstring).

    Parameters
    ----------
    corpus
        A corpus frame (:func:`analysis.load_corpus`): ``doc_id``, ``text`` and
        any metadata columns.
    n_jobs
        Processes tokenizing chunks of articles in parallel (1: in this
        process). The result does not depend on it.
    progress
        Show a progress bar (tqdm): ``None`` (default) shows one past
        :data:`PROGRESS_CHARS` characters of text.

    Returns
    -------
    TokenIndex
    """
    frame = check_corpus(corpus).reset_index(drop=True)
    check_parallel(n_jobs=n_jobs, progress=progress)
    from tqdm import tqdm  # the text bar: tqdm.auto needs ipywidgets in notebooks

    texts = frame["text"].tolist()
    doc_ids = frame["doc_id"].tolist()
    bounds = chunk_bounds(texts, CHUNK_CHARS if n_jobs == 1 else PARALLEL_CHUNK_CHARS)
    total = sum(map(len, texts))
    show = progress if progress is not None else total > PROGRESS_CHARS
    parts = ((doc_ids[lo:hi], texts[lo:hi]) for lo, hi in bounds)
    chunks = []
    with tqdm(total=total, unit="char", unit_scale=True, desc="token index", disable=not show) as bar:
        if n_jobs > 1 and len(bounds) > 1:
            with ProcessPoolExecutor(max_workers=int(n_jobs)) as pool:
                for chunk in pool.map(_tokenize_chunk, parts):
                    chunks.append(chunk)
                    bar.update(chunk["chars"])
        else:
            for chunk in map(_tokenize_chunk, parts):
                chunks.append(chunk)
                bar.update(chunk["chars"])
    return _merge_chunks(frame, chunks)


def _merge_chunks(frame: pd.DataFrame, chunks: list[dict]) -> TokenIndex:
    """One index from the chunks' results: one vocabulary in order of first appearance, global positions."""
    uniques = [chunk["uniques"] for chunk in chunks]
    # Factorizing the chunks' vocabularies one after the other numbers forms by first appearance.
    codes, vocab = pd.factorize(pd.Series([u for chunk in uniques for u in chunk], dtype=object), sort=False)
    codes = codes.astype(np.int32)
    pieces: dict[str, list[np.ndarray]] = {name: [] for name in (
        "token_ids", "starts", "ends", "sizes", "breaks", "sentence_starts", "sentence_ends",
        "sentence_token", "sentence_counts", "doc_hashes")}
    n_tokens = n_uniques = 0
    for chunk in chunks:
        mapping = codes[n_uniques:n_uniques + len(chunk["uniques"])]
        n_uniques += len(chunk["uniques"])
        pieces["token_ids"].append(mapping[chunk["codes"]])
        for name in ("starts", "ends", "sizes", "sentence_starts", "sentence_ends", "sentence_counts",
                     "doc_hashes"):
            pieces[name].append(chunk[name])
        pieces["breaks"].append(chunk["breaks"] + n_tokens)
        pieces["sentence_token"].append(chunk["sentence_token"] + n_tokens)
        n_tokens += len(chunk["codes"])
    vocab = np.asarray(vocab, dtype=object)
    lower_of, lower_vocab = _lower_forms(vocab)
    doc_hashes = np.concatenate([np.empty(0, np.uint64), *pieces.pop("doc_hashes")])
    return _assemble(frame, vocab, lower_of, lower_vocab, pieces, doc_hashes)


def _lower_forms(vocab: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The lower-cased form (:func:`analysis.normalize`) of each form, as ids into the lower-cased forms."""
    forms = vocab.tolist()
    # The forms are tokens: NFC, marks unified, no ignorable, no line break. Lower-casing and
    # composing them joined by line breaks (which neither changes nor crosses) is one call each.
    lowered = unicodedata.normalize("NFC", "\n".join(forms).lower()).split("\n") if forms else []
    if len(lowered) != len(forms):
        lowered = [normalize(f) for f in forms]
    codes, uniques = pd.factorize(pd.Series(lowered, dtype=object), sort=False)
    return codes.astype(np.int32), np.asarray(uniques, dtype=object)


def _assemble(frame, vocab, lower_of, lower_vocab, pieces, doc_hashes) -> TokenIndex:
    def cat(name, dtype=np.int64):
        return np.concatenate([np.empty(0, dtype), *pieces[name]]).astype(dtype, copy=False)

    token_ids = cat("token_ids", np.int32)
    n = len(token_ids)
    breaks = np.zeros(n, dtype=bool)
    breaks[cat("breaks")] = True
    longest = int(frame["text"].str.len().max()) if len(frame) else 0
    offset = _offset_dtype(longest + 1)
    return TokenIndex(
        corpus=frame, vocab=vocab, token_ids=token_ids, lower_of=lower_of, lower_vocab=lower_vocab,
        starts=cat("starts").astype(offset), ends=cat("ends").astype(offset),
        doc_first=np.concatenate([[0], np.cumsum(cat("sizes"))]).astype(np.int64),
        breaks=breaks, sentence_starts=cat("sentence_starts").astype(offset),
        sentence_ends=cat("sentence_ends").astype(offset), sentence_token=cat("sentence_token"),
        doc_sentence_first=np.concatenate([[0], np.cumsum(cat("sentence_counts"))]).astype(np.int64),
        doc_hashes=doc_hashes, tokenizer_version=tokenizer_version(),
    )


# --------------------------------------------------------------------------- the cache of ensure_index

_CACHE: dict[str, TokenIndex] = {}


def ensure_index(corpus: pd.DataFrame | TokenIndex, *, name: str = "corpus") -> TokenIndex:
    """The index of a corpus: ``corpus`` itself if it is one, else built (or taken from the cache).

    The cache holds the indexes of the last :data:`CACHE_SIZE` frames, keyed
    by the hash of their ``doc_id`` and texts (so an edited frame is
    tokenized again); metadata is always that of the frame given.
    """
    if isinstance(corpus, TokenIndex):
        return corpus
    frame = check_corpus(corpus, name=name).reset_index(drop=True)
    key = _corpus_key(document_hashes(frame))
    cached = _CACHE.pop(key, None)
    index = build_index(frame) if cached is None else cached.with_corpus(frame)
    _CACHE[key] = index
    while len(_CACHE) > CACHE_SIZE:
        _CACHE.pop(next(iter(_CACHE)))
    return index


def clear_index_cache() -> None:
    """Forget the indexes :func:`ensure_index` keeps in memory."""
    _CACHE.clear()


# --------------------------------------------------------------------------- merging


def merge_indexes(a: TokenIndex, b: TokenIndex) -> TokenIndex:
    """The index of the articles of ``a`` followed by those of ``b``, as if built at once.

    Raises
    ------
    ValueError
        If an argument is not a :class:`TokenIndex`, the two were built by
        different tokenizer versions, or they share a ``doc_id``.
    """
    for name, value in (("a", a), ("b", b)):
        if not isinstance(value, TokenIndex):
            raise ValueError(f"{name} must be a TokenIndex from build_index (got {type(value).__name__})")
    if a.tokenizer_version != b.tokenizer_version:
        raise ValueError("a and b were built by different tokenizer versions; rebuild one of them")
    shared = sorted(set(a.doc_ids) & set(b.doc_ids))
    if shared:
        raise ValueError(f"a and b share doc_id values {shared[:3]}; a corpus has each article once")
    vocabulary = {form: i for i, form in enumerate(a.vocab.tolist())}
    mapping = np.fromiter((vocabulary.setdefault(f, len(vocabulary)) for f in b.vocab.tolist()),
                          dtype=np.int32, count=len(b.vocab))
    vocab = np.empty(len(vocabulary), dtype=object)
    vocab[:] = list(vocabulary)
    new_types = np.flatnonzero(mapping >= len(a.vocab))
    lower_forms = np.concatenate([a.lower_vocab[a.lower_of], b.lower_vocab[b.lower_of[new_types]]])
    codes, lower_vocab = pd.factorize(pd.Series(lower_forms, dtype=object), sort=False)
    frame = pd.concat([a.corpus, b.corpus], ignore_index=True)
    offset = np.int32 if a.starts.dtype == b.starts.dtype == np.int32 else np.int64
    shift = a.n_tokens
    return TokenIndex(
        corpus=frame, vocab=vocab, token_ids=np.concatenate([a.token_ids, mapping[b.token_ids]]),
        lower_of=codes.astype(np.int32), lower_vocab=np.asarray(lower_vocab, dtype=object),
        starts=np.concatenate([a.starts, b.starts]).astype(offset),
        ends=np.concatenate([a.ends, b.ends]).astype(offset),
        doc_first=np.concatenate([a.doc_first, b.doc_first[1:] + shift]),
        breaks=np.concatenate([a.breaks, b.breaks]),
        sentence_starts=np.concatenate([a.sentence_starts, b.sentence_starts]).astype(offset),
        sentence_ends=np.concatenate([a.sentence_ends, b.sentence_ends]).astype(offset),
        sentence_token=np.concatenate([a.sentence_token, b.sentence_token + shift]),
        doc_sentence_first=np.concatenate([a.doc_sentence_first,
                                           b.doc_sentence_first[1:] + a.doc_sentence_first[-1]]),
        doc_hashes=np.concatenate([a.doc_hashes, b.doc_hashes]), tokenizer_version=a.tokenizer_version,
    )


# --------------------------------------------------------------------------- saving and loading


def _pack(strings: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Strings as one UTF-8 byte array and the end offset of each."""
    encoded = [s.encode("utf-8", "surrogatepass") for s in strings]
    ends = np.cumsum([len(e) for e in encoded], dtype=np.int64)
    return np.frombuffer(b"".join(encoded), dtype=np.uint8), ends


def _unpack(data: np.ndarray, ends: np.ndarray) -> list[str]:
    raw = data.tobytes()
    starts = np.concatenate([[0], ends[:-1]]).tolist()
    return [raw[a:b].decode("utf-8", "surrogatepass") for a, b in zip(starts, ends.tolist(), strict=True)]


def save_index(index: TokenIndex, path: str | Path) -> Path:
    """Write an index to one ``.npz`` file (the corpus frame included); return its path.

    The file holds the key of the index (hash of the texts, tokenizer
    version), checked by :func:`load_index`. Lemmas are saved when they have
    been computed.
    """
    if not isinstance(index, TokenIndex):
        raise ValueError(f"index must be a TokenIndex from build_index (got {type(index).__name__})")
    path = Path(path).expanduser()
    if path.suffix != ".npz":
        raise ValueError(f"path must end in .npz (got {str(path)!r})")
    path.parent.mkdir(parents=True, exist_ok=True)
    arrays = {name: getattr(index, name) for name in _ARRAYS}
    for name, strings in (("vocab", index.vocab.tolist()), ("lower_vocab", index.lower_vocab.tolist()),
                          ("texts", index.texts)):
        arrays[f"{name}_data"], arrays[f"{name}_ends"] = _pack(strings)
    if "lemmas" in index._cache:
        lemma_of, lemma_vocab = index._cache["lemmas"]
        arrays["lemma_of"] = lemma_of
        arrays["lemma_vocab_data"], arrays["lemma_vocab_ends"] = _pack(lemma_vocab.tolist())
    meta = index.corpus.drop(columns=["text"]).to_json(orient="table", index=False, date_unit="ns")
    header = {"format": FORMAT_VERSION, "tokenizer": index.tokenizer_version, "key": index.key,
              "dtypes": {str(c): str(t) for c, t in index.corpus.dtypes.items()}}
    arrays["header"] = np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)
    arrays["metadata"] = np.frombuffer(meta.encode("utf-8"), dtype=np.uint8)
    with open(path, "wb") as handle:
        np.savez(handle, **arrays)
    return path


def load_index(path: str | Path, corpus: pd.DataFrame | None = None) -> TokenIndex:
    """Read an index written by :func:`save_index`.

    Parameters
    ----------
    path
        The ``.npz`` file.
    corpus
        The corpus the index is for (as loaded now). When given, every
        article is checked against the index and the index takes this
        frame's metadata; when ``None``, the frame saved in the file is used.

    Raises
    ------
    TokenIndexError
        Naming the file and the problem: not an index file, built by another
        tokenizer version, or built from other texts (the changed, added or
        removed articles are listed). Rebuild with :func:`build_index` and
        :func:`save_index`.
    """
    path = Path(path).expanduser()
    if not path.is_file():
        raise TokenIndexError(f"{path}: index file not found")
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {name: data[name] for name in data.files}
        header = json.loads(arrays["header"].tobytes().decode())
    except (OSError, ValueError, KeyError) as exc:
        raise TokenIndexError(f"{path}: not an index written by save_index ({exc})") from None
    if header.get("format") != FORMAT_VERSION or header.get("tokenizer") != tokenizer_version():
        raise TokenIndexError(
            f"{path}: built by another version of the tokenizer ({header.get('tokenizer')}, now "
            f"{tokenizer_version()}); rebuild it with build_index and save_index"
        )
    doc_hashes = arrays["doc_hashes"]
    if _corpus_key(doc_hashes) != header["key"]:
        raise TokenIndexError(f"{path}: the file is damaged (its key does not match its articles)")
    metadata = pd.read_json(io.StringIO(arrays["metadata"].tobytes().decode("utf-8")), orient="table")
    metadata = metadata.reset_index(drop=True)
    metadata["doc_id"] = metadata["doc_id"].astype(str)
    if corpus is None:
        texts = _unpack(arrays["texts_data"], arrays["texts_ends"])
        frame = metadata.copy()
        frame.insert(1, "text", pd.Series(texts, dtype=header.get("dtypes", {}).get("text", object)))
        frame = _restore_dtypes(frame, header.get("dtypes", {}))
    else:
        frame = check_corpus(corpus).reset_index(drop=True)
        now = document_hashes(frame)
        if _corpus_key(now) != header["key"]:
            differences = _differences(metadata["doc_id"].tolist(), doc_hashes, frame, now)
            raise TokenIndexError(f"{path}: {differences}; rebuild it with build_index and save_index")
    index = TokenIndex(
        corpus=frame,
        vocab=np.asarray(_unpack(arrays["vocab_data"], arrays["vocab_ends"]), dtype=object),
        lower_vocab=np.asarray(_unpack(arrays["lower_vocab_data"], arrays["lower_vocab_ends"]), dtype=object),
        tokenizer_version=header["tokenizer"], **{name: arrays[name] for name in _ARRAYS},
    )
    if "lemma_of" in arrays:
        lemma_vocab = _unpack(arrays["lemma_vocab_data"], arrays["lemma_vocab_ends"])
        index._cache["lemmas"] = (arrays["lemma_of"], np.asarray(lemma_vocab, dtype=object))
    return index


def _restore_dtypes(frame: pd.DataFrame, dtypes: dict[str, str]) -> pd.DataFrame:
    """Give the columns read back from JSON the dtypes they were saved with (where possible)."""
    for column, dtype in dtypes.items():
        if column in frame.columns and str(frame[column].dtype) != dtype:
            try:
                frame[column] = frame[column].astype(dtype)
            except (TypeError, ValueError):
                pass
    return frame


def _differences(saved_ids: list[str], saved: np.ndarray, frame: pd.DataFrame, now: np.ndarray) -> str:
    """Which articles differ between a saved index and a corpus, in words."""
    before = dict(zip(saved_ids, saved.tolist(), strict=True))
    after = dict(zip(frame["doc_id"].tolist(), now.tolist(), strict=True))
    changed = sorted(d for d in before.keys() & after.keys() if before[d] != after[d])
    added, removed = sorted(after.keys() - before.keys()), sorted(before.keys() - after.keys())
    parts = [f"{len(ids)} {what} ({', '.join(ids[:3])}{'…' if len(ids) > 3 else ''})"
             for what, ids in (("changed", changed), ("added", added), ("removed", removed)) if ids]
    if not parts:
        return "the corpus lists the same articles in another order than the index"
    return "the corpus differs from the index: articles " + "; ".join(parts)
