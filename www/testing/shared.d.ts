// Types shared by ofconnect/testing (Playwright) and ofconnect/testing/webdriver.
import type { AuthSuccess, LinkSuccess, OFConnectError, OFConnectExit } from "../index.js";

/** A sandbox account. */
export interface SandboxAccount {
  /** The login e-mail. */
  readonly email: string;
  /** The login password. */
  readonly password: string;
  /** The 2FA code the sandbox asks for after the password, or null when it asks for none. */
  readonly code: string | null;
  /** The OnlyFans username the host is told on success (`account.username`,
   * or `account.connection.userData.username` with OFAuth). */
  readonly username: string;
}

/** The accounts the sandbox accepts, on both providers' pages. */
export declare const sandboxAccounts: {
  /** `creator@sandbox.test` / `sandbox`, no 2FA: `sandbox_creator`. */
  readonly creator: SandboxAccount;
  /** `2fa@sandbox.test` / `sandbox`, 2FA code `123456`: `sandbox_2fa`. */
  readonly twoFactor: SandboxAccount;
};

/** How long a helper waits before it rejects: milliseconds (default 30000). */
export interface Timeout {
  timeout?: number;
}

/** Which account logs in: its e-mail, or an account (`sandboxAccounts.twoFactor`). */
export type AccountOption = string | { email: string; password?: string; code?: string | null };

export interface CompleteLoginOptions extends Timeout {
  /** Default `sandboxAccounts.creator`. */
  account?: AccountOption;
  /** Default: the account's (`"sandbox"`). */
  password?: string;
  /** The 2FA code, typed only if the page asks for one. Default: the account's, else `"123456"`. */
  code?: string;
  /** After success, click Continue (OnlyFansAPI) or Done (OFAuth) on the
   * provider's success screen and wait until the flow has closed, as a user
   * would (default `true`). With `false`, the modal is left on that screen.
   * A popup closes by itself on success either way. */
  close?: boolean;
}

export interface FailLoginOptions extends Timeout {
  /** Whose e-mail is typed. Default `sandboxAccounts.creator`. */
  account?: AccountOption;
  /** The wrong password typed. Default `"not-the-sandbox-password"`; a
   * sandbox account's right password is refused with a `TypeError`. */
  password?: string;
}

export interface ExitOptions extends Timeout {
  /** `"close"` (default): the modal's Close button (exit reason
   * `close_button`), or closing the popup window (`popup_closed`).
   * `"cancel"`: the provider page's Cancel button, which OFAuth's Link page
   * has (`user_exit`, with the `step`) and OnlyFansAPI's page has not. */
  via?: "close" | "cancel";
}

/** What the host page was told, as its callbacks got it. */
export type Outcome<S = AuthSuccess | LinkSuccess> =
  /** `onSuccess(account)`: `AuthSuccess` (OnlyFansAPI) or `LinkSuccess` (OFAuth). */
  | { type: "success"; account: S }
  /** `onExit({reason, step?})`. */
  | ({ type: "exit" } & OFConnectExit)
  /** `onError({code, message, retryable, retryAfter?})`: `auth_failed` for a
   * wrong password on OnlyFansAPI's page (the flow stays open). */
  | ({ type: "error" } & OFConnectError)
  /** `onExpired()`. */
  | { type: "expired" };
