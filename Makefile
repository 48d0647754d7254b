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

# LibreOffice + Noto CJK (large: not part of make test), then the print tests of the Word handbook
print-check: setup
	@LIANFANG_PRINT_DEPS=1 bash scripts/system-deps.sh
	$(BIN)/python -m pytest tests/test_handbook_docx.py -q

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
