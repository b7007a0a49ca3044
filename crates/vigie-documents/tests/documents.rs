//! Every document, rendered for a complete and a nearly empty dossier, read back with poppler.

mod common;

use std::time::Instant;

use common::*;
use vigie_documents::*;

/// What each complete document must show: labels of its sections and values of the data.
fn expected(kind: DocumentKind) -> &'static [&'static str] {
    match kind {
        DocumentKind::Cnil => &[
            "Notification de violation de données à la CNIL",
            "Brouillon",
            "téléservice",
            "72 heures",
            "Initiale",
            "Responsable du traitement",
            "Commune de Villiers-lès-Auxois",
            "212 100 999",
            "Françoise Bœuf, Maire",
            "Délégué à la protection des données",
            "Agence numérique départementale",
            "dpo@agence-numerique.example",
            "2 mars 2026 à 08 h 45",
            "Échéance des 72 heures",
            "5 mars 2026 à 08 h 45",
            "non encore effectuée",
            "Premier constat par l'agent d'accueil",
            "Perte de confidentialité",
            "Perte d'intégrité",
            "RIB et informations bancaires",
            "administrés",
            "1 250",
            "4 800",
            "Hameçonnage ciblé",
            "Mot de passe changé et sessions fermées",
            "Passage à une messagerie professionnelle",
            "Brigade de gendarmerie de Vitteaux",
        ],
        DocumentKind::Plainte => &[
            "Dossier de plainte",
            "Gendarmerie nationale — Brigade de gendarmerie de Vitteaux",
            "La victime",
            "Représenté par",
            "Exposé des faits",
            "Chronologie",
            "Incident déclaré : courriels disparus et contacts modifiés.",
            "02/03/2026 09:10",
            "Incident clos le 4 mars 2026 à 09 h 00",
            "faux-fournisseur@exemple.invalid",
            "suspect",
            "Préjudice",
            "Virement frauduleux vers un faux fournisseur",
            "3 450,00 €",
            "Intervention du prestataire informatique",
            "Éléments de preuve",
            "capture-boite-de-reception.png",
            "245 760 octets",
            "SHA-256",
            "sha256sum",
            "Signature",
        ],
        DocumentKind::Assureur => &[
            "Déclaration de sinistre",
            "Mutuelle des Communes",
            "CYB-2024-7781",
            "5 jours ouvrés",
            "Échéance de la déclaration",
            "9 mars 2026 à 19 h 00",
            "Le sinistre",
            "Chronologie",
            "Mesures prises",
            "Règles de transfert automatique supprimées",
            "Frais et pertes",
            "1 200,50 €",
            "à évaluer",
            "Montant total déclaré (pertes et frais connus) : 4 650,50 €",
            "PV 2026/000123",
            "3 mars 2026 à 15 h 00",
            "capture-boite-de-reception.png",
        ],
        DocumentKind::Information => &[
            "Objet : information sur une violation de données personnelles vous concernant",
            "Madame, Monsieur,",
            "article 34",
            "Ce qui s’est passé",
            "Les données concernées",
            "actes notariés",
            "Les conséquences possibles pour vous",
            "Ce que nous avons fait",
            "Ce que vous pouvez faire",
            "cybermalveillance.gouv.fr",
            "Pour toute question",
            "dpo@agence-numerique.example",
            "www.cnil.fr",
            "Françoise Bœuf",
        ],
        DocumentKind::Registre => &[
            "Registre des violations de données",
            "Article 33.5 du RGPD",
            "INC-2026-001",
            "Compromission de la messagerie",
            "INC-2025-004",
            "Clé USB égarée (chiffrée)",
            "disponibilité",
            "Notifiée le",
            "Non notifiée",
            "Sauvegarde restaurée",
            "2 violations.",
        ],
        DocumentKind::FicheReflexes => &[
            "FICHE RÉFLEXES — CYBERATTAQUE",
            "Commune de Villiers-lès-Auxois",
            "URGENCE",
            "RJ-45",
            "Noter le jour et l'heure du constat",
            "Le délai de 72 heures court à partir de là",
            "Changer le mot de passe de la messagerie",
            "06 11 22 33 44",
            "Informatique Morvan : 03 80 00 00 03",
            "Mutuelle des Communes : 01 40 00 00 04",
            "CYB-2024-7781",
            "Trésorerie de Semur-en-Auxois : 03 80 00 00 05",
            "CSIRT Bourgogne-Franche-Comté",
            "0 970 609 909",
            "vérifié le 15 janvier 2026",
            "cybermalveillance.gouv.fr",
            "5 jours ouvrés",
        ],
    }
}

#[test]
fn complete_documents_show_every_field() {
    let data = full();
    for kind in DocumentKind::ALL {
        assert_eq!(missing_fields(kind, &data), Vec::<&str>::new(), "{kind}");
        let doc = read(kind, &data);
        for wanted in expected(kind) {
            assert_contains(kind, &doc, wanted);
        }
        assert!(
            !doc.text.contains("À COMPLÉTER"),
            "{kind} : blanc inattendu\n{}",
            doc.raw
        );
        // Header and page numbers on every page.
        assert_contains(kind, &doc, "Commune de Villiers-lès-Auxois");
        for page in 1..=doc.pages {
            assert_contains(kind, &doc, &format!("Page {page} / {}", doc.pages));
        }
    }
}

#[test]
fn journal_head_is_printed_on_every_document() {
    let data = full();
    for kind in DocumentKind::ALL {
        let doc = read(kind, &data);
        let wanted = format!("Empreinte du journal : {JOURNAL_HASH} (12 entrées)");
        assert_eq!(
            doc.text.matches(&wanted).count(),
            doc.pages,
            "{kind} : empreinte du journal absente d'une page\n{}",
            doc.raw
        );
    }
}

#[test]
fn french_accents_are_text() {
    let data = full();
    let doc = read(DocumentKind::Cnil, &data);
    for accent in ["é", "è", "à", "ç", "œ", "«", "»", "É", "ê"] {
        assert!(
            doc.text.contains(accent),
            "« {accent} » absent du texte extrait"
        );
    }
    assert_contains(DocumentKind::Cnil, &doc, "le cœur du problème");
    assert_contains(DocumentKind::Cnil, &doc, "« Accès frauduleux »");
    assert_contains(DocumentKind::Cnil, &doc, "a reçu à 8 h");
}

#[test]
fn hostile_strings_print_literally() {
    let mut data = full();
    let hostile = [
        HOSTILE_TITLE,
        "]#panic(\"crochet\")[",
        "#eval(\"1 + 1\")",
        "<b>gras</b> & \"guillemets\" 'apostrophes'",
        "// pas un commentaire /* ni celui-ci */",
        "`brut` ~ --- ... \\ #{ } $",
    ];
    if let Some(inc) = data.incident.as_mut() {
        inc.description = Some(hostile[1].to_owned());
        inc.measures_taken = hostile.iter().map(|s| (*s).to_owned()).collect();
        inc.data_categories = vec![hostile[2].to_owned()];
    }
    data.organisation.name = Some(hostile[3].to_owned());
    data.evidence[0].name = hostile[4].to_owned();
    data.contacts[0].name = hostile[5].to_owned();
    data.timeline[0].text = hostile[1].to_owned();

    for kind in DocumentKind::ALL {
        let doc = read(kind, &data);
        assert_contains(kind, &doc, hostile[3]);
        if kind == DocumentKind::Cnil || kind == DocumentKind::Assureur {
            for s in hostile {
                assert_contains(kind, &doc, s);
            }
        }
    }
    let doc = read(DocumentKind::Plainte, &data);
    assert_contains(DocumentKind::Plainte, &doc, hostile[4]);
    assert_contains(DocumentKind::Plainte, &doc, hostile[1]);
    let doc = read(DocumentKind::FicheReflexes, &data);
    assert_contains(DocumentKind::FicheReflexes, &doc, hostile[5]);
    // The title is part of the CNIL draft: the set rule in it did not shrink the page.
    let doc = read(DocumentKind::Cnil, &data);
    assert_contains(
        DocumentKind::Cnil,
        &doc,
        "#panic(\"boum\") *gras* _it_ <script>alert(1)</script>",
    );
    assert!(
        doc.pages < 10,
        "la page a été modifiée par une donnée : {} pages",
        doc.pages
    );
}

#[test]
fn empty_documents_mark_every_blank() {
    let data = empty();
    for kind in DocumentKind::ALL {
        let missing = missing_fields(kind, &data);
        assert!(!missing.is_empty(), "{kind}");
        let doc = read(kind, &data);
        for label in &missing {
            assert_contains(kind, &doc, &format!("À COMPLÉTER : {label}"));
        }
        // Inline blanks as well as the summary (the fiche has no summary box).
        let marks = doc.text.matches("À COMPLÉTER").count();
        let wanted = if kind == DocumentKind::FicheReflexes {
            missing.len()
        } else {
            2 * missing.len()
        };
        assert!(
            marks >= wanted,
            "{kind} : {marks} marques pour {} blancs",
            missing.len()
        );
    }
}

#[test]
fn empty_incident_documents_ask_for_the_journal() {
    let data = empty();
    for kind in DocumentKind::ALL {
        let doc = read(kind, &data);
        assert_contains(kind, &doc, "Empreinte du journal");
        if kind.needs_incident() {
            assert!(missing_fields(kind, &data).contains(&"empreinte du journal de l'incident"));
        } else {
            assert_contains(kind, &doc, "aucun journal associé à ce document");
        }
    }
}

#[test]
fn fiche_reflexes_fits_on_one_page() {
    for (name, data) in [
        ("complète", full()),
        ("vide", empty()),
        ("chargée", crowded()),
    ] {
        let doc = read(DocumentKind::FicheReflexes, &data);
        assert_eq!(
            doc.pages, 1,
            "fiche {name} : {} pages\n{}",
            doc.pages, doc.raw
        );
        assert_contains(DocumentKind::FicheReflexes, &doc, "Page 1 / 1");
        // Cut only as a last resort, and then visibly.
        assert_eq!(
            doc.text.contains("Fiche trop chargée"),
            name == "chargée",
            "{name}"
        );
    }
}

#[test]
fn late_cnil_notification_requires_reasons() {
    let mut data = full();
    data.generated_at = utc(2026, 3, 6, 12, 0); // T0 + 4 days
    let missing = missing_fields(DocumentKind::Cnil, &data);
    assert_eq!(
        missing,
        vec!["motifs du retard de notification (au-delà de 72 heures)"]
    );
    let doc = read(DocumentKind::Cnil, &data);
    assert_contains(
        DocumentKind::Cnil,
        &doc,
        "Notification au-delà de 72 heures",
    );
    assert_contains(
        DocumentKind::Cnil,
        &doc,
        "À COMPLÉTER : motifs du retard de notification (au-delà de 72 heures)",
    );

    if let Some(inc) = data.incident.as_mut() {
        inc.delay_reasons =
            Some("Ampleur découverte le 5 mars seulement, à l'analyse des journaux".into());
    }
    assert!(missing_fields(DocumentKind::Cnil, &data).is_empty());
    let doc = read(DocumentKind::Cnil, &data);
    assert_contains(
        DocumentKind::Cnil,
        &doc,
        "Ampleur découverte le 5 mars seulement",
    );

    // Notified in time: no delay to justify, even if the draft is printed later.
    if let Some(inc) = data.incident.as_mut() {
        inc.delay_reasons = None;
        inc.cnil_notified_at = Some(utc(2026, 3, 4, 16, 0));
    }
    assert!(missing_fields(DocumentKind::Cnil, &data).is_empty());
    let doc = read(DocumentKind::Cnil, &data);
    assert_contains(
        DocumentKind::Cnil,
        &doc,
        "effectuée le 4 mars 2026 à 17 h 00, 56 heures après la découverte",
    );
}

#[test]
fn cnil_draft_warns_when_no_personal_data() {
    let mut data = full();
    if let Some(inc) = data.incident.as_mut() {
        inc.personal_data = Some(false);
    }
    let doc = read(DocumentKind::Cnil, &data);
    assert_contains(
        DocumentKind::Cnil,
        &doc,
        "Aucune donnée à caractère personnel n’est déclarée.",
    );
    let doc = read(DocumentKind::Cnil, &full());
    assert!(!doc.text.contains("Aucune donnée à caractère personnel"));
}

#[test]
fn complementary_notification_needs_the_initial_reference() {
    let mut data = full();
    if let Some(inc) = data.incident.as_mut() {
        inc.notification_kind = NotificationKind::Complementaire;
    }
    assert_eq!(
        missing_fields(DocumentKind::Cnil, &data),
        vec!["référence de la notification initiale à la CNIL"]
    );
    if let Some(inc) = data.incident.as_mut() {
        inc.cnil_reference = Some("CNIL-2026-000456".into());
    }
    let doc = read(DocumentKind::Cnil, &data);
    assert_contains(DocumentKind::Cnil, &doc, "Complémentaire");
    assert_contains(DocumentKind::Cnil, &doc, "CNIL-2026-000456");
}

#[test]
fn evidence_hashes_are_complete() {
    let data = full();
    for kind in [DocumentKind::Plainte, DocumentKind::Assureur] {
        let doc = read(kind, &data);
        // Hashes may wrap inside their cell: compare without spaces.
        let compact: String = doc.text.chars().filter(|c| !c.is_whitespace()).collect();
        for e in &data.evidence {
            assert!(
                compact.contains(&e.sha256),
                "{kind} : empreinte {} absente",
                e.sha256
            );
        }
    }
}

#[test]
fn long_unbroken_strings_wrap_instead_of_overflowing() {
    let mut data = full();
    let long = "a".repeat(600);
    data.evidence[0].sha256 = long.clone();
    data.evidence[0].name = "b".repeat(300);
    let doc = read(DocumentKind::Plainte, &data);
    let compact: String = doc.text.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(compact.contains(&long));
    // A4 at this size holds far fewer than 200 characters a line.
    assert!(
        doc.raw.lines().all(|l| l.chars().count() < 200),
        "ligne trop longue :\n{}",
        doc.raw
    );
}

#[test]
fn rendering_is_deterministic() {
    let data = full();
    for kind in [DocumentKind::Cnil, DocumentKind::FicheReflexes] {
        let a = render(kind, &data).expect("rendu");
        let b = render(kind, &data).expect("rendu");
        assert!(a == b, "{kind} : deux rendus différents");
    }
}

#[test]
fn data_round_trips_through_json() {
    let data = full();
    let json = serde_json::to_string(&data).expect("sérialisation");
    let back: DocumentData = serde_json::from_str(&json).expect("désérialisation");
    assert_eq!(back, data);
    // Every field is optional in JSON: `{}` is an empty dossier.
    let empty: DocumentData = serde_json::from_str("{}").expect("désérialisation");
    assert_eq!(empty, DocumentData::default());
}

#[test]
fn render_time() {
    let data = full();
    // The first render parses the fonts; measure the next one too.
    for round in ["premier", "suivant"] {
        let start = Instant::now();
        render(DocumentKind::Plainte, &data).expect("rendu");
        eprintln!(
            "rendu du dossier de plainte ({round}) : {:?}",
            start.elapsed()
        );
    }
}

#[test]
fn odd_text_and_extreme_values_never_fail() {
    let odd = "\u{0}\u{7}\u{1b}[31m \u{202e}drow\u{202c} e\u{301}\u{301}\u{301} 🚨🔥 \u{feff}\u{fffd} 中文 العربية\r\n\t fin";
    let mut data = full();
    data.organisation.name = Some(odd.to_owned());
    data.organisation.address = Some("x\n".repeat(50));
    if let Some(inc) = data.incident.as_mut() {
        inc.title = Some(odd.to_owned());
        inc.description = Some(format!("{odd} ").repeat(300));
        inc.people_count_approx = Some(u64::MAX);
        inc.records_count_approx = Some(u64::MAX);
        inc.losses = vec![
            Cost {
                description: odd.to_owned(),
                amount_cents: Some(u64::MAX),
            },
            Cost {
                description: String::new(),
                amount_cents: Some(u64::MAX),
            },
        ];
        inc.discovered_at = Some(chrono::DateTime::<chrono::Utc>::MAX_UTC);
        inc.declared_at = Some(chrono::DateTime::<chrono::Utc>::MIN_UTC);
        inc.cnil_notified_at = Some(chrono::DateTime::<chrono::Utc>::MIN_UTC);
    }
    data.timeline[0].at = chrono::DateTime::<chrono::Utc>::MIN_UTC;
    data.timeline[0].text = odd.to_owned();
    data.contacts[0].verified_on = Some(chrono::NaiveDate::MAX);
    data.journal_head = Some(JournalHead {
        length: u64::MAX,
        hash: odd.to_owned(),
    });
    for generated_at in [
        data.generated_at,
        chrono::DateTime::<chrono::Utc>::MAX_UTC,
        chrono::DateTime::<chrono::Utc>::MIN_UTC,
    ] {
        data.generated_at = generated_at;
        for kind in DocumentKind::ALL {
            match render(kind, &data) {
                Ok(pdf) => assert!(pdf.starts_with(b"%PDF-")),
                Err(e) => panic!("{kind} ({generated_at:?}) : {e}"),
            }
        }
    }
}
