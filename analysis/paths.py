"""The project's folders, derived from one place: the package's own location.

Nothing here depends on the current working directory, so the same call works
from a notebook, a test, a script or a shell anywhere on the machine.

The corpus folder is set by the environment variable ``ANALYSIS_CORPUS_DIR``
(default: the project's ``corpus/`` when the package runs from a checkout of
the repository), and the output folder by ``ANALYSIS_OUTPUT_DIR`` (default:
the project's ``output/``). ``make all CORPUS=... OUTPUT=...`` sets both.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import CorpusError

PACKAGE_DIR: Path = Path(__file__).resolve().parent
PROJECT_DIR: Path = PACKAGE_DIR.parent
#: The project's own corpus folder (the default of :func:`corpus_dir` in a checkout).
CORPUS_DIR: Path = PROJECT_DIR / "corpus"
NOTEBOOKS_DIR: Path = PROJECT_DIR / "notebooks"
DATA_DIR: Path = PACKAGE_DIR / "data"


def corpus_dir() -> Path:
    """Return the corpus folder :func:`analysis.load_corpus` reads when given no path.

    ``$ANALYSIS_CORPUS_DIR`` if set (a relative path is taken from the current
    directory, as a shell would), else the project's ``corpus/`` when the
    package runs from a checkout of the repository (``pyproject.toml`` beside
    the package).

    Raises
    ------
    CorpusError
        When the variable is unset and the package is installed outside a
        checkout (for example in ``site-packages``), where there is no project
        corpus to fall back on.
    """
    env = os.environ.get("ANALYSIS_CORPUS_DIR", "").strip()
    if env:
        return Path(env).expanduser().resolve()
    if not (PROJECT_DIR / "pyproject.toml").is_file():
        raise CorpusError(
            f"no corpus folder set: the analysis package is installed in {PACKAGE_DIR}, outside a "
            "checkout of the project, so there is no project corpus/ to default to; set the "
            "environment variable ANALYSIS_CORPUS_DIR=/path/to/corpus or call load_corpus('/path/to/corpus')"
        )
    return CORPUS_DIR


def output_dir() -> Path:
    """Return the folder every output (figures, executed notebooks) goes under.

    ``$ANALYSIS_OUTPUT_DIR`` if set, else ``<project>/output``. The folder is
    not created here; writers create what they need.
    """
    env = os.environ.get("ANALYSIS_OUTPUT_DIR")
    return Path(env).resolve() if env else PROJECT_DIR / "output"


def figures_dir() -> Path:
    """Return ``output_dir() / "figures"``, where :func:`save_figure` writes."""
    return output_dir() / "figures"
