//! The command line: `vigie mail scan`, `vigie mail audit`, and the incident commands (defined
//! in `cli_incident`). Help texts are French.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Vigie — compagnon de sécurité pour les communes et les petites organisations.
#[derive(Debug, Parser)]
#[command(name = "vigie", version, about, long_about = None, disable_help_subcommand = true)]
pub struct Cli {
    /// Dossier des données de Vigie (état des analyses...). Par défaut : VIGIE_DATA_DIR, sinon
    /// ~/.local/share/vigie.
    #[arg(long, global = true, env = "VIGIE_DATA_DIR", value_name = "DOSSIER")]
    pub data_dir: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Messagerie : audit des réglages et analyse de ce qu'un attaquant y trouverait.
    #[command(subcommand)]
    Mail(MailCommand),
    /// Incidents : déclarer, suivre les délais de 72 heures, conserver les preuves, produire
    /// les documents (CNIL, plainte, assureur...).
    #[command(subcommand)]
    Incident(crate::cli_incident::IncidentCommand),
    /// Contacts vérifiés : ceux de l'organisation, les contacts nationaux et le CSIRT régional.
    #[command(subcommand)]
    Contacts(crate::cli_incident::ContactsCommand),
    /// Fiche de l'organisation (nom, SIREN, représentant, DPO, assureur...), imprimée sur les
    /// documents.
    #[command(subcommand)]
    Organisation(crate::cli_incident::OrganisationCommand),
    /// Application web : démarre le serveur (par défaut sur http://127.0.0.1:8080, base SQLite
    /// et fichiers dans le dossier de données). La première visite crée l'organisation.
    Serve(ServeArgs),
}

/// `vigie serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Adresse et port d'écoute (par défaut 127.0.0.1:8080).
    #[arg(long, env = "VIGIE_LISTEN", value_name = "ADRESSE:PORT")]
    pub listen: Option<String>,
    /// Base de données : sqlite:///chemin/vigie.db ou postgres://utilisateur@serveur/base (par
    /// défaut : vigie.db dans le dossier de données).
    #[arg(long, env = "VIGIE_DB", value_name = "URL")]
    pub db: Option<String>,
    /// Stockage des fichiers (preuves, documents) : un dossier (par défaut : evidence/ dans le
    /// dossier de données) ou un compartiment S3, s3://seau/dossier (clés et adresse du service
    /// par AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_ENDPOINT_URL).
    #[arg(long, env = "VIGIE_BLOBS", value_name = "URL")]
    pub blobs: Option<String>,
    /// Fichier de configuration TOML (voir docs/SERVEUR.md).
    #[arg(long, env = "VIGIE_CONFIG", value_name = "FICHIER")]
    pub config: Option<std::path::PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum MailCommand {
    /// Analyse d'exposition : cherche dans les messages les coordonnées bancaires, numéros
    /// d'identité, factures, actes, signatures... qu'un attaquant récolterait.
    Scan(ScanArgs),
    /// Audit de la boîte : règles de transfert et filtres, connexion chiffrée, fournisseur,
    /// solidité du mot de passe, et résumé de l'exposition.
    Audit(AuditArgs),
}

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Résumé lisible dans le terminal.
    Text,
    /// JSON (schéma vigie.scan.v1 ou vigie.audit.v1), pour les scripts.
    Json,
    /// Rapport HTML autonome, à ouvrir dans un navigateur ou à imprimer.
    Html,
}

/// How to reach a mailbox over the network.
#[derive(Debug, Clone, Args)]
pub struct ConnectArgs {
    /// Lire le mot de passe (ou mot de passe d'application) dans cette variable
    /// d'environnement.
    #[arg(long, value_name = "VARIABLE", conflicts_with = "password_file")]
    pub password_env: Option<String>,
    /// Lire le mot de passe dans ce fichier (première ligne).
    #[arg(long, value_name = "FICHIER")]
    pub password_file: Option<PathBuf>,
    /// Autorité de certification supplémentaire (fichier PEM), pour un serveur à certificat
    /// privé.
    #[arg(long, value_name = "PEM")]
    pub ca_file: Option<PathBuf>,
    /// Autoriser une connexion non chiffrée (déconseillé ; signalé comme un problème).
    #[arg(long)]
    pub insecure_plaintext: bool,
    /// Délai maximal de chaque étape réseau, en secondes.
    #[arg(long, default_value_t = 30, value_name = "SECONDES")]
    pub timeout: u64,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Compte IMAP à analyser : imaps://utilisateur@serveur[:port] ou
    /// imap://utilisateur@serveur[:port] (STARTTLS).
    #[arg(value_name = "COMPTE", required_unless_present_any = ["maildir", "mbox", "eml"])]
    pub account: Option<String>,
    /// Analyser une boîte Maildir locale.
    #[arg(long, value_name = "DOSSIER", conflicts_with_all = ["account", "mbox", "eml"])]
    pub maildir: Option<PathBuf>,
    /// Analyser un fichier mbox.
    #[arg(long, value_name = "FICHIER", conflicts_with_all = ["account", "maildir", "eml"])]
    pub mbox: Option<PathBuf>,
    /// Analyser des fichiers .eml (fichiers ou dossiers).
    #[arg(long, value_name = "CHEMIN", num_args = 1.., conflicts_with_all = ["account", "maildir", "mbox"])]
    pub eml: Vec<PathBuf>,
    /// N'analyser que ce dossier (par défaut : tous).
    #[arg(long, value_name = "DOSSIER")]
    pub folder: Option<String>,
    /// Format du résultat.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Écrire le résultat dans ce fichier (par défaut : la sortie standard).
    #[arg(long, short, value_name = "FICHIER")]
    pub output: Option<PathBuf>,
    /// Tout relire, sans tenir compte des analyses précédentes.
    #[arg(long)]
    pub full: bool,
    /// Durée de conservation dans la messagerie, en années (voir docs/RETENTION.md).
    #[arg(long, default_value_t = vigie_mail::scan::DEFAULT_RETENTION_YEARS, value_name = "ANS")]
    pub retention_years: u32,
    /// Nombre de fils d'analyse (par défaut : un par cœur).
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Ne pas afficher de barre de progression.
    #[arg(long)]
    pub no_progress: bool,
    #[command(flatten)]
    pub connect: ConnectArgs,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Compte à auditer : imaps://utilisateur@serveur[:port] ou imap://utilisateur@serveur[:port].
    #[arg(value_name = "COMPTE")]
    pub account: String,
    /// Port ManageSieve (filtres), 4190 par défaut.
    #[arg(long, default_value_t = 4190, value_name = "PORT")]
    pub sieve_port: u16,
    /// Nom de l'organisation, des élus ou des agents (répétable) : un mot de passe qui les
    /// contient est jugé faible.
    #[arg(long = "org-name", value_name = "NOM")]
    pub org_names: Vec<String>,
    /// Ne pas analyser les messages (l'audit ne dira rien de l'exposition).
    #[arg(long)]
    pub no_scan: bool,
    /// Tout relire lors de l'analyse des messages.
    #[arg(long)]
    pub full: bool,
    /// Durée de conservation dans la messagerie, en années (voir docs/RETENTION.md).
    #[arg(long, default_value_t = vigie_mail::scan::DEFAULT_RETENTION_YEARS, value_name = "ANS")]
    pub retention_years: u32,
    /// Format du résultat (text ou json).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Écrire le résultat dans ce fichier.
    #[arg(long, short, value_name = "FICHIER")]
    pub output: Option<PathBuf>,
    /// Ne pas afficher de barre de progression.
    #[arg(long)]
    pub no_progress: bool,
    #[command(flatten)]
    pub connect: ConnectArgs,
}
