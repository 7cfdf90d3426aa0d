"""The project's folders, derived from one place: the package's own location.

Nothing here depends on the current working directory, so the same call works
from a notebook, a test, a script or a shell anywhere on the machine.

The output folder can be moved with the environment variable
``ANALYSIS_OUTPUT_DIR`` (useful for CI or for keeping several runs apart).
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR: Path = Path(__file__).resolve().parent
PROJECT_DIR: Path = PACKAGE_DIR.parent
CORPUS_DIR: Path = PROJECT_DIR / "corpus"
NOTEBOOKS_DIR: Path = PROJECT_DIR / "notebooks"
DATA_DIR: Path = PACKAGE_DIR / "data"


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
