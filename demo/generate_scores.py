#!/usr/bin/env python3
"""Writes the demo's SYNTHETIC leaderboard snapshots (demo/scores/week{1,2,3}.json).

The numbers are made up, deterministically (fixed seed), in the shape of the Livepeer leaderboard API's
aggregated stats: {"0xaddr": {"REGION": {"success_rate", "round_trip_score", "score"}}} with
score = success_rate * round_trip_score (0-1 scale; the explorer shows it x10). They are not real
measurements of any orchestrator.

The orchestrators are anvil's default test accounts 10..39 (mnemonic "test test ... junk"), so the demo
can sign claims for them. What the data exercises:
  * orchestrators above and below the 0.3 threshold in each region, several earning in two regions;
  * Livepeer Inc.'s own orchestrator 0x3e2b450c0c499d8301146367680e067cd009db93, scoring well but
    excluded by the rules;
  * week 2: SIN's test broker had a bad week, so nobody reaches the threshold there;
  * a newcomer (account 39) that first appears in week 2.

Regenerate: python3 demo/generate_scores.py   (needs only the standard library)
"""

import json
import random
from pathlib import Path

ANVIL_ACCOUNTS = Path(__file__).with_name("anvil-accounts.txt")
LIVEPEER_INC = "0x3e2b450c0c499d8301146367680e067cd009db93"
REGIONS = ["MDW", "FRA", "SIN"]
NEWCOMER = 39


def main() -> None:
    accounts = ANVIL_ACCOUNTS.read_text().split()
    rng = random.Random(2020)
    # Each orchestrator has a home region (good latency there) and a base quality.
    profiles = {}
    for i in range(10, 40):
        home = REGIONS[i % 3]
        quality = round(rng.uniform(0.15, 1.0), 3)
        profiles[i] = (home, quality)
    # Make sure one orchestrator is strong on two continents (it earns in two regions every week).
    profiles[10] = ("MDW", 0.97)
    out_dir = Path(__file__).with_name("scores")
    out_dir.mkdir(exist_ok=True)
    for week in (1, 2, 3):
        snapshot = {}
        for i, (home, quality) in profiles.items():
            if i == NEWCOMER and week == 1:
                continue
            regions = {}
            for region in REGIONS:
                if region == home:
                    rts = quality * rng.uniform(0.92, 1.0)
                elif i == 10 and region == "FRA":
                    rts = quality * rng.uniform(0.85, 0.95)
                else:
                    rts = quality * rng.uniform(0.15, 0.4)
                if week == 2 and region == "SIN":
                    rts *= 0.25  # the SIN broker's bad week
                success = rng.choice([1.0, 1.0, 1.0, rng.uniform(0.85, 1.0)])
                regions[region] = stats(success, min(rts, 1.0))
            snapshot[accounts[i].lower() if i % 2 else accounts[i]] = regions
        snapshot[LIVEPEER_INC] = {r: stats(1.0, rng.uniform(0.9, 0.99)) for r in REGIONS}
        path = out_dir / f"week{week}.json"
        path.write_text(json.dumps(snapshot, indent=2) + "\n")
        print(f"wrote {path} ({len(snapshot)} orchestrators)")


def stats(success_rate: float, round_trip_score: float) -> dict:
    success_rate = round(success_rate, 4)
    round_trip_score = round(round_trip_score, 4)
    return {
        "success_rate": success_rate,
        "round_trip_score": round_trip_score,
        "score": round(success_rate * round_trip_score, 6),
    }


if __name__ == "__main__":
    main()
