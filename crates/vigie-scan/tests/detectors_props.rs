//! Property tests: generated VALID identifiers of every checksummed kind, written in the
//! layouts of French mail and embedded in French sentences, are found with the right kind,
//! normalised value and byte range; and any single-digit change of the identifier makes that
//! value not found as that kind.
//!
//! The one exception is mathematical: La Poste SIRETs are checked by their digit sum mod 5,
//! which cannot see a digit raised or lowered by 5, and a change in their SIREN part turns them
//! into an ordinary SIRET that Luhn accepts one time in ten. Their mutations are restricted to
//! the establishment number and to steps other than 5 (see `siret`).

#[path = "detectors_gen.rs"]
mod detectors_gen;

use std::sync::LazyLock;

use detectors_gen::{
    IBAN_COUNTRIES, Layout, Rng as GenRng, SEPARATORS, change_digit, la_poste_siret, normalise,
    render, vat_of,
};
use proptest::prelude::*;
use vigie_scan::{Detector, Kind};

static DETECTOR: LazyLock<Detector> = LazyLock::new(Detector::new);

/// Sentences of each kind; `{}` is where the value goes. SIREN sentences carry a company
/// keyword, as the detector requires (a bare Luhn-valid 9-digit number is not a SIREN).
fn templates(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Iban => &[
            "Bonjour, voici mon IBAN : {} pour le remboursement de la caution.",
            "Merci d'effectuer le virement sur le compte {} avant la fin du mois.",
            "Coordonnées bancaires de l'association :\n{}\nBIC : AGRIFRPP",
            "IBAN {}",
            "Le fournisseur a changé de banque (nouvel IBAN {}) à compter du 1er mars 2024.",
        ],
        Kind::FrRib => &[
            "RIB : {}",
            "Banque, guichet, compte et clé : {}.",
            "Veuillez noter nos nouvelles coordonnées bancaires\n{}\nMerci.",
        ],
        Kind::PaymentCard => &[
            "Je vous communique ma carte bancaire {} pour la réservation de la salle.",
            "N° de carte : {}, expiration 09/27",
            "Paiement par CB {} accepté le 12/03/2024.",
        ],
        Kind::FrNir => &[
            "Numéro de sécurité sociale : {}",
            "N° SS : {} (carte Vitale à jour)",
            "Pour le dossier de l'agent, son numéro de sécu est le {}.",
        ],
        Kind::FrSiren => &[
            "SIREN : {}",
            "Société Les Jardins de Bourgogne, RCS Dijon {}",
            "{} RCS Dijon",
            "La SARL est immatriculée sous le numéro {} au registre du commerce.",
        ],
        Kind::FrSiret => &[
            "SIRET : {}",
            "Le prestataire (SIRET {}) nous a transmis son devis.",
            "N° SIRET de l'établissement : {}",
        ],
        Kind::FrVat => &[
            "N° TVA intracommunautaire : {}",
            "TVA {}",
            "Notre numéro de TVA est {}.",
        ],
        Kind::FrTaxId => &[
            "Numéro fiscal : {}",
            "Mon numéro fiscal (SPI) est le {}, il figure sur l'avis d'impôt.",
            "Pour vous connecter à impots.gouv.fr, utilisez votre numéro fiscal {}",
        ],
        _ => &["{}"],
    }
}

/// Layout family of a kind in the generators.
fn family(kind: Kind) -> &'static str {
    match kind {
        Kind::Iban => "iban",
        Kind::FrRib => "rib",
        Kind::PaymentCard => "card",
        Kind::FrNir => "nir",
        Kind::FrSiren => "siren",
        Kind::FrSiret => "siret",
        Kind::FrVat => "vat",
        Kind::FrTaxId => "spi",
        _ => unreachable!("not checksummed"),
    }
}

fn sentence(kind: Kind, value: &str, layout: Layout, template: usize) -> String {
    let ts = templates(kind);
    ts[template % ts.len()].replace("{}", &render(family(kind), value, layout))
}

/// The value is found with its kind, its normalised value, and a range that covers exactly
/// the written value.
fn assert_found(
    kind: Kind,
    value: &str,
    layout: Layout,
    template: usize,
) -> Result<(), TestCaseError> {
    let text = sentence(kind, value, layout, template);
    let out = DETECTOR.scan_collect(&text);
    let expected = value.to_uppercase();
    let Some(d) = out.iter().find(|d| d.value == expected) else {
        return Err(TestCaseError::fail(format!(
            "{kind:?} {expected} not found in {text:?}: {out:?}"
        )));
    };
    prop_assert_eq!(d.kind, kind, "{:?}", text);
    let raw = render(family(kind), value, layout);
    let at = text.find(&raw).expect("value in text");
    prop_assert_eq!((d.start, d.end), (at, at + raw.len()), "{:?}", text);
    prop_assert_eq!(normalise(&text[d.start..d.end]), expected);
    // Nothing else is reported over the value (no SIREN inside a SIRET, no RIB inside an
    // IBAN).
    prop_assert_eq!(
        out.iter()
            .filter(|x| x.start < d.end && d.start < x.end)
            .count(),
        1,
        "{:?}: {:?}",
        text,
        out
    );
    Ok(())
}

/// The value with one digit changed is not found as `kind`.
fn assert_mutant_not_found(
    kind: Kind,
    mutant: &str,
    layout: Layout,
    template: usize,
) -> Result<(), TestCaseError> {
    let text = sentence(kind, mutant, layout, template);
    let out = DETECTOR.scan_collect(&text);
    let m = mutant.to_uppercase();
    prop_assert!(
        !out.iter().any(|d| d.kind == kind && d.value == m),
        "{:?} {} found in {:?}",
        kind,
        m,
        text
    );
    Ok(())
}

fn layout_from(seed: u64) -> Layout {
    Layout::random(&mut GenRng::new(seed))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(384))]

    #[test]
    fn iban(seed in any::<u64>(), country in 0..IBAN_COUNTRIES.len(), l in any::<u64>(), t in 0..8usize, n in any::<usize>(), delta in 1..=9u32) {
        let v = detectors_gen::iban(&mut GenRng::new(seed), IBAN_COUNTRIES[country]);
        assert_found(Kind::Iban, &v, layout_from(l), t)?;
        assert_mutant_not_found(Kind::Iban, &change_digit(&v, n, delta), layout_from(l), t)?;
    }

    #[test]
    fn rib(seed in any::<u64>(), l in any::<u64>(), t in 0..8usize, n in any::<usize>(), delta in 1..=9u32) {
        let v = detectors_gen::rib(&mut GenRng::new(seed));
        assert_found(Kind::FrRib, &v, layout_from(l), t)?;
        assert_mutant_not_found(Kind::FrRib, &change_digit(&v, n, delta), layout_from(l), t)?;
    }

    #[test]
    fn card(seed in any::<u64>(), l in any::<u64>(), t in 0..8usize, n in any::<usize>(), delta in 1..=9u32) {
        let v = detectors_gen::card(&mut GenRng::new(seed));
        assert_found(Kind::PaymentCard, &v, layout_from(l), t)?;
        assert_mutant_not_found(Kind::PaymentCard, &change_digit(&v, n, delta), layout_from(l), t)?;
    }

    #[test]
    fn nir(seed in any::<u64>(), corsica in any::<bool>(), l in any::<u64>(), t in 0..8usize, n in any::<usize>(), delta in 1..=9u32) {
        let v = detectors_gen::nir(&mut GenRng::new(seed), corsica);
        assert_found(Kind::FrNir, &v, layout_from(l), t)?;
        assert_mutant_not_found(Kind::FrNir, &change_digit(&v, n, delta), layout_from(l), t)?;
    }

    #[test]
    fn siren(seed in any::<u64>(), l in any::<u64>(), t in 0..8usize, n in any::<usize>(), delta in 1..=9u32) {
        let v = detectors_gen::siren(&mut GenRng::new(seed));
        assert_found(Kind::FrSiren, &v, layout_from(l), t)?;
        assert_mutant_not_found(Kind::FrSiren, &change_digit(&v, n, delta), layout_from(l), t)?;
    }

    #[test]
    fn siret(seed in any::<u64>(), la_poste in any::<bool>(), l in any::<u64>(), t in 0..8usize, n in any::<usize>(), delta in 1..=9u32) {
        let mut rng = GenRng::new(seed);
        let v = if la_poste {
            la_poste_siret(&mut rng)
        } else {
            let s = detectors_gen::siren(&mut rng);
            detectors_gen::siret(&mut rng, &s)
        };
        assert_found(Kind::FrSiret, &v, layout_from(l), t)?;
        let mutant = if la_poste {
            // Only the establishment number, and not by ±5 (see the module comment).
            let step = if delta == 5 { 4 } else { delta };
            change_digit(&v, 9 + n % 5, step)
        } else {
            change_digit(&v, n, delta)
        };
        assert_mutant_not_found(Kind::FrSiret, &mutant, layout_from(l), t)?;
    }

    #[test]
    fn vat(seed in any::<u64>(), l in any::<u64>(), t in 0..8usize, n in any::<usize>(), delta in 1..=9u32) {
        let v = vat_of(&detectors_gen::siren(&mut GenRng::new(seed)));
        assert_found(Kind::FrVat, &v, layout_from(l), t)?;
        assert_mutant_not_found(Kind::FrVat, &change_digit(&v, n, delta), layout_from(l), t)?;
    }

    #[test]
    fn spi(seed in any::<u64>(), l in any::<u64>(), t in 0..8usize, n in any::<usize>(), delta in 1..=9u32) {
        let v = detectors_gen::spi(&mut GenRng::new(seed));
        assert_found(Kind::FrTaxId, &v, layout_from(l), t)?;
        assert_mutant_not_found(Kind::FrTaxId, &change_digit(&v, n, delta), layout_from(l), t)?;
    }

    /// Arbitrary text never makes the scan panic, and every range is a char-boundary range
    /// whose text normalises to the value (passwords: is the value).
    #[test]
    fn arbitrary_text(text in "(\\PC|[0-9 .\\-:=\\n]|FR|IBAN|mdp|\u{a0}|\u{202f}){0,200}") {
        for d in DETECTOR.scan_collect(&text) {
            prop_assert!(text.is_char_boundary(d.start) && text.is_char_boundary(d.end));
            prop_assert!(d.start < d.end && d.end <= text.len());
            let raw = &text[d.start..d.end];
            if d.kind == Kind::PasswordInClear {
                prop_assert_eq!(raw, d.value.as_str());
            } else {
                prop_assert_eq!(normalise(raw), d.value);
            }
        }
    }
}

/// Every IBAN country of the generators, in every separator, at least once.
#[test]
fn every_iban_country_and_separator() {
    let mut rng = GenRng::new(42);
    for country in IBAN_COUNTRIES {
        for sep in SEPARATORS {
            for split_line in [false, true] {
                let v = detectors_gen::iban(&mut rng, country);
                let layout = Layout {
                    sep,
                    split_line,
                    lower: false,
                    grouping: 0,
                };
                assert_found(Kind::Iban, &v, layout, 0).unwrap();
            }
        }
    }
}
