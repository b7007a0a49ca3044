//! Labelled corpus: a few thousand generated snippets of French mail (seeded, deterministic),
//! each with planted sensitive values of known kind and value, and decoys that must not be
//! reported: phone numbers, dates, amounts, postal codes, order and file numbers, invalid
//! checksum lookalikes with their usual labels, bare Luhn-valid 9-digit numbers, password
//! labels without passwords, identity keywords without numbers.
//!
//! Recall and precision are measured per kind and overall, printed, and must both be ≥ 0.95.
//! A detection counts as correct when its kind and normalised value match a planted value of
//! its snippet; any other detection is a false positive.

#[path = "detectors_gen.rs"]
mod detectors_gen;

use std::collections::BTreeMap;

use detectors_gen::{Layout, Rng, change_digit, normalise, render};
use vigie_scan::{Detector, Kind};

/// Snippets in the corpus.
const SNIPPETS: usize = 4000;
/// Required recall and precision, per kind and overall.
const TARGET: f64 = 0.95;

const FILLERS: &[&str] = &[
    "Bonjour Madame Durand,",
    "Suite à notre échange téléphonique, je vous confirme la réservation de la salle des fêtes.",
    "Vous trouverez ci-joint les documents demandés pour le dossier.",
    "Le conseil municipal se réunira en mairie pour examiner la question.",
    "Je reste à votre disposition pour tout renseignement complémentaire.",
    "Merci de nous retourner le formulaire signé dans les meilleurs délais.",
    "Les travaux de voirie débuteront la semaine prochaine, rue de l'Église.",
    "Bien cordialement,",
    "Le secrétariat de mairie est ouvert du lundi au vendredi de 9h00 à 12h00.",
    "Nous accusons réception de votre demande d'inscription à la cantine.",
    "Veuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées.",
    "Pourriez-vous me confirmer votre présence à la réunion ?",
];

const MONTHS: &[&str] = &[
    "janvier",
    "mars",
    "juin",
    "septembre",
    "octobre",
    "décembre",
];

fn phone(rng: &mut Rng) -> String {
    let head = rng.pick(&["01", "02", "03", "04", "05", "06", "07", "09"]);
    let rest = rng.digits(8);
    let g: Vec<&str> = (0..4).map(|i| &rest[i * 2..i * 2 + 2]).collect();
    match rng.below(5) {
        0 => format!("{head} {}", g.join(" ")),
        1 => format!("{head}.{}", g.join(".")),
        2 => format!("{head}{}", g.join("")),
        3 => format!("+33 {} {}", &head[1..], g.join(" ")),
        _ => format!("+33{}{}", &head[1..], g.join("")),
    }
}

fn amount(rng: &mut Rng) -> String {
    let euros = rng.below(3_000_000).to_string();
    let thousands = rng.pick(&[" ", "\u{a0}", "\u{202f}", "."]);
    let mut out = String::new();
    for (i, c) in euros.chars().enumerate() {
        if i > 0 && (euros.len() - i).is_multiple_of(3) {
            out.push_str(thousands);
        }
        out.push(c);
    }
    format!("{out},{:02}\u{a0}€", rng.below(100))
}

fn date(rng: &mut Rng) -> String {
    match rng.below(4) {
        0 => format!(
            "{:02}/{:02}/{}",
            rng.range(1, 28),
            rng.range(1, 12),
            rng.range(2015, 2026)
        ),
        1 => format!(
            "{:02}.{:02}.{}",
            rng.range(1, 28),
            rng.range(1, 12),
            rng.range(2015, 2026)
        ),
        2 => format!(
            "le {} {} {}",
            rng.range(1, 28),
            rng.pick(MONTHS),
            rng.range(2015, 2026)
        ),
        _ => format!(
            "{}-{:02}-{:02}",
            rng.range(2015, 2026),
            rng.range(1, 12),
            rng.range(1, 28)
        ),
    }
}

/// A password as people choose them.
fn password(rng: &mut Rng) -> String {
    let word = rng.pick(&[
        "Tournesol",
        "Mairie",
        "Printemps",
        "Lavoir",
        "Bourgogne",
        "Marianne",
    ]);
    match rng.below(4) {
        0 => format!(
            "{word}{}{}",
            rng.range(2015, 2026),
            rng.pick(&["!", "#", "*", "$", ""])
        ),
        1 => format!("{word}{}{}", rng.pick(&["!", "@", "?"]), rng.digits(2)),
        2 => format!(
            "{}{}{}",
            word.to_lowercase(),
            rng.range(10, 99),
            rng.pick(&["!", "%"])
        ),
        _ => format!(
            "{}{}{}{}",
            rng.letters(2),
            rng.letters(3).to_lowercase(),
            rng.digits(3),
            rng.pick(&["!", "#", "&", "+"])
        ),
    }
}

/// A planted value: its text, kind and normalised value.
struct Plant {
    text: String,
    kind: Kind,
    value: String,
}

fn plant(rng: &mut Rng, kind: Kind) -> Plant {
    let layout = Layout::random(rng);
    let fill = |family: &str, value: &str, templates: &[&str], rng: &mut Rng| -> String {
        let raw = render(family, value, layout);
        rng.pick(templates).replace("{}", &raw)
    };
    let (text, value) = match kind {
        Kind::Iban => {
            let country = rng.pick(detectors_gen::IBAN_COUNTRIES);
            let v = detectors_gen::iban(rng, country);
            let t = fill(
                "iban",
                &v,
                &[
                    "IBAN : {}",
                    "Voici mon IBAN {} pour le remboursement de la caution.",
                    "Coordonnées bancaires :\n{}\nBIC : AGRIFRPP",
                    "Merci de verser la subvention sur le compte {}.",
                    "> Le 12 mars, Jean a écrit :\n> IBAN {}\n> Merci",
                ],
                rng,
            );
            (t, v)
        }
        Kind::FrRib => {
            let v = detectors_gen::rib(rng);
            let t = if rng.chance(1, 3) {
                let (b, g, c, k) = (&v[..5], &v[5..10], &v[10..21], &v[21..]);
                format!(
                    "Code banque   Code guichet   N° de compte    Clé RIB\n{b}         {g}          {c}     {k}"
                )
            } else {
                let l = Layout {
                    sep: rng.pick(&[" ", "\u{a0}", "-", ""]),
                    ..layout
                };
                let raw = render("rib", &v, l);
                rng.pick(&[
                    "RIB : {}",
                    "Relevé d'identité bancaire : {}",
                    "Nos coordonnées bancaires\n{}",
                ])
                .replace("{}", &raw)
            };
            (t, v)
        }
        Kind::PaymentCard => {
            let v = detectors_gen::card(rng);
            let t = fill(
                "card",
                &v,
                &[
                    "Carte bancaire n° {} exp 09/27",
                    "CB : {}",
                    "Je règle par carte : {}, cryptogramme au dos.",
                    "Numéro de carte {}",
                    "Voici le numéro {} de la carte de la régie, merci de ne pas le diffuser.",
                ],
                rng,
            );
            (t, v)
        }
        Kind::FrNir => {
            let corsica = rng.chance(1, 5);
            let v = detectors_gen::nir(rng, corsica);
            let t = fill(
                "nir",
                &v,
                &[
                    "N° SS : {}",
                    "Numéro de sécurité sociale : {}",
                    "NIR de l'agent : {}",
                    "Nom : DUPONT Jean\nN° de sécurité sociale\n{}",
                ],
                rng,
            );
            (t, v)
        }
        Kind::FrSiren => {
            let v = detectors_gen::siren(rng);
            let t = fill(
                "siren",
                &v,
                &[
                    "SIREN : {}",
                    "SARL Les Jardins de Bourgogne, RCS Dijon {}",
                    "{} RCS Dijon",
                    "Société immatriculée sous le numéro {} au registre du commerce.",
                    "Entreprise Martin SAS – {}",
                    "Le titulaire du marché, la société Bâtiments du Morvan, SIREN n° {}, a transmis son offre.",
                ],
                rng,
            );
            (t, v)
        }
        Kind::FrSiret => {
            let v = if rng.chance(1, 8) {
                detectors_gen::la_poste_siret(rng)
            } else {
                let s = detectors_gen::siren(rng);
                detectors_gen::siret(rng, &s)
            };
            let t = fill(
                "siret",
                &v,
                &[
                    "SIRET : {}",
                    "N° SIRET {}",
                    "SARL Durand Frères – 12 rue des Vignes – 21000 Dijon – SIRET {} – APE 4399C",
                    "Le prestataire (Siret {}) a envoyé son devis.",
                ],
                rng,
            );
            (t, v)
        }
        Kind::FrVat => {
            let v = detectors_gen::vat_of(&detectors_gen::siren(rng));
            let t = fill(
                "vat",
                &v,
                &[
                    "TVA intracommunautaire : {}",
                    "N° TVA {}",
                    "Numéro de TVA : {}",
                ],
                rng,
            );
            (t, v)
        }
        Kind::FrTaxId => {
            let v = detectors_gen::spi(rng);
            let t = fill(
                "spi",
                &v,
                &[
                    "Numéro fiscal : {}",
                    "Mon numéro fiscal (SPI) est {}.",
                    "Identifiant fiscal {} (voir l'avis d'impôt)",
                    "Déclarant 1\nNuméro fiscal\n{}",
                ],
                rng,
            );
            (t, v)
        }
        Kind::IdentityDocumentNumber => {
            let (v, templates): (String, &[&str]) = match rng.below(5) {
                0 => (
                    format!(
                        "{:02}{:02}{}{}",
                        rng.range(88, 99),
                        rng.range(1, 12),
                        rng.pick(&["21", "71", "75", "13"]),
                        rng.digits(6)
                    ),
                    &[
                        "Carte nationale d'identité n° {}",
                        "CNI n° {}",
                        "Numéro de la pièce : {}",
                    ],
                ),
                1 => (
                    format!("{}{}{}", rng.letters(1), rng.digits(2), rng.letters(2))
                        + &format!("{}{}", rng.digits(2), rng.letters(2)),
                    &[
                        "Carte d'identité : {}",
                        "N° de CNI {}",
                        "Numéro du document : {}",
                    ],
                ),
                2 => (
                    format!(
                        "{:02}{}{}",
                        rng.range(10, 25),
                        rng.letters(2),
                        rng.digits(5)
                    ),
                    &[
                        "Passeport n° {}",
                        "Numéro de passeport : {}",
                        "pièce d'identité : passeport {}",
                    ],
                ),
                3 => (
                    format!("{}{}", rng.range(1, 9), rng.digits(9)),
                    &["Titre de séjour, numéro étranger {}", "N° AGDREF : {}"],
                ),
                _ => (
                    format!(
                        "{:02}{:02}{}",
                        rng.range(70, 99),
                        rng.range(1, 12),
                        rng.digits(8)
                    ),
                    &["Permis de conduire n° {}", "N° de permis : {}"],
                ),
            };
            (rng.pick(templates).replace("{}", &v), v)
        }
        Kind::PasswordInClear => {
            let v = password(rng);
            let t = rng
                .pick(&[
                    "Mot de passe : {}",
                    "mot de passe provisoire : {}",
                    "Identifiant : jdupont / Mot de passe : {}",
                    "Votre mdp : {}",
                    "MDP={}",
                    "password: {}",
                    "Code d'accès : {}",
                    "Le mot de passe provisoire est : {} (à changer à la première connexion)",
                    "> Identifiant : accueil\n> Mot de passe : {}",
                ])
                .replace("{}", &v);
            (t, v)
        }
    };
    let value = if kind == Kind::PasswordInClear {
        value
    } else {
        normalise(&value)
    };
    Plant { text, kind, value }
}

/// A decoy: text that looks like something sensitive but is not.
fn decoy(rng: &mut Rng) -> String {
    let layout = Layout::random(rng);
    let mutated = |family: &str, v: &str, rng: &mut Rng| {
        let m = change_digit(v, rng.below(64) as usize, rng.range(1, 9) as u32);
        render(family, &m, layout)
    };
    match rng.below(30) {
        0 => format!("Tél. : {}", phone(rng)),
        1 => format!(
            "Vous pouvez me joindre au {} ou au {}.",
            phone(rng),
            phone(rng)
        ),
        2 => format!(
            "Réunion {} à {}h{:02}.",
            date(rng),
            rng.range(8, 19),
            rng.below(4) * 15
        ),
        3 => format!("Le montant s'élève à {} TTC.", amount(rng)),
        4 => format!(
            "Mairie – 1 place de la Mairie – {} Saint-Martin – BP {}",
            rng.range(10000, 95999),
            rng.digits(3)
        ),
        5 => format!("Facture n° F{}-{}", rng.range(2015, 2026), rng.digits(5)),
        6 => format!("Commande n° {}", rng.digits(9)),
        7 => {
            let n = rng.range(8, 11) as usize;
            format!("N° client : {}", rng.digits(n))
        }
        8 => format!("Dossier n° {}-{}", rng.range(2015, 2026), rng.digits(5)),
        9 => format!(
            "Votre code de suivi : {}{}FR",
            rng.letters(2),
            rng.digits(9)
        ),
        10 => {
            let v = detectors_gen::iban(rng, "FR");
            format!("IBAN : {}", mutated("iban", &v, rng))
        }
        11 => {
            let v = detectors_gen::rib(rng);
            format!("RIB : {}", mutated("rib", &v, rng))
        }
        12 => {
            let v = detectors_gen::card(rng);
            format!("Carte n° {}", mutated("card", &v, rng))
        }
        13 => {
            let v = detectors_gen::nir(rng, false);
            format!("N° SS : {}", mutated("nir", &v, rng))
        }
        14 => {
            let v = detectors_gen::siren(rng);
            format!("SIREN : {}", mutated("siren", &v, rng))
        }
        15 => {
            let s = detectors_gen::siren(rng);
            let v = detectors_gen::siret(rng, &s);
            format!("SIRET : {}", mutated("siret", &v, rng))
        }
        16 => {
            let v = detectors_gen::vat_of(&detectors_gen::siren(rng));
            format!("TVA : {}", mutated("vat", &v, rng))
        }
        17 => {
            let v = detectors_gen::spi(rng);
            format!("Numéro fiscal : {}", mutated("spi", &v, rng))
        }
        // A Luhn-valid 9-digit number with no company context is not a SIREN.
        18 => {
            let v = detectors_gen::siren(rng);
            rng.pick(&[
                "Votre numéro d'adhérent : {}",
                "Le code d'activation est {}.",
                "Référence : {}",
                "Merci d'indiquer le numéro {} sur votre chèque.",
            ])
            .replace("{}", &render("siren", &v, layout))
        }
        19 => rng
            .pick(&[
                "Mot de passe oublié ? Cliquez sur le lien.",
                "Votre mot de passe doit contenir : 12 caractères, dont un chiffre.",
                "Mot de passe : ********",
                "Mot de passe : [masqué]",
                "Pour changer votre mot de passe : rendez-vous sur le portail.",
                "Mot de passe : vous le recevrez par SMS.",
            ])
            .to_string(),
        20 => rng
            .pick(&[
                "Merci de joindre une copie de votre carte d'identité.",
                "Le passeport est à renouveler avant le 12/03/2026.",
                "Pièce d'identité reçue, dossier complet.",
                "Carte d'identité (dossier DOS2024A1) transmise à la préfecture.",
            ])
            .to_string(),
        // Identity-document shapes without any document keyword.
        21 => format!(
            "Réf. {:02}{}{} – lot {}",
            rng.range(10, 25),
            rng.letters(2),
            rng.digits(5),
            rng.digits(12)
        ),
        // A valid identifier inside a longer digit run is not that identifier.
        22 => {
            let s = detectors_gen::siren(rng);
            let v = detectors_gen::siret(rng, &s);
            format!("Transaction n° {}{v}{}", rng.range(1, 9), rng.digits(2))
        }
        _ => format!(
            "Le {} à {}h{:02}, salle {}.",
            date(rng),
            rng.range(8, 19),
            rng.below(60),
            rng.range(1, 12)
        ),
    }
}

#[derive(Default, Clone, Copy)]
struct Score {
    planted: usize,
    reported: usize,
    correct: usize,
}

impl Score {
    fn recall(&self) -> f64 {
        if self.planted == 0 {
            1.0
        } else {
            self.correct as f64 / self.planted as f64
        }
    }
    fn precision(&self) -> f64 {
        if self.reported == 0 {
            1.0
        } else {
            self.correct as f64 / self.reported as f64
        }
    }
}

#[test]
fn recall_and_precision_per_kind() {
    let detector = Detector::new();
    let mut rng = Rng::new(20_260_313);
    let mut scores: BTreeMap<Kind, Score> = BTreeMap::new();
    let mut misses = Vec::new();
    let mut false_positives = Vec::new();
    for _ in 0..SNIPPETS {
        let mut parts: Vec<String> = Vec::new();
        let mut expected: Vec<(Kind, String)> = Vec::new();
        for _ in 0..rng.range(1, 3) {
            parts.push(rng.pick(FILLERS).to_string());
        }
        for _ in 0..rng.below(3) {
            let kind = rng.pick(&Kind::ALL);
            let p = plant(&mut rng, kind);
            parts.push(p.text);
            expected.push((p.kind, p.value));
        }
        for _ in 0..rng.below(4) {
            parts.push(decoy(&mut rng));
        }
        // Shuffle (Fisher-Yates), then join as a mail body.
        for i in (1..parts.len()).rev() {
            let j = rng.below(i as u64 + 1) as usize;
            parts.swap(i, j);
        }
        let text = parts.join(if rng.chance(1, 2) { "\n" } else { "\n\n" });

        for (k, _) in &expected {
            scores.entry(*k).or_default().planted += 1;
        }
        let mut remaining = expected.clone();
        for d in detector.scan_collect(&text) {
            let s = scores.entry(d.kind).or_default();
            s.reported += 1;
            if let Some(i) = remaining
                .iter()
                .position(|(k, v)| *k == d.kind && *v == d.value)
            {
                remaining.swap_remove(i);
                s.correct += 1;
            } else {
                false_positives.push(format!("{:?} {:?} in {text:?}", d.kind, d.value));
            }
        }
        for (k, v) in remaining {
            misses.push(format!("{k:?} {v:?} in {text:?}"));
        }
    }

    let mut total = Score::default();
    println!(
        "{:<26} {:>7} {:>8} {:>8} {:>7} {:>9}",
        "kind", "planted", "reported", "correct", "recall", "precision"
    );
    for (k, s) in &scores {
        println!(
            "{:<26} {:>7} {:>8} {:>8} {:>7.3} {:>9.3}",
            k.as_str(),
            s.planted,
            s.reported,
            s.correct,
            s.recall(),
            s.precision()
        );
        total.planted += s.planted;
        total.reported += s.reported;
        total.correct += s.correct;
    }
    println!(
        "{:<26} {:>7} {:>8} {:>8} {:>7.3} {:>9.3}",
        "overall",
        total.planted,
        total.reported,
        total.correct,
        total.recall(),
        total.precision()
    );
    for m in misses.iter().take(15) {
        println!("missed: {m}");
    }
    for f in false_positives.iter().take(15) {
        println!("false positive: {f}");
    }

    assert_eq!(scores.len(), Kind::ALL.len(), "every kind is planted");
    for (k, s) in &scores {
        assert!(s.planted >= 100, "{k:?}: only {} planted", s.planted);
        assert!(s.recall() >= TARGET, "{k:?} recall {:.3}", s.recall());
        assert!(
            s.precision() >= TARGET,
            "{k:?} precision {:.3}",
            s.precision()
        );
    }
    assert!(total.recall() >= TARGET && total.precision() >= TARGET);
}
