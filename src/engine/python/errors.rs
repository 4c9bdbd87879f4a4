//! Python's exceptions as the engines raise them, each name and message stated once, as
//! CPython 3.11 prints them (the last line of a traceback: `name: message`).

use crate::engine::program::{Arith, RaisedIn};

/// A Python exception: its name as a traceback shows it, and its message (often empty).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PyError {
    pub exception: &'static str,
    pub message: &'static str,
}

const fn raise(exception: &'static str, message: &'static str) -> PyError {
    PyError { exception, message }
}

/// `Lock().release()`
pub const RELEASE_UNLOCKED: PyError = raise("RuntimeError", "release unlocked lock");
/// `RLock().release()` by a thread that does not hold it.
pub const RELEASE_UNACQUIRED: PyError = raise("RuntimeError", "cannot release un-acquired lock");
/// `BoundedSemaphore(n).release()` past `n`.
pub const SEMAPHORE_OVER_RELEASED: PyError = raise("ValueError", "Semaphore released too many times");
/// `cond.wait()` without the Condition's lock.
pub const WAIT_UNACQUIRED: PyError = raise("RuntimeError", "cannot wait on un-acquired lock");
/// `cond.notify()` without the Condition's lock.
pub const NOTIFY_UNACQUIRED: PyError = raise("RuntimeError", "cannot notify on un-acquired lock");
/// `barrier.wait()` on a broken (aborted) Barrier, or while waiting when it breaks.
pub const BROKEN_BARRIER: PyError = raise("threading.BrokenBarrierError", "");
/// `q.put(item, block=False)` on a full queue, or when a put's timeout passes.
pub const QUEUE_FULL: PyError = raise("queue.Full", "");
/// `q.get(block=False)` on an empty queue, or when a get's timeout passes (both
/// `queue.Queue` and `multiprocessing.Queue` raise the C module's class).
pub const QUEUE_EMPTY: PyError = raise("_queue.Empty", "");
/// `conn.recv()` once the other end is closed and nothing is left to read.
pub const END_OF_FILE: PyError = raise("EOFError", "");
/// `conn.send(obj)` once the other end is closed.
pub const BROKEN_PIPE: PyError = raise("BrokenPipeError", "[Errno 32] Broken pipe");
/// `send` on the receiving end of `Pipe(duplex=False)`.
pub const READ_ONLY: PyError = raise("OSError", "connection is read-only");
/// `recv` on the sending end of `Pipe(duplex=False)`.
pub const WRITE_ONLY: PyError = raise("OSError", "connection is write-only");
/// `send` or `recv` on an end this program closed.
pub const HANDLE_CLOSED: PyError = raise("OSError", "handle is closed");
/// `t.start()` a second time.
pub const THREAD_STARTED_TWICE: PyError = raise("RuntimeError", "threads can only be started once");
/// `p.start()` a second time (an `assert` in `multiprocessing`).
pub const PROCESS_STARTED_TWICE: PyError = raise("AssertionError", "cannot start a process twice");
/// `threading.current_thread().join()`
pub const JOIN_CURRENT: PyError = raise("RuntimeError", "cannot join current thread");
/// `t.join()` before `t.start()`.
pub const JOIN_UNSTARTED_THREAD: PyError = raise("RuntimeError", "cannot join thread before it is started");
/// `p.join()` before `p.start()` (an `assert` in `multiprocessing`).
pub const JOIN_UNSTARTED_PROCESS: PyError = raise("AssertionError", "can only join a started process");
/// `lst[i]` past either end.
pub const LIST_INDEX: PyError = raise("IndexError", "list index out of range");
/// `lst[i] = v` past either end.
pub const LIST_ASSIGNMENT_INDEX: PyError = raise("IndexError", "list assignment index out of range");
/// A list past the engines' limit on its length (CPython would go on until memory ran out).
pub const LIST_TOO_LONG: PyError = raise("MemoryError", "a list may hold at most 1 000 000 items here");
/// `[].pop()`
pub const POP_EMPTY: PyError = raise("IndexError", "pop from empty list");
/// `a // 0`
pub const ZERO_DIVISION: PyError = raise("ZeroDivisionError", "integer division or modulo by zero");
/// `a % 0` (3.11 says so; 3.10 and before gave `//`'s message).
pub const ZERO_MODULO: PyError = raise("ZeroDivisionError", "integer modulo by zero");

/// What integer arithmetic raises when [`Arith::apply`] finds a zero divisor.
pub fn zero_divisor(op: Arith) -> PyError {
    match op {
        Arith::Mod => ZERO_MODULO,
        _ => ZERO_DIVISION,
    }
}

/// What CPython prints for an exception a thread does not catch, but for the traceback's
/// frames: who raised it (a thread's or a child process's header; none for the main
/// thread), `Traceback (most recent call last):`, and `name: message` (the name alone
/// when the message is empty, as `EOFError`).
pub fn uncaught(raised_in: RaisedIn, thread: &str, exception: &str, message: &str) -> Vec<String> {
    let mut lines = match raised_in {
        RaisedIn::MainThread => vec![],
        RaisedIn::ChildProcess => vec![format!("Process {thread}:")],
        RaisedIn::Thread => vec![format!("Exception in thread {thread}:")],
    };
    lines.push("Traceback (most recent call last):".into());
    let last = if message.is_empty() { exception.to_string() } else { format!("{exception}: {message}") };
    // A message's notes (3.11+ `add_note`) follow it, a line each.
    lines.extend(last.lines().map(str::to_string));
    lines
}

/// Every error above, each with the Python that raises it (for the test against CPython).
#[cfg(all(test, not(target_arch = "wasm32")))]
pub(crate) const RAISED_BY: &[(PyError, &str)] = &[
    (RELEASE_UNLOCKED, "threading.Lock().release()"),
    (RELEASE_UNACQUIRED, "threading.RLock().release()"),
    (SEMAPHORE_OVER_RELEASED, "threading.BoundedSemaphore(1).release()"),
    (WAIT_UNACQUIRED, "threading.Condition().wait()"),
    (NOTIFY_UNACQUIRED, "threading.Condition().notify()"),
    (BROKEN_BARRIER, "b = threading.Barrier(2); b.abort(); b.wait()"),
    (QUEUE_FULL, "q = queue.Queue(1); q.put(1); q.put(2, block=False)"),
    (QUEUE_EMPTY, "queue.Queue().get(timeout=0.001)"),
    (QUEUE_EMPTY, "multiprocessing.Queue().get(block=False)"),
    (END_OF_FILE, "a, b = multiprocessing.Pipe(); b.close(); a.recv()"),
    (BROKEN_PIPE, "a, b = multiprocessing.Pipe(); a.close(); b.send(1)"),
    (READ_ONLY, "r, w = multiprocessing.Pipe(duplex=False); r.send(1)"),
    (WRITE_ONLY, "r, w = multiprocessing.Pipe(duplex=False); w.recv()"),
    (HANDLE_CLOSED, "r, w = multiprocessing.Pipe(duplex=False); r.close(); r.send(1)"),
    (HANDLE_CLOSED, "a, b = multiprocessing.Pipe(); a.close(); a.recv()"),
    (THREAD_STARTED_TWICE, "t = threading.Thread(target=int); t.start(); t.start()"),
    (PROCESS_STARTED_TWICE, "p = multiprocessing.Process(target=int); p.start(); p.start()"),
    (JOIN_CURRENT, "threading.current_thread().join()"),
    (JOIN_UNSTARTED_THREAD, "threading.Thread(target=int).join()"),
    (JOIN_UNSTARTED_PROCESS, "multiprocessing.Process(target=int).join()"),
    (ZERO_DIVISION, "7 // 0"),
    (ZERO_MODULO, "7 % 0"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zero_divisor_raises_what_python_3_11_raises_for_the_operator() {
        assert_eq!(zero_divisor(Arith::FloorDiv), ZERO_DIVISION);
        assert_eq!(zero_divisor(Arith::Mod), ZERO_MODULO);
    }

    /// Runs every entry of [`RAISED_BY`] in the `python3` on the PATH and compares what it
    /// prints. Without a CPython 3.11 or later there, it says so and checks nothing.
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn every_error_is_what_cpython_prints() {
        let mut script = String::from(
            "import multiprocessing, queue, sys, threading\n\
             def show(code):\n\
             \x20   try:\n\
             \x20       exec(code)\n\
             \x20       print('no error')\n\
             \x20   except BaseException as e:\n\
             \x20       t = type(e)\n\
             \x20       name = t.__qualname__ if t.__module__ == 'builtins' else t.__module__ + '.' + t.__qualname__\n\
             \x20       print(name + '|' + str(e))\n\
             if __name__ == '__main__':\n\
             \x20   if sys.version_info < (3, 11): sys.exit(3)\n",
        );
        for (_, code) in RAISED_BY {
            script.push_str(&format!("    show({code:?})\n"));
        }
        let output = std::process::Command::new("python3").arg("-c").arg(&script).output();
        let output = match output {
            Ok(out) if out.status.code() == Some(3) => return eprintln!("python3 is older than 3.11: not compared"),
            Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).into_owned(),
            Ok(out) => panic!("python3 failed: {}", String::from_utf8_lossy(&out.stderr)),
            Err(_) => return eprintln!("no python3 on the PATH: not compared"),
        };
        let printed: Vec<&str> = output.lines().collect();
        assert_eq!(printed.len(), RAISED_BY.len(), "{output}");
        for ((error, code), line) in RAISED_BY.iter().zip(printed) {
            assert_eq!(line, format!("{}|{}", error.exception, error.message), "{code}");
        }
    }
}
