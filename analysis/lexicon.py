"""The data files: the formula lexicon and the actor table (YAML).

The lexicon
    A YAML file (``analysis/data/formulas.yaml``; format in ``docs/lexicon.md``)
    lists *families* of formulas. Each family has an ``id`` (a slug such as
    ``gagnant-gagnant``), a ``label``, a ``category``, a ``description``, its
    ``source_wording`` where known (the Chinese term) and its ``variants``:
    every wording the family takes, each with its own ``id`` so that a match
    records which wording was used (a formula whose translation changed over
    time keeps both wordings in one family).

The actor table
    ``analysis/data/actors.yaml`` (format in ``docs/lexicon.md``) lists
    canonical actors (countries, leaders, ministers, officials,
    organisations) with the names they go by, written in the same phrase
    syntax (:mod:`analysis.phrases`).

Both files are read with PyYAML's safe loader, made stricter: anchors and
aliases (``&name``, ``*name``) are refused, so a few hundred bytes cannot
expand into gigabytes (a "billion laughs" file), and a key given twice in
one mapping is an error naming the key instead of "the last one wins". Every
problem of a file is reported at once in one :class:`analysis.LexiconError`
naming the file, the entry and the problem; a bad value is shown by its
start, never whole. A file is parsed once per version (path, modification
time, size).

``regex:`` variants are compiled as :class:`analysis.phrases.UserRegex`: a
regex that runs longer than its time limit on a text stops the search with a
LexiconError naming the file, the family, the variant and the regex.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml

from .errors import LexiconError, excerpt
from .paths import DATA_DIR
from .phrases import UserRegex, anchor, compile_phrase, fast_patterns, slugify

LEXICON_FILE: Path = DATA_DIR / "formulas.yaml"
#: Keys a family may have (``id``, ``label`` and ``variants`` are required).
FAMILY_KEYS = ("id", "label", "category", "description", "source_wording", "note", "variants")
#: Keys a variant may have (``id`` and exactly one of ``phrase`` and ``regex``).
VARIANT_KEYS = ("id", "phrase", "regex", "note")
_LIGATURES = {"œ": "(?:œ|oe)", "æ": "(?:æ|ae)", "Œ": "(?:Œ|OE)", "Æ": "(?:Æ|AE)"}
_SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

class StrictLoader(yaml.SafeLoader):
    """PyYAML's safe loader without anchors and aliases, and with no key given twice in a mapping."""

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise yaml.composer.ComposerError(
                None, None, "anchors and aliases (&name, *name) are not allowed in data files; "
                "write each value out", event.start_mark,
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                key = self.construct_object(key_node)
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key {excerpt(key)} (a key may appear once in a mapping)",
                        key_node.start_mark,
                    )
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


def read_yaml_list(path: Path, key: str) -> list[Any]:
    """Read a data file whose top level is ``{key: [entries]}`` (:class:`StrictLoader`)."""
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LexiconError(f"{path}: file not found") from None
    except UnicodeDecodeError as exc:
        raise LexiconError(f"{path}: not valid UTF-8 ({exc.reason} at byte {exc.start})") from None
    try:
        data = yaml.load(raw, Loader=StrictLoader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise LexiconError(f"{path}: not valid YAML{where}: {_cut(problem)}") from None
    if not isinstance(data, dict) or set(data) != {key}:
        found = excerpt(sorted(map(str, data))) if isinstance(data, dict) else type(data).__name__
        raise LexiconError(
            f"{path}: the top level must be a mapping with the single key {key!r} (found {found})"
        )
    entries = data[key]
    if not isinstance(entries, list) or not entries:
        raise LexiconError(f"{path}: {key!r} must be a non-empty list")
    return entries


def _cut(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters in all)"


def check_entry(
    entry: Any, *, path: Path, what: str, index: int, keys: tuple[str, ...], required: tuple[str, ...]
) -> tuple[str, list[str]]:
    """Check one mapping of a data file: its keys and that required ones are texts.

    Returns the entry's id (or ``#index``) and the list of problems found.
    """
    if not isinstance(entry, dict):
        return f"#{index}", [f"{path}: {what} #{index}: must be a mapping (got {type(entry).__name__})"]
    ident = entry.get("id")
    name = excerpt(ident) if isinstance(ident, str) and ident else f"#{index}"
    problems = []
    for key in entry:
        if key not in keys:
            problems.append(f"{path}: {what} {name}: unknown key {excerpt(key)} (allowed: {', '.join(keys)})")
    for key in required:
        value = entry.get(key)
        if key == "id" and isinstance(value, str) and not _SLUG_RE.match(value):
            problems.append(
                f"{path}: {what} {name}: id {excerpt(value)} must be a slug (a-z, 0-9, single '-')"
            )
        elif key not in entry:
            problems.append(f"{path}: {what} {name}: missing key {key!r}")
        elif key != "variants" and key != "names" and (not isinstance(value, str) or not value.strip()):
            problems.append(f"{path}: {what} {name}: {key!r} must be a non-empty text (got {excerpt(value)})")
    for key in keys:
        if key in entry and key not in required and key not in ("variants", "names"):
            if not isinstance(entry[key], str):
                problems.append(f"{path}: {what} {name}: {key!r} must be a text (got {excerpt(entry[key])})")
    return (ident if isinstance(ident, str) and ident else f"#{index}"), problems

def compile_variant(variant: Any, *, where: str) -> tuple[dict | None, list[str]]:
    """Check and compile one variant (a phrase text, or a mapping with phrase or regex)."""
    if isinstance(variant, str):
        variant = {"id": slugify(variant), "phrase": variant}
    if not isinstance(variant, dict):
        return None, [f"{where}: a variant must be a phrase or a mapping (got {excerpt(variant)})"]
    name = variant.get("id", "?")
    shown = excerpt(name)
    problems = [
        f"{where}, variant {shown}: unknown key {excerpt(key)} (allowed: {', '.join(VARIANT_KEYS)})"
        for key in variant
        if key not in VARIANT_KEYS
    ]
    if not isinstance(name, str) or not _SLUG_RE.match(name):
        problems.append(f"{where}, variant {shown}: id must be a slug (a-z, 0-9, single '-')")
    kinds = [k for k in ("phrase", "regex") if k in variant]
    if len(kinds) != 1:
        problems.append(f"{where}, variant {shown}: give exactly one of 'phrase' and 'regex'")
        return None, problems
    kind = kinds[0]
    source = variant[kind]
    if not isinstance(source, str) or not source.strip():
        problems.append(f"{where}, variant {shown}: empty {kind} (got {excerpt(source)})")
        return None, problems
    try:
        if kind == "phrase":
            pattern = compile_phrase(source)
        else:
            pattern = UserRegex(source, error=LexiconError, where=f"{where}, variant {shown}")
    except ValueError as exc:
        problems.append(f"{where}, variant {shown}: invalid {kind} {excerpt(source)}: {_cut(str(exc))}")
        return None, problems
    if pattern.search("") is not None:
        problems.append(f"{where}, variant {shown}: {kind} {excerpt(source)} matches the empty text")
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

def parse_entries(
    path: Path,
    *,
    key: str,
    what: str,
    keys: tuple[str, ...],
    required: tuple[str, ...],
    items: str,
    build: Callable[[dict, str, list, list[str]], dict],
) -> dict[str, dict]:
    """Read a data file ``{key: [entries]}`` into ``{id: build(entry, id, entry[items], problems)}``.

    Each entry is checked (:func:`check_entry`, an id given once, ``items`` a
    non-empty list) and built by ``build``, which appends what is wrong to
    ``problems``; every problem of the file is raised at once.

    Raises
    ------
    LexiconError
        Listing every problem found, each naming the file and the entry.
    """
    built: dict[str, dict] = {}
    problems: list[str] = []
    for index, entry in enumerate(read_yaml_list(path, key), start=1):
        ident, found = check_entry(entry, path=path, what=what, index=index, keys=keys, required=required)
        problems += found
        if ident in built:
            problems.append(f"{path}: {what} {excerpt(ident)}: duplicate id ({what} #{index})")
            continue
        values = entry.get(items) if isinstance(entry, dict) else None
        if not isinstance(values, list) or not values:
            if isinstance(entry, dict) and items in entry:
                shape = "a non-empty list" if items == "variants" else "a non-empty list of phrases"
                problems.append(f"{path}: {what} {excerpt(ident)}: {items!r} must be {shape}")
            continue
        built[ident] = build(entry, ident, values, problems)
    if problems:
        raise LexiconError("\n".join(problems))
    return built

def _parse_lexicon(path: Path) -> dict[str, dict]:
    def family(entry: dict, ident: str, variants: list, problems: list[str]) -> dict:
        compiled, seen = [], set()
        for variant in variants:
            result, found = compile_variant(variant, where=f"{path}: family {excerpt(ident)}")
            problems += found
            if result is None:
                continue
            if result["id"] in seen:
                problems.append(
                    f"{path}: family {excerpt(ident)}, variant {excerpt(result['id'])}: duplicate variant id"
                )
            seen.add(result["id"])
            compiled.append(result)
        return {
            "id": ident,
            "label": entry.get("label", ""),
            "category": entry.get("category", ""),
            "description": entry.get("description", ""),
            "source_wording": entry.get("source_wording", ""),
            "note": entry.get("note", ""),
            "variants": compiled,
            "file": str(path),
        }

    return parse_entries(path, key="families", what="family", keys=FAMILY_KEYS,
                         required=("id", "label", "variants"), items="variants", build=family)

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
        ``note``, ``pattern`` (a compiled :class:`re.Pattern`, or a
        :class:`analysis.phrases.UserRegex` for a ``regex`` variant) and
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

def resolve_lexicon(lexicon: Mapping[str, dict] | str | Path | None) -> Mapping[str, dict]:
    if lexicon is None:
        return cached_parse(LEXICON_FILE, _parse_lexicon)
    if isinstance(lexicon, (str, Path)):
        return load_lexicon(lexicon)
    if isinstance(lexicon, Mapping):
        return lexicon
    raise ValueError(
        f"lexicon must be None, a path or a lexicon from load_lexicon() (got {type(lexicon).__name__})"
    )

def family_matchers(families: Mapping[str, dict]) -> list[tuple]:
    return [
        ((family_id, v["id"]), v["pattern"], v.get("fast"), v.get("anchor"))
        for family_id, family in families.items()
        for v in family["variants"]
    ]


# --------------------------------------------------------------------------- actor table


ACTORS_FILE: Path = DATA_DIR / "actors.yaml"


#: Keys an actor may have (``id``, ``label``, ``kind`` and ``names`` are required).
ACTOR_KEYS = ("id", "label", "kind", "country", "note", "names")


def _parse_actors(path: Path) -> dict[str, dict]:
    def actor(entry: dict, ident: str, names: list, problems: list[str]) -> dict:
        patterns, anchors, fast = [], [], []
        for name in names:
            try:
                patterns.append(compile_phrase(name))
                anchors.append(anchor(patterns[-1]))
                fast.append(fast_patterns(name))
            except ValueError as exc:
                problems.append(f"{path}: actor {excerpt(ident)}, name {excerpt(name)}: {exc}")
        return {
            "id": ident,
            "label": entry.get("label", ""),
            "kind": entry.get("kind", ""),
            "country": entry.get("country", ""),
            "note": entry.get("note", ""),
            "names": list(names),
            "patterns": patterns,
            "anchors": anchors,
            "fast": fast,
            "file": str(path),
        }

    return parse_entries(path, key="actors", what="actor", keys=ACTOR_KEYS,
                         required=("id", "label", "kind", "names"), items="names", build=actor)


def load_actors(path: str | Path | None = None, *, extend: bool = True) -> dict[str, dict]:
    """Load the actor table: the shipped one, or a user file added to or replacing it.

    Parameters
    ----------
    path
        A YAML actor table (format in ``docs/lexicon.md``); ``None`` loads
        the shipped ``analysis/data/actors.yaml``.
    extend
        With a ``path``: ``True`` adds its actors to the shipped ones (an
        actor whose ``id`` is shipped is replaced as a whole), ``False`` uses
        the user's actors alone.

    Returns
    -------
    dict
        ``{actor id: actor}`` in file order. An actor is a dict with ``id``,
        ``label``, ``kind`` (``country``, ``leader``, ``minister``,
        ``official``, ``organisation`` or the user's own), ``country``,
        ``note``, ``names`` (the phrases), ``patterns`` (compiled) and
        ``file``. A fresh copy on every call.

    Raises
    ------
    LexiconError
        Naming the file, the actor and the problem (broken YAML, unknown or
        missing key, id not a slug, duplicate id, empty or invalid name).
    """
    if not isinstance(extend, bool):
        raise ValueError(f"extend must be True or False (got {extend!r})")
    shipped = cached_parse(ACTORS_FILE, _parse_actors)
    if path is None:
        return copy.deepcopy(shipped)
    user = cached_parse(Path(path).expanduser().resolve(), _parse_actors)
    return copy.deepcopy({**shipped, **user} if extend else dict(user))


def resolve_actors(actors: Mapping[str, dict] | str | Path | None) -> Mapping[str, dict]:
    if actors is None:
        return cached_parse(ACTORS_FILE, _parse_actors)
    if isinstance(actors, (str, Path)):
        return load_actors(actors)
    if isinstance(actors, Mapping):
        return actors
    raise ValueError(
        f"actors must be None, a path or a table from load_actors() (got {type(actors).__name__})"
    )


def actor_matchers(actors: Mapping[str, dict]) -> list[tuple]:
    matchers = []
    for actor_id, actor in actors.items():
        n = len(actor["patterns"])
        fast = actor.get("fast") or [None] * n
        anchors = actor.get("anchors") or [None] * n
        matchers += [(actor_id, *m) for m in zip(actor["patterns"], fast, anchors, strict=True)]
    return matchers
