//! French tax numbers (numéro fiscal, SPI: « simplification des procédures d'imposition »),
//! printed on every avis d'impôt and used to log in to impots.gouv.fr.
//!
//! 13 digits, the first one 0–3; the last three are the first ten read as an integer, mod 511.

use super::text::{all_digits, cut_mask, parse_u64};

/// Group boundaries of « 30 12 345 678 901 », the layout of the avis d'impôt.
pub(crate) const CUTS: u64 = cut_mask(&[2, 4, 7, 10]);

/// Whether a normalised 13-digit value is a valid SPI.
pub(crate) fn spi_valid(v: &[u8]) -> bool {
    if v.len() != 13 || !all_digits(v) || !matches!(v.first(), Some(b'0'..=b'3')) {
        return false;
    }
    // « 0033 6 12 34 56 78 » (an international phone number written with 00) has the shape.
    if v.starts_with(b"0033") {
        return false;
    }
    let (Some(head), Some(check)) = (
        v.get(..10).and_then(parse_u64),
        v.get(10..).and_then(parse_u64),
    ) else {
        return false;
    };
    // An all-zero number is a placeholder, not a taxpayer.
    head != 0 && head % 511 == check
}

#[cfg(test)]
// Tests fail by panicking.
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn mod_511() {
        // 1234567890 mod 511 = 66.
        assert!(spi_valid(b"1234567890066"));
        assert!(!spi_valid(b"1234567890067"));
        assert!(!spi_valid(b"4234567890066"), "first digit 0-3");
        assert!(!spi_valid(b"123456789066"), "length");
        assert!(!spi_valid(b"0000000000000"), "placeholder");
    }
}
