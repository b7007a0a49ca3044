//! Writers: Maildir++ tree, mboxrd file, one `.eml` per message, truth manifest.
//!
//! All writers stream (one message at a time) so that the 200 MB and 10 000-message corpora
//! never sit in memory, and all are buffered. Output directories are refused when they hold
//! anything that vigie-corpus did not write, so that a typo in `--out` cannot wipe a folder.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::CorpusError;
use crate::corpus::GeneratedMessage;
use crate::truth::{self, Totals};

/// Name of the marker file left in directories written by vigie-corpus.
pub const MARKER: &str = ".vigie-corpus";

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> CorpusError + '_ {
    move |source| CorpusError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// A destination for generated messages.
pub trait Sink {
    fn write(&mut self, m: &GeneratedMessage) -> Result<(), CorpusError>;
    fn finish(&mut self) -> Result<(), CorpusError>;
}

/// Makes `dir` ready to receive a corpus: creates it, or empties it when it was written by
/// vigie-corpus before (marker present), or refuses when it holds anything else.
pub fn prepare_dir(dir: &Path, marker_text: &str) -> Result<(), CorpusError> {
    if dir.exists() {
        if !dir.is_dir() {
            return Err(CorpusError::NotADirectory(dir.to_path_buf()));
        }
        let mut entries = fs::read_dir(dir).map_err(io_err(dir))?.peekable();
        if entries.peek().is_some() {
            if !dir.join(MARKER).is_file() {
                return Err(CorpusError::NotEmpty(dir.to_path_buf()));
            }
            for e in entries {
                let e = e.map_err(io_err(dir))?;
                let p = e.path();
                let ft = e.file_type().map_err(io_err(&p))?;
                if ft.is_dir() {
                    fs::remove_dir_all(&p).map_err(io_err(&p))?;
                } else {
                    fs::remove_file(&p).map_err(io_err(&p))?;
                }
            }
        }
    } else {
        fs::create_dir_all(dir).map_err(io_err(dir))?;
    }
    let marker = dir.join(MARKER);
    fs::write(&marker, marker_text).map_err(io_err(&marker))?;
    Ok(())
}

/// A Maildir++ tree: INBOX at the root, other folders as `.Name` with `maildirfolder`.
pub struct MaildirSink {
    root: PathBuf,
    made: std::collections::BTreeSet<String>,
}

impl MaildirSink {
    /// Prepares `root` (see [`prepare_dir`]) and creates INBOX.
    pub fn create(root: &Path, marker_text: &str) -> Result<MaildirSink, CorpusError> {
        prepare_dir(root, marker_text)?;
        let mut s = MaildirSink {
            root: root.to_path_buf(),
            made: Default::default(),
        };
        s.ensure_folder("")?;
        Ok(s)
    }

    /// Creates the folder directory (and its cur/new/tmp) if needed.
    pub fn ensure_folder(&mut self, dir: &str) -> Result<(), CorpusError> {
        if self.made.contains(dir) {
            return Ok(());
        }
        let base = if dir.is_empty() {
            self.root.clone()
        } else {
            self.root.join(dir)
        };
        for sub in ["cur", "new", "tmp"] {
            let p = base.join(sub);
            fs::create_dir_all(&p).map_err(io_err(&p))?;
        }
        if !dir.is_empty() {
            let p = base.join("maildirfolder");
            fs::write(&p, b"").map_err(io_err(&p))?;
        }
        self.made.insert(dir.to_string());
        Ok(())
    }
}

impl Sink for MaildirSink {
    fn write(&mut self, m: &GeneratedMessage) -> Result<(), CorpusError> {
        self.ensure_folder(&m.folder.maildir_dir())?;
        let path = self.root.join(m.relative_path());
        fs::write(&path, &m.raw).map_err(io_err(&path))
    }
    fn finish(&mut self) -> Result<(), CorpusError> {
        Ok(())
    }
}

/// An mboxrd file: each message after a « From sender date » line, body lines matching
/// `^>*From ` quoted with one more `>`.
pub struct MboxSink {
    path: PathBuf,
    out: BufWriter<File>,
}

impl MboxSink {
    pub fn create(path: &Path) -> Result<MboxSink, CorpusError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent).map_err(io_err(parent))?;
        }
        let f = File::create(path).map_err(io_err(path))?;
        Ok(MboxSink {
            path: path.to_path_buf(),
            out: BufWriter::with_capacity(1 << 20, f),
        })
    }
}

/// Appends `raw` to `out` in mboxrd form (without the separator line).
pub fn mboxrd_quote(raw: &[u8], out: &mut Vec<u8>) {
    for line in raw.split_inclusive(|&b| b == b'\n') {
        let stripped = line.iter().position(|&b| b != b'>').unwrap_or(line.len());
        if line[stripped..].starts_with(b"From ") {
            out.push(b'>');
        }
        out.extend_from_slice(line);
    }
    if !raw.ends_with(b"\n") {
        out.push(b'\n');
    }
}

impl Sink for MboxSink {
    fn write(&mut self, m: &GeneratedMessage) -> Result<(), CorpusError> {
        let when = chrono::DateTime::from_timestamp(m.unix_time, 0)
            .map(|d| d.format("%a %b %e %H:%M:%S %Y").to_string())
            .unwrap_or_else(|| "Thu Jan  1 00:00:00 1970".to_string());
        let mut buf = Vec::with_capacity(m.raw.len() + 128);
        buf.extend_from_slice(format!("From {} {when}\n", m.envelope_from).as_bytes());
        mboxrd_quote(&m.raw, &mut buf);
        buf.push(b'\n');
        self.out.write_all(&buf).map_err(io_err(&self.path))
    }
    fn finish(&mut self) -> Result<(), CorpusError> {
        self.out.flush().map_err(io_err(&self.path))
    }
}

/// One `.eml` file per message, named by index and folder.
pub struct EmlSink {
    dir: PathBuf,
}

impl EmlSink {
    pub fn create(dir: &Path, marker_text: &str) -> Result<EmlSink, CorpusError> {
        prepare_dir(dir, marker_text)?;
        Ok(EmlSink {
            dir: dir.to_path_buf(),
        })
    }
}

/// File name of a message in an `.eml` directory.
pub fn eml_name(m: &GeneratedMessage) -> String {
    let folder = crate::lexicon::slug(&m.folder.name().replace('/', "-"));
    format!("{:05}_{folder}.eml", m.index)
}

impl Sink for EmlSink {
    fn write(&mut self, m: &GeneratedMessage) -> Result<(), CorpusError> {
        let path = self.dir.join(eml_name(m));
        fs::write(&path, &m.raw).map_err(io_err(&path))
    }
    fn finish(&mut self) -> Result<(), CorpusError> {
        Ok(())
    }
}

/// The truth manifest, written as messages arrive; counts and totals come last.
pub struct TruthSink {
    path: PathBuf,
    out: BufWriter<File>,
    count: usize,
    totals: Totals,
}

impl TruthSink {
    pub fn create(path: &Path, mode: &str, seed: u64) -> Result<TruthSink, CorpusError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent).map_err(io_err(parent))?;
        }
        let f = File::create(path).map_err(io_err(path))?;
        let mut out = BufWriter::with_capacity(1 << 20, f);
        let head = format!(
            "{{\n\"format\": {},\n\"generator\": {},\n\"mode\": {},\n\"seed\": {seed},\n\"conventions\": {},\n\"messages\": [\n",
            serde_json::to_string(truth::FORMAT)?,
            serde_json::to_string(&format!("vigie-corpus {}", env!("CARGO_PKG_VERSION")))?,
            serde_json::to_string(mode)?,
            serde_json::to_string_pretty(&truth::conventions())?,
        );
        out.write_all(head.as_bytes()).map_err(io_err(path))?;
        Ok(TruthSink {
            path: path.to_path_buf(),
            out,
            count: 0,
            totals: Totals::default(),
        })
    }
}

impl Sink for TruthSink {
    fn write(&mut self, m: &GeneratedMessage) -> Result<(), CorpusError> {
        let mut s = String::new();
        if self.count > 0 {
            s.push_str(",\n");
        }
        s.push_str(&serde_json::to_string_pretty(&m.truth)?);
        self.out
            .write_all(s.as_bytes())
            .map_err(io_err(&self.path))?;
        self.count += 1;
        self.totals.add(&m.truth);
        Ok(())
    }
    fn finish(&mut self) -> Result<(), CorpusError> {
        let tail = format!(
            "\n],\n\"message_count\": {},\n\"totals\": {}\n}}\n",
            self.count,
            serde_json::to_string_pretty(&self.totals)?
        );
        self.out
            .write_all(tail.as_bytes())
            .map_err(io_err(&self.path))?;
        self.out.flush().map_err(io_err(&self.path))
    }
}

/// Writes `messages` as a Maildir++ tree under `dir`.
pub fn write_maildir(dir: &Path, messages: &[GeneratedMessage]) -> Result<(), CorpusError> {
    let mut s = MaildirSink::create(dir, "vigie-corpus\n")?;
    for m in messages {
        s.write(m)?;
    }
    s.finish()
}

/// Writes `messages` to one mboxrd file.
pub fn write_mbox(path: &Path, messages: &[GeneratedMessage]) -> Result<(), CorpusError> {
    let mut s = MboxSink::create(path)?;
    for m in messages {
        s.write(m)?;
    }
    s.finish()
}

/// Writes one `.eml` file per message under `dir`.
pub fn write_eml(dir: &Path, messages: &[GeneratedMessage]) -> Result<(), CorpusError> {
    let mut s = EmlSink::create(dir, "vigie-corpus\n")?;
    for m in messages {
        s.write(m)?;
    }
    s.finish()
}

/// Writes the truth manifest of `messages`.
pub fn write_truth(
    path: &Path,
    mode: &str,
    seed: u64,
    messages: &[GeneratedMessage],
) -> Result<(), CorpusError> {
    let mut s = TruthSink::create(path, mode, seed)?;
    for m in messages {
        s.write(m)?;
    }
    s.finish()
}

/// Reads a truth manifest back.
pub fn read_truth(path: &Path) -> Result<truth::Manifest, CorpusError> {
    let bytes = fs::read(path).map_err(io_err(path))?;
    Ok(serde_json::from_slice(&bytes)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mboxrd_quoting() {
        let mut out = Vec::new();
        mboxrd_quote(
            b"Subject: x\n\nFrom here\n>From there\nnot From\n>>From x",
            &mut out,
        );
        assert_eq!(
            out,
            b"Subject: x\n\n>From here\n>>From there\nnot From\n>>>From x\n".to_vec()
        );
    }
}
