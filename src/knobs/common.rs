//! The knobs every lesson has (LESSONS.md, "Canonical ids and knobs"): their specs, and
//! [`Common`], the typed values a run is built from.

use crate::engine::program::StartMethod;
use crate::engine::python::build::Build;
use crate::engine::schedule::Schedule;
use crate::knobs::{FromKnobs, KnobError, KnobKind, KnobSpec, KnobValue, KnobValues};

/// The knobs every lesson has, typed.
#[derive(Clone, Debug, PartialEq)]
pub struct Common {
    pub live: bool,
    pub seed: u64,
    pub cores: u32,
    pub time_scale: f64,
    pub output: Output,
    /// Whether the GIL is on: `gil=on` and a build with one (`gil=off` and `python=3.13t`
    /// both mean a free-threaded build).
    pub gil: bool,
    /// The CPython modelled, `gil=off` already folded in.
    pub python: Build,
    /// How child processes start: the one the program sets (`start_method`), else the
    /// version's default.
    pub start_method: StartMethod,
    /// Whether the program calls `set_start_method` (the knob is not `default`).
    pub start_method_set: bool,
    pub schedule: Schedule,
    /// Test builds only: a live run's first thread after the main one panics.
    pub test_panic: bool,
}

impl Default for Common {
    /// The common knobs' defaults.
    fn default() -> Common {
        Common::from_knobs(&KnobValues::defaults(ALL)).expect("the common knobs' defaults are their own values")
    }
}

/// How `print` reaches the console (`output`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Output {
    Tty,
    Pipe,
    Unbuffered,
}

impl FromKnobs for Common {
    fn from_knobs(values: &KnobValues) -> Result<Common, KnobError> {
        let gil_on = values.word("gil", &[("on", true), ("off", false)])?;
        let python = match values.value("python")? {
            KnobValue::Choice(value) => {
                Build::from_knob(value).ok_or_else(|| values.wrong("python", &KnobValue::Choice(value)))?
            }
            other => return Err(values.wrong("python", other)),
        };
        let python = if gil_on { python } else { python.without_gil() };
        let start_method_set = values.word(
            "start_method",
            &[
                ("default", None),
                ("fork", Some(StartMethod::Fork)),
                ("spawn", Some(StartMethod::Spawn)),
                ("forkserver", Some(StartMethod::Forkserver)),
            ],
        )?;
        Ok(Common {
            live: values.word("engine", &[("sim", false), ("live", true)])?,
            seed: match values.value("seed")? {
                KnobValue::Seed(seed) => *seed,
                other => return Err(values.wrong("seed", other)),
            },
            cores: values.whole("cores")? as u32,
            time_scale: values.number("time_scale")?,
            output: values
                .word("output", &[("tty", Output::Tty), ("pipe", Output::Pipe), ("unbuffered", Output::Unbuffered)])?,
            gil: python.is_gil_enabled() != Some(false),
            python,
            start_method: start_method_set.unwrap_or_else(|| python.default_start_method()),
            start_method_set: start_method_set.is_some(),
            schedule: match values.value("schedule")? {
                KnobValue::Schedule(schedule) => schedule.clone(),
                other => return Err(values.wrong("schedule", other)),
            },
            test_panic: values.get("test_panic") == Some(&KnobValue::Choice("yes")),
        })
    }
}

pub const ENGINE: KnobSpec = KnobSpec { name: "engine", kind: KnobKind::Choice(&["sim", "live"]), default: "sim" };
pub const SEED: KnobSpec = KnobSpec { name: "seed", kind: KnobKind::Seed, default: "1" };
/// Virtual cores of the simulated machine. The page's default is the learner's
/// `hardwareConcurrency`, written into the link so a shared run is identical.
pub const CORES: KnobSpec = KnobSpec { name: "cores", kind: KnobKind::Int { min: 1, max: 64 }, default: "2" };
/// Real time per second of the program's own time, for live runs of long sleeps.
pub const TIME_SCALE: KnobSpec =
    KnobSpec { name: "time_scale", kind: KnobKind::Decimal { min: 0.001, max: 1.0 }, default: "1" };
pub const OUTPUT: KnobSpec =
    KnobSpec { name: "output", kind: KnobKind::Choice(&["tty", "pipe", "unbuffered"]), default: "tty" };
pub const GIL: KnobSpec = KnobSpec { name: "gil", kind: KnobKind::Choice(&["on", "off"]), default: "on" };
pub const PYTHON: KnobSpec =
    KnobSpec { name: "python", kind: KnobKind::Choice(crate::engine::python::build::KNOB_VALUES), default: "3.11" };
/// `multiprocessing.set_start_method(...)`, or none (`default`: the version's own).
pub const START_METHOD: KnobSpec = KnobSpec {
    name: "start_method",
    kind: KnobKind::Choice(&["default", "fork", "spawn", "forkserver"]),
    default: "default",
};
pub const LANG: KnobSpec = KnobSpec { name: "lang", kind: KnobKind::Choice(&["en", "ko"]), default: "en" };

/// Test builds only ([`crate::TEST_HOOKS`]), never in a form: a live run's first thread
/// after the main one panics, so the tests can prove a panic is reported and the next
/// run works.
pub const TEST_PANIC: KnobSpec = KnobSpec { name: "test_panic", kind: KnobKind::Choice(&["no", "yes"]), default: "no" };

/// Turns of a simulated run given to chosen threads (the stepper writes it; a link
/// with it replays the same interleaving). Never in the form.
pub const SCHEDULE: KnobSpec = KnobSpec { name: "schedule", kind: KnobKind::Schedule, default: "" };

pub const ALL: &[KnobSpec] = if crate::TEST_HOOKS {
    &[ENGINE, SEED, CORES, TIME_SCALE, OUTPUT, GIL, PYTHON, START_METHOD, LANG, SCHEDULE, TEST_PANIC]
} else {
    &[ENGINE, SEED, CORES, TIME_SCALE, OUTPUT, GIL, PYTHON, START_METHOD, LANG, SCHEDULE]
};
