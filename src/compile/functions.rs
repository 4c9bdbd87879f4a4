//! Functions: a `def` run as a thread's or a process's target, or called from one (its
//! body put inline after the call, a GIL check point), its parameters bound to known
//! values, and `return` giving the caller's name its value.

use ruff_python_ast::{self as ast, Expr, Stmt};

use super::body::{Body, Local};
use super::control::LATER;
use super::expr::{value_in, CURRENT_THREAD};
use super::scope::{Arg, Handle, Module, Value};
use super::syntax::python_raises;
use super::{refuse, CompileError};
use crate::engine::program::{Arith, ObjectKind, Op, OpKind, Operand, Reg};

impl<'m, 'a> Body<'m, 'a> {
    /// The operations of function `f` run as a thread's (or a process's) target, with
    /// `args` by position and `named` by name (`kwargs=`), given where `made` (a mismatch
    /// is reported there).
    pub fn thread(
        m: &'m mut Module<'a>,
        f: usize,
        args: &[Arg],
        named: &[(String, Arg)],
        made: &impl ruff_text_size::Ranged,
    ) -> Result<Vec<Op>, CompileError> {
        let bound = parameters(m, f, args, named, made)?;
        let (mut params, mut handles) = (Vec::new(), Vec::new());
        for (name, arg) in bound {
            match arg {
                Arg::Known(value) => params.push((name, value)),
                Arg::Handle(handle) => handles.push((name, handle)),
                Arg::Local(_) => unreachable!("a thread's arguments are known before the run"),
            }
        }
        Body::def_body(m, f, params, Frame { handles, ..Frame::default() }, false)
    }

    /// The operations of a Thread subclass's `run` (function `f`), its `self` holding
    /// `attributes` (`self.NAME` and their values).
    pub fn run_method(
        m: &'m mut Module<'a>,
        f: usize,
        attributes: Vec<(String, Value)>,
    ) -> Result<Vec<Op>, CompileError> {
        Body::def_body(m, f, attributes, Frame::default(), true)
    }

    /// Function `f` as a pool's task or callback: its parameters in `locals`' registers, its
    /// own locals from register `used` on, its `return` into `returns`.
    pub(super) fn task(
        m: &'m mut Module<'a>,
        f: usize,
        locals: Vec<(String, Reg)>,
        used: u8,
        returns: Option<Reg>,
    ) -> Result<Vec<Op>, CompileError> {
        Body::def_body(m, f, Vec::new(), Frame { used, returns, locals, ..Frame::default() }, false)
    }

    /// The body of `def` number `f` compiled with `params` bound (and the thread's name,
    /// when it is known) in `frame`; `this`: a Thread subclass's `run`.
    fn def_body(
        m: &'m mut Module<'a>,
        f: usize,
        mut params: Vec<(String, Value)>,
        frame: Frame,
        this: bool,
    ) -> Result<Vec<Op>, CompileError> {
        let def = m.functions[f];
        if let Some(name) = &m.current_thread {
            params.push((CURRENT_THREAD.to_string(), Value::Text(name.clone())));
        }
        m.compiled.insert(f);
        let Frame { base, used, mut calling, returns, locals, handles, clocks } = frame;
        calling.push(f);
        let mut body = Body { main: false, used, base, calling, params, this, returns, ..Body::main(m) };
        body.locals.extend(locals.into_iter().map(|(name, r)| (name, Local::Reg(r))));
        body.handles.extend(handles);
        body.clocks.extend(clocks);
        body.take_registers(&def.body)?;
        // Parameters the body changes start in their registers, as the call binds them.
        for (name, value) in body.entry_values.clone() {
            let reg = body.local_reg(&name).expect("given a register");
            body.op(&def.name, OpKind::Set { reg, value });
        }
        body.block(&def.body)?;
        let end = body.base + body.ops.len();
        for at in std::mem::take(&mut body.return_jumps) {
            body.point(at, end);
        }
        Ok(body.finish())
    }

    /// `f(...)` on a line of its own (`returns` None) or giving a name its value (the
    /// name's register): the call, a GIL check point, then the function's body. A local
    /// given as an argument is copied into the function's own register first.
    pub(super) fn call_function(
        &mut self,
        call: &ast::ExprCall,
        f: usize,
        returns: Option<Reg>,
        free: u8,
    ) -> Result<(), CompileError> {
        let mut args = Vec::new();
        for arg in &call.arguments.args {
            args.push(self.argument(arg)?);
        }
        let mut named = Vec::new();
        for keyword in &call.arguments.keywords {
            let Some(name) = &keyword.arg else {
                return Err(self.refuse(
                    keyword,
                    crate::said!("`**` in a call is not supported", "호출에서 `**`은(는) 지원하지 않습니다"),
                ));
            };
            named.push((name.to_string(), self.argument(&keyword.value)?));
        }
        if self.calling.contains(&f) {
            return Err(self.refuse(
                call,
                crate::said!(
                    "a function that calls itself, directly or not, is not supported",
                    "자기 자신을 직접 또는 간접적으로 호출하는 함수는 지원하지 않습니다"
                ),
            ));
        }
        // Its value taken: every way out of it must give one (else Python gives None).
        let def = self.m.functions[f];
        if returns.is_some() && !matches!(def.body.last(), Some(Stmt::Return(ast::StmtReturn { value: Some(_), .. }))) {
            let name = &def.name;
            let message = crate::said!(
                "`{name}()` gives `None` where it ends without `return value`; \
                 the subset needs its last statement to be `return value`",
                "`{name}()`은(는) `return value` 없이 끝나는 곳에서 `None`을 돌려줍니다. \
                 지원하는 범위에서는 마지막 문장이 `return value`여야 합니다"
            );
            return Err(self.refuse(call, message));
        }
        let bound = parameters(self.m, f, &args, &named, call)?;
        // The function's registers come after the caller's locals, after what the caller
        // is computing (from `free` on is unused), and after the register its value goes to.
        let mut used = self.used.max(free).max(returns.map_or(0, |r| r.0 + 1));
        let (mut params, mut locals, mut handles) = (Vec::new(), Vec::new(), Vec::new());
        let mut clocks = Vec::new();
        for (name, arg) in bound {
            // A module-level number is passed by its value at the call, as Python passes it.
            let variable = match arg {
                Arg::Handle(Handle::Object(id))
                    if matches!(self.m.objects[id.0 as usize].kind, ObjectKind::Var { .. }) =>
                {
                    Some(id)
                }
                _ => None,
            };
            if let Some(object) = variable {
                let to = self.register(call, used)?;
                used += 1;
                self.op(call, OpKind::Load { object, reg: to });
                locals.push((name, to));
                continue;
            }
            match arg {
                Arg::Known(value) => params.push((name, value)),
                Arg::Handle(handle) => handles.push((name, handle)),
                Arg::Local(from) => {
                    let to = self.register(call, used)?;
                    used += 1;
                    self.op(call, OpKind::Set { reg: to, value: 0 });
                    self.op(call, OpKind::Arith { reg: to, op: Arith::Add, value: Operand::Reg(from) });
                    // A clock reading stays one in the function.
                    if self.clocks.iter().any(|c| self.local_reg(c) == Some(from)) {
                        clocks.push(name.clone());
                    }
                    locals.push((name, to));
                }
            }
        }
        self.op(call, OpKind::Call);
        let frame = Frame { base: self.here(), used, calling: self.calling.clone(), returns, locals, handles, clocks };
        let ops = Body::def_body(&mut *self.m, f, params, frame, false)?;
        self.ops.extend(ops);
        Ok(())
    }

    /// A call's argument: a value known before the run, a local's, or a shared object.
    fn argument(&self, arg: &Expr) -> Result<Arg, CompileError> {
        if let Some(value) = self.known(arg) {
            return Ok(Arg::Known(value));
        }
        self.no_text_flow(arg)?;
        if let Expr::Name(n) = arg {
            if let Some(r) = self.local_reg(n.id.as_str()) {
                return Ok(Arg::Local(r));
            }
            if let Some(handle) = self.handle(n.id.as_str()) {
                return Ok(Arg::Handle(handle));
            }
        }
        Err(self.refuse(
            arg,
            crate::said!(
                "a call's arguments are names or values known before the run, so far",
                "호출의 인자는 아직 이름이거나 실행 전에 알 수 있는 값이어야 합니다"
            ),
        ))
    }

    /// `return` and `return value`: the value into the caller's name, then out of the
    /// function (a jump to its end, unless this is its last statement).
    pub(super) fn return_stmt(&mut self, ret: &ast::StmtReturn, last: bool) -> Result<(), CompileError> {
        if self.main {
            return Err(self.refuse(ret, python_raises("SyntaxError: 'return' outside function")));
        }
        if self.loops.iter().any(|l| l.counted) {
            return Err(self.refuse(
                ret,
                crate::said!(
                    "`return` inside a `for` loop is not supported yet; in a `while` loop, or after the loop, it is",
                    "`for` 반복문 안의 `return`은 아직 지원하지 않습니다. `while` 반복문 안이나 반복문 뒤에서는 됩니다"
                ),
            ));
        }
        if let Some(value) = &ret.value {
            self.no_text_flow(value)?;
        }
        match (&ret.value, self.returns) {
            (Some(value), Some(r)) => self.evaluate_into(ret, r, value)?,
            // Nobody takes the value, but computing it may do something (a call, a get).
            (Some(value), None) if self.known(value).is_none() => {
                let r = self.scratch(ret)?;
                self.evaluate_into(ret, r, value)?;
            }
            _ => {}
        }
        if last {
            return Ok(());
        }
        // Out of the `with` blocks first, letting go of their locks, as Python does.
        for object in self.withs.clone().into_iter().rev() {
            self.op(ret, OpKind::Release { object });
        }
        self.return_jumps.push(self.ops_len());
        self.op(ret, OpKind::Jump { to: LATER });
        Ok(())
    }
}

/// Where a function's operations go: at `base` of the thread's list, its locals from
/// register `used` on, inside the functions `calling`, its `return` into `returns`.
#[derive(Default)]
struct Frame {
    base: usize,
    used: u8,
    calling: Vec<usize>,
    returns: Option<Reg>,
    /// Parameters given a local's value, each in its own register.
    locals: Vec<(String, Reg)>,
    /// Parameters given a shared object.
    handles: Vec<(String, Handle)>,
    /// Parameters given a clock reading (among `locals`).
    clocks: Vec<String>,
}

/// Function `f`'s parameters bound to `args` by position and `named` by name, as Python
/// binds them (`node` is where a mismatch is reported).
fn parameters(
    m: &Module,
    f: usize,
    args: &[Arg],
    named: &[(String, Arg)],
    node: &impl ruff_text_size::Ranged,
) -> Result<Vec<(String, Arg)>, CompileError> {
    let def = m.functions[f];
    let p = &def.parameters;
    let plain = p.posonlyargs.is_empty() && p.vararg.is_none() && p.kwonlyargs.is_empty() && p.kwarg.is_none();
    if !plain || def.is_async || !def.decorator_list.is_empty() {
        return Err(refuse(
            m.source,
            &def.name,
            crate::said!(
                "only `def name(a, b=1):` with plain parameters is supported so far",
                "아직은 평범한 매개변수만 있는 `def name(a, b=1):`만 지원합니다"
            ),
        ));
    }
    let name = &def.name;
    if args.len() > p.args.len() {
        let (wanted, given) = (p.args.len(), args.len());
        let (wanted_s, were) = (if wanted == 1 { "" } else { "s" }, if given == 1 { "was" } else { "were" });
        return Err(refuse(
            m.source,
            node,
            python_raises(&format!(
                "TypeError: {name}() takes {wanted} positional argument{wanted_s} but {given} {were} given"
            )),
        ));
    }
    // CPython names an unknown keyword before a missing argument.
    if let Some((extra, _)) = named.iter().find(|(n, _)| !p.args.iter().any(|a| a.parameter.name.as_str() == n)) {
        let message = python_raises(&format!("TypeError: {name}() got an unexpected keyword argument '{extra}'"));
        return Err(refuse(m.source, node, message));
    }
    let mut bound = Vec::new();
    let mut missing = Vec::new();
    for (i, param) in p.args.iter().enumerate() {
        let id = param.parameter.name.as_str();
        let by_name = named.iter().find(|(n, _)| n == id).map(|(_, v)| v.clone());
        let value = match (args.get(i), by_name, &param.default) {
            (Some(_), Some(_), _) => {
                return Err(refuse(
                    m.source,
                    node,
                    python_raises(&format!("TypeError: {name}() got multiple values for argument '{id}'")),
                ))
            }
            (Some(v), None, _) => v.clone(),
            (None, Some(v), _) => v,
            (None, None, Some(default)) => Arg::Known(value_in(m, &[], default).ok_or_else(|| {
                let message = crate::said!(
                    "a default is a number or text known before the run, so far",
                    "기본값은 아직 실행 전에 알 수 있는 수나 텍스트여야 합니다"
                );
                refuse(m.source, default.as_ref(), message)
            })?),
            (None, None, None) => {
                missing.push(format!("'{id}'"));
                continue;
            }
        };
        bound.push((id.to_string(), value));
    }
    // As CPython words it: `'a'`, `'a' and 'b'`, `'a', 'b', and 'c'`.
    if let Some(last) = missing.pop() {
        let (count, plural) = (missing.len() + 1, if missing.is_empty() { "" } else { "s" });
        let names = match missing.len() {
            0 => last,
            1 => format!("{} and {last}", missing[0]),
            _ => format!("{}, and {last}", missing.join(", ")),
        };
        let message = python_raises(&format!(
            "TypeError: {name}() missing {count} required positional argument{plural}: {names}"
        ));
        return Err(refuse(m.source, node, message));
    }
    Ok(bound)
}

/// Whether `expr` calls a `def` of the module (not shadowed by a local): which one.
pub(super) fn called_function(body: &Body, expr: &Expr) -> Option<usize> {
    let Expr::Call(call) = expr else { return None };
    let Expr::Name(name) = call.func.as_ref() else { return None };
    if body.locals.contains_key(name.id.as_str()) {
        return None;
    }
    match body.m.globals.get(name.id.as_str()) {
        Some(super::scope::Global::Function(f)) => Some(*f),
        _ => None,
    }
}
