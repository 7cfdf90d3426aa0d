"""The package from the shell: ``python -m analysis import|check|export ...``.

``import`` brings articles into a corpus folder (see :func:`analysis.import_articles`), ``check`` loads
a corpus and prints every problem (used by ``make all`` before the notebooks run), ``export`` writes a
corpus for another program. Errors on bad input are printed as plain text, without a traceback, and end
with exit status 1 (2 for a wrong command line).
"""

from __future__ import annotations

import argparse
import sys

from . import export_corpus, import_articles, load_corpus
from .errors import AnalysisError
from .paths import corpus_dir
from .sources import EXPORT_FORMATS, SOURCE_FORMATS


def _pairs(values: list[str], option: str, parser: argparse.ArgumentParser) -> dict[str, str]:
    pairs = {}
    for value in values:
        name, sep, dest = value.partition("=")
        if not sep or not name or not dest:
            parser.error(f"{option} expects NAME=VALUE (got {value!r})")
        pairs[name] = dest
    return pairs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    imp = commands.add_parser("import", help="import articles (web pages, Europresse, CSV/JSONL, .txt)")
    imp.add_argument("sources", nargs="+", metavar="SRC", help="files or folders to import")
    imp.add_argument("--corpus", help="corpus folder (default: $ANALYSIS_CORPUS_DIR or corpus/)")
    imp.add_argument("--format", default="auto", choices=SOURCE_FORMATS, help="format of every SRC")
    imp.add_argument("--column", action="append", default=[], metavar="NAME=FIELD",
                     help="table column NAME holds FIELD (text, title, date, source, url, author, ...)")
    imp.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE",
                     help="metadata for every article whose source states none (e.g. source=Xinhua)")
    imp.add_argument("--encoding", help="encoding of text and table files (default UTF-8)")

    check = commands.add_parser("check", help="load a corpus folder and print every problem")
    check.add_argument("--corpus", help="corpus folder (default: $ANALYSIS_CORPUS_DIR or corpus/)")

    exp = commands.add_parser("export", help="write a corpus for another program")
    exp.add_argument("path", help="file to write")
    exp.add_argument("--corpus", help="corpus folder (default: $ANALYSIS_CORPUS_DIR or corpus/)")
    exp.add_argument("--format", default="iramuteq", choices=EXPORT_FORMATS)

    args = parser.parse_args(argv)
    try:
        if args.command == "import":
            result = import_articles(
                args.sources, corpus=args.corpus, source_format=args.format,
                columns=_pairs(args.column, "--column", parser), metadata=_pairs(args.set, "--set", parser),
                encoding=args.encoding,
            )
            for row in result.itertuples(index=False):
                reason = f"  ({row.reason})" if row.reason else ""
                print(f"{row.status:9} {row.doc_id or '-':22} {row.input}{reason}")
            counts = result["status"].value_counts()
            print(f"{counts.get('added', 0)} added, {counts.get('duplicate', 0)} duplicate(s), "
                  f"{counts.get('skipped', 0)} skipped, into {args.corpus or corpus_dir()}")
        elif args.command == "check":
            corpus = load_corpus(args.corpus)
            print(f"{args.corpus or corpus_dir()}: {len(corpus)} article(s), no problem found")
        else:
            written = export_corpus(load_corpus(args.corpus), args.path, format=args.format)
            print(f"{written}: written ({args.format})")
    except AnalysisError as exc:
        print(exc, file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
