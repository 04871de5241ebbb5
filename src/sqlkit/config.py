"""`[tool.sqlkit]` in pyproject.toml or `sqlkit.toml` → frozen, validated settings."""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, get_args

from sqlkit.data import rule_options
from sqlkit.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

SEVERITIES = ("error", "warning", "info")
EngineName = Literal["embedded", "local", "docker", "dsn"]
ENGINE_NAMES: tuple[EngineName, ...] = get_args(EngineName)


def cache_dir() -> Path:
    """Where sqlkit keeps caches (initdb clusters, lint results): $SQLKIT_CACHE_DIR or XDG."""
    base = os.environ.get("SQLKIT_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "sqlkit"
    )
    return Path(base)


@dataclass(frozen=True)
class Settings:
    """Every setting sqlkit reads, with the defaults of SPEC §2."""

    root: Path = field(default_factory=Path.cwd)
    config_file: Path | None = None
    target: str = "supabase"
    exposed_schemas: tuple[str, ...] = ("public",)
    migrations: str = "migrations"
    functions: str = "functions"
    triggers: str = "triggers"
    policies: str = "policies"
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: dict[str, str] = field(default_factory=dict)
    vars: dict[str, Any] = field(default_factory=dict)
    postgres_version: int = 18
    # the role that runs the migrations: ALTER DEFAULT PRIVILEGES FOR ROLE r changes only
    # what r creates, so the lint model applies those of this role (and those without FOR ROLE)
    migration_role: str = "postgres"
    engine: EngineName = "embedded"
    postgres_bin: str | None = None
    docker_image: str | None = None
    tests: str = "tests/sql"
    seed: str = "tests/seed"
    rule_options: dict[str, tuple[str, ...]] = field(default_factory=dict)  # declared by rules
    test_timeout: float = 60.0
    # `sqlkit apply`'s guard rails (docs/apply.md#guard-rails); None: the server's own setting
    statement_lock_timeout: float | None = None
    statement_timeout: float | None = None
    lock_retries: int = 0
    lock_retry_delay: float = 1.0
    configured: frozenset[str] = frozenset()  # keys the configuration file set explicitly

    def with_overrides(self, **changes: Any) -> Settings:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def option(self, name: str) -> tuple[str, ...]:
        """A rule option's value: configured, else the default the rule declares."""
        if name in self.rule_options:
            return self.rule_options[name]
        declared = rule_options()[name]["default"]
        assert isinstance(declared, list)
        return tuple(declared)

    def folder(self, name: str) -> Path:
        return self.root / str(getattr(self, name))

    def existing_folder(self, name: str) -> Path | None:
        """The folder of setting `name` when it exists; a configured folder that does not is an error.

        A default folder that is missing means "nothing of that kind"; a folder the
        configuration names and that is missing is a typo that would otherwise make
        apply or verify quietly do nothing.
        """
        path = self.folder(name)
        if path.is_dir():
            return path
        if name in self.configured:
            raise ConfigError(
                f"{self.config_file or 'configuration'}: `{name}` names {getattr(self, name)!r}, "
                f"which is not a folder under {self.root}",
                hint="fix the path, create the folder, or remove the key to use the default",
            )
        return None


def _expect(value: Any, kind: type | tuple[type, ...], key: str, where: str, what: str) -> Any:
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ConfigError(
            f"{where}: `{key}` must be {what}, got {value!r}",
            hint="fix the value or remove the key to use the default",
        )
    return value


def _string_list(value: Any, key: str, where: str) -> tuple[str, ...]:
    _expect(value, list, key, where, "a list of strings")
    for item in value:
        _expect(item, str, key, where, "a list of strings")
    return tuple(value)


def settings_from_table(table: dict[str, Any], root: Path, config_file: Path | None) -> Settings:
    """Validate a `[tool.sqlkit]` table; unknown keys and bad values name key and file."""
    where = str(config_file) if config_file else "configuration"
    values: dict[str, Any] = {"root": root, "config_file": config_file}
    options = rule_options()
    internal = ("root", "config_file", "configured", "rule_options")
    known = {f for f in Settings.__dataclass_fields__ if f not in internal} | set(options)
    for key, value in table.items():
        if key not in known:
            raise ConfigError(
                f"{where}: unknown key `{key}` in [tool.sqlkit]",
                hint=f"known keys: {', '.join(sorted(known))}",
            )
        if key == "target":
            if value not in ("supabase", "postgres"):
                raise ConfigError(
                    f'{where}: `target` must be "supabase" or "postgres", got {value!r}'
                )
            values[key] = value
        elif key in options:
            values.setdefault("rule_options", {})[key] = _string_list(value, key, where)
        elif key in ("exposed_schemas", "select", "ignore"):
            items = _string_list(value, key, where)
            if key in ("select", "ignore"):
                items = tuple(item.upper() for item in items)
            values[key] = items
        elif key in ("migrations", "functions", "triggers", "policies", "tests", "seed"):
            values[key] = _expect(value, str, key, where, "a folder path (string)")
        elif key == "engine":
            if value not in ENGINE_NAMES:
                raise ConfigError(
                    f"{where}: `engine` must be one of {', '.join(ENGINE_NAMES)}, got {value!r}"
                )
            values[key] = value
        elif key in ("postgres_bin", "docker_image"):
            values[key] = _expect(value, str, key, where, "a string")
        elif key == "migration_role":
            values[key] = _expect(value, str, key, where, "a role name (string)")
            if not value:
                raise ConfigError(f"{where}: `migration_role` must name a role, got ''")
        elif key == "severity":
            _expect(value, dict, key, where, 'a table like {SK109 = "off"}')
            for code, level in value.items():
                if level not in (*SEVERITIES, "off"):
                    raise ConfigError(
                        f"{where}: severity for {code} must be error, warning, info or off, got {level!r}"
                    )
            values[key] = {code.upper(): level for code, level in value.items()}
        elif key == "vars":
            values[key] = dict(_expect(value, dict, key, where, "a table of template variables"))
        elif key == "postgres_version":
            values[key] = _expect(value, int, key, where, "an integer such as 18")
        elif key == "test_timeout":
            values[key] = timeout_seconds(
                _expect(value, (int, float), key, where, "a number of seconds"), f"{where}: `{key}`"
            )
        elif key in ("statement_lock_timeout", "statement_timeout", "lock_retry_delay"):
            what = 'a duration such as "5s", "500ms" or "2min" (a number: seconds)'
            values[key] = duration_seconds(
                _expect(value, (int, float, str), key, where, what), f"{where}: `{key}`"
            )
        elif key == "lock_retries":
            values[key] = retry_count(
                _expect(value, int, key, where, "a whole number of retries"), f"{where}: `{key}`"
            )
    values["configured"] = frozenset(table)
    return Settings(**values)


MAX_TIMEOUT = 2_147_483  # seconds: PostgreSQL's timeouts are milliseconds in an int


def timeout_seconds(value: float, what: str, *, zero_means: str = "no limit") -> float:
    """A timeout in seconds: finite, 0 (meaning `zero_means`) or at least a millisecond."""
    import math

    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        raise ConfigError(f"{what} must be a number of seconds, got {value!r}")
    if value < 0 or math.isinf(value) or value > MAX_TIMEOUT:
        raise ConfigError(
            f"{what} must be between 0 ({zero_means}) and {MAX_TIMEOUT} seconds, got {value!r}"
        )
    if 0 < value < 0.001:
        return 0.001  # rounding a small positive wait down to 0 would mean "wait forever"
    return float(value)


_DURATION = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*(ms|s|min|h)?\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "min": 60.0, "h": 3600.0}


def duration_seconds(
    value: float | str, what: str, *, unit_required: bool = False, zero_means: str = "no limit"
) -> float:
    """A duration as seconds: a number (seconds) or text with a unit (`500ms`, `5s`, `2min`,
    `1h`); validated like every timeout (see `timeout_seconds`).

    With `unit_required` (a directive in a SQL file, where PostgreSQL's own `SET lock_timeout
    = 5000` means milliseconds) a bare number is refused rather than guessed.
    """
    if isinstance(value, str):
        match = _DURATION.match(value)
        if match is None:
            raise ConfigError(
                f"{what} must be a duration such as 5s, 500ms or 2min, got {value!r}",
                hint="write a number and a unit: ms, s, min or h",
            )
        number, unit = match.groups()
        if unit is None and unit_required:
            raise ConfigError(
                f"{what} needs a unit, got {value!r}",
                hint=f"write {number}s or {number}ms (PostgreSQL reads a bare number as "
                "milliseconds, sqlkit as seconds: say which)",
            )
        value = float(number) * _UNIT_SECONDS[(unit or "s").lower()]
    return timeout_seconds(value, what, zero_means=zero_means)


MAX_RETRIES = 100


def retry_count(value: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_RETRIES:
        raise ConfigError(f"{what} must be a whole number from 0 to {MAX_RETRIES}, got {value!r}")
    return value


SUPABASE_MIGRATIONS = "supabase/migrations"


def is_supabase_project(folder: Path) -> bool:
    """The Supabase CLI's layout: `supabase/config.toml`, or a `supabase/migrations` folder."""
    return (folder / "supabase" / "config.toml").is_file() or (
        folder / SUPABASE_MIGRATIONS
    ).is_dir()


def find_config(start: Path) -> tuple[Path | None, dict[str, Any]]:
    """Walk up from `start` to the first sqlkit.toml, pyproject.toml with [tool.sqlkit], or
    Supabase project (returned as its `supabase` folder, with no table)."""
    for folder in [start, *start.parents]:
        candidate = folder / "sqlkit.toml"
        if candidate.is_file():
            return candidate, _load(candidate)
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            data = _load(candidate)
            table = data.get("tool", {}).get("sqlkit")
            if table is not None:
                if not isinstance(table, dict):
                    raise ConfigError(f"{candidate}: [tool.sqlkit] must be a table")
                return candidate, {"tool": {"sqlkit": table}}
        if is_supabase_project(folder):
            return folder / "supabase", {}
    return None, {}


def _load(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}", hint="fix the syntax") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read: {exc.strerror}") from None


def load_settings(start: Path | None = None, config_file: Path | None = None) -> Settings:
    """Settings from `config_file`, or found by walking up from `start` (default: cwd)."""
    start = (start or Path.cwd()).resolve()
    if config_file is not None:
        if not config_file.is_file():
            what = "is a folder" if config_file.is_dir() else "does not exist"
            raise ConfigError(
                f"config file {config_file} {what}",
                hint="pass an existing sqlkit.toml or pyproject.toml",
            )
        data = _load(config_file)
        path: Path | None = config_file.resolve()
    else:
        path, data = find_config(start)
    if path is None:
        return Settings(root=start)
    if path.is_dir():  # a Supabase project without sqlkit configuration
        return with_layout(Settings(root=path.parent, target="supabase"))
    table = data.get("tool", {}).get("sqlkit") if path.name == "pyproject.toml" else data
    return with_layout(settings_from_table(table or {}, path.parent, path))


def with_layout(settings: Settings) -> Settings:
    """Supabase's `supabase/migrations` where the configuration names no migrations folder."""
    if (
        "migrations" not in settings.configured
        and not settings.folder("migrations").is_dir()
        and (settings.root / SUPABASE_MIGRATIONS).is_dir()
    ):
        return replace(settings, migrations=SUPABASE_MIGRATIONS)
    return settings
