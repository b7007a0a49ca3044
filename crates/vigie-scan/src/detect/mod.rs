//! Detectors of sensitive values in text.
//!
//! A [`Detector`] is built once and then run over many texts. Each detector validates its
//! candidates with the checksum of the identifier (mod 97 for IBAN, the RIB key, Luhn...): a
//! value that fails its checksum is not a finding.
//!
//! # How a scan works
//!
//! One pass over the bytes ([`text::Triggers`]) jumps to the next digit, `:` or `=`, 32 bytes
//! at a time (one vector test skips a chunk without any).
//!
//! - At a digit, the engine reads the *run* of digit-holding groups joined by the separators
//!   of French layouts (spaces, U+00A0, U+202F, dots, dashes, one line break, table gaps) and
//!   tries, from each group, the values that fit exactly on group boundaries, longest first:
//!   IBAN and VAT when the group starts with letters, then RIB (23), cards (13–19), NIR (15),
//!   SIRET (14), SPI (13), identity documents (12, 10, 9) and SIREN (9). A value must be alone:
//!   not the tail or head of a longer number ([`text::left_clear_with`],
//!   [`text::right_clear_with`]), which is what keeps phone numbers, amounts and dates out.
//!   The first valid value is reported and the engine moves past it, so a SIRET is not also
//!   reported as a SIREN, nor the RIB inside a French IBAN. A run that ends with a lone 5-digit
//!   group may be the code banque of a RIB written with labels between its fields (« Banque :
//!   30066  Guichet : … », `bank::labelled_rib_at`). The run keeps the joint after each of its
//!   groups, so that the boundary tests do not read it again.
//! - Before building a run, the engine sorts its first group ([`text::short_group`]). A digit
//!   group alone between bytes that join nothing, and shorter than any value (« =C3 » in
//!   quoted-printable), is skipped at once. A short number whose run holds nothing else (« le
//!   12 mars », most digit groups of a message) can only end the country letters of an IBAN
//!   or VAT number written just before it: that is all that is looked at.
//! - At `:` or `=`, [`password`] looks back for a password label (after cheap necessary
//!   conditions: a token follows on the line, a label spelling can end close enough).
//! - Context keywords ([`context`]) are only searched around candidates that passed their
//!   checksum and need them (SIREN, SIRET, SPI, identity documents, compact cards), once per
//!   candidate, and only on the lines that can label it (the value's line, and the line above
//!   when the value starts its own).
//!
//! Nothing is allocated per byte; a `Detection` (and its `String`) is allocated per finding.
//!
//! # Modules
//!
//! - [`text`]: byte classes, trigger search, groups, separators, word boundaries;
//! - [`checksum`]: Luhn and mod 97;
//! - [`context`]: keyword automaton and context scoring;
//! - [`bank`]: IBAN (full registry) and RIB;
//! - [`card`]: payment cards;
//! - [`nir`]: social security numbers;
//! - [`company`]: SIREN, SIRET, VAT;
//! - [`tax`]: numéro fiscal (SPI);
//! - [`identity`]: identity-document numbers;
//! - [`password`]: passwords sent in clear.

// Input-reachable code must not panic: these lints turn any indexing, unwrap or explicit
// panic in the detectors into a build error (tests opt out locally).
#![deny(
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

mod bank;
mod card;
mod checksum;
mod company;
mod context;
mod identity;
mod nir;
mod password;
mod tax;
mod text;

use serde::Serialize;

use context::{ContextIndex, Hits, Topic, WINDOW_AFTER, WINDOW_BEFORE};
use text::{Run, cuts_within, left_clear_with, letter_pair_before_with, right_clear_with};

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
    /// The normalised value (upper case, no spaces, dots, dashes or line breaks). For
    /// [`Kind::PasswordInClear`] it is the password as written (case and punctuation are part
    /// of it). Never print it: use [`crate::mask::mask`].
    pub value: String,
    pub confidence: Confidence,
    /// Byte range of the match in the scanned text.
    pub start: usize,
    pub end: usize,
}

/// The set of all detectors, built once (it holds the keyword automata) and shared by
/// reference between threads.
#[derive(Debug, Clone)]
pub struct Detector {
    context: ContextIndex,
    passwords: password::PasswordIndex,
}

impl Default for Detector {
    fn default() -> Self {
        Detector::new()
    }
}

/// Lengths a numeric value can have, longest first (tried in this order from each group).
const LENGTHS: [usize; 11] = [23, 19, 18, 17, 16, 15, 14, 13, 12, 10, 9];
/// Shortest value.
const MIN_LEN: usize = 9;
/// Longest value read from a run of digit groups (the RIB).
const MAX_LEN: usize = 23;
/// A « Facture n° » or « Tél. » this close before a number (same line) says what it is.
const NEGATIVE_NEAR: usize = 40;
/// A strong keyword this close gives full confidence.
const KEYWORD_NEAR: usize = 60;

impl Detector {
    pub fn new() -> Self {
        Detector {
            context: ContextIndex::new(),
            passwords: password::PasswordIndex::new(),
        }
    }

    /// Appends to `out` every sensitive value found in `text`, in text order of the places
    /// where they were recognised.
    pub fn scan(&self, text: &str, out: &mut Vec<Detection>) {
        let bytes = text.as_bytes();
        let mut run = Run::default();
        let mut triggers = text::Triggers::default();
        let mut pos = 0;
        while let Some(p) = triggers.next(bytes, pos) {
            let b = text::at(bytes, p);
            if b == b':' || b == b'=' {
                if let Some(d) = self.passwords.at_separator(text, p) {
                    out.push(d);
                }
                pos = p + 1;
                continue;
            }
            let Some(start) = text::group_start(bytes, p) else {
                pos = text::skip_alnum(bytes, p);
                continue;
            };
            match text::short_group(bytes, start) {
                text::Short::Lone(end) => {
                    pos = end;
                    continue;
                }
                text::Short::Alone { end, before } => {
                    pos = self.scan_alone(bytes, end, before, out).max(p + 1);
                    continue;
                }
                text::Short::Other => {}
            }
            run.build(bytes, start);
            let end = self.scan_run(bytes, &run, out);
            pos = end.max(p + 1);
        }
    }

    /// Convenience: the detections of `text` in a new vector.
    pub fn scan_collect(&self, text: &str) -> Vec<Detection> {
        let mut out = Vec::new();
        self.scan(text, &mut out);
        out
    }

    /// [`Detector::scan_run`] for a run of one short number ([`text::Short::Alone`]) ending at
    /// `end`, `before` being the joint before it: only the country letters of an IBAN or VAT
    /// number just before it can start a value.
    #[inline]
    fn scan_alone(
        &self,
        bytes: &[u8],
        end: usize,
        before: Option<(usize, bool)>,
        out: &mut Vec<Detection>,
    ) -> usize {
        match letter_pair_before_with(bytes, before)
            .and_then(|ps| self.letters_first(bytes, ps, out))
        {
            Some(e) => end.max(e),
            None => end,
        }
    }

    /// Reports the values of one run; returns where scanning resumes.
    fn scan_run(&self, bytes: &[u8], run: &Run, out: &mut Vec<Detection>) -> usize {
        let n = run.n_groups();
        let mut end = run.end;
        if n == 0 {
            return end;
        }
        let mut i = 0;
        // Read once: the letter pair below and the left boundary of a value at group 0 both
        // depend on it.
        let first_before = text::joint_before(bytes, run.group(0).start);
        // « FR 76 3000 … », « FR 40 303 265 045 »: the country letters form a group of their
        // own, without digits, just before the run.
        if let Some(ps) = letter_pair_before_with(bytes, first_before)
            && let Some(e) = self.letters_first(bytes, ps, out)
        {
            end = end.max(e);
            i = first_group_from(run, e);
        }
        while i < n {
            let g = run.group(i);
            if g.starts_with_letter
                && !text::word_char_before(bytes, g.start)
                && let Some(e) = self.letters_first(bytes, g.start, out)
            {
                end = end.max(e);
                i = first_group_from(run, e).max(i + 1);
                continue;
            }
            match self.numeric_at(bytes, run, i, first_before, out) {
                Some(j) => i = j,
                None => {
                    // « Banque : 30066  Guichet : … »: the run stops at the first label.
                    if i + 1 == n
                        && g.len == 5
                        && let Some(e) = labelled_rib(bytes, g.start, out)
                    {
                        end = end.max(e);
                    }
                    i += 1;
                }
            }
        }
        end
    }

    /// IBAN or VAT number starting with letters at `start`; returns its end.
    #[inline]
    fn letters_first(&self, bytes: &[u8], start: usize, out: &mut Vec<Detection>) -> Option<usize> {
        // Most letter pairs before a number are words (« le 12 », « au 3 »), not a country
        // with IBANs: said here, inlined, before the calls below. (« FR » has IBANs, so this
        // turns no VAT number away.)
        bank::iban_length(text::at(bytes, start), text::at(bytes, start + 1))?;
        letters_first_at(bytes, start, out)
    }

    /// The longest value starting at group `i` of the run; returns the group after it.
    /// `first_before` is the joint before the run's first group.
    fn numeric_at(
        &self,
        bytes: &[u8],
        run: &Run,
        i: usize,
        first_before: Option<(usize, bool)>,
        out: &mut Vec<Detection>,
    ) -> Option<usize> {
        let g = run.group(i);
        if run.n_chars().saturating_sub(g.off) < MIN_LEN
            || !left_clear_with(bytes, g.start, || {
                if i == 0 {
                    first_before
                } else {
                    text::joint_before(bytes, g.start)
                }
            })
        {
            return None;
        }
        // Group ends where the value would have one of the possible lengths.
        let mut ends = [(0usize, 0usize); text::MAX_RUN_GROUPS];
        let mut n_ends = 0;
        for j in i + 1..=run.n_groups() {
            let last = run.group(j - 1);
            let len = last.off + last.len - g.off;
            if len > MAX_LEN {
                break;
            }
            if LENGTHS.contains(&len)
                && let Some(slot) = ends.get_mut(n_ends)
            {
                *slot = (j, len);
                n_ends += 1;
            }
        }
        for &(j, _) in ends.iter().take(n_ends).rev() {
            let last = run.group(j - 1);
            if !right_clear_with(bytes, last.end, last.after) {
                continue;
            }
            let v = run.chars(i, j);
            if let Some((kind, confidence)) =
                self.classify(bytes, v, run.cuts(i, j), g.start, last.end)
            {
                out.push(Detection {
                    kind,
                    value: text::to_value(v),
                    confidence,
                    start: g.start,
                    end: last.end,
                });
                return Some(j);
            }
        }
        None
    }

    /// What the normalised value `v` (group boundaries `cuts`) at `start..end` is, if anything.
    fn classify(
        &self,
        bytes: &[u8],
        v: &[u8],
        cuts: u64,
        start: usize,
        end: usize,
    ) -> Option<(Kind, Confidence)> {
        let grouped = cuts != 0;
        // Context is searched at most once per candidate, and only when a rule needs it.
        let mut hits: Option<Hits> = None;
        let mut ctx = || *hits.get_or_insert_with(|| self.context.around(bytes, start, end));
        let high_if = |b: bool| {
            if b {
                Confidence::High
            } else {
                Confidence::Medium
            }
        };
        match v.len() {
            23 if cuts_within(cuts, bank::RIB_CUTS) && bank::rib_valid(v) => {
                let c = high_if(
                    grouped
                        || ctx()
                            .within(Topic::Bank, WINDOW_BEFORE, WINDOW_AFTER)
                            .is_some(),
                );
                return Some((Kind::FrRib, c));
            }
            15 if cuts_within(cuts, nir::CUTS) && nir::nir_valid(v) => {
                // Temporary NIRs (sex digit 3, 4, 7, 8) are rare and start like Amex numbers
                // (34…, 37…); about one 15-digit number in a thousand passes both checks. The
                // nearest keyword decides, and a temporary NIR labelled as something else
                // (« Carte n° ») is not taken for a NIR.
                let h = ctx();
                let nir_kw = h.within(Topic::Nir, WINDOW_BEFORE, WINDOW_AFTER);
                let card_kw = h.within(Topic::Card, WINDOW_BEFORE, WINDOW_AFTER);
                let card_wins = card::card_valid(v, cuts)
                    && card_kw.is_some_and(|c| nir_kw.is_none_or(|n| c.dist < n.dist));
                let temporary = matches!(v.first(), Some(b'3' | b'4' | b'7' | b'8'));
                let stands_down = card_wins || (temporary && labelled_otherwise(&h, Topic::Nir));
                if !stands_down {
                    return Some((Kind::FrNir, high_if(grouped || nir_kw.is_some())));
                }
            }
            14 if cuts_within(cuts, company::SIRET_CUTS) && company::siret_valid(v) => {
                return siret_confidence(&ctx(), grouped).map(|c| (Kind::FrSiret, c));
            }
            13 if cuts_within(cuts, tax::CUTS) && tax::spi_valid(v) => {
                if let Some(c) = spi_confidence(&ctx(), grouped) {
                    return Some((Kind::FrTaxId, c));
                }
            }
            9 if cuts_within(cuts, company::SIREN_CUTS)
                && company::siren_valid(v)
                && !text::siret_tail_follows(bytes, end) =>
            {
                return siren_confidence(&ctx()).map(|c| (Kind::FrSiren, c));
            }
            _ => {}
        }
        if (13..=19).contains(&v.len()) && card::card_valid(v, cuts) {
            let h = ctx();
            let c = if grouped || h.within(Topic::Card, WINDOW_BEFORE, WINDOW_AFTER).is_some() {
                Confidence::High
            } else if negative_wins(&h, Topic::Card) || labelled_otherwise(&h, Topic::Card) {
                return None;
            } else {
                Confidence::Medium
            };
            return Some((Kind::PaymentCard, c));
        }
        let s = identity::shape(v, bytes.get(start..end).unwrap_or(&[]))?;
        identity::confidence(s, &ctx()).map(|c| (Kind::IdentityDocumentNumber, c))
    }
}

/// [`Detector::letters_first`] once the first two letters may be a country code.
#[inline(never)]
fn letters_first_at(bytes: &[u8], start: usize, out: &mut Vec<Detection>) -> Option<usize> {
    let (kind, c) = if let Some(c) = bank::iban_at(bytes, start) {
        (Kind::Iban, c)
    } else {
        (Kind::FrVat, company::vat_at(bytes, start)?)
    };
    out.push(Detection {
        kind,
        value: text::to_value(c.as_slice()),
        confidence: Confidence::High,
        start,
        end: c.end,
    });
    Some(c.end)
}

/// A RIB written with its labels between the fields, from the code banque at `start`;
/// returns its end. Kept out of line: it runs on every lone 5-digit group (postal codes) and
/// almost always gives up at once, and inlining it into the scan loop slows the whole loop.
#[inline(never)]
fn labelled_rib(bytes: &[u8], start: usize, out: &mut Vec<Detection>) -> Option<usize> {
    let c = bank::labelled_rib_at(bytes, start)?;
    out.push(Detection {
        kind: Kind::FrRib,
        value: text::to_value(c.as_slice()),
        confidence: Confidence::High,
        start,
        end: c.end,
    });
    Some(c.end)
}

/// Index of the first group of `run` starting at or after byte `e`.
fn first_group_from(run: &Run, e: usize) -> usize {
    (0..run.n_groups())
        .find(|&k| run.group(k).start >= e)
        .unwrap_or(run.n_groups())
}

/// « Facture n° », « Tél. », « Réf. » just before the value, on the same line, and no
/// keyword of `positive` nearer to it: the nearest label says what a number is, so « SIREN
/// 732 829 320 – commande n° 123 456 782 » reports the first number and not the second.
fn negative_wins(h: &Hits, positive: Topic) -> bool {
    let Some(n) = h
        .get(Topic::Negative)
        .filter(|n| !n.after && n.same_line && n.dist <= NEGATIVE_NEAR)
    else {
        return false;
    };
    h.get(positive).is_none_or(|p| p.after || p.dist > n.dist)
}

/// Identifier topics: a keyword of one of them names the number next to it.
const ID_TOPICS: [Topic; 6] = [
    Topic::Company,
    Topic::Tax,
    Topic::Nir,
    Topic::Bank,
    Topic::Card,
    Topic::IdStrong,
];

/// The value is labelled as another identifier (« N° SS : 4210711192568⏎13 » is a broken NIR
/// whose first 13 digits pass Luhn) and not as `own`: a weakly checked kind then stands down.
fn labelled_otherwise(h: &Hits, own: Topic) -> bool {
    h.get(own).is_none() && ID_TOPICS.iter().any(|&t| t != own && h.get(t).is_some())
}

/// A Luhn-valid 9-digit number is a SIREN one time in ten by chance: it is reported only with
/// a company keyword around it (High when near, Medium further), or a legal form on its line
/// (Medium). A bare one is not reported at all: precision matters more than the rare SIREN
/// written without any context.
fn siren_confidence(h: &Hits) -> Option<Confidence> {
    if negative_wins(h, Topic::Company) {
        return None;
    }
    if let Some(k) = h.within(Topic::Company, WINDOW_BEFORE, WINDOW_AFTER) {
        return Some(if k.dist <= KEYWORD_NEAR {
            Confidence::High
        } else {
            Confidence::Medium
        });
    }
    h.get(Topic::CompanyForm)
        .filter(|f| f.same_line && f.dist <= 2 * KEYWORD_NEAR)
        .map(|_| Confidence::Medium)
}

/// 14 digits with Luhn are rarer by chance than 9, and often printed alone in footers:
/// reported without keywords too, at lower confidence, unless the line says it is an order or
/// invoice number.
fn siret_confidence(h: &Hits, grouped: bool) -> Option<Confidence> {
    if negative_wins(h, Topic::Company) || labelled_otherwise(h, Topic::Company) {
        return None;
    }
    if h.within(Topic::Company, WINDOW_BEFORE, WINDOW_AFTER)
        .is_some()
    {
        return Some(Confidence::High);
    }
    if h.get(Topic::CompanyForm).is_some_and(|f| f.same_line) || grouped {
        return Some(Confidence::Medium);
    }
    Some(Confidence::Low)
}

/// The mod 511 check lets one 13-digit number in 511 through: the avis d'impôt layout or tax
/// keywords make it certain; a compact one alone stays Low.
fn spi_confidence(h: &Hits, grouped: bool) -> Option<Confidence> {
    if negative_wins(h, Topic::Tax) || labelled_otherwise(h, Topic::Tax) {
        return None;
    }
    if h.within(Topic::Tax, WINDOW_BEFORE, WINDOW_AFTER).is_some() {
        return Some(Confidence::High);
    }
    Some(if grouped {
        Confidence::Medium
    } else {
        Confidence::Low
    })
}

#[cfg(test)]
// Tests fail by panicking.
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;

    static DETECTOR: std::sync::LazyLock<Detector> = std::sync::LazyLock::new(Detector::new);

    proptest::proptest! {
        /// The scan loop sorts each digit group with `text::short_group` before building its
        /// run: a lone short token is skipped, and a short number alone in its run is read by
        /// `scan_alone`. Both must give what building the run and reading it gives.
        #[test]
        fn short_groups_read_as_their_runs(parts in proptest::collection::vec(proptest::sample::select(&[
            "=", "C3", "A9", "3D", "FR", "76", "30006", "12345", "4", " ", "\n", "-", ".", ":",
            "x", "SIREN", "IBAN", "FR76", "3000", "6000", "0112", "3456", "7890", "189", "732",
            "829", "320", "00074", "\u{a0}", "|", ">", "/", "é", "2A", "de ", "le ", "DE89",
            "3704", "0044", "0532", "0130", "00", "mars", "14h", "0123456789abcdef0123456789abcdef",
        ][..]), 0..24)) {
            let text = parts.concat();
            let bytes = text.as_bytes();
            let detector = &*DETECTOR;
            let mut run = Run::default();
            for p in 0..bytes.len() {
                if !text::is_digit(bytes[p]) {
                    continue;
                }
                let Some(start) = text::group_start(bytes, p) else {
                    continue;
                };
                let short = text::short_group(bytes, start);
                let lone = text::lone_short_token(bytes, start);
                proptest::prop_assert_eq!(
                    matches!(short, text::Short::Lone(_)),
                    lone.is_some(),
                    "{:?} at {}", text, start
                );
                let mut fast = Vec::new();
                let fast_resume = match short {
                    text::Short::Lone(end) => {
                        proptest::prop_assert_eq!(Some(end), lone);
                        end
                    }
                    text::Short::Alone { end, before } => {
                        detector.scan_alone(bytes, end, before, &mut fast).max(p + 1)
                    }
                    text::Short::Other => continue,
                };
                run.build(bytes, start);
                let mut built = Vec::new();
                let resume = detector.scan_run(bytes, &run, &mut built).max(p + 1);
                proptest::prop_assert_eq!(&fast, &built, "{:?} at {}", text, start);
                proptest::prop_assert_eq!(fast_resume, resume, "{:?} at {}", text, start);
            }
        }
    }
}
