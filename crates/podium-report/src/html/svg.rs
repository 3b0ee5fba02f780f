//! Bar charts as inline SVG, drawn by hand so the report page needs nothing from the network: a
//! title, a legend, a y axis with round-numbered ticks and a label, category labels under the bars,
//! each bar's value written on it, and an optional dashed reference line (a threshold).
//!
//! Every bar carries `data-k` (a key naming the number, the same key as the table cell that shows
//! it) and `data-value` (the exact number as the JSON has it), so a test can check the drawn numbers
//! against the JSON output.

use std::fmt::Write;

use crate::format::{esc, thousands};

/// Colours, picked to stay apart for the common kinds of colour blindness.
pub(crate) mod colour {
    pub(crate) const BLUE: &str = "#2f6db5";
    pub(crate) const ORANGE: &str = "#e08a1e";
    pub(crate) const GREEN: &str = "#2e8b57";
    pub(crate) const GREY: &str = "#a7adb4";
    pub(crate) const LIGHT: &str = "#d5d9de";
}

/// A named series of bars, shown in the legend.
#[derive(Debug, Clone)]
pub(crate) struct Series {
    pub(crate) name: String,
    pub(crate) colour: &'static str,
}

/// One bar (or, in a stacked chart, one segment).
#[derive(Debug, Clone)]
pub(crate) struct Bar {
    /// Index into the chart's series (its colour and legend entry).
    pub(crate) series: usize,
    /// The height, in the chart's unit.
    pub(crate) value: f64,
    /// What is written on the bar ("" for nothing).
    pub(crate) text: String,
    /// Shown on hover.
    pub(crate) tooltip: String,
    /// The key of the number (see the module docs).
    pub(crate) key: String,
    /// The exact number, as in the JSON.
    pub(crate) exact: String,
}

/// The bars over one category label.
#[derive(Debug, Clone)]
pub(crate) struct Group {
    pub(crate) label: String,
    pub(crate) bars: Vec<Bar>,
}

/// A bar chart. Made with [`Chart::new`] and the builder methods below, so a chart states only
/// what differs from the default: bars side by side, an axis from zero to a little above the
/// tallest bar, decimal ticks, normal width.
#[derive(Debug, Clone, Default)]
pub(crate) struct Chart {
    /// What the chart shows (`data-metric`), e.g. `threshold`.
    pub(crate) metric: &'static str,
    /// The round it is about (`data-round`), or none for a chart across rounds.
    pub(crate) round: Option<u64>,
    pub(crate) title: String,
    pub(crate) y_label: String,
    pub(crate) x_label: String,
    pub(crate) series: Vec<Series>,
    pub(crate) groups: Vec<Group>,
    /// Segments stack within a group instead of standing side by side.
    pub(crate) stacked: bool,
    /// A dashed horizontal line and its label.
    pub(crate) reference: Option<(f64, String)>,
    /// The top of the y axis when fixed (scores: 1).
    pub(crate) y_max: Option<f64>,
    /// Ticks are whole numbers (counts).
    pub(crate) integer: bool,
    /// Drawn twice as wide (many bars); the page gives it a full row.
    pub(crate) wide: bool,
}

impl Chart {
    /// A chart of `metric` (`data-metric`) about `round` (`None`: across rounds), with its title.
    pub(crate) fn new(metric: &'static str, round: Option<u64>, title: impl Into<String>) -> Self {
        Self {
            metric,
            round,
            title: title.into(),
            ..Self::default()
        }
    }

    /// The y axis's and the x axis's labels.
    pub(crate) fn axes(mut self, y: impl Into<String>, x: impl Into<String>) -> Self {
        self.y_label = y.into();
        self.x_label = x.into();
        self
    }

    /// The series, as (legend name, colour), in the order the bars' `series` index them.
    pub(crate) fn series(mut self, series: &[(&str, &'static str)]) -> Self {
        self.series = series
            .iter()
            .map(|&(name, colour)| Series {
                name: name.into(),
                colour,
            })
            .collect();
        self
    }

    /// The bars, one group per category label.
    pub(crate) fn groups(mut self, groups: Vec<Group>) -> Self {
        self.groups = groups;
        self
    }

    /// Stacks each group's bars.
    pub(crate) fn stack(mut self) -> Self {
        self.stacked = true;
        self
    }

    /// Counts: whole-number ticks.
    pub(crate) fn counts(mut self) -> Self {
        self.integer = true;
        self
    }

    /// Twice as wide, on a row of its own.
    pub(crate) fn wide(mut self) -> Self {
        self.wide = true;
        self
    }

    /// A fixed top of the y axis.
    pub(crate) fn y_max(mut self, max: f64) -> Self {
        self.y_max = Some(max);
        self
    }

    /// A dashed line at a level, with its label.
    pub(crate) fn reference(mut self, reference: Option<(f64, String)>) -> Self {
        self.reference = reference;
        self
    }
}

/// Width of a normal chart; a wide one is twice as wide.
const W: f64 = 600.0;
const H: f64 = 330.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 64.0;
const BOTTOM: f64 = 62.0;

/// A step of 1, 2 or 5 times a power of ten giving about `ticks` intervals up to `max`.
fn nice_step(max: f64, ticks: f64, integer: bool) -> f64 {
    let raw = (max / ticks).max(f64::MIN_POSITIVE);
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    if integer { step.max(1.0).round() } else { step }
}

/// A tick label: no trailing zeros, thousands separated for big numbers.
fn tick_text(v: f64, step: f64) -> String {
    let decimals = if step >= 1.0 {
        0
    } else {
        (-step.log10().floor()) as usize
    };
    let s = format!("{v:.decimals$}");
    if decimals == 0 { thousands(&s) } else { s }
}

impl Chart {
    /// The chart as an `<svg>` element.
    pub(crate) fn render(&self) -> String {
        let w = if self.wide { 2.0 * W } else { W };
        let plot_w = w - LEFT - RIGHT;
        let plot_h = H - TOP - BOTTOM;
        let tallest = self
            .groups
            .iter()
            .map(|g| {
                if self.stacked {
                    g.bars.iter().map(|b| b.value).sum::<f64>()
                } else {
                    g.bars.iter().map(|b| b.value).fold(0.0, f64::max)
                }
            })
            .fold(0.0, f64::max)
            .max(self.reference.as_ref().map_or(0.0, |r| r.0));
        let (step, top) = match self.y_max {
            Some(m) => (nice_step(m, 5.0, self.integer), m),
            None => {
                let max = if tallest > 0.0 { tallest * 1.12 } else { 1.0 };
                let step = nice_step(max, 5.0, self.integer);
                (step, (max / step).ceil() * step)
            }
        };
        let y = |v: f64| TOP + plot_h - (v / top).clamp(0.0, 1.0) * plot_h;
        let round = self
            .round
            .map_or_else(|| "all".to_owned(), |r| r.to_string());
        let mut s = String::new();
        let _ = write!(
            s,
            r#"<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {H}" role="img" aria-label="{title}" data-metric="{metric}" data-round="{round}"><title>{title}</title>"#,
            title = esc(&self.title),
            metric = self.metric,
        );
        let _ = write!(
            s,
            r#"<text class="title" x="{x}" y="22" text-anchor="middle">{}</text>"#,
            esc(&self.title),
            x = w / 2.0
        );
        // Legend, centred under the title: the series that have bars.
        let used: Vec<&Series> = self
            .series
            .iter()
            .enumerate()
            .filter(|(i, _)| {
                self.groups
                    .iter()
                    .any(|g| g.bars.iter().any(|b| b.series == *i))
            })
            .map(|(_, se)| se)
            .collect();
        let widths: Vec<f64> = used
            .iter()
            .map(|se| 22.0 + 6.4 * se.name.chars().count() as f64 + 14.0)
            .collect();
        let mut lx = (w - widths.iter().sum::<f64>()) / 2.0;
        for (se, w) in used.iter().zip(&widths) {
            let _ = write!(
                s,
                r#"<rect class="key" x="{lx:.1}" y="34" width="12" height="12" fill="{}"/><text class="legend" x="{:.1}" y="44">{}</text>"#,
                se.colour,
                lx + 17.0,
                esc(&se.name)
            );
            lx += w;
        }
        // Grid and y ticks.
        let mut v = 0.0;
        while v <= top + step * 1e-9 {
            let yy = y(v);
            let _ = write!(
                s,
                r#"<line class="grid" x1="{LEFT}" x2="{:.1}" y1="{yy:.1}" y2="{yy:.1}"/><text class="tick" x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
                LEFT + plot_w,
                LEFT - 6.0,
                yy + 4.0,
                tick_text(v, step)
            );
            v += step;
        }
        let _ = write!(
            s,
            r#"<text class="axis-label" transform="translate(16 {:.1}) rotate(-90)" text-anchor="middle">{}</text>"#,
            TOP + plot_h / 2.0,
            esc(&self.y_label)
        );
        let _ = write!(
            s,
            r#"<text class="axis-label" x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            LEFT + plot_w / 2.0,
            H - 10.0,
            esc(&self.x_label)
        );
        // Bars.
        let band = plot_w / self.groups.len().max(1) as f64;
        for (gi, g) in self.groups.iter().enumerate() {
            let x0 = LEFT + gi as f64 * band;
            let _ = write!(
                s,
                r#"<text class="category" x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                x0 + band / 2.0,
                TOP + plot_h + 18.0,
                esc(&g.label)
            );
            if self.stacked {
                let bw = (band * 0.5).min(90.0);
                let bx = x0 + (band - bw) / 2.0;
                let mut base = 0.0;
                let mut above = Vec::new();
                for b in &g.bars {
                    let (y1, y0) = (y(base + b.value), y(base));
                    let h = (y0 - y1).max(0.0);
                    bar_rect(&mut s, self, b, bx, y1, bw, h);
                    if !b.text.is_empty() && h >= 15.0 {
                        let _ = write!(
                            s,
                            r#"<text class="value inside" x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                            bx + bw / 2.0,
                            y1 + h / 2.0 + 4.0,
                            esc(&b.text)
                        );
                    } else if !b.text.is_empty() && b.value > 0.0 {
                        above.push(b);
                    }
                    base += b.value;
                }
                // Segments too thin to hold their number get it above the stack, in their colour.
                let mut ty = y(base) - 5.0;
                for b in above {
                    let _ = write!(
                        s,
                        r#"<text class="value" x="{:.1}" y="{ty:.1}" text-anchor="middle" fill="{}">{}</text>"#,
                        bx + bw / 2.0,
                        self.fill(b),
                        esc(&b.text)
                    );
                    ty -= 14.0;
                }
            } else {
                let n = g.bars.len().max(1) as f64;
                let bw = (band * 0.8 / n).min(60.0);
                let start = x0 + (band - bw * n) / 2.0;
                for (bi, b) in g.bars.iter().enumerate() {
                    let bx = start + bi as f64 * bw;
                    let y1 = y(b.value);
                    let h = (TOP + plot_h - y1).max(0.0);
                    bar_rect(&mut s, self, b, bx + 1.0, y1, bw - 2.0, h);
                    if !b.text.is_empty() {
                        let _ = write!(
                            s,
                            r#"<text class="value" x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                            bx + bw / 2.0,
                            y1 - 4.0,
                            esc(&b.text)
                        );
                    }
                }
            }
        }
        if let Some((level, label)) = &self.reference {
            let yy = y(*level);
            let _ = write!(
                s,
                r#"<line class="reference" x1="{LEFT}" x2="{:.1}" y1="{yy:.1}" y2="{yy:.1}"/><text class="reference-label" x="{:.1}" y="{:.1}">{}</text>"#,
                LEFT + plot_w,
                LEFT + 4.0,
                yy - 4.0,
                esc(label)
            );
        }
        let _ = write!(
            s,
            r#"<line class="axis" x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{:.1}"/><line class="axis" x1="{LEFT}" x2="{:.1}" y1="{:.1}" y2="{:.1}"/></svg>"#,
            TOP + plot_h,
            LEFT + plot_w,
            TOP + plot_h,
            TOP + plot_h
        );
        s
    }
}

impl Chart {
    /// A bar's colour: its series'.
    fn fill(&self, b: &Bar) -> &'static str {
        self.series
            .get(b.series)
            .map_or(colour::GREY, |se| se.colour)
    }
}

fn bar_rect(s: &mut String, chart: &Chart, b: &Bar, x: f64, y: f64, w: f64, h: f64) {
    let fill = chart.fill(b);
    let _ = write!(
        s,
        r#"<rect class="bar" x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" fill="{fill}" data-k="{}" data-value="{}"><title>{}</title></rect>"#,
        esc(&b.key),
        esc(&b.exact),
        esc(&b.tooltip)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_round_numbers() {
        assert_eq!(nice_step(12.0, 5.0, true), 5.0);
        assert_eq!(nice_step(3.0, 5.0, true), 1.0);
        assert_eq!(nice_step(1.0, 5.0, false), 0.2);
        assert_eq!(nice_step(2600.0, 5.0, false), 1000.0);
        assert_eq!(tick_text(2000.0, 1000.0), "2,000");
        assert_eq!(tick_text(0.4, 0.2), "0.4");
    }

    #[test]
    fn draws_every_bar_with_its_key_and_value() {
        let chart = Chart::new("threshold", Some(2), "Round 2 <test>")
            .axes("orchestrators", "region")
            .series(&[("met", colour::BLUE)])
            .groups(
                ["FRA", "MDW"]
                    .iter()
                    .enumerate()
                    .map(|(i, r)| Group {
                        label: (*r).into(),
                        bars: vec![Bar {
                            series: 0,
                            value: i as f64 + 3.0,
                            text: (i + 3).to_string(),
                            tooltip: String::new(),
                            key: format!("r2.{r}.met"),
                            exact: (i + 3).to_string(),
                        }],
                    })
                    .collect(),
            )
            .counts();
        let svg = chart.render();
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains(r#"data-metric="threshold" data-round="2""#));
        assert!(svg.contains("Round 2 &lt;test&gt;"));
        assert_eq!(svg.matches(r#"class="bar""#).count(), 2);
        assert!(svg.contains(r#"data-k="r2.MDW.met" data-value="4""#));
    }
}
