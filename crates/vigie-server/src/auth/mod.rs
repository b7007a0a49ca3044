//! Sign-in and sessions: passwords, TOTP, recovery codes, throttling, and the request
//! extractors that say who is asking.
//!
//! A session is a random 256-bit token in an `HttpOnly; Secure; SameSite=Strict` cookie; the
//! server keeps only its SHA-256 with the user, the organisation worked on, how far sign-in has
//! come ([`SessionStage`]) and the session's anti-forgery token. Each step of sign-in (password
//! accepted, second factor accepted) replaces the session by a new one with a new token, so a
//! token planted in a browser before sign-in is worthless after it (session fixation).

pub mod devices;
pub mod passkeys;
pub mod password;
pub mod recovery;
pub mod throttle;
pub mod totp;

use std::net::IpAddr;

use axum::extract::FromRequestParts;
use axum::http::header::{COOKIE, USER_AGENT};
use axum::http::request::Parts;
use base64::Engine as _;
use chrono::{Duration, Utc};
use rand::RngCore as _;
use sha2::{Digest as _, Sha256};
use vigie_store::{
    MembershipRecord, NewSecurityEvent, NewSession, OrgId, Role, SessionRecord, SessionStage,
    UserRecord,
};

use crate::error::Error;
use crate::i18n::{Lang, n_};
use crate::state::AppState;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "vigie_session";
/// Name of the anti-forgery cookie used before sign-in (double submit).
pub const CSRF_COOKIE: &str = "vigie_csrf";
/// How long a half-finished sign-in (password accepted, code awaited) stays valid.
const PENDING_MINUTES: i64 = 10;

/// A new random token (256 bits, URL-safe base64).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Compares secrets without stopping at the first difference (no timing hint).
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// SHA-256 (hex) of a token: what the store keeps.
pub fn token_digest(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The value of cookie `name` in the request, if any.
pub fn cookie<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value.
pub fn set_cookie(state: &AppState, name: &str, value: &str, max_age_seconds: i64) -> String {
    let secure = if state.config().secure_cookies {
        "; Secure"
    } else {
        ""
    };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_seconds}{secure}")
}

/// The client's address, and its User-Agent.
#[derive(Debug, Clone)]
pub struct ClientInfo {
    /// The client's address: the peer's, or the one a trusted reverse proxy reports (see
    /// [`client_address`]).
    pub ip: String,
    /// User-Agent, or « inconnu ».
    pub user_agent: String,
}

impl FromRequestParts<AppState> for ClientInfo {
    type Rejection = Error;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip());
        let forwarded: Vec<&str> = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        let ip = peer
            .map(|peer| {
                client_address(peer, &forwarded.join(","), &state.config().trusted_proxies)
                    .to_string()
            })
            .unwrap_or_else(|| "inconnue".to_string());
        let user_agent = parts
            .headers
            .get(USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("inconnu")
            .to_string();
        Ok(ClientInfo { ip, user_agent })
    }
}

/// The address a request comes from, for throttling and the journals. The peer's address,
/// unless the peer is one of the `trusted` reverse proxies: then `X-Forwarded-For` is read from
/// the right (each proxy appends the address it saw), skipping the trusted proxies, and the
/// first other address is the client's. Anything a client writes to the left of that is
/// ignored, and the header of an untrusted peer is never read: nobody escapes the per-address
/// throttling by sending a header.
pub fn client_address(peer: IpAddr, forwarded_for: &str, trusted: &[ipnet::IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let mut client = peer;
    for entry in forwarded_for.rsplit(',') {
        let Ok(ip) = entry.trim().parse::<IpAddr>() else {
            // A malformed entry: what lies to its left cannot be trusted either.
            break;
        };
        client = ip;
        if !is_trusted(&ip) {
            break;
        }
    }
    client
}

/// Any live session (whatever its stage) with its user.
#[derive(Debug, Clone)]
pub struct AnySession {
    /// The session.
    pub session: SessionRecord,
    /// Its user.
    pub user: UserRecord,
}

/// Loads the session of the request's cookie, if it is live (not expired, user not disabled).
pub async fn load_session(state: &AppState, parts: &Parts) -> Result<Option<AnySession>, Error> {
    // Already loaded by the anti-forgery layer for this request.
    if let Some(loaded) = parts.extensions.get::<crate::security::LoadedSession>() {
        return Ok(loaded.0.clone());
    }
    let Some(token) = cookie(parts, SESSION_COOKIE) else {
        return Ok(None);
    };
    let digest = token_digest(token);
    let Some(session) = state.store().session(&digest).await? else {
        return Ok(None);
    };
    let now = Utc::now();
    if session.expires_at <= now {
        state.store().delete_session(&digest).await?;
        return Ok(None);
    }
    let user = state.store().user(&session.user_id).await?;
    if user.disabled_at.is_some() {
        return Ok(None);
    }
    Ok(Some(AnySession { session, user }))
}

impl FromRequestParts<AppState> for AnySession {
    type Rejection = Error;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        load_session(state, parts)
            .await?
            .ok_or(Error::Unauthenticated)
    }
}

impl axum::extract::OptionalFromRequestParts<AppState> for AnySession {
    type Rejection = Error;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, Self::Rejection> {
        load_session(state, parts).await
    }
}

/// A signed-in user working in an organisation: the extractor of every page and API route
/// past sign-in.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// The session.
    pub session: SessionRecord,
    /// The user.
    pub user: UserRecord,
    /// The organisation worked on and the user's role there.
    pub membership: MembershipRecord,
    /// Every organisation the user belongs to.
    pub memberships: Vec<MembershipRecord>,
    /// The language of the screens for this request.
    pub lang: Lang,
    /// The address asked (path and query): where the language switch comes back to.
    pub here: String,
}

impl SignedIn {
    /// The organisation worked on.
    pub fn org(&self) -> &OrgId {
        &self.membership.org_id
    }

    /// The user's role there.
    pub fn role(&self) -> Role {
        self.membership.role
    }

    /// Refuses unless the user is an administrator of the organisation.
    pub fn require_admin(&self) -> Result<(), Error> {
        if self.role() == Role::Administrateur {
            Ok(())
        } else {
            Err(Error::Forbidden(
                n_("cette page est réservée aux administrateurs de l'organisation").into(),
            ))
        }
    }

    /// Refuses read-only roles (élu) for changes.
    pub fn require_writer(&self) -> Result<(), Error> {
        match self.role() {
            Role::Administrateur | Role::Agent | Role::Prestataire => Ok(()),
            Role::Elu => Err(Error::Forbidden(
                n_(
                    "votre rôle (élu) permet de consulter, pas de modifier : demandez à un agent \
                    ou à un administrateur",
                )
                .into(),
            )),
        }
    }
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Error;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let AnySession { session, user } = load_session(state, parts)
            .await?
            .ok_or(Error::Unauthenticated)?;
        if session.stage != SessionStage::Full {
            return Err(Error::Unauthenticated);
        }
        let memberships = state.store().memberships(&user.id).await?;
        let membership = session
            .org_id
            .as_ref()
            .and_then(|org| memberships.iter().find(|m| &m.org_id == org))
            .cloned()
            .ok_or_else(|| {
                Error::Forbidden(
                    n_("vous ne faites plus partie de cette organisation : reconnectez-vous")
                        .into(),
                )
            })?;
        // The provider's staff work on the commune's data: each of their visits is written in
        // the commune's security journal, which its administrators read.
        if membership.role == Role::Prestataire {
            let client = ClientInfo::from_request_parts(parts, state).await?;
            let detail = format!(
                "Accès du prestataire : {} {}",
                parts.method,
                parts.uri.path()
            );
            record_org_event(
                state,
                &membership.org_id,
                &user,
                "acces_prestataire",
                detail,
                &client,
            )
            .await?;
        }
        // Sliding expiry, written at most once a minute to spare the database.
        let now = Utc::now();
        if now - session.last_seen_at > Duration::minutes(1) {
            let expires = now + Duration::hours(state.config().session_hours);
            state
                .store()
                .touch_session(&session.id_hash, now, expires)
                .await?;
        }
        Ok(SignedIn {
            session,
            user,
            membership,
            memberships,
            lang: Lang::of(parts),
            here: parts
                .uri
                .path_and_query()
                .map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned()),
        })
    }
}

/// Creates a session for `user` at `stage`, ending `previous` (the one this replaces) first.
/// Returns the new cookie's token.
pub async fn start_session(
    state: &AppState,
    user: &UserRecord,
    stage: SessionStage,
    previous: Option<&SessionRecord>,
    client: &ClientInfo,
) -> Result<(String, SessionRecord), Error> {
    if let Some(previous) = previous {
        state.store().delete_session(&previous.id_hash).await?;
    }
    let org = match stage {
        SessionStage::Full => state
            .store()
            .memberships(&user.id)
            .await?
            .first()
            .map(|m| m.org_id.clone()),
        _ => None,
    };
    let now = Utc::now();
    let lifetime = match stage {
        SessionStage::Full => Duration::hours(state.config().session_hours),
        _ => Duration::minutes(PENDING_MINUTES),
    };
    let token = new_token();
    let csrf = new_token();
    let digest = token_digest(&token);
    let record = state
        .store()
        .create_session(&NewSession {
            id_hash: &digest,
            user_id: &user.id,
            org_id: org.as_ref(),
            stage,
            csrf_token: &csrf,
            now,
            expires_at: now + lifetime,
            ip: &client.ip,
            user_agent: &client.user_agent,
        })
        .await?;
    Ok((token, record))
}

/// Writes an event to the security journal of every organisation the user belongs to.
pub async fn record_event(
    state: &AppState,
    user: &UserRecord,
    kind: &str,
    detail: String,
    client: &ClientInfo,
) -> Result<(), Error> {
    for m in state.store().memberships(&user.id).await? {
        record_org_event(state, &m.org_id, user, kind, detail.clone(), client).await?;
    }
    Ok(())
}

/// Writes an event, done by `user` from `client`, to the security journal of `org`.
pub async fn record_org_event(
    state: &AppState,
    org: &OrgId,
    user: &UserRecord,
    kind: &str,
    detail: String,
    client: &ClientInfo,
) -> Result<(), Error> {
    state
        .store()
        .record_security_event(
            org,
            &NewSecurityEvent {
                user_id: Some(user.id.clone()),
                actor: user.display_name.clone(),
                kind: kind.to_owned(),
                detail,
                ip: client.ip.clone(),
            },
        )
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_digests_stable() {
        let a = new_token();
        let b = new_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(token_digest(&a), token_digest(&a));
        assert_eq!(token_digest(&a).len(), 64);
    }

    #[test]
    fn cookies_are_found_among_others() {
        let request = axum::http::Request::builder()
            .header(COOKIE, "a=1; vigie_session=abc; b=2")
            .header(COOKIE, "vigie_csrf=xyz")
            .body(())
            .unwrap_or_default();
        let (parts, ()) = request.into_parts();
        assert_eq!(cookie(&parts, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(&parts, CSRF_COOKIE), Some("xyz"));
        assert_eq!(cookie(&parts, "absent"), None);
    }

    fn nets(list: &[&str]) -> Vec<ipnet::IpNet> {
        list.iter()
            .map(|t| t.parse().unwrap_or_else(|e| panic!("{t}: {e}")))
            .collect()
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn client_address_behind_trusted_proxies() {
        let proxies = nets(&["127.0.0.1/32", "10.0.0.0/8"]);
        // Straight from the client: the header is the client's own words, ignored.
        assert_eq!(
            client_address(ip("203.0.113.9"), "198.51.100.1", &proxies),
            ip("203.0.113.9")
        );
        // Through nginx on the same machine.
        assert_eq!(
            client_address(ip("127.0.0.1"), "203.0.113.9", &proxies),
            ip("203.0.113.9")
        );
        // Through two proxies; what the client wrote itself (leftmost) is not believed.
        assert_eq!(
            client_address(ip("127.0.0.1"), "6.6.6.6, 203.0.113.9, 10.1.2.3", &proxies),
            ip("203.0.113.9")
        );
        // No header, or garbage: the proxy's own address (nothing better is known).
        assert_eq!(
            client_address(ip("127.0.0.1"), "", &proxies),
            ip("127.0.0.1")
        );
        assert_eq!(
            client_address(ip("127.0.0.1"), "n'importe quoi", &proxies),
            ip("127.0.0.1")
        );
        // Without trusted proxies, nothing is ever read from the header.
        assert_eq!(
            client_address(ip("127.0.0.1"), "203.0.113.9", &[]),
            ip("127.0.0.1")
        );
        assert_eq!(
            client_address(ip("::1"), "2001:db8::7", &nets(&["::1/128"])),
            ip("2001:db8::7")
        );
    }

    proptest::proptest! {
        /// A client that is not a trusted proxy cannot choose its address, whatever it sends.
        #[test]
        fn an_untrusted_peer_is_its_own_address(
            a in proptest::prelude::any::<[u8; 4]>(),
            header in ".{0,80}",
        ) {
            let peer = IpAddr::from(a);
            let proxies = nets(&["127.0.0.0/8", "10.0.0.0/8"]);
            proptest::prop_assume!(!proxies.iter().any(|n| n.contains(&peer)));
            proptest::prop_assert_eq!(client_address(peer, &header, &proxies), peer);
        }

        /// Behind trusted proxies, the answer is always the peer or an address of the header.
        #[test]
        fn behind_proxies_the_answer_comes_from_the_chain(
            chain in proptest::collection::vec(proptest::prelude::any::<[u8; 4]>(), 0..6),
        ) {
            let header = chain
                .iter()
                .map(|a| IpAddr::from(*a).to_string())
                .collect::<Vec<_>>()
                .join(", ");
            let peer = ip("127.0.0.1");
            let got = client_address(peer, &header, &nets(&["127.0.0.0/8"]));
            proptest::prop_assert!(got == peer || chain.iter().any(|a| IpAddr::from(*a) == got));
        }
    }
}
