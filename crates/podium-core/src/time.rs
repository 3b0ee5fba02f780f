//! Unix timestamps and durations in words, for messages and tables ("2026-12-01 00:00 UTC", "7d").
//! Plain integer calendar arithmetic: no time zone database is needed for UTC.

/// Formats unix seconds as `YYYY-MM-DD HH:MM UTC` (seconds are shown only when not zero).
pub fn utc(ts: u64) -> String {
    let days = (ts / 86_400) as i64;
    let secs = ts % 86_400;
    let (y, m, d) = civil_from_days(days);
    let (hh, mm, ss) = (secs / 3600, secs % 3600 / 60, secs % 60);
    if ss == 0 {
        format!("{y:04}-{m:02}-{d:02} {hh:02}:{mm:02} UTC")
    } else {
        format!("{y:04}-{m:02}-{d:02} {hh:02}:{mm:02}:{ss:02} UTC")
    }
}

/// Formats a number of seconds compactly: `7d`, `2d 3h`, `45m`, `30s`.
pub fn duration(secs: u64) -> String {
    if secs == 0 {
        return "0s".into();
    }
    let parts = [(86_400, "d"), (3600, "h"), (60, "m"), (1, "s")];
    let mut left = secs;
    let mut out = Vec::new();
    for (unit, name) in parts {
        if left >= unit {
            out.push(format!("{}{name}", left / unit));
            left %= unit;
        }
        if out.len() == 2 {
            break;
        }
    }
    out.join(" ")
}

/// Parses a moment in UTC: unix seconds, `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM[:SS]Z` (RFC 3339 in UTC)
/// or `YYYY-MM-DD HH:MM[:SS] UTC` (what [`utc`] prints).
pub fn parse_utc(text: &str) -> Result<u64, String> {
    let s = text.trim();
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return s
            .parse()
            .map_err(|_| format!("{s:?} is too large for a timestamp"));
    }
    let bad = || {
        format!(
            "{text:?} is not a UTC time: use unix seconds, 2026-12-07, 2026-12-07T00:00:00Z or \
             \"2026-12-07 00:00 UTC\""
        )
    };
    let (date, time) = if let Some(rest) = s.strip_suffix(" UTC") {
        rest.split_once(' ').unwrap_or((rest, "00:00"))
    } else if let Some(rest) = s.strip_suffix('Z').or_else(|| s.strip_suffix("+00:00")) {
        rest.split_once('T').ok_or_else(bad)?
    } else if s.len() == 10 {
        (s, "00:00")
    } else {
        return Err(bad());
    };
    let num = |part: &str, max: u64| -> Result<u64, String> {
        let v: u64 = part.parse().map_err(|_| bad())?;
        if v > max { Err(bad()) } else { Ok(v) }
    };
    let d: Vec<&str> = date.split('-').collect();
    let t: Vec<&str> = time.split(':').collect();
    if d.len() != 3 || d[0].len() != 4 || !(2..=3).contains(&t.len()) {
        return Err(bad());
    }
    let (y, m, day) = (num(d[0], 9999)?, num(d[1], 12)?, num(d[2], 31)?);
    let (hh, mm) = (num(t[0], 23)?, num(t[1], 59)?);
    let ss = if t.len() == 3 {
        num(t[2].split('.').next().unwrap_or(""), 59)?
    } else {
        0
    };
    if y < 1970 || m == 0 || day == 0 {
        return Err(bad());
    }
    let days = days_from_civil(y as i64, m as u32, day as u32);
    // Reject 2026-02-30 and the like: the date must survive the round trip.
    if civil_from_days(days) != (y as i64, m as u32, day as u32) {
        return Err(format!("{text:?} is not a calendar date"));
    }
    Ok(days as u64 * 86_400 + hh * 3600 + mm * 60 + ss)
}

/// Parses a duration: seconds, or numbers with units `w`, `d`, `h`, `m`, `s` (`7d`, `1d 12h`).
pub fn parse_duration(text: &str) -> Result<u64, String> {
    let s = text.trim();
    let bad =
        || format!("{text:?} is not a duration: use seconds or units like 7d, 36h, 1d 12h, 90m");
    if s.is_empty() {
        return Err(bad());
    }
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().map_err(|_| bad());
    }
    let mut total: u64 = 0;
    let mut number = String::new();
    for c in s.chars() {
        match c {
            '0'..='9' => number.push(c),
            ' ' => {}
            'w' | 'd' | 'h' | 'm' | 's' if !number.is_empty() => {
                let unit = match c {
                    'w' => 604_800,
                    'd' => 86_400,
                    'h' => 3600,
                    'm' => 60,
                    _ => 1,
                };
                let n: u64 = number.parse().map_err(|_| bad())?;
                total = n
                    .checked_mul(unit)
                    .and_then(|v| total.checked_add(v))
                    .ok_or_else(bad)?;
                number.clear();
            }
            _ => return Err(bad()),
        }
    }
    if number.is_empty() {
        Ok(total)
    } else {
        Err(bad())
    }
}

/// (year, month, day) to days since 1970-01-01; the inverse of [`civil_from_days`].
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = i64::from(if m > 2 { m - 3 } else { m + 9 });
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Days since 1970-01-01 to a proleptic Gregorian (year, month, day). The well-known era-based
/// algorithm: 400-year eras of 146,097 days, years starting in March so leap days come last.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(utc(0), "1970-01-01 00:00 UTC");
        // 2026-12-01T00:00:00Z
        assert_eq!(utc(1_796_083_200), "2026-12-01 00:00 UTC");
        // 2024-02-29T12:34:56Z, a leap day.
        assert_eq!(utc(1_709_210_096), "2024-02-29 12:34:56 UTC");
        // 2000-03-01T00:00:00Z, the day after a 400-year leap day.
        assert_eq!(utc(951_868_800), "2000-03-01 00:00 UTC");
    }

    #[test]
    fn parses_what_it_prints() {
        for ts in [0, 1_796_083_200, 1_709_210_096, 951_868_800, 4_102_444_800] {
            assert_eq!(parse_utc(&utc(ts)), Ok(ts), "{}", utc(ts));
        }
        assert_eq!(parse_utc("2026-12-01T00:00:00Z"), Ok(1_796_083_200));
        assert_eq!(parse_utc("2026-12-01"), Ok(1_796_083_200));
        assert_eq!(parse_utc("1796083200"), Ok(1_796_083_200));
        assert!(
            parse_utc("2026-02-30")
                .unwrap_err()
                .contains("not a calendar date")
        );
        assert!(parse_utc("2026-12-01T00:00:00+02:00").is_err());
        assert!(parse_utc("next tuesday").is_err());
    }

    #[test]
    fn parses_durations() {
        assert_eq!(parse_duration("604800"), Ok(604_800));
        assert_eq!(parse_duration("7d"), Ok(604_800));
        assert_eq!(parse_duration("1w"), Ok(604_800));
        assert_eq!(parse_duration("1d 12h"), Ok(129_600));
        assert_eq!(parse_duration("90m"), Ok(5_400));
        assert!(parse_duration("7 days").is_err());
        assert!(parse_duration("").is_err());
        assert!(parse_duration("12").is_ok());
        assert!(parse_duration("3x").is_err());
    }

    #[test]
    fn formats_durations() {
        assert_eq!(duration(0), "0s");
        assert_eq!(duration(604_800), "7d");
        assert_eq!(duration(2 * 86_400 + 3 * 3600 + 59), "2d 3h");
        assert_eq!(duration(90), "1m 30s");
    }
}
