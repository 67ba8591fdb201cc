PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run serve test lint migrate demo worker clean browser

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed: install python3.11, or run make PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

migrate: $(STAMP)
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py seed_demo

## make run: set up, migrate, load the demo data and serve the hub on http://127.0.0.1:8000
run: demo
	@echo "Serving the hub on http://127.0.0.1:8000 (the task worker runs beside it; Ctrl-C stops both)"
	@trap 'kill 0' INT TERM EXIT; \
	$(BIN)/python manage.py db_worker --queue-name '*' >/dev/null 2>&1 & \
	$(BIN)/uvicorn hub.asgi:application --host 127.0.0.1 --port 8000 --ws websockets

## make serve: the production-like set-up (two server processes and the task worker)
## against DATABASE_URL and REDIS_URL (defaults: the local PostgreSQL and Redis)
serve: $(STAMP)
	@export DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/hub} REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} DB_POOL_SIZE=$${DB_POOL_SIZE:-8}; \
	createdb -h 127.0.0.1 -U postgres hub 2>/dev/null || true; \
	$(BIN)/python manage.py migrate --noinput && $(BIN)/python manage.py seed_demo && \
	trap 'kill 0' INT TERM EXIT; \
	$(BIN)/python manage.py db_worker --queue-name '*' >/dev/null 2>&1 & \
	$(BIN)/uvicorn hub.asgi:application --host 127.0.0.1 --port 8000 --workers 2 --ws websockets --ws-per-message-deflate false --no-access-log

browser:
	@scripts/ensure-chromium

## make test: set up and run the whole test suite, browser tests included
test: $(STAMP) browser
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV)
