# halext — top-level tasks. Every target does its own set-up from a fresh clone.
#
#   make demo    the main job, end to end (see README)
#   make test    every test suite: Rust, PHP, C, header check, end to end
#   make bench   benchmarks (criterion + PHP scripts); numbers go to docs/benchmarks.md
#   make lint    rustfmt + clippy (warnings are errors)

SHELL := /bin/bash
CARGO ?= cargo
PHP ?= php
export HALEXT_RUN_DIR ?= /tmp/halext-run-$(shell id -u)

DEBUG_DIR   := target/debug
RELEASE_DIR := target/release

.PHONY: all deps build build-release php-ext php-ext-release capi header header-check test-server \
        test test-rust test-php test-c e2e demo bench lint fmt clean services-stop

all: build

deps:
	@scripts/install-deps.sh

build: deps
	$(CARGO) build --workspace

build-release: deps
	$(CARGO) build --release --workspace

# The PHP extension: target/<profile>/libhalext_php.so (load with -d extension=<path>)
php-ext: deps
	$(CARGO) build -p halext-php

php-ext-release: deps
	$(CARGO) build --release -p halext-php

capi: deps
	$(CARGO) build -p halext-capi

# include/halext.h is committed; regenerate it after changing halext-capi.
header:
	scripts/gen-header.sh > include/halext.h.tmp && mv include/halext.h.tmp include/halext.h \
	  || { rm -f include/halext.h.tmp; exit 1; }

header-check:
	@scripts/gen-header.sh | diff -u include/halext.h - \
	  && echo "include/halext.h is current" \
	  || { echo "include/halext.h is stale: run 'make header'" >&2; exit 1; }

test: deps test-rust header-check test-c test-php e2e
	@echo "make test: all suites passed"

test-rust: deps
	scripts/mariadb.sh start
	$(CARGO) build --workspace --bins
	$(CARGO) test --workspace

# The Halext-compatible test server the PHP, C and CLI suites start as a process.
test-server: deps
	$(CARGO) build -p halext-test-server

test-php: php-ext test-server
	scripts/test-php.sh $(DEBUG_DIR)

test-c: capi test-server
	scripts/test-c.sh $(DEBUG_DIR)

e2e: php-ext test-server
	scripts/test-e2e.sh $(DEBUG_DIR)

demo: deps
	$(CARGO) build --release --workspace
	scripts/demo.sh $(RELEASE_DIR)

bench: deps
	scripts/bench.sh

lint: deps
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

fmt:
	$(CARGO) fmt --all

services-stop:
	scripts/mariadb.sh stop

clean: services-stop
	$(CARGO) clean
