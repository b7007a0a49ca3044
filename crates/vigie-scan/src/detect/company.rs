//! Company identifiers: SIREN (9 digits), SIRET (SIREN + 5-digit establishment number) and
//! the French intra-community VAT number (« FR » + key + SIREN).
//!
//! SIREN and SIRET are Luhn-checked, except the establishments of La Poste (SIREN
//! 356 000 000), whose SIRETs are valid when the sum of their 14 digits is a multiple of 5.
//! The VAT key is (12 + 3·(SIREN mod 97)) mod 97. A value read as a SIRET or a VAT number is
//! reported as that only: the engine moves past it, so the SIREN inside is not reported too.
//!
//! Luhn alone lets one random 9-digit number in ten through, so SIREN findings need context
//! (see [`super::Detector`]): these functions only say whether the digits are right.

use super::checksum::{digit_sum, luhn_valid};
use super::text::{Collected, all_digits, collect, cut_mask, parse_u64};

/// Group boundaries of « 732 829 320 ».
pub(crate) const SIREN_CUTS: u64 = cut_mask(&[3, 6]);
/// Group boundaries of « 732 829 320 00074 » (and « … 000 74 »).
pub(crate) const SIRET_CUTS: u64 = cut_mask(&[3, 6, 9, 12]);
/// Group boundaries of « FR 40 303 265 045 » and « FR40 303265045 ».
pub(crate) const VAT_CUTS: u64 = cut_mask(&[2, 4, 7, 10]);

/// The SIREN of La Poste.
const LA_POSTE: &[u8] = b"356000000";

pub(crate) fn siren_valid(v: &[u8]) -> bool {
    v.len() == 9 && all_digits(v) && luhn_valid(v)
}

pub(crate) fn siret_valid(v: &[u8]) -> bool {
    if v.len() != 14 || !all_digits(v) {
        return false;
    }
    if v.starts_with(LA_POSTE) {
        return digit_sum(v).is_some_and(|s| s.is_multiple_of(5));
    }
    luhn_valid(v)
}

/// The VAT key of a 9-digit SIREN.
pub(crate) fn vat_key(siren: &[u8]) -> Option<u64> {
    parse_u64(siren).map(|n| (12 + 3 * (n % 97)) % 97)
}

/// Whether a normalised 13-character value is a French VAT number with a numeric key.
pub(crate) fn vat_valid(v: &[u8]) -> bool {
    let (Some(prefix), Some(key), Some(siren)) = (v.get(..2), v.get(2..4), v.get(4..)) else {
        return false;
    };
    v.len() == 13
        && prefix == b"FR"
        && siren.len() == 9
        && all_digits(siren)
        && parse_u64(key).is_some_and(|k| Some(k) == vat_key(siren))
}

/// A VAT number written from `start` (its « F »), validated.
pub(crate) fn vat_at(bytes: &[u8], start: usize) -> Option<Collected> {
    if !super::text::at(bytes, start).eq_ignore_ascii_case(&b'F')
        || !super::text::at(bytes, start + 1).eq_ignore_ascii_case(&b'R')
    {
        return None;
    }
    let c = collect(bytes, start, 13, VAT_CUTS)?;
    vat_valid(c.as_slice()).then_some(c)
}

#[cfg(test)]
// Tests fail by panicking.
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn siren_and_siret() {
        assert!(siren_valid(b"732829320"));
        assert!(!siren_valid(b"732829321"));
        assert!(!siren_valid(b"362521879"));
        assert!(siret_valid(b"73282932000074"));
        assert!(!siret_valid(b"73282932000075"));
        assert!(siren_valid(LA_POSTE));
    }

    #[test]
    fn la_poste() {
        // Digit sums: 3+5+6+4+8 = 26 (refused although Luhn-valid), 3+5+6+4+7 = 25
        // (accepted although Luhn fails): for La Poste the digit sum replaces Luhn.
        assert!(luhn_valid(b"35600000000048"));
        assert!(!siret_valid(b"35600000000048"));
        assert!(!luhn_valid(b"35600000000047"));
        assert!(siret_valid(b"35600000000047"));
        assert!(siret_valid(b"35600000012341"));
        assert!(!siret_valid(b"35600000012342"));
    }

    #[test]
    fn vat() {
        assert_eq!(vat_key(b"303265045"), Some(40));
        assert!(vat_valid(b"FR40303265045"));
        assert!(!vat_valid(b"FR41303265045"));
        assert!(!vat_valid(b"DE40303265045"));
        let s = b"TVA : FR 40 303 265 045.";
        let c = vat_at(s, 6).unwrap();
        assert_eq!(c.as_slice(), b"FR40303265045");
        assert_eq!(c.end, s.len() - 1);
        assert!(vat_at(b"fr40303265045", 0).is_some());
        assert!(vat_at(b"FR403 03265045", 0).is_none(), "odd grouping");
    }
}
