//! A shorter way through mail-parser for the commonest message: one `text/plain` part.
//!
//! mail-parser decodes a quoted-printable body byte by byte into a vector grown from 128
//! bytes, then a Latin-1 or Windows-1252 body character by character: on text-heavy mail
//! those two steps cost more than the detectors and the classifier together. For a message
//! whose top-level part is `text/plain` (or has no `Content-Type`), this module builds the
//! very [`Message`] that [`MessageParser::parse`] would: the headers are parsed by
//! mail-parser itself ([`MessageStream::parse_headers`], same parser, same configuration),
//! base64 and unencoded bodies go through mail-parser's own functions, and only two steps are
//! done here, faster and to the same result:
//!
//! - quoted-printable decoding ([`decode_quoted_printable`]): the same state machine as
//!   `MessageStream::decode_quoted_printable_mime` without a boundary, quirks included (a
//!   soft line break, `=` then blanks then a line break, trailing blanks dropped before a
//!   line break, `\r` bytes dropped and `\r\n` line ends once a `\r` was seen, invalid
//!   escapes kept as written), but copying plain stretches whole;
//! - the Windows-1252 decoding mail-parser uses for `iso-8859-1`, `windows-1252`,
//!   `us-ascii` and their aliases ([`decode_windows_1252`]): a table taken from
//!   mail-parser's decoder at start-up, ASCII stretches copied whole.
//!
//! Anything else (multipart, other media types, a body mail-parser would flag as badly
//! encoded) returns `None`, and the caller lets mail-parser parse the message. The tests
//! check both steps and whole walks against mail-parser.

use std::borrow::Cow;
use std::sync::LazyLock;

use mail_parser::decoders::charsets::map::charset_decoder;
use mail_parser::decoders::quoted_printable::HEX_MAP;
use mail_parser::parsers::MessageStream;
use mail_parser::{
    Encoding, GetHeader, HeaderName, HeaderValue, Message, MessageParser, MessagePart, PartType,
};

/// The message mail-parser would make of `raw`, when `raw` is a single `text/plain` part;
/// `None` otherwise (then parse it with [`MessageParser::parse`]).
pub(super) fn parse<'x>(parser: &MessageParser, raw: &'x [u8]) -> Option<Message<'x>> {
    let mut stream = MessageStream::new(raw);
    let mut headers = Vec::new();
    if !stream.parse_headers(parser, &mut headers) {
        return None;
    }
    let offset_body = stream.offset();
    let content_type = headers
        .header_value(&HeaderName::ContentType)
        .and_then(|c| c.as_content_type());
    // mail-parser reads a part without Content-Type at the top of a message as text/plain.
    if content_type.is_some_and(|ct| ct.ctype() != "text" || ct.subtype() != Some("plain")) {
        return None;
    }
    let body = raw.get(offset_body..)?;
    let (encoding, bytes): (Encoding, Cow<'_, [u8]>) =
        match headers.header_value(&HeaderName::ContentTransferEncoding) {
            Some(HeaderValue::Text(e)) if e.eq_ignore_ascii_case("base64") => {
                let (end, bytes) = stream.decode_base64_mime(b"");
                // An invalid base64 body goes through mail-parser's recovery.
                if end == usize::MAX {
                    return None;
                }
                (Encoding::Base64, bytes)
            }
            Some(HeaderValue::Text(e)) if e.eq_ignore_ascii_case("quoted-printable") => (
                Encoding::QuotedPrintable,
                Cow::Owned(decode_quoted_printable(body)?),
            ),
            // `MessageStream::mime_part` without a boundary: the rest of the message.
            _ => (Encoding::None, Cow::Borrowed(body)),
        };
    let inline = headers
        .header_value(&HeaderName::ContentDisposition)
        .is_none_or(|d| !d.as_content_type().is_some_and(|ct| ct.is_attachment()));
    let charset = content_type.and_then(|ct| ct.attribute("charset"));
    let text = decode_charset(bytes, charset);
    let mut message = Message {
        raw_message: Cow::Borrowed(raw),
        ..Message::default()
    };
    if inline {
        message.html_body.push(0);
        message.text_body.push(0);
    } else {
        message.attachments.push(0);
    }
    message.parts.push(MessagePart {
        headers,
        is_encoding_problem: false,
        body: PartType::Text(text),
        encoding,
        offset_header: 0,
        offset_body: offset_body as u32,
        offset_end: raw.len() as u32,
    });
    Some(message)
}

/// The text of a body in `charset`, as mail-parser decodes it.
fn decode_charset<'a>(bytes: Cow<'a, [u8]>, charset: Option<&str>) -> Cow<'a, str> {
    if let Some(label) = charset
        && let Some(table) = windows_1252_table(label)
    {
        return Cow::Owned(decode_windows_1252(table, &bytes));
    }
    match (bytes, charset.and_then(|c| charset_decoder(c.as_bytes()))) {
        (Cow::Owned(vec), Some(decoder)) => decoder(&vec).into(),
        (Cow::Owned(vec), None) => crate::utf8::string_lossy(vec).into(),
        (Cow::Borrowed(bytes), Some(decoder)) => decoder(bytes).into(),
        (Cow::Borrowed(bytes), None) => crate::utf8::lossy(bytes),
    }
}

/// Charset labels that mail-parser decodes as Windows-1252 (its `decoder_cp1252`).
const WINDOWS_1252_LABELS: &[&str] = &[
    "iso-8859-1",
    "iso8859-1",
    "iso88591",
    "latin1",
    "l1",
    "windows-1252",
    "cp1252",
    "x-cp1252",
    "us-ascii",
    "ascii",
    "ansi_x3.4-1968",
    "cp819",
];

/// UTF-8 encoding of the character of each byte: length, then bytes.
type ByteTable = [(u8, [u8; 3]); 256];

/// The Windows-1252 table, read from mail-parser's own decoder: each byte alone, since the
/// decoder maps every byte to one character whatever surrounds it. `None` if the decoder
/// ever stopped behaving so (then mail-parser's decoder is called instead).
static WINDOWS_1252: LazyLock<Option<ByteTable>> = LazyLock::new(|| {
    let decoder = charset_decoder(b"windows-1252")?;
    let mut table = [(0u8, [0u8; 3]); 256];
    for (b, slot) in table.iter_mut().enumerate() {
        let s = decoder(&[b as u8]);
        let mut chars = s.chars();
        let (Some(c), None) = (chars.next(), chars.next()) else {
            return None;
        };
        let mut utf8 = [0u8; 4];
        let encoded = c.encode_utf8(&mut utf8).as_bytes();
        let mut three = [0u8; 3];
        three.get_mut(..encoded.len())?.copy_from_slice(encoded);
        *slot = (encoded.len() as u8, three);
        // ASCII stretches are copied as they are: the table must agree.
        if b < 0x80 && encoded != [b as u8] {
            return None;
        }
    }
    Some(table)
});

/// The Windows-1252 table when mail-parser decodes `label` with it. Labels are compared as
/// mail-parser compares them: ASCII letters in lower case, `-` as `_`.
fn windows_1252_table(label: &str) -> Option<&'static ByteTable> {
    let norm = |b: &u8| match b {
        b'-' => b'_',
        b => b.to_ascii_lowercase(),
    };
    let known = WINDOWS_1252_LABELS.iter().any(|l| {
        l.len() == label.len()
            && l.bytes()
                .zip(label.bytes())
                .all(|(a, b)| norm(&a) == norm(&b))
    });
    if known { WINDOWS_1252.as_ref() } else { None }
}

/// Windows-1252 bytes to text: ASCII stretches copied whole, other bytes through the table.
fn decode_windows_1252(table: &ByteTable, bytes: &[u8]) -> String {
    let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 8);
    let mut rest = bytes;
    while !rest.is_empty() {
        let ascii = ascii_len(rest);
        let (run, tail) = rest.split_at(ascii);
        out.extend_from_slice(run);
        let Some((&b, tail)) = tail.split_first() else {
            break;
        };
        if let Some(&(len, utf8)) = table.get(usize::from(b)) {
            out.extend_from_slice(utf8.get(..usize::from(len)).unwrap_or(&[]));
        }
        rest = tail;
    }
    // Valid by construction (ASCII and whole characters).
    crate::utf8::string_lossy(out)
}

/// Length of the ASCII stretch at the start of `bytes`, 8 bytes at a time.
fn ascii_len(bytes: &[u8]) -> usize {
    let mut n = 0;
    for chunk in bytes.chunks_exact(8) {
        let w = u64::from_le_bytes(<[u8; 8]>::try_from(chunk).unwrap_or([0x80; 8]));
        if w & HIGHS != 0 {
            return n + ((w & HIGHS).trailing_zeros() / 8) as usize;
        }
        n += 8;
    }
    let rest = bytes.get(n..).unwrap_or(&[]);
    n + rest.iter().position(|&b| b >= 0x80).unwrap_or(rest.len())
}

/// The value of a hexadecimal digit, as mail-parser reads it.
fn hex(b: u8) -> Option<u8> {
    HEX_MAP
        .get(usize::from(b))
        .copied()
        .and_then(|v| u8::try_from(v).ok())
}

/// What mail-parser calls white space inside a quoted-printable line.
fn qp_blank(b: u8) -> bool {
    b.is_ascii_whitespace()
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// High bit set in each byte of `w` equal to `b` (exact: a borrow only runs past a byte
/// already flagged).
#[inline(always)]
fn bytes_equal(w: u64, b: u8) -> u64 {
    let x = w ^ (ONES * u64::from(b));
    x.wrapping_sub(ONES) & !x & HIGHS
}

/// Length of the stretch at the start of `input` without `=`, `\n` or `\r`, 8 bytes at a
/// time: quoted-printable French has an escape every dozen bytes, too often for `memchr3`'s
/// set-up to pay.
fn plain_len(input: &[u8]) -> usize {
    let mut n = 0;
    for chunk in input.chunks_exact(8) {
        let w = u64::from_le_bytes(<[u8; 8]>::try_from(chunk).unwrap_or([b'='; 8]));
        let special = bytes_equal(w, b'=') | bytes_equal(w, b'\n') | bytes_equal(w, b'\r');
        if special != 0 {
            return n + (special.trailing_zeros() / 8) as usize;
        }
        n += 8;
    }
    let rest = input.get(n..).unwrap_or(&[]);
    n + rest
        .iter()
        .position(|&b| matches!(b, b'=' | b'\n' | b'\r'))
        .unwrap_or(rest.len())
}

/// `MessageStream::decode_quoted_printable_mime` over a whole body without a boundary, to the
/// same bytes; `None` where mail-parser gives up on the body (a `=` in the middle of an
/// escape), for mail-parser to recover it its way.
pub(super) fn decode_quoted_printable(input: &[u8]) -> Option<Vec<u8>> {
    #[derive(Clone, Copy, PartialEq, Eq)]
    enum State {
        Plain,
        /// After `=`.
        Eq,
        /// After `=` and a first hex digit of this value.
        Hex1(u8),
    }
    let mut out = Vec::with_capacity(input.len());
    let mut state = State::Plain;
    // mail-parser drops, before a line break, the blanks copied since its last line break or
    // escape: those are the trailing blanks of `out[mark..]`.
    let mut mark = 0usize;
    let mut line_end: &[u8] = b"\n";
    let mut i = 0;
    while let Some(rest) = input.get(i..).filter(|r| !r.is_empty()) {
        if state == State::Plain {
            // Ordinary bytes up to the next `=`, `\n` or `\r`, copied whole.
            let run = plain_len(rest);
            if run > 0 {
                out.extend_from_slice(rest.get(..run).unwrap_or(&[]));
                i += run;
                continue;
            }
            // A whole escape (`=C3`), the usual case, decoded at once: what the three steps
            // of the state machine below would do.
            if let [b'=', high, low, ..] = rest
                && let (Some(high), Some(low)) = (hex(*high), hex(*low))
            {
                out.push((high << 4) | low);
                mark = out.len();
                i += 3;
                continue;
            }
        }
        let ch = rest.first().copied().unwrap_or(0);
        match ch {
            b'=' => {
                if state != State::Plain {
                    return None;
                }
                state = State::Eq;
            }
            b'\n' => {
                if state == State::Eq {
                    // Soft line break.
                    state = State::Plain;
                } else {
                    let copied = out.get(mark..).unwrap_or(&[]);
                    let blanks = copied.iter().rev().take_while(|&&b| qp_blank(b)).count();
                    out.truncate(out.len() - blanks);
                    out.extend_from_slice(line_end);
                }
                mark = out.len();
            }
            b'\r' => line_end = b"\r\n",
            _ => match state {
                State::Plain => out.push(ch),
                State::Eq => match hex(ch) {
                    Some(h) => state = State::Hex1(h),
                    None if qp_blank(ch) => {}
                    None => {
                        state = State::Plain;
                        out.extend_from_slice(&[b'=', ch]);
                        mark = out.len();
                    }
                },
                State::Hex1(high) => {
                    state = State::Plain;
                    match hex(ch) {
                        Some(low) => out.push((high << 4) | low),
                        None => {
                            // mail-parser writes back the byte read before this one.
                            let previous = i.checked_sub(1).and_then(|p| input.get(p));
                            out.extend_from_slice(&[b'=', previous.copied().unwrap_or(0), ch]);
                        }
                    }
                    mark = out.len();
                }
            },
        }
        i += 1;
    }
    Some(out)
}

#[cfg(test)]
// Tests fail by panicking.
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;

    /// mail-parser's own decoding of a body without boundary.
    fn mail_parser_qp(input: &[u8]) -> Option<Vec<u8>> {
        let mut stream = MessageStream::new(input);
        let (end, bytes) = stream.decode_quoted_printable_mime(b"");
        (end != usize::MAX).then(|| bytes.into_owned())
    }

    #[test]
    fn quoted_printable_examples() {
        for input in [
            &b"secr=E9tariat =C3=A9t=C3=A9 ouvert=\n le lundi  \n"[..],
            b"a=\r\nb  \r\nc\td =\n",
            b"=A\nB =Z =AZ =\r\nx= \t \ny",
            b"a==b",
            b"=A=",
            b"",
            b"\r\r\n\n",
            b"trailing =",
            b"=4",
        ] {
            assert_eq!(
                decode_quoted_printable(input),
                mail_parser_qp(input),
                "{:?}",
                String::from_utf8_lossy(input)
            );
        }
    }

    #[test]
    fn windows_1252_labels_are_mail_parser_s() {
        let all: Vec<u8> = (0..=255).collect();
        let reference = charset_decoder(b"windows-1252").unwrap()(&all);
        for label in WINDOWS_1252_LABELS {
            let decoder = charset_decoder(label.as_bytes()).unwrap();
            assert_eq!(decoder(&all), reference, "{label}");
            assert_eq!(
                decode_windows_1252(windows_1252_table(label).unwrap(), &all),
                reference
            );
        }
        assert!(windows_1252_table("utf-8").is_none());
        assert!(windows_1252_table("iso-8859-15").is_none());
        assert!(windows_1252_table("ISO-8859-1").is_some());
        assert!(windows_1252_table("ISO_8859-1").is_some());
    }

    proptest::proptest! {
        #[test]
        fn quoted_printable_as_mail_parser(input in proptest::collection::vec(proptest::sample::select(&[
            b'=', b'=', b'=', b'\n', b'\r', b' ', b'\t', 0x0C, b'A', b'f', b'3', b'9', b'G', b'z',
            b'-', 0xC3, 0xE9, 0x80, b'a',
        ][..]), 0..200)) {
            proptest::prop_assert_eq!(decode_quoted_printable(&input), mail_parser_qp(&input));
        }

        #[test]
        fn windows_1252_as_mail_parser(input in proptest::collection::vec(proptest::num::u8::ANY, 0..200)) {
            let decoder = charset_decoder(b"iso-8859-1").unwrap();
            proptest::prop_assert_eq!(
                decode_windows_1252(windows_1252_table("iso-8859-1").unwrap(), &input),
                decoder(&input)
            );
        }
    }
}
