//! The clock read while the program runs: `start = time.perf_counter()` (or `monotonic()`)
//! into a local, then `(time.perf_counter() - start) * 1000` in milliseconds or `* 1e6` in
//! microseconds, rounded by `round()` or cut by `int()`. A register holds a reading in
//! microseconds since the run began, so a time is exact to the microsecond the engines
//! count in. A module-level reading that is only compared with the clock stays the run's
//! start (see [`super::expr::clock_offset`]).

use ruff_python_ast::{self as ast, Expr, Operator};
use ruff_text_size::Ranged;

use super::body::Body;
use super::expr::is_clock;
use super::CompileError;
use crate::engine::program::{Arith, OpKind, Operand, Reg};

/// Seconds to the engines' microseconds.
const MICROS: f64 = 1e6;

impl Body<'_, '_> {
    /// Whether `expr` is a time in seconds: the clock, a local holding a reading, or one
    /// of them plus or minus seconds or another time.
    pub(super) fn is_time(&self, expr: &Expr) -> bool {
        match expr {
            Expr::Name(n) => self.clocks.contains(n.id.as_str()) && self.local_reg(n.id.as_str()).is_some(),
            Expr::BinOp(bin) if matches!(bin.op, Operator::Add | Operator::Sub) => self.is_time(&bin.left),
            other => is_clock(self.m, other),
        }
    }

    /// Whether [`Body::evaluate_time`] takes `expr`.
    pub(super) fn is_timing(&self, expr: &Expr) -> bool {
        self.is_time(expr)
            || self.scaled(expr).is_some()
            || rounded(expr).is_some_and(|(_, inner)| self.scaled(inner).is_some())
    }

    /// `time * 1000` or `time * 1e6`: the time and its scale.
    fn scaled<'e>(&self, expr: &'e Expr) -> Option<(&'e Expr, f64)> {
        let Expr::BinOp(bin) = expr else { return None };
        if bin.op != Operator::Mult || !self.is_time(&bin.left) {
            return None;
        }
        Some((&bin.left, self.seconds(&bin.right)?))
    }

    /// A time or a scaled time into register `r`; `Ok(false)` when `expr` is neither.
    pub(super) fn evaluate_time(
        &mut self,
        node: &impl Ranged,
        r: Reg,
        expr: &Expr,
        free: u8,
    ) -> Result<bool, CompileError> {
        if let Some((round, inner)) = rounded(expr) {
            if let Some((time, scale)) = self.scaled(inner) {
                self.scale(node, r, time, scale, round, free)?;
                return Ok(true);
            }
            if self.is_time(inner) {
                let message = crate::said!(
                    "a time in seconds is a decimal, which registers do not hold: \
                     round it in ms, `round((time.perf_counter() - start) * 1000)`",
                    "초 단위 시간은 소수인데, 레지스터는 소수를 담지 못합니다. \
                     `round((time.perf_counter() - start) * 1000)`처럼 ms 단위로 반올림하세요"
                );
                return Err(self.refuse(inner, message));
            }
            return Ok(false);
        }
        if let Some((time, scale)) = self.scaled(expr) {
            self.scale(node, r, time, scale, false, free)?;
            return Ok(true);
        }
        if !self.is_time(expr) {
            return Ok(false);
        }
        if is_clock(self.m, expr) {
            self.op(node, OpKind::Clock { reg: r });
            return Ok(true);
        }
        match expr {
            Expr::Name(n) => {
                let from = self.local_reg(n.id.as_str()).expect("a time local");
                if from != r {
                    self.op(node, OpKind::Set { reg: r, value: 0 });
                    self.op(node, OpKind::Arith { reg: r, op: Arith::Add, value: Operand::Reg(from) });
                }
            }
            Expr::BinOp(bin) => {
                let op = if bin.op == Operator::Add { Arith::Add } else { Arith::Sub };
                let right_local = match bin.right.as_ref() {
                    Expr::Name(n) if self.is_time(&bin.right) => self.local_reg(n.id.as_str()),
                    _ => None,
                };
                if right_local == Some(r) {
                    let message = crate::said!(
                        "write this in two steps: the name is read after it is overwritten",
                        "두 단계로 나누어 쓰세요: 이 이름은 값이 덮어쓰인 뒤에 읽힙니다"
                    );
                    return Err(self.refuse(bin, message));
                }
                self.evaluate_time(node, r, &bin.left, free)?;
                if let Some(from) = right_local {
                    self.op(node, OpKind::Arith { reg: r, op, value: Operand::Reg(from) });
                } else if self.is_time(&bin.right) {
                    let beside = self.beside(bin, free, Self::too_few_registers())?;
                    self.evaluate_time(node, beside, &bin.right, free + 1)?;
                    self.op(node, OpKind::Arith { reg: r, op, value: Operand::Reg(beside) });
                } else {
                    let seconds = self.seconds(&bin.right).ok_or_else(|| {
                        self.refuse(
                            bin.right.as_ref(),
                            crate::said!(
                                "a time plus or minus seconds known before the run, or another time",
                                "시각에는 실행 전에 알 수 있는 초나 다른 시각만 더하거나 뺄 수 있습니다"
                            ),
                        )
                    })?;
                    let micros = (seconds * MICROS).round() as i64;
                    self.op(node, OpKind::Add { reg: r, value: if op == Arith::Add { micros } else { -micros } });
                }
            }
            _ => unreachable!("is_time said so"),
        }
        Ok(true)
    }

    /// `time * scale` in whole units (ms for 1000, µs for 1e6), rounded to the nearest when
    /// `round`, else floored (as `int()` cuts a duration, which is never negative).
    fn scale(
        &mut self,
        node: &impl Ranged,
        r: Reg,
        time: &Expr,
        scale: f64,
        round: bool,
        free: u8,
    ) -> Result<(), CompileError> {
        let per_unit = match scale {
            1e6 => 1,
            1e3 => 1000,
            _ => {
                let message = crate::said!(
                    "a time is counted in ms (`* 1000`) or µs (`* 1e6`) so far",
                    "시간은 아직 ms(`* 1000`)나 µs(`* 1e6`) 단위로만 셀 수 있습니다"
                );
                return Err(self.refuse(node, message));
            }
        };
        self.evaluate_time(node, r, time, free)?;
        if per_unit > 1 {
            if round {
                self.op(node, OpKind::Add { reg: r, value: per_unit / 2 });
            }
            self.op(node, OpKind::Arith { reg: r, op: Arith::FloorDiv, value: Operand::Const(per_unit) });
        }
        Ok(())
    }
}

/// `round(x)` (true) or `int(x)` (false), and x.
fn rounded(expr: &Expr) -> Option<(bool, &Expr)> {
    let Expr::Call(call) = expr else { return None };
    let Expr::Name(f) = call.func.as_ref() else { return None };
    let ([inner], true) = (&call.arguments.args[..], call.arguments.keywords.is_empty()) else { return None };
    match f.id.as_str() {
        "round" => Some((true, inner)),
        "int" => Some((false, inner)),
        _ => None,
    }
}

/// Whether the module reads `name` against the clock (`time.perf_counter() - name`), or
/// hands it to a function of its own that does (`ms(start)` with `def ms(since):`): a
/// reading kept in a register, not the run's start.
pub(super) fn read_against_clock(stmts: &[ast::Stmt], name: &str) -> bool {
    read_against_clock_within(stmts, stmts, name, 0)
}

/// [`read_against_clock`] in `stmts`, with the module's functions in `module`, through at
/// most a few calls (a function that calls itself is refused anyway).
fn read_against_clock_within(module: &[ast::Stmt], stmts: &[ast::Stmt], name: &str, depth: usize) -> bool {
    let defs: Vec<&ast::StmtFunctionDef> = module
        .iter()
        .filter_map(|s| match s {
            ast::Stmt::FunctionDef(def) => Some(def),
            _ => None,
        })
        .collect();
    let is_name = |e: &Expr| matches!(e, Expr::Name(n) if n.id.as_str() == name);
    let mut found = false;
    super::syntax::each_expr(stmts, true, &mut |e| match e {
        Expr::BinOp(bin) => {
            let clock = super::syntax::is_bare_call(&bin.left, "time", "perf_counter")
                || super::syntax::is_bare_call(&bin.left, "time", "monotonic");
            found |= bin.op == Operator::Sub && clock && is_name(&bin.right);
        }
        Expr::Call(call) => {
            let Expr::Name(f) = call.func.as_ref() else { return };
            let Some(def) = defs.iter().find(|d| d.name.as_str() == f.id.as_str()) else { return };
            for (arg, param) in call.arguments.args.iter().zip(&def.parameters.args) {
                let param = param.parameter.name.as_str();
                found |= is_name(arg) && depth < 4 && read_against_clock_within(module, &def.body, param, depth + 1);
            }
        }
        _ => {}
    });
    found
}
