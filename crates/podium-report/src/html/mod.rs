//! The report as one self-contained HTML page: inline CSS, inline SVG charts, no script, nothing
//! loaded from anywhere, so it opens offline and can be mailed or attached to a forum post.
//!
//! Every number in a table cell and on a bar carries `data-k` (its key, e.g. `r2.FRA.met`) and
//! `data-value` (the number exactly as the JSON has it), which the browser test checks.

use std::fmt::Write;

use podium_chain::time::{duration, utc};

use crate::{
    format::{esc, percent, registered},
    model::{Report, RoundReport},
};

mod charts;
mod method;
mod round;
mod svg;

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
    pub fn html(&self) -> String {
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
            r#"<h1>Program report</h1><p class="lede">{} of {} rounds reported, {} {} per round, rounds of {} from {} on chain {}. Made by <code>podium report</code> from {} <code>{}</code> and each round's rules, scores and distribution file{}.</p>"#,
            self.rounds.len(),
            p.timeline.round_count,
            esc(p.round_budget.as_str()),
            esc(sym),
            duration(p.timeline.round_duration),
            utc(p.timeline.start),
            p.chain_id,
            self.program_what,
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
            None => text(registered(r)),
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
}
