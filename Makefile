# The two commands of the quick start: `make run` and `make test`.
# Each installs what it needs. `make run` builds build/ (Release, GCC);
# `make test` builds build-sanitize/ (clang, ASan + UBSan, libFuzzer
# coverage), where every test runs.
BUILD_DIR ?= build
SANITIZE_DIR ?= build-sanitize
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
SCALEPLAN := $(BUILD_DIR)/cli/scaleplan

# Fuzzing time per target: 4 s by default (with the checked-in corpus),
# a smoke run that keeps `make test` within 8 minutes on 2 cores;
# FUZZ_SECONDS=600 make fuzz for a long local run.
FUZZ_SECONDS ?= 4

# Debian's Jupyter runs the notebooks, and Debian's Python (where apt puts
# pybind11, NumPy and pytest) builds and tests the module, whatever python3
# comes first on PATH.
PYTHON ?= $(shell command -v /usr/bin/python3 || command -v python3 || echo python3)
NBCONVERT := $(shell command -v /usr/bin/jupyter-nbconvert || command -v jupyter-nbconvert || echo jupyter-nbconvert)

.PHONY: all deps configure build product run test unit-test test-python test-browser sanitize-build test-sanitize fuzz \
  test-notebooks notebooks bench format check-style clean run-ctest run-fuzz run-python run-notebooks run-browser

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

# The whole suite, on one tree (build-sanitize/, clang with ASan + UBSan and
# libFuzzer coverage): the test programs, the Python module's tests and the
# notebooks (in a python with the sanitizer runtime preloaded), the page in
# a headless browser against the sanitized server, and every fuzz target for
# FUZZ_SECONDS; two at a time once the tree is built, each one's output
# printed whole when it ends.
test: sanitize-build
	@scripts/install-deps.sh browser notebooks
	@$(MAKE) --no-print-directory -j2 --output-sync=target run-ctest run-fuzz run-python run-notebooks run-browser

# The suite on the Release build: seconds once built, for iterating.
unit-test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

# The Release binary and Python module alone.
product: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target scaleplan $$(cmake --build $(BUILD_DIR) --target help | grep -qw _scaleplan && echo _scaleplan)

# One clang build serves the sanitizer suite, the Python module's tests and
# the fuzz targets. -gline-tables-only: file:line in sanitizer reports at a
# fraction of -g's cost.
sanitize-build:
	@scripts/install-deps.sh python fuzz
	@CC=clang CXX=clang++ cmake -S . -B $(SANITIZE_DIR) -DCMAKE_BUILD_TYPE=Sanitize \
	  -DCMAKE_CXX_FLAGS_SANITIZE="-O1 -gline-tables-only" -DSCALEPLAN_SANITIZE=ON -DSCALEPLAN_FUZZ=ON \
	  -DSCALEPLAN_WARNINGS_AS_ERRORS=ON -DPython3_EXECUTABLE=$(PYTHON) >/dev/null
	@cmake --build $(SANITIZE_DIR) -j $(JOBS)

test-sanitize: sanitize-build
	@$(MAKE) --no-print-directory run-ctest
test-python: sanitize-build
	@$(MAKE) --no-print-directory run-python
test-notebooks: sanitize-build
	@scripts/install-deps.sh notebooks
	@$(MAKE) --no-print-directory run-notebooks
test-browser: sanitize-build
	@scripts/install-deps.sh browser
	@$(MAKE) --no-print-directory run-browser
fuzz: sanitize-build
	@$(MAKE) --no-print-directory run-fuzz

# The steps of `make test` on a built tree (no build step of their own, so
# that two of them can run at once).
run-ctest:
	cd $(SANITIZE_DIR) && ctest --output-on-failure -j $(JOBS)

run-fuzz:
	scripts/run-fuzzers.sh $(SANITIZE_DIR) $(FUZZ_SECONDS)

# Python under the sanitizers: clang's runtime preloaded (the module and the
# binary it compares with link the same shared runtime); no leak report at
# exit, where python frees nothing by design; a 1 MB quarantine, so that the
# module's memory test measures the module rather than the freed memory ASan
# holds back. pytest exits 5 when it collects no test; that is no failure.
SANITIZED_PYTHON = LD_PRELOAD=$(shell clang++ -print-file-name=libclang_rt.asan-$$(uname -m).so) \
  ASAN_OPTIONS=detect_leaks=0:quarantine_size_mb=1 \
  PYTHONPATH=$(CURDIR)/$(SANITIZE_DIR)/python SCALEPLAN=$(CURDIR)/$(SANITIZE_DIR)/cli/scaleplan

run-python:
	$(SANITIZED_PYTHON) $(PYTHON) -m pytest -q -p no:cacheprovider python/tests || [ $$? -eq 5 ]

# Checks every checked-in notebook carries its outputs (a code host shows
# them), then executes each into a temporary folder (the checked-in copies
# and their figures stay as they are); fails if a cell fails.
run-notebooks:
	@$(PYTHON) scripts/check_notebook_outputs.py notebooks/*.ipynb
	@tmp=$$(mktemp -d) && cd notebooks && for nb in *.ipynb; do \
	  echo "notebook $$nb"; \
	  $(SANITIZED_PYTHON) SCALEPLAN_FIGURES=$$tmp/figures $(NBCONVERT) --to notebook --execute \
	    --ExecutePreprocessor.timeout=600 --output-dir $$tmp "$$nb" >$$tmp/log 2>&1 || { tail -30 $$tmp/log; exit 1; }; \
	done; rm -rf $$tmp

# The page in Debian's chromium (headless), driven by playwright-core from
# the lockfile; screenshots land in $(SANITIZE_DIR)/browser-test/.
run-browser:
	@cd tests/web/browser && npm ci --no-audit --no-fund --loglevel=error >/dev/null
	node tests/web/browser/page_test.mjs $(CURDIR)/$(SANITIZE_DIR)/cli/scaleplan $(CURDIR)/$(SANITIZE_DIR)/browser-test

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

# What CI checks beside the tests: no source drifted from .clang-format, and
# every function within 50 lines and every class within 150 (the house rule;
# scripts/check_function_length.py names each that is not).
check-style:
	@scripts/install-deps.sh format
	@git ls-files '*.cpp' '*.h' '*.inc' | xargs clang-format --dry-run -Werror --style=file
	@$(PYTHON) scripts/check_function_length.py

clean:
	rm -rf $(BUILD_DIR) $(SANITIZE_DIR)
