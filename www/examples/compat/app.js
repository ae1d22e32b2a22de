// The usage documented by @onlyfansapi/auth 2.x, as is.
import { startOnlyFansAuthentication } from "@onlyfansapi/auth";

const status = document.getElementById("status");

async function authenticate() {
  const { token } = await (await fetch("/api/session", { method: "POST" })).json();
  startOnlyFansAuthentication(token, {
    onSuccess: (data) => {
      const { accountId, username } = data;
      status.textContent = `Welcome ${username}! (${accountId}, ${data.onlyfansData.name})`;
    },
    onError: (error) => {
      status.textContent = `Auth failed: ${error.message}`;
    },
    onContinue: () => {
      status.dataset.continued = "true";
    },
  });
}
document.getElementById("auth").addEventListener("click", authenticate);
