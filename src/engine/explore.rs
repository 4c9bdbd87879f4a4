//! Exploring a program: many runs of the simulated engine, over seeds and over schedules,
//! each judged by a breaking figure the [`Subject`] computes from the run (for a lesson: an
//! update lost, a deadlock, a result missed). Pure and sliced, so the CLI runs it in a loop
//! and the engine worker a slice at a time between messages.
//!
//! The search over schedules is breadth-first in the number of picks (turns given to
//! another thread than the engine would run), up to a bound: every run with no pick, then
//! every run with one, then two. A run's children add one pick after its last, at a turn
//! where the thread the engine chose was about to touch something others can see (a
//! shared variable, a lock, a start, a join, a print); picks elsewhere only move the same
//! interleaving in time. A pick gives the turn to another thread that could run, or lets
//! time pass (a thread still starting gets going first). So the first breaking run found
//! has the fewest picks there are.

use std::collections::{BTreeMap, VecDeque};

use serde::{Deserialize, Serialize};

use crate::engine::program::Program;
use crate::engine::schedule::{Pick, Schedule};
use crate::engine::sim::{Sim, SimError, SimSettings, StepResult};
use crate::engine::trace::Trace;

/// Runs an exploration may make at most: enough to cover small lessons exhaustively.
pub const MAX_RUNS: u64 = 100_000;
/// Seeds an exploration may cover.
pub const MAX_SEEDS: u64 = 100_000;
/// The largest bound on picks per run.
pub const MAX_PICKS: u32 = 3;
/// Simulated steps an exploration may plan in all (runs times their size): a minute or so
/// in the browser. Whoever starts one refuses larger ones up front ([`ExploreRequest::planned_runs`]).
pub const BUDGET_STEPS: u64 = 400_000_000;

/// What an exploration runs, and what it judges a run by.
pub trait Subject {
    /// Why a run could not be made or could not go on, as the subject says it.
    type Error;
    /// The program and settings of a run with `seed` (the explorer sets the schedule).
    fn simulation(&self, seed: u64) -> Result<(Program, SimSettings), Self::Error>;
    /// The figures a finished run comes to, by name.
    fn figures(&self, trace: &Trace) -> Vec<(String, i64)>;
    /// A run the simulator could not start or finish, as the subject's error.
    fn failed(&self, error: SimError) -> Self::Error;
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExploreRequest {
    /// Seeds 1..=seeds.
    pub seeds: u64,
    /// Picks per run at most (0: only the engine's own interleaving of each seed).
    pub picks: u32,
    pub max_runs: u64,
    /// End at the first run that breaks (the page's "find a breaking schedule").
    pub stop_at_first_break: bool,
}

/// A run that broke the lesson: its seed and schedule replay it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Found {
    pub seed: u64,
    pub schedule: Schedule,
    pub value: i64,
    pub turns: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExploreReport {
    pub figure: String,
    pub runs: u64,
    /// The figure's value and how many runs had it, by value.
    pub histogram: Vec<(i64, u64)>,
    /// The same for the lesson's other figures (final counter values, meals per
    /// philosopher, results collected), in the order the lesson reports them.
    pub others: Vec<(String, Vec<(i64, u64)>)>,
    pub broke: u64,
    /// The breaking run with the fewest picks, then the fewest turns.
    pub shortest: Option<Found>,
    /// Every seed and every schedule within the bound was run.
    pub complete: bool,
}

/// A run still to make: its schedule, and the first turn its children may pick at.
struct Node {
    seed: u64,
    schedule: Schedule,
    branch_from: u64,
}

/// An exploration under way; `E` is why its subject's runs could fail ([`Subject::Error`]).
pub struct Explorer<E> {
    subject: Box<dyn Subject<Error = E>>,
    /// The figure whose non-zero value means the run broke.
    figure: String,
    request: ExploreRequest,
    queue: VecDeque<Node>,
    /// Children not queued because the run budget could never reach them.
    dropped: bool,
    current: Option<(Node, Box<Sim>)>,
    counts: BTreeMap<i64, u64>,
    other_counts: Vec<(String, BTreeMap<i64, u64>)>,
    runs: u64,
    broke: u64,
    shortest: Option<Found>,
    done: bool,
}

impl ExploreRequest {
    /// Runs an exploration with this request makes at most.
    pub fn planned_runs(&self) -> u64 {
        if self.picks == 0 {
            self.seeds.min(self.max_runs)
        } else {
            self.max_runs
        }
    }

    /// `Err` naming what is out of range.
    pub fn check(&self) -> Result<(), OutOfRange> {
        if !(1..=MAX_SEEDS).contains(&self.seeds) {
            return Err(OutOfRange::Seeds(self.seeds));
        }
        if self.picks > MAX_PICKS {
            return Err(OutOfRange::Picks(self.picks));
        }
        if !(1..=MAX_RUNS).contains(&self.max_runs) {
            return Err(OutOfRange::Runs(self.max_runs));
        }
        Ok(())
    }
}

/// What of an [`ExploreRequest`] is out of range, with the value asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutOfRange {
    /// Seeds: 1 to [`MAX_SEEDS`].
    Seeds(u64),
    /// Picks per run: 0 to [`MAX_PICKS`].
    Picks(u32),
    /// Runs: 1 to [`MAX_RUNS`].
    Runs(u64),
}

impl std::fmt::Display for OutOfRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OutOfRange::Seeds(n) => write!(f, "explore runs 1 to {MAX_SEEDS} seeds, not {n}"),
            OutOfRange::Picks(n) => write!(f, "explore takes 0 to {MAX_PICKS} picks (preemptions) per run, not {n}"),
            OutOfRange::Runs(n) => write!(f, "explore makes 1 to {MAX_RUNS} runs, not {n}"),
        }
    }
}

impl std::error::Error for OutOfRange {}

impl<E> Explorer<E> {
    /// An exploration of `subject`, judged by its figure `figure` (non-zero: broken).
    pub fn new(
        subject: Box<dyn Subject<Error = E>>,
        figure: &str,
        request: ExploreRequest,
    ) -> Result<Explorer<E>, OutOfRange> {
        request.check()?;
        let queue =
            (1..=request.seeds).map(|seed| Node { seed, schedule: Schedule::default(), branch_from: 0 }).collect();
        Ok(Explorer {
            subject,
            figure: figure.to_string(),
            request,
            queue,
            dropped: false,
            current: None,
            counts: BTreeMap::new(),
            other_counts: Vec::new(),
            runs: 0,
            broke: 0,
            shortest: None,
            done: false,
        })
    }

    pub fn runs(&self) -> u64 {
        self.runs
    }

    /// Runs the exploration will make at most.
    pub fn planned_runs(&self) -> u64 {
        self.request.planned_runs()
    }

    pub fn is_done(&self) -> bool {
        self.done
    }

    fn start(&self, node: &Node) -> Result<Sim, E> {
        let (program, mut settings) = self.subject.simulation(node.seed)?;
        settings.schedule = node.schedule.clone();
        let mut sim = Sim::new(program, settings).map_err(|e| self.subject.failed(e))?;
        // Its children have room in the queue only up to the run budget: the log stops
        // once its turns offer that many.
        if (node.schedule.len() as u32) < self.request.picks {
            let room = self.request.max_runs.saturating_sub(self.runs + 1 + self.queue.len() as u64);
            sim.log_turns_from(node.branch_from, room);
        }
        Ok(sim)
    }

    /// Works for about `steps` simulated steps; `Ok(true)` once the exploration is over.
    pub fn advance(&mut self, steps: u64) -> Result<bool, E> {
        let mut left = steps;
        while !self.done && left > 0 {
            let Some((node, mut sim)) = self.current.take() else {
                match self.queue.pop_front() {
                    Some(node) if self.runs < self.request.max_runs => {
                        let sim = self.start(&node)?;
                        self.current = Some((node, Box::new(sim)));
                    }
                    _ => self.done = true,
                }
                continue;
            };
            let before = sim.steps();
            match sim.run_slice(left).map_err(|e| self.subject.failed(e))? {
                StepResult::Running { steps, .. } => {
                    left = left.saturating_sub(steps - before);
                    self.current = Some((node, sim));
                }
                StepResult::Finished(trace) => {
                    left = left.saturating_sub(sim.steps() - before + 1);
                    self.judge(node, &sim, &trace);
                }
            }
        }
        Ok(self.done)
    }

    fn judge(&mut self, node: Node, sim: &Sim, trace: &Trace) {
        self.runs += 1;
        let figures = self.subject.figures(trace);
        let value = figures.iter().find(|(n, _)| *n == self.figure).map_or(0, |(_, v)| *v);
        *self.counts.entry(value).or_default() += 1;
        for (name, v) in figures.into_iter().filter(|(n, _)| *n != self.figure) {
            let slot = match self.other_counts.iter().position(|(n, _)| *n == name) {
                Some(i) => i,
                None => {
                    self.other_counts.push((name, BTreeMap::new()));
                    self.other_counts.len() - 1
                }
            };
            *self.other_counts[slot].1.entry(v).or_default() += 1;
        }
        if value != 0 {
            self.broke += 1;
            let found = Found { seed: node.seed, schedule: node.schedule.clone(), value, turns: sim.turns() };
            let key = |f: &Found| (f.schedule.len(), f.turns);
            if self.shortest.as_ref().is_none_or(|best| key(&found) < key(best)) {
                self.shortest = Some(found);
            }
            if self.request.stop_at_first_break {
                self.done = true;
                return;
            }
        }
        // Its children: one more pick, at a turn where it matters, to each other thread
        // that could have run, or to no one while a timer runs (a thread still starting).
        let room = self.request.max_runs.saturating_sub(self.runs + self.queue.len() as u64);
        let mut children = Vec::new();
        for record in sim.turn_log() {
            if !record.visible {
                continue;
            }
            let turn = record.turn;
            let wait = record.timer.then_some(Pick::WAIT);
            for other in record.enabled.iter().copied().filter(|a| *a != record.chosen).chain(wait) {
                children.push(Node {
                    seed: node.seed,
                    schedule: node.schedule.with(Pick { turn, actor: other }),
                    branch_from: turn + 1,
                });
            }
        }
        if children.len() as u64 > room || sim.turn_log_truncated() {
            self.dropped = true;
            children.truncate(room as usize);
        }
        self.queue.extend(children);
    }

    pub fn report(&self) -> ExploreReport {
        ExploreReport {
            figure: self.figure.clone(),
            runs: self.runs,
            histogram: self.counts.iter().map(|(v, n)| (*v, *n)).collect(),
            others: self
                .other_counts
                .iter()
                .map(|(name, counts)| (name.clone(), counts.iter().map(|(v, n)| (*v, *n)).collect()))
                .collect(),
            broke: self.broke,
            shortest: self.shortest.clone(),
            complete: self.done && self.queue.is_empty() && self.current.is_none() && !self.dropped,
        }
    }
}

impl<E> Explorer<E> {
    /// Runs the whole exploration at once (the CLI and tests).
    pub fn run_to_end(mut self) -> Result<ExploreReport, E> {
        while !self.advance(1_000_000)? {}
        Ok(self.report())
    }
}

/// A histogram's rows: each value alone when there are at most a dozen; else 0 alone and
/// the rest in ten ranges of equal width.
pub fn histogram_rows(histogram: &[(i64, u64)]) -> Vec<(String, u64)> {
    if histogram.len() <= 12 {
        return histogram.iter().map(|(v, n)| (v.to_string(), *n)).collect();
    }
    let mut rows = Vec::new();
    if let Some((_, n)) = histogram.iter().find(|(v, _)| *v == 0) {
        rows.push(("0".to_string(), *n));
    }
    let others: Vec<(i64, u64)> = histogram.iter().copied().filter(|(v, _)| *v != 0).collect();
    let (low, high) = (others[0].0, others[others.len() - 1].0);
    let width = ((high - low) / 10).max(1);
    let mut from = low;
    while from <= high {
        let to = if from + width * 2 > high { high } else { from + width - 1 };
        let n: u64 = others.iter().filter(|(v, _)| (from..=to).contains(v)).map(|(_, n)| n).sum();
        rows.push((if from == to { from.to_string() } else { format!("{from}..{to}") }, n));
        from = to + 1;
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_histogram_of_many_values_keeps_zero_alone_and_groups_the_rest() {
        let few: Vec<(i64, u64)> = vec![(0, 3), (2, 1)];
        assert_eq!(histogram_rows(&few), vec![("0".to_string(), 3), ("2".to_string(), 1)]);
        let many: Vec<(i64, u64)> = (0..40).map(|v| (v, 1)).collect();
        let rows = histogram_rows(&many);
        assert_eq!(rows[0], ("0".to_string(), 1));
        assert_eq!(rows.iter().map(|(_, n)| n).sum::<u64>(), 40);
        assert!(rows[1].0.contains(".."), "{rows:?}");
        let narrow: Vec<(i64, u64)> = (9..25).map(|v| (v, 2)).collect();
        assert_eq!(histogram_rows(&narrow)[0], ("9".to_string(), 2));
    }
}
