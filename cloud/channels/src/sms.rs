//! SMS text rules: Polish (and other) diacritics folded to plain letters, characters outside
//! the GSM-7 alphabet removed, and the length counted the way the network bills it.
//!
//! One Polish letter switches a whole SMS from GSM-7 (160 characters, 153 per part when
//! concatenated) to UCS-2 (70, 67 per part), so folding more than doubles what fits in one
//! part. Every change is returned so the user is told what was replaced or removed (the seed's
//! "Komunikat o zastąpieniu polskich znaków"). GSM-7 extension characters (`€ [ ] { } ^ ~ \ |`
//! and form feed) are kept but cost two septets.

use std::fmt;

use inkaso_shared::{Lang, Localized};
use serde::{Deserialize, Serialize};

/// Most parts SMSAPI concatenates (`max_parts` ≤ 6).
pub const MAX_PARTS: u8 = 6;

/// The GSM 03.38 basic alphabet (one septet each).
const GSM7_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// The GSM 03.38 extension table (escape + character: two septets each).
const GSM7_EXTENSION: &str = "\u{c}^{}\\[~]|€";

/// Whether `c` is in the GSM-7 basic alphabet.
pub fn is_gsm7_basic(c: char) -> bool {
    GSM7_BASIC.contains(c)
}

/// Whether `c` is in the GSM-7 extension table.
pub fn is_gsm7_extension(c: char) -> bool {
    GSM7_EXTENSION.contains(c)
}

/// The plain replacement for a letter with a diacritic or a typographic sign; `None` when the
/// character has no replacement.
fn replacement(c: char) -> Option<&'static str> {
    Some(match c {
        'ą' | 'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'ă' => "a",
        'Ą' | 'Á' | 'À' | 'Â' | 'Ä' | 'Ã' | 'Å' | 'Ă' => "A",
        'ć' | 'č' | 'ç' => "c",
        'Ć' | 'Č' | 'Ç' => "C",
        'ę' | 'é' | 'è' | 'ê' | 'ë' | 'ě' => "e",
        'Ę' | 'É' | 'È' | 'Ê' | 'Ë' | 'Ě' => "E",
        'ł' => "l",
        'Ł' => "L",
        'ń' | 'ñ' | 'ň' => "n",
        'Ń' | 'Ñ' | 'Ň' => "N",
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' | 'ő' => "o",
        'Ó' | 'Ò' | 'Ô' | 'Ö' | 'Õ' | 'Ø' | 'Ő' => "O",
        'ś' | 'š' | 'ș' | 'ş' => "s",
        'Ś' | 'Š' | 'Ș' | 'Ş' => "S",
        'ź' | 'ż' | 'ž' => "z",
        'Ź' | 'Ż' | 'Ž' => "Z",
        'í' | 'ì' | 'î' | 'ï' => "i",
        'Í' | 'Ì' | 'Î' | 'Ï' => "I",
        'ú' | 'ù' | 'û' | 'ü' | 'ů' | 'ű' => "u",
        'Ú' | 'Ù' | 'Û' | 'Ü' | 'Ů' | 'Ű' => "U",
        'ý' | 'ÿ' => "y",
        'Ý' => "Y",
        'ř' => "r",
        'Ř' => "R",
        'ť' => "t",
        'Ť' => "T",
        'ď' => "d",
        'Ď' => "D",
        'ß' => "ss",
        'æ' => "ae",
        'Æ' => "AE",
        'œ' => "oe",
        'Œ' => "OE",
        '„' | '”' | '“' | '«' | '»' | '″' => "\"",
        '‘' | '’' | '‚' | '′' | '`' => "'",
        '–' | '—' | '‑' | '−' | '•' => "-",
        '…' => "...",
        '\u{a0}' | '\u{202f}' | '\u{2009}' | '\t' => " ",
        '×' => "x",
        _ => return None,
    })
}

/// One kind of change made to a text, with how many times it was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmsChange {
    /// The character found.
    pub from: char,
    /// What it became; empty when removed.
    pub to: String,
    /// How many times.
    pub count: usize,
}

impl Localized for SmsChange {
    fn message(&self, lang: Lang) -> String {
        match (lang, self.to.is_empty()) {
            (Lang::Pl, false) => format!(
                "zastąpiono „{}” przez „{}” ({}×)",
                self.from, self.to, self.count
            ),
            (Lang::Pl, true) => format!("usunięto znak „{}” ({}×)", self.from, self.count),
            (Lang::En, false) => format!(
                "replaced \"{}\" with \"{}\" ({}×)",
                self.from, self.to, self.count
            ),
            (Lang::En, true) => format!("removed \"{}\" ({}×)", self.from, self.count),
        }
    }
}

/// A text folded to the GSM-7 alphabet, with the changes made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Folded {
    /// The text to send.
    pub text: String,
    /// What was replaced or removed, in order of first occurrence.
    pub changes: Vec<SmsChange>,
}

/// Replaces diacritics by plain letters and typographic signs by their ASCII forms, and removes
/// every other character outside GSM-7. Letters with diacritics that GSM-7 happens to contain
/// (`é`, `ä`, `ñ`) are folded too, so a message reads the same whatever its origin.
pub fn fold(text: &str) -> Folded {
    let mut out = String::with_capacity(text.len());
    let mut changes: Vec<SmsChange> = Vec::new();
    let mut record = |from: char, to: &str| {
        if let Some(c) = changes.iter_mut().find(|c| c.from == from) {
            c.count += 1;
        } else {
            changes.push(SmsChange {
                from,
                to: to.to_owned(),
                count: 1,
            });
        }
    };
    for c in text.chars() {
        if let Some(r) = replacement(c) {
            out.push_str(r);
            record(c, r);
        } else if c.is_ascii() && (is_gsm7_basic(c) || is_gsm7_extension(c)) {
            out.push(c);
        } else if !c.is_ascii() && (is_gsm7_basic(c) || is_gsm7_extension(c)) {
            // £, ¥, §, €, Greek capitals: in GSM-7, so they cost nothing extra.
            out.push(c);
        } else {
            record(c, "");
        }
    }
    Folded { text: out, changes }
}

/// How an SMS is encoded on the air.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    /// 7-bit default alphabet: 160 septets, 153 per concatenated part.
    Gsm7,
    /// UCS-2: 70 UTF-16 units, 67 per concatenated part.
    Ucs2,
}

/// The length of an SMS as the network counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmsLength {
    /// The encoding the text needs.
    pub encoding: Encoding,
    /// Characters as the user sees them.
    pub chars: usize,
    /// Septets (GSM-7, extension characters count 2) or UTF-16 units (UCS-2).
    pub units: usize,
    /// Parts the message is split into (0 for an empty text).
    pub parts: usize,
}

impl SmsLength {
    /// Units that still fit in the last part: what the editor shows as "remaining".
    pub fn remaining_in_part(&self) -> usize {
        let (single, multi) = limits(self.encoding);
        if self.parts <= 1 {
            single.saturating_sub(self.units)
        } else {
            (multi * self.parts).saturating_sub(self.units)
        }
    }
}

impl fmt::Display for SmsLength {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} [części: {}]", self.chars, self.parts)
    }
}

fn limits(encoding: Encoding) -> (usize, usize) {
    match encoding {
        Encoding::Gsm7 => (160, 153),
        Encoding::Ucs2 => (70, 67),
    }
}

/// Counts `text` as the network does: GSM-7 when every character is in the alphabet
/// (extension characters 2 septets), otherwise UCS-2 in UTF-16 units.
pub fn measure(text: &str) -> SmsLength {
    let chars = text.chars().count();
    let gsm = text.chars().try_fold(0usize, |acc, c| {
        if is_gsm7_basic(c) {
            Some(acc + 1)
        } else if is_gsm7_extension(c) {
            Some(acc + 2)
        } else {
            None
        }
    });
    let (encoding, units) = match gsm {
        Some(septets) => (Encoding::Gsm7, septets),
        None => (Encoding::Ucs2, text.encode_utf16().count()),
    };
    let (single, multi) = limits(encoding);
    let parts = if units == 0 {
        0
    } else if units <= single {
        1
    } else {
        units.div_ceil(multi)
    };
    SmsLength {
        encoding,
        chars,
        units,
        parts,
    }
}

/// Why an SMS cannot be sent as it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SmsError {
    #[error("treść SMS jest pusta")]
    Empty,
    #[error("SMS ma {parts} części, a szablon dopuszcza najwyżej {max}")]
    TooManyParts { parts: usize, max: u8 },
}

impl Localized for SmsError {
    fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::Pl => self.to_string(),
            Lang::En => match self {
                SmsError::Empty => "the SMS text is empty".into(),
                SmsError::TooManyParts { parts, max } => {
                    format!("the SMS has {parts} parts; the template allows at most {max}")
                }
            },
        }
    }
}

/// An SMS ready for the provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreparedSms {
    /// The text to send.
    pub text: String,
    /// What folding changed (shown to the user).
    pub changes: Vec<SmsChange>,
    /// Its length and parts.
    pub length: SmsLength,
}

/// Folds `text` (unless `keep_unicode`, for the rare message that must keep its letters) and
/// checks it against `max_parts` (at most [`MAX_PARTS`] whatever the template says).
pub fn prepare(
    text: &str,
    max_parts: Option<u8>,
    keep_unicode: bool,
) -> Result<PreparedSms, SmsError> {
    let folded = if keep_unicode {
        Folded {
            text: text.to_owned(),
            changes: Vec::new(),
        }
    } else {
        fold(text)
    };
    let trimmed = folded.text.trim();
    if trimmed.is_empty() {
        return Err(SmsError::Empty);
    }
    let text = trimmed.to_owned();
    let length = measure(&text);
    let max = max_parts.unwrap_or(MAX_PARTS).clamp(1, MAX_PARTS);
    if length.parts > usize::from(max) {
        return Err(SmsError::TooManyParts {
            parts: length.parts,
            max,
        });
    }
    Ok(PreparedSms {
        text,
        changes: folded.changes,
        length,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_a_real_polish_reminder_into_one_part() {
        let text = "Dzień dobry, przypominamy o zaległości 1 234,56 zł na kartotece GOK-544. \
                    Prosimy o pilną wpłatę do 31.03.2026. Dziękujemy!";
        // As written: 122 characters, ń/ł/ś/ą/ę force UCS-2 → 70/67 → 2 parts.
        let raw = measure(text);
        assert_eq!(raw.encoding, Encoding::Ucs2);
        assert_eq!(raw.chars, 122);
        assert_eq!(raw.parts, 2);
        let p = prepare(text, Some(1), false).unwrap();
        assert_eq!(
            p.text,
            "Dzien dobry, przypominamy o zaleglosci 1 234,56 zl na kartotece GOK-544. \
             Prosimy o pilna wplate do 31.03.2026. Dziekujemy!"
        );
        assert_eq!(p.length.encoding, Encoding::Gsm7);
        assert_eq!(p.length.units, 122);
        assert_eq!(p.length.parts, 1);
        assert_eq!(p.length.remaining_in_part(), 38);
        let summary: Vec<String> = p.changes.iter().map(|c| c.message(Lang::Pl)).collect();
        assert_eq!(
            summary,
            [
                "zastąpiono „ń” przez „n” (1×)",
                "zastąpiono „ł” przez „l” (3×)",
                "zastąpiono „ś” przez „s” (1×)",
                "zastąpiono „ą” przez „a” (1×)",
                "zastąpiono „ę” przez „e” (2×)",
            ]
        );
    }

    #[test]
    fn removes_special_characters_and_tells_the_user() {
        let p = prepare("Termin „jutro” – zapłać 😀 teraz…", None, false).unwrap();
        assert_eq!(p.text, "Termin \"jutro\" - zaplac  teraz...");
        assert!(p.changes.contains(&SmsChange {
            from: '😀',
            to: String::new(),
            count: 1
        }));
        assert_eq!(
            p.changes
                .iter()
                .find(|c| c.from == '😀')
                .unwrap()
                .message(Lang::En),
            "removed \"😀\" (1×)"
        );
        assert_eq!(p.length.encoding, Encoding::Gsm7);
    }

    #[test]
    fn counts_parts_at_the_boundaries() {
        let a = |n: usize| "a".repeat(n);
        assert_eq!(measure(&a(160)).parts, 1);
        assert_eq!(measure(&a(161)).parts, 2);
        assert_eq!(measure(&a(306)).parts, 2);
        assert_eq!(measure(&a(307)).parts, 3);
        assert_eq!(measure(&a(918)).parts, 6);
        let z = |n: usize| "ż".repeat(n);
        assert_eq!(measure(&z(70)).parts, 1);
        assert_eq!(measure(&z(71)).parts, 2);
        assert_eq!(measure(&z(134)).parts, 2);
        assert_eq!(measure(&z(135)).parts, 3);
        assert_eq!(measure(&z(402)).parts, 6);
        assert_eq!(measure("").parts, 0);
    }

    #[test]
    fn extension_characters_cost_two_septets() {
        // 158 plain + "€" = 160 septets: still one part; one more "[" makes 162 → 2 parts.
        let text = format!("{}€", "a".repeat(158));
        let l = measure(&text);
        assert_eq!(
            (l.encoding, l.chars, l.units, l.parts),
            (Encoding::Gsm7, 159, 160, 1)
        );
        let l = measure(&format!("{text}["));
        assert_eq!((l.units, l.parts), (162, 2));
        // Extension characters survive folding.
        assert_eq!(fold("Kwota 10€ {x}").text, "Kwota 10€ {x}");
    }

    #[test]
    fn a_long_polish_demand_respects_max_parts() {
        let text = "Szanowny Panie, informujemy, że na Pana koncie widnieje zaległość w kwocie \
                    1 234,56 zł z tytułu faktur FS 12/01/2026 i FS 31/02/2026. Prosimy o \
                    uregulowanie należności w terminie 7 dni na rachunek 12 1020 1026 0000 0102 \
                    0304 0506. Brak wpłaty spowoduje skierowanie sprawy na drogę sądową.";
        let err = prepare(text, Some(1), false).unwrap_err();
        assert_eq!(err, SmsError::TooManyParts { parts: 2, max: 1 });
        assert_eq!(
            err.to_string(),
            "SMS ma 2 części, a szablon dopuszcza najwyżej 1"
        );
        let ok = prepare(text, Some(2), false).unwrap();
        assert_eq!(ok.length.parts, 2);
        assert_eq!(ok.length.encoding, Encoding::Gsm7);
        // Kept in Unicode the same 288 characters need ⌈288/67⌉ = 5 parts.
        let unicode = prepare(text, Some(6), true).unwrap();
        assert_eq!(unicode.length.encoding, Encoding::Ucs2);
        assert_eq!((unicode.length.units, unicode.length.parts), (288, 5));
        assert!(unicode.length.parts > ok.length.parts);
        assert_eq!(prepare("  ", None, false), Err(SmsError::Empty));
    }

    #[test]
    fn folding_always_yields_gsm7() {
        let all: String = (0x20u32..0x2000).filter_map(char::from_u32).collect();
        let folded = fold(&all);
        assert_eq!(measure(&folded.text).encoding, Encoding::Gsm7);
        assert_eq!(fold("ZAŻÓŁĆ GĘŚLĄ JAŹŃ").text, "ZAZOLC GESLA JAZN");
    }
}
