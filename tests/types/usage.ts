// Type tests, compiled by `make test` (tsc): the valid usages must compile and
// every `@ts-expect-error` line must be an error.
import {
  OFConnect,
  closeOnlyFansAuthentication,
  configureCompat,
  startOnlyFansAuthentication,
  type AuthSuccess,
  type ErrorCode,
  type OFConnectError,
  type OFConnectEventName,
} from "ofconnect";

// create: a token, a session URL, or getSession.
const handle = OFConnect.create({
  token: "ofapi_cs_abc",
  onSuccess: (account) => {
    const id: string = account.accountId;
    const avatar: string | null = account.onlyfansData.avatar_url;
    void [id, avatar];
  },
  onError: (error) => {
    const code: ErrorCode = error.code;
    const retry: number | undefined = error.retryAfter;
    void [code, retry];
  },
  onExit: ({ reason }) => {
    if (reason === "close_button" || reason === "escape") return;
  },
  onEvent: (name, metadata) => {
    const at: number = metadata.timestamp;
    void [name, at];
  },
});
handle.open();
handle.close();
handle.destroy();
OFConnect.create({ sessionUrl: "/api/session", mode: "popup", fallback: "iframe", sessionTimeout: 5000 });
OFConnect.create({ getSession: async () => ({ token: "ofapi_cs_x", expiresAt: "2026-01-01T00:00:00Z" }) });
OFConnect.create({ getSession: () => "ofapi_cs_x", token: "ofapi_cs_first" });
OFConnect.create({ sessionUrl: "/s", forwardTo: { window: window.parent, origin: "https://crm.example" } });
OFConnect.create({ sessionUrl: "/s", eventTarget: document.body });
const loaded: Promise<void> = OFConnect.load();
void loaded;

// OFAuth: a Link URL as the session, its own success payload, exit steps.
OFConnect.create({
  provider: "ofauth",
  sessionUrl: "/api/link-session",
  theme: "dark",
  onSuccess: (result) => {
    const connection: string = result.connection.id;
    void connection;
  },
  onExit: ({ reason, step }) => void [reason === "user_exit", step === "2fa"],
});
OFConnect.create({ provider: "ofauth", token: "https://link.ofauth.com/s/lnk_1" });
OFConnect.create({ provider: "ofauth", getSession: async () => ({ url: "https://link.ofauth.com/s/lnk_1", expiresAt: 1 }) });
// The modal's theme and language, for either provider.
OFConnect.create({ token: "ofapi_cs_x", theme: "auto", locale: "pt-BR", labels: { title: "Conectar" } });
// Inline, in the host's element.
OFConnect.create({ sessionUrl: "/s", container: document.body });
// @ts-expect-error: a container is an element
OFConnect.create({ sessionUrl: "/s", container: "#onboarding" });
// @ts-expect-error: not a theme
OFConnect.create({ token: "ofapi_cs_x", theme: "blue" });
// @ts-expect-error: not a locale the widget speaks
OFConnect.create({ token: "ofapi_cs_x", locale: "ja" });
// @ts-expect-error: not a label
OFConnect.create({ token: "ofapi_cs_x", labels: { subtitle: "x" } });
// @ts-expect-error: OFAuth's success has no accountId
OFConnect.create({ provider: "ofauth", sessionUrl: "/s", onSuccess: (r) => r.accountId });
// @ts-expect-error: not a provider
OFConnect.create({ provider: "other", sessionUrl: "/s" });

// @ts-expect-error: no token and no session source
OFConnect.create({ onSuccess: () => {} });
// @ts-expect-error: not a client session token
OFConnect.create({ token: "sk_live_123" });
// @ts-expect-error: both session sources
OFConnect.create({ sessionUrl: "/s", getSession: () => "ofapi_cs_x" });
// @ts-expect-error: unknown mode
OFConnect.create({ token: "ofapi_cs_x", mode: "tab" });
// @ts-expect-error: unknown option
OFConnect.create({ token: "ofapi_cs_x", onSucess: () => {} });
// @ts-expect-error: the success payload has no `email` at the top
OFConnect.create({ token: "ofapi_cs_x", onSuccess: (a) => a.email });
// @ts-expect-error: not an error code
const bad: ErrorCode = "oops";
void bad;

// Event names and details.
const names: OFConnectEventName[] = ["ofconnect:success", "ofconnect:exit", "ofconnect:error"];
void names;
document.addEventListener("ofconnect:success", (event) => {
  // Either provider's payload: narrow by shape.
  const detail = event.detail;
  const id: string = "accountId" in detail ? (detail satisfies AuthSuccess).accountId : detail.connection.id;
  void id;
});
document.addEventListener("ofconnect:error", (event) => {
  const error: OFConnectError = event.detail;
  void error;
});
document.addEventListener("ofconnect:event", (event) => {
  if (event.detail.name === "open") {
    const surface: "modal" | "popup" | "inline" = event.detail.metadata.surface;
    void surface;
  }
});
// @ts-expect-error: not an ofconnect event
const wrong: OFConnectEventName = "ofconnect:done";
void wrong;

// The element.
const element = document.createElement("of-connect");
element.setAttribute("session-url", "/api/session");
element.onSuccess = (account) => void ("connection" in account ? account.connection.id : account.username);
element.addEventListener("ofconnect:exit", (event) => void event.detail.reason);
element.open();
// @ts-expect-error: onSuccess takes the account, not a string
element.onSuccess = (account: string) => void account;
const fromQuery: HTMLElement | null = document.querySelector("of-connect");
void fromQuery;

// Globals of the script-tag build.
window.OFConnect.create({ sessionUrl: "/s" });
window.OnlyFansAPI.Auth.startOnlyFansAuthentication("ofapi_cs_x", { onSuccess: () => {}, onError: () => {} });

// @onlyfansapi/auth, as documented.
startOnlyFansAuthentication("ofapi_cs_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX", {
  onSuccess: (data) => {
    const { accountId, username } = data;
    void [accountId, username, data.onlyfansData.email];
  },
  onError: (error) => void error.message,
  onContinue: () => {},
});
closeOnlyFansAuthentication();
configureCompat({ linkOrigin: "http://localhost:8787", mode: "popup" });
// @ts-expect-error: onError is required, as in @onlyfansapi/auth
startOnlyFansAuthentication("ofapi_cs_x", { onSuccess: () => {} });
// @ts-expect-error: callbacks are given per call
configureCompat({ onSuccess: () => {} });
