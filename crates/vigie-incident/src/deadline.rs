//! The legal clocks that start when an incident is discovered, computed in Europe/Paris.
//!
//! The fiche réflexes says: note the day and hour you discovered the compromise (point 1), then
//! « dans les 72 heures » declare the claim to the insurer and notify the CNIL. This module turns
//! that moment, T0, into dated deadlines:
//!
//! | id | due | basis |
//! |---|---|---|
//! | [`DeadlineId::CnilNotification`] | T0 + 72 h | RGPD art. 33 |
//! | [`DeadlineId::CriminalComplaint`] | T0 + 72 h | Code des assurances art. L12-10-1 |
//! | [`DeadlineId::InsurerDeclaration`] | end of the n-th working day after T0 (default 5) | Code des assurances art. L113-2 |
//! | [`DeadlineId::InformPeople`] | « dans les meilleurs délais », no fixed hour | RGPD art. 34 |
//!
//! The 72 hours are elapsed time: T0 + 259 200 seconds, whatever the clocks do. Across a
//! daylight-saving change the Paris wall-clock hour of the deadline therefore differs from T0's
//! by one hour (T0 Friday 27 March 2026 at 10:00 → Monday 30 March at 11:00). Working days, on
//! the other hand, are calendar days in Paris, see [`crate::calendar`].
//!
//! Everything is pure: instants are `DateTime<Utc>` in and out (stored in UTC, shown in Paris by
//! [`format_paris`]); a corrected T0 simply means calling [`deadlines`] again.

use std::fmt;

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, TimeZone, Timelike, Utc, Weekday};
use chrono_tz::Europe::Paris;
use serde::{Deserialize, Serialize, Serializer};

use crate::calendar::HolidayRules;

/// The legal minimum for declaring a claim to the insurer, in working days (art. L113-2).
pub const DEFAULT_INSURER_WORKING_DAYS: u32 = 5;

/// The 72 hours of RGPD art. 33 and Code des assurances art. L12-10-1.
const SEVENTY_TWO_HOURS: TimeDelta = TimeDelta::hours(72);

/// Stable identifiers of the deadlines (used in JSON, playbooks and the journal).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineId {
    /// Notify the personal-data breach to the CNIL.
    CnilNotification,
    /// File a criminal complaint (police or gendarmerie).
    CriminalComplaint,
    /// Declare the claim to the insurer.
    InsurerDeclaration,
    /// Inform the people whose data leaked.
    InformPeople,
}

impl DeadlineId {
    /// All deadlines, in the order they are shown.
    pub const ALL: [DeadlineId; 4] = [
        DeadlineId::CriminalComplaint,
        DeadlineId::CnilNotification,
        DeadlineId::InsurerDeclaration,
        DeadlineId::InformPeople,
    ];

    /// The identifier as written in JSON and playbooks (`cnil_notification`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            DeadlineId::CnilNotification => "cnil_notification",
            DeadlineId::CriminalComplaint => "criminal_complaint",
            DeadlineId::InsurerDeclaration => "insurer_declaration",
            DeadlineId::InformPeople => "inform_people",
        }
    }

    /// The deadline from its identifier.
    pub fn from_id(id: &str) -> Option<DeadlineId> {
        DeadlineId::ALL.into_iter().find(|d| d.as_str() == id)
    }

    /// Short French label.
    pub fn label(self) -> &'static str {
        match self {
            DeadlineId::CnilNotification => "Notifier la violation de données à la CNIL",
            DeadlineId::CriminalComplaint => "Déposer plainte (gendarmerie ou commissariat)",
            DeadlineId::InsurerDeclaration => "Déclarer le sinistre à l'assureur",
            DeadlineId::InformPeople => "Informer les personnes concernées",
        }
    }

    /// Short English label, for the screens of the English interface. The legal basis and
    /// the explanation stay French: they quote French law and go into French documents.
    pub fn label_en(self) -> &'static str {
        match self {
            DeadlineId::CnilNotification => "Notify the CNIL of the data breach",
            DeadlineId::CriminalComplaint => "File a complaint (gendarmerie or police station)",
            DeadlineId::InsurerDeclaration => "Declare the claim to the insurer",
            DeadlineId::InformPeople => "Inform the people affected",
        }
    }

    /// The short label in the language `code` (`fr` or `en`, as `<html lang>` writes it);
    /// `None` for a language without labels, so that the caller chooses its fallback.
    pub fn label_in(self, code: &str) -> Option<&'static str> {
        match code {
            "fr" => Some(self.label()),
            "en" => Some(self.label_en()),
            _ => None,
        }
    }

    /// The legal text behind the deadline, in French.
    pub fn legal_basis(self) -> &'static str {
        match self {
            DeadlineId::CnilNotification => {
                "RGPD, article 33 : notification à l'autorité de contrôle (la CNIL) au plus tard 72 heures après en avoir pris connaissance."
            }
            DeadlineId::CriminalComplaint => {
                "Code des assurances, article L12-10-1 : l'assurance n'indemnise les pertes dues à une cyberattaque que si une plainte a été déposée au plus tard 72 heures après la connaissance de l'attaque."
            }
            DeadlineId::InsurerDeclaration => {
                "Code des assurances, article L113-2 : déclaration du sinistre dans le délai fixé par le contrat, qui ne peut être inférieur à cinq jours ouvrés."
            }
            DeadlineId::InformPeople => {
                "RGPD, article 34 : communication aux personnes concernées dans les meilleurs délais lorsque la violation est susceptible d'engendrer un risque élevé pour leurs droits et libertés."
            }
        }
    }
}

impl fmt::Display for DeadlineId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What is known about the incident that the deadlines depend on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentFacts {
    /// T0: when the organisation discovered the incident (« notez le jour et l'heure »).
    pub discovered_at: DateTime<Utc>,
    /// Personal data may have been read, changed or destroyed. Defaults to `true`: a commune's
    /// mailbox or files nearly always hold some, and the CNIL's advice is « en cas de doute,
    /// notifiez ».
    #[serde(default = "default_true")]
    pub personal_data: bool,
    /// The breach is likely to put people at high risk (bank details, identity papers, health
    /// data, passwords…): they must be informed (RGPD art. 34).
    #[serde(default)]
    pub high_risk_to_people: bool,
    /// The insurance contract's deadline in working days (never less than 5 by law).
    #[serde(default = "default_insurer_days")]
    pub insurer_working_days: u32,
    /// Which public holidays count (Alsace-Moselle has two more).
    #[serde(default)]
    pub holiday_rules: HolidayRules,
}

fn default_true() -> bool {
    true
}

fn default_insurer_days() -> u32 {
    DEFAULT_INSURER_WORKING_DAYS
}

impl IncidentFacts {
    /// Facts with the prudent defaults: personal data assumed, no high risk known yet, 5 working
    /// days for the insurer, metropolitan holidays.
    pub fn new(discovered_at: DateTime<Utc>) -> IncidentFacts {
        IncidentFacts {
            discovered_at,
            personal_data: true,
            high_risk_to_people: false,
            insurer_working_days: DEFAULT_INSURER_WORKING_DAYS,
            holiday_rules: HolidayRules::Metropole,
        }
    }
}

/// One computed deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    pub id: DeadlineId,
    /// Short French label.
    pub label: String,
    /// The legal text, in French.
    pub legal_basis: String,
    /// What to do and when it applies, in plain French.
    pub explanation: String,
    /// Whether the obligation applies given the facts (the date is still computed when known,
    /// so that a change of facts does not hide it).
    pub applies: bool,
    /// The instant by which to act; `None` when the law sets no fixed hour (art. 34) or the
    /// date is outside the representable range.
    pub due: Option<DateTime<Utc>>,
}

impl Deadline {
    /// Where `now` stands relative to the deadline; `None` without a fixed due date.
    pub fn status(&self, now: DateTime<Utc>) -> Option<DeadlineStatus> {
        self.due.map(|due| status(due, now))
    }

    /// One French line for a person: « échéance : jeudi 2 avril 2026 à 14 h 30 (heure de Paris),
    /// il reste 2 j 4 h ».
    pub fn describe(&self, now: DateTime<Utc>) -> String {
        match self.due {
            Some(due) => format!("échéance : {}, {}", format_paris(due), status(due, now)),
            None => "dans les meilleurs délais (pas d'heure limite fixe)".to_owned(),
        }
    }
}

/// All deadlines for these facts, in [`DeadlineId::ALL`] order.
pub fn deadlines(facts: &IncidentFacts) -> Vec<Deadline> {
    DeadlineId::ALL
        .into_iter()
        .map(|id| deadline(facts, id))
        .collect()
}

/// One deadline for these facts.
pub fn deadline(facts: &IncidentFacts, id: DeadlineId) -> Deadline {
    let t0 = facts.discovered_at;
    // A high risk to people can only come from their data: it implies personal data.
    let personal = facts.personal_data || facts.high_risk_to_people;
    let (applies, due, explanation) = match id {
        DeadlineId::CnilNotification => (
            personal,
            t0.checked_add_signed(SEVENTY_TWO_HOURS),
            "Si des données personnelles (noms, adresses, RIB, actes, courriels des administrés…) ont pu être consultées, modifiées ou détruites, notifiez la CNIL en ligne au plus tard 72 heures après avoir constaté l'incident. Si tout n'est pas encore connu, faites une notification initiale puis complétez-la. En cas de doute, notifiez.".to_owned(),
        ),
        DeadlineId::CriminalComplaint => (
            true,
            t0.checked_add_signed(SEVENTY_TWO_HOURS),
            "Déposez plainte à la gendarmerie ou au commissariat au plus tard 72 heures après avoir constaté l'attaque : sans plainte dans ce délai, l'assurance ne rembourse pas les pertes dues à une cyberattaque. Apportez les preuves (captures d'écran, impressions, photos).".to_owned(),
        ),
        DeadlineId::InsurerDeclaration => (
            true,
            insurer_due(t0, facts.insurer_working_days, facts.holiday_rules),
            format!(
                "Déclarez le sinistre à votre assureur, avec les preuves et le récépissé de plainte. Délai retenu : {} jours ouvrés (celui de votre contrat ; la loi interdit moins de 5). Le jour de la découverte ne compte pas, ni les week-ends et jours fériés ; le délai finit à 23 h 59 le dernier jour. La fiche réflexes conseille de le faire dans les 72 heures, avec la plainte : n'attendez pas le dernier jour.",
                facts.insurer_working_days
            ),
        ),
        DeadlineId::InformPeople => (
            facts.high_risk_to_people,
            None,
            "Si la fuite fait courir un risque élevé aux personnes (RIB, pièces d'identité, données de santé, mots de passe…), informez-les dans les meilleurs délais, en termes simples : ce qui s'est passé, les risques, ce qu'elles peuvent faire pour se protéger et qui contacter. En cas de doute, la CNIL vous dira s'il faut le faire.".to_owned(),
        ),
    };
    Deadline {
        id,
        label: id.label().to_owned(),
        legal_basis: id.legal_basis().to_owned(),
        explanation,
        applies,
        due,
    }
}

/// The insurer's deadline: 23:59:59 (Europe/Paris) on the `working_days`-th working day after
/// the day of discovery.
///
/// Day 1 is the first working day (Monday–Friday, not a public holiday under `rules`) strictly
/// after the Paris calendar day on which T0 falls: the day of discovery never counts, even when
/// T0 is just after midnight (« le jour de l'événement ne compte pas »), and a T0 on a Saturday
/// makes Monday day 1 (Tuesday if Monday is a holiday). The deadline is the end of the last day,
/// 23:59:59 Paris time. With `working_days = 0` it is the end of the day of discovery.
pub fn insurer_due(
    discovered_at: DateTime<Utc>,
    working_days: u32,
    rules: HolidayRules,
) -> Option<DateTime<Utc>> {
    let day0 = discovered_at.with_timezone(&Paris).date_naive();
    let last = rules.add_working_days(day0, working_days)?;
    end_of_paris_day(last)
}

/// 23:59:59 Europe/Paris on `date`, in UTC. Daylight-saving changes happen at night (02:00 or
/// 03:00), so this local time always exists once; `earliest` still covers any future rule.
fn end_of_paris_day(date: NaiveDate) -> Option<DateTime<Utc>> {
    let local = date.and_hms_opt(23, 59, 59)?;
    Paris
        .from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

/// Time left before a deadline, or time since it passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeadlineStatus {
    /// `now <= due`: this much time is left.
    Remaining(TimeDelta),
    /// `now > due`: passed by this much.
    Overdue(TimeDelta),
}

/// Where `now` stands relative to `due`. Exactly at `due` the deadline is still met.
pub fn status(due: DateTime<Utc>, now: DateTime<Utc>) -> DeadlineStatus {
    if now <= due {
        DeadlineStatus::Remaining(due.signed_duration_since(now))
    } else {
        DeadlineStatus::Overdue(now.signed_duration_since(due))
    }
}

impl DeadlineStatus {
    /// Whether the deadline has passed.
    pub fn is_overdue(self) -> bool {
        matches!(self, DeadlineStatus::Overdue(_))
    }
}

impl fmt::Display for DeadlineStatus {
    /// « il reste 2 j 4 h » or « dépassé de 3 h 10 min ».
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeadlineStatus::Remaining(d) => write!(f, "il reste {}", format_duration(*d)),
            DeadlineStatus::Overdue(d) => write!(f, "dépassé de {}", format_duration(*d)),
        }
    }
}

impl Serialize for DeadlineStatus {
    /// `{"state": "remaining" | "overdue", "seconds": n, "text": "il reste …"}`.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let (state, delta) = match self {
            DeadlineStatus::Remaining(d) => ("remaining", d),
            DeadlineStatus::Overdue(d) => ("overdue", d),
        };
        let mut s = serializer.serialize_struct("DeadlineStatus", 3)?;
        s.serialize_field("state", state)?;
        s.serialize_field("seconds", &delta.num_seconds())?;
        s.serialize_field("text", &self.to_string())?;
        s.end()
    }
}

/// A duration in French, rounded down to what matters: « 2 j 4 h », « 3 h 10 min », « 45 min »,
/// « moins d'une minute ». Negative durations are shown by their size.
///
/// Rounding down means a person is never told they have more time than they do.
pub fn format_duration(d: TimeDelta) -> String {
    let minutes = d.num_minutes().unsigned_abs();
    let days = minutes / 1440;
    let hours = (minutes % 1440) / 60;
    let mins = minutes % 60;
    match (days, hours, mins) {
        (0, 0, 0) => "moins d'une minute".to_owned(),
        (0, 0, m) => format!("{m} min"),
        (0, h, 0) => format!("{h} h"),
        (0, h, m) => format!("{h} h {m} min"),
        (j, 0, _) => format!("{j} j"),
        (j, h, _) => format!("{j} j {h} h"),
    }
}

/// An instant in French, Paris time: « jeudi 2 avril 2026 à 14 h 30 (heure de Paris) ».
pub fn format_paris(t: DateTime<Utc>) -> String {
    let local = t.with_timezone(&Paris);
    let day = local.day();
    let day = if day == 1 {
        "1er".to_owned()
    } else {
        day.to_string()
    };
    format!(
        "{} {} {} {} à {} h {:02} (heure de Paris)",
        weekday_fr(local.weekday()),
        day,
        month_fr(local.month()),
        local.year(),
        local.hour(),
        local.minute()
    )
}

fn weekday_fr(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "lundi",
        Weekday::Tue => "mardi",
        Weekday::Wed => "mercredi",
        Weekday::Thu => "jeudi",
        Weekday::Fri => "vendredi",
        Weekday::Sat => "samedi",
        Weekday::Sun => "dimanche",
    }
}

fn month_fr(m: u32) -> &'static str {
    match m {
        1 => "janvier",
        2 => "février",
        3 => "mars",
        4 => "avril",
        5 => "mai",
        6 => "juin",
        7 => "juillet",
        8 => "août",
        9 => "septembre",
        10 => "octobre",
        11 => "novembre",
        _ => "décembre",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paris(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Paris
            .with_ymd_and_hms(y, mo, d, h, mi, 0)
            .single()
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn ids_round_trip() {
        for id in DeadlineId::ALL {
            assert_eq!(DeadlineId::from_id(id.as_str()), Some(id));
            assert_eq!(
                serde_json::to_string(&id).unwrap(),
                format!("\"{}\"", id.as_str())
            );
        }
        assert_eq!(DeadlineId::from_id("cnil"), None);
    }

    #[test]
    fn labels_in_both_languages() {
        for id in DeadlineId::ALL {
            assert_eq!(id.label_in("fr"), Some(id.label()));
            assert_eq!(id.label_in("en"), Some(id.label_en()));
            assert_ne!(id.label_en(), id.label());
        }
        assert_eq!(DeadlineId::CnilNotification.label_in("de"), None);
    }

    #[test]
    fn durations_in_french() {
        assert_eq!(
            format_duration(TimeDelta::hours(52) + TimeDelta::minutes(59)),
            "2 j 4 h"
        );
        assert_eq!(
            format_duration(TimeDelta::minutes(190) + TimeDelta::seconds(30)),
            "3 h 10 min"
        );
        assert_eq!(format_duration(TimeDelta::hours(3)), "3 h");
        assert_eq!(format_duration(TimeDelta::hours(48)), "2 j");
        assert_eq!(format_duration(TimeDelta::minutes(45)), "45 min");
        assert_eq!(
            format_duration(TimeDelta::seconds(59)),
            "moins d'une minute"
        );
        assert_eq!(format_duration(TimeDelta::minutes(-45)), "45 min");
        // Extremes must not overflow.
        let _ = format_duration(TimeDelta::MAX);
        let _ = format_duration(TimeDelta::MIN);
    }

    #[test]
    fn paris_format() {
        assert_eq!(
            format_paris(paris(2026, 4, 2, 14, 30)),
            "jeudi 2 avril 2026 à 14 h 30 (heure de Paris)"
        );
        assert_eq!(
            format_paris(paris(2026, 5, 1, 9, 5)),
            "vendredi 1er mai 2026 à 9 h 05 (heure de Paris)"
        );
    }

    #[test]
    fn status_text_and_json() {
        let due = paris(2026, 4, 2, 14, 30);
        let now = due - TimeDelta::hours(52);
        assert_eq!(status(due, now).to_string(), "il reste 2 j 4 h");
        let late = due + TimeDelta::minutes(190);
        assert_eq!(status(due, late).to_string(), "dépassé de 3 h 10 min");
        assert_eq!(
            status(due, due),
            DeadlineStatus::Remaining(TimeDelta::zero())
        );
        let json = serde_json::to_value(status(due, late)).unwrap();
        assert_eq!(json["state"], "overdue");
        assert_eq!(json["seconds"], 190 * 60);
    }

    #[test]
    fn inform_people_has_no_hour() {
        let mut facts = IncidentFacts::new(paris(2026, 4, 2, 10, 0));
        facts.high_risk_to_people = true;
        let d = deadline(&facts, DeadlineId::InformPeople);
        assert!(d.applies);
        assert_eq!(d.due, None);
        assert!(d.describe(facts.discovered_at).contains("meilleurs délais"));
    }

    #[test]
    fn facts_defaults_from_json() {
        let facts: IncidentFacts =
            serde_json::from_str(r#"{"discovered_at": "2026-04-02T08:00:00Z"}"#).unwrap();
        assert_eq!(facts, IncidentFacts::new(paris(2026, 4, 2, 10, 0)));
    }
}
