# The two commands of the quick start: `make run` and `make test`.
# Each installs what it needs. `make run` builds build/ (Release, GCC);
# `make test` builds the product there and build-sanitize/ (clang, ASan +
# UBSan, libFuzzer coverage), where the test programs and fuzzers run.
BUILD_DIR ?= build
SANITIZE_DIR ?= build-sanitize
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
SCALEPLAN := $(BUILD_DIR)/cli/scaleplan

# Fuzzing time per target: 20 s by default (with the checked-in corpus);
# FUZZ_SECONDS=600 make fuzz for a long local run.
FUZZ_SECONDS ?= 20

# Debian's Jupyter runs the notebooks, and Debian's Python (where apt puts
# pybind11, NumPy and pytest) builds and tests the module, whatever python3
# comes first on PATH.
PYTHON ?= $(shell command -v /usr/bin/python3 || command -v python3 || echo python3)
NBCONVERT := $(shell command -v /usr/bin/jupyter-nbconvert || command -v jupyter-nbconvert || echo jupyter-nbconvert)

.PHONY: all deps configure build product run test unit-test test-python test-browser sanitize-build test-sanitize fuzz \
  test-notebooks notebooks bench format clean

all: build

# The python group: the `scaleplan` module builds with the rest.
deps:
	@scripts/install-deps.sh python

configure: deps
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release -DSCALEPLAN_WARNINGS_AS_ERRORS=ON -DPython3_EXECUTABLE=$(PYTHON) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	$(SCALEPLAN) plan --target-params 7B --hardware h100-sxm5-80gb

# The whole suite: the unit and CLI tests under ASan + UBSan, the Python
# module against the binary and every notebook headless on the Release
# build, the page in a headless browser, and every fuzz target for
# FUZZ_SECONDS on the sanitizer build.
test: test-sanitize test-python test-browser test-notebooks fuzz

# The suite on the Release build: seconds once built, for iterating.
unit-test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

# The Release binary and Python module alone: make test runs the test
# programs on the sanitizer build, so it does not compile them twice.
product: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target scaleplan $$(cmake --build $(BUILD_DIR) --target help | grep -qw _scaleplan && echo _scaleplan)

# pytest exits 5 when it collects no test; that is no failure of ours.
test-python: product
	PYTHONPATH=$(CURDIR)/$(BUILD_DIR)/python SCALEPLAN=$(CURDIR)/$(SCALEPLAN) \
	  $(PYTHON) -m pytest -q -p no:cacheprovider python/tests || [ $$? -eq 5 ]

# The page in Debian's chromium (headless), driven by playwright-core from
# the lockfile; screenshots land in $(BUILD_DIR)/browser-test/.
test-browser: product
	@scripts/install-deps.sh browser
	@cd tests/web/browser && npm ci --no-audit --no-fund --loglevel=error >/dev/null
	node tests/web/browser/page_test.mjs $(CURDIR)/$(SCALEPLAN) $(CURDIR)/$(BUILD_DIR)/browser-test

# One clang build serves the sanitizer suite and the fuzz targets.
# -gline-tables-only: file:line in sanitizer reports at a fraction of -g's cost.
sanitize-build: deps
	@scripts/install-deps.sh fuzz
	@CC=clang CXX=clang++ cmake -S . -B $(SANITIZE_DIR) -DCMAKE_BUILD_TYPE=Sanitize \
	  -DCMAKE_CXX_FLAGS_SANITIZE="-O1 -gline-tables-only" -DSCALEPLAN_SANITIZE=ON -DSCALEPLAN_FUZZ=ON \
	  -DSCALEPLAN_WARNINGS_AS_ERRORS=ON >/dev/null
	@cmake --build $(SANITIZE_DIR) -j $(JOBS)

test-sanitize: sanitize-build
	cd $(SANITIZE_DIR) && ctest --output-on-failure -j $(JOBS)

fuzz: sanitize-build
	scripts/run-fuzzers.sh $(SANITIZE_DIR) $(FUZZ_SECONDS)

# Checks every checked-in notebook carries its outputs (a code host shows
# them), then executes each into a temporary folder (the checked-in copies
# and their figures stay as they are); fails if a cell fails.
test-notebooks: product
	@$(PYTHON) scripts/check_notebook_outputs.py notebooks/*.ipynb
	@scripts/install-deps.sh notebooks
	@tmp=$$(mktemp -d) && cd notebooks && for nb in *.ipynb; do \
	  echo "notebook $$nb"; \
	  PYTHONPATH=$(CURDIR)/$(BUILD_DIR)/python SCALEPLAN_FIGURES=$$tmp/figures $(NBCONVERT) --to notebook --execute \
	    --ExecutePreprocessor.timeout=600 --output-dir $$tmp "$$nb" >$$tmp/log 2>&1 || { tail -30 $$tmp/log; exit 1; }; \
	done; rm -rf $$tmp

# Re-executes the notebooks in place, refreshing their outputs and figures.
notebooks: build
	@scripts/install-deps.sh notebooks
	cd notebooks && for nb in *.ipynb; do PYTHONPATH=$(CURDIR)/$(BUILD_DIR)/python $(NBCONVERT) --to notebook --execute --inplace "$$nb"; done

bench: build
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target scaleplan_bench scaleplan_serve_bench
	$(BUILD_DIR)/bench/scaleplan_bench
	$(BUILD_DIR)/bench/scaleplan_serve_bench 100000 60
	PYTHONPATH=$(BUILD_DIR)/python $(PYTHON) bench/python_bench.py

# Rewrites every C++ source in place in the style of .clang-format (Debian's
# clang-format package).
format:
	@scripts/install-deps.sh format
	git ls-files '*.cpp' '*.h' '*.inc' | xargs clang-format -i --style=file

clean:
	rm -rf $(BUILD_DIR) $(SANITIZE_DIR)
