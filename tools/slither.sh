#!/usr/bin/env bash
# Static analysis: slither (PyPI, pinned in tools/slither-requirements.txt) in a virtual environment at .venv,
# created on first use. slither drives forge through crytic-compile, so it analyses exactly what forge
# builds (our npm solc, via foundry.toml). Fails on any finding of medium or high severity; the detectors
# we exclude, and why, are in slither.config.json.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source "$ROOT/tools/env.sh"

VENV="$ROOT/.venv"
REQS="$ROOT/tools/slither-requirements.txt"
stamp="$VENV/.slither-requirements"
if [[ ! -x "$VENV/bin/slither" ]] || ! cmp -s "$REQS" "$stamp"; then
  echo "slither: installing $(grep -v '^#' "$REQS" | tr '\n' ' ')into .venv"
  python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQS"
  cp "$REQS" "$stamp"
fi

# crytic-compile runs `forge clean` and then `forge build` of its own: point both at a private directory
# so the shared out/ and cache/ (which other tools read) are never wiped.
export FOUNDRY_OUT="$VENV/slither-build/out" FOUNDRY_CACHE_PATH="$VENV/slither-build/cache"
exec "$VENV/bin/slither" . --config-file slither.config.json --fail-medium "$@"
