"""policysim from Python: the command line's commands, results as Arrow tables.

Every keyword argument is the flag of the same name (``keep_points`` is
``--keep-points``). An option left at ``None`` (or ``False``) is not passed, so the
command line's default applies: the defaults live in one place, the command line
(``policysim.help("sweep")`` prints them). ``tests/test_stub.py`` checks that these
signatures name exactly the command line's flags.

Values: ``set`` and ``free`` take a dict ``{key: value}`` (or a list of ``"KEY=VALUE"``
strings, the command line's syntax). A tuple is a range (``(0, 1)`` is ``0:1``,
``(0, 1, 0.25)`` is ``0:1:0.25``), a list a TOML array (a sweep's values), a dict a
TOML inline table (``{"dist": "beta", "a": 5, "b": 2}``), a string is passed as written.

A scenario is a path, TOML text, or a dict of its keys (nested dicts are tables); text
and dicts are written to a hidden file in the current folder for the duration of the
call (data files they name are found relative to the current folder) and errors
call that file ``<scenario>``.
"""

import os
from pathlib import Path
from typing import Any, Dict, List, Literal, Mapping, Optional, Sequence, Tuple, Union

import pyarrow

Scenario = Union[str, "os.PathLike[str]", Mapping[str, Any]]
PathLike = Union[str, "os.PathLike[str]"]
SetValue = Union[str, int, float, bool, Tuple[Any, ...], List[Any], Mapping[str, Any]]
Sets = Union[Mapping[str, SetValue], Sequence[str]]
Format = Union[str, Sequence[Literal["png", "svg", "pdf"]]]
Size = Union[str, Tuple[int, int]]

__version__: str

class PolicysimError(ValueError):
    """A command failed: the message is the command line's (file, line, key and what
    was expected); ``exit_code`` is the command line's exit code (2: bad input, 1:
    anything else)."""

    exit_code: int

class Results:
    """What one command wrote: every CSV file as a ``pyarrow.Table`` (``tables``, by
    file stem, also as attributes: ``results.runs``, ``results.curves``,
    ``results.hazard``, ``results.sweep``), every JSON file as a dict (``data``;
    ``results.summary`` is summary.json). ``pyarrow.Table.to_pandas()`` and
    ``polars.from_arrow(table)`` convert them."""

    out: Optional[Path]
    """The results folder when it was kept (``out=`` given), else None."""
    tables: Dict[str, pyarrow.Table]
    """Every CSV file written, read with names as text and empty cells as null."""
    data: Dict[str, Any]
    """Every JSON file written, by stem."""
    raw: Dict[str, bytes]
    """Every CSV file's bytes as written: the command line's for the same seed."""
    files: List[str]
    """The names of the files written at the top of the folder."""
    scenario: Optional[str]
    """The resolved scenario the command recorded (``scenario.toml``), if any."""
    @property
    def summary(self) -> Dict[str, Any]:
        """``summary.json`` (run): the figures of the ensemble."""
    runs: pyarrow.Table
    """runs.csv (run): one row per run: seed, final share, t10/t50/t90, channel shares."""
    curves: pyarrow.Table
    """curves.csv (run): mean, sd and quantiles of every series at every step."""
    hazard: pyarrow.Table
    """hazard.csv (run): adoption hazard by the number of adopted neighbours."""
    events: pyarrow.Table
    """events.csv (run with ``record="events"``): every adoption and abandonment."""
    def __getattr__(self, name: str) -> Any: ...

def run(
    scenario: Scenario,
    *,
    set: Optional[Sets] = None,
    runs: Optional[int] = None,
    seed: Optional[int] = None,
    steps: Optional[int] = None,
    out: Optional[PathLike] = None,
    threads: Optional[int] = None,
    force: bool = False,
    quiet: bool = True,
    observed: Optional[PathLike] = None,
    unit_column: Optional[str] = None,
    year_column: Optional[str] = None,
    policy: Optional[str] = None,
    start_year: Optional[int] = None,
    record: Union[None, Literal["events"], Sequence[Literal["events"]]] = None,
    precision: Optional[str] = None,
    max_runs: Optional[int] = None,
    no_charts: bool = False,
    format: Optional[Format] = None,
    lang: Optional[Literal["en", "zh"]] = None,
    size: Optional[Size] = None,
    title: Optional[str] = None,
    table_format: Optional[Literal["csv", "parquet", "both"]] = None,
) -> Results:
    """``policysim run``: the scenario's ensemble.

    Args:
        scenario: a path, TOML text, or a dict of the scenario's keys.
        set: overrides of dotted keys, ``{"central.recognition": 0.5}``, checked like the file.
        runs: number of runs (overrides ``runs``).
        seed: master seed (overrides ``seed``; 0 to 2^63-1).
        steps: number of steps (overrides ``steps``).
        out: results folder to write and keep (then charts are drawn unless
            ``no_charts``); None: a temporary folder, no charts.
        threads: worker threads (default: all cores); results do not depend on it.
        force: replace a folder holding results of another scenario.
        quiet: no progress bar or messages on stderr (False: the command line's messages).
        observed: start from observed adoptions (CSV of unit and adoption year).
        unit_column: column of the observed file holding the unit.
        year_column: column of the observed file holding the adoption year.
        policy: keep only the observed rows of this policy.
        start_year: start in this year with no adopters.
        record: ``"events"``: also write events.csv (``results.events``).
        precision: ``"METRIC=WIDTH"``, e.g. ``"final_share=0.005"``: runs in batches
            until the 95% interval of the metric's mean is that narrow (instead of ``runs``).
        max_runs: the cap on runs with ``precision`` (default 100000); not reached:
            PolicysimError with exit code 3, the results made kept in ``out``.
        no_charts: do not draw charts.
        format: chart formats, ``"png,svg"``, ``"pdf"`` or ``["png", "svg", "pdf"]``.
        lang: language of the charts, en or zh.
        size: PNG size, ``(1600, 1000)`` or ``"1600x1000"``.
        title: chart title in place of the scenario's description (e.g. a figure caption).
        table_format: ``"parquet"``: runs, curves, hazard and events as NAME.parquet
            instead of NAME.csv (read into the same tables); ``"both"``: both files.

    Returns:
        ``runs``, ``curves``, ``hazard`` (and ``map``, ``rounds``, ``centres``,
        ``events``, ``observed`` when the run writes them) as Arrow tables and
        ``summary`` as a dict.
    """

def check(scenario: Scenario, *, set: Optional[Sets] = None) -> str:
    """``policysim check``: the scenario with its overrides checked (network and data
    files too) and every default filled in, as TOML text (``tomllib.loads`` reads it).
    Raises PolicysimError naming the file, line and key of what is wrong."""

def sweep(
    scenario: Scenario,
    *,
    set: Optional[Sets] = None,
    mode: Optional[Literal["grid", "zip"]] = None,
    runs: Optional[int] = None,
    seed: Optional[int] = None,
    steps: Optional[int] = None,
    out: Optional[PathLike] = None,
    threads: Optional[int] = None,
    shard: Optional[str] = None,
    independent: bool = False,
    baseline: Optional[str] = None,
    precision: Optional[str] = None,
    max_runs: Optional[int] = None,
    keep_points: bool = False,
    record: Union[None, Literal["events"], Sequence[Literal["events"]]] = None,
    force: bool = False,
    quiet: bool = True,
    observed: Optional[PathLike] = None,
    unit_column: Optional[str] = None,
    year_column: Optional[str] = None,
    policy: Optional[str] = None,
    start_year: Optional[int] = None,
    metric: Optional[str] = None,
    no_charts: bool = False,
    format: Optional[Format] = None,
    lang: Optional[Literal["en", "zh"]] = None,
    size: Optional[Size] = None,
    title: Optional[str] = None,
    table_format: Optional[Literal["csv", "parquet", "both"]] = None,
) -> Results:
    """``policysim sweep``: one ensemble per point; ``results.sweep`` is sweep.csv
    (one row per point: the swept keys, then each metric's mean and interval).

    Args:
        scenario: a path, TOML text or dict, optionally with a ``[sweep]`` table.
        set: swept keys: ``{"learning.rate": [0.1, 0.3]}`` (values),
            ``{"central.recognition": (0, 1, 0.25)}`` (from:to:step) or the command
            line's text ``"0:1:0.25"``; replaces the file's values of the key.
        mode: how keys combine: grid (all combinations) or zip (paired lists).
        runs: runs per point. seed: master seed. steps: number of steps.
        out: folder to write and keep (re-running resumes; an interrupted sweep keeps
            its finished points there); None: a temporary folder, no charts.
        threads: worker threads.
        shard: run only shard ``"i/n"`` of the points.
        independent: each point with its own seed instead of common random numbers.
        baseline: compare every point of a one-key sweep with the point ``"KEY=VALUE"``
            (``""``: the first value).
        precision: with ``baseline``, ``"METRIC=WIDTH"`` (e.g. ``"t50=0.1"``): paired runs
            in batches until every point's 95% interval of the difference is that narrow.
        max_runs: the cap on runs per point with ``precision``.
        keep_points: keep each point's curves.csv and runs.csv under points/.
        record: ``"events"``: also write each point's events.csv under points/.
        force: discard the results of a different sweep in ``out``.
        quiet: no progress bar or messages on stderr.
        observed, unit_column, year_column, policy, start_year: compare every point
            with observed adoptions (sweep.csv gets observed_rmse).
        metric: the figure of sweep.csv to chart.
        no_charts, format, lang, size, title: the chart, as for :func:`run`.
        no_charts, format, lang, size: the chart, as for :func:`run`.
        table_format: ``"parquet"`` (or ``"both"``): also sweep.parquet and, with kept
            points, one runs/curves/events.parquet of all the points (column ``point``).
    """

def sensitivity(
    scenario: Scenario,
    *,
    set: Optional[Sets] = None,
    method: Optional[Literal["sobol", "morris"]] = None,
    samples: Optional[int] = None,
    trajectories: Optional[int] = None,
    levels: Optional[int] = None,
    resamples: Optional[int] = None,
    metric: Optional[str] = None,
    runs: Optional[int] = None,
    seed: Optional[int] = None,
    steps: Optional[int] = None,
    out: Optional[PathLike] = None,
    threads: Optional[int] = None,
    shard: Optional[str] = None,
    analyse: Optional[PathLike] = None,
    force: bool = False,
    quiet: bool = True,
    no_charts: bool = False,
    format: Optional[Format] = None,
    lang: Optional[Literal["en", "zh"]] = None,
    size: Optional[Size] = None,
    title: Optional[str] = None,
    table_format: Optional[Literal["csv", "parquet", "both"]] = None,
) -> Results:
    """``policysim sensitivity``: Sobol' indices or Morris effects of parameter ranges
    on one metric; ``results.sensitivity`` is the table of indices with their 95%
    intervals, ``results.sweep`` the design's points.

    Args:
        scenario: a path, TOML text or dict with a ``[sensitivity]`` (or ``[sweep]``) table.
        set: parameters and ranges, ``{"learning.rate": (0.1, 0.9)}`` (``KEY=LOW:HIGH``).
        method: sobol (first-order and total indices) or morris (elementary effects).
        samples: Sobol: base samples N (a power of two).
        trajectories: Morris: trajectories r. levels: Morris: grid levels p (even).
        resamples: bootstrap resamples of the 95% intervals.
        metric: the figure analysed (final_share, t50, ...).
        runs, seed, steps, threads: as for :func:`sweep`.
        out: folder to write and keep (resumable); None: a temporary folder, no charts.
        shard: run only shard ``"i/n"`` of the design's points.
        analyse: compute no point: analyse the finished design in this folder.
        force: discard the results of a different design in ``out``.
        quiet, no_charts, format, lang, size, title: as for :func:`run`.
        quiet, no_charts, format, lang, size: as for :func:`run`.
        table_format: ``"parquet"`` (or ``"both"``): also design.parquet,
            sensitivity.parquet and sweep.parquet beside the CSV tables.
    """

def fit(
    scenario: Scenario,
    *,
    observed: PathLike,
    free: Sets,
    unit_column: Optional[str] = None,
    year_column: Optional[str] = None,
    policy: Optional[str] = None,
    start_year: Optional[int] = None,
    all_policies: bool = False,
    runs: Optional[int] = None,
    budget: Optional[int] = None,
    max_evaluations: Optional[int] = None,
    objective: Optional[Literal["curve", "curve+hazard", "log-score"]] = None,
    out: Optional[PathLike] = None,
    force: bool = False,
    seed: Optional[int] = None,
    threads: Optional[int] = None,
    quiet: bool = True,
    no_charts: bool = False,
    format: Optional[Format] = None,
    lang: Optional[Literal["en", "zh"]] = None,
    size: Optional[Size] = None,
    title: Optional[str] = None,
) -> Results:
    """``policysim fit``: calibrate free keys to observed adoptions (with a Bass-curve
    reference fit); ``results.fit`` is fit.json, ``results.evaluations`` every
    evaluation.

    Args:
        observed: observed adoptions (CSV of unit and adoption year).
        free: the free keys and their search ranges, ``{"learning.rate": (0, 2)}``.
        unit_column, year_column, policy, start_year: how to read ``observed``.
        all_policies: fit the free keys, shared, to every policy of the file.
        runs: runs per evaluation. budget: number of evaluations.
        max_evaluations: the cap on evaluations, the ABC phase's extra batches included
            (default twice ``budget``).
        objective: curve (cumulative share), curve+hazard, or log-score (who adopts each year).
        out, force, seed, threads, quiet, no_charts, format, lang, size, title: as for :func:`run`.
    """

def forecast(
    scenario: Scenario,
    *,
    observed: PathLike,
    horizon: int,
    train_until: Optional[int] = None,
    evaluate_all: bool = False,
    train_share: Optional[Union[str, float]] = None,
    unit_column: Optional[str] = None,
    year_column: Optional[str] = None,
    policy: Optional[str] = None,
    start_year: Optional[int] = None,
    free: Optional[Sets] = None,
    runs: Optional[int] = None,
    budget: Optional[int] = None,
    out: Optional[PathLike] = None,
    seed: Optional[int] = None,
    threads: Optional[int] = None,
    quiet: bool = True,
    no_charts: bool = False,
    format: Optional[Format] = None,
    lang: Optional[Literal["en", "zh"]] = None,
    size: Optional[Size] = None,
    title: Optional[str] = None,
) -> Results:
    """``policysim forecast``: fit on the years up to ``train_until``, simulate on, and
    score who adopts next against an event-history logit and a Bass curve;
    ``results.forecast`` is forecast.csv.

    Args:
        observed: observed adoptions (CSV of unit and adoption year).
        horizon: years forecast after the training years.
        train_until: the last training year (or give ``evaluate_all``).
        evaluate_all: forecast every policy of the file, each split by ``train_share``.
        train_share: with ``evaluate_all``: the share of eventual adopters trained on (``"1/3"``, 0.25).
        free: keys fitted on the training years, ``{"learning.rate": (0, 3)}``.
        runs: runs per fit evaluation and of the forecast. budget: fit evaluations.
        unit_column, year_column, policy, start_year: how to read ``observed``.
        out, seed, threads, quiet, no_charts, format, lang, size, title: as for :func:`run`.
    """

def panel(
    source: Union[None, PathLike, Results] = None,
    *,
    design: Literal["unit-year", "dyad-year", "cascades", "toa"],
    out: Optional[PathLike] = None,
    observed: Optional[PathLike] = None,
    scenario: Optional[Scenario] = None,
    unit_column: Optional[str] = None,
    year_column: Optional[str] = None,
    policy: Optional[str] = None,
    start_year: Optional[int] = None,
    max_rows: Optional[int] = None,
    table_format: Optional[Literal["csv", "parquet", "both"]] = None,
) -> pyarrow.Table:
    """``policysim panel``: a data design of diffusion studies as a table.

    Args:
        source: a results folder written with ``record="events"``, or the kept
            :class:`Results` of ``run(..., out=..., record="events")``.
        design: unit-year, dyad-year, cascades (NetworkInference) or toa (netdiffuseR).
        out: the CSV file to write and keep; None: a temporary file.
        observed: observed adoptions instead of a results folder (with ``scenario``).
        scenario: with ``observed``: the scenario whose network the units are matched to.
        unit_column, year_column, policy, start_year: how to read ``observed``.
        max_rows: the most rows a dyad-year panel may have (default 50 million),
            checked against its bound before anything is written.
        table_format: ``"parquet"``: write ``out`` with ``.parquet`` (the table is read
            from it); ``"both"``: the CSV and the Parquet file.
    """

def eha(
    panel: PathLike,
    *,
    covariate: Union[None, str, Sequence[str]] = None,
    by_run: bool = False,
    out: Optional[PathLike] = None,
    table_format: Optional[Literal["csv", "parquet", "both"]] = None,
) -> Results:
    """``policysim eha``: the discrete-time event-history logit (cubic duration,
    unit-clustered standard errors) fitted to a panel file of :func:`panel`;
    ``results.eha`` is the table of coefficients.

    Args:
        panel: a unit-year or dyad-year panel file (written by :func:`panel` with ``out=``).
        covariate: the covariates (columns of the panel); None: the design's defaults.
        by_run: also fit every run on its own (``results.eha_by_run``), and say in
            eha.json how often each term is significant at 5%.
        out: folder for eha.csv and eha.json to keep; None: a temporary folder.
        table_format: ``"parquet"``: eha.parquet (and eha_by_run.parquet) instead of
            the CSV files; ``"both"``: both.
    """

def read_csv(raw: bytes, stem: str = "") -> pyarrow.Table:
    """A CSV file of policysim (its bytes) as a table, read as :class:`Results` reads them."""

def to_toml(table: Mapping[str, Any]) -> str:
    """A scenario given as a dict, as TOML text (nested dicts become tables)."""

def command(*args: Union[str, "os.PathLike[str]", int, float]) -> str:
    """Runs ``policysim ARGS...`` as given and returns its standard output."""

def help(name: str = "") -> str:
    """The command line's help of a command: every option, its default and meaning."""
