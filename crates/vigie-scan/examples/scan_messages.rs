//! Benchmark helper: runs the whole per-message scan (`scan_message`: MIME walk, transfer and
//! charset decoding, detectors, classification) over every file under a folder, one core, and
//! prints the throughput. Files are read into memory first, so that only the engine is timed
//! (no file system, no report); `vigie mail scan --jobs 1` adds those.
//!
//! `cargo run --release -p vigie-scan --example scan_messages -- DIR [PASSES]`

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
    let mut paths = Vec::new();
    files(Path::new(&dir), &mut paths);
    paths.sort();
    let messages: Vec<Vec<u8>> = paths.iter().filter_map(|p| std::fs::read(p).ok()).collect();
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
