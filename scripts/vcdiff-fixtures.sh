#!/usr/bin/env bash
# Regenerates the VCDIFF fixtures that Reliably.Rx.Tests decodes: deltas written by xdelta3, an encoder independent of
# this project. Needs xdelta3 on PATH (Debian: apt-get install xdelta3; made with 3.0.11). Each case is
# <name>.source, <name>.target and <name>.vcdiff; the test checks decode(vcdiff, source) == target.
set -euo pipefail
out="$(cd "$(dirname "$0")/.." && pwd)/Reliably.Rx.Tests/Vcdiff/Fixtures"
mkdir -p "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# A JSON document of about 4 KB, and the same document with about 1% of it changed.
node -e '
const doc = { id: "sensor-7", readings: Array.from({ length: 120 }, (_, i) => ({ t: 1700000000 + i, v: (i * 37) % 101 })) };
require("fs").writeFileSync(process.argv[1], JSON.stringify(doc));
doc.readings[40].v = 999; doc.readings[41].t += 5; doc.id = "sensor-8";
require("fs").writeFileSync(process.argv[2], JSON.stringify(doc));
' "$work/doc.source" "$work/doc.target"

# Random bytes with a few edits, 40 KB: several windows with small window sizes.
head -c 40960 /dev/urandom > "$work/binary.source"
cp "$work/binary.source" "$work/binary.target"
printf 'inserted bytes' | dd of="$work/binary.target" bs=1 seek=5000 conv=notrunc status=none
head -c 3000 /dev/urandom >> "$work/binary.target"

# Repetitive text (RUN instructions and overlapping copies), against an unrelated source.
printf 'hello world' > "$work/runs.source"
for i in $(seq 1 200); do printf 'abababababab'; done > "$work/runs.target"
printf 'zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz' >> "$work/runs.target"

# Empty source, and empty target.
: > "$work/from-empty.source"
printf 'a payload that shares nothing with its base' > "$work/from-empty.target"
printf 'something' > "$work/to-empty.source"
: > "$work/to-empty.target"

encode() { # name, extra xdelta3 flags
  xdelta3 -e -f -S none $2 -s "$work/$1.source" "$work/$1.target" "$out/$3.vcdiff"
  cp "$work/$1.source" "$out/$3.source"
  cp "$work/$1.target" "$out/$3.target"
}
encode doc "" doc                          # application header and Adler-32 checksums
encode doc "-A -n" doc-bare                # neither
encode binary "-W 16384" binary-windows    # many windows
encode runs "" runs
encode from-empty "" from-empty
encode to-empty "" to-empty
ls -l "$out"
