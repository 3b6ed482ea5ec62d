#!/usr/bin/env bash
# Reads the same .evtx files with splinter and with libevtx's evtxexport and prints,
# in one run, records/s, MB/s and the speed ratio against evtxexport for:
#   evtx_bench -t1        decode only (read_evtx, files mapped), 1 thread
#   evtx_bench -tN        decode only, all cores
#   splinter hunt         end to end: `splinter hunt -q --format json PATHS` (all detections)
#   evtxexport -f xml     one process per file, as it must be run
# "speedup" = evtxexport wall time / this row's wall time (x100 is the goal).
# Times are best-of-REPEAT wall times of whole processes (startup and file mapping
# included, measured to the microsecond); "cpu" is user+sys of that best run. evtx_bench also reports the time spent
# inside read_evtx ("in-process").
#   bench/evtx_vs_evtxexport.sh [-b BUILD_DIR] [-r REPEAT] [-x] [PATH...]
#   (default PATH: ../shared; -x skips the hunt row)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build="$here/../build"
repeat=3
hunt=1
while getopts "b:r:x" o; do
  case $o in
    b) build=$OPTARG ;;
    r) repeat=$OPTARG ;;
    x) hunt=0 ;;
    *) exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || set -- "$here/../../shared"
command -v evtxexport >/dev/null || { echo "evtxexport not installed (apt-get install libevtx-utils)" >&2; exit 1; }
[ -x "$build/evtx_bench" ] || { echo "build $build/evtx_bench first (ninja -C $build evtx_bench)" >&2; exit 1; }

mapfile -d '' files < <(find "$@" -type f -name '*.evtx' -print0 | sort -z)
[ ${#files[@]} -gt 0 ] || { echo "no .evtx files under $*" >&2; exit 1; }
bytes=$(cat "${files[@]}" | wc -c)
mb=$(echo "$bytes / 1000000" | bc -l)
cores=$(nproc)

# run_best NAME CMD...: best-of-$repeat wall time; sets best_wall, best_cpu.
tfile=$(mktemp)
trap 'rm -f "$tfile"' EXIT
run_best() {
  best_wall="" best_cpu=""
  local w c t0 t1
  for _ in $(seq "$repeat"); do
    # Wall time from bash's microsecond clock (/usr/bin/time rounds to 10 ms, too coarse
    # for the fast rows); cpu from /usr/bin/time.
    t0=$EPOCHREALTIME
    /usr/bin/time -f '%U %S' -o "$tfile" "$@" >/dev/null 2>&1 || true
    t1=$EPOCHREALTIME
    w=$(echo "$t1 - $t0" | bc -l)
    c=$(tail -n 1 "$tfile" | awk '{print $1 + $2}')
    if [ -z "$best_wall" ] || [ "$(echo "$w < $best_wall" | bc -l)" = 1 ]; then
      best_wall=$w
      best_cpu=$c
    fi
  done
}
bench_field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p"; }

ours_records=$("$build/evtx_bench" --threads 1 "${files[@]}" 2>&1 >/dev/null | bench_field records)
export_all() { for f in "${files[@]}"; do evtxexport -f xml "$f"; done; }
their_records=$(export_all 2>/dev/null | grep -c '^<Event xmlns' || true)

names=() walls=() cpus=() recs=() notes=()
add_row() { names+=("$1"); walls+=("$best_wall"); cpus+=("$best_cpu"); recs+=("$2"); notes+=("$3"); }

for t in 1 "$cores"; do
  run_best "$build/evtx_bench" --threads "$t" "${files[@]}"
  inproc=$("$build/evtx_bench" --threads "$t" --repeat "$repeat" "${files[@]}" 2>&1 >/dev/null | bench_field seconds)
  add_row "evtx_bench decode, ${t} thr" "$ours_records" \
    "in-process $(printf '%.3f' "$inproc") s = $(printf '%.0f' "$(echo "$mb / $inproc" | bc -l)") MB/s"
done
if [ "$hunt" = 1 ] && [ -x "$build/splinter" ]; then
  run_best "$build/splinter" hunt -q --format json "${files[@]}"
  add_row "splinter hunt -q json" "$ours_records" "all detections, end to end"
fi
run_best bash -c 'for f in "$@"; do evtxexport -f xml "$f"; done' _ "${files[@]}"
add_row "evtxexport -f xml" "$their_records" "one process per file"
t_theirs=$best_wall

printf 'files: %d, %.1f MB, best of %d runs, %d cores, load average %s\n' "${#files[@]}" "$mb" "$repeat" \
  "$cores" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-27s %8s %8s %8s %11s %9s %9s\n' "" records "wall s" "cpu s" "records/s" "MB/s" "speedup"
for i in "${!names[@]}"; do
  w=${walls[$i]}
  printf '%-27s %8s %8.4f %8.2f %11.0f %9.1f %8.1fx  %s\n' "${names[$i]}" "${recs[$i]}" "$w" "${cpus[$i]}" \
    "$(echo "${recs[$i]} / $w" | bc -l)" "$(echo "$mb / $w" | bc -l)" "$(echo "$t_theirs / $w" | bc -l)" "${notes[$i]}"
done
