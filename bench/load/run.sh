#!/usr/bin/env bash
# Load and fault harness: Bulwark's gateway side by side with direct calls, a plain YARP forwarder, nginx and HAProxy,
# all on 127.0.0.1, in one bounded run. See bench/load/README.md for what is measured and how.
#
#   bench/load/run.sh                 full run (about 15 minutes, the two publishes included): writes
#                                     bench/results/<date>-load.md and updates the summary in bench/README.md; the
#                                     gateway runs as published (ReadyToRun), and beside it as a native executable
#                                     (Native AOT, target "bulwark-aot"; not with --no-build, which publishes nothing)
#   bench/load/run.sh --quick         smoke run (well under 2 minutes): every target serves a little traffic, one fault
#                                     scenario; writes the report to --out (default: a temporary directory)
#   options: --out DIR (report directory), --no-build (use existing builds), --configuration C (the builds to use,
#            Release by default), --pin (generators on CPU 1, everything else on CPU 0)
#
# Every process it starts is stopped on exit, whatever the exit path. Ports are picked free at start.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
mode=full
build=1
pin=0
out=""
configuration=Release
while [[ $# -gt 0 ]]; do
    case "$1" in
        --quick) mode=quick ;;
        --no-build) build=0 ;;
        --pin) pin=1 ;;
        --out) out="$2"; shift ;;
        --configuration) configuration="$2"; shift ;;
        *) echo "unknown option $1" >&2; exit 64 ;;
    esac
    shift
done

if [[ "$mode" == quick ]]; then
    # Light on purpose: it runs in CI beside other test assemblies and only has to show every target serving.
    warm_seconds=1; wrk_seconds=1; wrk_rounds=1; wrk_connections=4; rate=100; rate_seconds=1; rate_warmup=1
    fault_rate=50; fault_seconds=2; scenarios=(fail503)
else
    warm_seconds=20; wrk_seconds=5; wrk_rounds=4; wrk_connections=64; rate=1000; rate_seconds=10; rate_warmup=2
    fault_rate=200; fault_seconds=10; scenarios=(fail503 down latency reset hang r429)
fi
# One provider is down from second 2 for 6 s; the run continues long enough to see it come back.
down_at=2; down_for=6; down_run=20
cores="$(nproc)"
harness="load harness"
# shellcheck source=processes.sh
source "$repo/bench/load/processes.sh"
setup_output load load

log() { echo "[load $(date -u +%H:%M:%S)] $*" >&2; }

# --- tools -----------------------------------------------------------------------------------------------------------
missing=()
for tool in nginx haproxy wrk; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [[ ${#missing[@]} -gt 0 ]]; then
    # The harness installs nothing: eng/test.sh (the README's test command) installs the tests' packages as root.
    echo "run.sh needs ${missing[*]} (Debian packages): apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 2
fi
# The harness runs its own nginx and HAProxy instances on free ports, never the system services.

tools_dir="$repo/bench/load/Bulwark.LoadTools/bin/$configuration/net10.0"
gateway_dir="$repo/src/Bulwark.Gateway/bin/$configuration/net10.0"
if [[ $build -eq 1 ]]; then
    log "building ($configuration)"
    dotnet build "$repo/bench/load/Bulwark.LoadTools/Bulwark.LoadTools.csproj" -c "$configuration" --nologo -v q >/dev/null
    dotnet build "$repo/src/Bulwark.Gateway/Bulwark.Gateway.csproj" -c "$configuration" --nologo -v q >/dev/null
    if [[ "$mode" == full ]]; then
        # The full run measures the gateway as it is shipped: published, its assemblies and its dependencies compiled
        # ahead of time (ReadyToRun), which takes most of the JIT out of the start. Steady state is the same code.
        log "publishing the gateway (ReadyToRun)"
        dotnet publish "$repo/src/Bulwark.Gateway/Bulwark.Gateway.csproj" -c "$configuration" -r "linux-$(dotnet --info | awk '/^ *Architecture:/ { print $2; exit }')" \
            --self-contained false -p:PublishReadyToRun=true -o "$work/gateway" --nologo -v q >/dev/null
        gateway_dir="$work/gateway"
        # And compiled to native code ahead of time (the publish profile linux-x64-aot): measured as its own target.
        # (linux-x64 only, as its profile; a machine without a C toolchain runs without this target.)
        log "publishing the gateway (Native AOT)"
        if dotnet publish "$repo/src/Bulwark.Gateway/Bulwark.Gateway.csproj" -p:PublishProfile=linux-x64-aot -o "$work/gateway-aot" --nologo -v q >"$work/publish-aot.log" 2>&1; then
            bulwark_aot="$work/gateway-aot/bulwark"
        else
            log "the native publish failed (no C toolchain?), so no bulwark-aot target: $(tail -n 3 "$work/publish-aot.log" | tr '\n' ' ')"
        fi
    fi
fi
load="$tools_dir/bulwark-load"
bulwark="$gateway_dir/bulwark"
bulwark_aot="${bulwark_aot:-}"
for exe in "$load" "$bulwark"; do
    [[ -x "$exe" ]] || { echo "$exe is missing: build in $configuration first (or run without --no-build)" >&2; exit 1; }
done

gen=()
target_cpu=()
if [[ $pin -eq 1 && $cores -ge 2 ]]; then
    gen=(taskset -c 1)
    target_cpu=(taskset -c 0)
fi

mapfile -t ports < <("$load" ports 40)
[[ ${#ports[@]} -eq 40 ]] || { echo "could not find 40 free ports" >&2; exit 1; }
next_port=0
port() { echo "${ports[$next_port]}"; }
take_port() { next_port=$((next_port + 1)); }

# --- process helpers -------------------------------------------------------------------------------------------------
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# start NAME READY_URL CMD...: starts CMD in the background, records its pid in $started_pid and the milliseconds
# until READY_URL first answers 2xx in $ready_ms.
start() {
    local name="$1" url="$2"
    shift 2
    local t0
    t0="$(now_ms)"
    # Output goes to a directory of its own: the gateway follows its configuration file's directory, and a log
    # written there would wake its watcher on every line.
    mkdir -p "$work/logs"
    "${target_cpu[@]}" "$@" >"$work/logs/$name.log" 2>&1 &
    started_pid=$!
    pids+=("$started_pid")
    for _ in $(seq 3000); do
        if curl -s -f -o /dev/null --max-time 1 "$url"; then
            ready_ms=$(( $(now_ms) - t0 ))
            return 0
        fi
        kill -0 "$started_pid" 2>/dev/null || { echo "$name exited during start" >&2; cat "$work/logs/$name.log" >&2; return 1; }
        sleep 0.01
    done
    echo "$name not ready after 30 s" >&2
    return 1
}

stop() {
    local pid="$1" kept=()
    stop_pid "$pid"
    for p in "${pids[@]}"; do [[ "$p" == "$pid" ]] || kept+=("$p"); done
    pids=("${kept[@]}")
}

# Resident set of a process and its children (nginx's workers), in MB.
rss_mb() {
    local total=0 pid
    for pid in "$1" $(pgrep -P "$1" || true); do
        local kb
        kb="$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)"
        total=$((total + ${kb:-0}))
    done
    awk -v kb="$total" 'BEGIN { printf "%.1f", kb / 1024 }'
}

kv() { tr ' ' '\n' <<<"$2" | awk -F= -v k="$1" '$1 == k { print $2 }'; }

upstream_mode() { curl -s -f -o /dev/null -X POST "http://127.0.0.1:$1/__mode?$2"; }
upstream_reset() { curl -s -f -o /dev/null -X POST "http://127.0.0.1:$1/__reset"; }
upstream_stats() { curl -s -f "http://127.0.0.1:$1/__stats"; }

# --- target configurations -------------------------------------------------------------------------------------------
# bulwark_config FILE ROUTE_PROVIDER_PORTS... (a default pipeline section may follow in $bulwark_pipeline)
bulwark_pipeline=""
bulwark_config() {
    local file="$1"
    shift
    local providers="" names="" i=0
    for p in "$@"; do
        i=$((i + 1))
        providers+="${providers:+,}\"p$i\": { \"BaseUrl\": \"http://127.0.0.1:$p\" }"
        names+="${names:+,}\"p$i\""
    done
    # No drain delay: the harness stops gateways between runs and nothing balances load in front of them. Each gateway
    # keeps its store (breaker state, deferrals) in a file of its own, so no run starts with another's open breakers.
    cat >"$file" <<EOF
{
  "Bulwark": {
    ${bulwark_pipeline}
    "Shutdown": { "DrainDelay": "00:00:00" },
    "Storage": { "Path": "${file%.json}.db" },
    "Providers": { $providers },
    "Routes": [ { "Path": "/api/{**rest}", "Providers": [ $names ] } ]
  }
}
EOF
}

# nginx_config DIR LISTEN_PORT EXTRA_SERVER_DIRECTIVES EXTRA_LOCATION_DIRECTIVES UPSTREAM_PORTS...
nginx_config() {
    local dir="$1" listen="$2" server_extra="$3" location_extra="$4"
    shift 4
    mkdir -p "$dir/logs"
    local servers=""
    for p in "$@"; do servers+="        server 127.0.0.1:$p $server_extra;"$'\n'; done
    cat >"$dir/nginx.conf" <<EOF
user root;
worker_processes $cores;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events { worker_connections 4096; }
http {
    access_log $dir/logs/access.log;
    client_body_temp_path $dir/body;
    proxy_temp_path $dir/proxy;
    fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi;
    scgi_temp_path $dir/scgi;
    upstream providers {
$servers        keepalive 64;
    }
    server {
        listen 127.0.0.1:$listen;
        location / {
            proxy_pass http://providers;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
$location_extra
        }
    }
}
EOF
}

# haproxy_config FILE LISTEN_PORT BACKEND_EXTRA SERVER_EXTRA SERVER_TIMEOUT UPSTREAM_PORTS...
haproxy_config() {
    local file="$1" listen="$2" backend_extra="$3" server_extra="$4" server_timeout="$5"
    shift 5
    local servers="" i=0
    for p in "$@"; do i=$((i + 1)); servers+="    server s$i 127.0.0.1:$p $server_extra"$'\n'; done
    cat >"$file" <<EOF
global
    nbthread $cores
    maxconn 4096
defaults
    mode http
    option http-keep-alive
    timeout connect 1s
    timeout client 30s
    timeout server $server_timeout
frontend fe
    bind 127.0.0.1:$listen
    default_backend providers
backend providers
    balance roundrobin
$backend_extra
$servers
EOF
}

# --- wrk ------------------------------------------------------------------------------------------------------------
# run_wrk URL SECONDS: prints "requests rps p50_ms p99_ms non2xx".
run_wrk() {
    local url="$1" seconds="$2" outf="$work/wrk.out"
    "${gen[@]}" wrk -t "$cores" -c "$wrk_connections" -d "${seconds}s" --latency "$url" >"$outf" 2>&1 || true
    awk '
        function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
        / requests in / { req = $1 }
        /^Requests\/sec:/ { rps = $2 }
        /^ +50%/ { p50 = ms($2) }
        /^ +99%/ { p99 = ms($2) }
        /Non-2xx or 3xx responses:/ { bad = $5 }
        END { printf "%d %.0f %.3f %.3f %d\n", req, rps, p50, p99, bad }
    ' "$outf"
}

# --- part 1: throughput, latency at a fixed rate, memory, ready time --------------------------------------------------
log "mode $mode: upstream, Bulwark, plain YARP, nginx, HAProxy on 127.0.0.1"
up_port="$(port)"; take_port
start upstream "http://127.0.0.1:$up_port/api/item" "$load" upstream --port "$up_port"
upstream_pid=$started_pid

declare -A url ready rss pid_of
url[direct]="http://127.0.0.1:$up_port/api/item"

bw_port="$(port)"; take_port
bulwark_pipeline=""
bulwark_config "$work/bulwark.json" "$up_port"
start bulwark "http://127.0.0.1:$bw_port/api/item" "$bulwark" serve --config "$work/bulwark.json" --urls "http://127.0.0.1:$bw_port"
pid_of[bulwark]=$started_pid; ready[bulwark]=$ready_ms; url[bulwark]="http://127.0.0.1:$bw_port/api/item"

native=()
if [[ -n "$bulwark_aot" ]]; then
    native=(bulwark-aot)
    aot_port="$(port)"; take_port
    bulwark_config "$work/bulwark-aot.json" "$up_port"
    start bulwark-aot "http://127.0.0.1:$aot_port/api/item" "$bulwark_aot" serve --config "$work/bulwark-aot.json" --urls "http://127.0.0.1:$aot_port"
    pid_of[bulwark-aot]=$started_pid; ready[bulwark-aot]=$ready_ms; url[bulwark-aot]="http://127.0.0.1:$aot_port/api/item"
fi

yarp_port="$(port)"; take_port
start yarp "http://127.0.0.1:$yarp_port/api/item" "$load" yarp --port "$yarp_port" --destination "http://127.0.0.1:$up_port"
pid_of[yarp]=$started_pid; ready[yarp]=$ready_ms; url[yarp]="http://127.0.0.1:$yarp_port/api/item"

nginx_port="$(port)"; take_port
nginx_config "$work/nginx" "$nginx_port" "" "" "$up_port"
start nginx "http://127.0.0.1:$nginx_port/api/item" nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;'
pid_of[nginx]=$started_pid; ready[nginx]=$ready_ms; url[nginx]="http://127.0.0.1:$nginx_port/api/item"

haproxy_port="$(port)"; take_port
haproxy_config "$work/haproxy.cfg" "$haproxy_port" "" "" 30s "$up_port"
start haproxy "http://127.0.0.1:$haproxy_port/api/item" haproxy -db -f "$work/haproxy.cfg"
pid_of[haproxy]=$started_pid; ready[haproxy]=$ready_ms; url[haproxy]="http://127.0.0.1:$haproxy_port/api/item"

targets=(direct bulwark "${native[@]}" yarp nginx haproxy)
declare -A wrk_req wrk_rps wrk_p50 wrk_p99 wrk_bad rate_line warm_rps round_rps
printf 'target\twrk_requests\twrk_rps\trate_ok\n' >"$summary"
for t in "${targets[@]}"; do
    # The same warm-up for every target: .NET processes reach full speed only once tiered JIT has finished, which
    # takes 15-20 s of load on 2 cores (Bulwark's gateway measured in 5 s steps: about 4,500, 7,400, 16,200, 17,700
    # requests/s); the warm-up's throughput is reported as "first seconds".
    log "$t: warm-up wrk ${warm_seconds}s at $wrk_connections connections"
    read -r _ warm_rps[$t] _ _ _ < <(run_wrk "${url[$t]}" "$warm_seconds")
    log "$t: $rate requests/s for ${rate_seconds}s (after ${rate_warmup}s warm-up)"
    rate_line[$t]="$("${gen[@]}" "$load" rate --url "${url[$t]}" --rps "$rate" --seconds "$rate_seconds" --warmup-seconds "$rate_warmup" --timeout-seconds 10)"
    log "$t: ${rate_line[$t]}"
done

# Throughput in interleaved rounds: every target in turn, $wrk_rounds times, so that a change in what else the machine
# is doing falls on all of them alike; each ratio is the median of the ratios within a round.
median() { tr ' ' '\n' | awk 'NF' | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print 0; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
declare -A p50s p99s
for round in $(seq "$wrk_rounds"); do
    # Each round starts one target further along, so that no target always follows the same one.
    order=("${targets[@]:$(( (round - 1) % ${#targets[@]} ))}" "${targets[@]:0:$(( (round - 1) % ${#targets[@]} ))}")
    for t in "${order[@]}"; do
        read -r req rps p50 p99 bad < <(run_wrk "${url[$t]}" "$wrk_seconds")
        round_rps[$t.$round]=$rps
        wrk_req[$t]=$(( ${wrk_req[$t]:-0} + req )); wrk_bad[$t]=$(( ${wrk_bad[$t]:-0} + bad ))
        p50s[$t]+=" $p50"; p99s[$t]+=" $p99"
    done
    log "round $round/$wrk_rounds (${wrk_seconds}s each):$(for t in "${targets[@]}"; do printf ' %s %s' "$t" "${round_rps[$t.$round]}"; done)"
done
for t in "${targets[@]}"; do
    wrk_rps[$t]="$(for round in $(seq "$wrk_rounds"); do echo "${round_rps[$t.$round]}"; done | median | awk '{ printf "%.0f", $1 }')"
    wrk_p50[$t]="$(echo "${p50s[$t]}" | median | awk '{ printf "%.3f", $1 }')"; wrk_p99[$t]="$(echo "${p99s[$t]}" | median | awk '{ printf "%.3f", $1 }')"
    printf '%s\t%s\t%s\t%s\n' "$t" "${wrk_req[$t]}" "${wrk_rps[$t]}" "$(kv ok "${rate_line[$t]}")" >>"$summary"
done
for t in bulwark "${native[@]}" yarp nginx haproxy; do
    rss[$t]="$(rss_mb "${pid_of[$t]}")"
done
rss[upstream]="$(rss_mb "$upstream_pid")"
for t in bulwark "${native[@]}" yarp nginx haproxy; do
    stop "${pid_of[$t]}"
done
stop "$upstream_pid"

# --- part 2: fault runs ----------------------------------------------------------------------------------------------
# Bulwark: its default pipeline with one change for fairness, a 1 s attempt timeout like the peers' read timeouts
# (the built-in default is 10 s); providers in failover order p1 → p2. nginx and HAProxy: round robin over both,
# retries on the next server for errors, timeouts, 5xx and 429, passive ejection; HAProxy also checks health.
fault_pipeline='"Pipelines": { "default": {
      "Retry": { "MaxRetries": 5, "Backoff": "Exponential", "Jitter": "Full", "BaseDelay": "00:00:00.025", "MaxDelay": "00:00:01", "MaxRetryAfter": "00:00:05" },
      "CircuitBreaker": { "Mode": "Adaptive", "MinimumThroughput": 20, "SamplingDuration": "00:00:10", "BreakDuration": "00:00:05" },
      "Timeout": { "Attempt": "00:00:01", "Total": "00:00:25" },
      "Bulkhead": { "MaxConcurrency": 1000, "QueueLimit": 1000, "MaxWait": "00:00:01" } } },'
nginx_location_faults='            proxy_connect_timeout 1s;
            proxy_read_timeout 1s;
            proxy_next_upstream error timeout http_502 http_503 http_504 http_429;
            proxy_next_upstream_tries 2;'
haproxy_backend_faults='    retries 3
    option redispatch 1
    retry-on all-retryable-errors
    option httpchk GET /__health'
haproxy_server_faults='check inter 1s fall 3 rise 2 observe layer7 error-limit 10 on-error mark-down'

a_port="$(port)"; take_port
b_port="$(port)"; take_port
start upstream-a "http://127.0.0.1:$a_port/api/item" "$load" upstream --port "$a_port"
a_pid=$started_pid
start upstream-b "http://127.0.0.1:$b_port/api/item" "$load" upstream --port "$b_port"
b_pid=$started_pid

scenario_mode() {
    case "$1" in
        fail503) echo "fail503=0.15" ;;
        latency) echo "delayMs=10" ;;
        reset) echo "reset=0.10" ;;
        hang) echo "hang=0.02" ;;
        r429) echo "r429=0.15&retryAfter=1" ;;
        *) echo "" ;;
    esac
}
scenario_title() {
    case "$1" in
        fail503) echo "15% 503 on both providers" ;;
        down) echo "provider 1 answers 503 to everything from ${down_at}s for ${down_for}s, then recovers" ;;
        latency) echo "latency step 10 ms → 30 ms (3×) on both at ${down_at}s" ;;
        reset) echo "10% connection resets on both" ;;
        hang) echo "2% requests hang (never answered) on both" ;;
        r429) echo "15% 429 with Retry-After: 1 on both" ;;
    esac
}

# nginx twice: with passive ejection (max_fails), which is what stops it sending to a dead provider, and without
# (max_fails=0: retries on the next server only), because ejection counts every failure and a steady error rate
# ejects both servers.
systems=(bulwark nginx nginx-noeject haproxy)
declare -A fault_line fault_stats_a fault_stats_b
for scenario in "${scenarios[@]}"; do
    for system in "${systems[@]}"; do
        for p in "$a_port" "$b_port"; do upstream_mode "$p" "clear=1"; done
        listen="$(port)"; take_port
        case "$system" in
            bulwark)
                bulwark_pipeline="$fault_pipeline"
                bulwark_config "$work/bulwark-$scenario.json" "$a_port" "$b_port"
                start "bulwark-$scenario" "http://127.0.0.1:$listen/api/item" "$bulwark" serve --config "$work/bulwark-$scenario.json" --urls "http://127.0.0.1:$listen" ;;
            nginx | nginx-noeject)
                eject="max_fails=3 fail_timeout=5s"
                [[ "$system" == nginx-noeject ]] && eject="max_fails=0"
                nginx_config "$work/$system-$scenario" "$listen" "$eject" "$nginx_location_faults" "$a_port" "$b_port"
                start "$system-$scenario" "http://127.0.0.1:$listen/api/item" nginx -p "$work/$system-$scenario" -c "$work/$system-$scenario/nginx.conf" -g 'daemon off;' ;;
            haproxy)
                haproxy_config "$work/haproxy-$scenario.cfg" "$listen" "$haproxy_backend_faults" "$haproxy_server_faults" 1s "$a_port" "$b_port"
                start "haproxy-$scenario" "http://127.0.0.1:$listen/api/item" haproxy -db -f "$work/haproxy-$scenario.cfg" ;;
        esac
        proxy_pid=$started_pid
        # Let HAProxy's first health checks pass, so every system starts from both providers up.
        sleep 1
        for p in "$a_port" "$b_port"; do upstream_reset "$p"; m="$(scenario_mode "$scenario")"; [[ -z "$m" ]] || upstream_mode "$p" "$m"; done
        seconds=$fault_seconds
        [[ "$scenario" == down ]] && seconds=$down_run
        log "fault $scenario / $system: $fault_rate requests/s for ${seconds}s"
        "${gen[@]}" "$load" rate --url "http://127.0.0.1:$listen/api/item" --rps "$fault_rate" --seconds "$seconds" --warmup-seconds 0 --timeout-seconds 30 >"$work/fault.out" &
        gen_pid=$!
        pids+=("$gen_pid")
        case "$scenario" in
            down)
                sleep "$down_at"; upstream_mode "$a_port" "down=1"
                sleep "$down_for"; upstream_mode "$a_port" "down=0" ;;
            latency)
                sleep "$down_at"; for p in "$a_port" "$b_port"; do upstream_mode "$p" "delayMs=30"; done ;;
        esac
        wait "$gen_pid" || true
        fault_line[$system.$scenario]="$(cat "$work/fault.out")"
        fault_stats_a[$system.$scenario]="$(upstream_stats "$a_port")"
        fault_stats_b[$system.$scenario]="$(upstream_stats "$b_port")"
        stop "$proxy_pid"
        log "fault $scenario / $system: ${fault_line[$system.$scenario]} | p1 ${fault_stats_a[$system.$scenario]} | p2 ${fault_stats_b[$system.$scenario]}"
        printf 'fault:%s\t%s\t%s\t%s\n' "$system" "$scenario" "$(kv sent "${fault_line[$system.$scenario]}")" "$(kv ok "${fault_line[$system.$scenario]}")" >>"$summary"
    done
done
stop "$a_pid"
stop "$b_pid"

# --- report ----------------------------------------------------------------------------------------------------------
# round_ratio A B: the median over the rounds of A's requests/s over B's in the same round.
round_ratio() {
    local r values=""
    for r in $(seq "$wrk_rounds"); do
        values+=" $(awk -v a="${round_rps[$1.$r]}" -v b="${round_rps[$2.$r]}" 'BEGIN { if (b > 0) printf "%.4f", a / b }')"
    done
    [[ -n "${values// /}" ]] || { echo n/a; return; }
    echo "$values" | median | awk '{ printf "%.2f", $1 }'
}
# round_range A B: the lowest and highest of those ratios.
round_range() {
    local r values=""
    for r in $(seq "$wrk_rounds"); do
        values+=" $(awk -v a="${round_rps[$1.$r]}" -v b="${round_rps[$2.$r]}" 'BEGIN { if (b > 0) printf "%.4f", a / b }')"
    done
    [[ -n "${values// /}" ]] || { echo n/a; return; }
    echo "$values" | tr ' ' '\n' | awk 'NF' | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.2f–%.2f", lo, hi }'
}
diff_ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.3f", a - b }'; }
# A latency comparison is only as good as the two runs: a negative difference, or a generator that fell behind its
# schedule by more than a millisecond at p99 in either run, means the machine disturbed the measurement.
latency_verdict() {
    local lag_direct lag_bulwark
    lag_direct="$(kv lag_p99_ms "${rate_line[direct]}")"; lag_bulwark="$(kv lag_p99_ms "${rate_line[${3:-bulwark}]}")"
    if awk -v d="$1" 'BEGIN { exit !(d < 0) }'; then
        echo "inconclusive: direct's run was slower (disturbed)"
    elif awk -v a="$lag_direct" -v b="$lag_bulwark" 'BEGIN { exit !(a > 1 || b > 1) }'; then
        echo "$(verdict "$1" "$2" "<="), but noisy: generator lag p99 ${lag_direct} ms (direct) / ${lag_bulwark} ms (Bulwark)"
    else
        verdict "$1" "$2" "<="
    fi
}
verdict() { awk -v v="$1" -v goal="$2" -v op="$3" 'BEGIN { ok = (op == ">=") ? (v >= goal) : (v <= goal); print ok ? "met" : "**missed**" }'; }

command_line="bench/load/run.sh"
[[ $mode == quick ]] && command_line+=" --quick"
[[ $pin -eq 1 ]] && command_line+=" --pin"
cpu="$(awk -F: '/model name/ { gsub(/^ +/, "", $2); print $2; exit }' /proc/cpuinfo)"
os="$(. /etc/os-release && echo "$PRETTY_NAME")"
dotnet_version="$(dotnet --list-runtimes 2>/dev/null | awk '/Microsoft.AspNetCore.App/ { v = $2 } END { print v }')"
nginx_version="$(nginx -v 2>&1 | sed 's/.*nginx\///')"
haproxy_version="$(haproxy -v 2>&1 | awk 'NR == 1 { print $3 }')"
wrk_version="$( (wrk -v 2>&1 || true) | awk 'NR == 1 { print $2 }')"
commit="$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)"

p50() { kv p50_ms "${rate_line[$1]}"; }
p99() { kv p99_ms "${rate_line[$1]}"; }
p999() { kv p999_ms "${rate_line[$1]}"; }

{
    echo "# Load and fault run — $stamp ($mode)"
    echo
    echo "Machine: $cpu, $cores cores, $os; .NET $dotnet_version, nginx $nginx_version, HAProxy $haproxy_version, wrk $wrk_version; Bulwark commit $commit."
    echo "Figures come from **one run** of \`$command_line\` on a $cores-core machine shared with other work (builds and tests of other engineers ran at the same time), so they carry noise; the load generators share the cores with the proxies$( [[ $pin -eq 1 ]] && echo ' (generators pinned to CPU 1, targets and upstream to CPU 0)')."
    echo
    echo "## Throughput and latency (healthy upstream)"
    echo
    echo "Throughput: wrk, $cores threads, $wrk_connections connections, after a ${warm_seconds} s warm-up of each target at the same load (whose rate is the \"first seconds\" column), then interleaved rounds ($wrk_rounds of ${wrk_seconds} s per target: every target in turn, each round starting one target further along): req/s, p50 and p99 are the medians over the rounds, each ratio the median of the ratios within a round (their range in brackets). Fixed rate: our open-model generator at $rate requests/s for ${rate_seconds} s after ${rate_warmup} s of warm-up, latency from each request's intended send time."
    echo
    echo "| Target | wrk req/s | wrk p50 | wrk p99 | non-2xx | req/s in the first ${warm_seconds} s | @${rate}/s p50 | p99 | p99.9 | generator lag p99 | RSS | ready |"
    echo "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
    for t in "${targets[@]}"; do
        echo "| $t | ${wrk_rps[$t]} | ${wrk_p50[$t]} ms | ${wrk_p99[$t]} ms | ${wrk_bad[$t]} | ${warm_rps[$t]} | $(p50 "$t") ms | $(p99 "$t") ms | $(p999 "$t") ms | $(kv lag_p99_ms "${rate_line[$t]}") ms | ${rss[$t]:-—}${rss[$t]:+ MB} | ${ready[$t]:-—}${ready[$t]:+ ms} |"
    done
    echo
    echo "Upstream RSS: ${rss[upstream]} MB. Ready = from process start to the first proxied 200 (polled every 10 ms with curl)."
    echo
    echo "### Bulwark as ratios (one run, interleaved rounds)"
    echo
    echo "| Bulwark vs | throughput ratio | added p50 @${rate}/s | added p99 | added p99.9 |"
    echo "|---|--:|--:|--:|--:|"
    for t in direct yarp nginx haproxy; do
        echo "| $t | $(round_ratio bulwark "$t") ($(round_range bulwark "$t")) | $(diff_ms "$(p50 bulwark)" "$(p50 "$t")") ms | $(diff_ms "$(p99 bulwark)" "$(p99 "$t")") ms | $(diff_ms "$(p999 bulwark)" "$(p999 "$t")") ms |"
    done
    echo
    echo "### Goals"
    echo
    echo "| Goal | Measured | |"
    echo "|---|--:|---|"
    r_yarp="$(round_ratio bulwark yarp)"; r_nginx="$(round_ratio bulwark nginx)"
    a50="$(diff_ms "$(p50 bulwark)" "$(p50 direct)")"; a99="$(diff_ms "$(p99 bulwark)" "$(p99 direct)")"
    echo "| throughput ≥ 0.85× plain YARP | $r_yarp | $(verdict "$r_yarp" 0.85 ">=") |"
    echo "| throughput ≥ 1.0× nginx | $r_nginx | $(verdict "$r_nginx" 1.0 ">=") |"
    echo "| added p50 vs direct at ${rate}/s ≤ 0.3 ms | $a50 ms | $(latency_verdict "$a50" 0.3) |"
    echo "| added p99 vs direct at ${rate}/s ≤ 1 ms | $a99 ms | $(latency_verdict "$a99" 1.0) |"
    echo "| RSS ≤ 100 MB | ${rss[bulwark]} MB | $(verdict "${rss[bulwark]}" 100 "<=") |"
    echo "| ready (first proxied 200 after start) ≤ 300 ms | ${ready[bulwark]} ms | $(verdict "${ready[bulwark]}" 300 "<=") |"
    if [[ -n "$bulwark_aot" ]]; then
        n_yarp="$(round_ratio bulwark-aot yarp)"; n_nginx="$(round_ratio bulwark-aot nginx)"
        n50="$(diff_ms "$(p50 bulwark-aot)" "$(p50 direct)")"; n99="$(diff_ms "$(p99 bulwark-aot)" "$(p99 direct)")"
        echo "| native (bulwark-aot): throughput ≥ 0.85× plain YARP | $n_yarp | $(verdict "$n_yarp" 0.85 ">=") |"
        echo "| native: throughput ≥ 1.0× nginx | $n_nginx | $(verdict "$n_nginx" 1.0 ">=") |"
        echo "| native: added p50 vs direct at ${rate}/s ≤ 0.3 ms | $n50 ms | $(latency_verdict "$n50" 0.3 bulwark-aot) |"
        echo "| native: added p99 vs direct at ${rate}/s ≤ 1 ms | $n99 ms | $(latency_verdict "$n99" 1.0 bulwark-aot) |"
        echo "| native: RSS ≤ 100 MB | ${rss[bulwark-aot]} MB | $(verdict "${rss[bulwark-aot]}" 100 "<=") |"
        echo "| native: ready ≤ 300 ms | ${ready[bulwark-aot]} ms | $(verdict "${ready[bulwark-aot]}" 300 "<=") |"
    fi
    echo
    echo "## Fault runs"
    echo
    echo "Two providers (the same fault-injecting upstream twice), $fault_rate requests/s from the open-model generator, ${fault_seconds} s per scenario (${down_run} s for the outage). A fresh proxy per scenario. Attempts per request = requests counted at both upstreams ÷ client requests."
    echo "Bulwark: default pipeline (6 attempts per provider, adaptive breaker, 5 s break growing ×2 on consecutive trips) with a 1 s attempt timeout; failover p1 → p2."
    echo "nginx: round robin, \`max_fails=3 fail_timeout=5s\` (nginx-noeject: \`max_fails=0\`, no passive ejection), \`proxy_next_upstream error timeout http_502 http_503 http_504 http_429\` (each server at most once per request), 1 s connect/read timeouts, keepalive to upstream."
    echo "HAProxy: round robin, \`retries 3\`, \`option redispatch 1\`, \`retry-on all-retryable-errors\` (HAProxy 2.6 has no retry on 429), \`check inter 1s fall 3 rise 2 observe layer7 error-limit 10 on-error mark-down\` with \`option httpchk GET /__health\`, 1 s connect/server timeouts."
    echo
    echo "| Scenario | System | Client success | Attempts/request | p50 | p99 | Calls to the down provider before a 1 s pause (all calls while down) | Time to first success on it after recovery |"
    echo "|---|---|--:|--:|--:|--:|--:|--:|"
    for scenario in "${scenarios[@]}"; do
        for system in "${systems[@]}"; do
            line="${fault_line[$system.$scenario]}"; sa="${fault_stats_a[$system.$scenario]}"; sb="${fault_stats_b[$system.$scenario]}"
            sent="$(kv sent "$line")"; ok="$(kv ok "$line")"
            attempts=$(( $(kv requests "$sa") + $(kv requests "$sb") ))
            success="$(awk -v o="$ok" -v s="$sent" 'BEGIN { printf "%.2f%%", 100 * o / s }')"
            per="$(awk -v a="$attempts" -v s="$sent" 'BEGIN { printf "%.2f", a / s }')"
            if [[ "$scenario" == down ]]; then
                burst="$(kv down_first_burst "$sa") ($(kv down_calls "$sa"))"
                rec="$(kv recovery_ms "$sa")"
                [[ "$rec" == -1 ]] && rec="not within the run" || rec="$rec ms"
            else
                burst="—"; rec="—"
            fi
            echo "| $(scenario_title "$scenario") | $system | $success | $per | $(kv p50_ms "$line") ms | $(kv p99_ms "$line") ms | $burst | $rec |"
        done
    done
    echo
    echo "Raw generator lines (status counts: error = connection-level failure seen by the client):"
    echo
    echo '```'
    for scenario in "${scenarios[@]}"; do
        for system in "${systems[@]}"; do
            echo "$scenario $system: ${fault_line[$system.$scenario]}"
        done
    done
    echo '```'
} >"$report"

log "report: $report"

# The summary in bench/README.md is refreshed by full runs into the committed results folder only.
if [[ "$mode" == full && "$out" == "$repo/bench/results" ]]; then
    readme="$repo/bench/README.md"
    section="$work/section.md"
    {
        echo "<!-- load:begin (written by bench/load/run.sh) -->"
        sed -n '/^## Throughput and latency/,/^## Fault runs/p' "$report" | sed '$d' | sed 's/^## /### /; s/^### Bulwark as ratios/#### Bulwark as ratios/; s/^### Goals/#### Goals/'
        echo "Full report with the fault runs: [\`results/$stamp-load.md\`](results/$stamp-load.md)."
        echo "<!-- load:end -->"
    } >"$section"
    if grep -q '<!-- load:begin' "$readme"; then
        awk -v f="$section" '
            /<!-- load:begin/ { while ((getline line < f) > 0) print line; skip = 1; next }
            /<!-- load:end -->/ { skip = 0; next }
            !skip { print }
        ' "$readme" >"$work/readme.new"
        cp "$work/readme.new" "$readme"
    else
        { echo; echo "## Load: Bulwark vs direct, plain YARP, nginx, HAProxy"; echo; cat "$section"; } >>"$readme"
    fi
    log "updated $readme"
fi
