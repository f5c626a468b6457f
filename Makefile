# Two commands on a fresh machine: `make run` and `make test`. Everything else is set up here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
PACK_OUT := instance/packs

.PHONY: install run test lint system-deps test-deps packs catalogs demo clean bench

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/.installed

system-deps:
	@bash scripts/system_deps.sh run

test-deps:
	@bash scripts/system_deps.sh test

catalogs: install
	$(BIN)/python -m app.i18n.catalogs

packs: install catalogs system-deps
	@for pack in content_packs/*/; do \
		$(BIN)/abhyas pack build "$$pack" --out $(PACK_OUT) --audio >/dev/null || exit 1; \
	done
	@echo "built packs into $(PACK_OUT)"

demo: packs
	$(BIN)/abhyas demo --json

run: install packs demo
	$(BIN)/abhyas serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check .

test: install lint test-deps catalogs
	@bash scripts/run_tests.sh

bench: install packs
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) instance build .pytest_cache
