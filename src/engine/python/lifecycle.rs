//! Threads and processes: what `start()` and `join()` allow, what a join waits for, and
//! when a process ends. A process ends when its main thread and its non-daemon threads
//! have ended (`threading._shutdown`) and its non-daemon child processes have exited
//! (`multiprocessing`'s exit handler joins them); its daemon threads and daemon children
//! end with it.

use crate::engine::program::{ActorId, ActorRole, ProcessId, Program};
use crate::engine::python::errors::{self, PyError};

/// `t.start()` or `p.start()` on `role`'s actor; each may start once.
pub fn start(role: ActorRole, already_started: bool) -> Result<(), PyError> {
    match (already_started, role) {
        (false, _) => Ok(()),
        (true, ActorRole::Thread | ActorRole::Task) => Err(errors::THREAD_STARTED_TWICE),
        (true, ActorRole::ProcessMain) => Err(errors::PROCESS_STARTED_TWICE),
    }
}

/// `target.join()` by `me`: a thread cannot join itself, and nothing can be joined before
/// it has started. `Ok`: the join waits for [`joins_when`].
pub fn join(me: ActorId, target: ActorId, role: ActorRole, started: bool) -> Result<(), PyError> {
    if target == me {
        return Err(errors::JOIN_CURRENT);
    }
    match (started, role) {
        (true, _) => Ok(()),
        (false, ActorRole::Thread | ActorRole::Task) => Err(errors::JOIN_UNSTARTED_THREAD),
        (false, ActorRole::ProcessMain) => Err(errors::JOIN_UNSTARTED_PROCESS),
    }
}

/// What a join of an actor waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JoinsWhen {
    /// `t.join()`: the thread has ended.
    ThreadEnded,
    /// `p.join()`: the whole process has exited (its threads and children as it waits
    /// for them).
    ProcessExited(ProcessId),
}

pub fn joins_when(program: &Program, target: ActorId) -> JoinsWhen {
    let def = program.actor(target);
    match def.role {
        ActorRole::Thread | ActorRole::Task => JoinsWhen::ThreadEnded,
        ActorRole::ProcessMain => JoinsWhen::ProcessExited(def.process),
    }
}

/// Whether process `p` may exit now: none of its non-daemon threads is alive (its main
/// thread is one) and none of its non-daemon children is still running.
pub fn may_exit(
    program: &Program,
    p: ProcessId,
    alive: impl Fn(ActorId) -> bool,
    running: impl Fn(ProcessId) -> bool,
) -> bool {
    // A task lives no longer than its loop (`asyncio.run` cancels what is left).
    let threads_left = program
        .actors
        .iter()
        .enumerate()
        .any(|(i, def)| def.process == p && !def.daemon && def.role != ActorRole::Task && alive(ActorId(i as u16)));
    let children_left = children(program, p).any(|(c, daemon)| !daemon && running(c));
    !threads_left && !children_left
}

/// What ends with a process that exits.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ending {
    /// Its daemon children that had started: they exit with it.
    pub daemon_children: Vec<ProcessId>,
    /// Every thread of it and of those children (the ones still alive are ended).
    pub threads: Vec<ActorId>,
}

/// What ends with `p` when it exits; `started` says which processes have started.
pub fn ending(program: &Program, p: ProcessId, started: impl Fn(ProcessId) -> bool) -> Ending {
    let daemon_children: Vec<ProcessId> =
        children(program, p).filter(|&(c, daemon)| daemon && started(c)).map(|(c, _)| c).collect();
    let threads = program
        .actors
        .iter()
        .enumerate()
        .filter(|(_, def)| def.process == p || daemon_children.contains(&def.process))
        .map(|(i, _)| ActorId(i as u16))
        .collect();
    Ending { daemon_children, threads }
}

/// `p`'s child processes, each with whether it is a daemon.
fn children(program: &Program, p: ProcessId) -> impl Iterator<Item = (ProcessId, bool)> + '_ {
    program
        .processes
        .iter()
        .enumerate()
        .filter(move |(_, def)| def.parent == Some(p))
        .map(|(c, def)| (ProcessId(c as u16), def.daemon))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::program::{ActorDef, ProcessDef, StartMethod};

    #[test]
    fn start_and_join_refuse_what_python_refuses() {
        // CPython: a second `t.start()` raises RuntimeError, a second `p.start()` fails
        // an assert; joining oneself or what never started raises.
        assert_eq!(start(ActorRole::Thread, false), Ok(()));
        assert_eq!(start(ActorRole::Thread, true), Err(errors::THREAD_STARTED_TWICE));
        assert_eq!(start(ActorRole::ProcessMain, true), Err(errors::PROCESS_STARTED_TWICE));
        let (me, other) = (ActorId(0), ActorId(1));
        assert_eq!(join(me, me, ActorRole::ProcessMain, true), Err(errors::JOIN_CURRENT));
        assert_eq!(join(me, other, ActorRole::Thread, false), Err(errors::JOIN_UNSTARTED_THREAD));
        assert_eq!(join(me, other, ActorRole::ProcessMain, false), Err(errors::JOIN_UNSTARTED_PROCESS));
        assert_eq!(join(me, other, ActorRole::Thread, true), Ok(()));
    }

    /// The main process with a daemon thread (1), a non-daemon thread (2), a non-daemon
    /// child process 1 (actor 3) and a daemon child process 2 (actor 4).
    fn family() -> Program {
        let process = |name: &str, daemon| ProcessDef {
            name: name.into(),
            parent: Some(ProcessId(0)),
            start_method: StartMethod::Fork,
            daemon,
            unpicklable: None,
        };
        let actor = |process: u16, role, daemon| ActorDef {
            name: String::new(),
            process: ProcessId(process),
            role,
            daemon,
            ops: Vec::new(),
        };
        Program {
            source: String::new(),
            processes: vec![
                ProcessDef {
                    name: "MainProcess".into(),
                    parent: None,
                    start_method: StartMethod::Main,
                    daemon: false,
                    unpicklable: None,
                },
                process("Process-1", false),
                process("Process-2", true),
            ],
            actors: vec![
                actor(0, ActorRole::ProcessMain, false),
                actor(0, ActorRole::Thread, true),
                actor(0, ActorRole::Thread, false),
                actor(1, ActorRole::ProcessMain, false),
                actor(2, ActorRole::ProcessMain, false),
            ],
            objects: Vec::new(),
            switch_interval: None,
        }
    }

    #[test]
    fn a_process_waits_for_its_non_daemon_threads_and_children_only() {
        let program = family();
        let main = ProcessId(0);
        let none_running = |_: ProcessId| false;
        // Only the daemon thread alive: the process may exit.
        assert!(may_exit(&program, main, |a| a == ActorId(1), none_running));
        // The main thread or a non-daemon thread alive: it may not.
        assert!(!may_exit(&program, main, |a| a == ActorId(0), none_running));
        assert!(!may_exit(&program, main, |a| a == ActorId(2), none_running));
        // A non-daemon child running keeps it; a daemon child does not.
        assert!(!may_exit(&program, main, |_| false, |c| c == ProcessId(1)));
        assert!(may_exit(&program, main, |_| false, |c| c == ProcessId(2)));
        assert_eq!(joins_when(&program, ActorId(2)), JoinsWhen::ThreadEnded);
        assert_eq!(joins_when(&program, ActorId(3)), JoinsWhen::ProcessExited(ProcessId(1)));
    }

    #[test]
    fn its_threads_and_its_started_daemon_children_end_with_it() {
        let program = family();
        let ending = ending(&program, ProcessId(0), |_| true);
        assert_eq!(ending.daemon_children, vec![ProcessId(2)]);
        assert_eq!(ending.threads, vec![ActorId(0), ActorId(1), ActorId(2), ActorId(4)]);
        let not_started = super::ending(&program, ProcessId(0), |c| c != ProcessId(2));
        assert_eq!(not_started.daemon_children, vec![]);
    }
}
