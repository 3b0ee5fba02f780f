#!/usr/bin/env bash
# Installs everything the build needs from the package registries, and nothing from anywhere else.
# Idempotent and quick when nothing changed: npm runs only when package.json or package-lock.json
# differs from what node_modules was installed from.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { echo "setup: $*" >&2; exit 1; }

for tool in node npm cargo; do
  command -v "$tool" >/dev/null || die "'$tool' is not on PATH; install it first (README, \"Two commands\")"
done

# 1. npm packages (forge, anvil, cast, solc, OpenZeppelin), pinned by package-lock.json.
#
# The committed lock lists every per-platform Foundry package npm knows of (darwin, linux, win32;
# amd64, arm64). `npm ci` installs exactly the lock and only the optional packages that match this
# machine's os/cpu; it never asks the registry for the others, so it also works where the registry
# serves only the linux x64 ones. It never writes the lock.
#
# A lock written before the registry served the other platforms lacks their entries, and `npm ci`
# refuses it as "out of sync" with the launchers' optionalDependencies. Only for that case we fall back
# to `npm install --no-save`, which installs the lock's pinned versions without rewriting it; we then
# check that the lock is byte-for-byte unchanged and that every installed package has the lock's version.
stamp=node_modules/.podium-lock.sha256
want="$(cat package.json package-lock.json | sha256sum | cut -d' ' -f1)"
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
  say "npm ci (package-lock.json changed, or node_modules is missing)"
  lock_before="$(sha256sum package-lock.json | cut -d' ' -f1)"
  log="$(mktemp)"
  trap 'rm -f "$log"' EXIT
  # Foundry's postinstall only re-checks the shipped binaries; nothing else needs install scripts.
  if ! npm ci --no-audit --no-fund --ignore-scripts 2>&1 | tee "$log"; then
    missing="$(grep -o 'Missing: [^ ]* from lock file' "$log" || true)"
    if [[ -n "$missing" ]] && ! grep -v '^Missing: @foundry-rs/[a-z]*-\(darwin\|linux\|win32\)-\(amd64\|arm64\)@' <<<"$missing" | grep -q .; then
      say "the lock predates some of Foundry's platform packages; installing its pinned versions with npm install --no-save"
      npm install --no-save --no-audit --no-fund --ignore-scripts
    else
      die "npm ci failed (see above); the lock must match package.json: run 'npm install' and commit package-lock.json"
    fi
  fi
  [[ "$(sha256sum package-lock.json | cut -d' ' -f1)" == "$lock_before" ]] \
    || die "package-lock.json was rewritten during setup; restore it with 'git checkout package-lock.json'"
  # Every package on disk has exactly the version the lock pins.
  node -e '
    const lock = require("./package-lock.json").packages;
    const fs = require("fs");
    let bad = [];
    for (const [path, entry] of Object.entries(lock)) {
      if (!path || !fs.existsSync(path + "/package.json")) continue; // the root; optional ones for other platforms
      const got = JSON.parse(fs.readFileSync(path + "/package.json", "utf8")).version;
      if (got !== entry.version) bad.push(`${path}: installed ${got}, lock pins ${entry.version}`);
    }
    if (bad.length) { console.error("setup: installed packages differ from package-lock.json:\n  " + bad.join("\n  ")); process.exit(1); }
  '
  echo "$want" > "$stamp"
fi

# 2. Make the npm solc forge's local compiler (see tools/install-solc).
"$ROOT/tools/install-solc"
