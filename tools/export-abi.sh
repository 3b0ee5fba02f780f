#!/usr/bin/env bash
# Copies what the Rust bindings need from forge's artifacts (out/) into crates/podium-chain/abi/:
# each contract's ABI and creation bytecode, nothing else. The Rust build reads only the committed
# copies, so `cargo build` works without forge; `tools/export-abi.sh --check` (run by tools/test.sh
# right after `forge build`) fails when a committed copy differs from what forge just built.
#
#   tools/export-abi.sh          refresh the copies after changing a contract (then commit them)
#   tools/export-abi.sh --check  exit 1, naming the stale files, if any copy is out of date
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# source file : contract name (the artifact is out/<file>/<contract>.json)
CONTRACTS=(
  "PodiumDistributor.sol:PodiumDistributor"
  "TestToken.sol:TestToken"
  "BondingManagerDouble.sol:BondingManagerDouble"
  "SafeStandIn.sol:SafeStandIn"
)
DEST=crates/podium-chain/abi

mode=write
case "${1:-}" in
  --check) mode=check ;;
  "") ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

stale=()
for entry in "${CONTRACTS[@]}"; do
  file="${entry%%:*}"
  name="${entry##*:}"
  artifact="out/$file/$name.json"
  if [[ ! -f "$artifact" ]]; then
    echo "export-abi: $artifact is missing; run \`forge build\` first" >&2
    exit 1
  fi
  # Keep the ABI and creation bytecode only, pretty-printed so diffs of the ABI are readable.
  fresh="$(node -e '
    const a = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const keep = { abi: a.abi, bytecode: { object: a.bytecode.object } };
    process.stdout.write(JSON.stringify(keep, null, 2) + "\n");
  ' "$artifact")"
  target="$DEST/$name.json"
  if [[ $mode == check ]]; then
    if [[ ! -f "$target" ]] || [[ "$(cat "$target")"$'\n' != "$fresh"$'\n' ]]; then
      stale+=("$target")
    fi
  else
    mkdir -p "$DEST"
    printf '%s\n' "$fresh" > "$target.tmp"
    mv "$target.tmp" "$target"
    echo "wrote $target"
  fi
done

if [[ $mode == check && ${#stale[@]} -gt 0 ]]; then
  echo "export-abi: stale Rust binding inputs (the contracts changed since they were exported):" >&2
  printf '  %s\n' "${stale[@]}" >&2
  echo "run tools/export-abi.sh and commit the result" >&2
  exit 1
fi
