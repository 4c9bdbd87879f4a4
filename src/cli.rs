//! The `interleave` command (native). Every subcommand returns its output or a message
//! naming what was wrong and what is allowed; the binary prints one or the other.

use std::sync::Arc;

use crate::engine::clock::HostClock;
use crate::engine::control::Control;
use crate::engine::explore;
use crate::engine::live::probe::{self, ProbeRequest};
use crate::engine::live::{run as live_run, Spawner, POOL_THREADS};
use crate::engine::sim;
use crate::engine::trace::{Outcome, WaitOn};
use crate::i18n::Lang;
use crate::lessons::{self, LESSONS};

const USAGE: &str = "usage:
  interleave lessons                      list lesson ids with their knobs
  interleave run LESSON [--set KNOB=VALUE]... [--engine sim|live] [--seed N]
                 [--schedule S] [--json]   run a lesson: its console, then a summary; a
                                          schedule (from the stepper or explore) replays
                                          that interleaving on the simulated engine
  interleave explore LESSON [--seeds N] [--preemptions K] [--max-runs M]
                 [--set KNOB=VALUE]... [--json]
                                          run the simulated engine over seeds 1..N and
                                          every schedule with up to K picks: how often
                                          each outcome came, and the shortest run that
                                          broke the program, with its replay command
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
            "--schedule" => parsed.pairs.push(("schedule".into(), value("--schedule")?)),
            other => {
                return Err(format!(
                    "unknown option `{other}` for {command}; the options are --set KNOB=VALUE, --engine, --seed, --schedule, --json"
                ))
            }
        }
    }
    Ok(parsed)
}

/// `explore`: the lesson on the simulated engine over seeds 1..=N and, with
/// `--preemptions K`, over every schedule with up to K picks. The outcome of each run is
/// the lesson's breaking figure (lost updates, a deadlock, missed results); the breaking
/// run with the fewest picks, then the fewest turns, is printed with the command that
/// replays it.
fn explore(args: &[String]) -> Result<String, String> {
    let mut seeds = None;
    let mut picks = None;
    let mut max_runs = 10_000;
    let mut rest = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut number = |flag: &str, max: u64| -> Result<u64, String> {
            let raw = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
            raw.parse::<u64>()
                .ok()
                .filter(|n| *n <= max)
                .ok_or_else(|| format!("{flag} {raw}: expected a whole number from 0 to {max}"))
        };
        match arg.as_str() {
            "--seeds" => {
                let n = number("--seeds", explore::MAX_SEEDS)?;
                if n == 0 {
                    return Err(format!("--seeds 0: explore runs 1 to {} seeds", explore::MAX_SEEDS));
                }
                seeds = Some(n);
            }
            "--preemptions" => picks = Some(number("--preemptions", explore::MAX_PICKS as u64)? as u32),
            "--max-runs" => max_runs = number("--max-runs", explore::MAX_RUNS)?.max(1),
            _ => rest.push(arg.clone()),
        }
    }
    if seeds.is_none() && picks.is_none() {
        return Err("explore needs --seeds N (runs over seeds) or --preemptions K (runs over schedules)".into());
    }
    let (seeds, picks) = (seeds.unwrap_or(1), picks.unwrap_or(0));
    let LessonArgs { lesson, pairs, json } = lesson_args("explore", &rest)?;
    if pairs.iter().any(|(k, _)| k == "schedule") {
        return Err("explore finds schedules itself; leave out --schedule".into());
    }
    let request = explore::ExploreRequest { seeds, picks, max_runs, stop_at_first_break: false };
    let report = lessons::explore::explore(lesson, &pairs, request)?;
    let figure = report.figure.as_str();
    let replay = |found: &explore::Found| {
        let sets: String = pairs.iter().filter(|(k, _)| k != "seed").map(|(k, v)| format!(" --set {k}={v}")).collect();
        let schedule =
            if found.schedule.is_empty() { String::new() } else { format!(" --schedule {}", found.schedule) };
        format!("interleave run {}{sets} --seed {}{schedule}", lesson.id, found.seed)
    };
    if json {
        let rows = |h: &[(i64, u64)]| h.iter().map(|(v, n)| format!("[{v},{n}]")).collect::<Vec<_>>().join(",");
        let others: Vec<String> =
            report.others.iter().map(|(name, h)| format!("{}:[{}]", json_string(name), rows(h))).collect();
        let found = match &report.shortest {
            Some(f) => format!(
                "{{\"seed\":{},\"schedule\":{},\"value\":{},\"picks\":{},\"turns\":{},\"replay\":{}}}",
                f.seed,
                json_string(&f.schedule.to_string()),
                f.value,
                f.schedule.len(),
                f.turns,
                json_string(&replay(f))
            ),
            None => "null".into(),
        };
        return Ok(format!(
            "{{\"lesson\":{},\"figure\":{},\"seeds\":{seeds},\"preemptions\":{picks},\"runs\":{},\"broke\":{},\"complete\":{},\"histogram\":[{}],\"others\":{{{}}},\"shortest\":{found}}}\n",
            json_string(lesson.id),
            json_string(figure),
            report.runs,
            report.broke,
            report.complete,
            rows(&report.histogram),
            others.join(",")
        ));
    }
    let over = if picks == 0 {
        format!("seeds 1..{seeds}")
    } else {
        format!("seeds 1..{seeds} and schedules with up to {picks} pick{}", if picks == 1 { "" } else { "s" })
    };
    let mut out = format!("{} over {over} on the simulated engine: `{figure}` per run\n", lesson.id);
    let rows = explore::histogram_rows(&report.histogram);
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
    Ok(out)
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
    if live && !knobs.schedule().is_empty() {
        return Err("a schedule replays on the simulated engine only; leave out --engine live".into());
    }
    let object_names: Vec<String> = built.program.objects.iter().map(|o| o.name.clone()).collect();
    let trace = if live {
        let pool: Arc<dyn Spawner> =
            Arc::new(rayon::ThreadPoolBuilder::new().num_threads(POOL_THREADS).build().map_err(|e| e.to_string())?);
        live_run::start(built.program, built.settings, pool, Arc::new(HostClock), Arc::new(Control::new()))
            .map_err(|e| e.to_string())?
            .wait()
    } else {
        let mut simulation = lessons::simulation(lesson, &knobs, built)?;
        loop {
            if let sim::StepResult::Finished(trace) = simulation.run_slice(u64::MAX).map_err(|e| e.to_string())? {
                break *trace;
            }
        }
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
        let out = main(&args("explore dining_philosophers --seeds 3")).unwrap();
        assert!(out.contains("broke in 3 of 3 runs"), "{out}");
        // Every other figure has its histogram in the JSON: meals per philosopher, say.
        let out = main(&args("explore dining_philosophers --seeds 3 --set strategy=ordered --set duration_s=1 --json"))
            .unwrap();
        assert!(out.contains("\"others\":{\"meals\":[") && out.contains("\"meals_4\":[["), "{out}");
        assert!(main(&args("explore gil --seeds 3")).unwrap_err().contains("nothing that breaks"));
        assert!(main(&args("explore race_counter --seeds 0")).unwrap_err().contains("1 to 100000"));
        assert!(main(&args("explore race_counter --preemptions 9")).unwrap_err().contains("from 0 to 3"));
        assert!(main(&args("explore race_counter")).unwrap_err().contains("--seeds"));
        assert!(main(&args("explore race_counter --seeds 2 --engine live")).unwrap_err().contains("simulated"));
    }

    #[test]
    fn the_schedule_explore_prints_replays_the_same_run() {
        let knobs = "--set threads=2 --set increments=3 --set gil=off";
        let found = main(&args(&format!("explore race_counter --preemptions 1 {knobs} --json"))).unwrap();
        let field = |name: &str| -> String {
            let at = found.find(&format!("\"{name}\":")).unwrap() + name.len() + 3;
            found[at..].split([',', '}']).next().unwrap().trim_matches('"').to_string()
        };
        let (seed, schedule, lost) = (field("seed"), field("schedule"), field("value"));
        assert!(!schedule.is_empty() && lost != "0", "{found}");
        let run = |schedule: &str| {
            main(&args(&format!("run race_counter {knobs} --seed {seed} --schedule {schedule} --json"))).unwrap()
        };
        assert!(run(&schedule).contains(&format!("\"lost\":{lost}")), "{schedule}: {}", run(&schedule));
        // Without the schedule, the engine's own interleaving loses nothing.
        let plain = main(&args(&format!("run race_counter {knobs} --seed {seed} --json"))).unwrap();
        assert!(plain.contains("\"lost\":0"), "{plain}");
        // Schedules that do not fit are refused with the reason.
        let e = main(&args(&format!("run race_counter {knobs} --schedule 0t7"))).unwrap_err();
        assert!(e.contains("at turn 0, it names thread 7, but the run has threads 0 to 2"), "{e}");
        let e = main(&args(&format!("run race_counter {knobs} --schedule 1t1t"))).unwrap_err();
        assert!(e.contains("`schedule=1t1t` is not a schedule"), "{e}");
        let e = main(&args(&format!("run race_counter {knobs} --schedule 0t0 --engine live"))).unwrap_err();
        assert!(e.contains("simulated engine only"), "{e}");
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
