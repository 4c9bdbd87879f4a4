//! A `while` loop that counts: `while n > 0:` whose body steps `n` by a constant once a
//! pass, with `n` known as the loop starts and nothing else changing it or leaving the loop
//! early. How many passes it makes is known before the run, so it becomes a counted loop as
//! a `for` is (which the engines run in batches, where a loop of jumps would take every
//! pass one by one), its test each pass charged as the work it is in CPython.

use ruff_python_ast::{self as ast, CmpOp, Expr, Operator, Stmt};

use super::body::Body;
use super::scope::OpenLoop;
use super::syntax::{any_stmt, simple_assignments, stores_of};
use super::CompileError;
use crate::engine::costs::WHILE_TEST_UNITS;
use crate::engine::program::OpKind;

/// What a counting loop's test asks of its variable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Test {
    /// `n > k` (and `n >= k + 1`).
    Above(i128),
    /// `n < k` (and `n <= k - 1`).
    Below(i128),
    /// `n != k`, and `while n:` for `n != 0`.
    Not(i128),
}

impl Test {
    /// How many passes a loop makes from `start`, stepping by `step` each pass; `None` if
    /// it never ends.
    fn passes(self, start: i128, step: i128) -> Option<u64> {
        let passes = match self {
            Test::Above(k) if start <= k => 0,
            Test::Above(_) if step >= 0 => return None,
            Test::Above(k) => (start - k + (-step) - 1) / -step,
            Test::Below(k) if start >= k => 0,
            Test::Below(_) if step <= 0 => return None,
            Test::Below(k) => (k - start + step - 1) / step,
            Test::Not(k) if start == k => 0,
            Test::Not(k) if (k - start) % step == 0 && (k - start) / step > 0 => (k - start) / step,
            Test::Not(_) => return None,
        };
        u64::try_from(passes).ok()
    }
}

impl Body<'_, '_> {
    /// `w` as a counted loop, if it is one (`Ok(false)` if not: it runs as jumps).
    /// `earlier` are the statements before it in its block.
    pub(super) fn counted_while(&mut self, w: &ast::StmtWhile, earlier: &[Stmt]) -> Result<bool, CompileError> {
        let Some((name, test)) = self.counting_test(&w.test) else { return Ok(false) };
        if self.local_reg(name).is_none() || self.clocks.contains(name) || leaves_early(&w.body) {
            return Ok(false);
        }
        let (Some(step), Some(start)) = (self.step_of(&w.body, name), self.entry_value(name, earlier)) else {
            return Ok(false);
        };
        let Some(passes) = test.passes(i128::from(start), i128::from(step)) else { return Ok(false) };
        let test_work = OpKind::Compute { units: WHILE_TEST_UNITS };
        let start = self.here();
        self.op(w, test_work.clone());
        self.loops.push(OpenLoop::counted(start, self.withs.len()));
        let body = self.block(&w.body);
        self.loops.pop();
        body?;
        match passes {
            // Compiled all the same, so what it cannot run is refused whatever the start.
            0 => self.truncate_ops(start),
            _ => self.op(w, OpKind::Loop { to: start, times: passes }),
        }
        // The test that ends it.
        self.op(w, test_work);
        Ok(true)
    }

    /// `n > 3`, `n <= k` with `k` known, `0 < n`, `n != 0` or `n`: the name and the test.
    fn counting_test<'e>(&self, test: &'e Expr) -> Option<(&'e str, Test)> {
        if let Expr::Name(n) = test {
            return Some((n.id.as_str(), Test::Not(0)));
        }
        let Expr::Compare(cmp) = test else { return None };
        let ([op], [left, right]) = (&cmp.ops[..], &cmp.operands[..]) else { return None };
        // `0 < n` is `n > 0`.
        let (name, k, op) = match (left, right) {
            (Expr::Name(n), k) => (n, self.int(k)?, *op),
            (k, Expr::Name(n)) => {
                let flipped = match op {
                    CmpOp::Lt => CmpOp::Gt,
                    CmpOp::LtE => CmpOp::GtE,
                    CmpOp::Gt => CmpOp::Lt,
                    CmpOp::GtE => CmpOp::LtE,
                    other => *other,
                };
                (n, self.int(k)?, flipped)
            }
            _ => return None,
        };
        let k = i128::from(k);
        let test = match op {
            CmpOp::Gt => Test::Above(k),
            CmpOp::GtE => Test::Above(k - 1),
            CmpOp::Lt => Test::Below(k),
            CmpOp::LtE => Test::Below(k + 1),
            CmpOp::NotEq => Test::Not(k),
            _ => return None,
        };
        Some((name.id.as_str(), test))
    }

    /// The constant `body` adds to `name` each pass: its one assignment to `name`, at the
    /// body's top level, `n -= 1`, `n += 2` or `n = n - 1`.
    fn step_of(&self, body: &[Stmt], name: &str) -> Option<i64> {
        if stores_of(body, name) != 1 {
            return None;
        }
        let is_name = |e: &Expr| matches!(e, Expr::Name(n) if n.id.as_str() == name);
        let step = body.iter().find_map(|stmt| match stmt {
            Stmt::AugAssign(aug) if is_name(&aug.target) => Some((aug.op, aug.value.as_ref())),
            Stmt::Assign(assign) => match (assign.targets.as_slice(), assign.value.as_ref()) {
                ([target], Expr::BinOp(bin)) if is_name(target) && is_name(&bin.left) => {
                    Some((bin.op, bin.right.as_ref()))
                }
                _ => None,
            },
            _ => None,
        })?;
        let c = self.int(step.1)?;
        match step.0 {
            Operator::Add if c != 0 => Some(c),
            Operator::Sub if c != 0 => c.checked_neg(),
            _ => None,
        }
    }

    /// `name`'s value as the loop starts, known before the run: the last assignment to it
    /// before the loop in its block gives it a known number, or (with none at a function's
    /// top level) the number its parameter was given.
    fn entry_value(&self, name: &str, earlier: &[Stmt]) -> Option<i64> {
        let last = earlier.iter().rev().find(|s| stores_of(std::slice::from_ref(*s), name) > 0);
        match last {
            Some(Stmt::Assign(assign)) => {
                let pairs = simple_assignments(assign)?;
                let (_, value) = pairs.iter().find(|(n, _)| n.id.as_str() == name)?;
                self.int(value)
            }
            Some(_) => None,
            None if !self.main && self.nesting == 1 => self.entry_values.get(name).copied(),
            None => None,
        }
    }
}

/// Whether a `break`, `continue` or `return` may leave `body` before its last statement.
fn leaves_early(body: &[Stmt]) -> bool {
    any_stmt(body, &|s| matches!(s, Stmt::Break(_) | Stmt::Continue(_) | Stmt::Return(_)))
}
