// What an integrator's tests do with the kit, written once and run with
// both kits (ofconnect/testing on a Playwright page, ofconnect/testing/webdriver
// on a WebDriver session): the same names must mean the same thing.
//
// `ctx` is filled by the caller's `before`: `kit` (the imported module),
// `renewing` (the origin of a demo CRM whose sandbox sessions live 8 s), and
// `user`, which does what the integrator's own test code does on its page:
//   session        the Playwright page or the WebDriver driver
//   goto(path, origin) opens a page of the demo CRM (or of the one at `origin`)
//   eval(js)       the value of the page's expression `js`
//   click(css)     clicks an element of the page
//   text(css)      an element's text
//   count(css)     how many elements match
//   until(what, js) waits until the page's expression `js` is true
//   windows()      how many windows (pages) are open
import assert from "node:assert/strict";
import { test } from "node:test";

const T = { timeout: 120_000 };

export function scenarios(ctx) {
  const waitStatus = (text) =>
    ctx.user.until(`the status reads ${text}`, `document.getElementById("status").textContent === ${JSON.stringify(text)}`);
  const windowsBack = (n) =>
    ctx.user.until(`${n} window(s) left`, null, async () => (await ctx.user.windows()) === n);

  test("modal, <of-connect> (script tag): an account with 2FA connects", T, async () => {
    const { kit, user } = ctx;
    await user.goto("/examples/script-tag/");
    await user.until("the element has the sandbox's origin", `document.getElementById("connect").hasAttribute("link-origin")`);
    await user.click("#connect");
    await kit.completeSandboxLogin(user.session, { account: kit.sandboxAccounts.twoFactor });
    const outcome = await kit.waitForOutcome(user.session);
    assert.equal(outcome.type, "success");
    assert.equal(outcome.account.username, "sandbox_2fa");
    assert.match(outcome.account.accountId, /^acct_/);
    await waitStatus("Connected @sandbox_2fa");
    assert.equal(await user.count("ofconnect-modal"), 0, "Continue closed the modal");
    // Nothing else was reported: no exit after a success.
    await assert.rejects(kit.waitForOutcome(user.session, { timeout: 300 }), /nothing reported/);
  });

  test("modal, ES module: two wrong passwords, then the right one", T, async () => {
    const { kit, user } = ctx;
    await user.goto("/examples/esm/");
    await user.until("the button is enabled", `!document.getElementById("connect").disabled`);
    await user.click("#connect");
    const error = { type: "error", code: "auth_failed", message: "Wrong email or password", retryable: false };
    assert.equal(await kit.failSandboxLogin(user.session), "Wrong email or password");
    // The second one is seen as its own answer, not as the first one's message still shown.
    assert.equal(await kit.failSandboxLogin(user.session, { password: "another-wrong-one" }), "Wrong email or password");
    assert.deepEqual(await kit.waitForOutcome(user.session), error);
    assert.deepEqual(await kit.waitForOutcome(user.session), error);
    assert.equal(await user.count("ofconnect-modal"), 1, "the flow stays open");
    await kit.completeSandboxLogin(user.session, { account: "creator@sandbox.test" });
    const success = await kit.waitForOutcome(user.session);
    assert.equal(success.type, "success");
    assert.equal(success.account.username, "sandbox_creator");
    await waitStatus("Connected @sandbox_creator");
  });

  test("modal, Vite app: the user closes it", T, async () => {
    const { kit, user } = ctx;
    await user.goto("/examples/vite/");
    await user.until("the button is enabled", `!document.getElementById("connect").disabled`);
    await user.click("#connect");
    await kit.exitSandboxLogin(user.session);
    assert.deepEqual(await kit.waitForOutcome(user.session), { type: "exit", reason: "close_button" });
    assert.equal(await user.count("ofconnect-modal"), 0);
  });

  test("modal, @onlyfansapi/auth usage (compat): connects", T, async () => {
    const { kit, user } = ctx;
    await user.goto("/examples/compat/");
    await user.until("the page points at the sandbox", `document.getElementById("sandbox").textContent !== ""`);
    await user.click("#auth");
    await kit.completeSandboxLogin(user.session);
    const outcome = await kit.waitForOutcome(user.session);
    assert.equal(outcome.type, "success");
    assert.equal(outcome.account.onlyfansData.email, "creator@sandbox.test");
    await user.until("onContinue was called", `document.getElementById("status").dataset.continued === "true"`);
  });

  test("popup, opened before the widget loaded (script tag): connects", T, async () => {
    const { kit, user } = ctx;
    await user.goto("/examples/script-tag/popup.html");
    await user.until("the button is enabled", `!document.getElementById("connect").disabled`);
    await user.click("#connect");
    await kit.completeSandboxLogin(user.session);
    const outcome = await kit.waitForOutcome(user.session);
    assert.equal(outcome.type, "success");
    assert.equal(outcome.account.username, "sandbox_creator");
    await waitStatus("Connected @sandbox_creator");
    await windowsBack(1);
  });

  test("popup (script tag): a wrong password, then the user closes the window", T, async () => {
    const { kit, user } = ctx;
    await user.goto("/examples/script-tag/popup.html");
    await user.until("the button is enabled", `!document.getElementById("connect").disabled`);
    await user.click("#connect");
    assert.equal(await kit.failSandboxLogin(user.session, { account: kit.sandboxAccounts.twoFactor }), "Wrong email or password");
    assert.equal((await kit.waitForOutcome(user.session)).code, "auth_failed");
    assert.equal(await user.windows(), 2, "the popup stays open");
    await kit.exitSandboxLogin(user.session);
    assert.deepEqual(await kit.waitForOutcome(user.session), { type: "exit", reason: "popup_closed" });
    await waitStatus("Closed (popup_closed)");
    await windowsBack(1);
  });

  test("OFAuth Link in the modal (demo CRM): a wrong password, Cancel, then 2FA connects", T, async () => {
    const { kit, user } = ctx;
    await user.goto("/");
    await user.until("OFAuth's button is enabled", `!document.getElementById("ofauth-connect").disabled`);
    await user.click("#ofauth-connect");
    assert.equal(await kit.failSandboxLogin(user.session), "Wrong email or password");
    // The Link page tells its embedder nothing of a wrong password.
    await kit.exitSandboxLogin(user.session, { via: "cancel" });
    assert.deepEqual(await kit.waitForOutcome(user.session), { type: "exit", reason: "user_exit", step: "login" });
    assert.equal(await user.count("ofconnect-modal"), 0);

    await user.click("#ofauth-connect");
    await kit.completeSandboxLogin(user.session, { account: kit.sandboxAccounts.twoFactor });
    const outcome = await kit.waitForOutcome(user.session);
    assert.equal(outcome.type, "success");
    assert.equal(outcome.account.connection.userData.username, "sandbox_2fa");
    assert.match(outcome.account.connection.id, /^conn_/);
    assert.equal(await user.count("ofconnect-modal"), 0, "Done closed the modal");
    await user.until("the CRM shows the connection", `document.getElementById("ofauth-status").textContent === "Connected"`);
    await assert.rejects(kit.waitForOutcome(user.session, { timeout: 300 }), /nothing reported/);
  });

  test("OnlyFansAPI's page has no Cancel: a clear error, the flow left open", T, async () => {
    const { kit, user } = ctx;
    await user.goto("/examples/esm/");
    await user.until("the button is enabled", `!document.getElementById("connect").disabled`);
    await user.click("#connect");
    await assert.rejects(kit.exitSandboxLogin(user.session, { via: "cancel" }), /no Cancel button/);
    assert.equal(await user.count("ofconnect-modal"), 1);
    await kit.exitSandboxLogin(user.session);
    assert.equal((await kit.waitForOutcome(user.session)).reason, "close_button");
  });

  test("modal: a login after the session was renewed in a new frame", T, async () => {
    const { kit, user } = ctx;
    await user.goto("/examples/esm/", ctx.renewing);
    await user.until("the button is enabled", `!document.getElementById("connect").disabled`);
    await user.click("#connect");
    const src = `(document.querySelector("ofconnect-modal")?.shadowRoot.querySelector("iframe")?.src ?? "")`;
    await user.until("the modal's frame", `${src} !== ""`);
    const first = await user.eval(src);
    await user.until("the session renewed in a new frame", `${src} !== "" && ${src} !== ${JSON.stringify(first)}`);
    await kit.completeSandboxLogin(user.session);
    const outcome = await kit.waitForOutcome(user.session);
    assert.equal(outcome.type, "success");
    await waitStatus("Connected @sandbox_creator");
  });

  test("no flow open: the helpers say so", T, async () => {
    const { kit, user } = ctx;
    await user.goto("/examples/vite/");
    await assert.rejects(kit.completeSandboxLogin(user.session, { timeout: 300 }), /no ofconnect flow on the page/);
    await assert.rejects(kit.waitForOutcome(user.session, { timeout: 300 }), /nothing reported to the page in 300 ms/);
    await assert.rejects(kit.failSandboxLogin(user.session, { password: "sandbox" }), /right password/);
  });
}
