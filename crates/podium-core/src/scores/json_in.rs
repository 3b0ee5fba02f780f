//! JSON scores: the aggregated-stats API shape, or raw test records.
//!
//! Values are checked while serde_json parses them (custom `Deserialize` impls), so every error,
//! including an invalid address or an out-of-range score, carries the line and column where it is.

use std::{collections::BTreeMap, fmt, path::Path};

use alloy_primitives::Address;
use serde::{
    Deserialize, Deserializer,
    de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor},
};

use super::{
    FileScores, RawRecord, Region, Score, aggregate_raw, non_negative_problem, unit_problem,
};
use crate::{
    Result,
    account::{address_problem, parse_address, region_problem},
};

/// An address, checked as it is parsed.
struct Addr(Address);

impl<'de> Deserialize<'de> for Addr {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        parse_address(&s)
            .map(Addr)
            .ok_or_else(|| de::Error::custom(address_problem(&s)))
    }
}

/// A region code, checked and upper-cased as it is parsed.
struct Reg(Region);

impl<'de> Deserialize<'de> for Reg {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Region::parse(&s)
            .map(Reg)
            .ok_or_else(|| de::Error::custom(region_problem(&s)))
    }
}

/// A finite number in [0, 1].
struct Unit(f64);

impl<'de> Deserialize<'de> for Unit {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = f64::deserialize(d)?;
        match unit_problem("value", v) {
            Some(p) => Err(de::Error::custom(p)),
            None => Ok(Unit(v)),
        }
    }
}

/// A finite number >= 0.
struct NonNeg(f64);

impl<'de> Deserialize<'de> for NonNeg {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = f64::deserialize(d)?;
        match non_negative_problem("value", v) {
            Some(p) => Err(de::Error::custom(p)),
            None => Ok(NonNeg(v)),
        }
    }
}

/// One region's entry in the aggregated-stats shape. Other fields the API may add are ignored.
#[derive(Deserialize)]
struct AggregatedScore {
    score: Unit,
    success_rate: Option<Unit>,
    round_trip_score: Option<Unit>,
}

/// One raw test record; fields beyond these (timestamp, segments_sent, ...) are ignored.
#[derive(Deserialize)]
#[serde(expecting = "a test record {\"orchestrator\": ..., \"success_rate\": ..., ...}")]
struct RawJson {
    region: Option<Reg>,
    orchestrator: Addr,
    success_rate: Unit,
    seg_duration: NonNeg,
    round_trip_time: NonNeg,
}

#[derive(Default)]
struct Collected {
    aggregated: BTreeMap<(Region, Address), Score>,
    raw: BTreeMap<(Region, Address), Vec<RawRecord>>,
}

impl Collected {
    fn push_raw<E: de::Error>(&mut self, r: RawJson, region: Option<&Region>) -> Result<(), E> {
        let region = match (r.region, region) {
            (Some(Reg(inner)), Some(outer)) if &inner != outer => {
                return Err(E::custom(format!(
                    "record for region {inner} is listed under region {outer}"
                )));
            }
            (Some(Reg(r)), _) => r,
            (None, Some(outer)) => outer.clone(),
            (None, None) => return Err(E::missing_field("region")),
        };
        self.raw
            .entry((region, r.orchestrator.0))
            .or_default()
            .push(RawRecord {
                success_rate: r.success_rate.0,
                seg_duration: r.seg_duration.0,
                round_trip_time: r.round_trip_time.0,
            });
        Ok(())
    }
}

/// The top level: an array of raw records, or an object keyed by address (aggregated) or by region
/// (raw-stats API).
struct TopLevel<'a>(&'a mut Collected);

impl<'de> DeserializeSeed<'de> for TopLevel<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TopLevel<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "an object {\"0xaddress\": {\"REGION\": {\"score\": ...}}}, an object {\"REGION\": [test \
             records]} or an array of test records",
        )
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(r) = seq.next_element::<RawJson>()? {
            self.0.push_raw(r, None)?;
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if let Some(account) = parse_address(&key) {
                if !self.0.raw.is_empty() {
                    return Err(de::Error::custom(
                        "the file mixes aggregated scores and raw records",
                    ));
                }
                map.next_value_seed(RegionScores {
                    account,
                    out: &mut self.0.aggregated,
                })?;
            } else if key.trim_start().starts_with("0x") || key.trim_start().starts_with("0X") {
                return Err(de::Error::custom(address_problem(&key)));
            } else {
                let region = Region::parse(&key).ok_or_else(|| {
                    de::Error::custom(format!(
                        "{}, or an address: keys are addresses (aggregated scores) or region codes \
                         (raw test records)",
                        region_problem(&key)
                    ))
                })?;
                if !self.0.aggregated.is_empty() {
                    return Err(de::Error::custom(
                        "the file mixes aggregated scores and raw records",
                    ));
                }
                map.next_value_seed(RawList {
                    region,
                    out: self.0,
                })?;
            }
        }
        Ok(())
    }
}

/// `{"FRA": {...}, "MDW": {...}}` for one account.
struct RegionScores<'a> {
    account: Address,
    out: &'a mut BTreeMap<(Region, Address), Score>,
}

impl<'de> DeserializeSeed<'de> for RegionScores<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RegionScores<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of region codes to {\"score\": ...}")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(Reg(region)) = map.next_key::<Reg>()? {
            let s: AggregatedScore = map.next_value()?;
            let score = Score {
                score: s.score.0,
                success_rate: s.success_rate.map(|u| u.0),
                round_trip_score: s.round_trip_score.map(|u| u.0),
            };
            if self
                .out
                .insert((region.clone(), self.account), score)
                .is_some()
            {
                return Err(de::Error::custom(format!(
                    "orchestrator {} appears twice in region {region}",
                    self.account.to_checksum(None)
                )));
            }
        }
        Ok(())
    }
}

/// `[record, ...]` under a region key.
struct RawList<'a> {
    region: Region,
    out: &'a mut Collected,
}

impl<'de> DeserializeSeed<'de> for RawList<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for RawList<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of test records")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(r) = seq.next_element::<RawJson>()? {
            self.out.push_raw(r, Some(&self.region))?;
        }
        Ok(())
    }
}

pub(super) fn parse(path: &Path, bytes: &[u8]) -> Result<FileScores> {
    let bytes = crate::text::content(path, bytes, "JSON")?;
    let mut collected = Collected::default();
    let mut de = serde_json::Deserializer::from_slice(bytes);
    TopLevel(&mut collected)
        .deserialize(&mut de)
        .map_err(|e| crate::text::json_error(path, bytes, &e))?;
    de.end()
        .map_err(|e| crate::text::json_error(path, bytes, &e))?;
    let mut out = FileScores::default();
    for ((region, account), score) in collected.aggregated {
        out.regions
            .entry(region)
            .or_default()
            .insert(account, (score, 0));
    }
    for ((region, account), records) in collected.raw {
        out.regions
            .entry(region)
            .or_default()
            .insert(account, (aggregate_raw(&records), 0));
    }
    Ok(out)
}
