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

# The demo page, widget and sandbox in headless Chromium over WebDriver:
# the connect flow (e2e) and sessions, expiry, popups, forwarding (lifecycle).
e2e: demo-build
	cargo test -q --test e2e --test lifecycle

size: demo-build
	scripts/size.sh

clean:
	cargo clean
	rm -rf dist pkg
