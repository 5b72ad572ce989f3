"""policysim from Python: the command line's commands, results as Arrow tables.

Every function runs the command of the same name (``policysim run``, ``check``,
``sweep``, ``sensitivity``, ``fit``, ``forecast``, ``panel``, ``eha``) inside this
process: keyword arguments are its flags (``keep_points=True`` is ``--keep-points``,
``set={"learning.rate": 0.5}`` is ``--set learning.rate=0.5``), parsed, defaulted and
checked by the command line's own code, so names, defaults and error messages are the
command line's. The command writes its files (into ``out`` when given, else a
temporary folder, removed afterwards); every CSV it writes is read into a
``pyarrow.Table`` and every JSON file into a dict. The CSV bytes are those the command
line writes for the same scenario and seed (kept in ``Results.raw``).

Runs use the Rust thread pool (``threads=``) without holding the GIL. Ctrl-C (or
``_thread.interrupt_main()``) stops the runs between two runs and raises
``KeyboardInterrupt``; what the command line keeps on an interruption (a sweep's
finished points in ``out``) is kept. Errors raise :class:`PolicysimError`, a
``ValueError`` whose message is the command line's (file, line, key, what was
expected) and whose ``exit_code`` is its exit code.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import re
import tempfile
from pathlib import Path
from typing import Any, Dict, List, Optional

from policysim._policysim import VERSION, PolicysimError
from policysim._policysim import command as _command

__version__ = VERSION

__all__ = [
    "PolicysimError",
    "Results",
    "run",
    "check",
    "sweep",
    "sensitivity",
    "fit",
    "forecast",
    "panel",
    "eha",
    "command",
    "help",
    "to_toml",
    "read_csv",
]

# Columns read as text whatever their cells look like (a unit named "01" stays "01").
_TEXT_COLUMNS = {
    "unit", "name", "label", "region", "level", "node_name", "policy", "series",
    "event", "channel", "key", "metric", "parameter", "source_unit", "target_unit",
}
# Columns read as text in one table only (elsewhere they are node indices).
_TEXT_COLUMNS_OF = {"events": {"source"}, "dyad-year": {"source", "target"}}
# Marks a scenario given as text or a dict: written to a hidden file for the command.
_SCENARIO_PREFIX = ".policysim-scenario-"


class Results:
    """What one command wrote: its CSV files (or, with ``table_format="parquet"``, its
    Parquet files) as Arrow tables, its JSON files as dicts.

    ``results.runs`` is the table of ``runs.csv``, ``results.summary`` the dict of
    ``summary.json`` (any file's stem works: ``results.tables["sweep"]``,
    ``results.data["sensitivity"]``). ``raw`` holds each CSV file's bytes exactly as
    written, ``out`` the folder when it was kept (``out=`` given), else None.
    """

    def __init__(self, folder: Path, kept: bool) -> None:
        self.out: Optional[Path] = folder if kept else None
        self.tables: Dict[str, Any] = {}
        self.data: Dict[str, Any] = {}
        self.raw: Dict[str, bytes] = {}
        self.files: List[str] = []
        self.scenario: Optional[str] = None
        for path in sorted(folder.iterdir()) if folder.is_dir() else []:
            if not path.is_file():
                continue
            self.files.append(path.name)
            if path.suffix == ".csv":
                raw = path.read_bytes()
                self.raw[path.stem] = raw
                self.tables[path.stem] = read_csv(raw, path.stem)
            elif path.suffix == ".parquet" and path.stem not in self.tables:
                # written with table_format="parquet" (with "both", the CSV is read:
                # NAME.csv sorts before NAME.parquet)
                import pyarrow.parquet as pq

                self.tables[path.stem] = pq.read_table(path)
            elif path.suffix == ".json":
                self.data[path.stem] = json.loads(path.read_text(encoding="utf-8"))
            elif path.name == "scenario.toml":
                self.scenario = path.read_text(encoding="utf-8")

    @property
    def summary(self) -> Dict[str, Any]:
        """``summary.json`` as a dict (empty when the command wrote none)."""
        return self.data.get("summary", {})

    def __getattr__(self, name: str) -> Any:
        tables = self.__dict__.get("tables", {})
        data = self.__dict__.get("data", {})
        for key in (name, name.replace("_", "-")):
            if key in tables:
                return tables[key]
            if key in data:
                return data[key]
        raise AttributeError(
            f"no table or JSON file named {name!r}; this command wrote: {', '.join(self.files)}"
        )

    def __dir__(self) -> List[str]:
        names = [n.replace("-", "_") for n in [*self.tables, *self.data]]
        return sorted(set(list(super().__dir__()) + names))

    def __repr__(self) -> str:
        parts = [f"{k}: {t.num_rows}x{t.num_columns}" for k, t in self.tables.items()]
        parts += [f"{k}.json" for k in self.data]
        where = f" in {self.out}" if self.out is not None else ""
        return f"<policysim.Results{where}: {', '.join(parts)}>"


def read_csv(raw: bytes, stem: str = "") -> Any:
    """A CSV file of policysim (its bytes) as a ``pyarrow.Table``.

    Numbers are read as int64 or float64 as pyarrow infers them, names and labels as
    text (``_TEXT_COLUMNS``), and an empty cell as null (a run that never reached 50%
    has a null ``t50``).
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    header = raw.split(b"\n", 1)[0].decode("utf-8").strip("\r").lstrip("\ufeff")
    text = _TEXT_COLUMNS | _TEXT_COLUMNS_OF.get(stem, set())
    types = {c: pa.string() for c in header.split(",") if c in text}
    return pacsv.read_csv(
        io.BytesIO(raw),
        convert_options=pacsv.ConvertOptions(column_types=types, strings_can_be_null=True),
    )


def to_toml(table: Dict[str, Any]) -> str:
    """A scenario given as a dict, as TOML text (nested dicts become tables)."""
    return _toml_table(table, ())


def _toml_table(table: Dict[str, Any], prefix: tuple) -> str:
    lines = []
    subtables = []
    for key, value in table.items():
        if isinstance(value, dict):
            subtables.append((key, value))
        else:
            lines.append(f"{_toml_key(key)} = {_toml_value(value)}")
    text = "".join(line + "\n" for line in lines)
    for key, value in subtables:
        path = prefix + (key,)
        text += f"\n[{'.'.join(_toml_key(k) for k in path)}]\n" + _toml_table(value, path)
    return text


def _toml_key(key: Any) -> str:
    key = str(key)
    if key and all(c.isalnum() or c in "-_" for c in key) and key.isascii():
        return key
    return json.dumps(key, ensure_ascii=False)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, os.PathLike):
        return json.dumps(os.fspath(value), ensure_ascii=False)
    if isinstance(value, dict):
        inner = ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {value!r} ({type(value).__name__}) as a TOML value")


def _option_value(value: Any) -> str:
    """A value of ``set=``/``free=``: a tuple is a range (``(0, 1)`` is ``0:1``,
    ``(0, 1, 0.25)`` is ``0:1:0.25``), a list a TOML array (a sweep's values), text is
    passed as written (the command line's syntax), anything else a TOML value."""
    if isinstance(value, str):
        return value
    if isinstance(value, tuple):
        return ":".join(_toml_value(v) for v in value)
    return _toml_value(value)


def _flag_value(name: str, value: Any) -> str:
    if name == "size" and isinstance(value, (tuple, list)):
        return "x".join(str(v) for v in value)
    if name == "format" and isinstance(value, (tuple, list)):
        return ",".join(str(v) for v in value)
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _flags(options: Dict[str, Any]) -> List[str]:
    """Keyword arguments as the command line's flags (None and False: left out), as
    ``--flag=value`` so that a value may start with ``-``."""
    args: List[str] = []
    for name, value in options.items():
        flag = "--" + name.replace("_", "-")
        if value is None or value is False:
            continue
        if value is True:
            args.append(flag)
        elif name in ("set", "free") and isinstance(value, dict):
            for key, v in value.items():
                args.append(f"{flag}={key}={_option_value(v)}")
        elif isinstance(value, (list, tuple)) and name not in ("size", "format"):
            for v in value:
                args.append(f"{flag}={_flag_value(name, v)}")
        else:
            args.append(f"{flag}={_flag_value(name, value)}")
    return args


def _scenario_file(scenario: Any, stack: contextlib.ExitStack) -> str:
    """The file to give the command: a path as it is; TOML text or a dict written to a
    hidden file in the current folder (so that the data files it names are found
    relative to it, as a notebook expects), removed afterwards."""
    if isinstance(scenario, os.PathLike):
        return os.fspath(scenario)
    if isinstance(scenario, dict):
        text = to_toml(scenario)
    elif isinstance(scenario, str):
        if "\n" not in scenario and "=" not in scenario:
            return scenario
        text = scenario
    else:
        raise TypeError(
            f"scenario: expected a path, TOML text or a dict, not {type(scenario).__name__}"
        )
    try:
        fd, path = tempfile.mkstemp(prefix=_SCENARIO_PREFIX, suffix=".toml", dir=os.getcwd())
    except OSError:
        fd, path = tempfile.mkstemp(prefix=_SCENARIO_PREFIX, suffix=".toml")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    stack.callback(_remove, path)
    return os.path.relpath(path) if os.path.dirname(path) == os.getcwd() else path


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.remove(path)


def _error(message: str, exit_code: int = 2) -> PolicysimError:
    e = PolicysimError(message)
    e.exit_code = exit_code  # type: ignore[attr-defined]
    return e


def _call(args: List[str], scenario_files: List[str]) -> str:
    """Runs the command; in its errors a temporary scenario file's name reads
    ``<scenario>`` and an unknown flag is named as the keyword argument it came from."""
    try:
        return _command(args)
    except (PolicysimError, KeyboardInterrupt) as e:
        message = str(e)
        renamed = message
        for path in scenario_files:
            renamed = renamed.replace(path, "<scenario>")
        unknown = re.match(r"unexpected argument '--([\w-]+)' found", renamed)
        if unknown:
            flag = unknown.group(1)
            renamed = (
                f"{args[0]}(): unexpected keyword argument {flag.replace('-', '_')!r} "
                f"(`policysim {args[0]}` has no --{flag}; policysim.help({args[0]!r}) lists its options)"
            )
        if renamed == message:
            raise
        if isinstance(e, PolicysimError):
            raise _error(renamed, getattr(e, "exit_code", 2)) from None
        raise type(e)(renamed) from None


def _study(
    name: str, scenario: Any, out: Any, options: Dict[str, Any], charts: bool = True
) -> Results:
    """Runs a command that writes a results folder and reads the folder (``charts``:
    the command has ``--no-charts``)."""
    with contextlib.ExitStack() as stack:
        files = []
        args = [name]
        if scenario is not None:
            file = _scenario_file(scenario, stack)
            if os.path.basename(file).startswith(_SCENARIO_PREFIX):
                files.append(file)
            args.append(file)
        options = dict(options)
        if out is None:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="policysim-"))) / name
            # charts in a folder about to be removed would be drawn for nothing
            if charts:
                options.setdefault("no_charts", True)
        else:
            folder = Path(out)
        args += _flags({**options, "out": folder})
        _call(args, files)
        return Results(folder, kept=out is not None)


def run(scenario: Any, *, out: Any = None, quiet: bool = True, **options: Any) -> Results:
    """``policysim run``: one scenario's ensemble (see the stub for the options)."""
    return _study("run", scenario, out, {"quiet": quiet, **options})


def check(scenario: Any, *, set: Any = None) -> str:
    """``policysim check``: the scenario with every default filled in, as TOML text."""
    with contextlib.ExitStack() as stack:
        file = _scenario_file(scenario, stack)
        files = [file] if os.path.basename(file).startswith(_SCENARIO_PREFIX) else []
        return _call(["check", file, *_flags({"set": set})], files)


def sweep(scenario: Any, *, out: Any = None, quiet: bool = True, **options: Any) -> Results:
    """``policysim sweep``: one ensemble per point; ``results.sweep`` is sweep.csv."""
    return _study("sweep", scenario, out, {"quiet": quiet, **options})


def sensitivity(scenario: Any, *, out: Any = None, quiet: bool = True, **options: Any) -> Results:
    """``policysim sensitivity``: Sobol' indices or Morris effects of parameter ranges."""
    return _study("sensitivity", scenario, out, {"quiet": quiet, **options})


def fit(scenario: Any, *, out: Any = None, quiet: bool = True, **options: Any) -> Results:
    """``policysim fit``: calibrate free keys to observed adoptions."""
    return _study("fit", scenario, out, {"quiet": quiet, **options})


def forecast(scenario: Any, *, out: Any = None, quiet: bool = True, **options: Any) -> Results:
    """``policysim forecast``: who adopts next, scored out of sample."""
    return _study("forecast", scenario, out, {"quiet": quiet, **options})


def panel(source: Any = None, *, design: str, out: Any = None, **options: Any) -> Any:
    """``policysim panel``: a data design (unit-year, dyad-year, cascades, toa) as a table.

    ``source`` is a results folder written with ``record="events"`` (a path, or the
    :class:`Results` of ``run(..., out=..., record="events")``); or give ``observed=``
    and ``scenario=`` instead.
    """
    if isinstance(source, Results):
        if source.out is None:
            raise _error('panel: these results were not kept; run with out=FOLDER and record="events"')
        source = source.out
    with contextlib.ExitStack() as stack:
        files = []
        if options.get("scenario") is not None:
            options["scenario"] = _scenario_file(options["scenario"], stack)
            if os.path.basename(options["scenario"]).startswith(_SCENARIO_PREFIX):
                files.append(options["scenario"])
        if out is None:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="policysim-")))
            file = folder / f"{design}.csv"
        else:
            file = Path(out)
        args = ["panel"] + ([os.fspath(source)] if source is not None else [])
        _call(args + _flags({"design": design, **options, "out": file}), files)
        if options.get("table_format") == "parquet":
            # the command wrote FILE.parquet for FILE.csv (or FILE.parquet as given)
            import pyarrow.parquet as pq

            name = file.with_suffix(".parquet") if file.suffix == ".csv" else Path(f"{file}.parquet")
            return pq.read_table(file if file.suffix == ".parquet" else name)
        return read_csv(file.read_bytes(), design)


def eha(panel: Any, *, out: Any = None, **options: Any) -> Results:
    """``policysim eha``: the event-history logit fitted to a panel file."""
    return _study("eha", panel, out, options, charts=False)


def command(*args: Any) -> str:
    """Runs ``policysim ARGS...`` as given (strings, paths) and returns its standard
    output (``check``'s TOML, ``--help``'s text; other commands write files)."""
    return _command([os.fspath(a) if isinstance(a, os.PathLike) else str(a) for a in args])


def help(name: str = "") -> str:  # noqa: A001 - the command line's word
    """The command line's help of a command (``help("sweep")``): every option, its
    default and what it does, the words the keyword arguments take."""
    return _command([name, "--help"] if name else ["--help"])
