#!/usr/bin/env bash
# `make bench-merkle`: the Merkle and `podium build` benchmark. Prints figures; asserts nothing.
#  1. root + all proofs for 1,000, 100,000 and 1,000,000 recipients (Rust, best of 5), and the peak
#     memory of one 1,000,000 build;
#  2. @openzeppelin/merkle-tree (node) on the same 100,000 values: same root, time, ratio;
#  3. `podium build` end to end on a synthetic 1,000,000-recipient CSV: wall time and peak memory.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source "$ROOT/tools/env.sh"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
# Peak RSS and wall time of a command, from GNU time.
measure() {
    local log="$1"
    shift
    /usr/bin/time -v "$@" 2>"$log"
}
peak_mib() { awk '/Maximum resident set size/ { printf "%.0f", $6 / 1024 }' "$1"; }
wall() { awk -F': ' '/Elapsed \(wall clock\)/ { print $2 }' "$1"; }

step "building (release)"
cargo build --release --locked -p podium-core --example bench_merkle -p podium --bin podium
BENCH=target/release/examples/bench_merkle
PODIUM=target/release/podium
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
    "AVX-512 $(grep -qw avx512f /proc/cpuinfo && echo yes || echo no), load $(cut -d' ' -f1-3 /proc/loadavg)"

step "root + all proofs (Rust, podium-core)"
declare -A RUST_MS
for n in 1000 100000 1000000; do
    out="$("$BENCH" tree "$n" 5)"
    grep -v '^RESULT' <<<"$out"
    RUST_MS[$n]="$(sed -n 's/^RESULT n=[0-9]* ms=//p' <<<"$out")"
done
measure "$TMP/tree.time" "$BENCH" tree 1000000 1 >/dev/null
echo "peak memory, one build of root + all proofs for 1,000,000 recipients: $(peak_mib "$TMP/tree.time") MiB"

step "@openzeppelin/merkle-tree on the same 100,000 values (node $(node --version); takes a minute)"
ours="$("$BENCH" values 100000 "$TMP/values.json")"
oz="$(node tools/bench-merkle-oz.js "$TMP/values.json")"
node -e '
const oz = JSON.parse(process.argv[1]), ours = process.argv[2], rustMs = Number(process.argv[3]);
if (oz.root !== ours) { console.error(`ROOTS DIFFER: OZ ${oz.root}, podium ${ours}`); process.exit(1); }
console.log(`same root ${oz.root}`);
console.log(`OZ StandardMerkleTree.of: ${(oz.ofMs / 1000).toFixed(2)} s; of + getProof for every value: ${(oz.totalMs / 1000).toFixed(2)} s`);
console.log(`podium-core root + all proofs: ${rustMs.toFixed(1)} ms`);
console.log(`ratio (OZ of + all proofs / podium root + all proofs): ${Math.round(oz.totalMs / rustMs)}x; OZ of() alone / podium: ${Math.round(oz.ofMs / rustMs)}x`);
' "$oz" "$ours" "${RUST_MS[100000]}"

step "podium build end to end: synthetic 1,000,000-recipient CSV, 5 regions, proportional split"
"$BENCH" csv 1000000 "$TMP/scores.csv" "$TMP/rules.toml"
echo "input: $(du -h "$TMP/scores.csv" | cut -f1) CSV"
measure "$TMP/build.time" "$PODIUM" build --round 1 --rules "$TMP/rules.toml" --scores "$TMP/scores.csv" \
    --out "$TMP/round-1.json" >"$TMP/build.out"
# The totals row of the summary table: round, budget, paid, unallocated, recipients, root.
grep '^│ 1 ' "$TMP/build.out" | tail -n 1 | tr -s ' '

echo "wall time $(wall "$TMP/build.time"), peak memory $(peak_mib "$TMP/build.time") MiB," \
    "distribution file $(du -h "$TMP/round-1.json" | cut -f1)"
measure "$TMP/verify.time" "$PODIUM" verify --distribution "$TMP/round-1.json" >/dev/null
echo "podium verify of that file: wall time $(wall "$TMP/verify.time"), peak memory $(peak_mib "$TMP/verify.time") MiB"
