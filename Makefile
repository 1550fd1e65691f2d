# The front door: every target installs what is missing first, so each works on a fresh machine.
.PHONY: all setup configure build test lint format demo bench clean

BUILD_DIR := build
JOBS ?= $(shell nproc)
CLANG_FORMAT ?= clang-format
SOURCES = $(shell git ls-files '*.hpp' '*.cpp' 2>/dev/null || find src include tests bench examples -name '*.[ch]pp')

all: build

setup:
	@bash scripts/install-deps.sh

$(BUILD_DIR)/build.ninja:
	cmake --preset default

configure: setup $(BUILD_DIR)/build.ninja

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

lint: setup
	@$(CLANG_FORMAT) --dry-run --Werror $(SOURCES) && echo "lint: clang-format clean"

format:
	@$(CLANG_FORMAT) -i $(SOURCES)

test: lint build
	@bash scripts/install-peers.sh
	ctest --preset default -j $(JOBS)

# Only the binary is needed: the demo embeds the test gateway and runs on loopback.
demo: configure
	cmake --build $(BUILD_DIR) -j $(JOBS) --target gatehouse
	$(BUILD_DIR)/src/cli/gatehouse demo

bench: build
	@bash bench/run.sh

clean:
	rm -rf $(BUILD_DIR)
