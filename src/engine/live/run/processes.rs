//! Threads and processes of a live run: starting and joining them, and a process's exit,
//! by the rules of [`crate::engine::python::lifecycle`].

use std::sync::atomic::{AtomicU32, Ordering};

use super::{spawn_actor, Actor, Exit, Shared, Starting};
use crate::engine::costs;
use crate::engine::live::futex;
use crate::engine::program::{ActorId, ActorRole, ProcessId, StartMethod, Wait};
use crate::engine::python::lifecycle::{self, JoinsWhen};
use crate::engine::python::pickling;
use crate::engine::trace::{Nanos, SpanKind, WaitOn};

impl Shared {
    /// Whether a join on `actor` is over: a thread ended, or a process exited.
    pub(super) fn joined(&self, actor: ActorId) -> bool {
        match lifecycle::joins_when(&self.program, actor) {
            JoinsWhen::ThreadEnded => self.actors[actor.0 as usize].done.load(Ordering::Acquire) == 1,
            JoinsWhen::ProcessExited(p) => self.processes[p.0 as usize].exited.load(Ordering::Acquire) == 1,
        }
    }

    /// The futex word a join of `actor` sleeps on.
    fn join_word(&self, actor: ActorId) -> &AtomicU32 {
        match lifecycle::joins_when(&self.program, actor) {
            JoinsWhen::ThreadEnded => &self.actors[actor.0 as usize].done,
            JoinsWhen::ProcessExited(p) => &self.processes[p.0 as usize].exited,
        }
    }

    fn is_alive(&self, actor: usize) -> bool {
        let slot = &self.actors[actor];
        slot.started.load(Ordering::SeqCst) && slot.done.load(Ordering::SeqCst) == 0
    }

    /// Process `p` exits once Python's rule lets it; then what ends with it is ended, its
    /// buffered output is written, and its parent may exit in turn. Called by each thread
    /// as it ends (`by`, who writes the buffer out for the main thread).
    pub(super) fn check_process_exit(&self, p: usize, by: ActorId, at: Nanos) {
        let program = &self.program;
        let slot = &self.processes[p];
        if !slot.started.load(Ordering::SeqCst) || slot.exited.load(Ordering::SeqCst) == 1 {
            return;
        }
        let running = |c: ProcessId| {
            let child = &self.processes[c.0 as usize];
            child.started.load(Ordering::SeqCst) && child.exited.load(Ordering::SeqCst) == 0
        };
        // A thread of the main process (not started yet) may still be started by a running
        // one: only `started` threads count, and a start happens before its starter ends.
        if !lifecycle::may_exit(program, ProcessId(p as u16), |a| self.is_alive(a.0 as usize), running) {
            return;
        }
        // Two threads ending at once may both get here: one of them does the exit.
        if slot.exited.compare_exchange(0, 2, Ordering::SeqCst, Ordering::SeqCst).is_err() {
            return;
        }
        let text = std::mem::take(&mut *slot.buffer.lock().unwrap_or_else(|e| e.into_inner()));
        if !text.is_empty() {
            let main = program.process_main(ProcessId(p as u16)).unwrap_or(by);
            let line = program.actor(main).ops.last().map_or(1, |op| op.line);
            self.late_writes.lock().unwrap_or_else(|e| e.into_inner()).push((main, at, line, text));
        }
        let started = |c: ProcessId| self.processes[c.0 as usize].started.load(Ordering::SeqCst);
        let ending = lifecycle::ending(program, ProcessId(p as u16), started);
        for a in ending.threads {
            self.actors[a.0 as usize].killed.store(true, Ordering::SeqCst);
        }
        for c in ending.daemon_children {
            self.processes[c.0 as usize].exited.store(1, Ordering::SeqCst);
            futex::wake_all(&self.processes[c.0 as usize].exited);
            self.pipe_copies(c.0 as usize, None);
        }
        self.pipe_copies(p, None);
        slot.exited.store(1, Ordering::SeqCst);
        futex::wake_all(&slot.exited);
        if let Some(parent) = program.processes[p].parent {
            self.check_process_exit(parent.0 as usize, by, at);
        }
    }
}

impl Actor {
    pub(super) fn join(&mut self, actor: ActorId, wait: Wait) -> Result<(), Exit> {
        let shared = self.shared.clone();
        let started = shared.actors[actor.0 as usize].started.load(Ordering::Acquire);
        if let Err(error) = lifecycle::join(self.id, actor, shared.program.actor(actor).role, started) {
            return Err(self.raise(error));
        }
        if shared.joined(actor) {
            return Ok(());
        }
        let kind = SpanKind::Wait(WaitOn::Actor(actor));
        self.block(kind);
        self.publish_wait(Some(WaitOn::Actor(actor)), wait);
        let joined = self.wait_on(shared.join_word(actor), wait, || shared.joined(actor));
        self.publish_wait(None, wait);
        joined?;
        self.unblock(kind)?;
        Ok(())
    }

    /// `t.start()` or `p.start()`. A process begins with a copy of its parent's variables
    /// (`fork`) or their initial values (`spawn`), and its start costs what the cost table
    /// says, waited out by the starter with the GIL released.
    pub(super) fn start(&mut self, target: ActorId) -> Result<(), Exit> {
        let shared = self.shared.clone();
        let def = shared.program.actor(target);
        if let Err(error) = lifecycle::start(def.role, shared.actors[target.0 as usize].started.load(Ordering::Acquire))
        {
            return Err(self.raise(error));
        }
        if def.role == ActorRole::Thread {
            // As in CPython, `start()` returns once the new thread is running.
            let since = self.now();
            spawn_actor(&shared, target, Some(Starting { since, work: costs::THREAD_START }));
            return self.pause(costs::THREAD_START, SpanKind::Starting);
        }
        let p = def.process.0 as usize;
        let process = &shared.program.processes[p];
        if let Some(error) = pickling::start_error(process, shared.settings.python) {
            return Err(self.raise(error));
        }
        shared.pipe_copies(p, Some(process.parent.map_or(0, |q| q.0 as usize)));
        if process.start_method == StartMethod::Fork {
            let parent = process.parent.map_or(0, |q| q.0 as usize);
            for (to, from) in shared.vars[p].iter().zip(&shared.vars[parent]) {
                to.store(from.load(Ordering::SeqCst), Ordering::SeqCst);
            }
            for (to, from) in shared.lists[p].iter().zip(&shared.lists[parent]) {
                let copy = from.lock().unwrap_or_else(|e| e.into_inner()).clone();
                *to.lock().unwrap_or_else(|e| e.into_inner()) = copy;
            }
        }
        // The first child's start also starts the server, and waits for it to be up; later
        // ones fork from it.
        let (cost, back) = match process.start_method {
            StartMethod::Spawn => (costs::SPAWN_START, costs::PROCESS_START_RETURN),
            StartMethod::Forkserver if !shared.forkserver_running.swap(true, Ordering::SeqCst) => {
                (costs::FORKSERVER_START_COLD, costs::FORKSERVER_SERVER_UP)
            }
            StartMethod::Forkserver => (costs::FORKSERVER_START, costs::PROCESS_START_RETURN),
            _ => (costs::FORK_START, costs::PROCESS_START_RETURN),
        };
        let since = self.now();
        shared.processes[p].started.store(true, Ordering::SeqCst);
        // The child starts by itself; `start()` returns before it runs.
        spawn_actor(&shared, target, Some(Starting { since, work: cost }));
        self.pause(back, SpanKind::Starting)
    }
}
