//! Parser fuzz smoke: arbitrary bytes, and mutations of valid inputs, fed to every parser of files
//! people hand us. Nothing may panic; errors are fine.

use std::path::Path;

use podium_core::{DistributionFile, Rules, ScoreSet};
use proptest::prelude::*;

const AGGREGATED: &str = r#"{"0x3e2b450c0c499d8301146367680e067cd009db93": {"FRA": {"success_rate": 1, "round_trip_score": 0.98, "score": 0.98}}}"#;
const CSV: &str = "address,region,score\n0x3e2b450c0c499d8301146367680e067cd009db93,FRA,0.5\n";
const RAW: &str = "region,orchestrator,success_rate,seg_duration,round_trip_time\nFRA,0x3e2b450c0c499d8301146367680e067cd009db93,1,2,0.5\n";
const RULES: &str = "round = 1\nbudget = \"7000\"\nthreshold = 0.3\n[split]\nmethod = \"top_n\"\nweights = [3, 2]\n[pools.FRA]\nshare = \"0.5\"\n[[exclude]]\naddress = \"0x3e2b450c0c499d8301146367680e067cd009db93\"\nreason = \"x\"\n";

fn parse_all(bytes: &[u8]) {
    for name in ["s.json", "s.csv", "s.txt"] {
        let _ = ScoreSet::new().add_bytes(Path::new(name), bytes);
    }
    let _ = Rules::from_bytes(Path::new("r.toml"), bytes);
    if let Ok(file) = serde_json::from_slice::<DistributionFile>(bytes) {
        let _ = file.check();
    }
}

/// A valid input with a few bytes overwritten, inserted or deleted.
fn mutated(seed: &'static str) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec((any::<usize>(), any::<u8>(), 0u8..3), 1..6).prop_map(move |edits| {
        let mut b = seed.as_bytes().to_vec();
        for (pos, byte, kind) in edits {
            let i = pos % (b.len() + 1);
            match kind {
                0 if i < b.len() => b[i] = byte,
                1 => b.insert(i, byte),
                _ if i < b.len() => {
                    b.remove(i);
                }
                _ => {}
            }
        }
        b
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        parse_all(&bytes);
    }

    #[test]
    fn mutated_inputs_never_panic(
        bytes in prop_oneof![mutated(AGGREGATED), mutated(CSV), mutated(RAW), mutated(RULES)]
    ) {
        parse_all(&bytes);
    }
}
