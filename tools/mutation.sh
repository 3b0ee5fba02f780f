#!/usr/bin/env bash
# Mutation score of the distributor: slither-mutate's mutators (slither-analyzer, pinned in
# tools/slither-requirements.txt) over contracts/PodiumDistributor.sol, each mutant run against the whole
# Solidity test suite (`forge test`, default profile, stopping at the first failure). Runs in a scratch copy
# of the working tree (target/mutation/work), so the checkout is never left mutated and its out/ stays
# valid. Takes long (a build and a test run per mutant): `make mutation`, not part of `make test`.
#
# Mutants are compiled and tested with the `mutation` profile of foundry.toml: the default profile without
# the optimizer. The optimizer preserves semantics (the whole suite passes either way), and solcjs builds the
# contract and its tests in ~5.5 s without it against ~21 s with it, which is most of a mutant's cost.
#
#   tools/mutation.sh                    # every mutator
#   tools/mutation.sh --mutators RR,CR   # a subset (see tools/mutation.py --help)
#   MUTATION_OUT=target/mutation-b tools/mutation.sh --mutators ROR   # a second run beside the first
# Results: $MUTATION_OUT/mutants.json (default target/mutation; every mutant and its outcome) and the
# summary printed at the end. Runs with different MUTATION_OUT use separate scratch trees, so two can run
# at once (one per core).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source "$ROOT/tools/env.sh"
source "$ROOT/tools/venv.sh"
venv_require "$ROOT/tools/slither-requirements.txt" slither

dest="$(realpath -m "${MUTATION_OUT:-$ROOT/target/mutation}")"
work="$dest/work"
rm -rf "$work"
mkdir -p "$work"
# The working tree as it is (tracked and new files, uncommitted changes included), without build outputs.
git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$work" 2>/dev/null || true
ln -s "$ROOT/node_modules" "$work/node_modules"
cd "$work"
export FOUNDRY_PROFILE=mutation
"$VENV/bin/python" "$ROOT/tools/mutation.py" --out "$dest" "$@"
