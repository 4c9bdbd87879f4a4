//! The `interleave` command (native). Every subcommand returns its output or a message
//! naming what was wrong and what is allowed; the binary prints one or the other.

use std::sync::Arc;

use crate::engine::clock::HostClock;
use crate::engine::control::Control;
use crate::engine::live::probe::{self, ProbeRequest};
use crate::engine::live::{run as live_run, Spawner, POOL_THREADS};
use crate::engine::sim;
use crate::engine::trace::{Outcome, WaitOn};
use crate::i18n::Lang;
use crate::lessons::{self, LESSONS};

const USAGE: &str = "usage:
  interleave lessons                      list lesson ids with their knobs
  interleave run LESSON [--set KNOB=VALUE]... [--engine sim|live] [--seed N] [--json]
                                          run a lesson: its console, then a summary
  interleave explore LESSON --seeds N [--set KNOB=VALUE]... [--json]
                                          run the simulated engine over seeds 1..N: how
                                          often each outcome came, and the run that broke
                                          the program with the fewest scheduling choices
  interleave source LESSON [--set KNOB=VALUE]...
                                          print the lesson's Python program for those knobs
  interleave probe [--jobs N] [--units N]  run CPU-bound jobs on a real thread pool
";

pub fn main(args: &[String]) -> Result<String, String> {
    match args.first().map(String::as_str) {
        Some("lessons") => Ok(lessons()),
        Some("run") => run(&args[1..]),
        Some("explore") => explore(&args[1..]),
        Some("source") => source(&args[1..]),
        Some("probe") => probe(&args[1..]),
        Some("help") | Some("--help") | Some("-h") => Ok(USAGE.to_string()),
        Some(other) => {
            Err(format!("unknown command `{other}`; the commands are lessons, run, explore, source, probe\n{USAGE}"))
        }
        None => Err(format!("no command given\n{USAGE}")),
    }
}

/// A JSON string literal.
fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A lesson and its knobs from `LESSON [--set K=V]... [--engine E] [--seed N] [--json]`.
struct LessonArgs {
    lesson: &'static lessons::LessonInfo,
    pairs: Vec<(String, String)>,
    json: bool,
}

fn lesson_args(command: &str, args: &[String]) -> Result<LessonArgs, String> {
    let ids = || LESSONS.iter().map(|l| l.id).collect::<Vec<_>>().join(", ");
    let id = args
        .first()
        .filter(|a| !a.starts_with("--"))
        .ok_or_else(|| format!("{command} needs a lesson; the lessons are {}", ids()))?;
    let lesson = lessons::find(id).ok_or_else(|| format!("there is no lesson `{id}`; the lessons are {}", ids()))?;
    let mut parsed = LessonArgs { lesson, pairs: Vec::new(), json: false };
    let mut rest = args[1..].iter();
    while let Some(arg) = rest.next() {
        let mut value = |flag: &str| rest.next().cloned().ok_or_else(|| format!("{flag} needs a value"));
        match arg.as_str() {
            "--json" => parsed.json = true,
            "--set" => {
                let setting = value("--set")?;
                let (name, v) =
                    setting.split_once('=').ok_or_else(|| format!("--set {setting}: expected KNOB=VALUE"))?;
                parsed.pairs.push((name.to_string(), v.to_string()));
            }
            "--engine" => parsed.pairs.push(("engine".into(), value("--engine")?)),
            "--seed" => parsed.pairs.push(("seed".into(), value("--seed")?)),
            other => {
                return Err(format!(
                    "unknown option `{other}` for {command}; the options are --set KNOB=VALUE, --engine, --seed, --json"
                ))
            }
        }
    }
    Ok(parsed)
}

/// Seeds an exploration may run: enough to see a distribution, few enough to end.
const EXPLORE_SEEDS_MAX: u64 = 100_000;

/// `explore`: the lesson on the simulated engine with seeds 1..=N. The outcome of each run
/// is the lesson's breaking figure (lost updates, a deadlock, missed results); among the
/// runs where it is not 0, the one with the fewest scheduling choices is the simplest
/// interleaving that breaks the program, and its seed replays it.
fn explore(args: &[String]) -> Result<String, String> {
    let mut seeds = None;
    let mut rest = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        if arg == "--seeds" {
            let raw = it.next().ok_or("--seeds needs a value")?;
            let n: u64 = raw.parse().map_err(|_| format!("--seeds {raw}: expected a whole number"))?;
            if n == 0 || n > EXPLORE_SEEDS_MAX {
                return Err(format!("--seeds {n}: explore runs 1 to {EXPLORE_SEEDS_MAX} seeds"));
            }
            seeds = Some(n);
        } else {
            rest.push(arg.clone());
        }
    }
    let seeds = seeds.ok_or("explore needs --seeds N")?;
    let LessonArgs { lesson, pairs, json } = lesson_args("explore", &rest)?;
    if pairs.iter().any(|(k, v)| k == "engine" && v == "live") {
        return Err("explore runs the simulated engine: a live run cannot be replayed".into());
    }
    let figure = lesson.breaks.ok_or_else(|| {
        let with: Vec<&str> = LESSONS.iter().filter(|l| l.breaks.is_some()).map(|l| l.id).collect();
        format!("{} has nothing that breaks to look for; explore {}", lesson.id, with.join(", "))
    })?;
    // value -> runs; and the breaking run with the fewest choices: (choices, seed, value)
    let mut counts: std::collections::BTreeMap<i64, u64> = std::collections::BTreeMap::new();
    let mut shortest: Option<(usize, u64, i64)> = None;
    for seed in 1..=seeds {
        let mut with_seed = pairs.clone();
        with_seed.push(("seed".into(), seed.to_string()));
        let (knobs, built) = lessons::build_from_pairs(lesson, &with_seed)?;
        let mut sim =
            sim::Sim::new(built.program, lessons::sim_settings(&knobs, built.settings)).map_err(|e| e.to_string())?;
        let trace = loop {
            if let sim::StepResult::Finished(trace) = sim.run_slice(1_000_000).map_err(|e| e.to_string())? {
                break trace;
            }
        };
        let findings = (lesson.findings)(&knobs, &trace, Lang::En);
        let value = findings.figures.iter().find(|(n, _)| *n == figure).map_or(0, |(_, v)| *v);
        *counts.entry(value).or_default() += 1;
        let choices = sim.schedule().len();
        if value != 0 && shortest.is_none_or(|(c, _, _)| choices < c) {
            shortest = Some((choices, seed, value));
        }
    }
    let broke: u64 = counts.iter().filter(|(v, _)| **v != 0).map(|(_, n)| n).sum();
    let replay = |seed: u64| {
        let sets: String = pairs.iter().map(|(k, v)| format!(" --set {k}={v}")).collect();
        format!("interleave run {}{sets} --seed {seed}", lesson.id)
    };
    if json {
        let histogram: Vec<String> = counts.iter().map(|(v, n)| format!("[{v},{n}]")).collect();
        let found = match shortest {
            Some((choices, seed, value)) => format!(
                "{{\"seed\":{seed},\"value\":{value},\"choices\":{choices},\"replay\":{}}}",
                json_string(&replay(seed))
            ),
            None => "null".into(),
        };
        return Ok(format!(
            "{{\"lesson\":{},\"figure\":{},\"seeds\":{seeds},\"broke\":{broke},\"histogram\":[{}],\"shortest\":{found}}}\n",
            json_string(lesson.id),
            json_string(figure),
            histogram.join(",")
        ));
    }
    let mut out = format!("{} over seeds 1..{seeds} on the simulated engine: `{figure}` per run\n", lesson.id);
    let rows = histogram_rows(&counts);
    let widest = rows.iter().map(|(_, n)| *n).max().unwrap_or(1);
    for (label, n) in &rows {
        let bar = "#".repeat(((*n * 40).div_ceil(widest)) as usize);
        out.push_str(&format!("  {label:>21} {n:>7}  {bar}\n"));
    }
    match shortest {
        Some((choices, seed, value)) => out.push_str(&format!(
            "broke in {broke} of {seeds} runs; the simplest: seed {seed} ({figure} = {value}, {choices} scheduling choices)\n  replay: {}\n",
            replay(seed)
        )),
        None => out.push_str(&format!("never broke in {seeds} runs\n")),
    }
    Ok(out)
}

/// The rows of a histogram: each value on its own when there are few, else 0 on its own
/// and the rest in ten ranges of equal width.
fn histogram_rows(counts: &std::collections::BTreeMap<i64, u64>) -> Vec<(String, u64)> {
    if counts.len() <= 12 {
        return counts.iter().map(|(v, n)| (v.to_string(), *n)).collect();
    }
    let mut rows = Vec::new();
    if let Some(n) = counts.get(&0) {
        rows.push(("0".to_string(), *n));
    }
    let others: Vec<(i64, u64)> = counts.iter().filter(|(v, _)| **v != 0).map(|(v, n)| (*v, *n)).collect();
    let (low, high) = (others[0].0, others[others.len() - 1].0);
    let width = ((high - low) / 10).max(1);
    let mut from = low;
    while from <= high {
        let to = if from + width * 2 > high { high } else { from + width - 1 };
        let n: u64 = others.iter().filter(|(v, _)| (from..=to).contains(v)).map(|(_, n)| n).sum();
        rows.push((format!("{from}..{to}"), n));
        from = to + 1;
    }
    rows
}

fn source(args: &[String]) -> Result<String, String> {
    let LessonArgs { lesson, pairs, .. } = lesson_args("source", args)?;
    let (_, built) = lessons::build_from_pairs(lesson, &pairs)?;
    Ok(built.program.source)
}

fn run(args: &[String]) -> Result<String, String> {
    let LessonArgs { lesson, pairs, json } = lesson_args("run", args)?;
    let (knobs, built) = lessons::build_from_pairs(lesson, &pairs)?;
    let live = knobs.choice("engine") == "live";
    let object_names: Vec<String> = built.program.objects.iter().map(|o| o.name.clone()).collect();
    let trace = if live {
        let pool: Arc<dyn Spawner> =
            Arc::new(rayon::ThreadPoolBuilder::new().num_threads(POOL_THREADS).build().map_err(|e| e.to_string())?);
        live_run::start(built.program, built.settings, pool, Arc::new(HostClock), Arc::new(Control::new()))
            .map_err(|e| e.to_string())?
            .wait()
    } else {
        sim::run(built.program, lessons::sim_settings(&knobs, built.settings)).map_err(|e| e.to_string())?
    };
    let engine = if live { "live" } else { "sim" };
    let findings = (lesson.findings)(&knobs, &trace, Lang::En);
    let deadlock = match &trace.outcome {
        Outcome::Deadlock { cycle } => Some(
            cycle
                .iter()
                .map(|e| {
                    let on = match e.on {
                        WaitOn::Object(o) => object_names.get(o.0 as usize).cloned().unwrap_or_default(),
                        WaitOn::Actor(a) => trace.actors[a.0 as usize].name.clone(),
                    };
                    format!(
                        "{} waits for {on} held by {}",
                        trace.actors[e.waiter.0 as usize].name, trace.actors[e.holder.0 as usize].name
                    )
                })
                .collect::<Vec<_>>(),
        ),
        _ => None,
    };
    if json {
        let knob_fields: Vec<String> =
            knobs.pairs().iter().map(|(k, v)| format!("{}:{}", json_string(k), json_string(v))).collect();
        let figures: Vec<String> = findings.figures.iter().map(|(k, v)| format!("{}:{v}", json_string(k))).collect();
        let details: Vec<String> = findings.details.iter().map(|d| json_string(d)).collect();
        let deadlock = deadlock.map_or("null".to_string(), |edges| {
            format!("[{}]", edges.iter().map(|e| json_string(e)).collect::<Vec<_>>().join(","))
        });
        return Ok(format!(
            "{{\"lesson\":{},\"knobs\":{{{}}},\"engine\":\"{engine}\",\"seed\":{},\"python_time_s\":{:.6},\"time_measured\":{live},\"outcome\":{},\"console\":{},\"findings\":{{\"headline\":{},\"details\":[{}],\"figures\":{{{}}}}},\"deadlock\":{}}}\n",
            json_string(lesson.id),
            knob_fields.join(","),
            knobs.seed(),
            trace.wall as f64 / 1e9,
            json_string(&format!("{:?}", trace.outcome).to_lowercase()),
            json_string(&trace.console_text()),
            json_string(&findings.headline),
            details.join(","),
            figures.join(","),
            deadlock,
        ));
    }
    let mut out = trace.console_text();
    let time = if live { "live engine, measured" } else { "simulated engine, Python time" };
    out.push_str(&format!("\n--- {} ({time} {:.1} ms)\n", lesson.id, trace.wall as f64 / 1e6));
    out.push_str(&format!("{}\n", findings.headline));
    for detail in &findings.details {
        out.push_str(&format!("{detail}\n"));
    }
    if let Some(edges) = deadlock {
        out.push_str(&format!("deadlock: {}\n", edges.join("; ")));
    }
    Ok(out)
}

fn lessons() -> String {
    if LESSONS.is_empty() {
        return "no lessons have landed yet\n".to_string();
    }
    let mut out = String::new();
    for lesson in LESSONS {
        out.push_str(&format!("{}  {}\n", lesson.id, lesson.title.en));
        for knob in lesson.knobs {
            out.push_str(&format!("    {:<12} default {:<8} {}\n", knob.name, knob.default, knob.allowed()));
        }
    }
    out
}

/// Parses `--name N` with N in `min..=max`.
fn number_flag(args: &[String], name: &str, default: u64, min: u64, max: u64) -> Result<u64, String> {
    let Some(i) = args.iter().position(|a| a == name) else {
        return Ok(default);
    };
    let raw = args.get(i + 1).ok_or_else(|| format!("{name} needs a value: a whole number from {min} to {max}"))?;
    match raw.parse::<u64>() {
        Ok(v) if (min..=max).contains(&v) => Ok(v),
        _ => Err(format!("{name} {raw}: expected a whole number from {min} to {max}")),
    }
}

fn probe(args: &[String]) -> Result<String, String> {
    if let Some(bad) = args.iter().step_by(2).find(|a| !matches!(a.as_str(), "--jobs" | "--units")) {
        return Err(format!("unknown option `{bad}` for probe; the options are --jobs N, --units N"));
    }
    let jobs = number_flag(args, "--jobs", 2, 1, POOL_THREADS as u64)? as u32;
    let units = number_flag(args, "--units", 50_000_000, 1, 100_000_000_000)?;
    let pool = rayon::ThreadPoolBuilder::new().num_threads(POOL_THREADS).build().map_err(|e| e.to_string())?;
    let report =
        probe::start(ProbeRequest { jobs, units_per_job: units }, &pool, Arc::new(HostClock), Arc::new(Control::new()))
            .wait();
    let mut out = format!("{jobs} jobs of {units} units on a pool of {POOL_THREADS} threads\n");
    for job in &report.jobs {
        out.push_str(&format!(
            "  job {:>2} on pool thread {:>2}: {:>8.2} ms\n",
            job.job,
            job.pool_thread.map_or("?".into(), |t| t.to_string()),
            (job.end - job.start) as f64 / 1e6
        ));
    }
    out.push_str(&format!(
        "wall {:.2} ms, {} distinct threads, overlapping: {}\n",
        report.wall as f64 / 1e6,
        report.distinct_threads(),
        report.overlapped()
    ));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn bad_commands_and_values_name_what_is_allowed() {
        assert!(main(&args("frobnicate"))
            .unwrap_err()
            .contains("the commands are lessons, run, explore, source, probe"));
        assert!(main(&args("probe --jobs 0")).unwrap_err().contains(&format!("from 1 to {POOL_THREADS}")));
        assert!(main(&args("probe --jobs")).unwrap_err().contains("needs a value"));
        assert!(main(&args("probe --fast 1")).unwrap_err().contains("unknown option `--fast`"));
    }

    #[test]
    fn run_prints_the_console_then_the_findings() {
        let out = main(&args("run race_counter --set threads=2 --set increments=1000 --set lock=each")).unwrap();
        assert!(out.starts_with("counter = 2000 (expected 2000)\n"), "{out}");
        assert!(out.contains("No update lost"), "{out}");
    }

    #[test]
    fn run_json_has_the_promised_fields() {
        let out = main(&args("run race_counter --set threads=2 --set increments=500 --engine live --json")).unwrap();
        for field in [
            "\"lesson\":\"race_counter\"",
            "\"knobs\":{",
            "\"engine\":\"live\"",
            "\"seed\":1",
            "\"python_time_s\":",
            "\"console\":\"counter = ",
            "\"findings\":{\"headline\":",
            "\"deadlock\":null",
        ] {
            assert!(out.contains(field), "{field} missing from {out}");
        }
        assert!(out.contains("\"threads\":\"2\""));
        // The console's newline is escaped: one line of JSON.
        assert_eq!(out.trim_end().lines().count(), 1);
    }

    #[test]
    fn explore_finds_the_lost_update_without_a_lock_and_none_with_one() {
        let out =
            main(&args("explore race_counter --seeds 20 --set threads=2 --set increments=10000 --set gil=off --json"))
                .unwrap();
        assert!(out.contains("\"figure\":\"lost\""), "{out}");
        assert!(!out.contains("\"broke\":0,"), "free-threaded, no lock: some run loses an update: {out}");
        assert!(out.contains("\"replay\":\"interleave run race_counter --set threads=2"), "{out}");
        let out = main(&args(
            "explore race_counter --seeds 20 --set threads=2 --set increments=10000 --set gil=off --set lock=each --json",
        ))
        .unwrap();
        assert!(out.contains("\"broke\":0,") && out.contains("\"shortest\":null"), "{out}");
        // The run it points at replays with the same outcome.
        let found =
            main(&args("explore race_counter --seeds 5 --set threads=2 --set increments=10000 --set gil=off --json"))
                .unwrap();
        let field = |name: &str| -> i64 {
            let at = found.find(&format!("\"{name}\":")).unwrap() + name.len() + 3;
            found[at..].split([',', '}']).next().unwrap().parse().unwrap()
        };
        let (seed, lost) = (field("seed"), field("value"));
        let again = main(&args(&format!(
            "run race_counter --set threads=2 --set increments=10000 --set gil=off --seed {seed} --json"
        )))
        .unwrap();
        assert!(again.contains(&format!("\"lost\":{lost}")), "seed {seed} lost {lost}: {again}");
        let out = main(&args("explore dining_philosophers --seeds 3")).unwrap();
        assert!(out.contains("broke in 3 of 3 runs"), "{out}");
        assert!(main(&args("explore gil --seeds 3")).unwrap_err().contains("nothing that breaks"));
        assert!(main(&args("explore race_counter --seeds 0")).unwrap_err().contains("1 to 100000"));
        assert!(main(&args("explore race_counter")).unwrap_err().contains("--seeds"));
        assert!(main(&args("explore race_counter --seeds 2 --engine live")).unwrap_err().contains("simulated"));
    }

    #[test]
    fn run_refuses_bad_lessons_knobs_and_values_by_name() {
        let e = main(&args("run nope")).unwrap_err();
        assert!(e.contains("there is no lesson `nope`; the lessons are ") && e.contains("race_counter"), "{e}");
        let e = main(&args("run race_counter --set colour=red")).unwrap_err();
        assert!(e.contains("unknown knob `colour`") && e.contains("`threads`"), "{e}");
        let e = main(&args("run race_counter --set threads=99")).unwrap_err();
        assert!(e.contains("threads=99") && e.contains("from 1 to 16"), "{e}");
        assert!(main(&args("run race_counter --set threads")).unwrap_err().contains("expected KNOB=VALUE"));
        assert!(main(&args("run race_counter --engine turbo")).unwrap_err().contains("sim | live"));
    }

    #[test]
    fn the_simulated_engine_is_the_default_and_a_seed_gives_the_same_output_every_time() {
        let run = || {
            main(&args("run race_counter --set threads=3 --set increments=200000 --set between=call --seed 9 --json"))
                .unwrap()
        };
        let first = run();
        assert!(first.contains("\"engine\":\"sim\"") && first.contains("\"time_measured\":false"), "{first}");
        assert_eq!(run(), first);
        let deadlock_free = main(&args("run race_counter --set lock=each --set increments=1000")).unwrap();
        assert!(deadlock_free.contains("simulated engine, Python time"));
    }

    #[test]
    fn source_prints_the_python_for_the_knobs() {
        let out = main(&args("source race_counter --set lock=each --set threads=2")).unwrap();
        assert!(out.contains("        with lock:\n") && out.contains("range(2)"), "{out}");
        assert!(main(&args("source race_counter --set lock=maybe")).unwrap_err().contains("none | each | loop"));
    }

    #[test]
    fn probe_reports_each_job() {
        let out = main(&args("probe --jobs 2 --units 1000")).unwrap();
        assert!(out.contains("job  0") && out.contains("job  1"), "{out}");
    }
}
