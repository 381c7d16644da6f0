"""Frictionless validation of a written package: schemas, types, constraints, keys."""

from __future__ import annotations

from pathlib import Path

from frictionless import Package


def validate_package(path: Path) -> list[str]:
    """Problems found, as readable lines (empty when the package is valid)."""
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
