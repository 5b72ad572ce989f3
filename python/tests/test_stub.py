"""The stub (policysim/__init__.pyi) names exactly the command line's options: each
function's keyword arguments are the flags of its command's --help, so names and
defaults live in one place (the command line) and an editor completes them."""

import ast
import re
from pathlib import Path

import pytest

import policysim

STUB = Path(policysim.__file__).with_name("__init__.pyi")
# the functions and their commands; the arguments that are not flags (positional)
COMMANDS = {
    "run": {"scenario"},
    "check": {"scenario"},
    "sweep": {"scenario"},
    "sensitivity": {"scenario"},
    "fit": {"scenario"},
    "forecast": {"scenario"},
    "panel": {"source"},
    "eha": {"panel"},
}


def stub_functions():
    tree = ast.parse(STUB.read_text(encoding="utf-8"))
    return {f.name: f for f in tree.body if isinstance(f, ast.FunctionDef)}


def flags(command):
    text = policysim.help(command)
    return {m.replace("-", "_") for m in re.findall(r"^\s+(?:-\w, )?--([a-z0-9-]+)", text, re.M)} - {"help"}


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_stub_names_the_command_lines_flags(name):
    function = stub_functions()[name]
    keywords = {a.arg for a in function.args.kwonlyargs}
    positional = {a.arg for a in function.args.args}
    assert positional == COMMANDS[name]
    assert keywords == flags(name), f"{name}: stub only {keywords - flags(name)}, help only {flags(name) - keywords}"
    assert ast.get_docstring(function), name


def test_every_public_function_has_a_stub_and_a_docstring():
    stubs = stub_functions()
    for name in policysim.__all__:
        value = getattr(policysim, name)
        if callable(value) and not isinstance(value, type):
            assert name in stubs, name
            assert value.__doc__, name


def test_options_left_at_none_take_the_command_lines_defaults(small_file):
    # every option of a stub defaults to None/False (or quiet=True): nothing passed
    for name, function in stub_functions().items():
        for arg, default in zip(function.args.kwonlyargs, function.args.kw_defaults):
            if default is None:
                continue  # required
            value = ast.literal_eval(default)
            assert value in (None, False) or (arg.arg == "quiet" and value is True), (name, arg.arg)
