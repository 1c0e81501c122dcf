#!/usr/bin/env bash
# Runs every test: first makes sure the programs the tests start are installed (Debian packages), then `dotnet test`.
# As root it installs what is missing (without letting Debian start them as system services: the tests start their own
# instances on free ports); otherwise it prints the exact install line and stops. Extra arguments go to `dotnet test`.
set -euo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1

# program the tests run -> the Debian package that provides it
declare -A packages=(
  [nginx]=nginx          # load harness peer (tests/Bulwark.Gateway.Tests/Load)
  [haproxy]=haproxy      # load harness peer
  [wrk]=wrk              # load generator
  [chromium]=chromium    # headless browser for the operator page (tests/Bulwark.Gateway.Tests/Dashboard)
  [redis-server]=redis-server  # shared breaker state (tests/Bulwark.Storage.Redis.Tests)
  [redis-cli]=redis-tools      # the fleet load harness reads Redis's command counts (tests/Bulwark.Gateway.Tests/Load)
  [prometheus-alertmanager]=prometheus-alertmanager  # receives the Alertmanager alert channel (tests/Bulwark.Gateway.Tests/Alerts/Channels)
  [node]=nodejs          # runs the S3-compatible server that checks SigV4 signatures (tests/Bulwark.Gateway.Tests/ProviderAuth)
  [npm]=npm              # installs it from its lockfile
)

missing=()
for program in "${!packages[@]}"; do
  command -v "$program" >/dev/null 2>&1 || missing+=("${packages[$program]}")
done
# PostgreSQL's server programs are not on PATH (Debian keeps them in /usr/lib/postgresql/<version>/bin): the tests
# of Bulwark.Storage.Postgres and the gateway's PostgreSQL tests run initdb and postgres from there, as the postgres user when run as root.
compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null || missing+=(postgresql)
# The native (AOT) publish of a full run links with clang, or gcc where clang is absent (eng/publish-aot.sh).
if [ "$#" -eq 0 ]; then
  command -v clang >/dev/null 2>&1 || command -v gcc >/dev/null 2>&1 || missing+=(gcc libc6-dev)
fi

if [ "${#missing[@]}" -gt 0 ]; then
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  if [ "$(id -u)" -ne 0 ]; then
    echo "The tests need these Debian packages: ${missing[*]}" >&2
    echo "Install them with:  sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 2
  fi
  echo "installing ${missing[*]} (Debian packages the tests start on their own ports)"
  export DEBIAN_FRONTEND=noninteractive
  # policy-rc.d answering 101 stops Debian from starting the packages' system services on install.
  policy=/usr/sbin/policy-rc.d
  had_policy=0
  [ -e "$policy" ] && had_policy=1
  if [ "$had_policy" -eq 0 ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy"
    chmod +x "$policy"
    trap 'rm -f "$policy"' EXIT
  fi
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  if [ "$had_policy" -eq 0 ]; then
    rm -f "$policy"
    trap - EXIT
  fi
fi

# The S3-compatible server the provider auth tests sign for: npm packages pinned by a lockfile, installed again only
# when the lockfile changed since the last install.
s3rver=tests/Bulwark.Gateway.Tests/ProviderAuth/S3rver
if [ ! -f "$s3rver/node_modules/.package-lock.json" ] || [ "$s3rver/package-lock.json" -nt "$s3rver/node_modules/.package-lock.json" ]; then
  echo "installing the S3-compatible test server ($s3rver, npm ci)"
  npm ci --prefix "$s3rver" --no-audit --no-fund --loglevel=error >/dev/null
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT

set +e
dotnet test Bulwark.sln -c Release "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
# Then, on a full run that passed, the gateway compiled to a native executable (Native AOT) and the tests that start it
# as a process run again against that executable (eng/publish-aot.sh). Any argument (a filter, a logger) skips it.
native=0
native_log="$(mktemp)"
trap 'rm -f "$log" "$native_log"' EXIT
if [ "$#" -eq 0 ] && [ "$status" -eq 0 ]; then
  bash eng/publish-aot.sh 2>&1 | tee "$native_log"
  native=${PIPESTATUS[0]}
fi
set -e

passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s += $2} END {print s + 0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s += $2} END {print s + 0}')
echo "tests: ${passed} passed, ${failed} failed"
if [ -s "$native_log" ]; then
  native_passed=$(grep -oE 'Passed: +[0-9]+' "$native_log" | awk '{s += $2} END {print s + 0}')
  native_failed=$(grep -oE 'Failed: +[0-9]+' "$native_log" | awk '{s += $2} END {print s + 0}')
  echo "tests against the native executable: ${native_passed} passed, ${native_failed} failed"
fi

if [ "$status" -ne 0 ]; then
  exit "$status"
fi
if [ "$native" -ne 0 ]; then
  echo "the native (AOT) executable's publish or its process tests failed (exit $native)" >&2
  exit "$native"
fi
if [ "$passed" -eq 0 ]; then
  echo "no test ran" >&2
  exit 1
fi
