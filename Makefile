# The two commands an editor or developer needs: `make serve` and `make test`.
# Each sets up whatever is missing first (Python venv, npm packages, Debian's Chromium).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: serve test build release check bench bench-peers clean fuzz

# node_modules: the web editor at /admin/ (decap-cms, decap-server); the preview runs without it too.
serve: $(VENV)/.installed node_modules/.installed
	$(PY) build.py serve

build: $(VENV)/.installed
	$(PY) build.py build

# The build to publish: refuses the quiz and clinical tips no clinician has signed off as they are.
release: $(VENV)/.installed node_modules/.installed
	$(PY) build.py build --release

check: $(VENV)/.installed
	$(PY) build.py check

test: $(VENV)/.installed node_modules/.installed
	./scripts/ensure-system-tools.sh
	$(PY) -m pytest

# The long variants of the robustness tests: many more generated inputs, kill points and saves.
fuzz: $(VENV)/.installed
	HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest -s -p no:cacheprovider --hypothesis-show-statistics \
		tests/test_fuzz.py tests/test_crash.py tests/test_lock.py tests/test_serve.py

# Benchmarks (see "Benchmark" in README.md): Signpost alone, then against the peers.
bench: $(VENV)/.installed
	$(PY) bench/run.py

bench-peers: $(VENV)/.installed
	$(PY) bench/peers.py

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

clean:
	rm -rf dist .dist.spare .preview .pytest_cache .cache
