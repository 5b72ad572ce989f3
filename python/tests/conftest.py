"""Shared fixtures: the repository, the command line's binary, and a small scenario."""

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
OBSERVED = SCENARIOS / "data" / "spid_sample.csv"

# A small scenario (no data files): quick, and written as a file, text and a dict.
SMALL = {
    "name": "small",
    "steps": 15,
    "runs": 12,
    "seed": 5,
    "network": {"kind": "watts_strogatz", "n": 150, "k": 4, "beta": 0.1},
    "innovation": {"rate": 0.01},
    "learning": {"rate": 0.4},
}


def binary() -> Path:
    """The command line built from this tree (POLICYSIM_BIN, else target/release)."""
    path = Path(os.environ.get("POLICYSIM_BIN", ROOT / "target" / "release" / "policysim"))
    if not path.is_file():
        pytest.fail(f"{path}: the policysim binary is missing; run `cargo build --release` first")
    return path


def cli(*args, cwd=None, check=True):
    """Runs the command line; returns the completed process (stderr as text)."""
    p = subprocess.run(
        [str(binary()), *map(str, args)], cwd=cwd, capture_output=True, text=True
    )
    if check and p.returncode != 0:
        raise AssertionError(f"policysim {' '.join(map(str, args))}: {p.stderr}")
    return p


@pytest.fixture
def small_file(tmp_path):
    """SMALL written as a scenario file."""
    import policysim

    path = tmp_path / "small.toml"
    path.write_text(policysim.to_toml(SMALL), encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def in_tmp(tmp_path, monkeypatch):
    """Every test runs in its own folder (TOML text and dicts are written there)."""
    monkeypatch.chdir(tmp_path)
