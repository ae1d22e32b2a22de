// ofconnect/testing/webdriver: the helpers of ofconnect/testing, with the
// same names and the same behaviour, over WebDriver: a session of
// `selenium-webdriver` (or any client with its methods) on a W3C driver:
// chromedriver, geckodriver (Firefox, Firefox ESR), WebKitWebDriver
// (WebKitGTK's MiniBrowser, capability `webkitgtk:browserOptions`).
//
//   import { completeSandboxLogin, waitForOutcome } from "ofconnect/testing/webdriver";
//   await driver.findElement({ css: "#connect" }).click();
//   await completeSandboxLogin(driver, { account: "2fa@sandbox.test" });
//   const outcome = await waitForOutcome(driver);
//
// Call them with the driver on the window of the page that uses the widget
// (that page at the top of the window: a widget inside a frame of the page
// is not looked for). Tested with chromedriver (Chromium), geckodriver
// (Firefox ESR) and WebKitWebDriver (MiniBrowser under Xvfb).
// A helper goes into the flow (it switches to the modal's frame, inside the
// widget's open shadow root, or to the popup window) and back: when it
// resolves or rejects, the driver is on that window's top-level document.
//
// The helpers act as a user: they find what the widget shows, click and
// type. They never call the widget. What the host page was told is read
// from the `{source: "ofconnect", type, payload}` messages the widget posts
// to the page's own window at its own origin, which every page gets: the
// page needs nothing installed. The recorder that keeps them is installed
// (with `executeScript`) in the page's current document by the first helper
// called on it; a navigation starts afresh.
export type {
  AccountOption,
  CompleteLoginOptions,
  ExitOptions,
  FailLoginOptions,
  Outcome,
  SandboxAccount,
  Timeout,
} from "./shared.js";
export { sandboxAccounts } from "./shared.js";
import type { CompleteLoginOptions, ExitOptions, FailLoginOptions, Outcome, Timeout } from "./shared.js";
import type { AuthSuccess, LinkSuccess } from "../index.js";

/** A `selenium-webdriver` `WebDriver`, described by what the helpers use,
 * so that these types need no `@types/selenium-webdriver`. */
export interface WebDriverSession {
  executeScript(script: string | Function, ...args: any[]): Promise<unknown>;
  getWindowHandle(): Promise<string>;
  getAllWindowHandles(): Promise<string[]>;
  getCurrentUrl(): Promise<string>;
  findElements(locator: any): Promise<unknown[]>;
  switchTo(): unknown;
  close(): Promise<void>;
}

/**
 * Logs in to the sandbox in the flow the widget opened, wherever it is: the
 * modal's frame or the popup window. As a user: Continue on OFAuth's first
 * screen, then the e-mail, the password and Log in; when the account has
 * 2FA, the code and Verify; then, unless `close: false`, Continue (or Done)
 * on the success screen. Resolves once the flow has closed (or, with
 * `close: false`, shows the success screen).
 *
 * Rejects when no flow appears, or when the sandbox refuses the login
 * (wrong password or code, an expired, used or locked session), with what
 * the page says.
 */
export declare function completeSandboxLogin(driver: WebDriverSession, options?: CompleteLoginOptions): Promise<void>;

/**
 * Types the account's e-mail and a wrong password into the sandbox's login
 * form (after Continue on OFAuth's first screen), clicks Log in once, and
 * resolves with the error the page then shows: `"Wrong email or password"`.
 * The flow stays open; `completeSandboxLogin` can then log in.
 *
 * OnlyFansAPI's page also tells the host: `waitForOutcome` then gives
 * `{type: "error", code: "auth_failed", message: "Wrong email or password"}`.
 * OFAuth's Link page tells the host nothing of a wrong password.
 *
 * Each call is one of the 5 wrong passwords a sandbox session accepts: the
 * 5th locks it (the page shows "Too many failed attempts", and this rejects).
 */
export declare function failSandboxLogin(driver: WebDriverSession, options?: FailLoginOptions): Promise<string>;

/**
 * Ends the flow without connecting, as a user: by default clicks the
 * modal's Close button (the host gets `onExit({reason: "close_button"})`) or
 * closes the popup window (`popup_closed`); with `via: "cancel"`, clicks the
 * Cancel button of OFAuth's Link page (`user_exit`, with its `step`).
 * Resolves once the flow has closed.
 */
export declare function exitSandboxLogin(driver: WebDriverSession, options?: ExitOptions): Promise<void>;

/**
 * Resolves with the oldest outcome reported to the page on the driver's
 * window (its current document) since the kit started recording there
 * that no earlier call took: a success with the account, an exit with its
 * reason, an error with its code, or an expiry. Each call takes one, in
 * order. Rejects after `timeout` ms (default 30000) without one.
 */
export declare function waitForOutcome<S = AuthSuccess | LinkSuccess>(driver: WebDriverSession, options?: Timeout): Promise<Outcome<S>>;

/**
 * Starts recording the outcomes reported to the page on the driver's
 * window, if the kit is not already. Every helper does it first; call it
 * yourself after a navigation and before ending a flow in your own way, so
 * that `waitForOutcome` cannot miss what that reports.
 */
export declare function watchOutcomes(driver: WebDriverSession): Promise<void>;
