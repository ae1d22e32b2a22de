// ofconnect/testing: Playwright helpers for tests of a page that uses the
// widget against the ofconnect sandbox. See playwright.d.ts for the API.
//
// They work on a Playwright `Page` (from playwright, playwright-core or
// @playwright/test) and import nothing from Playwright. Playwright drives
// Chromium here; for Firefox ESR and WebKitGTK, use ofconnect/testing/webdriver.
import {
  FLOW,
  MODAL,
  MODAL_CLOSE,
  MODAL_FRAME,
  POLL,
  RECORDER,
  SCREENS,
  checkTimeout,
  describeScreen,
  loginOptions,
  recorder,
  sleep,
  toOutcome,
} from "./shared.js";

export { sandboxAccounts } from "./shared.js";

/**
 * Starts recording what the widget tells `page` (its current document), if
 * no helper has yet. Every helper does this first; call it yourself before
 * you end a flow in your own way (a click, Escape), so that
 * `waitForOutcome` cannot miss what that reports.
 */
export async function watchOutcomes(page) {
  await page.evaluate(recorder, { key: RECORDER, take: false });
}

/**
 * Logs in to the sandbox in the flow the widget opened on `page` (its modal
 * or its popup), as a user: Continue on OFAuth's first screen, the e-mail,
 * the password, Log in, then the 2FA code and Verify when the account asks
 * for one; then, unless `close: false`, Continue (or Done) on the success
 * screen, and waits until the flow has closed.
 */
export async function completeSandboxLogin(page, options = {}) {
  const login = loginOptions(options);
  const deadline = Date.now() + login.timeout;
  await watchOutcomes(page);
  const flow = await findFlow(page, deadline);
  await logIn(flow, login, deadline);
  let now = await until(flow, deadline, ["code", "success", "wrong", "gone", "closed"]);
  if (now === "code") {
    await fill(flow, FLOW.code, login.code, deadline);
    await click(flow, FLOW.verify, deadline);
    now = await until(flow, deadline, ["success", "wrong-code", "gone", "closed"]);
  }
  if (now !== "success" && now !== "closed") {
    throw new Error(`completeSandboxLogin(${login.email}): ${describeScreen(now, await detail(flow, now))}`);
  }
  // A popup closes by itself on success; the modal shows the success screen.
  if (now === "success" && options.close !== false) {
    if (flow.popup) await waitClosed(flow, Math.min(deadline, Date.now() + 2000)).catch(() => {});
    if (!(await isClosed(flow))) {
      await click(flow, FLOW.finish, deadline).catch(() => {});
      await waitClosed(flow, deadline);
    }
  }
}

/**
 * Types a wrong password into the sandbox's login form in the flow on
 * `page`, submits it once, and resolves with the error the page then shows
 * ("Wrong email or password"). The flow stays open for another try.
 */
export async function failSandboxLogin(page, options = {}) {
  const login = loginOptions(options, { wrong: true });
  const deadline = Date.now() + login.timeout;
  await watchOutcomes(page);
  const flow = await findFlow(page, deadline);
  await logIn(flow, login, deadline);
  const now = await until(flow, deadline, ["wrong", "code", "success", "gone", "closed"]);
  if (now !== "wrong") {
    throw new Error(`failSandboxLogin(${login.email}): expected "Wrong email or password", but ${describeScreen(now, await detail(flow, now))}`);
  }
  return detail(flow, now);
}

/**
 * Ends the flow on `page` without connecting, as a user: `via: "close"`
 * (the default) clicks the modal's Close button, or closes the popup
 * window; `via: "cancel"` clicks the provider page's own Cancel button
 * (OFAuth's Link page has one, OnlyFansAPI's has not). Waits until the flow
 * has closed.
 */
export async function exitSandboxLogin(page, options = {}) {
  const { via = "close" } = options;
  if (via !== "close" && via !== "cancel") throw new TypeError('via: "close" or "cancel"');
  const deadline = Date.now() + checkTimeout(options.timeout);
  await watchOutcomes(page);
  const flow = await findFlow(page, deadline);
  if (via === "cancel") {
    await until(flow, deadline, ["start", "login", "wrong", "code", "wrong-code"]);
    if ((await (await frameOf(flow)).locator(FLOW.cancel).count()) === 0) {
      throw new Error('exitSandboxLogin: this provider\'s page has no Cancel button (OnlyFansAPI): use via: "close"');
    }
    await click(flow, FLOW.cancel, deadline).catch(() => {});
  } else if (flow.popup) {
    await flow.popup.close();
  } else {
    const close = await flow.host.$(MODAL_CLOSE);
    if (!close) throw new Error("exitSandboxLogin: the modal has no Close button");
    await close.click({ timeout: left(deadline) });
  }
  await waitClosed(flow, deadline);
}

/**
 * Resolves with the oldest outcome reported to `page` that no earlier call
 * took: `{type: "success", account}`, `{type: "exit", reason, step?}`,
 * `{type: "error", code, message, retryable, retryAfter?}` or
 * `{type: "expired"}`. Rejects after `timeout` ms without one.
 */
export async function waitForOutcome(page, options = {}) {
  const timeout = checkTimeout(options.timeout);
  const deadline = Date.now() + timeout;
  for (;;) {
    // A page that is navigating has no document to ask: ask again.
    const taken = await page.evaluate(recorder, { key: RECORDER, take: true }).catch(() => null);
    if (taken) return toOutcome(taken);
    if (Date.now() > deadline) {
      throw new Error(
        `waitForOutcome: nothing reported to the page in ${timeout} ms (outcomes are recorded from the first ` +
          "call of a helper on the page's document; call watchOutcomes(page) before ending a flow yourself)",
      );
    }
    await sleep(POLL);
  }
}

// The flow: `{page, popup, host, frame}`: the popup's page, or the modal's
// host element (`ofconnect-modal`) and the frame in its shadow root, found
// again when the widget replaces it (a renewed session loads a new frame).

const left = (deadline) => Math.max(1, deadline - Date.now());

async function findFlow(page, deadline) {
  for (;;) {
    for (const other of page.context().pages()) {
      if (other === page || other.isClosed()) continue;
      if ((await other.opener().catch(() => null)) === page) return { page, popup: other, host: null, frame: null };
    }
    const hosts = page.locator(MODAL);
    if ((await hosts.count().catch(() => 0)) > 0) {
      const host = await hosts.last().elementHandle({ timeout: 1000 }).catch(() => null);
      if (host) return { page, popup: null, host, frame: null };
    }
    if (Date.now() > deadline) {
      throw new Error("no ofconnect flow on the page: neither the widget's modal nor a popup it opened");
    }
    await sleep(POLL);
  }
}

/** The Playwright frame of the provider's page; null while the modal has none. */
async function frameOf(flow) {
  if (flow.popup) return flow.popup.mainFrame();
  if (!flow.frame || flow.frame.isDetached()) {
    // Playwright's CSS goes through the host's open shadow root.
    const element = await flow.host.$(MODAL_FRAME).catch(() => null);
    flow.frame = element && (await element.contentFrame().catch(() => null));
  }
  return flow.frame;
}

/** Whether the popup has closed, or the widget removed its modal. */
async function isClosed(flow) {
  if (flow.popup) return flow.popup.isClosed();
  return !(await flow.host.evaluate((host) => host.isConnected).catch(() => false));
}

/** The screen the provider's page shows, "closed", or "loading". */
async function screen(flow) {
  const frame = await frameOf(flow);
  if (frame) {
    for (const [name, css] of SCREENS) {
      if (await frame.locator(css).first().isVisible().catch(() => false)) return name;
    }
  }
  return (await isClosed(flow)) ? "closed" : "loading";
}

/** Waits for one of `screens`; another final one ("gone", "closed") fails. */
async function until(flow, deadline, screens) {
  let now;
  for (;;) {
    now = await screen(flow);
    if (screens.includes(now)) return now;
    if (now === "gone" || now === "closed" || Date.now() > deadline) break;
    await sleep(POLL);
  }
  const waited = Date.now() > deadline ? " (timed out)" : "";
  throw new Error(`waited for the sandbox's ${screens.join(" or ")} screen${waited}, but ${describeScreen(now, await detail(flow, now))}`);
}

async function detail(flow, now) {
  const css = { gone: FLOW.goneMessage, wrong: FLOW.loginError, "wrong-code": FLOW.codeError }[now];
  const frame = css && (await frameOf(flow));
  if (!frame) return "";
  return ((await frame.locator(css).textContent({ timeout: 1000 }).catch(() => "")) ?? "").trim();
}

/** From the first screen (OFAuth's Continue) through Log in. */
async function logIn(flow, login, deadline) {
  const now = await until(flow, deadline, ["start", "login", "wrong"]);
  if (now === "start") {
    await click(flow, FLOW.start, deadline);
    await until(flow, deadline, ["login"]);
  }
  await fill(flow, FLOW.email, login.email, deadline);
  await fill(flow, FLOW.password, login.password, deadline);
  await click(flow, FLOW.logIn, deadline);
}

async function fill(flow, css, value, deadline) {
  const field = (await frameOf(flow)).locator(css);
  await field.click({ timeout: left(deadline) });
  await field.fill(value, { timeout: left(deadline) });
}

async function click(flow, css, deadline) {
  await (await frameOf(flow)).locator(css).click({ timeout: left(deadline) });
}

async function waitClosed(flow, deadline) {
  while (!(await isClosed(flow))) {
    if (Date.now() > deadline) throw new Error(`the flow did not close (${flow.popup ? "popup" : "modal"})`);
    await sleep(POLL);
  }
}
