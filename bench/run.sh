#!/bin/sh
# bench/run.sh -- the full benchmark in one command:
#   builds uvlog-bench (release build in build-bench/), runs it, writes
#   bench/results/latest.txt (the table), bench/results/latest.json, a dated
#   copy of the JSON, and redraws docs/img/latency-*.png and throughput.png.
# Extra arguments go to uvlog-bench (e.g. --threads 1,2,4 --rounds 5).
# Needs: meson, ninja, python3, gnuplot; strace for the audit columns;
# root (or user namespaces) for the syslog contender; libspdlog-dev for spdlog.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${UVLOG_BENCH_BUILD:-$root/build-bench}
cd "$root"
if [ ! -d "$build" ]; then
  meson setup "$build" --buildtype=release -Dbench=true -Dtests=disabled
fi
ninja -C "$build" bench/uvlog-bench
mkdir -p bench/results docs/img
stamp=$(date -u +%Y%m%dT%H%M%SZ)
"$build/bench/uvlog-bench" --json bench/results/latest.json "$@" | tee bench/results/latest.txt
cp bench/results/latest.json "bench/results/$stamp.json"
python3 bench/plot.py bench/results/latest.json docs/img
echo "results: bench/results/latest.{txt,json}, bench/results/$stamp.json; plots: docs/img/"
