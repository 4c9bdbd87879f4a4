//! `multiprocessing`: `Process(target=f, args=..., kwargs=..., name=..., daemon=...)`, a
//! child process whose main thread runs `f` (started by fork, as on Linux before 3.14),
//! and the objects processes share, made at module level or under the main guard:
//! `Queue(maxsize)`, `Pipe(duplex)` and `Value(typecode, number)` with its lock. A plain
//! module-level variable stays each process's own copy.

use ruff_python_ast::{self as ast, Expr};

use super::body::Body;
use super::expr::{constant, not_imported, true_or_false};
use super::scope::{Arg, Global, Handle, Module, ThreadSpec};
use super::{refuse, CompileError};
use crate::engine::program::{
    ActorDef, ActorId, ActorRole, ObjectDef, ObjectId, ObjectKind, Op, ProcessDef, ProcessId, StartMethod,
};
use crate::engine::trace::Nanos;
use crate::said;

/// The most child processes a program may make.
pub(super) const MAX_PROCESSES: usize = 64;

/// The names `from multiprocessing import ...` may bring in.
pub(super) const IMPORTABLE: &[&str] =
    &["Process", "Queue", "Pipe", "Value", "Pool", "set_start_method", "current_process"];

/// `multiprocessing.NAME(...)`, or `NAME(...)` imported from it: the call and NAME.
pub(super) fn mp_call<'e>(
    module: &Module,
    expr: &'e Expr,
) -> Result<Option<(&'e ast::ExprCall, &'e str)>, CompileError> {
    let Expr::Call(call) = expr else { return Ok(None) };
    match call.func.as_ref() {
        Expr::Name(n) if module.from_multiprocessing.contains(n.id.as_str()) => {
            Ok((!module.globals.contains_key(n.id.as_str())).then_some((call, n.id.as_str())))
        }
        Expr::Attribute(attr) => match attr.value.as_ref() {
            Expr::Name(owner) if module.multiprocessing_alias.as_deref() == Some(owner.id.as_str()) => {
                Ok(Some((call, attr.attr.as_str())))
            }
            Expr::Name(owner) if owner.id.as_str() == "multiprocessing" => {
                if !module.imported("multiprocessing") || module.multiprocessing_alias.is_some() {
                    return Err(refuse(module.source, owner, not_imported("multiprocessing")));
                }
                Ok(Some((call, attr.attr.as_str())))
            }
            _ => Ok(None),
        },
        _ => Ok(None),
    }
}

impl<'a> Module<'a> {
    /// `from multiprocessing import A, B`.
    pub(super) fn import_from(&mut self, import: &ast::StmtImportFrom) -> Result<(), CompileError> {
        let module = import.module.as_ref().map(|m| m.as_str());
        if module != Some("multiprocessing") || import.level > 0 {
            let message = said!(
                "`from ... import` works for `multiprocessing` only so far; \
                 import threading, time, os or _thread as plain names",
                "`from ... import`는 아직 `multiprocessing`에만 쓸 수 있습니다. \
                 threading, time, os, _thread는 모듈 이름 그대로 가져와야 합니다"
            );
            return Err(refuse(self.source, import, message));
        }
        for alias in &import.names {
            let name = alias.name.as_str();
            if !IMPORTABLE.contains(&name) || alias.asname.is_some() {
                let supported = IMPORTABLE.join(", ");
                let message = said!(
                    "`{name}` cannot be imported from multiprocessing here: {supported} are supported, without `as`",
                    "여기서는 multiprocessing에서 `{name}`을(를) 가져올 수 없습니다. `as` 없이 {supported}만 지원합니다"
                );
                return Err(refuse(self.source, alias, message));
            }
            self.from_multiprocessing.insert(name.to_string());
        }
        Ok(())
    }

    /// The child process `spec` asks for, its code compiled now: its main thread's actor.
    pub(super) fn make_process(
        &mut self,
        spec: ThreadSpec,
        node: &impl ruff_text_size::Ranged,
    ) -> Result<ActorId, CompileError> {
        if self.processes.len() >= MAX_PROCESSES {
            let message = said!(
                "a program may make at most {MAX_PROCESSES} processes so far",
                "프로그램은 아직 프로세스를 최대 {MAX_PROCESSES}개까지 만들 수 있습니다"
            );
            return Err(refuse(self.source, node, message));
        }
        // CPython numbers every Process it makes, named or not.
        let name = spec.name.unwrap_or_else(|| format!("Process-{}", self.processes.len() + 1));
        // In the child, `current_thread().name` is its main thread's.
        self.current_process = Some(name.clone());
        self.current_thread = Some("MainThread".into());
        let main_pid = self.current_pid.replace(crate::engine::program::FIRST_PID + self.processes.len() as i64 + 1);
        let ops = Body::thread(self, spec.target, &spec.args, &spec.named, node);
        self.current_process = None;
        self.current_thread = None;
        self.current_pid = main_pid;
        let ops = ops?;
        let passed: Vec<ObjectId> = spec
            .args
            .iter()
            .chain(spec.named.iter().map(|(_, a)| a))
            .filter_map(|a| match a {
                Arg::Handle(Handle::Object(id) | Handle::End(id, _)) => Some(*id),
                _ => None,
            })
            .collect();
        self.shareable(&ops, &passed, node)?;
        self.processes.push(ProcessDef {
            name: name.clone(),
            parent: Some(ProcessId(0)),
            start_method: self.start_method,
            daemon: spec.daemon,
            unpicklable: None,
        });
        let process = ProcessId(self.processes.len() as u16);
        self.threads.push(ActorDef { name, process, role: ActorRole::ProcessMain, daemon: false, ops });
        Ok(ActorId(self.threads.len() as u16))
    }

    /// Refused unless what a child process's `ops` use can be shared with it: not an
    /// object of `threading` or `queue` (the child has its own copy); under spawn, only
    /// objects `passed` to it (it starts afresh), and no pipe yet.
    pub(super) fn shareable(
        &self,
        ops: &[Op],
        passed: &[ObjectId],
        node: &impl ruff_text_size::Ranged,
    ) -> Result<(), CompileError> {
        for op in ops {
            let Some(object) = op.kind.object() else { continue };
            let def = &self.objects[object.0 as usize];
            let name = def.name.as_str();
            if self.thread_only.contains(&object) {
                let kind = def.kind.python_type();
                let message = said!(
                    "`{name}` is a {kind} of `threading` or `queue`: a child process gets its own copy, \
                     so nothing is shared; share through multiprocessing's Queue, Pipe or Value",
                    "`{name}`은(는) `threading`이나 `queue`의 {kind}입니다. 자식 프로세스는 자기 사본을 \
                     받으므로 아무것도 공유되지 않습니다. multiprocessing의 Queue, Pipe, Value로 \
                     공유해야 합니다"
                );
                return Err(refuse(self.source, node, message));
            }
            let spawn = self.start_method == StartMethod::Spawn;
            if spawn && matches!(def.kind, ObjectKind::Pipe { .. }) {
                let message = said!(
                    "pipes under the spawn start method are not modelled yet",
                    "spawn 시작 방식에서의 파이프는 아직 모델링하지 않았습니다"
                );
                return Err(refuse(self.source, node, message));
            }
            let shared = !matches!(def.kind, ObjectKind::Var { .. } | ObjectKind::List { .. });
            let lock_of_passed = passed.iter().any(
                |p| matches!(self.objects[p.0 as usize].kind, ObjectKind::SharedValue { lock, .. } if lock == object),
            );
            if spawn && shared && !passed.contains(&object) && !lock_of_passed {
                let message = said!(
                    "under spawn a child process starts afresh and has only what it is given: \
                     pass `{name}` to it in `args=`",
                    "spawn에서는 자식 프로세스가 처음부터 새로 시작해 넘겨받은 것만 가집니다: \
                     `{name}`을(를) `args=`에 넣어 넘겨야 합니다"
                );
                return Err(refuse(self.source, node, message));
            }
        }
        Ok(())
    }

    /// `Queue()`, `Queue(maxsize)` or `Value(typecode, number)` (whose lock is added first,
    /// as `NAME.get_lock()`): the object's kind; `None` if `value` makes neither.
    pub(super) fn shared_object_made_by(
        &mut self,
        name: &str,
        value: &Expr,
    ) -> Result<Option<ObjectKind>, CompileError> {
        // `queue.Queue()`, the threads' queue, behaves as multiprocessing's here.
        let threads_queue = super::syntax::module_call(value, "queue")
            .filter(|(_, _, made)| *made == "Queue" && self.imported("queue"))
            .map(|(call, _, made)| (call, made));
        let Some((call, made)) = threads_queue.or(mp_call(self, value)?) else { return Ok(None) };
        let args = &call.arguments.args[..];
        let keyword =
            |k: &str| call.arguments.keywords.iter().find(|kw| kw.arg.as_ref().is_some_and(|a| a.as_str() == k));
        // `what` in English, then in Korean.
        let whole = |e: &Expr, (what, what_ko): (&str, &str)| {
            constant(self, e).ok_or_else(|| {
                let message = said!(
                    "{what} is a whole number known before the run",
                    "{what_ko}은 실행 전에 알 수 있는 정수여야 합니다"
                );
                refuse(self.source, e, message)
            })
        };
        match made {
            "Queue" => {
                let unknown =
                    call.arguments.keywords.iter().find(|k| k.arg.as_ref().is_none_or(|a| a.as_str() != "maxsize"));
                if let (Some(extra), _) | (_, Some(extra)) = (args.get(1), unknown.map(|k| &k.value)) {
                    let message = said!("a Queue takes `maxsize` only", "Queue는 `maxsize`만 받습니다");
                    return Err(refuse(self.source, extra, message));
                }
                let maxsize = match (args.first(), keyword("maxsize")) {
                    (Some(m), None) | (None, Some(ast::Keyword { value: m, .. })) => {
                        whole(m, ("a Queue's maxsize", "Queue의 maxsize 값"))?
                    }
                    (None, None) => 0,
                    (Some(_), Some(k)) => {
                        let message = said!("maxsize is given twice", "maxsize가 두 번 주어졌습니다");
                        return Err(refuse(self.source, k, message));
                    }
                };
                Ok(Some(ObjectKind::Queue { maxsize: maxsize.clamp(0, u32::MAX as i64) as u32 }))
            }
            "Value" => {
                let ([typecode, initial], true) = (args, call.arguments.keywords.is_empty()) else {
                    let message = said!(
                        "a Value is made as `Value(\"i\", 0)` so far",
                        "Value는 아직 `Value(\"i\", 0)` 형태로만 만들 수 있습니다"
                    );
                    return Err(refuse(self.source, call, message));
                };
                let Expr::StringLiteral(code) = typecode else {
                    let message = said!(
                        "a Value's typecode is text, like \"i\"",
                        "Value의 typecode는 \"i\"처럼 문자열이어야 합니다"
                    );
                    return Err(refuse(self.source, typecode, message));
                };
                // Narrower C types wrap around in CPython; these hold what the engines hold.
                if !matches!(code.value.to_str(), "i" | "l" | "q") {
                    let message = said!(
                        "a Value holds a whole number so far: typecode \"i\", \"l\" or \"q\"",
                        "Value는 아직 정수만 담을 수 있습니다: typecode \"i\", \"l\", \"q\""
                    );
                    return Err(refuse(self.source, typecode, message));
                }
                let initial = whole(initial, ("a Value's first value", "Value의 첫 값"))?;
                // multiprocessing's Value lock is re-entrant.
                self.objects.push(ObjectDef { name: format!("{name}.get_lock()"), kind: ObjectKind::RLock });
                Ok(Some(ObjectKind::SharedValue { initial, lock: ObjectId(self.objects.len() as u16 - 1) }))
            }
            _ => Ok(None),
        }
    }

    /// `left, right = Pipe()` (or `Pipe(duplex=False)`: `left` receives, `right` sends):
    /// whether `value` made a pipe, its ends bound to the two names.
    pub(super) fn declare_pipe(&mut self, names: &ast::ExprTuple, value: &Expr) -> Result<bool, CompileError> {
        let Some((call, "Pipe")) = mp_call(self, value)? else { return Ok(false) };
        let [Expr::Name(left), Expr::Name(right)] = &names.elts[..] else {
            let message = said!(
                "a Pipe's two ends go to two names: `left, right = Pipe()`",
                "Pipe의 양 끝은 두 이름에 나눠 대입해야 합니다: `left, right = Pipe()`"
            );
            return Err(refuse(self.source, names, message));
        };
        let duplex = match (&call.arguments.args[..], &call.arguments.keywords[..]) {
            ([], []) => true,
            ([Expr::BooleanLiteral(b)], []) => b.value,
            ([], [k]) if k.arg.as_ref().is_some_and(|a| a.as_str() == "duplex") => match &k.value {
                Expr::BooleanLiteral(b) => b.value,
                other => return Err(refuse(self.source, other, true_or_false("duplex="))),
            },
            _ => {
                let message = said!(
                    "a Pipe takes `duplex=True` or `duplex=False` only",
                    "Pipe는 `duplex=True` 또는 `duplex=False`만 받습니다"
                );
                return Err(refuse(self.source, call, message));
            }
        };
        self.objects.push(ObjectDef {
            name: format!("Pipe() as {}, {}", left.id, right.id),
            kind: ObjectKind::Pipe { duplex },
        });
        let id = ObjectId(self.objects.len() as u16 - 1);
        self.globals.insert(left.id.to_string(), Global::End(id, 0));
        self.globals.insert(right.id.to_string(), Global::End(id, 1));
        Ok(true)
    }
}

impl Body<'_, '_> {
    /// Whether `expr` is `multiprocessing.current_process().name`.
    pub(super) fn is_current_process_name(&self, expr: &Expr) -> Result<bool, CompileError> {
        let Expr::Attribute(attr) = expr else { return Ok(false) };
        if attr.attr.as_str() != "name" {
            return Ok(false);
        }
        Ok(matches!(mp_call(self.m, &attr.value)?, Some((call, "current_process")) if call.arguments.is_empty()))
    }

    /// `set_start_method("fork")` or `("spawn")`, in the main thread before any process is
    /// made; `Ok(false)` when `expr` is no such call.
    pub(super) fn start_method_call(&mut self, expr: &Expr) -> Result<bool, CompileError> {
        let Some((call, "set_start_method")) = mp_call(self.m, expr)? else { return Ok(false) };
        if !self.main || !self.m.processes.is_empty() {
            let message = said!(
                "set the start method in the main thread before making any process",
                "시작 방식은 프로세스를 만들기 전에 메인 스레드에서 설정해야 합니다"
            );
            return Err(self.refuse(call, message));
        }
        let method = match &call.arguments.args[..] {
            [Expr::StringLiteral(s)] => s.value.to_str(),
            _ => {
                let message = said!(
                    "`set_start_method` takes \"fork\" or \"spawn\"",
                    "`set_start_method`에는 \"fork\" 또는 \"spawn\"을 넘겨야 합니다"
                );
                return Err(self.refuse(call, message));
            }
        };
        self.m.start_method = match method {
            "fork" => StartMethod::Fork,
            "spawn" => StartMethod::Spawn,
            "forkserver" => {
                let message = said!(
                    "the forkserver start method is not modelled yet: \"fork\" or \"spawn\"",
                    "forkserver 시작 방식은 아직 모델링하지 않았습니다: \"fork\"나 \"spawn\"을 써야 합니다"
                );
                return Err(self.refuse(call, message));
            }
            other => {
                let message = said!(
                    "ValueError: cannot find context for '{other}'",
                    "Python에서는 이 오류가 납니다: ValueError: cannot find context for '{other}'"
                );
                return Err(self.refuse(call, message));
            }
        };
        Ok(true)
    }

    /// `sys.setswitchinterval(seconds)`: how long a thread keeps the GIL while another
    /// waits for it. The program's own setting for the run, so it is made before any
    /// thread or process starts.
    pub(super) fn switch_interval_call(&mut self, call: &ast::ExprCall) -> Result<bool, CompileError> {
        let Expr::Attribute(attr) = call.func.as_ref() else { return Ok(false) };
        let is_sys = matches!(attr.value.as_ref(), Expr::Name(n) if n.id.as_str() == "sys")
            && self.m.imports.contains("sys")
            && !self.names_a_local(&attr.value);
        if !is_sys {
            return Ok(false);
        }
        if attr.attr.as_str() != "setswitchinterval" {
            let name = &attr.attr;
            let message = said!(
                "`sys.{name}` is not supported yet; `sys.setswitchinterval(seconds)` is",
                "`sys.{name}`은(는) 아직 지원하지 않습니다. 지원하는 것은 `sys.setswitchinterval(seconds)`입니다"
            );
            return Err(self.refuse(call, message));
        }
        if !self.main || self.nesting > 0 || !self.m.threads.is_empty() {
            let message = said!(
                "set the switch interval in the main thread, at the module's level (not in a loop or a branch), \
                 before starting any thread or process",
                "스위치 간격은 스레드나 프로세스를 시작하기 전에, 메인 스레드의 모듈 최상위\
                 (반복문이나 분기 안이 아닌 곳)에서 설정해야 합니다"
            );
            return Err(self.refuse(call, message));
        }
        let seconds = match (&call.arguments.args[..], call.arguments.keywords.is_empty()) {
            ([arg], true) => self.seconds(arg),
            _ => {
                let message = said!(
                    "`sys.setswitchinterval` takes one number of seconds",
                    "`sys.setswitchinterval`에는 초 단위의 수 하나를 넘겨야 합니다"
                );
                return Err(self.refuse(call, message));
            }
        };
        let Some(seconds) = seconds else {
            let message = said!(
                "the switch interval is a number known before the run, so far",
                "스위치 간격은 아직 실행 전에 알 수 있는 수여야 합니다"
            );
            return Err(self.refuse(call, message));
        };
        if seconds <= 0.0 {
            let message = said!(
                "ValueError: switch interval must be strictly positive",
                "Python에서는 이 오류가 납니다: ValueError: switch interval must be strictly positive"
            );
            return Err(self.refuse(call, message));
        }
        // CPython keeps it in whole microseconds.
        let micros = (seconds * 1e6).floor();
        if !(1.0..=MAX_SWITCH_INTERVAL_S * 1e6).contains(&micros) {
            let message = said!(
                "a switch interval from 1 µs to {MAX_SWITCH_INTERVAL_S} s, so far",
                "스위치 간격은 아직 1 µs부터 {MAX_SWITCH_INTERVAL_S} s까지만 지원합니다"
            );
            return Err(self.refuse(call, message));
        }
        self.m.switch_interval = Some(micros as Nanos * 1000);
        Ok(true)
    }
}

/// The longest switch interval a program may set (CPython's default is 5 ms).
const MAX_SWITCH_INTERVAL_S: f64 = 10.0;
