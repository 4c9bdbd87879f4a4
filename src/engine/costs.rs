//! The cost table: how long things take in CPython 3.11, in one place, so neither engine
//! tunes a figure per lesson. Each entry says how it was measured; `scripts/calibrate.py`
//! measures them again on any machine (`python3 scripts/calibrate.py`).

use crate::engine::program::Micros;

/// `time.sleep(0)`: not free. On Linux it is a `clock_nanosleep` of zero, which the
/// kernel's timer slack turns into tens of microseconds (84 µs measured on a 2-core Debian
/// machine, CPython 3.11.7). The live engine sleeps at least this long, so a waiting
/// thread gets the GIL first, as it does in CPython.
pub const SLEEP_ZERO: Micros = 80;
