"""Writing a file so that readers see the old bytes or the new ones, never half of them."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def replace_atomically(path: Path, fill: Callable[[BinaryIO], object]) -> None:
    """`fill` writes a temporary file beside `path` (hidden, named `.<name>.<pid>.<random>.tmp`,
    so concurrent writers never share one), which is then renamed over `path`. On any failure
    the temporary file is removed and the error raised; `path` is left as it was."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    try:
        with tmp.open("wb") as fh:
            fill(fh)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
