"""xxgk: China's government information-disclosure annual reports as open data.

The pipeline, one package per stage: ingest → parse → check → package → aggregate → site.
The names below are the library (xxgk/api.py); the `xxgk` command calls nothing else. They
are imported on first use, so `import xxgk` loads no reader, Polars or DuckDB. (Comparing two
packages is `diff_packages`: `xxgk.diff` is the subpackage that does it.)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "BuildResult",
    "CellStatus",
    "CellValue",
    "FileOutcome",
    "Finding",
    "NotAReport",
    "PackageDiff",
    "ParseAllResult",
    "Report",
    "ReportTables",
    "Section",
    "UnreadableFile",
    "__version__",
    "build",
    "cache_key",
    "diff_packages",
    "parse_all",
    "parse_file",
    "read_report",
    "render_diff",
    "tables",
    "validate",
]

_WHERE = {
    "BuildResult": "xxgk.pipeline",
    "ParseAllResult": "xxgk.pipeline",
    "FileOutcome": "xxgk.process",
    "Report": "xxgk.parse.report",
    "Finding": "xxgk.parse.report",
    "Section": "xxgk.parse.report",
    "CellValue": "xxgk.parse.normalize",
    "CellStatus": "xxgk.parse.normalize",
    "NotAReport": "xxgk.parse",
    "UnreadableFile": "xxgk.ingest.document",
    "PackageDiff": "xxgk.diff",
    **{
        name: "xxgk.api"
        for name in (
            "ReportTables",
            "build",
            "cache_key",
            "diff_packages",
            "parse_all",
            "parse_file",
            "read_report",
            "render_diff",
            "tables",
            "validate",
        )
    },
}

if TYPE_CHECKING:
    from .api import (
        ReportTables,
        build,
        cache_key,
        diff_packages,
        parse_all,
        parse_file,
        read_report,
        render_diff,
        tables,
        validate,
    )
    from .diff import PackageDiff
    from .ingest.document import UnreadableFile
    from .parse import NotAReport
    from .parse.normalize import CellStatus, CellValue
    from .parse.report import Finding, Report, Section
    from .pipeline import BuildResult, ParseAllResult
    from .process import FileOutcome


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(importlib.import_module(_WHERE[name]), name)
        globals()[name] = value  # once
        return value
    raise AttributeError(f"module 'xxgk' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
