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

/// A number that may be missing or `null`: the leaderboard's Go encoder omits every zero field after
/// `round_trip_time` (`omitempty`) and its SQL averages `COALESCE(x, 0)`, so absent counts as 0.
fn zero_if_absent<T>(v: Option<T>, get: impl Fn(T) -> f64) -> f64 {
    v.map_or(0.0, get)
}

/// One raw test record, in the shape of the leaderboard's `models.Stats`. Fields beyond these
/// (`errors`, `timestamp`, `segments_sent`, ...) are ignored.
#[derive(Deserialize)]
#[serde(expecting = "a test record {\"orchestrator\": ..., \"success_rate\": ..., ...}")]
struct RawJson {
    region: Option<String>,
    orchestrator: Addr,
    success_rate: Option<Unit>,
    seg_duration: Option<NonNeg>,
    round_trip_time: Option<NonNeg>,
    model: Option<String>,
    pipeline: Option<String>,
}

/// What podium says about AI-pipeline test records, in errors and the README.
pub(crate) const AI_REFUSED: &str = "the leaderboard scores AI pipelines with another formula \
     (0.65 × success rate + 0.35 × a latency score relative to the median round trip of all \
     orchestrators), which needs every orchestrator's records; podium pays transcoding scores only";

#[derive(Default)]
struct Collected {
    aggregated: BTreeMap<(Region, Address), Score>,
    raw: BTreeMap<(Region, Address), Vec<RawRecord>>,
    /// Raw records whose region is `""` (early leaderboard data), skipped.
    without_region: usize,
    /// Whether any raw record (kept or skipped) was seen.
    saw_raw: bool,
}

impl Collected {
    fn push_raw<E: de::Error>(&mut self, r: RawJson, outer: Option<&Region>) -> Result<(), E> {
        self.saw_raw = true;
        let ai = [&r.pipeline, &r.model]
            .iter()
            .any(|f| f.as_deref().is_some_and(|s| !s.is_empty()));
        if ai {
            return Err(E::custom(format!(
                "a test record for pipeline {:?}, model {:?} is an AI-pipeline test: {AI_REFUSED}",
                r.pipeline.unwrap_or_default(),
                r.model.unwrap_or_default()
            )));
        }
        let inner = match r.region.as_deref().map(str::trim) {
            None => None,
            Some("") => {
                self.without_region += 1;
                return Ok(());
            }
            Some(code) => Some(Region::parse(code).ok_or_else(|| E::custom(region_problem(code)))?),
        };
        let region = match (inner, outer) {
            (Some(inner), Some(outer)) if &inner != outer => {
                return Err(E::custom(format!(
                    "record for region {inner} is listed under region {outer}"
                )));
            }
            (Some(r), _) => r,
            (None, Some(outer)) => outer.clone(),
            (None, None) => return Err(E::missing_field("region")),
        };
        self.raw
            .entry((region, r.orchestrator.0))
            .or_default()
            .push(RawRecord {
                success_rate: zero_if_absent(r.success_rate, |u| u.0),
                seg_duration: zero_if_absent(r.seg_duration, |u| u.0),
                round_trip_time: zero_if_absent(r.round_trip_time, |u| u.0),
            });
        Ok(())
    }

    fn mixed<E: de::Error>(&self, aggregated_key: bool) -> Result<(), E> {
        let other = if aggregated_key {
            self.saw_raw
        } else {
            !self.aggregated.is_empty()
        };
        if other {
            Err(E::custom(
                "the file mixes aggregated scores and raw records",
            ))
        } else {
            Ok(())
        }
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
                self.0.mixed(true)?;
                map.next_value_seed(RegionScores {
                    account,
                    out: &mut self.0.aggregated,
                })?;
            } else if key.trim_start().starts_with("0x") || key.trim_start().starts_with("0X") {
                return Err(de::Error::custom(address_problem(&key)));
            } else {
                // The raw-stats API groups records by their own `region` field, so early records
                // with `"region": ""` arrive under the key "".
                let region = if key.trim().is_empty() {
                    None
                } else {
                    Some(Region::parse(&key).ok_or_else(|| {
                        de::Error::custom(format!(
                            "{}, or an address: keys are addresses (aggregated scores) or region \
                             codes (raw test records)",
                            region_problem(&key)
                        ))
                    })?)
                };
                self.0.mixed(false)?;
                self.0.saw_raw = true;
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

/// `[record, ...]` under a region key; `null` (early leaderboard data) is an empty list.
struct RawList<'a> {
    region: Option<Region>,
    out: &'a mut Collected,
}

impl<'de> DeserializeSeed<'de> for RawList<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for RawList<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of test records (or null)")
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(r) = seq.next_element::<RawJson>()? {
            self.out.push_raw(r, self.region.as_ref())?;
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
    let mut out = FileScores {
        without_region: collected.without_region,
        ..FileScores::default()
    };
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
