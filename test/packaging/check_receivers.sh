#!/usr/bin/env bash
# check_receivers.sh SOURCE_ROOT NDJSON_SENDER -- runs a private rsyslogd with
# docs/receivers/rsyslog-ndjson.conf (DIR and PORT replaced; never the
# system's config or /dev/log), sends it two records through uvlog's TCP sink
# with NDJSON framing (ndjson_sender.c) and checks the fields rsyslog parsed.
# (docs/receivers/rsyslog-interop.conf is run by the interop suite itself.)
set -euo pipefail
src=$(cd "${1:?usage: check_receivers.sh SOURCE_ROOT NDJSON_SENDER}" && pwd)
sender=${2:?usage: check_receivers.sh SOURCE_ROOT NDJSON_SENDER}
fail() { echo "FAIL: $*" >&2; [ -f "$dir/internal.log" ] && cat "$dir/internal.log" >&2; exit 1; }
bin=""
for b in /usr/sbin/rsyslogd /sbin/rsyslogd /usr/local/sbin/rsyslogd; do [ -x "$b" ] && { bin=$b; break; }; done
[ -n "$bin" ] || { echo "FAIL: rsyslogd is not installed (apt-get install rsyslog)" >&2; exit 1; }

dir=$(mktemp -d "${TMPDIR:-/tmp}/uvlog-receivers.XXXXXX")
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
mkdir "$dir/work"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 - "$src/docs/receivers/rsyslog-ndjson.conf" "$dir/rsyslog.conf" "$dir" "$port" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
t = re.sub(r'(?<![A-Za-z0-9_])DIR(?![A-Za-z0-9_])', lambda m: sys.argv[3], t)
t = re.sub(r'(?<![A-Za-z0-9_])PORT(?![A-Za-z0-9_])', lambda m: sys.argv[4], t)
open(sys.argv[2], "w").write(t)
PY
"$bin" -N1 -f "$dir/rsyslog.conf" >"$dir/n1.log" 2>&1 || { cat "$dir/n1.log"; fail "rsyslogd -N1 rejects rsyslog-ndjson.conf"; }
"$bin" -n -f "$dir/rsyslog.conf" -i "$dir/rsyslogd.pid" >"$dir/stderr.log" 2>&1 &
pid=$!
for _ in $(seq 1 150); do
  python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $port), 0.2).close()" 2>/dev/null && break
  kill -0 "$pid" 2>/dev/null || { cat "$dir/stderr.log"; pid=""; fail "rsyslogd exited at start"; }
  sleep 0.1
done
"$sender" "$port" || fail "ndjson_sender failed"
for _ in $(seq 1 100); do
  [ -f "$dir/out.log" ] && [ "$(grep -c '^level=' "$dir/out.log")" -ge 2 ] && break
  sleep 0.1
done
[ -f "$dir/unparsed.log" ] && { cat "$dir/unparsed.log"; fail "rsyslog could not parse a record as JSON"; }
[ -f "$dir/out.log" ] || fail "nothing arrived in out.log"
expect=$(printf 'level=warning app=ndjson-check msg=[first "quoted" 1]\nlevel=info app=ndjson-check msg=[second\nline]')
got=$(sed -E 's/ ts=[0-9T:.Z-]+ / /' "$dir/out.log")
[ "$got" = "$expect" ] || fail "rsyslog parsed:
$got
expected:
$expect"
grep -qE '^level=warning ts=20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{6}Z ' "$dir/out.log" || fail "no RFC 3339 ts field: $(head -1 "$dir/out.log")"
echo "receivers: rsyslog-ndjson.conf parsed uvlog's NDJSON records"
