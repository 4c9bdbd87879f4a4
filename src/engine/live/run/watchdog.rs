//! The watchdog: the wait-for graph as the actors publish it, read by the run's owner at
//! each poll. A deadlock or a stuck run stops every actor through the control block.

use std::sync::atomic::Ordering;

use super::objects::LiveObject;
use super::LiveRun;
use crate::engine::control::StopReason;
use crate::engine::deadlock::{find_cycle, Waiting};
use crate::engine::program::{ActorId, ObjectId};
use crate::engine::trace::{Nanos, WaitOn};

/// How long every thread must sit in the same untimed waits, with no cycle among them,
/// before the watchdog calls the run stuck. Long against any wake-up on a busy machine.
const STUCK_AFTER: Nanos = 1_000_000_000;

/// A published wait: what is waited for, whether the waiter already held it when it began
/// to wait (a plain Lock taken twice by its owner), and whether the wait has a timeout
/// (which ends it whatever the others do, so it is never part of a deadlock).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct PublishedWait {
    pub(super) on: WaitOn,
    pub(super) held_before: bool,
    pub(super) timed: bool,
}

const HELD_BEFORE: u64 = 1 << 40;
const TIMED: u64 = 1 << 41;

pub(super) fn encode_wait(wait: PublishedWait) -> u64 {
    let held = if wait.held_before { HELD_BEFORE } else { 0 };
    let timed = if wait.timed { TIMED } else { 0 };
    held | timed
        | match wait.on {
            WaitOn::Object(o) => 1 << 32 | o.0 as u64,
            WaitOn::Actor(a) => 2 << 32 | a.0 as u64,
        }
}

fn decode_wait(word: u64) -> Option<PublishedWait> {
    let on = match (word >> 32) & 0xff {
        1 => WaitOn::Object(ObjectId(word as u16)),
        2 => WaitOn::Actor(ActorId(word as u16)),
        _ => return None,
    };
    Some(PublishedWait { on, held_before: word & HELD_BEFORE != 0, timed: word & TIMED != 0 })
}

/// Who holds what a published wait is for. A waiter that owns the lock it waits on is in a
/// deadlock with itself only if it owned it before it began to wait; otherwise it has just
/// won the lock and not yet taken its wait down, and nobody holds anything against it.
fn holder_of(waiter: ActorId, wait: PublishedWait, owner: Option<ActorId>) -> Option<ActorId> {
    owner.filter(|&o| o != waiter || wait.held_before)
}

impl LiveRun {
    /// The watchdog: the wait-for graph as the actors publish it. A cycle seen at two looks
    /// in a row is a deadlock (a real one never moves; a snapshot torn by a wait that was
    /// just ending does not last): it is recorded, and every actor is stopped through the
    /// control block, which frees them all within one wait slice. Every thread sitting in
    /// the same untimed waits with no cycle, for [`STUCK_AFTER`], is stuck, and ends the same
    /// way.
    pub(super) fn watch(&mut self) {
        if self.deadlock.is_some() || self.stuck.is_some() || self.shared.control.stopped().is_some() {
            return;
        }
        let shared = &self.shared;
        let mut alive = 0;
        let mut waiting: Vec<Waiting> = Vec::new();
        for (i, slot) in shared.actors.iter().enumerate() {
            if !slot.started.load(Ordering::Acquire) || slot.done.load(Ordering::Acquire) == 1 {
                continue;
            }
            alive += 1;
            let Some(wait) = decode_wait(slot.waiting_on.load(Ordering::Acquire)) else { continue };
            if wait.timed {
                continue;
            }
            let waiter = ActorId(i as u16);
            let holder = match wait.on {
                WaitOn::Object(o) => match &shared.objects[o.0 as usize] {
                    LiveObject::Lock(lock) => holder_of(waiter, wait, lock.holder()),
                    _ => None,
                },
                WaitOn::Actor(a) => (!shared.joined(a)).then_some(a),
            };
            waiting.push(Waiting { waiter, on: wait.on, holder });
        }
        let cycle = find_cycle(&waiting);
        if cycle.is_some() && cycle == self.suspect {
            self.deadlock = cycle;
            shared.control.stop(StopReason::Deadlock);
            return;
        }
        self.suspect = cycle;
        let now = shared.clock.now();
        if alive > 0 && waiting.len() == alive {
            let snapshot: Vec<(ActorId, WaitOn)> = waiting.iter().map(|w| (w.waiter, w.on)).collect();
            match &self.stall {
                Some((seen, since)) if *seen == snapshot => {
                    if now.saturating_sub(*since) >= STUCK_AFTER {
                        self.stuck = Some(snapshot);
                        shared.control.stop(StopReason::Stuck);
                    }
                }
                _ => self.stall = Some((snapshot, now)),
            }
        } else {
            self.stall = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_waiter_that_has_just_won_its_lock_is_not_deadlocked_with_itself() {
        let me = ActorId(3);
        let fresh = PublishedWait { on: WaitOn::Object(ObjectId(1)), held_before: false, timed: false };
        assert_eq!(holder_of(me, fresh, Some(me)), None);
        assert_eq!(holder_of(me, fresh, Some(ActorId(4))), Some(ActorId(4)));
        // A plain Lock taken again by its owner: it waits for itself, for good.
        let again = PublishedWait { held_before: true, ..fresh };
        assert_eq!(holder_of(me, again, Some(me)), Some(me));
    }

    #[test]
    fn published_waits_round_trip_through_their_word() {
        for on in [WaitOn::Object(ObjectId(65535)), WaitOn::Actor(ActorId(7))] {
            for (held_before, timed) in [(false, false), (true, false), (false, true), (true, true)] {
                let wait = PublishedWait { on, held_before, timed };
                assert_eq!(decode_wait(encode_wait(wait)), Some(wait));
            }
        }
        assert_eq!(decode_wait(0), None);
    }
}
