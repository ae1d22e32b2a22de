// The browsers the kit's tests run in, started as the project's Rust harness
// starts them (tests/harness/src/driver/): Chromium through Playwright, and
// Chromium, Firefox ESR and WebKitGTK's MiniBrowser through WebDriver with
// selenium-webdriver. Each program is found on PATH, or named by the
// harness's variables (OFCONNECT_CHROMIUM, OFCONNECT_CHROMEDRIVER,
// OFCONNECT_FIREFOX, OFCONNECT_GECKODRIVER, OFCONNECT_WEBKITDRIVER,
// OFCONNECT_MINIBROWSER, OFCONNECT_XVFB).
import { spawn } from "node:child_process";
import { accessSync, constants, openSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { Builder, Capabilities } from "selenium-webdriver";
import chrome from "selenium-webdriver/chrome.js";
import firefox from "selenium-webdriver/firefox.js";
import { chromium } from "playwright-core";
import { freePort } from "./servers.mjs";

const executable = (path) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** `$variable`, else the first of `names` on PATH, else the first of `paths`. */
function find(variable, names, paths = []) {
  if (process.env[variable]) return process.env[variable];
  for (const name of names) {
    for (const dir of (process.env.PATH ?? "").split(delimiter)) {
      if (dir && executable(join(dir, name))) return join(dir, name);
    }
  }
  const found = paths.find(executable);
  if (found) return found;
  throw new Error(`no ${names.join(" or ")} (set ${variable}, or run make setup)`);
}

/** Where WebKitGTK's packages put MiniBrowser (off PATH). */
function minibrowsers() {
  const libraries = readdirSync("/usr/lib")
    .filter((d) => d.endsWith("-linux-gnu"))
    .map((d) => join("/usr/lib", d))
    .concat("/usr/libexec");
  return libraries.flatMap((dir) => ["webkit2gtk-4.1", "webkit2gtk-4.0"].map((api) => join(dir, api, "MiniBrowser")));
}

// Chromium on this closed network wants these (see TOOLCHAIN.md).
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
  "--window-size=1280,900",
];

/** Playwright's Chromium: the system's, with `executablePath`. */
export async function launchPlaywright() {
  const browser = await chromium.launch({
    executablePath: find("OFCONNECT_CHROMIUM", ["chromium", "chromium-browser"]),
    args: CHROMIUM_ARGS,
  });
  return { browser, stop: () => browser.close() };
}

/** A WebDriver session in `engine` ("chromium", "firefox" or "webkit"); `stop()` ends it and its programs. */
export async function startWebDriver(engine) {
  if (engine === "chromium") return chromeSession();
  if (engine === "firefox") return firefoxSession();
  if (engine === "webkit") return webkitSession();
  throw new Error(`unknown engine ${engine}`);
}

async function chromeSession() {
  const options = new chrome.Options()
    .setChromeBinaryPath(find("OFCONNECT_CHROMIUM", ["chromium", "chromium-browser"]))
    .addArguments("--headless=new", ...CHROMIUM_ARGS)
    // The popup blocker on, as in a user's browser.
    .excludeSwitches("disable-popup-blocking", "enable-automation");
  const service = new chrome.ServiceBuilder(find("OFCONNECT_CHROMEDRIVER", ["chromedriver"]));
  const driver = await new Builder().forBrowser("chrome").setChromeOptions(options).setChromeService(service).build();
  return { driver, stop: () => driver.quit() };
}

async function firefoxSession() {
  const options = new firefox.Options()
    .setBinary(find("OFCONNECT_FIREFOX", ["firefox-esr", "firefox"]))
    .addArguments("-headless");
  for (const [name, value] of Object.entries({
    "app.update.enabled": false,
    "browser.safebrowsing.malware.enabled": false,
    "browser.safebrowsing.phishing.enabled": false,
    "datareporting.policy.dataSubmissionEnabled": false,
    "network.captive-portal-service.enabled": false,
    "network.connectivity-service.enabled": false,
  })) {
    options.setPreference(name, value);
  }
  const service = new firefox.ServiceBuilder(find("OFCONNECT_GECKODRIVER", ["geckodriver"]));
  const driver = await new Builder().forBrowser("firefox").setFirefoxOptions(options).setFirefoxService(service).build();
  return { driver, stop: () => driver.quit() };
}

/** Reads the display number Xvfb writes when it is ready (`-displayfd 1`). */
function displayOf(xvfb, ms = 30_000) {
  return new Promise((resolve, reject) => {
    let text = "";
    const timer = setTimeout(() => reject(new Error(`Xvfb named no display in ${ms} ms`)), ms);
    xvfb.stdout.on("data", (chunk) => {
      text += chunk;
      if (text.includes("\n")) {
        clearTimeout(timer);
        const number = text.trim();
        if (/^\d+$/.test(number)) resolve(`:${number}`);
        else reject(new Error(`Xvfb said ${JSON.stringify(text)}`));
      }
    });
    xvfb.on("exit", (code) => reject(new Error(`Xvfb exited (${code})`)));
  });
}

/**
 * WebKitGTK's MiniBrowser through WebKitWebDriver, on an Xvfb display of
 * its own (MiniBrowser has no headless mode): Xvfb picks a free display and
 * names it (`-displayfd`), the driver runs with that DISPLAY, and the
 * session asks for MiniBrowser with `--automation`.
 */
async function webkitSession() {
  const logFile = join(tmpdir(), `ofconnect-kit-webkit-${process.pid}.log`);
  const log = openSync(logFile, "a");
  const xvfb = spawn(
    find("OFCONNECT_XVFB", ["Xvfb"]),
    ["-displayfd", "1", "-screen", "0", "1280x900x24", "-nolisten", "tcp"],
    { stdio: ["ignore", "pipe", log], detached: true },
  );
  const programs = [xvfb];
  // Each program is stopped with its process group (MiniBrowser is the driver's child).
  const stopPrograms = () => {
    for (const p of programs.reverse()) {
      try {
        process.kill(-p.pid, "SIGTERM");
      } catch {
        // Gone already.
      }
    }
  };
  try {
    const display = await displayOf(xvfb);
    const port = await freePort();
    const driverProcess = spawn(find("OFCONNECT_WEBKITDRIVER", ["WebKitWebDriver"]), [`--port=${port}`], {
      env: { ...process.env, DISPLAY: display },
      stdio: ["ignore", log, log],
      detached: true,
    });
    programs.push(driverProcess);
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 30_000;
    while (!(await fetch(`${url}/status`).then((r) => r.ok).catch(() => false))) {
      if (Date.now() > deadline) throw new Error("WebKitWebDriver did not answer in 30 s");
      await new Promise((r) => setTimeout(r, 100));
    }
    const capabilities = new Capabilities({
      browserName: "MiniBrowser",
      "webkitgtk:browserOptions": {
        binary: find("OFCONNECT_MINIBROWSER", ["MiniBrowser"], minibrowsers()),
        args: ["--automation"],
      },
    });
    const driver = await new Builder().usingServer(url).withCapabilities(capabilities).build();
    return {
      driver,
      stop: async () => {
        await driver.quit().catch(() => {});
        stopPrograms();
        rmSync(logFile, { force: true });
      },
    };
  } catch (error) {
    stopPrograms();
    const output = readFileSync(logFile, "utf8");
    throw new Error(`${error.message}; the programs' output:\n${output}`);
  }
}
