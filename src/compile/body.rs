//! One thread's statements, lowered to its operations: the main thread's (the module's own
//! statements) or a function a thread runs. Locals live in the thread's registers.

use std::collections::{BTreeMap, BTreeSet};

use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::Ranged;

use super::expr::{range_of, truth_in, value_in};
use super::scope::{Global, Handle, Module, OpenLoop, OpenPool, Value};
use super::syntax::{assigned_names, declares_global, is_main_guard, not_supported, simple_assignments, stores_of};
use super::{line_of, refuse, CompileError};
use crate::engine::program::{ActorId, ObjectId, ObjectKind, Op, OpKind, Reg, Wait, REGISTERS};
use crate::i18n::Prose;

/// The most operations one thread may have.
pub(super) const MAX_OPS: usize = 200_000;

/// What a name means inside the body being compiled, besides the module's names.
#[derive(Clone, Debug)]
pub(super) enum Local {
    Reg(Reg),
    Threads(Vec<ActorId>),
    /// A pool's results: how many (`len` of them), or the handles of `apply_async` calls
    /// whose results come through the named queue (see [`super::pools`]).
    Results {
        count: u32,
        handles: Option<String>,
    },
}

pub(super) struct Body<'m, 'a> {
    pub(super) m: &'m mut Module<'a>,
    pub(super) ops: Vec<Op>,
    pub(super) locals: BTreeMap<String, Local>,
    /// Names this function declared `global`.
    pub(super) declared: BTreeSet<String>,
    /// Registers 0..used hold locals; the next is free for a statement's scratch.
    pub(super) used: u8,
    /// The module's own statements: names bound here are the module's.
    pub(super) main: bool,
    /// Where these operations start in the thread's list (a called function's body is
    /// compiled on its own, then put after the call), for a loop's jump back.
    pub(super) base: usize,
    /// The functions being compiled, outermost first: a call of one of them again is
    /// recursion, which is refused.
    pub(super) calling: Vec<usize>,
    /// Parameters, bound to the values the thread or the call gave.
    pub(super) params: Vec<(String, Value)>,
    /// The loops around the statement being compiled, innermost last.
    pub(super) loops: Vec<OpenLoop>,
    /// The locks held by the `with` blocks around the statement, innermost last: a `break`
    /// or `continue` lets go of those inside its loop first.
    pub(super) withs: Vec<ObjectId>,
    /// How many loops, branches and `with` blocks the statement is inside.
    pub(super) nesting: usize,
    /// A Thread subclass's `run`: `self.name` is the thread's name.
    pub(super) this: bool,
    /// Locals given a value known before the run once, and never again (`left, right = i,
    /// i + 1`): no register, no operation; their values are among the parameters.
    pub(super) constants: BTreeSet<String>,
    /// Parameters bound to shared objects (a lock, a queue, a pipe's end).
    pub(super) handles: BTreeMap<String, Handle>,
    /// Locals holding what came through a queue or a pipe, when the program sends texts:
    /// printed as the text whose code they hold, or as a number.
    pub(super) maybe_texts: BTreeSet<String>,
    /// Locals holding a reading of the clock (in microseconds since the run began).
    pub(super) clocks: BTreeSet<String>,
    /// Pools made and not yet shut down, by name.
    pub(super) pools: BTreeMap<String, OpenPool>,
    /// Where a `return`'s value goes: the register of the name the call assigns.
    pub(super) returns: Option<Reg>,
    /// The jumps of `return`s before the function's end, to be pointed at it.
    pub(super) return_jumps: Vec<usize>,
    /// Parameters given a whole number and assigned in the body: a register each, set to
    /// that number as the function starts.
    pub(super) entry_values: BTreeMap<String, i64>,
}

impl<'m, 'a> Body<'m, 'a> {
    pub fn main(m: &'m mut Module<'a>) -> Self {
        Body {
            m,
            ops: Vec::new(),
            locals: BTreeMap::new(),
            declared: BTreeSet::new(),
            used: 0,
            main: true,
            base: 0,
            calling: Vec::new(),
            params: Vec::new(),
            loops: Vec::new(),
            withs: Vec::new(),
            nesting: 0,
            this: false,
            constants: BTreeSet::new(),
            handles: BTreeMap::new(),
            pools: BTreeMap::new(),
            clocks: BTreeSet::new(),
            maybe_texts: BTreeSet::new(),
            returns: None,
            return_jumps: Vec::new(),
            entry_values: BTreeMap::new(),
        }
    }

    pub fn finish(self) -> Vec<Op> {
        self.ops
    }

    /// Gives each local of `stmts` (a name assigned and not global) its register before
    /// any statement is compiled (a loop's variable takes the next one where the loop is),
    /// so that a statement's scratch register, after them all,
    /// is never a local's.
    pub(super) fn take_registers(&mut self, stmts: &[Stmt]) -> Result<(), CompileError> {
        // A parameter the body changes (`while n > 0: n -= 1`) holding a whole number: a
        // register, set to the number as the function starts (before the constants are
        // found, so none is taken from its first value).
        for (name, value) in self.params.clone() {
            let (Value::Int(value), Some(first)) = (value, stmts.first()) else { continue };
            if !self.main && super::syntax::stores_of(stmts, &name) > 0 && !declares_global(stmts, &name) {
                self.params.retain(|(p, _)| *p != name);
                self.local_named(&name, first)?;
                self.entry_values.insert(name, value);
            }
        }
        if !self.main {
            self.take_constants(stmts);
        }
        let mut names: Vec<&ast::ExprName> = Vec::new();
        assigned_names(stmts, &|f| self.m.makes_actors(f), &mut names);
        for name in names {
            let id = name.id.as_str();
            let module_level = matches!(
                self.m.globals.get(id),
                Some(Global::Object(_) | Global::Const(_) | Global::Function(_) | Global::End(..))
            );
            let global = self.declared.contains(id) || (self.main && module_level) || declares_global(stmts, id);
            let param = self.params.iter().any(|(p, _)| p == id);
            if !global && !param && !self.constants.contains(id) {
                self.new_local(name)?;
            }
        }
        Ok(())
    }

    /// The function's locals that are given a value known before the run once, at its top
    /// level, and never again: they become known values, as parameters are.
    fn take_constants(&mut self, stmts: &[Stmt]) {
        for stmt in stmts {
            let Stmt::Assign(assign) = stmt else { continue };
            let Some(pairs) = simple_assignments(assign) else { continue };
            let found: Vec<(String, Value)> = pairs
                .iter()
                .filter(|(name, _)| {
                    let id = name.id.as_str();
                    // A parameter given a value is refused where it is assigned.
                    !self.params.iter().any(|(p, _)| p == id)
                        && stores_of(stmts, id) == 1
                        && !declares_global(stmts, id)
                })
                .filter_map(|(name, value)| Some((name.id.to_string(), value_in(self.m, &self.params, value)?)))
                .collect();
            if found.len() == pairs.len() {
                self.constants.extend(found.iter().map(|(n, _)| n.clone()));
                self.params.extend(found);
            }
        }
    }

    /// The statements of the function being compiled, or the module's.
    pub(super) fn scope_body(&self) -> &[Stmt] {
        match self.calling.last() {
            Some(f) => &self.m.functions[*f].body,
            None => self.m.body,
        }
    }

    /// Where the next operation goes in the thread's list.
    /// Drops the operations made from `at` (a place as [`Body::here`] gives it) on.
    pub(super) fn truncate_ops(&mut self, at: usize) {
        self.ops.truncate(at - self.base);
    }

    pub(super) fn here(&self) -> usize {
        self.base + self.ops.len()
    }

    pub(super) fn ops_len(&self) -> usize {
        self.ops.len()
    }

    /// Points the jump at `at` (in this body's operations) to `to`.
    pub(super) fn point(&mut self, at: usize, to: usize) {
        match &mut self.ops[at].kind {
            OpKind::Jump { to: target } | OpKind::JumpIf { to: target, .. } => *target = to,
            other => unreachable!("not a jump: {other:?}"),
        }
    }

    /// A whole number known before the run, parameters included.
    pub(super) fn int(&self, expr: &Expr) -> Option<i64> {
        match self.known(expr)? {
            Value::Int(v) => Some(v),
            _ => None,
        }
    }

    /// A value known before the run; not one that names a local, whose value is the
    /// run's (a local may shadow a module constant or a parameter).
    pub(super) fn known(&self, expr: &Expr) -> Option<Value> {
        // `len(results)` of a pool's results: how many tasks it ran.
        if let Expr::Call(call) = expr {
            if let (Expr::Name(f), [Expr::Name(arg)]) = (call.func.as_ref(), &call.arguments.args[..]) {
                if let (Some(Local::Results { count, handles: None }), "len") =
                    (self.locals.get(arg.id.as_str()), f.id.as_str())
                {
                    return Some(Value::Int(i64::from(*count)));
                }
            }
        }
        if self.names_a_local(expr) {
            return None;
        }
        value_in(self.m, &self.params, expr)
    }

    /// Whether `expr` names a local of this body: its value is the run's, whatever a
    /// module constant or parameter of that name holds.
    pub(super) fn names_a_local(&self, expr: &Expr) -> bool {
        let mut found = false;
        super::syntax::each_expr_in(expr, &mut |e| {
            found |= matches!(e, Expr::Name(n) if self.locals.contains_key(n.id.as_str()));
        });
        found
    }

    /// `range(...)` known before the run: its start and length.
    pub(super) fn range(&self, expr: &Expr) -> Option<(i64, u64)> {
        (!self.names_a_local(expr)).then(|| range_of(self.m, &self.params, expr)).flatten()
    }

    /// Seconds (or any number) known before the run.
    pub(super) fn seconds(&self, expr: &Expr) -> Option<f64> {
        self.known(expr)?.number()
    }

    pub fn block(&mut self, stmts: &[Stmt]) -> Result<(), CompileError> {
        for (i, stmt) in stmts.iter().enumerate() {
            let guard = matches!(stmt, Stmt::If(i) if self.main && is_main_guard(&i.test));
            let compound = matches!(stmt, Stmt::For(_) | Stmt::While(_) | Stmt::With(_) | Stmt::If(_)) && !guard;
            self.nesting += usize::from(compound);
            let done = match stmt {
                Stmt::Return(ret) => self.return_stmt(ret, i + 1 == stmts.len() && self.nesting == 0),
                // A pool, made for the batch found after it; the batch, handed out.
                other if self.main && self.pool_statement(other, &stmts[i + 1..])? => Ok(()),
                other if !self.pools.is_empty() && self.pool_batch(other)? => Ok(()),
                other => self.stmt(other, &stmts[..i]),
            };
            self.nesting -= usize::from(compound);
            done?;
        }
        Ok(())
    }

    /// Operations made elsewhere (a pool's parts), with their own lines and no jumps.
    pub(super) fn extend(&mut self, ops: Vec<Op>) {
        self.ops.extend(ops);
    }

    pub(super) fn op(&mut self, node: &impl Ranged, kind: OpKind) {
        let line = line_of(self.m.source, node);
        self.ops.push(Op { kind, line });
    }

    pub(super) fn refuse(&self, node: &impl Ranged, message: impl Into<Prose>) -> CompileError {
        refuse(self.m.source, node, message)
    }

    fn stmt(&mut self, stmt: &Stmt, earlier: &[Stmt]) -> Result<(), CompileError> {
        match stmt {
            Stmt::Pass(_) => Ok(()),
            // Declared in the module's first pass; nothing runs for them.
            Stmt::Import(_) | Stmt::ImportFrom(_) | Stmt::FunctionDef(_) | Stmt::ClassDef(_) if self.main => Ok(()),
            Stmt::Global(global) => {
                self.declared.extend(global.names.iter().map(|n| n.to_string()));
                Ok(())
            }
            // A docstring, or any string on a line of its own: nothing runs.
            Stmt::Expr(expr) if matches!(expr.value.as_ref(), Expr::StringLiteral(_)) => Ok(()),
            Stmt::Expr(expr) => self.expr_stmt(&expr.value),
            Stmt::AugAssign(aug) => self.aug_assign(aug),
            Stmt::Assign(assign) => self.assign(assign, earlier),
            Stmt::For(for_) => self.for_loop(for_),
            Stmt::With(with) => self.with_lock(with),
            Stmt::While(w) => self.while_loop(w, earlier),
            Stmt::Break(b) => self.break_or_continue(b, true),
            Stmt::Continue(c) => self.break_or_continue(c, false),
            Stmt::If(if_) if self.main && is_main_guard(&if_.test) && if_.elif_else_clauses.is_empty() => {
                self.block(&if_.body)
            }
            Stmt::If(if_) => self.if_chain(if_),
            other => Err(self.refuse(other, not_supported(other))),
        }
    }

    /// The shared object `name` means here (a module-level one, or a parameter's).
    pub(super) fn shared(&self, name: &str) -> Option<ObjectId> {
        match self.handle(name)? {
            Handle::Object(id) => Some(id),
            Handle::End(..) => None,
        }
    }

    /// The module-level variable `name` means here: shared between threads, each
    /// process's own copy.
    pub(super) fn variable(&self, name: &str) -> Option<ObjectId> {
        self.shared(name).filter(|id| matches!(self.m.objects[id.0 as usize].kind, ObjectKind::Var { .. }))
    }

    /// The shared object or pipe end `name` means here.
    pub(super) fn handle(&self, name: &str) -> Option<Handle> {
        if self.locals.contains_key(name) || self.params.iter().any(|(p, _)| p == name) {
            return None;
        }
        if let Some(handle) = self.handles.get(name) {
            return Some(*handle);
        }
        match self.m.globals.get(name) {
            Some(Global::Object(id)) => Some(Handle::Object(*id)),
            Some(Global::End(id, end)) => Some(Handle::End(*id, *end)),
            _ => None,
        }
    }

    pub(super) fn local_reg(&self, name: &str) -> Option<Reg> {
        match self.locals.get(name) {
            Some(Local::Reg(r)) => Some(*r),
            _ => None,
        }
    }

    /// The register after the locals': a statement's scratch.
    pub(super) fn scratch(&self, node: &impl Ranged) -> Result<Reg, CompileError> {
        self.register(node, self.used)
    }

    /// Register `at`, refused past the thread's last one.
    pub(super) fn register(&self, node: &impl Ranged, at: u8) -> Result<Reg, CompileError> {
        if usize::from(at) >= REGISTERS {
            return Err(self.refuse(
                node,
                crate::said!(
                    "a thread may have at most {REGISTERS} local numbers so far",
                    "스레드 하나에는 아직 지역 숫자를 최대 {REGISTERS}개까지만 둘 수 있습니다"
                ),
            ));
        }
        Ok(Reg(at))
    }

    /// Register `at` for a part of an expression computed beside the rest, refused past
    /// the thread's last one with `message`.
    pub(super) fn beside(&self, node: &impl Ranged, at: u8, message: impl Into<Prose>) -> Result<Reg, CompileError> {
        if usize::from(at) >= REGISTERS {
            return Err(self.refuse(node, message));
        }
        Ok(Reg(at))
    }

    /// The refusal of an expression whose parts need more registers than a thread has.
    pub(super) fn too_few_registers() -> Prose {
        crate::said!(
            "this needs more registers than a thread has: split it",
            "여기에는 스레드가 가진 것보다 많은 레지스터가 필요합니다. 여러 줄로 나누세요"
        )
    }

    /// The threads (or processes) `name` stands for here, if it names them.
    pub(super) fn threads_named(&self, name: &str) -> Option<Vec<ActorId>> {
        match (self.locals.get(name), self.m.globals.get(name)) {
            (Some(Local::Threads(t)), _) | (None, Some(Global::Threads(t))) => Some(t.clone()),
            _ => None,
        }
    }

    pub(super) fn new_local(&mut self, name: &ast::ExprName) -> Result<Reg, CompileError> {
        self.local_named(name.id.as_str(), name)
    }

    /// The register of the local `id`, given the next one if it has none (refused at
    /// `node` past the thread's last).
    fn local_named(&mut self, id: &str, node: &impl Ranged) -> Result<Reg, CompileError> {
        if let Some(r) = self.local_reg(id) {
            return Ok(r);
        }
        let r = self.scratch(node)?;
        self.used += 1;
        self.locals.insert(id.to_string(), Local::Reg(r));
        Ok(r)
    }

    /// `with lock:` takes the lock on its line, and lets go of it there when the block ends.
    fn with_lock(&mut self, with: &ast::StmtWith) -> Result<(), CompileError> {
        let [item] = with.items.as_slice() else {
            return Err(self.refuse(
                with,
                crate::said!(
                    "one lock per `with` is supported so far",
                    "`with` 문 하나에는 아직 락을 하나만 쓸 수 있습니다"
                ),
            ));
        };
        let object = self.object_of(&item.context_expr)?.filter(|id| self.is_lock(*id));
        let (Some(object), None) = (object, &item.optional_vars) else {
            return Err(self.refuse(
                item,
                crate::said!(
                    "`with` works on a lock or a semaphore (`with lock:`) so far",
                    "`with` 문은 아직 락이나 세마포어에만 쓸 수 있습니다(`with lock:`)"
                ),
            ));
        };
        self.op(with, OpKind::Acquire { object, wait: Wait::Forever, result: None });
        self.withs.push(object);
        let body = self.block(&with.body);
        self.withs.pop();
        body?;
        self.op(with, OpKind::Release { object });
        Ok(())
    }

    /// A call on a line of its own.
    fn expr_stmt(&mut self, expr: &Expr) -> Result<(), CompileError> {
        // `a() if test else b()` with the test known before the run: the call it picks.
        if let Expr::If(pick) = expr {
            let Some(truth) = truth_in(self.m, &self.params, &pick.test).filter(|_| !self.names_a_local(&pick.test))
            else {
                let message = crate::said!(
                    "a test known before the run, so far",
                    "아직은 실행 전에 알 수 있는 조건만 지원합니다"
                );
                return Err(self.refuse(pick.test.as_ref(), message));
            };
            return self.expr_stmt(if truth { &pick.body } else { &pick.orelse });
        }
        let Expr::Call(call) = expr else {
            let message =
                crate::said!("a line that is only an expression must be a call", "식만 있는 줄은 호출이어야 합니다");
            return Err(self.refuse(expr, message));
        };
        if self.start_method_call(expr)? || self.switch_interval_call(call)? {
            return Ok(());
        }
        match call.func.as_ref() {
            Expr::Name(name) if name.id.as_str() == "print" && !self.locals.contains_key("print") => self.print(call),
            Expr::Name(name) => match self.m.globals.get(name.id.as_str()) {
                Some(Global::Function(f)) => {
                    let f = *f;
                    self.call_function(call, f, None, self.used)
                }
                _ => {
                    let id = &name.id;
                    Err(self.refuse(
                        name,
                        crate::said!("`{id}()` is not supported yet", "`{id}()`은(는) 아직 지원하지 않습니다"),
                    ))
                }
            },
            Expr::Attribute(_) if self.message_call(expr)? || self.pool_call(call)? || self.list_call(expr)? => Ok(()),
            Expr::Attribute(attr) => self.method_call(call, attr),
            other => {
                Err(self
                    .refuse(other, crate::said!("this call is not supported yet", "이 호출은 아직 지원하지 않습니다")))
            }
        }
    }
}
