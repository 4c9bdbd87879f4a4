#!/usr/bin/env python3
"""Measures the entries of the cost table (src/engine/costs.rs) on this machine's CPython.

Run: python3 scripts/calibrate.py. Prints one line per entry: its name, the value measured
here, and the value in the table (nanoseconds), so a drift shows at a glance.
"""
import contextlib
import io
import multiprocessing as mp
import re
import sys
import threading
import time
from pathlib import Path

TABLE = Path(__file__).resolve().parent.parent / "src" / "engine" / "costs.rs"
counter = 0
lock = threading.Lock()


def table():
    text = TABLE.read_text()
    values = {}
    for name, expr in re.findall(r"pub const (\w+): Nanos = ([\w_]+);", text):
        values[name] = values[expr] if expr in values else int(expr.replace("_", ""))
    return values


def per_iteration(body, n):
    start = time.perf_counter()
    body(n)
    return (time.perf_counter() - start) / n * 1e9


def empty(n):
    for _ in range(n):
        pass


def increments(n):
    global counter
    for _ in range(n):
        counter += 1


def pause():
    pass


def calls(n):
    for _ in range(n):
        pause()


def locked(n):
    global counter
    for _ in range(n):
        with lock:
            counter += 1


def prints(n):
    with contextlib.redirect_stdout(io.StringIO()):
        for _ in range(n):
            print("counter = 1")


def sleeps(n):
    for _ in range(n):
        time.sleep(0)


def noop():
    pass


def thread_starts(n):
    for _ in range(n):
        t = threading.Thread(target=noop)
        t.start()
        t.join()


def process_starts(method):
    def body(n):
        ctx = mp.get_context(method)
        for _ in range(n):
            p = ctx.Process(target=noop)
            p.start()
            p.join()
    return body


def start_returns(method, n=20):
    """How long `p.start()` alone keeps its caller (the median of n starts)."""
    ctx = mp.get_context(method)
    times = []
    for _ in range(n):
        p = ctx.Process(target=noop)
        t0 = time.perf_counter()
        p.start()
        times.append(time.perf_counter() - t0)
        p.join()
    return sorted(times)[n // 2] * 1e9


def main():
    n = 2_000_000
    loop = per_iteration(empty, n)
    measured = {
        "LOOP": loop,
        "STEP": (per_iteration(increments, n) - loop) / 3,
        "CALL": per_iteration(calls, n) - loop,
        "LOCK_OP": (per_iteration(locked, n) - per_iteration(increments, n)) / 2,
        "PRINT": per_iteration(prints, 200_000),
        "SLEEP_ZERO": per_iteration(sleeps, 20_000),
        "THREAD_START": per_iteration(thread_starts, 2_000),
        "FORK_START": per_iteration(process_starts("fork"), 30),
        "SPAWN_START": per_iteration(process_starts("spawn"), 5),
        "PROCESS_START_RETURN": start_returns("fork"),
    }
    values = table()
    print(f"CPython {sys.version.split()[0]} on {sys.platform}; nanoseconds")
    for name, value in measured.items():
        print(f"{name:<13} measured {value:14.1f}   table {values.get(name)}")


if __name__ == "__main__":
    main()
