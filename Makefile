# podium: two commands do everything on a fresh machine.
#   make test   installs what is missing, then runs every check CI runs
#   make demo   the whole program end to end on a local chain (podium demo)
# Tools come from npm (forge, anvil, cast, solc); nothing is downloaded elsewhere.

SHELL := /bin/bash
# The native Foundry binaries first (tools/env.sh says why), then node_modules/.bin. Recursively
# expanded, so the wildcard is read when a recipe runs, after `setup` has installed node_modules.
STARTING_PATH := $(PATH)
empty :=
space := $(empty) $(empty)
export PATH = $(subst $(space),:,$(wildcard $(CURDIR)/node_modules/@foundry-rs/*-*/bin)):$(CURDIR)/node_modules/.bin:$(STARTING_PATH)

.PHONY: setup test build fmt snapshot bench clean demo gas-bench slither bench-merkle halmos mutation

setup:
	@tools/setup.sh

test: setup
	@tools/test.sh

# Builds both binaries, then runs three weekly rounds on a fresh anvil (files in target/podium-demo).
# `podium demo` is only in a podium built with its `demo` feature (the anvil helpers stay out of others).
demo: setup
	cargo build --workspace --bins --features podium/demo
	target/debug/podium demo --dir target/podium-demo

build: setup
	forge build
	cargo build --workspace

fmt: setup
	forge fmt
	cargo fmt --all

# Regenerate the committed gas baseline (.gas-snapshot) after an intended gas change.
snapshot: setup
	forge snapshot --match-path 'test/gas/*'

# Whole-transaction gas on a local anvil against issue 3's targets.
gas-bench: setup
	@tools/gas-bench.sh

# Static analysis of the contracts (creates .venv on first use).
slither: setup
	@tools/slither.sh

# Symbolic proofs of the distributor with halmos (creates .venv on first use; also run by make test).
halmos: setup
	@tools/halmos.sh

# Mutation score of the distributor against the whole Solidity test suite (slither-mutate; long, not in
# make test). Writes target/mutation/ and prints killed / total.
mutation: setup
	@tools/mutation.sh

# Merkle tree and podium build speed: 1k/100k/1M recipients, vs @openzeppelin/merkle-tree at 100k.
bench-merkle: setup
	@tools/bench-merkle.sh

clean:
	rm -rf out cache target

