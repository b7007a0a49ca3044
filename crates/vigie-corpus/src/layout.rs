//! How identifiers are written: grouped by 4 with spaces, non-breaking spaces, dots, dashes,
//! split across a line break, or compact — the layouts found in real French mail, which a
//! detector must all read.

use crate::rng::Rng;

/// Separator placed between the groups of a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sep {
    Space,
    /// U+00A0, what word processors put in « FR76 3000 … » to keep it on one line.
    Nbsp,
    /// U+202F, the narrow non-breaking space of French typography (UTF-8 text only).
    NarrowNbsp,
    Dot,
    Dash,
    /// No separator at all.
    Compact,
}

impl Sep {
    pub fn as_str(self) -> &'static str {
        match self {
            Sep::Space => " ",
            Sep::Nbsp => "\u{a0}",
            Sep::NarrowNbsp => "\u{202f}",
            Sep::Dot => ".",
            Sep::Dash => "-",
            Sep::Compact => "",
        }
    }
}

/// A layout: a separator, and whether the value is cut by a line break in its middle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    pub sep: Sep,
    pub split_line: bool,
}

impl Layout {
    pub const SPACED: Layout = Layout {
        sep: Sep::Space,
        split_line: false,
    };
    pub const COMPACT: Layout = Layout {
        sep: Sep::Compact,
        split_line: false,
    };

    /// A random layout, weighted like real mail. `unicode` allows U+202F, which single-byte
    /// charsets cannot carry.
    pub fn random(rng: &mut Rng, unicode: bool) -> Layout {
        let sep = *rng.weighted(&[
            (45, Sep::Space),
            (18, Sep::Compact),
            (10, Sep::Nbsp),
            (if unicode { 8 } else { 0 }, Sep::NarrowNbsp),
            (7, Sep::Dot),
            (7, Sep::Dash),
        ]);
        Layout {
            sep,
            split_line: rng.chance(1, 10),
        }
    }
}

/// A random layout fit for a file: no U+202F in PDFs (WinAnsi cannot carry it), no line break
/// in spreadsheets (it would split the value over two cells, which is no longer one value).
pub fn for_file(rng: &mut Rng, file_name: &str, unicode_text: bool) -> Layout {
    let lower = file_name.to_ascii_lowercase();
    let unicode = unicode_text && !lower.ends_with(".pdf");
    let mut l = Layout::random(rng, unicode);
    if lower.ends_with(".xlsx") || lower.ends_with(".ods") {
        l.split_line = false;
    }
    l
}

/// Writes `value` in groups of the given sizes (the last size repeats) with `layout`.
pub fn grouped(value: &str, sizes: &[usize], layout: Layout) -> String {
    let chars: Vec<char> = value.chars().collect();
    let mut groups: Vec<String> = Vec::new();
    let mut i = 0;
    let mut k = 0;
    while i < chars.len() {
        let size = sizes.get(k).or(sizes.last()).copied().unwrap_or(4).max(1);
        let end = (i + size).min(chars.len());
        groups.push(chars[i..end].iter().collect());
        i = end;
        k += 1;
    }
    join_groups(&groups, layout)
}

fn join_groups(groups: &[String], layout: Layout) -> String {
    let mut out = String::new();
    let cut = if layout.split_line && groups.len() > 1 {
        groups.len().div_ceil(2)
    } else {
        usize::MAX
    };
    for (i, g) in groups.iter().enumerate() {
        if i > 0 {
            if i == cut {
                out.push('\n');
            } else {
                out.push_str(layout.sep.as_str());
            }
        }
        out.push_str(g);
    }
    out
}

/// IBAN by groups of 4 (« FR76 3000 6000 0112 3456 7890 189 »).
pub fn iban(value: &str, layout: Layout) -> String {
    grouped(value, &[4], layout)
}

/// SIREN as « 732 829 320 ».
pub fn siren(value: &str, layout: Layout) -> String {
    grouped(value, &[3], layout)
}

/// SIRET as « 732 829 320 00074 ».
pub fn siret(value: &str, layout: Layout) -> String {
    grouped(value, &[3, 3, 3, 5], layout)
}

/// NIR as « 1 84 12 76 451 089 46 ».
pub fn nir(value: &str, layout: Layout) -> String {
    grouped(value, &[1, 2, 2, 2, 3, 3, 2], layout)
}

/// VAT as « FR 40 303 265 045 ».
pub fn vat(value: &str, layout: Layout) -> String {
    grouped(value, &[2, 2, 3], layout)
}

/// Card as « 4970 1012 3456 7899 ».
pub fn card(value: &str, layout: Layout) -> String {
    grouped(value, &[4], layout)
}

/// Numéro fiscal as on the avis d'impôt: « 30 12 345 678 901 ».
pub fn spi(value: &str, layout: Layout) -> String {
    grouped(value, &[2, 2, 3], layout)
}

/// French phone number, national or international form.
pub fn phone(ten_digits: &str, international: bool, sep: &str) -> String {
    let groups: Vec<&str> = (0..5)
        .map(|i| ten_digits.get(i * 2..i * 2 + 2).unwrap_or(""))
        .collect();
    if international {
        format!(
            "+33{sep}{}{sep}{}",
            &ten_digits[1..2],
            groups[1..].join(sep)
        )
    } else {
        groups.join(sep)
    }
}

/// Normal form of a planted value: upper case, without spaces (of any kind), line breaks,
/// dots or dashes. The same rule as `vigie-scan`'s `Detection::value`.
pub fn normalise(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_whitespace() && *c != '.' && *c != '-' && *c != '\u{202f}')
        .flat_map(char::to_uppercase)
        .collect()
}

/// A French amount: « 1 234,56 € » with a non-breaking space before the euro sign and as
/// thousands separator, as LibreOffice and Word write it.
pub fn amount(cents: i64, thousands: &str) -> String {
    let euros = cents / 100;
    let c = (cents % 100).abs();
    let digits = euros.abs().to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(thousands);
        }
        out.push(ch);
    }
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}{out},{c:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups() {
        let v = "FR1420041010050500013M02606";
        assert_eq!(iban(v, Layout::SPACED), "FR14 2004 1010 0505 0001 3M02 606");
        assert_eq!(iban(v, Layout::COMPACT), v);
        let split = Layout {
            sep: Sep::Space,
            split_line: true,
        };
        assert_eq!(iban(v, split), "FR14 2004 1010 0505\n0001 3M02 606");
        assert_eq!(siret("73282932000074", Layout::SPACED), "732 829 320 00074");
        assert_eq!(
            nir("269054958815780", Layout::SPACED),
            "2 69 05 49 588 157 80"
        );
        assert_eq!(vat("FR40303265045", Layout::SPACED), "FR 40 303 265 045");
        assert_eq!(
            normalise("fr14 2004.1010-0505\n\u{a0}\u{202f}0001"),
            "FR14200410100505".to_string() + "0001"
        );
    }

    #[test]
    fn phones_and_amounts() {
        assert_eq!(phone("0612345678", false, " "), "06 12 34 56 78");
        assert_eq!(phone("0380123456", true, " "), "+33 3 80 12 34 56");
        assert_eq!(amount(123456, "\u{a0}"), "1\u{a0}234,56");
        assert_eq!(amount(5, " "), "0,05");
        assert_eq!(amount(100000000, " "), "1 000 000,00");
    }
}
