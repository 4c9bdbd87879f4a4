//! `print(...)` in a thread: its text, f-strings' fields (constants, locals, shared state
//! read just before, the thread's name), written as one Print operation.

use ruff_python_ast::{self as ast, Expr};

use super::body::{Body, Local};
use super::syntax::{is_bare_call, is_current_thread_name, python_raises};
use super::texts::{merge, print_text_or_number};
use super::CompileError;
use crate::engine::program::{Introspect, OpKind, Reg, TextPart};

impl Body<'_, '_> {
    /// `print(...)`: text and f-strings whose fields are names; shared state is read first.
    pub(super) fn print(&mut self, call: &ast::ExprCall) -> Result<(), CompileError> {
        for keyword in &call.arguments.keywords {
            if keyword.arg.as_ref().is_none_or(|a| a.as_str() != "flush") {
                let message = crate::said!(
                    "only `flush=` is supported among `print`'s options so far",
                    "`print`의 옵션 중에서는 아직 `flush=`만 지원합니다"
                );
                return Err(self.refuse(keyword, message));
            }
        }
        let mut parts: Vec<TextPart> = Vec::new();
        // The one part that may be a text's code: where, its register, and `!r`.
        let mut maybe: Option<(usize, Reg, bool)> = None;
        let mut scratch = self.used;
        for (i, arg) in call.arguments.args.iter().enumerate() {
            if i > 0 {
                parts.push(TextPart::Lit(" ".into()));
            }
            match arg {
                Expr::StringLiteral(s) => parts.push(TextPart::Lit(s.value.to_str().to_string())),
                Expr::FString(f) => {
                    for part in f.value.iter() {
                        match part {
                            ast::FStringPartRef::Literal(s) => parts.push(TextPart::Lit(s.as_str().to_string())),
                            ast::FStringPartRef::FString(f) => {
                                for element in f.elements.iter() {
                                    match element {
                                        ast::InterpolatedStringElement::Literal(lit) => {
                                            parts.push(TextPart::Lit(lit.value.to_string()))
                                        }
                                        ast::InterpolatedStringElement::Interpolation(field) => {
                                            if field.debug_text.is_some()
                                                || field.format_spec.is_some()
                                                || field.conversion == ast::ConversionFlag::Ascii
                                            {
                                                return Err(self.refuse(
                                                    field,
                                                    crate::said!(
                                                        "f-string fields with `=`, `!a` or a format \
                                                         are not supported yet",
                                                        "`=`, `!a`, 서식이 붙은 f-string 필드는 아직 지원하지 않습니다"
                                                    ),
                                                ));
                                            }
                                            let repr = field.conversion == ast::ConversionFlag::Repr;
                                            let expr = &field.expression;
                                            if let Some(reg) = self.maybe_text(call, expr, &mut scratch)? {
                                                if maybe.is_some() {
                                                    return Err(self.refuse(field, one_message_value()));
                                                }
                                                maybe = Some((parts.len(), reg, repr));
                                                parts.push(TextPart::Reg(reg));
                                                continue;
                                            }
                                            match (repr, self.known(expr)) {
                                                (true, Some(v)) => parts.push(TextPart::Lit(v.repr())),
                                                _ => {
                                                    let part = self.field(call, expr, &mut scratch)?;
                                                    // A name is text: `!r` puts it in quotes.
                                                    let quoted = repr && part == TextPart::ActorName;
                                                    if quoted {
                                                        parts.push(TextPart::Lit("'".into()));
                                                    }
                                                    parts.push(part);
                                                    if quoted {
                                                        parts.push(TextPart::Lit("'".into()));
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                // `"Print number %d" % i`: the text with each `%d`, `%i`, `%s` or `%r` filled.
                Expr::BinOp(bin)
                    if bin.op == ast::Operator::Mod && matches!(bin.left.as_ref(), Expr::StringLiteral(_)) =>
                {
                    let Expr::StringLiteral(format) = bin.left.as_ref() else { unreachable!("matched") };
                    let values: Vec<&Expr> = match bin.right.as_ref() {
                        Expr::Tuple(t) => t.elts.iter().collect(),
                        one => vec![one],
                    };
                    let text = format.value.to_str();
                    let mut values = values.into_iter();
                    let mut rest = text;
                    while let Some(at) = rest.find('%') {
                        parts.push(TextPart::Lit(rest[..at].to_string()));
                        let spec = rest[at + 1..].chars().next();
                        match spec {
                            Some('%') => parts.push(TextPart::Lit("%".into())),
                            Some('d' | 'i' | 's' | 'r') => {
                                let Some(value) = values.next() else {
                                    return Err(self.refuse(
                                        bin,
                                        python_raises("TypeError: not enough arguments for format string"),
                                    ));
                                };
                                let part = match (spec, self.known(value)) {
                                    (Some('r'), Some(v)) => TextPart::Lit(v.repr()),
                                    _ => self.field(call, value, &mut scratch)?,
                                };
                                parts.push(part);
                            }
                            _ => {
                                return Err(self.refuse(
                                    format,
                                    crate::said!(
                                        "only `%d`, `%i`, `%s`, `%r` and `%%` are supported in a `%` format so far",
                                        "`%` 서식에서는 아직 `%d`, `%i`, `%s`, `%r`, `%%`만 지원합니다"
                                    ),
                                ))
                            }
                        }
                        rest = &rest[at + 2..];
                    }
                    parts.push(TextPart::Lit(rest.to_string()));
                    if let Some(extra) = values.next() {
                        return Err(self.refuse(
                            extra,
                            python_raises("TypeError: not all arguments converted during string formatting"),
                        ));
                    }
                }
                other => {
                    if let Some(reg) = self.maybe_text(call, other, &mut scratch)? {
                        if maybe.is_some() {
                            return Err(self.refuse(other, one_message_value()));
                        }
                        maybe = Some((parts.len(), reg, false));
                        parts.push(TextPart::Reg(reg));
                        continue;
                    }
                    let part = self.field(call, other, &mut scratch)?;
                    parts.push(part);
                }
            }
        }
        match maybe {
            None => self.op(call, OpKind::Print { text: merge(parts) }),
            // A value that came through a queue or a pipe: a text's code, or a number.
            Some((at, reg, repr)) => {
                let ops = print_text_or_number(&parts[..at], reg, &parts[at + 1..], &self.m.texts, repr, self.here());
                for kind in ops {
                    self.op(call, kind);
                }
            }
        }
        Ok(())
    }

    /// A value from a queue or a pipe that may be a text (a local given one, or `recv()`
    /// and `get()` read here, when the program sends texts): its register.
    fn maybe_text(&mut self, call: &ast::ExprCall, expr: &Expr, scratch: &mut u8) -> Result<Option<Reg>, CompileError> {
        if let Expr::Name(n) = expr {
            if self.maybe_texts.contains(n.id.as_str()) {
                return Ok(self.local_reg(n.id.as_str()));
            }
        }
        if self.m.texts.is_empty() || !self.is_message_value(expr) || super::print::is_question(expr) {
            return Ok(None);
        }
        let r = self.take_scratch(expr, scratch)?;
        self.evaluate_into(call, r, expr)?;
        Ok(Some(r))
    }

    /// One printed value: a constant, a local, or shared state read into a scratch register.
    fn field(&mut self, call: &ast::ExprCall, expr: &Expr, scratch: &mut u8) -> Result<TextPart, CompileError> {
        // The thread's name as the thread says it, even where it is known before the run.
        if is_current_thread_name(expr) || (self.this && is_self_name(expr)) {
            // A child process's own thread is its MainThread, not the process.
            return Ok(match self.m.current_process {
                Some(_) => TextPart::Lit("MainThread".into()),
                None => TextPart::ActorName,
            });
        }
        // `multiprocessing.current_process().name`: the child's name, or the main process's.
        if self.is_current_process_name(expr)? {
            return Ok(match self.m.current_process {
                Some(_) => TextPart::ActorName,
                None => TextPart::Lit("MainProcess".into()),
            });
        }
        // `t.name` of a thread or process made before: its name is known.
        if let Expr::Attribute(attr) = expr {
            if let (Expr::Name(owner), "name") = (attr.value.as_ref(), attr.attr.as_str()) {
                if let Some([actor]) = self.threads_named(owner.id.as_str()).as_deref() {
                    return Ok(TextPart::Lit(self.m.threads[actor.0 as usize - 1].name.clone()));
                }
            }
        }
        // `os.getpid()`: the process's own, as the engines number it.
        if is_bare_call(expr, "os", "getpid") && self.m.imported("os") {
            return Ok(TextPart::Pid);
        }
        if let Some(v) = self.known(expr) {
            return Ok(TextPart::Lit(v.shown()));
        }
        // `t.is_alive()`, as Python prints a bool.
        if let Some(actor) = self.is_alive_of(expr)? {
            let r = self.take_scratch(expr, scratch)?;
            self.op(call, OpKind::Introspect { what: Introspect::IsAlive(actor), reg: r });
            return Ok(TextPart::Bool(r));
        }
        if is_bare_call(expr, "threading", "active_count") {
            let r = self.take_scratch(expr, scratch)?;
            self.op(call, OpKind::Introspect { what: Introspect::ActiveCount, reg: r });
            return Ok(TextPart::Reg(r));
        }
        if self.is_time(expr) {
            let message = crate::said!(
                "a time in seconds is a decimal: print it in ms, `round((time.perf_counter() - start) * 1000)`",
                "초 단위 시간은 소수입니다. `round((time.perf_counter() - start) * 1000)`처럼 ms로 출력하세요"
            );
            return Err(self.refuse(expr, message));
        }
        // A queue's `empty()` and `full()`, as Python prints a bool.
        if self.is_message_value(expr) && is_question(expr) {
            let r = self.take_scratch(expr, scratch)?;
            self.message_value(r, expr)?;
            return Ok(TextPart::Bool(r));
        }
        // Arithmetic, a function's result, what came from a queue or a pipe, a Value's
        // `.value`: computed first.
        if self.computable(expr) || self.shared_value_of(expr).is_some() {
            let r = self.take_scratch(expr, scratch)?;
            self.evaluate_into(call, r, expr)?;
            return Ok(TextPart::Reg(r));
        }
        let Expr::Name(name) = expr else {
            let message = crate::said!(
                "only names, numbers, arithmetic and calls of functions may be printed so far",
                "아직은 이름, 수, 산술식, 함수 호출만 출력할 수 있습니다"
            );
            return Err(self.refuse(expr, message));
        };
        if let Some(r) = self.local_reg(name.id.as_str()) {
            return Ok(TextPart::Reg(r));
        }
        let Some(object) = self.variable(name.id.as_str()) else {
            let id = name.id.as_str();
            let message = match (self.shared(id), self.locals.get(id)) {
                (Some(object), _) => {
                    let what = self.m.objects[object.0 as usize].kind.python_type();
                    crate::said!(
                        "printing a whole `{what}` is not supported yet: \
                         print what it holds (`{id}[0]`, `len({id})`, `{id}.value`)",
                        "`{what}` 전체를 출력하는 것은 아직 지원하지 않습니다. \
                         담긴 것을 출력하세요(`{id}[0]`, `len({id})`, `{id}.value`)"
                    )
                }
                (_, Some(Local::Results { .. })) => {
                    crate::said!(
                        "a pool's results are counted, not kept, so far: print `len({id})`",
                        "풀의 결과는 아직 개수만 세고 보관하지 않습니다. `len({id})`을(를) 출력하세요"
                    )
                }
                _ => crate::said!("`{id}` is not defined", "`{id}`이(가) 정의되지 않았습니다"),
            };
            return Err(self.refuse(name, message));
        };
        let r = self.take_scratch(expr, scratch)?;
        self.op(call, OpKind::Load { object, reg: r });
        Ok(TextPart::Reg(r))
    }

    /// The next scratch register of a print, for a value read just before it.
    fn take_scratch(&self, expr: &Expr, scratch: &mut u8) -> Result<Reg, CompileError> {
        let r = self.beside(
            expr,
            *scratch,
            crate::said!("too many values in one print", "출력 한 번에 값이 너무 많습니다"),
        )?;
        *scratch += 1;
        Ok(r)
    }
}

/// The refusal of a second value from a queue or a pipe in one print.
fn one_message_value() -> crate::i18n::Prose {
    crate::said!(
        "one value from a queue or a pipe per print, so far",
        "아직은 출력 한 번에 큐나 파이프에서 온 값을 하나만 쓸 수 있습니다"
    )
}

/// `self.name` (in a Thread subclass's `run`).
fn is_self_name(expr: &Expr) -> bool {
    matches!(expr, Expr::Attribute(a) if a.attr.as_str() == "name" && matches!(a.value.as_ref(), Expr::Name(s) if s.id.as_str() == "self"))
}

/// `x.empty()` or `x.full()`: a question Python answers with a bool.
pub(super) fn is_question(expr: &Expr) -> bool {
    matches!(expr, Expr::Call(c) if matches!(c.func.as_ref(), Expr::Attribute(a) if matches!(a.attr.as_str(), "empty" | "full")))
}
