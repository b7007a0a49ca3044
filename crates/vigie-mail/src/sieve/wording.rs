//! The words of a Sieve finding: its title, detail and numbered steps in each language,
//! written from the facts the walk of [`super::analysis`] gathered, plus the machine-readable
//! evidence built once from the same facts.
//!
//! French goes into the finding's own fields; every other language into `translations`.
//! Both are written by the same function taking the language, so a translation names the same
//! script, line, condition and target as the French.

use serde_json::{Map, Value, json};

use super::analysis::{
    Alternatives, Facts, Hit, MAX_FINDINGS, Possible, ScriptSource, UNKNOWN_VALUE, conjuncts,
};
use super::classify::{AddressPlace, FolderKind, OwnMailbox};
use super::describe::{Lang, clean, condition_tree, describe_condition_in, quote_in};
use super::error::ParseError;
use super::reason::reason_in;
use crate::audit::{AuditFinding, FindingText, Severity};
// ---------------------------------------------------------------------------------------------
// Rendering
//
// Evidence is built once, from the facts. The words (title, detail, steps) are built by one
// function per finding kind taking the language, called once for French (the fields of the
// finding) and once for English (`translations["en"]`): both are written from the same facts,
// so the English detail names the same script, line, condition and target.

/// How [`UNKNOWN_VALUE`] reads in English.
const UNKNOWN_VALUE_EN: &str = "[value only known when the message arrives]";

/// The languages a finding is translated into, besides French.
const TRANSLATIONS: [Lang; 1] = [Lang::En];

/// A value from the script, with the run-time placeholder in `lang`.
pub(super) fn value_in(lang: Lang, text: &str) -> String {
    match lang {
        Lang::En if text.contains(UNKNOWN_VALUE) => text.replace(UNKNOWN_VALUE, UNKNOWN_VALUE_EN),
        _ => text.to_owned(),
    }
}

/// `value_in` then quoted in `lang`.
fn quote_value(lang: Lang, text: &str) -> String {
    quote_in(lang, &value_in(lang, text))
}

fn status(lang: Lang, active: bool) -> &'static str {
    match active {
        true => lang.pick("actif", "active"),
        false => lang.pick("inactif", "inactive"),
    }
}

fn numbered(steps: &[String]) -> String {
    steps
        .iter()
        .enumerate()
        .map(|(i, step)| format!("{}. {step}", i + 1))
        .collect::<Vec<_>>()
        .join("\n")
}

fn screenshot_step(lang: Lang, script: &ScriptSource<'_>, line: u32) -> String {
    let name = quote_in(lang, script.name);
    match lang {
        Lang::Fr => format!(
            "Avant de modifier quoi que ce soit, faites une capture d'écran du filtre {name} (ligne {line}) et notez la date et l'heure : c'est une preuve à conserver."
        ),
        Lang::En => format!(
            "Before changing anything, take a screenshot of the filter {name} (line {line}) and write down the date and time: it is evidence to keep."
        ),
    }
}

/// A step said the same way in several findings: its French and English words.
type Step = (&'static str, &'static str);

const DELETE_STEP: Step = (
    "Si ce n'est pas le cas, supprimez cette règle dans le webmail (« Paramètres › Filtres »), puis vérifiez qu'aucun autre filtre ni aucun transfert automatique n'a été ajouté.",
    "If not, delete this rule in the webmail (“Settings › Filters”), then check that no other filter and no automatic forwarding has been added.",
);
const PASSWORD_STEP: Step = (
    "Changez tout de suite le mot de passe de la boîte (un mot de passe long, qui ne sert nulle part ailleurs) et déconnectez les sessions ouvertes si le webmail le permet.",
    "Change the mailbox password right away (a long password that is used nowhere else) and sign out all open sessions if the webmail allows it.",
);
const TWO_FACTOR_STEP: Step = (
    "Activez la double authentification (validation en deux étapes) si votre messagerie la propose.",
    "Turn on two-factor authentication (two-step verification) if your mail service offers it.",
);
const REPORT_STEP: Step = (
    "Signalez l'incident sur cybermalveillance.gouv.fr ; si des données personnelles ont pu être lues, notifiez la CNIL dans les 72 heures.",
    "Report the incident on cybermalveillance.gouv.fr (the French government's help service for cyber attacks); if personal data may have been read, notify the CNIL (the French data protection authority) within 72 hours.",
);

fn say(lang: Lang, step: Step) -> String {
    lang.pick(step.0, step.1).to_owned()
}

fn ask_step(lang: Lang, what: &str) -> String {
    match lang {
        Lang::Fr => {
            format!("Demandez à la personne titulaire de la boîte si elle a elle-même créé {what}.")
        }
        Lang::En => format!("Ask the owner of the mailbox whether they created {what} themselves."),
    }
}

/// Renders the possible values of a target: string-list entries joined by « et », alternatives
/// by « ou ».
fn render_targets(lang: Lang, targets: &[Vec<(Possible, AddressPlace)>]) -> String {
    targets
        .iter()
        .map(|alternatives| {
            alternatives
                .iter()
                .map(|(p, _)| clean(&value_in(lang, &p.text), 200))
                .collect::<Vec<_>>()
                .join(lang.pick(" ou ", " or "))
        })
        .collect::<Vec<_>>()
        .join(lang.pick(" et ", " and "))
}

fn render_possible(lang: Lang, values: &[Possible]) -> String {
    values
        .iter()
        .map(|p| quote_value(lang, &p.text))
        .collect::<Vec<_>>()
        .join(lang.pick(" ou ", " or "))
}

/// What kind of folder it is, as said after its name.
fn folder_label(lang: Lang, kind: FolderKind) -> &'static str {
    match lang {
        Lang::Fr => kind.label_fr(),
        Lang::En => match kind {
            FolderKind::Trash => "the trash",
            FolderKind::Junk => "the junk mail folder",
            FolderKind::Obscure => "a barely visible folder that nobody looks at",
        },
    }
}

pub(super) fn render(script: &ScriptSource<'_>, own: &OwnMailbox, hit: &Hit<'_>) -> AuditFinding {
    let command = hit.command;
    let conjuncts = conjuncts(&hit.path);
    let condition = describe_condition_in(Lang::Fr, &conjuncts);
    let mut evidence = Map::new();
    evidence.insert("script".into(), json!(script.name));
    evidence.insert("active".into(), json!(script.active));
    evidence.insert("line".into(), json!(command.line));
    evidence.insert("column".into(), json!(command.column));
    evidence.insert("action".into(), json!(command.name));
    evidence.insert("condition".into(), json!(condition));
    evidence.insert("condition_tree".into(), condition_tree(&conjuncts));
    evidence.insert("rule".into(), json!(hit.rule));
    evidence.insert("unreachable".into(), json!(hit.unreachable));
    facts_evidence(&hit.facts, &mut evidence);

    let french = words(Lang::Fr, script, own, hit, &condition);
    evidence.insert("target".into(), json!(french.target));
    evidence.insert("disabled_rule".into(), json!(hit.disabled));
    let translations = TRANSLATIONS
        .iter()
        .map(|&lang| {
            let condition = describe_condition_in(lang, &conjuncts);
            let text = words(lang, script, own, hit, &condition).text;
            (lang.code().to_owned(), text)
        })
        .collect();
    AuditFinding {
        id: hit.id.to_owned(),
        severity: hit.severity,
        title: french.text.title,
        detail: french.text.detail,
        remediation: french.text.remediation,
        evidence: Value::Object(evidence),
        translations,
    }
}

/// The machine-readable facts of an action (the French `target` is added by [`render`]).
fn facts_evidence(facts: &Facts, evidence: &mut Map<String, Value>) {
    match facts {
        Facts::Redirect { targets, copy } => {
            let outside = targets
                .iter()
                .flatten()
                .any(|(_, p)| *p == AddressPlace::Outside);
            evidence.insert("copy".into(), json!(copy));
            evidence.insert("outside".into(), json!(outside));
            evidence.insert(
                "targets".into(),
                Value::Array(
                    targets
                        .iter()
                        .flatten()
                        .map(|(p, place)| {
                            json!({
                                "address": clean(&p.text, 200),
                                "outside": *place == AddressPlace::Outside,
                                "computed_at_run_time": p.unknown,
                            })
                        })
                        .collect(),
                ),
            );
        }
        Facts::Discard { spam_only } => {
            evidence.insert("spam_only".into(), json!(spam_only));
        }
        Facts::Fileinto {
            kind,
            copy,
            seen,
            spam_only,
            ..
        } => {
            evidence.insert("folder_kind".into(), json!(kind.as_str()));
            evidence.insert("copy".into(), json!(copy));
            evidence.insert("marked_seen".into(), json!(seen));
            evidence.insert("spam_only".into(), json!(spam_only));
        }
        Facts::Vacation {
            subject,
            addresses,
            period,
            from,
            reason,
            bank_details,
        } => {
            evidence.insert(
                "subject".into(),
                json!(subject.as_ref().map(|s| clean(&s.fr(), 300))),
            );
            evidence.insert("period".into(), json!(period.map(|p| p.text(Lang::Fr))));
            evidence.insert("addresses".into(), json!(evidence_list(addresses)));
            evidence.insert(
                "from".into(),
                json!(from.as_ref().map(|f| clean(&f.fr(), 300))),
            );
            evidence.insert(
                "reason_excerpt".into(),
                json!(clean(reason.fr().trim(), 300)),
            );
            evidence.insert("bank_details".into(), json!(bank_details));
        }
        Facts::Notify {
            method,
            recipients,
            message,
        } => {
            evidence.insert("method".into(), json!(clean(&method.fr(), 300)));
            evidence.insert("recipients".into(), json!(evidence_list(recipients)));
            evidence.insert(
                "message".into(),
                json!(message.as_ref().map(|m| clean(&m.fr(), 300))),
            );
        }
        Facts::ExtProgram { program, arguments } => {
            evidence.insert("program".into(), json!(clean(&program.fr(), 300)));
            evidence.insert(
                "arguments".into(),
                json!(
                    arguments
                        .iter()
                        .map(|a| clean(&a.fr(), 300))
                        .collect::<Vec<_>>()
                ),
            );
        }
        Facts::Include {
            script: included,
            global,
        } => {
            evidence.insert("included_script".into(), json!(included));
            evidence.insert("global".into(), json!(global));
        }
    }
}

/// A list of action values as the evidence keeps them: French, cleaned, at most 50.
fn evidence_list(values: &[Alternatives]) -> Vec<String> {
    values
        .iter()
        .take(50)
        .map(|v| clean(&v.fr(), 200))
        .collect()
}

/// The words of a finding in one language, and its target as the detail names it.
struct Words {
    text: FindingText,
    target: String,
}

/// Title, detail and numbered steps of a finding in `lang`; `condition` is the path condition
/// already rendered in `lang`.
fn words(
    lang: Lang,
    script: &ScriptSource<'_>,
    own: &OwnMailbox,
    hit: &Hit<'_>,
    condition: &str,
) -> Words {
    let command = hit.command;
    let line = command.line;
    let or = lang.pick(" ou ", " or ");
    let mut extra: Vec<String> = Vec::new();
    let (title, verb, target, steps): (String, String, String, Vec<String>) = match &hit.facts {
        Facts::Redirect { targets, copy } => {
            let target = render_targets(lang, targets);
            let outside = targets
                .iter()
                .flatten()
                .any(|(_, p)| *p == AddressPlace::Outside);
            let unknown = targets.iter().flatten().any(|(p, _)| p.unknown);
            let place = match outside {
                true => lang.pick("une adresse extérieure", "an outside address"),
                false => lang.pick(
                    "une autre adresse de la même organisation",
                    "another address of the same organisation",
                ),
            };
            let (title, verb) = match (lang, copy) {
                (Lang::Fr, true) => (
                    format!("Copie cachée de chaque message envoyée vers {place}"),
                    format!("sont renvoyés en copie vers {target}"),
                ),
                (Lang::Fr, false) => (
                    format!("Transfert automatique des messages vers {place}"),
                    format!("sont renvoyés vers {target}"),
                ),
                (Lang::En, true) => (
                    format!("Hidden copy of every message sent to {place}"),
                    format!("are copied and forwarded to {target}"),
                ),
                (Lang::En, false) => (
                    format!("Messages automatically forwarded to {place}"),
                    format!("are forwarded to {target}"),
                ),
            };
            if *copy {
                extra.push(say(lang, (
                    "Avec « :copy », chaque message reste aussi dans la boîte : la personne titulaire ne remarque rien.",
                    "With “:copy”, every message also stays in the mailbox, so its owner notices nothing.",
                )));
            }
            if unknown {
                extra.push(say(lang, (
                    "L'adresse de destination n'est connue qu'à la réception du message (variable) : Vigie ne peut pas dire où elle mène, elle est donc considérée comme extérieure.",
                    "The destination address is only known when a message arrives (it is a variable): Vigie cannot tell where it leads, so it is treated as an outside address.",
                )));
            } else if outside && !own.domains().is_empty() {
                let domains = own.domains().join(", ");
                extra.push(match lang {
                    Lang::Fr => {
                        format!(
                            "Cette adresse n'appartient pas au domaine de la boîte ({domains})."
                        )
                    }
                    Lang::En => {
                        format!("This address does not belong to the mailbox's domain ({domains}).")
                    }
                });
            }
            let mut steps = vec![
                screenshot_step(lang, script, line),
                ask_step(
                    lang,
                    &match lang {
                        Lang::Fr => format!("ce renvoi vers {target}"),
                        Lang::En => format!("this forwarding to {target}"),
                    },
                ),
                say(lang, DELETE_STEP),
                say(lang, PASSWORD_STEP),
                say(lang, TWO_FACTOR_STEP),
                match lang {
                    Lang::Fr => format!(
                        "Cherchez depuis quand les messages partent vers {target} et lesquels : prévenez les correspondants concernés (trésorerie, fournisseurs, administrés) et méfiez-vous de toute demande de changement de RIB."
                    ),
                    Lang::En => format!(
                        "Find out since when messages have been going to {target}, and which ones: warn the people concerned (public treasury, suppliers, residents) and be wary of any request to change bank details."
                    ),
                },
            ];
            if outside {
                steps.push(say(lang, REPORT_STEP));
            }
            (title, verb, target, steps)
        }
        Facts::Discard { spam_only: true } => (
            say(
                lang,
                (
                    "Messages indésirables supprimés automatiquement",
                    "Spam deleted automatically",
                ),
            ),
            say(
                lang,
                ("sont supprimés définitivement", "are deleted for good"),
            ),
            String::new(),
            vec![
                say(
                    lang,
                    (
                        "Vérifiez avec la personne titulaire que la suppression des messages marqués comme indésirables est voulue.",
                        "Check with the owner of the mailbox that deleting the messages marked as spam is intended.",
                    ),
                ),
                say(
                    lang,
                    (
                        "Préférez un classement dans le dossier « Indésirables » : un message légitime classé à tort pourra encore y être retrouvé.",
                        "Rather have them moved to the “Junk” folder: a genuine message flagged by mistake can still be found there.",
                    ),
                ),
            ],
        ),
        Facts::Discard { spam_only: false } => (
            say(
                lang,
                (
                    "Suppression automatique de messages, sans passer par la corbeille",
                    "Messages deleted automatically, without going through the trash",
                ),
            ),
            say(
                lang,
                (
                    "sont supprimés sans être remis ni placés dans la corbeille",
                    "are deleted without being delivered or put in the trash",
                ),
            ),
            String::new(),
            vec![
                screenshot_step(lang, script, line),
                ask_step(
                    lang,
                    lang.pick("cette suppression automatique", "this automatic deletion"),
                ),
                say(lang, DELETE_STEP),
                say(lang, PASSWORD_STEP),
                say(lang, TWO_FACTOR_STEP),
                say(
                    lang,
                    (
                        "Demandez à vos correspondants habituels (trésorerie, fournisseurs, préfecture) de renvoyer leurs messages récents : ceux supprimés par ce filtre ne se trouvent nulle part dans la boîte.",
                        "Ask your usual contacts (public treasury, suppliers, prefecture) to send their recent messages again: the ones deleted by this filter are nowhere in the mailbox.",
                    ),
                ),
            ],
        ),
        Facts::Fileinto {
            folder,
            kind,
            copy,
            seen,
            spam_only,
        } => {
            let target = folder
                .iter()
                .map(|p| clean(&value_in(lang, &p.text), 200))
                .collect::<Vec<_>>()
                .join(or);
            let shown = render_possible(lang, folder);
            let benign = *spam_only && *kind != FolderKind::Obscure;
            let label = folder_label(lang, *kind);
            let mut verb = match (lang, copy) {
                (Lang::Fr, true) => format!("sont copiés dans le dossier {shown} ({label})"),
                (Lang::Fr, false) => format!("sont déplacés dans le dossier {shown} ({label})"),
                (Lang::En, true) => format!("are copied to the folder {shown} ({label})"),
                (Lang::En, false) => format!("are moved to the folder {shown} ({label})"),
            };
            if *seen {
                verb.push_str(lang.pick(" et marqués comme lus", " and marked as read"));
            }
            if *seen && !benign {
                extra.push(say(lang, (
                    "Marquer les messages comme lus tout en les rangeant à l'écart est la signature d'une prise de contrôle : la personne titulaire ne voit jamais arriver ces messages.",
                    "Marking messages as read while filing them out of sight is the signature of an account takeover: the owner of the mailbox never sees these messages arrive.",
                )));
            }
            if *copy && !benign {
                extra.push(say(
                    lang,
                    (
                        "Avec « :copy », l'original reste aussi dans la boîte de réception.",
                        "With “:copy”, the original also stays in the inbox.",
                    ),
                ));
            }
            if benign {
                let (title, check) = match lang {
                    Lang::Fr => (
                        format!(
                            "Règle anti-spam : les messages indésirables sont rangés dans {shown}"
                        ),
                        format!(
                            "Consultez de temps en temps le dossier {shown} : un message légitime peut y être classé à tort."
                        ),
                    ),
                    Lang::En => (
                        format!("Anti-spam rule: spam is filed into {shown}"),
                        format!(
                            "Look at the folder {shown} from time to time: a genuine message may end up there by mistake."
                        ),
                    ),
                };
                (
                    title,
                    verb,
                    target,
                    vec![
                        say(
                            lang,
                            (
                                "Aucune action nécessaire si la personne titulaire reconnaît cette règle anti-spam.",
                                "Nothing to do if the owner of the mailbox recognises this anti-spam rule.",
                            ),
                        ),
                        check,
                    ],
                )
            } else {
                let (what, read) = match lang {
                    Lang::Fr => (
                        format!("ce classement vers le dossier {shown}"),
                        format!(
                            "Ouvrez le dossier {shown} et lisez les messages qui y ont été rangés : ce sont ceux que l'on voulait cacher (factures, changements de coordonnées bancaires, alertes de sécurité)."
                        ),
                    ),
                    Lang::En => (
                        format!("this filing into the folder {shown}"),
                        format!(
                            "Open the folder {shown} and read the messages filed there: they are the ones someone wanted to hide (invoices, changes of bank details, security alerts)."
                        ),
                    ),
                };
                (
                    say(
                        lang,
                        (
                            "Messages rangés automatiquement à l'écart, dans un dossier peu consulté",
                            "Messages automatically filed out of sight, in a rarely checked folder",
                        ),
                    ),
                    verb,
                    target,
                    vec![
                        screenshot_step(lang, script, line),
                        ask_step(lang, &what),
                        say(lang, DELETE_STEP),
                        read,
                        say(lang, PASSWORD_STEP),
                        say(lang, TWO_FACTOR_STEP),
                        say(
                            lang,
                            (
                                "Prévenez les correspondants concernés et vérifiez qu'aucun paiement n'a été fait sur la foi de ces messages.",
                                "Warn the people concerned and check that no payment was made on the strength of these messages.",
                            ),
                        ),
                    ],
                )
            }
        }
        Facts::Vacation {
            subject,
            addresses,
            period,
            from,
            reason,
            bank_details,
        } => {
            let subject = subject.as_ref().map(|s| clean(&s.text(lang), 300));
            let mut details = Vec::new();
            if let Some(subject) = &subject {
                let subject = quote_in(lang, subject);
                details.push(match lang {
                    Lang::Fr => format!("objet {subject}"),
                    Lang::En => format!("subject {subject}"),
                });
            }
            if let Some(period) = period {
                let period = period.text(lang);
                details.push(match lang {
                    Lang::Fr => format!("au plus une réponse tous les {period} par expéditeur"),
                    Lang::En => format!("at most one reply every {period} to each sender"),
                });
            }
            if !addresses.is_empty() {
                let shown: Vec<String> = addresses
                    .iter()
                    .take(8)
                    .map(|a| quote_in(lang, &clean(&a.text(lang), 200)))
                    .collect();
                let shown = shown.join(", ");
                details.push(match lang {
                    Lang::Fr => format!("adresses déclarées : {shown}"),
                    Lang::En => format!("addresses it answers for: {shown}"),
                });
            }
            if let Some(from) = from {
                let from = quote_in(lang, &clean(&from.text(lang), 300));
                details.push(match lang {
                    Lang::Fr => format!("envoyée au nom de {from}"),
                    Lang::En => format!("sent in the name of {from}"),
                });
            }
            let reason = reason.text(lang);
            if !reason.trim().is_empty() {
                let reason = quote_in(lang, reason.trim());
                details.push(match lang {
                    Lang::Fr => format!("texte : {reason}"),
                    Lang::En => format!("text: {reason}"),
                });
            }
            let verb = match (lang, details.is_empty()) {
                (Lang::Fr, true) => "reçoivent une réponse automatique".to_owned(),
                (Lang::Fr, false) => format!(
                    "reçoivent une réponse automatique ({})",
                    details.join(" ; ")
                ),
                (Lang::En, true) => "get an automatic reply".to_owned(),
                (Lang::En, false) => format!("get an automatic reply ({})", details.join("; ")),
            };
            let mut steps = vec![
                say(
                    lang,
                    (
                        "Vérifiez avec la personne titulaire que cette réponse automatique est voulue et que son texte est exact.",
                        "Check with the owner of the mailbox that this automatic reply is intended and that its text is right.",
                    ),
                ),
                say(
                    lang,
                    (
                        "Si elle n'est plus utile, désactivez-la dans le webmail (« Paramètres › Réponses automatiques » ou « Paramètres › Filtres »).",
                        "If it is no longer needed, switch it off in the webmail (“Settings › Automatic replies” or “Settings › Filters”).",
                    ),
                ),
                say(
                    lang,
                    (
                        "Gardez un texte sobre : une réponse automatique confirme aux fraudeurs que l'adresse est active et leur donne parfois des informations utiles (absence, remplaçant, téléphone).",
                        "Keep the text short and plain: an automatic reply tells fraudsters that the address is in use and sometimes gives them useful information (absence, stand-in, phone number).",
                    ),
                ),
            ];
            if *bank_details {
                extra.push(say(lang, (
                    "Le texte parle de coordonnées bancaires : c'est le procédé de la fraude au changement de RIB.",
                    "The text talks about bank details: this is how bank-detail change fraud works.",
                )));
                steps.push(say(lang, (
                    "Le texte mentionne des coordonnées bancaires : si personne à la mairie ne l'a écrit, traitez-le comme une fraude (capture d'écran, suppression, changement du mot de passe) et prévenez la trésorerie.",
                    "The text mentions bank details: if nobody at the town hall wrote it, treat it as fraud (screenshot, deletion, password change) and warn the public treasury.",
                )));
            }
            let title = if *bank_details {
                say(
                    lang,
                    (
                        "Réponse automatique mentionnant des coordonnées bancaires",
                        "Automatic reply mentioning bank details",
                    ),
                )
            } else {
                say(
                    lang,
                    (
                        "Réponse automatique (message d'absence) configurée",
                        "Automatic reply (out-of-office message) set up",
                    ),
                )
            };
            (title, verb, subject.unwrap_or_default(), steps)
        }
        Facts::Notify {
            method,
            recipients,
            message,
        } => {
            let method = method.text(lang);
            let target = if recipients.is_empty() {
                clean(&method, 200)
            } else {
                recipients
                    .iter()
                    .take(8)
                    .map(|r| clean(&r.text(lang), 200))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let mut verb = match (lang, recipients.is_empty()) {
                (Lang::Fr, true) => format!(
                    "déclenchent une notification envoyée par {}",
                    quote_in(lang, &method)
                ),
                (Lang::Fr, false) => format!("déclenchent une notification envoyée à {target}"),
                (Lang::En, true) => format!(
                    "trigger a notification sent through {}",
                    quote_in(lang, &method)
                ),
                (Lang::En, false) => format!("trigger a notification sent to {target}"),
            };
            if let Some(message) = message {
                let message = quote_in(lang, &message.text(lang));
                verb.push_str(&match lang {
                    Lang::Fr => format!(" (message : {message})"),
                    Lang::En => format!(" (message: {message})"),
                });
            }
            extra.push(say(lang, (
                "Une notification révèle au moins l'arrivée de chaque message, souvent son expéditeur et son objet.",
                "A notification reveals at least that each message has arrived, and often its sender and subject.",
            )));
            let what = match lang {
                Lang::Fr => format!("cette notification vers {target}"),
                Lang::En => format!("this notification to {target}"),
            };
            (
                say(
                    lang,
                    (
                        "Notification de chaque message envoyée à l'extérieur",
                        "Notification of every message sent outside",
                    ),
                ),
                verb,
                target,
                vec![
                    screenshot_step(lang, script, line),
                    ask_step(lang, &what),
                    say(lang, DELETE_STEP),
                    say(lang, PASSWORD_STEP),
                    say(lang, TWO_FACTOR_STEP),
                    say(lang, REPORT_STEP),
                ],
            )
        }
        Facts::ExtProgram { program, arguments } => {
            let program = program.text(lang);
            let shown_arguments = if arguments.is_empty() {
                String::new()
            } else {
                let shown: Vec<String> = arguments
                    .iter()
                    .take(8)
                    .map(|a| quote_in(lang, &a.text(lang)))
                    .collect();
                match lang {
                    Lang::Fr => format!(" (arguments : {})", shown.join(", ")),
                    Lang::En => format!(" (arguments: {})", shown.join(", ")),
                }
            };
            let quoted = quote_in(lang, &program);
            let verb = match (lang, command.name.as_str()) {
                (Lang::Fr, "pipe") => {
                    format!("sont transmis au programme externe {quoted}{shown_arguments}")
                }
                (Lang::Fr, "filter") => {
                    format!("sont modifiés par le programme externe {quoted}{shown_arguments}")
                }
                (Lang::Fr, _) => format!(
                    "déclenchent l'exécution du programme externe {quoted}{shown_arguments}"
                ),
                (Lang::En, "pipe") => {
                    format!("are handed to the external program {quoted}{shown_arguments}")
                }
                (Lang::En, "filter") => {
                    format!("are modified by the external program {quoted}{shown_arguments}")
                }
                (Lang::En, _) => {
                    format!("make the server run the external program {quoted}{shown_arguments}")
                }
            };
            extra.push(say(lang, (
                "Un programme externe peut faire n'importe quoi des messages, y compris les envoyer ailleurs, sans que rien n'apparaisse dans la boîte.",
                "An external program can do anything with the messages, including sending them elsewhere, without anything showing in the mailbox.",
            )));
            (
                say(
                    lang,
                    (
                        "Messages transmis à un programme externe du serveur",
                        "Messages handed to an external program on the server",
                    ),
                ),
                verb,
                clean(&program, 200),
                vec![
                    screenshot_step(lang, script, line),
                    say(
                        lang,
                        (
                            "Contactez sans attendre votre hébergeur de messagerie ou votre prestataire informatique : seul un administrateur du serveur peut installer un programme appelé par un filtre, et lui seul peut dire ce qu'il fait.",
                            "Contact your mail hosting provider or your IT provider without delay: only an administrator of the server can install a program called by a filter, and only they can tell what it does.",
                        ),
                    ),
                    ask_step(lang, lang.pick("cette règle", "this rule")),
                    say(lang, DELETE_STEP),
                    say(lang, PASSWORD_STEP),
                    say(lang, TWO_FACTOR_STEP),
                ],
            )
        }
        Facts::Include {
            script: included,
            global,
        } => {
            let included = value_in(lang, included);
            let quoted = quote_in(lang, &included);
            let (verb, check) = match (lang, global) {
                (Lang::Fr, _) => {
                    let kind = if *global {
                        "global (commun à tout le serveur)"
                    } else {
                        "personnel"
                    };
                    (
                        format!(
                            "sont aussi traités par le script {kind} {quoted}, qui doit être vérifié à part"
                        ),
                        format!(
                            "Vérifiez aussi le script {quoted} (dans le webmail, « Paramètres › Filtres », ou auprès de l'hébergeur s'il est global) : ses règles s'appliquent à cette boîte."
                        ),
                    )
                }
                (Lang::En, _) => {
                    let kind = if *global {
                        "global script (shared by the whole server)"
                    } else {
                        "personal script"
                    };
                    (
                        format!(
                            "are also handled by the {kind} {quoted}, which must be checked separately"
                        ),
                        format!(
                            "Also check the script {quoted} (in the webmail, “Settings › Filters”, or with your hosting provider if it is global): its rules apply to this mailbox."
                        ),
                    )
                }
            };
            (
                say(
                    lang,
                    (
                        "Le filtre inclut un autre script",
                        "The filter includes another script",
                    ),
                ),
                verb,
                included,
                vec![
                    check,
                    say(
                        lang,
                        (
                            "Si personne ne sait à quoi il sert, faites-le examiner par votre prestataire informatique.",
                            "If nobody knows what it is for, have it examined by your IT provider.",
                        ),
                    ),
                ],
            )
        }
    };

    if hit.disabled {
        extra.push(say(lang, (
            "Cette règle est mise en pause (condition « false », c'est ainsi que le webmail désactive une règle), mais elle peut être réactivée d'un clic.",
            "This rule is paused (condition “false”, which is how the webmail switches a rule off), but it can be switched back on with one click.",
        )));
    }
    if hit.unreachable {
        extra.push(say(lang, (
            "Une commande « stop » placée avant empêche en principe d'arriver à cette ligne, mais la règle est en place et peut être déplacée.",
            "A “stop” command placed before it should normally keep this line from being reached, but the rule is in place and can be moved.",
        )));
    }
    if !script.active {
        extra.push(say(lang, (
            "Ce filtre est désactivé, mais il peut être réactivé à tout moment sans que la personne titulaire de la boîte s'en aperçoive.",
            "This filter is switched off, but it can be switched back on at any time without the owner of the mailbox noticing.",
        )));
    }
    if let Some(rule) = hit.rule {
        let rule = quote_in(lang, rule);
        extra.push(match lang {
            Lang::Fr => format!("Nom de la règle dans le webmail : {rule}."),
            Lang::En => format!("Name of the rule in the webmail: {rule}."),
        });
    }
    let name = quote_in(lang, script.name);
    let status = status(lang, script.active);
    let mut detail = match lang {
        Lang::Fr => format!("Le filtre {name} ({status}), ligne {line} : {condition} {verb}."),
        Lang::En => format!("The filter {name} ({status}), line {line}: {condition} {verb}."),
    };
    for sentence in extra {
        detail.push(' ');
        detail.push_str(&sentence);
    }
    Words {
        text: FindingText {
            title,
            detail,
            remediation: numbered(&steps),
        },
        target,
    }
}

pub(super) fn parse_error_finding(script: &ScriptSource<'_>, error: &ParseError) -> AuditFinding {
    let french = parse_error_text(Lang::Fr, script, error);
    AuditFinding {
        id: "sieve.parse_error".to_owned(),
        severity: Severity::Medium,
        title: french.title,
        detail: french.detail,
        remediation: french.remediation,
        evidence: json!({
            "script": script.name,
            "active": script.active,
            "line": error.line,
            "column": error.column,
            "reason": error.reason(),
        }),
        translations: TRANSLATIONS
            .iter()
            .map(|&lang| {
                (
                    lang.code().to_owned(),
                    parse_error_text(lang, script, error),
                )
            })
            .collect(),
    }
}

fn parse_error_text(lang: Lang, script: &ScriptSource<'_>, error: &ParseError) -> FindingText {
    let name = quote_in(lang, script.name);
    let status = status(lang, script.active);
    let (line, column) = (error.line, error.column);
    let reason = reason_in(lang, error);
    match lang {
        Lang::Fr => FindingText {
            title: "Filtre illisible : le script Sieve contient une erreur".to_owned(),
            detail: format!(
                "Le filtre {name} ({status}), ligne {line}, colonne {column} : le script ne peut pas être lu ({reason}). Vigie n'a donc pas pu vérifier s'il renvoie ou cache des messages ; selon le serveur, il est refusé ou appliqué en partie."
            ),
            remediation: numbered(&[
                format!("Faites une capture d'écran du filtre {name} avant toute modification."),
                format!(
                    "Ouvrez ce filtre dans le webmail (« Paramètres › Filtres ») et regardez la ligne {line} : un filtre créé avec les écrans du webmail ne contient pas d'erreur."
                ),
                "Un script écrit à la main, par un outil inhabituel ou par un intrus doit être examiné par votre prestataire informatique ; s'il n'est pas utile, supprimez-le.".to_owned(),
            ]),
        },
        Lang::En => FindingText {
            title: "Unreadable filter: the Sieve script contains an error".to_owned(),
            detail: format!(
                "The filter {name} ({status}), line {line}, column {column}: the script cannot be read ({reason}). Vigie therefore could not check whether it forwards or hides messages; depending on the server, it is either rejected or only partly applied."
            ),
            remediation: numbered(&[
                format!("Take a screenshot of the filter {name} before changing anything."),
                format!(
                    "Open this filter in the webmail (“Settings › Filters”) and look at line {line}: a filter made with the webmail's own screens contains no errors."
                ),
                "A script written by hand, by an unusual tool or by an intruder must be examined by your IT provider; if it is not needed, delete it.".to_owned(),
            ]),
        },
    }
}

pub(super) fn truncated_finding(script: &ScriptSource<'_>, total: usize) -> AuditFinding {
    let french = truncated_text(Lang::Fr, script, total);
    AuditFinding {
        id: "sieve.truncated".to_owned(),
        severity: Severity::Low,
        title: french.title,
        detail: french.detail,
        remediation: french.remediation,
        evidence: json!({
            "script": script.name,
            "active": script.active,
            "total_actions": total,
            "listed": MAX_FINDINGS,
        }),
        translations: TRANSLATIONS
            .iter()
            .map(|&lang| (lang.code().to_owned(), truncated_text(lang, script, total)))
            .collect(),
    }
}

fn truncated_text(lang: Lang, script: &ScriptSource<'_>, total: usize) -> FindingText {
    let name = quote_in(lang, script.name);
    let status = status(lang, script.active);
    match lang {
        Lang::Fr => FindingText {
            title: "Trop de règles à signaler : liste raccourcie".to_owned(),
            detail: format!(
                "Le filtre {name} ({status}) contient {total} actions à signaler ; seules les {MAX_FINDINGS} plus graves sont listées."
            ),
            remediation: numbered(&[
                "Un filtre aussi long n'est pas l'œuvre des écrans du webmail : faites-le examiner en entier par votre prestataire informatique.".to_owned(),
            ]),
        },
        Lang::En => FindingText {
            title: "Too many rules to report: shortened list".to_owned(),
            detail: format!(
                "The filter {name} ({status}) contains {total} actions to report; only the {MAX_FINDINGS} most serious ones are listed."
            ),
            remediation: numbered(&[
                "A filter this long is not made with the webmail's screens: have your IT provider examine all of it.".to_owned(),
            ]),
        },
    }
}
