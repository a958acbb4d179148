# The commands a person types. Everything runs inside .venv in this folder.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test test-postgres lint format messages check-messages migrations-check install browser bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(PY) manage.py migrate --no-input
	$(PY) manage.py compilemessages --ignore=.venv -v0
	$(PY) manage.py load_demo
	@echo ""
	@echo "  mod_press is running at http://127.0.0.1:8000/  (English: http://127.0.0.1:8000/en/)"
	@echo "  Log in to the admin at http://127.0.0.1:8000/admin/ as admin / admin,"
	@echo "  or by role: officer / officer, editor / editor, translator / translator"
	@echo "  Batch photo uploads are processed by a worker started beside the server."
	@echo ""
	@# The worker (django-tasks' db_worker) runs in the background and stops with the server.
	@$(PY) manage.py db_worker --no-reload -v0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:8000

test: $(STAMP)
	$(PY) manage.py compilemessages --ignore=.venv -v0
	$(PY) -m pytest

# The same suite on PostgreSQL, e.g. make test-postgres DATABASE_URL=postgres://postgres@127.0.0.1:5432/mod_press
test-postgres: $(STAMP)
	$(PY) manage.py compilemessages --ignore=.venv -v0
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/mod_press} $(PY) -m pytest

# Browser tests drive Debian's Chromium; this installs it where it is missing (needs root).
browser:
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Update the catalogues from the code and templates, then compile them.
messages: $(STAMP)
	$(PY) manage.py makemessages --locale uk --locale en --ignore=.venv --ignore=staticfiles --no-obsolete
	@# The English catalogue starts as the source text, for translators to adjust; a guess
	@# from an older string (fuzzy) is dropped for the new source text.
	msgattrib --clear-fuzzy --empty -o locale/en/LC_MESSAGES/django.po locale/en/LC_MESSAGES/django.po
	msgen -o locale/en/LC_MESSAGES/django.po locale/en/LC_MESSAGES/django.po
	$(PY) manage.py compilemessages --ignore=.venv

check-messages:
	bash .ci/check-messages

migrations-check: $(STAMP)
	$(PY) manage.py makemigrations --check --dry-run

# The figures in docs/performance.md: the site under load through gunicorn and nginx
# (PostgreSQL and Redis on 127.0.0.1, Debian's nginx-light and wrk), then the first
# requests of renditions of 24-megapixel photos. E.g. make bench BENCH_ARGS="--reuse".
bench: $(STAMP)
	$(PY) manage.py compilemessages --ignore=.venv -v0
	$(PY) tests/benchmarks/site_benchmark.py $(BENCH_ARGS)
	$(PY) tests/benchmarks/rendition_benchmark.py

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
