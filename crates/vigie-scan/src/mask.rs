//! Masking of sensitive values: only the last four characters of the normalised value are kept.
//!
//! Every report, log line and JSON output goes through [`mask`]; the unmasked value never leaves
//! the process.

/// Masks all but the last four characters of `normalised` with `*`.
///
/// White space is removed first, so `FR76 3000 6000 0112 3456 7890 189` and its compact form give
/// the same mask. Values of four characters or fewer are fully masked: showing them whole would
/// reveal the whole secret.
pub fn mask(normalised: &str) -> String {
    let chars: Vec<char> = normalised.chars().filter(|c| !c.is_whitespace()).collect();
    let keep = if chars.len() > 4 { 4 } else { 0 };
    let hidden = chars.len() - keep;
    let mut out = String::with_capacity(chars.len());
    out.extend(std::iter::repeat_n('*', hidden));
    out.extend(&chars[hidden..]);
    out
}

#[cfg(test)]
mod tests {
    use super::mask;
    use proptest::prelude::*;

    #[test]
    fn keeps_last_four() {
        assert_eq!(
            mask("FR7630006000011234567890189"),
            "***********************0189"
        );
        assert_eq!(
            mask("FR76 3000 6000 0112 3456 7890 189"),
            "***********************0189"
        );
    }

    #[test]
    fn short_values_are_fully_hidden() {
        assert_eq!(mask("abcd"), "****");
        assert_eq!(mask(""), "");
    }

    proptest! {
        #[test]
        fn never_reveals_more_than_four(s in "[A-Za-z0-9]{5,40}") {
            let m = mask(&s);
            prop_assert_eq!(m.chars().count(), s.chars().count());
            prop_assert_eq!(m.chars().filter(|c| *c != '*').count(), 4);
            prop_assert!(s.ends_with(&m[m.len() - 4..]));
        }
    }
}
