#!/usr/bin/env bash
# Gas of claiming 1, 3 and 10 rounds in one transaction (podium-claim's claimMany batch) against one
# transaction per round, on a local anvil the benchmark starts and stops itself. Prints a Markdown
# table (the README's "Claiming your rewards" section quotes it).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source "$ROOT/tools/env.sh"
exec cargo run --quiet --locked -p podium-claim --example claim_gas_bench
