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
/// A `while` loop's test and its jump (`n > 0`), each pass, in [`COMPUTE_UNIT`]s: CPython
/// runs `while n > 0: n -= 1` at about 35 ns a pass, where the decrement is a step and the
/// jump back a [`LOOP`].
pub const WHILE_TEST_UNITS: u64 = 2;
/// `lock.acquire()` or `release()` uncontended: `with lock:` adds about 140 ns a round.
pub const LOCK_OP: Nanos = 70;
/// One read or write of a `multiprocessing.Value`: a Python-level property that takes and
/// releases the Value's lock (CPython 3.11 in a child process: `v.value += 1` 450 ns
/// against 34 ns for a local `+= 1`, so about 210 ns an access).
pub const VALUE_ACCESS: Nanos = 210;
/// A `print` of a short line (180 ns into a buffer, more with the write on a terminal).
pub const PRINT: Nanos = 1_000;
/// The Python part of a `print` that writes at once (to a terminal, or under `-u`), under
/// the GIL before the write lets go of it: a print to a terminal takes 1.25 µs at the
/// least, an `os.write` of the same line 0.7 µs.
pub const PRINT_CALL: Nanos = 550;
/// `t.start()` and `t.join()` of a thread that does nothing (109 µs measured together): the
/// live engine's start, whose join is real.
pub const THREAD_START: Nanos = 100_000;
/// `t.start()` of a thread until the new thread runs Python (`scripts/noise.py`, start to
/// the target's first line: 24 µs at the median); the simulator's start, spread by
/// [`THREAD_START_SPREAD`], then [`THREAD_STARTED_WAKE`] until `start()` returns.
pub const THREAD_FIRST_RUN: Nanos = 24_000;
/// What a process's first thread starts take on top of a warm one, in two parts: until the
/// new thread runs, and until `start()` returns after that (`scripts/noise.py`, `start() #k
/// in a fresh process`, 20 processes: the first runs after 79 µs and returns 81 µs later,
/// the third and later as warm ones): the memory and caches a new thread needs are cold.
pub const THREAD_COLD_STARTS: [(Nanos, Nanos); 2] = [(55_000, 60_000), (25_000, 30_000)];
/// `p.start()` and `p.join()` with `fork` of a child that does nothing (2.7 ms together):
/// the live engine's start.
pub const FORK_START: Nanos = 2_700_000;
/// The same with `spawn`: a fresh interpreter imports the module (58 ms).
pub const SPAWN_START: Nanos = 58_000_000;
/// `p.start()` with `fork` until the child runs Python (`scripts/noise.py`, start to the
/// target's first line: 1.25 ms at the median): the simulator's start, work on a core.
pub const FORK_FIRST_RUN: Nanos = 1_245_000;
/// The same with `spawn` (34 ms): a fresh interpreter imports the module first.
pub const SPAWN_FIRST_RUN: Nanos = 34_180_000;
/// `p.start()` and `p.join()` of the first child under `forkserver`: the server starts
/// (a fresh interpreter that imports the module) and forks the child (`start()` to the
/// child's first line, 64 ms at the median on 3.11.7, 30 runs): the live engine's start.
pub const FORKSERVER_START_COLD: Nanos = 64_500_000;
/// The same for a later child, forked from the running server (8.9 ms to its first line).
pub const FORKSERVER_START: Nanos = 9_400_000;
/// How long the first `forkserver` start keeps its caller, which waits for the server to be
/// up (55.8 ms at the median): the live engine's.
pub const FORKSERVER_SERVER_UP: Nanos = 55_800_000;
/// `p.start()` of the first child under `forkserver` until it runs Python (64.1 ms at the
/// median, 47.0 to 84.2): the server's own start, then a fork.
pub const FORKSERVER_FIRST_RUN_COLD: Nanos = 64_060_000;
/// The same for a later child, forked from the server (8.87 ms at the median, 6.5 to 11.3;
/// 14.5 on 3.12.1, whose server forks from a larger image).
pub const FORKSERVER_FIRST_RUN: Nanos = 8_870_000;
/// How long `p.start()` keeps its caller, with either method (0.85 ms measured): the
/// child goes on starting by itself, so a loop of starts overlaps the children's starts.
pub const PROCESS_START_RETURN: Nanos = 850_000;
/// `asyncio.create_task(coro)`: the Task object made and put on the ready queue (6.4 and
/// 7.1 µs a call measured on CPython 3.11 here, 10 000 calls).
pub const CREATE_TASK: Nanos = 6_500;
/// An `await` that suspends, through the event loop to the next ready task (3.2 and 3.7 µs
/// a switch measured on CPython 3.11 here, 10 tasks of `await asyncio.sleep(0)`).
pub const TASK_SWITCH: Nanos = 3_500;

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
/// How late a long timer fires (from [`LONG_TIMER`] µs on; `sleep(100ms) late`, 120
/// samples): a core idle that long sleeps deeper, and waking it takes longer and varies more.
pub const TIMER_LATE_LONG: Latency =
    Latency::new([88_300, 103_000, 110_000, 122_000, 131_000, 150_000, 167_000, 217_000, 631_000]);
/// The length in µs from which a timer's lateness is drawn from [`TIMER_LATE_LONG`].
pub const LONG_TIMER: u64 = 50_000;

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
/// first line). A thread's (of [`THREAD_FIRST_RUN`], 1 000 samples) has a long tail.
pub const THREAD_START_SPREAD: Latency = Latency::new([725, 775, 817, 1_000, 1_108, 1_300, 1_563, 3_542, 7_292]);
/// How long after a new thread runs its `start()` returns: the caller waits on an event the
/// thread sets and wakes on another core (`thread first line->start() back`, 1 000
/// samples); it then wants the GIL, which a CPU-bound new thread keeps until asked.
pub const THREAD_STARTED_WAKE: Latency =
    Latency::new([9_500, 33_900, 35_300, 43_000, 45_900, 48_800, 54_500, 86_500, 300_000]);
/// How long after a thread's last line its `join()` returns (`thread last line->join()
/// back`, 1 000 samples): the ending thread frees its core for the joiner.
pub const THREAD_JOIN_WAKE: Latency = Latency::new([1_800, 4_300, 4_500, 4_900, 5_400, 6_400, 7_700, 11_800, 41_000]);
/// A forked child's start (of [`FORK_FIRST_RUN`], 60 samples).
pub const FORK_START_SPREAD: Latency = Latency::new([870, 946, 968, 1_000, 1_027, 1_057, 1_097, 1_219, 1_304]);
/// A process's first `fork` start, until the child runs Python (`scripts/noise.py`, `1st
/// fork start->first line`, 60 fresh processes; 1.98 ms at the median where a later fork
/// took 1.48, so scaled by 1 245 / 1 483 to this table's later forks): the first fork of a
/// process is slower, its memory not yet shared copy-on-write with any child.
pub const FIRST_FORK_FIRST_RUN: Latency =
    Latency::new([1_291_000, 1_350_000, 1_493_000, 1_665_000, 1_857_000, 2_109_000, 2_248_000, 2_336_000, 2_357_000]);
/// How long a process's first `fork` start keeps its caller (`1st fork p.start() returns`,
/// 1.13 ms at the median where a later one took 0.49, scaled by 383 / 487 likewise).
pub const FIRST_FORK_START_RETURN: Latency =
    Latency::new([645_000, 687_000, 711_000, 887_000, 1_026_000, 1_077_000, 1_096_000, 1_177_000, 1_258_000]);
/// A spawned child's start (of [`SPAWN_FIRST_RUN`], 30 samples): a fresh interpreter, so
/// the least spread.
pub const SPAWN_START_SPREAD: Latency = Latency::new([989, 994, 997, 1_000, 1_009, 1_062, 1_072, 1_099, 1_108]);
/// How long `p.start()` keeps its caller (`fork p.start() returns`, 60 samples): the child
/// goes on starting by itself, so a loop of starts overlaps the children's starts.
pub const FORK_START_RETURN: Latency =
    Latency::new([292_000, 330_000, 337_000, 383_000, 407_000, 436_000, 448_000, 515_000, 583_000]);
/// The same with `spawn` (30 samples): now and then it waits for the new interpreter.
pub const SPAWN_START_RETURN: Latency =
    Latency::new([206_000, 251_000, 261_000, 278_000, 365_000, 2_814_000, 3_649_000, 4_029_000, 4_109_000]);
/// How long the first `forkserver` start keeps its caller (`first start_call`, 30 runs on
/// 3.11.7: 41.1 min, 55.8 median, 67.3 p90, 75.6 max; the deciles between are drawn
/// evenly): it waits for the server to be up.
pub const FORKSERVER_START_RETURN_COLD: Latency = Latency::new([
    41_130_000, 45_000_000, 49_000_000, 52_500_000, 55_810_000, 58_700_000, 61_500_000, 67_340_000, 75_620_000,
]);
/// How long a later `forkserver` start keeps its caller (`second start_call`: 0.96 min,
/// 1.34 median, 1.70 p90, 3.94 max): it sends the server a request and reads back a pid.
pub const FORKSERVER_START_RETURN: Latency =
    Latency::new([960_000, 1_080_000, 1_170_000, 1_260_000, 1_340_000, 1_430_000, 1_530_000, 1_700_000, 3_940_000]);
/// How long after a `forkserver` child's last line its `join()` returns: as a forked
/// child's (the server forks it), not measured apart.
pub const FORKSERVER_EXIT: Latency = FORK_EXIT;
/// How long after a forked child's last line its `join()` returns (`fork last line->join()
/// back`, 60 samples): the child's interpreter tears down, then the parent wakes.
pub const FORK_EXIT: Latency =
    Latency::new([448_000, 488_000, 494_000, 503_000, 527_000, 548_000, 567_000, 577_000, 579_000]);
/// The same for a spawned child (30 samples): a whole interpreter's modules to tear down.
pub const SPAWN_EXIT: Latency =
    Latency::new([6_189_000, 6_209_000, 6_278_000, 6_413_000, 6_607_000, 6_814_000, 6_925_000, 7_999_000, 8_434_000]);

/// How long a thread waiting for the GIL takes to run once the holder lets go of it at its
/// request (the holder meanwhile waits for it, so no Python runs): `scripts/noise.py`'s
/// wake with a busy releaser, less the switch interval and a timer's median lateness (the
/// request's own timed wait, drawn apart as [`TIMER_LATE`]).
pub const GIL_WAKE: Latency =
    Latency::new([40_000, 57_000, 64_000, 76_000, 101_000, 123_000, 145_000, 195_000, 1_900_000]);

/// A line's write to a terminal, the GIL let go meanwhile (`line write to a terminal`,
/// 4 000 samples): about a microsecond, now and then tens. A thread woken by that release takes
/// the GIL only if it runs before the write returns, which is rare. The stalls of tens of
/// milliseconds when the terminal falls behind (a few in 10 000) are left out: drawn
/// uniformly over the top percent they would make every print slow.
pub const TTY_WRITE: Latency = Latency::new([500, 550, 600, 700, 1_200, 1_800, 2_200, 15_900, 150_000]);

/// A block-buffered stdout's flush of 8 KB to a pipe (`8 KB write to a pipe`, 1 000
/// samples), the GIL let go meanwhile; its tail is cut as [`TTY_WRITE`]'s.
pub const PIPE_FLUSH: Latency = Latency::new([1_000, 2_300, 2_400, 2_500, 2_500, 2_700, 2_800, 9_000, 150_000]);

/// The size of a block-buffered stdout's buffer (`io.DEFAULT_BUFFER_SIZE`): a flush writes
/// it once it is full.
pub const STDOUT_BUFFER: usize = 8_192;
