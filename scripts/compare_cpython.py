#!/usr/bin/env python3
"""Compares every lesson, by distribution, between this machine's CPython and the simulated engine.

For each lesson variant it runs the lesson's own program N times under CPython and the model
over N seeds, then prints side by side: which console line orders came and how often, how
often the program got stuck (deadlock or a wait that never ends), and the lesson's main
figures as min/p50/max. Each row gets a verdict: `ok`, or `OFF` with the two medians. It is
how we check that the model varies as CPython does; it prints verdicts, it fails nothing.
`--lesson corpus` compares the compiler's corpus (tests/corpus/), learners' own programs
run with `interleave run-file`.

Run: python3 scripts/compare_cpython.py [--runs N | --quick] [--lesson ID] [--python PATH]

`--python` runs another CPython (e.g. pyenv's 3.13) and sets the model's `python` knob to
its version, for the figures that differ between versions (pickling's messages).
"""
import argparse
import collections
import concurrent.futures
import hashlib
import json
import math
import os
import pty
import re
import select
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable  # `--python` picks another
MODEL_PYTHON = None  # and sets the model's `python` knob to its version
CLI = ROOT / "target" / "release" / "interleave"

# CPython as a learner runs it: a machine's PYTHONUNBUFFERED would make every print two
# writes, and lines from several threads or processes split where they normally do not.
PLAIN_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}


# ---------------------------------------------------------------- figures read from a run
# Every reader takes a run record (out, time, stuck, errors) and returns a number or None;
# the same reader serves both sides, so a gap is the model's and not the parser's.

def count(pattern):
    return lambda r: len(re.findall(pattern, r["out"], re.M))


def number(pattern):
    def read(r):
        m = re.search(pattern, r["out"])
        return int(m.group(1)) if m else None
    return read


def lost(r):
    m = re.search(r"= (-?\d+) \((?:expected|the children added) (\d+)\)", r["out"])
    return int(m.group(2)) - int(m.group(1)) if m else None


def meals(pick):
    def read(r):
        each = [int(m) for m in re.findall(r"ate (\d+) meals", r["out"])]
        return pick(each) if each else None
    return read


def split_pairs(r):
    # A pair is split when "lock acquired" is not followed by its "Executing" line,
    # or when two prints ran together on one line.
    lines = r["out"].splitlines()
    alone = sum(1 for i, l in enumerate(lines) if l == "lock acquired" and not (i + 1 < len(lines) and lines[i + 1].startswith("Executing")))
    return alone + sum(1 for l in lines if "lock acquired" in l and l != "lock acquired")


def speedup(r):
    serial, par = number(r"serial: (\d+) ms")(r), number(r"\d+ (?:threads|processes): (\d+) ms")(r)
    return round(serial / max(par, 1), 2) if serial is not None and par is not None else None


WALL = ("s", lambda r: round(r["time"], 3))
ERRORS = ("errors", lambda r: r["errors"])
LINES = ("lines", count(r"^.+$"))
US_EACH = ("us each", number(r"(\d+) us each"))
POOL_MS = ("ms", number(r"results in (\d+) ms"))
GIL = [("serial ms", number(r"serial: (\d+) ms")), ("parallel ms", number(r"\d+ (?:threads|processes): (\d+) ms")), ("speed-up", speedup)]
MEALS = [("meals", meals(sum)), ("fewest", meals(min)), ("most", meals(max))]


# ---------------------------------------------------------------- the variants
def V(lesson, label, knobs=None, figures=(), timeout=10, cap=20):
    """One lesson with fixed knobs; `cap` bounds the default N for slow programs."""
    return dict(lesson=lesson, label=label, knobs=knobs or {}, figures=list(figures), timeout=timeout, cap=cap)


RACE = [("lost", lost), WALL]
FUTURES = [("ms", number(r"tasks in (\d+) ms")), ("results", count(r"^task \d+: ")), ERRORS]
PICKLING = [ERRORS, ("child ran", count(r"^child got "))]
FREE = [("items", number(r"(\d+) items,")), ("lost", lambda r: (lambda m: int(m[2]) - int(m[1]) if m else None)(
    re.search(r"counter = (\d+) \(expected (\d+)\)", r["out"])))]
ST = {"wait_s": 0.05}  # 1 s would make one run 12 s; the ties between threads stay
SYNC = [ERRORS, LINES]
PHIL = {"duration_s": 1}
POOL = {"task_s": 0.2}

VARIANTS = [
    V("starting_threads", "threading, join", ST, [("Running", count(r"^Running")), ("finished", count(r"has finished")), WALL]),
    V("starting_threads", "threading, no join", {**ST, "join": "no"}, [("Running", count(r"^Running")), WALL]),
    V("starting_threads", "daemon, no join", {**ST, "join": "no", "daemon": "yes"}, [("Running", count(r"^Running")), WALL]),
    V("starting_threads", "_thread, no join", {**ST, "api": "thread", "join": "no"}, [("Running", count(r"^Running")), WALL]),
    V("race_counter", "bare 4x1M", {}, RACE),
    V("race_counter", "call between 4x1M", {"between": "call"}, RACE),
    V("race_counter", "call between 4x100k", {"increments": 100_000, "between": "call"}, RACE),
    V("race_counter", "sleep(0) 2x2000", {"threads": 2, "increments": 2_000, "between": "sleep0"}, RACE),
    V("race_counter", "lock each 4x1M", {"lock": "each"}, RACE, cap=10),
    V("race_counter", "lock loop 4x1M", {"lock": "loop"}, RACE),
    V("race_counter", "GIL off 4x1M", {"gil": "off"}, RACE, cap=0),  # 3.11 always has a GIL: model only
    V("lock_print", "lock on, tty", {"output": "tty"}, [("split", split_pairs)]),
    V("lock_print", "lock on, pipe", {"output": "pipe"}, [("split", split_pairs)]),
    V("lock_print", "lock off, tty", {"lock": "off", "output": "tty"}, [("split", split_pairs)]),
    V("lock_print", "lock off, pipe", {"lock": "off", "output": "pipe"}, [("split", split_pairs)]),
    V("lock_print", "off x1000, tty", {"lock": "off", "iterations": 1000, "output": "tty"}, [("split", split_pairs)]),
    V("lock_print", "off x1000, pipe", {"lock": "off", "iterations": 1000, "output": "pipe"}, [("split", split_pairs)]),
    *[V("dining_philosophers", s, {**PHIL, "strategy": s}, MEALS, timeout=4, cap=10) for s in ("naive", "ordered", "waiter", "trylock")],
    *[V("sync_tools", p, {"primitive": p}, SYNC) for p in ("rlock", "semaphore", "condition", "event", "barrier")],
    V("sync_tools", "rlock as Lock", {"lock": "lock"}, SYNC, timeout=3, cap=5),
    *[V("sync_tools", f"{p} mistake", {"primitive": p, "mistake": "yes"}, SYNC, timeout=3, cap=5 if p == "event" else 20)
      for p in ("semaphore", "condition", "event", "barrier")],
    V("gil", "cpu threads", {"mode": "threads"}, GIL, cap=10),
    V("gil", "cpu processes", {"mode": "processes"}, GIL, cap=10),
    V("gil", "cpu serial", {"mode": "serial"}, GIL[:1], cap=10),
    V("gil", "io threads x4", {"work": "io", "workers": 4}, GIL, cap=10),
    *[V("threads_vs_processes", k, {"kind": k}, [US_EACH]) for k in ("thread", "fork", "spawn", "forkserver")],
    V("process_basics", "join, tty", {"output": "tty"}, [("results", count(r"squared is")), LINES]),
    V("process_basics", "join, pipe", {"output": "pipe"}, [("results", count(r"squared is")), LINES]),
    V("process_basics", "no join", {"join": "no"}, [("results", count(r"squared is")), LINES]),
    V("process_basics", "daemon, no join", {"join": "no", "daemon": "yes"}, [("results", count(r"squared is")), LINES]),
    *[V("pool_map", m, {**POOL, "method": m}, [POOL_MS], cap=10) for m in ("map", "imap_unordered", "apply_async")],
    V("pool_map", "map chunksize 5", {**POOL, "chunksize": 5}, [POOL_MS], cap=10),
    V("shared_value", "get_lock", {}, [("lost", lost)]),
    V("shared_value", "no lock 9x5000", {"increments": 5000, "get_lock": "off"}, [("lost", lost)]),
    V("shared_value", "global", {"shared": "global"}, [("lost", lost)]),
    V("pipe", "duplex, tty", {"output": "tty"}, [("received", count(r"^received "))]),
    V("pipe", "duplex, pipe", {"output": "pipe"}, [("received", count(r"^received "))]),
    V("pipe", "one-way", {"duplex": "no"}, [("received", count(r"^received "))]),
    V("pipe", "close early", {"close_early": "yes"}, [("received", count(r"^received ")), ERRORS], timeout=5),
    V("queue", "maxsize 2", {}, [("got", count(r" got ")), WALL]),
    V("queue", "unbounded", {"maxsize": 0}, [("got", count(r" got ")), WALL]),
    V("job_queue", "drain before", {"drain": "before"}, [("collected", number(r"collected (\d+) of"))]),
    V("job_queue", "drain after", {"drain": "after"}, [("collected", number(r"collected (\d+) of"))]),
    *[V("pickling", f"{t}, {a}, {m}", {"target": t, "arg": a, "start_method": m}, PICKLING, timeout=5, cap=5)
      for t, a in (("lambda", "number"), ("nested", "number"), ("function", "thread_lock"), ("function", "mp_lock"))
      for m in ("fork", "spawn", "forkserver")],
    V("process_basics", "forkserver", {"start_method": "forkserver"}, [("results", count(r"squared is")), WALL], cap=10),
    V("process_basics", "spawn", {"start_method": "spawn"}, [("results", count(r"squared is")), WALL], cap=10),
    *[V("futures", label, knobs, FUTURES, cap=10) for label, knobs in (
        ("threads io", {}), ("threads io map", {"method": "map"}), ("threads cpu", {"work": "cpu", "size": 0.05}),
        ("processes cpu", {"executor": "process", "work": "cpu", "size": 0.05}), ("threads fail 2", {"fail": 2}),
        ("processes fail 2", {"executor": "process", "fail": 2}))],
    *[V("asyncio_vs_threads", label, knobs, [("lost", lost), WALL], cap=10) for label, knobs in (
        ("await", {}), ("no await", {"between": "nothing"}), ("blocking", {"blocking": "yes"}),
        ("threads sleep(0)", {"api": "threads"}))],
    V("free_threading", "GIL 8x5000", {}, FREE),
    V("free_threading", "3.13t 8x5000", {"python": "3.13t"}, FREE, cap=0),  # no free-threaded CPython here: model only
]

# The compiler's corpus: learners' own programs, run with `run-file` (those the compiler
# refuses on purpose are left out). Their figures are the orders, hangs and errors.
CORPUS = [ROOT / "tests" / "corpus", ROOT / "src" / "lessons" / "your_program"]  # and the starters
REFUSED_ON_PURPOSE = {"syntax_error.py", "unsupported_class.py"}  # as tests/corpus.rs
VARIANTS += [dict(V("corpus", p.stem[:20], figures=[ERRORS], timeout=5), file=p)
             for d in CORPUS for p in sorted(d.glob("*.py")) if p.name not in REFUSED_ON_PURPOSE]


# ---------------------------------------------------------------- running both sides
def cli(*args):
    return subprocess.run([str(CLI), *args], check=True, capture_output=True, text=True).stdout


def sets(knobs):
    if MODEL_PYTHON and "python" not in knobs:
        knobs = {**knobs, "python": MODEL_PYTHON}
    return [a for k, v in knobs.items() for a in ("--set", f"{k}={v}")]


def simulated(v, seed):
    common = ["--set", f"cores={os.cpu_count()}", "--seed", str(seed), "--json"]
    if "file" in v:
        out = json.loads(cli("run-file", str(v["file"]), *common))
        return {"out": out["console"], "time": out["python_time_s"], "stuck": out["outcome"] != "completed",
                "errors": len(out["errors"])}
    out = json.loads(cli("run", v["lesson"], *sets(v["knobs"]), *common))
    return {"out": out["console"], "time": out["python_time_s"], "stuck": out["outcome"] != "completed",
            "errors": len(out["errors"]),
            "raised": out["errors"][-1].splitlines()[-1] if out["errors"] else ""}


def read_tty(master, chunks):
    # Until every holder of the terminal has closed it (children may outlive the parent).
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            return
        if not data:
            return
        chunks.append(data)


def cpython(path, tty, timeout):
    """One run of the program; a run still going after `timeout` is killed and counted stuck."""
    with tempfile.TemporaryFile() as err:
        if tty:  # a terminal makes stdout line-buffered, as in a learner's shell
            master, slave = pty.openpty()
            chunks = []
            reader = threading.Thread(target=read_tty, args=(master, chunks), daemon=True)
        start = time.perf_counter()
        p = subprocess.Popen([PYTHON, str(path)], stdin=subprocess.DEVNULL, stdout=slave if tty else subprocess.PIPE,
                             stderr=err, env=PLAIN_ENV, cwd=path.parent, start_new_session=True)
        stuck = False
        if tty:
            os.close(slave)
            reader.start()
            try:
                p.wait(timeout)
            except subprocess.TimeoutExpired:
                stuck = True
            elapsed = time.perf_counter() - start
            if stuck:
                kill_group(p)
            reader.join(2)
            os.close(master)
            out = b"".join(chunks).decode(errors="replace").replace("\r\n", "\n")
        else:
            try:
                out = p.communicate(timeout=timeout)[0]
            except subprocess.TimeoutExpired:
                stuck = True
                kill_group(p)
                out = p.communicate()[0]  # what was flushed before the kill
            elapsed = time.perf_counter() - start
            out = out.decode(errors="replace")
        err.seek(0)
        stderr = err.read().decode(errors="replace")
        # Each exception nobody caught; a process pool's `_RemoteTraceback` quotes the
        # worker's traceback inside the one that re-raises it (after a `"""` line).
        lines = stderr.splitlines()
        errors = sum(1 for i, l in enumerate(lines)
                     if l.startswith("Traceback (most recent call last)") and (i == 0 or lines[i - 1] != '"""'))
        # The exception's own line: the last line of the last traceback, with an object's
        # address (which changes every run) taken out.
        raised = re.sub(r" at 0x[0-9a-f]+", "", stderr.strip().splitlines()[-1]) if errors else ""
    return {"out": out, "time": elapsed, "stuck": stuck, "errors": errors, "raised": raised}


def kill_group(p):
    # The program's own session: its threads and the children it forked or spawned.
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    p.wait()


def run_variant(v, n_real, n_model):
    with concurrent.futures.ThreadPoolExecutor(2) as pool:  # seeds are independent; the model's time is simulated
        model = list(pool.map(lambda s: simulated(v, s), range(1, n_model + 1)))
    if "file" in v:
        path = v["file"]
    else:
        path = ROOT / "target" / f"compare_{v['lesson']}.py"  # a file, since spawn imports the main module again
        path.write_text(cli("source", v["lesson"], *sets(v["knobs"])))
    tty = v["knobs"].get("output", "tty") != "pipe"  # learners run in a terminal unless the lesson says pipe
    real = [cpython(path, tty, v["timeout"]) for _ in range(n_real)]
    # The model times the program alone; CPython's wall clock also holds starting the
    # interpreter and its imports, so that is measured on its own and taken off.
    if real:
        base = ROOT / "target" / f"compare_{v['lesson']}_imports.py"
        base.write_text("".join(l for l in path.read_text().splitlines(True) if re.match(r"(import|from) ", l)))
        startup = statistics.median(cpython(base, False, 10)["time"] for _ in range(3))
        for r in real:
            r["time"] = max(r["time"] - startup, 0.0)
    return real, model


# ---------------------------------------------------------------- distributions and verdicts
def signature(text):
    """The console's line order with what varies by itself (pids, times, counts) taken out."""
    text = re.sub(r"process \d+", "process P", text)
    text = re.sub(r"\d+ (ms|us)\b", r"N \1", text)
    text = re.sub(r"= -?\d+", "= N", text)
    return hashlib.md5(text.encode()).hexdigest()[:4]


def orders(runs):
    return collections.Counter(signature(r["out"]) for r in runs)


def fmt_orders(c, top=3):
    if not c:
        return "-"
    head = " ".join(f"{k}x{n}" for k, n in c.most_common(top))
    return f"{len(c)}: {head}" + (" ..." if len(c) > top else "")


def fisher(a, b, c, d):
    """Two-sided p-value of Fisher's exact test on the table [[a, b], [c, d]]."""
    row1, col1, n = a + b, a + c, a + b + c + d

    def p(x):
        return math.comb(col1, x) * math.comb(n - col1, row1 - x) / math.comb(n, row1)

    observed = p(a)
    return min(1.0, sum(p(x) for x in range(max(0, row1 + col1 - n), min(row1, col1) + 1) if p(x) <= observed * (1 + 1e-9)))


def order_verdict(real, model):
    """Whether the two sides show CPython's commonest order about as often: a rare order
    that 20 runs of one side happen not to show is no gap, a share that differs beyond
    chance (Fisher's exact test, p < 0.05) is."""
    if not real or not model:
        return "n/a"
    top, _ = real.most_common(1)[0]
    r_top, m_top = real[top], model.get(top, 0)
    r_n, m_n = sum(real.values()), sum(model.values())
    if fisher(r_top, r_n - r_top, m_top, m_n - m_top) >= 0.05:
        return "ok"
    return f"OFF (CPython's commonest order {r_top}/{r_n}, sim {m_top}/{m_n})"


def quantiles(xs):
    if not xs:
        return "-"
    return f"{fmt(min(xs))}/{fmt(statistics.median(xs))}/{fmt(max(xs))}"


def fmt(x):
    return f"{x:.3g}" if isinstance(x, float) else str(x)


def figure_verdict(real, model, slack=0):
    if not real or not model:
        return "n/a"
    rm, mm = statistics.median(real), statistics.median(model)
    if min(real) <= mm <= max(real) or abs(mm - rm) <= max(0.2 * abs(rm), slack):
        return "ok"
    return f"OFF (CPy p50 {fmt(rm)}, sim p50 {fmt(mm)})"


def stuck_verdict(real, model):
    if not real or not model:
        return "n/a"
    r, m = sum(x["stuck"] for x in real) / len(real), sum(x["stuck"] for x in model) / len(model)
    return "ok" if (r > 0) == (m > 0) and abs(r - m) <= 0.5 else f"OFF (CPy {r:.0%}, sim {m:.0%})"


def rate(runs):
    return f"{sum(r['stuck'] for r in runs)}/{len(runs)}" if runs else "-"


def compare(v, real, model):
    """Rows of (what, CPython, model, verdict) for one variant."""
    rows = [("orders", fmt_orders(orders(real)), fmt_orders(orders(model)), order_verdict(orders(real), orders(model))),
            ("stuck", rate(real), rate(model), stuck_verdict(real, model))]
    raised_real = collections.Counter(r["raised"] for r in real if r.get("raised"))
    raised_model = collections.Counter(r["raised"] for r in model if r.get("raised"))
    if raised_real or raised_model:
        # The exception's type and message, exactly as printed.
        r_top = raised_real.most_common(1)[0][0] if raised_real else "-"
        m_top = raised_model.most_common(1)[0][0] if raised_model else "-"
        verdict = "n/a" if not real else "ok" if set(raised_real) == set(raised_model) else f"OFF ({m_top!r})"
        rows.append(("raised", r_top[:28], m_top[:28], verdict))
    for name, read in v["figures"]:
        # A killed run's figures are partial, so only finished runs count.
        rs = [x for x in (read(r) for r in real if not r["stuck"]) if x is not None]
        ms = [x for x in (read(r) for r in model if not r["stuck"]) if x is not None]
        # Wall times keep ~10 ms of interpreter teardown that the startup run does not show.
        rows.append((name, quantiles(rs), quantiles(ms), figure_verdict(rs, ms, 0.01 if name == "s" else 0)))
    return rows


# ---------------------------------------------------------------- printing
COLS = [("lesson", 20), ("variant", 20), ("N", 5), ("what", 11), ("CPython", 28), ("model", 28), ("verdict", 0)]


def print_row(*cells):
    print(" ".join(str(c).ljust(w) if w else str(c) for c, (_, w) in zip(cells, COLS)).rstrip(), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, help="CPython runs and model seeds per variant (default 20, fewer for slow ones)")
    parser.add_argument("--quick", action="store_true", help="5 runs each")
    parser.add_argument("--lesson", help="only this lesson id")
    parser.add_argument("--python", help="the CPython to compare with (default: this one); the model takes its version")
    args = parser.parse_args()
    global PYTHON, MODEL_PYTHON
    if args.python:
        PYTHON = args.python
        MODEL_PYTHON = subprocess.run([PYTHON, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                                      check=True, capture_output=True, text=True).stdout.strip()
    chosen = [v for v in VARIANTS if not args.lesson or v["lesson"] == args.lesson]
    if not chosen:
        sys.exit(f"no lesson {args.lesson!r}; ids: {' '.join(dict.fromkeys(v['lesson'] for v in VARIANTS))}")
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "interleave"], cwd=ROOT, check=True)
    version = subprocess.run([PYTHON, "-c", "import sys; print(sys.version.split()[0])"], capture_output=True, text=True)
    print(f"CPython {version.stdout.strip()} vs the simulated engine, {os.cpu_count()} cores")
    print("orders: how many distinct console orders, then the commonest as signature x count (same signature = same order);")
    print("        ok when the model shows CPython's commonest order about as often (Fisher's exact test, p >= 0.05)")
    print("figures: min/p50/max over finished runs; N is CPython runs/model seeds\n")
    print_row(*(name for name, _ in COLS))
    started, summary = time.perf_counter(), []
    for v in chosen:
        n = 5 if args.quick else args.runs or 20
        n_real = n if args.runs or args.quick else min(n, v["cap"])
        n_real = 0 if v["cap"] == 0 else n_real  # no CPython counterpart (the GIL cannot be turned off in 3.11)
        n_model = n_real or n
        real, model = run_variant(v, n_real, n_model)
        rows = compare(v, real, model)
        for i, (what, r, m, verdict) in enumerate(rows):
            first = i == 0
            print_row(v["lesson"] if first else "", v["label"] if first else "", f"{n_real}/{n_model}" if first else "", what, r, m, verdict)
        summary.append((v, [(what, verdict) for what, _, _, verdict in rows]))
    print(f"\nsummary ({time.perf_counter() - started:.0f} s)")
    for v, verdicts in summary:
        offs = [f"{w}: {x}" for w, x in verdicts if x.startswith("OFF")]
        state = "n/a" if all(x == "n/a" for _, x in verdicts) else "OFF" if offs else "ok"
        print(f"  {v['lesson']:<20} {v['label']:<20} {state:<4} {'; '.join(offs)}")


if __name__ == "__main__":
    main()
