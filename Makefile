# VCNET: `make run` serves the app with demo data; `make test` runs linters and the test suite.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# Debian packages the project uses: Chromium drives the end-to-end tests; gettext compiles translations;
# Tesseract (with its Vietnamese model), Ghostscript, unpaper, pngquant and poppler serve OCR (OCRmyPDF);
# poppler, SoftHSM and OpenSC serve the signature tests (pdfsig, a software PKCS#11 token).
DEBIAN_PACKAGES := chromium gettext tesseract-ocr tesseract-ocr-vie ghostscript unpaper pngquant poppler-utils softhsm2 opensc

.PHONY: run test install install-dev assets debian-packages migrate seed serve lint typecheck checks pytest messages clean

run: install assets migrate seed serve

test: install-dev assets debian-packages lint typecheck checks pytest

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[examples]"
	@touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e ".[dev]"
	@touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

vcnet/core/static/vendor/htmx.min.js: node_modules/.package-lock.json scripts/build-assets.mjs
	npm run --silent build

assets: vcnet/core/static/vendor/htmx.min.js

# Installs the Debian packages when run as root; otherwise says which apt line to run.
debian-packages:
	@missing=$$(for p in $(DEBIAN_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
		echo "Installing Debian packages: $$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else \
		echo "Some tests will be skipped. To run them, install: sudo apt-get install $$missing"; \
	fi

migrate: install
	$(BIN)/vcnet migrate --noinput -v 0
	$(BIN)/vcnet collectstatic --noinput -v 0

seed: install
	$(BIN)/vcnet seed --demo

# The example relying party (examples/meeting_rooms, http://127.0.0.1:8001) runs beside VCNET;
# `make run VCNET_EXAMPLES=0` leaves it out.
VCNET_EXAMPLES ?= 1
serve: install
	VCNET_EXAMPLES=$(VCNET_EXAMPLES) $(BIN)/vcnet serve

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install-dev
	$(BIN)/mypy vcnet

checks: install-dev
	$(BIN)/vcnet check --fail-level WARNING
	$(BIN)/vcnet makemigrations --check --dry-run -v 1

pytest: install-dev
	$(BIN)/pytest -n 2 --dist loadfile

# Refreshes the translation catalogues after strings change (needs gettext).
messages: install-dev
	cd vcnet && ../$(BIN)/vcnet makemessages -l vi -l en --no-obsolete --no-location -i "static/vendor/*"
	cd vcnet && ../$(BIN)/vcnet compilemessages -v 0

clean:
	rm -rf $(VENV) node_modules vcnet/core/static/vendor
