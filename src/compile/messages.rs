//! What processes share, used in a thread's or a process's code: a queue's `put`, `get`,
//! `empty()` and `full()`; a pipe end's `send`, `recv()` and `close()`; a `Value`'s
//! `.value` (each read and write locked on its own, so `v.value += 1` can still lose
//! updates) and `get_lock()`. What travels is a whole number.

use ruff_python_ast::{self as ast, Expr};

use super::body::Body;
use super::scope::Handle;
use super::CompileError;
use crate::engine::program::{ObjectId, ObjectKind, OpKind, Operand, Reg, Wait};

impl Body<'_, '_> {
    /// `v.value` of a `multiprocessing.Value`: the object.
    pub(super) fn shared_value_of(&self, expr: &Expr) -> Option<ObjectId> {
        let Expr::Attribute(attr) = expr else { return None };
        let (Expr::Name(owner), "value") = (attr.value.as_ref(), attr.attr.as_str()) else { return None };
        self.shared(owner.id.as_str())
            .filter(|id| matches!(self.m.objects[id.0 as usize].kind, ObjectKind::SharedValue { .. }))
    }

    /// `v.get_lock()` of a `multiprocessing.Value`: its lock.
    pub(super) fn value_lock_of(&self, expr: &Expr) -> Option<ObjectId> {
        let Expr::Call(call) = expr else { return None };
        let Expr::Attribute(attr) = call.func.as_ref() else { return None };
        let (Expr::Name(owner), "get_lock", true) =
            (attr.value.as_ref(), attr.attr.as_str(), call.arguments.is_empty())
        else {
            return None;
        };
        match self.shared(owner.id.as_str()).map(|id| &self.m.objects[id.0 as usize].kind) {
            Some(ObjectKind::SharedValue { lock, .. }) => Some(*lock),
            _ => None,
        }
    }

    /// The queue or pipe end `owner` names, with the method called on it.
    fn message_target<'e>(&self, expr: &'e Expr) -> Option<(&'e ast::ExprCall, &'e str, Target)> {
        let Expr::Call(call) = expr else { return None };
        let Expr::Attribute(attr) = call.func.as_ref() else { return None };
        let Expr::Name(owner) = attr.value.as_ref() else { return None };
        let target = match self.handle(owner.id.as_str())? {
            Handle::End(id, end) => Target::End(id, end),
            Handle::Object(id) if matches!(self.m.objects[id.0 as usize].kind, ObjectKind::Queue { .. }) => {
                Target::Queue(id)
            }
            Handle::Object(_) => return None,
        };
        Some((call, attr.attr.as_str(), target))
    }

    /// Whether `expr` gives a number from a queue or a pipe: `q.get()`, `conn.recv()`,
    /// `q.empty()`, `q.full()`.
    pub(super) fn is_message_value(&self, expr: &Expr) -> bool {
        matches!(
            self.message_target(expr),
            Some((_, "get", Target::Queue(_)) | (_, "empty" | "full", Target::Queue(_)) | (_, "recv", Target::End(..)))
        )
    }

    /// `q.get()`, `conn.recv()`, `q.empty()` or `q.full()` into register `r`; `Ok(false)`
    /// when `expr` is none of them. A bool (empty, full) is 1 or 0.
    pub(super) fn message_value(&mut self, r: Reg, expr: &Expr) -> Result<bool, CompileError> {
        let Some((call, method, target)) = self.message_target(expr) else { return Ok(false) };
        let kind = match (target, method) {
            (Target::Queue(object), "get") => OpKind::Get { object, reg: r, wait: self.queue_wait(call, false)? },
            (Target::Queue(object), "empty") if call.arguments.is_empty() => OpKind::QueueEmpty { object, reg: r },
            (Target::Queue(object), "full") if call.arguments.is_empty() => OpKind::QueueFull { object, reg: r },
            (Target::End(object, end), "recv") if call.arguments.is_empty() => OpKind::Recv { object, end, reg: r },
            _ => return Ok(false),
        };
        self.op(call, kind);
        Ok(true)
    }

    /// A call on a queue or a pipe end on a line of its own; `Ok(false)` when `call` is
    /// on neither.
    pub(super) fn message_call(&mut self, expr: &Expr) -> Result<bool, CompileError> {
        let Some((call, method, target)) = self.message_target(expr) else { return Ok(false) };
        match (target, method) {
            (Target::Queue(object), "put") => {
                let [item, ..] = &call.arguments.args[..] else {
                    return Err(self.refuse(
                        call,
                        crate::said!("`put` takes the item to put", "`put`에는 넣을 항목이 필요합니다"),
                    ));
                };
                let value = self.operand(call, item)?;
                let wait = self.queue_wait(call, true)?;
                self.op(call, OpKind::Put { object, value, wait });
            }
            (Target::End(object, end), "send") => {
                let ([item], []) = (&call.arguments.args[..], &call.arguments.keywords[..]) else {
                    return Err(self.refuse(
                        call,
                        crate::said!("`send` takes one object to send", "`send`에는 보낼 객체 하나가 필요합니다"),
                    ));
                };
                let value = self.operand(call, item)?;
                self.op(call, OpKind::Send { object, end, value });
            }
            // This process's copy of the end: the other end sees EOFError once every
            // process has closed its copy (or exited).
            (Target::End(object, end), "close") if call.arguments.is_empty() => {
                self.op(call, OpKind::Close { object, end });
            }
            // Taken and dropped.
            (Target::Queue(_), "get") | (Target::End(..), "recv") => {
                let r = self.scratch(call)?;
                self.message_value(r, expr)?;
            }
            (Target::Queue(_), _) => {
                let message = crate::said!(
                    "a queue's `{method}(...)` is not supported yet: `put`, `get`, `empty()` and `full()`",
                    "큐의 `{method}(...)`은(는) 아직 지원하지 않습니다. \
                     지원하는 것은 `put`, `get`, `empty()`, `full()`입니다"
                );
                return Err(self.refuse(call, message));
            }
            (Target::End(..), _) => {
                let message = crate::said!(
                    "a pipe end's `{method}(...)` is not supported yet: `send`, `recv()` and `close()`",
                    "파이프 끝의 `{method}(...)`은(는) 아직 지원하지 않습니다. \
                     지원하는 것은 `send`, `recv()`, `close()`입니다"
                );
                return Err(self.refuse(call, message));
            }
        }
        Ok(true)
    }

    /// What a `put` or `send` writes: a whole number known before the run, a local, or
    /// anything else computed into a scratch register first.
    fn operand(&mut self, call: &ast::ExprCall, item: &Expr) -> Result<Operand, CompileError> {
        match self.known(item) {
            Some(super::scope::Value::Int(v)) => return Ok(Operand::Const(v)),
            Some(super::scope::Value::Text(t)) => match self.m.texts.iter().position(|x| *x == t) {
                Some(i) => return Ok(Operand::Const(super::texts::text_code(i))),
                None => return Err(self.refuse(item, literal_texts_only())),
            },
            Some(_) => {
                let message = crate::said!(
                    "whole numbers and texts travel between threads and processes so far, \
                     not decimals, `True`/`False` or lists",
                    "스레드와 프로세스 사이에는 아직 정수와 텍스트만 오갈 수 있습니다. \
                     소수, `True`/`False`, 리스트는 안 됩니다"
                );
                return Err(self.refuse(item, message));
            }
            None => {}
        }
        if let Expr::Name(n) = item {
            if let Some(r) = self.local_reg(n.id.as_str()) {
                return Ok(Operand::Reg(r));
            }
        }
        if matches!(item, Expr::FString(_) | Expr::StringLiteral(_)) {
            return Err(self.refuse(item, literal_texts_only()));
        }
        let r = self.scratch(call)?;
        self.evaluate_into(call, r, item)?;
        Ok(Operand::Reg(r))
    }

    /// How a queue's `get` (or `put`, whose item comes first) waits: `block` and
    /// `timeout`, by position or by name.
    fn queue_wait(&self, call: &ast::ExprCall, put: bool) -> Result<Wait, CompileError> {
        let positional = &call.arguments.args[usize::from(put).min(call.arguments.args.len())..];
        let mut block = true;
        let mut timeout = None;
        let flag = |e: &Expr| match e {
            Expr::BooleanLiteral(b) => Ok(b.value),
            other => Err(self
                .refuse(other, crate::said!("`block` is `True` or `False`", "`block`은 `True`나 `False`여야 합니다"))),
        };
        let seconds = |e: &Expr| {
            let message = crate::said!(
                "a timeout is seconds from 0 to 3600 known before the run",
                "시간 제한은 실행 전에 알 수 있는 0초에서 3600초 사이여야 합니다"
            );
            self.micros(e, message)
        };
        match positional {
            [] => {}
            [b] => block = flag(b)?,
            [b, t] => (block, timeout) = (flag(b)?, Some(seconds(t)?)),
            [_, _, extra, ..] => {
                let message = crate::said!(
                    "too many arguments: `block` and `timeout`",
                    "인자가 너무 많습니다. `block`과 `timeout`만 받습니다"
                );
                return Err(self.refuse(extra, message));
            }
        }
        for keyword in &call.arguments.keywords {
            match keyword.arg.as_ref().map(|a| a.as_str()) {
                Some("block") => block = flag(&keyword.value)?,
                Some("timeout") => timeout = Some(seconds(&keyword.value)?),
                _ => {
                    let message = crate::said!(
                        "a queue's `put` and `get` take `block=` and `timeout=`",
                        "큐의 `put`과 `get`은 `block=`, `timeout=`만 받습니다"
                    );
                    return Err(self.refuse(keyword, message));
                }
            }
        }
        Ok(match (block, timeout) {
            (false, _) => Wait::NoWait,
            (true, None) => Wait::Forever,
            (true, Some(us)) => Wait::Timeout(us),
        })
    }
}

/// The refusal of a text sent that is neither a literal nor a module-level list's item.
fn literal_texts_only() -> crate::i18n::Prose {
    crate::said!(
        "a text sent through a queue or a pipe is a literal, or an item of a module-level list, so far",
        "큐나 파이프로 보내는 텍스트는 아직 리터럴이거나 모듈 수준 리스트의 항목이어야 합니다"
    )
}

/// What a queue-or-pipe method is called on.
#[derive(Clone, Copy)]
enum Target {
    Queue(ObjectId),
    End(ObjectId, u8),
}
