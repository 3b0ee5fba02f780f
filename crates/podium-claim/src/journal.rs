//! The in-flight record: before a claim is sent, the rounds it claims and the block it was sent
//! from are written to a small file, and removed once the run is over. A run that was killed
//! leaves it behind, and the next run reads it to tell "claimed by your earlier transaction" from
//! "claimed for you by someone else", and to stake what the earlier run claimed but did not stake.
//!
//! The record is a convenience for reporting, never a guard against paying twice: the contract's
//! claimed bitmap is that guard, and every run re-reads it before sending.

use std::{
    collections::BTreeSet,
    path::{Path, PathBuf},
};

use serde::{Deserialize, Serialize};

use crate::plan::{Address, Target};

const FORMAT: &str = "podium-claim-inflight-v1";

/// Rounds a claim was sent for, and from which block to look for its `Claimed` events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InFlight {
    /// The rounds.
    pub rounds: BTreeSet<u64>,
    /// The latest block when the claim was sent (or first seen pending).
    pub from_block: u64,
}

impl InFlight {
    /// Adds `other` (a later attempt of the same run) to this record.
    pub fn merge(&mut self, other: InFlight) {
        self.rounds.extend(other.rounds);
        self.from_block = self.from_block.min(other.from_block);
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Record {
    format: String,
    chain_id: u64,
    distributor: Address,
    account: Address,
    #[serde(flatten)]
    in_flight: InFlight,
}

/// Where the record of one (chain, distributor, account) lives; `None` keeps no record.
#[derive(Debug, Clone)]
pub struct Journal {
    path: Option<PathBuf>,
    target: Target,
}

/// `$XDG_STATE_HOME/podium-claim`, else `$HOME/.local/state/podium-claim`.
pub fn default_state_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("XDG_STATE_HOME").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir).join("podium-claim"));
    }
    std::env::var_os("HOME")
        .filter(|d| !d.is_empty())
        .map(|home| PathBuf::from(home).join(".local/state/podium-claim"))
}

impl Journal {
    /// The journal for `target` in `dir` (no record at all when `dir` is `None`).
    pub fn new(dir: Option<&Path>, target: Target) -> Self {
        let path = dir.map(|d| {
            d.join(format!(
                "inflight-{}-{:#x}-{:#x}.json",
                target.chain_id, target.distributor, target.account
            ))
        });
        Self { path, target }
    }

    /// The record's file, if any.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The record a previous run left, if any. An unreadable record is reported and ignored (the
    /// chain is the source of truth).
    pub fn load(&self) -> Option<InFlight> {
        let path = self.path.as_ref()?;
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
            Err(e) => {
                tracing::warn!("ignoring the in-flight record {}: {e}", path.display());
                return None;
            }
        };
        match serde_json::from_str::<Record>(&text) {
            Ok(r)
                if r.format == FORMAT
                    && r.chain_id == self.target.chain_id
                    && r.distributor == self.target.distributor
                    && r.account == self.target.account =>
            {
                Some(r.in_flight)
            }
            Ok(_) => {
                tracing::warn!(
                    "ignoring the in-flight record {}: it is for another chain, distributor or account",
                    path.display()
                );
                None
            }
            Err(e) => {
                tracing::warn!("ignoring the in-flight record {}: {e}", path.display());
                None
            }
        }
    }

    /// Writes the record atomically (temporary file, then rename). A failure is reported and the
    /// claim goes ahead: the record only improves the next run's report.
    pub fn save(&self, in_flight: &InFlight) {
        let Some(path) = &self.path else { return };
        let record = Record {
            format: FORMAT.into(),
            chain_id: self.target.chain_id,
            distributor: self.target.distributor,
            account: self.target.account,
            in_flight: in_flight.clone(),
        };
        let result = (|| -> std::io::Result<()> {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            let tmp = path.with_extension(format!("json.{}.tmp", std::process::id()));
            let text = serde_json::to_string_pretty(&record).map_err(std::io::Error::other)?;
            std::fs::write(&tmp, text + "\n")?;
            std::fs::rename(&tmp, path)
        })();
        if let Err(e) = result {
            tracing::warn!(
                "cannot write the in-flight record {} ({e}); claiming anyway",
                path.display()
            );
        }
    }

    /// Removes the record at the end of a run.
    pub fn clear(&self) {
        if let Some(path) = &self.path {
            match std::fs::remove_file(path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => tracing::warn!("cannot remove {}: {e}", path.display()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target() -> Target {
        Target {
            chain_id: 31_337,
            distributor: Address::repeat_byte(0xD1),
            account: Address::repeat_byte(0xAA),
        }
    }

    #[test]
    fn saves_loads_and_clears() {
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::new(Some(&dir.path().join("state")), target());
        assert_eq!(journal.load(), None);
        let record = InFlight {
            rounds: [1, 3].into(),
            from_block: 42,
        };
        journal.save(&record);
        assert_eq!(journal.load(), Some(record));
        // Another account's journal does not see it.
        let mut other = target();
        other.account = Address::repeat_byte(0xBB);
        assert_eq!(
            Journal::new(Some(&dir.path().join("state")), other).load(),
            None
        );
        journal.clear();
        assert_eq!(journal.load(), None);
    }

    #[test]
    fn ignores_a_damaged_record() {
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::new(Some(dir.path()), target());
        std::fs::write(journal.path().unwrap(), "{ not json").unwrap();
        assert_eq!(journal.load(), None);
    }

    #[test]
    fn merging_keeps_the_earliest_block() {
        let mut a = InFlight {
            rounds: [1].into(),
            from_block: 10,
        };
        a.merge(InFlight {
            rounds: [2].into(),
            from_block: 7,
        });
        assert_eq!(a.rounds, [1, 2].into());
        assert_eq!(a.from_block, 7);
    }
}
