//! IMAP's "modified UTF-7" folder names (RFC 3501 §5.1.3): how `Éléments envoyés` travels as
//! `&AMk-l&AOk-ments envoy&AOk-s`. Vigie shows decoded names to the user and sends the server
//! the encoded form it received, so decoding only has to be exact, not clever.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

/// Encodes a UTF-8 folder name to modified UTF-7.
pub fn encode(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut pending: Vec<u16> = Vec::new();
    for c in name.chars() {
        if (' '..='~').contains(&c) {
            flush(&mut pending, &mut out);
            if c == '&' {
                out.push_str("&-");
            } else {
                out.push(c);
            }
        } else {
            let mut units = [0u16; 2];
            pending.extend_from_slice(c.encode_utf16(&mut units));
        }
    }
    flush(&mut pending, &mut out);
    out
}

fn flush(pending: &mut Vec<u16>, out: &mut String) {
    if pending.is_empty() {
        return;
    }
    let bytes: Vec<u8> = pending.iter().flat_map(|u| u.to_be_bytes()).collect();
    out.push('&');
    for chunk in bytes.chunks(3) {
        let b0 = chunk.first().copied().unwrap_or(0);
        let b1 = chunk.get(1).copied().unwrap_or(0);
        let b2 = chunk.get(2).copied().unwrap_or(0);
        let n = (u32::from(b0) << 16) | (u32::from(b1) << 8) | u32::from(b2);
        for i in 0..=chunk.len() {
            let index = ((n >> (18 - 6 * i)) & 0x3f) as usize;
            out.push(char::from(ALPHABET[index]));
        }
    }
    out.push('-');
    pending.clear();
}

/// Decodes a modified UTF-7 folder name; `None` when it is not valid modified UTF-7 (the
/// caller then shows the raw name: a broken name must not hide a folder from the audit).
pub fn decode(name: &str) -> Option<String> {
    let mut out = String::with_capacity(name.len());
    let mut chars = name.chars();
    while let Some(c) = chars.next() {
        if c != '&' {
            if !(' '..='~').contains(&c) {
                return None;
            }
            out.push(c);
            continue;
        }
        let mut bits: u32 = 0;
        let mut nbits = 0;
        let mut units: Vec<u16> = Vec::new();
        let mut empty = true;
        loop {
            let c = chars.next()?;
            if c == '-' {
                break;
            }
            empty = false;
            let value = ALPHABET.iter().position(|&a| char::from(a) == c)?;
            bits = (bits << 6) | u32::try_from(value).ok()?;
            nbits += 6;
            if nbits >= 16 {
                nbits -= 16;
                units.push(u16::try_from((bits >> nbits) & 0xffff).ok()?);
                bits &= (1 << nbits) - 1;
            }
        }
        if empty {
            out.push('&');
            continue;
        }
        // Leftover bits must be zero padding (fewer than 6 of them).
        if nbits >= 6 || bits != 0 {
            return None;
        }
        out.push_str(&String::from_utf16(&units).ok()?);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rfc_examples() {
        assert_eq!(
            decode("~peter/mail/&U,BTFw-/&ZeVnLIqe-").as_deref(),
            Some("~peter/mail/台北/日本語")
        );
        assert_eq!(
            encode("~peter/mail/台北/日本語"),
            "~peter/mail/&U,BTFw-/&ZeVnLIqe-"
        );
        assert_eq!(
            decode("&AMk-l&AOk-ments envoy&AOk-s").as_deref(),
            Some("Éléments envoyés")
        );
        assert_eq!(decode("Tom &- Jerry").as_deref(), Some("Tom & Jerry"));
        assert_eq!(encode("Tom & Jerry"), "Tom &- Jerry");
    }

    #[test]
    fn invalid_inputs_are_refused() {
        assert_eq!(decode("&AMk"), None);
        assert_eq!(decode("&!!-"), None);
        assert_eq!(decode("é"), None);
    }

    proptest! {
        #[test]
        fn round_trip(name in "\\PC{0,30}") {
            prop_assert_eq!(decode(&encode(&name)), Some(name));
        }

        #[test]
        fn decode_never_panics(raw in ".{0,40}") {
            let _ = decode(&raw);
        }
    }
}
