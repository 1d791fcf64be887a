# Two commands for a new user: `make run` and `make test`. Both create/refresh .venv first.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
HOST   ?= 127.0.0.1
PORT   ?= 7860
# The index `make run` fills with the bundled sample articles (override: make run INDEX=~/my-index)
INDEX  ?= .index/samples
export HF_HUB_OFFLINE := 1

.PHONY: run test install install-dev bench clean help

help:
	@echo "make run    - install into .venv, index the sample articles, serve the chat on http://$(HOST):$(PORT)"
	@echo "make test   - install with dev extras into .venv and run the test suite"
	@echo "make bench  - run the benchmarks (needs ../shared/eval) and print the tables"

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

# torch is installed first and pinned, so nothing pulls a multi-GB CUDA build in its place.
$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PIP) install -q --upgrade pip
	$(PIP) install -q torch==2.13.0
	$(PIP) install -q -e .
	touch $@

# dev and scale: the tests run the store contract on Milvus Lite and an ingest on a local Ray
$(VENV)/.installed-dev: $(VENV)/.installed
	$(PIP) install -q torch==2.13.0 -e '.[dev,scale]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install
	$(VENV)/bin/assistant serve --index $(INDEX) --host $(HOST) --port $(PORT) --samples examples/articles

test: install-dev
	$(PY) -m pytest $(PYTEST_ARGS)

# the bench extra (LangChain, the perf benchmarks' peer) with torch held at its pin
$(VENV)/.installed-bench: $(VENV)/.installed-dev
	$(PIP) install -q torch==2.13.0 -e '.[dev,scale,bench]'
	touch $@

bench: $(VENV)/.installed-bench
	$(PY) -m benchmarks all

clean:
	rm -rf $(VENV) .index .pytest_cache
