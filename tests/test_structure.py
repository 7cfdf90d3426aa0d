"""The package's structure: modules import only earlier pipeline steps, never private names."""

from __future__ import annotations

import ast

from analysis.paths import PACKAGE_DIR

#: The modules in pipeline order. A module may import only modules before it.
ORDER = [
    "errors", "paths",
    "corpus", "sources",
    "text", "index",
    "phrases", "lexicon",
    "counts", "statistics",
    "matching", "speech", "formulas", "segments", "concordance",
    "trends",
    "cooccurrence", "candidates", "maps",  # co-occurrence and maps (issue 10)
    "plots",
]


def imports(module: str) -> list[tuple[str, list[str]]]:
    """``(imported module, imported names)`` of every relative import of a module, at any depth."""
    tree = ast.parse((PACKAGE_DIR / f"{module}.py").read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module:
            found.append((node.module.split(".")[0], [alias.name for alias in node.names]))
    return found


def test_every_module_has_a_place_in_the_pipeline_order():
    modules = sorted(p.stem for p in PACKAGE_DIR.glob("*.py") if not p.stem.startswith("_"))
    assert sorted(ORDER) == modules


def test_modules_import_only_earlier_steps():
    later = {
        module: [name for name, _ in imports(module) if ORDER.index(name) >= ORDER.index(module)]
        for module in ORDER
    }
    assert {module: names for module, names in later.items() if names} == {}


def test_no_private_name_crosses_modules():
    crossing = {
        module: [f"{source}.{name}" for source, names in imports(module) for name in names
                 if name.startswith("_")]
        for module in ORDER
    }
    assert {module: names for module, names in crossing.items() if names} == {}
