#!/usr/bin/env node
// Packages the widget that wasm-pack built (target/wasm-pack/: wasm-bindgen
// glue, minified here, and wasm after wasm-opt -Oz) every way it ships, from one source in www/src/:
//   pkg/             the npm package (ES module entry that loads the wasm itself)
//   dist/ofconnect.js                the script-tag build (tiny; loads the rest lazily)
//   dist/ofconnect-<hash>.{js,wasm}  what it loads, content-hashed (cache forever)
//   dist/manifest.json               sizes and Subresource Integrity hashes
//   dist/npm/ofconnect/              the npm package as a CDN serves it
//   dist/examples/                   the examples, with the Vite, webpack and Yew apps built
// and fails when a size budget is exceeded (brotli, after wasm-opt).
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { brotliCompressSync, constants } from "node:zlib";
import { build, transform } from "esbuild";
import { shortenImports } from "./short-imports.mjs";

// Budgets, in brotli bytes. The loader is what every page with the script tag
// pays. The lazy part (glue + wasm) is paid on first use; Yew is about 28 KB
// of it (see README, "Size", for what each part costs).
const LOADER_BUDGET = 2 * 1024;
const LAZY_BUDGET = 100 * 1024;

const root = new URL("..", import.meta.url).pathname;
process.chdir(root);
const version = readFileSync("Cargo.toml", "utf8").match(/\[workspace\.package\][^[]*?version = "([^"]+)"/)[1];
const built = "target/wasm-pack";
const common = { target: "es2022", logLevel: "warning", legalComments: "none" };
// wasm-bindgen's glue and wasm, their imports renamed short (see
// ./short-imports.mjs) and the glue minified (its exports keep their names)
// before anything is hashed; every form ships these.
const shortened = shortenImports(readFileSync(`${built}/ofconnect_bg.wasm`), readFileSync(`${built}/ofconnect.js`, "utf8"));
const wasm = shortened.wasm;
const glue = Buffer.from((await transform(shortened.glue, { ...common, format: "esm", minify: true })).code);

const integrity = (bytes, algorithm = "sha384") =>
  `${algorithm}-${createHash(algorithm).update(bytes).digest("base64")}`;
const brotli = (bytes) =>
  brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;

// The npm package.
rmSync("pkg", { recursive: true, force: true });
mkdirSync("pkg/wasm", { recursive: true });
writeFileSync("pkg/wasm/ofconnect.js", glue);
writeFileSync("pkg/wasm/ofconnect_bg.wasm", wasm);
await build({
  ...common,
  bundle: true,
  entryPoints: ["www/src/ofconnect.js"],
  outfile: "pkg/index.js",
  format: "esm",
  alias: { "ofconnect:load": "./www/src/load-npm.js" },
  external: ["./wasm/ofconnect.js"],
});
cpSync("www/src/ofconnect.d.ts", "pkg/index.d.ts");
// The test kit (ofconnect/testing), as written, without its own tests.
cpSync("www/testing", "pkg/testing", { recursive: true, filter: (src) => !/^www\/testing\/test(\/|$)/.test(src) });
cpSync("README.md", "pkg/README.md");
writeFileSync(
  "pkg/package.json",
  JSON.stringify(
    {
      name: "ofconnect",
      version,
      description: "Embedded OnlyFans account connection (OnlyFansAPI Link), in Rust and WebAssembly",
      license: "MIT OR Apache-2.0",
      repository: { type: "git", url: "git+https://github.com/ofconnect/ofconnect.git" },
      type: "module",
      main: "./index.js",
      module: "./index.js",
      types: "./index.d.ts",
      exports: {
        ".": { types: "./index.d.ts", default: "./index.js" },
        // The test kit: Playwright helpers, and the same ones over WebDriver.
        "./testing": { types: "./testing/playwright.d.ts", default: "./testing/playwright.js" },
        "./testing/webdriver": { types: "./testing/webdriver.d.ts", default: "./testing/webdriver.js" },
        "./package.json": "./package.json",
      },
      files: ["index.js", "index.d.ts", "wasm/ofconnect.js", "wasm/ofconnect_bg.wasm", "testing/"],
      // Importing defines <of-connect> and window.OnlyFansAPI.
      sideEffects: ["./index.js"],
      keywords: ["onlyfans", "onlyfansapi", "link", "auth", "webassembly", "custom-element"],
    },
    null,
    2,
  ) + "\n",
);

// The CDN files: content-hashed, then the loader that names them.
const hash = createHash("sha256").update(glue).update(wasm).digest("hex").slice(0, 10);
const files = { glue: `ofconnect-${hash}.js`, wasm: `ofconnect-${hash}.wasm` };
for (const f of ["ofconnect.js", "manifest.json"]) rmSync(`dist/${f}`, { force: true });
writeFileSync(`dist/${files.glue}`, glue);
writeFileSync(`dist/${files.wasm}`, wasm);
await build({
  ...common,
  bundle: true,
  entryPoints: ["www/src/script-tag.js"],
  outfile: "dist/ofconnect.js",
  format: "iife",
  minify: true,
  alias: { "ofconnect:load": "./www/src/load-cdn.js" },
  define: {
    __OFCONNECT_HASH__: JSON.stringify(hash),
    // SHA-256 in the loader, where every byte counts (SHA-384 in the manifest).
    __OFCONNECT_GLUE_INTEGRITY__: JSON.stringify(integrity(glue, "sha256")),
    __OFCONNECT_WASM_INTEGRITY__: JSON.stringify(integrity(wasm, "sha256")),
  },
  banner: { js: `/*! ofconnect ${version} (MIT OR Apache-2.0) */` },
});
const loader = readFileSync("dist/ofconnect.js");
const manifest = { version, files: {} };
for (const [name, bytes] of [["ofconnect.js", loader], [files.glue, glue], [files.wasm, wasm]]) {
  manifest.files[name] = { bytes: bytes.length, brotli: brotli(bytes), integrity: integrity(bytes) };
}
writeFileSync("dist/manifest.json", JSON.stringify(manifest, null, 2) + "\n");
rmSync("dist/npm", { recursive: true, force: true });
cpSync("pkg", "dist/npm/ofconnect", { recursive: true });

// The examples.
rmSync("dist/examples", { recursive: true, force: true });
for (const page of ["script-tag", "esm", "compat"]) {
  cpSync(`www/examples/${page}`, `dist/examples/${page}`, { recursive: true });
}
// The bundler apps install the packed npm package, as an integrator would.
execFileSync("npm", ["pack", "--silent", "--pack-destination", "../target"], { cwd: "pkg", stdio: "ignore" });
const tarball = `${root}target/ofconnect-${version}.tgz`;
const bundlers = {
  vite: ["vite", "build", "--logLevel", "warn", "--outDir", `${root}dist/examples/vite`],
  webpack: ["webpack", "--no-stats", "--output-path", `${root}dist/examples/webpack`],
};
for (const [app, [tool, ...args]] of Object.entries(bundlers)) {
  const cwd = `www/examples/${app}`;
  execFileSync("npm", ["install", "--no-save", "--no-audit", "--no-fund", "--silent", tarball], { cwd, stdio: "inherit" });
  execFileSync(`node_modules/.bin/${tool}`, args, { cwd, stdio: "inherit" });
}
cpSync("www/examples/webpack/index.html", "dist/examples/webpack/index.html");
// The Yew app uses the crate's Rust API and Yew component, built with Trunk
// into dist/examples/yew-app/ (see its Trunk.toml), as a Rust front end is.
execFileSync("trunk", ["build", "--offline", "--quiet"], { cwd: "www/examples/yew-app", stdio: "inherit" });

// What the host page pays.
const row = (name, raw, br) => console.log(`${name.padEnd(34)} ${String(raw).padStart(9)} ${String(br).padStart(9)}`);
row("file", "raw", "brotli");
for (const [name, f] of Object.entries(manifest.files)) row(`dist/${name}`, f.bytes, f.brotli);
const lazy = manifest.files[files.glue].brotli + manifest.files[files.wasm].brotli;
console.log("\nSubresource Integrity (for a CDN):");
for (const [name, f] of Object.entries(manifest.files)) console.log(`  ${name}  ${f.integrity}`);
const over = [];
if (manifest.files["ofconnect.js"].brotli > LOADER_BUDGET) over.push(`loader over ${LOADER_BUDGET} B`);
if (lazy > LAZY_BUDGET) over.push(`lazily loaded glue + wasm ${lazy} B over ${LAZY_BUDGET} B`);
console.log(`\nbudgets (brotli): loader ${manifest.files["ofconnect.js"].brotli}/${LOADER_BUDGET} B, lazy ${lazy}/${LAZY_BUDGET} B`);
if (over.length) {
  console.error(`size budget exceeded: ${over.join("; ")}`);
  process.exit(1);
}
