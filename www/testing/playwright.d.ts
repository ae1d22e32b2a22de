// ofconnect/testing: helpers for Playwright tests of a page that uses the
// ofconnect widget against the ofconnect sandbox (`make demo`, or the
// sandbox binary), with either provider (OnlyFansAPI's hosted page or
// OFAuth's Link page), in the modal or in a popup.
//
//   import { completeSandboxLogin, waitForOutcome } from "ofconnect/testing";
//   await page.getByRole("button", { name: "Connect OnlyFans" }).click();
//   await completeSandboxLogin(page, { account: "2fa@sandbox.test" });
//   const outcome = await waitForOutcome(page);
//   // outcome.type === "success", outcome.account.username === "sandbox_2fa"
//
// Engines: tested with Playwright in Chromium. Playwright cannot drive the
// system's Firefox ESR or WebKitGTK (MiniBrowser), only its own patched
// builds of Firefox and WebKit (which `playwright-core` does not download,
// and which these helpers were not tested in): for Firefox and WebKit, use
// the same helpers over WebDriver, from "ofconnect/testing/webdriver".
//
// The helpers act as a user: they find what the widget shows, click and
// type. They never call the widget. What the host page was told is read
// from the `{source: "ofconnect", type, payload}` messages the widget posts
// to the page's own window at its own origin, which every page gets
// (whatever its `eventTarget`, callbacks or listeners): the page needs
// nothing installed. The recorder that keeps them is installed in the
// page's current document by the first helper called on it (see
// `watchOutcomes`); a navigation starts afresh. `page` is the page that
// uses the widget, at the top of its tab: a widget inside a frame of the
// page is not looked for.
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

/** A Playwright `Page` (from `playwright`, `playwright-core` or
 * `@playwright/test`), described by what the helpers use, so that these
 * types need none of those packages. */
export interface PlaywrightPage {
  evaluate(pageFunction: any, arg?: any): Promise<unknown>;
  locator(selector: string): unknown;
  context(): { pages(): unknown[] };
  mainFrame(): unknown;
  isClosed(): boolean;
}

/**
 * Logs in to the sandbox in the flow the widget opened on `page`, wherever
 * it is: the modal's frame (inside the widget's open shadow root) or the
 * popup window `page` opened. As a user: Continue on OFAuth's first screen,
 * then the e-mail, the password and Log in; when the account has 2FA, the
 * code and Verify; then, unless `close: false`, Continue (or Done) on the
 * success screen. Resolves once the flow has closed (or, with `close:
 * false`, shows the success screen).
 *
 * Rejects when no flow appears, or when the sandbox refuses the login
 * (wrong password or code, an expired, used or locked session), with what
 * the page says.
 *
 * @example
 * await page.click("#connect");
 * await completeSandboxLogin(page, { account: sandboxAccounts.twoFactor });
 * const outcome = await waitForOutcome(page);
 */
export declare function completeSandboxLogin(page: PlaywrightPage, options?: CompleteLoginOptions): Promise<void>;

/**
 * Types the account's e-mail and a wrong password into the sandbox's login
 * form in the flow on `page` (after Continue on OFAuth's first screen),
 * clicks Log in once, and resolves with the error the page then shows:
 * `"Wrong email or password"`. The flow stays open; `completeSandboxLogin`
 * can then log in.
 *
 * OnlyFansAPI's page also tells the host: `waitForOutcome` then gives
 * `{type: "error", code: "auth_failed", message: "Wrong email or password"}`.
 * OFAuth's Link page tells the host nothing of a wrong password.
 *
 * Each call is one of the 5 wrong passwords a sandbox session accepts: the
 * 5th locks it (the page shows "Too many failed attempts", and this rejects).
 */
export declare function failSandboxLogin(page: PlaywrightPage, options?: FailLoginOptions): Promise<string>;

/**
 * Ends the flow on `page` without connecting, as a user: by default clicks
 * the modal's Close button (the host gets `onExit({reason: "close_button"})`)
 * or closes the popup window (`popup_closed`); with `via: "cancel"`, clicks
 * the Cancel button of OFAuth's Link page (`user_exit`, with its `step`).
 * Resolves once the flow has closed.
 */
export declare function exitSandboxLogin(page: PlaywrightPage, options?: ExitOptions): Promise<void>;

/**
 * Resolves with the oldest outcome reported to `page` (in its current
 * document) since the kit started recording there that no earlier call
 * took: a success with the account, an exit with its reason, an error
 * with its code, or an expiry. Each call takes one, in order, so a failed
 * login's error comes before the success that follows it. Rejects after
 * `timeout` ms (default 30000) without one.
 *
 * @example
 * await failSandboxLogin(page);
 * assert.equal((await waitForOutcome(page)).type, "error"); // auth_failed
 * await completeSandboxLogin(page);
 * assert.equal((await waitForOutcome(page)).type, "success");
 */
export declare function waitForOutcome<S = AuthSuccess | LinkSuccess>(page: PlaywrightPage, options?: Timeout): Promise<Outcome<S>>;

/**
 * Starts recording the outcomes reported to `page`'s current document, if
 * the kit is not already. Every helper does it first; call it yourself
 * after a navigation and before ending a flow in your own way (pressing
 * Escape, clicking your own button that calls `close()`), so that
 * `waitForOutcome` cannot miss what that reports.
 */
export declare function watchOutcomes(page: PlaywrightPage): Promise<void>;
