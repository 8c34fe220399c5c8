# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: screenshots run test neo4j neo4j-build gephi-build seed validate lint bench chromium clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

## Serve the API on the embedded store at http://127.0.0.1:8000 (docs at /docs).
run: $(STAMP)
	$(BIN)/citygraph serve

## Lint, then every test: builds and starts a throw-away local Neo4j for the Neo4j tests.
test: $(STAMP) neo4j-build gephi-build chromium lint
	$(BIN)/python -m pytest

## Check the seed data against the source documents.
validate: $(STAMP)
	$(BIN)/citygraph validate

## Start the local Neo4j (Bolt localhost:7687, Browser http://localhost:7474/) in the foreground,
## with the project's guide and style shown in the Browser after connecting.
## Other ports: make neo4j NEO4J_LOCAL_BOLT_PORT=17687 NEO4J_LOCAL_HTTP_PORT=17474
neo4j: $(STAMP)
	$(BIN)/citygraph browser-guide --out neo4j-local/target/browser
	neo4j-local/run.sh --guide-dir neo4j-local/target/browser

# The local Neo4j and its offline importer (`citygraph seed` into it while stopped), both from Maven Central.
neo4j-build:
	neo4j-local/run.sh --build-only
	neo4j-local/import.sh --build-only

# The Gephi toolkit harness the export tests import files with (tests/gephi/, Maven Central).
gephi-build:
	mvn -q -B -f tests/gephi/pom.xml package && touch tests/gephi/target/gephi-import-check.jar

## Load the seed data into the configured Neo4j (by default the one `make neo4j` starts).
seed: $(STAMP)
	$(BIN)/citygraph seed

lint: $(STAMP)
	$(BIN)/ruff check app seed tests bench
	$(BIN)/ruff format --check app seed tests bench
	$(BIN)/mypy

bench: $(STAMP) neo4j-build
	$(BIN)/python -m bench

# The browser test drives Debian's Chromium; install it if this machine lacks it.
chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

clean:
	rm -rf $(VENV) neo4j-local/target neo4j-local/import-tool/target tests/gephi/target .pytest_cache

## Copy the screenshots the last test run took (build/screenshots/) to the README's docs/screenshots/.
screenshots:
	test -d build/screenshots || { echo "run make test first: it takes the screenshots"; exit 1; }
	mkdir -p docs/screenshots && cp build/screenshots/*.png docs/screenshots/
