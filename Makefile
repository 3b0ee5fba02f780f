# podium: two commands do everything on a fresh machine.
#   make test   installs what is missing, then runs every check CI runs
#   make demo   the end-to-end demo (coming: see README)
# Tools come from node_modules/.bin (forge, anvil, cast from npm); nothing is downloaded elsewhere.

SHELL := /bin/bash
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)

.PHONY: setup test build fmt snapshot bench clean

setup:
	@tools/setup.sh

test: setup
	@tools/test.sh

build: setup
	forge build
	cargo build --workspace

fmt: setup
	forge fmt
	cargo fmt --all

clean:
	rm -rf out cache target
