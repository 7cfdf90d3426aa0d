"""Tests of analysis.corpus: the shipped corpus and every bad-input case."""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import pandas as pd
import pytest

from analysis import CorpusError, article_labels, articles_by_date, check_corpus, load_corpus

SEED_DIR = Path(__file__).resolve().parent / "data" / "seed"  # frozen copy of the seed articles
HEADER = "doc_id,file,title,date,source,url,lang,note\n"


def make_corpus(folder: Path, rows: list[str], files: dict[str, bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "metadata.csv").write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return folder


def row(doc_id: str, file: str, date: str = "2024-07-08") -> str:
    return f"{doc_id},{file},Titre,{date},,,fr,"


def snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    return {str(p): (p.stat().st_mtime_ns, p.read_bytes()) for p in sorted(folder.rglob("*")) if p.is_file()}


# --- the shipped corpus ---------------------------------------------------------------------------


def test_shipped_corpus_rows_columns_and_types():
    corpus = load_corpus(SEED_DIR)
    assert corpus["doc_id"].tolist() == ["000_1c95603a728987f6", "004_d918e8ae575c36dc"]
    assert corpus.columns.tolist() == [
        "doc_id", "text", "file", "title", "date", "source", "url", "lang", "note", "n_chars",
    ]
    assert pd.api.types.is_datetime64_any_dtype(corpus["date"])
    assert corpus["date"].dt.strftime("%Y-%m-%d").tolist() == ["2025-08-31", "2024-07-08"]
    assert corpus["n_chars"].tolist() == [2151, 2666]
    assert corpus["lang"].tolist() == ["fr", "fr"]
    assert corpus["source"].tolist() == ["", ""]  # not stated in the seed: never invented
    assert all(corpus["title"].str.len() > 20)


def test_shipped_texts_are_the_files_byte_for_byte():
    corpus = load_corpus(SEED_DIR)
    for doc_id, file, text in corpus[["doc_id", "file", "text"]].itertuples(index=False):
        assert (SEED_DIR / file).read_bytes() == text.encode("utf-8")
        assert file == f"{doc_id}.txt"


def test_corpus_copies_equal_the_seed():
    import hashlib

    # SHA-256 of the seed files as supplied: the frozen copy stays byte for byte the seed.
    digests = {p.name: hashlib.sha256(p.read_bytes()).hexdigest()[:16] for p in SEED_DIR.glob("*.txt")}
    assert digests == {
        "000_1c95603a728987f6.txt": "5bf7a3774b851e69",
        "004_d918e8ae575c36dc.txt": "cd4f7affc2c0bde9",
    }


def test_default_path_does_not_depend_on_working_directory(tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_CORPUS_DIR", str(SEED_DIR))
    monkeypatch.chdir(tmp_path)
    assert load_corpus()["doc_id"].tolist() == ["000_1c95603a728987f6", "004_d918e8ae575c36dc"]


def test_loading_never_writes_to_the_corpus_folder():
    before = snapshot(SEED_DIR)
    load_corpus(SEED_DIR)
    assert snapshot(SEED_DIR) == before


# --- accepted variations ---------------------------------------------------------------------------


def test_bom_and_windows_line_endings_are_handled(tmp_path):
    folder = make_corpus(
        tmp_path / "c",
        [row("b", "b.txt"), row("a", "a.txt")],
        {"a.txt": "\ufeffL’OCS.\r\nDeux lignes.\r\n".encode(), "b.txt": b"Mac\rstyle"},
    )
    corpus = load_corpus(folder)
    assert corpus["doc_id"].tolist() == ["a", "b"]  # stable order: by doc_id
    assert corpus["text"].tolist() == ["L’OCS.\nDeux lignes.\n", "Mac\nstyle"]
    assert corpus["n_chars"].tolist() == [20, 9]


def test_empty_date_is_missing_not_invented_and_extra_columns_kept(tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "metadata.csv").write_text(
        "doc_id,file,title,date,source,url,lang,note,speaker_hint\na,sub/a.txt,T,,,,fr,,Wang Yi\n",
        encoding="utf-8",
    )
    (folder / "sub").mkdir()
    (folder / "sub" / "a.txt").write_text("Texte.", encoding="utf-8")
    corpus = load_corpus(folder)
    assert pd.isna(corpus.loc[0, "date"])
    assert corpus.loc[0, "speaker_hint"] == "Wang Yi"
    assert corpus.columns[-1] == "n_chars"


# --- bad input: one CorpusError naming the file or row and the problem -------------------------------


@pytest.mark.parametrize(
    ("rows", "files", "message"),
    [
        ([row("a", "a.txt"), row("b", "missing.txt")], {"a.txt": b"ok"},
         "metadata.csv, line 3: file 'missing.txt' not found"),
        ([row("a", "a.txt")], {"a.txt": b"ok", "orphan.txt": b"ok"},
         "orphan.txt: text file has no row in metadata.csv"),
        ([row("a", "a.txt"), row("a", "b.txt")], {"a.txt": b"ok", "b.txt": b"ok"},
         "metadata.csv, line 3: duplicate doc_id 'a' (first on line 2)"),
        ([row("a", "a.txt", date="31/08/2025")], {"a.txt": b"ok"},
         "metadata.csv, line 2: unparsable date '31/08/2025' (expected YYYY-MM-DD"),
        ([row("a", "a.txt", date="2025-02-30")], {"a.txt": b"ok"},
         "unparsable date '2025-02-30'"),
        ([row("a", "a.txt", date="2025-6-1")], {"a.txt": b"ok"}, "unparsable date '2025-6-1'"),
        ([row("", "a.txt")], {"a.txt": b"ok"}, "metadata.csv, line 2: empty doc_id"),
        ([row("a", "a.txt")], {"a.txt": "L\u2019OCS".encode("cp1252")},
         "a.txt: not valid UTF-8 (byte 0x92 at offset 1); it looks like Windows-1252 (cp1252)"),
        ([row("a", "a.txt")], {"a.txt": "Bélarus".encode("latin-1")},
         "a.txt: not valid UTF-8 (byte 0xe9 at offset 1); it looks like ISO-8859-1 / Latin-1"),
        ([row("a", "a.txt")], {"a.txt": "Chine".encode("utf-16")},
         "a.txt: not UTF-8 (starts with a UTF-16 byte-order mark)"),
        ([row("a", "a.txt")], {"a.txt": b""}, "a.txt: empty file"),
        ([row("a", "a.txt")], {"a.txt": " \n\t\u00a0\n".encode()}, "a.txt: empty text (only whitespace)"),
        ([row("a", "../outside.txt")], {}, "file '../outside.txt' points outside the corpus folder"),
        ([row("a", "")], {}, "metadata.csv, line 2: empty file name"),
        ([row("a", "a.txt"), row("b", "a.txt")], {"a.txt": b"ok"},
         "metadata.csv, line 3: file 'a.txt' is already listed on line 2 (one row per article)"),
        ([row("a", "a.txt"), row("b", "./sub/../a.txt")], {"a.txt": b"ok", "sub/x.md": b""},
         "metadata.csv, line 3: file './sub/../a.txt' is already listed on line 2"),
        ([row("a", "metadata.csv")], {},
         "metadata.csv, line 2: file 'metadata.csv' is the metadata table itself"),
        ([row("a", "sub")], {"sub/x.md": b"ok"},
         "metadata.csv, line 2: file 'sub' is a folder, not a text file"),
        ([row("a", "a.txt")], {"a.txt": b"ok", "B.TXT": b"ok"},
         "B.TXT: text file has no row in metadata.csv"),
        ([row("a", "a.txt")], {"a.txt": "\u200b\u00ad\x00\u2060 \n".encode()},
         "a.txt: empty text (no letter or digit, only invisible, control or punctuation characters)"),
        ([row("(corpus)", "a.txt")], {"a.txt": b"ok"},
         "metadata.csv, line 2: doc_id '(corpus)' is reserved (text_profile's whole-corpus row)"),
    ],
)
def test_bad_input_raises_corpus_error_naming_file_and_problem(tmp_path, rows, files, message):
    (tmp_path / "outside.txt").write_text("hors du corpus", encoding="utf-8")
    folder = make_corpus(tmp_path / "c", rows, files)
    before = snapshot(folder)
    with pytest.raises(CorpusError) as info:
        load_corpus(folder)
    assert message in str(info.value)
    assert snapshot(folder) == before  # nothing lost, nothing written


def test_absolute_path_outside_is_refused(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("hors", encoding="utf-8")
    folder = make_corpus(tmp_path / "c", [row("a", str(outside))], {})
    with pytest.raises(CorpusError, match="points outside the corpus folder"):
        load_corpus(folder)


def test_links_are_followed_inside_the_folder_and_refused_outside(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("hors du corpus", encoding="utf-8")
    folder = make_corpus(tmp_path / "c", [row("a", "texts/a.txt"), row("b", "lien.txt")],
                         {"texts/a.txt": b"La Chine."})
    (folder / "lien.txt").symlink_to(folder / "texts" / "a.txt")
    with pytest.raises(CorpusError, match="file 'lien.txt' is already listed on line 2"):
        load_corpus(folder)
    (folder / "lien.txt").unlink()
    (folder / "lien.txt").symlink_to(outside)
    with pytest.raises(CorpusError, match="file 'lien.txt' points outside the corpus folder"):
        load_corpus(folder)
    (folder / "lien.txt").unlink()
    (folder / "sous").symlink_to(folder / "texts", target_is_directory=True)
    folder.joinpath("metadata.csv").write_text(HEADER + row("a", "sous/a.txt") + "\n", encoding="utf-8")
    assert load_corpus(folder)["doc_id"].tolist() == ["a"]  # texts/a.txt, reached through a linked folder


@pytest.mark.parametrize("date", ["2024-02-30", "2024-13-01", "2023-02-29"])
def test_dates_not_in_the_calendar_are_refused(tmp_path, date):
    folder = make_corpus(tmp_path, [row("a", "a.txt", date)], {"a.txt": b"La Chine."})
    with pytest.raises(CorpusError, match=f"unparsable date '{date}'"):
        load_corpus(folder)


def test_historical_and_leap_dates_load(tmp_path):
    folder = make_corpus(tmp_path, [row("a", "a.txt", "1500-01-01"), row("b", "b.txt", "2024-02-29")],
                         {"a.txt": b"La Chine.", "b.txt": b"Le Belarus."})
    assert load_corpus(folder)["date"].dt.strftime("%Y-%m-%d").tolist() == ["1500-01-01", "2024-02-29"]


def test_table_problems_say_what_to_do(tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "metadata.csv").write_text(HEADER.replace(",", ";"), encoding="utf-8")
    with pytest.raises(CorpusError, match="the header is separated by ';'"):
        load_corpus(folder)
    (folder / "metadata.csv").write_bytes((HEADER + "a,a.txt,Rencontre à Pékin,,,,fr,\n").encode("cp1252"))
    with pytest.raises(CorpusError, match=r"metadata.csv: not valid UTF-8 \(byte 0xe0 at offset \d+\); "
                                          r"it looks like ISO-8859-1 / Latin-1"):
        load_corpus(folder)


def test_row_problems_name_the_table_by_its_full_path(tmp_path):
    folder = make_corpus(tmp_path / "c", [row("a", "missing.txt")], {})
    with pytest.raises(CorpusError) as info:
        load_corpus(folder)
    table = folder / "metadata.csv"
    assert info.value.problems == [f"{table}, line 2: file 'missing.txt' not found in {folder}"]


def test_all_problems_are_reported_at_once(tmp_path):
    folder = make_corpus(
        tmp_path / "c",
        [row("a", "missing.txt"), row("b", "b.txt", date="hier")],
        {"b.txt": b"ok", "orphan.txt": b"ok"},
    )
    with pytest.raises(CorpusError) as info:
        load_corpus(folder)
    assert len(info.value.problems) == 3


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("no-folder", "corpus folder not found"),
        ("no-table", "metadata.csv: metadata table not found"),
        ("missing-column", "missing column(s) date"),
        ("bad-row", "line 2: wrong number of fields"),
        ("no-rows", "the metadata table has no article rows"),
    ],
)
def test_unusable_folder_or_table(tmp_path, setup, message):
    folder = tmp_path / "c"
    if setup != "no-folder":
        folder.mkdir()
    if setup == "missing-column":
        (folder / "metadata.csv").write_text("doc_id,file,title,source,url,lang,note\n", encoding="utf-8")
    elif setup == "bad-row":
        (folder / "metadata.csv").write_text(HEADER + "a,a.txt,T\n", encoding="utf-8")
    elif setup == "no-rows":
        (folder / "metadata.csv").write_text(HEADER, encoding="utf-8")
    with pytest.raises(CorpusError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_corpus(folder)


def test_corpus_error_is_not_a_deep_traceback(tmp_path):
    folder = make_corpus(tmp_path / "c", [row("a", "a.txt")], {"a.txt": b"\xff\xfe\x00"})
    with pytest.raises(CorpusError) as info:
        load_corpus(folder)
    assert info.value.__cause__ is None
    assert str(info.value).startswith(str(folder / "a.txt"))


def test_path_may_be_relative_string(tmp_path, monkeypatch):
    make_corpus(tmp_path / "c", [row("a", "a.txt")], {"a.txt": "Le Bélarus.".encode()})
    monkeypatch.chdir(tmp_path)
    assert load_corpus("c")["text"].tolist() == ["Le Bélarus."]
    assert os.getcwd() == str(tmp_path)


def test_a_duplicate_doc_id_is_the_only_problem_reported(tmp_path):
    files = {"a.txt": b"ok", "b.txt": b"ok"}
    folder = make_corpus(tmp_path / "c", [row("a", "a.txt"), row("a", "b.txt")], files)
    with pytest.raises(CorpusError) as info:
        load_corpus(folder)
    table = folder / "metadata.csv"
    assert info.value.problems == [f"{table}, line 3: duplicate doc_id 'a' (first on line 2)"]


def test_upper_case_extension_is_a_text_file(tmp_path):
    folder = make_corpus(tmp_path / "c", [row("a", "A.TXT")], {"A.TXT": "Le Bélarus.".encode()})
    assert load_corpus(folder)["text"].tolist() == ["Le Bélarus."]


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (HEADER.strip() + ",text\n", "metadata.csv: column(s) 'text' not allowed: the loader makes them"),
        (HEADER.strip() + ",n_chars\n", "metadata.csv: column(s) 'n_chars' not allowed"),
        (HEADER.strip() + ",title\n", "metadata.csv: duplicate column(s) 'title' in the header"),
        (HEADER.replace(",", "\t"),
         "(the header is separated by tabs: save the table as comma-separated CSV"),
    ],
)
def test_bad_header_columns(tmp_path, header, message):
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "metadata.csv").write_text(header, encoding="utf-8")
    with pytest.raises(CorpusError) as info:
        load_corpus(folder)
    assert message in str(info.value)


def test_text_and_table_are_read_in_nfc_and_files_are_not_touched(tmp_path):
    name = unicodedata.normalize("NFD", "pékin.txt")
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "metadata.csv").write_text(
        HEADER + "a,pékin.txt,\"Wang\u2028Yi à Pe\u0301kin\",,,,fr,\"ligne 1\nligne 2\"\n", encoding="utf-8"
    )
    (folder / name).write_text("Wang Yi a\u0300 Pe\u0301kin.", encoding="utf-8")  # NFD name and text
    before = snapshot(folder)
    corpus = load_corpus(folder)
    assert corpus.loc[0, "text"] == "Wang Yi à Pékin."
    assert corpus.loc[0, "n_chars"] == 16
    assert corpus.loc[0, "title"] == "Wang\u2028Yi à Pékin"
    assert corpus.loc[0, "note"] == "ligne 1\nligne 2"
    assert snapshot(folder) == before


def test_check_corpus_brings_texts_to_nfc():
    frame = pd.DataFrame({"doc_id": ["a", "b"], "text": ["Pe\u0301kin", "Pékin"]})
    assert check_corpus(frame)["text"].tolist() == ["Pékin", "Pékin"]
    assert frame["text"].tolist() == ["Pe\u0301kin", "Pékin"]  # the caller's frame is unchanged


# --- check_corpus: the check every analysis function makes on its corpus argument ---------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("texte", r"corpus must be a pandas DataFrame with doc_id and text columns \(got str\)"),
        (pd.DataFrame({"text": ["a"]}), r"corpus has no column\(s\) \['doc_id'\]"),
        (pd.DataFrame({"doc_id": ["a", "a"], "text": ["x", "y"]}), r"duplicate doc_id values: \['a'\]"),
        (pd.DataFrame({"doc_id": ["a"], "text": [None]}), r"text must be a string in every row"),
    ],
)
def test_check_corpus_names_the_problem(value, message):
    with pytest.raises(ValueError, match=message):
        check_corpus(value)


def test_check_corpus_returns_doc_ids_as_text():
    checked = check_corpus(pd.DataFrame({"doc_id": [2, 1], "text": ["b", "a"]}))
    assert checked["doc_id"].tolist() == ["2", "1"]
    corpus = load_corpus(SEED_DIR)
    assert check_corpus(corpus) is corpus


def test_article_labels_and_order_by_date():
    corpus = pd.DataFrame({
        "doc_id": ["004_b", "000_a", "010_c"],
        "text": ["x", "y", "z"],
        "title": ["Wang Yi s'entretient à Pékin", "Xi Jinping rencontre Loukachenko", ""],
        "date": pd.to_datetime(["2024-07-08", "2025-08-31", None]),
    })
    assert article_labels(corpus) == {
        "004_b": "004 (2024, Wang Yi s'entretient…)",
        "000_a": "000 (2025, Xi Jinping rencontre…)",
        "010_c": "010 (n.d.)",
    }
    clash = corpus.assign(doc_id=["abc1", "abc2", "abc3"])
    assert list(article_labels(clash, title_words=1).values()) == [
        "abc1 (2024, Wang…)", "abc2 (2025, Xi…)", "abc3 (n.d.)"
    ]
    assert articles_by_date(corpus) == ["004_b", "000_a", "010_c"]
    assert articles_by_date(corpus, limit=1) == ["004_b"]
    with pytest.raises(ValueError, match="limit must be None or a positive integer"):
        articles_by_date(corpus, limit=0)


# --- one Unicode form: decomposed (NFD) text gives exactly the results of composed (NFC) text ---------


def _nfd_results(corpus: pd.DataFrame) -> dict:
    import analysis as a

    first = corpus["doc_id"].iloc[0]
    return {
        "tokenize": [a.tokenize(t) for t in corpus["text"]],
        "tokenize_lemmas": [a.tokenize(t, lemmatize=True, stopwords=True) for t in corpus["text"]],
        "text_profile": a.text_profile(corpus),
        "term_frequencies": a.term_frequencies(corpus, by="doc_id"),
        "as_written": a.as_written(corpus, ["bélarus", "l'initiative", "coopération"]),
        "keyness": a.keyness(corpus, target=first),
        "keyness_french": a.keyness(corpus, target=first, reference="french"),
        "specificities": a.specificities(corpus),
        "tfidf_keywords": a.tfidf_keywords(corpus),
        "find_formulas": a.find_formulas(corpus),
        "formula_counts": a.formula_counts(corpus),
        "find_actors": a.find_actors(corpus),
        "actor_counts": a.actor_counts(corpus),
        "speech": a.speech(corpus),
        "kwic": a.kwic(corpus, "coopération", window=5),
        "kwic_elided": a.kwic(corpus, "l’initiative", window=3),
        "kwic_regex": a.kwic(corpus, r"coopérations?\b|bélarus\w*", regex=True, window=3),
        "kwic_lemma": a.kwic(corpus, "renforcer", lemma=True, window=3),
        "kwic_family": a.kwic(corpus, "family:ceinture-et-route", window=3),
        "repeated_segments": a.repeated_segments(corpus),
        "shared_passages": a.shared_passages(corpus, min_words=4),
        "formulaicity": a.formulaicity(corpus),
        "article_labels": a.article_labels(corpus),
    }


def test_the_whole_api_gives_the_same_results_on_decomposed_text(seed_corpus):
    nfd = seed_corpus.assign(text=[unicodedata.normalize("NFD", t) for t in seed_corpus["text"]])
    assert (nfd["text"] != seed_corpus["text"]).all()  # the seed texts have accents to decompose
    composed, decomposed = _nfd_results(seed_corpus), _nfd_results(nfd)
    for name, expected in composed.items():
        if isinstance(expected, pd.DataFrame):
            pd.testing.assert_frame_equal(decomposed[name], expected, obj=name)
        else:
            assert decomposed[name] == expected, name
    # Before NFC, decomposed text lost most of these (issue 8: 5 attributions of 14, no regex match).
    names = ("speech", "find_formulas", "kwic", "kwic_regex", "kwic_family")
    assert [len(composed[name]) for name in names] == [14, 22, 11, 17, 2]


def test_progress_bar_on_request_only(tmp_path, capsys):
    folder = make_corpus(tmp_path, [row("a", "a.txt")], {"a.txt": b"La Chine."})
    load_corpus(folder)
    assert "load corpus" not in capsys.readouterr().err
    load_corpus(folder, progress=True)
    assert "load corpus: 100%" in capsys.readouterr().err
    with pytest.raises(ValueError, match="progress must be None, True or False"):
        load_corpus(folder, progress="yes")
