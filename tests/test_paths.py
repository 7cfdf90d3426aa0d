"""Tests of analysis.paths: every folder derives from the package's location."""

from pathlib import Path

import pytest

import analysis
from analysis import paths


def test_folders_derive_from_the_package_not_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ANALYSIS_OUTPUT_DIR", raising=False)
    root = Path(analysis.__file__).resolve().parent.parent
    assert paths.PROJECT_DIR == root
    assert paths.CORPUS_DIR == root / "corpus"
    assert paths.DATA_DIR == root / "analysis" / "data"
    assert paths.output_dir() == root / "output"
    assert paths.figures_dir() == root / "output" / "figures"


def test_output_folder_can_be_moved_by_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_OUTPUT_DIR", str(tmp_path))
    assert paths.output_dir() == tmp_path
    assert paths.figures_dir() == tmp_path / "figures"


# --- the corpus folder, one setting (issue 9) ---


def test_corpus_folder_defaults_to_the_project_corpus_in_a_checkout(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ANALYSIS_CORPUS_DIR", raising=False)
    assert paths.corpus_dir() == paths.PROJECT_DIR / "corpus"


def test_corpus_folder_is_set_by_environment_relative_to_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ANALYSIS_CORPUS_DIR", "mine")
    assert paths.corpus_dir() == tmp_path / "mine"
    monkeypatch.setenv("ANALYSIS_CORPUS_DIR", str(tmp_path / "other"))
    assert paths.corpus_dir() == tmp_path / "other"


def test_installed_package_without_a_corpus_setting_says_how_to_set_one(tmp_path, monkeypatch):
    from analysis import CorpusError, load_corpus

    monkeypatch.delenv("ANALYSIS_CORPUS_DIR", raising=False)
    site = tmp_path / "site-packages"
    monkeypatch.setattr(paths, "PROJECT_DIR", site)
    monkeypatch.setattr(paths, "PACKAGE_DIR", site / "analysis")
    with pytest.raises(CorpusError) as caught:
        load_corpus()
    assert str(caught.value) == (
        f"no corpus folder set: the analysis package is installed in {site / 'analysis'}, outside a "
        "checkout of the project, so there is no project corpus/ to default to; set the "
        "environment variable ANALYSIS_CORPUS_DIR=/path/to/corpus or call load_corpus('/path/to/corpus')"
    )
