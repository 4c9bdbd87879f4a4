//! Knobs: the named settings of a run, the same in the URL, the CLI's `--set` and the
//! host-page API. A knob's spec says its values and default; parsing a raw value either
//! gives the value, a clamped value with a note, or a [`KnobError`] that says which knob,
//! what was given and what is allowed.

use std::fmt;

use crate::engine::schedule::Schedule;

pub mod common;

pub use common::{Common, Output};

/// Text from a link or a form as a note may repeat it: control characters (right-to-left
/// overrides and isolates among them, which could turn a note around on screen) left out,
/// and no more than 40 characters, the rest an ellipsis.
pub fn echo(raw: &str) -> String {
    echo_within(raw, 40)
}

/// [`echo`] with room for `longest` characters (for messages that are ours to quote in full,
/// like a decoder's complaint about what it was given).
pub fn echo_within(raw: &str, longest: usize) -> String {
    let bidi =
        |c: char| matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    let mut clean = raw.chars().filter(|c| !c.is_control() && !bidi(*c));
    let mut out: String = clean.by_ref().take(longest).collect();
    if clean.next().is_some() {
        out.push('…');
    }
    out
}

/// What values a knob takes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum KnobKind {
    /// A whole number in `min..=max`; values outside are clamped (with a note).
    Int { min: i64, max: i64 },
    /// A whole number from 0 to `u64::MAX` (seeds).
    Seed,
    /// A decimal number in `min..=max`, clamped like `Int`.
    Decimal { min: f64, max: f64 },
    /// One of a fixed set of words.
    Choice(&'static [&'static str]),
    /// A schedule of picks for the simulated engine ([`Schedule`]); empty is none.
    Schedule,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct KnobSpec {
    pub name: &'static str,
    pub kind: KnobKind,
    /// The default as it would be written in a URL.
    pub default: &'static str,
}

/// A knob's parsed value.
#[derive(Clone, Debug, PartialEq)]
pub enum KnobValue {
    Int(i64),
    Seed(u64),
    Decimal(f64),
    Choice(&'static str),
    Schedule(Schedule),
}

impl fmt::Display for KnobValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KnobValue::Int(v) => write!(f, "{v}"),
            KnobValue::Seed(v) => write!(f, "{v}"),
            KnobValue::Decimal(v) => write!(f, "{v}"),
            KnobValue::Choice(v) => f.write_str(v),
            KnobValue::Schedule(s) => write!(f, "{s}"),
        }
    }
}

/// Why a raw knob value was not taken as given. Each variant names the knob, the value
/// and what is allowed, so the message can say exactly that.
#[derive(Clone, Debug, PartialEq)]
pub enum KnobError {
    /// No knob of this name (for this lesson). `allowed` lists the names there are.
    Unknown { knob: String, allowed: Vec<&'static str> },
    /// Not a number at all; the default is used.
    NotANumber { knob: &'static str, value: String, allowed: KnobKind, default: &'static str },
    /// A number outside the range; it was clamped to the nearest end.
    OutOfRange { knob: &'static str, value: String, allowed: KnobKind, clamped: String },
    /// Not one of the words; the default is used.
    NotAChoice { knob: &'static str, value: String, choices: &'static [&'static str], default: &'static str },
    /// Given more than once; the last value is used.
    Repeated { knob: String, used: String },
    /// Not a schedule; none is used. `why` says which part is wrong.
    NotASchedule { knob: &'static str, value: String, why: String },
}

impl KnobError {
    pub fn knob(&self) -> &str {
        match self {
            KnobError::Unknown { knob, .. } | KnobError::Repeated { knob, .. } => knob,
            KnobError::NotANumber { knob, .. }
            | KnobError::OutOfRange { knob, .. }
            | KnobError::NotAChoice { knob, .. }
            | KnobError::NotASchedule { knob, .. } => knob,
        }
    }
}

impl fmt::Display for KnobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KnobError::Unknown { knob, allowed } => {
                write!(
                    f,
                    "unknown knob `{knob}`; the knobs are {}",
                    allowed.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
                )
            }
            KnobError::NotANumber { knob, value, allowed, default } => {
                write!(f, "`{knob}={value}` is not a number; allowed: {}; using {default}", allowed.describe())
            }
            KnobError::OutOfRange { knob, value, allowed, clamped } => {
                write!(f, "`{knob}={value}` is out of range; allowed: {}; using {clamped}", allowed.describe())
            }
            KnobError::NotAChoice { knob, value, choices, default } => {
                write!(f, "`{knob}={value}` is not one of {}; using {default}", choices.join(" | "))
            }
            KnobError::Repeated { knob, used } => write!(f, "`{knob}` is given more than once; using {used}"),
            KnobError::NotASchedule { knob, value, why } => {
                write!(f, "`{knob}={value}` is not a schedule ({why}); running without one")
            }
        }
    }
}

impl std::error::Error for KnobError {}

impl KnobKind {
    /// The allowed values in English; the page's catalogue has them in every language.
    pub fn describe(&self) -> String {
        match *self {
            KnobKind::Int { min, max } => format!("whole numbers from {min} to {max}"),
            KnobKind::Seed => format!("whole numbers from 0 to {}", u64::MAX),
            KnobKind::Decimal { min, max } => format!("numbers from {min} to {max}"),
            KnobKind::Choice(choices) => choices.join(" | "),
            KnobKind::Schedule => "picks like 40t1x3.12t0 (see the stepper)".to_string(),
        }
    }
}

impl KnobSpec {
    /// Human-readable allowed values, in English (`whole numbers from 1 to 16`, `on | off`).
    pub fn allowed(&self) -> String {
        self.kind.describe()
    }

    pub fn default_value(&self) -> KnobValue {
        self.parse(self.default).expect("a knob's default parses")
    }

    /// Parses strictly: any error means the value was not taken as given.
    pub fn parse(&self, raw: &str) -> Result<KnobValue, KnobError> {
        let raw = raw.trim();
        match self.kind {
            KnobKind::Int { min, max } => match raw.parse::<i128>() {
                Ok(v) if v >= min as i128 && v <= max as i128 => Ok(KnobValue::Int(v as i64)),
                Ok(v) => Err(KnobError::OutOfRange {
                    knob: self.name,
                    value: echo(raw),
                    allowed: self.kind,
                    clamped: (if v < min as i128 { min } else { max }).to_string(),
                }),
                // A decimal or a huge number (never NaN): rounded into range.
                Err(_) => match parse_decimal(raw) {
                    Some(v) => {
                        let clamped = (v.round().clamp(min as f64, max as f64) as i64).to_string();
                        Err(KnobError::OutOfRange { knob: self.name, value: echo(raw), allowed: self.kind, clamped })
                    }
                    None => Err(self.not_a_number(raw)),
                },
            },
            KnobKind::Seed => raw.parse::<u64>().map(KnobValue::Seed).map_err(|_| self.not_a_number(raw)),
            KnobKind::Decimal { min, max } => match parse_decimal(raw) {
                Some(v) if v.is_finite() && (min..=max).contains(&v) => Ok(KnobValue::Decimal(v)),
                Some(v) => Err(KnobError::OutOfRange {
                    knob: self.name,
                    value: echo(raw),
                    allowed: self.kind,
                    clamped: v.clamp(min, max).to_string(),
                }),
                _ => Err(self.not_a_number(raw)),
            },
            KnobKind::Schedule => Schedule::parse(raw).map(KnobValue::Schedule).map_err(|e| KnobError::NotASchedule {
                knob: self.name,
                value: echo(raw),
                why: if e.part.is_empty() { e.why.to_string() } else { format!("`{}`: {}", echo(&e.part), e.why) },
            }),
            KnobKind::Choice(choices) => {
                choices.iter().find(|c| **c == raw).map(|c| KnobValue::Choice(c)).ok_or_else(|| KnobError::NotAChoice {
                    knob: self.name,
                    value: echo(raw),
                    choices,
                    default: self.default,
                })
            }
        }
    }

    /// Parses leniently: the value to use (given, clamped or default) and the note, if any.
    pub fn parse_or_fix(&self, raw: &str) -> (KnobValue, Option<KnobError>) {
        match self.parse(raw) {
            Ok(value) => (value, None),
            Err(error) => {
                let fixed = match &error {
                    KnobError::OutOfRange { clamped, .. } => {
                        self.parse(clamped).unwrap_or_else(|_| self.default_value())
                    }
                    _ => self.default_value(),
                };
                (fixed, Some(error))
            }
        }
    }

    fn not_a_number(&self, raw: &str) -> KnobError {
        KnobError::NotANumber { knob: self.name, value: echo(raw), allowed: self.kind, default: self.default }
    }
}

/// A decimal number as a knob or a box on the page takes it: `2`, `-0.25`, `.5`, `1e-3`
/// (`1e999` is a huge one; `inf`, `nan` and anything else are not numbers). Not
/// `str::parse::<f64>`, whose tables cost the page's wasm 14 KB gzip: up to 15 significant
/// digits and a power of ten within ±22 (the exponent less the digits after the point) it
/// gives the same number (one exact division or multiplication, rounded once); past that,
/// within a rounding or two of it.
pub fn parse_decimal(raw: &str) -> Option<f64> {
    let (negative, rest) = match raw.as_bytes().first()? {
        b'-' => (true, &raw[1..]),
        b'+' => (false, &raw[1..]),
        _ => (false, raw),
    };
    let (number, exponent) = match rest.find(['e', 'E']) {
        Some(at) => (&rest[..at], Some(&rest[at + 1..])),
        None => (rest, None),
    };
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.len() + fraction.len() == 0 || !all_digits(whole) || !all_digits(fraction) {
        return None;
    }
    let mut scale: i64 = match exponent {
        // Clamped: an exponent past ±9999 gives 0 or infinity all the same.
        Some(e) => {
            let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
            if digits.is_empty() || !all_digits(digits) {
                return None;
            }
            let size = digits.trim_start_matches('0').len();
            let magnitude = if size > 4 { 9_999 } else { digits.parse::<i64>().unwrap_or(0) };
            if e.starts_with('-') {
                -magnitude
            } else {
                magnitude
            }
        }
        None => 0,
    };
    // The significant digits in a whole number, those past 19 dropped (a whole-part digit
    // dropped still counts ten).
    let mut mantissa: u64 = 0;
    for (i, b) in whole.bytes().chain(fraction.bytes()).enumerate() {
        let in_fraction = i >= whole.len();
        if mantissa < 1_000_000_000_000_000_000 {
            mantissa = mantissa * 10 + u64::from(b - b'0');
            scale -= i64::from(in_fraction);
        } else {
            scale += i64::from(!in_fraction);
        }
    }
    let m = mantissa as f64;
    let value = match scale {
        // Zero whatever the power (not 0 × infinity).
        _ if mantissa == 0 => 0.0,
        0..=22 => m * 10f64.powi(scale as i32),
        -22..=-1 => m / 10f64.powi(-scale as i32),
        _ => m * 10f64.powi(scale.clamp(-9_999, 9_999) as i32),
    };
    Some(if negative { -value } else { value })
}

/// A full set of knob values for one run: every knob of the specs, given or defaulted.
#[derive(Clone, Debug, PartialEq)]
pub struct KnobValues {
    values: Vec<(KnobSpec, KnobValue)>,
}

impl KnobValues {
    pub fn defaults(specs: &[KnobSpec]) -> Self {
        KnobValues { values: specs.iter().map(|s| (*s, s.default_value())).collect() }
    }

    /// The defaults of the common knobs and a lesson's own.
    pub fn for_lesson(lesson_knobs: &[KnobSpec]) -> Self {
        let mut values = KnobValues::defaults(common::ALL);
        values.values.extend(lesson_knobs.iter().map(|s| (*s, s.default_value())));
        values
    }

    /// Sets a knob strictly: a bad value is an error and changes nothing.
    pub fn set(&mut self, name: &str, raw: &str) -> Result<(), KnobError> {
        let Some(slot) = self.values.iter_mut().find(|(s, _)| s.name == name) else {
            return Err(KnobError::Unknown {
                knob: echo(name),
                allowed: self.values.iter().map(|(s, _)| s.name).collect(),
            });
        };
        slot.1 = slot.0.parse(raw)?;
        Ok(())
    }

    pub fn get(&self, name: &str) -> Option<&KnobValue> {
        self.values.iter().find(|(s, _)| s.name == name).map(|(_, v)| v)
    }

    /// The value of a knob of this set, or why not (a knob the set does not have).
    fn value(&self, name: &str) -> Result<&KnobValue, KnobError> {
        self.get(name).ok_or_else(|| KnobError::Unknown {
            knob: name.to_string(),
            allowed: self.values.iter().map(|(s, _)| s.name).collect(),
        })
    }

    /// A whole-number knob, for [`FromKnobs`]: `Err` names a knob that is not one.
    pub fn whole(&self, name: &str) -> Result<i64, KnobError> {
        match self.value(name)? {
            KnobValue::Int(v) => Ok(*v),
            other => Err(self.wrong(name, other)),
        }
    }

    /// A decimal knob, for [`FromKnobs`].
    pub fn number(&self, name: &str) -> Result<f64, KnobError> {
        match self.value(name)? {
            KnobValue::Decimal(v) => Ok(*v),
            other => Err(self.wrong(name, other)),
        }
    }

    /// A word knob as what it stands for: `of` pairs each word with its meaning.
    pub fn word<T: Copy>(&self, name: &str, of: &[(&str, T)]) -> Result<T, KnobError> {
        match self.value(name)? {
            KnobValue::Choice(word) => match of.iter().find(|(w, _)| w == word) {
                Some((_, meaning)) => Ok(*meaning),
                None => Err(self.wrong(name, &KnobValue::Choice(word))),
            },
            other => Err(self.wrong(name, other)),
        }
    }

    /// A `yes`/`no` knob.
    pub fn yes(&self, name: &str) -> Result<bool, KnobError> {
        self.word(name, &[("yes", true), ("no", false)])
    }

    /// A knob the set has, of another kind than the lesson asks for (a lesson's own bug).
    fn wrong(&self, name: &str, value: &KnobValue) -> KnobError {
        let spec = self.values.iter().find(|(s, _)| s.name == name).map(|(s, _)| *s);
        match spec {
            Some(spec) => KnobError::NotAChoice {
                knob: spec.name,
                value: value.to_string(),
                choices: match spec.kind {
                    KnobKind::Choice(choices) => choices,
                    _ => &[],
                },
                default: spec.default,
            },
            None => KnobError::Unknown { knob: name.to_string(), allowed: Vec::new() },
        }
    }

    /// `name=value` pairs of every knob, for messages and the CLI's JSON.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        self.values.iter().map(|(s, v)| (s.name, v.to_string())).collect()
    }
}

/// A lesson's knobs as one typed struct, parsed once, where a run starts: lessons build
/// and judge runs from the struct and never look a knob up by name.
pub trait FromKnobs: Sized {
    fn from_knobs(values: &KnobValues) -> Result<Self, KnobError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_decimal_gives_what_rust_gives_for_the_numbers_knobs_take_and_refuses_the_rest() {
        let mut checked = 0;
        for mantissa in ["0", "1", "5", "25", "7142857", "123456789012345", "999999999999999", "100000"] {
            for point in 0..=mantissa.len() {
                for exponent in [None, Some(-7), Some(-1), Some(0), Some(3), Some(7)] {
                    for sign in ["", "-", "+"] {
                        let (whole, fraction) = mantissa.split_at(point);
                        let mut text = format!("{sign}{whole}.{fraction}");
                        if let Some(e) = exponent {
                            text.push_str(&format!("e{e}"));
                        }
                        let ours = parse_decimal(&text).unwrap_or_else(|| panic!("{text}"));
                        assert_eq!(ours.to_bits(), text.parse::<f64>().unwrap().to_bits(), "{text}");
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 1_000);
        for (text, value) in [("2", 2.0), (".5", 0.5), ("5.", 5.0), ("1E3", 1000.0), ("1e+2", 100.0), ("-0.25", -0.25)]
        {
            assert_eq!(parse_decimal(text), Some(value), "{text}");
        }
        // Far past what a knob holds: near enough, and infinite or zero where Rust's are.
        let long = "3.14159265358979323846264338327950288";
        assert!((parse_decimal(long).unwrap() - std::f64::consts::PI).abs() < 1e-15);
        assert_eq!(parse_decimal("1e999"), Some(f64::INFINITY));
        assert_eq!(parse_decimal("-1e99999999999"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_decimal("1e-999"), Some(0.0));
        assert_eq!(parse_decimal("0e400"), Some(0.0));
        for bad in
            ["", ".", "-", "+.", "e5", "1e", "1e+", "1..2", "--1", "1-", "inf", "nan", "1_000", "0x10", " 1", "1 "]
        {
            assert_eq!(parse_decimal(bad), None, "{bad:?}");
        }
    }

    const THREADS: KnobSpec = KnobSpec { name: "threads", kind: KnobKind::Int { min: 1, max: 16 }, default: "4" };

    #[test]
    fn in_range_values_are_taken_as_given() {
        assert_eq!(THREADS.parse("7"), Ok(KnobValue::Int(7)));
        assert_eq!(common::GIL.parse("off"), Ok(KnobValue::Choice("off")));
        assert_eq!(common::SEED.parse("18446744073709551615"), Ok(KnobValue::Seed(u64::MAX)));
    }

    #[test]
    fn out_of_range_numbers_are_clamped_with_a_note_naming_the_range() {
        let (value, note) = THREADS.parse_or_fix("-1");
        assert_eq!(value, KnobValue::Int(1));
        let note = note.expect("a note");
        assert!(note.to_string().contains("from 1 to 16"), "{note}");
        assert_eq!(THREADS.parse_or_fix("1e999").0, KnobValue::Int(16));
        assert_eq!(THREADS.parse_or_fix("99999999999999999999999").0, KnobValue::Int(16));
    }

    #[test]
    fn garbage_falls_back_to_the_default_with_a_note() {
        let (value, note) = THREADS.parse_or_fix("abc");
        assert_eq!(value, KnobValue::Int(4));
        assert!(matches!(note, Some(KnobError::NotANumber { .. })));
        let (value, note) = common::SEED.parse_or_fix("1e999");
        assert_eq!(value, KnobValue::Seed(1));
        assert!(note.unwrap().to_string().contains("seed=1e999"));
        let (value, note) = common::ENGINE.parse_or_fix("turbo");
        assert_eq!(value, KnobValue::Choice("sim"));
        assert!(note.unwrap().to_string().contains("sim | live"));
        assert!(common::TIME_SCALE.parse("NaN").is_err());
        assert!(common::TIME_SCALE.parse("inf").is_err());
    }

    /// Regression: `test_panic=yes` in any link made a live run panic on purpose.
    #[test]
    fn only_a_test_build_has_the_test_knob() {
        let mut knobs = KnobValues::for_lesson(&[]);
        let taken = knobs.set("test_panic", "yes");
        assert_eq!(taken.is_ok(), crate::TEST_HOOKS, "{taken:?}");
        if !crate::TEST_HOOKS {
            assert!(matches!(taken, Err(KnobError::Unknown { .. })));
        }
    }

    #[test]
    fn every_common_default_parses() {
        for spec in common::ALL {
            assert_eq!(spec.parse(spec.default).map(|v| v.to_string()), Ok(spec.default.to_string()), "{}", spec.name);
        }
    }
}
