"""JSON decoding of parser output: orjson when installed (a dependency), the stdlib otherwise."""

from __future__ import annotations

from typing import Any

try:
    import orjson

    def loads(data: str) -> Any:
        return orjson.loads(data)

except ImportError:  # pragma: no cover - orjson is a declared dependency
    import json

    def loads(data: str) -> Any:
        return json.loads(data)
