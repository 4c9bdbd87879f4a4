//! Calls of methods in a thread: `time.sleep`, `_thread.start_new_thread`, a thread's
//! `start()` and `join()`, a lock's `acquire(...)` and `release()`, an event's, a
//! condition's and a barrier's.

use ruff_python_ast::{self as ast, Expr};

use super::body::Body;
use super::CompileError;
use crate::engine::program::{ActorId, Introspect, ObjectId, ObjectKind, OpKind, Reg, Wait};
use crate::i18n::Prose;

impl Body<'_, '_> {
    /// A Condition's `wait()`, `wait(s)`, `notify()` and `notify_all()`; a Barrier's
    /// `wait()` and `abort()`.
    fn wait_or_notify(
        &self,
        call: &ast::ExprCall,
        attr: &ast::ExprAttribute,
        object: ObjectId,
    ) -> Result<OpKind, CompileError> {
        let barrier = matches!(self.m.objects[object.0 as usize].kind, ObjectKind::Barrier { .. });
        let args = &call.arguments.args[..];
        if let Some(keyword) = call.arguments.keywords.first() {
            return Err(self.refuse(
                keyword,
                crate::said!(
                    "keyword arguments here are not supported yet",
                    "여기서는 키워드 인자를 아직 지원하지 않습니다"
                ),
            ));
        }
        Ok(match (barrier, attr.attr.as_str(), args) {
            (false, "wait", []) => OpKind::CondWait { object, wait: Wait::Forever },
            (false, "wait", [s]) => OpKind::CondWait {
                object,
                wait: Wait::Timeout(self.micros(
                    s,
                    crate::said!(
                        "a wait's timeout is seconds from 0 to 3600 known before the run",
                        "대기 시간 제한은 실행 전에 알 수 있는 0초에서 3600초 사이여야 합니다"
                    ),
                )?),
            },
            (false, "notify", []) => OpKind::CondNotify { object, all: false },
            (false, "notify_all", []) => OpKind::CondNotify { object, all: true },
            (true, "wait", []) => OpKind::BarrierWait { object, result: None },
            (true, "abort", []) => OpKind::BarrierAbort { object },
            (_, method, _) => {
                return Err(self.refuse(
                    attr,
                    match barrier {
                        true => crate::said!(
                            "`{method}(...)` here is not supported yet: a `Barrier`'s `wait()` and `abort()`",
                            "여기서 `{method}(...)`은(는) 아직 지원하지 않습니다. \
                             `Barrier`에서 지원하는 것은 `wait()`, `abort()`입니다"
                        ),
                        false => crate::said!(
                            "`{method}(...)` here is not supported yet: a `Condition`'s `wait()`, `notify()` and \
                             `notify_all()`",
                            "여기서 `{method}(...)`은(는) 아직 지원하지 않습니다. \
                             `Condition`에서 지원하는 것은 `wait()`, `notify()`, `notify_all()`입니다"
                        ),
                    },
                ));
            }
        })
    }

    /// Seconds from 0 to 3600 known before the run (a sleep, a timeout), in microseconds;
    /// `refusal` says so otherwise.
    pub(super) fn micros(&self, seconds: &Expr, refusal: impl Into<Prose>) -> Result<u64, CompileError> {
        match self.seconds(seconds).filter(|s| (0.0..=3600.0).contains(s)) {
            Some(s) => Ok((s * 1e6).round() as u64),
            None => Err(self.refuse(seconds, refusal)),
        }
    }

    /// A Lock, RLock or semaphore: what `with`, `acquire()` and `release()` work on.
    pub(super) fn is_lock(&self, id: ObjectId) -> bool {
        matches!(
            self.m.objects[id.0 as usize].kind,
            ObjectKind::Lock | ObjectKind::RLock | ObjectKind::Semaphore { .. } | ObjectKind::Condition { .. }
        )
    }

    pub(super) fn is_event(&self, id: ObjectId) -> bool {
        matches!(self.m.objects[id.0 as usize].kind, ObjectKind::Event)
    }

    pub(super) fn method_call(&mut self, call: &ast::ExprCall, attr: &ast::ExprAttribute) -> Result<(), CompileError> {
        let unsupported = || crate::said!("this call is not supported yet", "이 호출은 아직 지원하지 않습니다");
        // A lock of a list (`forks[i].acquire()`), or a name's.
        let (owner, owner_object) = match attr.value.as_ref() {
            Expr::Name(owner) => (owner, self.shared(owner.id.as_str())),
            Expr::Subscript(sub) => match (sub.value.as_ref(), self.object_of(&attr.value)?) {
                (Expr::Name(list), Some(object)) => (list, Some(object)),
                _ => return Err(self.refuse(attr, unsupported())),
            },
            _ => return Err(self.refuse(attr, unsupported())),
        };
        let (owner_name, method) = (owner.id.as_str(), attr.attr.as_str());
        let no_arguments = call.arguments.args.is_empty() && call.arguments.keywords.is_empty();
        if owner_name == "_thread" && method == "start_new_thread" && self.m.imported("_thread") {
            return self.start_new_thread(call);
        }
        if owner_name == "time" && method == "sleep" && self.m.imported("time") {
            let [arg] = &call.arguments.args[..] else {
                return Err(self.refuse(
                    call,
                    crate::said!(
                        "`time.sleep` takes one number of seconds",
                        "`time.sleep`에는 초를 나타내는 수 하나가 필요합니다"
                    ),
                ));
            };
            let micros = self.micros(
                arg,
                crate::said!(
                    "`time.sleep` takes a number of seconds from 0 to 3600 known before the run",
                    "`time.sleep`에는 실행 전에 알 수 있는 0초에서 3600초 사이의 수가 필요합니다"
                ),
            )?;
            self.op(call, OpKind::Sleep { micros });
            return Ok(());
        }
        if let Some(threads) = self.threads_named(owner_name) {
            let [actor] = threads[..] else {
                return Err(self.refuse(
                    owner,
                    crate::said!(
                        "`{owner_name}` is a list of threads: start them in a `for` loop",
                        "`{owner_name}`은(는) 스레드의 리스트입니다: `for` 반복문에서 하나씩 시작하세요"
                    ),
                ));
            };
            return match (method, no_arguments) {
                ("start", true) => {
                    self.op(call, OpKind::Start { actor });
                    Ok(())
                }
                ("join", true) => {
                    self.op(call, OpKind::Join { actor, wait: Wait::Forever });
                    Ok(())
                }
                // `join(timeout)`: waits at most so long, the thread maybe still running.
                ("join", false) => {
                    let timeout = match (&call.arguments.args[..], &call.arguments.keywords[..]) {
                        ([t], []) => t,
                        ([], [k]) if k.arg.as_ref().is_some_and(|a| a.as_str() == "timeout") => &k.value,
                        _ => {
                            return Err(self.refuse(
                                call,
                                crate::said!(
                                    "`join` takes one timeout in seconds, or none",
                                    "`join`은 초 단위 시간 제한을 하나 받거나 아무것도 받지 않습니다"
                                ),
                            ))
                        }
                    };
                    let micros = self.micros(
                        timeout,
                        crate::said!(
                            "a timeout is seconds from 0 to 3600 known before the run",
                            "시간 제한은 실행 전에 알 수 있는 0초에서 3600초 사이여야 합니다"
                        ),
                    )?;
                    self.op(call, OpKind::Join { actor, wait: Wait::Timeout(micros) });
                    Ok(())
                }
                _ => Err(self.refuse(
                    attr,
                    crate::said!(
                        "a thread's `{method}(...)` is not supported yet: `start()`, `join()` and `join(timeout)`",
                        "스레드의 `{method}(...)`은(는) 아직 지원하지 않습니다. \
                         지원하는 것은 `start()`, `join()`, `join(timeout)`입니다"
                    ),
                )),
            };
        }
        let kind = owner_object.map(|id| (id, self.m.objects[id.0 as usize].kind.clone()));
        let lock_method = matches!(method, "acquire" | "release");
        if let Some((object, ObjectKind::Condition { .. } | ObjectKind::Barrier { .. })) = kind {
            if !lock_method || matches!(kind, Some((_, ObjectKind::Barrier { .. }))) {
                let op = self.wait_or_notify(call, attr, object)?;
                self.op(call, op);
                return Ok(());
            }
        }
        if let Some(object) = owner_object.filter(|id| self.is_lock(*id)) {
            return match (method, no_arguments) {
                ("acquire", _) => {
                    let wait = self.acquire_wait(call)?;
                    self.op(call, OpKind::Acquire { object, wait, result: None });
                    Ok(())
                }
                ("release", true) => {
                    self.op(call, OpKind::Release { object });
                    Ok(())
                }
                _ => Err(self.refuse(
                    attr,
                    crate::said!(
                        "a lock's `{method}(...)` is not supported yet: `acquire()` and `release()`",
                        "락의 `{method}(...)`은(는) 아직 지원하지 않습니다. \
                         지원하는 것은 `acquire()`, `release()`입니다"
                    ),
                )),
            };
        }
        if let Some(object) = owner_object.filter(|id| self.is_event(*id)) {
            let kind = match (method, no_arguments) {
                ("wait", true) => OpKind::EventWait { object, wait: Wait::Forever, result: None },
                ("set", true) => OpKind::EventSet { object },
                ("clear", true) => OpKind::EventClear { object },
                _ => {
                    return Err(self.refuse(
                        attr,
                        crate::said!(
                            "an event's `{method}(...)` is not supported yet: `wait()`, `set()` and `clear()`",
                            "이벤트의 `{method}(...)`은(는) 아직 지원하지 않습니다. \
                             지원하는 것은 `wait()`, `set()`, `clear()`입니다"
                        ),
                    ))
                }
            };
            self.op(call, kind);
            return Ok(());
        }
        Err(self.refuse(
            attr,
            crate::said!(
                "`{owner_name}.{method}(...)` is not supported yet",
                "`{owner_name}.{method}(...)`은(는) 아직 지원하지 않습니다"
            ),
        ))
    }

    /// `t.is_alive()` read by a condition: 1 while thread `t` runs, 0 before its start and
    /// after its end, in a scratch register; `None` if `expr` is no such call.
    pub(super) fn alive(
        &mut self,
        node: &impl ruff_text_size::Ranged,
        expr: &Expr,
    ) -> Result<Option<Reg>, CompileError> {
        let Some(actor) = self.is_alive_of(expr)? else { return Ok(None) };
        let reg = self.scratch(node)?;
        self.op(node, OpKind::Introspect { what: Introspect::IsAlive(actor), reg });
        Ok(Some(reg))
    }

    /// The thread `expr` asks `is_alive()` of, if it is such a call.
    pub(super) fn is_alive_of(&self, expr: &Expr) -> Result<Option<ActorId>, CompileError> {
        let Expr::Call(call) = expr else { return Ok(None) };
        let Expr::Attribute(attr) = call.func.as_ref() else { return Ok(None) };
        let (Expr::Name(owner), "is_alive") = (attr.value.as_ref(), attr.attr.as_str()) else { return Ok(None) };
        let Some(threads) = self.threads_named(owner.id.as_str()) else { return Ok(None) };
        match threads[..] {
            [actor] => Ok(Some(actor)),
            _ => {
                let id = &owner.id;
                Err(self.refuse(
                    owner,
                    crate::said!(
                        "`{id}` is a list of threads: ask each in a `for` loop",
                        "`{id}`은(는) 스레드의 리스트입니다: `for` 반복문에서 하나씩 물어보세요"
                    ),
                ))
            }
        }
    }
}
