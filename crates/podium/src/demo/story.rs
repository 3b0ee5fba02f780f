//! Printing the demo as a story: headings, the commands as a person would type them, their output.

use std::{
    path::Path,
    process::{Command, Stdio},
};

use eyre::{WrapErr, bail};

pub(super) struct Story {
    step: usize,
}

impl Story {
    pub(super) fn new() -> Self {
        Self { step: 0 }
    }

    pub(super) fn heading(&mut self, text: &str) {
        self.step += 1;
        println!("\n\x1b[1m== {}. {text}\x1b[0m", self.step);
    }

    pub(super) fn say(&self, text: &str) {
        println!("   {text}");
    }

    pub(super) fn show_command(&self, bin: &Path, args: &[String]) {
        let name = bin
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let shown: Vec<String> = args.iter().map(|a| shell_quote(a)).collect();
        println!("\n\x1b[36m$ {name} {}\x1b[0m", shown.join(" "));
    }

    /// Runs a command with its output shown; a failure stops the demo with the command named.
    pub(super) fn run<S: AsRef<str>>(
        &self,
        bin: &Path,
        args: &[S],
        env: &[(&str, String)],
    ) -> eyre::Result<()> {
        let args: Vec<String> = args.iter().map(|a| a.as_ref().to_owned()).collect();
        self.show_command(bin, &args);
        let status = Command::new(bin)
            .args(&args)
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .stdin(Stdio::null())
            .status()
            .wrap_err_with(|| format!("starting {}", bin.display()))?;
        if !status.success() {
            bail!("`{} {}` failed ({status})", bin.display(), args.join(" "));
        }
        Ok(())
    }

    /// The same steps by hand, against any chain.
    pub(super) fn by_hand(&self, dir: &str) {
        println!(
            "\n\x1b[1mThe same steps by hand, against any chain\x1b[0m (see README: \"For the committee: running a program\")\n\
             \n  export ETH_RPC_URL=https://…            # your node\
             \n  export ETH_KEYSTORE=… ETH_PASSWORD=…     # or --private-key-env VAR\
             \n  podium deploy --config program.toml\
             \n  podium fund   --deployment program.deployment.json\
             \n  # each week, after the round ends:\
             \n  podium snapshot --round N --deployment program.deployment.json   # the week's scores, into rounds/round-N/scores/\
             \n  podium build  --round N --rules rounds/round-N/rules.toml --scores rounds/round-N/scores --chain-id ID --distributor ADDR --out rounds/round-N.json\
             \n  podium verify --distribution rounds/round-N.json --rules rounds/round-N/rules.toml --scores rounds/round-N/scores\
             \n  podium publish --deployment program.deployment.json --rounds rounds --out site   # host site/ anywhere (web space, IPFS)\
             \n  podium post   --distribution rounds/round-N.json --deployment program.deployment.json --uri https://…/round-N.json   # or --safe SAFE --out batch.json\
             \n  podium status --deployment program.deployment.json\
             \n  # orchestrators:\
             \n  podium-claim --keystore ~/.lpData/arbitrum-one-mainnet/keystore --password-file pw.txt ROUNDS_DIR_OR_URLS\
             \n  # after the program, and again after the claim window:\
             \n  podium sweep  --deployment program.deployment.json\
             \n\n  This run's files (program, deployment record, distribution files, logs): {dir}"
        );
    }
}

/// A path as it is best shown: relative to the current directory when inside it.
pub(super) fn rel(path: &Path) -> String {
    let cwd = std::env::current_dir().ok();
    match cwd.as_deref().and_then(|c| path.strip_prefix(c).ok()) {
        Some(p) => p.display().to_string(),
        None => path.display().to_string(),
    }
}

fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@,+".contains(c))
    {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}
