//! Single-use recovery codes: ten per user, shown once, stored as SHA-256 digests.
//!
//! Each code is 16 characters from a 32-letter alphabet without look-alikes (80 random bits),
//! printed in groups of four (`k7m2-x9qa-…`). With that much entropy a plain SHA-256 is enough
//! to store them: an attacker with the database cannot search 2^80 candidates.

use rand::Rng as _;
use sha2::{Digest as _, Sha256};

/// Codes given at a time.
pub const COUNT: usize = 10;
/// Crockford-like alphabet: digits and lower-case letters without i, l, o, u.
const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

/// Ten new codes, for display.
pub fn generate() -> Vec<String> {
    let mut rng = rand::rng();
    (0..COUNT)
        .map(|_| {
            let chars: Vec<u8> = (0..16)
                .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())])
                .collect();
            chars
                .chunks(4)
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect::<Vec<_>>()
                .join("-")
        })
        .collect()
}

/// The digest stored for a code as typed: case, spaces and dashes do not matter, and the
/// look-alikes people type (o for 0, i and l for 1) are read as meant.
pub fn digest(code: &str) -> String {
    let normal: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| match c.to_ascii_lowercase() {
            'o' => '0',
            'i' | 'l' => '1',
            other => other,
        })
        .collect();
    let mut hasher = Sha256::new();
    hasher.update(b"vigie.recovery.v1:");
    hasher.update(normal.as_bytes());
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// True if `code` has the shape of a recovery code (so the sign-in page can tell it from a
/// six-digit TOTP code).
pub fn looks_like_code(code: &str) -> bool {
    code.chars().filter(|c| c.is_ascii_alphanumeric()).count() == 16
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ten_distinct_well_formed_codes() {
        let codes = generate();
        assert_eq!(codes.len(), COUNT);
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), COUNT);
        for c in &codes {
            assert_eq!(c.len(), 19, "{c}");
            assert!(looks_like_code(c));
        }
    }

    proptest! {
        #[test]
        fn typing_variants_give_the_same_digest(seed in 0usize..COUNT) {
            let codes = generate();
            let code = &codes[seed];
            let variants = [
                code.to_uppercase(),
                code.replace('-', ""),
                code.replace('-', " "),
                format!("  {code} "),
            ];
            for v in variants {
                prop_assert_eq!(digest(&v), digest(code));
            }
        }
    }

    #[test]
    fn look_alikes_are_read_as_meant() {
        assert_eq!(digest("o1l0-aaaa-bbbb-cccc"), digest("0110-aaaa-bbbb-cccc"));
        assert_ne!(digest("0000-aaaa-bbbb-cccc"), digest("0000-aaaa-bbbb-cccd"));
    }
}
