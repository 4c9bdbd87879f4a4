//! Checking a Program before a run: every index it holds points at something that exists
//! and fits.

use std::fmt;

use super::{ActorRole, Cond, Line, ObjectKind, OpKind, Operand, ProcessId, Program, Reg, TextPart, REGISTERS};

/// A Program that cannot run: it names what is wrong and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProgramError {
    NoActors,
    MainActorNotInMainProcess,
    ActorProcessMissing { actor: String, process: u16 },
    ObjectMissing { actor: String, op: usize, object: u16 },
    WrongObjectKind { actor: String, op: usize, object: String, expected: &'static str },
    ActorMissing { actor: String, op: usize, target: u16 },
    JumpOutOfRange { actor: String, op: usize, to: usize },
    RegisterOutOfRange { actor: String, op: usize, reg: u8 },
    LineOutOfRange { actor: String, op: usize, line: Line, lines: usize },
    PipeEndOutOfRange { actor: String, op: usize, end: u8 },
    BadInnerLock { object: String },
    ZeroBarrierParties { object: String },
    // `create_task` or `await` of what is not a task of the same loop; `start` or `join` of a task.
    WrongTarget { actor: String, op: usize, target: String, expected: &'static str },
    // An `await` in a thread other than a loop's main thread.
    AwaitOutsideCoroutine { actor: String, op: usize },
}

impl fmt::Display for ProgramError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ProgramError::*;
        match self {
            NoActors => write!(f, "the program has no threads"),
            MainActorNotInMainProcess => write!(f, "actor 0 must be the main thread of process 0"),
            ActorProcessMissing { actor, process } => {
                write!(f, "{actor} belongs to process {process}, which does not exist")
            }
            ObjectMissing { actor, op, object } => {
                write!(f, "{actor} op {op} uses object {object}, which does not exist")
            }
            WrongObjectKind { actor, op, object, expected } => {
                write!(f, "{actor} op {op} uses {object}, which is not a {expected}")
            }
            ActorMissing { actor, op, target } => {
                write!(f, "{actor} op {op} names actor {target}, which does not exist")
            }
            JumpOutOfRange { actor, op, to } => write!(f, "{actor} op {op} jumps to {to}, past the end"),
            RegisterOutOfRange { actor, op, reg } => write!(f, "{actor} op {op} uses register {reg} of {REGISTERS}"),
            LineOutOfRange { actor, op, line, lines } => {
                write!(f, "{actor} op {op} points at line {line}, but the source has {lines} lines")
            }
            PipeEndOutOfRange { actor, op, end } => {
                write!(f, "{actor} op {op} uses pipe end {end}; a pipe has ends 0 and 1")
            }
            BadInnerLock { object } => write!(f, "{object} must wrap a Lock or RLock"),
            ZeroBarrierParties { object } => write!(f, "{object} needs at least one party"),
            WrongTarget { actor, op, target, expected } => {
                write!(f, "{actor} op {op} names {target}, which is not {expected}")
            }
            AwaitOutsideCoroutine { actor, op } => write!(f, "{actor} op {op} awaits outside a coroutine"),
        }
    }
}

impl std::error::Error for ProgramError {}

impl Program {
    /// Checks every index in the Program, so the engines can trust them.
    pub fn validate(&self) -> Result<(), ProgramError> {
        use ProgramError::*;
        let first = self.actors.first().ok_or(NoActors)?;
        if first.process != ProcessId(0) || first.role != ActorRole::ProcessMain {
            return Err(MainActorNotInMainProcess);
        }
        let lines = self.source.lines().count();
        for (index, object) in self.objects.iter().enumerate() {
            match object.kind {
                ObjectKind::Condition { lock } | ObjectKind::SharedValue { lock, .. } => {
                    let inner = self.objects.get(lock.0 as usize).map(|o| &o.kind);
                    if !matches!(inner, Some(ObjectKind::Lock) | Some(ObjectKind::RLock)) || lock.0 as usize == index {
                        return Err(BadInnerLock { object: object.name.clone() });
                    }
                }
                ObjectKind::Barrier { parties: 0 } => return Err(ZeroBarrierParties { object: object.name.clone() }),
                _ => {}
            }
        }
        for actor in &self.actors {
            let name = || actor.name.clone();
            if actor.process.0 as usize >= self.processes.len() {
                return Err(ActorProcessMissing { actor: name(), process: actor.process.0 });
            }
            for (op_index, op) in actor.ops.iter().enumerate() {
                if op.line == 0 || op.line as usize > lines {
                    return Err(LineOutOfRange { actor: name(), op: op_index, line: op.line, lines });
                }
                // A jump to just past the last operation ends the thread, as falling off it does.
                if let Some(to) = op.kind.jump_target() {
                    if to > actor.ops.len() {
                        return Err(JumpOutOfRange { actor: name(), op: op_index, to });
                    }
                }
                if let Some(target) = op.kind.target_actor() {
                    let Some(def) = self.actors.get(target.0 as usize) else {
                        return Err(ActorMissing { actor: name(), op: op_index, target: target.0 });
                    };
                    let is_task = def.role == ActorRole::Task;
                    let expected = match op.kind {
                        OpKind::CreateTask { .. } | OpKind::AwaitTask { .. }
                            if !is_task || def.process != actor.process =>
                        {
                            Some("a task of the same event loop")
                        }
                        OpKind::Start { .. } | OpKind::Join { .. } if is_task => Some("a thread or a process"),
                        _ => None,
                    };
                    if let Some(expected) = expected {
                        return Err(WrongTarget { actor: name(), op: op_index, target: def.name.clone(), expected });
                    }
                }
                if op.kind.is_async() && actor.role == ActorRole::Thread {
                    return Err(AwaitOutsideCoroutine { actor: name(), op: op_index });
                }
                for reg in registers_of(&op.kind) {
                    if reg.0 as usize >= REGISTERS {
                        return Err(RegisterOutOfRange { actor: name(), op: op_index, reg: reg.0 });
                    }
                }
                if let Some(object) = op.kind.object() {
                    let def = self.objects.get(object.0 as usize).ok_or(ObjectMissing {
                        actor: name(),
                        op: op_index,
                        object: object.0,
                    })?;
                    if let Some(expected) = expected_kind(&op.kind, &def.kind) {
                        return Err(WrongObjectKind {
                            actor: name(),
                            op: op_index,
                            object: def.name.clone(),
                            expected,
                        });
                    }
                    if let OpKind::Send { end, .. } | OpKind::Recv { end, .. } | OpKind::Close { end, .. } = op.kind {
                        if end > 1 {
                            return Err(PipeEndOutOfRange { actor: name(), op: op_index, end });
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

/// `Some(what was expected)` when an operation cannot apply to an object of this kind.
fn expected_kind(op: &OpKind, kind: &ObjectKind) -> Option<&'static str> {
    use ObjectKind as K;
    use OpKind::*;
    let fits = match op {
        Load { .. } | Store { .. } => matches!(kind, K::Var { .. } | K::SharedValue { .. }),
        ListAppend { .. } | ListGet { .. } | ListSet { .. } | ListLen { .. } | ListPop { .. } => {
            matches!(kind, K::List { .. })
        }
        Acquire { .. } | Release { .. } => {
            matches!(kind, K::Lock | K::RLock | K::Semaphore { .. } | K::Condition { .. })
        }
        CondWait { .. } | CondNotify { .. } => matches!(kind, K::Condition { .. }),
        EventSet { .. } | EventClear { .. } | EventWait { .. } => matches!(kind, K::Event),
        BarrierWait { .. } | BarrierAbort { .. } => matches!(kind, K::Barrier { .. }),
        Put { .. } | Get { .. } | QueueEmpty { .. } | QueueFull { .. } => matches!(kind, K::Queue { .. }),
        Send { .. } | Recv { .. } | Close { .. } => matches!(kind, K::Pipe { .. }),
        _ => true,
    };
    if fits {
        return None;
    }
    Some(match op {
        Load { .. } | Store { .. } => "variable or Value",
        ListAppend { .. } | ListGet { .. } | ListSet { .. } | ListLen { .. } | ListPop { .. } => "list",
        Acquire { .. } | Release { .. } => "lock or semaphore",
        CondWait { .. } | CondNotify { .. } => "Condition",
        EventSet { .. } | EventClear { .. } | EventWait { .. } => "Event",
        BarrierWait { .. } | BarrierAbort { .. } => "Barrier",
        Put { .. } | Get { .. } | QueueEmpty { .. } | QueueFull { .. } => "Queue",
        _ => "Pipe",
    })
}

fn registers_of(op: &OpKind) -> Vec<Reg> {
    use OpKind::*;
    let operand = |o: &Operand| match o {
        Operand::Reg(r) => Some(*r),
        Operand::Const(_) => None,
    };
    let cond = |c: &Cond| match *c {
        Cond::Eq(r, _) | Cond::Ne(r, _) | Cond::Lt(r, _) => r,
    };
    match op {
        Set { reg, .. } | Add { reg, .. } | Clock { reg } | Introspect { reg, .. } => vec![*reg],
        Arith { reg, value, .. } => std::iter::once(*reg).chain(operand(value)).collect(),
        Load { reg, .. } | Store { reg, .. } | Get { reg, .. } | Recv { reg, .. } => vec![*reg],
        QueueEmpty { reg, .. } | QueueFull { reg, .. } | ListLen { reg, .. } | ListPop { reg, .. } => vec![*reg],
        ListAppend { value, .. } => operand(value).into_iter().collect(),
        ListGet { index, reg, .. } => std::iter::once(*reg).chain(operand(index)).collect(),
        ListSet { index, value, .. } => operand(index).into_iter().chain(operand(value)).collect(),
        JumpIf { cond: c, .. } => vec![cond(c)],
        Acquire { result, .. } | EventWait { result, .. } | BarrierWait { result, .. } => {
            result.iter().copied().collect()
        }
        Put { value, .. } | Send { value, .. } => operand(value).into_iter().collect(),
        Print { text } => text
            .iter()
            .filter_map(|p| match p {
                TextPart::Reg(r) | TextPart::Bool(r) => Some(*r),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}
