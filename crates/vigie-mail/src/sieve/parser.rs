//! Recursive-descent parser for Sieve (RFC 5228 §8.2), building the tree of [`super::ast`].
//!
//! Scripts come from a mailbox that may be in an attacker's hands, so the reader is defensive:
//! the script size is capped at [`MAX_SCRIPT_BYTES`] and the nesting of blocks and tests at
//! [`MAX_DEPTH`]; going past either is a [`ParseError`], never a stack overflow.

use std::collections::HashMap;

use super::ast::{
    Argument, ArgumentValue, Branch, Command, Conditional, ElseBranch, Script, Statement, Test,
};
use super::error::{ParseError, ParseErrorKind};
use super::lexer::{Token, TokenKind, tokenize};

/// Largest script read (1 MiB). Real filters are a few kilobytes; a server would refuse more.
pub const MAX_SCRIPT_BYTES: usize = 1 << 20;

/// Deepest nesting of blocks and tests (`if` inside `if`, `not` inside `anyof`...). Real
/// scripts use three or four levels.
pub const MAX_DEPTH: usize = 64;

/// Parses a whole script.
pub fn parse(text: &str) -> Result<Script, ParseError> {
    if text.len() > MAX_SCRIPT_BYTES {
        return Err(ParseError::new(
            1,
            1,
            ParseErrorKind::TooLarge {
                max: MAX_SCRIPT_BYTES,
            },
        ));
    }
    parse_tokens(text, true)
}

/// Parses `text` (already size-checked). `read_disabled` is false when parsing the comment of a
/// disabled rule, so that a comment holding `false # false # …` cannot recurse.
fn parse_tokens(text: &str, read_disabled: bool) -> Result<Script, ParseError> {
    let lexed = tokenize(text)?;
    let mut rules = HashMap::new();
    let mut comments = HashMap::new();
    for comment in lexed.comments {
        if let Some(name) = roundcube_rule_name(&comment.text) {
            rules.insert(comment.line, name);
        }
        if read_disabled {
            comments.insert(comment.line, comment.text);
        }
    }
    let mut parser = Parser {
        tokens: lexed.tokens,
        pos: 0,
        rules,
        comments,
    };
    let statements = parser.statements(0, None)?;
    Ok(Script { statements })
}

/// Roundcube disables a rule by rewriting `if <test>` as `if false # <test>`: reads the test
/// back from the comment, if it is one.
fn disabled_test(comment: &str) -> Option<Test> {
    let script = parse_tokens(&format!("if {comment} {{}}"), false).ok()?;
    match script.statements.into_iter().next()? {
        Statement::Conditional(conditional) => {
            conditional.branches.into_iter().next().map(|b| b.test)
        }
        Statement::Command(_) => None,
    }
}

/// `rule:[name]` → `name` (the comment Roundcube writes above each rule).
fn roundcube_rule_name(comment: &str) -> Option<String> {
    let rest = comment.strip_prefix("rule:[")?;
    let end = rest.rfind(']')?;
    Some(rest[..end].to_owned())
}

/// A command as read, before `if`/`elsif`/`else` are grouped.
struct RawCommand {
    name: String,
    line: u32,
    column: u32,
    arguments: Vec<Argument>,
    tests: Vec<Test>,
    body: Option<Vec<Statement>>,
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    /// Roundcube rule names by the line of their comment.
    rules: HashMap<u32, String>,
    /// `#` comments by line (last one of the line), to read disabled Roundcube rules.
    comments: HashMap<u32, String>,
}

impl Parser {
    fn peek(&self) -> &Token {
        // The token list always ends with Eof and `pos` never moves past it.
        &self.tokens[self.pos.min(self.tokens.len() - 1)]
    }

    fn advance(&mut self) -> Token {
        let token = self.peek().clone();
        if self.pos + 1 < self.tokens.len() {
            self.pos += 1;
        }
        token
    }

    fn unexpected(&self, expected: &'static str) -> ParseError {
        let token = self.peek();
        ParseError::new(
            token.line,
            token.column,
            ParseErrorKind::Unexpected {
                found: token.kind.describe_fr(),
                expected,
            },
        )
    }

    fn check_depth(&self, depth: usize) -> Result<(), ParseError> {
        if depth > MAX_DEPTH {
            let token = self.peek();
            return Err(ParseError::new(
                token.line,
                token.column,
                ParseErrorKind::TooDeep { max: MAX_DEPTH },
            ));
        }
        Ok(())
    }

    /// Reads commands up to the end of the script (`opened_at` is `None`) or up to the `}` of a
    /// block opened at line `opened_at`.
    fn statements(
        &mut self,
        depth: usize,
        opened_at: Option<u32>,
    ) -> Result<Vec<Statement>, ParseError> {
        let mut statements: Vec<Statement> = Vec::new();
        loop {
            let token = self.peek();
            match (&token.kind, opened_at) {
                (TokenKind::Eof, None) => return Ok(statements),
                (TokenKind::Eof, Some(line)) => {
                    return Err(ParseError::new(
                        token.line,
                        token.column,
                        ParseErrorKind::UnclosedBlock(line),
                    ));
                }
                (TokenKind::RightBrace, Some(_)) => {
                    self.advance();
                    return Ok(statements);
                }
                (TokenKind::Identifier(_), _) => {
                    let raw = self.command(depth)?;
                    self.attach(&mut statements, raw)?;
                }
                _ => return Err(self.unexpected("une commande")),
            }
        }
    }

    /// Adds a command to its block, grouping `elsif`/`else` with the `if` just before.
    fn attach(&self, statements: &mut Vec<Statement>, raw: RawCommand) -> Result<(), ParseError> {
        let name = raw.name.as_str();
        if matches!(name, "if" | "elsif" | "else") {
            let Some(body) = raw.body else {
                return Err(ParseError::new(
                    raw.line,
                    raw.column,
                    ParseErrorKind::MissingBlock(raw.name),
                ));
            };
            if !raw.arguments.is_empty() {
                return Err(ParseError::new(
                    raw.line,
                    raw.column,
                    ParseErrorKind::UnexpectedArguments(raw.name),
                ));
            }
            if name == "else" {
                if !raw.tests.is_empty() {
                    return Err(ParseError::new(
                        raw.line,
                        raw.column,
                        ParseErrorKind::UnexpectedArguments(raw.name),
                    ));
                }
                let Some(Statement::Conditional(conditional)) = statements.last_mut() else {
                    return Err(ParseError::new(
                        raw.line,
                        raw.column,
                        ParseErrorKind::OrphanBranch(raw.name),
                    ));
                };
                if conditional.otherwise.is_some() {
                    return Err(ParseError::new(
                        raw.line,
                        raw.column,
                        ParseErrorKind::OrphanBranch(raw.name),
                    ));
                }
                conditional.otherwise = Some(ElseBranch {
                    line: raw.line,
                    column: raw.column,
                    body,
                });
                return Ok(());
            }
            let mut tests = raw.tests;
            let (Some(test), None) = (tests.pop(), tests.first()) else {
                return Err(ParseError::new(
                    raw.line,
                    raw.column,
                    ParseErrorKind::WrongTestCount(raw.name),
                ));
            };
            let disabled = if test.name == "false" {
                self.comments
                    .get(&test.line)
                    .and_then(|c| disabled_test(c))
                    .map(Box::new)
            } else {
                None
            };
            let branch = Branch {
                line: raw.line,
                column: raw.column,
                test,
                disabled,
                body,
            };
            if name == "if" {
                statements.push(Statement::Conditional(Conditional {
                    branches: vec![branch],
                    otherwise: None,
                    rule: self.rule_above(raw.line),
                }));
                return Ok(());
            }
            match statements.last_mut() {
                Some(Statement::Conditional(conditional)) if conditional.otherwise.is_none() => {
                    conditional.branches.push(branch);
                    Ok(())
                }
                _ => Err(ParseError::new(
                    raw.line,
                    raw.column,
                    ParseErrorKind::OrphanBranch(raw.name),
                )),
            }
        } else {
            // No command outside `if`/`elsif` takes a test: a test here nearly always means a
            // forgotten « ; » and the next command read as a test.
            if let Some(test) = raw.tests.first() {
                return Err(ParseError::new(
                    test.line,
                    test.column,
                    ParseErrorKind::UnexpectedTest {
                        command: raw.name,
                        test: test.name.clone(),
                    },
                ));
            }
            statements.push(Statement::Command(Command {
                rule: self.rule_above(raw.line),
                name: raw.name,
                line: raw.line,
                column: raw.column,
                arguments: raw.arguments,
                body: raw.body,
            }));
            Ok(())
        }
    }

    fn rule_above(&self, line: u32) -> Option<String> {
        line.checked_sub(1)
            .and_then(|above| self.rules.get(&above).cloned())
    }

    /// `command = identifier arguments (";" / block)`.
    fn command(&mut self, depth: usize) -> Result<RawCommand, ParseError> {
        let token = self.advance();
        let TokenKind::Identifier(name) = token.kind else {
            return Err(ParseError::new(
                token.line,
                token.column,
                ParseErrorKind::Unexpected {
                    found: token.kind.describe_fr(),
                    expected: "une commande",
                },
            ));
        };
        let (arguments, tests) = self.arguments(depth)?;
        let next = self.peek().clone();
        let body = match next.kind {
            TokenKind::Semicolon => {
                self.advance();
                None
            }
            TokenKind::LeftBrace => {
                self.check_depth(depth + 1)?;
                self.advance();
                Some(self.statements(depth + 1, Some(next.line))?)
            }
            _ => return Err(self.unexpected("« ; » ou « { »")),
        };
        Ok(RawCommand {
            name: name.to_ascii_lowercase(),
            line: token.line,
            column: token.column,
            arguments,
            tests,
            body,
        })
    }

    /// `arguments = *argument [ test / test-list ]`.
    fn arguments(&mut self, depth: usize) -> Result<(Vec<Argument>, Vec<Test>), ParseError> {
        let mut arguments = Vec::new();
        loop {
            let token = self.peek().clone();
            let value = match token.kind {
                TokenKind::Tag(tag) => ArgumentValue::Tag(tag.to_ascii_lowercase()),
                TokenKind::Number(n) => ArgumentValue::Number(n),
                TokenKind::String(s) => ArgumentValue::String(s),
                TokenKind::LeftBracket => {
                    self.advance();
                    let list = self.string_list()?;
                    arguments.push(Argument {
                        line: token.line,
                        column: token.column,
                        value: ArgumentValue::StringList(list),
                    });
                    continue;
                }
                TokenKind::Identifier(_) => {
                    let test = self.test(depth + 1)?;
                    return Ok((arguments, vec![test]));
                }
                TokenKind::LeftParen => {
                    let tests = self.test_list(depth + 1)?;
                    return Ok((arguments, tests));
                }
                _ => return Ok((arguments, Vec::new())),
            };
            self.advance();
            arguments.push(Argument {
                line: token.line,
                column: token.column,
                value,
            });
        }
    }

    /// After `[`: `string *("," string) "]"`.
    fn string_list(&mut self) -> Result<Vec<String>, ParseError> {
        let mut list = Vec::new();
        loop {
            let TokenKind::String(s) = &self.peek().kind else {
                return Err(self.unexpected("une chaîne entre guillemets"));
            };
            list.push(s.clone());
            self.advance();
            match self.peek().kind {
                TokenKind::Comma => {
                    self.advance();
                }
                TokenKind::RightBracket => {
                    self.advance();
                    return Ok(list);
                }
                _ => return Err(self.unexpected("« , » ou « ] »")),
            }
        }
    }

    /// `test = identifier arguments`.
    fn test(&mut self, depth: usize) -> Result<Test, ParseError> {
        self.check_depth(depth)?;
        if !matches!(self.peek().kind, TokenKind::Identifier(_)) {
            return Err(self.unexpected("un test"));
        }
        let token = self.advance();
        let TokenKind::Identifier(name) = token.kind else {
            return Err(self.unexpected("un test"));
        };
        let (arguments, tests) = self.arguments(depth)?;
        let name = name.to_ascii_lowercase();
        if matches!(name.as_str(), "not" | "anyof" | "allof") {
            let count_ok = if name == "not" {
                tests.len() == 1
            } else {
                !tests.is_empty()
            };
            if !count_ok {
                return Err(ParseError::new(
                    token.line,
                    token.column,
                    ParseErrorKind::WrongTestCount(name),
                ));
            }
        } else if let Some(sub) = tests.first() {
            // Only the combinators take tests: `true false` is a forgotten « , ».
            return Err(ParseError::new(
                sub.line,
                sub.column,
                ParseErrorKind::UnexpectedSubTest {
                    test: name,
                    sub: sub.name.clone(),
                },
            ));
        }
        Ok(Test {
            name,
            line: token.line,
            column: token.column,
            arguments,
            tests,
        })
    }

    /// `test-list = "(" test *("," test) ")"`.
    fn test_list(&mut self, depth: usize) -> Result<Vec<Test>, ParseError> {
        self.check_depth(depth)?;
        self.advance();
        let mut tests = Vec::new();
        loop {
            tests.push(self.test(depth)?);
            match self.peek().kind {
                TokenKind::Comma => {
                    self.advance();
                }
                TokenKind::RightParen => {
                    self.advance();
                    return Ok(tests);
                }
                _ => return Err(self.unexpected("« , » ou « ) »")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sieve::ast::ArgView;

    fn parsed(text: &str) -> Script {
        match parse(text) {
            Ok(script) => script,
            Err(e) => panic!("parse failed: {e}"),
        }
    }

    fn failed(text: &str) -> ParseError {
        match parse(text) {
            Ok(script) => panic!("parse unexpectedly succeeded: {script:?}"),
            Err(e) => e,
        }
    }

    fn command(statement: &Statement) -> &Command {
        match statement {
            Statement::Command(c) => c,
            other => panic!("not a command: {other:?}"),
        }
    }

    fn conditional(statement: &Statement) -> &Conditional {
        match statement {
            Statement::Conditional(c) => c,
            other => panic!("not a conditional: {other:?}"),
        }
    }

    #[test]
    fn require_and_simple_commands() {
        let script =
            parsed("require [\"fileinto\", \"copy\"];\r\nREDIRECT :copy \"a@b.fr\";\r\nstop;\r\n");
        assert_eq!(script.statements.len(), 3);
        assert_eq!(script.required_extensions(), vec!["fileinto", "copy"]);
        let redirect = command(&script.statements[1]);
        assert_eq!(redirect.name, "redirect");
        assert_eq!((redirect.line, redirect.column), (2, 1));
        assert_eq!(
            redirect
                .arguments
                .iter()
                .map(|a| a.value.clone())
                .collect::<Vec<_>>(),
            vec![
                ArgumentValue::Tag("copy".into()),
                ArgumentValue::String("a@b.fr".into())
            ]
        );
        assert_eq!(redirect.arguments[1].column, 16);
        assert_eq!(command(&script.statements[2]).line, 3);
    }

    #[test]
    fn tagged_arguments_numbers_and_lists() {
        let script = parsed(
            "vacation :days 7 :subject \"Absent\" :addresses [\"a@x.fr\", \"b@x.fr\"] :mime text:\nJe suis absente.\n.\n;",
        );
        let vacation = command(&script.statements[0]);
        let view = ArgView::new(&vacation.arguments);
        assert_eq!(view.value("days").and_then(|a| a.number()), Some(7));
        assert_eq!(view.strings("subject"), Some(&["Absent".to_owned()][..]));
        assert_eq!(view.strings("addresses").map(<[String]>::len), Some(2));
        assert!(view.has("mime"));
        assert_eq!(
            view.positional_strings(0),
            Some(&["Je suis absente.\n".to_owned()][..])
        );
    }

    #[test]
    fn if_elsif_else_are_grouped_with_lines() {
        let script = parsed(
            "if header :contains \"subject\" \"a\" {\n  keep;\n} elsif size :over 1M {\n  discard;\n}\nelse { stop; }\nkeep;",
        );
        assert_eq!(script.statements.len(), 2);
        let chain = conditional(&script.statements[0]);
        assert_eq!(chain.branches.len(), 2);
        assert_eq!(chain.branches[0].line, 1);
        assert_eq!(chain.branches[0].test.name, "header");
        assert_eq!(chain.branches[1].line, 3);
        assert_eq!(chain.branches[1].test.name, "size");
        assert_eq!(
            chain.branches[1].test.arguments[1].value,
            ArgumentValue::Number(1 << 20)
        );
        assert_eq!(command(&chain.branches[1].body[0]).line, 4);
        let otherwise = chain
            .otherwise
            .as_ref()
            .unwrap_or_else(|| panic!("no else"));
        assert_eq!(otherwise.line, 6);
        assert_eq!(command(&otherwise.body[0]).name, "stop");
    }

    #[test]
    fn test_lists_and_not() {
        let script =
            parsed("if anyof (not exists \"x\", allof(true, header :is \"from\" \"a\")) { keep; }");
        let test = &conditional(&script.statements[0]).branches[0].test;
        assert_eq!(test.name, "anyof");
        assert_eq!(test.tests.len(), 2);
        assert_eq!(test.tests[0].name, "not");
        assert_eq!(test.tests[0].tests[0].name, "exists");
        assert_eq!(test.tests[1].name, "allof");
        assert_eq!(test.tests[1].tests[1].column, 39);
    }

    #[test]
    fn nested_blocks_and_extension_blocks() {
        let script = parsed(
            "if true { if false { if true { redirect \"x@y.fr\"; } } }\nforeverypart { keep; }",
        );
        let level1 = conditional(&script.statements[0]);
        let level2 = conditional(&level1.branches[0].body[0]);
        let level3 = conditional(&level2.branches[0].body[0]);
        assert_eq!(command(&level3.branches[0].body[0]).name, "redirect");
        let loop_command = command(&script.statements[1]);
        assert_eq!(loop_command.name, "foreverypart");
        assert_eq!(loop_command.body.as_ref().map(Vec::len), Some(1));
    }

    #[test]
    fn roundcube_rule_names_are_attached() {
        let script = parsed(
            "require [\"fileinto\",\"copy\"];\n# rule:[transfert compta]\nif header :contains \"from\" \"tresorerie\"\n{\n\tredirect :copy \"x@y.fr\";\n}\n# rule:[tout]\nredirect \"z@y.fr\";\n",
        );
        assert_eq!(
            conditional(&script.statements[1]).rule.as_deref(),
            Some("transfert compta")
        );
        assert_eq!(command(&script.statements[2]).rule.as_deref(), Some("tout"));
        assert_eq!(command(&script.statements[0]).rule, None);
    }

    #[test]
    fn empty_and_comment_only_scripts() {
        assert!(parsed("").statements.is_empty());
        assert!(parsed("# rien\n/* vide */\r\n").statements.is_empty());
    }

    #[test]
    fn errors_carry_line_column_and_french_reason() {
        let e = failed("keep;\nredirect \"a@b.fr\"\nstop;");
        assert_eq!((e.line, e.column), (3, 1));
        assert_eq!(
            e.reason(),
            "« redirect » n'accepte pas de test ici (un « ; » manque-t-il avant « stop » ?)"
        );
        let e = failed("if true { keep;");
        assert_eq!(e.kind, ParseErrorKind::UnclosedBlock(1));
        let e = failed("keep;\n}\n");
        assert_eq!((e.line, e.column), (2, 1));
        assert!(matches!(e.kind, ParseErrorKind::Unexpected { .. }));
        let e = failed("keep;\nelsif true { keep; }");
        assert_eq!(e.kind, ParseErrorKind::OrphanBranch("elsif".into()));
        assert_eq!(e.line, 2);
        let e = failed("if true { keep; } else { keep; } else { keep; }");
        assert_eq!(e.kind, ParseErrorKind::OrphanBranch("else".into()));
        let e = failed("if true;");
        assert_eq!(e.kind, ParseErrorKind::MissingBlock("if".into()));
        let e = failed("if { keep; }");
        assert_eq!(e.kind, ParseErrorKind::WrongTestCount("if".into()));
        let e = failed("if (true, false) { keep; }");
        assert_eq!(e.kind, ParseErrorKind::WrongTestCount("if".into()));
        let e = failed("else \"x\" { keep; }");
        assert_eq!(e.kind, ParseErrorKind::UnexpectedArguments("else".into()));
        let e = failed("fileinto [];");
        assert!(matches!(
            e.kind,
            ParseErrorKind::Unexpected {
                expected: "une chaîne entre guillemets",
                ..
            }
        ));
        let e = failed("fileinto [\"a\" \"b\"];");
        assert!(matches!(
            e.kind,
            ParseErrorKind::Unexpected {
                expected: "« , » ou « ] »",
                ..
            }
        ));
        let e = failed("if anyof(true; false) { keep; }");
        assert!(matches!(
            e.kind,
            ParseErrorKind::Unexpected {
                expected: "« , » ou « ) »",
                ..
            }
        ));
        let e = failed("if anyof() { keep; }");
        assert!(matches!(
            e.kind,
            ParseErrorKind::Unexpected {
                expected: "un test",
                ..
            }
        ));
        let e = failed("if anyof(true false) { keep; }");
        assert_eq!(
            e.kind,
            ParseErrorKind::UnexpectedSubTest {
                test: "true".into(),
                sub: "false".into()
            }
        );
        assert_eq!((e.line, e.column), (1, 15));
        assert_eq!(
            failed("if not { keep; }").kind,
            ParseErrorKind::WrongTestCount("not".into())
        );
        assert_eq!(
            failed("if not (true, false) { keep; }").kind,
            ParseErrorKind::WrongTestCount("not".into())
        );
        assert_eq!(
            failed("if allof { keep; }").kind,
            ParseErrorKind::WrongTestCount("allof".into())
        );
        assert!(parse("if not (true) { keep; }").is_ok());
        let e = failed("\"x\";");
        assert_eq!(
            e.to_string(),
            "ligne 1, colonne 1 : une chaîne de caractères inattendu alors que une commande était attendu"
        );
    }

    #[test]
    fn depth_limit_is_an_error_not_a_crash() {
        let ok = format!(
            "{}keep;{}",
            "if true {".repeat(MAX_DEPTH - 1),
            "}".repeat(MAX_DEPTH - 1)
        );
        assert!(parse(&ok).is_ok());
        let deep_blocks = format!(
            "{}keep;{}",
            "if true {".repeat(100_000),
            "}".repeat(100_000)
        );
        assert_eq!(
            failed(&deep_blocks).kind,
            ParseErrorKind::TooDeep { max: MAX_DEPTH }
        );
        let deep_not = format!("if {}true {{ keep; }}", "not ".repeat(100_000));
        assert_eq!(
            failed(&deep_not).kind,
            ParseErrorKind::TooDeep { max: MAX_DEPTH }
        );
        let deep_lists = format!(
            "if {}true{} {{ keep; }}",
            "anyof(".repeat(100_000),
            ")".repeat(100_000)
        );
        assert_eq!(
            failed(&deep_lists).kind,
            ParseErrorKind::TooDeep { max: MAX_DEPTH }
        );
        let e = failed(&format!("{}keep;", "if true {\n".repeat(70)));
        assert_eq!(e.line, 65);
    }

    #[test]
    fn size_limit() {
        let big = format!("keep;{}", " ".repeat(MAX_SCRIPT_BYTES));
        let e = failed(&big);
        assert_eq!(
            e.kind,
            ParseErrorKind::TooLarge {
                max: MAX_SCRIPT_BYTES
            }
        );
        assert_eq!((e.line, e.column), (1, 1));
        let fits = format!("keep;{}", " ".repeat(MAX_SCRIPT_BYTES - 5));
        assert!(parse(&fits).is_ok());
    }
}
