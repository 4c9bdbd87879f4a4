//! The end of a simulated run: done or stuck (with the deadlock's cycle), and the Trace.

use super::objects::Object;
use super::{Block, Phase, Sim};
use crate::engine::deadlock::{find_cycle, Waiting};
use crate::engine::program::{ActorDef, ActorId, ObjectId, ObjectKind};
use crate::engine::trace::{ActorInfo, ActorRecorder, EngineKind, Outcome, Trace};

impl Sim {
    /// Nothing can run and no timer is set: done, or stuck (with the cycle if there is one).
    pub(super) fn stuck_or_done(&self) -> Outcome {
        let blocked: Vec<usize> =
            (0..self.actors.len()).filter(|&i| matches!(self.actors[i].phase, Phase::Blocked(_))).collect();
        if blocked.is_empty() {
            return Outcome::Completed;
        }
        // Who each blocked actor waits for, and who holds it.
        let waiting: Vec<Waiting> = blocked
            .iter()
            .filter_map(|&i| {
                let Phase::Blocked(block) = self.actors[i].phase else { return None };
                let holder = match block {
                    Block::Acquire { object, .. } => self.objects[object.0 as usize].holder(),
                    Block::Join { actor, .. } => Some(actor),
                    _ => None,
                };
                block.wait_on().map(|on| Waiting { waiter: ActorId(i as u16), on, holder })
            })
            .collect();
        if let Some(cycle) = find_cycle(&waiting) {
            return Outcome::Deadlock { cycle };
        }
        Outcome::Stuck {
            waiting: blocked
                .iter()
                .filter_map(|&i| match self.actors[i].phase {
                    Phase::Blocked(block) => block.wait_on().map(|on| (ActorId(i as u16), on)),
                    _ => None,
                })
                .collect(),
        }
    }

    pub(super) fn finish(&mut self, outcome: Outcome) -> Trace {
        let end = self.now;
        for a in 0..self.actors.len() {
            self.set_activity(a, None, end);
            self.actors[a].rec.close_all(end);
        }
        let infos = self.actor_infos();
        let budget = self.settings.run.budget;
        let recorders = self
            .actors
            .iter_mut()
            .enumerate()
            .map(|(i, a)| std::mem::replace(&mut a.rec, ActorRecorder::new(ActorId(i as u16), budget)))
            .collect();
        let mut trace = Trace::from_recorders(EngineKind::Simulated, infos, recorders, end, outcome);
        trace.finals = self.finals();
        trace.gil_handoffs = self.gils.iter().map(|g| if self.settings.run.gil { g.handoffs } else { 0 }).collect();
        trace.objects = self.program.objects.iter().map(|o| o.name.clone()).collect();
        trace
    }

    /// Who ran, as the trace names them (a simulated actor has no pool thread).
    fn actor_infos(&self) -> Vec<ActorInfo> {
        let info = |def: &ActorDef| ActorInfo { name: def.name.clone(), process: def.process, pool_thread: None };
        self.program.actors.iter().map(info).collect()
    }

    /// The trace so far, with open spans closed at the current time; the run goes on.
    pub fn trace_so_far(&self) -> Trace {
        let end = self.now;
        let infos = self.actor_infos();
        let recorders = self
            .actors
            .iter()
            .map(|a| {
                let mut rec = a.rec.clone();
                rec.close_all(end);
                rec
            })
            .collect();
        let mut trace = Trace::from_recorders(EngineKind::Simulated, infos, recorders, end, Outcome::Completed);
        trace.finals = self.finals();
        trace.objects = self.program.objects.iter().map(|o| o.name.clone()).collect();
        trace
    }

    fn finals(&self) -> Vec<(ObjectId, i64)> {
        self.program
            .objects
            .iter()
            .enumerate()
            .filter_map(|(i, o)| match (&o.kind, &self.objects[i]) {
                (ObjectKind::Var { .. }, _) => Some((ObjectId(i as u16), self.vars[0][i])),
                (_, Object::Value(value)) => Some((ObjectId(i as u16), value.load())),
                _ => None,
            })
            .collect()
    }
}
