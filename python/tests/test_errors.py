"""Bad input raises ValueError with the binary's one-line message; internal
errors raise RuntimeError; a thousand refusals leak nothing."""

import gc

import pytest

import scaleplan
from conftest import api_error, cli_error

H100 = "h100-sxm5-80gb"


def test_an_unknown_accelerator_raises_the_clis_message():
    with pytest.raises(ValueError) as e:
        scaleplan.plan(target_params="7B", hardware="h999")
    assert str(e.value) == api_error("plan", "--target-params", "7B", "--hardware", "h999")
    assert "h999" in str(e.value)


def test_a_target_below_the_laws_floor_raises_the_clis_message():
    with pytest.raises(ValueError) as e:
        scaleplan.plan(target_loss=1.5)
    assert str(e.value) == api_error("plan", "--target-loss", "1.5")


def test_a_malformed_csv_raises_the_clis_message(tmp_path):
    bad = tmp_path / "runs.csv"
    bad.write_text("params,tokens,loss\n1e9,2e10,2.5\n2e9,oops,2.4\n")
    with pytest.raises(ValueError) as e:
        scaleplan.fit(bad)
    assert str(e.value) == api_error("fit", str(bad))


def test_a_human_number_the_cli_cannot_read_raises_its_message():
    with pytest.raises(ValueError) as e:
        scaleplan.tokens(params="7X")
    assert str(e.value) == api_error("tokens", "--params", "7X")


def test_an_unknown_law_in_an_array_sweep_raises_the_clis_message():
    with pytest.raises(ValueError) as e:
        scaleplan.loss(params=[7e9, 1e9], tokens=[1.4e12, 2e10], law="nope")
    assert str(e.value) == api_error("loss", "--params", "7B", "--tokens", "1.4T", "--law", "nope")


@pytest.mark.parametrize("value", [[1, 2], (1e9,), {"a": 1}, object()])
def test_a_list_dict_or_object_where_one_value_is_required_names_the_option(value):
    with pytest.raises(ValueError, match=r"^params: expected"):
        scaleplan.forecast(params=value, tokens="1T", hardware=H100)


def test_a_list_is_joined_only_where_the_cli_takes_a_list():
    both = scaleplan.plan(target_params="1B", hardware=[H100, "a100-sxm4-80gb"])
    assert {both["hardware"]} | {a["hardware"] for a in both["alternatives"]} == {H100, "a100-sxm4-80gb"}
    with pytest.raises(ValueError, match=r"^region: expected one value"):
        scaleplan.plan(target_params="1B", region=["FR", "DE"])


def test_an_unknown_field_is_named_with_the_commands_fields():
    with pytest.raises(ValueError) as e:
        scaleplan.plan(target_params="7B", colour="red")
    assert str(e.value).startswith("colour: not a field of this command (its fields: target_loss, target_params")


def test_an_unknown_command_is_refused_with_the_commands():
    with pytest.raises(ValueError) as e:
        scaleplan.call("frobnicate")
    assert str(e.value).startswith("unknown command 'frobnicate' (expected one of plan, tokens")


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096


@pytest.mark.skipif(not __import__("os").path.exists("/proc/self/statm"), reason="needs Linux /proc")
def test_a_thousand_refusals_leave_the_interpreter_alive_and_leak_under_5_mb(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("params,tokens\n1,2\n")
    calls = [
        lambda: scaleplan.plan(target_params="7B", hardware="h999"),
        lambda: scaleplan.plan(target_loss=1.0),
        lambda: scaleplan.fit(bad),
        lambda: scaleplan.forecast(params=[1, 2], tokens="1T", hardware=H100),
        lambda: scaleplan.plan(target_loss=2.2, law={"form": "chinchilla"}),
    ]

    def refuse_all(n):
        for i in range(n):
            with pytest.raises(ValueError):
                calls[i % len(calls)]()

    refuse_all(200)  # allocator pools and caches settle first
    gc.collect()
    before = rss_bytes()
    refuse_all(1000)
    gc.collect()
    growth = rss_bytes() - before
    assert growth < 5 * 1024 * 1024, f"RSS grew {growth / 1e6:.2f} MB over 1,000 refused calls"
    assert scaleplan.tier(kwh=0.01, co2_kg=0.01)["eps_tier"] == "Low"


def test_a_bad_document_is_named_as_the_argument_not_as_a_temporary_file():
    with pytest.raises(ValueError, match=r"^law=<the dict given>: missing key 'parameters'$"):
        scaleplan.plan(target_loss=2.2, law={"form": "chinchilla"})
    with pytest.raises(ValueError, match=r"^runs=<the list given>: no loss column"):
        scaleplan.fit([{"params": 1e9, "tokens": 2e10}])
