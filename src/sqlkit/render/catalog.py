"""The template catalog: built-in templates, project overrides, their parameters.

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

Parameter types and what they accept (a value that does not fit is an error
naming the parameter, never SQL):

- `ident`: an identifier, validated and quoted with `quote_ident` semantics
- `idents`: a list of identifiers
- `qualified`: `schema.name`, each part an identifier
- `literal`: any text, rendered as a SQL string literal
- `literals`: a list of texts, each a SQL string literal
- `interval`: `<number> <unit>` (seconds … days), rendered as a literal
- `type`: a type name such as `timestamptz` or `numeric(10,2)`
- `int`, `bool`
- `args`: a list of `name type [default expr]` function parameters
- `columns`: a list of `name type` output columns
- `sql`: a SQL expression or clause written by the developer (no `;`, no
  comments, no dollar quotes: it cannot end the statement it is placed in)
- `tags`: a list of cache tags: literal text, or `prefix:column` per-row tags
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from sqlkit.errors import TemplateError
from sqlkit.render.environment import quote_ident, quote_literal

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

_FRONT = re.compile(r"^\{#-?\s*sqlkit-template\s*\n(.*?)\n\s*-?#\}\n?", re.S)
_INTERVAL = re.compile(r"^\s*(\d+)\s*(second|minute|hour|day|week)s?\s*$", re.I)
_TYPE = re.compile(r"^[A-Za-z_][A-Za-z0-9_ .]*(\(\d+(,\s*\d+)?\))?(\[\])*$")
_ARG = re.compile(r"^\s*([a-z_][a-z0-9_]*)\s+(.+?)(?:\s+default\s+(.+))?\s*$", re.I | re.S)
_TAG_COLUMN = re.compile(r"^([a-z][a-z0-9_-]*):([a-z_][a-z0-9_]*)$")
TYPES = (
    "ident",
    "idents",
    "qualified",
    "literal",
    "literals",
    "interval",
    "int",
    "bool",
    "args",
    "columns",
    "sql",
    "tags",
    "text",
    "type",
)


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


# ------------------------------------------------------------------ value checks
def _as_list(name: str, value: Any) -> list[Any]:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, (list, tuple)):
        return list(value)
    raise TemplateError(f"template parameter `{name}` must be a list, got {value!r}")


def check_sql(name: str, value: Any) -> str:
    """A developer-written SQL fragment: it must not be able to end its statement."""
    if not isinstance(value, str) or not value.strip():
        raise TemplateError(f"template parameter `{name}` must be a SQL expression, got {value!r}")
    for bad, why in (
        (";", "a semicolon"),
        ("--", "a comment"),
        ("/*", "a comment"),
        ("$", "a dollar quote"),
        ("\x00", "a NUL byte"),
    ):
        if bad in value:
            raise TemplateError(
                f"template parameter `{name}` contains {why}: {value!r}",
                hint="a SQL fragment cannot end or comment out the statement it is placed in",
            )
    depth = 0
    quote = False
    for ch in value:
        if ch == "'":
            quote = not quote
        elif not quote and ch == "(":
            depth += 1
        elif not quote and ch == ")":
            depth -= 1
            if depth < 0:
                break
    if depth != 0 or quote:
        raise TemplateError(
            f"template parameter `{name}` has unbalanced parentheses or quotes: {value!r}"
        )
    return value.strip()


def check_type(name: str, value: str) -> str:
    if not _TYPE.match(value.strip()):
        raise TemplateError(f"template parameter `{name}`: {value!r} is not a type name")
    return value.strip()


def coerce(param: Param, value: Any) -> Any:
    """A parameter value, checked and prepared for the template (identifiers quoted)."""
    name, kind = param.name, param.type
    if param.choices and value not in param.choices:
        raise TemplateError(
            f"template parameter `{name}` must be one of {', '.join(param.choices)}, got {value!r}"
        )
    if kind == "ident":
        return quote_ident(value, name)
    if kind == "idents":
        return [quote_ident(v, name) for v in _as_list(name, value)]
    if kind == "qualified":
        if not isinstance(value, str) or value.count(".") != 1:
            raise TemplateError(f"template parameter `{name}` must be schema.name, got {value!r}")
        schema, obj = value.split(".")
        return f"{quote_ident(schema, name)}.{quote_ident(obj, name)}"
    if kind == "literal":
        return quote_literal(value, name)
    if kind == "type":
        if not isinstance(value, str):
            raise TemplateError(f"template parameter `{name}` must be a type name, got {value!r}")
        return check_type(name, value)
    if kind == "literals":
        return [quote_literal(v, name) for v in _as_list(name, value)]
    if kind == "text":
        if not isinstance(value, str) or "\n" in value or "*/" in value:
            raise TemplateError(
                f"template parameter `{name}` must be one line of text, got {value!r}"
            )
        return value
    if kind == "interval":
        if not isinstance(value, str) or not _INTERVAL.match(value):
            raise TemplateError(
                f"template parameter `{name}` must be like '5 minutes', got {value!r}"
            )
        return quote_literal(value.strip(), name)
    if kind == "int":
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise TemplateError(
                f"template parameter `{name}` must be an integer, got {value!r}"
            ) from None
        return number
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if str(value).lower() in ("true", "yes", "1", "on"):
            return True
        if str(value).lower() in ("false", "no", "0", "off"):
            return False
        raise TemplateError(f"template parameter `{name}` must be true or false, got {value!r}")
    if kind == "sql":
        return check_sql(name, value)
    if kind == "args":
        out = []
        for item in _as_list(name, value):
            match = _ARG.match(str(item))
            if not match:
                raise TemplateError(
                    f"template parameter `{name}`: {item!r} is not `name type [default expr]`"
                )
            arg, typ, default = match.groups()
            rendered = f"{quote_ident(arg, name)} {check_type(name, typ)}"
            if default:
                rendered += f" default {check_sql(name, default)}"
            out.append(
                {"name": quote_ident(arg, name), "type": check_type(name, typ), "sql": rendered}
            )
        return out
    if kind == "columns":
        out = []
        for item in _as_list(name, value):
            parts = str(item).split(None, 1)
            if len(parts) != 2:
                raise TemplateError(f"template parameter `{name}`: {item!r} is not `name type`")
            out.append(
                {
                    "name": quote_ident(parts[0], name),
                    "type": check_type(name, parts[1]),
                    "sql": f"{quote_ident(parts[0], name)} {check_type(name, parts[1])}",
                }
            )
        return out
    if kind == "tags":
        tags: list[dict[str, str | None]] = []
        for item in _as_list(name, value):
            text = str(item)
            match = _TAG_COLUMN.match(text)
            if match:
                quote_ident(match.group(2), name)  # the column part must be an identifier
                tags.append(
                    {
                        "prefix": quote_literal(match.group(1) + ":", name),
                        "column": quote_ident(match.group(2), name),
                        "sql": None,
                        "arg": quote_literal(text, name),
                    }
                )
            elif ":" in text or not text.strip():
                raise TemplateError(
                    f"template parameter `{name}`: {text!r} is neither a tag nor prefix:column"
                )
            else:
                tags.append(
                    {
                        "prefix": None,
                        "column": None,
                        "sql": quote_literal(text, name),
                        "arg": quote_literal(text, name),
                    }
                )
        return tags
    raise TemplateError(
        f"template parameter `{name}` has unknown type {kind!r}"
    )  # pragma: no cover


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
            values[name] = "" if param.type in ("literal", "text") else None
            values[name + "_raw"] = ""
            continue
        values[name] = None if raw is None else coerce(param, raw)
        values[name + "_raw"] = raw
    return values
