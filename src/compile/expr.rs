//! Expressions the compiler can know before the program runs: constants, parameters and
//! what is computed from them, seconds for `time.sleep`, text, a thread's target.

use ruff_python_ast::{self as ast, Expr, Number, Operator, UnaryOp};

use super::scope::{Global, Module, Value};
use super::syntax;
use super::{refuse, CompileError};
use crate::i18n::Prose;
use crate::said;

/// Names bound to known values while compiling: a comprehension's variable, parameters.
pub(super) type Env<'e> = &'e [(String, Value)];

/// The name under which an environment holds the name of the thread being compiled, when it
/// is known before the run (not a name Python code can use).
pub(super) const CURRENT_THREAD: &str = "@current_thread";

/// The value of an expression made only of literals, module constants and `env`'s names.
pub(super) fn value_in(module: &Module, env: Env, expr: &Expr) -> Option<Value> {
    match expr {
        Expr::NumberLiteral(ast::ExprNumberLiteral { value: Number::Int(int), .. }) => int.as_i64().map(Value::Int),
        Expr::NumberLiteral(ast::ExprNumberLiteral { value: Number::Float(f), .. }) => Some(Value::Float(*f)),
        Expr::StringLiteral(s) => Some(Value::Text(s.value.to_str().to_string())),
        Expr::FString(f) => fstring(module, env, f).map(Value::Text),
        Expr::Name(name) => match env.iter().find(|(n, _)| n == name.id.as_str()) {
            Some((_, v)) => Some(v.clone()),
            None => match module.globals.get(name.id.as_str()) {
                Some(Global::Const(v)) => Some(v.clone()),
                _ => None,
            },
        },
        Expr::UnaryOp(unary) if unary.op == UnaryOp::USub => match value_in(module, env, &unary.operand)? {
            Value::Float(f) => Some(Value::Float(-f)),
            v => v.whole()?.checked_neg().map(Value::Int),
        },
        Expr::UnaryOp(unary) if unary.op == UnaryOp::Not => {
            Some(Value::Bool(!value_in(module, env, &unary.operand)?.truthy()))
        }
        Expr::BooleanLiteral(b) => Some(Value::Bool(b.value)),
        Expr::Compare(_) => truth_in(module, env, expr).map(Value::Bool),
        // `a and b`, `a or b`: the operand that decides, as Python gives it.
        Expr::BoolOp(bool_op) => {
            let mut last = None;
            for operand in &bool_op.values {
                let v = value_in(module, env, operand)?;
                let decides = v.truthy() == (bool_op.op == ast::BoolOp::Or);
                last = Some(v);
                if decides {
                    break;
                }
            }
            last
        }
        Expr::List(list) => {
            let items = list.elts.iter().map(|e| value_in(module, env, e)).collect::<Option<Vec<_>>>()?;
            (size_of(&items) <= MAX_KNOWN_LIST as usize).then_some(Value::List(items))
        }
        Expr::ListComp(comp) => known_list(module, env, comp),
        Expr::BinOp(bin) => arith(bin.op, value_in(module, env, &bin.left)?, value_in(module, env, &bin.right)?),
        Expr::Attribute(_) if syntax::is_current_thread_name(expr) => {
            env.iter().find(|(n, _)| n == CURRENT_THREAD).map(|(_, v)| v.clone())
        }
        // `os.getpid()` where one process runs the code.
        Expr::Call(_) if syntax::is_bare_call(expr, "os", "getpid") && module.imported("os") => {
            module.current_pid.map(Value::Int)
        }
        Expr::Call(call) => builtin(module, env, call),
        // `counts[c]`, `MESSAGES[:-1]`, `name[1:]`: an item or a slice of a known list or
        // text (the list or text computed once).
        Expr::Subscript(sub) => {
            let base = value_in(module, env, &sub.value)?;
            let Expr::Slice(slice) = sub.slice.as_ref() else {
                let Value::List(items) = base else { return None };
                let i = value_in(module, env, &sub.slice)?.whole()?;
                let at = if i < 0 { i + items.len() as i64 } else { i };
                return items.get(usize::try_from(at).ok()?).cloned();
            };
            if slice.step.is_some() {
                return None;
            }
            let bounds = |len: usize| -> Option<(usize, usize)> {
                let len = len as i64;
                let at = |bound: &Option<Box<Expr>>, default: i64| -> Option<usize> {
                    let i = match bound {
                        Some(e) => constant_in(module, env, e)?,
                        None => default,
                    };
                    Some((if i < 0 { i + len } else { i }).clamp(0, len) as usize)
                };
                let (from, to) = (at(&slice.lower, 0)?, at(&slice.upper, len)?);
                Some((from, to.max(from)))
            };
            match base {
                Value::List(items) => bounds(items.len()).map(|(from, to)| Value::List(items[from..to].to_vec())),
                Value::Text(text) => {
                    let chars: Vec<char> = text.chars().collect();
                    bounds(chars.len()).map(|(from, to)| Value::Text(chars[from..to].iter().collect()))
                }
                _ => None,
            }
        }
        // `self.delay` in a Thread subclass's `run`: an attribute `__init__` set.
        Expr::Attribute(attr) => match attr.value.as_ref() {
            Expr::Name(owner) => {
                let key = format!("{}.{}", owner.id, attr.attr);
                env.iter().find(|(n, _)| *n == key).map(|(_, v)| v.clone())
            }
            _ => None,
        },
        _ => None,
    }
}

/// `min(...)`, `max(...)`, `abs(x)`, `int(x)` and `str(x)` of known values (not shadowed by
/// a module name).
fn builtin(module: &Module, env: Env, call: &ast::ExprCall) -> Option<Value> {
    let Expr::Name(name) = call.func.as_ref() else { return None };
    let name = name.id.as_str();
    if !call.arguments.keywords.is_empty() || module.globals.contains_key(name) || env.iter().any(|(n, _)| n == name) {
        return None;
    }
    let args: Vec<Value> = call.arguments.args.iter().map(|a| value_in(module, env, a)).collect::<Option<_>>()?;
    match (name, &args[..]) {
        ("len", [Value::Text(t)]) => Some(Value::Int(t.chars().count() as i64)),
        ("len", [Value::List(items)]) => Some(Value::Int(items.len() as i64)),
        ("sum", [Value::List(items)]) => {
            items.iter().try_fold(Value::Int(0), |total, item| arith(Operator::Add, total, item.clone()))
        }
        ("min" | "max", [Value::List(items)]) if !items.is_empty() => builtin_extreme(name, items),
        ("bool", [v]) => Some(Value::Bool(v.truthy())),
        ("int", [Value::Text(t)]) => t.trim().replace('_', "").parse().ok().map(Value::Int),
        ("int", [Value::Int(i)]) => Some(Value::Int(*i)),
        ("int", [Value::Bool(b)]) => Some(Value::Int(i64::from(*b))),
        ("int", [Value::Float(f)]) if f.is_finite() => Some(Value::Int(f.trunc() as i64)),
        ("str", [v]) => Some(Value::Text(v.shown())),
        ("abs", [Value::Int(i)]) => i.checked_abs().map(Value::Int),
        ("abs", [Value::Float(f)]) => Some(Value::Float(f.abs())),
        ("min" | "max", [_, _, ..]) => builtin_extreme(name, &args),
        _ => None,
    }
}

/// `min` or `max` of known numbers: the first of equal ones, as Python gives it.
fn builtin_extreme(name: &str, args: &[Value]) -> Option<Value> {
    let keys: Vec<f64> = args.iter().map(Value::number).collect::<Option<_>>()?;
    let mut best = 0;
    for (i, k) in keys.iter().enumerate() {
        if (name == "min" && *k < keys[best]) || (name == "max" && *k > keys[best]) {
            best = i;
        }
    }
    Some(args[best].clone())
}

/// The most items a known list may hold.
const MAX_KNOWN_LIST: u64 = 10_000;

/// `[f(x) for x in range(...) if test]` with every item known before the run.
fn known_list(module: &Module, env: Env, comp: &ast::ExprListComp) -> Option<Value> {
    let [generator] = comp.generators.as_slice() else { return None };
    let Expr::Name(var) = &generator.target else { return None };
    let (from, n) = range_of(module, env, &generator.iter)?;
    if n > MAX_KNOWN_LIST {
        return None;
    }
    let mut items = Vec::new();
    let mut size = 0;
    for k in 0..n {
        let mut inner = env.to_vec();
        inner.push((var.id.to_string(), Value::Int(from + k as i64)));
        if generator.ifs.iter().all(|test| value_in(module, &inner, test).is_some_and(|t| t.truthy())) {
            let item = value_in(module, &inner, &comp.elt)?;
            // Lists of lists count every item: a known value stays small.
            size += 1 + item_size(&item);
            if size > MAX_KNOWN_LIST as usize {
                return None;
            }
            items.push(item);
        } else if !generator.ifs.iter().all(|test| value_in(module, &inner, test).is_some()) {
            return None;
        }
    }
    Some(Value::List(items))
}

/// `a <op> b` as Python computes it, for numbers.
fn arith(op: Operator, a: Value, b: Value) -> Option<Value> {
    // A bool is 0 or 1 in arithmetic.
    let int = |v: Value| match v {
        Value::Bool(b) => Value::Int(i64::from(b)),
        v => v,
    };
    match (int(a), int(b)) {
        (Value::List(a), Value::List(b)) if op == Operator::Add => {
            (size_of(&a) + size_of(&b) <= MAX_KNOWN_LIST as usize).then(|| Value::List([a, b].concat()))
        }
        (Value::Int(a), Value::Int(b)) => match op {
            Operator::Add => a.checked_add(b).map(Value::Int),
            Operator::Sub => a.checked_sub(b).map(Value::Int),
            Operator::Mult => a.checked_mul(b).map(Value::Int),
            Operator::Pow if b >= 0 => a.checked_pow(u32::try_from(b).ok()?).map(Value::Int),
            Operator::Div if b != 0 => Some(Value::Float(a as f64 / b as f64)),
            // Python's `//` and `%` round toward minus infinity.
            Operator::FloorDiv if b != 0 => {
                let q = a.checked_div(b)?;
                Some(Value::Int(if a % b != 0 && (a < 0) != (b < 0) { q - 1 } else { q }))
            }
            Operator::Mod if b != 0 => {
                let r = a.checked_rem(b)?;
                Some(Value::Int(if r != 0 && (r < 0) != (b < 0) { r + b } else { r }))
            }
            _ => None,
        },
        (Value::Text(a), Value::Text(b)) if op == Operator::Add => {
            (a.len() + b.len() <= super::MAX_SOURCE).then(|| Value::Text(a + &b))
        }
        (Value::Text(_) | Value::List(_), _) | (_, Value::Text(_) | Value::List(_)) => None,
        (a, b) => {
            let (a, b) = (a.number()?, b.number()?);
            match op {
                Operator::Add => Some(Value::Float(a + b)),
                Operator::Sub => Some(Value::Float(a - b)),
                Operator::Mult => Some(Value::Float(a * b)),
                Operator::Div if b != 0.0 => Some(Value::Float(a / b)),
                _ => None,
            }
        }
    }
}

/// The value of a whole-number expression made only of literals and module constants.
pub(super) fn constant(module: &Module, expr: &Expr) -> Option<i64> {
    constant_in(module, &[], expr)
}

/// [`constant`], with some names bound in `env`.
pub(super) fn constant_in(module: &Module, env: Env, expr: &Expr) -> Option<i64> {
    value_in(module, env, expr)?.whole()
}

/// Seconds, for `time.sleep`: a constant whole or decimal number.
pub(super) fn seconds_in(module: &Module, env: Env, expr: &Expr) -> Option<f64> {
    value_in(module, env, expr)?.number()
}

/// `threading.NAME(...)`: the call and NAME; refused, as Python's NameError, when the
/// module has not imported `threading`.
pub(super) fn threading_call<'e>(
    module: &Module,
    expr: &'e Expr,
) -> Result<Option<(&'e ast::ExprCall, &'e str)>, CompileError> {
    let Some((call, owner, name)) = syntax::threading_call(expr) else { return Ok(None) };
    if !module.imported("threading") {
        return Err(refuse(module.source, owner, not_imported("threading")));
    }
    Ok(Some((call, name)))
}

/// Why a use of `module` without `import module` is refused (`threading`, `multiprocessing`).
pub(super) fn not_imported(module: &str) -> Prose {
    said!(
        "`{module}` is not imported: add `import {module}` first",
        "`{module}` 모듈을 가져오지 않았습니다: 먼저 `import {module}`을 추가해야 합니다"
    )
}

/// Why a flag (`daemon=`, `duplex=`) that is not `True` or `False` is refused.
pub(super) fn true_or_false(key: &str) -> Prose {
    said!("`{key}` is True or False", "`{key}` 값은 True 또는 False여야 합니다")
}

/// Text known before the run: a string, or an f-string whose fields are known values.
pub(super) fn const_text(module: &Module, env: Env, expr: &Expr) -> Option<String> {
    value_in(module, env, expr).map(|v| v.shown())
}

fn fstring(module: &Module, env: Env, f: &ast::ExprFString) -> Option<String> {
    let mut text = String::new();
    for part in f.value.iter() {
        match part {
            ast::FStringPartRef::Literal(s) => text.push_str(s.as_str()),
            ast::FStringPartRef::FString(f) => {
                for element in f.elements.iter() {
                    match element {
                        ast::InterpolatedStringElement::Literal(lit) => text.push_str(&lit.value),
                        ast::InterpolatedStringElement::Interpolation(field) => {
                            if field.format_spec.is_some()
                                || field.debug_text.is_some()
                                || field.conversion != ast::ConversionFlag::None
                            {
                                return None;
                            }
                            text.push_str(&value_in(module, env, &field.expression)?.shown());
                        }
                    }
                }
            }
        }
    }
    Some(text)
}

/// `range(N)` or `range(A, B)` with values known before the run: where it starts, and how
/// many numbers it gives.
pub(super) fn range_of(module: &Module, env: Env, iter: &Expr) -> Option<(i64, u64)> {
    let Expr::Call(call) = iter else { return None };
    let Expr::Name(name) = call.func.as_ref() else { return None };
    if name.id.as_str() != "range" || !call.arguments.keywords.is_empty() {
        return None;
    }
    let (start, stop) = match &call.arguments.args[..] {
        [stop] => (0, constant_in(module, env, stop)?),
        [start, stop] => (constant_in(module, env, start)?, constant_in(module, env, stop)?),
        _ => return None,
    };
    Some((start, u64::try_from(stop.saturating_sub(start)).unwrap_or(0)))
}

/// `time.monotonic()` or `time.perf_counter()`.
pub(super) fn is_clock(module: &Module, expr: &Expr) -> bool {
    (syntax::is_bare_call(expr, "time", "monotonic") || syntax::is_bare_call(expr, "time", "perf_counter"))
        && module.imported("time")
}

/// A module-level reading of the clock, `time.monotonic()` plus or minus seconds known
/// before the run: those seconds (the run's clock starts at 0).
pub(super) fn clock_offset(module: &Module, expr: &Expr) -> Option<f64> {
    if is_clock(module, expr) {
        return Some(0.0);
    }
    let Expr::BinOp(bin) = expr else { return None };
    let sign = match bin.op {
        Operator::Add => 1.0,
        Operator::Sub => -1.0,
        _ => return None,
    };
    if !is_clock(module, &bin.left) {
        return None;
    }
    seconds_in(module, &[], &bin.right).map(|s| sign * s)
}

/// Whether `expr` is true, when that is known before the run: a comparison of known values
/// (`threading.current_thread().name == "T0"` in a thread whose name is known), `True`,
/// `False`, `not ...`.
pub(super) fn truth_in(module: &Module, env: Env, expr: &Expr) -> Option<bool> {
    match expr {
        Expr::BooleanLiteral(b) => Some(b.value),
        Expr::UnaryOp(u) if u.op == UnaryOp::Not => truth_in(module, env, &u.operand).map(|t| !t),
        Expr::Compare(cmp) => {
            let ([op], [left, right]) = (&cmp.ops[..], &cmp.operands[..]) else { return None };
            let (a, b) = (value_in(module, env, left)?, value_in(module, env, right)?);
            let order = match (&a, &b) {
                (Value::Text(x), Value::Text(y)) => x.partial_cmp(y),
                (Value::Text(_), _) | (_, Value::Text(_)) => None,
                (x, y) => x.number()?.partial_cmp(&y.number()?),
            };
            use ast::CmpOp::*;
            match (op, order) {
                (Eq, o) => Some(o == Some(std::cmp::Ordering::Equal)),
                (NotEq, o) => Some(o != Some(std::cmp::Ordering::Equal)),
                (Lt, Some(o)) => Some(o.is_lt()),
                (LtE, Some(o)) => Some(o.is_le()),
                (Gt, Some(o)) => Some(o.is_gt()),
                (GtE, Some(o)) => Some(o.is_ge()),
                _ => None,
            }
        }
        _ => None,
    }
}

/// How many items a list holds, its lists' items counted too.
fn size_of(items: &[Value]) -> usize {
    items.iter().map(|v| 1 + item_size(v)).sum()
}

fn item_size(value: &Value) -> usize {
    match value {
        Value::List(items) => size_of(items),
        _ => 0,
    }
}
