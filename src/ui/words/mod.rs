//! The page's words. Every string the page shows comes from here, in English and Korean.
//! Fixed strings are [`Key`]s (the `match` in [`t`] is exhaustive, so a key without both
//! languages does not compile); strings with values are functions taking the values
//! (`values`), and notes about links and knob values are in `notes`.

mod notes;
mod values;

pub use notes::note;
pub use values::*;

use crate::i18n::Lang;

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

#[cfg(test)]
mod tests {
    use super::*;

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
