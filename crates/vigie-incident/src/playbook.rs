//! Incident playbooks (« fiches réflexes ») as versioned data files.
//!
//! A playbook says, for one kind of incident, what to do in the first minutes, whom to call and
//! in what order, which evidence to keep and how, the steps to follow (some with a legal
//! deadline, see [`crate::deadline`]) and how to harden things afterwards. The content lives in
//! `data/playbooks/<id>.toml`, in plain French for the secrétaire de mairie, so that it can be
//! reviewed and corrected without touching code; the five shipped files are embedded in the
//! binary ([`builtin`]).
//!
//! Each text may have an English sibling, `<field>_en` (`title_en`, `why_en`, …), for the
//! English screens of the web application. Translations are optional (a commune's own playbook
//! may be French only) and only used when complete, see [`Playbook::in_language`]. Adding or
//! correcting one does not raise `version`: the French guidance an incident followed is
//! unchanged, and the format stays [`SCHEMA`] (only optional fields were added).
//!
//! Parsing is strict because a playbook is read under stress: unknown fields, blank texts,
//! duplicate step ids, unknown deadline ids, contact references that do not resolve in the
//! [`Directory`], or an id that differs from the file name are all rejected with
//! [`Error::InvalidData`], which names the file, the line of the offending value and the reason
//! in French.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::Error;
use crate::deadline::{DeadlineId, IncidentFacts};
use crate::directory::{Directory, invalid, is_slug, non_empty, slug_reason, toml_error};

/// Format version written in every playbook file and in the JSON output.
pub const SCHEMA: &str = "vigie.playbook.v1";

/// The embedded playbooks, `(id, text)`.
const BUILTIN: [(&str, &str); 5] = [
    (
        "compromission-messagerie",
        include_str!("../../../data/playbooks/compromission-messagerie.toml"),
    ),
    (
        "faux-support",
        include_str!("../../../data/playbooks/faux-support.toml"),
    ),
    (
        "fraude-virement",
        include_str!("../../../data/playbooks/fraude-virement.toml"),
    ),
    (
        "fuite-donnees",
        include_str!("../../../data/playbooks/fuite-donnees.toml"),
    ),
    (
        "rancongiciel",
        include_str!("../../../data/playbooks/rancongiciel.toml"),
    ),
];

/// One playbook, validated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Playbook {
    /// Always [`SCHEMA`].
    pub schema: String,
    /// Stable id, equal to the file name without `.toml` (`compromission-messagerie`, …).
    pub id: String,
    /// Revision of the content, raised at each change of the file.
    pub version: u32,
    pub title: String,
    /// `title` in English, when the file gives it (see [`Playbook::in_language`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title_en: Option<String>,
    /// Two or three sentences: what this incident looks like.
    pub summary: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary_en: Option<String>,
    /// Whether personal data is likely involved (drives the CNIL deadline by default).
    pub personal_data_likely: bool,
    /// What to do right away, in order.
    pub immediate_actions: Vec<Action>,
    /// Whom to call, in order.
    pub contacts: Vec<ContactCall>,
    /// Evidence to keep and how.
    pub evidence: Vec<Evidence>,
    /// The steps of the response, in order.
    pub steps: Vec<Step>,
    /// How to secure things afterwards (« Comment sécuriser »).
    pub hardening: Vec<Action>,
}

/// A thing to do, with the reason (people follow advice they understand).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Action {
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text_en: Option<String>,
    pub why: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why_en: Option<String>,
}

/// A contact to call, by reference into the [`Directory`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactCall {
    /// National entry id, `csirt-regional` or organisation role (see [`Directory::resolve`]).
    pub contact: String,
    /// When to call.
    pub when: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when_en: Option<String>,
    /// Why.
    pub why: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why_en: Option<String>,
}

/// The seed's kinds of evidence (« Quelles preuves conserver ? »).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    /// Screenshots and photos of the whole screen.
    Screenshots,
    /// Audio recordings of calls.
    AudioRecordings,
    /// The browser's history of visited pages.
    BrowserHistory,
    /// Call history: numbers, durations, dates.
    CallHistory,
    /// Anything else, to be identified with a professional.
    Other,
}

impl EvidenceKind {
    pub const ALL: [EvidenceKind; 5] = [
        EvidenceKind::Screenshots,
        EvidenceKind::AudioRecordings,
        EvidenceKind::BrowserHistory,
        EvidenceKind::CallHistory,
        EvidenceKind::Other,
    ];

    /// The identifier used in playbook files.
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceKind::Screenshots => "screenshots",
            EvidenceKind::AudioRecordings => "audio_recordings",
            EvidenceKind::BrowserHistory => "browser_history",
            EvidenceKind::CallHistory => "call_history",
            EvidenceKind::Other => "other",
        }
    }

    /// The kind from its identifier.
    pub fn from_id(id: &str) -> Option<EvidenceKind> {
        EvidenceKind::ALL.into_iter().find(|k| k.as_str() == id)
    }
}

/// A piece of evidence to keep.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub kind: EvidenceKind,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_en: Option<String>,
    /// How to collect it, in plain words.
    pub how: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub how_en: Option<String>,
}

/// A step of the response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// Unique within the playbook (the journal records steps by id).
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_en: Option<String>,
    pub detail: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail_en: Option<String>,
    /// The legal deadline this step must meet, if any.
    pub deadline: Option<DeadlineId>,
}

impl Playbook {
    /// Parses and validates a playbook; `file` names it in errors and, when it has a file name,
    /// its stem must equal the playbook's id. Contact references are checked against
    /// [`Directory::builtin`].
    pub fn parse(text: &str, file: &Path) -> Result<Playbook, Error> {
        Playbook::parse_with(text, file, Directory::builtin())
    }

    /// [`Playbook::parse`] with another directory to check contact references against.
    pub fn parse_with(text: &str, file: &Path, directory: &Directory) -> Result<Playbook, Error> {
        parse_spanned(text, file, directory).map(|(playbook, _)| playbook)
    }

    /// Reads and parses one playbook file.
    pub fn load(path: &Path) -> Result<Playbook, Error> {
        let text = read(path)?;
        Playbook::parse(&text, path)
    }

    /// The playbook with every text in the language `code` (`fr` or `en`, as `<html lang>`
    /// writes it), without the other language's siblings.
    ///
    /// French is the source and always complete. Another language gives `None` when it is
    /// unknown or when any text of the playbook lacks its translation: a page then shows the
    /// whole playbook in French (marked `lang="fr"`) rather than a mix of languages, which
    /// would be harder to follow under stress than either language alone.
    pub fn in_language(&self, code: &str) -> Option<Playbook> {
        match code {
            "fr" => self.try_texts_in(|fr, _| Some(fr.to_owned())),
            "en" => self.try_texts_in(|_, en| en.map(str::to_owned)),
            _ => None,
        }
    }

    /// This playbook with each text replaced by `pick(french, english)` and the siblings
    /// dropped; `None` as soon as one `pick` gives `None`.
    fn try_texts_in(
        &self,
        pick: impl Fn(&str, Option<&str>) -> Option<String>,
    ) -> Option<Playbook> {
        let action = |a: &Action| {
            Some(Action {
                text: pick(&a.text, a.text_en.as_deref())?,
                text_en: None,
                why: pick(&a.why, a.why_en.as_deref())?,
                why_en: None,
            })
        };
        Some(Playbook {
            schema: self.schema.clone(),
            id: self.id.clone(),
            version: self.version,
            title: pick(&self.title, self.title_en.as_deref())?,
            title_en: None,
            summary: pick(&self.summary, self.summary_en.as_deref())?,
            summary_en: None,
            personal_data_likely: self.personal_data_likely,
            immediate_actions: self
                .immediate_actions
                .iter()
                .map(action)
                .collect::<Option<_>>()?,
            contacts: self
                .contacts
                .iter()
                .map(|c| {
                    Some(ContactCall {
                        contact: c.contact.clone(),
                        when: pick(&c.when, c.when_en.as_deref())?,
                        when_en: None,
                        why: pick(&c.why, c.why_en.as_deref())?,
                        why_en: None,
                    })
                })
                .collect::<Option<_>>()?,
            evidence: self
                .evidence
                .iter()
                .map(|e| {
                    Some(Evidence {
                        kind: e.kind,
                        title: pick(&e.title, e.title_en.as_deref())?,
                        title_en: None,
                        how: pick(&e.how, e.how_en.as_deref())?,
                        how_en: None,
                    })
                })
                .collect::<Option<_>>()?,
            steps: self
                .steps
                .iter()
                .map(|s| {
                    Some(Step {
                        id: s.id.clone(),
                        title: pick(&s.title, s.title_en.as_deref())?,
                        title_en: None,
                        detail: pick(&s.detail, s.detail_en.as_deref())?,
                        detail_en: None,
                        deadline: s.deadline,
                    })
                })
                .collect::<Option<_>>()?,
            hardening: self.hardening.iter().map(action).collect::<Option<_>>()?,
        })
    }

    /// The step with this id.
    pub fn step(&self, id: &str) -> Option<&Step> {
        self.steps.iter().find(|s| s.id == id)
    }

    /// The facts to compute deadlines with, for an incident of this kind discovered at
    /// `discovered_at`: personal data is assumed when the playbook says it is likely; the rest
    /// takes the defaults of [`IncidentFacts::new`], to be corrected as facts become known.
    pub fn incident_facts(&self, discovered_at: DateTime<Utc>) -> IncidentFacts {
        IncidentFacts {
            personal_data: self.personal_data_likely,
            ..IncidentFacts::new(discovered_at)
        }
    }

    /// The deadlines this playbook's steps refer to, in step order, without repeats.
    pub fn deadline_ids(&self) -> Vec<DeadlineId> {
        let mut seen = BTreeSet::new();
        self.steps
            .iter()
            .filter_map(|s| s.deadline)
            .filter(|d| seen.insert(*d))
            .collect()
    }
}

/// Every `*.toml` playbook of `dir`, sorted by id. Two files with the same id (e.g. `a.toml` and
/// `a.TOML`) are rejected.
pub fn load_dir(dir: &Path) -> Result<Vec<Playbook>, Error> {
    let read_err = |source| Error::Read {
        path: dir.to_path_buf(),
        source,
    };
    let mut files: Vec<PathBuf> = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(read_err)? {
        let path = entry.map_err(read_err)?.path();
        let is_toml = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("toml"));
        if is_toml && path.is_file() {
            files.push(path);
        }
    }
    // File-name order makes the reported duplicate deterministic.
    files.sort();
    let mut loaded: Vec<(Playbook, PathBuf)> = Vec::with_capacity(files.len());
    for path in files {
        let text = read(&path)?;
        let (playbook, id_line) = parse_spanned(&text, &path, Directory::builtin())?;
        if let Some((_, first)) = loaded.iter().find(|(p, _)| p.id == playbook.id) {
            return Err(Error::InvalidData {
                file: path.clone(),
                line: id_line,
                reason: format!(
                    "l'identifiant « {} » est déjà celui de {}",
                    playbook.id,
                    first.display()
                ),
            });
        }
        loaded.push((playbook, path));
    }
    let mut playbooks: Vec<Playbook> = loaded.into_iter().map(|(p, _)| p).collect();
    playbooks.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(playbooks)
}

/// The five playbooks shipped with Vigie, sorted by id.
///
/// Never fails: a unit test parses each embedded file, so a malformed one cannot be released
/// (were it to happen, that playbook would be missing rather than the program panicking).
pub fn builtin() -> Vec<Playbook> {
    static PLAYBOOKS: OnceLock<Vec<Playbook>> = OnceLock::new();
    PLAYBOOKS
        .get_or_init(|| {
            let mut all: Vec<Playbook> = BUILTIN
                .iter()
                .filter_map(|(id, text)| Playbook::parse(text, &builtin_path(id)).ok())
                .collect();
            all.sort_by(|a, b| a.id.cmp(&b.id));
            all
        })
        .clone()
}

/// One shipped playbook by id.
pub fn builtin_playbook(id: &str) -> Option<Playbook> {
    builtin().into_iter().find(|p| p.id == id)
}

/// The ids of the shipped playbooks, sorted.
pub fn builtin_ids() -> Vec<&'static str> {
    let mut ids: Vec<&'static str> = BUILTIN.iter().map(|(id, _)| *id).collect();
    ids.sort_unstable();
    ids
}

/// The path a shipped playbook has in the source tree (named in errors).
fn builtin_path(id: &str) -> PathBuf {
    PathBuf::from(format!("data/playbooks/{id}.toml"))
}

fn read(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })
}

// ---------------------------------------------------------------------------------------------
// Raw (spanned) form of the file, checked field by field into `Playbook`.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlaybook {
    schema: Spanned<String>,
    id: Spanned<String>,
    version: Spanned<i64>,
    title: Spanned<String>,
    title_en: Option<Spanned<String>>,
    summary: Spanned<String>,
    summary_en: Option<Spanned<String>>,
    personal_data_likely: bool,
    immediate_actions: Spanned<Vec<RawAction>>,
    contacts: Spanned<Vec<RawContact>>,
    evidence: Spanned<Vec<RawEvidence>>,
    steps: Spanned<Vec<RawStep>>,
    hardening: Spanned<Vec<RawAction>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAction {
    text: Spanned<String>,
    text_en: Option<Spanned<String>>,
    why: Spanned<String>,
    why_en: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawContact {
    contact: Spanned<String>,
    when: Spanned<String>,
    when_en: Option<Spanned<String>>,
    why: Spanned<String>,
    why_en: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEvidence {
    kind: Spanned<String>,
    title: Spanned<String>,
    title_en: Option<Spanned<String>>,
    how: Spanned<String>,
    how_en: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    id: Spanned<String>,
    title: Spanned<String>,
    title_en: Option<Spanned<String>>,
    detail: Spanned<String>,
    detail_en: Option<Spanned<String>>,
    deadline: Option<Spanned<String>>,
}

/// Parses and validates; also returns the line of the `id` value (for duplicate reports).
fn parse_spanned(
    text: &str,
    file: &Path,
    directory: &Directory,
) -> Result<(Playbook, usize), Error> {
    let raw: RawPlaybook = toml::from_str(text).map_err(|e| toml_error(text, file, &e))?;
    let at = |span: std::ops::Range<usize>, reason: String| invalid(text, file, span.start, reason);
    let text_of = |s: &Spanned<String>, field: &str| {
        non_empty(s).map_err(|_| at(s.span(), format!("le champ « {field} » est vide")))
    };
    // A translation may be absent (a commune's own playbook may be French only), but when it
    // is written it must not be blank: a blank English text would show as an empty line.
    let optional_text = |s: &Option<Spanned<String>>, field: &str| {
        s.as_ref().map(|s| text_of(s, field)).transpose()
    };

    if raw.schema.get_ref() != SCHEMA {
        return Err(at(
            raw.schema.span(),
            format!(
                "format « {} » non pris en charge : attendu « {SCHEMA} »",
                raw.schema.get_ref()
            ),
        ));
    }

    let id = raw.id.get_ref().clone();
    if !is_slug(&id) {
        return Err(at(raw.id.span(), slug_reason(&id)));
    }
    // The id is the file name so that `data/playbooks/x.toml` is always playbook `x`.
    if let Some(stem) = file.file_stem() {
        let stem = stem.to_string_lossy();
        if stem != id.as_str() {
            return Err(at(
                raw.id.span(),
                format!("l'identifiant « {id} » ne correspond pas au nom du fichier « {stem} »"),
            ));
        }
    }

    let version = u32::try_from(*raw.version.get_ref())
        .ok()
        .filter(|v| *v >= 1)
        .ok_or_else(|| {
            at(
                raw.version.span(),
                format!(
                    "version « {} » invalide : nombre entier à partir de 1",
                    raw.version.get_ref()
                ),
            )
        })?;

    let title = text_of(&raw.title, "title")?;
    let title_en = optional_text(&raw.title_en, "title_en")?;
    let summary = text_of(&raw.summary, "summary")?;
    let summary_en = optional_text(&raw.summary_en, "summary_en")?;

    let actions = |list: &Spanned<Vec<RawAction>>, field: &str| -> Result<Vec<Action>, Error> {
        if list.get_ref().is_empty() {
            return Err(at(list.span(), format!("la liste « {field} » est vide")));
        }
        list.get_ref()
            .iter()
            .map(|a| {
                Ok(Action {
                    text: text_of(&a.text, "text")?,
                    text_en: optional_text(&a.text_en, "text_en")?,
                    why: text_of(&a.why, "why")?,
                    why_en: optional_text(&a.why_en, "why_en")?,
                })
            })
            .collect()
    };
    let immediate_actions = actions(&raw.immediate_actions, "immediate_actions")?;
    let hardening = actions(&raw.hardening, "hardening")?;

    if raw.contacts.get_ref().is_empty() {
        return Err(at(
            raw.contacts.span(),
            "la liste « contacts » est vide".to_owned(),
        ));
    }
    let mut contacts = Vec::with_capacity(raw.contacts.get_ref().len());
    for c in raw.contacts.get_ref() {
        let reference = c.contact.get_ref().trim();
        if directory.resolve(reference, None).is_none() {
            return Err(at(
                c.contact.span(),
                format!(
                    "contact « {reference} » inconnu de l'annuaire (références possibles : {})",
                    directory.references().join(", ")
                ),
            ));
        }
        contacts.push(ContactCall {
            contact: reference.to_owned(),
            when: text_of(&c.when, "when")?,
            when_en: optional_text(&c.when_en, "when_en")?,
            why: text_of(&c.why, "why")?,
            why_en: optional_text(&c.why_en, "why_en")?,
        });
    }

    if raw.evidence.get_ref().is_empty() {
        return Err(at(
            raw.evidence.span(),
            "la liste « evidence » est vide".to_owned(),
        ));
    }
    let mut evidence = Vec::with_capacity(raw.evidence.get_ref().len());
    for e in raw.evidence.get_ref() {
        let kind = EvidenceKind::from_id(e.kind.get_ref()).ok_or_else(|| {
            at(
                e.kind.span(),
                format!(
                    "type de preuve « {} » inconnu (types possibles : {})",
                    e.kind.get_ref(),
                    EvidenceKind::ALL.map(EvidenceKind::as_str).join(", ")
                ),
            )
        })?;
        evidence.push(Evidence {
            kind,
            title: text_of(&e.title, "title")?,
            title_en: optional_text(&e.title_en, "title_en")?,
            how: text_of(&e.how, "how")?,
            how_en: optional_text(&e.how_en, "how_en")?,
        });
    }

    if raw.steps.get_ref().is_empty() {
        return Err(at(
            raw.steps.span(),
            "la liste « steps » est vide : une fiche a au moins une étape".to_owned(),
        ));
    }
    let mut step_ids = BTreeSet::new();
    let mut steps = Vec::with_capacity(raw.steps.get_ref().len());
    for s in raw.steps.get_ref() {
        let step_id = s.id.get_ref();
        if !is_slug(step_id) {
            return Err(at(s.id.span(), slug_reason(step_id)));
        }
        if !step_ids.insert(step_id.clone()) {
            return Err(at(
                s.id.span(),
                format!("l'étape « {step_id} » apparaît deux fois"),
            ));
        }
        let deadline = match &s.deadline {
            None => None,
            Some(d) => Some(DeadlineId::from_id(d.get_ref()).ok_or_else(|| {
                at(
                    d.span(),
                    format!(
                        "délai « {} » inconnu (délais possibles : {})",
                        d.get_ref(),
                        DeadlineId::ALL.map(DeadlineId::as_str).join(", ")
                    ),
                )
            })?),
        };
        steps.push(Step {
            id: step_id.clone(),
            title: text_of(&s.title, "title")?,
            title_en: optional_text(&s.title_en, "title_en")?,
            detail: text_of(&s.detail, "detail")?,
            detail_en: optional_text(&s.detail_en, "detail_en")?,
            deadline,
        });
    }

    let id_line = crate::directory::line_of(text, raw.id.span().start);
    Ok((
        Playbook {
            schema: SCHEMA.to_owned(),
            id,
            version,
            title,
            title_en,
            summary,
            summary_en,
            personal_data_likely: raw.personal_data_likely,
            immediate_actions,
            contacts,
            evidence,
            steps,
            hardening,
        },
        id_line,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The guarantee behind `builtin()` never failing: every embedded file parses.
    #[test]
    fn every_embedded_playbook_parses() {
        for (id, text) in BUILTIN {
            let playbook =
                Playbook::parse(text, &builtin_path(id)).unwrap_or_else(|e| panic!("{id} : {e}"));
            assert_eq!(playbook.id, id);
        }
        assert_eq!(builtin().len(), BUILTIN.len());
        assert_eq!(
            builtin_ids(),
            vec![
                "compromission-messagerie",
                "faux-support",
                "fraude-virement",
                "fuite-donnees",
                "rancongiciel"
            ]
        );
    }

    #[test]
    fn builtin_is_sorted_and_found_by_id() {
        let ids: Vec<String> = builtin().into_iter().map(|p| p.id).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(ids, sorted);
        assert!(builtin_playbook("faux-support").is_some());
        assert!(builtin_playbook("inconnu").is_none());
    }
}
