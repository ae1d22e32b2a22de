// The strict-CSP demo page: the widget under the README's policy, and a
// record of every CSP violation, on this page and in the popups it opens
// (they start as about:blank, under this page's policy). The widget is
// created and opened in the click, so the first click also loads it (and a
// popup shows the widget's placeholder first). `?mode=popup` and
// `?provider=ofauth` run the other paths.
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const query = new URLSearchParams(location.search);
  window.violations = [];
  const violation = (e) => {
    window.violations.push(`${e.violatedDirective} ${e.blockedURI}`);
    if ($("violations")) $("violations").textContent = String(window.violations.length);
  };
  addEventListener("securitypolicyviolation", violation);
  const open = window.open;
  window.open = (...args) => {
    const popup = open.apply(window, args);
    try {
      popup?.addEventListener("securitypolicyviolation", violation);
    } catch {} // already on another origin
    return popup;
  };
  const record = (kind, detail) => {
    const item = document.createElement("li");
    item.dataset.kind = kind;
    item.textContent = `${kind} ${detail === undefined ? "" : JSON.stringify(detail)}`;
    $("log").prepend(item);
  };
  addEventListener("DOMContentLoaded", () =>
    fetch("/api/config")
      .then((r) => r.json())
      .then(({ linkOrigin }) => {
        const ofauth = query.get("provider") === "ofauth";
        let handle = null;
        $("connect").addEventListener("click", () => {
          handle?.destroy();
          handle = window.OFConnect.create({
            provider: ofauth ? "ofauth" : "onlyfansapi",
            sessionUrl: ofauth ? "/api/link-session" : "/api/session",
            linkOrigin,
            mode: query.get("mode") ?? "iframe",
            onReady: () => record("ready"),
            onSuccess: (result) => record("success", result),
            onError: (error) => record("error", error),
            onExit: (exit) => record("exit", exit),
            onEvent: (name) => record("event", { name }),
          });
          handle.open();
        });
        $("connect").disabled = false;
      }),
  );
})();
