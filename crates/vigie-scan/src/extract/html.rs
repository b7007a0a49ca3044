//! HTML to text, byte for byte the output of mail-parser's `html_to_text`, faster.
//!
//! Every HTML body and HTML attachment of a scanned message goes through this conversion. In a
//! profile of the mail scan, mail-parser 0.11.9's `html_to_text`, its `add_html_token` and the
//! UTF-8 validation it runs on every word took about 7.5 % of the whole scan: it walks the input
//! one byte at a time through a `match` over seven flags, copies each word separately after
//! checking, with `str::from_utf8`, that a slice of a `&str` is UTF-8, and looks every entity up
//! in a table of 2,125 names. Callgrind counts, per pass over the 378 HTML parts (692 KB) of a
//! generated mailbox (`vigie-corpus mailbox --count 1500 --seed 3`): 46.2 M instructions for
//! mail-parser, 11.8 M here (3.9 times fewer); 3.2 times fewer on the HTML parts of the
//! `mime_walk` fuzz corpus, 4.9 on the server's templates.
//!
//! The output must stay identical to mail-parser's, quirks included, because the scan's results
//! (found values, their byte ranges in the text, document classes) were tuned and checked on it
//! and must not move. The quirks kept on purpose, all tested against mail-parser itself in
//! `tests/html_text.rs`:
//!
//! - Quotes mean nothing inside a tag: the first `>` ends it, and a `<` inside a tag starts a
//!   new one.
//! - Only a tag with a single word is looked at: `<br>` and `</p>` give a line break, `<br
//!   class=x>` gives nothing; `<head>`, `<style>`, `<script>` and `<template>` hide what
//!   follows until their closing tag (a `/` before the name closes), but a `<br>` in there
//!   still gives its line break.
//! - A comment starts at `<!--` (or `</!--`, `< !--`) and ends at the first `>` preceded by
//!   exactly two dashes: `--->` does not end it.
//! - Runs of spaces, tabs and line ends become one space, none at the start of a line; but a
//!   word just before a tag gets its space even at the start of a line (`<br> a<b>` gives
//!   `"\n a"`), and does not end the line's start (`<br>a<b> c` gives `"\nac"`).
//! - Entities are `&name;` or `&#digits;` / `&#xhex;` (`u32::from_str_radix`, so a `+` sign
//!   passes): an unknown one is kept as written, a number that is not a character becomes
//!   U+FFFD. A `&` also cuts the word before it.
//!
//! How it is faster, with the same state machine:
//!
//! - Text is read a word at a time: the next byte that can end a word (space, tab, CR, LF,
//!   `&`, `;`, `<`, all below 0x3D) is found eight bytes at a time with a word-wide « some byte
//!   is below 0x3D » test; inside `<style>`, `<script>`... and after a tag's second word,
//!   `memchr` jumps to the next `<` or `>`.
//! - Words are not copied one by one: as long as the text is the input itself (words separated
//!   by one plain space, or joined), the pending output is just a range of the input, copied
//!   once when something else (an entity, a line break, a collapsed run of spaces) comes.
//! - No UTF-8 check: every cut is at an ASCII byte of a `&str`, so every range is a `&str`.
//! - Numeric entities are parsed here (the same `u32::from_str_radix`), the few dozen names
//!   French mail uses are a `match` (each checked against mail-parser by a unit test), and only
//!   the other names go through mail-parser's `add_html_token`, which holds the full table:
//!   there is no copy of it to drift.

// Input-reachable code must not panic: any indexing, unwrap or explicit panic is a build error.
#![deny(
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use mail_parser::decoders::html::add_html_token;
use memchr::{memchr, memchr2};

/// Converts HTML to text exactly as `mail_parser::decoders::html::html_to_text` does.
pub(crate) fn html_to_text(input: &str) -> String {
    let bytes = input.as_bytes();
    let mut out = Output::new(input);
    let mut state = TextState {
        after_space: false,
        new_line: true,
    };
    let mut hidden = Hidden::default();
    let mut pos = 0;
    loop {
        // Outside any tag, no word started: find the next `<`, writing the text before it
        // unless it is hidden.
        let open = if hidden.any() {
            match memchr(b'<', bytes.get(pos..).unwrap_or_default()) {
                Some(offset) => pos + offset,
                None => break,
            }
        } else {
            match text(bytes, pos, &mut out, &mut state) {
                Some(open) => open,
                None => break,
            }
        };
        match tag(bytes, open + 1) {
            Tag::Unfinished => break,
            Tag::Other { next } => pos = next,
            Tag::Word { next, name, close } => {
                pos = next;
                match name.len() {
                    1 | 2
                        if name.eq_ignore_ascii_case(b"br")
                            || (close && name.eq_ignore_ascii_case(b"p")) =>
                    {
                        out.newline();
                        state.after_space = false;
                        state.new_line = true;
                    }
                    4 if name.eq_ignore_ascii_case(b"head") => hidden.head = !close,
                    5 if name.eq_ignore_ascii_case(b"style") => hidden.style = !close,
                    6 if name.eq_ignore_ascii_case(b"script") => hidden.script = !close,
                    8 if name.eq_ignore_ascii_case(b"template") => hidden.template = !close,
                    _ => {}
                }
            }
        }
    }
    out.finish()
}

/// Whitespace between words, as mail-parser tracks it.
struct TextState {
    /// Whitespace came after the last word or line break written (tags do not reset it).
    after_space: bool,
    /// No word was written since the last line break or the start, words cut by a tag aside:
    /// whitespace here is dropped, except before a word cut by a tag.
    new_line: bool,
}

/// Open elements whose content is not text.
#[derive(Default)]
struct Hidden {
    head: bool,
    style: bool,
    script: bool,
    template: bool,
}

impl Hidden {
    fn any(&self) -> bool {
        self.head || self.style || self.script || self.template
    }
}

/// How a tag (the part after its `<`) ended.
enum Tag<'a> {
    /// The input ended inside the tag or inside a comment.
    Unfinished,
    /// A tag with no word or several words, or a comment: nothing to do; text starts at `next`.
    Other { next: usize },
    /// A tag with exactly one word, `name`, closing when a `/` came before it.
    Word {
        next: usize,
        name: &'a [u8],
        close: bool,
    },
}

fn is_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\r' | b'\n')
}

/// Reads a tag from `pos`, just after its `<`.
fn tag(bytes: &[u8], mut pos: usize) -> Tag<'_> {
    // A `<` inside a tag starts the tag again (mail-parser forgets what it had read).
    'restart: loop {
        let mut close = false;
        // Before the first word: `/` makes the tag a closing one, `!--` opens a comment.
        let start = loop {
            match bytes.get(pos) {
                None => return Tag::Unfinished,
                Some(b' ' | b'\t' | b'\r' | b'\n') => pos += 1,
                Some(b'/') => {
                    close = true;
                    pos += 1;
                }
                Some(b'>') => return Tag::Other { next: pos + 1 },
                Some(b'<') => {
                    pos += 1;
                    continue 'restart;
                }
                Some(b'!') if bytes.get(pos + 1..pos + 3) == Some(b"--") => {
                    return comment(bytes, pos + 1);
                }
                Some(_) => break pos,
            }
        };
        // The first word runs to whitespace, `>` or `<`; `/` inside it does not cut it, but
        // trailing ones are not part of it (`<br/>` is `br`, `<b/r>` is `b/r`).
        let mut end = start + 1;
        let after_word = loop {
            match bytes.get(end) {
                None => return Tag::Unfinished,
                Some(&byte) if is_space(byte) || byte == b'>' || byte == b'<' => break end,
                Some(_) => end += 1,
            }
        };
        while end > start && bytes.get(end - 1) == Some(&b'/') {
            end -= 1;
        }
        let name = bytes.get(start..end).unwrap_or_default();
        // After it: only whitespace and `/` may come before `>` for the tag to count.
        pos = after_word;
        loop {
            match bytes.get(pos) {
                None => return Tag::Unfinished,
                Some(b' ' | b'\t' | b'\r' | b'\n' | b'/') => pos += 1,
                Some(b'>') => {
                    return Tag::Word {
                        next: pos + 1,
                        name,
                        close,
                    };
                }
                Some(b'<') => {
                    pos += 1;
                    continue 'restart;
                }
                Some(_) => break,
            }
        }
        // A second word: the tag means nothing, only its end matters.
        match memchr2(b'<', b'>', bytes.get(pos..).unwrap_or_default()) {
            None => return Tag::Unfinished,
            Some(offset) => {
                pos += offset;
                if bytes.get(pos) == Some(&b'>') {
                    return Tag::Other { next: pos + 1 };
                }
                pos += 1;
            }
        }
    }
}

/// Skips a comment whose dashes start at `dashes` (just after `<!`). It ends at a `>` that
/// follows exactly two dashes, counted from `dashes` on (so `<!-->` is a whole comment).
fn comment(bytes: &[u8], dashes: usize) -> Tag<'static> {
    let mut pos = dashes + 2;
    while let Some(offset) = memchr(b'>', bytes.get(pos..).unwrap_or_default()) {
        let gt = pos + offset;
        let dash = |back: usize| {
            gt.checked_sub(back)
                .filter(|&p| p >= dashes)
                .and_then(|p| bytes.get(p))
                == Some(&b'-')
        };
        if dash(1) && dash(2) && !dash(3) {
            return Tag::Other { next: gt + 1 };
        }
        pos = gt + 1;
    }
    Tag::Unfinished
}

/// Writes the text from `pos` (outside any tag, no word started) up to the next `<`, whose
/// position it returns; `None` when the input ends first.
fn text(bytes: &[u8], mut pos: usize, out: &mut Output, state: &mut TextState) -> Option<usize> {
    loop {
        let &first = bytes.get(pos)?;
        if is_space(first) {
            state.after_space = true;
            pos += 1;
            continue;
        }
        if first == b'<' {
            return Some(pos);
        }
        // A word starts here; a `&` or `;` is an ordinary first byte.
        let start = pos;
        let end = word_end(bytes, pos + 1);
        let space = state.after_space && !state.new_line;
        match bytes.get(end) {
            None => {
                out.word(start, end, space);
                return None;
            }
            Some(b';') => {
                // The `;` ends the word and belongs to it: `&name;` is an entity.
                if first == b'&' {
                    out.entity(start, end + 1, space);
                } else {
                    out.word(start, end + 1, space);
                }
                state.after_space = false;
                state.new_line = false;
                pos = end + 1;
            }
            Some(b'&') => {
                // The `&` starts the next word.
                out.word(start, end, space);
                state.after_space = false;
                state.new_line = false;
                pos = end;
            }
            Some(b'<') => {
                // mail-parser's quirk: here the space is written even at the start of a line,
                // and the line stays « new ».
                out.word(start, end, state.after_space);
                state.after_space = false;
                return Some(end);
            }
            Some(_) => {
                out.word(start, end, space);
                state.after_space = true;
                state.new_line = false;
                pos = end + 1;
            }
        }
    }
}

/// Bytes that end a word in text: whitespace, `&`, `;` and `<`.
const WORD_ENDS: u64 =
    1 << b' ' | 1 << b'\t' | 1 << b'\r' | 1 << b'\n' | 1 << b'&' | 1 << b';' | 1 << b'<';

fn ends_word(byte: u8) -> bool {
    byte < 64 && WORD_ENDS >> byte & 1 != 0
}

/// The position of the first byte from `pos` on that ends a word, or the input's length.
///
/// All such bytes are below 0x3D, and words are mostly letters (0x41 and up, or non-ASCII):
/// eight bytes are tested at once with « some byte is below 0x3D » (the classic
/// `(w - 0x3D…) & !w & 0x80…`, exact for the lowest flagged byte, which is the one used);
/// a flagged byte that is not a word end (a digit, a comma) is stepped over.
fn word_end(bytes: &[u8], mut pos: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    while let Some(chunk) = bytes.get(pos..).and_then(<[u8]>::first_chunk::<8>) {
        let word = u64::from_le_bytes(*chunk);
        let low = word.wrapping_sub(ONES * 0x3D) & !word & HIGHS;
        if low == 0 {
            pos += 8;
            continue;
        }
        let candidate = pos + (low.trailing_zeros() / 8) as usize;
        if bytes.get(candidate).is_some_and(|&b| ends_word(b)) {
            return candidate;
        }
        pos = candidate + 1;
    }
    while let Some(&byte) = bytes.get(pos) {
        if ends_word(byte) {
            return pos;
        }
        pos += 1;
    }
    bytes.len()
}

/// The text being written: `text`, then the input range `pending` not copied yet.
///
/// Most words are written exactly as they stand in the input, with the single space before
/// them; while that holds, writing a word only moves the end of `pending`.
struct Output<'a> {
    input: &'a str,
    text: String,
    pending_start: usize,
    pending_end: usize,
}

impl<'a> Output<'a> {
    fn new(input: &'a str) -> Self {
        Output {
            input,
            // As mail-parser does (and shrunk at the end), so that memory use does not change.
            text: String::with_capacity(input.len()),
            pending_start: 0,
            pending_end: 0,
        }
    }

    fn flush(&mut self) {
        if self.pending_start < self.pending_end {
            // Always a `&str`: the range ends are at ASCII bytes or the input's ends.
            if let Some(range) = self.input.get(self.pending_start..self.pending_end) {
                self.text.push_str(range);
            }
        }
        self.pending_start = self.pending_end;
    }

    /// Writes the input's `start..end`, after one space if `space`.
    // Called once per word: as a call it cost an eighth of the conversion.
    #[inline(always)]
    fn word(&mut self, start: usize, end: usize, space: bool) {
        if space {
            let before = start.checked_sub(1);
            if let Some(before) = before.filter(|&p| self.input.as_bytes().get(p) == Some(&b' ')) {
                // The space is in the input, just before the word: write both from the input.
                if self.pending_end != before {
                    self.flush();
                    self.pending_start = before;
                }
                self.pending_end = end;
                return;
            }
            self.flush();
            self.text.push(' ');
        } else if self.pending_end == start {
            self.pending_end = end;
            return;
        } else {
            self.flush();
        }
        self.pending_start = start;
        self.pending_end = end;
    }

    /// Writes the input's `start..end`, which is `&…;`, decoded, after one space if `space`.
    fn entity(&mut self, start: usize, end: usize, space: bool) {
        let name = self
            .input
            .get(start + 1..end.saturating_sub(1))
            .unwrap_or_default();
        let decoded = match name.strip_prefix('#') {
            // The same parse as mail-parser's.
            Some(number) => {
                let (digits, radix) = match number.strip_prefix(['x', 'X']) {
                    Some(hex) => (hex, 16),
                    None => (number, 10),
                };
                match u32::from_str_radix(digits, radix) {
                    Ok(code) => char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER),
                    Err(_) => return self.word(start, end, space),
                }
            }
            None => match common_entity(name.as_bytes()) {
                Some(decoded) => decoded,
                None => {
                    // Rarer names, and unknown ones (kept as written), are mail-parser's.
                    self.flush();
                    let token = self.input.as_bytes().get(start..end).unwrap_or_default();
                    add_html_token(&mut self.text, token, space);
                    return;
                }
            },
        };
        self.flush();
        if space {
            self.text.push(' ');
        }
        self.text.push(decoded);
    }

    fn newline(&mut self) {
        self.flush();
        self.text.push('\n');
    }

    fn finish(mut self) -> String {
        self.flush();
        self.text.shrink_to_fit();
        self.text
    }
}

/// Defines `common_entity`, a lookup of the entities most used in French mail (a `match`, which
/// the compiler turns into a switch on the length and a few integer compares), so that they do
/// not go through mail-parser's general lookup: on the generated mailbox, that lookup was a
/// fifth of the conversion. The unit test checks every one against mail-parser's table.
macro_rules! common_entities {
    ($($name:literal => $decoded:literal,)*) => {
        fn common_entity(name: &[u8]) -> Option<char> {
            match name {
                $($name => Some($decoded),)*
                _ => None,
            }
        }

        #[cfg(test)]
        const COMMON_ENTITIES: &[(&[u8], char)] = &[$(($name, $decoded),)*];
    };
}

common_entities! {
    b"nbsp" => '\u{a0}',
    b"amp" => '&',
    b"lt" => '<',
    b"gt" => '>',
    b"quot" => '"',
    b"apos" => '\'',
    b"eacute" => 'é',
    b"egrave" => 'è',
    b"ecirc" => 'ê',
    b"euml" => 'ë',
    b"agrave" => 'à',
    b"acirc" => 'â',
    b"auml" => 'ä',
    b"ccedil" => 'ç',
    b"icirc" => 'î',
    b"iuml" => 'ï',
    b"ocirc" => 'ô',
    b"ouml" => 'ö',
    b"ugrave" => 'ù',
    b"ucirc" => 'û',
    b"uuml" => 'ü',
    b"Eacute" => 'É',
    b"Egrave" => 'È',
    b"Ecirc" => 'Ê',
    b"Agrave" => 'À',
    b"Acirc" => 'Â',
    b"Ccedil" => 'Ç',
    b"oelig" => 'œ',
    b"OElig" => 'Œ',
    b"aelig" => 'æ',
    b"deg" => '°',
    b"euro" => '€',
    b"laquo" => '«',
    b"raquo" => '»',
    b"lsquo" => '\u{2018}',
    b"rsquo" => '\u{2019}',
    b"ldquo" => '\u{201c}',
    b"rdquo" => '\u{201d}',
    b"sbquo" => '\u{201a}',
    b"bdquo" => '\u{201e}',
    b"ndash" => '\u{2013}',
    b"mdash" => '\u{2014}',
    b"hellip" => '\u{2026}',
    b"middot" => '·',
    b"bull" => '\u{2022}',
    b"copy" => '©',
    b"reg" => '®',
    b"trade" => '\u{2122}',
    b"shy" => '\u{ad}',
    b"times" => '×',
    b"sect" => '§',
    b"para" => '¶',
    b"thinsp" => '\u{2009}',
    b"ensp" => '\u{2002}',
    b"emsp" => '\u{2003}',
    b"zwnj" => '\u{200c}',
    b"zwj" => '\u{200d}',
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_entities_are_mail_parsers() {
        for &(name, decoded) in COMMON_ENTITIES {
            let mut token = b"&".to_vec();
            token.extend_from_slice(name);
            token.push(b';');
            let mut text = String::new();
            add_html_token(&mut text, &token, false);
            assert_eq!(
                text,
                decoded.to_string(),
                "&{};",
                String::from_utf8_lossy(name)
            );
        }
    }

    #[test]
    fn word_end_finds_the_first_word_end() {
        let samples = [
            "",
            "a",
            "abcdefgh",
            "abcdefghi",
            "0123456789,.-'()",
            "\u{e9}t\u{e9} \u{a0}x",
            "abcdefg;",
            "abcdefgh&",
            "ab<cdefghijkl",
            "abcdefghijklmn\topq",
            "12:34\r\n",
            "\u{1F600}\u{1F600}\u{1F600} ",
            "========;",
            "=<",
            "\x3d\x3c",
        ];
        for sample in samples {
            let bytes = sample.as_bytes();
            for from in 0..=bytes.len() {
                let naive = (from..bytes.len())
                    .find(|&p| bytes.get(p).is_some_and(|&b| ends_word(b)))
                    .unwrap_or(bytes.len());
                assert_eq!(word_end(bytes, from), naive, "{sample:?} from {from}");
            }
        }
    }
}
