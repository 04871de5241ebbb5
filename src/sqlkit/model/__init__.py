"""The replayed project model: what the database looks like after every file is applied."""

from sqlkit.model.extract import extract_events
from sqlkit.model.replay import new_model, replay
from sqlkit.model.state import Function, Model, Policy, RoutineKey, Table, View

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
