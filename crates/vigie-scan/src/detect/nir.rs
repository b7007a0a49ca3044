//! French social security numbers (NIR, « numéro de sécurité sociale »).
//!
//! 13 characters and a 2-digit key: sex (1, 2; 3, 4, 7, 8 for temporary numbers), year,
//! month (01–12, or 20–42 and 50–99 when the month is unknown or for special cases),
//! département (2 digits, or 2A/2B for Corsica), commune, order number, then
//! key = 97 − (number mod 97), with 2A counting as 19 and 2B as 18.

use super::checksum::mod_digits;
use super::text::{all_digits, cut_mask, parse_u64};

/// Group boundaries of the printed layout « 1 84 12 76 451 089 46 » and its usual
/// simplifications (« 1841276451089 46 »).
pub(crate) const CUTS: u64 = cut_mask(&[1, 3, 5, 7, 10, 13]);

/// Whether a normalised 15-character value is a valid NIR.
pub(crate) fn nir_valid(v: &[u8]) -> bool {
    if v.len() != 15 {
        return false;
    }
    let (Some(&sex), Some(month), Some(dept), Some(rest), Some(key)) = (
        v.first(),
        v.get(3..5),
        v.get(5..7),
        v.get(7..13),
        v.get(13..15),
    ) else {
        return false;
    };
    if !matches!(sex, b'1' | b'2' | b'3' | b'4' | b'7' | b'8') {
        return false;
    }
    let (Some(month), Some(key)) = (parse_u64(month), parse_u64(key)) else {
        return false;
    };
    let year_ok = v.get(1..3).is_some_and(all_digits);
    if !year_ok || !matches!(month, 1..=12 | 20..=42 | 50..=99) || !all_digits(rest) {
        return false;
    }
    // Corsica: the key is computed as if 2A were 19 and 2B were 18.
    let dept_num: &[u8] = match dept {
        b"2A" => b"19",
        b"2B" => b"18",
        d if all_digits(d) => d,
        _ => return false,
    };
    let (Some(head), Some(tail)) = (v.get(..5), v.get(7..13)) else {
        return false;
    };
    let r = [head, dept_num, tail].iter().try_fold(0u64, |r, part| {
        // Append `part` to the number mod 97: r·10^len + part.
        let pow = (0..part.len()).fold(1u64, |p, _| p * 10 % 97);
        mod_digits(part, 97).map(|m| (r * pow + m) % 97)
    });
    matches!(r, Some(r) if key == 97 - r)
}

#[cfg(test)]
// Tests fail by panicking.
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        assert!(nir_valid(b"184127645108946"));
        assert!(nir_valid(b"269054958815780"));
        assert!(!nir_valid(b"184127645108947"));
        assert!(!nir_valid(b"584127645108946"), "sex digit");
        assert!(!nir_valid(b"18413764510894"), "length");
    }

    #[test]
    fn months() {
        // Same number with month 13 (invalid) and 20 (valid special value), keys recomputed.
        for (month, ok) in [
            ("13", false),
            ("00", false),
            ("20", true),
            ("45", false),
            ("62", true),
        ] {
            let head = format!("184{month}76451089");
            let key = 97 - head.parse::<u64>().unwrap_or(0) % 97;
            let v = format!("{head}{key:02}");
            assert_eq!(nir_valid(v.as_bytes()), ok, "{v}");
        }
    }

    #[test]
    fn corsica() {
        // 1 55 08 2A 123 456: key over 1550819123456.
        let key = 97 - 1_550_819_123_456u64 % 97;
        let v = format!("155082A123456{key:02}");
        assert!(nir_valid(v.as_bytes()), "{v}");
        let key = 97 - 1_550_818_123_456u64 % 97;
        let v = format!("155082B123456{key:02}");
        assert!(nir_valid(v.as_bytes()), "{v}");
        let v = format!("155082C123456{key:02}");
        assert!(!nir_valid(v.as_bytes()));
    }
}
