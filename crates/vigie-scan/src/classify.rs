//! Document categories: which parts of a message are invoices, quotes, notarial deeds, RIBs,
//! bank statements, identity documents, signatures or stamps, payslips.
//!
//! The seed lists exactly these as what the attacker harvested. Classification is by keyword
//! scoring on the file name, the subject and the text (accents and case folded), helped by what
//! the detectors found (an IBAN makes a RIB document likely, a NIR a payslip). Images are judged
//! by their role from names, sizes and the surrounding text; no OCR yet.
//!
//! The keywords are found by one automaton over the raw text with the folding built in
//! (`keywords`): a part is read once, and its occurrences are kept ([`Scanned`]) for the
//! second classification of the body, with the subject.

use serde::Serialize;

use crate::detect::{Detection, Kind};

mod keywords;

use keywords::{Hits, KeywordSet, Occurrence};

/// A category of sensitive document. Serialised names are part of the `vigie.scan.v1` contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Invoice,
    Quote,
    NotarialDeed,
    BankDetails,
    BankStatement,
    IdentityDocument,
    SignatureOrStamp,
    Payslip,
}

impl Category {
    /// Every category, in report order.
    pub const ALL: [Category; 8] = [
        Category::Invoice,
        Category::Quote,
        Category::NotarialDeed,
        Category::BankDetails,
        Category::BankStatement,
        Category::IdentityDocument,
        Category::SignatureOrStamp,
        Category::Payslip,
    ];

    /// The JSON name (`invoice`, `notarial_deed`...).
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Invoice => "invoice",
            Category::Quote => "quote",
            Category::NotarialDeed => "notarial_deed",
            Category::BankDetails => "bank_details",
            Category::BankStatement => "bank_statement",
            Category::IdentityDocument => "identity_document",
            Category::SignatureOrStamp => "signature_or_stamp",
            Category::Payslip => "payslip",
        }
    }

    /// French label for reports.
    pub fn label_fr(self) -> &'static str {
        match self {
            Category::Invoice => "Factures",
            Category::Quote => "Devis",
            Category::NotarialDeed => "Actes notariés, propriété, succession",
            Category::BankDetails => "RIB et coordonnées bancaires",
            Category::BankStatement => "Relevés de compte",
            Category::IdentityDocument => "Pièces d'identité",
            Category::SignatureOrStamp => "Signatures, cachets et tampons",
            Category::Payslip => "Bulletins de paie",
        }
    }
}

/// Lower-cases and removes French accents, so « Relevé d'identité » and « RELEVE D'IDENTITE »
/// match the same keyword. Typographic apostrophes become plain ones.
pub fn fold(text: &str) -> String {
    let mut out = Vec::with_capacity(text.len());
    fold_into(text, &mut out);
    // fold_into copies whole UTF-8 sequences or writes ASCII, so this never fails.
    String::from_utf8(out).unwrap_or_default()
}

/// [`fold`] into a reusable buffer, byte-oriented (ASCII is nearly all of the text). The
/// keyword automaton (`keywords`) applies the same folding to raw text as it reads it; this
/// function is the reference it is tested against, and folds names, subjects and image
/// context.
pub fn fold_into(text: &str, out: &mut Vec<u8>) {
    out.clear();
    out.reserve(text.len());
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b < 0x80 {
            // A whole run of ASCII through the table: the compiler turns this into a tight loop.
            let run = bytes.get(i..).unwrap_or(&[]);
            let len = run.iter().position(|&c| c >= 0x80).unwrap_or(run.len());
            out.extend(run.iter().take(len).map(|&c| fold_ascii(c)));
            i += len;
            continue;
        }
        let len = match b {
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            _ => 4,
        };
        let seq = bytes.get(i..i + len).unwrap_or(&[]);
        match seq {
            // Latin-1 letters with accents: U+00C0..U+00FF are C3 80..C3 BF.
            [0xC3, second] => match latin1_base(*second) {
                Some(base) => out.push(base),
                None => out.extend_from_slice(seq),
            },
            [0xC2, 0xA0] | [0xE2, 0x80, 0xAF] => out.push(b' '),
            [0xE2, 0x80, 0x98] | [0xE2, 0x80, 0x99] => out.push(b'\''),
            _ => out.extend_from_slice(seq),
        }
        i += len.max(1);
    }
}

/// ASCII folding: lower case, `_` and `-` as spaces, backquote as apostrophe. Branch-free so
/// that runs of ASCII are folded many bytes at a time.
#[inline]
fn fold_ascii(c: u8) -> u8 {
    let upper = u8::from(c.wrapping_sub(b'A') < 26);
    let lowered = c | (upper << 5);
    let space = u8::from(c == b'_') | u8::from(c == b'-');
    let quote = u8::from(c == b'`');
    // Select without branches: space → b' ', quote → b'\'', else the lowered byte.
    let keep = 1 - space - quote;
    lowered * keep + b' ' * space + b'\'' * quote
}

/// The unaccented lower-case ASCII letter of the Latin-1 letter encoded as `C3 second`.
fn latin1_base(second: u8) -> Option<u8> {
    // ß (C3 9F) has no upper-case twin in this block: it would alias ÿ (C3 BF).
    if second == 0x9F {
        return None;
    }
    Some(match second | 0x20 {
        // Lower and upper case differ by 0x20 in this block (à = C3 A0, À = C3 80).
        0xA0..=0xA5 => b'a',
        0xA7 => b'c',
        0xA8..=0xAB => b'e',
        0xAC..=0xAF => b'i',
        0xB1 => b'n',
        0xB2..=0xB6 => b'o',
        0xB9..=0xBC => b'u',
        0xBD | 0xBF => b'y',
        _ => return None,
    })
}

/// Keyword signals of one category: strong ones decide alone, weak ones need company.
struct Rule {
    category: Category,
    name_words: &'static [&'static str],
    strong: &'static [&'static str],
    weak: &'static [&'static str],
    kinds: &'static [Kind],
}

const RULES: &[Rule] = &[
    Rule {
        category: Category::Invoice,
        name_words: &["facture", "invoice", "fact "],
        strong: &[
            "facture n",
            "n de facture",
            "numero de facture",
            "date de facture",
            "facture impayee",
            "relance facture",
            "reglement de la facture",
        ],
        weak: &[
            "facture",
            "total ttc",
            "montant ttc",
            "total ht",
            "tva ",
            "echeance",
            "conditions de paiement",
            "a regler",
        ],
        kinds: &[Kind::FrSiret, Kind::FrVat],
    },
    Rule {
        category: Category::Quote,
        name_words: &["devis"],
        strong: &[
            "devis n",
            "bon pour accord",
            "validite du devis",
            "devis estimatif",
        ],
        weak: &["devis", "total ttc", "montant ht", "proposition", "acompte"],
        kinds: &[Kind::FrSiret],
    },
    Rule {
        category: Category::NotarialDeed,
        name_words: &[
            "acte",
            "notari",
            "succession",
            "heritage",
            "propriete",
            "cadastr",
            "donation",
        ],
        strong: &[
            "office notarial",
            "acte de vente",
            "acte authentique",
            "attestation de propriete",
            "attestation immobiliere",
            "compromis de vente",
            "declaration de succession",
            "acte de notoriete",
            "etude de maitre",
            "par devant maitre",
        ],
        weak: &[
            "notaire",
            "succession",
            "heritier",
            "heritage",
            "donation",
            "cadastr",
            "parcelle",
            "defunt",
            "usufruit",
            "hypotheque",
        ],
        kinds: &[],
    },
    Rule {
        category: Category::BankDetails,
        name_words: &["rib", "iban", "releve d'identite", "coordonnees bancaires"],
        strong: &[
            "releve d'identite bancaire",
            "code banque",
            "code guichet",
            "cle rib",
            "coordonnees bancaires",
        ],
        weak: &["rib", "iban", "bic", "titulaire du compte", "domiciliation"],
        kinds: &[Kind::Iban, Kind::FrRib],
    },
    Rule {
        category: Category::BankStatement,
        name_words: &[
            "releve de compte",
            "releve bancaire",
            "extrait de compte",
            "releve_",
        ],
        strong: &[
            "releve de compte",
            "extrait de compte",
            "ancien solde",
            "nouveau solde",
            "solde crediteur",
            "solde debiteur",
        ],
        weak: &[
            "solde",
            "operations",
            "debit",
            "credit",
            "date de valeur",
            "virement",
        ],
        kinds: &[Kind::Iban],
    },
    Rule {
        category: Category::IdentityDocument,
        name_words: &[
            "cni",
            "passeport",
            "passport",
            "identite",
            "titre de sejour",
            "permis de conduire",
        ],
        strong: &[
            "carte nationale d'identite",
            "passeport n",
            "titre de sejour",
            "permis de conduire n",
        ],
        // « pièce d'identité » appears in deeds and forms that only mention one.
        weak: &[
            "carte d'identite",
            "piece d'identite",
            "passeport",
            "date de naissance",
            "nationalite",
            "nom d'usage",
        ],
        kinds: &[Kind::IdentityDocumentNumber],
    },
    Rule {
        category: Category::Payslip,
        name_words: &[
            "bulletin de paie",
            "bulletin de salaire",
            "fiche de paie",
            "paie",
            "salaire",
        ],
        strong: &[
            "bulletin de paie",
            "bulletin de salaire",
            "salaire brut",
            "net a payer",
            "net imposable",
        ],
        weak: &[
            "cotisations",
            "urssaf",
            "conges payes",
            "salaire",
            "employeur",
            "matricule",
        ],
        kinds: &[Kind::FrNir],
    },
];

/// The keywords of [`RULES`] and, for each rule, the indexes of its strong and weak ones.
struct Keywords {
    set: KeywordSet,
    /// Aligned with [`RULES`].
    rules: Vec<RuleIds>,
}

/// Indexes in the [`KeywordSet`] of the keywords of a rule.
struct RuleIds {
    names: Vec<usize>,
    strong: Vec<usize>,
    weak: Vec<usize>,
}

static KEYWORDS: std::sync::LazyLock<Keywords> = std::sync::LazyLock::new(|| {
    let set = KeywordSet::new(
        RULES
            .iter()
            .flat_map(|r| r.name_words.iter().chain(r.strong).chain(r.weak).copied())
            .collect(),
    );
    let rules = RULES
        .iter()
        .map(|r| {
            let ids = |words: &[&str]| words.iter().filter_map(|w| set.id(w)).collect();
            RuleIds {
                names: ids(r.name_words),
                strong: ids(r.strong),
                weak: ids(r.weak),
            }
        })
        .collect();
    Keywords { set, rules }
});

/// How much of a long text is looked at: categories show on the first pages.
const CLASSIFY_PREFIX: usize = 64 * 1024;

/// The keyword occurrences of a text (its first [`CLASSIFY_PREFIX`] bytes), kept so that the
/// same text, or a prefix of it, is classified again without being read again: the scan of a
/// message classifies each body part alone, then the body with the subject.
#[derive(Debug, Clone, Default)]
pub(crate) struct Scanned {
    occurrences: Vec<Occurrence>,
    /// Length of the text the occurrences are of.
    len: usize,
}

impl Scanned {
    /// Reads the first [`CLASSIFY_PREFIX`] bytes of `text`.
    pub fn new(text: &str) -> Scanned {
        let text = prefix(text, CLASSIFY_PREFIX);
        // A few dozen occurrences is usual for a mail body: room for them at once rather
        // than growing the vector four times.
        let mut occurrences = Vec::with_capacity(32);
        KEYWORDS.set.find(text, &mut occurrences);
        Scanned {
            occurrences,
            len: text.len(),
        }
    }

    /// The occurrences of the first `len` bytes of the text: a keyword occurrence only
    /// depends on its own bytes, so those are the ones that end there or before.
    pub fn truncated(&self, len: usize) -> Scanned {
        Scanned {
            occurrences: self
                .occurrences
                .iter()
                .filter(|o| o.end as usize <= len)
                .copied()
                .collect(),
            len: len.min(self.len),
        }
    }
}

/// Classifies one text part (a body or a document attachment).
///
/// `name` is the attachment's file name (none for a body), `subject` the message subject (it
/// counts for bodies only, as a weak signal), `detections` what the detectors found in `text`.
pub fn classify_text(
    name: Option<&str>,
    subject: Option<&str>,
    text: &str,
    detections: &[Detection],
) -> Vec<Category> {
    classify_scanned(&Scanned::new(text), text, name, subject, detections)
}

/// [`classify_text`] with the keyword occurrences already found: `scanned` must be
/// [`Scanned::new`] of `text` (or of a text that `text` starts, truncated to it).
pub(crate) fn classify_scanned(
    scanned: &Scanned,
    text: &str,
    name: Option<&str>,
    subject: Option<&str>,
    detections: &[Detection],
) -> Vec<Category> {
    let keywords = &*KEYWORDS;
    let text = prefix(text, scanned.len);
    let body = Hits::of(&keywords.set, text, &scanned.occurrences);
    // The file name, else the subject, searched for every keyword (searching a folded copy
    // keyword by keyword cost more than classifying the body).
    let name = name.filter(|n| !n.is_empty());
    let name_hits = name.map(|n| Hits::every(&keywords.set, n));
    let subject_hits = match (name, subject) {
        (None, Some(s)) if !s.is_empty() => Some(Hits::every(&keywords.set, s)),
        _ => None,
    };
    // A category needs a decisive signal (the file name, or a phrase that only that kind of
    // document carries); common words only add weight. Without that rule every invoice footer
    // « IBAN … BIC … » would make a « RIB document ».
    let mut hits: Vec<(Category, bool)> = Vec::new();
    for (rule, ids) in RULES.iter().zip(&keywords.rules) {
        let named = name_hits.is_some_and(|h| ids.names.iter().any(|&id| h.word(id)));
        let strong = ids
            .strong
            .iter()
            .filter(|&&id| body.anywhere(id) || subject_hits.is_some_and(|h| h.anywhere(id)))
            .count() as u32;
        let weak = ids.weak.iter().filter(|&&id| body.word(id)).count() as u32;
        let subject_hint = subject_hits.is_some_and(|h| ids.names.iter().any(|&id| h.word(id)));
        let detected_count = detections
            .iter()
            .filter(|d| rule.kinds.contains(&d.kind))
            .count();
        let detected = detected_count > 0;
        // A table of several IBANs (a supplier file) is a bank-details document by itself.
        let many = detected_count >= 3 && weak >= 2;
        let decisive = named || strong > 0 || many || (subject_hint && weak >= 2);
        let score = 3 * u32::from(named)
            + 3 * strong.min(2)
            + weak.min(3)
            + u32::from(subject_hint)
            + u32::from(detected);
        if decisive && score >= 3 {
            hits.push((rule.category, named));
        }
    }
    // Invoice and quote share their vocabulary: when one is named by the file, the other goes.
    for (a, b) in [
        (Category::Invoice, Category::Quote),
        (Category::Quote, Category::Invoice),
    ] {
        let a_named = hits.iter().any(|(c, named)| *c == a && *named);
        let b_named = hits.iter().any(|(c, named)| *c == b && *named);
        if a_named && !b_named {
            hits.retain(|(c, _)| *c != b);
        }
    }
    // A deed names the parties' identity documents; that does not make it a copy of one.
    let deed = hits.iter().any(|(c, _)| *c == Category::NotarialDeed);
    hits.retain(|(c, named)| !(deed && *c == Category::IdentityDocument && !named));
    let mut out: Vec<Category> = hits.into_iter().map(|(c, _)| c).collect();
    // Without names, a quote that does not say « facture » itself is not an invoice.
    if out.contains(&Category::Quote) && out.contains(&Category::Invoice) {
        let invoice_strong = keywords
            .rules
            .first()
            .is_some_and(|ids| ids.strong.iter().any(|&id| body.anywhere(id)));
        if !invoice_strong {
            out.retain(|c| *c != Category::Invoice);
        }
    }
    out
}

/// The first `max` bytes of `text`, cut at a character boundary.
pub(crate) fn prefix(text: &str, max: usize) -> &str {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or("")
}

/// Keyword match at a word start (so « rib » does not match « tribunal »).
fn contains_word(haystack: &str, word: &str) -> bool {
    haystack
        .match_indices(word)
        .any(|(i, _)| at_word(haystack.as_bytes(), i, word.len()))
}

/// Whether the match at `start..start + len` begins a word; short keywords must also end one,
/// longer stems may continue (« notari » matches « notarié »).
fn at_word(bytes: &[u8], start: usize, len: usize) -> bool {
    let before_ok = start == 0
        || bytes
            .get(start - 1)
            .is_none_or(|b| !b.is_ascii_alphanumeric());
    let after_ok = len > 4
        || bytes
            .get(start + len)
            .is_none_or(|b| !b.is_ascii_alphabetic());
    before_ok && after_ok
}

/// Judges the role of an image attachment from its name, size and the text around it (the
/// message body). Returns the category when the image is likely a scanned signature or stamp,
/// or a scanned identity document.
pub fn classify_image(name: Option<&str>, size: usize, context: &str) -> Option<Category> {
    let name = name.map(fold).unwrap_or_default();
    const SIGNATURE: &[&str] = &["signature", "sign ", "cachet", "tampon", "sceau", "paraphe"];
    const IDENTITY: &[&str] = &[
        "cni",
        "carte identite",
        "carte d'identite",
        "identite",
        "passeport",
        "passport",
        "titre de sejour",
        "permis",
        "recto",
        "verso",
    ];
    if SIGNATURE.iter().any(|w| contains_word(&name, w)) {
        return Some(Category::SignatureOrStamp);
    }
    if IDENTITY.iter().any(|w| contains_word(&name, w)) {
        return Some(Category::IdentityDocument);
    }
    let context = fold(prefix(context, CLASSIFY_PREFIX));
    // A generic name (« scan001.jpg ») next to words that say what it is.
    let photo_sized = size >= 30_000;
    if photo_sized
        && [
            "copie de ma carte d'identite",
            "copie de la carte d'identite",
            "piece d'identite",
            "copie de mon passeport",
            "copie du passeport",
            "carte nationale d'identite",
        ]
        .iter()
        .any(|w| context.contains(w))
    {
        return Some(Category::IdentityDocument);
    }
    if size <= 400_000
        && [
            "signature scannee",
            "ma signature",
            "la signature du maire",
            "cachet de la mairie",
            "tampon de la mairie",
            "signature et cachet",
        ]
        .iter()
        .any(|w| context.contains(w))
    {
        return Some(Category::SignatureOrStamp);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::Confidence;

    fn det(kind: Kind) -> Detection {
        Detection {
            kind,
            value: String::new(),
            confidence: Confidence::High,
            start: 0,
            end: 0,
        }
    }

    #[test]
    fn invoice_by_content() {
        let text = "FACTURE N° 2023-114\nDate de facture : 12/03/2023\nTotal HT 1 200,00 €\nTVA 20 %\nTotal TTC 1 440,00 €";
        assert_eq!(
            classify_text(None, None, text, &[]),
            vec![Category::Invoice]
        );
    }

    #[test]
    fn quote_is_not_invoice() {
        let text =
            "DEVIS N° 88 — validité du devis : 3 mois. Total TTC : 5 400 €. Bon pour accord.";
        assert_eq!(
            classify_text(Some("devis_toiture.pdf"), None, text, &[]),
            vec![Category::Quote]
        );
    }

    #[test]
    fn rib_document() {
        let text = "RELEVÉ D'IDENTITÉ BANCAIRE\nCode banque Code guichet N° de compte Clé RIB";
        let cats = classify_text(Some("RIB_SARL_Martin.pdf"), None, text, &[det(Kind::Iban)]);
        assert!(cats.contains(&Category::BankDetails), "{cats:?}");
    }

    #[test]
    fn notarial_and_payslip() {
        let deed =
            "Office notarial de Maître Dubois. Acte de vente de la parcelle cadastrée AB 12.";
        assert!(classify_text(None, None, deed, &[]).contains(&Category::NotarialDeed));
        let pay = "BULLETIN DE PAIE — Salaire brut 2 100,00 — Net à payer 1 650,12 — N° SS";
        assert!(classify_text(None, None, pay, &[det(Kind::FrNir)]).contains(&Category::Payslip));
    }

    /// The straightforward, character-by-character definition of the fold, to check the
    /// byte-oriented one against.
    fn reference_fold(text: &str) -> String {
        text.chars()
            .map(|c| match c {
                'à' | 'â' | 'ä' | 'á' | 'ã' | 'å' | 'À' | 'Â' | 'Ä' | 'Á' | 'Ã' | 'Å' => {
                    'a'
                }
                'ç' | 'Ç' => 'c',
                'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => 'e',
                'î' | 'ï' | 'í' | 'ì' | 'Î' | 'Ï' | 'Í' | 'Ì' => 'i',
                'ñ' | 'Ñ' => 'n',
                'ô' | 'ö' | 'ó' | 'ò' | 'õ' | 'Ô' | 'Ö' | 'Ó' | 'Ò' | 'Õ' => 'o',
                'ù' | 'û' | 'ü' | 'ú' | 'Ù' | 'Û' | 'Ü' | 'Ú' => 'u',
                'ý' | 'ÿ' | 'Ý' => 'y',
                '’' | '‘' | '`' => '\'',
                '\u{a0}' | '\u{202f}' | '_' | '-' => ' ',
                c if c.is_ascii() => c.to_ascii_lowercase(),
                c => c,
            })
            .collect()
    }

    proptest::proptest! {
        #[test]
        fn byte_fold_matches_the_reference(s in "[a-zA-Z0-9 _'`’‘\\-àâäáãåÀÂÄÁÃÅçÇéèêëÉÈÊËîïíìÎÏÍÌñÑôöóòõÔÖÓÒÕùûüúÙÛÜÚýÿÝ\u{a0}\u{202f}€—œæß×÷ÆØøÞþÐð]{0,40}") {
            proptest::prop_assert_eq!(fold(&s), reference_fold(&s));
        }
    }

    #[test]
    fn fold_removes_accents_and_case() {
        assert_eq!(
            fold("Relevé D’IDENTITÉ_bancaire—Ça"),
            "releve d'identite bancaire—ca"
        );
    }

    #[test]
    fn ordinary_mail_has_no_category() {
        let text = "Bonjour, la réunion du conseil municipal aura lieu jeudi à 18 h en salle des fêtes. Cordialement.";
        assert!(classify_text(None, Some("Conseil municipal"), text, &[]).is_empty());
        assert!(!contains_word("le tribunal administratif", "rib"));
    }

    #[test]
    fn images_by_role() {
        assert_eq!(
            classify_image(Some("signature_maire.png"), 12_000, ""),
            Some(Category::SignatureOrStamp)
        );
        assert_eq!(
            classify_image(Some("Cachet-Mairie.JPG"), 12_000, ""),
            Some(Category::SignatureOrStamp)
        );
        assert_eq!(
            classify_image(Some("CNI_recto.jpg"), 300_000, ""),
            Some(Category::IdentityDocument)
        );
        assert_eq!(
            classify_image(
                Some("scan001.jpg"),
                300_000,
                "Ci-joint la copie de ma carte d'identité."
            ),
            Some(Category::IdentityDocument)
        );
        assert_eq!(
            classify_image(Some("photo_fete.jpg"), 900_000, "Photos de la fête"),
            None
        );
    }
}
