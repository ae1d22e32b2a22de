// The declarations as an integrator's TypeScript sees them: "ofconnect/testing"
// and "ofconnect/testing/webdriver" resolved through the built package's
// `exports` (Node16 resolution) in a project that has it installed, used
// as usage.ts does (its @ts-expect-error lines must be errors).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { root } from "./servers.mjs";

const tsc = join(root, "node_modules/.bin/tsc");
const options = {
  strict: true,
  noEmit: true,
  target: "ES2022",
  module: "Node16",
  moduleResolution: "Node16",
  lib: ["ES2023", "DOM"],
  types: [],
};

function project(files, compilerOptions) {
  const dir = mkdtempSync(join(tmpdir(), "ofconnect-kit-types-"));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(join(root, "pkg"), join(dir, "node_modules/ofconnect"), "dir");
  symlinkSync(join(root, "node_modules/playwright-core"), join(dir, "node_modules/playwright-core"), "dir");
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { ...options, ...compilerOptions }, files }));
  cpSync(new URL("usage.ts", import.meta.url), join(dir, "usage.ts"));
  return dir;
}

function check(dir) {
  try {
    execFileSync(tsc, ["-p", dir], { encoding: "utf8" });
  } catch (error) {
    assert.fail(`tsc:\n${error.stdout}${error.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("usage.ts type-checks against the package, with Playwright's own Page type", () => {
  // playwright-core's declarations import Node's modules, which need @types/node: not checked here.
  check(project(["usage.ts"], { skipLibCheck: true }));
});

test("the kit's declarations themselves are valid (skipLibCheck off)", () => {
  const dir = project(["entry.ts"], { skipLibCheck: false });
  writeFileSync(
    join(dir, "entry.ts"),
    'export * as playwright from "ofconnect/testing";\nexport * as webdriver from "ofconnect/testing/webdriver";\n',
  );
  check(dir);
});
