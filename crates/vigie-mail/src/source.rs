//! Local message sources: a Maildir tree, an mbox file, `.eml` files or directories.
//!
//! Each source hands messages one at a time to a callback, so a whole mailbox never sits in
//! memory. Files are only read, never moved or renamed (a Maildir message keeps its flags).
//! Folder names follow what a person sees in a webmail: `INBOX`, `Archives/2019`.

use std::fs;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::scan::RawMessage;

/// The callback returns `false` to stop early (interruption).
///
/// Reads every message of the Maildir tree at `root` (Maildir++ `.Folder.Sub` or nested
/// `Folder/Sub` layouts), folders sorted by name, messages by file name. `folder_filter`
/// restricts to one folder (exact name as shown in the report).
///
/// Files that cannot be read are listed in the returned vector (French reasons), the others
/// are still read.
pub fn read_maildir(
    root: &Path,
    folder_filter: Option<&str>,
    f: &mut dyn FnMut(RawMessage) -> bool,
) -> Result<Vec<String>, Error> {
    let meta = fs::metadata(root).map_err(|e| Error::read(root, &e))?;
    if !meta.is_dir() {
        return Err(Error::NotMaildir {
            path: root.to_path_buf(),
        });
    }
    let mut folders = Vec::new();
    collect_maildir_folders(root, root, &mut folders, 0);
    if folders.is_empty() {
        return Err(Error::NotMaildir {
            path: root.to_path_buf(),
        });
    }
    folders.sort();
    let mut skipped = Vec::new();
    for (name, dir) in folders {
        if folder_filter.is_some_and(|wanted| wanted != name) {
            continue;
        }
        // Messages of `cur` then `new`, each by file name: the order of sorting whole paths,
        // without comparing them component by component.
        let mut files: Vec<(usize, std::ffi::OsString, PathBuf)> = message_files(&dir)
            .map(|(rank, entry)| (rank, entry.file_name(), entry.path()))
            .collect();
        files.sort_unstable_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        for (_, _, path) in files {
            match fs::read(&path) {
                Ok(bytes) => {
                    let go_on = f(RawMessage {
                        folder: name.clone(),
                        key: path.display().to_string(),
                        bytes,
                    });
                    if !go_on {
                        return Ok(skipped);
                    }
                }
                Err(e) => skipped.push(format!("{} : {}", path.display(), io_reason(&e))),
            }
        }
    }
    Ok(skipped)
}

/// How many messages [`read_maildir`] reads from the same tree and folder: the files of the
/// `cur` and `new` folders, listed but not opened (the total of a progress bar).
pub fn count_maildir_messages(root: &Path, folder_filter: Option<&str>) -> u64 {
    let mut folders = Vec::new();
    collect_maildir_folders(root, root, &mut folders, 0);
    folders
        .iter()
        .filter(|(name, _)| folder_filter.is_none_or(|wanted| wanted == name))
        .map(|(_, dir)| message_files(dir).count() as u64)
        .sum()
}

/// The message files of one Maildir folder: the entries of `cur` (rank 0), then those of
/// `new` (rank 1), unsorted.
fn message_files(dir: &Path) -> impl Iterator<Item = (usize, fs::DirEntry)> + '_ {
    ["cur", "new"]
        .into_iter()
        .enumerate()
        .flat_map(move |(rank, sub)| {
            fs::read_dir(dir.join(sub))
                .into_iter()
                .flatten()
                .flatten()
                .filter(is_file)
                .map(move |entry| (rank, entry))
        })
}

/// The kind of a directory entry, symbolic links followed. It comes from the directory
/// listing itself: a `stat` per message was 6 % of a scan of 22,000 messages (and 5 % more
/// when the progress bar's count made its own). Only a link (or an entry whose kind the
/// listing does not give) costs a `stat`.
fn followed_kind(entry: &fs::DirEntry) -> Option<fs::FileType> {
    match entry.file_type() {
        Ok(kind) if !kind.is_symlink() => Some(kind),
        _ => fs::metadata(entry.path()).ok().map(|m| m.file_type()),
    }
}

fn is_file(entry: &fs::DirEntry) -> bool {
    followed_kind(entry).is_some_and(|kind| kind.is_file())
}

fn is_dir(entry: &fs::DirEntry) -> bool {
    followed_kind(entry).is_some_and(|kind| kind.is_dir())
}

fn collect_maildir_folders(
    root: &Path,
    dir: &Path,
    out: &mut Vec<(String, PathBuf)>,
    depth: usize,
) {
    // Deep enough for any real folder tree, and a guard against symlink loops.
    if depth > 16 {
        return;
    }
    if dir.join("cur").is_dir() || dir.join("new").is_dir() {
        out.push((folder_name(root, dir), dir.to_path_buf()));
    }
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if matches!(name, "cur" | "new" | "tmp") || !is_dir(&entry) {
            continue;
        }
        collect_maildir_folders(root, &path, out, depth + 1);
    }
}

/// `root` → `INBOX`; `root/.Archives.2019` → `Archives/2019`; `root/Archives/2019` → same.
fn folder_name(root: &Path, dir: &Path) -> String {
    let Ok(rel) = dir.strip_prefix(root) else {
        return dir.display().to_string();
    };
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .flat_map(|p| {
            if let Some(maildirpp) = p.strip_prefix('.') {
                maildirpp.split('.').map(str::to_owned).collect::<Vec<_>>()
            } else {
                vec![p]
            }
        })
        .filter(|p| !p.is_empty())
        // Dovecot and Courier store non-ASCII folder names in modified UTF-7 (« Comptabilit&AOk- »).
        .map(|p| crate::net::utf7::decode(&p).unwrap_or(p))
        .collect();
    if parts.is_empty() {
        "INBOX".to_owned()
    } else {
        parts.join("/")
    }
}

/// Reads every message of an mbox file (mboxo, mboxrd), streaming.
pub fn read_mbox(path: &Path, f: &mut dyn FnMut(RawMessage) -> bool) -> Result<Vec<String>, Error> {
    let file = fs::File::open(path).map_err(|e| Error::read(path, &e))?;
    let folder = path.display().to_string();
    let mut skipped = Vec::new();
    let iter = mail_parser::mailbox::mbox::MessageIterator::new(BufReader::new(file));
    for (index, message) in iter.enumerate() {
        match message {
            Ok(m) => {
                let go_on = f(RawMessage {
                    folder: folder.clone(),
                    key: format!("{}", index + 1),
                    bytes: m.unwrap_contents(),
                });
                if !go_on {
                    break;
                }
            }
            Err(e) => {
                skipped.push(format!(
                    "{} (message {}) : {}",
                    folder,
                    index + 1,
                    io_reason(&e)
                ));
                break;
            }
        }
    }
    Ok(skipped)
}

/// Reads `.eml` files: each path is a file, or a directory searched recursively for `*.eml`.
pub fn read_eml(
    paths: &[PathBuf],
    f: &mut dyn FnMut(RawMessage) -> bool,
) -> Result<Vec<String>, Error> {
    let mut files = Vec::new();
    for path in paths {
        let meta = fs::metadata(path).map_err(|e| Error::read(path, &e))?;
        if meta.is_dir() {
            collect_eml(path, &mut files, 0);
        } else {
            files.push(path.clone());
        }
    }
    files.sort();
    let mut skipped = Vec::new();
    for path in files {
        match fs::read(&path) {
            Ok(bytes) => {
                let go_on = f(RawMessage {
                    folder: path
                        .parent()
                        .map(|p| p.display().to_string())
                        .unwrap_or_default(),
                    key: path.display().to_string(),
                    bytes,
                });
                if !go_on {
                    break;
                }
            }
            Err(e) => skipped.push(format!("{} : {}", path.display(), io_reason(&e))),
        }
    }
    Ok(skipped)
}

fn collect_eml(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) {
    if depth > 16 {
        return;
    }
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if is_dir(&entry) {
            collect_eml(&path, out, depth + 1);
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("eml"))
        {
            out.push(path);
        }
    }
}

/// A short French reason for an I/O error (no path: the caller names it).
pub(crate) fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "fichier ou dossier introuvable".into(),
        std::io::ErrorKind::PermissionDenied => "accès refusé (droits insuffisants)".into(),
        std::io::ErrorKind::InvalidData => "contenu illisible".into(),
        _ => format!("erreur de lecture ({e})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_names_are_human() {
        let root = Path::new("/m");
        assert_eq!(folder_name(root, Path::new("/m")), "INBOX");
        assert_eq!(
            folder_name(root, Path::new("/m/.Archives.2019")),
            "Archives/2019"
        );
        assert_eq!(
            folder_name(root, Path::new("/m/Archives/2019")),
            "Archives/2019"
        );
        assert_eq!(
            folder_name(root, Path::new("/m/.Comptabilit&AOk-")),
            "Comptabilité"
        );
    }

    /// Entry kinds come from the listing; a folder or a message behind a symbolic link is
    /// still followed, and the count agrees with what is read.
    #[test]
    fn maildir_follows_symbolic_links_and_counts_what_it_reads() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("mail");
        let put = |rel: &str| {
            let path = root.join(rel);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, b"Subject: x\r\n\r\nbody").unwrap();
        };
        put("cur/1");
        put("new/2");
        put("tmp/being-delivered");
        put(".Archives/cur/3");
        put(".Archives.2019/new/4");
        let elsewhere = dir.path().join("ailleurs");
        fs::create_dir_all(elsewhere.join("cur")).unwrap();
        fs::write(elsewhere.join("cur/5"), b"Subject: y\r\n\r\n").unwrap();
        fs::write(dir.path().join("seul.eml"), b"Subject: z\r\n\r\n").unwrap();
        std::os::unix::fs::symlink(&elsewhere, root.join(".Lien")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("seul.eml"), root.join("cur/6")).unwrap();
        let mut folders = Vec::new();
        read_maildir(&root, None, &mut |m| {
            folders.push(m.folder);
            true
        })
        .unwrap();
        assert_eq!(
            folders,
            vec![
                "Archives",
                "Archives/2019",
                "INBOX",
                "INBOX",
                "INBOX",
                "Lien"
            ]
        );
        assert_eq!(count_maildir_messages(&root, None), 6);
        assert_eq!(count_maildir_messages(&root, Some("Lien")), 1);
    }

    #[test]
    fn reads_maildir_and_eml_and_mbox() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("mail");
        for sub in ["cur", "new", "tmp", ".Sent/cur", ".Sent/new", ".Sent/tmp"] {
            fs::create_dir_all(root.join(sub)).unwrap();
        }
        fs::write(root.join("cur/1:2,S"), b"Subject: a\r\n\r\nx").unwrap();
        fs::write(root.join("new/2"), b"Subject: b\r\n\r\ny").unwrap();
        fs::write(root.join(".Sent/cur/3:2,S"), b"Subject: c\r\n\r\nz").unwrap();
        let mut seen = Vec::new();
        let skipped = read_maildir(&root, None, &mut |m| {
            seen.push(m.folder);
            true
        })
        .unwrap();
        assert!(skipped.is_empty());
        assert_eq!(seen, vec!["INBOX", "INBOX", "Sent"]);
        // Only read: the flagged name is still there.
        assert!(root.join("cur/1:2,S").exists());

        let mut only_sent = 0;
        read_maildir(&root, Some("Sent"), &mut |_| {
            only_sent += 1;
            true
        })
        .unwrap();
        assert_eq!(only_sent, 1);
        // The progress bar's total: what was read, `tmp` left out.
        fs::write(root.join("tmp/being-delivered"), b"Subject: d\r\n\r\n").unwrap();
        assert_eq!(count_maildir_messages(&root, None), 3);
        assert_eq!(count_maildir_messages(&root, Some("Sent")), 1);

        let mbox = dir.path().join("box.mbox");
        fs::write(
            &mbox,
            b"From a@b Mon Jan  1 00:00:00 2024\nSubject: 1\n\nun\n\nFrom c@d Mon Jan  1 00:00:00 2024\nSubject: 2\n\n>From here\n",
        )
        .unwrap();
        let mut n = 0;
        read_mbox(&mbox, &mut |_| {
            n += 1;
            true
        })
        .unwrap();
        assert_eq!(n, 2);

        fs::write(dir.path().join("x.eml"), b"Subject: e\r\n\r\nbody").unwrap();
        let mut n = 0;
        read_eml(&[dir.path().to_path_buf()], &mut |_| {
            n += 1;
            true
        })
        .unwrap();
        assert_eq!(n, 1);
    }

    #[test]
    fn missing_path_is_a_french_error() {
        let err = read_maildir(Path::new("/nulle/part"), None, &mut |_| true).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("/nulle/part") && text.contains("introuvable"),
            "{text}"
        );
    }
}
