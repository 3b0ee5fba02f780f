# Sourced by the tools/ scripts: puts the project's tools on PATH, the native Foundry binaries first.
# The npm launchers in node_modules/.bin (@foundry-rs/*/bin.mjs) always exit 0, even when forge test
# fails, and forward only SIGINT/SIGTERM to their child, so a killed launcher orphans the real anvil.
# The platform packages ship the native binaries; npm installs only the one for this machine.
ROOT="${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
export PATH="$ROOT/node_modules/.bin:$PATH"
for native in "$ROOT"/node_modules/@foundry-rs/*-*/bin; do
  [[ -d "$native" ]] && PATH="$native:$PATH"
done
unset native
