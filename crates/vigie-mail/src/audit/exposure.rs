//! The `exposure.summary` and `exposure.retention` findings: the scan's headline, told as audit
//! findings so that the audit report alone says what an attacker would harvest.

use serde_json::json;

use super::{AuditFinding, Severity};
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
    for category in vigie_scan::classify::Category::ALL {
        let n = report.messages_with_categories(&[category.as_str()]);
        if n > 0 {
            by_category.insert(category.as_str().into(), json!(n));
            categories_text.push(format!(
                "{} : {n}",
                category_label(category.as_str()).to_lowercase()
            ));
        }
    }
    let mut kinds_text = Vec::new();
    for (kind, n) in &by_kind {
        kinds_text.push(format!("{} : {}", kind_label(kind).to_lowercase(), n));
    }
    let incomplete = if report.complete {
        String::new()
    } else {
        " Attention : l'analyse est incomplète, les chiffres réels sont plus élevés.".to_owned()
    };
    out.push(AuditFinding {
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
        out.push(AuditFinding {
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
