//! `for` loops, lowered: over a `range`, or over the items of a list or a pool's results,
//! their loop variable in a register.

use ruff_python_ast::{self as ast, Expr};
use ruff_text_size::Ranged;

use super::body::{Body, Local, MAX_OPS};
use super::scope::{OpenLoop, Value};
use super::syntax::{mentions, stores_of};
use super::CompileError;
use crate::engine::program::{OpKind, Reg};

impl<'m, 'a> Body<'m, 'a> {
    pub(super) fn for_loop(&mut self, for_: &ast::StmtFor) -> Result<(), CompileError> {
        if !for_.orelse.is_empty() || for_.is_async {
            return Err(self.refuse(
                for_,
                crate::said!(
                    "`for ... else` and `async for` are not supported",
                    "`for ... else`도 `async for`도 지원하지 않습니다"
                ),
            ));
        }
        let Expr::Name(target) = for_.target.as_ref() else {
            let message = crate::said!(
                "a `for` loop's variable must be a plain name",
                "`for` 반복문의 변수는 단순한 이름이어야 합니다"
            );
            return Err(self.refuse(for_.target.as_ref(), message));
        };
        // Over a list of threads: the body once for each, the name bound to it.
        if let Expr::Name(list) = for_.iter.as_ref() {
            if let Some(threads) = self.threads_named(list.id.as_str()) {
                // Unrolled: no loop in the engine, so no `break` out of it either.
                self.loops.push(OpenLoop::counted(self.here(), self.withs.len()));
                for actor in threads {
                    self.locals.insert(target.id.to_string(), Local::Threads(vec![actor]));
                    if let Err(e) = self.block(&for_.body) {
                        self.loops.pop();
                        return Err(e);
                    }
                }
                self.loops.pop();
                self.locals.remove(target.id.as_str());
                return Ok(());
            }
        }
        if self.unrolled_for(for_, target)? {
            return Ok(());
        }
        // Over a list known before the run: each item a known value in its own copy of the
        // body; a count, if the body does not read it.
        let mut over_list = None;
        if let Some(Value::List(items)) = self.known(&for_.iter) {
            if for_.body.iter().any(|s| mentions(s, target.id.as_str())) {
                return self.for_each_item(for_, target, items);
            }
            over_list = Some((0, items.len() as u64));
        }
        let Some((from, times)) = over_list.or_else(|| self.range(&for_.iter)) else {
            return Err(self.refuse(
                for_.iter.as_ref(),
                crate::said!(
                    "a `for` loop goes over `range(N)` with N known before the run, a list known before the run, \
                     or a list of threads, so far",
                    "`for` 반복문은 아직 N을 실행 전에 알 수 있는 `range(N)`, 실행 전에 알 수 있는 리스트, \
                     스레드의 리스트만 돌 수 있습니다"
                ),
            ));
        };
        // The loop's variable, when the body reads it: a local counting up from the start.
        // (Also when it is read after the loop, which leaves it at its last value.)
        let read = for_.body.iter().any(|s| mentions(s, target.id.as_str())) || self.read_after(for_, &target.id);
        let var = match read {
            true => Some(self.loop_variable(for_, target)?),
            false => None,
        };
        if times == 0 {
            return Ok(());
        }
        if let Some(r) = var {
            self.op(for_, OpKind::Set { reg: r, value: from });
        }
        let start = self.ops.len();
        self.loops.push(OpenLoop::counted(self.base + start, self.withs.len()));
        let body = self.block(&for_.body);
        self.loops.pop();
        body?;
        if self.ops.len() == start && var.is_none() {
            return Ok(());
        }
        if let Some(r) = var {
            self.op(for_, OpKind::Add { reg: r, value: 1 });
        }
        self.op(for_, OpKind::Loop { to: self.base + start, times });
        // Python leaves the variable at the last value it took, one less than the count.
        if let Some(r) = var.filter(|_| self.read_after(for_, target.id.as_str())) {
            self.op(for_, OpKind::Add { reg: r, value: -1 });
        }
        Ok(())
    }

    /// `for item in ITEMS:` over a list known before the run: the body once per item, the
    /// name bound to it (no engine loop, so no `break` out of it).
    fn for_each_item(
        &mut self,
        for_: &ast::StmtFor,
        target: &ast::ExprName,
        items: Vec<Value>,
    ) -> Result<(), CompileError> {
        let id = target.id.to_string();
        let taken = self.local_reg(&id).is_some()
            || self.params.iter().any(|(p, _)| *p == id)
            || self.declared.contains(&id)
            || (self.main && self.m.globals.contains_key(&id));
        if taken || stores_of(&for_.body, &id) > 0 {
            return Err(self.refuse(
                target,
                crate::said!(
                    "`{id}` has a value already: a loop over a list needs a new name",
                    "`{id}`에는 이미 값이 있습니다: 리스트를 도는 반복문에는 새 이름이 필요합니다"
                ),
            ));
        }
        if self.read_after(for_, &id) {
            let message = crate::said!(
                "reading `{id}` after a loop over a list is not supported yet",
                "리스트를 도는 반복문이 끝난 뒤에 `{id}`을(를) 읽는 것은 아직 지원하지 않습니다"
            );
            return Err(self.refuse(target, message));
        }
        self.loops.push(OpenLoop::counted(self.here(), self.withs.len()));
        let mut done = Ok(());
        for item in items {
            self.params.push((id.clone(), item));
            done = self.block(&for_.body).and_then(|()| self.room_for_ops(for_));
            self.params.pop();
            if done.is_err() {
                break;
            }
        }
        self.loops.pop();
        done
    }

    /// Refused once a thread's operations pass [`MAX_OPS`] (a loop written out once per
    /// item, inside another, can make very many).
    pub(super) fn room_for_ops(&self, node: &impl Ranged) -> Result<(), CompileError> {
        if self.here() > MAX_OPS {
            return Err(self.refuse(
                node,
                crate::said!(
                    "a thread may have at most {MAX_OPS} operations so far: loop over a `range` instead",
                    "스레드 하나의 연산은 아직 최대 {MAX_OPS}개까지입니다: 대신 `range`를 도는 반복문을 쓰세요"
                ),
            ));
        }
        Ok(())
    }

    /// The register of a `for` loop's variable, which the body reads and never assigns.
    fn loop_variable(&mut self, for_: &ast::StmtFor, target: &ast::ExprName) -> Result<Reg, CompileError> {
        let id = target.id.as_str();
        if stores_of(&for_.body, id) > 0 {
            return Err(self.refuse(
                target,
                crate::said!(
                    "assigning to the loop's variable `{id}` inside the loop is not supported",
                    "반복문 안에서 반복문의 변수 `{id}`에 값을 대입하는 것은 지원하지 않습니다"
                ),
            ));
        }
        let global = self.declared.contains(id) || (self.main && self.m.globals.contains_key(id));
        if global || self.params.iter().any(|(p, _)| p == id) {
            return Err(self.refuse(
                target,
                crate::said!(
                    "a loop's variable is a new local name here; `{id}` is taken",
                    "여기서 반복문의 변수는 새 지역 이름이어야 합니다. `{id}`은(는) 이미 쓰이고 있습니다"
                ),
            ));
        }
        self.new_local(target)
    }

    /// Whether `name` is used in the function (or module) besides in the loop `for_`.
    fn read_after(&self, for_: &ast::StmtFor, name: &str) -> bool {
        let inside = 1 + super::syntax::mentions_count(&for_.body, name);
        super::syntax::mentions_outside_comprehensions(self.scope_body(), name) > inside
    }
}
