//! The module level of a learner's program: its imports, its constants, the shared state
//! its threads and processes touch (a module-level number or list the program changes, a
//! `threading.Lock()`, a `multiprocessing.Queue()`, ...), its functions, and the main
//! thread's own statements. A first pass declares them all, so that a function may use
//! what is defined below it, as in Python; then the main thread's statements are lowered,
//! making threads, processes and pools as they come. README's "Your own program" lists the
//! subset; the other modules of `compile` each lower a part of it.

use std::collections::BTreeSet;

use ruff_python_ast::{self as ast, Expr, Stmt};

use super::body::Body;
use super::expr::{clock_offset, constant, threading_call, value_in};
use super::scope::{Global, Module, Value};
use super::syntax::{blocks, is_main_guard};
use super::{refuse, CompileError};
use crate::engine::program::{ObjectDef, ObjectId, ObjectKind, Program};

/// Compiles a whole program: its Python text becomes the Program's source, each operation
/// pointing at the line it comes from.
pub fn compile(source: &str) -> Result<Program, CompileError> {
    super::check_size(source)?;
    // Python ends a line at \r\n, \n or a lone \r; the Program's source has \n only, so
    // its line numbers are the ones Python gives.
    let normal;
    let source = if source.contains('\r') {
        normal = source.replace("\r\n", "\n").replace('\r', "\n");
        normal.as_str()
    } else {
        source
    };
    let parsed = ruff_python_parser::parse_module(source).map_err(|e| {
        let at = usize::from(e.location.start());
        // The parser is built without Unicode's table of names (see Cargo.toml's patch).
        if source.get(at.saturating_sub(3)..at).is_some_and(|before| before.ends_with("\\N{")) {
            let message = crate::said!(
                "a `\\N{{NAME}}` escape is not supported here; write the character itself, or `\\uXXXX`",
                "여기서는 `\\N{{NAME}}` 이스케이프를 지원하지 않습니다. 문자를 그대로 쓰거나 `\\uXXXX` 형식으로 쓰세요"
            );
            return super::at(source, (at as u32 - 3).into(), message);
        }
        let error = &e.error;
        super::at(
            source,
            e.location.start(),
            crate::said!("invalid Python: {error}", "올바른 Python이 아닙니다: {error}"),
        )
    })?;
    let inlined = super::main_function::inline_main(source, parsed.into_syntax().body.into_iter().collect())?;
    let body: &[Stmt] = &inlined;
    let mut module = Module::new(source, body);
    module.declare(body)?;
    module.texts = module.sendable_texts(body);
    if let Some(name) = used_before_bound(&module, body) {
        let id = &name.id;
        return Err(refuse(
            source,
            name,
            crate::said!(
                "`{id}` is used before it is given a value here: Python raises `NameError`",
                "`{id}`이(가) 여기서 값을 받기 전에 쓰입니다. Python은 `NameError`를 냅니다"
            ),
        ));
    }
    let mut main = Body::main(&mut module);
    main.take_registers(body)?;
    main.block(body)?;
    let main_ops = main.finish();
    // A function no thread ran is checked too (without parameters), as a learner expects;
    // the others were compiled for each thread's arguments.
    for f in 0..module.functions.len() {
        if module.functions[f].parameters.is_empty() && !module.compiled.contains(&f) {
            let name = &module.functions[f].name;
            Body::thread(&mut module, f, &[], &[], name)?;
        }
    }
    Ok(module.finish(main_ops))
}

impl<'a> Module<'a> {
    /// The first pass: imports, functions, constants and shared state, so that a function
    /// may use what is defined below it, as in Python.
    fn declare(&mut self, body: &'a [Stmt]) -> Result<(), CompileError> {
        let mut shared = declared_global(body);
        shared.extend(super::lists::changed_lists(body));
        for stmt in body {
            match stmt {
                Stmt::Import(import) => {
                    for alias in &import.names {
                        let name = alias.name.as_str();
                        if name == "multiprocessing" {
                            self.multiprocessing_alias = alias.asname.as_ref().map(|a| a.to_string());
                        } else if !matches!(name, "threading" | "time" | "_thread" | "os" | "queue" | "sys")
                            || alias.asname.is_some()
                        {
                            return Err(refuse(
                                self.source,
                                alias,
                                crate::said!(
                                    "`import {name}` is not supported yet: import `threading`, `multiprocessing` \
                                     (or `as mp`), `queue`, `_thread`, `time`, `os` or `sys`, as plain names",
                                    "`import {name}`은(는) 아직 지원하지 않습니다. \
                                     가져올 수 있는 것은 `threading`, `multiprocessing`(또는 `as mp`), `queue`, \
                                     `_thread`, `time`, `os`, `sys`이며, 다른 이름 없이 가져와야 합니다"
                                ),
                            ));
                        }
                        self.imports.insert(name.to_string());
                    }
                }
                Stmt::ImportFrom(import) => self.import_from(import)?,
                Stmt::FunctionDef(def) => {
                    self.functions.push(def);
                    self.globals.insert(def.name.to_string(), Global::Function(self.functions.len() - 1));
                }
                Stmt::ClassDef(class) => self.declare_class(class)?,
                Stmt::Assign(assign) => self.declare_assign(assign, &shared)?,
                Stmt::If(guard) if is_main_guard(&guard.test) => self.declare(&guard.body)?,
                _ => {}
            }
        }
        Ok(())
    }

    fn declare_assign(&mut self, assign: &'a ast::StmtAssign, shared: &BTreeSet<String>) -> Result<(), CompileError> {
        let [target] = assign.targets.as_slice() else {
            let message = crate::said!(
                "chained assignment (`a = b = ...`) is not supported yet",
                "연쇄 대입(`a = b = ...`)은 아직 지원하지 않습니다"
            );
            return Err(refuse(self.source, assign, message));
        };
        match (target, assign.value.as_ref()) {
            // `A, B = 1, 2`: constants.
            (Expr::Tuple(names), Expr::Tuple(values)) if names.elts.len() == values.elts.len() => {
                for (name, value) in names.elts.iter().zip(&values.elts) {
                    let Expr::Name(name) = name else { continue };
                    if let Some(v) = value_in(self, &[], value) {
                        let global = self.module_value(&name.id, v, shared, value)?;
                        self.globals.insert(name.id.to_string(), global);
                        self.declared_at.insert(name.id.to_string(), assign.range.start());
                    }
                }
            }
            (Expr::Tuple(names), value) => {
                if self.declare_pipe(names, value)? {
                    for name in &names.elts {
                        if let Expr::Name(name) = name {
                            self.declared_at.insert(name.id.to_string(), assign.range.start());
                        }
                    }
                }
            }
            (Expr::Name(name), value) => {
                let name = name.id.to_string();
                if self.globals.contains_key(&name) {
                    return Ok(());
                }
                let before = self.globals.len();
                let objects_before = self.objects.len();
                // `threading`'s objects and `queue.Queue` are this process's alone.
                let thread_only = super::syntax::threading_call(value).is_some()
                    || super::syntax::module_call(value, "queue").is_some()
                    || matches!(value, Expr::ListComp(c) if super::syntax::threading_call(&c.elt).is_some());
                if let Some(list) = self.declare_object_list(&name, value, |m, e| m.object_made_by(e))? {
                    self.globals.insert(name.clone(), list);
                } else if let Some(kind) = self.condition_made_by(&name, value)? {
                    self.objects.push(ObjectDef { name: name.clone(), kind });
                    self.globals.insert(name.clone(), Global::Object(ObjectId(self.objects.len() as u16 - 1)));
                } else if let Some(kind) = self.shared_object_made_by(&name, value)? {
                    self.objects.push(ObjectDef { name: name.clone(), kind });
                    self.globals.insert(name.clone(), Global::Object(ObjectId(self.objects.len() as u16 - 1)));
                } else if let Some(kind) = self.object_made_by(value)? {
                    self.objects.push(ObjectDef { name: name.clone(), kind });
                    self.globals.insert(name.clone(), Global::Object(ObjectId(self.objects.len() as u16 - 1)));
                } else if let Some(offset) =
                    clock_offset(self, value).filter(|_| !super::clock::read_against_clock(self.body, &name))
                {
                    // Read as the run's start: the main thread reads it before anything else.
                    self.globals.insert(name.clone(), Global::Const(Value::Float(offset)));
                } else if let Some(v) = value_in(self, &[], value) {
                    let global = self.module_value(&name, v, shared, value)?;
                    self.globals.insert(name.clone(), global);
                }
                if self.globals.len() > before {
                    self.declared_at.insert(name, assign.range.start());
                }
                if thread_only {
                    self.thread_only.extend((objects_before..self.objects.len()).map(|i| ObjectId(i as u16)));
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// A module-level name first given the known value `v`: a variable (shared state) if
    /// the program changes it, else a constant.
    fn module_value(
        &mut self,
        name: &str,
        v: Value,
        shared: &BTreeSet<String>,
        at: &Expr,
    ) -> Result<Global, CompileError> {
        Ok(match (shared.contains(name), v) {
            (true, Value::Int(initial)) => {
                self.objects.push(ObjectDef { name: name.to_string(), kind: ObjectKind::Var { initial } });
                Global::Object(ObjectId(self.objects.len() as u16 - 1))
            }
            (true, Value::List(items)) => {
                let initial = items.iter().map(Value::whole).collect::<Option<Vec<i64>>>().ok_or_else(|| {
                    let message = crate::said!(
                        "a list the program changes holds whole numbers so far",
                        "프로그램이 바꾸는 리스트에는 아직 정수만 담을 수 있습니다"
                    );
                    refuse(self.source, at, message)
                })?;
                self.objects.push(ObjectDef { name: name.to_string(), kind: ObjectKind::List { initial } });
                Global::Object(ObjectId(self.objects.len() as u16 - 1))
            }
            (true, _) => {
                let message = crate::said!("shared state is a whole number so far", "공유 상태는 아직 정수여야 합니다");
                return Err(refuse(self.source, at, message));
            }
            (false, v) => Global::Const(v),
        })
    }

    /// `threading.Condition()` (over a new RLock, added first as `NAME's lock`, as CPython
    /// makes one) or `threading.Condition(lock)` over a lock of the module's.
    fn condition_made_by(&mut self, name: &str, value: &Expr) -> Result<Option<ObjectKind>, CompileError> {
        let Some((call, "Condition")) = threading_call(self, value)? else { return Ok(None) };
        let lock = match (&call.arguments.args[..], call.arguments.keywords.is_empty()) {
            ([], true) => {
                self.objects.push(ObjectDef { name: format!("{name}'s lock"), kind: ObjectKind::RLock });
                ObjectId(self.objects.len() as u16 - 1)
            }
            ([Expr::Name(lock)], true) => match self.globals.get(lock.id.as_str()) {
                Some(Global::Object(id))
                    if matches!(self.objects[id.0 as usize].kind, ObjectKind::Lock | ObjectKind::RLock) =>
                {
                    *id
                }
                _ => {
                    let message = crate::said!(
                        "a `Condition`'s lock is a `Lock` or `RLock` made before it",
                        "`Condition`의 락은 그보다 먼저 만든 `Lock`이나 `RLock`이어야 합니다"
                    );
                    return Err(refuse(self.source, lock, message));
                }
            },
            _ => {
                let message = crate::said!(
                    "a `Condition` takes one lock, or none",
                    "`Condition`은 락을 하나 받거나 아무것도 받지 않습니다"
                );
                return Err(refuse(self.source, call, message));
            }
        };
        Ok(Some(ObjectKind::Condition { lock }))
    }

    /// `threading.Lock()`, `RLock()`, `Semaphore(n)`, `BoundedSemaphore(n)`, `Event()` or
    /// `Barrier(n)`.
    fn object_made_by(&self, value: &Expr) -> Result<Option<ObjectKind>, CompileError> {
        let Some((call, made)) = threading_call(self, value)? else { return Ok(None) };
        if !call.arguments.keywords.is_empty() {
            return Ok(None);
        }
        let args = &call.arguments.args[..];
        let permits = |bounded| -> Result<ObjectKind, CompileError> {
            let permits = match args {
                [] => 1,
                [n] => constant(self, n).and_then(|n| u32::try_from(n).ok()).ok_or_else(|| {
                    let message = crate::said!(
                        "a semaphore's value is a whole number from 0 known before the run",
                        "세마포어의 값은 실행 전에 알 수 있는 0 이상의 정수여야 합니다"
                    );
                    refuse(self.source, n, message)
                })?,
                [_, extra, ..] => {
                    let message = crate::said!("a semaphore takes one value", "세마포어는 값을 하나만 받습니다");
                    return Err(refuse(self.source, extra, message));
                }
            };
            Ok(ObjectKind::Semaphore { permits, bounded })
        };
        Ok(match (made, args.is_empty()) {
            ("Lock", true) => Some(ObjectKind::Lock),
            ("RLock", true) => Some(ObjectKind::RLock),
            ("Event", true) => Some(ObjectKind::Event),
            ("Semaphore", _) => Some(permits(false)?),
            ("Barrier", false) => match permits(false)? {
                ObjectKind::Semaphore { permits, .. } if permits > 0 => Some(ObjectKind::Barrier { parties: permits }),
                _ => {
                    let message = crate::said!(
                        "a `Barrier` takes the number of parties, 1 or more",
                        "`Barrier`에는 1 이상의 참여자 수가 필요합니다"
                    );
                    return Err(refuse(self.source, call, message));
                }
            },
            ("BoundedSemaphore", _) => Some(permits(true)?),
            _ => None,
        })
    }
}

/// The names some function declares `global`, or the module updates with `+=`: those of
/// them bound at module level are shared state, the others constants.
fn declared_global(body: &[Stmt]) -> BTreeSet<String> {
    fn walk(stmts: &[Stmt], names: &mut BTreeSet<String>) {
        for stmt in stmts {
            match stmt {
                Stmt::Global(global) => names.extend(global.names.iter().map(|n| n.to_string())),
                Stmt::FunctionDef(def) => walk(&def.body, names),
                Stmt::ClassDef(class) => walk(&class.body, names),
                other => blocks(other).into_iter().for_each(|block| walk(block, names)),
            }
        }
    }
    let mut names = BTreeSet::new();
    walk(body, &mut names);
    // A module-level name the main thread itself updates is a variable too.
    fn updated(stmts: &[Stmt], names: &mut BTreeSet<String>) {
        for stmt in stmts {
            match stmt {
                Stmt::AugAssign(aug) => {
                    if let Expr::Name(name) = aug.target.as_ref() {
                        names.insert(name.id.to_string());
                    }
                }
                other => blocks(other).into_iter().for_each(|block| updated(block, names)),
            }
        }
    }
    updated(body, &mut names);
    // So is one given a value twice (or in a loop or a branch) at module level.
    let mut assigned: Vec<String> = Vec::new();
    fn assignments(stmts: &[Stmt], nested: bool, seen: &mut Vec<String>, names: &mut BTreeSet<String>) {
        for stmt in stmts {
            match stmt {
                Stmt::Assign(a) => {
                    let targets = a.targets.iter().flat_map(|t| match t {
                        Expr::Tuple(tuple) => tuple.elts.iter().collect::<Vec<_>>(),
                        other => vec![other],
                    });
                    for target in targets {
                        if let Expr::Name(n) = target {
                            let id = n.id.to_string();
                            if nested || seen.contains(&id) {
                                names.insert(id.clone());
                            }
                            seen.push(id);
                        }
                    }
                }
                other => blocks(other).into_iter().for_each(|block| assignments(block, true, seen, names)),
            }
        }
    }
    assignments(body, false, &mut assigned, &mut names);
    names
}

/// The first name the main thread reads before the module has bound it (a `def` further
/// down, a constant assigned later), in the order the module's statements run.
fn used_before_bound<'b>(module: &Module, body: &'b [Stmt]) -> Option<&'b ast::ExprName> {
    use ruff_python_ast::visitor::{walk_expr, walk_stmt, Visitor};
    struct Reads<'b, 'n> {
        module_names: &'n std::collections::BTreeMap<String, Global>,
        bound: BTreeSet<String>,
        first: Option<&'b ast::ExprName>,
    }
    impl<'b> Visitor<'b> for Reads<'b, '_> {
        fn visit_stmt(&mut self, stmt: &'b Stmt) {
            match stmt {
                // A function's body runs later, when it is called: only its name is bound now.
                Stmt::FunctionDef(def) => {
                    self.bound.insert(def.name.to_string());
                }
                Stmt::ClassDef(class) => {
                    self.bound.insert(class.name.to_string());
                }
                Stmt::Import(import) => {
                    self.bound.extend(import.names.iter().map(|a| a.name.to_string()));
                }
                Stmt::ImportFrom(import) => {
                    self.bound.extend(import.names.iter().map(|a| a.name.to_string()));
                }
                other => walk_stmt(self, other),
            }
        }
        fn visit_expr(&mut self, expr: &'b Expr) {
            if let Expr::Name(name) = expr {
                let id = name.id.to_string();
                match name.ctx {
                    ast::ExprContext::Store => {
                        self.bound.insert(id);
                    }
                    _ if self.first.is_none() && self.module_names.contains_key(&id) && !self.bound.contains(&id) => {
                        self.first = Some(name);
                    }
                    _ => {}
                }
            }
            walk_expr(self, expr);
        }
    }
    let mut reads = Reads { module_names: &module.globals, bound: BTreeSet::new(), first: None };
    for stmt in body {
        reads.visit_stmt(stmt);
    }
    reads.first
}
