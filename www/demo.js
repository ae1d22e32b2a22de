// The demo CRM page: asks its backend for a client session, opens the
// widget, and shows every callback and event as it arrives.
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

  const connect = async () => {
    button.disabled = true;
    try {
      const [config, session] = await Promise.all([
        fetch("/api/config").then((r) => r.json()),
        fetch("/api/session", { method: "POST" }).then(async (r) => {
          const body = await r.json();
          if (!r.ok) throw new Error(body.error ? body.error.message : `HTTP ${r.status}`);
          return body;
        }),
      ]);
      if (handle) handle.destroy();
      handle = window.OFConnect.create({
        token: session.token,
        linkOrigin: config.linkOrigin,
        onReady: () => record("ready"),
        onSuccess: (result) => { record("success", result); showAccount(result); },
        onError: (error) => record("error", error),
        onExit: (exit) => record("exit", exit),
        onEvent: (name, metadata) => record("event", { name, ...metadata }),
      });
      window.demoHandle = handle;
      handle.open();
    } catch (e) {
      record("backend_error", { message: String(e.message || e) });
    } finally {
      button.disabled = false;
    }
  };

  button.addEventListener("click", connect);
  $("clear").addEventListener("click", () => log.replaceChildren());
})();
