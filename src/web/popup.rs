//! Popup mode: a centred window opened synchronously inside the host's click
//! handler (or browsers block it), showing a placeholder until the session is
//! there, then the provider's page. The script-tag loader opens it itself
//! when the click comes before the widget is loaded (same size and place:
//! keep `popupFeatures` in `www/src/ofconnect.js` in step). A poller notices
//! when it closes. Dropping a [`Popup`] stops the poller and closes the window.
//!
//! Once the popup shows the provider's page it is cross-origin: reading its
//! `document` throws. Every call on it is fallible (see `super::bindings`),
//! and the placeholder is written only when the popup is back on a blank
//! page of ours: a renewal sends it to `about:blank`, which takes a moment,
//! so the poller writes the placeholder once it can.

use std::cell::Cell;
use std::rc::Rc;

use gloo_timers::callback::Interval;
use web_sys::Window;

use super::bindings::{body_or_root, create_element, navigate, try_document};
use crate::appearance::Appearance;

const WIDTH: i32 = 480;
const HEIGHT: i32 = 680;
const POLL_MS: u32 = 250;

pub struct Popup {
    window: Window,
    sent_at: Rc<Cell<Option<f64>>>,
    /// Whether the placeholder is still to be written.
    placeholder: Rc<Cell<bool>>,
    _poll: Interval,
}

/// Where the popup's window comes from.
#[derive(Default)]
pub enum Opener {
    /// `open()` opens it: the user's click is still on the stack.
    #[default]
    Open,
    /// The loader opened it in the click handler, while the widget loaded.
    Loader(Window),
    /// The loader tried in the click handler, and the browser blocked it.
    Blocked,
}

impl Popup {
    /// Opens the popup (or takes over the one the loader opened), at `url` or
    /// on a placeholder; `None` when blocked. `on_closed` gets the
    /// milliseconds since the popup was sent to the provider, if it was.
    pub fn open(
        host: &Window,
        opener: Opener,
        url: Option<&str>,
        appearance: Rc<Appearance>,
        on_closed: impl Fn(Option<f64>) + 'static,
    ) -> Option<Self> {
        let window = match opener {
            Opener::Blocked => return None,
            Opener::Loader(window) => {
                if let Some(url) = url {
                    let _ = navigate(&window, url);
                }
                window
            }
            Opener::Open => {
                let px = |v: Result<wasm_bindgen::JsValue, wasm_bindgen::JsValue>| {
                    v.ok().and_then(|v| v.as_f64()).unwrap_or(0.0) as i32
                };
                // Saturating: page script may set `screenX` to anything.
                let centre = |start: i32, size: i32, own: i32| {
                    start.saturating_add(size.saturating_sub(own) / 2)
                };
                let left = centre(px(host.screen_x()), px(host.outer_width()), WIDTH);
                let top = centre(px(host.screen_y()), px(host.outer_height()), HEIGHT);
                let features = format!("width={WIDTH},height={HEIGHT},left={left},top={top}");
                host.open_with_url_and_target_and_features(
                    url.unwrap_or("about:blank"),
                    "_blank",
                    &features,
                )
                .ok()??
            }
        };
        let sent_at = Rc::new(Cell::new(url.map(|_| now())));
        let pending = Rc::new(Cell::new(
            url.is_none() && !placeholder(&window, &appearance),
        ));
        let poll = {
            let (window, sent_at, pending) = (window.clone(), sent_at.clone(), pending.clone());
            Interval::new(POLL_MS, move || {
                if window.closed().unwrap_or(true) {
                    on_closed(sent_at.get().map(|t| now() - t));
                } else if pending.get() {
                    pending.set(!placeholder(&window, &appearance));
                }
            })
        };
        Some(Self {
            window,
            sent_at,
            placeholder: pending,
            _poll: poll,
        })
    }

    /// Sends the popup to the provider's page, or back to the placeholder.
    pub fn load(&self, url: Option<&str>) {
        match url {
            Some(url) => {
                let _ = navigate(&self.window, url);
                self.sent_at.set(Some(now()));
                self.placeholder.set(false);
            }
            None => {
                let _ = navigate(&self.window, "about:blank");
                self.sent_at.set(None);
                self.placeholder.set(true);
            }
        }
    }

    pub fn window(&self) -> &Window {
        &self.window
    }
}

impl Drop for Popup {
    fn drop(&mut self) {
        let _ = self.window.close();
    }
}

/// Writes "Loading…" into the popup (in the widget's language), with DOM calls only, if it shows a blank page of ours; `false`
/// when it cannot yet (still on the provider's cross-origin page, or
/// navigating).
fn placeholder(window: &Window, appearance: &Appearance) -> bool {
    let Ok(Some(document)) = try_document(window) else {
        return false;
    };
    if document.url().ok().as_deref() != Some("about:blank") {
        return false;
    }
    let (Some(body), Ok(p)) = (body_or_root(&document), create_element(&document, "p")) else {
        return false;
    };
    let text = &appearance.text;
    document.set_title(&text.title);
    p.set_text_content(Some(&text.loading));
    body.replace_children_with_node_1(&p);
    if let Some(root) = document.document_element() {
        let _ = root.set_attribute("lang", text.lang);
    }
    true
}

fn now() -> f64 {
    js_sys::Date::now()
}
