//! Threads and processes in the simulator: starting and joining them, and when an actor
//! or a whole process ends, by the rules of [`crate::engine::python::lifecycle`].

use super::{Block, Phase, Sim, Wake};
use crate::engine::costs;
use crate::engine::program::{ActorId, ActorRole, ProcessId, StartMethod, Wait};
use crate::engine::python::lifecycle::{self, JoinsWhen};
use crate::engine::python::pickling;
use crate::engine::sim::settings::SimError;
use crate::engine::trace::{MarkKind, Nanos, SpanKind};

impl Sim {
    /// Started and not yet ended.
    pub(super) fn alive(&self, a: usize) -> bool {
        matches!(self.actors[a].phase, Phase::Runnable | Phase::Blocked(_))
    }

    pub(super) fn start(&mut self, a: usize, target: usize, at: Nanos) -> Result<(), SimError> {
        let role = self.program.actors[target].role;
        if let Err(error) = lifecycle::start(role, self.actors[target].phase != Phase::NotStarted) {
            return self.raise(a, error, at);
        }
        if role == ActorRole::ProcessMain {
            let process = &self.program.processes[self.actors[target].process];
            if let Some(error) = pickling::start_error(process, self.settings.run.python) {
                return self.raise(a, error, at);
            }
        }
        self.actors[a].pc += 1;
        if role == ActorRole::Thread {
            let p = self.actors[a].process;
            let (cold, later) = costs::THREAD_COLD_STARTS.get(self.threads_started[p]).copied().unwrap_or((0, 0));
            self.threads_started[p] += 1;
            let ready = at + cold + self.spread(costs::THREAD_FIRST_RUN, &costs::THREAD_START_SPREAD);
            self.actors[target].phase = Phase::Blocked(Block::Pause { until: ready, kind: SpanKind::Starting });
            self.set_activity(target, Some(SpanKind::Starting), at);
            return self.block(a, Block::StartOf { actor: ActorId(target as u16), later }, at);
        }
        let p = self.actors[target].process;
        let def = &self.program.processes[p];
        let start_method = def.start_method;
        let (parent, fork) = (def.parent.map_or(0, |q| q.0 as usize), start_method == StartMethod::Fork);
        // fork copies the parent's memory as it is now; spawn starts afresh.
        if fork {
            self.vars[p] = self.vars[parent].clone();
            self.lists[p] = self.lists[parent].clone();
        }
        self.pipe_copies(p, Some(parent), at);
        self.process_started[p] = true;
        let caller = self.actors[a].process;
        let first = self.children_started[caller] == 0;
        self.children_started[caller] += 1;
        // The child starts itself, on a core like any work; `start()` returns sooner. A
        // process's first fork is slower in both parts: the parent's memory is not yet
        // shared copy-on-write with any child.
        let (startup, back) = match start_method {
            StartMethod::Spawn => {
                (self.spread(costs::SPAWN_FIRST_RUN, &costs::SPAWN_START_SPREAD), self.draw(&costs::SPAWN_START_RETURN))
            }
            // The first child's start also starts the server, which imports the module once;
            // later children are forked from it.
            StartMethod::Forkserver if !self.forkserver_running => {
                self.forkserver_running = true;
                (
                    self.spread(costs::FORKSERVER_FIRST_RUN_COLD, &costs::SPAWN_START_SPREAD),
                    self.draw(&costs::FORKSERVER_START_RETURN_COLD),
                )
            }
            StartMethod::Forkserver => (
                self.spread(costs::FORKSERVER_FIRST_RUN, &costs::FORK_START_SPREAD),
                self.draw(&costs::FORKSERVER_START_RETURN),
            ),
            _ if first => (self.draw(&costs::FIRST_FORK_FIRST_RUN), self.draw(&costs::FIRST_FORK_START_RETURN)),
            _ => (self.spread(costs::FORK_FIRST_RUN, &costs::FORK_START_SPREAD), self.draw(&costs::FORK_START_RETURN)),
        };
        self.actors[target].startup = startup;
        self.make_runnable(target, at);
        self.set_activity(target, Some(SpanKind::Starting), at);
        // The parent forks (or launches the new interpreter) itself: work, with its GIL.
        let returns = at + back;
        self.set_activity(a, Some(SpanKind::Starting), at);
        self.actors[a].clock = returns;
        Ok(())
    }

    /// Thread `a` runs Python for the first time at `at`. It sets the event its `start()`
    /// waits on, so that caller wakes a little after, and then wants the GIL this thread
    /// holds (a CPU-bound thread keeps it until a drop request: the next `start()` is late).
    pub(super) fn started(&mut self, a: usize, at: Nanos) {
        self.actors[a].started = true;
        let line = self.line(a);
        self.actors[a].rec.mark(MarkKind::Started, at, line);
        let me = ActorId(a as u16);
        for w in 0..self.actors.len() {
            if let Phase::Blocked(Block::StartOf { actor, later }) = self.actors[w].phase {
                if actor == me {
                    let until = at + later + self.draw(&costs::THREAD_STARTED_WAKE);
                    self.actors[w].phase = Phase::Blocked(Block::Pause { until, kind: SpanKind::Starting });
                }
            }
        }
    }

    pub(super) fn join(&mut self, a: usize, target: usize, wait: Wait, at: Nanos) -> Result<(), SimError> {
        let started = self.actors[target].phase != Phase::NotStarted;
        let (me, them) = (ActorId(a as u16), ActorId(target as u16));
        if let Err(error) = lifecycle::join(me, them, self.program.actors[target].role, started) {
            return self.raise(a, error, at);
        }
        if self.joined(target) {
            self.advance(a, at, costs::STEP);
            return Ok(());
        }
        let until = self.wait_until(wait, at);
        self.block(a, Block::Join { actor: them, until }, at)
    }

    /// Whether a join on `target` is over: a thread ended, or a process exited.
    fn joined(&self, target: usize) -> bool {
        match lifecycle::joins_when(&self.program, ActorId(target as u16)) {
            JoinsWhen::ThreadEnded => self.actors[target].phase == Phase::Done,
            JoinsWhen::ProcessExited(p) => self.process_exited[p.0 as usize],
        }
    }

    /// Whether actor `a`, at the end of its program, first has its process's interpreter to
    /// tear down (a child process's main thread, once): then that work is set to run.
    pub(super) fn tears_down(&mut self, a: usize) -> bool {
        let p = self.actors[a].process;
        if self.program.actors[a].role != ActorRole::ProcessMain || p == 0 || self.actors[a].torn_down {
            return false;
        }
        let teardown = match self.program.processes[p].start_method {
            StartMethod::Spawn => &costs::SPAWN_EXIT,
            StartMethod::Forkserver => &costs::FORKSERVER_EXIT,
            _ => &costs::FORK_EXIT,
        };
        self.actors[a].teardown = self.draw(teardown);
        self.actors[a].torn_down = true;
        true
    }

    /// Actor `a` ends at `at`: everything it holds is let go, and its joiners wake.
    pub(super) fn exit(&mut self, a: usize, at: Nanos) -> Result<(), SimError> {
        if self.program.actors[a].role == ActorRole::Task {
            return self.task_exit(a, at);
        }
        self.release_gil(a, at, false)?;
        self.free_core(a, at);
        self.set_activity(a, None, at);
        let line = self.line(a);
        let actor = &mut self.actors[a];
        actor.rec.close_all(at);
        actor.rec.mark(MarkKind::Exited, at, line);
        actor.phase = Phase::Done;
        self.wake_joiners(at);
        self.check_process_exit(self.actors[a].process, at)
    }

    fn wake_joiners(&mut self, at: Nanos) {
        for j in 0..self.actors.len() {
            if let Phase::Blocked(Block::Join { actor, .. }) = self.actors[j].phase {
                if self.joined(actor.0 as usize) {
                    // A thread's joiner wakes a little after it ends (a process's exit
                    // already includes its teardown).
                    let woke = match self.program.actors[actor.0 as usize].role {
                        ActorRole::Thread | ActorRole::Task => at + self.draw(&costs::THREAD_JOIN_WAKE),
                        ActorRole::ProcessMain => at,
                    };
                    self.wake(j, Wake::Value(0), woke);
                }
            }
        }
    }

    /// Process `p` exits once Python's rule lets it; then what ends with it is ended, its
    /// buffered output is written, and its parent may exit in turn.
    fn check_process_exit(&mut self, p: usize, at: Nanos) -> Result<(), SimError> {
        if self.process_exited[p] || !self.process_started[p] {
            return Ok(());
        }
        let running = |c: ProcessId| self.process_started[c.0 as usize] && !self.process_exited[c.0 as usize];
        if !lifecycle::may_exit(&self.program, ProcessId(p as u16), |i| self.alive(i.0 as usize), running) {
            return Ok(());
        }
        self.process_exited[p] = true;
        self.pipe_copies(p, None, at);
        // Block-buffered output reaches the console when the process exits.
        if !self.buffers[p].is_empty() {
            let text = std::mem::take(&mut self.buffers[p]);
            if let Some(main) = (0..self.actors.len()).find(|&i| self.actors[i].process == p) {
                let line = self.line(main);
                self.actors[main].rec.print(at, line, text);
            }
        }
        let ending = lifecycle::ending(&self.program, ProcessId(p as u16), |c| self.process_started[c.0 as usize]);
        for d in ending.threads {
            if self.alive(d.0 as usize) {
                self.kill(d.0 as usize, at);
            }
        }
        for c in ending.daemon_children {
            self.process_exited[c.0 as usize] = true;
            self.pipe_copies(c.0 as usize, None, at);
        }
        self.wake_joiners(at);
        // A parent may have been waiting for this child to exit.
        if let Some(parent) = self.program.processes[p].parent {
            self.check_process_exit(parent.0 as usize, at)?;
        }
        Ok(())
    }

    /// Ends an actor from outside (a daemon at its owner's exit).
    fn kill(&mut self, d: usize, at: Nanos) {
        let p = self.actors[d].process;
        if self.actors[d].holds_gil {
            self.actors[d].holds_gil = false;
            self.gils[p].holder = None;
        }
        self.free_core(d, at);
        self.set_activity(d, None, at);
        let line = self.line(d);
        let actor = &mut self.actors[d];
        actor.rec.close_all(at);
        actor.rec.mark(MarkKind::Exited, at, line);
        actor.phase = Phase::Done;
        for object in &mut self.objects {
            object.forget(d);
        }
    }
}
