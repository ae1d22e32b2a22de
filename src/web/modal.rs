//! The modal: a native `<dialog>` with a title bar, a close button, a loading
//! state and the provider's flow in an iframe (or, inline, the same dialog
//! shown in place). Rendered by Yew inside the shadow root that
//! [`super::mount`] owns; styled by `modal.css`.
//!
//! No `on…` attribute here: Yew 0.23 handles those with a listener on the
//! app's root that it never removes (`HostHandlers::add_listener` forgets it,
//! and with it the root, its shadow host and everything they hold), so each
//! `open()` would leak. [`use_listener`] listens on the element itself, and
//! destroying the app removes it.

use gloo_events::{EventListener, EventListenerOptions};
use web_sys::HtmlDialogElement;
use yew::prelude::*;

use std::rc::Rc;

use crate::appearance::Appearance;
use crate::flow::ExitReason;

/// What the modal tells its owner.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ModalEvent {
    /// The iframe fired `load`.
    FrameLoaded,
    /// The user asked to close.
    Close(ExitReason),
}

/// The modal's properties.
#[derive(Properties, PartialEq)]
pub struct ModalProps {
    /// The provider's flow URL; `None` shows the loading state.
    pub url: Option<AttrValue>,
    /// Shown in the host's container (`show()`), not as a modal (`showModal()`).
    pub inline: bool,
    /// The theme and the strings.
    pub appearance: Rc<Appearance>,
    /// Receives [`ModalEvent`]s.
    pub on_event: Callback<ModalEvent>,
}

/// The connect modal.
#[component]
pub fn Modal(props: &ModalProps) -> Html {
    // The URL whose frame has loaded: a new URL (a renewed session) loads anew.
    let loaded_url = use_state(|| None::<AttrValue>);
    let loaded = props.url.is_some() && *loaded_url == props.url;
    let (dialog, close, frame) = (use_node_ref(), use_node_ref(), use_node_ref());
    {
        let (dialog, inline) = (dialog.clone(), props.inline);
        use_effect_with((), move |_| {
            if let Some(d) = dialog.cast::<HtmlDialogElement>() {
                if inline {
                    // In the page's flow, focus moved inside.
                    d.show();
                } else {
                    // Top layer, focus moved inside, the rest of the page inert.
                    let _ = d.show_modal();
                }
            }
        });
    }
    {
        let (loaded_url, url) = (loaded_url.clone(), props.url.clone());
        let on_event = props.on_event.clone();
        use_listener(
            frame.clone(),
            "load",
            Callback::from(move |_| {
                loaded_url.set(url.clone());
                on_event.emit(ModalEvent::FrameLoaded);
            }),
        );
    }
    {
        let on_event = props.on_event.clone();
        use_listener(
            dialog.clone(),
            "cancel",
            Callback::from(move |e: Event| {
                // Escape: close through the widget, so that it reports the exit.
                e.prevent_default();
                on_event.emit(ModalEvent::Close(ExitReason::Escape));
            }),
        );
    }
    {
        let on_event = props.on_event.clone();
        use_listener(
            close.clone(),
            "click",
            Callback::from(move |_| on_event.emit(ModalEvent::Close(ExitReason::CloseButton))),
        );
    }
    let text = &props.appearance.text;
    html! {
        <dialog ref={dialog} class="dialog" data-theme={props.appearance.theme.as_str()} lang={text.lang} aria-labelledby="ofconnect-title">
            <header class="bar">
                <h2 id="ofconnect-title" class="title">{ AttrValue::from(text.title.clone()) }</h2>
                <button ref={close} type="button" class="close" aria-label={AttrValue::from(text.close.clone())}>
                    <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
                        <path d="M18 6 6 18M6 6l12 12" />
                    </svg>
                </button>
            </header>
            <div class="body" aria-busy={(!loaded).to_string()}>
                if !loaded {
                    <div class="loading" role="status">
                        <span class="spinner" aria-hidden="true"></span>
                        { AttrValue::from(text.loading.clone()) }
                    </div>
                }
                if let Some(url) = props.url.clone() {
                    <iframe
                        key={url.to_string()}
                        class={classes!("frame", (!loaded).then_some("pending"))}
                        title={AttrValue::from(text.title.clone())}
                        src={url}
                        referrerpolicy="origin"
                        sandbox="allow-scripts allow-forms allow-same-origin allow-popups allow-popups-to-escape-sandbox"
                        ref={frame}
                    />
                }
            </div>
        </dialog>
    }
}

/// Calls `callback` for each `event` on the element `node` refers to, from
/// after each render until the next (so always the latest callback on the
/// current element), and never after the component is gone.
#[hook]
fn use_listener(node: NodeRef, event: &'static str, callback: Callback<Event>) {
    use_effect(move || {
        let listener = node.get().map(|target| {
            // Not passive: `cancel` must be able to prevent the dialog's own close.
            let options = EventListenerOptions::enable_prevent_default();
            EventListener::new_with_options(&target, event, options, move |e| {
                callback.emit(e.clone())
            })
        });
        move || drop(listener)
    });
}
