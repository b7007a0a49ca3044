//! Deadline arithmetic against the calendar: daylight-saving changes, Easter, May holidays,
//! corrected discovery times, weekends; plus properties over arbitrary instants.

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, TimeZone, Timelike, Utc};
use chrono_tz::Europe::Paris;
use proptest::prelude::*;
use vigie_incident::calendar::{self, HolidayRules};
use vigie_incident::deadline::{
    Deadline, DeadlineId, DeadlineStatus, IncidentFacts, deadline, deadlines, format_paris, status,
};

/// An instant given in Paris wall-clock time.
fn paris(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
    Paris
        .with_ymd_and_hms(y, mo, d, h, mi, s)
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

fn due(facts: &IncidentFacts, id: DeadlineId) -> DateTime<Utc> {
    deadline(facts, id).due.unwrap()
}

fn end_of_day(y: i32, mo: u32, d: u32) -> DateTime<Utc> {
    paris(y, mo, d, 23, 59, 59)
}

#[test]
fn spring_forward_weekend_shifts_the_wall_clock_by_one_hour() {
    // Friday 27 March 2026, 10:00 CET; clocks go forward on Sunday 29 March.
    let facts = IncidentFacts::new(paris(2026, 3, 27, 10, 0, 0));
    let cnil = due(&facts, DeadlineId::CnilNotification);
    assert_eq!(cnil, paris(2026, 3, 30, 11, 0, 0));
    assert_eq!(cnil - facts.discovered_at, TimeDelta::hours(72));
    assert_eq!(due(&facts, DeadlineId::CriminalComplaint), cnil);
    assert_eq!(
        format_paris(cnil),
        "lundi 30 mars 2026 à 11 h 00 (heure de Paris)"
    );
    // Insurer: Mon 30, Tue 31, Wed 1, Thu 2, Fri 3 April.
    assert_eq!(
        due(&facts, DeadlineId::InsurerDeclaration),
        end_of_day(2026, 4, 3)
    );
}

#[test]
fn fall_back_weekend_shifts_the_wall_clock_back() {
    // Friday 23 October 2026, 10:00 CEST; clocks go back on Sunday 25 October.
    let facts = IncidentFacts::new(paris(2026, 10, 23, 10, 0, 0));
    let cnil = due(&facts, DeadlineId::CnilNotification);
    assert_eq!(cnil, paris(2026, 10, 26, 9, 0, 0));
    assert_eq!(cnil - facts.discovered_at, TimeDelta::hours(72));
    // Insurer: Mon 26, Tue 27, Wed 28, Thu 29, Fri 30 October.
    assert_eq!(
        due(&facts, DeadlineId::InsurerDeclaration),
        end_of_day(2026, 10, 30)
    );
}

#[test]
fn thursday_before_easter_skips_easter_monday() {
    let facts = IncidentFacts::new(paris(2026, 4, 2, 10, 0, 0));
    // Fri 3 (1), Mon 6 is Easter Monday, Tue 7 (2), Wed 8 (3), Thu 9 (4), Fri 10 (5).
    assert_eq!(
        due(&facts, DeadlineId::InsurerDeclaration),
        end_of_day(2026, 4, 10)
    );
    // Alsace-Moselle also skips Good Friday: Tue 7 … Mon 13.
    let alsace = IncidentFacts {
        holiday_rules: HolidayRules::AlsaceMoselle,
        ..facts.clone()
    };
    assert_eq!(
        due(&alsace, DeadlineId::InsurerDeclaration),
        end_of_day(2026, 4, 13)
    );
    // The 72-hour clocks ignore holidays: Sunday 5 April, 10:00.
    assert_eq!(
        due(&facts, DeadlineId::CnilNotification),
        paris(2026, 4, 5, 10, 0, 0)
    );
}

#[test]
fn ascension_and_may_holidays_are_skipped() {
    // Wednesday 13 May 2026; Thursday 14 is Ascension.
    let facts = IncidentFacts::new(paris(2026, 5, 13, 16, 45, 0));
    // Fri 15 (1), Mon 18 (2), Tue 19 (3), Wed 20 (4), Thu 21 (5).
    assert_eq!(
        due(&facts, DeadlineId::InsurerDeclaration),
        end_of_day(2026, 5, 21)
    );
    // Thursday 30 April 2026: Friday 1 May and Friday 8 May are holidays.
    let facts = IncidentFacts::new(paris(2026, 4, 30, 9, 0, 0));
    // Mon 4 (1), Tue 5 (2), Wed 6 (3), Thu 7 (4), Mon 11 (5).
    assert_eq!(
        due(&facts, DeadlineId::InsurerDeclaration),
        end_of_day(2026, 5, 11)
    );
    // Friday 22 May 2026: Whit Monday 25 May is skipped too.
    let facts = IncidentFacts::new(paris(2026, 5, 22, 9, 0, 0));
    // Tue 26 (1), Wed 27 (2), Thu 28 (3), Fri 29 (4), Mon 1 June (5).
    assert_eq!(
        due(&facts, DeadlineId::InsurerDeclaration),
        end_of_day(2026, 6, 1)
    );
}

#[test]
fn discovery_on_a_saturday_counts_from_the_next_working_day() {
    // Saturday 4 April 2026 (Easter weekend).
    let facts = IncidentFacts::new(paris(2026, 4, 4, 15, 0, 0));
    // Mon 6 is Easter Monday: Tue 7 (1) … Mon 13 (5).
    assert_eq!(
        due(&facts, DeadlineId::InsurerDeclaration),
        end_of_day(2026, 4, 13)
    );
    assert_eq!(
        due(&facts, DeadlineId::CnilNotification),
        paris(2026, 4, 7, 15, 0, 0)
    );
    // An ordinary Saturday: 7 November 2026 → Mon 9 (1), Tue 10 (2), Wed 11 is Armistice,
    // Thu 12 (3), Fri 13 (4), Mon 16 (5).
    let facts = IncidentFacts::new(paris(2026, 11, 7, 8, 0, 0));
    assert_eq!(
        due(&facts, DeadlineId::InsurerDeclaration),
        end_of_day(2026, 11, 16)
    );
}

#[test]
fn the_day_of_discovery_is_the_paris_day_not_the_utc_day() {
    // Thursday 4 June 2026 at 00:30 in Paris is still Wednesday 3 June in UTC.
    let t0 = paris(2026, 6, 4, 0, 30, 0);
    assert_eq!(
        t0.date_naive(),
        NaiveDate::from_ymd_opt(2026, 6, 3).unwrap()
    );
    let facts = IncidentFacts::new(t0);
    // Day 1 is Friday 5 June: Fri 5, Mon 8, Tue 9, Wed 10, Thu 11.
    assert_eq!(
        due(&facts, DeadlineId::InsurerDeclaration),
        end_of_day(2026, 6, 11)
    );
}

#[test]
fn a_corrected_discovery_time_gives_new_deadlines() {
    let first = IncidentFacts::new(paris(2026, 4, 2, 10, 0, 0));
    let before = deadlines(&first);
    // The secretary remembers the mail disappeared the day before, at 17:20.
    let corrected = IncidentFacts {
        discovered_at: paris(2026, 4, 1, 17, 20, 0),
        ..first.clone()
    };
    let after = deadlines(&corrected);
    assert_ne!(before, after);
    assert_eq!(
        due(&corrected, DeadlineId::CnilNotification),
        paris(2026, 4, 4, 17, 20, 0)
    );
    // Wed 1 → Thu 2 (1), Fri 3 (2), Tue 7 (3), Wed 8 (4), Thu 9 (5).
    assert_eq!(
        due(&corrected, DeadlineId::InsurerDeclaration),
        end_of_day(2026, 4, 9)
    );
    // Recomputing from the same facts is stable.
    assert_eq!(deadlines(&corrected), after);
}

#[test]
fn which_deadlines_apply() {
    let t0 = paris(2026, 4, 2, 10, 0, 0);
    let mut facts = IncidentFacts::new(t0);
    facts.personal_data = false;
    let list = deadlines(&facts);
    let get = |list: &[Deadline], id| list.iter().find(|d| d.id == id).cloned().unwrap();
    assert_eq!(list.len(), 4);
    assert!(!get(&list, DeadlineId::CnilNotification).applies);
    // The date stays known even when it does not apply.
    assert!(get(&list, DeadlineId::CnilNotification).due.is_some());
    assert!(get(&list, DeadlineId::CriminalComplaint).applies);
    assert!(get(&list, DeadlineId::InsurerDeclaration).applies);
    assert!(!get(&list, DeadlineId::InformPeople).applies);

    facts.high_risk_to_people = true;
    let list = deadlines(&facts);
    // A high risk to people implies their data was involved.
    assert!(get(&list, DeadlineId::CnilNotification).applies);
    let inform = get(&list, DeadlineId::InformPeople);
    assert!(inform.applies);
    assert_eq!(inform.due, None);
    assert!(inform.legal_basis.contains("article 34"));
}

#[test]
fn the_contract_deadline_can_be_longer() {
    let mut facts = IncidentFacts::new(paris(2026, 4, 2, 10, 0, 0));
    facts.insurer_working_days = 10;
    // Fri 3, Tue 7, Wed 8, Thu 9, Fri 10, Mon 13, Tue 14, Wed 15, Thu 16, Fri 17.
    let d = deadline(&facts, DeadlineId::InsurerDeclaration);
    assert_eq!(d.due, Some(end_of_day(2026, 4, 17)));
    assert!(d.explanation.contains("10 jours ouvrés"));
}

#[test]
fn status_and_description_in_french() {
    let facts = IncidentFacts::new(paris(2026, 3, 30, 14, 30, 0));
    let complaint = deadline(&facts, DeadlineId::CriminalComplaint);
    let now = paris(2026, 3, 31, 10, 0, 0);
    assert_eq!(
        complaint.status(now),
        Some(DeadlineStatus::Remaining(TimeDelta::minutes(52 * 60 + 30)))
    );
    assert_eq!(
        complaint.describe(now),
        "échéance : jeudi 2 avril 2026 à 14 h 30 (heure de Paris), il reste 2 j 4 h"
    );
    let late = paris(2026, 4, 2, 17, 40, 0);
    assert_eq!(
        status(complaint.due.unwrap(), late).to_string(),
        "dépassé de 3 h 10 min"
    );
    let json = serde_json::to_value(deadlines(&facts)).unwrap();
    assert_eq!(json[0]["id"], "criminal_complaint");
    assert_eq!(json[1]["id"], "cnil_notification");
    assert_eq!(json[3]["due"], serde_json::Value::Null);
}

fn arb_instant() -> impl Strategy<Value = DateTime<Utc>> {
    // 2000-01-01 to 2100-01-01, to the second.
    (946_684_800i64..4_102_444_800i64).prop_map(|s| DateTime::from_timestamp(s, 0).unwrap())
}

fn arb_date() -> impl Strategy<Value = NaiveDate> {
    (0i64..36_525).prop_map(|d| NaiveDate::from_ymd_opt(2000, 1, 1).unwrap() + TimeDelta::days(d))
}

fn arb_rules() -> impl Strategy<Value = HolidayRules> {
    prop_oneof![
        Just(HolidayRules::Metropole),
        Just(HolidayRules::AlsaceMoselle)
    ]
}

proptest! {
    #[test]
    fn seventy_two_hours_are_exactly_elapsed_hours(t0 in arb_instant()) {
        let facts = IncidentFacts::new(t0);
        for id in [DeadlineId::CnilNotification, DeadlineId::CriminalComplaint] {
            prop_assert_eq!(due(&facts, id) - t0, TimeDelta::seconds(72 * 3600));
        }
    }

    #[test]
    fn insurer_deadline_ends_a_working_day_at_least_five_days_later(
        t0 in arb_instant(),
        rules in arb_rules(),
        days in 5u32..30,
    ) {
        let facts = IncidentFacts {
            insurer_working_days: days,
            holiday_rules: rules,
            ..IncidentFacts::new(t0)
        };
        let d = due(&facts, DeadlineId::InsurerDeclaration);
        prop_assert!(d >= t0 + TimeDelta::days(5));
        let local = d.with_timezone(&Paris);
        prop_assert_eq!((local.hour(), local.minute(), local.second()), (23, 59, 59));
        prop_assert!(rules.is_working_day(local.date_naive()));
        // Exactly `days` working days between the day of discovery (excluded) and the due day.
        let day0 = t0.with_timezone(&Paris).date_naive();
        let mut count = 0;
        let mut day = day0;
        while day < local.date_naive() {
            day = day.succ_opt().unwrap();
            if rules.is_working_day(day) {
                count += 1;
            }
        }
        prop_assert_eq!(count, days);
    }

    #[test]
    fn deadlines_never_move_earlier_when_t0_moves_later(
        t0 in arb_instant(),
        shift in 0i64..(30 * 86_400),
    ) {
        let a = IncidentFacts::new(t0);
        let b = IncidentFacts::new(t0 + TimeDelta::seconds(shift));
        for id in DeadlineId::ALL {
            prop_assert!(deadline(&a, id).due <= deadline(&b, id).due);
        }
    }

    #[test]
    fn add_working_days_lands_on_a_working_day(
        date in arb_date(),
        n in 1u32..800,
        rules in arb_rules(),
    ) {
        let result = rules.add_working_days(date, n).unwrap();
        prop_assert!(result > date);
        prop_assert!(rules.is_working_day(result));
    }

    #[test]
    fn add_working_days_is_monotonic(
        date in arb_date(),
        later in 0i64..60,
        n in 0u32..800,
        more in 0u32..50,
    ) {
        let other = date + TimeDelta::days(later);
        prop_assert!(calendar::add_working_days(date, n) <= calendar::add_working_days(other, n));
        prop_assert!(calendar::add_working_days(date, n) <= calendar::add_working_days(date, n + more));
        // Adding in two steps is the same as adding at once.
        let two_steps = calendar::add_working_days(date, n)
            .and_then(|d| calendar::add_working_days(d, more));
        prop_assert_eq!(two_steps, calendar::add_working_days(date, n + more));
    }

    #[test]
    fn holidays_are_not_working_days(year in 1583i32..2500, rules in arb_rules()) {
        let holidays = rules.holidays(year);
        prop_assert!(holidays.len() == 11 || holidays.len() == 13);
        for h in holidays {
            prop_assert_eq!(h.date.year(), year);
            prop_assert!(!rules.is_working_day(h.date));
        }
        let easter = calendar::easter_sunday(year).unwrap();
        prop_assert_eq!(easter.weekday(), chrono::Weekday::Sun);
        prop_assert!(easter >= NaiveDate::from_ymd_opt(year, 3, 22).unwrap());
        prop_assert!(easter <= NaiveDate::from_ymd_opt(year, 4, 25).unwrap());
    }
}

#[test]
fn easter_known_values() {
    for (y, m, d) in [(2024, 3, 31), (2025, 4, 20), (2026, 4, 5), (2027, 3, 28)] {
        assert_eq!(calendar::easter_sunday(y), NaiveDate::from_ymd_opt(y, m, d));
    }
}
