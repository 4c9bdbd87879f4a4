//! The turns the explorer may branch at: who could have taken each, and who did.

use super::Sim;

/// One turn as the explorer sees it: who could have taken it, and who the engine chose.
/// (Turns of a loop run alone many iterations at once are not recorded: only time could
/// pass there, which the loop's last iterations, taken one by one, show as well.)
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TurnRecord {
    pub turn: u64,
    pub enabled: Vec<u16>,
    pub chosen: u16,
    /// The chosen actor's next operation touches what others can see (a shared object,
    /// a start, a join, a print): only there does running someone else first matter.
    pub visible: bool,
    /// A timer was running (someone sleeping or starting): time could have passed first.
    pub timer: bool,
}

/// The turns the explorer may branch at, from turn `from` on: only those where the chosen
/// thread touches what others can see, and only until they offer as many branches as the
/// explorer has room for, so a run of millions of turns keeps a short log.
pub(super) struct TurnLog {
    from: u64,
    records: Vec<TurnRecord>,
    branches_left: u64,
    /// A turn that offered branches came after the log was full.
    truncated: bool,
}

impl Sim {
    /// Records who could run at the turns from `from` on where the chosen thread is about
    /// to touch what others see, until they offer `branches` other choices in all (see
    /// [`Sim::turn_log`]).
    pub fn log_turns_from(&mut self, from: u64, branches: u64) {
        self.turn_log = Some(TurnLog { from, records: Vec::new(), branches_left: branches, truncated: false });
    }

    /// The turns recorded since [`Sim::log_turns_from`], in turn order.
    pub fn turn_log(&self) -> &[TurnRecord] {
        self.turn_log.as_ref().map_or(&[], |log| &log.records)
    }

    /// Whether the log left out turns that offered branches (it was full).
    pub fn turn_log_truncated(&self) -> bool {
        self.turn_log.as_ref().is_some_and(|log| log.truncated)
    }

    /// Whether turns are being logged, so they must be numbered as if taken one by one.
    pub(super) fn logging_turns(&self) -> bool {
        self.turn_log.as_ref().is_some_and(|log| !log.truncated)
    }

    /// Whether the turn about to be taken is to be recorded for the explorer.
    pub(super) fn logging_turn(&self) -> bool {
        self.turn_log.as_ref().is_some_and(|log| self.turns >= log.from && !log.truncated)
    }

    pub(super) fn log_turn(&mut self, record: TurnRecord) {
        let Some(log) = &mut self.turn_log else { return };
        let branches = record.enabled.len().saturating_sub(1) as u64 + record.timer as u64;
        if !record.visible || branches == 0 {
            return;
        }
        if log.branches_left == 0 {
            log.truncated = true;
            return;
        }
        log.branches_left = log.branches_left.saturating_sub(branches);
        log.records.push(record);
    }
}
