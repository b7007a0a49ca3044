//! The `provider.consumer_webmail` check: is the mailbox at a consumer ISP or free webmail?
//!
//! The knowledge lives in the versioned data file `data/providers.toml` (embedded at build
//! time), so that it can be reviewed and updated without touching code.

use serde::Deserialize;
use serde_json::json;

use super::{AuditFinding, FindingText, Severity, in_english};

/// The embedded provider knowledge base.
pub const PROVIDERS_TOML: &str = include_str!("../../../../data/providers.toml");

/// The provider knowledge base.
#[derive(Debug, Clone, Deserialize)]
pub struct ProviderBase {
    pub version: u32,
    pub updated: String,
    #[serde(rename = "provider")]
    pub providers: Vec<Provider>,
}

/// One consumer mail provider.
#[derive(Debug, Clone, Deserialize)]
pub struct Provider {
    pub id: String,
    pub name: String,
    pub domains: Vec<String>,
    /// `robuste`, `sms`, `aucune` or `inconnue`.
    pub two_factor: String,
    /// `oui`, `non` or `inconnu`.
    pub app_passwords: String,
    pub checked: String,
    pub note: String,
    /// `name` in English (from version 2 of the file).
    pub name_en: String,
    /// `note` in English (from version 2 of the file).
    pub note_en: String,
}

impl ProviderBase {
    /// Parses the embedded base. The file is checked by a unit test, so this cannot fail in a
    /// released binary; a parse error is still returned rather than panicking.
    pub fn embedded() -> Result<ProviderBase, toml::de::Error> {
        toml::from_str(PROVIDERS_TOML)
    }

    /// The provider that hosts `domain` (case-insensitive), if it is a consumer one.
    pub fn lookup(&self, domain: &str) -> Option<&Provider> {
        let domain = domain.trim().trim_end_matches('.').to_ascii_lowercase();
        self.providers.iter().find(|p| p.domains.contains(&domain))
    }
}

/// The finding for `address`, when it is at a consumer provider.
pub fn check(base: &ProviderBase, address: &str) -> Option<AuditFinding> {
    let domain = address.rsplit_once('@').map(|(_, d)| d)?;
    let provider = base.lookup(domain)?;
    let robust = provider.two_factor == "robuste";
    let severity = if robust {
        Severity::Medium
    } else {
        Severity::High
    };
    let two_factor = match provider.two_factor.as_str() {
        "robuste" => "une double authentification robuste est proposée : activez-la",
        "sms" => "la double authentification se limite à un code par SMS",
        "aucune" => "aucune double authentification robuste n'est proposée",
        _ => "nous n'avons pas pu vérifier qu'une double authentification robuste existe",
    };
    let app_passwords = match provider.app_passwords.as_str() {
        "oui" => "des mots de passe d'application existent pour les logiciels de messagerie",
        "non" => "il n'existe pas de mot de passe d'application",
        _ => "l'existence de mots de passe d'application n'est pas vérifiée",
    };
    let two_factor_en = match provider.two_factor.as_str() {
        "robuste" => "strong two-factor authentication is offered: turn it on",
        "sms" => "two-factor authentication is limited to a code sent by text message",
        "aucune" => "no strong two-factor authentication is offered",
        _ => "we could not check that strong two-factor authentication exists",
    };
    let app_passwords_en = match provider.app_passwords.as_str() {
        "oui" => "app passwords are available for mail programs",
        "non" => "there are no app passwords",
        _ => "we have not checked whether app passwords exist",
    };
    let english = FindingText::new(
        "The organisation uses a consumer email service",
        format!(
            "The address {address} is hosted by {} ({domain}): {two_factor_en}; \
             {app_passwords_en}. {}",
            provider.name_en, provider.note_en
        ),
        format!(
            "1. Move to a business mail service with strong two-factor authentication, from a \
             private or public provider (for example ARNia or your département's shared IT \
             service), and use an address on the commune's own domain name.\n2. Until then: \
             a long, unique password kept in a password manager{}{}.\n3. Check the \
             forwarding rules and the authorised apps in the account settings.",
            if robust {
                ", with two-factor authentication turned on"
            } else {
                ""
            },
            if provider.app_passwords == "oui" {
                ", and an app password for each mail program"
            } else {
                ""
            }
        ),
    );
    Some(AuditFinding {
        translations: in_english(english),
        id: "provider.consumer_webmail".into(),
        severity,
        title: "La messagerie de l'organisation est une messagerie grand public".into(),
        detail: format!(
            "L'adresse {address} est hébergée chez {} ({domain}) : {two_factor} ; \
             {app_passwords}. {}",
            provider.name, provider.note
        ),
        remediation: format!(
            "1. Passez à une offre de messagerie professionnelle avec double authentification \
             robuste, d'un prestataire privé ou public (par exemple l'ARNia ou le syndicat \
             informatique de votre département), et utilisez une adresse au nom de domaine de \
             la commune.\n2. En attendant : mot de passe long et unique gardé dans un \
             coffre-fort numérique{}{}.\n3. Vérifiez les règles de transfert et les \
             applications autorisées dans les paramètres du compte.",
            if robust {
                ", double authentification activée"
            } else {
                ""
            },
            if provider.app_passwords == "oui" {
                ", et un mot de passe d'application pour chaque logiciel de messagerie"
            } else {
                ""
            }
        ),
        evidence: json!({
            "domain": domain,
            "provider": provider.id,
            "two_factor": provider.two_factor,
            "app_passwords": provider.app_passwords,
            "knowledge_checked": provider.checked,
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_base_parses_and_covers_the_seed() {
        let base = ProviderBase::embedded().unwrap();
        assert_eq!(base.version, 2);
        for d in [
            "orange.fr",
            "wanadoo.fr",
            "free.fr",
            "sfr.fr",
            "laposte.net",
            "gmail.com",
            "outlook.fr",
            "hotmail.fr",
            "live.fr",
            "yahoo.fr",
        ] {
            assert!(base.lookup(d).is_some(), "{d} missing");
        }
        for p in &base.providers {
            assert!(["robuste", "sms", "aucune", "inconnue"].contains(&p.two_factor.as_str()));
            assert!(["oui", "non", "inconnu"].contains(&p.app_passwords.as_str()));
            assert!(!p.name_en.is_empty() && !p.note_en.is_empty(), "{}", p.id);
        }
    }

    #[test]
    fn orange_is_high_and_professional_domain_is_fine() {
        let base = ProviderBase::embedded().unwrap();
        let f = check(&base, "mairie.saint-martin@Wanadoo.FR").unwrap();
        assert_eq!(f.id, "provider.consumer_webmail");
        assert_eq!(f.severity, Severity::High);
        assert!(f.detail.contains("Orange"));
        assert!(
            f.remediation
                .contains("offre de messagerie professionnelle")
        );
        let g = check(&base, "mairie@gmail.com").unwrap();
        assert_eq!(g.severity, Severity::Medium);
        assert!(check(&base, "secretariat@mairie-exemple.fr").is_none());
        assert!(check(&base, "pas-une-adresse").is_none());
    }

    #[test]
    fn every_provider_has_english_words_from_the_same_facts() {
        let base = ProviderBase::embedded().unwrap_or_else(|e| panic!("{e}"));
        for p in &base.providers {
            let address = format!("mairie@{}", p.domains[0]);
            let f = check(&base, &address).unwrap_or_else(|| panic!("{} not found", p.id));
            crate::audit::finding::assert_english(&f);
            let en = f.text_in("en").0;
            assert!(en.detail.contains(&address) && en.detail.contains(&p.name_en));
            assert!(en.detail.contains(&p.note_en));
            // The same advice as the French: two-factor and app passwords only when they exist.
            assert_eq!(
                en.remediation
                    .contains("two-factor authentication turned on"),
                f.remediation.contains("double authentification activée"),
                "{}",
                p.id
            );
            assert_eq!(
                en.remediation.contains("an app password for each"),
                f.remediation
                    .contains("un mot de passe d'application pour chaque"),
                "{}",
                p.id
            );
        }
        let orange = check(&base, "mairie.saint-martin@wanadoo.fr");
        let orange = orange.unwrap_or_else(|| panic!("wanadoo.fr not found"));
        assert_eq!(
            orange.text_in("en").0.title,
            "The organisation uses a consumer email service"
        );
    }
}
