"""policysim.run and policysim.check: tables, the command line's bytes, scenarios as
files, text and dicts."""

import sys

import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

import policysim
from conftest import SCENARIOS, SMALL, cli


def test_run_returns_the_tables_and_summary(small_file):
    r = policysim.run(small_file, runs=7, seed=11)
    assert r.out is None
    assert isinstance(r.runs, pa.Table) and r.runs.num_rows == 7
    assert r.runs.column("run").to_pylist() == list(range(7))
    assert set(r.runs.column("seed").to_pylist()) == {11}
    assert r.curves.num_rows > 0 and r.hazard.num_rows > 0
    assert "adopted_share" in r.curves.column("series").to_pylist()
    assert r.summary["runs"] == 7 and r.summary["seed"] == 11
    mean = sum(r.runs.column("final_share").to_pylist()) / 7
    assert r.summary["final_share"]["mean"] == pytest.approx(mean, abs=1e-9)
    assert set(r.tables) == {"runs", "curves", "hazard"}
    with pytest.raises(AttributeError, match="runs.csv, scenario.toml"):
        r.no_such_table


def test_runs_equal_the_command_lines_runs_csv(tmp_path):
    scenario = SCENARIOS / "pilot.toml"
    cli("run", scenario, "--runs", 9, "--seed", 42, "--out", tmp_path / "cli", "-q", "--no-charts")
    kept = policysim.run(scenario, runs=9, seed=42, out=tmp_path / "py", no_charts=True)
    temporary = policysim.run(scenario, runs=9, seed=42, threads=1)
    for name in ("runs", "curves", "hazard"):
        written = (tmp_path / "cli" / f"{name}.csv").read_bytes()
        assert (tmp_path / "py" / f"{name}.csv").read_bytes() == written, name
        assert kept.raw[name] == written and temporary.raw[name] == written, name
    expected = pacsv.read_csv(tmp_path / "cli" / "runs.csv")
    assert temporary.runs.column_names == expected.column_names
    assert temporary.runs.equals(expected)
    assert kept.out == tmp_path / "py"


def test_threads_do_not_change_the_results(small_file):
    one = policysim.run(small_file, threads=1)
    two = policysim.run(small_file, threads=2)
    assert one.raw["runs"] == two.raw["runs"] and one.raw["curves"] == two.raw["curves"]


def test_a_scenario_as_text_or_dict_runs_as_its_file(small_file):
    from_file = policysim.run(small_file, seed=3)
    from_text = policysim.run(small_file.read_text(encoding="utf-8"), seed=3)
    from_dict = policysim.run(SMALL, seed=3)
    assert from_text.raw["runs"] == from_file.raw["runs"] == from_dict.raw["runs"]
    assert from_dict.raw["curves"] == from_file.raw["curves"]
    # the hidden scenario file is removed afterwards
    assert not [p for p in __import__("os").listdir(".") if p.startswith(".policysim-")]


def test_overrides_match_the_command_lines(small_file, tmp_path):
    cli("run", small_file, "--set", "learning.rate=0.9", "--set", "innovation.rate=0.05",
        "--steps", 9, "--out", tmp_path / "cli", "-q", "--no-charts")
    r = policysim.run(small_file, set={"learning.rate": 0.9, "innovation.rate": 0.05}, steps=9)
    assert r.raw["runs"] == (tmp_path / "cli" / "runs.csv").read_bytes()
    as_text = policysim.run(small_file, set=["learning.rate=0.9", "innovation.rate=0.05"], steps=9)
    assert as_text.raw["runs"] == r.raw["runs"]
    distribution = policysim.run(small_file, set={"agents.learning": {"dist": "beta", "a": 5, "b": 2}})
    assert distribution.raw["runs"] != policysim.run(small_file).raw["runs"]


def test_tables_convert_to_pandas_and_polars(small_file):
    import pandas as pd
    import polars as pl

    r = policysim.run(small_file)
    frame = r.runs.to_pandas()
    assert isinstance(frame, pd.DataFrame) and len(frame) == 12
    assert frame["final_share"].between(0, 1).all()
    polars_frame = pl.from_arrow(r.curves)
    assert polars_frame.height == r.curves.num_rows
    assert polars_frame.filter(pl.col("series") == "adopted_share").height == 16


def test_run_with_charts_kept_in_its_folder(small_file, tmp_path):
    r = policysim.run(small_file, out=tmp_path / "charts", format=["png"], size=(400, 250), runs=3)
    assert "adoption.png" in r.files and "adoption.svg" not in r.files
    assert r.scenario is not None and 'name = "small"' in r.scenario


def test_check_resolves_every_default(small_file):
    text = policysim.check(small_file, set={"learning.rate": 0.25})
    assert text == cli("check", small_file, "--set", "learning.rate=0.25").stdout
    if sys.version_info >= (3, 11):
        import tomllib

        resolved = tomllib.loads(text)
        assert resolved["learning"]["rate"] == 0.25
        assert resolved["network"]["kind"] == "watts_strogatz"
        assert "abandon" in resolved  # a table the file leaves out, filled in
    assert policysim.check(SMALL).count("[network]") == 1


def test_events_panel_and_eha(tmp_path):
    us = SCENARIOS / "us_states.toml"
    r = policysim.run(us, runs=6, seed=3, record="events", out=tmp_path / "events", no_charts=True)
    assert r.events.num_rows > 0
    assert r.events.schema.field("unit").type == pa.string()
    adoptions = r.events.filter(pa.compute.equal(r.events["event"], "adopt")).num_rows
    assert adoptions >= round(sum(r.runs.column("final_share").to_pylist()) * 50)
    cli("panel", tmp_path / "events", "--design", "unit-year", "--out", tmp_path / "cli-panel.csv")
    table = policysim.panel(r, design="unit-year", out=tmp_path / "py-panel.csv")
    assert (tmp_path / "py-panel.csv").read_bytes() == (tmp_path / "cli-panel.csv").read_bytes()
    assert table.equals(policysim.panel(tmp_path / "events", design="unit-year"))
    assert table.num_rows > 0 and "unit" in table.column_names
    toa = policysim.panel(r, design="toa")
    assert toa.column_names == ["run", "unit", "toa"]
    fitted = policysim.eha(tmp_path / "py-panel.csv")
    assert fitted.eha.num_rows > 0 and "eha" in fitted.data
    with pytest.raises(policysim.PolicysimError, match="not kept"):
        policysim.panel(policysim.run(us, runs=2, record="events"), design="toa")


def test_observed_panel(tmp_path):
    from conftest import OBSERVED

    table = policysim.panel(observed=OBSERVED, scenario=SCENARIOS / "us_states.toml",
                            policy="mothersaid", design="unit-year")
    cli("panel", "--observed", OBSERVED, "--scenario", SCENARIOS / "us_states.toml",
        "--policy", "mothersaid", "--design", "unit-year", "--out", tmp_path / "o.csv")
    assert table.equals(policysim.read_csv((tmp_path / "o.csv").read_bytes(), "unit-year"))


def test_command_and_help():
    assert "--keep-points" in policysim.help("sweep")
    assert "Usage: policysim" in policysim.help()
    assert policysim.command("check", SCENARIOS / "pilot.toml").startswith("# Resolved scenario")
    assert policysim.__version__ == cli("--version").stdout.split()[-1]
