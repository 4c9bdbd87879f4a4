//! The page's theme on the root element: `data-theme` is `light` or `dark`, from `theme=`
//! or, when it is `auto`, from the system's preference (followed as it changes).

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::query::Theme;

const DARK_QUERY: &str = "(prefers-color-scheme: dark)";

fn prefers_dark() -> Option<web_sys::MediaQueryList> {
    web_sys::window()?.match_media(DARK_QUERY).ok().flatten()
}

fn set(dark: bool) {
    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = root.set_attribute("data-theme", if dark { "dark" } else { "light" });
    }
}

/// Applies `theme` now; with `Auto`, follows the system until the returned guard is dropped.
pub fn apply(theme: Theme) -> Option<Follow> {
    match theme {
        Theme::Light => set(false),
        Theme::Dark => set(true),
        Theme::Auto => {
            let list = prefers_dark();
            set(list.as_ref().is_some_and(|l| l.matches()));
            let list = list?;
            let on_change =
                Closure::<dyn FnMut(web_sys::MediaQueryListEvent)>::new(|event: web_sys::MediaQueryListEvent| {
                    set(event.matches())
                });
            list.add_event_listener_with_callback("change", on_change.as_ref().unchecked_ref()).ok()?;
            return Some(Follow { list, on_change });
        }
    }
    None
}

/// Following the system's preference; dropping it stops.
pub struct Follow {
    list: web_sys::MediaQueryList,
    on_change: Closure<dyn FnMut(web_sys::MediaQueryListEvent)>,
}

impl Drop for Follow {
    fn drop(&mut self) {
        let _ = self.list.remove_event_listener_with_callback("change", self.on_change.as_ref().unchecked_ref());
    }
}
