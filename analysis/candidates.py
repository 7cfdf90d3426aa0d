"""Step 5 of the pipeline: new wordings of known formulas, proposed for the lexicon.

The lexicon (:mod:`analysis.formulas`) finds only the wordings it lists. In
coverage of the 2024 Forum on China–Africa Cooperation, the *communauté de
destin* reads « communauté Chine-Afrique à toute épreuve avec un avenir
commun pour la nouvelle ère », which no variant matches. This module looks
for such passages so that the analyst can judge them and add them, in two
ways (``strategy=``): by the family's own words (``"keywords"``), and by the
words around its listed wordings (``"contexts"``). Tokens, lemmas, offsets
and sequences are read from the token index (:func:`analysis.build_index`).

Key words of a family
    The words of its variants (:func:`analysis.formulas.required_words`,
    words of optional groups included; alternatives holding a ``*``
    wildcard and French stop words left out), compared by lemma
    (:func:`analysis.lemma`) and, for a hyphenated token, by each of its
    parts. A key word's *weight* is the share of the family's variants that
    hold it; the *head* words are those of the highest weight
    (``communauté`` for the community of shared future).

Candidates by key words (``strategy="keywords"``, the default)
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

Candidates by context (``strategy="contexts"``)
    A formula stands in typical surroundings: *bâtir une …*, *promouvoir la
    construction d'une …*, *… pour la nouvelle ère*. A family's *context
    profile* is built from its matches in the corpus
    (:func:`analysis.find_formulas`'s matcher): on each side of every match,
    the ``window`` nearest content words (not stop words,
    :func:`analysis.stopword_list`) of its sequence, as lemmas, left and
    right apart, the r-th one weighted 1/r; summed over the matches and
    multiplied by ``idf(w) = ln(T / f(w))`` (``T`` tokens in the corpus,
    ``f(w)`` those of lemma ``w``), so that words found everywhere weigh
    little; the :data:`PROFILE_WORDS` heaviest words of each side are kept.
    Every stretch of 2 to ``max_len`` tokens of one sequence that starts and
    ends on a content word gets the same vector from its own surroundings;
    its score is the cosine of the two vectors (the vector-space model of
    Salton & McGill 1983; context vectors: Turney & Pantel 2010, *JAIR* 37).
    A stretch is proposed when its cosine is at least ``min_similarity``, it
    shares at least ``min_context_words`` context words with the profile, it
    overlaps no listed wording of any family, and its context window holds
    no listed wording of the family (a neighbour of a wording is not an
    alternative to it). Of overlapping stretches the best scoring (then the
    longest, then the first) is kept. Candidates with the same tokens are
    grouped; a group's ``score`` is the mean cosine of its occurrences and
    its ``key_words`` the context words it shares with the profile. A family
    with no match in the corpus has no profile, hence no candidate. With
    ``strategy="both"``, a passage the key words found is not proposed again.

Adding a wording (one step)
    Each row's ``yaml_snippet`` is a complete user lexicon: the family as
    the lexicon has it, plus the candidate as a new variant. Save it to a
    file and pass the path as ``lexicon=`` to :func:`analysis.find_formulas`
    (or :func:`analysis.load_lexicon`); a user family with a shipped ``id``
    replaces the shipped one, which is why the snippet repeats its
    variants. To add several wordings of one family, add their ``phrase``
    lines under ``variants`` of one snippet.

Limits
    By key words, a rewording that keeps none of the family's words twice (a
    pure paraphrase) is not found, and a sentence that merely uses two key
    words (``communauté internationale`` … ``avenir``) is proposed, ranked
    low. By context, a paraphrase is found only where it stands in the
    family's usual surroundings, and any phrase standing there is proposed
    (*bâtir un monde harmonieux*): the strategy is for exploring, its
    proposals are for the analyst to judge, and they are more reliable the
    more listed matches the profile is built from. The analyst decides.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from .cooccurrence import match_token_spans
from .errors import check_integer, check_progress
from .index import TokenIndex, ensure_index
from .lexicon import resolve_lexicon
from .phrases import required_words, slugify
from .segments import join_tokens
from .text import lemma, stopword_list
from .trends import article_matches

#: Strategies of :func:`formula_candidates`.
STRATEGIES = ("keywords", "contexts", "both")
CANDIDATE_COLUMNS = ["family", "strategy", "candidate", "phrase", "key_words", "n_key_words", "score",
                     "count", "n_docs", "doc_id", "start", "end", "left", "right", "yaml_snippet"]
#: Words that may open the complement a candidate is extended over.
PREPOSITIONS = frozenset({"pour", "de", "d'", "du", "des", "dans", "entre", "en", "à", "au", "aux", "avec"})
_CONTEXT_WORDS = 8
#: Words kept on each side of a family's context profile (strategy "contexts"): the heaviest.
PROFILE_WORDS = 50
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
    strategy: str = "keywords",
    window: int = 5,
    min_similarity: float = 0.4,
    min_context_words: int = 2,
    max_len: int = 6,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Passages that look like a formula family but match none of its variants.

    Two strategies (module docstring): ``"keywords"``, passages holding the
    family's key words; ``"contexts"``, passages standing where the family's
    listed wordings stand (same words around them); ``"both"``. Ranking and
    how to add a wording: module docstring.

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
    strategy
        ``"keywords"`` (default), ``"contexts"`` or ``"both"``.
    window
        ``"contexts"``: content words (not stop words) on each side that make
        a context, within the sequence.
    min_similarity
        ``"contexts"``: least cosine similarity (0 < s ≤ 1) between a
        passage's context and the family's context profile.
    min_context_words
        ``"contexts"``: least number of distinct context words a passage
        shares with the profile (one shared word is too weak a clue).
    max_len
        ``"contexts"``: most tokens of a proposed passage (at least 2).
    progress
        Show a progress bar (tqdm) while formulas are searched: ``None``
        (default) shows one past :data:`analysis.index.PROGRESS_CHARS`
        characters of text.

    Returns
    -------
    pandas.DataFrame
        One row per distinct candidate: ``family``, ``strategy``
        (``"keywords"`` or ``"contexts"``), ``candidate`` (as the first
        occurrence writes it), ``phrase`` (the variant to add, in the
        lexicon's phrase syntax), ``key_words`` (``|``-joined lemmas: the
        family's key words it holds; for ``"contexts"``, the context words
        it shares with the family's profile), ``n_key_words``, ``score``
        (``"keywords"``: sum of the key words' weights; ``"contexts"``: mean
        cosine similarity of its occurrences), ``count`` (occurrences),
        ``n_docs``, then the first occurrence in ``doc_id`` order:
        ``doc_id``, ``start``, ``end`` (offsets into its text), ``left``
        and ``right`` (a KWIC line, 8 tokens each side), and
        ``yaml_snippet`` (a user lexicon adding the phrase). Sorted by
        strategy (keywords first), score (highest first), count (highest
        first), family, phrase. With ``"both"``, a passage found by both
        strategies is given once, as ``"keywords"``. Empty when every
        wording is listed.
    """
    families = resolve_lexicon(lexicon)
    if family is not None and family not in families:
        raise ValueError(f"family must be None or one of {sorted(families)} (got {family!r})")
    for name, value, minimum in (("min_key_words", min_key_words, 2), ("max_gap", max_gap, 1),
                                 ("extend", extend, 0)):
        check_integer(name, value, minimum=minimum)
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy must be one of {STRATEGIES} (got {strategy!r})")
    for name, value, minimum in (("window", window, 1), ("max_len", max_len, 2),
                                 ("min_context_words", min_context_words, 1)):
        check_integer(name, value, minimum=minimum)
    if (isinstance(min_similarity, bool) or not isinstance(min_similarity, (int, float, np.floating))
            or not 0 < min_similarity <= 1):
        raise ValueError(f"min_similarity must be a number in (0, 1] (got {min_similarity!r})")
    check_progress(progress)
    chosen = [family] if family is not None else list(families)
    index = ensure_index(corpus)
    found = None
    if strategy != "keywords":  # every family's matches: a passage overlapping any of them is listed
        found = article_matches(index, families, progress=progress)
    frames = []
    proposed: dict[str, list[tuple[int, int]]] = {}  # token ranges proposed by key words, per family
    if strategy != "contexts":
        frames.append(_keyword_candidates(index, families, chosen, found, proposed,
                                          min_key_words=min_key_words, max_gap=max_gap, extend=extend,
                                          progress=progress))
    if strategy != "keywords":
        frames.append(_context_candidates(index, families, chosen, found, proposed, window=window,
                                          min_similarity=float(min_similarity),
                                          min_context_words=min_context_words, max_len=max_len))
    frames = [f for f in frames if len(f)]
    if not frames:
        return _empty()
    frame = pd.concat(frames, ignore_index=True)
    frame = frame[~(frame.duplicated(["family", "phrase"]) & (frame["strategy"] == "contexts"))]
    frame["order"] = frame["strategy"].map({name: k for k, name in enumerate(STRATEGIES)})
    frame = frame.sort_values(["order", "score", "count", "family", "phrase"],
                              ascending=[True, False, False, True, True], kind="stable")
    return frame.drop(columns="order").reset_index(drop=True)


def _keyword_candidates(index: TokenIndex, families: Mapping[str, dict], chosen: list[str],
                        all_matches: list | None, proposed: dict, *, min_key_words: int, max_gap: int,
                        extend: int, progress: bool | None) -> pd.DataFrame:
    """The candidates of the key-word strategy (module docstring)."""
    keys = {}
    for fid in chosen:
        phrases = tuple(v["phrase"] for v in families[fid]["variants"] if v.get("phrase"))
        weights, heads = _family_keys(fid, phrases)
        if len(weights) >= min_key_words:
            keys[fid] = (weights, heads)
    if not keys:
        return _empty()

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
    if all_matches is None:
        matches = article_matches(index, {fid: families[fid] for fid in keys}, docs=docs_with,
                                  progress=progress)
    else:
        matches = [all_matches[d] for d in docs_with]
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
        proposed.setdefault(fid, []).append((first, last + 1))
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
            "family": fid, "strategy": "keywords", "phrase": phrase,
            "key_words": "|".join(sorted(group["words"])), "n_key_words": len(group["words"]),
            # fsum: the same sum whatever the order of the set (which depends on the hash seed).
            "score": math.fsum(weights[w] for w in group["words"]),
            "count": group["count"], "n_docs": len(group["docs"]), **_kwic(index, doc, first, last),
            "yaml_snippet": lexicon_snippet(families[fid], phrase),
        })
    return pd.DataFrame(rows, columns=CANDIDATE_COLUMNS) if rows else _empty()


def _context_candidates(index: TokenIndex, families: Mapping[str, dict], chosen: list[str], found: list,
                        proposed: dict,
                        *, window: int, min_similarity: float, min_context_words: int,
                        max_len: int) -> pd.DataFrame:
    """The candidates of the context strategy (module docstring)."""
    n = index.n_tokens
    if not n:
        return _empty()
    lemma_of, lemma_vocab = index.lemmas()
    lem = lemma_of[index.lower_ids]
    stop = stopword_list()
    is_stop = np.fromiter((w in stop for w in index.lower_vocab.tolist()), dtype=bool,
                          count=len(index.lower_vocab))
    content = np.flatnonzero(~is_stop[index.lower_ids])  # token positions of the content words
    if not len(content):
        return _empty()
    seq_id = np.cumsum(index.breaks) - 1
    c_seq, c_lem = seq_id[content], lem[content]
    idf = np.log(n / np.maximum(np.bincount(lem, minlength=len(lemma_vocab)), 1))
    m = len(content)
    sides = {}
    for side, step in (("left", -1), ("right", 1)):
        # the r-th content word before (after) each content word, within its sequence; weight 1/r × idf
        lems, weights = [], []
        for r in range(1, window + 1):
            other = np.arange(m) + step * r
            ok = (other >= 0) & (other < m)
            other = np.clip(other, 0, m - 1)
            ok &= c_seq[other] == c_seq
            lems.append(c_lem[other])
            weights.append(np.where(ok, idf[c_lem[other]] / r, 0.0))
        norm2 = sum(w * w for w in weights)
        for r1 in range(window):  # one feature per distinct word: repeated words add up
            for r2 in range(r1 + 1, window):
                norm2 = norm2 + 2 * weights[r1] * weights[r2] * (lems[r1] == lems[r2])
        reach = sum((w > 0).astype(np.int64) for w in weights)  # context words found on that side
        far = content[np.clip(np.arange(m) + step * reach, 0, m - 1)]
        sides[side] = (lems, weights, norm2, far)

    by_lemma = _by_key(c_lem, len(lemma_vocab))
    # Passages from content word i to content word i + d: within a sequence, 2 to max_len tokens.
    shapes = []
    for d in range(min(max_len, m)):
        length = content[d:] - content[: m - d] + 1
        shapes.append((c_seq[d:] == c_seq[: m - d]) & (length >= 2) & (length <= max_len))
    spans = match_token_spans(index, found)
    labels = np.array([f for doc in found for _, f, _, _ in doc], dtype=object)
    valid = spans[:, 0] >= 0
    spans, labels = spans[valid], labels[valid]
    listed = _cumulative_cover(spans, n)  # tokens inside any family's listed wording
    doc_rank = _doc_rank(index)
    vocab, ids, token_doc = index.lower_vocab, index.lower_ids, index.token_doc
    rows = []
    for fid in chosen:
        own = spans[labels == fid]
        if not len(own):
            continue  # no listed wording in the corpus: no profile
        profile = {}
        for side, at in (("left", np.searchsorted(content, own[:, 0]) - 1),
                         ("right", np.searchsorted(content, own[:, 1]))):
            anchor = own[:, 0] if side == "left" else own[:, 1] - 1
            step = -1 if side == "left" else 1
            vector = np.zeros(len(lemma_vocab))
            for r in range(1, window + 1):
                k = at + step * (r - 1)
                ok = (k >= 0) & (k < m)
                k = np.clip(k, 0, m - 1)
                ok &= c_seq[k] == seq_id[anchor]
                np.add.at(vector, c_lem[k[ok]], 1.0 / r)
            vector *= idf
            if np.count_nonzero(vector) > PROFILE_WORDS:  # keep the heaviest words (ties: lower id)
                vector[np.argsort(-vector, kind="stable")[PROFILE_WORDS:]] = 0.0
            profile[side] = vector
        p_norm = np.sqrt(sum(float(v @ v) for v in profile.values()))
        if p_norm == 0:
            continue
        # Sparse: only the content words with a profile word among their context words can score.
        scored = {}
        for side, step in (("left", -1), ("right", 1)):
            weights = profile[side]
            holding = _positions_of(by_lemma, np.flatnonzero(weights > 0))
            at_all, values = [], []
            for r, w in enumerate(sides[side][1], start=1):
                # the words whose r-th context word on this side is a profile word
                at = holding - step * r
                inside = (at >= 0) & (at < m)
                at, source = at[inside], holding[inside]
                weight = w[at]
                ok = weight > 0
                at_all.append(at[ok])
                values.append(weight[ok] * weights[c_lem[source[ok]]])
            at_all = np.concatenate(at_all)
            scored[side] = (np.bincount(at_all, weights=np.concatenate(values), minlength=m),
                            np.bincount(at_all, minlength=m))
        (dot_left, hit_left), (dot_right, hit_right) = scored["left"], scored["right"]
        found_spans = []
        for d, shape in enumerate(shapes):
            i = np.flatnonzero(shape & (hit_left[: m - d] + hit_right[d:] >= min_context_words))
            j = i + d
            denom = p_norm * np.sqrt(sides["left"][2][i] + sides["right"][2][j])
            with np.errstate(invalid="ignore", divide="ignore"):
                sim = (dot_left[i] + dot_right[j]) / denom
            start, end = content[i], content[j] + 1
            lo, hi = sides["left"][3][i], sides["right"][3][j] + 1
            keep = np.flatnonzero((sim >= min_similarity - 1e-12) & (listed[end] == listed[start]))
            # not next to a listed wording of the family (its spans are sorted and do not overlap)
            k = np.searchsorted(own[:, 1], lo[keep], side="right")
            keep = keep[(k == len(own)) | (own[np.minimum(k, len(own) - 1), 0] >= hi[keep])]
            found_spans.append((sim[keep], start[keep], end[keep], i[keep], j[keep]))
        sim, start, end, ci, cj = (np.concatenate(parts) for parts in zip(*found_spans, strict=True))
        taken = np.zeros(n, dtype=bool)
        for a, b in proposed.get(fid, []):  # a passage found by its key words is proposed once
            taken[a:b] = True
        groups: dict[str, dict] = {}
        for k in np.lexsort((start, start - end, -np.round(sim, 12))).tolist():
            a, b = int(start[k]), int(end[k])
            if taken[a:b].any():
                continue
            shared = {str(lemma_vocab[lems_r[ci[k]]]) for lems_r, w in zip(*sides["left"][:2], strict=True)
                      if w[ci[k]] > 0 and profile["left"][lems_r[ci[k]]] > 0}
            shared |= {str(lemma_vocab[lems_r[cj[k]]]) for lems_r, w in zip(*sides["right"][:2], strict=True)
                       if w[cj[k]] > 0 and profile["right"][lems_r[cj[k]]] > 0}
            if len(shared) < min_context_words:
                continue
            taken[a:b] = True
            phrase = join_tokens(vocab[x] for x in ids[a:b])
            doc = int(token_doc[a])
            where = (doc_rank[doc], a, doc, b - 1)
            group = groups.setdefault(phrase, {"first": where, "count": 0, "docs": set(), "words": set(),
                                               "sims": []})
            group["first"] = min(group["first"], where)
            group["count"] += 1
            group["docs"].add(doc)
            group["words"] |= shared
            group["sims"].append(float(sim[k]))
        for phrase, group in groups.items():
            _, first, doc, last = group["first"]
            rows.append({
                "family": fid, "strategy": "contexts", "phrase": phrase,
                "key_words": "|".join(sorted(group["words"])), "n_key_words": len(group["words"]),
                "score": float(np.mean(group["sims"])), "count": group["count"], "n_docs": len(group["docs"]),
                **_kwic(index, doc, first, last), "yaml_snippet": lexicon_snippet(families[fid], phrase),
            })
    return pd.DataFrame(rows, columns=CANDIDATE_COLUMNS) if rows else _empty()


def _by_key(keys: np.ndarray, n_keys: int) -> tuple[np.ndarray, np.ndarray]:
    """``(order, bounds)``: positions sorted by key, key ``k``'s at ``order[bounds[k]:bounds[k + 1]]``."""
    order = np.argsort(keys, kind="stable")
    return order, np.searchsorted(keys[order], np.arange(n_keys + 1))


def _positions_of(by_key: tuple[np.ndarray, np.ndarray], keys: np.ndarray) -> np.ndarray:
    order, bounds = by_key
    parts = [order[bounds[k] : bounds[k + 1]] for k in keys.tolist()]
    return np.concatenate([np.zeros(0, dtype=np.int64), *parts]).astype(np.int64)


def _cumulative_cover(spans: np.ndarray, n: int) -> np.ndarray:
    """``c[k]``: tokens before position ``k`` covered by the ranges ``spans`` (``[start, end)``)."""
    delta = np.zeros(n + 1, dtype=np.int64)
    np.add.at(delta, spans[:, 0], 1)
    np.add.at(delta, spans[:, 1], -1)
    return np.concatenate([[0], np.cumsum(np.cumsum(delta)[:-1] > 0)])


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
