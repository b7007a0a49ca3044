//! UTF-8 validation of decoded mail text, at SIMD speed.
//!
//! Every body is validated at least once on its way to the detectors (after quoted-printable
//! or base64 decoding, after a charset table). With the standard library's validator that was
//! a tenth of the whole scan's time on text-heavy mail (perf, 200 MB corpus); `simdutf8`
//! validates the same bytes several times faster and gives the same answer (it is tested
//! against the standard library on every input by its authors, and by the property test
//! below).

use std::borrow::Cow;

/// `bytes` as text when it is valid UTF-8.
pub(crate) fn str_from_utf8(bytes: &[u8]) -> Option<&str> {
    // `basic` only says valid or not (`compat` would also say where it stops), which is all
    // callers need, and is the faster of the two.
    simdutf8::basic::from_utf8(bytes).ok()
}

/// `String::from_utf8_lossy`, without copying valid text.
pub(crate) fn lossy(bytes: &[u8]) -> Cow<'_, str> {
    match simdutf8::basic::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// `String::from_utf8(bytes)`, or its lossy version when the bytes are not valid UTF-8.
pub(crate) fn string_lossy(bytes: Vec<u8>) -> String {
    valid_string(bytes).unwrap_or_else(|bytes| String::from_utf8_lossy(&bytes).into_owned())
}

/// `String::from_utf8(bytes).ok()`.
pub(crate) fn string(bytes: Vec<u8>) -> Option<String> {
    valid_string(bytes).ok()
}

/// The bytes as a `String` when they are valid UTF-8, validated once; the bytes back otherwise.
fn valid_string(bytes: Vec<u8>) -> Result<String, Vec<u8>> {
    if simdutf8::basic::from_utf8(&bytes).is_err() {
        return Err(bytes);
    }
    // SAFETY: `simdutf8` has just checked that `bytes` is valid UTF-8, which is the whole
    // contract of `from_utf8_unchecked`. Validating again with the standard library would
    // double the cost this module exists to remove.
    #[allow(unsafe_code)]
    Ok(unsafe { String::from_utf8_unchecked(bytes) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn mostly_text() -> impl Strategy<Value = Vec<u8>> {
        prop::collection::vec(
            prop_oneof![
                4 => prop::sample::select(b"abc =\r\n".to_vec()),
                2 => prop::sample::select(vec![0xC3u8, 0xA9, 0xE2, 0x80, 0x99, 0xF0, 0x9F]),
                1 => any::<u8>(),
            ],
            0..200,
        )
    }

    proptest! {
        #[test]
        fn same_answers_as_the_standard_library(bytes in mostly_text()) {
            prop_assert_eq!(str_from_utf8(&bytes), std::str::from_utf8(&bytes).ok());
            prop_assert_eq!(lossy(&bytes), String::from_utf8_lossy(&bytes));
            prop_assert_eq!(
                string_lossy(bytes.clone()),
                String::from_utf8_lossy(&bytes).into_owned()
            );
            prop_assert_eq!(string(bytes.clone()), String::from_utf8(bytes).ok());
        }
    }

    #[test]
    fn long_texts_on_both_sides_of_the_simd_blocks() {
        let mut text = "Réglement de la facture n° 12 — merci "
            .repeat(40)
            .into_bytes();
        assert_eq!(string_lossy(text.clone()), String::from_utf8_lossy(&text));
        text.insert(700, 0xC3);
        assert_eq!(string_lossy(text.clone()), String::from_utf8_lossy(&text));
        assert!(string(text).is_none());
    }
}
