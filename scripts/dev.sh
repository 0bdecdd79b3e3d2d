#!/usr/bin/env bash
# scripts/dev.sh -- the one entry point behind the README's two commands.
#
#   scripts/dev.sh demo   install what is missing, build, run the demo
#   scripts/dev.sh test   install what is missing, then build and run the whole
#                         suite three times: plain (-Werror), ThreadSanitizer,
#                         AddressSanitizer+UBSan
#
# Set-up: Debian packages are installed with apt-get when missing (root, or
# sudo without a password). Nothing else is downloaded.
set -euo pipefail
cd "$(dirname "$0")/.."

# libc6-dev is only a Recommends of gcc, and apt-get runs with
# --no-install-recommends below: without it a fresh system has no C headers.
BUILD_PKGS=(gcc libc6-dev pkg-config meson ninja-build libuv1-dev libhttp-parser-dev libyaml-dev)
TEST_PKGS=(libcriterion-dev rsyslog python3 g++ libspdlog-dev strace cmake prometheus wrk
           clang libfuzzer-14-dev libclang-rt-14-dev libjson-c-dev)

install_missing() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "==> installing: ${missing[*]}"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
    sudo="sudo -n"
  fi
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

setup_only() { # setup_only DIR [meson options...]: configure, build nothing
  local dir=$1; shift
  local out
  # A directory left by a failed configuration is no build tree: --reconfigure
  # refuses it, so start that one over.
  if [ -f "$dir/meson-private/coredata.dat" ]; then set -- --reconfigure "$@"
  else rm -rf "$dir"; fi
  # Quiet when it works; meson prints its errors on stdout, so show them.
  if ! out=$(meson setup "$dir" "$@" 2>&1); then
    printf '%s\n' "$out" >&2
    echo "meson setup $dir failed (full log: $dir/meson-logs/meson-log.txt)" >&2
    return 1
  fi
}

setup() { # setup DIR [meson options...]: configure and build everything
  setup_only "$@"
  ninja -C "$1"
}

# Prints "<passed> <failed> <skipped>" test cases from a build's meson test
# log: Criterion's synthesis line when the test printed one, else the test
# executable counts as one case.
count_results() {
  python3 - "$1/meson-logs/testlog.json" <<'PY'
import json, re, sys
p = f = s = 0
syn = re.compile(r"Synthesis: Tested: (\d+) \| Passing: (\d+) \| Failing: (\d+)")
for line in open(sys.argv[1]):
    r = json.loads(line)
    res = r.get("result")
    m = syn.search((r.get("stdout") or "") + (r.get("stderr") or ""))
    if res == "SKIP": s += 1
    elif m and res in ("OK", "FAIL"):
        p += int(m.group(2)); f += int(m.group(3))
        if res == "FAIL" and int(m.group(3)) == 0: f += 1  # crashed outside a case
    elif res in ("OK", "EXPECTEDFAIL"): p += 1
    else: f += 1
print(p, f, s)
PY
}

# The libFuzzer targets (fuzz/), built with clang, ASan and UBSan, each run
# for FUZZ_SECONDS (default 30) from its committed seed corpus; new inputs go
# to a scratch directory, never into the repository. A target that crashes
# (or breaks one of its checks) counts as a failed case and leaves its
# crash-* input in build-fuzz/.
run_fuzz() {
  local secs=${FUZZ_SECONDS:-30}
  echo "==> [fuzz] build"
  CC=clang setup build-fuzz -Dwerror=true -Dfuzz=true -Dtests=disabled -Dbench=false \
    -Db_sanitize=address,undefined -Db_lundef=false -Dc_args=-fsanitize=fuzzer-no-link
  local p=0 f=0
  for corpus in fuzz/corpus/*/; do
    local name work
    name=$(basename "$corpus")
    work=$(mktemp -d)
    echo "==> [fuzz] $name: ${secs} s"
    if (cd build-fuzz && "./fuzz/fuzz_$name" -max_total_time="$secs" -rss_limit_mb=2048 \
          -timeout=20 -print_final_stats=1 "$work" "../$corpus" > "fuzz-$name.log" 2>&1); then
      p=$((p + 1))
      grep -E "^stat::number_of_executed_units" "build-fuzz/fuzz-$name.log" || true
    else
      f=$((f + 1)); status=1
      tail -n 40 "build-fuzz/fuzz-$name.log"
    fi
    rm -rf "$work"
  done
  echo "==> [fuzz] $p passed, $f failed, 0 skipped"
  total_p=$((total_p + p)); total_f=$((total_f + f))
}

cmd=${1:-}
case "$cmd" in
  demo)
    install_missing "${BUILD_PKGS[@]}"
    # Its own build tree with only what the demo needs: no test suite, no
    # benchmarks, and ninja builds the one target (the static library and
    # examples/demo), so a fresh clone gets there in seconds.
    setup_only build-demo -Dtests=disabled -Dbench=false
    ninja -C build-demo examples/demo
    echo "==> running the demo with examples/uvlog.conf (3 s; Ctrl-C stops it earlier)"
    ./build-demo/examples/demo --seconds 3 --config examples/uvlog.conf
    ;;
  test)
    install_missing "${BUILD_PKGS[@]}" "${TEST_PKGS[@]}"
    total_p=0; total_f=0; total_s=0; status=0
    run_suite() { # run_suite NAME DIR [meson options...]
      local name=$1 dir=$2; shift 2
      echo "==> [$name] build"
      setup "$dir" "$@"
      echo "==> [$name] test"
      meson test -C "$dir" --print-errorlogs --num-processes 2 || status=1
      read -r p f s < <(count_results "$dir")
      echo "==> [$name] $p passed, $f failed, $s skipped"
      total_p=$((total_p + p)); total_f=$((total_f + f)); total_s=$((total_s + s))
    }
    run_suite plain build -Dwerror=true -Dtests=enabled -Dbuildtype=debugoptimized
    run_suite tsan build-tsan -Dwerror=true -Dtests=enabled -Db_sanitize=thread -Dcriterion_shim=true -Dbench=false
    # A UBSan finding fails its test instead of only printing a line.
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    run_suite asan+ubsan build-asan -Dwerror=true -Dtests=enabled -Db_sanitize=address,undefined -Db_lundef=false -Dbench=false
    run_fuzz
    echo "tests: $total_p passed, $total_f failed, $total_s skipped"
    exit $status
    ;;
  *)
    echo "usage: scripts/dev.sh demo|test" >&2
    exit 2
    ;;
esac
