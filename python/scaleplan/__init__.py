"""scaleplan: size a language model, its tokens, hardware, energy and carbon.

Every function runs the command of the same name through the typed API the
`scaleplan` binary also uses, in process, and returns its ``--json`` document as plain Python objects (dict, list, float,
int, str, None), with the same keys and SI units. Options are keyword
arguments named as on the command line, with ``_`` for ``-``::

    >>> import scaleplan
    >>> p = scaleplan.plan(target_params="7B", hardware="h100-sxm5-80gb", region="FR")
    >>> p["plans"][0]["energy_kwh"]

Numbers may be numbers or human strings ("7B", "1.4T", "5.76e23"); ``True``
sets a flag, ``None`` and ``False`` leave an option out. ``law=`` takes a
preset name, a path or a law document (the dict ``fit`` returns).

Bad input raises ``ValueError`` with a one-line message that names the field
(``params: '7X' has an unknown suffix ...``; the command line names the same
field as its flag); an internal error raises ``RuntimeError``. ``help(scaleplan.plan)`` shows the
command's options. Forecasts are estimates: each document lists its
assumptions and their sources.
"""

from __future__ import annotations

import contextlib
import csv
import json
import numbers
import os
import tempfile
from typing import Any, Callable, Iterable

from . import _scaleplan

__version__: str = _scaleplan.__version__

__all__ = [
    "tokens", "loss", "allocate", "laws", "fit", "forecast", "plan", "finetune",
    "calibrate", "hardware", "regions", "tier", "models", "validate", "call",
]

# Options that take a comma-separated list on the command line; every other
# option takes one value, and a list there is refused rather than joined.
_LIST_OPTIONS = {"plan": {"hardware"}, "finetune": {"methods"}}

# Options naming a JSON file the command reads: a dict is written to a
# temporary file for the duration of the call.
_FILE_OPTIONS = {"law": "law.json", "hardware_db": "hardware-db.json", "plan": "plan.json"}


def _field(key: str) -> str:
    return key.replace("-", "_")


def _is_sequence(value: Any) -> bool:
    if isinstance(value, (list, tuple, set, frozenset, range)):
        return True
    return getattr(value, "ndim", 0) > 0  # NumPy arrays, pandas Series


def _scalar(key: str, value: Any) -> Any:
    """One option value as str/int/float/bool/None, or ValueError naming it."""
    if value is None or isinstance(value, (bool, str, int, float)):
        return value
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if getattr(value, "ndim", None) == 0 and hasattr(value, "item"):
        return value.item()  # NumPy scalars and 0-d arrays
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    raise ValueError(f"{_field(key)}: expected a number or a string such as '7B', got {value!r}")


class _Call:
    """Turns keyword arguments into the options of one command, writing the
    temporary files some need; the files go when the call returns."""

    def __init__(self, command: str) -> None:
        self.command = command
        self._stack = contextlib.ExitStack()
        self._dir: str | None = None
        self._labels: dict[str, str] = {}  # temporary file -> what the caller gave

    def __enter__(self) -> "_Call":
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stack.close()

    def path(self, name: str, label: str | None = None) -> str:
        if self._dir is None:
            self._dir = self._stack.enter_context(tempfile.TemporaryDirectory(prefix="scaleplan-"))
        path = os.path.join(self._dir, name)
        if label:
            self._labels[path] = label
        return path

    def write_json(self, key: str, document: Any) -> str:
        path = self.path(_FILE_OPTIONS[key], f"{key}=<the {type(document).__name__} given>")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(document, f, allow_nan=False)
        return path

    def option(self, key: str, value: Any) -> Any:
        key = key.replace("-", "_")
        if isinstance(value, dict) and key in _FILE_OPTIONS:
            return self.write_json(key, value)
        if isinstance(value, dict) and self.command == "fit" and key == "columns":
            return ",".join(f"{k}={v}" for k, v in value.items())
        if isinstance(value, dict):
            raise ValueError(f"{_field(key)}: expected one value, got a dict {value!r}")
        if _is_sequence(value):
            if key not in _LIST_OPTIONS.get(self.command, ()):
                raise ValueError(f"{_field(key)}: expected one value, got a list {_short(value)}")
            return [_scalar(key, v) for v in value]
        return _scalar(key, value)

    def run(self, options: dict[str, Any], positional: Iterable[str] = ()) -> Any:
        # --json is always given; a second one would be refused.
        opts = {k: self.option(k, v) for k, v in options.items() if k != "json"}
        try:
            return _scaleplan.call(self.command, opts, [os.fspath(p) for p in positional])
        except ValueError as e:
            raise ValueError(self.unlabel(str(e))) from None

    def unlabel(self, message: str) -> str:
        """A message naming a file written for the call names what it came from."""
        for path, label in self._labels.items():
            message = message.replace(path, label)
        return message


def _short(value: Any) -> str:
    text = repr(list(value)) if not isinstance(value, (list, tuple)) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _run(command: str, options: dict[str, Any], positional: Iterable[str] = ()) -> Any:
    with _Call(command) as c:
        return c.run(options, positional)


def call(command: str, *positional: str, **options: Any) -> Any:
    """Runs any command (``scaleplan COMMAND POSITIONAL... --OPTION VALUE... --json``)
    and returns its document; the named functions are shorthands for this."""
    return _run(command, options, positional)


def _command(name: str) -> Callable[..., dict]:
    """The function of a command that takes keyword arguments only: the
    command of the same name run on them."""
    def run(**options: Any) -> dict:
        return _run(name, options)
    run.__name__ = run.__qualname__ = name
    return run


tokens = _command("tokens")
allocate = _command("allocate")
laws = _command("laws")
forecast = _command("forecast")
plan = _command("plan")
finetune = _command("finetune")
regions = _command("regions")
tier = _command("tier")
models = _command("models")


def hardware(action: str = "list", id: str | None = None, **options: Any) -> dict:
    return _run("hardware", options, [action] if id is None else [action, id])


def calibrate(emissions: str | os.PathLike, **options: Any) -> dict:
    return _run("calibrate", options, [emissions])


# --- loss: one document, or a NumPy sweep --------------------------------

_ARRAY_LOSS_OPTIONS = {"params", "tokens", "unique_tokens", "law"}


def loss(**options: Any) -> Any:
    options = {k.replace("-", "_"): v for k, v in options.items()}
    if not any(_is_sequence(options.get(k)) for k in ("params", "tokens", "unique_tokens")):
        return _run("loss", options)
    return _loss_array(options)


def _loss_array(options: dict[str, Any]) -> Any:
    import numpy as np  # only sweeps need it

    extra = set(k.replace("-", "_") for k in options) - _ARRAY_LOSS_OPTIONS
    if extra:
        raise ValueError(f"{_field(sorted(extra)[0])}: not available with arrays "
                         "(arrays take params, tokens, unique_tokens and law)")
    for key in ("params", "tokens"):
        if options.get(key) is None:
            raise ValueError(f"{_field(key)}: required")
    names = [k for k in ("params", "tokens", "unique_tokens") if options.get(k) is not None]
    arrays = [_numbers(k, options[k], np) for k in names]
    try:
        shaped = np.broadcast_arrays(*arrays)
    except ValueError:
        shapes = ", ".join(f"{k} {a.shape}" for k, a in zip(names, arrays))
        raise ValueError(f"arrays of shapes {shapes} do not broadcast together") from None
    flat = [np.ascontiguousarray(a, dtype=np.float64).ravel() for a in shaped]
    with _Call("loss") as c:
        law = c.option("law", options.get("law"))
        try:
            out = _scaleplan.loss_array(flat[0], flat[1], law or "", flat[2] if len(flat) > 2 else None)
        except ValueError as e:
            raise ValueError(c.unlabel(str(e))) from None
    return out.reshape(shaped[0].shape)


def _numbers(key: str, value: Any, np: Any) -> Any:
    """An array of float64; strings such as '7B' are read as the CLI reads them."""
    a = np.asarray(value)
    if a.dtype.kind in "iuf":
        return a.astype(np.float64, copy=False)
    if a.dtype.kind in "USO":
        return np.vectorize(lambda v: _scaleplan.parse_quantity(str(v), _field(key)) if isinstance(v, str)
                            else float(v), otypes=[np.float64])(a)
    raise ValueError(f"{_field(key)}: expected numbers, got an array of {a.dtype}")


# --- fit: a path, rows or a DataFrame; returns the law ------------------------

def fit(runs: Any, *, report: bool = False, **options: Any) -> dict:
    with _Call("fit") as c:
        path = _runs_csv(c, runs)
        if report:
            return c.run(options, [path])
        output = options.get("output")
        if output is None:
            # The file `fit -o fit.json` writes: named "fit", like the report.
            options = dict(options, output=c.path("fit.json"))
        c.run(options, [path])
        with open(os.fspath(options["output"]), encoding="utf-8") as f:
            return json.load(f)


# --- validate: the shipped datasets, or the caller's runs ---------------------

def validate(runs: Any = None, **options: Any) -> dict:
    if runs is None:
        return _run("validate", options)
    with _Call("validate") as c:
        return c.run(options, [_runs_csv(c, runs)])


def _runs_csv(c: _Call, runs: Any) -> str:
    if isinstance(runs, (str, os.PathLike)):
        return os.fspath(runs)
    path = c.path("runs.csv", f"runs=<the {type(runs).__name__} given>")
    if hasattr(runs, "to_csv") and hasattr(runs, "columns"):  # a pandas DataFrame
        runs.to_csv(path, index=False)
        return path
    rows = list(runs)
    if not rows:
        raise ValueError("runs: expected a path, a DataFrame or rows, got no rows")
    with open(path, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        if all(isinstance(r, dict) for r in rows):
            header = list(dict.fromkeys(k for r in rows for k in r))
            out.writerow(header)
            out.writerows([r.get(k, "") for k in header] for r in rows)
        elif all(isinstance(r, (list, tuple)) for r in rows):
            out.writerows(rows)  # the first one is the header
        else:
            raise ValueError("runs: expected rows as dicts, or tuples after a header tuple")
    return path


# --- help(): each function's docstring is its command's --help ----------------

# What the Python function adds to its command; the rest of each docstring
# is the command's own --help, so help() never drifts from the binary.
_NOTES = {
    "loss": ("With arrays (NumPy, lists) for params, tokens or unique_tokens, returns a NumPy array of\n"
             "losses instead, broadcast like NumPy, the law resolved once and evaluated in one C++ loop."),
    "fit": ("runs: a CSV path, a pandas DataFrame, a list of dicts, or tuples after a header tuple.\n"
            "Returns the law document (what `fit -o FILE` writes), usable as law= elsewhere;\n"
            "report=True returns the `fit --json` report instead. columns= may be a dict."),
    "calibrate": "emissions: the CodeCarbon CSV. plan= may be a path or the document plan() or forecast() returned.",
    "validate": ("validate() scores the model on the datasets shipped with scaleplan; validate(runs) on yours:\n"
                 "a CSV path, a pandas DataFrame, a list of dicts, or tuples after a header tuple."),
    "hardware": "hardware() lists the accelerators; hardware('show', ID) shows one.",
    "plan": "hardware= may be a list of ids.",
    "finetune": "methods= may be a list.",
}

for _name in [n for n in __all__ if n != "call"]:
    _note = _NOTES.get(_name, "")
    globals()[_name].__doc__ = (f"The `{_name}` command: keyword arguments are its fields (as the `scaleplan {_name}` "
                                f"flags, '-' written '_'); returns its document.\n"
                                f"{_note}\n\n{_scaleplan.usage(_name)}")
del _name, _note
