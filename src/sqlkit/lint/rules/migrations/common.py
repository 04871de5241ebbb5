"""What the migration-safety rules (SK401-SK416) share: which files they judge, the steps of
those files (`Model.steps`: what each statement found of its table), SQL names for help.

A migration-safety rule judges migrations: versioned files, and any file linted on its own
or from standard input. Repeatable definitions (functions/, triggers/, policies/) are
re-applied as they change and are left to apply's run-level guard rails (`sqlkit.files.
is_repeatable`). SK404 is the exception: apply runs every file in a transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, TypeVar

from sqlkit.files import is_repeatable
from sqlkit.model.events import LockRelation
from sqlkit.sql.values import quote_ident

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.model.state import Step

E = TypeVar("E")

NO_TRANSACTION_FILE = "in a file of its own whose first line is `-- sqlkit: no-transaction`"


def migration_steps(ctx: LintContext) -> Iterator[Step]:
    """The steps of migration files (not of repeatable definitions), in replay order; worked
    out once per run for the sixteen rules."""
    return iter(ctx.once("migration_steps", lambda: _migration_steps(ctx)))


def _migration_steps(ctx: LintContext) -> list[Step]:
    judged: dict[str, bool] = {}
    steps = []
    for step in ctx.model.steps:
        path = step.event.origin.path
        keep = judged.get(path)
        if keep is None:
            keep = judged[path] = not is_repeatable(path, ctx.settings)
        if keep:
            steps.append(step)
    return steps


def existing(ctx: LintContext, kind: type[E]) -> Iterator[tuple[Step, E]]:
    """(step, event) for events of `kind` in migrations that act on a table that was there
    before their file began."""
    for step in migration_steps(ctx):
        if step.existing and isinstance(step.event, kind):
            yield step, step.event


def locks(ctx: LintContext, *operations: str) -> Iterator[tuple[Step, LockRelation]]:
    """The locks migrations take on existing tables for `operations` ("CREATE INDEX", ...)."""
    for step, event in existing(ctx, LockRelation):
        if event.operation in operations:
            yield step, event


def sql_name(qualified: str) -> str:
    """`schema.name` (as steps name tables) as SQL."""
    schema, _, name = qualified.partition(".")
    return f"{quote_ident(schema)}.{quote_ident(name)}" if name else quote_ident(schema)


def index_name(event: LockRelation) -> str:
    return f"{event.schema}.{event.name}" if event.schema else event.name


def column_name(step: Step, column: str) -> str:
    """`schema.table.column` as SQL, for messages and help."""
    return f"{sql_name(step.table)}.{quote_ident(column)}"
