//! One audit finding, as serialised in the `vigie.audit.v1` JSON contract.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// How serious a finding is, from the point of view of a commune whose mail could leak.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    /// French label shown to users.
    pub fn label_fr(self) -> &'static str {
        match self {
            Severity::Critical => "critique",
            Severity::High => "élevée",
            Severity::Medium => "moyenne",
            Severity::Low => "faible",
            Severity::Info => "information",
        }
    }
}

/// A finding's words in one language: what the screens show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingText {
    pub title: String,
    pub detail: String,
    /// Numbered steps, one per line.
    pub remediation: String,
}

impl FindingText {
    /// The words of a finding.
    pub fn new(
        title: impl Into<String>,
        detail: impl Into<String>,
        remediation: impl Into<String>,
    ) -> FindingText {
        FindingText {
            title: title.into(),
            detail: detail.into(),
            remediation: remediation.into(),
        }
    }
}

/// The `translations` of a finding written in French with its English words: every finding
/// of the audit has them, so that the English screens never fall back to French.
pub fn in_english(text: FindingText) -> BTreeMap<String, FindingText> {
    BTreeMap::from([("en".to_owned(), text)])
}

/// `n` followed by the English noun, singular only for exactly one (`1 message`,
/// `0 messages`, `3 messages`).
pub fn english_count(n: u64, singular: &str, plural: &str) -> String {
    if n == 1 {
        format!("1 {singular}")
    } else {
        format!("{n} {plural}")
    }
}

/// One finding of `vigie mail audit`.
///
/// `id` is stable (`sieve.redirect`, `tls.plaintext`...): other tools key on it. `title`,
/// `detail` and `remediation` are plain French for a secrétaire de mairie; `detail` names the
/// concrete thing (script, line, target address, condition). `translations` holds the same
/// words in other languages, keyed by language code (`en`), written from the same facts when
/// the finding is made (so a detail keeps its concrete script, line and address in every
/// language). `evidence` carries the facts in machine-readable form. No secret ever goes into
/// any field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditFinding {
    pub id: String,
    pub severity: Severity,
    pub title: String,
    pub detail: String,
    pub remediation: String,
    pub evidence: serde_json::Value,
    /// Added after the first version of `vigie.audit.v1`: absent from older reports, which
    /// then read as French only.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub translations: BTreeMap<String, FindingText>,
}

impl AuditFinding {
    /// The finding's words in the language `code` (`fr`, `en`), French when there is no
    /// translation; the flag says whether the words are in the language asked for.
    pub fn text_in(&self, code: &str) -> (FindingText, bool) {
        if let Some(text) = self.translations.get(code) {
            return (text.clone(), true);
        }
        let french = FindingText {
            title: self.title.clone(),
            detail: self.detail.clone(),
            remediation: self.remediation.clone(),
        };
        (french, code == "fr")
    }
}

/// Checks shared by the tests of every check: the English words exist, read as English, and
/// give as many steps as the French.
#[cfg(test)]
pub(crate) fn assert_english(f: &AuditFinding) {
    let (en, is_english) = f.text_in("en");
    assert!(is_english, "{}: no English words", f.id);
    let all = format!("{}\n{}\n{}", en.title, en.detail, en.remediation);
    for marker in ["«", "»", " les ", " des ", " : ", "(s)"] {
        assert!(
            !all.contains(marker),
            "{}: French marker {marker:?} in the English words: {all}",
            f.id
        );
    }
    let steps = |text: &str| text.lines().filter(|l| !l.trim().is_empty()).count();
    assert_eq!(
        steps(&en.remediation),
        steps(&f.remediation),
        "{}: the English gives another number of steps",
        f.id
    );
    for (n, line) in en.remediation.lines().enumerate() {
        assert!(
            line.starts_with(&format!("{}. ", n + 1)),
            "{}: step {line:?} is not numbered like the French",
            f.id
        );
    }
    // The French words stay where they were: older readers of the report see no change.
    let (fr, is_french) = f.text_in("fr");
    assert!(is_french && fr.title == f.title && fr.title != en.title);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding() -> AuditFinding {
        AuditFinding {
            id: "test.finding".into(),
            severity: Severity::Low,
            title: "Titre".into(),
            detail: "Détail".into(),
            remediation: "1. Faire.".into(),
            evidence: serde_json::Value::Null,
            translations: in_english(FindingText::new("Title", "Detail", "1. Do.")),
        }
    }

    #[test]
    fn text_in_picks_the_language_and_says_when_it_falls_back() {
        let f = finding();
        assert_eq!(
            f.text_in("en"),
            (FindingText::new("Title", "Detail", "1. Do."), true)
        );
        assert_eq!(f.text_in("fr").0.title, "Titre");
        assert!(f.text_in("fr").1);
        // No German words: the French ones, flagged as not in the language asked for.
        assert_eq!(
            f.text_in("de"),
            (FindingText::new("Titre", "Détail", "1. Faire."), false)
        );
        assert_english(&f);
    }

    #[test]
    fn translations_are_optional_in_the_json_contract() {
        let f = finding();
        let json = serde_json::to_value(&f).unwrap_or_default();
        assert_eq!(json["translations"]["en"]["title"], "Title");
        // A report of the first version, without translations, still reads (French only).
        let old = serde_json::json!({
            "id": "tls.plaintext", "severity": "critical", "title": "T", "detail": "D",
            "remediation": "1. R", "evidence": {}
        });
        let read: AuditFinding = serde_json::from_value(old).unwrap_or_else(|e| panic!("{e}"));
        assert!(read.translations.is_empty());
        let back = serde_json::to_value(&read).unwrap_or_default();
        assert!(back.get("translations").is_none(), "not written when empty");
        assert!(!read.text_in("en").1);
    }

    #[test]
    fn english_counts_are_singular_only_for_one() {
        assert_eq!(english_count(0, "message", "messages"), "0 messages");
        assert_eq!(english_count(1, "message", "messages"), "1 message");
        assert_eq!(english_count(2, "year", "years"), "2 years");
    }
}
