"""Tests of analysis.paths: every folder derives from the package's location."""

from pathlib import Path

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
