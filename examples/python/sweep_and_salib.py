"""policysim from Python, notebook style: a sweep into polars and pandas frames, a
matplotlib chart, and the SALib round trip (SALib's problem -> policysim's runs ->
SALib's analysis) checked against `policysim sensitivity`, and a model function for the
EMA Workbench.

Run from the repository's top folder after `pip install ./python` (and
`pip install polars pandas matplotlib SALib`):

    python examples/python/sweep_and_salib.py [OUTPUT_FOLDER]

It writes sweep_final_share.png into OUTPUT_FOLDER (default: results/python) and
prints the Sobol' indices both ways. python/test.sh runs it in CI.
"""

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display: draw into files
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import polars as pl  # noqa: E402
from SALib.analyze import sobol  # noqa: E402
from SALib.sample import sobol as sobol_sample  # noqa: E402

import policysim  # noqa: E402

try:
    import tomllib  # Python 3.11+
except ModuleNotFoundError:  # Python 3.9, 3.10
    import tomli as tomllib

# The scenario as a dict (a notebook may build or edit one): examples/sensitivity.toml
# without its [sensitivity] table, whose five ranges the round trip below replaces.
SCENARIO = tomllib.loads(Path("examples/sensitivity.toml").read_text(encoding="utf-8"))
del SCENARIO["sensitivity"]
out = Path(sys.argv[1] if len(sys.argv) > 1 else "results/python")
out.mkdir(parents=True, exist_ok=True)

# 1. A sweep of one key into data frames: sweep.csv as an Arrow table, then polars
#    (zero copy) and pandas.
sweep = policysim.sweep(
    SCENARIO, set={"learning.rate": (0.0, 1.6, 0.2)}, runs=20, seed=1
)
frame = pl.from_arrow(sweep.sweep)
print(frame.select("learning.rate", "final_share_mean", "final_share_ci_low", "final_share_ci_high"))
pandas_frame = sweep.sweep.to_pandas()
assert len(pandas_frame) == frame.height == 9

# 2. A chart with matplotlib: the mean final share and its 95% interval per point.
fig, ax = plt.subplots(figsize=(6, 4))
ax.fill_between(
    frame["learning.rate"], frame["final_share_ci_low"], frame["final_share_ci_high"], alpha=0.3
)
ax.plot(frame["learning.rate"], frame["final_share_mean"], marker="o")
ax.set_xlabel("learning.rate")
ax.set_ylabel("final share adopted (mean of 20 runs)")
ax.set_title(f"{SCENARIO['name']}: final share by learning rate")
fig.tight_layout()
chart = out / "sweep_final_share.png"
fig.savefig(chart, dpi=100)
print(f"chart written to {chart}")

# 3. The SALib round trip. SALib defines the problem and draws the Saltelli design;
#    policysim runs every point (a zip sweep: point i takes row i of the design, all
#    points with the same seed, as `policysim sensitivity` runs them); SALib analyses.
problem = {
    "num_vars": 3,
    "names": ["innovation.rate", "learning.rate", "competition.rate"],
    "bounds": [[0.001, 0.01], [0.2, 1.6], [0.0, 0.8]],
}
N = 32
X = sobol_sample.sample(problem, N, calc_second_order=False, scramble=False)
points = policysim.sweep(
    SCENARIO,
    set={name: X[:, i].tolist() for i, name in enumerate(problem["names"])},
    mode="zip",
    runs=10,
    seed=1,
)
Y = points.sweep["final_share_mean"].to_numpy()
assert len(Y) == N * (problem["num_vars"] + 2)
salib = sobol.analyze(problem, Y, calc_second_order=False, seed=1)

# policysim's own analysis of the same ranges, N and runs
ranges = {name: tuple(b) for name, b in zip(problem["names"], problem["bounds"])}
own = policysim.sensitivity(SCENARIO, set=ranges, samples=N, runs=10, seed=1)
assert (own.design.select([f"{k}_unit" for k in problem["names"]]).to_pandas().to_numpy()
        == sobol_sample.sample({**problem, "bounds": [[0, 1]] * 3}, N,
                               calc_second_order=False, scramble=False)).all()
indices = own.sensitivity.to_pandas().pivot(index="parameter", columns="index", values="estimate")
print(f"{'parameter':18} {'S1 SALib':>9} {'S1 policysim':>12} {'ST SALib':>9} {'ST policysim':>12}")
for i, name in enumerate(problem["names"]):
    s1, st = indices.loc[name, "S1"], indices.loc[name, "ST"]
    print(f"{name:18} {salib['S1'][i]:9.4f} {s1:12.4f} {salib['ST'][i]:9.4f} {st:12.4f}")
    # the same design and the same runs: the same indices (to the 12 digits the CSV keeps)
    assert abs(salib["S1"][i] - s1) < 1e-6 and abs(salib["ST"][i] - st) < 1e-6, name
print("SALib's analysis of policysim's runs agrees with `policysim sensitivity`")


# 4. An EMA Workbench model function: keyword arguments (uncertainties and levers, named
#    without dots) in, a dict of outcomes out. With EMA Workbench installed:
#        from ema_workbench import Model, RealParameter, ScalarOutcome
#        model = Model("policysim", function=ema_model)
#        model.uncertainties = [RealParameter("learning_rate", 0.2, 1.6)]
#        model.levers = [RealParameter("central_recognition", 0.0, 1.0)]
#        model.outcomes = [ScalarOutcome("final_share"), ScalarOutcome("t50_rmst")]
def ema_model(learning_rate=0.8, central_recognition=0.0, runs=20, seed=1):
    """One experiment: the mean final share and the restricted mean time to half."""
    result = policysim.run(
        SCENARIO,
        set={"learning.rate": learning_rate, "central.recognition": central_recognition},
        runs=runs,
        seed=seed,
    )
    # restricted mean time to half: a run that never got there counts at the horizon
    horizon = result.summary["t50"]["censored_at"]
    t50 = [horizon if t is None else t for t in result.runs["t50"].to_pylist()]
    return {
        "final_share": result.summary["final_share"]["mean"],
        "t50_rmst": sum(t50) / len(t50),
    }


outcome = ema_model(learning_rate=1.2, central_recognition=0.5)
print(f"EMA Workbench model function: {outcome}")
assert 0.0 <= outcome["final_share"] <= 1.0 and outcome["t50_rmst"] > 0
