//! TOTP (RFC 6238) second factor: secrets, enrolment QR code, and verification that refuses a
//! code already used.
//!
//! Codes are 6 digits, SHA-1, 30-second steps: what every authenticator application (and
//! `oathtool --totp`) produces. One step of clock drift is accepted either way. A code is
//! accepted only for a step later than the last accepted one, which the store updates with a
//! compare-and-set: replaying a code, even within its 30 seconds, fails.

use base64::Engine as _;
use qrcode::QrCode;
use qrcode::render::svg;
use rand::RngCore as _;
use totp_rs::{Algorithm, Secret, TOTP};

use crate::error::Error;

/// Length of a secret in bytes (160 bits, RFC 4226's recommendation).
pub const SECRET_LEN: usize = 20;
/// Seconds per step.
pub const STEP_SECONDS: u64 = 30;
/// Issuer shown in authenticator applications.
pub const ISSUER: &str = "Vigie";

/// A new random secret.
pub fn new_secret() -> Vec<u8> {
    let mut secret = vec![0u8; SECRET_LEN];
    rand::rng().fill_bytes(&mut secret);
    secret
}

fn totp(secret: &[u8], account: &str) -> Result<TOTP, Error> {
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        STEP_SECONDS,
        secret.to_vec(),
        Some(ISSUER.to_string()),
        account.to_string(),
    )
    .map_err(|e| Error::BadRequest(format!("secret de double facteur invalide : {e}")))
}

/// The secret in base32, grouped by four for typing by hand.
pub fn secret_base32(secret: &[u8]) -> String {
    let encoded = Secret::Raw(secret.to_vec()).to_encoded().to_string();
    encoded
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The `otpauth://` URL an application scans.
pub fn otpauth_url(secret: &[u8], account: &str) -> Result<String, Error> {
    Ok(totp(secret, account)?.get_url())
}

/// The QR code of the `otpauth://` URL, as an SVG `data:` URL (an image, so no inline markup
/// and nothing the Content-Security-Policy has to allow beyond `img-src data:`).
pub fn qr_data_url(secret: &[u8], account: &str) -> Result<String, Error> {
    let url = otpauth_url(secret, account)?;
    let code = QrCode::new(url.as_bytes())
        .map_err(|e| Error::BadRequest(format!("QR code impossible : {e}")))?;
    let image = code
        .render::<svg::Color<'_>>()
        .min_dimensions(220, 220)
        .quiet_zone(true)
        .build();
    Ok(format!(
        "data:image/svg+xml;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(image)
    ))
}

/// The step of Unix time `now`.
pub fn step_of(now_unix: u64) -> i64 {
    i64::try_from(now_unix / STEP_SECONDS).unwrap_or(i64::MAX)
}

/// Checks `code` against the steps around `now_unix`; returns the step it matches, if that step
/// is later than `last_step`. Accepts spaces in the code ("123 456").
pub fn matching_step(
    secret: &[u8],
    code: &str,
    now_unix: u64,
    last_step: i64,
) -> Result<Option<i64>, Error> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(None);
    }
    let generator = totp(secret, "")?;
    let now_step = step_of(now_unix);
    for step in [now_step - 1, now_step, now_step + 1] {
        if step <= last_step || step < 0 {
            continue;
        }
        let at = u64::try_from(step).unwrap_or(0) * STEP_SECONDS;
        if crate::auth::constant_time_eq(generator.generate(at).as_bytes(), code.as_bytes()) {
            return Ok(Some(step));
        }
    }
    Ok(None)
}

/// The code of step `step` (for tests and the enrolment page's check).
pub fn code_at(secret: &[u8], unix: u64) -> Result<String, Error> {
    Ok(totp(secret, "")?.generate(unix))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// RFC 6238 appendix B, SHA-1 secret "12345678901234567890", 8 digits there; the 6-digit
    /// codes are their last six digits.
    #[test]
    fn rfc6238_vectors() {
        let secret = b"12345678901234567890";
        for (t, code) in [
            (59u64, "287082"),
            (1_111_111_109, "081804"),
            (1_111_111_111, "050471"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
        ] {
            assert_eq!(code_at(secret, t).ok().as_deref(), Some(code), "t={t}");
        }
    }

    #[test]
    fn a_code_is_refused_for_a_step_already_used() {
        let secret = new_secret();
        let now = 1_800_000_000;
        let code = code_at(&secret, now).unwrap_or_default();
        let step = matching_step(&secret, &code, now, 0).ok().flatten();
        assert_eq!(step, Some(step_of(now)));
        assert_eq!(
            matching_step(&secret, &code, now, step_of(now))
                .ok()
                .flatten(),
            None
        );
        // With spaces, as people type them.
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert!(
            matching_step(&secret, &spaced, now, 0)
                .ok()
                .flatten()
                .is_some()
        );
    }

    proptest! {
        #[test]
        fn codes_match_within_one_step_and_not_beyond(
            secret in proptest::collection::vec(any::<u8>(), 20..=20),
            now in 1_000_000_000u64..3_000_000_000,
            offset in -3i64..=3,
        ) {
            let at = u64::try_from(i64::try_from(now).unwrap_or(0) + offset * 30).unwrap_or(0);
            let code = code_at(&secret, at).unwrap_or_default();
            let found = matching_step(&secret, &code, now, 0).ok().flatten();
            if offset.abs() <= 1 {
                prop_assert_eq!(found, Some(step_of(at)));
            } else {
                // Another step's code may collide by chance (1 in 10^6): only a match on the
                // far step itself would be wrong.
                prop_assert_ne!(found, Some(step_of(at)));
            }
        }

        #[test]
        fn anything_but_six_digits_is_refused(code in "\\PC{0,12}") {
            let secret = [7u8; 20];
            let digits: String = code.chars().filter(|c| !c.is_whitespace()).collect();
            if digits.len() != 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                prop_assert_eq!(matching_step(&secret, &code, 1_800_000_000, 0).ok().flatten(), None);
            }
        }
    }

    #[test]
    fn enrolment_material_is_well_formed() {
        let secret = new_secret();
        let url = otpauth_url(&secret, "secretariat@mairie.fr").unwrap_or_default();
        assert!(
            url.starts_with("otpauth://totp/Vigie:secretariat%40mairie.fr?secret="),
            "{url}"
        );
        assert!(url.contains("issuer=Vigie"));
        let qr = qr_data_url(&secret, "secretariat@mairie.fr").unwrap_or_default();
        assert!(qr.starts_with("data:image/svg+xml;base64,"));
        let b32 = secret_base32(&secret);
        assert_eq!(b32.replace(' ', "").len(), 32);
    }
}
