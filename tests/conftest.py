"""Shared test configuration."""

import os

from hypothesis import settings

# In CI the property tests replay a fixed set of examples, so a run is reproducible;
# locally they explore new random examples each run.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


# --- the seed articles, frozen (issue 9) ---
# A byte-for-byte copy of the two seed articles and their metadata, kept with the tests, so that
# no test reads corpus/ (which users extend with their own articles).
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

SEED_DIR = Path(__file__).resolve().parent / "data" / "seed"


@pytest.fixture(scope="session")
def seed_dir() -> Path:
    """The folder of the frozen seed corpus (tests/data/seed)."""
    return SEED_DIR


@pytest.fixture
def seed_corpus():
    """The two seed articles, loaded from the frozen copy (a fresh frame per test)."""
    from analysis import load_corpus

    return load_corpus(SEED_DIR)
