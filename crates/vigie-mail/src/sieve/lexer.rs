//! Tokeniser for the Sieve language (RFC 5228 §8.1).
//!
//! It turns the script into a flat list of tokens, each with the line and column where it
//! starts, so that the parser never has to look at raw text. Comments are not tokens, but the
//! `#` comments are kept aside: Roundcube writes the name of each rule as `# rule:[name]` on the
//! line above it, and naming the rule helps the person find it in the webmail.
//!
//! The tokeniser works on bytes: every structural character of Sieve is ASCII, so slicing the
//! text at those characters always falls on UTF-8 boundaries. Columns count characters, not
//! bytes, because they are shown to people.

use super::error::{ParseError, ParseErrorKind};

/// What a token is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenKind {
    /// `if`, `redirect`, `header`... (kept as written; the parser lower-cases it).
    Identifier(String),
    /// `:copy`, `:contains`... (the name without the colon).
    Tag(String),
    /// A number, with its `K`/`M`/`G` quantifier already applied.
    Number(u64),
    /// A quoted string or a `text:` multi-line string, escapes and dot-stuffing removed.
    String(String),
    LeftBracket,
    RightBracket,
    LeftParen,
    RightParen,
    LeftBrace,
    RightBrace,
    Semicolon,
    Comma,
    /// End of the script.
    Eof,
}

impl TokenKind {
    /// French description used in « ... inattendu » parse errors.
    pub fn describe_fr(&self) -> String {
        match self {
            TokenKind::Identifier(name) => format!("le mot « {name} »"),
            TokenKind::Tag(name) => format!("l'étiquette « :{name} »"),
            TokenKind::Number(n) => format!("le nombre {n}"),
            TokenKind::String(_) => "une chaîne de caractères".to_owned(),
            TokenKind::LeftBracket => "« [ »".to_owned(),
            TokenKind::RightBracket => "« ] »".to_owned(),
            TokenKind::LeftParen => "« ( »".to_owned(),
            TokenKind::RightParen => "« ) »".to_owned(),
            TokenKind::LeftBrace => "« { »".to_owned(),
            TokenKind::RightBrace => "« } »".to_owned(),
            TokenKind::Semicolon => "« ; »".to_owned(),
            TokenKind::Comma => "« , »".to_owned(),
            TokenKind::Eof => "la fin du script".to_owned(),
        }
    }
}

/// One token and where it starts (1-based line and column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub line: u32,
    pub column: u32,
}

/// A `#` comment: its line and its text after the `#`, trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    pub line: u32,
    pub text: String,
}

/// The result of tokenising a whole script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lexed {
    /// Always ends with one [`TokenKind::Eof`].
    pub tokens: Vec<Token>,
    pub comments: Vec<Comment>,
}

/// Tokenises `text`. The caller checks the size limit first.
pub fn tokenize(text: &str) -> Result<Lexed, ParseError> {
    let mut lexer = Lexer {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        line: 1,
        column: 1,
        tokens: Vec::new(),
        comments: Vec::new(),
    };
    lexer.run()?;
    let (line, column) = (lexer.line, lexer.column);
    lexer.tokens.push(Token {
        kind: TokenKind::Eof,
        line,
        column,
    });
    Ok(Lexed {
        tokens: lexer.tokens,
        comments: lexer.comments,
    })
}

struct Lexer<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    line: u32,
    column: u32,
    tokens: Vec<Token>,
    comments: Vec<Comment>,
}

impl Lexer<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<u8> {
        self.bytes.get(self.pos + offset).copied()
    }

    /// Moves past one byte, keeping line and column up to date. The column only moves on the
    /// first byte of a UTF-8 sequence so that it counts characters.
    fn bump(&mut self) -> Option<u8> {
        let byte = self.peek()?;
        self.pos += 1;
        if byte == b'\n' {
            self.line = self.line.saturating_add(1);
            self.column = 1;
        } else if byte & 0xC0 != 0x80 {
            self.column = self.column.saturating_add(1);
        }
        Some(byte)
    }

    fn error(&self, line: u32, column: u32, kind: ParseErrorKind) -> ParseError {
        ParseError::new(line, column, kind)
    }

    fn push(&mut self, kind: TokenKind, line: u32, column: u32) {
        self.tokens.push(Token { kind, line, column });
    }

    fn run(&mut self) -> Result<(), ParseError> {
        while let Some(byte) = self.peek() {
            let (line, column) = (self.line, self.column);
            match byte {
                b' ' | b'\t' | b'\r' | b'\n' => {
                    self.bump();
                }
                b'#' => self.hash_comment(),
                b'/' if self.peek_at(1) == Some(b'*') => self.bracket_comment()?,
                b'"' => {
                    let value = self.quoted_string()?;
                    self.push(TokenKind::String(value), line, column);
                }
                b'[' | b']' | b'(' | b')' | b'{' | b'}' | b';' | b',' => {
                    self.bump();
                    let kind = match byte {
                        b'[' => TokenKind::LeftBracket,
                        b']' => TokenKind::RightBracket,
                        b'(' => TokenKind::LeftParen,
                        b')' => TokenKind::RightParen,
                        b'{' => TokenKind::LeftBrace,
                        b'}' => TokenKind::RightBrace,
                        b';' => TokenKind::Semicolon,
                        _ => TokenKind::Comma,
                    };
                    self.push(kind, line, column);
                }
                b':' => {
                    self.bump();
                    if !self.peek().is_some_and(is_identifier_start) {
                        return Err(self.error(line, column, ParseErrorKind::EmptyTag));
                    }
                    let name = self.identifier();
                    self.push(TokenKind::Tag(name), line, column);
                }
                b'0'..=b'9' => {
                    let value = self.number(line, column)?;
                    self.push(TokenKind::Number(value), line, column);
                }
                b if is_identifier_start(b) => {
                    let name = self.identifier();
                    if name.eq_ignore_ascii_case("text") && self.multiline_starts_here() {
                        let value = self.multiline(line, column)?;
                        self.push(TokenKind::String(value), line, column);
                    } else {
                        self.push(TokenKind::Identifier(name), line, column);
                    }
                }
                _ => {
                    let found = self.text[self.pos..].chars().next().unwrap_or('\u{FFFD}');
                    return Err(self.error(line, column, ParseErrorKind::UnexpectedChar(found)));
                }
            }
        }
        Ok(())
    }

    fn identifier(&mut self) -> String {
        let start = self.pos;
        while self.peek().is_some_and(is_identifier_char) {
            self.bump();
        }
        self.text[start..self.pos].to_owned()
    }

    fn number(&mut self, line: u32, column: u32) -> Result<u64, ParseError> {
        let mut value: u64 = 0;
        while let Some(digit @ b'0'..=b'9') = self.peek() {
            self.bump();
            value = value
                .checked_mul(10)
                .and_then(|v| v.checked_add(u64::from(digit - b'0')))
                .ok_or_else(|| self.error(line, column, ParseErrorKind::NumberTooLarge))?;
        }
        let factor: u64 = match self.peek() {
            Some(b'K' | b'k') => 1 << 10,
            Some(b'M' | b'm') => 1 << 20,
            Some(b'G' | b'g') => 1 << 30,
            _ => 1,
        };
        if factor != 1 {
            self.bump();
            value = value
                .checked_mul(factor)
                .ok_or_else(|| self.error(line, column, ParseErrorKind::NumberTooLarge))?;
        }
        Ok(value)
    }

    fn hash_comment(&mut self) {
        let line = self.line;
        self.bump();
        let start = self.pos;
        while self.peek().is_some_and(|b| b != b'\n') {
            self.bump();
        }
        let text = self.text[start..self.pos].trim().to_owned();
        self.comments.push(Comment { line, text });
    }

    fn bracket_comment(&mut self) -> Result<(), ParseError> {
        let (line, column) = (self.line, self.column);
        self.bump();
        self.bump();
        loop {
            match self.bump() {
                None => return Err(self.error(line, column, ParseErrorKind::UnterminatedComment)),
                Some(b'*') if self.peek() == Some(b'/') => {
                    self.bump();
                    return Ok(());
                }
                Some(_) => {}
            }
        }
    }

    /// RFC 5228 §2.4.2: `\"` and `\\` are the escapes; any other backslash is dropped and the
    /// character after it kept as is.
    fn quoted_string(&mut self) -> Result<String, ParseError> {
        let (line, column) = (self.line, self.column);
        self.bump();
        let mut value = String::new();
        let mut segment_start = self.pos;
        loop {
            match self.peek() {
                None => return Err(self.error(line, column, ParseErrorKind::UnterminatedString)),
                Some(b'"') => {
                    value.push_str(&self.text[segment_start..self.pos]);
                    self.bump();
                    return Ok(value);
                }
                Some(b'\\') => {
                    value.push_str(&self.text[segment_start..self.pos]);
                    self.bump();
                    // The escaped character, whole (it may be multi-byte), is kept literally.
                    let escaped_start = self.pos;
                    match self.text[self.pos..].chars().next() {
                        None => {
                            return Err(self.error(
                                line,
                                column,
                                ParseErrorKind::UnterminatedString,
                            ));
                        }
                        Some(c) => {
                            for _ in 0..c.len_utf8() {
                                self.bump();
                            }
                            value.push_str(&self.text[escaped_start..self.pos]);
                        }
                    }
                    segment_start = self.pos;
                }
                Some(_) => {
                    self.bump();
                }
            }
        }
    }

    /// After the identifier `text`: is this the start of a multi-line string? That is a colon,
    /// then only spaces or tabs, then a `#` comment or the end of the line.
    fn multiline_starts_here(&self) -> bool {
        if self.peek() != Some(b':') {
            return false;
        }
        let mut offset = 1;
        while matches!(self.peek_at(offset), Some(b' ' | b'\t')) {
            offset += 1;
        }
        match self.peek_at(offset) {
            Some(b'#' | b'\n') => true,
            Some(b'\r') => self.peek_at(offset + 1) == Some(b'\n'),
            _ => false,
        }
    }

    /// Reads a `text:` string up to its terminating line `.`. A line that starts with `..`
    /// loses its first dot (dot-stuffing, as in SMTP). Lines are joined with `\n`.
    fn multiline(&mut self, line: u32, column: u32) -> Result<String, ParseError> {
        // Skip the colon, the blanks and the optional comment, then the end of that line.
        while self.peek().is_some_and(|b| b != b'\n') {
            self.bump();
        }
        self.bump();
        let mut value = String::new();
        loop {
            if self.peek().is_none() {
                return Err(self.error(line, column, ParseErrorKind::UnterminatedMultiline));
            }
            let start = self.pos;
            while self.peek().is_some_and(|b| b != b'\n') {
                self.bump();
            }
            let raw = &self.text[start..self.pos];
            let content = raw.strip_suffix('\r').unwrap_or(raw);
            self.bump();
            if content.trim_end_matches([' ', '\t']) == "." {
                return Ok(value);
            }
            let content = if content.starts_with("..") {
                &content[1..]
            } else {
                content
            };
            value.push_str(content);
            value.push('\n');
        }
    }
}

fn is_identifier_start(byte: u8) -> bool {
    byte.is_ascii_alphabetic() || byte == b'_'
}

fn is_identifier_char(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<TokenKind> {
        match tokenize(text) {
            Ok(lexed) => lexed.tokens.into_iter().map(|t| t.kind).collect(),
            Err(e) => panic!("tokenize failed: {e}"),
        }
    }

    fn string(s: &str) -> TokenKind {
        TokenKind::String(s.to_owned())
    }

    fn ident(s: &str) -> TokenKind {
        TokenKind::Identifier(s.to_owned())
    }

    #[test]
    fn punctuation_identifiers_tags() {
        assert_eq!(
            kinds(r#"if header :contains ["a", "b"] { stop; }"#),
            vec![
                ident("if"),
                ident("header"),
                TokenKind::Tag("contains".into()),
                TokenKind::LeftBracket,
                string("a"),
                TokenKind::Comma,
                string("b"),
                TokenKind::RightBracket,
                TokenKind::LeftBrace,
                ident("stop"),
                TokenKind::Semicolon,
                TokenKind::RightBrace,
                TokenKind::Eof,
            ]
        );
        assert_eq!(
            kinds("anyof(not true)"),
            vec![
                ident("anyof"),
                TokenKind::LeftParen,
                ident("not"),
                ident("true"),
                TokenKind::RightParen,
                TokenKind::Eof
            ]
        );
    }

    #[test]
    fn numbers_and_quantifiers() {
        assert_eq!(
            kinds("0 7 10K 1M 2G 3k"),
            vec![
                TokenKind::Number(0),
                TokenKind::Number(7),
                TokenKind::Number(10 * 1024),
                TokenKind::Number(1024 * 1024),
                TokenKind::Number(2 * 1024 * 1024 * 1024),
                TokenKind::Number(3 * 1024),
                TokenKind::Eof
            ]
        );
        let err = tokenize("size :over 99999999999999999999999;").unwrap_err();
        assert_eq!(err.kind, ParseErrorKind::NumberTooLarge);
        assert_eq!((err.line, err.column), (1, 12));
        let err = tokenize("size :over 99999999999G;").unwrap_err();
        assert_eq!(err.kind, ParseErrorKind::NumberTooLarge);
    }

    #[test]
    fn quoted_string_escapes() {
        assert_eq!(
            kinds(
                r#""a\"b" "c\\d" "\e\é" "multi
line""#
            ),
            vec![
                string("a\"b"),
                string("c\\d"),
                string("eé"),
                string("multi\nline"),
                TokenKind::Eof
            ]
        );
        // An escaped backslash followed by the closing quote ends the string.
        assert_eq!(kinds(r#""\\""#), vec![string("\\"), TokenKind::Eof]);
    }

    #[test]
    fn unterminated_string_reports_its_start() {
        let err = tokenize("keep;\n  fileinto \"Trash;\n").unwrap_err();
        assert_eq!(err.kind, ParseErrorKind::UnterminatedString);
        assert_eq!((err.line, err.column), (2, 12));
        let err = tokenize("\"abc\\").unwrap_err();
        assert_eq!(err.kind, ParseErrorKind::UnterminatedString);
    }

    #[test]
    fn multiline_strings_with_dot_stuffing_and_comment() {
        let text = "vacation text: # la réponse\r\nBonjour,\r\n..signature\r\n.\r\n;";
        assert_eq!(
            kinds(text),
            vec![
                ident("vacation"),
                string("Bonjour,\n.signature\n"),
                TokenKind::Semicolon,
                TokenKind::Eof
            ]
        );
        // LF line ends, a final "." without newline, an empty body.
        assert_eq!(
            kinds("text:\nA\nB\n."),
            vec![string("A\nB\n"), TokenKind::Eof]
        );
        assert_eq!(kinds("TEXT:  \n.\n"), vec![string(""), TokenKind::Eof]);
        // "text" followed by a tag on the same line is an identifier and a tag.
        assert_eq!(
            kinds("text :x"),
            vec![ident("text"), TokenKind::Tag("x".into()), TokenKind::Eof]
        );
        let err = tokenize("vacation text:\nHello\n").unwrap_err();
        assert_eq!(err.kind, ParseErrorKind::UnterminatedMultiline);
        assert_eq!((err.line, err.column), (1, 10));
    }

    #[test]
    fn comments_are_skipped_and_hash_comments_kept() {
        let lexed = tokenize("# rule:[forward]\r\n/* a\n * b */ keep; # done").unwrap();
        let kinds: Vec<_> = lexed.tokens.iter().map(|t| t.kind.clone()).collect();
        assert_eq!(
            kinds,
            vec![ident("keep"), TokenKind::Semicolon, TokenKind::Eof]
        );
        assert_eq!(lexed.tokens[0].line, 3);
        assert_eq!(lexed.tokens[0].column, 9);
        assert_eq!(
            lexed.comments,
            vec![
                Comment {
                    line: 1,
                    text: "rule:[forward]".into()
                },
                Comment {
                    line: 3,
                    text: "done".into()
                }
            ]
        );
        let err = tokenize("keep; /* never closed").unwrap_err();
        assert_eq!(err.kind, ParseErrorKind::UnterminatedComment);
        assert_eq!((err.line, err.column), (1, 7));
    }

    #[test]
    fn lines_and_columns_count_characters() {
        let lexed = tokenize("\"é\" x\r\n  y").unwrap();
        assert_eq!((lexed.tokens[1].line, lexed.tokens[1].column), (1, 5));
        assert_eq!((lexed.tokens[2].line, lexed.tokens[2].column), (2, 3));
    }

    #[test]
    fn unexpected_characters() {
        let err = tokenize("keep;\n  €").unwrap_err();
        assert_eq!(err.kind, ParseErrorKind::UnexpectedChar('€'));
        assert_eq!((err.line, err.column), (2, 3));
        let err = tokenize("a / b").unwrap_err();
        assert_eq!(err.kind, ParseErrorKind::UnexpectedChar('/'));
        let err = tokenize("redirect : copy").unwrap_err();
        assert_eq!(err.kind, ParseErrorKind::EmptyTag);
    }
}
