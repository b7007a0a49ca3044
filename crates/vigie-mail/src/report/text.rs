//! The terminal summaries of the scan and of the audit, in plain French.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::{advice, category_label, french_day, french_size, kind_label};
use crate::audit::AuditReport;
use crate::scan::ScanReport;

/// The scan summary: headline, counts by kind and category, the most exposed messages, and
/// the steps to take.
pub fn scan_summary(report: &ScanReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Analyse d'exposition — {}", report.source);
    let _ = writeln!(
        out,
        "{} message(s) analysé(s) ({}), dont {} lors de cette analyse.",
        report.messages_scanned,
        french_size(report.bytes_scanned),
        report.messages_new
    );
    if let Some(reason) = &report.incomplete_reason {
        let _ = writeln!(out, "\n⚠ ANALYSE INCOMPLÈTE : {reason}");
        let _ = writeln!(
            out,
            "  Les résultats ci-dessous ne portent que sur les messages lus avant l'arrêt."
        );
    }
    let sensitive = report.messages.len();
    let _ = writeln!(
        out,
        "\n{sensitive} message(s) contiennent des informations qu'un attaquant pourrait exploiter."
    );
    let mut kinds: BTreeMap<&str, (usize, Vec<&str>)> = BTreeMap::new();
    for f in &report.findings {
        let entry = kinds.entry(f.kind.as_str()).or_default();
        entry.0 += 1;
        if !entry.1.contains(&f.message_id.as_str()) {
            entry.1.push(f.message_id.as_str());
        }
    }
    if !kinds.is_empty() {
        let _ = writeln!(out, "\nDonnées trouvées :");
        for kind in vigie_scan::Kind::ALL {
            if let Some((count, messages)) = kinds.get(kind.as_str()) {
                let _ = writeln!(
                    out,
                    "  - {} : {} valeur(s) dans {} message(s)",
                    kind_label(kind.as_str()),
                    count,
                    messages.len()
                );
            }
        }
    }
    let mut categories: BTreeMap<&str, usize> = BTreeMap::new();
    for m in &report.messages {
        for c in &m.categories {
            *categories.entry(c.as_str()).or_default() += 1;
        }
    }
    if !categories.is_empty() {
        let _ = writeln!(out, "\nDocuments sensibles :");
        for category in vigie_scan::classify::Category::ALL {
            if let Some(count) = categories.get(category.as_str()) {
                let _ = writeln!(
                    out,
                    "  - {} : {} message(s)",
                    category_label(category.as_str()),
                    count
                );
            }
        }
    }
    let r = &report.retention;
    let _ = writeln!(
        out,
        "\nConservation : {} message(s) ont plus de {} an(s), dont {} avec des informations sensibles.",
        r.older_messages, r.years, r.older_sensitive_messages
    );
    if !report.problems.is_empty() {
        let _ = writeln!(
            out,
            "\n{} pièce(s) jointe(s) n'ont pas pu être lues (voir le rapport détaillé).",
            report.problems.len()
        );
    }
    let steps = advice::steps(report);
    if !steps.is_empty() {
        let _ = writeln!(out, "\nQue faire :");
        for (i, step) in steps.iter().enumerate() {
            let _ = writeln!(out, "  {}. {}", i + 1, step);
        }
    }
    let _ = writeln!(
        out,
        "\nLes valeurs sont masquées (seuls les 4 derniers caractères sont affichés). \
         Rapport détaillé : --format html --output rapport.html"
    );
    if !report.messages.is_empty() {
        let _ = writeln!(out, "\nMessages les plus exposés (les 10 premiers) :");
        let mut most: Vec<_> = report.messages.iter().collect();
        most.sort_by_key(|m| std::cmp::Reverse(m.kinds.len() + m.categories.len()));
        for m in most.iter().take(10) {
            let _ = writeln!(
                out,
                "  - {} | {} | {}",
                french_day(m.date.as_deref()),
                m.folder,
                one_line(m.subject.as_deref().unwrap_or("(sans objet)"), 70)
            );
        }
    }
    out
}

/// The audit summary: findings by severity, each with its detail and remediation.
pub fn audit_summary(report: &AuditReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Audit de la messagerie — {}", report.account);
    if report.findings.is_empty() {
        let _ = writeln!(out, "\nAucun problème trouvé.");
    }
    let mut findings: Vec<_> = report.findings.iter().collect();
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    for f in findings {
        let _ = writeln!(
            out,
            "\n[{}] {} ({})",
            f.severity.label_fr().to_uppercase(),
            f.title,
            f.id
        );
        let _ = writeln!(out, "  Constat : {}", f.detail);
        let _ = writeln!(
            out,
            "  À faire : {}",
            f.remediation.replace('\n', "\n            ")
        );
    }
    for note in &report.notes {
        let _ = writeln!(out, "\nRemarque : {note}");
    }
    out
}

/// Subjects come from senders: keep them on one line and short in a terminal.
fn one_line(s: &str, max: usize) -> String {
    let s: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if s.chars().count() > max {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    } else {
        s
    }
}
