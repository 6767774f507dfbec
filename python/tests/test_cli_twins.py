"""Every function returns the document its command prints with --json: the
same keys in the same order and the same numbers (1e-12 relative), checked
against the binary run as a separate process."""

import json
import os

import pytest

import scaleplan
from conftest import assert_same, cli_json

H100 = "h100-sxm5-80gb"
A100 = "a100-sxm4-80gb"

# (function, positional, keyword arguments) and the command line they mean.
CASES = [
    ("tokens", (), dict(params="7B"), ["tokens", "--params", "7B"]),
    ("tokens", (), dict(params=7e9, target_loss=2.1, hardware=H100, region="FR"),
     ["tokens", "--params", "7e9", "--target-loss", "2.1", "--hardware", H100, "--region", "FR"]),
    ("loss", (), dict(params="70B", tokens="1.4T"), ["loss", "--params", "70B", "--tokens", "1.4T"]),
    ("loss", (), dict(params="6.34B", tokens="242B", unique_tokens="25B", law="muennighoff2023"),
     ["loss", "--params", "6.34B", "--tokens", "242B", "--unique-tokens", "25B", "--law", "muennighoff2023"]),
    ("allocate", (), dict(flops=5.76e23), ["allocate", "--flops", "5.76e23"]),
    ("allocate", (), dict(flops="1e22", law="hoffmann2022", hardware=A100, gpus=64),
     ["allocate", "--flops", "1e22", "--law", "hoffmann2022", "--hardware", A100, "--gpus", "64"]),
    ("laws", (), {}, ["laws"]),
    ("forecast", (), dict(params="65.2B", tokens="1.4T", hardware=A100, gpus=2048),
     ["forecast", "--params", "65.2B", "--tokens", "1.4T", "--hardware", A100, "--gpus", "2048"]),
    ("forecast", (), dict(flops=1e21, hardware=H100, accounting="tdp", carbon_intensity=50, pue=1.1),
     ["forecast", "--flops", "1e21", "--hardware", H100, "--accounting", "tdp", "--carbon-intensity", "50",
      "--pue", "1.1"]),
    ("plan", (), dict(target_params="7B"), ["plan", "--target-params", "7B"]),
    ("plan", (), dict(target_params="7B", hardware=[H100, A100], region="FR"),
     ["plan", "--target-params", "7B", "--hardware", f"{H100},{A100}", "--region", "FR"]),
    ("plan", (), dict(budget_kwh=50000, region="FR"), ["plan", "--budget-kwh", "50000", "--region", "FR"]),
    ("plan", (), dict(target_loss=2.1, minimize="co2", inference_tokens="1T"),
     ["plan", "--target-loss", "2.1", "--minimize", "co2", "--inference-tokens", "1T"]),
    ("finetune", (), dict(model="llama-2-7b", tokens="100M", hardware=A100, methods=["lora", "qlora"]),
     ["finetune", "--model", "llama-2-7b", "--tokens", "100M", "--hardware", A100, "--methods", "lora,qlora"]),
    ("hardware", (), {}, ["hardware", "list"]),
    ("hardware", ("show", H100), {}, ["hardware", "show", H100]),
    ("regions", (), dict(search="europe"), ["regions", "--search", "europe"]),
    ("tier", (), dict(kwh=1600, co2_kg=600), ["tier", "--kwh", "1600", "--co2-kg", "600"]),
    ("models", (), {}, ["models"]),
]


@pytest.mark.parametrize("name,positional,kwargs,args", CASES, ids=[" ".join(c[3]) for c in CASES])
def test_each_function_returns_its_commands_json_document(name, positional, kwargs, args):
    got = getattr(scaleplan, name)(*positional, **kwargs)
    assert_same(got, cli_json(*args))


def test_calibrate_reads_the_same_codecarbon_log_as_the_binary(emissions_csv):
    got = scaleplan.calibrate(emissions_csv, params="468M", tokens="9.8B", hardware="a100-sxm4-40gb")
    want = cli_json("calibrate", emissions_csv, "--params", "468M", "--tokens", "9.8B",
                    "--hardware", "a100-sxm4-40gb")
    assert_same(got, want)


def test_call_runs_any_command_by_name():
    assert_same(scaleplan.call("tokens", params="70B", law="hoffmann2022"),
                cli_json("tokens", "--params", "70B", "--law", "hoffmann2022"))


def test_fit_report_equals_the_fit_json_document(chinchilla_csv):
    got = scaleplan.fit(chinchilla_csv, report=True, max_loss=3.44)
    assert_same(got, cli_json("fit", chinchilla_csv, "--max-loss", "3.44"))


def test_fit_returns_the_law_file_the_binary_writes(chinchilla_csv, tmp_path):
    out = tmp_path / "fit.json"
    r = cli_json("fit", chinchilla_csv, "--max-loss", "3.44", "-o", str(out))
    assert r["output"] == str(out)
    with open(out, encoding="utf-8") as f:
        want = json.load(f)
    assert_same(scaleplan.fit(chinchilla_csv, max_loss=3.44), want)


def test_a_law_document_works_as_law_like_the_file_it_came_from(chinchilla_csv, tmp_path):
    law = scaleplan.fit(chinchilla_csv, max_loss=3.44)
    path = tmp_path / "chinchilla.json"
    path.write_text(json.dumps(law))
    got = scaleplan.plan(target_loss=2.2, law=law)
    want = cli_json("plan", "--target-loss", "2.2", "--law", str(path))
    # The law is named after its file: "fit" from the dict, the stem from the path.
    assert got.pop("law") == "fit" and want.pop("law") == "fit"
    assert_same(got, want)


def test_a_hardware_db_document_overrides_like_the_file(tmp_path):
    db = {"accelerators": [{"id": "a100-sxm4-40gb", "mfu": {"typical": 0.30}}]}
    path = tmp_path / "db.json"
    path.write_text(json.dumps(db))
    got = scaleplan.forecast(params="1B", tokens="20B", hardware="a100-sxm4-40gb", hardware_db=db)
    want = cli_json("forecast", "--params", "1B", "--tokens", "20B", "--hardware", "a100-sxm4-40gb",
                    "--hardware-db", str(path))
    assert got["mfu"] == 0.30 and scaleplan.forecast(params="1B", tokens="20B", hardware="a100-sxm4-40gb")["mfu"] != 0.30
    assert_same(got, want)


def test_paths_may_be_pathlike_objects(chinchilla_csv):
    from pathlib import Path
    assert_same(scaleplan.fit(Path(chinchilla_csv), report=True, max_loss=3.44)["parameters"],
                scaleplan.fit(os.fspath(chinchilla_csv), report=True, max_loss=3.44)["parameters"])


def test_the_comparison_itself_rejects_a_1e_11_difference_and_reordered_keys():
    with pytest.raises(AssertionError):
        assert_same({"a": 1.0 + 1e-11}, {"a": 1.0})
    with pytest.raises(AssertionError):
        assert_same({"a": 1, "b": 2}, {"b": 2, "a": 1})
    with pytest.raises(AssertionError):
        assert_same({"a": "1"}, {"a": 1})
    assert_same({"a": [1.0, None, "x"]}, {"a": [1.0 * (1 + 1e-13), None, "x"]})
