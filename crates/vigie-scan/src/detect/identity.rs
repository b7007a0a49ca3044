//! Identity-document numbers: French identity cards (old 12-digit and 2021 9-character
//! formats), passports, residence permits, driving licences.
//!
//! The printed numbers carry no check digit of their own (it only appears in the MRZ), so a
//! number is reported only near a keyword naming the document, and confidence comes from the
//! strength of that keyword and its distance. The ICAO 9303 check digit (weights 7-3-1) is
//! used where the number carries one: a 12-digit card number whose last digit is the check of
//! the first 11 gets one more step of confidence.

use super::Confidence;
use super::context::{Hits, Topic};
use super::text::{all_digits, is_digit, is_letter, parse_u64};

/// What a candidate looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// 9 upper-case letters and digits, at least one of each (2021 identity card
    /// « X4RTBPFW4 », passport « 18AB12345 », new residence permits and driving licences).
    Nine,
    /// 12 digits starting with issue year and month (identity card 1988–2021 « 880692310285 »,
    /// old driving licences). `mrz` when the last digit is the 7-3-1 check of the others.
    Twelve { mrz: bool },
    /// 10 digits not starting with 0: the AGDREF number of a residence permit (« numéro
    /// étranger »). Phone numbers start with 0 and are never taken.
    Ten,
}

/// The shape of a normalised candidate, if it can be a document number. `written` is the
/// candidate as it appears in the text: document numbers are printed in capitals, so a
/// lower-case token (« covid2019 ») is prose.
pub(crate) fn shape(v: &[u8], written: &[u8]) -> Option<Shape> {
    match v.len() {
        9 => {
            let digits = v.iter().filter(|&&b| is_digit(b)).count();
            let letters = v.iter().filter(|&&b| is_letter(b)).count();
            let capitals = !written.iter().any(u8::is_ascii_lowercase);
            (digits >= 1 && letters >= 1 && digits + letters == 9 && capitals)
                .then_some(Shape::Nine)
        }
        12 if all_digits(v) => {
            let month = v.get(2..4).and_then(parse_u64)?;
            if !(1..=12).contains(&month) {
                return None;
            }
            let mrz = match (v.get(..11), v.last()) {
                (Some(head), Some(&last)) => mrz_check(head) == Some(last.wrapping_sub(b'0')),
                _ => false,
            };
            Some(Shape::Twelve { mrz })
        }
        10 if all_digits(v) && v.first() != Some(&b'0') => Some(Shape::Ten),
        _ => None,
    }
}

/// ICAO 9303 check digit (weights 7, 3, 1; letters A=10 … Z=35).
pub(crate) fn mrz_check(s: &[u8]) -> Option<u8> {
    const W: [u32; 3] = [7, 3, 1];
    let mut sum = 0u32;
    for (i, &c) in s.iter().enumerate() {
        let v = match c {
            b'0'..=b'9' => u32::from(c - b'0'),
            b'A'..=b'Z' => u32::from(c - b'A') + 10,
            b'<' => 0,
            _ => return None,
        };
        sum += v * W.get(i % 3).copied().unwrap_or(1);
    }
    u8::try_from(sum % 10).ok()
}

/// Keyword distance under which a keyword is « near » the number, in bytes.
const NEAR: usize = 60;
/// How far after the number a keyword still counts (« 18AB12345 (passeport) »).
const AFTER: usize = 48;

/// Confidence of a candidate of shape `s` given the keywords around it; `None` when no
/// keyword makes it a document number.
pub(crate) fn confidence(s: Shape, hits: &Hits) -> Option<Confidence> {
    let mut score = if s == Shape::Ten {
        let h = hits.within(Topic::IdSejour, super::context::WINDOW_BEFORE, AFTER)?;
        if h.dist <= NEAR { 3 } else { 2 }
    } else {
        let strong = hits.within(Topic::IdStrong, super::context::WINDOW_BEFORE, AFTER);
        let weak = hits.within(Topic::IdWeak, super::context::WINDOW_BEFORE, AFTER);
        let s_score = strong.map_or(0, |h| if h.dist <= NEAR { 3 } else { 2 });
        let w_score = weak.map_or(0, |h| if h.dist <= NEAR { 2 } else { 1 });
        s_score.max(w_score)
    };
    if score == 0 {
        return None;
    }
    // « Référence du dossier : … » between the document name and the number (or a « Réf. »
    // before it and the document named only after it): the number is the file's, not the
    // document's.
    let nearest_id = [Topic::IdStrong, Topic::IdWeak, Topic::IdSejour]
        .iter()
        .filter_map(|t| hits.get(*t))
        .filter(|h| !h.after)
        .map(|h| h.dist)
        .min();
    if let Some(neg) = hits.get(Topic::Negative)
        && !neg.after
        && neg.same_line
        && nearest_id.is_none_or(|id| neg.dist < id)
    {
        return None;
    }
    if matches!(s, Shape::Twelve { mrz: true }) {
        score += 1;
    }
    Some(match score {
        0 | 1 => Confidence::Low,
        2 => Confidence::Medium,
        _ => Confidence::High,
    })
}

#[cfg(test)]
// Tests fail by panicking.
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let s = |v: &[u8]| shape(v, v);
        assert_eq!(s(b"X4RTBPFW4"), Some(Shape::Nine));
        assert_eq!(s(b"18AB12345"), Some(Shape::Nine));
        assert_eq!(s(b"ABCDEFGH1"), Some(Shape::Nine));
        assert_eq!(shape(b"COVID2019", b"covid2019"), None, "lower case: prose");
        assert_eq!(s(b"ABCDEFGHJ"), None, "no digit");
        assert_eq!(s(b"123456789"), None, "digits only: a SIREN or a reference");
        assert_eq!(s(b"880692310285"), Some(Shape::Twelve { mrz: false }));
        assert_eq!(s(b"880692310283"), Some(Shape::Twelve { mrz: true }));
        assert_eq!(s(b"881392310285"), None, "month 13");
        assert_eq!(s(b"1234567890"), Some(Shape::Ten));
        assert_eq!(s(b"0612345678"), None, "phone number");
    }

    #[test]
    fn mrz() {
        // 8·7+8·3+0+6·7+9·3+2+3·7+1·3+0+2·7+8·3 = 213.
        assert_eq!(mrz_check(b"88069231028"), Some(3));
        // ICAO 9303 specimen document number.
        assert_eq!(mrz_check(b"L898902C3"), Some(6));
        assert_eq!(mrz_check(b"a"), None);
    }
}
