"""Step 5 of the pipeline: actors, and who says what (reported speech).

The actor table
    ``analysis/data/actors.yaml`` (format in ``docs/lexicon.md``) lists
    canonical actors (countries, leaders, ministers, officials,
    organisations) with the names they go by, written in the variant syntax
    of :mod:`analysis.formulas` (``Bélarus``, ``Biélorussie``,
    ``bélarusse(s)``; ``M. Xi``, ``président chinois``). Overlapping names
    count once, the longest: ``le président chinois`` is Xi Jinping, not
    China.

Who says what
    Rule-based attribution, not a parser. The text is cut into
    :func:`analysis.sentences`, a sentence whose quotation (``« »``, ``“ ”``,
    ``" "``) runs on being joined to the next ones. A passage is attributed
    when it holds a *cue* whose speaker can be named, by the first rule that
    applies to its first such cue:

    ``subject``
        A verb of saying in the passé composé (``a déclaré``, ``a souligné``,
        ``a affirmé``, ``a indiqué``, ``a dit``, ``a salué``, ``a rappelé``,
        ``a ajouté`` ... adverbs such as ``lui``, ``de son côté`` or a day name
        may come between) right after an actor (or after an actor and an
        apposition between commas) that is not governed by a preposition:
        ``M. Loukachenko a salué``, ``Wang Yi a lui rappelé``.
    ``pronoun``
        The same verb after ``Il``, ``Elle``, ``Ce dernier``, ``Cette
        dernière``, ``Celui-ci``, ``le ministre``, ``le président``, or an
        inverted pronoun (``a-t-il ajouté``, ``estime-t-elle``): the speaker
        is the last speaker named in the article, or, before any, the first
        person (an actor of :data:`PERSON_KINDS`) of the latest passage
        naming one.
    ``inversion``
        The verb followed by its subject, with at most adverbs, a day and
        one place between them (``..., a déclaré dimanche le président
        chinois, Xi Jinping``; ``a indiqué Wang Yi``; ``a déclaré à Pékin
        le ministre chinois des Affaires étrangères``).
    ``selon``
        ``selon X`` or ``d'après X``.
    ``quote-continued``
        A passage with a quotation and no cue, right after an attributed
        passage, continues that speaker's words (``La Biélorussie « est
        disposée ... »`` after ``Maksim Ryzhenkov a déclaré ...``).

    A passage with a cue whose speaker is not in the actor table (``Selon
    Mme Fall, ...``) is left unattributed, and so are the pronoun and
    quotation passages that follow it, rather than handed to the previous
    speaker.

    Limits: the first cue of a passage names the speaker of all of it (a
    passage quoting two people gets the first); a subject more than one
    apposition away from its verb, speech verbs in the present or future
    tense without inversion, participles (``affirmant``), plural speakers
    and speech spread over paragraphs without a cue or quotation are missed;
    ``Il a …`` is trusted to point back to the last speaker.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from .counts import grouped_counts
from .index import TokenIndex, ensure_index
from .lexicon import actor_matchers, resolve_actors
from .matching import batch_matches, candidates, resolve_overlaps, text_view
from .text import sentences

#: Actor kinds a pronoun (``Il a déclaré``) can stand for when no speaker is named yet.
PERSON_KINDS = frozenset({"leader", "minister", "official", "person"})
SPEECH_COLUMNS = ("doc_id", "speaker", "start", "end", "text", "cue", "rule")

_ADVERBS = (
    r"(?:lui|elle|pour\s+sa\s+part|de\s+son\s+côté|quant\s+à\s+(?:lui|elle)|également|aussi|encore"
    r"|ensuite|enfin|notamment|par\s+ailleurs|en\s+outre|toutefois|cependant|néanmoins|déjà|bien"
    r"|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|hier|aujourd['’]hui)"
)
_VERBS = (
    r"(?:déclaré|souligné|affirmé|réaffirmé|indiqué|dit|salué|rappelé|ajouté|estimé|noté|expliqué"
    r"|précisé|assuré|insisté|réitéré|annoncé|appelé|exhorté|plaidé|prôné|martelé|relevé|signalé"
    r"|averti|exprimé|confié|répondu|conclu|observé|jugé|reconnu|proposé|félicité|espéré"
    r"|fait\s+savoir|fait\s+valoir|fait\s+remarquer|fait\s+(?:ces|ses|cette)\s+remarques?)"
)
_PRESENT = (
    r"(?:déclare|souligne|affirme|indique|dit|ajoute|estime|note|explique|précise|assure|insiste"
    r"|poursuit|rappelle|conclut|observe|juge|martèle)"
)
_HYPHEN = r"[-‐‑]"
_CUE_SOURCES = (
    ("finite", rf"a(?:[\s,]+{_ADVERBS})*[\s,]+{_VERBS}(?!\w)"),
    ("inverted", rf"(?:a{_HYPHEN}t{_HYPHEN}(?:il|elle)(?:\s+{_ADVERBS})*\s+{_VERBS}"
                 rf"|{_PRESENT}{_HYPHEN}(?:t{_HYPHEN})?(?:il|elle))(?!\w)"),
    ("selon", r"(?:selon|d['’ʼ]après)(?!\w)"),
)
# Case-insensitive cues for any text; case-sensitive ones for lower-cased text,
# whose word boundary before the match fast_finditer checks (much faster).
_CUES = tuple((kind, re.compile(rf"(?<!\w){source}", re.IGNORECASE)) for kind, source in _CUE_SOURCES)
_FAST_CUES = tuple((kind, re.compile(source)) for kind, source in _CUE_SOURCES)
# As matchers of batch_matches. Every inverted cue holds a hyphenated pronoun
# ("-il", "-elle"): texts without one are spared that slow regex.
_CUE_MATCHERS = {
    kind: [(kind, general, [fast], None)]
    for (kind, general), (_, fast) in zip(_CUES, _FAST_CUES, strict=True)
}
_HYPHEN_PRONOUN_RE = re.compile(rf"{_HYPHEN}(?:il|elle)(?!\w)", re.IGNORECASE)
_PRONOUN_BEFORE_RE = re.compile(
    r"(?:^|[\s,;:«\"“])(?:il|elle|ce\s+dernier|cette\s+dernière|celui-ci|celle-ci"
    r"|l[ea]\s+(?:ministre|président|présidente|diplomate|porte-parole))\s*$",
    re.IGNORECASE,
)
_SUBJECT_GAP_RE = re.compile(r"^\s*(?:,[^,.;:«»\"“”]{1,80},)?\s*$")
_WORD = r"[^\s,.;:«»\"]+"
_PLACE = rf"(?:à|au|aux|en|dans|devant|depuis|lors\s+d['’ʼ]|lors\s+de)\s*{_WORD}(?:\s+{_WORD}){{0,3}}"
_AFTER_GAP_RE = re.compile(
    rf"^[\s,]*(?:{_ADVERBS}[\s,]+)*(?:{_PLACE}[\s,]+)?(?:{_ADVERBS}[\s,]+)*(?:(?:le|la|les)\s+|l['’ʼ]\s*)?$",
    re.IGNORECASE,
)
_PREPOSITION_RE = re.compile(
    r"(?:(?<!\w)(?:à|au|aux|de|du|des|en|dans|avec|pour|par|sur|sous|vers|chez|contre|entre|envers"
    r"|depuis|sans)\s+(?:(?:le|la|les)\s+|l['’ʼ]\s*)?|(?<!\w)d['’ʼ]\s*)$",
    re.IGNORECASE,
)
_QUOTE_CHARS = ("«", "“", '"')


# --------------------------------------------------------------------------- actor table










def find_actors(
    corpus: pd.DataFrame | TokenIndex, *, actors: Mapping[str, dict] | str | Path | None = None
) -> pd.DataFrame:
    """Find every mention of an actor of the table in every article.

    Returns
    -------
    pandas.DataFrame
        One row per mention: ``doc_id``, ``actor`` (id), ``kind``, ``matched``
        (as written), ``start``, ``end`` (offsets into ``text``). Of
        overlapping names the longest is kept, and a description followed
        by the same actor's name in apposition (``le président chinois, Xi
        Jinping``) is one mention. Sorted by ``doc_id``, ``start``. ``corpus``
        may be a corpus frame or its token index.
    """
    corpus = ensure_index(corpus).corpus
    table = resolve_actors(actors)
    texts = list(corpus["text"])
    rows = [
        {"doc_id": doc_id, "actor": actor_id, "kind": table[actor_id]["kind"], "matched": text[start:end],
         "start": start, "end": end}
        for doc_id, text, mentions in zip(corpus["doc_id"], texts, _mentions(texts, table), strict=True)
        for start, end, actor_id in mentions
    ]
    frame = pd.DataFrame(rows, columns=["doc_id", "actor", "kind", "matched", "start", "end"])
    frame = frame.astype({"start": "int64", "end": "int64"})
    return frame.sort_values(["doc_id", "start"], kind="stable").reset_index(drop=True)


_APPOSITION_RE = re.compile(r"\s*,\s*")


def _mentions(texts: list[str], table: Mapping[str, dict]) -> list[list[tuple[int, int, str]]]:
    """Actor mentions of every text, as :func:`find_actors` and :func:`actor_counts` count them."""
    found = batch_matches(texts, actor_matchers(table))
    return [_merge_appositions(text, mentions) for text, mentions in zip(texts, found, strict=True)]


def _merge_appositions(text: str, mentions: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Join a description and the name of the same actor in apposition: one mention, not two.

    The first must be a description (it starts in lower case: ``président
    chinois``), the second follows it after a comma only (``, Xi Jinping``);
    a list of names (``Xi Jinping, M. Xi``) stays a list.
    """
    merged: list[tuple[int, int, str]] = []
    for start, end, actor_id in mentions:
        if (merged and merged[-1][2] == actor_id and text[merged[-1][0]].islower()
                and _APPOSITION_RE.fullmatch(text[merged[-1][1] : start])):
            merged[-1] = (merged[-1][0], end, actor_id)
        else:
            merged.append((start, end, actor_id))
    return merged


def actor_counts(
    corpus: pd.DataFrame | TokenIndex,
    *,
    by: str = "doc_id",
    per: float = 1000,
    actors: Mapping[str, dict] | str | Path | None = None,
) -> pd.DataFrame:
    """Count actor mentions per actor and group, all names of an actor together.

    ``rate = count / n_tokens × per``, tokens counted by
    :func:`analysis.tokenize` (all tokens); the normalised frequency of
    Biber, Conrad & Reppen (1998, *Corpus Linguistics*, p. 263).

    Parameters
    ----------
    by
        ``"doc_id"``, ``"source"``, ``"year"`` (of ``date``) or any column.
    per
        The rate's unit, a positive number of tokens.
    actors
        ``None`` (shipped table), a path, or a table from :func:`load_actors`.

    Mentions are those of :func:`find_actors` (a description and a name in
    apposition count once).

    Returns
    -------
    pandas.DataFrame
        Columns ``<by>``, ``actor``, ``kind``, ``count``, ``n_tokens``,
        ``rate``: one row per group and actor of the table, zeros included.
        Sorted by group, rate (descending), actor.
    """
    index = ensure_index(corpus)
    table = resolve_actors(actors)
    mentions = iter(_mentions(index.texts, table))
    frame = grouped_counts(
        index, by=by, per=per, keys=list(table), key_column="actor",
        count=lambda _: [actor_id for _, _, actor_id in next(mentions)],
    )
    frame.insert(2, "kind", frame["actor"].map({a: table[a]["kind"] for a in table}))
    return frame


# --------------------------------------------------------------------------- who says what


def speech(
    corpus: pd.DataFrame | TokenIndex, *, actors: Mapping[str, dict] | str | Path | None = None
) -> pd.DataFrame:
    """Attribute reported speech to its speaker (rules in the module docstring).

    Parameters
    ----------
    corpus
        A frame with ``doc_id`` and ``text``, or its token index (whose
        sentences are used).
    actors
        ``None`` (shipped actor table), a path, or a table from
        :func:`load_actors`; speakers are named by its ids.

    Returns
    -------
    pandas.DataFrame
        One row per attributed passage (a sentence, or sentences joined by a
        running quotation): ``doc_id``, ``speaker`` (actor id), ``start``,
        ``end`` (offsets into ``text``), ``text`` (the passage), ``cue`` (the
        words that name it speech, as written, or ``« »`` for a continued
        quotation) and ``rule`` (``subject``, ``pronoun``, ``inversion``,
        ``selon`` or ``quote-continued``). Sorted by ``doc_id``, ``start``.
    """
    index = ensure_index(corpus)
    corpus = index.corpus
    table = resolve_actors(actors)
    texts = list(corpus["text"])
    sents = index.sentence_lists()
    rows = [
        {"doc_id": doc_id, "speaker": speaker, "start": start, "end": end, "text": text[start:end],
         "cue": cue, "rule": rule}
        for doc_id, text, passages in zip(
            corpus["doc_id"], texts, speech_passages(texts, table, sents=sents), strict=True
        )
        for speaker, start, end, cue, rule in passages
    ]
    frame = pd.DataFrame(rows, columns=list(SPEECH_COLUMNS))
    frame = frame.astype({"start": "int64", "end": "int64"})
    return frame.sort_values(["doc_id", "start"], kind="stable").reset_index(drop=True)


def speech_passages(
    texts: list[str],
    actors: Mapping[str, dict],
    *,
    views: list[tuple[str | None, str]] | None = None,
    sents: list[list[tuple[str, int, int]]] | None = None,
    positions: list[dict[str, list[int]] | None] | None = None,
) -> list[list[tuple[str, int, int, str, str]]]:
    """Per text, its attributed passages ``(speaker, start, end, cue, rule)`` in text order.

    ``views`` (:func:`analysis.matching.text_view`), ``sents``
    (:func:`analysis.sentences`) and ``positions``
    (:func:`analysis.matching.word_positions`) of the texts may be passed
    when the caller has them. Cues and actor names are searched in all texts
    at once (:func:`analysis.matching.batch_matches`).
    """
    views = views if views is not None else [text_view(text) for text in texts]
    cue_matchers = _CUE_MATCHERS["finite"] + _CUE_MATCHERS["selon"]
    cues = batch_matches(texts, cue_matchers, views=views)
    inverted = [i for i, text in enumerate(texts) if _HYPHEN_PRONOUN_RE.search(text)]
    found = batch_matches(
        [texts[i] for i in inverted], _CUE_MATCHERS["inverted"], views=[views[i] for i in inverted]
    )
    for i, more in zip(inverted, found, strict=True):
        cues[i] = sorted(cues[i] + more)
    # Every rule, even a continued quotation, starts from a cue.
    with_cues = [i for i, found in enumerate(cues) if found]
    mentions = [
        resolve_overlaps(found)
        for found in candidates(
            [texts[i] for i in with_cues], actor_matchers(actors), [views[i] for i in with_cues],
            [positions[i] for i in with_cues] if positions is not None else None,
        )
    ]
    result: list[list[tuple[str, int, int, str, str]]] = [[] for _ in texts]
    for i, doc_mentions in zip(with_cues, mentions, strict=True):
        doc_sents = sents[i] if sents is not None else sentences(texts[i])
        result[i] = _doc_speech(texts[i], actors, doc_sents, cues[i], doc_mentions)
    return result


def _doc_speech(
    text: str,
    actors: Mapping[str, dict],
    sents: list[tuple[str, int, int]],
    cues: list[tuple[int, int, str]],
    mentions: list[tuple[int, int, str]],
) -> list[tuple[str, int, int, str, str]]:
    mention_starts = [m[0] for m in mentions]
    cue_starts = [c[0] for c in cues]
    result = []
    last_speaker = last_person = ""
    previous_attributed = False
    for start, end in _passages(text, sents):
        inside = [
            m for m in mentions[bisect_left(mention_starts, start) : bisect_left(mention_starts, end)]
            if m[1] <= end
        ]
        own_cues = cues[bisect_left(cue_starts, start) : bisect_left(cue_starts, end)]
        found = _attribute(text, start, own_cues, inside, last_speaker or last_person)
        persons = [m[2] for m in inside if actors[m[2]]["kind"] in PERSON_KINDS]
        last_person = persons[0] if persons else last_person
        if found is None and previous_attributed and not own_cues and _has_quote(text[start:end]):
            found = (last_speaker, "« »", "quote-continued")
        if found is None:
            if own_cues:  # someone the actor table does not know speaks: later "Il a dit" is theirs
                last_speaker = last_person = ""
            previous_attributed = False
            continue
        speaker, cue, rule = found
        result.append((speaker, start, end, cue, rule))
        last_speaker = speaker
        previous_attributed = True
    return result


def _passages(text: str, sents: list[tuple[str, int, int]]) -> list[tuple[int, int]]:
    """Sentences, joined while a quotation opened in them is still open."""
    result = []
    opened_at = None
    for _, start, end in sents:
        if opened_at is None:
            opened_at = start
        if not _quote_open(text[opened_at:end]):
            result.append((opened_at, end))
            opened_at = None
    if opened_at is not None:
        result.append((opened_at, len(text.rstrip())))
    return result


def _quote_open(chunk: str) -> bool:
    guillemets = chunk.count("«") > chunk.count("»")
    return guillemets or chunk.count("“") > chunk.count("”") or chunk.count('"') % 2 == 1


def _has_quote(chunk: str) -> bool:
    return any(q in chunk for q in _QUOTE_CHARS)


def _attribute(
    text: str, start: int, cues: list[tuple[int, int, str]], mentions: list[tuple[int, int, str]],
    last_speaker: str,
) -> tuple[str, str, str] | None:
    """``(speaker, cue, rule)`` of the first cue of a passage that names its speaker."""
    for cue_start, cue_end, kind in cues:
        cue = text[cue_start:cue_end]
        if kind == "inverted":
            if last_speaker:
                return last_speaker, cue, "pronoun"
            continue
        if kind == "finite":
            subject = _subject_before(text, start, cue_start, mentions)
            if subject:
                return subject, cue, "subject"
            if last_speaker and _PRONOUN_BEFORE_RE.search(text[start:cue_start]):
                return last_speaker, cue, "pronoun"
        after = _actor_after(text, cue_end, mentions)
        if after:
            return after, cue, "inversion" if kind == "finite" else "selon"
    return None


def _subject_before(text: str, start: int, cue_start: int, mentions: list[tuple[int, int, str]]) -> str:
    before = [m for m in mentions if m[1] <= cue_start]
    if not before:
        return ""
    m_start, m_end, actor_id = before[-1]
    if not _SUBJECT_GAP_RE.match(text[m_end:cue_start]):
        return ""
    if _PREPOSITION_RE.search(text[max(start, m_start - 30) : m_start]):
        return ""
    return actor_id


def _actor_after(text: str, cue_end: int, mentions: list[tuple[int, int, str]]) -> str:
    for m_start, _, actor_id in (m for m in mentions if m[0] >= cue_end):
        if _PREPOSITION_RE.search(text[max(cue_end, m_start - 30) : m_start]):
            continue  # a complement (à Pékin), not the subject
        return actor_id if _AFTER_GAP_RE.match(text[cue_end:m_start]) else ""
    return ""
