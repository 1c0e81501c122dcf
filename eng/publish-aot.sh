#!/usr/bin/env bash
# Publishes the gateway as a native executable (Native AOT, the publish profile linux-x64-aot) and runs every gateway
# test that starts `bulwark` as a process of its own (the crash, drain, reload, fleet, store-fault and sample tests)
# against it, through BULWARK_GATEWAY_EXECUTABLE. eng/test.sh runs it after the other tests. Needs a C toolchain
# (clang, or gcc where clang is absent) for the native link.
#   eng/publish-aot.sh                 # publish, then test
#   eng/publish-aot.sh --no-publish    # test the executable already published
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

out=src/Bulwark.Gateway/bin/publish/linux-x64-aot
if [ "${1:-}" != "--no-publish" ]; then
  rm -rf "$out"
  start=$(date +%s.%N)
  dotnet publish src/Bulwark.Gateway -p:PublishProfile=linux-x64-aot -v quiet -nologo
  echo "native publish: $(printf '%.0f' "$(echo "$(date +%s.%N) - $start" | bc)") s"
fi

bin="$PWD/$out/bulwark"
test -x "$bin" || { echo "no executable at $bin" >&2; exit 1; }
echo "native executable: $(stat -c %s "$bin") bytes, beside: $(ls "$out" | grep -v '^bulwark$' | grep -v '^Bulwark.Gateway$' | grep -v '\.pdb$' | tr '\n' ' ')"
"$bin" --help | grep -q "bulwark \[command\]" || { echo "bulwark --help does not print its usage" >&2; exit 1; }

# Every test class that starts the gateway as a process (GatewayProcess, GatewayExecutable) runs again, against the
# native executable; the build output must be there (dotnet test, or dotnet build, first).
filter=$(grep -rlE 'GatewayProcess\.|GatewayExecutable\.' tests/Bulwark.Gateway.Tests --include='*.cs' \
  | grep -v -e '/obj/' -e '/bin/' -e '/Infrastructure/' \
  | sed -e 's|^tests/Bulwark.Gateway.Tests/||' -e 's|\.cs$||' -e 's|/|.|g' -e 's|^|FullyQualifiedName~Bulwark.Gateway.Tests.|' \
  | sort | paste -sd'|')
test -n "$filter" || { echo "no process test found" >&2; exit 1; }
BULWARK_GATEWAY_EXECUTABLE="$bin" dotnet test tests/Bulwark.Gateway.Tests -c Release --no-build --filter "$filter"
