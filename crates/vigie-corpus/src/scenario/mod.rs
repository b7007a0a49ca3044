//! Message scenarios: who writes to the mairie, about what, with which documents.
//!
//! A scenario fills a [`Draft`]: headers, a text body, attachments, and — through
//! [`Draft::plant`] — the truth about every sensitive value it writes. Planting and writing are
//! the same call, so the manifest cannot drift from the text.
//!
//! - [`money`]: invoices, quotes, RIB, bank statements, supplier lists, card numbers;
//! - [`admin`]: notaries, état civil, urbanisme, identity documents, payslips, tax notices,
//!   passwords, signatures and stamps;
//! - [`everyday`]: ordinary mail with decoys, a foreign-language mail, hostile messages, and the
//!   text-heavy messages of the benchmark corpus.

pub mod admin;
pub mod everyday;
pub mod money;

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike, Weekday};

use crate::CorpusError;
use crate::docs::{Doc, Format};
use crate::layout::{self, Layout};
use crate::lexicon::{self, DOMAIN, Mairie, Person};
use crate::mime::{self, Charset, Cte, HeaderStyle, Message, Part};
use crate::rng::Rng;
use crate::truth::{Category, Decoy, Kind, Location, Planted, Truth};

/// A mail folder, named as a user sees it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Folder(pub String);

impl Folder {
    pub fn inbox() -> Folder {
        Folder("INBOX".into())
    }
    pub fn name(&self) -> &str {
        &self.0
    }
    /// Directory of the folder in a Maildir++ tree: `""` for INBOX, `.Sent`, `.Archives.2019`,
    /// `.Comptabilit&AOk-` (IMAP modified UTF-7, as Dovecot names it).
    pub fn maildir_dir(&self) -> String {
        if self.0 == "INBOX" {
            return String::new();
        }
        format!(".{}", mutf7(&self.0.replace('/', ".")))
    }
}

/// IMAP modified UTF-7 (RFC 3501 §5.1.3).
pub fn mutf7(s: &str) -> String {
    use base64::Engine as _;
    let mut out = String::new();
    let mut pending: Vec<u16> = Vec::new();
    let flush = |pending: &mut Vec<u16>, out: &mut String| {
        if pending.is_empty() {
            return;
        }
        let bytes: Vec<u8> = pending.iter().flat_map(|u| u.to_be_bytes()).collect();
        let enc = base64::engine::general_purpose::STANDARD_NO_PAD
            .encode(bytes)
            .replace('/', ",");
        out.push('&');
        out.push_str(&enc);
        out.push('-');
        pending.clear();
    };
    for c in s.chars() {
        if (' '..='~').contains(&c) {
            flush(&mut pending, &mut out);
            if c == '&' {
                out.push_str("&-");
            } else {
                out.push(c);
            }
        } else {
            let mut buf = [0u16; 2];
            pending.extend_from_slice(c.encode_utf16(&mut buf));
        }
    }
    flush(&mut pending, &mut out);
    out
}

/// The scenarios, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scenario {
    Invoice,
    Quote,
    RibSupplier,
    RibAdministre,
    RibForwarded,
    CommuneRib,
    SupplierList,
    BankStatement,
    CardPayment,
    ZipToTreasury,
    Notarial,
    Succession,
    Cadastre,
    EtatCivil,
    Urbanisme,
    Identity,
    Payslip,
    TaxNotice,
    CcasDossier,
    Password,
    SignedQuote,
    Ordinary,
    OrdinaryWithAttachment,
    Twinning,
    HostileScript,
    HostileBroken,
    HostileCharset,
    Bench,
}

impl Scenario {
    pub fn name(self) -> &'static str {
        match self {
            Scenario::Invoice => "invoice",
            Scenario::Quote => "quote",
            Scenario::RibSupplier => "rib_supplier",
            Scenario::RibAdministre => "rib_administre",
            Scenario::RibForwarded => "rib_forwarded",
            Scenario::CommuneRib => "commune_rib",
            Scenario::SupplierList => "supplier_list",
            Scenario::BankStatement => "bank_statement",
            Scenario::CardPayment => "card_payment",
            Scenario::ZipToTreasury => "zip_to_treasury",
            Scenario::Notarial => "notarial_sale",
            Scenario::Succession => "succession",
            Scenario::Cadastre => "cadastre",
            Scenario::EtatCivil => "etat_civil",
            Scenario::Urbanisme => "urbanisme",
            Scenario::Identity => "identity",
            Scenario::Payslip => "payslip",
            Scenario::TaxNotice => "tax_notice",
            Scenario::CcasDossier => "ccas_dossier",
            Scenario::Password => "password",
            Scenario::SignedQuote => "signed_quote",
            Scenario::Ordinary => "ordinary",
            Scenario::OrdinaryWithAttachment => "ordinary_attachment",
            Scenario::Twinning => "twinning",
            Scenario::HostileScript => "hostile_script",
            Scenario::HostileBroken => "hostile_broken_mime",
            Scenario::HostileCharset => "hostile_charset",
            Scenario::Bench => "bench_text",
        }
    }

    /// Whether the mairie is the sender (the message belongs in Sent).
    pub fn outgoing(self) -> bool {
        matches!(
            self,
            Scenario::CommuneRib | Scenario::ZipToTreasury | Scenario::SignedQuote
        )
    }

    /// Writes the draft of this scenario.
    pub fn build(self, ctx: &mut Ctx) -> Result<Draft, CorpusError> {
        match self {
            Scenario::Invoice => money::invoice(ctx, false),
            Scenario::Quote => money::invoice(ctx, true),
            Scenario::RibSupplier => money::rib_supplier(ctx),
            Scenario::RibAdministre => money::rib_administre(ctx),
            Scenario::RibForwarded => money::rib_forwarded(ctx),
            Scenario::CommuneRib => money::commune_rib(ctx),
            Scenario::SupplierList => money::supplier_list(ctx),
            Scenario::BankStatement => money::bank_statement(ctx),
            Scenario::CardPayment => money::card_payment(ctx),
            Scenario::ZipToTreasury => money::zip_to_treasury(ctx),
            Scenario::Notarial => admin::notarial_sale(ctx),
            Scenario::Succession => admin::succession(ctx),
            Scenario::Cadastre => admin::cadastre(ctx),
            Scenario::EtatCivil => admin::etat_civil(ctx),
            Scenario::Urbanisme => admin::urbanisme(ctx),
            Scenario::Identity => admin::identity(ctx),
            Scenario::Payslip => admin::payslip(ctx),
            Scenario::TaxNotice => admin::tax_notice(ctx),
            Scenario::CcasDossier => admin::ccas_dossier(ctx),
            Scenario::Password => admin::password(ctx),
            Scenario::SignedQuote => admin::signed_quote(ctx),
            Scenario::Ordinary => everyday::ordinary(ctx, false),
            Scenario::OrdinaryWithAttachment => everyday::ordinary(ctx, true),
            Scenario::Twinning => everyday::twinning(ctx),
            Scenario::HostileScript => everyday::hostile_script(ctx),
            Scenario::HostileBroken => everyday::hostile_broken(ctx),
            Scenario::HostileCharset => everyday::hostile_charset(ctx),
            Scenario::Bench => everyday::bench_text(ctx),
        }
    }
}

/// Where and when a message goes, decided by the corpus plan before it is written.
#[derive(Debug, Clone)]
pub struct Slot {
    pub index: usize,
    pub scenario: Scenario,
    pub folder: Folder,
    pub date: NaiveDateTime,
    /// Larger attachments (the mailbox benchmark).
    pub big: bool,
    /// Unread: the file goes to `new/` without flags.
    pub unread: bool,
}

/// Everything a scenario may use.
pub struct Ctx<'a> {
    pub rng: Rng,
    pub mairie: &'a Mairie,
    pub slot: Slot,
}

impl Slot {
    pub fn year(&self) -> i32 {
        self.date.year()
    }

    /// The Doc date tuple of the message date.
    pub fn doc_date(&self) -> (u16, u8, u8, u8, u8, u8) {
        let d = self.date;
        (
            d.year() as u16,
            d.month() as u8,
            d.day() as u8,
            d.hour() as u8,
            d.minute() as u8,
            d.second() as u8,
        )
    }

    /// `dd/mm/yyyy` of the message date shifted by `days`.
    pub fn date_fr(&self, days: i64) -> String {
        let d = self.date.date() + chrono::Duration::days(days);
        d.format("%d/%m/%Y").to_string()
    }

    /// A date in words, « 12 mars 2019 », shifted by `days`.
    pub fn date_long(&self, days: i64) -> String {
        let d = self.date.date() + chrono::Duration::days(days);
        format!(
            "{} {} {}",
            d.day(),
            lexicon::MONTHS[d.month0() as usize],
            d.year()
        )
    }
}

/// A message being written.
pub struct Draft {
    pub scenario: &'static str,
    pub from: (String, String),
    pub to: Vec<(String, String)>,
    pub cc: Vec<(String, String)>,
    pub subject: String,
    pub text: String,
    /// Also send an HTML alternative of the text.
    pub html: bool,
    pub charset: Charset,
    pub cte: Cte,
    pub header_style: HeaderStyle,
    pub attachments: Vec<Part>,
    pub attachment_names: Vec<String>,
    pub planted: Vec<Planted>,
    pub decoys: Vec<Decoy>,
    pub categories: BTreeSet<Category>,
    pub notes: Vec<String>,
    pub in_reply_to: Option<String>,
    pub mailer: &'static str,
    /// Replaces the whole MIME structure (broken messages).
    pub root_override: Option<Part>,
    /// Extra top-level headers.
    pub extra_headers: Vec<(String, String)>,
}

/// Mail clients seen in a mairie's mailbox.
const MAILERS: &[&str] = &[
    "Microsoft Outlook 16.0",
    "Mozilla Thunderbird",
    "Roundcube Webmail/1.4.15",
    "Zimbra 8.8.15_GA",
    "Apple Mail (2.3445.104.11)",
    "Open-Xchange Mailer v7.10.6",
    "",
];

impl Draft {
    /// A new draft with a charset, transfer encoding and header style chosen at random in the
    /// proportions of a real mailbox.
    pub fn new(
        ctx: &mut Ctx,
        scenario: &'static str,
        from: (String, String),
        to: (String, String),
        subject: impl Into<String>,
    ) -> Draft {
        let rng = &mut ctx.rng;
        let charset = *rng.weighted(&[
            (60, Charset::Utf8),
            (22, Charset::Latin1),
            (18, Charset::Windows1252),
        ]);
        let cte = match charset {
            Charset::Utf8 => *rng.weighted(&[
                (45, Cte::QuotedPrintable),
                (30, Cte::Base64),
                (25, Cte::EightBit),
            ]),
            _ => *rng.weighted(&[(65, Cte::QuotedPrintable), (35, Cte::EightBit)]),
        };
        let header_style = *rng.weighted(&[
            (45, HeaderStyle::Q),
            (35, HeaderStyle::B),
            (17, HeaderStyle::Latin1Q),
            (3, HeaderStyle::Raw8),
        ]);
        Draft {
            scenario,
            from,
            to: vec![to],
            cc: Vec::new(),
            subject: subject.into(),
            text: String::new(),
            html: rng.chance(1, 4),
            charset,
            cte,
            header_style,
            attachments: Vec::new(),
            attachment_names: Vec::new(),
            planted: Vec::new(),
            decoys: Vec::new(),
            categories: BTreeSet::new(),
            notes: Vec::new(),
            in_reply_to: None,
            mailer: rng.pick_str(MAILERS),
            root_override: None,
            extra_headers: Vec::new(),
        }
    }

    /// A random layout fit for `loc` (see [`layout::for_file`]).
    fn layout_at(&self, rng: &mut Rng, loc: &Location) -> Layout {
        match loc {
            Location::Body => Layout::random(rng, self.charset.is_unicode()),
            Location::Attachment(name) => layout::for_file(rng, name, true),
        }
    }

    /// Records a planted value and returns its text, to be written at `loc`.
    pub fn plant(&mut self, kind: Kind, raw: impl Into<String>, loc: &Location) -> String {
        self.plant_inner(kind, raw, loc, None)
    }

    /// Same as [`Draft::plant`] for a file inside an archive or forwarded message.
    pub fn plant_inner(
        &mut self,
        kind: Kind,
        raw: impl Into<String>,
        loc: &Location,
        inner: Option<&str>,
    ) -> String {
        let raw = raw.into();
        // Passwords are case-sensitive and may hold dots or dashes: kept as written, as
        // vigie-scan reports them.
        let value = if kind == Kind::PasswordInClear {
            raw.clone()
        } else {
            layout::normalise(&raw)
        };
        let p = Planted {
            kind,
            value,
            raw: raw.clone(),
            location: loc.clone(),
            inner: inner.map(str::to_string),
        };
        if !self.planted.iter().any(|q| {
            q.kind == p.kind && q.value == p.value && q.location == p.location && q.inner == p.inner
        }) {
            self.planted.push(p);
        }
        raw
    }

    /// Plants `value` written with a random layout by `fmt` (one of the `layout` functions).
    pub fn plant_laid(
        &mut self,
        rng: &mut Rng,
        kind: Kind,
        value: &str,
        fmt: fn(&str, Layout) -> String,
        loc: &Location,
    ) -> String {
        let lay = self.layout_at(rng, loc);
        let raw = fmt(value, lay);
        self.plant(kind, raw, loc)
    }

    /// Plants a French RIB written as the four cells of a table; returns the cells.
    pub fn plant_rib(&mut self, a: &crate::ids::FrAccount, loc: &Location) -> [String; 4] {
        self.plant(
            Kind::FrRib,
            format!("{} {} {} {}", a.bank, a.branch, a.account, a.key),
            loc,
        );
        [
            a.bank.clone(),
            a.branch.clone(),
            a.account.clone(),
            a.key.clone(),
        ]
    }

    /// Records a lookalike and returns its text.
    pub fn decoy(&mut self, looks_like: Kind, raw: String, loc: &Location, reason: &str) -> String {
        self.decoys.push(Decoy {
            looks_like,
            raw: raw.clone(),
            location: loc.clone(),
            reason: reason.to_string(),
        });
        raw
    }

    pub fn category(&mut self, c: Category) {
        self.categories.insert(c);
    }

    /// Attaches a document written in `format` under `name`.
    pub fn attach_doc(&mut self, doc: &Doc, format: Format, name: &str) -> Result<(), CorpusError> {
        let data = format.write(doc)?;
        self.attach(format.mime_type(), name, data);
        Ok(())
    }

    pub fn attach(&mut self, mime_type: &str, name: &str, data: Vec<u8>) {
        self.attachments
            .push(Part::attachment(mime_type, name, data));
        self.attachment_names.push(name.to_string());
    }

    /// Attaches an already built part (forwarded message, inline image).
    pub fn attach_part(&mut self, part: Part, name: &str) {
        self.attachments.push(part);
        self.attachment_names.push(name.to_string());
    }

    pub fn line(&mut self, s: &str) {
        self.text.push_str(s);
        self.text.push('\n');
    }

    pub fn blank(&mut self) {
        self.text.push('\n');
    }
}

/// Offset of Paris time (CET/CEST) at a local date and time: summer time from the last
/// Sunday of March to the last Sunday of October.
pub fn paris_offset(dt: NaiveDateTime) -> i32 {
    fn last_sunday(year: i32, month: u32) -> NaiveDate {
        let mut d = NaiveDate::from_ymd_opt(year, month, 31).unwrap_or(NaiveDate::MIN);
        while d.weekday() != Weekday::Sun {
            d = d.pred_opt().unwrap_or(d);
        }
        d
    }
    let y = dt.year();
    let start = last_sunday(y, 3).and_hms_opt(2, 0, 0);
    let end = last_sunday(y, 10).and_hms_opt(3, 0, 0);
    match (start, end) {
        (Some(s), Some(e)) if dt >= s && dt < e => 2,
        _ => 1,
    }
}

/// RFC 5322 date with the Paris offset.
pub fn rfc5322_date(dt: NaiveDateTime) -> String {
    format!(
        "{} +0{}00",
        dt.format("%a, %d %b %Y %H:%M:%S"),
        paris_offset(dt)
    )
}

/// Seconds since the epoch of a Paris local time.
pub fn unix_time(dt: NaiveDateTime) -> i64 {
    dt.and_utc().timestamp() - i64::from(paris_offset(dt)) * 3600
}

fn domain_of(email: &str) -> &str {
    email.rsplit('@').next().unwrap_or(DOMAIN)
}

/// The rendered message and its truth (the path is filled in by the corpus writer).
pub struct Rendered {
    pub raw: Vec<u8>,
    pub truth: Truth,
}

/// Renders a draft into an RFC 5322 message.
pub fn render(d: Draft, ctx: &mut Ctx) -> Rendered {
    let date = rfc5322_date(ctx.slot.date);
    let from_domain = domain_of(&d.from.1).to_string();
    let message_id = format!(
        "<{}.{}@{}>",
        ctx.slot.date.format("%Y%m%d%H%M%S"),
        ctx.rng.hex(12),
        from_domain
    );
    let mut headers: Vec<(String, String)> = Vec::new();
    headers.push(("Return-Path".into(), format!("<{}>", d.from.1)));
    if from_domain != DOMAIN {
        // Documentation address ranges only (RFC 5737).
        headers.push((
            "Received".into(),
            format!(
                "from mail.{from_domain} (mail.{from_domain} [192.0.2.{}])\n\tby mx.{DOMAIN} with ESMTPS id {};\n\t{date}",
                ctx.rng.range(1, 254),
                ctx.rng.hex(10).to_uppercase()
            ),
        ));
    }
    headers.push(("Date".into(), date.clone()));
    headers.push((
        "From".into(),
        mime::address(&d.from.0, &d.from.1, d.header_style),
    ));
    let to: Vec<String> =
        d.to.iter()
            .map(|(n, e)| mime::address(n, e, d.header_style))
            .collect();
    headers.push(("To".into(), to.join(",\n\t")));
    if !d.cc.is_empty() {
        let cc: Vec<String> =
            d.cc.iter()
                .map(|(n, e)| mime::address(n, e, d.header_style))
                .collect();
        headers.push(("Cc".into(), cc.join(",\n\t")));
    }
    headers.push((
        "Subject".into(),
        mime::header_text(&d.subject, d.header_style),
    ));
    headers.push(("Message-ID".into(), message_id.clone()));
    if let Some(r) = &d.in_reply_to {
        headers.push(("In-Reply-To".into(), r.clone()));
        headers.push(("References".into(), r.clone()));
    }
    if !d.mailer.is_empty() {
        let key = if d.mailer.starts_with("Mozilla") || d.mailer.starts_with("Roundcube") {
            "User-Agent"
        } else {
            "X-Mailer"
        };
        headers.push((key.into(), d.mailer.to_string()));
    }
    headers.extend(d.extra_headers.iter().cloned());

    let mut attachment_names = d.attachment_names;
    let root = match d.root_override {
        Some(p) => p,
        None => {
            let plain = Part::text("plain", &d.text, d.charset, d.cte);
            let body = if d.html {
                let html = Part::text(
                    "html",
                    &mime::text_to_html(&d.charset.downgrade(&d.text)),
                    Charset::Utf8,
                    Cte::QuotedPrintable,
                );
                Part::multipart("alternative", vec![plain, html])
            } else {
                plain
            };
            let mut attachments = d.attachments;
            if ctx.slot.big && ctx.rng.chance(2, 5) {
                // Outlook-style signature logo: what makes real mailboxes heavy.
                let png = crate::docs::image::png(&crate::docs::image::logo(&mut ctx.rng, 150, 60));
                let cid = format!("image001.png@01D{}", ctx.rng.hex(12).to_uppercase());
                attachments.push(Part::inline_image("image/png", "image001.png", &cid, png));
                attachment_names.push("image001.png".to_string());
            }
            if attachments.is_empty() {
                body
            } else {
                let mut parts = vec![body];
                parts.extend(attachments);
                Part::multipart("mixed", parts)
            }
        }
    };
    let token = ctx.rng.hex(16);
    let raw = Message { headers, root }.render(&token);
    // The subject a reader decodes: Latin-1 encoded-words cannot carry « – » or « œ ».
    let subject = if d.header_style == HeaderStyle::Latin1Q {
        Charset::Latin1.downgrade(&d.subject)
    } else {
        d.subject
    };
    let truth = Truth {
        message_id,
        folder: ctx.slot.folder.name().to_string(),
        path: String::new(),
        file_name: String::new(),
        subject,
        date,
        scenario: d.scenario.to_string(),
        planted: d.planted,
        categories: d.categories.into_iter().collect(),
        decoys: d.decoys,
        attachments: attachment_names,
        notes: d.notes,
    };
    Rendered { raw, truth }
}

// ---------------------------------------------------------------------------------------------
// Shared pieces of scenarios.

/// The mairie's secretariat as a sender or recipient.
pub fn mairie_addr(m: &Mairie) -> (String, String) {
    (
        format!("Mairie de {}", lexicon::COMMUNE),
        m.secretaire.email.clone(),
    )
}

pub fn person_addr(p: &Person) -> (String, String) {
    (p.full(), p.email.clone())
}

/// Appends a greeting, `lines`, a closing and the sender's signature.
pub fn letter(d: &mut Draft, rng: &mut Rng, lines: &[String], signature: &str) {
    // The mairie does not write « Monsieur le Maire » to others.
    let greetings = if d.from.1.ends_with(DOMAIN) {
        &[
            "Bonjour,",
            "Madame, Monsieur,",
            "Bonjour Madame,",
            "Bonjour Monsieur,",
        ][..]
    } else {
        lexicon::GREETINGS
    };
    d.line(rng.pick_str(greetings));
    d.blank();
    for l in lines {
        d.line(l);
    }
    d.blank();
    d.line(rng.pick_str(lexicon::CLOSINGS));
    d.blank();
    d.line(signature);
}

/// A quoted earlier message, as in a reply.
pub fn quote_block(text: &str, who: &str, when: &str) -> String {
    let mut out = format!("\nLe {when}, {who} a écrit :\n");
    for l in text.lines() {
        out.push_str("> ");
        out.push_str(l);
        out.push('\n');
    }
    out
}

/// A harmless reference number (never a valid checksum by accident).
pub fn reference(rng: &mut Rng, prefix: &str, year: i32) -> String {
    format!("{prefix}-{year}-{}", crate::ids::safe_digits(rng, 4, false))
}

/// Picks an attachment format for a text document.
pub fn doc_format(rng: &mut Rng) -> Format {
    *rng.weighted(&[
        (60, Format::Pdf),
        (18, Format::Docx),
        (12, Format::Odt),
        (5, Format::Xlsx),
        (5, Format::Ods),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modified_utf7() {
        assert_eq!(mutf7("Comptabilité"), "Comptabilit&AOk-");
        assert_eq!(mutf7("A&B"), "A&-B");
        assert_eq!(
            Folder("Archives/2019".into()).maildir_dir(),
            ".Archives.2019"
        );
        assert_eq!(Folder::inbox().maildir_dir(), "");
    }

    #[test]
    fn paris_offsets() {
        let d = |y, m, dd, h| {
            NaiveDate::from_ymd_opt(y, m, dd)
                .and_then(|x| x.and_hms_opt(h, 0, 0))
                .unwrap_or_default()
        };
        assert_eq!(paris_offset(d(2019, 1, 15, 10)), 1);
        assert_eq!(paris_offset(d(2019, 7, 15, 10)), 2);
        assert_eq!(paris_offset(d(2019, 3, 31, 3)), 2);
        assert_eq!(paris_offset(d(2019, 3, 30, 3)), 1);
        assert_eq!(
            rfc5322_date(d(2019, 7, 15, 10)),
            "Mon, 15 Jul 2019 10:00:00 +0200"
        );
    }
}
