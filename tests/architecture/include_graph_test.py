#!/usr/bin/env python3
"""The include graph of the libraries points one way.

Each library may include its own headers and those of the libraries below
it, in this order (a face may include everything):

    faces (cli, python, web, bench, fuzz)
      -> api -> recipes -> planning -> footprint -> systems -> hardware_db -> error
    laws beside: from the footprint up, on the error base.

A `#include "lib/..."` of a library that is not below the including one is
an arrow upward or sideways, and fails this test with the file, the line
and the rule it breaks. Run as `include_graph_test.py ROOT`.
"""
import pathlib
import re
import sys

# Where each library's sources and public headers live, relative to the root.
FOLDERS = {
    "error": ["error"],
    "hardware_db": ["hardware_db"],
    "laws": ["laws"],
    "systems": ["planner/systems"],
    "footprint": ["planner/footprint"],
    "planning": ["planner/planning"],
    "recipes": ["planner/recipes"],
    "api": ["api"],
}
# What each library may include besides itself.
ALLOWED = {
    "error": set(),
    "hardware_db": {"error"},
    "laws": {"error"},
    "systems": {"hardware_db", "error"},
    "footprint": {"systems", "hardware_db", "laws", "error"},
    "planning": {"footprint", "systems", "hardware_db", "laws", "error"},
    "recipes": {"planning", "footprint", "systems", "hardware_db", "laws", "error"},
    "api": {"recipes", "planning", "footprint", "systems", "hardware_db", "laws", "error"},
}
# The include prefix of each library's public headers.
PREFIX = {"error": "scaleplan", **{lib: lib for lib in FOLDERS if lib != "error"}}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"/]+)/[^"]+"')


def owner_of_prefix(prefix):
    for lib, p in PREFIX.items():
        if p == prefix:
            return lib
    return None


def violations(root):
    found = []
    for lib, folders in FOLDERS.items():
        for folder in folders:
            for path in sorted((root / folder).rglob("*")):
                if path.suffix not in {".h", ".cpp", ".inc"}:
                    continue
                for number, line in enumerate(path.read_text().splitlines(), 1):
                    m = INCLUDE.match(line)
                    if not m:
                        continue
                    target = owner_of_prefix(m.group(1))
                    if target is None or target == lib or target in ALLOWED[lib]:
                        continue
                    found.append(f"{path.relative_to(root)}:{number}: {lib} includes {target} "
                                 f"({m.group(0).strip()}); {lib} may include only "
                                 f"{', '.join(sorted(ALLOWED[lib])) or 'nothing else'}")
    return found


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    # The rule must see the libraries it rules: a renamed folder fails here.
    missing = [f for folders in FOLDERS.values() for f in folders if not (root / f).is_dir()]
    if missing:
        print("include graph: no folder " + ", ".join(missing))
        return 1
    found = violations(root)
    for v in found:
        print(v)
    print(f"include graph: {len(found)} arrows against the order")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
