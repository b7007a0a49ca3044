//! IT providers and the organisations they support, against SQLite and a real PostgreSQL:
//! linking, the access it gives the provider's staff (and to whom not), ending it, and the
//! refusals that keep the model simple (no nesting, one current provider per organisation).

mod common;

use chrono::{Duration, Utc};
use common::{Env, assert_not_found};
use vigie_store::{
    Error, FirstAdministrator, NewSession, NewUser, OrgId, OrgKind, Role, SessionStage, UserRecord,
};

async fn user(env: &Env, email: &str) -> UserRecord {
    env.store
        .create_user(&NewUser {
            email: email.into(),
            display_name: email.into(),
            password_hash: "$argon2id$fictif".into(),
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

/// `(organisation, role, via_provider)` of each place the user works, sorted.
async fn places(env: &Env, user: &UserRecord) -> Vec<(OrgId, Role, Option<OrgId>)> {
    let mut out: Vec<_> = env
        .store
        .memberships(&user.id)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|m| (m.org_id, m.role, m.via_provider))
        .collect();
    out.sort_by(|a, b| a.0.as_str().cmp(b.0.as_str()));
    out
}

fn sorted(mut v: Vec<(OrgId, Role, Option<OrgId>)>) -> Vec<(OrgId, Role, Option<OrgId>)> {
    v.sort_by(|a, b| a.0.as_str().cmp(b.0.as_str()));
    v
}

async fn provider_staff_work_in_linked_organisations(env: &Env) {
    let store = &env.store;
    let provider = store
        .create_organisation_of_kind("Infogérance Bourgogne", OrgKind::Prestataire)
        .await
        .unwrap();
    assert_eq!(provider.kind, OrgKind::Prestataire);
    let commune_a = store.create_organisation("Mairie A").await.unwrap();
    assert_eq!(commune_a.kind, OrgKind::Commune);
    let commune_b = store.create_organisation("Mairie B").await.unwrap();
    let unrelated = store.create_organisation("Mairie C").await.unwrap();
    assert_eq!(
        store.organisation(&provider.id).await.unwrap().kind,
        OrgKind::Prestataire,
        "the kind is stored"
    );

    let boss = user(env, "direction@infogerance.fr").await;
    let technician = user(env, "technicien@infogerance.fr").await;
    let trainee = user(env, "stagiaire@infogerance.fr").await;
    let secretary = user(env, "secretariat@mairie-a.fr").await;
    store
        .set_membership(&provider.id, &boss.id, Role::Administrateur)
        .await
        .unwrap();
    store
        .set_membership(&provider.id, &technician.id, Role::Agent)
        .await
        .unwrap();
    // An élu of the provider's own organisation (read-only there) gets no access to communes.
    store
        .set_membership(&provider.id, &trainee.id, Role::Elu)
        .await
        .unwrap();
    store
        .set_membership(&commune_a.id, &secretary.id, Role::Administrateur)
        .await
        .unwrap();
    // The technician is also a member of commune B in their own right (as administrator).
    store
        .set_membership(&commune_b.id, &technician.id, Role::Administrateur)
        .await
        .unwrap();

    // Before any link: only their own memberships.
    assert_eq!(
        places(env, &boss).await,
        vec![(provider.id.clone(), Role::Administrateur, None)]
    );
    assert!(
        store
            .current_provider(&commune_a.id)
            .await
            .unwrap()
            .is_none()
    );

    let at = Utc::now();
    let link_a = store
        .link_provider(&provider.id, &commune_a.id, "Claire Martin", at)
        .await
        .unwrap();
    assert_eq!(
        (link_a.provider_name.as_str(), link_a.org_name.as_str()),
        ("Infogérance Bourgogne", "Mairie A")
    );
    assert_eq!(link_a.linked_by, "Claire Martin");
    assert_eq!(link_a.linked_at, at);
    assert!(link_a.ended_at.is_none());
    store
        .link_provider(&provider.id, &commune_b.id, "Paul Durand", at)
        .await
        .unwrap();

    // The provider's administrators and agents work in each linked commune as prestataire...
    let via = Some(provider.id.clone());
    assert_eq!(
        places(env, &boss).await,
        sorted(vec![
            (provider.id.clone(), Role::Administrateur, None),
            (commune_a.id.clone(), Role::Prestataire, via.clone()),
            (commune_b.id.clone(), Role::Prestataire, via.clone()),
        ])
    );
    // ...but a role of their own wins (the technician stays administrator of B)...
    assert_eq!(
        places(env, &technician).await,
        sorted(vec![
            (provider.id.clone(), Role::Agent, None),
            (commune_a.id.clone(), Role::Prestataire, via.clone()),
            (commune_b.id.clone(), Role::Administrateur, None),
        ])
    );
    // ...an élu of the provider gets nothing, the commune's own staff see no provider
    // organisation, and the unrelated commune is nobody's business.
    assert_eq!(
        places(env, &trainee).await,
        vec![(provider.id.clone(), Role::Elu, None)]
    );
    assert_eq!(
        places(env, &secretary).await,
        vec![(commune_a.id.clone(), Role::Administrateur, None)]
    );
    for u in [&boss, &technician, &trainee, &secretary] {
        assert!(
            !places(env, u).await.iter().any(|p| p.0 == unrelated.id),
            "{} must not reach the unrelated commune",
            u.email
        );
    }
    // The commune's member list holds its own members only: the provider's staff are shown
    // through the link, not as members.
    let members = store.members(&commune_a.id).await.unwrap();
    assert_eq!(members.len(), 1);
    assert_eq!(members[0].1.id, secretary.id);

    // A session can move to a linked commune, not to another one.
    store
        .create_session(&NewSession {
            id_hash: "session-boss",
            user_id: &boss.id,
            org_id: Some(&provider.id),
            stage: SessionStage::Full,
            csrf_token: "csrf",
            now: at,
            expires_at: at + Duration::hours(8),
            ip: "127.0.0.1",
            user_agent: "test",
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    store
        .switch_session_org("session-boss", &boss.id, &commune_a.id)
        .await
        .unwrap();
    assert_not_found(
        store
            .switch_session_org("session-boss", &boss.id, &unrelated.id)
            .await,
        "switch to an unrelated commune",
    );

    // The provider's list: both communes, current.
    let links = store.provider_links(&provider.id).await.unwrap();
    assert_eq!(
        links
            .iter()
            .map(|l| (l.org_name.as_str(), l.ended_at.is_none()))
            .collect::<Vec<_>>(),
        vec![("Mairie A", true), ("Mairie B", true)]
    );

    // Commune A ends the link: the provider's staff lose it at once; the link is kept.
    let later = at + Duration::minutes(5);
    let ended = store
        .end_provider_link(&commune_a.id, "Claire Martin", later)
        .await
        .unwrap();
    assert_eq!(ended.ended_at, Some(later));
    assert_eq!(ended.ended_by.as_deref(), Some("Claire Martin"));
    assert!(
        store
            .current_provider(&commune_a.id)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        !places(env, &boss).await.iter().any(|p| p.0 == commune_a.id),
        "access ends with the link"
    );
    assert_not_found(
        store
            .switch_session_org("session-boss", &boss.id, &commune_a.id)
            .await,
        "switch back to a commune that ended the link",
    );
    assert_not_found(
        store
            .end_provider_link(&commune_a.id, "Claire Martin", later)
            .await,
        "end a link that is no more",
    );
    let links = store.provider_links(&provider.id).await.unwrap();
    assert_eq!(
        links
            .iter()
            .map(|l| (l.org_name.as_str(), l.ended_at.is_none()))
            .collect::<Vec<_>>(),
        vec![("Mairie B", true), ("Mairie A", false)],
        "current links first, ended ones kept"
    );
    // And it can be linked again later (a new link, the old one kept).
    store
        .link_provider(&provider.id, &commune_a.id, "Claire Martin", later)
        .await
        .unwrap();
    assert_eq!(store.provider_links(&provider.id).await.unwrap().len(), 3);
    assert!(places(env, &boss).await.iter().any(|p| p.0 == commune_a.id));
}

async fn links_that_are_refused(env: &Env) {
    let store = &env.store;
    let provider = store
        .create_organisation_of_kind("Prestataire 1", OrgKind::Prestataire)
        .await
        .unwrap();
    let other_provider = store
        .create_organisation_of_kind("Prestataire 2", OrgKind::Prestataire)
        .await
        .unwrap();
    let commune = store.create_organisation("Mairie").await.unwrap();
    let other_commune = store.create_organisation("Autre mairie").await.unwrap();
    let now = Utc::now();

    // A commune is not a provider.
    match store
        .link_provider(&other_commune.id, &commune.id, "x", now)
        .await
    {
        Err(Error::Invalid { what, .. }) => assert_eq!(what, "prestataire"),
        other => panic!("commune as provider: {other:?}"),
    }
    // Providers are not nested.
    match store
        .link_provider(&provider.id, &other_provider.id, "x", now)
        .await
    {
        Err(Error::Invalid { .. }) => {}
        other => panic!("provider of a provider: {other:?}"),
    }
    // Unknown organisations.
    let ghost = OrgId::parse("00000000-0000-4000-8000-000000000000").unwrap();
    assert_not_found(
        store.link_provider(&ghost, &commune.id, "x", now).await,
        "unknown provider",
    );
    assert_not_found(
        store.link_provider(&provider.id, &ghost, "x", now).await,
        "unknown commune",
    );
    // One current provider per commune: changing provider means ending the first link.
    store
        .link_provider(&provider.id, &commune.id, "x", now)
        .await
        .unwrap();
    match store
        .link_provider(&other_provider.id, &commune.id, "x", now)
        .await
    {
        Err(Error::AlreadyExists { .. }) => {}
        other => panic!("second provider: {other:?}"),
    }
    match store
        .link_provider(&provider.id, &commune.id, "x", now)
        .await
    {
        Err(Error::AlreadyExists { .. }) => {}
        other => panic!("same link twice: {other:?}"),
    }
    // Nothing was half-made: still one link, to the first provider.
    let current = store.current_provider(&commune.id).await.unwrap().unwrap();
    assert_eq!(current.provider_id, provider.id);
    assert!(
        store
            .provider_links(&other_provider.id)
            .await
            .unwrap()
            .is_empty()
    );
}

/// Two links of the same commune to two providers at once: exactly one is made.
async fn concurrent_links(env: &Env) {
    let store = &env.store;
    let commune = store.create_organisation("Mairie").await.unwrap();
    let mut providers = Vec::new();
    for n in 0..4 {
        providers.push(
            store
                .create_organisation_of_kind(&format!("Prestataire {n}"), OrgKind::Prestataire)
                .await
                .unwrap()
                .id,
        );
    }
    let now = Utc::now();
    let attempts = providers.iter().map(|p| {
        let store = store.clone();
        let p = p.clone();
        let c = commune.id.clone();
        tokio::spawn(async move { store.link_provider(&p, &c, "x", now).await })
    });
    let mut made = 0;
    for attempt in attempts.collect::<Vec<_>>() {
        if attempt.await.unwrap().is_ok() {
            made += 1;
        }
    }
    assert_eq!(made, 1, "exactly one current provider");
    let current = store.current_provider(&commune.id).await.unwrap().unwrap();
    assert!(providers.contains(&current.provider_id));
}

/// A provider adds a commune: the organisation, the link and its first administrator's
/// invitation together, or nothing.
async fn a_provider_adds_a_commune(env: &Env) {
    let store = &env.store;
    let provider = store
        .create_organisation_of_kind("Infogérance Morvan", OrgKind::Prestataire)
        .await
        .unwrap();
    let technician = user(env, "technicien@morvan.fr").await;
    store
        .set_membership(&provider.id, &technician.id, Role::Agent)
        .await
        .unwrap();
    let now = Utc::now();
    let first = FirstAdministrator {
        token_hash: "jeton-1",
        email: " Secretariat@Mairie-Semur.FR ",
        display_name: "Anne Leroy",
        expires_at: now + Duration::days(7),
    };
    let (commune, link, invitation) = store
        .create_supported_organisation(&provider.id, "Mairie de Semur", &first, "Marc Petit", now)
        .await
        .unwrap();
    assert_eq!(commune.kind, OrgKind::Commune);
    assert_eq!(commune.name, "Mairie de Semur");
    assert_eq!(
        (link.provider_id.clone(), link.org_id.clone()),
        (provider.id.clone(), commune.id.clone())
    );
    assert_eq!(link.linked_by, "Marc Petit");
    assert_eq!(invitation.org_id, commune.id);
    assert_eq!(invitation.role, Role::Administrateur);
    assert_eq!(invitation.email, "secretariat@mairie-semur.fr");
    assert_eq!(invitation.invited_by, "Marc Petit");
    assert_eq!(
        store.pending_invitations(&commune.id, now).await.unwrap(),
        vec![invitation]
    );
    // The provider's agent works there at once, as prestataire.
    assert!(places(env, &technician).await.contains(&(
        commune.id.clone(),
        Role::Prestataire,
        Some(provider.id.clone())
    )));
    // The invited administrator accepts: a member of their own, administrator.
    let (_, admin) = store
        .accept_invitation("jeton-1", "Anne Leroy", "$argon2id$fictif", now)
        .await
        .unwrap();
    assert_eq!(
        places(env, &admin).await,
        vec![(commune.id.clone(), Role::Administrateur, None)]
    );

    // All or nothing: a link token already used makes the whole addition fail, and no
    // commune is left behind without an administrator.
    let before = store.list_organisations().await.unwrap().len();
    let reused = FirstAdministrator {
        token_hash: "jeton-1",
        email: "autre@mairie.fr",
        display_name: "Autre",
        expires_at: now + Duration::days(7),
    };
    assert!(
        store
            .create_supported_organisation(
                &provider.id,
                "Mairie fantôme",
                &reused,
                "Marc Petit",
                now
            )
            .await
            .is_err()
    );
    let bad_address = FirstAdministrator {
        email: "pas une adresse",
        token_hash: "jeton-2",
        ..reused.clone()
    };
    assert!(
        store
            .create_supported_organisation(
                &provider.id,
                "Mairie fantôme",
                &bad_address,
                "Marc Petit",
                now
            )
            .await
            .is_err()
    );
    // Only a provider adds communes.
    let fresh = FirstAdministrator {
        token_hash: "jeton-3",
        ..reused.clone()
    };
    match store
        .create_supported_organisation(&commune.id, "Mairie fantôme", &fresh, "x", now)
        .await
    {
        Err(Error::Invalid { .. }) => {}
        other => panic!("a commune adding a commune: {other:?}"),
    }
    let after = store.list_organisations().await.unwrap();
    assert_eq!(after.len(), before, "nothing half-made");
    assert!(!after.iter().any(|o| o.name == "Mairie fantôme"));
    assert_eq!(store.provider_links(&provider.id).await.unwrap().len(), 1);
}

on_both_backends!(
    a_provider_adds_a_commune,
    provider_staff_work_in_linked_organisations,
    links_that_are_refused,
    concurrent_links,
);
