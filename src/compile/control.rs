//! Control flow in a thread, as jumps: `while` and `if`/`elif`/`else` on a comparison of a
//! number with a value known before the run (or `True`), of the clock with a time, or on
//! what `lock.acquire(...)` answers; `break` and `continue`.

use ruff_python_ast::{self as ast, CmpOp, Expr};
use ruff_text_size::Ranged;

use super::body::Body;
use super::expr::is_clock;
use super::scope::OpenLoop;
use super::CompileError;
use crate::engine::program::{Arith, Cond, OpKind, Operand};

/// A jump whose target is not known yet.
pub(super) const LATER: usize = usize::MAX;

impl Body<'_, '_> {
    pub(super) fn while_loop(&mut self, w: &ast::StmtWhile, earlier: &[ast::Stmt]) -> Result<(), CompileError> {
        if !w.orelse.is_empty() {
            return Err(self
                .refuse(w, crate::said!("`while ... else` is not supported", "`while ... else`는 지원하지 않습니다")));
        }
        if self.counted_while(w, earlier)? {
            return Ok(());
        }
        let start = self.here();
        let exits = self.jumps_when_false(w, &w.test)?;
        self.loops.push(OpenLoop { start, breaks: Vec::new(), counted: false, withs: self.withs.len() });
        self.block(&w.body)?;
        self.op(w, OpKind::Jump { to: start });
        let done = self.loops.pop().expect("pushed above");
        let end = self.here();
        for at in exits.into_iter().chain(done.breaks) {
            self.point(at, end);
        }
        Ok(())
    }

    pub(super) fn if_chain(&mut self, stmt: &ast::StmtIf) -> Result<(), CompileError> {
        let mut to_end = Vec::new();
        let mut if_false = self.jumps_when_false(stmt, &stmt.test)?;
        self.block(&stmt.body)?;
        for clause in &stmt.elif_else_clauses {
            to_end.push(self.ops_len());
            self.op(clause, OpKind::Jump { to: LATER });
            let here = self.here();
            for at in if_false.drain(..) {
                self.point(at, here);
            }
            if let Some(test) = &clause.test {
                if_false = self.jumps_when_false(clause, test)?;
            }
            self.block(&clause.body)?;
        }
        let end = self.here();
        for at in if_false.into_iter().chain(to_end) {
            self.point(at, end);
        }
        Ok(())
    }

    pub(super) fn break_or_continue(&mut self, stmt: &impl Ranged, is_break: bool) -> Result<(), CompileError> {
        let word = if is_break { "break" } else { "continue" };
        let Some(open) = self.loops.last().map(|l| (l.start, l.counted, l.withs)) else {
            return Err(self.refuse(stmt, crate::said!("`{word}` outside a loop", "반복문 밖에 `{word}`가 있습니다")));
        };
        let (start, counted, withs) = open;
        if counted {
            return Err(self.refuse(
                stmt,
                crate::said!(
                    "`{word}` in a `for` loop is not supported yet; in a `while` loop it is",
                    "`for` 반복문 안의 `{word}`는 아직 지원하지 않습니다. `while` 반복문 안에서는 됩니다"
                ),
            ));
        }
        // Out of the `with` blocks inside the loop first, letting go of their locks.
        let inside: Vec<_> = self.withs[withs..].iter().rev().copied().collect();
        for object in inside {
            self.op(stmt, OpKind::Release { object });
        }
        if is_break {
            let at = self.ops_len();
            self.loops.last_mut().expect("checked").breaks.push(at);
            self.op(stmt, OpKind::Jump { to: LATER });
        } else {
            self.op(stmt, OpKind::Jump { to: start });
        }
        Ok(())
    }

    /// Operations that test `test` on `node`'s line and jump away when it is false: the
    /// places of those jumps, to be pointed where the code after the block starts.
    fn jumps_when_false(&mut self, node: &impl Ranged, test: &Expr) -> Result<Vec<usize>, CompileError> {
        if matches!(test, Expr::BooleanLiteral(b) if b.value) {
            return Ok(Vec::new());
        }
        // `if lock.acquire(blocking=False):` and `if not ...`: on what it answers.
        let (negated, inner) = match test {
            Expr::UnaryOp(u) if u.op == ast::UnaryOp::Not => (true, u.operand.as_ref()),
            other => (false, other),
        };
        // ... and `t.is_alive()`: 1 or 0 in a register, then a jump away when it is not so.
        let answer = match self.alive(node, inner)? {
            Some(reg) => Some(reg),
            None => self.acquired(node, inner)?,
        };
        // ... and a queue's `empty()` or `full()`.
        let answer = match answer {
            None if self.is_message_value(inner) && !matches!(inner, Expr::Compare(_)) => {
                let r = self.scratch(node)?;
                self.message_value(r, inner)?;
                Some(r)
            }
            answer => answer,
        };
        if let Some(reg) = answer {
            let at = self.ops_len();
            let cond = if negated { Cond::Ne(reg, 0) } else { Cond::Eq(reg, 0) };
            self.op(node, OpKind::JumpIf { cond, to: LATER });
            return Ok(vec![at]);
        }
        let unsupported = || {
            crate::said!(
                "a condition compares a number with a value known before the run, like `count < 10`, \
                 or the clock with a time, or asks `lock.acquire(...)`, so far",
                "조건은 아직 `count < 10`처럼 수를 실행 전에 알 수 있는 값과 비교하거나, \
                 시계를 시각과 비교하거나, `lock.acquire(...)`의 결과를 묻는 것만 지원합니다"
            )
        };
        let Expr::Compare(cmp) = test else { return Err(self.refuse(test, unsupported())) };
        let ([op], [left, right]) = (&cmp.ops[..], &cmp.operands[..]) else {
            return Err(self.refuse(test, unsupported()));
        };
        // `time.monotonic() < stop_at`: the clock in microseconds, against a time in seconds.
        let reading = match right {
            Expr::Name(n) if self.is_time(right) => self.local_reg(n.id.as_str()),
            _ => None,
        };
        let (reg, c) = if let (true, Some(deadline)) = (is_clock(self.m, left), reading) {
            // Against a time read while the run goes on: the clock minus it, against 0.
            let r = self.scratch(left)?;
            self.op(node, OpKind::Clock { reg: r });
            self.op(node, OpKind::Arith { reg: r, op: Arith::Sub, value: Operand::Reg(deadline) });
            (r, 0)
        } else if is_clock(self.m, left) {
            let Some(s) = self.seconds(right) else { return Err(self.refuse(right, unsupported())) };
            let r = self.scratch(left)?;
            self.op(node, OpKind::Clock { reg: r });
            (r, (s * 1e6).round() as i64)
        } else {
            let Some(c) = self.int(right) else { return Err(self.refuse(right, unsupported())) };
            let reg = match left {
                Expr::Name(name) => match (self.local_reg(name.id.as_str()), self.variable(name.id.as_str())) {
                    (Some(r), _) => r,
                    (None, Some(object)) => {
                        let r = self.scratch(name)?;
                        self.op(node, OpKind::Load { object, reg: r });
                        r
                    }
                    _ => {
                        let id = &name.id;
                        let message = crate::said!("`{id}` is not a number here", "여기서 `{id}`은(는) 수가 아닙니다");
                        return Err(self.refuse(name, message));
                    }
                },
                // `v.value < 10`, `q.get() == 0`, `x % 2 == 0`: computed first.
                other if self.computable(other) || self.shared_value_of(other).is_some() => {
                    let r = self.scratch(other)?;
                    self.evaluate_into(node, r, other)?;
                    r
                }
                _ => return Err(self.refuse(test, unsupported())),
            };
            (reg, c)
        };
        let next = c.checked_add(1).ok_or_else(|| self.refuse(right, crate::said!("too large", "값이 너무 큽니다")))?;
        // The engine's conditions are ==, != and <: a jump away on the negation where one
        // fits, else a jump over a jump away.
        let away = match op {
            CmpOp::Eq => Some(Cond::Ne(reg, c)),
            CmpOp::NotEq => Some(Cond::Eq(reg, c)),
            CmpOp::GtE => Some(Cond::Lt(reg, c)),
            CmpOp::Gt => Some(Cond::Lt(reg, next)),
            _ => None,
        };
        if let Some(cond) = away {
            let at = self.ops_len();
            self.op(node, OpKind::JumpIf { cond, to: LATER });
            return Ok(vec![at]);
        }
        let stay = match op {
            CmpOp::Lt => Cond::Lt(reg, c),
            CmpOp::LtE => Cond::Lt(reg, next),
            _ => return Err(self.refuse(test, unsupported())),
        };
        let body = self.here() + 2;
        self.op(node, OpKind::JumpIf { cond: stay, to: body });
        let at = self.ops_len();
        self.op(node, OpKind::Jump { to: LATER });
        Ok(vec![at])
    }
}
