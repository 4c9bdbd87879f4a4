//! `lessons` (every lesson with its knobs) and `probe` (CPU-bound jobs on a real pool).

use std::sync::Arc;

use crate::engine::clock::HostClock;
use crate::engine::control::Control;
use crate::engine::live::probe::{self, ProbeRequest};
use crate::engine::live::POOL_THREADS;
use crate::lessons::CATALOGUE;

pub fn lessons() -> String {
    let mut out = String::new();
    for lesson in CATALOGUE {
        out.push_str(&format!("{}  {}\n", lesson.id, lesson.title.en));
        for knob in lesson.knobs {
            out.push_str(&format!("    {:<12} default {:<8} {}\n", knob.name, knob.default, knob.allowed()));
        }
    }
    out
}

pub fn probe(jobs: u32, units: u64) -> Result<String, String> {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(POOL_THREADS).build().map_err(|e| e.to_string())?;
    let request = ProbeRequest { jobs, units_per_job: units };
    let report = probe::start(request, &pool, Arc::new(HostClock), Arc::new(Control::new())).wait();
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
