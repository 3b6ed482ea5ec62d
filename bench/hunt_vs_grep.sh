#!/usr/bin/env bash
# End-to-end throughput of `splinter hunt` (seed detection, all stages) next to plain
# text scanners on the same bytes in the same run: ripgrep and grep counting lines
# that mention regsvr32 (a lower bound: they parse nothing and map nothing).
# With ../shared/content/security_content present it also runs every ESCU detection
# in the same single pass.
#   bench/hunt_vs_grep.sh [-b BUILD_DIR] [-s SIZE_MB]
# The corpus is XmlWinEventLog and JSON lines from ../shared/data, repeated up to SIZE_MB
# (default 512) into a temporary directory.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build="$here/../build"
size_mb=512
while getopts "b:s:" o; do
  case $o in
    b) build=$OPTARG ;;
    s) size_mb=$OPTARG ;;
    *) exit 2 ;;
  esac
done
shared="$here/../../shared/data"
[ -x "$build/splinter" ] || { echo "build $build/splinter first" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mapfile -t xml < <(find "$shared/derived-xmlwineventlog" "$shared/splunk-attack_data" -type f \( -name '*.log' -o -name '*.raw' \) | sort)
mapfile -t json < <(find "$shared/OTRF-Security-Datasets" -type f -name '*.json' | sort)
for kind in xml json; do
  declare -n files=$kind
  out="$tmp/corpus.$kind"
  : > "$out"
  target=$((size_mb * 1024 * 1024 / 2))
  while [ "$(stat -c %s "$out")" -lt "$target" ]; do cat "${files[@]}" >> "$out"; done
done
bytes=$(cat "$tmp"/corpus.* | wc -c)
mb=$(echo "$bytes / 1048576" | bc -l)
printf 'corpus: %.0f MiB (XmlWinEventLog + NXLog/Winlogbeat JSON lines)\n' "$mb"
cat "$tmp"/corpus.* > /dev/null  # warm the page cache

run() {  # name, command...: best of 3 wall times
  local name=$1 best="" t0 t1 t
  shift
  for _ in 1 2 3; do
    t0=$(date +%s.%N); "$@" > /dev/null 2>&1 || true; t1=$(date +%s.%N)
    t=$(echo "$t1 - $t0" | bc -l)
    if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
  done
  printf '%-34s %8.3f s %9.1f MiB/s\n' "$name" "$best" "$(echo "$mb / $best" | bc -l)"
}
run "splinter hunt (seed detection)" "$build/splinter" hunt -q --format json "$tmp"
# Many detections in one pass: the whole ESCU checkout (loading and compiling it is
# the fixed cost, shown alone on an empty input).
content="$here/../../shared/content/security_content"
if [ -d "$content/detections" ]; then
  : > "$tmp/empty.log"
  run "splinter: load+compile all ESCU" "$build/splinter" hunt -q --format json --content "$content" "$tmp/empty.log"
  rm "$tmp/empty.log"
  run "splinter hunt (all ESCU detections)" "$build/splinter" hunt -q --format json --content "$content" "$tmp"
fi
command -v rg > /dev/null && run "rg -c -i regsvr32 (1 thread)" rg -j1 -c -i regsvr32 "$tmp"
command -v rg > /dev/null && run "rg -c -i regsvr32 (all cores)" rg -c -i regsvr32 "$tmp"
run "grep -c -i regsvr32" grep -c -i regsvr32 "$tmp"/corpus.xml "$tmp"/corpus.json
"$build/splinter" hunt --format json "$tmp" 2>&1 >/dev/null | head -3
