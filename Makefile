# Two commands: `make demo` builds the demo place and its reports; `make test` runs every test.
# Both create (and then reuse) a local virtual environment in .venv, so nothing is installed
# outside this folder except what `scripts/system-deps` asks the system for (Chromium,
# PostgreSQL).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint bench dictionary lab clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "HLS Workbook needs Python 3.11 or newer"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev,lab,app,postgres,dask,collab]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (HLS Workbook)" >/dev/null
	@# JupyterLab: start the notebook's kernel without asking, and never fetch news.
	@mkdir -p $(VENV)/share/jupyter/lab/settings
	cp scripts/lab-overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	@# ... and open a stage notebook with its forms ready (the checkout's own extension).
	@mkdir -p $(VENV)/share/jupyter/labextensions
	rm -rf $(VENV)/share/jupyter/labextensions/hls-workbook
	ln -s $(CURDIR)/hls_workbook/templates/labextensions/hls-workbook $(VENV)/share/jupyter/labextensions/hls-workbook
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/hls-workbook demo

test: $(STAMP)
	@bash scripts/system-deps
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -n 2 --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

dictionary: $(STAMP)
	$(BIN)/hls-workbook dictionary --out docs/data-dictionary.md

bench: $(STAMP)
	@bash scripts/system-deps
	$(BIN)/python bench/run.py

# Widgets show only from trusted outputs, and trust is per user: sign the notebooks for
# whoever runs JupyterLab (docs/collaboration.md).
lab: $(STAMP)
	$(BIN)/jupyter trust notebooks/*.ipynb
	$(BIN)/jupyter lab notebooks/

clean:
	rm -rf $(VENV) reports data/demo.db* .pytest_cache
