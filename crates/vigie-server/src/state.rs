//! What every request handler shares: the store, the blob store, the server key, the
//! configuration, and the one-time setup token.

use std::sync::Arc;

use vigie_incident::service::IncidentService;
use vigie_store::blob::SharedBlobStore;
use vigie_store::{OrgId, Store};

use crate::config::Config;
use crate::keys::ServerKey;

/// Shared state; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    blobs: SharedBlobStore,
    key: ServerKey,
    config: Config,
    setup_token: String,
    mailer: crate::mail::Mailer,
    /// Wakes this server's job workers when a request enqueues a job (other servers find it
    /// at their next poll).
    job_wakeup: tokio::sync::Notify,
}

impl AppState {
    /// Builds the state.
    pub fn new(
        store: Store,
        blobs: SharedBlobStore,
        key: ServerKey,
        config: Config,
        setup_token: String,
        mailer: crate::mail::Mailer,
    ) -> AppState {
        AppState {
            inner: Arc::new(Inner {
                store,
                blobs,
                key,
                config,
                setup_token,
                mailer,
                job_wakeup: tokio::sync::Notify::new(),
            }),
        }
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The blob store (evidence, documents, mailbox reports).
    pub fn blobs(&self) -> &SharedBlobStore {
        &self.inner.blobs
    }

    /// E-mails to users.
    pub fn mailer(&self) -> &crate::mail::Mailer {
        &self.inner.mailer
    }

    /// Tells this server's workers that a job is waiting.
    pub fn wake_workers(&self) {
        self.inner.job_wakeup.notify_waiters();
    }

    /// Resolves when [`AppState::wake_workers`] is called.
    pub async fn job_enqueued(&self) {
        self.inner.job_wakeup.notified().await;
    }

    /// The server key.
    pub fn key(&self) -> &ServerKey {
        &self.inner.key
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The token the setup wizard asks for (printed on the server's console), so that whoever
    /// reaches a fresh server first over the network cannot take it over.
    pub fn setup_token(&self) -> &str {
        &self.inner.setup_token
    }

    /// The incident engine for one organisation.
    pub fn incidents(&self, org: &OrgId) -> IncidentService {
        IncidentService::new(
            self.inner.store.clone(),
            self.inner.blobs.clone(),
            org.clone(),
        )
    }
}
