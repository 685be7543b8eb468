PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: demo test lint bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

# the package alone: enough for the demo
$(STAMP): $(PY) pyproject.toml
	$(PY) -m pip install -q -e .
	touch $(STAMP)

# every extra, so that the whole suite (HTML, semantic, Spark) runs
$(DEV_STAMP): $(STAMP)
	$(PY) -m pip install -q -e '.[test,html,semantic,spark]'
	touch $(DEV_STAMP)

SEEDS := $(wildcard ../shared/data/seeds)

demo: $(STAMP)
	$(VENV)/bin/textreuse run examples/corpus.jsonl $(SEEDS) --out demo-out --overwrite --progress log

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy

test: lint
	$(VENV)/bin/pytest -q

bench: $(DEV_STAMP)
	$(PY) bench/run_bench.py

clean:
	rm -rf $(VENV) demo-out build dist
