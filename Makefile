# The two commands a newcomer needs: `make demo` and `make test`.
#   make test                      lint + the whole pytest suite (embedded default: SQLite, no Redis)
#   DATABASE_URL=postgres://... REDIS_URL=redis://... make test     the same against real services
#   make test PYTEST_ARGS="tests/community -x"                      a subset while working
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: demo test install lint format migrate serve worker clean

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11 is needed (neither python3.11 nor python3 found)"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' \
		|| { echo "Python 3.11 is needed; $(PYTHON) is $$($(PYTHON) --version). Run: make PYTHON=/path/to/python3.11 ..."; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

# The demo is shown the way users see the product: DEBUG off (the site's own 404 and 500 pages).
# `make demo DEBUG=true` brings Django's debug pages back; HOST and PORT choose where it listens.
DEBUG ?= false
demo: migrate
	$(BIN)/python manage.py load_demo --reset
	@echo "Serving on http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	DEBUG=$(DEBUG) $(BIN)/daphne -b $(HOST) -p $(PORT) config.asgi:application

serve: migrate
	$(BIN)/daphne -b $(HOST) -p $(PORT) config.asgi:application

worker: install
	$(BIN)/celery -A config worker -Q default,analysis --loglevel=INFO

# Every check runs even when an earlier one fails, so one run shows everything that is wrong;
# the target fails if any did. pytest's exit code 5 (no tests collected) counts as a failure.
test: install
	@failed=""; \
	echo "== ruff check"; $(BIN)/ruff check . || failed="$$failed ruff-check"; \
	echo "== ruff format --check"; $(BIN)/ruff format --check . || failed="$$failed ruff-format"; \
	echo "== makemigrations --check"; $(BIN)/python manage.py makemigrations --check --dry-run || failed="$$failed makemigrations"; \
	echo "== pytest $(PYTEST_ARGS)"; $(BIN)/pytest $(PYTEST_ARGS) || failed="$$failed pytest(exit $$?)"; \
	if [ -n "$$failed" ]; then echo "make test FAILED:$$failed"; exit 1; fi; \
	echo "make test passed"

lint: install
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix . && $(BIN)/ruff format .

clean:
	rm -rf $(VENV) var
