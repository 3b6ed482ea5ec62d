#!/usr/bin/env bash
# Builds and runs every test: a warnings-as-errors release build, a short libFuzzer run
# of every fuzz target (ASan + UBSan, fixed seed and run count, so a failure reproduces
# with the same command), then the whole suite again under ASan + UBSan, and the
# multi-threaded reader tests under ThreadSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
jobs=$(nproc)

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSPLINTER_WERROR=ON -DSPLINTER_TESTS=ON >/dev/null
cmake --build build -j "$jobs"
ctest --test-dir build --output-on-failure -j "$jobs"

# Long campaigns are scripts/fuzz.sh with a time (see its header).
FUZZ_SEED=1 FUZZ_RUNS=${FUZZ_RUNS:-15000} scripts/fuzz.sh 60

cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSPLINTER_WERROR=ON -DSPLINTER_SANITIZE=ON >/dev/null
cmake --build build-asan -j "$jobs"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j "$jobs" -LE slow

# The EVTX reader decodes chunks and whole batches of files on several threads.
cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSPLINTER_TESTS=ON \
  -DCMAKE_CXX_FLAGS=-fsanitize=thread -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=thread >/dev/null
cmake --build build-tsan -j "$jobs" --target test_io splinter
TSAN_OPTIONS=halt_on_error=1 build-tsan/tests/test_io --gtest_filter='EvtxRobustness.*:EvtxCases.*:IoReadInputs.*'

# Detections' pipelines also run in parallel after the scan: every ESCU detection over
# the shared logs on 4 threads, race-free and with the same rows as one thread gives.
content=../shared/content/security_content
if [ -d "$content" ] && [ -d ../shared/data ]; then
  hunt() {
    local rc=0
    "$1" hunt "${@:2}" -q -f json --content "$content" ../shared/data 2>build-tsan/hunt.err || rc=$?
    # 3: some inputs are damaged on purpose (reported, the rest is read)
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; then
      tail -n 60 build-tsan/hunt.err >&2
      echo "hunt failed (exit $rc): $*" >&2
      exit 1
    fi
  }
  hunt build/splinter --threads 1 >build-tsan/hunt-1.jsonl
  TSAN_OPTIONS="halt_on_error=1 exitcode=66" hunt build-tsan/splinter --threads 4 >build-tsan/hunt-4.jsonl
  cmp build-tsan/hunt-1.jsonl build-tsan/hunt-4.jsonl
fi
