//! French public holidays and working days, for deadlines counted in « jours ouvrés ».
//!
//! The insurer's deadline (Code des assurances, art. L113-2) is expressed in working days, so the
//! deadline engine needs to know which days are worked: Monday to Friday, except public holidays
//! (« jours fériés »). The eleven national holidays are fixed by the Code du travail
//! (art. L3133-1); three of them move with Easter, computed here with the anonymous Gregorian
//! algorithm (Meeus/Jones/Butcher).
//!
//! Alsace-Moselle (Bas-Rhin, Haut-Rhin, Moselle) keeps two more holidays from its local law: Good
//! Friday (« Vendredi saint ») and 26 December (« Saint-Étienne »). They are an option,
//! [`HolidayRules::AlsaceMoselle`], because a commune there (or its insurer) counts them and a
//! commune elsewhere does not. The default is [`HolidayRules::Metropole`].
//!
//! Whit Monday (« lundi de Pentecôte ») is listed as a holiday even though many employers use it as
//! the « journée de solidarité »: legally it stays a public holiday, and for a deadline counted in
//! working days, treating it as non-working gives the later (never the earlier) date only when the
//! office is closed that day, which is the case in most town halls.
//!
//! Everything here is pure and never panics: dates outside chrono's range give `None`.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// Which set of public holidays applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HolidayRules {
    /// The eleven national holidays (metropolitan France and, by default, everywhere else).
    #[default]
    Metropole,
    /// The national holidays plus Good Friday and 26 December (Bas-Rhin, Haut-Rhin, Moselle).
    AlsaceMoselle,
}

/// One public holiday of a given year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holiday {
    pub date: NaiveDate,
    /// French name, e.g. « Lundi de Pâques ».
    pub name: String,
}

/// Easter Sunday of `year` in the Gregorian calendar (anonymous Gregorian algorithm).
///
/// Meaningful from 1583 on (the first full Gregorian year); `None` only when the date is outside
/// chrono's range.
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    // Euclidean division keeps the arithmetic total for any i32 (no negative remainders), so the
    // function never panics even on absurd years; those just fall outside chrono's range below.
    let y = i64::from(year);
    let a = y.rem_euclid(19);
    let b = y.div_euclid(100);
    let c = y.rem_euclid(100);
    let d = b.div_euclid(4);
    let e = b.rem_euclid(4);
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c.div_euclid(4);
    let k = c.rem_euclid(4);
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l).div_euclid(451);
    let n = h + l - 7 * m + 114;
    let month = u32::try_from(n.div_euclid(31)).ok()?;
    let day = u32::try_from(n.rem_euclid(31) + 1).ok()?;
    NaiveDate::from_ymd_opt(year, month, day)
}

impl HolidayRules {
    /// The public holidays of `year`, in date order. Empty only for years outside chrono's range.
    pub fn holidays(self, year: i32) -> Vec<Holiday> {
        let mut out = Vec::with_capacity(13);
        let fixed = |month: u32, day: u32, name: &str| {
            NaiveDate::from_ymd_opt(year, month, day).map(|date| Holiday {
                date,
                name: name.to_owned(),
            })
        };
        let from_easter = |offset: i64, name: &str| {
            let easter = easter_sunday(year)?;
            let date = if offset >= 0 {
                easter.checked_add_days(Days::new(offset.unsigned_abs()))
            } else {
                easter.checked_sub_days(Days::new(offset.unsigned_abs()))
            }?;
            Some(Holiday {
                date,
                name: name.to_owned(),
            })
        };
        out.extend(fixed(1, 1, "Jour de l'an"));
        if self == HolidayRules::AlsaceMoselle {
            out.extend(from_easter(-2, "Vendredi saint"));
        }
        out.extend(from_easter(1, "Lundi de Pâques"));
        out.extend(fixed(5, 1, "Fête du Travail"));
        out.extend(fixed(5, 8, "Victoire 1945"));
        out.extend(from_easter(39, "Ascension"));
        out.extend(from_easter(50, "Lundi de Pentecôte"));
        out.extend(fixed(7, 14, "Fête nationale"));
        out.extend(fixed(8, 15, "Assomption"));
        out.extend(fixed(11, 1, "Toussaint"));
        out.extend(fixed(11, 11, "Armistice 1918"));
        out.extend(fixed(12, 25, "Noël"));
        if self == HolidayRules::AlsaceMoselle {
            out.extend(fixed(12, 26, "Saint-Étienne"));
        }
        // Ascension can fall on 1 or 8 May (e.g. 2008: 1 May); keep date order and both names.
        out.sort_by_key(|h| h.date);
        out
    }

    /// Whether `date` is a public holiday under these rules.
    pub fn is_holiday(self, date: NaiveDate) -> bool {
        let (month, day) = (date.month(), date.day());
        let fixed = matches!(
            (month, day),
            (1, 1) | (5, 1) | (5, 8) | (7, 14) | (8, 15) | (11, 1) | (11, 11) | (12, 25)
        ) || (self == HolidayRules::AlsaceMoselle && (month, day) == (12, 26));
        if fixed {
            return true;
        }
        // Movable feasts all fall between late March and mid June; skip Easter otherwise.
        if !(3..=6).contains(&month) {
            return false;
        }
        let Some(easter) = easter_sunday(date.year()) else {
            return false;
        };
        let offset = date.signed_duration_since(easter).num_days();
        matches!(offset, 1 | 39 | 50) || (self == HolidayRules::AlsaceMoselle && offset == -2)
    }

    /// Monday to Friday and not a public holiday.
    pub fn is_working_day(self, date: NaiveDate) -> bool {
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && !self.is_holiday(date)
    }

    /// The date `n` working days after `date`.
    ///
    /// The working days strictly after `date` are numbered 1, 2, …; the result is working day
    /// number `n`, so for `n >= 1` it is always a working day, whatever `date` is (a Saturday
    /// gives the following Monday, or Tuesday if Monday is a holiday, for `n = 1`). With `n = 0`
    /// the result is `date` itself. `None` when the result is outside chrono's range.
    pub fn add_working_days(self, date: NaiveDate, n: u32) -> Option<NaiveDate> {
        let mut remaining = n;
        let mut current = date;
        // Large counts: jump whole years at once, so that any u32 is answered quickly (and
        // reaches `None` at the end of chrono's range instead of looping for minutes).
        while remaining > 400 {
            // `current` may itself be 31 December (after a jump): count the next year then.
            let year_end = NaiveDate::from_ymd_opt(current.succ_opt()?.year(), 12, 31)?;
            let in_rest_of_year = self.working_days_between(current, year_end);
            if in_rest_of_year >= remaining {
                break;
            }
            remaining -= in_rest_of_year;
            current = year_end;
        }
        while remaining > 0 {
            current = current.succ_opt()?;
            if self.is_working_day(current) {
                remaining -= 1;
            }
        }
        Some(current)
    }

    /// Number of working days in `(after, until]`, where every day of that range is in
    /// `until`'s year (`after` may be 31 December of the year before).
    fn working_days_between(self, after: NaiveDate, until: NaiveDate) -> u32 {
        let days = until.signed_duration_since(after).num_days();
        let days = u32::try_from(days).unwrap_or(0);
        // Count weekdays arithmetically: each full week has five.
        let full_weeks = days / 7;
        let mut weekdays = full_weeks * 5;
        let mut day = after.checked_add_days(Days::new(u64::from(full_weeks) * 7));
        for _ in 0..days % 7 {
            day = day.and_then(|d| d.succ_opt());
            if let Some(d) = day
                && !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
            {
                weekdays += 1;
            }
        }
        let holidays_on_weekdays = self
            .holidays(until.year())
            .iter()
            .filter(|h| h.date > after && h.date <= until)
            .filter(|h| !matches!(h.date.weekday(), Weekday::Sat | Weekday::Sun))
            .map(|h| h.date)
            // Ascension on 1 or 8 May is one day off, not two.
            .collect::<std::collections::BTreeSet<_>>()
            .len();
        weekdays.saturating_sub(u32::try_from(holidays_on_weekdays).unwrap_or(u32::MAX))
    }
}

/// The public holidays of `year` in metropolitan France (see [`HolidayRules::holidays`]).
pub fn public_holidays(year: i32) -> Vec<Holiday> {
    HolidayRules::Metropole.holidays(year)
}

/// Whether `date` is a working day in metropolitan France (Monday–Friday, not a holiday).
pub fn is_working_day(date: NaiveDate) -> bool {
    HolidayRules::Metropole.is_working_day(date)
}

/// [`HolidayRules::add_working_days`] with the metropolitan holidays.
pub fn add_working_days(date: NaiveDate, n: u32) -> Option<NaiveDate> {
    HolidayRules::Metropole.add_working_days(date, n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn easter_known_values() {
        assert_eq!(easter_sunday(2024), Some(d(2024, 3, 31)));
        assert_eq!(easter_sunday(2025), Some(d(2025, 4, 20)));
        assert_eq!(easter_sunday(2026), Some(d(2026, 4, 5)));
        assert_eq!(easter_sunday(2027), Some(d(2027, 3, 28)));
        // Extremes of the Gregorian range of Easter: 22 March and 25 April.
        assert_eq!(easter_sunday(1818), Some(d(1818, 3, 22)));
        assert_eq!(easter_sunday(2038), Some(d(2038, 4, 25)));
    }

    #[test]
    fn easter_never_panics() {
        for year in [i32::MIN, -1, 0, 1, i32::MAX] {
            let _ = easter_sunday(year);
            let _ = HolidayRules::AlsaceMoselle.holidays(year);
        }
    }

    #[test]
    fn holidays_2026() {
        let dates: Vec<_> = public_holidays(2026).into_iter().map(|h| h.date).collect();
        assert_eq!(
            dates,
            vec![
                d(2026, 1, 1),
                d(2026, 4, 6),
                d(2026, 5, 1),
                d(2026, 5, 8),
                d(2026, 5, 14),
                d(2026, 5, 25),
                d(2026, 7, 14),
                d(2026, 8, 15),
                d(2026, 11, 1),
                d(2026, 11, 11),
                d(2026, 12, 25),
            ]
        );
        let alsace = HolidayRules::AlsaceMoselle.holidays(2026);
        assert_eq!(alsace.len(), 13);
        assert!(alsace.iter().any(|h| h.date == d(2026, 4, 3)));
        assert!(alsace.iter().any(|h| h.date == d(2026, 12, 26)));
    }

    #[test]
    fn is_holiday_agrees_with_list() {
        for rules in [HolidayRules::Metropole, HolidayRules::AlsaceMoselle] {
            for year in [2008, 2024, 2025, 2026, 2027, 2038] {
                let list: Vec<_> = rules.holidays(year).into_iter().map(|h| h.date).collect();
                let mut day = d(year, 1, 1);
                while day.year() == year {
                    assert_eq!(rules.is_holiday(day), list.contains(&day), "{day}");
                    day = day.succ_opt().unwrap();
                }
            }
        }
    }

    #[test]
    fn working_days() {
        assert!(is_working_day(d(2026, 4, 2))); // Thursday
        assert!(!is_working_day(d(2026, 4, 4))); // Saturday
        assert!(!is_working_day(d(2026, 4, 6))); // Easter Monday
        assert!(is_working_day(d(2026, 4, 3))); // Good Friday, worked outside Alsace-Moselle
        assert!(!HolidayRules::AlsaceMoselle.is_working_day(d(2026, 4, 3)));
        // Thursday before Easter + 5 working days: Fri 3, Tue 7, Wed 8, Thu 9, Fri 10.
        assert_eq!(add_working_days(d(2026, 4, 2), 5), Some(d(2026, 4, 10)));
        assert_eq!(
            HolidayRules::AlsaceMoselle.add_working_days(d(2026, 4, 2), 5),
            Some(d(2026, 4, 13))
        );
        assert_eq!(add_working_days(d(2026, 4, 4), 0), Some(d(2026, 4, 4)));
        assert_eq!(add_working_days(d(2026, 4, 4), 1), Some(d(2026, 4, 7)));
    }

    #[test]
    fn large_counts_are_fast_and_agree() {
        // The year-skipping path must agree with the day-by-day count.
        let start = d(2026, 3, 15);
        for n in [401, 500, 1000, 2503] {
            let mut day = start;
            let mut left = n;
            while left > 0 {
                day = day.succ_opt().unwrap();
                if is_working_day(day) {
                    left -= 1;
                }
            }
            assert_eq!(add_working_days(start, n), Some(day), "n = {n}");
        }
        assert_eq!(add_working_days(start, u32::MAX), None);
    }
}
