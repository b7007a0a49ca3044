//! The fixture itself: starts, takes messages and folders, reports them through doveadm, and
//! serves them over IMAP (checked here with a bare plaintext IMAP exchange, no Vigie code).

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::Duration;

use vigie_testkit::Dovecot;

/// Sends one tagged command over plaintext IMAP and returns every line up to the tagged reply.
fn command(reader: &mut BufReader<TcpStream>, tag: &str, cmd: &str) -> Vec<String> {
    let stream = reader.get_mut();
    write!(stream, "{tag} {cmd}\r\n").expect("write");
    let mut lines = Vec::new();
    loop {
        let mut line = String::new();
        assert!(
            reader.read_line(&mut line).expect("read") > 0,
            "server closed"
        );
        let done = line.starts_with(&format!("{tag} "));
        lines.push(line);
        if done {
            return lines;
        }
    }
}

#[test]
fn fixture_serves_appended_messages_and_folders() {
    let dovecot = Dovecot::start().expect("start dovecot");
    dovecot
        .append(
            "INBOX",
            b"From: a@example.fr\r\nSubject: un\r\n\r\nCorps\r\n",
            &[],
        )
        .expect("append");
    dovecot
        .append(
            "INBOX",
            b"From: b@example.fr\r\nSubject: deux\r\n\r\nCorps\r\n",
            &["\\Seen", "\\Flagged"],
        )
        .expect("append");
    dovecot.create_folder("Archives/2024").expect("create");
    dovecot
        .append(
            "Éléments envoyés",
            b"Subject: trois\r\n\r\nx\r\n",
            &["\\Answered"],
        )
        .expect("append");

    let snapshot = dovecot
        .message_flags_snapshot(dovecot.user())
        .expect("snapshot");
    let inbox = &snapshot.folders["INBOX"];
    assert_eq!(inbox.messages, 2, "{snapshot:?}");
    let all_flags: Vec<_> = inbox.flags.values().cloned().collect();
    assert!(all_flags.iter().any(|f| f.is_empty()));
    assert!(
        all_flags
            .iter()
            .any(|f| f.contains("\\Seen") && f.contains("\\Flagged"))
    );
    assert_eq!(snapshot.folders["Éléments envoyés"].messages, 1);
    assert!(snapshot.folders.contains_key("Archives/2024"));
    assert!(snapshot.folders.contains_key("Sent"));
    assert_eq!(snapshot.total_messages(), 3);
    // The other user is untouched.
    let other = dovecot
        .message_flags_snapshot(dovecot.second_user())
        .expect("snapshot");
    assert_eq!(other.total_messages(), 0);

    let stream = TcpStream::connect((dovecot.host(), dovecot.imap_port())).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut reader = BufReader::new(stream);
    let mut greeting = String::new();
    reader.read_line(&mut greeting).expect("greeting");
    assert!(greeting.contains("STARTTLS"), "{greeting}");
    let login = command(
        &mut reader,
        "a",
        &format!("LOGIN \"{}\" \"{}\"", dovecot.user(), dovecot.password()),
    );
    assert!(
        login.last().is_some_and(|l| l.starts_with("a OK")),
        "{login:?}"
    );
    let list = command(&mut reader, "b", "LIST \"\" \"*\"");
    assert!(
        list.iter()
            .any(|l| l.contains("&AMk-l&AOk-ments envoy&AOk-s")),
        "{list:?}"
    );
    assert!(list.iter().any(|l| l.contains("Archives/2024")), "{list:?}");
    let examine = command(&mut reader, "c", "EXAMINE INBOX");
    assert!(
        examine.iter().any(|l| l.trim() == "* 2 EXISTS"),
        "{examine:?}"
    );

    // Nothing above changed the stored state.
    let again = dovecot
        .message_flags_snapshot(dovecot.user())
        .expect("snapshot");
    assert_eq!(snapshot, again);
}

#[test]
fn instances_run_side_by_side() {
    let a = Dovecot::start().expect("start a");
    let b = Dovecot::start().expect("start b");
    assert_ne!(a.imaps_port(), b.imaps_port());
    assert!(a.ca_cert_path().is_file());
    let dir = b.dir().to_path_buf();
    drop(b);
    assert!(!dir.exists(), "directory removed on drop");
    assert!(TcpStream::connect((a.host(), a.imaps_port())).is_ok());
}

#[test]
fn seed_copies_a_maildir_tree_with_folders() {
    let dovecot = Dovecot::start().expect("start dovecot");
    let src = tempfile::tempdir().expect("tempdir");
    let write = |rel: &str, body: &str| {
        let path = src.path().join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, body).expect("write");
    };
    write("cur/1.M1.host:2,S", "Subject: lu\r\n\r\nx\r\n");
    write("new/2.M2.host", "Subject: nouveau\r\n\r\nx\r\n");
    write(
        ".Factures.2024/cur/3.M3.host:2,",
        "Subject: facture\r\n\r\nx\r\n",
    );
    dovecot.seed(dovecot.user(), src.path()).expect("seed");
    let snapshot = dovecot
        .message_flags_snapshot(dovecot.user())
        .expect("snapshot");
    assert_eq!(snapshot.folders["INBOX"].messages, 2, "{snapshot:?}");
    assert_eq!(
        snapshot.folders["Factures/2024"].messages, 1,
        "{snapshot:?}"
    );
    let seen = snapshot.folders["INBOX"]
        .flags
        .values()
        .filter(|f| f.contains("\\Seen"))
        .count();
    assert_eq!(seen, 1);
}
