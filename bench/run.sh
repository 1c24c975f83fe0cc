#!/usr/bin/env bash
# `./dev bench`: pingyi against this machine's own ceilings, in one run.
# Starts a throwaway redis-server (appendonly no: the pure-speed run, no
# disk in the way), the WeChat API mock and pingyi-server (PINGYI_DEV=1,
# PINGYI_RATELIMIT=shadow so every limit is computed and none refuses,
# PINGYI_LOG_LEVEL=warn so access logs do not dominate), logs voters in
# through the real OAuth flow, then measures, each for the same duration:
#   1. the ceiling: GET /healthz on the same server (wrk)
#   2. ballots: authenticated POSTs from many voters (wrk + ballots.lua)
#   3. encrypted WeChat callbacks (wrk + wechat.lua)
#   4. Redis's own ceiling: redis-benchmark running the ballot script
#   5. ballots again with PINGYI_LOG_LEVEL=info (the access log's cost)
#   6. the limiter's refusals (PINGYI_RATELIMIT=enforce): the in-process
#      flood guard, and the ballot script's per-voter limit
#   7. latency at a fixed rate with an open-loop generator
#   8. server memory with many open keep-alive connections
# bench/README.md explains how to read the table this prints.
#
# Settings (environment): PINGYI_BENCH_BUILD (default build), _SECONDS (10),
# _VOTERS (5000), _RATE (5000), _CONNECTIONS (10000), _PROFILE=1 (perf record -a
# during the ballot run: CPU by process, the server's hottest symbols).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BUILD=${PINGYI_BENCH_BUILD:-build}
DURATION=${PINGYI_BENCH_SECONDS:-10}
VOTERS=${PINGYI_BENCH_VOTERS:-5000}
RATE=${PINGYI_BENCH_RATE:-5000}
HOLD=${PINGYI_BENCH_CONNECTIONS:-10000}
UNITS=5
WRK_THREADS=2
WRK_CONNECTIONS=64
BIN="$(realpath -m "$BUILD/bin")"
LOAD_BEFORE=$(cut -d" " -f1-3 /proc/loadavg)

for b in pingyi-server pingyi bench_login bench_open_loop bench_connections bench_wechat_bodies bench_ballot_command wechat_micro_bench; do
  [[ -x $BIN/$b ]] || { echo "missing $BIN/$b: build it (Release) first, e.g. ./dev build" >&2; exit 1; }
done
for t in wrk redis-server redis-benchmark redis-cli curl python3; do
  command -v "$t" >/dev/null || { echo "missing $t (./dev deps)" >&2; exit 1; }
done

# 10,000 connections need as many descriptors, in the server and the client.
ulimit -n "$(ulimit -Hn)"
(( $(ulimit -n) > HOLD + 1000 )) || { echo "ulimit -n is $(ulimit -n): too low for $HOLD connections" >&2; exit 1; }

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_http() {  # port path
  for _ in $(seq 200); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1$2") == 200 ]] && return 0
    sleep 0.05
  done
  echo "nothing answers on :$1$2" >&2
  return 1
}

redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$work" --save "" --appendonly no --daemonize no \
  >"$work/redis.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.05; done

mock_port=$(free_port)
"$BIN/pingyi" wechat mock-api --listen "127.0.0.1:$mock_port" >"$work/mock.log" 2>&1 &
pids+=($!)
wait_http "$mock_port" /__mock/stats

server_port=$(free_port)
admin_token=bench-admin-token-0123456789abcdef
aes_key=abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG
server_pid=
start_server() {  # log_level ratelimit_mode [config_file]
  # The bench's own PINGYI_BENCH_* settings are not the server's. It runs in
  # the scratch directory, so that a core dump (if any) lands there.
  (cd "$work" && ulimit -c unlimited && exec env $(compgen -e | sed -n 's/^PINGYI_BENCH_.*/-u &/p') \
  PINGYI_DEV=1 PINGYI_LOG_LEVEL="$1" PINGYI_RATELIMIT="$2" \
  PINGYI_LISTEN="127.0.0.1:$server_port" PINGYI_PUBLIC_URL="http://127.0.0.1:$server_port" \
  PINGYI_REDIS_URL="redis://127.0.0.1:$redis_port/0" PINGYI_ADMIN_TOKEN="$admin_token" \
  PINGYI_WECHAT_APPID=wxdev0000000000000 PINGYI_WECHAT_SECRET=devsecret PINGYI_WECHAT_TOKEN=devtoken \
  PINGYI_WECHAT_AES_KEY="$aes_key" \
  PINGYI_WECHAT_API_BASE="http://127.0.0.1:$mock_port" PINGYI_WECHAT_OPEN_BASE="http://127.0.0.1:$mock_port" \
  PINGYI_MAX_CONNECTIONS=$((HOLD + 1000)) PINGYI_MAX_CONNECTIONS_PER_IP=$((HOLD + 1000)) \
    "$BIN/pingyi-server" ${3:+--config "$3"} >>"$work/server.log" 2>&1) &
  server_pid=$!
  pids+=("$server_pid")
  wait_http "$server_port" /readyz
}
stop_server() {  # SIGTERM must end it cleanly (CONTRACT.md): say so when not
  kill -TERM "$server_pid"
  local status=0
  wait "$server_pid" || status=$?
  if ((status != 0)); then
    echo "WARNING: pingyi-server exited with status $status on SIGTERM; its log ends:" >&2
    tail -5 "$work/server.log" >&2
    local core
    for core in "$work"/core*; do
      [[ -f $core ]] && command -v gdb >/dev/null &&
        gdb -q -batch -ex bt "$BIN/pingyi-server" "$core" 2>&1 | grep '^#' | head -25 >&2
      rm -f "$core"
    done
  fi
}
create_campaign() {  # id
  local units="" i
  for i in $(seq "$UNITS"); do units+="${units:+,}{\"id\":\"u0$i\",\"name\":\"单位$i\"}"; done
  local status
  status=$(curl -s -o "$work/create.out" -w '%{http_code}' -X POST "http://127.0.0.1:$server_port/api/v1/campaigns" \
    -H "Authorization: Bearer $admin_token" -H 'Content-Type: application/json' \
    -d "{\"id\":\"$1\",\"title\":\"压测 $1\",\"opens_at\":\"2019-12-20T09:00:00+08:00\",\"closes_at\":\"2099-12-27T18:00:00+08:00\",\"units\":[$units]}")
  [[ $status == 201 ]] || { echo "creating campaign $1: HTTP $status $(cat "$work/create.out")" >&2; exit 1; }
}
accepted_ballots() {  # campaign
  curl -s -H "Authorization: Bearer $admin_token" "http://127.0.0.1:$server_port/api/v1/campaigns/$1/tally" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["ballots"])'
}

# The table: label, requests/s, p50 ms, p99 ms, what the answers were.
rows=()
row() { rows+=("$1|$2|$3|$4|$5"); }
rate_of() { for r in "${rows[@]}"; do [[ ${r%%|*} == "$1" ]] && { cut -d'|' -f2 <<<"$r"; return; }; done; echo 0; }

to_ms() { awk '{ v = $1 + 0; if ($1 ~ /us$/) v /= 1000; else if ($1 ~ /[^m]s$/) v *= 1000; printf "%.2f", v }'; }
wrk_run() {  # label url [script [script args...]]
  local label=$1 url=$2 script=()
  shift 2
  if (($#)); then script=(-s "$1" "$url" --); shift; else script=("$url"); fi
  log "$label: wrk -t$WRK_THREADS -c$WRK_CONNECTIONS -d${DURATION}s"
  wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"${DURATION}s" --latency "${script[@]}" "$@" >"$work/$label.wrk" 2>&1 || true
  cat "$work/$label.wrk" >&2
  local rps p50 p99 mix
  rps=$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$work/$label.wrk")
  p50=$(awk '$1 == "50%" { print $2 }' "$work/$label.wrk" | to_ms)
  p99=$(awk '$1 == "99%" { print $2 }' "$work/$label.wrk" | to_ms)
  mix=$(sed -n 's/^STATUSES //p' "$work/$label.wrk")
  grep -q '^WARNING' "$work/$label.wrk" && mix+=" (ran out of fresh callbacks)"
  row "$label" "${rps:-0}" "${p50:-?}" "${p99:-?}" "${mix:-all 200}"
}

log "starting pingyi-server (warn, shadow) on :$server_port, redis on :$redis_port, mock on :$mock_port"
start_server warn shadow
for c in bw bi bo bl br; do create_campaign "$c"; done

log "logging in $VOTERS voters through the OAuth flow (server -> mock -> callback)"
t0=$SECONDS
"$BIN/bench_login" --port "$server_port" --cid bw --voters "$VOTERS" --out "$work/voters.tsv"
log "logged in $VOTERS voters in $((SECONDS - t0)) s"

# 1. The ceiling.
wrk_run healthz "http://127.0.0.1:$server_port/healthz"

# 2. Ballots.
url_of() { echo "http://127.0.0.1:$server_port/api/v1/campaigns/$1/ballots"; }
if [[ ${PINGYI_BENCH_PROFILE:-0} == 1 ]] && command -v perf >/dev/null; then
  perf record -a -F 499 -o "$work/perf.data" -- sleep "$DURATION" >/dev/null 2>&1 &
  perf_pid=$!
fi
wrk_run ballots "$(url_of bw)" bench/ballots.lua "$work/voters.tsv" bw "$UNITS" "$WRK_THREADS"
if [[ -n ${perf_pid:-} ]]; then
  wait "$perf_pid" || true
  log "profile during the ballot run: CPU by process, then pingyi-server's top 30 (flat)"
  perf report -i "$work/perf.data" --stdio --no-children --sort comm 2>/dev/null | grep -v '^#' | grep -v '^$' |
    head -8 >&2 || true
  perf report -i "$work/perf.data" --stdio --no-children --comm pingyi-server --sort dso,symbol 2>/dev/null |
    grep -v '^#' | grep -v '^$' | sed 's/  *- *- *$//' | cut -c1-160 | head -30 >&2 || true
fi
bw_accepted=$(accepted_ballots bw)

# 3. Encrypted WeChat callbacks: enough fresh ones for the run at a generous
# rate, as wrk's threads need not share the work evenly.
log "building signed, encrypted WeChat callbacks"
"$BIN/bench_wechat_bodies" --token devtoken --aes-key "$aes_key" --appid wxdev0000000000000 \
  --count $((DURATION * 60000)) --out "$work/wechat.tsv"
wrk_run wechat "http://127.0.0.1:$server_port/wechat" bench/wechat.lua "$work/wechat.tsv" "$WRK_THREADS"

# 4. Redis's own ceiling: the same script, the same arguments, no HTTP.
log "redis-benchmark: EVALSHA of the ballot script"
mapfile -d '' evalsha < <("$BIN/bench_ballot_command" --cid br --source "$work/ballot_script.lua")
loaded=$(redis-cli -p "$redis_port" -x SCRIPT LOAD <"$work/ballot_script.lua")
[[ $loaded == "${evalsha[1]}" ]] || { echo "SCRIPT LOAD gave $loaded, expected ${evalsha[1]}" >&2; exit 1; }
# As many calls as the wrk run made ballots, over as many voter slots
# (VOTERS x UNITS possible acceptances): the same share is accepted, and an
# accepted ballot costs Redis about twice what a refused one does.
rb_requests=$(awk '/requests in/ { print $1; exit }' "$work/ballots.wrk")
rb_requests=${rb_requests:-100000}
redis-benchmark -p "$redis_port" -c 50 -P 16 -n "$rb_requests" -r $((VOTERS * UNITS)) --csv "${evalsha[@]}" \
  >"$work/rb.csv" 2>&1
cat "$work/rb.csv" >&2
# The CSV's first column is the whole command line: take the numbers by position.
read -r rps p50 p99 < <(python3 -c 'import csv, sys; r = list(csv.reader(sys.stdin))[-1]; print(r[1], r[4], r[6])' <"$work/rb.csv")
row redis-benchmark "$(printf '%.0f' "$rps")" "$p50" "$p99" "$(accepted_ballots br) of $rb_requests accepted (-c 50 -P 16)"

# 5. The access log's cost: the same ballots with PINGYI_LOG_LEVEL=info.
stop_server
start_server info shadow
wrk_run ballots-info "$(url_of bi)" bench/ballots.lua "$work/voters.tsv" bi "$UNITS" "$WRK_THREADS"
bi_accepted=$(accepted_ballots bi)

# 6. The limiter refusing. First the flood guard in front (enforce, default
# limits: wrk is one address, so nearly every ballot is refused in-process).
stop_server
start_server warn enforce
wrk_run 429-flood-guard "$(url_of bl)" bench/ballots.lua "$work/voters.tsv" bl "$UNITS" "$WRK_THREADS"
# Then the ballot script's own limit: one ballot per voter an hour, the
# address limits out of the way, so each refusal is a full EVALSHA.
stop_server
cat >"$work/limits.json" <<JSON
{"ratelimit": {"limits": {
  "flood_address": {"count": 1000000, "period_s": 1, "burst": 1000000},
  "ballot_address": {"count": 1000000, "period_s": 1, "burst": 1000000},
  "ballot_voter": {"count": 1, "period_s": 3600, "burst": 0}}}}
JSON
start_server warn enforce "$work/limits.json"
create_campaign bs
wrk_run 429-voter-limit "$(url_of bs)" bench/ballots.lua "$work/voters.tsv" bs "$UNITS" "$WRK_THREADS"
stop_server

# 7 and 8 run on the first configuration.
start_server warn shadow
log "open-loop ballots at $RATE/s for ${DURATION}s"
"$BIN/bench_open_loop" --port "$server_port" --cid bo --voters "$work/voters.tsv" --rate "$RATE" \
  --seconds "$DURATION" --units "$UNITS" | tee "$work/open_loop.txt" >&2 || true
open_loop=$(grep '^RESULT' "$work/open_loop.txt" || true)

log "$HOLD keep-alive connections"
"$BIN/bench_connections" --port "$server_port" --pid "$server_pid" --connections "$HOLD" |
  tee "$work/connections.txt" >&2 || true
held=$(grep '^RESULT' "$work/connections.txt" || true)

field() { sed -n "s/.*$1=\\([^ ]*\\).*/\\1/p" <<<"$2"; }
healthz=$(rate_of healthz)
ballots=$(rate_of ballots)
redis_rate=$(rate_of redis-benchmark)
pct() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.0f%%", 100 * a / b; else print "?" }'; }
verdict() { awk -v ok="$1" 'BEGIN { print (ok ? "met" : "NOT met") }'; }

echo
printf 'pingyi bench, %s, %s, load average before: %s\n' "$(date -u +%FT%TZ)" "$(nproc) cores" "$LOAD_BEFORE"
printf '%-16s %10s %9s %9s  %s\n' run "req/s" "p50 ms" "p99 ms" answers
for r in "${rows[@]}"; do
  IFS='|' read -r label rps p50 p99 mix <<<"$r"
  printf '%-16s %10s %9s %9s  %s\n' "$label" "$rps" "$p50" "$p99" "$mix"
done
echo "ballots accepted: bw $bw_accepted, bi $bi_accepted (of the wrk requests above; the rest 409)"
echo
printf '%-50s %10s  %s\n' target measured verdict
printf '%-50s %10s  %s\n' "ballots / healthz >= 50%" "$(pct "$ballots" "$healthz")" \
  "$(verdict "$(awk -v a="$ballots" -v b="$healthz" 'BEGIN { print (b > 0 && a / b >= 0.5) }')")"
printf '%-50s %10s  %s\n' "ballots / redis-benchmark script >= 60%" "$(pct "$ballots" "$redis_rate")" \
  "$(verdict "$(awk -v a="$ballots" -v b="$redis_rate" 'BEGIN { print (b > 0 && a / b >= 0.6) }')")"
p99=$(field p99_ms "$open_loop" | awk '{ printf "%.2f", $1 }')
printf '%-50s %10s  %s\n' "open-loop p99 at $RATE ballots/s <= 10 ms" "${p99:-?} ms" \
  "$(verdict "$(awk -v p="${p99:-1e9}" 'BEGIN { print (p <= 10) }')") (p50 $(field p50_ms "$open_loop" | awk '{ printf "%.2f", $1 }') ms, max $(field max_ms "$open_loop" | awk '{ printf "%.2f", $1 }') ms)"
rss=$(field rss_kib "$held")
printf '%-50s %10s  %s\n' "RSS with $HOLD keep-alive connections <= 100 MB" \
  "$(awk -v k="${rss:-0}" 'BEGIN { printf "%.1f MB", k * 1024 / 1e6 }')" \
  "$(verdict "$(awk -v k="${rss:-1e9}" -v n="$(field connections "$held")" -v h="$HOLD" 'BEGIN { print (k * 1024 <= 100e6 && n == h) }')") ($(field connections "$held") open; $(awk -v k="$(field rss_before_kib "$held")" 'BEGIN { printf "%.1f MB", k * 1024 / 1e6 }') before)"
echo
# The callback's pure work on one core (no HTTP, no Redis), to tell the
# endpoint's own cost from the rest of run (3).
"$BIN/wechat_micro_bench" 3
