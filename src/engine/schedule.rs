//! A schedule: the turns at which someone overruled the simulated engine's own choice of
//! who runs next. Between picks the engine decides as it always does (by virtual time,
//! ties by the seed), so a run is the lesson, its knobs, its seed and this list.
//!
//! Written compactly for links and the CLI: picks separated by `.`, each
//! `<turns the engine chose>t<thread>` and optionally `x<times>` for the same thread on
//! the turns that follow; `<turns>w` lets time pass to the next timer instead. `40t1x3.12t0`:
//! the engine chooses for 40 turns, thread 1 takes the next three, the engine chooses for
//! 12 more, then thread 0 takes one. Thread numbers
//! are the order threads appear in the run (0 is the main thread). Only unreserved URL
//! characters are used, so the string goes into a link as it is.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Turn `turn` (0-based: how many turns were taken before it) goes to `actor`, or, for
/// [`Pick::WAIT`], to no one: time passes to the next timer (a sleep ending, a thread
/// started), as when the OS leaves the running threads off their cores a while.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pick {
    pub turn: u64,
    pub actor: u16,
}

impl Pick {
    /// The actor of a pick that lets time pass instead; written `w`.
    pub const WAIT: u16 = u16::MAX;
}

/// Picks in turn order, at most one per turn. Crosses to the engine worker in its compact
/// text, so a schedule from the page is checked like one from a link.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct Schedule {
    picks: Vec<Pick>,
}

/// Longest schedule a link may carry; a learner's stepping stays far below it.
pub const MAX_SCHEDULE_CHARS: usize = 8_000;

/// Why a schedule string was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScheduleSyntaxError {
    /// The offending part, as given.
    pub part: String,
    pub why: &'static str,
}

impl fmt::Display for ScheduleSyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.part.is_empty() {
            write!(f, "{}", self.why)
        } else {
            write!(f, "`{}`: {}", self.part, self.why)
        }
    }
}

impl std::error::Error for ScheduleSyntaxError {}

impl Schedule {
    /// Picks in any order; later picks of the same turn win.
    pub fn from_picks(mut picks: Vec<Pick>) -> Schedule {
        picks.sort_by_key(|p| p.turn);
        picks.dedup_by(|later, earlier| {
            if later.turn == earlier.turn {
                earlier.actor = later.actor;
                true
            } else {
                false
            }
        });
        Schedule { picks }
    }

    pub fn picks(&self) -> &[Pick] {
        &self.picks
    }

    pub fn is_empty(&self) -> bool {
        self.picks.is_empty()
    }

    pub fn len(&self) -> usize {
        self.picks.len()
    }

    /// This schedule with one more pick after its last.
    pub fn with(&self, pick: Pick) -> Schedule {
        let mut picks: Vec<Pick> = self.picks.iter().copied().filter(|p| p.turn < pick.turn).collect();
        picks.push(pick);
        Schedule { picks }
    }

    /// The picks before `turn` only.
    pub fn before(&self, turn: u64) -> Schedule {
        Schedule { picks: self.picks.iter().copied().filter(|p| p.turn < turn).collect() }
    }

    pub fn parse(text: &str) -> Result<Schedule, ScheduleSyntaxError> {
        let text = text.trim();
        if text.len() > MAX_SCHEDULE_CHARS {
            return Err(ScheduleSyntaxError {
                part: String::new(),
                why: "longer than the 8000 characters a schedule may have",
            });
        }
        let mut picks = Vec::new();
        let mut turn: u64 = 0;
        for part in text.split('.').filter(|p| !p.is_empty()) {
            let bad = |why| ScheduleSyntaxError { part: part.to_string(), why };
            let (head, times) = match part.split_once('x') {
                Some((head, times)) => (head, Some(times)),
                None => (part, None),
            };
            let (gap, actor) = match head.strip_suffix('w') {
                Some(gap) => (gap, "w"),
                None => head.split_once('t').ok_or_else(|| bad("expected <turns>t<thread>, like 40t1"))?,
            };
            let number = |s: &str| -> Result<u64, ScheduleSyntaxError> {
                if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(bad("expected <turns>t<thread>x<times> with whole numbers, like 40t1x3"));
                }
                s.parse().map_err(|_| bad("a number is too large"))
            };
            let gap = number(gap)?;
            let actor = match actor {
                "w" => Pick::WAIT,
                actor => u16::try_from(number(actor)?)
                    .ok()
                    .filter(|a| *a != Pick::WAIT)
                    .ok_or_else(|| bad("no run has that many threads"))?,
            };
            let times = match times {
                Some(t) => number(t)?,
                None => 1,
            };
            if times == 0 || times > 1_000_000 {
                return Err(bad("a thread takes 1 to 1000000 turns in a row"));
            }
            turn = turn.checked_add(gap).filter(|t| *t < u64::MAX / 2).ok_or_else(|| bad("a number is too large"))?;
            for _ in 0..times {
                picks.push(Pick { turn, actor });
                turn += 1;
            }
            if picks.len() > 1_000_000 {
                return Err(bad("more than a million picks"));
            }
        }
        Ok(Schedule { picks })
    }
}

impl From<Schedule> for String {
    fn from(schedule: Schedule) -> String {
        schedule.to_string()
    }
}

impl TryFrom<String> for Schedule {
    type Error = ScheduleSyntaxError;

    fn try_from(text: String) -> Result<Schedule, ScheduleSyntaxError> {
        Schedule::parse(&text)
    }
}

impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut next_turn = 0u64;
        let mut i = 0;
        let mut first = true;
        while i < self.picks.len() {
            let Pick { turn, actor } = self.picks[i];
            let mut times = 1;
            while self.picks.get(i + times).is_some_and(|p| p.actor == actor && p.turn == turn + times as u64) {
                times += 1;
            }
            if !first {
                f.write_str(".")?;
            }
            first = false;
            match actor {
                Pick::WAIT => write!(f, "{}w", turn - next_turn)?,
                actor => write!(f, "{}t{actor}", turn - next_turn)?,
            }
            if times > 1 {
                write!(f, "x{times}")?;
            }
            next_turn = turn + times as u64;
            i += times;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn picks(list: &[(u64, u16)]) -> Schedule {
        Schedule::from_picks(list.iter().map(|&(turn, actor)| Pick { turn, actor }).collect())
    }

    #[test]
    fn the_compact_form_counts_the_engines_turns_between_picks_and_folds_repeats() {
        let s = picks(&[(40, 1), (41, 1), (42, 1), (55, 0)]);
        assert_eq!(s.to_string(), "40t1x3.12t0");
        assert_eq!(Schedule::parse("40t1x3.12t0"), Ok(s));
        assert_eq!(Schedule::parse("0t2.0t2"), Ok(picks(&[(0, 2), (1, 2)])));
        assert_eq!(picks(&[(0, 2), (1, 2)]).to_string(), "0t2x2");
        assert_eq!(Schedule::parse(""), Ok(Schedule::default()));
        let waits = picks(&[(2, Pick::WAIT), (3, Pick::WAIT), (4, 1)]);
        assert_eq!(waits.to_string(), "2wx2.0t1");
        assert_eq!(Schedule::parse("2wx2.0t1"), Ok(waits));
        assert_eq!(Schedule::default().to_string(), "");
    }

    #[test]
    fn malformed_schedules_say_which_part_and_why() {
        for (text, says) in [
            ("40", "`40`: expected <turns>t<thread>"),
            ("4t", "`4t`: expected <turns>t<thread>x<times>"),
            ("at1", "`at1`"),
            ("1t1x0", "1 to 1000000 turns"),
            ("1t99999", "no run has that many threads"),
            ("99999999999999999999t1", "too large"),
            ("1t-1", "whole numbers"),
        ] {
            let e = Schedule::parse(text).unwrap_err().to_string();
            assert!(e.contains(says), "{text}: {e}");
        }
        assert!(Schedule::parse(&"1t1.".repeat(3000)).unwrap_err().to_string().contains("8000"));
    }

    #[test]
    fn a_later_pick_of_the_same_turn_wins_and_with_drops_what_came_after() {
        assert_eq!(picks(&[(3, 1), (3, 2)]).picks(), &[Pick { turn: 3, actor: 2 }]);
        let s = picks(&[(1, 1), (5, 1)]).with(Pick { turn: 3, actor: 0 });
        assert_eq!(s.to_string(), "1t1.1t0");
        assert_eq!(picks(&[(1, 1), (5, 1)]).before(5).to_string(), "1t1");
    }
}
