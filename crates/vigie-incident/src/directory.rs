//! The contact directory: who to call during an incident.
//!
//! The seed's fiche réflexes insists: « Avant tout incident, élaborez, à tête reposée, votre liste
//! de contacts vérifiés ». This module holds the part Vigie can pre-fill and the part the
//! organisation fills itself:
//!
//! * national entries (`data/contacts/national.toml`): 17Cyber, police and gendarmerie, the
//!   cybermalveillance.gouv.fr platform, the CNIL, Info Escroqueries;
//! * one regional CSIRT per French region (`data/contacts/csirt-regionaux.toml`). Only details
//!   checked against a source are filled in; the others are marked « à vérifier »
//!   ([`Verification::AVerifier`]) with a plain-French way to find them, because a wrong number
//!   in a crisis is worse than none;
//! * the organisation's own roles ([`OrgRole`]: IT provider, insurer, bank or Trésorerie, DPO,
//!   mayor or management), whose names and numbers each organisation records ([`OrgContact`]).
//!
//! Playbooks refer to contacts by a single reference string: a national entry id (`17cyber`), the
//! special reference [`REGIONAL_CSIRT`] (`csirt-regional`, resolved with the organisation's region)
//! or a role id (`assureur`). [`Directory::resolve`] turns a reference into a [`ContactTarget`];
//! the playbook parser rejects references that do not resolve.
//!
//! The two data files are embedded at build time, so [`Directory::builtin`] works from any
//! directory. This module also holds the small helpers that turn TOML errors into
//! [`Error::InvalidData`] with a line number and a French reason; the playbook parser uses them
//! too.

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::Error;

/// The reference playbooks use for « the CSIRT of the organisation's region ».
pub const REGIONAL_CSIRT: &str = "csirt-regional";

/// Format version of `data/contacts/national.toml`.
pub const NATIONAL_SCHEMA: &str = "vigie.contacts.v1";
/// Format version of `data/contacts/csirt-regionaux.toml`.
pub const REGIONAL_SCHEMA: &str = "vigie.csirt-regionaux.v1";

const NATIONAL_TOML: &str = include_str!("../../../data/contacts/national.toml");
const REGIONAL_TOML: &str = include_str!("../../../data/contacts/csirt-regionaux.toml");
const NATIONAL_PATH: &str = "data/contacts/national.toml";
const REGIONAL_PATH: &str = "data/contacts/csirt-regionaux.toml";

/// What kind of organisation an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// Emergency number (police, gendarmerie).
    Emergency,
    /// Public assistance platform or help line (17Cyber, cybermalveillance.gouv.fr, …).
    Assistance,
    /// Regulator to notify (the CNIL).
    Authority,
    /// Regional incident response centre (CSIRT).
    Csirt,
}

/// Whether the entry's phone and website were checked against a source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Verification {
    /// Checked against the source named in the entry, on `verified_on`.
    #[serde(rename = "verifie")]
    Verifie,
    /// Not checked: only the name is given; `how_to_find` says how to get the details.
    #[serde(rename = "a_verifier")]
    AVerifier,
}

/// One organisation of the directory (national entry or regional CSIRT).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Stable id (`17cyber`, `csirt-bourgogne-franche-comte`, …).
    pub id: String,
    pub name: String,
    pub kind: EntryKind,
    /// Phone number as written by the source; `None` when there is none or it is not verified.
    pub phone: Option<String>,
    /// What to do once connected, e.g. « puis choix 1 ».
    pub phone_instructions: Option<String>,
    pub website: Option<String>,
    /// When and why to call, in plain French.
    pub when: String,
    /// For unverified entries: how to find the right details (in French).
    pub how_to_find: Option<String>,
    pub verification: Verification,
    /// Where the details come from.
    pub source: String,
    /// When the entry was last checked against its source.
    pub verified_on: NaiveDate,
}

/// A French region and its CSIRT.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Region {
    /// Slug of the name, e.g. `bourgogne-franche-comte`.
    pub id: String,
    pub name: String,
    /// INSEE region code, e.g. `27`.
    pub insee_code: String,
    pub csirt: Entry,
}

/// Roles on the organisation's side, which it fills in itself (names, numbers, contract).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OrgRole {
    /// The IT provider or IT referent (« prestataire ou référent informatique »).
    PrestataireInformatique,
    /// The insurer, with the policy number.
    Assureur,
    /// The bank or, for a commune, the Trésorerie (service de gestion comptable).
    BanqueTresorerie,
    /// The data protection officer (« délégué à la protection des données »).
    Dpo,
    /// The mayor or management, who decides and signs.
    Direction,
}

impl OrgRole {
    pub const ALL: [OrgRole; 5] = [
        OrgRole::PrestataireInformatique,
        OrgRole::Assureur,
        OrgRole::BanqueTresorerie,
        OrgRole::Dpo,
        OrgRole::Direction,
    ];

    /// The reference used in playbooks (`prestataire-informatique`, …).
    pub fn id(self) -> &'static str {
        match self {
            OrgRole::PrestataireInformatique => "prestataire-informatique",
            OrgRole::Assureur => "assureur",
            OrgRole::BanqueTresorerie => "banque-tresorerie",
            OrgRole::Dpo => "dpo",
            OrgRole::Direction => "direction",
        }
    }

    /// The role from its reference.
    pub fn from_id(id: &str) -> Option<OrgRole> {
        OrgRole::ALL.into_iter().find(|r| r.id() == id)
    }

    /// French name of the role.
    pub fn label(self) -> &'static str {
        match self {
            OrgRole::PrestataireInformatique => "Prestataire ou référent informatique",
            OrgRole::Assureur => "Assureur de l'organisation",
            OrgRole::BanqueTresorerie => "Banque ou Trésorerie",
            OrgRole::Dpo => "Délégué à la protection des données (DPO)",
            OrgRole::Direction => "Maire ou direction",
        }
    }

    /// What the organisation should write down for this role, before any incident.
    pub fn what_to_record(self) -> &'static str {
        match self {
            OrgRole::PrestataireInformatique => {
                "Nom de l'entreprise ou de la personne, numéro joignable en urgence, adresse de courriel, horaires."
            }
            OrgRole::Assureur => {
                "Nom de l'assureur, numéro de contrat (police), numéro pour déclarer un sinistre, garanties couvrant les risques numériques."
            }
            OrgRole::BanqueTresorerie => {
                "Nom de l'agence ou de la Trésorerie, numéro direct du conseiller, numéro pour faire opposition ou bloquer un virement."
            }
            OrgRole::Dpo => {
                "Nom du délégué à la protection des données (souvent mutualisé : centre de gestion, syndicat informatique), téléphone, courriel."
            }
            OrgRole::Direction => {
                "Maire (ou directeur) et adjoint chargé du numérique : téléphones portables, pour décider et signer la plainte et les déclarations."
            }
        }
    }
}

impl fmt::Display for OrgRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// A contact the organisation recorded for one of its roles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgContact {
    pub role: OrgRole,
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// Insurance policy number (for [`OrgRole::Assureur`]).
    pub policy_number: Option<String>,
    pub notes: Option<String>,
    /// When the organisation last checked these details.
    pub verified_on: Option<NaiveDate>,
}

/// What a playbook contact reference points to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ContactTarget<'a> {
    /// A national entry.
    National { entry: &'a Entry },
    /// The regional CSIRT; `None` until the organisation's region is known.
    RegionalCsirt { region: Option<&'a Region> },
    /// A role the organisation fills in.
    Role { role: OrgRole },
}

/// National entries and regional CSIRTs, validated.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Directory {
    entries: Vec<Entry>,
    regions: Vec<Region>,
}

impl Directory {
    /// The directory embedded in the binary (`data/contacts/*.toml`).
    ///
    /// A unit test parses the embedded files, so this cannot fail in a built binary; were they
    /// ever malformed, the result would be an empty directory rather than a panic (use
    /// [`Directory::try_builtin`] to see the error).
    pub fn builtin() -> &'static Directory {
        static BUILTIN: OnceLock<Directory> = OnceLock::new();
        BUILTIN.get_or_init(|| Directory::try_builtin().unwrap_or_default())
    }

    /// Parses the embedded data files.
    pub fn try_builtin() -> Result<Directory, Error> {
        Directory::parse(
            NATIONAL_TOML,
            Path::new(NATIONAL_PATH),
            REGIONAL_TOML,
            Path::new(REGIONAL_PATH),
        )
    }

    /// Reads `national.toml` and `csirt-regionaux.toml` from `dir`.
    pub fn load_dir(dir: &Path) -> Result<Directory, Error> {
        let national_path = dir.join("national.toml");
        let regional_path = dir.join("csirt-regionaux.toml");
        let national = read(&national_path)?;
        let regional = read(&regional_path)?;
        Directory::parse(&national, &national_path, &regional, &regional_path)
    }

    /// Parses the two files' contents; `*_file` name them in errors.
    pub fn parse(
        national: &str,
        national_file: &Path,
        regional: &str,
        regional_file: &Path,
    ) -> Result<Directory, Error> {
        let raw_national: RawNational =
            toml::from_str(national).map_err(|e| toml_error(national, national_file, &e))?;
        let raw_regional: RawRegional =
            toml::from_str(regional).map_err(|e| toml_error(regional, regional_file, &e))?;
        let invalid_nat = |span: &std::ops::Range<usize>, reason: String| {
            invalid(national, national_file, span.start, reason)
        };
        let invalid_reg = |span: &std::ops::Range<usize>, reason: String| {
            invalid(regional, regional_file, span.start, reason)
        };

        check_schema(&raw_national.schema, NATIONAL_SCHEMA)
            .map_err(|r| invalid_nat(&raw_national.schema.span(), r))?;
        check_schema(&raw_regional.schema, REGIONAL_SCHEMA)
            .map_err(|r| invalid_reg(&raw_regional.schema.span(), r))?;

        // One namespace for every reference a playbook can use: national ids, the regional
        // CSIRT and the roles. A clash would make a reference ambiguous.
        let mut seen: BTreeSet<String> = OrgRole::ALL.iter().map(|r| r.id().to_owned()).collect();
        seen.insert(REGIONAL_CSIRT.to_owned());

        let mut entries = Vec::with_capacity(raw_national.entry.len());
        for raw in raw_national.entry {
            let (Some(raw_id), Some(kind)) = (raw.id.clone(), raw.kind.as_ref()) else {
                return Err(invalid_nat(
                    &raw.name.span(),
                    "chaque entrée nationale doit avoir un identifiant (id) et un type (kind)"
                        .to_owned(),
                ));
            };
            let kind = *kind.get_ref();
            let id_span = raw_id.span();
            let id = raw_id.into_inner();
            if !is_slug(&id) {
                return Err(invalid_nat(&id_span, slug_reason(&id)));
            }
            if !seen.insert(id.clone()) {
                return Err(invalid_nat(
                    &id_span,
                    format!(
                        "l'identifiant « {id} » est déjà utilisé (entrée, rôle ou csirt-regional)"
                    ),
                ));
            }
            let entry = raw
                .into_entry(id, kind)
                .map_err(|(span, reason)| invalid_nat(&span, reason))?;
            entries.push(entry);
        }

        let how_to_find_default = non_empty(&raw_regional.how_to_find)
            .map_err(|r| invalid_reg(&raw_regional.how_to_find.span(), r))?;
        let mut region_ids = BTreeSet::new();
        let mut regions = Vec::with_capacity(raw_regional.region.len());
        for raw in raw_regional.region {
            let id_span = raw.id.span();
            let id = raw.id.into_inner();
            if !is_slug(&id) {
                return Err(invalid_reg(&id_span, slug_reason(&id)));
            }
            if !region_ids.insert(id.clone()) {
                return Err(invalid_reg(
                    &id_span,
                    format!("la région « {id} » apparaît deux fois"),
                ));
            }
            let name = non_empty(&raw.name).map_err(|r| invalid_reg(&raw.name.span(), r))?;
            let code_ok = raw.insee_code.get_ref().len() == 2
                && raw.insee_code.get_ref().bytes().all(|b| b.is_ascii_digit());
            if !code_ok {
                return Err(invalid_reg(
                    &raw.insee_code.span(),
                    format!(
                        "le code INSEE de région « {} » doit comporter deux chiffres",
                        raw.insee_code.get_ref()
                    ),
                ));
            }
            let mut fields = raw.csirt;
            if let Some(extra) = fields
                .id
                .as_ref()
                .map(|s| s.span())
                .or_else(|| fields.kind.as_ref().map(|k| k.span()))
            {
                return Err(invalid_reg(
                    &extra,
                    "le CSIRT d'une région ne prend ni « id » ni « kind » : ils sont déduits de la région"
                        .to_owned(),
                ));
            }
            if fields.how_to_find.is_none() {
                fields.how_to_find = Some(Spanned::new(
                    raw_regional.how_to_find.span(),
                    how_to_find_default.clone(),
                ));
            }
            let csirt = fields
                .into_entry(format!("csirt-{id}"), EntryKind::Csirt)
                .map_err(|(span, reason)| invalid_reg(&span, reason))?;
            regions.push(Region {
                id,
                name,
                insee_code: raw.insee_code.into_inner(),
                csirt,
            });
        }
        Ok(Directory { entries, regions })
    }

    /// The national entries, in file order (the order to call them in doubt).
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// A national entry or regional CSIRT by id.
    pub fn entry(&self, id: &str) -> Option<&Entry> {
        self.entries
            .iter()
            .find(|e| e.id == id)
            .or_else(|| self.regions.iter().map(|r| &r.csirt).find(|e| e.id == id))
    }

    /// The French regions, in file order.
    pub fn regions(&self) -> &[Region] {
        &self.regions
    }

    /// A region by id (`bourgogne-franche-comte`) or INSEE code (`27`).
    pub fn region(&self, id_or_code: &str) -> Option<&Region> {
        self.regions
            .iter()
            .find(|r| r.id == id_or_code || r.insee_code == id_or_code)
    }

    /// The CSIRT of a region (by id or INSEE code).
    pub fn csirt_for_region(&self, region: &str) -> Option<&Entry> {
        self.region(region).map(|r| &r.csirt)
    }

    /// Resolves a playbook contact reference; `region` (id or INSEE code) resolves
    /// [`REGIONAL_CSIRT`]. `None` when the reference is unknown.
    pub fn resolve(&self, reference: &str, region: Option<&str>) -> Option<ContactTarget<'_>> {
        if reference == REGIONAL_CSIRT {
            return Some(ContactTarget::RegionalCsirt {
                region: region.and_then(|r| self.region(r)),
            });
        }
        if let Some(role) = OrgRole::from_id(reference) {
            return Some(ContactTarget::Role { role });
        }
        self.entries
            .iter()
            .find(|e| e.id == reference)
            .map(|entry| ContactTarget::National { entry })
    }

    /// Every reference a playbook may use, sorted (for error messages and editors).
    pub fn references(&self) -> Vec<String> {
        let mut refs: Vec<String> = self.entries.iter().map(|e| e.id.clone()).collect();
        refs.push(REGIONAL_CSIRT.to_owned());
        refs.extend(OrgRole::ALL.iter().map(|r| r.id().to_owned()));
        refs.sort();
        refs
    }
}

fn read(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNational {
    schema: Spanned<String>,
    #[allow(dead_code)] // Documentation for reviewers; not used by the code.
    updated: String,
    entry: Vec<RawEntryFields>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRegional {
    schema: Spanned<String>,
    #[allow(dead_code)] // Documentation for reviewers; not used by the code.
    updated: String,
    /// How to find a CSIRT whose details are not verified (applies to every such region).
    how_to_find: Spanned<String>,
    region: Vec<RawRegion>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRegion {
    id: Spanned<String>,
    name: Spanned<String>,
    insee_code: Spanned<String>,
    csirt: RawEntryFields,
}

/// The fields of an entry. `id` and `kind` are required for national entries and forbidden for
/// a region's CSIRT (its id is derived from the region's, its kind is always `csirt`); one struct
/// for both because serde's `flatten` does not combine with `deny_unknown_fields` nor spans.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntryFields {
    id: Option<Spanned<String>>,
    kind: Option<Spanned<EntryKind>>,
    name: Spanned<String>,
    phone: Option<Spanned<String>>,
    phone_instructions: Option<Spanned<String>>,
    website: Option<Spanned<String>>,
    when: Spanned<String>,
    how_to_find: Option<Spanned<String>>,
    verification: Spanned<Verification>,
    source: Spanned<String>,
    verified_on: Spanned<String>,
}

type Span = std::ops::Range<usize>;

impl RawEntryFields {
    /// Checks the fields and builds the entry; errors carry the span of the offending value.
    fn into_entry(self, id: String, kind: EntryKind) -> Result<Entry, (Span, String)> {
        let with = |s: &Spanned<String>| non_empty(s).map_err(|r| (s.span(), r));
        let opt = |s: &Option<Spanned<String>>| s.as_ref().map(with).transpose();
        let name = with(&self.name)?;
        let when = with(&self.when)?;
        let source = with(&self.source)?;
        let phone = opt(&self.phone)?;
        let phone_instructions = opt(&self.phone_instructions)?;
        let website = opt(&self.website)?;
        let how_to_find = opt(&self.how_to_find)?;
        if let (Some(p), Some(raw)) = (&phone, &self.phone)
            && !is_phone(p)
        {
            return Err((
                raw.span(),
                format!(
                    "numéro « {p} » invalide : seuls les chiffres, les espaces et « + » sont permis"
                ),
            ));
        }
        if let (Some(w), Some(raw)) = (&website, &self.website)
            && !w.starts_with("https://")
        {
            return Err((
                raw.span(),
                format!("l'adresse « {w} » doit commencer par https://"),
            ));
        }
        let verification = *self.verification.get_ref();
        match verification {
            Verification::Verifie if phone.is_none() && website.is_none() => {
                return Err((
                    self.verification.span(),
                    "une entrée vérifiée doit avoir un téléphone ou un site".to_owned(),
                ));
            }
            // An unverified phone must never be shown as if it could be called.
            Verification::AVerifier if phone.is_some() => {
                return Err((
                    self.verification.span(),
                    "une entrée « a_verifier » ne doit pas donner de téléphone".to_owned(),
                ));
            }
            Verification::AVerifier if how_to_find.is_none() => {
                return Err((
                    self.verification.span(),
                    "une entrée « a_verifier » doit dire comment trouver le bon contact (how_to_find)"
                        .to_owned(),
                ));
            }
            _ => {}
        }
        let verified_on = NaiveDate::parse_from_str(self.verified_on.get_ref(), "%Y-%m-%d")
            .map_err(|_| {
                (
                    self.verified_on.span(),
                    format!(
                        "date « {} » invalide : attendu AAAA-MM-JJ",
                        self.verified_on.get_ref()
                    ),
                )
            })?;
        Ok(Entry {
            id,
            name,
            kind,
            phone,
            phone_instructions,
            website,
            when,
            how_to_find,
            verification,
            source,
            verified_on,
        })
    }
}

fn check_schema(schema: &Spanned<String>, expected: &str) -> Result<(), String> {
    if schema.get_ref() == expected {
        Ok(())
    } else {
        Err(format!(
            "format « {} » non pris en charge : attendu « {expected} »",
            schema.get_ref()
        ))
    }
}

fn is_phone(s: &str) -> bool {
    s.bytes().any(|b| b.is_ascii_digit())
        && s.bytes()
            .all(|b| b.is_ascii_digit() || b == b' ' || b == b'+')
}

// ---------------------------------------------------------------------------------------------
// Shared helpers for the data-file parsers of this crate (directory and playbooks).

/// A lowercase identifier: `a-z`, `0-9` and inner hyphens, at most 64 characters.
pub(crate) fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

pub(crate) fn slug_reason(id: &str) -> String {
    format!(
        "identifiant « {id} » invalide : lettres minuscules sans accent, chiffres et tirets seulement"
    )
}

/// The trimmed text, or a French reason when it is blank.
pub(crate) fn non_empty(s: &Spanned<String>) -> Result<String, String> {
    let text = s.get_ref().trim();
    if text.is_empty() {
        Err("le texte est vide".to_owned())
    } else {
        Ok(text.to_owned())
    }
}

/// 1-based line of byte `offset` in `text` (clamped to the text).
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()
        .get(..end)
        .map_or(0, |head| head.iter().filter(|&&b| b == b'\n').count())
        + 1
}

/// An [`Error::InvalidData`] at byte `offset` of `text`.
pub(crate) fn invalid(text: &str, file: &Path, offset: usize, reason: String) -> Error {
    Error::InvalidData {
        file: PathBuf::from(file),
        line: line_of(text, offset),
        reason,
    }
}

/// Turns a TOML or serde error into [`Error::InvalidData`] with its line and a French reason.
pub(crate) fn toml_error(text: &str, file: &Path, err: &toml::de::Error) -> Error {
    let offset = err.span().map_or(0, |s| s.start);
    invalid(text, file, offset, french_reason(err.message()))
}

/// Translates the messages of serde and toml into French; unknown messages are kept, after a
/// French lead-in, because they still help a technician.
fn french_reason(message: &str) -> String {
    let message = message.trim();
    let first_quoted = |s: &str| -> String { s.split('`').nth(1).unwrap_or_default().to_owned() };
    let expected_list = |s: &str| -> String {
        s.split_once("expected")
            .map(|(_, rest)| {
                rest.split('`')
                    .skip(1)
                    .step_by(2)
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default()
    };
    if let Some(rest) = message.strip_prefix("missing field") {
        return format!("champ obligatoire « {} » absent", first_quoted(rest));
    }
    if let Some(rest) = message.strip_prefix("unknown field") {
        let expected = expected_list(rest);
        return if expected.is_empty() {
            format!("champ inconnu « {} »", first_quoted(rest))
        } else {
            format!(
                "champ inconnu « {} » (champs possibles : {expected})",
                first_quoted(rest)
            )
        };
    }
    if let Some(rest) = message.strip_prefix("unknown variant") {
        return format!(
            "valeur inconnue « {} » (valeurs possibles : {})",
            first_quoted(rest),
            expected_list(rest)
        );
    }
    if let Some(rest) = message.strip_prefix("invalid type:") {
        // « invalid type: string "1", expected i64 »
        if let Some((found, expected)) = rest.rsplit_once(", expected") {
            return format!(
                "type de valeur incorrect : {}, alors qu'il faut {}",
                french_type(found),
                french_type(expected)
            );
        }
        return format!("type de valeur incorrect ({message})");
    }
    if message.starts_with("duplicate key") {
        return format!("clé définie deux fois ({message})");
    }
    format!("syntaxe TOML invalide ({})", message.replace('\n', " "))
}

/// The French name of a serde type description (« string "1" », « a boolean », « i64 »…).
fn french_type(description: &str) -> String {
    let d = description.trim();
    let bare = d
        .strip_prefix("a ")
        .or_else(|| d.strip_prefix("an "))
        .unwrap_or(d);
    let name = if bare.starts_with("string") {
        "un texte"
    } else if bare.starts_with("integer")
        || ["i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64"].contains(&bare)
    {
        "un nombre entier"
    } else if bare.starts_with("floating point") {
        "un nombre décimal"
    } else if bare.starts_with("boolean") {
        "un booléen (true ou false)"
    } else if bare.starts_with("sequence") {
        "une liste"
    } else if bare.starts_with("map") || bare.starts_with("struct") {
        "une table"
    } else {
        return format!("« {d} »");
    };
    // Keep the offending value when serde gives it: « un texte ("1") ».
    match bare.split_once(' ') {
        Some((_, value)) if !value.is_empty() && !bare.starts_with("floating point") => {
            format!("{name} ({})", value.trim_matches('`'))
        }
        _ => name.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_parses() {
        let dir = Directory::try_builtin().unwrap();
        assert!(dir.entries().len() >= 4);
        assert_eq!(Directory::builtin(), &dir);
    }

    #[test]
    fn bourgogne_franche_comte_from_the_seed() {
        let dir = Directory::builtin();
        let csirt = dir.csirt_for_region("bourgogne-franche-comte").unwrap();
        assert_eq!(csirt.phone.as_deref(), Some("0 970 609 909"));
        assert_eq!(csirt.phone_instructions.as_deref(), Some("puis choix 1"));
        assert_eq!(csirt.verification, Verification::Verifie);
        assert_eq!(dir.csirt_for_region("27"), Some(csirt));
        assert_eq!(dir.entry("csirt-bourgogne-franche-comte"), Some(csirt));
    }

    #[test]
    fn every_region_has_a_csirt_and_unverified_ones_say_how_to_find() {
        let dir = Directory::builtin();
        assert_eq!(dir.regions().len(), 18);
        for region in dir.regions() {
            let csirt = &region.csirt;
            if csirt.verification == Verification::AVerifier {
                assert!(csirt.phone.is_none(), "{}", region.id);
                assert!(csirt.how_to_find.is_some(), "{}", region.id);
            }
        }
    }

    #[test]
    fn references_resolve() {
        let dir = Directory::builtin();
        for reference in dir.references() {
            assert!(dir.resolve(&reference, None).is_some(), "{reference}");
        }
        assert!(matches!(
            dir.resolve("assureur", None),
            Some(ContactTarget::Role {
                role: OrgRole::Assureur
            })
        ));
        assert!(matches!(
            dir.resolve(REGIONAL_CSIRT, Some("bourgogne-franche-comte")),
            Some(ContactTarget::RegionalCsirt { region: Some(_) })
        ));
        assert!(dir.resolve("inconnu", None).is_none());
        for id in ["17cyber", "gendarmerie-police", "cybermalveillance", "cnil"] {
            assert!(dir.entry(id).is_some(), "{id}");
        }
    }

    #[test]
    fn roles_round_trip() {
        for role in OrgRole::ALL {
            assert_eq!(OrgRole::from_id(role.id()), Some(role));
            let json = serde_json::to_string(&role).unwrap();
            assert_eq!(json, format!("\"{}\"", role.id()));
        }
    }

    #[test]
    fn malformed_files_are_rejected_with_a_line() {
        let regional = REGIONAL_TOML;
        let national = "schema = \"vigie.contacts.v1\"\nupdated = \"2026-11-29\"\n\n[[entry]]\nid = \"x\"\nkind = \"assistance\"\nname = \"X\"\nphone = \"01 23 AB\"\nwhen = \"toujours\"\nverification = \"verifie\"\nsource = \"s\"\nverified_on = \"2026-11-29\"\n";
        let err = Directory::parse(national, Path::new("n.toml"), regional, Path::new("r.toml"))
            .unwrap_err();
        match err {
            Error::InvalidData { line, reason, .. } => {
                assert_eq!(line, 8);
                assert!(reason.contains("numéro"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
        let clash = national
            .replace("\"x\"", "\"assureur\"")
            .replace("01 23 AB", "17");
        let err = Directory::parse(&clash, Path::new("n.toml"), regional, Path::new("r.toml"))
            .unwrap_err();
        assert!(err.to_string().contains("ligne 5"), "{err}");
        let unknown = national.replace("when =", "quand =");
        let err = Directory::parse(&unknown, Path::new("n.toml"), regional, Path::new("r.toml"))
            .unwrap_err();
        assert!(err.to_string().contains("inconnu"), "{err}");
    }

    #[test]
    fn serde_messages_in_french() {
        assert_eq!(
            french_reason("invalid type: string \"1\", expected i64"),
            "type de valeur incorrect : un texte (\"1\"), alors qu'il faut un nombre entier"
        );
        assert_eq!(
            french_reason("invalid type: integer `3`, expected a sequence"),
            "type de valeur incorrect : un nombre entier (3), alors qu'il faut une liste"
        );
        assert_eq!(
            french_reason("missing field `title`"),
            "champ obligatoire « title » absent"
        );
        assert_eq!(
            french_reason("unknown field `x`, expected `a` or `b`"),
            "champ inconnu « x » (champs possibles : a, b)"
        );
        assert!(french_reason("invalid string\nexpected `\"`").starts_with("syntaxe TOML"));
    }

    #[test]
    fn line_of_counts_newlines() {
        assert_eq!(line_of("a\nb\nc", 0), 1);
        assert_eq!(line_of("a\nb\nc", 2), 2);
        assert_eq!(line_of("a\nb\nc", 999), 3);
    }
}
