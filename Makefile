# PatientLab — see README.md. Everything the project needs is installed from here.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?=

.PHONY: run serve serve-prod install install-test translations babel-extract babel-update \
        db-upgrade demo demo-code test test-unit test-browser test-journeys test-postgres lint chromium redis vnu wrk nginx clean bench

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP) translations

translations: $(STAMP)
	$(BIN)/python scripts/french_typography.py
	$(BIN)/pybabel compile --statistics -d translations 2>&1 | tail -n 2

babel-extract: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k ngettext:1,2 -o translations/messages.pot --no-location --sort-output --project PatientLab .

babel-update: babel-extract
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete --width 100

db-upgrade: install
	$(FLASK) db upgrade

demo: db-upgrade
	$(FLASK) demo-seed

## make run: install, create the SQLite database with demo data, serve on http://127.0.0.1:5000
run: demo
	@echo
	@echo "PatientLab: http://$(HOST):$(PORT)/  (Ctrl+C pour arrêter)"
	$(FLASK) run --host $(HOST) --port $(PORT)

serve: run

## make demo-code: the current two-step login code of the demo admin, coordination and moderation accounts
demo-code: install
	@$(FLASK) demo-code

## make serve-prod: example production server (needs PATIENTLAB_SECRET_KEY, PATIENTLAB_DATABASE_URL and, for its two workers, PATIENTLAB_RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/0)
serve-prod: install
	PATIENTLAB_ENV=production $(FLASK) db upgrade
	PATIENTLAB_ENV=production $(BIN)/gunicorn -c config/gunicorn.conf.py --workers 2 --bind $(HOST):$(PORT) wsgi:app

## Debian's Chromium for the browser tests (Playwright's own download cannot work here)
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "Installing Debian's chromium for the browser tests…"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi

## Debian's redis-server: the live test of rate limits shared by two gunicorn workers
redis:
	@if ! command -v redis-server >/dev/null; then \
	  echo "Installing Debian's redis-server for the rate-limit tests…"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; \
	fi

## The W3C Nu HTML Checker (npm's vnu-jar) on Debian's Java: the crawl validates every page
VNU_VERSION = 26.9.27
VNU = .tools/node_modules/vnu-jar/build/dist/vnu.jar
vnu: $(VNU)
$(VNU):
	@if ! command -v java >/dev/null; then \
	  echo "Installing Debian's Java runtime for the HTML checker…"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; \
	fi
	npm install --silent --no-audit --no-fund --prefix .tools vnu-jar@$(VNU_VERSION) >/dev/null

## make test: the whole suite (unit, functional, browser) on SQLite
test: install chromium redis vnu
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-unit: install redis
	$(BIN)/python -m pytest -m "not browser" $(PYTEST_ARGS)

test-browser: install chromium vnu
	$(BIN)/python -m pytest tests/browser tests/journeys $(PYTEST_ARGS)

## make test-journeys: each person's way through, in Chromium, reading the mail
test-journeys: install chromium
	$(BIN)/python -m pytest tests/journeys $(PYTEST_ARGS)

## make test-postgres: the same suite on a throwaway PostgreSQL cluster (the journeys,
## about people's ways through the pages rather than the database, run once, in make test)
test-postgres: install chromium redis vnu
	bash scripts/with-postgres.sh $(BIN)/python -m pytest --ignore=tests/journeys $(PYTEST_ARGS)

## make lint: ruff (with its security rules), the import layers, bandit, and known vulnerabilities
lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python scripts/route_lengths.py --max 0
	$(BIN)/python scripts/template_links.py --max 0
	$(BIN)/bandit --quiet --recursive patientlab config scripts wsgi.py
	$(BIN)/python scripts/audit_dependencies.py

clean:
	rm -rf $(VENV) instance/*.sqlite3 instance/mail tests/browser/artifacts .pytest_cache

## Debian's wrk, the load generator of the throughput benchmark
wrk:
	@if ! command -v wrk >/dev/null; then \
	  echo "Installing Debian's wrk for the benchmarks…"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	fi

## Debian's nginx: the throughput benchmark measures the visitors' pages once behind it,
## as production serves them (the bench starts its own nginx on a loopback port)
nginx:
	@if ! command -v nginx >/dev/null && ! test -x /usr/sbin/nginx; then \
	  echo "Installing Debian's nginx for the benchmarks…"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; \
	fi

## make bench: measurements against targets (throughput vs bare Flask, SQL per page,
## registrations under load on SQLite and PostgreSQL, page weight); bench/results.json
bench: install wrk nginx
	$(BIN)/python -m bench.throughput
	$(BIN)/python -m bench.profile
	$(BIN)/python -m bench.queries
	bash scripts/with-postgres.sh sh -c \
	  'PATIENTLAB_BENCH_POSTGRES_URL=$$PATIENTLAB_TEST_BROWSER_DATABASE_URL $(BIN)/python -m bench.registrations'
	$(BIN)/python -m bench.weight
