//! Everything the modal puts on the page, owned by one value: the host
//! element and its shadow root, the Yew app and the background scroll lock.
//! An inline flow is the same dialog, shown in the host's `container`
//! without `showModal()`: no backdrop, no scroll lock, the page stays live.
//! Dropping a [`Mount`] removes all of them, leaving the page as it was; it
//! also knows where the focus was before (its [`Mount::opener`]). When the
//! page removes the modal (or the inline container) itself, the flow ends
//! as if the host had called `close()`: nothing is left waiting for a frame
//! that is gone.

use std::rc::Rc;

use js_sys::Array;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{
    CssStyleSheet, Document, Element, HtmlIFrameElement, MutationObserver, MutationObserverInit,
    Node, ShadowRoot, ShadowRootInit, ShadowRootMode, Window,
};
use yew::{AppHandle, Callback};

use super::bindings::{
    adopted_style_sheets, body_or_root, create_element, focused_element, set_adopted_style_sheets,
    shadowed_render_method,
};
use super::modal::{Modal, ModalEvent, ModalProps};
use crate::appearance::Appearance;
use crate::flow::ExitReason;

const MODAL_CSS: &str = include_str!("modal.css");
const SCROLL_LOCK_CSS: &str = "html, body { overflow: hidden !important; }";

pub struct Mount {
    host: Element,
    shadow: ShadowRoot,
    app: Option<AppHandle<Modal>>,
    appearance: Rc<Appearance>,
    on_event: Callback<ModalEvent>,
    _scroll_lock: Option<AdoptedSheet>,
    _removal: Removal,
    /// Shown in the host's container, not as a modal.
    inline: bool,
    /// What had the focus before the modal took it (the opener).
    opener: Option<Element>,
}

impl Mount {
    /// Shows the modal for `url`, or the inline flow in `container`. Every
    /// fallible step comes before the page is touched.
    pub fn new(
        window: &Window,
        container: Option<Element>,
        url: Option<String>,
        appearance: Rc<Appearance>,
        on_event: Callback<ModalEvent>,
    ) -> Result<Self, JsValue> {
        let document = window.document().ok_or("no document")?;
        renderable(&document)?;
        let inline = container.is_some();
        let parent = container
            .or_else(|| body_or_root(&document))
            .ok_or("no body")?;
        let host = create_element(&document, "ofconnect-modal")?;
        let shadow = host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))?;
        adopt(&shadow, &sheet(MODAL_CSS)?)?;
        let root = create_element(&document, "div")?;
        shadow.append_child(&root)?;
        let opener = focused_element(&document);
        let removal = Removal::watch(&parent, &host, on_event.clone())?;
        // In the document before Yew renders: `showModal()` needs a connected dialog.
        // (A host's `<form>` container whose field shadows `appendChild`
        // makes this throw: `unsupported_browser`, nothing shown.) The last
        // fallible step.
        parent.append_child(&host)?;
        let props = ModalProps {
            url: url.map(Into::into),
            inline,
            appearance: appearance.clone(),
            on_event: on_event.clone(),
        };
        let app = yew::Renderer::<Modal>::with_root_and_props(root, props).render();
        let mut mount = Self {
            host,
            shadow,
            app: Some(app),
            appearance,
            on_event,
            _scroll_lock: None,
            _removal: removal,
            inline,
            opener,
        };
        // Without constructable stylesheets the page merely keeps scrolling.
        if !inline {
            mount._scroll_lock = AdoptedSheet::add(&document, SCROLL_LOCK_CSS).ok();
        }
        Ok(mount)
    }

    /// Shows the flow page at `url`, or the loading state; `Err` when the
    /// page's markup has since shadowed what Yew needs to render it.
    pub fn load(&mut self, url: Option<String>) -> Result<(), JsValue> {
        if let Some(document) = self.host.owner_document() {
            renderable(&document)?;
        }
        if let Some(app) = &mut self.app {
            app.update(ModalProps {
                url: url.map(Into::into),
                inline: self.inline,
                appearance: self.appearance.clone(),
                on_event: self.on_event.clone(),
            });
        }
        Ok(())
    }

    /// The element that had the focus when the modal opened.
    pub fn opener(&self) -> Option<Element> {
        self.opener.clone()
    }

    /// The window of the flow frame, once it exists.
    pub fn flow_window(&self) -> Option<Window> {
        self.shadow
            .query_selector("iframe")
            .ok()
            .flatten()
            .and_then(|f| f.dyn_into::<HtmlIFrameElement>().ok())
            .and_then(|f| f.content_window())
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        if let Some(app) = self.app.take() {
            app.destroy();
        }
        self.host.remove();
    }
}

/// Tells the widget when the page takes the modal's host element out of
/// the document: watches the tree that holds it, and every tree up through
/// shadow hosts to the document.
struct Removal {
    observer: MutationObserver,
    _callback: Closure<dyn FnMut()>,
}

impl Removal {
    fn watch(
        parent: &Element,
        host: &Element,
        on_event: Callback<ModalEvent>,
    ) -> Result<Self, JsValue> {
        let host = host.clone();
        let callback = Closure::<dyn FnMut()>::new(move || {
            if !host.is_connected() {
                on_event.emit(ModalEvent::Close(ExitReason::HostClose));
            }
        });
        let observer = MutationObserver::new(callback.as_ref().unchecked_ref())?;
        let init = MutationObserverInit::new();
        init.set_child_list(true);
        init.set_subtree(true);
        let mut root: Node = parent.get_root_node();
        loop {
            observer.observe_with_options(&root, &init)?;
            match root.dyn_ref::<ShadowRoot>() {
                Some(shadow) => root = shadow.host().get_root_node(),
                None => break,
            }
        }
        Ok(Self {
            observer,
            _callback: callback,
        })
    }
}

impl Drop for Removal {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}

/// `Err` when the page's markup shadows a `document` method Yew calls: it
/// would fail mid-render (see [`shadowed_render_method`]).
fn renderable(document: &Document) -> Result<(), JsValue> {
    match shadowed_render_method(document) {
        Some(name) => Err(format!(
            "the page's markup shadows `document.{name}` (an element named \"{name}\"), which the modal needs; use mode: \"popup\""
        )
        .into()),
        None => Ok(()),
    }
}

fn sheet(css: &str) -> Result<CssStyleSheet, JsValue> {
    let sheet = CssStyleSheet::new()?;
    sheet.replace_sync(css)?;
    Ok(sheet)
}

fn adopt(shadow: &ShadowRoot, sheet: &CssStyleSheet) -> Result<(), JsValue> {
    let sheets = shadow.adopted_style_sheets();
    sheets.push(sheet);
    shadow.set_adopted_style_sheets(&sheets);
    Ok(())
}

/// A constructable stylesheet adopted by the document while it lives: no
/// inline styles on the host's elements, and removing it restores exactly what
/// the host had.
struct AdoptedSheet {
    document: Document,
    sheet: CssStyleSheet,
}

impl AdoptedSheet {
    fn add(document: &Document, css: &str) -> Result<Self, JsValue> {
        let sheet = sheet(css)?;
        let sheets = adopted_style_sheets(document)?;
        sheets.push(&sheet);
        set_adopted_style_sheets(document, &sheets)?;
        Ok(Self {
            document: document.clone(),
            sheet,
        })
    }
}

impl Drop for AdoptedSheet {
    fn drop(&mut self) {
        if let Ok(sheets) = adopted_style_sheets(&self.document) {
            let kept: Array = sheets
                .iter()
                .filter(|s| s != AsRef::<JsValue>::as_ref(&self.sheet))
                .collect();
            let _ = set_adopted_style_sheets(&self.document, &kept);
        }
    }
}
