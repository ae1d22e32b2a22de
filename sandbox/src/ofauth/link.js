// The sandbox's OFAuth Link page. Embedded, it speaks OFAuth's protocol to
// exactly `embed_origin`: {type: "OFAUTH_LINK", event, metadata}, with
// `loaded`, `success`, `exit`, `invalid_session` and `sandbox_info`, and it
// answers `exit_requested` from its embedder. Otherwise it redirects back to
// the session's `redirectUrl` with the outcome in the query. A session locked
// after too many wrong passwords or codes ends with an `exit` of type `error`
// (`error_type: "too_many_attempts"`), not `invalid_session`: starting again
// is the user's choice, not a renewal.
"use strict";
(() => {
  const data = document.body.dataset;
  const peer = window.parent !== window ? window.parent : window.opener;
  const id = location.pathname.split("/").pop();
  const byId = (id) => document.getElementById(id);
  let step = "pre-login";
  let over = false;

  // Never "*": only the allowed embed origin.
  const post = (event, metadata) => {
    if (peer && data.target) peer.postMessage({ type: "OFAUTH_LINK", event, metadata }, data.target);
  };
  const back = (params) => {
    const url = new URL(data.redirect);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    if (data.clientReference) url.searchParams.set("client_reference_id", data.clientReference);
    location.assign(url.href);
  };
  const show = (section) => {
    for (const s of ["pre-login", "login", "two-factor", "success", "gone"]) {
      if (byId(s)) byId(s).hidden = s !== section;
    }
  };
  const exit = (type, error = null) => {
    if (over) return;
    over = true;
    if (data.target) post("exit", { type, step, error });
    else if (type === "error") back({ status: "error", error_code: error.error_type });
    else back({ status: "cancelled", step });
  };
  const stop = (message) => {
    show("gone");
    byId("cancel").hidden = true;
    byId("gone-message").textContent = message;
  };
  const LOCKED = "too_many_attempts";
  const locked = (message) => {
    stop(message);
    exit("error", { error_type: LOCKED, error_message: message });
  };

  if (data.problem) return stop(data.problem);
  if (data.gone) {
    step = "error";
    if (data.goneCode === LOCKED) return locked(data.gone);
    stop(data.gone);
    if (data.target) post("invalid_session", {});
    else back({ status: "error", error_code: "session_expired" });
    return;
  }

  const call = async (path, fields) => {
    const response = await fetch(`/link/${encodeURIComponent(id)}/${path}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(fields),
    });
    return response.json();
  };
  const handle = (form, path) => {
    const error = form.querySelector(".error");
    const button = form.querySelector("button[type=submit]");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      button.disabled = true;
      error.hidden = true;
      try {
        const body = await call(path, Object.fromEntries(new FormData(form)));
        if (body.status === "connected") return connected(body.connection);
        if (body.status === "two_factor_required") {
          step = "2fa";
          form.remove(); // one form at a time, as on the OnlyFansAPI page
          show("two-factor");
          return byId("two-factor").elements.code.focus();
        }
        if (body.status === "gone") {
          if (body.code === LOCKED) return locked(body.message);
          stop(body.message);
          return post("invalid_session", {});
        }
        error.textContent = body.message;
        error.hidden = false;
      } catch {
        error.textContent = "The sandbox could not be reached. Try again.";
        error.hidden = false;
      } finally {
        button.disabled = false;
      }
    });
  };
  const connected = (connection) => {
    step = "success";
    over = true;
    if (!data.target) return back({ status: "success", connection_id: connection.id });
    show("success");
    byId("cancel").hidden = true;
    byId("username").textContent = "@" + connection.userData.username;
    byId("done").focus();
    post("success", { successUrl: null, redirect: false, connection });
  };

  window.addEventListener("message", (event) => {
    const m = event.data;
    if (event.source !== peer || event.origin !== data.target) return;
    if (m && m.type === "OFAUTH_LINK" && m.event === "exit_requested") exit("forced_exit");
  });
  byId("start").addEventListener("click", () => {
    step = "login";
    show("login");
    byId("login").elements.email.focus();
  });
  byId("cancel").addEventListener("click", () => exit("user_exit"));
  byId("done").addEventListener("click", () => post("exit", { type: "user_exit", step, error: null }));
  handle(byId("login"), "login");
  handle(byId("two-factor"), "2fa");
  post("sandbox_info", { environment: "sandbox" });
  post("loaded", {});
  byId("start").focus();
})();
