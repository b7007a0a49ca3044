//! The reason of a parse error in the language of a finding.
//!
//! [`ParseError`] carries its reason in French (its `Display`, shown in the French finding and
//! kept in the evidence). The English finding needs the same reason in English: it is rebuilt
//! here from the error kind and its facts (names, line, limits), so that both say the same.

use super::describe::{Lang, quote_in};
use super::error::{ParseError, ParseErrorKind};

/// Why `error` stopped the reading, in `lang`.
pub(crate) fn reason_in(lang: Lang, error: &ParseError) -> String {
    match lang {
        Lang::Fr => error.reason(),
        Lang::En => english(&error.kind),
    }
}

fn english(kind: &ParseErrorKind) -> String {
    let q = |text: &str| quote_in(Lang::En, text);
    match kind {
        ParseErrorKind::TooLarge { max } => {
            format!("the script is larger than the largest size analysed ({max} bytes)")
        }
        ParseErrorKind::TooDeep { max } => {
            format!("nesting too deep (more than {max} levels of blocks or tests)")
        }
        ParseErrorKind::UnexpectedChar(c) => format!("unexpected character {}", q(&c.to_string())),
        ParseErrorKind::UnterminatedString => "quoted text never closed".to_owned(),
        ParseErrorKind::UnterminatedComment => {
            format!("comment {} never closed with {}", q("/*"), q("*/"))
        }
        ParseErrorKind::UnterminatedMultiline => format!(
            "multi-line text ({}) never ended with a {} line",
            q("text:"),
            q(".")
        ),
        ParseErrorKind::NumberTooLarge => "number too large".to_owned(),
        ParseErrorKind::EmptyTag => format!("tag {} without a name", q(":")),
        ParseErrorKind::Unexpected { found, expected } => format!(
            "found {} where {} was expected",
            token_en(found),
            token_en(expected)
        ),
        ParseErrorKind::OrphanBranch(name) => {
            format!("{} without an {} just before", q(name), q("if"))
        }
        ParseErrorKind::MissingBlock(name) => {
            format!("{} must be followed by a block in curly brackets", q(name))
        }
        ParseErrorKind::WrongTestCount(name) => format!("{} expects exactly one test", q(name)),
        ParseErrorKind::UnexpectedTest { command, test } => format!(
            "{} does not take a test here (is a {} missing before {}?)",
            q(command),
            q(";"),
            q(test)
        ),
        ParseErrorKind::UnexpectedSubTest { test, sub } => format!(
            "the test {} does not take another test (is a {} missing before {}?)",
            q(test),
            q(","),
            q(sub)
        ),
        ParseErrorKind::UnexpectedArguments(name) => format!("{} takes no arguments", q(name)),
        ParseErrorKind::UnclosedBlock(line) => {
            format!("block opened on line {line} never closed with {}", q("}"))
        }
    }
}

/// What the parser found or expected, in English. The parser names tokens in French
/// (`TokenKind::describe_fr` and the `expected` words); they are a closed set, translated here
/// one by one, with French quotes turned into English ones for anything else.
fn token_en(french: &str) -> String {
    let english_quotes = |text: &str| text.replace("« ", "“").replace(" »", "”");
    const WORDS: &[(&str, &str)] = &[
        ("une commande", "a command"),
        ("un test", "a test"),
        ("une chaîne entre guillemets", "a quoted string"),
        ("une chaîne de caractères", "a quoted string"),
        ("la fin du script", "the end of the script"),
    ];
    if let Some((_, en)) = WORDS.iter().find(|(fr, _)| *fr == french) {
        return (*en).to_owned();
    }
    const PREFIXES: &[(&str, &str)] = &[
        ("le mot ", "the word "),
        ("l'étiquette ", "the tag "),
        ("le nombre ", "the number "),
    ];
    for (fr, en) in PREFIXES {
        if let Some(rest) = french.strip_prefix(fr) {
            return format!("{en}{}", english_quotes(rest));
        }
    }
    english_quotes(french).replace(" ou ", " or ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sieve::parser::parse;

    fn english_reason(script: &str) -> String {
        match parse(script) {
            Ok(_) => panic!("{script:?} should not parse"),
            Err(error) => reason_in(Lang::En, &error),
        }
    }

    #[test]
    fn english_reasons_name_the_same_facts() {
        assert_eq!(
            english_reason("if true {\n  fileinto \"x\"\n}"),
            "found “}” where “;” or “{” was expected"
        );
        assert_eq!(
            english_reason("foo bar;"),
            "“foo” does not take a test here (is a “;” missing before “bar”?)"
        );
        assert_eq!(
            english_reason("3 keep;"),
            "found the number 3 where a command was expected"
        );
        assert_eq!(
            english_reason(":x keep;"),
            "found the tag “:x” where a command was expected"
        );
        assert_eq!(
            english_reason("keep; }"),
            "found “}” where a command was expected"
        );
        assert_eq!(
            english_reason("elsif true { keep; }"),
            "“elsif” without an “if” just before"
        );
        assert_eq!(
            english_reason("if true { keep;"),
            "block opened on line 1 never closed with “}”"
        );
        assert_eq!(english_reason("redirect \"a"), "quoted text never closed");
        assert_eq!(english_reason("€"), "unexpected character “€”");
        let deep = format!("{}keep;{}", "if true {".repeat(100), "}".repeat(100));
        assert_eq!(
            english_reason(&deep),
            "nesting too deep (more than 64 levels of blocks or tests)"
        );
    }

    #[test]
    fn every_reason_is_free_of_french_quotes() {
        for script in [
            "if true {\n  fileinto \"x\"\n}",
            "keep; }",
            "if true { keep;",
            "/* x",
            "vacation text:\nabc",
            "keep :;",
            "if { keep; }",
            "if true, false { keep; }",
            "if header :is \"a\" \"b\" true { keep; }",
            "keep true;",
            "else { keep; }",
            "if true keep;",
            "redirect [\"a\" \"b\"];",
            "if anyof(true false) { keep; }",
            "size :over 99999999999999999999999G;",
        ] {
            let reason = english_reason(script);
            assert!(
                !reason.contains('«') && !reason.contains('»') && !reason.contains(" ou "),
                "{script:?}: {reason}"
            );
        }
    }
}
