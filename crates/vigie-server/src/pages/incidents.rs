//! Incident screens and their API: declare from a playbook, follow the deadlines and the
//! checklist, upload evidence (streamed to disk, size-limited, hashed), download each document
//! and the dossier. Everything goes through `vigie-incident`'s service for the session's
//! organisation, so another organisation's incident is simply « introuvable ».

use std::str::FromStr as _;

use askama::Template;
use axum::Form;
use axum::Json;
use axum::body::Body;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use chrono::{NaiveDateTime, TimeZone as _, Utc};
use serde::Deserialize;
use tokio::io::AsyncWriteExt as _;
use vigie_documents::DocumentKind;
use vigie_incident::service::{Declaration, EvidenceInput, IncidentView};

use super::dashboard::{DeadlineLine, IncidentLine, translated_playbook};
use super::{Chrome, FieldErrors, render, render_status, see_other};
use crate::auth::SignedIn;
use crate::error::Error;
use crate::i18n::{Lang, n_};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "incidents.html")]
struct ListPage {
    chrome: Chrome,
    incidents: Vec<IncidentLine>,
}

#[derive(Template)]
#[template(path = "incident_new.html")]
struct NewPage {
    chrome: Chrome,
    /// Id, title in the page's language, and whether that title is the French one.
    playbooks: Vec<(String, String, bool)>,
    form: NewIncidentForm,
    errors: FieldErrors,
}

#[derive(Template)]
#[template(path = "incident.html")]
struct IncidentPage {
    chrome: Chrome,
    /// With the playbook's title and steps in the page's language when it has them.
    v: IncidentView,
    /// The playbook's title and steps are the engine's French (marked `lang="fr"`).
    playbook_fr: bool,
    /// What the playbook says is happening, in the playbook's language on this page.
    summary: String,
    /// The first things to do, each with its reason (the fiche réflexes' « premiers gestes »).
    first_actions: Vec<(String, String)>,
    /// The evidence this kind of incident calls for, each with how to collect it.
    to_keep: Vec<(String, String)>,
    discovered: String,
    deadlines: Vec<DeadlineLine>,
    documents: Vec<(&'static str, &'static str)>,
    status: String,
    journal: Vec<(String, String, String)>,
    can_write: bool,
    upload_limit_mib: u64,
}

/// The declaration form.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewIncidentForm {
    #[serde(default)]
    pub playbook: String,
    #[serde(default)]
    pub titre: String,
    #[serde(default)]
    pub description: String,
    /// `datetime-local` value, Europe/Paris.
    #[serde(default)]
    pub constate_le: String,
    #[serde(default)]
    pub donnees_personnelles: Option<String>,
}

fn playbook_choices(state: &AppState, who: &SignedIn) -> Vec<(String, String, bool)> {
    let service = state.incidents(who.org());
    service
        .playbooks()
        .iter()
        .map(
            |p| match translated_playbook(service.playbooks(), &p.id, who.lang) {
                Some(t) => (p.id.clone(), t.title, false),
                None => (p.id.clone(), p.title.clone(), true),
            },
        )
        .collect()
}

/// Reads a `datetime-local` value (« 2026-03-04T09:15 ») as Paris time. A time that does not
/// exist (spring forward) or exists twice (fall back) takes the earlier reading.
fn parse_paris(value: &str) -> Option<chrono::DateTime<Utc>> {
    let naive = NaiveDateTime::parse_from_str(value.trim(), "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(value.trim(), "%Y-%m-%dT%H:%M:%S"))
        .ok()?;
    let paris = chrono_tz::Europe::Paris;
    paris
        .from_local_datetime(&naive)
        .earliest()
        .or_else(|| {
            paris
                .from_local_datetime(&(naive + chrono::Duration::hours(1)))
                .earliest()
        })
        .map(|t| t.with_timezone(&Utc))
}

/// A document's name for the link (the document itself, addressed to French authorities,
/// stays French).
fn document_title(kind: DocumentKind, lang: Lang) -> &'static str {
    match kind {
        DocumentKind::Cnil => lang.t("Notification de violation de données à la CNIL"),
        DocumentKind::Plainte => lang.t("Dossier de plainte"),
        DocumentKind::Assureur => lang.t("Déclaration de sinistre"),
        DocumentKind::Information => lang.t("Information des personnes concernées"),
        DocumentKind::Registre => lang.t("Registre des violations de données"),
        DocumentKind::FicheReflexes => lang.t("Fiche réflexes cyberattaque"),
    }
}

/// `GET /incidents`
pub async fn list(State(state): State<AppState>, who: SignedIn) -> Result<Response, Error> {
    let service = state.incidents(who.org());
    let incidents = service.list(Utc::now()).await?;
    render(&ListPage {
        chrome: Chrome::signed_in(who.lang.t("Incidents"), &who, "incidents"),
        incidents: incidents
            .iter()
            .map(|v| {
                let translated = translated_playbook(service.playbooks(), &v.playbook, who.lang);
                IncidentLine::from_view(v, who.lang, translated.as_ref())
            })
            .collect(),
    })
}

/// `GET /incidents/nouveau`
pub async fn new_form(State(state): State<AppState>, who: SignedIn) -> Result<Response, Error> {
    who.require_writer()?;
    let now = Utc::now().with_timezone(&chrono_tz::Europe::Paris);
    render(&NewPage {
        chrome: Chrome::signed_in(who.lang.t("Déclarer un incident"), &who, "incidents"),
        playbooks: playbook_choices(&state, &who),
        form: NewIncidentForm {
            playbook: "compromission-messagerie".into(),
            constate_le: now.format("%Y-%m-%dT%H:%M").to_string(),
            ..NewIncidentForm::default()
        },
        errors: FieldErrors::default(),
    })
}

/// `POST /incidents/nouveau`
pub async fn declare(
    State(state): State<AppState>,
    who: SignedIn,
    Form(form): Form<NewIncidentForm>,
) -> Result<Response, Error> {
    who.require_writer()?;
    let service = state.incidents(who.org());
    let mut errors = FieldErrors::default();
    if service.playbook(&form.playbook).is_err() {
        errors.add(
            "playbook",
            who.lang.t("Choisissez ce qui se passe dans la liste."),
        );
    }
    if form.titre.trim().is_empty() {
        errors.add("titre", who.lang.t("Donnez un titre de quelques mots (par exemple « Messages disparus de la boîte de la mairie »)."));
    }
    let discovered = parse_paris(&form.constate_le);
    match discovered {
        None => errors.add(
            "constate_le",
            who.lang.t("Indiquez la date et l'heure où le problème a été constaté (jour/mois/année heure:minute)."),
        ),
        Some(t) if t > Utc::now() + chrono::Duration::minutes(5) => errors.add(
            "constate_le",
            who.lang.t("Cette date est dans le futur : indiquez quand le problème a été constaté."),
        ),
        Some(_) => {}
    }
    let (Some(discovered_at), true) = (discovered, errors.is_empty()) else {
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &NewPage {
                chrome: Chrome::signed_in(who.lang.t("Déclarer un incident"), &who, "incidents"),
                playbooks: playbook_choices(&state, &who),
                form,
                errors,
            },
        );
    };
    let view = service
        .declare(
            &Declaration {
                playbook_id: form.playbook.clone(),
                title: form.titre.trim().to_string(),
                description: form.description.trim().to_string(),
                discovered_at,
                personal_data: form.donnees_personnelles.is_some(),
                declared_by: who.user.display_name.clone(),
            },
            Utc::now(),
        )
        .await?;
    Ok(see_other(&format!("/incidents/{}", view.id)))
}

/// `GET /incidents/{id}`
pub async fn show(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, Error> {
    let service = state.incidents(who.org());
    let mut v = service.view(&id, Utc::now()).await?;
    let (entries, _) = service.journal(&v.id).await?;
    // The engine's view holds the playbook's French texts, looked up by id at view time (nothing
    // of the playbook is stored with the incident but its id and the steps done): the same
    // lookup in the page's language replaces them. Journal entries and what users typed stay
    // as written.
    let translated = translated_playbook(service.playbooks(), &v.playbook, who.lang);
    if let Some(p) = &translated {
        v.playbook_title = p.title.clone();
        for s in &mut v.checklist {
            if let Some(step) = p.step(&s.id) {
                s.title = step.title.clone();
                s.detail = step.detail.clone();
            }
        }
    }
    // The playbook's own guidance (first actions, evidence to keep), in the same language as
    // its steps: the English version when there is one, else the French.
    let shown = translated
        .clone()
        .or_else(|| service.playbook(&v.playbook).ok().cloned());
    let (summary, first_actions, to_keep) = match &shown {
        Some(p) => (
            p.summary.clone(),
            p.immediate_actions
                .iter()
                .map(|a| (a.text.clone(), a.why.clone()))
                .collect(),
            p.evidence
                .iter()
                .map(|e| (e.title.clone(), e.how.clone()))
                .collect(),
        ),
        None => (String::new(), Vec::new(), Vec::new()),
    };
    render(&IncidentPage {
        summary,
        first_actions,
        to_keep,
        chrome: Chrome::signed_in(
            &who.lang
                .tf("Incident {reference}", &[("reference", &v.reference)]),
            &who,
            "incidents",
        ),
        discovered: who.lang.date_time(v.discovered_at),
        deadlines: v
            .deadlines
            .iter()
            .filter(|d| d.applies)
            .map(|d| DeadlineLine::from_view(d, who.lang))
            .collect(),
        documents: DocumentKind::ALL
            .iter()
            .filter(|k| k.needs_incident())
            .map(|k| (k.file_stem(), document_title(*k, who.lang)))
            .collect(),
        status: super::dashboard::incident_status(&v.status, who.lang),
        journal: entries
            .into_iter()
            .map(|e| (who.lang.date_time(e.at), e.actor, e.text))
            .collect(),
        can_write: who.require_writer().is_ok(),
        upload_limit_mib: state.config().upload_limit_mib,
        playbook_fr: translated.is_none(),
        v,
    })
}

#[derive(Debug, Deserialize)]
pub struct StepForm {
    #[serde(default)]
    note: String,
}

/// `POST /incidents/{id}/etapes/{step}`
pub async fn complete_step(
    State(state): State<AppState>,
    who: SignedIn,
    Path((id, step)): Path<(String, String)>,
    Form(form): Form<StepForm>,
) -> Result<Response, Error> {
    who.require_writer()?;
    let service = state.incidents(who.org());
    let record = service.incident(&id).await?;
    service
        .complete_step(
            &record.id,
            &step,
            form.note.trim(),
            &who.user.display_name,
            Utc::now(),
        )
        .await?;
    Ok(see_other(&format!("/incidents/{}#t-etapes", record.id)))
}

/// A file name safe to create in a temporary directory (the original name is kept apart).
fn spool_name(index: usize) -> String {
    format!("preuve-{index:03}")
}

/// `POST /incidents/{id}/preuves` (multipart: `fichiers`…, `description`). Each file is
/// streamed to a temporary file, never held in memory, with the configured total limit; then
/// the incident engine hashes it into the evidence locker.
pub async fn upload_evidence(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
    mut multipart: Multipart,
) -> Result<Response, Error> {
    who.require_writer()?;
    let service = state.incidents(who.org());
    let record = service.incident(&id).await?;
    let limit_mib = state.config().upload_limit_mib;
    let limit = limit_mib.saturating_mul(1024 * 1024);
    let spool = tempfile::tempdir().map_err(|e| Error::io(std::path::Path::new("(temp)"), e))?;
    let mut files = Vec::new();
    let mut names = Vec::new();
    let mut description = String::new();
    let mut total: u64 = 0;
    let bad_form = |e: axum::extract::multipart::MultipartError| {
        Error::BadRequest(format!("envoi interrompu ou mal formé : {e}"))
    };
    while let Some(mut field) = multipart.next_field().await.map_err(bad_form)? {
        match field.name() {
            Some("description") => {
                description = field.text().await.map_err(bad_form)?;
            }
            Some("fichiers") => {
                let name = field
                    .file_name()
                    .map(|n| n.rsplit(['/', '\\']).next().unwrap_or(n).trim().to_string())
                    .filter(|n| !n.is_empty());
                let Some(name) = name else {
                    // An empty file input sends a part without a name: nothing chosen.
                    continue;
                };
                let path = spool.path().join(spool_name(files.len()));
                let mut out = tokio::fs::File::create(&path)
                    .await
                    .map_err(|e| Error::io(&path, e))?;
                while let Some(chunk) = field.chunk().await.map_err(bad_form)? {
                    total += chunk.len() as u64;
                    if total > limit {
                        return Err(Error::TooLarge { limit_mib });
                    }
                    out.write_all(&chunk)
                        .await
                        .map_err(|e| Error::io(&path, e))?;
                }
                out.flush().await.map_err(|e| Error::io(&path, e))?;
                files.push(path);
                names.push(name.chars().take(255).collect());
            }
            _ => {}
        }
    }
    if files.is_empty() {
        return Err(Error::BadRequest(
            n_(
                "aucun fichier choisi : cliquez sur « Parcourir » et choisissez les fichiers \
                à ajouter",
            )
            .into(),
        ));
    }
    service
        .add_evidence(
            &record.id,
            &EvidenceInput {
                files,
                description,
                collected_by: who.user.display_name.clone(),
                collected_at: None,
                original_names: names,
            },
            &who.user.display_name,
            Utc::now(),
        )
        .await?;
    Ok(see_other(&format!("/incidents/{}#t-preuves", record.id)))
}

pub(crate) fn attachment(content_type: &'static str, file_name: &str, body: Body) -> Response {
    let mut response = (StatusCode::OK, body).into_response();
    let h = response.headers_mut();
    h.insert(
        CONTENT_TYPE,
        axum::http::HeaderValue::from_static(content_type),
    );
    // The name is ASCII by construction (reference and document stem).
    if let Ok(v) =
        axum::http::HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\""))
    {
        h.insert(CONTENT_DISPOSITION, v);
    }
    response
}

/// `GET /incidents/{id}/documents/{kind}`: produces the PDF now (journal head printed on it),
/// keeps it in the locker and sends it.
pub async fn document(
    State(state): State<AppState>,
    who: SignedIn,
    Path((id, kind)): Path<(String, String)>,
) -> Result<Response, Error> {
    let kind = DocumentKind::from_str(&kind).map_err(|_| Error::NotFound)?;
    if !kind.needs_incident() {
        return Err(Error::NotFound);
    }
    let service = state.incidents(who.org());
    let record = service.incident(&id).await?;
    let produced = service
        .produce_document(kind, Some(&record.id), &who.user.display_name, Utc::now())
        .await?;
    let name = format!("{}-{}.pdf", record.reference, kind.file_stem());
    Ok(attachment(
        "application/pdf",
        &name,
        Body::from(produced.bytes),
    ))
}

/// `GET /incidents/{id}/dossier`: the ZIP dossier (refused when anything is altered).
pub async fn dossier(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, Error> {
    let service = state.incidents(who.org());
    let record = service.incident(&id).await?;
    let spool = tempfile::tempdir().map_err(|e| Error::io(std::path::Path::new("(temp)"), e))?;
    let path = spool.path().join("dossier.zip");
    service
        .export(&record.id, &path, &who.user.display_name, Utc::now())
        .await?;
    // Stream the file; the temporary directory lives until the body is sent.
    let file = tokio::fs::File::open(&path)
        .await
        .map_err(|e| Error::io(&path, e))?;
    let stream = futures::stream::unfold((file, spool), |(mut file, spool)| async move {
        use tokio::io::AsyncReadExt as _;
        let mut buf = vec![0u8; 64 * 1024];
        match file.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok::<_, std::io::Error>(buf), (file, spool)))
            }
            Err(e) => Some((Err(e), (file, spool))),
        }
    });
    let name = format!("{}-dossier.zip", record.reference);
    Ok(attachment(
        "application/zip",
        &name,
        Body::from_stream(stream),
    ))
}

// ---------------------------------------------------------------------------------------------
// API.

/// `GET /api/incidents`
pub async fn api_list(
    State(state): State<AppState>,
    who: SignedIn,
) -> Result<Json<serde_json::Value>, Error> {
    let incidents = state.incidents(who.org()).list(Utc::now()).await?;
    Ok(Json(serde_json::json!({
        "schema": "vigie.incidents.v1",
        "incidents": incidents,
    })))
}

/// Body of `POST /api/incidents`.
#[derive(Debug, Deserialize)]
pub struct ApiDeclaration {
    playbook: String,
    titre: String,
    #[serde(default)]
    description: String,
    /// RFC 3339.
    constate_le: chrono::DateTime<chrono::FixedOffset>,
    #[serde(default)]
    donnees_personnelles: bool,
}

/// `POST /api/incidents`
pub async fn api_declare(
    State(state): State<AppState>,
    who: SignedIn,
    Json(body): Json<ApiDeclaration>,
) -> Result<Response, Error> {
    who.require_writer()?;
    let view = state
        .incidents(who.org())
        .declare(
            &Declaration {
                playbook_id: body.playbook,
                title: body.titre,
                description: body.description,
                discovered_at: body.constate_le.with_timezone(&Utc),
                personal_data: body.donnees_personnelles,
                declared_by: who.user.display_name.clone(),
            },
            Utc::now(),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

/// `GET /api/incidents/{id}`
pub async fn api_show(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
) -> Result<Json<IncidentView>, Error> {
    Ok(Json(
        state.incidents(who.org()).view(&id, Utc::now()).await?,
    ))
}

/// Body of `POST /api/incidents/{id}/etapes/{step}`.
#[derive(Debug, Default, Deserialize)]
pub struct ApiStep {
    #[serde(default)]
    note: String,
}

/// `POST /api/incidents/{id}/etapes/{step}`
pub async fn api_complete_step(
    State(state): State<AppState>,
    who: SignedIn,
    Path((id, step)): Path<(String, String)>,
    Json(body): Json<ApiStep>,
) -> Result<Json<IncidentView>, Error> {
    who.require_writer()?;
    let service = state.incidents(who.org());
    let record = service.incident(&id).await?;
    service
        .complete_step(
            &record.id,
            &step,
            body.note.trim(),
            &who.user.display_name,
            Utc::now(),
        )
        .await?;
    Ok(Json(service.view(&record.id, Utc::now()).await?))
}
