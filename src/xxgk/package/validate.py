"""Validation of a written package: schemas, types, constraints, keys.

Two engines give the same answer in the same words (tests/test_gate.py proves it on a corpus
of broken packages):

* `frictionless` — the reference: Frictionless reads every row in Python (~15 s at 10,000
  reports). `xxgk validate`, CI and the tests use it.
* `duckdb` — the build's gate (package/gate.py): the Table Schemas compiled to DuckDB checks,
  several times faster, handing any resource it is not sure about to frictionless.

`validate_package(path)` without `engine` uses `XXGK_VALIDATE_ENGINE` if set, else `duckdb`, so
the build's own call gets the gate; callers that want the reference pass
`engine="frictionless"`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from frictionless import Package

Engine = Literal["duckdb", "frictionless"]
ENGINES: tuple[str, ...] = ("duckdb", "frictionless")
ENGINE_ENV = "XXGK_VALIDATE_ENGINE"


def default_engine() -> str:
    engine = os.environ.get(ENGINE_ENV, "").strip().lower() or "duckdb"
    if engine not in ENGINES:
        raise ValueError(f"{ENGINE_ENV}={engine!r}: expected one of {', '.join(ENGINES)}")
    return engine


def validate_package(path: Path | str, engine: Engine | str | None = None) -> list[str]:
    """Problems found, as readable lines (empty when the package is valid): for each resource
    its first 20 errors as `resource: message`, then package-level errors."""
    engine = engine or default_engine()
    if engine == "duckdb":
        from .gate import gate_package

        return gate_package(path).lines
    if engine != "frictionless":
        raise ValueError(f"unknown validation engine {engine!r}: expected one of {', '.join(ENGINES)}")
    return frictionless_lines(path)


def frictionless_lines(path: Path | str) -> list[str]:
    report = Package(str(path)).validate()
    if report.valid:
        return []
    lines = []
    for task in report.tasks:
        for err in task.errors[:20]:
            lines.append(f"{task.name}: {err.message}")
    for err in report.errors:
        lines.append(err.message)
    return lines or ["invalid package"]
