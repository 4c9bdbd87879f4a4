//! What the syntax tree says, asked without compiling: which names a statement uses or
//! assigns, whether a value makes threads, what a statement is called in a message.

use ruff_python_ast::{self as ast, Expr, Stmt};

/// `__name__ == "__main__"`.
pub(super) fn is_main_guard(test: &Expr) -> bool {
    let Expr::Compare(cmp) = test else { return false };
    let ([ast::CmpOp::Eq], [Expr::Name(left), Expr::StringLiteral(right)]) = (&cmp.ops[..], &cmp.operands[..]) else {
        return false;
    };
    left.id.as_str() == "__name__" && right.value.to_str() == "__main__"
}

/// Whether `value` makes threads: `threading.Thread(...)` or a comprehension of them.
pub(super) fn is_thread_maker(value: &Expr) -> bool {
    let thread = |e: &Expr| {
        matches!(e, Expr::Call(call) if matches!(call.func.as_ref(), Expr::Attribute(a)
            if a.attr.as_str() == "Thread" && matches!(a.value.as_ref(), Expr::Name(n) if n.id.as_str() == "threading")))
    };
    match value {
        Expr::ListComp(comp) => thread(&comp.elt),
        other => thread(other),
    }
}

/// The names `stmts` assign with `name = ...`, inside blocks too (not nested functions),
/// each once, in order.
pub(super) fn assigned_names<'s>(stmts: &'s [Stmt], names: &mut Vec<&'s ast::ExprName>) {
    for stmt in stmts {
        match stmt {
            Stmt::Assign(a) => {
                if let ([Expr::Name(n)], false) = (a.targets.as_slice(), is_thread_maker(&a.value)) {
                    if !names.iter().any(|m| m.id == n.id) {
                        names.push(n);
                    }
                }
            }
            Stmt::For(s) => assigned_names(&s.body, names),
            Stmt::While(s) => assigned_names(&s.body, names),
            Stmt::With(s) => assigned_names(&s.body, names),
            Stmt::If(s) => {
                assigned_names(&s.body, names);
                for clause in &s.elif_else_clauses {
                    assigned_names(&clause.body, names);
                }
            }
            _ => {}
        }
    }
}

/// Whether `stmts` declare `name` global anywhere (a `global` may come after a use).
pub(super) fn declares_global(stmts: &[Stmt], name: &str) -> bool {
    stmts.iter().any(|s| match s {
        Stmt::Global(g) => g.names.iter().any(|n| n.as_str() == name),
        Stmt::For(f) => declares_global(&f.body, name),
        Stmt::While(w) => declares_global(&w.body, name),
        Stmt::With(w) => declares_global(&w.body, name),
        Stmt::If(i) => {
            declares_global(&i.body, name) || i.elif_else_clauses.iter().any(|c| declares_global(&c.body, name))
        }
        _ => false,
    })
}

/// How many times `name` appears in `stmts`, read or written.
pub(super) fn mentions_count(stmts: &[Stmt], name: &str) -> usize {
    stmts.iter().map(|s| names_in(s, name)).sum()
}

/// Whether `stmt` reads or writes `name` anywhere inside.
pub(super) fn mentions(stmt: &Stmt, name: &str) -> bool {
    names_in(stmt, name) > 0
}

/// How many times `stmt` names `name`.
pub(super) fn names_in(stmt: &Stmt, name: &str) -> usize {
    use ruff_python_ast::visitor::{walk_expr, Visitor};
    struct Finder<'n> {
        name: &'n str,
        found: usize,
    }
    impl<'n, 'b> Visitor<'b> for Finder<'n> {
        fn visit_expr(&mut self, expr: &'b Expr) {
            if let Expr::Name(n) = expr {
                self.found += usize::from(n.id.as_str() == self.name);
            }
            walk_expr(self, expr);
        }
    }
    let mut finder = Finder { name, found: 0 };
    finder.visit_stmt(stmt);
    finder.found
}

/// A statement's kind in words, for a refusal.
pub(super) fn describe(stmt: &Stmt) -> &'static str {
    match stmt {
        Stmt::ClassDef(_) => "a class",
        Stmt::Return(_) => "`return`",
        Stmt::Try(_) => "`try`",
        Stmt::Raise(_) => "`raise`",
        Stmt::ImportFrom(_) => "`from ... import`",
        Stmt::Delete(_) => "`del`",
        Stmt::Match(_) => "`match`",
        Stmt::Assert(_) => "`assert`",
        Stmt::Nonlocal(_) => "`nonlocal`",
        Stmt::FunctionDef(_) => "a `def` inside a function",
        _ => "this statement",
    }
}
