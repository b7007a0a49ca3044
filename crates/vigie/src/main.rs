//! `vigie`, the command-line shell over the Vigie libraries: it parses arguments, reads
//! passwords, shows progress and turns errors into French sentences and exit statuses
//! (docs/EXIT_CODES.md). No business logic lives here.

mod cli;
mod cli_incident;
mod exit;
mod incident;
mod mail;
mod mail_imap;
mod progress;
mod serve;

use clap::Parser;

fn main() {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => exit::clap_error(err),
    };
    let result = match cli.command {
        cli::Command::Mail(cli::MailCommand::Scan(args)) => {
            mail::scan(&args, cli.data_dir.as_deref())
        }
        cli::Command::Mail(cli::MailCommand::Audit(args)) => {
            mail::audit(&args, cli.data_dir.as_deref())
        }
        cli::Command::Incident(command) => {
            incident::run(command, &mail::data_dir(cli.data_dir.as_deref()))
        }
        cli::Command::Contacts(command) => {
            incident::contacts(command, &mail::data_dir(cli.data_dir.as_deref()))
        }
        cli::Command::Organisation(command) => {
            incident::organisation(command, &mail::data_dir(cli.data_dir.as_deref()))
        }
        cli::Command::Serve(args) => serve::run(&args, &mail::data_dir(cli.data_dir.as_deref())),
    };
    match result {
        Ok(code) => std::process::exit(code),
        Err(failure) => {
            eprintln!("vigie : {}", failure.message);
            std::process::exit(failure.code);
        }
    }
}
