//! `vigie incident` end to end, through the binary, on the embedded default (SQLite and the
//! blob store in a temporary data directory): declaration, deadlines, steps, evidence (with
//! bad input), documents (text extracted with poppler's `pdftotext`), export, and tampering
//! with the database, the locker and the exported ZIP — each alteration named by `verify`.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

struct Env {
    _dir: tempfile::TempDir,
    data: PathBuf,
    work: PathBuf,
}

impl Env {
    fn new() -> Env {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("donnees");
        let work = dir.path().join("travail");
        fs::create_dir_all(&work).unwrap();
        Env {
            _dir: dir,
            data,
            work,
        }
    }

    fn vigie(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_vigie"))
            .arg("--data-dir")
            .arg(&self.data)
            .args(args)
            .env("VIGIE_ACTOR", "Marie Dupont (secrétaire de mairie)")
            .env_remove("VIGIE_DATA_DIR")
            .current_dir(&self.work)
            .output()
            .unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.vigie(args);
        assert!(
            out.status.success(),
            "vigie {args:?} a échoué ({:?}) : {}{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn json(&self, args: &[&str]) -> Value {
        serde_json::from_str(&self.ok(args)).unwrap()
    }

    fn file(&self, name: &str, content: &[u8]) -> PathBuf {
        let p = self.work.join(name);
        fs::write(&p, content).unwrap();
        p
    }

    fn db_exec(&self, sql: &str) {
        let db = self.data.join("vigie.db");
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            use sqlx::Connection;
            let url = format!("sqlite://{}", db.display());
            let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
            let sql = sql.to_owned();
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                .execute(&mut conn)
                .await
                .unwrap();
            conn.close().await.unwrap();
        });
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Text of a PDF by poppler's pdftotext (a real, independent reader).
fn pdf_text(path: &Path) -> String {
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(path)
        .arg("-")
        .output()
        .expect(
            "pdftotext est introuvable : installez poppler-utils (bash scripts/test.sh le fait)",
        );
    assert!(out.status.success(), "pdftotext : {}", stderr(&out));
    String::from_utf8(out.stdout).unwrap()
}

/// Declares the seed's case and returns (id, reference).
fn declare(env: &Env) -> (String, String) {
    let v = env.json(&[
        "incident",
        "new",
        "--playbook",
        "compromission-messagerie",
        "--title",
        "Messagerie de la mairie piratée",
        "--discovered-at",
        "2026-11-26T08:45:00+01:00",
        "--personal-data",
        "--format",
        "json",
    ]);
    (
        v["id"].as_str().unwrap().to_owned(),
        v["reference"].as_str().unwrap().to_owned(),
    )
}

#[test]
fn new_incident_prints_the_documented_json_and_deadlines() {
    let env = Env::new();
    let v = env.json(&[
        "incident",
        "new",
        "--playbook",
        "compromission-messagerie",
        "--title",
        "Messagerie piratée",
        "--discovered-at",
        "2026-03-27T10:00:00+01:00",
        "--personal-data",
        "--format",
        "json",
    ]);
    assert_eq!(v["schema"], "vigie.incident.v1");
    assert!(v["id"].as_str().unwrap().len() >= 32);
    let due = |id: &str| -> String {
        v["deadlines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["id"] == id)
            .unwrap_or_else(|| panic!("délai {id} absent : {v}"))["due"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    // T0 Friday 10:00 CET; 72 h later crosses the spring-forward night: Monday 11:00 CEST.
    assert_eq!(
        chrono::DateTime::parse_from_rfc3339(&due("cnil_notification")).unwrap(),
        chrono::DateTime::parse_from_rfc3339("2026-03-30T09:00:00Z").unwrap()
    );
    assert_eq!(due("cnil_notification"), due("criminal_complaint"));
    assert!(!due("insurer_declaration").is_empty());
    assert_eq!(v["journal_head"]["length"], 1);
    assert_eq!(v["journal_head"]["hash"].as_str().unwrap().len(), 64);

    let show = env.json(&[
        "incident",
        "show",
        v["id"].as_str().unwrap(),
        "--format",
        "json",
    ]);
    // `status` and `summary` count the time left from "now", which moves between the two
    // commands (a second boundary was crossed once in CI): compare what does not move.
    assert_eq!(fixed_deadline_fields(&show), fixed_deadline_fields(&v));
    assert_eq!(show["journal_head"], v["journal_head"]);
    let by_ref = env.json(&[
        "incident",
        "show",
        v["reference"].as_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(by_ref["id"], v["id"]);
}

/// The deadlines without the fields computed from the current time.
fn fixed_deadline_fields(incident: &Value) -> Vec<Value> {
    let deadlines = incident["deadlines"].as_array().expect("deadlines");
    assert!(!deadlines.is_empty(), "aucun délai : {incident}");
    deadlines
        .iter()
        .map(|d| {
            let mut d = d.clone();
            let fields = d.as_object_mut().expect("deadline object");
            let state = fields.remove("status").map(|s| s["state"].clone());
            fields.remove("summary");
            fields.insert("state".into(), state.unwrap_or(Value::Null));
            d
        })
        .collect()
}

#[test]
fn bad_input_gets_a_french_message_and_changes_nothing() {
    let env = Env::new();
    let out = env.vigie(&[
        "incident",
        "new",
        "--playbook",
        "compromission-messagerie",
        "--title",
        "x",
        "--discovered-at",
        "hier matin",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("n'est pas une date valide"),
        "{}",
        stderr(&out)
    );

    let out = env.vigie(&[
        "incident",
        "new",
        "--playbook",
        "inconnu",
        "--title",
        "x",
        "--discovered-at",
        "2026-11-26T08:45:00+01:00",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("compromission-messagerie"),
        "{}",
        stderr(&out)
    );

    let (id, _) = declare(&env);
    let good = env.file("capture.png", b"\x89PNG fausse capture");
    let missing = env.work.join("disparu.wav");
    let out = env.vigie(&[
        "incident",
        "evidence",
        "add",
        &id,
        good.to_str().unwrap(),
        missing.to_str().unwrap(),
        "--description",
        "captures",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("disparu.wav"), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("rien n'a été ajouté"),
        "{}",
        stderr(&out)
    );
    let list = env.json(&["incident", "evidence", "list", &id, "--format", "json"]);
    assert_eq!(
        list["evidence"].as_array().unwrap().len(),
        0,
        "rien ne doit être ajouté"
    );

    env.ok(&[
        "incident",
        "evidence",
        "add",
        &id,
        good.to_str().unwrap(),
        "--description",
        "capture",
    ]);
    let copy = env.file("capture-copie.png", b"\x89PNG fausse capture");
    let out = env.vigie(&[
        "incident",
        "evidence",
        "add",
        &id,
        copy.to_str().unwrap(),
        "--description",
        "doublon",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("déjà dans le coffre"),
        "{}",
        stderr(&out)
    );
    let list = env.json(&["incident", "evidence", "list", &id, "--format", "json"]);
    assert_eq!(list["evidence"].as_array().unwrap().len(), 1);

    // A directory is not evidence; an unknown incident is named.
    let out = env.vigie(&[
        "incident",
        "evidence",
        "add",
        &id,
        env.work.to_str().unwrap(),
        "--description",
        "d",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let out = env.vigie(&["incident", "show", "INC-1999-0042"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("INC-1999-0042"), "{}", stderr(&out));

    // T0 correction needs a reason; the journal keeps it.
    let out = env.vigie(&[
        "incident",
        "update",
        &id,
        "--discovered-at",
        "2026-11-26T07:00:00+01:00",
    ]);
    assert_eq!(out.status.code(), Some(2));
    env.ok(&[
        "incident",
        "update",
        &id,
        "--discovered-at",
        "2026-11-26T07:00:00+01:00",
        "--reason",
        "le premier message effacé date de 7 h",
    ]);
    let journal = env.json(&["incident", "journal", &id, "--format", "json"]);
    let texts: Vec<&str> = journal["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["text"].as_str().unwrap())
        .collect();
    assert!(
        texts
            .iter()
            .any(|t| t.contains("le premier message effacé date de 7 h")),
        "{texts:?}"
    );
    let show = env.json(&["incident", "show", &id, "--format", "json"]);
    let cnil = show["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == "cnil_notification")
        .unwrap();
    assert_eq!(
        chrono::DateTime::parse_from_rfc3339(cnil["due"].as_str().unwrap()).unwrap(),
        chrono::DateTime::parse_from_rfc3339("2026-11-29T07:00:00+01:00").unwrap()
    );
    assert!(env.ok(&["incident", "verify", &id]).contains("Intact"));
}

#[test]
fn documents_carry_every_field_and_the_journal_head() {
    let env = Env::new();
    env.ok(&[
        "organisation",
        "set",
        "--name",
        "Mairie de Saint-Exemple-sur-Ouche",
        "--siren",
        "212100017",
        "--address",
        "1 place de la Mairie, 21000 Saint-Exemple",
        "--region",
        "bourgogne-franche-comte",
        "--representative",
        "Hélène Bœuf",
        "--representative-role",
        "Maire",
        "--dpo-name",
        "Centre de gestion de la Côte-d'Or",
        "--dpo-email",
        "dpo@cdg21.example",
        "--insurer",
        "SMACL Assurances",
        "--policy-number",
        "POL-778899",
    ]);
    env.ok(&[
        "contacts",
        "add",
        "--role",
        "prestataire-informatique",
        "--name",
        "Info Services Ouche",
        "--phone",
        "03 80 00 00 00",
        "--verified",
    ]);
    let (id, reference) = declare(&env);
    env.ok(&[
        "incident",
        "update",
        &id,
        "--confidentiality",
        "--integrity",
        "--data-category",
        "coordonnées bancaires (RIB)",
        "--people-category",
        "administrés",
        "--people-count",
        "1200",
        "--records-count",
        "5400",
        "--consequences",
        "risque d'escroquerie au faux RIB",
        "--measure-taken",
        "mot de passe changé et double authentification activée",
        "--measure-planned",
        "offre de messagerie professionnelle",
        "--complaint-reference",
        "PV 2026/001234",
        "--complaint-service",
        "gendarmerie",
        "--loss",
        "temps passé à la remise en état=1500",
        "--high-risk",
        "yes",
    ]);
    env.ok(&[
        "incident",
        "step",
        &id,
        &first_step(&env, &id),
        "--note",
        "câble débranché à 9 h",
    ]);
    let shot = env.file("capture-écran.png", b"\x89PNG capture de la boite");
    env.ok(&[
        "incident",
        "evidence",
        "add",
        &id,
        shot.to_str().unwrap(),
        "--description",
        "règle de transfert inconnue",
    ]);

    for kind in ["cnil", "plainte", "assureur", "information"] {
        // Each document records its own journal entry: it prints the head just before it.
        let head_before =
            env.json(&["incident", "show", &id, "--format", "json"])["journal_head"].clone();
        let pdf = env.work.join(format!("{kind}.pdf"));
        let out = env.ok(&[
            "incident",
            "document",
            &reference,
            "--type",
            kind,
            "--output",
            pdf.to_str().unwrap(),
        ]);
        assert!(out.contains("SHA-256"), "{out}");
        let bytes = fs::read(&pdf).unwrap();
        assert!(bytes.starts_with(b"%PDF"), "{kind}");
        let text = pdf_text(&pdf);
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains("Saint-Exemple-sur-Ouche"), "{kind}: {flat}");
        // (The letter to the people concerned does not carry the internal reference.)
        assert!(flat.contains(&reference) || kind == "information", "{kind}");
        // Accents and ligatures render as text.
        assert!(
            flat.contains("Bœuf") || kind == "information",
            "{kind}: {flat}"
        );
        assert!(flat.contains("é"), "{kind}");
        // The journal head at production time is printed (possibly wrapped).
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(
            compact.contains(head_before["hash"].as_str().unwrap()),
            "{kind}: tête du journal absente"
        );
        match kind {
            "cnil" => {
                assert!(flat.contains("1200") || flat.contains("1 200"), "{flat}");
                assert!(flat.contains("coordonnées bancaires"), "{flat}");
                assert!(flat.contains("Centre de gestion"), "{flat}");
            }
            "plainte" => {
                assert!(
                    flat.contains("capture-écran.png") || flat.contains("capture-"),
                    "{flat}"
                );
                let sha = env.json(&["incident", "evidence", "list", &id, "--format", "json"])["evidence"][0]["sha256"].as_str().unwrap().to_owned();
                assert!(compact.contains(&sha), "empreinte de la preuve absente");
            }
            "assureur" => {
                assert!(flat.contains("POL-778899"), "{flat}");
                assert!(flat.contains("PV 2026/001234"), "{flat}");
            }
            _ => {}
        }
    }
    let fiche = env.work.join("fiche.pdf");
    env.ok(&[
        "incident",
        "document",
        "--type",
        "fiche-reflexes",
        "--output",
        fiche.to_str().unwrap(),
    ]);
    let text = pdf_text(&fiche);
    assert!(text.contains("Info Services Ouche"), "{text}");
    assert!(
        text.contains("0 970 609 909") || text.contains("0970 609 909"),
        "CSIRT BFC absent : {text}"
    );
    let registre = env.work.join("registre.pdf");
    env.ok(&[
        "incident",
        "document",
        "--type",
        "registre",
        "--output",
        registre.to_str().unwrap(),
    ]);
    assert!(pdf_text(&registre).contains(&reference));

    let out = env.vigie(&[
        "incident", "document", &id, "--type", "inconnu", "--output", "x.pdf",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!env.work.join("x.pdf").exists());
}

#[test]
fn an_incident_with_missing_data_marks_the_blanks() {
    let env = Env::new();
    let (id, _) = declare(&env);
    let pdf = env.work.join("cnil.pdf");
    let out = env.ok(&[
        "incident",
        "document",
        &id,
        "--type",
        "cnil",
        "--output",
        pdf.to_str().unwrap(),
    ]);
    assert!(out.contains("À compléter"), "{out}");
    let text = pdf_text(&pdf);
    assert!(text.contains("À COMPLÉTER"), "{text}");
}

fn first_step(env: &Env, id: &str) -> String {
    let v = env.json(&["incident", "show", id, "--format", "json"]);
    v["checklist"][0]["id"].as_str().unwrap().to_owned()
}

/// Sets up an incident with two pieces of evidence and a few journal entries.
fn incident_with_evidence(env: &Env) -> (String, Vec<Value>) {
    let (id, _) = declare(env);
    let a = env.file("capture.png", b"\x89PNG une capture");
    let b = env.file("appel.txt", b"Appel du faux support a 10 h 02");
    env.ok(&[
        "incident",
        "evidence",
        "add",
        &id,
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--description",
        "captures et journal d'appels",
    ]);
    env.ok(&["incident", "note", &id, "Le maire est prévenu."]);
    env.ok(&[
        "incident",
        "contact",
        &id,
        "17cyber",
        "--note",
        "conseils reçus",
    ]);
    let evidence = env.json(&["incident", "evidence", "list", &id, "--format", "json"])["evidence"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(
        env.vigie(&["incident", "verify", &id]).status.code(),
        Some(0)
    );
    (id, evidence)
}

fn verify_fails_with(env: &Env, id: &str, expected: &str) {
    let out = env.vigie(&["incident", "verify", id]);
    assert_eq!(
        out.status.code(),
        Some(8),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(
        stdout(&out).contains(expected),
        "attendu « {expected} » dans :\n{}",
        stdout(&out)
    );
}

#[test]
fn tampering_with_an_evidence_file_is_named() {
    let env = Env::new();
    let (id, evidence) = incident_with_evidence(&env);
    let sha = evidence[0]["sha256"].as_str().unwrap();
    let path = env
        .data
        .join("evidence")
        .join("sha256")
        .join(&sha[..2])
        .join(sha);
    assert!(path.exists(), "{path:?}");
    let mut perms = fs::metadata(&path).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    fs::set_permissions(&path, perms).unwrap();
    let mut bytes = fs::read(&path).unwrap();
    bytes[3] ^= 0x01;
    fs::write(&path, bytes).unwrap();
    let name = evidence[0]["original_name"].as_str().unwrap();
    verify_fails_with(&env, &id, &format!("la preuve « {name} » a été modifiée"));
    // And the export refuses to hand over altered evidence.
    let out = env.vigie(&["incident", "export", &id, "--output", "dossier.zip"]);
    assert_eq!(out.status.code(), Some(8), "{}", stderr(&out));
    assert!(!env.work.join("dossier.zip").exists());
}

#[test]
fn deleting_a_journal_row_is_named() {
    let env = Env::new();
    let (id, _) = incident_with_evidence(&env);
    env.db_exec(&format!(
        "DELETE FROM journal_entries WHERE incident_id = '{id}' AND seq = 3"
    ));
    verify_fails_with(&env, &id, "l'entrée n° 3 du journal a été supprimée");
}

#[test]
fn deleting_the_last_journal_row_is_named() {
    let env = Env::new();
    let (id, _) = incident_with_evidence(&env);
    env.db_exec(&format!(
        "DELETE FROM journal_entries WHERE incident_id = '{id}' AND seq = (SELECT MAX(seq) FROM journal_entries WHERE incident_id = '{id}')"
    ));
    verify_fails_with(
        &env,
        &id,
        "la dernière entrée du journal (n° 5) a été supprimée",
    );
}

#[test]
fn swapping_two_journal_rows_is_named() {
    let env = Env::new();
    let (id, _) = incident_with_evidence(&env);
    env.db_exec(&format!(
        "UPDATE journal_entries SET seq = 1000 WHERE incident_id = '{id}' AND seq = 2;
         UPDATE journal_entries SET seq = 2 WHERE incident_id = '{id}' AND seq = 3;
         UPDATE journal_entries SET seq = 3 WHERE incident_id = '{id}' AND seq = 1000;"
    ));
    verify_fails_with(
        &env,
        &id,
        "l'entrée en position 2 du journal a été déplacée",
    );
}

#[test]
fn editing_a_journal_entry_text_is_named() {
    let env = Env::new();
    let (id, _) = incident_with_evidence(&env);
    env.db_exec(&format!(
        "UPDATE journal_entries SET text = 'Le maire n''est pas prévenu.' WHERE incident_id = '{id}' AND seq = 4"
    ));
    verify_fails_with(&env, &id, "l'entrée n° 4 du journal a été modifiée");
    // A T0 moved in the incident row behind Vigie's back is seen too.
    let env = Env::new();
    let (id, _) = incident_with_evidence(&env);
    env.db_exec(&format!(
        "UPDATE incidents SET discovered_at = '2026-11-28T08:00:00.000000000Z' WHERE id = '{id}'"
    ));
    verify_fails_with(&env, &id, "l'heure de découverte enregistrée");
}

#[test]
fn an_exported_dossier_verifies_alone_and_tampering_is_named() {
    let env = Env::new();
    let (id, evidence) = incident_with_evidence(&env);
    let zip_path = env.work.join("dossier.zip");
    let out = env.ok(&[
        "incident",
        "export",
        &id,
        "--output",
        zip_path.to_str().unwrap(),
    ]);
    assert!(out.contains("Empreinte du journal"), "{out}");

    // Checked from the ZIP alone: another data directory, nothing of the original.
    let other = Env::new();
    let out = other.vigie(&[
        "incident",
        "verify",
        "--dossier",
        zip_path.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );

    let manifest: Value = serde_json::from_slice(&zip_member(&zip_path, "manifest.json")).unwrap();
    assert_eq!(manifest["schema"], "vigie.dossier.v1");
    assert_eq!(
        manifest["evidence"].as_array().unwrap().len(),
        evidence.len()
    );
    assert!(
        manifest["documents"].as_array().unwrap().len() >= 4,
        "CNIL, plainte, assureur, information"
    );
    let summary = String::from_utf8(zip_member(&zip_path, "LISEZMOI.txt")).unwrap();
    assert!(summary.contains(manifest["journal_head"]["hash"].as_str().unwrap()));
    for e in &evidence {
        assert!(summary.contains(e["sha256"].as_str().unwrap()));
    }

    // One byte of one piece of evidence changed inside the ZIP.
    let evidence_path = manifest["evidence"][0]["path"].as_str().unwrap().to_owned();
    let altered = rewrite_zip(&zip_path, &env.work.join("altere.zip"), |name, bytes| {
        if name == evidence_path {
            bytes[2] ^= 0x20;
        }
    });
    let out = other.vigie(&["incident", "verify", "--dossier", altered.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(8));
    assert!(
        stdout(&out).contains(&format!("le fichier « {evidence_path} » a été modifié")),
        "{}",
        stdout(&out)
    );

    // A journal entry's text edited inside the ZIP (journal.json and its hash in the manifest
    // rewritten consistently, as a careful forger would).
    let forged = rewrite_zip(&zip_path, &env.work.join("falsifie.zip"), |name, bytes| {
        if name == "journal.json" {
            let mut j: Value = serde_json::from_slice(bytes).unwrap();
            j["entries"][3]["text"] = Value::String("Rien à signaler.".into());
            *bytes = serde_json::to_vec_pretty(&j).unwrap();
        }
    });
    let forged = fix_manifest_journal_hash(&forged, &env.work.join("falsifie2.zip"));
    let out = other.vigie(&["incident", "verify", "--dossier", forged.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(8));
    assert!(
        stdout(&out).contains("l'entrée n° 4 du journal a été modifiée"),
        "{}",
        stdout(&out)
    );

    // A journal entry removed from the ZIP's journal.
    let cut = rewrite_zip(&zip_path, &env.work.join("coupe.zip"), |name, bytes| {
        if name == "journal.json" {
            let mut j: Value = serde_json::from_slice(bytes).unwrap();
            j["entries"].as_array_mut().unwrap().remove(2);
            *bytes = serde_json::to_vec_pretty(&j).unwrap();
        }
    });
    let cut = fix_manifest_journal_hash(&cut, &env.work.join("coupe2.zip"));
    let out = other.vigie(&["incident", "verify", "--dossier", cut.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(8));
    assert!(
        stdout(&out).contains("l'entrée n° 3 du journal a été supprimée"),
        "{}",
        stdout(&out)
    );

    // Two journal entries swapped in the ZIP.
    let swapped = rewrite_zip(&zip_path, &env.work.join("inverse.zip"), |name, bytes| {
        if name == "journal.json" {
            let mut j: Value = serde_json::from_slice(bytes).unwrap();
            let entries = j["entries"].as_array_mut().unwrap();
            entries.swap(1, 2);
            entries[1]["seq"] = 2.into();
            entries[2]["seq"] = 3.into();
            *bytes = serde_json::to_vec_pretty(&j).unwrap();
        }
    });
    let swapped = fix_manifest_journal_hash(&swapped, &env.work.join("inverse2.zip"));
    let out = other.vigie(&["incident", "verify", "--dossier", swapped.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(8));
    assert!(stdout(&out).contains("a été déplacée"), "{}", stdout(&out));

    // A piece of evidence removed from the ZIP.
    let removed = rewrite_zip_filter(&zip_path, &env.work.join("retire.zip"), |name| {
        name != evidence_path
    });
    let out = other.vigie(&["incident", "verify", "--dossier", removed.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(8));
    assert!(
        stdout(&out).contains("a été retiré du dossier"),
        "{}",
        stdout(&out)
    );
}

fn zip_member(path: &Path, name: &str) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(fs::File::open(path).unwrap()).unwrap();
    let mut out = Vec::new();
    archive
        .by_name(name)
        .unwrap()
        .read_to_end(&mut out)
        .unwrap();
    out
}

fn rewrite_zip(src: &Path, dst: &Path, mut edit: impl FnMut(&str, &mut Vec<u8>)) -> PathBuf {
    rewrite_zip_with(src, dst, |name, bytes| {
        edit(name, bytes);
        true
    })
}

fn rewrite_zip_filter(src: &Path, dst: &Path, keep: impl Fn(&str) -> bool) -> PathBuf {
    rewrite_zip_with(src, dst, |name, _| keep(name))
}

/// Copies a ZIP member by member; `edit` may change a member's bytes, and drops it by
/// returning false.
fn rewrite_zip_with(
    src: &Path,
    dst: &Path,
    mut edit: impl FnMut(&str, &mut Vec<u8>) -> bool,
) -> PathBuf {
    let mut archive = zip::ZipArchive::new(fs::File::open(src).unwrap()).unwrap();
    let mut writer = zip::ZipWriter::new(fs::File::create(dst).unwrap());
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().to_owned();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        if !edit(&name, &mut bytes) {
            continue;
        }
        writer
            .start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        writer.write_all(&bytes).unwrap();
    }
    writer.finish().unwrap();
    dst.to_path_buf()
}

/// Rewrites the manifest's journal hash to match the (forged) journal.json.
fn fix_manifest_journal_hash(src: &Path, dst: &Path) -> PathBuf {
    use sha2::Digest;
    let journal = zip_member(src, "journal.json");
    let sha = sha2::Sha256::digest(&journal)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>();
    rewrite_zip(src, dst, |name, bytes| {
        if name == "manifest.json" {
            let mut m: Value = serde_json::from_slice(bytes).unwrap();
            m["journal"]["sha256"] = Value::String(sha.clone());
            m["journal"]["size"] = journal.len().into();
            *bytes = serde_json::to_vec_pretty(&m).unwrap();
        }
    })
}

#[test]
fn a_head_copied_from_a_document_is_checked() {
    let env = Env::new();
    let (id, _) = incident_with_evidence(&env);
    let head = env.json(&["incident", "show", &id, "--format", "json"])["journal_head"].clone();
    let hash = head["hash"].as_str().unwrap();
    let with_length = format!("{hash}:{}", head["length"]);
    assert_eq!(
        env.vigie(&["incident", "verify", &id, "--head", hash])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        env.vigie(&["incident", "verify", &id, "--head", &with_length])
            .status
            .code(),
        Some(0)
    );
    env.ok(&["incident", "note", &id, "Suite de l'incident."]);
    // A journal that grew since still extends the head handed over.
    assert_eq!(
        env.vigie(&["incident", "verify", &id, "--head", &with_length])
            .status
            .code(),
        Some(0)
    );
    let out = env.vigie(&["incident", "verify", &id, "--head", &"ab".repeat(32)]);
    assert_eq!(out.status.code(), Some(8));
    assert!(stdout(&out).contains("réécrit"), "{}", stdout(&out));
    let out = env.vigie(&["incident", "verify", &id, "--head", "pas-une-empreinte"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn an_own_playbook_is_used_and_a_malformed_one_is_named() {
    let env = Env::new();
    let dir = env.data.join("playbooks");
    fs::create_dir_all(&dir).unwrap();
    let shipped = fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/playbooks/faux-support.toml"
    ))
    .unwrap();
    // A newer version of a shipped playbook, with the commune's own title.
    let own = shipped.replacen("title = \"", "title = \"(version de la commune) ", 1);
    fs::write(dir.join("faux-support.toml"), &own).unwrap();
    let out = env.ok(&["incident", "playbooks"]);
    assert!(out.contains("(version de la commune)"), "{out}");

    // A malformed one: the file, the line and the reason; nothing else happens.
    fs::write(dir.join("casse.toml"), "id = \"casse\"\ntitle = [\n").unwrap();
    let out = env.vigie(&[
        "incident",
        "new",
        "--playbook",
        "faux-support",
        "--title",
        "x",
        "--discovered-at",
        "2026-11-26T08:45:00+01:00",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("casse.toml") && err.contains("ligne"), "{err}");
    fs::remove_file(dir.join("casse.toml")).unwrap();
    let list = env.json(&["incident", "list", "--format", "json"]);
    assert_eq!(
        list["incidents"].as_array().unwrap().len(),
        0,
        "rien ne doit être déclaré"
    );
}
