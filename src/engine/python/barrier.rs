//! `threading.Barrier`: parties wait until all have arrived, then all go on together, each
//! with its index of arrival. `abort()` breaks it for good: waiters and later arrivals
//! raise `BrokenBarrierError`.

use crate::engine::python::errors::{self, PyError};

/// A Barrier of `parties`, with the parties waiting now as the engine's tokens `W`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Barrier<W> {
    parties: u32,
    arrived: Vec<W>,
    broken: bool,
}

/// What `wait()` does for the party arriving.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arrival<W> {
    /// Others are still to come: it waits; `wait` will return `index`.
    Waits { index: u32 },
    /// It was the last: everyone goes on, each returning its place in this list (the
    /// arriving party last).
    Releases(Vec<W>),
}

impl<W> Barrier<W> {
    pub fn new(parties: u32) -> Barrier<W> {
        Barrier { parties, arrived: Vec::new(), broken: false }
    }

    pub fn is_broken(&self) -> bool {
        self.broken
    }

    pub fn wait(&mut self, party: W) -> Result<Arrival<W>, PyError> {
        if self.broken {
            return Err(errors::BROKEN_BARRIER);
        }
        let index = self.arrived.len() as u32;
        self.arrived.push(party);
        if index + 1 < self.parties {
            return Ok(Arrival::Waits { index });
        }
        Ok(Arrival::Releases(std::mem::take(&mut self.arrived)))
    }

    /// `abort()`: broken from now on; the parties waiting now raise.
    pub fn abort(&mut self) -> Vec<W> {
        self.broken = true;
        std::mem::take(&mut self.arrived)
    }

    /// A waiting party that ended without passing.
    pub fn leave(&mut self, is_party: impl Fn(&W) -> bool) {
        self.arrived.retain(|w| !is_party(w));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_party_releases_everyone_with_their_arrival_indices_and_the_barrier_resets() {
        let mut barrier = Barrier::new(3);
        assert_eq!(barrier.wait('a'), Ok(Arrival::Waits { index: 0 }));
        assert_eq!(barrier.wait('b'), Ok(Arrival::Waits { index: 1 }));
        assert_eq!(barrier.wait('c'), Ok(Arrival::Releases(vec!['a', 'b', 'c'])));
        // CPython: a Barrier is reusable; the next round starts at index 0.
        assert_eq!(barrier.wait('d'), Ok(Arrival::Waits { index: 0 }));
        let mut one = Barrier::new(1);
        assert_eq!(one.wait('x'), Ok(Arrival::Releases(vec!['x'])));
    }

    #[test]
    fn an_aborted_barrier_breaks_its_waiters_and_every_later_wait() {
        // CPython: `b = threading.Barrier(2); b.abort(); b.wait()` raises
        // threading.BrokenBarrierError, with no message.
        let mut barrier = Barrier::new(3);
        barrier.wait(1).unwrap();
        barrier.wait(2).unwrap();
        barrier.leave(|w| *w == 2);
        assert_eq!(barrier.abort(), vec![1]);
        assert!(barrier.is_broken());
        assert_eq!(barrier.wait(3), Err(errors::BROKEN_BARRIER));
    }
}
