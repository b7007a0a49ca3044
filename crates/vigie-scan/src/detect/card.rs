//! Payment card numbers (PAN): issuer range and length, then Luhn.
//!
//! French « CB » cards are co-branded Visa or Mastercard, so their numbers fall in those
//! ranges. Grouping must be the one printed on cards (4-4-4-4, Amex 4-6-5) or none, which
//! keeps digit runs such as phone lists or tables from being read as cards.

use super::checksum::luhn_valid;
use super::text::{all_digits, cut_mask, parse_u64};

/// Card networks recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Brand {
    Visa,
    Mastercard,
    Amex,
    Discover,
    Jcb,
}

/// Allowed group boundaries: every 4 digits.
pub(crate) const CUTS_BY_4: u64 = cut_mask(&[4, 8, 12, 16]);
/// Allowed group boundaries of a 15-digit Amex: 4-6-5 (or by 4).
pub(crate) const CUTS_AMEX: u64 = cut_mask(&[4, 8, 10, 12]);

/// The network of a card number, by prefix and length.
pub(crate) fn brand(digits: &[u8]) -> Option<Brand> {
    let len = digits.len();
    let p = |n: usize| digits.get(..n).and_then(parse_u64);
    let (p1, p2, p3, p4) = (p(1)?, p(2)?, p(3)?, p(4)?);
    if p1 == 4 && matches!(len, 13 | 16 | 19) {
        return Some(Brand::Visa);
    }
    if ((51..=55).contains(&p2) || (2221..=2720).contains(&p4)) && len == 16 {
        return Some(Brand::Mastercard);
    }
    if matches!(p2, 34 | 37) && len == 15 {
        return Some(Brand::Amex);
    }
    if (p4 == 6011 || (644..=649).contains(&p3) || p2 == 65) && (16..=19).contains(&len) {
        return Some(Brand::Discover);
    }
    if (3528..=3589).contains(&p4) && (16..=19).contains(&len) {
        return Some(Brand::Jcb);
    }
    None
}

/// Whether `digits`, written with group boundaries `cuts`, is a card number.
pub(crate) fn card_valid(digits: &[u8], cuts: u64) -> bool {
    if !all_digits(digits) {
        return false;
    }
    let Some(b) = brand(digits) else {
        return false;
    };
    let allowed = if b == Brand::Amex {
        CUTS_AMEX
    } else {
        CUTS_BY_4
    };
    super::text::cuts_within(cuts, allowed) && luhn_valid(digits)
}

#[cfg(test)]
// Tests fail by panicking.
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn brands() {
        assert_eq!(brand(b"4970101234567899"), Some(Brand::Visa));
        assert_eq!(brand(b"4222222222222"), Some(Brand::Visa));
        assert_eq!(brand(b"5555555555554444"), Some(Brand::Mastercard));
        assert_eq!(brand(b"2223003122003222"), Some(Brand::Mastercard));
        assert_eq!(brand(b"378282246310005"), Some(Brand::Amex));
        assert_eq!(brand(b"6011111111111117"), Some(Brand::Discover));
        assert_eq!(brand(b"6500000000000002"), Some(Brand::Discover));
        assert_eq!(brand(b"3530111333300000"), Some(Brand::Jcb));
        assert_eq!(brand(b"5055555555554444"), None);
        assert_eq!(brand(b"4970101234567"), Some(Brand::Visa));
        assert_eq!(
            brand(b"497010123456789"),
            None,
            "Visa has no 15-digit numbers"
        );
    }

    #[test]
    fn validity_and_layout() {
        assert!(card_valid(b"4111111111111111", 0));
        assert!(card_valid(b"4111111111111111", cut_mask(&[4, 8, 12])));
        assert!(!card_valid(b"4111111111111111", cut_mask(&[2, 4, 6])));
        assert!(card_valid(b"378282246310005", cut_mask(&[4, 10])));
        assert!(!card_valid(b"4111111111111112", 0));
        assert!(!card_valid(b"411111111111111A", 0));
    }
}
