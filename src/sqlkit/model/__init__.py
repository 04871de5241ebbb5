"""The replayed project model: what the database looks like after every file is applied."""

from __future__ import annotations

from typing import Any

from sqlkit.model.replay import new_model, replay
from sqlkit.model.state import Function, Model, Policy, RoutineKey, Table, View


def __getattr__(name: str) -> Any:
    # extraction needs the parser; replaying cached events does not
    if name == "extract_events":
        from sqlkit.model.extract import extract_events

        return extract_events
    raise AttributeError(name)


__all__ = [
    "Function",
    "Model",
    "Policy",
    "RoutineKey",
    "Table",
    "View",
    "extract_events",
    "new_model",
    "replay",
]
