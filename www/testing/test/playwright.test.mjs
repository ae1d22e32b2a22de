// ofconnect/testing in Playwright's Chromium (the system's, with
// executablePath), against the sandbox and the demo CRM's example pages.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { launchPlaywright } from "./browsers.mjs";
import { importKit, poll } from "./kit.mjs";
import { scenarios } from "./scenarios.mjs";
import { startServers } from "./servers.mjs";

// Playwright drives the system's Chromium only (not Firefox ESR, not WebKitGTK).
const chromiumWanted = (process.env.KIT_BROWSERS ?? "chromium").split(/\s+/).includes("chromium");

describe("ofconnect/testing (Playwright, Chromium)", { skip: !chromiumWanted && "chromium is not in KIT_BROWSERS" }, () => {
  const ctx = {};
  let servers, renewing, browser, context;
  before(async () => {
    ctx.kit = await importKit("ofconnect/testing");
    servers = await startServers();
    renewing = await startServers({ tokenTtl: 8 });
    ctx.renewing = renewing.demo;
    browser = await launchPlaywright();
    context = await browser.browser.newContext();
    const page = await context.newPage();
    ctx.user = {
      session: page,
      goto: (path, origin = servers.demo) => page.goto(origin + path),
      eval: (js) => page.evaluate(js),
      click: (css) => page.locator(css).click(),
      text: (css) => page.locator(css).textContent(),
      count: (css) => page.locator(css).count(),
      until: (what, js, check) =>
        check ? poll(what, check) : page.waitForFunction(js, null, { timeout: 30_000 }).then(() => {}),
      windows: async () => context.pages().filter((p) => !p.isClosed()).length,
    };
  });
  after(async () => {
    await browser?.stop();
    servers?.stop();
    renewing?.stop();
  });

  scenarios(ctx);

  test("messages from another frame are not outcomes", async () => {
    const { kit, user } = ctx;
    await user.goto("/examples/vite/");
    await kit.watchOutcomes(user.session);
    // A same-origin frame posts the widget's shape to the page: its source is not the page.
    await user.session.evaluate(() => {
      const frame = document.createElement("iframe");
      document.body.append(frame);
      frame.contentWindow.Function(
        `parent.postMessage({ source: "ofconnect", type: "success", payload: {} }, parent.location.origin)`,
      )();
    });
    await assert.rejects(kit.waitForOutcome(user.session, { timeout: 500 }), /nothing reported/);
  });
});
