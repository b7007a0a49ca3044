//! Identifiers with their check digits: generators of valid values and of invalid lookalikes.
//!
//! This is deliberately an independent implementation of the checksums (it does not use
//! `vigie-scan`): the corpus is the test oracle of the detectors, and an oracle sharing code
//! with what it tests would share its bugs.
//!
//! Every generator returns the compact value (no separators); [`crate::layout`] writes it the
//! way a person or a program would.

use crate::rng::Rng;

/// Remainder modulo 97 of an alphanumeric string read as a number, letters counting A=10 …
/// Z=35 as in ISO 13616 (IBAN) and ISO 7064.
pub fn mod97_alnum(s: &str) -> u32 {
    let mut r: u32 = 0;
    for c in s.chars() {
        if let Some(d) = c.to_digit(10) {
            r = (r * 10 + d) % 97;
        } else if c.is_ascii_alphabetic() {
            let v = c.to_ascii_uppercase() as u32 - 'A' as u32 + 10;
            r = (r * 100 + v) % 97;
        }
    }
    r
}

/// IBAN lengths per country (ISO 13616 registry), for validation of any IBAN we write or
/// test against.
pub const IBAN_LENGTHS: &[(&str, usize)] = &[
    ("AD", 24),
    ("AT", 20),
    ("BE", 16),
    ("BG", 22),
    ("CH", 21),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DK", 18),
    ("EE", 20),
    ("ES", 24),
    ("FI", 18),
    ("FR", 27),
    ("GB", 22),
    ("GR", 27),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IS", 26),
    ("IT", 27),
    ("LI", 21),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("MC", 27),
    ("MT", 31),
    ("NL", 18),
    ("NO", 15),
    ("PL", 28),
    ("PT", 25),
    ("RO", 24),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
    ("SM", 27),
];

/// The registered IBAN length of a country, if we know it.
pub fn iban_length(country: &str) -> Option<usize> {
    IBAN_LENGTHS
        .iter()
        .find(|(c, _)| *c == country)
        .map(|(_, l)| *l)
}

/// The two check digits of the IBAN of `country` and `bban`.
pub fn iban_check_digits(country: &str, bban: &str) -> String {
    let rearranged = format!("{bban}{country}00");
    format!("{:02}", 98 - mod97_alnum(&rearranged))
}

/// Builds a complete IBAN from its country and BBAN.
pub fn iban_from_bban(country: &str, bban: &str) -> String {
    format!("{country}{}{bban}", iban_check_digits(country, bban))
}

/// ISO 13616 validation: known country, registered length, mod 97 = 1.
pub fn iban_is_valid(iban: &str) -> bool {
    let iban: String = iban.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    let iban = iban.to_ascii_uppercase();
    if iban.len() < 5 || !iban.is_ascii() {
        return false;
    }
    let (country, rest) = iban.split_at(2);
    if iban_length(country) != Some(iban.len()) || !rest[..2].bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let rearranged = format!("{}{}", &iban[4..], &iban[..4]);
    mod97_alnum(&rearranged) == 1
}

/// Value of one character of a French account number in the RIB key: digits are themselves,
/// letters follow the Banque de France table (A,J→1 B,K,S→2 … I,R,Z→9).
fn rib_char_value(c: char) -> u64 {
    match c.to_ascii_uppercase() {
        d @ '0'..='9' => u64::from(d as u8 - b'0'),
        'A' | 'J' => 1,
        'B' | 'K' | 'S' => 2,
        'C' | 'L' | 'T' => 3,
        'D' | 'M' | 'U' => 4,
        'E' | 'N' | 'V' => 5,
        'F' | 'O' | 'W' => 6,
        'G' | 'P' | 'X' => 7,
        'H' | 'Q' | 'Y' => 8,
        'I' | 'R' | 'Z' => 9,
        _ => 0,
    }
}

fn rib_number(s: &str) -> u64 {
    s.chars()
        .fold(0u64, |acc, c| (acc * 10 + rib_char_value(c)) % 97)
}

/// French RIB key: 97 − ((89·banque + 15·guichet + 3·compte) mod 97).
pub fn rib_key(bank: &str, branch: &str, account: &str) -> u32 {
    let sum = 89 * rib_number(bank) + 15 * rib_number(branch) + 3 * rib_number(account);
    (97 - sum % 97) as u32
}

/// Whether a 23-character French RIB (5 + 5 + 11 + 2) has a correct key.
pub fn rib_is_valid(rib: &str) -> bool {
    if rib.len() != 23 || !rib.is_ascii() {
        return false;
    }
    let (bank, rest) = rib.split_at(5);
    let (branch, rest) = rest.split_at(5);
    let (account, key) = rest.split_at(11);
    key.parse::<u32>().ok() == Some(rib_key(bank, branch, account))
}

/// Luhn (mod 10) validity of a digit string.
pub fn luhn_is_valid(digits: &str) -> bool {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    luhn_sum(digits, false).is_multiple_of(10)
}

fn luhn_sum(digits: &str, double_first_from_right: bool) -> u32 {
    digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            let double = (i % 2 == 1) != double_first_from_right;
            if double {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum()
}

/// The Luhn check digit to append to `partial`.
pub fn luhn_check_digit(partial: &str) -> char {
    let s = luhn_sum(partial, true);
    char::from(b'0' + ((10 - s % 10) % 10) as u8)
}

/// SIREN of La Poste, whose establishments are numbered too densely for Luhn: their SIRET is
/// valid when the sum of its digits is a multiple of 5.
pub const LA_POSTE_SIREN: &str = "356000000";

pub fn siren_is_valid(siren: &str) -> bool {
    siren.len() == 9 && luhn_is_valid(siren)
}

pub fn siret_is_valid(siret: &str) -> bool {
    if siret.len() != 14 || !siret.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    if siret.starts_with(LA_POSTE_SIREN) {
        let sum: u32 = siret.bytes().map(|b| u32::from(b - b'0')).sum();
        return sum.is_multiple_of(5);
    }
    luhn_is_valid(siret)
}

/// French intra-community VAT key: (12 + 3·(SIREN mod 97)) mod 97.
pub fn vat_key(siren: &str) -> u32 {
    let n: u64 = siren.parse().unwrap_or(0);
    ((12 + 3 * (n % 97)) % 97) as u32
}

pub fn vat_is_valid(vat: &str) -> bool {
    vat.len() == 13
        && vat.starts_with("FR")
        && vat[2..].bytes().all(|b| b.is_ascii_digit())
        && vat[2..4].parse::<u32>().ok() == Some(vat_key(&vat[4..]))
}

/// NIR key: 97 − (n mod 97) over the 13 first characters, Corsica's 2A and 2B counting as 19
/// and 18.
pub fn nir_key(first13: &str) -> u32 {
    let numeric = first13.replace("2A", "19").replace("2B", "18");
    let n: u64 = numeric.parse().unwrap_or(0);
    (97 - n % 97) as u32
}

pub fn nir_is_valid(nir: &str) -> bool {
    nir.len() == 15
        && nir.is_ascii()
        && matches!(&nir[..1], "1" | "2")
        && nir[13..].parse::<u32>().ok() == Some(nir_key(&nir[..13]))
}

/// French tax number (numéro fiscal, SPI): 13 digits, first 0–3, the last three being the
/// first ten modulo 511.
pub fn spi_is_valid(spi: &str) -> bool {
    if spi.len() != 13 || !spi.bytes().all(|b| b.is_ascii_digit()) || spi.as_bytes()[0] > b'3' {
        return false;
    }
    let head: u64 = spi[..10].parse().unwrap_or(0);
    spi[10..].parse::<u64>().ok() == Some(head % 511)
}

// ---------------------------------------------------------------------------------------------
// Generators of valid values.

/// French banks (bank code and usual name). Codes are public; account numbers are random.
pub const FR_BANKS: &[(&str, &str)] = &[
    ("30004", "BNP Paribas"),
    ("30003", "Société Générale"),
    ("20041", "La Banque Postale"),
    ("30002", "LCL"),
    ("10278", "Crédit Mutuel"),
    ("30066", "CIC"),
    ("11006", "Crédit Agricole Champagne-Bourgogne"),
    ("42559", "Crédit Coopératif"),
    ("10807", "Banque Populaire Bourgogne Franche-Comté"),
    ("12506", "Caisse d'Épargne Bourgogne Franche-Comté"),
];

/// A French bank account: the four parts of the RIB and the IBAN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrAccount {
    pub bank: String,
    pub branch: String,
    pub account: String,
    pub key: String,
    pub bank_name: String,
    pub iban: String,
    pub bic: String,
}

impl FrAccount {
    /// The 23-character RIB (banque + guichet + compte + clé).
    pub fn rib(&self) -> String {
        format!("{}{}{}{}", self.bank, self.branch, self.account, self.key)
    }
}

fn bic_for(bank_name: &str, rng: &mut Rng) -> String {
    let letters: String = bank_name
        .chars()
        .filter(|c| c.is_ascii_uppercase())
        .chain("XXXX".chars())
        .take(4)
        .collect();
    format!("{letters}FR{}", rng.pick(&["PP", "P2", "PR", "21"]))
}

/// A French account at a given bank with a given account number (key and IBAN computed).
pub fn fr_account_with(rng: &mut Rng, bank: &str, bank_name: &str, account: String) -> FrAccount {
    let branch = rng.digits(5);
    let key = format!("{:02}", rib_key(bank, &branch, &account));
    let bban = format!("{bank}{branch}{account}{key}");
    FrAccount {
        bank: bank.to_string(),
        branch,
        account,
        key,
        bank_name: bank_name.to_string(),
        iban: iban_from_bban("FR", &bban),
        bic: bic_for(bank_name, rng),
    }
}

/// A random French account at one of [`FR_BANKS`]; about one in six has a letter in the
/// account number, as some banks do.
pub fn fr_account(rng: &mut Rng) -> FrAccount {
    let (bank, name) = *rng.pick(FR_BANKS);
    let account = if rng.chance(1, 6) {
        format!("{}{}{}", rng.digits(5), rng.letters(1), rng.digits(5))
    } else {
        rng.digits(11)
    };
    fr_account_with(rng, bank, name, account)
}

/// The commune's account at the Trésor public (Banque de France, code 30001): these account
/// numbers start with a letter, which exercises the letter table of the RIB key.
pub fn tresor_account(rng: &mut Rng) -> FrAccount {
    let account = format!("C{}0000000", rng.range(210, 219));
    let mut a = fr_account_with(rng, "30001", "Banque de France", account);
    a.bic = "BDFEFRPPCCT".to_string();
    a
}

/// A valid IBAN of another EU country, with its national check digits where the BBAN has some.
pub fn foreign_iban(rng: &mut Rng, country: &str) -> String {
    let bban = match country {
        "DE" => format!("{}{}", rng.digits(8), rng.digits(10)),
        "BE" => {
            let first = rng.digits(10);
            let n: u64 = first.parse().unwrap_or(0);
            let check = match n % 97 {
                0 => 97,
                r => r,
            };
            format!("{first}{check:02}")
        }
        "ES" => {
            let entity = rng.digits(4);
            let office = rng.digits(4);
            let account = rng.digits(10);
            let dc1 = es_control(&format!("00{entity}{office}"));
            let dc2 = es_control(&account);
            format!("{entity}{office}{dc1}{dc2}{account}")
        }
        "IT" => {
            let rest = format!("{}{}{}", rng.digits(5), rng.digits(5), rng.digits(12));
            format!("{}{rest}", it_cin(&rest))
        }
        "NL" => format!(
            "{}{}",
            rng.pick(&["ABNA", "INGB", "RABO", "SNSB", "TRIO"]),
            rng.digits(10)
        ),
        "LU" => format!("{}{}", rng.digits(3), rng.digits(13)),
        "PT" => {
            let head = rng.digits(19);
            let n = mod97_alnum(&format!("{head}00"));
            format!("{head}{:02}", 98 - n)
        }
        "AT" => rng.digits(16),
        "IE" => format!("{}{}", rng.pick(&["AIBK", "BOFI"]), rng.digits(14)),
        "MC" => {
            let a = fr_account(rng);
            a.iban[4..].to_string()
        }
        _ => {
            // Unknown country: build a French one rather than an invalid value.
            return fr_account(rng).iban;
        }
    };
    iban_from_bban(country, &bban)
}

/// Spanish BBAN control digit (weights 1,2,4,8,5,10,9,7,3,6, mod 11).
fn es_control(digits: &str) -> u32 {
    const W: [u32; 10] = [1, 2, 4, 8, 5, 10, 9, 7, 3, 6];
    let s: u32 = digits
        .bytes()
        .zip(W)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    match 11 - s % 11 {
        11 => 0,
        10 => 1,
        d => d,
    }
}

/// Italian CIN letter over ABI + CAB + account.
fn it_cin(s: &str) -> char {
    const ODD: [u32; 26] = [
        1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24,
        23,
    ];
    let sum: u32 = s
        .bytes()
        .enumerate()
        .map(|(i, b)| {
            let v = if b.is_ascii_digit() {
                u32::from(b - b'0')
            } else {
                u32::from(b.to_ascii_uppercase() - b'A')
            };
            if i % 2 == 0 { ODD[v as usize] } else { v }
        })
        .sum();
    char::from(b'A' + (sum % 26) as u8)
}

/// A Luhn-valid payment card number on a test-card-like range (Visa 4…, Mastercard 51–55).
pub fn payment_card(rng: &mut Rng) -> String {
    let prefix = *rng.pick(&[
        "497010", "411111", "400000", "455673", "555555", "510510", "520082",
    ]);
    let partial = format!("{prefix}{}", rng.digits(15 - prefix.len()));
    format!("{partial}{}", luhn_check_digit(&partial))
}

/// A valid NIR. `sex` is 1 or 2, `year` the full birth year.
pub fn nir(rng: &mut Rng, sex: u8, year: i32, month: u32) -> String {
    let dept_commune = match rng.below(20) {
        0 => format!("2A{}", rng.digits(3)),
        1 => format!("2B{}", rng.digits(3)),
        2 => format!("97{}{}", rng.range(1, 4), rng.digits(2)),
        3..=9 => format!("21{:03}", rng.range(1, 710)),
        _ => format!(
            "{}{:03}",
            rng.pick(&["71", "58", "89", "39", "25", "70", "75", "69", "92", "13"]),
            rng.range(1, 600)
        ),
    };
    let head = format!(
        "{sex}{:02}{month:02}{dept_commune}{:03}",
        year.rem_euclid(100),
        rng.range(1, 999)
    );
    format!("{head}{:02}", nir_key(&head))
}

/// A valid SIREN (Luhn), never La Poste's.
pub fn siren(rng: &mut Rng) -> String {
    loop {
        let partial = format!("{}{}", rng.range(1, 9), rng.digits(7));
        let s = format!("{partial}{}", luhn_check_digit(&partial));
        if s != LA_POSTE_SIREN {
            return s;
        }
    }
}

/// A valid SIRET of the company `siren`.
pub fn siret(rng: &mut Rng, siren: &str) -> String {
    if siren == LA_POSTE_SIREN {
        return la_poste_siret(rng);
    }
    let partial = format!("{siren}{}", rng.digits(4));
    format!("{partial}{}", luhn_check_digit(&partial))
}

/// A valid SIRET of a La Poste establishment (digit sum multiple of 5).
pub fn la_poste_siret(rng: &mut Rng) -> String {
    let partial = format!("{LA_POSTE_SIREN}{}", rng.digits(4));
    let sum: u32 = partial.bytes().map(|b| u32::from(b - b'0')).sum();
    let mut last = (5 - sum % 5) % 5;
    if rng.chance(1, 2) {
        last += 5;
    }
    format!("{partial}{last}")
}

/// The French VAT number of `siren`.
pub fn vat(siren: &str) -> String {
    format!("FR{:02}{siren}", vat_key(siren))
}

/// A valid numéro fiscal (SPI).
pub fn spi(rng: &mut Rng) -> String {
    let head = format!("{}{}", rng.range(0, 3), rng.digits(9));
    let n: u64 = head.parse().unwrap_or(0);
    format!("{head}{:03}", n % 511)
}

/// A French identity card number, old format (12 digits: issue year and month, département
/// and office of issue, sequence number).
pub fn cni_old(rng: &mut Rng, issue_year: i32) -> String {
    format!(
        "{:02}{:02}{}{}{}",
        issue_year.rem_euclid(100),
        rng.range(1, 12),
        rng.pick(&["21", "71", "58", "89", "39"]),
        rng.range(1, 5),
        rng.digits(5)
    )
}

/// A French identity card number, format of 2021 onwards (9 characters, letters and digits).
pub fn cni_new(rng: &mut Rng) -> String {
    // Letters that cannot be mistaken for digits, as on the cards.
    let alphabet = b"ABCDEFGHJKLMNPRSTUVWXYZ0123456789";
    format!(
        "{}{}",
        rng.chars_from(b"ABCDEFGHJKLMNPRSTUVWXYZ", 1),
        rng.chars_from(alphabet, 8)
    )
}

/// A French passport number (2 digits, 2 letters, 5 digits).
pub fn passport(rng: &mut Rng) -> String {
    format!(
        "{:02}{}{}",
        rng.range(10, 25),
        rng.letters(2),
        rng.digits(5)
    )
}

/// A plausible password as people choose them.
pub fn password(rng: &mut Rng) -> String {
    const WORDS: &[&str] = &[
        "Tournesol",
        "Mairie",
        "Printemps",
        "Chateau",
        "Lavoir",
        "Bourgogne",
        "Vendanges",
        "Marianne",
        "Soleil",
        "Cantine",
    ];
    const SYMBOLS: &[&str] = &["!", "#", "*", "$", "@", "?", ""];
    let word = *rng.pick(WORDS);
    match rng.below(4) {
        0 => format!("{word}{}{}", rng.range(2015, 2026), rng.pick(SYMBOLS)),
        1 => format!("{word}{}{}", rng.pick(SYMBOLS), rng.digits(2)),
        2 => format!(
            "{}{}{}",
            word.to_lowercase(),
            rng.range(10, 99),
            rng.pick(&["!", "#", "%"])
        ),
        _ => format!(
            "{}{}{}{}",
            rng.chars_from(b"ABCDEFGHJKLMNPQRSTUVWXYZ", 2),
            rng.chars_from(b"abcdefghijkmnopqrstuvwxyz", 3),
            rng.digits(3),
            rng.pick(&["!", "#", "&", "+"])
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// Invalid lookalikes. Each one fails every checksum a detector could try on it, including those
// of the values a valid one would embed (the RIB inside a French IBAN, the SIREN inside a
// SIRET), so a detector that reports it is wrong.

/// A French IBAN with wrong check digits and a wrong RIB key.
pub fn bad_iban(rng: &mut Rng) -> String {
    let a = fr_account(rng);
    let bad_key = (a.key.parse::<u32>().unwrap_or(0) + rng.range(1, 90) as u32) % 97;
    let bban = format!("{}{}{}{:02}", a.bank, a.branch, a.account, bad_key);
    let good = iban_check_digits("FR", &bban);
    let good: u32 = good.parse().unwrap_or(0);
    let mut bad = (good + rng.range(1, 80) as u32) % 97;
    if bad < 2 {
        bad += 2;
    }
    let iban = format!("FR{bad:02}{bban}");
    if iban_is_valid(&iban) || rib_is_valid(&bban) {
        return bad_iban(rng);
    }
    iban
}

/// A 9-digit number that fails Luhn.
pub fn bad_siren(rng: &mut Rng) -> String {
    loop {
        let s = format!("{}{}", rng.range(1, 9), rng.digits(8));
        if !luhn_is_valid(&s) && s != LA_POSTE_SIREN {
            return s;
        }
    }
}

/// A 14-digit number that fails Luhn, whose first nine digits fail it too.
pub fn bad_siret(rng: &mut Rng) -> String {
    loop {
        let s = format!("{}{}", bad_siren(rng), rng.digits(5));
        if !siret_is_valid(&s) {
            return s;
        }
    }
}

/// A 15-character NIR-shaped value with a wrong key.
pub fn bad_nir(rng: &mut Rng) -> String {
    let sex = *rng.pick(&[1u8, 2]);
    let year = rng.range(1940, 2005) as i32;
    let month = rng.range(1, 12) as u32;
    let good = nir(rng, sex, year, month);
    let key: u32 = good[13..].parse().unwrap_or(0);
    let bad = (key + rng.range(1, 90) as u32) % 97;
    let bad = if bad == 0 { 1 } else { bad };
    let s = format!("{}{bad:02}", &good[..13]);
    if nir_is_valid(&s) { bad_nir(rng) } else { s }
}

/// A 16-digit card-like number that fails Luhn.
pub fn bad_card(rng: &mut Rng) -> String {
    loop {
        let s = format!(
            "{}{}",
            rng.pick(&["4970", "4111", "5555", "5132"]),
            rng.digits(12)
        );
        if !luhn_is_valid(&s) {
            return s;
        }
    }
}

/// A VAT-shaped value whose key and SIREN are both wrong.
pub fn bad_vat(rng: &mut Rng) -> String {
    let siren = bad_siren(rng);
    let key = (vat_key(&siren) + rng.range(1, 90) as u32) % 97;
    format!("FR{key:02}{siren}")
}

/// A digit string of length `n` in which no window of 9 or 14 digits passes Luhn, so that
/// reference numbers and phone numbers never look like a SIREN or SIRET by chance.
pub fn safe_digits(rng: &mut Rng, n: usize, first_nonzero: bool) -> String {
    loop {
        let mut s = rng.digits(n);
        if first_nonzero && s.starts_with('0') {
            s.replace_range(0..1, "1");
        }
        if digits_are_safe(&s) {
            return s;
        }
    }
}

/// True when no 9-, 13-, 14-, 15- or 16-digit window of `digits` passes a checksum we plant.
pub fn digits_are_safe(digits: &str) -> bool {
    let d: String = digits.chars().filter(|c| c.is_ascii_digit()).collect();
    for w in [9usize, 13, 14, 15, 16] {
        if d.len() < w {
            continue;
        }
        for start in 0..=d.len() - w {
            let win = &d[start..start + w];
            let bad = match w {
                9 => luhn_is_valid(win),
                13 => spi_is_valid(win),
                14 => siret_is_valid(win),
                15 => nir_is_valid(win),
                _ => luhn_is_valid(win),
            };
            if bad {
                return false;
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_ibans_are_valid() {
        for iban in [
            "GB82WEST12345698765432",
            "FR1420041010050500013M02606",
            "DE89370400440532013000",
            "BE68539007547034",
            "ES9121000418450200051332",
            "IT60X0542811101000000123456",
            "NL91ABNA0417164300",
            "LU280019400644750000",
            "PT50000201231234567890154",
            "AT611904300234573201",
            "MC5811222000010123456789030",
            "IE29AIBK93115212345678",
        ] {
            assert!(iban_is_valid(iban), "{iban}");
        }
        assert!(!iban_is_valid("GB82WEST12345698765433"));
        assert!(!iban_is_valid("FR1420041010050500013M0260"), "wrong length");
        assert_eq!(iban_check_digits("GB", "WEST12345698765432"), "82");
        assert_eq!(iban_check_digits("FR", "20041010050500013M02606"), "14");
    }

    #[test]
    fn published_rib_key_with_letter() {
        assert_eq!(rib_key("20041", "01005", "0500013M026"), 6);
        assert!(rib_is_valid("20041010050500013M02606"));
        assert!(!rib_is_valid("20041010050500013M02607"));
    }

    #[test]
    fn national_checks_of_foreign_bbans() {
        // Known examples: Spanish DC 45 of 2100 0418 / 0200051332, Italian CIN X.
        assert_eq!(es_control("0021000418"), 4);
        assert_eq!(es_control("0200051332"), 5);
        assert_eq!(it_cin("0542811101000000123456"), 'X');
    }

    #[test]
    fn published_siren_siret_vat() {
        assert!(siren_is_valid("732829320"));
        assert!(!siren_is_valid("732829321"));
        assert!(siret_is_valid("73282932000074"));
        assert_eq!(vat_key("303265045"), 40);
        assert!(vat_is_valid("FR40303265045"));
        assert_eq!(vat("732829320"), "FR44732829320");
        assert!(luhn_is_valid("4111111111111111"));
        assert!(luhn_is_valid("5555555555554444"));
    }

    #[test]
    fn la_poste_sirets_use_digit_sum() {
        let mut rng = Rng::new(5, 0);
        for _ in 0..50 {
            let s = la_poste_siret(&mut rng);
            assert!(siret_is_valid(&s), "{s}");
        }
        // Digit sum 15: valid for La Poste although Luhn rejects it.
        assert!(siret_is_valid("35600000000001"));
        assert!(!luhn_is_valid("35600000000001"));
        assert!(!siret_is_valid("35600000000002"));
    }

    #[test]
    fn nir_keys() {
        // Key of the classic example 1 55 08 2A 123 456 → 13 digits with 2A as 19.
        let head = "1550819123456";
        let expected = 97 - head.parse::<u64>().map(|n| n % 97).unwrap_or(0) as u32;
        assert_eq!(nir_key("155082A123456"), expected);
        assert_eq!(nir_key("2690549588157"), 80);
        assert!(nir_is_valid("269054958815780"));
    }

    #[test]
    fn spi_check() {
        let mut rng = Rng::new(9, 0);
        for _ in 0..50 {
            let s = spi(&mut rng);
            assert!(spi_is_valid(&s), "{s}");
            assert!(s.as_bytes()[0] <= b'3');
        }
    }

    #[test]
    fn generated_values_are_valid_and_lookalikes_are_not() {
        let mut rng = Rng::new(2026, 1);
        for _ in 0..300 {
            let a = fr_account(&mut rng);
            assert!(iban_is_valid(&a.iban), "{}", a.iban);
            assert!(rib_is_valid(&a.rib()), "{}", a.rib());
            assert_eq!(&a.iban[4..], a.rib());
            let t = tresor_account(&mut rng);
            assert!(iban_is_valid(&t.iban) && rib_is_valid(&t.rib()));
            for c in ["DE", "BE", "ES", "IT", "NL", "LU", "PT", "AT", "IE", "MC"] {
                let i = foreign_iban(&mut rng, c);
                assert!(iban_is_valid(&i), "{i}");
                assert!(i.starts_with(c));
            }
            assert!(luhn_is_valid(&payment_card(&mut rng)));
            let n = nir(&mut rng, 2, 1961, 7);
            assert!(nir_is_valid(&n), "{n}");
            let s = siren(&mut rng);
            assert!(siren_is_valid(&s));
            assert!(siret_is_valid(&siret(&mut rng, &s)));
            assert!(vat_is_valid(&vat(&s)));
            assert!(spi_is_valid(&spi(&mut rng)));

            let b = bad_iban(&mut rng);
            assert!(!iban_is_valid(&b) && !rib_is_valid(&b[4..]));
            let b = bad_siret(&mut rng);
            assert!(!siret_is_valid(&b) && !siren_is_valid(&b[..9]));
            assert!(!nir_is_valid(&bad_nir(&mut rng)));
            assert!(!luhn_is_valid(&bad_card(&mut rng)));
            let v = bad_vat(&mut rng);
            assert!(!vat_is_valid(&v) && !siren_is_valid(&v[4..]));
            assert!(digits_are_safe(&safe_digits(&mut rng, 10, true)));
        }
    }
}
