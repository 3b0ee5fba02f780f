//! Child processes whose life is tied to ours (feature `test-utils`): the anvil nodes that tests and
//! the demo start, and the demo's background claimers.
//!
//! Killing a child on drop covers success, a failed assertion and a panic. It does not cover this
//! process being killed (SIGKILL, a CI time-out), which runs no destructor. For that, on Linux, each
//! child asks the kernel for `PR_SET_PDEATHSIG = SIGKILL`: it is killed when its parent goes away.
//! The kernel means the parent *thread*, and test harnesses run each test on a thread of its own, so
//! every tied child is spawned from one spawner thread that lives as long as the process.
//!
//! Start the native binary, never an npm launcher (`node_modules/.bin/anvil` is a node script that
//! forwards only SIGINT/SIGTERM): killing the launcher would orphan the real process.

use std::{
    io,
    process::{Child, Command},
    sync::{
        Mutex, OnceLock,
        mpsc::{Sender, channel},
    },
};

type Request = (Command, Sender<io::Result<Child>>);

/// Spawns `cmd` so that the child is killed when this process exits, whichever way it exits.
pub fn spawn_tied(cmd: Command) -> io::Result<Child> {
    static SPAWNER: OnceLock<Mutex<Sender<Request>>> = OnceLock::new();
    let spawner = SPAWNER.get_or_init(|| {
        let (tx, rx) = channel::<Request>();
        std::thread::Builder::new()
            .name("podium-child-spawner".into())
            .spawn(move || {
                // Lives until the process exits: the channel's sender sits in a static.
                for (mut cmd, reply) in rx {
                    let _ = reply.send(spawn_with_death_signal(&mut cmd));
                }
            })
            .expect("start the child spawner thread");
        Mutex::new(tx)
    });
    let (reply_tx, reply_rx) = channel();
    spawner
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .send((cmd, reply_tx))
        .map_err(|_| io::Error::other("the child spawner thread is gone"))?;
    reply_rx
        .recv()
        .map_err(|_| io::Error::other("the child spawner thread did not answer"))?
}

#[cfg(target_os = "linux")]
fn spawn_with_death_signal(cmd: &mut Command) -> io::Result<Child> {
    use std::os::unix::process::CommandExt;
    // SAFETY: only async-signal-safe calls (prctl, getppid, _exit) between fork and exec.
    let parent = std::process::id() as libc::pid_t;
    unsafe {
        cmd.pre_exec(move || {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                return Err(io::Error::last_os_error());
            }
            // The parent may have died between fork and prctl; then nobody would signal us.
            if libc::getppid() != parent {
                libc::_exit(1);
            }
            Ok(())
        })
    };
    cmd.spawn()
}

#[cfg(not(target_os = "linux"))]
fn spawn_with_death_signal(cmd: &mut Command) -> io::Result<Child> {
    // No parent-death signal outside Linux: children are still killed on drop.
    cmd.spawn()
}

#[cfg(test)]
mod tests {
    use std::{
        process::{Command, Stdio},
        time::{Duration, Instant},
    };

    fn alive(pid: u32) -> bool {
        // A zombie still has a /proc entry; its state letter is Z.
        std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .map(|s| {
                !s.split(") ")
                    .nth(1)
                    .is_some_and(|rest| rest.starts_with('Z'))
            })
            .unwrap_or(false)
    }

    /// An anvil started by a process dies when that process is SIGKILLed (no destructor runs), even
    /// though the thread that started it has already ended.
    #[cfg(target_os = "linux")]
    #[test]
    fn tied_child_dies_with_its_parent() {
        // The child is this test binary itself, re-run in "parent" mode (see the test below).
        let exe = std::env::current_exe().unwrap();
        struct KillOnDrop(std::process::Child);
        impl Drop for KillOnDrop {
            fn drop(&mut self) {
                let _ = self.0.kill();
                let _ = self.0.wait();
            }
        }
        let mut parent = KillOnDrop(
            Command::new(exe)
                .args([
                    "--exact",
                    "child::tests::parent_mode",
                    "--nocapture",
                    "--ignored",
                ])
                .env("PODIUM_TIED_PARENT", "1")
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .unwrap(),
        );
        // The parent prints its grandchild's pid (after the harness's own lines), then sleeps.
        let stdout = std::io::BufReader::new(parent.0.stdout.take().unwrap());
        let mut seen = Vec::new();
        let pid: u32 = std::io::BufRead::lines(stdout)
            .map_while(Result::ok)
            .take(50)
            .find_map(|line| {
                let pid = line
                    .strip_prefix("grandchild ")
                    .and_then(|p| p.parse().ok());
                seen.push(line);
                pid
            })
            .unwrap_or_else(|| panic!("the parent printed no pid: {seen:?}"));
        assert!(alive(pid), "anvil runs while its parent lives");
        let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap();
        assert_eq!(comm.trim(), "anvil", "the native binary, not a launcher");
        parent.0.kill().unwrap(); // SIGKILL: no destructor runs in the parent
        parent.0.wait().unwrap();
        let started = Instant::now();
        while alive(pid) && started.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(
            !alive(pid),
            "grandchild {pid} outlived its SIGKILLed parent"
        );
    }

    /// Not a test on its own: the "parent" process of the test above.
    #[test]
    #[ignore = "run by tied_child_dies_with_its_parent as a separate process"]
    fn parent_mode() {
        if std::env::var_os("PODIUM_TIED_PARENT").is_none() {
            return;
        }
        // Started from a short-lived thread, which ends before the parent is killed.
        let node = std::thread::spawn(crate::anvil::Anvil::spawn)
            .join()
            .unwrap();
        println!("grandchild {}", node.pid());
        std::thread::sleep(Duration::from_secs(600));
    }
}
