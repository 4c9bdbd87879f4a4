//! The cost table: how long things take in CPython 3.11, in one place, so neither engine
//! tunes a figure per lesson. The simulated engine charges these in virtual time; the live
//! engine uses the ones that are waits rather than work (`SLEEP_ZERO`).
//!
//! Measured with `python3 scripts/calibrate.py` on a 2-core Debian machine, CPython 3.11.7;
//! the script prints each entry beside what it measures on any machine. All in nanoseconds.

use crate::engine::latency::Latency;
use crate::engine::trace::Nanos;

/// One simple bytecode-sized step (`Load`, `Store`, `Add`, `Set`, a forward jump):
/// `counter += 1` on a global adds about 20 ns to a loop iteration, for three steps.
pub const STEP: Nanos = 7;
/// A loop's back-edge: an empty `for _ in range(n)` iteration, 11.5 ns.
pub const LOOP: Nanos = 11;
/// A call of a small Python function (`pause()`), about 12 ns on top of the loop.
pub const CALL: Nanos = 12;
/// One unit of `Compute`: a bytecode-sized step of pure work.
pub const COMPUTE_UNIT: Nanos = STEP;
/// `lock.acquire()` or `release()` uncontended: `with lock:` adds about 140 ns a round.
pub const LOCK_OP: Nanos = 70;
/// One read or write of a `multiprocessing.Value`: a Python-level property that takes and
/// releases the Value's lock (CPython 3.11 in a child process: `v.value += 1` 450 ns
/// against 34 ns for a local `+= 1`, so about 210 ns an access).
pub const VALUE_ACCESS: Nanos = 210;
/// A `print` of a short line (180 ns into a buffer, more with the write on a terminal).
pub const PRINT: Nanos = 1_000;
/// `t.start()` of a thread until it runs (start and join measured at 109 µs together).
pub const THREAD_START: Nanos = 100_000;
/// `p.start()` with `fork` until the child runs (start and join: 2.7 ms).
pub const FORK_START: Nanos = 2_700_000;
/// `p.start()` with `spawn`: a fresh interpreter imports the module (58 ms).
pub const SPAWN_START: Nanos = 58_000_000;
/// How long `p.start()` keeps its caller, with either method (0.85 ms measured): the
/// child goes on starting by itself, so a loop of starts overlaps the children's starts.
pub const PROCESS_START_RETURN: Nanos = 850_000;
/// `time.sleep(0)`: not free. On Linux it is a `clock_nanosleep` of zero, which the
/// kernel's timer slack turns into tens of microseconds (84 µs measured). The live engine
/// sleeps at least this long, so a waiting thread gets the GIL first, as in CPython.
pub const SLEEP_ZERO: Nanos = 80_000;
/// How long an operating system lets a thread run before it may give its core to another
/// ready thread (only matters with more running threads than cores and no GIL): three
/// CPU-bound processes on two cores each ran 3.98 ms and waited 4.02 ms at the median, the
/// quartiles within 10 µs of it (`scripts/noise.py`, `3 procs`).
pub const OS_SLICE: Nanos = 4_000_000;

/// How late a timer fires (`time.sleep(d)` with d > 0, a timed wait): 91 µs at the median,
/// a tail to milliseconds (`scripts/noise.py`, `sleep(1ms) late`, 500 samples).
pub const TIMER_LATE: Latency =
    Latency::new([70_600, 81_200, 86_300, 91_000, 93_100, 96_200, 99_600, 224_000, 2_002_000]);

/// How long a thread blocked on a lock, a condition, an event, a barrier or a queue of its
/// own process takes to run after the release that frees it (`Lock.acquire releaser
/// blocks`, 397 samples): a few microseconds, now and then hundreds.
pub const THREAD_WAKE: Latency = Latency::new([2_100, 2_200, 2_400, 3_600, 5_700, 14_600, 19_100, 23_600, 347_000]);

/// A `multiprocessing.Queue` item reaching a child waiting in `get()`: the parent's feeder
/// thread writes it to a pipe first (`mp.Queue put->child get`, 397 samples).
pub const MP_QUEUE_WAKE: Latency =
    Latency::new([40_400, 50_700, 58_400, 103_000, 125_000, 140_000, 154_000, 205_000, 2_943_000]);

/// A `Pipe` message reaching a process waiting in `recv()` (`Pipe send->child recv`).
pub const PIPE_WAKE: Latency = Latency::new([7_900, 8_400, 8_700, 9_300, 11_200, 16_600, 28_000, 58_300, 215_000]);

/// How a start's length spreads around the table's value, in thousandths of it (the
/// median is the table's): a start is the same work every time, but the operating system
/// makes it take longer now and then (`scripts/noise.py`, before `start()` to the target's
/// first line). A thread's start has two or three modes (whether it lands on an idle core).
pub const THREAD_START_SPREAD: Latency = Latency::new([300, 352, 375, 1_000, 1_443, 2_940, 6_584, 7_888, 11_739]);
/// A forked child's start (60 samples).
pub const FORK_START_SPREAD: Latency = Latency::new([897, 919, 938, 1_000, 1_056, 1_127, 1_232, 1_334, 1_450]);
/// A spawned child's start (40 samples): a fresh interpreter, so the least spread.
pub const SPAWN_START_SPREAD: Latency = Latency::new([957, 965, 978, 1_000, 1_023, 1_035, 1_061, 1_141, 1_188]);

/// How long a thread waiting for the GIL takes to run once the holder lets go of it at its
/// request (the holder meanwhile waits for it, so no Python runs): `scripts/noise.py`'s
/// wake with a busy releaser, less the switch interval and a timer's median lateness (the
/// request's own timed wait, drawn apart as [`TIMER_LATE`]).
pub const GIL_WAKE: Latency =
    Latency::new([40_000, 57_000, 64_000, 76_000, 101_000, 123_000, 145_000, 195_000, 1_900_000]);
