//! Security analysis of one Sieve script: which actions send mail away, hide it or answer on
//! the owner's behalf, and under which condition.
//!
//! The walk goes through the whole tree carrying the *path condition* of each statement: the
//! tests of the enclosing `if`s, the negation of the branches before an `elsif`/`else`, and the
//! negation of the branches that ended with `stop`. It tracks `set` variables (with their simple
//! modifiers) so that `redirect "${dest}"` names the real address, and the `\Seen` flag set by
//! `addflag`/`setflag` so that mail hidden *and* marked as read is recognised. Each dangerous
//! action becomes one [`AuditFinding`]; see the module documentation of [`super`] for the ids and
//! the severity policy. Its words (title, detail, steps, in French and in English) and its
//! evidence are written by [`super::wording`].

use std::collections::HashMap;
use std::rc::Rc;
use std::sync::LazyLock;

use super::ast::{ArgView, Command, Conditional, Script, Statement, Test};
use super::classify::{AddressPlace, FolderKind, OwnMailbox, classify_folder};
use super::describe::{Conjunct, Lang, clean};
use super::parser::parse;
use super::wording::{parse_error_finding, render, truncated_finding, value_in};
use crate::audit::{AuditFinding, Severity};

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
pub(super) struct PathNode<'s> {
    test: &'s Test,
    negated: bool,
    parent: Path<'s>,
}

pub(super) type Path<'s> = Option<Rc<PathNode<'s>>>;

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
pub(super) fn conjuncts<'s>(path: &Path<'s>) -> Vec<Conjunct<'s>> {
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
pub(super) struct Possible {
    pub(super) text: String,
    pub(super) unknown: bool,
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
pub(super) enum Facts {
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
pub(super) struct Alternatives(pub(super) Vec<String>);

impl Alternatives {
    fn unknown() -> Self {
        Alternatives(vec![UNKNOWN_VALUE.to_owned()])
    }

    /// The values joined by « ou » / « or », run-time values named in `lang`.
    pub(super) fn text(&self, lang: Lang) -> String {
        self.0
            .iter()
            .map(|v| value_in(lang, v))
            .collect::<Vec<_>>()
            .join(lang.pick(" ou ", " or "))
    }

    /// The French text, as kept in the evidence.
    pub(super) fn fr(&self) -> String {
        self.text(Lang::Fr)
    }
}

/// The `:days` or `:seconds` of a `vacation`, kept as a number so that each language can
/// write its own unit.
#[derive(Debug, Clone, Copy)]
pub(super) enum Period {
    Days(u64),
    Seconds(u64),
}

impl Period {
    pub(super) fn text(self, lang: Lang) -> String {
        let (n, fr, en) = match self {
            Period::Days(n) => (n, "jour", "day"),
            Period::Seconds(n) => (n, "seconde", "second"),
        };
        let plural = if n > 1 { "s" } else { "" };
        format!("{n} {}{plural}", lang.pick(fr, en))
    }
}

/// One dangerous action found by the walk, before rendering.
pub(super) struct Hit<'s> {
    pub(super) order: usize,
    pub(super) id: &'static str,
    pub(super) severity: Severity,
    pub(super) command: &'s Command,
    pub(super) path: Path<'s>,
    pub(super) rule: Option<&'s str>,
    pub(super) unreachable: bool,
    pub(super) disabled: bool,
    pub(super) facts: Facts,
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
