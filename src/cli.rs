//! The `interleave` command (native). Every subcommand returns its output or a message
//! naming what was wrong and what is allowed; the binary prints one or the other.

use std::sync::Arc;

use crate::engine::clock::HostClock;
use crate::engine::control::Control;
use crate::engine::live::probe::{self, ProbeRequest};
use crate::engine::live::POOL_THREADS;
use crate::lessons::LESSONS;

const USAGE: &str = "usage:
  interleave lessons                      list lesson ids with their knobs
  interleave probe [--jobs N] [--units N]  run CPU-bound jobs on a real thread pool
";

pub fn main(args: &[String]) -> Result<String, String> {
    match args.first().map(String::as_str) {
        Some("lessons") => Ok(lessons()),
        Some("probe") => probe(&args[1..]),
        Some("help") | Some("--help") | Some("-h") => Ok(USAGE.to_string()),
        Some(other) => Err(format!("unknown command `{other}`; the commands are lessons, probe\n{USAGE}")),
        None => Err(format!("no command given\n{USAGE}")),
    }
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
        assert!(main(&args("frobnicate")).unwrap_err().contains("the commands are lessons, probe"));
        assert!(main(&args("probe --jobs 0")).unwrap_err().contains(&format!("from 1 to {POOL_THREADS}")));
        assert!(main(&args("probe --jobs")).unwrap_err().contains("needs a value"));
        assert!(main(&args("probe --fast 1")).unwrap_err().contains("unknown option `--fast`"));
    }

    #[test]
    fn probe_reports_each_job() {
        let out = main(&args("probe --jobs 2 --units 1000")).unwrap();
        assert!(out.contains("job  0") && out.contains("job  1"), "{out}");
    }
}
