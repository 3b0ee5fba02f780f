//! A round's section of the page: its charts, its tables per region and of top scores, and where
//! its numbers come from (files, digests, roots, transactions).

use std::fmt::Write;

use podium_chain::time::utc;

use super::{Cell, num, raw, table, text};
use crate::{
    format::{addr, esc, short},
    metrics::TOP,
    model::{Report, RoundReport},
};

impl Report {
    pub(super) fn round_section(&self, o: &mut String, r: &RoundReport) {
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
                for k in 0..TOP {
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
}
