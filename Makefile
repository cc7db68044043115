# PolicyLens: `make run` starts the dashboard on the bundled seed; `make test` runs every test.
# Both create .venv and install what they need when it is missing or out of date.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: run test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.runtime
	$(BIN)/python -m policylens install-font
	$(BIN)/python -m policylens.text.lemma_cache
	$(BIN)/python -m policylens.ui.launch --server.port $(PORT) --server.address 127.0.0.1

test: $(VENV)/.dev
	$(BIN)/python -m policylens install-font
	$(BIN)/python -m pytest

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(VENV)/.dev
	$(BIN)/python bench/startup.py
	$(BIN)/python bench/rerun.py

clean:
	rm -rf $(VENV) .pytest_cache static/fonts/*.otf
