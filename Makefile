# The two commands of the quick start: `make run` and `make test`.
# Each installs what the build needs, configures build/ (Release) and builds.
BUILD_DIR ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
SCALEPLAN := $(BUILD_DIR)/cli/scaleplan

# Fuzzing time per target: 60 s in CI (CI=true), 10 s on a workstation.
FUZZ_SECONDS ?= $(if $(CI),60,10)

# Debian's Jupyter runs the notebooks, and Debian's Python (where apt puts
# pybind11, NumPy and pytest) builds and tests the module, whatever python3
# comes first on PATH.
PYTHON ?= $(shell command -v /usr/bin/python3 || command -v python3 || echo python3)
NBCONVERT := $(shell command -v /usr/bin/jupyter-nbconvert || command -v jupyter-nbconvert || echo jupyter-nbconvert)

.PHONY: all deps configure build run test unit-test test-python test-sanitize fuzz test-notebooks notebooks bench format clean

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

# The whole suite: unit and CLI tests, the Python module against the binary,
# every notebook executed headless, the tests again under ASan + UBSan, and
# every fuzz target for FUZZ_SECONDS.
test: unit-test test-python test-notebooks test-sanitize fuzz

unit-test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

# pytest exits 5 when it collects no test; that is no failure of ours.
test-python: build
	PYTHONPATH=$(CURDIR)/$(BUILD_DIR)/python SCALEPLAN=$(CURDIR)/$(SCALEPLAN) \
	  $(PYTHON) -m pytest -q -p no:cacheprovider python/tests || [ $$? -eq 5 ]

test-sanitize: deps
	@cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=Sanitize -DCMAKE_CXX_FLAGS_SANITIZE="-O1" -DSCALEPLAN_SANITIZE=ON >/dev/null
	@cmake --build build-sanitize -j $(JOBS)
	cd build-sanitize && ctest --output-on-failure -j $(JOBS)

fuzz:
	@scripts/install-deps.sh fuzz
	@CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Sanitize -DCMAKE_CXX_FLAGS_SANITIZE="-O1 -g" -DSCALEPLAN_FUZZ=ON -DSCALEPLAN_BUILD_TESTS=OFF >/dev/null
	@cmake --build build-fuzz -j $(JOBS) --target fuzz_quantity fuzz_runs_csv fuzz_law_json fuzz_hardware_db fuzz_codecarbon
	scripts/run-fuzzers.sh build-fuzz $(FUZZ_SECONDS)

# Executes every notebook into a temporary folder (the checked-in copies and
# their figures stay as they are); fails if a cell fails.
test-notebooks: build
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
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target scaleplan_bench
	$(BUILD_DIR)/bench/scaleplan_bench
	PYTHONPATH=$(BUILD_DIR)/python $(PYTHON) bench/python_bench.py

# Rewrites every C++ source in place in the style of .clang-format (Debian's
# clang-format package).
format:
	@scripts/install-deps.sh format
	git ls-files '*.cpp' '*.h' '*.inc' | xargs clang-format -i --style=file

clean:
	rm -rf $(BUILD_DIR) build-sanitize build-fuzz
