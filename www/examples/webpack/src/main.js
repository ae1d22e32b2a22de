// npm install ofconnect, then:
import { OFConnect } from "ofconnect";

const status = document.getElementById("status");
const button = document.getElementById("connect");

fetch("/api/config")
  .then((response) => response.json())
  .then(({ linkOrigin }) => {
    const connect = OFConnect.create({
      sessionUrl: "/api/session",
      linkOrigin, // the sandbox; leave it out in production
      onSuccess: (account) => {
        status.textContent = `Connected @${account.username}`;
      },
      onError: (error) => {
        status.textContent = `${error.code}: ${error.message}`;
      },
    });
    button.addEventListener("click", () => connect.open());
    button.disabled = false;
  });
