#!/usr/bin/env bash
# Publishes the gateway as a native executable (Native AOT, the publish profile linux-x64-aot) and runs the gateway
# test classes that start `bulwark` as a process of their own through GatewayProcess or GatewayExecutable (the crash,
# drain, reload, fleet, store-fault, start-up and sample tests) against it, through BULWARK_GATEWAY_EXECUTABLE.
# (DockerfileTests keep running `dotnet Bulwark.Gateway.dll`, as the image does.) eng/test.sh runs it after the other
# tests. Needs a C toolchain (clang, or gcc where clang is absent) for the native link.
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
echo "native executable: $(stat -c %s "$bin") bytes, beside: $(ls "$out" | grep -v -e '^bulwark$' -e '\.pdb$' | tr '\n' ' ')"
"$bin" --help | grep -q "bulwark \[command\]" || { echo "bulwark --help does not print its usage" >&2; exit 1; }

# Every test class that starts the gateway as a process (GatewayProcess, GatewayExecutable) runs again, against the
# native executable; the Release build of the tests must be there (dotnet test -c Release, or dotnet build, first).
# A test file's path is its class's namespace and name (the test tree mirrors src); each class must match a test.
mapfile -t classes < <(grep -rlE 'GatewayProcess\.|GatewayExecutable\.' tests/Bulwark.Gateway.Tests --include='*.cs' \
  | grep -v -e '/obj/' -e '/bin/' -e '/Infrastructure/' \
  | sed -e 's|^tests/Bulwark.Gateway.Tests/||' -e 's|\.cs$||' -e 's|/|.|g' -e 's|^|Bulwark.Gateway.Tests.|' | sort)
test "${#classes[@]}" -gt 0 || { echo "no process test found" >&2; exit 1; }
filter=$(printf 'FullyQualifiedName~%s.|' "${classes[@]}"); filter=${filter%|}
listed=$(dotnet test tests/Bulwark.Gateway.Tests -c Release --no-build --filter "$filter" --list-tests 2>/dev/null | sed -n 's/^ *\(Bulwark\.Gateway\.Tests\.[^ (]*\)\.[^.( ]*.*$/\1/p' | sort -u)
for class in "${classes[@]}"; do
  grep -qx "$class" <<<"$listed" || { echo "no test matched $class: is its file's path its namespace and class name?" >&2; exit 1; }
done
echo "${#classes[@]} test classes run against the native executable"
BULWARK_GATEWAY_EXECUTABLE="$bin" dotnet test tests/Bulwark.Gateway.Tests -c Release --no-build --filter "$filter"
