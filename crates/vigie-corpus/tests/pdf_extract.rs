//! The hand-written PDFs are readable by a real text extractor (`pdf-extract`), accents and
//! all, across several pages.

use vigie_corpus::docs::{Doc, Format};

#[test]
fn pdf_text_is_extractable() {
    let mut d = Doc::new((2024, 2, 29, 10, 30, 0));
    d.title("Relevé d'identité bancaire – Mairie")
        .para("Titulaire : Commune de Saint-Martin (Côte-d'Or), « régie » (cantine) \\ 12,50 €")
        .table(vec![
            vec![
                "Code banque".into(),
                "Code guichet".into(),
                "N° de compte".into(),
                "Clé RIB".into(),
            ],
            vec![
                "20041".into(),
                "01005".into(),
                "0500013M026".into(),
                "06".into(),
            ],
        ])
        .para("IBAN : FR14 2004 1010 0505 0001 3M02 606");
    for i in 0..120 {
        d.para(format!(
            "Ligne de remplissage numéro {i} pour forcer une deuxième page."
        ));
    }
    d.para("Dernière ligne : SIRET 732 829 320 00074");
    let pdf = Format::Pdf.write(&d).expect("pdf");
    let text = pdf_extract::extract_text_from_mem(&pdf).expect("pdf-extract reads it");
    for needle in [
        "Relevé d'identité bancaire",
        "Côte-d'Or",
        "« régie » (cantine) \\ 12,50 €",
        "0500013M026",
        "FR14 2004 1010 0505 0001 3M02 606",
        "Ligne de remplissage numéro 119",
        "SIRET 732 829 320 00074",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
}
