//! Classification of the targets of actions: is a folder one that nobody looks at, is an
//! address outside the commune?
//!
//! The folder list comes from the names used by the usual webmails (Roundcube, SOGo, Horde,
//! Outlook/Exchange, Orange, OVH) in French and English, and from the folders attackers
//! choose in account takeovers (« RSS Feeds », « Conversation History »: present in every
//! Outlook account, never opened). Random-looking names are caught by a cautious heuristic that
//! leaves real folder names (« Factures 2023 », « CCAS », « État civil ») alone.

/// Why a folder hides mail from its owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FolderKind {
    /// Trash / Corbeille / Deleted Items...
    Trash,
    /// Junk / Spam / Indésirables...
    Junk,
    /// A folder nobody opens: dot-prefixed, « RSS Feeds », random-looking...
    Obscure,
}

impl FolderKind {
    /// French words for the kind of folder.
    pub fn label_fr(self) -> &'static str {
        match self {
            FolderKind::Trash => "la corbeille",
            FolderKind::Junk => "le dossier des indésirables",
            FolderKind::Obscure => "un dossier peu visible, que personne ne consulte",
        }
    }

    /// Stable name used in the JSON evidence.
    pub fn as_str(self) -> &'static str {
        match self {
            FolderKind::Trash => "trash",
            FolderKind::Junk => "junk",
            FolderKind::Obscure => "obscure",
        }
    }
}

const TRASH: &[&str] = &[
    "trash",
    "corbeille",
    "deleted items",
    "deleted messages",
    "deleted",
    "éléments supprimés",
    "elements supprimes",
    "messages supprimés",
    "messages supprimes",
    "bin",
    "papierkorb",
];

const JUNK: &[&str] = &[
    "junk",
    "spam",
    "junk e-mail",
    "junk email",
    "junk mail",
    "bulk mail",
    "indésirables",
    "indesirables",
    "courrier indésirable",
    "courrier indesirable",
    "courriers indésirables",
    "courriers indesirables",
    "pourriel",
    "pourriels",
    "spams",
];

const OBSCURE: &[&str] = &[
    "rss feeds",
    "rss subscriptions",
    "rss",
    "flux rss",
    "conversation history",
    "historique des conversations",
    "sync issues",
    "problèmes de synchronisation",
    "problemes de synchronisation",
    "conflicts",
    "local failures",
    "server failures",
];

/// Classifies a folder name given to `fileinto` (already variable-expanded).
///
/// The hierarchy prefix (`INBOX.`, `INBOX/`) is ignored; a leading dot on any level marks a
/// hidden folder (many IMAP clients do not show them).
pub fn classify_folder(name: &str) -> Option<FolderKind> {
    let trimmed = name.trim();
    if trimmed.is_empty() || trimmed != name {
        // Blank names or names padded with spaces look like the real folder but are not.
        return Some(FolderKind::Obscure);
    }
    let lower = trimmed.to_lowercase();
    let without_inbox = ["inbox.", "inbox/"]
        .iter()
        .find_map(|prefix| lower.strip_prefix(prefix))
        .unwrap_or(&lower);
    if without_inbox.starts_with('.')
        || without_inbox.split('/').any(|level| level.starts_with('.'))
    {
        return Some(FolderKind::Obscure);
    }
    let last = without_inbox
        .rsplit(['/', '.'])
        .next()
        .unwrap_or(without_inbox)
        .trim();
    for candidate in [without_inbox, last] {
        if TRASH.contains(&candidate) {
            return Some(FolderKind::Trash);
        }
        if JUNK.contains(&candidate) {
            return Some(FolderKind::Junk);
        }
        if OBSCURE.contains(&candidate) {
            return Some(FolderKind::Obscure);
        }
    }
    if looks_random(last) {
        return Some(FolderKind::Obscure);
    }
    None
}

/// Heuristic for names an attacker types at random (`xkqzwt`, `a8f3k2`, `_`, `...`).
fn looks_random(name: &str) -> bool {
    let chars: Vec<char> = name.chars().collect();
    if chars.is_empty() {
        return true;
    }
    let letters = chars.iter().filter(|c| c.is_alphabetic()).count();
    let digits = chars.iter().filter(|c| c.is_ascii_digit()).count();
    if letters == 0 && digits == 0 {
        return true;
    }
    if letters == 0 {
        // Years and numbers (« 2023 ») are common archive folders.
        return false;
    }
    if chars.len() <= 2 && digits == 0 && letters <= 2 && !name.chars().all(char::is_uppercase) {
        return true;
    }
    // Five or more consonants in a row: no French or English word does that.
    let mut run = 0;
    for c in &chars {
        if c.is_alphabetic()
            && !"aeiouyàâäéèêëîïôöùûüÿœæ".contains(c.to_lowercase().next().unwrap_or(*c))
        {
            run += 1;
            if run >= 5 {
                return true;
            }
        } else {
            run = 0;
        }
    }
    // Letters and digits interleaved several times (« a8f3k2 »), unlike « Factures2023 ».
    let switches = chars
        .windows(2)
        .filter(|pair| {
            pair[0].is_ascii_digit() != pair[1].is_ascii_digit()
                && pair.iter().all(|c| c.is_alphanumeric())
        })
        .count();
    switches >= 3
}

/// Public mail providers: two addresses at `orange.fr` belong to unrelated people, so sharing
/// such a domain does not make an address « inside » the commune.
const PUBLIC_PROVIDERS: &[&str] = &[
    "aliceadsl.fr",
    "aol.com",
    "bbox.fr",
    "club-internet.fr",
    "free.fr",
    "gmail.com",
    "gmx.com",
    "gmx.fr",
    "googlemail.com",
    "hotmail.com",
    "hotmail.fr",
    "icloud.com",
    "laposte.net",
    "live.com",
    "live.fr",
    "me.com",
    "msn.com",
    "neuf.fr",
    "numericable.fr",
    "orange.fr",
    "outlook.com",
    "outlook.fr",
    "proton.me",
    "protonmail.com",
    "sfr.fr",
    "wanadoo.fr",
    "yahoo.com",
    "yahoo.fr",
];

/// Where an address sits relative to the audited mailbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressPlace {
    /// One of the mailbox's own addresses, or its own (non-public) domain or a sub-domain.
    Inside,
    /// Anywhere else, including addresses that are only known at run time.
    Outside,
}

/// The mailbox's addresses and domains, to tell inside from outside.
#[derive(Debug, Clone, Default)]
pub struct OwnMailbox {
    addresses: Vec<String>,
    domains: Vec<String>,
}

impl OwnMailbox {
    pub fn new(own_addresses: &[String]) -> Self {
        let mut own = OwnMailbox::default();
        for address in own_addresses {
            let address = normalise_address(address);
            if let Some(domain) = domain_of(&address)
                && !PUBLIC_PROVIDERS.contains(&domain)
            {
                own.domains.push(domain.to_owned());
            }
            own.addresses.push(address);
        }
        own
    }

    /// The domains treated as inside, for messages.
    pub fn domains(&self) -> &[String] {
        &self.domains
    }

    /// Classifies an address. A part computed at run time is rendered with spaces and
    /// guillemets, so an unknown domain never parses as a domain and counts as outside.
    pub fn place(&self, address: &str) -> AddressPlace {
        let address = normalise_address(address);
        if self.addresses.contains(&address) {
            return AddressPlace::Inside;
        }
        match domain_of(&address) {
            Some(domain)
                if self.domains.iter().any(|own| {
                    domain == own
                        || domain
                            .strip_suffix(own.as_str())
                            .is_some_and(|p| p.ends_with('.'))
                }) =>
            {
                AddressPlace::Inside
            }
            _ => AddressPlace::Outside,
        }
    }
}

/// Lower-cases and strips `<…>`, spaces and a `mailto:` prefix.
fn normalise_address(address: &str) -> String {
    let trimmed = address
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim();
    let lower = trimmed.to_lowercase();
    lower
        .strip_prefix("mailto:")
        .map(str::to_owned)
        .unwrap_or(lower)
}

fn domain_of(address: &str) -> Option<&str> {
    let (_, domain) = address.rsplit_once('@')?;
    let domain = domain.trim_end_matches('.');
    let valid = !domain.is_empty()
        && domain
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '.');
    valid.then_some(domain)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trash_junk_and_obscure_folders() {
        for name in [
            "Trash",
            "INBOX.Trash",
            "Corbeille",
            "Deleted Items",
            "Éléments supprimés",
            "INBOX/Deleted Messages",
        ] {
            assert_eq!(classify_folder(name), Some(FolderKind::Trash), "{name}");
        }
        for name in [
            "Junk",
            "Spam",
            "INBOX.spam",
            "Indésirables",
            "Courrier indésirable",
            "Junk E-mail",
        ] {
            assert_eq!(classify_folder(name), Some(FolderKind::Junk), "{name}");
        }
        for name in [
            ".hidden",
            "INBOX/.x",
            "RSS Feeds",
            "Conversation History",
            "xkqzwt",
            "a8f3k2",
            "...",
            "_",
            " Inbox",
            "",
        ] {
            assert_eq!(classify_folder(name), Some(FolderKind::Obscure), "{name:?}");
        }
    }

    #[test]
    fn ordinary_folders_are_not_flagged() {
        for name in [
            "INBOX",
            "Factures",
            "Factures 2023",
            "Factures2023",
            "2023",
            "CCAS",
            "SNCF",
            "État civil",
            "INBOX.Conseil municipal",
            "Archives/2022",
            "Newsletters",
            "Urbanisme",
        ] {
            assert_eq!(classify_folder(name), None, "{name}");
        }
    }

    #[test]
    fn inside_and_outside_addresses() {
        let own = OwnMailbox::new(&[
            "Secretariat@Mairie-Exemple.fr".to_owned(),
            "maire.exemple@orange.fr".to_owned(),
        ]);
        assert_eq!(own.place("compta@mairie-exemple.fr"), AddressPlace::Inside);
        assert_eq!(
            own.place("<Agent@services.mairie-exemple.fr>"),
            AddressPlace::Inside
        );
        assert_eq!(own.place("maire.exemple@orange.fr"), AddressPlace::Inside);
        assert_eq!(own.place("pirate@orange.fr"), AddressPlace::Outside);
        assert_eq!(own.place("pirate@example.net"), AddressPlace::Outside);
        assert_eq!(own.place("x@evilmairie-exemple.fr"), AddressPlace::Outside);
        assert_eq!(own.place("not an address"), AddressPlace::Outside);
        assert_eq!(own.domains(), ["mairie-exemple.fr"]);
        assert_eq!(OwnMailbox::new(&[]).place("a@b.fr"), AddressPlace::Outside);
    }
}
