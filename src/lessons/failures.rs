//! Why a run could not start or go on, in both languages. The engines word their errors in
//! English only (their floor knows no languages): here each is worded again, variant by
//! variant, its English as the engine's own. Also a compiler's refusal with its place, and
//! large counts as the messages say them.

use crate::compile::CompileError;
use crate::engine::explore::{OutOfRange, MAX_PICKS, MAX_RUNS, MAX_SEEDS};
use crate::engine::live::run::StartError;
use crate::engine::program::ProgramError;
use crate::engine::sim::size::{self, TooLarge};
use crate::engine::sim::{ActorState, Misfit, SimError};
use crate::engine::trace::WaitOn;
use crate::i18n::Prose;
use crate::said;

/// Why a simulated run could not go on.
pub fn sim_error(error: &SimError) -> Prose {
    match error {
        SimError::Invalid(e) => program_error(e),
        SimError::StepLimit { steps } => said!(
            "the simulator stopped after {steps} steps and the run had not ended: a loop that never ends does that, \
             and so does a program too large to simulate (the live engine runs it)",
            "시뮬레이터가 {steps}단계를 실행하고 멈췄지만 실행은 끝나지 않았습니다. 끝나지 않는 반복문이 있거나 \
             프로그램이 시뮬레이션하기에 너무 크면 이렇게 됩니다(라이브 엔진으로는 실행할 수 있습니다)"
        ),
        SimError::ScheduleMismatch { turn, actor, why } => {
            let lead = said!(
                "the schedule does not fit this lesson and knobs: at turn {turn}, ",
                "스케줄이 이 레슨과 설정에 맞지 않습니다. 턴 {turn}에서 "
            );
            then(lead, &misfit(*actor, why))
        }
    }
}

/// Why a schedule's pick of thread `actor` does not fit the run.
fn misfit(actor: u16, why: &Misfit) -> Prose {
    match why {
        Misfit::NoSuchThread { threads } => {
            let last = threads.saturating_sub(1);
            said!(
                "it names thread {actor}, but the run has threads 0 to {last}",
                "스레드 {actor}을(를) 골랐지만 이 실행의 스레드는 0부터 {last}까지입니다"
            )
        }
        Misfit::CannotRun { name, state, waits_for } => {
            let doing = doing(*state, waits_for.as_deref().unwrap_or("?"));
            let (doing_en, doing_ko) = (doing.en, doing.ko);
            said!(
                "thread {actor} ({name}) cannot run: it is {doing_en}",
                "스레드 {actor}({name})은(는) 지금 실행할 수 없습니다. {doing_ko}"
            )
        }
        Misfit::RunEnded => said!(
            "it gives a turn to thread {actor}, but the run had already ended",
            "스레드 {actor}에게 턴을 주지만 실행은 이미 끝났습니다"
        ),
        Misfit::NothingToWaitFor => said!(
            "it lets time pass, but no timer is running (no one sleeps or starts)",
            "시간을 흘려보내지만 돌아가는 타이머가 없습니다(잠들었거나 시작하는 중인 스레드가 없습니다)"
        ),
    }
}

/// What a thread that cannot take a turn is doing instead: in English as the engine says it
/// (after "it is"), in Korean as a sentence of its own.
fn doing(state: ActorState, waits_for: &str) -> Prose {
    let ko = match state {
        ActorState::NotStarted => "아직 시작하지 않았습니다".to_string(),
        ActorState::Ready => "실행할 준비가 되어 있습니다".to_string(),
        ActorState::WaitingForCore => "빈 코어를 기다리고 있습니다".to_string(),
        ActorState::WaitingForGil => "GIL을 기다리고 있습니다".to_string(),
        ActorState::Sleeping => "잠들어 있습니다".to_string(),
        ActorState::Starting => "시작하는 중입니다".to_string(),
        ActorState::Busy => "파이썬 밖에서 작업하고 있습니다".to_string(),
        ActorState::Waiting(WaitOn::Object(_)) => format!("{waits_for}을(를) 기다리고 있습니다"),
        ActorState::Waiting(WaitOn::Actor(_)) => format!("{waits_for}이(가) 끝나기를 기다리고 있습니다"),
        ActorState::Done => "이미 끝났습니다".to_string(),
    };
    Prose { en: state.describe(waits_for), ko }
}

/// Why the live engine could not start a run.
pub fn start_error(error: &StartError) -> Prose {
    match error {
        StartError::Invalid(e) => program_error(e),
        StartError::EmptyLoop => said!(
            "the live engine cannot run this yet: a loop with no iterations",
            "라이브 엔진은 아직 반복 횟수가 0인 반복문을 실행하지 못합니다"
        ),
        StartError::TooManyActors { actors, pool_threads } => said!(
            "{actors} threads need {actors} pool threads, and the pool has {pool_threads}",
            "스레드 {actors}개에는 풀 스레드 {actors}개가 필요한데, 풀에는 {pool_threads}개뿐입니다"
        ),
    }
}

/// A Program that cannot run: only a bug in a lesson or the compiler makes one, so its
/// details stay as the engine says them.
pub fn program_error(error: &ProgramError) -> Prose {
    said!("the program is not valid: {error}", "프로그램이 올바르지 않습니다: `{error}`")
}

/// What of an exploration's request is out of range.
pub fn out_of_range(error: &OutOfRange) -> Prose {
    match *error {
        OutOfRange::Seeds(n) => said!(
            "explore runs 1 to {MAX_SEEDS} seeds, not {n}",
            "탐색할 시드 수는 1부터 {MAX_SEEDS}까지입니다({n}은(는) 범위를 벗어납니다)"
        ),
        OutOfRange::Picks(n) => said!(
            "explore takes 0 to {MAX_PICKS} picks (preemptions) per run, not {n}",
            "실행당 선택(선점) 수는 0부터 {MAX_PICKS}까지입니다({n}은(는) 범위를 벗어납니다)"
        ),
        OutOfRange::Runs(n) => said!(
            "explore makes 1 to {MAX_RUNS} runs, not {n}",
            "탐색의 실행 횟수는 1부터 {MAX_RUNS}까지입니다({n}은(는) 범위를 벗어납니다)"
        ),
    }
}

/// A run too large to simulate, refused before it starts, with the loop to blame.
pub fn too_large(error: &TooLarge) -> Prose {
    let (steps, limit) = (about(error.steps), about(error.limit));
    let (steps_en, steps_ko, limit_en, limit_ko) = (steps.en, steps.ko, limit.en, limit.ko);
    let mut said = said!(
        "this run is too large for the simulated engine: about {steps_en} steps, and it takes at most {limit_en}",
        "이 실행은 시뮬레이션 엔진에는 너무 큽니다. 약 {steps_ko}단계로, 최대 {limit_ko}단계까지만 실행합니다"
    );
    if let Some((heavy, thread, others, text)) = &error.heaviest {
        let who = match others {
            0 => said!("{thread} runs", "{thread}이(가)"),
            1 => said!("{thread} and one more thread run", "{thread}와(과) 스레드 하나가 더"),
            n => said!("{thread} and {n} more threads run", "{thread}와(과) 스레드 {n}개가 더"),
        };
        let (who_en, who_ko, line, text) = (who.en, who.ko, heavy.line, text.trim());
        let times = about(heavy.iterations);
        let (times_en, times_ko) = (times.en, times.ko);
        said = then(
            said,
            &said!(
                ". {who_en} the loop on line {line} (`{text}`) {times_en} times, touching shared state each time, so \
                 each iteration is simulated on its own",
                ". {who_ko} {line}번째 줄의 반복문(`{text}`)을 {times_ko}번 실행하며 매번 공유 상태를 건드리므로, \
                 반복 하나하나를 따로 시뮬레이션합니다"
            ),
        );
    }
    then(
        said,
        &said!(
            ". Try fewer iterations or threads, or run it on the live engine",
            ". 반복 횟수나 스레드 수를 줄이거나 라이브 엔진으로 실행해 보세요"
        ),
    )
}

/// A compiler's refusal with its place: `line 3, column 9: ...` (its English as
/// [`CompileError`]'s own).
pub fn compile_error(error: &CompileError) -> Prose {
    let (line, column, en, ko) = (error.line, error.column, &error.message.en, &error.message.ko);
    said!("line {line}, column {column}: {en}", "{line}번째 줄, {column}번째 칸: {ko}")
}

/// A large count the way people say it: in English as [`size::about`] (`640 million`), in
/// Korean by 만 and 억 (`6.4억`, `9만`).
pub fn about(n: u64) -> Prose {
    let ko = match n {
        n if n >= 100_000_000 => format!("{}억", trimmed(n as f64 / 1e8)),
        n if n >= 10_000 => format!("{}만", trimmed(n as f64 / 1e4)),
        n => n.to_string(),
    };
    Prose { en: size::about(n), ko }
}

/// A number to one decimal, without a `.0`.
fn trimmed(x: f64) -> String {
    let text = format!("{x:.1}");
    text.strip_suffix(".0").map_or(text.clone(), str::to_string)
}

/// `first`, then `rest`, in each language.
pub fn then(first: Prose, rest: &Prose) -> Prose {
    Prose { en: first.en + &rest.en, ko: first.ko + &rest.ko }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::engine::program::ActorId;

    fn hangul(text: &str) -> bool {
        text.chars().any(|c| ('\u{ac00}'..='\u{d7a3}').contains(&c))
    }

    /// The `code` spans of a text, in order.
    fn spans(text: &str) -> Vec<&str> {
        text.split('`').skip(1).step_by(2).collect()
    }

    /// A message a person reads, in both languages: Korean in the Korean, none in the
    /// English, and the same `code` spans in each (identifiers, values and Python are
    /// never translated).
    pub(crate) fn assert_worded(said: &Prose) {
        assert!(hangul(&said.ko), "no Korean in {:?}", said.ko);
        assert!(!hangul(&said.en), "Korean in the English {:?}", said.en);
        assert!(!said.en.is_empty() && !said.en.contains('\n') && !said.ko.contains('\n'), "{said:?}");
        assert_eq!(said.en.matches('`').count() % 2, 0, "an unclosed span in {:?}", said.en);
        assert_eq!(spans(&said.en), spans(&said.ko), "{said:?}");
    }

    #[test]
    fn every_engine_error_is_worded_in_both_languages_its_english_as_the_engines() {
        let mismatch = |why| SimError::ScheduleMismatch { turn: 4, actor: 1, why };
        let states = [
            ActorState::NotStarted,
            ActorState::Ready,
            ActorState::WaitingForCore,
            ActorState::WaitingForGil,
            ActorState::Sleeping,
            ActorState::Starting,
            ActorState::Busy,
            ActorState::Waiting(WaitOn::Object(crate::engine::program::ObjectId(0))),
            ActorState::Waiting(WaitOn::Actor(ActorId(0))),
            ActorState::Done,
        ];
        let mut sim = vec![
            SimError::StepLimit { steps: 10_000 },
            mismatch(Misfit::NoSuchThread { threads: 3 }),
            mismatch(Misfit::RunEnded),
            mismatch(Misfit::NothingToWaitFor),
        ];
        for state in states {
            let waits_for = matches!(state, ActorState::Waiting(_)).then(|| "lock".to_string());
            sim.push(mismatch(Misfit::CannotRun { name: "Thread-1 (work)".into(), state, waits_for }));
        }
        for error in &sim {
            let said = sim_error(error);
            assert_eq!(said.en, error.to_string());
            assert_worded(&said);
        }
        let start = [StartError::EmptyLoop, StartError::TooManyActors { actors: 40, pool_threads: 18 }];
        for error in &start {
            let said = start_error(error);
            assert_eq!(said.en, error.to_string());
            assert_worded(&said);
        }
        // A program that is not valid is a bug: its details stay as the engine says them.
        let invalid = SimError::Invalid(ProgramError::NoActors);
        let said = sim_error(&invalid);
        assert_eq!(said.en, invalid.to_string());
        assert!(hangul(&said.ko) && said.ko.ends_with("`the program has no threads`"), "{said:?}");
        assert_eq!(start_error(&StartError::Invalid(ProgramError::NoActors)), said);
        for error in [OutOfRange::Seeds(0), OutOfRange::Picks(4), OutOfRange::Runs(0)] {
            let said = out_of_range(&error);
            assert_eq!(said.en, error.to_string());
            assert_worded(&said);
        }
    }

    #[test]
    fn a_run_too_large_is_worded_with_its_loop_and_counts_in_each_language() {
        use crate::engine::sim::size::HeavyLoop;
        let heavy = HeavyLoop { actor: ActorId(1), line: 6, iterations: 160_000_000, steps: 640_000_000 };
        for others in [0, 1, 15] {
            let error = TooLarge {
                steps: 2_400_000_000,
                limit: 150_000_000,
                heaviest: Some((heavy.clone(), "Thread-1 (work)".into(), others, "    counter += 1".into())),
            };
            let said = too_large(&error);
            assert_eq!(said.en, error.to_string());
            assert_worded(&said);
            assert!(said.ko.contains("약 24억단계") && said.ko.contains("1.5억단계"), "{}", said.ko);
            assert!(said.ko.contains("6번째 줄의 반복문(`counter += 1`)을 1.6억번"), "{}", said.ko);
        }
        let bare = TooLarge { steps: 200_000_000, limit: 150_000_000, heaviest: None };
        assert_eq!(too_large(&bare).en, bare.to_string());
        assert_worded(&too_large(&bare));
        assert_eq!([about(90_000).ko, about(640_000_000).ko, about(9_999).ko], ["9만", "6.4억", "9999"]);
    }

    #[test]
    fn a_knob_refused_is_worded_in_both_languages() {
        let race = crate::lessons::lesson("race_counter").unwrap();
        let bad = [("nope", "1"), ("threads", "x"), ("threads", "99"), ("lock", "sometimes"), ("seed", "-1")];
        for (knob, value) in bad {
            let pairs = [(knob.to_string(), value.to_string())];
            let said = crate::lessons::knobs_from_pairs(race, &pairs).unwrap_err();
            assert!(said.en.contains(&format!("`{knob}")), "{said:?}");
            assert_worded(&said);
        }
    }

    #[test]
    fn a_refusal_by_the_compiler_gives_its_place_in_each_language() {
        let refusal = CompileError { line: 3, column: 9, message: crate::said!("a class", "클래스") };
        let said = compile_error(&refusal);
        assert_eq!(said.en, refusal.to_string());
        assert_eq!(said.ko, "3번째 줄, 9번째 칸: 클래스");
    }
}
