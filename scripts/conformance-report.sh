#!/usr/bin/env bash
# Regenerates docs/conformance.md: runs Reliably.Rx.Conformance.Tests, then writes the report from the run's TRX file,
# the test assembly (categories, [Ignore], [Divergence], [Adapted]) and Ably's UTS specs.
#   SPEC_GIT_DIR  a git directory holding a snapshot of github.com/ably/specification (required)
# Exits non-zero when a test name cites a clause the features spec has removed or replaced.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${SPEC_GIT_DIR:?set SPEC_GIT_DIR to a git directory of ably/specification}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git --git-dir="$SPEC_GIT_DIR" archive HEAD uts | tar -x -C "$work"
commit=$(git --git-dir="$SPEC_GIT_DIR" rev-parse --short HEAD)
dotnet build -c Release Reliably.Rx.Conformance.Tests >/dev/null
start=$(date +%s)
dotnet test -c Release --no-build Reliably.Rx.Conformance.Tests --logger "trx;LogFileName=$work/conformance.trx" >"$work/test.log" 2>&1 || true
seconds=$(( $(date +%s) - start ))
tail -n 3 "$work/test.log"
dotnet run -c Release --project tools/ConformanceReport -- \
  --uts "$work/uts" \
  --assembly Reliably.Rx.Conformance.Tests/bin/Release/net10.0/Reliably.Rx.Conformance.Tests.dll \
  --trx "$work/conformance.trx" \
  --removed ../shared/ably/removed-clauses.txt \
  --spec-commit "$commit" \
  --duration "${seconds} s (dotnet test of the project, build excluded)" \
  --out docs/conformance.md
