"""Bad input of each kind: a PolicysimError (a ValueError) with the command line's
message and exit code, nothing written."""

import pytest

import policysim
from conftest import SCENARIOS, SMALL, cli


def cli_message(*args):
    """The command line's error message (after `error: `) and its exit code."""
    p = cli(*args, check=False)
    assert p.returncode != 0
    return p.stderr.strip().splitlines()[-1].removeprefix("error: "), p.returncode


def raises(call, *args, **kwargs):
    with pytest.raises(policysim.PolicysimError) as info:
        call(*args, **kwargs)
    assert isinstance(info.value, ValueError)
    return str(info.value), info.value.exit_code


def test_a_missing_scenario_file():
    message, code = raises(policysim.run, "no/such/scenario.toml")
    assert (message, code) == cli_message("run", "no/such/scenario.toml", "--out", "x")
    assert "no/such/scenario.toml: cannot read the scenario file" in message and code == 2


def test_a_key_the_scenario_does_not_have(small_file):
    small_file.write_text(small_file.read_text() + "\n[learning]\nrat = 0.5\n".replace("[learning]", "[innovation2]"))
    message, code = raises(policysim.run, small_file)
    assert (message, code) == cli_message("run", small_file, "--out", "x")
    assert "innovation2" in message and code == 2


def test_toml_text_with_a_syntax_error_names_the_line():
    message, code = raises(policysim.check, 'name = "x"\nsteps = = 3\n')
    assert message.startswith("<scenario>:2:") and code == 2


def test_a_dict_with_a_bad_value_names_the_key():
    message, _ = raises(policysim.run, {**SMALL, "network": {"kind": "lattice", "n": 10}})
    assert message.startswith("<scenario>:") and "network.kind" in message and '"ring"' in message


def test_a_bad_override(small_file):
    message, code = raises(policysim.run, small_file, set={"learning.rate": "fast"})
    assert (message, code) == cli_message("run", small_file, "--set", "learning.rate=fast", "--out", "x")
    assert message.startswith("--set learning.rate=fast: key `learning.rate`: expected a number")
    message, _ = raises(policysim.run, small_file, set={"learning.speed": 1})
    assert "learning.speed" in message


def test_an_out_of_range_option(small_file, tmp_path):
    message, code = raises(policysim.run, small_file, runs=0)
    assert message == "--runs and --steps must be at least 1" and code == 2
    message, _ = raises(policysim.run, small_file, seed=-1)
    assert "--seed" in message
    message, _ = raises(policysim.sensitivity, small_file, set={"learning.rate": (0.9, 0.1)}, samples=8)
    assert "learning.rate" in message
    assert not (tmp_path / "results").exists()  # nothing written


def test_an_unknown_option_or_value(small_file):
    message, code = raises(policysim.run, small_file, bogus=1)
    assert message.startswith("run(): unexpected keyword argument 'bogus'") and code == 2
    message, _ = raises(policysim.sensitivity, small_file, method="guess")
    assert "invalid value" in message or "guess" in message
    message, _ = raises(policysim.panel, SCENARIOS, design="quarterly")
    assert "quarterly" in message


def test_a_missing_required_option(small_file):
    message, code = raises(policysim.fit, small_file, observed="x.csv", free={})
    assert "--free" in message and code == 2


def test_a_bad_data_file(small_file, tmp_path):
    bad = tmp_path / "observed.csv"
    bad.write_text("unit,adopt_year\nnowhere,19x1\n")
    message, code = raises(policysim.fit, SCENARIOS / "us_states.toml", observed=bad, free={"learning.rate": (0, 1)})
    assert str(bad) in message and code == 2


def test_an_out_folder_of_other_files(small_file, tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.txt").write_text("do not delete")
    message, code = raises(policysim.run, small_file, out=tmp_path / "mine")
    assert (message, code) == cli_message("run", small_file, "--out", tmp_path / "mine")
    assert (tmp_path / "mine" / "thesis.txt").read_text() == "do not delete"


def test_a_scenario_of_the_wrong_type():
    with pytest.raises(TypeError, match="expected a path, TOML text or a dict"):
        policysim.run(42)
    with pytest.raises(TypeError, match="TOML value"):
        policysim.run({"name": "x", "steps": object()})
