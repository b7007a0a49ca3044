//! Everyday mail (conseil municipal, salle des fêtes, cantine, voirie…) full of numbers that
//! are not sensitive — phones, dates, amounts, postal codes, references, checksum lookalikes —,
//! a mail from the twinned town in English (with lines starting « From » for mbox quoting),
//! hostile messages, and the text-heavy messages of the benchmark corpus.

use super::{Ctx, Draft, Scenario, letter, mairie_addr, person_addr, quote_block, reference};
use crate::CorpusError;
use crate::docs::{Doc, Format};
use crate::ids;
use crate::layout::{self, Layout};
use crate::lexicon::{self, COMMUNE, TOPICS};
use crate::mime::{Charset, Cte, Part};
use crate::rng::Rng;
use crate::truth::{Category, Kind, Location};

/// A sentence carrying a checksum lookalike (recorded as a decoy).
pub fn decoy_sentence(rng: &mut Rng, d: &mut Draft, loc: &Location) -> String {
    match rng.below(6) {
        0 => {
            let raw = d.decoy(
                Kind::Iban,
                layout::iban(&ids::bad_iban(rng), Layout::SPACED),
                loc,
                "IBAN à clé de contrôle fausse (faute de frappe)",
            );
            format!(
                "Ma banque me dit que l'IBAN que vous m'aviez donné ({raw}) n'est pas valide, pouvez-vous vérifier ?"
            )
        }
        1 => {
            let raw = d.decoy(
                Kind::FrSiret,
                layout::siret(&ids::bad_siret(rng), Layout::SPACED),
                loc,
                "numéro de 14 chiffres dont la clé de Luhn est fausse",
            );
            format!("Numéro de dossier à rappeler : {raw}.")
        }
        2 => {
            let raw = d.decoy(
                Kind::FrNir,
                layout::nir(&ids::bad_nir(rng), Layout::SPACED),
                loc,
                "numéro à 15 chiffres dont la clé NIR est fausse",
            );
            format!("Numéro d'allocataire indiqué sur le courrier : {raw}.")
        }
        3 => {
            let raw = d.decoy(
                Kind::PaymentCard,
                layout::card(&ids::bad_card(rng), Layout::SPACED),
                loc,
                "numéro de carte de fidélité, Luhn faux",
            );
            format!("Ma carte de la médiathèque porte le numéro {raw}.")
        }
        4 => {
            let raw = d.decoy(
                Kind::FrVat,
                ids::bad_vat(rng),
                loc,
                "TVA intracommunautaire à clé fausse",
            );
            format!("Le numéro de TVA {raw} figurant sur l'ancien devis est faux.")
        }
        _ => {
            let raw = d.decoy(
                Kind::FrSiren,
                layout::siren(&ids::bad_siren(rng), Layout::SPACED),
                loc,
                "numéro à 9 chiffres, Luhn faux",
            );
            format!("Numéro d'adhérent de l'association : {raw}.")
        }
    }
}

/// A sentence planting one value of `kind` in context.
pub fn plant_sentence(
    rng: &mut Rng,
    d: &mut Draft,
    kind: Kind,
    loc: &Location,
    year: i32,
) -> String {
    match kind {
        Kind::Iban => {
            let iban = if rng.chance(1, 5) {
                let c = *rng.pick(&["DE", "BE", "ES", "IT", "NL", "LU", "PT"]);
                ids::foreign_iban(rng, c)
            } else {
                ids::fr_account(rng).iban
            };
            let raw = d.plant_laid(rng, kind, &iban, layout::iban, loc);
            format!("Merci d'effectuer le virement sur le compte IBAN {raw}.")
        }
        Kind::FrRib => {
            let a = ids::fr_account(rng);
            let c = d.plant_rib(&a, loc);
            format!(
                "Code banque | Code guichet | N° de compte | Clé RIB\n{} | {} | {} | {}",
                c[0], c[1], c[2], c[3]
            )
        }
        Kind::PaymentCard => {
            let card = ids::payment_card(rng);
            let raw = d.plant_laid(rng, kind, &card, layout::card, loc);
            format!(
                "Vous pouvez débiter ma carte n° {raw}, expiration {:02}/{}.",
                rng.range(1, 12),
                rng.range(26, 30)
            )
        }
        Kind::FrNir => {
            let sex = *rng.pick(&[1, 2]);
            let year = rng.range(1945, 2004) as i32;
            let month = rng.range(1, 12) as u32;
            let n = ids::nir(rng, sex, year, month);
            let raw = d.plant_laid(rng, kind, &n, layout::nir, loc);
            format!("Mon numéro de sécurité sociale est le {raw}.")
        }
        Kind::FrSiren => {
            let siren = ids::siren(rng);
            let raw = d.plant_laid(rng, kind, &siren, layout::siren, loc);
            format!("L'entreprise est immatriculée au RCS de Dijon sous le numéro SIREN {raw}.")
        }
        Kind::FrSiret => {
            let s = ids::siren(rng);
            let siret = ids::siret(rng, &s);
            let raw = d.plant_laid(rng, kind, &siret, layout::siret, loc);
            format!("SIRET de l'établissement : {raw}.")
        }
        Kind::FrVat => {
            let s = ids::siren(rng);
            let raw = d.plant_laid(rng, kind, &ids::vat(&s), layout::vat, loc);
            format!("Notre numéro de TVA intracommunautaire : {raw}.")
        }
        Kind::FrTaxId => {
            let spi = ids::spi(rng);
            let raw = d.plant_laid(rng, kind, &spi, layout::spi, loc);
            format!("Numéro fiscal du foyer : {raw}.")
        }
        Kind::IdentityDocumentNumber => {
            let (label, n) = match rng.below(3) {
                0 => {
                    let issued = rng.range(2006, i64::from(year.min(2021))) as i32;
                    ("carte d'identité n°", ids::cni_old(rng, issued))
                }
                1 => ("carte nationale d'identité n°", ids::cni_new(rng)),
                _ => ("passeport n°", ids::passport(rng)),
            };
            let raw = d.plant(kind, n, loc);
            format!("Pièce d'identité présentée : {label} {raw}.")
        }
        Kind::PasswordInClear => {
            let raw = d.plant(kind, ids::password(rng), loc);
            format!("Identifiant : secretariat / Mot de passe : {raw}")
        }
    }
}

/// Harmless numbers of everyday mail: phones, amounts, dates, postal codes, references.
fn everyday_numbers(rng: &mut Rng, year: i32) -> String {
    match rng.below(6) {
        0 => format!(
            "Vous pouvez me joindre au {} (portable) ou au {}.",
            lexicon::phone(rng, true),
            lexicon::phone(rng, false)
        ),
        1 => format!(
            "Le montant total s'élève à {} TTC, soit {} par foyer.",
            super::money::euros(rng.range(10_000, 2_500_000)),
            super::money::euros(rng.range(500, 9_000))
        ),
        2 => format!(
            "Rendez-vous le {:02}/{:02}/{year} à {}h{:02}, salle du conseil, {} {}.",
            rng.range(1, 28),
            rng.range(1, 12),
            rng.range(8, 19),
            rng.pick(&[0, 15, 30]),
            lexicon::COMMUNE_CP,
            COMMUNE
        ),
        3 => format!(
            "Votre commande n° {} du {:02}/{:02}/{year} a bien été enregistrée.",
            reference(rng, "CMD", year),
            rng.range(1, 28),
            rng.range(1, 12)
        ),
        4 => {
            let n = ids::safe_digits(rng, 10, false);
            format!(
                "Dossier suivi sous la référence {} ; courrier recommandé n° 1A {} {} {}.",
                reference(rng, "REF", year),
                &n[..3],
                &n[3..6],
                &n[6..]
            )
        }
        _ => format!(
            "Envoyer le courrier à : {} {}, {} {}.",
            rng.range(1, 99),
            rng.pick(lexicon::STREETS),
            rng.pick(lexicon::TOWNS).0,
            rng.pick(lexicon::TOWNS).1
        ),
    }
}

/// Ordinary mail on a random topic, incoming or (in Sent) a reply from the mairie.
pub fn ordinary(ctx: &mut Ctx, with_attachment: bool) -> Result<Draft, CorpusError> {
    let year = ctx.slot.year();
    let topic = ctx.rng.below(TOPICS.len() as u64) as usize;
    let subject = lexicon::filled(ctx.rng.pick_str(TOPICS[topic].0), &mut ctx.rng, year);
    let p = lexicon::person(&mut ctx.rng);
    let sent = ctx.slot.folder.name() == "Sent";
    let (from, to, subject) = if sent {
        (
            mairie_addr(ctx.mairie),
            person_addr(&p),
            format!("Re: {subject}"),
        )
    } else {
        (person_addr(&p), mairie_addr(ctx.mairie), subject)
    };
    let mut d = Draft::new(ctx, "ordinary", from, to, subject);
    if with_attachment {
        d.scenario = "ordinary_attachment";
    }
    let rng = &mut ctx.rng;
    let mut lines = Vec::new();
    let paragraphs = if ctx.slot.big {
        rng.urange(3, 8)
    } else {
        rng.urange(1, 3)
    };
    for _ in 0..paragraphs {
        let mut para = String::new();
        lexicon::paragraph_between(rng, topic, 2, 5, year, &mut para);
        lines.push(para);
        lines.push(String::new());
    }
    for _ in 0..rng.urange(1, 3) {
        lines.push(everyday_numbers(rng, year));
    }
    if rng.chance(1, 4) {
        lines.push(decoy_sentence(rng, &mut d, &Location::Body));
    }
    let signature = if sent {
        lexicon::mairie_signature(ctx.mairie)
    } else {
        lexicon::signature(&p, None, None)
    };
    letter(&mut d, rng, &lines, &signature);
    if sent {
        let mut original = String::new();
        lexicon::paragraph(rng, topic, 2, year, &mut original);
        d.text.push_str(&quote_block(
            &original,
            &p.full(),
            &ctx.slot.date_long(-rng.range(1, 6)),
        ));
        d.in_reply_to = Some(format!(
            "<{}@{}>",
            rng.hex(16),
            p.email.rsplit('@').next().unwrap_or("example.fr")
        ));
    }
    if with_attachment {
        let fmt = *rng.pick(&[
            Format::Pdf,
            Format::Docx,
            Format::Odt,
            Format::Ods,
            Format::Xlsx,
            Format::Pdf,
        ]);
        let name = format!(
            "{}.{}",
            rng.pick(&[
                "Compte_rendu",
                "Convocation",
                "Planning",
                "Affiche_fete",
                "Ordre_du_jour",
                "Bulletin_municipal"
            ]),
            fmt.extension()
        );
        let mut doc = Doc::new(ctx.slot.doc_date());
        doc.title(lexicon::filled(rng.pick_str(TOPICS[topic].0), rng, year));
        let n = if ctx.slot.big {
            rng.urange(10, 40)
        } else {
            rng.urange(2, 5)
        };
        for _ in 0..n {
            let mut para = String::new();
            lexicon::paragraph_between(rng, topic, 2, 6, year, &mut para);
            doc.para(para);
        }
        if fmt == Format::Ods || fmt == Format::Xlsx {
            let mut rows = vec![vec![
                "Date".to_string(),
                "Objet".to_string(),
                "Responsable".to_string(),
                "Budget".to_string(),
            ]];
            for _ in 0..rng.urange(3, 10) {
                rows.push(vec![
                    format!("{:02}/{:02}/{year}", rng.range(1, 28), rng.range(1, 12)),
                    lexicon::filled(rng.pick_str(TOPICS[topic].0), rng, year),
                    format!("{} {}", rng.pick(lexicon::FIRST_F), rng.pick(lexicon::LAST)),
                    layout::amount(rng.range(1_000, 500_000), "\u{a0}"),
                ]);
            }
            doc.table(rows);
        }
        d.attach_doc(&doc, fmt, &name)?;
        if ctx.slot.big && rng.chance(1, 2) {
            let img = crate::docs::image::png(&crate::docs::image::scanned_page(rng, 160, 220));
            d.attach("image/png", "photo_chantier.png", img);
        }
    }
    Ok(d)
}

/// A mail in English from the twinned town: several body lines start with « From », which an
/// mbox writer must quote.
pub fn twinning(ctx: &mut Ctx) -> Result<Draft, CorpusError> {
    let year = ctx.slot.year();
    let from = (
        "Margaret Ashcombe".to_string(),
        "twinning@greatmortlake.example.org".to_string(),
    );
    let mut d = Draft::new(
        ctx,
        "twinning",
        from,
        mairie_addr(ctx.mairie),
        format!("Twinning visit {year}"),
    );
    d.charset = Charset::Utf8;
    d.cte = Cte::SevenBit;
    d.html = false;
    let rng = &mut ctx.rng;
    d.text = format!(
        "Dear friends of {COMMUNE},\n\nFrom all of us in Great Mortlake, warm greetings!\nFrom the {}th to the {}th of May we hope to visit you with a group of {} people.\n\n>From the minutes of our committee (quoted by our secretary):\n> accommodation with host families as usual\n\nFrom now on, please write to this new address.\n\nBest wishes,\nMargaret\n",
        rng.range(10, 14),
        rng.range(15, 19),
        rng.range(12, 40)
    );
    Ok(d)
}

/// Markup in the subject, the sender name, an attachment name and an HTML part: a report must
/// escape all of them. The attachment holds a real invoice.
pub fn hostile_script(ctx: &mut Ctx) -> Result<Draft, CorpusError> {
    let co = lexicon::company(&mut ctx.rng);
    let from = (
        "<img src=x onerror=alert(1)>".to_string(),
        "facturation@fournisseur-douteux.example.net".to_string(),
    );
    let subject = "Facture <script>alert(1)</script> à régler".to_string();
    let mut d = Draft::new(
        ctx,
        "hostile_script",
        from,
        mairie_addr(ctx.mairie),
        subject,
    );
    d.category(Category::Invoice);
    d.notes.push("sujet, nom d'expéditeur, nom de pièce jointe et partie HTML contenant du balisage hostile (<script>, onerror)".into());
    let rng = &mut ctx.rng;
    let file = "<script>alert(1)</script>.pdf";
    let loc = Location::attachment(file);
    let number = reference(rng, "FA", ctx.slot.year());
    let date = ctx.slot.date_fr(0);
    let doc = super::money::invoice_doc(
        rng,
        ctx.mairie,
        &mut d,
        &co,
        false,
        &number,
        &date,
        &loc,
        None,
        ctx.slot.doc_date(),
    );
    let pdf = Format::Pdf.write(&doc)?;
    let text = format!(
        "Bonjour,\n\nVotre facture {number} est disponible en pièce jointe. Règlement immédiat exigé.\n\n<script>alert('texte')</script>\n"
    );
    d.text = text.clone();
    let html = format!(
        "<html><body><p>Votre facture {number}</p><script>alert(document.cookie)</script><img src=\"x\" onerror=\"alert(2)\"><a href=\"javascript:alert(3)\">Payer</a></body></html>\n"
    );
    let alt = Part::multipart(
        "alternative",
        vec![
            Part::text("plain", &text, Charset::Utf8, Cte::QuotedPrintable),
            Part::text("html", &html, Charset::Utf8, Cte::QuotedPrintable),
        ],
    );
    d.root_override = Some(Part::multipart(
        "mixed",
        vec![alt, Part::attachment("application/pdf", file, pdf)],
    ));
    d.attachment_names.push(file.to_string());
    Ok(d)
}

/// A broken MIME structure; the text part before the damage carries an IBAN.
pub fn hostile_broken(ctx: &mut Ctx) -> Result<Draft, CorpusError> {
    let p = lexicon::person(&mut ctx.rng);
    let mut d = Draft::new(
        ctx,
        "hostile_broken_mime",
        person_addr(&p),
        mairie_addr(ctx.mairie),
        "RIB pour le remboursement",
    );
    d.category(Category::BankDetails);
    let rng = &mut ctx.rng;
    let a = ids::fr_account(rng);
    let iban = d.plant(
        Kind::Iban,
        layout::iban(&a.iban, Layout::SPACED),
        &Location::Body,
    );
    let variant = rng.below(2);
    let mut raw = Vec::new();
    let text = format!(
        "Bonjour,\n\nVoici mon IBAN pour le remboursement : {iban}\n\nCordialement,\n{}\n",
        p.full()
    );
    let boundary = "=_vigie_broken_boundary";
    if variant == 0 {
        d.notes
            .push("MIME cassé : base64 de la pièce jointe tronqué et limite de fin absente".into());
        raw.extend_from_slice(format!("--{boundary}\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n{text}\n--{boundary}\nContent-Type: application/pdf; name=\"RIB.pdf\"\nContent-Disposition: attachment; filename=\"RIB.pdf\"\nContent-Transfer-Encoding: base64\n\nJVBERi0xLjQKJeLjz9MKMSAwIG9iago8PCAvVHlwZSAvQ2F0YWxvZyAvUGFnZXMgMiAwIFIgPj4K\nZW5kb2JqCjIgMCBvYmoKPDwgL1R5cGUgL1Bh\n").as_bytes());
    } else {
        d.notes.push("MIME cassé : la limite déclarée dans l'en-tête ne correspond pas à celle utilisée dans le corps ; un analyseur peut rapporter le texte comme corps ou comme pièce jointe sans nom".into());
        raw.extend_from_slice(format!("--other_boundary_never_declared\nContent-Type: text/plain; charset=utf-8\n\n{text}\n--other_boundary_never_declared\nContent-Type: image/jpeg; name=\"scan.jpg\"\nContent-Transfer-Encoding: base64\n\n/9j/4AAQSkZJRgABAQ$$$invalid$$$\n--other_boundary_never_declared--\n").as_bytes());
    }
    let mut root = Part::multipart("mixed", Vec::new());
    root.boundary = Some(boundary.to_string());
    root.body = crate::mime::Body::Raw(raw);
    d.root_override = Some(root);
    d.text = text;
    Ok(d)
}

/// A body whose charset label lies; values are ASCII and still readable.
pub fn hostile_charset(ctx: &mut Ctx) -> Result<Draft, CorpusError> {
    let co = lexicon::company(&mut ctx.rng);
    let mut d = Draft::new(
        ctx,
        "hostile_charset",
        (co.contact.full(), co.contact.email.clone()),
        mairie_addr(ctx.mairie),
        "Relance facture impayée – coût total",
    );
    d.category(Category::Invoice);
    let rng = &mut ctx.rng;
    let siret = d.plant(
        Kind::FrSiret,
        layout::siret(&co.siret, Layout::SPACED),
        &Location::Body,
    );
    let iban = d.plant(
        Kind::Iban,
        layout::iban(&co.account.iban, Layout::SPACED),
        &Location::Body,
    );
    let text = format!(
        "Bonjour,\n\nSauf erreur de notre part, la facture {} d’un montant de 1 250,00 € reste impayée à ce jour.\nMerci de procéder au règlement par virement : IBAN {iban}.\n\nL’équipe comptable – {} – SIRET {siret}\n",
        reference(rng, "FA", ctx.slot.year()),
        co.name
    );
    let (bytes, label, note) = match rng.below(3) {
        0 => (
            Charset::Windows1252.encode(&Charset::Windows1252.downgrade(&text)),
            "iso-8859-1",
            "jeu de caractères annoncé iso-8859-1 alors que le corps est en windows-1252 (€ et ’ en 0x80 et 0x92)",
        ),
        1 => (
            text.as_bytes().to_vec(),
            "iso-8859-1",
            "jeu de caractères annoncé iso-8859-1 alors que le corps est en UTF-8",
        ),
        _ => (
            Charset::Latin1.encode(&Charset::Latin1.downgrade(&text)),
            "utf-8",
            "jeu de caractères annoncé utf-8 alors que le corps est en iso-8859-1 (octets invalides)",
        ),
    };
    d.notes.push(note.into());
    d.root_override = Some(Part::text_bytes("plain", bytes, label, Cte::EightBit));
    d.text = text;
    Ok(d)
}

/// The text-heavy messages of the throughput benchmark: long French prose, mostly plain text
/// or quoted-printable, with a few planted values and decoys.
pub fn bench_text(ctx: &mut Ctx) -> Result<Draft, CorpusError> {
    let year = ctx.slot.year();
    let topic = ctx.rng.below(TOPICS.len() as u64) as usize;
    let subject = lexicon::filled(ctx.rng.pick_str(TOPICS[topic].0), &mut ctx.rng, year);
    let p = lexicon::person(&mut ctx.rng);
    let mut d = Draft::new(
        ctx,
        Scenario::Bench.name(),
        person_addr(&p),
        mairie_addr(ctx.mairie),
        subject,
    );
    let rng = &mut ctx.rng;
    d.html = rng.chance(1, 12);
    d.cte = *rng.weighted(&[
        (50, Cte::EightBit),
        (45, Cte::QuotedPrintable),
        (5, Cte::Base64),
    ]);
    if d.cte == Cte::EightBit && rng.chance(1, 3) {
        d.charset = Charset::Latin1;
    }
    let paragraphs = rng.urange(4, 26);
    let plants = rng.urange(1, 4);
    let mut plant_at: Vec<usize> = (0..plants).map(|_| rng.urange(0, paragraphs - 1)).collect();
    plant_at.sort_unstable();
    let mut body = String::with_capacity(paragraphs * 600);
    body.push_str(rng.pick_str(lexicon::GREETINGS));
    body.push_str("\n\n");
    for i in 0..paragraphs {
        let t = if rng.chance(1, 3) {
            rng.below(TOPICS.len() as u64) as usize
        } else {
            topic
        };
        lexicon::paragraph_between(rng, t, 3, 7, year, &mut body);
        for _ in plant_at.iter().filter(|&&k| k == i) {
            let kind = *rng.weighted(&[
                (30, Kind::Iban),
                (6, Kind::FrRib),
                (5, Kind::PaymentCard),
                (8, Kind::FrNir),
                (8, Kind::FrSiren),
                (14, Kind::FrSiret),
                (10, Kind::FrVat),
                (6, Kind::FrTaxId),
                (7, Kind::IdentityDocumentNumber),
                (6, Kind::PasswordInClear),
            ]);
            body.push('\n');
            body.push_str(&plant_sentence(rng, &mut d, kind, &Location::Body, year));
        }
        if rng.chance(1, 6) {
            body.push(' ');
            body.push_str(&everyday_numbers(rng, year));
        }
        if rng.chance(1, 40) {
            body.push(' ');
            body.push_str(&decoy_sentence(rng, &mut d, &Location::Body));
        }
        body.push_str("\n\n");
    }
    body.push_str(rng.pick_str(lexicon::CLOSINGS));
    body.push_str("\n\n");
    body.push_str(&lexicon::signature(&p, None, None));
    body.push('\n');
    d.text = body;
    Ok(d)
}
