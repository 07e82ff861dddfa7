# Movie Ranking — the README names these targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# make run is a local development server: DEBUG on and a throwaway secret unless .env says otherwise.
RUN_ENV := DEBUG=$${DEBUG:-1} SECRET_KEY=$${SECRET_KEY:-local-development-only}

.PHONY: run test install install-dev chromium migrate lint format benchmarks clean

$(BIN)/python:
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  echo "python3 -m venv failed; installing Debian's python3-venv"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq python3-venv && $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py createcachetable

run: migrate
	@echo "Movie Ranking on http://127.0.0.1:$(PORT)/ (Ctrl+C to stop)"
	$(RUN_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Browser tests drive Debian's Chromium through Playwright (never `playwright install`).
chromium:
	@command -v chromium >/dev/null || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }

test: install-dev chromium
	$(BIN)/pytest $(PYTEST_ARGS)

# Settings load for mypy's Django plugin and for makemigrations: DEBUG spares them a SECRET_KEY.
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=1 $(BIN)/mypy
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

benchmarks: install-dev
	$(BIN)/python -m benchmarks.offline_search_bench
	$(BIN)/python -m benchmarks.parse_bench
	$(BIN)/python -m benchmarks.hostile_files
	$(BIN)/python -m benchmarks.match_eval
	$(BIN)/python -m benchmarks.import_bench
	$(BIN)/python -m benchmarks.letterboxd_export_bench

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 *.egg-info
