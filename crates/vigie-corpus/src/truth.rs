//! The truth manifest: for each generated message, what was planted in it and where.
//!
//! Kind and category names are those of `vigie-scan` (`iban`, `fr_rib`… and `invoice`,
//! `notarial_deed`…), so a test can compare a scan report with the manifest directly.
//!
//! Conventions a consumer must know:
//! - `value` is normalised (upper case, no spaces, line breaks, dots or dashes), except for
//!   `password_in_clear`, kept exactly as written (passwords are case-sensitive);
//! - a value embedded in another planted value (the SIREN inside a SIRET or a VAT number, the
//!   RIB inside a French IBAN) is listed only when it is also written on its own; a detector
//!   that reports it as well is not wrong;
//! - `decoys` are checksum lookalikes planted on purpose: a detector that reports one is wrong.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Kinds of sensitive values, named as in `vigie-scan`'s JSON contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Iban,
    FrRib,
    PaymentCard,
    FrNir,
    FrSiren,
    FrSiret,
    FrVat,
    FrTaxId,
    IdentityDocumentNumber,
    PasswordInClear,
}

impl Kind {
    pub const ALL: [Kind; 10] = [
        Kind::Iban,
        Kind::FrRib,
        Kind::PaymentCard,
        Kind::FrNir,
        Kind::FrSiren,
        Kind::FrSiret,
        Kind::FrVat,
        Kind::FrTaxId,
        Kind::IdentityDocumentNumber,
        Kind::PasswordInClear,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Iban => "iban",
            Kind::FrRib => "fr_rib",
            Kind::PaymentCard => "payment_card",
            Kind::FrNir => "fr_nir",
            Kind::FrSiren => "fr_siren",
            Kind::FrSiret => "fr_siret",
            Kind::FrVat => "fr_vat",
            Kind::FrTaxId => "fr_tax_id",
            Kind::IdentityDocumentNumber => "identity_document_number",
            Kind::PasswordInClear => "password_in_clear",
        }
    }
}

/// Document categories, named as in `vigie-scan`'s classifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Invoice,
    Quote,
    NotarialDeed,
    BankDetails,
    BankStatement,
    IdentityDocument,
    SignatureOrStamp,
    Payslip,
}

impl Category {
    pub const ALL: [Category; 8] = [
        Category::Invoice,
        Category::Quote,
        Category::NotarialDeed,
        Category::BankDetails,
        Category::BankStatement,
        Category::IdentityDocument,
        Category::SignatureOrStamp,
        Category::Payslip,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Invoice => "invoice",
            Category::Quote => "quote",
            Category::NotarialDeed => "notarial_deed",
            Category::BankDetails => "bank_details",
            Category::BankStatement => "bank_statement",
            Category::IdentityDocument => "identity_document",
            Category::SignatureOrStamp => "signature_or_stamp",
            Category::Payslip => "payslip",
        }
    }
}

/// Where a value was planted: the message body, or an attachment by file name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Location {
    Body,
    Attachment(String),
}

impl Location {
    pub fn attachment(name: &str) -> Location {
        Location::Attachment(name.to_string())
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::Body => f.write_str("body"),
            Location::Attachment(name) => write!(f, "attachment:{name}"),
        }
    }
}

impl Serialize for Location {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Location {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        if s == "body" {
            Ok(Location::Body)
        } else if let Some(name) = s.strip_prefix("attachment:") {
            Ok(Location::Attachment(name.to_string()))
        } else {
            Err(serde::de::Error::custom(format!(
                "emplacement inconnu : {s}"
            )))
        }
    }
}

/// One planted sensitive value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Planted {
    pub kind: Kind,
    /// Normalised value (upper case, no spaces, dots or dashes); a password as written.
    pub value: String,
    /// The value as written in the decoded text. For a RIB laid out as a table, its four cells
    /// joined by spaces.
    pub raw: String,
    pub location: Location,
    /// For an attachment inside an archive or a forwarded message: the inner file name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inner: Option<String>,
}

/// One lookalike that must NOT be reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decoy {
    /// The kind it imitates.
    pub looks_like: Kind,
    pub raw: String,
    pub location: Location,
    /// Why it is not a real value, in French.
    pub reason: String,
}

/// Everything known about one generated message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Truth {
    pub message_id: String,
    /// Folder as a user sees it (`INBOX`, `Sent`, `Archives/2019`, `Comptabilité`).
    pub folder: String,
    /// Path of the file relative to the Maildir root (`.Archives.2019/cur/…`).
    pub path: String,
    /// Maildir file name (stable for a seed and an index).
    pub file_name: String,
    /// Decoded subject.
    pub subject: String,
    /// Date header, RFC 5322.
    pub date: String,
    /// Short name of the scenario that produced the message (`invoice`, `rib_supplier`…).
    pub scenario: String,
    pub planted: Vec<Planted>,
    pub categories: Vec<Category>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub decoys: Vec<Decoy>,
    /// Attachment file names, in order (top level only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<String>,
    /// Deliberate oddities (broken MIME, wrong charset label, hostile names).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// The whole manifest, as written to `*.truth.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub generator: String,
    pub mode: String,
    pub seed: u64,
    pub conventions: Vec<String>,
    pub message_count: usize,
    pub totals: Totals,
    pub messages: Vec<Truth>,
}

/// Counts per kind and per category, for a quick look at the manifest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    pub by_kind: BTreeMap<Kind, usize>,
    pub by_category: BTreeMap<Category, usize>,
    pub decoys: usize,
}

impl Totals {
    pub fn add(&mut self, t: &Truth) {
        for p in &t.planted {
            *self.by_kind.entry(p.kind).or_default() += 1;
        }
        for c in &t.categories {
            *self.by_category.entry(*c).or_default() += 1;
        }
        self.decoys += t.decoys.len();
    }
}

/// Name of the manifest format.
pub const FORMAT: &str = "vigie.corpus.truth.v1";

/// The conventions written at the top of every manifest.
pub fn conventions() -> Vec<String> {
    vec![
        "value : valeur normalisée (majuscules, sans espaces, sauts de ligne, points ni tirets) ; un mot de passe (password_in_clear) est gardé tel qu'écrit".into(),
        "raw : la valeur telle qu'écrite dans le texte décodé ; pour un RIB en tableau, les quatre cases séparées par des espaces".into(),
        "location : « body » (corps du message, texte ou HTML) ou « attachment:NOM » (pièce jointe de premier niveau, « inner » nommant le fichier dans une archive ou un message transféré)".into(),
        "une valeur contenue dans une autre (SIREN dans un SIRET ou une TVA, RIB dans un IBAN FR) n'est listée que si elle est aussi écrite seule ; la signaler n'est pas une erreur".into(),
        "decoys : imitations à clé de contrôle fausse ; les signaler est une erreur".into(),
    ]
}
