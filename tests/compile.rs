//! The compiler from a learner's Python to a Program. Its specification: compiling the
//! Python a lesson shows gives the very Program the lesson builds (so the same findings and,
//! seeded, the same trace); and what it cannot compile it refuses at the right place. The
//! modules are in `compile_tests/mod.rs`.

mod compile_tests;
