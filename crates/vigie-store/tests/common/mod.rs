//! What the store's integration tests share: a store on SQLite (a file in a temporary
//! directory) or on a real PostgreSQL server (`vigie_testkit::Postgres`), and the
//! `on_both_backends!` macro that turns each scenario into `sqlite::<name>` and
//! `postgres::<name>` tests. When PostgreSQL is not installed the `postgres::*` tests fail with
//! the fixture's message (`bash tests/fixtures/postgres.sh install`): they never pass silently.

#![allow(dead_code)]

use vigie_store::{Backend, Error, OrgId, Store};

/// A store plus whatever keeps its database alive.
pub struct Env {
    pub store: Store,
    pub url: String,
    _guard: Guard,
}

pub enum Guard {
    Dir(#[allow(dead_code)] tempfile::TempDir),
    Server(#[allow(dead_code)] vigie_testkit::Postgres),
}

pub async fn sqlite_env() -> Env {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("data").join("vigie.db");
    let store = Store::open_sqlite(&path).await.expect("open sqlite");
    assert_eq!(store.backend(), Backend::Sqlite);
    assert!(path.is_file(), "the database file is created");
    Env {
        store,
        url: format!("sqlite://{}", path.display()),
        _guard: Guard::Dir(dir),
    }
}

pub async fn postgres_env() -> Env {
    let pg = tokio::task::spawn_blocking(vigie_testkit::Postgres::start)
        .await
        .expect("join")
        .unwrap_or_else(|e| panic!("{e}"));
    let url = pg.url().to_string();
    let store = Store::open(&url)
        .await
        .unwrap_or_else(|e| panic!("open postgres: {e}\n{}", pg.log()));
    assert_eq!(store.backend(), Backend::Postgres);
    Env {
        store,
        url,
        _guard: Guard::Server(pg),
    }
}

pub async fn two_orgs(env: &Env) -> (OrgId, OrgId) {
    let a = env
        .store
        .create_organisation("Mairie A")
        .await
        .expect("org A");
    let b = env
        .store
        .create_organisation("Mairie B")
        .await
        .expect("org B");
    (a.id, b.id)
}

pub fn assert_not_found<T: std::fmt::Debug>(result: Result<T, Error>, context: &str) {
    match result {
        Err(e @ Error::NotFound { .. }) => assert!(e.is_not_found()),
        other => panic!("{context}: expected NotFound, got {other:?}"),
    }
}

#[macro_export]
macro_rules! on_both_backends {
    ($($scenario:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $scenario() {
                    let env = $crate::common::sqlite_env().await;
                    super::$scenario(&env).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $scenario() {
                    let env = $crate::common::postgres_env().await;
                    super::$scenario(&env).await;
                }
            )*
        }
    };
}
