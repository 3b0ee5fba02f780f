//! The report as one self-contained HTML page: inline CSS, inline SVG charts, no script, nothing
//! loaded from anywhere, so it opens offline and can be mailed or attached to a forum post.
//!
//! Every number in a table cell and on a bar carries `data-k` (its key, e.g. `r2.FRA.met`) and
//! `data-value` (the number exactly as the JSON has it), which the browser test checks.

use std::fmt::Write;

use podium_chain::time::{duration, utc};

use super::{
    Report, RoundReport,
    json::{NOTES, STAKE_METHOD},
    percent,
    text::short,
};
use crate::output::addr;

/// Escapes text for HTML and SVG (element content and double-quoted attributes).
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const CSS: &str = r#"
:root { color-scheme: light; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: #1f2328; background: #f6f7f9; margin: 0; }
main { max-width: 1240px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 28px; margin: 8px 0 4px; }
h2 { font-size: 21px; margin: 36px 0 6px; padding-top: 12px; border-top: 2px solid #d0d7de; }
h3 { font-size: 16px; margin: 20px 0 6px; }
.lede { color: #57606a; margin: 0 0 12px; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 14px; }
.card { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 8px; }
.card.wide { grid-column: 1 / -1; }
svg.chart { width: 100%; height: auto; display: block; }
svg.chart text { font-family: inherit; font-size: 12px; fill: #1f2328; }
svg.chart .title { font-size: 15px; font-weight: 600; }
svg.chart .tick, svg.chart .legend { fill: #57606a; }
svg.chart .axis-label { font-size: 12px; fill: #57606a; }
svg.chart .category { font-size: 13px; font-weight: 600; }
svg.chart .value { font-size: 11px; }
svg.chart .value.inside { fill: #fff; font-weight: 600; }
svg.chart .grid { stroke: #e6e9ed; }
svg.chart .axis { stroke: #57606a; }
svg.chart .reference { stroke: #c62828; stroke-width: 1.5; stroke-dasharray: 6 4; }
svg.chart .reference-label { fill: #c62828; font-size: 12px; font-weight: 600; stroke: #fff; stroke-width: 3px; paint-order: stroke; }
table { border-collapse: collapse; background: #fff; margin: 6px 0 10px; font-size: 13.5px; }
th, td { border: 1px solid #d0d7de; padding: 4px 9px; vertical-align: top; }
th { background: #eef1f4; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
code, .hash { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
.hash { word-break: break-all; }
.excluded { color: #8c959f; }
.warn { background: #fff4e5; border: 1px solid #e08a1e; border-radius: 6px; padding: 8px 12px; }
ul.notes li { margin: 4px 0; }
"#;

struct Cell {
    html: String,
    key: Option<(String, String)>,
    numeric: bool,
}

fn text(s: impl AsRef<str>) -> Cell {
    Cell {
        html: esc(s.as_ref()),
        key: None,
        numeric: false,
    }
}

fn num(display: impl AsRef<str>, key: String, exact: impl ToString) -> Cell {
    Cell {
        html: esc(display.as_ref()),
        key: Some((key, exact.to_string())),
        numeric: true,
    }
}

fn raw(html: String) -> Cell {
    Cell {
        html,
        key: None,
        numeric: false,
    }
}

fn table(out: &mut String, caption: &str, header: &[&str], rows: Vec<Vec<Cell>>) {
    let _ = write!(out, "<h3>{}</h3><table><thead><tr>", esc(caption));
    for h in header {
        let _ = write!(out, "<th>{}</th>", esc(h));
    }
    out.push_str("</tr></thead><tbody>");
    for row in rows {
        out.push_str("<tr>");
        for c in row {
            let class = if c.numeric { r#" class="n""# } else { "" };
            match c.key {
                Some((k, v)) => {
                    let _ = write!(
                        out,
                        r#"<td{class} data-k="{}" data-value="{}">{}</td>"#,
                        esc(&k),
                        esc(&v),
                        c.html
                    );
                }
                None => {
                    let _ = write!(out, "<td{class}>{}</td>", c.html);
                }
            }
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
}

impl Report {
    /// The whole page.
    pub(crate) fn html(&self) -> String {
        let p = &self.program;
        let sym = &self.symbol;
        let mut o = String::with_capacity(256 * 1024);
        let _ = write!(
            o,
            r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="generator" content="podium {}"><title>Program report: {} rounds of {} {}</title><style>{CSS}</style></head><body><main>"#,
            env!("CARGO_PKG_VERSION"),
            p.timeline.round_count,
            esc(p.round_budget.as_str()),
            esc(sym)
        );
        let _ = write!(
            o,
            r#"<h1>Program report</h1><p class="lede">{} of {} rounds reported, {} {} per round, rounds of {} from {} on chain {}. Made by <code>podium report</code> from the program file <code>{}</code> and each round's rules, scores and distribution file{}.</p>"#,
            self.rounds.len(),
            p.timeline.round_count,
            esc(p.round_budget.as_str()),
            esc(sym),
            duration(p.timeline.round_duration),
            utc(p.timeline.start),
            p.chain_id,
            esc(&self.program_path.display().to_string()),
            match &self.chain {
                Some(f) => format!(
                    ", and the chain as of block {} ({})",
                    f.latest_block,
                    utc(f.now)
                ),
                None => ", without chain data (no --rpc-url)".into(),
            }
        );
        if !self.warnings.is_empty() {
            o.push_str(r#"<div class="warn"><strong>Warnings</strong><ul>"#);
            for w in &self.warnings {
                let _ = write!(o, "<li>{}</li>", esc(w));
            }
            o.push_str("</ul></div>");
        }

        o.push_str(r#"<section id="overview"><h2>Overview</h2><div class="charts">"#);
        for c in self.trend_charts() {
            let class = if c.wide { "card wide" } else { "card" };
            let _ = write!(o, r#"<div class="{class}">{}</div>"#, c.render());
        }
        o.push_str("</div>");
        self.summary_table(&mut o);
        o.push_str("</section>");

        for r in &self.rounds {
            self.round_section(&mut o, r);
        }
        self.method_section(&mut o);
        self.program_section(&mut o);
        let _ = writeln!(
            o,
            "<footer><p class=\"lede\">podium {} · this page loads nothing from the network.</p></footer></main></body></html>",
            env!("CARGO_PKG_VERSION")
        );
        o
    }

    fn summary_table(&self, o: &mut String) {
        let sym = &self.symbol;
        let mut header = vec![
            "round".to_owned(),
            "ended".into(),
            "scored".into(),
            "met threshold".into(),
            "newly registered (chain)".into(),
            "first seen in scores".into(),
            format!("paid ({sym})"),
            format!("unallocated ({sym})"),
            "recipients".into(),
        ];
        if self.chain.is_some() {
            header.extend([
                format!("claimed ({sym})"),
                format!("unclaimed ({sym})"),
                "staked ≤ 7 days".into(),
            ]);
        }
        let rows = self
            .rounds
            .iter()
            .map(|r| {
                let (m, n) = (&r.metrics, r.metrics.round);
                let mut row = vec![
                    text(n.to_string()),
                    text(utc(r.window.1)),
                    num(m.scored.to_string(), format!("r{n}.all.scored"), m.scored),
                    num(m.met.to_string(), format!("r{n}.all.met"), m.met),
                    self.registered_cell(r),
                    num(
                        m.new.len().to_string(),
                        format!("r{n}.all.new"),
                        m.new.len(),
                    ),
                    num(self.tokens(m.paid), format!("r{n}.paid"), m.paid),
                    num(
                        self.tokens(m.unallocated),
                        format!("r{n}.unallocated"),
                        m.unallocated,
                    ),
                    num(
                        m.recipients.to_string(),
                        format!("r{n}.recipients"),
                        m.recipients,
                    ),
                ];
                if let Some(c) = &r.chain {
                    row.push(num(
                        self.tokens(c.claims.claimed),
                        format!("r{n}.claimed"),
                        c.claims.claimed,
                    ));
                    row.push(num(
                        self.tokens(c.unclaimed),
                        format!("r{n}.unclaimed"),
                        c.unclaimed,
                    ));
                    row.push(self.staked_cell(r));
                } else if self.chain.is_some() {
                    row.extend([text("–"), text("–"), text("–")]);
                }
                row
            })
            .collect();
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        table(o, "Every round", &header, rows);
    }

    /// The on-chain "newly registered" figure (key `rN.registered`), or why it is unavailable.
    fn registered_cell(&self, r: &RoundReport) -> Cell {
        match &r.registered {
            Some(a) => num(
                a.len().to_string(),
                format!("r{}.registered", r.metrics.round),
                a.len(),
            ),
            None => text(Self::registered_text(r)),
        }
    }

    fn staked_cell(&self, r: &RoundReport) -> Cell {
        let (Some(c), Some(f)) = (&r.chain, &self.chain) else {
            return text("–");
        };
        if f.bonds.is_none() {
            return text("not measured (no BondingManager)");
        }
        let n = r.metrics.round;
        let mut shown = format!(
            "{} ({})",
            self.tokens(c.claims.staked),
            percent(c.claims.staked, c.claims.claimed)
        );
        if c.claims.open_windows > 0 {
            let _ = write!(shown, ", {} week(s) still open", c.claims.open_windows);
        }
        num(shown, format!("r{n}.staked"), c.claims.staked)
    }

    fn round_section(&self, o: &mut String, r: &RoundReport) {
        let (m, n) = (&r.metrics, r.metrics.round);
        let sym = &self.symbol;
        let _ = write!(
            o,
            r#"<section id="round-{n}"><h2>Round {n} · {} to {}</h2><p class="lede">Rules: {}. Budget {} {sym}: paid {} to {} accounts, {} unallocated.</p><div class="charts">"#,
            utc(r.window.0),
            utc(r.window.1),
            esc(&r.rules_summary),
            self.tokens(m.budget),
            self.tokens(m.paid),
            m.recipients,
            self.tokens(m.unallocated),
        );
        for c in self.round_charts(r) {
            let class = if c.wide { "card wide" } else { "card" };
            let _ = write!(o, r#"<div class="{class}">{}</div>"#, c.render());
        }
        o.push_str("</div>");

        let rows = m
            .regions
            .iter()
            .map(|g| {
                let k = |what: &str| format!("r{n}.{}.{what}", g.region);
                vec![
                    text(g.region.to_string()),
                    text(
                        g.threshold
                            .map_or_else(|| "no pool".into(), |t| t.to_string()),
                    ),
                    num(g.scored.to_string(), k("scored"), g.scored),
                    num(g.met.to_string(), k("met"), g.met),
                    num(g.excluded.to_string(), k("excluded"), g.excluded),
                    num(g.new.to_string(), k("new"), g.new),
                    num(self.tokens(g.pool), k("pool"), g.pool),
                    num(self.tokens(g.split), k("split"), g.split),
                    num(
                        self.tokens(g.cut_by_cap + g.below_minimum),
                        k("cut"),
                        g.cut_by_cap + g.below_minimum,
                    ),
                    num(self.tokens(g.paid), k("paid"), g.paid),
                    num(self.tokens(g.unallocated), k("unallocated"), g.unallocated),
                ]
            })
            .collect();
        table(
            o,
            &format!("Round {n}: per region"),
            &[
                "region",
                "threshold",
                "scored",
                "met threshold",
                "excluded",
                "first seen in scores",
                &format!("pool ({sym})"),
                &format!("split ({sym})"),
                &format!("cut by cap ({sym})"),
                &format!("paid ({sym})"),
                &format!("unallocated ({sym})"),
            ],
            rows,
        );

        let rows = m
            .regions
            .iter()
            .map(|g| {
                let mut row = vec![text(g.region.to_string())];
                for k in 0..super::metrics::TOP {
                    row.push(match g.top.get(k) {
                        Some(t) => {
                            let class = if t.excluded { "hash excluded" } else { "hash" };
                            let mark = if t.excluded {
                                " excluded"
                            } else if t.met {
                                ""
                            } else {
                                " below"
                            };
                            Cell {
                                html: format!(
                                    r#"{}<br><span class="{class}" title="{}">{}{mark}</span>"#,
                                    t.score,
                                    addr(&t.account),
                                    short(&t.account)
                                ),
                                key: Some((
                                    format!("r{n}.{}.top{}", g.region, k + 1),
                                    t.score.to_string(),
                                )),
                                numeric: true,
                            }
                        }
                        None => text("–"),
                    });
                }
                row
            })
            .collect();
        table(
            o,
            &format!("Round {n}: top 5 scores per region"),
            &["region", "1st", "2nd", "3rd", "4th", "5th"],
            rows,
        );

        let mut facts = vec![
            vec![
                text("rules"),
                raw(format!(
                    "<code>{}</code>",
                    esc(&r.input.rules.display().to_string())
                )),
            ],
            vec![
                text("scores"),
                raw(r
                    .input
                    .scores
                    .iter()
                    .map(|s| format!("<code>{}</code>", esc(&s.display().to_string())))
                    .collect::<Vec<_>>()
                    .join("<br>")),
            ],
            vec![
                text("distribution file"),
                raw(r.input.distribution.as_ref().map_or_else(
                    || "none (not built)".into(),
                    |d| format!("<code>{}</code>", esc(&d.display().to_string())),
                )),
            ],
            vec![
                text("rules digest"),
                raw(format!(r#"<span class="hash">{}</span>"#, r.rules_digest)),
            ],
            vec![
                text("score inputs digest"),
                raw(format!(r#"<span class="hash">{}</span>"#, r.inputs_digest)),
            ],
            vec![
                text("Merkle root (file)"),
                raw(r.root.map_or_else(
                    || "–".into(),
                    |root| format!(r#"<span class="hash">{root}</span>"#),
                )),
            ],
        ];
        facts.push(vec![
            text("newly registered on chain"),
            match &r.registered {
                Some(a) if !a.is_empty() => raw(format!(
                    r#"{}: {}"#,
                    a.len(),
                    a.iter()
                        .map(|x| format!(r#"<span class="hash">{}</span>"#, addr(x)))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
                Some(_) => text("0"),
                None => text(self.registrations_unavailable().unwrap_or("unavailable")),
            },
        ]);
        facts.push(vec![
            text("first seen in the scores"),
            text(m.new.len().to_string()),
        ]);
        if let Some(c) = &r.chain {
            facts.push(vec![
                text("root on chain"),
                raw(match &c.posted {
                    Some(p) => format!(
                        r#"<span class="hash">{}</span><br>total {} {sym}, claimable from {}<br>posted in transaction <span class="hash">{}</span> (block {})"#,
                        p.root,
                        self.tokens(p.total),
                        utc(p.valid_at),
                        p.tx,
                        p.block
                    ),
                    None => "not posted".into(),
                }),
            ]);
            if c.revoked > 0 {
                facts.push(vec![text("roots revoked"), text(c.revoked.to_string())]);
            }
            facts.push(vec![
                text("claims"),
                text(format!(
                    "{} claims by {} accounts: {} {sym} claimed, {} {sym} unclaimed",
                    c.claims.claims,
                    c.claims.accounts,
                    self.tokens(c.claims.claimed),
                    self.tokens(c.unclaimed)
                )),
            ]);
            facts.push(vec![
                text(format!("claimed {sym} staked within 7 days")),
                self.staked_cell(r),
            ]);
        }
        table(
            o,
            &format!("Round {n}: where the numbers come from"),
            &["what", "value"],
            facts,
        );
        o.push_str("</section>");
    }

    fn method_section(&self, o: &mut String) {
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

    fn program_section(&self, o: &mut String) {
        let p = &self.program;
        let mut rows = vec![
            vec![
                text("program file"),
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

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
