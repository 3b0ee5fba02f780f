//! The report as terminal tables.

use std::fmt::Write;

use alloy_primitives::U256;
use podium_chain::time::{duration, utc};
use podium_core::table::{align_right, table};

use crate::{
    format::{addr, percent, registered, short},
    model::Report,
    notes::{NOTES, STAKE_METHOD},
};

impl Report {
    /// Every table, as one text for the terminal.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let p = &self.program;
        let sym = &self.symbol;
        let _ = writeln!(
            out,
            "Program {} on chain {}: {} rounds of {} {sym} from {}, {} each; root delay {}, claim window {}\n",
            self.program_path.display(),
            p.chain_id,
            p.timeline.round_count,
            p.round_budget,
            utc(p.timeline.start),
            duration(p.timeline.round_duration),
            duration(p.timeline.root_delay),
            duration(p.timeline.claim_window),
        );

        let mut t = table(&[
            "round",
            "ended",
            "scored",
            "met threshold",
            "newly registered (chain)",
            "first seen in scores",
            &format!("paid ({sym})"),
            &format!("unallocated ({sym})"),
            "recipients",
            "root",
        ]);
        for r in &self.rounds {
            let m = &r.metrics;
            t.add_row(vec![
                m.round.to_string(),
                utc(r.window.1),
                m.scored.to_string(),
                m.met.to_string(),
                registered(r),
                m.new.len().to_string(),
                self.tokens(m.paid),
                self.tokens(m.unallocated),
                m.recipients.to_string(),
                r.root
                    .map_or_else(|| "not built".into(), |root| root.to_string()),
            ]);
        }
        align_right(&mut t, &[0, 2, 3, 4, 5, 6, 7, 8]);
        let _ = writeln!(out, "Rounds\n{t}\n");
        match self.registrations_unavailable() {
            Some(why) => {
                let _ = writeln!(out, "Newly registered (chain): {why}.\n");
            }
            None => {
                for r in &self.rounds {
                    if let Some(a) = r.registered.as_ref().filter(|a| !a.is_empty()) {
                        let list: Vec<String> = a.iter().map(addr).collect();
                        let _ = writeln!(
                            out,
                            "Newly registered in round {}: {}",
                            r.metrics.round,
                            list.join(", ")
                        );
                    }
                }
                if let Some(g) = self.chain.as_ref().and_then(|f| f.registrations.as_ref()) {
                    let _ = writeln!(
                        out,
                        "Registrations read from block {}: {} TranscoderUpdate/TranscoderActivated events of {} orchestrators.\n",
                        g.from_block,
                        g.events,
                        g.first.len()
                    );
                }
            }
        }

        let mut t = table(&[
            "round",
            "region",
            "threshold",
            "scored",
            "met threshold",
            "first seen in scores",
            "top 5 scores",
        ]);
        for r in &self.rounds {
            for g in &r.metrics.regions {
                let top: Vec<String> = g
                    .top
                    .iter()
                    .map(|s| {
                        let mark = if s.excluded { " (excluded)" } else { "" };
                        format!("{} {}{mark}", s.score, short(&s.account))
                    })
                    .collect();
                t.add_row(vec![
                    r.metrics.round.to_string(),
                    g.region.to_string(),
                    g.threshold
                        .map_or_else(|| "no pool".into(), |t| t.to_string()),
                    g.scored.to_string(),
                    g.met.to_string(),
                    g.new.to_string(),
                    top.join("\n"),
                ]);
            }
        }
        align_right(&mut t, &[0, 2, 3, 4, 5]);
        let _ = writeln!(out, "Orchestrators per region\n{t}\n");

        let mut t = table(&[
            "round",
            "region",
            &format!("pool ({sym})"),
            &format!("split ({sym})"),
            &format!("cut by cap ({sym})"),
            &format!("paid ({sym})"),
            &format!("unallocated ({sym})"),
        ]);
        for r in &self.rounds {
            let m = &r.metrics;
            for g in &m.regions {
                t.add_row(vec![
                    m.round.to_string(),
                    g.region.to_string(),
                    self.tokens(g.pool),
                    self.tokens(g.split),
                    self.tokens(g.cut_by_cap + g.below_minimum),
                    self.tokens(g.paid),
                    self.tokens(g.unallocated),
                ]);
            }
            if !m.outside_pools.is_zero() {
                t.add_row(vec![
                    m.round.to_string(),
                    "outside pools".into(),
                    "–".into(),
                    "–".into(),
                    "–".into(),
                    self.tokens(U256::ZERO),
                    self.tokens(m.outside_pools),
                ]);
            }
        }
        align_right(&mut t, &[0, 2, 3, 4, 5, 6]);
        let _ = writeln!(out, "{sym} per region\n{t}\n");

        if let Some(f) = &self.chain {
            let bonds = f.bonds.is_some();
            let mut t = table(&[
                "round",
                "posted root (tx)",
                &format!("claimed ({sym})"),
                &format!("unclaimed ({sym})"),
                "claims",
                &format!("staked ≤7d ({sym})"),
                "share staked",
            ]);
            for r in &self.rounds {
                let Some(c) = &r.chain else { continue };
                let posted = c.posted.as_ref().map_or_else(
                    || "not posted".into(),
                    |p| format!("{}\n({})", p.root, p.tx),
                );
                let (staked, share) = if bonds {
                    let open = if c.claims.open_windows > 0 {
                        format!(" ({} still open)", c.claims.open_windows)
                    } else {
                        String::new()
                    };
                    (
                        self.tokens(c.claims.staked),
                        percent(c.claims.staked, c.claims.claimed) + &open,
                    )
                } else {
                    ("–".into(), "no BondingManager".into())
                };
                t.add_row(vec![
                    r.metrics.round.to_string(),
                    posted,
                    self.tokens(c.claims.claimed),
                    self.tokens(c.unclaimed),
                    c.claims.claims.to_string(),
                    staked,
                    share,
                ]);
            }
            align_right(&mut t, &[0, 2, 3, 4, 5, 6]);
            let _ = writeln!(
                out,
                "Claims and stake on chain {} (distributor {}, read at block {}, {}; {} log queries)\n{t}\n",
                f.chain_id,
                addr(&f.distributor),
                f.latest_block,
                utc(f.now),
                f.log_queries
            );
            let _ = writeln!(out, "{STAKE_METHOD}\n");
        }
        for note in NOTES {
            let _ = writeln!(out, "- {note}");
        }
        let _ = writeln!(
            out,
            "- Amounts are rounded to 0.01 {sym} here; --json has them exact, in base units."
        );
        for w in &self.warnings {
            let _ = writeln!(out, "warning: {w}");
        }
        out
    }
}
