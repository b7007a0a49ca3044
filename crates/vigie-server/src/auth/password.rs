//! Passwords of Vigie's own accounts: Argon2id hashes (PHC strings) and the strength bar a new
//! password must pass (the same zxcvbn measure, French words included, as the mailbox audit).
//!
//! Hashing costs ~20 ms of CPU and 19 MiB by design; the handlers call these functions through
//! `spawn_blocking` so a burst of sign-ins does not stall the async workers.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::error::Error;
use crate::i18n::{Lang, n_};

/// Argon2id with OWASP's first recommended setting (19 MiB, 2 passes, 1 lane).
fn argon2() -> Argon2<'static> {
    // These constants are valid parameters; `Params::DEFAULT` is the fallback that cannot fail.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or(Params::DEFAULT);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password (random salt).
pub fn hash(password: &str) -> Result<String, Error> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Config {
            detail: format!("calcul de l'empreinte du mot de passe impossible : {e}"),
        })
}

/// True if `password` matches the PHC string `phc`. A malformed stored hash never matches.
pub fn verify(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// Spends the same work as a real verification, for a login that matches no account, so the
/// response time does not tell whether an address has an account.
pub fn verify_dummy(password: &str) {
    let _ = verify(password, DUMMY);
}

/// A well-formed hash with the same parameters (its password is unknown to anyone), so that
/// [`verify_dummy`] does the full Argon2 work.
const DUMMY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$\
                     Vx3rmSFZ2G4Zbc3o5kqlGFHg3ZrXk2G7bVdx1hOStjQ";

/// Argon2id computations running at once: each takes 19 MiB and a core for tens of
/// milliseconds, so a burst of sign-ins (64 at once in the load benchmark) waits its turn
/// instead of taking gigabytes of memory.
fn hashing_permits() -> &'static tokio::sync::Semaphore {
    static PERMITS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    PERMITS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        tokio::sync::Semaphore::new(cores.clamp(1, 8))
    })
}

/// Hashes on a blocking thread (Argon2id takes tens of milliseconds and 19 MiB), one of the
/// bounded number at once: the request's async worker stays free.
pub async fn hash_off_thread(password: String) -> Result<String, Error> {
    let _permit = hashing_permits()
        .acquire()
        .await
        .map_err(|e| Error::Config {
            detail: e.to_string(),
        })?;
    tokio::task::spawn_blocking(move || hash(&password))
        .await
        .map_err(|e| Error::Config {
            detail: e.to_string(),
        })?
}

/// Checks a password against a stored hash (or against nothing, with the same cost, for an
/// unknown account), off the async workers and within the bounded number of computations.
pub async fn verify_off_thread(candidate: String, stored: Option<String>) -> bool {
    let Ok(_permit) = hashing_permits().acquire().await else {
        return false;
    };
    tokio::task::spawn_blocking(move || match stored {
        Some(phc) => verify(&candidate, &phc),
        None => {
            verify_dummy(&candidate);
            false
        }
    })
    .await
    .unwrap_or(false)
}

/// Refuses a new password below Vigie's bar (zxcvbn score 3 and 12 characters, French words
/// and the organisation's names counted), with a sentence in `lang` that says what to do. The
/// password itself is never part of the message.
pub fn check_new(password: &str, context: &[&str], lang: Lang) -> Result<(), Error> {
    let advice = lang.t(ADVICE);
    // People copy examples: the one this message gives is refused like a weak password.
    if password.trim().eq_ignore_ascii_case(EXAMPLE_PASSPHRASE) {
        return Err(Error::BadRequest(lang.tf(
            "ce mot de passe est l'exemple donné par Vigie : tout le monde peut le lire. \
             {conseil}",
            &[("conseil", &advice)],
        )));
    }
    if password.chars().count() > 200 {
        return Err(Error::BadRequest(
            lang.t("le mot de passe est trop long (200 caractères au plus)")
                .into(),
        ));
    }
    let strength = vigie_mail::audit::password::strength(password, context);
    if strength.is_acceptable() {
        return Ok(());
    }
    let why = if strength.length < 12 {
        lang.tn(
            u64::try_from(strength.length).unwrap_or(0),
            "il ne fait que {n} caractère (12 au moins)",
            "il ne fait que {n} caractères (12 au moins)",
        )
    } else {
        lang.t("il ressemble à des mots de passe courants ou aux noms de votre organisation")
            .to_owned()
    };
    Err(Error::BadRequest(lang.tf(
        "mot de passe trop faible : {raison}. {conseil}",
        &[("raison", &why), ("conseil", &advice)],
    )))
}

/// The passphrase the advice shows as an example (and which is therefore refused).
pub const EXAMPLE_PASSPHRASE: &str = "tulipe-canapé-orbite-mardi";

const ADVICE: &str = n_(
    "Choisissez une phrase de passe d'au moins quatre mots pris au hasard \
                      (sur le modèle de « tulipe-canapé-orbite-mardi », mais avec vos propres \
                      mots), ou un mot de passe généré, que vous n'utilisez nulle part ailleurs.",
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_wrong_passwords_do_not() {
        let h = hash("tulipe-canapé-orbite-mardi").unwrap_or_else(|e| panic!("{e}"));
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify("tulipe-canapé-orbite-mardi", &h));
        assert!(!verify("tulipe-canapé-orbite-mardj", &h));
        assert!(!verify("x", "pas un hash"));
        assert!(
            PasswordHash::new(DUMMY).is_ok(),
            "the dummy hash must parse"
        );
        verify_dummy("x");
    }

    #[test]
    fn weak_passwords_are_refused_in_french_without_echo() {
        for weak in ["soleil2024", "Mairie-Saint-Martin", "azertyuiop123"] {
            let err = check_new(weak, &["Mairie de Saint-Martin"], Lang::Fr)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(err.contains("trop faible"), "{weak}: {err}");
            assert!(!err.contains(weak));
        }
        assert!(
            check_new(
                "girafe-pluie-cartable-jeudi",
                &["Mairie de Saint-Martin"],
                Lang::Fr
            )
            .is_ok()
        );
        let example = check_new(EXAMPLE_PASSPHRASE, &[], Lang::Fr)
            .unwrap_err()
            .to_string();
        assert!(example.contains("l'exemple donné par Vigie"), "{example}");
    }

    #[test]
    fn weak_passwords_are_refused_in_english_on_english_pages() {
        let short = check_new("soleil", &[], Lang::En).unwrap_err().to_string();
        assert!(
            short.starts_with("password too weak: it is only 6 characters long"),
            "{short}"
        );
        assert!(short.contains("passphrase"), "{short}");
        let example = check_new(EXAMPLE_PASSPHRASE, &[], Lang::En)
            .unwrap_err()
            .to_string();
        assert!(example.contains("example"), "{example}");
    }
}
