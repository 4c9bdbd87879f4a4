//! Text through queues and pipes. What travels is a whole number, so each text a program
//! may send (a literal given to `send` or `put`, or a module-level text or list of texts)
//! gets a code far below any number a program counts to; a value received is printed as
//! the text whose code it is, or as the number it is. The codes and the printing are
//! here, for the compiler and for the lessons that build the same Program by hand.

use ruff_python_ast::{Expr, Stmt};

use super::scope::{Global, Module, Value};
use crate::engine::program::{Cond, OpKind, Reg, TextPart};

/// The code of text number 0; text `i` is `TEXT_CODE_BASE + i`.
pub const TEXT_CODE_BASE: i64 = -(1 << 62);

/// The code of text number `index` of a program's table.
pub fn text_code(index: usize) -> i64 {
    TEXT_CODE_BASE + index as i64
}

/// Prints `before`, the value in `reg` and `after`, the value as the text of `texts` whose
/// code it is (in quotes, as `repr` writes it, if `repr`) or else as a number: a test and
/// a print for each text, then the number's print. `at` is where the first operation goes
/// in the thread's list (the jumps are absolute).
pub fn print_text_or_number(
    before: &[TextPart],
    reg: Reg,
    after: &[TextPart],
    texts: &[String],
    repr: bool,
    at: usize,
) -> Vec<OpKind> {
    let end = at + 3 * texts.len() + 1;
    let line =
        |middle: TextPart| merge(before.iter().cloned().chain(std::iter::once(middle)).chain(after.iter().cloned()));
    let mut ops = Vec::new();
    for (i, text) in texts.iter().enumerate() {
        let shown = if repr { Value::Text(text.clone()).repr() } else { text.clone() };
        ops.push(OpKind::JumpIf { cond: Cond::Ne(reg, text_code(i)), to: at + 3 * (i + 1) });
        ops.push(OpKind::Print { text: line(TextPart::Lit(shown)) });
        ops.push(OpKind::Jump { to: end });
    }
    ops.push(OpKind::Print { text: line(TextPart::Reg(reg)) });
    ops
}

/// Adjacent pieces of text as one.
pub(super) fn merge(parts: impl IntoIterator<Item = TextPart>) -> Vec<TextPart> {
    let mut merged: Vec<TextPart> = Vec::new();
    for part in parts {
        match (merged.last_mut(), part) {
            (Some(TextPart::Lit(a)), TextPart::Lit(b)) => a.push_str(&b),
            (_, part) => merged.push(part),
        }
    }
    merged
}

impl Module<'_> {
    /// The texts the program may send, in this order: module-level texts and lists of
    /// texts as declared, then the literals given to `send` and `put`, as written.
    pub(super) fn sendable_texts(&self, body: &[Stmt]) -> Vec<String> {
        let mut texts: Vec<String> = Vec::new();
        let mut add = |t: &str| {
            if !texts.iter().any(|x| x == t) {
                texts.push(t.to_string());
            }
        };
        let mut declared: Vec<(&ruff_text_size::TextSize, &String)> =
            self.declared_at.iter().map(|(name, at)| (at, name)).collect();
        declared.sort();
        for (_, name) in declared {
            match self.globals.get(name) {
                Some(Global::Const(Value::Text(t))) => add(t),
                Some(Global::Const(Value::List(items))) => items
                    .iter()
                    .filter_map(|v| if let Value::Text(t) = v { Some(t) } else { None })
                    .for_each(|t| add(t)),
                _ => {}
            }
        }
        let mut literals: Vec<String> = Vec::new();
        super::syntax::each_expr(body, true, &mut |e| {
            let Expr::Call(call) = e else { return };
            let sends = matches!(call.func.as_ref(), Expr::Attribute(a) if matches!(a.attr.as_str(), "send" | "put"));
            if let (true, Some(Expr::StringLiteral(s))) = (sends, call.arguments.args.first()) {
                literals.push(s.value.to_str().to_string());
            }
        });
        literals.iter().for_each(|t| add(t));
        texts
    }
}
