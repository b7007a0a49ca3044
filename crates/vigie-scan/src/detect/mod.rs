//! Detectors of sensitive values in text.
//!
//! A [`Detector`] is built once and then run over many texts. Each detector validates its
//! candidates with the checksum of the identifier (mod 97 for IBAN, the RIB key, Luhn...): a
//! value that fails its checksum is not a finding.

use serde::Serialize;

/// The kinds of sensitive values Vigie finds. Serialised names are part of the `vigie.scan.v1`
/// JSON contract: never rename one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
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
    /// Every kind, in report order.
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

    /// The JSON name of the kind (`iban`, `fr_rib`...).
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

    /// A short French label for reports.
    pub fn label_fr(self) -> &'static str {
        match self {
            Kind::Iban => "IBAN (coordonnées bancaires)",
            Kind::FrRib => "RIB (relevé d'identité bancaire)",
            Kind::PaymentCard => "Numéro de carte bancaire",
            Kind::FrNir => "Numéro de sécurité sociale (NIR)",
            Kind::FrSiren => "Numéro SIREN",
            Kind::FrSiret => "Numéro SIRET",
            Kind::FrVat => "Numéro de TVA intracommunautaire",
            Kind::FrTaxId => "Numéro fiscal (SPI)",
            Kind::IdentityDocumentNumber => "Numéro de pièce d'identité",
            Kind::PasswordInClear => "Mot de passe envoyé en clair",
        }
    }
}

/// How sure a detector is. Checksummed identifiers in a typical layout are `High`; values found
/// only by context (identity-document numbers, passwords) are scored by the strength of that
/// context.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

/// One sensitive value found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detection {
    pub kind: Kind,
    /// The normalised value (upper case, no spaces, dots or dashes). Never print it: use
    /// [`crate::mask::mask`].
    pub value: String,
    pub confidence: Confidence,
    /// Byte range of the match in the scanned text.
    pub start: usize,
    pub end: usize,
}

/// The set of all detectors, built once.
#[derive(Debug, Default)]
pub struct Detector {}

impl Detector {
    pub fn new() -> Self {
        Detector {}
    }

    /// Appends to `out` every sensitive value found in `text`.
    pub fn scan(&self, _text: &str, _out: &mut Vec<Detection>) {}
}
