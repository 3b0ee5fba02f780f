#!/usr/bin/env bash
# Static analysis: slither (PyPI, pinned in tools/slither-requirements.txt) in a virtual environment at .venv,
# created on first use. slither drives forge through crytic-compile, so it analyses exactly what forge
# builds (our npm solc, via foundry.toml). Fails on any finding of medium or high severity; the detectors
# we exclude, and why, are in slither.config.json.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source "$ROOT/tools/env.sh"

source "$ROOT/tools/venv.sh"
venv_require "$ROOT/tools/slither-requirements.txt" slither

# crytic-compile runs `forge clean` and then `forge build` of its own: point both at a private directory
# so the shared out/ and cache/ (which other tools read) are never wiped.
export FOUNDRY_OUT="$VENV/slither-build/out" FOUNDRY_CACHE_PATH="$VENV/slither-build/cache"
exec "$VENV/bin/slither" . --config-file slither.config.json --fail-medium "$@"
