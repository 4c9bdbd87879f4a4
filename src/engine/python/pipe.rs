//! `multiprocessing.Pipe(duplex)`: two connected ends, 0 and 1. What one end sends the
//! other receives, in order; a one-way pipe (`duplex=False`) receives on end 0 and sends on
//! end 1. Once an end is closed, the other end receives what is left and then `EOFError`,
//! and sending to it raises `BrokenPipeError`.

use std::collections::VecDeque;

use crate::engine::python::errors::{self, PyError};
use crate::engine::python::queue::Item;
use crate::engine::python::Call;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pipe {
    duplex: bool,
    /// What waits to be received at each end.
    inbox: [VecDeque<Item>; 2],
    closed: [bool; 2],
    /// Messages sent so far, both ways.
    sent: u32,
}

impl Pipe {
    pub fn new(duplex: bool) -> Pipe {
        Pipe { duplex, inbox: [VecDeque::new(), VecDeque::new()], closed: [false; 2], sent: 0 }
    }

    /// `conn.send(value)` on `end`. As `Connection.send` checks: the end itself is open,
    /// then that it may send, then that the other end is there to receive.
    pub fn send(&mut self, end: u8, value: i64) -> Result<Item, PyError> {
        let (e, to) = (end as usize, 1 - end as usize);
        if self.closed[e] {
            return Err(errors::HANDLE_CLOSED);
        }
        if !self.duplex && end == 0 {
            return Err(errors::READ_ONLY);
        }
        if self.closed[to] {
            return Err(errors::BROKEN_PIPE);
        }
        self.sent += 1;
        let item = Item { seq: self.sent, value };
        self.inbox[to].push_back(item);
        Ok(item)
    }

    /// `conn.recv()` on `end`: the next message, `EOFError` once the other end is closed and
    /// nothing is left, else it waits.
    pub fn recv(&mut self, end: u8) -> Result<Call<Item>, PyError> {
        let e = end as usize;
        if self.closed[e] {
            return Err(errors::HANDLE_CLOSED);
        }
        if !self.duplex && end == 1 {
            return Err(errors::WRITE_ONLY);
        }
        match self.inbox[e].pop_front() {
            Some(item) => Ok(Call::Returns(item)),
            None if self.closed[1 - e] => Err(errors::END_OF_FILE),
            None => Ok(Call::Blocks),
        }
    }

    /// `conn.close()` on `end`: receivers waiting at the other end try again (and find
    /// `EOFError`).
    pub fn close(&mut self, end: u8) {
        self.closed[end as usize] = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_arrive_in_order_at_the_other_end_then_eof() {
        let mut pipe = Pipe::new(true);
        pipe.send(1, 10).unwrap();
        pipe.send(1, 20).unwrap();
        pipe.send(0, 99).unwrap();
        assert_eq!(pipe.recv(0), Ok(Call::Returns(Item { seq: 1, value: 10 })));
        assert_eq!(pipe.recv(1), Ok(Call::Returns(Item { seq: 3, value: 99 })));
        assert_eq!(pipe.recv(1), Ok(Call::Blocks));
        pipe.close(1);
        // CPython: what was sent before the close is still received; then EOFError.
        assert_eq!(pipe.recv(0), Ok(Call::Returns(Item { seq: 2, value: 20 })));
        assert_eq!(pipe.recv(0), Err(errors::END_OF_FILE));
        // CPython: `a, b = Pipe(); a.close(); b.send(1)` raises BrokenPipeError.
        assert_eq!(pipe.send(0, 1), Err(errors::BROKEN_PIPE));
    }

    #[test]
    fn a_one_way_pipe_receives_on_end_0_and_sends_on_end_1() {
        // CPython: `r, w = Pipe(duplex=False)`; `r.send(1)` and `w.recv()` raise OSError.
        let mut pipe = Pipe::new(false);
        assert_eq!(pipe.send(0, 1), Err(errors::READ_ONLY));
        assert_eq!(pipe.recv(1), Err(errors::WRITE_ONLY));
        assert!(pipe.send(1, 5).is_ok());
        assert_eq!(pipe.recv(0), Ok(Call::Returns(Item { seq: 1, value: 5 })));
    }

    #[test]
    fn a_closed_end_can_neither_send_nor_receive_whatever_its_direction() {
        // CPython checks that the handle is open before its direction: `r.close();
        // r.send(1)` on a one-way pipe raises OSError: handle is closed.
        let mut pipe = Pipe::new(false);
        pipe.close(0);
        assert_eq!(pipe.send(0, 1), Err(errors::HANDLE_CLOSED));
        assert_eq!(pipe.recv(0), Err(errors::HANDLE_CLOSED));
    }
}
