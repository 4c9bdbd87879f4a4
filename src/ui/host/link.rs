//! The browser's side of the host API: listens for the embedding page's messages, takes
//! them only from its origin (or one `host=` allows), refuses malformed ones with an
//! `error` event, and tells the host what changes and how tall the page is.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{JsString, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::UseReducerHandle;

use crate::ui::host::plan::{plan, Plan, Watcher};
use crate::ui::host::protocol::{ErrorCode, Event, Incoming, MessageId, Outgoing, MAX_KNOBS, MAX_TEXT, VERSION};
use crate::ui::state::State;

/// Text longer than this in any field is refused before it is copied into the page.
const MAX_FIELD: u32 = (MAX_TEXT as u32) * 4;
/// More fields than this in the message or its `knobs` are refused before they are read.
const MAX_FIELDS: u32 = (MAX_KNOBS as u32) * 2;

/// The page's end of the link with its host.
pub struct HostLink {
    parent: web_sys::Window,
    /// Origins whose messages are taken: the embedding page's, and those `host=` names.
    allowed: Vec<String>,
    /// Where events go: the window that last spoke (the parent or the top page) and its
    /// origin; none before a host has spoken.
    host: RefCell<Option<(web_sys::Window, String)>>,
    watcher: RefCell<Watcher>,
    height: RefCell<u32>,
}

impl HostLink {
    /// Starts listening if the page is embedded; `None` on a page of its own.
    pub fn install(latest: Rc<RefCell<UseReducerHandle<State>>>) -> Option<Rc<HostLink>> {
        let window = web_sys::window()?;
        let parent = window.parent().ok().flatten()?;
        if Object::is(&parent, &window) {
            return None;
        }
        let mut allowed: Vec<String> = embedder(&window).into_iter().collect();
        allowed.extend(latest.borrow().query.page.hosts.iter().cloned());
        let link = Rc::new(HostLink {
            parent,
            allowed,
            host: RefCell::new(None),
            watcher: RefCell::new(Watcher::default()),
            height: RefCell::new(0),
        });
        let on_message = {
            let link = link.clone();
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
                link.receive(&event, &latest);
            })
        };
        window.add_event_listener_with_callback("message", on_message.as_ref().unchecked_ref()).ok()?;
        on_message.forget();
        link.watch_height();
        Some(link)
    }

    fn receive(&self, event: &web_sys::MessageEvent, latest: &Rc<RefCell<UseReducerHandle<State>>>) {
        let origin = event.origin();
        if !self.allowed.contains(&origin) || !self.sent_by_embedder(event) {
            return;
        }
        let data = event.data();
        // Other scripts' messages (no `interleave` field) are not ours to answer.
        if !data.is_object() || !Reflect::has(&data, &"interleave".into()).unwrap_or(false) {
            return;
        }
        // The source is the parent or the top page (checked above): a window.
        let Some(source) = event.source() else { return };
        let first = self.host.replace(Some((source.unchecked_into(), origin))).is_none();
        if first {
            // Whatever changed before the host spoke, it has not heard: tell it all now.
            *self.watcher.borrow_mut() = Watcher::default();
            *self.height.borrow_mut() = 0;
            self.notify(&latest.borrow());
            self.tell_height();
        }
        let id = Reflect::get(&data, &"id".into()).ok().and_then(|v| match v.as_f64() {
            Some(n) => Some(MessageId::Number(n)),
            None if v.is_string() && v.unchecked_ref::<JsString>().length() <= MAX_TEXT as u32 => {
                v.as_string().map(MessageId::Text)
            }
            None => None,
        });
        if let Some(message) = too_long(&data) {
            return self.refuse(id, ErrorCode::TooLong, message);
        }
        let incoming: Incoming = match serde_wasm_bindgen::from_value(data) {
            Ok(incoming) => incoming,
            Err(error) => {
                return self.refuse(id, ErrorCode::Malformed, crate::knobs::echo_within(&error.to_string(), MAX_TEXT))
            }
        };
        if incoming.interleave != VERSION {
            let message = format!("this page speaks version {VERSION}, not {}", incoming.interleave);
            return self.refuse(id, ErrorCode::Version, message);
        }
        let command = match incoming.command() {
            Ok(command) => command,
            Err(message) => return self.refuse(id, ErrorCode::Malformed, message),
        };
        let handle = latest.borrow().clone();
        let path = web_sys::window().and_then(|w| w.location().pathname().ok()).unwrap_or_default();
        match plan(&command, &handle, &path) {
            Ok(Plan::Answer(answer)) => self.send(Outgoing::new(answer, id)),
            Ok(Plan::Act(actions)) => {
                for action in actions {
                    handle.dispatch(action);
                }
                // The reducer has applied them: the state now shows what the command did.
                let answers = self.watcher.borrow_mut().applied(&command, id, &handle);
                for answer in answers {
                    self.send(answer);
                }
            }
            Err((code, message)) => self.refuse(id, code, message),
        }
    }

    /// Only the page that frames this one (or the top page, for a frame inside a frame)
    /// may drive it: not a sibling frame or a popup, even of an allowed origin.
    fn sent_by_embedder(&self, event: &web_sys::MessageEvent) -> bool {
        let Some(source) = event.source() else { return false };
        let top = web_sys::window().and_then(|w| w.top().ok().flatten());
        Object::is(&source, &self.parent) || top.is_some_and(|top| Object::is(&source, &top))
    }

    fn refuse(&self, id: Option<MessageId>, code: ErrorCode, message: String) {
        self.send(Outgoing::new(Event::Error { code, message }, id));
    }

    fn send(&self, message: Outgoing) {
        let Some((window, origin)) = self.host.borrow().clone() else { return };
        let serializer = serde_wasm_bindgen::Serializer::json_compatible();
        if let Ok(value) = serde::Serialize::serialize(&message, &serializer) {
            let _ = window.post_message(&value, &origin);
        }
    }

    /// After each render: what changed, for the host (once it has spoken). The height is
    /// the resize observer's to tell, not every render's.
    pub fn notify(&self, state: &State) {
        let events = self.watcher.borrow_mut().events(state);
        if self.host.borrow().is_some() {
            for event in events {
                self.send(event);
            }
        }
    }

    /// The page's content height, told whenever it changes (measured only once a host
    /// listens: measuring lays the page out).
    fn tell_height(&self) {
        if self.host.borrow().is_none() {
            return;
        }
        let Some(body) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.body()) else { return };
        let height = body.get_bounding_client_rect().height().ceil().max(0.0) as u32;
        if height != *self.height.borrow() {
            *self.height.borrow_mut() = height;
            self.send(Outgoing::new(Event::Resize { height }, None));
        }
    }

    /// Content can grow without a render (a timeline laid out, a font loaded): a resize
    /// observer on the body tells those changes too.
    fn watch_height(self: &Rc<Self>) {
        let Some(body) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.body()) else { return };
        let link = Rc::downgrade(self);
        let on_resize = Closure::<dyn FnMut()>::new(move || {
            if let Some(link) = link.upgrade() {
                link.tell_height();
            }
        });
        if let Ok(observer) = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()) {
            observer.observe(&body);
            on_resize.forget();
            std::mem::forget(observer);
        }
    }
}

/// The embedding page's origin: the browser's list of ancestors where it has one, else
/// the referrer's.
fn embedder(window: &web_sys::Window) -> Option<String> {
    let location = window.location();
    if let Ok(ancestors) = Reflect::get(&location, &"ancestorOrigins".into()) {
        if let Some(list) = ancestors.dyn_ref::<web_sys::DomStringList>() {
            if let Some(first) = list.item(0).filter(|o| o != "null") {
                return Some(first);
            }
        }
    }
    let referrer = window.document()?.referrer();
    web_sys::Url::new(&referrer).ok().map(|url| url.origin()).filter(|o| o != "null")
}

/// Why the message (or its `knobs`) is too big to read: a text longer than [`MAX_FIELD`],
/// or more than [`MAX_FIELDS`] fields. Measured in JavaScript, before anything is copied.
fn too_long(data: &JsValue) -> Option<String> {
    let long = |value: &JsValue| value.is_string() && value.unchecked_ref::<JsString>().length() > MAX_FIELD;
    let check = |object: &JsValue, what: &str| -> Option<String> {
        let keys = Object::keys(object.dyn_ref::<Object>()?);
        if keys.length() > MAX_FIELDS {
            return Some(format!("{what} has more than {MAX_FIELDS} fields"));
        }
        for key in keys.iter() {
            if long(&key) {
                return Some(format!("a field name in {what} is too long"));
            }
            if long(&Reflect::get(object, &key).ok()?) {
                return Some(format!("`{}` is too long", crate::knobs::echo(&key.as_string().unwrap_or_default())));
            }
        }
        None
    };
    check(data, "the message").or_else(|| {
        let knobs = Reflect::get(data, &"knobs".into()).ok()?;
        knobs.is_object().then(|| check(&knobs, "`knobs`")).flatten()
    })
}
