//! Making threads: `threading.Thread(target=f, args=..., name=..., daemon=...)`, a list of
//! them by a comprehension over `range(N)`, and `class Worker(threading.Thread)`, a thread
//! whose code is its `run(self)`, made by calling the class. `__init__` may call
//! `super().__init__(...)` (with `name=` and `daemon=`) and set attributes
//! (`self.delay = delay`) to values known before the run; `run` reads them as
//! `self.delay`, and `self.name` is the thread's name. Any other class, method or
//! statement in the class is refused.

use ruff_python_ast::{self as ast, Expr, Stmt};

use super::body::Body;
use super::expr::{const_text, not_imported, range_of, threading_call, true_or_false, value_in, Env};
use super::scope::{Arg, Global, Handle, Module, ThreadClass, ThreadSpec, Value};
use super::{refuse, CompileError};
use crate::engine::program::{ActorDef, ActorId, ActorRole, ObjectKind, OpKind, ProcessId};
use crate::i18n::Prose;
use crate::said;

impl<'a> Module<'a> {
    /// Declares `class NAME(threading.Thread):` with its `__init__` and `run`.
    pub(super) fn declare_class(&mut self, class: &'a ast::StmtClassDef) -> Result<(), CompileError> {
        let refused = || {
            let message = said!(
                "a class is supported only as a `threading.Thread` subclass, \
                 `class Worker(threading.Thread):`, so far",
                "클래스는 아직 `threading.Thread`의 하위 클래스(`class Worker(threading.Thread):`)로만 \
                 지원합니다"
            );
            refuse(self.source, class, message)
        };
        let bases = class.arguments.as_deref().map_or(&[][..], |a| &a.args[..]);
        let keywords = class.arguments.as_deref().is_some_and(|a| !a.keywords.is_empty());
        let [Expr::Attribute(base)] = bases else { return Err(refused()) };
        let is_thread = matches!(base.value.as_ref(), Expr::Name(m) if m.id.as_str() == "threading")
            && base.attr.as_str() == "Thread";
        if !is_thread || keywords || !class.decorator_list.is_empty() {
            return Err(refused());
        }
        if !self.imported("threading") {
            return Err(refuse(self.source, base, not_imported("threading")));
        }
        let (mut init, mut run) = (None, None);
        for stmt in &class.body {
            match stmt {
                Stmt::FunctionDef(def) if def.name.as_str() == "__init__" => init = Some(def),
                Stmt::FunctionDef(def) if def.name.as_str() == "run" => run = Some(def),
                Stmt::FunctionDef(def) => {
                    let message = said!(
                        "a Thread subclass may define `__init__` and `run` only, so far",
                        "Thread 하위 클래스에는 아직 `__init__`과 `run`만 정의할 수 있습니다"
                    );
                    return Err(refuse(self.source, &def.name, message));
                }
                Stmt::Pass(_) => {}
                Stmt::Expr(e) if matches!(e.value.as_ref(), Expr::StringLiteral(_)) => {}
                other => {
                    let message = said!(
                        "a Thread subclass holds `def`s only, so far",
                        "Thread 하위 클래스에는 아직 `def`만 둘 수 있습니다"
                    );
                    return Err(refuse(self.source, other, message));
                }
            }
        }
        let run = run.ok_or_else(|| {
            let message = said!(
                "a Thread subclass needs `def run(self):`",
                "Thread 하위 클래스에는 `def run(self):`이(가) 필요합니다"
            );
            refuse(self.source, &class.name, message)
        })?;
        if run.parameters.args.len() != 1 || run.parameters.args[0].parameter.name.as_str() != "self" {
            let message =
                said!("`run` takes `self` only: `def run(self):`", "`run`은 `self`만 받습니다: `def run(self):`");
            return Err(refuse(self.source, &run.name, message));
        }
        self.functions.push(run);
        let run = self.functions.len() - 1;
        let name = class.name.to_string();
        self.thread_classes.push(ThreadClass { init, run });
        self.globals.insert(name, Global::ThreadClass(self.thread_classes.len() - 1));
        Ok(())
    }
}

/// The thread `NAME(...)` makes when NAME is a Thread subclass, with the names in `env`
/// bound; `None` when `expr` is no such call.
pub(super) fn instance(module: &Module, env: Env, expr: &Expr) -> Result<Option<ThreadSpec>, CompileError> {
    let Expr::Call(call) = expr else { return Ok(None) };
    let Expr::Name(class_name) = call.func.as_ref() else { return Ok(None) };
    let Some(Global::ThreadClass(c)) = module.globals.get(class_name.id.as_str()) else { return Ok(None) };
    let class = module.thread_classes[*c];
    let mut spec = ThreadSpec {
        target: class.run,
        name: None,
        args: Vec::new(),
        named: Vec::new(),
        daemon: false,
        attributes: Some(Vec::new()),
        process: false,
    };
    let Some(init) = class.init else {
        if !call.arguments.is_empty() {
            let class = &class_name.id;
            let message = said!("{class}() takes no arguments", "{class}()은(는) 인자를 받지 않습니다");
            return Err(refuse(module.source, call, message));
        }
        return Ok(Some(spec));
    };
    // `__init__`'s parameters, bound to the call's arguments (positional, then by name).
    let p = &init.parameters;
    let plain = p.posonlyargs.is_empty() && p.vararg.is_none() && p.kwonlyargs.is_empty() && p.kwarg.is_none();
    let names: Vec<&str> = p.args.iter().map(|a| a.parameter.name.as_str()).collect();
    if !plain || names.first() != Some(&"self") || p.args.iter().any(|a| a.default.is_some()) {
        let message = said!(
            "`__init__` takes `self` and plain parameters, so far",
            "`__init__`은 아직 `self`와 일반 매개변수만 받을 수 있습니다"
        );
        return Err(refuse(module.source, &init.name, message));
    }
    let mut bound: Vec<(String, Value)> = Vec::new();
    for (name, arg) in names[1..].iter().zip(&call.arguments.args) {
        bound.push((name.to_string(), known_argument(module, env, arg)?));
    }
    for keyword in &call.arguments.keywords {
        let Some(name) = keyword.arg.as_ref().map(|a| a.as_str()).filter(|n| names[1..].contains(n)) else {
            let message = said!("an argument `__init__` does not take", "`__init__`이 받지 않는 인자입니다");
            return Err(refuse(module.source, keyword, message));
        };
        bound.push((name.to_string(), known_argument(module, env, &keyword.value)?));
    }
    if bound.len() != names.len() - 1 || call.arguments.args.len() > names.len() - 1 {
        let (class, wanted, given) = (&class_name.id, names.len() - 1, call.arguments.len());
        let message = said!(
            "{class}() takes {wanted} arguments here, and is given {given}",
            "{class}()은(는) 여기서 인자를 {wanted}개 받는데 {given}개가 주어졌습니다"
        );
        return Err(refuse(module.source, call, message));
    }
    let mut attributes = Vec::new();
    for stmt in &init.body {
        let scope: Vec<(String, Value)> = bound.iter().chain(&attributes).cloned().collect();
        match stmt {
            Stmt::Expr(e) if is_super_init(&e.value) => {
                let Expr::Call(init_call) = e.value.as_ref() else { unreachable!("checked by is_super_init") };
                thread_options(module, &scope, init_call, &mut spec)?;
            }
            Stmt::Assign(assign) => {
                let [Expr::Attribute(target)] = assign.targets.as_slice() else {
                    let message = said!(
                        "`__init__` sets attributes, `self.delay = value`, so far",
                        "`__init__`의 대입은 아직 `self.delay = value`처럼 속성을 설정하는 것만 지원합니다"
                    );
                    return Err(refuse(module.source, assign, message));
                };
                if !matches!(target.value.as_ref(), Expr::Name(s) if s.id.as_str() == "self") {
                    let message = said!(
                        "`__init__` sets attributes of `self` only, so far",
                        "`__init__`에서는 아직 `self`의 속성만 설정할 수 있습니다"
                    );
                    return Err(refuse(module.source, target, message));
                }
                if matches!(target.attr.as_str(), "name" | "daemon") {
                    let attr = &target.attr;
                    let message = said!(
                        "give the thread's {attr} to `super().__init__({attr}=...)`, so far",
                        "스레드의 {attr} 값은 아직 `super().__init__({attr}=...)`에 넘겨야 합니다"
                    );
                    return Err(refuse(module.source, target, message));
                }
                let value = value_in(module, &scope, &assign.value).ok_or_else(|| {
                    let message = said!(
                        "an attribute is a number or text known before the run, so far",
                        "속성 값은 아직 실행 전에 알 수 있는 수나 문자열이어야 합니다"
                    );
                    refuse(module.source, assign.value.as_ref(), message)
                })?;
                let key = format!("self.{}", target.attr);
                attributes.retain(|(k, _): &(String, Value)| *k != key);
                attributes.push((key, value));
            }
            Stmt::Pass(_) => {}
            Stmt::Expr(e) if matches!(e.value.as_ref(), Expr::StringLiteral(_)) => {}
            other => {
                let message = said!(
                    "`__init__` may call `super().__init__(...)` and set `self.NAME = value`, so far",
                    "`__init__`에서는 아직 `super().__init__(...)` 호출과 `self.NAME = value` 설정만 할 수 \
                     있습니다"
                );
                return Err(refuse(module.source, other, message));
            }
        }
    }
    spec.attributes = Some(attributes);
    Ok(Some(spec))
}

/// `super().__init__(...)` or `threading.Thread.__init__(self, ...)`.
fn is_super_init(expr: &Expr) -> bool {
    let Expr::Call(call) = expr else { return false };
    let Expr::Attribute(init) = call.func.as_ref() else { return false };
    if init.attr.as_str() != "__init__" {
        return false;
    }
    match init.value.as_ref() {
        Expr::Call(sup) => {
            matches!(sup.func.as_ref(), Expr::Name(n) if n.id.as_str() == "super") && sup.arguments.is_empty()
        }
        Expr::Attribute(thread) => {
            thread.attr.as_str() == "Thread"
                && matches!(thread.value.as_ref(), Expr::Name(n) if n.id.as_str() == "threading")
        }
        _ => false,
    }
}

/// The thread's `name=` and `daemon=` as `super().__init__` gives them.
fn thread_options(module: &Module, env: Env, call: &ast::ExprCall, spec: &mut ThreadSpec) -> Result<(), CompileError> {
    let positional = match call.func.as_ref() {
        // `threading.Thread.__init__(self, ...)`: its first argument is `self`.
        Expr::Attribute(f) if matches!(f.value.as_ref(), Expr::Attribute(_)) => {
            &call.arguments.args[1.min(call.arguments.args.len())..]
        }
        _ => &call.arguments.args[..],
    };
    if let Some(arg) = positional.first() {
        let message = said!(
            "give the thread's options by name: `super().__init__(name=name)`",
            "스레드의 옵션은 키워드 인자로 넘겨야 합니다: `super().__init__(name=name)`"
        );
        return Err(refuse(module.source, arg, message));
    }
    for keyword in &call.arguments.keywords {
        match keyword.arg.as_ref().map(|a| a.as_str()) {
            Some("name") => {
                spec.name = Some(const_text(module, env, &keyword.value).ok_or_else(|| {
                    let message = said!(
                        "a thread's name is text known before the run",
                        "스레드의 이름은 실행 전에 알 수 있는 문자열이어야 합니다"
                    );
                    refuse(module.source, &keyword.value, message)
                })?)
            }
            Some("daemon") => spec.daemon = daemon_flag(module, &keyword.value)?,
            _ => {
                let message = said!(
                    "only `name=` and `daemon=` are supported in `super().__init__(...)` so far",
                    "`super().__init__(...)`에서는 아직 `name=`, `daemon=`만 지원합니다"
                );
                return Err(refuse(module.source, keyword, message));
            }
        }
    }
    Ok(())
}

/// The thread (or process) `expr` makes, with the names in `env` bound; `None` when it
/// makes none.
pub(super) fn thread_target(module: &Module, env: Env, expr: &Expr) -> Result<Option<ThreadSpec>, CompileError> {
    if let Some(spec) = instance(module, env, expr)? {
        return Ok(Some(spec));
    }
    let (call, process) = match (threading_call(module, expr)?, super::processes::mp_call(module, expr)?) {
        (Some((call, "Thread")), _) => (call, false),
        (_, Some((call, "Process"))) => (call, true),
        _ => return Ok(None),
    };
    let what = if process { "Process" } else { "Thread" };
    if let Some(arg) = call.arguments.args.first() {
        let message = said!(
            "give the function as `target=`: {what}(target=work)",
            "함수는 `target=` 키워드 인자로 넘겨야 합니다: {what}(target=work)"
        );
        return Err(refuse(module.source, arg, message));
    }
    let (mut target, mut name, mut args, mut named, mut daemon) = (None, None, Vec::new(), Vec::new(), false);
    for keyword in &call.arguments.keywords {
        match keyword.arg.as_ref().map(|a| a.as_str()) {
            Some("target") => match &keyword.value {
                Expr::Name(f) => target = Some(function_named(module, f)?),
                other => {
                    let message = said!(
                        "a thread's target is the name of a function defined with `def`",
                        "스레드의 target은 `def`로 정의한 함수의 이름이어야 합니다"
                    );
                    return Err(refuse(module.source, other, message));
                }
            },
            Some("name") => {
                name = Some(const_text(module, env, &keyword.value).ok_or_else(|| {
                    let message = said!(
                        "a thread's name is text known before the run, like f\"T{{i}}\"",
                        "스레드의 이름은 f\"T{{i}}\"처럼 실행 전에 알 수 있는 문자열이어야 합니다"
                    );
                    refuse(module.source, &keyword.value, message)
                })?)
            }
            Some("args") => {
                let not_a_tuple = said!(
                    "`args=` is a tuple, like (1,) or (i, 0.5)",
                    "`args=` 인자는 (1,)이나 (i, 0.5) 같은 튜플이어야 합니다"
                );
                args = arguments(module, env, &keyword.value, not_a_tuple)?
            }
            Some("kwargs") => named = keyword_arguments(module, env, &keyword.value)?,
            Some("daemon") => daemon = daemon_flag(module, &keyword.value)?,
            _ => {
                let message = said!(
                    "only `target=`, `args=`, `kwargs=`, `name=` and `daemon=` are supported in `{what}(...)`",
                    "`{what}(...)`에서는 `target=`, `args=`, `kwargs=`, `name=`, `daemon=`만 지원합니다"
                );
                return Err(refuse(module.source, keyword, message));
            }
        }
    }
    let target = target.ok_or_else(|| {
        let message =
            said!("`target=` is needed: the function it runs", "실행할 함수를 넘기는 `target=` 인자가 필요합니다");
        refuse(module.source, call, message)
    })?;
    Ok(Some(ThreadSpec { target, name, args, named, daemon, attributes: None, process }))
}

/// Threads for `value` (`threading.Thread(target=f)`, `Process(target=f)`, a list of them
/// by a comprehension over `range(N)`, or such lists added), made now and named as CPython
/// names them; `None` when `value` makes no thread.
pub(super) fn make_threads(m: &mut Module, outer: Env, value: &Expr) -> Result<Option<Vec<ActorId>>, CompileError> {
    // `[...] + [...]`: the left list's, then the right's.
    if let Expr::BinOp(bin) = value {
        if bin.op != ast::Operator::Add {
            return Ok(None);
        }
        let Some(mut left) = make_threads(m, outer, &bin.left)? else { return Ok(None) };
        let Some(right) = make_threads(m, outer, &bin.right)? else { return Ok(None) };
        left.extend(right);
        return Ok(Some(left));
    }
    let (one, times, var) = match value {
        Expr::ListComp(comp) => {
            let [generator] = comp.generators.as_slice() else { return Ok(None) };
            if let Some(filter) = generator.ifs.first() {
                let message =
                    said!("a comprehension's `if` is not supported yet", "컴프리헨션의 `if`는 아직 지원하지 않습니다");
                return Err(refuse(m.source, filter, message));
            }
            let Some((from, n)) = range_of(m, outer, &generator.iter) else { return Ok(None) };
            let var = match &generator.target {
                Expr::Name(name) => name.id.to_string(),
                _ => return Ok(None),
            };
            (comp.elt.as_ref(), (from, n), var)
        }
        other => (other, (0, 1), String::new()),
    };
    let (from, times) = times;
    // The names bound around (an unrolled loop's variable), and the comprehension's own.
    let env = |k: u64| {
        let mut env = outer.to_vec();
        env.push((var.clone(), Value::Int(from + k as i64)));
        env
    };
    if thread_target(m, &env(0), one)?.is_none() {
        return Ok(None);
    }
    m.room_for_threads(value, times)?;
    let mut made = Vec::new();
    for k in 0..times {
        let Some(spec) = thread_target(m, &env(k), one)? else { return Ok(None) };
        if spec.process {
            made.push(m.make_process(spec, one)?);
            continue;
        }
        let subclass = spec.attributes.is_some();
        // CPython adds the target's name to a default name; a subclass has no target.
        let name = spec.name.unwrap_or_else(|| {
            m.unnamed_threads += 1;
            match subclass {
                true => format!("Thread-{}", m.unnamed_threads),
                false => format!("Thread-{} ({})", m.unnamed_threads, m.functions[spec.target].name),
            }
        });
        // Its code may read its name (`threading.current_thread().name`): known by now.
        m.current_thread = Some(name.clone());
        let ops = match spec.attributes {
            Some(attributes) => Body::run_method(m, spec.target, attributes),
            None => Body::thread(m, spec.target, &spec.args, &spec.named, one),
        };
        m.current_thread = None;
        let ops = ops?;
        made.push(m.add_thread(name, spec.daemon, ops));
    }
    Ok(Some(made))
}

/// The most threads a program may make.
pub(super) const MAX_THREADS: usize = 1_000;

impl Module<'_> {
    /// Refused if `more` threads would make more than [`MAX_THREADS`].
    fn room_for_threads(&self, node: &impl ruff_text_size::Ranged, more: u64) -> Result<(), CompileError> {
        if self.threads.len() as u64 + more > MAX_THREADS as u64 {
            let message = said!(
                "a program may make at most {MAX_THREADS} threads so far",
                "프로그램은 아직 스레드를 최대 {MAX_THREADS}개까지 만들 수 있습니다"
            );
            return Err(refuse(self.source, node, message));
        }
        Ok(())
    }

    /// A thread of the main process running `ops`: its actor.
    fn add_thread(&mut self, name: String, daemon: bool, ops: Vec<crate::engine::program::Op>) -> ActorId {
        self.threads.push(ActorDef { name, process: ProcessId(0), role: ActorRole::Thread, daemon, ops });
        ActorId(self.threads.len() as u16)
    }
}

/// The function a thread runs, by its name: one defined with `def`.
fn function_named(module: &Module, f: &ast::ExprName) -> Result<usize, CompileError> {
    match module.globals.get(f.id.as_str()) {
        Some(Global::Function(i)) => Ok(*i),
        _ => {
            let name = &f.id;
            let message =
                said!("`{name}` is not a function defined with `def`", "`{name}`은(는) `def`로 정의한 함수가 아닙니다");
            Err(refuse(module.source, f, message))
        }
    }
}

/// A thread's argument: a number or text known before the run.
fn known_argument(module: &Module, env: Env, arg: &Expr) -> Result<Value, CompileError> {
    value_in(module, env, arg).ok_or_else(|| {
        let message = said!(
            "a thread's arguments are numbers or text known before the run, so far",
            "스레드의 인자는 아직 실행 전에 알 수 있는 수나 문자열이어야 합니다"
        );
        refuse(module.source, arg, message)
    })
}

/// A thread's or a process's argument: a value known before the run, or a shared object
/// of the module's (a lock, a queue, a `Value`, a pipe's end, `forks[i]`).
fn argument(module: &Module, env: Env, arg: &Expr) -> Result<Arg, CompileError> {
    if let Some(value) = value_in(module, env, arg) {
        return Ok(Arg::Known(value));
    }
    let handle = match arg {
        Expr::Name(name) => match module.globals.get(name.id.as_str()) {
            Some(Global::Object(id)) if !matches!(module.objects[id.0 as usize].kind, ObjectKind::Var { .. }) => {
                Some(Handle::Object(*id))
            }
            Some(Global::End(id, end)) => Some(Handle::End(*id, *end)),
            _ => None,
        },
        Expr::Subscript(sub) => match (sub.value.as_ref(), super::expr::constant_in(module, env, &sub.slice)) {
            (Expr::Name(list), Some(i)) => match module.globals.get(list.id.as_str()) {
                Some(Global::Objects(ids)) => {
                    let at = if i < 0 { i + ids.len() as i64 } else { i };
                    usize::try_from(at).ok().and_then(|at| ids.get(at)).map(|id| Handle::Object(*id))
                }
                _ => None,
            },
            _ => None,
        },
        _ => None,
    };
    handle.map(Arg::Handle).ok_or_else(|| {
        let message = said!(
            "an argument is a number or text known before the run, or a lock, queue, Value or pipe end, so far",
            "인자는 아직 실행 전에 알 수 있는 수나 문자열, 또는 락, 큐, Value, 파이프의 한쪽 끝이어야 \
             합니다"
        );
        refuse(module.source, arg, message)
    })
}

/// Arguments, a tuple; `not_a_tuple` says what else is refused.
fn arguments(module: &Module, env: Env, args: &Expr, not_a_tuple: Prose) -> Result<Vec<Arg>, CompileError> {
    let Expr::Tuple(tuple) = args else { return Err(refuse(module.source, args, not_a_tuple)) };
    tuple.elts.iter().map(|arg| argument(module, env, arg)).collect()
}

/// `kwargs={"name": value, ...}`.
fn keyword_arguments(module: &Module, env: Env, kwargs: &Expr) -> Result<Vec<(String, Arg)>, CompileError> {
    let refused = |at: &Expr| {
        let message = said!(
            "`kwargs=` is a dict with text keys, like {{\"n\": 3}}",
            "`kwargs=` 인자는 {{\"n\": 3}}처럼 키가 문자열인 딕셔너리여야 합니다"
        );
        refuse(module.source, at, message)
    };
    let Expr::Dict(dict) = kwargs else { return Err(refused(kwargs)) };
    let mut named = Vec::new();
    for item in &dict.items {
        let Some(Expr::StringLiteral(key)) = &item.key else { return Err(refused(kwargs)) };
        named.push((key.value.to_str().to_string(), argument(module, env, &item.value)?));
    }
    Ok(named)
}

impl Body<'_, '_> {
    /// At the module's top level, `for k in range(...)` whose body makes threads
    /// (`_thread.start_new_thread(...)`, `t = threading.Thread(...)`): unrolled, `k` a
    /// known value in each copy, so each thread is made with its own arguments. `false`
    /// when the loop is not such a loop.
    pub(super) fn unrolled_for(&mut self, for_: &ast::StmtFor, var: &ast::ExprName) -> Result<bool, CompileError> {
        let is_class = |f: &Expr| self.m.makes_actors(f);
        let makes_threads = for_.body.iter().any(|s| match s {
            Stmt::Expr(e) => is_start_new_thread(&e.value),
            Stmt::Assign(a) => super::syntax::is_thread_maker(&a.value, &is_class),
            _ => false,
        });
        if !self.main || self.nesting != 1 || !makes_threads {
            return Ok(false);
        }
        let Some((from, times)) = self.range(&for_.iter) else {
            let message = said!(
                "a loop that makes threads goes over `range(N)` with N known before the run",
                "스레드를 만드는 반복문은 실행 전에 N을 알 수 있는 `range(N)`에 대해 돌아야 합니다"
            );
            return Err(self.refuse(for_.iter.as_ref(), message));
        };
        self.m.room_for_threads(for_, times)?;
        // As if each copy were written out at the top level: no `break`, no engine loop.
        self.loops.push(super::scope::OpenLoop::counted(self.here(), self.withs.len()));
        self.nesting -= 1;
        let mut done = Ok(());
        for k in 0..times {
            self.params.push((var.id.to_string(), Value::Int(from + k as i64)));
            done = self.block(&for_.body).and_then(|()| self.room_for_ops(for_));
            self.params.pop();
            if done.is_err() {
                break;
            }
        }
        self.nesting += 1;
        self.loops.pop();
        // Python leaves the variable at its last value: kept as known where nothing else
        // gives the name a value (another loop over it binds it itself).
        let id = var.id.as_str();
        let only_here = super::syntax::stores_of(self.scope_body(), id) == 1;
        if times > 0 && self.local_reg(id).is_none() && only_here && done.is_ok() {
            self.params.push((id.to_string(), Value::Int(from + times as i64 - 1)));
        }
        done.map(|()| true)
    }

    /// `_thread.start_new_thread(f, (args...))`: a thread made and started at once, which
    /// dies with the main thread (`_thread` has no join). Threading names such a thread
    /// `Dummy-N` if it asks who it is.
    pub(super) fn start_new_thread(&mut self, call: &ast::ExprCall) -> Result<(), CompileError> {
        if !self.main {
            let message = said!(
                "threads start threads from the main thread only, so far",
                "스레드는 아직 메인 스레드에서만 시작할 수 있습니다"
            );
            return Err(self.refuse(call, message));
        }
        let (Some(Expr::Name(f)), Some(args), None) =
            (call.arguments.args.first(), call.arguments.args.get(1), call.arguments.args.get(2))
        else {
            let message = said!(
                "`_thread.start_new_thread(function, (arguments,))` takes a function and a tuple",
                "`_thread.start_new_thread(function, (arguments,))`에는 함수와 튜플을 넘겨야 합니다"
            );
            return Err(self.refuse(call, message));
        };
        let target = function_named(self.m, f)?;
        let not_a_tuple = said!(
            "the arguments are a tuple, like (1,) or (name, 0.5)",
            "인자는 (1,)이나 (name, 0.5) 같은 튜플이어야 합니다"
        );
        let values = arguments(self.m, &self.params, args, not_a_tuple)?;
        self.m.room_for_threads(call, 1)?;
        let ops = Body::thread(self.m, target, &values, &[], call)?;
        self.m.dummy_threads += 1;
        let name = format!("Dummy-{}", self.m.dummy_threads);
        let actor = self.m.add_thread(name, true, ops);
        self.op(call, OpKind::Start { actor });
        Ok(())
    }
}

/// `_thread.start_new_thread(...)`.
fn is_start_new_thread(expr: &Expr) -> bool {
    super::syntax::module_call(expr, "_thread").is_some_and(|(_, _, name)| name == "start_new_thread")
}

/// `daemon=True` or `daemon=False`.
fn daemon_flag(module: &Module, value: &Expr) -> Result<bool, CompileError> {
    match value {
        Expr::BooleanLiteral(b) => Ok(b.value),
        other => Err(refuse(module.source, other, true_or_false("daemon="))),
    }
}
