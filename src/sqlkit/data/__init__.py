"""Generated data: pg_catalog's built-in names (regenerate with `python scripts/gen_builtins.py`)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class Builtins:
    """Names that resolve without a schema because they live in pg_catalog."""

    functions: frozenset[str]
    volatile_functions: frozenset[str]
    types: frozenset[str]
    operators: frozenset[str]
    relations: frozenset[str]
    server_version_num: int
    # built-in functions with no volatile overload (derived once)
    stable_functions: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "stable_functions", self.functions - self.volatile_functions)


@lru_cache(maxsize=1)
def builtins() -> Builtins:
    raw = json.loads(resources.files("sqlkit.data").joinpath("builtins.json").read_text("utf-8"))
    # Names the grammar turns into function calls or types without a catalog row of their own.
    extra_types = {
        "int",
        "integer",
        "smallint",
        "bigint",
        "real",
        "float",
        "double precision",
        "boolean",
        "decimal",
        "character varying",
        "character",
        "varchar",
        "char",
        "serial",
        "bigserial",
        "smallserial",
        "timestamp with time zone",
    }
    return Builtins(
        functions=frozenset(raw["functions"]),
        volatile_functions=frozenset(raw["volatile_functions"]),
        types=frozenset(raw["types"]) | extra_types,
        operators=frozenset(raw["operators"]),
        relations=frozenset(raw["relations"]),
        server_version_num=int(raw["server_version_num"]),
    )
