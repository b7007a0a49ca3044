//! Check-digit arithmetic shared by several detectors: Luhn (cards, SIREN, SIRET) and the
//! ISO 7064 mod 97 of alphanumeric strings (IBAN).
//!
//! All functions take normalised ASCII (upper-case alphanumerics) and never panic: a character
//! outside the expected alphabet makes the check fail.

/// Luhn (mod 10) validity of an ASCII digit string.
pub(crate) fn luhn_valid(digits: &[u8]) -> bool {
    if digits.is_empty() {
        return false;
    }
    let mut sum = 0u32;
    for (i, &b) in digits.iter().rev().enumerate() {
        let Some(d) = b.checked_sub(b'0').filter(|d| *d <= 9) else {
            return false;
        };
        let d = u32::from(d);
        sum += if i % 2 == 1 {
            let x = d * 2;
            if x > 9 { x - 9 } else { x }
        } else {
            d
        };
    }
    sum.is_multiple_of(10)
}

/// Sum of the digits of an ASCII digit string (La Poste SIRET rule), `None` on a non-digit.
pub(crate) fn digit_sum(digits: &[u8]) -> Option<u32> {
    digits.iter().try_fold(0u32, |acc, &b| {
        b.checked_sub(b'0')
            .filter(|d| *d <= 9)
            .map(|d| acc + u32::from(d))
    })
}

/// Remainder mod 97 of an alphanumeric string read as a number, letters counting A=10 … Z=35
/// (ISO 13616 / ISO 7064). `None` on any other character.
pub(crate) fn mod97_alnum(chars: &[u8]) -> Option<u32> {
    chars.iter().try_fold(0u32, |r, &b| match b {
        b'0'..=b'9' => Some((r * 10 + u32::from(b - b'0')) % 97),
        b'A'..=b'Z' => Some((r * 100 + u32::from(b - b'A') + 10) % 97),
        _ => None,
    })
}

/// Remainder of an ASCII digit string modulo `m` (any length), `None` on a non-digit.
pub(crate) fn mod_digits(digits: &[u8], m: u64) -> Option<u64> {
    if m == 0 {
        return None;
    }
    digits.iter().try_fold(0u64, |r, &b| {
        b.checked_sub(b'0')
            .filter(|d| *d <= 9)
            .map(|d| (r * 10 + u64::from(d)) % m)
    })
}

#[cfg(test)]
// Tests fail by panicking.
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn luhn() {
        assert!(luhn_valid(b"4111111111111111"));
        assert!(luhn_valid(b"5555555555554444"));
        assert!(luhn_valid(b"378282246310005"));
        assert!(luhn_valid(b"732829320"));
        assert!(!luhn_valid(b"732829321"));
        assert!(!luhn_valid(b"362521879"));
        assert!(!luhn_valid(b""));
        assert!(!luhn_valid(b"73282932A"));
    }

    #[test]
    fn mod97() {
        // GB82 WEST 1234 5698 7654 32 rearranged.
        assert_eq!(mod97_alnum(b"WEST12345698765432GB82"), Some(1));
        assert_eq!(mod97_alnum(b"WEST12345698765432GB83"), Some(2));
        assert_eq!(mod97_alnum(b"ab"), None);
        assert_eq!(
            mod_digits(b"1841276451089", 97),
            Some(1_841_276_451_089 % 97)
        );
        assert_eq!(digit_sum(b"35600000000048"), Some(26));
        assert_eq!(digit_sum(b"3x"), None);
    }
}
