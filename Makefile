# Discourse analysis of French diplomatic news — `make help` lists the targets.
# Command 1: `make all` (set up, run every notebook, write every figure and HTML copy under output/).
# Command 2: `make test` (set up, run the unit tests, every notebook under strict nbval, and the
#            add-articles workflow on a scratch copy of the repository).
# CORPUS=/path/to/folder and OUTPUT=/path/to/folder choose the corpus the notebooks read and where
# everything is written (the package reads them as ANALYSIS_CORPUS_DIR and ANALYSIS_OUTPUT_DIR).

PYTHON ?= python3
VENV   ?= .venv
OUTPUT ?= output
CORPUS ?= corpus
BIN    := $(VENV)/bin
PY     := $(BIN)/python
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb))
export ANALYSIS_OUTPUT_DIR := $(abspath $(OUTPUT))
export ANALYSIS_CORPUS_DIR := $(abspath $(CORPUS))
# A run writes into a fresh folder and replaces the previous figures, notebooks and HTML only on success.
STAGE  := $(abspath $(OUTPUT))/.run-new

.DEFAULT_GOAL := help
.PHONY: help all setup check notebooks test unit nbval workflow-check lint update-notebooks lab bench \
        import export clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

all: setup check notebooks ## Command 1: set up, check the corpus, run every notebook, write figures + HTML

setup: $(VENV)/.installed ## Create .venv and install the package with everything it needs

$(VENV)/.installed: requirements.txt requirements-runtime.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt -e .
	touch $@

check: setup ## Check the corpus folder (CORPUS=...): print every problem, or the number of articles
	@$(PY) -m analysis check

notebooks: setup check ## Execute every notebook into output/notebooks, with an HTML copy in output/html
	@rm -rf $(STAGE) && mkdir -p $(STAGE)/figures $(STAGE)/notebooks $(STAGE)/html
	ANALYSIS_OUTPUT_DIR=$(STAGE) $(BIN)/jupyter nbconvert --to notebook --execute \
	    --output-dir $(STAGE)/notebooks $(NOTEBOOKS)
	$(BIN)/jupyter nbconvert --to html --output-dir $(STAGE)/html \
	    $(addprefix $(STAGE)/notebooks/,$(notdir $(NOTEBOOKS)))
	@# Success: swap in the new run (no figure is left over from an earlier run).
	@for d in figures notebooks html; do rm -rf "$(ANALYSIS_OUTPUT_DIR)/$$d"; \
	    mv "$(STAGE)/$$d" "$(ANALYSIS_OUTPUT_DIR)/$$d"; done; rm -rf $(STAGE)
	@echo "Corpus: $(ANALYSIS_CORPUS_DIR)"
	@echo "Figures: $(OUTPUT)/figures  Notebooks: $(OUTPUT)/notebooks  HTML: $(OUTPUT)/html"

test: setup ## Command 2: ruff, unit tests (structure included), every notebook under strict nbval, workflow check
	$(BIN)/ruff check analysis tests benchmarks
	$(PY) -m pytest tests $(NOTEBOOKS) --nbval --nbval-current-env
	$(MAKE) --no-print-directory workflow-check

unit: setup ## Unit tests only (fast)
	$(PY) -m pytest tests

nbval: setup ## Notebooks only, under strict nbval
	$(PY) -m pytest --nbval --nbval-current-env $(NOTEBOOKS)

workflow-check: setup ## Scratch copy of the repo: import fixture articles, update-notebooks, unit + nbval pass
	$(PY) tests/workflow_check.py

lint: setup ## Ruff on the package, tests and benchmarks
	$(BIN)/ruff check analysis tests benchmarks

update-notebooks: setup ## Re-execute the notebooks in place (after changing analysis/), storing new outputs
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace $(NOTEBOOKS)

lab: setup ## Open JupyterLab on the notebooks (also as root, as in containers)
	$(BIN)/jupyter lab notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

import: setup ## Import articles: make import SRC="pages/ export.html t.csv" [CORPUS=] [FORMAT=] [COLUMNS="body=text"]
	@test -n "$(SRC)" || { echo 'make import needs SRC="file or folder ..."' >&2; exit 2; }
	$(PY) -m analysis import $(SRC) --corpus "$(ANALYSIS_CORPUS_DIR)" $(if $(FORMAT),--format $(FORMAT)) \
	    $(foreach c,$(COLUMNS),--column $(c))

export: setup ## Export the corpus for IRaMuTeQ: make export [CORPUS=...] -> $(OUTPUT)/iramuteq.txt
	@mkdir -p $(OUTPUT)
	$(PY) -m analysis export "$(ANALYSIS_OUTPUT_DIR)/iramuteq.txt" --format iramuteq

bench: setup ## Run the speed and memory benchmarks (10 MB synthetic corpus; several minutes)
	$(PY) benchmarks/bench_statistics.py
	$(PY) benchmarks/bench_phrasing.py
	$(PY) benchmarks/bench_trends.py
	$(PY) benchmarks/bench_maps.py
	$(PY) benchmarks/bench_index.py
	$(PY) benchmarks/bench_linear.py --footer-check
	$(PY) benchmarks/bench_speech.py
	$(PY) benchmarks/bench_import.py

clean: ## Remove output/ (never touches corpus/ or notebooks/)
	rm -rf $(OUTPUT)
