//! Rendering of Sieve conditions in plain words, for people who have never seen a filter script.
//!
//! A condition is rendered as the words that follow « les messages » in a finding:
//! `header :contains "subject" "facture"` becomes « dont l'objet contient « facture » »,
//! `size :over 1M` « de plus de 1 Mo ». The path condition of an action (all the enclosing
//! tests, with the negation of the branches not taken) is rendered as a whole by
//! [`describe_condition`]: « tous les messages », « les messages dont … et … », or « tous les
//! messages sauf ceux dont … » when every part is negative (the usual shape after `stop`).
//!
//! French is the reference wording (the public functions). The same walk also renders English
//! ([`Lang::En`]: « messages whose subject contains “facture” », « messages larger than 1 MB »)
//! for the web interface: only the words differ, so flattening, budgets and joining are shared
//! and both languages cut a hostile condition at the same place.
//!
//! Rendering is bounded (number of tests, of listed values, of characters): a hostile script
//! with a hundred thousand `elsif` must not turn one finding into megabytes of text.

use serde_json::{Value, json};

use super::ast::{ArgView, Argument, ArgumentValue, Test};

/// Most tests rendered in one condition before « … ».
const MAX_LEAVES: usize = 24;
/// Most values listed for one test (`["a", "b", ...]`) before « et N autres ».
const MAX_VALUES: usize = 8;
/// Longest quoted value, in characters.
const MAX_QUOTED_CHARS: usize = 80;
/// Longest rendered condition, in characters.
const MAX_CONDITION_CHARS: usize = 2000;
/// Most nodes in a `condition_tree` evidence value.
const MAX_TREE_NODES: usize = 200;

/// The language of the words of a finding. French is the reference (what the `title`,
/// `detail` and `remediation` fields hold); English goes into `translations["en"]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lang {
    Fr,
    En,
}

impl Lang {
    /// The key of the language in `AuditFinding::translations`.
    pub(crate) fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    /// The French or the English version of a word, whichever this language is: keeps both
    /// wordings side by side at the one place where a text is built.
    pub(crate) fn pick<T>(self, fr: T, en: T) -> T {
        match self {
            Lang::Fr => fr,
            Lang::En => en,
        }
    }
}

/// « value », with control characters blanked and long values shortened.
pub fn quote(value: &str) -> String {
    quote_in(Lang::Fr, value)
}

/// « value » in French, “value” in English, cleaned like [`quote`].
pub(crate) fn quote_in(lang: Lang, value: &str) -> String {
    let value = clean(value, MAX_QUOTED_CHARS);
    match lang {
        Lang::Fr => format!("« {value} »"),
        Lang::En => format!("“{value}”"),
    }
}

/// `value` on one line, at most `max` characters (then « … »).
pub fn clean(value: &str, max: usize) -> String {
    let mut out = String::new();
    for (count, c) in value.chars().enumerate() {
        if count == max {
            out.push('…');
            break;
        }
        out.push(if c.is_control() { ' ' } else { c });
    }
    out
}

/// One element of a path condition: a test, possibly negated.
pub type Conjunct<'a> = (&'a Test, bool);

/// Renders a whole path condition (a conjunction) as the subject of a French sentence:
/// « tous les messages », « les messages dont … », « tous les messages sauf ceux dont … ».
pub fn describe_condition(conjuncts: &[Conjunct<'_>]) -> String {
    describe_condition_in(Lang::Fr, conjuncts)
}

/// [`describe_condition`] in `lang`: « all messages », « messages whose … », « all messages
/// except those whose … ».
pub(crate) fn describe_condition_in(lang: Lang, conjuncts: &[Conjunct<'_>]) -> String {
    let mut flat: Vec<Conjunct<'_>> = Vec::new();
    for &(test, negated) in conjuncts {
        flatten(test, negated, &mut flat);
    }
    let mut never = false;
    let mut positives = Vec::new();
    let mut negatives = Vec::new();
    for (test, negated) in flat {
        match (test.name.as_str(), negated) {
            ("true", false) | ("false", true) => {}
            ("true", true) | ("false", false) => never = true,
            (_, false) => positives.push(test),
            (_, true) => negatives.push(test),
        }
    }
    if never {
        return lang
            .pick(
                "aucun message (la condition ne peut jamais être vraie)",
                "no messages (the condition can never be true)",
            )
            .to_owned();
    }
    let mut budget = MAX_LEAVES;
    let text = if positives.is_empty() && negatives.is_empty() {
        lang.pick("tous les messages", "all messages").to_owned()
    } else if positives.is_empty() {
        let parts = render_all(lang, negatives.iter().map(|t| (*t, false)), &mut budget);
        format!(
            "{} {}",
            lang.pick("tous les messages sauf ceux", "all messages except those"),
            join(parts, lang.pick(" ou ", " or "))
        )
    } else {
        let all: Vec<Conjunct<'_>> = positives
            .iter()
            .map(|t| (*t, false))
            .chain(negatives.iter().map(|t| (*t, true)))
            .collect();
        let parts = render_all(lang, all.into_iter(), &mut budget);
        format!(
            "{} {}",
            lang.pick("les messages", "messages"),
            join(parts, lang.pick(" et ", " and "))
        )
    };
    clean(&text, MAX_CONDITION_CHARS)
}

/// Renders one test (as it would follow « les messages »), e.g. « dont l'objet contient
/// « facture » ».
pub fn describe_test(test: &Test) -> String {
    describe_test_in(Lang::Fr, test)
}

/// [`describe_test`] in `lang` (« whose subject contains “facture” » in English).
pub(crate) fn describe_test_in(lang: Lang, test: &Test) -> String {
    let mut budget = MAX_LEAVES;
    clean(
        &render(lang, test, false, &mut budget).text,
        MAX_CONDITION_CHARS,
    )
}

/// The conjuncts as JSON, for the `condition_tree` evidence field.
pub fn condition_tree(conjuncts: &[Conjunct<'_>]) -> Value {
    let mut budget = MAX_TREE_NODES;
    let mut nodes = Vec::new();
    for (index, &(test, negated)) in conjuncts.iter().enumerate() {
        if budget == 0 {
            nodes.push(json!({ "truncated": true, "omitted": conjuncts.len() - index }));
            break;
        }
        let mut node = tree(test, &mut budget);
        if let Value::Object(map) = &mut node {
            map.insert("negated".to_owned(), Value::Bool(negated));
        }
        nodes.push(node);
    }
    Value::Array(nodes)
}

fn tree(test: &Test, budget: &mut usize) -> Value {
    if *budget == 0 {
        return json!({ "truncated": true });
    }
    *budget -= 1;
    let arguments: Vec<Value> = test.arguments.iter().map(argument_json).collect();
    let mut tests = Vec::new();
    for (index, sub) in test.tests.iter().enumerate() {
        if *budget == 0 {
            tests.push(json!({ "truncated": true, "omitted": test.tests.len() - index }));
            break;
        }
        tests.push(tree(sub, budget));
    }
    json!({ "test": test.name, "line": test.line, "arguments": arguments, "tests": tests })
}

fn argument_json(argument: &Argument) -> Value {
    match &argument.value {
        ArgumentValue::Tag(tag) => Value::String(format!(":{tag}")),
        ArgumentValue::Number(n) => json!(n),
        ArgumentValue::String(s) => Value::String(clean(s, 200)),
        ArgumentValue::StringList(list) => Value::Array(
            list.iter()
                .take(50)
                .map(|s| Value::String(clean(s, 200)))
                .collect(),
        ),
    }
}

/// Spreads `allof` (and negated `anyof`) into separate conjuncts and removes double negations,
/// so that « sauf ceux … » can be used whenever all parts are negative.
fn flatten<'a>(test: &'a Test, negated: bool, out: &mut Vec<Conjunct<'a>>) {
    match (test.name.as_str(), negated) {
        ("not", _) if test.tests.len() == 1 => flatten(&test.tests[0], !negated, out),
        ("allof", false) | ("anyof", true) if !test.tests.is_empty() => {
            for sub in &test.tests {
                flatten(sub, negated, out);
            }
        }
        _ => out.push((test, negated)),
    }
}

/// A rendered piece and whether it is made of several parts joined by « et » / « ou » (then
/// it is put in parentheses when joined with other pieces).
struct Rendered {
    text: String,
    compound: bool,
}

impl Rendered {
    fn leaf(text: String) -> Self {
        Rendered {
            text,
            compound: false,
        }
    }
}

fn join(parts: Vec<Rendered>, separator: &str) -> String {
    let several = parts.len() > 1;
    parts
        .into_iter()
        .map(|p| {
            if several && p.compound {
                format!("({})", p.text)
            } else {
                p.text
            }
        })
        .collect::<Vec<_>>()
        .join(separator)
}

/// Renders tests until the budget runs out, then says how many were left out.
fn render_all<'a>(
    lang: Lang,
    tests: impl ExactSizeIterator<Item = (&'a Test, bool)>,
    budget: &mut usize,
) -> Vec<Rendered> {
    let total = tests.len();
    let mut parts = Vec::new();
    for (index, (test, negated)) in tests.enumerate() {
        if *budget == 0 {
            let left = total - index;
            let plural = if left > 1 { "s" } else { "" };
            parts.push(Rendered::leaf(match lang {
                Lang::Fr => format!("… ({left} autre{plural} condition{plural})"),
                Lang::En => format!("… ({left} more condition{plural})"),
            }));
            break;
        }
        parts.push(render(lang, test, negated, budget));
    }
    parts
}

fn render(lang: Lang, test: &Test, negated: bool, budget: &mut usize) -> Rendered {
    if *budget == 0 {
        return Rendered::leaf("…".to_owned());
    }
    match test.name.as_str() {
        "not" if test.tests.len() == 1 => return render(lang, &test.tests[0], !negated, budget),
        "anyof" | "allof" => {
            let is_any = test.name == "anyof";
            if test.tests.is_empty() {
                // anyof() is false and allof() is true.
                let value = !is_any ^ negated;
                return Rendered::leaf(constant(lang, value).to_owned());
            }
            // De Morgan: « ne … ni … » reads badly, so a negated anyof is rendered as the
            // conjunction of the negated parts.
            let separator = if is_any ^ negated {
                lang.pick(" ou ", " or ")
            } else {
                lang.pick(" et ", " and ")
            };
            let parts = render_all(lang, test.tests.iter().map(|t| (t, negated)), budget);
            return Rendered {
                text: join(parts, separator),
                compound: test.tests.len() > 1,
            };
        }
        _ => {}
    }
    *budget -= 1;
    Rendered::leaf(leaf(lang, test, negated))
}

fn constant(lang: Lang, value: bool) -> &'static str {
    if value {
        lang.pick("(condition toujours vraie)", "(condition always true)")
    } else {
        lang.pick("(condition jamais vraie)", "(condition never true)")
    }
}

fn leaf(lang: Lang, test: &Test, negated: bool) -> String {
    let view = ArgView::new(&test.arguments);
    let strings = |i: usize| view.positional_strings(i).unwrap_or(&[]);
    let (or, and) = (lang.pick(" ou ", " or "), lang.pick(" et ", " and "));
    let first_quoted = |i: usize| {
        strings(i)
            .first()
            .map_or_else(String::new, |v| quote_in(lang, v))
    };
    match test.name.as_str() {
        "true" => constant(lang, !negated).to_owned(),
        "false" => constant(lang, negated).to_owned(),
        "header" => {
            let subject = labels(lang, strings(0), header_label);
            compare(lang, &view, &subject, strings(1), negated)
        }
        "address" => {
            let subject = address_subject(lang, &view, labels(lang, strings(0), header_label));
            compare(lang, &view, &subject, strings(1), negated)
        }
        "envelope" => {
            let subject = address_subject(lang, &view, labels(lang, strings(0), envelope_label));
            compare(lang, &view, &subject, strings(1), negated)
        }
        "body" => {
            let subject = if view.has("raw") {
                lang.pick("le contenu brut", "raw content").to_owned()
            } else if view.has("text") {
                lang.pick("le texte", "text").to_owned()
            } else if let Some(types) = view.strings("content") {
                match lang {
                    Lang::Fr => format!("les parties {} du corps", values(lang, types, or)),
                    Lang::En => format!("{} body parts", values(lang, types, or)),
                }
            } else {
                lang.pick("le corps", "body").to_owned()
            };
            compare(lang, &view, &subject, strings(0), negated)
        }
        "exists" => exists(lang, strings(0), negated),
        "size" => size(lang, &view, negated),
        "spamtest" => {
            let subject = if view.has("percent") {
                lang.pick(
                    "le score de spam (en pourcentage)",
                    "spam score (as a percentage)",
                )
            } else {
                lang.pick("le score de spam", "spam score")
            };
            compare(lang, &view, subject, strings(0), negated)
        }
        "virustest" => compare(
            lang,
            &view,
            lang.pick("le score antivirus", "antivirus score"),
            strings(0),
            negated,
        ),
        "hasflag" => {
            let flags = view
                .positional
                .last()
                .and_then(|a| a.strings())
                .unwrap_or(&[]);
            let verb = match (lang, negated) {
                (Lang::Fr, true) => "qui ne portent pas le drapeau",
                (Lang::Fr, false) => "qui portent le drapeau",
                (Lang::En, true) => "that do not carry the flag",
                (Lang::En, false) => "that carry the flag",
            };
            format!("{verb} {}", values(lang, flags, or))
        }
        "date" => {
            let (header, part) = (first_quoted(0), first_quoted(1));
            let subject = match lang {
                Lang::Fr => format!("la date de l'en-tête {header} (partie {part})"),
                Lang::En => format!("{header} header date ({part} part)"),
            };
            compare(lang, &view, &subject, strings(2), negated)
        }
        "currentdate" => {
            let part = first_quoted(0);
            let subject = match lang {
                Lang::Fr => format!("la date du jour (partie {part})"),
                Lang::En => format!("today's date ({part} part)"),
            };
            compare_when(lang, &view, &subject, strings(1), negated)
        }
        "string" => {
            let subject = format!(
                "{} {}",
                lang.pick("la valeur", "the value"),
                values(lang, strings(0), or)
            );
            compare_when(lang, &view, &subject, strings(1), negated)
        }
        "environment" => {
            let subject = format!(
                "{} {}",
                lang.pick("la donnée d'environnement", "the environment item"),
                values(lang, strings(0), or)
            );
            compare_when(lang, &view, &subject, strings(1), negated)
        }
        "duplicate" => match (lang, negated) {
            (Lang::Fr, true) => "qui ne sont pas des doublons d'un message déjà reçu",
            (Lang::Fr, false) => "qui sont des doublons d'un message déjà reçu",
            (Lang::En, true) => "that are not duplicates of a message already received",
            (Lang::En, false) => "that are duplicates of a message already received",
        }
        .to_owned(),
        "ihave" => {
            let extensions = values(lang, strings(0), and);
            match (lang, negated) {
                (Lang::Fr, true) => {
                    format!("si le serveur ne connaît pas l'extension {extensions}")
                }
                (Lang::Fr, false) => format!("si le serveur connaît l'extension {extensions}"),
                (Lang::En, true) => {
                    format!("if the server does not support the extension {extensions}")
                }
                (Lang::En, false) => format!("if the server supports the extension {extensions}"),
            }
        }
        "mailboxexists" => {
            let verb = match (lang, negated) {
                (Lang::Fr, true) => "n'existe pas",
                (Lang::Fr, false) => "existe",
                (Lang::En, true) => "does not exist",
                (Lang::En, false) => "exists",
            };
            format!(
                "{} {} {verb}",
                lang.pick("si le dossier", "if the folder"),
                values(lang, strings(0), and)
            )
        }
        other => {
            let shown: Vec<String> = view
                .positional
                .iter()
                .filter_map(|a| a.strings())
                .flat_map(|s| s.iter())
                .take(MAX_VALUES)
                .map(|s| quote_in(lang, s))
                .collect();
            let arguments = if shown.is_empty() {
                String::new()
            } else {
                format!(" ({})", shown.join(", "))
            };
            let verb = match (lang, negated) {
                (Lang::Fr, true) => "qui ne satisfont pas le test",
                (Lang::Fr, false) => "qui satisfont le test",
                (Lang::En, true) => "that do not pass the test",
                (Lang::En, false) => "that pass the test",
            };
            format!("{verb} {}{arguments}", quote_in(lang, &clean(other, 40)))
        }
    }
}

/// « dont {subject} {verb} {values} » (« whose … » in English).
fn compare(
    lang: Lang,
    view: &ArgView<'_>,
    subject: &str,
    keys: &[String],
    negated: bool,
) -> String {
    format!(
        "{} {}",
        lang.pick("dont", "whose"),
        comparison(lang, view, subject, keys, negated)
    )
}

/// « quand {subject} {verb} {values} », for tests that are not about the message.
fn compare_when(
    lang: Lang,
    view: &ArgView<'_>,
    subject: &str,
    keys: &[String],
    negated: bool,
) -> String {
    format!(
        "{} {}",
        lang.pick("quand", "when"),
        comparison(lang, view, subject, keys, negated)
    )
}

fn comparison(
    lang: Lang,
    view: &ArgView<'_>,
    subject: &str,
    keys: &[String],
    negated: bool,
) -> String {
    let match_type = view.match_type();
    let relational = |tag: &str| {
        view.strings(tag)
            .and_then(|s| s.first())
            .map(|op| op.to_ascii_lowercase())
            .unwrap_or_default()
    };
    let (positive, negative) = match lang {
        Lang::Fr => match match_type {
            "contains" => ("contient", "ne contient pas"),
            "matches" => ("correspond au motif", "ne correspond pas au motif"),
            "regex" => (
                "correspond à l'expression régulière",
                "ne correspond pas à l'expression régulière",
            ),
            "list" => ("figure dans la liste", "ne figure pas dans la liste"),
            "value" | "count" => match relational(match_type).as_str() {
                "gt" => ("est supérieur à", "n'est pas supérieur à"),
                "ge" => ("est supérieur ou égal à", "n'est pas supérieur ou égal à"),
                "lt" => ("est inférieur à", "n'est pas inférieur à"),
                "le" => ("est inférieur ou égal à", "n'est pas inférieur ou égal à"),
                "ne" => ("est différent de", "n'est pas différent de"),
                _ => ("est égal à", "n'est pas égal à"),
            },
            _ => ("est", "n'est pas"),
        },
        Lang::En => match match_type {
            "contains" => ("contains", "does not contain"),
            "matches" => ("matches the pattern", "does not match the pattern"),
            "regex" => (
                "matches the regular expression",
                "does not match the regular expression",
            ),
            "list" => ("is in the list", "is not in the list"),
            "value" | "count" => match relational(match_type).as_str() {
                "gt" => ("is greater than", "is not greater than"),
                "ge" => (
                    "is greater than or equal to",
                    "is not greater than or equal to",
                ),
                "lt" => ("is less than", "is not less than"),
                "le" => ("is less than or equal to", "is not less than or equal to"),
                "ne" => ("is different from", "is not different from"),
                _ => ("is equal to", "is not equal to"),
            },
            _ => ("is", "is not"),
        },
    };
    let subject = match (match_type, lang) {
        ("count", Lang::Fr) => format!("le nombre de valeurs {}", de(subject)),
        ("count", Lang::En) => format!("number of {subject} values"),
        _ => subject.to_owned(),
    };
    let verb = if negated { negative } else { positive };
    // French says « ne contient pas « a » ni « b » »; English keeps « or » after a negation.
    let separator = match (lang, negated) {
        (Lang::Fr, true) => " ni ",
        (Lang::Fr, false) => " ou ",
        (Lang::En, _) => " or ",
    };
    let keys = values(lang, keys, separator);
    let case = match view.strings("comparator").and_then(|c| c.first()) {
        Some(c) if c.eq_ignore_ascii_case("i;octet") => {
            lang.pick(" (en respectant les majuscules)", " (case-sensitive)")
        }
        _ => "",
    };
    format!("{subject} {verb} {keys}{case}")
}

/// « « a » ou « b » » with at most [`MAX_VALUES`] values.
fn values(lang: Lang, list: &[String], separator: &str) -> String {
    if list.is_empty() {
        return lang.pick("« »", "“”").to_owned();
    }
    let mut shown: Vec<String> = list
        .iter()
        .take(MAX_VALUES)
        .map(|s| quote_in(lang, s))
        .collect();
    if list.len() > MAX_VALUES {
        let left = list.len() - MAX_VALUES;
        shown.push(match lang {
            Lang::Fr => format!("{left} autres valeurs"),
            Lang::En => format!("{left} other values"),
        });
    }
    shown.join(separator)
}

fn labels(lang: Lang, names: &[String], label: fn(Lang, &str) -> String) -> String {
    if names.is_empty() {
        return lang.pick("l'en-tête « »", "“” header").to_owned();
    }
    let mut shown: Vec<String> = names
        .iter()
        .take(MAX_VALUES)
        .map(|n| label(lang, n))
        .collect();
    if names.len() > MAX_VALUES {
        let left = names.len() - MAX_VALUES;
        shown.push(match lang {
            Lang::Fr => format!("{left} autres en-têtes"),
            Lang::En => format!("{left} other headers"),
        });
    }
    shown.join(lang.pick(" ou ", " or "))
}

/// The usual headers named the way a person says them (in English without an article, since
/// they follow « whose »).
fn header_label(lang: Lang, name: &str) -> String {
    let known = match name.to_ascii_lowercase().as_str() {
        "subject" => Some(("l'objet", "subject")),
        "from" => Some(("l'expéditeur", "sender")),
        "to" => Some(("le destinataire", "recipient")),
        "cc" => Some(("le destinataire en copie (Cc)", "copy recipient (Cc)")),
        "bcc" => Some((
            "le destinataire en copie cachée (Cci)",
            "hidden copy recipient (Bcc)",
        )),
        "reply-to" => Some((
            "l'adresse de réponse (Reply-To)",
            "reply address (Reply-To)",
        )),
        "sender" => Some((
            "l'expéditeur technique (Sender)",
            "technical sender (Sender)",
        )),
        "return-path" => Some((
            "l'adresse de retour (Return-Path)",
            "return address (Return-Path)",
        )),
        "list-id" => Some(("la liste de diffusion (List-Id)", "mailing list (List-Id)")),
        _ => None,
    };
    match (known, lang) {
        (Some((fr, en)), _) => lang.pick(fr, en).to_owned(),
        (None, Lang::Fr) => format!("l'en-tête {}", quote_in(lang, name)),
        (None, Lang::En) => format!("{} header", quote_in(lang, name)),
    }
}

fn envelope_label(lang: Lang, part: &str) -> String {
    let known = match part.to_ascii_lowercase().as_str() {
        "from" => Some(("l'expéditeur de l'enveloppe", "envelope sender")),
        "to" => Some(("le destinataire de l'enveloppe", "envelope recipient")),
        "auth" => Some((
            "le compte authentifié de l'expéditeur",
            "sender's authenticated account",
        )),
        _ => None,
    };
    match (known, lang) {
        (Some((fr, en)), _) => lang.pick(fr, en).to_owned(),
        (None, Lang::Fr) => format!("la partie {} de l'enveloppe", quote_in(lang, part)),
        (None, Lang::En) => format!("envelope {} part", quote_in(lang, part)),
    }
}

/// Applies the address part (`:domain`, `:localpart`...) to a subject.
fn address_subject(lang: Lang, view: &ArgView<'_>, subject: String) -> String {
    let part = if view.has("domain") {
        ("le domaine", "domain")
    } else if view.has("localpart") {
        ("la partie avant « @ »", "part before the “@”")
    } else if view.has("user") {
        ("le nom d'utilisateur", "user name")
    } else if view.has("detail") {
        ("le détail (après « + »)", "detail (after the “+”)")
    } else {
        return subject;
    };
    match lang {
        Lang::Fr => format!("{} {}", part.0, de(&subject)),
        // « whose sender domain is … »: the English noun phrase reads as a compound.
        Lang::En => format!("{subject} {}", part.1),
    }
}

/// French « de » + article: « de le » → « du », « de les » → « des ».
fn de(subject: &str) -> String {
    if let Some(rest) = subject.strip_prefix("le ") {
        format!("du {rest}")
    } else if let Some(rest) = subject.strip_prefix("les ") {
        format!("des {rest}")
    } else {
        format!("de {subject}")
    }
}

fn exists(lang: Lang, names: &[String], negated: bool) -> String {
    match (lang, names.len(), negated) {
        (Lang::Fr, 1, false) => format!("qui ont un en-tête {}", quote_in(lang, &names[0])),
        (Lang::Fr, 1, true) => format!("qui n'ont pas d'en-tête {}", quote_in(lang, &names[0])),
        (Lang::Fr, _, false) => format!("qui ont les en-têtes {}", values(lang, names, " et ")),
        (Lang::Fr, _, true) => format!(
            "auxquels il manque l'un des en-têtes {}",
            values(lang, names, ", ")
        ),
        (Lang::En, 1, false) => format!("that have a {} header", quote_in(lang, &names[0])),
        (Lang::En, 1, true) => format!("that have no {} header", quote_in(lang, &names[0])),
        (Lang::En, _, false) => format!("that have the headers {}", values(lang, names, " and ")),
        (Lang::En, _, true) => {
            format!("that lack one of the headers {}", values(lang, names, ", "))
        }
    }
}

fn size(lang: Lang, view: &ArgView<'_>, negated: bool) -> String {
    let amount = view
        .positional
        .first()
        .and_then(|a| a.number())
        .map_or_else(|| "?".to_owned(), |n| format_size_in(lang, n));
    let words = match (view.has("under"), negated) {
        (false, false) => ("de plus de", "larger than"),
        (false, true) => ("d'au plus", "no larger than"),
        (true, false) => ("de moins de", "smaller than"),
        (true, true) => ("d'au moins", "no smaller than"),
    };
    format!("{} {amount}", lang.pick(words.0, words.1))
}

/// 1048576 → « 1 Mo », 10240 → « 10 Ko », 1500 → « 1500 octets ».
pub fn format_size(bytes: u64) -> String {
    format_size_in(Lang::Fr, bytes)
}

/// [`format_size`] in `lang`: « 1 MB », « 10 KB », « 1500 bytes » in English.
pub(crate) fn format_size_in(lang: Lang, bytes: u64) -> String {
    let units = [
        (1 << 30, lang.pick("Go", "GB")),
        (1 << 20, lang.pick("Mo", "MB")),
        (1 << 10, lang.pick("Ko", "KB")),
    ];
    for (factor, unit) in units {
        if bytes >= factor && bytes.is_multiple_of(factor) {
            return format!("{} {unit}", bytes / factor);
        }
    }
    match (bytes, lang) {
        (1, Lang::Fr) => "1 octet".to_owned(),
        (_, Lang::Fr) => format!("{bytes} octets"),
        (1, Lang::En) => "1 byte".to_owned(),
        (_, Lang::En) => format!("{bytes} bytes"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sieve::ast::Statement;
    use crate::sieve::parser::parse;

    /// The test of the first `if` of `script`.
    fn first_test(script: &str) -> Test {
        let parsed = match parse(script) {
            Ok(p) => p,
            Err(e) => panic!("parse failed: {e}"),
        };
        match parsed.statements.into_iter().next() {
            Some(Statement::Conditional(c)) => c
                .branches
                .into_iter()
                .next()
                .map(|b| b.test)
                .unwrap_or_else(|| panic!("no branch")),
            other => panic!("not an if: {other:?}"),
        }
    }

    fn says(test: &str) -> String {
        describe_test(&first_test(&format!("if {test} {{ keep; }}")))
    }

    fn says_condition(test: &str, negated: bool) -> String {
        let t = first_test(&format!("if {test} {{ keep; }}"));
        describe_condition(&[(&t, negated)])
    }

    #[test]
    fn header_tests() {
        assert_eq!(
            says(r#"header :contains "subject" "facture""#),
            "dont l'objet contient « facture »"
        );
        assert_eq!(
            says(r#"header "X-Mailer" "Foo""#),
            "dont l'en-tête « X-Mailer » est « Foo »"
        );
        assert_eq!(
            says(r#"header :matches ["to", "cc"] ["*@a.fr", "*@b.fr"]"#),
            "dont le destinataire ou le destinataire en copie (Cc) correspond au motif « *@a.fr » ou « *@b.fr »"
        );
        assert_eq!(
            says(r##"header :regex :comparator "i;octet" "subject" "^RE""##),
            "dont l'objet correspond à l'expression régulière « ^RE » (en respectant les majuscules)"
        );
        assert_eq!(
            says(r#"not header :contains "subject" ["a", "b"]"#),
            "dont l'objet ne contient pas « a » ni « b »"
        );
    }

    #[test]
    fn address_and_envelope_tests() {
        assert_eq!(
            says(r#"address :is "from" ["a@x.fr", "b@y.fr"]"#),
            "dont l'expéditeur est « a@x.fr » ou « b@y.fr »"
        );
        assert_eq!(
            says(r#"address :domain :is "to" "mairie.fr""#),
            "dont le domaine du destinataire est « mairie.fr »"
        );
        assert_eq!(
            says(r#"address :localpart "from" "compta""#),
            "dont la partie avant « @ » de l'expéditeur est « compta »"
        );
        assert_eq!(
            says(r#"envelope :contains "from" "banque""#),
            "dont l'expéditeur de l'enveloppe contient « banque »"
        );
    }

    #[test]
    fn exists_size_body_and_others() {
        assert_eq!(says(r#"exists "X-Foo""#), "qui ont un en-tête « X-Foo »");
        assert_eq!(
            says(r#"not exists "X-Foo""#),
            "qui n'ont pas d'en-tête « X-Foo »"
        );
        assert_eq!(
            says(r#"exists ["a", "b"]"#),
            "qui ont les en-têtes « a » et « b »"
        );
        assert_eq!(says("size :over 1M"), "de plus de 1 Mo");
        assert_eq!(says("size :under 10K"), "de moins de 10 Ko");
        assert_eq!(says("not size :over 1M"), "d'au plus 1 Mo");
        assert_eq!(says("size :over 1500"), "de plus de 1500 octets");
        assert_eq!(
            says(r#"body :text :contains "virement""#),
            "dont le texte contient « virement »"
        );
        assert_eq!(
            says(r#"body :contains "iban""#),
            "dont le corps contient « iban »"
        );
        assert_eq!(
            says(r#"spamtest :value "ge" :comparator "i;ascii-numeric" "6""#),
            "dont le score de spam est supérieur ou égal à « 6 »"
        );
        assert_eq!(
            says(r#"header :count "gt" "received" "3""#),
            "dont le nombre de valeurs de l'en-tête « received » est supérieur à « 3 »"
        );
        assert_eq!(says(r#"foo "x""#), "qui satisfont le test « foo » (« x »)");
        assert_eq!(
            says("duplicate"),
            "qui sont des doublons d'un message déjà reçu"
        );
    }

    #[test]
    fn anyof_allof_not() {
        assert_eq!(
            says(r#"anyof(header :contains "subject" "a", size :over 1M)"#),
            "dont l'objet contient « a » ou de plus de 1 Mo"
        );
        assert_eq!(
            says(r#"allof(header :contains "subject" "a", not exists "b")"#),
            "dont l'objet contient « a » et qui n'ont pas d'en-tête « b »"
        );
        assert_eq!(
            says(r#"not anyof(header :contains "subject" "a", size :over 1M)"#),
            "dont l'objet ne contient pas « a » et d'au plus 1 Mo"
        );
        assert_eq!(
            says(r#"allof(anyof(exists "a", exists "b"), size :under 1K)"#),
            "(qui ont un en-tête « a » ou qui ont un en-tête « b ») et de moins de 1 Ko"
        );
    }

    #[test]
    fn whole_conditions() {
        assert_eq!(describe_condition(&[]), "tous les messages");
        assert_eq!(says_condition("true", false), "tous les messages");
        assert_eq!(
            says_condition("false", false),
            "aucun message (la condition ne peut jamais être vraie)"
        );
        assert_eq!(
            says_condition(r#"header :contains "from" "tresorerie""#, false),
            "les messages dont l'expéditeur contient « tresorerie »"
        );
        assert_eq!(
            says_condition(r#"header :contains "from" "tresorerie""#, true),
            "tous les messages sauf ceux dont l'expéditeur contient « tresorerie »"
        );
        assert_eq!(
            says_condition(r#"anyof(exists "a", size :over 1M)"#, true),
            "tous les messages sauf ceux qui ont un en-tête « a » ou de plus de 1 Mo"
        );
        let a = first_test(r#"if header :contains "subject" "facture" { keep; }"#);
        let b = first_test(r#"if address :is "from" "x@y.fr" { keep; }"#);
        assert_eq!(
            describe_condition(&[(&a, false), (&b, true)]),
            "les messages dont l'objet contient « facture » et dont l'expéditeur n'est pas « x@y.fr »"
        );
    }

    #[test]
    fn long_values_are_shortened() {
        let long = "x".repeat(500);
        let text = says(&format!(r#"header :contains "subject" "{long}""#));
        assert!(text.chars().count() < 120, "{text}");
        assert!(text.ends_with("… »"));
        let many: Vec<String> = (0..20).map(|i| format!("\"v{i}\"")).collect();
        let text = says(&format!(r#"header :is "subject" [{}]"#, many.join(",")));
        assert!(text.ends_with("ou 12 autres valeurs"), "{text}");
    }

    #[test]
    fn huge_conditions_are_cut_with_a_count() {
        let many: Vec<String> = (0..1000).map(|i| format!("exists \"h{i}\"")).collect();
        let text = says(&format!("anyof({})", many.join(", ")));
        assert!(text.ends_with("ou … (976 autres conditions)"), "{text}");
        let t = first_test(&format!("if anyof({}) {{ keep; }}", many.join(", ")));
        let tree = condition_tree(&[(&t, false)]);
        let subs = tree[0]["tests"]
            .as_array()
            .map(Vec::len)
            .unwrap_or_default();
        assert_eq!(subs, MAX_TREE_NODES);
        assert_eq!(tree[0]["tests"][MAX_TREE_NODES - 1]["omitted"], 801);
        let conjuncts: Vec<Conjunct<'_>> = std::iter::repeat_n((&t.tests[0], true), 5000).collect();
        let text = describe_condition(&conjuncts);
        assert!(text.ends_with("ou … (4976 autres conditions)"), "{text}");
        assert_eq!(
            condition_tree(&conjuncts).as_array().map(Vec::len),
            Some(MAX_TREE_NODES + 1)
        );
    }

    #[test]
    fn tree_evidence() {
        let t = first_test(r#"if not header :contains "subject" "a" { keep; }"#);
        let value = condition_tree(&[(&t, false)]);
        assert_eq!(value[0]["test"], "not");
        assert_eq!(value[0]["negated"], false);
        assert_eq!(
            value[0]["tests"][0]["arguments"],
            json!([":contains", "subject", "a"])
        );
    }

    fn says_en(test: &str) -> String {
        describe_test_in(Lang::En, &first_test(&format!("if {test} {{ keep; }}")))
    }

    fn says_condition_en(test: &str, negated: bool) -> String {
        let t = first_test(&format!("if {test} {{ keep; }}"));
        describe_condition_in(Lang::En, &[(&t, negated)])
    }

    #[test]
    fn english_header_and_address_tests() {
        assert_eq!(
            says_en(r#"header :contains "subject" "facture""#),
            "whose subject contains “facture”"
        );
        assert_eq!(
            says_en(r#"header "X-Mailer" "Foo""#),
            "whose “X-Mailer” header is “Foo”"
        );
        assert_eq!(
            says_en(r#"header :matches ["to", "cc"] ["*@a.fr", "*@b.fr"]"#),
            "whose recipient or copy recipient (Cc) matches the pattern “*@a.fr” or “*@b.fr”"
        );
        assert_eq!(
            says_en(r##"header :regex :comparator "i;octet" "subject" "^RE""##),
            "whose subject matches the regular expression “^RE” (case-sensitive)"
        );
        assert_eq!(
            says_en(r#"not header :contains "subject" ["a", "b"]"#),
            "whose subject does not contain “a” or “b”"
        );
        assert_eq!(
            says_en(r#"address :is "from" ["a@x.fr", "b@y.fr"]"#),
            "whose sender is “a@x.fr” or “b@y.fr”"
        );
        assert_eq!(
            says_en(r#"address :domain :is "to" "mairie.fr""#),
            "whose recipient domain is “mairie.fr”"
        );
        assert_eq!(
            says_en(r#"envelope :contains "from" "banque""#),
            "whose envelope sender contains “banque”"
        );
    }

    #[test]
    fn english_exists_size_body_and_others() {
        assert_eq!(says_en(r#"exists "X-Foo""#), "that have a “X-Foo” header");
        assert_eq!(
            says_en(r#"not exists "X-Foo""#),
            "that have no “X-Foo” header"
        );
        assert_eq!(
            says_en(r#"exists ["a", "b"]"#),
            "that have the headers “a” and “b”"
        );
        assert_eq!(says_en("size :over 1M"), "larger than 1 MB");
        assert_eq!(says_en("size :under 10K"), "smaller than 10 KB");
        assert_eq!(says_en("not size :over 1M"), "no larger than 1 MB");
        assert_eq!(says_en("size :over 1500"), "larger than 1500 bytes");
        assert_eq!(
            says_en(r#"body :text :contains "virement""#),
            "whose text contains “virement”"
        );
        assert_eq!(
            says_en(r#"spamtest :value "ge" :comparator "i;ascii-numeric" "6""#),
            "whose spam score is greater than or equal to “6”"
        );
        assert_eq!(
            says_en(r#"header :count "gt" "received" "3""#),
            "whose number of “received” header values is greater than “3”"
        );
        assert_eq!(says_en(r#"foo "x""#), "that pass the test “foo” (“x”)");
        assert_eq!(
            says_en("duplicate"),
            "that are duplicates of a message already received"
        );
    }

    #[test]
    fn english_anyof_allof_not_and_whole_conditions() {
        assert_eq!(
            says_en(r#"anyof(header :contains "subject" "a", size :over 1M)"#),
            "whose subject contains “a” or larger than 1 MB"
        );
        assert_eq!(
            says_en(r#"allof(anyof(exists "a", exists "b"), size :under 1K)"#),
            "(that have a “a” header or that have a “b” header) and smaller than 1 KB"
        );
        assert_eq!(describe_condition_in(Lang::En, &[]), "all messages");
        assert_eq!(says_condition_en("true", false), "all messages");
        assert_eq!(
            says_condition_en("false", false),
            "no messages (the condition can never be true)"
        );
        assert_eq!(
            says_condition_en(r#"header :contains "subject" "facture""#, false),
            "messages whose subject contains “facture”"
        );
        assert_eq!(
            says_condition_en(r#"header :contains "from" "tresorerie""#, true),
            "all messages except those whose sender contains “tresorerie”"
        );
        let a = first_test(r#"if header :contains "subject" "facture" { keep; }"#);
        let b = first_test(r#"if address :is "from" "x@y.fr" { keep; }"#);
        assert_eq!(
            describe_condition_in(Lang::En, &[(&a, false), (&b, true)]),
            "messages whose subject contains “facture” and whose sender is not “x@y.fr”"
        );
    }

    #[test]
    fn english_rendering_is_bounded_like_the_french() {
        let long = "x".repeat(500);
        let text = says_en(&format!(r#"header :contains "subject" "{long}""#));
        assert!(text.chars().count() < 120, "{text}");
        assert!(text.ends_with("…”"), "{text}");
        let many: Vec<String> = (0..20).map(|i| format!("\"v{i}\"")).collect();
        let text = says_en(&format!(r#"header :is "subject" [{}]"#, many.join(",")));
        assert!(text.ends_with("or 12 other values"), "{text}");
        let many: Vec<String> = (0..1000).map(|i| format!("exists \"h{i}\"")).collect();
        let text = says_en(&format!("anyof({})", many.join(", ")));
        assert!(text.ends_with("or … (976 more conditions)"), "{text}");
        let t = first_test(&format!("if anyof({}) {{ keep; }}", many.join(", ")));
        let conjuncts: Vec<Conjunct<'_>> = std::iter::repeat_n((&t.tests[0], true), 5000).collect();
        let text = describe_condition_in(Lang::En, &conjuncts);
        assert!(text.ends_with("or … (4976 more conditions)"), "{text}");
        assert!(text.chars().count() <= MAX_CONDITION_CHARS + 1);
    }

    #[test]
    fn sizes() {
        assert_eq!(format_size_in(Lang::En, 1), "1 byte");
        assert_eq!(format_size_in(Lang::En, 3 << 30), "3 GB");
        assert_eq!(format_size_in(Lang::En, 10 << 10), "10 KB");
        assert_eq!(format_size(1), "1 octet");
        assert_eq!(format_size(3 << 30), "3 Go");
        assert_eq!(format_size(1536), "1536 octets");
    }
}
