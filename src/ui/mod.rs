//! The Yew front end. [`state`] (the reducer) is pure and tested natively; the components
//! and the app exist only on wasm32.

pub mod console;
pub mod debug;
pub mod editing;
pub mod highlight;
pub mod host;
pub mod snippet;
pub mod state;
pub mod waitfor;
pub mod words;

#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(target_arch = "wasm32")]
pub mod clipboard;
#[cfg(target_arch = "wasm32")]
pub mod components;
#[cfg(target_arch = "wasm32")]
pub mod download;
#[cfg(target_arch = "wasm32")]
pub mod html;
#[cfg(target_arch = "wasm32")]
pub mod test_hooks;
#[cfg(target_arch = "wasm32")]
pub mod theme;
