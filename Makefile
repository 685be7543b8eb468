PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(STAMP): $(PY) pyproject.toml
	$(PY) -m pip install -q -e '.[test,html,semantic,spark]'
	touch $(STAMP)

SEEDS := $(wildcard ../shared/data/seeds)

demo: $(STAMP)
	$(VENV)/bin/textreuse run examples/corpus.jsonl $(SEEDS) --out demo-out --overwrite --progress log

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy

test: lint
	$(VENV)/bin/pytest -q

bench: $(STAMP)
	$(PY) bench/run_bench.py

clean:
	rm -rf $(VENV) demo-out build dist
