# sluice: `make run` starts the daemon, `make test` runs every check.
# GNU make. Each step is skipped when its output is newer than its inputs.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := run

NODE ?= node
NPM ?= npm
# A config file for `make run`, e.g. make run CONFIG=config/sluice.example.yaml
CONFIG ?=

# npm rewrites its hidden lockfile on every install, so it doubles as the
# stamp that says node_modules matches package-lock.json.
INSTALL_STAMP := node_modules/.package-lock.json
BUILD_STAMP := dist/.build-stamp
ADDON_STAMP := build/.addon-stamp
CERTS := .dev/ca.pem .dev/server.pem .dev/server-key.pem \
  .dev/collector.pem .dev/collector-key.pem
SOURCES := $(shell find daemon workers native-bench loadtest test \
  -name '*.ts' -not -path '*/node_modules/*' 2>/dev/null)
BENCHES := $(wildcard native-bench/*.bench.ts)

.PHONY: run install build certs test-deps typecheck test bench loadtest \
  clean distclean

run: install build certs
	$(NODE) dist/daemon/cli.js run $(if $(CONFIG),--config $(CONFIG))

install: $(INSTALL_STAMP)

# build-deps first: npm ci builds the addon, which wants liblz4's headers.
$(INSTALL_STAMP): package.json package-lock.json
	bash scripts/build-deps.sh
	$(NPM) ci --no-audit --no-fund
	touch $@
	@# npm ci has just built the addons: mark them current.
	mkdir -p build && touch $(ADDON_STAMP)

build: $(BUILD_STAMP) $(ADDON_STAMP)

# npm ci builds the addons through the package's install script; this
# rebuilds them when a source changes or liblz4's headers appear. Without
# a compiler the script warns, and the daemon hashes with node:crypto and
# compresses with lz4-napi instead.
$(ADDON_STAMP): $(INSTALL_STAMP) binding.gyp workers/hash/sha256_batch.c \
  workers/encode/lz4_block.c $(wildcard /usr/include/lz4.h)
	$(NPM) run install
	mkdir -p build
	touch $@

$(BUILD_STAMP): $(INSTALL_STAMP) tsconfig.json $(SOURCES)
	npx tsc -p tsconfig.json
	touch $@

certs: $(CERTS)

# One script makes all five files; a grouped target runs it once, and only
# when one of them is missing.
$(CERTS) &:
	bash scripts/dev-certs.sh .dev

test-deps:
	bash scripts/test-deps.sh

typecheck: install
	npx tsc --noEmit -p tsconfig.json

test: install build certs test-deps typecheck
	$(NODE) scripts/run-tests.mjs

# The benches read this corpus; one that is already there is kept, so
# figures stay comparable from run to run.
BENCH_CORPUS := .tmp/corpus-50k.log

bench: install build $(BENCH_CORPUS)
	@if [ -z "$(BENCHES)" ]; then echo 'no native-bench/*.bench.ts'; exit 1; fi
	for bench in $(BENCHES); do \
	  SLUICE_CORPUS=$(BENCH_CORPUS) npx tsx "$$bench"; done

$(BENCH_CORPUS): | $(BUILD_STAMP)
	mkdir -p $(@D)
	$(NODE) dist/loadtest/corpus.js --count 50000 --out $@

loadtest: install build certs
	$(NODE) dist/loadtest/run.js

clean:
	rm -rf dist build

distclean: clean
	rm -rf node_modules .dev
