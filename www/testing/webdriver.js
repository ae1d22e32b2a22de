// ofconnect/testing/webdriver: the same helpers as ofconnect/testing, for a
// WebDriver session of selenium-webdriver (W3C WebDriver: chromedriver,
// geckodriver, WebKitWebDriver, Safari's driver). See webdriver.d.ts.
//
// They import nothing from selenium-webdriver: locators are `{css}` objects.
// Each helper starts from the window the driver is on (the page that uses
// the widget), goes into the flow (the modal's frame or the popup) and
// comes back: when it returns or throws, the driver is on that window's
// top-level document again.
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
 * Starts recording what the widget tells the page on the driver's window
 * (its current document), if no helper has yet. Every helper does this
 * first; call it yourself before you end a flow in your own way.
 */
export async function watchOutcomes(driver) {
  await driver.switchTo().defaultContent();
  await driver.executeScript(recorder, { key: RECORDER, take: false });
}

/**
 * Logs in to the sandbox in the flow the widget opened (its modal or its
 * popup), as a user: Continue on OFAuth's first screen, the e-mail, the
 * password, Log in, then the 2FA code and Verify when the account asks for
 * one; then, unless `close: false`, Continue (or Done) on the success
 * screen, and waits until the flow has closed.
 */
export async function completeSandboxLogin(driver, options = {}) {
  const login = loginOptions(options);
  const deadline = Date.now() + login.timeout;
  return atHome(driver, async (home) => {
    const flow = await findFlow(driver, home, deadline);
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
  });
}

/**
 * Types a wrong password into the sandbox's login form in the flow, submits
 * it once, and resolves with the error the page then shows ("Wrong email or
 * password"). The flow stays open for another try.
 */
export async function failSandboxLogin(driver, options = {}) {
  const login = loginOptions(options, { wrong: true });
  const deadline = Date.now() + login.timeout;
  return atHome(driver, async (home) => {
    const flow = await findFlow(driver, home, deadline);
    await logIn(flow, login, deadline);
    const now = await until(flow, deadline, ["wrong", "code", "success", "gone", "closed"]);
    const shown = await detail(flow, now);
    if (now !== "wrong") {
      throw new Error(`failSandboxLogin(${login.email}): expected "Wrong email or password", but ${describeScreen(now, shown)}`);
    }
    return shown;
  });
}

/**
 * Ends the flow without connecting, as a user: `via: "close"` (the default)
 * clicks the modal's Close button, or closes the popup window; `via:
 * "cancel"` clicks the provider page's own Cancel button (OFAuth's Link page
 * has one, OnlyFansAPI's has not). Waits until the flow has closed.
 */
export async function exitSandboxLogin(driver, options = {}) {
  const { via = "close" } = options;
  if (via !== "close" && via !== "cancel") throw new TypeError('via: "close" or "cancel"');
  const deadline = Date.now() + checkTimeout(options.timeout);
  return atHome(driver, async (home) => {
    const flow = await findFlow(driver, home, deadline);
    if (via === "cancel") {
      await until(flow, deadline, ["start", "login", "wrong", "code", "wrong-code"]);
      if ((await driver.findElements({ css: FLOW.cancel })).length === 0) {
        throw new Error('exitSandboxLogin: this provider\'s page has no Cancel button (OnlyFansAPI): use via: "close"');
      }
      await click(flow, FLOW.cancel, deadline).catch(() => {});
    } else if (flow.popup) {
      await driver.switchTo().window(flow.popup);
      await driver.close();
    } else {
      await toTop(flow);
      const root = await flow.modal.getShadowRoot();
      await (await root.findElement({ css: MODAL_CLOSE })).click();
    }
    await waitClosed(flow, deadline);
  });
}

/**
 * Resolves with the oldest outcome reported to the page that no earlier
 * call took: `{type: "success", account}`, `{type: "exit", reason, step?}`,
 * `{type: "error", code, message, retryable, retryAfter?}` or
 * `{type: "expired"}`. Rejects after `timeout` ms without one.
 */
export async function waitForOutcome(driver, options = {}) {
  const timeout = checkTimeout(options.timeout);
  const deadline = Date.now() + timeout;
  await driver.switchTo().defaultContent();
  for (;;) {
    // A page that is navigating has no document to ask: ask again.
    const taken = await driver.executeScript(recorder, { key: RECORDER, take: true }).catch(() => null);
    if (taken) return toOutcome(taken);
    if (Date.now() > deadline) {
      throw new Error(
        `waitForOutcome: nothing reported to the page in ${timeout} ms (outcomes are recorded from the first ` +
          "call of a helper on the page's document; call watchOutcomes(driver) before ending a flow yourself)",
      );
    }
    await sleep(POLL);
  }
}

// The flow: `{driver, home, popup, modal, inside}`: the page's window
// handle, the popup's handle or the modal's host element, and whether the
// driver is in the provider's page now.

/** Runs `work` from the page's window, and always comes back to it. */
async function atHome(driver, work) {
  await watchOutcomes(driver);
  const home = await driver.getWindowHandle();
  try {
    return await work(home);
  } finally {
    await driver.switchTo().window(home).catch(() => {});
    await driver.switchTo().defaultContent().catch(() => {});
  }
}

async function findFlow(driver, home, deadline) {
  for (;;) {
    const popup = await findPopup(driver, home);
    if (popup) return { driver, home, popup, modal: null, inside: false };
    await driver.switchTo().window(home);
    const modals = await driver.findElements({ css: MODAL });
    if (modals.length) return { driver, home, popup: null, modal: modals[modals.length - 1], inside: false };
    if (Date.now() > deadline) {
      throw new Error("no ofconnect flow on the page: neither the widget's modal nor a popup it opened");
    }
    await sleep(POLL);
  }
}

/**
 * The popup: the session's other window or, when there are several, the
 * one that has an opener (a window the test opened itself has none).
 */
async function findPopup(driver, home) {
  const others = (await driver.getAllWindowHandles()).filter((handle) => handle !== home);
  if (others.length <= 1) return others[0] ?? null;
  for (const handle of others) {
    try {
      await driver.switchTo().window(handle);
      if (await driver.executeScript("return window.opener !== null")) return handle;
    } catch {
      // A window closing.
    }
  }
  return null;
}

/**
 * Whether the popup still shows the blank page it opened on, where the
 * widget writes its placeholder and which it then sends to the provider:
 * nothing to look for there, so the helpers only ask for the popup's
 * address (which needs no script in its page) until it has left it.
 */
async function blank(flow) {
  if (!flow.popup) return false;
  const url = await flow.driver.getCurrentUrl();
  return url === "" || url === "about:blank";
}

async function toTop(flow) {
  flow.inside = false;
  await flow.driver.switchTo().window(flow.home);
  await flow.driver.switchTo().defaultContent();
}

/** Into the provider's page: the popup's window, or the modal's frame. */
async function enter(flow) {
  if (flow.inside) return;
  if (flow.popup) {
    await flow.driver.switchTo().window(flow.popup);
  } else {
    await toTop(flow);
    const root = await flow.modal.getShadowRoot();
    const frames = await root.findElements({ css: MODAL_FRAME });
    if (!frames.length) throw new Error("the modal has no frame yet");
    await flow.driver.switchTo().frame(frames[0]);
  }
  flow.inside = true;
}

async function isClosed(flow) {
  if (flow.popup) {
    const handles = await flow.driver.getAllWindowHandles().catch(() => []);
    return !handles.includes(flow.popup);
  }
  try {
    await toTop(flow);
    await flow.modal.getTagName(); // stale once the widget removed its modal
    return false;
  } catch {
    return true;
  }
}

async function shown(driver, css) {
  for (const element of await driver.findElements({ css })) {
    if (await element.isDisplayed()) return element;
  }
  return null;
}

/** The screen the provider's page shows, "closed", or "loading". */
async function screen(flow) {
  try {
    await enter(flow);
    if (await blank(flow)) return "loading";
    for (const [name, css] of SCREENS) {
      if (await shown(flow.driver, css)) return name;
    }
  } catch {
    // The frame or window went away, or was not there yet.
  }
  // Nothing shown: the page is loading, or the flow closed under the driver.
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
  if (!css) return "";
  try {
    await enter(flow);
    const [element] = await flow.driver.findElements({ css });
    return element ? (await element.getText()).trim() : "";
  } catch {
    return "";
  }
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

/**
 * Runs `action` on the element `css` shown in the provider's page. A frame
 * still settling (the engine not yet letting the keyboard reach it) is
 * tried again until the deadline.
 */
async function act(flow, css, deadline, action) {
  for (;;) {
    try {
      await enter(flow);
      const element = await shown(flow.driver, css);
      if (!element) throw new Error(`${css} is not shown`);
      return await action(element);
    } catch (error) {
      flow.inside = false;
      if (Date.now() > deadline) throw new Error(`${css}: ${error.message}`);
      if (await isClosed(flow)) throw new Error(`${css}: the flow closed`);
      await sleep(POLL * 2);
    }
  }
}

async function fill(flow, css, value, deadline) {
  await act(flow, css, deadline, async (field) => {
    await field.click();
    await field.clear();
    await field.sendKeys(value);
  });
}

async function click(flow, css, deadline) {
  await act(flow, css, deadline, (element) => element.click());
}

async function waitClosed(flow, deadline) {
  while (!(await isClosed(flow))) {
    if (Date.now() > deadline) throw new Error(`the flow did not close (${flow.popup ? "popup" : "modal"})`);
    await sleep(POLL);
  }
}
