//! `vigie-corpus`: writes the demo mailbox, the throughput corpus and the mailbox benchmark.
//!
//! Messages are French and so are errors: the people who run this are the same who run Vigie.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand};

use vigie_corpus::output::{EmlSink, MaildirSink, MboxSink, Sink, TruthSink};
use vigie_corpus::{CorpusError, GeneratedMessage};

/// Générateur déterministe de courriels synthétiques de mairie, avec valeurs sensibles plantées
/// et manifeste de vérité.
#[derive(Parser)]
#[command(name = "vigie-corpus", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Boîte de démonstration (environ 200 messages réalistes, tous les cas présents).
    Demo {
        #[command(flatten)]
        out: Outputs,
        /// Graine : la même graine donne exactement les mêmes fichiers.
        #[arg(long, value_name = "GRAINE", default_value_t = 2026)]
        seed: u64,
    },
    /// Corpus texte pour le banc de débit (surtout du texte brut et quoted-printable).
    Bench {
        #[command(flatten)]
        out: Outputs,
        /// Taille visée en mégaoctets (10^6 octets).
        #[arg(long, value_name = "MO", default_value_t = 200)]
        size_mb: u64,
        /// Graine : la même graine donne exactement les mêmes fichiers.
        #[arg(long, value_name = "GRAINE", default_value_t = 1)]
        seed: u64,
    },
    /// Boîte de N messages variés avec pièces jointes, pour le banc IMAP de bout en bout.
    Mailbox {
        #[command(flatten)]
        out: Outputs,
        /// Nombre de messages.
        #[arg(long, value_name = "N", default_value_t = 10_000)]
        count: usize,
        /// Graine : la même graine donne exactement les mêmes fichiers.
        #[arg(long, value_name = "GRAINE", default_value_t = 1)]
        seed: u64,
    },
}

#[derive(Args)]
struct Outputs {
    /// Dossier Maildir++ à écrire (créé s'il n'existe pas ; refusé s'il contient autre chose
    /// qu'une sortie précédente de vigie-corpus).
    #[arg(long, value_name = "DOSSIER")]
    out: Option<PathBuf>,
    /// Écrit aussi un fichier mbox (format mboxrd).
    #[arg(long, value_name = "FICHIER")]
    mbox: Option<PathBuf>,
    /// Écrit aussi un fichier .eml par message dans ce dossier.
    #[arg(long, value_name = "DOSSIER")]
    eml: Option<PathBuf>,
    /// Manifeste de vérité (par défaut : à côté de la sortie, suffixe « .truth.json »).
    #[arg(long, value_name = "FICHIER")]
    truth: Option<PathBuf>,
}

/// `<path>.truth.json`, for a directory or a file.
fn truth_beside(p: &Path) -> PathBuf {
    let s = p.as_os_str().to_string_lossy();
    let trimmed = s.trim_end_matches(['/', '\\']);
    PathBuf::from(format!("{trimmed}.truth.json"))
}

struct Run {
    sinks: Vec<Box<dyn Sink>>,
    written: Vec<String>,
}

fn open(out: &Outputs, mode: &str, seed: u64) -> Result<Run, CorpusError> {
    let truth_path = match (&out.truth, &out.out, &out.mbox, &out.eml) {
        (Some(t), ..) => t.clone(),
        (None, Some(d), ..) => truth_beside(d),
        (None, None, Some(m), _) => truth_beside(m),
        (None, None, None, Some(e)) => truth_beside(e),
        (None, None, None, None) => {
            return Err(CorpusError::Invalid(
                "indiquez au moins une sortie : --out DOSSIER, --mbox FICHIER ou --eml DOSSIER"
                    .into(),
            ));
        }
    };
    let marker = format!("vigie-corpus {mode} seed={seed}\n");
    let mut sinks: Vec<Box<dyn Sink>> = Vec::new();
    let mut written = Vec::new();
    if let Some(d) = &out.out {
        sinks.push(Box::new(MaildirSink::create(d, &marker)?));
        written.push(format!("Maildir : {}", d.display()));
    }
    if let Some(m) = &out.mbox {
        sinks.push(Box::new(MboxSink::create(m)?));
        written.push(format!("mbox : {}", m.display()));
    }
    if let Some(e) = &out.eml {
        sinks.push(Box::new(EmlSink::create(e, &marker)?));
        written.push(format!("fichiers .eml : {}", e.display()));
    }
    sinks.push(Box::new(TruthSink::create(&truth_path, mode, seed)?));
    written.push(format!("vérité : {}", truth_path.display()));
    Ok(Run { sinks, written })
}

/// Writes every message to every sink; returns (messages, bytes).
fn drain(
    run: &mut Run,
    messages: impl Iterator<Item = Result<GeneratedMessage, CorpusError>>,
) -> Result<(usize, u64), CorpusError> {
    let mut n = 0usize;
    let mut bytes = 0u64;
    for m in messages {
        let m = m?;
        for s in run.sinks.iter_mut() {
            s.write(&m)?;
        }
        n += 1;
        bytes += m.raw.len() as u64;
    }
    for s in run.sinks.iter_mut() {
        s.finish()?;
    }
    Ok((n, bytes))
}

fn mo(bytes: u64) -> String {
    format!("{:.1}", bytes as f64 / 1e6).replace('.', ",")
}

fn run(cli: Cli) -> Result<(), CorpusError> {
    let started = Instant::now();
    let (mode, n, bytes, run) = match cli.command {
        Command::Demo { out, seed } => {
            let mut run = open(&out, "demo", seed)?;
            let messages = vigie_corpus::demo_corpus(seed)?;
            let (n, bytes) = drain(&mut run, messages.into_iter().map(Ok))?;
            ("démonstration", n, bytes, run)
        }
        Command::Bench { out, size_mb, seed } => {
            if size_mb == 0 {
                return Err(CorpusError::Invalid(
                    "--size-mb doit être supérieur à 0".into(),
                ));
            }
            let mut run = open(&out, "bench", seed)?;
            let (n, bytes) = drain(
                &mut run,
                vigie_corpus::bench_corpus(seed, size_mb.saturating_mul(1_000_000)),
            )?;
            ("banc de débit", n, bytes, run)
        }
        Command::Mailbox { out, count, seed } => {
            if count == 0 {
                return Err(CorpusError::Invalid(
                    "--count doit être supérieur à 0".into(),
                ));
            }
            let mut run = open(&out, "mailbox", seed)?;
            let (n, bytes) = drain(&mut run, vigie_corpus::mailbox_corpus(seed, count))?;
            ("boîte de test IMAP", n, bytes, run)
        }
    };
    let secs = started.elapsed().as_secs_f64();
    println!(
        "Corpus {mode} : {n} messages, {} Mo, générés en {} s ({} Mo/s).",
        mo(bytes),
        format!("{secs:.1}").replace('.', ","),
        mo((bytes as f64 / secs.max(1e-9)) as u64)
    );
    for w in &run.written {
        println!("  {w}");
    }
    Ok(())
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(
                e.kind(),
                ErrorKind::DisplayHelp
                    | ErrorKind::DisplayVersion
                    | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            ) {
                let _ = e.print();
                return ExitCode::SUCCESS;
            }
            eprintln!("vigie-corpus : arguments invalides.\n{}", e.render());
            eprintln!("Voir « vigie-corpus --help ».");
            return ExitCode::from(2);
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("vigie-corpus : erreur : {e}");
            ExitCode::FAILURE
        }
    }
}
