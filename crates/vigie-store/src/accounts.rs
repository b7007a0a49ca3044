//! Records of the web application's accounts: users, memberships (a user's role in an
//! organisation), server-side sessions, sign-in throttling and the security journal.
//!
//! Secrets never appear here in clear: passwords are Argon2id hashes (PHC strings), the TOTP
//! secret is sealed by the server before it reaches the store, session tokens and recovery codes
//! are stored as SHA-256 digests.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::error::Error;
use crate::records::{OrgId, OrgKind};

/// What a member may do in an organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Runs the organisation's account: members, settings, everything an agent does.
    Administrateur,
    /// Works day to day: mailboxes, incidents, contacts.
    Agent,
    /// Elected official: reads the state, follows incidents.
    Elu,
    /// The IT provider's staff: posture, findings and incidents of the organisations it
    /// supports, never vault contents; every access is logged and visible to the organisation.
    Prestataire,
}

impl Role {
    /// Every role, in the order the interface lists them.
    pub const ALL: [Role; 4] = [
        Role::Administrateur,
        Role::Agent,
        Role::Elu,
        Role::Prestataire,
    ];

    /// The stored (and API) name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Administrateur => "administrateur",
            Role::Agent => "agent",
            Role::Elu => "elu",
            Role::Prestataire => "prestataire",
        }
    }

    /// The French label shown to users.
    pub fn label(self) -> &'static str {
        match self {
            Role::Administrateur => "Administrateur",
            Role::Agent => "Agent",
            Role::Elu => "Élu",
            Role::Prestataire => "Prestataire informatique",
        }
    }

    /// Parses a stored name.
    pub fn parse(name: &str) -> Result<Role, Error> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == name)
            .ok_or_else(|| {
                Error::invalid(
                    "rôle",
                    format!("{name:?} (attendu : administrateur, agent, elu ou prestataire)"),
                )
            })
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Row of `users`.
#[derive(Clone, PartialEq, Serialize)]
pub struct UserRecord {
    /// UUID v4.
    pub id: String,
    /// The login, lower-cased.
    pub email: String,
    /// Name shown in the interface and written in journals.
    pub display_name: String,
    /// Argon2id PHC string.
    #[serde(skip)]
    pub password_hash: String,
    /// The TOTP secret sealed by the server key; `None` until enrolment.
    #[serde(skip)]
    pub totp_secret_sealed: Option<String>,
    /// Step (Unix time / 30) of the last accepted code.
    #[serde(skip)]
    pub totp_last_step: i64,
    /// When the account was created.
    pub created_at: DateTime<Utc>,
    /// When the account was disabled, if it was.
    pub disabled_at: Option<DateTime<Utc>>,
}

impl fmt::Debug for UserRecord {
    // Hand-written so that the hash and the sealed secret never reach a log line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserRecord")
            .field("id", &self.id)
            .field("email", &self.email)
            .field("display_name", &self.display_name)
            .field("totp_enrolled", &self.totp_secret_sealed.is_some())
            .field("created_at", &self.created_at)
            .field("disabled_at", &self.disabled_at)
            .finish_non_exhaustive()
    }
}

/// What [`crate::Store::create_user`] needs.
#[derive(Clone)]
pub struct NewUser {
    /// The login (lower-cased by the store).
    pub email: String,
    /// Name shown.
    pub display_name: String,
    /// Argon2id PHC string.
    pub password_hash: String,
}

/// A user's membership, with the organisation's name.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MembershipRecord {
    /// The organisation.
    pub org_id: OrgId,
    /// Its name.
    pub org_name: String,
    /// What it is: a commune, or an IT provider.
    pub org_kind: OrgKind,
    /// The user.
    pub user_id: String,
    /// The role there.
    pub role: Role,
    /// Set when the user works there as the staff of this IT provider (see
    /// [`crate::OrgKind::Prestataire`]) rather than as a member of their own.
    pub via_provider: Option<OrgId>,
}

/// A link between an IT provider and an organisation it supports (see
/// [`crate::OrgKind::Prestataire`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProviderLinkRecord {
    /// The link's id.
    pub id: String,
    /// The provider.
    pub provider_id: OrgId,
    /// Its name.
    pub provider_name: String,
    /// The organisation supported.
    pub org_id: OrgId,
    /// Its name.
    pub org_name: String,
    /// When the link was made.
    pub linked_at: DateTime<Utc>,
    /// Who agreed to it (display name, kept as written).
    pub linked_by: String,
    /// When it ended; `None` while it lasts.
    pub ended_at: Option<DateTime<Utc>>,
    /// Who ended it.
    pub ended_by: Option<String>,
}

/// How far a session has come through sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionStage {
    /// The password was accepted; the second factor is awaited.
    SecondFactor,
    /// The password was accepted and the user has no second factor yet: enrolment only.
    Enrolment,
    /// Signed in.
    Full,
}

impl SessionStage {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            SessionStage::SecondFactor => "second_factor",
            SessionStage::Enrolment => "enrolment",
            SessionStage::Full => "full",
        }
    }

    pub(crate) fn parse(name: &str) -> Result<SessionStage, Error> {
        match name {
            "second_factor" => Ok(SessionStage::SecondFactor),
            "enrolment" => Ok(SessionStage::Enrolment),
            "full" => Ok(SessionStage::Full),
            other => Err(Error::corrupt("sessions.stage", format!("{other:?}"))),
        }
    }
}

/// Row of `sessions`. The token itself is never stored, only its SHA-256.
#[derive(Clone, PartialEq, Serialize)]
pub struct SessionRecord {
    /// SHA-256 (hex) of the cookie's token.
    #[serde(skip)]
    pub id_hash: String,
    /// Whose session.
    pub user_id: String,
    /// The organisation being worked on.
    pub org_id: Option<OrgId>,
    /// How far sign-in has come.
    pub stage: SessionStage,
    /// The synchronizer token every state-changing request of this session must carry.
    #[serde(skip)]
    pub csrf_token: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// Last request.
    pub last_seen_at: DateTime<Utc>,
    /// After this, the session is refused.
    pub expires_at: DateTime<Utc>,
    /// Address it was created from.
    pub ip: String,
    /// Browser it was created from.
    pub user_agent: String,
}

impl fmt::Debug for SessionRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionRecord")
            .field("user_id", &self.user_id)
            .field("org_id", &self.org_id)
            .field("stage", &self.stage)
            .field("created_at", &self.created_at)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// Failed sign-ins recorded for one key (an account or an address).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ThrottleRecord {
    /// `compte:<email>` or `adresse:<ip>`.
    pub key: String,
    /// Failures in a row.
    pub failures: u64,
    /// The last one.
    pub last_failure_at: DateTime<Utc>,
    /// No attempt is examined before this.
    pub blocked_until: DateTime<Utc>,
}

/// An entry to add to an organisation's security journal.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewSecurityEvent {
    /// The user concerned, if known.
    pub user_id: Option<String>,
    /// Who (display name or the address typed at sign-in).
    pub actor: String,
    /// Stable kind: `connexion`, `connexion.echec`, `double_facteur.active`, `export`...
    pub kind: String,
    /// French sentence.
    pub detail: String,
    /// Address of the request.
    pub ip: String,
}

/// Row of `security_events`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SecurityEventRecord {
    /// UUID v4.
    pub id: String,
    /// The organisation.
    pub org_id: OrgId,
    /// When.
    pub at: DateTime<Utc>,
    /// The user concerned.
    pub user_id: Option<String>,
    /// Who.
    pub actor: String,
    /// Stable kind.
    pub kind: String,
    /// French sentence.
    pub detail: String,
    /// Address of the request.
    pub ip: String,
}

/// An invitation to join an organisation, as stored (the link's token is not: only its digest).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InvitationRecord {
    pub id: String,
    pub org_id: OrgId,
    /// The address invited (lower-cased): it becomes the login.
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub invited_by: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
}

/// An invitation to record.
#[derive(Debug, Clone)]
pub struct NewInvitation<'a> {
    pub org_id: &'a OrgId,
    /// SHA-256 of the link's token.
    pub token_hash: &'a str,
    pub email: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub invited_by: &'a str,
    pub expires_at: DateTime<Utc>,
}

/// The first administrator of an organisation a provider adds
/// ([`crate::Store::create_supported_organisation`]): invited like any member, through a link.
#[derive(Debug, Clone)]
pub struct FirstAdministrator<'a> {
    /// SHA-256 of the link's token.
    pub token_hash: &'a str,
    pub email: &'a str,
    pub display_name: &'a str,
    pub expires_at: DateTime<Utc>,
}

/// A WebAuthn passkey of a user (public material only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PasskeyRecord {
    pub id: String,
    pub user_id: String,
    /// The authenticator's credential id, base64url.
    pub credential_id: String,
    /// The name the user gave it (« clé USB du secrétariat »).
    pub name: String,
    /// webauthn-rs's `Passkey`, JSON (public key and signature counter).
    #[serde(skip)]
    pub passkey_json: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}
