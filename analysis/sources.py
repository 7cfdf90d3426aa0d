"""Step 0 of the pipeline: bring articles into a corpus folder, and take them out again.

Researchers collect French news as saved web pages, as Europresse exports (one
HTML file holding many articles), as tables from a scraper (CSV or JSONL) or as
plain text files. :func:`import_articles` turns any mix of these into the
corpus format that :func:`analysis.load_corpus` reads: one UTF-8 ``.txt`` file
per article and one row per article in ``metadata.csv``.

Decisions (details and the extractor comparison in ``docs/import.md``):

- **Nothing existing is changed.** Text files already in the folder are never
  touched; ``metadata.csv`` only gains rows at its end (and, when an article
  brings a column the table lacks, such as ``author``, an empty cell at the end
  of each earlier line). New files and the new table are written in a
  temporary folder beside the corpus and moved in last; an import that fails
  leaves the corpus folder byte for byte as it was.
- **Identifiers come from the content.** ``doc_id`` is ``NNN_<hash>``, the
  style of the shipped ids: ``NNN`` is the next free number of the folder (short
  chart labels) and ``<hash>`` the first 16 hex digits of the SHA-256 of the
  text (Unicode NFC, runs of white space as one space). Two articles with the
  same hash are one article: re-importing is a no-op reported ``duplicate``,
  and the same text found under two URLs is imported once and reported.
- **Near-duplicates are reported, not dropped**: the same dispatch republished
  with another first line keeps its own row, with ``duplicate_of`` naming the
  article it repeats. Resemblance is the Jaccard index of the two texts' sets
  of word 5-grams (Broder 1997, "On the resemblance and containment of
  documents"), computed through an inverted index of hashed 5-grams, so the
  cost grows with the number of shared 5-grams, not with the square of the
  corpus.
- **Metadata is never invented.** A date is taken only from what the source
  states (page metadata, Europresse header, table cell), never guessed from the
  text; what is unknown stays empty, and ``note`` says where each article came
  from.
- Text is brought to Unicode NFC, line endings to ``\\n``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import shutil
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

import pandas as pd

from .errors import SourceError
from .paths import corpus_dir

#: Formats :func:`import_articles` reads (``"auto"`` decides from each file).
SOURCE_FORMATS = ("auto", "web", "europresse", "csv", "jsonl", "text")
#: Columns of the frame :func:`import_articles` returns.
IMPORT_COLUMNS = ("input", "doc_id", "file", "status", "reason", "duplicate_of")
#: Metadata columns a new ``metadata.csv`` starts with (those of ``load_corpus``).
BASE_COLUMNS = ("doc_id", "file", "title", "date", "source", "url", "lang", "note")
#: Metadata fields a table column or the ``metadata`` argument may fill by name.
KNOWN_FIELDS = ("title", "date", "source", "url", "author", "lang", "note")
#: Jaccard index of word 5-grams from which an article is reported as a near-duplicate.
NEAR_DUPLICATE = 0.8
SHINGLE_WORDS = 5
#: A 5-gram is followed to the first this many articles that contain it only: the cost per
#: article stays bounded on corpora full of repeated copy, and since the earliest articles stay
#: in the index, the 500th copy of a dispatch is still found to repeat the first ones.
_MAX_POSTINGS = 50

_EXTENSIONS = {".html": "html", ".htm": "html", ".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl",
               ".txt": "text"}
_FORMAT_NAMES = {"web": "saved web page", "europresse": "Europresse export", "csv": "CSV table",
                 "jsonl": "JSONL table", "text": "text file"}
_MONTHS = {
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
    "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "décembre": 12, "decembre": 12,
}
_FRENCH_DATE = re.compile(
    r"\b(?:(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\s+)?(1er|\d{1,2})\s+("
    + "|".join(_MONTHS) + r")\s+(\d{4})\b",
    re.IGNORECASE,
)
_NUMERIC_DATE = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$")
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_ID_NUMBER = re.compile(r"^(\d+)_")
_EUROPRESSE_MARKS = (b"rdp__DocPublicationName", b"docOcurrContainer", b"DocPublicationName")


@dataclass
class _Article:
    """One article read from a source, before it gets an id."""

    input: str
    text: str
    meta: dict[str, str] = field(default_factory=dict)
    skip: str = ""  # reason, when the source holds an entry that is not an article


def import_articles(
    sources: str | os.PathLike | Iterable[str | os.PathLike],
    *,
    corpus: str | os.PathLike | None = None,
    source_format: str = "auto",
    columns: Mapping[str, str] | None = None,
    metadata: Mapping[str, str] | None = None,
    encoding: str | None = None,
    near_duplicate: float = NEAR_DUPLICATE,
    progress: bool = True,
) -> pd.DataFrame:
    """Import articles from files into a corpus folder.

    Parameters
    ----------
    sources
        Files or folders (read recursively, in name order) to import: saved web
        pages (``.html``/``.htm``, one article each), Europresse HTML exports
        (many articles each; recognised by their markup), CSV or JSONL tables
        (one article per row) and plain ``.txt`` files (one article each).
    corpus
        The corpus folder (created with its ``metadata.csv`` when absent);
        ``None`` means :func:`analysis.paths.corpus_dir`.
    source_format
        One of ``"auto"`` (from the file's extension, and for HTML from its
        markup), ``"web"``, ``"europresse"``, ``"csv"``, ``"jsonl"``, ``"text"``.
    columns
        For tables: source column name → corpus field, for names other than
        ``text``, ``title``, ``date``, ``source``, ``url``, ``author``,
        ``lang``, ``note`` (for example ``{"body": "text", "outlet":
        "source"}``). A mapped name outside these becomes an extra column.
    metadata
        Values given to every imported article where its source states none
        (for example ``{"source": "Xinhua"}`` for plain text files).
        ``lang`` defaults to ``"fr"``.
    encoding
        Encoding of the text and table files (default UTF-8, with or without
        a byte-order mark). HTML files use the charset they declare.
    near_duplicate
        Jaccard index of word 5-grams (between 0 and 1) from which an article is
        reported as a near-duplicate of an earlier one; it is still imported.
    progress
        Show a progress bar when there are many inputs (tqdm).

    Returns
    -------
    pandas.DataFrame
        One row per article found, in input order: ``input`` (file, with
        ``#n`` for the n-th article or row of a file), ``doc_id``, ``file``
        (path in the corpus folder), ``status`` (``added``, ``duplicate`` or
        ``skipped``), ``reason`` (why, empty for a plain addition) and
        ``duplicate_of`` (the ``doc_id`` it repeats exactly, or nearly for an
        added near-duplicate; empty otherwise).

    Raises
    ------
    SourceError
        Naming the file and the problem (missing file, unknown format,
        undecodable bytes, unreadable HTML, a page with no article text, an
        Europresse file whose structure is not recognised, a table without a
        text column). Nothing is written then.
    ValueError
        On an invalid argument.
    """
    if source_format not in SOURCE_FORMATS:
        raise ValueError(f"source_format must be one of {', '.join(SOURCE_FORMATS)} (got {source_format!r})")
    if not isinstance(near_duplicate, int | float) or not 0 < near_duplicate <= 1:
        raise ValueError(f"near_duplicate must be a number in (0, 1] (got {near_duplicate!r})")
    mapping = _check_mapping(columns, "columns")
    defaults = {"lang": "fr", **_check_mapping(metadata, "metadata")}
    if "text" in defaults:
        raise ValueError("metadata cannot set 'text'; the text comes from the sources")
    if encoding is not None:
        try:
            "".encode(encoding)
        except (LookupError, TypeError):
            raise ValueError(
                f"encoding must be a codec name such as 'utf-8' or 'cp1252' (got {encoding!r})"
            ) from None
    folder = Path(corpus).expanduser().resolve() if corpus is not None else corpus_dir()
    if folder.exists() and not folder.is_dir():
        raise SourceError(f"{folder}: the corpus path exists and is not a folder")

    files = _expand(sources)
    articles: list[_Article] = []
    for path in _progress(files, progress, "reading"):
        articles.extend(_read_source(path, source_format, mapping, encoding))

    existing = _Existing.read(folder)
    plan = _plan(articles, existing, defaults, near_duplicate, progress)
    _write(folder, existing, plan)
    return pd.DataFrame(
        [{k: row[k] for k in IMPORT_COLUMNS} for row in plan], columns=list(IMPORT_COLUMNS)
    ).astype(str)


def content_key(text: str) -> str:
    """The 16-hex-digit content hash that ``doc_id`` ends with.

    SHA-256 of the text in Unicode NFC with every run of white space turned
    into one space and the ends stripped, so that the same article saved with
    other line breaks or indentation gets the same key.
    """
    canonical = " ".join(unicodedata.normalize("NFC", text).split())
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def french_date(text: str) -> str:
    """The first French date written in full in ``text`` (``lundi 8 juillet 2024``, ``1er août 2024``), ISO.

    Returns ``""`` when there is none or it is not a real day (never a guess).
    """
    match = _FRENCH_DATE.search(text or "")
    if not match:
        return ""
    day = 1 if match.group(1).lower() == "1er" else int(match.group(1))
    return _valid_date(int(match.group(3)), _MONTHS[match.group(2).lower()], day)


# --- reading each format ---------------------------------------------------------------------------


def _check_mapping(value: Mapping[str, str] | None, name: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) and k and v for k, v in value.items()
    ):
        raise ValueError(f"{name} must be a mapping of non-empty strings to strings (got {value!r})")
    return dict(value)


def _expand(sources) -> list[Path]:
    if isinstance(sources, str | os.PathLike):
        sources = [sources]
    files: list[Path] = []
    for source in sources:
        path = Path(source).expanduser()
        if path.is_dir():
            files.extend(sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in _EXTENSIONS
            ))
        elif path.is_file():
            files.append(path)
        else:
            raise SourceError(f"{path}: no such file or folder")
    if not files:
        raise SourceError(f"no file to import in {', '.join(str(s) for s in sources) or '(no source given)'}")
    return files


def _progress(items: list, enabled: bool, what: str):
    if not enabled or len(items) < 20:
        return items
    from tqdm.auto import tqdm

    return tqdm(items, desc=f"import: {what}", unit="file" if what == "reading" else "article")


def _read_source(path: Path, source_format: str, mapping: dict, encoding: str | None) -> list[_Article]:
    fmt = source_format
    if fmt == "auto":
        kind = _EXTENSIONS.get(path.suffix.lower())
        if kind is None:
            raise SourceError(
                f"{path}: unknown file type {path.suffix or '(no extension)'!r}; expected .html/.htm "
                "(web page or Europresse export), .csv, .jsonl or .txt, or pass source_format"
            )
        fmt = kind
    data = path.read_bytes()
    if fmt == "html":
        fmt = "europresse" if any(mark in data for mark in _EUROPRESSE_MARKS) else "web"
    if fmt == "web":
        return [_read_web_page(path, data)]
    if fmt == "europresse":
        return _read_europresse(path, data)
    text = _decode_plain(path, data, encoding)
    if fmt == "text":
        text = _clean_text(text)
        if not text.strip():
            raise SourceError(f"{path}: no article text (the file is empty or only white space)")
        return [_Article(str(path), text, {"note": f"imported from text file {path.name}"})]
    rows = _read_csv(path, text) if fmt == "csv" else _read_jsonl(path, text)
    return _table_articles(path, rows, mapping, _FORMAT_NAMES[fmt])


def _decode_plain(path: Path, data: bytes, encoding: str | None) -> str:
    if encoding is not None:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise SourceError(
                f"{path}: not valid {encoding} (byte 0x{data[exc.start]:02x} at offset {exc.start})"
            ) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decode(path, data, ["utf-16"], "tried: UTF-16 (from its byte-order mark)")
    return _decode(path, data, ["utf-8-sig"], "tried: UTF-8; pass encoding='cp1252' (or the file's encoding)")


def _decode(path: Path, data: bytes, encodings: list[str], hint: str) -> str:
    for name in encodings:
        try:
            return data.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
    raise SourceError(f"{path}: cannot decode the bytes ({hint}); {_encoding_guess(data)}")


def _encoding_guess(data: bytes) -> str:
    if any(0x80 <= b <= 0x9F for b in data):
        return "it looks like Windows-1252 (cp1252)"
    return "it looks like ISO-8859-1 / Latin-1"


def _decode_html(path: Path, data: bytes) -> str:
    """Decode an HTML file: its byte-order mark, else its declared charset, else UTF-8."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _decode(path, data[3:], ["utf-8"], "tried: UTF-8 (from its byte-order mark)")
    declared = _CHARSET.search(data[:4096])
    if declared:
        name = declared.group(1).decode("ascii", "replace")
        try:
            return data.decode(name)
        except (LookupError, UnicodeDecodeError) as exc:
            unknown = " (not a known encoding)" if isinstance(exc, LookupError) else ""
            tried = f"tried: the declared charset {name!r}{unknown}, then UTF-8"
            return _decode(path, data, ["utf-8"], tried)
    return _decode(
        path, data, ["utf-8"],
        "tried: UTF-8; the page declares no charset (<meta charset=...>); re-save it as UTF-8",
    )


def _parse_html(path: Path, html: str):
    import lxml.etree
    import lxml.html

    if "\x00" in html or not re.search(r"<\s*(html|body|head|article|div|p)\b", html, re.IGNORECASE):
        raise SourceError(f"{path}: unreadable HTML (no HTML markup found: is it a web page?)")
    try:
        return lxml.html.document_fromstring(html)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise SourceError(f"{path}: unreadable HTML ({exc})") from None


def _read_web_page(path: Path, data: bytes) -> _Article:
    import trafilatura

    html = _decode_html(path, data)
    tree = _parse_html(path, html)
    doc = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        # Dates only from what the page states (metadata, URL), never from its running text.
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    text = _clean_text(doc.text or "") if doc is not None else ""
    links = " ".join(" ".join(a.text_content().split()) for a in tree.iter("a"))
    if not text.strip() or " ".join(text.split()) in links:  # menus only: trafilatura's last resort
        raise SourceError(f"{path}: no article text found in the page (extraction with trafilatura)")
    title = _one_line(doc.title or "")
    lines = text.split("\n")
    if title and lines and _one_line(lines[0]) == title and len(lines) > 1:
        text = "\n".join(lines[1:]).strip("\n")  # the headline is metadata, not running text
    canonical = tree.xpath("//link[translate(@rel, 'CANONICAL', 'canonical')='canonical']/@href")
    url = _one_line(canonical[0]) if canonical else _one_line(doc.url or "")
    meta = {
        "title": title,
        "date": _iso_date(doc.date or ""),
        "source": _one_line(doc.sitename or doc.hostname or ""),
        "url": url,
        "author": _one_line(doc.author or ""),
        "lang": _one_line(doc.language or ""),
        "note": f"imported from saved web page {path.name} (text extracted with trafilatura)",
    }
    return _Article(str(path), text, meta)


def _read_europresse(path: Path, data: bytes) -> list[_Article]:
    html = _decode_html(path, data)
    tree = _parse_html(path, html)
    blocks = tree.xpath("//article")
    named = [_by_class(b, "rdp__DocPublicationName", "DocPublicationName") is not None for b in blocks]
    if not any(named):
        raise SourceError(
            f"{path}: Europresse structure not recognised: expected <article> blocks each with a "
            "publication name (class rdp__DocPublicationName) and a text (class docOcurrContainer); "
            f"found {len(blocks)} <article> block(s) without them"
        )
    articles = []
    for number, block in enumerate(blocks, start=1):
        where = f"{path}#{number}"
        publication = _element_text(_by_class(block, "rdp__DocPublicationName", "DocPublicationName"))
        header = _element_text(_by_class(block, "rdp__DocHeader", "DocHeader"))
        title = _element_text(_by_class(block, "titreArticle", "rdp__articletitle"))
        authors = _element_text(_by_class(block, "docAuthors"))
        container = _by_class(block, "docOcurrContainer")
        text = _clean_text(_paragraphs(container)) if container is not None else ""
        date = french_date(header)
        note = f"imported from Europresse export {path.name}, article {number} of {len(blocks)}"
        if header and not date:
            note += f"; no date in its header {header!r}"
        meta = {
            # "Le Figaro, no. 24838": the issue number is not part of the publication's name.
            "source": re.sub(r",\s*(?:no|n°)\.?\s*\d+.*$", "", publication, flags=re.IGNORECASE),
            "title": title,
            "date": date,
            "author": authors,
            "note": note,
        }
        if not publication:
            raise SourceError(f"{where}: Europresse structure not recognised: no publication name")
        skip = "" if text.strip() else "no text in this Europresse article (only its header was exported)"
        articles.append(_Article(where, text, meta, skip))
    return articles


def _by_class(element, *classes: str):
    for name in classes:
        found = element.xpath(f".//*[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]")
        if found:
            return found[0]
    return None


def _element_text(element) -> str:
    # text_content() joins text nodes without adding spaces, so a highlighting span inside a
    # word ("bié<span>lorusse</span>") leaves the word whole.
    return _one_line(element.text_content()) if element is not None else ""


def _paragraphs(container) -> str:
    for br in container.iter("br"):
        br.tail = "\n" + (br.tail or "")
    paragraphs = container.xpath(".//p[not(ancestor::p)]") or [container]
    lines = []
    for p in paragraphs:
        for line in p.text_content().split("\n"):
            line = " ".join(line.split())
            if line:
                lines.append(line)
    return "\n".join(lines)


def _read_csv(path: Path, text: str) -> list[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        if not reader.fieldnames:
            raise SourceError(f"{path}: empty table (no header row)")
        rows = []
        for row in reader:
            if None in row or any(v is None for v in row.values()):
                raise SourceError(f"{path}, line {reader.line_num}: wrong number of fields "
                                  f"(expected {len(reader.fieldnames)})")
            rows.append((reader.line_num, row))
    except csv.Error as exc:
        raise SourceError(f"{path}, line {reader.line_num}: malformed CSV ({exc})") from None
    return rows


def _read_jsonl(path: Path, text: str) -> list[tuple[int, dict[str, str]]]:
    rows = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            raise SourceError(f"{path}, line {line_no}: not valid JSON ({exc.msg})") from None
        if not isinstance(value, dict):
            raise SourceError(f"{path}, line {line_no}: expected a JSON object per line")
        rows.append((line_no, {k: "" if v is None else str(v) for k, v in value.items()}))
    return rows


def _table_articles(path: Path, rows, mapping: dict[str, str], kind: str) -> list[_Article]:
    names = {name for _, row in rows for name in row}
    renamed = {name: mapping.get(name, name) for name in names}
    if "text" not in renamed.values():
        found = ", ".join(sorted(names)) or "none"
        raise SourceError(
            f"{path}: no text column (columns found: {found}); name it 'text' or map it, "
            "e.g. columns={'body': 'text'}"
        )
    keep = {name: dest for name, dest in renamed.items() if dest in KNOWN_FIELDS or dest == "text"
            or name in mapping}
    articles = []
    for line_no, row in rows:
        values = {keep[name]: value for name, value in row.items() if name in keep}
        where = f"{path}#{line_no}"
        text = _clean_text(values.pop("text", ""))
        meta = {k: _one_line(v) for k, v in values.items()}
        note = f"imported from {kind} {path.name}, line {line_no}"
        raw_date = meta.get("date", "")
        meta["date"] = _iso_date(raw_date)
        if raw_date and not meta["date"]:
            note += f"; date {raw_date!r} not understood, left empty"
        meta["note"] = "; ".join(v for v in (meta.get("note", ""), note) if v)
        articles.append(_Article(where, text, meta, "" if text.strip() else "empty text in this row"))
    return articles


def _clean_text(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return text.strip()


def _one_line(value: str) -> str:
    return " ".join(unicodedata.normalize("NFC", str(value)).split())


def _valid_date(year: int, month: int, day: int) -> str:
    try:
        return pd.Timestamp(year=year, month=month, day=day).strftime("%Y-%m-%d")
    except ValueError:
        return ""


def _iso_date(value: str) -> str:
    """A stated date as ``YYYY-MM-DD``: ISO (with or without time), ``dd/mm/yyyy`` or French words."""
    value = value.strip()
    if not value:
        return ""
    if match := _ISO_DATE.match(value):
        return _valid_date(*(int(g) for g in match.groups()))
    if match := _NUMERIC_DATE.match(value):
        return _valid_date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    return french_date(value)


# --- deciding what to add ----------------------------------------------------------------------------


@dataclass
class _Existing:
    """What the corpus folder already holds: its table (raw) and its articles' keys."""

    table_text: str | None
    header: list[str]
    keys: dict[str, str]  # content key -> doc_id
    texts: dict[str, str]  # doc_id -> text (for near-duplicates)
    files: set[str]
    next_number: int
    width: int

    @classmethod
    def read(cls, folder: Path) -> _Existing:
        table = folder / "metadata.csv"
        if not table.is_file():
            return cls(None, list(BASE_COLUMNS), {}, {}, set(), 0, 3)
        try:
            raw = table.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            raise SourceError(f"{table}: the corpus table is not UTF-8; fix it before importing") from None
        reader = csv.DictReader(io.StringIO(raw.removeprefix("\ufeff"), newline=""))
        header = list(reader.fieldnames or [])
        if "doc_id" not in header or "file" not in header:
            raise SourceError(f"{table}: the corpus table has no doc_id or file column; fix it first")
        keys, texts, files, number, width = {}, {}, set(), -1, 3
        for row in reader:
            doc_id, name = (row.get("doc_id") or "").strip(), (row.get("file") or "").strip()
            files.add(name)
            if m := _ID_NUMBER.match(doc_id):
                number, width = max(number, int(m.group(1))), max(width, len(m.group(1)))
            path = folder / name
            if doc_id and name and path.is_file():
                try:
                    text = _clean_text(path.read_bytes().decode("utf-8-sig"))
                except UnicodeDecodeError:
                    continue  # load_corpus reports it; it cannot be compared
                keys.setdefault(content_key(text), doc_id)
                texts[doc_id] = text
        return cls(raw, header, keys, texts, files, number + 1, width)


class _Shingles:
    """Inverted index of hashed word 5-grams, for the Jaccard index between articles."""

    def __init__(self):
        self.postings: dict[int, list[str]] = {}
        self.sizes: dict[str, int] = {}

    @staticmethod
    def of(text: str) -> set[int]:
        words = unicodedata.normalize("NFC", text).casefold().split()
        return {hash(" ".join(words[i:i + SHINGLE_WORDS])) for i in range(len(words) - SHINGLE_WORDS + 1)}

    def add(self, doc_id: str, shingles: set[int]) -> None:
        self.sizes[doc_id] = len(shingles)
        for s in shingles:
            posting = self.postings.setdefault(s, [])
            if len(posting) < _MAX_POSTINGS:
                posting.append(doc_id)

    def closest(self, shingles: set[int]) -> tuple[str, float]:
        postings = self.postings
        shared = Counter(chain.from_iterable(postings[s] for s in shingles if s in postings))
        best, best_score = "", 0.0
        for doc_id, n in sorted(shared.items()):
            score = n / (len(shingles) + self.sizes[doc_id] - n)
            if score > best_score:
                best, best_score = doc_id, score
        return best, best_score


def _plan(articles: list[_Article], existing: _Existing, defaults: dict[str, str],
          threshold: float, progress: bool) -> list[dict]:
    index = _Shingles()
    for doc_id, text in existing.texts.items():
        index.add(doc_id, index.of(text))
    keys = dict(existing.keys)
    urls: dict[str, str] = {}
    number = existing.next_number
    plan = []
    for article in _progress(articles, progress, "checking"):
        row = {"input": article.input, "doc_id": "", "file": "", "status": "skipped", "reason": article.skip,
               "duplicate_of": "", "meta": {}, "text": article.text}
        plan.append(row)
        if article.skip:
            continue
        key = content_key(article.text)
        url = article.meta.get("url", "")
        if key in keys:
            row.update(status="duplicate", doc_id=keys[key], duplicate_of=keys[key])
            where = "already in the corpus" if keys[key] in existing.texts else "imported just before"
            first_url = urls.get(keys[key], "")
            row["reason"] = f"same text as {keys[key]} ({where})"
            if url and first_url and url != first_url:
                row["reason"] += f", found under another URL ({url}; first: {first_url})"
            continue
        width = max(existing.width, len(str(number)))
        doc_id = f"{number:0{width}d}_{key}"
        number += 1
        while f"{doc_id}.txt" in existing.files:  # a hand-made file name cannot be overwritten
            doc_id = f"{number:0{width}d}_{key}"
            number += 1
        shingles = index.of(article.text)
        near, score = index.closest(shingles) if shingles else ("", 0.0)
        meta = {**{k: v for k, v in defaults.items() if v}, **{k: v for k, v in article.meta.items() if v}}
        row.update(status="added", doc_id=doc_id, file=f"{doc_id}.txt", meta=meta)
        if near and score >= threshold:
            row.update(duplicate_of=near, reason=f"near-duplicate of {near} (Jaccard {score:.2f} on word "
                                                 f"{SHINGLE_WORDS}-grams); imported, you decide")
        keys[key] = doc_id
        if url:
            urls[doc_id] = url
        index.add(doc_id, shingles)
    return plan


# --- writing, all or nothing -------------------------------------------------------------------------


def _write(folder: Path, existing: _Existing, plan: list[dict]) -> None:
    added = [row for row in plan if row["status"] == "added"]
    if not added:
        return
    header = list(existing.header)
    for row in added:
        for name in row["meta"]:
            if name not in header and name not in ("doc_id", "file", "text"):
                header.append(name)
    folder.parent.mkdir(parents=True, exist_ok=True)
    created = not folder.exists()
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-import-", dir=folder.parent))
    moved: list[Path] = []
    try:
        for row in added:
            (staging / row["file"]).write_text(row["text"], encoding="utf-8", newline="\n")
        table = io.StringIO(newline="")
        if existing.table_text is None:
            csv.writer(table, lineterminator="\n").writerow(header)
        else:
            table.write(_widen(existing.table_text, existing.header, header))
        writer = csv.DictWriter(table, fieldnames=header, lineterminator="\n", extrasaction="raise")
        for row in added:
            writer.writerow({name: "" for name in header} | row["meta"] | {"doc_id": row["doc_id"],
                                                                          "file": row["file"]})
        (staging / "metadata.csv").write_bytes(table.getvalue().encode("utf-8"))
        folder.mkdir(exist_ok=True)
        for row in added:
            target = folder / row["file"]
            if target.exists():
                raise SourceError(f"{target}: already exists; an import never overwrites a corpus file")
            os.replace(staging / row["file"], target)
            moved.append(target)
        os.replace(staging / "metadata.csv", folder / "metadata.csv")  # the one step that commits
    except BaseException:
        for path in moved:
            path.unlink(missing_ok=True)
        if created:
            shutil.rmtree(folder, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _widen(raw: str, old: Sequence[str], new: Sequence[str]) -> str:
    """The table's text with empty cells for the new columns; each earlier record is kept as written."""
    extra = len(new) - len(old)
    if not raw.endswith(("\n", "\r")) and raw:
        raw += "\n"
    if extra == 0:
        return raw
    lines = io.StringIO(raw, newline="")
    consumed: list[str] = []

    def feed():
        for line in lines:
            consumed.append(line)
            yield line

    out = []
    reader = csv.reader(feed())
    first = True
    for record in reader:
        chunk = "".join(consumed)
        consumed.clear()
        body = chunk.rstrip("\r\n")
        ending = chunk[len(body):]
        if first:
            body += "".join("," + _csv_cell(name) for name in new[len(old):])
            first = False
        elif record:
            body += "," * extra
        out.append(body + ending)
    return "".join(out)


def _csv_cell(value: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow([value])
    return buffer.getvalue()


# --- export --------------------------------------------------------------------------------------------

#: Formats :func:`export_corpus` writes.
EXPORT_FORMATS = ("iramuteq",)


def export_corpus(
    corpus: pd.DataFrame,
    path: str | os.PathLike,
    *,
    format: str = "iramuteq",
    variables: Sequence[str] = ("source", "date"),
) -> Path:
    """Write a corpus in the input format of another text-analysis program.

    ``"iramuteq"``: one UTF-8 text file for IRaMuTeQ (Ratinaud, IRaMuTeQ,
    http://www.iramuteq.org; Loubère & Ratinaud, *Documentation IRaMuTeQ*,
    2014). Each article starts with a line of four stars and its starred
    variables, then its text::

        **** *doc_004d918e8ae575c36dc *source_xinhua *annee_2024 *mois_2024m07
        Le 8 juillet 2024, Wang Yi ...

    IRaMuTeQ splits a starred variable at its first ``_`` into the variable's
    name and its value (modality) and reads a line up to the first space, so
    names and values are written with ASCII letters and digits only: accents
    removed, everything else dropped (``CGTN Français`` → ``cgtnfrancais``),
    ``nd`` where a value is empty. ``date`` becomes two variables, ``annee``
    (``2024``) and ``mois`` (``2024m07``). The text keeps its paragraphs; its
    ``*`` characters, which IRaMuTeQ reserves for variable lines (``****``)
    and thematic marks (``-*``), are replaced by spaces. Articles come in the
    corpus order; the file is written to a temporary name and then moved, so a
    failed export leaves no partial file.

    Parameters
    ----------
    corpus
        A corpus frame (``doc_id``, ``text`` and the metadata columns named in
        ``variables``).
    path
        The file to write (its folder must exist).
    format
        ``"iramuteq"``. (TXM reads the corpus folder itself: text files plus
        ``metadata.csv``.)
    variables
        Metadata columns written as starred variables after ``*doc_``.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    from .corpus import check_corpus

    if format not in EXPORT_FORMATS:
        raise ValueError(f"format must be one of {', '.join(EXPORT_FORMATS)} (got {format!r})")
    corpus = check_corpus(corpus)
    if isinstance(variables, str) or not all(isinstance(v, str) for v in variables):
        raise ValueError(f"variables must be a list of column names (got {variables!r})")
    missing = [v for v in variables if v not in corpus.columns]
    if missing:
        raise ValueError(f"variables names column(s) not in the corpus: {missing}")
    target = Path(path).expanduser()
    if not target.parent.is_dir():
        raise ValueError(f"path: folder {target.parent} does not exist")
    blocks = []
    for _, row in corpus.iterrows():
        stars = [f"*doc_{_iramuteq_token(row['doc_id'])}"]
        for name in variables:
            value = row[name]
            if name == "date":
                date = pd.Timestamp(value) if not pd.isna(value) and str(value) else None
                stars.append(f"*annee_{date.year if date is not None else 'nd'}")
                stars.append(f"*mois_{f'{date.year}m{date.month:02d}' if date is not None else 'nd'}")
            else:
                text = "" if pd.isna(value) else str(value)
                stars.append(f"*{_iramuteq_token(name) or 'var'}_{_iramuteq_token(text) or 'nd'}")
        body = unicodedata.normalize("NFC", row["text"]).replace("\r\n", "\n").replace("\r", "\n")
        body = body.replace("*", " ").strip("\n")
        blocks.append("**** " + " ".join(stars) + "\n" + body + "\n")
    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}-", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write("\n".join(blocks))
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def _iramuteq_token(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", str(value))
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "", ascii_only)
