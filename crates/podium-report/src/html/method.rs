//! The page's closing sections: how each number is measured and the commands that recompute it,
//! then the program's parameters.

use std::fmt::Write;

use podium_chain::time::{duration, utc};

use super::{raw, table, text};
use crate::{
    format::{addr, esc},
    model::Report,
    notes::{NOTES, STAKE_METHOD},
};

impl Report {
    pub(super) fn method_section(&self, o: &mut String) {
        o.push_str(r#"<section id="method"><h2>How each number is measured, and how to check it</h2><ul class="notes">"#);
        for note in NOTES {
            let _ = write!(o, "<li>{}</li>", esc(note));
        }
        let _ = write!(o, "<li>{}</li>", esc(STAKE_METHOD));
        let _ = write!(
            o,
            "<li>Amounts on this page are rounded to 0.01 {0}; <code>podium report --json</code> gives them exactly, in base units. Hover a bar to see its exact value.</li></ul>",
            esc(&self.symbol)
        );
        o.push_str("<h3>Recompute it yourself</h3><ul class=\"notes\">");
        let first = self.rounds.first();
        if let Some(r) = first {
            let scores: Vec<String> = r
                .input
                .scores
                .iter()
                .map(|s| s.display().to_string())
                .collect();
            let _ = write!(
                o,
                "<li><strong>Threshold counts, top 5, paid and unallocated per region</strong>: <code>podium build --round {n} --rules {rules} --scores {scores} --out /tmp/check.json --json</code> lists every orchestrator per region with its score, status (eligible, below threshold, excluded) and payout, the cap adjustments and the round's total; the same for every round.</li>",
                n = r.metrics.round,
                rules = esc(&r.input.rules.display().to_string()),
                scores = esc(&scores.join(" ")),
            );
            if let Some(d) = &r.input.distribution {
                let _ = write!(
                    o,
                    "<li><strong>That the paid round is this round</strong>: <code>podium verify --distribution {} --rules {} --scores {}</code> recomputes the payouts, tree and root from the rules and scores (this report did the same and refuses to run when they differ).</li>",
                    esc(&d.display().to_string()),
                    esc(&r.input.rules.display().to_string()),
                    esc(&scores.join(" ")),
                );
            }
        }
        o.push_str("<li><strong>First seen in the scores</strong>: list the addresses in each round's score files (lower-cased); an address is new in the first round that lists it.</li>");
        if let Some((bm, g)) = self
            .chain
            .as_ref()
            .and_then(|f| Some((f.bonding_manager?, f.registrations.as_ref()?)))
        {
            let _ = write!(
                o,
                "<li><strong>Newly registered on chain</strong>: <code>cast logs --rpc-url URL --from-block {} --address {} 'TranscoderUpdate(address indexed transcoder, uint256 rewardCut, uint256 feeShare)'</code> and the same with <code>'TranscoderActivated(address indexed transcoder, uint256 activationRound)'</code>; take each transcoder's earliest event of the two and count those whose block time falls in the round.</li>",
                g.from_block,
                addr(&bm)
            );
        }
        match &self.chain {
            Some(f) => {
                let _ = write!(
                    o,
                    "<li><strong>Roots and transactions</strong>: <code>cast logs --rpc-url URL --from-block {b} --address {d} 'RootPosted(uint256 indexed round, bytes32 root, uint256 total, uint256 validAt, string uri)'</code> (and <code>RootRevoked</code>), or <code>podium status --distributor {d} --rpc-url URL</code>.</li><li><strong>Claimed and unclaimed</strong>: <code>cast logs --rpc-url URL --from-block {b} --address {d} 'Claimed(uint256 indexed round, address indexed account, address recipient, uint256 amount)'</code>; add up <code>amount</code> per round; unclaimed = the posted root's total less that sum.</li>",
                    b = f.from_block,
                    d = addr(&f.distributor),
                );
                match f.bonding_manager {
                    Some(bm) => {
                        let _ = write!(
                            o,
                            "<li><strong>Staked within 7 days</strong>: for each claim's recipient, <code>cast logs --rpc-url URL --from-block CLAIM_BLOCK --address {} 'Bond(address indexed newDelegate, address indexed oldDelegate, address indexed delegator, uint256 additionalAmount, uint256 bondedAmount)' '' '' RECIPIENT</code>; count the <code>additionalAmount</code> of bonds at most 7 days after the claim, up to the claimed amount, each bond once.</li>",
                            addr(&bm)
                        );
                    }
                    None => o.push_str("<li><strong>Staked within 7 days</strong>: not measured: no BondingManager was given (<code>--bonding-manager</code>).</li>"),
                }
            }
            None => o.push_str("<li><strong>Claims and stake</strong>: not in this report; run <code>podium report</code> with <code>--rpc-url</code> to read them from the chain.</li>"),
        }
        o.push_str("</ul></section>");
    }

    pub(super) fn program_section(&self, o: &mut String) {
        let p = &self.program;
        let mut rows = vec![
            vec![
                text(self.program_what.trim_start_matches("the ")),
                raw(format!(
                    "<code>{}</code>",
                    esc(&self.program_path.display().to_string())
                )),
            ],
            vec![text("chain id"), text(p.chain_id.to_string())],
            vec![
                text("token"),
                raw(format!(
                    r#"<span class="hash">{}</span> ({})"#,
                    addr(&p.token),
                    esc(&self.symbol)
                )),
            ],
            vec![
                text("funder (receives leftovers)"),
                raw(format!(r#"<span class="hash">{}</span>"#, addr(&p.funder))),
            ],
            vec![
                text("committee (posts roots)"),
                raw(format!(
                    r#"<span class="hash">{}</span>"#,
                    addr(&p.committee)
                )),
            ],
            vec![text("start of round 1"), text(utc(p.timeline.start))],
            vec![
                text("round duration"),
                text(duration(p.timeline.round_duration)),
            ],
            vec![text("rounds"), text(p.timeline.round_count.to_string())],
            vec![
                text("budget per round"),
                text(format!("{} {}", p.round_budget, self.symbol)),
            ],
            vec![
                text("root delay (challenge window)"),
                text(duration(p.timeline.root_delay)),
            ],
            vec![
                text("claim window after the last round"),
                text(duration(p.timeline.claim_window)),
            ],
        ];
        if let Some(f) = &self.chain {
            rows.push(vec![
                text("distributor"),
                raw(format!(
                    r#"<span class="hash">{}</span>"#,
                    addr(&f.distributor)
                )),
            ]);
            rows.push(vec![
                text("BondingManager"),
                raw(f.bonding_manager.map_or_else(
                    || "none given".into(),
                    |b| format!(r#"<span class="hash">{}</span>"#, addr(&b)),
                )),
            ]);
            rows.push(vec![
                text("chain read"),
                text(format!(
                    "{} at block {} ({}), logs from block {} in {} queries",
                    f.url,
                    f.latest_block,
                    utc(f.now),
                    f.from_block,
                    f.log_queries
                )),
            ]);
        }
        o.push_str(r#"<section id="program"><h2>Program parameters</h2>"#);
        table(o, "As configured", &["parameter", "value"], rows);
        o.push_str("</section>");
    }
}
