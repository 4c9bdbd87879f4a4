//! One component per file. Callback props are named `on…`.

pub mod engine_panel;
pub mod header;
pub mod isolation_banner;
pub mod lesson_index;
pub mod link_notes;
pub mod timeline;
