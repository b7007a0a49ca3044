//! TLS for the connectors: a rustls client configuration trusting the system's authorities plus,
//! optionally, the certificates of a PEM file (`--ca-file`, for a commune's internal server or a
//! self-signed one), and the classification of handshake failures into certificate problems
//! (unknown issuer, expired, name mismatch...) versus other TLS failures, so that the user gets
//! the right advice.
//!
//! Certificate verification is never disabled: there is deliberately no "accept any
//! certificate" switch. A user with a self-signed server pins it with `--ca-file`.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::{CertificateDer, ServerName, pem::PemObject as _};
use rustls::{CertificateError, ClientConfig, RootCertStore};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

use super::error::{CertificateProblem, NetError};

/// Builds the client configuration: system roots (as found by `rustls-native-certs`) plus every
/// certificate of `ca_file` when given. A `ca_file` that cannot be read or holds no certificate
/// is an error: silently ignoring it would turn into a confusing "unknown issuer" later.
pub fn client_config(ca_file: Option<&Path>) -> Result<Arc<ClientConfig>, NetError> {
    let mut roots = RootCertStore::empty();
    // Unreadable individual system certificates are skipped: one broken file in
    // /etc/ssl/certs must not prevent connecting to a server signed by another authority.
    let native = rustls_native_certs::load_native_certs();
    roots.add_parsable_certificates(native.certs);

    if let Some(path) = ca_file {
        let extra = load_pem_certificates(path)?;
        for cert in extra {
            roots.add(cert).map_err(|e| NetError::CaFile {
                path: path.to_path_buf(),
                detail: format!("certificat refusé ({e})"),
            })?;
        }
    }

    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| NetError::Internal {
            detail: format!("configuration TLS : {e}"),
        })?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

fn load_pem_certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>, NetError> {
    let ca_error = |detail: String| NetError::CaFile {
        path: path.to_path_buf(),
        detail,
    };
    let data = std::fs::read(path).map_err(|e| ca_error(format!("lecture impossible ({e})")))?;
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&data)
        .collect::<Result<_, _>>()
        .map_err(|e| ca_error(format!("format PEM invalide ({e})")))?;
    if certs.is_empty() {
        return Err(ca_error("aucun certificat trouvé".to_string()));
    }
    Ok(certs)
}

/// The name the certificate must match: a DNS name, or an IP address for `127.0.0.1`-style hosts.
pub fn server_name(host: &str) -> Result<ServerName<'static>, NetError> {
    ServerName::try_from(host.to_string()).map_err(|_| NetError::Tls {
        host: host.to_string(),
        detail: "nom de serveur inutilisable pour TLS".to_string(),
    })
}

/// Runs the TLS handshake over an open TCP connection, within `timeout`.
pub(crate) async fn handshake(
    tcp: TcpStream,
    host: &str,
    config: Arc<ClientConfig>,
    timeout: Duration,
) -> Result<TlsStream<TcpStream>, NetError> {
    let name = server_name(host)?;
    let connector = TlsConnector::from(config);
    match tokio::time::timeout(timeout, connector.connect(name, tcp)).await {
        Err(_) => Err(NetError::Timeout {
            step: "négociation TLS",
            seconds: super::stream::whole_seconds(timeout),
        }),
        Ok(Ok(stream)) => Ok(stream),
        Ok(Err(err)) => Err(classify_handshake_error(&err, host)),
    }
}

/// Turns a handshake I/O error into the right [`NetError`]: a certificate the verifier refused
/// becomes [`NetError::CertificateInvalid`] with the reason; an early end of stream means the
/// peer hung up (often: not a TLS port); anything else is [`NetError::Tls`].
pub fn classify_handshake_error(err: &std::io::Error, host: &str) -> NetError {
    if let Some(tls) = err
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
    {
        return classify_rustls_error(tls, host);
    }
    match err.kind() {
        std::io::ErrorKind::UnexpectedEof
        | std::io::ErrorKind::ConnectionReset
        | std::io::ErrorKind::ConnectionAborted
        | std::io::ErrorKind::BrokenPipe => NetError::Tls {
            host: host.to_string(),
            detail: "le serveur a fermé la connexion pendant la négociation".to_string(),
        },
        _ => NetError::Tls {
            host: host.to_string(),
            detail: err.to_string(),
        },
    }
}

/// [`classify_handshake_error`] for a bare rustls error.
pub fn classify_rustls_error(err: &rustls::Error, host: &str) -> NetError {
    let certificate = |problem| NetError::CertificateInvalid {
        host: host.to_string(),
        problem,
    };
    match err {
        rustls::Error::InvalidCertificate(cert) => certificate(match cert {
            CertificateError::UnknownIssuer => CertificateProblem::UnknownIssuer,
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                CertificateProblem::Expired
            }
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                CertificateProblem::NotYetValid
            }
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                CertificateProblem::NameMismatch
            }
            CertificateError::Revoked => CertificateProblem::Revoked,
            other => CertificateProblem::Other(format!("{other:?}")),
        }),
        rustls::Error::InvalidMessage(_) | rustls::Error::InappropriateMessage { .. } => {
            NetError::Tls {
                host: host.to_string(),
                detail: "réponse non TLS (ce port attend peut-être une connexion non chiffrée)"
                    .to_string(),
            }
        }
        other => NetError::Tls {
            host: host.to_string(),
            detail: other.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::error::NetErrorClass;

    #[test]
    fn certificate_errors_are_classified() {
        let cases = [
            (
                CertificateError::UnknownIssuer,
                CertificateProblem::UnknownIssuer,
            ),
            (CertificateError::Expired, CertificateProblem::Expired),
            (
                CertificateError::NotValidYet,
                CertificateProblem::NotYetValid,
            ),
            (
                CertificateError::NotValidForName,
                CertificateProblem::NameMismatch,
            ),
            (CertificateError::Revoked, CertificateProblem::Revoked),
        ];
        for (input, expected) in cases {
            let err = classify_rustls_error(&rustls::Error::InvalidCertificate(input), "h");
            match err {
                NetError::CertificateInvalid { problem, .. } => assert_eq!(problem, expected),
                other => panic!("unexpected {other:?}"),
            }
        }
    }

    #[test]
    fn io_wrapped_errors_are_unwrapped() {
        let io = std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            rustls::Error::InvalidCertificate(CertificateError::NotValidForName),
        );
        let err = classify_handshake_error(&io, "imap.example.fr");
        assert!(matches!(
            err,
            NetError::CertificateInvalid {
                problem: CertificateProblem::NameMismatch,
                ..
            }
        ));
        let eof = std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "eof");
        assert_eq!(
            classify_handshake_error(&eof, "h").class(),
            NetErrorClass::Tls
        );
    }

    #[test]
    fn bad_ca_file_is_reported() {
        let dir = tempfile::tempdir().map_err(|e| e.to_string());
        let Ok(dir) = dir else { return };
        let path = dir.path().join("ca.pem");
        assert!(std::fs::write(&path, "not a certificate\n").is_ok());
        assert!(matches!(
            client_config(Some(&path)),
            Err(NetError::CaFile { .. })
        ));
        let missing = dir.path().join("missing.pem");
        assert!(matches!(
            client_config(Some(&missing)),
            Err(NetError::CaFile { .. })
        ));
        assert!(client_config(None).is_ok());
    }
}
