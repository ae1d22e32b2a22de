#!/usr/bin/env bash
# Installs every tool the project needs, skipping what is already present.
# Run with: make setup   (make demo and make test call it first)
#           scripts/setup.sh mutants   also installs cargo-mutants (make mutants)
#           scripts/setup.sh sandbox-dist   only what the static sandbox build
#             and its test need: the musl target, musl-tools, curl, file (make sandbox-dist)
set -euo pipefail

WASM_BINDGEN_VERSION=0.2.130   # must equal the wasm-bindgen pin in Cargo.toml
TRUNK_VERSION=0.21.14          # trunk 0.22 needs a newer rustc than 1.95
WASM_PACK_VERSION=0.15.1
GECKODRIVER_VERSION=0.37.1
BINARYEN_VERSION=132           # Debian's binaryen is too old for Rust 1.95 output
CARGO_MUTANTS_VERSION=27.1.0   # make mutants only

root=$(cd "$(dirname "$0")/.." && pwd)
export PATH="$HOME/.cargo/bin:$root/node_modules/.bin:$PATH"
say() { printf '\033[1msetup:\033[0m %s\n' "$*"; }

apt_install() { # packages
  say "apt-get install $*"
  local sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd=sudo
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "$@" >/dev/null
}
rust_target() { # target
  if ! rustup target list --installed | grep -x "$1" >/dev/null; then
    say "rustup target add $1"
    rustup target add "$1"
  fi
}

# The static sandbox (make sandbox-dist) needs no browser, wasm tool or npm
# package: install its few tools and stop there.
if [ "${1:-}" = sandbox-dist ]; then
  apt_pkgs=()
  command -v musl-gcc >/dev/null || apt_pkgs+=(musl-tools)
  command -v curl >/dev/null || apt_pkgs+=(curl)
  command -v file >/dev/null || apt_pkgs+=(file)
  [ ${#apt_pkgs[@]} -eq 0 ] || apt_install "${apt_pkgs[@]}"
  rust_target x86_64-unknown-linux-musl
  say "all tools present (sandbox-dist)"
  exit 0
fi

apt_pkgs=()
command -v chromium >/dev/null || apt_pkgs+=(chromium)
command -v chromedriver >/dev/null || apt_pkgs+=(chromium-driver)
command -v brotli >/dev/null || apt_pkgs+=(brotli)
command -v wrk >/dev/null || apt_pkgs+=(wrk)
command -v firefox-esr >/dev/null || apt_pkgs+=(firefox-esr)
command -v WebKitWebDriver >/dev/null || apt_pkgs+=(webkit2gtk-driver)
command -v Xvfb >/dev/null || apt_pkgs+=(xvfb)
[ ${#apt_pkgs[@]} -eq 0 ] || apt_install "${apt_pkgs[@]}"
rust_target wasm32-unknown-unknown

# (grep reads all the output: with `grep -q`, a tool still writing when grep
# has its match dies of SIGPIPE, pipefail fails the check, and the tool is
# installed again.)
have_version() { command -v "$1" >/dev/null && "$1" --version 2>/dev/null | grep "$2" >/dev/null; }
cargo_tool() { # binary crate version
  if ! have_version "$1" "$3"; then
    say "cargo install $2 $3"
    # --locked first; a yanked transitive pin in the published lock file makes
    # that fail for some versions, so fall back to fresh resolution.
    cargo install --locked --quiet "$2" --version "$3" ||
      cargo install --quiet "$2" --version "$3"
  fi
}
cargo_tool wasm-bindgen wasm-bindgen-cli "$WASM_BINDGEN_VERSION"
cargo_tool wasm-pack wasm-pack "$WASM_PACK_VERSION"
cargo_tool trunk trunk "$TRUNK_VERSION"
cargo_tool geckodriver geckodriver "$GECKODRIVER_VERSION"
# A 3-minute build that make test does not need.
if [ "${1:-}" = mutants ] && ! cargo mutants --version 2>/dev/null | grep -x "cargo-mutants $CARGO_MUTANTS_VERSION" >/dev/null; then
  say "cargo install cargo-mutants $CARGO_MUTANTS_VERSION"
  cargo install --locked --quiet cargo-mutants --version "$CARGO_MUTANTS_VERSION"
fi

# npm packages (binaryen's wasm-opt, esbuild, tsc; Vite and webpack for the examples;
# playwright-core for make bench and make kit, selenium-webdriver for make kit),
# installed from the lock file when it changed since the last install.
npm_deps() {
  local dir="$root/$1" stamp="$root/$1/node_modules/.ofconnect-lock"
  if ! cmp -s "$dir/package-lock.json" "$stamp"; then
    say "npm ci in ${1:-.}"
    (cd "$dir" && npm ci --no-audit --no-fund --silent)
    cp "$dir/package-lock.json" "$stamp"
  fi
}
npm_deps .
npm_deps www/examples/vite
npm_deps www/examples/webpack
have_version wasm-opt "version $BINARYEN_VERSION" || { echo "wasm-opt is not binaryen $BINARYEN_VERSION" >&2; exit 1; }
say "all tools present"
