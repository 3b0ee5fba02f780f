"""Mutation score of PodiumDistributor with slither-mutate's mutators (run by tools/mutation.sh).

slither-mutate's own entry point compiles each mutant with crytic-compile's plain-solc mode, which needs a
native `solc --combined-json`; this project compiles with the npm solcjs through forge only. So this driver
uses slither-mutate's mutators and its per-mutant runner (`test_patch`) unchanged, in the tool's order (RR
and CR first, then every tweak mutator, skipping the lines whose RR/CR mutant survived, as slither-mutate
does without --comprehensive), and swaps only the compile check for `forge build`. Every mutant's outcome
is recorded in <out>/mutants.json; the summary prints killed / total.

One fix to the tool's patching: for a mutant inside a variable declaration, an assignment or a return,
slither-mutate's patch carries the whole statement's text (old and new) but the byte offsets of only the
mutated sub-expression, so the runner spliced a statement into the middle of itself and the mutant was
counted as "does not compile" (85 of the 280 ROR mutants, for instance). Before a patch is applied this
driver checks that its offsets hold its old text and, if not, moves them onto the statement that does.
`--only-misplaced` tests just those mutants (for completing a campaign run before the fix).
"""

import argparse
import inspect
import json
import logging
import subprocess
import sys
import time
from pathlib import Path

from slither import Slither
from slither.tools.mutator.mutators import abstract_mutator, all_mutators
from slither.tools.mutator.mutators.abstract_mutator import AbstractMutator
from slither.tools.mutator.utils import testing_generated_mutant
from slither.tools.mutator.utils.file_handling import backup_source_file, transfer_and_delete

OUTCOME = {0: "survived", 1: "killed", 2: "does not compile"}


def forge_build(_file_path: str, _mappings: str | None) -> bool:
    """The compile check: the mutant compiles iff `forge build` succeeds (the project's own compiler)."""
    return subprocess.run(["forge", "build"], capture_output=True, check=False).returncode == 0


def changed_lines(old: str, new: str) -> tuple[str, str]:
    """The lines a mutant changes (a function-header mutant's text is the whole function), stripped."""
    a, b = old.splitlines(), new.splitlines()
    changed = [(x.strip(), y.strip()) for x, y in zip(a, b) if x != y]
    if len(a) != len(b) or not changed:
        return old.strip(), new.strip()
    return " / ".join(x for x, _ in changed), " / ".join(y for _, y in changed)


def placed(content: bytes, patch: dict) -> tuple[dict, bool]:
    """The patch with offsets that hold its old text, and whether slither-mutate's offsets did not."""
    old = patch["old_string"].encode("utf8")
    start, end = patch["start"], patch["end"]
    if content[start:end] == old:
        return patch, False
    # The statement the text belongs to: the last occurrence of the old text that spans the given offsets.
    found, at = None, content.find(old)
    while at != -1 and at <= start:
        if at + len(old) >= end:
            found = at
        at = content.find(old, at + 1)
    if found is None:
        raise SystemExit(f"mutation: line {patch['line_number']}: cannot place {patch['old_string']!r}")
    return {**patch, "start": found, "end": found + len(old)}, True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contract", default="PodiumDistributor")
    parser.add_argument("--test-cmd", default="forge test")
    parser.add_argument("--timeout", type=int, default=300, help="seconds per mutant's test run")
    parser.add_argument("--out", required=True, help="directory for mutants.json and surviving mutants")
    parser.add_argument("--mutators", default="", help="comma-separated subset (default: all)")
    parser.add_argument("--count", action="store_true", help="only count each mutator's mutants")
    parser.add_argument("--only-misplaced", action="store_true",
                        help="test only the mutants whose patch offsets slither-mutate misplaces")
    args = parser.parse_args()

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)

    testing_generated_mutant.compile_generated_mutant = forge_build
    records = []
    original_test_patch = abstract_mutator.test_patch

    def recording_test_patch(output_folder, file, patch, command, generator_name, timeout, mappings, verbose):
        patch, misplaced = placed(Path(file).read_bytes(), patch)
        if args.only_misplaced and not misplaced:
            return 1  # tested by the earlier run; taken as it was recorded there
        started = time.time()
        result = original_test_patch(output_folder, file, patch, command, generator_name, timeout, mappings, verbose)
        records.append({
            "mutator": generator_name,
            "line": patch["line_number"],
            "from": patch["old_string"],
            "to": patch["new_string"],
            "outcome": OUTCOME[result],
            "misplaced_by_slither": misplaced,
            "seconds": round(time.time() - started, 1),
        })
        print(f"  [{len(records)}] {generator_name} line {patch['line_number']}: {OUTCOME[result]}", flush=True)
        with (out / "mutants.json").open("w", encoding="utf8") as f:
            json.dump(records, f, indent=1)
        return result

    abstract_mutator.test_patch = recording_test_patch

    sl = Slither(".", compile_force_framework="foundry", foundry_out_directory="out")
    target = next(
        (c for cu in sl.compilation_units for c in cu.contracts if c.name == args.contract and not c.is_interface),
        None,
    )
    if target is None:
        print(f"mutation: contract {args.contract} not found", file=sys.stderr)
        return 2
    unit = target.compilation_unit
    # After slither's own build (crytic-compile cleans out/ first): the suite must pass unmutated.
    if not args.count and not testing_generated_mutant.run_test_cmd(args.test_cmd, None, None, True):
        print("mutation: the test suite fails on the unmutated contract", file=sys.stderr)
        return 2
    chosen = set(filter(None, args.mutators.split(",")))
    mutators = [
        m for m in (getattr(all_mutators, n) for n in dir(all_mutators))
        if inspect.isclass(m) and issubclass(m, AbstractMutator) and m is not AbstractMutator
        and (not chosen or m.NAME in chosen)
    ]
    mutators.sort(key=lambda m: {"RR": 0, "CR": 1}.get(m.NAME, 2))

    if args.count:
        for mutator in mutators:
            m = mutator(unit, args.timeout, args.test_cmd, "test", target, None, False, out, [])
            patches = m._mutate().get("patches", {})  # pylint: disable=protected-access
            misplaced = sum(placed(Path(f).read_bytes(), p)[1] for f, ps in patches.items() for p in ps)
            print(f"{mutator.NAME}: {sum(len(p) for p in patches.values())} mutants, "
                  f"{misplaced} misplaced by slither-mutate")
        return 0

    backups = backup_source_file(sl.source_code, out / "backup")
    dont_mutate_lines: list[int] = []
    try:
        for mutator in mutators:
            print(f"{mutator.NAME}: {mutator.HELP}", flush=True)
            m = mutator(unit, args.timeout, args.test_cmd, "test", target, None, False, out, dont_mutate_lines)
            _, _, dont_mutate_lines = m.mutate()
    finally:
        transfer_and_delete(backups)

    scored = [r for r in records if r["outcome"] != "does not compile"]
    killed = sum(r["outcome"] == "killed" for r in scored)
    print(f"\nmutants: {len(records)} generated, {len(scored)} compile, {killed} killed, "
          f"{len(scored) - killed} survived: score {killed}/{len(scored)}")
    for r in scored:
        if r["outcome"] == "survived":
            before, after = changed_lines(r["from"], r["to"])
            print(f"  survived: {r['mutator']} line {r['line']}: {before!r} -> {after!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
