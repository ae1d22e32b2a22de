//! JavaScript imports the widget needs beyond web-sys, in one place.
//!
//! Two kinds of web-sys call are unsafe for a widget on someone else's page,
//! and are made here instead:
//! - web-sys reads `document.body`, calls `document.createElement(…)` and
//!   so on *on the document object*, where page markup can shadow them
//!   (DOM clobbering: `<img name="body">`, `<form name="createElement">`).
//!   The `final` imports below go through `Document.prototype` and
//!   `EventTarget.prototype` instead, which markup cannot reach.
//! - Calls on another window (the popup) throw `SecurityError` once it shows
//!   the provider's cross-origin page; web-sys declares some of them as
//!   infallible (`Window::document`), and an exception thrown through the
//!   wasm would leave the widget's state borrowed. These are `catch`.

use js_sys::Array;
use wasm_bindgen::prelude::*;
use web_sys::{Document, Element, Event, EventTarget, Window};

#[wasm_bindgen]
extern "C" {
    /// `reportError(e)`: reports an exception from a host callback the way the
    /// browser reports one from an event listener, without unwinding into the widget.
    #[wasm_bindgen(js_name = reportError)]
    pub fn report_error(error: &JsValue);

    /// `console.error(...)`, for errors the host has no `onError` for.
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    pub fn console_error(prefix: &str, code: &str, message: &str);

    /// `Object.keys(value)`: `Err` when a `Proxy`'s trap throws.
    #[wasm_bindgen(catch, js_namespace = Object, js_name = keys)]
    pub fn object_keys(value: &JsValue) -> Result<Array, JsValue>;

    /// `Array.isArray(value)`: `Err` for a revoked Proxy.
    #[wasm_bindgen(catch, js_namespace = Array, js_name = isArray)]
    pub fn is_array(value: &JsValue) -> Result<bool, JsValue>;
}

// Local names for the DOM classes, so that the imports below can be methods.
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = Document)]
    type Doc;
    #[wasm_bindgen(js_name = Element)]
    type El;
    #[wasm_bindgen(js_name = EventTarget)]
    type Target;
    #[wasm_bindgen(js_name = Window)]
    type AnyWindow;

    #[wasm_bindgen(final, method, getter, js_class = "Document", js_name = body)]
    fn body(this: &Doc) -> Option<Element>;
    #[wasm_bindgen(final, method, getter, js_class = "Document", js_name = documentElement)]
    fn document_element(this: &Doc) -> Option<Element>;
    #[wasm_bindgen(final, method, getter, js_class = "Document", js_name = activeElement)]
    fn active_element(this: &Doc) -> Option<Element>;
    #[wasm_bindgen(final, method, getter, js_class = "Element", js_name = shadowRoot)]
    fn shadow_root(this: &El) -> Option<web_sys::ShadowRoot>;
    #[wasm_bindgen(final, catch, method, getter, js_class = "Node", js_name = isConnected)]
    fn is_connected(this: &El) -> Result<bool, JsValue>;
    #[wasm_bindgen(final, catch, method, getter, js_class = "Node", js_name = ownerDocument)]
    fn owner_document(this: &El) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(final, catch, method, js_class = "HTMLElement", js_name = focus)]
    fn focus(this: &El, options: &JsValue) -> Result<(), JsValue>;
    #[wasm_bindgen(final, catch, method, js_class = "Document", js_name = createElement)]
    fn create_element(this: &Doc, tag: &str) -> Result<Element, JsValue>;
    #[wasm_bindgen(final, catch, method, getter, js_class = "Document", js_name = adoptedStyleSheets)]
    fn adopted_style_sheets(this: &Doc) -> Result<Array, JsValue>;
    #[wasm_bindgen(final, catch, method, setter, js_class = "Document", js_name = adoptedStyleSheets)]
    fn set_adopted_style_sheets(this: &Doc, sheets: &Array) -> Result<(), JsValue>;
    #[wasm_bindgen(final, catch, method, js_class = "Element", js_name = getAttribute)]
    fn get_attribute(this: &El, name: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(final, catch, method, js_class = "EventTarget", js_name = dispatchEvent)]
    fn dispatch_event(this: &Target, event: &Event) -> Result<bool, JsValue>;
    // Structural: a window's operations are its own properties (not on
    // `Window.prototype`), and a named element cannot shadow those.
    #[wasm_bindgen(catch, method, js_name = matchMedia)]
    fn match_media(this: &AnyWindow, query: &str) -> Result<JsValue, JsValue>;
    // Structural on purpose: a cross-origin window is a `WindowProxy`, and
    // a window's `document` and `location` cannot be shadowed.
    #[wasm_bindgen(catch, method, getter, js_name = document)]
    fn document(this: &AnyWindow) -> Result<Option<Document>, JsValue>;
    #[wasm_bindgen(catch, method, getter, js_name = location)]
    fn location(this: &AnyWindow) -> Result<web_sys::Location, JsValue>;
}

/// The real `document.body`, or else the real `document.documentElement`.
pub fn body_or_root(document: &Document) -> Option<Element> {
    let d: &Doc = document.unchecked_ref();
    d.body().or_else(|| d.document_element())
}

/// The element that has the focus, looked for inside open shadow roots
/// too (the button inside `<of-connect>`), through the real getters.
pub fn focused_element(document: &Document) -> Option<Element> {
    let mut focused = document.unchecked_ref::<Doc>().active_element()?;
    while let Some(inner) = focused
        .unchecked_ref::<El>()
        .shadow_root()
        .and_then(|root| root.active_element())
    {
        focused = inner;
    }
    Some(focused)
}

/// Gives `element` the focus back, without scrolling to it, if it is still
/// in the page and nothing else has the focus (the host may have moved it
/// on purpose when it heard the outcome).
pub fn refocus(document: &Document, element: &Element) {
    let d: &Doc = document.unchecked_ref();
    let unfocused = d
        .active_element()
        .is_none_or(|active| Some(&active) == d.body().as_ref());
    let e: &El = element.unchecked_ref();
    if unfocused && e.is_connected().unwrap_or(false) {
        let options = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&options, &"preventScroll".into(), &JsValue::TRUE);
        // Not an HTML element (an SVG one, say): it stays where it is.
        let _ = e.focus(&options);
    }
}

/// Whether `element` is in `document` (the real `isConnected` and
/// `ownerDocument`): not in another document, and not an object that only
/// poses as an element (its getters throw).
pub fn in_document(element: &Element, document: &Document) -> bool {
    let element = element.unchecked_ref::<El>();
    element.is_connected().unwrap_or(false)
        && element
            .owner_document()
            .is_ok_and(|d| d == JsValue::from(document))
}

/// Whether the user prefers a dark colour scheme, now.
pub fn prefers_dark(window: &Window) -> bool {
    window
        .unchecked_ref::<AnyWindow>()
        .match_media("(prefers-color-scheme: dark)")
        .and_then(|list| js_sys::Reflect::get(&list, &"matches".into()))
        .is_ok_and(|matches| matches.is_truthy())
}

/// The real `document.createElement(tag)`.
pub fn create_element(document: &Document, tag: &str) -> Result<Element, JsValue> {
    document.unchecked_ref::<Doc>().create_element(tag)
}

/// The real `document.adoptedStyleSheets`.
pub fn adopted_style_sheets(document: &Document) -> Result<Array, JsValue> {
    document.unchecked_ref::<Doc>().adopted_style_sheets()
}

/// Sets the real `document.adoptedStyleSheets`.
pub fn set_adopted_style_sheets(document: &Document, sheets: &Array) -> Result<(), JsValue> {
    document
        .unchecked_ref::<Doc>()
        .set_adopted_style_sheets(sheets)
}

/// `element.getAttribute(name)`, left in JavaScript (markup may make it
/// huge: the options' reading measures it before copying it); `None` also
/// when `element` only poses as an element (an object made with
/// `Object.create(HTMLElement.prototype)`).
pub fn attribute(element: &Element, name: &str) -> Option<JsValue> {
    element
        .unchecked_ref::<El>()
        .get_attribute(name)
        .ok()
        .filter(JsValue::is_string)
}

/// The real `target.dispatchEvent(event)`.
pub fn dispatch_event(target: &EventTarget, event: &Event) -> Result<bool, JsValue> {
    target.unchecked_ref::<Target>().dispatch_event(event)
}

/// Sends `window` to `url` (`window.location.href = url`).
pub fn navigate(window: &Window, url: &str) -> Result<(), JsValue> {
    window
        .unchecked_ref::<AnyWindow>()
        .location()?
        .set_href(url)
}

/// `window.document`: `Err` when `window` shows another origin's page.
pub fn try_document(window: &Window) -> Result<Option<Document>, JsValue> {
    window.unchecked_ref::<AnyWindow>().document()
}

/// The first `document` method that the page's markup shadows, among those
/// Yew calls on the document object itself (`document.createElement(…)`).
/// Yew would fail mid-render on one, so the modal refuses to render instead.
pub fn shadowed_render_method(document: &Document) -> Option<&'static str> {
    ["createElement", "createElementNS", "createTextNode"]
        .into_iter()
        .find(|name| {
            // A named element shows as an own property of `document`.
            js_sys::Reflect::get_own_property_descriptor(document, &(*name).into())
                .map_or(true, |p| !p.is_undefined())
        })
}
