//! `threading.Semaphore` and `threading.BoundedSemaphore`: a count of permits; nobody owns
//! one, so any thread may release.

use crate::engine::python::errors::{self, PyError};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Semaphore {
    value: u32,
    initial: u32,
    /// A BoundedSemaphore: releasing past the initial value raises.
    bounded: bool,
}

impl Semaphore {
    pub fn new(permits: u32, bounded: bool) -> Semaphore {
        Semaphore { value: permits, initial: permits, bounded }
    }

    /// Permits left.
    pub fn value(&self) -> u32 {
        self.value
    }

    /// The same semaphore with `value` permits left: an engine keeps the value in an atomic
    /// word and applies the rules to it with a compare-exchange.
    pub fn with_value(self, value: u32) -> Semaphore {
        Semaphore { value, ..self }
    }

    /// Takes a permit if there is one.
    pub fn acquire(&mut self) -> bool {
        match self.value.checked_sub(1) {
            Some(left) => {
                self.value = left;
                true
            }
            None => false,
        }
    }

    /// Gives a permit back; a waiter may then take it.
    pub fn release(&mut self) -> Result<(), PyError> {
        if self.bounded && self.value >= self.initial {
            return Err(errors::SEMAPHORE_OVER_RELEASED);
        }
        self.value += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permits_run_out_and_come_back() {
        let mut sem = Semaphore::new(2, false);
        assert!(sem.acquire() && sem.acquire());
        assert!(!sem.acquire());
        assert_eq!(sem.release(), Ok(()));
        assert!(sem.acquire());
    }

    #[test]
    fn only_a_bounded_semaphore_refuses_a_release_past_its_start() {
        // CPython: `threading.Semaphore(1).release()` is fine (the value becomes 2);
        // `threading.BoundedSemaphore(1).release()` raises ValueError.
        let mut plain = Semaphore::new(1, false);
        assert_eq!(plain.release(), Ok(()));
        assert_eq!(plain.value(), 2);
        let mut bounded = Semaphore::new(1, true);
        assert_eq!(bounded.release(), Err(errors::SEMAPHORE_OVER_RELEASED));
        assert!(bounded.acquire());
        assert_eq!(bounded.release(), Ok(()));
        assert_eq!(bounded.with_value(0).release(), Ok(()));
    }
}
