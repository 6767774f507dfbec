"""loss() over NumPy arrays: element by element the number `scaleplan loss`
prints, broadcast like NumPy, the law resolved once, fast enough for sweeps."""


import numpy as np
import pytest

import scaleplan
from conftest import cli_json


def test_each_element_equals_the_binarys_loss_at_that_point():
    params = np.array([7e7, 7e9, 7e10])
    tokens = np.array([1.4e9, 1.4e11, 1.4e12])
    got = scaleplan.loss(params=params, tokens=tokens, law="hoffmann2022")
    want = [cli_json("loss", "--params", repr(n), "--tokens", repr(d), "--law", "hoffmann2022")["loss"]
            for n, d in zip(params, tokens)]
    assert got == pytest.approx(want, rel=1e-12, abs=0)


def test_the_default_law_is_the_clis_and_matches_its_closed_form():
    # besiroglu2024 (Besiroglu et al. 2024, eq. 4): E + A/N^alpha + B/D^beta.
    law = next(l for l in scaleplan.laws()["laws"] if l["name"] == "besiroglu2024")
    p = law["parameters"]
    n, d = np.geomspace(1e8, 1e11, 7), np.geomspace(1e9, 1e13, 7)
    want = p["E"] + p["A"] / n ** p["alpha"] + p["B"] / d ** p["beta"]
    assert scaleplan.loss(params=n, tokens=d) == pytest.approx(want, rel=1e-12, abs=0)


def test_arrays_broadcast_and_keep_their_shape():
    n = np.array([1e9, 1e10])[:, None]
    d = np.array([2e10, 2e11, 2e12])[None, :]
    grid = scaleplan.loss(params=n, tokens=d)
    assert grid.shape == (2, 3)
    assert grid[1, 2] == scaleplan.loss(params=1e10, tokens=2e12)["loss"]
    assert scaleplan.loss(params=[1e9, 1e10], tokens=2e10).shape == (2,)


def test_human_strings_in_a_list_are_read_as_the_cli_reads_them():
    assert scaleplan.loss(params=["7B", 70e9], tokens="1.4T").tolist() == pytest.approx(
        [scaleplan.loss(params="7B", tokens="1.4T")["loss"], scaleplan.loss(params="70B", tokens="1.4T")["loss"]],
        rel=1e-15)


def test_unique_tokens_apply_the_repetition_decay_like_the_cli():
    got = scaleplan.loss(params=np.array([6.34e9]), tokens=np.array([242e9]), unique_tokens=25e9,
                         law="muennighoff2023")
    want = cli_json("loss", "--params", "6.34B", "--tokens", "242B", "--unique-tokens", "25B",
                    "--law", "muennighoff2023")["loss"]
    assert got[0] == pytest.approx(want, rel=1e-12, abs=0)


def test_a_law_document_is_accepted_for_arrays():
    law = {"schema_version": 1, "name": "toy", "form": "chinchilla",
           "parameters": {"E": 1.0, "A": 100.0, "B": 1000.0, "alpha": 0.5, "beta": 0.5}}
    got = scaleplan.loss(params=[1e4, 1e6], tokens=[1e6, 1e8], law=law)
    assert got.tolist() == pytest.approx([1.0 + 1.0 + 1.0, 1.0 + 0.1 + 0.1], rel=1e-15)


@pytest.mark.parametrize("bad,message", [
    (dict(params=[1e9, -1.0], tokens=1e10), r"^params\[1\]: -1.0 is not a positive finite number"),
    (dict(params=[1e9, np.nan], tokens=1e10), r"^params\[1\]: nan"),
    (dict(params=[1e9, 2e9], tokens=[1e10, 1e11, 1e12]), r"do not broadcast"),
    (dict(params=[1e9], tokens=1e10, law="no-such-law"), r"no-such-law"),
    (dict(params=[1e9], tokens=1e10, hardware="h100-sxm5-80gb"), r"^hardware: not available with arrays"),
    (dict(params=["7X"], tokens=1e10), r"^params: '7X'"),
])
def test_bad_arrays_raise_value_error_naming_the_element(bad, message):
    with pytest.raises(ValueError, match=message):
        scaleplan.loss(**bad)
