//! Context keywords around a candidate value, used to score confidence.
//!
//! A Luhn-valid 9-digit number is a SIREN one time in ten by chance, an identity-card number
//! has no checksum at all: for those, the words around the value decide. The keywords are
//! grouped by [`Topic`] and searched with one Aho-Corasick automaton (ASCII case-insensitive),
//! and only in a small window around a candidate that already passed its shape and checksum
//! tests, so the cost is paid per candidate, not per byte of text.
//!
//! Accents: every keyword is also searched without accents and with upper-case accented
//! letters (« IDENTITÉ »), and with the typographic apostrophe (« d’identité »), since mail
//! clients and scanners produce all of them.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use super::text::{at, before, blank_len, is_alnum};

/// What a keyword is evidence for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Topic {
    /// SIREN, SIRET, RCS, n° TVA…: a company identifier is near.
    Company,
    /// A legal form or company wording (SARL, société, au capital…): weaker, same line only.
    CompanyForm,
    /// Numéro fiscal, avis d'impôt, impots.gouv…
    Tax,
    /// Sécurité sociale, carte Vitale…
    Nir,
    /// RIB, code banque, IBAN…
    Bank,
    /// Carte bancaire, cryptogramme…
    Card,
    /// The full name of an identity document or of its number (« carte nationale d'identité »,
    /// « n° de passeport »).
    IdStrong,
    /// A short or ambiguous mention (« CNI », « passeport », « identité »).
    IdWeak,
    /// Residence permits, whose AGDREF number is 10 digits.
    IdSejour,
    /// Words that introduce other numbers (commande, facture, client, téléphone…).
    Negative,
}

const N_TOPICS: usize = 10;

impl Topic {
    fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

/// Keywords, lower case, with accents and straight apostrophes (variants are generated).
const KEYWORDS: &[(Topic, &[&str])] = &[
    (
        Topic::Company,
        &[
            "siren",
            "siret",
            "rcs",
            "r.c.s",
            "r.c.s.",
            "registre du commerce",
            "immatriculée",
            "immatriculé",
            "immatriculation au rcs",
            "tva intracommunautaire",
            "tva intra-communautaire",
            "tva intracom",
            "n° tva",
            "n° de tva",
            "numéro de tva",
            "code naf",
            "naf",
            "code ape",
            "ape",
            "kbis",
            "k-bis",
            "numéro d'entreprise",
            "n° d'entreprise",
        ],
    ),
    (
        Topic::CompanyForm,
        &[
            "sas",
            "sasu",
            "sarl",
            "eurl",
            "sci",
            "snc",
            "scop",
            "selarl",
            "scp",
            "société",
            "sté",
            "entreprise",
            "établissements",
            "ets",
            "au capital",
            "capital social",
            "siège social",
            "raison sociale",
            "fournisseur",
            "prestataire",
            "titulaire du marché",
            "auto-entrepreneur",
            "micro-entreprise",
            "association",
            "mairie de",
            "commune de",
        ],
    ),
    (
        Topic::Tax,
        &[
            "numéro fiscal",
            "n° fiscal",
            "identifiant fiscal",
            "spi",
            "n° spi",
            "avis d'impôt",
            "avis d'imposition",
            "impots.gouv",
            "impôts",
            "impôt sur le revenu",
            "revenu fiscal",
            "taxe foncière",
            "taxe d'habitation",
            "référence de l'avis",
            "déclarant",
            "foyer fiscal",
            "dgfip",
            "finances publiques",
        ],
    ),
    (
        Topic::Nir,
        &[
            "sécurité sociale",
            "sécu",
            "n° ss",
            "nss",
            "nir",
            "insee",
            "carte vitale",
            "ameli",
            "assuré social",
            "assurance maladie",
            "cpam",
            "numéro d'assuré",
        ],
    ),
    (
        Topic::Bank,
        &[
            "rib",
            "iban",
            "bic",
            "code banque",
            "code guichet",
            "clé rib",
            "n° de compte",
            "numéro de compte",
            "relevé d'identité bancaire",
            "domiciliation",
            "titulaire du compte",
            "coordonnées bancaires",
            "compte bancaire",
            "virement",
        ],
    ),
    (
        Topic::Card,
        &[
            "carte bancaire",
            "carte bleue",
            "cb",
            "visa",
            "mastercard",
            "master card",
            "amex",
            "american express",
            "numéro de carte",
            "n° de carte",
            "n° carte",
            "carte n°",
            "cryptogramme",
            "date d'expiration",
            "expire",
            "cvv",
            "cvc",
            "carte de crédit",
            "carte de paiement",
            "paiement par carte",
        ],
    ),
    (
        Topic::IdStrong,
        &[
            "carte nationale d'identité",
            "carte d'identité",
            "carte identité",
            "n° de passeport",
            "numéro de passeport",
            "n° du passeport",
            "numéro du passeport",
            "passeport n°",
            "passeport numéro",
            "titre de séjour",
            "carte de séjour",
            "carte de résident",
            "permis de conduire",
            "n° de permis",
            "numéro de permis",
            "n° de la pièce",
            "numéro de la pièce",
            "n° de pièce",
            "numéro de pièce",
            "n° du document",
            "numéro du document",
            "n° de document",
            "numéro de document",
            "n° cni",
            "n° de cni",
            "numéro cni",
            "numéro de cni",
            "n° de la carte",
            "numéro de la carte",
        ],
    ),
    (
        Topic::IdWeak,
        &[
            "cni",
            "passeport",
            "passport",
            "pièce d'identité",
            "identité",
            "permis",
            "document d'identité",
            "justificatif d'identité",
            "id card",
        ],
    ),
    (
        Topic::IdSejour,
        &[
            "titre de séjour",
            "carte de séjour",
            "carte de résident",
            "numéro étranger",
            "n° étranger",
            "n° d'étranger",
            "agdref",
            "récépissé",
            "ofii",
        ],
    ),
    (
        Topic::Negative,
        &[
            "commande",
            "facture",
            "référence",
            "réf",
            "ref",
            "dossier",
            "colis",
            "suivi",
            "ticket",
            "contrat",
            "client",
            "adhérent",
            "abonné",
            "devis",
            "tél",
            "tel",
            "téléphone",
            "fax",
            "portable",
            "mobile",
            "transaction",
            "autorisation",
            "n° de série",
            "numéro de série",
            "bordereau",
            "mandat",
            "parcelle",
            "quittance",
            "montant",
            "total",
            "opération",
        ],
    ),
];

/// Words that say whose number a label names (« SIRET client », « n° SS de l'adhérent ») when
/// they directly follow an identifier keyword: there they qualify the label instead of
/// introducing another number, so they do not count as [`Topic::Negative`]. Alone (« n° client :
/// 213748254 ») they still do.
const QUALIFIERS: &[&str] = &[
    "client",
    "cliente",
    "adhérent",
    "adhérente",
    "abonné",
    "abonnée",
];

/// Pattern bit of a [`QUALIFIERS`] spelling (above the topic bits).
const QUALIFIER_BIT: u16 = 1 << 15;

/// Topics whose keywords name an identifier and can be qualified by a [`QUALIFIERS`] word.
const LABEL_BITS: u16 = (1 << Topic::Company as u16)
    | (1 << Topic::Tax as u16)
    | (1 << Topic::Nir as u16)
    | (1 << Topic::Bank as u16)
    | (1 << Topic::Card as u16)
    | (1 << Topic::IdStrong as u16)
    | (1 << Topic::IdWeak as u16)
    | (1 << Topic::IdSejour as u16);

/// Whether the bytes between an identifier keyword and a qualifier word join them: blanks
/// only, around at most one of « du », « de », « des », « de la », « de l' », « d' ».
fn joins_qualifier(gap: &[u8]) -> bool {
    let mut word = [0u8; 8];
    let mut n = 0;
    let mut k = 0;
    while k < gap.len() {
        let w = blank_len(gap, k);
        if w > 0 {
            k += w;
            continue;
        }
        let Some(slot) = word.get_mut(n) else {
            return false;
        };
        *slot = at(gap, k).to_ascii_lowercase();
        n += 1;
        k += 1;
    }
    matches!(
        word.get(..n).unwrap_or(&[]),
        b"" | b"du"
            | b"de"
            | b"des"
            | b"dela"
            | b"del'"
            | b"d'"
            | b"del\xE2\x80\x99"
            | b"d\xE2\x80\x99"
    )
}

/// Accent-free form of a lower-case letter.
fn strip_accent(c: char) -> &'static str {
    match c {
        'à' | 'â' | 'ä' | 'á' => "a",
        'é' | 'è' | 'ê' | 'ë' => "e",
        'î' | 'ï' | 'í' => "i",
        'ô' | 'ö' | 'ó' => "o",
        'ù' | 'û' | 'ü' | 'ú' => "u",
        'ç' => "c",
        'œ' => "oe",
        'æ' => "ae",
        'ÿ' => "y",
        _ => "",
    }
}

/// Every spelling of a lower-case keyword that the automaton must know: as written, without
/// accents, with upper-case accents, with `’` for `'`, and « nº »/« no »/« n°x » for « n° ».
pub(crate) fn spellings(keyword: &str) -> Vec<String> {
    let mut bases = vec![keyword.to_string()];
    if keyword.contains("n°") {
        bases.push(keyword.replace("n°", "nº"));
        bases.push(keyword.replace("n°", "no"));
        if keyword.contains("n° ") {
            bases.push(keyword.replace("n° ", "n°"));
        }
    }
    let mut out = Vec::new();
    for b in bases {
        let plain: String = b
            .chars()
            .map(|c| {
                let s = strip_accent(c);
                if s.is_empty() {
                    c.to_string()
                } else {
                    s.to_string()
                }
            })
            .collect();
        let upper: String = b
            .chars()
            .flat_map(|c| {
                let v: Vec<char> = if c.is_ascii() {
                    vec![c]
                } else {
                    c.to_uppercase().collect()
                };
                v
            })
            .collect();
        for v in [b, plain, upper] {
            if v.contains('\'') {
                out.push(v.replace('\'', "\u{2019}"));
            }
            out.push(v);
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Whether the match `s..e` is a whole word: no ASCII alphanumeric glued to a keyword end
/// that is itself alphanumeric (« ape » must not match « étape », « nir » not « finir »).
pub(crate) fn whole_word(bytes: &[u8], s: usize, e: usize) -> bool {
    let first = at(bytes, s);
    let last = before(bytes, e);
    (!is_alnum(first) || !is_alnum(before(bytes, s)))
        && (!is_alnum(last) || !is_alnum(at(bytes, e)))
}

/// Whether only blanks or reply quote marks stand between the previous line break (or the start
/// of the text) and `start`.
fn starts_line(bytes: &[u8], start: usize) -> bool {
    let mut k = start;
    for _ in 0..64 {
        match before(bytes, k) {
            b' ' | b'\t' | b'>' => k -= 1,
            0xA0 if before(bytes, k - 1) == 0xC2 => k -= 2,
            0xAF if k >= 3 && at(bytes, k - 2) == 0x80 && at(bytes, k - 3) == 0xE2 => k -= 3,
            b'\n' | b'\r' => return true,
            0 if k == 0 => return true,
            _ => return false,
        }
    }
    false
}

/// How far before a candidate keywords are looked for, in bytes (two short lines: labels
/// are often on the line above the value, as in a table).
pub(crate) const WINDOW_BEFORE: usize = 160;
/// How far after (« 732 829 320 RCS Paris »).
pub(crate) const WINDOW_AFTER: usize = 60;

/// The nearest keyword of a topic.
///
/// Only keywords that label the value are kept: on the same line, or on the line just above
/// when the value starts its own line (a label over a value, a table header over its row).
/// A keyword two lines away, or on the line above a value written mid-sentence, belongs to
/// another part of the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Hit {
    /// Bytes between the keyword and the value.
    pub dist: usize,
    /// No line break between them.
    pub same_line: bool,
    /// The keyword follows the value.
    pub after: bool,
}

/// Nearest hit per topic around one candidate.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Hits {
    best: [Option<Hit>; N_TOPICS],
}

impl Hits {
    pub fn get(&self, t: Topic) -> Option<Hit> {
        self.best.get(t as usize).copied().flatten()
    }

    /// A hit of `t` before the value within `before`, or after it within `after`.
    pub fn within(&self, t: Topic, before: usize, after: usize) -> Option<Hit> {
        self.get(t)
            .filter(|h| h.dist <= if h.after { after } else { before })
    }
}

/// The keyword automaton, built once per [`super::Detector`].
#[derive(Debug, Clone)]
pub(crate) struct ContextIndex {
    ac: AhoCorasick,
    /// Topic bits of each pattern (a keyword can serve several topics).
    topics: Vec<u16>,
}

impl ContextIndex {
    pub fn new() -> Self {
        let mut entries: Vec<(String, u16)> = Vec::new();
        let tagged = KEYWORDS
            .iter()
            .flat_map(|(topic, words)| words.iter().map(|w| (topic.bit(), *w)))
            .chain(
                QUALIFIERS
                    .iter()
                    .map(|w| (QUALIFIER_BIT | Topic::Negative.bit(), *w)),
            );
        for (bit, w) in tagged {
            for s in spellings(w) {
                match entries.iter_mut().find(|(p, _)| *p == s) {
                    Some((_, bits)) => *bits |= bit,
                    None => entries.push((s, bit)),
                }
            }
        }
        // A DFA, although the crate would choose a (contiguous) NFA for this many patterns:
        // one table lookup per byte instead of following failure links, for about half the
        // instructions per window searched. It costs about 1.5 MB and a few milliseconds to
        // build, once per detector.
        let ac = build_automaton(
            entries.iter().map(|(p, _)| p.as_str()),
            Some(AhoCorasickKind::DFA),
        );
        ContextIndex {
            ac,
            topics: entries.into_iter().map(|(_, t)| t).collect(),
        }
    }

    /// Keywords around the value at `start..end`.
    pub fn around(&self, bytes: &[u8], start: usize, end: usize) -> Hits {
        let mut hits = Hits::default();
        let at_line_start = starts_line(bytes, start);
        let ws = start.saturating_sub(WINDOW_BEFORE);
        let we = end.saturating_add(WINDOW_AFTER).min(bytes.len());
        // Only the value's line, and the line above when the value starts its own, can hold a
        // labelling keyword ([`Hit`]): the search is cut to them. No keyword holds a line
        // break, so matches never span one, and a search started just after a line break
        // finds past it exactly the matches of a search started further back: the hits are
        // those of the whole window.
        let lines_above = if at_line_start { 2 } else { 1 };
        let ws = bytes
            .get(ws..start)
            .and_then(|b| memchr::memrchr_iter(b'\n', b).nth(lines_above - 1))
            .map_or(ws, |nl| ws + nl + 1);
        let we = bytes
            .get(end..we)
            .and_then(|b| memchr::memchr(b'\n', b))
            .map_or(we, |nl| end + nl);
        let Some(window) = bytes.get(ws..we) else {
            return hits;
        };
        // End and pattern bits of the previous whole-word keyword.
        let mut prev: Option<(usize, u16)> = None;
        for m in self.ac.find_iter(window) {
            let (s, e) = (ws + m.start(), ws + m.end());
            if !whole_word(bytes, s, e) {
                continue;
            }
            let mut bits = self
                .topics
                .get(m.pattern().as_usize())
                .copied()
                .unwrap_or(0);
            // « SIRET client : … »: the word says whose SIRET it is, not that the number is a
            // client number.
            if bits & QUALIFIER_BIT != 0
                && let Some((pe, pbits)) = prev
                && pbits & LABEL_BITS != 0
                && bytes.get(pe..s).is_some_and(joins_qualifier)
            {
                bits &= !Topic::Negative.bit();
            }
            prev = Some((e, bits));
            let (dist, after, between) = if e <= start {
                (start - e, false, bytes.get(e..start))
            } else if s >= end {
                (s - end, true, bytes.get(end..s))
            } else {
                continue;
            };
            let breaks = between.map_or(usize::MAX, |b| memchr::memchr_iter(b'\n', b).count());
            let labels = breaks == 0 || (breaks == 1 && !after && at_line_start);
            if !labels {
                continue;
            }
            let same_line = breaks == 0;
            let hit = Hit {
                dist,
                same_line,
                after,
            };
            for (t, slot) in hits.best.iter_mut().enumerate() {
                if bits & (1 << t) != 0 && slot.is_none_or(|h| h.dist > dist) {
                    *slot = Some(hit);
                }
            }
        }
        hits
    }
}

/// Builds an ASCII case-insensitive, leftmost-longest automaton over static keywords, of the
/// given kind (`None`: the crate's choice, a DFA for at most 100 patterns).
#[allow(clippy::expect_used)]
pub(crate) fn build_automaton<'a>(
    patterns: impl IntoIterator<Item = &'a str>,
    kind: Option<AhoCorasickKind>,
) -> AhoCorasick {
    // Why `expect` is acceptable here: the patterns are the constants of this module (a few
    // hundred short strings), far below the automaton's limits, and no input reaches this code;
    // a failure would be a programming error that every test run would show at once.
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .kind(kind)
        .build(patterns)
        .expect("static keyword automaton")
}

#[cfg(test)]
// Tests fail by panicking.
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn spellings_cover_accents_and_apostrophes() {
        let s = spellings("carte d'identité");
        for v in [
            "carte d'identité",
            "carte d’identité",
            "carte d'identite",
            "carte d’identite",
            "carte d'identitÉ",
        ] {
            assert!(s.iter().any(|x| x == v), "{v} missing from {s:?}");
        }
        let s = spellings("n° tva");
        assert!(s.iter().any(|x| x == "nº tva"));
        assert!(s.iter().any(|x| x == "no tva"));
        assert!(s.iter().any(|x| x == "n°tva"));
    }

    #[test]
    fn finds_nearest_keyword_per_topic() {
        let ctx = ContextIndex::new();
        let text = "Société Dupont SARL, immatriculée au RCS de Dijon sous le numéro 732 829 320 depuis 2001.";
        let start = text.find("732").unwrap();
        let end = start + "732 829 320".len();
        let hits = ctx.around(text.as_bytes(), start, end);
        let company = hits.get(Topic::Company).unwrap();
        assert!(!company.after && company.same_line);
        assert_eq!(company.dist, " de Dijon sous le numéro ".len());
        assert!(hits.get(Topic::CompanyForm).is_some());
        assert!(hits.get(Topic::Tax).is_none());
    }

    #[test]
    fn only_labelling_keywords_count() {
        let ctx = ContextIndex::new();
        let at = |text: &str, v: &str| {
            let s = text.find(v).unwrap();
            ctx.around(text.as_bytes(), s, s + v.len())
        };
        let t = "N° SIREN\n732 829 320";
        assert!(
            at(t, "732").get(Topic::Company).is_some(),
            "label above a value"
        );
        let t = "SIREN 732 829 320\nLe code est 123 456 782.";
        assert!(
            at(t, "123").get(Topic::Company).is_none(),
            "value mid-sentence"
        );
        let t = "N° SIREN\n\n123 456 782";
        assert!(at(t, "123").get(Topic::Company).is_none(), "two lines away");
        let t = "Réf. 18AB12345\nPasseport : à renouveler";
        assert!(
            at(t, "18AB").get(Topic::IdWeak).is_none(),
            "after, on the next line"
        );
    }

    #[test]
    fn qualifier_after_an_identifier_label_is_not_negative() {
        let ctx = ContextIndex::new();
        let at = |text: &str, v: &str| {
            let s = text.find(v).unwrap();
            ctx.around(text.as_bytes(), s, s + v.len())
        };
        for t in [
            "SIRET client : 21374825436243",
            "SIRET  client : 21374825436243",
            "N° SIRET du client : 21374825436243",
            "SIRET de la cliente : 21374825436243",
            "Siret de l’adhérent : 21374825436243",
            "n° TVA client : 21374825436243",
        ] {
            let h = at(t, "213");
            assert!(h.get(Topic::Negative).is_none(), "{t}");
            assert!(h.get(Topic::Company).is_some(), "{t}");
        }
        for t in [
            "n° client : 21374825436243",
            "SIRET : 732 829 320 00074, n° client : 21374825436243",
            "SIRET pour le client : 21374825436243",
            "SIRET\nclient : 21374825436243",
            "SIRET facture : 21374825436243",
        ] {
            assert!(at(t, "213").get(Topic::Negative).is_some(), "{t}");
        }
        assert!(joins_qualifier(b" "));
        assert!(joins_qualifier("\u{a0}du ".as_bytes()));
        assert!(joins_qualifier(b" d'"));
        assert!(!joins_qualifier(b" : "));
        assert!(!joins_qualifier(b" pour le "));
    }

    #[test]
    fn case_accents_and_word_boundaries() {
        let ctx = ContextIndex::new();
        let text = "CARTE NATIONALE D’IDENTITÉ N° 880692310285 ; étape finir";
        let start = text.find("880").unwrap();
        let hits = ctx.around(text.as_bytes(), start, start + 12);
        assert!(hits.get(Topic::IdStrong).is_some());
        assert!(
            hits.get(Topic::Company).is_none(),
            "« étape » is not « APE »"
        );
        assert!(hits.get(Topic::Nir).is_none(), "« finir » is not « NIR »");
        let text = "le numéro 880692310285 figure sur la carte";
        let start = text.find("880").unwrap();
        assert!(
            ctx.around(text.as_bytes(), start, start + 12)
                .get(Topic::IdStrong)
                .is_none()
        );
    }
}
