// How an integrator's TypeScript uses the kit: every call here must
// type-check, and each line under @ts-expect-error must not.
import type { Page } from "playwright-core";
import {
  completeSandboxLogin,
  exitSandboxLogin,
  failSandboxLogin,
  sandboxAccounts,
  waitForOutcome,
  watchOutcomes,
  type Outcome,
} from "ofconnect/testing";
import * as webdriver from "ofconnect/testing/webdriver";
import type { AuthSuccess, LinkSuccess } from "ofconnect";

declare const page: Page;
declare const driver: webdriver.WebDriverSession;

export async function playwright(): Promise<string> {
  await watchOutcomes(page);
  await completeSandboxLogin(page);
  await completeSandboxLogin(page, { account: sandboxAccounts.twoFactor, close: false, timeout: 10_000 });
  await completeSandboxLogin(page, { account: "2fa@sandbox.test", code: "123456" });
  await completeSandboxLogin(page, { account: { email: "creator@sandbox.test", password: "sandbox" } });
  const shown: string = await failSandboxLogin(page, { account: "creator@sandbox.test", password: "nope" });
  await exitSandboxLogin(page);
  await exitSandboxLogin(page, { via: "cancel" });
  const outcome: Outcome = await waitForOutcome(page, { timeout: 5_000 });
  switch (outcome.type) {
    case "success":
      return "accountId" in outcome.account ? outcome.account.accountId : outcome.account.connection.id;
    case "exit":
      return `${outcome.reason} ${outcome.step ?? ""}`;
    case "error":
      return `${outcome.code} ${outcome.message} ${outcome.retryable}`;
    case "expired":
      return shown;
  }
}

export async function typed(): Promise<void> {
  const link = await waitForOutcome<LinkSuccess>(page);
  if (link.type === "success") link.account.connection.userData.username.toUpperCase();
  const auth = await waitForOutcome<AuthSuccess>(page);
  if (auth.type === "success") auth.account.onlyfansData.email.toUpperCase();
  sandboxAccounts.creator.username.toUpperCase();

  // @ts-expect-error: not a way out of the flow
  await exitSandboxLogin(page, { via: "escape" });
  // @ts-expect-error: a misspelt option
  await completeSandboxLogin(page, { acount: "creator@sandbox.test" });
  // @ts-expect-error: a browser context is not a page
  await completeSandboxLogin(page.context());
  // @ts-expect-error: a WebDriver session is not a Playwright page
  await completeSandboxLogin(driver);
  // @ts-expect-error: the failed login's message is a string
  const n: number = await failSandboxLogin(page);
  // @ts-expect-error: an exit has no account
  if (auth.type === "exit") auth.account;
  // @ts-expect-error: the accounts are read-only
  sandboxAccounts.creator = sandboxAccounts.twoFactor;
  void n;
}

export async function overWebDriver(): Promise<void> {
  await webdriver.watchOutcomes(driver);
  await webdriver.completeSandboxLogin(driver, { account: webdriver.sandboxAccounts.twoFactor });
  const shown: string = await webdriver.failSandboxLogin(driver);
  await webdriver.exitSandboxLogin(driver, { via: "close" });
  const outcome: webdriver.Outcome = await webdriver.waitForOutcome(driver);
  if (outcome.type === "exit") outcome.reason.toUpperCase();
  // @ts-expect-error: a Playwright page is not a WebDriver session
  await webdriver.completeSandboxLogin(page);
  void shown;
}
