#!/usr/bin/env bash
# Installs everything the build needs from the package registries, and nothing from anywhere else.
# Idempotent and quick when nothing changed: npm ci runs only when package-lock.json differs from
# what node_modules was installed from.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

for tool in node npm cargo; do
  command -v "$tool" >/dev/null || { echo "setup: '$tool' is not on PATH; install it first" >&2; exit 1; }
done

# 1. npm packages (forge, anvil, cast, solc, OpenZeppelin), pinned by package-lock.json.
stamp=node_modules/.podium-lock.sha256
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
  say "npm install from package-lock.json (it changed, or node_modules is missing)"
  # Not `npm ci`: the registry serves only some of Foundry's per-platform binary packages (the
  # linux-amd64 ones are there), so the lock file cannot list them all and `npm ci` refuses it.
  # `npm install` with the committed lock installs the same pinned versions; we then insist the
  # lock did not move. Foundry's postinstall only re-checks the shipped binaries, so skip scripts.
  npm install --no-audit --no-fund --ignore-scripts
  if [[ "$(sha256sum package-lock.json | cut -d' ' -f1)" != "$want" ]]; then
    echo "setup: npm install changed package-lock.json; commit the new lock or restore it" >&2
    exit 1
  fi
  echo "$want" > "$stamp"
fi

# 2. Make the npm solc forge's local compiler (see tools/install-solc).
"$ROOT/tools/install-solc"
