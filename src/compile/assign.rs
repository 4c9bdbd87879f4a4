//! Assignments in a thread: `x = ...`, `x += c` and `x -= c`, to a local number (a
//! register) or to shared state (a read, then a write).

use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::Ranged;

use super::body::{Body, Local};
use super::expr::clock_offset;
use super::functions::called_function;
use super::scope::Global;
use super::syntax::{is_thread_maker, mentions_count, simple_assignments};
use super::threads::make_threads;
use super::CompileError;
use crate::engine::program::{Arith, ObjectId, OpKind, Operand, Reg};
use crate::i18n::Prose;
use crate::said;

/// Where a number to assign comes from.
enum Source {
    Known(i64),
    Local(Reg),
    Shared(ObjectId),
}

impl Body<'_, '_> {
    /// `x += c` and `x -= c`, on a local or on shared state (a read, then a write).
    pub(super) fn aug_assign(&mut self, aug: &ast::StmtAugAssign) -> Result<(), CompileError> {
        if self.list_store(aug, &aug.target, &aug.value, Some(aug.op))? {
            return Ok(());
        }
        let sign = match aug.op {
            ast::Operator::Add => 1,
            ast::Operator::Sub => -1,
            _ => 0,
        };
        let (c, clock) =
            (self.int(&aug.value), matches!(aug.target.as_ref(), Expr::Name(n) if self.clocks.contains(n.id.as_str())));
        let Some(c) = c.filter(|_| sign != 0) else {
            if clock {
                let message = said!(
                    "a time goes on by seconds known before the run, so far",
                    "시각에는 아직 실행 전에 알 수 있는 초만 더하거나 뺄 수 있습니다"
                );
                return Err(self.refuse(aug.value.as_ref(), message));
            }
            return self.aug_assign_computed(aug);
        };
        let value = c.checked_mul(sign).ok_or_else(|| self.refuse(aug.value.as_ref(), too_large()))?;
        let object = match aug.target.as_ref() {
            // `v.value += 1`: a locked read, then a locked write.
            target if self.shared_value_of(target).is_some() => self.shared_value_of(target).expect("checked"),
            Expr::Name(name) => {
                self.writable(name)?;
                if let Some(r) = self.local_reg(name.id.as_str()) {
                    // A time counts microseconds: `start -= 1` is a second.
                    let value = match self.clocks.contains(name.id.as_str()) {
                        true => value.checked_mul(1_000_000).ok_or_else(|| self.refuse(aug, too_large()))?,
                        false => value,
                    };
                    self.op(aug, OpKind::Add { reg: r, value });
                    return Ok(());
                }
                self.variable(name.id.as_str()).ok_or_else(|| self.refuse(name, neither_local_nor_shared(name)))?
            }
            _ => {
                let message = said!(
                    "only a name (or a Value's `.value`) may be updated with `+=` so far",
                    "`+=`로 갱신할 수 있는 것은 아직 이름(또는 Value의 `.value`)뿐입니다"
                );
                return Err(self.refuse(aug, message));
            }
        };
        let r = self.scratch(aug)?;
        self.op(aug, OpKind::Load { object, reg: r });
        self.op(aug, OpKind::Add { reg: r, value });
        self.op(aug, OpKind::Store { object, reg: r });
        Ok(())
    }

    /// `x += y`, `x *= 2`: a local or a module-level number updated by what is computed
    /// while the run goes on, as Python does it (`x` read first, then `y`).
    fn aug_assign_computed(&mut self, aug: &ast::StmtAugAssign) -> Result<(), CompileError> {
        let Some(op) = arith_of(aug.op) else {
            let op = aug.op.as_str();
            let message = said!(
                "`{op}=` is not supported yet: `+=`, `-=`, `*=`, `//=` and `%=` are",
                "`{op}=`은(는) 아직 지원하지 않습니다. 지원하는 것은 `+=`, `-=`, `*=`, `//=`, `%=`입니다"
            );
            return Err(self.refuse(aug, message));
        };
        let Expr::Name(name) = aug.target.as_ref() else {
            let message = said!(
                "only a name is updated by a computed amount so far",
                "계산한 양으로 갱신할 수 있는 것은 아직 이름뿐입니다"
            );
            return Err(self.refuse(aug, message));
        };
        self.writable(name)?;
        self.no_text_flow(&aug.value)?;
        let (r, shared) = match (self.local_reg(name.id.as_str()), self.variable(name.id.as_str())) {
            (Some(r), _) => (r, None),
            (None, Some(object)) => {
                let r = self.scratch(aug)?;
                self.op(aug, OpKind::Load { object, reg: r });
                (r, Some(object))
            }
            _ => return Err(self.refuse(name, neither_local_nor_shared(name))),
        };
        let free = self.used.max(r.0 + 1);
        let amount = match (self.int(&aug.value), aug.value.as_ref()) {
            (Some(c), _) => Operand::Const(c),
            (None, Expr::Name(n)) if self.local_reg(n.id.as_str()).is_some() => {
                Operand::Reg(self.local_reg(n.id.as_str()).expect("checked"))
            }
            (None, value) => {
                let beside = self.beside(aug, free, split_it())?;
                self.evaluate_at(aug, beside, value, free + 1)?;
                Operand::Reg(beside)
            }
        };
        self.op(aug, OpKind::Arith { reg: r, op, value: amount });
        if let Some(object) = shared {
            self.op(aug, OpKind::Store { object, reg: r });
        }
        Ok(())
    }

    /// `name = value`; `earlier` are the statements before it in its block.
    pub(super) fn assign(&mut self, assign: &ast::StmtAssign, earlier: &[Stmt]) -> Result<(), CompileError> {
        // A local that is a known value (see `take_constants`): nothing runs.
        if let Some(pairs) = simple_assignments(assign) {
            if !self.main && pairs.iter().all(|(name, _)| self.constants.contains(name.id.as_str())) {
                return Ok(());
            }
        }
        // `A, B = 1, 2` at module level: constants, declared in the first pass.
        if let [Expr::Tuple(names)] = assign.targets.as_slice() {
            let start = assign.range().start();
            let declared =
                |e: &Expr| matches!(e, Expr::Name(n) if self.m.declared_at.get(n.id.as_str()) == Some(&start));
            if self.main && names.elts.iter().all(declared) {
                return Ok(());
            }
        }
        if let [target] = assign.targets.as_slice() {
            if self.list_store(assign, target, &assign.value, None)? {
                return Ok(());
            }
        }
        if let ([target], Some(object)) =
            (assign.targets.as_slice(), assign.targets.first().and_then(|t| self.shared_value_of(t)))
        {
            self.no_text_flow(&assign.value)?;
            let r = self.scratch(target)?;
            self.evaluate_into(assign, r, &assign.value)?;
            self.op(assign, OpKind::Store { object, reg: r });
            return Ok(());
        }
        let [Expr::Name(target)] = assign.targets.as_slice() else {
            let message =
                said!("only `name = value` is supported so far", "대입은 아직 `name = value` 형태만 지원합니다");
            return Err(self.refuse(assign, message));
        };
        let value = assign.value.as_ref();
        if !self.main && is_thread_maker(value, &|f| self.m.makes_actors(f)) {
            let message = said!(
                "threads and processes are made by the main thread so far: at the module's top level, \
                 or in a `main()` without parameters called once there",
                "스레드와 프로세스는 아직 메인 스레드에서만 만들 수 있습니다: 모듈 최상위나, \
                 거기서 한 번 호출하는 매개변수 없는 `main()` 안에서 만들어야 합니다"
            );
            return Err(self.refuse(value, message));
        }
        if self.main && is_thread_maker(value, &|f| self.m.makes_actors(f)) {
            if self.nesting > 0 {
                let message = said!(
                    "threads are made at the module's top level so far, not in a loop or a branch",
                    "스레드는 아직 반복문이나 분기 안이 아닌 모듈 최상위에서만 만들 수 있습니다"
                );
                return Err(self.refuse(value, message));
            }
            let threads = make_threads(self.m, &self.params, value)?.ok_or_else(|| {
                let message = said!(
                    "threads are made by `threading.Thread(...)`, or a list of them by a comprehension \
                     over `range(N)` with N known before the run, so far",
                    "스레드는 아직 `threading.Thread(...)`로 만들거나, 실행 전에 N을 알 수 있는 \
                     `range(N)`에 대한 컴프리헨션으로 리스트를 만들어야 합니다"
                );
                self.refuse(value, message)
            })?;
            self.m.globals.insert(target.id.to_string(), Global::Threads(threads));
            return Ok(());
        }
        // `start = time.monotonic() + 2` at the top: the run's start, read before anything
        // else runs (a call, a GIL check point).
        if self.main
            && clock_offset(self.m, value).is_some()
            && matches!(self.m.globals.get(target.id.as_str()), Some(Global::Const(_)))
        {
            if self.ops_len() > 0 || self.nesting > 0 {
                let message = said!(
                    "a module-level `time.monotonic()` is read as the run's start: \
                     put it before anything else runs, so far",
                    "모듈 최상위의 `time.monotonic()`은 실행이 시작된 시각으로 읽힙니다: \
                     아직은 다른 무엇보다 먼저 실행되는 곳에 두어야 합니다"
                );
                return Err(self.refuse(value, message));
            }
            self.op(assign, OpKind::Call);
            return Ok(());
        }
        // The statement that gave a module-level name its first value runs no operation.
        if self.main && self.m.declared_at.get(target.id.as_str()) == Some(&assign.range().start()) {
            return Ok(());
        }
        self.writable(target)?;
        if self.variable(target.id.as_str()).is_some() {
            self.no_text_flow(value)?;
        }
        // A time is microseconds in its register: `t + 2` adds seconds, so it is computed
        // as a time, not as a number plus 2.
        let numbered = match self.is_timing(value) {
            true => Err(self.refuse(value, said!("a time", "시각"))),
            false => self.number(value),
        };
        let (source, plus) = match numbered {
            Ok(found) => found,
            // Anything else this compiler computes: into its own register, or a scratch
            // written to shared state after.
            Err(refused) => {
                if !self.computable(value) {
                    return Err(refused);
                }
                if let Some(object) = self.variable(target.id.as_str()) {
                    let r = self.scratch(assign)?;
                    self.evaluate_into(assign, r, value)?;
                    self.op(assign, OpKind::Store { object, reg: r });
                } else {
                    let r = self.new_local(target)?;
                    self.evaluate_into(assign, r, value)?;
                    // A reading of the clock (or one plus seconds): a time from now on.
                    if self.is_time(value) {
                        self.clocks.insert(target.id.to_string());
                    } else {
                        self.clocks.remove(target.id.as_str());
                    }
                    // What came through a queue or a pipe may be a text's code.
                    if self.is_message_value(value) && !self.m.texts.is_empty() {
                        self.maybe_texts.insert(target.id.to_string());
                    } else {
                        self.maybe_texts.remove(target.id.as_str());
                    }
                }
                return Ok(());
            }
        };
        if let Some(object) = self.variable(target.id.as_str()) {
            let r = match source {
                // `counter = value + 1` with `value` read from shared state just before and
                // used nowhere else: the local's own register is the scratch.
                Source::Local(r) if self.dead_after(value, earlier) => r,
                source => {
                    let r = self.scratch(assign)?;
                    self.load(assign, r, source);
                    r
                }
            };
            if plus != 0 {
                self.op(assign, OpKind::Add { reg: r, value: plus });
            }
            self.op(assign, OpKind::Store { object, reg: r });
            return Ok(());
        }
        let r = self.new_local(target)?;
        match source {
            Source::Local(from) if from == r => {}
            source => self.load(assign, r, source),
        }
        if plus != 0 {
            self.op(assign, OpKind::Add { reg: r, value: plus });
        }
        // A number now: no longer a time; what came through a queue if it is a copy of that.
        self.clocks.remove(target.id.as_str());
        if self.is_maybe_text(value) && plus == 0 {
            self.maybe_texts.insert(target.id.to_string());
        } else {
            self.maybe_texts.remove(target.id.as_str());
        }
        Ok(())
    }

    /// Whether `value` is a local that may hold a text's code.
    pub(super) fn is_maybe_text(&self, value: &Expr) -> bool {
        matches!(value, Expr::Name(n) if self.maybe_texts.contains(n.id.as_str()))
    }

    /// Refused when `value` may be a text's code and would go where the code would be
    /// taken for a number (a function, a list, shared state).
    pub(super) fn no_text_flow(&self, value: &Expr) -> Result<(), CompileError> {
        if self.is_maybe_text(value) || (!self.m.texts.is_empty() && self.is_message_value(value)) {
            let message = said!(
                "what comes through a queue or a pipe may be a text here: print it, compare it or send it on, so far",
                "큐나 파이프로 받은 값은 여기서 문자열일 수 있습니다: \
                 아직은 출력하거나 비교하거나 다시 보내는 것만 할 수 있습니다"
            );
            return Err(self.refuse(value, message));
        }
        Ok(())
    }

    /// Whether [`Body::evaluate_into`] takes `value`: a call of a `def`, or arithmetic.
    pub(super) fn computable(&self, value: &Expr) -> bool {
        called_function(self, value).is_some()
            || matches!(value, Expr::BinOp(b) if arith_of(b.op).is_some())
            || self.is_message_value(value)
            || self.is_timing(value)
            || self.is_list_read(value)
    }

    /// Computes `value` into register `r`: a number, a name, shared state, a call of a
    /// `def` (its `return`), or `a <op> b` with `+ - * // %`, left side first as in Python.
    pub(super) fn evaluate_into(&mut self, node: &impl Ranged, r: Reg, value: &Expr) -> Result<(), CompileError> {
        let free = self.used.max(r.0 + 1);
        self.evaluate_at(node, r, value, free)
    }

    /// [`Body::evaluate_into`], with registers from `free` on for the parts on the right.
    fn evaluate_at(&mut self, node: &impl Ranged, r: Reg, value: &Expr, free: u8) -> Result<(), CompileError> {
        if let (Some(f), Expr::Call(call)) = (called_function(self, value), value) {
            return self.call_function(call, f, Some(r), free);
        }
        if self.message_value(r, value)? || self.list_value(node, r, value, free)? {
            return Ok(());
        }
        if self.evaluate_time(node, r, value, free)? {
            return Ok(());
        }
        if let Ok((source, plus)) = self.number(value) {
            match source {
                Source::Local(from) if from == r => {}
                source => self.load(node, r, source),
            }
            if plus != 0 {
                self.op(node, OpKind::Add { reg: r, value: plus });
            }
            return Ok(());
        }
        let unsupported = || {
            said!(
                "a number, a name, a call of a function, or arithmetic with + - * // %, so far",
                "여기에는 아직 수, 이름, 함수 호출, 또는 + - * // % 산술만 쓸 수 있습니다"
            )
        };
        let Expr::BinOp(bin) = value else { return Err(self.refuse(value, unsupported())) };
        let Some(op) = arith_of(bin.op) else { return Err(self.refuse(bin, unsupported())) };
        let local = |body: &Self, e: &Expr| match e {
            Expr::Name(n) => body.local_reg(n.id.as_str()),
            _ => None,
        };
        // The left side goes into `r` first: the right must not read what it overwrites.
        let name_of_r = self.locals.iter().find(|(_, l)| matches!(l, Local::Reg(x) if *x == r)).map(|(n, _)| n.clone());
        if name_of_r.is_some_and(|n| local(self, &bin.left) != Some(r) && expr_mentions(&bin.right, &n)) {
            // `x = y - x`: computed beside, then copied.
            let beside = self.beside(bin, free, split_it())?;
            self.evaluate_at(node, beside, value, free + 1)?;
            self.load(node, r, Source::Local(beside));
            return Ok(());
        }
        self.evaluate_at(node, r, &bin.left, free)?;
        let right = match (self.int(&bin.right), local(self, &bin.right)) {
            (Some(v), _) => Operand::Const(v),
            (None, Some(reg)) => Operand::Reg(reg),
            (None, None) => {
                let beside = self.beside(bin, free, split_it())?;
                self.evaluate_at(node, beside, &bin.right, free + 1)?;
                Operand::Reg(beside)
            }
        };
        self.op(node, OpKind::Arith { reg: r, op, value: right });
        Ok(())
    }

    /// `value` as where its number comes from, plus a known amount: `5`, `x`, `counter`,
    /// `x + 1`, `counter - 2`.
    fn number(&self, value: &Expr) -> Result<(Source, i64), CompileError> {
        let unsupported = || {
            said!(
                "a number, a name, or a name plus or minus a number known before the run, so far",
                "여기에는 아직 수, 이름, 또는 이름에 실행 전에 알 수 있는 수를 더하거나 뺀 것만 쓸 수 있습니다"
            )
        };
        if let Some(v) = self.int(value) {
            return Ok((Source::Known(v), 0));
        }
        if let Some(object) = self.shared_value_of(value) {
            return Ok((Source::Shared(object), 0));
        }
        let (name, plus) = match value {
            Expr::Name(name) => (name, 0),
            Expr::BinOp(bin) => {
                let sign = match bin.op {
                    ast::Operator::Add => 1,
                    ast::Operator::Sub => -1,
                    _ => return Err(self.refuse(bin, unsupported())),
                };
                let (Expr::Name(name), Some(c)) = (bin.left.as_ref(), self.int(&bin.right)) else {
                    return Err(self.refuse(bin, unsupported()));
                };
                (name, c.checked_mul(sign).ok_or_else(|| self.refuse(bin, too_large()))?)
            }
            other => return Err(self.refuse(other, unsupported())),
        };
        if let Some(r) = self.local_reg(name.id.as_str()) {
            return Ok((Source::Local(r), plus));
        }
        match self.variable(name.id.as_str()) {
            Some(object) => Ok((Source::Shared(object), plus)),
            None => {
                let name_id = &name.id;
                let message = said!("`{name_id}` is not a number here", "`{name_id}`은(는) 여기서 수가 아닙니다");
                Err(self.refuse(name, message))
            }
        }
    }

    /// Puts `source`'s number in register `r`.
    fn load(&mut self, node: &impl Ranged, r: Reg, source: Source) {
        match source {
            Source::Known(v) => self.op(node, OpKind::Set { reg: r, value: v }),
            Source::Shared(object) => self.op(node, OpKind::Load { object, reg: r }),
            Source::Local(from) => {
                self.op(node, OpKind::Set { reg: r, value: 0 });
                self.op(node, OpKind::Arith { reg: r, op: Arith::Add, value: Operand::Reg(from) });
            }
        }
    }

    /// Whether the local `value` names (or begins with) was just read from shared state in
    /// this block and appears nowhere else in its function: its register may then change.
    fn dead_after(&self, value: &Expr, earlier: &[Stmt]) -> bool {
        let name = match value {
            Expr::Name(n) => n,
            Expr::BinOp(bin) => match bin.left.as_ref() {
                Expr::Name(n) => n,
                _ => return false,
            },
            _ => return false,
        };
        let name = name.id.as_str();
        let read_here = earlier.iter().any(|s| {
            matches!(s, Stmt::Assign(a) if matches!(a.targets.as_slice(), [Expr::Name(t)] if t.id.as_str() == name)
                && matches!(a.value.as_ref(), Expr::Name(src) if self.variable(src.id.as_str()).is_some()))
        });
        read_here && mentions_count(self.scope_body(), name) == 2
    }

    /// Refuses an assignment Python would not make as written here.
    fn writable(&self, name: &ast::ExprName) -> Result<(), CompileError> {
        let id = name.id.as_str();
        if self.params.iter().any(|(p, _)| p == id) {
            let message = said!(
                "assigning to the parameter `{id}` is not supported yet",
                "매개변수 `{id}`에 대입하는 것은 아직 지원하지 않습니다"
            );
            return Err(self.refuse(name, message));
        }
        let module_level = self.m.globals.contains_key(id) && self.local_reg(id).is_none();
        if !self.main && module_level && !self.declared.contains(id) {
            let message = said!(
                "`{id}` is assigned here, so Python needs `global {id}` first",
                "여기서 `{id}`에 대입하므로 Python에서는 먼저 `global {id}`이(가) 필요합니다"
            );
            return Err(self.refuse(name, message));
        }
        if self.main && matches!(self.m.globals.get(id), Some(Global::Const(_))) {
            let message = said!(
                "`{id}` is a constant holding text or a decimal; giving it a new value is not supported yet",
                "`{id}`은(는) 문자열이나 소수를 담은 상수입니다. 새 값을 대입하는 것은 아직 지원하지 않습니다"
            );
            return Err(self.refuse(name, message));
        }
        Ok(())
    }
}

/// Why arithmetic that needs a register past the thread's last is refused.
fn split_it() -> Prose {
    said!(
        "this arithmetic needs more registers than a thread has: split it",
        "이 산술에는 스레드가 가진 것보다 많은 레지스터가 필요합니다: 식을 나눠야 합니다"
    )
}

/// Why a number past what the engines hold is refused.
fn too_large() -> Prose {
    said!("too large", "값이 너무 큽니다")
}

/// Why updating `name`, which names no number the compiler can update, is refused.
fn neither_local_nor_shared(name: &ast::ExprName) -> Prose {
    let id = &name.id;
    said!("`{id}` is neither a local number nor shared state", "`{id}`은(는) 지역 숫자도 공유 상태도 아닙니다")
}

/// The engine's arithmetic for a Python operator, where it has one.
fn arith_of(op: ast::Operator) -> Option<Arith> {
    Some(match op {
        ast::Operator::Add => Arith::Add,
        ast::Operator::Sub => Arith::Sub,
        ast::Operator::Mult => Arith::Mul,
        ast::Operator::FloorDiv => Arith::FloorDiv,
        ast::Operator::Mod => Arith::Mod,
        _ => return None,
    })
}

/// Whether `expr` names `name` anywhere inside.
fn expr_mentions(expr: &Expr, name: &str) -> bool {
    let mut found = false;
    super::syntax::each_expr_in(expr, &mut |e| found |= matches!(e, Expr::Name(n) if n.id.as_str() == name));
    found
}
