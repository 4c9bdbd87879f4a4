//! The engines and what they share. No web crates here: everything compiles and is tested
//! natively, and runs unchanged inside the engine worker.

pub mod clock;
pub mod control;
pub mod costs;
pub mod deadlock;
pub mod explore;
pub mod latency;
pub mod live;
pub mod program;
pub mod python;
pub mod schedule;
pub mod settings;
pub mod sim;
pub mod trace;

/// `multiprocessing.Pool` lives with the other Python objects; its old path stays.
pub use python::pool;
