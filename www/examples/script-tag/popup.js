"use strict";
const status = document.getElementById("status");
const button = document.getElementById("connect");
let linkOrigin; // the sandbox's origin; outside the sandbox, leave it out
fetch("/api/config")
  .then((response) => response.json())
  .then((config) => {
    linkOrigin = config.linkOrigin;
    button.disabled = false;
  });

button.addEventListener("click", () => {
  // create() and open() in the click handler, with no await between: the
  // popup opens now, before the widget has loaded.
  OFConnect.create({
    sessionUrl: "/api/session",
    linkOrigin,
    mode: "popup",
    onSuccess: (account) => {
      status.textContent = `Connected @${account.username}`;
    },
    onExit: ({ reason }) => {
      status.textContent = `Closed (${reason})`;
    },
  }).open();
});
