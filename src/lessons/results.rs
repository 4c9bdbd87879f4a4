//! A run's results as JSON: what `interleave run --json` prints and what the page's
//! "Download results" saves, written once so the two cannot drift.

use serde::{ser::SerializeMap, Serialize, Serializer};

use super::FindingsText;
use crate::engine::python::errors::uncaught;
use crate::engine::trace::{Trace, WaitOn};

/// Name-value pairs written as a JSON object in their own order.
pub struct Ordered<'a, K, V>(pub &'a [(K, V)]);

impl<K: Serialize, V: Serialize> Serialize for Ordered<'_, K, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

/// A lesson's run: its knobs, how it went and what the lesson found in it.
#[derive(Serialize)]
pub struct RunResults<'a, K: Serialize> {
    lesson: &'a str,
    knobs: Ordered<'a, K, String>,
    #[serde(flatten)]
    run: RunFacts,
    findings: FindingsJson<'a>,
    deadlock: Option<Vec<String>>,
    /// Each exception nobody caught, as Python prints it ([`errors`]).
    errors: Vec<String>,
}

impl<'a, K: Serialize> RunResults<'a, K> {
    pub fn new(
        lesson: &'a str,
        knobs: &'a [(K, String)],
        seed: u64,
        live: bool,
        trace: &Trace,
        findings: &'a FindingsText,
    ) -> Self {
        RunResults {
            lesson,
            knobs: Ordered(knobs),
            run: RunFacts::of(trace, seed, live),
            findings: FindingsJson {
                headline: &findings.headline,
                details: &findings.details,
                figures: Ordered(&findings.figures),
            },
            deadlock: deadlock(trace),
            errors: errors(trace),
        }
    }

    /// One line of JSON.
    pub fn to_json(&self) -> String {
        // Strings, numbers and maps with string keys only: writing cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// What the JSON of any run says of it: the engine, its seed, the time, how it ended and
/// what it printed.
#[derive(Serialize)]
pub struct RunFacts {
    engine: &'static str,
    seed: u64,
    python_time_s: f64,
    time_measured: bool,
    outcome: String,
    console: String,
}

impl RunFacts {
    pub fn of(trace: &Trace, seed: u64, live: bool) -> RunFacts {
        RunFacts {
            engine: if live { "live" } else { "sim" },
            seed,
            python_time_s: trace.wall as f64 / 1e9,
            time_measured: live,
            outcome: trace.outcome.word().to_string(),
            console: trace.console_text(),
        }
    }
}

#[derive(Serialize)]
struct FindingsJson<'a> {
    headline: &'a str,
    details: &'a [String],
    figures: Ordered<'a, String, i64>,
}

/// A deadlock's cycle in words, if the run ended in one.
pub fn deadlock(trace: &Trace) -> Option<Vec<String>> {
    let crate::engine::trace::Outcome::Deadlock { cycle } = &trace.outcome else { return None };
    let actor = |a: crate::engine::program::ActorId| trace.actors.get(a.0 as usize).map_or("?", |i| i.name.as_str());
    Some(
        cycle
            .iter()
            .map(|e| {
                let on = match e.on {
                    WaitOn::Object(o) => trace.object_name(o),
                    WaitOn::Actor(a) => actor(a).to_string(),
                };
                format!("{} waits for {on} held by {}", actor(e.waiter), actor(e.holder))
            })
            .collect(),
    )
}

/// Each exception raised, as Python reports it, with the line that raised it in between.
pub fn errors(trace: &Trace) -> Vec<String> {
    trace
        .errors
        .iter()
        .map(|e| {
            let thread = trace.actors.get(e.actor.0 as usize).map_or("?", |a| a.name.as_str());
            let mut lines = uncaught(e.raised_in, thread, &e.exception, &e.message);
            let message_at = lines.iter().position(|l| l.starts_with(&e.exception)).unwrap_or(lines.len() - 1);
            lines.insert(message_at, format!("  line {}", e.line));
            if let Some(origin) = e.origin {
                lines.insert(message_at + 1, format!("  line {origin}"));
            }
            lines.join("\n")
        })
        .collect()
}
