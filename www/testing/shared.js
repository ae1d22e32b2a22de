// What the Playwright helpers (playwright.js) and the WebDriver helpers
// (webdriver.js) share: the sandbox's accounts, the selectors of the
// sandbox's hosted pages and of the widget's modal, the options, and the
// outcome recorder that runs in the host page.
//
// The helpers act as a user does (they find, click and type into what is
// shown) and read what the host page was told from the window messages the
// widget posts to the page's own origin. They never call the widget.

/** The accounts the sandbox's hosted pages accept (the same on both providers). */
export const sandboxAccounts = Object.freeze({
  creator: Object.freeze({ email: "creator@sandbox.test", password: "sandbox", code: null, username: "sandbox_creator" }),
  twoFactor: Object.freeze({ email: "2fa@sandbox.test", password: "sandbox", code: "123456", username: "sandbox_2fa" }),
});

/** The password `failSandboxLogin` types unless told another: no sandbox account has it. */
export const WRONG_PASSWORD = "not-the-sandbox-password";

/** Milliseconds a helper waits before it gives up, unless told otherwise. */
export const DEFAULT_TIMEOUT = 30_000;

/** Milliseconds between two looks at the page. */
export const POLL = 50;

/** The widget's modal on the host page: a light-DOM host with an open shadow root. */
export const MODAL = "ofconnect-modal";
/** In the modal's shadow root. */
export const MODAL_FRAME = "iframe";
export const MODAL_CLOSE = "button.close";

/**
 * The screens of the sandbox's hosted pages (OnlyFansAPI's `/embed-auth/…`
 * and OFAuth's `/link/…`), in the order they are looked for: the first one
 * shown is the page's state. OFAuth's Link page starts on `start` (a
 * Continue button before the login form); OnlyFansAPI's page starts on
 * `login`. After a correct password, an account with 2FA gets `code`.
 */
export const SCREENS = [
  ["gone", "#gone"], // the session cannot be used (expired, used, locked)
  ["success", "#success"],
  ["wrong-code", "#two-factor .error"],
  ["code", "#two-factor input[name=code]"],
  ["wrong", "#login .error"],
  ["login", "#login input[name=email]"],
  ["start", "#start"],
];

/** The fields, buttons and texts of those pages. */
export const FLOW = {
  start: "#start",
  email: "#login input[name=email]",
  password: "#login input[name=password]",
  logIn: "#login button[type=submit]",
  loginError: "#login .error",
  code: "#two-factor input[name=code]",
  verify: "#two-factor button[type=submit]",
  codeError: "#two-factor .error",
  // Continue (OnlyFansAPI) or Done (OFAuth) on the success screen.
  finish: "#success button",
  goneMessage: "#gone-message",
  // OFAuth's Link page only.
  cancel: "#cancel",
};

/** Where the recorder keeps what it saw, on the page's window (a registered symbol: no name clash). */
export const RECORDER = "ofconnect.testing.outcomes";

/**
 * Runs in the host page (Playwright's `evaluate`, WebDriver's
 * `executeScript`), so it refers to nothing outside itself. Installs the
 * recorder once per document: it keeps each `{source: "ofconnect", type,
 * payload}` message of type success, error, exit or expired that the page
 * posted to itself at its own origin (the widget reports every callback so;
 * messages from other windows and frames are ignored). With `take`, returns
 * the oldest outcome not yet taken (or null).
 */
export function recorder({ key, take }) {
  const symbol = Symbol.for(key);
  let record = window[symbol];
  if (!record) {
    record = { outcomes: [], taken: 0 };
    Object.defineProperty(window, symbol, { value: record });
    const kinds = ["success", "error", "exit", "expired"];
    window.addEventListener("message", (event) => {
      if (event.source !== window || event.origin !== window.location.origin) return;
      const message = event.data;
      if (message === null || typeof message !== "object" || message.source !== "ofconnect") return;
      if (!kinds.includes(message.type)) return;
      record.outcomes.push({ type: message.type, payload: message.payload ?? null });
    });
  }
  if (!take || record.taken >= record.outcomes.length) return null;
  return record.outcomes[record.taken++];
}

/** What the host was told, as `waitForOutcome` resolves with it. */
export function toOutcome({ type, payload }) {
  if (type === "success") return { type, account: payload };
  if (type === "exit" || type === "error") return { ...payload, type };
  return { type };
}

/** The e-mail, password, 2FA code and timeout of a login. */
export function loginOptions(options = {}, { wrong = false } = {}) {
  const { account = sandboxAccounts.creator, timeout = DEFAULT_TIMEOUT } = options;
  const given = typeof account === "string" ? { email: account } : account;
  if (!given || typeof given.email !== "string") {
    throw new TypeError('account: an e-mail ("creator@sandbox.test") or {email, password?, code?}');
  }
  const known = Object.values(sandboxAccounts).find((a) => a.email === given.email.trim().toLowerCase());
  const right = given.password ?? known?.password ?? "sandbox";
  const password = options.password ?? (wrong ? WRONG_PASSWORD : right);
  if (wrong && known && password === known.password) {
    throw new TypeError(`password: "${password}" is ${known.email}'s right password; give a wrong one`);
  }
  const code = options.code ?? given.code ?? known?.code ?? sandboxAccounts.twoFactor.code;
  return { email: given.email, password, code, timeout: checkTimeout(timeout) };
}

/** The timeout of a helper that takes no login. */
export function checkTimeout(timeout = DEFAULT_TIMEOUT) {
  if (!(Number.isFinite(timeout) && timeout >= 0)) throw new TypeError("timeout: milliseconds, 0 or more");
  return timeout;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** What a screen means, for error messages. */
export function describeScreen(screen, detail) {
  const said = detail ? `: "${detail}"` : "";
  switch (screen) {
    case "gone":
      return `the sandbox says the session cannot be used${said}`;
    case "success":
      return "the sandbox shows the account as connected";
    case "wrong":
    case "wrong-code":
      return `the sandbox refused the ${screen === "wrong" ? "e-mail or password" : "2FA code"}${said}`;
    case "code":
      return "the sandbox asks for a 2FA code";
    case "closed":
      return "the flow closed";
    case "loading":
      return "the flow's page is not showing any of the sandbox's screens";
    default:
      return `the sandbox shows its ${screen} screen`;
  }
}
