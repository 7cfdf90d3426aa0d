"""Step 1 of the pipeline: the corpus of articles and their metadata.

A corpus is a folder of UTF-8 text files, one article per file, and one table,
``metadata.csv``, with one row per article (see ``corpus/README.md``). Loading
reads both, checks them, and never writes to the folder.
"""

from __future__ import annotations

import csv
import datetime
import io
import os
import re
import stat
import unicodedata
from pathlib import Path

import pandas as pd

from .errors import CorpusError, check_progress
from .paths import corpus_dir

METADATA_FILE = "metadata.csv"
#: Columns the metadata table must have, in the order the corpus frame keeps.
METADATA_COLUMNS = ("doc_id", "file", "title", "date", "source", "url", "lang", "note")
#: Columns the loader adds itself, so the table may not have them.
DERIVED_COLUMNS = ("text", "n_chars")
#: The ``doc_id`` of the whole-corpus row of :func:`analysis.text_profile`; no article may have it.
CORPUS_ROW = "(corpus)"
DATE_FORMAT = "%Y-%m-%d"
#: Above this many articles, :func:`load_corpus` shows a progress bar by default.
PROGRESS_ROWS = 5_000
_ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def load_corpus(path: str | Path | None = None, *, progress: bool | None = None) -> pd.DataFrame:
    """Load the articles of a corpus folder with their metadata.

    Parameters
    ----------
    path
        The corpus folder, holding ``metadata.csv`` and the text files it
        names. ``None`` means :func:`analysis.paths.corpus_dir`:
        ``$ANALYSIS_CORPUS_DIR``, else the project's own ``corpus/`` folder,
        found from the package's location (not from the current directory).
    progress
        Show a progress bar (tqdm) while reading the files: ``None``
        (default) shows one past :data:`PROGRESS_ROWS` articles.

    Returns
    -------
    pandas.DataFrame
        One row per article, sorted by ``doc_id``, with columns ``doc_id``,
        ``text``, the metadata columns ``file``, ``title``, ``date``
        (``datetime64``; ``NaT`` where the table leaves it empty), ``source``,
        ``url``, ``lang``, ``note`` (empty strings where not given), any extra
        column of the table (as text), and ``n_chars`` (length of ``text``).

        ``text`` is the file decoded as UTF-8 with a leading byte-order mark
        removed, Windows (``\\r\\n``) or old Mac (``\\r``) line endings turned
        into ``\\n``, and brought to Unicode NFC (composed accents: text
        copied from a PDF or a Mac application is often decomposed); every
        offset the package reports points into this ``text``, not into the
        bytes of the file, which is never modified. Metadata values are kept
        as written (a quoted value may hold line breaks), in NFC too.

    Raises
    ------
    CorpusError
        Listing every problem found: missing folder or table, missing or
        duplicate column, a column named ``text`` or ``n_chars`` (the loader
        makes those), empty, duplicate or reserved (``"(corpus)"``)
        ``doc_id``, a row whose file is missing, is a folder or is the table
        itself, a file listed on two rows, a file path outside the corpus
        folder, a ``.txt`` file (any case) with no row, an unparsable date, a
        file that is not UTF-8 (with the encoding it looks like), or a text
        that is empty or holds no letter or digit.
    """
    check_progress(progress)
    folder = Path(path).expanduser().resolve() if path is not None else corpus_dir()
    if not folder.is_dir():
        raise CorpusError(f"{folder}: corpus folder not found")
    table_path = folder / METADATA_FILE
    if not table_path.is_file():
        raise CorpusError(f"{table_path}: metadata table not found (one row per article is required)")

    rows = _read_metadata(table_path)
    problems: list[str] = []
    records = []
    seen: dict[str, int] = {}
    listed: dict[Path, int] = {}
    from tqdm import tqdm  # the text bar, as build_index's

    show = progress if progress is not None else len(rows) > PROGRESS_ROWS
    for line_no, row in tqdm(rows, desc="load corpus", unit="article", disable=not show):
        where = f"{table_path}, line {line_no}"
        doc_id = row["doc_id"].strip()
        file_path, file_problem = _resolve_file(folder, row["file"].strip(), where)
        if file_problem is None:
            if file_path in listed:
                file_problem = (f"{where}: file {row['file'].strip()!r} is already listed on line "
                                f"{listed[file_path]} (one row per article)")
            else:
                listed[file_path] = line_no
        if not doc_id:
            problems.append(f"{where}: empty doc_id")
            continue
        if doc_id == CORPUS_ROW:
            problems.append(f"{where}: doc_id {CORPUS_ROW!r} is reserved (text_profile's whole-corpus row)")
            continue
        if doc_id in seen:
            problems.append(f"{where}: duplicate doc_id {doc_id!r} (first on line {seen[doc_id]})")
            continue
        seen[doc_id] = line_no
        if file_problem:
            problems.append(file_problem)
            continue
        date, problem = _parse_date(row["date"].strip(), where)
        if problem:
            problems.append(problem)
        text, problem = _read_text(file_path)
        if problem:
            problems.append(problem)
            continue
        records.append({**row, "doc_id": doc_id, "text": text, "date": date})

    texts = (p for p in folder.rglob("*") if p.suffix.lower() == ".txt" and p.is_file())
    # A file reached through no link is its own resolved path: resolve only the others.
    for orphan in sorted(p for p in texts if p not in listed and p.resolve() not in listed):
        problems.append(f"{orphan}: text file has no row in {METADATA_FILE} (add one, or move the file out)")

    if problems:
        raise CorpusError(problems)
    if not records:
        raise CorpusError(f"{table_path}: the metadata table has no article rows")

    frame = pd.DataFrame.from_records(records)
    extra = [c for c in frame.columns if c not in METADATA_COLUMNS and c != "text"]
    frame = frame[["doc_id", "text", *METADATA_COLUMNS[1:], *extra]]
    frame["date"] = pd.to_datetime(frame["date"], format=DATE_FORMAT)
    frame["n_chars"] = frame["text"].str.len().astype("int64")
    return frame.sort_values("doc_id", kind="stable").reset_index(drop=True)


def article_labels(corpus: pd.DataFrame, *, title_words: int = 3) -> dict[str, str]:
    """Short labels for charts and tables, built from the metadata.

    ``"000 (2025, Xi Jinping rencontre…)"``: the first three characters of
    ``doc_id`` (the whole ``doc_id`` when those clash between articles), the
    year of ``date`` (``n.d.`` when unknown) and the first ``title_words``
    words of ``title``.

    Returns
    -------
    dict
        ``doc_id`` → label, in corpus order.
    """
    corpus = check_corpus(corpus)
    if not isinstance(title_words, int) or title_words < 0:
        raise ValueError(f"title_words must be a non-negative integer (got {title_words!r})")
    short = corpus["doc_id"].str[:3]
    if short.duplicated().any():
        short = corpus["doc_id"]
    dates = corpus["date"] if "date" in corpus.columns else pd.Series(pd.NaT, index=corpus.index)
    years = pd.to_datetime(dates).dt.strftime("%Y").fillna("n.d.")
    titles = corpus["title"] if "title" in corpus.columns else pd.Series("", index=corpus.index)
    words = titles.fillna("").astype(str).str.split().str[:title_words].str.join(" ")
    details = [f"{year}, {w}…" if w else year for year, w in zip(years, words, strict=True)]
    return {doc_id: f"{s} ({d})" for doc_id, s, d in zip(corpus["doc_id"], short, details, strict=True)}


def articles_by_date(corpus: pd.DataFrame, *, limit: int | None = None) -> list[str]:
    """The ``doc_id`` values ordered by date (undated articles last), then by ``doc_id``.

    ``limit`` keeps the first ``limit`` of them (charts with one panel per
    article show the first articles by date).
    """
    corpus = check_corpus(corpus)
    if limit is not None and (not isinstance(limit, int) or limit < 1):
        raise ValueError(f"limit must be None or a positive integer (got {limit!r})")
    keys = ["date", "doc_id"] if "date" in corpus.columns else ["doc_id"]
    ordered = corpus.sort_values(keys, na_position="last", kind="stable")["doc_id"].tolist()
    return ordered[:limit]


def check_corpus(corpus: pd.DataFrame, *, name: str = "corpus") -> pd.DataFrame:
    """Check a corpus frame passed to an analysis function; return it ready for analysis.

    The frame returned has ``doc_id`` as text and every ``text`` in Unicode
    NFC (composed accents), so that a frame built by hand from decomposed
    (NFD) text gives exactly the results of its composed form; offsets in
    results point into the NFC text. The frame itself is returned when
    nothing needs changing (the usual case: :func:`load_corpus` gives NFC).

    Raises
    ------
    ValueError
        Naming ``name`` and what is wrong: not a DataFrame, no ``doc_id`` or
        ``text`` column, duplicate ``doc_id`` values, or a ``text`` that is
        not a string.
    """
    if not isinstance(corpus, pd.DataFrame):
        raise ValueError(
            f"{name} must be a pandas DataFrame with doc_id and text columns "
            f"(got {type(corpus).__name__}); see analysis.load_corpus"
        )
    missing = [c for c in ("doc_id", "text") if c not in corpus.columns]
    if missing:
        raise ValueError(f"{name} has no column(s) {missing}; it needs doc_id and text (see load_corpus)")
    if corpus["doc_id"].duplicated().any():
        dup = sorted(corpus.loc[corpus["doc_id"].duplicated(), "doc_id"].astype(str))[:3]
        raise ValueError(f"{name} has duplicate doc_id values: {dup}")
    bad = [d for d, t in zip(corpus["doc_id"], corpus["text"], strict=True) if not isinstance(t, str)]
    if bad:
        raise ValueError(f"{name}: text must be a string in every row (not for doc_id {bad[:3]})")
    if not corpus["doc_id"].map(type).eq(str).all():
        corpus = corpus.assign(doc_id=corpus["doc_id"].astype(str))
    if not all(unicodedata.is_normalized("NFC", t) for t in corpus["text"]):
        corpus = corpus.assign(text=[unicodedata.normalize("NFC", t) for t in corpus["text"]])
    return corpus


def _read_metadata(table_path: Path) -> list[tuple[int, dict[str, str]]]:
    """Read the metadata table as text, with the line number of every row."""
    data = table_path.read_bytes()
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorpusError(
            f"{table_path}: not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            f"it looks like {_guess_encoding(data)}; save it as CSV UTF-8"
        ) from None
    if not unicodedata.is_normalized("NFC", raw):
        raw = unicodedata.normalize("NFC", raw)
    # newline="": line breaks inside quoted values are kept as written (csv module's rule),
    # and only \n and \r end a line (not U+2028 or other Unicode line separators).
    reader = csv.DictReader(io.StringIO(raw, newline=""), strict=True)
    try:
        header = reader.fieldnames or []
        problems = []
        missing = [c for c in METADATA_COLUMNS if c not in header]
        if missing:
            hint = ""
            separator = next((sep for sep in (";", "\t") if len(header) == 1 and sep in header[0]), None)
            if separator:
                hint = (f" (the header is separated by {'tabs' if separator == chr(9) else repr(separator)}: "
                        "save the table as comma-separated CSV UTF-8)")
            problems.append(
                f"{table_path}: missing column(s) {', '.join(missing)}; "
                f"required: {', '.join(METADATA_COLUMNS)}{hint}"
            )
        duplicates = sorted({c for c in header if header.count(c) > 1})
        if duplicates:
            shown = ", ".join(map(repr, duplicates))
            problems.append(f"{table_path}: duplicate column(s) {shown} in the header")
        derived = [c for c in DERIVED_COLUMNS if c in header]
        if derived:
            problems.append(f"{table_path}: column(s) {', '.join(map(repr, derived))} not allowed: "
                            "the loader makes them (the article's text and its length); rename them")
        if problems:
            raise CorpusError(problems)
        rows = []
        for row in reader:
            if None in row or any(v is None for v in row.values()):
                raise CorpusError(
                    f"{table_path}, line {reader.line_num}: wrong number of fields "
                    f"(expected {len(header)})"
                )
            if any(v.strip() for v in row.values()):
                rows.append((reader.line_num, row))
    except csv.Error as exc:
        raise CorpusError(f"{table_path}, line {reader.line_num}: malformed CSV ({exc})") from None
    return rows


def _resolve_file(folder: Path, name: str, where: str) -> tuple[Path, str | None]:
    """Resolve a ``file`` cell; refuse empty names and paths leaving the folder."""
    if not name:
        return folder, f"{where}: empty file name"
    fast = _plain_file(folder, name)
    if fast is not None:
        return fast, None
    candidate = (folder / name).resolve()
    if not candidate.is_relative_to(folder):
        return candidate, f"{where}: file {name!r} points outside the corpus folder {folder} (refused)"
    if candidate == folder / METADATA_FILE:
        return candidate, f"{where}: file {name!r} is the metadata table itself, not an article"
    if candidate.is_dir():
        return candidate, f"{where}: file {name!r} is a folder, not a text file"
    if not candidate.is_file():
        # The table is read in NFC; a file system may store names decomposed (NFD).
        decomposed = (folder / unicodedata.normalize("NFD", name)).resolve()
        if decomposed.is_file() and decomposed.is_relative_to(folder):
            return decomposed, None
        return candidate, f"{where}: file {name!r} not found in {folder}"
    return candidate, None


def _plain_file(folder: Path, name: str) -> Path | None:
    """``folder / name`` when it is a regular file reached through no link, ``..`` or ``.`` (the common
    case, where it is its own resolved path), else ``None`` (:func:`_resolve_file` resolves it)."""
    parts = Path(name).parts
    if not parts or Path(name).is_absolute() or any(part in (".", "..") for part in parts):
        return None
    path = folder
    try:
        for part in parts:
            path = path / part
            mode = os.lstat(path).st_mode
            if stat.S_ISLNK(mode):
                return None
    except OSError:
        return None
    if not stat.S_ISREG(mode) or path == folder / METADATA_FILE:
        return None
    return path


def _parse_date(value: str, where: str) -> tuple[str | None, str | None]:
    """Check an ISO date cell; empty means unknown (``NaT``), never invented."""
    if not value:
        return None, None
    try:
        if not _ISO_DATE_RE.match(value):
            raise ValueError(value)
        day = datetime.date.fromisoformat(value)
        pd.Timestamp(day.year, day.month, day.day)  # within the range pandas can hold
    except (ValueError, OverflowError):
        return None, f"{where}: unparsable date {value!r} (expected YYYY-MM-DD, or leave it empty)"
    return value, None


def _read_text(file_path: Path) -> tuple[str, str | None]:
    """Decode an article; strip a UTF-8 BOM, normalise line endings, bring it to NFC."""
    data = file_path.read_bytes()
    for bom, encoding in _BOMS:
        if data.startswith(bom) and encoding != "utf-8":
            return "", (
                f"{file_path}: not UTF-8 (starts with a {encoding.upper()} byte-order mark); "
                "re-save it as UTF-8"
            )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return "", (
            f"{file_path}: not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            f"it looks like {_guess_encoding(data)}; re-save it as UTF-8"
        )
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if not text.strip():
        return "", f"{file_path}: empty text (only whitespace)" if text else f"{file_path}: empty file"
    if not any(char.isalnum() for char in text):
        return "", (f"{file_path}: empty text (no letter or digit, only invisible, control or "
                    "punctuation characters)")
    return text, None


def _guess_encoding(data: bytes) -> str:
    """Name the single-byte encoding a non-UTF-8 French text most likely uses."""
    # Bytes 0x80-0x9F are printable punctuation in Windows-1252 (’ « … œ) but
    # control characters in ISO-8859-1, so their presence tells the two apart.
    if any(0x80 <= b <= 0x9F for b in data):
        return "Windows-1252 (cp1252)"
    return "ISO-8859-1 / Latin-1 (or Windows-1252)"
