//! Shared fixtures and PDF helpers of the document tests.
//!
//! The PDFs are read back with poppler's `pdftotext -layout` and `pdfinfo`: a missing binary
//! is a failure with a clear message, never a silent skip, so CI cannot pass without checking
//! the documents.

#![allow(dead_code)]

use std::io::Write;
use std::process::Command;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use vigie_documents::*;

/// A hostile title: typst markup, code, a label, maths, HTML.
pub const HOSTILE_TITLE: &str = r#"#panic("boum") *gras* _it_ <script>alert(1)</script> $x^2$ @ref = Titre \ #set page(width: 1cm)"#;

pub const JOURNAL_HASH: &str = "9f2c4e1a7b3d5f60182a4c6e8b0d2f4a6c8e0b2d4f6a8c0e2b4d6f8a0c2e4b6d";

pub fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .expect("valid date")
}

fn s(v: &str) -> Option<String> {
    Some(v.to_owned())
}

/// A nearly empty document: only the date.
pub fn empty() -> DocumentData {
    DocumentData {
        generated_at: utc(2026, 3, 4, 9, 30),
        ..DocumentData::default()
    }
}

/// A complete dossier, after the seed's webmail compromise.
pub fn full() -> DocumentData {
    let t0 = utc(2026, 3, 2, 7, 45);
    DocumentData {
        generated_at: utc(2026, 3, 4, 9, 30),
        organisation: Organisation {
            name: s("Commune de Villiers-lès-Auxois"),
            siren: s("212 100 999"),
            address: s("2, place de la Mairie\n21210 Villiers-lès-Auxois"),
            region: s("Bourgogne-Franche-Comté"),
            representative: Representative {
                name: s("Françoise Bœuf"),
                role: s("Maire"),
                phone: s("06 11 22 33 44"),
                email: s("maire@villiers-les-auxois.fr"),
            },
            phone: s("03 80 00 00 01"),
            email: s("mairie@villiers-les-auxois.fr"),
            dpo: Dpo {
                name: s("Agence numérique départementale"),
                email: s("dpo@agence-numerique.example"),
                phone: s("03 80 00 00 02"),
            },
            it_provider: Some(Party {
                name: s("Informatique Morvan"),
                phone: s("03 80 00 00 03"),
                email: None,
            }),
            insurer: Some(Insurer {
                name: s("Mutuelle des Communes"),
                policy_number: s("CYB-2024-7781"),
                phone: s("01 40 00 00 04"),
                email: s("sinistres@mutuelle.example"),
                declaration_deadline_working_days: Some(5),
            }),
            bank: Some(Party {
                name: s("Trésorerie de Semur-en-Auxois"),
                phone: s("03 80 00 00 05"),
                email: None,
            }),
        },
        incident: Some(Incident {
            id: "inc-0001".into(),
            reference: s("INC-2026-001"),
            playbook_id: s("messagerie-compromise"),
            playbook_title: s("Compromission de messagerie"),
            title: s(HOSTILE_TITLE),
            description: s(
                "Des courriels disparaissent et des contacts du carnet d'adresses sont modifiés. \
                 L'agent d'accueil a reçu à 8 h l'alerte d'un administré ; le cœur du problème : \
                 un mot de passe faible, sans double authentification. « Accès frauduleux » à la \
                 messagerie Orange de la mairie.",
            ),
            declared_by: s("Jérôme Garçon"),
            declared_at: Some(utc(2026, 3, 2, 8, 10)),
            discovered_at: Some(t0),
            t0_corrections: vec![T0Correction {
                at: utc(2026, 3, 2, 10, 0),
                from: Some(utc(2026, 3, 2, 8, 0)),
                to: t0,
                reason: s("Premier constat par l'agent d'accueil, plus tôt que déclaré"),
            }],
            personal_data: Some(true),
            nature: Nature {
                confidentiality: true,
                integrity: true,
                availability: false,
            },
            data_categories: vec![
                "identité et coordonnées des administrés".into(),
                "RIB et informations bancaires".into(),
                "actes notariés".into(),
            ],
            people_categories: vec!["administrés".into(), "fournisseurs".into()],
            people_count_approx: Some(1250),
            records_count_approx: Some(4800),
            likely_consequences: s(
                "Hameçonnage ciblé et usurpation d'identité de la mairie auprès des administrés.",
            ),
            measures_taken: vec![
                "Mot de passe changé et sessions fermées".into(),
                "Règles de transfert automatique supprimées".into(),
            ],
            measures_planned: vec![
                "Passage à une messagerie professionnelle avec double authentification".into(),
            ],
            delay_reasons: None,
            notification_kind: NotificationKind::Initiale,
            cnil_reference: None,
            cnil_notified_at: None,
            losses: vec![Cost {
                description: "Virement frauduleux vers un faux fournisseur".into(),
                amount_cents: Some(345_000),
            }],
            costs: vec![
                Cost {
                    description: "Intervention du prestataire informatique".into(),
                    amount_cents: Some(120_050),
                },
                Cost {
                    description: "Remplacement de la messagerie".into(),
                    amount_cents: None,
                },
            ],
            complaint: Some(Complaint {
                reference: s("PV 2026/000123"),
                service: Some(ComplaintService::Gendarmerie),
                service_name: s("Brigade de gendarmerie de Vitteaux"),
                filed_at: Some(utc(2026, 3, 3, 14, 0)),
            }),
            persons_involved: vec![PersonInvolved {
                name: "faux-fournisseur@exemple.invalid".into(),
                role: s("suspect"),
                details: s("Adresse d'expédition des fausses factures"),
            }],
            advice_to_people: vec![],
            people_informed_at: None,
            closed_at: Some(utc(2026, 3, 4, 8, 0)),
        }),
        deadlines: vec![
            Deadline {
                id: "cnil-72h".into(),
                label: "Notification à la CNIL".into(),
                due: Some(utc(2026, 3, 5, 7, 45)),
                status: s("à faire"),
            },
            Deadline {
                id: "assureur".into(),
                label: "Déclaration à l'assureur".into(),
                due: Some(utc(2026, 3, 9, 18, 0)),
                status: s("à faire"),
            },
        ],
        timeline: vec![
            TimelineEntry {
                at: utc(2026, 3, 2, 8, 10),
                actor: s("Jérôme Garçon"),
                kind: s("Déclaration"),
                text: "Incident déclaré : courriels disparus et contacts modifiés.".into(),
            },
            TimelineEntry {
                at: utc(2026, 3, 2, 9, 0),
                actor: s("Informatique Morvan"),
                kind: s("Étape faite"),
                text: "Mot de passe changé, sessions fermées.".into(),
            },
        ],
        evidence: vec![
            Evidence {
                name: "capture-boite-de-reception.png".into(),
                sha256: "3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b".into(),
                size: Some(245_760),
                media_type: s("image/png"),
                description: s("Capture de l'écran entier : dossiers vidés"),
                collected_by: s("Jérôme Garçon"),
                collected_at: Some(utc(2026, 3, 2, 8, 20)),
            },
            Evidence {
                name: "en-tetes-courriel.eml".into(),
                sha256: "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9".into(),
                size: Some(8_192),
                media_type: s("message/rfc822"),
                description: None,
                collected_by: s("Informatique Morvan"),
                collected_at: Some(utc(2026, 3, 2, 9, 5)),
            },
        ],
        contacts: vec![
            Contact {
                name: "CSIRT Bourgogne-Franche-Comté".into(),
                role: s("Centre de réponse à incident cyber régional"),
                phone: s("0 970 609 909 (choix 1)"),
                email: None,
                website: None,
                when_to_call: s("Dès la compromission constatée"),
                verified_on: NaiveDate::from_ymd_opt(2026, 1, 15),
            },
            Contact {
                name: "Gendarmerie".into(),
                role: s("Dépôt de plainte"),
                phone: s("17"),
                email: None,
                website: None,
                when_to_call: s("Après avoir isolé l'équipement"),
                verified_on: None,
            },
        ],
        immediate_actions: vec![
            ImmediateAction {
                text: "Noter le jour et l'heure du constat".into(),
                why: s("Le délai de 72 heures court à partir de là"),
            },
            ImmediateAction {
                text: "Changer le mot de passe de la messagerie depuis un poste sain".into(),
                why: None,
            },
        ],
        registre: vec![
            RegistreEntry {
                reference: s("INC-2026-001"),
                title: s("Compromission de la messagerie"),
                discovered_at: Some(t0),
                nature: Nature {
                    confidentiality: true,
                    integrity: true,
                    availability: false,
                },
                people_count_approx: Some(1250),
                consequences: s("Risque d'hameçonnage des administrés"),
                notified_cnil_at: Some(utc(2026, 3, 4, 16, 0)),
                not_notified_reason: None,
                people_informed: Some(true),
                measures: vec!["Mot de passe changé".into()],
            },
            RegistreEntry {
                reference: s("INC-2025-004"),
                title: s("Clé USB égarée (chiffrée)"),
                discovered_at: Some(utc(2025, 11, 12, 10, 0)),
                nature: Nature {
                    confidentiality: false,
                    integrity: false,
                    availability: true,
                },
                people_count_approx: Some(40),
                consequences: None,
                notified_cnil_at: None,
                not_notified_reason: s("Données chiffrées : pas de risque pour les personnes"),
                people_informed: Some(false),
                measures: vec!["Sauvegarde restaurée".into()],
            },
        ],
        journal_head: Some(JournalHead {
            length: 12,
            hash: JOURNAL_HASH.into(),
        }),
    }
}

/// The complete dossier with far too many contacts and actions for one page.
pub fn crowded() -> DocumentData {
    let mut crowded = full();
    crowded.contacts = (0..40)
        .map(|i| Contact {
            name: format!("Contact numéro {i} avec un nom assez long pour prendre une ligne"),
            role: Some("Rôle décrit en plusieurs mots, pour remplir la colonne".into()),
            phone: Some(format!("03 80 00 00 {i:02}")),
            email: Some(format!("contact{i}@exemple.fr")),
            website: Some("https://www.exemple.fr/une/adresse/longue".into()),
            when_to_call: Some("Quand il le faut, après avoir isolé l'équipement".into()),
            verified_on: None,
        })
        .collect();
    crowded.immediate_actions = (0..30)
        .map(|i| ImmediateAction {
            text: format!(
                "Action immédiate numéro {i}, décrite en une phrase complète et précise."
            ),
            why: Some("Parce que c'est important pour la suite de l'enquête.".into()),
        })
        .collect();
    crowded
}

/// Renders, checks the PDF magic, writes it to a temporary file for poppler.
pub fn render_to_file(
    kind: DocumentKind,
    data: &DocumentData,
) -> (Vec<u8>, tempfile::NamedTempFile) {
    let pdf = match render(kind, data) {
        Ok(pdf) => pdf,
        Err(e) => panic!("rendu de {kind} impossible : {e}"),
    };
    assert!(pdf.starts_with(b"%PDF-"), "{kind} : pas un PDF");
    let mut file = tempfile::Builder::new()
        .suffix(".pdf")
        .tempfile()
        .expect("fichier temporaire");
    file.write_all(&pdf).expect("écriture du PDF");
    file.flush().expect("écriture du PDF");
    (pdf, file)
}

fn poppler(tool: &str, args: &[&str]) -> String {
    let output = match Command::new(tool).args(args).output() {
        Ok(o) => o,
        Err(e) => panic!(
            "`{tool}` introuvable ({e}) : installez poppler-utils (apt-get install poppler-utils) \
             pour lancer ces tests, ils ne peuvent pas être ignorés"
        ),
    };
    assert!(
        output.status.success(),
        "`{tool}` a échoué : {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("sortie UTF-8")
}

/// The text of the PDF as `pdftotext -layout` gives it: lines as printed.
pub fn pdftotext(file: &tempfile::NamedTempFile) -> String {
    let path = file.path().to_str().expect("chemin UTF-8");
    poppler("pdftotext", &["-layout", "-enc", "UTF-8", path, "-"])
}

/// The text in reading order (`pdftotext` without `-layout`): the columns of the fiche
/// réflexes one after the other instead of interleaved line by line.
pub fn pdftotext_reading_order(file: &tempfile::NamedTempFile) -> String {
    let path = file.path().to_str().expect("chemin UTF-8");
    poppler("pdftotext", &["-enc", "UTF-8", path, "-"])
}

/// The number of pages as `pdfinfo` gives it.
pub fn pages(file: &tempfile::NamedTempFile) -> usize {
    let path = file.path().to_str().expect("chemin UTF-8");
    let info = poppler("pdfinfo", &[path]);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("pdfinfo : nombre de pages")
}

/// Text with every run of white space (including no-break and zero-width ones) made one
/// space, so that assertions do not depend on where lines wrap. A line ending with « - » is
/// joined to the next without a space: hyphenation is off, so that hyphen is part of the text
/// (« dpo@agence-numerique.example » broken after « agence- »).
pub fn flat(text: &str) -> String {
    let mut out = String::new();
    for line in text.replace('\u{200B}', "").lines() {
        let words: Vec<&str> = line
            .split(|c: char| c.is_whitespace() || c == '\u{A0}' || c == '\u{202F}')
            .filter(|w| !w.is_empty())
            .collect();
        if words.is_empty() {
            continue;
        }
        if !out.is_empty() && !out.ends_with('-') {
            out.push(' ');
        }
        out.push_str(&words.join(" "));
    }
    out
}

/// A rendered document read back.
pub struct Read {
    pub pages: usize,
    /// `pdftotext -layout`, flattened by [`flat`].
    pub text: String,
    /// `pdftotext -layout` as is.
    pub raw: String,
    /// Reading order, flattened.
    pub reading: String,
}

pub fn read(kind: DocumentKind, data: &DocumentData) -> Read {
    let (_, file) = render_to_file(kind, data);
    let raw = pdftotext(&file);
    Read {
        pages: pages(&file),
        text: flat(&raw),
        raw,
        reading: flat(&pdftotext_reading_order(&file)),
    }
}

/// Whether the words of `wanted` appear in order in `text`, each within a few words of the
/// previous one: on the two-column fiche réflexes, `pdftotext` interleaves the lines of the
/// columns, so a phrase that wraps in its column comes out cut by words of the other column.
fn words_in_order(text: &str, wanted: &str) -> bool {
    let words: Vec<&str> = text.split(' ').collect();
    let wanted: Vec<&str> = wanted.split(' ').collect();
    let Some(first) = wanted.first() else {
        return true;
    };
    (0..words.len())
        .filter(|&i| words[i] == *first)
        .any(|start| {
            let mut at = start;
            wanted[1..].iter().all(|w| {
                let window = (at + 1)..(at + 25).min(words.len());
                match window.clone().find(|&i| words[i] == *w) {
                    Some(i) => {
                        at = i;
                        true
                    }
                    None => false,
                }
            })
        })
}

/// Asserts that the document shows `wanted`: as a phrase in the layout text or in reading
/// order; on the two-column fiche réflexes, as words in order (see [`words_in_order`]).
pub fn assert_contains(kind: DocumentKind, doc: &Read, wanted: &str) {
    let wanted = flat(wanted);
    let found = doc.text.contains(&wanted)
        || doc.reading.contains(&wanted)
        || (kind == DocumentKind::FicheReflexes
            && (words_in_order(&doc.text, &wanted) || words_in_order(&doc.reading, &wanted)));
    assert!(
        found,
        "{kind} : « {wanted} » absent du texte du PDF :\n{}",
        doc.raw
    );
}
