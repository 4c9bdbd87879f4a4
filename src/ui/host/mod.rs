//! Driving an embedded page from the page that embeds it (the host): `protocol`, the
//! messages both sides send; `plan`, what a command does and what the host is told (pure,
//! tested natively); `link` (wasm32), the browser's side: where a message may come from,
//! and the events it sends back.

pub mod plan;
pub mod protocol;

#[cfg(target_arch = "wasm32")]
pub mod link;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
