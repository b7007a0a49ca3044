//! Invitations, roles and removal of members, against SQLite and a real PostgreSQL.

mod common;

use chrono::{Duration, Utc};
use common::{Env, assert_not_found, two_orgs};
use vigie_store::{Error, NewInvitation, NewSession, NewUser, OrgId, Role, SessionStage};

fn invitation<'a>(
    org: &'a OrgId,
    token_hash: &'a str,
    email: &'a str,
    role: Role,
) -> NewInvitation<'a> {
    NewInvitation {
        org_id: org,
        token_hash,
        email,
        display_name: "Jeanne Agent",
        role,
        invited_by: "Claire Martin",
        expires_at: Utc::now() + Duration::days(7),
    }
}

async fn invitations(env: &Env) {
    let (a, b) = two_orgs(env).await;
    let store = &env.store;
    let inv = store
        .create_invitation(&invitation(&a, "h1", " Jeanne@Mairie.FR ", Role::Agent))
        .await
        .expect("invite");
    assert_eq!(inv.email, "jeanne@mairie.fr", "addresses are lower-cased");
    assert_eq!(inv.role, Role::Agent);
    let now = Utc::now();
    assert_eq!(
        store.pending_invitations(&a, now).await.unwrap(),
        vec![inv.clone()]
    );
    assert!(store.pending_invitations(&b, now).await.unwrap().is_empty());
    assert_not_found(
        store.cancel_invitation(&b, &inv.id).await,
        "B cancels A's invitation",
    );

    // Accepting: the account and the membership, once.
    let (accepted, user) = store
        .accept_invitation("h1", "Jeanne Dupont", "$argon2id$fictif", now)
        .await
        .expect("accept");
    assert_eq!(accepted.accepted_at, Some(now));
    assert_eq!(user.email, "jeanne@mairie.fr");
    assert_eq!(user.display_name, "Jeanne Dupont");
    let memberships = store.memberships(&user.id).await.unwrap();
    assert_eq!(memberships.len(), 1);
    assert_eq!(
        (memberships[0].org_id.clone(), memberships[0].role),
        (a.clone(), Role::Agent)
    );
    assert_not_found(
        store
            .accept_invitation("h1", "Intrus", "$argon2id$autre", now)
            .await,
        "a link works once",
    );
    assert!(store.pending_invitations(&a, now).await.unwrap().is_empty());

    // A member cannot be invited again; an account elsewhere can (the provider's technician),
    // and joins signed in, with the invited address only.
    let again = store
        .create_invitation(&invitation(&a, "h2", "jeanne@mairie.fr", Role::Elu))
        .await;
    assert!(
        matches!(again, Err(Error::AlreadyExists { .. })),
        "{again:?}"
    );
    store
        .create_invitation(&invitation(&b, "h2", "jeanne@mairie.fr", Role::Prestataire))
        .await
        .expect("an account can be invited into another organisation");
    let doubled = store.accept_invitation("h2", "Doublon", "h", now).await;
    assert!(
        matches!(doubled, Err(Error::AlreadyExists { .. })),
        "an existing account does not get a second account: {doubled:?}"
    );
    let stranger = store
        .create_user(&NewUser {
            email: "autre@mairie.fr".into(),
            display_name: "Autre".into(),
            password_hash: "h".into(),
        })
        .await
        .unwrap();
    assert_not_found(
        store.join_by_invitation("h2", &stranger, now).await,
        "the link is for jeanne only",
    );
    let joined = store
        .join_by_invitation("h2", &user, now)
        .await
        .expect("join");
    assert_eq!(joined.org_id, b);
    let mut roles: Vec<_> = store
        .memberships(&user.id)
        .await
        .unwrap()
        .into_iter()
        .map(|m| (m.org_id, m.role))
        .collect();
    let mut expected = vec![(a.clone(), Role::Agent), (b.clone(), Role::Prestataire)];
    roles.sort_by(|x, y| x.0.as_str().cmp(y.0.as_str()));
    expected.sort_by(|x, y| x.0.as_str().cmp(y.0.as_str()));
    assert_eq!(roles, expected);
    assert_not_found(store.join_by_invitation("h2", &user, now).await, "once");
    assert!(matches!(
        store
            .create_invitation(&invitation(&a, "h3", "pas-une-adresse", Role::Elu))
            .await,
        Err(Error::Invalid { .. })
    ));
    assert_not_found(
        store.accept_invitation("inconnu", "X", "h", now).await,
        "unknown link",
    );
    let late = store
        .create_invitation(&invitation(&a, "h4", "tard@mairie.fr", Role::Elu))
        .await
        .unwrap();
    let after = late.expires_at + Duration::seconds(1);
    assert!(store.usable_invitation("h4", now).await.unwrap().is_some());
    assert!(
        store
            .usable_invitation("h4", after)
            .await
            .unwrap()
            .is_none()
    );
    assert_not_found(
        store.accept_invitation("h4", "Tard", "h", after).await,
        "expired link",
    );
    assert!(
        store
            .user_by_email("tard@mairie.fr")
            .await
            .unwrap()
            .is_none(),
        "nothing half-done"
    );
    store.cancel_invitation(&a, &late.id).await.expect("cancel");
    assert!(store.usable_invitation("h4", now).await.unwrap().is_none());
}

async fn roles_and_removal(env: &Env) {
    let (a, b) = two_orgs(env).await;
    let store = &env.store;
    let user = |email: &str| NewUser {
        email: email.into(),
        display_name: email.into(),
        password_hash: "$argon2id$fictif".into(),
    };
    let admin = store.create_user(&user("admin@a.fr")).await.unwrap();
    let agent = store.create_user(&user("agent@a.fr")).await.unwrap();
    store
        .set_membership(&a, &admin.id, Role::Administrateur)
        .await
        .unwrap();
    store
        .set_membership(&a, &agent.id, Role::Agent)
        .await
        .unwrap();
    store
        .set_membership(&b, &agent.id, Role::Agent)
        .await
        .unwrap();

    // The last administrator stays one.
    for result in [
        store.change_role(&a, &admin.id, Role::Agent).await,
        store.remove_member(&a, &admin.id).await,
    ] {
        let e = result.expect_err("last administrator");
        assert!(e.to_string().contains("dernier administrateur"), "{e}");
    }
    store
        .change_role(&a, &agent.id, Role::Administrateur)
        .await
        .unwrap();
    store
        .change_role(&a, &admin.id, Role::Elu)
        .await
        .expect("two admins: one may step down");
    assert_eq!(
        store.memberships(&admin.id).await.unwrap()[0].role,
        Role::Elu
    );
    assert_not_found(
        store.change_role(&b, &admin.id, Role::Agent).await,
        "not a member of B",
    );

    // Removal ends the sessions in that organisation only.
    fn session<'a>(org: &'a OrgId, user_id: &'a str, hash: &'a str) -> NewSession<'a> {
        NewSession {
            id_hash: hash,
            user_id,
            org_id: Some(org),
            stage: SessionStage::Full,
            csrf_token: "c",
            now: Utc::now(),
            expires_at: Utc::now() + Duration::hours(1),
            ip: "127.0.0.1",
            user_agent: "test",
        }
    }
    store
        .create_session(&session(&a, &agent.id, "sa"))
        .await
        .unwrap();
    store
        .create_session(&session(&b, &agent.id, "sb"))
        .await
        .unwrap();
    store
        .change_role(&a, &admin.id, Role::Administrateur)
        .await
        .unwrap();
    store.remove_member(&a, &agent.id).await.expect("remove");
    assert!(store.session("sa").await.unwrap().is_none());
    assert!(store.session("sb").await.unwrap().is_some());
    let left = store.memberships(&agent.id).await.unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].org_id, b);
    assert_not_found(store.remove_member(&a, &agent.id).await, "removed twice");
}

async fn known_devices(env: &Env) {
    let store = &env.store;
    let user = store
        .create_user(&NewUser {
            email: "agent@a.fr".into(),
            display_name: "Agent".into(),
            password_hash: "$argon2id$fictif".into(),
        })
        .await
        .unwrap();
    let now = Utc::now();
    assert_eq!(
        store
            .see_device(&user.id, "d1", "Firefox", "10.0.0.1", now)
            .await
            .unwrap(),
        (true, 0),
        "first device: new, nothing before"
    );
    assert_eq!(
        store
            .see_device(&user.id, "d1", "Firefox", "10.0.0.2", now)
            .await
            .unwrap(),
        (false, 0),
        "known device"
    );
    assert_eq!(
        store
            .see_device(&user.id, "d2", "Chrome", "10.0.0.3", now)
            .await
            .unwrap(),
        (true, 1),
        "a second device: new, one before"
    );
}

async fn passkeys(env: &Env) {
    let store = &env.store;
    let new_user = |email: &str| NewUser {
        email: email.into(),
        display_name: email.into(),
        password_hash: "$argon2id$fictif".into(),
    };
    let a = store.create_user(&new_user("a@a.fr")).await.unwrap();
    let b = store.create_user(&new_user("b@b.fr")).await.unwrap();
    let key = |id: &str, user: &str, cred: &str| vigie_store::PasskeyRecord {
        id: id.into(),
        user_id: user.into(),
        credential_id: cred.into(),
        name: format!("clé {id}"),
        passkey_json: "{}".into(),
        created_at: Utc::now(),
        last_used_at: None,
    };
    store
        .add_passkey(&key("k1", &a.id, "cred-1"))
        .await
        .unwrap();
    let again = store.add_passkey(&key("k2", &b.id, "cred-1")).await;
    assert!(
        matches!(again, Err(Error::AlreadyExists { .. })),
        "one credential, one account: {again:?}"
    );
    assert_eq!(store.passkeys(&a.id).await.unwrap().len(), 1);
    assert!(store.passkeys(&b.id).await.unwrap().is_empty());
    let now = Utc::now();
    store
        .passkey_used(&a.id, "k1", "{\"compteur\":2}", now)
        .await
        .unwrap();
    let used = &store.passkeys(&a.id).await.unwrap()[0];
    assert_eq!(used.passkey_json, "{\"compteur\":2}");
    assert!(used.last_used_at.is_some());
    assert_not_found(
        store.passkey_used(&b.id, "k1", "{}", now).await,
        "not B's key",
    );
    assert_not_found(store.remove_passkey(&b.id, "k1").await, "B removes A's key");
    store.remove_passkey(&a.id, "k1").await.unwrap();
    assert!(store.passkeys(&a.id).await.unwrap().is_empty());
}

/// Twenty sign-in attempts at the same instant: only the free allowance passes (the attempt is
/// counted before it is checked, under a lock), the others are refused.
async fn concurrent_attempts_are_counted_one_by_one(env: &Env) {
    let now = Utc::now();
    let delay = |n: u64| {
        if n <= 3 {
            Duration::zero()
        } else {
            Duration::seconds(2)
        }
    };
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let store = env.store.clone();
        tasks.push(tokio::spawn(async move {
            store
                .reserve_login_attempt("compte:x@y.fr", now, Duration::hours(1), delay)
                .await
                .expect("reserve")
        }));
    }
    let mut allowed = 0;
    for t in tasks {
        if t.await.expect("join").is_none() {
            allowed += 1;
        }
    }
    assert_eq!(
        allowed, 4,
        "three free failures and the fourth attempt, no more"
    );
    let later = now + Duration::seconds(3);
    assert!(
        env.store
            .reserve_login_attempt("compte:x@y.fr", later, Duration::hours(1), delay)
            .await
            .unwrap()
            .is_none(),
        "allowed again once the delay is over"
    );
}

on_both_backends!(
    invitations,
    roles_and_removal,
    known_devices,
    passkeys,
    concurrent_attempts_are_counted_one_by_one,
);
