"""Ctrl-C during a command: the runs stop, KeyboardInterrupt is raised, and what the
command line keeps on an interruption is kept (a sweep's finished points, resumable)."""

import _thread
import tempfile
import threading
import time
from pathlib import Path

import pytest

import policysim
from conftest import SCENARIOS

PILOT = SCENARIOS / "pilot.toml"
# long enough that an interruption lands during the work (12 points of 60 runs each)
SWEEP = dict(set={"learning.rate": (0.05, 0.6, 0.05)}, runs=60, steps=20, threads=1)


def interrupt_when(condition, timeout=60.0):
    """Calls _thread.interrupt_main() (a SIGINT for the main thread) once condition()
    holds; returns a flag set when it did."""
    sent = threading.Event()

    def watch():
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                _thread.interrupt_main()
                sent.set()
                return
            time.sleep(0.005)

    threading.Thread(target=watch, daemon=True).start()
    return sent


def finished_points(out: Path) -> int:
    points = out / "points"
    return len(list(points.glob("*/point.json"))) if points.is_dir() else 0


def test_an_interrupted_sweep_keeps_its_points_and_resumes(tmp_path):
    out = tmp_path / "sweep"
    sent = interrupt_when(lambda: finished_points(out) >= 2)
    with pytest.raises(KeyboardInterrupt, match="kept in") as info:
        policysim.sweep(PILOT, out=out, no_charts=True, **SWEEP)
    assert sent.is_set()
    assert "re-run the same command to resume" in str(info.value)
    kept = finished_points(out)
    assert 2 <= kept < 12, kept
    assert not (out / "sweep.csv").exists()
    resumed = policysim.sweep(PILOT, out=out, no_charts=True, **SWEEP)
    whole = policysim.sweep(PILOT, **SWEEP)
    assert resumed.sweep.num_rows == 12
    assert resumed.raw["sweep"] == whole.raw["sweep"]


def staging(folder: Path) -> bool:
    """Whether a results folder is being written in `folder` (its hidden staging folder)."""
    return any(p.name.startswith(".") for p in folder.iterdir())


def test_an_interrupted_run_writes_nothing(tmp_path):
    out = tmp_path / "run"
    sent = interrupt_when(lambda: staging(tmp_path))
    with pytest.raises(KeyboardInterrupt, match="interrupted"):
        policysim.run(PILOT, runs=100000, out=out, no_charts=True, threads=1)
    assert sent.is_set()
    assert not out.exists()
    assert not staging(tmp_path)  # the staging folder is removed
    # the next command runs as usual (the interruption does not stick)
    assert policysim.run(PILOT, runs=3).runs.num_rows == 3


def test_an_interruption_in_a_temporary_folder_leaves_nothing(monkeypatch):
    started = threading.Event()
    command = policysim._command

    def start(args):
        started.set()
        return command(args)

    def temporary():
        return {p.name for p in Path(tempfile.gettempdir()).glob("policysim-*")}

    before = temporary()
    monkeypatch.setattr(policysim, "_command", start)
    sent = interrupt_when(started.is_set)
    with pytest.raises(KeyboardInterrupt):
        policysim.run(PILOT, runs=100000, threads=1)
    assert sent.is_set()
    assert temporary() == before
