# Two commands do all the set-up on a fresh machine:
#   make demo   — installs everything, then opens the credit-risk demo in JupyterLab
#   make test   — installs everything (incl. Debian's Chromium), then lint + JS tests + pytest
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8888

.PHONY: demo test setup lint js-test py-test browser-deps wheel-check bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# pip runs the npm build (hatch-jupyter-builder) and installs the package editable.
setup: $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[dev]"

demo: setup
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.port=$(PORT) \
		$(if $(filter 0,$(shell id -u)),--allow-root) notebooks/credit_risk.ipynb

browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
		else echo "Chromium missing: run 'sudo apt-get install -y chromium' (browser tests skip locally, fail in CI)"; fi; \
	fi

lint: setup
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/mypy src/explainwidgets

js-test: setup
	cd js && npm test

py-test: setup browser-deps
	$(BIN)/python -m pytest -p no:cacheprovider

# The built front end must be inside the wheel (a clean build, not the editable tree).
wheel-check: setup
	rm -rf build/wheel && $(BIN)/python -m pip wheel -q --no-deps -w build/wheel .
	$(BIN)/python scripts/check_wheel.py build/wheel/*.whl

test: lint js-test py-test wheel-check

bench: setup
	$(BIN)/python bench/bench_curve.py
	$(BIN)/python bench/bench_uncertainty.py
	$(BIN)/python bench/bench_export.py
	CI=true $(BIN)/python bench/bench_browser_latency.py

clean:
	rm -rf $(VENV) js/node_modules src/explainwidgets/static build dist test-artifacts
