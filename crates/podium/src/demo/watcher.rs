//! The orchestrator who claims in watch mode: its claimer starts before the first round with a
//! go-livepeer-style keystore and password file and no files, runs in the background for the three
//! weeks, and is stopped the way a person would stop it.

use std::{
    fs,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use alloy_primitives::Address;
use eyre::{WrapErr, ensure};
use podium_chain::anvil::spawn_tied;
use podium_core::DistributionFile;

use super::{Demo, WATCHER, story::rel};

/// The orchestrator whose claimer runs in watch mode in the background; stopped when dropped, so a
/// demo that fails midway leaves no claimer behind.
pub(super) struct Watcher {
    account: Address,
    log: PathBuf,
    child: Child,
}

impl Watcher {
    /// Stops the claimer the way a person would (see [`stop_child`]).
    pub(super) fn stop(self) {
        drop(self);
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        stop_child(&mut self.child);
    }
}

impl Demo {
    /// One orchestrator leaves a claimer running in watch mode from the start (go-livepeer style:
    /// keystore + password file) and claims each week as soon as the root becomes valid.
    pub(super) fn start_watcher(&mut self, distributor: Address) -> eyre::Result<Watcher> {
        let account = self.addr(WATCHER);
        let keystore_dir = self.dir.join("watcher-keystore");
        fs::create_dir_all(&keystore_dir)?;
        let keystore = podium_chain::anvil::write_keystore(
            &keystore_dir,
            &self.keys[WATCHER as usize],
            "demo password",
        );
        let password = self.dir.join("watcher-password.txt");
        fs::write(&password, "demo password\n")?;
        let log = self.dir.join("watcher.log");
        let args: Vec<String> = vec![
            "--watch".into(),
            "--interval".into(),
            "1".into(),
            "--rpc-url".into(),
            self.anvil.url(),
            "--keystore".into(),
            rel(&keystore),
            "--password-file".into(),
            rel(&password),
            "--state-dir".into(),
            rel(&self.dir.join("claim-state")),
            "--distributor".into(),
            distributor.to_string(),
            // No files: the claimer finds each round from the distributor's RootPosted events and
            // fetches its file from the uri the committee posted, verified against the chain.
        ];
        self.story.heading(&format!(
            "Orchestrator {account} starts a claimer in watch mode, with no files: it finds the rounds on chain"
        ));
        self.story.show_command(&self.claimer, &args);
        self.story.say(&format!(
            "(running in the background; its log is {})",
            rel(&log)
        ));
        let child = spawn_logged(&self.claimer, &args, &log)?;
        Ok(Watcher {
            account,
            log,
            child,
        })
    }

    /// Waits for the watching claimer to claim `file`'s round, when its account earned in it.
    pub(super) fn await_watcher(
        &self,
        file: &DistributionFile,
        distributor: Address,
        watcher: &Watcher,
    ) -> eyre::Result<()> {
        let (round, account) = (file.round, watcher.account);
        if file.claim(&account).is_none() {
            return Ok(());
        }
        let claimed = self.rt.block_on(self.chain.wait_claimed(
            distributor,
            file,
            account,
            Duration::from_secs(60),
        ))?;
        ensure!(
            claimed,
            "the watching claimer did not claim round {round} within 60 s; see {}",
            watcher.log.display()
        );
        self.story.say(&format!(
            "the watching claimer of {account} claimed round {round}"
        ));
        Ok(())
    }
}

fn spawn_logged(bin: &Path, args: &[String], log: &Path) -> eyre::Result<Child> {
    let file = fs::File::create(log)?;
    let err = file.try_clone()?;
    let mut cmd = Command::new(bin);
    cmd.args(args).stdin(Stdio::null()).stdout(file).stderr(err);
    // Tied to the demo's life: a demo killed midway leaves no claimer behind.
    spawn_tied(cmd).wrap_err_with(|| format!("starting {}", bin.display()))
}

/// Stops a background claimer the way a person would (SIGTERM), then makes sure it is gone.
fn stop_child(child: &mut Child) {
    if let Ok(Some(_)) = child.try_wait() {
        return;
    }
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(10) {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
}
