# The two set-up commands (README): `make serve` and `make test`. Both create or reuse .venv.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: serve test lint venv clean

ASSETS := node_modules/.installed-stamp

venv: $(STAMP)

# Browser assets (the SPARQL editor) come from the npm registry, never from the repository.
$(ASSETS): package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $(ASSETS)

$(STAMP): pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

serve: $(STAMP) $(ASSETS)
	$(VENV)/bin/carnet-kg serve --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench

# the whole suite twice: on the embedded store, then on a real `oxigraph serve` per store
# (the remote backend, tests/backends.py)
test: $(STAMP) $(ASSETS) lint
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)
	CARNET_KG_TEST_BACKEND=remote $(VENV)/bin/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) var build *.egg-info node_modules
