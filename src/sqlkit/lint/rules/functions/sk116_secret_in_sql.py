"""
## What it does
Reports, once per credential, a secret written in SQL that reaches the database:
in a function's text (string literals, and comments inside the body — both are stored
in `pg_proc.prosrc`), in a table's column defaults, in `ALTER DATABASE|ROLE ... SET`,
and in `SET` / `set_config(...)` statements. A credential is a JWT (three base64url
segments, the first starting `eyJ`), `Bearer <token>`, a Postgres URL with a password,
or a key with a well-known prefix (`sk_live_`, `sk_test_`, `rk_live_`, `AKIA`, `ghp_`,
`xoxb-`, `sb_secret_`). Placeholders (`YOUR_ANON_KEY`, `<SUPABASE_KEY>`) are not
credentials. The message names what the credential is (a JWT's role claim included)
and where it is stored, never the secret itself.

## Why is this bad?
The secret is in every clone of the repository and in its history, in every database
dump, and readable by every role that can read the catalog (`pg_proc`,
`pg_db_role_setting`, `pg_attrdef`) — often every role. A service-role JWT there gives
whoever finds it full access to the project, RLS bypassed.

## Example
```sql
create function public.notify_worker() returns void
language plpgsql security definer set search_path = '' as $$ -- definer: calls the worker
begin
  perform net.http_post('https://worker.example.com/run',
    headers => jsonb_build_object('Authorization',
      'Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ'));
end $$;
```

## Use instead
```sql
create function public.notify_worker() returns void
language plpgsql security definer set search_path = '' as $$ -- definer: reads the vault
begin
  perform net.http_post('https://worker.example.com/run',
    headers => jsonb_build_object('Authorization', 'Bearer ' ||
      (select decrypted_secret from vault.decrypted_secrets where name = 'worker_key')));
end $$;
```

## References
- [Supabase Vault](https://supabase.com/docs/guides/database/vault)
- [OWASP: Use of hard-coded credentials](https://owasp.org/www-community/vulnerabilities/Use_of_hard-coded_password)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlkit.lint.registry import rule

if TYPE_CHECKING:
    from sqlkit.lint.context import LintContext
    from sqlkit.lint.finding import Finding
    from sqlkit.model.events import Secret

_STORED = {
    "function": "pg_proc.prosrc",
    "procedure": "pg_proc.prosrc",
    "table": "pg_attrdef (column defaults) or the table's definition",
    "role": "pg_db_role_setting, applied to every session of the role",
    "database": "pg_db_role_setting, applied to every session",
    "setting": "the server's log and every session that reads the setting",
}


@rule(
    "SK116",
    "secret-in-sql",
    "error",
    summary="a credential (JWT, bearer token, key, URL with a password) is written in SQL "
    "that reaches the database",
    help="keep it out of SQL: store it with SELECT vault.create_secret('<value>', '<name>') "
    "outside the migrations and read vault.decrypted_secrets where you need it",
)
def check(ctx: LintContext) -> Iterator[Finding]:
    for secret in ctx.model.secrets:
        yield ctx.finding(
            "SK116",
            secret.origin,
            f"{secret.credential} is written in {_where(secret)}: it is stored in "
            f"{_STORED.get(secret.place, 'the database')}, in every dump and in the "
            "repository's history — rotate it and keep it out of SQL",
            help="rotate the credential, then read it at run time: (SELECT decrypted_secret "
            "FROM vault.decrypted_secrets WHERE name = '<name>') -- stored once with "
            "vault.create_secret(), outside the migrations",
            object=f"{secret.schema}.{secret.name}" if secret.schema else (secret.name or None),
        )


def _where(secret: Secret) -> str:
    name = f"{secret.schema}.{secret.name}" if secret.schema else secret.name
    if secret.place in ("function", "procedure"):
        return f"{secret.place} {name}"
    if secret.place == "table":
        return f"the definition of table {name}"
    if secret.place == "role":
        return f"a setting of role {name}"
    if secret.place == "database":
        return f"a setting of database {name}"
    return f"a value of setting {name}" if name else "a session setting"
