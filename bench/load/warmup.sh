#!/usr/bin/env bash
# Time to full speed of a freshly started gateway: starts the load tools' upstream and `bulwark serve` (default
# pipeline, one route, request log on as in the load run) on 127.0.0.1, records the milliseconds to the first proxied
# 200, then runs wrk in one-second steps from the first request and prints requests/s and the gateway's CPU time per
# request for each step and over the whole run. Everything it starts is stopped on exit; the run is bounded by timeout(1).
#
#   bench/load/warmup.sh [STEPS] [CONNECTIONS]      defaults: 12 steps of 1 s, 32 connections
#
# Runtime settings to compare go in the environment, e.g. `DOTNET_TieredPGO=0 bench/load/warmup.sh`.
# PERF_AT=N records a perf profile (perf maps on) of the gateway during step N into $WORK/perf.data and keeps $WORK.
# Build first (Release): the gateway and bench/load/Bulwark.LoadTools.
set -euo pipefail

steps="${1:-12}"
connections="${2:-32}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
load="$repo/bench/load/Bulwark.LoadTools/bin/Release/net10.0/bulwark-load"
bulwark="${BULWARK:-$repo/src/Bulwark.Gateway/bin/Release/net10.0/bulwark}"
for exe in "$load" "$bulwark" "$(command -v wrk)" "$(command -v curl)"; do
    [[ -x "$exe" ]] || { echo "missing: $exe (build in Release; install wrk and curl)" >&2; exit 2; }
done

work="$(mktemp -d -t bulwark-warmup.XXXXXX)"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    [[ -n "${PERF_AT:-}" ]] || rm -rf "$work"
}
trap cleanup EXIT

mapfile -t ports < <("$load" ports 2)
up_port="${ports[0]}"
gw_port="${ports[1]}"
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
wait_ok() {
    for _ in $(seq 1500); do
        curl -s -f -o /dev/null --max-time 1 "$1" && return 0
        sleep 0.02
    done
    echo "not ready after 30 s: $1" >&2
    return 1
}

"$load" upstream --port "$up_port" >"$work/upstream.log" 2>&1 &
pids+=($!)
wait_ok "http://127.0.0.1:$up_port/api/item"

mkdir -p "$work/config"
cat >"$work/config/bulwark.json" <<JSON
{
  "Bulwark": {
    "Shutdown": { "DrainDelay": "00:00:00" },
    "Storage": { "Path": "$work/bulwark.db" },
    "Providers": { "p1": { "BaseUrl": "http://127.0.0.1:$up_port" } },
    "Routes": [ { "Path": "/api/{**rest}", "Providers": [ "p1" ] } ]
  }
}
JSON

t0="$(now_ms)"
"$bulwark" serve --config "$work/config/bulwark.json" --urls "http://127.0.0.1:$gw_port" >"$work/gateway.log" 2>&1 &
gw_pid=$!
pids+=("$gw_pid")
wait_ok "http://127.0.0.1:$gw_port/api/item"
echo "ready_ms $(( $(now_ms) - t0 ))"

ticks="$(getconf CLK_TCK)"
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
cpu_start="$(cpu_ticks "$gw_pid")"
total=0
for step in $(seq "$steps"); do
    if [[ "${PERF_AT:-}" == "$step" ]]; then
        timeout 5s perf record -F 999 -g -o "$work/perf.data" -p "$gw_pid" -- sleep 1 >/dev/null 2>&1 &
        pids+=($!)
    fi
    before="$(cpu_ticks "$gw_pid")"
    out="$(timeout 10s wrk -t 2 -c "$connections" -d 1s "http://127.0.0.1:$gw_port/api/item")"
    after="$(cpu_ticks "$gw_pid")"
    rps="$(awk '/^Requests\/sec:/ { printf "%d", $2 }' <<<"$out")"
    reqs="$(awk '/requests in/ { print $1 }' <<<"$out")"
    total=$((total + reqs))
    # CPU time per request is the gateway's own cost: less disturbed than requests/s by other work on the machine.
    awk -v s="$step" -v r="$rps" -v t="$((after - before))" -v hz="$ticks" -v n="$reqs" \
        'BEGIN { printf "step %d rps %d cpu_us_per_request %.0f\n", s, r, t / hz * 1e6 / n }'
done
cpu_end="$(cpu_ticks "$gw_pid")"
awk -v t="$((cpu_end - cpu_start))" -v hz="$ticks" -v n="$total" 'BEGIN { printf "cpu_us_per_request %.1f (%d requests)\n", t / hz * 1e6 / n, n }'
awk '/^VmRSS:/ { printf "rss_mb %.1f\n", $2 / 1024 }' "/proc/$gw_pid/status"
[[ -z "${PERF_AT:-}" ]] || echo "perf data: $work/perf.data"
