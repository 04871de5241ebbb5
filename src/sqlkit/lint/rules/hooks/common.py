"""Finding the custom access token hooks of a project."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlkit.lint.registry import RuleOption

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.model.state import Function


AUTH_HOOKS = RuleOption(
    "auth_hooks",
    (),
    "functions that are auth hooks although their name does not end in access_token_hook",
)


def access_token_hooks(ctx: LintContext) -> list[Function]:
    """`(event jsonb) returns jsonb` functions named *access_token_hook, or listed in auth_hooks."""
    configured = set(ctx.settings.option("auth_hooks"))
    out = []
    for function in ctx.model.functions.values():
        named = (
            function.name.endswith("access_token_hook")
            or function.qualified_name in configured
            or function.name in configured
        )
        shape = function.key.arg_types == ("jsonb",) and function.definition.returns == "jsonb"
        if named and shape:
            out.append(function)
    return out
