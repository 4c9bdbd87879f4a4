//! What the compiler knows of a module while it lowers it: what each module-level name
//! stands for, its functions, its shared objects and the threads made so far; and the
//! loops open in a body.

use std::collections::{BTreeMap, BTreeSet};

use ruff_python_ast as ast;
use ruff_text_size::TextSize;

use crate::engine::program::{
    ActorDef, ActorId, ActorRole, ObjectDef, ObjectId, Op, ProcessDef, ProcessId, Program, Reg, StartMethod,
};
use crate::engine::trace::Nanos;

/// A value known before the run: a module constant, a parameter a thread was given.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Value {
    Int(i64),
    Float(f64),
    Text(String),
    Bool(bool),
    /// A list of known values (`[1, 2]`, `[n * 2 for n in range(3)]`).
    List(Vec<Value>),
}

impl Value {
    /// As Python's `str()` shows it.
    pub fn shown(&self) -> String {
        match self {
            Value::Text(t) => t.clone(),
            other => other.repr(),
        }
    }

    /// As Python's `repr()` shows it: text in quotes, lists with their items' reprs.
    pub fn repr(&self) -> String {
        match self {
            Value::Int(v) => v.to_string(),
            Value::Float(f) => float_repr(*f),
            Value::Bool(b) => if *b { "True" } else { "False" }.into(),
            Value::Text(t) => text_repr(t),
            Value::List(items) => format!("[{}]", items.iter().map(Value::repr).collect::<Vec<_>>().join(", ")),
        }
    }

    /// As a number, if it is one (a bool is 0 or 1, as in Python).
    pub fn number(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            Value::Bool(b) => Some(f64::from(u8::from(*b))),
            Value::Text(_) | Value::List(_) => None,
        }
    }

    /// As a whole number, if it is one (a bool is 0 or 1).
    pub fn whole(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            Value::Bool(b) => Some(i64::from(*b)),
            _ => None,
        }
    }

    /// Python's truth: zero, empty text and empty lists are false.
    pub fn truthy(&self) -> bool {
        match self {
            Value::Int(i) => *i != 0,
            Value::Float(f) => *f != 0.0,
            Value::Bool(b) => *b,
            Value::Text(t) => !t.is_empty(),
            Value::List(items) => !items.is_empty(),
        }
    }
}

/// Text as Python's `repr` writes it: in single quotes unless it holds one and no double.
fn text_repr(text: &str) -> String {
    let quote = if text.contains('\'') && !text.contains('"') { '"' } else { '\'' };
    let mut out = String::from(quote);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// A float as Python's `repr` writes it: the shortest digits that read back the same, in
/// positional notation from 1e-4 up to 1e16 and with an exponent (`1e-05`, `1e+16`) outside.
fn float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if f == 0.0 || (1e-4..1e16).contains(&f.abs()) {
        let text = f.to_string();
        return if text.contains('.') { text } else { text + ".0" };
    }
    // Rust writes `1e-5` and `2.5e16`; Python `1e-05` and `2.5e+16`.
    let text = format!("{f:e}");
    let (digits, exponent) = text.split_once('e').expect("an exponent");
    let (sign, exponent) = match exponent.strip_prefix('-') {
        Some(e) => ('-', e),
        None => ('+', exponent),
    };
    format!("{digits}e{sign}{exponent:0>2}")
}

/// A shared object a name stands for: one the module made, or one end of a pipe.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Handle {
    Object(ObjectId),
    /// `left, right = Pipe()`: end 0 (`left`) or 1 (`right`) of the pipe.
    End(ObjectId, u8),
}

/// What a call, a thread or a process gives a parameter.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Arg {
    /// A value known before the run.
    Known(Value),
    /// A local's register (in a call: copied into the function's own).
    Local(Reg),
    /// A shared object (a lock, a queue, a `Value`, a pipe's end).
    Handle(Handle),
}

/// What a module-level name stands for.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Global {
    Const(Value),
    /// Shared state: a variable or a lock.
    Object(ObjectId),
    /// One end of a pipe.
    End(ObjectId, u8),
    /// A list of locks (or other objects), by their places.
    Objects(Vec<ObjectId>),
    /// A thread or a process (its main thread), or a list of them.
    Threads(Vec<ActorId>),
    /// A `def`, by its place in [`Module::functions`].
    Function(usize),
    /// A `threading.Thread` subclass, by its place in [`Module::thread_classes`].
    ThreadClass(usize),
}

pub(super) struct Module<'a> {
    pub source: &'a str,
    pub globals: BTreeMap<String, Global>,
    pub functions: Vec<&'a ast::StmtFunctionDef>,
    pub thread_classes: Vec<ThreadClass<'a>>,
    pub objects: Vec<ObjectDef>,
    /// Every actor but the main thread (actor 0), in the order they were made: threads,
    /// and the main threads of child processes.
    pub threads: Vec<ActorDef>,
    /// The child processes, in the order they were made (the main process is not here).
    pub processes: Vec<ProcessDef>,
    /// `from multiprocessing import Process, Queue`: the names so imported.
    pub from_multiprocessing: BTreeSet<String>,
    /// While a child process's code is compiled: its name.
    pub current_process: Option<String>,
    /// `os.getpid()` of the code being compiled, where one process runs it (the engines
    /// number pids from 1000, the main process's).
    pub current_pid: Option<i64>,
    /// `import multiprocessing as mp`: the name it goes by.
    pub multiprocessing_alias: Option<String>,
    /// Objects made by `threading` or `queue`: a child process gets its own copy of each,
    /// so they are refused in a process's code.
    pub thread_only: BTreeSet<ObjectId>,
    /// The texts the program may send through a queue or a pipe (see [`super::texts`]).
    pub texts: Vec<String>,
    /// How child processes start: fork (Linux's default before 3.14) unless the program
    /// calls `set_start_method`.
    pub start_method: StartMethod,
    /// `sys.setswitchinterval(...)` before any thread starts: the GIL's interval, in ns.
    pub switch_interval: Option<Nanos>,
    pub imports: BTreeSet<String>,
    /// Threads made without a name so far: CPython numbers only those (`Thread-3 (work)`).
    pub unnamed_threads: usize,
    /// Threads started by `_thread` so far (`Dummy-N`).
    pub dummy_threads: usize,
    /// The functions compiled so far (for a thread, or called by one).
    pub compiled: BTreeSet<usize>,
    /// The name of the thread whose code is being compiled, when it is known before the
    /// run: `threading.current_thread().name` is then a known value.
    pub current_thread: Option<String>,
    /// The module's statements.
    pub body: &'a [ast::Stmt],
    /// Where each module-level name got its first value: that statement runs no operation.
    pub declared_at: BTreeMap<String, TextSize>,
}

impl<'a> Module<'a> {
    pub fn new(source: &'a str, body: &'a [ast::Stmt]) -> Self {
        Module {
            source,
            globals: BTreeMap::new(),
            functions: Vec::new(),
            thread_classes: Vec::new(),
            objects: Vec::new(),
            threads: Vec::new(),
            processes: Vec::new(),
            from_multiprocessing: BTreeSet::new(),
            current_process: None,
            current_pid: Some(crate::engine::program::FIRST_PID),
            multiprocessing_alias: None,
            start_method: StartMethod::Fork,
            switch_interval: None,
            texts: Vec::new(),
            thread_only: BTreeSet::new(),
            imports: BTreeSet::new(),
            unnamed_threads: 0,
            dummy_threads: 0,
            compiled: BTreeSet::new(),
            current_thread: None,
            body,
            declared_at: BTreeMap::new(),
        }
    }

    pub fn imported(&self, name: &str) -> bool {
        self.imports.contains(name)
    }

    /// Whether calling `function` makes a thread or a process: a `threading.Thread`
    /// subclass of the module's, `Process` imported from `multiprocessing`, or
    /// `mp.Process` where `mp` is its alias.
    pub fn makes_actors(&self, function: &ast::Expr) -> bool {
        match function {
            ast::Expr::Name(n) => match self.globals.get(n.id.as_str()) {
                Some(Global::ThreadClass(_)) => true,
                Some(_) => false,
                None => n.id.as_str() == "Process" && self.from_multiprocessing.contains("Process"),
            },
            ast::Expr::Attribute(a) => {
                a.attr.as_str() == "Process"
                    && matches!(a.value.as_ref(), ast::Expr::Name(m) if self.multiprocessing_alias.as_deref() == Some(m.id.as_str()))
            }
            _ => false,
        }
    }

    /// The Program: the main thread running `main_ops`, then every thread made.
    pub fn finish(self, main_ops: Vec<Op>) -> Program {
        let main_process = main_process();
        let main = ActorDef {
            name: "MainThread".into(),
            process: ProcessId(0),
            role: ActorRole::ProcessMain,
            daemon: false,
            ops: main_ops,
        };
        let mut actors = vec![main];
        actors.extend(self.threads);
        let mut processes = vec![main_process];
        processes.extend(self.processes);
        Program {
            source: self.source.to_string(),
            processes,
            actors,
            objects: self.objects,
            switch_interval: self.switch_interval,
        }
    }
}

/// The main process, as every Program has it.
pub(super) fn main_process() -> ProcessDef {
    ProcessDef {
        name: "MainProcess".into(),
        parent: None,
        start_method: StartMethod::Main,
        daemon: false,
        unpicklable: None,
    }
}

/// A `threading.Thread` subclass: its `__init__` (if it has one) and its `run`, by its
/// place in [`Module::functions`].
#[derive(Clone, Copy, Debug)]
pub(super) struct ThreadClass<'a> {
    pub init: Option<&'a ast::StmtFunctionDef>,
    pub run: usize,
}

/// What `threading.Thread(target=f, name=...)` asks for: the function, by its place in the
/// module's functions, and the name if one is given.
pub(super) struct ThreadSpec {
    pub target: usize,
    pub name: Option<String>,
    /// `args=(...)`: what its parameters are bound to, by position.
    pub args: Vec<Arg>,
    /// `kwargs={...}`: by name.
    pub named: Vec<(String, Arg)>,
    pub daemon: bool,
    /// A Thread subclass's instance: `target` is its `run`, and these its attributes, as
    /// `self.NAME` and their values.
    pub attributes: Option<Vec<(String, Value)>>,
    /// `multiprocessing.Process(...)`: a child process, its main thread running the target.
    pub process: bool,
}

/// A pool made and not yet shut down: its parts still to place.
pub(super) struct OpenPool {
    pub parts: crate::engine::python::pool::PoolParts,
    pub plan: crate::engine::python::pool::PoolPlan,
    /// Where the batch is handed out (the statement's start).
    pub batch: TextSize,
    /// `apply_async` without a callback: the queue the handles' results go to.
    pub handles: Option<(String, ObjectId)>,
    pub closed: bool,
}

/// A loop being compiled: where it starts, and the `break`s to point at its end.
pub(super) struct OpenLoop {
    pub start: usize,
    pub breaks: Vec<usize>,
    /// A `for` over `range(N)`: its count lives in the engine, so no `break` out of it.
    pub counted: bool,
    /// How many `with` blocks were open where the loop began.
    pub withs: usize,
}

impl OpenLoop {
    pub fn counted(start: usize, withs: usize) -> Self {
        OpenLoop { start, breaks: Vec::new(), counted: true, withs }
    }
}
