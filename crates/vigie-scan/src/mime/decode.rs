//! Our decoders for the steps of mail-parser's parse that cost the most on text-heavy mail:
//! quoted-printable and base64 bodies, Windows-1252 (Latin-1) text.
//!
//! mail-parser decodes a quoted-printable body byte by byte into a vector grown from 128 bytes
//! (`MessageStream::decode_quoted_printable_mime`), then a Latin-1 or Windows-1252 body
//! character by character (`decoder_cp1252`), then validates UTF-8 with the standard library.
//! On the 10 MB benchmark corpus (callgrind, `scan_messages /tmp/vb/c10 1`), mail-parser's
//! quoted-printable decoding of the parts of multipart messages alone was 57 M instructions of
//! 445 M for the whole scan, more than the detectors; ours decodes the same parts in 9 M. The
//! port of mail-parser's parser ([`super::parser`]) calls these instead, to the same result:
//!
//! - [`decode_quoted_printable_mime`]: the part up to the next `--boundary` found at once
//!   (`memmem`), decoded by [`decode_quoted_printable`] (the same state machine as
//!   mail-parser's, quirks included, copying plain stretches whole), then mail-parser's rules
//!   for the line end before the boundary;
//! - [`decode_base64_mime`]: mail-parser's base64 state machine, whole groups of four digits
//!   at once;
//! - [`decode_charset`]: the Windows-1252 decoding mail-parser uses for `iso-8859-1`,
//!   `windows-1252`, `us-ascii` and their aliases through a table taken from mail-parser's
//!   own decoder at start-up (ASCII stretches copied whole), other charsets through
//!   mail-parser's decoders, UTF-8 validated by `simdutf8` ([`crate::utf8`]);
//! - [`mime_part`]: an unencoded part, up to the first `--boundary` found at once, or to the
//!   end of the message.
//!
//! The tests check every function against mail-parser's, property tests included.

use std::borrow::Cow;
use std::sync::LazyLock;

use mail_parser::decoders::base64::BASE64_MAP;
use mail_parser::decoders::charsets::map::charset_decoder;
use mail_parser::decoders::quoted_printable::HEX_MAP;
use mail_parser::parsers::MessageStream;

/// Where the part starts and the bytes from there, with mail-parser's checkpoint set there:
/// its decoders set it at the start and restore it when they give up, and the same calls
/// leave the stream in the same state.
fn checkpoint<'x>(stream: &mut MessageStream<'x>) -> (usize, &'x [u8]) {
    let start = stream.offset();
    let rest = stream.bytes(start..stream.len());
    stream.checkpoint();
    (start, rest)
}

/// `--boundary`, what ends a part.
fn dashed(boundary: &[u8]) -> Vec<u8> {
    [&b"--"[..], boundary].concat()
}

/// `MessageStream::decode_quoted_printable_mime(boundary)` to the same result: the decoded
/// bytes, the offset where the part ends, the stream left just after the boundary (or at the
/// end of the data without a boundary); `usize::MAX` where mail-parser gives up (no boundary
/// found, or a `=` inside an escape), with the stream back where it was.
///
/// mail-parser's quirks are kept: `--boundary` ends the part wherever it is, not only at the
/// start of a line; when it follows a line break, the decoded line end and the first `-` are
/// dropped (as many bytes as the line end `\r\n` or `\n` that the body uses, whatever was
/// written before the dash, nothing when there are too few bytes); otherwise only the first
/// `-` is dropped and the part ends at it.
pub(super) fn decode_quoted_printable_mime<'x>(
    stream: &mut MessageStream<'x>,
    boundary: &[u8],
) -> (usize, Cow<'x, [u8]>) {
    let (start, rest) = checkpoint(stream);
    if boundary.is_empty() {
        // The rest of the message, and the stream at its end (mail-parser's stream ends one
        // step past it, which `offset()` reports as the end all the same).
        return match decode_quoted_printable(rest) {
            Some(out) => {
                stream.seek_end();
                (stream.offset(), Cow::Owned(out))
            }
            None => give_up(stream, Vec::new()),
        };
    }
    let needle = dashed(boundary);
    // mail-parser checks for the boundary at every `-` that follows a `-`: the first match is
    // the first `--boundary` in the rest of the part.
    let Some((dash, stretch)) =
        memchr::memmem::find(rest, &needle).and_then(|dash| Some((dash, rest.get(..=dash)?)))
    else {
        // mail-parser decodes to the end before giving up, and returns what it decoded.
        return give_up(stream, decode_quoted_printable(rest).unwrap_or_default());
    };
    // The stretch includes the first `-`, which mail-parser decodes as a plain byte before it
    // sees the second one.
    let Some(mut out) = decode_quoted_printable(stretch) else {
        return give_up(stream, Vec::new());
    };
    // mail-parser's line end becomes `\r\n` at the first `\r` it meets.
    let line_end_len = if memchr::memchr(b'\r', stretch).is_some() {
        2
    } else {
        1
    };
    // The byte before the first `-`, 0 at the start of the part (mail-parser's initial value).
    let byte_before = |back: usize| {
        dash.checked_sub(back)
            .and_then(|i| stretch.get(i))
            .copied()
            .unwrap_or(0)
    };
    let end = if byte_before(1) == b'\n' {
        // mail-parser subtracts without checking: in a release build a subtraction below zero
        // wraps to a length the vector does not reach, and nothing is dropped.
        if let Some(len) = out.len().checked_sub(line_end_len + 1) {
            out.truncate(len);
        }
        // The part ends before the line break (`\r\n` or `\n`) that precedes the boundary.
        if byte_before(2) == b'\r' {
            start + dash - 2
        } else {
            start + dash - 1
        }
    } else {
        out.pop();
        start + dash
    };
    stream.skip_bytes(dash + needle.len());
    (end, Cow::Owned(out))
}

/// `MessageStream::decode_base64_mime(boundary)` to the same result: mail-parser's state
/// machine (its own tables, its quirks: a lone `-` is skipped, `--` not followed by the
/// boundary gives up, `=` flushes a partial group), with whole groups of four characters
/// decoded at once between line ends, where mail-parser goes a byte at a time through its
/// stream iterator; and the output is not shrunk to fit (a reallocation and a copy).
pub(super) fn decode_base64_mime<'x>(
    stream: &mut MessageStream<'x>,
    boundary: &[u8],
) -> (usize, Cow<'x, [u8]>) {
    /// mail-parser's mark for a byte that is not a base64 digit in its tables.
    const INVALID: u32 = 0x01ff_ffff;
    let map = |position: usize, b: u8| -> u32 {
        BASE64_MAP
            .get(position)
            .and_then(|table| table.get(usize::from(b)))
            .copied()
            .unwrap_or(INVALID)
    };
    let (start, data) = checkpoint(stream);
    let mut chunk: u32 = 0;
    let mut byte_count: u8 = 0;
    let mut buf = Vec::with_capacity(data.len() / 4 * 3);
    let mut last_ch = b'\n';
    let mut before_last_ch = 0u8;
    let mut end_pos = start;
    let mut i = 0;
    loop {
        if byte_count == 0 {
            // Whole groups: what four steps of the machine below do with four digits.
            while let Some(&[a, b, c, d]) = data
                .get(i..i + 4)
                .and_then(|g| <&[u8; 4]>::try_from(g).ok())
            {
                let value = map(0, a) | map(1, b) | map(2, c) | map(3, d);
                // Valid values stay below 2^24; the mark has bit 24 set.
                if value >= INVALID {
                    break;
                }
                buf.extend_from_slice(&value.to_le_bytes()[..3]);
                before_last_ch = c;
                last_ch = d;
                i += 4;
            }
        }
        let Some(&ch) = data.get(i) else {
            break;
        };
        i += 1;
        // mail-parser's `self.offset()` after reading `ch`.
        let offset = start + i;
        let value = map(usize::from(byte_count), ch);
        if value < INVALID {
            byte_count = (byte_count + 1) & 3;
            if byte_count == 1 {
                chunk = value;
            } else {
                chunk |= value;
                if byte_count == 0 {
                    buf.extend_from_slice(&chunk.to_le_bytes()[..3]);
                }
            }
        } else {
            match ch {
                b'=' => match byte_count {
                    1 | 2 => {
                        buf.push(chunk.to_le_bytes()[0]);
                        byte_count = 0;
                    }
                    3 => {
                        buf.extend_from_slice(&chunk.to_le_bytes()[..2]);
                        byte_count = 0;
                    }
                    _ => {}
                },
                b'\n' => {
                    end_pos = if last_ch == b'\r' {
                        offset - 2
                    } else {
                        offset - 1
                    }
                }
                b' ' | b'\t' | b'\r' => {}
                b'-' => {
                    if last_ch == b'-' {
                        let rest = data.get(i..).unwrap_or(&[]);
                        return if !boundary.is_empty() && rest.starts_with(boundary) {
                            stream.skip_bytes(i + boundary.len());
                            let end = if before_last_ch == b'\n' {
                                end_pos
                            } else {
                                offset - 2
                            };
                            (end, Cow::Owned(buf))
                        } else {
                            give_up(stream, Vec::new())
                        };
                    }
                }
                _ => return give_up(stream, Vec::new()),
            }
        }
        before_last_ch = last_ch;
        last_ch = ch;
    }
    if boundary.is_empty() {
        stream.seek_end();
        (stream.offset(), Cow::Owned(buf))
    } else {
        give_up(stream, buf)
    }
}

/// `MessageStream::mime_part(boundary)` (a part without transfer encoding) to the same result.
/// Without a boundary (a message of one part) it is the rest of the message as it is, which
/// mail-parser walks to byte by byte; with a boundary, see [`mime_part_to_boundary`].
pub(super) fn mime_part<'x>(
    stream: &mut MessageStream<'x>,
    boundary: &[u8],
) -> (usize, Cow<'x, [u8]>) {
    if !boundary.is_empty() {
        return mime_part_to_boundary(stream, boundary);
    }
    // The same checkpoint as mail-parser's, and the stream at the end (as in
    // `decode_quoted_printable_mime`).
    let (_, rest) = checkpoint(stream);
    stream.seek_end();
    (stream.offset(), Cow::Borrowed(rest))
}

/// `MessageStream::mime_part(boundary)` with a boundary: mail-parser checks, at every `-`
/// that follows a `-`, whether the boundary comes next, so the part ends at the first
/// `--boundary`, found here at once (`memmem`). The part ends before the line break that
/// precedes it (`\r\n` or `\n`), or at the dashes when no line break does.
fn mime_part_to_boundary<'x>(
    stream: &mut MessageStream<'x>,
    boundary: &[u8],
) -> (usize, Cow<'x, [u8]>) {
    let (start, rest) = checkpoint(stream);
    let needle = dashed(boundary);
    let Some(dash) = memchr::memmem::find(rest, &needle) else {
        stream.restore();
        return (usize::MAX, Cow::Borrowed(rest));
    };
    let byte = |i: usize| rest.get(i).copied();
    // mail-parser's end: the last line break before the dashes when it is just before them
    // (the start of the part when the dashes begin it), else the dashes.
    let end = match dash.checked_sub(1) {
        None => 0,
        Some(newline) if byte(newline) == Some(b'\n') => match newline.checked_sub(1) {
            Some(cr) if byte(cr) == Some(b'\r') => cr,
            _ => newline,
        },
        Some(_) => dash,
    };
    stream.skip_bytes(dash + needle.len());
    (
        start + end,
        Cow::Borrowed(rest.get(..end).unwrap_or_default()),
    )
}

/// mail-parser's answer when it gives up on a part: the stream restored, `usize::MAX`.
fn give_up<'x>(stream: &mut MessageStream<'x>, decoded: Vec<u8>) -> (usize, Cow<'x, [u8]>) {
    stream.restore();
    let bytes = if decoded.is_empty() {
        Cow::Borrowed(&b""[..])
    } else {
        Cow::Owned(decoded)
    };
    (usize::MAX, bytes)
}

/// The text of a body in `charset`, as mail-parser decodes it.
pub(super) fn decode_charset<'a>(bytes: Cow<'a, [u8]>, charset: Option<&str>) -> Cow<'a, str> {
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
    "csisolatin1",
    "cswindows1252",
    "ibm819",
    "iso_8859_1:1987",
    "iso-ir-100",
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

/// Windows-1252 bytes to text: ASCII stretches copied 8 bytes at a time, other bytes through
/// the table.
fn decode_windows_1252(table: &ByteTable, bytes: &[u8]) -> String {
    let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 8);
    let mut i = 0;
    while let Some(rest) = bytes.get(i..).filter(|r| !r.is_empty()) {
        i += copy_until(&mut out, rest, |w| w & HIGHS);
        // The byte the 8-byte copy stopped at, or one of the last 7: through the table (which
        // maps ASCII to itself, as its construction checks).
        let Some(&b) = bytes.get(i) else {
            break;
        };
        if let Some(&(len, utf8)) = table.get(usize::from(b)) {
            // All three bytes, then the ones past the character taken back: a copy of a
            // known length is two stores, one of 1 to 3 bytes was a `memcpy` call.
            out.extend_from_slice(&utf8);
            out.truncate(out.len() - (3 - usize::from(len).min(3)));
        }
        i += 1;
    }
    // Valid by construction (ASCII and whole characters).
    crate::utf8::string_lossy(out)
}

/// Appends the bytes of `input` to `out` up to the first byte that `special` flags (it gets 8
/// bytes as a little-endian word and returns the high bit of each byte to stop at), 8 at a
/// time, and returns how many it appended. It also stops less than 8 bytes before the end of
/// `input`: the caller takes the rest one byte at a time.
///
/// Each step appends all 8 bytes (one store, as the length is known) and takes back the ones
/// past a stop: `extend_from_slice` with the length of each stretch called `memcpy` for every
/// stretch, and French text has an accent (an escape, a non-ASCII byte) every dozen bytes.
#[inline(always)]
fn copy_until(out: &mut Vec<u8>, input: &[u8], special: impl Fn(u64) -> u64) -> usize {
    let mut copied = 0;
    while let Some(chunk) = input
        .get(copied..copied + 8)
        .and_then(|c| <[u8; 8]>::try_from(c).ok())
    {
        out.extend_from_slice(&chunk);
        let stop = special(u64::from_le_bytes(chunk));
        if stop != 0 {
            let n = (stop.trailing_zeros() / 8) as usize;
            out.truncate(out.len() - (8 - n));
            return copied + n;
        }
        copied += 8;
    }
    copied
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

/// The bytes of `w` where a quoted-printable body stops being copied as it is: `=`, `\n`,
/// `\r`, and the other control bytes below `\r` (tab, form feed...: rare in text, and the
/// state machine copies them as they are), which one comparison finds with the line ends.
/// Exact for the first byte flagged, which is the only one used.
#[inline(always)]
fn qp_special(w: u64) -> u64 {
    bytes_equal(w, b'=') | bytes_below(w, b'\r' + 1)
}

/// High bit set in the first byte of `w` below `n` (at most 128); bytes after it may be
/// flagged wrongly (a borrow), those before it never are.
#[inline(always)]
fn bytes_below(w: u64, n: u8) -> u64 {
    w.wrapping_sub(ONES * u64::from(n)) & !w & HIGHS
}

/// `MessageStream::decode_quoted_printable_mime` over a whole body without a boundary, to the
/// same bytes; `None` where mail-parser gives up on the body (a `=` in the middle of an
/// escape).
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
            // Ordinary bytes up to the next `=`, `\n` or `\r` (see `qp_special`), 8 at a time;
            // the byte there (or one of the last 7 bytes) goes through the state machine.
            i += copy_until(&mut out, rest, qp_special);
            // Whole escapes (`=C3=A9`), the usual case, decoded at once: what the three steps
            // of the state machine below would do for each.
            let escapes_from = i;
            while let Some(&[b'=', high, low]) = input.get(i..i + 3)
                && let (Some(high), Some(low)) = (hex(high), hex(low))
            {
                out.push((high << 4) | low);
                i += 3;
            }
            if i > escapes_from {
                mark = out.len();
                continue;
            }
        }
        // `i` may have moved in the plain stretch above.
        let Some(&ch) = input.get(i) else {
            break;
        };
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

        /// Mostly plain stretches, long enough for the 8-byte copies, with an escape, a line
        /// break or a blank now and then.
        #[test]
        fn quoted_printable_long_runs_as_mail_parser(pieces in proptest::collection::vec(
            proptest::prop_oneof![
                4 => "[a-z0-9 .,']{1,30}",
                1 => proptest::strategy::Strategy::prop_map(
                    proptest::sample::select(vec!["=C3=A9", "=\n", "=\r\n", "\n", "\r\n", "  \n", "=E9", "=", "=4", "\t"]),
                    str::to_owned,
                ),
            ],
            0..40,
        )) {
            let input = pieces.concat().into_bytes();
            proptest::prop_assert_eq!(decode_quoted_printable(&input), mail_parser_qp(&input));
        }

        #[test]
        fn windows_1252_long_ascii_as_mail_parser(pieces in proptest::collection::vec(
            proptest::prop_oneof![
                4 => proptest::collection::vec(0u8..0x80, 1..30),
                1 => proptest::collection::vec(0x80u8..=0xFF, 1..3),
            ],
            0..30,
        )) {
            let input = pieces.concat();
            let decoder = charset_decoder(b"iso-8859-1").unwrap();
            proptest::prop_assert_eq!(
                decode_windows_1252(windows_1252_table("iso-8859-1").unwrap(), &input),
                decoder(&input)
            );
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

    /// What a `MessageStream` call left behind: the offset, and the checkpoint (where
    /// `restore` goes back to).
    fn stream_state(mut stream: MessageStream<'_>) -> (usize, usize) {
        let offset = stream.offset();
        stream.restore();
        (offset, stream.offset())
    }

    type QpResult = ((usize, Vec<u8>), (usize, usize));

    /// mail-parser's `DecodeFnc`.
    type DecodeFn<'x> = fn(&mut MessageStream<'x>, &[u8]) -> (usize, Cow<'x, [u8]>);

    /// Decodes `data` from `start` with `decode`, and reports the result and the stream state.
    fn run_qp<'x>(data: &'x [u8], start: usize, boundary: &[u8], decode: DecodeFn<'x>) -> QpResult {
        let mut stream = MessageStream::new(data);
        stream.skip_bytes(start);
        let (end, bytes) = decode(&mut stream, boundary);
        ((end, bytes.into_owned()), stream_state(stream))
    }

    /// mail-parser's result, or `None` where it panics: it subtracts without checking before a
    /// boundary that follows a soft line break at the start of a part (`=\n--XX`), which
    /// overflows in a debug build (and wraps in a release build, which the port follows).
    fn mail_parser_qp_mime(data: &[u8], start: usize, boundary: &[u8]) -> Option<QpResult> {
        crate::extract::quiet_catch_unwind(|| {
            run_qp(
                data,
                start,
                boundary,
                MessageStream::decode_quoted_printable_mime,
            )
        })
        .ok()
    }

    fn ours_qp_mime(data: &[u8], start: usize, boundary: &[u8]) -> QpResult {
        run_qp(data, start, boundary, decode_quoted_printable_mime)
    }

    #[test]
    fn quoted_printable_mime_examples() {
        let cases: &[(&[u8], usize, &[u8])] = &[
            (b"caf=C3=A9\r\n--XX\r\nnext", 0, b"XX"),
            (b"caf=C3=A9\n--XX--\n", 0, b"XX"),
            (b"hdr\n\ncaf=E9 \n--XX", 5, b"XX"),
            // `--XX` in the middle of a line still ends the part.
            (b"ab--XXcd", 0, b"XX"),
            (b"ab---XX", 0, b"XX"),
            (b"--XX", 0, b"XX"),
            (b"-", 0, b"XX"),
            (b"\r\n--XX", 0, b"XX"),
            (b"\n--XX", 0, b"XX"),
            (b"abc=\n--XX", 0, b"XX"),
            (b"a=4\n--XX", 0, b"XX"),
            (b"a=\n\r--XX", 0, b"XX"),
            (b"a =-\n--XX", 0, b"XX"),
            (b"trailing  \r\n--XX", 0, b"XX"),
            // No boundary: mail-parser gives up, stream restored.
            (b"no boundary =E9\n", 0, b"XX"),
            (b"--X", 0, b"XX"),
            // A `=` inside an escape: mail-parser gives up.
            (b"a==b\n--XX", 0, b"XX"),
            (b"a\n--XX\n==", 0, b"XX"),
            // A boundary that starts with `-`.
            (b"----abc", 0, b"-abc"),
            (b"x---abc", 1, b"-abc"),
            // No boundary at all: the rest of the data.
            (b"a=E9\r\n--XX", 0, b""),
            (b"a==", 0, b""),
            (b"", 0, b""),
            (b"", 0, b"XX"),
            (b"abc", 3, b"XX"),
        ];
        for &(data, start, boundary) in cases {
            assert_eq!(
                Some(ours_qp_mime(data, start, boundary)),
                mail_parser_qp_mime(data, start, boundary),
                "{:?} from {start} to {:?}",
                String::from_utf8_lossy(data),
                String::from_utf8_lossy(boundary),
            );
        }
    }

    /// Where mail-parser's subtraction overflows (see [`mail_parser_qp_mime`]), the port does
    /// what mail-parser's release build does: drops nothing.
    #[test]
    fn quoted_printable_mime_overflow_drops_nothing() {
        assert_eq!(
            ours_qp_mime(b"=\n--XX", 0, b"XX"),
            ((1, b"-".to_vec()), (6, 0))
        );
        assert_eq!(
            ours_qp_mime(b"a=\r\n--XX", 0, b"XX"),
            ((2, b"a-".to_vec()), (8, 0))
        );
        if !cfg!(debug_assertions) {
            for data in [&b"=\n--XX"[..], b"a=\r\n--XX"] {
                assert_eq!(
                    mail_parser_qp_mime(data, 0, b"XX"),
                    Some(ours_qp_mime(data, 0, b"XX"))
                );
            }
        }
    }

    /// Bodies made of what the decoder cares about: boundaries and pieces of them, escapes,
    /// blanks, line ends, dashes.
    const QP_PIECES: &[&[u8]] = &[
        b"--XX",
        b"--XX--",
        b"--X",
        b"-",
        b"--",
        b"---",
        b"X",
        b"XX",
        b"=",
        b"=\r\n",
        b"=\n",
        b"=E9",
        b"=C3=A9",
        b"=3D",
        b"=4",
        b"=Z",
        b"A",
        b"f",
        b"3",
        b" ",
        b"\t",
        b"\x0c",
        b"\r",
        b"\n",
        b"\r\n",
        b"a",
        b"\xe9",
        b"\xc3\xa9",
        b"abc def",
    ];

    #[test]
    fn mime_part_examples_as_mail_parser() {
        let without: &[u8] = b"";
        for (data, start, boundary) in [
            (&b""[..], 0, without),
            (b"a", 0, without),
            (b"a", 1, without),
            (b"hdr\r\n\r\nbody\r\n--X", 5, without),
            (b"body\r\n--XX\r\nnext", 0, b"XX"),
            (b"body\n--XX--\n", 0, b"XX"),
            (b"body--XX", 0, b"XX"),
            (b"--XX", 0, b"XX"),
            (b"\n--XX", 0, b"XX"),
            (b"\r\n--XX", 0, b"XX"),
            (b"hdr\r\n\r\n--XX", 5, b"XX"),
            (b"a---XX", 0, b"XX"),
            (b"a\r--XX", 0, b"XX"),
            (b"no boundary\r\n--X", 0, b"XX"),
            (b"", 0, b"XX"),
        ] {
            assert_eq!(
                run_qp(data, start, boundary, mime_part),
                run_qp(data, start, boundary, MessageStream::mime_part),
                "{:?}",
                String::from_utf8_lossy(data)
            );
        }
    }

    const QP_BOUNDARIES: &[&[u8]] = &[b"XX", b"X", b"-X", b"X-", b"", b"XX--"];

    /// Pieces of base64 parts: whole and partial groups, padding, line ends, blanks, dashes,
    /// boundaries and bytes that make mail-parser give up.
    const BASE64_PIECES: &[&[u8]] = &[
        b"QUJD",
        b"w6lj",
        b"SGVsbG8gd29ybGQh",
        b"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo+/",
        b"QQ",
        b"QUI",
        b"Q",
        b"=",
        b"==",
        b"\r\n",
        b"\n",
        b" ",
        b"\t",
        b"\r",
        b"-",
        b"--",
        b"--XX",
        b"\n--XX",
        b"\r\n--XX--",
        b"X",
        b"!",
        b"\xC3",
    ];

    fn base64_mime_both(data: &[u8], start: usize, boundary: &[u8]) -> (QpResult, QpResult) {
        (
            run_qp(data, start, boundary, decode_base64_mime),
            run_qp(data, start, boundary, MessageStream::decode_base64_mime),
        )
    }

    #[test]
    fn base64_mime_examples() {
        for (data, start, boundary) in [
            (&b"SGVsbG8gd29y\r\nbGQh\r\n--XX--\r\n"[..], 0, &b"XX"[..]),
            (b"preamble\nSGVsbG8=\n--XX\n", 9, b"XX"),
            (b"QUJD\nQQ==\n", 0, b""),
            (b"QUJD\nQQ==\n", 0, b"XX"),
            (b"QUJD--YY", 0, b"XX"),
            (b"QU-JD", 0, b""),
            (b"QUJD!", 0, b""),
            (b"Q=UJD--XX", 0, b"XX"),
            (b"", 0, b""),
            (b"", 0, b"XX"),
        ] {
            let (ours, reference) = base64_mime_both(data, start, boundary);
            assert_eq!(ours, reference, "{:?}", String::from_utf8_lossy(data));
        }
    }

    /// Between `len` pieces taken from `set`.
    fn pieces(
        set: &'static [&'static [u8]],
        len: std::ops::Range<usize>,
    ) -> impl proptest::strategy::Strategy<Value = Vec<&'static [u8]>> {
        proptest::collection::vec(proptest::sample::select(set), len)
    }

    /// The pieces of `prefix` then of `body`, and where the body starts.
    fn joined(prefix: &[&[u8]], body: &[&[u8]]) -> (Vec<u8>, usize) {
        let mut data = prefix.concat();
        let start = data.len();
        data.extend_from_slice(&body.concat());
        (data, start)
    }

    proptest::proptest! {
        #[test]
        fn quoted_printable_mime_as_mail_parser(
            prefix in pieces(QP_PIECES, 0..3),
            body in pieces(QP_PIECES, 0..40),
            boundary in proptest::sample::select(QP_BOUNDARIES),
        ) {
            let (data, start) = joined(&prefix, &body);
            let reference = mail_parser_qp_mime(&data, start, boundary);
            // Debug builds only: mail-parser overflows, the release build wraps (tested above).
            proptest::prop_assume!(reference.is_some());
            proptest::prop_assert_eq!(Some(ours_qp_mime(&data, start, boundary)), reference);
        }

        #[test]
        fn base64_mime_as_mail_parser(
            prefix in pieces(BASE64_PIECES, 0..3),
            body in pieces(BASE64_PIECES, 0..40),
            boundary in proptest::sample::select(QP_BOUNDARIES),
        ) {
            let (data, start) = joined(&prefix, &body);
            let (ours, reference) = base64_mime_both(&data, start, boundary);
            proptest::prop_assert_eq!(ours, reference);
        }

        /// Long runs of digits and line ends (the pieces above give up early), then any end.
        #[test]
        fn base64_mime_long_runs_as_mail_parser(
            body in pieces(&BASE64_PIECES[..14], 0..60),
            end in pieces(BASE64_PIECES, 0..3),
            boundary in proptest::sample::select(QP_BOUNDARIES),
        ) {
            let data = [body.concat(), end.concat()].concat();
            let (ours, reference) = base64_mime_both(&data, 0, boundary);
            proptest::prop_assert_eq!(ours, reference);
        }

        #[test]
        fn mime_part_as_mail_parser(
            prefix in pieces(QP_PIECES, 0..3),
            body in pieces(QP_PIECES, 0..40),
            boundary in proptest::sample::select(QP_BOUNDARIES),
        ) {
            let (data, start) = joined(&prefix, &body);
            proptest::prop_assert_eq!(
                run_qp(&data, start, boundary, mime_part),
                run_qp(&data, start, boundary, MessageStream::mime_part)
            );
        }
    }
}
