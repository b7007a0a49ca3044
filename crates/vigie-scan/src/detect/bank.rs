//! Bank account identifiers: IBAN (every country of the ISO 13616 registry) and the French
//! RIB (relevé d'identité bancaire).
//!
//! An IBAN is read from its two country letters across any grouping (the registry length
//! tells where it ends, so « FR76 … 189 BIC … » stops at the right place) and validated by
//! ISO 7064 mod 97. A RIB is 5 + 5 + 11 + 2 characters validated by its key, written as one
//! run of groups or with its labels between the fields ([`labelled_rib_at`]). A French IBAN
//! contains a RIB: the engine reads the IBAN first and moves past it, so that RIB is never
//! reported on its own.

use super::checksum::mod97_alnum;
use super::text::{Collected, at, collect, cut_mask, is_alnum, is_digit, is_letter};

/// IBAN length of each country of the SWIFT IBAN registry (release 2024-2025), plus the
/// territories the registry lists under their parent country (Åland, French overseas
/// territories, Crown dependencies), which some banks print with their own code.
const IBAN_LENGTHS: &[([u8; 2], u8)] = &[
    (*b"AD", 24),
    (*b"AE", 23),
    (*b"AL", 28),
    (*b"AT", 20),
    (*b"AZ", 28),
    (*b"BA", 20),
    (*b"BE", 16),
    (*b"BG", 22),
    (*b"BH", 22),
    (*b"BI", 27),
    (*b"BR", 29),
    (*b"BY", 28),
    (*b"CH", 21),
    (*b"CR", 22),
    (*b"CY", 28),
    (*b"CZ", 24),
    (*b"DE", 22),
    (*b"DJ", 27),
    (*b"DK", 18),
    (*b"DO", 28),
    (*b"EE", 20),
    (*b"EG", 29),
    (*b"ES", 24),
    (*b"FI", 18),
    (*b"FK", 18),
    (*b"FO", 18),
    (*b"FR", 27),
    (*b"GB", 22),
    (*b"GE", 22),
    (*b"GI", 23),
    (*b"GL", 18),
    (*b"GR", 27),
    (*b"GT", 28),
    (*b"HN", 28),
    (*b"HR", 21),
    (*b"HU", 28),
    (*b"IE", 22),
    (*b"IL", 23),
    (*b"IQ", 23),
    (*b"IS", 26),
    (*b"IT", 27),
    (*b"JO", 30),
    (*b"KW", 30),
    (*b"KZ", 20),
    (*b"LB", 28),
    (*b"LC", 32),
    (*b"LI", 21),
    (*b"LT", 20),
    (*b"LU", 20),
    (*b"LV", 21),
    (*b"LY", 25),
    (*b"MC", 27),
    (*b"MD", 24),
    (*b"ME", 22),
    (*b"MK", 19),
    (*b"MN", 20),
    (*b"MR", 27),
    (*b"MT", 31),
    (*b"MU", 30),
    (*b"NI", 28),
    (*b"NL", 18),
    (*b"NO", 15),
    (*b"OM", 23),
    (*b"PK", 24),
    (*b"PL", 28),
    (*b"PS", 29),
    (*b"PT", 25),
    (*b"QA", 29),
    (*b"RO", 24),
    (*b"RS", 22),
    (*b"RU", 33),
    (*b"SA", 24),
    (*b"SC", 31),
    (*b"SD", 18),
    (*b"SE", 24),
    (*b"SI", 19),
    (*b"SK", 24),
    (*b"SM", 27),
    (*b"SO", 23),
    (*b"ST", 25),
    (*b"SV", 28),
    (*b"TL", 23),
    (*b"TN", 24),
    (*b"TR", 26),
    (*b"UA", 29),
    (*b"VA", 22),
    (*b"VG", 24),
    (*b"XK", 20),
    (*b"YE", 30),
    // Territories.
    (*b"AX", 18),
    (*b"BL", 27),
    (*b"GF", 27),
    (*b"GP", 27),
    (*b"MF", 27),
    (*b"MQ", 27),
    (*b"NC", 27),
    (*b"PF", 27),
    (*b"PM", 27),
    (*b"RE", 27),
    (*b"TF", 27),
    (*b"WF", 27),
    (*b"YT", 27),
    (*b"GG", 22),
    (*b"IM", 22),
    (*b"JE", 22),
];

/// Length per country code, indexed by `26 * (a - 'A') + (b - 'A')`: one load per candidate.
static LENGTH_TABLE: [u8; 676] = build_length_table();

// Evaluated at compile time: an out-of-range index would fail the build, not a scan.
#[allow(clippy::indexing_slicing)]
const fn build_length_table() -> [u8; 676] {
    let mut t = [0u8; 676];
    let mut i = 0;
    while i < IBAN_LENGTHS.len() {
        let (cc, len) = IBAN_LENGTHS[i];
        t[(cc[0] - b'A') as usize * 26 + (cc[1] - b'A') as usize] = len;
        i += 1;
    }
    t
}

/// Registered IBAN length of a country (letters in any case), if it has IBANs.
pub(crate) fn iban_length(a: u8, b: u8) -> Option<usize> {
    if !is_letter(a) || !is_letter(b) {
        return None;
    }
    let idx = usize::from(a.to_ascii_uppercase() - b'A') * 26
        + usize::from(b.to_ascii_uppercase() - b'A');
    LENGTH_TABLE
        .get(idx)
        .copied()
        .filter(|&l| l > 0)
        .map(usize::from)
}

/// ISO 13616 validity of a normalised IBAN: known country, registered length, check digits
/// 02–98, alphanumeric BBAN, mod 97 of the rearranged value equal to 1.
pub(crate) fn iban_valid(iban: &[u8]) -> bool {
    let (Some(&a), Some(&b)) = (iban.first(), iban.get(1)) else {
        return false;
    };
    if iban_length(a, b) != Some(iban.len()) {
        return false;
    }
    let Some(check) = iban.get(2..4).and_then(super::text::parse_u64) else {
        return false;
    };
    if !(2..=98).contains(&check) {
        return false;
    }
    let (Some(head), Some(bban)) = (iban.get(..4), iban.get(4..)) else {
        return false;
    };
    // mod 97 of BBAN ‖ country ‖ check, computed piecewise to avoid building a new string.
    let Some(r) = mod97_alnum(bban) else {
        return false;
    };
    let r = head.iter().try_fold(r, |r, &c| match c {
        b'0'..=b'9' => Some((r * 10 + u32::from(c - b'0')) % 97),
        b'A'..=b'Z' => Some((r * 100 + u32::from(c - b'A') + 10) % 97),
        _ => None,
    });
    r == Some(1)
}

/// An IBAN written from `start` (its first country letter), validated.
pub(crate) fn iban_at(bytes: &[u8], start: usize) -> Option<Collected> {
    let a = super::text::at(bytes, start);
    let b = super::text::at(bytes, start + 1);
    let len = iban_length(a, b)?;
    // The check digits come right after the country letters, in the same group or, when the
    // letters stand alone (« FR 76 »), at the start of the next one (any other layout has a
    // boundary `collect` refuses below): two digits, or no IBAN (`iban_valid`). Checked
    // first because « de 8 h » and « de 14 » start like German IBANs.
    let check = if is_alnum(at(bytes, start + 2)) {
        start + 2
    } else {
        super::text::joint_after(bytes, start + 2)?.next
    };
    if !is_digit(at(bytes, check)) || !is_digit(at(bytes, check + 1)) {
        return None;
    }
    // Prose protection: « de 12 rue des Lilas… » starts like a German IBAN, and one such run in
    // 97 passes mod 97 if its length happens to fit. Printed IBANs are cut every 4 characters
    // (a line break may replace any of those cuts, « FR 76 » may set the country apart, and
    // French ones are also written by RIB fields), and their BBANs are mostly digits (even
    // Malta's, the most lettered, has more digits than letters). (`a` and `b` are letters, so
    // the first group holds them: they are the first two characters collected.)
    let allowed = if matches!(
        [a.to_ascii_uppercase(), b.to_ascii_uppercase()],
        [b'F', b'R'] | [b'M', b'C']
    ) {
        IBAN_CUTS | IBAN_FR_RIB_CUTS
    } else {
        IBAN_CUTS
    };
    let c = collect(bytes, start, len, allowed)?;
    let bban = c.as_slice().get(4..).unwrap_or(&[]);
    let letters = bban.iter().filter(|&&b| is_letter(b)).count();
    (letters * 2 <= bban.len() && iban_valid(c.as_slice())).then_some(c)
}

/// Group boundaries of a printed IBAN: every 4 characters, and after the country code.
const IBAN_CUTS: u64 = cut_mask(&[2, 4, 8, 12, 16, 20, 24, 28, 32]);
/// French IBANs written by RIB fields: « FR76 30006 00001 12345678901 89 ».
const IBAN_FR_RIB_CUTS: u64 = cut_mask(&[4, 9, 14, 25]);

/// Value of one character of a French account number in the RIB key: digits are themselves,
/// letters follow the Banque de France table (A,J→1 B,K,S→2 … I,R,Z→9).
fn rib_char_value(c: u8) -> Option<u64> {
    Some(match c {
        b'0'..=b'9' => u64::from(c - b'0'),
        b'A' | b'J' => 1,
        b'B' | b'K' | b'S' => 2,
        b'C' | b'L' | b'T' => 3,
        b'D' | b'M' | b'U' => 4,
        b'E' | b'N' | b'V' => 5,
        b'F' | b'O' | b'W' => 6,
        b'G' | b'P' | b'X' => 7,
        b'H' | b'Q' | b'Y' => 8,
        b'I' | b'R' | b'Z' => 9,
        _ => return None,
    })
}

/// Group boundaries of a RIB: between its fields (« 30006 00001 12345678901 89 », a table row,
/// or any of these compacted). Arbitrary cuts would let two neighbouring numbers pass as one
/// RIB one time in 97.
pub(crate) const RIB_CUTS: u64 = cut_mask(&[5, 10, 21]);

/// Validity of a normalised 23-character RIB: code banque (5 digits), code guichet (5
/// digits), account (11 alphanumerics), key (2 digits) = 97 − ((89·banque + 15·guichet +
/// 3·compte) mod 97).
pub(crate) fn rib_valid(rib: &[u8]) -> bool {
    if rib.len() != 23 {
        return false;
    }
    let (Some(bank), Some(branch), Some(account), Some(key)) =
        (rib.get(..5), rib.get(5..10), rib.get(10..21), rib.get(21..))
    else {
        return false;
    };
    let (Some(bank), Some(branch), Some(key)) = (
        super::text::parse_u64(bank),
        super::text::parse_u64(branch),
        super::text::parse_u64(key),
    ) else {
        return false;
    };
    let Some(account) = account.iter().try_fold(0u64, |acc, &c| {
        rib_char_value(c).map(|v| (acc * 10 + v) % 97)
    }) else {
        return false;
    };
    let sum = (89 * (bank % 97) + 15 * (branch % 97) + 3 * account) % 97;
    key == 97 - sum
}

/// Most bytes between two fields of a labelled RIB, label included (« ⎵⎵N° de compte : »).
const MAX_LABEL_GAP: usize = 40;

/// The fields after the code banque in a labelled RIB: words one of which its label must
/// hold (ASCII case-insensitive), length, digits only.
const LABELLED_FIELDS: [(&[&[u8]], usize, bool); 3] = [
    (&[b"guichet"], 5, true),
    (&[b"compte", b"cpte", b"account"], 11, false),
    (
        &[b"cle", "clé".as_bytes(), "clÉ".as_bytes(), b"key"],
        2,
        true,
    ),
];

/// A RIB written field by field with its labels between the fields, on one line or one field
/// per line: « Banque : 30066  Guichet : 10021  Compte : 00012345678  Clé : 06 ». `start` is
/// the first digit of the code banque. The runs of the engine stop at the first label, so this
/// layout is read here: each field must have its exact length and follow its own label
/// (guichet, compte, clé) within a few words, and the whole must pass the RIB key. The
/// returned `end` is the end of the key; the labels lie inside the reported range.
pub(crate) fn labelled_rib_at(bytes: &[u8], start: usize) -> Option<Collected> {
    // Most 5-digit groups are postal codes: one SIMD search for the first label's initial
    // turns them away before any parsing.
    let window = bytes.get(start + 5..)?;
    let window = window.get(..window.len().min(MAX_LABEL_GAP))?;
    memchr::memchr2(b'g', b'G', window)?;
    let mut c = Collected {
        chars: [0; 40],
        len: 0,
        end: start,
        cuts: 0,
    };
    let push = |c: &mut Collected, from: usize, len: usize, digits_only: bool| -> Option<()> {
        for k in from..from + len {
            let b = at(bytes, k);
            if !is_alnum(b) || (digits_only && !is_digit(b)) {
                return None;
            }
            *c.chars.get_mut(c.len)? = b.to_ascii_uppercase();
            c.len += 1;
        }
        if is_alnum(at(bytes, from + len)) {
            return None;
        }
        c.cuts |= 1u64 << c.len;
        c.end = from + len;
        Some(())
    };
    push(&mut c, start, 5, true)?;
    for (labels, len, digits_only) in LABELLED_FIELDS {
        let gap_start = c.end;
        let field = next_field(bytes, gap_start, len)?;
        let gap = bytes.get(gap_start..field)?;
        let labelled = labels
            .iter()
            .any(|l| gap.windows(l.len()).any(|w| w.eq_ignore_ascii_case(l)));
        if !labelled {
            return None;
        }
        push(&mut c, field, len, digits_only)?;
    }
    c.cuts &= !(1u64 << c.len);
    (rib_valid(c.as_slice()) && field_alone(bytes, start, c.end)).then_some(c)
}

/// Whether no other number is glued to the labelled RIB from `start` to `end`: no digit
/// before it or after it on its line across blanks only, no sign or decimal separator
/// touching it. (A simpler form of [`super::text::left_clear`] and
/// [`super::text::right_clear`], which stay private to the scan loop so that they are inlined
/// there.)
fn field_alone(bytes: &[u8], start: usize, end: usize) -> bool {
    const GLUE: &[u8] = b"+-/\\_@#&.,%";
    let (b, a) = (super::text::before(bytes, start), at(bytes, end));
    if GLUE.contains(&b) || (GLUE.contains(&a) && is_alnum(at(bytes, end + 1))) {
        return false;
    }
    let mut k = start;
    while k > 0 && matches!(super::text::before(bytes, k), b' ' | b'\t') {
        k -= 1;
    }
    let mut e = end;
    while matches!(at(bytes, e), b' ' | b'\t') {
        e += 1;
    }
    !is_digit(super::text::before(bytes, k)) && !is_digit(at(bytes, e))
}

/// Start of the first alphanumeric token after `from` that holds a digit, when it comes
/// within [`MAX_LABEL_GAP`] bytes, without a blank line, after letter-only words (the label),
/// and is `len` characters long.
fn next_field(bytes: &[u8], from: usize, len: usize) -> Option<usize> {
    let mut k = from;
    let mut breaks = 0;
    while k - from <= MAX_LABEL_GAP {
        let b = at(bytes, k);
        if b == b'\n' {
            breaks += 1;
            if breaks > 1 {
                return None;
            }
        }
        if !is_alnum(b) {
            if b == 0 && k >= bytes.len() {
                return None;
            }
            k += 1;
            continue;
        }
        let t = k;
        while is_alnum(at(bytes, k)) {
            k += 1;
            if k - t > super::text::MAX_GROUP_LEN {
                return None;
            }
        }
        if (t..k).any(|i| is_digit(at(bytes, i))) {
            return (k - t == len).then_some(t);
        }
    }
    None
}

#[cfg(test)]
// Tests fail by panicking.
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn registry() {
        assert_eq!(iban_length(b'F', b'R'), Some(27));
        assert_eq!(iban_length(b'f', b'r'), Some(27));
        assert_eq!(iban_length(b'D', b'E'), Some(22));
        assert_eq!(iban_length(b'N', b'O'), Some(15));
        assert_eq!(iban_length(b'R', b'U'), Some(33));
        assert_eq!(iban_length(b'U', b'S'), None);
        assert_eq!(iban_length(b'1', b'A'), None);
        assert_eq!(IBAN_LENGTHS.len(), 105);
    }

    #[test]
    fn published_ibans() {
        for iban in [
            "FR7630006000011234567890189",
            "FR1420041010050500013M02606",
            "DE89370400440532013000",
            "GB29NWBK60161331926819",
            "GB82WEST12345698765432",
            "BE68539007547034",
            "ES9121000418450200051332",
            "IT60X0542811101000000123456",
            "NL91ABNA0417164300",
            "CH9300762011623852957",
            "NO9386011117947",
            "MT84MALT011000012345MTLCAST001S",
            "LC55HEMM000100010012001200023015",
            "MC5811222000010123456789030",
        ] {
            assert!(iban_valid(iban.as_bytes()), "{iban}");
        }
        assert!(!iban_valid(b"FR7630006000011234567890188"));
        assert!(!iban_valid(b"FR763000600001123456789018"), "length");
        assert!(!iban_valid(b"US7630006000011234567890189"), "country");
        assert!(!iban_valid(b"GB82WEST1234569876543"));
    }

    #[test]
    fn check_digits_out_of_range_are_refused() {
        // 98 and 01 fall in the same residue class; only 02–98 are ever issued.
        assert!(iban_valid(b"GB82WEST12345698765432"));
        let mut v = *b"GB82WEST12345698765432";
        for c in 0..=99u8 {
            v[2] = b'0' + c / 10;
            v[3] = b'0' + c % 10;
            if !(2..=98).contains(&c) {
                assert!(!iban_valid(&v), "{c}");
            }
        }
    }

    #[test]
    fn iban_across_groups() {
        let s = "IBAN : fr76 3000 6000\n0112 3456 7890 189 BIC BNPAFRPP".as_bytes();
        let c = iban_at(s, 7).unwrap();
        assert_eq!(c.as_slice(), b"FR7630006000011234567890189");
        assert_eq!(
            &s[7..c.end],
            "fr76 3000 6000\n0112 3456 7890 189".as_bytes()
        );
        assert!(iban_at(b"FR76 3000 6000 0112 3456 7890 1891", 0).is_none());
        let gb = b"GB29 NWBK 6016 1331 9268 19.";
        assert_eq!(iban_at(gb, 0).unwrap().end, gb.len() - 1);
        // Found by the corpus test: « numéro 4097 3065 7262 1 de la carte » passes mod 97 as
        // a Romanian IBAN « RO4097306572621DELACARTE ».
        assert!(iban_valid(b"RO4097306572621DELACARTE"));
        let prose = "ro 4097\u{202f}3065\n7262\u{202f}1 de la carte".as_bytes();
        assert!(iban_at(prose, 0).is_none());
        // And « AX798996656FR⏎Suite », a parcel number followed by a word, as an Åland IBAN.
        assert!(iban_valid(b"AX798996656FRSUITE"));
        assert!(iban_at(b"AX798996656FR\nSuite", 0).is_none());
        let s = b"FR76 30006 00001 12345678901 89";
        assert_eq!(iban_at(s, 0).unwrap().end, s.len());
        assert!(iban_at(b"FR7 630006000011234567890189", 0).is_none());
    }

    #[test]
    fn labelled_rib() {
        let s = "Banque : 30066  Guichet : 92943  Compte : 82184243732  Clé : 06".as_bytes();
        let c = labelled_rib_at(s, 9).unwrap();
        assert_eq!(c.as_slice(), b"30066929438218424373206");
        assert_eq!(c.end, s.len());
        assert_eq!(c.cuts, RIB_CUTS);
        let s =
            b"Code banque 30001\nCode guichet 10628\nN\xC2\xB0 de compte C2190000000\nCLE RIB 48";
        assert_eq!(
            labelled_rib_at(s, 12).unwrap().as_slice(),
            b"3000110628C219000000048"
        );
        // Key off by one, field too long, field of letters only, blank line, no label.
        for s in [
            "30066  Guichet : 92943  Compte : 82184243732  Clé : 07",
            "30066  Guichet : 929430  Compte : 82184243732  Clé : 06",
            "30066  Guichet : 92943  Compte : 8218424373  Clé : 06",
            "30066  Guichet : 92943\n\nCompte : 82184243732  Clé : 06",
            "30066  92943  Compte : 82184243732  Clé : 06",
            "30066  Guichet : 92943  Compte : 82184243732  Clé : 06/2",
            "30066  Guichet : 9294A  Compte : 82184243732  Clé : 06",
        ] {
            assert!(labelled_rib_at(s.as_bytes(), 0).is_none(), "{s}");
        }
        // Another number glued on the same line, before or after.
        let s = b"12 30066  Guichet : 92943  Compte : 82184243732  Cl\xC3\xA9 : 06";
        assert!(labelled_rib_at(s, 3).is_none());
        let s = b"30066  Guichet : 92943  Compte : 82184243732  Cl\xC3\xA9 : 06 12";
        assert!(labelled_rib_at(s, 0).is_none());
        let s = b"12\n30066  Guichet : 92943  Compte : 82184243732  Cl\xC3\xA9 : 06\n12 rue";
        assert!(labelled_rib_at(s, 3).is_some());
        let long = "30066  Guichet, ce qui est un très long libellé : 92943  Compte : 82184243732  Clé : 06";
        assert!(labelled_rib_at(long.as_bytes(), 0).is_none());
    }

    #[test]
    fn rib_key() {
        assert!(rib_valid(b"30006000011234567890189"));
        assert!(rib_valid(b"20041010050500013M02606"));
        assert!(!rib_valid(b"20041010050500013M02607"));
        assert!(!rib_valid(b"30006000011234567890188"));
        assert!(!rib_valid(b"3000600001123456789018"));
        assert!(
            !rib_valid(b"3000A000011234567890189"),
            "bank code is digits only"
        );
    }
}
