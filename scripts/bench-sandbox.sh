#!/usr/bin/env bash
# Load test of the sandbox provider: a release build on a free loopback port,
# then wrk (64 connections, 2 threads, --latency) in consecutive 10 s slices,
# so that a trend shows: POST /api/client-sessions for a minute while the
# sessions pile up (a long TTL: none expires), then hosted page loads
# (GET /embed-auth/{token}) and OFAuth's POST /v2/link/init.
# Writes target/bench/sandbox.json (per slice: req/s, p50, p99 in ms,
# non-2xx responses, socket errors, the server's resident memory, the
# machine's 1-minute load average, since other work skews the figures) and prints
# a table. Fails if any response is not 2xx (a rate limit, say) or a socket fails.
#
# Run with: scripts/bench-sandbox.sh   (SLICES=6 SLICE_SECONDS=10 by default)
# wrk shares the machine's cores with the server: report the machine with the figures.
set -euo pipefail
cd "$(dirname "$0")/.."

SLICES=${SLICES:-6}
SLICE_SECONDS=${SLICE_SECONDS:-10}
CONNECTIONS=64
THREADS=2
API_KEY=bench_api_key
OFAUTH_KEY=bench_ofauth_key
LUA=scripts/bench-sandbox.lua
OUT=target/bench/sandbox.json

command -v wrk >/dev/null || { echo "bench-sandbox: wrk is missing (apt-get install -y wrk)" >&2; exit 1; }
command -v curl >/dev/null || { echo "bench-sandbox: curl is missing" >&2; exit 1; }

echo "bench-sandbox: building the sandbox (release)"
cargo build --release --quiet -p ofconnect-sandbox
BIN="${CARGO_TARGET_DIR:-target}/release/ofconnect-sandbox"

work=$(mktemp -d)
server=
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# Rate limits high enough for the load (they are still counted on every
# request); the token TTL longer than the run, so every session stays live.
"$BIN" --host 127.0.0.1 --port 0 \
  --api-key "$API_KEY" --ofauth-key "$OFAUTH_KEY" \
  --allowed-origins http://localhost:8080 \
  --token-ttl 3600 --rate-limit-minute 1000000000 --rate-limit-day 4000000000 \
  --database "$work/connections.sqlite3" >"$work/server.log" 2>&1 &
server=$!
url=
for _ in $(seq 100); do
  url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/server.log" | head -n1 || true)
  [ -n "$url" ] && break
  kill -0 "$server" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "bench-sandbox: the sandbox did not start" >&2; cat "$work/server.log" >&2; exit 1; }
echo "bench-sandbox: sandbox at $url (pid $server)"

session_body='{"display_name":"Agency / Model: Stella","client_reference_id":"crm_model_42"}'
token=$(curl -sf -X POST "$url/api/client-sessions" -H "Authorization: Bearer $API_KEY" \
  -H "Content-Type: application/json" -d "$session_body" | grep -o 'ofapi_cs_[A-Za-z0-9]*')

slices="[]"
failed=
# run NAME SLICE METHOD PATH BODY HEADERS: one slice of wrk; records its figures.
run() {
  local name=$1 slice=$2 line rss load
  line=$(BENCH_METHOD=$3 BENCH_BODY=$5 BENCH_HEADERS=$6 \
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${SLICE_SECONDS}s" --latency -s "$LUA" "$url$4" | grep '^BENCH ' || true)
  [ -n "$line" ] || { echo "bench-sandbox: wrk gave no summary for $name" >&2; exit 1; }
  rss=$(awk '/^VmRSS:/ {print int($2 / 1024)}' "/proc/$server/status")
  load=$(cut -d' ' -f1 /proc/loadavg)
  local figures=${line#BENCH \{}
  local json="{\"run\":\"$name\",\"slice\":$slice,${figures%\}},\"rss_mb\":$rss,\"load\":$load}"
  slices=${slices%]}
  [ "$slices" = "[" ] || slices+=","
  slices+="$json]"
  printf '%-16s %5s %10s %9s %9s %8s %8s %8s %6s\n' "$name" "$slice" \
    "$(field rps "$line")" "$(field p50_ms "$line")" "$(field p99_ms "$line")" \
    "$(field non_2xx "$line")" "$(field socket_errors "$line")" "$rss" "$load"
  if [ "$(field non_2xx "$line")" != 0 ] || [ "$(field socket_errors "$line")" != 0 ]; then
    failed+="$name slice $slice: $(field non_2xx "$line") non-2xx responses, $(field socket_errors "$line") socket errors. "
  fi
}
field() { sed -E "s/.*\"$1\":([0-9.]+).*/\1/" <<<"$2"; }

create=(POST /api/client-sessions "$session_body" "Authorization: Bearer $API_KEY|Content-Type: application/json")
page=(GET "/embed-auth/$token" "" "Referer: http://localhost:8080/")
link=(POST /v2/link/init '{"clientAppId":"app_sandbox","clientReferenceId":"crm_42"}' "apikey: $OFAUTH_KEY|Content-Type: application/json")

echo "bench-sandbox: warming up (5 s)"
BENCH_METHOD=${create[0]} BENCH_BODY=${create[2]} BENCH_HEADERS=${create[3]} \
  wrk -t"$THREADS" -c"$CONNECTIONS" -d5s -s "$LUA" "$url${create[1]}" >/dev/null

printf '%-16s %5s %10s %9s %9s %8s %8s %8s %6s\n' run slice "req/s" "p50 ms" "p99 ms" non-2xx "sock err" "rss MB" load
for i in $(seq "$SLICES"); do run client-sessions "$i" "${create[@]}"; done
for i in $(seq 3); do run embed-auth-page "$i" "${page[@]}"; done
for i in $(seq 3); do run ofauth-link-init "$i" "${link[@]}"; done

mkdir -p "$(dirname "$OUT")"
cat >"$OUT" <<JSON
{"machine":{"cores":$(nproc),"note":"wrk and the server share these cores"},"connections":$CONNECTIONS,"threads":$THREADS,"slice_seconds":$SLICE_SECONDS,"slices":$slices}
JSON
echo "bench-sandbox: wrote $OUT"
if [ -n "$failed" ]; then
  echo "bench-sandbox: FAILED: the sandbox answered errors under load: $failed" >&2
  exit 1
fi
