#!/usr/bin/env bash
# Builds the benchmarks in Release and runs every benchmark class, exporting GitHub-markdown tables.
#
#   bench/run-benchmarks.sh            bounded full run (3 warmup + 10 measured iterations per benchmark);
#                                      the tables are also copied to bench/results/ for committing
#   bench/run-benchmarks.sh --quick    BenchmarkDotNet's ShortRun job (3 + 3 iterations), tables left in the artifacts folder
#
# Any further arguments go to BenchmarkDotNet, e.g. --filter '*Retry*'.
# The whole run is killed after 25 minutes (RUN_TIMEOUT, in timeout(1) syntax) so it always stops by itself.
set -euo pipefail

bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
project="$bench_dir/Bulwark.Benchmarks/Bulwark.Benchmarks.csproj"

mode=full
if [[ "${1:-}" == "--quick" ]]; then
    mode=quick
    shift
fi

if [[ "$mode" == quick ]]; then
    job_args=(--job short)
else
    # The default job picks its own iteration counts and can take over an hour for every class on 2 cores;
    # fixed counts keep a full run to about 10 minutes.
    job_args=(--launchCount 1 --warmupCount 3 --iterationCount 10)
fi

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
artifacts="$bench_dir/BenchmarkDotNet.Artifacts/$mode-$stamp"

dotnet build "$project" -c Release --nologo

# Without a --filter of the caller's, run every class (and skip BenchmarkSwitcher's interactive prompt).
filter_args=(--filter '*')
for arg in "$@"; do
    if [[ "$arg" == --filter ]]; then
        filter_args=()
    fi
done

timeout --signal=INT --kill-after=30s "${RUN_TIMEOUT:-25m}" \
    dotnet run --project "$project" -c Release --no-build -- \
    "${filter_args[@]}" "${job_args[@]}" --exporters github --artifacts "$artifacts" "$@"

reports=("$artifacts"/results/*-report-github.md)
if [[ ! -e "${reports[0]}" ]]; then
    echo "No report was written under $artifacts" >&2
    exit 1
fi

echo
echo "Reports ($mode run) in $artifacts/results:"
printf '  %s\n' "${reports[@]##*/}"

if [[ "$mode" == full ]]; then
    # Committed reports are named by class alone (BulkheadBenchmarks-report-github.md), without the namespace.
    for report in "${reports[@]}"; do
        name="${report##*/}"
        class="${name%-report-github.md}"
        cp "$report" "$bench_dir/results/${class##*.}-report-github.md"
    done
    echo "Copied to $bench_dir/results/"
fi
