//! Pictures of runs, drawn from their data as markup: the timeline (on the page, and as an
//! SVG file the engine worker writes) and a sweep's plot (the worker draws it). Pure, so
//! both the page and the worker use it and it is tested natively.

pub mod markup;
pub mod plot;
pub mod timeline;
pub mod timeline_file;
pub mod timeline_svg;
pub mod timeline_words;
