#!/usr/bin/env bash
# Installs dependencies, builds build/splinter and runs the built-in detection on the
# bundled demo logs, printing the result rows and writing risk events to build/demo-risk.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DSPLINTER_TESTS=OFF >/dev/null
cmake --build build --target splinter
build/splinter hunt demo/ --risk build/demo-risk.jsonl
echo
echo "risk events (build/demo-risk.jsonl):"
cat build/demo-risk.jsonl
