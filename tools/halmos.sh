#!/usr/bin/env bash
# Symbolic proofs: halmos (PyPI, pinned in tools/halmos-requirements.txt, installed into .venv by
# tools/venv.sh) runs every `check_` function of test/halmos/ for all values of its parameters. halmos
# drives `forge build` itself, so it compiles with the project's npm solc (foundry.toml) like every other
# tool. The properties, their bounds and what they prove are listed in the README ("Symbolic proofs").
#
#   tools/halmos.sh                      # all properties (make test runs this)
#   tools/halmos.sh --function check_Sweep   # extra arguments go to halmos
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source "$ROOT/tools/env.sh"
source "$ROOT/tools/venv.sh"
venv_require "$ROOT/tools/halmos-requirements.txt" halmos

# halmos builds with its own output options (--ast, metadata): give it a private out/ and cache/ so the
# shared ones stay valid for forge test, and compile only the contracts and the symbolic tests (the test
# and script directories otherwise hold ~40 files that solcjs would compile for nothing).
build="$VENV/halmos-build"
export FOUNDRY_OUT="$build/out" FOUNDRY_CACHE_PATH="$build/cache" FOUNDRY_TEST=test/halmos FOUNDRY_SCRIPT=test/halmos
# Bounds: loops unrolled at most 2 times (the proofs and batches the tests build are no longer); each
# solver query gets 60 s, so a hard query shows up as a timeout (halmos reports it and fails) rather than
# hanging the gate.
exec "$VENV/bin/halmos" --root "$ROOT" --forge-build-out "$build/out" --match-contract 'Halmos' \
  --loop 2 --solver-timeout-assertion 60s --no-status "$@"
