//! Lists as shared state: a module-level list of whole numbers that the program changes
//! (`items.append(x)`, `items.pop()`, `items[i] = x`, `items[i] += 1`) is a list object,
//! each process with its own copy; reading it is `items[i]` and `len(items)`. A list the
//! program never changes stays a value known before the run.

use std::collections::BTreeSet;

use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::Ranged;

use super::body::Body;
use super::scope::{Global, Value};
use super::CompileError;
use crate::engine::program::{ObjectId, ObjectKind, OpKind, Operand, Reg};

/// The names the program changes as lists: `NAME.append(...)`, `NAME.pop()`,
/// `NAME[i] = ...`, `NAME[i] += ...`, anywhere (functions included).
pub(super) fn changed_lists(body: &[Stmt]) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    super::syntax::each_expr(body, true, &mut |e| match e {
        // `NAME[i] = ...` and `NAME[i] += ...`: an item stored.
        Expr::Subscript(sub) if sub.ctx == ast::ExprContext::Store => {
            if let Expr::Name(n) = sub.value.as_ref() {
                names.insert(n.id.to_string());
            }
        }
        other => {
            if let Some((name, "append" | "pop")) = method_of(other) {
                names.insert(name.to_string());
            }
        }
    });
    names
}

/// `NAME.METHOD(...)`: NAME and METHOD.
fn method_of(expr: &Expr) -> Option<(&str, &str)> {
    let Expr::Call(call) = expr else { return None };
    let Expr::Attribute(attr) = call.func.as_ref() else { return None };
    let Expr::Name(owner) = attr.value.as_ref() else { return None };
    Some((owner.id.as_str(), attr.attr.as_str()))
}

impl Body<'_, '_> {
    /// The list object `name` means here.
    pub(super) fn list(&self, name: &str) -> Option<ObjectId> {
        self.shared(name).filter(|id| matches!(self.m.objects[id.0 as usize].kind, ObjectKind::List { .. }))
    }

    /// The list `expr` reads: `items[i]`, `len(items)` or `items.pop()`.
    fn list_read(&self, expr: &Expr) -> Option<ObjectId> {
        match expr {
            Expr::Subscript(sub) if !matches!(sub.slice.as_ref(), Expr::Slice(_)) => match sub.value.as_ref() {
                Expr::Name(n) => self.list(n.id.as_str()),
                _ => None,
            },
            Expr::Call(call) => match (call.func.as_ref(), &call.arguments.args[..]) {
                (Expr::Name(f), [Expr::Name(arg)]) if f.id.as_str() == "len" && !self.m.globals.contains_key("len") => {
                    self.list(arg.id.as_str())
                }
                (Expr::Attribute(attr), []) if attr.attr.as_str() == "pop" => match attr.value.as_ref() {
                    Expr::Name(n) => self.list(n.id.as_str()),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        }
    }

    /// Whether `expr` reads a list object.
    pub(super) fn is_list_read(&self, expr: &Expr) -> bool {
        self.list_read(expr).is_some()
    }

    /// `items[i]`, `len(items)` or `items.pop()` into `r` (registers from `free` on for the
    /// index); `Ok(false)` when `expr` is none of them.
    pub(super) fn list_value(
        &mut self,
        node: &impl Ranged,
        r: Reg,
        expr: &Expr,
        free: u8,
    ) -> Result<bool, CompileError> {
        let Some(object) = self.list_read(expr) else { return Ok(false) };
        let kind = match expr {
            Expr::Subscript(sub) => {
                let index = self.index(node, &sub.slice, free.max(r.0 + 1))?;
                OpKind::ListGet { object, index, reg: r }
            }
            Expr::Call(call) if matches!(call.func.as_ref(), Expr::Name(_)) => OpKind::ListLen { object, reg: r },
            _ => OpKind::ListPop { object, reg: r },
        };
        self.op(node, kind);
        Ok(true)
    }

    /// An index or a value: a known whole number, a local, or computed into register
    /// `free`.
    fn index(&mut self, node: &impl Ranged, expr: &Expr, free: u8) -> Result<Operand, CompileError> {
        if let Some(v) = self.known(expr).and_then(|v| v.whole()) {
            return Ok(Operand::Const(v));
        }
        if let Expr::Name(n) = expr {
            if let Some(reg) = self.local_reg(n.id.as_str()) {
                return Ok(Operand::Reg(reg));
            }
        }
        let r = self.beside(expr, free, Self::too_few_registers())?;
        self.evaluate_into(node, r, expr)?;
        Ok(Operand::Reg(r))
    }

    /// `items.append(x)` or `items.pop()` on a line of its own; `Ok(false)` when `expr` is
    /// no call on a list.
    pub(super) fn list_call(&mut self, expr: &Expr) -> Result<bool, CompileError> {
        let Some((name, method)) = method_of(expr) else { return Ok(false) };
        let Expr::Call(call) = expr else { return Ok(false) };
        let unsupported = || {
            crate::said!(
                "a list's `{method}(...)` is not supported yet: `append(x)`, `pop()`, `items[i]`, `len(items)`",
                "리스트의 `{method}(...)`은(는) 아직 지원하지 않습니다. \
                 지원하는 것은 `append(x)`, `pop()`, `items[i]`, `len(items)`입니다"
            )
        };
        // A list of threads being built (its first append made it one).
        if let (Some(Global::Threads(_)), "append", true) = (self.m.globals.get(name), method, self.main) {
            if let [Expr::Name(item)] = &call.arguments.args[..] {
                if let Some(made) = self.threads_named(item.id.as_str()) {
                    let Some(Global::Threads(before)) = self.m.globals.get(name) else { unreachable!("matched") };
                    let all = before.iter().copied().chain(made).collect();
                    self.m.globals.insert(name.to_string(), Global::Threads(all));
                    return Ok(true);
                }
            }
        }
        let Some(object) = self.list(name) else {
            // A list known before the run that nothing appends to or pops from.
            let known =
                self.params.iter().find(|(p, _)| p == name).map(|(_, v)| v).or(match self.m.globals.get(name) {
                    Some(Global::Const(v)) if !self.locals.contains_key(name) => Some(v),
                    _ => None,
                });
            return match (known, method) {
                (Some(Value::List(_)), "append" | "pop") => {
                    let message = crate::said!(
                        "a list local to a function cannot change yet: make `{name}` a module-level name",
                        "함수의 지역 리스트는 아직 바꿀 수 없습니다. `{name}`을(를) 모듈 수준 이름으로 만드세요"
                    );
                    Err(self.refuse(call, message))
                }
                (Some(Value::List(_)), _) => Err(self.refuse(call, unsupported())),
                _ => Ok(false),
            };
        };
        match (method, &call.arguments.args[..], call.arguments.keywords.is_empty()) {
            // `processes.append(p)`, `p` a thread or process just made: the list is a list
            // of them, known before the run (the module's `processes = []` keeps no object).
            ("append", [Expr::Name(item)], true) if self.main && self.threads_named(item.id.as_str()).is_some() => {
                let made = self.threads_named(item.id.as_str()).expect("checked");
                let mut all = match self.m.globals.get(name) {
                    Some(Global::Threads(before)) => before.clone(),
                    _ => Vec::new(),
                };
                all.extend(made);
                self.m.globals.insert(name.to_string(), Global::Threads(all));
            }
            ("append", [item], true) => {
                self.no_text_flow(item)?;
                let value = self.index(call, item, self.used)?;
                self.op(call, OpKind::ListAppend { object, value });
            }
            ("pop", [], true) => {
                let r = self.scratch(call)?;
                self.op(call, OpKind::ListPop { object, reg: r });
            }
            _ => return Err(self.refuse(call, unsupported())),
        }
        Ok(true)
    }

    /// `items[i] = value` and `items[i] += c`; `Ok(false)` when `target` is no list's item.
    pub(super) fn list_store(
        &mut self,
        node: &impl Ranged,
        target: &Expr,
        value: &Expr,
        update: Option<ast::Operator>,
    ) -> Result<bool, CompileError> {
        let Expr::Subscript(sub) = target else { return Ok(false) };
        let Expr::Name(name) = sub.value.as_ref() else { return Ok(false) };
        let Some(object) = self.list(name.id.as_str()) else { return Ok(false) };
        if matches!(sub.slice.as_ref(), Expr::Slice(_)) {
            return Err(self.refuse(
                sub,
                crate::said!(
                    "assigning to a slice is not supported yet",
                    "슬라이스에 대입하는 것은 아직 지원하지 않습니다"
                ),
            ));
        }
        self.no_text_flow(value)?;
        let r = self.scratch(node)?;
        // Python computes the value first, then the index.
        if update.is_none() {
            self.evaluate_into(node, r, value)?;
        }
        let index = self.index(node, &sub.slice, r.0 + 1)?;
        match update {
            None => {}
            Some(op) => {
                let sign = match op {
                    ast::Operator::Add => 1,
                    ast::Operator::Sub => -1,
                    _ => {
                        return Err(self.refuse(
                            node,
                            crate::said!("only `+=` and `-=` are supported so far", "아직은 `+=`와 `-=`만 지원합니다"),
                        ))
                    }
                };
                let c = self.int(value).ok_or_else(|| {
                    self.refuse(
                        value,
                        crate::said!(
                            "the amount must be a whole number known before the run",
                            "더하거나 빼는 양은 실행 전에 알 수 있는 정수여야 합니다"
                        ),
                    )
                })?;
                // A read, then a write: another thread may come between, as in CPython.
                self.op(node, OpKind::ListGet { object, index: index.clone(), reg: r });
                self.op(
                    node,
                    OpKind::Add {
                        reg: r,
                        value: c
                            .checked_mul(sign)
                            .ok_or_else(|| self.refuse(value, crate::said!("too large", "값이 너무 큽니다")))?,
                    },
                );
            }
        }
        self.op(node, OpKind::ListSet { object, index, value: Operand::Reg(r) });
        Ok(true)
    }
}
