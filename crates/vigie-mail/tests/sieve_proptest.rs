//! Property tests: the analysis never panics, whatever the text, and every `redirect` planted
//! in a generated nested script is found, on its line.

use proptest::prelude::*;
use vigie_mail::sieve::{AuditContext, ScriptSource, analyse_script, parse};

fn ctx() -> AuditContext {
    AuditContext {
        own_addresses: vec!["secretariat@mairie-exemple.fr".to_owned()],
    }
}

fn run(text: &str, active: bool) -> Vec<vigie_mail::audit::AuditFinding> {
    analyse_script(
        &ScriptSource {
            name: "prop",
            active,
            text,
        },
        &ctx(),
    )
}

/// Valid scripts used as seeds for mutation.
const SEEDS: &[&str] = &[
    "require [\"fileinto\", \"copy\", \"variables\", \"imap4flags\"];\n# rule:[x]\nif anyof (header :contains \"subject\" [\"a\", \"b\"], not size :over 1M) {\n  set :lower \"d\" \"P@EXAMPLE.NET\";\n  redirect :copy \"${d}\";\n} elsif allof(exists \"x\", address :domain :is \"from\" \"b.fr\") {\n  addflag \"\\\\Seen\";\n  fileinto \"RSS Feeds\";\n  stop;\n} else { discard; }\n",
    "require \"vacation\";\nvacation :days 7 :subject \"Absent\" :addresses [\"a@b.fr\"] text: # c\r\nBonjour\r\n..point\r\n.\r\n;\n/* bloc */ keep;",
    "if false # header :contains \"from\" \"x\"\n{\n\tredirect \"a@example.net\";\n}\nnotify :message \"m\" \"mailto:x@example.net\";\npipe \"p\" [\"a\"];\ninclude :global \"g\";",
    "if spamtest :value \"ge\" :comparator \"i;ascii-numeric\" \"6\" { fileinto \"Junk\"; stop; }\nforeverypart { if header :mime :contains \"Content-Type\" \"pdf\" { redirect \"x@y.z\"; } }",
];

/// Snippets inserted by mutations, chosen to reach deep parser states.
const SNIPPETS: &[&str] = &[
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "\"",
    ";",
    ",",
    ":",
    "\\",
    "text:\n",
    "\n.\n",
    "#",
    "/*",
    "*/",
    "${",
    "}",
    "if ",
    "elsif ",
    "else ",
    "not ",
    "anyof(",
    "allof(",
    "redirect ",
    ":copy ",
    "1M ",
    "99999999999G",
    "\r\n",
    "\u{e9}",
    "\u{0}",
    "${1}",
    "stop;",
    "..",
    "set \"a\" \"${a}${a}\";",
];

#[derive(Debug, Clone)]
enum Mutation {
    Delete { at: usize, len: usize },
    Insert { at: usize, snippet: usize },
    Duplicate { at: usize, len: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1usize..20).prop_map(|(at, len)| Mutation::Delete { at, len }),
        (any::<usize>(), 0..SNIPPETS.len())
            .prop_map(|(at, snippet)| Mutation::Insert { at, snippet }),
        (any::<usize>(), 1usize..40).prop_map(|(at, len)| Mutation::Duplicate { at, len }),
    ]
}

/// The nearest character boundary at or before `at % (len + 1)`.
fn boundary(text: &str, at: usize) -> usize {
    let mut at = at % (text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn apply(text: &str, mutation: &Mutation) -> String {
    let mut out = text.to_owned();
    match *mutation {
        Mutation::Delete { at, len } => {
            let start = boundary(&out, at);
            let end = boundary(&out, (start + len).min(out.len()));
            out.replace_range(start..end.max(start), "");
        }
        Mutation::Insert { at, snippet } => {
            let at = boundary(&out, at);
            out.insert_str(at, SNIPPETS[snippet]);
        }
        Mutation::Duplicate { at, len } => {
            let start = boundary(&out, at);
            let end = boundary(&out, (start + len).min(out.len())).max(start);
            let copy = out[start..end].to_owned();
            out.insert_str(end, &copy);
        }
    }
    out
}

// --- generated nested scripts -------------------------------------------------------------------

#[derive(Debug, Clone)]
enum GenTest {
    Header(String),
    Address(String),
    Size(bool),
    Exists(String),
    True,
    Not(Box<GenTest>),
    AnyOf(Vec<GenTest>),
    AllOf(Vec<GenTest>),
}

fn gen_test() -> impl Strategy<Value = GenTest> {
    let leaf = prop_oneof![
        "[a-z]{1,8}".prop_map(GenTest::Header),
        "[a-z]{1,8}".prop_map(GenTest::Address),
        any::<bool>().prop_map(GenTest::Size),
        "[A-Za-z-]{1,8}".prop_map(GenTest::Exists),
        Just(GenTest::True),
    ];
    leaf.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            inner.clone().prop_map(|t| GenTest::Not(Box::new(t))),
            prop::collection::vec(inner.clone(), 1..3).prop_map(GenTest::AnyOf),
            prop::collection::vec(inner, 1..3).prop_map(GenTest::AllOf),
        ]
    })
}

fn render_test(test: &GenTest) -> String {
    match test {
        GenTest::Header(key) => format!("header :contains \"subject\" \"{key}\""),
        GenTest::Address(key) => format!("address :is \"from\" [\"{key}@a.fr\", \"{key}@b.fr\"]"),
        GenTest::Size(over) => format!("size {} 100K", if *over { ":over" } else { ":under" }),
        GenTest::Exists(name) => format!("exists \"{name}\""),
        GenTest::True => "true".to_owned(),
        GenTest::Not(inner) => format!("not {}", render_test(inner)),
        GenTest::AnyOf(list) => format!(
            "anyof({})",
            list.iter().map(render_test).collect::<Vec<_>>().join(", ")
        ),
        GenTest::AllOf(list) => format!(
            "allof({})",
            list.iter().map(render_test).collect::<Vec<_>>().join(", ")
        ),
    }
}

#[derive(Debug, Clone)]
enum Node {
    /// `redirect`, with `:copy`, to a literal or through a variable.
    Redirect {
        copy: bool,
        via_variable: bool,
    },
    Keep,
    Fileinto,
    Stop,
    If {
        test: GenTest,
        then: Vec<Node>,
        elsifs: Vec<(GenTest, Vec<Node>)>,
        otherwise: Option<Vec<Node>>,
    },
}

fn node() -> impl Strategy<Value = Node> {
    let leaf = prop_oneof![
        3 => (any::<bool>(), any::<bool>()).prop_map(|(copy, via_variable)| Node::Redirect { copy, via_variable }),
        1 => Just(Node::Keep),
        1 => Just(Node::Fileinto),
        1 => Just(Node::Stop),
    ];
    leaf.prop_recursive(4, 40, 4, |inner| {
        (
            gen_test(),
            prop::collection::vec(inner.clone(), 0..4),
            prop::collection::vec(
                (gen_test(), prop::collection::vec(inner.clone(), 0..3)),
                0..2,
            ),
            prop::option::of(prop::collection::vec(inner, 0..3)),
        )
            .prop_map(|(test, then, elsifs, otherwise)| Node::If {
                test,
                then,
                elsifs,
                otherwise,
            })
    })
}

/// Appends `nodes` to `out`, recording the line of each planted redirect.
fn render_nodes(nodes: &[Node], depth: usize, out: &mut String, lines: &mut Vec<u64>) {
    let indent = "  ".repeat(depth);
    for node in nodes {
        match node {
            Node::Redirect { copy, via_variable } => {
                lines.push(out.matches('\n').count() as u64 + 1);
                let copy = if *copy { ":copy " } else { "" };
                let target = if *via_variable {
                    "${dest}"
                } else {
                    "pirate@example.net"
                };
                out.push_str(&format!("{indent}redirect {copy}\"{target}\";\n"));
            }
            Node::Keep => out.push_str(&format!("{indent}keep;\n")),
            Node::Fileinto => out.push_str(&format!("{indent}fileinto \"Archives\";\n")),
            Node::Stop => out.push_str(&format!("{indent}stop;\n")),
            Node::If {
                test,
                then,
                elsifs,
                otherwise,
            } => {
                out.push_str(&format!("{indent}if {} {{\n", render_test(test)));
                render_nodes(then, depth + 1, out, lines);
                for (test, body) in elsifs {
                    out.push_str(&format!("{indent}}} elsif {} {{\n", render_test(test)));
                    render_nodes(body, depth + 1, out, lines);
                }
                if let Some(body) = otherwise {
                    out.push_str(&format!("{indent}}} else {{\n"));
                    render_nodes(body, depth + 1, out, lines);
                }
                out.push_str(&format!("{indent}}}\n"));
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn never_panics_on_arbitrary_text(text in any::<String>(), active in any::<bool>()) {
        let _ = run(&text, active);
    }

    #[test]
    fn never_panics_on_sieve_like_text(text in "[a-z{}()\\[\\];,:\"#*/\\\\. \n\r0-9KMG$_-]{0,300}") {
        let findings = run(&text, true);
        for finding in findings {
            prop_assert!(finding.id.starts_with("sieve."));
            prop_assert!(!finding.detail.is_empty());
        }
    }

    #[test]
    fn never_panics_on_mutated_valid_scripts(
        seed in 0..SEEDS.len(),
        mutations in prop::collection::vec(mutation(), 1..6),
    ) {
        let mut text = SEEDS[seed].to_owned();
        for m in &mutations {
            text = apply(&text, m);
        }
        let findings = run(&text, true);
        if parse(&text).is_err() {
            prop_assert_eq!(findings.len(), 1);
            prop_assert_eq!(findings[0].id.as_str(), "sieve.parse_error");
        }
    }

    #[test]
    fn every_planted_redirect_is_found(nodes in prop::collection::vec(node(), 0..6)) {
        let mut script = String::from("require [\"fileinto\", \"copy\", \"variables\"];\nset \"dest\" \"collecte@example.org\";\n");
        let mut lines = Vec::new();
        render_nodes(&nodes, 0, &mut script, &mut lines);
        prop_assume!(lines.len() <= 150);
        let findings = run(&script, true);
        let found: Vec<u64> = findings
            .iter()
            .filter(|f| f.id == "sieve.redirect" || f.id == "sieve.redirect_copy")
            .filter_map(|f| f.evidence["line"].as_u64())
            .collect();
        prop_assert_eq!(&found, &lines, "script:\n{}", script);
        for finding in &findings {
            // `not true` is how a rule is switched off: one level lower.
            let expected = if finding.evidence["disabled_rule"] == true {
                vigie_mail::audit::Severity::High
            } else {
                vigie_mail::audit::Severity::Critical
            };
            prop_assert_eq!(finding.severity, expected);
            let target = finding.evidence["target"].as_str().unwrap_or_default();
            prop_assert!(target == "pirate@example.net" || target == "collecte@example.org", "{}", target);
        }
    }
}

#[test]
fn seeds_are_valid() {
    for seed in SEEDS {
        assert!(parse(seed).is_ok(), "{seed}");
    }
}
