//! Expressions the compiler can know before the program runs: constants and the numbers
//! made from them, seconds for `time.sleep`, a thread's target.

use ruff_python_ast::{self as ast, Expr, Number, Operator, UnaryOp};

use super::scope::{Global, Module};
use super::{refuse, CompileError};

/// Names bound to a known number while compiling, as a comprehension's variable is.
pub(super) type Env<'e> = &'e [(&'e str, i64)];

/// The value of a whole-number expression made only of literals and module constants.
pub(super) fn constant(module: &Module, expr: &Expr) -> Option<i64> {
    constant_in(module, &[], expr)
}

/// [`constant`], with some names bound in `env`.
pub(super) fn constant_in(module: &Module, env: Env, expr: &Expr) -> Option<i64> {
    match expr {
        Expr::NumberLiteral(ast::ExprNumberLiteral { value: Number::Int(int), .. }) => int.as_i64(),
        Expr::Name(name) => match env.iter().find(|(n, _)| *n == name.id.as_str()) {
            Some((_, v)) => Some(*v),
            None => match module.globals.get(name.id.as_str()) {
                Some(Global::Const(v)) => Some(*v),
                _ => None,
            },
        },
        Expr::UnaryOp(unary) if unary.op == UnaryOp::USub => constant_in(module, env, &unary.operand)?.checked_neg(),
        Expr::BinOp(bin) => {
            let (a, b) = (constant_in(module, env, &bin.left)?, constant_in(module, env, &bin.right)?);
            match bin.op {
                Operator::Add => a.checked_add(b),
                Operator::Sub => a.checked_sub(b),
                Operator::Mult => a.checked_mul(b),
                // Python's `//` rounds toward minus infinity.
                Operator::FloorDiv if b != 0 => {
                    let q = a.checked_div(b)?;
                    Some(if a % b != 0 && (a < 0) != (b < 0) { q - 1 } else { q })
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// Seconds, for `time.sleep`: a constant whole or decimal number.
pub(super) fn seconds(module: &Module, expr: &Expr) -> Option<f64> {
    match expr {
        Expr::NumberLiteral(ast::ExprNumberLiteral { value: Number::Float(f), .. }) => Some(*f),
        other => constant(module, other).map(|v| v as f64),
    }
}

/// Text known before the run: a string, or an f-string whose fields are constants.
pub(super) fn const_text(module: &Module, env: Env, expr: &Expr) -> Option<String> {
    match expr {
        Expr::StringLiteral(s) => Some(s.value.to_str().to_string()),
        Expr::FString(f) => {
            let mut text = String::new();
            for part in f.value.iter() {
                match part {
                    ast::FStringPartRef::Literal(s) => text.push_str(s.as_str()),
                    ast::FStringPartRef::FString(f) => {
                        for element in f.elements.iter() {
                            match element {
                                ast::InterpolatedStringElement::Literal(lit) => text.push_str(&lit.value),
                                ast::InterpolatedStringElement::Interpolation(field) => {
                                    if field.format_spec.is_some() || field.debug_text.is_some() {
                                        return None;
                                    }
                                    text.push_str(&constant_in(module, env, &field.expression)?.to_string());
                                }
                            }
                        }
                    }
                }
            }
            Some(text)
        }
        other => constant_in(module, env, other).map(|v| v.to_string()),
    }
}

/// What `threading.Thread(target=f, name=...)` asks for: the function, by its place in the
/// module's functions, and the name if one is given.
pub(super) struct ThreadSpec {
    pub target: usize,
    pub name: Option<String>,
}

/// The thread `expr` makes, with the names in `env` bound; `None` when it makes none.
pub(super) fn thread_target(module: &Module, env: Env, expr: &Expr) -> Result<Option<ThreadSpec>, CompileError> {
    let Expr::Call(call) = expr else { return Ok(None) };
    let Expr::Attribute(attr) = call.func.as_ref() else { return Ok(None) };
    let Expr::Name(owner) = attr.value.as_ref() else { return Ok(None) };
    if owner.id.as_str() != "threading" || attr.attr.as_str() != "Thread" {
        return Ok(None);
    }
    if let Some(arg) = call.arguments.args.first() {
        return Err(refuse(module.source, arg, "give a thread's function as `target=`: Thread(target=work)"));
    }
    let (mut target, mut name) = (None, None);
    for keyword in &call.arguments.keywords {
        match keyword.arg.as_ref().map(|a| a.as_str()) {
            Some("target") => match &keyword.value {
                Expr::Name(f) => match module.globals.get(f.id.as_str()) {
                    Some(Global::Function(i)) => target = Some(*i),
                    _ => {
                        return Err(refuse(
                            module.source,
                            f,
                            format!("`{}` is not a function defined with `def`", f.id),
                        ))
                    }
                },
                other => {
                    return Err(refuse(
                        module.source,
                        other,
                        "a thread's target is the name of a function defined with `def`",
                    ))
                }
            },
            Some("name") => {
                name = Some(const_text(module, env, &keyword.value).ok_or_else(|| {
                    refuse(
                        module.source,
                        &keyword.value,
                        "a thread's name is text known before the run, like f\"T{i}\"",
                    )
                })?)
            }
            _ => {
                return Err(refuse(
                    module.source,
                    keyword,
                    "only `target=` and `name=` are supported in `threading.Thread(...)` so far",
                ))
            }
        }
    }
    let target = target.ok_or_else(|| refuse(module.source, call, "a thread needs `target=`: the function it runs"))?;
    Ok(Some(ThreadSpec { target, name }))
}

/// `range(N)` with a constant N: N.
pub(super) fn range_count(module: &Module, iter: &Expr) -> Option<u64> {
    let Expr::Call(call) = iter else { return None };
    let Expr::Name(name) = call.func.as_ref() else { return None };
    let [n] = &call.arguments.args[..] else { return None };
    if name.id.as_str() != "range" || !call.arguments.keywords.is_empty() {
        return None;
    }
    constant(module, n).and_then(|n| u64::try_from(n).ok())
}
