//! The syntax tree of a Sieve script.
//!
//! It follows the generic grammar of RFC 5228 (a command is an identifier, arguments and an
//! optional block) so that extensions we do not know are still read and walked, with one
//! exception: `if`/`elsif`/`else` are grouped into a [`Conditional`], because the analysis needs
//! to know which earlier branches were *not* taken to say under which condition an action runs.
//! Every node keeps the line (and column) where it starts.

/// A whole script.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Script {
    pub statements: Vec<Statement>,
}

impl Script {
    /// Names of the extensions listed by the top-level `require` commands, lower-cased.
    pub fn required_extensions(&self) -> Vec<String> {
        let mut names = Vec::new();
        for statement in &self.statements {
            if let Statement::Command(command) = statement
                && command.name == "require"
            {
                for argument in &command.arguments {
                    if let Some(strings) = argument.strings() {
                        names.extend(strings.iter().map(|s| s.to_ascii_lowercase()));
                    }
                }
            }
        }
        names
    }
}

/// One element of a block: an `if` chain or any other command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Statement {
    Conditional(Conditional),
    Command(Command),
}

impl Statement {
    /// Line where the statement starts.
    pub fn line(&self) -> u32 {
        match self {
            Statement::Conditional(c) => c.branches.first().map_or(0, |b| b.line),
            Statement::Command(c) => c.line,
        }
    }
}

/// `if T1 {..} elsif T2 {..} else {..}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conditional {
    /// The `if` branch first, then each `elsif`; never empty.
    pub branches: Vec<Branch>,
    pub otherwise: Option<ElseBranch>,
    /// The Roundcube rule name (`# rule:[name]` on the line above), if any.
    pub rule: Option<String>,
}

/// An `if` or `elsif` branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Branch {
    pub line: u32,
    pub column: u32,
    pub test: Test,
    /// For a rule disabled the Roundcube way (`if false # <test>`): the test in the comment,
    /// i.e. the condition the rule has when switched back on.
    pub disabled: Option<Box<Test>>,
    pub body: Vec<Statement>,
}

/// The `else` branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElseBranch {
    pub line: u32,
    pub column: u32,
    pub body: Vec<Statement>,
}

/// Any command other than `if`/`elsif`/`else`: `redirect`, `fileinto`, `require`, `set`...
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// Lower-cased (Sieve identifiers are case-insensitive).
    pub name: String,
    pub line: u32,
    pub column: u32,
    pub arguments: Vec<Argument>,
    /// The block of commands such as `foreverypart`, if any.
    pub body: Option<Vec<Statement>>,
    /// The Roundcube rule name (`# rule:[name]` on the line above), if any.
    pub rule: Option<String>,
}

/// A test: `header :contains "subject" "facture"`, `anyof(...)`, `not exists "x"`...
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Test {
    /// Lower-cased.
    pub name: String,
    pub line: u32,
    pub column: u32,
    pub arguments: Vec<Argument>,
    /// Sub-tests: one for `not`, the list for `anyof`/`allof`.
    pub tests: Vec<Test>,
}

/// One argument and where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Argument {
    pub line: u32,
    pub column: u32,
    pub value: ArgumentValue,
}

/// The value of an argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArgumentValue {
    /// `:copy` (lower-cased, without the colon).
    Tag(String),
    Number(u64),
    String(String),
    StringList(Vec<String>),
}

impl Argument {
    /// The strings of a string or string-list argument.
    pub fn strings(&self) -> Option<&[String]> {
        match &self.value {
            ArgumentValue::String(s) => Some(std::slice::from_ref(s)),
            ArgumentValue::StringList(list) => Some(list),
            _ => None,
        }
    }

    /// The number of a number argument.
    pub fn number(&self) -> Option<u64> {
        match self.value {
            ArgumentValue::Number(n) => Some(n),
            _ => None,
        }
    }

    fn tag(&self) -> Option<&str> {
        match &self.value {
            ArgumentValue::Tag(t) => Some(t),
            _ => None,
        }
    }
}

/// Tags that take one value after them, across the extensions Vigie knows (RFC 5228, 5229,
/// 5230, 5231, 5232, 5235, 5260, 5435, 5703, 6131, 6134, 7352, 8579, 8580 and the Dovecot
/// `vnd.dovecot.*` ones). A tag missing here would make its value look like a positional
/// argument, so the target of an action would be misread.
const TAGS_WITH_VALUE: &[&str] = &[
    "addresses",
    "bymode",
    "by",
    "comparator",
    "content",
    "count",
    "days",
    "fcc",
    "flags",
    "from",
    "handle",
    "header",
    "importance",
    "index",
    "input",
    "mailboxid",
    "message",
    "method",
    "name",
    "notify",
    "options",
    "output",
    "param",
    "ret",
    "seconds",
    "specialuse",
    "subject",
    "uniqueid",
    "value",
    "zone",
];

/// The arguments of a command or test split into tags (with their value, if the tag takes one)
/// and positional arguments, in order.
#[derive(Debug, Clone, Default)]
pub struct ArgView<'a> {
    pub tags: Vec<(&'a str, Option<&'a Argument>)>,
    pub positional: Vec<&'a Argument>,
}

impl<'a> ArgView<'a> {
    /// Splits `arguments`.
    pub fn new(arguments: &'a [Argument]) -> Self {
        let mut view = ArgView::default();
        let mut iter = arguments.iter().peekable();
        while let Some(argument) = iter.next() {
            match argument.tag() {
                Some(tag) => {
                    let value = if TAGS_WITH_VALUE.contains(&tag) {
                        iter.next_if(|next| next.tag().is_none())
                    } else {
                        None
                    };
                    view.tags.push((tag, value));
                }
                None => view.positional.push(argument),
            }
        }
        view
    }

    /// Whether `tag` is present.
    pub fn has(&self, tag: &str) -> bool {
        self.tags.iter().any(|(t, _)| *t == tag)
    }

    /// The value of `tag`, if present with a value.
    pub fn value(&self, tag: &str) -> Option<&'a Argument> {
        self.tags
            .iter()
            .find(|(t, _)| *t == tag)
            .and_then(|(_, v)| *v)
    }

    /// The strings given as value of `tag`.
    pub fn strings(&self, tag: &str) -> Option<&'a [String]> {
        self.value(tag).and_then(Argument::strings)
    }

    /// The strings of the positional argument at `index`.
    pub fn positional_strings(&self, index: usize) -> Option<&'a [String]> {
        self.positional.get(index).and_then(|a| a.strings())
    }

    /// The match type (`is`, `contains`, `matches`, `regex`, `value`, `count`, `list`...), `is`
    /// by default as in RFC 5228.
    pub fn match_type(&self) -> &'a str {
        const MATCH_TYPES: &[&str] = &[
            "is", "contains", "matches", "regex", "value", "count", "list",
        ];
        self.tags
            .iter()
            .map(|(t, _)| *t)
            .find(|t| MATCH_TYPES.contains(t))
            .unwrap_or("is")
    }
}
