"""Stage 5 — aggregate: the .sql files in sql/, run by DuckDB over the package's CSVs.

Each `<resource>.sql` makes the derived resource of that name; files starting with `_` are
fragments included as {{ name }}. Inputs are read with the column types of their Table
Schemas, so an empty or all-null column still has the right type.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import duckdb

from ..package.schemas import duckdb_columns, resource_names

ORDER = ["report_summary", "region_year_summary", "year_summary"]


def _sql(name: str) -> str:
    text = resources.files(__package__).joinpath(f"sql/{name}.sql").read_text("utf-8")
    return re.sub(r"\{\{\s*(\w+)\s*\}\}", lambda m: _fragment(m.group(1)), text)


def _fragment(name: str) -> str:
    text = resources.files(__package__).joinpath(f"sql/_{name}.sql").read_text("utf-8")
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))


def load_resources(con: duckdb.DuckDBPyConnection, data_dir: Path, names: list[str]) -> None:
    """Each resource's CSV as a table of the same name, typed by its Table Schema."""
    for name in names:
        cols = duckdb_columns(name)
        spec = "{" + ", ".join(f"'{c}': '{t}'" for c, t in cols.items()) + "}"
        path = str(data_dir / f"{name}.csv").replace("'", "''")
        con.execute(
            f"CREATE TABLE {name} AS SELECT * FROM read_csv('{path}', header = true, "
            f"columns = {spec}, nullstr = '', quote = '\"', escape = '\"')"
        )


def run_aggregations(data_dir: Path) -> dict[str, int]:
    """Reads data_dir/<resource>.csv, writes data_dir/<derived>.csv; returns row counts."""
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = true")
    load_resources(con, data_dir, resource_names(derived=False))
    counts = {}
    for name in ORDER:
        con.execute(f"CREATE TABLE {name} AS {_sql(name)}")
        cols = ", ".join(f'"{c}"' for c in duckdb_columns(name))
        out = str(data_dir / f"{name}.csv").replace("'", "''")
        con.execute(f"COPY (SELECT {cols} FROM {name}) TO '{out}' (HEADER, DELIMITER ',')")
        counts[name] = con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
    con.close()
    return counts
