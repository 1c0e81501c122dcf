#!/usr/bin/env bash
# Fleet mode of the load harness: what sharing state on Redis adds to a request through the real `bulwark serve`, at
# fixed rates from the open-model generator, on 127.0.0.1. See bench/load/README.md ("Fleet mode").
#
#   bench/load/fleet.sh                full run (about 9 minutes): writes bench/results/<date>-fleet-load.md
#   bench/load/fleet.sh --quick        smoke run (under a minute): every target serves a little traffic; report in a
#                                      temporary directory (or --out)
#   options: --out DIR (report directory), --no-build (use existing builds), --configuration C (the builds to use,
#            Release by default), --rounds N (A/B alternations per rate; full: 4), --rates "R1 R2" (full: "100 500"),
#            --no-diagnose (full run without the syscall and Redis-command counts taken after the measurements)
#
# Two gateways run side by side on the same upstream, identical but for shared state:
#   A  alone: SQLite store; a strict token budget counts the OpenAI route (large enough never to refuse)
#   B  in a fleet: the same, plus "SharedState": { "Provider": "Redis" } on the harness's own redis-server
# Targets: chat (POST /v1/chat/completions, budgeted) and get (GET /api/item, no budget: the closed-breaker path), on
# A and on B, measured A, B, A, B... in the same run. Every process it starts is stopped on exit, whatever the exit path.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
mode=full
build=1
out=""
configuration=Release
rounds=""
rates=""
diagnose=1
while [[ $# -gt 0 ]]; do
    case "$1" in
        --quick) mode=quick ;;
        --no-build) build=0 ;;
        --out) out="$2"; shift ;;
        --configuration) configuration="$2"; shift ;;
        --rounds) rounds="$2"; shift ;;
        --rates) rates="$2"; shift ;;
        --no-diagnose) diagnose=0 ;;
        *) echo "unknown option $1" >&2; exit 64 ;;
    esac
    shift
done

if [[ "$mode" == quick ]]; then
    # Light on purpose: it runs in CI beside other test assemblies and only has to show every target serving.
    warm_seconds=1; warm_rate=50; seconds=1; rate_warmup=1
    rounds="${rounds:-1}"; rates="${rates:-100}"; diagnose=0
else
    # .NET processes reach full speed once tiered JIT has finished: every target gets the same warm-up first.
    warm_seconds=15; warm_rate=500; seconds=10; rate_warmup=2
    rounds="${rounds:-4}"; rates="${rates:-100 500}"
fi
read -r -a rate_list <<<"$rates"
load_at_start="$(cut -d' ' -f1-3 /proc/loadavg)"
harness="fleet load harness"
# shellcheck source=processes.sh
source "$repo/bench/load/processes.sh"
setup_output fleet fleet-load

log() { echo "[fleet $(date -u +%H:%M:%S)] $*" >&2; }

# --- tools -----------------------------------------------------------------------------------------------------------
missing=()
for tool in redis-server redis-cli curl; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [[ $diagnose -eq 1 ]] && ! command -v strace >/dev/null 2>&1; then missing+=(strace); fi
if [[ ${#missing[@]} -gt 0 ]]; then
    # The harness installs nothing: eng/test.sh installs the tests' packages as root.
    packages="$(printf '%s\n' "${missing[@]}" | sed 's/^redis-server$/redis-server/; s/^redis-cli$/redis-tools/' | sort -u | tr '\n' ' ')"
    echo "fleet.sh needs ${missing[*]} (Debian packages): apt-get install -y --no-install-recommends $packages" >&2
    exit 2
fi

tools_dir="$repo/bench/load/Bulwark.LoadTools/bin/$configuration/net10.0"
gateway_dir="$repo/src/Bulwark.Gateway/bin/$configuration/net10.0"
if [[ $build -eq 1 ]]; then
    log "building ($configuration)"
    dotnet build "$repo/bench/load/Bulwark.LoadTools/Bulwark.LoadTools.csproj" -c "$configuration" --nologo -v q >/dev/null
    dotnet build "$repo/src/Bulwark.Gateway/Bulwark.Gateway.csproj" -c "$configuration" --nologo -v q >/dev/null
fi
load="$tools_dir/bulwark-load"
bulwark="$gateway_dir/bulwark"
for exe in "$load" "$bulwark"; do
    [[ -x "$exe" ]] || { echo "$exe is missing: build in $configuration first (or run without --no-build)" >&2; exit 1; }
done

mapfile -t ports < <("$load" ports 4)
[[ ${#ports[@]} -eq 4 ]] || { echo "could not find 4 free ports" >&2; exit 1; }
up_port="${ports[0]}"; redis_port="${ports[1]}"; a_port="${ports[2]}"; b_port="${ports[3]}"
mkdir -p "$work/logs"

# start NAME READY_URL CMD...: starts CMD in the background, its pid in $started_pid, and waits (30 s at most) until
# READY_URL answers 2xx.
start() {
    local name="$1" url="$2"
    shift 2
    "$@" >"$work/logs/$name.log" 2>&1 &
    started_pid=$!
    pids+=("$started_pid")
    for _ in $(seq 3000); do
        curl -s -f -o /dev/null --max-time 1 "$url" && return 0
        kill -0 "$started_pid" 2>/dev/null || { echo "$name exited during start" >&2; cat "$work/logs/$name.log" >&2; return 1; }
        sleep 0.01
    done
    echo "$name not ready after 30 s" >&2
    return 1
}

kv() { tr ' ' '\n' <<<"$2" | awk -F= -v k="$1" '$1 == k { print $2 }'; }
# CPU time of a process in clock ticks (user + system, dead threads included).
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
ticks_per_second="$(getconf CLK_TCK)"
# CPU time of a process in nanoseconds: the sum over its threads' schedstat (for Redis, whose threads live as long as it).
cpu_ns() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { printf "%.0f", s }'; }
# Context switches of a process's threads (voluntary: it waited; involuntary: it was preempted), summed over the threads
# alive now (a thread that ended takes its count along: steady-state pools keep theirs).
ctx_switches() { cat /proc/"$1"/task/*/status 2>/dev/null | awk '/^(non)?voluntary_ctxt_switches:/ { s += $2 } END { printf "%.0f", s }'; }
rcli() { redis-cli -p "$redis_port" "$@"; }
# Redis's per-command call counts, "command calls" a line.
redis_calls() { rcli info commandstats | tr -d '\r' | awk -F'[:,=]' '/^cmdstat_/ { sub("cmdstat_", "", $1); print $1, $3 }' | sort; }
# redis_delta BEFORE AFTER: "command:calls" pairs of what ran between the two snapshots, most calls first.
redis_delta() {
    join -a 2 -e 0 -o '2.1,1.2,2.2' <(echo "$1") <(echo "$2") | awk '$1 != "info" && $3 - $2 > 0 { print $1 ":" $3 - $2 }' | sort -t: -k2 -nr | tr '\n' ' '
}
# Microseconds Redis spent running scripts (EVALSHA and EVAL, from INFO commandstats): the scripts' own execution time.
redis_script_us() { rcli info commandstats | tr -d '\r' | awk -F'[:,=]' '/^cmdstat_eval(sha)?:/ { s += $5 } END { printf "%.0f", s }'; }
redis_total() { tr ' ' '\n' <<<"$1" | awk -F: 'NF == 2 { s += $2 } END { printf "%d", s }'; }

# --- processes -------------------------------------------------------------------------------------------------------
log "mode $mode: redis-server, upstream, gateway A (alone) and B (shared state on Redis) on 127.0.0.1"
mkdir -p "$work/redis"
# Never the system's service: its own instance, no persistence, data directory in the temporary directory.
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work/redis" --daemonize no \
    >"$work/logs/redis.log" 2>&1 &
redis_pid=$!
pids+=("$redis_pid")
for _ in $(seq 3000); do
    [[ "$(rcli ping 2>/dev/null)" == PONG ]] && break
    kill -0 "$redis_pid" 2>/dev/null || { echo "redis-server exited during start" >&2; cat "$work/logs/redis.log" >&2; exit 1; }
    sleep 0.01
done
[[ "$(rcli ping 2>/dev/null)" == PONG ]] || { echo "redis-server not ready after 30 s" >&2; exit 1; }

start upstream "http://127.0.0.1:$up_port/api/item" "$load" upstream --port "$up_port"

# gateway_config NAME SHARED_STATE_LINE: each gateway in a directory of its own (its configuration file's directory is
# watched; its log goes to $work/logs), with its own SQLite store.
gateway_config() {
    local dir="$work/$1"
    mkdir -p "$dir"
    cat >"$dir/bulwark.json" <<EOF
{
  "Bulwark": {
    $2
    "Shutdown": { "DrainDelay": "00:00:00" },
    "Storage": { "Path": "$dir/bulwark.db" },
    "Budgets": { "Items": { "everyone": { "Per": "Global", "Period": "Day", "Tokens": 1000000000000000, "Mode": "Strict" } } },
    "Providers": { "p1": { "BaseUrl": "http://127.0.0.1:$up_port" } },
    "Routes": [
      { "Path": "/api/{**rest}", "Providers": [ "p1" ] },
      { "Path": "/v1/{**rest}", "Providers": [ "p1" ], "Api": "OpenAI" }
    ]
  }
}
EOF
}
gateway_config a ""
gateway_config b "\"SharedState\": { \"Provider\": \"Redis\", \"Configuration\": \"127.0.0.1:$redis_port\" },"
declare -A gw_pid gw_port=([a]="$a_port" [b]="$b_port")
for g in a b; do
    start "gateway-$g" "http://127.0.0.1:${gw_port[$g]}/api/item" "$bulwark" serve --config "$work/$g/bulwark.json" --urls "http://127.0.0.1:${gw_port[$g]}"
    gw_pid[$g]=$started_pid
done

chat_body="$work/chat.json"
printf '%s' '{"model":"gpt-4o-mini","max_completion_tokens":50,"messages":[{"role":"user","content":"Say hello"}]}' >"$chat_body"
# A budgeted request must be served (200), not refused: checked once on each gateway before anything is measured.
for g in a b; do
    code="$(curl -s -o "$work/first-chat-$g.json" -w '%{http_code}' -X POST -H 'Content-Type: application/json' --data-binary "@$chat_body" "http://127.0.0.1:${gw_port[$g]}/v1/chat/completions")"
    [[ "$code" == 200 ]] || { echo "gateway $g answered $code to a budgeted chat completion:" >&2; cat "$work/first-chat-$g.json" >&2; exit 1; }
done

# run_target GATEWAY KIND RATE SECONDS WARMUP: prints the generator's line followed by the gateway's CPU ticks and
# context switches, Redis's
# CPU nanoseconds and the Redis commands run meanwhile (counted from before the first request to after the last).
run_target() {
    local g="$1" kind="$2" r="$3" s="$4" w="$5" args=()
    if [[ "$kind" == chat ]]; then
        args=(--url "http://127.0.0.1:${gw_port[$g]}/v1/chat/completions" --body "$chat_body")
    else
        args=(--url "http://127.0.0.1:${gw_port[$g]}/api/item")
    fi
    local c0 r0 k0 line c1 r1 k1
    c0="$(cpu_ticks "${gw_pid[$g]}")"; x0="$(ctx_switches "${gw_pid[$g]}")"; r0="$(cpu_ns "$redis_pid")"; k0="$(redis_calls)"; u0="$(redis_script_us)"
    local t0 t1
    t0="$(date +%s%N)"
    line="$("$load" rate "${args[@]}" --rps "$r" --seconds "$s" --warmup-seconds "$w" --timeout-seconds 10)"
    t1="$(date +%s%N)"
    c1="$(cpu_ticks "${gw_pid[$g]}")"; x1="$(ctx_switches "${gw_pid[$g]}")"; r1="$(cpu_ns "$redis_pid")"; k1="$(redis_calls)"; u1="$(redis_script_us)"
    echo "$line wall_ms=$(( (t1 - t0) / 1000000 )) gw_ticks=$((c1 - c0)) gw_cs=$((x1 - x0)) redis_ns=$((r1 - r0)) redis_script_us=$((u1 - u0)) redis_cmds=$(redis_total "$(redis_delta "$k0" "$k1")")"
    redis_delta "$k0" "$k1" >"$work/last-redis-delta"
}

targets=(a-chat b-chat a-get b-get)
for t in "${targets[@]}"; do
    g="${t%%-*}"; kind="${t#*-}"
    log "$t: warm-up ${warm_rate}/s for ${warm_seconds}s"
    line="$(run_target "$g" "$kind" "$warm_rate" "$warm_seconds" 0)"
    [[ "$(kv ok "$line")" -gt 0 ]] || { echo "$t served nothing in its warm-up: $line" >&2; exit 1; }
done

# What each gateway and Redis use with no traffic at all (timers, background work): reported, and taken off the CPU per
# request, which at 100 requests/s it would otherwise dominate.
idle_seconds=5
[[ "$mode" == quick ]] && idle_seconds=1
log "idle: ${idle_seconds}s with no traffic"
ia0="$(cpu_ticks "${gw_pid[a]}")"; ib0="$(cpu_ticks "${gw_pid[b]}")"; ir0="$(cpu_ns "$redis_pid")"
sleep "$idle_seconds"
ia1="$(cpu_ticks "${gw_pid[a]}")"; ib1="$(cpu_ticks "${gw_pid[b]}")"; ir1="$(cpu_ns "$redis_pid")"
declare -A idle_ticks_per_s
idle_ticks_per_s[a]="$(awk -v t="$((ia1 - ia0))" -v s="$idle_seconds" 'BEGIN { print t / s }')"
idle_ticks_per_s[b]="$(awk -v t="$((ib1 - ib0))" -v s="$idle_seconds" 'BEGIN { print t / s }')"
idle_redis_ns_per_s="$(awk -v t="$((ir1 - ir0))" -v s="$idle_seconds" 'BEGIN { print t / s }')"

printf 'target\trate\tround\tsent\tok\terrors\ttimeouts\tredis_cmds\n' >"$summary"
declare -A result redis_by_cmd
for r in "${rate_list[@]}"; do
    for round in $(seq "$rounds"); do
        # A first in odd rounds, B first in even ones: neither always runs right after the other's load.
        order=("${targets[@]}")
        ((round % 2 == 1)) || order=(b-chat a-chat b-get a-get)
        for t in "${order[@]}"; do
            g="${t%%-*}"; kind="${t#*-}"
            line="$(run_target "$g" "$kind" "$r" "$seconds" "$rate_warmup")"
            result[$t.$r.$round]="$line"
            redis_by_cmd[$t.$r.$round]="$(cat "$work/last-redis-delta")"
            log "$t @${r}/s round $round: $line"
            printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "$r" "$round" "$(kv sent "$line")" "$(kv ok "$line")" \
                "$(kv errors "$line")" "$(kv timeouts "$line")" "$(kv redis_cmds "$line")" >>"$summary"
        done
    done
done

# --- diagnostics: what a budgeted request does on Redis and in system calls ------------------------------------------
declare -A monitor_lines strace_top strace_per
monitor_n=0
script_times=""
redis_rtt=""
if [[ $diagnose -eq 1 ]]; then
    # Redis's MONITOR shows each command a client sent (its round trips) and, marked "lua", the commands the scripts
    # ran inside Redis. 50 requests one after another, with the settlement's background work given time to land.
    monitor_n=50
    log "diagnostics: Redis commands of $monitor_n budgeted requests on B (MONITOR)"
    timeout 30 redis-cli -p "$redis_port" monitor >"$work/monitor.log" 2>&1 &
    monitor_pid=$!
    pids+=("$monitor_pid")
    sleep 0.5
    for _ in $(seq "$monitor_n"); do
        curl -s -o /dev/null -X POST -H 'Content-Type: application/json' --data-binary "@$chat_body" "http://127.0.0.1:$b_port/v1/chat/completions"
    done
    sleep 1.5
    kill "$monitor_pid" 2>/dev/null || true
    wait "$monitor_pid" 2>/dev/null || true
    # Then the same again with MONITOR off and the slow log at a threshold of 0: every command with its execution time,
    # the scripts' own time (each command the scripts run is logged too, which adds a little to them).
    rcli config set slowlog-max-len 4096 >/dev/null
    rcli slowlog reset >/dev/null
    rcli config set slowlog-log-slower-than 0 >/dev/null
    for _ in $(seq "$monitor_n"); do
        curl -s -o /dev/null -X POST -H 'Content-Type: application/json' --data-binary "@$chat_body" "http://127.0.0.1:$b_port/v1/chat/completions"
    done
    sleep 1.5
    rcli config set slowlog-log-slower-than 10000 >/dev/null
    # Entries are [id, time, microseconds, ["evalsha", sha, numkeys, keys..., args...], client, name]; with one counter,
    # the reservation's script has 14 arguments, the settlement's 11.
    script_times="$(rcli --json slowlog get 4096 | { grep -o -i '[0-9]*,\["evalsha",[^]]*\]' || true; } | awk -F, '
        { n = NF - 1; kind = (n == 14) ? "reserve" : (n == 11) ? "settle" : "script of " n " arguments"; t[kind] += $1; c[kind]++ }
        END { for (k in t) printf "%s %.0f µs (%d runs); ", k, t[k] / c[k], c[k] }')"
    # "1733.123 [0 127.0.0.1:5555] "EVALSHA" ..." from a client; "[0 lua] ..." from inside a script.
    monitor_lines[client]="$(awk '/^[0-9.]+ \[[0-9]+ [0-9.]+:[0-9]+\]/ { c = toupper($4); gsub(/"/, "", c); n[c]++ } END { for (k in n) printf "%s:%.2f ", k, n[k] / '"$monitor_n"' }' "$work/monitor.log")"
    monitor_lines[lua]="$(awk '/^[0-9.]+ \[[0-9]+ lua\]/ { c = toupper($4); gsub(/"/, "", c); n[c]++ } END { for (k in n) printf "%s:%.2f ", k, n[k] / '"$monitor_n"' }' "$work/monitor.log")"
    # A bare round trip to Redis from its own C client, a PING every 10 ms (as requests at 100/s) for a second (what
    # --raw does): what any round trip costs on this machine now, wake-ups of both processes included.
    log "diagnostics: redis-cli --latency"
    redis_rtt="$(timeout 10 redis-cli -p "$redis_port" --latency --raw 2>/dev/null || true)"
    # strace -c -f on each gateway during 5 s at 100 requests/s: system calls per request (strace slows the process
    # down; these counts are not latencies).
    for g in a b; do
        log "diagnostics: system calls of gateway $g, 100 budgeted requests/s for 5 s (strace -c -f)"
        strace -c -f -o "$work/strace-$g.txt" -p "${gw_pid[$g]}" >/dev/null 2>&1 &
        strace_pid=$!
        pids+=("$strace_pid")
        sleep 1
        "$load" rate --url "http://127.0.0.1:${gw_port[$g]}/v1/chat/completions" --body "$chat_body" --rps 100 --seconds 5 --warmup-seconds 0 --timeout-seconds 10 >/dev/null
        kill -INT "$strace_pid" 2>/dev/null || true
        wait "$strace_pid" 2>/dev/null || true
        # strace's summary: "% time seconds usecs/call calls errors syscall"; the total line last.
        strace_per[$g]="$(awk '$NF == "total" { printf "%.1f", $4 / 500 }' "$work/strace-$g.txt")"
        strace_top[$g]="$(awk '$1 ~ /^[0-9.]+$/ && $NF != "total" { printf "%s:%.1f\n", $NF, $4 / 500 }' "$work/strace-$g.txt" | sort -t: -k2 -nr | head -8 | tr '\n' ' ')"
    done
fi
load_at_end="$(cut -d' ' -f1-3 /proc/loadavg)"

# --- report ----------------------------------------------------------------------------------------------------------
f3() { awk -v v="$1" 'BEGIN { printf "%.3f", v }'; }
diff_ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.3f", a - b }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "n/a" }'; }
per_request() { awk -v v="$1" -v n="$2" 'BEGIN { if (n > 0) printf "%.1f", v / n; else printf "n/a" }'; }
# Requests a run sent in all (its unrecorded warm-up seconds too): the CPU and Redis counts cover the whole run.
all_sent() { echo $(( $1 * ($seconds + rate_warmup) )); }
# CPU per request with the idle use over the run's wall time taken off (gw_us TARGET LINE RATE).
gw_us() {
    local g="${1%%-*}" line="$2" r="$3"
    per_request "$(awk -v t="$(kv gw_ticks "$line")" -v idle="${idle_ticks_per_s[$g]}" -v ms="$(kv wall_ms "$line")" -v hz="$ticks_per_second" \
        'BEGIN { print (t - idle * ms / 1000) / hz * 1e6 }')" "$(all_sent "$r")"
}
redis_us() {
    local line="$1" r="$2"
    per_request "$(awk -v ns="$(kv redis_ns "$line")" -v idle="$idle_redis_ns_per_s" -v ms="$(kv wall_ms "$line")" 'BEGIN { print (ns - idle * ms / 1000) / 1000 }')" "$(all_sent "$r")"
}
# Context switches per request; "n/a" when a thread ended during the run and took its count along (a negative delta).
switches() { local cs; cs="$(kv gw_cs "$1")"; if [[ "$cs" -lt 0 ]]; then echo "n/a"; else per_request "$cs" "$(all_sent "$2")"; fi; }
median() { tr ' ' '\n' | awk 'NF' | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) printf "%.3f", v[(NR + 1) / 2]; else printf "%.3f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
non2xx() { local line="$1"; echo $(( $(kv sent "$line") - $(kv ok "$line") )); }
verdict() { awk -v v="$1" -v goal="$2" 'BEGIN { print (v <= goal) ? "met" : "**missed**" }'; }

command_line="bench/load/fleet.sh"
[[ $mode == quick ]] && command_line+=" --quick"
[[ "$rates" == "100 500" || $mode == quick ]] || command_line+=" --rates \"$rates\""
[[ "$rounds" == 4 || $mode == quick ]] || command_line+=" --rounds $rounds"
[[ $diagnose -eq 1 || $mode == quick ]] || command_line+=" --no-diagnose"
cpu="$(awk -F: '/model name/ { gsub(/^ +/, "", $2); print $2; exit }' /proc/cpuinfo)"
os="$(. /etc/os-release && echo "$PRETTY_NAME")"
dotnet_version="$(dotnet --list-runtimes 2>/dev/null | awk '/Microsoft.AspNetCore.App/ { v = $2 } END { print v }')"
redis_version="$(redis-server --version | sed 's/.* v=\([^ ]*\).*/\1/')"
commit="$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)"
cores="$(nproc)"

{
    echo "# Fleet load run — $stamp ($mode)"
    echo
    echo "Machine: $cpu, $cores cores, $os; .NET $dotnet_version, Redis $redis_version; Bulwark commit $commit."
    echo "Load average at start: $load_at_start (1, 5, 15 min); at end: $load_at_end. One run of \`$command_line\` on a $cores-core machine shared with other work, so the figures carry noise; generator, gateways, upstream and Redis share the cores."
    echo
    echo "Gateways (\`bulwark serve\`, build output, request log on to a file, both running throughout): **A** alone (SQLite store) and **B** the same plus \`\"SharedState\": { \"Provider\": \"Redis\" }\` on the harness's own \`redis-server\` (no persistence). Both: a strict global token budget (10^15 tokens: never refuses) counting the OpenAI route."
    echo "Targets: **chat** = \`POST /v1/chat/completions\` (a 104-byte body, \`max_completion_tokens\` 50; the upstream answers a 237-byte completion with \`usage\`), budgeted; **get** = \`GET /api/item\` on a route no budget counts (the closed-breaker path)."
    echo "Each target warmed up alike (${warm_rate} requests/s for ${warm_seconds} s), then measured at each rate for ${seconds} s after ${rate_warmup} s unrecorded, in the order A chat, B chat, A get, B get (B first in even rounds), $rounds round(s) per rate. Latency from each request's intended send time (open model: \`bulwark-load rate\`). CPU per request: the gateway's user+system time (\`/proc/PID/stat\`; clock ticks of 10 ms, so ±0.1 tick per request at best) and Redis's (its threads' \`schedstat\`; \"of which scripts\": the EVALSHA time \`INFO commandstats\` reports, the rest being Redis's network and event-loop work) over the whole run (warm-up seconds included) ÷ requests sent; the gateway's context switches (voluntary and involuntary, its threads' \`/proc/PID/task/*/status\`) likewise; Redis commands: \`INFO commandstats\` before and after (the harness's own \`INFO\` left out), script-internal commands included."
    echo
    echo "With no traffic at all (${idle_seconds} s before the measurements), gateway A used $(awk -v t="${idle_ticks_per_s[a]}" -v hz="$ticks_per_second" 'BEGIN { printf "%.0f", t / hz * 1000 }') ms of CPU a second, B $(awk -v t="${idle_ticks_per_s[b]}" -v hz="$ticks_per_second" 'BEGIN { printf "%.0f", t / hz * 1000 }') ms, Redis $(awk -v n="$idle_redis_ns_per_s" 'BEGIN { printf "%.1f", n / 1e6 }') ms; that idle use, over each run's wall time, is taken off the CPU per request below."
    echo
    echo "## Per run"
    echo
    echo "| Rate | Round | Target | sent | non-2xx | p50 | p90 | p99 | p99.9 | generator lag p99 | gateway CPU/request | gateway context switches/request | Redis CPU/request | of which scripts | Redis commands/request |"
    echo "|--:|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
    for r in "${rate_list[@]}"; do
        for round in $(seq "$rounds"); do
            for t in "${targets[@]}"; do
                line="${result[$t.$r.$round]}"
                echo "| $r/s | $round | $t | $(kv sent "$line") | $(non2xx "$line") | $(kv p50_ms "$line") ms | $(kv p90_ms "$line") ms | $(kv p99_ms "$line") ms | $(kv p999_ms "$line") ms | $(kv lag_p99_ms "$line") ms | $(gw_us "$t" "$line" "$r") µs | $(switches "$line" "$r") | $(redis_us "$line" "$r") µs | $(per_request "$(kv redis_script_us "$line")" "$(all_sent "$r")") µs | $(per_request "$(kv redis_cmds "$line")" "$(all_sent "$r")") |"
            done
        done
    done
    echo
    echo "## What the fleet adds (B − A, same rate and round)"
    echo
    echo "| Rate | Round | chat: added p50 | added p90 | added p99 | p50 ratio | gateway CPU added | get: added p50 | added p99 | p50 ratio | gateway CPU added |"
    echo "|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
    declare -A added_chat added_get added_chat99 added_get99 added_cpu
    for r in "${rate_list[@]}"; do
        for round in $(seq "$rounds"); do
            ac="${result[a-chat.$r.$round]}"; bc="${result[b-chat.$r.$round]}"; ag="${result[a-get.$r.$round]}"; bg="${result[b-get.$r.$round]}"
            d50="$(diff_ms "$(kv p50_ms "$bc")" "$(kv p50_ms "$ac")")"; d99="$(diff_ms "$(kv p99_ms "$bc")" "$(kv p99_ms "$ac")")"
            g50="$(diff_ms "$(kv p50_ms "$bg")" "$(kv p50_ms "$ag")")"; g99="$(diff_ms "$(kv p99_ms "$bg")" "$(kv p99_ms "$ag")")"
            cc="$(awk -v b="$(gw_us b "$bc" "$r")" -v a="$(gw_us a "$ac" "$r")" 'BEGIN { printf "%+.0f", b - a }')"
            cg="$(awk -v b="$(gw_us b "$bg" "$r")" -v a="$(gw_us a "$ag" "$r")" 'BEGIN { printf "%+.0f", b - a }')"
            added_chat[$r]+="$d50 "; added_chat99[$r]+="$d99 "; added_get[$r]+="$g50 "; added_get99[$r]+="$g99 "; added_cpu[$r]+="$cc "
            echo "| $r/s | $round | $d50 ms | $(diff_ms "$(kv p90_ms "$bc")" "$(kv p90_ms "$ac")") ms | $d99 ms | $(ratio "$(kv p50_ms "$bc")" "$(kv p50_ms "$ac")") | $cc µs | $g50 ms | $g99 ms | $(ratio "$(kv p50_ms "$bg")" "$(kv p50_ms "$ag")") | $cg µs |"
        done
    done
    echo
    echo "## Goals (median over the rounds)"
    echo
    echo "| Goal | Rate | Measured | |"
    echo "|---|--:|--:|---|"
    for r in "${rate_list[@]}"; do
        m="$(median <<<"${added_chat[$r]}")"
        echo "| a budgeted request in a fleet: ≤ 0.3 ms added p50 | $r/s | $m ms (p99: $(median <<<"${added_chat99[$r]}") ms; gateway CPU $(median <<<"${added_cpu[$r]}" | awk '{ printf "%+.0f", $1 }') µs) | $(verdict "$m" 0.3) |"
    done
    for r in "${rate_list[@]}"; do
        m="$(median <<<"${added_get[$r]}")"
        echo "| the closed-breaker path (GET, no budget): unchanged | $r/s | $m ms (p99: $(median <<<"${added_get99[$r]}") ms) | $(awk -v v="$m" 'BEGIN { print (v <= 0.05 && v >= -0.05) ? "unchanged within 0.05 ms" : (v > 0 ? "**slower**" : "faster (noise)") }') |"
    done
    echo
    echo "## Redis commands per run (\`INFO commandstats\` delta, in all; script-internal commands included)"
    echo
    echo '```'
    for r in "${rate_list[@]}"; do
        for round in $(seq "$rounds"); do
            for t in "${targets[@]}"; do
                echo "$t @${r}/s round $round ($(all_sent "$r") requests): ${redis_by_cmd[$t.$r.$round]:-none}"
            done
        done
    done
    echo '```'
    if [[ $diagnose -eq 1 ]]; then
        echo
        echo "## Diagnostics (after the measurements)"
        echo
        echo "Redis \`MONITOR\` over $monitor_n budgeted requests on B sent one after another (per request): commands the gateway sent (each one a round trip, or part of a pipelined batch): ${monitor_lines[client]:-none}; commands run inside its scripts: ${monitor_lines[lua]:-none}."
        echo
        echo "Execution time of each script inside Redis (its slow log at threshold 0 over $monitor_n more budgeted requests sent one after another, MONITOR off; average): ${script_times:-n/a}"
        echo
        echo "A bare round trip to Redis from its own C client (\`redis-cli --latency --raw\`: a PING every 10 ms, $(awk '{ print $4 }' <<<"$redis_rtt") samples): average $(awk '{ print $3 }' <<<"$redis_rtt") ms (min ${redis_rtt%% *} ms, max $(awk '{ print $2 }' <<<"$redis_rtt") ms, in whole milliseconds)."
        echo
        echo "System calls per budgeted request (\`strace -c -f\` on the gateway, 500 requests at 100/s; strace slows the gateway, so these are counts, not times): A ${strace_per[a]:-n/a}, B ${strace_per[b]:-n/a}."
        echo
        echo "- A, most frequent: ${strace_top[a]:-n/a}"
        echo "- B, most frequent: ${strace_top[b]:-n/a}"
    fi
    echo
    echo "Raw generator lines:"
    echo
    echo '```'
    for r in "${rate_list[@]}"; do
        for round in $(seq "$rounds"); do
            for t in "${targets[@]}"; do
                echo "$t @${r}/s round $round: ${result[$t.$r.$round]}"
            done
        done
    done
    echo '```'
} >"$report"
log "report: $report"
