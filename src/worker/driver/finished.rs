//! The last run that finished, kept whole for the page's downloads.

use crate::draw::timeline_file::svg_file;
use crate::engine::trace::{chrome_trace, RunLabel, Trace};
use crate::knobs::{Common, FromKnobs};
use crate::lessons::results::RunResults;
use crate::lessons::{FindingsText, Setup};
use crate::worker::protocol::ExportFile;

/// A run that finished (a lesson's run, or the stepper's once it ends), whole, with what it
/// was run with and what its lesson found: the page's downloads are written from it when
/// asked (its console, its Chrome trace, its results and its timeline).
pub(super) struct Finished {
    pub(super) run: u32,
    trace: Box<Trace>,
    lesson: &'static str,
    seed: u64,
    live: bool,
    knobs: Vec<(String, String)>,
    /// In English, as the command line writes results.
    findings: FindingsText,
}

impl Finished {
    pub(super) fn of(run: u32, setup: &Setup, trace: Trace, findings: FindingsText) -> Finished {
        let knobs = setup.knobs.pairs().into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        let (seed, live) = Common::from_knobs(&setup.knobs).map_or((0, false), |common| (common.seed, common.live));
        Finished { run, trace: Box::new(trace), lesson: setup.lesson.info.id, seed, live, knobs, findings }
    }

    /// The run written as `file`.
    pub(super) fn export(&self, file: ExportFile) -> String {
        let Finished { trace, lesson, seed, live, knobs, findings, .. } = self;
        match file {
            ExportFile::Console => trace.console_text(),
            ExportFile::Trace => chrome_trace(trace, &RunLabel::new(*seed, knobs)),
            ExportFile::Results => RunResults::new(lesson, knobs, *seed, *live, trace, findings).to_json(),
            ExportFile::Timeline(lang) => svg_file(trace, lang),
        }
    }
}
