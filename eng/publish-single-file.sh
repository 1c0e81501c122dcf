#!/usr/bin/env bash
# Publishes the gateway as one self-contained executable for linux-x64 (the publish profile linux-x64-single-file) and
# proves it runs on its own: `bulwark --help` exits 0, `bulwark check-config` accepts a sample, and `bulwark serve`
# answers /health/live. Prints the file's size and the times measured. Not part of eng/test.sh: the publish downloads
# the linux-x64 runtime packs on first use and takes minutes on a 2-core machine.
#   eng/publish-single-file.sh            # publish, then check
#   eng/publish-single-file.sh --no-publish   # check the executable already published
#   PUBLISH_ARGS=-p:EnableCompressionInSingleFile=false eng/publish-single-file.sh   # extra publish arguments
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

out=src/Bulwark.Gateway/bin/publish/linux-x64
if [ "${1:-}" != "--no-publish" ]; then
  rm -rf "$out"
  start=$(date +%s.%N)
  # shellcheck disable=SC2086
  dotnet publish src/Bulwark.Gateway -p:PublishProfile=linux-x64-single-file -v quiet -nologo ${PUBLISH_ARGS:-}
  echo "publish: $(echo "$(date +%s.%N) - $start" | bc) s"
fi

bin="$out/bulwark"
test -x "$bin" || { echo "no executable at $bin" >&2; exit 1; }
echo "files in $out: $(ls "$out" | tr '\n' ' ')"
echo "size: $(stat -c %s "$bin") bytes ($(du -h "$bin" | cut -f1))"

work=$(mktemp -d)
trap 'kill "${pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
# A private extraction directory: the first start extracts the native SQLite library there.
export DOTNET_BUNDLE_EXTRACT_BASE_DIR="$work/extract"

start=$(date +%s.%N)
"$bin" --help > "$work/help.txt"
echo "bulwark --help: exit 0 in $(echo "$(date +%s.%N) - $start" | bc) s (first start)"
grep -q "Usage:" "$work/help.txt"
grep -q "bulwark \[command\]" "$work/help.txt" || { echo "the usage line does not say bulwark:" >&2; cat "$work/help.txt" >&2; exit 1; }

start=$(date +%s.%N)
"$bin" --help > /dev/null
echo "bulwark --help: exit 0 in $(echo "$(date +%s.%N) - $start" | bc) s (second start)"

STORE_A_TOKEN=a STORE_B_TOKEN=b "$bin" check-config --config samples/uploads/bulwark.json > "$work/check.txt"
echo "bulwark check-config samples/uploads/bulwark.json: exit 0"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$work/bulwark.json" <<JSON
{ "Bulwark": { "Providers": { "p": { "BaseUrl": "http://127.0.0.1:9" } }, "Routes": [ { "Path": "/api/{**rest}", "Providers": [ "p" ] } ] } }
JSON
start=$(date +%s.%N)
(cd "$work" && exec "$OLDPWD/$bin" serve --config bulwark.json --urls "http://127.0.0.1:$port" > serve.log 2>&1) &
pid=$!
for _ in $(seq 1 300); do
  if curl -fsS "http://127.0.0.1:$port/health/live" > /dev/null 2>&1; then
    echo "bulwark serve: /health/live 200 after $(echo "$(date +%s.%N) - $start" | bc) s"
    break
  fi
  kill -0 "$pid" 2>/dev/null || { echo "bulwark serve exited:" >&2; cat "$work/serve.log" >&2; exit 1; }
  sleep 0.05
done
curl -fsS "http://127.0.0.1:$port/health/live" > /dev/null
test -f "$work/data/bulwark.db" || { echo "no store under the working directory" >&2; exit 1; }
kill -TERM "$pid"
wait "$pid" || true
pid=
echo "single-file: ok"
