"""Step 5 of the pipeline: new wordings of known formulas, proposed for the lexicon.

The lexicon (:mod:`analysis.formulas`) finds only the wordings it lists. In
coverage of the 2024 Forum on China–Africa Cooperation, the *communauté de
destin* reads « communauté Chine-Afrique à toute épreuve avec un avenir
commun pour la nouvelle ère », which no variant matches. This module looks
for such passages so that the analyst can judge them and add them.

Key words of a family
    The words of its variants (:func:`analysis.formulas.required_words`,
    words of optional groups included; alternatives holding a ``*``
    wildcard and French stop words left out), compared by lemma
    (:func:`analysis.lemma`) and, for a hyphenated token, by each of its
    parts. A key word's *weight* is the share of the family's variants that
    hold it; the *head* words are those of the highest weight
    (``communauté`` for the community of shared future).

Candidates
    A candidate is a stretch of one sequence (between two strong delimiters,
    :data:`analysis.segments.STRONG_DELIMITERS`) that

    1. runs from a key word to a key word of the same family, with at most
       ``max_gap`` tokens between two consecutive key words;
    2. holds a head word and at least ``min_key_words`` distinct key words;
    3. has a key word outside every match of that family
       (:func:`analysis.find_formulas`): the wording is not listed. A
       longer wording around a listed one is proposed (``un multilatéralisme
       véritable`` holds the listed ``multilatéralisme``), and, once added,
       wins over it (the longest match is kept).

    A candidate is extended to the right over a complement that opens with
    a preposition (``pour la nouvelle ère``, ``de l'humanité``) when the
    sequence or a comma ends within ``extend`` tokens. Candidates with the
    same tokens are grouped; groups are ranked by ``score`` (the sum of the
    weights of their distinct key words), then by number of occurrences,
    then alphabetically.

Adding a wording (one step)
    Each row's ``yaml_snippet`` is a complete user lexicon: the family as
    the lexicon has it, plus the candidate as a new variant. Save it to a
    file and pass the path as ``lexicon=`` to :func:`analysis.find_formulas`
    (or :func:`analysis.load_lexicon`); a user family with a shipped ``id``
    replaces the shipped one, which is why the snippet repeats its
    variants. To add several wordings of one family, add their ``phrase``
    lines under ``variants`` of one snippet.

Limits
    The search goes by the family's own words: a rewording that keeps none
    of them twice (a pure paraphrase) is not found, and a sentence that
    merely uses two key words (``communauté internationale`` … ``avenir``)
    is proposed, ranked low. The analyst decides.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from .index import TokenIndex, ensure_index
from .lexicon import resolve_lexicon
from .phrases import required_words, slugify
from .segments import join_tokens
from .text import lemma, stopword_list
from .trends import article_matches

CANDIDATE_COLUMNS = ["family", "candidate", "phrase", "key_words", "n_key_words", "score", "count", "n_docs",
                     "doc_id", "start", "end", "left", "right", "yaml_snippet"]
#: Words that may open the complement a candidate is extended over.
PREPOSITIONS = frozenset({"pour", "de", "d'", "du", "des", "dans", "entre", "en", "à", "au", "aux", "avec"})
_CONTEXT_WORDS = 8
# A standalone optional group "(de la|la)" (not optional letters "partenariat(s)", nor "\\(OCS\\)").
_GROUP_RE = re.compile(r"(?:(?<=\s)|^)\(([^()\\]*)\)(?=\s|$)")


@lru_cache(maxsize=64)
def _family_keys(family_id: str, phrases: tuple[str, ...]) -> tuple[dict[str, float], frozenset[str]]:
    """``({key lemma: weight}, head lemmas)`` of a family from its variant phrases."""
    stop = stopword_list()
    per_variant = []
    for phrase in phrases:
        words: set[str] = set()
        # Optional groups count too: "communauté de destin (commun)" holds "commun".
        flat = _GROUP_RE.sub(lambda m: m.group(1).replace("|", " "), phrase)
        # A word with a wildcard ("Chine-*|sino-*") stands for names, not for the formula.
        flat = " ".join(word for word in flat.split(" ") if "*" not in word)
        try:
            sets = required_words(flat)
        except ValueError:
            continue
        for alternatives in sets:
            for word in alternatives:
                if "*" in word or len(word) < 3 or word in stop:
                    continue
                words.add(lemma(word).lower())
        per_variant.append(words)
    if not per_variant:
        return {}, frozenset()
    counts: dict[str, int] = {}
    for words in per_variant:
        for word in words:
            counts[word] = counts.get(word, 0) + 1
    weights = {word: n / len(per_variant) for word, n in counts.items()}
    top = max(weights.values(), default=0)
    return weights, frozenset(w for w, v in weights.items() if v == top)


def family_key_words(family: Mapping) -> pd.DataFrame:
    """The key words of one family of a lexicon, with their weight and whether they are heads.

    Returns ``key_word`` (a lemma), ``weight`` (share of variants holding
    it), ``head``; sorted by weight (highest first), then key word.
    """
    phrases = tuple(v["phrase"] for v in family["variants"] if v.get("phrase"))
    weights, heads = _family_keys(family["id"], phrases)
    frame = pd.DataFrame({"key_word": pd.Series(list(weights), dtype=object),
                          "weight": pd.Series(list(weights.values()), dtype=float)})
    frame["head"] = frame["key_word"].isin(heads)
    frame = frame.sort_values(["weight", "key_word"], ascending=[False, True], kind="stable")
    return frame.reset_index(drop=True)


def formula_candidates(
    corpus: pd.DataFrame | TokenIndex,
    *,
    family: str | None = None,
    lexicon: Mapping[str, dict] | str | Path | None = None,
    min_key_words: int = 2,
    max_gap: int = 8,
    extend: int = 6,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Passages that look like a formula family but match none of its variants.

    Key words, candidates, ranking and how to add a wording: module docstring.

    Parameters
    ----------
    corpus
        One row per article with ``doc_id`` and ``text``, or its token index
        (:func:`analysis.build_index`).
    family
        One family id, or ``None`` for every family of the lexicon.
    lexicon
        As in :func:`analysis.find_formulas` (a path to your own lexicon
        extends the shipped one).
    min_key_words
        Distinct key words a candidate must hold (at least 2).
    max_gap
        Most tokens between two consecutive key words of a candidate.
    extend
        Most tokens of the complement a candidate is extended over (0: none).
    progress
        Show a progress bar (tqdm) while formulas are searched: ``None``
        (default) shows one past :data:`analysis.index.PROGRESS_CHARS`
        characters of text.

    Returns
    -------
    pandas.DataFrame
        One row per distinct candidate: ``family``, ``candidate`` (as the
        first occurrence writes it), ``phrase`` (the variant to add, in the
        lexicon's phrase syntax), ``key_words`` (``|``-joined lemmas),
        ``n_key_words``, ``score``, ``count`` (occurrences), ``n_docs``,
        then the first occurrence: ``doc_id``, ``start``, ``end`` (offsets
        into its text), ``left`` and ``right`` (a KWIC line, 8 tokens each
        side), and ``yaml_snippet`` (a user lexicon adding the phrase).
        Sorted by score (highest first), count (highest first), family,
        phrase. Empty when every wording is listed.
    """
    families = resolve_lexicon(lexicon)
    if family is not None and family not in families:
        raise ValueError(f"family must be None or one of {sorted(families)} (got {family!r})")
    for name, value, minimum in (("min_key_words", min_key_words, 2), ("max_gap", max_gap, 1),
                                 ("extend", extend, 0)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
            raise ValueError(f"{name} must be an integer >= {minimum} (got {value!r})")
    if progress is not None and not isinstance(progress, bool):
        raise ValueError(f"progress must be None, True or False (got {progress!r})")
    chosen = [family] if family is not None else list(families)
    keys = {}
    for fid in chosen:
        phrases = tuple(v["phrase"] for v in families[fid]["variants"] if v.get("phrase"))
        weights, heads = _family_keys(fid, phrases)
        if len(weights) >= min_key_words:
            keys[fid] = (weights, heads)
    if not keys:
        return _empty()

    index = ensure_index(corpus)
    vocab, ids, breaks = index.lower_vocab.tolist(), index.lower_ids, index.breaks
    # Which key words each distinct form stands for, family by family (forms are few; tokens many).
    form_keys: list[dict[str, frozenset[str]]] = []
    all_keys = {word for weights, _ in keys.values() for word in weights}
    # A French lemma shares its first letters with its forms (nouns, adjectives): only forms that
    # start like a key word are lemmatized.
    prefixes = {word[:3] for word in all_keys}
    for form in vocab:
        parts = {form, *form.split("-")} if "-" in form else {form}
        lemmas = {lemma(p).lower() for p in parts if p[:3] in prefixes} | parts
        hits = lemmas & all_keys
        form_keys.append({fid: frozenset(hits & weights.keys()) for fid, (weights, _) in keys.items()
                          if hits & weights.keys()} if hits else {})
    has_key = np.fromiter((bool(k) for k in form_keys), dtype=bool, count=len(form_keys))
    positions = np.flatnonzero(has_key[ids]) if len(ids) else np.zeros(0, dtype=np.int64)
    seq_id = np.cumsum(breaks) - 1
    seq_end = np.append(np.flatnonzero(breaks)[1:], len(ids))[seq_id] if len(ids) else seq_id

    clusters = []  # (family, first token, last token, key words, key positions)
    key_ids = ids[positions]
    for fid, (_, heads) in keys.items():
        current: list[int] = []
        found: set[str] = set()
        in_family = np.fromiter((fid in k for k in form_keys), dtype=bool, count=len(form_keys))
        for pos, form in zip(positions[in_family[key_ids]].tolist(), key_ids[in_family[key_ids]].tolist(),
                             strict=True):
            words = form_keys[form][fid]
            if current and (seq_id[pos] != seq_id[current[-1]] or pos - current[-1] - 1 > max_gap):
                _close(clusters, fid, current, found, heads, min_key_words)
                current, found = [], set()
            current.append(pos)
            found |= words
        _close(clusters, fid, current, found, heads, min_key_words)
    if not clusters:
        return _empty()

    token_doc = index.token_doc
    docs_with = sorted({int(token_doc[first]) for _, first, _, _, _ in clusters})
    matches = article_matches(index, {fid: families[fid] for fid in keys}, docs=docs_with, progress=progress)
    listed = {d: [(s, e, f) for s, f, e, _ in m] for d, m in zip(docs_with, matches, strict=True)}
    doc_rank = _doc_rank(index)
    starts, ends = index.starts, index.ends
    groups: dict[tuple[str, str], dict] = {}
    for fid, first, last, words, at in clusters:
        doc = int(token_doc[first])
        spans = [(s, e) for s, e, f in listed[doc] if f == fid]
        if all(any(s <= starts[p] and ends[p] <= e for s, e in spans) for p in at):
            continue  # every key word is inside a listed wording
        last = _extended(index, last, int(seq_end[first]), extend)
        phrase = join_tokens(vocab[i] for i in ids[first : last + 1])
        where = (doc_rank[doc], first, doc, last)
        group = groups.get((fid, phrase))
        if group is None:
            groups[fid, phrase] = {"first": where, "count": 1, "docs": {doc}, "words": set(words)}
        else:
            group["first"] = min(group["first"], where)  # the first occurrence in doc_id order
            group["count"] += 1
            group["docs"].add(doc)
            group["words"] |= words
    rows = []
    for (fid, phrase), group in groups.items():
        _, first, doc, last = group["first"]
        weights = keys[fid][0]
        rows.append({
            "family": fid, "phrase": phrase, "key_words": "|".join(sorted(group["words"])),
            "n_key_words": len(group["words"]), "score": float(sum(weights[w] for w in group["words"])),
            "count": group["count"], "n_docs": len(group["docs"]), **_kwic(index, doc, first, last),
            "yaml_snippet": lexicon_snippet(families[fid], phrase),
        })
    if not rows:
        return _empty()
    frame = pd.DataFrame(rows, columns=CANDIDATE_COLUMNS)
    frame = frame.sort_values(["score", "count", "family", "phrase"], ascending=[False, False, True, True],
                              kind="stable")
    return frame.reset_index(drop=True)


def _doc_rank(index: TokenIndex) -> np.ndarray:
    """Each article's rank in ``doc_id`` order (row number → rank)."""
    order = np.argsort(np.asarray(index.doc_ids, dtype=object), kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank


def _kwic(index: TokenIndex, doc: int, first: int, last: int) -> dict:
    """``candidate``, ``doc_id``, ``start``, ``end``, ``left``, ``right`` of tokens ``first..last``."""
    text = index.texts[doc]
    lo, hi = int(index.doc_first[doc]), int(index.doc_first[doc + 1])
    start, end = int(index.starts[first]), int(index.ends[last])
    left_from = int(index.starts[max(lo, first - _CONTEXT_WORDS)])
    right_to = int(index.ends[min(hi - 1, last + _CONTEXT_WORDS)])
    return {"candidate": text[start:end], "doc_id": index.doc_ids[doc], "start": start, "end": end,
            "left": " ".join(text[left_from:start].split()), "right": " ".join(text[end:right_to].split())}


def _close(clusters: list, fid: str, current: list[int], found: set[str], heads: frozenset[str],
           min_key_words: int) -> None:
    if current and len(found) >= min_key_words and found & heads:
        clusters.append((fid, current[0], current[-1], frozenset(found), tuple(current)))


def _extended(index: TokenIndex, last: int, seq_end: int, extend: int) -> int:
    """``last``, moved over a complement opening with a preposition that ends the sequence or a clause."""
    vocab, ids = index.lower_vocab, index.lower_ids
    if not extend or last + 1 >= seq_end or vocab[ids[last + 1]] not in PREPOSITIONS:
        return last
    text = index.texts[int(index.token_doc[last])]
    starts, ends = index.starts, index.ends
    for k in range(last + 1, min(seq_end, last + 1 + extend)):
        gap_after = text[ends[k] : starts[k + 1]] if k + 1 < seq_end else ""
        if k + 1 == seq_end or any(mark in gap_after for mark in ",()«»\"“”"):
            return k
    return last


def lexicon_snippet(family: Mapping, phrase: str) -> str:
    """A user lexicon (YAML text) holding ``family`` with ``phrase`` added as a new variant.

    The family keeps its id, label and every variant it has, so the file can
    be passed as ``lexicon=`` to :func:`analysis.find_formulas` as it is.
    """
    variants = []
    for v in family["variants"]:
        kind = "phrase" if v.get("phrase") else "regex"
        entry = {"id": v["id"], kind: v[kind]}
        if v.get("note"):
            entry["note"] = v["note"]
        variants.append(entry)
    used = {v["id"] for v in family["variants"]}
    base = slugify(phrase)
    if len(base) > 60:
        base = base[:61].rsplit("-", 1)[0]
    base = base.strip("-") or "variant"
    ident, n = base, 2
    while ident in used:
        ident, n = f"{base}-{n}", n + 1
    variants.append({"id": ident, "phrase": phrase, "note": "added from formula_candidates"})
    entry = {"id": family["id"], "label": family["label"]}
    for key in ("category", "description", "source_wording", "note"):
        if family.get(key):
            entry[key] = family[key]
    entry["variants"] = variants
    return yaml.safe_dump({"families": [entry]}, allow_unicode=True, sort_keys=False, width=100)


def _empty() -> pd.DataFrame:
    dtypes = {"n_key_words": "int64", "score": float, "count": "int64", "n_docs": "int64", "start": "int64",
              "end": "int64"}
    return pd.DataFrame({c: pd.Series(dtype=dtypes.get(c, object)) for c in CANDIDATE_COLUMNS})
