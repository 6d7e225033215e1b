# Linli developer tasks.  `make install && make run` to try it, `make test` before pushing.

VENV   := .venv
# The example of a plugin outside the core (docs/writing-plugins.md), installed with pip like
# any outside package; `make run` keeps it out of the demo unless DEMO_BLOCKED is emptied.
EXAMPLES     := examples/linli-mealaid
DEMO_BLOCKED ?= mealaid
BIN    := $(VENV)/bin
PYTHON := $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null)

.PHONY: install run test sysdeps lint fmt bench screenshots clean

install: $(VENV)/.installed
	@for d in core/translations plugins/*/translations examples/*/*/translations; do \
	  if [ -d "$$d" ] && find "$$d" -name '*.po' | grep -q .; then \
	    $(BIN)/pybabel compile -d "$$d" || exit 1; \
	    if find "$$d" -name admin.po | grep -q .; then $(BIN)/pybabel compile -D admin -d "$$d" || exit 1; fi; \
	  fi; \
	done

$(VENV)/.installed: pyproject.toml $(addsuffix /pyproject.toml,$(EXAMPLES))
	@[ -n "$(PYTHON)" ] || { echo "error: neither python3.11 nor python3 found on PATH" >&2; exit 1; }
	@"$(PYTHON)" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { \
	  echo "error: Python 3.11+ required, $(PYTHON) is $$("$(PYTHON)" -V 2>&1)" >&2; exit 1; }
	"$(PYTHON)" -m venv $(VENV) || { \
	  echo "error: could not create $(VENV) (on Debian: apt-get install python3-venv)" >&2; exit 1; }
	$(BIN)/python -m pip install -q --upgrade pip setuptools
	$(BIN)/pip install -e '.[dev]'
	for d in $(EXAMPLES); do $(BIN)/pip install -q --no-deps --no-build-isolation -e "$$d" || exit 1; done
	touch $@

run: install
	$(BIN)/linli init
	export LINLI_BLOCKED_PLUGINS="$${LINLI_BLOCKED_PLUGINS-$(DEMO_BLOCKED)}"; \
	$(BIN)/linli db upgrade && $(BIN)/linli demo && $(BIN)/linli run --host 127.0.0.1 --port 5000

# The SQLite run (with browser tests) and the PostgreSQL run, side by side
# (tests/run_both.sh); both always run, any failure fails.
test: install sysdeps lint
	@bash tests/run_both.sh $(BIN)/pytest

# Debian chromium (browser tests, with a Chinese font for screenshots and printed PDFs),
# pango (WeasyPrint, core/printing.py) and postgresql (tests/with_postgres.sh), when missing.
sysdeps:
	@if [ ! -x /usr/bin/chromium ] || ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
	    || [ ! -d /usr/share/fonts/truetype/wqy ] \
	    || ! ls /usr/lib/*/libpango-1.0.so.0 /usr/lib/*/libpangoft2-1.0.so.0 >/dev/null 2>&1; then \
	  sudo=; if [ "$$(id -u)" -ne 0 ] && command -v sudo >/dev/null; then sudo=sudo; fi; \
	  set -x; \
	  $$sudo apt-get update -qq && \
	  $$sudo env DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq --no-install-recommends chromium postgresql fonts-wqy-microhei \
	      libpango-1.0-0 libpangoft2-1.0-0; \
	fi

lint:
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/lint-imports --no-cache --no-logo

fmt:
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

bench: install
	$(BIN)/python -m bench

# The README's tour: the demo in Chromium at 1280 × 800 and 360 × 740, into docs/screenshots/
# (tests/e2e/screenshots.py); not part of `make test`.
screenshots: install sysdeps
	$(BIN)/python -m tests.e2e.screenshots

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .import_linter_cache build dist *.egg-info
	find . -path ./instance -prune -o -path ./.git -prune -o \
	  -name __pycache__ -type d -prune -exec rm -rf {} +
