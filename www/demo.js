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

  // Every request to the CRM's backend ends here when it fails (including a
  // request cut short by leaving the page): recorded, never unhandled.
  const backendError = (e) => record("backend_error", { message: String(e.message || e) });

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
    .catch(backendError);
  $("clear").addEventListener("click", () => log.replaceChildren());

  // OFAuth: the CRM's backend creates Link sessions, receives the webhooks
  // and calls the access API; the page shows what it knows.
  let ofauth = null;
  const showOfauth = (state) => {
    const { connection, profile, needsReconnect } = state;
    const status = $("ofauth-status");
    status.textContent = !connection
      ? "Not connected"
      : needsReconnect
        ? connection.status === "disconnected" ? "Disconnected" : "Session expired"
        : "Connected";
    status.dataset.state = !connection ? "none" : needsReconnect ? "expired" : "connected";
    $("ofauth-reconnect").hidden = !needsReconnect;
    $("ofauth-connect").hidden = Boolean(connection); // one connection per CRM user
    $("ofauth-account").hidden = !profile;
    if (profile) {
      $("ofauth-username").textContent = "@" + profile.username;
      $("ofauth-subscribers").textContent = String(profile.subscribersCount);
      $("ofauth-id").textContent = connection.id;
    }
  };
  const refreshOfauth = () =>
    fetch("/api/ofauth/status")
      .then((r) => r.json())
      .then(showOfauth)
      .catch(backendError);
  const openOfauth = (linkOrigin, reconnect) => {
    if (ofauth) ofauth.destroy();
    ofauth = window.OFConnect.create({
      provider: "ofauth",
      sessionUrl: reconnect ? "/api/link-session?reconnect=1" : "/api/link-session",
      linkOrigin,
      onSuccess: (result) => {
        record("ofauth_success", result);
        // The backend learns of it by webhook; ask it until it has.
        const until = Date.now() + 10000;
        const poll = () =>
          fetch("/api/ofauth/status")
            .then((r) => r.json())
            .then((s) => {
              showOfauth(s);
              if ((!s.profile || s.connection.id !== result.connection.id) && Date.now() < until) setTimeout(poll, 250);
            })
            .catch(backendError);
        poll();
      },
      onExit: (exit) => record("ofauth_exit", exit),
      onError: (error) => record("ofauth_error", error),
    });
    ofauth.open();
  };
  fetch("/api/config")
    .then((r) => r.json())
    .then(({ linkOrigin }) => {
      $("ofauth-connect").addEventListener("click", () => openOfauth(linkOrigin, false));
      $("ofauth-reconnect").addEventListener("click", () => openOfauth(linkOrigin, true));
      $("ofauth-connect").disabled = false;
      refreshOfauth();
    })
    .catch(backendError);
})();
