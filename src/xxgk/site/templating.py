"""The site's Jinja2 environment. Autoescape is on everywhere: text from reports is never trusted."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from .search import NOT_SEARCHED, SEARCHED

HERE = Path(str(resources.files(__package__)))


def template_env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    # What the site's search reads of a page (site/search.py): `<p {{ searched }}>`.
    env.globals.update(searched=Markup(SEARCHED), not_searched=Markup(NOT_SEARCHED))
    # `{{ x|d }}` marks a number that changes with the data on a page MkDocs builds; here it is x
    # itself, site/__init__.py's write_pages makes it a placeholder filled after MkDocs.
    env.filters["d"] = lambda value: value
    return env


def plain_number(v) -> str:
    """A number as published: integers without 「.0」, empty for null."""
    if v is None:
        return ""
    return str(int(v)) if float(v).is_integer() else str(v)
