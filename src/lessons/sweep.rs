//! A sweep: a lesson run with one numeric knob over a range of values (a curve for each
//! choice of another knob, if asked), several seeds a point, on the simulated engine. Every
//! figure the lesson reports is kept for every run, so any of them can be plotted against
//! the knob with its spread, and the whole table written as CSV.

use serde::{Deserialize, Serialize};

use crate::engine::sim::{Sim, StepResult};
use crate::i18n::{Lang, Prose};
use crate::knobs::{common, echo, KnobKind, KnobSpec};
use crate::lessons::failures::{self, then};
use crate::lessons::knob_words::knob_error;
use crate::lessons::{Lesson, LessonInfo, Setup};
use crate::said;

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
    ) -> Result<Sweep, Prose> {
        let spec = knob_spec(lesson, &request.knob)?;
        if !matches!(spec.kind, KnobKind::Int { .. } | KnobKind::Decimal { .. }) || spec.name == "seed" {
            let name = spec.name;
            let lead =
                said!("`{name}` is not a number to sweep; ", "`{name}`은(는) 그래프로 그릴 수 있는 숫자가 아닙니다. ");
            return Err(then(lead, &numeric_knobs(lesson)));
        }
        let values = values(spec, &request.values)?;
        let series = match &request.series {
            None => vec![(None, String::new())],
            Some(name) => {
                let spec = knob_spec(lesson, name)?;
                let KnobKind::Choice(choices) = spec.kind else {
                    let name = spec.name;
                    return Err(said!(
                        "`{name}` has no choices to draw a curve for each",
                        "`{name}`에는 곡선을 하나씩 그릴 선택지가 없습니다"
                    ));
                };
                choices.iter().map(|c| (Some(spec.name), c.to_string())).collect()
            }
        };
        if !(1..=MAX_SEEDS).contains(&request.seeds) {
            return Err(said!("seeds a point: from 1 to {MAX_SEEDS}", "점마다 시드 수는 1부터 {MAX_SEEDS}까지입니다"));
        }
        let runs = values.len() * series.len() * request.seeds as usize;
        if runs > MAX_RUNS {
            let (values, curves, seeds) = (values.len(), series.len(), request.seeds);
            return Err(said!(
                "{runs} runs ({values} values x {curves} curves x {seeds} seeds); a sweep makes at most {MAX_RUNS}",
                "실행이 {runs}번(값 {values}개 × 곡선 {curves}개 × 시드 {seeds}개)입니다. 그래프 하나에는 최대 \
                 {MAX_RUNS}번까지 실행합니다"
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
                return Err(said!(
                    "a sweep runs the simulated engine: choose `engine=sim`",
                    "그래프는 시뮬레이션 엔진으로 실행해서 그립니다. `engine=sim`을 고르세요"
                ));
            }
            setup.simulation_of(built).map_err(|e| then(sweep.describe(i), &e))?;
        }
        Ok(sweep)
    }

    /// The setup of run `i` of the plan.
    fn setup(&self, i: usize) -> Result<Setup, Prose> {
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

    /// Where run `i` is, to begin a message about it: `at `threads=4`, `mode=processes`,
    /// seed 2: `.
    fn describe(&self, i: usize) -> Prose {
        let (choice, value, seed) = &self.plan[i];
        let series = self.table.series.as_ref().map(|s| format!(", `{s}={choice}`")).unwrap_or_default();
        let knob = &self.table.knob;
        said!("at `{knob}={value}`{series}, seed {seed}: ", "`{knob}={value}`{series}, 시드 {seed}에서: ")
    }

    /// Runs on for about `steps` simulated steps; `true` once every run is done.
    pub fn advance(&mut self, mut steps: u64) -> Result<bool, Prose> {
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
            match sim.run_slice(steps).map_err(|e| failures::sim_error(&e))? {
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
fn knob_spec(lesson: &Lesson, name: &str) -> Result<&'static KnobSpec, Prose> {
    knobs_of(lesson.info).find(|k| k.name == name).ok_or_else(|| {
        let (id, name) = (lesson.info.id, echo(name));
        then(said!("`{id}` has no knob `{name}`; ", "`{id}`에는 `{name}` 설정이 없습니다. "), &numeric_knobs(lesson))
    })
}

/// "its numbers are `threads`, `increments`, `cores`".
fn numeric_knobs(lesson: &Lesson) -> Prose {
    let names: Vec<String> = numbers(lesson.info).iter().map(|k| format!("`{}`", k.name)).collect();
    let names = names.join(", ");
    said!("its numbers are {names}", "숫자인 설정은 {names}입니다")
}

/// `1-8`, `1,2,4,8`, `2-16/2`: each value checked against the knob's range, none twice.
fn values(spec: &KnobSpec, text: &str) -> Result<Vec<String>, Prose> {
    let mut out: Vec<String> = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (range, step) = part.split_once('/').map_or((part, None), |(r, s)| (r, Some(s)));
        let items: Vec<String> = match range.split_once('-').filter(|(from, _)| !from.is_empty()) {
            Some((from, to)) => {
                let part = echo(part);
                let number = |s: &str| {
                    s.trim()
                        .parse::<i64>()
                        .map_err(|_| said!("`{part}`: a range is of whole numbers", "`{part}`: 범위는 정수로 씁니다"))
                };
                let (from, to) = (number(from)?, number(to)?);
                let step = step.map_or(Ok(1), |s| {
                    s.trim()
                        .parse::<i64>()
                        .map_err(|_| said!("`{part}`: a step is a whole number", "`{part}`: 간격은 정수로 씁니다"))
                })?;
                if step < 1 || from > to {
                    return Err(said!(
                        "`{part}`: from a low value up to a higher one, by a step of 1 or more",
                        "`{part}`: 작은 값에서 큰 값으로, 1 이상의 간격으로 씁니다"
                    ));
                }
                let count = ((to - from) / step + 1) as usize;
                if count > MAX_VALUES {
                    return Err(said!(
                        "`{part}` is {count} values; a sweep takes at most {MAX_VALUES}",
                        "`{part}`은(는) 값이 {count}개입니다. 그래프에는 값을 최대 {MAX_VALUES}개까지 씁니다"
                    ));
                }
                (0..count as i64).map(|k| (from + k * step).to_string()).collect()
            }
            None => vec![range.to_string()],
        };
        for item in items {
            let value = spec.parse(&item).map_err(|e| knob_error(&e))?.to_string();
            if !out.contains(&value) {
                out.push(value);
            }
        }
        if out.len() > MAX_VALUES {
            let n = out.len();
            return Err(said!(
                "{n} values; a sweep takes at most {MAX_VALUES}",
                "값이 {n}개입니다. 그래프에는 값을 최대 {MAX_VALUES}개까지 씁니다"
            ));
        }
    }
    if out.is_empty() {
        let name = spec.name;
        return Err(said!(
            "no values for `{name}`: give some, like `1-8` or `1,2,4,8`",
            "`{name}`의 값이 없습니다. `1-8`이나 `1,2,4,8`처럼 적어 주세요"
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lessons::failures::tests::assert_worded;

    #[test]
    fn every_refusal_of_a_sweep_is_worded_in_both_languages() {
        let race = crate::lessons::lesson("race_counter").unwrap();
        let refused = |knob: &str, values: &str, series: Option<&str>, seeds: u32, base: &[(&str, &str)]| {
            let base: Vec<(String, String)> = base.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
            let series = series.map(str::to_string);
            let request = SweepRequest { knob: knob.into(), values: values.into(), series, seeds };
            Sweep::new(race, &base, None, &request).err().unwrap_or_else(|| panic!("{knob}={values} was taken"))
        };
        let refusals = [
            (refused("lock", "1-2", None, 1, &[]), "is not a number to sweep; its numbers are `threads`"),
            (refused("nope", "1-2", None, 1, &[]), "`race_counter` has no knob `nope`"),
            (refused("threads", "1-99", None, 1, &[]), "`1-99` is 99 values"),
            (refused("threads", "8-2", None, 1, &[]), "from a low value up"),
            (refused("threads", "a-2", None, 1, &[]), "a range is of whole numbers"),
            (refused("threads", "1-4/x", None, 1, &[]), "a step is a whole number"),
            (refused("threads", "1,40", None, 1, &[]), "`threads=40` is out of range"),
            (refused("increments", "1-30,31-40", None, 1, &[]), "40 values; a sweep takes at most 32"),
            (refused("threads", "", None, 1, &[]), "no values for `threads`"),
            (refused("threads", "1-8", Some("lock"), 11, &[]), "seeds a point"),
            (refused("threads", "1-16", Some("lock"), 10, &[]), "at most 400"),
            (refused("threads", "1-2", Some("increments"), 1, &[]), "`increments` has no choices"),
            (refused("threads", "1-2", None, 1, &[("engine", "live")]), "choose `engine=sim`"),
            (
                refused("increments", "10000000", None, 1, &[("threads", "16"), ("gil", "off")]),
                "at `increments=10000000`, seed 1: ",
            ),
        ];
        for (said, english) in &refusals {
            assert!(said.en.contains(english), "{said:?}");
            assert_worded(said);
        }
        // The run too large says where, and why, in Korean too.
        let (too_large, _) = &refusals[refusals.len() - 1];
        assert!(too_large.ko.starts_with("`increments=10000000`, 시드 1에서: 이 실행은"), "{}", too_large.ko);
    }
}
