//! The shipped playbooks and the strictness of the playbook parser.

use std::path::{Path, PathBuf};

use vigie_incident::Error;
use vigie_incident::deadline::DeadlineId;
use vigie_incident::directory::{ContactTarget, Directory};
use vigie_incident::playbook::{self, EvidenceKind, Playbook};

const IDS: [&str; 5] = [
    "compromission-messagerie",
    "faux-support",
    "fraude-virement",
    "fuite-donnees",
    "rancongiciel",
];

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/playbooks")
}

fn source(id: &str) -> String {
    std::fs::read_to_string(data_dir().join(format!("{id}.toml"))).unwrap()
}

/// The 1-based line of the first occurrence of `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} absent"));
    text[..at].matches('\n').count() + 1
}

/// Parses `text` as `compromission-messagerie.toml` and returns (line, reason) of the error.
fn reject(text: &str) -> (usize, String) {
    match Playbook::parse(text, Path::new("compromission-messagerie.toml")) {
        Err(Error::InvalidData { file, line, reason }) => {
            assert_eq!(file, Path::new("compromission-messagerie.toml"));
            (line, reason)
        }
        Err(other) => panic!("unexpected error {other:?}"),
        Ok(_) => panic!("accepted:\n{text}"),
    }
}

#[test]
fn the_five_playbooks_are_shipped() {
    let all = playbook::builtin();
    let ids: Vec<&str> = all.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, IDS);
    assert_eq!(playbook::builtin_ids(), IDS);
    for p in &all {
        assert_eq!(p.schema, playbook::SCHEMA);
        assert!(p.version >= 1);
    }
}

#[test]
fn the_data_directory_matches_the_embedded_copies() {
    assert_eq!(
        playbook::load_dir(&data_dir()).unwrap(),
        playbook::builtin()
    );
    for id in IDS {
        assert_eq!(
            Playbook::load(&data_dir().join(format!("{id}.toml"))).unwrap(),
            playbook::builtin_playbook(id).unwrap()
        );
    }
}

#[test]
fn every_playbook_is_complete() {
    let directory = Directory::builtin();
    for p in playbook::builtin() {
        for c in &p.contacts {
            assert!(
                directory.resolve(&c.contact, None).is_some(),
                "{}",
                c.contact
            );
        }
        // Everyone files a complaint and declares to the insurer when there is a loss.
        let deadlines = p.deadline_ids();
        assert!(
            deadlines.contains(&DeadlineId::CriminalComplaint),
            "{}",
            p.id
        );
        assert!(
            deadlines.contains(&DeadlineId::InsurerDeclaration),
            "{}",
            p.id
        );
        if p.personal_data_likely {
            assert!(
                deadlines.contains(&DeadlineId::CnilNotification),
                "{}",
                p.id
            );
            assert!(deadlines.contains(&DeadlineId::InformPeople), "{}", p.id);
        }
        assert!(!p.immediate_actions.is_empty());
        assert!(!p.hardening.is_empty());
    }
}

#[test]
fn the_seeds_evidence_list_is_in_every_playbook() {
    for p in playbook::builtin() {
        for kind in EvidenceKind::ALL {
            assert!(
                p.evidence.iter().any(|e| e.kind == kind),
                "{} : {kind:?}",
                p.id
            );
        }
    }
}

#[test]
fn the_seeds_reflexes_are_there() {
    let mail = playbook::builtin_playbook("compromission-messagerie").unwrap();
    let actions: String = mail
        .immediate_actions
        .iter()
        .map(|a| a.text.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(actions.contains("RJ-45"));
    assert!(actions.contains("Wi-Fi"));
    assert!(actions.contains("N'éteignez pas"));
    assert!(actions.contains("secteur"));
    assert!(actions.contains("écran entier"));
    // The fiche's order: the IT provider before the CSIRT, the CSIRT before the gendarmerie.
    let order: Vec<&str> = mail.contacts.iter().map(|c| c.contact.as_str()).collect();
    let pos = |r: &str| order.iter().position(|c| *c == r).unwrap();
    assert!(pos("prestataire-informatique") < pos("csirt-regional"));
    assert!(pos("csirt-regional") < pos("gendarmerie-police"));
    let hardening: String = mail
        .hardening
        .iter()
        .map(|a| a.text.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    for needle in [
        "double authentification",
        "gestionnaire de mots de passe",
        "3-2-1",
        "mises à jour",
        "offre professionnelle",
        "mot de passe d'application",
        "règles de transfert",
    ] {
        assert!(hardening.contains(needle), "{needle}");
    }

    let scam = playbook::builtin_playbook("faux-support").unwrap();
    let actions: Vec<&str> = scam
        .immediate_actions
        .iter()
        .map(|a| a.text.as_str())
        .collect();
    assert!(actions.iter().any(|a| a.contains("Alt + F4")));
    assert!(
        actions
            .iter()
            .any(|a| a.contains("N'appelez pas le numéro"))
    );
}

#[test]
fn no_phone_number_is_written_in_a_playbook() {
    // Numbers belong to the directory, where each has a source; a playbook only refers to it.
    for id in IDS {
        let text = source(id);
        let mut run = 0;
        for c in text.chars() {
            if c.is_ascii_digit() {
                run += 1;
                assert!(run < 6, "{id} : suite de chiffres suspecte");
            } else if c != ' ' && c != '.' {
                run = 0;
            }
        }
    }
}

#[test]
fn contact_references_resolve_to_directory_entries() {
    let directory = Directory::builtin();
    let mail = playbook::builtin_playbook("compromission-messagerie").unwrap();
    let csirt = mail
        .contacts
        .iter()
        .find(|c| c.contact == "csirt-regional")
        .unwrap();
    match directory.resolve(&csirt.contact, Some("bourgogne-franche-comte")) {
        Some(ContactTarget::RegionalCsirt {
            region: Some(region),
        }) => assert_eq!(region.csirt.phone.as_deref(), Some("0 970 609 909")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn playbooks_seed_the_deadline_facts() {
    let t0 = chrono::DateTime::parse_from_rfc3339("2026-04-02T10:00:00+02:00")
        .unwrap()
        .to_utc();
    let scam = playbook::builtin_playbook("faux-support").unwrap();
    assert!(!scam.incident_facts(t0).personal_data);
    let mail = playbook::builtin_playbook("compromission-messagerie").unwrap();
    let facts = mail.incident_facts(t0);
    assert!(facts.personal_data);
    assert_eq!(facts.discovered_at, t0);
}

#[test]
fn json_output_is_stable() {
    let p = playbook::builtin_playbook("rancongiciel").unwrap();
    let json = serde_json::to_value(&p).unwrap();
    assert_eq!(json["schema"], "vigie.playbook.v1");
    assert_eq!(json["id"], "rancongiciel");
    let steps = json["steps"].as_array().unwrap();
    assert!(steps.iter().any(|s| s["deadline"] == "cnil_notification"));
    assert!(steps.iter().any(|s| s["deadline"].is_null()));
    assert!(json["evidence"][0]["kind"].is_string());
}

// --- languages --------------------------------------------------------------------------------

/// Every text a person reads in a playbook, in order.
fn texts(p: &Playbook) -> Vec<&str> {
    let mut all = vec![p.title.as_str(), p.summary.as_str()];
    for a in p.immediate_actions.iter().chain(&p.hardening) {
        all.extend([a.text.as_str(), a.why.as_str()]);
    }
    for c in &p.contacts {
        all.extend([c.when.as_str(), c.why.as_str()]);
    }
    for e in &p.evidence {
        all.extend([e.title.as_str(), e.how.as_str()]);
    }
    for s in &p.steps {
        all.extend([s.title.as_str(), s.detail.as_str()]);
    }
    all
}

#[test]
fn every_shipped_playbook_is_complete_in_english() {
    for p in playbook::builtin() {
        let en = p
            .in_language("en")
            .unwrap_or_else(|| panic!("{} : traduction anglaise incomplète", p.id));
        // Same playbook, other words: what the journal and the deadlines rely on is kept.
        assert_eq!((en.id.as_str(), en.version), (p.id.as_str(), p.version));
        assert_eq!(en.deadline_ids(), p.deadline_ids());
        assert_eq!(
            en.steps.iter().map(|s| &s.id).collect::<Vec<_>>(),
            p.steps.iter().map(|s| &s.id).collect::<Vec<_>>()
        );
        assert_eq!(
            en.contacts.iter().map(|c| &c.contact).collect::<Vec<_>>(),
            p.contacts.iter().map(|c| &c.contact).collect::<Vec<_>>()
        );
        assert_eq!(
            en.evidence.iter().map(|e| e.kind).collect::<Vec<_>>(),
            p.evidence.iter().map(|e| e.kind).collect::<Vec<_>>()
        );
        let french = texts(&p);
        for (text, fr) in texts(&en).into_iter().zip(&french) {
            // Markers of a sentence left in French (or copied instead of translated).
            for marker in ["«", "»", " les ", " des "] {
                assert!(
                    !text.contains(marker),
                    "{} : « {marker} » dans {text}",
                    p.id
                );
            }
            assert_ne!(text, *fr, "{} : texte non traduit", p.id);
        }
        // No sibling is left in the translated playbook, and French is the default.
        assert!(en.title_en.is_none() && en.steps.iter().all(|s| s.title_en.is_none()));
        let fr = p.in_language("fr").unwrap();
        assert_eq!(texts(&fr), french);
        assert_eq!(p.in_language("de"), None);
    }
}

#[test]
fn the_data_files_and_the_fuzz_seeds_are_the_same() {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/seeds/playbook_parse");
    for id in IDS {
        let seed = std::fs::read_to_string(seeds.join(format!("{id}.toml"))).unwrap();
        assert_eq!(seed, source(id), "{id}");
    }
}

/// `base()` without any English text, as a commune's own playbook may be.
fn french_only() -> String {
    base()
        .lines()
        .filter(|l| !l.split_once(" = ").is_some_and(|(k, _)| k.ends_with("_en")))
        .map(|l| format!("{l}\n"))
        .collect()
}

#[test]
fn a_french_only_playbook_is_accepted_and_not_offered_in_english() {
    let p = Playbook::parse(&french_only(), Path::new("compromission-messagerie.toml")).unwrap();
    assert_eq!(p.in_language("en"), None);
    let shipped = playbook::builtin_playbook("compromission-messagerie").unwrap();
    assert_eq!(texts(&p), texts(&shipped));
    assert_eq!(p.in_language("fr"), shipped.in_language("fr"));
    // The JSON output only names the translations that exist.
    let json = serde_json::to_value(&p).unwrap();
    assert!(json.get("title_en").is_none());
    assert!(json["steps"][0].get("title_en").is_none());
    let json = serde_json::to_value(&shipped).unwrap();
    assert_eq!(json["title_en"], "Hacked council mailbox");
}

#[test]
fn one_missing_translation_keeps_the_whole_playbook_french() {
    // Only the last step's English detail is missing.
    let text = base();
    let at = text.rfind("detail_en = ").unwrap();
    let end = at + text[at..].find('\n').unwrap() + 1;
    let text = format!("{}{}", &text[..at], &text[end..]);
    let p = Playbook::parse(&text, Path::new("compromission-messagerie.toml")).unwrap();
    assert!(p.steps.last().unwrap().detail_en.is_none());
    assert_eq!(p.in_language("en"), None);
    assert!(p.in_language("fr").is_some());
}

#[test]
fn blank_translation_is_rejected_at_its_line() {
    let text = base().replace("title_en = \"Hacked council mailbox\"", "title_en = \" \"");
    let (line, reason) = reject(&text);
    assert_eq!(line, line_of(&text, "title_en = \" \""));
    assert!(reason.contains("« title_en » est vide"), "{reason}");
}

// --- rejections -------------------------------------------------------------------------------

fn base() -> String {
    source("compromission-messagerie")
}

#[test]
fn toml_syntax_error_gives_its_line() {
    let text = base().replace("version = 1", "version = = 1");
    let (line, reason) = reject(&text);
    assert_eq!(line, line_of(&text, "version = = 1"));
    assert!(reason.contains("TOML"), "{reason}");
}

#[test]
fn unknown_field_is_rejected_at_its_line() {
    let text = base().replace("version = 1\n", "version = 1\ncouleur = \"rouge\"\n");
    let (line, reason) = reject(&text);
    assert_eq!(line, line_of(&text, "couleur"));
    assert!(reason.contains("champ inconnu « couleur »"), "{reason}");

    let text = base().replacen("why = ", "pourquoi = ", 1);
    let (line, reason) = reject(&text);
    assert_eq!(line, line_of(&text, "pourquoi = "));
    assert!(reason.contains("champ inconnu « pourquoi »"), "{reason}");
}

#[test]
fn missing_title_is_rejected() {
    let text: String = base()
        .lines()
        .filter(|l| !l.starts_with("title = \"Piratage"))
        .map(|l| format!("{l}\n"))
        .collect();
    let (_, reason) = reject(&text);
    assert!(
        reason.contains("champ obligatoire « title » absent"),
        "{reason}"
    );
}

#[test]
fn blank_text_is_rejected_at_its_line() {
    let text = base().replace(
        "title = \"Piratage de la messagerie de la collectivité\"",
        "title = \"   \"",
    );
    let (line, reason) = reject(&text);
    assert_eq!(line, line_of(&text, "title = \"   \""));
    assert!(reason.contains("« title » est vide"), "{reason}");
}

#[test]
fn empty_steps_are_rejected_at_their_line() {
    // Drop every [[steps]] table and declare an empty list instead.
    let text = base();
    let start = text.find("[[steps]]").unwrap();
    let end = text.find("[[hardening]]").unwrap();
    let text = format!(
        "{}{}",
        text[..start].replace(
            "personal_data_likely = true",
            "personal_data_likely = true\nsteps = []"
        ),
        &text[end..]
    );
    let (line, reason) = reject(&text);
    assert_eq!(line, line_of(&text, "steps = []"));
    assert!(reason.contains("« steps » est vide"), "{reason}");
}

#[test]
fn duplicate_step_id_is_rejected_at_its_line() {
    let text = base().replace("id = \"conserver-preuves\"", "id = \"noter-heure\"");
    let (line, reason) = reject(&text);
    // The second occurrence is the offending one.
    let first = text.find("id = \"noter-heure\"").unwrap();
    let second = first + 1 + text[first + 1..].find("id = \"noter-heure\"").unwrap();
    assert_eq!(line, text[..second].matches('\n').count() + 1);
    assert!(reason.contains("apparaît deux fois"), "{reason}");
}

#[test]
fn unknown_deadline_is_rejected_at_its_line() {
    let text = base().replace(
        "deadline = \"cnil_notification\"",
        "deadline = \"cnil_72h\"",
    );
    let (line, reason) = reject(&text);
    assert_eq!(line, line_of(&text, "cnil_72h"));
    assert!(reason.contains("délai « cnil_72h » inconnu"), "{reason}");
    assert!(reason.contains("cnil_notification"), "{reason}");
}

#[test]
fn unknown_contact_is_rejected_at_its_line() {
    let text = base().replace("contact = \"dpo\"", "contact = \"sos-informatique\"");
    let (line, reason) = reject(&text);
    assert_eq!(line, line_of(&text, "sos-informatique"));
    assert!(
        reason.contains("contact « sos-informatique » inconnu"),
        "{reason}"
    );
}

#[test]
fn unknown_evidence_kind_is_rejected_at_its_line() {
    let text = base().replace("kind = \"call_history\"", "kind = \"fax\"");
    let (line, reason) = reject(&text);
    assert_eq!(line, line_of(&text, "\"fax\""));
    assert!(
        reason.contains("type de preuve « fax » inconnu"),
        "{reason}"
    );
}

#[test]
fn id_must_match_the_file_name() {
    let err = Playbook::parse(&base(), Path::new("data/playbooks/autre.toml")).unwrap_err();
    match err {
        Error::InvalidData { line, reason, .. } => {
            assert_eq!(line, line_of(&base(), "id = \"compromission-messagerie\""));
            assert!(
                reason.contains("ne correspond pas au nom du fichier « autre »"),
                "{reason}"
            );
        }
        other => panic!("{other:?}"),
    }
    let text = base().replace(
        "id = \"compromission-messagerie\"",
        "id = \"Compromission Messagerie\"",
    );
    let (_, reason) = reject(&text);
    assert!(reason.contains("identifiant"), "{reason}");
}

#[test]
fn schema_and_version_are_checked() {
    let text = base().replace(
        "schema = \"vigie.playbook.v1\"",
        "schema = \"vigie.playbook.v9\"",
    );
    let (line, reason) = reject(&text);
    assert_eq!(line, line_of(&text, "schema = \"vigie.playbook.v9\""));
    assert!(reason.contains("non pris en charge"), "{reason}");

    let text = base().replace("version = 1", "version = 0");
    let (line, reason) = reject(&text);
    assert_eq!(line, line_of(&text, "version = 0"));
    assert!(reason.contains("version"), "{reason}");

    let text = base().replace("version = 1", "version = \"1\"");
    let (line, reason) = reject(&text);
    assert_eq!(line, line_of(&text, "version = \"1\""));
    assert!(reason.contains("type de valeur incorrect"), "{reason}");
}

#[test]
fn error_message_names_file_and_line() {
    let text = base().replace("contact = \"dpo\"", "contact = \"x\"");
    let err = Playbook::parse(&text, Path::new("compromission-messagerie.toml")).unwrap_err();
    let message = err.to_string();
    assert!(
        message.starts_with(&format!(
            "compromission-messagerie.toml, ligne {} : contact « x » inconnu",
            line_of(&text, "contact = \"x\"")
        )),
        "{message}"
    );
}

#[test]
fn load_dir_rejects_duplicate_ids() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("faux-support.toml"), source("faux-support")).unwrap();
    std::fs::write(dir.path().join("faux-support.TOML"), source("faux-support")).unwrap();
    std::fs::write(dir.path().join("notes.txt"), "pas une fiche").unwrap();
    match playbook::load_dir(dir.path()).unwrap_err() {
        Error::InvalidData { file, line, reason } => {
            assert!(file.ends_with("faux-support.toml"), "{}", file.display());
            assert_eq!(
                line,
                line_of(&source("faux-support"), "id = \"faux-support\"")
            );
            assert!(reason.contains("déjà celui de"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn load_dir_sorts_by_id_and_reports_unreadable_dirs() {
    let dir = tempfile::tempdir().unwrap();
    for id in ["rancongiciel", "faux-support"] {
        std::fs::write(dir.path().join(format!("{id}.toml")), source(id)).unwrap();
    }
    let ids: Vec<String> = playbook::load_dir(dir.path())
        .unwrap()
        .into_iter()
        .map(|p| p.id)
        .collect();
    assert_eq!(ids, ["faux-support", "rancongiciel"]);
    assert!(matches!(
        playbook::load_dir(&dir.path().join("absent")),
        Err(Error::Read { .. })
    ));
    assert!(matches!(
        Playbook::load(&dir.path().join("absent.toml")),
        Err(Error::Read { .. })
    ));
}

#[test]
fn arbitrary_text_never_panics() {
    let base = base();
    // Every prefix of a valid file (cut at char boundaries) is parsed without panicking.
    for (i, _) in base.char_indices().step_by(97) {
        let _ = Playbook::parse(&base[..i], Path::new(""));
    }
    for text in [
        "",
        "\0",
        "[[steps]]\n[[steps]]",
        "id = 1\nid = 2",
        "a = [[[[[[[[[[[[[",
    ] {
        assert!(Playbook::parse(text, Path::new("")).is_err());
    }
}
