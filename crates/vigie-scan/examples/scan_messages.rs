//! Benchmark helper: runs the whole per-message scan (`scan_message`: MIME walk, transfer and
//! charset decoding, detectors, classification) over every file under a folder, one core, and
//! prints the throughput. Files are read into memory first, so that only the engine is timed
//! (no file system, no report); `vigie mail scan --jobs 1` adds those.
//!
//! `cargo run --release -p vigie-scan --example scan_messages -- DIR [PASSES] [DUMP]`
//!
//! With `DUMP`, everything the scan found in each message (header facts, values, documents,
//! images, unreadable parts) is also written to that file, one block per message in file-name
//! order: diffing two dumps shows whether a change to the engine changed any result.

use std::path::{Path, PathBuf};
use std::time::Instant;

use vigie_scan::Detector;
use vigie_scan::extract::Limits;
use vigie_scan::message::scan_message;

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage : scan_messages DOSSIER [PASSES]");
        std::process::exit(2);
    };
    let passes: usize = args.next().and_then(|p| p.parse().ok()).unwrap_or(3);
    let dump = args.next();
    let mut paths = Vec::new();
    files(Path::new(&dir), &mut paths);
    paths.sort();
    paths.retain(|p| p.is_file());
    let messages: Vec<Vec<u8>> = paths
        .iter()
        .map(|p| std::fs::read(p).unwrap_or_default())
        .collect();
    let bytes: usize = messages.iter().map(Vec::len).sum();
    let detector = Detector::new();
    let limits = Limits::default();
    let mut times = Vec::new();
    let (mut findings, mut documents) = (0, 0);
    for _ in 0..passes.max(1) {
        let start = Instant::now();
        (findings, documents) = (0, 0);
        for raw in &messages {
            let scan = scan_message(raw, &detector, &limits);
            findings += scan.findings.len();
            documents += scan.documents.len();
        }
        times.push(start.elapsed().as_secs_f64());
    }
    if let Some(dump) = dump {
        let mut out = String::new();
        for (path, raw) in paths.iter().zip(&messages) {
            let scan = scan_message(raw, &detector, &limits);
            out.push_str(&format!("== {}\n{scan:#?}\n", path.display()));
        }
        if let Err(e) = std::fs::write(&dump, out) {
            eprintln!("écriture de {dump} impossible : {e}");
            std::process::exit(1);
        }
    }
    times.sort_by(f64::total_cmp);
    let mib = bytes as f64 / 1048576.0;
    let best = times.first().copied().unwrap_or(f64::NAN);
    let median = times.get(times.len() / 2).copied().unwrap_or(f64::NAN);
    println!(
        "scan_message : {mib:.1} Mio, {} messages, {findings} valeurs, {documents} documents ; meilleure passe {best:.3} s ({:.0} Mio/s), médiane {median:.3} s ({:.0} Mio/s), par cœur",
        messages.len(),
        mib / best,
        mib / median
    );
}
