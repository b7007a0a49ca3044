//! The mailbox audit: findings about what lets mail leak or vanish.

pub mod finding;

pub use finding::{AuditFinding, Severity};
