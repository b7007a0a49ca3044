//! The `password.weak` check: how long would the password given for the audit resist?
//!
//! zxcvbn estimates the guesses an attacker needs, with French words and the organisation's own
//! names (commune, address, people) as « user inputs », since attackers try those first. The
//! password itself is never printed, logged or stored: only the score reaches the finding.

use serde_json::json;

use super::{AuditFinding, FindingText, Severity, english_count, in_english};

/// Common French words and passwords, from the versioned data file.
pub const FRENCH_WORDS: &str = include_str!("../../../../data/wordlists/mots-de-passe-fr.txt");

/// How strong a password is, by zxcvbn with the French word list and `context` (the
/// organisation's names, the address) as the words an attacker tries first.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Strength {
    /// zxcvbn's score, 0 (guessed in seconds) to 4.
    pub score: u8,
    /// Length in characters.
    pub length: usize,
    /// log10 of the estimated guesses.
    pub guesses_log10: f64,
}

impl Strength {
    /// Vigie's bar for any password it accepts or audits: score 3 or more and 12 characters.
    pub fn is_acceptable(&self) -> bool {
        self.score >= 3 && self.length >= 12
    }
}

/// Scores `password` (never stored, never printed). `context` holds the organisation's names
/// and the mailbox or account address.
pub fn strength(password: &str, context: &[&str]) -> Strength {
    // zxcvbn ranks user inputs by their position: the organisation's own names come first,
    // since they are what an attacker tries first, then the French word list.
    let mut inputs: Vec<&str> = Vec::new();
    // Each part of an address or a name counts on its own: « mairie-saint-martin.fr » gives
    // « mairie », « saint », « martin ».
    let parts: Vec<String> = context
        .iter()
        .flat_map(|c| {
            c.split(|ch: char| !ch.is_alphanumeric())
                .filter(|p| p.chars().count() >= 3)
                .map(str::to_lowercase)
                .collect::<Vec<_>>()
        })
        .collect();
    // And glued together, as people type them: « SaintMartin21 ».
    let glued: Vec<String> = context
        .iter()
        .map(|c| {
            c.split('@')
                .next_back()
                .unwrap_or(c)
                .split('.')
                .next()
                .unwrap_or(c)
                .chars()
                .filter(|ch| ch.is_alphanumeric())
                .collect::<String>()
                .to_lowercase()
        })
        .filter(|g| g.chars().count() >= 3)
        .collect();
    inputs.extend(parts.iter().map(String::as_str));
    inputs.extend(glued.iter().map(String::as_str));
    inputs.extend(context.iter().copied());
    inputs.extend(
        FRENCH_WORDS
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#')),
    );
    let entropy = zxcvbn::zxcvbn(password, &inputs);
    // zxcvbn rates names joined by separators ("Mairie-Saint-Martin") as strong; an attacker
    // who knows the commune tries exactly that. Such a password counts as guessable.
    let score = if made_of(password, &parts) {
        (entropy.score() as u8).min(1)
    } else {
        entropy.score() as u8
    };
    Strength {
        score,
        length: password.chars().count(),
        guesses_log10: entropy.guesses_log10(),
    }
}

/// True when `password` is nothing but the given words (any case, any order), digits and
/// punctuation: « Mairie-Saint-Martin2024! » from « Mairie de Saint-Martin ».
fn made_of(password: &str, words: &[String]) -> bool {
    if words.is_empty() {
        return false;
    }
    let mut rest = password.to_lowercase();
    let mut sorted: Vec<&String> = words.iter().collect();
    // Longest first, so « saint-martin » parts do not leave pieces of longer words behind.
    sorted.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
    for word in sorted {
        rest = rest.replace(word.as_str(), "");
    }
    rest.chars().filter(|c| c.is_alphabetic()).count() < 3
}

/// Scores `password`; returns a finding when it is weak (zxcvbn score below 3, or shorter
/// than 12 characters). `context` holds the organisation's names and the mailbox address.
pub fn check(password: &str, context: &[&str]) -> Option<AuditFinding> {
    let measured = strength(password, context);
    let Strength { score, length, .. } = measured;
    if measured.is_acceptable() {
        return None;
    }
    let severity = if score <= 1 {
        Severity::Critical
    } else if score == 2 {
        Severity::High
    } else {
        Severity::Medium
    };
    let crack = match score {
        0 => "quelques secondes",
        1 => "quelques minutes à quelques heures",
        2 => "quelques jours",
        _ => "plusieurs mois",
    };
    let crack_en = match score {
        0 => "a few seconds",
        1 => "a few minutes to a few hours",
        2 => "a few days",
        _ => "several months",
    };
    Some(AuditFinding {
        translations: in_english(FindingText::new(
            "The mailbox password is too weak",
            format!(
                "The password used for this audit ({}) would be guessed in {crack_en} by an \
                 attacker who tries common passwords, French words and the commune's names \
                 (score {score} out of 4). This is the first weakness used in the mailbox hack \
                 described in the lessons-learned report.",
                english_count(length as u64, "character", "characters")
            ),
            "1. Choose a new password of at least 14 characters, made by a password manager (or \
             a passphrase of 5 random words), and used nowhere else.\n2. Change it in the \
             mailbox settings, then on every device that collects the mail.\n3. Turn on \
             two-factor authentication if it is offered.",
        )),
        id: "password.weak".into(),
        severity,
        title: "Le mot de passe de la messagerie est trop faible".into(),
        detail: format!(
            "Le mot de passe utilisé pour cet audit ({length} caractères) serait deviné en \
             {crack} par un attaquant qui essaie les mots de passe courants, les mots français \
             et les noms de la commune (note {score} sur 4). C'est la première faille exploitée \
             dans le piratage de messagerie décrit par le retour d'expérience."
        ),
        remediation: "1. Choisissez un nouveau mot de passe d'au moins 14 caractères, généré \
                      par un coffre-fort numérique (ou une phrase de passe de 5 mots au \
                      hasard), utilisé nulle part ailleurs.\n2. Changez-le dans les paramètres \
                      de la messagerie, puis dans chaque appareil qui relève le courrier.\n3. \
                      Activez la double authentification si elle est proposée."
            .into(),
        evidence: json!({ "score": score, "length": length, "guesses_log10": (measured.guesses_log10 * 10.0).round() / 10.0 }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_french_passwords_are_found_and_never_printed() {
        for pwd in ["soleil2024", "Mairie123", "azerty", "SaintMartin21"] {
            let f = check(pwd, &["secretariat@mairie-saint-martin.fr", "Saint-Martin"])
                .unwrap_or_else(|| panic!("{pwd} not weak"));
            assert_eq!(f.id, "password.weak");
            let all = format!("{} {} {} {}", f.title, f.detail, f.remediation, f.evidence);
            assert!(!all.contains(pwd), "password leaked: {all}");
            let en = f.text_in("en").0;
            let all = format!("{} {} {}", en.title, en.detail, en.remediation);
            assert!(!all.contains(pwd), "password leaked in English: {all}");
            assert!(all.contains(&format!("{} characters", pwd.chars().count())));
            let json = serde_json::to_string(&f).unwrap_or_default();
            assert!(json.contains("translations") && !json.contains(pwd));
            crate::audit::finding::assert_english(&f);
        }
    }

    #[test]
    fn names_of_the_organisation_glued_together_are_weak() {
        for pwd in [
            "Mairie-Saint-Martin",
            "SaintMartinMairie2024!",
            "martin.saint.mairie",
        ] {
            let s = strength(pwd, &["Mairie de Saint-Martin"]);
            assert!(s.score <= 1, "{pwd}: {s:?}");
        }
        assert!(
            strength(
                "Mairie-Saint-Martin-orbite-tulipe",
                &["Mairie de Saint-Martin"]
            )
            .score
                >= 3
        );
    }

    #[test]
    fn strong_password_passes() {
        assert!(check("tX9!qLm#2vRp8&Wz", &["mairie-exemple.fr"]).is_none());
        assert!(check("Correct-Horse-Battery-Staple-42", &[]).is_none());
    }
}
