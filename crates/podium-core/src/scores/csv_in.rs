//! CSV scores: aggregated (`address,region,score`) or raw test records (`region,orchestrator,...`).

use std::{collections::BTreeMap, path::Path};

use alloy_primitives::Address;

use super::{
    FileScores, RawRecord, Region, Score, aggregate_raw, non_negative_problem, place, unit_problem,
};
use crate::{
    Error, Result,
    account::{address_problem, parse_address, region_problem},
};

const AGGREGATED: &[&str] = &["address", "region", "score"];
const RAW: &[&str] = &[
    "region",
    "orchestrator",
    "success_rate",
    "seg_duration",
    "round_trip_time",
];

struct Cells<'a> {
    path: &'a Path,
    header: &'a BTreeMap<String, usize>,
    record: &'a csv::StringRecord,
    line: u64,
}

impl Cells<'_> {
    fn err(&self, column: &str, message: String) -> Error {
        Error::Csv {
            path: self.path.to_owned(),
            line: self.line,
            column: Some(column.to_owned()),
            message,
        }
    }

    fn get(&self, column: &str) -> Option<&str> {
        self.header.get(column).and_then(|&i| self.record.get(i))
    }

    fn text(&self, column: &str) -> Result<&str> {
        // The header check guarantees the column exists; equal lengths guarantee the cell does.
        self.get(column)
            .ok_or_else(|| self.err(column, "missing cell".into()))
    }

    fn address(&self, column: &str) -> Result<Address> {
        let s = self.text(column)?;
        parse_address(s).ok_or_else(|| self.err(column, address_problem(s)))
    }

    fn region(&self) -> Result<Region> {
        let s = self.text("region")?;
        Region::parse(s).ok_or_else(|| self.err("region", region_problem(s)))
    }

    fn number(&self, column: &str) -> Result<f64> {
        let s = self.text(column)?;
        s.parse::<f64>()
            .map_err(|_| self.err(column, format!("{s:?} is not a number")))
    }

    fn unit(&self, column: &str) -> Result<f64> {
        let v = self.number(column)?;
        match unit_problem(column, v) {
            Some(p) => Err(self.err(column, p)),
            None => Ok(v),
        }
    }

    fn optional_unit(&self, column: &str) -> Result<Option<f64>> {
        match self.get(column) {
            None | Some("") => Ok(None),
            Some(_) => self.unit(column).map(Some),
        }
    }

    /// A raw record's number: an empty cell counts as 0, as a missing field does on the leaderboard.
    fn raw_number(&self, column: &str, check: fn(&str, f64) -> Option<String>) -> Result<f64> {
        if self.text(column)?.is_empty() {
            return Ok(0.0);
        }
        let v = self.number(column)?;
        match check(column, v) {
            Some(p) => Err(self.err(column, p)),
            None => Ok(v),
        }
    }
}

fn csv_error(path: &Path, e: &csv::Error) -> Error {
    let line = e.position().map_or(0, |p| p.line());
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!(
                "the row has {len} {} but the header has {expected_len} columns",
                if *len == 1 { "cell" } else { "cells" }
            )
        }
        csv::ErrorKind::Utf8 { err, .. } => {
            format!("field {} is not valid UTF-8", err.field() + 1)
        }
        _ => e.to_string(),
    };
    Error::Csv {
        path: path.to_owned(),
        line,
        column: None,
        message,
    }
}

pub(super) fn parse(path: &Path, bytes: &[u8]) -> Result<FileScores> {
    let bytes = crate::text::content(path, bytes, "CSV")?;
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let header_err = |message: String| Error::Csv {
        path: path.to_owned(),
        line: 1,
        column: None,
        message,
    };
    let mut header = BTreeMap::new();
    for (i, name) in reader
        .headers()
        .map_err(|e| csv_error(path, &e))?
        .iter()
        .enumerate()
    {
        let name = name.trim_start_matches('\u{feff}').to_ascii_lowercase();
        if header.insert(name.clone(), i).is_some() {
            return Err(header_err(format!(
                "column {name:?} appears twice in the header"
            )));
        }
    }
    let raw = header.contains_key("orchestrator");
    let needed = if raw { RAW } else { AGGREGATED };
    let missing: Vec<_> = needed
        .iter()
        .filter(|c| !header.contains_key(**c))
        .collect();
    if !missing.is_empty() {
        let missing = missing
            .iter()
            .map(|c| format!("{c:?}"))
            .collect::<Vec<_>>()
            .join(", ");
        let kind = if raw {
            "raw test records need"
        } else {
            "aggregated scores need"
        };
        return Err(header_err(format!(
            "missing column {missing}: {kind} {} (aggregated scores: {}; raw test records: {})",
            needed.join(","),
            AGGREGATED.join(","),
            RAW.join(",")
        )));
    }

    let mut out = FileScores::default();
    let mut raw_groups: BTreeMap<(Region, Address), (Vec<RawRecord>, u64)> = BTreeMap::new();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(csv_error(path, &e)),
        }
        let line = record.position().map_or(0, |p| p.line());
        let cells = Cells {
            path,
            header: &header,
            record: &record,
            line,
        };
        if raw && cells.text("region")?.is_empty() {
            out.without_region += 1;
            continue;
        }
        let region = cells.region()?;
        if raw {
            let account = cells.address("orchestrator")?;
            let r = RawRecord {
                success_rate: cells.raw_number("success_rate", unit_problem)?,
                seg_duration: cells.raw_number("seg_duration", non_negative_problem)?,
                round_trip_time: cells.raw_number("round_trip_time", non_negative_problem)?,
            };
            raw_groups
                .entry((region, account))
                .or_insert_with(|| (Vec::new(), line))
                .0
                .push(r);
        } else {
            let account = cells.address("address")?;
            let score = Score {
                score: cells.unit("score")?,
                success_rate: cells.optional_unit("success_rate")?,
                round_trip_score: cells.optional_unit("round_trip_score")?,
            };
            out.insert(region.clone(), account, score, line)
                .map_err(|first| Error::DuplicateScore {
                    where_: place(path, line),
                    first: place(path, first),
                    account: account.to_checksum(None),
                    region: region.to_string(),
                })?;
        }
    }
    for ((region, account), (records, line)) in raw_groups {
        out.regions
            .entry(region)
            .or_default()
            .insert(account, (aggregate_raw(&records), line));
    }
    Ok(out)
}
