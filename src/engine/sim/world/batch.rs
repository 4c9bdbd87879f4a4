//! Loops run many iterations at once, where nothing could happen between the iterations
//! that the batch would hide. Two cases:
//!
//! - **Alone**: one actor is the only one that can run (the others wait for its GIL, sleep
//!   or are blocked) and its loop body only computes and touches its process's plain
//!   variables: nothing can happen until the next timer.
//! - **Private, beside others**: the body touches nothing but the actor's own registers
//!   (countdowns, compute, calls), and while it runs no other actor can do anything the
//!   loop would notice: the batch ends before the next timer, before any other runnable
//!   actor could reach an operation that touches shared state ([`Sim::private_until`]),
//!   and at the actor's time slice if others wait for a core. With the GIL on, the actor
//!   is the only live thread of its process.
//!
//! The iterations are applied in one go by composing the body's effect with itself. Costs
//! of a private operation, and of any operation of an actor running alone, are the table's
//! without jitter, in single steps too, and ties between actors are broken without drawing
//! from the seed's stream, so a run is the same whether its loops were batched or stepped
//! through one turn at a time. A batch is one step of the simulator's work (the step limit
//! counts work, not Python operations); it still counts one turn per operation, so turns
//! number the same as stepped. Where turn numbers must match a schedule (picks still to
//! replay, or the explorer logging turns) only the first case batches.

use super::{Nanos, Object, Phase, Sim};
use crate::engine::costs;
use crate::engine::program::{Arith, OpKind as Kind, Operand};
use crate::engine::trace::SpanKind;

/// Longest loop body batched, in operations.
const MAX_BODY: usize = 64;
/// Fewer iterations than this are not worth a batch.
const MIN_ITERATIONS: u64 = 4;

/// A value the body reads or writes: a register or a plain variable of the process.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Loc {
    Reg(u8),
    Var(u16),
}

/// One iteration's effect: each location touched becomes another location's old value
/// (or a constant) plus an offset. Untouched locations keep their value.
#[derive(Clone, Debug, Default)]
struct Effect {
    touched: Vec<(Loc, Option<Loc>, i64)>,
}

impl Effect {
    fn get(&self, loc: Loc) -> (Option<Loc>, i64) {
        self.touched.iter().find(|(l, _, _)| *l == loc).map_or((Some(loc), 0), |&(_, base, offset)| (base, offset))
    }

    fn set(&mut self, loc: Loc, value: (Option<Loc>, i64)) {
        match self.touched.iter_mut().find(|(l, _, _)| *l == loc) {
            Some(slot) => (slot.1, slot.2) = value,
            None => self.touched.push((loc, value.0, value.1)),
        }
    }

    /// `self` then `next`.
    fn then(&self, next: &Effect) -> Effect {
        let mut out = self.clone();
        for &(loc, base, offset) in &next.touched {
            let value = match base {
                Some(b) => {
                    let (bb, bo) = self.get(b);
                    (bb, bo.wrapping_add(offset))
                }
                None => (None, offset),
            };
            out.set(loc, value);
        }
        out
    }

    /// This effect `k` times over.
    fn times(&self, mut k: u64) -> Effect {
        let mut result = Effect::default();
        let mut square = self.clone();
        while k > 0 {
            if k & 1 == 1 {
                result = result.then(&square);
            }
            square = square.then(&square);
            k >>= 1;
        }
        result
    }
}

/// A loop's body as a batch sees it: where it is, what one iteration does and costs.
struct Body {
    /// The loop's back-edge operation.
    end: usize,
    times: u64,
    effect: Effect,
    /// One iteration's cost, back-edge included.
    cost: Nanos,
    /// Operations in one iteration.
    length: u64,
}

impl Sim {
    /// Whether no other actor could run now: then operations cost exactly the table's.
    pub(super) fn alone(&self, a: usize) -> bool {
        !self.actors.iter().enumerate().any(|(i, other)| i != a && other.phase == Phase::Runnable)
    }

    /// Whether actor `a` is between operations in a state a batch may start from: running
    /// Python, no write or wake half done, no Value lock held for an access.
    fn between_operations(&self, a: usize) -> bool {
        let actor = &self.actors[a];
        let p = actor.process;
        actor.startup == 0
            && actor.teardown == 0
            && actor.started
            && actor.pending_writes.is_empty()
            && actor.wake.is_none()
            && actor.value_lock.is_none()
            && actor.activity == Some(SpanKind::Run)
            && (!self.settings.run.gil || (actor.holds_gil && !self.gils[p].drop_request))
    }

    /// The loop actor `a` is at the top of, if its body (at most [`MAX_BODY`] operations)
    /// only computes, calls and works on registers, and also (unless `private`) reads and
    /// writes its process's plain variables.
    fn loop_body(&self, a: usize, private: bool) -> Option<Body> {
        let ops = &self.program.actors[a].ops;
        let top = self.actors[a].pc;
        let mut effect = Effect::default();
        let mut cost: Nanos = 0;
        for (i, op) in ops.iter().enumerate().skip(top).take(MAX_BODY) {
            let var = |object: crate::engine::program::ObjectId| {
                (!private && matches!(self.objects[object.0 as usize], Object::Var)).then_some(Loc::Var(object.0))
            };
            match op.kind {
                Kind::Loop { to, times } if to == top => {
                    cost += self.bytecode(costs::LOOP);
                    let length = (i - top + 1) as u64;
                    return Some(Body { end: i, times, effect, cost, length });
                }
                Kind::Compute { units } => cost += self.bytecode(units.saturating_mul(costs::COMPUTE_UNIT)),
                Kind::Call => cost += self.bytecode(costs::CALL),
                Kind::Set { reg, value } => {
                    cost += self.bytecode(costs::STEP);
                    effect.set(Loc::Reg(reg.0), (None, value));
                }
                Kind::Add { reg, value } | Kind::Arith { reg, op: Arith::Add, value: Operand::Const(value) } => {
                    cost += self.bytecode(costs::STEP);
                    let (base, offset) = effect.get(Loc::Reg(reg.0));
                    effect.set(Loc::Reg(reg.0), (base, offset.wrapping_add(value)));
                }
                Kind::Arith { reg, op: Arith::Sub, value: Operand::Const(value) } => {
                    cost += self.bytecode(costs::STEP);
                    let (base, offset) = effect.get(Loc::Reg(reg.0));
                    effect.set(Loc::Reg(reg.0), (base, offset.wrapping_sub(value)));
                }
                Kind::Load { object, reg } => {
                    let from = var(object)?;
                    cost += self.bytecode(costs::STEP);
                    effect.set(Loc::Reg(reg.0), effect.get(from));
                }
                Kind::Store { object, reg } => {
                    let to = var(object)?;
                    cost += self.bytecode(costs::STEP);
                    effect.set(to, effect.get(Loc::Reg(reg.0)));
                }
                _ => return None,
            }
        }
        None
    }

    /// Whole iterations of `body` that fit before `deadline` (and before the next pick and
    /// the loop's own end; its last iteration runs step by step).
    fn iterations(&self, a: usize, body: &Body, at: Nanos, deadline: Option<Nanos>) -> u64 {
        let done = self.actors[a].loop_counts[body.end];
        let mut k = body.times.saturating_sub(done + 1);
        if let Some(deadline) = deadline {
            k = k.min(deadline.saturating_sub(at) / body.cost.max(1));
        }
        if let Some(pick) = self.pending.front() {
            k = k.min(pick.turn.saturating_sub(self.turns) / body.length);
        }
        k
    }

    /// Applies `k` iterations of `body` to actor `a` at once, from `at`.
    fn apply(&mut self, a: usize, body: &Body, k: u64, at: Nanos) {
        let p = self.actors[a].process;
        let total = body.effect.times(k);
        let regs = self.actors[a].regs;
        let vars = &self.vars[p];
        let read = |loc: Loc| match loc {
            Loc::Reg(r) => regs[r as usize],
            Loc::Var(v) => vars[v as usize],
        };
        let values: Vec<(Loc, i64)> =
            total.touched.iter().map(|&(loc, base, offset)| (loc, base.map_or(0, read).wrapping_add(offset))).collect();
        for (loc, value) in values {
            match loc {
                Loc::Reg(r) => self.actors[a].regs[r as usize] = value,
                Loc::Var(v) => self.vars[p][v as usize] = value,
            }
        }
        let actor = &mut self.actors[a];
        actor.loop_counts[body.end] += k;
        actor.rec.metrics.ops += k * body.length;
        actor.clock = at + k * body.cost;
        // As if each operation had been a turn of its own.
        self.turns += k * body.length;
    }

    /// Runs as many whole iterations of the loop actor `a` is at the top of as fit before
    /// `deadline`, when `a` is the only actor that can run; false if this is no such loop
    /// or fewer than a few would fit.
    pub(super) fn run_loop_alone(&mut self, a: usize, at: Nanos, deadline: Option<Nanos>) -> bool {
        if !(self.between_operations(a) && self.ready.is_empty() && self.alone(a)) {
            return false;
        }
        let Some(body) = self.loop_body(a, false) else { return false };
        let k = self.iterations(a, &body, at, deadline);
        if k < MIN_ITERATIONS {
            return false;
        }
        self.apply(a, &body, k, at);
        // The last operation taken was the loop's back-edge.
        self.now = at + k * body.cost - self.bytecode(costs::LOOP);
        true
    }

    /// Runs whole iterations of a private loop (registers, compute and calls only) while
    /// other actors run beside it, up to the first moment any of them could touch what
    /// others see, the next timer, and (if others wait for a core) the end of its slice.
    pub(super) fn run_private_loop(&mut self, a: usize, at: Nanos, deadline: Option<Nanos>) -> bool {
        let actor = &self.actors[a];
        let p = actor.process;
        let killable = actor.daemon || self.program.processes[p].daemon;
        let own_process_quiet = !self.settings.run.gil
            || (0..self.actors.len()).all(|i| {
                i == a || self.actors[i].process != p || matches!(self.actors[i].phase, Phase::NotStarted | Phase::Done)
            });
        let numbered_as_stepped = !self.pending.is_empty() || self.logging_turns();
        if killable || !own_process_quiet || numbered_as_stepped || !self.between_operations(a) {
            return false;
        }
        let Some(body) = self.loop_body(a, true) else { return false };
        let mut until = self.private_until(a);
        if let Some(deadline) = deadline {
            until = until.min(deadline);
        }
        if !self.ready.is_empty() {
            if let Some((_, slice_end)) = self.actors[a].core.and_then(|c| self.cores[c]) {
                until = until.min(slice_end);
            }
        }
        let k = self.iterations(a, &body, at, Some(until));
        if k < MIN_ITERATIONS {
            return false;
        }
        self.apply(a, &body, k, at);
        // Others may still have steps before the batch's end: the world's time stays.
        self.now = at;
        true
    }

    /// The earliest moment another runnable actor than `a` could do something others see:
    /// its next step, or, if it is in a private loop, the end of that loop; an actor
    /// waiting for a core no sooner than some other core is given up.
    fn private_until(&self, a: usize) -> Nanos {
        let holders = || (0..self.actors.len()).filter(|&h| h != a && self.actors[h].core.is_some());
        // A core is given up at its holder's first step past its slice, or when its holder
        // leaves its private work.
        let core_free = holders()
            .map(|h| {
                let actor = &self.actors[h];
                let slice_end = actor.core.and_then(|c| self.cores[c]).map_or(Nanos::MAX, |(_, end)| end);
                (actor.clock + self.private_run(h)).min(slice_end.max(actor.clock))
            })
            .min()
            .unwrap_or(Nanos::MAX);
        (0..self.actors.len())
            .filter(|&b| b != a && self.actors[b].phase == Phase::Runnable)
            .map(|b| match self.actors[b].core {
                Some(_) => self.actors[b].clock.saturating_add(self.private_run(b)),
                None => self.actors[b].clock.max(core_free),
            })
            .min()
            .unwrap_or(Nanos::MAX)
    }

    /// How long actor `b`, from its next operation, runs only private operations: the rest
    /// of the private loop it is in (if its body is private), else nothing.
    fn private_run(&self, b: usize) -> Nanos {
        let actor = &self.actors[b];
        if !self.between_operations(b) || actor.core.is_none() {
            return 0;
        }
        let ops = &self.program.actors[b].ops;
        // The innermost loop around `pc` whose body is all private.
        let pc = actor.pc;
        let Some((end, to, times)) = ops.iter().enumerate().skip(pc).find_map(|(i, op)| match op.kind {
            Kind::Loop { to, times } if to <= pc => Some((i, to, times)),
            _ if !op.kind.is_private() => Some((usize::MAX, 0, 0)),
            _ => None,
        }) else {
            return 0;
        };
        if end == usize::MAX || ops[to..=end].iter().any(|op| !op.kind.is_private()) {
            return 0;
        }
        let iteration: Nanos = ops[to..=end].iter().map(|op| self.bytecode(private_cost(&op.kind))).sum();
        let left = times.saturating_sub(actor.loop_counts[end] + 1);
        left.saturating_mul(iteration)
    }
}

/// What a private operation costs (the table's, exactly).
fn private_cost(kind: &Kind) -> Nanos {
    match *kind {
        Kind::Compute { units } => units.saturating_mul(costs::COMPUTE_UNIT),
        Kind::Call => costs::CALL,
        Kind::Loop { .. } => costs::LOOP,
        _ => costs::STEP,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_effect_composed_k_times_is_k_iterations() {
        // r0 = counter; r0 += 1; counter = r0; r1 = 7; r2 += 3
        let mut e = Effect::default();
        e.set(Loc::Reg(0), e.get(Loc::Var(0)));
        let (b, o) = e.get(Loc::Reg(0));
        e.set(Loc::Reg(0), (b, o + 1));
        e.set(Loc::Var(0), e.get(Loc::Reg(0)));
        e.set(Loc::Reg(1), (None, 7));
        let (b, o) = e.get(Loc::Reg(2));
        e.set(Loc::Reg(2), (b, o + 3));
        let k5 = e.times(5);
        assert_eq!(k5.get(Loc::Var(0)), (Some(Loc::Var(0)), 5));
        assert_eq!(k5.get(Loc::Reg(0)), (Some(Loc::Var(0)), 5));
        assert_eq!(k5.get(Loc::Reg(1)), (None, 7));
        assert_eq!(k5.get(Loc::Reg(2)), (Some(Loc::Reg(2)), 15));
        // A swap through a register: r0 = x; x = y; y = r0.
        let mut swap = Effect::default();
        swap.set(Loc::Reg(0), swap.get(Loc::Var(0)));
        swap.set(Loc::Var(0), swap.get(Loc::Var(1)));
        swap.set(Loc::Var(1), swap.get(Loc::Reg(0)));
        assert_eq!(swap.times(2).get(Loc::Var(0)), (Some(Loc::Var(0)), 0));
        assert_eq!(swap.times(3).get(Loc::Var(0)), (Some(Loc::Var(1)), 0));
    }
}
