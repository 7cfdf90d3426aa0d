"""Shared test configuration."""

import os

from hypothesis import settings

# In CI the property tests replay a fixed set of examples, so a run is reproducible;
# locally they explore new random examples each run.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


import pytest  # noqa: E402


@pytest.fixture(scope="session")
def seed_corpus():
    """The seed articles as a corpus frame (the one place that says where they are read from)."""
    from analysis import CORPUS_DIR, load_corpus

    return load_corpus(CORPUS_DIR)
