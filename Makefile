# Discourse analysis of French diplomatic news — `make help` lists the targets.
# Command 1: `make all` (set up, run every notebook, write every figure and HTML copy under output/).
# Command 2: `make test` (set up, run the unit tests and every notebook under strict nbval).

PYTHON ?= python3
VENV   ?= .venv
OUTPUT ?= output
BIN    := $(VENV)/bin
PY     := $(BIN)/python
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb))
export ANALYSIS_OUTPUT_DIR := $(abspath $(OUTPUT))

.DEFAULT_GOAL := help
.PHONY: help all setup notebooks test unit nbval lint update-notebooks lab bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

all: setup notebooks ## Command 1: set up, execute every notebook, write figures + HTML under output/

setup: $(VENV)/.installed ## Create .venv and install the package with everything it needs

$(VENV)/.installed: requirements.txt requirements-runtime.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt -e .
	touch $@

notebooks: setup ## Execute every notebook into output/notebooks, with an HTML copy in output/html
	rm -rf $(OUTPUT)/figures $(OUTPUT)/notebooks $(OUTPUT)/html  # no figure left over from an earlier run
	mkdir -p $(OUTPUT)/notebooks $(OUTPUT)/html
	$(BIN)/jupyter nbconvert --to notebook --execute --output-dir $(OUTPUT)/notebooks $(NOTEBOOKS)
	$(BIN)/jupyter nbconvert --to html --output-dir $(OUTPUT)/html $(addprefix $(OUTPUT)/notebooks/,$(notdir $(NOTEBOOKS)))
	@echo "Figures: $(OUTPUT)/figures  Notebooks: $(OUTPUT)/notebooks  HTML: $(OUTPUT)/html"

test: setup ## Command 2: unit tests and every notebook under strict nbval
	$(PY) -m pytest tests $(NOTEBOOKS) --nbval --nbval-current-env

unit: setup ## Unit tests only (fast)
	$(PY) -m pytest tests

nbval: setup ## Notebooks only, under strict nbval
	$(PY) -m pytest --nbval --nbval-current-env $(NOTEBOOKS)

lint: setup ## Ruff on the package, tests and benchmarks
	$(BIN)/ruff check analysis tests benchmarks

update-notebooks: setup ## Re-execute the notebooks in place (after changing analysis/), storing new outputs
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace $(NOTEBOOKS)

lab: setup ## Open JupyterLab on the notebooks
	$(BIN)/jupyter lab notebooks

bench: setup ## Run the speed and memory benchmarks (10 MB synthetic corpus; several minutes)
	$(PY) benchmarks/bench_statistics.py
	$(PY) benchmarks/bench_phrasing.py
	$(PY) benchmarks/bench_maps.py

clean: ## Remove output/ (never touches corpus/ or notebooks/)
	rm -rf $(OUTPUT)
