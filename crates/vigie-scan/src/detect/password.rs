//! Passwords sent in clear: « Mot de passe : Xy7!kq », « mdp provisoire: … », « MDP=… »,
//! « password: … ».
//!
//! The main loop stops on every `:` and `=`; this module looks back for a password label that
//! ends right before the separator (a few qualifying words such as « provisoire » may sit in
//! between) and takes the token after it. Labels that introduce something else (« mot de
//! passe oublié », « votre mot de passe doit contenir : 8 caractères ») and values that are not
//! secrets (« ******** », « [masqué] », a sentence) are skipped. Confidence comes from the
//! token's shape: character classes and length.
//!
//! The value of a password detection is the token as written (case and punctuation are part
//! of a password), unlike the other kinds whose value is normalised.

use aho_corasick::AhoCorasick;

use super::context::{build_automaton, spellings, whole_word};
use super::text::{at, before, blank_len, is_letter};
use super::{Confidence, Detection, Kind};

/// Labels of a password (lower case; accent and apostrophe variants are generated).
const LABELS: &[&str] = &[
    "mot de passe",
    "mots de passe",
    "mot-de-passe",
    "motdepasse",
    "mdp",
    "password",
    "passwd",
    "pwd",
    "passphrase",
    "code d'accès",
    "code secret",
    "clé wifi",
    "clé wi-fi",
    "clé wpa",
    "code wifi",
    "code wi-fi",
];

/// Word stems that, between the label and the separator, show the line is about the
/// password rather than giving it (« oublié », « doit contenir », « règles »).
const GAP_REFUSALS: &[&str] = &[
    "oubli",
    "perdu",
    "doit",
    "devra",
    "incorrect",
    "erron",
    "invalide",
    "expir",
    "chang",
    "modif",
    "reinit",
    "réinit",
    "regle",
    "règle",
    "polit",
    "longueur",
    "complex",
    "conten",
    "comport",
    "minimum",
    "caract",
    "forgot",
    "reset",
    "requis",
    "securi",
    "sécuri",
    "renouvel",
    "saisi",
];

/// The same, just before the label (« Changement de mot de passe : effectué »).
const BEFORE_REFUSALS: &[&str] = &[
    "oubli",
    "changement",
    "changer",
    "réinitialis",
    "reinitialis",
    "expiration",
    "règle",
    "regle",
    "politique",
    "longueur",
    "complexit",
    "modification",
    "modifier",
    "renouvel",
    "perte",
];

/// Tokens that stand where a password would but are not one.
const NOT_SECRETS: &[&str] = &[
    "voir",
    "idem",
    "inchangé",
    "inchange",
    "identique",
    "le",
    "la",
    "les",
    "votre",
    "vous",
    "celui",
    "non",
    "oui",
    "aucun",
    "néant",
    "neant",
    "vide",
    "envoyé",
    "envoye",
    "ci-dessous",
    "ci-dessus",
    "ci-joint",
    "ci-après",
    "communiqué",
    "transmis",
    "sms",
    "confidentiel",
    "masqué",
    "masque",
    "caché",
    "cache",
    "secret",
    "personnel",
    "habituel",
    "requis",
    "obligatoire",
    "facultatif",
    "optionnel",
    "provisoire",
    "temporaire",
    "null",
    "none",
    "n/a",
    "undefined",
];

/// How far back from the separator a label may start, in bytes.
const LOOK_BACK: usize = 64;
/// Longest gap between the label and the separator (« provisoire de connexion »).
const MAX_GAP: usize = 32;
/// Longest password token, in bytes.
const MAX_TOKEN: usize = 64;

/// The password-label automaton, built once per [`super::Detector`].
#[derive(Debug, Clone)]
pub(crate) struct PasswordIndex {
    ac: AhoCorasick,
    /// Last three bytes of every label spelling: see [`PasswordIndex::label_may_end_near`].
    tails: TailSet,
}

impl PasswordIndex {
    pub fn new() -> Self {
        let mut all: Vec<String> = LABELS.iter().flat_map(|l| spellings(l)).collect();
        all.sort();
        all.dedup();
        let mut tails = TailSet::default();
        for s in &all {
            tails.insert(tail_key(s.as_bytes(), s.len()));
        }
        PasswordIndex {
            ac: build_automaton(all.iter().map(String::as_str), None),
            tails,
        }
    }

    /// Whether a label spelling can end, as a whole word, within [`MAX_GAP`] bytes before
    /// `label_end` (and at least 3 bytes after `floor`): a necessary condition for
    /// [`Self::at_separator`] to find anything, checked before running the automaton.
    ///
    /// Why: on raw mail the main loop stops on every `=` of quoted-printable (« tr=C3=A9s »,
    /// soft line breaks), mostly right after a letter; running the automaton over 64 bytes
    /// there cost more than all the rest of the scan. A label accepted below is a whole word
    /// (so its last byte, always an ASCII letter, is followed by a non-alphanumeric byte) and
    /// ends at most [`MAX_GAP`] bytes before the separator (`gap_ok`); its last three bytes,
    /// ASCII-lower-cased as the case-insensitive automaton compares them, are in `tails`.
    ///
    /// The walk back from `label_end` also stops at the first byte a gap cannot hold
    /// ([`gap_byte`]): a label ending before it would leave that byte in the gap. In
    /// quoted-printable text that is the digit of the previous escape, a few bytes back.
    fn label_may_end_near(&self, bytes: &[u8], floor: usize, label_end: usize) -> bool {
        let lo = label_end.saturating_sub(MAX_GAP).max(floor + 3);
        // The bytes just before each possible label end `e` in `lo..=label_end`, read from
        // one slice, backwards (this runs at most separators of raw mail).
        let Some(before_ends) = bytes.get(lo.saturating_sub(1)..label_end) else {
            return false;
        };
        let mut next = at(bytes, label_end);
        for (k, &prev) in before_ends.iter().enumerate().rev() {
            // A label ending at `e`, with the gap `e..label_end` (gap bytes only, so far).
            let e = lo + k;
            if !super::text::is_alnum(next)
                && super::text::is_alnum(prev)
                && self.tails.may_contain(tail_key(bytes, e))
            {
                return true;
            }
            if !gap_byte(prev) {
                return false;
            }
            next = prev;
        }
        false
    }

    /// The password given after the separator at `sep` (`:` or `=`), if the text before it
    /// is a password label.
    pub fn at_separator(&self, text: &str, sep: usize) -> Option<Detection> {
        self.find_at(text, sep, true)
    }

    /// [`Self::at_separator`], with the tail prefilter on or off (off only in tests, to check
    /// that it never changes a result).
    fn find_at(&self, text: &str, sep: usize, prefilter: bool) -> Option<Detection> {
        let bytes = text.as_bytes();
        // Cheap test first: a label ends with a letter (or « ) »), possibly followed by blanks.
        let mut label_end = sep;
        for _ in 0..4 {
            match before(bytes, label_end) {
                b' ' | b'\t' => label_end -= 1,
                0xA0 if before(bytes, label_end - 1) == 0xC2 => label_end -= 2,
                0xAF if label_end >= 3
                    && at(bytes, label_end - 2) == 0x80
                    && at(bytes, label_end - 3) == 0xE2 =>
                {
                    label_end -= 3
                }
                _ => break,
            }
        }
        let last = before(bytes, label_end);
        if !(is_letter(last) || last == b')' || last >= 0x80) {
            return None;
        }
        // Nothing after the separator on its line (a quoted-printable soft line break « =⏎ »,
        // a « Objet : » header folded onto the next line): `token_after` would find no token.
        if prefilter && line_ends_after(bytes, sep + 1) {
            return None;
        }
        let ws = label_end.saturating_sub(LOOK_BACK);
        if prefilter && !self.label_may_end_near(bytes, ws, label_end) {
            return None;
        }
        let window = bytes.get(ws..label_end)?;
        let (ks, ke) = self
            .ac
            .find_iter(window)
            .map(|m| (ws + m.start(), ws + m.end()))
            .filter(|&(s, e)| whole_word(bytes, s, e))
            .last()?;
        let gap = bytes.get(ke..label_end)?;
        if !gap_ok(gap) {
            return None;
        }
        let lead = bytes.get(ks.saturating_sub(24)..ks)?;
        let lead = match memchr::memrchr(b'\n', lead) {
            Some(nl) => lead.get(nl + 1..)?,
            None => lead,
        };
        if BEFORE_REFUSALS.iter().any(|w| contains_ci(lead, w)) {
            return None;
        }
        let sep_byte = at(bytes, sep);
        let (start, end) = token_after(bytes, sep + 1, sep_byte == b'=')?;
        let token = text.get(start..end)?;
        let (start, end, token) = trim_token(token, start)?;
        if !is_secret_like(token) || followed_by_words(bytes, end) && is_alphabetic(token) {
            return None;
        }
        Some(Detection {
            kind: Kind::PasswordInClear,
            value: token.to_string(),
            confidence: score(token),
            start,
            end,
        })
    }
}

/// The three bytes before `end`, ASCII lower case, as one number (0 for missing bytes).
#[inline]
fn tail_key(bytes: &[u8], end: usize) -> u32 {
    let b = |k: usize| {
        end.checked_sub(k)
            .map_or(0, |i| u32::from(at(bytes, i).to_ascii_lowercase()))
    };
    b(3) << 16 | b(2) << 8 | b(1)
}

/// A set of [`tail_key`]s as a 4096-bit hashed bitmap: a lookup is a multiply and one bit
/// test. Collisions only let a separator through to the automaton; a key that was inserted
/// is always found.
#[derive(Debug, Clone)]
struct TailSet([u64; 64]);

impl Default for TailSet {
    fn default() -> Self {
        TailSet([0; 64])
    }
}

impl TailSet {
    fn slot(key: u32) -> (usize, u64) {
        let h = key.wrapping_mul(0x9E37_79B1) >> 20;
        ((h >> 6) as usize, 1u64 << (h & 63))
    }

    fn insert(&mut self, key: u32) {
        let (word, bit) = Self::slot(key);
        if let Some(w) = self.0.get_mut(word) {
            *w |= bit;
        }
    }

    #[inline]
    fn may_contain(&self, key: u32) -> bool {
        let (word, bit) = Self::slot(key);
        self.0.get(word).is_some_and(|w| w & bit != 0)
    }
}

/// Between the label and the separator: at most a few words, letters only, none refusing.
fn gap_ok(gap: &[u8]) -> bool {
    if gap.len() > MAX_GAP {
        return false;
    }
    let words = gap.split(|&b| b == b' ').filter(|w| !w.is_empty()).count();
    words <= 4
        && gap.iter().all(|&b| gap_byte(b))
        && !GAP_REFUSALS.iter().any(|w| contains_ci(gap, w))
}

/// Bytes that may stand between a label and its separator: letters (accented ones too),
/// blanks, apostrophes, dashes and parentheses.
#[inline]
fn gap_byte(b: u8) -> bool {
    // A u8 always indexes the 256-entry table; `get` keeps the no-indexing rule.
    GAP_BYTES.get(usize::from(b)).copied().unwrap_or(false)
}

/// [`gap_byte`] as a table: the walk in `label_may_end_near` tests one byte per step.
static GAP_BYTES: [bool; 256] = build_gap_bytes();

// Evaluated at compile time: an out-of-range index would fail the build, not a scan.
#[allow(clippy::indexing_slicing)]
const fn build_gap_bytes() -> [bool; 256] {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = b.is_ascii_alphabetic()
            || b >= 0x80
            || matches!(b, b' ' | b'\t' | b'\'' | b'-' | b'(' | b')');
        i += 1;
    }
    t
}

/// Whether `hay` contains `needle` (lower case), ASCII case-insensitively.
fn contains_ci(hay: &[u8], needle: &str) -> bool {
    let n = needle.as_bytes();
    !n.is_empty()
        && hay.len() >= n.len()
        && hay
            .windows(n.len())
            .any(|w| w.iter().zip(n).all(|(a, b)| a.to_ascii_lowercase() == *b))
}

/// Whether the line ends (or the text) after at most 8 blanks from `from`: then
/// [`token_after`] finds no token, whatever follows.
fn line_ends_after(bytes: &[u8], from: usize) -> bool {
    let mut s = from;
    for _ in 0..8 {
        // Runs at every separator: stop at the first byte that is not a blank (the next
        // steps would stay there).
        let w = blank_len(bytes, s);
        if w == 0 {
            break;
        }
        s += w;
    }
    s >= bytes.len() || matches!(at(bytes, s), b'\r' | b'\n')
}

/// Byte range of the token after the separator: blanks skipped, up to the next white space
/// (or `&` in a URL query after `=`). `None` at the end of the line or for an overlong token.
fn token_after(bytes: &[u8], from: usize, query: bool) -> Option<(usize, usize)> {
    let mut s = from;
    for _ in 0..8 {
        s += blank_len(bytes, s);
    }
    // French quotes carry a (narrow) space inside: « Xy7!kq ».
    for q in ["«", "\"", "“"] {
        if bytes.get(s..).is_some_and(|r| r.starts_with(q.as_bytes())) {
            s += q.len();
            for _ in 0..4 {
                s += blank_len(bytes, s);
            }
            break;
        }
    }
    let mut e = s;
    loop {
        let b = at(bytes, e);
        let stop = e >= bytes.len()
            || blank_len(bytes, e) > 0
            || matches!(b, b'\r' | b'\n')
            || (b == b'&' && query && next_is_parameter(bytes, e + 1));
        if stop {
            break;
        }
        if e - s >= MAX_TOKEN {
            return None;
        }
        e += 1;
    }
    (e > s).then_some((s, e))
}

/// Whether `name=` starts at `k` (the next parameter of a URL query after `&`).
fn next_is_parameter(bytes: &[u8], k: usize) -> bool {
    let mut e = k;
    while e - k < 32 && (super::text::is_alnum(at(bytes, e)) || at(bytes, e) == b'_') {
        e += 1;
    }
    e > k && at(bytes, e) == b'='
}

/// Strips quotes around the token and sentence punctuation after it; returns the new range.
fn trim_token(token: &str, start: usize) -> Option<(usize, usize, &str)> {
    const QUOTES: &[char] = &['"', '\'', '`', '«', '»', '“', '”', '‘', '’'];
    let t = token.trim_start_matches(QUOTES);
    let lead = token.len() - t.len();
    let mut t = t.trim_end_matches(QUOTES);
    // « … : Xy7!kq. » — the final dot, comma or semicolon belongs to the sentence.
    t = t.trim_end_matches([',', ';', '.']);
    if t.ends_with(')') && !t.contains('(') {
        t = t.trim_end_matches(')');
    }
    t = t.trim_end_matches(QUOTES);
    if t.is_empty() {
        return None;
    }
    let s = start + lead;
    Some((s, s + t.len(), t))
}

/// Whether the token can be a password at all.
fn is_secret_like(t: &str) -> bool {
    let n = t.chars().count();
    if !(4..=MAX_TOKEN).contains(&n) {
        return false;
    }
    if t.starts_with(['[', '<', '(', '{']) {
        return false;
    }
    if t.chars()
        .all(|c| matches!(c, '*' | '•' | '●' | 'x' | 'X' | '#' | '.' | '_' | '-' | '…'))
    {
        return false;
    }
    let lower = t.to_lowercase();
    if NOT_SECRETS.contains(&lower.as_str()) {
        return false;
    }
    if lower.starts_with("http") || lower.starts_with("www.") {
        return false;
    }
    // An e-mail address (the login, not the password).
    if let Some(at_pos) = t.find('@')
        && t.get(at_pos..).is_some_and(|d| d.contains('.'))
        && t.get(at_pos + 1..).is_some_and(|d| {
            d.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        })
    {
        return false;
    }
    // A date « 12/03/2025 ».
    if t.chars().all(|c| c.is_ascii_digit() || c == '/') && t.contains('/') {
        return false;
    }
    true
}

fn is_alphabetic(t: &str) -> bool {
    t.chars().all(char::is_alphabetic)
}

/// Whether another word follows on the same line (then an all-letter token is prose).
fn followed_by_words(bytes: &[u8], end: usize) -> bool {
    let mut k = end;
    let mut blanks = 0;
    while matches!(at(bytes, k), b' ' | b'\t') {
        k += 1;
        blanks += 1;
    }
    blanks > 0 && (is_letter(at(bytes, k)) || at(bytes, k) >= 0xC3)
}

/// Confidence from the token's shape: classes of characters and length.
fn score(t: &str) -> Confidence {
    let mut classes = [false; 4];
    for c in t.chars() {
        let i = if c.is_lowercase() {
            0
        } else if c.is_uppercase() {
            1
        } else if c.is_ascii_digit() {
            2
        } else {
            3
        };
        if let Some(x) = classes.get_mut(i) {
            *x = true;
        }
    }
    let classes = classes.iter().filter(|&&x| x).count();
    let len = t.chars().count();
    if classes >= 3 && len >= 6 {
        Confidence::High
    } else if (classes >= 2 && len >= 6) || (classes >= 3 && len >= 4) {
        Confidence::Medium
    } else {
        Confidence::Low
    }
}

#[cfg(test)]
// Tests fail by panicking.
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;

    fn find(text: &str) -> Option<Detection> {
        let idx = PasswordIndex::new();
        text.char_indices()
            .filter(|(_, c)| *c == ':' || *c == '=')
            .find_map(|(i, _)| idx.at_separator(text, i))
    }

    #[test]
    fn labels_and_layouts() {
        for (text, value) in [
            ("Mot de passe : Xy7!kq", "Xy7!kq"),
            ("mot de passe provisoire: Tournesol2024!", "Tournesol2024!"),
            ("Votre mdp : Bv8#pLm2 (à changer)", "Bv8#pLm2"),
            ("MDP=Lavoir#42", "Lavoir#42"),
            ("password: hunter2hunter", "hunter2hunter"),
            (
                "Identifiant : jean.dupont / Mot de passe : Xy7!kq",
                "Xy7!kq",
            ),
            ("MOT DE PASSE\u{a0}: « Soleil*88 ».", "Soleil*88"),
            ("Code d’accès : 4521-AB", "4521-AB"),
            ("https://x.fr/login?user=jd&pwd=Zz9!aa&x=1", "Zz9!aa"),
            ("MDP=NJudg741&", "NJudg741&"),
        ] {
            let d = find(text).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(d.value, value, "{text}");
            assert_eq!(&text[d.start..d.end], value);
            assert_eq!(d.kind, Kind::PasswordInClear);
        }
    }

    #[test]
    fn non_secrets() {
        for text in [
            "Mot de passe oublié : cliquez ici",
            "Votre mot de passe doit contenir : 8 caractères",
            "Mot de passe : ********",
            "Mot de passe : [masqué]",
            "Mot de passe : vous le recevrez par SMS",
            "Mot de passe : Veuillez contacter le service informatique",
            "Changement de mot de passe : effectué",
            "Date d'expiration du mot de passe : 12/03/2025",
            "Mot de passe :",
            "Objet : réunion du conseil",
            "Mot de passe : identique",
            "Les règles du mot de passe : voir la charte",
        ] {
            assert_eq!(find(text), None, "{text}");
        }
    }

    #[test]
    fn every_label_ends_with_an_ascii_letter() {
        // `label_may_end_near` relies on it.
        for l in LABELS {
            for s in spellings(l) {
                assert!(s.len() >= 3, "{s}");
                assert!(s.as_bytes().last().unwrap().is_ascii_alphabetic(), "{s}");
            }
        }
    }

    proptest::proptest! {
        /// The tail prefilter only skips separators where the automaton would find nothing.
        #[test]
        fn prefilter_changes_nothing(parts in proptest::collection::vec(proptest::sample::select(&[
            "mot de passe", "MOT DE PASSE", "mots de passe", "mdp", "MDP", "Mdp", "password",
            "pwd", "code d’accès", "CODE D'ACCÈS", "clé wifi", "CLÉ WI-FI", "provisoire", " ",
            "  ", "\u{a0}", ":", "=", " : ", "=C3=A9", "tr", "s", "oubli", "Xy7!kq", "42",
            "\n", "adresse", "ces", "(", ")", "-", "é", "a", "_", ".", "wpa", "passe",
        ][..]), 0..24)) {
            let text = parts.concat();
            let idx = PasswordIndex::new();
            for (i, c) in text.char_indices() {
                if c == ':' || c == '=' {
                    proptest::prop_assert_eq!(idx.find_at(&text, i, true), idx.find_at(&text, i, false));
                }
            }
        }
    }

    #[test]
    fn confidence_by_shape() {
        assert_eq!(find("mdp : Xy7!kq").unwrap().confidence, Confidence::High);
        assert_eq!(
            find("mdp : soleil88").unwrap().confidence,
            Confidence::Medium
        );
        assert_eq!(find("mdp : soleil").unwrap().confidence, Confidence::Low);
    }
}
