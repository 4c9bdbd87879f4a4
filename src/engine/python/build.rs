//! Which CPython a run models: its version and whether it is a free-threaded build, and
//! what follows from each (where the GIL may switch, the default start method, the
//! single-thread cost of free threading, `sys._is_gil_enabled()`), stated once.

use crate::engine::program::StartMethod;

/// Where a thread may lose the GIL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PythonModel {
    /// Before 3.10: between any two operations, so `counter += 1` can be split.
    V3_9,
    /// 3.10 and later: only at calls and backward jumps.
    V3_11,
}

/// A CPython feature release the page can model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Version {
    V3_9,
    V3_11,
    V3_12,
    V3_13,
    V3_14,
}

/// A CPython build: a version, with or without the GIL (`3.13t`, `3.14t`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Build {
    pub version: Version,
    /// A free-threaded build (`--disable-gil`), which 3.13 and later have.
    pub free_threaded: bool,
}

impl Default for Build {
    fn default() -> Build {
        Build { version: Version::V3_11, free_threaded: false }
    }
}

/// The `python` knob's values, in the order the form lists them.
pub const KNOB_VALUES: &[&str] = &["3.9", "3.11", "3.12", "3.13", "3.13t", "3.14", "3.14t"];

impl Build {
    /// The build a `python` knob value names (`3.13t` is free-threaded).
    pub fn from_knob(value: &str) -> Option<Build> {
        let (number, free_threaded) = match value.strip_suffix('t') {
            Some(number) => (number, true),
            None => (value, false),
        };
        let version = match number {
            "3.9" => Version::V3_9,
            "3.11" => Version::V3_11,
            "3.12" => Version::V3_12,
            "3.13" => Version::V3_13,
            "3.14" => Version::V3_14,
            _ => return None,
        };
        let build = Build { version, free_threaded };
        (!free_threaded || build.has_free_threaded_build()).then_some(build)
    }

    /// The same version without the GIL: `gil=off` is an alias for the free-threaded build,
    /// and a version that has none (3.12 and before) means the first that has one, 3.13t.
    pub fn without_gil(self) -> Build {
        let version = if self.has_free_threaded_build() { self.version } else { Version::V3_13 };
        Build { version, free_threaded: true }
    }

    fn has_free_threaded_build(self) -> bool {
        self.version >= Version::V3_13
    }

    /// The knob value, as Python's own version string names it (`3.13t`).
    pub fn label(self) -> &'static str {
        match (self.version, self.free_threaded) {
            (Version::V3_9, _) => "3.9",
            (Version::V3_11, _) => "3.11",
            (Version::V3_12, _) => "3.12",
            (Version::V3_13, false) => "3.13",
            (Version::V3_13, true) => "3.13t",
            (Version::V3_14, false) => "3.14",
            (Version::V3_14, true) => "3.14t",
        }
    }

    /// Where a thread may lose the GIL: at any bytecode before 3.10, at calls and backward
    /// jumps since (the eval breaker's check points).
    pub fn switch_model(self) -> PythonModel {
        if self.version < Version::V3_11 {
            PythonModel::V3_9
        } else {
            PythonModel::V3_11
        }
    }

    /// `multiprocessing`'s start method on Linux when a program sets none: `fork` until
    /// 3.13, `forkserver` from 3.14 (What's New in Python 3.14, multiprocessing).
    pub fn default_start_method(self) -> StartMethod {
        if self.version >= Version::V3_14 {
            StartMethod::Forkserver
        } else {
            StartMethod::Fork
        }
    }

    /// What Python code costs on this build, in thousandths of the GIL build's time: the
    /// free-threaded build's single-thread overhead as CPython documents it (not measured
    /// here: this machine has no free-threaded CPython). 3.13: "about 40% on the
    /// pyperformance suite" (free-threading HOWTO, 3.13); 3.14: "roughly 5-10%" (What's New
    /// in Python 3.14), "8% on x86-64 Linux" (free-threading HOWTO, 3.14).
    pub fn bytecode_permille(self) -> u64 {
        match (self.free_threaded, self.version) {
            (false, _) => 1_000,
            (true, Version::V3_14) => 1_080,
            (true, _) => 1_400,
        }
    }

    /// `base` (time or work of Python code on the GIL build) on this build, to the nearest
    /// unit: a 7 ns step at +8% is 8 ns, so loops of the smallest steps pay a little more
    /// than the documented figure, long work exactly it.
    pub fn scaled(self, base: u64) -> u64 {
        match self.bytecode_permille() {
            1_000 => base,
            permille => (base.saturating_mul(permille) + 500) / 1_000,
        }
    }

    /// What `sys._is_gil_enabled()` returns, or `None` where it does not exist (before
    /// 3.13, where it raises `AttributeError`).
    pub fn is_gil_enabled(self) -> Option<bool> {
        (self.version >= Version::V3_13).then_some(!self.free_threaded)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_knob_value_names_a_build_that_names_it_back() {
        for value in KNOB_VALUES {
            let build = Build::from_knob(value).unwrap_or_else(|| panic!("{value}"));
            assert_eq!(build.label(), *value);
        }
        for bad in ["3.11t", "3.12t", "3.9t", "3.10", "t", "", "3.14tt"] {
            assert_eq!(Build::from_knob(bad), None, "{bad}");
        }
    }

    #[test]
    fn gil_off_is_the_free_threaded_build_of_the_version_or_the_first_one() {
        let off = |v: &str| Build::from_knob(v).unwrap().without_gil().label();
        assert_eq!(off("3.14"), "3.14t");
        assert_eq!(off("3.13"), "3.13t");
        assert_eq!(off("3.11"), "3.13t");
        assert_eq!(off("3.9"), "3.13t");
    }

    #[test]
    fn what_each_build_does() {
        let b = |v: &str| Build::from_knob(v).unwrap();
        assert_eq!(b("3.9").switch_model(), PythonModel::V3_9);
        assert_eq!(b("3.12").switch_model(), PythonModel::V3_11);
        assert_eq!(b("3.13").default_start_method(), StartMethod::Fork);
        assert_eq!(b("3.14").default_start_method(), StartMethod::Forkserver);
        assert_eq!(b("3.11").bytecode_permille(), 1_000);
        assert!(b("3.13t").bytecode_permille() > b("3.14t").bytecode_permille());
        assert!(b("3.14t").bytecode_permille() > 1_000);
        assert_eq!(b("3.12").is_gil_enabled(), None);
        assert_eq!(b("3.13").is_gil_enabled(), Some(true));
        assert_eq!(b("3.14t").is_gil_enabled(), Some(false));
    }
}
