#!/usr/bin/env bash
# check_install.sh BUILD_ROOT SOURCE_ROOT -- what `meson install` gives a
# consumer, checked from a temporary DESTDIR:
#   pkg-config  cc consumer.c $(pkg-config --cflags --libs uvlog), linked with
#               the shared library (run with LD_LIBRARY_PATH) and, with
#               --static, fully static in uvlog (no NEEDED libuvlog.so);
#   CMake       find_package(uvlog) with CMAKE_PREFIX_PATH=<DESTDIR><prefix>,
#               targets uvlog::uvlog and uvlog::uvlog_static, built and run;
#               and a version check: find_package(uvlog 9.0) must fail.
set -euo pipefail
build=$(cd "${1:?usage: check_install.sh BUILD_ROOT SOURCE_ROOT}" && pwd)
src=$(cd "${2:?usage: check_install.sh BUILD_ROOT SOURCE_ROOT}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/uvlog-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cc=${CC:-cc}

dest="$tmp/dest"
meson install -C "$build" --no-rebuild --destdir "$dest" >"$tmp/install.log" 2>&1 ||
  { cat "$tmp/install.log"; fail "meson install --destdir"; }
pc=$(cd "$dest" && find . -name uvlog.pc | head -1)
[ -n "$pc" ] || fail "no uvlog.pc installed"
cfg=$(cd "$dest" && find . -name uvlogConfig.cmake | head -1)
[ -n "$cfg" ] || fail "no uvlogConfig.cmake installed"
[ -n "$(cd "$dest" && find . -name uvlogConfigVersion.cmake)" ] || fail "no uvlogConfigVersion.cmake installed"
libdir="$dest/$(dirname "$(dirname "${pc#./}")")"
# Every header of the source tree is installed (a new one needs its line in
# meson.build's install_headers()).
for h in "$src"/include/uvlog.h "$src"/include/uvlog/*.h; do
  rel=${h#"$src/include/"}
  [ -n "$(cd "$dest" && find . -path "*/include/$rel")" ] || fail "include/$rel is not installed (add it to install_headers() in meson.build)"
done
prefix=$(sed -n 's/^prefix=//p' "$dest/$pc")
echo "installed: prefix $prefix, libdir ${libdir#"$dest"}"

have_shared=0; [ -e "$libdir/libuvlog.so" ] && have_shared=1
have_static=0; [ -e "$libdir/libuvlog.a" ] && have_static=1
echo "installed libraries: shared $have_shared, static $have_static"

run() { # run NAME BINARY [env...]: runs it, expects the record on stderr
  local name=$1 bin=$2; shift 2
  env "$@" "$bin" 2>"$tmp/$name.err" || { cat "$tmp/$name.err"; fail "$name exited $?"; }
  grep -q packaging-ok "$tmp/$name.err" || { cat "$tmp/$name.err"; fail "$name: no record on stderr"; }
  echo "$name: ran OK"
}
needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' '; }

# -- pkg-config: PKG_CONFIG_SYSROOT_DIR prefixes -I/-L with the DESTDIR.
export PKG_CONFIG_PATH="$libdir/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$dest"
if [ $have_shared = 1 ]; then
  # shellcheck disable=SC2046
  $cc -std=c11 -Wall -Werror -o "$tmp/pc-shared" "$here/consumer.c" $(pkg-config --cflags --libs uvlog) ||
    fail "pkg-config consumer (shared) does not build"
  case " $(needed "$tmp/pc-shared")" in *" libuvlog.so.0 "*) ;; *) fail "pkg-config consumer does not link libuvlog.so.0";; esac
  run pkg-config-shared "$tmp/pc-shared" LD_LIBRARY_PATH="$libdir"
  # What getting-started.md says about the library path: without it the loader
  # stops the program with 127; with an rpath it runs.
  if [ "$(LD_LIBRARY_PATH= "$tmp/pc-shared" >/dev/null 2>&1; echo $?)" != 127 ]; then
    fail "a program linked with a libuvlog.so the loader cannot find did not exit 127"
  fi
  $cc -std=c11 -Wall -Werror -o "$tmp/pc-rpath" "$here/consumer.c" $(pkg-config --cflags --libs uvlog) \
    -Wl,-rpath,"$libdir" || fail "pkg-config consumer with rpath does not build"
  run pkg-config-rpath "$tmp/pc-rpath"
fi
if [ $have_static = 1 ]; then
  # --static: Libs.private too; -Wl,-Bstatic picks libuvlog.a over the .so.
  $cc -std=c11 -Wall -Werror -o "$tmp/pc-static" "$here/consumer.c" $(pkg-config --cflags uvlog) \
    -L"$libdir" -Wl,-Bstatic -luvlog -Wl,-Bdynamic $(pkg-config --static --libs-only-l uvlog | sed 's/-luvlog//') ||
    fail "pkg-config consumer (static) does not build"
  case " $(needed "$tmp/pc-static")" in *" libuvlog.so"*) fail "static pkg-config consumer needs libuvlog.so";; esac
  run pkg-config-static "$tmp/pc-static"
fi
unset PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR

# -- CMake: the config finds its prefix from its own location.
command -v cmake >/dev/null || fail "cmake is not installed (apt-get install cmake; scripts/dev.sh test installs it)"
cb="$tmp/cmake-build"
cmake -S "$here/cmake-consumer" -B "$cb" -DCMAKE_PREFIX_PATH="$dest$prefix" \
  -DCMAKE_BUILD_TYPE=Release >"$tmp/cmake.log" 2>&1 || { cat "$tmp/cmake.log"; fail "cmake configure"; }
cmake --build "$cb" >"$tmp/cmake-build.log" 2>&1 || { cat "$tmp/cmake-build.log"; fail "cmake build"; }
if [ $have_shared = 1 ]; then
  case " $(needed "$cb/consumer")" in *" libuvlog.so.0 "*) ;; *) fail "CMake uvlog::uvlog consumer does not link libuvlog.so.0";; esac
else
  case " $(needed "$cb/consumer")" in *" libuvlog.so"*) fail "uvlog::uvlog of a static-only install needs libuvlog.so";; esac
fi
run cmake-uvlog "$cb/consumer"   # CMake's build rpath points into the DESTDIR
if [ $have_static = 1 ]; then
  [ -x "$cb/consumer_static" ] || fail "libuvlog.a is installed but the CMake config has no uvlog::uvlog_static"
  case " $(needed "$cb/consumer_static")" in *" libuvlog.so"*) fail "CMake uvlog::uvlog_static consumer needs libuvlog.so";; esac
  run cmake-static "$cb/consumer_static"
fi

# A version it does not satisfy is refused.
mkdir "$tmp/cmake-v"
cat >"$tmp/cmake-v/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.13)
project(v C)
find_package(uvlog 9.0 REQUIRED)
CM
if cmake -S "$tmp/cmake-v" -B "$tmp/cmake-v/b" -DCMAKE_PREFIX_PATH="$dest$prefix" >"$tmp/cmake-v.log" 2>&1; then
  fail "find_package(uvlog 9.0) accepted version 0.x"
fi
grep -q "version: [0-9]" "$tmp/cmake-v.log" || { cat "$tmp/cmake-v.log"; fail "the version refusal does not come from the version file"; }
echo "install: pkg-config and CMake consumers OK"
