"""validate(): the model scored on the shipped datasets or the caller's runs,
the same documents as the binary's, and the README's scorecard current."""

import subprocess
import sys

import scaleplan

from conftest import BINARY, ROOT, cli_json

MINE = [{"run": "mine", "layers": 32, "hidden": 4096, "heads": 32, "hardware": "h100-sxm5-80gb", "gpus": 8,
         "seq_len": 4096, "global_batch": 64, "tp": 1, "pp": 1, "micro_batch": 1, "step_s": 3.0}]


def test_validate_scores_the_shipped_datasets_as_the_binary_does():
    doc = scaleplan.validate()
    assert doc == cli_json("validate")
    assert {s["dataset"] for s in doc["scores"]} >= {"korthikanti2022_table5", "billed_runs"}


def test_validate_takes_rows_as_dicts_and_scores_them():
    doc = scaleplan.validate(MINE, cases=True)
    (score,) = doc["scores"]
    assert score["quantity"] == "step_time_s"
    assert score["runs"][0]["measured"] == 3.0
    assert score["runs"][0]["ratio"] == score["runs"][0]["predicted"] / 3.0


def test_the_readme_scorecard_is_what_the_binary_scores_today():
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "validation_scorecard.py"), BINARY,
                        str(ROOT / "README.md"), "--check"], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
