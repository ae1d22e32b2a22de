# ofconnect: two commands on a fresh machine.
#   make demo   installs what is missing, builds, serves the demo CRM and the sandbox provider
#   make test   installs what is missing, runs every check
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
export PATH := $(HOME)/.cargo/bin:$(CURDIR)/node_modules/.bin:$(PATH)
export CARGO_TERM_COLOR ?= never

.PHONY: demo test setup demo-build lint unit wasm-test e2e size fuzz clean

demo: demo-build
	cargo build -q -p ofconnect-sandbox -p ofconnect-demo
	scripts/demo.sh

test: setup lint unit wasm-test e2e size

setup:
	scripts/setup.sh

# The demo page and the widget's script-tag build, into dist/ (wasm-opt'd).
demo-build: setup
	trunk build --release --offline

lint: setup
	cargo fmt --all --check
	cargo clippy -q --workspace --all-targets -- -D warnings
	cargo clippy -q -p ofconnect --all-targets --target wasm32-unknown-unknown -- -D warnings

# Native: the pure core, the sandbox's HTTP tests, the demo backend, and a
# bounded property-based fuzz run (256 cases per property).
unit: setup
	cargo test -q --workspace --lib --bins --test http --test fuzz

# A long fuzz run of the decoder, parsers and state machine.
fuzz: setup
	PROPTEST_CASES=$${PROPTEST_CASES:-200000} cargo test -q --release --test fuzz

# The DOM glue in headless Chromium.
wasm-test: setup
	wasm-pack test --headless --chrome

# The demo page, widget and sandbox over WebDriver, in every engine (a
# failure on one is a failure; a hang fails after 15 minutes): the connect flow (e2e), sessions, expiry,
# popups and forwarding (lifecycle), and the attacks (adversarial).
BROWSERS ?= chromium firefox webkit
E2E_TESTS := --test e2e --test lifecycle --test adversarial
e2e: demo-build
	cargo build -q --tests
	failed=""; for b in $(BROWSERS); do \
	  echo "== end-to-end on $$b"; \
	  OFCONNECT_BROWSER=$$b timeout 900 cargo test -q $(E2E_TESTS) -- --test-threads 3 || failed="$$failed $$b"; \
	done; [ -z "$$failed" ] || { echo "end-to-end tests failed on:$$failed"; exit 1; }

size: demo-build
	scripts/size.sh

clean:
	cargo clean
	rm -rf dist pkg
