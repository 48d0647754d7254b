# make demo: set up everything and run the main job on the bundled examples.
# make test: set up everything and run the whole test suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup system-deps demo test lint bench fuzz docs clean print-check

setup: system-deps $(STAMP)

$(STAMP): pyproject.toml | system-deps
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

system-deps:
	@bash scripts/system-deps.sh

demo: setup
	@bash scripts/demo.sh

test: setup
	$(BIN)/python -m pytest

# the print tests alone (make test runs them too): the Excel 一览表 and the Word handbook through LibreOffice
print-check: setup
	$(BIN)/python -m pytest tests/test_print.py tests/test_handbook_docx.py -q

lint: setup
	$(BIN)/ruff check src tests bench

bench: setup
	$(BIN)/python bench/run.py

fuzz: setup
	LIANFANG_FUZZ_EXAMPLES=5000 $(BIN)/python -m pytest tests/test_fuzz.py -q

docs: setup
	$(BIN)/python -m lianfang.docs

clean:
	rm -rf $(VENV) build flowcharts .pytest_cache .hypothesis
