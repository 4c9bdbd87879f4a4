//! `queue.Queue` and `multiprocessing.Queue`: first in, first out; with a `maxsize` above
//! 0, `put` waits while it is full. Non-blocking calls, and blocking ones whose timeout
//! passes, raise `queue.Full` and `_queue.Empty`.

use std::collections::VecDeque;

use crate::engine::program::Wait;
use crate::engine::python::errors::{self, PyError};
use crate::engine::python::Call;

/// An item on a queue or in a pipe, numbered in the order it was sent (from 1), so the
/// timeline can draw it from its send to its receive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Item {
    pub seq: u32,
    pub value: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Queue {
    /// 0: unbounded, as in Python.
    maxsize: u32,
    items: VecDeque<Item>,
    /// Items put so far.
    sent: u32,
}

impl Queue {
    pub fn new(maxsize: u32) -> Queue {
        Queue { maxsize, items: VecDeque::new(), sent: 0 }
    }

    /// `q.empty()`
    pub fn empty(&self) -> bool {
        self.items.is_empty()
    }

    /// `q.full()`: `0 < maxsize <= qsize()`.
    pub fn full(&self) -> bool {
        self.maxsize > 0 && self.items.len() >= self.maxsize as usize
    }

    /// `q.put(value, block, timeout)`: in at the back, or wait for room.
    pub fn put(&mut self, value: i64, wait: Wait) -> Result<Call<Item>, PyError> {
        if self.full() {
            return match wait {
                Wait::NoWait => Err(errors::QUEUE_FULL),
                _ => Ok(Call::Blocks),
            };
        }
        self.sent += 1;
        let item = Item { seq: self.sent, value };
        self.items.push_back(item);
        Ok(Call::Returns(item))
    }

    /// `q.get(block, timeout)`: out from the front, or wait for an item.
    pub fn get(&mut self, wait: Wait) -> Result<Call<Item>, PyError> {
        match self.items.pop_front() {
            Some(item) => Ok(Call::Returns(item)),
            None if wait == Wait::NoWait => Err(errors::QUEUE_EMPTY),
            None => Ok(Call::Blocks),
        }
    }

    /// What a `put` whose timeout passed raises.
    pub const PUT_TIMED_OUT: PyError = errors::QUEUE_FULL;
    /// What a `get` whose timeout passed raises.
    pub const GET_TIMED_OUT: PyError = errors::QUEUE_EMPTY;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(call: Result<Call<Item>, PyError>) -> Option<i64> {
        match call {
            Ok(Call::Returns(item)) => Some(item.value),
            _ => None,
        }
    }

    #[test]
    fn first_in_first_out_numbered_in_order() {
        let mut q = Queue::new(0);
        for v in [10, 20, 30] {
            q.put(v, Wait::Forever).unwrap();
        }
        assert_eq!(q.get(Wait::Forever), Ok(Call::Returns(Item { seq: 1, value: 10 })));
        assert_eq!(value(q.get(Wait::Forever)), Some(20));
        assert_eq!(q.put(40, Wait::Forever), Ok(Call::Returns(Item { seq: 4, value: 40 })));
        assert!(!q.full(), "maxsize 0 is never full");
    }

    #[test]
    fn a_bounded_queue_is_full_at_maxsize_and_puts_wait_or_raise() {
        let mut q = Queue::new(2);
        q.put(1, Wait::Forever).unwrap();
        assert!(!q.full() && !q.empty());
        q.put(2, Wait::Forever).unwrap();
        assert!(q.full());
        assert_eq!(q.put(3, Wait::Forever), Ok(Call::Blocks));
        assert_eq!(q.put(3, Wait::Timeout(10)), Ok(Call::Blocks));
        // CPython: `q = queue.Queue(1); q.put(1); q.put(2, block=False)` raises queue.Full.
        assert_eq!(q.put(3, Wait::NoWait), Err(errors::QUEUE_FULL));
        assert_eq!(value(q.get(Wait::NoWait)), Some(1));
        assert_eq!(q.put(3, Wait::NoWait), Ok(Call::Returns(Item { seq: 3, value: 3 })));
    }

    #[test]
    fn an_empty_queue_makes_gets_wait_or_raise() {
        let mut q = Queue::new(0);
        assert!(q.empty());
        assert_eq!(q.get(Wait::Forever), Ok(Call::Blocks));
        // CPython: `queue.Queue().get(block=False)` raises _queue.Empty.
        assert_eq!(q.get(Wait::NoWait), Err(errors::QUEUE_EMPTY));
        assert_eq!((Queue::PUT_TIMED_OUT, Queue::GET_TIMED_OUT), (errors::QUEUE_FULL, errors::QUEUE_EMPTY));
    }
}
