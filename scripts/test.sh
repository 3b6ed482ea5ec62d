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
cmake --build build-tsan -j "$jobs" --target test_io
TSAN_OPTIONS=halt_on_error=1 build-tsan/tests/test_io --gtest_filter='EvtxRobustness.*:EvtxCases.*:IoReadInputs.*'
