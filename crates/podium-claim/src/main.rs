//! `podium-claim`: see the library for everything; `--help` for how to use it.

fn main() -> std::process::ExitCode {
    podium_claim::main_exit()
}
