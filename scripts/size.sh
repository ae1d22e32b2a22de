#!/usr/bin/env bash
# Prints what the host page pays for the widget: raw and brotli sizes of the
# script-tag loader, the wasm-bindgen glue and the wasm (after wasm-opt).
set -euo pipefail
cd "$(dirname "$0")/.."
printf '%-28s %10s %10s\n' file raw brotli
for f in dist/ofconnect.js dist/wasm/ofconnect.js dist/wasm/ofconnect_bg.wasm; do
  [ -f "$f" ] || { echo "size: $f is missing (make demo-build)" >&2; exit 1; }
  printf '%-28s %10d %10d\n' "$f" "$(wc -c < "$f")" "$(brotli -c -q 11 "$f" | wc -c)"
done
