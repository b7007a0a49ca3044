//! `vigie incident`, `vigie contacts`, `vigie organisation`: thin shell over
//! `vigie_incident::service`. Parses dates and options, prints text or JSON, maps errors to
//! French sentences and exit statuses.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use vigie_documents::DocumentKind;
use vigie_incident::deadline::format_paris;
use vigie_incident::dossier;
use vigie_incident::journal::{EntryKind, Head};
use vigie_incident::service::{IncidentChanges, IncidentDetails, IncidentService, IncidentView};
use vigie_store::ContactRecord;

use crate::cli_incident::*;
use crate::exit::{Failure, USAGE};

/// Exit status when verification finds something altered (docs/EXIT_CODES.md).
pub const INTEGRITY: i32 = 8;

impl From<vigie_incident::Error> for Failure {
    fn from(e: vigie_incident::Error) -> Failure {
        use vigie_incident::Error as E;
        let code = match &e {
            E::InvalidInput { .. }
            | E::UnknownPlaybook { .. }
            | E::UnknownRegion { .. }
            | E::UnknownStep { .. }
            | E::DuplicateEvidence { .. }
            | E::EvidenceFile { .. }
            | E::InvalidData { .. }
            | E::InvalidDossier { .. }
            | E::Read { .. } => USAGE,
            E::Store(s) if s.is_not_found() => USAGE,
            E::Write { .. } | E::EvidenceStore { .. } => 7,
            E::IntegrityCompromised { .. } | E::EvidenceAltered { .. } => INTEGRITY,
            _ => 1,
        };
        Failure::new(code, e.to_string())
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::new(1, format!("démarrage impossible : {e}")))
}

fn actor(arg: &ActorArg) -> String {
    arg.by
        .clone()
        .filter(|s| !s.trim().is_empty())
        .or_else(|| std::env::var("USER").ok().filter(|s| !s.is_empty()))
        .unwrap_or_else(|| "utilisateur".to_owned())
}

/// Parses a date: RFC 3339, or a local date and time of Paris (`2026-11-27T09:30`,
/// `2026-11-27 09:30`).
pub fn parse_date(value: &str, what: &str) -> Result<DateTime<Utc>, Failure> {
    let v = value.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(v) {
        return Ok(t.with_timezone(&Utc));
    }
    for format in [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
    ] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(v, format) {
            return match chrono_tz::Europe::Paris.from_local_datetime(&naive) {
                chrono::LocalResult::Single(t) => Ok(t.with_timezone(&Utc)),
                chrono::LocalResult::Ambiguous(t, _) => Ok(t.with_timezone(&Utc)),
                chrono::LocalResult::None => Err(Failure::new(
                    USAGE,
                    format!(
                        "{what} : « {value} » n'existe pas à Paris (passage à l'heure d'été) ; indiquez le décalage, ex. {}+02:00",
                        v.replace(' ', "T")
                    ),
                )),
            };
        }
    }
    Err(Failure::new(
        USAGE,
        format!(
            "{what} : « {value} » n'est pas une date valide ; écrivez-la comme 2026-11-27T09:30:00+01:00 (ou 2026-11-27T09:30, heure de Paris)"
        ),
    ))
}

fn print_json<T: serde::Serialize>(value: &T) -> Result<(), Failure> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| Failure::new(1, format!("sortie JSON impossible : {e}")))?;
    println!("{text}");
    Ok(())
}

async fn service(data_dir: &Path) -> Result<IncidentService, Failure> {
    Ok(IncidentService::open_local(data_dir).await?)
}

/// Runs `vigie incident ...`.
pub fn run(command: IncidentCommand, data_dir: &Path) -> Result<i32, Failure> {
    let rt = runtime()?;
    rt.block_on(run_async(command, data_dir))
}

async fn run_async(command: IncidentCommand, data_dir: &Path) -> Result<i32, Failure> {
    let now = Utc::now();
    match command {
        IncidentCommand::New(args) => {
            let discovered_at = parse_date(&args.discovered_at, "--discovered-at")?;
            let svc = service(data_dir).await?;
            let view = svc
                .declare(
                    &vigie_incident::service::Declaration {
                        playbook_id: args.playbook.clone(),
                        title: args.title.clone(),
                        description: args.description.clone(),
                        discovered_at,
                        personal_data: args.personal_data,
                        declared_by: actor(&args.actor),
                    },
                    now,
                )
                .await?;
            match args.format {
                DataFormat::Json => print_json(&view)?,
                DataFormat::Text => {
                    println!("Incident {} déclaré : {}", view.reference, view.title);
                    print_deadlines(&view);
                    println!(
                        "\nPremières étapes : vigie incident show {}",
                        view.reference
                    );
                }
            }
        }
        IncidentCommand::List(args) => {
            let svc = service(data_dir).await?;
            let list = svc.list(now).await?;
            match args.format {
                DataFormat::Json => print_json(&serde_json::json!({
                    "schema": "vigie.incidents.v1",
                    "incidents": list,
                }))?,
                DataFormat::Text => {
                    if list.is_empty() {
                        println!("Aucun incident déclaré.");
                    }
                    for v in &list {
                        println!(
                            "{} [{}] {} — constaté le {}",
                            v.reference,
                            v.status,
                            v.title,
                            format_paris(v.discovered_at)
                        );
                        for d in v.deadlines.iter().filter(|d| d.applies) {
                            println!("    {}", d.summary);
                        }
                    }
                }
            }
        }
        IncidentCommand::Show(args) => {
            let svc = service(data_dir).await?;
            let view = svc.view(&args.id, now).await?;
            match args.format {
                DataFormat::Json => print_json(&view)?,
                DataFormat::Text => print_view(&view),
            }
        }
        IncidentCommand::Update(args) => {
            let svc = service(data_dir).await?;
            let by = actor(&args.actor);
            if let Some(t0) = &args.discovered_at {
                let t0 = parse_date(t0, "--discovered-at")?;
                let reason = args.reason.clone().unwrap_or_default();
                svc.correct_t0(&args.id, t0, &reason, &by, now).await?;
                println!("Heure de découverte corrigée ; les délais sont recalculés.");
            }
            let changes = changes_from(&args, &svc).await?;
            if let Some(changes) = changes {
                svc.update(&args.id, changes, &by, now).await?;
                println!("Incident mis à jour.");
            } else if args.discovered_at.is_none() {
                return Err(Failure::new(
                    USAGE,
                    "rien à modifier : indiquez au moins une option (voir vigie incident update --help).",
                ));
            }
        }
        IncidentCommand::Step(args) => {
            let svc = service(data_dir).await?;
            let entry = svc
                .complete_step(&args.id, &args.step, &args.note, &actor(&args.actor), now)
                .await?;
            println!("{}", entry.text);
        }
        IncidentCommand::Contact(args) => {
            let svc = service(data_dir).await?;
            let entry = svc
                .record_contact(
                    &args.id,
                    &args.contact,
                    &args.note,
                    &actor(&args.actor),
                    now,
                )
                .await?;
            println!("{}", entry.text);
        }
        IncidentCommand::Note(args) => {
            let svc = service(data_dir).await?;
            svc.note(&args.id, &args.text, &actor(&args.actor), now)
                .await?;
            println!("Note ajoutée au journal.");
        }
        IncidentCommand::Journal(args) => {
            let svc = service(data_dir).await?;
            let record = svc.incident(&args.id).await?;
            let (entries, head) = svc.journal(&record.id).await?;
            match args.format {
                DataFormat::Json => print_json(&serde_json::json!({
                    "schema": "vigie.journal.v1",
                    "incident_id": record.id,
                    "reference": record.reference,
                    "head": head,
                    "entries": entries,
                }))?,
                DataFormat::Text => {
                    println!("Journal de {} — {}", record.reference, record.title);
                    for e in &entries {
                        let label = EntryKind::parse(&e.kind)
                            .map_or(e.kind.clone(), |k| k.label_fr().to_owned());
                        println!(
                            "{:>4}. {} — {} — {}\n      {}",
                            e.seq,
                            format_paris(e.at),
                            e.actor,
                            label,
                            e.text
                        );
                    }
                    println!("\nEmpreinte du journal : {head}");
                }
            }
        }
        IncidentCommand::Evidence(EvidenceCommand::Add(args)) => {
            let collected_at = match &args.collected_at {
                Some(v) => Some(parse_date(v, "--collected-at")?),
                None => None,
            };
            let by = actor(&args.actor);
            let collected_by = args.collected_by.clone().unwrap_or_else(|| by.clone());
            let svc = service(data_dir).await?;
            let added = svc
                .add_evidence(
                    &args.id,
                    &vigie_incident::service::EvidenceInput {
                        files: args.files.clone(),
                        description: args.description.clone(),
                        collected_by,
                        collected_at,
                        original_names: Vec::new(),
                    },
                    &by,
                    now,
                )
                .await?;
            match args.format {
                DataFormat::Json => print_json(&serde_json::json!({
                    "schema": "vigie.evidence.v1",
                    "evidence": added,
                }))?,
                DataFormat::Text => {
                    for e in &added {
                        println!(
                            "Preuve ajoutée : {} ({}) SHA-256 {}",
                            e.original_name,
                            vigie_incident::service::human_size(e.size),
                            e.sha256
                        );
                    }
                }
            }
        }
        IncidentCommand::Evidence(EvidenceCommand::List(args)) => {
            let svc = service(data_dir).await?;
            let list = svc.evidence(&args.id).await?;
            match args.format {
                DataFormat::Json => print_json(&serde_json::json!({
                    "schema": "vigie.evidence.v1",
                    "evidence": list,
                }))?,
                DataFormat::Text => {
                    if list.is_empty() {
                        println!("Aucune preuve dans le coffre de cet incident.");
                    }
                    for e in &list {
                        println!(
                            "- {} ({}, {})\n  SHA-256 {}\n  {} — recueillie par {} le {}",
                            e.original_name,
                            vigie_incident::service::human_size(e.size),
                            e.media_type,
                            e.sha256,
                            e.description,
                            e.collected_by,
                            format_paris(e.collected_at)
                        );
                    }
                }
            }
        }
        IncidentCommand::Verify(args) => return verify(args, data_dir).await,
        IncidentCommand::Document(args) => {
            let kind: DocumentKind = args.kind.parse().map_err(|_| {
                Failure::new(
                    USAGE,
                    format!(
                        "type de document inconnu « {} » ; types possibles : cnil, plainte, assureur, information, registre, fiche-reflexes",
                        args.kind
                    ),
                )
            })?;
            let svc = service(data_dir).await?;
            let produced = svc
                .produce_document(kind, args.id.as_deref(), &actor(&args.actor), now)
                .await?;
            write_atomic(&args.output, &produced.bytes)?;
            println!(
                "{} écrit : {} ({})",
                kind.title_fr(),
                args.output.display(),
                vigie_incident::service::human_size(produced.size)
            );
            println!("SHA-256 du document : {}", produced.sha256);
            if let Some(head) = &produced.journal_head {
                println!("Empreinte du journal imprimée : {head}");
            }
            if !produced.missing_fields.is_empty() {
                println!(
                    "À compléter (marqué dans le document) : {}",
                    produced.missing_fields.join(", ")
                );
            }
        }
        IncidentCommand::Export(args) => {
            let svc = service(data_dir).await?;
            let manifest = svc
                .export(&args.id, &args.output, &actor(&args.actor), now)
                .await?;
            println!(
                "Dossier exporté : {} ({} preuve(s), {} document(s))",
                args.output.display(),
                manifest.evidence.len(),
                manifest.documents.len()
            );
            println!("Empreinte du journal : {}", manifest.journal_head);
            println!(
                "Pour le vérifier plus tard : vigie incident verify --dossier {}",
                args.output.display()
            );
        }
        IncidentCommand::Playbooks(args) => {
            let svc = service(data_dir).await?;
            let playbooks = svc.playbooks();
            match args.format {
                DataFormat::Json => print_json(&serde_json::json!({
                    "schema": "vigie.playbooks.v1",
                    "playbooks": playbooks,
                }))?,
                DataFormat::Text => {
                    for p in playbooks {
                        println!("{:<26} {}\n{:<26} {}", p.id, p.title, "", p.summary);
                    }
                }
            }
        }
    }
    Ok(0)
}

async fn verify(args: VerifyArgs, data_dir: &Path) -> Result<i32, Failure> {
    let external = match &args.head {
        Some(h) => Some(parse_head(h)?),
        None => None,
    };
    if let Some(path) = &args.dossier {
        let path = path.clone();
        let external_for_check = external.clone();
        let check = tokio::task::spawn_blocking(move || {
            dossier::verify_dossier(&path, external_for_check.as_ref())
        })
        .await
        .map_err(|e| Failure::new(1, e.to_string()))??;
        let intact = check.problems.is_empty();
        match args.format {
            DataFormat::Json => print_json(&serde_json::json!({
                "schema": "vigie.verify.v1",
                "dossier": args.dossier,
                "reference": check.manifest.incident.reference,
                "journal_head": check.manifest.journal_head,
                "files_checked": check.files_checked,
                "intact": intact,
                "problems": check.problems,
                "messages": check.problems.iter().map(ToString::to_string).collect::<Vec<_>>(),
            }))?,
            DataFormat::Text => {
                println!(
                    "Dossier {} — incident {}",
                    args.dossier.as_deref().unwrap_or(Path::new("")).display(),
                    check.manifest.incident.reference
                );
                println!("Empreinte du journal : {}", check.manifest.journal_head);
                report_problems(
                    intact,
                    check.problems.iter().map(ToString::to_string),
                    format!("{} fichiers et le journal vérifiés", check.files_checked),
                );
            }
        }
        return Ok(if intact { 0 } else { INTEGRITY });
    }
    let id = args.id.clone().unwrap_or_default();
    let svc = service(data_dir).await?;
    let check = svc.verify(&id, external.as_ref()).await?;
    match args.format {
        DataFormat::Json => {
            let mut value =
                serde_json::to_value(&check).map_err(|e| Failure::new(1, e.to_string()))?;
            if let Some(obj) = value.as_object_mut() {
                obj.insert(
                    "messages".into(),
                    check
                        .problems
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .into(),
                );
            }
            print_json(&value)?;
        }
        DataFormat::Text => {
            println!("Incident {}", check.reference);
            println!("Empreinte du journal : {}", check.journal_head);
            report_problems(
                check.intact,
                check.problems.iter().map(ToString::to_string),
                format!(
                    "{} entrée(s) du journal, {} preuve(s), {} document(s) vérifiés",
                    check.entries_checked, check.evidence_checked, check.documents_checked
                ),
            );
        }
    }
    Ok(if check.intact { 0 } else { INTEGRITY })
}

fn report_problems(intact: bool, problems: impl Iterator<Item = String>, checked: String) {
    if intact {
        println!("Intact : {checked}, aucune modification.");
    } else {
        println!("ALTÉRÉ : {checked}. Problèmes trouvés :");
        for p in problems {
            println!("  - {p}");
        }
        println!(
            "Conservez ce constat : il montre ce qui a changé depuis l'enregistrement. Ne modifiez rien d'autre et prévenez la gendarmerie si le dossier lui a été remis."
        );
    }
}

fn parse_head(value: &str) -> Result<Head, Failure> {
    let (hash, length) = match value.split_once(':') {
        Some((h, n)) => (h, Some(n)),
        None => (value, None),
    };
    let hash = hash.trim().to_ascii_lowercase();
    if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Failure::new(
            USAGE,
            format!("--head : « {value} » n'est pas une empreinte (64 caractères hexadécimaux)"),
        ));
    }
    let length = match length {
        Some(n) => n.trim().parse::<u64>().map_err(|_| {
            Failure::new(USAGE, format!("--head : nombre d'entrées invalide « {n} »"))
        })?,
        None => 0,
    };
    Ok(Head { length, hash })
}

fn print_deadlines(view: &IncidentView) {
    println!("Délais (heure de Paris) :");
    for d in &view.deadlines {
        if d.applies {
            println!("  - {}", d.summary);
        } else {
            println!("  - {} : ne s'applique pas pour l'instant", d.label);
        }
    }
}

fn print_view(view: &IncidentView) {
    println!("{} — {}", view.reference, view.title);
    println!("Type : {} ({})", view.playbook_title, view.playbook);
    println!("Statut : {}", view.status);
    println!(
        "Déclaré par {} le {} ; problème constaté le {}",
        view.declared_by,
        format_paris(view.declared_at),
        format_paris(view.discovered_at)
    );
    if !view.description.is_empty() {
        println!("{}", view.description);
    }
    println!(
        "Données personnelles : {}",
        if view.personal_data { "oui" } else { "non" }
    );
    println!();
    print_deadlines(view);
    println!("\nÉtapes :");
    for s in &view.checklist {
        match &s.done {
            Some(done) => println!(
                "  [x] {} ({}) — fait par {} le {}",
                s.title,
                s.id,
                done.done_by,
                format_paris(done.done_at)
            ),
            None => println!("  [ ] {} ({})", s.title, s.id),
        }
    }
    println!("\nPreuves : {}", view.evidence.len());
    for e in &view.evidence {
        println!("  - {} (SHA-256 {})", e.original_name, e.sha256);
    }
    println!("Documents produits : {}", view.documents.len());
    println!("\nEmpreinte du journal : {}", view.journal_head);
}

async fn changes_from(
    args: &UpdateArgs,
    svc: &IncidentService,
) -> Result<Option<IncidentChanges>, Failure> {
    let record = svc.incident(&args.id).await?;
    let mut details = IncidentDetails::from_json(&record.details);
    let before = details.clone();
    if args.confidentiality {
        details.nature.confidentiality = true;
    }
    if args.integrity {
        details.nature.integrity = true;
    }
    if args.availability {
        details.nature.availability = true;
    }
    extend_unique(&mut details.data_categories, &args.data_categories);
    extend_unique(&mut details.people_categories, &args.people_categories);
    extend_unique(&mut details.measures_taken, &args.measures_taken);
    extend_unique(&mut details.measures_planned, &args.measures_planned);
    extend_unique(&mut details.advice_to_people, &args.advice);
    if let Some(n) = args.people_count {
        details.people_count_approx = Some(n);
    }
    if let Some(n) = args.records_count {
        details.records_count_approx = Some(n);
    }
    if let Some(c) = &args.consequences {
        details.likely_consequences = Some(c.clone());
    }
    if let Some(r) = &args.delay_reason {
        details.delay_reasons = Some(r.clone());
    }
    if let Some(h) = args.high_risk {
        details.high_risk_to_people = h.as_bool();
    }
    if let Some(n) = args.notification {
        details.notification_kind = match n {
            NotificationArg::Initiale => vigie_documents::NotificationKind::Initiale,
            NotificationArg::Complementaire => vigie_documents::NotificationKind::Complementaire,
        };
    }
    if let Some(v) = &args.cnil_notified_at {
        details.cnil_notified_at = Some(parse_date(v, "--cnil-notified-at")?);
    }
    if let Some(v) = &args.cnil_reference {
        details.cnil_reference = Some(v.clone());
    }
    if let Some(v) = &args.people_informed_at {
        details.people_informed_at = Some(parse_date(v, "--people-informed-at")?);
    }
    if let Some(v) = &args.insurer_notified_at {
        details.insurer_notified_at = Some(parse_date(v, "--insurer-notified-at")?);
    }
    if args.complaint_reference.is_some()
        || args.complaint_service.is_some()
        || args.complaint_service_name.is_some()
        || args.complaint_filed_at.is_some()
    {
        let mut c = details.complaint.clone().unwrap_or_default();
        if let Some(r) = &args.complaint_reference {
            c.reference = Some(r.clone());
        }
        if let Some(s) = args.complaint_service {
            c.service = Some(match s {
                ComplaintServiceArg::Gendarmerie => vigie_documents::ComplaintService::Gendarmerie,
                ComplaintServiceArg::Commissariat => {
                    vigie_documents::ComplaintService::Commissariat
                }
                ComplaintServiceArg::Procureur => vigie_documents::ComplaintService::Procureur,
            });
        }
        if let Some(n) = &args.complaint_service_name {
            c.service_name = Some(n.clone());
        }
        if let Some(v) = &args.complaint_filed_at {
            c.filed_at = Some(parse_date(v, "--complaint-filed-at")?);
        }
        details.complaint = Some(c);
    }
    for l in &args.losses {
        details.losses.push(parse_cost(l, "--loss")?);
    }
    for c in &args.costs {
        details.costs.push(parse_cost(c, "--cost")?);
    }
    for p in &args.persons {
        let mut parts = p.splitn(3, ';');
        let name = parts.next().unwrap_or_default().trim().to_owned();
        if name.is_empty() {
            return Err(Failure::new(
                USAGE,
                format!("--person : nom manquant dans « {p} »"),
            ));
        }
        details
            .persons_involved
            .push(vigie_documents::PersonInvolved {
                name,
                role: parts
                    .next()
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty()),
                details: parts
                    .next()
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty()),
            });
    }
    let changes = IncidentChanges {
        title: args.title.clone(),
        description: args.description.clone(),
        personal_data: args.personal_data.map(YesNo::as_bool),
        details: (details != before).then_some(details),
        status: args.status.map(|s| match s {
            StatusArg::Ouvert => "ouvert".to_owned(),
            StatusArg::Clos => "clos".to_owned(),
        }),
    };
    let empty = changes.title.is_none()
        && changes.description.is_none()
        && changes.personal_data.is_none()
        && changes.details.is_none()
        && changes.status.is_none();
    Ok((!empty).then_some(changes))
}

fn extend_unique(list: &mut Vec<String>, new: &[String]) {
    for n in new {
        let n = n.trim();
        if !n.is_empty() && !list.iter().any(|x| x == n) {
            list.push(n.to_owned());
        }
    }
}

/// « description=montant » with the amount in euros (« 12500 », « 12 500,50 »).
fn parse_cost(value: &str, option: &str) -> Result<vigie_documents::Cost, Failure> {
    let bad = || {
        Failure::new(
            USAGE,
            format!(
                "{option} : « {value} » attendu sous la forme « description=montant en euros », ex. « réparation=1200,50 »"
            ),
        )
    };
    let (description, amount) = value.rsplit_once('=').ok_or_else(bad)?;
    let cleaned: String = amount
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '€')
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    let (euros, cents) = match cleaned.split_once('.') {
        Some((e, c)) => (e.to_owned(), c.to_owned()),
        None => (cleaned.clone(), String::new()),
    };
    if description.trim().is_empty() || euros.is_empty() || cents.len() > 2 {
        return Err(bad());
    }
    let euros: u64 = euros.parse().map_err(|_| bad())?;
    let cents: u64 = if cents.is_empty() {
        0
    } else {
        format!("{cents:0<2}").parse().map_err(|_| bad())?
    };
    let amount_cents = euros
        .checked_mul(100)
        .and_then(|e| e.checked_add(cents))
        .ok_or_else(bad)?;
    Ok(vigie_documents::Cost {
        description: description.trim().to_owned(),
        amount_cents: Some(amount_cents),
    })
}

/// Writes a file through a temporary file and a rename: never a partial file.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let fail = |e: std::io::Error| {
        Failure::new(7, format!("impossible d'écrire {} : {e}", path.display()))
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut temp = tempfile::NamedTempFile::new_in(&dir).map_err(fail)?;
    temp.write_all(bytes).map_err(fail)?;
    temp.as_file().sync_all().map_err(fail)?;
    temp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}

/// Runs `vigie contacts ...`.
pub fn contacts(command: ContactsCommand, data_dir: &Path) -> Result<i32, Failure> {
    let rt = runtime()?;
    rt.block_on(async {
        let svc = service(data_dir).await?;
        let now = Utc::now();
        match command {
            ContactsCommand::List(args) => {
                let list = svc.contacts().await?;
                match args.format {
                    DataFormat::Json => print_json(&serde_json::json!({
                        "schema": "vigie.contacts.v1",
                        "contacts": list,
                    }))?,
                    DataFormat::Text => {
                        let mut section = "";
                        for c in &list {
                            if c.source != section {
                                section = c.source;
                                println!(
                                    "\n{}",
                                    match section {
                                        "organisation" => "Contacts de l'organisation",
                                        "csirt" => "CSIRT de la région",
                                        _ => "Contacts nationaux",
                                    }
                                );
                            }
                            let verified = c.verified_on.map_or_else(
                                || "jamais vérifié".to_owned(),
                                |d| format!("vérifié le {}", d.format("%d/%m/%Y")),
                            );
                            println!(
                                "  {} — {} ({}) [{}]",
                                c.id,
                                c.name,
                                c.phone.as_deref().unwrap_or("téléphone à renseigner"),
                                verified
                            );
                            if let Some(w) = &c.when_to_call {
                                println!("      {w}");
                            }
                        }
                        if !list.iter().any(|c| c.source == "organisation") {
                            println!(
                                "\nAjoutez vos propres contacts (prestataire, assureur, banque, DPO) : vigie contacts add --role assureur --name ... --phone ... --policy-number ..."
                            );
                        }
                    }
                }
            }
            ContactsCommand::Add(args) => {
                let contact = ContactRecord {
                    id: args.id.clone().unwrap_or_else(|| args.role.clone()),
                    role: args.role.clone(),
                    name: args.name.clone(),
                    phone: args.phone.clone(),
                    email: args.email.clone(),
                    website: args.website.clone(),
                    notes: args.notes.clone(),
                    policy_number: args.policy_number.clone(),
                    verified_at: args.verified.then_some(now),
                };
                svc.save_contact(&contact).await?;
                println!("Contact « {} » enregistré.", contact.id);
            }
            ContactsCommand::Verify(args) => {
                svc.verify_contact(&args.id, now).await?;
                println!("Contact « {} » marqué vérifié aujourd'hui.", args.id);
            }
            ContactsCommand::Remove(args) => {
                svc.remove_contact(&args.id).await?;
                println!("Contact « {} » retiré.", args.id);
            }
        }
        Ok(0)
    })
}

/// Runs `vigie organisation ...`.
pub fn organisation(command: OrganisationCommand, data_dir: &Path) -> Result<i32, Failure> {
    let rt = runtime()?;
    rt.block_on(async {
        let svc = service(data_dir).await?;
        match command {
            OrganisationCommand::Show(args) => {
                let (name, profile) = svc.organisation().await?;
                match args.format {
                    DataFormat::Json => print_json(&serde_json::json!({
                        "schema": "vigie.organisation.v1",
                        "name": name,
                        "profile": profile,
                    }))?,
                    DataFormat::Text => {
                        let show = |label: &str, v: &Option<String>| {
                            println!(
                                "{label:<28} {}",
                                v.as_deref().unwrap_or("(à renseigner)")
                            );
                        };
                        println!("{name}");
                        show("SIREN", &profile.siren);
                        show("Adresse", &profile.address);
                        show("Région", &profile.region);
                        show("Représentant", &profile.representative.name);
                        show("Qualité", &profile.representative.role);
                        show("Délégué à la protection", &profile.dpo.name);
                        show(
                            "Assureur",
                            &profile.insurer.as_ref().and_then(|i| i.name.clone()),
                        );
                        show(
                            "Numéro de contrat",
                            &profile.insurer.as_ref().and_then(|i| i.policy_number.clone()),
                        );
                    }
                }
            }
            OrganisationCommand::Set(args) => {
                let (name, mut p) = svc.organisation().await?;
                let set = |field: &mut Option<String>, v: &Option<String>| {
                    if let Some(v) = v {
                        *field = Some(v.trim().to_owned()).filter(|s| !s.is_empty());
                    }
                };
                set(&mut p.siren, &args.siren);
                set(&mut p.address, &args.address);
                set(&mut p.region, &args.region);
                set(&mut p.representative.name, &args.representative);
                set(&mut p.representative.role, &args.representative_role);
                set(&mut p.phone, &args.phone);
                set(&mut p.email, &args.email);
                set(&mut p.dpo.name, &args.dpo_name);
                set(&mut p.dpo.email, &args.dpo_email);
                set(&mut p.dpo.phone, &args.dpo_phone);
                if args.insurer.is_some() || args.policy_number.is_some() || args.insurer_days.is_some() {
                    let mut i = p.insurer.clone().unwrap_or_default();
                    set(&mut i.name, &args.insurer);
                    set(&mut i.policy_number, &args.policy_number);
                    if let Some(days) = args.insurer_days {
                        if days < 5 {
                            return Err(Failure::new(
                                USAGE,
                                "--insurer-days : la loi (art. L113-2 du Code des assurances) impose au moins 5 jours ouvrés",
                            ));
                        }
                        i.declaration_deadline_working_days = Some(days);
                    }
                    p.insurer = Some(i);
                }
                let new_name = args.name.clone().unwrap_or(name);
                svc.set_organisation(&new_name, &p).await?;
                println!("Fiche de l'organisation « {new_name} » enregistrée.");
            }
        }
        Ok(0)
    })
}
