#!/usr/bin/env python3
"""check_standalone.py SOURCE_ROOT -- the repository stands alone: no file
refers to a sibling directory outside it (the parent directory's shared
folder, an absolute path of the workplace). Lists each offending file:line."""
import os
import re
import sys

# Built from parts, so that this file does not match its own pattern.
SIBLING = r"\.\." + "/" + "shared/"
PATTERN = re.compile(SIBLING + "|" + "/" + r"work/(shared|main|wt-)")
SKIP_DIRS = {".git", "subprojects"}


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".")
    bad = []
    for d, dirs, files in os.walk(root):
        dirs[:] = [x for x in dirs if x not in SKIP_DIRS and not x.startswith("build")]
        for f in files:
            if f == ".git":  # a worktree's pointer to its repository
                continue
            p = os.path.join(d, f)
            try:
                text = open(p, encoding="utf-8").read()
            except (UnicodeDecodeError, OSError):
                continue
            for n, line in enumerate(text.split("\n"), 1):
                if PATTERN.search(line) and os.path.basename(p) != "check_standalone.py":
                    bad.append(f"{os.path.relpath(p, root)}:{n}: {line.strip()}")
    if bad:
        print("standalone: references outside the repository:")
        print("\n".join("  " + b for b in bad))
        return 1
    print("standalone: no reference outside the repository")
    return 0


if __name__ == "__main__":
    sys.exit(main())
