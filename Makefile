# Two commands on a fresh machine: `make run` and `make test`. Everything else is set up here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
PACK_OUT := instance/packs

.PHONY: install run test lint system-deps test-deps packs packs-text catalogs demo demo-text clean bench

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

# The text of every pack, a pack per core at once; `make run` serves on these and renders the audio afterwards.
packs-text: install catalogs
	@ls -d content_packs/*/ | xargs -P "$$(nproc)" -I{} sh -c '$(BIN)/abhyas pack build "{}" --out $(PACK_OUT) >/dev/null'
	@echo "built the text of the packs into $(PACK_OUT); audio follows once the server is up"

demo: packs
	$(BIN)/abhyas demo --json

demo-text: packs-text
	$(BIN)/abhyas demo --json

run: install system-deps packs-text demo-text
	$(BIN)/abhyas serve --host $(HOST) --port $(PORT) --audio-from content_packs

lint: install
	$(BIN)/ruff check .

test: install lint test-deps catalogs
	@bash scripts/run_tests.sh

bench: install packs
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) instance build .pytest_cache
