# The two commands an editor or developer needs: `make serve` and `make test`.
# Each sets up whatever is missing first (Python venv, npm packages, Debian's Chromium).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: serve test build release check lint lock bench bench-peers clean fuzz

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

# lint first: a ruff or mypy finding fails the run (and CI) in seconds, before the long tests.
test: $(VENV)/.installed node_modules/.installed lint
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

# The locked packages (every file checked against its hash), then Signpost itself, editable, so
# .venv/bin/signpost runs this checkout's code; its dependencies are already there.
$(VENV)/.installed: requirements-dev.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation --editable .
	touch $@

# ruff and mypy, as configured in pyproject.toml: both report, then either one's findings fail it.
lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .; ruff=$$?; $(VENV)/bin/mypy; mypy=$$?; exit $$((ruff || mypy))

# requirements*.txt are generated from pyproject.toml, pinned with hashes, for any platform:
# change a pin there, then run this (tests/test_packaging.py fails until you do). Versions not
# pinned in pyproject stay as the lock has them while they still fit: add --upgrade to move them.
LOCK := $(VENV)/bin/uv pip compile pyproject.toml --quiet --generate-hashes --universal \
	--python-version 3.11 --custom-compile-command "make lock"
lock: $(VENV)/.installed
	$(LOCK) -o requirements.txt
	$(LOCK) --extra test --extra dev -o requirements-dev.txt
	$(LOCK) --extra bench -o bench/requirements.txt

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

clean:
	rm -rf dist .dist.spare .preview .pytest_cache .cache
