//! `explore`: a lesson on the simulated engine over seeds and schedules, as a histogram of
//! its breaking figure and the shortest breaking run with the command that replays it.

use serde::Serialize;

use super::args::LessonArgs;
use super::json_line;
use crate::engine::explore::{histogram_rows, ExploreReport, ExploreRequest, Found};
use crate::lessons;
use crate::lessons::results::Ordered;

#[derive(Serialize)]
struct ExploreJson<'a> {
    /// What was explored: `lesson` or `file`, and its id or path.
    #[serde(flatten)]
    subject: Ordered<'a, &'a str, &'a str>,
    figure: &'a str,
    seeds: u64,
    preemptions: u32,
    runs: u64,
    broke: u64,
    complete: bool,
    histogram: &'a [(i64, u64)],
    others: Ordered<'a, String, Vec<(i64, u64)>>,
    shortest: Option<FoundJson>,
}

#[derive(Serialize)]
struct FoundJson {
    seed: u64,
    schedule: String,
    value: i64,
    picks: usize,
    turns: u64,
    replay: String,
}

pub fn explore(args: LessonArgs, request: ExploreRequest) -> Result<String, String> {
    let LessonArgs { lesson, pairs, json, .. } = args;
    let found = lessons::explore::explore(lesson, &pairs, request).map_err(|e| e.en)?;
    let id = lesson.info.id;
    let replay = |f: &Found| replay(&format!("run {id}"), &pairs, f);
    report(("lesson", id), &request, &found, json, replay)
}

/// The command that runs a found run again: `run` (`run LESSON` or `run-file PATH`) with
/// the knobs given, the run's seed and its schedule.
pub(super) fn replay(run: &str, pairs: &[(String, String)], found: &Found) -> String {
    let sets: String = pairs.iter().filter(|(k, _)| k != "seed").map(|(k, v)| format!(" --set {k}={v}")).collect();
    let schedule = if found.schedule.is_empty() { String::new() } else { format!(" --schedule {}", found.schedule) };
    format!("interleave {run}{sets} --seed {}{schedule}", found.seed)
}

/// An exploration's report, as JSON or for a terminal; `subject` is what was explored
/// (`lesson` or `file`, and which).
pub(super) fn report(
    subject: (&str, &str),
    request: &ExploreRequest,
    report: &ExploreReport,
    json: bool,
    replay: impl Fn(&Found) -> String,
) -> Result<String, String> {
    let request = *request;
    if json {
        let pair = [subject];
        return json_line(&ExploreJson {
            subject: Ordered(&pair),
            figure: &report.figure,
            seeds: request.seeds,
            preemptions: request.picks,
            runs: report.runs,
            broke: report.broke,
            complete: report.complete,
            histogram: &report.histogram,
            others: Ordered(&report.others),
            shortest: report.shortest.as_ref().map(|f| FoundJson {
                seed: f.seed,
                schedule: f.schedule.to_string(),
                value: f.value,
                picks: f.schedule.len(),
                turns: f.turns,
                replay: replay(f),
            }),
        });
    }
    Ok(text(subject.1, &request, report, replay))
}

/// The report for a terminal: a bar per value of the breaking figure, then the find.
fn text(id: &str, request: &ExploreRequest, report: &ExploreReport, replay: impl Fn(&Found) -> String) -> String {
    let (seeds, picks, figure) = (request.seeds, request.picks, &report.figure);
    let over = if picks == 0 {
        format!("seeds 1..{seeds}")
    } else {
        format!("seeds 1..{seeds} and schedules with up to {picks} pick{}", if picks == 1 { "" } else { "s" })
    };
    let mut out = format!("{id} over {over} on the simulated engine: `{figure}` per run\n");
    let rows = histogram_rows(&report.histogram);
    let widest = rows.iter().map(|(_, n)| *n).max().unwrap_or(1);
    for (label, n) in &rows {
        let bar = "#".repeat(((*n * 40).div_ceil(widest)) as usize);
        out.push_str(&format!("  {label:>21} {n:>7}  {bar}\n"));
    }
    let runs = report.runs;
    match &report.shortest {
        Some(f) => out.push_str(&format!(
            "broke in {} of {runs} runs; the shortest: seed {}, {} ({figure} = {}, {} turns)\n  replay: {}\n",
            report.broke,
            f.seed,
            match f.schedule.len() {
                0 => "the engine's own interleaving".to_string(),
                1 => format!("schedule {} (1 pick)", f.schedule),
                n => format!("schedule {} ({n} picks)", f.schedule),
            },
            f.value,
            f.turns,
            replay(f)
        )),
        None if report.complete => out.push_str(&format!("never broke in {runs} runs: every run within the bound\n")),
        None => out.push_str(&format!(
            "never broke in {runs} runs; the run budget ended before every schedule within the bound was run (--max-runs)\n"
        )),
    }
    out
}
