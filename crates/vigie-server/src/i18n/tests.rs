//! The catalogue against the code: every key written in a template or a source file has its
//! English text, no entry is left over, placeholders match; and no template shows French text
//! outside a translation call.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::*;

/// The functions whose string arguments are catalogue keys.
const KEY_FUNCTIONS: &[&str] = &[
    "t",
    "tn",
    "tn1",
    "tnf",
    "tf",
    "tf1",
    "tf2",
    "tf3",
    "n_",
    "bad_request",
];

/// Entries whose English text is the French one on purpose (the same word in both languages).
const SAME_IN_BOTH: &[&str] = &[
    "Actions",
    "Code",
    "Contacts",
    "Description",
    "Incident {reference}",
    "Incidents",
    "Invitation",
    "Journal",
    "Organisation",
    "Organisations",
];

/// Text a template may show outside a translation call: names, and words that are the same in
/// every language.
const UNTRANSLATED_TEXT: &[&str] = &[
    "Vigie",
    "— Vigie",
    "17Cyber",
    "(cybermalveillance.gouv.fr)",
    // The language switch names each language in that language.
    "Français",
    "English",
    "STARTTLS (port 143)",
    "?jeton=…",
];

/// The value of a Rust or askama string literal whose body is `raw` (between the quotes):
/// escapes decoded, and a backslash at the end of a line swallowing the newline and the
/// indentation that follows, as the compiler does.
fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('\n') => {
                while chars.peek().is_some_and(|c| c.is_whitespace()) {
                    chars.next();
                }
            }
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

/// The catalogue keys written in `text`: the string literals given directly to one of
/// [`KEY_FUNCTIONS`] (at any depth when the argument is a `match` or an `if` choosing between
/// sentences, as in `lang.t(match severity { … })`).
fn keys_in(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut keys = Vec::new();
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    for name in KEY_FUNCTIONS {
        let needle = format!("{name}(");
        let mut from = 0;
        while let Some(found) = text[from..].find(&needle) {
            let start = from + found;
            from = start + needle.len();
            // A whole name (`t(`, not `split(`), and not its definition (`fn t(`).
            if start > 0 && is_ident(bytes[start - 1]) {
                continue;
            }
            if text[..start].trim_end().ends_with("fn") {
                continue;
            }
            let rest = text[from..].trim_start();
            let any_depth = rest.starts_with("match ") || rest.starts_with("if ");
            let mut depth = 1;
            let mut i = from;
            while i < bytes.len() && depth > 0 {
                match bytes[i] {
                    b'"' => {
                        let mut j = i + 1;
                        while j < bytes.len() && bytes[j] != b'"' {
                            j += if bytes[j] == b'\\' { 2 } else { 1 };
                        }
                        if depth == 1 || any_depth {
                            keys.push(unescape(&text[i + 1..j.min(bytes.len())]));
                        }
                        i = j + 1;
                        continue;
                    }
                    b'(' | b'[' | b'{' => depth += 1,
                    b')' | b']' | b'}' => depth -= 1,
                    _ => {}
                }
                i += 1;
            }
        }
    }
    keys
}

fn files(dir: &Path, extension: &str, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        panic!("cannot read {}", dir.display());
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            // The catalogue itself and these tests are not uses of the keys.
            if path.file_name().is_some_and(|n| n == "i18n") {
                continue;
            }
            files(&path, extension, out);
        } else if path.extension().is_some_and(|e| e == extension) {
            out.push(path);
        }
    }
}

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn templates() -> Vec<(PathBuf, String)> {
    let mut paths = Vec::new();
    files(&crate_dir().join("templates"), "html", &mut paths);
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap_or_default();
            (p, text)
        })
        .collect()
}

/// Every key used by the templates and the Rust sources of the crate.
fn used_keys() -> BTreeSet<String> {
    let mut paths = Vec::new();
    files(&crate_dir().join("src"), "rs", &mut paths);
    let mut keys = BTreeSet::new();
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        keys.extend(keys_in(&text));
    }
    for (_, text) in templates() {
        keys.extend(keys_in(&text));
    }
    keys
}

#[test]
fn the_scanner_finds_keys_the_way_they_are_written() {
    let rust = r#"
        let a = lang.t("Une phrase");
        let b = who.lang.tn(n, "{n} boîte", "{n} boîtes");
        let c = lang.tf("Bonjour {nom}", &[("nom", &x)]);
        let d = n_("ligne coupée \
                    en deux");
        let e = lang.t(match s { A => "premier", B => "second" });
        let f = text.split("pas une clé");
        fn t(&self, fr: &'static str) {}
    "#;
    let keys = keys_in(rust);
    for expected in [
        "Une phrase",
        "{n} boîte",
        "{n} boîtes",
        "Bonjour {nom}",
        "ligne coupée en deux",
        "premier",
        "second",
    ] {
        assert!(keys.iter().any(|k| k == expected), "{expected}: {keys:?}");
    }
    assert!(!keys.iter().any(|k| k == "pas une clé" || k == "nom"));
    let template = r#"<p>{{ chrome.t("Tableau de bord") }} {{ chrome.tf1("le {date}", d) }}</p>"#;
    assert_eq!(keys_in(template), ["Tableau de bord", "le {date}"]);
}

#[test]
fn every_key_used_has_an_english_entry_and_every_entry_is_used() {
    let used = used_keys();
    // Guards against a scanner that silently finds nothing.
    assert!(used.len() > 300, "only {} keys found", used.len());
    let missing: Vec<&String> = used.iter().filter(|k| en::get(k).is_none()).collect();
    assert!(
        missing.is_empty(),
        "sentences without an English entry in src/i18n/en.rs: {missing:#?}"
    );
    let unused: Vec<&str> = en::ENTRIES
        .iter()
        .map(|(fr, _)| *fr)
        .filter(|fr| !used.contains(*fr))
        .collect();
    assert!(
        unused.is_empty(),
        "entries of src/i18n/en.rs no longer used: {unused:#?}"
    );
}

#[test]
fn the_catalogue_is_sorted_without_duplicates() {
    for pair in en::ENTRIES.windows(2) {
        assert!(
            pair[0].0 < pair[1].0,
            "out of order or twice: {:?} then {:?}",
            pair[0].0,
            pair[1].0
        );
    }
}

#[test]
fn placeholders_are_the_same_in_both_languages() {
    for (fr, english) in en::ENTRIES {
        let a: BTreeSet<&str> = placeholders(fr).into_iter().collect();
        let b: BTreeSet<&str> = placeholders(english).into_iter().collect();
        assert_eq!(a, b, "placeholders differ: {fr:?} / {english:?}");
    }
}

#[test]
fn english_texts_are_translations() {
    for (fr, english) in en::ENTRIES {
        assert!(!english.trim().is_empty(), "empty translation of {fr:?}");
        if fr == english {
            assert!(
                SAME_IN_BOTH.contains(fr),
                "{fr:?} is not translated (add it to SAME_IN_BOTH if that is right)"
            );
        }
        // French typography (a space before « : » or « ; ») left in an English text.
        assert!(
            !english.contains(" :") && !english.contains(" ;"),
            "French punctuation in {english:?}"
        );
    }
}

/// What a template shows outside `{{ … }}`, `{% … %}` and `{# … #}`: the text between tags
/// (collapsed), and the values of attributes people read (alt, placeholder, title,
/// aria-label).
fn visible_text(template: &str) -> Vec<String> {
    let mut plain = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        plain.push_str(&rest[..open]);
        let after = &rest[open..];
        let close = match after.as_bytes().get(1) {
            Some(b'{') => "}}",
            Some(b'%') => "%}",
            Some(b'#') => "#}",
            _ => {
                plain.push('{');
                rest = &after[1..];
                continue;
            }
        };
        match after.find(close) {
            Some(end) => {
                // An expression stands for text: keep a marker so words around it stay apart.
                plain.push(' ');
                rest = &after[end + 2..];
            }
            None => panic!("unclosed {close} in a template"),
        }
    }
    plain.push_str(rest);
    let mut shown = Vec::new();
    let mut text = String::new();
    let mut in_tag = false;
    let mut tag = String::new();
    for c in plain.chars() {
        match (in_tag, c) {
            (false, '<') => {
                in_tag = true;
                tag.clear();
                shown.push(std::mem::take(&mut text));
            }
            (true, '>') => {
                in_tag = false;
                for attribute in ["alt=\"", "placeholder=\"", "title=\"", "aria-label=\""] {
                    if let Some(start) = tag.find(attribute) {
                        let value = &tag[start + attribute.len()..];
                        shown.push(value[..value.find('"').unwrap_or(value.len())].to_owned());
                    }
                }
            }
            (true, c) => tag.push(c),
            (false, c) => text.push(c),
        }
    }
    shown.push(text);
    shown
        .into_iter()
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|t| t.chars().any(char::is_alphabetic))
        .collect()
}

#[test]
fn the_text_finder_sees_what_a_forgotten_sentence_would_show() {
    let shown = visible_text(
        r#"<h1>{{ chrome.t("Titre") }}</h1><p>Oubliée {{ x }}</p><img alt="Image oubliée">
           {% if a %}<span>{{ y }}</span>{% endif %}{# commentaire #}"#,
    );
    assert_eq!(shown, ["Oubliée", "Image oubliée"]);
}

#[test]
fn templates_show_no_text_outside_translation_calls() {
    let all = templates();
    assert!(all.len() >= 20, "templates not found");
    for (path, template) in all {
        for text in visible_text(&template) {
            assert!(
                UNTRANSLATED_TEXT.contains(&text.as_str()),
                "{}: text outside chrome.t(…): {text:?}",
                path.display()
            );
        }
    }
}

#[test]
fn the_language_comes_from_the_cookie_then_the_browser_then_french() {
    assert_eq!(Lang::negotiate(None, None), Lang::Fr);
    assert_eq!(Lang::negotiate(None, Some("en-GB,en;q=0.9")), Lang::En);
    assert_eq!(
        Lang::negotiate(None, Some("fr-FR,fr;q=0.9,en;q=0.5")),
        Lang::Fr
    );
    assert_eq!(Lang::negotiate(None, Some("en-US,fr;q=0.8")), Lang::En);
    // Weights win over order.
    assert_eq!(Lang::negotiate(None, Some("fr;q=0.4,en;q=0.9")), Lang::En);
    // Equal weights: the first listed.
    assert_eq!(Lang::negotiate(None, Some("fr,en")), Lang::Fr);
    assert_eq!(Lang::negotiate(None, Some("en,fr")), Lang::En);
    // Neither listed, or English refused: French.
    assert_eq!(Lang::negotiate(None, Some("de-DE,es;q=0.5")), Lang::Fr);
    assert_eq!(Lang::negotiate(None, Some("en;q=0,de")), Lang::Fr);
    assert_eq!(Lang::negotiate(None, Some("*")), Lang::Fr);
    assert_eq!(Lang::negotiate(None, Some("garbage;;;q=x")), Lang::Fr);
    // The cookie overrides the browser; an unknown value is ignored.
    assert_eq!(Lang::negotiate(Some("fr"), Some("en")), Lang::Fr);
    assert_eq!(Lang::negotiate(Some("en"), Some("fr")), Lang::En);
    assert_eq!(Lang::negotiate(Some("de"), Some("en")), Lang::En);
}

#[test]
fn the_request_headers_carry_the_language() {
    let mut headers = HeaderMap::new();
    headers.insert(
        ACCEPT_LANGUAGE,
        "en-GB,en;q=0.9".parse().unwrap_or_else(|_| unreachable!()),
    );
    assert_eq!(Lang::of_headers(&headers), Lang::En);
    headers.insert(
        COOKIE,
        "vigie_csrf=abc; vigie_langue=fr"
            .parse()
            .unwrap_or_else(|_| unreachable!()),
    );
    assert_eq!(Lang::of_headers(&headers), Lang::Fr);
}

#[test]
fn plurals_follow_each_language() {
    let (one, many) = ("{n} boîte suivie ;", "{n} boîtes suivies ;");
    assert_eq!(Lang::Fr.tn(0, one, many), "0 boîte suivie ;");
    assert_eq!(Lang::Fr.tn(1, one, many), "1 boîte suivie ;");
    assert_eq!(Lang::Fr.tn(2, one, many), "2 boîtes suivies ;");
    assert_eq!(Lang::En.tn(0, one, many), "0 mailboxes monitored;");
    assert_eq!(Lang::En.tn(1, one, many), "1 mailbox monitored;");
    assert_eq!(Lang::En.tn(3, one, many), "3 mailboxes monitored;");
}

#[test]
fn values_are_placed_after_translation() {
    let fr = "{role}, lien valable jusqu'au {date}";
    let args: [(&str, &dyn Display); 2] = [("role", &"Agent"), ("date", &"05/03/2026")];
    assert_eq!(
        Lang::Fr.tf(fr, &args),
        "Agent, lien valable jusqu'au 05/03/2026"
    );
    assert_eq!(Lang::En.tf(fr, &args), "Agent, link valid until 05/03/2026");
    // A value is never read as a placeholder itself.
    let tricky: [(&str, &dyn Display); 2] = [("role", &"{date}"), ("date", &"x")];
    assert_eq!(Lang::Fr.tf(fr, &tricky), "{date}, lien valable jusqu'au x");
    assert_eq!(placeholders("{a} et {b}, puis {a}"), ["a", "b"]);
}

#[test]
fn a_missing_entry_shows_the_french_text() {
    assert_eq!(
        Lang::En.t("Phrase absente du catalogue"),
        "Phrase absente du catalogue"
    );
    assert_eq!(Lang::En.lookup("Phrase absente du catalogue"), None);
    assert_eq!(Lang::Fr.lookup("Tableau de bord"), None);
    assert_eq!(Lang::En.t("Tableau de bord"), "Dashboard");
    assert_eq!(Lang::Fr.t("Tableau de bord"), "Tableau de bord");
}

#[test]
fn dates_are_written_for_each_language() {
    use chrono::TimeZone as _;
    let t = chrono::Utc
        .with_ymd_and_hms(2026, 3, 4, 8, 15, 0)
        .single()
        .unwrap_or_default();
    assert_eq!(Lang::Fr.date_time(t), "04/03/2026 à 09:15");
    assert_eq!(Lang::En.date_time(t), "04/03/2026 at 09:15");
}

#[test]
fn only_local_paths_are_followed_after_switching() {
    assert_eq!(local_path("/messagerie/ajouter"), "/messagerie/ajouter");
    assert_eq!(
        local_path("/installation?jeton=abc"),
        "/installation?jeton=abc"
    );
    for outside in [
        "//evil.example",
        "/\\evil.example",
        "https://evil.example/",
        "evil.example",
        "",
        "/a\\b",
        "/\r\nSet-Cookie: x",
        "javascript:alert(1)",
    ] {
        assert_eq!(local_path(outside), "/", "{outside:?}");
    }
}

#[test]
fn a_label_and_its_value_are_punctuated_the_way_each_language_does() {
    assert_eq!(
        format!("Notification{}J+3", Lang::Fr.colon()),
        "Notification : J+3"
    );
    assert_eq!(
        format!("Notification{}J+3", Lang::En.colon()),
        "Notification: J+3"
    );
    // No template writes the French spacing by hand between two values.
    for (path, text) in templates() {
        assert!(
            !text.contains("</span> : <span") && !text.contains("</a> : <span"),
            "{}: use chrome.colon()",
            path.display()
        );
    }
}
