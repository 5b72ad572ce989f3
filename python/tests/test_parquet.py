"""--table-format / table_format=: the Parquet files the command line writes, read back
with pyarrow, hold the table of the CSV written beside them (``both``): the same column
names, the same values, an empty cell as a null; and the Python package reads them."""

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from conftest import SCENARIOS, SMALL, cli

RUN_TABLES = ["runs", "curves", "hazard", "events"]


def csv_cells(path):
    """The CSV file as (column names, rows of cells as written)."""
    header = path.read_text(encoding="utf-8").split("\n", 1)[0].split(",")
    table = pacsv.read_csv(
        path,
        convert_options=pacsv.ConvertOptions(
            column_types={c: pa.string() for c in header}, strings_can_be_null=False
        ),
    )
    return table.column_names, [list(r.values()) for r in table.to_pylist()]


def same(value, cell):
    if value is None:
        return cell == ""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return cell != "" and int(cell) == value
    if isinstance(value, float):
        return cell != "" and float(cell) == value
    return value == cell


def assert_same_table(parquet_path, csv_path, key_columns=0):
    """The Parquet file holds the CSV's table (after its first key_columns); returns
    the number of null cells."""
    names, rows = csv_cells(csv_path)
    table = pq.read_table(parquet_path)
    assert table.column_names[key_columns:] == names
    assert table.num_rows == len(rows)
    nulls = 0
    for i, (prow, crow) in enumerate(zip(table.to_pylist(), rows)):
        values = list(prow.values())[key_columns:]
        for name, v, c in zip(names, values, crow):
            assert same(v, c), f"{parquet_path.name}: row {i}, {name}: {v!r} vs {c!r}"
            nulls += v is None
    return nulls


def test_run_parquet_holds_the_csv_tables(tmp_path):
    out = tmp_path / "both"
    cli("run", SCENARIOS / "us_states.toml", "--runs", "4", "--record", "events",
        "--table-format", "both", "--out", out, "--no-charts", "--quiet")
    nulls = 0
    for name in RUN_TABLES:
        nulls += assert_same_table(out / f"{name}.parquet", out / f"{name}.csv")
        meta = pq.ParquetFile(out / f"{name}.parquet").metadata
        assert meta.created_by.startswith("policysim ")
    # own inventions have no source, and the run has no calendar years: nulls
    assert nulls > 0
    schema = pq.read_schema(out / "events.parquet")
    assert schema.field("run").type == pa.int64()
    assert schema.field("unit").type == pa.string()
    assert schema.field("source").type == pa.string()
    assert schema.field("quality").type == pa.float64()
    assert pq.read_schema(out / "runs.parquet").field("final_share").type == pa.float64()
    # the same bytes with parquet alone and 1 thread, and no CSV of those tables
    alone = tmp_path / "alone"
    cli("run", SCENARIOS / "us_states.toml", "--runs", "4", "--record", "events",
        "--table-format", "parquet", "--threads", "1", "--out", alone, "--no-charts", "--quiet")
    for name in RUN_TABLES:
        assert (alone / f"{name}.parquet").read_bytes() == (out / f"{name}.parquet").read_bytes()
        assert not (alone / f"{name}.csv").exists()


def test_panels_and_a_sweep_as_parquet(tmp_path):
    run = tmp_path / "run"
    cli("run", SCENARIOS / "us_states.toml", "--runs", "3", "--record", "events",
        "--out", run, "--no-charts", "--quiet")
    for design in ["unit-year", "dyad-year", "cascades", "toa"]:
        csv = tmp_path / f"{design}.csv"
        cli("panel", run, "--design", design, "--out", csv, "--table-format", "both")
        assert_same_table(tmp_path / f"{design}.parquet", csv)
    sweep = tmp_path / "sweep"
    cli("sweep", SCENARIOS / "competition.toml", "--set", "competition.rate=0,0.4,0.8",
        "--runs", "3", "--keep-points", "--table-format", "parquet", "--out", sweep,
        "--no-charts", "--quiet")
    assert_same_table(sweep / "sweep.parquet", sweep / "sweep.csv")
    runs = pq.read_table(sweep / "runs.parquet")
    assert runs.column_names[0] == "point"
    assert runs.column("point").to_pylist() == [p for p in range(3) for _ in range(3)]
    assert not list(sweep.glob("points/*/*.parquet"))


def test_the_package_reads_parquet_results_as_it_reads_csv():
    import policysim

    csv = policysim.run(SMALL, record="events")
    parquet = policysim.run(SMALL, record="events", table_format="parquet")
    assert "runs.csv" not in parquet.files and "runs.parquet" in parquet.files
    for name in RUN_TABLES:
        a, b = getattr(csv, name), getattr(parquet, name)
        assert a.column_names == b.column_names, name
        for column in a.column_names:
            assert a.column(column).to_pylist() == b.column(column).to_pylist(), (name, column)


@pytest.mark.parametrize("value", ["xml", "CSV", ""])
def test_an_unknown_table_format_is_refused(tmp_path, value):
    p = cli("run", SCENARIOS / "us_states.toml", "--table-format", value,
            "--out", tmp_path / "out", check=False)
    assert p.returncode == 2
    assert "--table-format" in p.stderr
    assert not (tmp_path / "out").exists()
