//! End-to-end: how the modal, the popup and `<of-connect>` look and read:
//! themes (light, dark, the user's preference), the host's CSS custom
//! properties and `::part()`s, reduced motion, locales and the host's
//! labels, and a narrow window (a page zoomed to 400%).
#![cfg(not(target_arch = "wasm32"))]

use ofconnect_harness::{cdp, run, Engine, World};
use serde_json::{json, Value};

/// A lab widget whose session never comes: the modal (or the popup) stays
/// in its loading state, with the spinner showing.
async fn open_loading(w: &World, options: &str) {
    w.lab
        .create(&format!(
            "{{ getSession: () => new Promise(() => {{}}), sessionTimeout: 120000, {options} }}"
        ))
        .await;
    w.lab.open().await;
}

/// What the open modal shows and how it is styled.
async fn modal_look(w: &World) -> Value {
    w.modal.find("dialog").await;
    w.page
        .eval(
            "const root = document.querySelector('ofconnect-modal').shadowRoot;
             // (No spinner once the flow has loaded.)
             const css = (s) => { const e = root.querySelector(s); return e ? getComputedStyle(e) : {}; };
             const dialog = root.querySelector('dialog');
             return {
               background: css('dialog').backgroundColor, colour: css('dialog').color,
               radius: css('dialog').borderTopLeftRadius, font: css('dialog').fontFamily,
               spinner: css('.spinner').borderTopColor, spin: css('.spinner').animationName,
               bar: css('.bar').backgroundColor,
               lang: dialog.lang, title: root.querySelector('h2').textContent,
               close: root.querySelector('button.close').getAttribute('aria-label'),
               loading: root.querySelector('[role=status]')?.textContent.trim() ?? null,
               dark: matchMedia('(prefers-color-scheme: dark)').matches,
             }",
        )
        .await
}

async fn close_lab(w: &World) {
    w.page.eval("window.__lab.destroy()").await;
    w.modal.wait_gone().await;
}

const WHITE: &str = "rgb(255, 255, 255)";
const DARK: &str = "rgb(28, 31, 38)";

#[tokio::test(flavor = "multi_thread")]
async fn the_modal_follows_the_theme_and_the_hosts_properties() {
    run("appearance_theme", |w| async move {
        w.crm.open().await;
        for (theme, background) in [("light", WHITE), ("dark", DARK)] {
            open_loading(&w, &format!("theme: '{theme}'")).await;
            let look = modal_look(&w).await;
            assert_eq!(look["background"], background, "{theme}: {look:#}");
            assert_eq!(look["spinner"], "rgb(0, 119, 182)", "{look:#}");
            assert_eq!(look["radius"], "14px");
            if theme == "dark" {
                w.page.screenshot("modal-dark").await;
            }
            close_lab(&w).await;
        }
        // `auto` is what the browser says the user prefers (here, whatever
        // that is: Chromium's emulation below makes it dark).
        open_loading(&w, "theme: 'auto'").await;
        let look = modal_look(&w).await;
        let expected = if look["dark"] == true { DARK } else { WHITE };
        assert_eq!(look["background"], expected, "{look:#}");
        assert_eq!(look["spin"], "spin");
        close_lab(&w).await;

        // The host's custom properties; no `::part()` (page CSS could hide
        // or paint over the flow with one), and the radius within 0–24 px.
        w.page
            .eval(
                "const root = document.documentElement.style;
                 root.setProperty('--ofconnect-accent', 'rgb(200, 10, 20)');
                 root.setProperty('--ofconnect-radius', '3px');
                 window.__radius = (r) => root.setProperty('--ofconnect-radius', r);
                 root.setProperty('--ofconnect-font', 'Georgia, serif');
                 const sheet = new CSSStyleSheet();
                 sheet.replaceSync('ofconnect-modal::part(bar) { background-color: rgb(1, 2, 3) }');
                 document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];",
            )
            .await;
        open_loading(&w, "").await;
        let look = modal_look(&w).await;
        assert_eq!(look["spinner"], "rgb(200, 10, 20)", "{look:#}");
        assert_eq!(look["radius"], "3px");
        assert_eq!(look["font"], "Georgia, serif");
        assert_eq!(look["bar"], "rgba(0, 0, 0, 0)", "::part(bar) has no effect");
        close_lab(&w).await;
        w.page
            .eval("window.__radius('0 0 50% 50% / 0 0 100% 100%')")
            .await;
        open_loading(&w, "").await;
        // A list is not a radius: invalid, the corners go square (nothing clipped).
        assert_eq!(modal_look(&w).await["radius"], "0px");
        close_lab(&w).await;
        w.page.eval("window.__radius('300px')").await;
        open_loading(&w, "").await;
        assert_eq!(modal_look(&w).await["radius"], "24px");
        close_lab(&w).await;
        w.page.eval("window.__radius('3px')").await;
        // `<of-connect>`'s button: the same accent and radius, its own part.
        let button = w
            .page
            .eval(
                "const e = document.createElement('of-connect');
                 document.body.append(e);
                 const sheet = new CSSStyleSheet();
                 sheet.replaceSync('of-connect::part(button) { color: rgb(4, 5, 6) }');
                 document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
                 const s = getComputedStyle(e.shadowRoot.querySelector('button'));
                 const look = [s.backgroundColor, s.borderTopLeftRadius, s.color];
                 e.remove();
                 return look",
            )
            .await;
        assert_eq!(button, json!(["rgb(200, 10, 20)", "3px", "rgb(4, 5, 6)"]));

        // Chromium can play the user who prefers dark and less motion.
        if Engine::current() == Engine::Chromium {
            let media = [
                ("prefers-color-scheme", "dark"),
                ("prefers-reduced-motion", "reduce"),
            ];
            cdp::emulate_media(&w.browser, &media).await;
            open_loading(&w, "theme: 'auto'").await;
            let look = modal_look(&w).await;
            assert_eq!(look["dark"], true);
            assert_eq!(look["background"], DARK, "{look:#}");
            assert_eq!(look["spin"], "none", "no spinning for reduced motion");
            close_lab(&w).await;
            open_loading(&w, "theme: 'light'").await;
            assert_eq!(modal_look(&w).await["background"], WHITE);
            close_lab(&w).await;
            // OFAuth's Link page is opened dark too.
            w.lab.ofauth("theme: 'auto'").await;
            cdp::emulate_media(&w.browser, &media).await; // (a new page)
            let dark = w
                .page
                .eval("return matchMedia('(prefers-color-scheme: dark)').matches");
            assert_eq!(dark.await, true);
            w.lab.open().await;
            let src = w
                .modal
                .find("iframe")
                .await
                .attr("src")
                .await
                .unwrap()
                .unwrap();
            assert!(src.contains("&theme=dark"), "{src}");
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_modal_and_the_popup_speak_the_locale_and_the_hosts_labels() {
    run("appearance_locale", |w| async move {
        w.crm.open().await;
        open_loading(&w, "locale: 'de'").await;
        let look = modal_look(&w).await;
        assert_eq!(look["lang"], "de");
        assert_eq!(look["title"], "Verbinden Sie Ihr OnlyFans-Konto");
        assert_eq!(look["close"], "Schließen");
        assert_eq!(look["loading"], "Wird geladen…");
        close_lab(&w).await;

        open_loading(
            &w,
            "locale: 'pt-BR', labels: { title: 'Conectar o OnlyFans' }",
        )
        .await;
        let look = modal_look(&w).await;
        assert_eq!(look["lang"], "pt");
        assert_eq!(look["title"], "Conectar o OnlyFans");
        assert_eq!(look["close"], "Fechar");
        assert_eq!(look["loading"], "Carregando…");
        close_lab(&w).await;

        // Bad locales and labels are typed errors naming what is wrong.
        for (options, says) in [
            ("locale: 'ja'", "`locale` must be"),
            ("locale: 5", "`locale` must be a string"),
            ("labels: 'Connect'", "`labels` must be an object"),
            (
                "labels: { subtitle: 'x' }",
                "`labels.subtitle` is not a label",
            ),
            (
                "labels: { title: '' }",
                "`labels.title` must be a string, not blank",
            ),
            (
                "labels: { close: ' ' }",
                "`labels.close` must be a string, not blank",
            ),
            ("labels: { close: 7 }", "`labels.close` must be a string"),
            (
                "labels: { get title() { return 'x' } }",
                "`labels.title` must be a plain property",
            ),
            (
                "labels: { loading: 'x'.repeat(20000) }",
                "`labels.loading` is longer than",
            ),
            (
                "locale: 'en-' + 'x'.repeat(20000)",
                "`locale` is longer than",
            ),
        ] {
            w.lab
                .create(&format!("{{ token: 'ofapi_cs_x', {options} }}"))
                .await;
            w.lab.wait("error", 1).await;
            let error = &w.lab.calls("error").await[0][1];
            assert_eq!(error["code"], "invalid_options", "{options}");
            let message = error["message"].as_str().unwrap();
            assert!(message.contains(says), "{options}: {message}");
            w.page.eval("window.__lab.destroy()").await;
        }

        // The popup's placeholder, while the session is on its way.
        open_loading(&w, "mode: 'popup', locale: 'fr'").await;
        w.popup.enter().await;
        w.page
            .until(
                "the placeholder in French",
                "return document.title === 'Connectez votre compte OnlyFans'
                    && document.body.textContent === 'Chargement…'
                    && document.documentElement.lang === 'fr'",
            )
            .await;
        w.popup.leave().await;
        w.page.eval("window.__lab.destroy()").await;
        w.popup.wait_windows(1).await;

        // `<of-connect>`'s attributes.
        let element = format!(
            "const e = document.createElement('of-connect');
             e.id = 'element';
             for (const [k, v] of Object.entries({{ locale: 'es', theme: 'dark',
                 'session-url': '/api/session', 'link-origin': '{}' }})) e.setAttribute(k, v);
             document.body.prepend(e);",
            w.provider
        );
        w.page.eval(&element).await;
        w.page
            .eval("document.getElementById('element').shadowRoot.querySelector('button').click()")
            .await;
        let look = modal_look(&w).await;
        assert_eq!(look["lang"], "es");
        assert_eq!(look["title"], "Conecta tu cuenta de OnlyFans");
        assert_eq!(look["close"], "Cerrar");
        assert_eq!(look["background"], DARK);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_modal_fits_a_viewport_as_narrow_as_a_page_zoomed_to_400_percent() {
    run("appearance_narrow", |w| async move {
        w.crm.open().await;
        // 1280 CSS pixels at 400% leave 320: WCAG's reflow width. A frame
        // of the CRM page that wide (engines' windows go no narrower than
        // 447 or 500 pixels), with the widget in it.
        w.page
            .eval(
                "const f = document.createElement('iframe');
                 f.id = 'narrow'; f.src = '/'; f.width = 320; f.height = 640;
                 document.body.prepend(f);",
            )
            .await;
        w.page.element("#narrow").await.enter_frame().await.unwrap();
        w.page
            .until(
                "the framed CRM is ready",
                "return !!window.OFConnect && document.documentElement.clientWidth <= 320",
            )
            .await;
        open_loading(&w, "locale: 'de'").await;
        w.modal.find("dialog").await;
        let fits = w
            .page
            .eval(
                "const root = document.querySelector('ofconnect-modal').shadowRoot;
                 const width = document.documentElement.clientWidth;
                 const inside = (e) => { const r = e.getBoundingClientRect();
                   return r.left >= 0 && r.right <= width && r.width > 0 };
                 const title = root.querySelector('h2');
                 return { dialog: inside(root.querySelector('dialog')),
                   close: inside(root.querySelector('button.close')),
                   title: inside(title) && title.scrollWidth <= title.clientWidth,
                   loading: inside(root.querySelector('[role=status]')) }",
            )
            .await;
        assert_eq!(
            fits,
            json!({"dialog": true, "close": true, "title": true, "loading": true})
        );
        w.page.screenshot("modal-narrow").await;
    })
    .await;
}
