#!/usr/bin/env bash
# Reads the same .evtx files with splinter and with libevtx's evtxexport and prints
# records/s, MB/s and the speed ratio.
#   bench/evtx_vs_evtxexport.sh [-b BUILD_DIR] [-r REPEAT] [PATH...]   (default PATH: ../shared)
# splinter side: `BUILD/splinter hunt --format json PATHS` once the CLI can hunt,
# else BUILD/evtx_bench (read_evtx + record count, all cores).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build="$here/../build"
repeat=3
while getopts "b:r:" o; do
  case $o in
    b) build=$OPTARG ;;
    r) repeat=$OPTARG ;;
    *) exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || set -- "$here/../../shared"
command -v evtxexport >/dev/null || { echo "evtxexport not installed (apt-get install libevtx-utils)" >&2; exit 1; }

mapfile -d '' files < <(find "$@" -type f -name '*.evtx' -print0 | sort -z)
[ ${#files[@]} -gt 0 ] || { echo "no .evtx files under $*" >&2; exit 1; }
bytes=$(cat "${files[@]}" | wc -c)

now() { date +%s.%N; }
best() {  # best-of-$repeat wall time of "$@"
  local b="" t0 t1 t
  for _ in $(seq "$repeat"); do
    t0=$(now); "$@" >/dev/null 2>&1; t1=$(now)
    t=$(echo "$t1 - $t0" | bc -l)
    if [ -z "$b" ] || [ "$(echo "$t < $b" | bc -l)" = 1 ]; then b=$t; fi
  done
  echo "$b"
}

if [ -x "$build/splinter" ] && "$build/splinter" hunt --help >/dev/null 2>&1; then
  ours=("$build/splinter" hunt --format json "${files[@]}")
  ours_name="splinter hunt"
  ours_records=$("$build/evtx_bench" "${files[@]}" 2>&1 >/dev/null | sed -n 's/.*records=\([0-9]*\).*/\1/p' || echo 0)
else
  [ -x "$build/evtx_bench" ] || { echo "build $build/evtx_bench first (ninja -C $build evtx_bench)" >&2; exit 1; }
  ours=("$build/evtx_bench" "${files[@]}")
  ours_name="evtx_bench (read_evtx)"
  ours_records=$("${ours[@]}" 2>&1 >/dev/null | sed -n 's/.*records=\([0-9]*\).*/\1/p')
fi
export_all() { for f in "${files[@]}"; do evtxexport -f xml "$f"; done; }
their_records=$(export_all 2>/dev/null | grep -c '^<Event xmlns' || true)

t_ours=$(best "${ours[@]}")
t_theirs=$(best export_all)

mb=$(echo "$bytes / 1000000" | bc -l)
printf 'files: %d, %.1f MB, best of %d runs, %d cores\n' "${#files[@]}" "$mb" "$repeat" "$(nproc)"
printf '%-26s %9s records %8.3f s %10.0f records/s %8.1f MB/s\n' "$ours_name" "$ours_records" "$t_ours" \
  "$(echo "$ours_records / $t_ours" | bc -l)" "$(echo "$mb / $t_ours" | bc -l)"
printf '%-26s %9s records %8.3f s %10.0f records/s %8.1f MB/s\n' "evtxexport -f xml" "$their_records" "$t_theirs" \
  "$(echo "$their_records / $t_theirs" | bc -l)" "$(echo "$mb / $t_theirs" | bc -l)"
printf 'ratio (evtxexport time / splinter time): %.1fx\n' "$(echo "$t_theirs / $t_ours" | bc -l)"
