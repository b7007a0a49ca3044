//! Sieve filter analysis: reads the mailbox's Sieve scripts and reports every rule that sends
//! mail elsewhere, hides it, answers for the owner or hands it to a program — under which
//! condition and on which line.
//!
//! The usual trace of a webmail takeover in a commune is a filter added by the attacker:
//! « renvoyer vers pirate@… les messages dont l'expéditeur contient « tresorerie » », or
//! « ranger dans RSS Feeds et marquer comme lus les messages qui parlent de facture ».
//!
//! # Why our own parser
//!
//! We do not use `sieve-rs`: it compiles a script into a flat, jump-based bytecode that keeps
//! neither line numbers nor the original condition tree. Vigie must tell a secrétaire de mairie
//! *under which condition* and *on which line* mail is forwarded, so it needs the tree as
//! written. The parser follows RFC 5228 and reads the extensions generically.
//!
//! # Modules
//!
//! - [`lexer`]: tokens with line and column, comments (Roundcube rule names);
//! - [`parser`] and [`ast`]: the syntax tree, with size and depth limits against hostile input;
//! - [`error`]: parse errors with a French reason;
//! - [`describe`]: conditions rendered in plain French;
//! - [`classify`]: hidden folders (Corbeille, Junk, « RSS Feeds », random names) and addresses
//!   inside or outside the mailbox's domain;
//! - [`analysis`]: the walk and the findings ([`analyse_script`]).
//!
//! # Finding ids
//!
//! | id | action |
//! |---|---|
//! | `sieve.redirect` | `redirect`: mail forwarded elsewhere |
//! | `sieve.redirect_copy` | `redirect :copy`: forwarded while a copy stays, so the owner notices nothing |
//! | `sieve.discard` | `discard`: mail deleted without a trace |
//! | `sieve.fileinto_trash` | `fileinto` into Trash, Junk or an obscure folder |
//! | `sieve.vacation` | `vacation` auto-reply |
//! | `sieve.notify` | `notify` to an address outside the mailbox's domain or another method |
//! | `sieve.extprogram` | `pipe`, `filter`, `execute` (vnd.dovecot) |
//! | `sieve.include` | `include` of another script, to be checked separately |
//! | `sieve.parse_error` | the script cannot be read |
//! | `sieve.truncated` | more than [`analysis::MAX_FINDINGS`] findings in one script |
//!
//! # Severity policy
//!
//! For an active script:
//!
//! - `redirect` or `redirect :copy` to an address outside the mailbox's domain (or computed at
//!   run time): **critical**; to the mailbox's own domain (or a sub-domain): **medium**. A
//!   public provider's domain (`orange.fr`, `gmail.com`...) is never « own »: only the exact
//!   own addresses are inside there.
//! - `discard`: **high**; **low** when the condition only lets through mail flagged as spam.
//! - `fileinto` into a hidden folder: **high**; **critical** when the mail is also marked as
//!   read (`addflag`/`setflag "\\Seen"` or `:flags`), the signature of a takeover. A benign
//!   anti-spam rule (the condition implies `X-Spam-*` headers flagging spam, `spamtest`,
//!   `virustest`, or « spam » in the subject) filing into Junk/Spam is **info**, into Trash
//!   **low**. `fileinto :copy` keeps the original in place: **low**.
//! - `vacation`: **medium**; **high** when its text talks about bank details (fraude au
//!   changement de RIB).
//! - `notify` to an outside address or a non-mail method: **high** (none for inside addresses).
//! - `pipe`/`filter`/`execute`: **critical**.
//! - `include`: **low**. Parse error: **medium**.
//!
//! An inactive script can be switched on silently: its findings are one level lower, but never
//! below **medium** for redirect, discard, hidden folders, notify and external programs;
//! `vacation` goes to **low** (**medium** when it mentions bank details).
//!
//! A rule switched off the way Roundcube does it (`if false # <test>`) is treated like an
//! inactive script, and described with the condition kept in its comment. Actions placed after
//! an unconditional `stop` are still reported (and flagged as such): the rule is in place and
//! can be moved.
//!
//! # Hostile scripts
//!
//! Scripts over 1 MiB or nested deeper than 64 levels are parse errors. The walk is linear in
//! the script (path conditions are shared lists), conditions are rendered within a budget, at
//! most [`analysis::MAX_FINDINGS`] findings are listed per script, and variable tracking has a
//! work budget past which every `${...}` counts as computed at run time — hence as outside.

pub mod analysis;
pub mod ast;
pub mod classify;
pub mod describe;
pub mod error;
pub mod lexer;
pub mod parser;
mod reason;
mod wording;

pub use analysis::{AuditContext, ScriptSource, UNKNOWN_VALUE, analyse_script};
pub use ast::Script;
pub use error::{ParseError, ParseErrorKind};
pub use parser::{MAX_DEPTH, MAX_SCRIPT_BYTES, parse};
