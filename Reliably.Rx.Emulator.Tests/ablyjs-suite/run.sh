#!/usr/bin/env bash
# Runs ably-js's own mocha test suite (unmodified spec files from a snapshot of github.com/ably/ably-js) against
# Reliably.Rx.Emulator, offline, the way Ably's SDK teams run it against their sandbox: each spec file provisions an app
# with POST /apps and runs its tests over WebSocket, in JSON and msgpack. Run it from the repository root.
#
# Two emulators are started from this checkout (Release build): the one under test (plain HTTP, like the shared
# runner) and a TLS one standing in for Ably's public echo service. echo-redirect.cjs, preloaded into the mocha process
# only, sends connections for echo.ably.io and internet-up.ably-realtime.com to the TLS one and trusts its certificate
# for those connections alone. Nothing on the machine is changed.
#
#   ABLYJS_GIT_DIR      git directory of an ably-js snapshot (required)
#   ABLYCOMMON_GIT_DIR  git directory of an ably-common snapshot (required: test fixtures)
#   FILES               spec files to run (default: DEFAULT_FILES below, i.e. the in-scope files)
#   OUT                 folder for the per-file reports (default: a new temp folder)
#   SANDBOX_URL         use an emulator that is already running instead of starting one
#   FILE_TIMEOUT_S      per-file limit in seconds (default 900); a file that hits it is reported as hung
#   ABLYJS_WORK         where the suite is unpacked and its npm dependencies installed (default: $TMPDIR)
#   CONFIGURATION       emulator build configuration (default Release)
#   TLS                 1: run the emulator under test with --tls too (https/wss, as Ably's sandbox is); it then also
#                       serves the echo routes, and its certificate is trusted for connections to it alone
#
# Output: one line per file (`<file>: passed N failed N pending N`), every failure as
# `FAIL <file> | <test> | <message>`, and a last line `ably-js suite: passed N failed N pending N`.
set -u
: "${ABLYJS_GIT_DIR:?set ABLYJS_GIT_DIR to a git directory of ably-js}"
: "${ABLYCOMMON_GIT_DIR:?set ABLYCOMMON_GIT_DIR to a git directory of ably-common}"
here=$(cd "$(dirname "$0")" && pwd)
root=$(pwd)
[ -f "$root/Reliably.Rx.sln" ] || { echo "run this from the repository root"; exit 2; }
work=${ABLYJS_WORK:-${TMPDIR:-/tmp}/reliably-rx-ablyjs}
out=${OUT:-$(mktemp -d)}
mkdir -p "$work" "$out"

DEFAULT_FILES="
 test/realtime/api.test.js test/realtime/auth.test.js test/realtime/channel.test.js test/realtime/connection.test.js
 test/realtime/crypto.test.js test/realtime/encoding.test.js test/realtime/event_emitter.test.js
 test/realtime/failure.test.js test/realtime/history.test.js test/realtime/init.test.js test/realtime/message.test.js
 test/realtime/presence.test.js test/realtime/reauth.test.js test/realtime/resume.test.js test/realtime/sync.test.js
 test/rest/api.test.js test/rest/auth.test.js test/rest/batch.test.js test/rest/capability.test.js
 test/rest/defaults.test.js test/rest/history.test.js test/rest/http.test.js test/rest/init.test.js
 test/rest/message.test.js test/rest/presence.test.js test/rest/request.test.js test/rest/stats.test.js
 test/rest/status.test.js test/rest/time.test.js"

# 1. The suite and its test dependencies, unpacked once per ably-js snapshot.
rev=$(git --git-dir="$ABLYJS_GIT_DIR" rev-parse HEAD) || exit 2
suite="$work/ably-js-$rev"
if [ ! -f "$suite/.unpacked" ]; then
  rm -rf "$suite" && mkdir -p "$suite/test/common/ably-common" || exit 2
  git --git-dir="$ABLYJS_GIT_DIR" archive HEAD | tar -x -C "$suite" || exit 2
  # The fixtures at the ably-common commit ably-js pins as a submodule, if the snapshot has it.
  common=$(git --git-dir="$ABLYJS_GIT_DIR" ls-tree HEAD test/common/ably-common | awk '{print $3}')
  { [ -n "$common" ] && git --git-dir="$ABLYCOMMON_GIT_DIR" archive "$common" 2>/dev/null || git --git-dir="$ABLYCOMMON_GIT_DIR" archive HEAD; } \
    | tar -x -C "$suite/test/common/ably-common" || exit 2
  mkdir -p "$work/node" && (cd "$work/node" && { [ -f package.json ] || npm init -y >/dev/null; } \
    && npm install --no-audit --no-fund mocha@10 chai@4.4.1 async@1.5.2 @ably/vcdiff-decoder@1.0.6 \
       source-map-support@0.5.21 ably@2.28.0 >"$out/npm.log" 2>&1) || { echo "npm install failed (see $out/npm.log)"; exit 2; }
  ln -sfn "$work/node/node_modules" "$suite/node_modules"
  # The spec files load the library from build/, as in an ably-js checkout after `npm run build`.
  mkdir -p "$suite/build" && cp -r "$work/node/node_modules/ably/build/." "$suite/build/"
  touch "$suite/.unpacked"
fi

# 2. The emulators (each in its own process group, stopped on exit).
pids=()
cleanup() { for p in "${pids[@]}"; do kill -- -"$p" 2>/dev/null; done; }
trap cleanup EXIT
started_url=
start_emulator() { # name, extra args...; sets started_url (not run in a subshell, so pids keeps the process)
  local name=$1; shift
  setsid dotnet "$root/Reliably.Rx.Emulator/bin/$configuration/net10.0/Reliably.Rx.Emulator.dll" --port 0 "$@" >"$out/$name.log" 2>&1 &
  pids+=($!)
  started_url=
  for _ in $(seq 1 240); do
    started_url=$(grep -oE 'listening on https?://127\.0\.0\.1:[0-9]+' "$out/$name.log" | head -1 | awk '{print $NF}')
    [ -n "$started_url" ] && return 0
    sleep 0.25
  done
  return 1
}
configuration=${CONFIGURATION:-Release}
dotnet build -c "$configuration" "$root/Reliably.Rx.Emulator" >"$out/build.log" 2>&1 || { echo "emulator build failed (see $out/build.log)"; exit 2; }
trust_port=
if [ "${TLS:-0}" = 1 ]; then
  # One TLS emulator: the suite's server, and the echo service by Host.
  start_emulator emulator --tls || { echo "the emulator did not start (see $out/emulator.log)"; exit 2; }
  SANDBOX_URL=$started_url echo_url=$started_url trust_port=${started_url##*:}
else
  if [ -z "${SANDBOX_URL:-}" ]; then
    start_emulator emulator || { echo "the emulator did not start (see $out/emulator.log)"; exit 2; }
    SANDBOX_URL=$started_url
  fi
  start_emulator echo --tls || { echo "the echo emulator did not start (see $out/echo.log)"; exit 2; }
  echo_url=$started_url
fi
echo_port=${echo_url##*:}
node -e '
  const tls = require("tls");
  const socket = tls.connect({ host: "127.0.0.1", port: Number(process.argv[1]), rejectUnauthorized: false }, () => {
    const der = socket.getPeerCertificate().raw.toString("base64");
    process.stdout.write("-----BEGIN CERTIFICATE-----\n" + der.match(/.{1,64}/g).join("\n") + "\n-----END CERTIFICATE-----\n");
    socket.end();
  });' "$echo_port" >"$out/echo-cert.pem" || { echo "could not read the echo emulator's certificate"; exit 2; }

# 3. The spec files, one mocha process each; the preload applies to mocha alone.
cd "$suite" || exit 2
total_pass=0 total_fail=0 total_pend=0
for file in ${FILES:-$DEFAULT_FILES}; do
  [ -f "$file" ] || { echo "no such spec file: $file"; continue; }
  name=$(basename "$(dirname "$file")")-$(basename "$file" .test.js)
  NODE_OPTIONS="--require $here/echo-redirect.cjs" RELIABLY_ECHO_PORT=$echo_port RELIABLY_ECHO_CERT="$out/echo-cert.pem" RELIABLY_TRUST_PORT=$trust_port \
    ABLY_LOCAL_SANDBOX_URL="$SANDBOX_URL" ABLY_TEST_TRANSPORTS=web_socket \
    timeout "${FILE_TIMEOUT_S:-900}" npx mocha --config .mocharc.js --reporter json --exit "$file" >"$out/$name.json" 2>"$out/$name.err"
  node "$here/summarise.cjs" "$out/$name.json" "$file" >"$out/$name.txt"
  read -r _ p f q < <(grep '^TOTAL' "$out/$name.txt")
  echo "$file: passed $p failed $f pending $q"
  total_pass=$((total_pass + p)) total_fail=$((total_fail + f)) total_pend=$((total_pend + q))
done
grep -h '^FAIL' "$out"/*.txt 2>/dev/null
echo "reports in $out"
echo "ably-js suite: passed $total_pass failed $total_fail pending $total_pend"
