//! `threading.Event`: a flag; `set()` lets every waiter go, `wait()` returns the flag.

use crate::engine::program::Wait;
use crate::engine::python::Call;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Event {
    set: bool,
}

impl Event {
    pub fn is_set(&self) -> bool {
        self.set
    }

    /// `set()`: every thread waiting now goes on (each `wait` returns True).
    pub fn set(&mut self) {
        self.set = true;
    }

    pub fn clear(&mut self) {
        self.set = false;
    }

    /// `wait(timeout)`: True at once if set; `wait(0)` returns the flag; otherwise it waits
    /// for a `set()`, and returns False if its timeout passes first.
    pub fn wait(&self, wait: Wait) -> Call<bool> {
        crate::engine::python::try_or_wait(self.set, wait)
    }

    /// What a `wait` whose timeout passed returns.
    pub const TIMED_OUT: bool = false;

    /// The flag as a word (0 clear, 1 set), the futex word its waiters sleep on.
    pub fn to_word(self) -> u32 {
        self.set as u32
    }

    pub fn from_word(word: u32) -> Event {
        Event { set: word != 0 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wait_returns_the_flag_or_waits_for_it() {
        let mut event = Event::default();
        assert_eq!(event.wait(Wait::Forever), Call::Blocks);
        assert_eq!(event.wait(Wait::Timeout(5)), Call::Blocks);
        // CPython: `threading.Event().wait(0)` returns False at once.
        assert_eq!(event.wait(Wait::NoWait), Call::Returns(false));
        event.set();
        assert_eq!(event.wait(Wait::Forever), Call::Returns(true));
        event.clear();
        assert!(!event.is_set());
        assert_eq!(Event::from_word(Event::default().to_word()), Event::default());
        event.set();
        assert_eq!(Event::from_word(event.to_word()), event);
    }
}
