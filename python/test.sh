#!/usr/bin/env bash
# The Python package's tests: a fresh virtual environment, the packages the tests and the
# example use (from PyPI), `pip install ./python` (maturin builds the wheel), then pytest
# (python/tests, which compares with the command line built here) and the example
# examples/python/sweep_and_salib.py. Run from anywhere: bash python/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
py="$work/venv/bin/python"
"$py" -m pip install --quiet --upgrade pip
"$py" -m pip install --quiet maturin pytest pyarrow polars pandas matplotlib SALib jsonschema
# the command line whose files the tests compare with
cargo build --release --bin policysim
export POLICYSIM_BIN="$PWD/target/release/policysim"
# The README's Python section, as written: its ```sh commands (the first is
# `pip install ./python`) with `pip` and `python3` those of the venv, then its
# ```python blocks, from the top folder (tests/readme.rs skips them: they need the venv).
"$py" - "$work" <<'PY'
import pathlib, sys
text = pathlib.Path("README.md").read_text(encoding="utf-8")
section = text.split("\n## From Python\n", 1)[1].split("\n## ", 1)[0]
work = pathlib.Path(sys.argv[1])
sh, python, block, lang = [], [], [], None
for line in section.splitlines():
    if lang is None and line.strip() in ("```sh", "```python"):
        lang, block = line.strip()[3:], []
    elif lang is not None and line.strip() == "```":
        (sh if lang == "sh" else python).append("\n".join(block))
        lang = None
    elif lang is not None:
        block.append(line)
commands = [c.split("#")[0].strip() for b in sh for c in b.splitlines() if c.strip()]
assert commands and commands[0] == "pip install ./python", commands
(work / "readme.sh").write_text("set -euo pipefail\n" + "\n".join(commands) + "\n")
(work / "readme.py").write_text("\n\n".join(python))
PY
# the venv first on PATH: its `pip` and `python3`
PATH="$work/venv/bin:$PATH" bash "$work/readme.sh"
"$py" "$work/readme.py"
# from the top folder: `import policysim` is the installed package, not python/policysim
"$py" -c 'import policysim, sys; print("policysim", policysim.__version__, "from", policysim.__file__)'
# the closing line `python: N passed, N failed` is counted by .ci/run's total
set +e
"$py" -m pytest -q -p no:cacheprovider python/tests 2>&1 | tee "$work/pytest.log"
status=${PIPESTATUS[0]}
set -e
passed=$(grep -oE '[0-9]+ passed' "$work/pytest.log" | tail -1 | cut -d' ' -f1 || true)
failed=$(grep -oE '[0-9]+ (failed|error)' "$work/pytest.log" | tail -1 | cut -d' ' -f1 || true)
echo "python: ${passed:-0} passed, ${failed:-0} failed"
if [ "$status" != 0 ]; then
    exit "$status"
fi
"$py" examples/python/sweep_and_salib.py "$work/example"
test -s "$work/example/sweep_final_share.png"
echo "python: tests and example passed"
