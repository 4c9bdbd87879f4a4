//! How much work a Program is for the simulator, known before running it: the steps its
//! loops will take, counting a loop that runs in batches (its body private, or plain work
//! under the GIL) as a few steps, and one that touches shared state as every iteration's
//! operations. A run too large to simulate in reasonable time is refused up front with the
//! loop to blame, instead of running out of steps long after.

use crate::engine::program::{ActorId, Line, ObjectKind, OpKind, Program};
use crate::engine::settings::RunSettings;

/// Steps a simulated run may be planned to take; past it the run is refused up front.
/// About ten seconds of the simulator's work natively, a few times that in the browser.
pub const MAX_PLANNED_STEPS: u64 = 150_000_000;

/// What a run will cost the simulator, and its costliest loop.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SizeEstimate {
    pub steps: u64,
    pub heaviest: Option<HeavyLoop>,
}

/// A loop that runs step by step: who runs it, where, and how much it weighs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeavyLoop {
    pub actor: ActorId,
    /// The line of the loop's back-edge (the `for` or `while` line).
    pub line: Line,
    /// Iterations in all (the loops around it included).
    pub iterations: u64,
    pub steps: u64,
}

/// Iterations of a batched loop taken one by one: its last ones, and those around timers.
const BATCHED_ITERATIONS: u64 = 16;

/// The steps `program` will take on the simulated engine with `settings`.
pub fn estimate(program: &Program, settings: &RunSettings) -> SizeEstimate {
    let mut total: u64 = 0;
    let mut heaviest: Option<HeavyLoop> = None;
    for (index, actor) in program.actors.iter().enumerate() {
        let ops = &actor.ops;
        // How often each operation runs, from the counted loops around it.
        let mut times = vec![1u64; ops.len()];
        for (end, op) in ops.iter().enumerate() {
            let OpKind::Loop { to, times: n } = op.kind else { continue };
            let batched = ops[to..=end].iter().all(|op| batchable(program, &op.kind, settings.gil));
            let factor = if batched { n.min(BATCHED_ITERATIONS) } else { n };
            for t in &mut times[to..=end] {
                *t = t.saturating_mul(factor);
            }
            if !batched {
                let steps = times[to..=end].iter().fold(0u64, |a, t| a.saturating_add(*t));
                if heaviest.as_ref().is_none_or(|h| steps > h.steps) {
                    let iterations = times[end];
                    heaviest = Some(HeavyLoop { actor: ActorId(index as u16), line: op.line, iterations, steps });
                }
            }
        }
        total = times.iter().fold(total, |a, t| a.saturating_add(*t));
    }
    SizeEstimate { steps: total, heaviest }
}

/// Whether an operation can run inside a batched loop: private work always; plain
/// variables too while a thread holds its GIL (it runs alone then).
fn batchable(program: &Program, kind: &OpKind, gil: bool) -> bool {
    match kind {
        OpKind::Load { object, .. } | OpKind::Store { object, .. } => {
            gil && matches!(program.objects.get(object.0 as usize).map(|o| &o.kind), Some(ObjectKind::Var { .. }))
        }
        kind => kind.is_private(),
    }
}

/// Why a run was refused before it started: too large to simulate, and the loop to blame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TooLarge {
    pub steps: u64,
    pub limit: u64,
    /// The loop, who runs it (a thread's name, and how many others run the same code),
    /// and its Python line.
    pub heaviest: Option<(HeavyLoop, String, usize, String)>,
}

/// A large count the way people say it: `640 million`, `2.4 billion`, `90000`.
pub fn about(n: u64) -> String {
    match n {
        n if n >= 1_000_000_000 => format!("{:.1} billion", n as f64 / 1e9),
        n if n >= 1_000_000 => format!("{} million", (n as f64 / 1e6).round()),
        n => n.to_string(),
    }
}

impl std::fmt::Display for TooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "this run is too large for the simulated engine: about {} steps, and it takes at most {}",
            about(self.steps),
            about(self.limit)
        )?;
        if let Some((heavy, thread, others, text)) = &self.heaviest {
            let who = match others {
                0 => format!("{thread} runs"),
                1 => format!("{thread} and one more thread run"),
                n => format!("{thread} and {n} more threads run"),
            };
            write!(
                f,
                ". {who} the loop on line {} (`{}`) {} times, touching shared state each time, so each \
                 iteration is simulated on its own",
                heavy.line,
                text.trim(),
                about(heavy.iterations)
            )?;
        }
        write!(f, ". Try fewer iterations or threads, or run it on the live engine")
    }
}

impl std::error::Error for TooLarge {}

/// `Err` with the reason if `program` would take more than `limit` steps.
pub fn check(program: &Program, settings: &RunSettings, limit: u64) -> Result<SizeEstimate, TooLarge> {
    let estimate = estimate(program, settings);
    if estimate.steps <= limit {
        return Ok(estimate);
    }
    let heaviest = estimate.heaviest.clone().map(|heavy| {
        let actor = &program.actors[heavy.actor.0 as usize];
        let others = program.actors.iter().filter(|a| a.ops == actor.ops).count() - 1;
        let text = program.source.lines().nth(heavy.line.saturating_sub(1) as usize).unwrap_or("").to_string();
        (heavy, actor.name.clone(), others, text)
    });
    Err(TooLarge { steps: estimate.steps, limit, heaviest })
}
