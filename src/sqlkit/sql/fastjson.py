"""JSON of parser output: orjson when installed (a dependency), the stdlib otherwise."""

from __future__ import annotations

from typing import Any

try:
    import orjson

    def loads(data: str | bytes) -> Any:
        return orjson.loads(data)

    def dumps(value: Any) -> bytes:
        """Compact JSON bytes."""
        return orjson.dumps(value)

except ImportError:  # pragma: no cover - orjson is a declared dependency
    import json

    def loads(data: str | bytes) -> Any:
        return json.loads(data)

    def dumps(value: Any) -> bytes:
        return json.dumps(value, separators=(",", ":")).encode()
