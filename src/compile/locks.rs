//! Locks by their place in a list (`forks = [threading.Lock() for _ in range(5)]`, then
//! `forks[i]` with `i` known before the run), `acquire`'s ways of waiting (`blocking=False`,
//! `timeout=s`) and what it answers, read by an `if` or a `while`.

use ruff_python_ast::{self as ast, Expr};

use super::body::Body;
use super::scope::{Global, Module};
use super::syntax::python_raises;
use super::{refuse, CompileError};
use crate::engine::program::{ObjectDef, ObjectId, ObjectKind, OpKind, Reg, Wait};

/// The most objects one list may hold.
const MAX_LIST: u64 = 1_000;

impl Module<'_> {
    /// `NAME = [threading.Lock() for _ in range(N)]` (or any object `threading` makes that
    /// `make` recognises): N objects named `NAME[0]`, `NAME[1]`, ...; `None` if `value` is
    /// no such list.
    pub(super) fn declare_object_list(
        &mut self,
        name: &str,
        value: &Expr,
        make: impl Fn(&Self, &Expr) -> Result<Option<ObjectKind>, CompileError>,
    ) -> Result<Option<Global>, CompileError> {
        let Expr::ListComp(comp) = value else { return Ok(None) };
        let [generator] = comp.generators.as_slice() else { return Ok(None) };
        let Some(kind) = make(self, &comp.elt)? else { return Ok(None) };
        if !generator.ifs.is_empty() {
            let message = crate::said!(
                "a comprehension's `if` is not supported yet",
                "컴프리헨션의 `if`는 아직 지원하지 않습니다"
            );
            return Err(refuse(self.source, &generator.ifs[0], message));
        }
        let Some((_, n)) = super::expr::range_of(self, &[], &generator.iter) else {
            let message = crate::said!(
                "a list of locks is made over `range(N)` with N known",
                "락의 리스트는 N을 알 수 있는 `range(N)`을 돌며 만들어야 합니다"
            );
            return Err(refuse(self.source, &generator.iter, message));
        };
        if n > MAX_LIST {
            let message = crate::said!(
                "a list holds at most {MAX_LIST} objects so far",
                "리스트에는 아직 객체를 최대 {MAX_LIST}개까지만 담을 수 있습니다"
            );
            return Err(refuse(self.source, value, message));
        }
        let ids = (0..n)
            .map(|i| {
                self.objects.push(ObjectDef { name: format!("{name}[{i}]"), kind: kind.clone() });
                ObjectId(self.objects.len() as u16 - 1)
            })
            .collect();
        Ok(Some(Global::Objects(ids)))
    }
}

impl Body<'_, '_> {
    /// The shared object `expr` names here: a module-level one by name, or one of a list
    /// by an index known before the run (negative from the end, as in Python).
    pub(super) fn object_of(&self, expr: &Expr) -> Result<Option<ObjectId>, CompileError> {
        if let Some(lock) = self.value_lock_of(expr) {
            return Ok(Some(lock));
        }
        match expr {
            Expr::Name(name) => Ok(self.shared(name.id.as_str())),
            Expr::Subscript(sub) => {
                let Expr::Name(list) = sub.value.as_ref() else { return Ok(None) };
                let Some(Global::Objects(ids)) = self.m.globals.get(list.id.as_str()) else { return Ok(None) };
                let Some(i) = self.int(&sub.slice) else {
                    let message = crate::said!(
                        "an index known before the run, like `forks[i]`, so far",
                        "인덱스는 아직 `forks[i]`처럼 실행 전에 알 수 있는 값이어야 합니다"
                    );
                    return Err(self.refuse(sub.slice.as_ref(), message));
                };
                let at = if i < 0 { i + ids.len() as i64 } else { i };
                match usize::try_from(at).ok().and_then(|at| ids.get(at)) {
                    Some(id) => Ok(Some(*id)),
                    None => {
                        let n = ids.len();
                        Err(self.refuse(
                            sub,
                            crate::said!(
                                "IndexError: list index {i} out of range ({n} items)",
                                "Python은 여기서 이 오류를 냅니다: IndexError: list index {i} out of range (항목 {n}개)"
                            ),
                        ))
                    }
                }
            }
            _ => Ok(None),
        }
    }

    /// How `lock.acquire(...)` waits: `()` for ever, `(False)` or `(blocking=False)` not
    /// at all, `(timeout=s)` or `(True, s)` at most `s` seconds.
    pub(super) fn acquire_wait(&self, call: &ast::ExprCall) -> Result<Wait, CompileError> {
        let mut blocking = true;
        let mut timeout = None;
        let flag = |e: &Expr| match e {
            Expr::BooleanLiteral(b) => Ok(b.value),
            other => Err(self.refuse(
                other,
                crate::said!("`blocking` is `True` or `False`", "`blocking`은 `True`나 `False`여야 합니다"),
            )),
        };
        let seconds = |e: &Expr| {
            self.seconds(e).filter(|s| (0.0..=3600.0).contains(s) || *s == -1.0).ok_or_else(|| {
                self.refuse(
                    e,
                    crate::said!(
                        "a timeout is seconds from 0 to 3600 known before the run",
                        "시간 제한은 실행 전에 알 수 있는 0초에서 3600초 사이여야 합니다"
                    ),
                )
            })
        };
        match &call.arguments.args[..] {
            [] => {}
            [b] => blocking = flag(b)?,
            [b, t] => (blocking, timeout) = (flag(b)?, Some(seconds(t)?)),
            [_, _, extra, ..] => {
                return Err(self.refuse(
                    extra,
                    crate::said!(
                        "`acquire` takes `blocking` and `timeout`",
                        "`acquire`는 `blocking`과 `timeout`만 받습니다"
                    ),
                ))
            }
        }
        for keyword in &call.arguments.keywords {
            match keyword.arg.as_ref().map(|a| a.as_str()) {
                Some("blocking") => blocking = flag(&keyword.value)?,
                Some("timeout") => timeout = Some(seconds(&keyword.value)?),
                _ => {
                    return Err(self.refuse(
                        keyword,
                        crate::said!(
                            "`acquire` takes `blocking=` and `timeout=`",
                            "`acquire`는 `blocking=`, `timeout=`만 받습니다"
                        ),
                    ))
                }
            }
        }
        Ok(match (blocking, timeout) {
            (false, Some(_)) => {
                return Err(
                    self.refuse(call, python_raises("ValueError: can't specify a timeout for a non-blocking call"))
                )
            }
            (false, None) => Wait::NoWait,
            (true, None) => Wait::Forever,
            (true, Some(s)) if s < 0.0 => Wait::Forever,
            (true, Some(s)) => Wait::Timeout((s * 1e6).round() as u64),
        })
    }

    /// `lock.acquire(...)` read by a condition: the acquire, its answer (1 if it got the
    /// lock, 0 if not) in a scratch register; `None` if `expr` is no such call.
    pub(super) fn acquired(
        &mut self,
        node: &impl ruff_text_size::Ranged,
        expr: &Expr,
    ) -> Result<Option<Reg>, CompileError> {
        let Expr::Call(call) = expr else { return Ok(None) };
        let Expr::Attribute(attr) = call.func.as_ref() else { return Ok(None) };
        if attr.attr.as_str() != "acquire" {
            return Ok(None);
        }
        let Some(object) = self.object_of(&attr.value)?.filter(|id| self.is_lock(*id)) else { return Ok(None) };
        let wait = self.acquire_wait(call)?;
        let reg = self.scratch(node)?;
        self.op(node, OpKind::Acquire { object, wait, result: Some(reg) });
        Ok(Some(reg))
    }
}
