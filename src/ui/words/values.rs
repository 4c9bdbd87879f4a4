//! The page's strings that carry values: statuses, progress, times, the stepper's and the
//! explorer's words, wait-for edges.

use crate::i18n::{group_digits, Lang};
use crate::lessons::Group;
use crate::ui::words::{t, Key};

pub fn group_name(lang: Lang, group: Group) -> &'static str {
    t(
        lang,
        match group {
            Group::Threads => Key::GroupThreads,
            Group::Synchronisation => Key::GroupSynchronisation,
            Group::Gil => Key::GroupGil,
            Group::Processes => Key::GroupProcesses,
            Group::Modern => Key::GroupModern,
            Group::Yours => Key::GroupYours,
        },
    )
}

pub fn worker_ready(lang: Lang, pool_threads: u32, cores: u32) -> String {
    match lang {
        Lang::En => format!("Ready: {pool_threads} pool threads, on a machine with {cores} cores."),
        Lang::Ko => format!("준비됨: 풀 스레드 {pool_threads}개, 이 기기의 코어 {cores}개."),
    }
}

pub fn worker_restarted(lang: Lang, reason: &str) -> String {
    match lang {
        Lang::En => format!("The engine worker stopped ({reason}); a fresh one was started."),
        Lang::Ko => format!("엔진 워커가 멈췄습니다({reason}). 새 워커를 시작했습니다."),
    }
}

pub fn worker_failed(lang: Lang, reason: &str) -> String {
    match lang {
        Lang::En => format!("The engine worker could not start: {reason}"),
        Lang::Ko => format!("엔진 워커를 시작하지 못했습니다: {reason}"),
    }
}

pub fn probe_progress(lang: Lang, done: u64, total: u64) -> String {
    match lang {
        Lang::En => format!("{done} of {total} jobs done"),
        Lang::Ko => format!("작업 {total}개 중 {done}개 완료"),
    }
}

pub fn elapsed(lang: Lang, ns: u64) -> String {
    let seconds = ns as f64 / 1e9;
    match lang {
        Lang::En => format!("{seconds:.1} s elapsed"),
        Lang::Ko => format!("{seconds:.1}초 경과"),
    }
}

/// A console line as a screen reader reads it: who wrote it, when, and what.
pub fn console_write(lang: Lang, name: &str, at_ms: &str, text: &str) -> String {
    match lang {
        Lang::En => format!("{name} at {at_ms} ms: {text}"),
        Lang::Ko => format!("{name}, {at_ms} ms: {text}"),
    }
}

/// The row where a long console's middle was left out.
pub fn console_gap(lang: Lang, writes: u64, lines: Option<u64>) -> String {
    match (lang, lines) {
        (Lang::En, Some(lines)) => format!("… {} lines not shown …", group_digits(lines as i64)),
        (Lang::En, None) => format!("… {} writes not shown …", group_digits(writes as i64)),
        (Lang::Ko, Some(lines)) => format!("… {}줄 생략 …", group_digits(lines as i64)),
        (Lang::Ko, None) => format!("… 출력 {}개 생략 …", group_digits(writes as i64)),
    }
}

/// The note above a console whose middle was left out: what is kept, what is not.
pub fn console_cut(lang: Lang, kept: usize, writes: u64, lines: Option<u64>) -> String {
    let kept = group_digits(kept as i64);
    match (lang, lines) {
        (Lang::En, Some(lines)) => format!(
            "A long output: {} lines are not shown between the first and the last ({kept} writes kept).",
            group_digits(lines as i64)
        ),
        (Lang::En, None) => {
            format!(
                "A long output: {} writes so far are not shown between the first and the newest.",
                group_digits(writes as i64)
            )
        }
        (Lang::Ko, Some(lines)) => {
            format!(
                "출력이 깁니다. 처음과 끝 사이의 {}줄은 보이지 않습니다(출력 {kept}개 표시).",
                group_digits(lines as i64)
            )
        }
        (Lang::Ko, None) => format!(
            "출력이 깁니다. 지금까지 처음과 최근 사이의 출력 {}개는 보이지 않습니다.",
            group_digits(writes as i64)
        ),
    }
}

/// What an actor waits for, in the stepper's state column.
pub fn waiting_for(lang: Lang, what: &str, is_thread: bool) -> String {
    match (lang, is_thread) {
        (Lang::En, false) => format!("waiting for `{what}`"),
        (Lang::En, true) => format!("waiting for `{what}` to end"),
        (Lang::Ko, false) => format!("`{what}` 대기"),
        (Lang::Ko, true) => format!("`{what}` 종료 대기"),
    }
}

pub fn stepper_status(lang: Lang, turns: u64, python_ns: u64) -> String {
    let us = python_ns as f64 / 1e3;
    match lang {
        Lang::En => format!("turn {turns} · Python time {us:.1} µs"),
        Lang::Ko => format!("{turns}번째 턴 · 파이썬 시간 {us:.1} µs"),
    }
}

pub fn explore_progress(lang: Lang, done: u64, total: u64) -> String {
    match lang {
        Lang::En => format!("{done} of at most {total} runs"),
        Lang::Ko => format!("최대 {total}번 중 {done}번 실행"),
    }
}

/// A seeds box value that was out of range or not a number, and what is used instead.
pub fn seeds_fixed(lang: Lang, given: &str, used: u64, max: u64) -> String {
    match lang {
        Lang::En => format!("Seeds `{given}`: a whole number from 1 to {max} is allowed; using {used}."),
        Lang::Ko => format!("시드 수 `{given}`: 1부터 {max}까지의 정수만 됩니다. {used}을(를) 씁니다."),
    }
}

/// How an exploration ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExploreEnding {
    /// Every seed and schedule within the bound was run.
    Complete,
    /// It stopped at the first breaking run (Find).
    FirstBreak,
    Cancelled,
    /// The run budget ended first.
    Budget,
}

/// The outcome of an exploration, in one sentence.
pub fn explore_summary(lang: Lang, figure: &str, runs: u64, broke: u64, ending: ExploreEnding) -> String {
    use ExploreEnding::*;
    let more = match (lang, ending) {
        (Lang::En, Complete) => " Every schedule within the bound was run.",
        (Lang::En, FirstBreak) => " Stopped at the first run that broke.",
        (Lang::En, Cancelled) => " Cancelled before the end.",
        (Lang::En, Budget) => " Not every schedule within the bound was run (the run budget ended first).",
        (Lang::Ko, Complete) => " 한도 안의 모든 스케줄을 실행했습니다.",
        (Lang::Ko, FirstBreak) => " 처음 깨진 실행에서 멈췄습니다.",
        (Lang::Ko, Cancelled) => " 끝나기 전에 취소했습니다.",
        (Lang::Ko, Budget) => " 실행 한도가 먼저 끝나 한도 안의 스케줄을 다 실행하지는 못했습니다.",
    };
    match lang {
        Lang::En if broke == 0 => format!("`{figure}` was 0 in all {runs} runs: nothing broke.{more}"),
        Lang::En => format!("`{figure}` was not 0 in {broke} of {runs} runs.{more}"),
        Lang::Ko if broke == 0 => format!("{runs}번 실행 모두 `{figure}`가 0이었습니다. 깨진 실행이 없습니다.{more}"),
        Lang::Ko => format!("{runs}번 중 {broke}번 `{figure}`가 0이 아니었습니다.{more}"),
    }
}

/// The breaking run an exploration found.
pub fn explore_found(lang: Lang, figure: &str, value: i64, seed: u64, picks: usize, schedule: &str) -> String {
    match (lang, picks) {
        (Lang::En, 0) => format!("The shortest: seed {seed}, the engine's own interleaving (`{figure} = {value}`)."),
        (Lang::En, _) => {
            format!("The shortest: seed {seed} with {picks} pick(s), schedule `{schedule}` (`{figure} = {value}`).")
        }
        (Lang::Ko, 0) => format!("가장 짧은 것: 시드 {seed}, 엔진 자신의 인터리빙(`{figure} = {value}`)."),
        (Lang::Ko, _) => {
            format!("가장 짧은 것: 시드 {seed}, 선택 {picks}개, 스케줄 `{schedule}`(`{figure} = {value}`).")
        }
    }
}

pub fn simulated_so_far(lang: Lang, ns: u64) -> String {
    let ms = ns as f64 / 1e6;
    match lang {
        Lang::En => format!("simulated {ms:.1} ms of Python time so far"),
        Lang::Ko => format!("지금까지 파이썬 시간 {ms:.1} ms를 시뮬레이션함"),
    }
}

pub fn simulated_on(lang: Lang, cores: u32, seed: u64) -> String {
    match lang {
        Lang::En => format!("simulated on {cores} virtual cores, seed {seed}"),
        Lang::Ko => format!("가상 코어 {cores}개에서 시뮬레이션, 시드 {seed}"),
    }
}

/// One edge of a wait-for cycle, in words.
pub fn waits_for(lang: Lang, waiter: &str, on: &str, holder: &str) -> String {
    match lang {
        Lang::En => format!("`{waiter}` waits for `{on}`, held by `{holder}`"),
        Lang::Ko => format!("`{waiter}`은(는) `{holder}`이(가) 가진 `{on}`을(를) 기다립니다"),
    }
}

/// A wait nobody will end, in words.
pub fn waits_forever(lang: Lang, waiter: &str, on: &str) -> String {
    match lang {
        Lang::En => format!("`{waiter}` waits for `{on}`, and nobody will ever give it"),
        Lang::Ko => format!("`{waiter}`은(는) `{on}`을(를) 기다리지만 아무도 주지 않습니다"),
    }
}

pub fn measured_on(lang: Lang, threads: usize) -> String {
    match lang {
        Lang::En => format!("measured on {threads} threads of this machine"),
        Lang::Ko => format!("이 기기의 스레드 {threads}개에서 측정"),
    }
}

/// The CPython a run models, what `sys._is_gil_enabled()` says in it, and, for a
/// free-threaded build, its single-thread cost with where that figure comes from.
/// On the live engine only a lesson's computing work (`Compute`) pays that cost: the engine's
/// own steps are not CPython's.
pub fn python_build(lang: Lang, build: crate::engine::python::build::Build, live: bool) -> String {
    let label = build.label();
    let gil = match (build.is_gil_enabled(), lang) {
        (Some(on), _) => format!("`sys._is_gil_enabled()` = `{}`", if on { "True" } else { "False" }),
        (None, Lang::En) => "with the GIL (`sys._is_gil_enabled()` came in 3.13)".to_string(),
        (None, Lang::Ko) => "GIL 있음(`sys._is_gil_enabled()`는 3.13에 들어왔습니다)".to_string(),
    };
    let cost = build.bytecode_permille().saturating_sub(1_000) / 10;
    match (build.free_threaded, lang) {
        (false, Lang::En) => format!("Python {label} · {gil}"),
        (false, Lang::Ko) => format!("파이썬 {label} · {gil}"),
        (true, Lang::En) => {
            let what = if live { "computing work" } else { "Python code" };
            format!("Python {label} · {gil} · {what} {cost}% slower per thread: modelled from CPython's documentation")
        }
        (true, Lang::Ko) => {
            let what = if live { "계산 작업" } else { "파이썬 코드" };
            format!("파이썬 {label} · {gil} · 스레드마다 {what} {cost}% 느림: CPython 문서로 모델링")
        }
    }
}

/// How a live run under `time_scale` maps to the program's own time: `real_ns` measured,
/// which at `scale` real seconds per program second is `real / scale` of program time.
pub fn scaled_time(lang: Lang, real_ns: u64, scale: f64) -> String {
    let program_s = real_ns as f64 / scale / 1e9;
    match lang {
        Lang::En => format!("real time at `time_scale={scale}`; the program's own time: {program_s:.2} s"),
        Lang::Ko => format!("`time_scale={scale}`에서의 실제 시간. 프로그램 자신의 시간: {program_s:.2} s"),
    }
}

/// Where the compiler refuses the learner's text.
pub fn code_place(lang: Lang, line: u32, column: u32) -> String {
    match lang {
        Lang::En => format!("Line {line}, column {column}:"),
        Lang::Ko => format!("{line}번째 줄 {column}번째 칸:"),
    }
}

/// Explore's choice for a written program: a run breaks when `name` ends elsewhere.
pub fn expect_variable(lang: Lang, name: &str) -> String {
    match lang {
        Lang::En => format!("{name} ends at another value"),
        Lang::Ko => format!("{name}의 마지막 값이 다를 때"),
    }
}

/// Why the learner's program is not in the link (shown under the editor).
pub fn code_left_out(lang: Lang, problem: crate::query::CodeProblem) -> String {
    let most = group_digits(crate::query::code::MAX_LINK_CODE as i64);
    match (lang, problem) {
        (Lang::En, crate::query::CodeProblem::TooLong(n)) => format!(
            "Your program is too long to travel in the link ({} characters of link, at most {most}): share it as text.",
            group_digits(n as i64)
        ),
        (Lang::Ko, crate::query::CodeProblem::TooLong(n)) => format!(
            "프로그램이 너무 길어 링크에 담기지 않습니다(링크 {}자, 최대 {most}자). 텍스트로 나누세요.",
            group_digits(n as i64)
        ),
        (lang, other) => super::code_problem(lang, other),
    }
}
