import { OFConnect } from "ofconnect";

const $ = (id) => document.getElementById(id);
const { linkOrigin } = await (await fetch("/api/config")).json();

let handle = null;
const create = () => {
  handle?.destroy();
  handle = OFConnect.create({
    sessionUrl: "/api/session", // your backend creates the client session
    linkOrigin, // the sandbox; leave it out in production
    mode: $("popup").checked ? "popup" : "iframe",
    onSuccess: (account) => {
      $("status").textContent = `Connected @${account.username}`;
    },
    onExit: ({ reason }) => {
      $("status").textContent = `Closed (${reason})`;
    },
    onError: (error) => {
      $("status").textContent = `${error.code}: ${error.message}`;
    },
  });
};
create();
$("popup").addEventListener("change", create);
$("connect").addEventListener("click", () => handle.open()); // no await before open()
$("connect").disabled = false;
