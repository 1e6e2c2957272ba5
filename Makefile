# Two commands do all set-up:  `make lab` (open the lessons)  and  `make test` (run every test).
# Each creates .venv from requirements.txt the first time, and again when that file changes.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PORT   ?= 8888
# nbval runs every notebook under notebooks/ in a kernel of this same .venv, failing on any error.
PYTEST_ARGS ?=

.PHONY: lab test bench html links venv clean

$(STAMP): requirements.txt pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $(STAMP)

venv: $(STAMP)

# JupyterLab on localhost only, with token authentication left on (the URL it prints holds the token).
# --allow-root: containers and CI machines often run as root, where Jupyter otherwise refuses to start.
lab: $(STAMP)
	$(VENV)/bin/jupyter lab --ip=127.0.0.1 --port=$(PORT) --ServerApp.root_dir=notebooks --allow-root

test: $(STAMP)
	MPLBACKEND=Agg $(PY) -m pytest --nbval-lax --nbval-current-env \
		--nbval-cell-timeout=300 -p no:cacheprovider $(PYTEST_ARGS)

# Speed and memory, measured beside the naive way; writes benchmarks/RESULTS.md (a few minutes).
# `make bench BENCH_ARGS=--setup` also times the README's set-up from a clean clone.
bench: $(STAMP)
	MPLBACKEND=Agg $(PY) -m benchmarks $(BENCH_ARGS)

# Static pages of every lesson, executed, for reading without Jupyter: site/index.html (offline).
html: $(STAMP)
	$(PY) tools/build_site.py --out site

# After changing [project.urls] Repository in pyproject.toml: rewrite the Binder badge, the Colab
# links and each lesson's install cell to point at it.
links:
	$(PYTHON) tools/sync_links.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis site benchmarks/out
