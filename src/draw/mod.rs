//! Pictures of a run, drawn from its data as markup: the timeline (on the page, and as an
//! SVG file the engine worker writes). Pure, so both the page and the worker use it and it
//! is tested natively.

pub mod markup;
pub mod timeline;
pub mod timeline_file;
