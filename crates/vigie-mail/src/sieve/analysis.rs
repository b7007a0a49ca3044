//! Security analysis of one Sieve script: which actions send mail away, hide it or answer on
//! the owner's behalf, and under which condition.
//!
//! The walk goes through the whole tree carrying the *path condition* of each statement: the
//! tests of the enclosing `if`s, the negation of the branches before an `elsif`/`else`, and the
//! negation of the branches that ended with `stop`. It tracks `set` variables (with their simple
//! modifiers) so that `redirect "${dest}"` names the real address, and the `\Seen` flag set by
//! `addflag`/`setflag` so that mail hidden *and* marked as read is recognised. Each dangerous
//! action becomes one [`AuditFinding`]; see the module documentation of [`super`] for the ids and
//! the severity policy.

use std::collections::HashMap;
use std::rc::Rc;
use std::sync::LazyLock;

use serde_json::{Map, Value, json};

use super::ast::{ArgView, Command, Conditional, Script, Statement, Test};
use super::classify::{AddressPlace, FolderKind, OwnMailbox, classify_folder};
use super::describe::{Conjunct, Lang, clean, condition_tree, describe_condition_in, quote_in};
use super::error::ParseError;
use super::parser::parse;
use super::reason::reason_in;
use crate::audit::{AuditFinding, FindingText, Severity};

/// How a value that only exists when a message arrives (an unknown variable, a match group
/// `${1}`) is shown.
pub const UNKNOWN_VALUE: &str = "«valeur calculée à l'exécution»";

/// Most findings listed for one script; past it, the most serious are kept and one
/// `sieve.truncated` finding says how many were left out.
pub const MAX_FINDINGS: usize = 200;

/// Most variables tracked, most possible values per variable, longest value (in bytes) and most
/// `${...}` references in one string: beyond them a value is treated as computed at run time.
/// They bound the work on hostile scripts (`set "a" "${a}${a}"` repeated doubles the value each
/// time); addresses and folder names are far shorter.
const MAX_VARIABLES: usize = 256;
const MAX_ALTERNATIVES: usize = 8;
const MAX_VALUE_BYTES: usize = 1024;
const MAX_REFERENCES: usize = 32;

/// Budget of variable bookkeeping for one script (variables copied into `if` branches and
/// merged after them). A real script spends a few thousand; a hostile one with hundreds of
/// variables and tens of thousands of `if` would spend billions. Past it, tracking stops and
/// every `${...}` is computed at run time, which only makes targets count as outside.
const MAX_VARIABLE_WORK: usize = 1_000_000;

/// How many of the innermost conditions are looked at to recognise an anti-spam rule.
const MAX_SPAM_CONJUNCTS: usize = 64;

/// One script to analyse, as read from the server (ManageSieve `GETSCRIPT`) or from a file.
#[derive(Debug, Clone, Copy)]
pub struct ScriptSource<'a> {
    /// Name of the script on the server (`roundcube`, `managesieve`...).
    pub name: &'a str,
    /// Whether it is the active script (the one the server runs).
    pub active: bool,
    pub text: &'a str,
}

/// What the analysis knows about the audited mailbox.
#[derive(Debug, Clone, Default)]
pub struct AuditContext {
    /// The mailbox's own address(es). Their domain tells addresses inside the commune from
    /// addresses outside (except for public providers such as `orange.fr`, where only the exact
    /// addresses count as inside). Empty: every address is outside.
    pub own_addresses: Vec<String>,
}

/// Analyses one script and returns its findings, in script order. A script that cannot be
/// read gives one `sieve.parse_error` finding. Never panics, whatever the text.
pub fn analyse_script(script: &ScriptSource<'_>, ctx: &AuditContext) -> Vec<AuditFinding> {
    match parse(script.text) {
        Ok(parsed) => analyse_parsed(script, &parsed, ctx),
        Err(error) => vec![parse_error_finding(script, &error)],
    }
}

fn analyse_parsed(
    script: &ScriptSource<'_>,
    parsed: &Script,
    ctx: &AuditContext,
) -> Vec<AuditFinding> {
    let own = OwnMailbox::new(&ctx.own_addresses);
    let variables = parsed
        .required_extensions()
        .iter()
        .any(|e| e == "variables");
    let mut walker = Walker {
        own: &own,
        active: script.active,
        variables,
        variable_work: 0,
        hits: Vec::new(),
    };
    let mut state = State::default();
    walker.block(&parsed.statements, &mut state);

    let mut hits = walker.hits;
    let total = hits.len();
    if total > MAX_FINDINGS {
        // Keep the most serious ones, then restore script order.
        hits.sort_by_key(|h| std::cmp::Reverse(h.severity));
        hits.truncate(MAX_FINDINGS);
        hits.sort_by_key(|h| h.order);
    }
    let mut findings: Vec<AuditFinding> = hits.iter().map(|h| render(script, &own, h)).collect();
    if total > MAX_FINDINGS {
        findings.push(truncated_finding(script, total));
    }
    findings
}

// ---------------------------------------------------------------------------------------------
// Path conditions

/// A path condition, as a persistent list shared between branches: pushing a test is O(1), so
/// a long `elsif` chain stays linear.
struct PathNode<'s> {
    test: &'s Test,
    negated: bool,
    parent: Path<'s>,
}

type Path<'s> = Option<Rc<PathNode<'s>>>;

impl Drop for PathNode<'_> {
    /// Unlinks the chain iteratively: the default recursive drop would overflow the stack on a
    /// script with tens of thousands of `elsif`.
    fn drop(&mut self) {
        let mut next = self.parent.take();
        while let Some(node) = next {
            match Rc::try_unwrap(node) {
                Ok(mut owned) => next = owned.parent.take(),
                Err(_) => break,
            }
        }
    }
}

fn push<'s>(path: &Path<'s>, test: &'s Test, negated: bool) -> Path<'s> {
    Some(Rc::new(PathNode {
        test,
        negated,
        parent: path.clone(),
    }))
}

/// The conjuncts of a path, outermost first.
fn conjuncts<'s>(path: &Path<'s>) -> Vec<Conjunct<'s>> {
    let mut out = Vec::new();
    let mut node = path.as_deref();
    while let Some(n) = node {
        out.push((n.test, n.negated));
        node = n.parent.as_deref();
    }
    out.reverse();
    out
}

/// Whether the path only lets through mail already flagged as spam or virus: one conjunct
/// implying it is enough, since the others can only narrow it.
fn path_is_spam_only(path: &Path<'_>) -> bool {
    let mut node = path.as_deref();
    let mut seen = 0;
    while let Some(n) = node {
        if seen == MAX_SPAM_CONJUNCTS {
            return false;
        }
        if implies_spam(n.test, n.negated) {
            return true;
        }
        seen += 1;
        node = n.parent.as_deref();
    }
    false
}

fn implies_spam(test: &Test, negated: bool) -> bool {
    match (test.name.as_str(), negated) {
        ("not", n) => test.tests.len() == 1 && implies_spam(&test.tests[0], !n),
        ("allof", false) | ("anyof", true) => test.tests.iter().any(|t| implies_spam(t, negated)),
        ("anyof", false) | ("allof", true) => {
            !test.tests.is_empty() && test.tests.iter().all(|t| implies_spam(t, negated))
        }
        ("header", false) => header_means_spam(&ArgView::new(&test.arguments)),
        ("spamtest" | "virustest", false) => score_means_spam(&ArgView::new(&test.arguments)),
        _ => false,
    }
}

/// `header :contains "X-Spam-Flag" "YES"`, `header :contains "subject" "***SPAM***"`...
fn header_means_spam(view: &ArgView<'_>) -> bool {
    let (Some(names), Some(keys)) = (view.positional_strings(0), view.positional_strings(1)) else {
        return false;
    };
    if names.is_empty() || keys.is_empty() {
        return false;
    }
    let match_type = view.match_type();
    if !matches!(match_type, "is" | "contains" | "matches" | "regex") {
        return false;
    }
    if names
        .iter()
        .all(|n| n.to_ascii_lowercase().contains("spam"))
    {
        // « X-Spam-Flag: NO » and « * » match ordinary mail too.
        const NOT_SPAM: &[&str] = &["", "no", "non", "false", "0", "ham", "clean", "*", ".*"];
        return keys
            .iter()
            .all(|k| !NOT_SPAM.contains(&k.trim().to_ascii_lowercase().as_str()));
    }
    names.iter().all(|n| n.eq_ignore_ascii_case("subject"))
        && keys.iter().all(|k| k.to_ascii_lowercase().contains("spam"))
}

/// `spamtest :value "ge" "5"` and the like: scores of 2 and above (on 1..10) mean spam.
fn score_means_spam(view: &ArgView<'_>) -> bool {
    let Some(score) = view
        .positional
        .last()
        .and_then(|a| a.strings())
        .and_then(|k| k.first())
        .and_then(|k| k.trim().parse::<u32>().ok())
    else {
        return false;
    };
    let threshold = if view.has("percent") { 10 } else { 2 };
    let op = view
        .strings(view.match_type())
        .and_then(|s| s.first())
        .map(|s| s.to_ascii_lowercase());
    match (view.match_type(), op.as_deref()) {
        ("value", Some("gt")) => score + 1 >= threshold,
        ("value", Some("ge" | "eq")) | ("is", _) => score >= threshold,
        _ => false,
    }
}

// ---------------------------------------------------------------------------------------------
// Variables

/// One possible value of a variable or argument; `unknown` when part of it is only known when
/// a message arrives.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Possible {
    text: String,
    unknown: bool,
}

impl Possible {
    fn known(text: &str) -> Self {
        Possible {
            text: text.to_owned(),
            unknown: false,
        }
    }

    fn unknown() -> Self {
        Possible {
            text: UNKNOWN_VALUE.to_owned(),
            unknown: true,
        }
    }
}

type Values = Rc<Vec<Possible>>;

/// What the walk knows at one point of the script.
#[derive(Clone, Default)]
struct State<'s> {
    path: Path<'s>,
    /// Variables by lower-cased name (Sieve variable names are case-insensitive).
    variables: HashMap<String, Values>,
    /// Whether `\Seen` may be in the internal flags (imap4flags): mail filed now is read.
    seen: bool,
    /// The Roundcube rule around the current statement.
    rule: Option<&'s str>,
    /// Whether a `stop` always runs before this point.
    unreachable: bool,
    /// Whether we are inside a rule switched off with `if false` (Roundcube's way).
    disabled: bool,
}

/// Splits a string into literal text and `${name}` references (RFC 5229 §3). A `${` that does
/// not start a valid reference stays literal.
fn references(text: &str) -> Vec<(bool, &str)> {
    let mut parts = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let valid = after.find('}').filter(|&end| {
            let name = &after[..end];
            let mut chars = name.chars();
            match chars.next() {
                Some(c) if c.is_ascii_digit() => name.chars().all(|c| c.is_ascii_digit()),
                Some(c) if c.is_ascii_alphabetic() || c == '_' => {
                    chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
                }
                _ => false,
            }
        });
        match valid {
            Some(end) => {
                if start > 0 {
                    parts.push((false, &rest[..start]));
                }
                parts.push((true, &after[..end]));
                rest = &after[end + 1..];
            }
            None => {
                parts.push((false, &rest[..start + 2]));
                rest = after;
            }
        }
    }
    if !rest.is_empty() {
        parts.push((false, rest));
    }
    parts
}

// ---------------------------------------------------------------------------------------------
// The walk

/// What an action does, with the facts needed to describe it.
enum Facts {
    Redirect {
        /// One entry per string given; each with its possible values.
        targets: Vec<Vec<(Possible, AddressPlace)>>,
        copy: bool,
    },
    Discard {
        spam_only: bool,
    },
    Fileinto {
        folder: Vec<Possible>,
        kind: FolderKind,
        copy: bool,
        seen: bool,
        spam_only: bool,
    },
    Vacation {
        subject: Option<Alternatives>,
        addresses: Vec<Alternatives>,
        period: Option<Period>,
        from: Option<Alternatives>,
        reason: Alternatives,
        bank_details: bool,
    },
    Notify {
        method: Alternatives,
        recipients: Vec<Alternatives>,
        message: Option<Alternatives>,
    },
    ExtProgram {
        program: Alternatives,
        arguments: Vec<Alternatives>,
    },
    Include {
        script: String,
        global: bool,
    },
}

/// The possible values of a string of an action (`${x}` may hold different values on different
/// paths), kept apart rather than joined so that each language joins them with its own « ou ».
#[derive(Debug, Clone)]
struct Alternatives(Vec<String>);

impl Alternatives {
    fn unknown() -> Self {
        Alternatives(vec![UNKNOWN_VALUE.to_owned()])
    }

    /// The values joined by « ou » / « or », run-time values named in `lang`.
    fn text(&self, lang: Lang) -> String {
        self.0
            .iter()
            .map(|v| value_in(lang, v))
            .collect::<Vec<_>>()
            .join(lang.pick(" ou ", " or "))
    }

    /// The French text, as kept in the evidence.
    fn fr(&self) -> String {
        self.text(Lang::Fr)
    }
}

/// The `:days` or `:seconds` of a `vacation`, kept as a number so that each language can
/// write its own unit.
#[derive(Debug, Clone, Copy)]
enum Period {
    Days(u64),
    Seconds(u64),
}

impl Period {
    fn text(self, lang: Lang) -> String {
        let (n, fr, en) = match self {
            Period::Days(n) => (n, "jour", "day"),
            Period::Seconds(n) => (n, "seconde", "second"),
        };
        let plural = if n > 1 { "s" } else { "" };
        format!("{n} {}{plural}", lang.pick(fr, en))
    }
}

/// One dangerous action found by the walk, before rendering.
struct Hit<'s> {
    order: usize,
    id: &'static str,
    severity: Severity,
    command: &'s Command,
    path: Path<'s>,
    rule: Option<&'s str>,
    unreachable: bool,
    disabled: bool,
    facts: Facts,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Flow {
    Continues,
    Stops,
}

struct Walker<'s, 'o> {
    own: &'o OwnMailbox,
    active: bool,
    /// Whether the script requires "variables" (without it `${x}` is literal text).
    variables: bool,
    /// Variable bookkeeping spent so far (see [`MAX_VARIABLE_WORK`]).
    variable_work: usize,
    hits: Vec<Hit<'s>>,
}

impl<'s> Walker<'s, '_> {
    fn block(&mut self, statements: &'s [Statement], state: &mut State<'s>) -> Flow {
        let mut flow = Flow::Continues;
        for statement in statements {
            let this = match statement {
                Statement::Command(command) => self.command(command, state),
                Statement::Conditional(conditional) => self.conditional(conditional, state),
            };
            if this == Flow::Stops {
                // Later statements are still reported (the rule is there and can be
                // reordered), but flagged as never reached.
                flow = Flow::Stops;
                state.unreachable = true;
            }
        }
        flow
    }

    fn conditional(&mut self, conditional: &'s Conditional, state: &mut State<'s>) -> Flow {
        let rule = conditional.rule.as_deref().or(state.rule);
        let branches = conditional.branches.len() + 2;
        self.variable_work = self
            .variable_work
            .saturating_add(state.variables.len().saturating_mul(branches));
        if self.tracking_lost() {
            state.variables.clear();
        }
        let entry = state.variables.clone();
        let mut outcomes: Vec<HashMap<String, Values>> = Vec::new();
        let mut seen_after = state.seen;
        let mut not_taken = state.path.clone();
        let mut continuation = state.path.clone();
        let mut all_before_stop = true;
        let mut all_stop = true;

        let run = |walker: &mut Self, path: Path<'s>, disabled: bool, body: &'s [Statement]| {
            let mut branch = State {
                path,
                variables: if walker.tracking_lost() {
                    HashMap::new()
                } else {
                    entry.clone()
                },
                seen: state.seen,
                rule,
                unreachable: state.unreachable,
                disabled: state.disabled || disabled,
            };
            let flow = walker.block(body, &mut branch);
            (flow, branch)
        };

        for branch in &conditional.branches {
            let switched_off = is_constant_false(&branch.test);
            // A rule switched off is described with the condition it would have once switched
            // back on (kept in the comment by Roundcube), and never narrows what follows.
            let path = match (&branch.disabled, switched_off) {
                (Some(original), _) => push(&not_taken, original, false),
                (None, true) => not_taken.clone(),
                (None, false) => push(&not_taken, &branch.test, false),
            };
            let (flow, after) = run(self, path, switched_off, &branch.body);
            if switched_off {
                continue;
            }
            if flow == Flow::Stops {
                // Mail that took this branch went no further: what follows only sees mail for
                // which this test was false. Exact while every earlier branch also stopped.
                if all_before_stop {
                    continuation = push(&continuation, &branch.test, true);
                }
            } else {
                all_before_stop = false;
                all_stop = false;
                seen_after |= after.seen;
                outcomes.push(after.variables);
            }
            not_taken = push(&not_taken, &branch.test, true);
        }
        match &conditional.otherwise {
            Some(otherwise) => {
                let (flow, after) = run(self, not_taken, false, &otherwise.body);
                if flow == Flow::Continues {
                    all_stop = false;
                    seen_after |= after.seen;
                    outcomes.push(after.variables);
                }
            }
            None => {
                all_stop = false;
                outcomes.push(entry.clone());
            }
        }
        if self.tracking_lost() {
            state.variables.clear();
        } else if !outcomes.is_empty() {
            state.variables = merge(outcomes);
        }
        state.seen = seen_after;
        state.path = continuation;
        if all_stop {
            Flow::Stops
        } else {
            Flow::Continues
        }
    }

    fn command(&mut self, command: &'s Command, state: &mut State<'s>) -> Flow {
        let view = ArgView::new(&command.arguments);
        let rule = command.rule.as_deref().or(state.rule);
        let facts = match command.name.as_str() {
            "stop" | "return" => return Flow::Stops,
            "set" => {
                self.set(&view, state);
                return Flow::Continues;
            }
            "addflag" | "setflag" | "removeflag" => {
                self.flags(&command.name, &view, state);
                return Flow::Continues;
            }
            "redirect" => Some(self.redirect(&view, state)),
            "discard" => Some(Facts::Discard {
                spam_only: path_is_spam_only(&state.path),
            }),
            "fileinto" => self.fileinto(&view, state),
            "vacation" => Some(self.vacation(&view, state)),
            "notify" => self.notify(&view, state),
            "pipe" | "filter" | "execute" => Some(self.program(&view, state)),
            "include" => Some(Facts::Include {
                script: view
                    .positional_strings(0)
                    .and_then(|s| s.first())
                    .map_or_else(|| UNKNOWN_VALUE.to_owned(), |s| clean(s, 200)),
                global: view.has("global"),
            }),
            _ => {
                // `foreverypart` and other extensions with a block: walk the block under the
                // same condition (its own loop condition is not modelled).
                if let Some(body) = &command.body {
                    let mut inner = state.clone();
                    inner.rule = rule;
                    self.block(body, &mut inner);
                    state.variables = inner.variables;
                    state.seen |= inner.seen;
                }
                None
            }
        };
        if let Some(facts) = facts {
            let (id, severity) = judge(&facts, self.active && !state.disabled);
            self.hits.push(Hit {
                order: self.hits.len(),
                id,
                severity,
                command,
                path: state.path.clone(),
                rule,
                unreachable: state.unreachable,
                disabled: state.disabled,
                facts,
            });
        }
        Flow::Continues
    }

    /// Possible values of a string argument after `${...}` expansion.
    fn tracking_lost(&self) -> bool {
        self.variable_work > MAX_VARIABLE_WORK
    }

    fn expand(&self, text: &str, state: &State<'_>) -> Vec<Possible> {
        if !self.variables || !text.contains("${") {
            return vec![Possible::known(text)];
        }
        let parts = references(text);
        if parts
            .iter()
            .filter(|(is_reference, _)| *is_reference)
            .count()
            > MAX_REFERENCES
        {
            return vec![Possible::unknown()];
        }
        let mut results = vec![Possible::known("")];
        for (is_reference, part) in parts {
            let choices: Vec<Possible> = if is_reference {
                let name = part.to_ascii_lowercase();
                match state.variables.get(&name).filter(|_| !self.tracking_lost()) {
                    Some(values) if results.len() * values.len() <= MAX_ALTERNATIVES => {
                        values.as_ref().clone()
                    }
                    _ => vec![Possible::unknown()],
                }
            } else {
                vec![Possible::known(part)]
            };
            results = results
                .iter()
                .flat_map(|prefix| {
                    choices.iter().map(move |choice| Possible {
                        text: format!("{}{}", prefix.text, choice.text),
                        unknown: prefix.unknown || choice.unknown,
                    })
                })
                .collect();
            if results.iter().any(|r| r.text.len() > MAX_VALUE_BYTES) {
                return vec![Possible::unknown()];
            }
        }
        dedup(results)
    }

    /// `set [modifiers] "name" "value"`.
    fn set(&self, view: &ArgView<'_>, state: &mut State<'_>) {
        if !self.variables || self.tracking_lost() {
            return;
        }
        let (Some(name), Some(value)) = (
            view.positional_strings(0).and_then(|s| s.first()),
            view.positional_strings(1).and_then(|s| s.first()),
        ) else {
            return;
        };
        let name = name.to_ascii_lowercase();
        if state.variables.len() >= MAX_VARIABLES && !state.variables.contains_key(&name) {
            return;
        }
        let values = self
            .expand(value, state)
            .into_iter()
            .map(|p| {
                if p.unknown {
                    p
                } else {
                    Possible::known(&apply_modifiers(view, &p.text))
                }
            })
            .collect();
        state.variables.insert(name, Rc::new(dedup(values)));
    }

    /// `addflag`/`setflag`/`removeflag [variable] flags`: only `\Seen` in the internal flags
    /// matters here.
    fn flags(&self, name: &str, view: &ArgView<'_>, state: &mut State<'_>) {
        if view.positional.len() > 1 {
            // The two-argument form changes a named flag variable, not the internal flags.
            return;
        }
        let has_seen = view
            .positional
            .first()
            .and_then(|a| a.strings())
            .is_some_and(mentions_seen);
        match name {
            "setflag" => state.seen = has_seen,
            "addflag" => state.seen |= has_seen,
            _ => state.seen &= !has_seen,
        }
    }

    fn redirect(&self, view: &ArgView<'_>, state: &State<'_>) -> Facts {
        let mut targets: Vec<Vec<(Possible, AddressPlace)>> = view
            .positional
            .iter()
            .filter_map(|a| a.strings())
            .flatten()
            .map(|s| {
                self.expand(s, state)
                    .into_iter()
                    .map(|p| {
                        let place = self.own.place(&p.text);
                        (p, place)
                    })
                    .collect()
            })
            .collect();
        if targets.is_empty() {
            targets.push(vec![(Possible::unknown(), AddressPlace::Outside)]);
        }
        Facts::Redirect {
            targets,
            copy: view.has("copy"),
        }
    }

    fn fileinto(&self, view: &ArgView<'_>, state: &State<'_>) -> Option<Facts> {
        let folder: Vec<Possible> = view
            .positional_strings(0)
            .and_then(|s| s.first())
            .map_or_else(|| vec![Possible::unknown()], |s| self.expand(s, state));
        let special = view
            .strings("specialuse")
            .and_then(|s| s.first())
            .and_then(|s| match s.to_ascii_lowercase().as_str() {
                "\\junk" => Some(FolderKind::Junk),
                "\\trash" => Some(FolderKind::Trash),
                _ => None,
            });
        // The most hiding kind among the possible folder names; a name known only at run
        // time is not flagged (it usually is `${1}` from a :matches on a list name).
        let kind = special.or_else(|| {
            folder
                .iter()
                .filter(|p| !p.unknown)
                .filter_map(|p| classify_folder(&p.text))
                .max_by_key(|k| match k {
                    FolderKind::Junk => 0,
                    FolderKind::Trash => 1,
                    FolderKind::Obscure => 2,
                })
        })?;
        let seen = state.seen || view.strings("flags").is_some_and(mentions_seen);
        Some(Facts::Fileinto {
            folder,
            kind,
            copy: view.has("copy"),
            seen,
            spam_only: path_is_spam_only(&state.path),
        })
    }

    fn vacation(&self, view: &ArgView<'_>, state: &State<'_>) -> Facts {
        let first = |tag: &str| {
            view.strings(tag)
                .and_then(|s| s.first())
                .map(|s| self.joined(s, state))
        };
        let subject = first("subject");
        let from = first("from");
        let period = match (
            view.value("days").and_then(|a| a.number()),
            view.value("seconds").and_then(|a| a.number()),
        ) {
            (Some(days), _) => Some(Period::Days(days)),
            (None, Some(seconds)) => Some(Period::Seconds(seconds)),
            _ => None,
        };
        let addresses = view
            .strings("addresses")
            .map(|list| {
                list.iter()
                    .take(50)
                    .map(|a| self.joined(a, state))
                    .collect()
            })
            .unwrap_or_default();
        let reason = view
            .positional_strings(0)
            .and_then(|s| s.first())
            .map_or_else(|| Alternatives(Vec::new()), |s| self.joined(s, state));
        let bank_details = mentions_bank_details(&reason.fr())
            || subject
                .as_ref()
                .is_some_and(|s| mentions_bank_details(&clean(&s.fr(), 300)));
        Facts::Vacation {
            subject,
            addresses,
            period,
            from,
            reason,
            bank_details,
        }
    }

    /// Returns `None` for notifications by mail to addresses inside the commune.
    fn notify(&self, view: &ArgView<'_>, state: &State<'_>) -> Option<Facts> {
        // RFC 5435: `notify [...] <method>`; the old draft used `:method "mailto" :options
        // ["address"]`, still accepted by some servers.
        let method_alternatives = view
            .strings("method")
            .or_else(|| view.positional_strings(0))
            .and_then(|s| s.first())
            .map_or_else(Alternatives::unknown, |s| self.joined(s, state));
        let method = method_alternatives.fr();
        let lower = method.to_ascii_lowercase();
        let recipients: Vec<Alternatives> = if let Some(rest) = lower.strip_prefix("mailto:") {
            let start = method.len() - rest.len();
            let list = method[start..].split('?').next().unwrap_or_default();
            list.split(',')
                .take(50)
                .map(|a| clean(&percent_decode(a), 200))
                .filter(|a| !a.trim().is_empty())
                .map(|a| Alternatives(vec![a]))
                .collect()
        } else if lower == "mailto" {
            view.strings("options")
                .map(|options| {
                    options
                        .iter()
                        .take(50)
                        .map(|o| self.joined(o, state))
                        .collect()
                })
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        let by_mail = lower.starts_with("mailto");
        if by_mail
            && !recipients.is_empty()
            && recipients
                .iter()
                .all(|r| self.own.place(&clean(&r.fr(), 200)) == AddressPlace::Inside)
        {
            return None;
        }
        let message = view
            .strings("message")
            .and_then(|s| s.first())
            .map(|s| self.joined(s, state));
        Some(Facts::Notify {
            method: method_alternatives,
            recipients,
            message,
        })
    }

    fn program(&self, view: &ArgView<'_>, state: &State<'_>) -> Facts {
        let program = view
            .positional_strings(0)
            .and_then(|s| s.first())
            .map_or_else(Alternatives::unknown, |s| self.joined(s, state));
        let arguments = view
            .positional_strings(1)
            .map(|list| {
                list.iter()
                    .take(20)
                    .map(|a| self.joined(a, state))
                    .collect()
            })
            .unwrap_or_default();
        Facts::ExtProgram { program, arguments }
    }

    /// All possible values of a string.
    fn joined(&self, text: &str, state: &State<'_>) -> Alternatives {
        Alternatives(
            self.expand(text, state)
                .into_iter()
                .map(|p| p.text)
                .collect(),
        )
    }
}

/// The stable id and the severity of an action (see the policy in the module doc of
/// [`super`]).
fn judge(facts: &Facts, active: bool) -> (&'static str, Severity) {
    use Severity::{Critical, High, Info, Low, Medium};
    let (id, severity, floor) = match facts {
        Facts::Redirect { targets, copy } => {
            let outside = targets
                .iter()
                .flatten()
                .any(|(_, place)| *place == AddressPlace::Outside);
            let id = if *copy {
                "sieve.redirect_copy"
            } else {
                "sieve.redirect"
            };
            (id, if outside { Critical } else { Medium }, Medium)
        }
        Facts::Discard { spam_only } => {
            ("sieve.discard", if *spam_only { Low } else { High }, Medium)
        }
        Facts::Fileinto {
            kind,
            copy,
            seen,
            spam_only,
            ..
        } => {
            let severity = match (spam_only, kind, copy) {
                (true, FolderKind::Junk, _) => Info,
                (true, FolderKind::Trash, _) | (_, _, true) => Low,
                (_, _, false) if *seen => Critical,
                _ => High,
            };
            ("sieve.fileinto_trash", severity, Medium)
        }
        Facts::Vacation { bank_details, .. } => (
            "sieve.vacation",
            if *bank_details { High } else { Medium },
            Low,
        ),
        Facts::Notify { .. } => ("sieve.notify", High, Medium),
        Facts::ExtProgram { .. } => ("sieve.extprogram", Critical, Medium),
        Facts::Include { .. } => ("sieve.include", Low, Low),
    };
    (id, lower_if_inactive(severity, active, floor))
}

/// An inactive script can be switched on silently: one level lower, but never below `floor`.
/// `false` or `not true`: how webmails switch a rule off.
fn is_constant_false(test: &Test) -> bool {
    match test.name.as_str() {
        "false" => true,
        "not" => test.tests.len() == 1 && test.tests[0].name == "true",
        _ => false,
    }
}

fn lower_if_inactive(severity: Severity, active: bool, floor: Severity) -> Severity {
    if active || severity <= floor {
        return severity;
    }
    let lowered = match severity {
        Severity::Critical => Severity::High,
        Severity::High => Severity::Medium,
        Severity::Medium => Severity::Low,
        Severity::Low | Severity::Info => Severity::Info,
    };
    lowered.max(floor)
}

/// Merges the variables after an `if` chain: a variable keeps every value it may have on the
/// different paths; one missing on a path may be unset there, so it may be unknown.
fn merge(outcomes: Vec<HashMap<String, Values>>) -> HashMap<String, Values> {
    let mut names: Vec<&String> = outcomes.iter().flat_map(|o| o.keys()).collect();
    names.sort_unstable();
    names.dedup();
    names.truncate(MAX_VARIABLES);
    let mut merged = HashMap::new();
    for name in names {
        let first = outcomes[0].get(name);
        let same = first.is_some_and(|f| {
            outcomes
                .iter()
                .all(|o| o.get(name).is_some_and(|v| Rc::ptr_eq(v, f)))
        });
        let values = match (same, first) {
            (true, Some(values)) => values.clone(),
            _ => {
                let mut all = Vec::new();
                for outcome in &outcomes {
                    match outcome.get(name) {
                        Some(values) => all.extend(values.iter().cloned()),
                        None => all.push(Possible::unknown()),
                    }
                    if all.len() > 4 * MAX_ALTERNATIVES {
                        all = dedup(all);
                    }
                }
                Rc::new(dedup(all))
            }
        };
        merged.insert(name.clone(), values);
    }
    merged
}

/// Removes duplicates; too many alternatives collapse into « unknown ».
fn dedup(values: Vec<Possible>) -> Vec<Possible> {
    let mut out: Vec<Possible> = Vec::new();
    for value in values {
        if !out.contains(&value) {
            out.push(value);
        }
    }
    if out.len() > MAX_ALTERNATIVES {
        return vec![Possible::unknown()];
    }
    out
}

/// RFC 5229 §4.1 modifiers, applied by decreasing precedence.
fn apply_modifiers(view: &ArgView<'_>, value: &str) -> String {
    let mut value = value.to_owned();
    if view.has("lower") {
        value = value.to_lowercase();
    }
    if view.has("upper") {
        value = value.to_uppercase();
    }
    if view.has("lowerfirst") || view.has("upperfirst") {
        let mut chars = value.chars();
        if let Some(first) = chars.next() {
            let first: String = if view.has("upperfirst") {
                first.to_uppercase().collect()
            } else {
                first.to_lowercase().collect()
            };
            value = first + chars.as_str();
        }
    }
    if view.has("quotewildcard") {
        value = value
            .chars()
            .flat_map(|c| {
                if matches!(c, '*' | '?' | '\\') {
                    vec!['\\', c]
                } else {
                    vec![c]
                }
            })
            .collect();
    }
    if view.has("length") {
        value = value.chars().count().to_string();
    }
    value
}

fn mentions_seen(flags: &[String]) -> bool {
    flags
        .iter()
        .flat_map(|f| f.split_whitespace())
        .any(|f| f.eq_ignore_ascii_case("\\seen"))
}

/// Whether a text talks about bank details: auto-replies announcing « nos nouvelles
/// coordonnées bancaires » are a known fraud (fraude au changement de RIB).
fn mentions_bank_details(text: &str) -> bool {
    let lower = text.to_lowercase();
    const PHRASES: &[&str] = &[
        "coordonnées bancaires",
        "coordonnees bancaires",
        "relevé d'identité bancaire",
        "releve d'identite bancaire",
        "nouveau compte bancaire",
        "changement de banque",
        "bank details",
    ];
    if PHRASES.iter().any(|p| lower.contains(p)) {
        return true;
    }
    if lower
        .split(|c: char| !c.is_alphanumeric())
        .any(|word| word == "iban" || word == "rib" || word == "bic")
    {
        return true;
    }
    // Building the detectors costs milliseconds: build them once for the process.
    static DETECTOR: LazyLock<vigie_scan::Detector> = LazyLock::new(vigie_scan::Detector::new);
    let mut detections = Vec::new();
    DETECTOR.scan(text, &mut detections);
    detections
        .iter()
        .any(|d| matches!(d.kind, vigie_scan::Kind::Iban | vigie_scan::Kind::FrRib))
}

/// `%40` → `@` in `mailto:` URIs (RFC 6068); invalid escapes are kept as written.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = text.get(i + 1..i + 3)
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

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
fn value_in(lang: Lang, text: &str) -> String {
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

fn render(script: &ScriptSource<'_>, own: &OwnMailbox, hit: &Hit<'_>) -> AuditFinding {
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
            evidence.insert(
                "addresses".into(),
                json!(
                    addresses
                        .iter()
                        .take(50)
                        .map(|a| clean(&a.fr(), 200))
                        .collect::<Vec<_>>()
                ),
            );
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
            evidence.insert(
                "recipients".into(),
                json!(
                    recipients
                        .iter()
                        .take(50)
                        .map(|r| clean(&r.fr(), 200))
                        .collect::<Vec<_>>()
                ),
            );
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

fn parse_error_finding(script: &ScriptSource<'_>, error: &ParseError) -> AuditFinding {
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

fn truncated_finding(script: &ScriptSource<'_>, total: usize) -> AuditFinding {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variable_references() {
        assert_eq!(
            references("a${b}c"),
            vec![(false, "a"), (true, "b"), (false, "c")]
        );
        assert_eq!(references("${1}"), vec![(true, "1")]);
        assert_eq!(references("${a b}"), vec![(false, "${"), (false, "a b}")]);
        assert_eq!(references("x${"), vec![(false, "x${")]);
        assert_eq!(references("${env.from}"), vec![(true, "env.from")]);
    }

    #[test]
    fn inactive_lowering() {
        use Severity::*;
        assert_eq!(lower_if_inactive(Critical, false, Medium), High);
        assert_eq!(lower_if_inactive(High, false, Medium), Medium);
        assert_eq!(lower_if_inactive(Medium, false, Medium), Medium);
        assert_eq!(lower_if_inactive(Medium, false, Low), Low);
        assert_eq!(lower_if_inactive(Info, false, Medium), Info);
        assert_eq!(lower_if_inactive(Critical, true, Medium), Critical);
    }

    #[test]
    fn bank_detail_words() {
        assert!(mentions_bank_details(
            "Merci de noter notre nouveau RIB ci-joint"
        ));
        assert!(mentions_bank_details(
            "Nos coordonnées bancaires ont changé"
        ));
        assert!(!mentions_bank_details(
            "Je suis absente jusqu'au 12, contactez la mairie."
        ));
        assert!(!mentions_bank_details("Tribunal"));
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%40b.fr"), "a@b.fr");
        assert_eq!(percent_decode("a%4"), "a%4");
        assert_eq!(percent_decode("%C3%A9"), "é");
    }

    #[test]
    fn modifiers() {
        let args = crate::sieve::parser::parse(r#"set :upperfirst :lower "a" "b";"#).unwrap();
        let Statement::Command(c) = &args.statements[0] else {
            panic!()
        };
        let view = ArgView::new(&c.arguments);
        assert_eq!(apply_modifiers(&view, "PIRATE"), "Pirate");
    }
}
