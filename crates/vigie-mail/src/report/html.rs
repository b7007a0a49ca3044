//! The HTML exposure report: one self-contained French file (inline CSS and SVG, no script, no
//! external resource) that a secrétaire de mairie can open, read and print.
//!
//! Every string that came from a message (subject, sender, folder, file name) goes through
//! [`escape`]; the page also carries a Content-Security-Policy that forbids scripts, as a
//! second lock.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

use super::{advice, category_label, charts, french_datetime, french_day, french_size, kind_label};
use crate::scan::{ScanFinding, ScanReport};

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:0;color:#1b1b1b;background:#f6f6f6;line-height:1.5}
main{max-width:1000px;margin:0 auto;padding:24px;background:#fff}
h1{font-size:1.6em;margin:0 0 .2em}h2{font-size:1.25em;margin-top:1.6em;border-bottom:2px solid #1f4e79;padding-bottom:.2em}
.meta{color:#555}.headline{font-size:1.15em;background:#fff4e5;border-left:6px solid #e67e00;padding:12px 16px;margin:1em 0}
.ok{background:#e8f5e9;border-left-color:#2e7d32}.warn{background:#fdecea;border-left:6px solid #c62828;padding:12px 16px}
.cards{display:flex;flex-wrap:wrap;gap:12px}.card{flex:1 1 200px;border:1px solid #ddd;border-radius:6px;padding:10px 14px}
.card b{font-size:1.6em;display:block;color:#1f4e79}
table{border-collapse:collapse;width:100%;font-size:.92em}th,td{border-bottom:1px solid #ddd;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#eef3f8}code{font-family:ui-monospace,Consolas,monospace;background:#f2f2f2;padding:0 3px}
ol li{margin-bottom:.6em}.why{color:#444;font-size:.95em}svg{max-width:100%;height:auto}
@media print{body{background:#fff}main{padding:0}}
"#;

/// Renders the whole report.
pub fn scan_report(report: &ScanReport) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\
         <title>Vigie — rapport d'exposition de la messagerie</title><style>{STYLE}</style></head><body><main>"
    );
    let _ = write!(
        h,
        "<h1>Ce qu'un attaquant trouverait dans cette messagerie</h1>\
         <p class=\"meta\">Source analysée : <strong>{}</strong><br>Rapport établi le {} par Vigie.</p>",
        escape(&report.source),
        escape(&french_datetime(&report.generated_at))
    );
    if let Some(reason) = &report.incomplete_reason {
        let _ = write!(
            h,
            "<p class=\"warn\"><strong>Analyse incomplète.</strong> {} Les résultats ne portent que \
             sur les {} message(s) lus avant l'arrêt.</p>",
            escape(reason),
            report.messages_scanned
        );
    }
    headline(&mut h, report);
    actions(&mut h, report);
    charts_section(&mut h, report);
    kinds_section(&mut h, report);
    messages_table(&mut h, report);
    problems(&mut h, report);
    let _ = writeln!(
        h,
        "<h2>À propos de ce rapport</h2><p class=\"why\">Les valeurs trouvées sont masquées : \
         seuls les 4 derniers caractères sont visibles, pour que vous puissiez retrouver le \
         message sans que le rapport devienne lui-même une fuite. Les pièces jointes (PDF, \
         Word, Excel, LibreOffice, archives ZIP, messages transférés) ont été lues ; les images \
         sont classées d'après leur nom et leur contexte. Vigie n'a rien modifié dans la \
         messagerie : aucun message n'a été marqué comme lu, déplacé ou supprimé.</p>\
         </main></body></html>"
    );
    h
}

fn headline(h: &mut String, report: &ScanReport) {
    let sensitive = report.messages.len();
    if sensitive == 0 {
        let _ = write!(
            h,
            "<p class=\"headline ok\">Sur {} message(s) analysé(s), aucun ne contient de \
             coordonnées bancaires, de numéro d'identité ni de document sensible reconnu.</p>",
            report.messages_scanned
        );
        return;
    }
    let bank = report.messages_with_kinds(&["iban", "fr_rib", "payment_card"]);
    let ids = report.messages_with_kinds(&["fr_nir", "fr_tax_id", "identity_document_number"]);
    let pwd = report.messages_with_kinds(&["password_in_clear"]);
    let deeds = report.messages_with_categories(&["notarial_deed"]);
    let bills = report.messages_with_categories(&["invoice", "quote"]);
    let sigs = report.messages_with_categories(&["signature_or_stamp", "identity_document"]);
    let _ = write!(
        h,
        "<p class=\"headline\">Sur <strong>{}</strong> message(s) analysé(s), <strong>{}</strong> \
         contiennent des informations qu'un attaquant pourrait exploiter pour escroquer la \
         commune, ses fournisseurs ou ses habitants.</p><div class=\"cards\">",
        report.messages_scanned, sensitive
    );
    for (count, label) in [
        (
            bank,
            "messages avec des coordonnées bancaires (IBAN, RIB, carte)",
        ),
        (
            ids,
            "messages avec des numéros d'identité (sécurité sociale, fiscal, pièce d'identité)",
        ),
        (pwd, "messages avec un mot de passe en clair"),
        (bills, "messages avec des devis ou factures"),
        (
            deeds,
            "messages avec des actes notariés, propriétés ou successions",
        ),
        (
            sigs,
            "messages avec signatures, cachets ou pièces d'identité scannés",
        ),
    ] {
        let _ = write!(h, "<div class=\"card\"><b>{count}</b>{label}</div>");
    }
    let r = &report.retention;
    let _ = write!(
        h,
        "<div class=\"card\"><b>{}</b>messages sensibles de plus de {} an(s) (durée de \
         conservation dépassée)</div></div>",
        r.older_sensitive_messages, r.years
    );
}

fn actions(h: &mut String, report: &ScanReport) {
    let steps = advice::steps(report);
    if steps.is_empty() {
        return;
    }
    let _ = write!(h, "<h2>Que faire ?</h2><ol>");
    for step in steps {
        let _ = write!(h, "<li>{}</li>", escape(&step));
    }
    let _ = write!(h, "</ol>");
}

fn charts_section(h: &mut String, report: &ScanReport) {
    if report.messages.is_empty() {
        return;
    }
    let _ = write!(h, "<h2>En un coup d'œil</h2>");
    let mut by_kind: BTreeMap<String, u64> = BTreeMap::new();
    for m in &report.messages {
        for k in &m.kinds {
            *by_kind.entry(kind_label(k).to_owned()).or_default() += 1;
        }
        for c in &m.categories {
            *by_kind.entry(category_label(c).to_owned()).or_default() += 1;
        }
    }
    let mut kinds: Vec<(String, u64)> = by_kind.into_iter().collect();
    kinds.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    h.push_str(&charts::horizontal_bars(
        "Messages concernés, par type d'information",
        &kinds,
    ));
    let mut by_year: BTreeMap<String, u64> = BTreeMap::new();
    for m in &report.messages {
        let year = m
            .date
            .as_deref()
            .and_then(|d| d.get(..4))
            .unwrap_or("?")
            .to_owned();
        *by_year.entry(year).or_default() += 1;
    }
    let years: Vec<(String, u64)> = by_year.into_iter().collect();
    h.push_str(&charts::vertical_bars(
        "Messages sensibles, par année",
        &years,
    ));
    let mut folders: Vec<(String, u64)> = report
        .folders
        .iter()
        .filter(|f| f.sensitive_messages > 0)
        .map(|f| (f.folder.clone(), f.sensitive_messages))
        .collect();
    folders.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    folders.truncate(20);
    h.push_str(&charts::horizontal_bars(
        "Messages sensibles, par dossier",
        &folders,
    ));
}

fn kinds_section(h: &mut String, report: &ScanReport) {
    // In the order of the report's vocabulary, most harmful first, each once.
    let kinds: Vec<&str> = vigie_scan::Kind::ALL
        .iter()
        .map(|k| k.as_str())
        .filter(|k| report.findings.iter().any(|f| f.kind == *k))
        .collect();
    let categories: Vec<&str> = vigie_scan::classify::Category::ALL
        .iter()
        .map(|c| c.as_str())
        .filter(|c| report.documents.iter().any(|d| d.category == *c))
        .collect();
    if kinds.is_empty() && categories.is_empty() {
        return;
    }
    let _ = write!(h, "<h2>Pourquoi c'est important</h2><ul>");
    // Several kinds share one explanation (SIREN, SIRET, TVA): say it once, naming them all.
    let mut explained: Vec<(&'static str, Vec<&'static str>)> = Vec::new();
    let labels = kinds
        .iter()
        .map(|k| (kind_label(k), advice::why_kind(k)))
        .chain(
            categories
                .iter()
                .map(|c| (category_label(c), advice::why_category(c))),
        );
    for (label, why) in labels {
        match explained.iter_mut().find(|(w, _)| *w == why) {
            Some((_, names)) => names.push(label),
            None => explained.push((why, vec![label])),
        }
    }
    for (why, names) in explained {
        let _ = write!(
            h,
            "<li><strong>{}</strong> : <span class=\"why\">{}</span></li>",
            escape(&names.join(", ")),
            escape(why)
        );
    }
    let _ = write!(h, "</ul>");
}

fn messages_table(h: &mut String, report: &ScanReport) {
    if report.messages.is_empty() {
        return;
    }
    let mut values: HashMap<(&str, &str), Vec<&ScanFinding>> = HashMap::new();
    for f in &report.findings {
        values
            .entry((f.message_id.as_str(), f.folder.as_str()))
            .or_default()
            .push(f);
    }
    let _ = write!(
        h,
        "<h2>Les messages concernés ({})</h2><p class=\"why\">Du plus ancien au plus récent. \
         Retrouvez chaque message dans la messagerie par sa date, son dossier et son objet.</p>\
         <table><thead><tr><th>Date</th><th>Dossier</th><th>Objet et expéditeur</th>\
         <th>Valeurs trouvées (masquées)</th><th>Documents</th></tr></thead><tbody>",
        report.messages.len()
    );
    for m in &report.messages {
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}<br><small>{}</small></td><td>",
            escape(&french_day(m.date.as_deref())),
            escape(&m.folder),
            escape(m.subject.as_deref().unwrap_or("(sans objet)")),
            escape(m.from.as_deref().unwrap_or("")),
        );
        if let Some(found) = values.get(&(m.message_id.as_str(), m.folder.as_str())) {
            for f in found {
                let _ = write!(
                    h,
                    "{} <code>{}</code> <small>({})</small><br>",
                    kind_label(&f.kind),
                    escape(&f.masked),
                    escape(&location_label(&f.location))
                );
            }
        }
        let _ = write!(h, "</td><td>");
        for c in &m.categories {
            let _ = write!(h, "{}<br>", category_label(c));
        }
        let _ = write!(h, "</td></tr>");
    }
    let _ = write!(h, "</tbody></table>");
}

fn problems(h: &mut String, report: &ScanReport) {
    if report.problems.is_empty() {
        return;
    }
    let _ = write!(
        h,
        "<h2>Pièces jointes non lues ({})</h2><p class=\"why\">Ces pièces n'ont pas pu être \
         ouvertes (fichier endommagé, chiffré ou suspect). Vérifiez-les à la main si elles \
         peuvent contenir des informations sensibles.</p><table><thead><tr><th>Dossier</th>\
         <th>Pièce</th><th>Raison</th></tr></thead><tbody>",
        report.problems.len()
    );
    for p in &report.problems {
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&p.folder),
            escape(&location_label(&p.location)),
            escape(&p.reason)
        );
    }
    let _ = write!(h, "</tbody></table>");
}

/// `attachment:rib.pdf` → « pièce jointe rib.pdf ».
pub fn location_label(location: &str) -> String {
    match location {
        "body" => "texte du message".to_owned(),
        "subject" => "objet du message".to_owned(),
        other => match other.strip_prefix("attachment:") {
            Some(name) => format!("pièce jointe {name}"),
            None => other.to_owned(),
        },
    }
}

/// The size line used by callers that print where the report was written.
pub fn written_note(path: &str, bytes: usize) -> String {
    format!(
        "Rapport HTML écrit dans {path} ({}).",
        french_size(bytes as u64)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_neutralises_markup() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"y\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;"
        );
    }

    #[test]
    fn location_labels() {
        assert_eq!(location_label("attachment:rib.pdf"), "pièce jointe rib.pdf");
        assert_eq!(location_label("body"), "texte du message");
    }
}
