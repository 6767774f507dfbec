# The two commands of the quick start: `make run` and `make test`.
# Each installs what the build needs, configures build/ (Release) and builds.
BUILD_DIR ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
SCALEPLAN := $(BUILD_DIR)/cli/scaleplan

.PHONY: all deps configure build run test bench clean

all: build

deps:
	@scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release -DSCALEPLAN_WARNINGS_AS_ERRORS=ON >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	$(SCALEPLAN) plan --target-params 7B --hardware h100-sxm5-80gb

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

bench: build
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target scaleplan_bench
	$(BUILD_DIR)/bench/scaleplan_bench

clean:
	rm -rf $(BUILD_DIR)
