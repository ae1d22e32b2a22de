// Everything the element needs is in its attributes. Outside the sandbox
// there is nothing to configure: the provider's origin is the default.
"use strict";
const connect = document.getElementById("connect");
const status = document.getElementById("status");

fetch("/api/config")
  .then((response) => response.json())
  .then(({ linkOrigin }) => connect.setAttribute("link-origin", linkOrigin));

// Callbacks as properties, or the same as DOM events (they bubble).
connect.onSuccess = (account) => {
  status.textContent = `Connected @${account.username}`;
};
document.addEventListener("ofconnect:exit", (event) => {
  if (!status.textContent.startsWith("Connected")) status.textContent = `Closed (${event.detail.reason})`;
});
