//! A local S3-compatible server for the tests of the `s3://` blob store.
//!
//! No S3 server is packaged in Debian, so the tests run `s3s-fs` (the S3 protocol of the `s3s`
//! crate over a plain directory) inside the test's own process, on a free loopback port, with
//! signature V4 authentication switched on: a request signed with a wrong key is refused as a
//! real service would refuse it. Objects are plain files under [`S3Server::object_path`], so a
//! test can damage one behind the application's back.

use std::path::{Path, PathBuf};
use std::thread::JoinHandle;

use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder as ConnBuilder;
use s3s::auth::SimpleAuth;
use s3s::service::S3ServiceBuilder;

/// The bucket created at start.
pub const BUCKET: &str = "vigie-preuves";
/// Access key id accepted by the server.
pub const ACCESS_KEY: &str = "VIGIETESTKEY";
/// Secret key accepted by the server.
pub const SECRET_KEY: &str = "vigie-test-secret-not-for-production";

/// A running server; stops and deletes its directory when dropped.
pub struct S3Server {
    port: u16,
    dir: tempfile::TempDir,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl S3Server {
    /// Starts a server with one empty bucket, [`BUCKET`].
    pub fn start() -> std::io::Result<S3Server> {
        let dir = tempfile::Builder::new().prefix("vigie-s3-").tempdir()?;
        std::fs::create_dir_all(dir.path().join(BUCKET))?;
        let fs = s3s_fs::FileSystem::new(dir.path())
            .map_err(|e| std::io::Error::other(format!("{e:?}")))?;
        let service = {
            let mut builder = S3ServiceBuilder::new(fs);
            builder.set_auth(SimpleAuth::from_single(ACCESS_KEY, SECRET_KEY));
            builder.build()
        };
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let port = listener.local_addr()?.port();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?;
        let (stop_tx, mut stop_rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            runtime.block_on(async move {
                let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                    return;
                };
                let http = ConnBuilder::new(TokioExecutor::new());
                loop {
                    tokio::select! {
                        accepted = listener.accept() => {
                            let Ok((socket, _)) = accepted else { continue };
                            let conn = http
                                .serve_connection(TokioIo::new(socket), service.clone())
                                .into_owned();
                            tokio::spawn(async move {
                                let _ = conn.await;
                            });
                        }
                        _ = &mut stop_rx => break,
                    }
                }
            });
            runtime.shutdown_background();
        });
        Ok(S3Server {
            port,
            dir,
            stop: Some(stop_tx),
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:PORT`, the endpoint to give the client.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The directory holding the buckets.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// The file behind an object of [`BUCKET`].
    pub fn object_path(&self, key: &str) -> PathBuf {
        self.dir.path().join(BUCKET).join(key)
    }

    /// The keys of every object in [`BUCKET`] (s3s-fs keeps its own metadata files beside them,
    /// which are left out), sorted.
    pub fn keys(&self) -> Vec<String> {
        fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
            let Ok(entries) = std::fs::read_dir(dir) else {
                return;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(base, &path, out);
                } else if let Ok(rel) = path.strip_prefix(base) {
                    let key = rel.to_string_lossy().replace('\\', "/");
                    if !key.starts_with('.') && !key.contains("/.") {
                        out.push(key);
                    }
                }
            }
        }
        let base = self.dir.path().join(BUCKET);
        let mut out = Vec::new();
        walk(&base, &base, &mut out);
        out.sort();
        out
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
