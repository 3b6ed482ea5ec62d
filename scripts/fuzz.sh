#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (+ASan +UBSan) in build-fuzz/ and runs each
# for SECONDS (default 60), up to nproc at a time, printing executions per target.
#   scripts/fuzz.sh          # 60 s per target
#   scripts/fuzz.sh 20       # CI-friendly: 20 s per target
#   FUZZ_TARGETS="spl xml" scripts/fuzz.sh 300
#   FUZZ_RUNS=10000000 scripts/fuzz.sh 3600   # stop each target at 10 M executions (or the time)
#   FUZZ_SEED=1 FUZZ_RUNS=20000 scripts/fuzz.sh 600   # reproducible (CI): fixed seed and run count
#   FUZZ_MAX_LEN=16384 scripts/fuzz.sh 600             # smaller inputs, more executions
#   FUZZ_SANITIZE=undefined scripts/fuzz.sh 3600      # volume: UBSan only, ~5x the executions/s
#                                                    # of ASan+UBSan (build dir build-fuzz-undefined)
# Corpora live in build-fuzz/corpus/<target> and grow from run to run; they are seeded
# from fuzz/seeds/<target>, tests/regress/<target> and, at run time, from ../shared
# (cases and public logs; nothing from ../shared is copied into the repository).
# Crashes land in build-fuzz/artifacts/<target>/; the script then exits 1.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
targets=${FUZZ_TARGETS:-"xml json evtx spl plan wildcard"}
jobs=${FUZZ_JOBS:-$(nproc)}
shared=../shared
san=${FUZZ_SANITIZE:-address,undefined}
out=build-fuzz
[ "$san" = "address,undefined" ] || out=build-fuzz-${san//,/-}

cmake -S . -B $out -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER="${CXX:-clang++}" \
  -DSPLINTER_FUZZ=ON -DSPLINTER_FUZZ_SANITIZERS="$san" -DSPLINTER_TESTS=OFF >/dev/null
cmake --build $out -j "$(nproc)" --target $(for t in $targets; do printf 'fuzz_%s ' "$t"; done) >/dev/null

# --- seed corpora from ../shared (assembled once into build-fuzz/shared-seeds) ---------
seeds=$out/shared-seeds
add() {  # add TARGET FILE [MAXBYTES]: copy (or the head of) FILE into the target's seed dir
  local t=$1 f=$2 max=${3:-65536} name
  name=$(printf '%s' "$f" | md5sum | cut -c1-16)
  head -c "$max" "$f" > "$seeds/$t/$name"
}
if [ -d "$shared" ] && [ ! -f "$seeds/.done" ]; then
  rm -rf "$seeds"; mkdir -p "$seeds"/{xml,json,evtx,spl}
  for f in "$shared"/cases/*.xml; do add xml "$f" 32768; done
  find "$shared/data" -name '*.log' -size -4M -print0 | while IFS= read -r -d '' f; do add xml "$f" 16384; done || true
  for f in "$shared"/cases/*.jsonl demo/*.json; do [ -f "$f" ] && add json "$f" 16384; done
  find "$shared/data" -name '*.json' -size -64k -print0 | head -z -n 150 | while IFS= read -r -d '' f; do add json "$f"; done || true
  # EVTX: small whole files (one or two chunks) keep executions fast; plus the cases.
  for f in "$shared"/cases/*.evtx; do add evtx "$f" 300000; done
  find "$shared/data" -name '*.evtx' -size -200k -print0 | sort -z | head -z -n 40 |
    while IFS= read -r -d '' f; do add evtx "$f" 300000; done  || true
  for f in "$shared"/cases/*.spl; do add spl "$f"; done
  # Detection searches from security_content (a sample), one file per search.
  if command -v python3 >/dev/null && python3 -c 'import yaml' 2>/dev/null; then
    python3 - "$shared/content" "$seeds/spl" <<'PY'
import os, sys, yaml, hashlib
root, dst = sys.argv[1], sys.argv[2]
n = 0
for d, _, files in sorted(os.walk(root)):
    for f in sorted(files):
        if not f.endswith('.yml') or n >= 300: continue
        try: doc = yaml.safe_load(open(os.path.join(d, f), encoding='utf-8'))
        except Exception: continue
        s = doc.get('search') if isinstance(doc, dict) else None
        if isinstance(s, str) and n % 1 == 0:
            open(os.path.join(dst, hashlib.md5(s.encode()).hexdigest()[:16]), 'w').write(s)
            n += 1
PY
  fi
  touch "$seeds/.done"
fi

declare -A maxlen=([xml]=65536 [json]=65536 [evtx]=300000 [spl]=8192 [plan]=4096 [wildcard]=512)
# FUZZ_MAX_LEN caps every target's input size: small inputs run many times faster (an
# EVTX input cut to 16 KiB is a file header plus a truncated first chunk of records).
if [ -n "${FUZZ_MAX_LEN:-}" ]; then
  for t in "${!maxlen[@]}"; do
    [ "${maxlen[$t]}" -le "$FUZZ_MAX_LEN" ] || maxlen[$t]=$FUZZ_MAX_LEN
  done
fi
run_one() {
  local t=$1 log=$out/logs/$1.$$.log  # per invocation: concurrent runs of a target must not share a log
  mkdir -p "$out/corpus/$t" "$out/artifacts/$t" "$out/logs"
  local dirs=("$out/corpus/$t" "fuzz/seeds/$t")
  [ -d "tests/regress/$t" ] && dirs+=("tests/regress/$t")
  [ -d "$seeds/$t" ] && dirs+=("$seeds/$t")
  [ "$t" = plan ] && [ -d "$seeds/spl" ] && dirs+=("$seeds/spl")  # real searches seed the compiler too
  local runs=()
  [ -n "${FUZZ_RUNS:-}" ] && runs=(-runs="$FUZZ_RUNS")
  [ -n "${FUZZ_SEED:-}" ] && runs+=(-seed="$FUZZ_SEED")
  local dict=()
  [ -f "fuzz/$t.dict" ] && dict=(-dict="fuzz/$t.dict")
  ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 UBSAN_OPTIONS=print_stacktrace=1 \
    "$out/fuzz/fuzz_$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len="${maxlen[$t]}" \
    "${runs[@]}" -print_final_stats=1 -artifact_prefix="$out/artifacts/$t/" "${dict[@]}" "${dirs[@]}" >"$log" 2>&1
}

ledger=build-fuzz/ledger.tsv  # shared by every sanitizer build
mkdir -p build-fuzz
rc=0
pids=() names=()
for t in $targets; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  run_one "$t" & pids+=($!) names+=("$t")
done
failed=()
for i in "${!pids[@]}"; do
  wait "${pids[$i]}" || failed+=("${names[$i]}")
done

printf '%-10s %14s %8s %s\n' target executions corpus result
for t in $targets; do
  log=$out/logs/$t.$$.log
  execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || true)
  [ -n "$execs" ] || execs=$(grep -o 'Done [0-9]* runs' "$log" | grep -o '[0-9]*' || echo '?')
  corpus=$(find "$out/corpus/$t" -type f | wc -l)
  res=ok
  if [[ " ${failed[*]-} " == *" $t "* ]]; then
    res="FAILED: $(ls "$out/artifacts/$t" | head -3 | tr '\n' ' ') (see $log)"
    rc=1
  fi
  printf '%-10s %14s %8s %s\n' "$t" "$execs" "$corpus" "$res"
  # Every run is appended to a ledger, so executions add up across runs and builds.
  printf '%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$t" "$san" "$execs" "${res%% *}" >> "$ledger"
done
echo "executions so far, all runs (from $ledger):"
awk -F'\t' '{n[$2]+=$4} END {for (t in n) printf "  %-10s %14d\n", t, n[t]}' "$ledger" | sort
exit $rc
