//! End-to-end tests of `Detector::scan` on real-looking French mail snippets: every kind in
//! its usual layouts, with exact values, kinds and byte ranges, and the lookalikes that must
//! not be reported (bad checksums, phone numbers, dates, amounts, order numbers, postal codes).

use vigie_scan::{Confidence, Detection, Detector, Kind};

fn scan(text: &str) -> Vec<Detection> {
    let d = Detector::new();
    let out = d.scan_collect(text);
    for x in &out {
        assert!(text.is_char_boundary(x.start) && text.is_char_boundary(x.end));
        assert!(x.start < x.end && x.end <= text.len());
    }
    out
}

/// Asserts that `text` gives exactly one detection, of `kind` with `value`, and returns it.
#[track_caller]
fn one(text: &str, kind: Kind, value: &str) -> Detection {
    let out = scan(text);
    assert_eq!(out.len(), 1, "{text:?} → {out:?}");
    let d = out.into_iter().next().unwrap();
    assert_eq!((d.kind, d.value.as_str()), (kind, value), "{text:?}");
    d
}

#[track_caller]
fn none(text: &str) {
    let out = scan(text);
    assert!(out.is_empty(), "{text:?} → {out:?}");
}

#[test]
fn iban_layouts() {
    let v = "FR7630006000011234567890189";
    for text in [
        "IBAN : FR76 3000 6000 0112 3456 7890 189",
        "IBAN: FR7630006000011234567890189.",
        "iban fr76 3000 6000 0112 3456 7890 189 merci",
        "IBAN FR76-3000-6000-0112-3456-7890-189",
        "IBAN FR76.3000.6000.0112.3456.7890.189",
        "IBAN FR76\u{a0}3000\u{a0}6000\u{a0}0112\u{a0}3456\u{a0}7890\u{a0}189",
        "IBAN FR76\u{202f}3000\u{202f}6000\u{202f}0112\u{202f}3456\u{202f}7890\u{202f}189",
        "Voici mon IBAN : FR76 3000 6000 0112\n3456 7890 189\nCordialement",
        "> IBAN : FR76 3000 6000 0112\r\n> 3456 7890 189",
        "IBAN : FR 76 3000 6000 0112 3456 7890 189",
        "(FR76 3000 6000 0112 3456 7890 189)",
    ] {
        let d = one(text, Kind::Iban, v);
        assert_eq!(d.confidence, Confidence::High);
        assert!(
            text[d.start..].to_ascii_uppercase().starts_with("FR"),
            "{text}"
        );
        assert!(text[..d.end].ends_with("189"), "{text}");
    }
    // Exact byte range.
    let text = "IBAN : FR76 3000 6000 0112 3456 7890 189 BIC BNPAFRPP";
    let d = one(text, Kind::Iban, v);
    assert_eq!((d.start, d.end), (7, 40));
}

#[test]
fn foreign_ibans() {
    for (text, v) in [
        ("DE89 3704 0044 0532 0130 00", "DE89370400440532013000"),
        ("GB29 NWBK 6016 1331 9268 19", "GB29NWBK60161331926819"),
        ("BE68 5390 0754 7034", "BE68539007547034"),
        ("ES91 2100 0418 4502 0005 1332", "ES9121000418450200051332"),
        (
            "IT60 X054 2811 1010 0000 0123 456",
            "IT60X0542811101000000123456",
        ),
        ("NL91 ABNA 0417 1643 00", "NL91ABNA0417164300"),
        ("CH93 0076 2011 6238 5295 7", "CH9300762011623852957"),
        (
            "FR14 2004 1010 0505 0001 3M02 606",
            "FR1420041010050500013M02606",
        ),
    ] {
        one(
            &format!("Coordonnées : {text} (compte courant)"),
            Kind::Iban,
            v,
        );
    }
}

#[test]
fn iban_negatives() {
    none("IBAN : FR76 3000 6000 0112 3456 7890 188");
    none("IBAN : FR76 3000 6000 0112 3456 7890 18");
    none("IBAN : FR76 3000 6000 0112 3456 7890 1891");
    none("IBAN : XX76 3000 6000 0112 3456 7890 189");
    none("Il a de 12 à 15 ans et habite au 3 rue des Lilas à Dijon depuis 2015.");
}

#[test]
fn french_iban_hides_its_rib() {
    let out = scan("RIB : FR76 3000 6000 0112 3456 7890 189 et FR7630006000011234567890189");
    assert_eq!(out.len(), 2);
    assert!(out.iter().all(|d| d.kind == Kind::Iban));
}

#[test]
fn rib_layouts() {
    let v = "30006000011234567890189";
    one("RIB : 30006 00001 12345678901 89", Kind::FrRib, v);
    one("RIB 30006-00001-12345678901-89.", Kind::FrRib, v);
    let table = "Code banque   Code guichet   N° de compte    Clé RIB\n\
                 30006         00001          12345678901     89\n\
                 Domiciliation : AGENCE CENTRALE";
    let d = one(table, Kind::FrRib, v);
    assert_eq!(d.confidence, Confidence::High);
    assert!(table[d.start..d.end].starts_with("30006") && table[..d.end].ends_with("89"));
    let tabs = "Banque\tGuichet\tCompte\tClé\n30006\t00001\t12345678901\t89";
    one(tabs, Kind::FrRib, v);
    let bars = "| 30006 | 00001 | 12345678901 | 89 |";
    one(bars, Kind::FrRib, v);
    // Account with a letter (Banque de France table: M → 4).
    one(
        "RIB : 20041 01005 0500013M026 06",
        Kind::FrRib,
        "20041010050500013M02606",
    );
}

#[test]
fn rib_negatives() {
    none("RIB : 30006 00001 12345678901 88");
    none("RIB : 30006 00001 12345678901 8");
}

#[test]
fn card_layouts() {
    for (text, v) in [
        ("Carte n° 4970 1012 3456 7893 exp 12/27", "4970101234567893"),
        ("CB : 4970-1012-3456-7893", "4970101234567893"),
        ("carte bancaire 4970101234567893", "4970101234567893"),
        ("Mastercard 5555 5555 5555 4444", "5555555555554444"),
        ("Amex 3782 822463 10005", "378282246310005"),
        ("Amex 3782 8224 6310 005", "378282246310005"),
        ("Discover 6011 1111 1111 1117", "6011111111111117"),
        ("JCB 3530 1113 3330 0000", "3530111333300000"),
        ("Visa 4222222222222", "4222222222222"),
    ] {
        let d = one(text, Kind::PaymentCard, v);
        assert_eq!(d.confidence, Confidence::High, "{text}");
    }
    let d = one("4970101234567893", Kind::PaymentCard, "4970101234567893");
    assert_eq!(d.confidence, Confidence::Medium, "compact and no context");
}

#[test]
fn card_negatives() {
    none("Carte 4970 1012 3456 7894");
    none("Carte 1234 5678 9012 3456");
    none("Suivi colis : 4970101234567893 chez La Poste");
    none("Numéros : 4970 10 12 34 56 78 93");
}

#[test]
fn nir_layouts() {
    let v = "184127645108946";
    for text in [
        "N° SS : 1 84 12 76 451 089 46",
        "Numéro de sécurité sociale : 184127645108946",
        "NIR 1 84 12 76 451 089 46.",
        "n° sécu 1.84.12.76.451.089.46",
        "N°SS:1841276451089 46",
        "sécurité sociale : 1 84 12\n76 451 089 46",
    ] {
        let d = one(text, Kind::FrNir, v);
        assert_eq!(d.confidence, Confidence::High, "{text}");
    }
    one(
        "N° SS : 1 55 08 2A 123 456 96",
        Kind::FrNir,
        "155082A12345696",
    );
    one(
        "N° SS : 1 55 08 2B 123 456 26",
        Kind::FrNir,
        "155082B12345626",
    );
    one("2 69 05 49 588 157 80", Kind::FrNir, "269054958815780");
}

#[test]
fn nir_negatives() {
    none("N° SS : 1 84 12 76 451 089 47");
    none("N° SS : 1 55 08 2A 123 456 26");
    none("N° SS : 5 84 12 76 451 089 46");
    none("N° SS : 1 84 12 76 451 089 4");
}

#[test]
fn siren_siret() {
    let d = one("SIREN : 732 829 320", Kind::FrSiren, "732829320");
    assert_eq!(d.confidence, Confidence::High);
    one(
        "SARL Dupont, RCS Dijon 732.829.320",
        Kind::FrSiren,
        "732829320",
    );
    one("732829320 RCS Dijon", Kind::FrSiren, "732829320");
    let d = one(
        "Entreprise Dupont SARL – 732 829 320",
        Kind::FrSiren,
        "732829320",
    );
    assert_eq!(d.confidence, Confidence::Medium);
    let d = one("SIRET : 732 829 320 00074", Kind::FrSiret, "73282932000074");
    assert_eq!(d.confidence, Confidence::High);
    one("SIRET 73282932000074", Kind::FrSiret, "73282932000074");
    one("siret: 732829320 00074", Kind::FrSiret, "73282932000074");
    // La Poste: digit sum multiple of 5 instead of Luhn.
    one(
        "SIRET La Poste : 356 000 000 12341",
        Kind::FrSiret,
        "35600000012341",
    );
    none("SIRET La Poste : 356 000 000 12342");
}

#[test]
fn siren_needs_context() {
    none("Le montant de 732 829 320 a été viré.");
    none("732829320");
    none("Commande n° 732829320");
    none("Référence client : 732829320 (SARL)");
    none("SIREN : 732 829 321");
    none("SIREN : 1732829320");
    none("SIREN : 732 829 320 €");
    none("SIREN : 73282932");
}

#[test]
fn siret_negatives() {
    none("SIRET : 732 829 320 00075");
    none("Facture n° 73282932000074");
}

#[test]
fn vat() {
    for text in [
        "TVA intracommunautaire : FR 40 303 265 045",
        "N° TVA FR40303265045",
        "tva: fr40 303 265 045.",
        "FR 40303265045",
    ] {
        let d = one(text, Kind::FrVat, "FR40303265045");
        assert_eq!(d.confidence, Confidence::High);
    }
    one("TVA FR44 732 829 320", Kind::FrVat, "FR44732829320");
    none("TVA : FR 41 303 265 045");
    none("TVA : FR40303265046");
}

#[test]
fn spi() {
    let d = one(
        "Numéro fiscal : 30 12 345 678 167",
        Kind::FrTaxId,
        "3012345678167",
    );
    assert_eq!(d.confidence, Confidence::High);
    let d = one(
        "Votre avis d'impôt, SPI 3012345678167",
        Kind::FrTaxId,
        "3012345678167",
    );
    assert_eq!(d.confidence, Confidence::High);
    let d = one("12 34 567 890 066", Kind::FrTaxId, "1234567890066");
    assert_eq!(d.confidence, Confidence::Medium);
    none("Numéro fiscal : 30 12 345 678 168");
    none("Numéro fiscal : 40 12 345 678 167");
    none("Appelez le 0033 6 12 34 56 78 ou le 0033612345678");
}

#[test]
fn identity_documents() {
    let d = one(
        "Carte nationale d'identité n° 880692310285 délivrée le 12/06/1988",
        Kind::IdentityDocumentNumber,
        "880692310285",
    );
    assert_eq!(d.confidence, Confidence::High);
    one(
        "N° de passeport : 18AB12345",
        Kind::IdentityDocumentNumber,
        "18AB12345",
    );
    one("CNI : X4RTBPFW4", Kind::IdentityDocumentNumber, "X4RTBPFW4");
    one(
        "CARTE D’IDENTITÉ N° X4RTBPFW4",
        Kind::IdentityDocumentNumber,
        "X4RTBPFW4",
    );
    one(
        "Titre de séjour, numéro étranger 7512345678",
        Kind::IdentityDocumentNumber,
        "7512345678",
    );
    one(
        "Numéro de passeport        Date de délivrance\n18AB12345                  12/03/2020",
        Kind::IdentityDocumentNumber,
        "18AB12345",
    );
    let far = "Merci de joindre une copie de votre passeport. Pour information, le dossier \
               a bien été reçu par nos services et sera traité rapidement. Code : 18AB12345";
    let out = scan(far);
    assert!(
        out.iter().all(|d| d.confidence <= Confidence::Medium),
        "{out:?}"
    );
}

#[test]
fn identity_negatives() {
    none("Numéro 18AB12345 sans aucun contexte");
    none("880692310285");
    none("Carte d'identité valable jusqu'au 12 03 2030");
    none("Passeport : rappel, tél. 06 12 34 56 78");
    none("Carte d'identité : dossier n° 2024-00123");
}

#[test]
fn passwords() {
    for (text, v) in [
        ("Mot de passe : Xy7!kq", "Xy7!kq"),
        ("mot de passe provisoire: Tournesol2024!", "Tournesol2024!"),
        ("mdp : Lavoir#42", "Lavoir#42"),
        ("MDP=Lavoir#42", "Lavoir#42"),
        ("password: Hunter2!x", "Hunter2!x"),
        (
            "Identifiant : jean.dupont / Mot de passe : Xy7!kq",
            "Xy7!kq",
        ),
    ] {
        let d = one(text, Kind::PasswordInClear, v);
        assert_eq!(&text[d.start..d.end], v);
    }
    none("Mot de passe oublié ? Cliquez ici.");
    none("Votre mot de passe doit contenir : 12 caractères minimum");
    none("Mot de passe : ********");
    none("Mot de passe : [masqué]");
}

#[test]
fn phones_dates_amounts_are_never_reported() {
    for text in [
        "Tél. : 06 12 34 56 78",
        "Tél : +33 6 12 34 56 78",
        "Tél : +33 (0)6 12 34 56 78",
        "Portable 0612345678, fixe 03.80.12.34.56, fax 03-80-12-34-57",
        "Appelez le 0033 6 12 34 56 78",
        "+33612345678",
        "Réunion le 12/03/2024 à 14h30, puis le 12.03.2024 et le 2024-03-12.",
        "Montant : 1 234 567,89 € TTC, soit 1\u{a0}234\u{a0}567,89\u{a0}€",
        "Total 732 829 320,00 EUR",
        "21000 Dijon, 75001 Paris, BP 12345, CEDEX 9",
        "Commande n° 2024-000123-45 du 12 mars 2024",
        "Dossier 20240312-0001 ; ticket #4970101234567893",
        "Les numéros 06 12 34 56 78\n06 98 76 54 32\n07 11 22 33 44",
    ] {
        none(text);
    }
}

#[test]
fn matches_inside_longer_digit_runs_are_not_reported() {
    none("Référence 17328293200007412");
    none("n° 0184127645108946");
    none("code 4970101234567893 1234");
    none("Code 304970101234567893");
    none("FR763000600001123456789018912");
}

#[test]
fn several_values_in_one_message() {
    let text = "Bonjour,\n\nVeuillez trouver ci-dessous nos coordonnées :\n\
                SARL Les Jardins de Bourgogne, SIRET 732 829 320 00074, TVA FR44732829320\n\
                IBAN : FR76 3000 6000 0112 3456 7890 189\n\
                Identifiant : mairie21 / Mot de passe : Bourgogne2024!\n\
                Tél. 03 80 12 34 56\n";
    let got: Vec<(Kind, String)> = scan(text).into_iter().map(|d| (d.kind, d.value)).collect();
    assert_eq!(
        got,
        vec![
            (Kind::FrSiret, "73282932000074".to_string()),
            (Kind::FrVat, "FR44732829320".to_string()),
            (Kind::Iban, "FR7630006000011234567890189".to_string()),
            (Kind::PasswordInClear, "Bourgogne2024!".to_string()),
        ]
    );
}

#[test]
fn no_panic_on_odd_input() {
    let d = Detector::new();
    for text in [
        "",
        ":",
        "=",
        "1",
        "FR",
        "FR7",
        "é1",
        "1é",
        "mot de passe :",
        "mot de passe : «",
        "\u{a0}1\u{202f}2",
        "IBAN FR76 3000 6000 0112 3456 7890 18\u{a0}",
        "0\n>\n>1",
        "1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3",
    ] {
        let _ = d.scan_collect(text);
    }
    let long_digits = "1".repeat(10_000);
    assert!(d.scan_collect(&long_digits).is_empty());
    let many_groups = "12 ".repeat(5_000);
    assert!(d.scan_collect(&many_groups).is_empty());
}

#[test]
fn siret_labelled_as_the_clients() {
    let v = "21374825436243";
    for text in [
        "SIRET client : 21374825436243",
        "SIRET client : 213-748-254-36243",
        "SIRET client : 213 748 254 36243",
        "SIRET client : 213.748.254.36243",
        "SIRET client : 213.748\n254.36243",
        "N° SIRET du client : 213 748 254 36243",
        "Siret de l'adhérent : 21374825436243",
        "Client : Mairie de Saint-Martin\nSIRET client : 213 748 254 36243\nDate : 19/03/2021",
    ] {
        let d = one(text, Kind::FrSiret, v);
        assert_eq!(d.confidence, Confidence::High, "{text}");
    }
    let d = one("SIREN client : 213 748 254", Kind::FrSiren, "213748254");
    assert_eq!(d.confidence, Confidence::High);
}

#[test]
fn client_numbers_stay_client_numbers() {
    none("n° client : 213748254");
    none("N° client : 213 748 254");
    none("Compte client : 12345");
    none("n° client : 21374825436243");
    none("Référence client : 213 748 254 36243");
    // A SIRET label elsewhere on the line does not name the client number.
    let out = scan("SIRET : 732 829 320 00074 – n° client : 213748254");
    assert_eq!(out.len(), 1, "{out:?}");
    assert_eq!(out[0].value, "73282932000074");
    // « client » away from the label still introduces another number.
    none("SIREN de la commune, voir n° client : 213748254");
}

#[test]
fn identity_card_2021_letters_first() {
    for (text, v) in [
        ("carte nationale d'identité n° DGZBH6VTT", "DGZBH6VTT"),
        ("Carte nationale d’identité n°DGZBH6VTT.", "DGZBH6VTT"),
        ("CNI:DGZBH6VTT", "DGZBH6VTT"),
        ("Copie de la CNI (n° MKMD8CG8K) jointe.", "MKMD8CG8K"),
        ("N° de la carte : ABCDEFGH1", "ABCDEFGH1"),
        ("Carte d'identité\nWEXYABM1B", "WEXYABM1B"),
        (
            "Pièce d'identité : carte nationale d'identité n° FAZ7TJHJ3 délivrée le 03/02/2022",
            "FAZ7TJHJ3",
        ),
    ] {
        let d = one(text, Kind::IdentityDocumentNumber, v);
        assert!(d.confidence >= Confidence::Medium, "{text}: {d:?}");
        assert_eq!(&text[d.start..d.end], v);
    }
    none("carte nationale d'identité n° ABCDEFGHJ");
    none("carte d'identité : code promo covid2019");
    none("Votre référence DGZBH6VTT est enregistrée.");
}

#[test]
fn identity_numbers_in_table_rows() {
    // PDF tables reach the detectors with single spaces between cells.
    let pdf = "Héritier Lien Naissance Pièce d'identité Quote-part\n\
               Gérard DESORMEAUX enfant 01/11/1951 CNI n° 071239110931 1/2\n\
               Valérie DROMARD neveu / nièce 20/04/1977 passeport n° 22CI56519 1/3\n\
               Maëlle DROMARD neveu / nièce 09/02/1990 CNI n° 170389142814 1/3\n";
    let out = scan(pdf);
    let values: Vec<_> = out.iter().map(|d| (d.kind, d.value.as_str())).collect();
    assert_eq!(
        values,
        [
            (Kind::IdentityDocumentNumber, "071239110931"),
            (Kind::IdentityDocumentNumber, "22CI56519"),
            (Kind::IdentityDocumentNumber, "170389142814"),
        ]
    );
    assert_eq!(&pdf[out[0].start..out[0].end], "071239110931");
    // Office tables end cells with a tab.
    one(
        "Lucas JACQUINOD\tenfant\t05/10/1983\tpasseport n° 10TK22602\t1/3\n",
        Kind::IdentityDocumentNumber,
        "10TK22602",
    );
    // A date cell before the number.
    one(
        "CNI : Nathalie DROMARD 27/09/1955 200689195563",
        Kind::IdentityDocumentNumber,
        "200689195563",
    );
    // A fraction or date is not the tail of a longer number...
    one(
        "SIRET 732 829 320 00074 1/2",
        Kind::FrSiret,
        "73282932000074",
    );
    // ...but other digit groups still are.
    none("CNI n° 170389142814 12 34");
    none("Tél. 03 80 12 34 56 12/03/2024");
}

#[test]
fn rib_with_labels_between_fields() {
    let v = "30066929438218424373206";
    let text = "Banque : 30066  Guichet : 92943  Compte : 82184243732  Clé : 06";
    let d = one(text, Kind::FrRib, v);
    assert_eq!(d.confidence, Confidence::High);
    assert_eq!((d.start, d.end), (9, text.len()));
    for text in [
        "Banque : 30066  Guichet : 10021  Compte : 00012345678  Clé : 91",
        "Code banque : 30066 – Code guichet : 10021 – N° de compte : 00012345678 – Clé RIB : 91.",
        "Banque 30066 Guichet 10021 Compte 00012345678 Clé 91",
        "BANQUE : 30066  GUICHET : 10021  COMPTE : 00012345678  CLÉ : 91",
        "Code banque : 30066\nCode guichet : 10021\nNuméro de compte : 00012345678\nClé RIB : 91\n",
    ] {
        one(text, Kind::FrRib, "30066100210001234567891");
    }
    one(
        "Banque : 30001  Guichet : 10628  Compte : C2190000000  Clé : 48",
        Kind::FrRib,
        "3000110628C219000000048",
    );
    // Wrong key, missing or misplaced labels, a blank line between fields.
    none("Banque : 30066  Guichet : 10021  Compte : 00012345678  Clé : 06");
    none("Banque : 30066  Agence : 10021  Compte : 00012345678  Clé : 91");
    none("Banque : 30066  Guichet : 10021  Client : 00012345678  Clé : 91");
    none("Banque : 30066  Guichet : 10021  Compte : 00012345678  Total : 91");
    none("Code banque : 30066\n\nCode guichet : 10021\nCompte : 00012345678\nClé : 91");
    none("Banque : 30066  Guichet : 10021  Compte client : 12345  Clé : 91");
    none("21410 Saint-Martin, guichet 10021, compte 00012345678, clé 91");
}
