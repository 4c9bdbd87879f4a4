//! One component per file. Callback props are named `on…`.

pub mod code_editor;
pub mod code_pane;
pub mod code_view;
pub mod compare_view;
pub mod console_view;
pub mod copy_link;
pub mod embed_dialog;
pub mod engine_panel;
pub mod explore_panel;
pub mod header;
pub mod isolation_banner;
pub mod knob_form;
pub mod lesson_index;
pub mod lesson_page;
pub mod link_notes;
pub mod run_summary;
pub mod stepper_view;
pub mod sweep_panel;
pub mod timeline;
