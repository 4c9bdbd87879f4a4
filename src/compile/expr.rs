//! Expressions the compiler can know before the program runs: constants and the numbers
//! made from them, seconds for `time.sleep`, a thread's target.

use ruff_python_ast::{self as ast, Expr, Number, Operator, UnaryOp};

use super::scope::{Global, Module};
use super::{refuse, CompileError};

/// The value of a whole-number expression made only of literals and module constants.
pub(super) fn constant(module: &Module, expr: &Expr) -> Option<i64> {
    match expr {
        Expr::NumberLiteral(ast::ExprNumberLiteral { value: Number::Int(int), .. }) => int.as_i64(),
        Expr::Name(name) => match module.globals.get(name.id.as_str()) {
            Some(Global::Const(v)) => Some(*v),
            _ => None,
        },
        Expr::UnaryOp(unary) if unary.op == UnaryOp::USub => constant(module, &unary.operand)?.checked_neg(),
        Expr::BinOp(bin) => {
            let (a, b) = (constant(module, &bin.left)?, constant(module, &bin.right)?);
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

/// The function a `threading.Thread(target=f)` runs, by its place in the module's
/// functions; `None` when `expr` makes no thread.
pub(super) fn thread_target(module: &Module, expr: &Expr) -> Result<Option<usize>, CompileError> {
    let Expr::Call(call) = expr else { return Ok(None) };
    let Expr::Attribute(attr) = call.func.as_ref() else { return Ok(None) };
    let Expr::Name(owner) = attr.value.as_ref() else { return Ok(None) };
    if owner.id.as_str() != "threading" || attr.attr.as_str() != "Thread" {
        return Ok(None);
    }
    if let Some(arg) = call.arguments.args.first() {
        return Err(refuse(module.source, arg, "give a thread's function as `target=`: Thread(target=work)"));
    }
    let mut target = None;
    for keyword in &call.arguments.keywords {
        match keyword.arg.as_ref().map(|a| a.as_str()) {
            Some("target") => match &keyword.value {
                Expr::Name(name) => match module.globals.get(name.id.as_str()) {
                    Some(Global::Function(f)) => target = Some(*f),
                    _ => {
                        return Err(refuse(
                            module.source,
                            name,
                            format!("`{}` is not a function defined with `def`", name.id),
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
            _ => {
                return Err(refuse(
                    module.source,
                    keyword,
                    "only `target=` is supported in `threading.Thread(...)` so far",
                ))
            }
        }
    }
    target.map(Some).ok_or_else(|| refuse(module.source, call, "a thread needs `target=`: the function it runs"))
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
