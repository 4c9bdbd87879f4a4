//! The messages between an embedded page and the page embedding it (the host), version
//! [`VERSION`]: plain objects sent with `postMessage`, each with `interleave: 1` and a
//! `type`; a command may carry an `id` that the answer repeats. Pure: the browser's side
//! only checks where a message comes from and converts it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The version of the messages; a host sends it in every command, the page in every event.
pub const VERSION: u32 = 1;
/// The longest text any field of a command may hold.
pub const MAX_TEXT: usize = 256;
/// The most knobs one command may set.
pub const MAX_KNOBS: usize = 64;

/// A command from the host as it comes: one flat object, the fields of its `type` set.
/// (Flat, so decoding needs no buffering: [`Incoming::command`] makes the typed command.)
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Incoming {
    /// The version the host speaks.
    pub interleave: u32,
    /// Repeated in the answer, so a host can match them.
    #[serde(default)]
    pub id: Option<MessageId>,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    lesson: Option<String>,
    #[serde(default)]
    knobs: Option<BTreeMap<String, KnobText>>,
    #[serde(default, rename = "move")]
    step: Option<StepCommand>,
    #[serde(default)]
    thread: Option<u16>,
    #[serde(default)]
    per_second: Option<u32>,
    #[serde(default)]
    lang: Option<String>,
    #[serde(default)]
    theme: Option<String>,
}

impl Incoming {
    /// The command, or what is missing. Fields a command does not use are ignored (a newer
    /// host may send more).
    pub fn command(self) -> Result<Command, String> {
        let need = |field: Option<String>, name: &str| field.ok_or_else(|| format!("`{}` needs `{name}`", self.kind));
        Ok(match self.kind.as_str() {
            "ping" => Command::Ping,
            "load" => {
                Command::Load { lesson: need(self.lesson.clone(), "lesson")?, knobs: self.knobs.unwrap_or_default() }
            }
            "setKnobs" => {
                Command::SetKnobs { knobs: self.knobs.ok_or_else(|| "`setKnobs` needs `knobs`".to_string())? }
            }
            "run" => Command::Run,
            "cancel" => Command::Cancel,
            "step" => Command::Step {
                step: self.step.ok_or_else(|| "`step` needs `move`".to_string())?,
                thread: self.thread,
                per_second: self.per_second,
            },
            "setLang" => Command::SetLang { lang: need(self.lang.clone(), "lang")? },
            "setTheme" => Command::SetTheme { theme: need(self.theme.clone(), "theme")? },
            "getState" => Command::GetState,
            "exportResult" => Command::ExportResult,
            other => return Err(format!("there is no command `{}`", crate::knobs::echo(other))),
        })
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Answered with `ready`; a host sends it until the page answers.
    Ping,
    /// Open a lesson, with knobs (the others at their defaults).
    Load {
        lesson: String,
        knobs: BTreeMap<String, KnobText>,
    },
    /// Set knobs of the open lesson (or common ones).
    SetKnobs {
        knobs: BTreeMap<String, KnobText>,
    },
    Run,
    Cancel,
    /// A move in the stepper (opening it first if need be): `thread` gets the turn (the
    /// engine chooses without it); `per_second` is the speed of `play`.
    Step {
        step: StepCommand,
        thread: Option<u16>,
        per_second: Option<u32>,
    },
    SetLang {
        lang: String,
    },
    SetTheme {
        theme: String,
    },
    /// Answered with `state`.
    GetState,
    /// Answered with `result`, with the console and a link to the run.
    ExportResult,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum StepCommand {
    Open,
    Turn,
    Wait,
    Play,
    ToEnd,
    Pause,
    Close,
}

/// A knob's value as a host may give it: text, a number or a yes/no.
#[derive(Clone, Debug, PartialEq)]
pub enum KnobText {
    Text(String),
    Number(f64),
    Flag(bool),
}

impl<'de> Deserialize<'de> for KnobText {
    // By hand rather than `untagged`, which buffers every value to try each kind in turn.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<KnobText, D::Error> {
        struct Value;
        impl serde::de::Visitor<'_> for Value {
            type Value = KnobText;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("text, a number or true/false")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<KnobText, E> {
                Ok(KnobText::Text(text.to_string()))
            }
            fn visit_f64<E: serde::de::Error>(self, n: f64) -> Result<KnobText, E> {
                Ok(KnobText::Number(n))
            }
            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<KnobText, E> {
                Ok(KnobText::Number(n as f64))
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<KnobText, E> {
                Ok(KnobText::Number(n as f64))
            }
            fn visit_bool<E: serde::de::Error>(self, yes: bool) -> Result<KnobText, E> {
                Ok(KnobText::Flag(yes))
            }
        }
        deserializer.deserialize_any(Value)
    }
}

impl KnobText {
    /// As the link would write it (`4`, not `4.0`; `yes`/`no`).
    pub fn to_text(&self) -> String {
        match self {
            KnobText::Text(text) => text.clone(),
            KnobText::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            KnobText::Number(n) => n.to_string(),
            KnobText::Flag(yes) => if *yes { "yes" } else { "no" }.to_string(),
        }
    }
}

/// A command's `id` as the host chose it: a number or a short text (a UUID, say); the
/// answer carries it back unchanged.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum MessageId {
    Number(f64),
    Text(String),
}

impl<'de> Deserialize<'de> for MessageId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<MessageId, D::Error> {
        match KnobText::deserialize(deserializer)? {
            KnobText::Number(n) => Ok(MessageId::Number(n)),
            KnobText::Text(text) => Ok(MessageId::Text(text)),
            KnobText::Flag(_) => Err(serde::de::Error::custom("`id` is a number or a text")),
        }
    }
}

/// An event for the host, with its envelope.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Outgoing {
    pub interleave: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<MessageId>,
    #[serde(flatten)]
    pub event: Event,
}

impl Outgoing {
    pub fn new(event: Event, id: Option<MessageId>) -> Outgoing {
        Outgoing { interleave: VERSION, id, event }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Event {
    /// The answer to `ping`: what this page can do.
    Ready {
        version: u32,
        isolated: bool,
        /// `sim`, and `live` where the page is isolated.
        engines: Vec<&'static str>,
        lang: &'static str,
        theme: &'static str,
        lesson: Option<&'static str>,
    },
    /// What the page shows, whenever it changes (and on `getState`).
    State(PageState),
    /// How far the run under way has got (`total` 0: simulated, `elapsed_ns` is Python time).
    #[serde(rename_all = "camelCase")]
    Progress { done: u64, total: u64, elapsed_ns: u64 },
    /// A run ended: its findings and figures.
    Result(RunResult),
    /// A run ended in a deadlock: who waits for what, held by whom.
    Deadlock { cycle: Vec<DeadlockEdge> },
    /// The page's content is this tall, in CSS pixels.
    Resize { height: u32 },
    /// A command was refused; nothing changed.
    Error { code: ErrorCode, message: String },
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PageState {
    pub lesson: Option<&'static str>,
    /// The knobs that differ from their defaults, as the link gives them.
    pub knobs: BTreeMap<String, String>,
    /// `idle`, `running`, `cancelling`, `stepping`, `exploring`, `checking` or `failed`.
    pub phase: &'static str,
    pub engine: String,
    pub lang: &'static str,
    pub theme: &'static str,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunResult {
    pub run: u32,
    pub lesson: &'static str,
    pub engine: &'static str,
    /// `completed`, `deadlock`, `stuck`, `cancelled`, `deadline` or `panicked`.
    pub outcome: &'static str,
    pub headline: String,
    pub details: Vec<String>,
    pub figures: BTreeMap<String, i64>,
    /// Measured (live) or Python (simulated) time of the run.
    pub time_ms: f64,
    /// With `exportResult`: the console as the page has it, and a link to this run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub console: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeadlockEdge {
    pub waiter: String,
    pub waits_for: String,
    pub held_by: String,
}

/// Why a command was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorCode {
    /// Not a command of this version: an unknown type, a missing field or one of the wrong
    /// kind (fields a command does not use are ignored).
    Malformed,
    /// The host speaks another version.
    Version,
    TooLong,
    UnknownLesson,
    /// A knob the lesson does not have, or a value it does not take.
    BadKnob,
    /// No lesson is open for a command that needs one.
    NoLesson,
    /// Something else runs, or the engine worker is not ready.
    Busy,
    /// `exportResult` before any run ended.
    NoResult,
    /// The host's run ended without a result: it failed, or the engine restarted, or another
    /// lesson was opened.
    RunEnded,
    BadValue,
}
