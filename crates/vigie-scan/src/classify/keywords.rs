//! The keyword search of the classifier: every keyword of [`super::RULES`] in one pass over the
//! raw UTF-8 text, with the accent and case folding of [`super::fold_into`] built into the
//! automaton.
//!
//! # Why not fold, then search
//!
//! Classification looks at the first 64 KiB of every text part, and it used to be the most
//! expensive step of a scan: folding each part into a new buffer, then running a
//! leftmost-longest Aho-Corasick search over it, both byte by byte. Here one deterministic
//! automaton reads the raw bytes: an ASCII byte steps as its folded form, and the UTF-8
//! sequences that fold to one ASCII character (« é » → `e`, U+00A0 → space, « ’ » → `'`) are
//! read one byte at a time through a few extra *modes* (after `C3`, after `C2`, after `E2`,
//! after `E2 80`) that remember the pending lead bytes. Nothing is copied or allocated per byte.
//!
//! The automaton reports *every* occurrence (overlapping, like a standard Aho-Corasick
//! search), and [`Hits::of`] then keeps exactly the matches a leftmost-longest search over the
//! folded text would report — the earliest start, the longest there, then on from its end —
//! so the categories are the same as with the former fold-then-search.
//!
//! A DFA step is a dependent table load; to keep the processor busy the text is cut into
//! [`STREAMS`] stretches scanned in lockstep, each starting a little early
//! ([`Scanner::warm_up`]) so that its state is already right where its stretch begins.

/// Lower case, `_` and `-` as spaces, backquote as apostrophe: [`super::fold_ascii`] as a
/// table.
static FOLD_ASCII: [u8; 128] = build_fold_ascii();

// Evaluated at compile time: an out-of-range index would fail the build.
#[allow(clippy::indexing_slicing)]
const fn build_fold_ascii() -> [u8; 128] {
    let mut t = [0u8; 128];
    let mut i = 0;
    while i < 128 {
        let c = i as u8;
        t[i] = if c.is_ascii_uppercase() {
            c | 0x20
        } else if c == b'_' || c == b'-' {
            b' '
        } else if c == b'`' {
            b'\''
        } else {
            c
        };
        i += 1;
    }
    t
}

/// What [`super::fold_into`] makes of the character starting at `i`: its folded ASCII byte,
/// or `None` when it stays as it is (non-ASCII), and its length in bytes.
pub(super) fn folded_char_at(text: &[u8], i: usize) -> (Option<u8>, usize) {
    let at = |k: usize| text.get(k).copied().unwrap_or(0);
    let lead = at(i);
    if lead < 0x80 {
        return (FOLD_ASCII.get(usize::from(lead)).copied(), 1);
    }
    let folded = match (lead, at(i + 1), at(i + 2)) {
        (0xC3, second, _) => super::latin1_base(second),
        (0xC2, 0xA0, _) | (0xE2, 0x80, 0xAF) => Some(b' '),
        (0xE2, 0x80, 0x98 | 0x99) => Some(b'\''),
        _ => None,
    };
    (folded, utf8_len(lead))
}

/// Length of the UTF-8 sequence a byte starts (1 for a stray continuation byte).
fn utf8_len(lead: u8) -> usize {
    match lead {
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xFF => 4,
        _ => 1,
    }
}

/// Start of the character that ends at `i`.
fn char_start_before(text: &[u8], i: usize) -> usize {
    let mut p = i.saturating_sub(1);
    while p > 0 && text.get(p).is_some_and(|&b| b & 0xC0 == 0x80) {
        p -= 1;
    }
    p
}

/// Byte offset `chars` characters after `from`.
fn advance_chars(text: &[u8], from: usize, chars: usize) -> usize {
    let mut p = from;
    for _ in 0..chars {
        p += text.get(p).map_or(1, |&b| utf8_len(b));
    }
    p
}

/// Whether the match at `start..end` (`len` folded bytes) begins a word of the folded text;
/// short keywords must also end one, longer stems may continue (« notari » matches
/// « notarié »). Same rule as before the search read raw bytes, on the folded neighbours.
fn at_word(text: &[u8], start: usize, end: usize, len: usize) -> bool {
    let before_ok = start == 0 || {
        let (c, _) = folded_char_at(text, char_start_before(text, start));
        !c.is_some_and(|c| c.is_ascii_alphanumeric())
    };
    let after_ok = len > 4
        || end >= text.len()
        || !folded_char_at(text, end)
            .0
            .is_some_and(|c| c.is_ascii_alphabetic());
    before_ok && after_ok
}

/// Where the automaton is inside a UTF-8 sequence that may fold to one ASCII character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Between characters.
    Char = 0,
    /// After `C3` (Latin-1 letters: « é » is `C3 A9`).
    AfterC3,
    /// After `C2` (U+00A0 is `C2 A0`).
    AfterC2,
    /// After `E2` (U+2018, U+2019, U+202F start `E2 80`).
    AfterE2,
    /// After `E2 80`.
    AfterE280,
}

const MODES: [Mode; 5] = [
    Mode::Char,
    Mode::AfterC3,
    Mode::AfterC2,
    Mode::AfterE2,
    Mode::AfterE280,
];

/// What one raw byte does in one mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    /// A whole character read: step the keyword automaton with its folded byte.
    Step(u8),
    /// A character that is in no keyword: back to the root.
    Reset,
    /// The first bytes of a sequence that may fold: remember them.
    Enter(Mode),
}

/// The fold of [`super::fold_into`], one raw byte at a time. Text is valid UTF-8, so a
/// continuation byte always follows its lead; the other combinations only need to be
/// harmless.
fn act(mode: Mode, b: u8) -> Act {
    let folds = |c: Option<u8>| c.map_or(Act::Reset, Act::Step);
    match mode {
        Mode::Char => match b {
            0..=0x7F => folds(FOLD_ASCII.get(usize::from(b)).copied()),
            0xC3 => Act::Enter(Mode::AfterC3),
            0xC2 => Act::Enter(Mode::AfterC2),
            0xE2 => Act::Enter(Mode::AfterE2),
            _ => Act::Reset,
        },
        Mode::AfterC3 if (0x80..0xC0).contains(&b) => folds(super::latin1_base(b)),
        Mode::AfterC2 if b == 0xA0 => Act::Step(b' '),
        Mode::AfterE2 if b == 0x80 => Act::Enter(Mode::AfterE280),
        Mode::AfterE280 => match b {
            0xAF => Act::Step(b' '),
            0x98 | 0x99 => Act::Step(b'\''),
            _ => Act::Reset,
        },
        _ => Act::Reset,
    }
}

/// One keyword occurrence: raw byte range and keyword index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Occurrence {
    pub start: u32,
    pub end: u32,
    pub id: u16,
}

/// The raw-byte automaton: an Aho-Corasick DFA over the folded keywords, crossed with the
/// UTF-8 modes.
#[derive(Debug)]
struct Scanner {
    /// Class of every raw byte (bytes that act the same in every mode share one).
    classes: [u8; 256],
    /// `transitions[state + class]` is the next state; states are premultiplied by `stride`,
    /// and a match state also carries [`MATCH_BIT`].
    /// A power-of-two length ([`TABLE_LEN`], the unused end is zeros): the search masks its
    /// index instead of checking it, one instruction instead of a compare, a branch and the
    /// table's length kept in a register (the search loop ran out of registers).
    transitions: Box<[u32]>,
    stride: u32,
    /// States from here on are matches (they are numbered last; without [`MATCH_BIT`]).
    first_match: u32,
    /// Keywords ending at each match state, by `(state - first_match) / stride`.
    outputs: Vec<Vec<u16>>,
    /// Folded length of each keyword.
    lens: Vec<u32>,
    /// Longest keyword.
    max_len: usize,
    /// Entries of `transitions` the automaton needs (at most [`TABLE_LEN`]; read by a test).
    #[cfg_attr(not(test), allow(dead_code))]
    table_needed: usize,
}

/// Stretches of a text scanned in lockstep. A step of the automaton waits for the one
/// before it (a table load), so one stretch alone leaves the processor idle; five are what
/// the registers hold (classifying 8 KiB texts, measured before the warm-ups ran in lockstep:
/// 4 stretches 1,165 MB/s, 5 1,247, 6 1,195, 7 1,133, 8 1,075, the states no longer fitting
/// in registers; with them, 5 and 6 both about 1,390).
const STREAMS: usize = 5;

/// Length of the transition table: a power of two above what the keywords of the rules need
/// (188,370 entries for 100 keywords; a test checks that they fit). 1 MiB of address space,
/// of which only the used part is ever touched.
const TABLE_LEN: usize = 1 << 18;

/// Set in the transitions to a match state. The search masks a state with `TABLE_LEN - 1`
/// before indexing, which drops the bit, so telling a match takes an `or` per stretch and
/// one test for all of them, where comparing each state with the first match state took two
/// instructions per state.
const MATCH_BIT: u32 = 1 << 31;

/// Marks the absent trie edges while building.
const NONE: u32 = u32::MAX;

impl Scanner {
    fn new(words: &[&str]) -> Scanner {
        // The folded alphabet: only bytes that occur in a keyword need their own column.
        let mut alphabet = [NONE; 256];
        let mut symbols = 0u32;
        for &b in words.iter().flat_map(|w| w.as_bytes()) {
            if let Some(slot) = alphabet.get_mut(usize::from(b))
                && *slot == NONE
            {
                *slot = symbols;
                symbols += 1;
            }
        }
        let width = symbols as usize;
        let sym = |b: u8| alphabet.get(usize::from(b)).copied().unwrap_or(NONE);
        // Trie.
        let mut goto: Vec<u32> = vec![NONE; width];
        let mut out: Vec<Vec<u16>> = vec![Vec::new()];
        for (id, w) in words.iter().enumerate() {
            let mut s = 0usize;
            for &b in w.as_bytes() {
                let edge = s * width + sym(b) as usize;
                let next = goto.get(edge).copied().unwrap_or(NONE);
                s = if next == NONE {
                    let t = out.len();
                    out.push(Vec::new());
                    goto.resize(goto.len() + width, NONE);
                    if let Some(e) = goto.get_mut(edge) {
                        *e = t as u32;
                    }
                    t
                } else {
                    next as usize
                };
            }
            if let Some(o) = out.get_mut(s) {
                o.push(id as u16);
            }
        }
        // Failure links, breadth first, turned into a complete transition function `delta`
        // over the folded alphabet; each state also reports the keywords of its suffixes.
        let n = out.len();
        let mut delta: Vec<u32> = vec![0; n * width];
        let mut fail: Vec<usize> = vec![0; n];
        let mut queue = std::collections::VecDeque::new();
        for c in 0..width {
            let t = goto.get(c).copied().unwrap_or(NONE);
            if t != NONE {
                if let Some(d) = delta.get_mut(c) {
                    *d = t;
                }
                queue.push_back(t as usize);
            }
        }
        while let Some(s) = queue.pop_front() {
            let f = fail.get(s).copied().unwrap_or(0);
            let inherited = out.get(f).cloned().unwrap_or_default();
            if let Some(o) = out.get_mut(s) {
                o.extend(inherited);
            }
            for c in 0..width {
                let t = goto.get(s * width + c).copied().unwrap_or(NONE);
                let via_fail = delta.get(f * width + c).copied().unwrap_or(0);
                if t == NONE {
                    if let Some(d) = delta.get_mut(s * width + c) {
                        *d = via_fail;
                    }
                } else {
                    if let Some(d) = delta.get_mut(s * width + c) {
                        *d = t;
                    }
                    if let Some(ft) = fail.get_mut(t as usize) {
                        *ft = via_fail as usize;
                    }
                    queue.push_back(t as usize);
                }
            }
        }
        // Raw byte classes: a byte's behaviour in every mode. A folded byte that is in no
        // keyword resets like any other character.
        let norm = |a: Act| match a {
            Act::Step(c) if sym(c) == NONE => Act::Reset,
            a => a,
        };
        let mut signatures: Vec<[Act; 5]> = Vec::new();
        let mut classes = [0u8; 256];
        for (b, class) in classes.iter_mut().enumerate() {
            let sig = MODES.map(|m| norm(act(m, b as u8)));
            let k = match signatures.iter().position(|s| *s == sig) {
                Some(k) => k,
                None => {
                    signatures.push(sig);
                    signatures.len() - 1
                }
            };
            *class = k as u8;
        }
        let stride = signatures.len();
        // States (trie state, mode), matches last; the root in `Char` mode is state 0.
        let matching =
            |s: usize, m: Mode| m == Mode::Char && out.get(s).is_some_and(|o| !o.is_empty());
        let mut order: Vec<(usize, Mode)> = Vec::with_capacity(n * MODES.len());
        for s in 0..n {
            for m in MODES {
                if !matching(s, m) {
                    order.push((s, m));
                }
            }
        }
        let first_match = order.len();
        order.extend(
            (0..n)
                .filter(|&s| matching(s, Mode::Char))
                .map(|s| (s, Mode::Char)),
        );
        let mut index = vec![0u32; n * MODES.len()];
        for (i, &(s, m)) in order.iter().enumerate() {
            if let Some(slot) = index.get_mut(s * MODES.len() + m as usize) {
                *slot = (i * stride) as u32;
            }
        }
        let id_of = |s: usize, m: Mode| {
            index
                .get(s * MODES.len() + m as usize)
                .copied()
                .unwrap_or(0)
        };
        let mut transitions = vec![0u32; (order.len() * stride).max(TABLE_LEN)];
        for (i, &(s, m)) in order.iter().enumerate() {
            for (k, sig) in signatures.iter().enumerate() {
                let target = match sig.get(m as usize).copied().unwrap_or(Act::Reset) {
                    Act::Reset => 0,
                    Act::Enter(p) => id_of(s, p),
                    Act::Step(c) => {
                        let t = delta.get(s * width + sym(c) as usize).copied().unwrap_or(0);
                        id_of(t as usize, Mode::Char)
                    }
                };
                if let Some(slot) = transitions.get_mut(i * stride + k) {
                    let is_match = target as usize >= first_match * stride;
                    *slot = target | if is_match { MATCH_BIT } else { 0 };
                }
            }
        }
        let outputs = order
            .get(first_match..)
            .unwrap_or(&[])
            .iter()
            .map(|&(s, _)| out.get(s).cloned().unwrap_or_default())
            .collect();
        Scanner {
            classes,
            // Keywords that would not fit lose their longest states rather than panic; the
            // `keywords_fit_the_table` test keeps that from ever happening.
            transitions: {
                transitions.truncate(TABLE_LEN);
                transitions.into_boxed_slice()
            },
            table_needed: order.len() * stride,
            stride: stride as u32,
            first_match: (first_match * stride) as u32,
            outputs,
            lens: words.iter().map(|w| w.len() as u32).collect(),
            max_len: words.iter().map(|w| w.len()).max().unwrap_or(0),
        }
    }

    /// How many bytes a stretch is read before its start: enough for the longest keyword in
    /// its widest spelling (3 bytes a character), plus the at most 3 bytes of a character cut
    /// by the start. A keyword automaton's state only depends on that many last characters
    /// (a character that folds to nothing resets it), and UTF-8 resynchronises on the next
    /// lead byte.
    fn warm_up(&self) -> usize {
        3 * self.max_len + 3
    }

    /// Records the keywords of match state `state`, ending at byte `end`.
    #[inline(never)]
    fn record(&self, text: &[u8], state: u32, end: usize, out: &mut Vec<Occurrence>) {
        let k = (((state & !MATCH_BIT) - self.first_match) / self.stride) as usize;
        for &id in self.outputs.get(k).map(Vec::as_slice).unwrap_or(&[]) {
            let mut start = end;
            for _ in 0..self.lens.get(usize::from(id)).copied().unwrap_or(0) {
                start = char_start_before(text, start);
            }
            out.push(Occurrence {
                start: start as u32,
                end: end as u32,
                id,
            });
        }
    }

    /// Every keyword occurrence in `text` (at most `u32::MAX` bytes: callers pass 64 KiB),
    /// sorted by start, longest first at the same start.
    fn find(&self, text: &[u8], out: &mut Vec<Occurrence>) {
        out.clear();
        // The tables as locals, so that the loop keeps them in registers (read through `self`
        // they were reloaded at every step), and the class lookup of a byte, which can never
        // be out of bounds, without a bounds check.
        let classes: &[u8; 256] = &self.classes;
        // Always `TABLE_LEN` long (see `Scanner::new`).
        let Ok(transitions) = <&[u32; TABLE_LEN]>::try_from(&*self.transitions) else {
            return;
        };
        let step = |state: u32, b: u8| -> u32 {
            let class = classes[usize::from(b)];
            transitions[(state + u32::from(class)) as usize & (TABLE_LEN - 1)]
        };
        // `STREAMS` stretches in lockstep, when each is at least as long as its warm-up.
        let warm = self.warm_up();
        let q = text.len() / STREAMS;
        let stretch = |from: usize, len: usize| text.get(from..from + len).unwrap_or(&[]);
        let (head, tail) = if q >= warm {
            // Each stretch but the first reads the `warm` bytes before it first; the
            // warm-ups run in lockstep too (one after the other, they were a fifth of the
            // time of classifying an 8 KiB text).
            let warm_ups: [&[u8]; STREAMS - 1] =
                std::array::from_fn(|k| stretch((k + 1) * q - warm, warm));
            let stretches: [&[u8]; STREAMS] = std::array::from_fn(|k| stretch(k * q, q));
            if warm_ups.iter().any(|w| w.len() != warm) || stretches.iter().any(|s| s.len() != q) {
                // Cannot happen (`q * STREAMS <= text.len()` and `warm <= q`); the slices'
                // lengths are checked so that the loops below index them without checks.
                return;
            }
            let mut states = [0u32; STREAMS];
            for j in 0..warm {
                for (state, bytes) in states.iter_mut().skip(1).zip(&warm_ups) {
                    *state = step(*state, bytes[j]);
                }
            }
            for i in 0..q {
                let mut any = 0;
                for (state, bytes) in states.iter_mut().zip(&stretches) {
                    *state = step(*state, bytes[i]);
                    any |= *state;
                }
                if any & MATCH_BIT != 0 {
                    for (k, &s) in states.iter().enumerate() {
                        if s & MATCH_BIT != 0 {
                            self.record(text, s, k * q + i + 1, out);
                        }
                    }
                }
            }
            (states[STREAMS - 1], STREAMS * q)
        } else {
            (0, 0)
        };
        // What is left: the whole text when it is short, the end of the last stretch.
        let mut s = head;
        for (i, &b) in text.iter().enumerate().skip(tail) {
            s = step(s, b);
            if s & MATCH_BIT != 0 {
                self.record(text, s, i + 1, out);
            }
        }
        let lens = &self.lens;
        let len = |o: &Occurrence| lens.get(usize::from(o.id)).copied().unwrap_or(0);
        out.sort_unstable_by(|a, b| a.start.cmp(&b.start).then(len(b).cmp(&len(a))));
    }
}

/// At most this many keywords (the size of [`Flags`]).
pub(super) const MAX_KEYWORDS: usize = 256;

/// One bit per keyword.
#[derive(Debug, Clone, Copy, Default)]
struct Flags([u64; MAX_KEYWORDS / 64]);

impl Flags {
    fn set(&mut self, id: usize) {
        if let Some(w) = self.0.get_mut(id / 64) {
            *w |= 1 << (id % 64);
        }
    }

    fn get(&self, id: usize) -> bool {
        self.0
            .get(id / 64)
            .is_some_and(|w| (w >> (id % 64)) & 1 != 0)
    }
}

/// The keywords of the rules and their automaton, built once.
#[derive(Debug)]
pub(super) struct KeywordSet {
    /// Sorted, without duplicates.
    words: Vec<&'static str>,
    /// For each keyword, the other keywords it contains and at which offset (« facture n »
    /// holds « facture » at 0): a leftmost-longest search reports only the longer one.
    implied: Vec<Vec<(u16, u32)>>,
    scanner: Scanner,
}

impl KeywordSet {
    pub fn new(mut words: Vec<&'static str>) -> KeywordSet {
        words.sort_unstable();
        words.dedup();
        words.truncate(MAX_KEYWORDS);
        let implied = words
            .iter()
            .map(|outer| {
                words
                    .iter()
                    .enumerate()
                    .filter(|(_, inner)| inner.len() < outer.len())
                    .flat_map(|(j, inner)| {
                        outer
                            .match_indices(inner)
                            .map(move |(at, _)| (j as u16, at as u32))
                    })
                    .collect()
            })
            .collect();
        let scanner = Scanner::new(&words);
        KeywordSet {
            words,
            implied,
            scanner,
        }
    }

    /// Index of a keyword.
    pub fn id(&self, word: &str) -> Option<usize> {
        self.words.binary_search(&word).ok()
    }

    #[cfg(test)]
    pub fn words(&self) -> &[&'static str] {
        &self.words
    }

    /// Every occurrence of every keyword in `text`.
    pub fn find(&self, text: &str, out: &mut Vec<Occurrence>) {
        self.scanner.find(text.as_bytes(), out);
    }
}

/// Which keywords a text holds, anywhere and at a word boundary, as a leftmost-longest search
/// over the folded text (with what its longer matches hide) would tell.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Hits {
    anywhere: Flags,
    word: Flags,
}

impl Hits {
    /// The hits of `text` from its occurrences (`occurrences` as [`KeywordSet::find`] gives
    /// them for `text`, or for a longer text of which `text` is a prefix: occurrences that end
    /// beyond `text` are ignored).
    pub fn of(set: &KeywordSet, text: &str, occurrences: &[Occurrence]) -> Hits {
        let bytes = text.as_bytes();
        let mut hits = Hits::default();
        let len_of = |id: usize| set.scanner.lens.get(id).copied().unwrap_or(0) as usize;
        let mut resume = 0usize;
        for o in occurrences {
            let (start, end, id) = (o.start as usize, o.end as usize, usize::from(o.id));
            if start < resume || end > bytes.len() {
                continue;
            }
            hits.mark(bytes, id, start, end, len_of(id));
            for &(inner, at) in set.implied.get(id).map(Vec::as_slice).unwrap_or(&[]) {
                let inner = usize::from(inner);
                let s = advance_chars(bytes, start, at as usize);
                let e = advance_chars(bytes, s, len_of(inner));
                hits.mark(bytes, inner, s, e, len_of(inner));
            }
            resume = end;
        }
        hits
    }

    /// Every keyword occurrence of a short text (a file name, a subject), overlapping ones
    /// included: what searching each keyword alone in the folded text finds.
    pub fn every(set: &KeywordSet, text: &str) -> Hits {
        let mut occurrences = Vec::new();
        set.find(text, &mut occurrences);
        let mut hits = Hits::default();
        for o in &occurrences {
            let id = usize::from(o.id);
            let len = set.scanner.lens.get(id).copied().unwrap_or(0) as usize;
            hits.mark(text.as_bytes(), id, o.start as usize, o.end as usize, len);
        }
        hits
    }

    fn mark(&mut self, text: &[u8], id: usize, start: usize, end: usize, len: usize) {
        self.anywhere.set(id);
        if at_word(text, start, end, len) {
            self.word.set(id);
        }
    }

    /// The keyword occurs (found or implied by a longer one).
    pub fn anywhere(&self, id: usize) -> bool {
        self.anywhere.get(id)
    }

    /// The keyword occurs at a word boundary.
    pub fn word(&self, id: usize) -> bool {
        self.word.get(id)
    }
}

#[cfg(test)]
// Tests fail by panicking.
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    #[test]
    fn keywords_fit_the_table() {
        let set = &super::super::KEYWORDS.set;
        assert!(set.scanner.table_needed <= super::TABLE_LEN);
        assert_eq!(set.scanner.transitions.len(), super::TABLE_LEN);
    }

    use super::*;

    fn set() -> KeywordSet {
        KeywordSet::new(
            super::super::RULES
                .iter()
                .flat_map(|r| r.name_words.iter().chain(r.strong).chain(r.weak).copied())
                .collect(),
        )
    }

    /// The former implementation: fold, leftmost-longest Aho-Corasick search, implied
    /// keywords, word boundaries on the folded text.
    fn reference(set: &KeywordSet, text: &str) -> (Vec<bool>, Vec<bool>) {
        let folded = super::super::fold(text).into_bytes();
        let words = set.words();
        let ac = aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .build(words)
            .unwrap();
        let mut anywhere = vec![false; words.len()];
        let mut word = vec![false; words.len()];
        let at_word = |start: usize, len: usize| {
            let before_ok = start == 0 || !folded[start - 1].is_ascii_alphanumeric();
            let after_ok = len > 4
                || folded
                    .get(start + len)
                    .is_none_or(|b| !b.is_ascii_alphabetic());
            before_ok && after_ok
        };
        let mut mark = |id: usize, start: usize| {
            anywhere[id] = true;
            if at_word(start, words[id].len()) {
                word[id] = true;
            }
        };
        for m in ac.find_iter(&folded) {
            let id = m.pattern().as_usize();
            mark(id, m.start());
            for &(inner, at) in &set.implied[id] {
                mark(usize::from(inner), m.start() + at as usize);
            }
        }
        (anywhere, word)
    }

    fn hits_of(set: &KeywordSet, text: &str) -> (Vec<bool>, Vec<bool>) {
        let mut occ = Vec::new();
        set.find(text, &mut occ);
        let h = Hits::of(set, text, &occ);
        let n = set.words().len();
        (
            (0..n).map(|i| h.anywhere(i)).collect(),
            (0..n).map(|i| h.word(i)).collect(),
        )
    }

    const PIECES: &[&str] = &[
        "facture",
        "FACTURE",
        "Facture n°",
        "n° de facture",
        "numéro",
        "NUMÉRO",
        "de",
        " ",
        "  ",
        "\u{a0}",
        "\u{202f}",
        "’",
        "'",
        "`",
        "_",
        "-",
        "relevé",
        "RELEVÉ",
        "d’identité",
        "D'IDENTITÉ",
        "bancaire",
        "rib",
        "RIB",
        "tribunal",
        "iban",
        "bic",
        "é",
        "É",
        "è",
        "à",
        "ç",
        "ï",
        "œ",
        "ß",
        "æ",
        "×",
        "€",
        "—",
        "«",
        "\u{2018}",
        "\u{2009}",
        "solde",
        "ancien solde",
        "débiteur",
        "créditeur",
        "devis",
        "validité du devis n",
        "paie",
        "bulletin de paie",
        "salaire",
        "brut",
        "notarié",
        "acte de vente",
        "tva ",
        "TVA",
        "total ttc",
        "x",
        "1",
        ".",
        ",",
        "\n",
        "\r\n",
        "cni",
        "CNI",
        "passeport",
        "nationalité",
        "échéance",
        "hypothèque",
        "usufruit",
        "par devant maître",
        "a",
        "e",
        "employeur",
        "urssaf",
        "congés payés",
        "coordonnées bancaires",
        "clé rib",
        "opérations",
        "😀",
        "Ω",
        "ü",
        "Ü",
        "ÿ",
        "Ý",
    ];

    proptest::proptest! {
        /// Same hits as folding, then searching leftmost-longest, on texts short and long
        /// (stretches in lockstep from about 400 bytes on).
        #[test]
        fn same_hits_as_fold_then_search(parts in proptest::collection::vec(
            proptest::sample::select(PIECES), 0..600)) {
            let set = set();
            let text = parts.concat();
            proptest::prop_assert_eq!(hits_of(&set, &text), reference(&set, &text));
        }

        /// Occurrences are every occurrence in the folded text (overlapping ones included).
        #[test]
        fn every_occurrence_is_found(parts in proptest::collection::vec(
            proptest::sample::select(PIECES), 0..600)) {
            let set = set();
            let text = parts.concat();
            let mut occ = Vec::new();
            set.find(&text, &mut occ);
            let folded = super::super::fold(&text);
            // Raw occurrence → folded start, through the fold of the text before it.
            let mut got: Vec<(usize, usize)> = occ
                .iter()
                .map(|o| (super::super::fold(&text[..o.start as usize]).len(), usize::from(o.id)))
                .collect();
            got.sort_unstable();
            let ac = aho_corasick::AhoCorasick::new(set.words()).unwrap();
            let mut want: Vec<(usize, usize)> = ac
                .find_overlapping_iter(&folded)
                .map(|m| (m.start(), m.pattern().as_usize()))
                .collect();
            want.sort_unstable();
            proptest::prop_assert_eq!(got, want);
        }
    }

    proptest::proptest! {
        /// For names and subjects: the same as searching each keyword in the folded text
        /// (anywhere, and at a word boundary as the rules' `contains_word` does).
        #[test]
        fn every_occurrence_hits(parts in proptest::collection::vec(
            proptest::sample::select(PIECES), 0..12)) {
            let set = set();
            let text = parts.concat();
            let folded = super::super::fold(&text);
            let h = Hits::every(&set, &text);
            for (id, w) in set.words().iter().enumerate() {
                proptest::prop_assert_eq!(h.anywhere(id), folded.contains(w), "{}", w);
                proptest::prop_assert_eq!(h.word(id), super::super::contains_word(&folded, w), "{}", w);
            }
        }
    }

    /// A keyword across the start of every stretch, at every offset, in texts just long
    /// enough for the stretches and longer: each found where the whole-text search finds it.
    #[test]
    fn keywords_across_stretch_starts() {
        let set = set();
        let keyword = "Relevé d’identité bancaire";
        for len in [
            STREAMS * set.scanner.warm_up(),
            STREAMS * set.scanner.warm_up() + 3,
            2048,
        ] {
            let q = len / STREAMS;
            for k in 1..STREAMS {
                for back in 0..=keyword.len() {
                    let at = k * q - back;
                    let mut text = "é".repeat(at / 2) + &"x".repeat(at % 2);
                    text.push_str(keyword);
                    while text.len() < len {
                        text.push(' ');
                    }
                    let mut occ = Vec::new();
                    set.find(&text, &mut occ);
                    assert!(
                        occ.iter().any(|o| o.start as usize == at
                            && set.words()[usize::from(o.id)] == "releve d'identite bancaire"),
                        "len {len}, stretch {k}, {back} bytes before it"
                    );
                    assert_eq!(hits_of(&set, &text), reference(&set, &text));
                }
            }
        }
    }

    #[test]
    fn hits_on_a_long_text() {
        let set = set();
        let mut text = String::new();
        for i in 0..400 {
            text.push_str(if i % 7 == 0 {
                "Relevé d’identité BANCAIRE — "
            } else {
                "la réunion aura lieu à 18 h, "
            });
        }
        assert_eq!(hits_of(&set, &text), reference(&set, &text));
        let id = set.id("releve d'identite bancaire").unwrap();
        assert!(hits_of(&set, &text).0[id]);
    }

    #[test]
    fn keyword_limits() {
        let set = set();
        assert!(set.words().len() <= MAX_KEYWORDS);
        assert!(set.words().iter().all(|w| w.is_ascii() && !w.is_empty()));
    }
}
