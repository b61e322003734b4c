# The two commands a newcomer needs: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1

.PHONY: run test install install-dev lint css clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamp files: reinstall only when a requirements file changes.
$(VENV)/.installed-run: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed-run

install: $(VENV)/.installed-run
install-dev: $(VENV)/.installed-dev

# The embedded default: SQLite under var/, console email, demo data, web + worker from the Procfile.
run: export DJANGO_DEBUG ?= 1
run: export SITE_URL ?= http://$(HOST):$(PORT)
run: install
	@mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py load_demo_data
	@echo ""
	@echo "  The site:  http://$(HOST):$(PORT)/"
	@echo "  Staff:     http://$(HOST):$(PORT)/$${ADMIN_URL:-admin/}  (demo logins above)"
	@echo "  Stop with Ctrl-C."
	@echo ""
	PATH="$(CURDIR)/$(BIN):$$PATH" HOST=$(HOST) $(BIN)/honcho start --procfile Procfile --env /dev/null --port $(PORT)

# Rebuilds static/css/site.min.css (committed) after a change to site.css, Bootstrap, templates or form classes.
# Needs Node.js and npm. The call-back form's markup, as crispy-forms renders it, is scanned too.
css: install
	npm ci --prefix build --no-audit --no-fund --loglevel=error
	markup=$$(mktemp -d) && $(BIN)/python build/form_markup.py $$markup && node build/build_css.mjs $$markup; \
	status=$$?; rm -rf "$$markup"; exit $$status

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

test: lint
	DJANGO_DEBUG=1 $(BIN)/python manage.py check --fail-level WARNING
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest

clean:
	rm -rf $(VENV) var/static .pytest_cache artifacts
