#!/usr/bin/env python3
"""Runs each lesson program under this machine's CPython and on the simulated engine, and
prints the two side by side: for the race lesson, lost updates (their spread over runs and
seeds) and wall time; for the other lessons, one figure each read the same way from what
CPython printed and what the model printed. It is how we check that the model tells the
truth; it prints figures, it passes nothing.

Run: python3 scripts/compare_cpython.py [--runs N]   (builds the CLI in release mode first)
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLI = ROOT / "target" / "release" / "interleave"

CASES = [
    # (label, race_counter knobs)
    ("bare increment, GIL, 3.11", {"threads": 4, "increments": 1_000_000}),
    ("call between, GIL, 3.11", {"threads": 4, "increments": 1_000_000, "between": "call"}),
    ("call between, GIL, 100k", {"threads": 4, "increments": 100_000, "between": "call"}),
    ("sleep(0) between, 2 x 2000", {"threads": 2, "increments": 2_000, "between": "sleep0"}),
    ("lock each", {"threads": 4, "increments": 1_000_000, "lock": "each"}),
    ("lock around the loop", {"threads": 4, "increments": 1_000_000, "lock": "loop"}),
]


def meals(text):
    return sum(int(m) for m in re.findall(r"ate (\d+) meals", text))


def speedup(text):
    serial = int(re.search(r"serial: (\d+) ms", text).group(1))
    parallel = int(re.search(r"\d+ (?:threads|processes): (\d+) ms", text).group(1))
    return round(serial / max(parallel, 1), 2)


def pairs_split(text):
    lines = text.splitlines()
    alone = sum(1 for i, l in enumerate(lines) if l == "lock acquired" and not (i + 1 < len(lines) and lines[i + 1].startswith("Executing")))
    return alone + sum(1 for l in lines if "lock acquired" in l and l != "lock acquired")


# (label, lesson, knobs, what to read from the printed text); the programs that spawn
# processes run from a file, since spawn imports the main module again.
FIGURES = [
    ("philosophers ordered: meals", "dining_philosophers", {"strategy": "ordered"}, meals),
    ("philosophers waiter: meals", "dining_philosophers", {"strategy": "waiter"}, meals),
    ("philosophers trylock: meals", "dining_philosophers", {"strategy": "trylock"}, meals),
    ("gil cpu threads: speed-up", "gil", {"mode": "threads"}, speedup),
    ("gil cpu processes: speed-up", "gil", {"mode": "processes"}, speedup),
    ("gil io threads x4: speed-up", "gil", {"work": "io", "workers": 4}, speedup),
    ("8 threads: us each", "threads_vs_processes", {"kind": "thread"}, lambda t: int(re.search(r"(\d+) us each", t).group(1))),
    ("8 forks: us each", "threads_vs_processes", {"kind": "fork"}, lambda t: int(re.search(r"(\d+) us each", t).group(1))),
    ("8 spawns: us each", "threads_vs_processes", {"kind": "spawn"}, lambda t: int(re.search(r"(\d+) us each", t).group(1))),
    ("_thread, no wait: lines", "starting_threads", {"api": "thread", "join": "no", "wait_s": 0.05}, lambda t: t.count("Running")),
    ("Pool(3).map 10 x 0.2 s: ms", "pool_map", {"task_s": 0.2}, lambda t: int(re.search(r"results in (\d+) ms", t).group(1))),
    ("Pool(3) chunksize 5: ms", "pool_map", {"task_s": 0.2, "chunksize": 5}, lambda t: int(re.search(r"results in (\d+) ms", t).group(1))),
    ("job_queue drained before: got", "job_queue", {"drain": "before"}, lambda t: t.count("result ")),
    ("job_queue drained after: got", "job_queue", {"drain": "after"}, lambda t: t.count("result ")),
    ("Value 9 x 5000 no lock: count", "shared_value", {"increments": 5000, "get_lock": "off"}, lambda t: int(re.search(r"v.value = (\d+)", t).group(1))),
    ("Value 9 x 5000 get_lock: count", "shared_value", {"increments": 5000}, lambda t: int(re.search(r"v.value = (\d+)", t).group(1))),
    ("pipe: received in order", "pipe", {}, lambda t: " ".join(l[9:] for l in t.splitlines() if l.startswith("received "))),
    ("queue maxsize 2: got", "queue", {}, lambda t: t.count(" got ")),
    ("5 children: results", "process_basics", {}, lambda t: t.count(" squared is ")),
    # CPython's stdout is a pipe here, so the model's is too.
    ("lock_print off x1000 (pipe): split", "lock_print", {"lock": "off", "iterations": 1000, "output": "pipe"}, pairs_split),
]


# CPython as a learner runs it: a machine's PYTHONUNBUFFERED would make every print two
# writes, and lines from several threads or processes split where they normally do not.
PLAIN_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}


def cpython_figure(lesson, knobs, read, runs):
    source = cli("source", lesson, *sets(knobs))
    path = ROOT / "target" / f"compare_{lesson}.py"
    path.write_text(source)
    figures = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, str(path)], capture_output=True, text=True, timeout=120, env=PLAIN_ENV
        ).stdout
        figures.append(read(out))
    return figures


def simulated_figure(lesson, knobs, read, runs):
    figures = []
    for seed in range(1, runs + 1):
        out = json.loads(cli("run", lesson, *sets(knobs), "--set", f"cores={os.cpu_count()}", "--seed", str(seed), "--json"))
        figures.append(read(out["console"]))
    return figures


def cli(*args):
    return subprocess.run([str(CLI), *args], check=True, capture_output=True, text=True).stdout


def sets(knobs):
    return [a for k, v in knobs.items() for a in ("--set", f"{k}={v}")]


def cpython(knobs, runs):
    source = cli("source", "race_counter", *sets(knobs))
    lost, times = [], []
    for _ in range(runs):
        start = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", source], check=True, capture_output=True, text=True, env=PLAIN_ENV
        ).stdout
        times.append(time.perf_counter() - start)
        counter, expected = map(int, re.search(r"counter = (-?\d+) \(expected (\d+)\)", out).groups())
        lost.append(expected - counter)
    return lost, statistics.median(times)


def simulated(knobs, runs):
    lost, times = [], []
    for seed in range(1, runs + 1):
        out = json.loads(cli("run", "race_counter", *sets(knobs), "--set", f"cores={os.cpu_count()}", "--seed", str(seed), "--json"))
        lost.append(out["findings"]["figures"]["lost"])
        times.append(out["python_time_s"])
    return lost, statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="CPython runs and simulated seeds per case")
    args = parser.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "interleave"], cwd=ROOT, check=True)
    print(f"CPython {sys.version.split()[0]} vs the simulated engine, {os.cpu_count()} cores, {args.runs} runs each")
    print(f"{'case':<28} {'CPython lost':<34} {'simulated lost':<34} {'time CPy/sim':>14}")
    for label, knobs in CASES:
        real, real_time = cpython(knobs, args.runs)
        model, model_time = simulated(knobs, args.runs)
        # CPython's time includes starting the interpreter; the model's is the program's alone.
        print(f"{label:<28} {str(real):<34} {str(model):<34} {real_time:6.2f}/{model_time:.2f} s")
    print()
    print(f"{'case':<36} {'CPython':<34} {'simulated':<34}")
    for label, lesson, knobs, read in FIGURES:
        real = cpython_figure(lesson, knobs, read, min(args.runs, 3))
        model = simulated_figure(lesson, knobs, read, min(args.runs, 3))
        print(f"{label:<36} {str(real):<34} {str(model):<34}")


if __name__ == "__main__":
    main()
