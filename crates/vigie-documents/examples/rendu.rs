//! Renders every document of the test dossier into a folder, to look at them:
//! `cargo run -p vigie-documents --example rendu -- /tmp/vigie-documents [vide|chargé]`.

#[path = "../tests/common/mod.rs"]
mod common;

use std::path::PathBuf;
use std::time::Instant;

use vigie_documents::{DocumentKind, render};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| "vigie-documents".to_owned()));
    let data = match args.next().as_deref() {
        Some("vide") => common::empty(),
        Some("chargé") => common::crowded(),
        _ => common::full(),
    };
    std::fs::create_dir_all(&dir)?;
    for kind in DocumentKind::ALL {
        let start = Instant::now();
        let pdf = render(kind, &data)?;
        let path = dir.join(format!("{}.pdf", kind.file_stem()));
        std::fs::write(&path, &pdf)?;
        println!(
            "{} ({} octets, {:?})",
            path.display(),
            pdf.len(),
            start.elapsed()
        );
    }
    Ok(())
}
