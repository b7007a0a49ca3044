//! The S3-compatible backend of the blob store, for hosted deployments (`--blobs s3://seau/préfixe`).
//!
//! Same contract as the local directory ([`super::LocalBlobStore`]): a blob is named by the SHA-256
//! of its content, exists complete under that name or not at all, and is never rewritten. Keys:
//!
//! ```text
//! <préfixe>/sha256/ab/abcdef0123…   the blob whose SHA-256 is abcdef0123…
//! <préfixe>/tmp/<uuid>              a large blob being uploaded (deleted once copied)
//! ```
//!
//! Writing hashes while it reads. A source that fits in one part (8 MiB) is known whole before
//! anything is sent, so it is written once under its final name (an S3 PUT is atomic). A larger
//! source is streamed part by part as a multipart upload to a temporary key — memory stays at one
//! part whatever the size — then copied server-side to its final name and the temporary key
//! deleted; a source that fails mid-way aborts the upload. Either way readers never see a partial
//! blob under a final name.
//!
//! The [`BlobStore`] trait is synchronous (callers run it on blocking threads, as for files), while
//! `object_store` is async. The store owns a small dedicated Tokio runtime and every request runs
//! there; the calling thread waits with `futures::executor::block_on`, which works from any thread
//! (a plain thread, `spawn_blocking`, or even a worker of another runtime, where Tokio's own
//! `block_on` would panic). Reading streams through a bounded channel, so a large blob is never
//! held in memory.
//!
//! Configuration follows the usual S3 conventions: the credentials and service address come from
//! [`S3Options`] (by default the `AWS_*` environment variables), never from the URL, so no secret
//! ends up in a configuration file or a log line.

use std::io::{self, Read};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures::StreamExt as _;
use object_store::aws::AmazonS3Builder;
use object_store::path::Path as ObjectPath;
use object_store::{
    BackoffConfig, ClientOptions, MultipartUpload, ObjectStore, ObjectStoreExt as _, PutPayload,
    RetryConfig,
};
use sha2::{Digest as _, Sha256};

use super::{BlobCheck, BlobRef, BlobStore, check_content, hex, validate_sha256};
use crate::error::Error;

/// Size of the parts of a multipart upload (S3 wants at least 5 MiB except for the last one).
const PART: usize = 8 * 1024 * 1024;
/// Chunks in flight between the download task and the reader.
const READ_AHEAD: usize = 4;

/// How to reach the S3 service. Everything but the bucket and prefix, which are in the URL.
#[derive(Clone, Default)]
pub struct S3Options {
    /// Service address, e.g. `https://s3.fr-par.scw.cloud` or `http://127.0.0.1:9000`; AWS when
    /// empty.
    pub endpoint: Option<String>,
    /// Region (`us-east-1` when empty; most S3-compatible services accept any).
    pub region: Option<String>,
    /// Access key id.
    pub access_key_id: Option<String>,
    /// Secret access key.
    pub secret_access_key: Option<String>,
    /// Allow `http://` endpoints (a service on the same private network or a test server).
    pub allow_http: bool,
}

impl std::fmt::Debug for S3Options {
    // Hand-written so the secret key can never reach a log line through `{:?}`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Options")
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .field(
                "secret_access_key",
                &self.secret_access_key.as_ref().map(|_| "***"),
            )
            .field("allow_http", &self.allow_http)
            .finish()
    }
}

impl S3Options {
    /// The options from the standard variables: `AWS_ENDPOINT_URL` (or `AWS_ENDPOINT`),
    /// `AWS_REGION` (or `AWS_DEFAULT_REGION`), `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
    /// `AWS_ALLOW_HTTP` (`true` to accept an `http://` endpoint).
    pub fn from_env() -> S3Options {
        let var = |names: &[&str]| {
            names
                .iter()
                .find_map(|n| std::env::var(n).ok().filter(|v| !v.is_empty()))
        };
        S3Options {
            endpoint: var(&["AWS_ENDPOINT_URL", "AWS_ENDPOINT"]),
            region: var(&["AWS_REGION", "AWS_DEFAULT_REGION"]),
            access_key_id: var(&["AWS_ACCESS_KEY_ID"]),
            secret_access_key: var(&["AWS_SECRET_ACCESS_KEY"]),
            allow_http: var(&["AWS_ALLOW_HTTP"]).is_some_and(|v| v.eq_ignore_ascii_case("true")),
        }
    }
}

/// Bucket and prefix of an `s3://seau/préfixe` URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Location {
    /// The bucket.
    pub bucket: String,
    /// The key prefix, without leading or trailing `/` (may be empty).
    pub prefix: String,
}

impl S3Location {
    /// Parses `s3://bucket[/prefix…]`, refusing what S3 would refuse later with a less clear
    /// message (bucket names are 3–63 lowercase letters, digits, dots and dashes) and prefixes
    /// with `..` or empty segments.
    pub fn parse(url: &str) -> Result<S3Location, Error> {
        // Keys pasted into the URL by mistake are masked in the message.
        let shown = match (url.strip_prefix("s3://"), url.rfind('@')) {
            (Some(_), Some(at)) => format!("s3://***{}", url.get(at..).unwrap_or_default()),
            _ => url.to_string(),
        };
        let invalid = |why: &str| {
            Error::invalid(
                "adresse de stockage S3",
                format!("{shown:?} : {why} (forme attendue : s3://seau ou s3://seau/dossier)"),
            )
        };
        let rest = url
            .strip_prefix("s3://")
            .ok_or_else(|| invalid("elle doit commencer par s3://"))?;
        if rest.contains(['?', '#', '@', '\\']) {
            return Err(invalid(
                "pas de paramètres ni d'identifiants dans l'adresse : les clés se donnent par \
                 AWS_ACCESS_KEY_ID et AWS_SECRET_ACCESS_KEY",
            ));
        }
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        let bucket_ok = (3..=63).contains(&bucket.len())
            && bucket
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
            && !bucket.starts_with(['.', '-'])
            && !bucket.ends_with(['.', '-']);
        if !bucket_ok {
            return Err(invalid(
                "nom de compartiment invalide (3 à 63 caractères : minuscules, chiffres, points, \
                 tirets)",
            ));
        }
        let prefix = prefix.trim_end_matches('/');
        if !prefix.is_empty()
            && prefix
                .split('/')
                .any(|seg| seg.is_empty() || seg == "." || seg == "..")
        {
            return Err(invalid("dossier invalide (segment vide, « . » ou « .. »)"));
        }
        Ok(S3Location {
            bucket: bucket.to_string(),
            prefix: prefix.to_string(),
        })
    }

    fn key(&self, rest: &str) -> ObjectPath {
        if self.prefix.is_empty() {
            ObjectPath::from(rest)
        } else {
            ObjectPath::from(format!("{}/{rest}", self.prefix))
        }
    }
}

impl std::fmt::Display for S3Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.prefix.is_empty() {
            write!(f, "s3://{}", self.bucket)
        } else {
            write!(f, "s3://{}/{}", self.bucket, self.prefix)
        }
    }
}

/// The runtime the S3 requests run on. Shut down without waiting when dropped: dropping a Tokio
/// runtime the ordinary way panics inside async code, where the server may drop its state.
struct IoRuntime(Option<tokio::runtime::Runtime>);

impl Drop for IoRuntime {
    fn drop(&mut self) {
        if let Some(rt) = self.0.take() {
            rt.shutdown_background();
        }
    }
}

/// The S3-compatible backend. Cheap to clone (shared client and runtime).
#[derive(Clone)]
pub struct S3BlobStore {
    store: Arc<dyn ObjectStore>,
    location: Arc<S3Location>,
    runtime: Arc<IoRuntime>,
}

impl std::fmt::Debug for S3BlobStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "S3BlobStore({})", self.location)
    }
}

impl S3BlobStore {
    /// A store at `url` (`s3://seau/préfixe`). Nothing is contacted yet: call
    /// [`S3BlobStore::check`] to find a wrong address or key at start-up rather than at the first
    /// upload.
    pub fn new(url: &str, options: &S3Options) -> Result<S3BlobStore, Error> {
        let location = S3Location::parse(url)?;
        // reqwest is built without a default TLS provider (see the workspace manifest): *ring*,
        // as everywhere in Vigie. Fails only when another provider is already installed, which
        // is just as good.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(&location.bucket)
            .with_region(options.region.as_deref().unwrap_or("us-east-1"))
            .with_allow_http(options.allow_http)
            // Path-style requests (`endpoint/bucket/key`): what every S3-compatible service
            // accepts, and no DNS entry per bucket.
            .with_virtual_hosted_style_request(false)
            .with_client_options(
                ClientOptions::new()
                    .with_connect_timeout(Duration::from_secs(10))
                    .with_timeout(Duration::from_secs(120))
                    .with_allow_http(options.allow_http),
            )
            // A few quick retries: a user waits behind an evidence upload.
            .with_retry(RetryConfig {
                backoff: BackoffConfig::default(),
                max_retries: 3,
                retry_timeout: Duration::from_secs(60),
            });
        if let Some(endpoint) = &options.endpoint {
            builder = builder.with_endpoint(endpoint);
        }
        if let Some(key) = &options.access_key_id {
            builder = builder.with_access_key_id(key);
        }
        if let Some(secret) = &options.secret_access_key {
            builder = builder.with_secret_access_key(secret);
        }
        let store = builder.build().map_err(|e| Error::ObjectStorage {
            location: location.to_string(),
            context: "la configuration".into(),
            detail: e.to_string(),
        })?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("vigie-s3")
            .enable_all()
            .build()
            .map_err(|e| Error::io("démarrage des tâches du stockage S3", e))?;
        Ok(S3BlobStore {
            store: Arc::new(store),
            location: Arc::new(location),
            runtime: Arc::new(IoRuntime(Some(runtime))),
        })
    }

    /// Where the blobs are (`s3://seau/préfixe`).
    pub fn location(&self) -> &S3Location {
        &self.location
    }

    /// Checks that the bucket answers and the keys are accepted (one listing request).
    pub fn check(&self) -> Result<(), Error> {
        let store = Arc::clone(&self.store);
        let prefix = self.location.key("sha256");
        self.run("la vérification de l'accès", async move {
            store.list_with_delimiter(Some(&prefix)).await.map(|_| ())
        })
    }

    fn storage_error(&self, context: &str, e: object_store::Error) -> Error {
        Error::ObjectStorage {
            location: self.location.to_string(),
            context: context.to_string(),
            detail: describe(&e),
        }
    }

    /// Runs one request on the store's runtime and waits for it from this (any) thread.
    fn run<T, F>(&self, context: &str, request: F) -> Result<T, Error>
    where
        T: Send + 'static,
        F: Future<Output = object_store::Result<T>> + Send + 'static,
    {
        let handle = match &self.runtime.0 {
            Some(rt) => rt.spawn(request),
            None => return Err(stopped(&self.location, context)),
        };
        match futures::executor::block_on(handle) {
            Ok(result) => result.map_err(|e| self.storage_error(context, e)),
            Err(_) => Err(stopped(&self.location, context)),
        }
    }

    fn blob_key(&self, sha256: &str) -> Result<ObjectPath, Error> {
        validate_sha256(sha256)?;
        let fanout = sha256.get(..2).unwrap_or_default();
        Ok(self.location.key(&format!("sha256/{fanout}/{sha256}")))
    }

    /// The size of the blob stored under `key`, `None` when there is none.
    fn stored_size(&self, key: &ObjectPath) -> Result<Option<u64>, Error> {
        let store = Arc::clone(&self.store);
        let key = key.clone();
        let head = self.run("la lecture des informations du fichier", async move {
            match store.head(&key).await {
                Ok(meta) => Ok(Some(meta.size)),
                Err(object_store::Error::NotFound { .. }) => Ok(None),
                Err(e) => Err(e),
            }
        })?;
        Ok(head)
    }

    fn put_whole(&self, key: ObjectPath, bytes: Vec<u8>) -> Result<(), Error> {
        let store = Arc::clone(&self.store);
        self.run("l'envoi du fichier", async move {
            store.put(&key, PutPayload::from(bytes)).await.map(|_| ())
        })
    }

    /// Streams the rest of a large source as a multipart upload to a temporary key, hashing as it
    /// goes, and returns the temporary key with the total size.
    fn put_multipart(
        &self,
        first: Vec<u8>,
        reader: &mut dyn Read,
        hasher: &mut Sha256,
    ) -> Result<(ObjectPath, u64), Error> {
        let tmp = self
            .location
            .key(&format!("tmp/{}", uuid::Uuid::new_v4().simple()));
        let store = Arc::clone(&self.store);
        let tmp_key = tmp.clone();
        let mut upload = self.run("le début de l'envoi en plusieurs parties", async move {
            store.put_multipart(&tmp_key).await
        })?;
        let mut size = first.len() as u64;
        let mut part = first;
        loop {
            upload = self.send_part(upload, part)?;
            let (next, eof) = match fill(reader, PART) {
                Ok(filled) => filled,
                Err(e) => {
                    let _ = self.run("l'abandon de l'envoi", async move { upload.abort().await });
                    return Err(Error::io(
                        "lecture du fichier à conserver interrompue (rien n'a été enregistré)",
                        e,
                    ));
                }
            };
            hasher.update(&next);
            size += next.len() as u64;
            if next.is_empty() {
                break;
            }
            if eof {
                upload = self.send_part(upload, next)?;
                break;
            }
            part = next;
        }
        self.run("la fin de l'envoi", async move {
            match upload.complete().await {
                Ok(_) => Ok(()),
                Err(e) => {
                    let _ = upload.abort().await;
                    Err(e)
                }
            }
        })?;
        Ok((tmp, size))
    }

    /// Sends one part of a multipart upload; on failure the upload is aborted, so nothing
    /// half-written stays behind.
    fn send_part(
        &self,
        mut upload: Box<dyn MultipartUpload>,
        bytes: Vec<u8>,
    ) -> Result<Box<dyn MultipartUpload>, Error> {
        let payload = PutPayload::from(bytes);
        let sent = self.run("l'envoi d'une partie", async move {
            match upload.put_part(payload).await {
                Ok(()) => Ok(Ok(upload)),
                Err(e) => {
                    let _ = upload.abort().await;
                    Ok(Err(e))
                }
            }
        })?;
        sent.map_err(|e| self.storage_error("l'envoi d'une partie", e))
    }

    fn delete_quietly(&self, key: ObjectPath) {
        let store = Arc::clone(&self.store);
        // Best effort: a leftover temporary key wastes space but is never read as a blob.
        let _ = self.run("la suppression d'un fichier temporaire", async move {
            store.delete(&key).await
        });
    }
}

impl BlobStore for S3BlobStore {
    fn put_stream(&self, reader: &mut dyn Read) -> Result<BlobRef, Error> {
        let mut hasher = Sha256::new();
        let (first, eof) = fill(reader, PART).map_err(|e| {
            Error::io(
                "lecture du fichier à conserver interrompue (rien n'a été enregistré)",
                e,
            )
        })?;
        hasher.update(&first);
        if eof {
            // Known whole: one PUT under the final name, unless it is there already.
            let size = first.len() as u64;
            let sha256 = hex(&hasher.finalize());
            let key = self.blob_key(&sha256)?;
            if self.stored_size(&key)? != Some(size) {
                self.put_whole(key, first)?;
            }
            return Ok(BlobRef { sha256, size });
        }
        let (tmp, size) = self.put_multipart(first, reader, &mut hasher)?;
        let sha256 = hex(&hasher.finalize());
        // Whatever happens from here, the temporary object is deleted.
        let copied = self.blob_key(&sha256).and_then(|key| {
            if self.stored_size(&key)? == Some(size) {
                return Ok(()); // Deduplicated.
            }
            let store = Arc::clone(&self.store);
            let from = tmp.clone();
            self.run("la copie vers le nom définitif", async move {
                store.copy(&from, &key).await
            })
        });
        self.delete_quietly(tmp);
        copied.map(|()| BlobRef { sha256, size })
    }

    fn open(&self, sha256: &str) -> Result<Box<dyn Read + Send>, Error> {
        let key = self.blob_key(sha256)?;
        let store = Arc::clone(&self.store);
        let found = self.run("l'ouverture du fichier", async move {
            match store.get(&key).await {
                Ok(got) => Ok(Some(got)),
                Err(object_store::Error::NotFound { .. }) => Ok(None),
                Err(e) => Err(e),
            }
        })?;
        let Some(got) = found else {
            return Err(Error::not_found("fichier de preuve", sha256));
        };
        let (tx, rx) = tokio::sync::mpsc::channel(READ_AHEAD);
        let Some(rt) = &self.runtime.0 else {
            return Err(stopped(&self.location, "la lecture du fichier"));
        };
        rt.spawn(async move {
            let mut chunks = got.into_stream();
            while let Some(chunk) = chunks.next().await {
                let chunk = chunk.map_err(|e| io::Error::other(describe(&e)));
                let failed = chunk.is_err();
                // The reader was dropped: stop downloading.
                if tx.send(chunk).await.is_err() || failed {
                    break;
                }
            }
        });
        Ok(Box::new(S3Reader {
            chunks: rx,
            current: Bytes::new(),
        }))
    }

    fn verify(&self, sha256: &str) -> Result<BlobCheck, Error> {
        let mut reader = match BlobStore::open(self, sha256) {
            Ok(reader) => reader,
            Err(Error::NotFound { .. }) => return Ok(BlobCheck::Missing),
            Err(e) => return Err(e),
        };
        check_content(&mut reader, sha256).map_err(|e| Error::ObjectStorage {
            location: self.location.to_string(),
            context: "la relecture du fichier".into(),
            detail: e.to_string(),
        })
    }

    fn exists(&self, sha256: &str) -> Result<bool, Error> {
        let key = self.blob_key(sha256)?;
        Ok(self.stored_size(&key)?.is_some())
    }

    fn describe(&self) -> String {
        self.location.to_string()
    }
}

/// A blob being downloaded, read synchronously.
struct S3Reader {
    chunks: tokio::sync::mpsc::Receiver<io::Result<Bytes>>,
    current: Bytes,
}

impl Read for S3Reader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.current.is_empty() {
            // `futures`' executor rather than Tokio's `blocking_recv`, which panics when the
            // caller happens to be inside an async context.
            match futures::executor::block_on(self.chunks.recv()) {
                Some(Ok(chunk)) => self.current = chunk,
                Some(Err(e)) => return Err(e),
                None => return Ok(0),
            }
        }
        let n = buf.len().min(self.current.len());
        let head = self.current.split_to(n);
        if let Some(dest) = buf.get_mut(..n) {
            dest.copy_from_slice(&head);
        }
        Ok(n)
    }
}

/// Reads up to `limit` bytes; returns them and whether the source is exhausted.
fn fill(reader: &mut dyn Read, limit: usize) -> io::Result<(Vec<u8>, bool)> {
    let mut out = Vec::with_capacity(limit.min(256 * 1024));
    let mut chunk = vec![0_u8; super::CHUNK];
    while out.len() < limit {
        let want = (limit - out.len()).min(chunk.len());
        let n = match reader.read(chunk.get_mut(..want).unwrap_or_default()) {
            Ok(0) => return Ok((out, true)),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        out.extend_from_slice(chunk.get(..n).unwrap_or_default());
    }
    Ok((out, false))
}

fn stopped(location: &S3Location, context: &str) -> Error {
    Error::ObjectStorage {
        location: location.to_string(),
        context: context.to_string(),
        detail: "les tâches du stockage se sont arrêtées".into(),
    }
}

/// What the storage said, in one line, without a request signature or a key: object_store's
/// messages name the operation, the path and the HTTP status, never the credentials.
fn describe(e: &object_store::Error) -> String {
    let text = e.to_string();
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    one_line.chars().take(400).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn locations() {
        let l = S3Location::parse("s3://vigie-preuves").unwrap();
        assert_eq!(
            (l.bucket.as_str(), l.prefix.as_str()),
            ("vigie-preuves", "")
        );
        assert_eq!(l.to_string(), "s3://vigie-preuves");
        let l = S3Location::parse("s3://seau/communes/preuves/").unwrap();
        assert_eq!(l.prefix, "communes/preuves");
        assert_eq!(
            l.key("sha256/ab/x").as_ref(),
            "communes/preuves/sha256/ab/x"
        );
        for bad in [
            "s3:/seau",
            "http://seau",
            "s3://",
            "s3://ab",
            "s3://Seau",
            "s3://seau_x",
            "s3://-seau",
            "s3://seau/../autre",
            "s3://seau//x",
            "s3://cle:secret@seau",
            "s3://seau?region=x",
        ] {
            let e = S3Location::parse(bad).expect_err(bad);
            assert!(e.to_string().contains("s3://seau"), "{bad}: {e}");
            assert!(!e.to_string().contains("secret"), "{bad}: {e}");
        }
    }

    #[test]
    fn options_never_print_the_secret() {
        let o = S3Options {
            secret_access_key: Some("tres-secret-42".into()),
            ..S3Options::default()
        };
        assert!(!format!("{o:?}").contains("tres-secret-42"));
    }

    proptest! {
        // Any source is cut into parts of exactly `limit` bytes until its end, whatever sizes
        // the reader hands out.
        #[test]
        fn fill_cuts_exact_parts(len in 0_usize..5000, limit in 1_usize..700, step in 1_usize..300) {
            struct Trickle { data: Vec<u8>, pos: usize, step: usize }
            impl Read for Trickle {
                fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                    let n = buf.len().min(self.step).min(self.data.len() - self.pos);
                    buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
                    self.pos += n;
                    Ok(n)
                }
            }
            let data: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let mut source = Trickle { data: data.clone(), pos: 0, step };
            let mut joined = Vec::new();
            loop {
                let (part, eof) = fill(&mut source, limit).unwrap();
                if !eof { prop_assert_eq!(part.len(), limit); }
                prop_assert!(part.len() <= limit);
                joined.extend(part);
                if eof { break; }
            }
            prop_assert_eq!(joined, data);
        }
    }
}
