//! The in-flight record: before a claim is sent, the rounds it claims and the block it was sent
//! from are written to a small file, and removed once the run is over. A run that was killed
//! leaves it behind, and the next run reads it to tell "claimed by your earlier transaction" from
//! "claimed for you by someone else", and to stake what the earlier run claimed but did not stake.
//!
//! The record is a convenience for reporting, never a guard against paying twice: the contract's
//! claimed bitmap is that guard, and every run re-reads it before sending.
//!
//! Every file in the state directory (this record, the stake record of [`crate::stake`], the saved
//! deployment of [`SavedConfig`]) is written with [`write_durable`]: a temporary file, synced, renamed
//! over the target, then the directory synced, so a crash leaves the old or the new file, never a
//! half-written one. A write that fails stops the run before anything is sent (exit code 12).

use std::{
    collections::BTreeSet,
    path::{Path, PathBuf},
};

use serde::{Deserialize, Serialize, de::DeserializeOwned};

use crate::{
    exit::{Error, Result},
    plan::{Address, Target, TxHash},
};

const FORMAT: &str = "podium-claim-inflight-v1";

/// Rounds a claim was sent for, and from which block to look for its `Claimed` events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InFlight {
    /// The rounds.
    pub rounds: BTreeSet<u64>,
    /// The latest block when the claim was sent (or first seen pending).
    pub from_block: u64,
    /// The nonce our claim was sent with (absent when the claim is someone else's seen pending).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<u64>,
    /// Every hash sent for that nonce, as they are sent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hashes: Vec<TxHash>,
}

impl InFlight {
    /// Rounds seen or sent from `from_block`, nothing sent by us yet.
    pub fn new(rounds: BTreeSet<u64>, from_block: u64) -> Self {
        Self {
            rounds,
            from_block,
            nonce: None,
            hashes: Vec::new(),
        }
    }

    /// Adds `other` (a later attempt of the same run) to this record.
    pub fn merge(&mut self, other: InFlight) {
        self.rounds.extend(other.rounds);
        self.from_block = self.from_block.min(other.from_block);
        if other.nonce.is_some() {
            self.nonce = other.nonce;
        }
        for h in other.hashes {
            if !self.hashes.contains(&h) {
                self.hashes.push(h);
            }
        }
    }
}

/// Writes `bytes` to `path` durably, creating its directory first: [`podium_core::write_atomic`]
/// (a temporary file in the same directory, synced, renamed over `path`, the directory synced so
/// the rename itself survives a power cut), with the operating system's error for the caller to
/// name the file.
pub fn write_durable(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    // The workspace's one atomic writer; the callers name the file themselves.
    podium_core::write_atomic(path, bytes).map_err(|e| match e {
        podium_core::Error::Io { reason, .. } => reason,
        other => std::io::Error::other(other.to_string()),
    })
}

/// Writes `value` as pretty JSON to `path` durably; a failure is [`Error::State`] naming the file.
pub fn save_json<T: Serialize>(path: &Path, value: &T, what: &str) -> Result<()> {
    let text = serde_json::to_string_pretty(value).expect("serialisable") + "\n";
    write_durable(path, text.as_bytes()).map_err(|e| {
        Error::State(format!(
            "cannot write the {what} {} ({e}); nothing was sent. Fix the state directory (--state-dir \
             or PODIUM_CLAIM_STATE_DIR) and run again",
            path.display()
        ))
    })
}

/// Reads JSON from `path`: `Ok(None)` when there is no file; unreadable or malformed content is
/// reported and treated as absent (every record here can be rebuilt from the chain).
pub fn load_json<T: DeserializeOwned>(path: &Path, what: &str) -> Option<T> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => {
            tracing::warn!("ignoring the {what} {}: {e}", path.display());
            return None;
        }
    };
    match serde_json::from_str(&text) {
        Ok(v) => Some(v),
        Err(e) => {
            tracing::warn!("ignoring the {what} {}: {e}", path.display());
            None
        }
    }
}

/// Removes `path` if it exists; a failure is reported (a stale record is harmless: the chain is
/// checked first).
pub fn remove(path: &Path) {
    match std::fs::remove_file(path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => tracing::warn!("cannot remove {}: {e}", path.display()),
    }
}

const CONFIG_FORMAT: &str = "podium-claim-config-v1";

/// The deployment the operator configured once with `--save-config`: later runs claim only from
/// this distributor on this chain unless told otherwise on the command line or in the environment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SavedConfig {
    /// `podium-claim-config-v1`.
    pub format: String,
    /// The chain the distributor lives on.
    pub chain_id: u64,
    /// The distributor.
    pub distributor: Address,
}

impl SavedConfig {
    /// The file in `dir`.
    pub fn path(dir: &Path) -> PathBuf {
        dir.join("config.json")
    }

    /// The saved configuration in `dir`, if any. A file that is not one is an error: it was meant to
    /// pin the deployment, so guessing past it would defeat its purpose.
    pub fn load(dir: &Path) -> Result<Option<Self>> {
        let path = Self::path(dir);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(Error::Usage(format!(
                    "{}: cannot read: {e}",
                    path.display()
                )));
            }
        };
        let config: Self = serde_json::from_str(&text).map_err(|e| {
            Error::Usage(format!(
                "{}: not a podium-claim configuration (line {}, column {}: {e})",
                path.display(),
                e.line(),
                e.column()
            ))
        })?;
        if config.format != CONFIG_FORMAT {
            return Err(Error::Usage(format!(
                "{}: format {:?} is not {CONFIG_FORMAT:?}",
                path.display(),
                config.format
            )));
        }
        Ok(Some(config))
    }

    /// Saves `chain_id` and `distributor` in `dir`.
    pub fn save(dir: &Path, chain_id: u64, distributor: Address) -> Result<PathBuf> {
        let path = Self::path(dir);
        let config = Self {
            format: CONFIG_FORMAT.into(),
            chain_id,
            distributor,
        };
        save_json(&path, &config, "configuration")?;
        Ok(path)
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
        let r: Record = load_json(path, "in-flight record")?;
        if r.format == FORMAT
            && r.chain_id == self.target.chain_id
            && r.distributor == self.target.distributor
            && r.account == self.target.account
        {
            Some(r.in_flight)
        } else {
            tracing::warn!(
                "ignoring the in-flight record {}: it is for another chain, distributor or account",
                path.display()
            );
            None
        }
    }

    /// Writes the record durably ([`write_durable`]). A failure stops the run: it is called before
    /// a claim is sent, and a claim whose record is lost cannot be staked after a crash.
    pub fn save(&self, in_flight: &InFlight) -> Result<()> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        let record = Record {
            format: FORMAT.into(),
            chain_id: self.target.chain_id,
            distributor: self.target.distributor,
            account: self.target.account,
            in_flight: in_flight.clone(),
        };
        save_json(path, &record, "in-flight record")
    }

    /// Removes the record at the end of a run.
    pub fn clear(&self) {
        if let Some(path) = &self.path {
            remove(path);
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
        let record = InFlight::new([1, 3].into(), 42);
        journal.save(&record).unwrap();
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
        let mut a = InFlight::new([1].into(), 10);
        a.merge(InFlight {
            nonce: Some(4),
            hashes: vec![TxHash::repeat_byte(1)],
            ..InFlight::new([2].into(), 7)
        });
        assert_eq!(a.rounds, [1, 2].into());
        assert_eq!(a.from_block, 7);
        assert_eq!(a.nonce, Some(4));
        assert_eq!(a.hashes, [TxHash::repeat_byte(1)]);
    }

    #[test]
    fn a_write_that_cannot_happen_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        // A regular file where the state directory should be: nothing can be created under it.
        let blocker = dir.path().join("not-a-dir");
        std::fs::write(&blocker, "x").unwrap();
        let journal = Journal::new(Some(&blocker.join("state")), target());
        let err = journal.save(&InFlight::new([1].into(), 1)).unwrap_err();
        assert_eq!(err.exit(), crate::exit::Exit::State);
        assert!(err.to_string().contains("nothing was sent"), "{err}");
    }

    #[test]
    fn durable_writes_replace_whole_files_and_leave_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/record.json");
        write_durable(&path, b"one").unwrap();
        write_durable(&path, b"two").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "two");
        let names: Vec<_> = std::fs::read_dir(dir.path().join("sub"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["record.json"]);
    }

    #[test]
    fn saves_and_reads_the_configured_deployment() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(SavedConfig::load(dir.path()).unwrap(), None);
        SavedConfig::save(dir.path(), 42_161, Address::repeat_byte(0xD1)).unwrap();
        let c = SavedConfig::load(dir.path()).unwrap().unwrap();
        assert_eq!(
            (c.chain_id, c.distributor),
            (42_161, Address::repeat_byte(0xD1))
        );
        std::fs::write(SavedConfig::path(dir.path()), "{}").unwrap();
        assert_eq!(
            SavedConfig::load(dir.path()).unwrap_err().exit(),
            crate::exit::Exit::Usage
        );
    }
}
