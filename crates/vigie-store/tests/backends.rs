//! Every repository function, against SQLite (a file in a temporary directory) and a real
//! PostgreSQL server (started by `vigie_testkit::Postgres`, i.e. `tests/fixtures/postgres.sh`).
//!
//! Each scenario is one `async fn(&Env)`; the `on_both_backends!` macro at the bottom turns it
//! into two tests, `sqlite::<name>` and `postgres::<name>`. When PostgreSQL is not installed the
//! `postgres::*` tests fail with the fixture's message (`bash tests/fixtures/postgres.sh
//! install`): they never pass silently.

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone as _, Utc};
use serde_json::json;
use sha2::{Digest as _, Sha256};
mod common;

use common::{Env, assert_not_found, two_orgs};
use vigie_store::{
    ChainHead, ContactRecord, Error, GENESIS_HASH, IncidentRecord, LocalBlobStore, NewDocument,
    NewEvidence, NewIncident, NewJournalEntry, OrgId, StepDone, Store,
};

// ---------------------------------------------------------------------------------------------
// Helpers: a toy hash chain (the real one is vigie-incident's; the store only persists it).

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, s)
        .single()
        .expect("valid date")
}

fn toy_hash(prev: &str, seq: u64, text: &str) -> String {
    let digest = Sha256::digest(format!("{prev}|{seq}|{text}").as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// An entry that correctly continues `head`.
fn entry_for(head: &ChainHead, text: &str) -> NewJournalEntry {
    NewJournalEntry {
        // Nanoseconds on purpose: they must survive the round trip.
        at: utc(2026, 3, 4, 9, 15, 0) + Duration::nanoseconds(123_456_789 + head.length as i64),
        actor: "secretariat".to_string(),
        kind: "note".to_string(),
        text: text.to_string(),
        data: json!({"seq": head.next_seq(), "texte": text}),
        prev_hash: head.hash.clone(),
        hash: toy_hash(&head.hash, head.next_seq(), text),
    }
}

fn new_incident(title: &str, declared_at: DateTime<Utc>) -> NewIncident {
    NewIncident {
        playbook_id: "webmail-compromis".to_string(),
        title: title.to_string(),
        description: "Messagerie de la mairie piratée".to_string(),
        declared_by: "secretariat@mairie-exemple.fr".to_string(),
        declared_at,
        discovered_at: declared_at - Duration::hours(3) + Duration::nanoseconds(42),
        personal_data: true,
        details: json!({"nature": "prise de contrôle", "messages_supprimes": 1200}),
        status: "ouvert".to_string(),
    }
}

async fn create(env: &Env, org: &OrgId, title: &str, declared_at: DateTime<Utc>) -> IncidentRecord {
    let (incident, first) = env
        .store
        .create_incident(org, &new_incident(title, declared_at), |rec, head| {
            entry_for(head, &format!("déclaration {}", rec.reference))
        })
        .await
        .expect("create incident");
    assert_eq!(first.seq, 1);
    assert_eq!(first.prev_hash, GENESIS_HASH);
    incident
}

fn sha_of(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Scenarios.

async fn organisations(env: &Env) {
    let s = &env.store;
    let first = s
        .default_organisation("Mairie de Saint-Exemple")
        .await
        .unwrap();
    assert_eq!(first.name, "Mairie de Saint-Exemple");
    assert_eq!(first.profile, json!({}));
    let again = s.default_organisation("Autre nom").await.unwrap();
    assert_eq!(again, first, "the default organisation is created once");

    let other = s.create_organisation("Association des amis").await.unwrap();
    assert_ne!(other.id, first.id);
    assert_eq!(s.default_organisation("x").await.unwrap().id, first.id);

    let profile = json!({
        "siren": "217500016",
        "adresse": "1 place de la Mairie, 00000 Saint-Exemple",
        "region": "Occitanie",
        "representant": {"nom": "Jeanne Maire", "qualite": "maire"},
        "dpo": {"nom": "CDG 31", "email": "dpo@cdg.example"},
        "assureur": "SMACL",
        "numero_police": "P-123",
    });
    s.set_organisation_profile(&first.id, "Commune de Saint-Exemple", &profile)
        .await
        .unwrap();
    let read = s.organisation(&first.id).await.unwrap();
    assert_eq!(read.name, "Commune de Saint-Exemple");
    assert_eq!(read.profile, profile);
    assert_eq!(read.created_at, first.created_at);

    let all = s.list_organisations().await.unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].id, first.id);

    let unknown = OrgId::parse("no-such-org").unwrap();
    assert_not_found(s.organisation(&unknown).await, "organisation");
    assert_not_found(
        s.set_organisation_profile(&unknown, "x", &json!({})).await,
        "set profile",
    );
    assert_not_found(
        s.create_incident(
            &unknown,
            &new_incident("x", utc(2026, 1, 2, 3, 4, 5)),
            |_, h| entry_for(h, "x"),
        )
        .await,
        "incident of an unknown organisation",
    );
    assert!(OrgId::parse("../etc").is_err());
    assert!(OrgId::parse("").is_err());
}

async fn incident_lifecycle(env: &Env) {
    let s = &env.store;
    let org = s.create_organisation("Mairie").await.unwrap().id;
    let declared = utc(2026, 3, 4, 8, 0, 0) + Duration::nanoseconds(987_654_321);
    let new = new_incident("Webmail piraté", declared);
    let (incident, first) = s
        .create_incident(&org, &new, |rec, head| {
            assert_eq!(head, &ChainHead::empty());
            assert_eq!(rec.reference, "INC-2026-0001");
            entry_for(head, "déclaration")
        })
        .await
        .unwrap();
    assert_eq!(incident.reference, "INC-2026-0001");
    assert_eq!(incident.org_id, org);
    assert_eq!(incident.declared_at, declared, "nanoseconds kept");
    assert_eq!(incident.discovered_at, new.discovered_at);
    assert_eq!(incident.details, new.details);
    assert_eq!(incident.closed_at, None);
    assert!(uuid_like(&incident.id));
    assert_eq!(first.incident_id, incident.id);

    let by_id = s.incident(&org, &incident.id).await.unwrap();
    let by_ref = s.incident(&org, "INC-2026-0001").await.unwrap();
    assert_eq!(by_id, incident);
    assert_eq!(by_ref, incident);
    let missing = s.incident(&org, "INC-2026-0007").await.unwrap_err();
    assert_eq!(missing.to_string(), "incident introuvable : INC-2026-0007");

    let mut changed = incident.clone();
    changed.title = "Webmail piraté (confirmé)".to_string();
    changed.description = "Règle de transfert posée par l'attaquant".to_string();
    changed.discovered_at = declared - Duration::days(2);
    changed.personal_data = false;
    changed.details = json!({"plainte": {"reference": "PV-2026-42"}, "cout": 1234.5});
    changed.status = "clos".to_string();
    changed.closed_at = Some(declared + Duration::days(10) + Duration::nanoseconds(1));
    let second = s
        .update_incident(&org, &changed, |head| {
            assert_eq!(head.length, 1);
            assert_eq!(head.hash, first.hash);
            entry_for(head, "clôture")
        })
        .await
        .unwrap();
    assert_eq!(second.seq, 2);
    assert_eq!(s.incident(&org, &incident.id).await.unwrap(), changed);

    let third = s
        .append_journal(&org, &incident.id, |head| entry_for(head, "note libre"))
        .await
        .unwrap();
    assert_eq!(third.seq, 3);
    let journal = s.journal(&org, &incident.id).await.unwrap();
    assert_eq!(journal, vec![first.clone(), second.clone(), third.clone()]);
    assert_chain(&journal);
    let head = s.journal_head(&org, &incident.id).await.unwrap();
    assert_eq!(
        head,
        ChainHead {
            length: 3,
            hash: third.hash.clone()
        }
    );

    let second_incident = create(env, &org, "Faux RIB", declared + Duration::hours(1)).await;
    let list = s.list_incidents(&org).await.unwrap();
    assert_eq!(
        list.iter()
            .map(|i| i.reference.as_str())
            .collect::<Vec<_>>(),
        ["INC-2026-0001", "INC-2026-0002"]
    );
    assert_eq!(list[1], second_incident);
}

fn uuid_like(id: &str) -> bool {
    id.len() == 36 && id.chars().filter(|c| *c == '-').count() == 4
}

fn assert_chain(journal: &[vigie_store::JournalEntryRecord]) {
    let mut head = ChainHead::empty();
    for (i, e) in journal.iter().enumerate() {
        assert_eq!(e.seq, i as u64 + 1, "seq of entry {i}");
        assert_eq!(e.prev_hash, head.hash, "prev_hash of seq {}", e.seq);
        assert_eq!(
            e.hash,
            toy_hash(&head.hash, e.seq, &e.text),
            "hash of seq {}",
            e.seq
        );
        head = ChainHead {
            length: e.seq,
            hash: e.hash.clone(),
        };
    }
}

async fn tenant_isolation(env: &Env) {
    let s = &env.store;
    let (a, b) = two_orgs(env).await;
    let incident = create(env, &a, "Incident de A", utc(2026, 5, 1, 10, 0, 0)).await;
    let ev = NewEvidence {
        sha256: sha_of("preuve"),
        size: 6,
        media_type: "text/plain".to_string(),
        original_name: "preuve.txt".to_string(),
        description: "capture".to_string(),
        collected_by: "maire".to_string(),
        collected_at: utc(2026, 5, 1, 11, 0, 0),
    };
    s.add_evidence(&a, &incident.id, &ev, |h| entry_for(h, "preuve"))
        .await
        .unwrap();
    let journal_before = s.journal(&a, &incident.id).await.unwrap();

    // B sees nothing of A's, by id or by reference.
    assert_not_found(
        s.incident(&b, &incident.id).await,
        "B reads A's incident by id",
    );
    assert_not_found(
        s.incident(&b, &incident.reference).await,
        "B reads by reference",
    );
    assert!(s.list_incidents(&b).await.unwrap().is_empty());
    assert_not_found(s.journal(&b, &incident.id).await, "B reads A's journal");
    assert_not_found(s.journal_head(&b, &incident.id).await, "B reads A's head");
    assert_not_found(s.steps_done(&b, &incident.id).await, "B reads A's steps");
    assert_not_found(s.evidence(&b, &incident.id).await, "B reads A's evidence");
    assert_not_found(
        s.documents(&b, Some(&incident.id)).await,
        "B reads A's documents",
    );

    // B cannot write to it either; its closure is never even called.
    let mut hijacked = incident.clone();
    hijacked.title = "pris par B".to_string();
    hijacked.org_id = b.clone();
    assert_not_found(
        s.update_incident(&b, &hijacked, |_| panic!("closure called for another org"))
            .await,
        "B updates A's incident",
    );
    assert_not_found(
        s.append_journal(&b, &incident.id, |_| {
            panic!("closure called for another org")
        })
        .await,
        "B appends to A's journal",
    );
    let step = StepDone {
        step_id: "changer-mot-de-passe".to_string(),
        done_by: "b".to_string(),
        done_at: utc(2026, 5, 2, 0, 0, 0),
        note: String::new(),
    };
    assert_not_found(
        s.record_step(&b, &incident.id, &step, |_| panic!("closure called"))
            .await,
        "B records a step on A's incident",
    );
    assert_not_found(
        s.add_evidence(&b, &incident.id, &ev, |_| panic!("closure called"))
            .await,
        "B adds evidence to A's incident",
    );
    let doc = NewDocument {
        kind: "plainte".to_string(),
        sha256: sha_of("plainte"),
        produced_at: utc(2026, 5, 3, 0, 0, 0),
        produced_by: "b".to_string(),
    };
    assert_not_found(
        s.record_document(&b, Some(&incident.id), &doc, |_| panic!("closure called"))
            .await,
        "B records a document on A's incident",
    );

    // Nothing changed for A.
    assert_eq!(s.incident(&a, &incident.id).await.unwrap(), incident);
    assert_eq!(s.journal(&a, &incident.id).await.unwrap(), journal_before);
    assert!(s.steps_done(&a, &incident.id).await.unwrap().is_empty());
    assert!(s.documents(&a, None).await.unwrap().is_empty());
    assert!(s.documents(&b, None).await.unwrap().is_empty());

    // Contacts: same id in both directories, two different rows.
    let mut contact = ContactRecord {
        id: "assureur".to_string(),
        role: "assureur".to_string(),
        name: "Assureur de A".to_string(),
        phone: Some("05 00 00 00 00".to_string()),
        email: None,
        website: None,
        notes: None,
        policy_number: Some("A-1".to_string()),
        verified_at: None,
    };
    s.upsert_contact(&a, &contact).await.unwrap();
    contact.name = "Assureur de B".to_string();
    contact.policy_number = Some("B-2".to_string());
    s.upsert_contact(&b, &contact).await.unwrap();
    assert_eq!(s.list_contacts(&a).await.unwrap()[0].name, "Assureur de A");
    assert_eq!(s.list_contacts(&b).await.unwrap()[0].name, "Assureur de B");
    s.delete_contact(&b, "assureur").await.unwrap();
    assert!(s.list_contacts(&b).await.unwrap().is_empty());
    assert_eq!(
        s.list_contacts(&a).await.unwrap().len(),
        1,
        "A's contact kept"
    );
    assert_not_found(s.delete_contact(&b, "assureur").await, "delete twice");
    assert_not_found(
        s.mark_contact_verified(&b, "assureur", utc(2026, 1, 1, 0, 0, 0))
            .await,
        "B verifies A's contact",
    );
}

async fn chain_rules(env: &Env) {
    let s = &env.store;
    let org = s.create_organisation("Mairie").await.unwrap().id;
    let incident = create(env, &org, "Chaîne", utc(2026, 6, 1, 0, 0, 0)).await;
    let head = s.journal_head(&org, &incident.id).await.unwrap();

    // prev_hash that is not the head: refused, nothing written.
    let err = s
        .append_journal(&org, &incident.id, |h| {
            let mut e = entry_for(h, "mauvais chaînage");
            e.prev_hash = GENESIS_HASH.to_string();
            e
        })
        .await
        .unwrap_err();
    assert!(matches!(err, Error::ChainMismatch { .. }), "{err:?}");
    assert!(err.to_string().contains("relisez le journal"), "{err}");
    assert_eq!(s.journal_head(&org, &incident.id).await.unwrap(), head);
    assert_eq!(s.journal(&org, &incident.id).await.unwrap().len(), 1);

    // An empty hash is refused too.
    let err = s
        .append_journal(&org, &incident.id, |h| {
            let mut e = entry_for(h, "sans empreinte");
            e.hash = String::new();
            e
        })
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Invalid { .. }), "{err:?}");

    // A change and its entry are one: a refused entry leaves the incident untouched...
    let mut changed = incident.clone();
    changed.status = "clos".to_string();
    let err = s
        .update_incident(&org, &changed, |h| {
            let mut e = entry_for(h, "x");
            e.prev_hash = "f".repeat(64);
            e
        })
        .await
        .unwrap_err();
    assert!(matches!(err, Error::ChainMismatch { .. }), "{err:?}");
    assert_eq!(
        s.incident(&org, &incident.id).await.unwrap().status,
        "ouvert"
    );

    // ...and no step, evidence or document is recorded without its entry.
    let step = StepDone {
        step_id: "s1".to_string(),
        done_by: "x".to_string(),
        done_at: utc(2026, 6, 1, 1, 0, 0),
        note: "fait".to_string(),
    };
    let stale = |h: &ChainHead| {
        let mut e = entry_for(h, "x");
        e.prev_hash = "e".repeat(64);
        e
    };
    assert!(
        s.record_step(&org, &incident.id, &step, stale)
            .await
            .is_err()
    );
    assert!(s.steps_done(&org, &incident.id).await.unwrap().is_empty());
    let ev = NewEvidence {
        sha256: sha_of("x"),
        size: 1,
        media_type: "text/plain".to_string(),
        original_name: "x".to_string(),
        description: String::new(),
        collected_by: "x".to_string(),
        collected_at: utc(2026, 6, 1, 1, 0, 0),
    };
    assert!(
        s.add_evidence(&org, &incident.id, &ev, stale)
            .await
            .is_err()
    );
    assert!(s.evidence(&org, &incident.id).await.unwrap().is_empty());
    let doc = NewDocument {
        kind: "plainte".to_string(),
        sha256: sha_of("doc"),
        produced_at: utc(2026, 6, 1, 2, 0, 0),
        produced_by: "x".to_string(),
    };
    assert!(
        s.record_document(&org, Some(&incident.id), &doc, stale)
            .await
            .is_err()
    );
    assert!(s.documents(&org, None).await.unwrap().is_empty());
    assert_eq!(s.journal_head(&org, &incident.id).await.unwrap(), head);

    // Unknown incident: NotFound, not an empty chain.
    assert_not_found(
        s.append_journal(&org, "00000000-0000-0000-0000-000000000000", |h| {
            entry_for(h, "x")
        })
        .await,
        "append to unknown incident",
    );
}

async fn concurrent_appends(env: &Env) {
    let s = &env.store;
    let org = s.create_organisation("Mairie").await.unwrap().id;
    let incident = create(env, &org, "Concurrence", utc(2026, 7, 1, 0, 0, 0)).await;

    // 8 tasks x 5 appends, each computing its entry from the head the store hands it: all
    // succeed, the chain is gapless and consistent.
    let tasks = 8;
    let per_task = 5;
    let mut handles = Vec::new();
    for t in 0..tasks {
        let store = s.clone();
        let org = org.clone();
        let id = incident.id.clone();
        handles.push(tokio::spawn(async move {
            for i in 0..per_task {
                store
                    .append_journal(&org, &id, |h| entry_for(h, &format!("tâche {t} n°{i}")))
                    .await
                    .expect("append");
            }
        }));
    }
    for h in handles {
        h.await.expect("task");
    }
    let journal = s.journal(&org, &incident.id).await.unwrap();
    assert_eq!(journal.len(), 1 + tasks * per_task);
    assert_chain(&journal);
    let head = s.journal_head(&org, &incident.id).await.unwrap();
    assert_eq!(head.length, journal.len() as u64);
    assert_eq!(Some(&head.hash), journal.last().map(|e| &e.hash));

    // Racing writers that computed their entries from the same (soon stale) head: exactly one
    // wins, the others are refused; never two entries with the same seq.
    let stale_head = s.journal_head(&org, &incident.id).await.unwrap();
    let racers = 6;
    let barrier = Arc::new(tokio::sync::Barrier::new(racers));
    let mut handles = Vec::new();
    for r in 0..racers {
        let store = s.clone();
        let org = org.clone();
        let id = incident.id.clone();
        let stale_head = stale_head.clone();
        let barrier = barrier.clone();
        handles.push(tokio::spawn(async move {
            barrier.wait().await;
            store
                .append_journal(&org, &id, |_current| {
                    entry_for(&stale_head, &format!("coureur {r}"))
                })
                .await
        }));
    }
    let mut won = 0;
    for h in handles {
        match h.await.expect("task") {
            Ok(e) => {
                won += 1;
                assert_eq!(e.seq, stale_head.length + 1);
            }
            Err(Error::ChainMismatch { .. }) => {}
            Err(e) => panic!("unexpected error: {e}"),
        }
    }
    assert_eq!(won, 1, "exactly one racer appends");
    let journal = s.journal(&org, &incident.id).await.unwrap();
    assert_eq!(journal.len() as u64, stale_head.length + 1);
    assert_chain(&journal);

    // Concurrent updates of the incident serialize the same way.
    let mut handles = Vec::new();
    for r in 0..4 {
        let store = s.clone();
        let org = org.clone();
        let mut changed = incident.clone();
        changed.status = format!("statut {r}");
        handles.push(tokio::spawn(async move {
            store
                .update_incident(&org, &changed, |h| entry_for(h, &format!("statut {r}")))
                .await
                .expect("update")
        }));
    }
    let mut seqs = BTreeSet::new();
    for h in handles {
        seqs.insert(h.await.expect("task").seq);
    }
    assert_eq!(seqs.len(), 4, "distinct seqs: {seqs:?}");
    assert_chain(&s.journal(&org, &incident.id).await.unwrap());
}

async fn reference_numbering(env: &Env) {
    let s = &env.store;
    let (a, b) = two_orgs(env).await;
    let r = |i: &IncidentRecord| i.reference.clone();
    assert_eq!(
        r(&create(env, &a, "1", utc(2026, 1, 10, 0, 0, 0)).await),
        "INC-2026-0001"
    );
    assert_eq!(
        r(&create(env, &a, "2", utc(2026, 2, 10, 0, 0, 0)).await),
        "INC-2026-0002"
    );
    // Per organisation.
    assert_eq!(
        r(&create(env, &b, "1", utc(2026, 3, 10, 0, 0, 0)).await),
        "INC-2026-0001"
    );
    // Per year, restarting at 0001.
    assert_eq!(
        r(&create(env, &a, "3", utc(2027, 1, 5, 0, 0, 0)).await),
        "INC-2027-0001"
    );
    // The year is the one in France: 31 Dec 23:30 UTC is already 1 January in Paris.
    assert_eq!(
        r(&create(env, &a, "4", utc(2026, 12, 31, 23, 30, 0)).await),
        "INC-2027-0002"
    );
    // Back in 2026: continues that year's numbering.
    assert_eq!(
        r(&create(env, &a, "5", utc(2026, 6, 1, 0, 0, 0)).await),
        "INC-2026-0003"
    );

    // Concurrent creations in one organisation get distinct, gapless numbers.
    let c = s.create_organisation("Mairie C").await.unwrap().id;
    let mut handles = Vec::new();
    for i in 0..8 {
        let store = s.clone();
        let c = c.clone();
        handles.push(tokio::spawn(async move {
            let new = new_incident(&format!("c{i}"), utc(2026, 9, 1, 0, 0, 0));
            store
                .create_incident(&c, &new, |_, h| entry_for(h, "déclaration"))
                .await
                .expect("concurrent create")
                .0
                .reference
        }));
    }
    let mut refs = BTreeSet::new();
    for h in handles {
        refs.insert(h.await.expect("task"));
    }
    let expected: BTreeSet<String> = (1..=8).map(|n| format!("INC-2026-{n:04}")).collect();
    assert_eq!(refs, expected);
}

async fn steps_evidence_documents(env: &Env) {
    let s = &env.store;
    let org = s.create_organisation("Mairie").await.unwrap().id;
    let incident = create(env, &org, "Preuves", utc(2026, 4, 1, 0, 0, 0)).await;

    // Steps.
    let step = StepDone {
        step_id: "changer-mot-de-passe".to_string(),
        done_by: "secretariat".to_string(),
        done_at: utc(2026, 4, 1, 1, 0, 0) + Duration::nanoseconds(5),
        note: "mot de passe changé, 2FA activée".to_string(),
    };
    let entry = s
        .record_step(&org, &incident.id, &step, |h| entry_for(h, "étape"))
        .await
        .unwrap();
    assert_eq!(entry.seq, 2);
    let err = s
        .record_step(&org, &incident.id, &step, |h| entry_for(h, "étape bis"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::AlreadyExists { .. }), "{err:?}");
    assert_eq!(s.journal_head(&org, &incident.id).await.unwrap().length, 2);
    let step2 = StepDone {
        step_id: "prevenir-banque".to_string(),
        done_at: utc(2026, 4, 1, 2, 0, 0),
        ..step.clone()
    };
    s.record_step(&org, &incident.id, &step2, |h| entry_for(h, "étape 2"))
        .await
        .unwrap();
    let steps = s.steps_done(&org, &incident.id).await.unwrap();
    assert_eq!(
        steps.iter().map(|x| x.step_id.as_str()).collect::<Vec<_>>(),
        ["changer-mot-de-passe", "prevenir-banque"]
    );
    assert_eq!(steps[0].done_at, step.done_at);
    assert_eq!(steps[0].note, step.note);
    assert_eq!(steps[0].org_id, org);

    // Evidence, through the blob store.
    let blobs_dir = tempfile::tempdir().unwrap();
    let blobs = LocalBlobStore::new(blobs_dir.path().join("evidence")).unwrap();
    let content = b"From: attaquant@example.net\r\nSubject: RIB\r\n\r\nNouveau RIB".to_vec();
    let blob = blobs.put_stream(&content[..]).unwrap();
    let ev = NewEvidence {
        sha256: blob.sha256.clone(),
        size: blob.size,
        media_type: "message/rfc822".to_string(),
        original_name: "faux-rib.eml".to_string(),
        description: "Message de l'attaquant".to_string(),
        collected_by: "secretariat".to_string(),
        collected_at: utc(2026, 4, 1, 3, 0, 0),
    };
    let (record, entry) = s
        .add_evidence(&org, &incident.id, &ev, |h| entry_for(h, "preuve"))
        .await
        .unwrap();
    assert_eq!(record.added_at, entry.at);
    assert_eq!(record.size, content.len() as u64);
    assert!(uuid_like(&record.id));
    // The same content may be evidence twice (two items, one blob).
    s.add_evidence(&org, &incident.id, &ev, |h| entry_for(h, "preuve bis"))
        .await
        .unwrap();
    let evidence = s.evidence(&org, &incident.id).await.unwrap();
    assert_eq!(evidence.len(), 2);
    assert_eq!(evidence[0], record);
    let bad = NewEvidence {
        sha256: "../../etc/passwd".to_string(),
        ..ev.clone()
    };
    assert!(matches!(
        s.add_evidence(&org, &incident.id, &bad, |_| panic!("closure called"))
            .await,
        Err(Error::Invalid { .. })
    ));

    // Documents: with an incident (journaled) and organisation-level (not journaled).
    let doc = NewDocument {
        kind: "plainte".to_string(),
        sha256: sha_of("plainte.pdf"),
        produced_at: utc(2026, 4, 2, 0, 0, 0),
        produced_by: "maire".to_string(),
    };
    let (d1, e1) = s
        .record_document(&org, Some(&incident.id), &doc, |h| entry_for(h, "document"))
        .await
        .unwrap();
    assert_eq!(d1.incident_id.as_deref(), Some(incident.id.as_str()));
    assert!(e1.is_some());
    let register = NewDocument {
        kind: "registre-traitements".to_string(),
        produced_at: utc(2026, 4, 3, 0, 0, 0),
        ..doc.clone()
    };
    let (d2, e2) = s
        .record_document(&org, None, &register, |_| {
            panic!("no journal without incident")
        })
        .await
        .unwrap();
    assert_eq!(d2.incident_id, None);
    assert!(e2.is_none());
    assert_eq!(
        s.documents(&org, Some(&incident.id)).await.unwrap(),
        vec![d1.clone()]
    );
    assert_eq!(s.documents(&org, None).await.unwrap(), vec![d1, d2]);

    // The organisation-wide reads (the incident list in a fixed number of queries) give the
    // same rows, and nothing of another organisation.
    let other = s.create_organisation("Autre mairie").await.unwrap().id;
    let other_incident = create(env, &other, "Autre", utc(2026, 4, 1, 0, 0, 0)).await;
    s.record_step(&other, &other_incident.id, &step, |h| entry_for(h, "autre"))
        .await
        .unwrap();
    assert_eq!(s.all_steps_done(&org).await.unwrap(), steps);
    assert_eq!(s.all_evidence(&org).await.unwrap(), evidence);
    let heads = s.journal_heads(&org).await.unwrap();
    assert_eq!(
        heads,
        vec![(
            incident.id.clone(),
            s.journal_head(&org, &incident.id).await.unwrap()
        )]
    );
    assert_eq!(s.all_steps_done(&other).await.unwrap().len(), 1);
    assert!(s.all_evidence(&other).await.unwrap().is_empty());

    let ghost = OrgId::parse("ghost").unwrap();
    assert_not_found(
        s.record_document(&ghost, None, &register, |_| panic!("closure called"))
            .await,
        "document of an unknown organisation",
    );

    let journal = s.journal(&org, &incident.id).await.unwrap();
    assert_eq!(journal.len(), 6);
    assert_chain(&journal);
}

async fn contacts(env: &Env) {
    let s = &env.store;
    let org = s.create_organisation("Mairie").await.unwrap().id;
    let insurer = ContactRecord {
        id: "assureur".to_string(),
        role: "assureur".to_string(),
        name: "SMACL".to_string(),
        phone: Some("05 49 00 00 00".to_string()),
        email: Some("sinistres@assureur.example".to_string()),
        website: Some("https://assureur.example".to_string()),
        notes: Some("déclarer sous 5 jours ouvrés".to_string()),
        policy_number: Some("P-123".to_string()),
        verified_at: None,
    };
    let provider = ContactRecord {
        id: "prestataire".to_string(),
        role: "prestataire".to_string(),
        name: "Info Services".to_string(),
        phone: None,
        email: None,
        website: None,
        notes: None,
        policy_number: None,
        verified_at: Some(utc(2025, 12, 1, 0, 0, 0)),
    };
    s.upsert_contact(&org, &provider).await.unwrap();
    s.upsert_contact(&org, &insurer).await.unwrap();
    assert_eq!(
        s.list_contacts(&org).await.unwrap(),
        vec![insurer.clone(), provider.clone()]
    );

    let mut updated = insurer.clone();
    updated.phone = None;
    updated.name = "SMACL Assurances".to_string();
    s.upsert_contact(&org, &updated).await.unwrap();
    let at = utc(2026, 2, 3, 4, 5, 6) + Duration::nanoseconds(7);
    s.mark_contact_verified(&org, "assureur", at).await.unwrap();
    let list = s.list_contacts(&org).await.unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].name, "SMACL Assurances");
    assert_eq!(list[0].phone, None);
    assert_eq!(list[0].verified_at, Some(at));

    s.delete_contact(&org, "prestataire").await.unwrap();
    assert_eq!(s.list_contacts(&org).await.unwrap().len(), 1);
    assert_not_found(s.delete_contact(&org, "prestataire").await, "deleted twice");
    assert_not_found(
        s.mark_contact_verified(&org, "inconnu", at).await,
        "verify unknown",
    );
    let empty_id = ContactRecord {
        id: " ".to_string(),
        ..insurer.clone()
    };
    assert!(matches!(
        s.upsert_contact(&org, &empty_id).await,
        Err(Error::Invalid { .. })
    ));
    assert_not_found(
        s.upsert_contact(&OrgId::parse("ghost").unwrap(), &insurer)
            .await,
        "contact of an unknown organisation",
    );
}

/// The head is kept apart from the rows: an entry deleted behind Vigie's back (here with plain
/// SQL, as an attacker with database access would) leaves a head that no longer matches.
async fn deleted_tail_is_detectable(env: &Env) {
    let s = &env.store;
    let org = s.create_organisation("Mairie").await.unwrap().id;
    let incident = create(env, &org, "Falsification", utc(2026, 8, 1, 0, 0, 0)).await;
    for i in 0..3 {
        s.append_journal(&org, &incident.id, |h| entry_for(h, &format!("n°{i}")))
            .await
            .unwrap();
    }
    sqlx::any::install_default_drivers();
    let raw = sqlx::AnyPool::connect(&env.url)
        .await
        .expect("raw connection");
    sqlx::query("DELETE FROM journal_entries WHERE incident_id = $1 AND seq = 4")
        .bind(&incident.id)
        .execute(&raw)
        .await
        .expect("raw delete");
    raw.close().await;

    let journal = s.journal(&org, &incident.id).await.unwrap();
    let head = s.journal_head(&org, &incident.id).await.unwrap();
    assert_eq!(journal.len(), 3);
    assert_eq!(head.length, 4, "the head still says 4 entries");
    assert_ne!(journal.last().map(|e| &e.hash), Some(&head.hash));
    // And the next append cannot paper over the gap: the head is where it was.
    let e = s
        .append_journal(&org, &incident.id, |h| entry_for(h, "après"))
        .await
        .unwrap();
    assert_eq!(e.seq, 5);
}

/// Reopening runs the migrations again (a no-op) and finds the data.
async fn reopen(env: &Env) {
    let org = env.store.default_organisation("Mairie").await.unwrap();
    let incident = create(env, &org.id, "Persistant", utc(2026, 1, 1, 12, 0, 0)).await;
    let again = Store::open(&env.url).await.expect("reopen");
    assert_eq!(again.default_organisation("autre").await.unwrap(), org);
    assert_eq!(
        again.incident(&org.id, &incident.reference).await.unwrap(),
        incident
    );
    again.close().await;
}

// ---------------------------------------------------------------------------------------------

on_both_backends!(
    organisations,
    incident_lifecycle,
    tenant_isolation,
    chain_rules,
    concurrent_appends,
    reference_numbering,
    steps_evidence_documents,
    contacts,
    deleted_tail_is_detectable,
    reopen,
);

// ---------------------------------------------------------------------------------------------
// Opening errors: French, actionable, no password.

#[tokio::test]
async fn unreachable_postgres_message_hides_the_password() {
    // Port 1 on loopback: nothing listens there, the connection is refused at once.
    let err = Store::open("postgres://vigie:Tr3s-S3cret@127.0.0.1:1/vigie")
        .await
        .unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, Error::Unreachable { .. }), "{err:?}");
    assert!(
        message.starts_with("base de données inaccessible : "),
        "{message}"
    );
    assert!(message.contains("vérifiez"), "{message}");
    assert!(
        message.contains("postgres://vigie:***@127.0.0.1:1/vigie"),
        "{message}"
    );
    assert!(!message.contains("Tr3s-S3cret"), "{message}");
    assert!(!format!("{err:?}").contains("Tr3s-S3cret"));
}

#[tokio::test]
async fn unknown_url_scheme_is_refused() {
    let err = Store::open("mysql://root:pw@localhost/vigie")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidUrl { .. }), "{err:?}");
    assert!(!err.to_string().contains(":pw@"), "{err}");
}

#[tokio::test]
async fn sqlite_url_without_create_mode_needs_an_existing_file() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("absent.db");
    let err = Store::open(&format!("sqlite://{}", missing.display()))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Unreachable { .. }), "{err:?}");
    assert!(!missing.exists());
    // With mode=rwc it is created.
    let store = Store::open(&format!("sqlite://{}?mode=rwc", missing.display()))
        .await
        .unwrap();
    store.close().await;
    assert!(missing.is_file());
}

#[tokio::test]
async fn wrong_postgres_password_is_reported_without_it() {
    let pg = tokio::task::spawn_blocking(vigie_testkit::Postgres::start)
        .await
        .expect("join")
        .unwrap_or_else(|e| panic!("{e}"));
    let url = pg
        .url()
        .replace(vigie_testkit::postgres::PASSWORD, "Mauvais-Secret-99");
    let err = Store::open(&url).await.unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, Error::Unreachable { .. }), "{err:?}");
    assert!(
        message.contains("password authentication failed"),
        "{message}"
    );
    assert!(message.contains("mot de passe"), "{message}");
    assert!(!message.contains("Mauvais-Secret-99"), "{message}");
}

/// `sqlite::memory:` is one private database per store, shared by every query of that store.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_memory_sqlite_store() {
    let store = Store::open("sqlite::memory:").await.unwrap();
    let other = Store::open("sqlite::memory:").await.unwrap();
    let org = store.default_organisation("Mairie").await.unwrap();
    let incident = create_in(&store, &org.id).await;
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let store = store.clone();
            let org = org.id.clone();
            let id = incident.id.clone();
            tokio::spawn(async move {
                store
                    .append_journal(&org, &id, |h| entry_for(h, &format!("n°{i}")))
                    .await
                    .expect("append")
            })
        })
        .collect();
    for h in handles {
        h.await.unwrap();
    }
    assert_chain(&store.journal(&org.id, &incident.id).await.unwrap());
    assert!(other.list_organisations().await.unwrap().is_empty());
}

async fn create_in(store: &Store, org: &OrgId) -> IncidentRecord {
    store
        .create_incident(org, &new_incident("t", utc(2026, 1, 1, 0, 0, 0)), |_, h| {
            entry_for(h, "déclaration")
        })
        .await
        .unwrap()
        .0
}

/// The web application needs `Send` futures and a `Send + Sync + Clone` store.
#[allow(dead_code)]
fn futures_are_send(store: Store, org: OrgId) {
    fn send<T: Send>(_: T) {}
    fn shared<T: Send + Sync + Clone + 'static>() {}
    shared::<Store>();
    send(store.append_journal(&org, "x", |h| entry_for(h, "x")));
    send(
        store.create_incident(&org, &new_incident("x", Utc::now()), |_, h| {
            entry_for(h, "x")
        }),
    );
    send(store.list_incidents(&org));
}
