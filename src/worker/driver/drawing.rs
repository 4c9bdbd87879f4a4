//! Timelines the page asks for, drawn here from the runs the worker holds (the last few it
//! finished, and the stepper's as it is now): the page carries no layout code.

use std::collections::VecDeque;

use crate::draw::timeline_svg::{draw, Frame};
use crate::engine::trace::Trace;

/// Finished runs kept to draw: as many as the page keeps in its history (8), one pinned
/// beside them, and one to spare.
const KEPT: usize = 10;

/// The last [`KEPT`] finished runs, as the page has them (their consoles cut).
#[derive(Default)]
pub(super) struct Drawable {
    runs: VecDeque<(u32, Trace)>,
}

impl Drawable {
    pub(super) fn keep(&mut self, run: u32, trace: Trace) {
        if self.runs.len() == KEPT {
            self.runs.pop_front();
        }
        self.runs.push_back((run, trace));
    }

    /// Run `run`'s timeline, if it is still held.
    pub(super) fn draw(&self, run: u32, frame: &Frame) -> Option<String> {
        self.runs.iter().rev().find(|(r, _)| *r == run).map(|(_, trace)| draw(trace, frame))
    }
}

// Native, as the driver's own tests.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::super::tests::{driver, knobs, scenario, settle};
    use crate::draw::timeline::View;
    use crate::draw::timeline_svg::Frame;
    use crate::i18n::Lang;
    use crate::worker::protocol::{Request, Response, StepMove};

    fn frame(lang: Lang, view: Option<View>) -> Frame {
        Frame { view, until: 0, lang, caption: "T".into() }
    }

    fn drawn(d: &mut super::super::Driver, run: u32, frame: Frame) -> Option<String> {
        d.handle(Request::DrawTimeline { run, version: 3, frame: frame.clone() });
        let [Response::Timeline { run: r, version: 3, frame: echoed, markup }] = &d.take_responses()[..] else {
            panic!()
        };
        assert_eq!((*r, echoed), (run, &frame));
        markup.clone()
    }

    #[test]
    fn a_finished_run_is_drawn_as_asked_in_either_language_and_a_run_no_longer_held_is_not() {
        let mut d = driver(0);
        for run in 1..=11 {
            d.handle(Request::Run { run, scenario: scenario("race_counter".into(), knobs(&[("increments", "50")])) });
            settle(&mut d);
        }
        let english = drawn(&mut d, 11, frame(Lang::En, None)).unwrap();
        assert!(english.starts_with("<svg") && english.contains("MainThread"), "{english}");
        let korean = drawn(&mut d, 11, frame(Lang::Ko, None)).unwrap();
        assert!(korean.contains("실행 중") && !korean.contains("running"));
        // A window of the run draws fewer ticks' worth of time than the whole.
        let part = drawn(&mut d, 11, frame(Lang::En, Some(View { from: 0, to: 1_000 }))).unwrap();
        assert_ne!(part, english);
        // Ten runs are held; the first is gone, and a run never made was never there.
        assert!(drawn(&mut d, 2, frame(Lang::En, None)).is_some());
        assert_eq!(drawn(&mut d, 1, frame(Lang::En, None)), None);
        assert_eq!(drawn(&mut d, 99, frame(Lang::En, None)), None);
    }

    #[test]
    fn the_stepper_is_drawn_as_it_is_now() {
        let mut d = driver(0);
        let pairs = knobs(&[("threads", "2"), ("increments", "2")]);
        d.handle(Request::Step { run: 4, scenario: scenario("race_counter".into(), pairs) });
        settle(&mut d);
        let before = drawn(&mut d, 4, frame(Lang::En, None)).unwrap();
        for _ in 0..20 {
            d.handle(Request::StepMove { run: 4, step: StepMove::Turn(None) });
            settle(&mut d);
        }
        let after = drawn(&mut d, 4, frame(Lang::En, None)).unwrap();
        assert!(after.len() > before.len(), "the run so far grew");
    }
}
