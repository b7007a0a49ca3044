//! The `exposure.summary` and `exposure.retention` findings: the scan's headline, told as audit
//! findings so that the audit report alone says what an attacker would harvest.

use chrono::TimeZone;
use chrono_tz::Europe::Paris;
use serde_json::json;

use super::{AuditFinding, FindingText, Severity, english_count, in_english};
use crate::report::{category_label, kind_label};
use crate::scan::ScanReport;

/// The two exposure findings of a scan (the summary always, retention when old sensitive
/// messages remain).
pub fn findings(report: &ScanReport) -> Vec<AuditFinding> {
    let mut out = Vec::new();
    let bank = report.messages_with_kinds(&["iban", "fr_rib", "payment_card"]);
    let identity = report.messages_with_kinds(&["fr_nir", "fr_tax_id", "identity_document_number"]);
    let passwords = report.messages_with_kinds(&["password_in_clear"]);
    let deeds = report.messages_with_categories(&["notarial_deed"]);
    let scans = report.messages_with_categories(&["signature_or_stamp", "identity_document"]);
    let sensitive = report.messages.len();
    let severity = if passwords > 0 || identity > 0 {
        Severity::High
    } else if bank > 0 || deeds > 0 || scans > 0 {
        Severity::Medium
    } else if sensitive > 0 {
        Severity::Low
    } else {
        Severity::Info
    };
    let mut by_kind = serde_json::Map::new();
    for kind in vigie_scan::Kind::ALL {
        let n = report.messages_with_kinds(&[kind.as_str()]);
        if n > 0 {
            by_kind.insert(kind.as_str().into(), json!(n));
        }
    }
    let mut by_category = serde_json::Map::new();
    let mut categories_text = Vec::new();
    let mut categories_en = Vec::new();
    for category in vigie_scan::classify::Category::ALL {
        let n = report.messages_with_categories(&[category.as_str()]);
        if n > 0 {
            by_category.insert(category.as_str().into(), json!(n));
            categories_text.push(format!(
                "{} : {n}",
                category_label(category.as_str()).to_lowercase()
            ));
            categories_en.push(format!("{}: {n}", category_label_en(category.as_str())));
        }
    }
    let mut kinds_text = Vec::new();
    let mut kinds_en = Vec::new();
    for (kind, n) in &by_kind {
        kinds_text.push(format!("{} : {}", kind_label(kind).to_lowercase(), n));
        kinds_en.push(format!("{}: {n}", kind_label_en(kind)));
    }
    let incomplete = if report.complete {
        String::new()
    } else {
        " Attention : l'analyse est incomplète, les chiffres réels sont plus élevés.".to_owned()
    };
    let incomplete_en = if report.complete {
        ""
    } else {
        " Note: the analysis is incomplete, so the real numbers are higher."
    };
    let summary_en = FindingText::new(
        format!(
            "{sensitive} of {} {} information an attacker could use",
            english_count(report.messages_scanned, "message", "messages"),
            if sensitive == 1 {
                "contains"
            } else {
                "contain"
            }
        ),
        if sensitive == 0 {
            format!(
                "No sensitive data was recognised in the {} analysed.{incomplete_en}",
                english_count(report.messages_scanned, "message", "messages")
            )
        } else {
            // Kinds and categories in one list, like the French, with English separators.
            let mut parts = kinds_en;
            parts.extend(categories_en);
            format!(
                "Messages affected, by type — {}.{incomplete_en}",
                parts.join("; ")
            )
        },
        "1. Open the detailed report (the “Open the detailed report of exposed data” button in \
         the application, or vigie mail scan … --format html): it lists every message, with its \
         date, its folder and the masked values.\n2. Change the passwords that were sent in \
         plain text, then delete those messages.\n3. Store bank details, invoices, deeds and \
         identity documents outside the mailbox (accounts, archives), then delete the messages, \
         including from the deleted items folder.",
    );
    out.push(AuditFinding {
        translations: in_english(summary_en),
        id: "exposure.summary".into(),
        severity,
        title: format!(
            "{sensitive} message(s) sur {} contiennent des informations exploitables par un attaquant",
            report.messages_scanned
        ),
        detail: if sensitive == 0 {
            format!("Aucune donnée sensible reconnue dans les {} message(s) analysés.{incomplete}", report.messages_scanned)
        } else {
            format!(
                "Messages concernés, par type — {}{}{}.{incomplete}",
                kinds_text.join(" ; "),
                if kinds_text.is_empty() || categories_text.is_empty() { "" } else { " ; " },
                categories_text.join(" ; ")
            )
        },
        remediation: "1. Ouvrez le rapport détaillé (bouton « Ouvrir le rapport détaillé » de \
                      l'application, ou vigie mail scan … --format html) : il liste chaque \
                      message, avec sa date, son dossier et les valeurs masquées.\n2. \
                      Changez les mots de passe envoyés en clair, puis supprimez ces messages.\n3. \
                      Rangez RIB, factures, actes et pièces d'identité hors de la messagerie \
                      (comptabilité, archives), puis supprimez les messages, corbeille comprise."
            .into(),
        evidence: json!({
            "messages_scanned": report.messages_scanned,
            "sensitive_messages": sensitive,
            "by_kind": by_kind,
            "by_category": by_category,
            "complete": report.complete,
        }),
    });
    let r = &report.retention;
    if r.older_sensitive_messages > 0 {
        let years_en = english_count(u64::from(r.years), "year", "years");
        let older_en = if r.older_messages == 1 {
            // One old message, and it is the sensitive one: « 1 of them » would read oddly.
            format!(
                "1 message is more than {years_en} old (sent before {}) and holds sensitive \
                 data or documents.",
                english_day(Some(&r.cutoff))
            )
        } else {
            format!(
                "{} messages are more than {years_en} old (sent before {}); {} of them {} \
                 sensitive data or documents.",
                r.older_messages,
                english_day(Some(&r.cutoff)),
                r.older_sensitive_messages,
                if r.older_sensitive_messages == 1 {
                    "holds"
                } else {
                    "hold"
                }
            )
        };
        let retention_en = FindingText::new(
            format!(
                "{} {} been kept for more than {years_en}",
                english_count(
                    r.older_sensitive_messages,
                    "sensitive message",
                    "sensitive messages"
                ),
                if r.older_sensitive_messages == 1 {
                    "has"
                } else {
                    "have"
                }
            ),
            format!(
                "{older_en} A mailbox is not an archive: everything left in it can be read by \
                 anyone who gets into it."
            ),
            format!(
                "1. Decide how long mail is kept ({years_en} by default in Vigie; see \
                 docs/RETENTION.md) and write it down in your record of processing \
                 activities.\n2. Archive outside the mailbox what must be kept (invoices: 10 \
                 years in the accounts; deeds: the commune's archives), then delete the older \
                 messages.\n3. Do this again every year."
            ),
        );
        out.push(AuditFinding {
            translations: in_english(retention_en),
            id: "exposure.retention".into(),
            severity: Severity::Medium,
            title: format!(
                "{} message(s) sensible(s) sont gardés depuis plus de {} an(s)",
                r.older_sensitive_messages, r.years
            ),
            detail: format!(
                "{} message(s) ont plus de {} an(s) (envoyés avant le {}), dont {} avec des \
                 données ou documents sensibles. La messagerie n'est pas un lieu d'archivage : \
                 tout ce qui y reste est lu par quiconque y accède.",
                r.older_messages,
                r.years,
                crate::report::french_day(Some(&r.cutoff)),
                r.older_sensitive_messages
            ),
            remediation: format!(
                "1. Décidez d'une durée de conservation pour la messagerie ({} an(s) par défaut \
                 dans Vigie ; voir docs/RETENTION.md) et inscrivez-la dans votre registre des \
                 traitements.\n2. Archivez hors de la messagerie ce qui doit être gardé \
                 (factures : 10 ans en comptabilité ; actes : archives de la commune), puis \
                 supprimez les messages plus anciens.\n3. Recommencez chaque année.",
                r.years
            ),
            evidence: json!({
                "retention_years": r.years,
                "cutoff": r.cutoff,
                "older_messages": r.older_messages,
                "older_sensitive_messages": r.older_sensitive_messages,
            }),
        });
    }
    out
}

/// English label of a value kind (the `vigie.scan.v1` name), written to sit inside a sentence:
/// the French labels of `vigie-scan` are the only others.
fn kind_label_en(kind: &str) -> &'static str {
    match kind {
        "iban" => "IBAN (bank details)",
        "fr_rib" => "RIB (French bank details form)",
        "payment_card" => "payment card number",
        "fr_nir" => "social security number (NIR)",
        "fr_siren" => "SIREN number",
        "fr_siret" => "SIRET number",
        "fr_vat" => "EU VAT number",
        "fr_tax_id" => "tax number (SPI)",
        "identity_document_number" => "identity document number",
        "password_in_clear" => "password sent in plain text",
        _ => "other sensitive data",
    }
}

/// English label of a document category (the `vigie.scan.v1` name), inside a sentence.
fn category_label_en(category: &str) -> &'static str {
    match category {
        "invoice" => "invoices",
        "quote" => "quotes",
        "notarial_deed" => "notarial deeds, property, inheritance",
        "bank_details" => "RIBs and bank details",
        "bank_statement" => "bank statements",
        "identity_document" => "identity documents",
        "signature_or_stamp" => "signatures, seals and stamps",
        "payslip" => "payslips",
        _ => "other documents",
    }
}

/// An RFC 3339 date as an English day in Europe/Paris time (`2 March 2024`): the month in
/// words, since `02/03/2024` reads as February in the United States.
fn english_day(rfc3339: Option<&str>) -> String {
    rfc3339
        .and_then(|d| chrono::DateTime::parse_from_rfc3339(d).ok())
        .map(|d| {
            Paris
                .from_utc_datetime(&d.naive_utc())
                .format("%-d %B %Y")
                .to_string()
        })
        .unwrap_or_else(|| "an unknown date".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::finding::assert_english;
    use crate::scan::{MessageSummary, RetentionSummary, SCAN_SCHEMA};

    fn message(n: u32, kinds: &[&str], categories: &[&str]) -> MessageSummary {
        MessageSummary {
            message_id: format!("<m{n}@exemple.fr>"),
            folder: "INBOX".into(),
            key: n.to_string(),
            date: Some("2023-03-02T09:00:00+01:00".into()),
            subject: None,
            from: None,
            size: 1000,
            kinds: kinds.iter().map(|k| (*k).to_owned()).collect(),
            categories: categories.iter().map(|c| (*c).to_owned()).collect(),
        }
    }

    fn report(
        messages: Vec<MessageSummary>,
        scanned: u64,
        older: u64,
        older_sensitive: u64,
    ) -> ScanReport {
        ScanReport {
            schema: SCAN_SCHEMA.into(),
            complete: true,
            messages_scanned: scanned,
            bytes_scanned: 0,
            findings: Vec::new(),
            documents: Vec::new(),
            source: "imaps://secretariat@imap.exemple.fr".into(),
            generated_at: "2026-03-02T09:00:00Z".into(),
            incomplete_reason: None,
            messages_new: scanned,
            messages,
            problems: Vec::new(),
            retention: RetentionSummary {
                years: 2,
                cutoff: "2024-03-02T09:00:00Z".into(),
                older_messages: older,
                older_sensitive_messages: older_sensitive,
            },
            folders: Vec::new(),
        }
    }

    fn english(f: &AuditFinding) -> FindingText {
        assert_english(f);
        f.text_in("en").0
    }

    #[test]
    fn summary_and_retention_in_english_with_plurals() {
        let r = report(
            vec![
                message(1, &["iban"], &["invoice"]),
                message(2, &["password_in_clear"], &[]),
            ],
            40,
            7,
            2,
        );
        let found = findings(&r);
        assert_eq!(found.len(), 2);
        let summary = english(&found[0]);
        assert_eq!(found[0].id, "exposure.summary");
        assert_eq!(
            summary.title,
            "2 of 40 messages contain information an attacker could use"
        );
        assert_eq!(
            summary.detail,
            "Messages affected, by type — IBAN (bank details): 1; password sent in plain text: 1; \
             invoices: 1."
        );
        let retention = english(&found[1]);
        assert_eq!(found[1].id, "exposure.retention");
        assert_eq!(
            retention.title,
            "2 sensitive messages have been kept for more than 2 years"
        );
        assert!(
            retention
                .detail
                .starts_with("7 messages are more than 2 years old (sent before 2 March 2024); 2 of them hold sensitive"),
            "{}",
            retention.detail
        );
    }

    #[test]
    fn singulars_and_an_empty_mailbox() {
        let mut r = report(vec![message(1, &["fr_nir"], &[])], 1, 1, 1);
        r.retention.years = 1;
        r.complete = false;
        let found = findings(&r);
        let summary = english(&found[0]);
        assert_eq!(
            summary.title,
            "1 of 1 message contains information an attacker could use"
        );
        assert!(summary.detail.ends_with("the real numbers are higher."));
        let retention = english(&found[1]);
        assert_eq!(
            retention.title,
            "1 sensitive message has been kept for more than 1 year"
        );
        assert!(
            retention
                .detail
                .starts_with("1 message is more than 1 year old")
        );
        assert!(
            retention
                .remediation
                .contains("(1 year by default in Vigie;")
        );

        let empty = findings(&report(Vec::new(), 0, 0, 0));
        assert_eq!(
            empty.len(),
            1,
            "no retention finding without old sensitive mail"
        );
        let summary = english(&empty[0]);
        assert_eq!(
            summary.title,
            "0 of 0 messages contain information an attacker could use"
        );
        assert_eq!(
            summary.detail,
            "No sensitive data was recognised in the 0 messages analysed."
        );
    }

    #[test]
    fn every_kind_and_category_has_an_english_label() {
        for kind in vigie_scan::Kind::ALL {
            assert_ne!(
                kind_label_en(kind.as_str()),
                "other sensitive data",
                "{kind:?}"
            );
        }
        for category in vigie_scan::classify::Category::ALL {
            assert_ne!(
                category_label_en(category.as_str()),
                "other documents",
                "{category:?}"
            );
        }
        assert_eq!(english_day(Some("2024-12-31T23:30:00Z")), "1 January 2025");
        assert_eq!(english_day(None), "an unknown date");
    }
}
