//! `vigie serve`: maps the command line and the environment onto the server's configuration,
//! and its errors onto exit statuses. The application itself is `vigie-server`.

use std::path::Path;

use crate::cli::ServeArgs;
use crate::exit::{Failure, USAGE};

/// The address could not be listened on (docs/EXIT_CODES.md).
const LISTEN_FAILED: i32 = 9;
/// The database is unreachable.
const UNREACHABLE: i32 = 3;

pub fn run(args: &ServeArgs, data_dir: &Path) -> Result<i32, Failure> {
    let overrides = vigie_server::Overrides {
        config_file: args.config.clone(),
        listen: args.listen.clone(),
        data_dir: Some(data_dir.to_path_buf()),
        db: args.db.clone(),
        blobs: args.blobs.clone(),
        public_url: std::env::var("VIGIE_PUBLIC_URL")
            .ok()
            .filter(|v| !v.is_empty()),
        secret_key_base64: std::env::var("VIGIE_SECRET_KEY")
            .ok()
            .filter(|v| !v.is_empty()),
        smtp_url: std::env::var("VIGIE_SMTP_URL")
            .ok()
            .filter(|v| !v.is_empty()),
    };
    let config = vigie_server::Config::resolve(overrides, data_dir).map_err(failure)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::new(1, format!("démarrage impossible : {e}")))?;
    runtime
        .block_on(vigie_server::run(config))
        .map_err(failure)?;
    Ok(0)
}

fn failure(error: vigie_server::Error) -> Failure {
    let code = match &error {
        vigie_server::Error::Config { .. } | vigie_server::Error::Io { .. } => USAGE,
        vigie_server::Error::Listen { .. } => LISTEN_FAILED,
        vigie_server::Error::Store(vigie_store::Error::Unreachable { .. })
        | vigie_server::Error::Store(vigie_store::Error::InvalidUrl { .. })
        | vigie_server::Error::Store(vigie_store::Error::ObjectStorage { .. }) => UNREACHABLE,
        _ => 1,
    };
    Failure::new(code, error.to_string())
}
