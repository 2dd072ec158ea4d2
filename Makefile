# Two commands: `make run` and `make test`. Each does its own set-up.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_STUDENTS ?= 1000
export FLASK_APP := wsgi

.PHONY: run test fuzz lint setup clean catalogues messages

setup: $(VENV)/.installed catalogues

# The gettext catalogues, compiled from translations/*/LC_MESSAGES/messages.po (docs/i18n.md).
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard translations/*/LC_MESSAGES/messages.po))
catalogues: $(CATALOGUES)

translations/%.mo: translations/%.po $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -i $< -o $@

# After changing a word in the code: add new msgids to the catalogues, drop gone ones.
messages: $(VENV)/.installed
	$(BIN)/python scripts/catalogues.py

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Speld needs Python 3.11 or newer as $(PYTHON)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

run: export SPELD_ENV ?= development
run: export PUBLIC_BASE_URL ?= http://$(HOST):$(PORT)
# The server, and next to it the task queue's worker (large batches' print files,
# docs/printing.md); the worker stops when the server does.
run: setup .env
	$(BIN)/flask db upgrade
	$(BIN)/flask speld bootstrap --students $(DEMO_STUDENTS)
	$(BIN)/flask speld worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(BIN)/gunicorn --config deploy/gunicorn.conf.py --bind $(HOST):$(PORT) --workers 2 wsgi:app

# The flask CLI reads .env (python-dotenv), so after `make run` the README's
# `.venv/bin/flask …` commands run in development like the server. Written once and never
# overwritten; a server has none (production sets its variables in its environment).
.env:
	printf '%s\n' \
		'# Written by make run: development settings for the flask CLI on this computer.' \
		'# Not for a server: there SECRET_KEY, PUBLIC_BASE_URL ... come from the environment.' \
		'SPELD_ENV=$(SPELD_ENV)' 'PUBLIC_BASE_URL=$(PUBLIC_BASE_URL)' > $@

test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Schemathesis over the whole API with a longer budget than `make test` gives it.
fuzz: setup
	SPELD_FUZZ_EXAMPLES=$${SPELD_FUZZ_EXAMPLES:-100} $(BIN)/python -m pytest tests/test_fuzz_api.py $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check backend qr exports tests bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
