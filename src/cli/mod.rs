//! The `interleave` command (native). Arguments are parsed by lexopt into a [`Command`];
//! every subcommand returns its output or a message naming what was wrong and what is
//! allowed, and the binary prints one or the other. `--json` output comes from serde_json.
//!
//! - `args`: the command line to a [`Command`].
//! - `run`: `run` and `source`, a lesson's run or its Python.
//! - `run_file`: `run-file`, a learner's own Python compiled and run.
//! - `explore`: `explore`, a lesson over seeds and schedules.
//! - `explore_file`: `explore-file`, a learner's own program over seeds and schedules.
//! - `info`: `lessons` and `probe`.

mod args;
mod explore;
mod explore_file;
mod info;
mod run;
mod run_file;
#[cfg(test)]
mod tests;

use serde::ser::Serialize;

pub use args::Command;

const USAGE: &str = "usage:
  interleave lessons                      list lesson ids with their knobs
  interleave run LESSON [--set KNOB=VALUE]... [--engine sim|live] [--seed N]
                 [--schedule S] [--json] [--trace FILE]
                                          run a lesson: its console, then a summary; a
                                          schedule (from the stepper or explore) replays
                                          that interleaving on the simulated engine;
                                          --trace writes the run as a Chrome trace
                                          (ui.perfetto.dev, chrome://tracing)
  interleave explore LESSON [--seeds N] [--preemptions K] [--max-runs M]
                 [--set KNOB=VALUE]... [--json]
                                          run the simulated engine over seeds 1..N and
                                          every schedule with up to K picks: how often
                                          each outcome came, and the shortest run that
                                          broke the program, with its replay command
  interleave run-file PROGRAM.py [--set KNOB=VALUE]... [--engine sim|live] [--seed N]
                 [--schedule S] [--json] [--trace FILE]
                                          compile your own Python (a subset: threads,
                                          locks, shared counters, loops over range) and
                                          run it like a lesson
  interleave explore-file PROGRAM.py [--seeds N] [--preemptions K] [--max-runs M]
                 [--expect NAME=VALUE | --expect-output TEXT] [--set KNOB=VALUE]... [--json]
                                          explore your own program: a run breaks when it
                                          deadlocks or hangs, or with --expect when that
                                          shared variable ends with another value, or with
                                          --expect-output when its output lacks TEXT
  interleave source LESSON [--set KNOB=VALUE]...
                                          print the lesson's Python program for those knobs
  interleave probe [--jobs N] [--units N]  run CPU-bound jobs on a real thread pool
";

/// Runs the command line `args` (without the program's name).
pub fn main(args: &[String]) -> Result<String, String> {
    match Command::parse(args)? {
        Command::Help => Ok(USAGE.to_string()),
        Command::Lessons => Ok(info::lessons()),
        Command::Run(lesson) => run::run(lesson),
        Command::RunFile(file) => run_file::run_file(file),
        Command::ExploreFile { file, request, expect } => explore_file::explore_file(file, request, expect),
        Command::Source(lesson) => run::source(lesson),
        Command::Explore { lesson, request } => explore::explore(lesson, request),
        Command::Probe { jobs, units } => info::probe(jobs, units),
    }
}

/// One line of JSON.
fn json_line(value: &impl Serialize) -> Result<String, String> {
    serde_json::to_string(value).map(|line| line + "\n").map_err(|e| e.to_string())
}
