# Every target bootstraps .venv from python3 alone, so `make demo` and `make test`
# are the only commands a fresh machine needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup demo test browser virtuoso fuzz lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/fiscal-kg demo

test: $(STAMP) browser virtuoso
	$(BIN)/pytest -q

# Debian's chromium for the findings view's browser test (tests/test_report_browser.py), when
# missing and apt-get can install it (root, or sudo without a password); else that test is
# skipped and says why.
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO="sudo -n"; fi; \
	  command -v apt-get >/dev/null 2>&1 \
	  && $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install \
	     -y -qq --no-install-recommends chromium fonts-noto-cjk >/dev/null \
	  || echo "make: chromium not installed (no apt-get or no root): the browser test is skipped"; }

# Debian's Virtuoso for tests/test_virtuoso.py (bench/virtuoso.py starts a throwaway server on
# free loopback ports; the package's own service, if its init starts one, is not used), when
# missing and apt-get can install it (root, or sudo without a password); else those tests are
# skipped and say why.
virtuoso:
	@command -v virtuoso-t >/dev/null 2>&1 && command -v isql-vt >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO="sudo -n"; fi; \
	  command -v apt-get >/dev/null 2>&1 \
	  && $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install \
	     -y -qq --no-install-recommends virtuoso-opensource >/dev/null \
	  || echo "make: virtuoso-opensource not installed (no apt-get or no root): the Virtuoso tests are skipped"; }

# the loader on 2,000 mutated samples (deterministic seeds; `make test` runs 300 of them)
fuzz: $(STAMP)
	FUZZ_FILES=2000 $(BIN)/pytest -q tests/test_fuzz.py

lint: $(STAMP)
	$(BIN)/ruff check .

# the benchmark (bench/, not in the wheel): python -m bench --help for its options
bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) fiscal-kg-store build dist .pytest_cache .ruff_cache
