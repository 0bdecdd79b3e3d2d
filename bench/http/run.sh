#!/usr/bin/env bash
# bench/http/run.sh -- the example HTTP server (examples/http_server) under
# wrk on 127.0.0.1: requests/s, p99 latency and the server's CPU time per
# request (utime+stime from /proc/PID/stat over the wrk run), with each
# request's access record written
#   uvlog     by uvlog (file sink, deferred formatting, the loop monitor on)
#   fprintf   by fprintf(3) to a stdio FILE (default buffering)
#   syslog    by syslog(3) into a private receiver (see below)
#   none      not at all
# and the loop monitor's overhead: none / uvlog with --no-monitor.
# Modes are interleaved, ROUNDS rounds (default 5) of wrk -t1 -c32 -dDURs;
# medians are printed at the end.
#
#   bench/http/run.sh [BUILD_DIR]      env: ROUNDS=5 DUR=5 CONNS=32 MODES="..."
#
# syslog: glibc's syslog(3) always writes to /dev/log. The server runs under
# `unshare -m` with a tmpfs on /dev that holds only null/zero/urandom and a
# `log` socket bound by bench/http/syslog_receiver.py (which counts the
# datagrams), so no system daemon is involved. Needs root (or CAP_SYS_ADMIN);
# without it the syslog mode is skipped with a note.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build}
server=$build/examples/http_server
[ -x "$server" ] || { echo "no $server: build first (needs libhttp-parser-dev)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk not installed (apt-get install wrk)" >&2; exit 1; }
ROUNDS=${ROUNDS:-5}
DUR=${DUR:-5}
CONNS=${CONNS:-32}
MODES=${MODES:-"uvlog fprintf syslog none uvlog-nomon none-nomon"}
tmp=$(mktemp -d /tmp/uvlog-http-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
hz=$(getconf CLK_TCK)

can_unshare=1
unshare -m true 2>/dev/null || can_unshare=0

cpu_ticks() { # utime + stime of PID
  awk '{print $14 + $15}' "/proc/$1/stat"
}

# start_server MODE PORTFILE -> sets SPID (the server's pid) and RPID (receiver)
start_server() {
  local mode=$1 out=$2 args=()
  RPID=""
  case $mode in
    uvlog) args=(--log-file "$tmp/uvlog.log") ;;
    uvlog-nomon) args=(--log-file "$tmp/uvlog.log" --no-monitor) ;;
    fprintf) args=(--fprintf "$tmp/fprintf.log" --no-monitor) ;;
    none) args=(--no-log) ;;
    none-nomon) args=(--no-log --no-monitor) ;;
    syslog) args=(--syslog --no-monitor) ;;
  esac
  # fprintf and syslog run without the monitor: with it, they would also
  # pay for a uvlog-free monitor; compare them with none-nomon.
  if [ "$mode" = syslog ]; then
    rm -f "$tmp/syslog.count" "$tmp/syslog.count.ready"
    unshare -m bash -c '
      set -e
      tmp=$1; shift
      mkdir -p "$tmp/hostdev"
      mount --bind /dev "$tmp/hostdev"
      mount -t tmpfs -o mode=755 tmpfs /dev
      for n in null zero urandom random; do touch /dev/$n; mount --bind "$tmp/hostdev/$n" /dev/$n; done
      python3 "$0" /dev/log "$tmp/syslog.count" &
      echo $! > "$tmp/receiver.pid"
      while [ ! -e "$tmp/syslog.count.ready" ]; do sleep 0.05; done
      exec "$@"
    ' "$here/syslog_receiver.py" "$tmp" "$server" --port 0 "${args[@]}" >"$out" 2>"$out.err" &
    SPID=$!
  else
    "$server" --port 0 "${args[@]}" >"$out" 2>"$out.err" &
    SPID=$!
  fi
  for _ in $(seq 100); do grep -q "listening on" "$out" 2>/dev/null && break; sleep 0.05; done
  PORT=$(sed -n 's/.*:\([0-9]*\)$/\1/p' "$out")
  [ -f "$tmp/receiver.pid" ] && RPID=$(cat "$tmp/receiver.pid") && rm -f "$tmp/receiver.pid"
  return 0
}

results=$tmp/results.txt
: > "$results"
echo "# $(date -u +%FT%TZ) $(nproc) CPUs, $(uname -r), wrk -t1 -c$CONNS -d${DUR}s, $ROUNDS rounds"
printf '%-12s %5s %10s %9s %11s %9s\n' mode round req/s p99_ms cpu_us/req logged
for r in $(seq "$ROUNDS"); do
  for mode in $MODES; do
    if [ "$mode" = syslog ] && [ $can_unshare = 0 ]; then
      [ "$r" = 1 ] && echo "syslog: skipped (unshare -m needs root)"
      continue
    fi
    rm -f "$tmp"/*.log
    start_server "$mode" "$tmp/server.out"
    curl_ok=0
    for _ in $(seq 50); do
      if exec 3<>"/dev/tcp/127.0.0.1/$PORT" 2>/dev/null; then exec 3>&-; curl_ok=1; break; fi
      sleep 0.05
    done
    [ $curl_ok = 1 ] || { echo "$mode: server did not start: $(cat "$tmp/server.out.err")" >&2; kill "$SPID" 2>/dev/null; continue; }
    c0=$(cpu_ticks "$SPID")
    wrk -t1 -c"$CONNS" -d"${DUR}s" --latency "http://127.0.0.1:$PORT/" > "$tmp/wrk.out" 2>&1
    c1=$(cpu_ticks "$SPID")
    kill -TERM "$SPID"
    wait "$SPID" || true
    if [ -n "$RPID" ]; then
      kill -TERM "$RPID" 2>/dev/null || true
      for _ in $(seq 100); do [ -s "$tmp/syslog.count" ] && break; sleep 0.05; done
    fi
    reqs=$(awk '/requests in/ {print $1}' "$tmp/wrk.out")
    rps=$(awk '/^Requests\/sec/ {print $2}' "$tmp/wrk.out")
    p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; print v}' "$tmp/wrk.out")
    cpu=$(awk -v a="$c0" -v b="$c1" -v hz="$hz" -v n="$reqs" 'BEGIN {printf "%.2f", (b - a) / hz * 1e6 / n}')
    case $mode in
      uvlog*) logged=$(grep -cE " access( |$)" "$tmp/uvlog.log" || true) ;;
      fprintf) logged=$(grep -c "^access request_id=" "$tmp/fprintf.log" || true) ;;
      syslog) logged=$(cat "$tmp/syslog.count" 2>/dev/null || echo "?") ;;
      *) logged=- ;;
    esac
    printf '%-12s %5s %10s %9s %11s %9s\n' "$mode" "$r" "$rps" "$p99" "$cpu" "$logged"
    echo "$mode $rps $p99 $cpu" >> "$results"
  done
done
echo
echo "medians over $ROUNDS rounds"
printf '%-12s %10s %9s %11s\n' mode req/s p99_ms cpu_us/req
python3 - "$results" $MODES <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    m, rps, p99, cpu = line.split()
    rows.setdefault(m, []).append((float(rps), float(p99), float(cpu)))
for m in sys.argv[2:]:
    if m in rows:
        r = rows[m]
        print("%-12s %10.0f %9.2f %11.2f" % (m, statistics.median(x[0] for x in r),
              statistics.median(x[1] for x in r), statistics.median(x[2] for x in r)))
PY
