//! The command line, parsed by lexopt: a subcommand, a lesson and its knobs, and each
//! subcommand's own options, checked with messages that say what is allowed.

use lexopt::prelude::*;

use crate::engine::explore::{self, ExploreRequest};
use crate::engine::live::POOL_THREADS;
use crate::lessons::{self, Expect, Lesson, LESSONS};

/// What the command line asks for.
pub enum Command {
    Help,
    Lessons,
    Run(LessonArgs),
    Source(LessonArgs),
    Explore { lesson: LessonArgs, request: ExploreRequest },
    RunFile(FileArgs),
    ExploreFile { file: FileArgs, request: ExploreRequest, expect: Option<Expect> },
    Probe { jobs: u32, units: u64 },
}

/// A learner's program, a file of Python, and the common knobs to run it with.
pub struct FileArgs {
    pub path: String,
    pub pairs: Vec<(String, String)>,
    pub json: bool,
    /// `--trace FILE`: where to write the run as a Chrome trace.
    pub trace: Option<String>,
}

/// A lesson and its knobs as `name=value` pairs, as the page and the worker take them.
pub struct LessonArgs {
    pub lesson: &'static Lesson,
    pub pairs: Vec<(String, String)>,
    pub json: bool,
    /// `--trace FILE` (`run` only): where to write the run as a Chrome trace.
    pub trace: Option<String>,
}

impl Command {
    pub fn parse(args: &[String]) -> Result<Command, String> {
        let mut parser = lexopt::Parser::from_args(args.iter());
        let command = match parser.next().map_err(|e| e.to_string())? {
            Some(Value(command)) => command.string().map_err(|e| e.to_string())?,
            Some(Long("help")) | Some(Short('h')) => return Ok(Command::Help),
            Some(other) => return Err(format!("{} before the command\n{}", unknown(&given(other)), super::USAGE)),
            None => return Err(format!("no command given\n{}", super::USAGE)),
        };
        match command.as_str() {
            "help" => Ok(Command::Help),
            "lessons" => done(&mut parser).map(|_| Command::Lessons),
            "run" => {
                let mut trace = None;
                let args = lesson_args("run", &mut parser, &mut |arg, p| trace_option(arg, p, &mut trace))?;
                Ok(Command::Run(LessonArgs { trace, ..args }))
            }
            "source" => lesson_args("source", &mut parser, &mut |_, _| Ok(false)).map(Command::Source),
            "explore" => explore(&mut parser),
            "run-file" => {
                let mut trace = None;
                let args = file_args("run-file", &mut parser, &mut |arg, p| trace_option(arg, p, &mut trace))?;
                Ok(Command::RunFile(FileArgs { trace, ..args }))
            }
            "explore-file" => explore_file(&mut parser),
            "probe" => probe(&mut parser),
            other => Err(format!(
                "unknown command `{other}`; the commands are lessons, run, run-file, explore, explore-file, source, probe\n{}",
                super::USAGE
            )),
        }
    }
}

fn done(parser: &mut lexopt::Parser) -> Result<(), String> {
    match parser.next().map_err(|e| e.to_string())? {
        None => Ok(()),
        Some(arg) => Err(unknown(&given(arg))),
    }
}

/// An argument as given, owned (lexopt's borrows its parser).
enum Given {
    Long(String),
    Short(char),
    Value(String),
}

fn given(arg: lexopt::Arg) -> Given {
    match arg {
        Long(name) => Given::Long(name.to_string()),
        Short(c) => Given::Short(c),
        Value(v) => Given::Value(v.to_string_lossy().into_owned()),
    }
}

/// An argument no option takes, named as it was given.
fn unknown(arg: &Given) -> String {
    match arg {
        Given::Long(name) => format!("unknown option `--{name}`"),
        Given::Short(c) => format!("unknown option `-{c}`"),
        Given::Value(v) => format!("unexpected argument `{v}`"),
    }
}

/// A whole number from `min` to `max` as the value of `--flag`.
fn number(parser: &mut lexopt::Parser, flag: &str, min: u64, max: u64) -> Result<u64, String> {
    let raw = parser.value().map_err(|_| format!("{flag} needs a value: a whole number from {min} to {max}"))?;
    let raw = raw.string().map_err(|e| e.to_string())?;
    raw.parse::<u64>()
        .ok()
        .filter(|n| (min..=max).contains(n))
        .ok_or_else(|| format!("{flag} {raw}: expected a whole number from {min} to {max}"))
}

/// `LESSON [--set K=V]... [--engine E] [--seed N] [--schedule S] [--json]`, and any option
/// `own` takes (it says whether it took the argument).
fn lesson_args(
    command: &str,
    parser: &mut lexopt::Parser,
    own: &mut dyn FnMut(&Given, &mut lexopt::Parser) -> Result<bool, String>,
) -> Result<LessonArgs, String> {
    let ids = || LESSONS.iter().map(|l| l.info.id).collect::<Vec<_>>().join(", ");
    let mut lesson = None;
    let (mut pairs, mut json) = (Vec::new(), false);
    while let Some(arg) = parser.next().map_err(|e| e.to_string())?.map(given) {
        if own(&arg, parser)? || knob_option(command, &arg, parser, &mut pairs, &mut json, lesson.is_some())? {
            continue;
        }
        let Given::Value(id) = arg else { unreachable!("knob_option refuses any other") };
        lesson =
            Some(lessons::lesson(&id).ok_or_else(|| format!("there is no lesson `{id}`; the lessons are {}", ids()))?);
    }
    let lesson = lesson.ok_or_else(|| format!("{command} needs a lesson; the lessons are {}", ids()))?;
    Ok(LessonArgs { lesson, pairs, json, trace: None })
}

/// `PROGRAM.py [--set K=V]... [--engine E] [--seed N] [--schedule S] [--json]`, and any
/// option `own` takes.
fn file_args(
    command: &str,
    parser: &mut lexopt::Parser,
    own: &mut dyn FnMut(&Given, &mut lexopt::Parser) -> Result<bool, String>,
) -> Result<FileArgs, String> {
    let mut path = None;
    let (mut pairs, mut json) = (Vec::new(), false);
    while let Some(arg) = parser.next().map_err(|e| e.to_string())?.map(given) {
        if own(&arg, parser)? || knob_option(command, &arg, parser, &mut pairs, &mut json, path.is_some())? {
            continue;
        }
        let Given::Value(file) = arg else { unreachable!("knob_option refuses any other") };
        path = Some(file);
    }
    let path = path.ok_or_else(|| format!("{command} needs a Python file: interleave {command} PROGRAM.py"))?;
    Ok(FileArgs { path, pairs, json, trace: None })
}

/// `--trace FILE`: whether `arg` is it (its file in `trace`).
fn trace_option(arg: &Given, parser: &mut lexopt::Parser, trace: &mut Option<String>) -> Result<bool, String> {
    if !matches!(arg, Given::Long(flag) if flag == "trace") {
        return Ok(false);
    }
    let file = parser.value().map_err(|_| "--trace needs a file to write".to_string())?;
    *trace = Some(file.string().map_err(|e| e.to_string())?);
    Ok(true)
}

/// The options every run takes: `--set K=V`, `--engine`, `--seed`, `--schedule`, `--json`.
/// Whether it took `arg`; a plain value is left for the caller until it `has_subject`.
fn knob_option(
    command: &str,
    arg: &Given,
    parser: &mut lexopt::Parser,
    pairs: &mut Vec<(String, String)>,
    json: &mut bool,
    has_subject: bool,
) -> Result<bool, String> {
    let mut value = |flag: &str| -> Result<String, String> {
        parser.value().map_err(|_| format!("{flag} needs a value"))?.string().map_err(|e| e.to_string())
    };
    match arg {
        Given::Value(_) if !has_subject => return Ok(false),
        Given::Long(flag) if flag == "json" => *json = true,
        Given::Long(flag) if flag == "set" => {
            let setting = value("--set")?;
            let (name, v) = setting.split_once('=').ok_or_else(|| format!("--set {setting}: expected KNOB=VALUE"))?;
            pairs.push((name.to_string(), v.to_string()));
        }
        Given::Long(flag) if ["engine", "seed", "schedule"].contains(&flag.as_str()) => {
            let v = value(&format!("--{flag}"))?;
            pairs.push((flag.clone(), v));
        }
        other => {
            return Err(format!(
                "{} for {command}; the options are --set KNOB=VALUE, --engine, --seed, --schedule, --json",
                unknown(other)
            ))
        }
    }
    Ok(true)
}

/// An exploration's own options: `--seeds N`, `--preemptions K`, `--max-runs M`.
#[derive(Default)]
struct Bounds {
    seeds: Option<u64>,
    picks: Option<u32>,
    max_runs: Option<u64>,
}

impl Bounds {
    fn take(&mut self, arg: &Given, parser: &mut lexopt::Parser) -> Result<bool, String> {
        let Given::Long(flag) = arg else { return Ok(false) };
        match flag.as_str() {
            "seeds" => self.seeds = Some(number(parser, "--seeds", 1, explore::MAX_SEEDS)?),
            "preemptions" => self.picks = Some(number(parser, "--preemptions", 0, explore::MAX_PICKS as u64)? as u32),
            "max-runs" => self.max_runs = Some(number(parser, "--max-runs", 1, explore::MAX_RUNS)?),
            _ => return Ok(false),
        }
        Ok(true)
    }

    fn request(self, command: &str, pairs: &[(String, String)]) -> Result<ExploreRequest, String> {
        if self.seeds.is_none() && self.picks.is_none() {
            return Err(format!(
                "{command} needs --seeds N (runs over seeds) or --preemptions K (runs over schedules)"
            ));
        }
        if pairs.iter().any(|(k, _)| k == "schedule") {
            return Err(format!("{command} finds schedules itself; leave out --schedule"));
        }
        let (seeds, picks, max_runs) =
            (self.seeds.unwrap_or(1), self.picks.unwrap_or(0), self.max_runs.unwrap_or(10_000));
        Ok(ExploreRequest { seeds, picks, max_runs, stop_at_first_break: false })
    }
}

/// `explore LESSON [--seeds N] [--preemptions K] [--max-runs M] ...`
fn explore(parser: &mut lexopt::Parser) -> Result<Command, String> {
    let mut bounds = Bounds::default();
    let lesson = lesson_args("explore", parser, &mut |arg, parser| bounds.take(arg, parser))?;
    let request = bounds.request("explore", &lesson.pairs)?;
    Ok(Command::Explore { lesson, request })
}

/// `explore-file PROGRAM.py [--seeds N] [--preemptions K] [--max-runs M] [--expect NAME=VALUE |
/// --expect-output TEXT] ...`
fn explore_file(parser: &mut lexopt::Parser) -> Result<Command, String> {
    let mut bounds = Bounds::default();
    let mut expect = None;
    let file = file_args("explore-file", parser, &mut |arg, parser| {
        if matches!(arg, Given::Long(flag) if flag == "expect") {
            let raw = parser.value().map_err(|_| "--expect needs NAME=VALUE, like total=60".to_string())?;
            let raw = raw.string().map_err(|e| e.to_string())?;
            let (name, value) = raw
                .split_once('=')
                .and_then(|(n, v)| Some((n.to_string(), v.trim().parse::<i64>().ok()?)))
                .ok_or_else(|| format!("--expect {raw}: expected NAME=VALUE with a whole number, like total=60"))?;
            expect = Some(Expect::Ends { variable: name, value });
            return Ok(true);
        }
        if matches!(arg, Given::Long(flag) if flag == "expect-output") {
            let raw = parser.value().map_err(|_| "--expect-output needs TEXT, like \"total = 60\"".to_string())?;
            expect = Some(Expect::Prints(raw.string().map_err(|e| e.to_string())?));
            return Ok(true);
        }
        bounds.take(arg, parser)
    })?;
    let request = bounds.request("explore-file", &file.pairs)?;
    Ok(Command::ExploreFile { file, request, expect })
}

/// `probe [--jobs N] [--units N]`
fn probe(parser: &mut lexopt::Parser) -> Result<Command, String> {
    let (mut jobs, mut units) = (2, 50_000_000);
    while let Some(arg) = parser.next().map_err(|e| e.to_string())?.map(given) {
        match arg {
            Given::Long(flag) if flag == "jobs" => jobs = number(parser, "--jobs", 1, POOL_THREADS as u64)?,
            Given::Long(flag) if flag == "units" => units = number(parser, "--units", 1, 100_000_000_000)?,
            other => return Err(format!("{} for probe; the options are --jobs N, --units N", unknown(&other))),
        }
    }
    Ok(Command::Probe { jobs: jobs as u32, units })
}
