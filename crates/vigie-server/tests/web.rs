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
    store: Store,
    base: String,
    setup_url: String,
    _dir: tempfile::TempDir,
    _pg: Option<vigie_testkit::Postgres>,
}

impl Env {
    async fn stop(mut self) {
        if let Some(server) = self.server.take() {
            server.stop().await.unwrap_or_else(|e| panic!("stop: {e}"));
        }
    }
}

async fn start(store: Store, dir: tempfile::TempDir, pg: Option<vigie_testkit::Postgres>) -> Env {
    let config = Config::resolve(
        Overrides {
            listen: Some("127.0.0.1:0".into()),
            data_dir: Some(dir.path().to_path_buf()),
            ..Overrides::default()
        },
        dir.path(),
    )
    .unwrap_or_else(|e| panic!("config: {e}"));
    let server = vigie_server::start_with_store(config, store.clone())
        .await
        .unwrap_or_else(|e| panic!("start: {e}"));
    let base = server.base_url.clone();
    let setup_url = server.setup_url.clone().unwrap_or_default();
    Env {
        server: Some(server),
        store,
        base,
        setup_url,
        _dir: dir,
        _pg: pg,
    }
}

async fn sqlite_env() -> Env {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let store = Store::open_sqlite(&dir.path().join("vigie.db"))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    start(store, dir, None).await
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
    start(store, dir, Some(pg)).await
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

const PASSWORD: &str = "tulipe-canapé-orbite-mardi";

/// Setup wizard → TOTP enrolment. Returns the browser (signed in), the TOTP secret and the
/// recovery codes.
async fn set_up(env: &Env) -> (Browser, String, Vec<String>) {
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
                ("organisation", "Mairie de Saint-Exemple"),
                ("nom", "Claire Martin"),
                ("email", "Secretariat@Mairie-Saint-Exemple.fr"),
                ("mot_de_passe", PASSWORD),
                ("confirmation", PASSWORD),
            ],
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.body);
    assert_eq!(created.location(), "/connexion/double-facteur");
    // Before enrolment, nothing past sign-in is reachable.
    assert_eq!(b.get("/").await.location(), "/connexion");
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
    (b, secret, codes)
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
    assert_eq!(home.header("referrer-policy"), "no-referrer");
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

    // Another organisation, with its own administrator, sees none of it.
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
    let key =
        vigie_server::keys::ServerKey::load_or_create(&env._dir.path().join("cle-serveur.key"))
            .unwrap_or_else(|e| panic!("{e}"));
    env.store
        .set_totp(&other_user.id, &key.seal("totp", &secret), 0)
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
);
