//! # vigie-server
//!
//! The web application (`vigie serve`): a commune runs it on one small machine (SQLite, a local
//! blob directory, zero configuration); an IT provider runs it for many communes (PostgreSQL).
//!
//! * [`config`]: defaults, TOML file, environment, command line;
//! * [`auth`]: passwords (Argon2id), mandatory TOTP second factor with single-use recovery
//!   codes, throttling, server-side sessions, the extractors that say who is asking;
//! * [`security`]: anti-forgery checks, security headers (strict CSP without inline script),
//!   error rendering;
//! * [`pages`]: the screens, French first and English available ([`i18n`]; askama templates),
//!   and the JSON API under `/api/`
//!   (described by `/api/openapi.json`);
//! * [`keys`]: the server key that seals secrets the server must read back (TOTP secrets,
//!   mailbox passwords);
//! * [`mail`]: e-mails to users over SMTP (sign-in from a new device);
//! * [`jobs`]: the background workers of the database-backed job queue (mailbox checks).
//!
//! The server is a thin shell: incidents go through `vigie-incident`'s service, persistence
//! through `vigie-store` (whose repositories take the organisation id: tenancy is enforced
//! there).

pub mod auth;
pub mod config;
pub mod error;
pub mod i18n;
pub mod jobs;
pub mod keys;
pub mod mail;
pub mod pages;
pub mod security;
pub mod state;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tokio::sync::oneshot;
use vigie_store::Store;
use vigie_store::blob::{LocalBlobStore, S3BlobStore, SharedBlobStore};

pub use config::{BlobLocation, Config, Overrides};
pub use error::Error;
use keys::ServerKey;
pub use state::AppState;

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone (sign-in, setup, health, static assets).
    Public,
    /// A signed-in user (pages redirect to sign-in, the API answers 401).
    SignedIn,
    /// An administrator of the organisation.
    Admin,
}

/// Every route of the application: the router below and the tests that enumerate the routes
/// (authentication, anti-forgery, tenant isolation) both read this table, so a new route
/// cannot be forgotten by the tests. Path parameters are written `{id}`, `{step}`, `{kind}`.
pub const ROUTES: &[(&str, &str, Access)] = &[
    ("GET", "/healthz", Access::Public),
    ("GET", "/static/vigie.css", Access::Public),
    ("GET", "/static/vigie.js", Access::Public),
    ("GET", "/installation", Access::Public),
    ("POST", "/installation", Access::Public),
    ("GET", "/connexion", Access::Public),
    ("POST", "/connexion", Access::Public),
    ("GET", "/connexion/code", Access::Public),
    ("POST", "/connexion/code", Access::Public),
    ("GET", "/connexion/double-facteur", Access::Public),
    ("POST", "/connexion/double-facteur", Access::Public),
    ("POST", "/connexion/cle/options", Access::Public),
    ("POST", "/connexion/cle", Access::Public),
    ("POST", "/deconnexion", Access::Public),
    ("POST", "/langue", Access::Public),
    ("GET", "/", Access::SignedIn),
    ("GET", "/compte", Access::SignedIn),
    ("POST", "/compte/deconnexion-partout", Access::SignedIn),
    ("POST", "/compte/codes-de-secours", Access::SignedIn),
    ("POST", "/compte/cles/options", Access::SignedIn),
    ("POST", "/compte/cles", Access::SignedIn),
    ("POST", "/compte/cles/{id}/supprimer", Access::SignedIn),
    ("GET", "/journal-securite", Access::Admin),
    ("GET", "/incidents", Access::SignedIn),
    ("GET", "/incidents/nouveau", Access::SignedIn),
    ("POST", "/incidents/nouveau", Access::SignedIn),
    ("GET", "/incidents/{id}", Access::SignedIn),
    ("POST", "/incidents/{id}/etapes/{step}", Access::SignedIn),
    ("POST", "/incidents/{id}/preuves", Access::SignedIn),
    ("GET", "/incidents/{id}/documents/{kind}", Access::SignedIn),
    ("GET", "/incidents/{id}/dossier", Access::SignedIn),
    ("GET", "/invitation", Access::Public),
    ("POST", "/invitation", Access::Public),
    ("POST", "/invitation/rejoindre", Access::SignedIn),
    ("POST", "/organisation", Access::SignedIn),
    ("GET", "/organisations", Access::SignedIn),
    ("POST", "/organisations/communes", Access::Admin),
    ("GET", "/membres", Access::Admin),
    ("POST", "/membres/inviter", Access::Admin),
    ("POST", "/membres/{id}/role", Access::Admin),
    ("POST", "/membres/{id}/retirer", Access::Admin),
    ("POST", "/membres/invitations/{id}/annuler", Access::Admin),
    ("POST", "/membres/prestataire/fin", Access::Admin),
    ("GET", "/contacts", Access::SignedIn),
    ("POST", "/contacts", Access::SignedIn),
    ("POST", "/contacts/{id}/verifie", Access::SignedIn),
    ("POST", "/contacts/{id}/supprimer", Access::SignedIn),
    ("GET", "/contacts/fiche-reflexes", Access::SignedIn),
    ("GET", "/messagerie", Access::SignedIn),
    ("GET", "/messagerie/ajouter", Access::SignedIn),
    ("POST", "/messagerie/ajouter", Access::SignedIn),
    ("GET", "/messagerie/{id}", Access::SignedIn),
    ("POST", "/messagerie/{id}/controles", Access::SignedIn),
    ("POST", "/messagerie/{id}/supprimer", Access::SignedIn),
    (
        "GET",
        "/messagerie/{id}/controles/{check}/rapport",
        Access::SignedIn,
    ),
    ("GET", "/api/openapi.json", Access::Public),
    ("POST", "/api/session", Access::Public),
    ("GET", "/api/moi", Access::SignedIn),
    ("GET", "/api/journal-securite", Access::Admin),
    ("GET", "/api/incidents", Access::SignedIn),
    ("POST", "/api/incidents", Access::SignedIn),
    ("GET", "/api/incidents/{id}", Access::SignedIn),
    (
        "POST",
        "/api/incidents/{id}/etapes/{step}",
        Access::SignedIn,
    ),
    ("GET", "/api/messagerie", Access::SignedIn),
    ("POST", "/api/messagerie", Access::SignedIn),
    ("GET", "/api/messagerie/{id}", Access::SignedIn),
    ("POST", "/api/messagerie/{id}/controles", Access::SignedIn),
    ("GET", "/api/taches/{id}", Access::SignedIn),
    ("GET", "/api/contacts", Access::SignedIn),
    ("POST", "/api/contacts", Access::SignedIn),
    ("GET", "/api/membres", Access::Admin),
    ("GET", "/api/organisations", Access::SignedIn),
    ("GET", "/api/communes", Access::SignedIn),
    ("GET", "/api/prestataire", Access::Admin),
];

/// The OpenAPI document of the JSON API.
pub const OPENAPI: &str = include_str!("../openapi.json");

const CSS: &str = include_str!("../static/vigie.css");
const JS: &str = include_str!("../static/vigie.js");

fn asset(content_type: &'static str, body: &'static str) -> Response {
    let mut response = body.into_response();
    let h = response.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    response
}

async fn healthz(State(state): State<AppState>) -> Response {
    match state.store().is_set_up().await {
        Ok(set_up) => axum::Json(serde_json::json!({
            "etat": "ok",
            "base": "joignable",
            "installe": set_up,
        }))
        .into_response(),
        Err(e) => {
            eprintln!("vigie serve : /healthz : {e}");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                axum::Json(serde_json::json!({"etat": "erreur", "base": "injoignable"})),
            )
                .into_response()
        }
    }
}

async fn not_found() -> Error {
    Error::NotFound
}

/// The application's router.
pub fn router(state: AppState) -> Router {
    use pages::{
        account, contacts, dashboard, incidents, language, mailboxes, members, organisations,
        providers, setup, signin,
    };
    let upload_limit = usize::try_from(
        state
            .config()
            .upload_limit_mib
            .saturating_mul(1024 * 1024)
            .saturating_add(1024 * 1024),
    )
    .unwrap_or(usize::MAX);
    Router::new()
        .route("/healthz", get(healthz))
        .route(
            "/static/vigie.css",
            get(|| async { asset("text/css; charset=utf-8", CSS) }),
        )
        .route(
            "/static/vigie.js",
            get(|| async { asset("text/javascript; charset=utf-8", JS) }),
        )
        .route("/installation", get(setup::show).post(setup::submit))
        .route("/connexion", get(signin::show).post(signin::submit))
        .route(
            "/connexion/code",
            get(signin::show_code).post(signin::submit_code),
        )
        .route(
            "/connexion/double-facteur",
            get(signin::show_enrol).post(signin::submit_enrol),
        )
        .route("/connexion/cle/options", post(signin::passkey_options))
        .route("/connexion/cle", post(signin::passkey_signin))
        .route("/deconnexion", post(signin::sign_out))
        .route("/langue", post(language::switch))
        .route("/", get(dashboard::show))
        .route("/compte", get(account::show))
        .route(
            "/compte/deconnexion-partout",
            post(account::sign_out_everywhere),
        )
        .route("/compte/codes-de-secours", post(account::regenerate_codes))
        .route("/compte/cles/options", post(account::passkey_options))
        .route("/compte/cles", post(account::passkey_add))
        .route("/compte/cles/{id}/supprimer", post(account::passkey_remove))
        .route("/journal-securite", get(account::security_journal))
        .route("/incidents", get(incidents::list))
        .route(
            "/incidents/nouveau",
            get(incidents::new_form).post(incidents::declare),
        )
        .route("/incidents/{id}", get(incidents::show))
        .route(
            "/incidents/{id}/etapes/{step}",
            post(incidents::complete_step),
        )
        .route(
            "/incidents/{id}/preuves",
            post(incidents::upload_evidence).layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route("/incidents/{id}/documents/{kind}", get(incidents::document))
        .route("/incidents/{id}/dossier", get(incidents::dossier))
        .route(
            "/api/openapi.json",
            get(|| async { asset("application/json", OPENAPI) }),
        )
        .route("/api/session", post(signin::api_signin))
        .route("/api/moi", get(account::api_me))
        .route("/api/journal-securite", get(account::api_security_journal))
        .route(
            "/api/incidents",
            get(incidents::api_list).post(incidents::api_declare),
        )
        .route("/api/incidents/{id}", get(incidents::api_show))
        .route(
            "/api/incidents/{id}/etapes/{step}",
            post(incidents::api_complete_step),
        )
        .route(
            "/invitation",
            get(members::accept_form).post(members::accept),
        )
        .route("/invitation/rejoindre", post(members::join))
        .route("/organisation", post(organisations::switch))
        .route("/organisations", get(organisations::overview))
        .route("/organisations/communes", post(providers::add_commune))
        .route("/membres", get(members::show))
        .route("/membres/inviter", post(members::invite))
        .route("/membres/{id}/role", post(members::change_role))
        .route("/membres/{id}/retirer", post(members::remove))
        .route("/membres/invitations/{id}/annuler", post(members::cancel))
        .route("/membres/prestataire/fin", post(providers::end_link))
        .route("/contacts", get(contacts::show).post(contacts::add))
        .route("/contacts/{id}/verifie", post(contacts::verified))
        .route("/contacts/{id}/supprimer", post(contacts::remove))
        .route("/contacts/fiche-reflexes", get(contacts::reflex_sheet))
        .route("/messagerie", get(mailboxes::list))
        .route(
            "/messagerie/ajouter",
            get(mailboxes::new_form).post(mailboxes::create),
        )
        .route("/messagerie/{id}", get(mailboxes::show))
        .route("/messagerie/{id}/controles", post(mailboxes::run_check))
        .route("/messagerie/{id}/supprimer", post(mailboxes::delete))
        .route(
            "/messagerie/{id}/controles/{check}/rapport",
            get(mailboxes::report),
        )
        .route(
            "/api/messagerie",
            get(mailboxes::api_list).post(mailboxes::api_create),
        )
        .route("/api/messagerie/{id}", get(mailboxes::api_show))
        .route(
            "/api/messagerie/{id}/controles",
            post(mailboxes::api_run_check),
        )
        .route("/api/taches/{id}", get(mailboxes::api_job))
        .route(
            "/api/contacts",
            get(contacts::api_list).post(contacts::api_add),
        )
        .route("/api/membres", get(members::api_list))
        .route("/api/organisations", get(organisations::api_list))
        .route("/api/communes", get(providers::api_communes))
        .route("/api/prestataire", get(providers::api_provider))
        .fallback(not_found)
        // Outermost last: headers on everything, errors rendered for every inner layer
        // (the anti-forgery refusals included).
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security::csrf,
        ))
        .layer(middleware::from_fn(security::render_errors))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security::headers,
        ))
        .with_state(state)
}

/// A running server.
pub struct Running {
    /// The address it listens on (the real port when 0 was asked).
    pub addr: SocketAddr,
    /// The setup address with its one-time token, while the server is not set up.
    pub setup_url: Option<String>,
    /// The server's base URL.
    pub base_url: String,
    shutdown: oneshot::Sender<()>,
    task: tokio::task::JoinHandle<Result<(), Error>>,
}

impl Running {
    /// Stops accepting connections, lets running requests finish, and waits.
    pub async fn stop(self) -> Result<(), Error> {
        let _ = self.shutdown.send(());
        self.task.await.map_err(|e| Error::Config {
            detail: format!("arrêt du serveur : {e}"),
        })?
    }

    /// Waits until the server ends (Ctrl-C or error).
    pub async fn wait(self) -> Result<(), Error> {
        self.task.await.map_err(|e| Error::Config {
            detail: format!("serveur : {e}"),
        })?
    }
}

/// Opens the store and the blob store, and starts listening.
pub async fn start(config: Config) -> Result<Running, Error> {
    std::fs::create_dir_all(&config.data_dir).map_err(|e| Error::io(&config.data_dir, e))?;
    let store = Store::open(&config.db).await?;
    start_with_store(config, store).await
}

/// glibc keeps freed memory in per-thread arenas: after a burst of sign-ins, the 19 MiB Argon2
/// blocks of every thread that hashed stayed reserved (gigabytes in the load benchmark).
/// Allocations above 1 MiB go through mmap instead, and back to the system when freed.
fn release_large_allocations() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes an allocator parameter; it is called before the server's
    // threads allocate large blocks, and any value is valid for M_MMAP_THRESHOLD.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

/// Opens the blob store the configuration names. An S3 bucket is contacted now, so a wrong
/// address or key stops the start with a message instead of failing the first evidence upload.
async fn open_blobs(config: &Config) -> Result<SharedBlobStore, Error> {
    match &config.blobs {
        BlobLocation::Directory(dir) => Ok(Arc::new(LocalBlobStore::new(dir.clone())?)),
        BlobLocation::S3(url) => {
            let store = S3BlobStore::new(url, &config.s3)?;
            let probe = store.clone();
            tokio::task::spawn_blocking(move || probe.check())
                .await
                .map_err(|e| Error::Io {
                    path: url.clone(),
                    source: std::io::Error::other(e),
                })??;
            Ok(Arc::new(store))
        }
    }
}

/// Starts the server over an open store (tests share one PostgreSQL database this way).
pub async fn start_with_store(config: Config, store: Store) -> Result<Running, Error> {
    release_large_allocations();
    std::fs::create_dir_all(&config.data_dir).map_err(|e| Error::io(&config.data_dir, e))?;
    let blobs = open_blobs(&config).await?;
    let key = match &config.secret_key_base64 {
        Some(text) => ServerKey::from_base64(text)?,
        None => ServerKey::load_or_create(&config.key_file())?,
    };
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|source| Error::Listen {
            addr: config.listen.to_string(),
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| Error::Listen {
        addr: config.listen.to_string(),
        source,
    })?;
    let base_url = config
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{addr}"));
    let setup_token = auth::new_token();
    let setup_url = if store.is_set_up().await? {
        None
    } else {
        Some(format!("{base_url}/installation?jeton={setup_token}"))
    };
    let mailer = mail::Mailer::from_config(&config)?;
    let state = AppState::new(store.clone(), blobs, key, config, setup_token, mailer);
    let workers = jobs::spawn(&state);
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    let (shutdown, on_shutdown) = oneshot::channel::<()>();
    let purge_store = store.clone();
    let purge = tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(600));
        loop {
            every.tick().await;
            if let Err(e) = purge_store.purge_expired_sessions(chrono::Utc::now()).await {
                eprintln!("vigie serve : nettoyage des sessions expirées : {e}");
            }
        }
    });
    let task = tokio::spawn(async move {
        let served = axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = on_shutdown.await;
            })
            .await;
        purge.abort();
        for worker in workers {
            worker.abort();
        }
        served.map_err(|source| Error::Listen {
            addr: addr.to_string(),
            source,
        })
    });
    Ok(Running {
        addr,
        setup_url,
        base_url,
        shutdown,
        task,
    })
}

/// `vigie serve`: starts, prints where to go, runs until Ctrl-C.
pub async fn run(config: Config) -> Result<(), Error> {
    let running = start(config).await?;
    println!("Vigie est démarré : {}", running.base_url);
    match &running.setup_url {
        Some(url) => println!(
            "Première utilisation : ouvrez ce lien pour créer votre organisation et son \
             administrateur (il contient un jeton à usage unique, ne le partagez pas) :\n  {url}"
        ),
        None => println!("Ouvrez {} dans votre navigateur.", running.base_url),
    }
    println!("Arrêt : Ctrl-C.");
    let Running {
        shutdown, mut task, ..
    } = running;
    let joined = |e: tokio::task::JoinError| Error::Config {
        detail: format!("serveur : {e}"),
    };
    tokio::select! {
        signal = tokio::signal::ctrl_c() => {
            signal.map_err(|e| Error::Config { detail: format!("signal d'arrêt : {e}") })?;
            println!("Arrêt demandé, fin des requêtes en cours…");
            let _ = shutdown.send(());
            task.await.map_err(joined)?
        }
        ended = &mut task => ended.map_err(joined)?,
    }
}

/// The HTTP method of a [`ROUTES`] entry.
pub fn method_of(name: &str) -> Method {
    Method::from_bytes(name.as_bytes()).unwrap_or(Method::GET)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_openapi_document_describes_exactly_the_api_routes() {
        let doc: serde_json::Value =
            serde_json::from_str(OPENAPI).unwrap_or_else(|e| panic!("openapi.json: {e}"));
        assert_eq!(doc["openapi"], "3.1.0");
        let paths = doc["paths"].as_object().cloned().unwrap_or_default();
        let mut documented = Vec::new();
        for (path, item) in &paths {
            for method in item
                .as_object()
                .map(|m| m.keys().cloned().collect::<Vec<_>>())
                .unwrap_or_default()
            {
                documented.push((method.to_uppercase(), path.clone()));
            }
        }
        documented.sort();
        let mut routed: Vec<(String, String)> = ROUTES
            .iter()
            .filter(|(_, path, _)| path.starts_with("/api/"))
            .map(|(m, p, _)| (m.to_string(), p.to_string()))
            .collect();
        routed.sort();
        assert_eq!(documented, routed);
        // Every signed-in operation declares the 401 answer.
        for (method, path) in &routed {
            let op = &paths[path][method.to_lowercase()];
            let public = ROUTES
                .iter()
                .any(|(m, p, a)| m == method && p == path && *a == Access::Public);
            assert_eq!(
                op["responses"].get("401").is_some(),
                !public || path == "/api/session",
                "{method} {path}"
            );
        }
    }
}
