//! Byte-level scanning primitives shared by every detector.
//!
//! The engine never runs a regular expression over the whole text. It jumps from one *trigger*
//! byte to the next (an ASCII digit, `:` or `=`), 32 bytes at a time, and only then looks at
//! the few bytes around it. Identifiers are read as *runs*: alphanumeric *groups* joined by the
//! separators people put inside numbers (a space, a non-breaking space, a dot, a dash, a single
//! line break, a table gap). Every detector works on those runs, so all of them accept the same
//! layouts and agree on what a word boundary is.
//!
//! Everything here reads bytes through [`at`], which answers 0 past either end: no input can
//! make these functions index out of bounds.

/// Longest alphanumeric group that can belong to an identifier (an IBAN is at most 34
/// characters). Longer tokens (hashes, base64, long references) are skipped whole.
pub(crate) const MAX_GROUP_LEN: usize = 34;
/// Most characters a run keeps: more than any identifier, so that a value followed by other
/// digit groups is still seen whole.
pub(crate) const MAX_RUN_CHARS: usize = 64;
/// Size of [`Run`]'s character buffer: a power of two above `MAX_RUN_CHARS + MAX_GROUP_LEN`.
const RUN_BUF: usize = 128;
const _: () = assert!(RUN_BUF.is_power_of_two() && RUN_BUF > MAX_RUN_CHARS + MAX_GROUP_LEN);
/// Most groups a run keeps.
pub(crate) const MAX_RUN_GROUPS: usize = 24;
/// Longest separator between two groups, in bytes (table gaps included).
const MAX_JOINT: usize = 32;

const DIGIT: u8 = 1;
const UPPER: u8 = 2;
/// `LOWER << 3` is 0x20, the bit that makes an ASCII letter lower case.
const LOWER: u8 = 4;
const _: () = assert!(LOWER << 3 == 0x20);
const ALNUM: u8 = DIGIT | UPPER | LOWER;

/// ASCII class of every byte. Non-ASCII bytes are never alphanumeric here: identifiers are
/// ASCII, and treating `é` as a boundary is what makes « n°123 » or « Tél06… » split right.
static CLASS: [u8; 256] = build_class();

// Evaluated at compile time: an out-of-range index would fail the build, not a scan.
#[allow(clippy::indexing_slicing)]
const fn build_class() -> [u8; 256] {
    let mut t = [0u8; 256];
    let mut i = 0u8;
    loop {
        let c = if i.is_ascii_digit() {
            DIGIT
        } else if i.is_ascii_uppercase() {
            UPPER
        } else if i.is_ascii_lowercase() {
            LOWER
        } else {
            0
        };
        t[i as usize] = c;
        if i == u8::MAX {
            break;
        }
        i += 1;
    }
    t
}

#[inline(always)]
fn class(b: u8) -> u8 {
    // A u8 always indexes a 256-entry table; `get` keeps the no-indexing rule and compiles to
    // a plain load.
    CLASS.get(usize::from(b)).copied().unwrap_or(0)
}

/// The byte at `i`, or 0 past the end.
#[inline(always)]
pub(crate) fn at(bytes: &[u8], i: usize) -> u8 {
    bytes.get(i).copied().unwrap_or(0)
}

/// The byte before `i`, or 0 at the start.
#[inline(always)]
pub(crate) fn before(bytes: &[u8], i: usize) -> u8 {
    match i.checked_sub(1) {
        Some(p) => at(bytes, p),
        None => 0,
    }
}

#[inline(always)]
pub(crate) fn is_alnum(b: u8) -> bool {
    class(b) & ALNUM != 0
}

#[inline(always)]
pub(crate) fn is_digit(b: u8) -> bool {
    class(b) == DIGIT
}

#[inline(always)]
pub(crate) fn is_letter(b: u8) -> bool {
    class(b) & (UPPER | LOWER) != 0
}

/// Bytes that make the main loop stop: digits start identifiers, `:` and `=` end the label of
/// a password. `'0'..=':'` is one contiguous range.
#[inline(always)]
fn is_trigger(b: u8) -> bool {
    (b.wrapping_sub(b'0') < 11) | (b == b'=')
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// High bit set in each byte of `w` whose value is in `0x30..=0x3F` (digits and `:;<=>?`),
/// and in no other byte: the byte's high nibble is 3 exactly when `(b ^ 0x30) & 0xF0` is zero,
/// and the classic zero-byte test is exact here because the masked bytes are multiples of
/// 0x10 (a borrow cannot raise a false flag).
#[inline(always)]
fn nibble3_bytes(w: u64) -> u64 {
    let t = (w ^ (0x30 * ONES)) & (0xF0 * ONES);
    t.wrapping_sub(ONES) & !t & HIGHS
}

/// Whether a byte of `chunk` is in `0x30..=0x3F`, as [`nibble3_bytes`] would find.
///
/// Why a fold over a fixed-size array: the compiler turns it into a few vector instructions
/// (two compares and a mask on x86-64), about three times fewer than [`nibble3_bytes`] on four
/// words; most chunks of prose hold no candidate and are skipped on this test alone.
#[inline(always)]
fn any_nibble3(chunk: &[u8; 32]) -> bool {
    chunk.iter().fold(false, |any, &b| any | (b & 0xF0 == 0x30))
}

/// The four little-endian words of a chunk (byte 0 in the low bits of the first).
#[inline(always)]
fn chunk_words(chunk: &[u8; 32]) -> [u64; 4] {
    let mut w = [0u64; 4];
    for (w, bytes) in w.iter_mut().zip(chunk.chunks_exact(8)) {
        if let Ok(b) = <[u8; 8]>::try_from(bytes) {
            *w = u64::from_le_bytes(b);
        }
    }
    w
}

/// Position of the next trigger byte at or after `from` (a fresh [`Triggers`]).
#[cfg(test)]
pub(crate) fn next_trigger(bytes: &[u8], from: usize) -> Option<usize> {
    Triggers::default().next(bytes, from)
}

/// The search for the next trigger byte, for a scan that moves forward.
///
/// Why chunks and words: French prose is mostly letters and blanks; one test per 32-byte chunk
/// ([`any_nibble3`], a few vector instructions) skips it at several GB/s without `unsafe` or
/// target-specific code. In a chunk that holds candidates (bytes in `0x30..=0x3F`), each
/// 8-byte word gives their positions with five integer operations ([`nibble3_bytes`]), and
/// they are then checked exactly (`;`, `<`, `>` and `?` are not triggers).
///
/// Why a state: it keeps the candidates of the last word it read, so that the next call,
/// usually a few bytes further in text dense with digits and `=` (headers,
/// quoted-printable, tables), does not read those bytes again.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Triggers {
    /// Start of the word whose candidates are in `mask` (none when `end` is 0).
    base: usize,
    /// End of that word.
    end: usize,
    /// High bit of each byte of that word that may be a trigger.
    mask: u64,
}

impl Triggers {
    /// The next trigger at or after `from`; calls must not go backwards.
    pub fn next(&mut self, bytes: &[u8], from: usize) -> Option<usize> {
        let mut i = from;
        if from >= self.base && from < self.end {
            let mut mask = self.mask & (u64::MAX << ((from - self.base) * 8));
            while mask != 0 {
                let k = self.base + (mask.trailing_zeros() / 8) as usize;
                if is_trigger(at(bytes, k)) {
                    self.mask = mask;
                    return Some(k);
                }
                mask &= mask - 1;
            }
            i = self.base + 8;
        }
        while let Some(chunk) = bytes.get(i..).and_then(<[u8]>::first_chunk::<32>) {
            if !any_nibble3(chunk) {
                i += 32;
                continue;
            }
            for (n, mask) in chunk_words(chunk)
                .map(nibble3_bytes)
                .into_iter()
                .enumerate()
            {
                let mut mask = mask;
                while mask != 0 {
                    let k = i + n * 8 + (mask.trailing_zeros() / 8) as usize;
                    if is_trigger(at(bytes, k)) {
                        self.base = i + n * 8;
                        self.end = self.base + 8;
                        self.mask = mask;
                        return Some(k);
                    }
                    mask &= mask - 1;
                }
            }
            i += 32;
        }
        self.end = 0;
        bytes
            .get(i..)?
            .iter()
            .position(|&b| is_trigger(b))
            .map(|k| i + k)
    }
}

/// End of the alphanumeric token starting at `i` (unbounded: used to skip long tokens).
pub(crate) fn skip_alnum(bytes: &[u8], mut i: usize) -> usize {
    while is_alnum(at(bytes, i)) {
        i += 1;
    }
    i
}

/// Start of the group holding the digit at `p`, or `None` when the token is longer than any
/// identifier (then the caller skips it whole).
pub(crate) fn group_start(bytes: &[u8], p: usize) -> Option<usize> {
    let mut k = p;
    while let Some(q) = k.checked_sub(1) {
        if !is_alnum(at(bytes, q)) {
            return Some(k);
        }
        if p - q >= MAX_GROUP_LEN {
            return None;
        }
        k = q;
    }
    Some(k)
}

/// End of the token starting at `start` when nothing can be found in it: no separator joins
/// it to another group on either side, and it is shorter than any value (fewer than
/// [`super::MIN_LEN`] characters, the shortest numeric value; values that start with letters
/// are longer still) and is not the 5-digit code banque that may start a RIB written with
/// labels between its fields. The scan loop then skips it without building a run.
///
/// Why: raw mail is full of such tokens, one or two per quoted-printable escape (« tr=C3=A9s »
/// stops the loop on `3` and on `9`), and building a run for each cost more than the rest of
/// the scan.
///
/// The scan loop makes this test in [`short_group`], with the others it makes on the same
/// bytes; this function is its definition, for the tests.
#[cfg(test)]
pub(crate) fn lone_short_token(bytes: &[u8], start: usize) -> Option<usize> {
    let mut e = start;
    while is_alnum(at(bytes, e)) {
        e += 1;
        if e - start >= super::MIN_LEN {
            return None;
        }
    }
    (e - start != 5 && joint_after(bytes, e).is_none() && joint_before(bytes, start).is_none())
        .then_some(e)
}

/// What the scan loop can tell of the group starting at `start` (holding a digit) without
/// building its run: see [`short_group`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Short {
    /// A lone short token (`lone_short_token`), ending here: nothing can be found in it.
    Lone(usize),
    /// A short number that is the only group of its run: it starts with a digit, is shorter
    /// than [`super::MIN_LEN`] and is not 5 characters long, and the group joined after it,
    /// if any, is one [`Run::build`] does not keep (no digit, or too long). It ends at `end`;
    /// `before` is `joint_before(bytes, start)`.
    Alone {
        end: usize,
        before: Option<(usize, bool)>,
    },
    /// Anything else: the run must be built.
    Other,
}

/// Sorts the group starting at `start` into [`Short`], reading at most two groups.
///
/// Why: most digit groups of a message are short numbers among words (« le 12 mars »,
/// « à 14h »). Such a run holds no numeric value (too short) nor the code banque of a
/// labelled RIB (not 5 characters), and its group starts with a digit, so not with an IBAN or
/// VAT number either: only the country letters of one, just before it, are left to look at.
/// Building the run and walking through it for that cost several times more.
pub(crate) fn short_group(bytes: &[u8], start: usize) -> Short {
    let mut e = start;
    while is_alnum(at(bytes, e)) {
        e += 1;
        if e - start >= super::MIN_LEN {
            return Short::Other;
        }
    }
    if e - start == 5 {
        return Short::Other;
    }
    let digit_first = is_digit(at(bytes, start));
    match joint_after(bytes, e) {
        None => match joint_before(bytes, start) {
            None => Short::Lone(e),
            before if digit_first => Short::Alone { end: e, before },
            _ => Short::Other,
        },
        // The run goes on only if the next group holds a digit and is not too long to be
        // kept (`Run::build`).
        Some(j) if digit_first && !run_goes_on(bytes, j.next) => Short::Alone {
            end: e,
            before: joint_before(bytes, start),
        },
        Some(_) => Short::Other,
    }
}

/// Whether [`Run::build`] keeps the group starting at `k` after a first one: it holds a digit
/// and is at most [`MAX_GROUP_LEN`] long.
fn run_goes_on(bytes: &[u8], k: usize) -> bool {
    let mut e = k;
    let mut digit = false;
    while is_alnum(at(bytes, e)) {
        if e - k == MAX_GROUP_LEN {
            return false;
        }
        digit |= is_digit(at(bytes, e));
        e += 1;
    }
    digit
}

/// How two groups are joined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Joint {
    /// Start of the next group.
    pub next: usize,
    /// A line break, a tab, two blanks or more, or a table bar: a value may still span it (a
    /// RIB table, an IBAN cut by the mail client), but it also separates two values, so a
    /// value next to another digit group across a strong joint is still "alone".
    pub strong: bool,
}

/// Length in bytes of the blank (space, tab, U+00A0, U+2007, U+2009, U+202F) at `k`, or 0.
#[inline]
pub(crate) fn blank_len(bytes: &[u8], k: usize) -> usize {
    match at(bytes, k) {
        b' ' | b'\t' => 1,
        0xC2 if at(bytes, k + 1) == 0xA0 => 2,
        0xE2 if at(bytes, k + 1) == 0x80 && matches!(at(bytes, k + 2), 0x87 | 0x89 | 0xAF) => 3,
        _ => 0,
    }
}

/// The separator after a group ending at `end`, when another alphanumeric group follows it.
///
/// Accepted: one `.` or `-` directly between two alphanumerics (« 362.521.879 »,
/// « 4970-1012 »), or blanks with at most one line break (optionally followed by the `>`
/// quote marks of a reply) and at most one `|` table bar.
#[inline]
pub(crate) fn joint_after(bytes: &[u8], end: usize) -> Option<Joint> {
    // This runs for every digit group of the text: the usual answers are given here, inlined,
    // and only longer joints are read out of line.
    match at(bytes, end) {
        // A dot or dash joins only what it touches.
        b'.' | b'-' => {
            let next = end + 1;
            is_alnum(at(bytes, next)).then_some(Joint {
                next,
                strong: false,
            })
        }
        // One space between two groups, as in prose (« le 12 mars »): what the reading below
        // would find.
        b' ' if is_alnum(at(bytes, end + 1)) => Some(Joint {
            next: end + 1,
            strong: false,
        }),
        b' ' | b'\t' | b'\n' | b'\r' | b'|' | 0xC2 | 0xE2 => long_joint_after(bytes, end),
        // Most groups end on a byte that starts no joint (`,`, `=`, `)`, a letter...).
        _ => None,
    }
}

/// [`joint_after`] from a byte that may start blanks, a line break or a table bar.
#[inline(never)]
fn long_joint_after(bytes: &[u8], end: usize) -> Option<Joint> {
    let mut k = end;
    let mut blanks = 0u32;
    let mut newline = false;
    let mut strong = false;
    let mut bar = false;
    while k - end <= MAX_JOINT {
        let b = at(bytes, k);
        let w = blank_len(bytes, k);
        if w > 0 {
            blanks += 1;
            strong |= b == b'\t';
            k += w;
            continue;
        }
        match b {
            b'\n' | b'\r' => {
                if newline {
                    return None;
                }
                newline = true;
                k += if b == b'\r' && at(bytes, k + 1) == b'\n' {
                    2
                } else {
                    1
                };
            }
            b'>' if newline => k += 1,
            b'|' if !bar => {
                bar = true;
                strong = true;
                k += 1;
            }
            _ => break,
        }
    }
    if k == end || !is_alnum(at(bytes, k)) {
        return None;
    }
    Some(Joint {
        next: k,
        strong: strong || newline || blanks >= 2,
    })
}

/// The separator before a group starting at `start`, when another alphanumeric group precedes
/// it: the end of that group and whether the joint is strong. Mirror of [`joint_after`].
#[inline]
pub(crate) fn joint_before(bytes: &[u8], start: usize) -> Option<(usize, bool)> {
    let p = start.checked_sub(1)?;
    // The mirror of the quick answers of `joint_after`.
    match at(bytes, p) {
        b'.' | b'-' => is_alnum(before(bytes, p)).then_some((p, false)),
        b' ' if is_alnum(before(bytes, p)) => Some((p, false)),
        b' ' | b'\t' | b'\n' | b'\r' | b'|' | b'>' | 0xA0 | 0x87 | 0x89 | 0xAF => {
            long_joint_before(bytes, start)
        }
        _ => None,
    }
}

/// [`joint_before`] from a byte that may end blanks, a line break, a table bar or quote marks.
#[inline(never)]
fn long_joint_before(bytes: &[u8], start: usize) -> Option<(usize, bool)> {
    let mut k = start;
    let mut blanks = 0u32;
    let mut newline = false;
    let mut strong = false;
    let mut bar = false;
    let mut quote = false;
    while start - k <= MAX_JOINT {
        let Some(p) = k.checked_sub(1) else {
            break;
        };
        match at(bytes, p) {
            b' ' => {
                blanks += 1;
                k = p;
            }
            b'\t' => {
                blanks += 1;
                strong = true;
                k = p;
            }
            0xA0 if before(bytes, p) == 0xC2 => {
                blanks += 1;
                k = p - 1;
            }
            0x87 | 0x89 | 0xAF
                if p >= 2 && at(bytes, p - 1) == 0x80 && at(bytes, p - 2) == 0xE2 =>
            {
                blanks += 1;
                k = p - 2;
            }
            b'\n' | b'\r' => {
                if newline {
                    return None;
                }
                newline = true;
                k = if at(bytes, p) == b'\n' && before(bytes, p) == b'\r' {
                    p - 1
                } else {
                    p
                };
            }
            b'>' if !newline => {
                quote = true;
                k = p;
            }
            b'|' if !bar => {
                bar = true;
                strong = true;
                k = p;
            }
            _ => break,
        }
    }
    if k == start || (quote && !newline) || !is_alnum(before(bytes, k)) {
        return None;
    }
    Some((k, strong || newline || blanks >= 2))
}

/// Whether the group ending at `end` (exclusive) holds a digit; looks back at most one group.
fn group_before_has_digit(bytes: &[u8], end: usize) -> bool {
    let mut k = end;
    for _ in 0..=MAX_GROUP_LEN {
        let Some(p) = k.checked_sub(1) else {
            return false;
        };
        let b = at(bytes, p);
        if !is_alnum(b) {
            return false;
        }
        if is_digit(b) {
            return true;
        }
        k = p;
    }
    false
}

/// Whether the group starting at `start` holds a digit.
fn group_after_has_digit(bytes: &[u8], start: usize) -> bool {
    (start..=start + MAX_GROUP_LEN)
        .map(|k| at(bytes, k))
        .take_while(|&b| is_alnum(b))
        .any(is_digit)
}

/// A date or fraction written from `start`: two or three fields of digits joined by `/`, the
/// first ones of 1 or 2 digits, the last of 1 to 4 (« 1/2 », « 27/09 », « 27/09/1955 »), not
/// glued to another alphanumeric or `/`. Returns its end.
fn slash_number_at(bytes: &[u8], start: usize) -> Option<usize> {
    let mut k = start;
    let mut fields = 0;
    loop {
        let n = (k..k + 5).take_while(|&i| is_digit(at(bytes, i))).count();
        if n == 0 {
            return None;
        }
        fields += 1;
        k += n;
        if at(bytes, k) == b'/' && fields < 3 {
            if n > 2 {
                return None;
            }
            k += 1;
            continue;
        }
        let after = at(bytes, k);
        return (fields >= 2 && n <= 4 && !is_alnum(after) && after != b'/').then_some(k);
    }
}

/// Whether the group starting at `start` begins a date or fraction ([`slash_number_at`]).
/// Such a group is never part of an identifier (a value cannot end glued to `/`), so a value
/// just before it is still alone: a PDF table row « CNI n° 170389142814 1/3 » reaches the
/// detectors with single spaces between its cells. Out of line, like [`slash_tail_before`]:
/// rarely reached, and keeping [`left_clear_with`] and [`right_clear_with`] small keeps them
/// inlined in the scan loop.
#[inline(never)]
fn slash_head_at(bytes: &[u8], start: usize) -> bool {
    slash_number_at(bytes, start).is_some()
}

/// Whether the group ending at `end` ends a date or fraction (« 27/09/1955 », « 1/3 »).
/// Mirror of [`slash_head_at`].
#[inline(never)]
fn slash_tail_before(bytes: &[u8], end: usize) -> bool {
    let mut s = end;
    // A date or fraction is at most 10 bytes long.
    while end - s < 11 && (is_digit(before(bytes, s)) || before(bytes, s) == b'/') {
        s -= 1;
    }
    s < end && slash_number_at(bytes, s) == Some(end)
}

/// [`left_clear_with`], reading the joint itself.
#[cfg(test)]
pub(crate) fn left_clear(bytes: &[u8], start: usize) -> bool {
    left_clear_with(bytes, start, || joint_before(bytes, start))
}

/// Whether a value may start at `start`: it is not the tail of a longer number (another digit
/// group joined by a weak separator, a decimal part), nor glued to `+` (international phone),
/// `/` (dates, paths), `_`, `@`, `#`, `&` or `\`. A date or fraction before it (« né le
/// 27/09/1955 170389142814 ») is not part of it.
///
/// `joint` gives `joint_before(bytes, start)`: the engine often knows it already.
#[inline]
pub(crate) fn left_clear_with(
    bytes: &[u8],
    start: usize,
    joint: impl FnOnce() -> Option<(usize, bool)>,
) -> bool {
    match before(bytes, start) {
        b'+' | b'/' | b'\\' | b'_' | b'@' | b'#' | b'&' => return false,
        b',' if is_digit(before(bytes, start.saturating_sub(1))) => return false,
        b if b >= 0x80 && word_char_before(bytes, start) => return false,
        _ => {}
    }
    match joint() {
        None => true,
        Some((prev_end, strong)) => {
            strong || !group_before_has_digit(bytes, prev_end) || slash_tail_before(bytes, prev_end)
        }
    }
}

/// [`right_clear_with`], reading the joint itself.
#[cfg(test)]
pub(crate) fn right_clear(bytes: &[u8], end: usize) -> bool {
    right_clear_with(bytes, end, joint_after(bytes, end))
}

/// Whether a value may end at `end`: not followed by more digits joined weakly, a decimal
/// part, `/`, `%`, `@`, `_`, `\`, or a currency (« 362 521 879 € » is an amount). A date or
/// fraction after it (« CNI n° 170389142814 1/3 ») is not part of it.
///
/// `joint` is `joint_after(bytes, end)`: a [`Run`] keeps it for each of its groups.
#[inline]
pub(crate) fn right_clear_with(bytes: &[u8], end: usize, joint: Option<Joint>) -> bool {
    match at(bytes, end) {
        b'/' | b'\\' | b'_' | b'@' | b'%' => return false,
        b',' if is_digit(at(bytes, end + 1)) => return false,
        _ => {}
    }
    if currency_follows(bytes, end) {
        return false;
    }
    match joint {
        None => true,
        Some(j) => {
            j.strong || !group_after_has_digit(bytes, j.next) || slash_head_at(bytes, j.next)
        }
    }
}

/// Whether a group of exactly 5 digits follows `end` across any joint: a 9-digit number
/// followed by one is a SIRET (« 732829320⏎00074 »), even a broken one, not a SIREN.
pub(crate) fn siret_tail_follows(bytes: &[u8], end: usize) -> bool {
    let Some(j) = joint_after(bytes, end) else {
        return false;
    };
    (j.next..j.next + 5).all(|k| is_digit(at(bytes, k))) && !is_alnum(at(bytes, j.next + 5))
}

/// `€`, `EUR` or `euro(s)` right after `end`, up to two blanks away.
fn currency_follows(bytes: &[u8], end: usize) -> bool {
    let mut k = end;
    for _ in 0..2 {
        let w = blank_len(bytes, k);
        if w == 0 {
            break;
        }
        k += w;
    }
    if at(bytes, k) == 0xE2 && at(bytes, k + 1) == 0x82 && at(bytes, k + 2) == 0xAC {
        return true;
    }
    let word = |s: &[u8]| {
        s.iter()
            .enumerate()
            .all(|(o, c)| at(bytes, k + o).eq_ignore_ascii_case(c))
    };
    (word(b"eur") && !is_letter(at(bytes, k + 3)))
        || (word(b"euro") && !is_letter(at(bytes, k + 4)))
        || (word(b"euros") && !is_letter(at(bytes, k + 5)))
}

/// [`letter_pair_before_with`], reading the joint itself.
#[cfg(test)]
pub(crate) fn letter_pair_before(bytes: &[u8], start: usize) -> Option<usize> {
    letter_pair_before_with(bytes, joint_before(bytes, start))
}

/// When the group starting at `start` is preceded by a lone two-letter group (« FR 76 3000… »,
/// « FR 40 303 265 045 », « FR⏎40303265045 »), the start of those two letters. `joint` is
/// `joint_before(bytes, start)`, which the engine has already read.
pub(crate) fn letter_pair_before_with(bytes: &[u8], joint: Option<(usize, bool)>) -> Option<usize> {
    let (prev_end, _) = joint?;
    let s = prev_end.checked_sub(2)?;
    (is_letter(at(bytes, s)) && is_letter(at(bytes, s + 1)) && !word_char_before(bytes, s))
        .then_some(s)
}

/// Whether the character just before `i` is a letter or digit, ASCII or not. The ASCII
/// groups stop at « é », so « numéro » ends with an ASCII group « ro »: that group is the tail
/// of a word, not a country code.
pub(crate) fn word_char_before(bytes: &[u8], i: usize) -> bool {
    let b = before(bytes, i);
    if b < 0x80 {
        return is_alnum(b);
    }
    // The character is the one whose encoding is exactly the last `k` bytes: a longer slice
    // that happens to decode (« n° » is ASCII `n` then U+00B0) starts with another character.
    (1..=4).any(|k| {
        i.checked_sub(k)
            .and_then(|s| bytes.get(s..i))
            .and_then(|c| std::str::from_utf8(c).ok())
            .and_then(|c| c.chars().next().filter(|ch| ch.len_utf8() == k))
            // « nº » (U+00BA) is a letter for Unicode but a sign of « numéro » here.
            .is_some_and(|ch| ch.is_alphanumeric() && !matches!(ch, 'º' | 'ª'))
    })
}

/// Characters gathered across groups by [`collect`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Collected {
    /// Upper-cased alphanumerics.
    pub chars: [u8; 40],
    pub len: usize,
    /// Byte offset just after the last character.
    pub end: usize,
    /// Bit `k` set when a group boundary falls after the `k`-th character.
    pub cuts: u64,
}

impl Collected {
    pub fn as_slice(&self) -> &[u8] {
        self.chars.get(..self.len).unwrap_or(&[])
    }
}

/// Reads exactly `want` alphanumerics from `start` across joints, ending at a group end (so
/// « FR76…189 12 » gives the IBAN but « FR76…18912 » gives nothing), with group boundaries
/// only where `allowed` has a bit ([`cut_mask`]). Letters-only groups are allowed (« GB29 NWBK
/// 6016… »).
///
/// Why the cuts are checked here: in prose, « de 15 jours » starts like a German IBAN; it is
/// given up at its first misplaced boundary instead of after reading 22 characters.
pub(crate) fn collect(bytes: &[u8], start: usize, want: usize, allowed: u64) -> Option<Collected> {
    let mut c = Collected {
        chars: [0; 40],
        len: 0,
        end: start,
        cuts: 0,
    };
    if want == 0 || want > c.chars.len() {
        return None;
    }
    let mut k = start;
    loop {
        let mut e = k;
        loop {
            let b = at(bytes, e);
            if !is_alnum(b) {
                break;
            }
            if c.len == want {
                return None;
            }
            *c.chars.get_mut(c.len)? = b.to_ascii_uppercase();
            c.len += 1;
            e += 1;
        }
        if e == k {
            return None;
        }
        if c.len == want {
            c.end = e;
            return Some(c);
        }
        let cut = 1u64 << c.len;
        if !cuts_within(cut, allowed) {
            return None;
        }
        c.cuts |= cut;
        k = joint_after(bytes, e)?.next;
    }
}

/// One group of a [`Run`].
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Group {
    pub start: usize,
    pub end: usize,
    /// Offset of the group's first character in [`Run::chars`].
    pub off: usize,
    pub len: usize,
    pub starts_with_letter: bool,
    /// `joint_after(bytes, end)`, read while building the run (whether or not the run goes
    /// on across it): [`right_clear_with`] needs it again at every value ending here.
    pub after: Option<Joint>,
}

/// Digit-holding groups joined by separators, starting where the main loop found a digit.
///
/// It is reused from one run to the next (no allocation in the scan loop).
#[derive(Debug, Clone)]
pub(crate) struct Run {
    /// Characters of the groups; only the first `n_chars` count. The buffer also holds the
    /// group being read past them (at most [`MAX_GROUP_LEN`] + 1 bytes), so that the group is
    /// copied while it is read, and its size is a power of two, so that a masked index needs
    /// no bounds check.
    chars: [u8; RUN_BUF],
    n_chars: usize,
    groups: [Group; MAX_RUN_GROUPS],
    n_groups: usize,
    /// Byte offset after the last group (or after the skipped token).
    pub end: usize,
}

impl Default for Run {
    fn default() -> Self {
        Run {
            chars: [0; RUN_BUF],
            n_chars: 0,
            groups: [Group::default(); MAX_RUN_GROUPS],
            n_groups: 0,
            end: 0,
        }
    }
}

impl Run {
    /// Reads the run starting at `start` (the start of a group holding a digit).
    pub fn build(&mut self, bytes: &[u8], start: usize) {
        self.n_chars = 0;
        self.n_groups = 0;
        self.end = start;
        let mut k = start;
        loop {
            // One pass over the group: its length, whether it holds a digit, and its
            // characters, copied (upper-cased) past the run's characters so far. They only
            // count once `n_chars` covers them, after the checks below.
            let mut e = k;
            let mut classes = 0;
            loop {
                let b = at(bytes, e);
                let c = class(b);
                if c & ALNUM == 0 || e - k > MAX_GROUP_LEN {
                    break;
                }
                classes |= c;
                // In bounds without the mask (`n_chars` <= 64, `e - k` <= 34): it only spares
                // the check. Lower-case letters lose their 0x20 bit.
                if let Some(slot) = self.chars.get_mut((self.n_chars + e - k) & (RUN_BUF - 1)) {
                    *slot = b ^ ((c & LOWER) << 3);
                }
                e += 1;
            }
            let digit = classes & DIGIT != 0;
            let len = e - k;
            if len > MAX_GROUP_LEN {
                if self.n_groups == 0 {
                    self.end = skip_alnum(bytes, e);
                }
                return;
            }
            if len == 0
                || !digit
                || self.n_groups == MAX_RUN_GROUPS
                || self.n_chars + len > MAX_RUN_CHARS
            {
                return;
            }
            let after = joint_after(bytes, e);
            let off = self.n_chars;
            self.n_chars += len;
            if let Some(g) = self.groups.get_mut(self.n_groups) {
                *g = Group {
                    start: k,
                    end: e,
                    off,
                    len,
                    starts_with_letter: is_letter(at(bytes, k)),
                    after,
                };
            }
            self.n_groups += 1;
            self.end = e;
            match after {
                Some(j) => k = j.next,
                None => return,
            }
        }
    }

    pub fn n_groups(&self) -> usize {
        self.n_groups
    }

    pub fn n_chars(&self) -> usize {
        self.n_chars
    }

    pub fn group(&self, i: usize) -> Group {
        self.groups.get(i).copied().unwrap_or_default()
    }

    /// Normalised characters of groups `i..j`.
    pub fn chars(&self, i: usize, j: usize) -> &[u8] {
        let a = self.group(i).off;
        let last = self.group(j.saturating_sub(1));
        self.chars.get(a..last.off + last.len).unwrap_or(&[])
    }

    /// Group boundaries inside groups `i..j`, as offsets from the start of group `i` (bit `k`:
    /// a boundary after `k` characters).
    pub fn cuts(&self, i: usize, j: usize) -> u64 {
        let base = self.group(i).off;
        let mut m = 0u64;
        for g in self.groups.iter().take(j).skip(i + 1) {
            m |= 1u64.checked_shl((g.off - base) as u32).unwrap_or(0);
        }
        m
    }
}

/// A bit mask of allowed cut offsets, for [`Run::cuts`] and [`Collected::cuts`].
// Only called in constant items: evaluated at compile time.
#[allow(clippy::indexing_slicing)]
pub(crate) const fn cut_mask(offsets: &[u32]) -> u64 {
    let mut m = 0u64;
    let mut i = 0;
    while i < offsets.len() {
        m |= 1u64 << offsets[i];
        i += 1;
    }
    m
}

/// Whether every cut in `cuts` is allowed by `allowed`.
#[inline]
pub(crate) fn cuts_within(cuts: u64, allowed: u64) -> bool {
    cuts & !allowed == 0
}

/// Value of an ASCII digit string (at most 19 digits), or `None` if it is not all digits.
pub(crate) fn parse_u64(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() || digits.len() > 19 {
        return None;
    }
    digits.iter().try_fold(0u64, |acc, &b| {
        is_digit(b).then(|| acc * 10 + u64::from(b - b'0'))
    })
}

/// Whether all bytes are ASCII digits.
pub(crate) fn all_digits(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(|&b| is_digit(b))
}

/// The normalised value as a `String` (the bytes are upper-case ASCII alphanumerics).
pub(crate) fn to_value(chars: &[u8]) -> String {
    // ASCII bytes are their own UTF-8: one copy instead of a push per character. (Any other
    // byte would be read as the Latin-1 character of that value, as before.)
    match std::str::from_utf8(chars) {
        Ok(s) if s.is_ascii() => s.to_owned(),
        _ => chars.iter().map(|&b| char::from(b)).collect(),
    }
}

#[cfg(test)]
// Tests fail by panicking.
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn triggers_are_found_in_every_chunk_position() {
        let mut s = vec![b'a'; 100];
        for p in 0..100 {
            s[p] = b'7';
            assert_eq!(next_trigger(&s, 0), Some(p));
            assert_eq!(next_trigger(&s, p + 1), None);
            s[p] = b'a';
        }
        assert_eq!(next_trigger(b"abc:def", 0), Some(3));
        assert_eq!(next_trigger(b"abc=def", 0), Some(3));
        assert_eq!(next_trigger(b"abc;def", 0), None);
        let mut s = vec![b'?'; 100];
        s[77] = b'0';
        assert_eq!(next_trigger(&s, 0), Some(77), "near-misses are skipped");
    }

    /// Boundary masks for `collect_refuses_cuts_early`: any, IBAN, VAT, French IBAN by RIB
    /// fields, none.
    const ALLOWED_CUTS: &[u64] = &[
        u64::MAX,
        cut_mask(&[2, 4, 8, 12, 16, 20, 24]),
        cut_mask(&[2, 4, 7, 10]),
        cut_mask(&[4, 9, 14, 25]),
        0,
    ];

    proptest::proptest! {
        /// A forward scan with [`Triggers`] finds what fresh [`next_trigger`] calls find.
        #[test]
        fn triggers_remember_their_word(
            text in proptest::collection::vec(proptest::sample::select(&b"a0;:=9 ?>x5"[..]), 0..120),
            steps in proptest::collection::vec(1usize..12, 0..40),
        ) {
            let mut t = Triggers::default();
            let mut pos = 0;
            for step in steps {
                proptest::prop_assert_eq!(t.next(&text, pos), next_trigger(&text, pos));
                pos += step;
            }
        }

        /// The answers `joint_after` and `joint_before` give inline are those of the full
        /// reading (which, from a byte that starts or ends no joint, stops at once).
        #[test]
        fn quick_joints_read_as_the_long_ones(parts in proptest::collection::vec(proptest::sample::select(&[
            " ", "  ", "\t", "\n", "\r\n", "\r", "|", ">", ".", "-", "a", "Z", "7", "42", ",",
            "\u{a0}", "\u{202f}", "\u{2009}", "\u{2007}", "é", "€", "\u{2028}",
        ][..]), 0..16)) {
            let text = parts.concat();
            let bytes = text.as_bytes();
            for k in 0..=bytes.len() + 1 {
                if !matches!(at(bytes, k), b'.' | b'-') {
                    proptest::prop_assert_eq!(joint_after(bytes, k), long_joint_after(bytes, k), "{:?} {}", text, k);
                }
                if !matches!(before(bytes, k), b'.' | b'-') && k > 0 {
                    proptest::prop_assert_eq!(joint_before(bytes, k), long_joint_before(bytes, k), "{:?} {}", text, k);
                }
            }
        }

        /// `collect` gives up at the first boundary outside `allowed`: what reading on and
        /// checking the boundaries at the end would refuse.
        #[test]
        fn collect_refuses_cuts_early(
            parts in proptest::collection::vec(proptest::sample::select(&[
                "FR", "76", "3000", "6000", "30006", " ", "-", ".", "\n", "ab", "DE89", "8", "14h",
                "00012345678", "  ", "x", "GB29", "NWBK",
            ][..]), 0..12),
            want in proptest::sample::select(&[4usize, 13, 15, 22, 27][..]),
            allowed in proptest::sample::select(ALLOWED_CUTS),
        ) {
            let text = parts.concat();
            let bytes = text.as_bytes();
            let key = |c: Collected| (c.as_slice().to_vec(), c.end, c.cuts);
            for s in 0..bytes.len() {
                let early = collect(bytes, s, want, allowed).map(key);
                let late = collect(bytes, s, want, u64::MAX)
                    .filter(|c| cuts_within(c.cuts, allowed))
                    .map(key);
                proptest::prop_assert_eq!(early, late, "{:?} {}", text, s);
            }
        }
    }

    #[test]
    fn chunk_test_is_exact() {
        for b in 0..=255u8 {
            for i in 0..32 {
                let mut chunk = [b'a'; 32];
                chunk[i] = b;
                assert_eq!(any_nibble3(&chunk), b >> 4 == 3, "{b:#x} at {i}");
            }
        }
    }

    #[test]
    fn nibble3_is_exact() {
        for a in 0..=255u8 {
            for b in [0u8, 0x2F, 0x30, 0x3F, 0x40, 0x80, 0xB0, 0xFF] {
                let w = u64::from_le_bytes([b, a, b, a, a, b, 0x30, 0x41]);
                let got = nibble3_bytes(w);
                for (i, x) in w.to_le_bytes().iter().enumerate() {
                    assert_eq!(
                        got >> (i * 8 + 7) & 1 == 1,
                        x >> 4 == 3,
                        "{a:#x} {b:#x} {i}"
                    );
                }
            }
        }
    }

    #[test]
    fn joints() {
        let s = "362 521\u{a0}879.00034-12\n> 45  67\n\n89".as_bytes();
        assert_eq!(
            joint_after(s, 3),
            Some(Joint {
                next: 4,
                strong: false
            })
        );
        assert_eq!(
            joint_after(s, 7),
            Some(Joint {
                next: 9,
                strong: false
            })
        );
        assert_eq!(
            joint_after(s, 12),
            Some(Joint {
                next: 13,
                strong: false
            })
        );
        assert_eq!(
            joint_after(s, 18),
            Some(Joint {
                next: 19,
                strong: false
            })
        );
        assert_eq!(
            joint_after(s, 21),
            Some(Joint {
                next: 24,
                strong: true
            })
        );
        assert_eq!(
            joint_after(s, 26),
            Some(Joint {
                next: 28,
                strong: true
            })
        );
        assert_eq!(joint_after(s, 30), None, "a blank line ends a value");
        assert_eq!(joint_before(s, 4), Some((3, false)));
        assert_eq!(joint_before(s, 9), Some((7, false)));
        assert_eq!(joint_before(s, 24), Some((21, true)));
        assert_eq!(joint_before(s, 32), None);
        assert_eq!(joint_after(b"12. 34", 2), None);
        assert_eq!(joint_after(b"12 - 34", 2), None);
    }

    #[test]
    fn boundaries() {
        let s = b"tel +33612345678 et 1,362521879 puis 362521879 EUR";
        assert!(!left_clear(s, 5));
        assert!(!left_clear(s, 22));
        assert!(left_clear(s, 37));
        assert!(!right_clear(s, 46));
        assert!(right_clear(b"362521879 RCS", 9));
        assert!(!right_clear(b"362 521 879 00034", 11));
        assert!(right_clear(b"362 521 879\n12 rue", 11));
        assert!(!left_clear(b"12 362 521 879", 3));
        assert!(left_clear(b"SIREN 362 521 879", 6));
    }

    #[test]
    fn runs_and_collect() {
        let s = b"FR 40 303 265 045 et FR7630006000011234567890189 puis";
        let mut run = Run::default();
        run.build(s, 3);
        assert_eq!(run.n_groups(), 4);
        assert_eq!(run.chars(0, 4), b"40303265045");
        assert_eq!(run.cuts(0, 4), cut_mask(&[2, 5, 8]));
        assert_eq!(letter_pair_before(s, 3), Some(0));
        let all = u64::MAX;
        let c = collect(s, 0, 13, all).unwrap();
        assert_eq!(c.as_slice(), b"FR40303265045");
        assert_eq!(c.end, 17);
        assert!(collect(s, 0, 12, all).is_none(), "must end at a group end");
        assert!(
            collect(s, 0, 13, cut_mask(&[2, 4, 7])).is_none(),
            "a boundary outside the allowed ones"
        );
        assert!(
            collect(s, 0, 14, all).is_none(),
            "« et » holds no digit but is too long"
        );
    }

    #[test]
    fn long_tokens_are_skipped() {
        let s = b"x 0123456789abcdef0123456789abcdef0123456789 y";
        assert_eq!(group_start(s, 40), None);
        let mut run = Run::default();
        run.build(s, 2);
        assert_eq!(run.n_groups(), 0);
        assert_eq!(run.end, 44);
    }

    #[test]
    fn dates_and_fractions_beside_a_value() {
        // PDF table row: cells joined by single spaces.
        let s = b"CNI n\xC2\xB0 170389142814 1/3";
        assert!(right_clear(s, 20));
        assert!(slash_head_at(s, 21));
        assert!(right_clear(b"170389142814 27/09/1955", 12));
        assert!(
            !right_clear(b"170389142814 1234/5", 12),
            "not a day or month"
        );
        assert!(!right_clear(b"170389142814 12 34", 12));
        assert!(!right_clear(b"170389142814 1/", 12));
        let s = b"le 27/09/1955 170389142814";
        assert!(slash_tail_before(s, 13));
        assert!(left_clear(s, 14));
        assert!(left_clear(b"1/3 170389142814", 4));
        assert!(
            !left_clear(b"12345/1955 170389142814", 11),
            "not a date or fraction"
        );
        assert!(!left_clear(b"2024/1955 170389142814", 10));
        assert!(left_clear(b"9/2024 170389142814", 7));
        assert!(!right_clear(b"170389142814 12/2024/5", 12));
        assert!(!right_clear(b"170389142814 1/2a", 12));
        assert!(slash_tail_before(b"x 1/2", 5));
        assert!(!slash_tail_before(b"1/2/3/4", 7));
        assert!(!left_clear(b"1955 170389142814", 5));
        assert!(!slash_tail_before(b"/1955", 5), "no digit before the slash");
    }

    #[test]
    fn word_char_before_sees_one_character() {
        // « n° » is `n` then U+00B0: the degree sign is not a letter.
        assert!(!word_char_before("n°X".as_bytes(), 3));
        assert!(!word_char_before("nºX".as_bytes(), 3));
        assert!(word_char_before("éX".as_bytes(), 2));
        assert!(word_char_before(b"aX", 1));
        assert!(!word_char_before(b"X", 0));
        assert!(left_clear("n°123456789".as_bytes(), 3));
    }

    #[test]
    fn currency() {
        assert!(currency_follows("1 \u{a0}€".as_bytes(), 1));
        assert!(currency_follows(b"1 euros.", 1));
        assert!(currency_follows(b"1 EUR", 1));
        assert!(!currency_follows(b"1 europe", 1));
    }
}
