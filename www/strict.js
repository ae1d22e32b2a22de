// The strict-CSP demo page: the same widget, and a record of every CSP violation.
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  window.violations = [];
  document.addEventListener("securitypolicyviolation", (e) => {
    window.violations.push(`${e.violatedDirective} ${e.blockedURI}`);
    $("violations").textContent = String(window.violations.length);
  });
  const record = (kind, detail) => {
    const item = document.createElement("li");
    item.dataset.kind = kind;
    item.textContent = `${kind} ${detail === undefined ? "" : JSON.stringify(detail)}`;
    $("log").prepend(item);
  };
  fetch("/api/config")
    .then((r) => r.json())
    .then(({ linkOrigin }) => {
      const handle = window.OFConnect.create({
        sessionUrl: "/api/session",
        linkOrigin,
        onReady: () => record("ready"),
        onSuccess: (result) => record("success", result),
        onError: (error) => record("error", error),
        onExit: (exit) => record("exit", exit),
        onEvent: (name) => record("event", { name }),
      });
      $("connect").addEventListener("click", () => handle.open());
      $("connect").disabled = false;
    });
})();
