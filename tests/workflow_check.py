"""The README's add-articles workflow, checked end to end on a scratch copy of the repository.

Run by ``make workflow-check`` (and so by ``make test`` and CI). It copies the repository's files
(``git ls-files``: tracked and new, not ignored) to a scratch folder, imports the fixture articles of
``tests/data/sources`` (a saved web page, an Europresse export, a CSV table) into its ``corpus/`` with
``make import``, then runs ``make update-notebooks`` and ``make test`` there, exactly as a user
would, and fails unless every step passes and the corpus has grown by the imported articles. It also
runs ``make all`` on a broken corpus folder and checks that only the corpus problems are printed, no
notebook runs and the figures of an earlier run are kept.

The scratch copy uses this checkout's ``.venv`` (no second installation). The scratch folder is
removed on success and kept, with its path printed, on failure.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from analysis import CorpusError, load_corpus

ROOT = Path(__file__).resolve().parent.parent
NESTED = "ANALYSIS_IN_WORKFLOW_CHECK"
FIXTURES = ROOT / "tests" / "data" / "sources"
#: Articles the import adds: 1 web page, 3 Europresse articles (the 4th has no text), 2 CSV rows.
EXPECTED_ADDED = 6
CSV_COLUMNS = "headline=title body=text published=date outlet=source link=url byline=author"


def run(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    started = time.monotonic()
    print(f"workflow-check: {' '.join(args)}", flush=True)
    done = subprocess.run(args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if done.returncode != 0:
        sys.stdout.write(done.stdout[-20000:])
        raise SystemExit(f"workflow-check: FAILED ({' '.join(args)} exited with {done.returncode}); "
                         f"scratch copy kept in {cwd}")
    print(f"workflow-check:   ok in {time.monotonic() - started:.0f} s", flush=True)
    return done.stdout


def main() -> int:
    if os.environ.get(NESTED):
        print("workflow-check: skipped inside the workflow check itself")
        return 0
    venv = Path(os.environ.get("VENV", ROOT / ".venv")).resolve()
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, check=True, stdout=subprocess.PIPE,
    ).stdout.decode("utf-8").split("\0")
    scratch = Path(tempfile.mkdtemp(prefix="analysis-workflow-"))
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            target = scratch / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)  # keeps mtimes: make sees the shared .venv as up to date
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANALYSIS_", "MAKE", "MFLAGS"))}
    env[NESTED] = "1"
    make = ["make", "--no-print-directory", f"VENV={venv}", "-o", f"{venv}/.installed"]
    before = len(load_rows(scratch))
    sources = " ".join(str(FIXTURES / name) for name in ("page_journal.html", "europresse.html"))
    run([*make, "import", f"SRC={sources}"], scratch, env)
    run([*make, "import", f"SRC={FIXTURES / 'articles.csv'}", f"COLUMNS={CSV_COLUMNS}"], scratch, env)
    added = len(load_rows(scratch)) - before
    if added != EXPECTED_ADDED:
        raise SystemExit(f"workflow-check: FAILED: {added} articles added, expected {EXPECTED_ADDED}; "
                         f"scratch copy kept in {scratch}")
    check_bad_corpus_stops_make_all(scratch, make, env)
    run([*make, "update-notebooks"], scratch, env)
    run([*make, "test"], scratch, env)
    shutil.rmtree(scratch)
    print(f"workflow-check: passed ({added} articles imported, notebooks updated, make test green)")
    return 0


def check_bad_corpus_stops_make_all(scratch: Path, make: list[str], env: dict[str, str]) -> None:
    """``make all CORPUS=<bad>`` prints only the corpus problems, runs no notebook, keeps old figures."""
    bad, out = scratch.parent / f"{scratch.name}-bad", scratch.parent / f"{scratch.name}-out"
    try:
        bad.mkdir()
        (bad / "metadata.csv").write_text("doc_id,file,title,date,source,url,lang,note\n"
                                          "a,a.txt,,2024-13-01,,,fr,\n", encoding="utf-8")
        (bad / "b.txt").write_text("orphan", encoding="utf-8")
        (out / "figures").mkdir(parents=True)
        (out / "figures" / "earlier.png").write_bytes(b"earlier run")
        print("workflow-check: make all on a bad corpus", flush=True)
        done = subprocess.run([*make, "all", f"CORPUS={bad}", f"OUTPUT={out}"], cwd=scratch, env=env,
                              capture_output=True, text=True)
        try:  # the message load_corpus gives: every problem, one per line (two here)
            load_corpus(bad)
        except CorpusError as exc:
            expected = "".join(problem + "\n" for problem in exc.problems)
            assert len(exc.problems) == 2, exc.problems
        problems = "".join(line + "\n" for line in done.stderr.splitlines() if not line.startswith("make"))
        if done.returncode == 0 or problems != expected or "nbconvert" in done.stdout:
            raise SystemExit(f"workflow-check: FAILED: make all on a bad corpus gave exit {done.returncode}, "
                             f"stderr {done.stderr!r}, stdout {done.stdout[-2000:]!r}")
        if [p.name for p in (out / "figures").iterdir()] != ["earlier.png"]:
            raise SystemExit("workflow-check: FAILED: a failed make all touched the earlier figures")
        print("workflow-check:   ok (only the problems printed, earlier figures kept)", flush=True)
    finally:
        shutil.rmtree(bad, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)


def load_rows(folder: Path) -> list[dict[str, str]]:
    with open(folder / "corpus" / "metadata.csv", encoding="utf-8", newline="") as table:
        return list(csv.DictReader(table))


if __name__ == "__main__":
    sys.exit(main())
