# sopsocial: `make run` to try it, `make test` to prove it. See README.md.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format worker beat asgi migrate demo install bench screenshots clean-venv

$(BIN)/activate:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found: sopsocial needs Python 3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --no-input

demo: migrate
	$(PY) manage.py load_demo

## Serve http://127.0.0.1:8000 (embedded default: SQLite, in-memory channel layer, inline tasks).
run: demo
	$(PY) manage.py runserver $(HOST):$(PORT)

## The whole suite. On the embedded default, tests that need PostgreSQL/Redis/chromium are skipped with
## a reason; with CI=true a missing service fails the run instead (.ci/run sets everything up).
test: install
	$(PY) -m pytest $(PYTEST_ARGS)

## Style, the one-way import contracts (pyproject.toml [tool.importlinter]) and types (mypy). CI runs it.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Full-stack processes (need DATABASE_URL and REDIS_URL); docker-compose.yml runs the same commands.
## The worker and beat run under bin/respawn, which starts them again if they exit with a failure or are
## killed (compose's restart policy and the systemd units in docs/deploy/ do the same in production).
asgi: install
	$(BIN)/daphne -b $(HOST) -p $(PORT) config.asgi:application

worker: install
	bin/respawn $(BIN)/celery -A config worker --loglevel=INFO --concurrency=2

beat: install
	bin/respawn $(BIN)/celery -A config beat --loglevel=INFO --schedule=var/celerybeat-schedule

## Benchmarks (need PostgreSQL and Redis): `make bench BENCH_ARGS="--size full --only feed,fanout"`.
bench: install
	$(PY) -m bench $(BENCH_ARGS)

## Replay STORY.md in the browser (needs PostgreSQL, Redis, chromium; .ci/run sets them up) and refresh
## the README tour's pictures in docs/screenshots/ from artifacts/story/docs/.
screenshots: install
	$(PY) -m pytest tests/e2e/test_story.py -p no:cacheprovider
	mkdir -p docs/screenshots
	cp artifacts/story/docs/*.png docs/screenshots/

clean-venv:
	rm -rf $(VENV)
