//! `podium status`: where the program stands, read from the chain: every round's window, state,
//! root, total, what it has paid and has left (the contract's per-round counter); the money; what
//! `sweep` would send; the deadlines.

use clap::Args;
use podium_chain::{
    alloy::primitives::{B256, U256},
    bindings::IPodiumDistributor::RoundState,
    distributor::{Overview, Status, overview},
    time::utc,
};
use serde_json::json;

use super::{Outcome, tx::ChainOpts};
use crate::output::{Output, addr, align_right, print_json, table, tokens};

/// Show the program: every round's state, root, total and claims, the balance, what is owed, what
/// sweep would send, and the deadlines.
#[derive(Debug, Args)]
pub(crate) struct StatusArgs {
    /// First block to scan for Claimed events (default: the deployment block from the record, else 0).
    #[arg(long, value_name = "BLOCK")]
    from_block: Option<u64>,

    #[command(flatten)]
    chain: ChainOpts,
}

fn u64_of(v: U256) -> u64 {
    u64::try_from(v).unwrap_or(u64::MAX)
}

/// The state column in words.
fn state_text(s: &RoundState) -> String {
    let revoked = if s.revocations.is_zero() {
        String::new()
    } else {
        format!(" (revoked ×{})", s.revocations)
    };
    match Status::of(s) {
        Some(Status::Open) => "open".into(),
        Some(Status::Ended) => format!("ended, no root{revoked}"),
        Some(Status::Pending) => format!("pending until {}{revoked}", utc(u64_of(s.validAt))),
        Some(Status::Valid) => format!("valid{revoked}"),
        Some(Status::Closed) => "closed, no root".into(),
        None => format!("unknown status {}", s.status),
    }
}

fn state_key(s: &RoundState) -> &'static str {
    Status::of(s).map_or("unknown", Status::key)
}

fn short(root: &B256) -> String {
    let s = root.to_string();
    format!("{}…{}", &s[..10], &s[s.len() - 6..])
}

impl StatusArgs {
    pub(crate) fn run(self, output: Output) -> eyre::Result<Outcome> {
        podium_chain::block_on(self.run_async(output))
    }

    async fn run_async(self, output: Output) -> eyre::Result<Outcome> {
        let (chain, target) = self.chain.connect(false).await?;
        let from_block = self
            .from_block
            .or(target.record.as_ref().map(|r| r.block))
            .unwrap_or(0);
        let o = overview(&chain, target.address, from_block).await?;
        if output.json() {
            print_json(&to_json(&o, chain.chain_id))?;
        } else {
            print_human(&o, chain.chain_id);
        }
        Ok(Outcome::Success)
    }
}

fn to_json(o: &Overview, chain_id: u64) -> serde_json::Value {
    let t = &o.timeline;
    let rounds: Vec<_> = o
        .rounds
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let r = i as u64 + 1;
            let posted = !s.postedAt.is_zero();
            json!({
                "round": r,
                "startsAt": u64_of(s.startsAt),
                "endsAt": u64_of(s.endsAt),
                "state": state_key(s),
                "root": posted.then(|| s.root.to_string()),
                "total": s.total.to_string(),
                "postedAt": posted.then(|| u64_of(s.postedAt)),
                "validAt": posted.then(|| u64_of(s.validAt)),
                "uri": s.uri,
                "revocations": u64_of(s.revocations),
                "claimed": s.paid.to_string(),
                "left": s.left.to_string(),
            })
        })
        .collect();
    json!({
        "chainId": chain_id,
        "distributor": addr(&o.address),
        "token": {"address": addr(&o.token.address), "symbol": o.token.symbol, "decimals": o.token.decimals},
        "funder": addr(&o.funder),
        "committee": addr(&o.committee),
        "pendingCommittee": (!o.pending_committee.is_zero()).then(|| addr(&o.pending_committee)),
        "now": o.now,
        "timeline": {
            "start": t.start,
            "roundDuration": t.round_duration,
            "roundCount": t.round_count,
            "programEnd": t.program_end(),
            "claimDeadline": t.claim_deadline(),
            "rootDelay": t.root_delay,
            "claimWindow": t.claim_window,
        },
        "roundBudget": o.round_budget.to_string(),
        "balance": o.balance.to_string(),
        "totalFunded": o.total_funded.to_string(),
        "totalAllocated": o.total_allocated.to_string(),
        "claimed": o.claimed.values().copied().sum::<U256>().to_string(),
        "owed": o.owed().to_string(),
        "unallocated": o.unallocated.to_string(),
        "unallocatedSwept": o.unallocated_swept.to_string(),
        "outstanding": o.outstanding.to_string(),
        "sweepable": o.sweepable.to_string(),
        "rounds": rounds,
    })
}

fn print_human(o: &Overview, chain_id: u64) {
    let dec = o.token.decimals;
    let sym = &o.token.symbol;
    let amount = |v: U256| format!("{} {sym}", tokens(v, dec));
    println!(
        "distributor {} on chain {chain_id}, paying {} ({})",
        addr(&o.address),
        sym,
        addr(&o.token.address)
    );
    println!("chain time  {}", utc(o.now));
    let mut t = table(&[
        "Round",
        "Window (UTC)",
        "State",
        "Root",
        "Total",
        "Claimed",
        "Left",
    ]);
    for (i, s) in o.rounds.iter().enumerate() {
        let r = i as u64 + 1;
        let posted = !s.postedAt.is_zero();
        let window = format!("{} → {}", utc(u64_of(s.startsAt)), utc(u64_of(s.endsAt)));
        t.add_row(vec![
            r.to_string(),
            window,
            state_text(s),
            if posted { short(&s.root) } else { "-".into() },
            if posted {
                tokens(s.total, dec)
            } else {
                "-".into()
            },
            tokens(s.paid, dec),
            if posted {
                tokens(s.left, dec)
            } else {
                "-".into()
            },
        ]);
    }
    align_right(&mut t, &[0, 4, 5, 6]);
    println!("{t}");
    let claimed: U256 = o.claimed.values().copied().sum();
    println!("balance      {}", amount(o.balance));
    println!(
        "funded       {} of the program's {}",
        amount(o.total_funded),
        amount(o.round_budget * U256::from(o.timeline.round_count))
    );
    println!(
        "allocated    {} (claimed {}, still owed {})",
        amount(o.total_allocated),
        amount(claimed),
        amount(o.owed())
    );
    println!("unallocated  {}", amount(o.unallocated));
    println!(
        "sweepable    {} (what `podium sweep` would send the funder now)",
        amount(o.sweepable)
    );
    let t = &o.timeline;
    println!("program end  {}", utc(t.program_end()));
    println!(
        "claims close {} (posting closes then too)",
        utc(t.claim_deadline())
    );
    println!("committee    {}", addr(&o.committee));
    if !o.pending_committee.is_zero() {
        println!(
            "proposed     {} (not yet accepted)",
            addr(&o.pending_committee)
        );
    }
    println!("funder       {}", addr(&o.funder));
}
