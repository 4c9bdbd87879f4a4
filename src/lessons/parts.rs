//! The pieces every lesson builds its Program from, so a lesson file says only what is its
//! own: the main process and its main thread, the console's lines by who wrote them, the
//! headline of a run that did not finish, and (for tests) a lesson built from knobs and its
//! Python run.

use crate::engine::program::{ActorDef, ActorId, ActorRole, Op, OpKind, ProcessDef, ProcessId, StartMethod, Wait};
use crate::engine::trace::Trace;
use crate::i18n::Lang;
use crate::knobs::Common;
use crate::lessons::source::{Source, SourceLine};

/// `from multiprocessing import NAMES`, with `set_start_method` when the program sets one.
pub fn import_multiprocessing(src: &mut Source, common: &Common, names: &str) -> SourceLine {
    let and_set = if common.start_method_set { ", set_start_method" } else { "" };
    src.line(0, &format!("from multiprocessing import {names}{and_set}"))
}

/// `set_start_method("spawn")`, first in the main block, when the program sets one (the
/// `start_method` knob is not `default`).
pub fn set_start_method(src: &mut Source, common: &Common) {
    if common.start_method_set {
        src.line(1, &format!("set_start_method(\"{}\")", common.start_method.name()));
    }
}

/// Process 0, already running.
pub fn main_process() -> ProcessDef {
    ProcessDef {
        name: "MainProcess".into(),
        parent: None,
        start_method: StartMethod::Main,
        daemon: false,
        unpicklable: None,
    }
}

/// Adds a process the main process starts, and its main actor running `ops` (both named
/// `name`); returns the actor, which `start()` and `join()` name.
pub fn add_child(
    processes: &mut Vec<ProcessDef>,
    actors: &mut Vec<ActorDef>,
    name: String,
    start_method: StartMethod,
    daemon: bool,
    ops: Vec<Op>,
) -> ActorId {
    processes.push(ProcessDef {
        name: name.clone(),
        parent: Some(ProcessId(0)),
        start_method,
        daemon,
        unpicklable: None,
    });
    let process = ProcessId(processes.len() as u16 - 1);
    actors.push(ActorDef { name, process, role: ActorRole::ProcessMain, daemon: false, ops });
    ActorId(actors.len() as u16 - 1)
}

/// `start()` of actors 1 to `n`, in order, on `line`.
pub fn starts(n: u16, line: SourceLine) -> impl Iterator<Item = Op> {
    (1..=n).map(move |a| line.op(OpKind::Start { actor: ActorId(a) }))
}

/// `join()` of actors 1 to `n`, in order, on `line`.
pub fn joins(n: u16, line: SourceLine) -> impl Iterator<Item = Op> {
    (1..=n).map(move |a| line.op(OpKind::Join { actor: ActorId(a), wait: Wait::Forever }))
}

/// Actor 0: the main thread of the main process.
pub fn main_thread(ops: Vec<Op>) -> ActorDef {
    ActorDef { name: "MainThread".into(), process: ProcessId(0), role: ActorRole::ProcessMain, daemon: false, ops }
}

/// A thread of the main process.
pub fn thread(name: String, ops: Vec<Op>) -> ActorDef {
    ActorDef { name, process: ProcessId(0), role: ActorRole::Thread, daemon: false, ops }
}

/// The console's lines, each with the actor that wrote it, in the order they were ended. A
/// write may hold several lines (a flushed buffer) or part of one (unbuffered, a print's
/// text and its newline are two writes, and another process's can come between), so each
/// actor's lines are put together from its own writes. (Threads of one process share its
/// buffer: a flushed line is credited to the thread that flushed it.)
pub fn lines_by_actor(trace: &Trace) -> Vec<(ActorId, String)> {
    let mut open: Vec<(ActorId, String)> = Vec::new();
    let mut lines = Vec::new();
    for write in &trace.console {
        let at = match open.iter().position(|(a, _)| *a == write.actor) {
            Some(at) => at,
            None => {
                open.push((write.actor, String::new()));
                open.len() - 1
            }
        };
        let partial = &mut open[at].1;
        partial.push_str(&write.text);
        while let Some(end) = partial.find('\n') {
            let line: String = partial.drain(..=end).collect();
            lines.push((write.actor, line.trim_end_matches('\n').to_string()));
        }
    }
    lines.extend(open.into_iter().filter(|(_, rest)| !rest.is_empty()));
    lines
}

/// The headline of a run that was cancelled, stopped or deadlocked before its figures.
pub fn not_finished(lang: Lang) -> String {
    match lang {
        Lang::En => "The run did not finish.".into(),
        Lang::Ko => "실행이 끝나지 않았습니다.".into(),
    }
}

#[cfg(test)]
pub mod testing {
    use crate::engine::trace::Trace;
    use crate::knobs::KnobValues;
    use crate::lessons::{build_from_pairs, Built, Lesson};

    /// The lesson built from these knobs (the rest at their defaults).
    pub fn built(lesson: &Lesson, pairs: &[(&str, &str)]) -> (KnobValues, Built) {
        let pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        build_from_pairs(lesson, &pairs).unwrap_or_else(|e| panic!("{}: {}", lesson.info.id, e.en))
    }

    /// The lesson built from these knobs and run on the simulated engine.
    pub fn run(lesson: &Lesson, pairs: &[(&str, &str)]) -> (KnobValues, Trace) {
        let (knobs, built) = built(lesson, pairs);
        let (program, settings) = built.into_sim();
        let trace = crate::engine::sim::run(program, settings).unwrap_or_else(|e| panic!("{}: {e}", lesson.info.id));
        (knobs, trace)
    }

    /// The first seed in `1..=seeds` whose run (with these knobs) `shows` something, with
    /// its knobs and trace: a rare outcome, found whatever the noise model draws.
    pub fn first_seed(
        lesson: &Lesson,
        pairs: &[(&str, &str)],
        seeds: u64,
        shows: impl Fn(&KnobValues, &Trace) -> bool,
    ) -> Option<(u64, KnobValues, Trace)> {
        (1..=seeds).find_map(|seed| {
            let seed_text = seed.to_string();
            let mut with_seed = pairs.to_vec();
            with_seed.push(("seed", &seed_text));
            let (knobs, trace) = run(lesson, &with_seed);
            shows(&knobs, &trace).then_some((seed, knobs, trace))
        })
    }

    /// Runs a program's Python under this machine's CPython as the lessons' default output
    /// (`output=tty`) has it: `print` line-buffered, as on a terminal, in the program and in
    /// the processes it forks. `None` when there is no CPython. The source goes in a file,
    /// so `spawn` can import it again.
    pub fn cpython(source: &str) -> Option<std::process::Output> {
        std::process::Command::new("python3").arg("--version").output().ok()?;
        let file = std::env::temp_dir().join(format!(
            "interleave_lesson_{}_{:x}.py",
            std::process::id(),
            source.len() as u64 ^ source.bytes().fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(b as u64))
        ));
        std::fs::write(&file, source).ok()?;
        // As a learner runs it: the environment must not make printing unbuffered (a
        // machine with PYTHONUNBUFFERED set splits every print into two writes).
        const AS_ON_A_TERMINAL: &str = "import runpy, sys; sys.stdout.reconfigure(line_buffering=True); \
                                        runpy.run_path(sys.argv[1], run_name='__main__')";
        let out = std::process::Command::new("python3")
            .args(["-c", AS_ON_A_TERMINAL])
            .arg(&file)
            .env_remove("PYTHONUNBUFFERED")
            .env_remove("PYTHONIOENCODING")
            .output()
            .ok();
        let _ = std::fs::remove_file(&file);
        out
    }
}
