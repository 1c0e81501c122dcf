# Process lifecycle shared by the load harness's scripts (run.sh, fleet.sh): sourced, not run.
# The sourcing script sets `harness` (its name in messages), `work` (its temporary directory, removed on exit) and the
# array `pids` (every process it starts), then installs the traps with `trap cleanup EXIT` and `trap 'exit 130' INT TERM`.

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
