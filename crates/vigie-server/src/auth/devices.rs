//! Known devices: a browser that completes a sign-in keeps a long-lived random cookie
//! (`vigie_appareil`, HttpOnly, Secure, SameSite=Strict; the store keeps only its SHA-256). A
//! sign-in from a browser the user never signed in from — and not their very first — writes a
//! line in the security journal and e-mails the user: if it was not them, someone has their
//! password and their second factor, and they must act now.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use chrono::{DateTime, Utc};
use vigie_store::UserRecord;

use super::{ClientInfo, cookie, new_token, record_event, set_cookie, token_digest};
use crate::error::Error;
use crate::state::AppState;

/// Name of the device cookie.
pub const DEVICE_COOKIE: &str = "vigie_appareil";

/// How long a browser stays known without signing in (about 400 days, browsers' upper bound).
const DEVICE_SECONDS: i64 = 400 * 24 * 3600;

/// The device cookie of the request, if it has a well-formed one.
#[derive(Debug, Clone, Default)]
pub struct DeviceCookie(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for DeviceCookie {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(DeviceCookie(
            cookie(parts, DEVICE_COOKIE)
                .filter(|v| {
                    v.len() == 43
                        && v.bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                })
                .map(str::to_owned),
        ))
    }
}

/// After a complete sign-in: records the device, warns on a new one, and returns the
/// `Set-Cookie` value to send when the browser has no device cookie yet.
pub async fn recognise(
    state: &AppState,
    user: &UserRecord,
    device: &DeviceCookie,
    client: &ClientInfo,
) -> Result<Option<String>, Error> {
    let token = device.0.clone().unwrap_or_else(new_token);
    let now = Utc::now();
    let (new, before) = state
        .store()
        .see_device(
            &user.id,
            &token_digest(&token),
            &client.user_agent,
            &client.ip,
            now,
        )
        .await?;
    if new && before > 0 {
        record_event(
            state,
            user,
            "nouvel_appareil",
            format!(
                "Connexion depuis un nouvel appareil : {} (adresse {})",
                short_agent(&client.user_agent),
                client.ip
            ),
            client,
        )
        .await?;
        state.mailer().send_later(
            &user.email,
            "Vigie : connexion depuis un nouvel appareil",
            new_device_mail(user, client, now),
        );
    }
    Ok(match &device.0 {
        Some(_) => None,
        None => Some(set_cookie(state, DEVICE_COOKIE, &token, DEVICE_SECONDS)),
    })
}

fn short_agent(user_agent: &str) -> String {
    user_agent.chars().take(120).collect()
}

/// The warning's text: what happened, whether to worry, what to do.
pub fn new_device_mail(user: &UserRecord, client: &ClientInfo, at: DateTime<Utc>) -> String {
    let when = at
        .with_timezone(&chrono_tz::Europe::Paris)
        .format("%d/%m/%Y à %H:%M");
    format!(
        "Bonjour {name},\n\n\
         Une connexion à votre compte Vigie ({email}) vient d'avoir lieu depuis un appareil \
         qui ne s'était jamais connecté à votre compte :\n\n\
         - le {when} (heure de Paris)\n\
         - navigateur : {agent}\n\
         - adresse IP : {ip}\n\n\
         Si c'était vous (nouvel ordinateur, nouveau navigateur, navigation privée), vous \
         n'avez rien à faire.\n\n\
         Si ce n'était pas vous, quelqu'un connaît votre mot de passe et a pu passer la double \
         authentification :\n\
         1. connectez-vous et choisissez « Se déconnecter de tous les appareils » dans « Mon \
         compte » ;\n\
         2. demandez à l'administrateur de votre organisation de vous aider à changer votre mot \
         de passe et à régénérer vos codes de secours ;\n\
         3. notez le jour et l'heure de ce message : c'est le début d'un incident à déclarer \
         dans Vigie.\n\n\
         Ce message est envoyé automatiquement par Vigie ; n'y répondez pas.\n",
        name = user.display_name,
        email = user.email,
        agent = short_agent(&client.user_agent),
        ip = client.ip,
    )
}
