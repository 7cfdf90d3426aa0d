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
        may come between) right after a speaker (or after a speaker and an
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
        le ministre chinois des Affaires étrangères``); after the article, a
        description opened by a title may precede a capitalised name (``a
        déclaré le Premier ministre indien Narendra Modi``, ``le porte-parole
        du ministère chinois des Affaires étrangères, Lin Jian``; the
        ``chinois`` inside it is not the speaker).
    ``selon``
        ``selon X`` or ``d'après X``, X as after an inverted verb.
    ``quote-continued``
        A passage with a quotation and no cue, right after an attributed
        passage, continues that speaker's words (``La Biélorussie « est
        disposée ... »`` after ``Maksim Ryzhenkov a déclaré ...``).

    A speaker is an actor mention, or else a *name* the table does not know:
    a capitalised sequence (``Pedro Sánchez``, ``Mme Fall``, ``George W.
    Bush``, ``Ursula von der Leyen``, ``Abdel Fattah al-Sissi``) with an
    optional honorific (``M.``, ``Mme``, ``Dr`` ...) kept in the name, and
    particles (``de``, ``van``, ``von der``, ``ben``, ``al-`` ...). Left out
    of a name: leading function words, adverbs, days and months (``Selon``,
    ``Hier``, ``Lundi``), titles (``Président Macron`` → ``Macron``) and a
    participle opening the sentence (``Saluant``, ``Interrogé``). Not a
    name: a sequence right after an article or determiner (``la Chine``,
    ``Le Monde``, ``des Affaires étrangères``), one holding an institution
    word (``Conseil de sécurité``, ``Amnesty International``, ``Maison``),
    one overlapping an actor mention. Such a speaker is named as written
    (``known=False`` in :func:`speech`) and is followed by pronouns and
    continued quotations like an actor; :func:`unknown_speakers` lists them.
    A cue whose speaker is unnamed (``a déclaré un responsable``) leaves its
    passage unattributed, and the pronoun and quotation passages after it
    too, rather than handing them to the previous speaker.

    Limits: the first cue of a passage names the speaker of all of it (a
    passage quoting two people gets the first); a subject more than one
    apposition away from its verb or in apposition itself (``le ministre,
    Mme Fall, a dit``), speech verbs in the present or future tense without
    inversion, participles (``affirmant``), plural speakers and speech
    spread over paragraphs without a cue or quotation are missed; ``Il a …``
    is trusted to point back to the last speaker; a capitalised place or
    organisation not caught by the rules above (``Selon Reuters``) is named
    as a speaker, which :func:`unknown_speakers` shows.

Speed
    Linear in the length of a text (``benchmarks/bench_speech.py``, with a
    passage of no punctuation holding thousands of cues): cues and actor
    names are tried where the words they start with are
    (:func:`analysis.matching.word_positions`); only the passages holding a
    cue, and the quotations continuing them, are read (for
    :func:`analysis.find_formulas`, only those holding a formula, the
    passages they continue and, when a pronoun is read, the passages with a
    cue before them); names the table does not know are looked for only in
    the stretches around a cue that the rules read, each searched about
    once, and only in a passage where a name may be read (a capital outside
    the actor mentions between the last of them and a cue, or after a cue
    before its first ``.;:«»"``); every per-cue lookup is a bisection of the
    passage's mentions, and the pronoun before a cue is matched backwards on
    the reversed text.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from itertools import groupby
from operator import itemgetter
from pathlib import Path

import numpy as np
import pandas as pd

from .counts import grouped_counts
from .errors import check_progress
from .index import TokenIndex, by_chunks, ensure_index
from .lexicon import actor_matchers, resolve_actors
from .matching import WordPositions, batch_matches, matchers_vocabulary, text_view, word_positions
from .phrases import PREFILTERS, WHOLE_WORDS
from .text import sentences, stopword_list

#: Actor kinds a pronoun (``Il a déclaré``) can stand for when no speaker is named yet.
PERSON_KINDS = frozenset({"leader", "minister", "official", "person"})
SPEECH_COLUMNS = ("doc_id", "speaker", "known", "start", "end", "text", "cue", "rule")
UNKNOWN_SPEAKER_COLUMNS = ("speaker", "passages", "articles", "doc_id", "start", "example")

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
# As matchers of analysis.matching.batch_matches. Every inverted cue holds a hyphenated pronoun
# ("-il", "-elle"): texts without one are spared that slow regex.
_CUE_MATCHERS = {
    kind: [(kind, general, [fast], None)]
    for (kind, general), (_, fast) in zip(_CUES, _FAST_CUES, strict=True)
}
# Its two words as two fast patterns: "selon" is then a literal the regex engine skips to.
_CUE_MATCHERS["selon"] = [
    ("selon", _CUES[-1][1], [re.compile(r"selon(?!\w)"), re.compile(r"d['’ʼ]après(?!\w)")], None)
]
# What word positions tell of the fast cues (analysis.matching.candidate_arrays): a finite cue is tried
# where the word "a" is, "selon" read off its positions, "d'après" looked for in texts with "après".
PREFILTERS[_FAST_CUES[0][1].pattern] = (frozenset({"a"}), None)
PREFILTERS[_CUE_MATCHERS["selon"][0][2][0].pattern] = (frozenset({"selon"}), frozenset({"selon"}))
WHOLE_WORDS[_CUE_MATCHERS["selon"][0][2][0].pattern] = frozenset({"selon"})
PREFILTERS[_CUE_MATCHERS["selon"][0][2][1].pattern] = (frozenset({"d"}), frozenset({"après"}))
_HYPHEN_PRONOUN_RE = re.compile(rf"{_HYPHEN}(?:il|elle)(?!\w)", re.IGNORECASE)
_INVERTED_PRONOUNS = frozenset({"il", "elle"})
_HYPHENS = "-‐‑"
_PRONOUNS = (
    "il", "elle", "ce dernier", "cette dernière", "celui-ci", "celle-ci",
    *(f"{article} {title}" for article in ("le", "la")
      for title in ("ministre", "président", "présidente", "diplomate", "porte-parole")),
)
# The pronoun ending the text before a cue, matched on the reversed text from the cue backwards:
# (?:^|[\s,;:«"“])(?:il|elle|ce\s+dernier|...)\s*$ read right to left.
_PRONOUN_BEFORE_REVERSED_RE = re.compile(
    r"\s*(?:" + "|".join(r"\s+".join(re.escape(w[::-1]) for w in reversed(p.split())) for p in _PRONOUNS)
    + r")(?:[\s,;:«\"“]|$)",
    re.IGNORECASE,
)
# Matched with fullmatch(text, pos, endpos): no ^ or $.
_SUBJECT_GAP_RE = re.compile(r"\s*(?:,[^,.;:«»\"“”]{1,80},\s*)?")
_WORD = r"[^\s,.;:«»\"]+"
_PLACE = rf"(?:à|au|aux|en|dans|devant|depuis|lors\s+d['’ʼ]|lors\s+de)\s*{_WORD}(?:\s+{_WORD}){{0,3}}"
# A title opening a description between the article and a name: "le Premier ministre indien Narendra Modi".
_TITLE = (
    r"(?:(?:vice-)?présidente?|premier|première|ministre|secrétaire|cheffe?|porte-parole|ambassadeur"
    r"|ambassadrice|commissaire|directeur|directrice|haute?|représentante?|envoyée?|roi|reine|émir"
    r"|prince|princesse|chancelière?|dirigeante?|gouverneur|maire)(?!\w)"
)
_AFTER_GAP_RE = re.compile(
    rf"[\s,]*(?:{_ADVERBS}[\s,]+)*(?:{_PLACE}[\s,]+)?(?:{_ADVERBS}[\s,]+)*"
    rf"(?:(?:(?:le|la|les)\s+|l['’ʼ]\s*)(?P<description>{_TITLE}(?:\s+{_WORD}){{0,6}}(?:\s*,\s*|\s+))?)?",
    re.IGNORECASE,
)
_PREPOSITION_RE = re.compile(
    r"(?:(?<!\w)(?:à|au|aux|de|du|des|en|dans|avec|pour|par|sur|sous|vers|chez|contre|entre|envers"
    r"|depuis|sans)\s+(?:(?:le|la|les)\s+|l['’ʼ]\s*)?|(?<!\w)d['’ʼ]\s*)$",
    re.IGNORECASE,
)
_QUOTE_CHARS = ("«", "“", '"')


# --------------------------------------------------------------------------- names the table does not know

_UPPER = "".join(sorted({c for c in map(chr, range(0x41, 0x530)) if c.isupper()}))
_LETTER = r"[^\W\d_]"
_APOSTROPHE = "['’ʼ]"
# A capitalised word of two letters or more: Macron, Jean-Noël, Min'er, N'Diaye, McCain;
# not an elided article, pronoun or conjunction (L'Union, D'après, Qu'il, Lorsqu'Olaf).
_CAPITALISED = (
    rf"(?![LlDdJjMmSsTtCc]{_APOSTROPHE}|(?:[Qq]u|[Ll]orsqu|[Pp]uisqu|[Qq]uoiqu|[Jj]usqu){_APOSTROPHE})"
    rf"[{_UPPER}](?:{_LETTER}+(?:{_APOSTROPHE}{_LETTER}+)?|{_APOSTROPHE}[{_UPPER}]{_LETTER}+)"
    rf"(?:[-‐‑]{_LETTER}+)*"
)
_HONORIFIC = r"(?:M\.|MM\.|Mmes?|Mlles?|Dr\.?|Pr\.?|Mgr|Sir|Lord|Cheikh|Sheikh|Madame|Monsieur)"
_SPACE = r"[^\S\n]+"
_PARTICLES = r"(?:de|van|von|der|den|ter|da|das|dos|di|del|della|bin|ben|ibn|ould|ag)"
# The commonest sentence-initial words, which would only be stripped from a sequence (faster here).
_FREQUENT_NOT_NAMES = (
    "Le|La|Les|Il|Elle|Ils|Elles|Un|Une|Des|Du|De|Ce|Cette|Ces|Cet|Selon|Pour|Dans|Sur|Par|Avec|En|Au|Aux"
    "|Et|Mais|Lors|Après|Avant|Depuis|Son|Sa|Ses|Leur|Leurs|Nous|On|Si|Comme|Ainsi|Alors|Cependant|Enfin"
    "|Ensuite"
)
_NAME_RE = re.compile(
    rf"(?<![\w‐‑-])(?:{_HONORIFIC}{_SPACE}|(?!(?:{_FREQUENT_NOT_NAMES})(?![\w'’ʼ‐‑-])))"
    rf"(?:(?:al|el)[-‐‑])?{_CAPITALISED}"
    rf"(?:{_SPACE}(?:{_PARTICLES}{_SPACE})*(?:(?:al|el)[-‐‑]|d{_APOSTROPHE})?"
    rf"(?:[{_UPPER}]\.{_SPACE})*{_CAPITALISED})*"
)
# Where _NAME_RE can match: a capital or "al-"/"el-" starting a word, but not one of the commonest
# sentence-initial words, checked after the first character (one character class first: the
# regex engine scans for it fast, and skips most capitals without a Python step).
_FREQUENT_TAILS = "|".join(
    f"(?<={first})(?:{'|'.join(sorted((w[1:] for w in words), key=len, reverse=True))})"
    for first, words in groupby(
        sorted(_FREQUENT_NOT_NAMES.split("|")), key=lambda word: word[0])
)
_NAME_START_RE = re.compile(
    rf"[{_UPPER}ae](?<![\w‐‑-].)(?:(?<=[ae])l[-‐‑]|(?<![ae])(?!(?:{_FREQUENT_TAILS})(?![\w'’ʼ‐‑-])))"
)
_HONORIFIC_RE = re.compile(rf"{_HONORIFIC}$")
# What can follow the end of a word in a name (a superset): the rest of a hyphenated, elided or
# abbreviated word, or a space then a capital, a particle, "al-", "el-" or "d'".
_NAME_GOES_ON_RE = re.compile(
    rf"[\w‐‑'’ʼ.-]|{_SPACE}(?:[{_UPPER}]|{_PARTICLES}{_SPACE}|(?:al|el)[-‐‑]|d{_APOSTROPHE})"
)
# Words that start a capitalised sequence without being a name: sentence-initial function words
# and adverbs (the stop words and these), titles (kept out of the name), days and months.
_NOT_NAMES = frozenset(
    "hier aujourd'hui demain lundi mardi mercredi jeudi vendredi samedi dimanche janvier février mars avril "
    "mai juin juillet août septembre octobre novembre décembre ensuite enfin cependant toutefois néanmoins "
    "pourtant d'ailleurs ailleurs parallèlement désormais récemment auparavant oui non merci face quant "
    "interrogé interrogée interrogés interrogées".split()
)
_TITLES = frozenset(
    "président présidente vice-président vice-présidente premier première ministre secrétaire général "
    "générale roi reine prince princesse émir emir pape chancelier chancelière sénateur sénatrice "
    "ambassadeur ambassadrice commissaire directeur directrice porte-parole haut haute représentant "
    "représentante chef cheffe gouverneur maire député députée maréchal colonel monseigneur saint sainte "
    "docteur professeur".split()
)
# A sequence holding one of these words names an institution, not a person.
_INSTITUTIONS = frozenset(
    "affaires agence alliance ambassade armée assemblée association banque bureau cabinet centre chambre "
    "comité commission communauté compagnie conférence congrès conseil consulat cour délégation "
    "département direction état états etat etats fédération fondation fonds forces forum front "
    "gouvernement groupe initiative institut international internationale ligue maison ministère mission "
    "mouvement nations office organisation organization palais parlement parti police présidence "
    "programme quai république royaume secrétariat sénat service société sommet syndicat tribunal union "
    "université élysée matignon agency news presse press radio télévision télévisions".split()
)
_DETERMINER_BEFORE_RE = re.compile(
    r"(?:(?<!\w)(?:le|la|les|un|une|des|du|au|aux|ce|cet|cette|ces|son|sa|ses|leur|leurs|notre|nos|votre"
    r"|vos)\s+|(?<!\w)l['’ʼ]\s*)$",
    re.IGNORECASE,
)
_SENTENCE_START_RE = re.compile(r"[.!?…:;\n][\s«\"“(]*$")
_PARTICIPLE_RE = re.compile(r"(?:ant|ants|ée?s?)$")
_WORD_SPAN_RE = re.compile(r"\S+")
_SPACE_RE = re.compile(r"\s")


def _names(
    text: str, start: int, end: int, mentions: list[tuple[int, int, str]],
    ranges: list[tuple[int, int]] | None = None,
) -> list[tuple[int, int, str]]:
    """Capitalised names in ``text[start:end]`` (a passage) that no actor mention overlaps.

    ``(start, end, name as written)``, sorted; with ``ranges`` (sorted,
    disjoint, each ``(a, b)`` starting just after a character no name holds,
    :func:`_name_ranges`), only the names starting in them: the same as the
    names of the whole passage starting there, since no name crosses such a
    character. Leading function words, days,
    titles and sentence-initial participles are left out of a name
    (``Selon Mme Fall`` → ``Mme Fall``, ``Président Macron`` → ``Macron``,
    ``Saluant Pedro Sánchez`` → ``Pedro Sánchez``); a sequence right after
    an article or determiner (``la Chine``, ``Le Monde``, ``des Affaires
    étrangères``) or holding an institution word (``Conseil``,
    ``Organisation``, ``Union``) or overlapping an actor mention is not a
    name.
    """
    not_names = _not_names()
    found = []
    k = 0
    ranges = [(start, end)] if ranges is None else ranges
    matches = [match for a, b in ranges for match in _name_matches(text, a, end, b, mentions)]
    for match in matches:
        while k < len(mentions) and mentions[k][1] <= match.start():
            k += 1
        if k < len(mentions) and mentions[k][0] < match.end():
            continue  # overlaps an actor of the table (M. Xi Jinping): the actor, not a name
        name = match.group()
        if _SPACE_RE.search(name) is None:  # one word, most candidates: the same tests, faster
            word = _folded(name)
            if word in not_names or word in _TITLES or word in _INSTITUTIONS or _HONORIFIC_RE.match(name):
                continue
            if _PARTICIPLE_RE.search(word) and _sentence_initial(text, start, match.start()):
                continue  # "Interrogé, ...", "Saluant la Chine, ..."
            n_start, n_end = match.span()
        else:
            span = _name_span(text, start, match)
            if span is None:
                continue
            n_start, n_end = span
        if _DETERMINER_BEFORE_RE.search(text[max(start, n_start - 8) : n_start]):
            continue
        found.append((n_start, n_end, text[n_start:n_end]))
    return found


def _name_matches(
    text: str, start: int, end: int, stop: int | None = None, mentions: list[tuple[int, int, str]] = ()
) -> list[re.Match]:
    """``_NAME_RE.finditer(text, start, end)``, tried only where a name can start (much faster).

    With ``stop``, only the matches starting before it (``end`` still bounds what the patterns see).
    With ``mentions`` (sorted, not overlapping), the matches overlapping one may be left out: a
    match starting inside a mention that no name can go on from (:data:`_NAME_GOES_ON_RE`) ends in
    it, so it would only be dropped (:func:`_names`), and the matches after it are the same.
    """
    pos = start
    stop = end if stop is None else stop
    matches = []
    k = bisect_right(mentions, start, key=_END)  # the first mention ending after `start`
    while (found := _NAME_START_RE.search(text, pos, end)) is not None and (at := found.start()) < stop:
        while k < len(mentions) and mentions[k][1] <= at:
            k += 1
        if k < len(mentions) and mentions[k][0] <= at and (
                mentions[k][1] >= end or _NAME_GOES_ON_RE.match(text, mentions[k][1], end) is None):
            pos = mentions[k][1]  # no match starting before would be kept, nor change the matches after
        elif (match := _NAME_RE.match(text, at, end)) is not None:
            matches.append(match)
            pos = match.end()
        else:
            pos = found.end()
    return matches


def _name_span(text: str, passage_start: int, match: re.Match) -> tuple[int, int] | None:
    """The name within a capitalised sequence of several words, or ``None``."""
    not_names = _not_names()
    offset = match.start()
    words = [(offset + m.start(), offset + m.end()) for m in _WORD_SPAN_RE.finditer(match.group())]
    initial = _sentence_initial(text, passage_start, match.start())
    while words:
        word = _folded(text[words[0][0] : words[0][1]])
        if (word in not_names or word in _TITLES or not _capitalised(text, words[0][0])
                or (initial and len(words) > 1 and _PARTICIPLE_RE.search(word))):
            words.pop(0)
            initial = False
            continue
        break
    while words and (_folded(text[words[-1][0] : words[-1][1]]) in not_names
                     or not _capitalised(text, words[-1][0])):
        words.pop()
    if not words or (len(words) == 1 and _HONORIFIC_RE.match(text[words[0][0] : words[0][1]])):
        return None
    n_start, n_end = words[0][0], words[-1][1]
    if len(words) == 1 and initial and _PARTICIPLE_RE.search(_folded(text[n_start:n_end])):
        return None
    if any(_folded(text[a:b]) in _INSTITUTIONS for a, b in words):
        return None
    return n_start, n_end


def _capitalised(text: str, pos: int) -> bool:
    return text[pos].isupper() or _ARTICLE_PREFIX_RE.match(text, pos) is not None


_ARTICLE_PREFIX_RE = re.compile(r"(?:al|el)[-‐‑]\w")


def _folded(word: str) -> str:
    return word.lower().replace("’", "'").replace("ʼ", "'")


def _sentence_initial(text: str, passage_start: int, pos: int) -> bool:
    window_start = max(passage_start, pos - 8)
    window = text[window_start:pos]
    if window_start == passage_start and not window.strip(" \t«\"“(\u00a0\u202f"):
        return True
    return _SENTENCE_START_RE.search(window) is not None


_NOT_NAMES_CACHE: list[frozenset[str]] = []


def _not_names() -> frozenset[str]:
    if not _NOT_NAMES_CACHE:
        _NOT_NAMES_CACHE.append(
            (stopword_list() | _NOT_NAMES) - {"m", "mm", "mme", "mmes", "mlle", "mlles"}
        )
    return _NOT_NAMES_CACHE[0]


# --------------------------------------------------------------------------- actor table










def find_actors(
    corpus: pd.DataFrame | TokenIndex,
    *,
    actors: Mapping[str, dict] | str | Path | None = None,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Find every mention of an actor of the table in every article.

    ``progress`` shows a progress bar (tqdm): ``None`` (default) shows one
    past :data:`analysis.index.PROGRESS_CHARS` characters of text.

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
    check_progress(progress)
    corpus = ensure_index(corpus).corpus
    table = resolve_actors(actors)
    texts = list(corpus["text"])
    found = by_chunks(texts, lambda lo, hi: _mentions(texts[lo:hi], table), progress=progress, desc="actors")
    rows = [
        {"doc_id": doc_id, "actor": actor_id, "kind": table[actor_id]["kind"], "matched": text[start:end],
         "start": start, "end": end}
        for doc_id, text, mentions in zip(corpus["doc_id"], texts, found, strict=True)
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
    corpus: pd.DataFrame | TokenIndex,
    *,
    actors: Mapping[str, dict] | str | Path | None = None,
    progress: bool | None = None,
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
    progress
        Show a progress bar (tqdm): ``None`` (default) shows one past
        :data:`analysis.index.PROGRESS_CHARS` characters of text.

    Returns
    -------
    pandas.DataFrame
        One row per attributed passage (a sentence, or sentences joined by a
        running quotation): ``doc_id``, ``speaker`` (the actor id, or, for a
        speaker the table does not know, the name as written: ``Mme Fall``;
        one column, so a speaker keeps its row whether known or not, and
        adding the name to the table turns it into the actor's id),
        ``known`` (``True`` for an actor of the table), ``start``, ``end``
        (offsets into ``text``), ``text`` (the passage), ``cue`` (the
        words that name it speech, as written, or ``« »`` for a continued
        quotation) and ``rule`` (``subject``, ``pronoun``, ``inversion``,
        ``selon`` or ``quote-continued``). Sorted by ``doc_id``, ``start``.
    """
    check_progress(progress)
    index = ensure_index(corpus)
    corpus = index.corpus
    table = resolve_actors(actors)
    texts = list(corpus["text"])
    spans = sentence_spans(index)
    found = by_chunks(texts, lambda lo, hi: speech_passages(texts[lo:hi], table, spans=spans[lo:hi]),
                       progress=progress, desc="speech")
    rows = [
        {"doc_id": doc_id, "speaker": speaker, "known": speaker in table, "start": start, "end": end,
         "text": text[start:end], "cue": cue, "rule": rule}
        for doc_id, text, passages in zip(corpus["doc_id"], texts, found, strict=True)
        for speaker, start, end, cue, rule in passages
    ]
    frame = pd.DataFrame(rows, columns=list(SPEECH_COLUMNS))
    frame = frame.astype({"known": "bool", "start": "int64", "end": "int64"})
    return frame.sort_values(["doc_id", "start"], kind="stable").reset_index(drop=True)


def unknown_speakers(
    corpus: pd.DataFrame, *, actors: Mapping[str, dict] | str | Path | None = None
) -> pd.DataFrame:
    """The speakers :func:`speech` names as written because the actor table does not know them.

    The list to complete an actor table from (``docs/lexicon.md``, *Speakers
    the table does not know*): add a name to your own actor file and pass it
    as ``actors`` to count that speaker as an actor.

    Parameters
    ----------
    corpus
        A frame with ``doc_id`` and ``text``.
    actors
        As for :func:`speech`.

    Returns
    -------
    pandas.DataFrame
        One row per name as written (``Mme Fall`` and ``Aminata Fall`` are
        two rows): ``speaker``, ``passages`` (passages attributed to it, every
        rule), ``articles`` (articles with one), and its first passage in
        :func:`speech` order: ``doc_id``, ``start`` and ``example`` (its
        text). Sorted by ``passages`` (descending), then ``speaker``.
    """
    found = speech(corpus, actors=actors)
    found = found[~found["known"]]
    columns = list(UNKNOWN_SPEAKER_COLUMNS)
    if found.empty:
        return pd.DataFrame(
            {c: pd.Series(dtype="int64" if c in ("passages", "articles", "start") else object)
             for c in columns}
        )
    grouped = found.groupby("speaker", sort=False)
    frame = grouped.first()[["doc_id", "start", "text"]].rename(columns={"text": "example"})
    frame.insert(0, "articles", grouped["doc_id"].nunique())
    frame.insert(0, "passages", grouped.size())
    frame = frame.reset_index()[columns].astype({"passages": "int64", "articles": "int64", "start": "int64"})
    frame = frame.sort_values(["passages", "speaker"], ascending=[False, True], kind="stable")
    return frame.reset_index(drop=True)


def sentence_spans(index: TokenIndex) -> list[list[tuple[int, int]]]:
    """Per article of a token index, the ``(start, end)`` of its sentences (:func:`analysis.sentences`)."""
    starts, ends = index.sentence_starts.tolist(), index.sentence_ends.tolist()
    first = index.doc_sentence_first.tolist()
    return [list(zip(starts[lo:hi], ends[lo:hi], strict=True))
            for lo, hi in zip(first, first[1:], strict=False)]


def speech_passages(
    texts: list[str],
    actors: Mapping[str, dict],
    *,
    views: list[tuple[str | None, str]] | None = None,
    spans: list[list[tuple[int, int]]] | None = None,
    positions: WordPositions | None = None,
    holding: list[list[int]] | None = None,
) -> list[list[tuple[str, int, int, str, str]]]:
    """Per text, its attributed passages ``(speaker, start, end, cue, rule)`` in text order.

    ``views`` (:func:`analysis.matching.text_view`), ``spans`` (the
    ``(start, end)`` of the :func:`analysis.sentences` of each text) and
    ``positions`` (:func:`analysis.matching.word_positions`) of the texts may
    be passed when the caller has them. Cues and actor names are searched in
    all texts at once (:func:`analysis.matching.batch_matches`), each apart: the
    stretches of a text that the slow patterns search end at the characters
    no pattern of a search holds, and cues hold commas where actor names
    hold full stops. With ``holding``, only the passages of text ``i`` holding
    one of the offsets ``holding[i]`` (sorted) are given, and only the
    passages they depend on are attributed.
    """
    views = views if views is not None else [text_view(text) for text in texts]
    vocabulary = speech_words(actors)
    if positions is None or positions.known.any() and not vocabulary <= frozenset(positions.words):
        positions = word_positions(views, vocabulary, texts=texts)
    cues = batch_matches(texts, _CUE_MATCHERS["finite"] + _CUE_MATCHERS["selon"], views=views,
                         positions=positions)
    inverted = _with_hyphenated_pronoun(texts, views, positions)
    more = batch_matches([texts[i] for i in inverted], _CUE_MATCHERS["inverted"],
                         views=[views[i] for i in inverted])
    for i, doc_more in zip(inverted, more, strict=True):
        cues[i] = sorted(cues[i] + doc_more)
    # Every rule, even a continued quotation, starts from a cue.
    with_cues = [i for i, found in enumerate(cues) if found]
    mentions = batch_matches([texts[i] for i in with_cues], actor_matchers(actors),
                             views=[views[i] for i in with_cues], positions=positions.take(with_cues))
    persons = frozenset(actor_id for actor_id, actor in actors.items() if actor["kind"] in PERSON_KINDS)
    result: list[list[tuple[str, int, int, str, str]]] = [[] for _ in texts]
    for i, doc_mentions in zip(with_cues, mentions, strict=True):
        doc_spans = spans[i] if spans is not None else [(a, b) for _, a, b in sentences(texts[i])]
        result[i] = _doc_speech(texts[i], persons, doc_spans, cues[i], doc_mentions,
                                holding[i] if holding is not None else None)
    return result


def speech_words(actors: Mapping[str, dict]) -> frozenset[str]:
    """The words whose :func:`analysis.matching.word_positions` :func:`speech_passages` reads.

    Those of the cues and actor names, and the pronouns of inverted cues.
    """
    cues = _CUE_MATCHERS["finite"] + _CUE_MATCHERS["selon"]
    return matchers_vocabulary(cues + actor_matchers(actors)) | _INVERTED_PRONOUNS


def _with_hyphenated_pronoun(
    texts: list[str], views: list[tuple[str | None, str]], positions: WordPositions
) -> list[int]:
    """The texts holding a hyphen then ``il`` or ``elle``, as every match of an inverted cue does.

    Read off the positions of the pronouns (a scan of every text for them
    takes longer than the rest of the cue search); a text without a
    lower-cased view or word positions is searched.
    """
    pronouns = [k for k, word in enumerate(positions.words) if word in _INVERTED_PRONOUNS]
    at = np.isin(positions.word, pronouns)
    docs, offsets = positions.doc[at].tolist(), positions.offset[at].tolist()
    found = {doc for doc, offset in zip(docs, offsets, strict=True)
             if offset and views[doc][0] is not None and views[doc][0][offset - 1] in _HYPHENS}
    found.update(i for i, (text, (lowered, _)) in enumerate(zip(texts, views, strict=True))
                 if (lowered is None or not positions.known[i]) and _HYPHEN_PRONOUN_RE.search(text))
    return sorted(found)


class _Mentions:
    """The mentions of one passage, sorted, with what the rules look up per cue in O(log n)."""

    def __init__(self, text: str, spans: list[tuple[int, int, str]]) -> None:
        self.spans = spans
        self.starts = [s for s, _, _ in spans]
        self.ends = [e for _, e, _ in spans]  # sorted too: mentions do not overlap
        self._text = text
        self._next_free: list[int] | None = None

    def next_free(self, i: int) -> int:
        """The first mention from the ``i``-th on not governed by a preposition (30 characters before it)."""
        if self._next_free is None:
            nxt = [len(self.spans)] * (len(self.spans) + 1)
            for k in range(len(self.spans) - 1, -1, -1):
                m_start = self.starts[k]
                governed = _PREPOSITION_RE.search(self._text[max(0, m_start - 30) : m_start])
                nxt[k] = nxt[k + 1] if governed else k
            self._next_free = nxt
        return self._next_free[i]


def _doc_speech(
    text: str,
    persons: frozenset[str],
    spans: list[tuple[int, int]],
    cues: list[tuple[int, int, str]],
    mentions: list[tuple[int, int, str]],
    holding: list[int] | None = None,
) -> list[tuple[str, int, int, str, str]]:
    """The attributed passages of a text, as :func:`speech_passages` gives them.

    ``persons`` are the ids of the actors of :data:`PERSON_KINDS`. With
    ``holding`` (sorted offsets), only the attributed passages holding one
    of them are given. Only the passages holding a cue are attributed (a
    quotation goes on with the speaker of the latest of them; the others
    change nothing but the last person named, looked up when a pronoun needs
    it), and of those only the ones a passage given depends on: itself, the
    one it continues, and, when a pronoun is read, the one before.
    """
    passages = _passages(text, spans)
    passage_starts = [start for start, _ in passages]
    own: dict[int, list[tuple[int, int, str]]] = {}  # the cues of each passage holding one
    for cue in cues:
        j = bisect_right(passage_starts, cue[0]) - 1
        if j >= 0 and cue[0] < passages[j][1]:
            own.setdefault(j, []).append(cue)
    order = list(own)  # the passages holding a cue, in text order (cues are sorted)
    mention_starts, mention_ends = [m[0] for m in mentions], [m[1] for m in mentions]
    found: dict[int, tuple[str, str, str] | None] = {}  # by position in `order`: (speaker, cue, rule)
    reversed_text: list[str] = []  # text[::-1], made when first read backwards
    people: list[tuple[list[int], list[str]]] = []  # the persons mentioned, found when first needed

    def attribute(k: int) -> None:
        start, end = passages[order[k]]
        lo = bisect_left(mention_starts, start)
        hi = min(bisect_left(mention_starts, end, lo), bisect_right(mention_ends, end, lo))
        inside, cues = mentions[lo:hi], own[order[k]]

        # Names are looked for only if one could be read: the rules read the last speaker ending
        # before a cue of saying, which a name is only if it starts after the last actor mention
        # ending there, and the speakers starting after a cue, up to its first .;:«»" (any later
        # fails the gap).
        def subject_name(cue_start: int) -> bool:
            m = bisect_right(mention_ends, cue_start, lo, hi) - 1
            return _name_may_start(text, mention_ends[m] if m >= lo else start, cue_start - 1, end,
                                   mention_starts, mention_ends, lo, hi)

        def after_name(cue_end: int) -> bool:
            stop = _AFTER_GAP_END_RE.search(text, cue_end, end)
            return _name_may_start(text, cue_end, stop.start() if stop else end, end,
                                   mention_starts, mention_ends, lo, hi)

        plain = _Mentions(text, inside)
        cue_start, cue_end, kind = cues[0]
        if kind == "finite" and (subject := _subject_before(text, start, cue_start, plain)):
            if not subject_name(cue_start):  # the first cue's subject is an actor: nothing else is read
                found[k] = (subject, text[cue_start:cue_end], "subject")
                return
            read_names = True
        else:
            read_names = any(kind == "finite" and subject_name(cue_start)
                             or kind != "inverted" and after_name(cue_end)
                             for cue_start, cue_end, kind in cues)
        if not read_names:
            speakers = plain
        else:
            ranges = _name_ranges(text, start, end, cues, reversed_text)
            speakers = _Mentions(text, sorted(inside + _names(text, start, end, inside, ranges)) if ranges
                                 else inside)
        found[k] = _attribute(text, start, cues, speakers, partial(pronoun_speaker, k), reversed_text)

    def pronoun_speaker(k: int) -> str:
        """Who a pronoun in the ``k``-th passage holding a cue stands for.

        The speaker of the passage before it (holding a cue); if that one
        named no one (someone the actor table does not know spoke: later
        "Il a dit" is theirs) or there is none, the first person of the
        latest passage naming one, after it.
        """
        if k > 0 and k - 1 not in found:  # attributed in order, each from the one before
            first = k - 1
            while first > 0 and first - 1 not in found:
                first -= 1
            for before in range(first, k):
                attribute(before)
        if k > 0 and found[k - 1] is not None:
            return found[k - 1][0]
        if not people:
            people.append(_persons(passages, passage_starts, mentions, persons))
        person_passages, person_ids = people[0]
        latest = bisect_left(person_passages, order[k]) - 1
        if latest >= 0 and person_passages[latest] > (order[k - 1] if k > 0 else -1):
            return person_ids[bisect_left(person_passages, person_passages[latest])]
        return ""

    wanted: list[int] | None = None  # the passages given (all if None), sorted
    needed: Sequence[int] = range(len(order))
    if holding is not None:
        wanted = sorted({j for offset in holding
                         if (j := bisect_right(passage_starts, offset) - 1) >= 0 and offset < passages[j][1]})
        # A passage without a cue is given only if it continues a quotation, so holds a quote mark.
        needed = sorted({k for j in wanted if (k := bisect_right(order, j) - 1) >= 0
                         and (order[k] == j or _has_quote(text[passages[j][0] : passages[j][1]]))})
    result = []
    for k in needed:
        if k not in found:
            attribute(k)
        if found[k] is None:
            continue
        speaker, cue, rule = found[k]
        j = order[k]
        if wanted is None or _among(wanted, j):
            result.append((speaker, *passages[j], cue, rule))
        # Passages with a quotation and no cue go on with the speaker's words.
        last = len(passages) - 1 if k + 1 == len(order) else order[k + 1] - 1
        if wanted is not None:  # up to the last passage given before the next cue
            last = wanted[bisect_right(wanted, last) - 1]
        for after in range(j + 1, last + 1):
            if not _has_quote(text[passages[after][0] : passages[after][1]]):
                break
            if wanted is None or _among(wanted, after):
                result.append((speaker, *passages[after], "« »", "quote-continued"))
    return result


def _among(values: list[int], value: int) -> bool:
    """Whether ``value`` is in the sorted list ``values``."""
    at = bisect_left(values, value)
    return at < len(values) and values[at] == value


def _name_may_start(
    text: str, a: int, b: int, end: int, mention_starts: list[int], mention_ends: list[int], lo: int, hi: int
) -> bool:
    """Whether a name (:func:`_names` of a passage ending at ``end``) may start from offset ``a`` to ``b``.

    A name starts where :data:`_NAME_START_RE` matches (its first word, or
    the capitalised word after the titles and function words left out of
    it), and not in one of the actor mentions ``lo`` to ``hi`` (``(start,
    end)`` in ``mention_starts`` and ``mention_ends``): a name overlapping
    an actor is dropped.
    """
    while (name := _NAME_START_RE.search(text, a, end)) is not None and (at := name.start()) <= b:
        m = bisect_right(mention_starts, at, lo, hi) - 1
        if m < lo or at >= mention_ends[m]:
            return True
        a = mention_ends[m]
    return False


def _persons(
    passages: list[tuple[int, int]], passage_starts: list[int], mentions: list[tuple[int, int, str]],
    persons: frozenset[str],
) -> tuple[list[int], list[str]]:
    """The mentions of ``persons`` held whole by a passage: their passages and actor ids, in text order."""
    person_passages, person_ids = [], []
    for m_start, m_end, actor_id in mentions:
        if actor_id in persons:
            j = bisect_right(passage_starts, m_start) - 1
            if j >= 0 and m_end <= passages[j][1]:
                person_passages.append(j)
                person_ids.append(actor_id)
    return person_passages, person_ids


_END = itemgetter(1)


def _name_ranges(
    text: str, start: int, end: int, cues: list[tuple[int, int, str]], reversed_text: list[str]
) -> list[tuple[int, int]]:
    """Where, in the passage ``text[start:end]``, the rules can use a name as the speaker of ``cues``.

    :func:`_attribute` reads the last speaker ending before a cue of saying,
    which must end where :data:`_SUBJECT_GAP_RE` reaches back, and the
    speakers starting after the cue, which must start before the first
    character :data:`_AFTER_GAP_RE` cannot hold (``.;:«»"``); an inverted
    cue names no one. A speaker outside these stretches can only fail both
    gaps, so its names need not be found (most of a long passage). A range
    ``(a, b)`` starts just after a character no name holds
    (:data:`_NOT_IN_NAME_RE`), so that a scan from there finds the names the
    passage holds there, and holds the names starting before ``b``. Sorted,
    merged.
    """
    size = len(text)
    backwards = _reversed(text, reversed_text)
    ranges: list[tuple[int, int]] = []
    # Cues come in text order, and what a search found serves the next cues until they pass it, so
    # that each stretch of the passage is searched about once (linear in its length, whatever the
    # number of cues: a passage without punctuation may hold thousands).
    seen = last = start - 1  # the last character no name holds at or before `seen` is `last`
    stop = -1  # the first of .;:«»" from the last cue on
    for cue_start, cue_end, kind in cues:
        if kind == "inverted":
            continue
        if kind == "finite":  # the earliest end of a subject
            left = size - _SUBJECT_GAP_REVERSED_RE.match(backwards, size - cue_start, size - start).end()
        else:
            left = cue_end
        reach = left - 1  # a name ending at `left` or later holds a character from `reach` on
        if reach >= seen:
            found = _NOT_IN_NAME_RE.search(backwards, size - 1 - reach, size - 1 - seen)
            last, seen = size - 1 - found.start() if found else last, reach
            first = last + 1
        elif reach > last:  # none between `last` and `seen`
            first = last + 1
        else:  # an apposition holding such a character (a digit, a bracket): look back from it
            found = _NOT_IN_NAME_RE.search(backwards, size - 1 - reach, size - start)
            first = size - found.start() if found else start
        if stop < cue_end:
            found = _AFTER_GAP_END_RE.search(text, cue_end, end)
            stop = found.start() if found else end
        ranges.append((max(first, start), stop + 1))  # names starting at `stop` or before
    ranges.sort()
    merged: list[tuple[int, int]] = []
    for a, b in ranges:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def _reversed(text: str, reversed_text: list[str]) -> str:
    """``text[::-1]``, made once per text (``reversed_text`` holds it)."""
    if not reversed_text:
        reversed_text.append(text[::-1])
    return reversed_text[0]


# A character no name (_NAME_RE) holds: all but letters, apostrophes, hyphens, full stops and
# spaces other than a newline.
_NOT_IN_NAME_RE = re.compile(r"[\d_\n]|[^\w\s'’ʼ‐‑.-]")
# _SUBJECT_GAP_RE read backwards from the verb; its match is the longest gap.
_SUBJECT_GAP_REVERSED_RE = re.compile(r"(?:\s*,[^,.;:«»\"“”]{1,80},)?\s*")
# The characters _AFTER_GAP_RE cannot hold: a speaker after a cue starts before the first of them.
_AFTER_GAP_END_RE = re.compile(r'[.;:«»"]')


def _passages(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sentences, joined while a quotation opened in them is still open.

    Quote marks between two sentences count when a quotation is open across them.
    """
    marks = []
    for mark in _QUOTE_MARKS:  # str.find, five times faster than a regular expression
        at = text.find(mark)
        while at >= 0:
            marks.append((at, mark))
            at = text.find(mark, at + 1)
    marks.sort()
    if not marks:
        return list(spans)
    positions = [at for at, _ in marks]
    sentence_ends = [end for _, end in spans]
    result: list[tuple[int, int]] = []
    i, k, n = 0, 0, len(marks)
    while i < len(spans):
        k = bisect_left(positions, spans[i][0], k)  # marks before an opening sentence do not count
        if k == n:
            result += spans[i:]
            break
        # The sentences ending before the next mark are passages of their own (most sentences).
        j = bisect_right(sentence_ends, positions[k], i)
        if j > i:
            result += spans[i:j]
            i = j
            continue
        opened_at = spans[i][0]  # a sentence holding the mark
        guillemets = curly = straight = 0  # opened minus closed, and straight quotes, since opened_at
        while i < len(spans):
            end = spans[i][1]
            while k < n and positions[k] < end:
                mark = marks[k][1]
                if mark == "«":
                    guillemets += 1
                elif mark == "»":
                    guillemets -= 1
                elif mark == "“":
                    curly += 1
                elif mark == "”":
                    curly -= 1
                else:
                    straight += 1
                k += 1
            i += 1
            if guillemets <= 0 and curly <= 0 and straight % 2 == 0:
                result.append((opened_at, end))
                break
        else:
            result.append((opened_at, len(text.rstrip())))
    return result


_QUOTE_MARKS = '«»“”"'


def _has_quote(chunk: str) -> bool:
    return any(q in chunk for q in _QUOTE_CHARS)


def _attribute(
    text: str, start: int, cues: list[tuple[int, int, str]], mentions: _Mentions,
    pronoun_speaker: Callable[[], str], reversed_text: list[str],
) -> tuple[str, str, str] | None:
    """``(speaker, cue, rule)`` of the first cue of a passage that names its speaker.

    ``pronoun_speaker()`` gives the speaker a pronoun stands for (``""``:
    none); it is called only if a pronoun needs it.
    """
    for cue_start, cue_end, kind in cues:
        cue = text[cue_start:cue_end]
        if kind == "inverted":
            if speaker := pronoun_speaker():
                return speaker, cue, "pronoun"
            continue
        if kind == "finite":
            subject = _subject_before(text, start, cue_start, mentions)
            if subject:
                return subject, cue, "subject"
            if _pronoun_before(text, start, cue_start, reversed_text) and (speaker := pronoun_speaker()):
                return speaker, cue, "pronoun"
        after = _actor_after(text, cue_end, mentions)
        if after:
            return after, cue, "inversion" if kind == "finite" else "selon"
    return None


def _pronoun_before(text: str, start: int, cue_start: int, reversed_text: list[str]) -> bool:
    """Whether ``text[start:cue_start]`` ends with a pronoun (``Il``, ``Ce dernier`` ...).

    Matched backwards on the reversed text, so the cost does not grow with
    the length of the passage before the cue.
    """
    size = len(text)
    return _PRONOUN_BEFORE_REVERSED_RE.match(
        _reversed(text, reversed_text), size - cue_start, size - start) is not None


def _subject_before(text: str, start: int, cue_start: int, mentions: _Mentions) -> str:
    last = bisect_right(mentions.ends, cue_start) - 1
    if last < 0:
        return ""
    m_start, m_end, actor_id = mentions.spans[last]
    if not _SUBJECT_GAP_RE.fullmatch(text, m_end, cue_start):
        return ""
    if _PREPOSITION_RE.search(text[max(start, m_start - 30) : m_start]):
        return ""
    return actor_id


def _actor_after(text: str, cue_end: int, mentions: _Mentions) -> str:
    i = bisect_left(mentions.starts, cue_end)
    # Mentions within 30 characters of the cue are checked for a preposition after it only.
    while i < len(mentions.spans) and mentions.starts[i] - 30 < cue_end:
        m_start = mentions.starts[i]
        if not _PREPOSITION_RE.search(text[cue_end:m_start]):
            break
        i += 1  # a complement (à Pékin), not the subject
    else:
        i = mentions.next_free(i)
    while i < len(mentions.spans):
        m_start, _, actor_id = mentions.spans[i]
        gap = _AFTER_GAP_RE.fullmatch(text, cue_end, m_start)
        if gap is None:
            return ""
        if not gap.group("description") or _capitalised(text, m_start):
            return actor_id
        # "le porte-parole du ministère chinois des Affaires étrangères, Lin Jian": the description
        # holds "chinois"; the speaker is the name after it.
        i = mentions.next_free(i + 1)
    return ""
