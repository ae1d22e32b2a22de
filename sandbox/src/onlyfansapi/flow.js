// The sandbox's hosted connect flow. Reports to the embedder with the
// provider's protocol: onlyfansapi.auth.success / .failed / .continue.
"use strict";
(() => {
  const body = document.body;
  const targets = JSON.parse(body.dataset.targetOrigins || "[]");
  const peer = window.parent !== window ? window.parent : window.opener;
  const token = location.pathname.split("/").pop();
  const byId = (id) => document.getElementById(id);

  // Always an exact target origin, never "*".
  const post = (message) => {
    if (!peer) return;
    for (const origin of targets) peer.postMessage(message, origin);
  };
  const failed = (message, code) =>
    post({ type: "onlyfansapi.auth.failed", payload: code ? { message, code } : { message } });

  const showGone = (message, code) => {
    for (const form of [...document.forms]) form.remove();
    byId("gone-message").textContent = message;
    byId("gone").hidden = false;
    failed(message, code);
  };

  const showSuccess = (result) => {
    for (const form of [...document.forms]) form.remove();
    byId("username").textContent = "@" + result.username;
    byId("success").hidden = false;
    byId("continue").focus();
    post({ type: "onlyfansapi.auth.success", payload: result });
  };

  const call = async (path, fields) => {
    const response = await fetch(`/embed-auth/${encodeURIComponent(token)}/${path}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(fields),
    });
    return response.json();
  };

  const handle = (form, path, next) => {
    const error = form.querySelector(".error");
    const button = form.querySelector("button[type=submit]");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const fields = Object.fromEntries(new FormData(form));
      button.disabled = true;
      error.hidden = true;
      try {
        const body = await call(path, fields);
        if (body.status === "connected") return showSuccess(body.result);
        if (body.status === "two_factor_required") return next();
        if (body.status === "gone") return showGone(body.message, body.code);
        error.textContent = body.message;
        error.hidden = false;
        failed(body.message);
      } catch {
        error.textContent = "The sandbox could not be reached. Try again.";
        error.hidden = false;
      } finally {
        button.disabled = false;
      }
    });
  };

  if (body.dataset.gone) return showGone(body.dataset.gone, body.dataset.goneCode);

  const login = byId("login");
  const twoFactor = byId("two-factor");
  handle(login, "login", () => {
    login.remove();
    twoFactor.hidden = false;
    twoFactor.elements.code.focus();
  });
  handle(twoFactor, "2fa", () => {});
  byId("continue").addEventListener("click", () => post({ type: "onlyfansapi.auth.continue" }));
  login.elements.email.focus();
})();
