"""Shared helpers: the binary as the reference, the vendored data, and a
document comparison that demands the same keys and the same numbers."""

import re
import json
import math
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
BINARY = os.environ.get("SCALEPLAN", str(ROOT / "build" / "cli" / "scaleplan"))
REL_TOL = 1e-12


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=120)


def cli_json(*args: str):
    """The binary's --json document for `scaleplan ARGS... --json`."""
    r = run_cli(*args, "--json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def cli_error(*args: str) -> str:
    """The binary's one-line error, without the `scaleplan: error: ` prefix."""
    r = run_cli(*args)
    assert r.returncode == 1, (r.returncode, r.stdout, r.stderr)
    assert r.stdout == ""
    line = r.stderr.strip()
    assert "\n" not in line
    return line.removeprefix("scaleplan: error: ")


def api_error(*args: str) -> str:
    """The same refusal as the API words it: the field the binary shows as
    its flag (--target-params) named as the field (target_params)."""
    line = cli_error(*args)
    m = re.match(r"^--([a-z0-9-]+): ", line)
    return m.group(1).replace("-", "_") + ": " + line[m.end():] if m else line


def assert_same(got, want, where="$"):
    """Same keys in the same order, same types, numbers equal to 1e-12 relative."""
    if isinstance(want, dict):
        assert isinstance(got, dict), f"{where}: {type(got).__name__} instead of an object"
        assert list(got) == list(want), f"{where}: keys {list(got)} != {list(want)}"
        for k in want:
            assert_same(got[k], want[k], f"{where}.{k}")
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), f"{where}: {got!r} != {want!r}"
        for i, (g, w) in enumerate(zip(got, want)):
            assert_same(g, w, f"{where}[{i}]")
    elif isinstance(want, bool) or want is None or isinstance(want, str):
        assert got == want and type(got) is type(want), f"{where}: {got!r} != {want!r}"
    else:
        assert isinstance(got, (int, float)) and not isinstance(got, bool), f"{where}: {got!r}"
        assert math.isclose(got, want, rel_tol=REL_TOL, abs_tol=0.0), f"{where}: {got!r} != {want!r}"


@pytest.fixture(scope="session")
def chinchilla_csv() -> str:
    return str(DATA / "svg_extracted_data.csv")


@pytest.fixture(scope="session")
def emissions_csv() -> str:
    return str(DATA / "teenytinyllama" / "emissions-460m.csv")
