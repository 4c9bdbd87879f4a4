//! Every operation of every lesson points at the Python line that runs it: across each
//! lesson's word knobs, the text of an operation's line is one that does what it does.

use interleave::engine::program::{ObjectId, Op, OpKind, Program};
use interleave::knobs::KnobKind;
use interleave::lessons::source::line_text;
use interleave::lessons::{build_from_pairs, LESSONS};

/// Whether line `line` of `program`'s Python can run `op`: the line does what the
/// operation does (`print(` prints, `.put(` puts, a loop's line is its header or in its
/// body...). Work that Python hides (a pool's workers taking tasks, a loop's counter) is
/// shown on the line that causes it: the function the pool calls, or the pool's line.
fn runs(program: &Program, op: &Op) -> bool {
    let text = line_text(&program.source, op.line).trim();
    let has = |words: &[&str]| words.iter().any(|w| text.contains(w));
    let pool = has(&["Pool(", "pool.", "Executor(", "executor.", "as_completed(", ".result()"]);
    let pool_function = text.starts_with("def ");
    let in_loop =
        ["for ", "while "].iter().any(|w| text.starts_with(w) || enclosing(&program.source, op.line).starts_with(w));
    let names = |object: &ObjectId| {
        let name = &program.objects[object.0 as usize].name;
        text.contains(name.as_str())
    };
    let code = !text.is_empty() && !text.starts_with('#') && !text.starts_with("import ") && !text.starts_with("from ");
    match &op.kind {
        OpKind::Print { .. } => has(&["print("]),
        // Iterating `executor.map(...)` raises a task's exception again, as `.result()` does.
        OpKind::Raise { .. } => has(&["raise ", ".result()", ".map("]),
        OpKind::Sleep { .. } => has(&["sleep("]),
        // An executor's `submit` (or `map`) starts its worker threads or processes.
        OpKind::Start { .. } => has(&[".start()", "start_new_thread(", "Pool(", "executor."]),
        // Leaving `with Pool(...)` or `with ...Executor(...)` ends the workers and waits for them.
        OpKind::Join { .. } => has(&[".join()", "with Pool(", "Executor("]),
        // An executor's `submit` takes its idle workers' semaphore, without blocking.
        OpKind::Acquire { .. } => has(&["acquire(", "with ", "executor."]),
        // `executor.map`'s results, ending with an exception, cancel the futures not yet running.
        OpKind::Release { .. } => has(&["release(", "with ", "executor."]),
        // An executor's worker looks at whether `map` cancelled its item (`with` line).
        OpKind::EventWait { .. } => has(&[".wait("]) || pool,
        OpKind::CondWait { .. } | OpKind::BarrierWait { .. } => has(&[".wait("]),
        OpKind::CondNotify { .. } => has(&[".notify"]),
        // `map`'s iterator cancels the futures not yet running when a result raises.
        OpKind::EventSet { .. } => has(&[".set()"]) || pool,
        OpKind::EventClear { .. } => has(&[".clear()"]),
        OpKind::BarrierAbort { .. } => has(&[".abort()"]),
        OpKind::Put { .. } => has(&[".put("]) || pool || pool_function,
        OpKind::Get { .. } => has(&[".get("]) || pool || pool_function,
        OpKind::QueueEmpty { .. } => has(&[".empty()"]),
        // A process executor's management thread fills the call queue while it is not full.
        OpKind::QueueFull { .. } => has(&[".full()", "Executor("]),
        OpKind::Send { .. } => has(&[".send("]),
        OpKind::Recv { .. } => has(&[".recv("]),
        OpKind::Close { .. } => has(&[".close("]),
        OpKind::CreateTask { .. } => has(&["create_task(", "gather("]),
        OpKind::AwaitSleep { .. } => has(&["await asyncio.sleep("]),
        OpKind::AwaitTask { .. } => has(&["await "]),
        OpKind::Load { object, .. } | OpKind::Store { object, .. } => names(object),
        OpKind::ListAppend { object, .. }
        | OpKind::ListGet { object, .. }
        | OpKind::ListSet { object, .. }
        | OpKind::ListLen { object, .. }
        | OpKind::ListPop { object, .. } => names(object),
        OpKind::Loop { .. } => in_loop || pool || pool_function,
        OpKind::Clock { .. } => has(&["time.", "ms("]),
        OpKind::Introspect { .. } => has(&["threading.", "os.getpid("]),
        OpKind::Compute { .. }
        | OpKind::Call
        | OpKind::Set { .. }
        | OpKind::Add { .. }
        | OpKind::Arith { .. }
        | OpKind::Jump { .. }
        | OpKind::JumpIf { .. } => code,
    }
}

/// The header of the block line `line` is in: the nearest line above it indented less.
fn enclosing(source: &str, line: u32) -> &str {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let lines: Vec<&str> = source.lines().collect();
    let Some(own) = lines.get(line.saturating_sub(1) as usize) else { return "" };
    lines[..line.saturating_sub(1) as usize]
        .iter()
        .rev()
        .find(|l| !l.trim().is_empty() && indent(l) < indent(own))
        .map_or("", |l| l.trim())
}

/// Each lesson with its defaults, and with each word of each of its word knobs in turn.
fn variants() -> Vec<(&'static str, Vec<(String, String)>)> {
    let mut all = Vec::new();
    for lesson in LESSONS {
        all.push((lesson.info.id, Vec::new()));
        for spec in lesson.info.knobs {
            if let KnobKind::Choice(words) = spec.kind {
                for word in words {
                    all.push((lesson.info.id, vec![(spec.name.to_string(), word.to_string())]));
                }
            }
        }
    }
    all
}

fn misplaced(program: &Program) -> Vec<String> {
    let mut wrong = Vec::new();
    for actor in &program.actors {
        for op in &actor.ops {
            if !runs(program, op) {
                let text = line_text(&program.source, op.line).trim();
                wrong.push(format!("{}: {:?} at line {} {text:?}", actor.name, op.kind, op.line));
            }
        }
    }
    wrong
}

#[test]
fn every_operation_of_every_lesson_points_at_a_line_that_runs_it() {
    let mut wrong = Vec::new();
    for (id, pairs) in variants() {
        let lesson = interleave::lessons::lesson(id).unwrap();
        let (_, built) = build_from_pairs(lesson, &pairs).unwrap_or_else(|e| panic!("{id} {pairs:?}: {}", e.en));
        for w in misplaced(&built.program) {
            wrong.push(format!("{id} {pairs:?}: {w}"));
        }
    }
    wrong.dedup();
    assert!(wrong.is_empty(), "{} misplaced:\n{}", wrong.len(), wrong.join("\n"));
}
