//! Timelines the page shows, drawn by the engine worker: each asked for once per run, state
//! of the run (`version`: a stepped run's turns) and frame; the newest drawing of each of
//! the last few runs is kept.

use std::rc::Rc;

use super::{Action, State};
use crate::draw::timeline_svg::Frame;
use crate::worker::protocol::Request;

/// Runs whose newest drawing is kept: the run on show, the pinned one, the stepper's, and
/// those Back brings back.
const KEPT: usize = 8;

/// A timeline as the worker drew it (`markup` `None`: the worker no longer held the run).
#[derive(Clone, Debug, PartialEq)]
pub struct Drawing {
    pub run: u32,
    pub version: u64,
    pub frame: Frame,
    pub markup: Option<Rc<str>>,
}

impl State {
    /// A timeline component wants `frame` of `run`: asked of the worker unless drawn or
    /// asked already.
    pub(super) fn draw_timeline(&mut self, run: u32, version: u64, frame: Frame) {
        let drawn = self.drawings.iter().any(|d| (d.run, d.version, &d.frame) == (run, version, &frame));
        if drawn || self.drawing_asked.iter().any(|(r, v, f)| (*r, *v, f) == (run, version, &frame)) {
            return;
        }
        self.drawing_asked.push((run, version, frame.clone()));
        self.send(Request::DrawTimeline { run, version, frame });
    }

    pub(super) fn timeline_drawn(&mut self, drawing: Drawing) {
        self.drawing_asked.retain(|(r, v, f)| (*r, *v, f) != (drawing.run, drawing.version, &drawing.frame));
        // A run's newest drawing replaces its older ones (a stepped run draws at every turn).
        self.drawings.retain(|d| d.run != drawing.run);
        if self.drawings.len() == KEPT {
            self.drawings.remove(0);
        }
        self.drawings.push(Rc::new(drawing));
    }

    /// The timelines drawn, oldest first.
    pub fn drawings(&self) -> Vec<Rc<Drawing>> {
        self.drawings.clone()
    }
}

/// The action for a drawing that came.
pub fn drawn(run: u32, version: u64, frame: Frame, markup: Option<String>) -> Action {
    Action::TimelineDrawn(Drawing { run, version, frame, markup: markup.map(Rc::from) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::draw::timeline::View;
    use crate::i18n::Lang;
    use crate::query::PageQuery;

    fn frame(view: Option<View>) -> Frame {
        Frame { view, until: 0, lang: Lang::En, caption: "T".into() }
    }

    fn asked(state: &State) -> usize {
        state.outbox.iter().filter(|(_, r)| matches!(r, Request::DrawTimeline { .. })).count()
    }

    fn ready() -> State {
        let ready = Action::WorkerReady { isolated: true, pool_threads: 4, hardware_concurrency: 2 };
        State::new(PageQuery::default(), true, 2).reduce(ready)
    }

    #[test]
    fn a_timeline_is_asked_for_once_per_frame_and_its_drawing_kept_the_newest_few() {
        let ask = |run, version, view| Action::DrawTimeline { run, version, frame: frame(view) };
        let state = ready().reduce(ask(3, 0, None)).reduce(ask(3, 0, None));
        assert_eq!(asked(&state), 1, "asked again while on its way");
        let state = state.reduce(drawn(3, 0, frame(None), Some("<svg/>".into()))).reduce(ask(3, 0, None));
        assert_eq!(asked(&state), 1, "asked again once drawn");
        let zoomed = Some(View { from: 0, to: 10 });
        let mut state = state.reduce(ask(3, 0, zoomed)).reduce(ask(3, 1, None));
        assert_eq!(asked(&state), 3, "another frame, another state of the run");
        // A run's newest drawing replaces its older one.
        state = state.reduce(drawn(3, 1, frame(None), Some("<svg>1</svg>".into())));
        let of_3: Vec<u64> = state.drawings().iter().filter(|d| d.run == 3).map(|d| d.version).collect();
        assert_eq!(of_3, [1]);
        for run in 10..20 {
            state = state.reduce(drawn(run, 0, frame(None), None));
        }
        let runs: Vec<u32> = state.drawings().iter().map(|d| d.run).collect();
        assert_eq!(runs, (12..20).collect::<Vec<_>>(), "the newest {KEPT}");
        // A restarted worker never answers what the last one was asked: asked anew.
        let state = state.reduce(ask(3, 0, zoomed));
        assert_eq!(asked(&state), 3);
        let ready = Action::WorkerReady { isolated: true, pool_threads: 4, hardware_concurrency: 2 };
        let state = state.reduce(ready).reduce(ask(3, 0, zoomed));
        assert_eq!(asked(&state), 4);
    }
}
