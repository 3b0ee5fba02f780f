//! The report's charts: one per metric per round, and a few across rounds for the overview, built
//! from the model as [`Chart`]s that [`super::svg`] draws. Each chart says only what differs from
//! [`Chart::new`]'s defaults; the bars come from three makers (counts, amounts, scores) so a bar's
//! key, exact value and tooltip are written the same way everywhere.

use alloy_primitives::U256;
use podium_core::TokenAmount;

use super::svg::{
    Bar, Chart, Group,
    colour::{BLUE, GREEN, GREY, LIGHT, ORANGE},
};
use crate::{
    format::{addr, percent, tokens_whole},
    metrics::{RegionMetrics, RoundMetrics},
    model::{Report, RoundReport},
};

fn bar(
    series: usize,
    value: f64,
    text: String,
    tooltip: String,
    key: String,
    exact: String,
) -> Bar {
    Bar {
        series,
        value,
        text,
        tooltip,
        key,
        exact,
    }
}

fn count_bar(series: usize, n: usize, what: &str, key: String) -> Bar {
    bar(
        series,
        n as f64,
        n.to_string(),
        format!("{n} {what}"),
        key,
        n.to_string(),
    )
}

/// An amount as a float, for bar heights only.
fn tokens_f64(units: U256, decimals: u8) -> f64 {
    let s = TokenAmount::from_units(units, decimals).to_string();
    s.parse().unwrap_or(0.0)
}

/// One count per series in a per-region chart: what it counts (tooltip), its key's last part, and
/// how to read it for a region and for the whole round.
struct Count {
    what: &'static str,
    key: &'static str,
    region: fn(&RegionMetrics) -> usize,
    all: fn(&RoundMetrics) -> usize,
}

/// A group per region, then one for all regions, with a bar per count (series in `counts` order).
fn count_groups(m: &RoundMetrics, counts: &[Count]) -> Vec<Group> {
    let n = m.round;
    let mut groups: Vec<Group> = m
        .regions
        .iter()
        .map(|g| Group {
            label: g.region.to_string(),
            bars: counts
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let key = format!("r{n}.{}.{}", g.region, c.key);
                    count_bar(i, (c.region)(g), c.what, key)
                })
                .collect(),
        })
        .collect();
    groups.push(Group {
        label: "all regions".into(),
        bars: counts
            .iter()
            .enumerate()
            .map(|(i, c)| count_bar(i, (c.all)(m), c.what, format!("r{n}.all.{}", c.key)))
            .collect(),
    });
    groups
}

/// A group of one bar.
fn single(label: &str, bar: Bar) -> Group {
    Group {
        label: label.into(),
        bars: vec![bar],
    }
}

impl Report {
    fn money_bar(&self, series: usize, units: U256, what: &str, key: String) -> Bar {
        let shown = self.tokens(units);
        let whole = tokens_whole(units, self.decimals);
        bar(
            series,
            tokens_f64(units, self.decimals),
            whole,
            format!("{what}: {shown} {}", self.symbol),
            key,
            units.to_string(),
        )
    }

    /// The charts of one round, one per metric: threshold and first-time counts side by side, then
    /// the (wide) top 5 on its own row, the amounts, and with chain data the claims and stake.
    pub(crate) fn round_charts(&self, r: &RoundReport) -> Vec<Chart> {
        let m = &r.metrics;
        let n = m.round;
        let sym = &self.symbol;
        let mut charts = vec![
            Chart::new(
                "threshold",
                Some(n),
                format!("Round {n}: orchestrators meeting the threshold"),
            )
            .axes(
                "orchestrators",
                "region (all regions: each orchestrator counted once)",
            )
            .series(&[("scored", GREY), ("met the threshold", BLUE)])
            .groups(count_groups(
                m,
                &[
                    Count {
                        what: "scored",
                        key: "scored",
                        region: |g| g.scored,
                        all: |m| m.scored,
                    },
                    Count {
                        what: "met the threshold",
                        key: "met",
                        region: |g| g.met,
                        all: |m| m.met,
                    },
                ],
            ))
            .counts(),
            Chart::new(
                "new",
                Some(n),
                format!("Round {n}: orchestrators seen for the first time"),
            )
            .axes(
                "orchestrators scored",
                "region (new = in no earlier round's scores)",
            )
            .series(&[("seen in an earlier round", GREY), ("first time", GREEN)])
            .groups(count_groups(
                m,
                &[
                    Count {
                        what: "seen before",
                        key: "returning",
                        region: |g| g.scored - g.new,
                        all: |m| m.scored - m.new.len(),
                    },
                    Count {
                        what: "seen for the first time",
                        key: "new",
                        region: |g| g.new,
                        all: |m| m.new.len(),
                    },
                ],
            ))
            .stack()
            .counts(),
            Chart::new(
                "top5",
                Some(n),
                format!("Round {n}: top 5 scores per region"),
            )
            .axes(
                "score (0–1; the explorer shows ×10)",
                "region (best first, left to right)",
            )
            .series(&[
                ("met the threshold", BLUE),
                ("below the threshold", GREY),
                ("excluded", LIGHT),
            ])
            .groups(m.regions.iter().map(|g| top_group(n, g)).collect())
            .reference(r.threshold.map(|t| (t, format!("threshold {t}"))))
            .y_max(1.0)
            .wide(),
        ];

        let mut groups: Vec<Group> = m
            .regions
            .iter()
            .map(|g| Group {
                label: g.region.to_string(),
                bars: vec![
                    self.money_bar(0, g.paid, "paid", format!("r{n}.{}.paid", g.region)),
                    self.money_bar(
                        1,
                        g.unallocated,
                        "unallocated",
                        format!("r{n}.{}.unallocated", g.region),
                    ),
                ],
            })
            .collect();
        if !m.outside_pools.is_zero() {
            groups.push(single(
                "outside pools",
                self.money_bar(
                    1,
                    m.outside_pools,
                    "budget in no pool",
                    format!("r{n}.outside.unallocated"),
                ),
            ));
        }
        charts.push(
            Chart::new(
                "lpt",
                Some(n),
                format!("Round {n}: {sym} allocated and unallocated per region"),
            )
            .axes(sym, "region (bar height = the region's pool)")
            .series(&[
                ("allocated (paid)", BLUE),
                ("unallocated (back to the funder)", ORANGE),
            ])
            .groups(groups)
            .stack(),
        );

        let Some(c) = &r.chain else {
            return charts;
        };
        let claimed = self.money_bar(0, c.claims.claimed, "claimed", format!("r{n}.claimed"));
        charts.push(
            Chart::new(
                "claims",
                Some(n),
                format!("Round {n}: {sym} claimed and unclaimed"),
            )
            .axes(
                sym,
                format!(
                    "{} claims by {} accounts",
                    c.claims.claims, c.claims.accounts
                ),
            )
            .series(&[("claimed", BLUE), ("unclaimed", ORANGE)])
            .groups(vec![
                single("claimed", claimed.clone()),
                single(
                    "unclaimed",
                    self.money_bar(1, c.unclaimed, "unclaimed", format!("r{n}.unclaimed")),
                ),
            ]),
        );
        if self.stake_measured() {
            let mut staked = self.money_bar(
                1,
                c.claims.staked,
                "bonded within 7 days of the claim",
                format!("r{n}.staked"),
            );
            staked.text = format!(
                "{} ({})",
                staked.text,
                percent(c.claims.staked, c.claims.claimed)
            );
            charts.push(
                Chart::new(
                    "staked",
                    Some(n),
                    format!("Round {n}: claimed {sym} staked within 7 days"),
                )
                .axes(
                    sym,
                    "bonded by the receiving address, at most the amount claimed",
                )
                .series(&[("claimed", BLUE), ("staked within 7 days", GREEN)])
                .groups(vec![
                    single("claimed", claimed),
                    single("staked ≤ 7 days", staked),
                ]),
            );
        }
        charts
    }

    /// Charts across rounds, for the overview.
    pub(crate) fn trend_charts(&self) -> Vec<Chart> {
        let sym = &self.symbol;
        let per_round = |bars: &dyn Fn(u64, &RoundMetrics) -> Vec<Bar>| -> Vec<Group> {
            self.rounds
                .iter()
                .map(|r| Group {
                    label: format!("round {}", r.metrics.round),
                    bars: bars(r.metrics.round, &r.metrics),
                })
                .collect()
        };
        let mut charts = vec![
            Chart::new(
                "trend-threshold",
                None,
                "Orchestrators meeting the threshold, per round",
            )
            .axes("orchestrators", "round (each orchestrator counted once)")
            .series(&[
                ("scored", GREY),
                ("met the threshold", BLUE),
                ("first time", GREEN),
            ])
            .groups(per_round(&|n, m| {
                vec![
                    count_bar(0, m.scored, "scored", format!("r{n}.all.scored")),
                    count_bar(1, m.met, "met the threshold", format!("r{n}.all.met")),
                    count_bar(
                        2,
                        m.new.len(),
                        "seen for the first time",
                        format!("r{n}.all.new"),
                    ),
                ]
            }))
            .counts(),
            Chart::new(
                "trend-lpt",
                None,
                format!("{sym} allocated and unallocated, per round"),
            )
            .axes(sym, "round (bar height = the round's budget)")
            .series(&[("allocated (paid)", BLUE), ("unallocated", ORANGE)])
            .groups(per_round(&|n, m| {
                vec![
                    self.money_bar(0, m.paid, "paid", format!("r{n}.paid")),
                    self.money_bar(1, m.unallocated, "unallocated", format!("r{n}.unallocated")),
                ]
            }))
            .stack(),
        ];
        if self.chain.is_some() {
            let bonds = self.stake_measured();
            let groups = self
                .rounds
                .iter()
                .filter_map(|r| r.chain.as_ref().map(|c| (r.metrics.round, c)))
                .map(|(n, c)| {
                    let mut bars = vec![
                        self.money_bar(0, c.claims.claimed, "claimed", format!("r{n}.claimed")),
                        self.money_bar(1, c.unclaimed, "unclaimed", format!("r{n}.unclaimed")),
                    ];
                    if bonds {
                        bars.push(self.money_bar(
                            2,
                            c.claims.staked,
                            "staked within 7 days",
                            format!("r{n}.staked"),
                        ));
                    }
                    Group {
                        label: format!("round {n}"),
                        bars,
                    }
                })
                .collect();
            // Without a BondingManager the third series has no bars, so the legend leaves it out.
            charts.push(
                Chart::new(
                    "trend-claims",
                    None,
                    format!("{sym} claimed, unclaimed and staked, per round"),
                )
                .axes(sym, "round")
                .series(&[
                    ("claimed", BLUE),
                    ("unclaimed", ORANGE),
                    ("staked within 7 days", GREEN),
                ])
                .groups(groups),
            );
        }
        charts
    }
}

/// A region's top scores: blue when the score met the threshold, grey when below, light when the
/// rules exclude the account.
fn top_group(n: u64, g: &RegionMetrics) -> Group {
    let bars = g
        .top
        .iter()
        .enumerate()
        .map(|(k, t)| {
            let series = if t.excluded {
                2
            } else if t.met {
                0
            } else {
                1
            };
            let mark = if t.excluded {
                ", excluded by the rules"
            } else {
                ""
            };
            bar(
                series,
                t.score,
                format!("{:.2}", t.score),
                format!("#{} {}: {}{mark}", k + 1, addr(&t.account), t.score),
                format!("r{n}.{}.top{}", g.region, k + 1),
                t.score.to_string(),
            )
        })
        .collect();
    Group {
        label: g.region.to_string(),
        bars,
    }
}
