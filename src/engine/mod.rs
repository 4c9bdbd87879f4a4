//! The engines and what they share. No web crates here: everything compiles and is tested
//! natively, and runs unchanged inside the engine worker.

pub mod clock;
pub mod control;
pub mod costs;
pub mod deadlock;
pub mod explore;
pub mod live;
pub mod pool;
pub mod program;
pub mod schedule;
pub mod settings;
pub mod sim;
pub mod trace;
