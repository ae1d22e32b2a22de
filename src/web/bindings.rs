//! JavaScript imports the widget needs beyond web-sys, in one place.

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// `reportError(e)`: reports an exception from a host callback the way the
    /// browser reports one from an event listener, without unwinding into the widget.
    #[wasm_bindgen(js_name = reportError)]
    pub fn report_error(error: &JsValue);

    /// `console.error(...)`, for errors the host has no `onError` for.
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    pub fn console_error(prefix: &str, code: &str, message: &str);
}
