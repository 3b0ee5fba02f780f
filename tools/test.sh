#!/usr/bin/env bash
# The one gate: every check, in order, stopping at the first failure. `make test` runs it after setup;
# .ci/run runs `make test`. Each step prints a heading so a failure is easy to place.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source "$ROOT/tools/env.sh"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
started=$SECONDS

step "solc shim tests (node --test)"
node --test tools/solc.test.mjs

step "forge fmt --check"
forge fmt --check

# Built from / with --root: proves forge finds our compiler whatever the current directory is.
step "forge build --root (from /)"
(cd / && forge build --root "$ROOT")

# The Rust bindings are generated from ABI copies committed under crates/podium-chain/abi/; a contract
# change that was not re-exported fails here, before any Rust is compiled against a stale ABI.
step "Rust bindings match the contracts (tools/export-abi.sh --check)"
tools/export-abi.sh --check

step "forge test${FOUNDRY_PROFILE:+ (profile $FOUNDRY_PROFILE)}"
forge test

# The committed gas baseline: any change in the distributor's gas (up or down) fails until .gas-snapshot
# is regenerated with `make snapshot`. Only test/gas: fuzz figures would vary with the profile's runs.
step "forge snapshot --check (gas baseline)"
forge snapshot --check --match-path 'test/gas/*'

step "slither (fails on medium or high findings)"
tools/slither.sh

# Symbolic proofs of the distributor's money properties (README, "Symbolic proofs"); ~2 minutes on 2 cores.
step "halmos (symbolic proofs, tools/halmos.sh)"
tools/halmos.sh

step "cargo fmt --check"
cargo fmt --all --check

step "cargo clippy --workspace --all-targets -- -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings

# `podium demo` and its end-to-end test exist only with podium's `demo` feature, which the step above
# leaves off (as release builds do); lint that code too.
step "cargo clippy -p podium --all-targets --features demo -- -D warnings"
cargo clippy -p podium --all-targets --features demo --locked -- -D warnings

# The report's browser test opens its HTML page in headless Chromium (Debian's package, installed here
# when missing); where it cannot be installed the test skips and says why.
step "chromium for the report's browser test (tools/chromium.sh)"
export "$(tools/chromium.sh)"

# With podium's `demo` feature, so tests/demo.rs (the demo end to end) runs too.
step "cargo test --workspace --features podium/demo"
cargo test --workspace --features podium/demo --locked

step "all checks passed in $((SECONDS - started))s"
