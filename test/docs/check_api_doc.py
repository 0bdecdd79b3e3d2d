#!/usr/bin/env python3
"""check_api_doc.py SOURCE_ROOT -- every public name of uvlog's headers is
documented in docs/api.md.

Public names, from include/uvlog.h and every include/uvlog/*.h (today
sink.h and sinks.h) except the macro machinery, uvlog/private.h and
uvlog/args.h:
  - functions declared with UVLOG_EXPORT,
  - macros #define'd UVLOG_* (header guards and names with a double
    underscore excepted),
  - enumerators UVLOG_* and types uvlog_*_t,
  - the fields of uvlog_entry_t (what a sink reads).
A name counts as documented when it appears in docs/api.md as a whole word
(for a field: `name` or .name). The failure lists exactly the missing names.
"""
import glob
import os
import re
import sys

NOT_API = {"include/uvlog/private.h", "include/uvlog/args.h"}


def headers(root):
    hs = ["include/uvlog.h"] + sorted(
        os.path.relpath(h, root) for h in glob.glob(os.path.join(root, "include", "uvlog", "*.h")))
    return [h for h in hs if h not in NOT_API]


def guard_names(src):
    """The include guard: the first #ifndef X of the file, if #define X follows."""
    m = re.match(r"\s*#\s*ifndef\s+(\w+)\s*\n\s*#\s*define\s+\1\b", src)
    return {m.group(1)} if m else set()


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(r"//[^\n]*", " ", text)


def public_names(root):
    names = {}  # name -> (kind, header)
    for h in headers(root):
        src = strip_comments(open(f"{root}/{h}", encoding="utf-8").read())
        guards = guard_names(src)
        def add(name, kind):
            if "__" not in name and name not in guards:
                names.setdefault(name, (kind, h))
        for m in re.finditer(r"UVLOG_EXPORT\b[^;{]*?\b(uvlog_\w+)\s*\(", src):
            add(m.group(1), "function")
        for m in re.finditer(r"^\s*#\s*define\s+(UVLOG_\w+)", src, flags=re.M):
            add(m.group(1), "macro")
        for m in re.finditer(r"\benum\b[^{;]*\{(.*?)\}", src, flags=re.S):
            for e in re.finditer(r"\b(UVLOG_\w+)\s*(?:=[^,}]*)?(?:,|$)", m.group(1)):
                add(e.group(1), "enumerator")
        for m in re.finditer(r"\b(uvlog_\w+_t)\b", src):
            add(m.group(1), "type")
        m = re.search(r"typedef\s+struct\s+uvlog_entry\s*\{(.*?)\}\s*uvlog_entry_t", src, flags=re.S)
        if m:
            for f in re.finditer(r"(\w+)\s*;", m.group(1)):
                names.setdefault("uvlog_entry_t." + f.group(1), ("field", h))
    return names


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    doc = open(f"{root}/docs/api.md", encoding="utf-8").read()
    names = public_names(root)
    missing = []
    for name, (kind, h) in sorted(names.items(), key=lambda kv: (kv[1][1], kv[1][0], kv[0])):
        if kind == "field":
            field = name.split(".", 1)[1]
            ok = re.search(r"(`|\.)" + re.escape(field) + r"\b", doc)
        else:
            ok = re.search(r"(?<![\w])" + re.escape(name) + r"(?![\w])", doc)
        if not ok:
            missing.append((name, kind, h))
    print(f"api-doc: {len(names)} public names in {', '.join(headers(root))}; "
          f"{len(names) - len(missing)} documented in docs/api.md")
    if missing:
        print(f"api-doc: {len(missing)} not mentioned in docs/api.md:")
        for name, kind, h in missing:
            print(f"  {name}  ({kind}, {h})")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
