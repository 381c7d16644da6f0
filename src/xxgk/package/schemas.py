"""Table Schemas: the JSON files in schemas/, with code enums filled from formats.yaml.

A field may say `"enumFrom": "<kind>"`; its `constraints.enum` is then every code of that kind
(Catalogue.all_codes), so schemas and the parser can never disagree about codes.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from importlib import resources

import polars as pl
import yaml

from ..formats import catalogue

POLARS_TYPES = {
    "string": pl.String,
    "integer": pl.Int64,
    "number": pl.Float64,
    "boolean": pl.Boolean,
    "date": pl.Date,
}
DUCKDB_TYPES = {
    "string": "VARCHAR",
    "integer": "BIGINT",
    "number": "DOUBLE",
    "boolean": "BOOLEAN",
    "date": "DATE",
}


@cache
def package_meta() -> dict:
    return yaml.safe_load(resources.files(__package__).joinpath("package.yaml").read_text("utf-8"))


def resource_names(derived: bool | None = None) -> list[str]:
    res = package_meta()["resources"]
    return [n for n, r in res.items() if derived is None or bool(r.get("derived")) == derived]


@cache
def _schema(name: str) -> dict:
    raw = json.loads(resources.files(__package__).joinpath(f"schemas/{name}.json").read_text("utf-8"))
    cat = catalogue()
    for f in raw["fields"]:
        if kind := f.pop("enumFrom", None):
            f.setdefault("constraints", {})["enum"] = cat.all_codes(kind)
    return raw


def schema(name: str) -> dict:
    """The full Table Schema of a resource (a fresh copy: callers may change it)."""
    return copy.deepcopy(_schema(name))


def field_names(name: str) -> list[str]:
    return [f["name"] for f in _schema(name)["fields"]]


def polars_schema(name: str) -> dict[str, pl.DataType]:
    return {f["name"]: POLARS_TYPES[f["type"]] for f in _schema(name)["fields"]}


def duckdb_columns(name: str) -> dict[str, str]:
    return {f["name"]: DUCKDB_TYPES[f["type"]] for f in _schema(name)["fields"]}
