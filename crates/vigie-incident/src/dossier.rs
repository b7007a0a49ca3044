//! The exported dossier: one ZIP with the evidence, the journal, the documents and a manifest,
//! which can be checked again from the ZIP alone.
//!
//! Layout:
//!
//! ```text
//! manifest.json        vigie.dossier.v1: every file with its SHA-256 and size, the journal head
//! LISEZMOI.txt         the same, as a readable French summary
//! journal.json         vigie.journal.v1: every entry with its hash and link
//! preuves/…            the evidence files, byte for byte
//! documents/…          the PDF documents produced
//! ```
//!
//! Everything is tied to the journal: each piece of evidence and each document has a journal
//! entry carrying its hash, and the journal's head is in the manifest and printed on every
//! document. [`verify_dossier`] recomputes every hash, checks the chain, and checks that the
//! files, the manifest and the journal agree, naming each thing that does not.
//!
//! Evidence is streamed into the ZIP (never loaded whole), and the ZIP is written to a temporary
//! file next to the destination and renamed at the end: a failed export leaves no partial file.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;

use crate::Error;
use crate::journal::{self, ChainProblem, Entry, EntryKind, Head};

/// Schema of `manifest.json`.
pub const MANIFEST_SCHEMA: &str = "vigie.dossier.v1";
/// Schema of `journal.json`.
pub const JOURNAL_SCHEMA: &str = "vigie.journal.v1";

const MANIFEST_NAME: &str = "manifest.json";
const SUMMARY_NAME: &str = "LISEZMOI.txt";
const JOURNAL_NAME: &str = "journal.json";

/// The incident as the manifest describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestIncident {
    pub id: String,
    pub reference: String,
    pub title: String,
    pub playbook_id: String,
    pub discovered_at: DateTime<Utc>,
}

/// A file of the dossier with its fingerprint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileRef {
    pub path: String,
    pub sha256: String,
    pub size: u64,
}

/// A piece of evidence in the dossier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceFile {
    pub path: String,
    pub sha256: String,
    pub size: u64,
    pub original_name: String,
    pub media_type: String,
    pub description: String,
    pub collected_by: String,
    pub collected_at: DateTime<Utc>,
}

/// A document in the dossier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentFile {
    pub path: String,
    pub kind: String,
    pub sha256: String,
    pub size: u64,
    pub produced_at: DateTime<Utc>,
}

/// `manifest.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub schema: String,
    pub generated_at: DateTime<Utc>,
    pub generated_by: String,
    pub organisation: String,
    pub incident: ManifestIncident,
    pub journal_head: Head,
    pub journal: FileRef,
    pub evidence: Vec<EvidenceFile>,
    pub documents: Vec<DocumentFile>,
}

/// `journal.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JournalFile {
    pub schema: String,
    pub incident_id: String,
    pub head: Head,
    pub entries: Vec<Entry>,
}

/// Evidence to put into a dossier: its description, and how to read its bytes.
pub struct EvidenceSource<'a> {
    pub sha256: String,
    pub size: u64,
    pub original_name: String,
    pub media_type: String,
    pub description: String,
    pub collected_by: String,
    pub collected_at: DateTime<Utc>,
    /// Opens the stored bytes (streamed into the ZIP).
    pub open: Box<dyn FnOnce() -> io::Result<Box<dyn Read + 'a>> + 'a>,
}

/// A document to put into a dossier.
pub struct DocumentSource {
    pub kind: String,
    pub file_name: String,
    pub produced_at: DateTime<Utc>,
    pub bytes: Vec<u8>,
}

/// Everything a dossier holds.
pub struct DossierContent<'a> {
    pub generated_at: DateTime<Utc>,
    pub generated_by: String,
    pub organisation: String,
    pub incident: ManifestIncident,
    pub entries: Vec<Entry>,
    pub head: Head,
    pub evidence: Vec<EvidenceSource<'a>>,
    pub documents: Vec<DocumentSource>,
}

/// Writes the dossier ZIP at `output` (atomically) and returns its manifest.
pub fn write_dossier(content: DossierContent<'_>, output: &Path) -> Result<Manifest, Error> {
    let write_error = |source: io::Error| Error::Write {
        path: output.to_path_buf(),
        source,
    };
    let dir = match output.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let temp = tempfile::Builder::new()
        .prefix(".vigie-dossier-")
        .suffix(".tmp")
        .tempfile_in(&dir)
        .map_err(write_error)?;
    let mut zip = zip::ZipWriter::new(io::BufWriter::new(temp));
    let zip_error = |e: zip::result::ZipError| Error::Write {
        path: output.to_path_buf(),
        source: io::Error::other(e),
    };

    let mut used_paths = BTreeSet::new();
    let mut evidence_files = Vec::new();
    for source in content.evidence {
        let path = unique_path(
            &mut used_paths,
            "preuves",
            &format!(
                "{}-{}",
                source.sha256.get(..12).unwrap_or(&source.sha256),
                sanitize_file_name(&source.original_name)
            ),
        );
        zip.start_file(path.as_str(), file_options(source.size))
            .map_err(zip_error)?;
        let mut reader = (source.open)().map_err(|e| Error::EvidenceUnreadable {
            name: source.original_name.clone(),
            source: e,
        })?;
        let (sha256, size) =
            copy_hashing(&mut reader, &mut zip).map_err(|e| Error::EvidenceUnreadable {
                name: source.original_name.clone(),
                source: e,
            })?;
        if sha256 != source.sha256 || size != source.size {
            return Err(Error::EvidenceAltered {
                name: source.original_name,
                expected: source.sha256,
                actual: sha256,
            });
        }
        evidence_files.push(EvidenceFile {
            path,
            sha256,
            size,
            original_name: source.original_name,
            media_type: source.media_type,
            description: source.description,
            collected_by: source.collected_by,
            collected_at: source.collected_at,
        });
    }

    let mut document_files = Vec::new();
    for doc in content.documents {
        let path = unique_path(
            &mut used_paths,
            "documents",
            &sanitize_file_name(&doc.file_name),
        );
        zip.start_file(path.as_str(), file_options(doc.bytes.len() as u64))
            .map_err(zip_error)?;
        zip.write_all(&doc.bytes).map_err(write_error)?;
        document_files.push(DocumentFile {
            path,
            kind: doc.kind,
            sha256: sha256_hex(&doc.bytes),
            size: doc.bytes.len() as u64,
            produced_at: doc.produced_at,
        });
    }

    let journal_file = JournalFile {
        schema: JOURNAL_SCHEMA.to_owned(),
        incident_id: content.incident.id.clone(),
        head: content.head.clone(),
        entries: content.entries,
    };
    let journal_bytes = to_json(&journal_file)?;
    zip.start_file(JOURNAL_NAME, file_options(journal_bytes.len() as u64))
        .map_err(zip_error)?;
    zip.write_all(&journal_bytes).map_err(write_error)?;

    let manifest = Manifest {
        schema: MANIFEST_SCHEMA.to_owned(),
        generated_at: content.generated_at,
        generated_by: content.generated_by,
        organisation: content.organisation,
        incident: content.incident,
        journal_head: content.head,
        journal: FileRef {
            path: JOURNAL_NAME.to_owned(),
            sha256: sha256_hex(&journal_bytes),
            size: journal_bytes.len() as u64,
        },
        evidence: evidence_files,
        documents: document_files,
    };
    let manifest_bytes = to_json(&manifest)?;
    zip.start_file(MANIFEST_NAME, file_options(manifest_bytes.len() as u64))
        .map_err(zip_error)?;
    zip.write_all(&manifest_bytes).map_err(write_error)?;

    let summary = summary_text(&manifest, &journal_file.entries);
    zip.start_file(SUMMARY_NAME, file_options(summary.len() as u64))
        .map_err(zip_error)?;
    zip.write_all(summary.as_bytes()).map_err(write_error)?;

    let writer = zip.finish().map_err(zip_error)?;
    let temp = writer
        .into_inner()
        .map_err(|e| write_error(e.into_error()))?;
    temp.as_file().sync_all().map_err(write_error)?;
    temp.persist(output).map_err(|e| write_error(e.error))?;
    Ok(manifest)
}

fn file_options(size: u64) -> SimpleFileOptions {
    SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(size >= u64::from(u32::MAX) / 2)
        .unix_permissions(0o644)
}

fn to_json<T: Serialize>(value: &T) -> Result<Vec<u8>, Error> {
    let mut bytes = serde_json::to_vec_pretty(value).map_err(|e| Error::Internal {
        reason: format!("sérialisation JSON impossible : {e}"),
    })?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// Copies `reader` into `writer` by chunks, returning the SHA-256 and the size of what passed.
pub fn copy_hashing(reader: &mut dyn Read, writer: &mut dyn Write) -> io::Result<(String, u64)> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    let mut total = 0u64;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let chunk = buf.get(..n).unwrap_or_default();
        hasher.update(chunk);
        writer.write_all(chunk)?;
        total += n as u64;
    }
    Ok((journal::hex(&hasher.finalize()), total))
}

/// SHA-256 of bytes, lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    journal::hex(&Sha256::digest(bytes))
}

/// A file name safe inside a ZIP on every system: letters, digits, `.`, `-`, `_`; accents kept.
pub fn sanitize_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let mut out: String = base
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .take(100)
        .collect();
    while out.starts_with('.') {
        out.remove(0);
    }
    if out.is_empty() {
        out = "fichier".to_owned();
    }
    out
}

fn unique_path(used: &mut BTreeSet<String>, folder: &str, name: &str) -> String {
    let mut candidate = format!("{folder}/{name}");
    let mut n = 2;
    while used.contains(&candidate) {
        candidate = format!("{folder}/{n}-{name}");
        n += 1;
    }
    used.insert(candidate.clone());
    candidate
}

fn summary_text(manifest: &Manifest, entries: &[Entry]) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let _ = writeln!(s, "DOSSIER D'INCIDENT — {}", manifest.organisation);
    let _ = writeln!(s, "{}", "=".repeat(72));
    let _ = writeln!(
        s,
        "Incident : {} — {}",
        manifest.incident.reference, manifest.incident.title
    );
    let _ = writeln!(s, "Identifiant : {}", manifest.incident.id);
    let _ = writeln!(s, "Type : {}", manifest.incident.playbook_id);
    let _ = writeln!(
        s,
        "Problème constaté le : {}",
        crate::deadline::format_paris(manifest.incident.discovered_at)
    );
    let _ = writeln!(
        s,
        "Dossier produit le {} par {}",
        crate::deadline::format_paris(manifest.generated_at),
        manifest.generated_by
    );
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "EMPREINTE DU JOURNAL (à conserver) : {}",
        manifest.journal_head
    );
    let _ = writeln!(
        s,
        "Toute modification ultérieure du journal, d'une preuve ou d'un document se voit en\n\
         recalculant les empreintes SHA-256 ci-dessous, ou avec la commande :\n\
         vigie incident verify --dossier CE_FICHIER.zip"
    );
    let _ = writeln!(s);
    let _ = writeln!(s, "PREUVES ({})", manifest.evidence.len());
    for e in &manifest.evidence {
        let _ = writeln!(
            s,
            "- {} ({} octets, {})\n  SHA-256 : {}\n  {} — recueillie par {} le {}",
            e.original_name,
            e.size,
            e.media_type,
            e.sha256,
            e.description,
            e.collected_by,
            crate::deadline::format_paris(e.collected_at)
        );
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "DOCUMENTS ({})", manifest.documents.len());
    for d in &manifest.documents {
        let _ = writeln!(
            s,
            "- {} ({} octets)\n  SHA-256 : {}",
            d.path, d.size, d.sha256
        );
    }
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "JOURNAL ({} entrées, fichier journal.json, SHA-256 {})",
        entries.len(),
        manifest.journal.sha256
    );
    for e in entries {
        let label: &str = match EntryKind::parse(&e.kind) {
            Some(kind) => kind.label_fr(),
            None => &e.kind,
        };
        let _ = writeln!(
            s,
            "{:>4}. {} — {} — {} : {}",
            e.seq,
            crate::deadline::format_paris(e.at),
            e.actor,
            label,
            e.text
        );
    }
    s
}

/// One thing wrong with a dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum DossierProblem {
    /// The journal's chain is broken.
    Journal { detail: ChainProblem },
    /// A file listed in the manifest is not in the ZIP.
    FileMissing { path: String },
    /// A file's bytes no longer match its fingerprint.
    FileAltered { path: String },
    /// A file in the ZIP that the manifest does not list.
    FileUnexpected { path: String },
    /// A piece of evidence listed in the manifest has no journal entry.
    EvidenceNotInJournal { path: String },
    /// The journal records evidence that the dossier does not contain.
    EvidenceMissing { name: String, sha256: String },
    /// A document with no journal entry.
    DocumentNotInJournal { path: String },
    /// The manifest and the journal disagree on the head.
    HeadDisagrees,
}

impl fmt::Display for DossierProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DossierProblem::Journal { detail } => write!(f, "{detail}"),
            DossierProblem::FileMissing { path } => {
                write!(f, "le fichier « {path} » a été retiré du dossier")
            }
            DossierProblem::FileAltered { path } => write!(
                f,
                "le fichier « {path} » a été modifié (son empreinte SHA-256 ne correspond plus)"
            ),
            DossierProblem::FileUnexpected { path } => write!(
                f,
                "le fichier « {path} » a été ajouté au dossier (il n'est pas dans le manifeste)"
            ),
            DossierProblem::EvidenceNotInJournal { path } => write!(
                f,
                "la preuve « {path} » n'apparaît pas dans le journal (ajoutée après coup ou remplacée)"
            ),
            DossierProblem::EvidenceMissing { name, sha256 } => write!(
                f,
                "la preuve « {name} » (SHA-256 {sha256}) figure au journal mais manque dans le dossier"
            ),
            DossierProblem::DocumentNotInJournal { path } => write!(
                f,
                "le document « {path} » n'apparaît pas dans le journal (ajouté après coup ou remplacé)"
            ),
            DossierProblem::HeadDisagrees => write!(
                f,
                "le manifeste et le journal n'annoncent pas la même empreinte de tête"
            ),
        }
    }
}

/// What [`verify_dossier`] found.
#[derive(Debug, Clone, Serialize)]
pub struct DossierCheck {
    pub manifest: Manifest,
    pub files_checked: usize,
    pub problems: Vec<DossierProblem>,
}

/// Checks a dossier ZIP on its own: every file's hash, the journal's chain against the head in
/// the manifest (and against `external` if the user holds a head from a document), and that
/// every piece of evidence and every document is recorded in the journal.
pub fn verify_dossier(path: &Path, external: Option<&Head>) -> Result<DossierCheck, Error> {
    let invalid = |reason: String| Error::InvalidDossier {
        path: path.to_path_buf(),
        reason,
    };
    let file = File::open(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let mut archive = zip::ZipArchive::new(io::BufReader::new(file))
        .map_err(|e| invalid(format!("ce n'est pas une archive ZIP lisible ({e})")))?;

    let manifest: Manifest = {
        let bytes = read_small(&mut archive, MANIFEST_NAME)
            .map_err(|e| invalid(format!("manifest.json illisible : {e}")))?;
        serde_json::from_slice(&bytes)
            .map_err(|e| invalid(format!("manifest.json n'est pas valide : {e}")))?
    };
    if manifest.schema != MANIFEST_SCHEMA {
        return Err(invalid(format!(
            "format de dossier inconnu : {} (attendu {MANIFEST_SCHEMA})",
            manifest.schema
        )));
    }

    let mut problems = Vec::new();
    let mut files_checked = 0;
    let mut hash_entry = |archive: &mut zip::ZipArchive<_>, name: &str| -> Option<(String, u64)> {
        let mut entry = archive.by_name(name).ok()?;
        files_checked += 1;
        copy_hashing(&mut entry, &mut io::sink()).ok()
    };

    // The journal file.
    let journal: Option<JournalFile> = match read_small(&mut archive, &manifest.journal.path) {
        Ok(bytes) => {
            if sha256_hex(&bytes) != manifest.journal.sha256 {
                problems.push(DossierProblem::FileAltered {
                    path: manifest.journal.path.clone(),
                });
            }
            match serde_json::from_slice::<JournalFile>(&bytes) {
                Ok(j) => Some(j),
                Err(e) => {
                    return Err(invalid(format!("journal.json n'est pas valide : {e}")));
                }
            }
        }
        Err(_) => {
            problems.push(DossierProblem::FileMissing {
                path: manifest.journal.path.clone(),
            });
            None
        }
    };

    // Evidence and documents: bytes against the manifest.
    let listed_files = manifest
        .evidence
        .iter()
        .map(|e| (&e.path, &e.sha256, e.size))
        .chain(
            manifest
                .documents
                .iter()
                .map(|d| (&d.path, &d.sha256, d.size)),
        );
    for (path, sha256, size) in listed_files {
        match hash_entry(&mut archive, path) {
            None => problems.push(DossierProblem::FileMissing { path: path.clone() }),
            Some((sha, actual)) if &sha != sha256 || actual != size => {
                problems.push(DossierProblem::FileAltered { path: path.clone() })
            }
            Some(_) => {}
        }
    }

    // Files nobody listed.
    let listed: BTreeSet<&str> = manifest
        .evidence
        .iter()
        .map(|e| e.path.as_str())
        .chain(manifest.documents.iter().map(|d| d.path.as_str()))
        .chain([MANIFEST_NAME, SUMMARY_NAME, manifest.journal.path.as_str()])
        .collect();
    let names: Vec<String> = archive.file_names().map(str::to_owned).collect();
    for name in names {
        if !listed.contains(name.as_str()) && !name.ends_with('/') {
            problems.push(DossierProblem::FileUnexpected { path: name });
        }
    }

    // The journal: chain, head, and the evidence and documents it records.
    if let Some(journal) = &journal {
        if journal.head != manifest.journal_head {
            problems.push(DossierProblem::HeadDisagrees);
        }
        for p in journal::verify_chain(
            &manifest.incident.id,
            &journal.entries,
            &manifest.journal_head,
            external,
        ) {
            problems.push(DossierProblem::Journal { detail: p });
        }
        let recorded = recorded_hashes(&journal.entries, EntryKind::EvidenceAdded);
        let in_zip: BTreeSet<&str> = manifest
            .evidence
            .iter()
            .map(|e| e.sha256.as_str())
            .collect();
        for e in &manifest.evidence {
            if !recorded.contains_key(e.sha256.as_str()) {
                problems.push(DossierProblem::EvidenceNotInJournal {
                    path: e.path.clone(),
                });
            }
        }
        for (sha, name) in &recorded {
            if !in_zip.contains(sha.as_str()) {
                problems.push(DossierProblem::EvidenceMissing {
                    name: name.clone(),
                    sha256: sha.clone(),
                });
            }
        }
        let documents = recorded_hashes(&journal.entries, EntryKind::DocumentProduced);
        for d in &manifest.documents {
            if !documents.contains_key(d.sha256.as_str()) {
                problems.push(DossierProblem::DocumentNotInJournal {
                    path: d.path.clone(),
                });
            }
        }
    }

    Ok(DossierCheck {
        manifest,
        files_checked,
        problems,
    })
}

/// The hashes (with names) that the journal records for one kind of entry, read from each
/// entry's `data.sha256` and `data.original_name` / `data.file_name`.
pub fn recorded_hashes(entries: &[Entry], kind: EntryKind) -> BTreeMap<String, String> {
    entries
        .iter()
        .filter(|e| e.kind == kind.as_str())
        .filter_map(|e| {
            let sha = e.data.get("sha256")?.as_str()?.to_owned();
            let name = e
                .data
                .get("original_name")
                .or_else(|| e.data.get("file_name"))
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_owned();
            Some((sha, name))
        })
        .collect()
}

/// Reads a small member (manifest, journal) fully, refusing anything absurdly large.
fn read_small<R: Read + io::Seek>(
    archive: &mut zip::ZipArchive<R>,
    name: &str,
) -> io::Result<Vec<u8>> {
    const LIMIT: u64 = 256 * 1024 * 1024;
    let entry = archive.by_name(name).map_err(io::Error::other)?;
    let mut bytes = Vec::new();
    entry.take(LIMIT + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > LIMIT {
        return Err(io::Error::other("fichier trop volumineux"));
    }
    Ok(bytes)
}
