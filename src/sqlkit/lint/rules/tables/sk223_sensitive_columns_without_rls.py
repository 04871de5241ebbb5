"""
## What it does
Reports a table in an exposed schema (`exposed_schemas`, default `public`) with row level
security off that `anon` or `authenticated` may select from, and that has columns whose
names suggest secrets or personal data: credentials (`password_hash`, `api_key`,
`refresh_token`, ...), identity numbers (`ssn`, `passport_number`, `tax_id`, ...),
financial data (`card_number`, `iban`, `cvv`, ...), health records. A column matches when
its name, lower-cased with `-` read as `_`, is in the list. One finding per table, naming
the columns.

The list is the setting `sensitive_column_names`; set it in `[tool.sqlkit]` to replace
it (for example to add names in your own language).

Splinter counterpart: `0023_sensitive_columns_exposed`. Same semantics (exact names, RLS
off, readable by an API role, exposed schema); the name list is sqlkit's own and
configurable, and the exposed schemas come from the configuration instead of
`pgrst.db_schemas`. SK201 reports the missing RLS too; this rule says what is at stake.

## Why is this bad?
Without RLS, every row of the table is readable through the API with the anon key (or by
every signed-in user): password hashes can be cracked offline, tokens replayed, and
identity or payment data is a reportable breach.

## Example
```sql
create table public.integrations (id bigint primary key, owner uuid, api_key text);
```

## Use instead
```sql
create table public.integrations (id bigint primary key, owner uuid, api_key text);
alter table public.integrations enable row level security;
create policy integrations_owner on public.integrations for select to authenticated
  using ((select auth.uid()) = owner);
```

## References
- [Supabase: Row Level Security](https://supabase.com/docs/guides/database/postgres/row-level-security)
- [Supabase database linter: sensitive_columns_exposed](https://supabase.com/docs/guides/database/database-linter?lint=0023_sensitive_columns_exposed)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import RuleOption, rule
from sqlkit.lint.rules.schema.common import qualified, readers

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding

SENSITIVE_COLUMN_NAMES = (
    # credentials and secrets
    "password",
    "passwd",
    "password_hash",
    "hashed_password",
    "encrypted_password",
    "secret",
    "client_secret",
    "secret_key",
    "private_key",
    "api_key",
    "apikey",
    "api_secret",
    "access_key",
    "access_token",
    "refresh_token",
    "auth_token",
    "session_token",
    "reset_token",
    "token",
    "jwt",
    "otp",
    "otp_secret",
    "totp_secret",
    "mfa_secret",
    "recovery_code",
    "recovery_codes",
    "backup_codes",
    "verification_code",
    "ssh_key",
    "pgp_key",
    "license_key",
    # identity numbers
    "ssn",
    "social_security_number",
    "national_id",
    "national_id_number",
    "tax_id",
    "taxpayer_id",
    "passport_number",
    "drivers_license",
    "driver_license_number",
    "id_card_number",
    # financial data
    "credit_card",
    "credit_card_number",
    "card_number",
    "cvv",
    "cvc",
    "iban",
    "bank_account",
    "bank_account_number",
    "account_number",
    "routing_number",
    "swift_code",
    # health
    "medical_record",
    "medical_record_number",
    "health_record",
    "diagnosis",
    "insurance_number",
)

SENSITIVE_COLUMNS = RuleOption(
    "sensitive_column_names",
    SENSITIVE_COLUMN_NAMES,
    "column names (lower case, `_` for `-`) that suggest secrets or personal data",
)


def normalised(name: str) -> str:
    return name.lower().replace("-", "_")


@rule(
    "SK223",
    "sensitive-columns-without-rls",
    "error",
    summary="a table readable through the API without RLS has password, token, ssn, card-number ... columns",
    counterpart="0023_sensitive_columns_exposed",
    help="ALTER TABLE ... ENABLE ROW LEVEL SECURITY and add policies, or move the columns out of the exposed schema",
    options=(SENSITIVE_COLUMNS,),
    structure=True,
)
def check(ctx: LintContext) -> Iterator[Finding]:
    names = {normalised(n) for n in ctx.settings.option(SENSITIVE_COLUMNS.name)}
    for table in ctx.model.tables.values():
        if table.kind != "table" or table.rls_enabled or not ctx.is_exposed(table.schema):
            continue
        found = [c for c in table.columns if normalised(c) in names]
        if not found:
            continue
        who = readers(ctx, table.privileges)
        if who:
            yield ctx.finding(
                "SK223",
                table.rls_origin or table.origin,
                f"table {table.qualified_name} has RLS off and is readable by {' and '.join(who)}, "
                f"and its columns {', '.join(found)} look sensitive: every row is public",
                help=f"ALTER TABLE {qualified(table.schema, table.name)} enable row level "
                "security; then add policies (or move the columns to a table the API cannot read)",
                object=table.qualified_name,
            )
