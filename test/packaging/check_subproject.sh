#!/usr/bin/env bash
# check_subproject.sh SOURCE_ROOT -- uvlog as a meson subproject.
#
# Copies test/packaging/parent (+ consumer.c) to a temporary directory, links
# subprojects/uvlog to SOURCE_ROOT (the documented local-copy/symlink set-up)
# and configures it twice:
#   -Duvlog:default_library=static  the binary must not need libuvlog.so
#                                   (no NEEDED entry), and must run;
#   -Duvlog:default_library=shared  the binary needs libuvlog.so.0 and runs
#                                   (meson's build rpath).
# The static one's `meson install --destdir` must install the parent's
# executable and nothing of uvlog's (no header, library, uvlog.pc, CMake
# config); the shared one is set up with -Duvlog:install=true and must
# install uvlog's files too (an installed binary needs the .so).
# Unoptimized builds (buildtype=plain) keep the check quick.
set -euo pipefail
src=$(cd "${1:?usage: check_subproject.sh SOURCE_ROOT}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/uvlog-subproject.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cp "$here/parent/meson.build" "$here/consumer.c" "$tmp/"
mkdir "$tmp/subprojects"
ln -s "$src" "$tmp/subprojects/uvlog"

for kind in static shared; do
  b="$tmp/build-$kind"
  echo "== default_library=$kind"
  extra=()
  [ $kind = shared ] && extra=(-Duvlog:install=true)
  meson setup "$b" "$tmp" --force-fallback-for=uvlog -Dbuildtype=plain -Dwerror=true -Duvlog:werror=true \
    -Duvlog:default_library=$kind "${extra[@]}" >"$tmp/setup-$kind.log" 2>&1 ||
    { cat "$tmp/setup-$kind.log"; fail "meson setup ($kind)"; }
  ninja -C "$b" >"$tmp/ninja-$kind.log" 2>&1 || { cat "$tmp/ninja-$kind.log"; fail "build ($kind)"; }
  needed=$(readelf -d "$b/consumer" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
  echo "   NEEDED: $needed"
  if [ $kind = static ]; then
    case " $needed" in *" libuvlog.so"*) fail "static build links libuvlog.so: $needed";; esac
    ls "$b/subprojects/uvlog/"libuvlog.so* >/dev/null 2>&1 && fail "static build built libuvlog.so too"
  else
    case " $needed" in *" libuvlog.so.0 "*) ;; *) fail "shared build does not link libuvlog.so.0: $needed";; esac
    ls "$b/subprojects/uvlog/"libuvlog.a >/dev/null 2>&1 && fail "shared build built libuvlog.a too"
  fi
  "$b/consumer" 2>"$tmp/run-$kind.err" || { cat "$tmp/run-$kind.err"; fail "consumer ($kind) exited $?"; }
  grep -q packaging-ok "$tmp/run-$kind.err" || { cat "$tmp/run-$kind.err"; fail "no record on stderr ($kind)"; }

  meson install -C "$b" --no-rebuild --destdir "$tmp/dest-$kind" >"$tmp/install-$kind.log" 2>&1 ||
    { cat "$tmp/install-$kind.log"; fail "meson install ($kind)"; }
  installed=$(cd "$tmp/dest-$kind" && find . -type f -o -type l | sort)
  echo "   installed: $(echo $installed)"
  grep -q '/bin/consumer$' <<<"$installed" || fail "the parent's install lacks its bin/consumer"
  if [ $kind = static ]; then
    [ "$(echo "$installed" | grep -c .)" = 1 ] ||
      fail "the parent's install holds more than its own bin/consumer: $(echo $installed)"
  else
    # Asked for with -Duvlog:install=true, the subproject installs itself.
    for f in include/uvlog.h include/uvlog/sink.h libuvlog.so.0 pkgconfig/uvlog.pc cmake/uvlog/uvlogConfig.cmake; do
      grep -q "/$f\$" <<<"$installed" || fail "-Duvlog:install=true did not install $f"
    done
  fi
done
echo "subproject: static and shared OK; installs nothing of uvlog's unless asked"
