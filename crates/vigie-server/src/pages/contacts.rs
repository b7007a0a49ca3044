//! « Contacts vérifiés »: who to call, prepared before any incident — the organisation's own
//! contacts (IT provider, insurer with the policy number, bank or Trésorerie, DPO, mayor), each
//! with the date it was last checked, then the national ones and the regional CSIRT; and the
//! one-page « fiche réflexes » to print and pin up. Built on `vigie-incident`'s directory.

use askama::Template;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse as _;
use axum::response::Response;
use axum::{Form, Json};
use chrono::{NaiveDate, Utc};
use serde::Deserialize;
use vigie_documents::DocumentKind;
use vigie_incident::directory::OrgRole;
use vigie_incident::service::ContactView;
use vigie_store::ContactRecord;

use super::incidents::attachment;
use super::{Chrome, FieldErrors, render, render_status, see_other};
use crate::auth::SignedIn;
use crate::error::Error;
use crate::i18n::Lang;
use crate::state::AppState;

/// A contact's details are worth checking again after this many days.
const CHECK_AGAIN_DAYS: i64 = 365;

/// A contact as the page shows it.
#[derive(Debug, Clone)]
pub struct ContactLine {
    pub id: String,
    pub role: String,
    pub name: String,
    pub phone: String,
    pub email: String,
    pub website: String,
    pub policy_number: String,
    pub notes: String,
    pub when_to_call: String,
    /// « vérifié le 04/03/2026 », « jamais vérifié ».
    pub verified: String,
    /// Never checked, or checked more than a year ago.
    pub stale: bool,
}

/// A role's name in `lang` (the directory's labels are French only; matching on the role
/// keeps the two in step).
fn role_label(role: OrgRole, lang: Lang) -> &'static str {
    lang.t(match role {
        OrgRole::PrestataireInformatique => "Prestataire ou référent informatique",
        OrgRole::Assureur => "Assureur de l'organisation",
        OrgRole::BanqueTresorerie => "Banque ou Trésorerie",
        OrgRole::Dpo => "Délégué à la protection des données (DPO)",
        OrgRole::Direction => "Maire ou direction",
    })
}

/// What to write down for a role, in `lang`.
fn what_to_record(role: OrgRole, lang: Lang) -> &'static str {
    lang.t(match role {
        OrgRole::PrestataireInformatique => {
            "Nom de l'entreprise ou de la personne, numéro joignable en urgence, adresse de \
             courriel, horaires."
        }
        OrgRole::Assureur => {
            "Nom de l'assureur, numéro de contrat (police), numéro pour déclarer un sinistre, \
             garanties couvrant les risques numériques."
        }
        OrgRole::BanqueTresorerie => {
            "Nom de l'agence ou de la Trésorerie, numéro direct du conseiller, numéro pour faire \
             opposition ou bloquer un virement."
        }
        OrgRole::Dpo => {
            "Nom du délégué à la protection des données (souvent mutualisé : centre de gestion, \
             syndicat informatique), téléphone, courriel."
        }
        OrgRole::Direction => {
            "Maire (ou directeur) et adjoint chargé du numérique : téléphones portables, pour \
             décider et signer la plainte et les déclarations."
        }
    })
}

fn line(c: ContactView, today: NaiveDate, lang: Lang) -> ContactLine {
    let role = OrgRole::from_id(&c.role)
        .map(|r| role_label(r, lang).to_owned())
        .unwrap_or(c.role);
    let (verified, stale) = match c.verified_on {
        Some(d) => (
            lang.tf("vérifié le {date}", &[("date", &d.format("%d/%m/%Y"))]),
            (today - d).num_days() > CHECK_AGAIN_DAYS,
        ),
        None => (lang.t("jamais vérifié").to_owned(), true),
    };
    ContactLine {
        id: c.id,
        role,
        name: c.name,
        phone: c.phone.unwrap_or_default(),
        email: c.email.unwrap_or_default(),
        website: c.website.unwrap_or_default(),
        policy_number: c.policy_number.unwrap_or_default(),
        notes: c.notes.unwrap_or_default(),
        when_to_call: c.when_to_call.unwrap_or_default(),
        verified,
        stale,
    }
}

/// The form that adds a contact.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ContactForm {
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub nom: String,
    #[serde(default)]
    pub telephone: String,
    #[serde(default)]
    pub courriel: String,
    #[serde(default)]
    pub numero_contrat: String,
    #[serde(default)]
    pub notes: String,
}

#[derive(Template)]
#[template(path = "contacts.html")]
struct ContactsPage {
    chrome: Chrome,
    own: Vec<ContactLine>,
    national: Vec<ContactLine>,
    missing_roles: Vec<(&'static str, &'static str)>,
    roles: Vec<(&'static str, &'static str)>,
    form: ContactForm,
    errors: FieldErrors,
    can_write: bool,
}

async fn page(
    state: &AppState,
    who: &SignedIn,
    form: ContactForm,
    errors: FieldErrors,
) -> Result<ContactsPage, Error> {
    let today = Utc::now()
        .with_timezone(&chrono_tz::Europe::Paris)
        .date_naive();
    let all = state.incidents(who.org()).contacts().await?;
    let (own, national): (Vec<_>, Vec<_>) =
        all.into_iter().partition(|c| c.source == "organisation");
    let missing_roles = OrgRole::ALL
        .iter()
        .filter(|r| !own.iter().any(|c| c.role == r.id()))
        .map(|r| (role_label(*r, who.lang), what_to_record(*r, who.lang)))
        .collect();
    Ok(ContactsPage {
        chrome: Chrome::signed_in(who.lang.t("Contacts vérifiés"), who, "contacts"),
        own: own.into_iter().map(|c| line(c, today, who.lang)).collect(),
        // The national directory's names and advice are French (`lang="fr"` on the page).
        national: national
            .into_iter()
            .map(|c| line(c, today, who.lang))
            .collect(),
        missing_roles,
        roles: OrgRole::ALL
            .iter()
            .map(|r| (r.id(), role_label(*r, who.lang)))
            .collect(),
        form,
        errors,
        can_write: who.require_writer().is_ok(),
    })
}

/// `GET /contacts`
pub async fn show(State(state): State<AppState>, who: SignedIn) -> Result<Response, Error> {
    render(&page(&state, &who, ContactForm::default(), FieldErrors::default()).await?)
}

fn optional(text: &str) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// Checks the form; the record to save, or the field messages (in `lang`: French for the API).
fn validate(form: &ContactForm, lang: Lang) -> Result<ContactRecord, FieldErrors> {
    let mut errors = FieldErrors::default();
    if OrgRole::from_id(form.role.trim()).is_none() {
        errors.add(
            "role",
            lang.t("Choisissez le rôle de ce contact dans la liste."),
        );
    }
    let name = form.nom.trim();
    if name.is_empty() || name.chars().count() > 200 {
        errors.add(
            "nom",
            lang.t("Indiquez le nom de la personne ou de l'entreprise (200 caractères au plus)."),
        );
    }
    let phone = optional(&form.telephone);
    if let Some(p) = &phone
        && (p.chars().filter(char::is_ascii_digit).count() < 3
            || !p
                .chars()
                .all(|c| c.is_ascii_digit() || " +.-()".contains(c)))
    {
        errors.add(
            "telephone",
            lang.t(
                "Ce numéro de téléphone n'est pas valide (chiffres, espaces, + . - ( ) seulement).",
            ),
        );
    }
    let email = optional(&form.courriel);
    if let Some(e) = &email
        && !super::looks_like_email(e)
    {
        errors.add(
            "courriel",
            lang.t("Cette adresse électronique n'est pas valide (attendu : nom@domaine.fr)."),
        );
    }
    if phone.is_none() && email.is_none() {
        errors.add(
            "telephone",
            lang.t("Indiquez au moins un numéro de téléphone ou une adresse électronique."),
        );
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(ContactRecord {
        id: uuid::Uuid::new_v4().to_string(),
        role: form.role.trim().to_owned(),
        name: name.to_owned(),
        phone,
        email,
        website: None,
        notes: optional(&form.notes),
        policy_number: optional(&form.numero_contrat),
        // Typed from a source just now: checked today.
        verified_at: Some(Utc::now()),
    })
}

/// `POST /contacts`: adds a contact, checked today (the person just typed it from a source).
pub async fn add(
    State(state): State<AppState>,
    who: SignedIn,
    Form(form): Form<ContactForm>,
) -> Result<Response, Error> {
    who.require_writer()?;
    let record = match validate(&form, who.lang) {
        Ok(r) => r,
        Err(errors) => {
            return render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &page(&state, &who, form, errors).await?,
            );
        }
    };
    state.incidents(who.org()).save_contact(&record).await?;
    Ok(see_other("/contacts"))
}

/// `GET /api/contacts`: the organisation's contacts, then the national and regional ones.
pub async fn api_list(
    State(state): State<AppState>,
    who: SignedIn,
) -> Result<Json<serde_json::Value>, Error> {
    let contacts = state.incidents(who.org()).contacts().await?;
    Ok(Json(serde_json::json!({
        "schema": "vigie.contacts.v1",
        "contacts": contacts,
    })))
}

/// `POST /api/contacts`: the form's fields as JSON; 201, or 422 with a message per field.
pub async fn api_add(
    State(state): State<AppState>,
    who: SignedIn,
    Json(form): Json<ContactForm>,
) -> Result<Response, Error> {
    who.require_writer()?;
    let record = match validate(&form, Lang::Fr) {
        Ok(r) => r,
        Err(errors) => {
            return Ok(super::field_errors_json(
                "Le contact n'a pas été enregistré : corrigez les champs indiqués.",
                &errors,
            ));
        }
    };
    state.incidents(who.org()).save_contact(&record).await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({ "id": record.id })),
    )
        .into_response())
}

/// `POST /contacts/{id}/verifie`: the details were checked today.
pub async fn verified(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, Error> {
    who.require_writer()?;
    state
        .incidents(who.org())
        .verify_contact(&id, Utc::now())
        .await?;
    Ok(see_other("/contacts"))
}

/// `POST /contacts/{id}/supprimer`
pub async fn remove(
    State(state): State<AppState>,
    who: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, Error> {
    who.require_writer()?;
    state.incidents(who.org()).remove_contact(&id).await?;
    Ok(see_other("/contacts"))
}

/// `GET /contacts/fiche-reflexes`: the organisation's one-page reflex sheet (PDF).
pub async fn reflex_sheet(State(state): State<AppState>, who: SignedIn) -> Result<Response, Error> {
    let produced = state
        .incidents(who.org())
        .produce_document(
            DocumentKind::FicheReflexes,
            None,
            &who.user.display_name,
            Utc::now(),
        )
        .await?;
    Ok(attachment(
        "application/pdf",
        "fiche-reflexes.pdf",
        Body::from(produced.bytes),
    ))
}
