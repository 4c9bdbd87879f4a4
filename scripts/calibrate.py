#!/usr/bin/env python3
"""Measures the entries of the cost table (src/engine/costs.rs) on this machine's CPython.

Run: python3 scripts/calibrate.py. Prints one line per entry: its name, the value
measured, and the value in the table, so a drift shows at a glance.
"""
import re
import sys
import time
from pathlib import Path

TABLE = Path(__file__).resolve().parent.parent / "src" / "engine" / "costs.rs"


def table_value(name):
    match = re.search(rf"pub const {name}: \w+ = (\d+);", TABLE.read_text())
    return int(match.group(1)) if match else None


def sleep_zero_us(n=20_000):
    start = time.perf_counter()
    for _ in range(n):
        time.sleep(0)
    return (time.perf_counter() - start) / n * 1e6


def main():
    print(f"CPython {sys.version.split()[0]} on {sys.platform}")
    for name, measure, unit in [("SLEEP_ZERO", sleep_zero_us, "us")]:
        print(f"{name:<12} measured {measure():8.1f} {unit}   table {table_value(name)} {unit}")


if __name__ == "__main__":
    main()
