//! Generators of valid identifiers and of their French layouts, shared by the property tests
//! (`detectors_props.rs`) and the labelled corpus (`detectors_corpus.rs`), which include this
//! file with `#[path]`.
//!
//! The check digits are computed here independently of `vigie-scan` (big-number arithmetic on
//! strings and `u128`, not the library's digit-by-digit folds): a test oracle sharing code
//! with what it tests would share its bugs. Built on its own, this file is also a test target
//! that checks the generators against published values.

#![allow(dead_code)]

/// SplitMix64: small, deterministic, seedable.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x05EE_D0F7_161E)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    pub fn chance(&mut self, num: u64, den: u64) -> bool {
        self.below(den) < num
    }

    pub fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len() as u64) as usize]
    }

    pub fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'0' + self.below(10) as u8))
            .collect()
    }

    pub fn letters(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'A' + self.below(26) as u8))
            .collect()
    }
}

// ---------------------------------------------------------------------------------------------
// Check digits, computed the long way.

/// Luhn validity, with the doubling table.
pub fn luhn_ok(digits: &str) -> bool {
    const DOUBLE: [u32; 10] = [0, 2, 4, 6, 8, 1, 3, 5, 7, 9];
    let mut sum = 0;
    for (i, c) in digits.chars().rev().enumerate() {
        let Some(d) = c.to_digit(10) else {
            return false;
        };
        sum += if i % 2 == 1 { DOUBLE[d as usize] } else { d };
    }
    !digits.is_empty() && sum % 10 == 0
}

/// Appends the Luhn check digit to `partial`.
pub fn luhn_complete(partial: &str) -> String {
    (0..10)
        .map(|d| format!("{partial}{d}"))
        .find(|s| luhn_ok(s))
        .expect("one of ten digits completes Luhn")
}

/// ISO 13616 value of an alphanumeric string: letters become two digits (A=10 … Z=35), then
/// the decimal string is reduced mod 97 by chunks of 18 digits in `u128`.
pub fn mod97(s: &str) -> u32 {
    let mut decimal = String::new();
    for c in s.chars() {
        if c.is_ascii_digit() {
            decimal.push(c);
        } else {
            decimal.push_str(&(c.to_ascii_uppercase() as u32 - 'A' as u32 + 10).to_string());
        }
    }
    let mut r: u128 = 0;
    for chunk in decimal.as_bytes().chunks(18) {
        let chunk = std::str::from_utf8(chunk).expect("ascii");
        let v: u128 = chunk.parse().expect("digits");
        r = (r * 10u128.pow(chunk.len() as u32) + v) % 97;
    }
    r as u32
}

pub fn iban_ok(iban: &str) -> bool {
    iban.len() > 4 && mod97(&format!("{}{}", &iban[4..], &iban[..4])) == 1
}

/// Builds an IBAN from country and BBAN.
pub fn iban_from_bban(country: &str, bban: &str) -> String {
    let check = 98 - mod97(&format!("{bban}{country}00"));
    format!("{country}{check:02}{bban}")
}

/// RIB key with the letter table, all in one big integer expression.
pub fn rib_key(bank: &str, branch: &str, account: &str) -> u32 {
    let account: String = account
        .chars()
        .map(|c| match c {
            '0'..='9' => c,
            'A' | 'J' => '1',
            'B' | 'K' | 'S' => '2',
            'C' | 'L' | 'T' => '3',
            'D' | 'M' | 'U' => '4',
            'E' | 'N' | 'V' => '5',
            'F' | 'O' | 'W' => '6',
            'G' | 'P' | 'X' => '7',
            'H' | 'Q' | 'Y' => '8',
            _ => '9',
        })
        .collect();
    let b: u128 = bank.parse().expect("bank");
    let g: u128 = branch.parse().expect("branch");
    let c: u128 = account.parse().expect("account");
    (97 - (89 * b + 15 * g + 3 * c) % 97) as u32
}

pub fn rib_ok(rib: &str) -> bool {
    rib.len() == 23
        && rib[21..].parse::<u32>().ok() == Some(rib_key(&rib[..5], &rib[5..10], &rib[10..21]))
}

pub fn nir_key(first13: &str) -> u64 {
    let n: u64 = first13
        .replace("2A", "19")
        .replace("2B", "18")
        .parse()
        .expect("nir digits");
    97 - n % 97
}

pub fn nir_ok(nir: &str) -> bool {
    nir.len() == 15 && nir[13..].parse::<u64>().ok() == Some(nir_key(&nir[..13]))
}

pub fn vat_of(siren: &str) -> String {
    let n: u64 = siren.parse().expect("siren");
    format!("FR{:02}{siren}", (12 + 3 * (n % 97)) % 97)
}

pub fn spi_ok(spi: &str) -> bool {
    spi.len() == 13
        && spi[..10].parse::<u64>().map(|h| h % 511).ok() == spi[10..].parse::<u64>().ok()
}

pub fn la_poste_ok(siret: &str) -> bool {
    siret.starts_with("356000000")
        && siret.chars().filter_map(|c| c.to_digit(10)).sum::<u32>() % 5 == 0
}

// ---------------------------------------------------------------------------------------------
// Valid values.

/// Countries generated by [`iban`] (the property tests cover each).
pub const IBAN_COUNTRIES: &[&str] = &[
    "FR", "DE", "BE", "ES", "IT", "GB", "NL", "CH", "LU", "PT", "AT", "IE", "MC", "PL", "NO",
];

/// A valid IBAN of `country` (one of [`IBAN_COUNTRIES`]).
pub fn iban(rng: &mut Rng, country: &str) -> String {
    let bban = match country {
        "FR" | "MC" => rib(rng),
        "DE" => rng.digits(18),
        "BE" => {
            let head = rng.digits(10);
            let r = head.parse::<u64>().expect("digits") % 97;
            format!("{head}{:02}", if r == 0 { 97 } else { r })
        }
        "ES" => rng.digits(20),
        "IT" => format!("{}{}", rng.letters(1), rng.digits(22)),
        "GB" => format!(
            "{}{}",
            rng.pick(&["NWBK", "BARC", "LOYD", "HBUK", "MIDL"]),
            rng.digits(14)
        ),
        "NL" => format!(
            "{}{}",
            rng.pick(&["ABNA", "INGB", "RABO", "TRIO"]),
            rng.digits(10)
        ),
        "CH" => rng.digits(17),
        "LU" => rng.digits(16),
        "PT" => rng.digits(21),
        "AT" => rng.digits(16),
        "IE" => format!("{}{}", rng.pick(&["AIBK", "BOFI"]), rng.digits(14)),
        "PL" => rng.digits(24),
        "NO" => rng.digits(11),
        other => panic!("no generator for {other}"),
    };
    iban_from_bban(country, &bban)
}

/// A valid RIB (23 characters); one in five accounts has a letter, as some banks issue.
pub fn rib(rng: &mut Rng) -> String {
    let bank = rng.pick(&[
        "30004", "30003", "20041", "30002", "10278", "30066", "11006", "30001",
    ]);
    let branch = rng.digits(5);
    let account = if rng.chance(1, 5) {
        format!("{}{}{}", rng.digits(5), rng.letters(1), rng.digits(5))
    } else {
        rng.digits(11)
    };
    format!(
        "{bank}{branch}{account}{:02}",
        rib_key(bank, &branch, &account)
    )
}

/// A valid card number of a random network.
pub fn card(rng: &mut Rng) -> String {
    let (prefix, len) = match rng.below(9) {
        0 | 1 => ("4".to_string(), 16),
        2 => ("4".to_string(), 13),
        3 => ("4".to_string(), 19),
        4 => (rng.range(51, 55).to_string(), 16),
        5 => (rng.range(2221, 2720).to_string(), 16),
        6 => (rng.pick(&["34", "37"]).to_string(), 15),
        7 => (rng.pick(&["6011", "65", "644", "649"]).to_string(), 16),
        _ => (rng.range(3528, 3589).to_string(), 16),
    };
    let partial = format!("{prefix}{}", rng.digits(len - 1 - prefix.len()));
    luhn_complete(&partial)
}

/// A valid NIR; `corsica` forces département 2A or 2B.
pub fn nir(rng: &mut Rng, corsica: bool) -> String {
    let sex = rng.pick(&["1", "2", "1", "2", "3", "4", "7", "8"]);
    let month = match rng.below(10) {
        0 => rng.range(20, 42),
        1 => rng.range(50, 99),
        _ => rng.range(1, 12),
    };
    let dept = if corsica {
        rng.pick(&["2A", "2B"]).to_string()
    } else {
        match rng.range(1, 99) {
            20 => "21".to_string(),
            d => format!("{d:02}"),
        }
    };
    let head = format!(
        "{sex}{:02}{month:02}{dept}{:03}{:03}",
        rng.below(100),
        rng.range(1, 999),
        rng.range(1, 999)
    );
    format!("{head}{:02}", nir_key(&head))
}

/// A valid SIREN (never La Poste's).
pub fn siren(rng: &mut Rng) -> String {
    loop {
        let s = luhn_complete(&format!("{}{}", rng.range(1, 9), rng.digits(7)));
        if s != "356000000" {
            return s;
        }
    }
}

pub fn siret(rng: &mut Rng, siren: &str) -> String {
    luhn_complete(&format!("{siren}{}", rng.digits(4)))
}

/// A valid SIRET of a La Poste establishment (digit sum a multiple of 5).
pub fn la_poste_siret(rng: &mut Rng) -> String {
    let partial = format!("356000000{}", rng.digits(4));
    let sum: u32 = partial.chars().filter_map(|c| c.to_digit(10)).sum();
    let last = (5 - sum % 5) % 5 + if rng.chance(1, 2) { 5 } else { 0 };
    format!("{partial}{last}")
}

/// A valid numéro fiscal.
pub fn spi(rng: &mut Rng) -> String {
    loop {
        let head = format!("{}{}", rng.range(0, 3), rng.digits(9));
        let h: u64 = head.parse().expect("digits");
        if h != 0 && !head.starts_with("0033") {
            return format!("{head}{:03}", h % 511);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Layouts.

/// Separators people put between groups.
pub const SEPARATORS: &[&str] = &[" ", "\u{a0}", "\u{202f}", ".", "-", ""];

/// How a value is written.
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    pub sep: &'static str,
    /// A line break replaces the separator in the middle (mail clients wrap long lines).
    pub split_line: bool,
    /// Letters in lower case (IBAN, VAT).
    pub lower: bool,
    /// Which of the kind's usual groupings (see [`group_sizes`]).
    pub grouping: usize,
}

impl Layout {
    pub fn random(rng: &mut Rng) -> Layout {
        Layout {
            sep: rng.pick(SEPARATORS),
            split_line: rng.chance(1, 6),
            lower: rng.chance(1, 8),
            grouping: rng.below(8) as usize,
        }
    }
}

/// The usual groupings of a value of `kind` (the last size repeats).
pub fn group_sizes(kind: &str, value: &str, grouping: usize) -> Vec<usize> {
    let options: Vec<Vec<usize>> = match kind {
        "iban" => vec![vec![4]],
        "rib" => vec![vec![5, 5, 11, 2]],
        "card" if value.len() == 15 => vec![vec![4], vec![4, 6, 5]],
        "card" => vec![vec![4]],
        "nir" => vec![vec![1, 2, 2, 2, 3, 3, 2], vec![13, 2]],
        "siren" => vec![vec![3]],
        "siret" => vec![vec![3, 3, 3, 5], vec![9, 5]],
        "vat" => vec![vec![2, 2, 3], vec![4, 3], vec![2, 11]],
        "spi" => vec![vec![2, 2, 3]],
        other => panic!("unknown kind {other}"),
    };
    options[grouping % options.len()].clone()
}

/// Cuts `value` into groups of `sizes` (the last size repeats).
pub fn groups(value: &str, sizes: &[usize]) -> Vec<String> {
    let chars: Vec<char> = value.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut k) = (0, 0);
    while i < chars.len() {
        let size = sizes.get(k).or(sizes.last()).copied().unwrap_or(4).max(1);
        let end = (i + size).min(chars.len());
        out.push(chars[i..end].iter().collect());
        i = end;
        k += 1;
    }
    out
}

/// Writes `value` of `kind` with `layout`.
pub fn render(kind: &str, value: &str, layout: Layout) -> String {
    let gs = groups(value, &group_sizes(kind, value, layout.grouping));
    let cut = if layout.split_line && gs.len() > 1 {
        gs.len().div_ceil(2)
    } else {
        usize::MAX
    };
    let mut out = String::new();
    for (i, g) in gs.iter().enumerate() {
        if i > 0 {
            out.push_str(if i == cut { "\n" } else { layout.sep });
        }
        out.push_str(g);
    }
    if layout.lower {
        out = out.to_lowercase();
    }
    out
}

/// Normal form: upper case, no white space, dots or dashes.
pub fn normalise(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_whitespace() && *c != '.' && *c != '-')
        .flat_map(char::to_uppercase)
        .collect()
}

/// `value` with the digit at the `n`-th digit position (mod the digit count) replaced by a
/// different digit, `delta` in 1..=9 steps further.
pub fn change_digit(value: &str, n: usize, delta: u32) -> String {
    let positions: Vec<usize> = value
        .char_indices()
        .filter(|(_, c)| c.is_ascii_digit())
        .map(|(i, _)| i)
        .collect();
    let p = positions[n % positions.len()];
    let d = value[p..]
        .chars()
        .next()
        .and_then(|c| c.to_digit(10))
        .expect("digit");
    let nd = (d + delta.clamp(1, 9)) % 10;
    format!("{}{}{}", &value[..p], nd, &value[p + 1..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_values() {
        assert!(iban_ok("FR7630006000011234567890189"));
        assert!(iban_ok("GB29NWBK60161331926819"));
        assert!(iban_ok("IT60X0542811101000000123456"));
        assert!(!iban_ok("FR7630006000011234567890188"));
        assert_eq!(
            iban_from_bban("DE", "370400440532013000"),
            "DE89370400440532013000"
        );
        assert!(rib_ok("30006000011234567890189"));
        assert!(rib_ok("20041010050500013M02606"));
        assert!(luhn_ok("4111111111111111") && !luhn_ok("4111111111111112"));
        assert!(nir_ok("184127645108946"));
        assert_eq!(vat_of("303265045"), "FR40303265045");
        assert!(spi_ok("1234567890066"));
        assert!(la_poste_ok("35600000012341"));
    }

    #[test]
    fn generators_are_valid() {
        let mut rng = Rng::new(7);
        for _ in 0..500 {
            for c in IBAN_COUNTRIES {
                let v = iban(&mut rng, c);
                assert!(iban_ok(&v), "{v}");
            }
            assert!(rib_ok(&rib(&mut rng)));
            assert!(luhn_ok(&card(&mut rng)));
            assert!(nir_ok(&nir(&mut rng, false)));
            assert!(nir_ok(&nir(&mut rng, true)));
            let s = siren(&mut rng);
            assert!(luhn_ok(&s) && luhn_ok(&siret(&mut rng, &s)));
            assert!(la_poste_ok(&la_poste_siret(&mut rng)));
            assert!(spi_ok(&spi(&mut rng)));
        }
    }

    #[test]
    fn layouts() {
        let l = Layout {
            sep: " ",
            split_line: false,
            lower: false,
            grouping: 0,
        };
        assert_eq!(render("nir", "184127645108946", l), "1 84 12 76 451 089 46");
        assert_eq!(render("vat", "FR40303265045", l), "FR 40 303 265 045");
        let l = Layout {
            sep: "",
            split_line: true,
            lower: true,
            grouping: 0,
        };
        assert_eq!(
            render("iban", "FR7630006000011234567890189", l),
            "fr76300060000112\n34567890189"
        );
        assert_eq!(
            normalise("fr76 3000.6000-0112\n\u{a0}\u{202f}3"),
            "FR76300060000112".to_string() + "3"
        );
        assert_eq!(change_digit("FR76", 0, 3), "FR06");
        assert_eq!(change_digit("FR76", 1, 9), "FR75");
    }
}
