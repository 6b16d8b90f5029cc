# The README's two commands: `make demo` (the product's main job on the embedded SQLite
# default) and `make test` (lint, types, the whole test suite). Both set up everything
# they need in .venv on first use; nothing has to be installed by hand.

PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	2>/dev/null && { echo $$p; break; }; done)
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OUT ?= out
DEMO_DB ?= sop.db
PYTEST_ARGS ?=

.PHONY: demo test lint typecheck pytest bench clean

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is required"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[all,dev]'
	@touch $(STAMP)

# The demo court's database is made afresh (sop.db beside the Makefile, or DEMO_DB); the
# later `sop` commands in this folder read it. The web app then serves it (HOST, PORT) until
# stopped with Ctrl-C.
HOST ?= 127.0.0.1
PORT ?= 8000

demo: $(STAMP)
	$(BIN)/sop validate definitions/
	$(BIN)/sop publish $(OUT)
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	SOP_DATABASE_URL=sqlite:///$(DEMO_DB) $(BIN)/sop demo --out $(OUT)
	SOP_DATABASE_URL=sqlite:///$(DEMO_DB) $(BIN)/sop conformance examples/skum-januari-2026.csv \
		--sop taksiran-panjar-skum --map examples/skum-januari-2026.map.yaml
	SOP_DATABASE_URL=sqlite:///$(DEMO_DB) $(BIN)/sop serve --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check sop_runtime tests bench examples

typecheck: $(STAMP)
	$(BIN)/mypy

# The browser tests (tests/e2e/web) drive Debian's Chromium, never a browser Playwright
# downloads itself, the printout tests read QR codes off pages that poppler's pdftoppm
# turns into pictures, and the PostgreSQL backup tests run pg_dump and pg_restore. Each is
# installed here when missing, where apt-get can run as root;
# anywhere else this says so in one line and the tests that need them skip themselves.
CHROMIUM := $(VENV)/.chromium
POPPLER := $(VENV)/.poppler
PGCLIENT := $(VENV)/.pgclient

$(CHROMIUM): | $(STAMP)
	@$(call debian_tool,chromium,chromium,Chromium,the browser tests)

$(POPPLER): | $(STAMP)
	@$(call debian_tool,pdftoppm,poppler-utils,pdftoppm,the tests that read printouts' QR codes)

# sop backup and sop restore on PostgreSQL run the server's client programs
$(PGCLIENT): | $(STAMP)
	@$(call debian_tool,pg_dump,postgresql-client,pg_dump,the PostgreSQL backup tests)

# $(1) command, $(2) Debian package, $(3) its name, $(4) the tests that skip without it
define debian_tool
if command -v $(1) >/dev/null 2>&1; then touch $@; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
		&& apt-get update -qq \
		&& DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(2) >/dev/null \
		&& command -v $(1) >/dev/null 2>&1; then touch $@; \
	else echo "$(3) (Debian package $(2)) is missing and could not be installed (needs root, apt-get and a Debian mirror): $(4) will be skipped"; fi
endef

# The suite starts many Python processes (the documents' commands, Prefect's flow runs, the
# crash tests' writers); compiled beforehand, none of them compiles the package again where
# the environment keeps Python from writing bytecode (PYTHONDONTWRITEBYTECODE).
pytest: $(STAMP) $(CHROMIUM) $(POPPLER) $(PGCLIENT)
	$(BIN)/python -m compileall -q sop_runtime tests > /dev/null
	$(BIN)/pytest -n auto --dist loadgroup $(PYTEST_ARGS)

test: lint typecheck pytest

bench: $(STAMP)
	@for b in bench/[!_]*.py; do [ "$$b" = bench/compare.py ] && continue; \
		echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) $(OUT) .mypy_cache .ruff_cache .pytest_cache $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
