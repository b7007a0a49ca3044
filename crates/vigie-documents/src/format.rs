//! French formatting of dates, numbers and amounts.
//!
//! Done in Rust rather than in the templates: chrono-tz knows the French summer time rules,
//! and the same strings are then easy to test without a PDF.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Offset, TimeZone, Timelike, Utc};
use chrono_tz::Europe::Paris;

const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// Narrow no-break space: the French thousands separator, which never breaks a number.
const NNBSP: char = '\u{202F}';
/// No-break space, before « € » and inside « 9 h 15 ».
const NBSP: char = '\u{A0}';

fn month(m: u32) -> &'static str {
    // `month0()` is always 0..=11; `get` keeps this free of indexing panics anyway.
    MONTHS
        .get(usize::try_from(m).unwrap_or(usize::MAX))
        .copied()
        .unwrap_or("?")
}

/// The wall-clock time in Europe/Paris. `DateTime::with_timezone` would panic at the very
/// ends of chrono's range (the offset pushes the local time out of it): there the UTC time
/// is used instead, one or two hours off but never a crash.
pub(crate) fn paris(at: DateTime<Utc>) -> NaiveDateTime {
    let utc = at.naive_utc();
    let offset = Paris.offset_from_utc_datetime(&utc).fix();
    utc.checked_add_offset(offset).unwrap_or(utc)
}

/// « 3 mars 2026 », in Europe/Paris.
pub(crate) fn date(at: DateTime<Utc>) -> String {
    day(paris(at).date())
}

/// « 3 mars 2026 » for a calendar day.
pub(crate) fn day(d: NaiveDate) -> String {
    let first = if d.day() == 1 {
        "1er".to_owned()
    } else {
        d.day().to_string()
    };
    format!("{first}{NBSP}{}{NBSP}{}", month(d.month0()), d.year())
}

/// « 3 mars 2026 à 09 h 15 », in Europe/Paris.
pub(crate) fn date_time(at: DateTime<Utc>) -> String {
    let local = paris(at);
    format!(
        "{} à {:02}{NBSP}h{NBSP}{:02}",
        day(local.date()),
        local.hour(),
        local.minute()
    )
}

/// « 03/03/2026 09:15 », in Europe/Paris: for tables.
pub(crate) fn short(at: DateTime<Utc>) -> String {
    paris(at).format("%d/%m/%Y %H:%M").to_string()
}

/// « 1 234 567 » with narrow no-break spaces.
pub(crate) fn number(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(NNBSP);
        }
        out.push(c);
    }
    out
}

/// « 1 234,56 € » from cents.
pub(crate) fn euros(cents: u64) -> String {
    format!("{},{:02}{NBSP}€", number(cents / 100), cents % 100)
}

/// « 1 entrée », « 12 entrées ».
pub(crate) fn plural(n: u64, singular: &str, plural: &str) -> String {
    format!("{} {}", number(n), if n > 1 { plural } else { singular })
}

/// A duration in whole hours, « 80 heures » (rounded down; negative durations count as 0).
pub(crate) fn hours(from: DateTime<Utc>, to: DateTime<Utc>) -> String {
    let h = u64::try_from((to - from).num_hours()).unwrap_or(0);
    plural(h, "heure", "heures")
}

/// Trimmed text, `None` when empty: a field made of spaces is as good as missing.
pub(crate) fn text(s: &Option<String>) -> Option<String> {
    s.as_deref().and_then(nonblank)
}

/// Trimmed text, `None` when empty.
pub(crate) fn nonblank(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// The non-blank items of a list, trimmed.
pub(crate) fn items(list: &[String]) -> Vec<String> {
    list.iter().filter_map(|s| nonblank(s)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn dates_are_in_paris_time() {
        // Winter: UTC+1; summer: UTC+2.
        let winter = Utc.with_ymd_and_hms(2026, 1, 15, 8, 5, 0).single();
        let summer = Utc.with_ymd_and_hms(2026, 7, 1, 22, 30, 0).single();
        assert_eq!(
            winter.map(date_time).as_deref(),
            Some("15\u{a0}janvier\u{a0}2026 à 09\u{a0}h\u{a0}05")
        );
        assert_eq!(summer.map(short).as_deref(), Some("02/07/2026 00:30"));
        assert_eq!(
            summer.map(date).as_deref(),
            Some("2\u{a0}juillet\u{a0}2026")
        );
    }

    #[test]
    fn extreme_dates_do_not_panic() {
        assert!(date_time(DateTime::<Utc>::MAX_UTC).contains('à'));
        assert!(!short(DateTime::<Utc>::MIN_UTC).is_empty());
    }

    #[test]
    fn first_of_month() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 1);
        assert_eq!(d.map(day).as_deref(), Some("1er\u{a0}mars\u{a0}2026"));
    }

    #[test]
    fn numbers_and_euros() {
        assert_eq!(number(0), "0");
        assert_eq!(number(999), "999");
        assert_eq!(number(1000), "1\u{202f}000");
        assert_eq!(number(1234567), "1\u{202f}234\u{202f}567");
        assert_eq!(euros(123456), "1\u{202f}234,56\u{a0}€");
        assert_eq!(euros(5), "0,05\u{a0}€");
        assert_eq!(plural(1, "entrée", "entrées"), "1 entrée");
        assert_eq!(plural(2, "entrée", "entrées"), "2 entrées");
    }

    #[test]
    fn blank_text_is_missing() {
        assert_eq!(text(&Some("  ".into())), None);
        assert_eq!(text(&Some(" a ".into())).as_deref(), Some("a"));
        assert_eq!(items(&["".into(), "x".into()]), vec!["x".to_owned()]);
    }
}
