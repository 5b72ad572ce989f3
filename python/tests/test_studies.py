"""policysim.sweep, sensitivity, fit and forecast: the command line's files, as tables."""

import pyarrow.csv as pacsv

import policysim
from conftest import OBSERVED, SCENARIOS, cli


def test_sweep_equals_the_command_lines(small_file, tmp_path):
    cli("sweep", small_file, "--set", "learning.rate=0.1,0.3,0.5", "--set", "innovation.rate=0:0.02:0.01",
        "--runs", 6, "--out", tmp_path / "cli", "-q", "--no-charts")
    r = policysim.sweep(small_file, set={"learning.rate": [0.1, 0.3, 0.5], "innovation.rate": (0, 0.02, 0.01)}, runs=6)
    assert r.raw["sweep"] == (tmp_path / "cli" / "sweep.csv").read_bytes()
    assert r.sweep.num_rows == 9  # a grid of 3 x 3 points
    assert r.sweep.column("learning.rate").to_pylist()[:3] == [0.1, 0.1, 0.1]
    assert r.sweep.equals(pacsv.read_csv(tmp_path / "cli" / "sweep.csv"))
    zipped = policysim.sweep(small_file, set={"learning.rate": [0.1, 0.5], "innovation.rate": [0.0, 0.02]},
                             mode="zip", runs=6)
    assert zipped.sweep.num_rows == 2
    assert r.data["sweep"]["mode"] == "grid" and zipped.data["sweep"]["mode"] == "zip"


def test_sweep_keeps_its_folder_and_points(small_file, tmp_path):
    r = policysim.sweep(small_file, set={"learning.rate": [0.2, 0.4]}, runs=4, keep_points=True,
                        out=tmp_path / "kept", no_charts=True)
    assert r.out == tmp_path / "kept"
    assert (tmp_path / "kept" / "points" / "1" / "runs.csv").is_file()
    again = policysim.sweep(small_file, set={"learning.rate": [0.2, 0.4]}, runs=4, keep_points=True,
                            out=tmp_path / "kept", no_charts=True)
    assert again.raw["sweep"] == r.raw["sweep"]  # resumed: the same points, verified


def test_sensitivity_equals_the_command_lines(tmp_path):
    args = dict(set={"learning.rate": (0.1, 0.9), "central.pilot.sites": (5, 40)}, samples=8, runs=6, resamples=50)
    r = policysim.sensitivity(SCENARIOS / "pilot.toml", **args)
    cli("sensitivity", SCENARIOS / "pilot.toml", "--set", "learning.rate=0.1:0.9", "--set", "central.pilot.sites=5:40",
        "--samples", 8, "--runs", 6, "--resamples", 50, "--out", tmp_path / "cli", "-q", "--no-charts")
    assert r.raw["sensitivity"] == (tmp_path / "cli" / "sensitivity.csv").read_bytes()
    assert set(r.sensitivity.column("parameter").to_pylist()) == {"learning.rate", "central.pilot.sites"}
    assert set(r.sensitivity.column("index").to_pylist()) >= {"S1", "ST"}
    assert r.sweep.num_rows == 8 * (2 + 2)  # N (k + 2) points
    morris = policysim.sensitivity(SCENARIOS / "pilot.toml", method="morris", trajectories=3,
                                   set={"learning.rate": (0.1, 0.9)}, runs=4)
    assert morris.sensitivity.num_rows > 0


def test_fit_equals_the_command_lines(tmp_path):
    us = SCENARIOS / "us_states.toml"
    r = policysim.fit(us, observed=OBSERVED, policy="mothersaid", free={"learning.rate": (0, 2)},
                      runs=8, budget=12, seed=4)
    cli("fit", us, "--observed", OBSERVED, "--policy", "mothersaid", "--free", "learning.rate=0:2",
        "--runs", 8, "--budget", 12, "--seed", 4, "--out", tmp_path / "cli", "-q", "--no-charts")
    assert r.raw["evaluations"] == (tmp_path / "cli" / "evaluations.csv").read_bytes()
    assert r.raw["fit"] == (tmp_path / "cli" / "fit.csv").read_bytes()
    # the budget, then ABC batches while fewer than 50 are accepted (at most twice the budget)
    assert 12 <= r.evaluations.num_rows == r.data["fit"]["evaluations"] <= 24
    assert 0 <= r.data["fit"]["best"]["learning.rate"] <= 2


def test_forecast_equals_the_command_lines(tmp_path):
    us = SCENARIOS / "us_states.toml"
    r = policysim.forecast(us, observed=OBSERVED, policy="mothersaid", train_until=1917, horizon=3, runs=20, seed=2)
    cli("forecast", us, "--observed", OBSERVED, "--policy", "mothersaid", "--train-until", 1917, "--horizon", 3,
        "--runs", 20, "--seed", 2, "--out", tmp_path / "cli", "-q", "--no-charts")
    assert r.raw["forecast"] == (tmp_path / "cli" / "forecast.csv").read_bytes()
    assert r.forecast.num_rows > 0 and "forecast" in r.data
