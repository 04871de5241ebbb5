"""Property: for a random small schema (tables, columns, constraints, views over them and
over each other) and random edits of it, the SQL `--emit-sql --allow-drop` writes brings the edited database
back to the schema, and the next comparison is clean."""

from __future__ import annotations

import copy
import secrets
from dataclasses import dataclass, field

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sqlkit.engines.base import create_database, drop_database
from sqlkit.live.compare import compare
from sqlkit.live.emit import emit_sql
from sqlkit.live.snapshot import take_snapshot
from sqlkit.testing import SqlkitServer

TYPES = ["integer", "bigint", "numeric(8,2)", "text", "character varying(10)"]
NUMERIC = {"integer", "bigint", "numeric(8,2)"}
DEFAULTS = {
    "integer": "0",
    "bigint": "1",
    "numeric(8,2)": "1.5",
    "text": "'x'",
    "character varying(10)": "'y'",
}


@dataclass
class Column:
    name: str
    type: str
    not_null: bool = False
    default: bool = False


@dataclass
class Table:
    name: str
    columns: list[Column]
    unique: str | None = None  # a column with a unique constraint
    check: str | None = None  # a numeric column that must be positive
    references: str | None = None  # a table whose primary key a column <table>_id references
    index: str | None = None  # a column with an index


@dataclass
class View:
    name: str
    table: str
    columns: list[str]
    materialized: bool = False


@dataclass
class Schema:
    tables: list[Table] = field(default_factory=list)
    views: list[View] = field(default_factory=list)
    counter: int = 0

    def table(self, name: str) -> Table | None:
        return next((t for t in self.tables if t.name == name), None)

    def fresh(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"


def sql(schema: Schema) -> str:
    """The schema as statements: tables, then foreign keys, then views."""
    out = []
    for t in schema.tables:
        columns = [f"{c.name} {c.type}" + (" not null" if c.not_null else "") +
                   (f" default {DEFAULTS[c.type]}" if c.default else "") for c in t.columns]  # fmt: skip
        columns.append(f"constraint {t.name}_pkey primary key ({t.columns[0].name})")
        if t.unique:
            columns.append(f"constraint {t.name}_uq unique ({t.unique})")
        if t.check:
            columns.append(f"constraint {t.name}_ck check ({t.check} > 0)")
        out.append(f"create table {t.name} ({', '.join(columns)});")
        if t.index:
            out.append(f"create index {t.name}_ix on {t.name} ({t.index});")
    for t in schema.tables:
        target = schema.table(t.references) if t.references else None
        if target is not None:
            out.append(
                f"alter table {t.name} add constraint {t.name}_fk foreign key ({target.name}_id) "
                f"references {target.name} ({target.columns[0].name});"
            )
    available = {t.name: [c.name for c in t.columns] for t in schema.tables}
    for v in schema.views:  # a view reads a table or a view made before it
        columns = [c for c in v.columns if c in available.get(v.table, ())]
        if columns:
            kind = "materialized view" if v.materialized else "view"
            out.append(f"create {kind} {v.name} as select {', '.join(columns)} from {v.table};")
            available[v.name] = columns
    return "\n".join(out)


@st.composite
def schemas(draw: st.DrawFn) -> Schema:
    schema = Schema()
    for _ in range(draw(st.integers(1, 3))):
        _add_table(draw, schema)
    for _ in range(draw(st.integers(0, 3))):
        _add_view(draw, schema)
    return schema


def _add_table(draw: st.DrawFn, schema: Schema) -> None:
    name = schema.fresh("t")
    columns = [Column("id", draw(st.sampled_from(["integer", "bigint", "text"])), True)]
    for _ in range(draw(st.integers(1, 3))):
        columns.append(
            Column(
                schema.fresh("c"),
                draw(st.sampled_from(TYPES)),
                draw(st.booleans()),
                draw(st.booleans()),
            )
        )
    table = Table(name, columns)
    numeric = [c.name for c in columns[1:] if c.type in NUMERIC]
    if numeric and draw(st.booleans()):
        table.check = draw(st.sampled_from(numeric))
    if draw(st.booleans()):
        table.unique = draw(st.sampled_from([c.name for c in columns[1:]]))
    if draw(st.booleans()):
        table.index = draw(st.sampled_from([c.name for c in columns]))
    if schema.tables and draw(st.booleans()):
        target = draw(st.sampled_from(schema.tables))
        table.references = target.name
        table.columns.append(Column(f"{target.name}_id", target.columns[0].type))
    schema.tables.append(table)


def _add_view(draw: st.DrawFn, schema: Schema) -> None:
    """A view over a table or over another view (a chain)."""
    sources = [(t.name, [c.name for c in t.columns]) for t in schema.tables]
    sources += [(v.name, v.columns) for v in schema.views]
    source, names = draw(st.sampled_from(sources))
    columns = draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True))
    schema.views.append(View(schema.fresh("v"), source, columns, draw(st.booleans())))


def _forget_column(schema: Schema, table: Table, column: str) -> None:
    """What a column's change of type or disappearance takes with it in a valid schema."""
    if table.check == column:
        table.check = None
    if table.unique == column:
        table.unique = None
    if table.index == column:
        table.index = None
    if table.references and column == f"{table.references}_id":
        table.references = None
    if column == "id":  # its type changed: foreign keys to it go
        for other in schema.tables:
            if other.references == table.name:
                other.references = None


EDITS = [
    "add column",
    "drop column",
    "retype column",
    "toggle not null",
    "toggle default",
    "toggle check",
    "toggle unique",
    "drop table",
    "add table",
    "change view",
    "add view",
    "drop view",
]


@st.composite
def edited(draw: st.DrawFn) -> tuple[Schema, Schema]:
    git = draw(schemas())
    live = copy.deepcopy(git)
    for edit in draw(st.lists(st.sampled_from(EDITS), min_size=1, max_size=4)):
        _edit(draw, live, edit)
    return git, live


def _edit(draw: st.DrawFn, schema: Schema, edit: str) -> None:
    if edit == "add table" or not schema.tables:
        _add_table(draw, schema)
        return
    table = draw(st.sampled_from(schema.tables))
    others = table.columns[1:]
    if edit == "add column":
        table.columns.append(Column(schema.fresh("c"), draw(st.sampled_from(TYPES))))
    elif edit == "drop column" and others:
        column = draw(st.sampled_from(others))
        _forget_column(schema, table, column.name)
        table.columns.remove(column)
    elif edit == "retype column":
        column = draw(st.sampled_from(table.columns))
        column.type = draw(st.sampled_from(TYPES if column.name != "id" else ["integer", "text"]))
        _forget_column(schema, table, column.name)
    elif edit == "toggle not null" and others:
        column = draw(st.sampled_from(others))
        column.not_null = not column.not_null
    elif edit == "toggle default":
        column = draw(st.sampled_from(table.columns))
        column.default = not column.default
    elif edit == "toggle check":
        numeric = [c.name for c in others if c.type in NUMERIC]
        table.check = None if table.check or not numeric else draw(st.sampled_from(numeric))
    elif edit == "toggle unique" and others:
        table.unique = None if table.unique else draw(st.sampled_from([c.name for c in others]))
    elif edit == "drop table":  # views over it are left out of the SQL with it
        schema.tables.remove(table)
        for other in schema.tables:
            if other.references == table.name:
                _forget_column(schema, other, f"{table.name}_id")
    elif edit == "change view" and schema.views:
        view = draw(st.sampled_from(schema.views))
        source = schema.table(view.table)
        names = [c.name for c in source.columns] if source is not None else []
        names += [c for v in schema.views if v.name == view.table for c in v.columns]
        if names:
            view.columns = draw(
                st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True)
            )
        view.materialized = draw(st.booleans())
    elif edit == "add view":
        _add_view(draw, schema)
    elif edit == "drop view" and schema.views:
        schema.views.remove(draw(st.sampled_from(schema.views)))


@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(pair=edited())
def test_emit_then_diff_converges(sqlkit_server: SqlkitServer, pair: tuple[Schema, Schema]) -> None:
    git, live = pair
    names = []
    try:
        for schema in (git, live):
            name = f"sqlkit_prop_{secrets.token_hex(4)}"
            create_database(sqlkit_server.server, name)
            names.append(name)
            with sqlkit_server.connect(name, autocommit=True) as conn:
                conn.execute(sql(schema).encode())
        with sqlkit_server.connect(names[0], autocommit=True) as conn:
            want = take_snapshot(conn)
        with sqlkit_server.connect(names[1], autocommit=True) as conn:
            have = take_snapshot(conn)
            result = compare(want, have)
            fix = emit_sql(result, have, allow_drop=True)
            conn.execute(fix.encode())
            after = compare(want, take_snapshot(conn))
        assert after.differences == [], fix
    finally:
        for name in names:
            drop_database(sqlkit_server.server, name)
