//! What the `futures` lesson says: of itself and its knobs, and of a run (its findings).

use super::{elapsed_ms, finished, plan, printed_order, raised, workers_started, Kind, Knobs, Method, Work};
use crate::engine::program::StartMethod;
use crate::engine::trace::Trace;
use crate::i18n::{Lang, Prose, Text};
use crate::knobs::Common;
use crate::lessons::parts::not_finished;
use crate::lessons::{Findings, KnobWords, LessonWords};

/// What the lesson says of itself, sent to the page with its Python.
pub const WORDS: LessonWords = LessonWords {
    explanation: Text {
        en: "`concurrent.futures` runs tasks on a pool of workers: the threads of a `ThreadPoolExecutor` or the \
             processes of a `ProcessPoolExecutor`. `submit` returns a future at once; `fut.result()` waits for its \
             task and returns its value, or raises the task's exception again. `as_completed` yields the futures as \
             their tasks finish, `map` yields the results in submission order. `max_workers` caps how many tasks \
             run at once, and leaving the `with` block shuts the pool down and waits for every task. Threads suit \
             waiting (I/O); for CPU-bound work only processes get past the GIL.",
        ko: "`concurrent.futures`는 워커 풀에서 작업을 실행합니다. `ThreadPoolExecutor`의 스레드나 \
             `ProcessPoolExecutor`의 프로세스입니다. `submit`은 퓨처를 바로 돌려주고, `fut.result()`는 그 작업을 \
             기다려 값을 돌려주거나 작업의 예외를 다시 일으킵니다. `as_completed`는 작업이 끝나는 대로 퓨처를 \
             내주고, `map`은 결과를 제출 순서대로 내줍니다. `max_workers`는 동시에 실행되는 작업 수의 상한이며, \
             `with` 블록을 떠나면 풀을 닫고 모든 작업을 기다립니다. 기다리는 일(I/O)에는 스레드가 맞고, CPU \
             작업은 프로세스만 GIL을 넘어섭니다.",
    },
    seed_changes: Text {
        en: "Which worker runs which task and the timings by a millisecond or so; the order of the results moves \
             only where two tasks finish at almost the same moment.",
        ko: "어느 워커가 어느 작업을 실행하는지와 시간이 1밀리초 안팎 달라집니다. 결과의 순서는 두 작업이 거의 같은 \
             순간에 끝날 때만 바뀝니다.",
    },
    knobs: &[
        KnobWords {
            name: "executor",
            label: Text { en: "Executor", ko: "실행기" },
            help: Text {
                en: "`thread`: a `ThreadPoolExecutor`, worker threads sharing one GIL; `process`: a \
                     `ProcessPoolExecutor`, worker processes with a GIL each.",
                ko:
                    "`thread`는 GIL 하나를 함께 쓰는 워커 스레드의 `ThreadPoolExecutor`, `process`는 저마다 GIL이 있는 \
                     워커 프로세스의 `ProcessPoolExecutor`입니다.",
            },
        },
        KnobWords {
            name: "workers",
            label: Text { en: "Max workers", ko: "최대 워커 수" },
            help: Text {
                en: "`max_workers`: how many tasks run at once. `0` leaves it out: CPython then takes \
                     `min(32, os.cpu_count() + 4)` threads or `os.cpu_count()` processes (see `cores`).",
                ko: "`max_workers`: 동시에 실행되는 작업 수입니다. `0`이면 넣지 않으며, 그때 CPython은 스레드 \
                     `min(32, os.cpu_count() + 4)`개, 프로세스 `os.cpu_count()`개를 씁니다(`cores` 참고).",
            },
        },
        KnobWords {
            name: "tasks",
            label: Text { en: "Tasks", ko: "작업 수" },
            help: Text {
                en: "How many tasks run: one call of `task(x)` for each `x` from 0 upward.",
                ko: "실행할 작업의 수입니다. 0부터 차례로 `x`마다 `task(x)`를 한 번씩 호출합니다.",
            },
        },
        KnobWords {
            name: "work",
            label: Text { en: "Kind of work", ko: "작업 종류" },
            help: Text {
                en: "`io`: each task sleeps, as one waiting for I/O does, and lets go of the GIL; `cpu`: each task \
                     counts down in Python, holding the GIL.",
                ko: "`io`는 I/O를 기다리듯 잠들며 GIL을 내려놓고, `cpu`는 파이썬에서 수를 세어 내려가며 GIL을 \
                     쥡니다.",
            },
        },
        KnobWords {
            name: "size",
            label: Text { en: "Task size (s)", ko: "작업 크기(초)" },
            help: Text {
                en: "Seconds of the shortest task; task `x` takes 1, 2 or 3 times it (`SIZES`), so the tasks do not \
                     finish in the order they were submitted.",
                ko: "가장 짧은 작업의 초입니다. 작업 `x`는 그 1배, 2배, 3배가 걸리므로(`SIZES`) 작업들은 제출한 \
                     순서대로 끝나지 않습니다.",
            },
        },
        KnobWords {
            name: "method",
            label: Text { en: "Results by", ko: "결과 받는 방법" },
            help: Text {
                en: "`as_completed`: each result as its task completes; `map`: `executor.map`, results in \
                     submission order; `result`: submit all, then `fut.result()` on each in turn.",
                ko: "`as_completed`는 작업이 끝나는 대로, `map`은 `executor.map`으로 제출 순서대로, `result`는 모두 \
                     제출한 뒤 차례로 `fut.result()`로 결과를 받습니다.",
            },
        },
        KnobWords {
            name: "chunksize",
            label: Text { en: "Chunk size", ko: "청크 크기" },
            help: Text {
                en: "The `chunksize=` of a process executor's `map`: how many inputs go to a worker process as one \
                     work item.",
                ko: "프로세스 실행기 `map`의 `chunksize=`입니다. 워커 프로세스에 작업 항목 하나로 보내는 입력의 \
                     수입니다.",
            },
        },
        KnobWords {
            name: "fail",
            label: Text { en: "Failing task", ko: "실패하는 작업" },
            help: Text {
                en: "The `x` whose task raises `ValueError` (`-1`: none). Its future keeps the exception and raises \
                     it again where the main thread asks for the result.",
                ko: "`ValueError`를 일으키는 작업의 `x`입니다(`-1`이면 없음). 퓨처가 예외를 간직했다가 메인 스레드가 \
                     결과를 달라고 할 때 다시 일으킵니다.",
            },
        },
    ],
};

/// What the learner should notice about a run.
pub fn findings(knobs: &Knobs, common: &Common, trace: &Trace, lang: Lang) -> Findings {
    let ko = lang == Lang::Ko;
    let plan = plan(knobs, common);
    let order = printed_order(trace);
    let raised = raised(trace);
    let started = workers_started(trace);
    let predicted_ms = (plan.predicted_us(common.gil, common.cores) as f64 / 1000.0).round() as i64;
    let in_order = order.iter().enumerate().all(|(i, &x)| x as usize == i);
    let mut figures = vec![
        ("workers", i64::from(plan.workers)),
        ("started", started as i64),
        ("predicted_ms", predicted_ms),
        ("results", order.len() as i64),
        ("raised", raised as i64),
        ("in_order", in_order as i64),
    ];
    let Some(elapsed) = elapsed_ms(trace).filter(|_| finished(trace)) else {
        return Findings { headline: not_finished(lang), details: vec![], figures };
    };
    figures.push(("elapsed_ms", elapsed));
    let secs = elapsed as f64 / 1000.0;
    let p = predicted_ms as f64 / 1000.0;
    let process = plan.kind == Kind::Process;
    let (n, w, c) = (plan.tasks, plan.workers, common.cores);
    let list = order.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(", ");

    let headline = match (raised, plan.fail) {
        (true, Some(f)) => {
            let call = if plan.method == Method::Map { "`executor.map`" } else { "`fut.result()`" };
            let k = order.len();
            match (ko, k) {
                (false, 0) => format!(
                    "Task {f} raised `ValueError`; {call} raised it again in the main thread before any result, \
                     and the program ended with a traceback at {secs:.2} s."
                ),
                (false, _) => format!(
                    "Task {f} raised `ValueError`; {call} raised it again in the main thread after {k} result{}, \
                     and the program ended with a traceback at {secs:.2} s.",
                    if k == 1 { "" } else { "s" }
                ),
                (true, 0) => format!(
                    "작업 {f}에서 `ValueError`가 일어났고, 결과가 하나도 나오기 전에 메인 스레드의 {call}가 그것을 \
                     다시 일으켰습니다. 프로그램은 {secs:.2}초에 트레이스백과 함께 끝났습니다."
                ),
                (true, _) => format!(
                    "작업 {f}에서 `ValueError`가 일어났고, 결과 {k}개가 나온 뒤 메인 스레드의 {call}가 그것을 다시 \
                     일으켰습니다. 프로그램은 {secs:.2}초에 트레이스백과 함께 끝났습니다."
                ),
            }
        }
        _ => {
            let by_completion = plan.method == Method::AsCompleted;
            if ko {
                format!(
                    "작업 {n}개를 워커 {} {started}개로 {secs:.2}초에 마쳤습니다. 결과는 {} 순서대로 {list}.",
                    if process { "프로세스" } else { "스레드" },
                    if by_completion { "완료" } else { "제출" },
                )
            } else {
                format!(
                    "{n} tasks on {started} worker {}: {secs:.2} s; results in {} order {list}.",
                    match (process, started) {
                        (true, 1) => "process",
                        (true, _) => "processes",
                        (false, 1) => "thread",
                        (false, _) => "threads",
                    },
                    if by_completion { "completion" } else { "submission" },
                )
            }
        }
    };

    let work = match (plan.work, plan.kind, common.gil) {
        (Work::Cpu, Kind::Thread, true) => both(
            format!(
                "CPU-bound tasks in threads take turns holding the GIL: one runs Python at a time, so together \
                 they take about the sum of their times, {p:.2} s predicted, however many workers there are. \
                 Processes would compute side by side."
            ),
            format!(
                "스레드에서 CPU 작업은 GIL을 번갈아 쥡니다. 한 번에 하나만 파이썬을 실행하므로 워커가 몇 개든 작업 \
                 시간의 합만큼, 예측으로 {p:.2}초 걸립니다. 프로세스라면 나란히 계산합니다."
            ),
        ),
        (Work::Cpu, Kind::Thread, false) => both(
            format!(
                "This build has no GIL, so the threads compute side by side on up to {c} cores: {p:.2} s predicted."
            ),
            format!("이 빌드에는 GIL이 없어서 스레드들이 코어 {c}개까지 나란히 계산합니다. 예측은 {p:.2}초입니다."),
        ),
        (Work::Io, Kind::Thread, _) => both(
            format!(
                "A thread that sleeps, as one waiting for I/O does, lets go of the GIL, so the workers wait side by \
                 side: each free worker takes the next task in submission order, {p:.2} s predicted."
            ),
            format!(
                "I/O를 기다리듯 잠든 스레드는 GIL을 내려놓으므로 워커들이 나란히 기다립니다. 비어 있는 워커가 제출 \
                 순서대로 다음 작업을 가져가며, 예측은 {p:.2}초입니다."
            ),
        ),
        (Work::Cpu, Kind::Process, _) => both(
            format!(
                "Each worker process has its own interpreter and GIL, so CPU-bound tasks run on up to {c} cores at \
                 once: {p:.2} s predicted, plus starting the processes and passing tasks and results through pipes."
            ),
            format!(
                "워커 프로세스마다 인터프리터와 GIL이 따로 있어서 CPU 작업이 코어 {c}개까지 동시에 실행됩니다. 예측은 \
                 {p:.2}초이고, 여기에 프로세스를 시작하고 작업과 결과를 파이프로 주고받는 시간이 더해집니다."
            ),
        ),
        (Work::Io, Kind::Process, _) => both(
            format!(
                "Processes overlap their waits as threads do, {p:.2} s predicted, but they cost more to start and \
                 every task and result goes through a pipe: for I/O-bound work, threads are enough."
            ),
            format!(
                "프로세스도 스레드처럼 기다림을 겹치므로 예측은 {p:.2}초입니다. 하지만 시작 비용이 더 크고 모든 작업과 \
                 결과가 파이프를 지나가므로, I/O 작업에는 스레드로 충분합니다."
            ),
        ),
    };

    let how = match (plan.kind, plan.start_method) {
        (Kind::Thread, _) => both(
            "a thread starts at each `submit` while none is idle".into(),
            "`submit`마다 쉬는 스레드가 없으면 하나씩 새로 시작합니다".into(),
        ),
        (Kind::Process, StartMethod::Fork) => both(
            "under `fork` every process starts at the first `submit`".into(),
            "`fork`에서는 첫 `submit` 때 모든 프로세스가 시작합니다".into(),
        ),
        (Kind::Process, method) => {
            let m = method.name();
            both(
                format!("under `{m}` one more starts at each `submit` while none is idle"),
                format!("`{m}`에서는 `submit`마다 쉬는 프로세스가 없으면 하나씩 더 시작합니다"),
            )
        }
    };
    let (how_en, how_ko) = (how.en, how.ko);
    let (kinds, kind_ko) = if process { ("processes", "프로세스") } else { ("threads", "스레드") };
    let workers = match (knobs.workers, process) {
        (0, false) => both(
            format!(
                "No `max_workers`: CPython's default for threads is `min(32, os.cpu_count() + 4)`, here \
                 `min(32, {c} + 4)` = {w} with `cores={c}`. {started} worker threads ran: {how_en}."
            ),
            format!(
                "`max_workers`가 없으면 스레드에 대한 CPython의 기본값은 `min(32, os.cpu_count() + 4)`입니다. \
                 `cores={c}`에서는 `min(32, {c} + 4)` = {w}. 워커 스레드 {started}개가 실행되었습니다. {how_ko}."
            ),
        ),
        (0, true) => both(
            format!(
                "No `max_workers`: CPython's default for processes is `os.cpu_count()`, here {w} with `cores={c}`. \
                 {started} worker processes ran: {how_en}."
            ),
            format!(
                "`max_workers`가 없으면 프로세스에 대한 CPython의 기본값은 `os.cpu_count()`로, `cores={c}`에서는 \
                 {w}입니다. 워커 프로세스 {started}개가 실행되었습니다. {how_ko}."
            ),
        ),
        _ => both(
            format!("`max_workers={w}`: at most {w} tasks run at once. {started} worker {kinds} ran: {how_en}."),
            format!(
                "`max_workers={w}`: 한 번에 최대 {w}개의 작업이 실행됩니다. 워커 {kind_ko} {started}개가 \
                 실행되었습니다. {how_ko}."
            ),
        ),
    };

    let order_words = match plan.method {
        Method::AsCompleted => {
            let mut words = both(
                "`as_completed` yields each future as its task completes, so the results came in the order the \
                 tasks finished, which need not be the order they were submitted in."
                    .into(),
                "`as_completed`는 작업이 끝나는 대로 퓨처를 내주므로 결과가 작업이 끝난 순서로 나왔습니다. 그 순서는 \
                 제출한 순서와 다를 수 있습니다."
                    .into(),
            );
            if in_order && order.len() > 1 {
                words.en.push_str(" This time that was the submission order.");
                words.ko.push_str(" 이번에는 그것이 제출 순서와 같았습니다.");
            }
            words
        }
        Method::Map => both(
            "`executor.map` yields the results in submission order: a result that is ready waits behind the ones \
             before it."
                .into(),
            "`executor.map`은 결과를 제출 순서대로 내줍니다. 먼저 끝난 결과도 앞의 결과를 기다립니다.".into(),
        ),
        Method::Result => both(
            "`fut.result()` on each future in submission order waits for that task, so the results came in \
             submission order however the tasks finished."
                .into(),
            "제출 순서대로 퓨처마다 `fut.result()`를 부르면 그 작업을 기다리므로, 작업이 어떻게 끝났든 결과는 제출 \
             순서로 나왔습니다."
                .into(),
        ),
    };

    let cs = plan.chunksize;
    let items = plan.items().len();
    let last = if raised {
        let mut words = if plan.method == Method::Map {
            both(
                "The worker caught the exception and kept it in the task's future; asking `executor.map` for that \
                 result raised it again, and the iterator cancelled the futures not yet running. Leaving the `with` \
                 block still called `shutdown(wait=True)`, so the program waited for the tasks already running \
                 before the traceback."
                    .into(),
                "워커는 예외를 잡아 작업의 퓨처에 넣어 두었고, `executor.map`에서 그 결과를 꺼내자 예외가 다시 \
                 일어났으며, 반복자는 아직 실행되지 않은 퓨처들을 취소했습니다. `with` 블록을 떠나면서도 \
                 `shutdown(wait=True)`가 불렸으므로, 프로그램은 트레이스백 전에 이미 실행 중인 작업들을 기다렸습니다."
                    .into(),
            )
        } else {
            both(
                "The worker caught the exception and kept it in the task's future; asking for the result raised it \
                 again. Leaving the `with` block still called `shutdown(wait=True)`, so the program waited for the \
                 other tasks before the traceback."
                    .into(),
                "워커는 예외를 잡아 작업의 퓨처에 넣어 두었고, 결과를 달라고 하자 그것이 다시 일어났습니다. `with` \
                 블록을 떠나면서도 `shutdown(wait=True)`가 불렸으므로, 프로그램은 트레이스백 전에 다른 작업들을 \
                 기다렸습니다."
                    .into(),
            )
        };
        if plan.chunked() {
            words.en.push_str(&format!(" With `chunksize={cs}` the failing chunk's other results were lost with it."));
            words.ko.push_str(&format!(" `chunksize={cs}`에서는 실패한 청크의 다른 결과도 함께 사라졌습니다."));
        }
        Some(words)
    } else if plan.chunked() {
        Some(both(
            format!(
                "`chunksize={cs}`: each work item carries up to {cs} inputs, {items} items in all: fewer trips \
                 through the pipes, but each result waits for its whole chunk."
            ),
            format!(
                "`chunksize={cs}`: 작업 항목마다 입력이 최대 {cs}개씩, 모두 {items}개 항목입니다. 파이프를 오가는 \
                 횟수는 줄지만 결과마다 청크 전체를 기다립니다."
            ),
        ))
    } else {
        None
    };

    let details = [Some(work), Some(workers), Some(order_words), last]
        .into_iter()
        .flatten()
        .map(|t| t.get(lang).to_string())
        .collect();
    Findings { headline, details, figures }
}

/// A text written at run time in both languages.
fn both(en: String, ko: String) -> Prose {
    Prose { en, ko }
}
