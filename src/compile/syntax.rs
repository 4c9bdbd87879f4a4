//! What the syntax tree says, asked without compiling: which names a statement uses or
//! assigns, whether a value makes threads, how a statement not supported is refused.

use ruff_python_ast::{self as ast, Expr, Stmt};

use crate::i18n::{Prose, Text};

/// `__name__ == "__main__"`.
pub(super) fn is_main_guard(test: &Expr) -> bool {
    let Expr::Compare(cmp) = test else { return false };
    let ([ast::CmpOp::Eq], [Expr::Name(left), Expr::StringLiteral(right)]) = (&cmp.ops[..], &cmp.operands[..]) else {
        return false;
    };
    left.id.as_str() == "__name__" && right.value.to_str() == "__main__"
}

/// The blocks a compound statement runs (a loop's or a `with`'s body, each branch of an
/// `if`), not a nested function's: what the walks over a body go into.
pub(super) fn blocks(stmt: &Stmt) -> Vec<&[Stmt]> {
    match stmt {
        Stmt::For(s) => vec![&s.body[..]],
        Stmt::While(s) => vec![&s.body[..]],
        Stmt::With(s) => vec![&s.body[..]],
        Stmt::If(s) => std::iter::once(&s.body[..]).chain(s.elif_else_clauses.iter().map(|c| &c.body[..])).collect(),
        _ => Vec::new(),
    }
}

/// `MODULE.NAME(...)`: the call, the module's name where it is written, and NAME.
pub(super) fn module_call<'e>(expr: &'e Expr, module: &str) -> Option<(&'e ast::ExprCall, &'e ast::ExprName, &'e str)> {
    let Expr::Call(call) = expr else { return None };
    let Expr::Attribute(attr) = call.func.as_ref() else { return None };
    let Expr::Name(owner) = attr.value.as_ref() else { return None };
    (owner.id.as_str() == module).then_some((call, owner, attr.attr.as_str()))
}

/// `threading.NAME(...)`: the call, the `threading` it names, and NAME.
pub(super) fn threading_call(expr: &Expr) -> Option<(&ast::ExprCall, &ast::ExprName, &str)> {
    module_call(expr, "threading")
}

/// `MODULE.NAME()`, with no arguments (`os.getpid()`, `threading.active_count()`).
pub(super) fn is_bare_call(expr: &Expr, module: &str, name: &str) -> bool {
    module_call(expr, module).is_some_and(|(call, _, called)| called == name && call.arguments.is_empty())
}

/// Whether `value` makes threads or processes: `threading.Thread(...)`,
/// `multiprocessing.Process(...)`, a call of what `makes` says makes them (a Thread
/// subclass, an imported `Process`, `mp.Process`), a comprehension of them, or lists of them added.
pub(super) fn is_thread_maker(value: &Expr, makes: &dyn Fn(&Expr) -> bool) -> bool {
    let thread = |e: &Expr| {
        threading_call(e).is_some_and(|(_, _, name)| name == "Thread")
            || module_call(e, "multiprocessing").is_some_and(|(_, _, name)| name == "Process")
            || matches!(e, Expr::Call(c) if makes(&c.func))
    };
    match value {
        Expr::ListComp(comp) => thread(&comp.elt),
        Expr::BinOp(bin) if bin.op == ast::Operator::Add => {
            is_thread_maker(&bin.left, makes) && is_thread_maker(&bin.right, makes)
        }
        other => thread(other),
    }
}

/// The names `stmts` assign with `name = ...`, inside blocks too (not nested functions),
/// each once, in order.
pub(super) fn assigned_names<'s>(
    stmts: &'s [Stmt],
    is_class: &dyn Fn(&Expr) -> bool,
    names: &mut Vec<&'s ast::ExprName>,
) {
    for stmt in stmts {
        match stmt {
            Stmt::Assign(a) => {
                let unnumbered = is_thread_maker(&a.value, is_class) || is_pool_result(&a.value);
                if let ([Expr::Name(n)], false) = (a.targets.as_slice(), unnumbered) {
                    if !names.iter().any(|m| m.id == n.id) {
                        names.push(n);
                    }
                }
            }
            other => {
                for block in blocks(other) {
                    assigned_names(block, is_class, names);
                }
            }
        }
    }
}

/// Whether `stmts` declare `name` global anywhere (a `global` may come after a use).
pub(super) fn declares_global(stmts: &[Stmt], name: &str) -> bool {
    any_stmt(stmts, &|s| matches!(s, Stmt::Global(g) if g.names.iter().any(|n| n.as_str() == name)))
}

/// Whether a statement of `stmts`, in their blocks too (not nested functions), is `found`.
pub(super) fn any_stmt(stmts: &[Stmt], found: &dyn Fn(&Stmt) -> bool) -> bool {
    stmts.iter().any(|s| found(s) || blocks(s).into_iter().any(|block| any_stmt(block, found)))
}

/// How many times `name` appears in `stmts`, read or written.
pub(super) fn mentions_count(stmts: &[Stmt], name: &str) -> usize {
    stmts.iter().map(|s| names_in(s, name)).sum()
}

/// Whether `stmt` reads or writes `name` anywhere inside.
pub(super) fn mentions(stmt: &Stmt, name: &str) -> bool {
    names_in(stmt, name) > 0
}

/// How many times `stmts` name `name` outside the comprehensions that bind a `name` of
/// their own (`[... for name in ...]`).
pub(super) fn mentions_outside_comprehensions(stmts: &[Stmt], name: &str) -> usize {
    let mut inside = 0;
    each_expr(stmts, true, &mut |e| {
        let generators: &[ast::Comprehension] = match e {
            Expr::ListComp(c) => &c.generators,
            Expr::SetComp(c) => &c.generators,
            Expr::DictComp(c) => &c.generators,
            Expr::Generator(c) => &c.generators,
            _ => return,
        };
        if generators.iter().any(|g| matches!(&g.target, Expr::Name(n) if n.id.as_str() == name)) {
            each_expr_in(e, &mut |inner| {
                inside += usize::from(matches!(inner, Expr::Name(n) if n.id.as_str() == name))
            });
        }
    });
    mentions_count(stmts, name).saturating_sub(inside)
}

/// How many times `stmt` names `name`.
pub(super) fn names_in(stmt: &Stmt, name: &str) -> usize {
    let mut found = 0;
    each_expr(std::slice::from_ref(stmt), true, &mut |e| {
        found += usize::from(matches!(e, Expr::Name(n) if n.id.as_str() == name));
    });
    found
}

/// Gives `found` every expression inside `stmts`, outermost first, and those of nested
/// functions and classes when `into_functions`. One walker serves every search, so the
/// syntax tree's walk is built into the engine worker's wasm once.
pub(super) fn each_expr<'a>(stmts: &'a [Stmt], into_functions: bool, found: &mut dyn FnMut(&'a Expr)) {
    let mut walker = Walker { found, into_functions };
    for stmt in stmts {
        ruff_python_ast::visitor::Visitor::visit_stmt(&mut walker, stmt);
    }
}

/// Gives `found` `expr` and every expression inside it, outermost first.
pub(super) fn each_expr_in<'a>(expr: &'a Expr, found: &mut dyn FnMut(&'a Expr)) {
    ruff_python_ast::visitor::Visitor::visit_expr(&mut Walker { found, into_functions: true }, expr);
}

struct Walker<'a, 'f> {
    found: &'f mut dyn FnMut(&'a Expr),
    into_functions: bool,
}

impl<'a> ruff_python_ast::visitor::Visitor<'a> for Walker<'a, '_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        if self.into_functions || !matches!(stmt, Stmt::FunctionDef(_) | Stmt::ClassDef(_)) {
            ruff_python_ast::visitor::walk_stmt(self, stmt);
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        (self.found)(expr);
        ruff_python_ast::visitor::walk_expr(self, expr);
    }
}

/// The refusal of a statement of a kind not supported.
pub(super) fn not_supported(stmt: &Stmt) -> Text {
    let (en, ko) = match stmt {
        Stmt::ClassDef(_) => ("a class is not supported yet", "클래스는 아직 지원하지 않습니다"),
        Stmt::Return(_) => ("`return` is not supported yet", "`return` 문은 아직 지원하지 않습니다"),
        Stmt::Try(_) => ("`try` is not supported yet", "`try` 문은 아직 지원하지 않습니다"),
        Stmt::Raise(_) => ("`raise` is not supported yet", "`raise` 문은 아직 지원하지 않습니다"),
        Stmt::ImportFrom(_) => {
            ("`from ... import` is not supported yet", "`from ... import` 문은 아직 지원하지 않습니다")
        }
        Stmt::Delete(_) => ("`del` is not supported yet", "`del` 문은 아직 지원하지 않습니다"),
        Stmt::Match(_) => ("`match` is not supported yet", "`match` 문은 아직 지원하지 않습니다"),
        Stmt::Assert(_) => ("`assert` is not supported yet", "`assert` 문은 아직 지원하지 않습니다"),
        Stmt::Nonlocal(_) => ("`nonlocal` is not supported yet", "`nonlocal` 문은 아직 지원하지 않습니다"),
        Stmt::FunctionDef(_) => {
            ("a `def` inside a function is not supported yet", "함수 안의 `def` 문은 아직 지원하지 않습니다")
        }
        _ => ("this statement is not supported yet", "이 문장은 아직 지원하지 않습니다"),
    };
    Text { en, ko }
}

/// The error CPython raises here, in its own words (`TypeError: ...`), said as Python's.
pub(super) fn python_raises(error: &str) -> Prose {
    crate::said!("{error}", "Python은 여기서 이 오류를 냅니다: {error}")
}

/// How many times `stmts` give `name` a value (`=`, `+=`, a `for` target), inside blocks
/// too (not nested functions).
pub(super) fn stores_of(stmts: &[Stmt], name: &str) -> usize {
    let mut found = 0;
    each_expr(stmts, false, &mut |e| {
        found += usize::from(matches!(e, Expr::Name(n) if n.id.as_str() == name && n.ctx == ast::ExprContext::Store));
    });
    found
}

/// `a, b = x, y` or `a = x` as pairs of a name and its value; `None` for any other shape.
pub(super) fn simple_assignments(assign: &ast::StmtAssign) -> Option<Vec<(&ast::ExprName, &Expr)>> {
    match (assign.targets.as_slice(), assign.value.as_ref()) {
        ([Expr::Name(name)], value) => Some(vec![(name, value)]),
        ([Expr::Tuple(names)], Expr::Tuple(values)) if names.elts.len() == values.elts.len() => names
            .elts
            .iter()
            .zip(&values.elts)
            .map(|(n, v)| match n {
                Expr::Name(n) => Some((n, v)),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

/// `threading.current_thread().name`.
pub(super) fn is_current_thread_name(expr: &Expr) -> bool {
    let Expr::Attribute(name) = expr else { return false };
    let Expr::Call(call) = name.value.as_ref() else { return false };
    let Expr::Attribute(func) = call.func.as_ref() else { return false };
    let Expr::Name(module) = func.value.as_ref() else { return false };
    name.attr.as_str() == "name"
        && func.attr.as_str() == "current_thread"
        && module.id.as_str() == "threading"
        && call.arguments.is_empty()
}

/// Whether `value` is a pool (`Pool(4)`) or what a pool hands back (`pool.map(...)`,
/// `list(pool.imap_unordered(...))`, `[pool.apply_async(...) for ...]`,
/// `[h.get() for h in handles]`): a name bound to it holds no number.
pub(super) fn is_pool_result(value: &Expr) -> bool {
    let method = |e: &Expr, names: &[&str]| matches!(e, Expr::Call(c) if matches!(c.func.as_ref(), Expr::Attribute(a) if names.contains(&a.attr.as_str())));
    let pool = |f: &Expr| match f {
        Expr::Name(n) => n.id.as_str() == "Pool",
        Expr::Attribute(a) => a.attr.as_str() == "Pool",
        _ => false,
    };
    match value {
        Expr::Call(made) if pool(&made.func) => true,
        Expr::Call(list) if matches!(list.func.as_ref(), Expr::Name(n) if n.id.as_str() == "list") => {
            list.arguments.args.first().is_some_and(|inner| method(inner, &["imap_unordered"]))
        }
        Expr::ListComp(comp) => {
            method(&comp.elt, &["apply_async"])
                || (method(&comp.elt, &["get"])
                    && matches!(comp.generators.as_slice(), [g] if matches!(g.iter, Expr::Name(_))))
        }
        other => method(other, &["map"]),
    }
}
