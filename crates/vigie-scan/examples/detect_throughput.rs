//! Throughput of `Detector::scan` on French mail-like text.
//!
//! Generates about 100 MB of messages like those of a small mairie (prose, greetings, dates,
//! times, amounts, phone numbers, addresses, quoted replies, signatures, URLs, a few planted
//! identifiers), then scans them message by message, as the scanner does, and prints MB/s.
//!
//! ```text
//! cargo run --release -p vigie-scan --example detect_throughput [-- SIZE_MB]
//! ```

use std::collections::BTreeMap;
use std::time::Instant;

use vigie_scan::{Detection, Detector, Kind};

/// SplitMix64: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len() as u64) as usize]
    }
    fn chance(&mut self, num: u64, den: u64) -> bool {
        self.below(den) < num
    }
}

const GREETINGS: &[&str] = &[
    "Bonjour Madame Durand,",
    "Bonjour Monsieur le Maire,",
    "Madame, Monsieur,",
    "Bonjour à tous,",
    "Chère Isabelle,",
    "Bonjour,",
];

const SENTENCES: &[&str] = &[
    "Suite à notre échange téléphonique, je vous confirme que le conseil municipal se réunira en salle des fêtes.",
    "Vous trouverez ci-joint le compte rendu de la dernière réunion ainsi que le projet de délibération.",
    "La commission des travaux a examiné les devis reçus pour la réfection de la toiture de l'école.",
    "Je reste à votre disposition pour tout renseignement complémentaire.",
    "Le secrétariat de mairie sera exceptionnellement fermé pendant les congés d'été.",
    "Merci de bien vouloir nous retourner le formulaire complété et signé avant la date limite.",
    "Les travaux de voirie débuteront la semaine prochaine, rue de l'Église et chemin des Vignes.",
    "Nous avons bien reçu votre demande d'inscription à la cantine scolaire pour la rentrée.",
    "Le budget primitif a été voté à l'unanimité lors de la séance publique.",
    "Pourriez-vous me transmettre l'attestation d'assurance de l'association avant la manifestation ?",
    "La salle polyvalente est réservée pour le repas des aînés, le traiteur arrivera dans la matinée.",
    "Je vous informe que le dossier de subvention a été déposé auprès du conseil départemental.",
    "L'arrêté municipal portant réglementation de la circulation sera affiché en mairie.",
    "En l'absence de réponse de votre part, nous considérerons que vous êtes d'accord.",
    "Le ramassage des encombrants aura lieu le premier mardi du mois, comme d'habitude.",
    "Veuillez noter que la permanence du maire se tient désormais le samedi matin.",
];

const CLOSINGS: &[&str] = &[
    "Bien cordialement,",
    "Cordialement,",
    "Veuillez agréer, Madame, Monsieur, l'expression de mes salutations distinguées.",
    "Bonne journée,",
    "Merci d'avance,",
];

const NAMES: &[&str] = &[
    "Marie Lefèvre",
    "Jean-Pierre Moreau",
    "Sophie Bernard",
    "Philippe Garnier",
    "Nathalie Roux",
];

const MONTHS: &[&str] = &[
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

fn digits(rng: &mut Rng, n: usize) -> String {
    (0..n)
        .map(|_| char::from(b'0' + rng.below(10) as u8))
        .collect()
}

fn phone(rng: &mut Rng) -> String {
    let head = rng.pick(&["01", "02", "03", "04", "05", "06", "07", "09"]);
    let rest = digits(rng, 8);
    let g: Vec<&str> = (0..4).map(|i| &rest[i * 2..i * 2 + 2]).collect();
    match rng.below(3) {
        0 => format!("{head} {}", g.join(" ")),
        1 => format!("{head}.{}", g.join(".")),
        _ => format!("+33 {} {}", &head[1..], g.join(" ")),
    }
}

fn amount(rng: &mut Rng) -> String {
    let euros = rng.below(250_000);
    let s = euros.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push('\u{a0}');
        }
        out.push(c);
    }
    format!("{out},{:02}\u{a0}€", rng.below(100))
}

fn date(rng: &mut Rng) -> String {
    match rng.below(3) {
        0 => format!(
            "{:02}/{:02}/{}",
            1 + rng.below(28),
            1 + rng.below(12),
            2015 + rng.below(11)
        ),
        1 => format!(
            "le {} {} {}",
            1 + rng.below(28),
            rng.pick(MONTHS),
            2015 + rng.below(11)
        ),
        _ => format!("à {}h{:02}", 8 + rng.below(11), rng.below(4) * 15),
    }
}

/// A few planted identifiers (valid, so that findings are produced like in real mail), with
/// their kind: the report compares what was found with what was planted.
const PLANTED: &[(&str, Kind)] = &[
    ("IBAN : FR76 3000 6000 0112 3456 7890 189", Kind::Iban),
    ("SIRET : 732 829 320 00074", Kind::FrSiret),
    ("N° SS : 1 84 12 76 451 089 46", Kind::FrNir),
    ("TVA intracommunautaire : FR 40 303 265 045", Kind::FrVat),
    (
        "Identifiant : accueil / Mot de passe : Mairie2024!",
        Kind::PasswordInClear,
    ),
    ("Numéro fiscal : 30 12 345 678 167", Kind::FrTaxId),
    ("Carte n° 4970 1012 3456 7893", Kind::PaymentCard),
    ("N° de passeport : 18AB12345", Kind::IdentityDocumentNumber),
];

fn message(rng: &mut Rng, out: &mut String, planted: &mut BTreeMap<Kind, usize>) {
    out.push_str(rng.pick(GREETINGS));
    out.push_str("\n\n");
    let paragraphs = 2 + rng.below(4);
    for _ in 0..paragraphs {
        let n = 2 + rng.below(4);
        for _ in 0..n {
            out.push_str(rng.pick(SENTENCES));
            out.push(' ');
            match rng.below(8) {
                0 => {
                    out.push_str("Rendez-vous ");
                    out.push_str(&date(rng));
                    out.push_str(". ");
                }
                1 => {
                    out.push_str("Le montant s'élève à ");
                    out.push_str(&amount(rng));
                    out.push_str(" TTC. ");
                }
                2 => {
                    out.push_str("Vous pouvez me joindre au ");
                    out.push_str(&phone(rng));
                    out.push_str(". ");
                }
                3 => {
                    out.push_str("Voir https://www.service-public.fr/particuliers/vosdroits/F");
                    out.push_str(&digits(rng, 4));
                    out.push_str(" pour les détails. ");
                }
                _ => {}
            }
        }
        out.push_str("\n\n");
    }
    if rng.chance(1, 20) {
        let (text, kind) = rng.pick(PLANTED);
        out.push_str(text);
        out.push_str("\n\n");
        *planted.entry(kind).or_default() += 1;
    }
    if rng.chance(1, 3) {
        out.push_str("> Le ");
        out.push_str(&date(rng));
        out.push_str(", Mairie a écrit :\n> ");
        out.push_str(rng.pick(SENTENCES));
        out.push_str("\n> ");
        out.push_str(rng.pick(SENTENCES));
        out.push_str("\n\n");
    }
    out.push_str(rng.pick(CLOSINGS));
    out.push_str("\n\n");
    out.push_str(rng.pick(NAMES));
    out.push_str("\nSecrétariat de mairie – 1 place de la Mairie – 21");
    out.push_str(&digits(rng, 3));
    out.push_str(" Saint-Martin\nTél. ");
    out.push_str(&phone(rng));
    out.push_str(" – mairie@saint-martin.fr\nOuvert du lundi au vendredi de 9h00 à 12h00.\n");
}

fn main() {
    let size_mb: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(100);
    let target = size_mb * 1_000_000;
    let mut rng = Rng(0x5EED_2026);
    let mut corpus = String::with_capacity(target + 8192);
    let mut bounds = Vec::new();
    let mut planted: BTreeMap<Kind, usize> = BTreeMap::new();
    while corpus.len() < target {
        let start = corpus.len();
        message(&mut rng, &mut corpus, &mut planted);
        bounds.push((start, corpus.len()));
    }
    let total = corpus.len();
    let digits_share = corpus.bytes().filter(u8::is_ascii_digit).count() as f64 / total as f64;
    println!(
        "corpus : {:.1} Mo, {} messages ({:.0} octets en moyenne), {:.1} % de chiffres",
        total as f64 / 1e6,
        bounds.len(),
        total as f64 / bounds.len() as f64,
        digits_share * 100.0
    );

    let detector = Detector::new();
    let mut out: Vec<Detection> = Vec::new();
    let mut counts: BTreeMap<Kind, usize> = BTreeMap::new();
    let mut best = f64::INFINITY;
    for round in 0..3 {
        counts.clear();
        let t = Instant::now();
        for &(s, e) in &bounds {
            out.clear();
            detector.scan(&corpus[s..e], &mut out);
            for d in &out {
                *counts.entry(d.kind).or_default() += 1;
            }
        }
        let secs = t.elapsed().as_secs_f64();
        best = best.min(secs);
        println!(
            "passe {} : {:.3} s, {:.0} Mo/s",
            round + 1,
            secs,
            total as f64 / 1e6 / secs
        );
    }
    println!(
        "meilleure passe : {:.0} Mo/s par cœur (Detector::scan, message par message)",
        total as f64 / 1e6 / best
    );
    println!("  {:<26} {:>8} {:>8}", "type", "trouvés", "plantés");
    for k in Kind::ALL {
        println!(
            "  {:<26} {:>8} {:>8}",
            k.as_str(),
            counts.get(&k).copied().unwrap_or(0),
            planted.get(&k).copied().unwrap_or(0)
        );
    }
}
