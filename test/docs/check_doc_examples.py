#!/usr/bin/env python3
"""check_doc_examples.py SOURCE_ROOT LIBUVLOG_A -- compiles every ```c block of
README.md and docs/*.md against the in-tree headers.

  - A block with `int main(` is a program: compiled with -Wall -Wextra
    -Werror, linked with LIBUVLOG_A and libuv, and run (in a temporary
    directory, 10 s limit, must exit 0) unless a `<!-- compile: no-run -->`
    comment comes right before it.
  - Any other block is a fragment, checked with -fsyntax-only. It gets the
    usual headers (<uvlog.h>, <uv.h>, stdio, stdlib, string, syslog,
    pthread...). A fragment with file-scope code (a function definition,
    #include, typedef, struct) is compiled as a file; otherwise it is wrapped
    in the body of a function returning int where `log` (a uvlog_t *) and
    `loop` (a uv_loop_t *) already exist, as the surrounding prose assumes.
  - `<!-- compile-with: DECLARATIONS -->` right before a fragment puts those
    C declarations in front of it (the variables the prose has introduced).
  - `<!-- no-compile: why -->` right before a block skips it (pseudo-code).

Prints one line per block and the compiler's messages for each failure.
"""
import glob
import os
import re
import shlex
import subprocess
import sys
import tempfile

PRELUDE = """#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <uv.h>
#include <uvlog.h>
"""
FRAGMENT_WARN = ["-Wno-unused-variable", "-Wno-unused-but-set-variable",
                 "-Wno-unused-function", "-Wno-unused-parameter",
                 "-Wno-unused-label", "-Wno-uninitialized", "-Wno-maybe-uninitialized"]
FILE_SCOPE = re.compile(r"^(#\s*include|typedef\b|struct\s+\w+\s*\{|(static\s+|const\s+)*"
                        r"[A-Za-z_][\w\s\*]*\([^;]*\)\s*\{)", re.M)


def blocks(path):
    """Yields (line, marker, code) for each ```c block."""
    lines = open(path, encoding="utf-8").read().split("\n")
    i = 0
    while i < len(lines):
        if lines[i].strip() == "```c":
            marker = ""
            j = i - 1
            while j >= 0 and lines[j].strip() == "":
                j -= 1
            if j >= 0 and re.match(r"\s*<!--.*-->\s*$", lines[j]):
                marker = lines[j].strip()
            start = i + 1
            i += 1
            while i < len(lines) and lines[i].strip() != "```":
                i += 1
            yield start + 1, marker, "\n".join(lines[start:i]) + "\n"
        i += 1


def pkg(*args):
    return shlex.split(subprocess.run(["pkg-config", *args], check=True,
                                      capture_output=True, text=True).stdout)


def main():
    root = os.path.abspath(sys.argv[1])
    lib = os.path.abspath(sys.argv[2])
    cc = shlex.split(os.environ.get("CC", "cc"))
    uv_cflags, uv_libs = pkg("--cflags", "libuv"), pkg("--libs", "libuv")
    yaml_libs = pkg("--libs", "yaml-0.1")  # the configuration loader (config.md)
    base = cc + ["-std=gnu11", "-Wall", "-Wextra", "-Werror", "-I" + os.path.join(root, "include")] + uv_cflags
    docs = [os.path.join(root, "README.md")] + sorted(glob.glob(os.path.join(root, "docs", "*.md")))
    n = failed = 0
    tmp = tempfile.mkdtemp(prefix="uvlog-doc-examples.")
    for doc in docs:
        rel = os.path.relpath(doc, root)
        for line, marker, code in blocks(doc):
            where = f"{rel}:{line}"
            if marker.startswith("<!-- no-compile"):
                print(f"skip   {where}  {marker}")
                continue
            n += 1
            src = os.path.join(tmp, f"ex{n}.c")
            program = re.search(r"\bint\s+main\s*\(", code) is not None
            if program:
                text, kind = f'#line {line} "{rel}"\n' + code, "program"
            elif FILE_SCOPE.search(code):
                text, kind = PRELUDE + f'#line {line} "{rel}"\n' + code, "file"
            else:
                m = re.match(r"<!--\s*compile-with:(.*)-->$", marker)
                decls = m.group(1).strip() + "\n" if m else ""
                text = (PRELUDE + "int uvlog_doc_fragment(uvlog_t *log, uv_loop_t *loop);\n"
                        "int uvlog_doc_fragment(uvlog_t *log, uv_loop_t *loop) {\n" + decls +
                        "{\n" + f'#line {line} "{rel}"\n' + code + "}\nreturn 0;\n}\n")
                kind = "fragment"
            open(src, "w").write(text)
            if program:
                exe = os.path.join(tmp, f"ex{n}")
                cmd = base + ["-o", exe, src, lib] + uv_libs + yaml_libs + ["-lpthread", "-lm"]
            else:
                cmd = base + FRAGMENT_WARN + ["-fsyntax-only", src]
            r = subprocess.run(cmd, capture_output=True, text=True)
            if r.returncode != 0:
                failed += 1
                errs = [l for l in r.stderr.splitlines() if " error: " in l or " warning: " in l]
                print(f"FAIL   {where}  ({kind}) does not compile:\n  " + "\n  ".join(errs[:20] or r.stderr.splitlines()[:20]))
                continue
            if program and "no-run" not in marker:
                rundir = os.path.join(tmp, f"run{n}")
                os.mkdir(rundir)
                try:
                    r = subprocess.run([exe], cwd=rundir, stdin=subprocess.DEVNULL,
                                       capture_output=True, text=True, timeout=10)
                    ok = r.returncode == 0
                    why = f"exit status {r.returncode}"
                except subprocess.TimeoutExpired:
                    ok, why, r = False, "still running after 10 s", None
                if not ok:
                    failed += 1
                    out = (r.stdout + r.stderr) if r else ""
                    print(f"FAIL   {where}  (program) {why}:\n{out}")
                    continue
                print(f"ok     {where}  (program, compiled, linked and run)")
            else:
                print(f"ok     {where}  ({kind}{', linked' if program else ''})")
    print(f"doc-examples: {n} blocks compiled, {failed} failed")
    subprocess.run(["rm", "-rf", tmp])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
