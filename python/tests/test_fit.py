"""fit takes a path, rows or a DataFrame and returns a law the other calls
accept; on Epoch AI's extraction of the Chinchilla points it finds the
optimum Besiroglu et al. (2024, arXiv:2404.10102, Table 1) report."""

import csv
import math

import pytest

import scaleplan


@pytest.fixture(scope="module")
def chinchilla_law(chinchilla_csv):
    return scaleplan.fit(chinchilla_csv, max_loss=3.44)


def test_the_chinchilla_fit_finds_besiroglu_et_al_s_optimum(chinchilla_law):
    p = chinchilla_law["parameters"]
    # The optimum of Hoffmann et al.'s Huber objective (delta 1e-3) on the 240
    # points under loss 3.44, as Epoch AI's replication code finds it
    # (github.com/epoch-research/analyzing-chinchilla) and scipy reproduces:
    # E 1.8172, alpha 0.3473, beta 0.3672 (the paper's eq. 4 is its MLE refit).
    assert p["E"] == pytest.approx(1.8172, abs=5e-5)
    assert p["alpha"] == pytest.approx(0.3473, abs=5e-5)
    assert p["beta"] == pytest.approx(0.3672, abs=5e-5)
    assert chinchilla_law["fit"]["data"]["points_used"] == 240


def rows_of(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_rows_as_dicts_fit_the_same_law_as_the_file(chinchilla_csv, chinchilla_law):
    rows = [{"params": float(r["Model Size"]), "flops": float(r["Training FLOP"]), "loss": float(r["loss"])}
            for r in rows_of(chinchilla_csv)]
    law = scaleplan.fit(rows, max_loss=3.44)
    for k, v in chinchilla_law["parameters"].items():
        assert law["parameters"][k] == pytest.approx(v, rel=1e-9)


def test_tuples_after_a_header_and_a_column_map_fit_the_same_law(chinchilla_csv, chinchilla_law):
    rows = [("N", "C", "final")] + [(r["Model Size"], r["Training FLOP"], r["loss"]) for r in rows_of(chinchilla_csv)]
    law = scaleplan.fit(rows, max_loss=3.44, columns={"params": "N", "flops": "C", "loss": "final"})
    for k, v in chinchilla_law["parameters"].items():
        assert law["parameters"][k] == pytest.approx(v, rel=1e-9)


def test_a_pandas_dataframe_fits_the_same_law(chinchilla_csv, chinchilla_law):
    pd = pytest.importorskip("pandas")
    law = scaleplan.fit(pd.read_csv(chinchilla_csv), max_loss=3.44)
    for k, v in chinchilla_law["parameters"].items():
        assert law["parameters"][k] == pytest.approx(v, rel=1e-9)


def test_the_fitted_law_predicts_e_plus_a_over_n_alpha_plus_b_over_d_beta(chinchilla_law):
    p = chinchilla_law["parameters"]
    n, d = 7e9, 140e9
    want = p["E"] + p["A"] / n ** p["alpha"] + p["B"] / d ** p["beta"]
    assert scaleplan.loss(params=n, tokens=d, law=chinchilla_law)["loss"] == pytest.approx(want, rel=1e-12)


def test_output_writes_the_law_file_and_returns_it(chinchilla_csv, tmp_path):
    out = tmp_path / "my-law.json"
    law = scaleplan.fit(chinchilla_csv, max_loss=3.44, output=out)
    assert out.exists() and law["name"] == "my-law"
    assert scaleplan.loss(params=1e9, tokens=2e10, law=str(out))["loss"] == pytest.approx(
        scaleplan.loss(params=1e9, tokens=2e10, law=law)["loss"], rel=1e-15)


def test_bootstrap_intervals_come_back_with_the_law(chinchilla_csv):
    law = scaleplan.fit(chinchilla_csv, max_loss=3.44, bootstrap=100, seed=1)
    u = law["uncertainty"]
    assert len(u["replicates"]) == 100
    lo, hi = u["ci95"]["E"]
    assert lo <= law["parameters"]["E"] <= hi and math.isfinite(u["standard_errors"]["alpha"])
