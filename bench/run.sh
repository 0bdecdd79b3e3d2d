#!/bin/sh
# bench/run.sh -- the full benchmark in one command:
#   builds uvlog-bench (release build in build-bench/), runs it, writes
#   bench/results/latest.txt (the table), bench/results/latest.json, a dated
#   copy of the JSON, and redraws docs/img/latency-*.png and throughput.png.
# The full run adds the latency spacing sections, the pin ratio, and the idle
# and steady scenarios (about 2 minutes more), then bench/callgrind.sh
# (instructions per call; skipped without valgrind).
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
ninja -C "$build" bench/uvlog-bench bench/callgrind_call
mkdir -p bench/results docs/img
stamp=$(date -u +%Y%m%dT%H%M%SZ)
# Latency sections: the listener asleep (nanosleep 10 us) and awake (busy-wait
# 1.5 us and 20 us), and at 1.5 us on one CPU vs two (pin ratio); then the idle
# and steady scenarios (docs/benchmarks.md, "Listener awake vs asleep").
# Options given to run.sh come after these and win (e.g. --spacing-set sleep10us).
"$build/bench/uvlog-bench" --json bench/results/latest.json \
  --spacing-set sleep10us,spin1500,spin20000,spin1500@same,spin1500@split --idle --steady \
  "$@" | tee bench/results/latest.txt
cp bench/results/latest.json "bench/results/$stamp.json"
python3 bench/plot.py bench/results/latest.json docs/img
if command -v valgrind >/dev/null; then
  UVLOG_BENCH_BUILD=$build sh bench/callgrind.sh | tee bench/results/callgrind-latest.txt
else
  echo "notice: valgrind not found: no instruction counts (bench/callgrind.sh)"
fi
# The preloaded syslog() against glibc's (docs/drop-in.md; root for /dev/log).
ninja -C "$build" bench/bench_preload bench/syslog_lat libuvlog-syslog.so
"$build/bench/bench_preload" | tee bench/results/preload-latest.txt ||
  echo "notice: bench_preload needs root (a private /dev/log): skipped"
echo "results: bench/results/latest.{txt,json}, bench/results/$stamp.json,"
echo "  bench/results/callgrind-latest.txt, bench/results/preload-latest.txt; plots: docs/img/"
