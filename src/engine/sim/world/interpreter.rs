//! One actor's next step: the GIL and its check points, then one operation. Work on its
//! own registers and the process's variables is done here; what touches a Python object
//! is handed to `objects`, threads and processes to `processes`.

use super::{Block, Sim, Wake};
use crate::engine::costs;
use crate::engine::program::{render_text, ActorRole, Introspect, Op, OpKind, Reg, TextPart};
use crate::engine::python::build::PythonModel;
use crate::engine::python::errors;
use crate::engine::settings::OutputMode;
use crate::engine::sim::settings::SimError;
use crate::engine::trace::{Nanos, SpanKind};

impl Sim {
    /// One step of actor `a` at time `at`: the GIL if needed, then one operation.
    pub(super) fn step_actor(&mut self, a: usize, at: Nanos) -> Result<(), SimError> {
        // The Value access this actor made last is over: its lock goes to a waiter, if any.
        if let Some(lock) = self.actors[a].value_lock.take() {
            self.end_value_access(lock, at)?;
        }
        // An OS time slice ran out and someone waits for a core: give it up.
        if let Some(core) = self.actors[a].core {
            if let Some((_, slice_end)) = self.cores[core] {
                if slice_end <= at && !self.ready.is_empty() {
                    self.set_activity(a, None, at);
                    self.free_core(a, at);
                    self.ready.push_back(a);
                    return Ok(());
                }
            }
        }
        // A process's start-up and teardown are work on a core, in pieces no longer than an
        // OS slice, so other ready threads get the core too.
        let actor = &mut self.actors[a];
        let work = match (actor.startup > 0, actor.teardown > 0) {
            (true, _) => Some((&mut actor.startup, SpanKind::Starting)),
            (false, true) => Some((&mut actor.teardown, SpanKind::Run)),
            _ => None,
        };
        if let Some((left, kind)) = work {
            let piece = (*left).min(costs::OS_SLICE);
            *left -= piece;
            self.actors[a].clock = at + piece;
            self.set_activity(a, Some(kind), at);
            return Ok(());
        }
        let gil_on = self.settings.run.gil;
        if gil_on && !self.actors[a].holds_gil {
            let p = self.actors[a].process;
            if self.gils[p].holder.is_none() {
                self.take_gil(a, at);
            } else {
                let wait = self.gil_wait(a, at);
                return self.block(a, wait, at);
            }
        }
        // A thread has started once it runs Python, with the GIL: its first turn sets the
        // event its `start()` waits on, as `Thread._bootstrap` does before the target.
        if !self.actors[a].started {
            self.started(a, at);
            if self.program.actors[a].role == ActorRole::Thread {
                self.actors[a].clock = at + self.cost(costs::STEP);
                return Ok(());
            }
        }
        self.set_activity(a, Some(SpanKind::Run), at);
        if let Some(text) = self.actors[a].pending_writes.pop() {
            let took = self.draw(&costs::TTY_WRITE);
            return self.write(a, text, took, at);
        }
        if let Some(wake) = self.actors[a].wake.take() {
            return self.complete_blocking(a, wake, at);
        }
        let pc = self.actors[a].pc;
        let Some(op) = self.program.actors[a].ops.get(pc).cloned() else {
            if self.tears_down(a) {
                return Ok(());
            }
            return self.exit(a, at);
        };
        // A check point with a drop request: let go, and wait for the GIL like the others.
        if gil_on && self.gils[self.actors[a].process].drop_request {
            let every_op = self.settings.run.python.switch_model() == PythonModel::V3_9;
            if every_op || op.kind.is_check_point(pc) {
                let wait = self.gil_wait(a, at);
                return self.block(a, wait, at);
            }
        }
        self.actors[a].rec.metrics.ops += 1;
        self.execute(a, &op, at)
    }

    /// Runs a non-blocking operation, or starts a blocking one.
    fn execute(&mut self, a: usize, op: &Op, at: Nanos) -> Result<(), SimError> {
        let mut next = self.actors[a].pc + 1;
        let mut cost = costs::STEP;
        let reg = |r: Reg| r.0 as usize;
        match op.kind {
            OpKind::Compute { units } => cost = units.saturating_mul(costs::COMPUTE_UNIT),
            OpKind::Call => cost = costs::CALL,
            OpKind::Set { reg: r, value } => self.actors[a].regs[reg(r)] = value,
            OpKind::Add { reg: r, value } => {
                let v = &mut self.actors[a].regs[reg(r)];
                *v = v.wrapping_add(value);
            }
            OpKind::Arith { reg: r, op, ref value } => {
                let b = value.value(&self.actors[a].regs);
                let current = self.actors[a].regs[reg(r)];
                match op.apply(current, b) {
                    Some(v) => self.actors[a].regs[reg(r)] = v,
                    None => return self.raise(a, errors::zero_divisor(op), at),
                }
            }
            OpKind::JumpIf { cond, to } => {
                if cond.holds(&self.actors[a].regs) {
                    next = to;
                }
            }
            OpKind::Jump { to } => next = to,
            OpKind::Loop { to, times } => {
                cost = costs::LOOP;
                let pc = self.actors[a].pc;
                let count = &mut self.actors[a].loop_counts[pc];
                *count += 1;
                if *count < times {
                    next = to;
                } else {
                    *count = 0;
                }
            }
            OpKind::Clock { reg: r } => self.actors[a].regs[reg(r)] = (at / 1000) as i64,
            OpKind::Raise { exception, ref message, origin } => {
                return self.raise_again(a, exception, message.clone(), origin, at);
            }
            OpKind::Introspect { what, reg: r } => {
                let value = self.introspect(a, what);
                self.actors[a].regs[reg(r)] = value;
            }
            OpKind::Load { object, reg: r } | OpKind::Store { object, reg: r } => {
                let store = matches!(op.kind, OpKind::Store { .. });
                match self.value_lock(object) {
                    Some(lock) => {
                        if !self.value_access(a, object, reg(r), store) {
                            return self.block(a, Block::Acquire { object: lock, until: None }, at);
                        }
                        cost += costs::VALUE_ACCESS;
                    }
                    None => {
                        let vars = &mut self.vars[self.actors[a].process];
                        if store {
                            vars[object.0 as usize] = self.actors[a].regs[reg(r)];
                        } else {
                            self.actors[a].regs[reg(r)] = vars[object.0 as usize];
                        }
                    }
                }
            }
            OpKind::ListAppend { object, ref value } => {
                let v = value.value(&self.actors[a].regs);
                if let Err(e) = self.lists[self.actors[a].process][object.0 as usize].append(v) {
                    return self.raise(a, e, at);
                }
            }
            OpKind::ListGet { object, ref index, reg: r } => {
                let i = index.value(&self.actors[a].regs);
                match self.lists[self.actors[a].process][object.0 as usize].get(i) {
                    Ok(v) => self.actors[a].regs[reg(r)] = v,
                    Err(e) => return self.raise(a, e, at),
                }
            }
            OpKind::ListSet { object, ref index, ref value } => {
                let (i, v) = (index.value(&self.actors[a].regs), value.value(&self.actors[a].regs));
                if let Err(e) = self.lists[self.actors[a].process][object.0 as usize].set(i, v) {
                    return self.raise(a, e, at);
                }
            }
            OpKind::ListLen { object, reg: r } => {
                self.actors[a].regs[reg(r)] = self.lists[self.actors[a].process][object.0 as usize].len()
            }
            OpKind::ListPop { object, reg: r } => match self.lists[self.actors[a].process][object.0 as usize].pop() {
                Ok(v) => self.actors[a].regs[reg(r)] = v,
                Err(e) => return self.raise(a, e, at),
            },
            OpKind::QueueEmpty { object, reg: r } => {
                self.actors[a].regs[reg(r)] = self.queue_test(object, false) as i64
            }
            OpKind::QueueFull { object, reg: r } => self.actors[a].regs[reg(r)] = self.queue_test(object, true) as i64,
            // Everything else may block, raise, or wake others.
            _ => return self.execute_sync(a, op, at),
        }
        // Timing noise matters where threads touch what others see while running side by
        // side; alone, or touching only its own state, an operation costs exactly the table's
        // (which lets such loops be batched).
        let cost = self.bytecode(cost);
        let cost = if op.kind.is_private() || self.alone(a) { cost } else { self.cost(cost) };
        self.actors[a].pc = next;
        self.actors[a].clock = at + cost;
        Ok(())
    }

    fn execute_sync(&mut self, a: usize, op: &Op, at: Nanos) -> Result<(), SimError> {
        let value = |operand: &crate::engine::program::Operand| operand.value(&self.actors[a].regs);
        match op.kind {
            OpKind::Sleep { micros } => {
                // `sleep(0)` sets no timer, it only lets the GIL go.
                let until = at + (micros * 1000).max(costs::SLEEP_ZERO) + self.timer_late(micros);
                self.actors[a].pc += 1;
                self.pause(a, until, SpanKind::Sleep, at)
            }
            OpKind::Print { ref text } => self.print(a, text, at),
            OpKind::Acquire { object, wait, .. } => self.acquire(a, object, wait, at),
            OpKind::Release { object } => self.release(a, object, at),
            OpKind::CondWait { object, wait } => self.cond_wait(a, object, wait, at),
            OpKind::CondNotify { object, all } => self.cond_notify(a, object, all, at),
            OpKind::EventSet { object } => self.event_set(a, object, true, at),
            OpKind::EventClear { object } => self.event_set(a, object, false, at),
            OpKind::EventWait { object, wait, .. } => self.event_wait(a, object, wait, at),
            OpKind::BarrierWait { object, .. } => self.barrier_wait(a, object, at),
            OpKind::BarrierAbort { object } => self.barrier_abort(a, object, at),
            OpKind::Put { object, value: ref item, wait } => self.put(a, object, value(item), wait, at),
            OpKind::Get { object, wait, .. } => self.get(a, object, wait, at),
            OpKind::Send { object, end, value: ref item } => self.send(a, object, end, value(item), at),
            OpKind::Recv { object, end, .. } => self.recv(a, object, end, at),
            OpKind::Close { object, end } => self.close(a, object, end, at),
            OpKind::Start { actor } => self.start(a, actor.0 as usize, at),
            OpKind::Join { actor, wait } => self.join(a, actor.0 as usize, wait, at),
            OpKind::CreateTask { .. } | OpKind::AwaitSleep { .. } | OpKind::AwaitTask { .. } => {
                self.execute_async(a, op, at)
            }
            ref other => unreachable!("{other:?} is handled in execute"),
        }
    }

    fn introspect(&self, a: usize, what: Introspect) -> i64 {
        match what {
            Introspect::ActiveCount => (0..self.actors.len())
                .filter(|&i| self.actors[i].process == self.actors[a].process && self.alive(i))
                .count() as i64,
            Introspect::IsAlive(actor) => self.alive(actor.0 as usize) as i64,
        }
    }

    /// Moves on past the current operation after `cost`.
    pub(super) fn advance(&mut self, a: usize, at: Nanos, cost: Nanos) {
        let cost = self.cost(cost);
        self.actors[a].pc += 1;
        self.actors[a].clock = at + cost;
    }

    /// The register a blocking operation leaves its result in, if it has one.
    pub(super) fn result_register(op: &OpKind) -> Option<Reg> {
        match *op {
            OpKind::Acquire { result, .. } | OpKind::EventWait { result, .. } | OpKind::BarrierWait { result, .. } => {
                result
            }
            OpKind::Get { reg, .. } | OpKind::Recv { reg, .. } => Some(reg),
            _ => None,
        }
    }

    /// A blocking operation ended: store its result or raise, and move on.
    fn complete_blocking(&mut self, a: usize, wake: Wake, at: Nanos) -> Result<(), SimError> {
        let op = self.program.actors[a].ops[self.actors[a].pc].kind.clone();
        // A Value access that waited for the Value's lock: it has it now; do the access.
        if let (OpKind::Load { object, .. } | OpKind::Store { object, .. }, Wake::Value(1)) = (&op, &wake) {
            if let Some(lock) = self.value_lock(*object) {
                self.actors[a].value_lock = Some(lock);
                let op = self.program.actors[a].ops[self.actors[a].pc].clone();
                return self.execute(a, &op, at);
            }
        }
        match wake {
            Wake::Raise(error) => self.raise(a, error, at),
            Wake::Value(value) => {
                if let Some(r) = Self::result_register(&op) {
                    self.actors[a].regs[r.0 as usize] = value;
                }
                if let (OpKind::Acquire { object, .. } | OpKind::CondWait { object, .. }, 1) = (&op, value) {
                    let lock = self.lock_of(*object);
                    let line = self.line(a);
                    self.actors[a].rec.begin(SpanKind::Hold(lock), at, line);
                }
                self.advance(a, at, costs::STEP);
                Ok(())
            }
        }
    }

    /// Pays `until - at` with the GIL released (a sleep, a write, a start).
    pub(super) fn pause(&mut self, a: usize, until: Nanos, kind: SpanKind, at: Nanos) -> Result<(), SimError> {
        self.block(a, Block::Pause { until, kind }, at)
    }

    /// `print(...)`: into the process's buffer, one write, or two under `-u`.
    fn print(&mut self, a: usize, text: &[TextPart], at: Nanos) -> Result<(), SimError> {
        let def = &self.program.actors[a];
        let line = render_text(text, &self.actors[a].regs, &def.name, def.process);
        match self.settings.run.output {
            OutputMode::Pipe => {
                let p = self.actors[a].process;
                self.buffers[p].push_str(&line);
                self.buffers[p].push('\n');
                if self.buffers[p].len() < costs::STDOUT_BUFFER {
                    self.advance(a, at, costs::PRINT / 5);
                    return Ok(());
                }
                // A full buffer is flushed by the print that filled it, with one write.
                self.actors[a].pc += 1;
                let text = std::mem::take(&mut self.buffers[p]);
                let took = self.draw(&costs::PIPE_FLUSH);
                self.write(a, text, took, at)
            }
            OutputMode::Tty => {
                self.actors[a].pending_writes = vec![line + "\n"];
                self.advance(a, at, costs::PRINT_CALL);
                Ok(())
            }
            // `-u`: the text and the newline are two writes, and the GIL is let go around
            // each, so another thread's output can land between them.
            OutputMode::Unbuffered => {
                self.actors[a].pending_writes = vec!["\n".to_string(), line];
                self.advance(a, at, costs::PRINT_CALL);
                Ok(())
            }
        }
    }

    /// One write, recorded now, taking `took`; the write system call releases the GIL.
    fn write(&mut self, a: usize, text: String, took: Nanos, at: Nanos) -> Result<(), SimError> {
        let line = self.program.actors[a].ops.get(self.actors[a].pc.saturating_sub(1)).map_or(1, |op| op.line);
        self.actors[a].rec.print(at, line, text);
        let until = at + took;
        self.pause(a, until, SpanKind::Run, at)
    }
}
