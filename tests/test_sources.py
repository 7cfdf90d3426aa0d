"""Tests of analysis.sources: importing web pages, Europresse exports, tables and text files; export."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis import SourceError, content_key, export_corpus, french_date, import_articles, load_corpus
from analysis.__main__ import main
from analysis.sources import IMPORT_COLUMNS

SOURCES = Path(__file__).resolve().parent / "data" / "sources"
SEED = Path(__file__).resolve().parent / "data" / "seed"
TABLE_COLUMNS = {"headline": "title", "body": "text", "published": "date", "outlet": "source",
                 "link": "url", "byline": "author"}


def snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    return {str(p.relative_to(folder)): (p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted(folder.rglob("*")) if p.is_file()}


def rows(result: pd.DataFrame) -> list[list[str]]:
    return result[["input", "doc_id", "status", "reason", "duplicate_of"]].values.tolist()


def meta(folder: Path) -> list[dict[str, str]]:
    frame = load_corpus(folder)
    frame["date"] = frame["date"].dt.strftime("%Y-%m-%d").fillna("")
    return frame.drop(columns=["n_chars"]).to_dict("records")


@pytest.fixture
def seed_copy(tmp_path) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(SEED, folder)
    return folder


# --- web pages ---------------------------------------------------------------------------------------


def test_web_page_text_without_boilerplate_and_metadata_from_the_page(tmp_path):
    folder = tmp_path / "corpus"
    result = import_articles(SOURCES / "page_journal.html", corpus=folder)
    assert list(result.columns) == list(IMPORT_COLUMNS)
    assert rows(result) == [[str(SOURCES / "page_journal.html"), "000_e8ff9d093a315329", "added", "", ""]]
    assert meta(folder) == [{
        "doc_id": "000_e8ff9d093a315329",
        "text": (
            "La Chine et le Bélarus ont signé mardi à Pékin un accord qui ouvre le marché chinois aux "
            "céréales "
            "biélorusses, a annoncé le ministère chinois du Commerce dans un communiqué.\n"
            "Selon le texte, les deux pays s’engagent à « approfondir leur coopération gagnant-gagnant » "
            "dans "
            "l’agriculture et à simplifier les contrôles sanitaires aux frontières. Minsk espère doubler ses "
            "exportations de blé et d’orge vers la Chine d’ici à 2026.\n"
            "Le ministre biélorusse de l’Agriculture a salué « un partenaire par tous les temps », reprenant "
            "une formule employée à plusieurs reprises par les dirigeants des deux pays depuis 2023.\n"
            "Cet accord intervient une semaine après la rencontre entre Xi Jinping et Alexandre "
            "Loukachenko à "
            "Astana, en marge du sommet de l’Organisation de coopération de Shanghai, où le Bélarus est "
            "devenu "
            "membre à part entière."
        ),
        "file": "000_e8ff9d093a315329.txt",
        "title": "Pékin et Minsk signent un accord sur les céréales",
        "date": "2024-07-09",
        "source": "Journal du Soir",
        # the canonical link, not og:url with its tracking parameter
        "url": "https://www.journal-du-soir.example/monde/pekin-minsk-accord-cereales",
        "lang": "fr",
        "note": "imported from saved web page page_journal.html (text extracted with trafilatura)",
        "author": "Claire Dubois",
    }]


def test_web_page_without_date_metadata_gets_no_date_and_its_declared_charset_is_used(tmp_path):
    folder = tmp_path / "corpus"
    import_articles(SOURCES / "page_sans_date.html", corpus=folder)
    [article] = meta(folder)
    assert article["date"] == ""  # the text says "le 4 juillet 2024": an event, not the publication date
    assert article["title"] == "Le Bélarus rejoint l'OCS"
    assert article["source"] == "Actu Diplo"
    assert "author" not in article  # no column for what no article states
    assert article["text"].startswith("Le Bélarus est devenu le 4 juillet 2024 le dixième membre")
    assert article["text"].endswith("face aux sanctions occidentales.")
    assert "Inscrivez-vous" not in article["text"] and "Accueil" not in article["text"]


# --- Europresse --------------------------------------------------------------------------------------


def test_europresse_export_one_row_per_article(tmp_path):
    folder = tmp_path / "corpus"
    result = import_articles(SOURCES / "europresse.html", corpus=folder)
    where = str(SOURCES / "europresse.html")
    assert rows(result) == [
        [f"{where}#1", "000_18eecb3a7c53bf2b", "added", "", ""],
        [f"{where}#2", "001_d876a17ff7654642", "added", "", ""],
        [f"{where}#3", "002_807405a708461333", "added", "", ""],
        [f"{where}#4", "", "skipped",
         "no text in this Europresse article (only its header was exported)", ""],
    ]
    frame = pd.DataFrame(meta(folder))
    assert frame[["source", "date", "author", "title"]].values.tolist() == [
        ["Le Figaro", "2024-07-08", "Sébastien Falletti", "Wang Yi reçoit son homologue biélorusse à Pékin"],
        ["Agence France Presse", "2024-08-01", "",
         "Le Bélarus et la Chine renforcent leurs liens ferroviaires"],
        ["Xinhua (français)", "", "Rédaction", "La Chine prête à coopérer avec le Bélarus"],
    ]
    assert frame["note"].tolist() == [
        "imported from Europresse export europresse.html, article 1 of 4",
        "imported from Europresse export europresse.html, article 2 of 4",
        "imported from Europresse export europresse.html, article 3 of 4; no date in its header 'Pékin'",
    ]
    # Highlighting spans inside a word leave it whole; <br> is a line break; paragraphs are lines.
    assert frame.loc[0, "text"] == (
        "Le chef de la diplomatie chinoise, Wang Yi, a reçu lundi à Pékin son homologue biélorusse, Maksim "
        "Ryzhenkov, pour préparer une nouvelle étape du partenariat entre les deux pays.\n"
        "« La Chine et le Bélarus sont des amis de confiance », a déclaré M. Wang, selon le compte rendu "
        "publié par le ministère chinois des Affaires étrangères.\n"
        "Les deux ministres ont évoqué les exercices militaires conjoints menés près de la frontière "
        "polonaise.\n"
        "Minsk, allié de Moscou, cherche à diversifier ses débouchés depuis les sanctions occidentales de "
        "2020."
    )
    assert "chemins de fer biélorusses," in frame.loc[1, "text"]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("International, lundi 8 juillet 2024 412 mots, p. 8", "2024-07-08"),
        ("Monde, jeudi 1er août 2024 - 14:32 UTC +0200", "2024-08-01"),
        ("mercredi 31 DÉCEMBRE 2025", "2025-12-31"),
        ("8 fevrier 2024", "2024-02-08"),
        ("samedi 31 février 2024", ""),  # not a day: never a guess
        ("Pékin", ""),
        ("", ""),
    ],
)
def test_french_dates(header, expected):
    assert french_date(header) == expected


def test_europresse_structure_not_recognised(tmp_path):
    with pytest.raises(SourceError) as caught:
        import_articles(SOURCES / "page_journal.html", corpus=tmp_path / "c", source_format="europresse")
    assert str(caught.value) == (
        f"{SOURCES / 'page_journal.html'}: Europresse structure not recognised: expected <article> blocks "
        "each with a publication name (class rdp__DocPublicationName) and a text (class docOcurrContainer); "
        "found 1 <article> block(s) without them"
    )
    assert not (tmp_path / "c").exists()


# --- tables and text files ---------------------------------------------------------------------------


def test_csv_with_a_column_mapping(tmp_path):
    folder = tmp_path / "corpus"
    result = import_articles(SOURCES / "articles.csv", corpus=folder, columns=TABLE_COLUMNS)
    where = str(SOURCES / "articles.csv")
    assert rows(result) == [
        [f"{where}#3", "000_f9a8fe9237a18b2e", "added", "", ""],
        [f"{where}#4", "001_910283ceafb1608a", "added", "", ""],
        [f"{where}#5", "", "skipped", "empty text in this row", ""],
    ]
    frame = pd.DataFrame(meta(folder))
    assert frame[["title", "date", "source", "url", "author", "note"]].values.tolist() == [
        ["Minsk accueille une délégation chinoise", "2024-07-15", "CGTN Français",
         "https://cgtn.example/a1", "",
         "imported from CSV table articles.csv, line 3"],
        ["Pékin salue le rôle de Minsk à l'OCS", "2024-07-16", "Xinhua",
         "https://xinhua.example/b2", "Li Wei",
         "imported from CSV table articles.csv, line 4"],
    ]
    assert frame.loc[0, "text"] == (
        "Une délégation chinoise conduite par le vice-Premier ministre est arrivée lundi à Minsk pour une "
        "visite "
        "de trois jours.\nLes deux parties doivent signer des accords dans l'industrie et l'éducation."
    )


def test_table_without_text_column_names_the_columns_found(tmp_path):
    with pytest.raises(SourceError) as caught:
        import_articles(SOURCES / "articles.csv", corpus=tmp_path / "c")
    assert str(caught.value) == (
        f"{SOURCES / 'articles.csv'}: no text column (columns found: body, byline, headline, link, outlet, "
        "published); name it 'text' or map it, e.g. columns={'body': 'text'}"
    )


def test_jsonl_and_an_unreadable_date_left_empty(tmp_path):
    folder = tmp_path / "corpus"
    source = tmp_path / "in.jsonl"
    source.write_text(
        (SOURCES / "articles.jsonl").read_text(encoding="utf-8")
        + '{"text": "Un troisième texte.", "date": "hier", "section": "Monde"}\n',
        encoding="utf-8",
    )
    import_articles(source, corpus=folder, columns={"section": "section"})
    frame = pd.DataFrame(meta(folder))
    assert frame[["title", "date", "source", "section", "note"]].values.tolist() == [
        ["Le Bélarus et la Chine signent un accord éducatif", "2024-07-17", "Radio Chine Internationale", "",
         "imported from JSONL table in.jsonl, line 1"],
        ["Sans date", "", "", "", "imported from JSONL table in.jsonl, line 2"],
        ["", "", "", "Monde",
         "imported from JSONL table in.jsonl, line 3; date 'hier' not understood, left empty"],
    ]


def test_text_file_with_metadata_given_for_every_article(tmp_path):
    folder = tmp_path / "corpus"
    import_articles(SOURCES / "depeche.txt", corpus=folder, metadata={"source": "Xinhua"})
    [article] = meta(folder)
    assert article["text"] == (SOURCES / "depeche.txt").read_text(encoding="utf-8").strip()
    assert (article["source"], article["date"], article["title"], article["lang"]) == ("Xinhua", "", "", "fr")
    assert (folder / article["file"]).read_bytes() == article["text"].encode("utf-8")


def test_text_is_nfc_with_unix_line_endings(tmp_path):
    source = tmp_path / "a.txt"
    source.write_bytes("\ufeffLe Be\u0301larus\r\net la Chine\r".encode())
    import_articles(source, corpus=tmp_path / "c")
    assert load_corpus(tmp_path / "c")["text"].tolist() == ["Le B\u00e9larus\net la Chine"]


# --- identity: duplicates and near-duplicates --------------------------------------------------------


def test_reimport_is_a_no_op_reported_as_duplicates(tmp_path):
    folder = tmp_path / "corpus"
    first = import_articles([SOURCES / "europresse.html", SOURCES / "depeche.txt"], corpus=folder)
    before = snapshot(folder)
    again = import_articles([SOURCES / "depeche.txt", SOURCES / "europresse.html"], corpus=folder)
    assert snapshot(folder) == before
    assert again["status"].tolist() == ["duplicate", "duplicate", "duplicate", "duplicate", "skipped"]
    assert again.loc[0, "reason"] == "same text as 003_e7eac091a15cc010 (already in the corpus)"
    added = first[first["status"] == "added"]
    assert sorted(again.loc[again["status"] == "duplicate", "duplicate_of"]) == sorted(added["doc_id"])


def test_same_text_under_two_urls_is_one_article(tmp_path):
    source = tmp_path / "t.csv"
    source.write_text(
        "text,url\n"
        "\"Pékin et Minsk  renforcent leur coopération.\",https://a.example/1\n"
        "\"Pékin et Minsk renforcent\nleur coopération.\",https://b.example/2\n",
        encoding="utf-8",
    )
    result = import_articles(source, corpus=tmp_path / "c")
    assert rows(result)[1][1:] == [
        "000_d33f020dfadf33e4", "duplicate",
        "same text as 000_d33f020dfadf33e4 (imported just before), found under another URL "
        "(https://b.example/2; first: https://a.example/1)",
        "000_d33f020dfadf33e4",
    ]
    assert len(load_corpus(tmp_path / "c")) == 1


DISPATCH = (
    "La Chine et le Bélarus vont renforcer leur coopération dans les domaines de l'économie, du commerce, de "
    "l'éducation et de la culture, a déclaré lundi le ministre chinois des Affaires étrangères Wang Yi lors "
    "d'une conférence de presse conjointe avec son homologue biélorusse à Pékin. Les deux parties ont "
    "également échangé leurs vues sur les questions internationales et régionales d'intérêt commun, et ont "
    "convenu de maintenir une communication étroite au sein des mécanismes multilatéraux."
)


def test_near_duplicate_is_imported_and_reported_with_the_id_it_repeats(seed_copy):
    source = seed_copy.parent / "in.csv"
    source.write_text(
        "text,source\n"
        f"\"PÉKIN, 8 juillet (Xinhua) -- {DISPATCH}\",Xinhua\n"
        f"\"MINSK, 9 juillet (BelTA) -- {DISPATCH}\",BelTA\n"
        "\"Un tout autre texte sur un tout autre sujet, sans rapport avec la dépêche.\",X\n",
        encoding="utf-8",
    )
    result = import_articles(source, corpus=seed_copy)
    # 75 word 5-grams each; the 4 that contain "PÉKIN,", "8", "(Xinhua)" (or "MINSK,", "9", "(BelTA)")
    # differ: Jaccard = 71 / (75 + 75 - 71) = 0.899.
    assert rows(result) == [
        [f"{source}#2", "005_32b3e2d597583454", "added", "", ""],
        [f"{source}#3", "006_6919707bf45e01f3", "added",
         "near-duplicate of 005_32b3e2d597583454 (Jaccard 0.90 on word 5-grams); imported, you decide",
         "005_32b3e2d597583454"],
        [f"{source}#4", "007_66f040965bc52018", "added", "", ""],
    ]


def test_doc_id_is_the_next_number_and_the_content_hash(seed_copy):
    result = import_articles(SOURCES / "depeche.txt", corpus=seed_copy)
    text = (SOURCES / "depeche.txt").read_text(encoding="utf-8")
    assert result["doc_id"].tolist() == [f"005_{content_key(text)}"]
    canonical = " ".join(text.split())
    assert content_key(text) == hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]
    assert content_key(text) == content_key("  " + text.replace(" ", "\n  ") + "\n\n")
    assert content_key("Be\u0301larus") == content_key("B\u00e9larus")  # NFC
    assert content_key(text) != content_key(text.lower())


# --- the corpus folder: appended, never rewritten; all or nothing ------------------------------------


def test_existing_table_keeps_its_lines_and_gains_an_author_column(seed_copy):
    table_before = (seed_copy / "metadata.csv").read_text(encoding="utf-8")
    texts_before = {p.name: p.read_bytes() for p in seed_copy.glob("*.txt")}
    import_articles(SOURCES / "europresse.html", corpus=seed_copy)
    lines_before = table_before.splitlines(keepends=True)
    lines_after = (seed_copy / "metadata.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines_after[0] == lines_before[0].rstrip("\n") + ",author\n"
    assert lines_after[1:3] == [line.rstrip("\n") + ",\n" for line in lines_before[1:3]]
    assert lines_after[3].startswith("005_18eecb3a7c53bf2b,005_18eecb3a7c53bf2b.txt,")
    assert len(lines_after) == 6
    assert {p.name: (seed_copy / p.name).read_bytes() for p in SEED.glob("*.txt")} == texts_before
    corpus = load_corpus(seed_copy)
    assert corpus["doc_id"].tolist()[:2] == ["000_1c95603a728987f6", "004_d918e8ae575c36dc"]
    assert corpus["author"].tolist() == ["", "", "Sébastien Falletti", "", "Rédaction"]


def test_failed_import_leaves_the_corpus_folder_byte_identical(seed_copy, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes("Le Bélarus".encode("cp1252"))
    before = snapshot(seed_copy)
    parent_before = sorted(p.name for p in seed_copy.parent.iterdir())
    with pytest.raises(SourceError):
        import_articles([SOURCES / "depeche.txt", bad], corpus=seed_copy)
    assert snapshot(seed_copy) == before
    assert sorted(p.name for p in seed_copy.parent.iterdir()) == parent_before


def test_failure_while_moving_files_in_is_rolled_back(seed_copy, monkeypatch):
    before = snapshot(seed_copy)
    real_replace = os.replace

    def failing_replace(src, dst):
        if Path(dst).name == "metadata.csv":
            raise OSError("disk full")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk full"):
        import_articles(SOURCES / "europresse.html", corpus=seed_copy)
    assert snapshot(seed_copy) == before
    assert [p.name for p in seed_copy.parent.iterdir()] == ["corpus"]


# --- bad input ---------------------------------------------------------------------------------------


def test_text_file_not_utf8_says_what_was_tried(tmp_path):
    bad = tmp_path / "a.txt"
    bad.write_bytes("Le Bélarus « ami »".encode("cp1252"))
    with pytest.raises(SourceError) as caught:
        import_articles(bad, corpus=tmp_path / "c")
    assert str(caught.value) == (
        f"{bad}: cannot decode the bytes (tried: UTF-8; pass encoding='cp1252' (or the file's encoding)); "
        "it looks like ISO-8859-1 / Latin-1"
    )
    import_articles(bad, corpus=tmp_path / "c", encoding="cp1252")
    assert load_corpus(tmp_path / "c")["text"].tolist() == ["Le Bélarus « ami »"]


def test_html_without_charset_and_not_utf8(tmp_path):
    page = tmp_path / "p.html"
    page.write_bytes("<html><body><p>Le Bélarus ’ami’</p></body></html>".encode("cp1252"))
    with pytest.raises(SourceError) as caught:
        import_articles(page, corpus=tmp_path / "c")
    assert str(caught.value) == (
        f"{page}: cannot decode the bytes (tried: UTF-8; the page declares no charset (<meta charset=...>); "
        "re-save it as UTF-8); it looks like Windows-1252 (cp1252)"
    )


def test_html_whose_declared_charset_is_wrong(tmp_path):
    page = tmp_path / "p.html"
    page.write_bytes('<html><head><meta charset="x-unknown"></head><body><p>Bélarus</p></body></html>'
                     .encode("cp1252"))
    with pytest.raises(SourceError) as caught:
        import_articles(page, corpus=tmp_path / "c")
    assert str(caught.value) == (
        f"{page}: cannot decode the bytes (tried: the declared charset 'x-unknown' (not a known encoding), "
        "then UTF-8); it looks like ISO-8859-1 / Latin-1"
    )


def test_unreadable_html_and_page_without_text(tmp_path):
    binary = tmp_path / "b.html"
    binary.write_bytes(b"\x00\x01PK\x03\x04 not a page")
    with pytest.raises(SourceError) as caught:
        import_articles(binary, corpus=tmp_path / "c")
    assert str(caught.value) == f"{binary}: unreadable HTML (no HTML markup found: is it a web page?)"
    empty = tmp_path / "e.html"
    empty.write_text('<html><head><meta charset="utf-8"><title>Accueil</title></head><body><nav>'
                     '<a href="/">Accueil</a> <a href="/monde">Monde</a></nav></body></html>',
                     encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        import_articles(empty, corpus=tmp_path / "c")
    assert str(caught.value) == f"{empty}: no article text found in the page (extraction with trafilatura)"


def test_missing_file_unknown_type_and_empty_text(tmp_path):
    with pytest.raises(SourceError, match=r"nothing\.html: no such file or folder$"):
        import_articles(tmp_path / "nothing.html", corpus=tmp_path / "c")
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(b"%PDF")
    with pytest.raises(SourceError) as caught:
        import_articles(pdf, corpus=tmp_path / "c")
    assert str(caught.value) == (
        f"{pdf}: unknown file type '.pdf'; expected .html/.htm (web page or Europresse export), .csv, "
        ".jsonl or .txt, or pass source_format"
    )
    blank = tmp_path / "blank.txt"
    blank.write_text(" \n", encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        import_articles(blank, corpus=tmp_path / "c")
    assert str(caught.value) == f"{blank}: no article text (the file is empty or only white space)"
    assert not (tmp_path / "c").exists()


def test_malformed_tables(tmp_path):
    csv_file = tmp_path / "t.csv"
    csv_file.write_text('text,title\n"a",b,c\n', encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        import_articles(csv_file, corpus=tmp_path / "c")
    assert str(caught.value) == f"{csv_file}, line 2: wrong number of fields (expected 2)"
    jsonl = tmp_path / "t.jsonl"
    jsonl.write_text('{"text": "a"}\n{"text": \n', encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        import_articles(jsonl, corpus=tmp_path / "c")
    assert str(caught.value) == f"{jsonl}, line 2: not valid JSON (Expecting value)"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"source_format": "pdf"}, "source_format must be one of auto, web, europresse, csv, jsonl, text"),
        ({"near_duplicate": 0}, "near_duplicate must be a number in (0, 1]"),
        ({"columns": {"body": 3}}, "columns must be a mapping of non-empty strings to strings"),
        ({"metadata": {"text": "x"}}, "metadata cannot set 'text'"),
        ({"encoding": "nope"}, "encoding must be a codec name"),
    ],
)
def test_invalid_arguments(tmp_path, kwargs, message):
    with pytest.raises(ValueError) as caught:
        import_articles(SOURCES / "depeche.txt", corpus=tmp_path / "c", **kwargs)
    assert str(caught.value).startswith(message)


# --- export --------------------------------------------------------------------------------------------


def test_export_iramuteq(tmp_path):
    corpus = pd.DataFrame({
        "doc_id": ["004_d918e8ae575c36dc", "x_2"],
        "text": ["Le 8 juillet 2024, *Wang Yi* a dit :\r\n« oui ».\n", "-*theme\nSans date."],
        "source": ["CGTN Français", ""],
        "date": pd.to_datetime(["2024-07-08", None]),
        "author": ["Jean-Éric Lê", None],
    })
    written = export_corpus(corpus, tmp_path / "out.txt", variables=["source", "date", "author"])
    assert written == tmp_path / "out.txt"
    assert written.read_text(encoding="utf-8") == (
        "**** *doc_004d918e8ae575c36dc *source_cgtnfrancais *annee_2024 *mois_2024m07 *author_jeanericle\n"
        "Le 8 juillet 2024,  Wang Yi  a dit :\n« oui ».\n"
        "\n"
        "**** *doc_x2 *source_nd *annee_nd *mois_nd *author_nd\n"
        "- theme\nSans date.\n"
    )
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_export_rejects_bad_arguments(tmp_path, seed_corpus):
    with pytest.raises(ValueError, match="format must be one of iramuteq"):
        export_corpus(seed_corpus, tmp_path / "o.txt", format="txm")
    with pytest.raises(ValueError, match=r"variables names column\(s\) not in the corpus: \['region'\]"):
        export_corpus(seed_corpus, tmp_path / "o.txt", variables=["region"])
    with pytest.raises(ValueError, match="does not exist"):
        export_corpus(seed_corpus, tmp_path / "no" / "o.txt")


# --- the command line ------------------------------------------------------------------------------------


def test_command_line_import_check_and_export(tmp_path, capsys):
    folder = tmp_path / "c"
    args = ["import", str(SOURCES / "depeche.txt"), "--corpus", str(folder), "--set", "source=Xinhua"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert out == (
        f"added     000_e7eac091a15cc010   {SOURCES / 'depeche.txt'}\n"
        f"1 added, 0 duplicate(s), 0 skipped, into {folder}\n"
    )
    assert main(["check", "--corpus", str(folder)]) == 0
    assert capsys.readouterr().out == f"{folder}: 1 article(s), no problem found\n"
    assert main(["export", str(tmp_path / "i.txt"), "--corpus", str(folder)]) == 0
    assert (tmp_path / "i.txt").read_text(encoding="utf-8").startswith(
        "**** *doc_000e7eac091a15cc010 *source_xinhua *annee_nd *mois_nd\nSelon le ministère"
    )


def test_command_line_prints_only_the_problems(tmp_path, capsys):
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "metadata.csv").write_text("doc_id,file,title,date,source,url,lang,note\n"
                                                 "a,a.txt,,2024-13-01,,,fr,\n", encoding="utf-8")
    assert main(["check", "--corpus", str(tmp_path / "c")]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    table = tmp_path / "c" / "metadata.csv"
    assert captured.err == f"{table}, line 2: file 'a.txt' not found in {tmp_path / 'c'}\n"
