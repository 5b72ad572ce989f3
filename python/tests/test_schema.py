"""The scenario schema (schema/scenario.schema.json, printed by `policysim schema`)
checked with an independent validator, Python's jsonschema (draft-07): every shipped
scenario is valid, and a misspelt key, a wrong type, an out-of-range value and an
unknown enum value are rejected at that key, as `policysim check` rejects them (exit
code 2), naming the same key."""

import json
import os
import tomllib
from pathlib import Path

import jsonschema
import pytest

from conftest import ROOT, cli

SCHEMA_FILE = ROOT / "schema" / "scenario.schema.json"


def validator():
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def shipped():
    """Every scenario file of the repository (hypotheses files of compare-mechanisms are
    not scenarios: they list them)."""
    files = [
        f
        for pattern in ("scenarios/*.toml", "scenarios/*/*.toml", "examples/*.toml", "benches/scenarios/*.toml")
        for f in sorted(ROOT.glob(pattern))
    ]
    return [f for f in files if "[[hypothesis]]" not in f.read_text(encoding="utf-8")]


def test_the_schema_is_what_the_command_prints():
    assert cli("schema").stdout == SCHEMA_FILE.read_text(encoding="utf-8")


def test_every_shipped_scenario_names_the_schema_and_is_valid_by_it():
    files = shipped()
    assert len(files) >= 20, files
    v = validator()
    for f in files:
        first = f.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("#:schema "), f"{f}: first line {first!r}"
        assert (f.parent / first.removeprefix("#:schema ")).resolve() == SCHEMA_FILE.resolve(), f
        doc = tomllib.loads(f.read_text(encoding="utf-8"))
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in v.iter_errors(doc)]
        assert not errors, f"{f}: {errors}"


# (what is wrong, the scenario's text after its name, the dotted key, the path of the
# schema's error, the schema's keyword that rejects it)
MISTAKES = [
    ("misspelt key", "[learning]\nrat = 0.3", "learning.rat", ["learning"], "additionalProperties"),
    ("wrong type", 'steps = "ten"', "steps", ["steps"], "type"),
    ("out of range", "[abandon]\nrate = 1.5", "abandon.rate", ["abandon", "rate"], "maximum"),
    ("unknown enum value", '[central]\nmode = "pilots"', "central.mode", ["central", "mode"], "oneOf"),
    ("unknown distribution", '[agents]\nlearning = { dist = "gamma", a = 1, b = 2 }', "agents.learning", ["agents", "learning"], "anyOf"),
    ("value not allowed here", '[central]\nmode = "uptake"\n[central.uptake]\npromotion = "expand"', "central.uptake.promotion", ["central", "uptake", "promotion"], "oneOf"),
    ("out of range in a list", "[shock]\nsteps = [1, 2]\nhazard = [0.1, 1.2]", "shock.hazard", ["shock", "hazard"], "anyOf"),
    ("out of range in a named table", '[network.layers.roads]\nweight = -1', "network.layers.roads.weight", ["network", "layers", "roads", "weight"], "minimum"),
    ("whole number below 1", "runs = 0", "runs", ["runs"], "minimum"),
    ("node column for a per-variant trait", '[network]\nnodes = "n.csv"\n[innovation]\nquality = { from = "x" }', "innovation.quality", ["innovation", "quality"], "anyOf"),
]


@pytest.mark.parametrize("what,text,key,path,keyword", MISTAKES, ids=[m[0] for m in MISTAKES])
def test_the_schema_and_check_reject_the_same_mistake_at_the_same_key(tmp_path, what, text, key, path, keyword):
    scenario = tmp_path / "mistake.toml"
    scenario.write_text(f'name = "mistake"\n{text}\n', encoding="utf-8")
    errors = list(validator().iter_errors(tomllib.loads(scenario.read_text(encoding="utf-8"))))
    assert [(list(e.absolute_path), e.validator) for e in errors] == [(path, keyword)], [e.message for e in errors]
    if keyword == "additionalProperties":
        assert f"'{key.split('.')[-1]}' was unexpected" in errors[0].message
    p = cli("check", scenario, check=False)
    assert p.returncode == 2, p.stderr
    assert f"`{key}`" in p.stderr, p.stderr


# values at the edge of their range: both accept
EDGES = [
    "[abandon]\nrate = 1.0",
    "[abandon]\nrate = 0",
    '[central]\nmode = "uptake"\n[central.uptake]\npromotion = "endorse"',
    "[learning]\nrecency_scale = 1e-9",
    "[shock]\nsteps = [1, 50]\nhazard = [0.0, 1.0]",
    '[agents]\nlearning = { dist = "beta", a = 0.001, b = 1e6 }\nfit = -1e6',
    "seed = 9223372036854775807",
]


@pytest.mark.parametrize("text", EDGES)
def test_the_schema_and_check_accept_values_at_the_edge(tmp_path, text):
    scenario = tmp_path / "edge.toml"
    scenario.write_text(f'name = "edge"\n{text}\n', encoding="utf-8")
    errors = [e.message for e in validator().iter_errors(tomllib.loads(scenario.read_text(encoding="utf-8")))]
    assert not errors
    p = cli("check", scenario, check=False)
    assert p.returncode == 0, p.stderr
