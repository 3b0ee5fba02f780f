//! Shared printing: tables for people, JSON for scripts, progress on stderr while a person waits,
//! and what happens when the reader goes away (`podium status | head`).

use std::{io::IsTerminal, time::Duration};

use alloy_primitives::{Address, U256};
use indicatif::{ProgressBar, ProgressFinish, ProgressStyle};
use podium_core::TokenAmount;

/// How a command prints its result: text and tables for people, or (`--json`, one global flag for
/// every command) one JSON document on stdout for scripts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Output {
    json: bool,
}

impl Output {
    pub(crate) fn new(json: bool) -> Self {
        Self { json }
    }

    /// Whether the result is printed as JSON (`--json`).
    pub(crate) fn json(self) -> bool {
        self.json
    }

    /// Whether progress is drawn: only for a person watching, so not with `--json` and not when
    /// stderr is a file or a pipe (scripts, CI logs, the tests), where it would be noise.
    pub(crate) fn shows_progress(self) -> bool {
        !self.json && std::io::stderr().is_terminal()
    }

    /// A progress line on stderr drawn with an indicatif `template` (e.g. `{spinner} {pos}/{len}
    /// requests {wide_msg}`), ticking on its own so a long step still moves, and erased when it is
    /// finished or dropped (also on an error), so nothing of it is left above the result. Hidden
    /// (every call on it does nothing) unless [`Output::shows_progress`]. Never on stdout.
    pub(crate) fn progress(self, template: &str) -> ProgressBar {
        if !self.shows_progress() {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::new(0)
            .with_style(ProgressStyle::with_template(template).expect("a valid template"))
            .with_finish(ProgressFinish::AndClear);
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    }

    /// A spinner with the step under way and how long it has taken: `⠙ building the Merkle tree
    /// (3s)`. Set the step with `set_message`; print other lines through `suspend`.
    pub(crate) fn spinner(self, step: &str) -> ProgressBar {
        let bar = self.progress("{spinner} {msg} ({elapsed})");
        bar.set_message(step.to_owned());
        bar
    }
}

pub(crate) use podium_core::table::{align_right, table};

/// An amount in whole tokens, exact.
pub(crate) fn tokens(units: U256, decimals: u8) -> String {
    TokenAmount::from_units(units, decimals).to_string()
}

/// A checksummed address.
pub(crate) fn addr(a: &Address) -> String {
    a.to_checksum(None)
}

/// Prints a JSON value for scripts, one document on stdout.
pub(crate) fn print_json(v: &serde_json::Value) -> eyre::Result<()> {
    println!("{}", serde_json::to_string_pretty(v)?);
    Ok(())
}

/// The exit status when the reader of stdout (or stderr) went away before podium finished printing,
/// as in `podium status | head`: 141, which is what a shell reports for a program ended by SIGPIPE
/// (128 + 13), the status of `cat`, `cargo` and the other Unix filters in the same place. Everything
/// the command does besides printing is done by then (`build` writes its file before its report).
pub(crate) const BROKEN_PIPE: u8 = 141;

/// Makes a write to a closed pipe end the process quietly with [`BROKEN_PIPE`].
///
/// Rust ignores SIGPIPE, so such a write fails with EPIPE, and `println!` turns that failure into a
/// panic ("failed printing to stdout: Broken pipe", with a backtrace where one is enabled). This
/// hook catches that panic, whichever command and thread printed; every other panic goes to the
/// default hook. Errors that come back as values instead are caught by [`is_broken_pipe`].
pub(crate) fn quiet_on_broken_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if info.payload_as_str().is_some_and(is_broken_pipe_message) {
            std::process::exit(i32::from(BROKEN_PIPE));
        }
        default(info);
    }));
}

/// Whether a panic message is a failed print to a closed stdout or stderr (`println!`, clap's help).
fn is_broken_pipe_message(message: &str) -> bool {
    (message.contains("stdout") || message.contains("stderr"))
        && (message.contains("Broken pipe") || message.contains("os error 32"))
}

/// Whether an error is a write to a closed pipe (a `BufWriter` on stdout, `serde_json::to_writer`).
pub(crate) fn is_broken_pipe(e: &eyre::Report) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .map(std::io::Error::kind)
            .or_else(|| {
                cause
                    .downcast_ref::<serde_json::Error>()
                    .and_then(serde_json::Error::io_error_kind)
            })
            == Some(std::io::ErrorKind::BrokenPipe)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_failed_prints_to_a_closed_pipe() {
        assert!(is_broken_pipe_message(
            "failed printing to stdout: Broken pipe (os error 32)"
        ));
        assert!(!is_broken_pipe_message("index out of bounds"));
        let e = eyre::Report::new(std::io::Error::from(std::io::ErrorKind::BrokenPipe))
            .wrap_err("printing the report");
        assert!(is_broken_pipe(&e));
        let json = serde_json::Error::io(std::io::Error::from(std::io::ErrorKind::BrokenPipe));
        assert!(is_broken_pipe(&eyre::Report::new(json)));
        assert!(!is_broken_pipe(&eyre::eyre!("something else")));
    }
}
