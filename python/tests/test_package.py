"""The package explains itself: docstrings carry each command's --help,
the stubs declare every function, and the GIL is free while C++ works."""

import ast
import inspect
import threading
import time
from pathlib import Path

import pytest

import scaleplan

STUB = Path(scaleplan.__file__).with_suffix(".pyi")


@pytest.mark.parametrize("name", [n for n in scaleplan.__all__ if n != "call"])
def test_help_shows_the_commands_options(name):
    doc = inspect.getdoc(getattr(scaleplan, name))
    assert f"scaleplan {name}" in doc and "Keyword arguments (the command's fields)" in doc


def test_the_stubs_declare_every_public_function():
    tree = ast.parse(STUB.read_text())
    declared = {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
    assert set(scaleplan.__all__) <= declared
    assert all(callable(getattr(scaleplan, n)) for n in scaleplan.__all__)


def test_the_version_is_the_binarys():
    from conftest import run_cli
    assert run_cli("--version").stdout.split()[-1] == scaleplan.__version__


def test_other_threads_run_while_a_fit_runs(chinchilla_csv):
    # With the GIL held the main thread would stall for the whole fit; freed,
    # it keeps ticking at the interpreter's switch interval (5 ms).
    done = threading.Event()
    # 1,000 bootstrap refits on one solver thread, so the fit takes a third
    # of a second (several under the sanitizers) and the main thread has a
    # core of its own.
    worker = threading.Thread(target=lambda: (scaleplan.fit(chinchilla_csv, max_loss=3.44, threads=1, bootstrap=1000),
                                              done.set()))
    ticks, last, longest = 0, time.perf_counter(), 0.0
    start = time.perf_counter()
    worker.start()
    while not done.is_set() and worker.is_alive():
        now = time.perf_counter()
        longest, last, ticks = max(longest, now - last), now, ticks + 1
        time.sleep(0.001)
    worker.join()
    elapsed = time.perf_counter() - start
    assert done.is_set()
    assert elapsed > 0.1, "the fit ended too fast to show anything"
    assert longest < 0.5 * elapsed, f"main thread stalled {longest:.2f} s of a {elapsed:.2f} s fit"


def test_threads_calling_at_once_get_the_same_documents_as_one_thread():
    from concurrent.futures import ThreadPoolExecutor
    targets = [2.0 + 0.01 * k for k in range(40)]
    alone = [scaleplan.plan(target_loss=t, region="FR") for t in targets]
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(lambda t: scaleplan.plan(target_loss=t, region="FR"), targets))
    assert together == alone
