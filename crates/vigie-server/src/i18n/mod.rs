//! The language of the screens: French first, English available.
//!
//! Gettext-style: the French sentence written in the template or the handler is the key, and
//! [`en`] maps it to its English text. Nothing is looked up by an invented identifier, so a
//! French reader of a template sees the real text, and a sentence missing from the catalogue
//! falls back to French (never a panic, never an empty label). The tests of this module read
//! every template and every source file of the crate and fail when a key used there has no
//! English entry, when an entry is no longer used, or when the placeholders differ.
//!
//! Three helpers cover what a page needs:
//! * [`Lang::t`] for a fixed sentence;
//! * [`Lang::tn`] for a sentence with a count: French puts 0 and 1 in the singular, English
//!   only 1, so the choice is made per language, never with `s` glued on in a template;
//! * [`Lang::tf`] for a sentence with values: named placeholders (`{nom}`) are replaced *after*
//!   translation, so the English sentence may put them in another order.
//!
//! The language comes from the `vigie_langue` cookie (set by the switch at the bottom of every
//! page, `POST /langue`), else from the browser's `Accept-Language` (English only when the
//! user prefers it to French), else French.
//!
//! What the libraries write comes in the reader's language when the library wrote it in
//! English too: audit findings carry `translations` (made from the same facts as the French),
//! playbooks have `_en` texts ([`vigie_incident::playbook::Playbook::in_language`]) and
//! deadlines an English name. What has no translation stays in French: the documents addressed
//! to French authorities, the journals, the audit's notes, a commune's own French-only
//! playbook, an audit stored before translations existed, and what users typed. Pages mark it
//! `lang="fr"` so that screen readers pronounce it correctly.

mod en;

use std::convert::Infallible;
use std::fmt::Display;

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::header::{ACCEPT_LANGUAGE, COOKIE};
use axum::http::request::Parts;

/// Name of the cookie that keeps the chosen language.
pub const LANG_COOKIE: &str = "vigie_langue";

/// A language of the screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// French: the source text, the default.
    #[default]
    Fr,
    /// English.
    En,
}

/// A number of things, as templates hold it (by value or by reference, of any integer type).
pub trait Count {
    /// The number (saturating: a count is never negative).
    fn count(&self) -> u64;
}

macro_rules! count {
    ($($t:ty),*) => {$(
        impl Count for $t {
            fn count(&self) -> u64 {
                u64::try_from(*self).unwrap_or(0)
            }
        }
    )*};
}
count!(u64, u32, usize, i64, i32);

impl<T: Count + ?Sized> Count for &T {
    fn count(&self) -> u64 {
        (**self).count()
    }
}

/// Marks a French sentence for translation without translating it here (gettext's `N_`): for
/// messages chosen now and shown later in the reader's language (error messages), so that the
/// catalogue tests see them.
pub const fn n_(fr: &'static str) -> &'static str {
    fr
}

impl Lang {
    /// The code for `<html lang>` and the cookie: `fr` or `en`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    /// The language of a code (`fr`, `en`), if it is one of ours.
    pub fn from_code(code: &str) -> Option<Lang> {
        match code.trim() {
            "fr" => Some(Lang::Fr),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The text of the French sentence `fr` in this language (French when no English entry
    /// exists: the tests make that impossible for the keys written in the code).
    pub fn t(&self, fr: &'static str) -> &'static str {
        match self {
            Lang::Fr => fr,
            Lang::En => en::get(fr).unwrap_or(fr),
        }
    }

    /// The colon between a label and its value: French puts a space before it, English does
    /// not.
    pub fn colon(&self) -> &'static str {
        match self {
            Lang::Fr => " : ",
            Lang::En => ": ",
        }
    }

    /// The translation of a French text known only at run time (a message chosen elsewhere and
    /// marked with [`n_`]), or `None` when there is none (French page, or a text the catalogue
    /// does not have, such as a library's message): the caller then shows the French text
    /// marked `lang="fr"`.
    pub fn lookup(&self, fr: &str) -> Option<&'static str> {
        match self {
            Lang::Fr => None,
            Lang::En => en::get(fr),
        }
    }

    /// A sentence with a count: `one` or `many` depending on `n` and the language's rule, with
    /// `{n}` replaced by the number.
    pub fn tn(&self, n: u64, one: &'static str, many: &'static str) -> String {
        self.tnf(n, one, many, &[])
    }

    /// [`Lang::tn`] with other named values besides `{n}`.
    pub fn tnf(
        &self,
        n: u64,
        one: &'static str,
        many: &'static str,
        args: &[(&str, &dyn Display)],
    ) -> String {
        let singular = match self {
            // « 0 boîte suivie », « 1 boîte suivie »: French treats 0 as singular.
            Lang::Fr => n <= 1,
            // "0 mailboxes", "1 mailbox".
            Lang::En => n == 1,
        };
        let text = self.t(if singular { one } else { many });
        let mut all: Vec<(&str, &dyn Display)> = vec![("n", &n)];
        all.extend_from_slice(args);
        fill(text, &all)
    }

    /// A sentence with named values: `{name}` in the translated text is replaced by the value
    /// of `name` (so the English text may order them differently).
    pub fn tf(&self, fr: &'static str, args: &[(&str, &dyn Display)]) -> String {
        fill(self.t(fr), args)
    }

    /// A date and time in Europe/Paris: « 04/03/2026 à 09:15 », "04/03/2026 at 09:15".
    pub fn date_time(&self, t: chrono::DateTime<chrono::Utc>) -> String {
        let format = match self {
            Lang::Fr => "%d/%m/%Y à %H:%M",
            Lang::En => "%d/%m/%Y at %H:%M",
        };
        t.with_timezone(&chrono_tz::Europe::Paris)
            .format(format)
            .to_string()
    }

    /// The language of a request: the cookie first, then the browser's preference, then French.
    pub fn negotiate(cookie: Option<&str>, accept_language: Option<&str>) -> Lang {
        if let Some(lang) = cookie.and_then(Lang::from_code) {
            return lang;
        }
        accept_language.map_or(Lang::Fr, prefers)
    }

    /// The language of a request's parts (see [`Lang::negotiate`]).
    pub fn of(parts: &Parts) -> Lang {
        Lang::of_headers(&parts.headers)
    }

    /// The language of a request from its headers (see [`Lang::negotiate`]).
    pub fn of_headers(headers: &HeaderMap) -> Lang {
        let cookie = headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(k, _)| *k == LANG_COOKIE)
            .map(|(_, v)| v);
        let accept = headers.get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
        Lang::negotiate(cookie, accept)
    }
}

/// English when `Accept-Language` ranks English above French (by weight, then by order);
/// French otherwise, including when neither is listed: the product speaks French first.
fn prefers(header: &str) -> Lang {
    // (weight in thousandths, position): higher weight wins, then the earlier position.
    let mut fr: Option<(u32, usize)> = None;
    let mut en: Option<(u32, usize)> = None;
    for (position, item) in header.split(',').enumerate() {
        let mut pieces = item.split(';');
        let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
        let primary = tag.split('-').next().unwrap_or("");
        let mut weight = 1000;
        for param in pieces {
            if let Some(q) = param.trim().strip_prefix("q=") {
                weight = q
                    .trim()
                    .parse::<f32>()
                    .ok()
                    .filter(|q| (0.0..=1.0).contains(q))
                    .map_or(0, |q| (q * 1000.0).round() as u32);
            }
        }
        let slot = match primary {
            "fr" => &mut fr,
            "en" => &mut en,
            _ => continue,
        };
        // A language listed twice (en-GB, en) counts with its best entry.
        if slot.is_none_or(|(w, _)| weight > w) {
            *slot = Some((weight, position));
        }
    }
    match (en, fr) {
        (Some((0, _)), _) | (None, _) => Lang::Fr,
        (Some(_), None) => Lang::En,
        (Some((we, pe)), Some((wf, pf))) => {
            if we > wf || (we == wf && pe < pf) {
                Lang::En
            } else {
                Lang::Fr
            }
        }
    }
}

/// The names of the placeholders of `text` (`{name}`), in order of first appearance.
pub fn placeholders(text: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        let name = &after[..close];
        if !names.contains(&name) {
            names.push(name);
        }
        rest = &after[close + 1..];
    }
    names
}

/// Replaces each `{name}` of `text` by its value; an unknown name is left as written (the
/// tests check that keys and translations carry the same names).
fn fill(text: &str, args: &[(&str, &dyn Display)]) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match args.iter().find(|(n, _)| *n == name) {
                    Some((_, value)) => out.push_str(&value.to_string()),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Lang::of(parts))
    }
}

/// A local address to go back to after switching language: a path on this site (`/…`), never
/// `//host` or `/\host` (which browsers read as another site); anything else gives `/`.
pub fn local_path(candidate: &str) -> &str {
    let local = candidate.starts_with('/')
        && !candidate.starts_with("//")
        && !candidate.starts_with("/\\")
        && !candidate.chars().any(|c| c.is_control() || c == '\\');
    if local { candidate } else { "/" }
}

#[cfg(test)]
mod tests;
