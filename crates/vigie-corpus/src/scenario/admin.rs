//! Administrative mail: notaries (sales, successions, property certificates), état civil and
//! urbanisme requests, identity documents, payslips, tax notices, CCAS files, passwords sent in
//! clear, and quotes returned with the maire's signature and the mairie's stamp.

use super::money::{euros, invoice_doc, rib_doc};
use super::{Ctx, Draft, letter, mairie_addr, person_addr, reference};
use crate::CorpusError;
use crate::docs::office::zip_archive;
use crate::docs::{Doc, Format, image};
use crate::ids;
use crate::layout::{self, Layout};
use crate::lexicon::{self, COMMUNE, COMMUNE_CP, DOMAIN, Person};
use crate::rng::Rng;
use crate::truth::{Category, Kind, Location};

/// A notary's office: the notary, the office's name and SIRET, its account at the Caisse des dépôts.
struct Office {
    notary: Person,
    name: String,
    account: ids::FrAccount,
    siret: String,
}

fn office(rng: &mut Rng) -> Office {
    let notary = lexicon::person(rng);
    let partner = *rng.pick(lexicon::LAST);
    let domain = format!("notaires-{}.example.fr", lexicon::slug(&notary.last));
    let mut notary = notary;
    notary.email = format!(
        "{}.{}@{domain}",
        lexicon::slug(&notary.first),
        lexicon::slug(&notary.last)
    );
    // Notaries' client accounts are held at the Caisse des dépôts (bank code 40031).
    let account_number = format!("0000{}{}", rng.digits(6), rng.letters(1));
    let account = ids::fr_account_with(
        rng,
        "40031",
        "Caisse des Dépôts et Consignations",
        account_number,
    );
    let siren = ids::siren(rng);
    Office {
        name: format!("SCP {} et {}, notaires associés", notary.last, partner),
        siret: ids::siret(rng, &siren),
        notary,
        account,
    }
}

fn notary_sig(o: &Office) -> String {
    format!(
        "--\nMaître {}\n{}\n{} place du Marché, 21200 Beaune\nTél. : 03 80 22 {} {}",
        o.notary.full(),
        o.name,
        2 + o.notary.last.len(),
        10 + o.notary.first.len(),
        30 + o.notary.last.len()
    )
}

/// An identity-document number written after its usual French wording; returns the text.
fn id_number_phrase(rng: &mut Rng, d: &mut Draft, loc: &Location, year: i32) -> String {
    match rng.below(3) {
        0 => {
            let issued = rng.range(2006, i64::from(year.min(2021))) as i32;
            let n = ids::cni_old(rng, issued);
            let raw = d.plant(Kind::IdentityDocumentNumber, n, loc);
            format!("carte d'identité n° {raw}")
        }
        1 => {
            let n = ids::cni_new(rng);
            let raw = d.plant(Kind::IdentityDocumentNumber, n, loc);
            format!("carte nationale d'identité n° {raw}")
        }
        _ => {
            let n = ids::passport(rng);
            let raw = d.plant(Kind::IdentityDocumentNumber, n, loc);
            format!("passeport n° {raw}")
        }
    }
}

fn birth(rng: &mut Rng, from: i64, to: i64) -> (i32, u32, u32) {
    (
        rng.range(from, to) as i32,
        rng.range(1, 12) as u32,
        rng.range(1, 28) as u32,
    )
}

fn birth_text(b: (i32, u32, u32), place: &str) -> String {
    format!(
        "né(e) le {} {} {} à {place}",
        b.2,
        lexicon::MONTHS[b.1 as usize - 1],
        b.0
    )
}

/// A notary sends the mairie a DIA and the draft deed of a sale.
pub fn notarial_sale(ctx: &mut Ctx) -> Result<Draft, CorpusError> {
    let o = office(&mut ctx.rng);
    let seller = lexicon::person(&mut ctx.rng);
    let buyer = lexicon::person(&mut ctx.rng);
    let parcel = format!(
        "{} {}",
        ctx.rng.pick(&["AB", "AC", "ZC", "ZD", "B"]),
        ctx.rng.range(10, 450)
    );
    let subject = format!(
        "DIA – vente {} / {} – parcelle {parcel}",
        seller.last.to_uppercase(),
        buyer.last.to_uppercase()
    );
    let mut d = Draft::new(
        ctx,
        "notarial_sale",
        (
            format!("Maître {}", o.notary.full()),
            o.notary.email.clone(),
        ),
        (
            format!("Monsieur le Maire de {COMMUNE}"),
            ctx.mairie.maire.email.clone(),
        ),
        subject,
    );
    d.category(Category::NotarialDeed);
    let rng = &mut ctx.rng;
    let fmt = *rng.pick(&[Format::Pdf, Format::Pdf, Format::Docx, Format::Odt]);
    let file = format!(
        "Projet_acte_vente_{}.{}",
        seller.last.to_uppercase(),
        fmt.extension()
    );
    let loc = Location::attachment(&file);
    let year = ctx.slot.year();
    let price = rng.range(60, 450) * 100_000;
    let sb = birth(rng, 1940, 1985);
    let bb = birth(rng, 1960, 2000);
    let mut doc = Doc::new(ctx.slot.doc_date());
    doc.title("PROJET D'ACTE DE VENTE");
    doc.para(format!(
        "L'AN {year}, LE {}\nMaître {}, notaire associé(e) de la {}, a reçu le présent acte authentique à la requête des parties ci-après identifiées.",
        ctx.slot.date_long(30).to_uppercase(),
        o.notary.full(),
        o.name
    ));
    let seller_id = id_number_phrase(rng, &mut d, &loc, year);
    doc.para(format!(
        "VENDEUR\n{} {} {}, retraité(e), demeurant à {COMMUNE} ({COMMUNE_CP}), {} {}, {}, justifiant de son identité par sa {seller_id}.",
        seller.civility(),
        seller.first,
        seller.last.to_uppercase(),
        rng.range(1, 60),
        rng.pick(lexicon::STREETS),
        birth_text(sb, "Dijon (21000)")
    ));
    doc.para(format!(
        "ACQUÉREUR\n{} {} {}, {}, demeurant à Dijon (21000), {}.",
        buyer.civility(),
        buyer.first,
        buyer.last.to_uppercase(),
        rng.pick(&[
            "infirmier(ère)",
            "technicien(ne)",
            "professeur(e) des écoles",
            "agriculteur(trice)"
        ]),
        birth_text(bb, "Chalon-sur-Saône (71100)")
    ));
    doc.para(format!(
        "DÉSIGNATION\nSur la commune de {COMMUNE} ({COMMUNE_CP}), une maison d'habitation avec jardin, cadastrée section {parcel}, lieudit « {} », pour une contenance de {:02}a {:02}ca.",
        rng.pick(lexicon::HAMLETS),
        rng.range(2, 40),
        rng.range(0, 99)
    ));
    let iban = d.plant_laid(rng, Kind::Iban, &o.account.iban, layout::iban, &loc);
    doc.para(format!(
        "PRIX\nLa vente est conclue moyennant le prix de {}, payé ce jour par la comptabilité de l'office notarial, compte ouvert à la Caisse des dépôts : IBAN {iban}.",
        euros(price)
    ));
    if rng.chance(1, 2) {
        let seller_acc = ids::fr_account(rng);
        let iban = d.plant_laid(rng, Kind::Iban, &seller_acc.iban, layout::iban, &loc);
        doc.para(format!(
            "Le vendeur requiert le virement du prix, déduction faite des frais, sur son compte IBAN {iban}."
        ));
    }
    doc.para("DROIT DE PRÉEMPTION URBAIN\nLe bien étant situé dans le périmètre du droit de préemption urbain, une déclaration d'intention d'aliéner a été adressée à la mairie.");
    let siret = d.plant_laid(rng, Kind::FrSiret, &o.siret, layout::siret, &loc);
    doc.para(format!("{} – SIRET {siret}", o.name));
    d.attach_doc(&doc, fmt, &file)?;
    let lines = vec![
        format!("Je vous prie de trouver ci-joint la déclaration d'intention d'aliéner concernant la vente du bien cadastré section {parcel}, ainsi que le projet d'acte."),
        "Je vous remercie de bien vouloir me faire connaître si la commune entend exercer son droit de préemption dans le délai légal de deux mois.".to_string(),
        format!("La signature est prévue le {}.", ctx.slot.date_long(45)),
    ];
    letter(&mut d, rng, &lines, &notary_sig(&o));
    if rng.chance(1, 3) {
        // Scanned signatures come as PNG or, from a scanner, as JPEG.
        let canvas = image::signature(rng, 160, 56);
        if rng.chance(1, 2) {
            d.attach("image/png", "signature_notaire.png", image::png(&canvas));
        } else {
            d.attach(
                "image/jpeg",
                "signature_scannee.jpg",
                image::jpeg(&canvas, "scan"),
            );
        }
        d.category(Category::SignatureOrStamp);
    }
    Ok(d)
}

/// A notary settling a succession writes about a deceased resident.
pub fn succession(ctx: &mut Ctx) -> Result<Draft, CorpusError> {
    let o = office(&mut ctx.rng);
    let deceased = lexicon::person(&mut ctx.rng);
    let subject = format!(
        "Succession {} {} – demande d'acte de décès et attestation",
        deceased.civility(),
        deceased.last.to_uppercase()
    );
    let mut d = Draft::new(
        ctx,
        "succession",
        (
            format!("Office notarial {}", o.notary.last),
            o.notary.email.clone(),
        ),
        mairie_addr(ctx.mairie),
        subject,
    );
    d.category(Category::NotarialDeed);
    let rng = &mut ctx.rng;
    let fmt = *rng.pick(&[Format::Pdf, Format::Docx, Format::Odt, Format::Pdf]);
    let file = format!(
        "{}_{}.{}",
        rng.pick(&["Attestation_de_propriete", "Acte_de_notoriete"]),
        deceased.last.to_uppercase(),
        fmt.extension()
    );
    let loc = Location::attachment(&file);
    let b = birth(rng, 1925, 1955);
    let nir = ids::nir(rng, deceased.sex, b.0, b.1);
    let nir_raw = d.plant_laid(rng, Kind::FrNir, &nir, layout::nir, &loc);
    let mut doc = Doc::new(ctx.slot.doc_date());
    doc.title("ATTESTATION DE PROPRIÉTÉ IMMOBILIÈRE APRÈS DÉCÈS");
    doc.para(format!(
        "DÉFUNT(E)\n{} {} {}, {}, décédé(e) à Dijon le {}.\nNuméro de sécurité sociale : {nir_raw}",
        deceased.civility(),
        deceased.first,
        deceased.last.to_uppercase(),
        birth_text(b, &format!("{COMMUNE} ({COMMUNE_CP})")),
        ctx.slot.date_long(-rng.range(20, 90))
    ));
    let mut heirs = vec![vec![
        "Héritier".to_string(),
        "Lien".to_string(),
        "Naissance".to_string(),
        "Pièce d'identité".to_string(),
        "Quote-part".to_string(),
    ]];
    let n = rng.urange(2, 4);
    for _ in 0..n {
        let h = lexicon::person(rng);
        let hb = birth(rng, 1950, 1990);
        let (label, id) = match rng.below(2) {
            0 => {
                let issued = rng.range(2006, 2020) as i32;
                ("CNI n°", ids::cni_old(rng, issued))
            }
            _ => ("passeport n°", ids::passport(rng)),
        };
        let id = format!(
            "{label} {}",
            d.plant(Kind::IdentityDocumentNumber, id, &loc)
        );
        heirs.push(vec![
            format!("{} {}", h.first, deceased.last.to_uppercase()),
            rng.pick(&["enfant", "enfant", "petit-enfant", "neveu / nièce"])
                .to_string(),
            format!("{:02}/{:02}/{}", hb.2, hb.1, hb.0),
            id,
            format!("1/{n}"),
        ]);
    }
    doc.table(heirs);
    let parcel = format!("{} {}", rng.pick(&["AB", "ZC", "C"]), rng.range(10, 450));
    doc.para(format!(
        "BIENS\nUne maison d'habitation sise à {COMMUNE}, {} {}, cadastrée section {parcel}, et une parcelle de terre au lieudit « {} ».",
        rng.range(1, 60),
        rng.pick(lexicon::STREETS),
        rng.pick(lexicon::HAMLETS)
    ));
    doc.para(format!(
        "Fait à Beaune, le {}.\nMaître {}",
        ctx.slot.date_long(0),
        o.notary.full()
    ));
    d.attach_doc(&doc, fmt, &file)?;
    let mut lines = vec![
        format!("Chargé(e) du règlement de la succession de {} {}, je vous serais reconnaissant(e) de bien vouloir m'adresser une copie intégrale de son acte de décès.", deceased.civility(), deceased.full()),
        "Vous trouverez ci-joint l'attestation de propriété pour la mise à jour de vos fichiers (taxe foncière et concession funéraire).".to_string(),
    ];
    if rng.chance(1, 2) {
        let raw = d.plant_laid(rng, Kind::FrNir, &nir, layout::nir, &Location::Body);
        lines.push(format!(
            "Pour mémoire, le numéro de sécurité sociale du défunt est le {raw}."
        ));
    }
    if rng.chance(1, 3) {
        let bad = ids::bad_nir(rng);
        let raw = d.decoy(
            Kind::FrNir,
            layout::nir(&bad, Layout::SPACED),
            &Location::Body,
            "numéro de sécurité sociale mal recopié : clé fausse",
        );
        lines.push(format!(
            "(Le numéro {raw} indiqué par la famille est erroné.)"
        ));
    }
    letter(&mut d, rng, &lines, &notary_sig(&o));
    Ok(d)
}

/// A notary asks for urbanisme information on parcels, with the attestation de propriété.
pub fn cadastre(ctx: &mut Ctx) -> Result<Draft, CorpusError> {
    let o = office(&mut ctx.rng);
    let owner = lexicon::person(&mut ctx.rng);
    let parcels: Vec<String> = (0..ctx.rng.urange(1, 3))
        .map(|_| {
            format!(
                "{} {}",
                ctx.rng.pick(&["AB", "ZC", "ZD"]),
                ctx.rng.range(10, 450)
            )
        })
        .collect();
    let subject = format!("Certificat d'urbanisme – parcelles {}", parcels.join(", "));
    let mut d = Draft::new(
        ctx,
        "cadastre",
        (
            format!("Maître {}", o.notary.full()),
            o.notary.email.clone(),
        ),
        mairie_addr(ctx.mairie),
        subject,
    );
    d.category(Category::NotarialDeed);
    let rng = &mut ctx.rng;
    let file = "Attestation_propriete_cadastre.pdf";
    let loc = Location::attachment(file);
    let mut doc = Doc::new(ctx.slot.doc_date());
    doc.title("ATTESTATION DE PROPRIÉTÉ – EXTRAIT CADASTRAL");
    doc.para(format!(
        "Propriétaire : {} {}, demeurant {} {}, {COMMUNE_CP} {COMMUNE}",
        owner.civility(),
        owner.full(),
        rng.range(1, 40),
        rng.pick(lexicon::STREETS)
    ));
    let mut rows = vec![vec![
        "Section".to_string(),
        "N°".to_string(),
        "Lieudit".to_string(),
        "Contenance".to_string(),
    ]];
    for p in &parcels {
        let mut it = p.split(' ');
        rows.push(vec![
            it.next().unwrap_or("AB").to_string(),
            it.next().unwrap_or("1").to_string(),
            rng.pick(lexicon::HAMLETS).to_string(),
            format!("{:02}a {:02}ca", rng.range(2, 60), rng.range(0, 99)),
        ]);
    }
    doc.table(rows);
    let siret = d.plant_laid(rng, Kind::FrSiret, &o.siret, layout::siret, &loc);
    doc.para(format!("{} – SIRET {siret}", o.name));
    d.attach_doc(&doc, Format::Pdf, file)?;
    let lines = vec![
        format!("Dans le cadre d'une vente en cours, je vous remercie de me délivrer un certificat d'urbanisme d'information pour les parcelles {}.", parcels.join(", ")),
        "Je vous remercie également de m'indiquer si ces parcelles sont concernées par un emplacement réservé ou une servitude.".to_string(),
    ];
    letter(&mut d, rng, &lines, &notary_sig(&o));
    Ok(d)
}

/// An administré asks for an état civil document, citing and sometimes attaching an ID.
pub fn etat_civil(ctx: &mut Ctx) -> Result<Draft, CorpusError> {
    let p = lexicon::person(&mut ctx.rng);
    let (subject, ask) = *ctx.rng.pick(&[
        (
            "Demande d'acte de naissance",
            "une copie intégrale de mon acte de naissance",
        ),
        (
            "Demande d'extrait d'acte de mariage",
            "un extrait avec filiation de mon acte de mariage",
        ),
        (
            "Acte de décès de mon père",
            "une copie de l'acte de décès de mon père",
        ),
        (
            "Recensement citoyen de mon fils",
            "l'attestation de recensement de mon fils",
        ),
        (
            "Livret de famille",
            "un duplicata de notre livret de famille",
        ),
    ]);
    let mut d = Draft::new(
        ctx,
        "etat_civil",
        person_addr(&p),
        mairie_addr(ctx.mairie),
        subject,
    );
    let rng = &mut ctx.rng;
    let year = ctx.slot.year();
    let b = birth(rng, 1950, 2000);
    let mut lines = vec![
        format!("Je vous prie de bien vouloir m'adresser {ask}."),
        format!(
            "Je suis {}, {}.",
            p.full(),
            birth_text(b, &format!("{COMMUNE} ({COMMUNE_CP})"))
        ),
    ];
    if rng.chance(2, 3) {
        let phrase = id_number_phrase(rng, &mut d, &Location::Body, year);
        lines.push(format!(
            "Pour justifier de mon identité, voici le numéro de ma {phrase}."
        ));
        d.category(Category::IdentityDocument);
    }
    if rng.chance(1, 2) {
        let w = if ctx.slot.big { 640 } else { 240 };
        let recto = image::jpeg(&image::id_card(rng, w, w * 5 / 8), "");
        d.attach("image/jpeg", "CNI_recto.jpg", recto);
        if rng.chance(1, 2) {
            let verso = image::jpeg(&image::id_card(rng, w, w * 5 / 8), "");
            d.attach("image/jpeg", "CNI_verso.jpg", verso);
        }
        lines.push("Vous trouverez en pièce jointe une copie de ma carte d'identité.".to_string());
        d.category(Category::IdentityDocument);
    }
    lines.push(format!(
        "Merci de me l'envoyer à l'adresse suivante : {} {}, {} {}.",
        rng.range(1, 80),
        rng.pick(lexicon::STREETS),
        rng.pick(lexicon::TOWNS).0,
        rng.pick(lexicon::TOWNS).1
    ));
    letter(&mut d, rng, &lines, &format!("{}\n{}", p.full(), p.phone));
    Ok(d)
}

/// An urbanisme request (déclaration préalable, permis), with plans; no sensitive value but
/// many numbers that look like some.
pub fn urbanisme(ctx: &mut Ctx) -> Result<Draft, CorpusError> {
    let p = lexicon::person(&mut ctx.rng);
    let year = ctx.slot.year();
    let dossier = format!(
        "{} 021 {} {:02} {}{}",
        ctx.rng.pick(&["DP", "PC", "CU"]),
        ctx.rng.digits(3),
        year % 100,
        ctx.rng.pick(&["A", "B", "S"]),
        ctx.rng.digits(4)
    );
    let what = *ctx.rng.pick(&[
        "un abri de jardin de 12 m²",
        "une extension de 25 m² de notre maison",
        "le remplacement des menuiseries en façade",
        "une piscine enterrée de 8 × 4 m",
        "une clôture en limite de propriété",
        "des panneaux photovoltaïques en toiture",
    ]);
    let subject = format!("Dossier {dossier} – {what}");
    let mut d = Draft::new(
        ctx,
        "urbanisme",
        person_addr(&p),
        mairie_addr(ctx.mairie),
        subject,
    );
    let rng = &mut ctx.rng;
    let lines = vec![
        format!(
            "Je vous transmets les pièces complémentaires demandées pour le dossier {dossier} concernant {what}."
        ),
        format!(
            "Le terrain est cadastré section {} n° {}, d'une surface de {} m².",
            rng.pick(&["AB", "ZC"]),
            rng.range(10, 450),
            rng.range(300, 3000)
        ),
        "Le plan de masse et le plan de coupe sont joints ; la notice descriptive suivra."
            .to_string(),
        format!(
            "Vous pouvez me joindre au {} ou au {}.",
            p.phone,
            lexicon::phone(rng, false)
        ),
    ];
    let mut doc = Doc::new(ctx.slot.doc_date());
    doc.title(format!("Plan de masse – dossier {dossier}"));
    doc.para(format!(
        "Échelle 1/200 – Parcelle cadastrée section {} – Surface de plancher créée : {} m² – Hauteur au faîtage : {},{} m",
        rng.pick(&["AB", "ZC"]),
        rng.range(5, 40),
        rng.range(2, 7),
        rng.range(0, 9)
    ));
    doc.para(format!(
        "Cerfa n° 13703*{:02} – Déclaration préalable",
        rng.range(6, 9)
    ));
    let fmt = if rng.chance(1, 2) {
        Format::Pdf
    } else {
        Format::Odt
    };
    d.attach_doc(&doc, fmt, &format!("Plan_de_masse.{}", fmt.extension()))?;
    if ctx.slot.big {
        let scan = image::png(&image::scanned_page(rng, 200, 280));
        d.attach("image/png", "Plan_de_coupe_scan.png", scan);
    }
    letter(&mut d, rng, &lines, &p.full());
    Ok(d)
}

/// Identity documents sent for the electoral roll or a file: number in the text and scans.
pub fn identity(ctx: &mut Ctx) -> Result<Draft, CorpusError> {
    let p = lexicon::person(&mut ctx.rng);
    let subject = *ctx.rng.pick(&[
        "Inscription sur les listes électorales",
        "Pièces justificatives – dossier d'inscription",
        "Copie de mon passeport",
        "Justificatif d'identité demandé",
    ]);
    let mut d = Draft::new(
        ctx,
        "identity",
        person_addr(&p),
        mairie_addr(ctx.mairie),
        subject,
    );
    d.category(Category::IdentityDocument);
    let rng = &mut ctx.rng;
    let year = ctx.slot.year();
    let phrase = id_number_phrase(rng, &mut d, &Location::Body, year);
    let passport = phrase.starts_with("passeport");
    let lines = vec![
        "Suite à mon emménagement dans la commune, je souhaite m'inscrire sur les listes électorales.".to_string(),
        format!("Vous trouverez ci-joint la copie de mon {phrase}, ainsi qu'un justificatif de domicile."),
        format!("Ma date de naissance : {:02}/{:02}/{}.", rng.range(1, 28), rng.range(1, 12), rng.range(1950, 2005)),
    ];
    let w = if ctx.slot.big { 800 } else { 240 };
    if passport {
        d.attach(
            "image/jpeg",
            "passeport.jpg",
            image::jpeg(&image::id_card(rng, w, w * 7 / 10), ""),
        );
    } else {
        d.attach(
            "image/jpeg",
            "CNI_recto.jpg",
            image::jpeg(&image::id_card(rng, w, w * 5 / 8), ""),
        );
        d.attach(
            "image/jpeg",
            "CNI_verso.jpg",
            image::jpeg(&image::id_card(rng, w, w * 5 / 8), ""),
        );
    }
    let mut doc = Doc::new(ctx.slot.doc_date());
    doc.title("Facture d'électricité – justificatif de domicile");
    doc.para(format!(
        "{} {}\n{} {}\n{COMMUNE_CP} {COMMUNE}\nRéférence client : {}",
        p.civility(),
        p.full(),
        rng.range(1, 40),
        rng.pick(lexicon::STREETS),
        ids::safe_digits(rng, 8, true)
    ));
    d.attach_doc(&doc, Format::Pdf, "justificatif_domicile.pdf")?;
    letter(&mut d, rng, &lines, &p.full());
    Ok(d)
}

/// A payslip document for `agent`, planting the NIR and the IBAN.
// The arguments are the document's facts and where it goes; a struct would only rename them.
#[allow(clippy::too_many_arguments)]
fn payslip_doc(
    rng: &mut Rng,
    d: &mut Draft,
    m: &lexicon::Mairie,
    agent: &Person,
    period: &str,
    loc: &Location,
    inner: Option<&str>,
    doc_date: (u16, u8, u8, u8, u8, u8),
) -> Doc {
    let b = birth(rng, 1962, 1998);
    let nir = ids::nir(rng, agent.sex, b.0, b.1);
    let acc = ids::fr_account(rng);
    let file = inner.map(str::to_string).unwrap_or_else(|| loc.to_string());
    let nir_raw = d.plant_inner(
        Kind::FrNir,
        layout::nir(&nir, layout::for_file(rng, &file, true)),
        loc,
        inner,
    );
    let iban = d.plant_inner(
        Kind::Iban,
        layout::iban(&acc.iban, layout::for_file(rng, &file, true)),
        loc,
        inner,
    );
    let siret = d.plant_inner(
        Kind::FrSiret,
        layout::siret(&m.siret, Layout::SPACED),
        loc,
        inner,
    );
    let mut doc = Doc::new(doc_date);
    doc.title(format!("BULLETIN DE PAIE – {period}"));
    doc.para(format!(
        "Employeur : COMMUNE DE {}\n{}\nSIRET : {siret} – Code APE 8411Z\nURSSAF de Bourgogne – N° cotisant : {}",
        COMMUNE.to_uppercase(),
        lexicon::MAIRIE_ADDRESS,
        ids::safe_digits(rng, 8, true)
    ));
    let (grade, indice) = *rng.pick(&[
        ("Adjoint administratif principal de 2e classe", 380),
        ("Adjoint technique territorial", 366),
        ("Rédacteur territorial", 420),
        ("ATSEM principal de 2e classe", 375),
    ]);
    doc.para(format!(
        "Agent : {} {}\nMatricule : {}\nN° de sécurité sociale : {nir_raw}\nGrade : {grade} – Échelon {} – Indice majoré {indice}\nTemps de travail : {}",
        agent.civility_short(),
        agent.full().to_uppercase(),
        rng.range(100, 999),
        rng.range(1, 11),
        rng.pick(&["complet", "non complet 28/35e", "non complet 17,5/35e"])
    ));
    let base = i64::from(indice) * 485; // centimes per point, approximately
    let rows = vec![
        vec![
            "Rubrique".to_string(),
            "Base".to_string(),
            "Taux".to_string(),
            "À payer".to_string(),
            "À déduire".to_string(),
        ],
        vec![
            "Traitement indiciaire".into(),
            indice.to_string(),
            String::new(),
            layout::amount(base, "\u{a0}"),
            String::new(),
        ],
        vec![
            "IFSE".into(),
            String::new(),
            String::new(),
            layout::amount(rng.range(8_000, 30_000), "\u{a0}"),
            String::new(),
        ],
        vec![
            "Cotisation CNRACL".into(),
            layout::amount(base, "\u{a0}"),
            "11,10".into(),
            String::new(),
            layout::amount(base * 111 / 1000, "\u{a0}"),
        ],
        vec![
            "CSG déductible".into(),
            layout::amount(base * 9825 / 10000, "\u{a0}"),
            "6,80".into(),
            String::new(),
            layout::amount(base * 67 / 1000, "\u{a0}"),
        ],
        vec![
            "CRDS".into(),
            layout::amount(base * 9825 / 10000, "\u{a0}"),
            "0,50".into(),
            String::new(),
            layout::amount(base * 5 / 1000, "\u{a0}"),
        ],
    ];
    doc.table(rows);
    doc.para(format!(
        "Net à payer avant impôt : {}\nPrélèvement à la source : taux {},{} %\nVirement le {} sur le compte IBAN {iban}",
        euros(base * 78 / 100),
        rng.range(0, 9),
        rng.range(0, 9),
        period
    ));
    doc
}

/// Payslips sent by the Centre de gestion, or by the secretary to an agent.
pub fn payslip(ctx: &mut Ctx) -> Result<Draft, CorpusError> {
    let period = format!(
        "{} {}",
        lexicon::MONTHS[chrono::Datelike::month0(&ctx.slot.date) as usize],
        ctx.slot.year()
    );
    let agent = if ctx.rng.chance(1, 2) {
        ctx.mairie.agent.clone()
    } else {
        ctx.mairie.secretaire.clone()
    };
    let sent = ctx.slot.folder.name() == "Sent";
    let (from, to) = if sent {
        (
            mairie_addr(ctx.mairie),
            person_addr(&lexicon::Person {
                email: format!(
                    "{}.{}@example.fr",
                    lexicon::slug(&agent.first),
                    lexicon::slug(&agent.last)
                ),
                ..agent.clone()
            }),
        )
    } else {
        (
            (
                "CDG 21 – Service paie".to_string(),
                "paie@cdg21.example.fr".to_string(),
            ),
            mairie_addr(ctx.mairie),
        )
    };
    let subject = format!("Bulletin de paie {period}");
    let mut d = Draft::new(ctx, "payslip", from, to, subject);
    d.category(Category::Payslip);
    let rng = &mut ctx.rng;
    let file = format!(
        "Bulletin_{}_{}.pdf",
        agent.last.to_uppercase(),
        ctx.slot.date.format("%m_%Y")
    );
    let loc = Location::attachment(&file);
    let doc = payslip_doc(
        rng,
        &mut d,
        ctx.mairie,
        &agent,
        &period,
        &loc,
        None,
        ctx.slot.doc_date(),
    );
    d.attach_doc(&doc, Format::Pdf, &file)?;
    let lines = if sent {
        vec![
            format!("Voici ton bulletin de paie de {period}, le CDG a eu du retard cette fois-ci."),
            "Pense à le conserver sans limitation de durée.".to_string(),
        ]
    } else {
        vec![
            format!(
                "Veuillez trouver ci-joint les bulletins de paie de {period} de vos agents, ainsi que le journal de paie."
            ),
            "Le fichier de virement a été transmis à la trésorerie.".to_string(),
        ]
    };
    let sig = if sent {
        lexicon::mairie_signature(ctx.mairie)
    } else {
        "--\nService paie – Centre de gestion de la fonction publique territoriale".to_string()
    };
    letter(&mut d, rng, &lines, &sig);
    Ok(d)
}

/// An avis d'impôt document, planting the numéros fiscaux.
fn tax_doc(
    rng: &mut Rng,
    d: &mut Draft,
    p: &Person,
    year: i32,
    loc: &Location,
    inner: Option<&str>,
    doc_date: (u16, u8, u8, u8, u8, u8),
) -> Doc {
    let mut doc = Doc::new(doc_date);
    doc.title(format!(
        "AVIS D'IMPÔT {year} SUR LES REVENUS DE L'ANNÉE {}",
        year - 1
    ));
    doc.para("Direction générale des Finances publiques\nCentre des Finances publiques de Beaune");
    let spi1 = ids::spi(rng);
    let raw1 = d.plant_inner(
        Kind::FrTaxId,
        layout::spi(&spi1, Layout::SPACED),
        loc,
        inner,
    );
    let mut declarants = format!(
        "Déclarant 1 : {} {}\nNuméro fiscal : {raw1}",
        p.civility(),
        p.full().to_uppercase()
    );
    if rng.chance(1, 2) {
        let spi2 = ids::spi(rng);
        let raw2 = d.plant_inner(
            Kind::FrTaxId,
            layout::spi(&spi2, Layout::COMPACT),
            loc,
            inner,
        );
        declarants.push_str(&format!("\nDéclarant 2 : numéro fiscal {raw2}"));
    }
    doc.para(declarants);
    doc.para(format!(
        "Référence de l'avis : {} {} {}{} {}\nRevenu fiscal de référence : {}\nNombre de parts : {}",
        year % 100,
        rng.range(10, 99),
        rng.letters(1),
        ids::safe_digits(rng, 6, false),
        rng.range(10, 99),
        layout::amount(rng.range(12_000, 60_000) * 100, "\u{a0}"),
        rng.pick(&["1", "1,5", "2", "2,5", "3"])
    ));
    doc.para(format!(
        "Impôt sur le revenu net : {}",
        euros(rng.range(0, 4_000) * 100)
    ));
    doc
}

/// An administré sends an avis d'impôt (canteen rates, CCAS), the numéro fiscal inside.
pub fn tax_notice(ctx: &mut Ctx) -> Result<Draft, CorpusError> {
    let p = lexicon::person(&mut ctx.rng);
    let subject = *ctx.rng.pick(&[
        "Avis d'imposition pour le tarif de la cantine",
        "Avis d'impôt demandé",
        "Quotient familial – justificatif",
    ]);
    let mut d = Draft::new(
        ctx,
        "tax_notice",
        person_addr(&p),
        mairie_addr(ctx.mairie),
        subject,
    );
    let rng = &mut ctx.rng;
    let year = ctx.slot.year();
    let file = format!("Avis_impot_{year}.pdf");
    let loc = Location::attachment(&file);
    let doc = tax_doc(rng, &mut d, &p, year, &loc, None, ctx.slot.doc_date());
    d.attach_doc(&doc, Format::Pdf, &file)?;
    let mut lines = vec![
        "Comme demandé pour le calcul du tarif de la cantine, voici mon dernier avis d'imposition."
            .to_string(),
    ];
    if rng.chance(1, 2) {
        let spi = ids::spi(rng);
        let raw = d.plant_laid(rng, Kind::FrTaxId, &spi, layout::spi, &Location::Body);
        lines.push(format!(
            "Mon numéro fiscal, si vous préférez vérifier en ligne : {raw}."
        ));
    }
    letter(&mut d, rng, &lines, &p.full());
    Ok(d)
}

/// A CCAS aid file: tax notice, payslip, RIB and ID scan, loose or in a ZIP.
pub fn ccas_dossier(ctx: &mut Ctx) -> Result<Draft, CorpusError> {
    let p = lexicon::person(&mut ctx.rng);
    let subject = "Dossier de demande d'aide CCAS";
    let mut d = Draft::new(
        ctx,
        "ccas_dossier",
        person_addr(&p),
        mairie_addr(ctx.mairie),
        subject,
    );
    d.category(Category::Payslip);
    d.category(Category::BankDetails);
    let rng = &mut ctx.rng;
    let year = ctx.slot.year();
    let doc_date = ctx.slot.doc_date();
    let zipped = rng.chance(1, 2);
    let zip_name = "Dossier_CCAS.zip".to_string();
    let mut entries: Vec<(String, Vec<u8>)> = Vec::new();
    let names = [
        format!("Avis_impot_{year}.pdf"),
        "Bulletin_salaire.pdf".to_string(),
        "RIB.odt".to_string(),
    ];
    let locs: Vec<(Location, Option<String>)> = names
        .iter()
        .map(|n| {
            if zipped {
                (Location::attachment(&zip_name), Some(n.clone()))
            } else {
                (Location::attachment(n), None)
            }
        })
        .collect();
    let tax = tax_doc(
        rng,
        &mut d,
        &p,
        year,
        &locs[0].0,
        locs[0].1.as_deref(),
        doc_date,
    );
    entries.push((names[0].clone(), Format::Pdf.write(&tax)?));
    let employer = lexicon::Mairie::new(rng.next_u64());
    let slip = payslip_doc(
        rng,
        &mut d,
        &employer,
        &p,
        &ctx.slot.date_long(-20),
        &locs[1].0,
        locs[1].1.as_deref(),
        doc_date,
    );
    entries.push((names[1].clone(), Format::Pdf.write(&slip)?));
    let acc = ids::fr_account(rng);
    let rib = rib_doc(
        rng,
        &mut d,
        &p.full(),
        COMMUNE,
        &acc,
        &locs[2].0,
        locs[2].1.as_deref(),
        doc_date,
    );
    entries.push((names[2].clone(), Format::Odt.write(&rib)?));
    if zipped {
        let refs: Vec<(&str, &[u8], bool)> = entries
            .iter()
            .map(|(n, b)| (n.as_str(), b.as_slice(), false))
            .collect();
        d.attach("application/zip", &zip_name, zip_archive(doc_date, &refs)?);
    } else {
        for (n, b) in entries {
            let mime = if n.ends_with(".odt") {
                Format::Odt.mime_type()
            } else {
                Format::Pdf.mime_type()
            };
            d.attach(mime, &n, b);
        }
    }
    if rng.chance(1, 2) {
        d.attach(
            "image/jpeg",
            "CNI_recto.jpg",
            image::jpeg(&image::id_card(rng, 240, 150), ""),
        );
        d.category(Category::IdentityDocument);
    }
    let lines = vec![
        "Suite à mon rendez-vous avec l'assistante sociale, je vous transmets les pièces de mon dossier de demande d'aide.".to_string(),
        "Il manque l'attestation CAF, que je déposerai à la mairie la semaine prochaine.".to_string(),
    ];
    letter(&mut d, rng, &lines, &p.full());
    Ok(d)
}

/// A password sent in clear: by the IT provider, or by the secretary to a colleague.
pub fn password(ctx: &mut Ctx) -> Result<Draft, CorpusError> {
    let sent = ctx.slot.folder.name() == "Sent";
    let adj = ctx.mairie.adjoint.clone();
    let (from, to, service, login) = if sent {
        (
            mairie_addr(ctx.mairie),
            person_addr(&adj),
            *ctx.rng.pick(&[
                "la messagerie de la mairie",
                "le logiciel de comptabilité",
                "le portail de la préfecture",
            ]),
            adj.email.clone(),
        )
    } else {
        (
            (
                "Support – Informatique des Communes".to_string(),
                "support@infocommunes.example.com".to_string(),
            ),
            mairie_addr(ctx.mairie),
            *ctx.rng.pick(&[
                "votre nouveau logiciel d'état civil",
                "le portail de télétransmission des actes",
                "l'espace de sauvegarde en ligne",
                "votre webmail",
            ]),
            format!("mairie.{}", lexicon::slug(COMMUNE)),
        )
    };
    let subject = format!("Vos identifiants pour {service}");
    let mut d = Draft::new(ctx, "password", from, to, subject);
    let rng = &mut ctx.rng;
    let pw = ids::password(rng);
    let raw = d.plant(Kind::PasswordInClear, pw, &Location::Body);
    let style = rng.below(3);
    let mut lines = vec![format!("Voici les accès pour {service} :")];
    match style {
        0 => {
            lines.push(format!("Identifiant : {login}"));
            lines.push(format!("Mot de passe : {raw}"));
        }
        1 => lines.push(format!("Identifiant : {login} / Mot de passe : {raw}")),
        _ => {
            lines.push(format!("login : {login}"));
            lines.push(format!("mdp : {raw}"));
        }
    }
    lines.push(format!(
        "Adresse : https://{}/connexion",
        if sent {
            DOMAIN
        } else {
            "portail.infocommunes.example.com"
        }
    ));
    lines.push("Pensez à changer le mot de passe à la première connexion.".to_string());
    let sig = if sent {
        lexicon::mairie_signature(ctx.mairie)
    } else {
        "--\nSupport technique\n03 80 00 00 00".to_string()
    };
    letter(&mut d, rng, &lines, &sig);
    Ok(d)
}

/// The mairie returns a quote « bon pour accord » with the maire's signature and the stamp.
pub fn signed_quote(ctx: &mut Ctx) -> Result<Draft, CorpusError> {
    let co = lexicon::company(&mut ctx.rng);
    let year = ctx.slot.year();
    let number = reference(&mut ctx.rng, "DE", year);
    let subject = format!("Re: Devis {number} – bon pour accord");
    let mut d = Draft::new(
        ctx,
        "signed_quote",
        mairie_addr(ctx.mairie),
        (co.contact.full(), co.contact.email.clone()),
        subject,
    );
    d.category(Category::Quote);
    d.category(Category::SignatureOrStamp);
    let rng = &mut ctx.rng;
    let file = format!("Devis_{number}_signe.pdf");
    let loc = Location::attachment(&file);
    let date = ctx.slot.date_fr(-7);
    let mut doc = invoice_doc(
        rng,
        ctx.mairie,
        &mut d,
        &co,
        true,
        &number,
        &date,
        &loc,
        None,
        ctx.slot.doc_date(),
    );
    doc.para(format!(
        "Bon pour accord le {}\nLe Maire, {}\n[signature et cachet]",
        ctx.slot.date_fr(0),
        ctx.mairie.maire.full()
    ));
    d.attach_doc(&doc, Format::Pdf, &file)?;
    d.attach(
        "image/png",
        "signature_maire.png",
        image::png(&image::signature(rng, 180, 60)),
    );
    d.attach(
        "image/png",
        "cachet_mairie.png",
        image::png(&image::stamp(rng, 72)),
    );
    d.in_reply_to = Some(format!("<{}@{}>", rng.hex(16), co.domain));
    let lines = vec![
        format!("Veuillez trouver ci-joint votre devis n° {number} revêtu du bon pour accord de Monsieur le Maire."),
        "Pour vos prochains documents, la signature et le cachet de la mairie sont également joints séparément.".to_string(),
        "Merci de nous indiquer la date de démarrage des travaux.".to_string(),
    ];
    letter(&mut d, rng, &lines, &lexicon::mairie_signature(ctx.mairie));
    Ok(d)
}
