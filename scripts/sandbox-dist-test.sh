#!/usr/bin/env bash
# Runs the static sandbox binary as an integrator's CI would, with nothing
# but the binary, curl and a shell (no Rust, no jq):
#   1. its defaults: started from an empty directory on a port the OS picks,
#      it listens on loopback; it mints an OnlyFansAPI client session with
#      the default key and logs in on its hosted flow (with and without 2FA);
#      it starts an OFAuth Link session and logs in on its Link page; it
#      refuses bad requests with a 4xx JSON error naming the field; Ctrl-C
#      (SIGINT) stops it, exit status 0;
#   2. the container's settings (sandbox/Containerfile's ENV): it listens on
#      every interface, writes no file, and answers the same way.
# Usage: scripts/sandbox-dist-test.sh [path/to/ofconnect-sandbox]   (make sandbox-dist-test)
set -euo pipefail

bin=$(realpath "${1:-target/sandbox-dist/ofconnect-sandbox}")
[ -x "$bin" ] || { echo "no sandbox binary at $bin (run make sandbox-dist)" >&2; exit 1; }
work=$(mktemp -d)
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  [ ! -s "$work/body" ] || { echo "  last answer: $(cat "$work/body")" >&2; }
  [ ! -s "$work/out" ] || sed 's/^/  sandbox: /' "$work/out" >&2
  exit 1
}
pass() { echo "ok: $*"; }

# start [VAR=value…]: starts the binary in $work/run (empty) with only these
# environment variables and `--port 0`; sets pid, addr (as printed) and base.
start() {
  rm -rf "$work/run" && mkdir "$work/run"
  : >"$work/out"
  (cd "$work/run" && exec env -i "$@" "$bin" --port 0 >"$work/out" 2>&1) &
  pid=$!
  local line=""
  for _ in $(seq 100); do
    line=$(grep -m1 '^ofconnect-sandbox: provider at http://' "$work/out" || true)
    [ -z "$line" ] || break
    kill -0 "$pid" 2>/dev/null || fail "it exited before listening"
    sleep 0.1
  done
  [ -n "$line" ] || fail "it did not say where it listens within 10 s"
  addr=${line#ofconnect-sandbox: provider at http://}
  addr=${addr%% *}
  base=http://127.0.0.1:${addr##*:}
  # What a CI job can wait on instead of reading the log.
  curl -sf --retry 10 --retry-connrefused --retry-delay 1 -o /dev/null "$base/assets/flow.css" ||
    fail "GET /assets/flow.css did not answer 200"
}

# stop: Ctrl-C, then the exit status must be 0 within 5 s and the port closed.
stop() {
  kill -INT "$pid"
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && fail "still running 5 s after SIGINT"
  local status=0
  wait "$pid" || status=$?
  pid=""
  [ "$status" -eq 0 ] || fail "exit status $status after SIGINT"
  ! curl -s -o /dev/null "$base/assets/flow.css" || fail "still answering after it stopped"
  pass "stops on SIGINT with exit status 0"
}

# call METHOD PATH [curl arguments…]: sets status and type; the body is in $work/body.
call() {
  local out
  out=$(curl -sS -o "$work/body" -w '%{http_code} %{content_type}' -X "$1" "$base$2" "${@:3}") ||
    fail "$1 $2: no answer"
  status=${out%% *}
  type=${out#* }
}
body() { cat "$work/body"; }
expect() { # STATUS WHAT PATTERN…: the last answer's status, and extended regexes its body matches
  local want=$1 what=$2 pattern
  [ "$status" = "$want" ] || fail "$what: status $status, expected $want"
  for pattern in "${@:3}"; do
    grep -Eq -- "$pattern" "$work/body" || fail "$what: the body does not match $pattern"
  done
  pass "$what"
}
json() { # the last answer is JSON
  case "$type" in application/json*) ;; *) fail "content type $type, expected application/json" ;; esac
}

OFAPI=(-H "Authorization: Bearer ofapi_sandbox_key" -H "Content-Type: application/json")
OFAUTH=(-H "apikey: ofauth_sk_sandbox_key" -H "Content-Type: application/json")

# An OnlyFansAPI client session token (sets token).
new_token() {
  call POST /api/client-sessions "${OFAPI[@]}" -d '{"display_name":"CI / Model: Stella","client_reference_id":"ci_1"}'
  json
  expect 200 "POST /api/client-sessions mints a client session token" '"token":"ofapi_cs_[A-Za-z0-9]{32}"'
  token=$(grep -Eo 'ofapi_cs_[A-Za-z0-9]{32}' "$work/body")
}

providers() {
  # OnlyFansAPI: a session, its hosted page, a login without 2FA.
  new_token
  call GET "/embed-auth/$token"
  expect 200 "GET /embed-auth/{token} shows the login form" '<form id="login"'
  call POST "/embed-auth/$token/login" -H "Content-Type: application/json" \
    -d '{"email":"creator@sandbox.test","password":"wrong"}'
  expect 200 "a wrong password is refused" '"status":"wrong_credentials"'
  call POST "/embed-auth/$token/login" -H "Content-Type: application/json" \
    -d '{"email":"creator@sandbox.test","password":"sandbox"}'
  expect 200 "creator@sandbox.test / sandbox connects" '"status":"connected"' '"username":"sandbox_creator"'
  call POST "/embed-auth/$token/login" -H "Content-Type: application/json" \
    -d '{"email":"creator@sandbox.test","password":"sandbox"}'
  expect 200 "a used token cannot connect again" '"code":"session_used"'

  # With 2FA.
  new_token
  call POST "/embed-auth/$token/login" -H "Content-Type: application/json" \
    -d '{"email":"2fa@sandbox.test","password":"sandbox"}'
  expect 200 "2fa@sandbox.test / sandbox asks for a code" '"status":"two_factor_required"'
  call POST "/embed-auth/$token/2fa" -H "Content-Type: application/json" -d '{"code":"000000"}'
  expect 200 "a wrong code is refused" '"status":"wrong_credentials"'
  call POST "/embed-auth/$token/2fa" -H "Content-Type: application/json" -d '{"code":"123456"}'
  expect 200 "code 123456 connects" '"status":"connected"' '"username":"sandbox_2fa"'

  # OFAuth: the key, a Link session, its embedded page, a login, the connection.
  call GET /v2/account/whoami -H "apikey: ofauth_sk_sandbox_key"
  json
  expect 200 "GET /v2/account/whoami" '"environment":"sandbox"'
  call POST /v2/link/init "${OFAUTH[@]}" -d '{"clientAppId":"app_sandbox","clientReferenceId":"ci_2"}'
  json
  expect 201 "POST /v2/link/init starts a Link session" "\"url\":\"http://127.0.0.1:${base##*:}/link/lnk_[A-Za-z0-9]{24}\""
  local link
  link=$(grep -Eo '/link/lnk_[A-Za-z0-9]{24}' "$work/body")
  call GET "$link?embed=true&embed_origin=http://localhost:8080"
  expect 200 "GET /link/{id}?embed=true&embed_origin=… shows the Link page" 'id="pre-login"'
  call POST "$link/login" -H "Content-Type: application/json" \
    -d '{"email":"creator@sandbox.test","password":"sandbox"}'
  expect 200 "the Link login connects" '"status":"connected"' '"id":"conn_[A-Za-z0-9]{16}"'
  local connection
  connection=$(grep -Eo 'conn_[A-Za-z0-9]{16}' "$work/body" | head -1)
  call GET /v2/connections -H "apikey: ofauth_sk_sandbox_key"
  expect 200 "GET /v2/connections lists it" "\"id\":\"$connection\"" '"status":"active"'

  # Bad requests: 4xx, JSON, naming the field.
  call POST /api/client-sessions "${OFAPI[@]}" -d '{}'
  json
  expect 422 "a client session without display_name: 422 naming display_name" \
    '"errors":\{"display_name":\["The display name field is required\."\]\}'
  call POST /api/client-sessions "${OFAPI[@]}" -d '{"display_name":"x","proxy_country":"fr"}'
  expect 422 "a bad proxy_country: 422 naming proxy_country" '"errors":\{"proxy_country":'
  call POST /v2/link/init "${OFAUTH[@]}" -d '{}'
  json
  expect 422 "a Link session without clientAppId: 422 naming clientAppId" '"code":"VALIDATION_ERROR"' '"field":"clientAppId"'
  call POST "/embed-auth/$token/login" -H "Content-Type: application/json" -d '{"email":"creator@sandbox.test"}'
  json
  expect 422 "a login without password: 422 naming password" '"errors":\{"password":'
  call POST /api/client-sessions -H "Authorization: Bearer wrong" -H "Content-Type: application/json" -d '{"display_name":"x"}'
  json
  expect 401 "a wrong API key: 401" '"message":"Unauthenticated\."'
}

echo "== $bin, defaults"
start
case "$addr" in 127.0.0.1:*) pass "listens on loopback by default ($addr)" ;; *) fail "listens on $addr, not loopback" ;; esac
providers
stop

echo "== $bin, with the container's settings (sandbox/Containerfile)"
start SANDBOX_HOST=0.0.0.0 SANDBOX_DATABASE=:memory:
case "$addr" in 0.0.0.0:*) pass "SANDBOX_HOST=0.0.0.0 listens on every interface ($addr)" ;; *) fail "listens on $addr" ;; esac
providers
[ -z "$(ls -A "$work/run")" ] || fail "SANDBOX_DATABASE=:memory: wrote $(ls -A "$work/run")"
pass "SANDBOX_DATABASE=:memory: writes no file"
call GET /v2/connections -H "apikey: ofauth_sk_sandbox_key" -H "Host: sandbox:8081"
expect 421 "another host name is refused (421) without SANDBOX_PUBLIC_HOSTS" '"message":'
stop
echo "all passed"
