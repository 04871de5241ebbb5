"""The Jinja environment: sandboxed, StrictUndefined, and the quoting filters."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from sqlkit.errors import TemplateError
from sqlkit.render.quoting import FILTERS


def make_environment(search_path: Sequence[Path] = ()) -> jinja2.Environment:
    """Sandboxed, so a template reaches a value's text only through the quoting filters."""
    loader = jinja2.FileSystemLoader([str(p) for p in search_path if p.is_dir()])
    env = SandboxedEnvironment(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters.update(FILTERS)
    env.globals["raise"] = _raise
    return env


def _raise(message: str) -> str:
    """`{{ raise("...") }}` in a template: a parameter combination it cannot render."""
    raise TemplateError(message)
