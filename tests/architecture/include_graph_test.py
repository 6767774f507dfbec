#!/usr/bin/env python3
"""The include graph of the libraries points one way.

Each library may include its own headers and those of the libraries below
it, in this order (a face may include everything):

    faces (cli, python, web, bench, fuzz)
      -> api -> recipes -> planning -> footprint -> systems -> hardware_db -> error
    laws beside: from the footprint up, on the error base.

A `#include "lib/..."` of a library that is not below the including one is
an arrow upward or sideways, and fails this test with the file, the line
and the rule it breaks. The tests of a library (tests/<library>/, one
program linking that library alone) keep the same order. Run as
`include_graph_test.py ROOT`; `include_graph_test.py --self-test` runs the
check on a small tree with upward includes and fails unless it finds them.
"""
import pathlib
import re
import sys
import tempfile

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
# Each library's test folder, relative to the root: its tests include what
# the library may.
TEST_FOLDERS = {lib: f"tests/{lib}" for lib in FOLDERS if lib != "error"}
# The include prefix of each library's public headers.
PREFIX = {"error": "scaleplan", **{lib: lib for lib in FOLDERS if lib != "error"}}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"/]+)/[^"]+"')


def owner_of_prefix(prefix):
    for lib, p in PREFIX.items():
        if p == prefix:
            return lib
    return None


def file_violations(root, path, lib):
    found = []
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


def violations(root):
    found = []
    folders = [(lib, f) for lib, fs in FOLDERS.items() for f in fs]
    folders += list(TEST_FOLDERS.items())
    for lib, folder in folders:
        for path in sorted((root / folder).rglob("*")):
            if path.suffix in {".h", ".cpp", ".inc"}:
                found += file_violations(root, path, lib)
    return found


def self_test():
    """The check on a tree of its own: clean, then with an upward include
    in a library and in a library's tests; each must be found."""
    with tempfile.TemporaryDirectory() as tmp:
        root = pathlib.Path(tmp)
        for folder in [f for fs in FOLDERS.values() for f in fs] + list(TEST_FOLDERS.values()):
            (root / folder).mkdir(parents=True)
        (root / "planner/systems/shape.h").write_text('#include "hardware_db/database.h"\n')
        (root / "tests/systems/shape_test.cpp").write_text('#include "systems/shape.h"\n')
        clean = violations(root)
        (root / "hardware_db/database.h").write_text('#include "systems/shape.h"\n')
        (root / "tests/systems/layout_test.cpp").write_text('#include "footprint/forecast.h"\n')
        found = violations(root)
    expected = ["hardware_db/database.h:1: hardware_db includes systems",
                "tests/systems/layout_test.cpp:1: systems includes footprint"]
    missed = [e for e in expected if not any(f.startswith(e) for f in found)]
    for problem in [f"a clean tree fails: {c}" for c in clean] + [f"not found: {m}" for m in missed]:
        print("include graph self-test: " + problem)
    print(f"include graph self-test: {len(found)} of {len(expected)} upward includes found")
    return 1 if clean or missed or len(found) != len(expected) else 0


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    # The rule must see the libraries it rules: a renamed folder fails here.
    folders = [f for fs in FOLDERS.values() for f in fs] + list(TEST_FOLDERS.values())
    missing = [f for f in folders if not (root / f).is_dir()]
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
