//! The byte stream under the protocol clients: TCP, optionally wrapped in TLS (from the start or
//! after STARTTLS), plus the connection step with its DNS / refused / timeout classification.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

use super::error::NetError;

/// TCP or TLS-over-TCP. One type so that the protocol clients do not become generic, and so
/// that STARTTLS can swap the inside without the caller noticing.
#[derive(Debug)]
pub(crate) enum Transport {
    /// Cleartext: before STARTTLS, or with `--insecure-plaintext`.
    Plain(TcpStream),
    /// TLS (boxed: the TLS state is large and this enum is moved around).
    Tls(Box<TlsStream<TcpStream>>),
}

impl AsyncRead for Transport {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Transport::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Transport::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Transport {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Transport::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Transport::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Transport::Plain(s) => Pin::new(s).poll_flush(cx),
            Transport::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Transport::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Transport::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

/// Opens a TCP connection to `host:port`, trying every resolved address, the whole within
/// `timeout` per step (resolution, then connection).
pub(crate) async fn connect_tcp(
    host: &str,
    port: u16,
    timeout: Duration,
) -> Result<TcpStream, NetError> {
    let seconds = whole_seconds(timeout);
    let addrs: Vec<_> =
        match tokio::time::timeout(timeout, tokio::net::lookup_host((host, port))).await {
            Err(_) => {
                return Err(NetError::Timeout {
                    step: "résolution du nom du serveur",
                    seconds,
                });
            }
            Ok(Err(_)) => {
                return Err(NetError::HostNotFound {
                    host: host.to_string(),
                });
            }
            Ok(Ok(addrs)) => addrs.collect(),
        };
    if addrs.is_empty() {
        return Err(NetError::HostNotFound {
            host: host.to_string(),
        });
    }
    let mut last_error = None;
    for addr in addrs {
        match tokio::time::timeout(timeout, TcpStream::connect(addr)).await {
            Err(_) => {
                last_error = Some(NetError::Timeout {
                    step: "connexion au serveur",
                    seconds,
                });
            }
            Ok(Ok(stream)) => {
                // Commands are small and latency-bound; don't let Nagle delay them.
                let _ = stream.set_nodelay(true);
                return Ok(stream);
            }
            Ok(Err(err)) => {
                last_error = Some(NetError::Unreachable {
                    host: host.to_string(),
                    port,
                    reason: describe_connect_error(&err),
                });
            }
        }
    }
    Err(last_error.unwrap_or(NetError::HostNotFound {
        host: host.to_string(),
    }))
}

fn describe_connect_error(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::ConnectionRefused => "connexion refusée : aucun service sur ce port".into(),
        io::ErrorKind::HostUnreachable => "serveur injoignable".into(),
        io::ErrorKind::NetworkUnreachable => "réseau injoignable".into(),
        io::ErrorKind::TimedOut => "délai de connexion dépassé".into(),
        io::ErrorKind::PermissionDenied => "connexion interdite par le système".into(),
        _ => err.to_string(),
    }
}

/// Runs one network step under `timeout`, turning the elapsed case into [`NetError::Timeout`].
pub(crate) async fn step<T>(
    timeout: Duration,
    step: &'static str,
    fut: impl Future<Output = Result<T, NetError>>,
) -> Result<T, NetError> {
    match tokio::time::timeout(timeout, fut).await {
        Ok(result) => result,
        Err(_) => Err(NetError::Timeout {
            step,
            seconds: whole_seconds(timeout),
        }),
    }
}

/// A timeout in whole seconds for messages, rounded up so that 300 ms is not shown as "0 s".
pub(crate) fn whole_seconds(timeout: Duration) -> u64 {
    u64::try_from(timeout.as_millis().div_ceil(1000)).unwrap_or(u64::MAX)
}
