//! A program's `main()`: many tutorials put the main thread's work in a function called
//! once at the end (`if __name__ == "__main__": main()`). Such a function runs in the main
//! thread as the module's own statements would, so its body is compiled in place of the
//! call, making threads, processes and pools as the module's top level does. What would
//! differ is refused: a name `main()` keeps to itself that another function reads, or
//! that the module binds too.

use std::collections::BTreeSet;

use ruff_python_ast::{self as ast, Expr, Stmt};

use super::syntax::{any_stmt, blocks, each_expr, is_main_guard, mentions_outside_comprehensions};
use super::{refuse, CompileError};

/// `body` with the call of its `main()` function (if it has one) replaced by the
/// function's statements, and the `def` left out. The statements are moved, never copied
/// (copying a syntax tree would put its whole `Clone` in the engine worker's wasm).
pub(super) fn inline_main(source: &str, mut body: Vec<Stmt>) -> Result<Vec<Stmt>, CompileError> {
    let Some(at) = main_function(&body) else { return Ok(body) };
    let Stmt::FunctionDef(def) = &body[at] else { unreachable!("main_function finds a def") };
    check_locals(source, &body, def)?;
    let Stmt::FunctionDef(mut def) = body.remove(at) else { unreachable!("checked above") };
    let mut lines = Some(std::mem::take(&mut def.body));
    let mut inlined = Vec::with_capacity(body.len());
    for stmt in body {
        match stmt {
            s if is_call_of(&s, def.name.as_str()) => inlined.extend(lines.take().into_iter().flatten()),
            Stmt::If(mut guard) if is_main_guard(&guard.test) => {
                let mut inside = Vec::with_capacity(guard.body.len());
                for s in std::mem::take(&mut guard.body) {
                    match is_call_of(&s, def.name.as_str()) {
                        true => inside.extend(lines.take().into_iter().flatten()),
                        false => inside.push(s),
                    }
                }
                guard.body = inside.into_iter().collect();
                inlined.push(Stmt::If(guard));
            }
            other => inlined.push(other),
        }
    }
    Ok(inlined)
}

/// Where the program's `main()` is defined: the function called once, with no arguments,
/// on a line of its own at the module's top level (or in its `if __name__ == "__main__":`)
/// after its `def`, named nowhere else, taking no parameters and returning nothing, that
/// makes threads, processes or a pool.
fn main_function(body: &[Stmt]) -> Option<usize> {
    let calls: Vec<&str> = body
        .iter()
        .flat_map(|s| match s {
            Stmt::If(guard) if is_main_guard(&guard.test) => guard.body.iter().collect(),
            other => vec![other],
        })
        .filter_map(bare_call)
        .collect();
    // Where each statement of the module is: the call must come after the `def`.
    let call_at = |name: &str| {
        body.iter().position(|s| match s {
            Stmt::If(guard) if is_main_guard(&guard.test) => guard.body.iter().any(|s| is_call_of(s, name)),
            other => is_call_of(other, name),
        })
    };
    body.iter().enumerate().find_map(|(at, s)| {
        let Stmt::FunctionDef(def) = s else { return None };
        let name = def.name.as_str();
        let simple = def.parameters.is_empty() && !def.is_async && def.decorator_list.is_empty();
        let called_once = calls.iter().filter(|c| **c == name).count() == 1;
        // Named once more than its call: by the `def` no name expression stands for.
        let named_once = mentions_outside_comprehensions(body, name) == 1;
        let after = call_at(name).is_some_and(|call| call > at);
        let needed = makes_workers(body, &def.body);
        (simple && called_once && named_once && after && needed && !returns(&def.body)).then_some(at)
    })
}

/// Whether `stmts` make a thread, a process or a pool (`Thread(...)`, a Thread subclass
/// of the module's, `Process(...)`, `Pool(...)`, `start_new_thread(...)`): only then is a
/// `main()` compiled as the module's top level, which alone may make them.
fn makes_workers(module: &[Stmt], stmts: &[Stmt]) -> bool {
    let classes: Vec<&str> = module
        .iter()
        .filter_map(|s| match s {
            Stmt::ClassDef(c) => Some(c.name.as_str()),
            _ => None,
        })
        .collect();
    let mut found = false;
    each_expr(stmts, false, &mut |e| {
        let Expr::Call(call) = e else { return };
        let called = match call.func.as_ref() {
            Expr::Name(n) => n.id.as_str(),
            Expr::Attribute(a) => a.attr.as_str(),
            _ => return,
        };
        found |= matches!(called, "Thread" | "Process" | "Pool" | "start_new_thread") || classes.contains(&called);
    });
    found
}

/// `f()` on a line of its own: `f`.
fn bare_call(stmt: &Stmt) -> Option<&str> {
    let Stmt::Expr(e) = stmt else { return None };
    let Expr::Call(call) = e.value.as_ref() else { return None };
    let Expr::Name(f) = call.func.as_ref() else { return None };
    (call.arguments.is_empty()).then_some(f.id.as_str())
}

fn is_call_of(stmt: &Stmt, name: &str) -> bool {
    bare_call(stmt) == Some(name)
}

/// Whether `stmts` have a `return` (outside nested functions).
fn returns(stmts: &[Stmt]) -> bool {
    any_stmt(stmts, &|s| matches!(s, Stmt::Return(_)))
}

/// Refuses a local of `def` that another function reads as a global (Python raises
/// NameError there) or that the module binds as well.
fn check_locals(source: &str, body: &[Stmt], def: &ast::StmtFunctionDef) -> Result<(), CompileError> {
    let declared: BTreeSet<&str> = def
        .body
        .iter()
        .filter_map(|s| match s {
            Stmt::Global(g) => Some(g.names.iter().map(|n| n.as_str())),
            _ => None,
        })
        .flatten()
        .collect();
    let mut locals = Vec::new();
    bound_names(&def.body, &mut locals);
    let mut module = Vec::new();
    for stmt in body.iter().filter(|s| !matches!(s, Stmt::FunctionDef(d) if d.name == def.name)) {
        bound_names(std::slice::from_ref(stmt), &mut module);
    }
    // The module's functions, classes and imports are its names too.
    let module_names: Vec<&str> = body
        .iter()
        .flat_map(|s| match s {
            Stmt::FunctionDef(d) => vec![d.name.as_str()],
            Stmt::ClassDef(c) => vec![c.name.as_str()],
            Stmt::Import(i) => i.names.iter().map(|a| a.asname.as_ref().unwrap_or(&a.name).as_str()).collect(),
            Stmt::ImportFrom(i) => i.names.iter().map(|a| a.asname.as_ref().unwrap_or(&a.name).as_str()).collect(),
            _ => vec![],
        })
        .collect();
    // Every other function, a class's methods among them.
    let functions: Vec<&ast::StmtFunctionDef> = body
        .iter()
        .flat_map(|s| match s {
            Stmt::FunctionDef(f) if f.name != def.name => vec![f],
            Stmt::ClassDef(c) => c
                .body
                .iter()
                .filter_map(|s| match s {
                    Stmt::FunctionDef(f) => Some(f),
                    _ => None,
                })
                .collect(),
            _ => vec![],
        })
        .collect();
    let main = def.name.as_str();
    for local in locals.iter().filter(|n| !declared.contains(n.id.as_str())) {
        let id = local.id.as_str();
        if module.iter().any(|m| m.id.as_str() == id) || module_names.contains(&id) {
            let message = crate::said!(
                "`{id}` is a local of `{main}()` and the module's as well; give one of them another name, so far",
                "`{id}`은(는) `{main}()`의 지역 변수이면서 모듈의 이름이기도 합니다. \
                 아직은 둘 중 하나에 다른 이름을 붙이세요"
            );
            return Err(refuse(source, *local, message));
        }
        // The module's own statements after `main()` returns cannot see its locals either.
        let read_outside = body.iter().find(|s| {
            !matches!(s, Stmt::FunctionDef(_) | Stmt::ClassDef(_))
                && mentions_outside_comprehensions(std::slice::from_ref(*s), id) > 0
        });
        if let Some(stmt) = read_outside {
            let message = crate::said!(
                "NameError: `{id}` is a local of `{main}()`, which the module cannot see after it returns; \
                 make it at the module's level",
                "NameError: `{id}`은(는) `{main}()`의 지역 변수라서 함수가 끝난 뒤에는 모듈에서 볼 수 없습니다. \
                 모듈 수준에서 만드세요"
            );
            return Err(refuse(source, stmt, message));
        }
        for other in &functions {
            if !reads_as_global(other, id) {
                continue;
            }
            let reader = &other.name;
            let message = crate::said!(
                "NameError: `{id}` is a local of `{main}()`, which `{reader}()` cannot see; \
                 pass it as an argument, or make it at the module's level",
                "NameError: `{id}`은(는) `{main}()`의 지역 변수라서 `{reader}()`에서 볼 수 없습니다. \
                 인자로 넘기거나 모듈 수준에서 만드세요"
            );
            return Err(refuse(source, &other.name, message));
        }
    }
    Ok(())
}

/// Whether function `f` reads `name` without binding it: from the module's globals.
fn reads_as_global(f: &ast::StmtFunctionDef, name: &str) -> bool {
    let parameter = f.parameters.iter().any(|p| p.name().as_str() == name);
    let mut bound = Vec::new();
    bound_names(&f.body, &mut bound);
    let binds = bound.iter().any(|n| n.id.as_str() == name);
    let global = f.body.iter().any(|s| matches!(s, Stmt::Global(g) if g.names.iter().any(|n| n.as_str() == name)));
    (global || (!parameter && !binds)) && mentions_outside_comprehensions(&f.body, name) > 0
}

/// The names `stmts` bind: assigned (also with `+=`), a `for` loop's, a `with ... as`'s,
/// inside blocks too (not nested functions).
fn bound_names<'s>(stmts: &'s [Stmt], names: &mut Vec<&'s ast::ExprName>) {
    fn targets<'s>(e: &'s Expr, names: &mut Vec<&'s ast::ExprName>) {
        match e {
            Expr::Name(n) => names.push(n),
            Expr::Tuple(t) => t.elts.iter().for_each(|e| targets(e, names)),
            Expr::List(l) => l.elts.iter().for_each(|e| targets(e, names)),
            _ => {}
        }
    }
    for stmt in stmts {
        match stmt {
            Stmt::Assign(a) => a.targets.iter().for_each(|t| targets(t, names)),
            Stmt::AugAssign(a) => targets(&a.target, names),
            Stmt::For(f) => targets(&f.target, names),
            Stmt::With(w) => w.items.iter().filter_map(|i| i.optional_vars.as_deref()).for_each(|v| targets(v, names)),
            _ => {}
        }
        for block in blocks(stmt) {
            bound_names(block, names);
        }
    }
}
