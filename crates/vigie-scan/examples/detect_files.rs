//! Benchmark helper: runs the detectors over the raw bytes of every file under a folder (the
//! same bytes `rg` reads), one core, five passes, and prints the best and median throughput.
//! Files are read into memory first so that only the engine is timed.
//!
//! `cargo run --release -p vigie-scan --example detect_files -- DIR`

use std::path::{Path, PathBuf};
use std::time::Instant;

use vigie_scan::Detector;

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
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage : detect_files DOSSIER");
        std::process::exit(2);
    };
    let mut paths = Vec::new();
    files(Path::new(&dir), &mut paths);
    let raw: Vec<Vec<u8>> = paths.iter().filter_map(|p| std::fs::read(p).ok()).collect();
    let raw_lens: Vec<usize> = raw.iter().map(Vec::len).collect();
    let texts: Vec<String> = raw
        .into_iter()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .collect();
    // The bytes rg reads (a lossy conversion makes invalid UTF-8 longer).
    let bytes: usize = raw_lens.iter().sum();
    let detector = Detector::new();
    let mut found = Vec::new();
    let mut times = Vec::new();
    let mut count = 0;
    for _ in 0..5 {
        let start = Instant::now();
        count = 0;
        for text in &texts {
            found.clear();
            detector.scan(text, &mut found);
            count += found.len();
        }
        times.push(start.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    let best = times.first().copied().unwrap_or(f64::NAN);
    let median = times.get(times.len() / 2).copied().unwrap_or(f64::NAN);
    let mib = bytes as f64 / 1048576.0;
    println!(
        "détecteurs sur les octets bruts : {mib:.1} Mio, {} fichiers, {count} valeurs ; meilleure passe {best:.3} s ({:.0} Mio/s), médiane {median:.3} s ({:.0} Mio/s), par cœur",
        texts.len(),
        mib / best,
        mib / median
    );
}
