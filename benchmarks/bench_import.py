"""Speed of ``import_articles`` on generated web pages, Europresse exports and tables.

Generates saved web pages (one article each, with the boilerplate of a news site: cookie banner,
menu, share buttons, "Publicité", related links, footer; metadata in ``<meta>`` tags and a canonical
link) and an Europresse export, from the synthetic corpus of ``synthetic.py``, and times in one process:

- the baseline: ``trafilatura.bare_extraction`` alone on every page (the extraction library's cost,
  which the import cannot go below);
- ``import_articles`` of the pages into an empty corpus folder (articles per second, ratio to the
  baseline), at ``--pages`` / 4 and ``--pages`` pages, to show that the cost per article stays flat;
- re-importing the same pages (every one a duplicate: nothing written);
- a pathological input: ``--pages`` copies of one agency dispatch, each with another first line
  (every article a near-duplicate of the first; tests that the near-duplicate search stays linear);
- one Europresse export of ``--pages`` articles and a CSV table of as many rows.

Peak memory of the process (``ru_maxrss``) is printed at the end.

Usage::

    .venv/bin/python benchmarks/bench_import.py [--pages 1000] [--keep DIR]

``--keep DIR`` also imports the first ``--keep-count`` (300) generated pages, Europresse articles and
table rows (a third each) into the corpus folder ``DIR`` (for ``make all CORPUS=DIR``).
"""

from __future__ import annotations

import argparse
import html
import resource
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
from synthetic import synthetic_corpus

from analysis import import_articles

SITES = ("Journal du Soir", "Le Courrier diplomatique", "Actu Monde", "La Gazette de l'Est")


def paragraphs(text: str, rng: np.random.Generator) -> list[str]:
    sentences = [s.strip() + "." for s in text.split(". ") if s.strip()]
    out, i = [], 0
    while i < len(sentences):
        n = int(rng.integers(2, 5))
        out.append(" ".join(sentences[i:i + n]).replace("..", "."))
        i += n
    return out


def web_page(i: int, title: str, date: str, site: str, paras: list[str]) -> str:
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paras[:2])
    body += '\n<div class="ad"><span>Publicité</span></div>\n'
    body += "\n".join(f"<p>{html.escape(p)}</p>" for p in paras[2:])
    slug = f"article-{i:05d}"
    return f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>{html.escape(title)} - {html.escape(site)}</title>
<link rel="canonical" href="https://site{i % len(SITES)}.example/monde/{slug}">
<meta property="og:site_name" content="{html.escape(site)}">
<meta property="og:title" content="{html.escape(title)}">
<meta property="article:published_time" content="{date}T09:00:00+02:00">
</head><body>
<div class="cookie-banner"><p>Nous utilisons des cookies pour mesurer l'audience.</p>
<button>Accepter</button></div>
<nav><ul><li><a href="/">Accueil</a></li><li><a href="/monde">Monde</a></li>
<li><a href="/eco">Économie</a></li></ul></nav>
<main><article><h1>{html.escape(title)}</h1>
<div class="byline">Par la rédaction · Publié le {date}</div>
<div class="share"><a href="#">Partager sur Facebook</a> <a href="#">Partager sur X</a></div>
<div class="article-body">
{body}
</div>
<aside><h2>Lire aussi</h2><ul><li><a href="/monde/a">Un autre article</a></li></ul></aside>
</article></main>
<footer><p>© {date[:4]} {html.escape(site)} — Mentions légales</p></footer>
</body></html>
"""


FRENCH_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
                 "octobre", "novembre", "décembre")
FRENCH_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def europresse_article(title: str, date, site: str, paras: list[str]) -> str:
    header = f"Monde, {FRENCH_DAYS[date.day_of_week]} {date.day} {FRENCH_MONTHS[date.month - 1]} {date.year}"
    text = "\n".join(f"<p>{html.escape(p)}</p>" for p in paras)
    return f"""<article><header>
<div class="rdp__DocPublicationName"><span class="DocPublicationName">{html.escape(site)}</span></div>
<div class="rdp__DocHeader"><span class="DocHeader">{header} 512 mots</span></div>
<div class="titreArticle"><p><span class="titreArticleVisu rdp__articletitle">{html.escape(title)}</span>
</p></div>
</header><section><div class="DocText clearfix"><div class="docOcurrContainer">
{text}
</div></div></section></article>"""


def generate(folder: Path, n: int, seed: int = 0) -> tuple[list[Path], Path, Path, list[list[str]]]:
    """Write ``n`` web pages, one Europresse export of ``n`` articles and a CSV of ``n`` rows.

    Also returns the paragraphs of each page's article (what an extractor should find).
    """
    megabytes = n * 3.5 / 1000
    corpus = synthetic_corpus(megabytes=megabytes, seed=seed)
    while len(corpus) < n:
        megabytes *= 1.2
        corpus = synthetic_corpus(megabytes=megabytes, seed=seed)
    corpus = corpus.iloc[:n]
    rng = np.random.default_rng(seed)
    pages, blocks, rows, expected = [], [], [], []
    folder.mkdir(parents=True, exist_ok=True)
    columns = zip(corpus["text"], corpus["date"], corpus["source"], strict=True)
    for i, (text, date, source) in enumerate(columns):
        paras = paragraphs(text, rng)
        expected.append(paras)
        title = " ".join(text.split()[:8]).rstrip(",.;:")
        site = SITES[i % len(SITES)]
        page = folder / f"page_{i:05d}.html"
        page.write_text(web_page(i, title, date.strftime("%Y-%m-%d"), site, paras), encoding="utf-8")
        pages.append(page)
        # Other texts for the export and the table, so that they are not duplicates of the pages.
        blocks.append(europresse_article(title, date, source, paras[::-1]))
        rows.append((title, "\n".join(paras[1:] + paras[:1]), date.strftime("%Y-%m-%d"), source))
    export = folder / "europresse.html"
    export.write_text('<html><head><meta charset="utf-8"><title>Europresse.com</title></head><body>\n'
                      + "\n<br><hr><br>\n".join(blocks) + "\n</body></html>\n", encoding="utf-8")
    import csv

    table = folder / "articles.csv"
    with open(table, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["title", "text", "date", "source"])
        writer.writerows(rows)
    return pages, export, table, expected


def dispatch_copies(folder: Path, n: int) -> list[Path]:
    """``n`` pages carrying one dispatch, each under another dateline (all near-duplicates)."""
    text = synthetic_corpus(megabytes=0.004, seed=99)["text"].iloc[0]
    rng = np.random.default_rng(1)
    paras = paragraphs(text, rng)
    pages = []
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        first = f"VILLE{i}, {i % 28 + 1} juillet (Agence {i}) -- {paras[0]}"
        page = folder / f"copy_{i:05d}.html"
        page.write_text(web_page(10_000 + i, f"Dépêche {i}", "2024-07-08", SITES[0], [first, *paras[1:]]),
                        encoding="utf-8")
        pages.append(page)
    return pages


def timed(label: str, n: int, func, baseline: float | None = None) -> float:
    start = time.perf_counter()
    func()
    seconds = time.perf_counter() - start
    ratio = f"  ratio to extraction alone: {seconds / baseline:.2f}" if baseline else ""
    print(f"{label:58} {n:6d} articles  {seconds:7.2f} s  {n / seconds:7.1f} articles/s{ratio}", flush=True)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--keep", type=Path, help="also import generated articles into this corpus folder")
    parser.add_argument("--keep-count", type=int, default=300)
    args = parser.parse_args()
    import trafilatura

    work = Path(tempfile.mkdtemp(prefix="bench-import-"))
    try:
        n = args.pages
        pages, export, table, _ = generate(work / "in", n)
        quarter = pages[: n // 4]

        def extract_only(files):
            for page in files:
                trafilatura.bare_extraction(page.read_text(encoding="utf-8"), with_metadata=True,
                                            include_comments=False, include_tables=False,
                                            date_extraction_params={"extensive_search": False,
                                                                    "original_date": True})

        base_quarter = timed("baseline: trafilatura.bare_extraction alone", len(quarter),
                             lambda: extract_only(quarter))
        timed("import_articles, web pages (1/4)", len(quarter),
              lambda: import_articles(quarter, corpus=work / "c_quarter", progress=False), base_quarter)
        base = timed("baseline: trafilatura.bare_extraction alone", n, lambda: extract_only(pages))
        timed("import_articles, web pages", n,
              lambda: import_articles(pages, corpus=work / "c_full", progress=False), base)
        timed("re-import of the same pages (all duplicates)", n,
              lambda: import_articles(pages, corpus=work / "c_full", progress=False))
        copies = dispatch_copies(work / "copies", n)
        timed("pathological: one dispatch under n datelines", n,
              lambda: import_articles(copies, corpus=work / "c_copies", progress=False))
        timed("Europresse export, one file", n,
              lambda: import_articles(export, corpus=work / "c_europresse", progress=False))
        timed("CSV table", n, lambda: import_articles(table, corpus=work / "c_table", progress=False))
        if args.keep:
            third = args.keep_count // 3
            import_articles(pages[:third], corpus=args.keep, progress=False)
            _, export, table, _ = generate(work / "keep", (args.keep_count - third + 1) // 2, seed=1)
            result = import_articles([export, table], corpus=args.keep, progress=False)
            print(f"{third + (result['status'] == 'added').sum()} generated articles written to {args.keep}")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak memory (ru_maxrss) of the process: {peak:.0f} MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
