#!/usr/bin/env python3
"""check_guarantees.py SOURCE_ROOT -- docs/guarantees.md stays true to the suite.

Every table row of docs/guarantees.md names, in its last column, the tests
that hold its promise: `name` is test/test_name.c (or a Criterion case
`suite/case` or `case` inside one of them), `fuzz name` a fuzz target
fuzz/fuzz_name.c, `bench/x` a file bench/x.c, and a lone "—" says there is
no test (allowed only where the row says so). Fails, listing them, when a
named test does not exist, so a promise cannot point at a test that was
renamed or removed."""
import os
import re
import sys

root = sys.argv[1]
doc = open(os.path.join(root, "docs", "guarantees.md"), encoding="utf-8").read()
tests = {f[5:-2] for f in os.listdir(os.path.join(root, "test"))
         if f.startswith("test_") and f.endswith(".c")}
sources = "".join(open(os.path.join(root, "test", "test_%s.c" % t), encoding="utf-8").read()
                  for t in sorted(tests))
cases = set(re.findall(r"^Test\(\s*\w+\s*,\s*(\w+)", sources, re.M))

missing, rows = [], 0
for line in doc.splitlines():
    if not line.startswith("|") or set(line) <= set("|-: "):
        continue
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    last = cells[-1]
    if last in ("test", "tests"):
        continue  # a header row
    rows += 1
    for m in re.finditer(r"(fuzz )?`([^`]+)`", last):
        name = m.group(2)
        if m.group(1):
            ok = os.path.exists(os.path.join(root, "fuzz", "fuzz_%s.c" % name))
        elif name.startswith("bench/"):
            ok = os.path.exists(os.path.join(root, name + ".c"))
        else:
            ok = name in tests or name.split("/")[-1] in cases
        if not ok:
            missing.append("%s (row: %s)" % (name, cells[0][:60]))
if rows == 0:
    sys.exit("check_guarantees: no table rows found in docs/guarantees.md")
if missing:
    print("docs/guarantees.md names tests that do not exist:")
    for m in missing:
        print("  " + m)
    sys.exit(1)
print("check_guarantees: %d rows, every named test exists" % rows)
