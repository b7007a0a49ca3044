//! French rendering of Sieve conditions, for people who have never seen a filter script.
//!
//! A condition is rendered as the words that follow « les messages » in a finding:
//! `header :contains "subject" "facture"` becomes « dont l'objet contient « facture » »,
//! `size :over 1M` « de plus de 1 Mo ». The path condition of an action (all the enclosing
//! tests, with the negation of the branches not taken) is rendered as a whole by
//! [`describe_condition`]: « tous les messages », « les messages dont … et … », or « tous les
//! messages sauf ceux dont … » when every part is negative (the usual shape after `stop`).
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

/// « value », with control characters blanked and long values shortened.
pub fn quote(value: &str) -> String {
    format!("« {} »", clean(value, MAX_QUOTED_CHARS))
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
        return "aucun message (la condition ne peut jamais être vraie)".to_owned();
    }
    let mut budget = MAX_LEAVES;
    let text = if positives.is_empty() && negatives.is_empty() {
        "tous les messages".to_owned()
    } else if positives.is_empty() {
        let parts = render_all(negatives.iter().map(|t| (*t, false)), &mut budget);
        format!("tous les messages sauf ceux {}", join(parts, " ou "))
    } else {
        let all: Vec<Conjunct<'_>> = positives
            .iter()
            .map(|t| (*t, false))
            .chain(negatives.iter().map(|t| (*t, true)))
            .collect();
        let parts = render_all(all.into_iter(), &mut budget);
        format!("les messages {}", join(parts, " et "))
    };
    clean(&text, MAX_CONDITION_CHARS)
}

/// Renders one test (as it would follow « les messages »), e.g. « dont l'objet contient
/// « facture » ».
pub fn describe_test(test: &Test) -> String {
    let mut budget = MAX_LEAVES;
    clean(&render(test, false, &mut budget).text, MAX_CONDITION_CHARS)
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
    tests: impl ExactSizeIterator<Item = (&'a Test, bool)>,
    budget: &mut usize,
) -> Vec<Rendered> {
    let total = tests.len();
    let mut parts = Vec::new();
    for (index, (test, negated)) in tests.enumerate() {
        if *budget == 0 {
            let left = total - index;
            let plural = if left > 1 { "s" } else { "" };
            parts.push(Rendered::leaf(format!(
                "… ({left} autre{plural} condition{plural})"
            )));
            break;
        }
        parts.push(render(test, negated, budget));
    }
    parts
}

fn render(test: &Test, negated: bool, budget: &mut usize) -> Rendered {
    if *budget == 0 {
        return Rendered::leaf("…".to_owned());
    }
    match test.name.as_str() {
        "not" if test.tests.len() == 1 => return render(&test.tests[0], !negated, budget),
        "anyof" | "allof" => {
            let is_any = test.name == "anyof";
            if test.tests.is_empty() {
                // anyof() is false and allof() is true.
                let value = !is_any ^ negated;
                return Rendered::leaf(constant(value).to_owned());
            }
            // De Morgan: « ne … ni … » reads badly, so a negated anyof is rendered as the
            // conjunction of the negated parts.
            let separator = if is_any ^ negated { " ou " } else { " et " };
            let parts = render_all(test.tests.iter().map(|t| (t, negated)), budget);
            return Rendered {
                text: join(parts, separator),
                compound: test.tests.len() > 1,
            };
        }
        _ => {}
    }
    *budget -= 1;
    Rendered::leaf(leaf(test, negated))
}

fn constant(value: bool) -> &'static str {
    if value {
        "(condition toujours vraie)"
    } else {
        "(condition jamais vraie)"
    }
}

fn leaf(test: &Test, negated: bool) -> String {
    let view = ArgView::new(&test.arguments);
    let strings = |i: usize| view.positional_strings(i).unwrap_or(&[]);
    match test.name.as_str() {
        "true" => constant(!negated).to_owned(),
        "false" => constant(negated).to_owned(),
        "header" => {
            let subject = labels(strings(0), header_label);
            compare(&view, &subject, strings(1), negated)
        }
        "address" => {
            let subject = address_subject(&view, labels(strings(0), header_label));
            compare(&view, &subject, strings(1), negated)
        }
        "envelope" => {
            let subject = address_subject(&view, labels(strings(0), envelope_label));
            compare(&view, &subject, strings(1), negated)
        }
        "body" => {
            let subject = if view.has("raw") {
                "le contenu brut".to_owned()
            } else if view.has("text") {
                "le texte".to_owned()
            } else if let Some(types) = view.strings("content") {
                format!("les parties {} du corps", values(types, " ou "))
            } else {
                "le corps".to_owned()
            };
            compare(&view, &subject, strings(0), negated)
        }
        "exists" => exists(strings(0), negated),
        "size" => size(&view, negated),
        "spamtest" => {
            let subject = if view.has("percent") {
                "le score de spam (en pourcentage)"
            } else {
                "le score de spam"
            };
            compare(&view, subject, strings(0), negated)
        }
        "virustest" => compare(&view, "le score antivirus", strings(0), negated),
        "hasflag" => {
            let flags = view
                .positional
                .last()
                .and_then(|a| a.strings())
                .unwrap_or(&[]);
            let verb = if negated {
                "qui ne portent pas"
            } else {
                "qui portent"
            };
            format!("{verb} le drapeau {}", values(flags, " ou "))
        }
        "date" => {
            let header = strings(0).first().map_or_else(String::new, |h| quote(h));
            let part = strings(1).first().map_or_else(String::new, |p| quote(p));
            let subject = format!("la date de l'en-tête {header} (partie {part})");
            compare(&view, &subject, strings(2), negated)
        }
        "currentdate" => {
            let part = strings(0).first().map_or_else(String::new, |p| quote(p));
            let subject = format!("la date du jour (partie {part})");
            compare_when(&view, &subject, strings(1), negated)
        }
        "string" => {
            let subject = format!("la valeur {}", values(strings(0), " ou "));
            compare_when(&view, &subject, strings(1), negated)
        }
        "environment" => {
            let subject = format!("la donnée d'environnement {}", values(strings(0), " ou "));
            compare_when(&view, &subject, strings(1), negated)
        }
        "duplicate" => {
            if negated {
                "qui ne sont pas des doublons d'un message déjà reçu".to_owned()
            } else {
                "qui sont des doublons d'un message déjà reçu".to_owned()
            }
        }
        "ihave" => {
            let verb = if negated {
                "ne connaît pas"
            } else {
                "connaît"
            };
            format!(
                "si le serveur {verb} l'extension {}",
                values(strings(0), " et ")
            )
        }
        "mailboxexists" => {
            let verb = if negated { "n'existe pas" } else { "existe" };
            format!("si le dossier {} {verb}", values(strings(0), " et "))
        }
        other => {
            let shown: Vec<String> = view
                .positional
                .iter()
                .filter_map(|a| a.strings())
                .flat_map(|s| s.iter())
                .take(MAX_VALUES)
                .map(|s| quote(s))
                .collect();
            let arguments = if shown.is_empty() {
                String::new()
            } else {
                format!(" ({})", shown.join(", "))
            };
            let verb = if negated {
                "qui ne satisfont pas"
            } else {
                "qui satisfont"
            };
            format!("{verb} le test « {} »{arguments}", clean(other, 40))
        }
    }
}

/// « dont {subject} {verb} {values} ».
fn compare(view: &ArgView<'_>, subject: &str, keys: &[String], negated: bool) -> String {
    format!("dont {}", comparison(view, subject, keys, negated))
}

/// « quand {subject} {verb} {values} », for tests that are not about the message.
fn compare_when(view: &ArgView<'_>, subject: &str, keys: &[String], negated: bool) -> String {
    format!("quand {}", comparison(view, subject, keys, negated))
}

fn comparison(view: &ArgView<'_>, subject: &str, keys: &[String], negated: bool) -> String {
    let match_type = view.match_type();
    let relational = |tag: &str| {
        view.strings(tag)
            .and_then(|s| s.first())
            .map(|op| op.to_ascii_lowercase())
            .unwrap_or_default()
    };
    let (positive, negative) = match match_type {
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
    };
    let subject = if match_type == "count" {
        format!("le nombre de valeurs {}", de(subject))
    } else {
        subject.to_owned()
    };
    let verb = if negated { negative } else { positive };
    let keys = values(keys, if negated { " ni " } else { " ou " });
    let case = match view.strings("comparator").and_then(|c| c.first()) {
        Some(c) if c.eq_ignore_ascii_case("i;octet") => " (en respectant les majuscules)",
        _ => "",
    };
    format!("{subject} {verb} {keys}{case}")
}

/// « « a » ou « b » » with at most [`MAX_VALUES`] values.
fn values(list: &[String], separator: &str) -> String {
    if list.is_empty() {
        return "« »".to_owned();
    }
    let mut shown: Vec<String> = list.iter().take(MAX_VALUES).map(|s| quote(s)).collect();
    if list.len() > MAX_VALUES {
        shown.push(format!("{} autres valeurs", list.len() - MAX_VALUES));
    }
    shown.join(separator)
}

fn labels(names: &[String], label: fn(&str) -> String) -> String {
    if names.is_empty() {
        return "l'en-tête « »".to_owned();
    }
    let mut shown: Vec<String> = names.iter().take(MAX_VALUES).map(|n| label(n)).collect();
    if names.len() > MAX_VALUES {
        shown.push(format!("{} autres en-têtes", names.len() - MAX_VALUES));
    }
    shown.join(" ou ")
}

/// The usual headers named the way a person says them.
fn header_label(name: &str) -> String {
    match name.to_ascii_lowercase().as_str() {
        "subject" => "l'objet".to_owned(),
        "from" => "l'expéditeur".to_owned(),
        "to" => "le destinataire".to_owned(),
        "cc" => "le destinataire en copie (Cc)".to_owned(),
        "bcc" => "le destinataire en copie cachée (Cci)".to_owned(),
        "reply-to" => "l'adresse de réponse (Reply-To)".to_owned(),
        "sender" => "l'expéditeur technique (Sender)".to_owned(),
        "return-path" => "l'adresse de retour (Return-Path)".to_owned(),
        "list-id" => "la liste de diffusion (List-Id)".to_owned(),
        _ => format!("l'en-tête {}", quote(name)),
    }
}

fn envelope_label(part: &str) -> String {
    match part.to_ascii_lowercase().as_str() {
        "from" => "l'expéditeur de l'enveloppe".to_owned(),
        "to" => "le destinataire de l'enveloppe".to_owned(),
        "auth" => "le compte authentifié de l'expéditeur".to_owned(),
        _ => format!("la partie {} de l'enveloppe", quote(part)),
    }
}

/// Applies the address part (`:domain`, `:localpart`...) to a subject.
fn address_subject(view: &ArgView<'_>, subject: String) -> String {
    if view.has("domain") {
        format!("le domaine {}", de(&subject))
    } else if view.has("localpart") {
        format!("la partie avant « @ » {}", de(&subject))
    } else if view.has("user") {
        format!("le nom d'utilisateur {}", de(&subject))
    } else if view.has("detail") {
        format!("le détail (après « + ») {}", de(&subject))
    } else {
        subject
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

fn exists(names: &[String], negated: bool) -> String {
    match (names.len(), negated) {
        (1, false) => format!("qui ont un en-tête {}", quote(&names[0])),
        (1, true) => format!("qui n'ont pas d'en-tête {}", quote(&names[0])),
        (_, false) => format!("qui ont les en-têtes {}", values(names, " et ")),
        (_, true) => format!(
            "auxquels il manque l'un des en-têtes {}",
            values(names, ", ")
        ),
    }
}

fn size(view: &ArgView<'_>, negated: bool) -> String {
    let amount = view
        .positional
        .first()
        .and_then(|a| a.number())
        .map_or_else(|| "?".to_owned(), format_size);
    match (view.has("under"), negated) {
        (false, false) => format!("de plus de {amount}"),
        (false, true) => format!("d'au plus {amount}"),
        (true, false) => format!("de moins de {amount}"),
        (true, true) => format!("d'au moins {amount}"),
    }
}

/// 1048576 → « 1 Mo », 10240 → « 10 Ko », 1500 → « 1500 octets ».
pub fn format_size(bytes: u64) -> String {
    const UNITS: [(u64, &str); 3] = [(1 << 30, "Go"), (1 << 20, "Mo"), (1 << 10, "Ko")];
    for (factor, unit) in UNITS {
        if bytes >= factor && bytes.is_multiple_of(factor) {
            return format!("{} {unit}", bytes / factor);
        }
    }
    if bytes == 1 {
        "1 octet".to_owned()
    } else {
        format!("{bytes} octets")
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

    #[test]
    fn sizes() {
        assert_eq!(format_size(1), "1 octet");
        assert_eq!(format_size(3 << 30), "3 Go");
        assert_eq!(format_size(1536), "1536 octets");
    }
}
