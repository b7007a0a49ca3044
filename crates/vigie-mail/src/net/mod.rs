//! Network connectors: the read-only IMAP client ([`imap`]), the ManageSieve client
//! ([`managesieve`]) that fetches the Sieve filters, the account URL they connect to
//! ([`account`]), their TLS setup ([`tls`]) and the error type shared by all of them, with its
//! French messages and exit statuses ([`error`]).

pub mod account;
pub mod error;
pub mod imap;
pub mod managesieve;
pub mod tls;
pub mod utf7;

mod stream;

pub use account::{AccountUrl, AccountUrlError, Security};
pub use error::{CertificateProblem, NetError, NetErrorClass};
pub use imap::{ImapConnection, ImapOptions};
pub use managesieve::ManageSieve;
