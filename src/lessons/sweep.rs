//! A sweep: a lesson run with one numeric knob over a range of values (a curve for each
//! choice of another knob, if asked), several seeds a point, on the simulated engine. Every
//! figure the lesson reports is kept for every run, so any of them can be plotted against
//! the knob with its spread, and the whole table written as CSV.

use serde::{Deserialize, Serialize};

use crate::engine::sim::{Sim, StepResult};
use crate::i18n::Lang;
use crate::knobs::{common, KnobKind, KnobSpec};
use crate::lessons::{Lesson, LessonInfo, Setup};

/// Values along the axis, at most.
pub const MAX_VALUES: usize = 32;
/// Seeds a point, at most.
pub const MAX_SEEDS: u32 = 10;
/// Runs in all, at most (a sweep stays a few seconds on the lessons' knobs).
pub const MAX_RUNS: usize = 400;
/// The figure every run has: its Python time, in microseconds.
pub const TIME: &str = "python_us";

/// What to sweep, as the page or the command line asks for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SweepRequest {
    /// The numeric knob along the axis.
    pub knob: String,
    /// Its values: `1-8`, `1,2,4,8`, `2-16/2` (every second), or a mix (`1,2-4`).
    pub values: String,
    /// A knob with choices (`mode`): a curve for each of its choices.
    pub series: Option<String>,
    /// Seeds 1..=seeds for each point.
    pub seeds: u32,
}

/// One run of a sweep: its curve's choice, its value on the axis, its seed and figures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepRow {
    pub series: String,
    pub value: String,
    pub seed: u64,
    /// Python time, then the lesson's figures, by name.
    pub figures: Vec<(String, i64)>,
}

/// A sweep's runs so far, with what was swept.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SweepTable {
    pub lesson: String,
    pub knob: String,
    pub series: Option<String>,
    pub rows: Vec<SweepRow>,
    /// Runs planned, of which `rows` ran.
    pub planned: u64,
}

/// A sweep under way: its plan, the run going on, the rows so far.
pub struct Sweep {
    lesson: &'static Lesson,
    base: Vec<(String, String)>,
    code: Option<String>,
    /// (curve's choice, value, seed) of each run, in order.
    plan: Vec<(String, String, u64)>,
    current: Option<(Setup, Sim)>,
    table: SweepTable,
}

impl Sweep {
    /// A sweep of `lesson` with the knobs `base` (the learner's program in place of the
    /// lesson's, if `code`): refused by name for a knob that is not a number of the lesson,
    /// values out of its range, too many runs, or the live engine.
    pub fn new(
        lesson: &'static Lesson,
        base: &[(String, String)],
        code: Option<&str>,
        request: &SweepRequest,
    ) -> Result<Sweep, String> {
        let spec = knob_spec(lesson, &request.knob)?;
        if !matches!(spec.kind, KnobKind::Int { .. } | KnobKind::Decimal { .. }) || spec.name == "seed" {
            return Err(format!("`{}` is not a number to sweep; {}", spec.name, numeric_knobs(lesson)));
        }
        let values = values(spec, &request.values)?;
        let series = match &request.series {
            None => vec![(None, String::new())],
            Some(name) => {
                let spec = knob_spec(lesson, name)?;
                let KnobKind::Choice(choices) = spec.kind else {
                    return Err(format!("`{name}` has no choices to draw a curve for each"));
                };
                choices.iter().map(|c| (Some(spec.name), c.to_string())).collect()
            }
        };
        if !(1..=MAX_SEEDS).contains(&request.seeds) {
            return Err(format!("seeds a point: from 1 to {MAX_SEEDS}"));
        }
        let runs = values.len() * series.len() * request.seeds as usize;
        if runs > MAX_RUNS {
            return Err(format!(
                "{runs} runs ({} values x {} curves x {} seeds); a sweep makes at most {MAX_RUNS}",
                values.len(),
                series.len(),
                request.seeds
            ));
        }
        let plan: Vec<(String, String, u64)> = series
            .iter()
            .flat_map(|(_, choice)| {
                values.iter().flat_map(move |v| (1..=request.seeds as u64).map(move |s| (choice.clone(), v.clone(), s)))
            })
            .collect();
        let sweep = Sweep {
            lesson,
            base: base.iter().filter(|(name, _)| name != "schedule").cloned().collect(),
            code: code.map(str::to_string),
            table: SweepTable {
                lesson: lesson.info.id.to_string(),
                knob: spec.name.to_string(),
                series: series[0].0.map(str::to_string),
                rows: Vec::new(),
                planned: plan.len() as u64,
            },
            plan,
            current: None,
        };
        // Every run checked before the first starts: the engine, and the size of each (a seed
        // changes neither, so the first seed of each point stands for the others).
        for i in (0..sweep.plan.len()).filter(|i| sweep.plan[*i].2 == 1) {
            let setup = sweep.setup(i)?;
            let built = setup.build()?;
            if built.common.live {
                return Err("a sweep runs the simulated engine: choose engine=sim".into());
            }
            setup.simulation_of(built).map_err(|e| format!("at {}: {e}", sweep.describe(i)))?;
        }
        Ok(sweep)
    }

    /// The setup of run `i` of the plan.
    fn setup(&self, i: usize) -> Result<Setup, String> {
        let (choice, value, seed) = &self.plan[i];
        let mut pairs = self.base.clone();
        let mut put = |name: &str, value: String| {
            pairs.retain(|(n, _)| n != name);
            pairs.push((name.to_string(), value));
        };
        put(&self.table.knob, value.clone());
        put("seed", seed.to_string());
        if let Some(series) = &self.table.series {
            put(series, choice.clone());
        }
        Setup::new(self.lesson, &pairs, self.code.as_deref())
    }

    /// Run `i` in words: `threads=4, mode=processes, seed 2`.
    fn describe(&self, i: usize) -> String {
        let (choice, value, seed) = &self.plan[i];
        let series = self.table.series.as_ref().map(|s| format!(", {s}={choice}")).unwrap_or_default();
        format!("{}={value}{series}, seed {seed}", self.table.knob)
    }

    /// Runs on for about `steps` simulated steps; `true` once every run is done.
    pub fn advance(&mut self, mut steps: u64) -> Result<bool, String> {
        while steps > 0 {
            let i = self.table.rows.len();
            if i == self.plan.len() {
                return Ok(true);
            }
            if self.current.is_none() {
                let setup = self.setup(i)?;
                let sim = setup.simulation()?;
                self.current = Some((setup, sim));
            }
            let Some((setup, sim)) = self.current.as_mut() else { continue };
            match sim.run_slice(steps).map_err(|e| e.to_string())? {
                // The slice used every step it had.
                StepResult::Running { .. } => steps = 0,
                StepResult::Finished(trace) => {
                    let mut figures = vec![(TIME.to_string(), (trace.wall / 1_000) as i64)];
                    figures.extend(setup.findings(&trace, Lang::En).figures);
                    let (series, value, seed) = self.plan[i].clone();
                    self.table.rows.push(SweepRow { series, value, seed, figures });
                    self.current = None;
                    steps = steps.saturating_sub(1);
                }
            }
        }
        Ok(self.table.rows.len() == self.plan.len())
    }

    pub fn runs(&self) -> u64 {
        self.table.rows.len() as u64
    }

    pub fn planned(&self) -> u64 {
        self.plan.len() as u64
    }

    /// The rows so far.
    pub fn table(&self) -> SweepTable {
        self.table.clone()
    }
}

impl SweepTable {
    /// Every figure any run reported, in first-seen order (Python time first).
    pub fn figure_names(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for (name, _) in self.rows.iter().flat_map(|r| &r.figures) {
            if !names.contains(name) {
                names.push(name.clone());
            }
        }
        names
    }

    /// The table as CSV: a row per run, a column per figure (empty where a run lacks it).
    pub fn csv(&self) -> String {
        let names = self.figure_names();
        let mut out = String::new();
        if let Some(series) = &self.series {
            out.push_str(series);
            out.push(',');
        }
        out.push_str(&self.knob);
        out.push_str(",seed");
        for name in &names {
            out.push(',');
            out.push_str(name);
        }
        out.push('\n');
        for row in &self.rows {
            if self.series.is_some() {
                out.push_str(&row.series);
                out.push(',');
            }
            out.push_str(&format!("{},{}", row.value, row.seed));
            for name in &names {
                out.push(',');
                if let Some((_, v)) = row.figures.iter().find(|(n, _)| n == name) {
                    out.push_str(&v.to_string());
                }
            }
            out.push('\n');
        }
        out
    }
}

/// The knobs of a lesson a sweep may name: its own, then the common ones it uses, and
/// `cores`.
fn knobs_of(lesson: &LessonInfo) -> impl Iterator<Item = &'static KnobSpec> + '_ {
    let common = common::ALL.iter().filter(|c| lesson.common_knobs.contains(&c.name) || c.name == "cores");
    lesson.knobs.iter().chain(common)
}

/// The knobs a sweep may run along: those of [`knobs_of`] that are numbers.
pub fn numbers(lesson: &LessonInfo) -> Vec<&'static KnobSpec> {
    knobs_of(lesson).filter(|k| matches!(k.kind, KnobKind::Int { .. } | KnobKind::Decimal { .. })).collect()
}

/// A knob of `lesson` (its own or a common one the lesson uses), by name.
fn knob_spec(lesson: &Lesson, name: &str) -> Result<&'static KnobSpec, String> {
    knobs_of(lesson.info).find(|k| k.name == name).ok_or_else(|| {
        format!("{} has no knob `{}`; {}", lesson.info.id, crate::knobs::echo(name), numeric_knobs(lesson))
    })
}

/// "its numbers are threads, increments, cores".
fn numeric_knobs(lesson: &Lesson) -> String {
    let names: Vec<&str> = numbers(lesson.info).iter().map(|k| k.name).collect();
    format!("its numbers are {}", names.join(", "))
}

/// `1-8`, `1,2,4,8`, `2-16/2`: each value checked against the knob's range, none twice.
fn values(spec: &KnobSpec, text: &str) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (range, step) = part.split_once('/').map_or((part, None), |(r, s)| (r, Some(s)));
        let items: Vec<String> = match range.split_once('-').filter(|(from, _)| !from.is_empty()) {
            Some((from, to)) => {
                let number = |s: &str| {
                    s.trim()
                        .parse::<i64>()
                        .map_err(|_| format!("`{}`: a range is of whole numbers", crate::knobs::echo(part)))
                };
                let (from, to) = (number(from)?, number(to)?);
                let step = step.map_or(Ok(1), |s| {
                    s.trim()
                        .parse::<i64>()
                        .map_err(|_| format!("`{}`: a step is a whole number", crate::knobs::echo(part)))
                })?;
                if step < 1 || from > to {
                    return Err(format!(
                        "`{}`: from a low value up to a higher one, by a step of 1 or more",
                        crate::knobs::echo(part)
                    ));
                }
                let count = ((to - from) / step + 1) as usize;
                if count > MAX_VALUES {
                    return Err(format!(
                        "`{}` is {count} values; a sweep takes at most {MAX_VALUES}",
                        crate::knobs::echo(part)
                    ));
                }
                (0..count as i64).map(|k| (from + k * step).to_string()).collect()
            }
            None => vec![range.to_string()],
        };
        for item in items {
            let value = spec.parse(&item).map_err(|e| e.to_string())?.to_string();
            if !out.contains(&value) {
                out.push(value);
            }
        }
        if out.len() > MAX_VALUES {
            return Err(format!("{} values; a sweep takes at most {MAX_VALUES}", out.len()));
        }
    }
    if out.is_empty() {
        return Err(format!("no values for `{}`: give some, like 1-8 or 1,2,4,8", spec.name));
    }
    Ok(out)
}
