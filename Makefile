# Every target bootstraps .venv from python3 alone, so `make demo` and `make test`
# are the only commands a fresh machine needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup demo test fuzz lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/fiscal-kg demo

test: $(STAMP)
	$(BIN)/pytest -q

# the loader on 2,000 mutated samples (deterministic seeds; `make test` runs 300 of them)
fuzz: $(STAMP)
	FUZZ_FILES=2000 $(BIN)/pytest -q tests/test_fuzz.py

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	$(BIN)/fiscal-kg bench

clean:
	rm -rf $(VENV) fiscal-kg-store build dist .pytest_cache .ruff_cache
