//! A Yew CRM page that connects a creator's account with ofconnect's Yew
//! component: `<ConnectButton>` in a modal or a popup, the outcome in a
//! status line, and a way to leave the page (the component unmounts, and
//! the widget with it).

fn main() {
    #[cfg(target_arch = "wasm32")]
    yew::Renderer::<app::Crm>::new().render();
}

#[cfg(target_arch = "wasm32")]
mod app {
    use ofconnect::component::ConnectButton;
    use ofconnect::error::WidgetError;
    use ofconnect::protocol::Connection;
    use ofconnect::{Exit, Mode, Sessions, Settings};
    use web_sys::HtmlInputElement;
    use yew::prelude::*;

    /// What the demo backend says about the sandbox.
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Config {
        link_origin: String,
    }

    #[component]
    pub fn Crm() -> Html {
        let link_origin = use_state(|| None::<String>);
        let popup = use_state(|| false);
        let shown = use_state(|| true);
        let status = use_state(|| "Not connected".to_string());
        {
            // The sandbox's origin; in production, leave `link_origin` out.
            let link_origin = link_origin.clone();
            use_effect_with((), move |_| {
                wasm_bindgen_futures::spawn_local(async move {
                    let config = gloo_net::http::Request::get("/api/config").send().await;
                    if let Ok(config) = config {
                        if let Ok(config) = config.json::<Config>().await {
                            link_origin.set(Some(config.link_origin));
                        }
                    }
                });
            });
        }
        let on_success = {
            let status = status.clone();
            Callback::from(move |account: Connection| {
                status.set(format!("Connected @{}", account.username()))
            })
        };
        let on_exit = {
            let status = status.clone();
            Callback::from(move |exit: Exit| status.set(format!("Closed ({:?})", exit.reason)))
        };
        let on_error = {
            let status = status.clone();
            Callback::from(move |error: WidgetError| {
                status.set(format!("{}: {}", error.code(), error.message()))
            })
        };
        let on_popup = {
            let popup = popup.clone();
            Callback::from(move |e: Event| {
                popup.set(e.target_unchecked_into::<HtmlInputElement>().checked())
            })
        };
        let on_leave = {
            let (shown, status) = (shown.clone(), status.clone());
            Callback::from(move |_| {
                shown.set(false);
                status.set("Left the page".into());
            })
        };
        let connect = match (&*link_origin, *shown) {
            (Some(origin), true) => {
                let settings = Settings {
                    link_origin: Some(origin.clone()),
                    mode: if *popup {
                        Mode::Popup {
                            fallback_to_modal: true,
                        }
                    } else {
                        Mode::Modal
                    },
                    // Your backend creates the client session.
                    ..Settings::new(Sessions::Url("/api/session".into()))
                };
                html! {
                    <ConnectButton id="connect" {settings} {on_success} {on_exit} {on_error}>
                        { "Connect OnlyFans" }
                    </ConnectButton>
                }
            }
            (None, true) => {
                html! { <button type="button" id="connect" disabled=true>{ "Connect OnlyFans" }</button> }
            }
            (_, false) => html! {},
        };
        html! {
            <main>
                <h1>{ "Yew" }</h1>
                { connect }
                <label><input type="checkbox" id="popup" onchange={on_popup} checked={*popup} />{ " in a popup" }</label>
                <button type="button" id="leave" onclick={on_leave}>{ "Leave this page" }</button>
                <p id="status" role="status">{ (*status).clone() }</p>
            </main>
        }
    }
}
