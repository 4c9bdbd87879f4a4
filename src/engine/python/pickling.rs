//! What `pickle` refuses when a start method sends a process its target and arguments,
//! and the error Python raises in the parent's `p.start()`, per version, as CPython prints
//! it. Measured on 3.11.7, 3.12.1 and 3.13.0 here (`spawn` and `forkserver` raise the same;
//! `fork` pickles nothing). 3.14's form (a `PicklingError` naming the object, with notes on
//! where in the Process it was found) is read from CPython's `_pickle.c`, not measured.

use crate::engine::program::{ProcessDef, Unpicklable};
use crate::engine::python::build::{Build, Version};
use crate::engine::python::errors::PyError;

/// The error `p.start()` raises for `process` on `build`, if its start pickles something
/// that cannot be pickled.
pub fn start_error(process: &ProcessDef, build: Build) -> Option<PyError> {
    let what = process.unpicklable?;
    process.start_method.starts_fresh().then(|| error(what, build.version))
}

/// The error for `what` on `version`.
pub fn error(what: Unpicklable, version: Version) -> PyError {
    use Unpicklable::*;
    let raise = |exception, message| PyError { exception, message };
    match (what, version) {
        (ThreadLock, Version::V3_14) => raise(
            "TypeError",
            "cannot pickle '_thread.lock' object\nwhen serializing tuple item 0\nwhen serializing dict item '_args'\n\
             when serializing multiprocessing.context.Process state\n\
             when serializing multiprocessing.context.Process object",
        ),
        (ThreadLock, _) => raise("TypeError", "cannot pickle '_thread.lock' object"),
        (LocalLambda, Version::V3_14) => raise(
            "_pickle.PicklingError",
            "Can't pickle local object <function main.<locals>.<lambda> at 0x7f3c2a9e1d00>\n\
             when serializing dict item '_target'\nwhen serializing multiprocessing.context.Process state\n\
             when serializing multiprocessing.context.Process object",
        ),
        (LocalFunction, Version::V3_14) => raise(
            "_pickle.PicklingError",
            "Can't pickle local object <function main.<locals>.work at 0x7f3c2a9e1d00>\n\
             when serializing dict item '_target'\nwhen serializing multiprocessing.context.Process state\n\
             when serializing multiprocessing.context.Process object",
        ),
        (LocalLambda, Version::V3_13) => raise("AttributeError", "Can't get local object 'main.<locals>.<lambda>'"),
        (LocalFunction, Version::V3_13) => raise("AttributeError", "Can't get local object 'main.<locals>.work'"),
        (LocalLambda, _) => raise("AttributeError", "Can't pickle local object 'main.<locals>.<lambda>'"),
        (LocalFunction, _) => raise("AttributeError", "Can't pickle local object 'main.<locals>.work'"),
    }
}

/// Whether the error for `version` is one measured on this machine's CPython (3.14's is
/// read from its source).
pub fn measured(version: Version) -> bool {
    version != Version::V3_14
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::program::{ProcessId, StartMethod};

    fn process(start_method: StartMethod, unpicklable: Option<Unpicklable>) -> ProcessDef {
        ProcessDef { name: "Process-1".into(), parent: Some(ProcessId(0)), start_method, daemon: false, unpicklable }
    }

    #[test]
    fn only_a_start_that_pickles_raises_and_only_for_what_cannot_be_pickled() {
        let build = Build::default();
        for method in [StartMethod::Spawn, StartMethod::Forkserver] {
            let e = start_error(&process(method, Some(Unpicklable::LocalLambda)), build).unwrap();
            assert_eq!(
                (e.exception, e.message),
                ("AttributeError", "Can't pickle local object 'main.<locals>.<lambda>'")
            );
            assert_eq!(start_error(&process(method, None), build), None);
        }
        assert_eq!(start_error(&process(StartMethod::Fork, Some(Unpicklable::ThreadLock)), build), None);
    }

    #[test]
    fn the_messages_change_as_cpython_changed_them() {
        let lambda = |v| error(Unpicklable::LocalLambda, v).message;
        assert_eq!(lambda(Version::V3_12), lambda(Version::V3_11));
        assert!(lambda(Version::V3_13).starts_with("Can't get local object"));
        assert_eq!(error(Unpicklable::LocalFunction, Version::V3_14).exception, "_pickle.PicklingError");
        assert_eq!(error(Unpicklable::ThreadLock, Version::V3_13).message, "cannot pickle '_thread.lock' object");
        assert!(!measured(Version::V3_14) && measured(Version::V3_13));
    }
}
