#!/usr/bin/env python3
"""Fails when a checked-in notebook has a code cell without outputs: on a
code host such a notebook shows no numbers or plots. `make notebooks`
executes them in place."""
import json
import sys


def main(paths):
    bad = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            nb = json.load(f)
        for i, cell in enumerate(nb.get("cells", [])):
            if cell.get("cell_type") == "code" and "".join(cell.get("source", "")).strip() and not cell.get("outputs"):
                bad.append(f"{path}: code cell {i + 1} has no outputs; run `make notebooks` and commit the result")
    for line in bad:
        print(line, file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
