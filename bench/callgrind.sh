#!/bin/sh
# bench/callgrind.sh -- instructions per logging call, counted by callgrind:
# runs bench/callgrind_call (see its header) under
#   valgrind --tool=callgrind --instr-atstart=no --collect-systime=no --separate-threads=yes
# and prints, per N calls on the producer (main) thread, its total Ir / N for
#   the deferred call     UVLOG_INFO_TO(log, "req %d from %s took %.3f ms", i, "10.0.0.7", 1.25)
#   the preformatting call UVLOG_INFOF_TO(...) with the same arguments
#   an empty function call with the same arguments (the floor)
#   4 printf arguments (args4) and the same values as 4 typed fields (kv4)
# and then the other threads' (the listener's) Ir per record for the first two,
# from a second run whose counting window ends after a flush.
# usage: bench/callgrind.sh [N]      (default 10000; UVLOG_BENCH_BUILD = build dir,
#                                     default build-bench, a release build)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${UVLOG_BENCH_BUILD:-$root/build-bench}
n=${1:-10000}
command -v valgrind >/dev/null || { echo "callgrind.sh: valgrind not found" >&2; exit 1; }
if [ ! -d "$build" ]; then
  meson setup "$build" --buildtype=release -Dbench=true -Dtests=disabled >/dev/null
fi
ninja -C "$build" bench/callgrind_call >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# measure MODE: leaves $tmp/MODE.out-01 (main thread), -02... (the others)
measure() {
  if ! valgrind --tool=callgrind --instr-atstart=no --collect-systime=no \
      --separate-threads=yes --callgrind-out-file="$tmp/$1.out" \
      "$build/bench/callgrind_call" "$1" "$n" >/dev/null 2>"$tmp/$1.err"; then
    cat "$tmp/$1.err" >&2
    exit 1
  fi
  if grep -q dropped "$tmp/$1.err"; then cat "$tmp/$1.err" >&2; fi
}

# per_call FILE...: the sum of the files' totals / N
per_call() {
  awk -v n="$n" '/^totals:/ {s += $2} END {printf "%.1f", s / n}' "$@"
}

echo "callgrind, $n calls, build ${build#"$root"/}"
for mode in deferred preformat empty args4 kv4; do
  measure "$mode"
  case $mode in
    deferred) what="deferred   UVLOG_INFO_TO, 3 args" ;;
    preformat) what="preformat  UVLOG_INFOF_TO, 3 args" ;;
    empty) what="empty function call (floor)" ;;
    args4) what="deferred   UVLOG_INFO_TO, 4 args" ;;
    kv4) what="fields     UVLOG_INFO_KV_TO, 4 fields" ;;
  esac
  printf '%-36s instructions per call: %s\n' "$what:" "$(per_call "$tmp/$mode.out-01")"
done
for mode in deferred preformat; do
  measure "$mode+listener"
  others=$(ls "$tmp/$mode+listener.out"-* | grep -v -- '-01$')
  # shellcheck disable=SC2086
  printf '%-36s instructions per record: %s\n' "listener, $mode:" "$(per_call $others)"
done
