#!/usr/bin/env bash
# Browser tests in headless chromium. Starts a redis-server, the WeChat API
# mock and pingyi-server (dev mode) on free ports, runs tests/e2e/*.test.mjs
# with node's test runner, and stops everything it started, whatever happens.
# Expects the release build (build/bin/, or PINGYI_BIN_DIR) and the web build (web/dist/).
# Arguments, if any, name the test files to run instead of all of them.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
OUT="$ROOT/test-output/e2e"
mkdir -p "$OUT"
rm -f "$OUT/redis.log" "$OUT/mock-api.log" "$OUT/server.log"
WORK="$(mktemp -d)"
pids=()

cleanup() {
  local status=$?
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  # SIGTERM lets the server finish in-flight requests; 10 s, then SIGKILL.
  for _ in $(seq 50); do
    local alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.2
  done
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
  if [ "$status" -ne 0 ]; then
    for log in redis mock-api server; do
      [ -s "$OUT/$log.log" ] && { echo "--- last lines of $OUT/$log.log"; tail -n 30 "$OUT/$log.log"; }
    done
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() { echo "e2e: $*" >&2; exit 1; }

BIN="${PINGYI_BIN_DIR:-build/bin}"
for f in "$BIN/pingyi-server" "$BIN/pingyi"; do [ -x "$f" ] || fail "$f missing: run ./dev build first"; done
[ -f web/dist/h5/vote.html ] || fail "web/dist missing: run (cd web && npm run build)"
[ -d web/node_modules/playwright-core ] || fail "web/node_modules missing: run (cd web && npm ci)"
[ -x "${PINGYI_CHROMIUM:-/usr/bin/chromium}" ] || fail "chromium missing: apt-get install chromium"

free_port() {
  node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'
}

# Waits until something accepts connections on 127.0.0.1:$1 (process $2 must stay alive).
wait_port() {
  local port="$1" pid="$2" name="$3"
  for _ in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || fail "$name exited at start (see $OUT)"
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    sleep 0.1
  done
  fail "$name did not listen on port $port within 10 s"
}

redis_port="$(free_port)"
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$WORK" \
  --daemonize no >"$OUT/redis.log" 2>&1 &
pids+=($!)
wait_port "$redis_port" "$!" redis-server

# A read-only staff account besides the admin the server creates.
viewer_password="E2e-viewer-password-0123"
printf '%s\n' "$viewer_password" | "$BIN/pingyi" user add e2eviewer --role viewer --redis-url "redis://127.0.0.1:$redis_port/0" \
  >/dev/null || fail "pingyi user add could not create the viewer account"
# And an auditor, who reads the staff audit trail and nothing else.
auditor_password="E2e-auditor-password-0123"
printf '%s\n' "$auditor_password" | "$BIN/pingyi" user add e2eauditor --role auditor --redis-url "redis://127.0.0.1:$redis_port/0" \
  >/dev/null || fail "pingyi user add could not create the auditor account"

# An admin whose first login security.test.mjs watches enrol two-step verification.
security_password="E2e-security-password-0123"
printf '%s\n' "$security_password" | "$BIN/pingyi" user add e2esecurity --role admin --redis-url "redis://127.0.0.1:$redis_port/0" \
  >/dev/null || fail "pingyi user add could not create the security test's admin account"

# A county besides the city office (docs/operations.zh.md "多级组织"), and an admin of
# the county, who sees its campaigns only. The config file is the owner's alone.
config="$WORK/pingyi.json"
# Every browser of the run signs in from 127.0.0.1, a few times per account:
# the login limits (docs/ratelimit.md) are raised so that they never decide
# a test's outcome.
cat >"$config" <<'JSON'
{"organizers": [{"id": "e2e-county", "name": "端到端测试县普法办"}],
 "ratelimit": {"limits": {"login_account": {"count": 600, "period_s": 60, "burst": 599},
                          "login_address": {"count": 6000, "period_s": 60, "burst": 5999}}}}
JSON
chmod 600 "$config"
county_password="E2e-county-password-0123"
printf '%s\n' "$county_password" | "$BIN/pingyi" user add e2ecounty --role admin --organizer e2e-county \
  --redis-url "redis://127.0.0.1:$redis_port/0" >/dev/null || fail "pingyi user add could not create the county account"

mock_port="$(free_port)"
"$BIN/pingyi" wechat mock-api --listen "127.0.0.1:$mock_port" --appid wxe2e0000000000000 --secret e2e-app-secret >"$OUT/mock-api.log" 2>&1 &
pids+=($!)
wait_port "$mock_port" "$!" "the WeChat API mock"

server_port="$(free_port)"
admin_token="test-admin-token-0123456789"
admin_password="e2e-admin-password-0123456789"
PINGYI_DEV=1 \
PINGYI_LISTEN="127.0.0.1:$server_port" \
PINGYI_PUBLIC_URL="http://127.0.0.1:$server_port" \
PINGYI_REDIS_URL="redis://127.0.0.1:$redis_port/0" \
PINGYI_WECHAT_API_BASE="http://127.0.0.1:$mock_port" \
PINGYI_WECHAT_OPEN_BASE="http://127.0.0.1:$mock_port" \
PINGYI_WECHAT_APPID="wxe2e0000000000000" \
PINGYI_WECHAT_SECRET="e2e-app-secret" \
PINGYI_WECHAT_TOKEN="e2etoken" \
PINGYI_ADMIN_TOKEN="$admin_token" \
PINGYI_ADMIN_PASSWORD="$admin_password" \
PINGYI_ATTACHMENTS_DIR="$WORK/attachments" \
PINGYI_THREADS=2 \
  "$BIN/pingyi-server" --config "$config" >"$OUT/server.log" 2>&1 &
server_pid=$!
pids+=("$server_pid")
wait_port "$server_port" "$server_pid" pingyi-server
ready=0
for _ in $(seq 100); do
  curl -fsS "http://127.0.0.1:$server_port/readyz" >/dev/null 2>&1 && { ready=1; break; }
  kill -0 "$server_pid" 2>/dev/null || fail "pingyi-server exited at start"
  sleep 0.1
done
[ "$ready" = 1 ] || fail "pingyi-server not ready (/readyz) within 10 s"

tests=("$@")
[ "${#tests[@]}" -gt 0 ] || tests=(tests/e2e/*.test.mjs)
PINGYI_E2E_BASE="http://127.0.0.1:$server_port" \
PINGYI_E2E_ADMIN_TOKEN="$admin_token" \
PINGYI_E2E_ADMIN_PASSWORD="$admin_password" \
PINGYI_E2E_VIEWER_PASSWORD="$viewer_password" \
PINGYI_E2E_AUDITOR_PASSWORD="$auditor_password" \
PINGYI_E2E_COUNTY_PASSWORD="$county_password" \
PINGYI_E2E_SECURITY_PASSWORD="$security_password" \
  node --test --test-concurrency=1 --test-reporter=spec "${tests[@]}"
