# ofconnect: two commands on a fresh machine.
#   make demo   installs what is missing, builds, serves the demo CRM and the sandbox provider
#   make test   installs what is missing, runs every check
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
export PATH := $(HOME)/.cargo/bin:$(CURDIR)/node_modules/.bin:$(PATH)
export CARGO_TERM_COLOR ?= never

.PHONY: demo test setup build lint types unit wasm-test e2e fuzz mutants bench sandbox-dist sandbox-dist-test clean

demo: build
	cargo build -q -p ofconnect-sandbox -p ofconnect-demo
	scripts/demo.sh

test: setup lint types unit wasm-test e2e kit

setup:
	scripts/setup.sh

# Every way the widget ships, from one source (see scripts/build.mjs): the npm
# package in pkg/; the script-tag build, its lazily loaded files, a manifest
# with SRI hashes, the demo pages (Trunk) and the examples (one built with
# Vite) in dist/. Prints the sizes and fails over a size budget.
build: setup
	wasm-pack build --release --target web --no-pack --no-typescript --out-dir target/wasm-pack --features bundle
	trunk build --release --offline
	node scripts/build.mjs

lint: setup
	cargo fmt --all --check
	cargo clippy -q --workspace --all-targets -- -D warnings
	cargo clippy -q -p ofconnect -p ofconnect-yew-app --all-targets --target wasm32-unknown-unknown --features ofconnect/yew -- -D warnings

# The TypeScript declarations: valid and invalid usages (tests/types).
types: setup
	tsc -p tests/types

# Native: the pure core, the sandbox's HTTP tests, the demo backend, a
# bounded property-based fuzz run (256 cases per property), the contract
# check (the Rust, www/src/ofconnect.d.ts and www/src/ofconnect.js agree),
# and the architecture's rules (tests/architecture.rs: no import cycles,
# file sizes).
unit: setup
	cargo test -q --workspace --lib --bins --test http --test ofauth --test server --test fuzz --test contract --test architecture

# A long fuzz run of the decoder, parsers and state machine.
fuzz: setup
	PROPTEST_CASES=$${PROPTEST_CASES:-200000} cargo test -q --release --test fuzz

# Mutation testing of the security functions, against the native tests of
# `make unit`: .cargo/mutants.toml says which functions, and lists the
# equivalent mutants with why. Fails when any other mutant survives. Not
# part of make test (20 minutes on 2 cores, 47 when other jobs load them);
# the results are in target/mutants.out.
mutants:
	scripts/setup.sh mutants
	cargo mutants --workspace -j 1 --timeout 120 -o target

# The DOM glue, the Rust API and the Yew component in headless Chromium;
# and the examples in the crate's documentation compile for the browser.
wasm-test: setup
	wasm-pack test --headless --chrome --features yew

# The demo page, widget and sandbox over WebDriver, in every engine (a
# failure on one is a failure; a WebDriver command left unanswered fails its
# test after 3 minutes, and any hang the run after 15): the connect flow (e2e),
# sessions, expiry, popups and forwarding (lifecycle), the attacks
# (adversarial), and that a page error fails its test (console).
BROWSERS ?= chromium firefox webkit
E2E_TESTS := --test e2e --test appearance --test a11y --test lifecycle --test adversarial --test surfaces --test checklist --test leaks --test console
e2e: build
	cargo build -q --tests
	failed=""; for b in $(BROWSERS); do \
	  echo "== end-to-end on $$b"; \
	  OFCONNECT_BROWSER=$$b timeout 900 cargo test -q $(E2E_TESTS) -- --test-threads 3 || failed="$$failed $$b"; \
	done; [ -z "$$failed" ] || { echo "end-to-end tests failed on:$$failed"; exit 1; }

# The test kit for integrators (ofconnect/testing, in www/testing/): its
# helpers drive the example pages in dist/ against the sandbox as an
# integrator's tests would: with Playwright in Chromium, and over WebDriver
# (selenium-webdriver) in each engine of BROWSERS; and its TypeScript
# declarations as a project's tsc sees them (two minutes).
.PHONY: kit
kit: build
	cargo build -q -p ofconnect-sandbox -p ofconnect-demo
	KIT_BROWSERS="$(BROWSERS)" timeout 900 node --test --test-concurrency=1 \
	  www/testing/test/types.test.mjs www/testing/test/playwright.test.mjs www/testing/test/webdriver.test.mjs

# ofconnect side by side with @onlyfansapi/auth in headless Chromium (bytes,
# open → iframe, click → provider page, 1,000 open/close cycles), and the
# sandbox under load (scripts/bench-sandbox.sh): target/bench/bench.{json,md}.
# A benchmark, not a test: it fails when something is broken, never on a time.
bench: build
	cargo build -q --release -p ofconnect-sandbox
	node bench/run.mjs

# The sandbox as one static Linux binary (musl, SQLite inside), for CI jobs
# without Rust, beside its container recipe (sandbox/Containerfile), in
# target/sandbox-dist/: not in dist/, which trunk empties on every make build
# and the demo serves. Fails unless the binary is statically linked. Not part
# of make test (see TESTING.md).
MUSL := x86_64-unknown-linux-musl
SANDBOX_DIST := target/sandbox-dist
sandbox-dist:
	scripts/setup.sh sandbox-dist
	cargo build -q --locked --release --target $(MUSL) -p ofconnect-sandbox
	mkdir -p $(SANDBOX_DIST)
	cp $${CARGO_TARGET_DIR:-target}/$(MUSL)/release/ofconnect-sandbox sandbox/Containerfile $(SANDBOX_DIST)/
	file $(SANDBOX_DIST)/ofconnect-sandbox
	file -b $(SANDBOX_DIST)/ofconnect-sandbox | grep -Eq 'static(-pie|ally) linked' || { echo "ofconnect-sandbox is not static" >&2; exit 1; }
	! ldd $(SANDBOX_DIST)/ofconnect-sandbox 2>&1 | grep -q '=>' || { echo "ofconnect-sandbox loads shared libraries" >&2; exit 1; }
	ls -l $(SANDBOX_DIST)/ofconnect-sandbox

# The static binary run as an integrator's CI runs it (scripts/sandbox-dist-test.sh):
# started on a free port, asked for sessions and logins on both providers,
# a bad request refused, stopped with Ctrl-C; and its container settings.
sandbox-dist-test: sandbox-dist
	scripts/sandbox-dist-test.sh $(SANDBOX_DIST)/ofconnect-sandbox

clean:
	cargo clean
	rm -rf dist pkg
