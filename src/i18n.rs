//! The string catalogue. Every string the page shows comes from here, in English and
//! Korean. Fixed strings are [`Key`]s (the `match` in [`t`] is exhaustive, so a key without
//! both languages does not compile); strings with values are functions taking the values.

use crate::knobs::{KnobError, KnobKind};
use crate::query::Note;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    #[default]
    En,
    Ko,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Ko];

    /// The `lang` knob's value.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ko => "ko",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code() == code)
    }

    /// The language's own name, for the switch.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Ko => "한국어",
        }
    }
}

/// A text given in both languages (lesson titles, teasers, explanations).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Text {
    pub en: &'static str,
    pub ko: &'static str,
}

impl Text {
    pub fn get(self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.en,
            Lang::Ko => self.ko,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    Tagline,
    Language,
    IsolationBanner,
    NotesHeading,
    LessonsHeading,
    NoLessonsYet,
    GroupThreads,
    GroupSynchronisation,
    GroupGil,
    GroupProcesses,
    EngineHeading,
    WorkerStarting,
    WorkerNoPool,
    PoolCheckHeading,
    PoolCheckExplain,
    PoolCheckRun,
    Cancel,
    Cancelled,
    ColumnThreads,
    ColumnWall,
    ColumnDistinct,
    ColumnSpeedup,
    TimelineLabel,
    TraceCondensed,
    Milliseconds,
    LiveUnavailable,
    ZoomIn,
    ZoomOut,
    ZoomReset,
    StateRun,
    StateWaitGil,
    StateSleep,
    StateWait,
    StateHold,
    StateStarting,
    StatePrint,
    ConsoleEmpty,
    ConsoleDownload,
    OutcomeCancelled,
    OutcomeDeadline,
    OutcomeDeadlock,
    OutcomeStuck,
    FindingsHeading,
    TimingsHeading,
    WallTime,
    GilHandoffs,
    ColumnThread,
    Cancelling,
    LiveNeedsIsolation,
    UseSim,
    PythonTime,
    Run,
    CodeHeading,
    ConsoleHeading,
    RunTimelineLabel,
    PoolPlotCaption,
    PoolPlotAxes,
    StepperOpen,
    StepperHeading,
    StepperExplain,
    StepOnce,
    StepWait,
    StepPlay,
    StepPause,
    StepToEnd,
    StepClose,
    StepSpeed,
    ColumnState,
    ColumnLine,
    ColumnNext,
    ColumnHolds,
    ColumnRegisters,
    RunThis,
    EngineNextMark,
    StepperEnded,
    ExploreHeading,
    ExploreExplain,
    ExploreSeeds,
    ExplorePicks,
    ExploreRun,
    ExploreFind,
    ExploreOpen,
    ColumnRuns,
    ActorNotStarted,
    ActorReady,
    ActorWaitingCore,
    ActorWaitingGil,
    ActorSleeping,
    ActorStarting,
    ActorBusy,
    ActorDone,
}

pub fn t(lang: Lang, key: Key) -> &'static str {
    use Key::*;
    let (en, ko) = match key {
        Tagline => (
            "Watch Python's threads, locks, GIL and processes really run.",
            "파이썬의 스레드, 락, GIL, 프로세스가 실제로 어떻게 돌아가는지 지켜보세요.",
        ),
        Language => ("Language", "언어"),
        IsolationBanner => (
            "Live threads need cross-origin isolation, and this page is not isolated (no SharedArrayBuffer). The live engine is off; everything else works with the simulated engine.",
            "실제 스레드로 실행하려면 교차 출처 격리(cross-origin isolation)가 필요한데, 이 페이지는 격리되어 있지 않습니다(SharedArrayBuffer 없음). 라이브 엔진은 꺼져 있고, 나머지는 모두 시뮬레이션 엔진으로 동작합니다.",
        ),
        NotesHeading => ("Some settings in the link were not used as given:", "링크의 일부 설정은 주어진 대로 쓰이지 않았습니다:"),
        LessonsHeading => ("Lessons", "레슨"),
        NoLessonsYet => (
            "No lessons yet: they arrive one by one. The engine below already runs work on real threads.",
            "아직 레슨이 없습니다. 하나씩 추가될 예정입니다. 아래 엔진은 이미 실제 스레드에서 작업을 실행합니다.",
        ),
        GroupThreads => ("Threads", "스레드"),
        GroupSynchronisation => ("Synchronisation", "동기화"),
        GroupGil => ("The GIL", "GIL"),
        GroupProcesses => ("Processes", "프로세스"),
        EngineHeading => ("Engine", "엔진"),
        WorkerStarting => ("Starting the engine worker…", "엔진 워커를 시작하는 중…"),
        WorkerNoPool => (
            "The engine worker is ready, without live threads (the page is not isolated).",
            "엔진 워커가 준비되었지만 실제 스레드는 없습니다(페이지가 격리되지 않음).",
        ),
        PoolCheckHeading => ("Check the thread pool", "스레드 풀 확인"),
        PoolCheckExplain => (
            "Runs the same CPU-bound work on 1, 2 and all cores' worth of pool threads and compares the times.",
            "같은 CPU 작업을 풀 스레드 1개, 2개, 코어 수만큼에서 실행해 시간을 비교합니다.",
        ),
        PoolCheckRun => ("Run the check", "확인 실행"),
        Cancel => ("Cancel", "취소"),
        Cancelled => ("Cancelled.", "취소되었습니다."),
        ColumnThreads => ("threads", "스레드"),
        ColumnWall => ("wall time", "경과 시간"),
        ColumnDistinct => ("distinct pool threads", "사용된 풀 스레드"),
        ColumnSpeedup => ("speed-up", "속도 향상"),
        TimelineLabel => ("Timeline of the last check: one lane per job", "마지막 확인의 타임라인: 작업마다 한 줄"),
        TraceCondensed => ("trace condensed", "트레이스 요약됨"),
        Milliseconds => ("ms", "ms"),
        LiveUnavailable => (
            "Live runs are unavailable on this page.",
            "이 페이지에서는 라이브 실행을 쓸 수 없습니다.",
        ),
        ZoomIn => ("Zoom in", "확대"),
        ZoomOut => ("Zoom out", "축소"),
        ZoomReset => ("Whole run", "전체 보기"),
        StateRun => ("running", "실행 중"),
        StateWaitGil => ("waiting for the GIL", "GIL 대기"),
        StateSleep => ("sleeping", "잠자는 중"),
        StateWait => ("blocked", "막힘"),
        StateHold => ("holding a lock", "락 보유"),
        StateStarting => ("starting up", "시작하는 중"),
        StatePrint => ("print", "출력"),
        ConsoleEmpty => ("Nothing printed yet.", "아직 출력이 없습니다."),
        ConsoleDownload => ("Download the whole output", "전체 출력 내려받기"),
        OutcomeCancelled => ("Cancelled before the end.", "끝나기 전에 취소되었습니다."),
        OutcomeDeadline => (
            "Stopped: the run went past its time limit.",
            "중단됨: 실행이 제한 시간을 넘었습니다.",
        ),
        OutcomeDeadlock => ("Deadlock: nobody could move.", "교착 상태: 아무도 움직일 수 없었습니다."),
        OutcomeStuck => (
            "Stuck: every thread waits for something nobody will ever do.",
            "멈춤: 모든 스레드가 아무도 하지 않을 일을 기다립니다.",
        ),
        FindingsHeading => ("What to notice", "눈여겨볼 점"),
        TimingsHeading => ("Timings", "시간"),
        WallTime => ("Wall time", "경과 시간"),
        GilHandoffs => ("GIL hand-offs", "GIL 전달 횟수"),
        ColumnThread => ("thread", "스레드"),
        Cancelling => ("Cancelling…", "취소하는 중…"),
        StepperOpen => ("Step through", "한 단계씩 실행"),
        StepperHeading => ("Stepper: you are the scheduler", "스텝 실행: 스케줄러가 되어 보세요"),
        StepperExplain => (
            "Each turn runs one operation of one thread. Step lets the engine choose, as the simulated machine would; a thread's own button gives it the turn instead; Let time pass runs no one until the next sleep or start ends. Your picks go into the link, which replays this exact interleaving.",
            "한 턴마다 한 스레드의 연산 하나가 실행됩니다. '한 단계'는 시뮬레이션된 기계처럼 엔진이 고르게 하고, 스레드마다 있는 버튼은 그 스레드에 턴을 줍니다. '시간 흐르게 하기'는 다음 sleep이나 시작이 끝날 때까지 아무도 실행하지 않습니다. 고른 내용은 링크에 들어가며, 그 링크는 이 인터리빙을 그대로 다시 실행합니다.",
        ),
        StepOnce => ("Step", "한 단계"),
        StepWait => ("Let time pass", "시간 흐르게 하기"),
        StepPlay => ("Play", "재생"),
        StepPause => ("Pause", "일시 정지"),
        StepToEnd => ("To the end", "끝까지"),
        StepClose => ("Close the stepper", "스텝 실행 닫기"),
        StepSpeed => ("Turns per second", "초당 턴 수"),
        ColumnState => ("State", "상태"),
        ColumnLine => ("Line", "줄"),
        ColumnNext => ("Next operation", "다음 연산"),
        ColumnHolds => ("Holds", "가진 것"),
        ColumnRegisters => ("Values", "값"),
        RunThis => ("Run this", "이것 실행"),
        EngineNextMark => ("the engine's next pick", "엔진이 다음에 고를 스레드"),
        StepperEnded => ("The run has ended; its results are below.", "실행이 끝났습니다. 결과는 아래에 있습니다."),
        ExploreHeading => ("Explore: find the interleaving that breaks it", "탐색: 프로그램을 깨뜨리는 인터리빙 찾기"),
        ExploreExplain => (
            "Runs the simulated engine many times: over seeds, and over every schedule that overrules the engine up to the given number of picks (fewest picks first). Small knob values keep the search short.",
            "시뮬레이션 엔진을 여러 번 실행합니다. 시드마다, 그리고 정한 개수까지 엔진의 선택을 바꾸는 모든 스케줄마다(적게 바꾼 것부터) 실행합니다. 설정값이 작을수록 탐색이 빨리 끝납니다.",
        ),
        ExploreSeeds => ("Seeds", "시드 수"),
        ExplorePicks => ("Picks (preemptions) per run", "실행당 선택(선점) 수"),
        ExploreRun => ("Explore", "탐색"),
        ExploreFind => ("Find a breaking schedule", "깨뜨리는 스케줄 찾기"),
        ExploreOpen => ("Open it in the stepper", "스텝 실행으로 열기"),
        ColumnRuns => ("runs", "실행 수"),
        ActorNotStarted => ("not started", "시작 전"),
        ActorReady => ("ready", "실행 가능"),
        ActorWaitingCore => ("waiting for a core", "코어 대기"),
        ActorWaitingGil => ("waiting for the GIL", "GIL 대기"),
        ActorSleeping => ("sleeping", "sleep 중"),
        ActorStarting => ("starting", "시작하는 중"),
        ActorBusy => ("busy outside Python", "파이썬 밖에서 작업 중"),
        ActorDone => ("finished", "끝남"),
        LiveNeedsIsolation => (
            "Live threads (engine=live) need a cross-origin isolated page, and this one is not.",
            "실제 스레드(engine=live)는 교차 출처 격리된 페이지가 필요한데, 이 페이지는 격리되어 있지 않습니다.",
        ),
        UseSim => ("Use the simulated engine", "시뮬레이션 엔진 사용"),
        PythonTime => ("Python time (simulated)", "파이썬 시간(시뮬레이션)"),
        Run => ("Run", "실행"),
        CodeHeading => ("Program", "프로그램"),
        ConsoleHeading => ("Console", "콘솔"),
        RunTimelineLabel => (
            "Timeline: one lane per thread, the GIL track on top; click a print mark or a console line",
            "타임라인: 스레드마다 한 줄, 맨 위는 GIL. 출력 표시나 콘솔 줄을 눌러 보세요",
        ),
        PoolPlotCaption => (
            "Total time against pool size: your runs (dots) and the prediction from the chunks (line)",
            "풀 크기에 따른 전체 시간: 여러분의 실행(점)과 청크로 계산한 예측(선)",
        ),
        PoolPlotAxes => (
            "across: pool size · up: seconds of the program's time · other knobs as now",
            "가로: 풀 크기 · 세로: 프로그램 시간(초) · 나머지 손잡이는 지금 값 그대로",
        ),
    };
    match lang {
        Lang::En => en,
        Lang::Ko => ko,
    }
}

/// A whole number with its thousands grouped by no-break spaces (`40 000`), as the lessons
/// print figures in both languages.
pub fn group_digits(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{a0}');
        }
        out.push(c);
    }
    if n < 0 {
        out.insert(0, '-');
    }
    out
}

pub fn group_name(lang: Lang, group: crate::lessons::Group) -> &'static str {
    use crate::lessons::Group;
    t(
        lang,
        match group {
            Group::Threads => Key::GroupThreads,
            Group::Synchronisation => Key::GroupSynchronisation,
            Group::Gil => Key::GroupGil,
            Group::Processes => Key::GroupProcesses,
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

pub fn page_panicked(lang: Lang, message: &str) -> String {
    match lang {
        Lang::En => format!("The page stopped working because of a bug ({message}). Reload the page to go on."),
        Lang::Ko => format!("버그 때문에 페이지가 멈췄습니다({message}). 계속하려면 페이지를 새로 고치세요."),
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
        (Lang::En, false) => format!("waiting for {what}"),
        (Lang::En, true) => format!("waiting for {what} to end"),
        (Lang::Ko, false) => format!("{what} 대기"),
        (Lang::Ko, true) => format!("{what} 종료 대기"),
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
        (Lang::En, 0) => format!("The shortest: seed {seed}, the engine's own interleaving ({figure} = {value})."),
        (Lang::En, _) => {
            format!("The shortest: seed {seed} with {picks} pick(s), schedule `{schedule}` ({figure} = {value}).")
        }
        (Lang::Ko, 0) => format!("가장 짧은 것: 시드 {seed}, 엔진 자신의 인터리빙({figure} = {value})."),
        (Lang::Ko, _) => format!("가장 짧은 것: 시드 {seed}, 선택 {picks}개, 스케줄 `{schedule}`({figure} = {value})."),
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
        Lang::En => format!("{waiter} waits for {on}, held by {holder}"),
        Lang::Ko => format!("{waiter}는 {holder}가 가진 {on}을(를) 기다립니다"),
    }
}

/// A wait nobody will end, in words.
pub fn waits_forever(lang: Lang, waiter: &str, on: &str) -> String {
    match lang {
        Lang::En => format!("{waiter} waits for {on}, and nobody will ever give it"),
        Lang::Ko => format!("{waiter}는 {on}을(를) 기다리지만 아무도 주지 않습니다"),
    }
}

pub fn measured_on(lang: Lang, threads: usize) -> String {
    match lang {
        Lang::En => format!("measured on {threads} threads of this machine"),
        Lang::Ko => format!("이 기기의 스레드 {threads}개에서 측정"),
    }
}

/// How a live run under `time_scale` maps to the program's own time: `real_ns` measured,
/// which at `scale` real seconds per program second is `real / scale` of program time.
pub fn scaled_time(lang: Lang, real_ns: u64, scale: f64) -> String {
    let program_s = real_ns as f64 / scale / 1e9;
    match lang {
        Lang::En => format!("real time at time_scale={scale}; the program's own time: {program_s:.2} s"),
        Lang::Ko => format!("time_scale={scale}에서의 실제 시간. 프로그램 자신의 시간: {program_s:.2} s"),
    }
}

/// A note about the link, in the page's language.
pub fn note(lang: Lang, note: &Note) -> String {
    match (lang, note) {
        (Lang::En, Note::More(n)) => {
            format!("… and {} more settings in the link that were not used as given.", group_digits(*n as i64))
        }
        (Lang::Ko, Note::More(n)) => {
            format!("… 그 밖에 링크의 설정 {}개도 주어진 대로 쓰이지 않았습니다.", group_digits(*n as i64))
        }
        (Lang::En, Note::UnknownLesson { given, known }) => {
            if known.is_empty() {
                format!("There is no lesson `{given}` (no lessons have landed yet); showing the index.")
            } else {
                format!("There is no lesson `{given}`; the lessons are {}. Showing the index.", code_list(known))
            }
        }
        (Lang::Ko, Note::UnknownLesson { given, known }) => {
            if known.is_empty() {
                format!("`{given}`라는 레슨은 없습니다(아직 추가된 레슨이 없음). 목록을 보여 줍니다.")
            } else {
                format!("`{given}`라는 레슨은 없습니다. 레슨: {}. 목록을 보여 줍니다.", code_list(known))
            }
        }
        (Lang::En, Note::IgnoredWithoutLesson { name, value }) => {
            format!("`{name}={value}` was ignored: it is not a common setting and no lesson is open.")
        }
        (Lang::Ko, Note::IgnoredWithoutLesson { name, value }) => {
            format!("`{name}={value}`는 무시되었습니다. 공통 설정이 아니고 열린 레슨도 없습니다.")
        }
        (Lang::En, Note::Knob(error)) => error.to_string(),
        (Lang::Ko, Note::Knob(error)) => knob_error_ko(error),
    }
}

/// Names set as code: `a`, `b`.
fn code_list(names: &[&str]) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

fn knob_error_ko(error: &KnobError) -> String {
    match error {
        KnobError::Unknown { knob, allowed } => {
            format!("알 수 없는 설정 `{knob}`. 가능한 설정: {}", allowed.join(", "))
        }
        KnobError::NotANumber { knob, value, allowed, default } => {
            format!("`{knob}={value}`는 숫자가 아닙니다. 허용 범위: {}. {default}을(를) 씁니다.", allowed_ko(allowed))
        }
        KnobError::OutOfRange { knob, value, allowed, clamped } => {
            format!(
                "`{knob}={value}`는 범위를 벗어났습니다. 허용 범위: {}. {clamped}을(를) 씁니다.",
                allowed_ko(allowed)
            )
        }
        KnobError::NotAChoice { knob, value, choices, default } => {
            format!("`{knob}={value}`는 {} 중 하나가 아닙니다. {default}을(를) 씁니다.", choices.join(" | "))
        }
        KnobError::Repeated { knob, used } => format!("`{knob}`가 여러 번 주어졌습니다. {used}을(를) 씁니다."),
        KnobError::NotASchedule { knob, value, why } => {
            format!("`{knob}={value}`는 스케줄이 아닙니다({why}). 스케줄 없이 실행합니다.")
        }
    }
}

fn allowed_ko(kind: &KnobKind) -> String {
    match *kind {
        KnobKind::Int { min, max } => format!("{min}부터 {max}까지의 정수"),
        KnobKind::Seed => format!("0부터 {}까지의 정수", u64::MAX),
        KnobKind::Schedule => "40t1x3.12t0 같은 선택 목록(스텝 실행 참고)".to_string(),
        KnobKind::Decimal { min, max } => format!("{min}부터 {max}까지의 수"),
        KnobKind::Choice(choices) => choices.join(" | "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn korean_notes_carry_no_english_words() {
        let query = crate::query::PageQuery::parse("?lesson=nope&seed=1e999&engine=turbo&cores=999&x=1");
        assert_eq!(query.notes.len(), 5, "{:?}", query.notes);
        for n in &query.notes {
            let text = note(Lang::Ko, n);
            // Only the echoed link text and knob values may be Latin: strip the backticked parts.
            let outside: String = text.split('`').step_by(2).collect();
            let english = outside.split(|c: char| !c.is_ascii_alphabetic()).filter(|w| w.len() > 3 && *w != "live");
            assert_eq!(english.collect::<Vec<_>>(), Vec::<&str>::new(), "{text}");
        }
    }

    #[test]
    fn figures_are_grouped_by_thousands() {
        assert_eq!(group_digits(6212), "6\u{a0}212");
        assert_eq!(group_digits(40_000), "40\u{a0}000");
        assert_eq!(group_digits(-1_234_567), "-1\u{a0}234\u{a0}567");
        assert_eq!(group_digits(999), "999");
    }

    #[test]
    fn language_codes_round_trip() {
        for lang in Lang::ALL {
            assert_eq!(Lang::from_code(lang.code()), Some(lang));
        }
        assert_eq!(Lang::from_code("fr"), None);
    }

    #[test]
    fn korean_differs_from_english_where_words_are_translated() {
        // `Milliseconds` is the same unit in both; every other key must be translated.
        let keys = [
            Key::Tagline,
            Key::IsolationBanner,
            Key::NotesHeading,
            Key::LessonsHeading,
            Key::PoolCheckRun,
            Key::Cancel,
        ];
        for key in keys {
            assert_ne!(t(Lang::En, key), t(Lang::Ko, key), "{key:?}");
            assert!(!t(Lang::Ko, key).is_empty());
        }
    }
}
