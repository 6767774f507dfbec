#!/usr/bin/env python3
"""Functions longer than 50 lines and classes longer than 150 in the
libraries and faces (the house limit), found by brace matching.

A definition is a line that opens a brace after a parameter list (a
function, a lambda assigned at namespace scope) or after `class`/`struct`
NAME; its length is the lines from that line to the matching brace.
Prints one line per offender and exits 1 when there is any.
Usage: check_function_length.py ROOT [FOLDER...]
"""
import pathlib
import re
import sys

FOLDERS = ["api", "cli", "laws", "hardware_db", "planner", "python", "web", "error"]
MAX_FUNCTION, MAX_CLASS = 50, 150
CLASS = re.compile(r"^\s*(template\s*<[^>]*>\s*)?(class|struct)\s+(\w+)[^;(]*\{\s*$")
FUNCTION = re.compile(r"^[^\s#/].*\)\s*(const)?\s*(noexcept)?\s*(override)?\s*(->\s*[\w:<>]+\s*)?\{\s*$")
CONTROL = re.compile(r"^\s*(if|for|while|switch|catch|else|do|namespace)\b")


def strip(line):
    line = re.sub(r'"(\\.|[^"\\])*"', '""', line)
    line = re.sub(r"'(\\.|[^'\\])*'", "''", line)
    return line.split("//")[0]


def blocks(lines):
    """(kind, name, first line, length) of each definition: the text since
    the last ';', '{' or '}' names what a '{' opens."""
    found, stack, statement, start = [], [], "", None
    for number, raw in enumerate(lines, 1):
        line = strip(raw)
        if line.lstrip().startswith("#"):
            continue
        for ch in line:
            if ch == "{":
                head = " ".join(statement.split())
                kind = "block"
                if re.match(r"^(namespace|extern)\b", head) or not stack and head == "":
                    kind = "namespace"
                elif re.match(r"^(template\s*<.*>\s*)?(class|struct|union)\s+\w+", head) and "(" not in head.split("{")[0][:head.find(":") if ":" in head else None]:
                    kind = "class"
                elif "(" in head and not CONTROL.match(head) and all(k in ("namespace", "class") for k, *_ in stack):
                    kind = "function"
                stack.append((kind, head[:70], start or number))
                statement, start = "", None
            elif ch == "}":
                if stack:
                    kind, name, first = stack.pop()
                    if kind in ("function", "class"):
                        found.append((kind, name, first, number - first + 1))
                statement, start = "", None
            elif ch == ";":
                statement, start = "", None
            else:
                if not ch.isspace() and start is None:
                    start = number
                statement += ch
        statement += " "
    return found


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    folders = sys.argv[2:] or FOLDERS
    bad = 0
    for folder in folders:
        for path in sorted((root / folder).rglob("*")):
            if path.suffix not in {".cpp", ".h"}:
                continue
            for kind, name, line, length in blocks(path.read_text().splitlines()):
                limit = MAX_CLASS if kind == "class" else MAX_FUNCTION
                if length > limit:
                    bad += 1
                    print(f"{path.relative_to(root)}:{line}: {kind} of {length} lines (limit {limit}): {name}")
    print(f"{bad} definitions over the limits")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
