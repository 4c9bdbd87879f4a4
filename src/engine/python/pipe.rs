//! `multiprocessing.Pipe(duplex)`: two connected ends, 0 and 1. What one end sends the
//! other receives, in order; a one-way pipe (`duplex=False`) receives on end 0 and sends on
//! end 1. Each process holds its own copy of each end: the main process makes both, a
//! child started by fork gets a copy of each its parent holds, and a copy goes when its
//! process closes it or exits. Once no process holds an end, the other end receives what is
//! left and then `EOFError`, and sending to it raises `BrokenPipeError`; so a parent that
//! forgets to close its copy of the sending end leaves the receiver waiting for ever.

use std::collections::{BTreeSet, VecDeque};

use crate::engine::python::errors::{self, PyError};
use crate::engine::python::queue::Item;
use crate::engine::python::Call;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pipe {
    duplex: bool,
    /// What waits to be received at each end.
    inbox: [VecDeque<Item>; 2],
    /// The processes holding a copy of each end.
    holders: [BTreeSet<u16>; 2],
    /// Messages sent so far, both ways.
    sent: u32,
}

impl Pipe {
    pub fn new(duplex: bool) -> Pipe {
        let made_by_main = BTreeSet::from([0]);
        Pipe {
            duplex,
            inbox: [VecDeque::new(), VecDeque::new()],
            holders: [made_by_main.clone(), made_by_main],
            sent: 0,
        }
    }

    /// A child started by fork: a copy of each end its parent holds.
    pub fn fork(&mut self, parent: u16, child: u16) {
        for holders in &mut self.holders {
            if holders.contains(&parent) {
                holders.insert(child);
            }
        }
    }

    /// A process exited: its copies are closed.
    pub fn exit(&mut self, process: u16) {
        for holders in &mut self.holders {
            holders.remove(&process);
        }
    }

    /// Whether no process holds `end` any more.
    fn gone(&self, end: usize) -> bool {
        self.holders[end].is_empty()
    }

    /// `conn.send(value)` on `end` in `process`. As `Connection.send` checks: its copy is open,
    /// then that it may send, then that the other end is there to receive.
    pub fn send(&mut self, process: u16, end: u8, value: i64) -> Result<Item, PyError> {
        let (e, to) = (end as usize, 1 - end as usize);
        if !self.holders[e].contains(&process) {
            return Err(errors::HANDLE_CLOSED);
        }
        if !self.duplex && end == 0 {
            return Err(errors::READ_ONLY);
        }
        if self.gone(to) {
            return Err(errors::BROKEN_PIPE);
        }
        self.sent += 1;
        let item = Item { seq: self.sent, value };
        self.inbox[to].push_back(item);
        Ok(item)
    }

    /// `conn.recv()` on `end` in `process`: the next message, `EOFError` once the other end is closed and
    /// nothing is left, else it waits.
    pub fn recv(&mut self, process: u16, end: u8) -> Result<Call<Item>, PyError> {
        let e = end as usize;
        if !self.holders[e].contains(&process) {
            return Err(errors::HANDLE_CLOSED);
        }
        if !self.duplex && end == 1 {
            return Err(errors::WRITE_ONLY);
        }
        match self.inbox[e].pop_front() {
            Some(item) => Ok(Call::Returns(item)),
            None if self.gone(1 - e) => Err(errors::END_OF_FILE),
            None => Ok(Call::Blocks),
        }
    }

    /// `conn.close()` on `end` in `process`: its copy goes; receivers waiting at the other
    /// end try again (and find `EOFError` once no copy is left).
    pub fn close(&mut self, process: u16, end: u8) {
        self.holders[end as usize].remove(&process);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_arrive_in_order_at_the_other_end_then_eof() {
        let mut pipe = Pipe::new(true);
        pipe.send(0, 1, 10).unwrap();
        pipe.send(0, 1, 20).unwrap();
        pipe.send(0, 0, 99).unwrap();
        assert_eq!(pipe.recv(0, 0), Ok(Call::Returns(Item { seq: 1, value: 10 })));
        assert_eq!(pipe.recv(0, 1), Ok(Call::Returns(Item { seq: 3, value: 99 })));
        assert_eq!(pipe.recv(0, 1), Ok(Call::Blocks));
        pipe.close(0, 1);
        // CPython: what was sent before the close is still received; then EOFError.
        assert_eq!(pipe.recv(0, 0), Ok(Call::Returns(Item { seq: 2, value: 20 })));
        assert_eq!(pipe.recv(0, 0), Err(errors::END_OF_FILE));
        // CPython: `a, b = Pipe(); a.close(); b.send(1)` raises BrokenPipeError.
        let mut pipe = Pipe::new(true);
        pipe.close(0, 0);
        assert_eq!(pipe.send(0, 1, 1), Err(errors::BROKEN_PIPE));
    }

    #[test]
    fn an_end_is_gone_only_once_every_process_closed_its_copy_or_exited() {
        // a, b = Pipe(); a child forked; the child closes its `b` and exits; the parent's
        // `b` is still open, so a recv on `a` waits (CPython hangs there), until the parent
        // closes it too.
        let mut pipe = Pipe::new(true);
        pipe.fork(0, 1);
        pipe.close(1, 1);
        pipe.exit(1);
        assert_eq!(pipe.recv(0, 0), Ok(Call::Blocks));
        pipe.close(0, 1);
        assert_eq!(pipe.recv(0, 0), Err(errors::END_OF_FILE));
        // A copy this process closed cannot be used; another process's still can.
        let mut pipe = Pipe::new(true);
        pipe.fork(0, 2);
        pipe.close(0, 1);
        assert_eq!(pipe.send(0, 1, 5), Err(errors::HANDLE_CLOSED));
        assert!(pipe.send(2, 1, 5).is_ok());
    }

    #[test]
    fn a_one_way_pipe_receives_on_end_0_and_sends_on_end_1() {
        // CPython: `r, w = Pipe(duplex=False)`; `r.send(1)` and `w.recv()` raise OSError.
        let mut pipe = Pipe::new(false);
        assert_eq!(pipe.send(0, 0, 1), Err(errors::READ_ONLY));
        assert_eq!(pipe.recv(0, 1), Err(errors::WRITE_ONLY));
        assert!(pipe.send(0, 1, 5).is_ok());
        assert_eq!(pipe.recv(0, 0), Ok(Call::Returns(Item { seq: 1, value: 5 })));
    }

    #[test]
    fn a_closed_end_can_neither_send_nor_receive_whatever_its_direction() {
        // CPython checks that the handle is open before its direction: `r.close();
        // r.send(1)` on a one-way pipe raises OSError: handle is closed.
        let mut pipe = Pipe::new(false);
        pipe.close(0, 0);
        assert_eq!(pipe.send(0, 0, 1), Err(errors::HANDLE_CLOSED));
        assert_eq!(pipe.recv(0, 0), Err(errors::HANDLE_CLOSED));
    }
}
