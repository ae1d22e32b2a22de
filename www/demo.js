// The demo CRM page: creates the widget at load (it prefetches a session from
// this CRM's backend at /api/session), opens it on click, and shows every
// callback and event as it arrives.
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const log = $("log");
  const button = $("connect");
  let handle = null;

  const record = (kind, detail) => {
    const item = document.createElement("li");
    item.dataset.kind = kind;
    const name = document.createElement("strong");
    name.textContent = kind;
    const text = document.createElement("code");
    text.textContent = detail === undefined ? "" : JSON.stringify(detail);
    item.append(name, " ", text);
    log.prepend(item);
  };

  const showAccount = (result) => {
    $("account-name").textContent = result.onlyfansData.name;
    $("account-username").textContent = "@" + result.username;
    $("account-id").textContent = result.accountId;
    $("account").hidden = false;
    $("status").textContent = "Connected";
    $("status").dataset.state = "connected";
  };

  const create = (linkOrigin) => {
    if (handle) handle.destroy();
    handle = window.OFConnect.create({
      sessionUrl: "/api/session",
      linkOrigin,
      mode: $("mode").value,
      fallback: "iframe",
      onReady: () => record("ready"),
      onSuccess: (result) => {
        record("success", result);
        showAccount(result);
      },
      onError: (error) => record("error", error),
      onExit: (exit) => record("exit", exit),
      onExpired: () => record("expired"),
      onEvent: (name, metadata) => record("event", { name, ...metadata }),
    });
    window.demoHandle = handle;
  };

  fetch("/api/config")
    .then((r) => r.json())
    .then(({ linkOrigin }) => {
      create(linkOrigin);
      $("mode").addEventListener("change", () => create(linkOrigin));
      // open() straight from the click: popups opened after an await are blocked.
      button.addEventListener("click", () => handle.open());
      button.disabled = false;
    })
    .catch((e) => record("backend_error", { message: String(e.message || e) }));
  $("clear").addEventListener("click", () => log.replaceChildren());
})();
