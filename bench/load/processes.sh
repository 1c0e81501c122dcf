# Output and process lifecycle shared by the load harness's scripts (run.sh, fleet.sh): sourced, not run.
# The sourcing script sets `repo`, `mode` (quick or full), `out` (the --out option, or empty) and `harness` (its name in
# messages), then calls setup_output, which makes the run's directories and installs the clean-up traps; it records
# every process it starts in the array `pids`.

# setup_output NAME REPORT: creates `out` when not given (a temporary directory for a quick run, bench/results for a full
# one) and sets `stamp` (today, UTC), `report` ($out/<stamp>-REPORT.md), `work` (a temporary directory of the run's own,
# removed on exit), `summary` (NAME-summary.tsv, the machine-readable counts for the CI test: in $work rather than in the
# committed results folder) and an empty `pids`; then traps EXIT (cleanup) and INT/TERM (exit 130).
setup_output() {
    local name="$1" report_name="$2"
    stamp="$(date -u +%Y-%m-%d)"
    if [[ -z "$out" ]]; then
        if [[ "$mode" == quick ]]; then out="$(mktemp -d -t "bulwark-$name-quick.XXXXXX")"; else out="$repo/bench/results"; fi
    fi
    mkdir -p "$out"
    report="$out/$stamp-$report_name.md"
    work="$(mktemp -d -t "bulwark-$name.XXXXXX")"
    summary="$out/$name-summary.tsv"
    [[ "$out" != "$repo/bench/results" ]] || summary="$work/$name-summary.tsv"
    pids=()
    trap cleanup EXIT
    trap 'exit 130' INT TERM
}

# stop_pid PID: SIGTERM, then SIGKILL after 5 s; reaps it.
stop_pid() {
    local pid="$1"
    kill -TERM "$pid" 2>/dev/null || return 0
    for _ in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

# cleanup: stops every process started, shows the logs' tails when the script failed, removes the temporary directory.
cleanup() {
    local status=$?
    for pid in "${pids[@]}"; do
        stop_pid "$pid"
    done
    if [[ $status -ne 0 ]]; then
        echo "$harness failed (exit $status); logs:" >&2
        tail -n 20 "$work"/logs/*.log >&2 2>/dev/null || true
    fi
    rm -rf "$work"
    exit $status
}
