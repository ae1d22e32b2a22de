// ofconnect/testing/webdriver with selenium-webdriver, in Chromium
// (chromedriver), Firefox ESR (geckodriver) and WebKitGTK's MiniBrowser
// (WebKitWebDriver under Xvfb), against the sandbox and the demo CRM's
// example pages. KIT_BROWSERS="chromium firefox webkit" chooses the engines.
import { after, before, describe } from "node:test";
import { startWebDriver } from "./browsers.mjs";
import { importKit, poll } from "./kit.mjs";
import { scenarios } from "./scenarios.mjs";
import { startServers } from "./servers.mjs";

const engines = (process.env.KIT_BROWSERS ?? "chromium firefox webkit").split(/\s+/).filter(Boolean);

for (const engine of engines) {
  describe(`ofconnect/testing/webdriver (${engine})`, () => {
    const ctx = {};
    let servers, renewing, session;
    before(async () => {
      ctx.kit = await importKit("ofconnect/testing/webdriver");
      servers = await startServers();
      renewing = await startServers({ tokenTtl: 8 });
      ctx.renewing = renewing.demo;
      session = await startWebDriver(engine);
      const { driver } = session;
      const home = await driver.getWindowHandle();
      ctx.user = {
        session: driver,
        goto: async (path, origin = servers.demo) => {
          // Windows a failed test left open go first.
          for (const handle of await driver.getAllWindowHandles()) {
            if (handle === home) continue;
            await driver.switchTo().window(handle);
            await driver.close();
          }
          await driver.switchTo().window(home);
          await driver.get(origin + path);
        },
        eval: (js) => driver.executeScript(`return ${js}`),
        click: async (css) => (await driver.findElement({ css })).click(),
        text: async (css) => driver.executeScript("return document.querySelector(arguments[0]).textContent", css),
        count: async (css) => (await driver.findElements({ css })).length,
        until: (what, js, check) => poll(what, check ?? (() => driver.executeScript(`return Boolean(${js})`))),
        windows: async () => (await driver.getAllWindowHandles()).length,
      };
    });
    after(async () => {
      await session?.stop();
      servers?.stop();
      renewing?.stop();
    });

    scenarios(ctx);
  });
}
