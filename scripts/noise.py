#!/usr/bin/env python3
"""Measures the operating system's noise on this machine's CPython, as distributions.

Run: python3 scripts/noise.py [--quick]. The simulator draws its waits (a timer's wake-up, a
wake after a release, a start, a GIL hand-over) from measured distributions rather than
fixed costs (src/engine/latency.rs). Each line here is one latency over N samples, in
microseconds: the quantiles the cost table's distributions stand at (min, p10, p25, p50,
p75, p90, p95, p99, max); under it, where the table has one (src/engine/costs.rs), the
table's own, so a drift shows; then a fit of the shape "floor + long right tail": floor =
min, and the tail x - min a lognormal matched at p50 and p90 (mu in ln µs, sigma); fit99 is
the p99 that fit predicts, so a measured p99 far above it shows a tail heavier than
lognormal. --quick takes about a fifth of the samples (under a minute); the full run takes a
few minutes. A start's table row is its spread times the table's start cost, which counts
start and join together, so it sits above the start-to-first-line measured here.
"""
import argparse
import functools
import math
import multiprocessing as mp
import os
import queue
import re
import statistics
import sys
import threading
import time

import calibrate  # the cost table's path and its plain entries, read one way

# On Linux perf_counter is CLOCK_MONOTONIC: one clock for the whole machine, so a timestamp
# taken in one process can be subtracted from one taken in another.
now = time.perf_counter

QUANTILES = (0, 10, 25, 50, 75, 90, 95, 99, 100)  # the simulator's table (noise.rs `AT`)
Z90, Z99 = 1.2816, 2.3263  # standard normal quantiles
GAP = 0.0005  # a pause this long in a tight loop means the process was off its core
SWITCH = (0.001, 0.005, 0.02)
THREADS = (1, 2, 4)
LABEL = 31  # width of a row's name
scale = 1  # 5 with --quick


def count(full, least=5):
    return max(least, full // scale)


# --- stats -------------------------------------------------------------------------------

def pct(xs, p):
    """The p-th percentile of sorted xs, interpolated between neighbours."""
    k = (len(xs) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def fit(xs):
    """floor + lognormal tail matched at p50 and p90: (mu, sigma, predicted p99)."""
    floor = xs[0]
    a, b = pct(xs, 50) - floor, pct(xs, 90) - floor
    if a <= 0 or b <= a:
        return math.nan, math.nan, math.nan
    mu, sigma = math.log(a), math.log(b / a) / Z90
    return mu, sigma, floor + math.exp(mu + Z99 * sigma)


def num(v, width=8):
    return f"{v:{width}.1f}" if abs(v) < 100 else f"{v:{width}.0f}"


def header():
    cells = "".join(f"{ {0: 'min', 100: 'max'}.get(q, f'p{q}'):>8}" for q in QUANTILES)
    print(f"{'µs':<{LABEL}}{'N':>5}{cells}{'mu':>6}{'sigma':>6}{'fit99':>8}")


# The cost table's distributions, each under the row it was taken from: (its name, the
# constant a spread is in thousandths of, what the row adds to it in µs).
BESIDE = {
    "sleep(1ms) late": ("TIMER_LATE", None, 0),
    "sleep(100ms) late": ("TIMER_LATE_LONG", None, 0),
    "line write to a terminal": ("TTY_WRITE", None, 0),
    "8 KB write to a pipe": ("PIPE_FLUSH", None, 0),
    "Lock.acquire releaser blocks": ("THREAD_WAKE", None, 0),
    "Lock.acquire releaser busy": ("GIL_WAKE", None, "switch + TIMER_LATE p50"),
    "mp.Queue put->child get": ("MP_QUEUE_WAKE", None, 0),
    "Pipe send->child recv": ("PIPE_WAKE", None, 0),
    "thread start->first line": ("THREAD_START_SPREAD", "THREAD_FIRST_RUN", 0),
    "thread first line->start() back": ("THREAD_STARTED_WAKE", None, 0),
    "thread last line->join() back": ("THREAD_JOIN_WAKE", None, 0),
    "fork start->first line": ("FORK_START_SPREAD", "FORK_FIRST_RUN", 0),
    "fork p.start() returns": ("FORK_START_RETURN", None, 0),
    "fork last line->join() back": ("FORK_EXIT", None, 0),
    "spawn p.start() returns": ("SPAWN_START_RETURN", None, 0),
    "spawn last line->join() back": ("SPAWN_EXIT", None, 0),
    "spawn start->first line": ("SPAWN_START_SPREAD", "SPAWN_FIRST_RUN", 0),
    "1st fork start->first line": ("FIRST_FORK_FIRST_RUN", None, 0),
    "1st fork p.start() returns": ("FIRST_FORK_START_RETURN", None, 0),
}


@functools.cache
def table():
    """The cost table's plain entries (ns, read as calibrate.py reads them) and its
    distributions (lists of ns); read once."""
    text = calibrate.TABLE.read_text()
    spread = {
        n: [int(x.replace("_", "")) for x in re.findall(r"[\d_]+", body)]
        for n, body in re.findall(r"pub const (\w+): Latency =\s*Latency::new\(\[([^\]]*)\]\)", text)
    }
    return calibrate.table(), spread


def beside(label):
    """The table's quantiles under the measured row they stand for, so a drift shows."""
    if label not in BESIDE:
        return
    name, base, add = BESIDE[label]
    plain, spread = table()
    if name not in spread:
        print(f"{'  table ' + name:<{LABEL}}  (not in the table)")
        return
    us = [q / 1e3 for q in spread[name]]
    if base:  # thousandths of the base
        us = [q * plain[base] / 1e6 for q in spread[name]]
    if add:  # the GIL's hand-over: after the switch interval and the request's lateness
        us = [q + 5000 + spread["TIMER_LATE"][3] / 1e3 for q in us]
    print(f"{'  table ' + name:<{LABEL}}{'':>5}" + "".join(num(q) for q in us))


def row(label, seconds):
    xs = sorted(s * 1e6 for s in seconds)
    if not xs:
        print(f"{label:<{LABEL}}{0:>5}  (none)")
        return
    mu, sigma, p99 = fit(xs)
    cells = "".join(num(pct(xs, q)) for q in QUANTILES)
    print(f"{label:<{LABEL}}{len(xs):>5}{cells}{mu:6.2f}{sigma:6.2f}{num(p99)}")
    beside(label)


# --- 1. timer wake-up lateness -------------------------------------------------------------

def lateness(wait, d, n):
    out = []
    for _ in range(n):
        t0 = now()
        wait(d)
        out.append(now() - t0 - d)
    return out


def timers():
    plan = ((0.001, 500), (0.005, 200), (0.010, 150), (0.1, 60))
    for d, n in plan:
        row(f"sleep({d * 1e3:g}ms) late", lateness(time.sleep, d, count(n)))
    event = threading.Event()  # never set: every wait runs to its timeout
    for d, n in plan:
        row(f"Event.wait({d * 1e3:g}ms) late", lateness(event.wait, d, count(n)))


# --- 1b. writes: how long the GIL is let go for one ----------------------------------------

_DRAIN = "import os, sys\nwhile os.read(int(sys.argv[1]), 65536): pass"


def _timed_writes(fd, data, n):
    """How long each of n writes of data to fd holds the caller, in seconds."""
    out = []
    for _ in range(n):
        t0 = now()
        os.write(fd, data)
        out.append(now() - t0)
    return out


def writes():
    """A line's write to a terminal (a pseudo-terminal whose other end another process
    drains, as a terminal does; a print adds about half a microsecond of Python under the
    GIL, costs.rs PRINT_CALL) and an 8 KB flush to a pipe: the time each write holds the
    caller, the window in which a thread woken by its release of the GIL can take it."""
    import pty
    import subprocess
    main_end, tty_end = pty.openpty()
    drain = subprocess.Popen([sys.executable, "-c", _DRAIN, str(main_end)], pass_fds=(main_end,))
    row("line write to a terminal", _timed_writes(tty_end, b"Executing the first function\n", count(4000)))
    os.close(tty_end)
    drain.kill()
    drain.wait()
    os.close(main_end)
    r, w = os.pipe()
    drain = subprocess.Popen([sys.executable, "-c", _DRAIN, str(r)], pass_fds=(r,))
    os.close(r)
    row("8 KB write to a pipe", _timed_writes(w, b"x" * 8192, count(1000)))
    os.close(w)
    drain.wait()


# --- 2. wake after a release, thread to thread ---------------------------------------------

def primitives():
    """name -> (prepare, block, release, after). `release` returns a timestamp taken just
    before the releasing call; `after` runs in the waiter once it has woken."""
    lock, event, q = threading.Lock(), threading.Event(), queue.Queue()
    cond, flag = threading.Condition(), [False]

    def nothing():
        pass

    def stamped(call):
        def release():
            t = now()
            call()
            return t
        return release

    def notify():
        with cond:
            flag[0] = True
            t = now()
            cond.notify()
            return t

    def wait_cond():
        with cond:
            while not flag[0]:  # the flag, so a notify before the wait is not lost
                cond.wait()
            flag[0] = False

    return {
        "Lock.acquire": (lock.acquire, lock.acquire, stamped(lock.release), lock.release),
        "Condition.wait": (nothing, wait_cond, notify, nothing),
        "Event.wait": (event.clear, event.wait, stamped(event.set), nothing),
        "Queue.get": (nothing, q.get, stamped(lambda: q.put(None)), nothing),
    }


def thread_wake(prim, n, busy):
    prepare, block, release, after = prim
    go, done = threading.Lock(), threading.Lock()  # hand-offs, used as binary semaphores
    go.acquire()
    done.acquire()
    woke = []

    def waiter():
        for _ in range(n):
            go.acquire()
            block()
            woke.append(now())
            after()
            done.release()

    t = threading.Thread(target=waiter)
    t.start()
    out = []
    for i in range(n):
        prepare()
        go.release()
        time.sleep(0.002)  # time for the waiter to reach its blocking call
        t0 = release()
        if busy:
            # Stay CPU-bound: the woken waiter gets the GIL only once the switch interval
            # has run out and this thread is made to drop it.
            while len(woke) <= i:
                pass
        done.acquire()
        out.append(woke[i] - t0)
    t.join()
    return out[3:]  # the first few warm up


def thread_wakes():
    for busy in (False, True):
        for name, prim in primitives().items():
            label = f"{name} {'releaser busy' if busy else 'releaser blocks'}"
            row(label, thread_wake(prim, count(200 if busy else 400), busy))


# --- 3. cross-process wake -------------------------------------------------------------------

def _echo(kind, inbox, back, n):
    for _ in range(n):
        t0 = inbox.get() if kind == "queue" else inbox.recv()
        back.send(now() - t0)


def process_wake(kind, n):
    ctx = mp.get_context("fork")
    if kind == "queue":
        inbox = ctx.Queue()
        send = inbox.put  # goes through the queue's feeder thread, part of the latency
    else:
        inbox, writer = ctx.Pipe(duplex=False)
        send = writer.send
    back, back_w = ctx.Pipe(duplex=False)
    p = ctx.Process(target=_echo, args=(kind, inbox, back_w, n))
    p.start()
    out = []
    for _ in range(n):
        time.sleep(0.002)  # time for the child to block in get/recv
        send(now())
        out.append(back.recv())
    p.join()
    if kind == "queue":
        inbox.close()
        inbox.join_thread()  # no feeder thread left behind when later tests fork
    return out[3:]


def process_wakes():
    row("mp.Queue put->child get", process_wake("queue", count(400)))
    row("Pipe send->child recv", process_wake("pipe", count(400)))


# --- 4. and 5. starts --------------------------------------------------------------------

def thread_starts(n):
    first, firsts, returns, back, joined = [], [], [], [], []
    for _ in range(n):
        t = threading.Thread(target=lambda: first.append(now()))
        t0 = now()
        t.start()
        t1 = now()
        t.join()
        t2 = now()
        firsts.append(first[-1] - t0)
        returns.append(t1 - t0)
        back.append(t1 - first[-1])
        joined.append(t2 - max(t1, first[-1]))
    row("thread start->first line", firsts)
    row("thread t.start() returns", returns)
    row("thread first line->start() back", back)
    row("thread last line->join() back", joined)


_COLD = """
import threading, time
now = time.perf_counter
runs = {}
bootstrap = threading.Thread._bootstrap
def noted(self):
    runs[self.name] = now()
    bootstrap(self)
threading.Thread._bootstrap = noted
units = [threading.Thread(target=int, name=str(i)) for i in range(4)]
for u in units:
    t0 = now(); u.start(); t1 = now()
    print((runs[u.name] - t0) * 1e6, (t1 - runs[u.name]) * 1e6)
"""


def cold_thread_starts(n):
    """The first thread starts of a fresh process, the k-th's two parts (until the new
    thread runs; then until start() returns), median over n processes, beside the warm
    table plus THREAD_COLD_STARTS[k]."""
    import subprocess
    runs = [[float(x) for x in subprocess.run([sys.executable, "-c", _COLD], capture_output=True, text=True).stdout.split()]
            for _ in range(n)]
    plain, spread = table()
    cold = _cold_table() + [(0, 0)]
    for k in range(4):
        runs_at = statistics.median(r[2 * k] for r in runs)
        back = statistics.median(r[2 * k + 1] for r in runs)
        warm_run, warm_back = plain["THREAD_FIRST_RUN"] / 1e3, spread["THREAD_STARTED_WAKE"][3] / 1e3
        print(f"{f'start() #{k + 1} in a fresh process':<{LABEL}}{n:>5}  runs after {runs_at:6.1f} µs (table "
              f"{warm_run + cold[k][0]:6.1f}), returns {back:6.1f} µs later (table {warm_back + cold[k][1]:6.1f})")


def _cold_table():
    text = calibrate.TABLE.read_text()
    body = re.search(r"THREAD_COLD_STARTS: [^=]*= \[(.*)\];", text).group(1)
    pairs = re.findall(r"\(([\d_]+), ([\d_]+)\)", body)
    return [(int(a.replace("_", "")) / 1e3, int(b.replace("_", "")) / 1e3) for a, b in pairs]


def _first_line(conn):
    conn.send(now())


def process_starts(method, n):
    ctx = mp.get_context(method)
    firsts, returns, joins = [], [], []
    for i in range(n + 1):
        r, w = ctx.Pipe(duplex=False)
        p = ctx.Process(target=_first_line, args=(w,))
        t0 = now()
        p.start()
        t1 = now()
        first = r.recv()
        p.join()
        t2 = now()
        r.close()
        w.close()
        if i:  # the first forkserver start also starts the server
            firsts.append(first - t0)
            returns.append(t1 - t0)
            joins.append(t2 - first)
    # spawn's child imports this script afresh, which costs about what a small program would.
    row(f"{method} start->first line", firsts)
    row(f"{method} p.start() returns", returns)
    # The child's exit (its interpreter's teardown) and the parent's wake in join().
    row(f"{method} last line->join() back", joins)


_COLD_FORKS = """
import multiprocessing as mp, sys, time
now = time.perf_counter
def first(conn):
    conn.send(now())
if __name__ == "__main__":
    ctx = mp.get_context("fork")
    pipes = [ctx.Pipe(duplex=False) for _ in range(2)]
    units = [ctx.Process(target=first, args=(w,)) for r, w in pipes]
    t0 = now(); units[0].start(); t1 = now(); units[1].start()
    firsts = [r.recv() for r, w in pipes]
    for u in units:
        u.join()
    print(firsts[0] - t0, t1 - t0, firsts[1] - firsts[0])
"""


def cold_process_starts(n):
    """A fresh process's first fork, and the second started right after it: p1.start();
    p2.start(), each child's first line timed, over n fresh processes."""
    import subprocess
    runs = [[float(x) for x in subprocess.run([sys.executable, "-c", _COLD_FORKS], capture_output=True, text=True).stdout.split()]
            for _ in range(n)]
    row("1st fork start->first line", [r[0] for r in runs])
    row("1st fork p.start() returns", [r[1] for r in runs])
    row("2nd fork first line - 1st's", [max(r[2], 0) for r in runs])
    second = sum(r[2] < 0 for r in runs)
    print(f"{'  the 2nd started ran first':<{LABEL}}{n:>5}  {second} times ({100 * second / n:.0f} %)")


# --- 6. time-slicing -----------------------------------------------------------------------

def _spin(seconds, conn):
    gaps = []
    start = last = now()
    while last - start < seconds:
        t = now()
        if t - last > GAP:
            gaps.append((last, t))
        last = t
    conn.send(gaps)


def time_slices(procs, seconds):
    ctx = mp.get_context("fork")
    pipes = [ctx.Pipe(duplex=False) for _ in range(procs)]
    ps = [ctx.Process(target=_spin, args=(seconds, w)) for _, w in pipes]
    for p in ps:
        p.start()
    results = [r.recv() for r, _ in pipes]
    for p in ps:
        p.join()
    gaps, runs = [], []
    for g in results:
        gaps += [b - a for a, b in g]
        runs += [g[i + 1][0] - g[i][1] for i in range(len(g) - 1)]  # between two gaps only
    off = sum(gaps) / (seconds * procs)
    row(f"{procs} procs: off core ({off:.0%})", gaps)
    row(f"{procs} procs: run between", runs)


# --- 7. the GIL on several cores -----------------------------------------------------------

def countdown(n):
    while n:
        n -= 1


def serial(n):
    t0 = now()
    countdown(n)
    return now() - t0


def threaded(n, t):
    ths = [threading.Thread(target=countdown, args=(n // t,)) for _ in range(t)]
    t0 = now()
    for th in ths:
        th.start()
    for th in ths:
        th.join()
    return now() - t0


def gil_ratios(n, reps, conn=None):
    """(switch interval, threads) -> sorted ratios threaded/serial, and the serial times.
    With a conn, runs pinned to one core (in a child) and sends the result back."""
    if conn is not None:
        os.sched_setaffinity(0, {0})
    ratios, serials = {}, []
    for si in SWITCH:
        sys.setswitchinterval(si)
        for t in THREADS:
            rs = []
            for i in range(reps):
                # Serial beside each threaded run, in turns first and second: this
                # machine's speed steps by up to a quarter from one second to the next.
                if i % 2:
                    th, s = threaded(n, t), serial(n)
                else:
                    s, th = serial(n), threaded(n, t)
                serials.append(s)
                rs.append(th / s)
            ratios[si, t] = sorted(rs)
    sys.setswitchinterval(0.005)
    if conn is not None:
        conn.send((ratios, serials))
    return ratios, serials


def gil(seconds, reps):
    n = 2_000_000
    # Three passes: for its first second or two of work this machine runs up to a quarter
    # slower, and the measured runs come after that.
    for _ in range(3):
        n = int(n * seconds / min(serial(n) for _ in range(3)))
    wide, wide_serial = gil_ratios(n, reps)
    ctx = mp.get_context("fork")
    r, w = ctx.Pipe(duplex=False)
    p = ctx.Process(target=gil_ratios, args=(n, reps, w))
    p.start()
    pinned, pinned_serial = r.recv()
    p.join()
    print(f"countdown({n}): serial median {pct(sorted(wide_serial), 50):.3f} s on all cores, "
          f"{pct(sorted(pinned_serial), 50):.3f} s on one; {reps} runs each; threaded / serial")
    print(f"{'switch':>7}{'T':>3}   all cores: p50   p10   p90    1 core: p50   p10   p90")
    trio = lambda xs: " ".join(f"{pct(xs, q):5.2f}" for q in (50, 10, 90))
    for si in SWITCH:
        for t in THREADS:
            print(f"{si * 1e3:5g}ms{t:3}{'':13}{trio(wide[si, t])}{'':12}{trio(pinned[si, t])}")


def convoy(cpu_threads, iters=200, nap=0.0005):
    stop = [False]

    def burn():
        while not stop[0]:
            pass

    ths = [threading.Thread(target=burn) for _ in range(cpu_threads)]
    for th in ths:
        th.start()
    time.sleep(0.01)
    late = []
    start = now()
    for _ in range(iters):
        t0 = now()
        time.sleep(nap)
        sum(range(10))  # the tiny work
        late.append(now() - t0 - nap)
    total = now() - start
    stop[0] = True
    for th in ths:
        th.join()
    row(f"io beside {cpu_threads} cpu, total {total:.2f}s", late)


# --- main ------------------------------------------------------------------------------------

def main():
    global scale
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="about a fifth of the samples")
    quick = parser.parse_args().quick
    scale = 5 if quick else 1
    wall = now()
    print(f"CPython {sys.version.split()[0]} on {sys.platform}, {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.2f}{', quick' if quick else ''}")
    header()
    print("-- 1 timer wake-up lateness: actual - requested")
    timers()
    print("-- 1b writes: how long one holds the writer (the GIL is let go meanwhile)")
    writes()
    print("-- 2 thread wake after a release: release call -> waiter's next line")
    thread_wakes()
    print("-- 3 cross-process wake: send in parent -> child's next line")
    process_wakes()
    print("-- 4, 5 starts: before start() -> target's first line; start() itself")
    thread_starts(count(500))
    cold_thread_starts(count(30, 6))
    process_starts("fork", count(60, 8))
    cold_process_starts(count(60, 8))
    process_starts("spawn", count(40, 8))
    process_starts("forkserver", count(60, 8))
    cores = os.cpu_count()
    print(f"-- 6 time-slicing: CPU-bound processes on {cores} cores, gaps > {GAP * 1e3:g} ms")
    for procs in (cores + 1, cores):  # the second is the control: no more than the cores
        time_slices(procs, 4 / scale ** 0.5)
    print("-- 7b convoy: 200 x sleep(0.5ms) + tiny work, per iteration - 0.5 ms")
    for cpu in (0, 1, 2):
        convoy(cpu)
    print("\n7 GIL: pure-Python countdown split over T threads")
    gil(0.15 if quick else 0.3, 3 if quick else 7)
    print(f"\nwall {now() - wall:.0f} s, load {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
