//! A lesson too large to simulate: refused before it starts, with the knob values that
//! would do.

use crate::i18n::Prose;
use crate::knobs::KnobValues;
use crate::lessons::{Built, Lesson};
use crate::said;

/// For a lesson too large with these knobs: for each of its whole-number knobs, the largest
/// round value below the current one with which `fits` holds (the others as they are),
/// least change first, at most two.
pub fn smaller_knobs(lesson: &Lesson, knobs: &KnobValues, fits: impl Fn(&Built) -> bool) -> Vec<(&'static str, i64)> {
    let with = |name: &str, value: i64| {
        let mut changed = knobs.clone();
        changed.set(name, &value.to_string()).ok()?;
        (lesson.build)(&changed).ok().filter(|b| fits(b))
    };
    let mut found: Vec<(&'static str, i64, f64)> = Vec::new();
    for spec in lesson.info.knobs {
        let crate::knobs::KnobKind::Int { min, .. } = spec.kind else { continue };
        let Some(crate::knobs::KnobValue::Int(current)) = knobs.get(spec.name).cloned() else { continue };
        if current <= min || with(spec.name, min).is_none() {
            continue;
        }
        // The largest value that fits, then the largest round one (1, 2 or 5 times a power
        // of ten) at or below it.
        let (mut low, mut high) = (min, current - 1);
        while low < high {
            let middle = low + (high - low + 1) / 2;
            if with(spec.name, middle).is_some() {
                low = middle;
            } else {
                high = middle - 1;
            }
        }
        let round = round_down(low).max(min);
        let value = if with(spec.name, round).is_some() { round } else { low };
        found.push((spec.name, value, value as f64 / current as f64));
    }
    found.sort_by(|a, b| b.2.total_cmp(&a.2));
    found.into_iter().take(2).map(|(name, value, _)| (name, value)).collect()
}

/// The largest of 1, 2 or 5 times a power of ten at or below `n` (`n` itself below 10).
fn round_down(n: i64) -> i64 {
    if n < 10 {
        return n;
    }
    let mut power = 1;
    while power * 10 <= n {
        power *= 10;
    }
    [5, 2, 1].into_iter().map(|m| m * power).find(|v| *v <= n).unwrap_or(power)
}

/// ` (with the other knobs as they are, `increments=20000` or `threads=2` or less would do)`
/// for the knobs found, in each language, or nothing.
pub fn suggestion(knobs: &[(&str, i64)]) -> Prose {
    if knobs.is_empty() {
        return Prose::default();
    }
    let each: Vec<String> = knobs.iter().map(|(name, value)| format!("`{name}={value}`")).collect();
    let (or_en, or_ko) = (each.join(" or "), each.join(" 또는 "));
    said!(
        " (with the other knobs as they are, {or_en} or less would do)",
        " (다른 설정은 그대로 두고 {or_ko} 이하로 줄이면 됩니다)"
    )
}
