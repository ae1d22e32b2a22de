//! The attacker's pages: what they are ([`site`], served on the attacker's
//! origin and on the lookalike one), and how a test uses them
//! ([`AttackerPages`]).

use axum::response::Html;
use axum::routing::get;
use axum::Router;

use crate::page::Page;

/// The attacker's pages, on any origin:
/// - `/forge.html?host=<origin>[&provider=ofauth]`: posts a forged success
///   to its parent (OnlyFansAPI's, or OFAuth's Link message), once to `*`
///   and once to `host`;
/// - `/opener.html?url=<url>`: opens `url` in a popup on a click of `#open`,
///   and records the messages it is sent in `window.__got`;
/// - `/parent.html?child=<url>`: frames `url` as `#child`, and records the
///   messages it is sent in `window.__got`;
/// - `/evil/…`: a script that marks `window.pwned` and exports nothing that
///   works, for a page tricked into loading the attacker's code.
pub fn site() -> Router {
    const FORGED: &str = r#"{type: "onlyfansapi.auth.success", payload: {accountId: "acct_forged", username: "attacker",
        onlyfansData: {id: 666, username: "attacker", email: "a@evil.test", avatar_url: null, name: "Forged"}}}"#;
    // `?provider=ofauth`: OFAuth's Link message instead.
    const FORGED_LINK: &str = r#"{type: "OFAUTH_LINK", event: "success", metadata: {connection: {id: "conn_forged",
        userData: {id: "666", name: "Forged", username: "attacker", avatar: null}}}}"#;
    let page = format!(
        r#"<!doctype html><title>attacker</title><link rel="icon" href="data:,"><script>
        const query = new URLSearchParams(location.search);
        const host = query.get("host");
        const forged = query.get("provider") === "ofauth" ? {FORGED_LINK} : {FORGED};
        parent.postMessage(forged, "*");
        parent.postMessage(forged, host);
        </script>"#
    );
    let opener = r#"<!doctype html><title>attacker opener</title><link rel="icon" href="data:,"><script>
        window.__got = [];
        addEventListener("message", (e) => window.__got.push({origin: e.origin, data: e.data}));
        </script><button id="open">Open</button><script>
        const url = new URLSearchParams(location.search).get("url");
        document.getElementById("open").addEventListener("click", () => open(url, "_blank", "popup"));
        </script>"#;
    let parent = r#"<!doctype html><title>parent CRM</title><link rel="icon" href="data:,"><script>
        window.__got = [];
        addEventListener("message", (e) => window.__got.push({origin: e.origin, data: e.data}));
        </script><iframe id="child" width="900" height="600"></iframe><script>
        document.getElementById("child").src = new URLSearchParams(location.search).get("child");
        </script>"#;
    let evil = || async {
        (
            [
                ("content-type", "text/javascript"),
                ("access-control-allow-origin", "*"),
            ],
            "window.pwned = (window.pwned || 0) + 1; export default async () => {};",
        )
    };
    Router::new()
        .route("/forge.html", get(move || async move { Html(page) }))
        .route("/parent.html", get(move || async move { Html(parent) }))
        .route("/opener.html", get(move || async move { Html(opener) }))
        .route("/evil/", get(evil))
        .route("/evil/{*file}", get(evil))
}

/// What a test does with the attacker's pages.
#[derive(Clone)]
pub struct AttackerPages {
    page: Page,
    /// The attacker's origin.
    origin: String,
    /// The demo CRM's origin, which the forged messages target.
    victim: String,
}

impl AttackerPages {
    pub fn new(page: Page, origin: &str, victim: &str) -> Self {
        Self {
            page,
            origin: origin.to_owned(),
            victim: victim.to_owned(),
        }
    }

    /// The forging page on `site` (the attacker's or the lookalike origin),
    /// its messages aimed at the demo CRM.
    pub fn forge_url(&self, site: &str) -> String {
        format!("{site}/forge.html?host={}", self.victim)
    }

    /// Opens the attacker's page that frames `child`, and enters that frame.
    pub async fn frame(&self, child: &str) {
        let parent = format!("{}/parent.html?child={child}", self.origin);
        self.page.goto(&parent).await;
        let frame = self.page.element("#child").await;
        frame.enter_frame().await.unwrap();
    }

    /// Opens the attacker's page, which opens `url` in a popup on a real
    /// click (the popup is not entered).
    pub async fn open_popup(&self, url: &str) {
        let opener =
            url::Url::parse_with_params(&format!("{}/opener.html", self.origin), [("url", url)]);
        self.page.goto(opener.unwrap().as_str()).await;
        self.page.visible("#open").await.click().await.unwrap();
    }
}
