//! The learner's own program: the open lesson's Python, edited. The text lives in the link
//! (`code=`) and replaces the lesson's program in every run, exploration and stepper; while
//! the learner types, the worker compiles it (after a pause the editor waits for) and the
//! page marks what it refuses, at its line and column.

use super::State;
use crate::lessons::{self, Expect};
use crate::worker::protocol::CompileError;
use crate::worker::protocol::{Request, Scenario};

/// The last text sent to be compiled, and the worker's answer once it came.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CodeCheck {
    id: u32,
    pub(super) asked: String,
    /// Asked and not answered yet (a worker that stops meanwhile stopped on this text).
    pending: bool,
    /// Its shared variables, or where and why it is refused.
    pub answer: Option<Result<Vec<String>, CompileError>>,
    /// How long the worker took to compile it, and how many answers came so far (for the
    /// benchmark, which waits for the next).
    pub took_ns: u64,
    pub answers: u32,
}

impl State {
    /// Whether the open page is the blank one for the learner's own program (its editor is
    /// open from the start).
    pub(super) fn blank_page(&self) -> bool {
        self.query.lesson.is_some_and(|l| l.id == lessons::your_program::INFO.id)
    }

    /// Whether the code view is the editor.
    pub fn editor_open(&self) -> bool {
        self.editor_open || self.query.code().is_some()
    }

    /// The text the editor shows: the learner's, or the lesson's until they change it.
    pub fn editor_text(&self) -> Option<String> {
        match (self.query.code(), &self.source) {
            (Some(code), _) => Some(code.to_string()),
            (None, Some(Ok(source))) => Some(source.clone()),
            _ => None,
        }
    }

    /// Whether the open program is Python text the learner wrote or can write (an edited
    /// lesson, or the blank page's starters): explore can then judge it by a variable.
    pub fn written(&self) -> bool {
        self.query.code().is_some() || self.blank_page()
    }

    /// Where the compiler refuses the editor's text, if it does (from the last answer).
    pub fn code_error(&self) -> Option<&CompileError> {
        self.code_check.answer.as_ref()?.as_ref().err()
    }

    /// The shared variables of the editor's text as last compiled (what explore can expect
    /// a value of).
    pub fn code_variables(&self) -> &[String] {
        match &self.code_check.answer {
            Some(Ok(names)) => names,
            _ => &[],
        }
    }

    /// The learner's program as it was before they reset it to the lesson's, to restore.
    pub fn code_before_reset(&self) -> Option<&str> {
        self.reset_from.as_deref()
    }

    /// What a job of the open lesson is of, with the link's knobs less `leave_out`.
    pub(super) fn scenario(&self, leave_out: &[&str]) -> Option<Scenario> {
        scenario_of(&self.query, leave_out)
    }

    pub(super) fn open_editor(&mut self) {
        self.editor_open = true;
    }

    /// The learner changed the text: the next runs are of it (the lesson's own text again
    /// is the lesson). What was found of the old text (an exploration, a schedule, the
    /// stepper's run) no longer applies.
    pub(super) fn code_changed(&mut self, text: String) {
        if self.query.lesson.is_none() || self.query.code() == Some(text.as_str()) {
            return;
        }
        let lessons_own = matches!(&self.source, Some(Ok(source)) if *source == text);
        self.query.set_code((!lessons_own).then_some(text));
        self.editor_open = true;
        self.reset_from = None;
        self.forget_what_was_found();
    }

    /// Back to the lesson's own program (the editor stays open on it, and the learner's
    /// can be restored until they edit again).
    pub(super) fn reset_code(&mut self) {
        if let Some(code) = self.query.code().map(str::to_string) {
            self.query.set_code(None);
            self.reset_from = Some(code);
            self.editor_open = true;
            self.forget_what_was_found();
            self.check_code();
        }
    }

    /// The learner's program again, as it was before Reset.
    pub(super) fn restore_code(&mut self) {
        if let Some(code) = self.reset_from.take() {
            self.query.set_code(Some(code));
            self.forget_what_was_found();
            self.check_code();
        }
    }

    fn forget_what_was_found(&mut self) {
        self.another_run();
        self.close_stepper();
    }

    /// The learner paused typing (or opened the editor): the editor's text is compiled, if
    /// it changed since last asked.
    pub(super) fn check_code(&mut self) {
        let Some(code) = self.editor_text().filter(|_| self.editor_open()) else { return };
        if code == self.code_check.asked || !self.worker_up() {
            return;
        }
        let id = self.code_check.id + 1;
        let answer = self.code_check.answer.take();
        self.code_check = CodeCheck { id, asked: code.clone(), pending: true, answer, ..self.code_check.clone() };
        self.send(Request::Check { id, code });
    }

    /// The worker's answer, kept if it is for the text last asked about. A variable chosen
    /// for explore that the text no longer has is dropped.
    pub(super) fn code_checked(&mut self, id: u32, result: Result<Vec<String>, CompileError>, took_ns: u64) {
        if id != self.code_check.id {
            return;
        }
        if let (Ok(names), Some(Expect::Ends { variable, .. })) = (&result, &self.expect) {
            if !names.contains(variable) {
                self.expect = None;
            }
        }
        self.code_check.answer = Some(result);
        self.code_check.pending = false;
        self.code_check.took_ns = took_ns;
        self.code_check.answers += 1;
    }

    /// The worker was restarted. A text it was compiling is not sent again (it may be
    /// what stopped it) until the learner changes it; any other is asked about again.
    pub(super) fn check_lost(&mut self) {
        if self.code_check.pending {
            self.code_check.pending = false;
            let message = crate::said!(
                "the engine stopped while compiling this text (a bug in Interleave); change it to try again",
                "이 텍스트를 컴파일하다가 엔진이 멈췄습니다(Interleave의 버그입니다). 텍스트를 고치고 다시 해 보세요"
            );
            self.code_check.answer = Some(Err(CompileError { line: 1, column: 1, message }));
        } else {
            self.code_check.asked.clear();
        }
    }
}

/// What a job of `query`'s lesson is of, with its knobs less `leave_out`.
pub(super) fn scenario_of(query: &crate::query::PageQuery, leave_out: &[&str]) -> Option<Scenario> {
    let (lesson, knobs) = (query.lesson?, query.values()?);
    let knobs = knobs
        .pairs()
        .into_iter()
        .filter(|(name, _)| !leave_out.contains(name))
        .map(|(name, value)| (name.to_string(), value))
        .collect();
    Some(Scenario { lesson: lesson.id.to_string(), knobs, code: query.code().map(str::to_string) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::explore::ExploreRequest;
    use crate::query::PageQuery;
    use crate::ui::state::Action;

    const CODE: &str = "import threading\ncounter = 0\n";

    fn race() -> State {
        let query = PageQuery::parse("?lesson=race_counter&threads=3");
        State::new(query, true, 2).reduce(Action::WorkerReady {
            isolated: true,
            pool_threads: 4,
            hardware_concurrency: 2,
        })
    }

    fn last(state: &State) -> Request {
        state.outbox.last().map(|(_, r)| r.clone()).expect("a request")
    }

    #[test]
    fn an_edited_program_goes_into_the_link_and_every_job_until_reset() {
        let state = race().reduce(Action::OpenEditor);
        assert!(state.editor_open() && state.query.code().is_none() && !state.written());
        let state = state.reduce(Action::EditCode(CODE.into()));
        assert!(state.written());
        let link = state.query.to_query_string();
        assert!(link.contains("&code="), "{link}");
        assert_eq!(PageQuery::parse(&link).code(), Some(CODE), "the link reopens it");

        let state = state.reduce(Action::RunLesson);
        let Request::Run { scenario, .. } = last(&state) else { panic!() };
        assert_eq!((scenario.lesson.as_str(), scenario.code.as_deref()), ("race_counter", Some(CODE)));
        assert!(scenario.knobs.contains(&("threads".into(), "3".into())), "the worker checks them still");

        // Explore is judged by the variable the learner picked.
        let mut state = state;
        state.job = None;
        let state = state.reduce(Action::SetExpect(Some(Expect::Ends { variable: "counter".into(), value: 3 })));
        let request = ExploreRequest { seeds: 2, picks: 0, max_runs: 10, stop_at_first_break: false };
        let state = state.reduce(Action::StartExplore(request));
        let Request::Explore { scenario, expect, .. } = last(&state) else { panic!() };
        assert_eq!(
            (scenario.code.as_deref(), expect),
            (Some(CODE), Some(Expect::Ends { variable: "counter".into(), value: 3 }))
        );

        let mut state = state.reduce(Action::Cancel);
        state.job = None;
        let state = state.reduce(Action::ResetCode);
        assert!(state.query.code().is_none() && state.editor_open());
        assert!(!state.query.to_query_string().contains("code="));
        let state = state.reduce(Action::RunLesson);
        let Request::Run { scenario, .. } = last(&state) else { panic!() };
        assert_eq!(scenario.code, None);
    }

    #[test]
    fn the_text_is_checked_after_a_pause_once_per_change_and_stale_answers_are_dropped() {
        let state = race().reduce(Action::EditCode(CODE.into())).reduce(Action::CheckCode);
        let Request::Check { id: first, code } = last(&state) else { panic!() };
        assert_eq!(code, CODE);
        let sent = state.outbox.len();
        let state = state.reduce(Action::CheckCode);
        assert_eq!(state.outbox.len(), sent, "the same text is not sent twice");
        let state = state.reduce(Action::EditCode(format!("{CODE}class A:\n    pass\n"))).reduce(Action::CheckCode);
        let Request::Check { id: second, .. } = last(&state) else { panic!() };
        // The first answer comes late: dropped.
        let state = state.reduce(Action::CodeChecked { id: first, result: Ok(vec!["counter".into()]), took_ns: 1 });
        assert_eq!((state.code_error(), state.code_variables()), (None, &[][..]));
        let message = crate::said!("a class is not supported", "클래스는 지원하지 않습니다");
        let refusal = CompileError { line: 3, column: 1, message };
        let state = state.reduce(Action::CodeChecked { id: second, result: Err(refusal.clone()), took_ns: 1 });
        assert_eq!(state.code_error(), Some(&refusal));
        // Leaving the lesson drops the program and what was said of it.
        let state = state.reduce(Action::CloseLesson);
        assert!(state.query.code().is_none() && state.code_error().is_none() && !state.editor_open());
    }

    #[test]
    fn reset_can_be_undone_the_lessons_own_text_is_the_lesson_and_a_text_that_stopped_the_worker_is_not_resent() {
        let lesson_text = "import threading\n".to_string();
        let state = race();
        let Some(Request::Source { lesson, knobs }) =
            state.outbox.iter().map(|(_, r)| r.clone()).find(|r| matches!(r, Request::Source { .. }))
        else {
            panic!()
        };
        let state =
            state.reduce(Action::Source { lesson, knobs, text: Ok(lesson_text.clone()), words: Default::default() });
        let state = state.reduce(Action::EditCode(CODE.into())).reduce(Action::ResetCode);
        assert_eq!((state.query.code(), state.code_before_reset()), (None, Some(CODE)));
        assert!(
            matches!(last(&state), Request::Check { code, .. } if code == lesson_text),
            "the lesson's text checked"
        );
        let state = state.reduce(Action::RestoreCode);
        assert_eq!((state.query.code(), state.code_before_reset()), (Some(CODE), None));
        // Typing the lesson's own text back is the lesson again.
        let state = state.reduce(Action::EditCode(lesson_text.clone()));
        assert_eq!(state.query.code(), None);
        assert!(!state.query.to_query_string().contains("code="));

        // A check under way when the worker stops is not sent again to the new worker.
        let state = state.reduce(Action::EditCode(CODE.into())).reduce(Action::CheckCode);
        let sent = state.outbox.len();
        let state = state
            .reduce(Action::WorkerRestarted { reason: crate::said!("it panicked", "패닉했습니다") })
            .reduce(Action::WorkerReady { isolated: true, pool_threads: 4, hardware_concurrency: 2 });
        assert!(!state.outbox[sent..].iter().any(|(_, r)| matches!(r, Request::Check { .. })));
        assert!(
            state.code_error().is_some_and(|e| e.message.en.contains("engine stopped")),
            "{:?}",
            state.code_error()
        );
        let state = state.reduce(Action::EditCode(format!("{CODE}\n"))).reduce(Action::CheckCode);
        assert!(matches!(last(&state), Request::Check { .. }), "a changed text is checked again");
    }

    #[test]
    fn a_variable_chosen_for_explore_stays_while_the_program_has_it() {
        let state = race()
            .reduce(Action::EditCode(CODE.into()))
            .reduce(Action::SetExpect(Some(Expect::Ends { variable: "counter".into(), value: 2 })));
        let state = state.reduce(Action::CheckCode);
        let Request::Check { id, .. } = last(&state) else { panic!() };
        let state = state.reduce(Action::CodeChecked { id, result: Ok(vec!["counter".into()]), took_ns: 1 });
        assert!(state.expect.is_some());
        let state = state.reduce(Action::EditCode("total = 0\n".into())).reduce(Action::CheckCode);
        let Request::Check { id, .. } = last(&state) else { panic!() };
        let state = state.reduce(Action::CodeChecked { id, result: Ok(vec!["total".into()]), took_ns: 1 });
        assert_eq!(state.expect, None);
    }

    #[test]
    fn the_blank_page_opens_in_the_editor_and_a_new_starter_is_checked() {
        let query = PageQuery::parse("?lesson=your_program");
        let state = State::new(query, true, 2).reduce(Action::WorkerReady {
            isolated: true,
            pool_threads: 4,
            hardware_concurrency: 2,
        });
        assert!(state.editor_open() && state.written());
        let Some(Request::Source { lesson, knobs }) =
            state.outbox.iter().map(|(_, r)| r.clone()).find(|r| matches!(r, Request::Source { .. }))
        else {
            panic!("the starter's text is asked for")
        };
        let state =
            state.reduce(Action::Source { lesson, knobs, text: Ok("x = 1\n".into()), words: Default::default() });
        assert_eq!(last(&state), Request::Check { id: 1, code: "x = 1\n".into() });
    }
}
