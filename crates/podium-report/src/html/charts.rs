//! The report's charts: one per metric per round, and a few across rounds for the overview, built
//! from the metrics as [`Chart`]s that [`super::svg`] draws.

use alloy_primitives::U256;

use podium_core::TokenAmount;

use super::svg::{Bar, Chart, Group, Series, colour};
use crate::{
    format::{addr, percent, tokens_whole},
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
        colour: None,
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

fn score_text(s: f64) -> String {
    format!("{s:.2}")
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

    /// The charts of one round, one per metric.
    pub(crate) fn round_charts(&self, r: &RoundReport) -> Vec<Chart> {
        let m = &r.metrics;
        let n = m.round;
        let sym = &self.symbol;
        let mut charts = Vec::new();

        let mut groups: Vec<Group> = m
            .regions
            .iter()
            .map(|g| Group {
                label: g.region.to_string(),
                bars: vec![
                    count_bar(0, g.scored, "scored", format!("r{n}.{}.scored", g.region)),
                    count_bar(
                        1,
                        g.met,
                        "met the threshold",
                        format!("r{n}.{}.met", g.region),
                    ),
                ],
            })
            .collect();
        groups.push(Group {
            label: "all regions".into(),
            bars: vec![
                count_bar(0, m.scored, "scored", format!("r{n}.all.scored")),
                count_bar(1, m.met, "met the threshold", format!("r{n}.all.met")),
            ],
        });
        charts.push(Chart {
            metric: "threshold",
            round: Some(n),
            title: format!("Round {n}: orchestrators meeting the threshold"),
            y_label: "orchestrators".into(),
            x_label: "region (all regions: each orchestrator counted once)".into(),
            series: vec![
                Series {
                    name: "scored".into(),
                    colour: colour::GREY,
                },
                Series {
                    name: "met the threshold".into(),
                    colour: colour::BLUE,
                },
            ],
            groups,
            stacked: false,
            reference: None,
            y_max: None,
            integer: true,
            wide: false,
        });

        let groups = m
            .regions
            .iter()
            .map(|g| Group {
                label: g.region.to_string(),
                bars: g
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
                            score_text(t.score),
                            format!("#{} {}: {}{mark}", k + 1, addr(&t.account), t.score),
                            format!("r{n}.{}.top{}", g.region, k + 1),
                            t.score.to_string(),
                        )
                    })
                    .collect(),
            })
            .collect();
        charts.push(Chart {
            metric: "top5",
            round: Some(n),
            title: format!("Round {n}: top 5 scores per region"),
            y_label: "score (0–1; the explorer shows ×10)".into(),
            x_label: "region (best first, left to right)".into(),
            series: vec![
                Series {
                    name: "met the threshold".into(),
                    colour: colour::BLUE,
                },
                Series {
                    name: "below the threshold".into(),
                    colour: colour::GREY,
                },
                Series {
                    name: "excluded".into(),
                    colour: colour::LIGHT,
                },
            ],
            groups,
            stacked: false,
            reference: r.threshold.map(|t| (t, format!("threshold {t}"))),
            y_max: Some(1.0),
            integer: false,
            wide: true,
        });

        let mut groups: Vec<Group> = m
            .regions
            .iter()
            .map(|g| Group {
                label: g.region.to_string(),
                bars: vec![
                    count_bar(
                        0,
                        g.scored - g.new,
                        "seen before",
                        format!("r{n}.{}.returning", g.region),
                    ),
                    count_bar(
                        1,
                        g.new,
                        "seen for the first time",
                        format!("r{n}.{}.new", g.region),
                    ),
                ],
            })
            .collect();
        groups.push(Group {
            label: "all regions".into(),
            bars: vec![
                count_bar(
                    0,
                    m.scored - m.new.len(),
                    "seen before",
                    format!("r{n}.all.returning"),
                ),
                count_bar(
                    1,
                    m.new.len(),
                    "seen for the first time",
                    format!("r{n}.all.new"),
                ),
            ],
        });
        charts.push(Chart {
            metric: "new",
            round: Some(n),
            title: format!("Round {n}: orchestrators seen for the first time"),
            y_label: "orchestrators scored".into(),
            x_label: "region (new = in no earlier round's scores)".into(),
            series: vec![
                Series {
                    name: "seen in an earlier round".into(),
                    colour: colour::GREY,
                },
                Series {
                    name: "first time".into(),
                    colour: colour::GREEN,
                },
            ],
            groups,
            stacked: true,
            reference: None,
            y_max: None,
            integer: true,
            wide: false,
        });

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
            groups.push(Group {
                label: "outside pools".into(),
                bars: vec![self.money_bar(
                    1,
                    m.outside_pools,
                    "budget in no pool",
                    format!("r{n}.outside.unallocated"),
                )],
            });
        }
        charts.push(Chart {
            metric: "lpt",
            round: Some(n),
            title: format!("Round {n}: {sym} allocated and unallocated per region"),
            y_label: sym.clone(),
            x_label: "region (bar height = the region's pool)".into(),
            series: vec![
                Series {
                    name: "allocated (paid)".into(),
                    colour: colour::BLUE,
                },
                Series {
                    name: "unallocated (back to the funder)".into(),
                    colour: colour::ORANGE,
                },
            ],
            groups,
            stacked: true,
            reference: None,
            y_max: None,
            integer: false,
            wide: false,
        });

        // Threshold and first-time counts side by side, then the (wide) top 5 on its own row.
        charts.swap(1, 2);
        if let Some(c) = &r.chain {
            charts.push(Chart {
                metric: "claims",
                round: Some(n),
                title: format!("Round {n}: {sym} claimed and unclaimed"),
                y_label: sym.clone(),
                x_label: format!(
                    "{} claims by {} accounts",
                    c.claims.claims, c.claims.accounts
                ),
                series: vec![
                    Series {
                        name: "claimed".into(),
                        colour: colour::BLUE,
                    },
                    Series {
                        name: "unclaimed".into(),
                        colour: colour::ORANGE,
                    },
                ],
                groups: vec![
                    Group {
                        label: "claimed".into(),
                        bars: vec![self.money_bar(
                            0,
                            c.claims.claimed,
                            "claimed",
                            format!("r{n}.claimed"),
                        )],
                    },
                    Group {
                        label: "unclaimed".into(),
                        bars: vec![self.money_bar(
                            1,
                            c.unclaimed,
                            "unclaimed",
                            format!("r{n}.unclaimed"),
                        )],
                    },
                ],
                stacked: false,
                reference: None,
                y_max: None,
                integer: false,
                wide: false,
            });
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
                charts.push(Chart {
                    metric: "staked",
                    round: Some(n),
                    title: format!("Round {n}: claimed {sym} staked within 7 days"),
                    y_label: sym.clone(),
                    x_label: "bonded by the receiving address, at most the amount claimed".into(),
                    series: vec![
                        Series {
                            name: "claimed".into(),
                            colour: colour::BLUE,
                        },
                        Series {
                            name: "staked within 7 days".into(),
                            colour: colour::GREEN,
                        },
                    ],
                    groups: vec![
                        Group {
                            label: "claimed".into(),
                            bars: vec![self.money_bar(
                                0,
                                c.claims.claimed,
                                "claimed",
                                format!("r{n}.claimed"),
                            )],
                        },
                        Group {
                            label: "staked ≤ 7 days".into(),
                            bars: vec![staked],
                        },
                    ],
                    stacked: false,
                    reference: None,
                    y_max: None,
                    integer: false,
                    wide: false,
                });
            }
        }
        charts
    }

    /// Charts across rounds, for the overview.
    pub(crate) fn trend_charts(&self) -> Vec<Chart> {
        let sym = &self.symbol;
        let label = |n: u64| format!("round {n}");
        let mut charts = vec![
            Chart {
                metric: "trend-threshold",
                round: None,
                title: "Orchestrators meeting the threshold, per round".into(),
                y_label: "orchestrators".into(),
                x_label: "round (each orchestrator counted once)".into(),
                series: vec![
                    Series {
                        name: "scored".into(),
                        colour: colour::GREY,
                    },
                    Series {
                        name: "met the threshold".into(),
                        colour: colour::BLUE,
                    },
                    Series {
                        name: "first time".into(),
                        colour: colour::GREEN,
                    },
                ],
                groups: self
                    .rounds
                    .iter()
                    .map(|r| {
                        let (m, n) = (&r.metrics, r.metrics.round);
                        Group {
                            label: label(n),
                            bars: vec![
                                count_bar(0, m.scored, "scored", format!("r{n}.all.scored")),
                                count_bar(1, m.met, "met the threshold", format!("r{n}.all.met")),
                                count_bar(
                                    2,
                                    m.new.len(),
                                    "seen for the first time",
                                    format!("r{n}.all.new"),
                                ),
                            ],
                        }
                    })
                    .collect(),
                stacked: false,
                reference: None,
                y_max: None,
                integer: true,
                wide: false,
            },
            Chart {
                metric: "trend-lpt",
                round: None,
                title: format!("{sym} allocated and unallocated, per round"),
                y_label: sym.clone(),
                x_label: "round (bar height = the round's budget)".into(),
                series: vec![
                    Series {
                        name: "allocated (paid)".into(),
                        colour: colour::BLUE,
                    },
                    Series {
                        name: "unallocated".into(),
                        colour: colour::ORANGE,
                    },
                ],
                groups: self
                    .rounds
                    .iter()
                    .map(|r| {
                        let (m, n) = (&r.metrics, r.metrics.round);
                        Group {
                            label: label(n),
                            bars: vec![
                                self.money_bar(0, m.paid, "paid", format!("r{n}.paid")),
                                self.money_bar(
                                    1,
                                    m.unallocated,
                                    "unallocated",
                                    format!("r{n}.unallocated"),
                                ),
                            ],
                        }
                    })
                    .collect(),
                stacked: true,
                reference: None,
                y_max: None,
                integer: false,
                wide: false,
            },
        ];
        if self.chain.is_some() {
            let bonds = self.stake_measured();
            let mut series = vec![
                Series {
                    name: "claimed".into(),
                    colour: colour::BLUE,
                },
                Series {
                    name: "unclaimed".into(),
                    colour: colour::ORANGE,
                },
            ];
            if bonds {
                series.push(Series {
                    name: "staked within 7 days".into(),
                    colour: colour::GREEN,
                });
            }
            charts.push(Chart {
                metric: "trend-claims",
                round: None,
                title: format!("{sym} claimed, unclaimed and staked, per round"),
                y_label: sym.clone(),
                x_label: "round".into(),
                series,
                groups: self
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
                            label: label(n),
                            bars,
                        }
                    })
                    .collect(),
                stacked: false,
                reference: None,
                y_max: None,
                integer: false,
                wide: false,
            });
        }
        charts
    }
}
