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
    fn formats_durations() {
        assert_eq!(duration(0), "0s");
        assert_eq!(duration(604_800), "7d");
        assert_eq!(duration(2 * 86_400 + 3 * 3600 + 59), "2d 3h");
        assert_eq!(duration(90), "1m 30s");
    }
}
