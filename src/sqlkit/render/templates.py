"""The templates: built-in and project templates, their typed parameters (see quoting.py).

A template is a Jinja2 file `<kind>.sql.j2` that starts with a TOML front matter
in a Jinja comment:

    {#- sqlkit-template
    description = "A function returning a table"
    folder = "functions"
    [params.name]
    type = "ident"
    help = "function name"
    [params.schema]
    type = "ident"
    default = "public"
    -#}

Each parameter has a type, and each type one check and one rendering
(render/quoting.py): templates receive checked values whose text is SQL for their
position, never the text as typed. A value that does not fit is an error naming
the parameter, never SQL. The types are listed in docs/templates.md.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from sqlkit.errors import TemplateError
from sqlkit.render.quoting import RENDERINGS, render_value

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

_FRONT = re.compile(r"^\{#-?\s*sqlkit-template\s*\n(.*?)\n\s*-?#\}\n?", re.S)
TYPES = tuple(RENDERINGS)


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    help: str
    default: Any = None
    required: bool = True
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class TemplateSpec:
    """A template: its kind (file name), where `new` writes it, its parameters and source."""

    kind: str
    description: str
    folder: str
    params: dict[str, Param]
    source: str  # the Jinja text without its front matter
    path: str
    builtin: bool
    filename: str = "{name}.sql"
    notes: list[str] = field(default_factory=list)


def builtin_dir() -> Any:
    return resources.files("sqlkit").joinpath("templates")


def parse_template(kind: str, text: str, path: str, builtin: bool) -> TemplateSpec:
    match = _FRONT.match(text)
    if not match:
        raise TemplateError(
            f"{path}: a template must start with a `{{#- sqlkit-template ... -#}}` front matter",
            hint="see docs/templates.md",
        )
    try:
        meta = tomllib.loads(match.group(1))
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(f"{path}: front matter is not valid TOML: {exc}") from None
    params: dict[str, Param] = {}
    for name, raw in (meta.get("params") or {}).items():
        kind_ = raw.get("type", "ident")
        if kind_ not in TYPES:
            raise TemplateError(f"{path}: parameter {name} has unknown type {kind_!r}")
        params[name] = Param(
            name,
            kind_,
            raw.get("help", ""),
            raw.get("default"),
            "default" not in raw,
            tuple(raw.get("choices", ())),
        )
    return TemplateSpec(
        kind,
        meta.get("description", ""),
        meta.get("folder", "functions"),
        params,
        text[match.end() :],
        path,
        builtin,
        meta.get("filename", "{name}.sql"),
        list(meta.get("notes", [])),
    )


def list_templates(project_dir: Path | None = None) -> dict[str, TemplateSpec]:
    """Built-in templates, overridden or extended by the project's templates/ folder."""
    out: dict[str, TemplateSpec] = {}
    folder = builtin_dir()
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".sql.j2"):
            kind = entry.name[: -len(".sql.j2")]
            out[kind] = parse_template(
                kind, entry.read_text("utf-8"), f"<built-in>/{entry.name}", True
            )
    if project_dir is not None and project_dir.is_dir():
        for path in sorted(project_dir.glob("*.sql.j2")):
            kind = path.name[: -len(".sql.j2")]
            out[kind] = parse_template(kind, path.read_text("utf-8"), str(path), False)
    return out


def coerce(param: Param, value: Any) -> Any:
    """A parameter value, checked and rendered for the template by its type."""
    if param.choices and value not in param.choices:
        raise TemplateError(
            f"template parameter `{param.name}` must be one of {', '.join(param.choices)}, "
            f"got {value!r}"
        )
    return render_value(param.name, param.type, value)


def resolve_params(spec: TemplateSpec, given: dict[str, Any]) -> dict[str, Any]:
    """Defaults applied, unknown and missing parameters refused, every value checked."""
    unknown = sorted(set(given) - set(spec.params))
    if unknown:
        raise TemplateError(
            f"template {spec.kind} has no parameter {unknown[0]!r}",
            hint=f"its parameters: {', '.join(spec.params)}",
        )
    values: dict[str, Any] = {}
    for name, param in spec.params.items():
        if name in given:
            raw = given[name]
        elif param.required:
            raise TemplateError(
                f"template {spec.kind} needs parameter {name!r} ({param.help})",
                hint=f"pass --set {name}=...",
            )
        else:
            raw = param.default
        if raw == "" and not param.required:
            if param.default not in (None, "", []):
                raise TemplateError(
                    f"template parameter `{name}` cannot be empty",
                    hint=f"leave it out for its default, {param.default!r}",
                )
            raw = [] if param.default == [] else None
        # an optional parameter left empty is None: `{% if comment %}` tests it
        values[name] = None if raw is None else coerce(param, raw)
    return values
