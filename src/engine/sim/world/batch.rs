//! Loops run alone, many iterations at once. When one actor is the only one that can run
//! (the others wait for its GIL, sleep or are blocked) and it is at the top of a loop whose
//! body only computes and touches its process's plain variables, nothing can happen
//! between its iterations until the next timer: the iterations up to then are applied in
//! one go, by composing the body's effect with itself. Costs of an actor running alone are
//! the table's, without jitter, in single steps too ([`Sim::alone`]), so a run is the same
//! whether its loops were batched or stepped through one turn at a time.

use super::{Nanos, Object, Phase, Sim};
use crate::engine::costs;
use crate::engine::program::{Arith, OpKind, Operand};
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

impl Sim {
    /// Whether no other actor could run now: then operations cost exactly the table's.
    pub(super) fn alone(&self, a: usize) -> bool {
        !self.actors.iter().enumerate().any(|(i, other)| i != a && other.phase == Phase::Runnable)
    }

    /// Runs as many whole iterations of the loop actor `a` is at the top of as fit before
    /// `deadline` (and before the next pick, the step limit and the loop's own end); false
    /// if this is no such loop or fewer than a few would fit.
    pub(super) fn run_loop_alone(&mut self, a: usize, at: Nanos, deadline: Option<Nanos>) -> bool {
        let actor = &self.actors[a];
        let p = actor.process;
        let ready = actor.startup == 0
            && actor.started
            && !actor.pending_newline
            && actor.wake.is_none()
            && actor.value_lock.is_none()
            && actor.activity == Some(SpanKind::Run)
            && (!self.settings.run.gil || (actor.holds_gil && !self.gils[p].drop_request))
            && self.ready.is_empty()
            && self.alone(a);
        if !ready {
            return false;
        }
        let ops = &self.program.actors[a].ops;
        let top = actor.pc;
        // The body: simple operations up to the loop's back-edge to `top`.
        let mut effect = Effect::default();
        let mut cost: Nanos = 0;
        let mut end = None;
        for (i, op) in ops.iter().enumerate().skip(top).take(MAX_BODY) {
            let var = |object: crate::engine::program::ObjectId| {
                matches!(self.objects[object.0 as usize], Object::Var).then_some(Loc::Var(object.0))
            };
            match op.kind {
                OpKind::Loop { to, times } if to == top => {
                    cost += costs::LOOP;
                    end = Some((i, times));
                    break;
                }
                OpKind::Compute { units } => cost += units.saturating_mul(costs::COMPUTE_UNIT),
                OpKind::Call => cost += costs::CALL,
                OpKind::Set { reg, value } => {
                    cost += costs::STEP;
                    effect.set(Loc::Reg(reg.0), (None, value));
                }
                OpKind::Add { reg, value } | OpKind::Arith { reg, op: Arith::Add, value: Operand::Const(value) } => {
                    cost += costs::STEP;
                    let (base, offset) = effect.get(Loc::Reg(reg.0));
                    effect.set(Loc::Reg(reg.0), (base, offset.wrapping_add(value)));
                }
                OpKind::Arith { reg, op: Arith::Sub, value: Operand::Const(value) } => {
                    cost += costs::STEP;
                    let (base, offset) = effect.get(Loc::Reg(reg.0));
                    effect.set(Loc::Reg(reg.0), (base, offset.wrapping_sub(value)));
                }
                OpKind::Load { object, reg } => {
                    let Some(from) = var(object) else { return false };
                    cost += costs::STEP;
                    effect.set(Loc::Reg(reg.0), effect.get(from));
                }
                OpKind::Store { object, reg } => {
                    let Some(to) = var(object) else { return false };
                    cost += costs::STEP;
                    effect.set(to, effect.get(Loc::Reg(reg.0)));
                }
                _ => return false,
            }
        }
        let Some((end, times)) = end else { return false };
        let length = (end - top + 1) as u64;
        let done = actor.loop_counts[end];
        // Whole iterations that end by jumping back; the loop's last runs step by step.
        let mut k = times.saturating_sub(done + 1);
        if let Some(deadline) = deadline {
            k = k.min(deadline.saturating_sub(at) / cost.max(1));
        }
        if let Some(pick) = self.pending.front() {
            k = k.min(pick.turn.saturating_sub(self.turns) / length);
        }
        k = k.min(self.settings.max_steps.saturating_sub(self.steps) / length);
        if k < MIN_ITERATIONS {
            return false;
        }
        // Apply k iterations at once.
        let total = effect.times(k);
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
        actor.loop_counts[end] += k;
        actor.rec.metrics.ops += k * length;
        actor.clock = at + k * cost;
        // As if each operation had been a step and a turn of its own; the last one taken
        // was the loop's back-edge.
        self.steps += k * length - 1;
        self.turns += k * length;
        self.now = at + k * cost - costs::LOOP;
        true
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
