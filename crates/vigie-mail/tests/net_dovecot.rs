//! The network connectors against a real Dovecot + Pigeonhole (vigie-testkit): TLS modes,
//! error classes, folder listing, EXAMINE/CONDSTORE, streaming fetch without side effects,
//! ManageSieve, and connections cut in the middle of a fetch.
//!
//! Needs Dovecot installed: `tests/fixtures/dovecot.sh install`.

use std::ops::ControlFlow;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use vigie_mail::net::error::{CertificateProblem, NetError, NetErrorClass};
use vigie_mail::net::imap::{FetchedMessage, ImapConnection, ImapOptions, SpecialUse};
use vigie_mail::net::managesieve::ManageSieve;
use vigie_mail::net::{AccountUrl, Security};
use vigie_testkit::Dovecot;

fn start() -> Dovecot {
    match Dovecot::start() {
        Ok(d) => d,
        Err(e) => panic!("{e}"),
    }
}

fn options(dovecot: &Dovecot) -> ImapOptions {
    ImapOptions {
        timeout: Duration::from_secs(10),
        insecure_plaintext: false,
        ca_file: Some(dovecot.ca_cert_path()),
    }
}

fn imaps(dovecot: &Dovecot) -> AccountUrl {
    AccountUrl::parse(&dovecot.imaps_url()).expect("fixture URL parses")
}

fn account(security: Security, user: &str, host: &str, port: u16) -> AccountUrl {
    AccountUrl::new(security, user, host, Some(port)).expect("valid account")
}

async fn connect(dovecot: &Dovecot) -> ImapConnection {
    match ImapConnection::connect(&imaps(dovecot), dovecot.password(), &options(dovecot)).await {
        Ok(c) => c,
        Err(e) => panic!("{e}\n{}", dovecot.log()),
    }
}

/// A CRLF message of roughly `body_len` bytes, numbered.
fn message(n: usize, body_len: usize) -> Vec<u8> {
    let mut m = format!(
        "From: Mairie <accueil@mairie-exemple.fr>\r\n\
         To: secretariat@mairie-exemple.fr\r\n\
         Subject: Message {n}\r\n\
         Date: Mon, 6 Jan 2025 10:{:02}:00 +0100\r\n\
         Message-ID: <{n}@mairie-exemple.fr>\r\n\
         \r\n",
        n % 60
    )
    .into_bytes();
    let line = format!("Ligne du message {n}, délibération du conseil municipal.\r\n");
    while m.len() < body_len {
        m.extend_from_slice(line.as_bytes());
    }
    m
}

fn subject_number(m: &FetchedMessage) -> Option<usize> {
    let text = String::from_utf8_lossy(&m.raw);
    let line = text.lines().find(|l| l.starts_with("Subject: Message "))?;
    line.trim_start_matches("Subject: Message ")
        .trim()
        .parse()
        .ok()
}

#[tokio::test]
async fn imaps_login_with_ca_file() {
    let dovecot = start();
    let connection = connect(&dovecot).await;
    let info = connection.info().clone();
    assert!(!info.plaintext);
    assert_eq!(info.security, Security::ImplicitTls);
    assert_eq!(info.port, dovecot.imaps_port());
    assert!(
        connection.has_capability("IMAP4rev1"),
        "{:?}",
        info.capabilities
    );
    assert!(
        connection.has_capability("CONDSTORE"),
        "{:?}",
        info.capabilities
    );
    connection.logout().await.expect("logout");
}

#[tokio::test]
async fn starttls_on_imap_url_with_a_host_name() {
    let dovecot = start();
    // "localhost": the certificate is checked against a DNS name here (IP address elsewhere).
    let account = account(
        Security::StartTls,
        dovecot.user(),
        "localhost",
        dovecot.imap_port(),
    );
    let connection = ImapConnection::connect(&account, dovecot.password(), &options(&dovecot))
        .await
        .unwrap_or_else(|e| panic!("{e}\n{}", dovecot.log()));
    assert!(!connection.is_plaintext());
    assert_eq!(connection.info().security, Security::StartTls);
    // Post-login capabilities, asked again over TLS.
    assert!(connection.has_capability("CONDSTORE"));
    assert!(!connection.has_capability("STARTTLS"));
    connection.logout().await.expect("logout");
}

#[tokio::test]
async fn plaintext_only_with_the_insecure_flag_and_flagged() {
    let dovecot = start();
    let account = AccountUrl::parse(&dovecot.imap_url()).expect("url");
    let mut opts = options(&dovecot);
    opts.insecure_plaintext = true;
    let mut connection = ImapConnection::connect(&account, dovecot.password(), &opts)
        .await
        .unwrap_or_else(|e| panic!("{e}\n{}", dovecot.log()));
    assert!(connection.info().plaintext, "plaintext must be recorded");
    assert!(connection.list_folders().await.expect("list").len() >= 5);
    connection.logout().await.expect("logout");

    // The flag does not weaken imaps://.
    let secure = ImapConnection::connect(&imaps(&dovecot), dovecot.password(), &opts)
        .await
        .expect("imaps");
    assert!(!secure.is_plaintext());
}

/// A fake IMAP server that offers no STARTTLS and records what the client sends.
async fn no_starttls_server() -> (u16, tokio::task::JoinHandle<Vec<u8>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let handle = tokio::spawn(async move {
        let mut received = Vec::new();
        let Ok((mut socket, _)) = listener.accept().await else {
            return received;
        };
        let _ = socket
            .write_all(b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] Fake ready\r\n")
            .await;
        let mut buf = [0u8; 4096];
        loop {
            match tokio::time::timeout(Duration::from_secs(5), socket.read(&mut buf)).await {
                Ok(Ok(n)) if n > 0 => {
                    received.extend_from_slice(&buf[..n]);
                    if let Some(line) = String::from_utf8_lossy(&received).lines().last() {
                        let tag = line.split(' ').next().unwrap_or("*").to_string();
                        let _ = socket
                            .write_all(
                                format!("* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n{tag} OK done\r\n")
                                    .as_bytes(),
                            )
                            .await;
                    }
                }
                _ => return received,
            }
        }
    });
    (port, handle)
}

#[tokio::test]
async fn starttls_is_mandatory_for_imap_urls() {
    let (port, server) = no_starttls_server().await;
    let account = account(Security::StartTls, "secretariat", "127.0.0.1", port);
    let err = ImapConnection::connect(
        &account,
        "Secret-Qui-Ne-Doit-Pas-Fuir",
        &ImapOptions::default(),
    )
    .await
    .expect_err("must refuse");
    assert!(
        matches!(err, NetError::StartTlsUnavailable { .. }),
        "{err:?}"
    );
    assert_eq!(err.exit_code(), 5);
    assert!(err.to_string().contains("STARTTLS"), "{err}");
    let received = server.await.expect("server task");
    let text = String::from_utf8_lossy(&received);
    assert!(
        !text.contains("Secret-Qui-Ne-Doit-Pas-Fuir"),
        "password sent: {text}"
    );
    assert!(!text.to_ascii_uppercase().contains("LOGIN"), "{text}");
}

#[tokio::test]
async fn certificate_invalid_without_the_ca_file() {
    let dovecot = start();
    let mut opts = options(&dovecot);
    opts.ca_file = None;
    let err = ImapConnection::connect(&imaps(&dovecot), dovecot.password(), &opts)
        .await
        .expect_err("self-signed certificate must be refused");
    assert!(
        matches!(
            err,
            NetError::CertificateInvalid {
                problem: CertificateProblem::UnknownIssuer,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(err.class(), NetErrorClass::Tls);
    assert_eq!(err.exit_code(), 5);

    // Same over STARTTLS, and before any LOGIN: the log shows no login attempt.
    let starttls = account(
        Security::StartTls,
        dovecot.user(),
        "127.0.0.1",
        dovecot.imap_port(),
    );
    let err = ImapConnection::connect(&starttls, dovecot.password(), &opts)
        .await
        .expect_err("refused");
    assert!(
        matches!(err, NetError::CertificateInvalid { .. }),
        "{err:?}"
    );
    assert!(
        !dovecot.log().contains("Login: user=<"),
        "{}",
        dovecot.log()
    );
}

#[tokio::test]
async fn wrong_password_is_an_authentication_error() {
    let dovecot = start();
    let wrong = "Mauvais-Mot-De-Passe-99";
    let err = ImapConnection::connect(&imaps(&dovecot), wrong, &options(&dovecot))
        .await
        .expect_err("wrong password");
    assert!(
        matches!(err, NetError::AuthenticationFailed { .. }),
        "{err:?}"
    );
    assert_eq!(err.exit_code(), 4);
    let text = err.to_string();
    assert!(text.starts_with("Le serveur a refusé l'identifiant ou le mot de passe."));
    assert!(!text.contains(wrong) && !format!("{err:?}").contains(wrong));

    // A non-ASCII password goes as a literal and is refused the same way, not as a syntax error.
    let err = ImapConnection::connect(&imaps(&dovecot), "mot-de-passe-érroné", &options(&dovecot))
        .await
        .expect_err("wrong password");
    assert!(
        matches!(err, NetError::AuthenticationFailed { .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn unreachable_port_and_silent_server_are_connection_errors() {
    // A port nobody listens on: bind, note it, release it.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let target = account(Security::ImplicitTls, "u", "127.0.0.1", port);
    let err = ImapConnection::connect(&target, "x", &ImapOptions::default())
        .await
        .expect_err("refused");
    assert!(matches!(err, NetError::Unreachable { .. }), "{err:?}");
    assert_eq!(err.exit_code(), 3);

    // A server that accepts but never greets: timeout, same class.
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let holder = tokio::spawn(async move {
        let accepted = listener.accept().await;
        tokio::time::sleep(Duration::from_secs(3)).await;
        drop(accepted);
    });
    let target = account(Security::StartTls, "u", "127.0.0.1", port);
    let opts = ImapOptions {
        timeout: Duration::from_millis(300),
        ..ImapOptions::default()
    };
    let err = ImapConnection::connect(&target, "x", &opts)
        .await
        .expect_err("timeout");
    assert!(matches!(err, NetError::Timeout { .. }), "{err:?}");
    assert_eq!(err.exit_code(), 3);
    holder.abort();

    // Unknown host (resolution fails, or times out without network): class connection.
    let target = account(
        Security::ImplicitTls,
        "u",
        "serveur-inexistant.invalid",
        993,
    );
    let opts = ImapOptions {
        timeout: Duration::from_secs(3),
        ..ImapOptions::default()
    };
    let err = ImapConnection::connect(&target, "x", &opts)
        .await
        .expect_err("no such host");
    assert_eq!(err.class(), NetErrorClass::Connection, "{err:?}");
}

#[tokio::test]
async fn list_folders_with_special_use_and_decoded_names() {
    let dovecot = start();
    dovecot.create_folder("Archives/2024").expect("folder");
    dovecot
        .append("Éléments supprimés", &message(1, 100), &[])
        .expect("append");
    let mut connection = connect(&dovecot).await;
    let folders = connection.list_folders().await.expect("list");
    let find = |name: &str| folders.iter().find(|f| f.display_name == name);
    assert!(find("INBOX").is_some(), "{folders:?}");
    let sent = find("Sent").expect("Sent listed");
    assert_eq!(sent.special_use, Some(SpecialUse::Sent));
    assert_eq!(
        find("Trash").and_then(|f| f.special_use),
        Some(SpecialUse::Trash)
    );
    assert_eq!(
        find("Junk").and_then(|f| f.special_use),
        Some(SpecialUse::Junk)
    );
    assert_eq!(
        find("Drafts").and_then(|f| f.special_use),
        Some(SpecialUse::Drafts)
    );
    let archives = find("Archives/2024").expect("nested folder");
    assert_eq!(archives.delimiter.as_deref(), Some("/"));
    let deleted = find("Éléments supprimés").expect("decoded name");
    assert_eq!(deleted.name, "&AMk-l&AOk-ments supprim&AOk-s");
    // The encoded name is what EXAMINE takes.
    let status = connection.examine(&deleted.name).await.expect("examine");
    assert_eq!(status.exists, 1);
}

#[tokio::test]
async fn examine_reports_uidvalidity_and_condstore_modseq_read_only() {
    let dovecot = start();
    dovecot
        .append("INBOX", &message(1, 200), &[])
        .expect("append");
    dovecot
        .append("INBOX", &message(2, 200), &["\\Seen"])
        .expect("append");
    let mut connection = connect(&dovecot).await;
    let status = connection.examine("INBOX").await.expect("examine");
    let snapshot = dovecot
        .message_flags_snapshot(dovecot.user())
        .expect("snapshot");
    let inbox = &snapshot.folders["INBOX"];
    assert_eq!(status.exists, 2);
    assert_eq!(status.uid_validity, inbox.uid_validity);
    assert_eq!(status.uid_next, Some(inbox.uid_next));
    assert_eq!(status.highest_modseq, Some(inbox.highest_modseq));
    assert!(status.read_only, "EXAMINE must be read-only");

    let err = connection
        .examine("Dossier-Inexistant")
        .await
        .expect_err("no such folder");
    assert!(matches!(err, NetError::CommandRefused { .. }), "{err:?}");
    // A refused command leaves the session usable.
    assert_eq!(
        connection.examine("INBOX").await.expect("examine").exists,
        2
    );
}

#[tokio::test]
async fn fetch_since_streams_everything_then_only_new_messages_without_side_effects() {
    let dovecot = start();
    let originals: Vec<Vec<u8>> = (0..5).map(|n| message(n, 3000 + n * 500)).collect();
    for (n, raw) in originals.iter().enumerate() {
        let flags: &[&str] = if n == 1 {
            &["\\Seen", "\\Flagged"]
        } else {
            &[]
        };
        dovecot.append("INBOX", raw, flags).expect("append");
    }
    let before = dovecot
        .message_flags_snapshot(dovecot.user())
        .expect("snapshot");

    let mut connection = connect(&dovecot).await;
    let mut seen = Vec::new();
    let summary = connection
        .fetch_since("INBOX", 0, 2, |m| {
            seen.push(m);
            ControlFlow::Continue(())
        })
        .await
        .expect("fetch");
    assert_eq!(summary.fetched, 5);
    assert_eq!(seen.len(), 5);
    assert!(!summary.stopped_early);
    assert!(seen.windows(2).all(|w| w[0].uid < w[1].uid), "UID order");
    assert_eq!(summary.last_uid, seen.last().map(|m| m.uid));
    assert_eq!(
        summary.status.uid_validity,
        before.folders["INBOX"].uid_validity
    );
    for m in &seen {
        let n = subject_number(m).expect("subject");
        assert_eq!(m.raw, originals[n], "message {n} byte-exact");
        assert_eq!(
            m.size,
            Some(u32::try_from(originals[n].len()).expect("size"))
        );
        assert!(m.internal_date.is_some());
        assert_eq!(m.folder, "INBOX");
        assert_eq!(m.uid_validity, summary.status.uid_validity);
        let has_seen = m.flags.iter().any(|f| f == "\\Seen");
        assert_eq!(has_seen, n == 1, "flags of message {n}: {:?}", m.flags);
    }
    assert_eq!(
        summary.bytes,
        originals.iter().map(|o| o.len() as u64).sum::<u64>()
    );

    // Nothing changed on the server: counts, flags (no \Seen appeared), modseq.
    let after = dovecot
        .message_flags_snapshot(dovecot.user())
        .expect("snapshot");
    assert_eq!(before, after);
    let unseen = after.folders["INBOX"]
        .flags
        .values()
        .filter(|f| !f.contains("\\Seen"))
        .count();
    assert_eq!(unseen, 4);

    // Incremental: only messages after the last UID.
    let last = summary.last_uid.expect("last uid");
    dovecot
        .append("INBOX", &message(10, 500), &[])
        .expect("append");
    dovecot
        .append("INBOX", &message(11, 500), &[])
        .expect("append");
    let after_appends = dovecot
        .message_flags_snapshot(dovecot.user())
        .expect("snapshot");
    let mut new = Vec::new();
    let incremental = connection
        .fetch_since("INBOX", last, 100, |m| {
            new.push(subject_number(&m));
            ControlFlow::Continue(())
        })
        .await
        .expect("incremental fetch");
    new.sort();
    assert_eq!(new, vec![Some(10), Some(11)]);
    assert_eq!(incremental.fetched, 2);
    let again = connection
        .fetch_since("INBOX", incremental.last_uid.expect("uid"), 100, |_| {
            ControlFlow::Continue(())
        })
        .await
        .expect("nothing new");
    assert_eq!(again.fetched, 0);
    assert_eq!(again.last_uid, None);

    // Early stop: the callback is not called again, the session stays usable.
    let mut calls = 0;
    let stopped = connection
        .fetch_since("INBOX", 0, 3, |_| {
            calls += 1;
            ControlFlow::Break(())
        })
        .await
        .expect("stopped fetch");
    assert_eq!(
        (calls, stopped.fetched, stopped.stopped_early),
        (1, 1, true)
    );
    assert_eq!(
        connection.examine("INBOX").await.expect("examine").exists,
        7
    );

    connection.logout().await.expect("logout");
    let end = dovecot
        .message_flags_snapshot(dovecot.user())
        .expect("snapshot");
    // Everything since the two appends (incremental, repeated and interrupted fetches, EXAMINE,
    // LOGOUT) left the server state as it was.
    assert_eq!(end, after_appends);
    assert_eq!(end.folders["INBOX"].messages, 7);
    let seen = end.folders["INBOX"]
        .flags
        .values()
        .filter(|f| f.contains("\\Seen"))
        .count();
    assert_eq!(seen, 1, "{end:?}");
}

#[tokio::test]
async fn blocking_facade_works_outside_async() {
    let dovecot = start();
    dovecot
        .append("INBOX", &message(1, 100), &[])
        .expect("append");
    let account = imaps(&dovecot);
    let opts = options(&dovecot);
    let password = dovecot.password().to_string();
    let count = tokio::task::spawn_blocking(move || {
        let mut imap = vigie_mail::net::imap::blocking::Imap::connect(&account, &password, &opts)?;
        let mut n = 0;
        imap.fetch_since("INBOX", 0, 10, |_| {
            n += 1;
            ControlFlow::Continue(())
        })?;
        imap.logout()?;
        Ok::<_, NetError>(n)
    })
    .await
    .expect("join")
    .expect("blocking imap");
    assert_eq!(count, 1);
}

const VACATION: &str = "require [\"vacation\", \"fileinto\"];\r\n\
# Réponse d'absence\r\n\
vacation :days 1 :subject \"Absence\" text:\r\n\
Bonjour,\r\n\
\r\n\
La mairie est fermée jusqu'au 6 janvier.\r\n\
..Ligne commençant par un point.\r\n\
.\r\n\
;\r\n";

const FORWARD: &str = "require [\"copy\"];\r\nredirect :copy \"pirate@example.net\";\r\n";

#[tokio::test]
async fn managesieve_put_list_get_with_active_mark() {
    let dovecot = start();
    let imap_account = imaps(&dovecot);
    let mut sieve = ManageSieve::connect_account(
        &imap_account,
        Some(dovecot.sieve_port()),
        dovecot.password(),
        &options(&dovecot),
    )
    .await
    .unwrap_or_else(|e| panic!("{e}\n{}", dovecot.log()));
    assert!(!sieve.is_plaintext());
    let caps = sieve.capabilities().clone();
    assert!(
        caps.sieve_extensions.iter().any(|e| e == "vacation"),
        "{caps:?}"
    );
    assert!(caps.implementation.is_some());
    assert!(
        !caps.starttls,
        "capabilities after TLS do not offer STARTTLS again"
    );

    assert_eq!(sieve.list_scripts().await.expect("list"), vec![]);
    sieve.put_script("absence", VACATION).await.expect("put");
    sieve
        .put_script("transfert \"caché\"", FORWARD)
        .await
        .expect("put");
    sieve
        .set_active("transfert \"caché\"")
        .await
        .expect("activate");

    let mut scripts = sieve.list_scripts().await.expect("list");
    scripts.sort_by(|a, b| a.name.cmp(&b.name));
    let listed: Vec<(&str, bool)> = scripts
        .iter()
        .map(|s| (s.name.as_str(), s.active))
        .collect();
    assert_eq!(
        listed,
        vec![("absence", false), ("transfert \"caché\"", true)]
    );

    assert_eq!(sieve.get_script("absence").await.expect("get"), VACATION);
    assert_eq!(
        sieve.get_script("transfert \"caché\"").await.expect("get"),
        FORWARD
    );
    let err = sieve
        .get_script("inexistant")
        .await
        .expect_err("no such script");
    assert!(matches!(err, NetError::CommandRefused { .. }), "{err:?}");

    sieve.delete_script("absence").await.expect("delete");
    assert_eq!(sieve.list_scripts().await.expect("list").len(), 1);
    sieve.logout().await.expect("logout");

    // The fixture's direct writes are seen through ManageSieve too.
    dovecot
        .put_sieve_script(dovecot.second_user(), "regle", "keep;\r\n", true)
        .expect("fixture script");
    let second = account(
        Security::ImplicitTls,
        dovecot.second_user(),
        "127.0.0.1",
        dovecot.imaps_port(),
    );
    let mut sieve = ManageSieve::connect_account(
        &second,
        Some(dovecot.sieve_port()),
        dovecot.second_password(),
        &options(&dovecot),
    )
    .await
    .expect("second user");
    let scripts = sieve.list_scripts().await.expect("list");
    assert_eq!(scripts.len(), 1);
    assert!(scripts[0].active);
    assert_eq!(sieve.get_script("regle").await.expect("get"), "keep;\r\n");
}

#[tokio::test]
async fn managesieve_errors_are_classified() {
    let dovecot = start();
    let err = ManageSieve::connect_account(
        &imaps(&dovecot),
        Some(dovecot.sieve_port()),
        "mauvais",
        &options(&dovecot),
    )
    .await
    .expect_err("wrong password");
    assert!(
        matches!(err, NetError::AuthenticationFailed { .. }),
        "{err:?}"
    );

    let mut no_ca = options(&dovecot);
    no_ca.ca_file = None;
    let err = ManageSieve::connect("127.0.0.1", dovecot.sieve_port(), &no_ca)
        .await
        .expect_err("untrusted certificate");
    assert!(
        matches!(err, NetError::CertificateInvalid { .. }),
        "{err:?}"
    );

    let mut plain = options(&dovecot);
    plain.insecure_plaintext = true;
    let mut sieve = ManageSieve::connect("127.0.0.1", dovecot.sieve_port(), &plain)
        .await
        .expect("plaintext allowed by the fixture");
    assert!(sieve.is_plaintext());
    assert!(sieve.capabilities().starttls);
    sieve
        .authenticate(dovecot.user(), dovecot.password())
        .await
        .expect("plaintext auth");
    assert!(sieve.list_scripts().await.expect("list").is_empty());
}

/// A TCP relay to `target` that closes the client connection after `cut_after` bytes from the
/// server: a connection dropped in the middle of a transfer.
async fn cutting_proxy(target: u16, cut_after: usize) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        let Ok((client, _)) = listener.accept().await else {
            return;
        };
        let Ok(server) = TcpStream::connect(("127.0.0.1", target)).await else {
            return;
        };
        let (mut client_read, mut client_write) = client.into_split();
        let (mut server_read, mut server_write) = server.into_split();
        let upstream = tokio::spawn(async move {
            let _ = tokio::io::copy(&mut client_read, &mut server_write).await;
        });
        let mut relayed = 0usize;
        let mut buf = vec![0u8; 16 * 1024];
        while relayed < cut_after {
            let Ok(n) = server_read.read(&mut buf).await else {
                break;
            };
            if n == 0 {
                break;
            }
            let n = n.min(cut_after - relayed);
            if client_write.write_all(&buf[..n]).await.is_err() {
                break;
            }
            relayed += n;
        }
        upstream.abort();
        // Dropping both halves closes the client side mid-stream.
    });
    port
}

#[tokio::test]
async fn connection_cut_mid_fetch_is_a_dropped_connection() {
    let dovecot = start();
    for n in 0..40 {
        dovecot
            .append("INBOX", &message(n, 30_000), &[])
            .expect("append");
    }
    let proxy_port = cutting_proxy(dovecot.imaps_port(), 300_000).await;
    let account = account(
        Security::ImplicitTls,
        dovecot.user(),
        "127.0.0.1",
        proxy_port,
    );
    let mut connection = ImapConnection::connect(&account, dovecot.password(), &options(&dovecot))
        .await
        .expect("connect through proxy");
    let mut received = 0;
    let err = connection
        .fetch_since("INBOX", 0, 10, |_| {
            received += 1;
            ControlFlow::Continue(())
        })
        .await
        .expect_err("the proxy cuts the connection");
    assert!(matches!(err, NetError::ConnectionDropped { .. }), "{err:?}");
    assert_eq!(err.exit_code(), 6);
    assert!(received > 0 && received < 40, "received {received}");
    // The session is now unusable and says so, without hanging.
    let again = connection.examine("INBOX").await.expect_err("broken");
    assert!(
        matches!(again, NetError::ConnectionDropped { .. }),
        "{again:?}"
    );
}

#[tokio::test]
async fn server_stopped_mid_fetch_is_a_dropped_connection() {
    let mut dovecot = start();
    for n in 0..30 {
        dovecot
            .append("INBOX", &message(n, 20_000), &[])
            .expect("append");
    }
    let mut connection = connect(&dovecot).await;
    let mut received = 0;
    let result = connection
        .fetch_since("INBOX", 0, 5, |_| {
            received += 1;
            if received == 1 {
                dovecot.stop().expect("stop the server");
            }
            ControlFlow::Continue(())
        })
        .await;
    let err = result.expect_err("server went away");
    assert!(matches!(err, NetError::ConnectionDropped { .. }), "{err:?}");
    assert!(received < 30, "received {received}");
}
