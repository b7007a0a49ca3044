//! Money matters: invoices and quotes from artisans, RIB from suppliers and administrés (and
//! the forwarded one), the commune's own RIB, supplier lists, bank statements, card numbers,
//! and the ZIP of supporting documents sent to the Trésorerie.

use super::{Ctx, Draft, doc_format, letter, mairie_addr, person_addr, reference};
use crate::CorpusError;
use crate::docs::office::zip_archive;
use crate::docs::{Doc, Format};
use crate::ids::{self, FrAccount};
use crate::layout::{self, Layout};
use crate::lexicon::{self, COMMUNE, Company, MAIRIE_ADDRESS, Mairie};
use crate::mime::{self, Charset, Cte, HeaderStyle, Message, Part};
use crate::rng::Rng;
use crate::truth::{Category, Kind, Location};

/// « 1 234,56 € » with non-breaking spaces.
pub fn euros(cents: i64) -> String {
    format!("{}\u{a0}€", layout::amount(cents, "\u{a0}"))
}

/// Writes an invoice or a quote of `co` to the mairie, planting its identifiers at `loc`.
#[allow(clippy::too_many_arguments)]
pub fn invoice_doc(
    rng: &mut Rng,
    m: &Mairie,
    d: &mut Draft,
    co: &Company,
    quote: bool,
    number: &str,
    date: &str,
    loc: &Location,
    inner: Option<&str>,
    doc_date: (u16, u8, u8, u8, u8, u8),
) -> Doc {
    // The file that holds the text decides the layouts it can carry.
    let file = inner.map(str::to_string).unwrap_or_else(|| loc.to_string());
    let plant =
        |d: &mut Draft, rng: &mut Rng, kind: Kind, value: &str, f: fn(&str, Layout) -> String| {
            let lay = layout::for_file(rng, &file, true);
            d.plant_inner(kind, f(value, lay), loc, inner)
        };
    let mut doc = Doc::new(doc_date);
    doc.title(co.name.clone());
    doc.para(format!(
        "{}\n{} {}\nTél. : {} – {}",
        co.street, co.town.0, co.town.1, co.phone, co.contact.email
    ));
    let siret = plant(d, rng, Kind::FrSiret, &co.siret, layout::siret);
    let vat = plant(d, rng, Kind::FrVat, &co.vat, layout::vat);
    let mut ids_line = format!("SIRET : {siret} – TVA intracommunautaire : {vat}");
    if rng.chance(1, 2) {
        let siren = plant(d, rng, Kind::FrSiren, &co.siren, layout::siren);
        ids_line.push_str(&format!(
            "\nRCS Dijon {siren} – Capital social : {}",
            euros(co.capital)
        ));
    }
    ids_line.push_str(&format!(
        "\nCode APE : {}",
        rng.pick(&[
            "4332A", "4322A", "4321A", "4391B", "8130Z", "1812Z", "4520A"
        ])
    ));
    doc.para(ids_line);
    doc.title(if quote {
        format!("DEVIS N° {number}")
    } else {
        format!("FACTURE N° {number}")
    });
    let mut client = format!(
        "Client : Mairie de {COMMUNE}\n{MAIRIE_ADDRESS}\nÀ l'attention de {}",
        m.secretaire.full()
    );
    if rng.chance(1, 2) {
        let s = plant(d, rng, Kind::FrSiret, &m.siret, layout::siret);
        client.push_str(&format!("\nSIRET client : {s}"));
    }
    doc.para(client);
    doc.para(format!(
        "Date : {date}\nRéférence : {}",
        reference(rng, "BC", doc_date.0 as i32)
    ));
    let items = lexicon::work_items(co.trade);
    let mut rows = vec![vec![
        "Désignation".to_string(),
        "Qté".to_string(),
        "PU HT".to_string(),
        "Total HT".to_string(),
    ]];
    let mut total = 0i64;
    for _ in 0..rng.urange(1, 5) {
        let qty = rng.range(1, 12);
        let pu = rng.range(15, 2500) * 100 + rng.range(0, 99);
        total += qty * pu;
        rows.push(vec![
            rng.pick(items).to_string(),
            qty.to_string(),
            euros(pu),
            euros(qty * pu),
        ]);
    }
    doc.table(rows);
    let rate = *rng.pick(&[20, 20, 20, 10]);
    let tva = total * rate / 100;
    doc.para(format!(
        "Total HT : {}\nTVA {rate} % : {}\nTotal TTC : {}",
        euros(total),
        euros(tva),
        euros(total + tva)
    ));
    if quote {
        doc.para(
            "Devis valable trois mois. Acompte de 30 % à la commande, solde à réception des travaux.\nBon pour accord, date, signature et cachet :",
        );
    }
    let iban = plant(d, rng, Kind::Iban, &co.account.iban, layout::iban);
    doc.para(format!(
        "Règlement par virement à 30 jours – IBAN : {iban} – BIC : {}\nEn cas de retard de paiement, pénalités au taux légal et indemnité forfaitaire de 40 € pour frais de recouvrement.",
        co.account.bic
    ));
    doc
}

/// A RIB document (« Relevé d'identité bancaire ») for `holder`.
// The arguments are the document's facts and where it goes; a struct would only rename them.
#[allow(clippy::too_many_arguments)]
pub fn rib_doc(
    rng: &mut Rng,
    d: &mut Draft,
    holder: &str,
    address: &str,
    a: &FrAccount,
    loc: &Location,
    inner: Option<&str>,
    doc_date: (u16, u8, u8, u8, u8, u8),
) -> Doc {
    let mut doc = Doc::new(doc_date);
    doc.title("RELEVÉ D'IDENTITÉ BANCAIRE");
    doc.para(format!("Titulaire du compte :\n{holder}\n{address}"));
    doc.para(format!(
        "Domiciliation : {} {}",
        a.bank_name,
        rng.pick(&["DIJON", "BEAUNE", "CHALON SUR SAONE", "AGENCE CENTRALE"])
    ));
    d.plant_inner(
        Kind::FrRib,
        format!("{} {} {} {}", a.bank, a.branch, a.account, a.key),
        loc,
        inner,
    );
    doc.table(vec![
        vec![
            "Code banque".into(),
            "Code guichet".into(),
            "N° de compte".into(),
            "Clé RIB".into(),
        ],
        vec![
            a.bank.clone(),
            a.branch.clone(),
            a.account.clone(),
            a.key.clone(),
        ],
    ]);
    // On a printed RIB the IBAN is always grouped by four.
    let iban = d.plant_inner(
        Kind::Iban,
        layout::iban(&a.iban, Layout::SPACED),
        loc,
        inner,
    );
    doc.para(format!("IBAN : {iban}\nBIC : {}", a.bic));
    doc
}

/// An invoice or a quote from an artisan.
pub fn invoice(ctx: &mut Ctx, quote: bool) -> Result<Draft, CorpusError> {
    let co = lexicon::company(&mut ctx.rng);
    let year = ctx.slot.year();
    let number = reference(&mut ctx.rng, if quote { "DE" } else { "FA" }, year);
    let work = ctx.rng.pick(lexicon::work_items(co.trade)).to_string();
    let subject = if quote {
        match ctx.rng.below(3) {
            0 => format!("Devis {number}"),
            1 => format!("Devis pour {}", work.to_lowercase()),
            _ => format!("Proposition de prix – {work}"),
        }
    } else {
        match ctx.rng.below(4) {
            0 => format!("Facture {number}"),
            1 => format!("Facture n° {number} – {work}"),
            2 => format!("Envoi de notre facture {number}"),
            _ => format!("{} – facture {}", co.name, ctx.slot.date_fr(0)),
        }
    };
    let from = (
        format!("{} – {}", co.contact.full(), co.name),
        co.contact.email.clone(),
    );
    let mut d = Draft::new(
        ctx,
        if quote { "quote" } else { "invoice" },
        from,
        mairie_addr(ctx.mairie),
        subject,
    );
    d.category(if quote {
        Category::Quote
    } else {
        Category::Invoice
    });
    let fmt = if ctx.slot.big {
        Format::Pdf
    } else {
        doc_format(&mut ctx.rng)
    };
    let file = format!(
        "{}_{}.{}",
        if quote { "Devis" } else { "Facture" },
        number,
        fmt.extension()
    );
    let loc = Location::attachment(&file);
    let date = ctx.slot.date_fr(0);
    let doc_date = ctx.slot.doc_date();
    let mut doc = invoice_doc(
        &mut ctx.rng,
        ctx.mairie,
        &mut d,
        &co,
        quote,
        &number,
        &date,
        &loc,
        None,
        doc_date,
    );
    if ctx.slot.big {
        // Conditions générales on further pages, as many artisans append them.
        for _ in 0..ctx.rng.urange(6, 16) {
            let mut p = String::new();
            lexicon::paragraph(&mut ctx.rng, 3, 6, year, &mut p);
            doc.para(format!("Conditions générales. {p}"));
        }
    }
    d.attach_doc(&doc, fmt, &file)?;

    let rng = &mut ctx.rng;
    let mut lines = vec![if quote {
        format!(
            "Suite à notre visite, veuillez trouver ci-joint notre devis n° {number} pour : {work}."
        )
    } else {
        format!("Veuillez trouver ci-joint notre facture n° {number} relative à : {work}.")
    }];
    lines.push(if quote {
        "Nous restons à votre disposition pour tout renseignement complémentaire et pour convenir d'une date d'intervention.".to_string()
    } else {
        "Nous vous remercions de bien vouloir procéder à son règlement dans les délais indiqués.".to_string()
    });
    if rng.chance(1, 3) {
        lines.push(format!(
            "Pour information, notre numéro de devis précédent était le {}.",
            reference(rng, "DE", year - 1)
        ));
    }
    let mut sig = lexicon::signature(&co.contact, Some("Gérant"), Some(&co.name));
    if rng.chance(1, 2) {
        let loc = Location::Body;
        let siret = d.plant_laid(rng, Kind::FrSiret, &co.siret, layout::siret, &loc);
        sig.push_str(&format!("\nSIRET {siret}"));
        if rng.chance(1, 2) {
            let iban = d.plant_laid(rng, Kind::Iban, &co.account.iban, layout::iban, &loc);
            sig.push_str(&format!("\nIBAN {iban} – BIC {}", co.account.bic));
        }
    }
    if rng.chance(1, 4) {
        let bad = ids::bad_siret(rng);
        let raw = d.decoy(
            Kind::FrSiret,
            layout::siret(&bad, Layout::SPACED),
            &Location::Body,
            "SIRET mal recopié : la clé de Luhn est fausse",
        );
        lines.push(format!(
            "Attention, le SIRET {raw} figurant sur votre bon de commande est erroné, merci de le corriger."
        ));
    }
    letter(&mut d, rng, &lines, &sig);
    Ok(d)
}

/// A supplier sends its (new) bank details.
pub fn rib_supplier(ctx: &mut Ctx) -> Result<Draft, CorpusError> {
    let co = lexicon::company(&mut ctx.rng);
    let subject = match ctx.rng.below(4) {
        0 => "Changement de coordonnées bancaires".to_string(),
        1 => format!("RIB {}", co.name),
        2 => "Nouveau RIB suite à changement de banque".to_string(),
        _ => format!("Coordonnées bancaires pour règlement – {}", co.name),
    };
    let from = (co.contact.full(), co.contact.email.clone());
    let mut d = Draft::new(ctx, "rib_supplier", from, mairie_addr(ctx.mairie), subject);
    d.category(Category::BankDetails);
    let fmt = *ctx
        .rng
        .pick(&[Format::Pdf, Format::Pdf, Format::Docx, Format::Odt]);
    let file = format!(
        "RIB_{}.{}",
        lexicon::slug(&co.name).replace('-', "_"),
        fmt.extension()
    );
    let loc = Location::attachment(&file);
    let address = format!("{}\n{} {}", co.street, co.town.0, co.town.1);
    let doc_date = ctx.slot.doc_date();
    let doc = rib_doc(
        &mut ctx.rng,
        &mut d,
        &co.name,
        &address,
        &co.account,
        &loc,
        None,
        doc_date,
    );
    d.attach_doc(&doc, fmt, &file)?;
    let rng = &mut ctx.rng;
    let mut lines = vec![
        "Suite à un changement d'établissement bancaire, nous vous prions de bien vouloir enregistrer nos nouvelles coordonnées bancaires pour le règlement de nos prochaines factures.".to_string(),
        "Vous trouverez notre RIB en pièce jointe.".to_string(),
    ];
    if rng.chance(1, 2) {
        let iban = d.plant_laid(
            rng,
            Kind::Iban,
            &co.account.iban,
            layout::iban,
            &Location::Body,
        );
        lines.push(format!(
            "Pour mémoire, le nouvel IBAN est : {iban} (BIC {}).",
            co.account.bic
        ));
    }
    if rng.chance(1, 3) {
        let bad = ids::bad_iban(rng);
        let raw = d.decoy(
            Kind::Iban,
            layout::iban(&bad, Layout::SPACED),
            &Location::Body,
            "ancien IBAN cité avec une faute de frappe : clé de contrôle fausse",
        );
        lines.push(format!(
            "Merci de ne plus utiliser l'ancien compte ({raw})."
        ));
    }
    let sig = lexicon::signature(&co.contact, Some("Service comptabilité"), Some(&co.name));
    letter(&mut d, rng, &lines, &sig);
    Ok(d)
}

/// Writes `a` as a RIB table in plain text, in one of two layouts seen in mail.
fn rib_text_table(d: &mut Draft, rng: &mut Rng, a: &FrAccount) -> String {
    let cells = d.plant_rib(a, &Location::Body);
    if rng.chance(1, 2) {
        format!(
            "Code banque | Code guichet | N° de compte | Clé RIB\n{:<11} | {:<12} | {:<12} | {}",
            cells[0], cells[1], cells[2], cells[3]
        )
    } else {
        format!(
            "Banque : {}  Guichet : {}  Compte : {}  Clé : {}",
            cells[0], cells[1], cells[2], cells[3]
        )
    }
}

/// An administré sends a RIB in the body (refund of a deposit, aid, sale of wood...).
pub fn rib_administre(ctx: &mut Ctx) -> Result<Draft, CorpusError> {
    let p = lexicon::person(&mut ctx.rng);
    let reason = *ctx.rng.pick(&[
        "le remboursement de la caution de la salle des fêtes",
        "le versement de l'aide aux vacances du CCAS",
        "le remboursement du trop-perçu de cantine",
        "le règlement de ma prestation pour la fête du village",
        "le remboursement de la concession annulée",
    ]);
    let subject = *ctx.rng.pick(&[
        "Mon RIB",
        "RIB pour remboursement",
        "Coordonnées bancaires",
        "Re: caution salle des fêtes",
        "IBAN demandé",
    ]);
    let mut d = Draft::new(
        ctx,
        "rib_administre",
        person_addr(&p),
        mairie_addr(ctx.mairie),
        subject,
    );
    d.category(Category::BankDetails);
    let rng = &mut ctx.rng;
    let mut lines = vec![format!(
        "Comme convenu au téléphone, voici mes coordonnées bancaires pour {reason}."
    )];
    if rng.chance(1, 3) {
        let country = *rng.pick(&["DE", "BE", "ES", "IT", "NL", "LU", "PT", "AT", "IE", "MC"]);
        let iban = ids::foreign_iban(rng, country);
        let raw = d.plant_laid(rng, Kind::Iban, &iban, layout::iban, &Location::Body);
        lines.push(format!(
            "Mon compte est désormais dans une banque à l'étranger (j'ai déménagé) : IBAN {raw}"
        ));
    } else {
        let a = ids::fr_account(rng);
        let raw = d.plant_laid(rng, Kind::Iban, &a.iban, layout::iban, &Location::Body);
        lines.push(format!("IBAN : {raw}"));
        lines.push(format!("BIC : {}", a.bic));
        if rng.chance(1, 2) {
            lines.push("Et le RIB complet si besoin :".to_string());
            lines.push(rib_text_table(&mut d, rng, &a));
        }
    }
    lines.push(format!("Titulaire : {} {}", p.civility_short(), p.full()));
    if rng.chance(1, 3) {
        let a = ids::fr_account(rng);
        let file = "RIB.pdf".to_string();
        let loc = Location::attachment(&file);
        let street = format!("{} {}", rng.range(1, 40), rng.pick(lexicon::STREETS));
        let doc = rib_doc(
            rng,
            &mut d,
            &p.full(),
            &street,
            &a,
            &loc,
            None,
            ctx.slot.doc_date(),
        );
        d.attach_doc(&doc, Format::Pdf, &file)?;
        lines.push("Je joins aussi le RIB de mon second compte, au cas où.".into());
    }
    lines.push(format!("Je reste joignable au {}.", p.phone));
    letter(&mut d, rng, &lines, &p.full());
    Ok(d)
}

/// Renders a small standalone message (for forwarding or archiving).
#[allow(clippy::too_many_arguments)]
pub fn inner_message(
    rng: &mut Rng,
    from: &(String, String),
    to: &(String, String),
    subject: &str,
    date: &str,
    text: &str,
    attachments: Vec<Part>,
) -> Vec<u8> {
    let mut headers = vec![
        ("Date".to_string(), date.to_string()),
        (
            "From".to_string(),
            mime::address(&from.0, &from.1, HeaderStyle::Q),
        ),
        (
            "To".to_string(),
            mime::address(&to.0, &to.1, HeaderStyle::Q),
        ),
        (
            "Subject".to_string(),
            mime::header_text(subject, HeaderStyle::Q),
        ),
    ];
    let domain = from
        .1
        .rsplit('@')
        .next()
        .unwrap_or("example.fr")
        .to_string();
    headers.push((
        "Message-ID".to_string(),
        format!("<{}@{domain}>", rng.hex(20)),
    ));
    let body = Part::text("plain", text, Charset::Utf8, Cte::QuotedPrintable);
    let root = if attachments.is_empty() {
        body
    } else {
        let mut parts = vec![body];
        parts.extend(attachments);
        Part::multipart("mixed", parts)
    };
    Message { headers, root }.render(&rng.hex(12))
}

/// A colleague forwards, as an attachment, a supplier's mail carrying a RIB.
pub fn rib_forwarded(ctx: &mut Ctx) -> Result<Draft, CorpusError> {
    let co = lexicon::company(&mut ctx.rng);
    let adj = ctx.mairie.adjoint.clone();
    let subject = format!("TR: RIB {}", co.name);
    let mut d = Draft::new(
        ctx,
        "rib_forwarded",
        person_addr(&adj),
        mairie_addr(ctx.mairie),
        subject.clone(),
    );
    d.category(Category::BankDetails);
    let rng = &mut ctx.rng;
    let file = format!("RIB {}.eml", co.name);
    let loc = Location::attachment(&file);
    let iban = layout::iban(&co.account.iban, Layout::random(rng, true));
    d.plant(Kind::Iban, iban.clone(), &loc);
    d.plant(
        Kind::FrRib,
        format!(
            "{} {} {} {}",
            co.account.bank, co.account.branch, co.account.account, co.account.key
        ),
        &loc,
    );
    let siret = layout::siret(&co.siret, Layout::SPACED);
    d.plant(Kind::FrSiret, siret.clone(), &loc);
    let inner_text = format!(
        "Bonjour,\n\nVoici nos coordonnées bancaires pour le paiement de la facture :\n\nIBAN : {iban}\nBIC : {}\nBanque : {}  Guichet : {}  Compte : {}  Clé : {}\n\nCordialement,\n{}\n{}\nSIRET {siret}\n",
        co.account.bic,
        co.account.bank,
        co.account.branch,
        co.account.account,
        co.account.key,
        co.contact.full(),
        co.name
    );
    let mut inner_atts = Vec::new();
    if rng.chance(1, 2) {
        let pdf_name = "RIB.pdf";
        let doc = rib_doc(
            rng,
            &mut d,
            &co.name,
            &co.street,
            &co.account,
            &loc,
            Some(pdf_name),
            ctx.slot.doc_date(),
        );
        inner_atts.push(Part::attachment(
            "application/pdf",
            pdf_name,
            Format::Pdf.write(&doc)?,
        ));
    }
    let inner_date = super::rfc5322_date(ctx.slot.date - chrono::Duration::days(rng.range(1, 20)));
    let raw = inner_message(
        rng,
        &(co.contact.full(), co.contact.email.clone()),
        &(adj.full(), adj.email.clone()),
        &format!("Coordonnées bancaires {}", co.name),
        &inner_date,
        &inner_text,
        inner_atts,
    );
    d.attach_part(Part::message(&file, raw), &file);
    let lines = vec![
        "Je te transfère le mail de l'entreprise avec leur RIB, peux-tu l'enregistrer dans le logiciel de compta avant le prochain mandatement ?".to_string(),
        "Merci !".to_string(),
    ];
    letter(&mut d, rng, &lines, &adj.first);
    Ok(d)
}

/// The mairie sends the commune's RIB (Trésor public) to someone who must pay it.
pub fn commune_rib(ctx: &mut Ctx) -> Result<Draft, CorpusError> {
    let p = lexicon::person(&mut ctx.rng);
    let why = *ctx.rng.pick(&[
        "la location de la salle des fêtes",
        "la concession au cimetière",
        "la participation aux frais de scolarité",
        "l'achat de bois de chauffage (affouage)",
        "la redevance d'occupation du domaine public",
    ]);
    let subject = format!("RIB de la commune – {why}");
    let mut d = Draft::new(
        ctx,
        "commune_rib",
        mairie_addr(ctx.mairie),
        person_addr(&p),
        subject,
    );
    d.category(Category::BankDetails);
    let a = ctx.mairie.account.clone();
    let rng = &mut ctx.rng;
    let iban = d.plant_laid(rng, Kind::Iban, &a.iban, layout::iban, &Location::Body);
    let lines = vec![
        format!(
            "Comme suite à votre demande, voici les coordonnées bancaires de la commune pour le règlement de {why}."
        ),
        format!(
            "Titulaire : TRESORERIE DE BEAUNE – COMMUNE DE {}",
            COMMUNE.to_uppercase()
        ),
        format!("IBAN : {iban}"),
        format!("BIC : {}", a.bic),
        format!(
            "Merci d'indiquer en référence le numéro du titre de recette : {}.",
            reference(rng, "T", ctx.slot.year())
        ),
        "Le RIB est également joint à ce message.".to_string(),
    ];
    let file = "RIB_commune.pdf";
    let loc = Location::attachment(file);
    let doc_date = ctx.slot.doc_date();
    let doc = rib_doc(
        rng,
        &mut d,
        &format!(
            "TRESORERIE DE BEAUNE – COMMUNE DE {}",
            COMMUNE.to_uppercase()
        ),
        MAIRIE_ADDRESS,
        &a,
        &loc,
        None,
        doc_date,
    );
    d.attach_doc(&doc, Format::Pdf, file)?;
    letter(&mut d, rng, &lines, &lexicon::mairie_signature(ctx.mairie));
    Ok(d)
}

/// The adjoint aux finances sends the updated supplier file (spreadsheet full of IBAN).
pub fn supplier_list(ctx: &mut Ctx) -> Result<Draft, CorpusError> {
    let adj = ctx.mairie.adjoint.clone();
    let year = ctx.slot.year();
    let subject = format!("Fichier des tiers fournisseurs {year} à jour");
    let mut d = Draft::new(
        ctx,
        "supplier_list",
        person_addr(&adj),
        mairie_addr(ctx.mairie),
        subject,
    );
    d.category(Category::BankDetails);
    let fmt = *ctx.rng.pick(&[Format::Xlsx, Format::Ods, Format::Xlsx]);
    let file = format!("Tiers_fournisseurs_{year}.{}", fmt.extension());
    let loc = Location::attachment(&file);
    let mut doc = Doc::new(ctx.slot.doc_date());
    doc.title(format!("Commune de {COMMUNE} – fichier des tiers {year}"));
    let mut rows = vec![vec![
        "Raison sociale".to_string(),
        "SIRET".to_string(),
        "IBAN".to_string(),
        "BIC".to_string(),
        "Montant annuel".to_string(),
    ]];
    let rng = &mut ctx.rng;
    for _ in 0..rng.urange(4, 9) {
        let co = lexicon::company(rng);
        let siret = d.plant(Kind::FrSiret, co.siret.clone(), &loc);
        let iban = d.plant_laid(rng, Kind::Iban, &co.account.iban, layout::iban, &loc);
        rows.push(vec![
            co.name.clone(),
            siret,
            iban,
            co.account.bic.clone(),
            layout::amount(rng.range(20_000, 4_000_000), "\u{a0}"),
        ]);
    }
    doc.table(rows);
    d.attach_doc(&doc, fmt, &file)?;
    let lines = vec![
        "Voici le fichier des tiers mis à jour après la commission des finances.".to_string(),
        "J'ai ajouté les deux nouvelles entreprises retenues pour les travaux de l'école, vérifie les IBAN avant le prochain mandatement.".to_string(),
    ];
    letter(&mut d, rng, &lines, &adj.full());
    Ok(d)
}

/// The treasurer of an association (or an administré for the CCAS) sends a bank statement.
pub fn bank_statement(ctx: &mut Ctx) -> Result<Draft, CorpusError> {
    let p = lexicon::person(&mut ctx.rng);
    let asso = ctx.rng.pick(lexicon::ASSOCIATIONS).to_string();
    let subject = format!("Relevé de compte {asso} pour le dossier de subvention");
    let mut d = Draft::new(
        ctx,
        "bank_statement",
        person_addr(&p),
        mairie_addr(ctx.mairie),
        subject,
    );
    d.category(Category::BankStatement);
    let fmt = *ctx
        .rng
        .pick(&[Format::Pdf, Format::Pdf, Format::Xlsx, Format::Ods]);
    let month = ctx.slot.date.date().format("%m_%Y").to_string();
    let file = format!("Releve_compte_{month}.{}", fmt.extension());
    let loc = Location::attachment(&file);
    let rng = &mut ctx.rng;
    let a = ids::fr_account(rng);
    let mut doc = Doc::new(ctx.slot.doc_date());
    doc.title(format!(
        "{} – RELEVÉ DE COMPTE N° {}",
        a.bank_name,
        rng.range(1, 12)
    ));
    let iban = d.plant_laid(rng, Kind::Iban, &a.iban, layout::iban, &loc);
    doc.para(format!(
        "Titulaire : ASSOCIATION {}\nPériode du {} au {}\nIBAN : {iban} – BIC : {}",
        asso.to_uppercase(),
        ctx.slot.date_fr(-30),
        ctx.slot.date_fr(-1),
        a.bic
    ));
    let mut rows = vec![vec![
        "Date".to_string(),
        "Libellé".to_string(),
        "Débit".to_string(),
        "Crédit".to_string(),
    ]];
    let mut balance = rng.range(50_000, 900_000);
    let card_tail = rng.digits(4);
    for i in 0..rng.urange(6, if ctx.slot.big { 60 } else { 16 }) {
        let day = ctx.slot.date_fr(-30 + i as i64 * 2);
        let (label, debit) = match rng.below(6) {
            0 => (
                format!(
                    "CB SUPER U {} CARTE XXXX{card_tail}",
                    rng.pick(&["BEAUNE", "DIJON"])
                ),
                true,
            ),
            1 => (
                format!("PRLV SEPA EDF REF {}", ids::safe_digits(rng, 8, true)),
                true,
            ),
            2 => (format!("CHQ N° {}", ids::safe_digits(rng, 7, true)), true),
            3 => (
                format!("VIR COMMUNE DE {} SUBVENTION", COMMUNE.to_uppercase()),
                false,
            ),
            4 => ("REMISE CHEQUES ADHESIONS".to_string(), false),
            _ => (
                format!(
                    "COTISATION ASSURANCE CONTRAT {}",
                    reference(rng, "A", ctx.slot.year())
                ),
                true,
            ),
        };
        let amount = rng.range(800, 150_000);
        balance += if debit { -amount } else { amount };
        rows.push(if debit {
            vec![day, label, layout::amount(amount, "\u{a0}"), String::new()]
        } else {
            vec![day, label, String::new(), layout::amount(amount, "\u{a0}")]
        });
    }
    doc.table(rows);
    doc.para(format!(
        "Nouveau solde au {} : {}",
        ctx.slot.date_fr(-1),
        euros(balance)
    ));
    d.attach_doc(&doc, fmt, &file)?;
    let mut lines = vec![
        format!(
            "Pour compléter le dossier de demande de subvention de l'association {asso}, voici le dernier relevé de compte."
        ),
        "Le bilan financier suivra après l'assemblée générale.".to_string(),
    ];
    if rng.chance(1, 2) {
        let card = ids::payment_card(rng);
        let raw = d.plant_laid(rng, Kind::PaymentCard, &card, layout::card, &Location::Body);
        lines.push(format!(
            "Pour information, la carte bancaire de l'association n° {raw} a été mise en opposition après sa perte lors de la brocante."
        ));
    }
    letter(
        &mut d,
        rng,
        &lines,
        &lexicon::signature(&p, Some("Trésorier(e)"), Some(&asso)),
    );
    Ok(d)
}

/// An administré sends a payment card number by e-mail (to pay the canteen...).
pub fn card_payment(ctx: &mut Ctx) -> Result<Draft, CorpusError> {
    let p = lexicon::person(&mut ctx.rng);
    let subject = *ctx.rng.pick(&[
        "Paiement cantine",
        "Règlement par carte",
        "Paiement de la location",
        "Je n'arrive pas à payer en ligne",
    ]);
    let mut d = Draft::new(
        ctx,
        "card_payment",
        person_addr(&p),
        mairie_addr(ctx.mairie),
        subject,
    );
    let rng = &mut ctx.rng;
    let card = ids::payment_card(rng);
    let raw = d.plant_laid(rng, Kind::PaymentCard, &card, layout::card, &Location::Body);
    let lines = vec![
        "Le paiement en ligne ne fonctionne pas chez moi, je vous transmets donc directement les informations de ma carte :".to_string(),
        format!("Carte n° {raw}"),
        format!("Date d'expiration : {:02}/{}", rng.range(1, 12), rng.range(26, 30)),
        format!("Cryptogramme : {}", rng.digits(3)),
        format!("Au nom de {}", p.full().to_uppercase()),
        format!("Montant à débiter : {}", euros(rng.range(2000, 25000))),
    ];
    letter(&mut d, rng, &lines, &p.full());
    if rng.chance(1, 2) {
        let bad = ids::bad_card(rng);
        let raw = d.decoy(
            Kind::PaymentCard,
            layout::card(&bad, Layout::SPACED),
            &Location::Body,
            "numéro d'adhérent de 16 chiffres, Luhn faux",
        );
        d.line(&format!(
            "\nPS : mon numéro d'adhérent à la médiathèque est le {raw}."
        ));
    }
    Ok(d)
}

/// The mairie sends the Trésorerie a ZIP of supporting documents for payment orders.
pub fn zip_to_treasury(ctx: &mut Ctx) -> Result<Draft, CorpusError> {
    let year = ctx.slot.year();
    let first = ctx.rng.range(10, 300);
    let subject = format!("Pièces justificatives mandats n° {first} à {}", first + 4);
    let to = (
        "SGC de Beaune".to_string(),
        "sgc.beaune@dgfip.example.fr".to_string(),
    );
    let mut d = Draft::new(ctx, "zip_to_treasury", mairie_addr(ctx.mairie), to, subject);
    d.category(Category::Invoice);
    d.category(Category::BankDetails);
    let zip_name = format!("Pieces_mandats_{year}_{first}.zip");
    let loc = Location::attachment(&zip_name);
    let mut entries: Vec<(String, Vec<u8>)> = Vec::new();
    let doc_date = ctx.slot.doc_date();
    for k in 0..ctx.rng.urange(2, 3) {
        let co = lexicon::company(&mut ctx.rng);
        let number = reference(&mut ctx.rng, "FA", year);
        let name = format!("mandat_{}_facture_{number}.pdf", first + k as i64);
        let date = ctx.slot.date_fr(-(k as i64) * 3 - 5);
        let doc = invoice_doc(
            &mut ctx.rng,
            ctx.mairie,
            &mut d,
            &co,
            false,
            &number,
            &date,
            &loc,
            Some(&name),
            doc_date,
        );
        entries.push((name, Format::Pdf.write(&doc)?));
        if k == 0 {
            let rib_name = format!("RIB_{}.docx", lexicon::slug(&co.contact.last));
            let doc = rib_doc(
                &mut ctx.rng,
                &mut d,
                &co.name,
                &co.street,
                &co.account,
                &loc,
                Some(&rib_name),
                doc_date,
            );
            entries.push((rib_name, Format::Docx.write(&doc)?));
        }
    }
    let refs: Vec<(&str, &[u8], bool)> = entries
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice(), false))
        .collect();
    let zip = zip_archive(doc_date, &refs)?;
    d.attach("application/zip", &zip_name, zip);
    let rng = &mut ctx.rng;
    let lines = vec![
        format!(
            "Veuillez trouver ci-joint l'archive des pièces justificatives des mandats n° {first} à {} du bordereau du {}.",
            first + 4,
            ctx.slot.date_fr(0)
        ),
        "Le RIB du nouveau fournisseur est inclus pour la création du tiers.".to_string(),
    ];
    letter(&mut d, rng, &lines, &lexicon::mairie_signature(ctx.mairie));
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn euros_use_nbsp() {
        assert_eq!(euros(123456), "1\u{a0}234,56\u{a0}€");
    }
}
