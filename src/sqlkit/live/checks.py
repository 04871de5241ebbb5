"""What `sqlkit lint --dsn` asks the database itself: one catalog query per rule code.

Two kinds. The live-only checks (SK501-SK504) need what only a running database knows:
statistics, installed versions, rows of `storage.buckets`. The structure rules
(SK214-SK224) are decided statically from files; a live database's model has no table
structure (`Model.has_structure`), so here each has a query with the same semantics,
which also proves the static rule right (tests/integration/test_advisor_live.py applies
every YAML case to a real database and compares). Each check returns `Observation`s
naming the object, which lint turns into findings like any other.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

import psycopg

from sqlkit.config import Settings
from sqlkit.lint.context import Observation
from sqlkit.model.platform import (
    OWN_SCHEMA_EXTENSIONS,
    PLATFORM_SCHEMAS,
    UNSUPPORTED_REG_TYPES,
)

Check = Callable[[psycopg.Connection, Settings], list[Observation]]
API_READERS = ("anon", "authenticated")

# SQL fragments: the relation `c` in namespace `n` belongs to the project
_USER_SCHEMA = "n.nspname <> all(%(platform)s) and n.nspname !~ '^pg_(temp|toast)'"
_NOT_EXTENSION_MEMBER = (
    "not exists (select 1 from pg_catalog.pg_depend d where d.classid = "
    "'pg_catalog.pg_class'::pg_catalog.regclass and d.objid = c.oid and d.deptype = 'e')"
)
# the key columns, in index order, that an index starts with: `lead(i, n)` as SQL
_LEADING = (
    "(select pg_catalog.array_agg(k order by k) from pg_catalog.unnest("
    "(i.indkey::pg_catalog.int2[])[0:{n} - 1]) k)"
)
_SORTED_CONKEY = "(select pg_catalog.array_agg(k order by k) from pg_catalog.unnest(con.conkey) k)"


def _params(settings: Settings, **extra: Any) -> dict[str, Any]:
    return {
        "platform": sorted(PLATFORM_SCHEMAS),
        "exposed": list(settings.exposed_schemas),
        **extra,
    }


def _readers(conn: psycopg.Connection) -> list[str]:
    """The API roles this server has (a plain Postgres may have none)."""
    rows = conn.execute(
        "select rolname from pg_catalog.pg_roles where rolname = any(%s)", (list(API_READERS),)
    ).fetchall()
    present = {row[0] for row in rows}
    return [role for role in API_READERS if role in present]


def _who(readers: list[str], granted: list[bool]) -> list[str]:
    return [role for role, yes in zip(readers, granted, strict=True) if yes]


def _select_privileges(readers: list[str], *, column: bool = False) -> str:
    """SQL: an array of booleans, one per reader, true when it may SELECT from `c`."""
    if column:  # any column selectable: what pg_graphql shows a role
        checks = [
            "exists (select 1 from pg_catalog.pg_attribute a where a.attrelid = c.oid and "
            f"a.attnum > 0 and not a.attisdropped and pg_catalog.has_column_privilege("
            f"'{role}', c.oid, a.attnum, 'SELECT'))"
            for role in readers
        ]
    else:
        checks = [f"pg_catalog.has_table_privilege('{role}', c.oid, 'SELECT')" for role in readers]
    return f"array[{', '.join(checks)}]::bool[]"


def _ident(name: str) -> str:
    return name if re.fullmatch(r"[a-z_][a-z0-9_$]*", name) else '"' + name.replace('"', '""') + '"'


# ------------------------------------------------------------- structure rules, live
def unindexed_foreign_keys(conn: psycopg.Connection, settings: Settings) -> list[Observation]:
    rows = conn.execute(
        f"""
        select n.nspname, c.relname, con.conname,
               array(select a.attname::text from pg_catalog.unnest(con.conkey)
                     with ordinality k(attnum, ord) join pg_catalog.pg_attribute a
                     on a.attrelid = con.conrelid and a.attnum = k.attnum order by k.ord),
               rn.nspname, rc.relname
        from pg_catalog.pg_constraint con
        join pg_catalog.pg_class c on c.oid = con.conrelid
        join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        join pg_catalog.pg_class rc on rc.oid = con.confrelid
        join pg_catalog.pg_namespace rn on rn.oid = rc.relnamespace
        where con.contype = 'f' and con.conparentid = 0 and not c.relispartition
          and {_USER_SCHEMA} and {_NOT_EXTENSION_MEMBER}
          and not exists (
            select 1 from pg_catalog.pg_index i
            where i.indrelid = con.conrelid and i.indisvalid and i.indpred is null
              and i.indnkeyatts >= pg_catalog.cardinality(con.conkey)
              and {_LEADING.format(n="pg_catalog.cardinality(con.conkey)")} = {_SORTED_CONKEY})
        order by 1, 2, 3
        """,
        _params(settings),
    ).fetchall()
    out = []
    for schema, table, name, columns, ref_schema, ref_table in rows:
        out.append(
            Observation(
                "SK214",
                f"{schema}.{table}.{name}",
                f"foreign key {name} of {schema}.{table} ({', '.join(columns)}) references "
                f"{ref_schema}.{ref_table} and no index starts with its columns: each delete in "
                f"{ref_schema}.{ref_table} scans {schema}.{table}",
                f"create index on {_ident(schema)}.{_ident(table)} "
                f"({', '.join(_ident(c) for c in columns)});",
            )
        )
    return out


def tables_without_primary_key(conn: psycopg.Connection, settings: Settings) -> list[Observation]:
    rows = conn.execute(
        f"""
        select n.nspname, c.relname
        from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        where c.relkind in ('r', 'p') and not c.relispartition and n.nspname = any(%(exposed)s)
          and {_NOT_EXTENSION_MEMBER}
          and not exists (select 1 from pg_catalog.pg_index i
                          where i.indrelid = c.oid and i.indisprimary)
        order by 1, 2
        """,
        _params(settings),
    ).fetchall()
    return [
        Observation(
            "SK215",
            f"{schema}.{table}",
            f"table {schema}.{table} has no primary key: its rows cannot be told apart, and "
            "Realtime cannot send its updates and deletes",
        )
        for schema, table in rows
    ]


def duplicate_indexes(conn: psycopg.Connection, settings: Settings) -> list[Observation]:
    # pg_get_indexdef without "CREATE [UNIQUE] INDEX <name>": the definition two indexes share
    rows = conn.execute(
        f"""
        select n.nspname, c.relname,
               array_agg(ic.relname::text order by i.indisprimary desc, owned desc, ic.oid)
        from (
          select i.*, exists (select 1 from pg_catalog.pg_constraint k
                              where k.conindid = i.indexrelid and k.contype in ('p', 'u', 'x')
                                and k.conrelid = i.indrelid) as owned
          from pg_catalog.pg_index i
        ) i
        join pg_catalog.pg_class ic on ic.oid = i.indexrelid
        join pg_catalog.pg_class c on c.oid = i.indrelid
        join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        where c.relkind in ('r', 'p', 'm') and {_USER_SCHEMA} and {_NOT_EXTENSION_MEMBER}
        group by c.oid, n.nspname, c.relname, i.indisunique,
                 pg_catalog.substr(pg_catalog.pg_get_indexdef(i.indexrelid),
                   pg_catalog.length('CREATE ' || case when i.indisunique then 'UNIQUE ' else '' end
                                     || 'INDEX ' || pg_catalog.quote_ident(ic.relname)) + 1)
        having count(*) > 1
        order by 1, 2
        """,
        _params(settings),
    ).fetchall()
    out = []
    for schema, table, names in rows:
        keep = names[0]  # the primary key's, else one a constraint owns, else the oldest
        for name in names[1:]:
            out.append(
                Observation(
                    "SK216",
                    f"{schema}.{name}",
                    f"index {schema}.{name} duplicates {schema}.{keep} (on {schema}.{table}): "
                    "every write maintains both",
                    f"drop index {_ident(schema)}.{_ident(name)};",
                )
            )
    return out


def extensions_in_public(conn: psycopg.Connection, settings: Settings) -> list[Observation]:
    rows = conn.execute(
        """
        select e.extname from pg_catalog.pg_extension e
        join pg_catalog.pg_namespace n on n.oid = e.extnamespace
        where n.nspname = 'public' and e.extname <> all(%s) order by 1
        """,
        (sorted(OWN_SCHEMA_EXTENSIONS),),
    ).fetchall()
    return [
        Observation(
            "SK217",
            name,
            f"extension {name} is installed in schema public: its functions are API endpoints "
            "and its names share the API schema",
            f"alter extension {_ident(name)} set schema extensions;",
        )
        for (name,) in rows
    ]


def _exposed_relations(
    conn: psycopg.Connection, settings: Settings, relkind: str, code: str, what: str
) -> list[Observation]:
    readers = _readers(conn)
    if not readers:
        return []
    rows = conn.execute(
        f"""
        select n.nspname, c.relname, {_select_privileges(readers)}
        from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        where c.relkind = %(relkind)s and n.nspname = any(%(exposed)s) and {_NOT_EXTENSION_MEMBER}
        order by 1, 2
        """,
        _params(settings, relkind=relkind),
    ).fetchall()
    out = []
    for schema, name, granted in rows:
        who = _who(readers, granted)
        if who:
            out.append(
                Observation(
                    code,
                    f"{schema}.{name}",
                    f"{what} {schema}.{name} is readable by {' and '.join(who)} through the API, "
                    f"and a {what} has no row level security",
                )
            )
    return out


def materialized_views_exposed(conn: psycopg.Connection, settings: Settings) -> list[Observation]:
    return _exposed_relations(conn, settings, "m", "SK218", "materialized view")


def foreign_tables_exposed(conn: psycopg.Connection, settings: Settings) -> list[Observation]:
    return _exposed_relations(conn, settings, "f", "SK219", "foreign table")


def unsupported_reg_types(conn: psycopg.Connection, settings: Settings) -> list[Observation]:
    names = sorted(UNSUPPORTED_REG_TYPES)
    rows = conn.execute(
        """
        select n.nspname, c.relname, a.attname,
               pg_catalog.format_type(a.atttypid, a.atttypmod)
        from pg_catalog.pg_attribute a
        join pg_catalog.pg_class c on c.oid = a.attrelid
        join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        join pg_catalog.pg_type t on t.oid = a.atttypid
        where a.attnum > 0 and not a.attisdropped and c.relkind in ('r', 'p', 'f')
          and n.nspname not in ('pg_catalog', 'information_schema', 'pgsodium')
          and t.typnamespace = 'pg_catalog'::pg_catalog.regnamespace
          and (t.typname = any(%(names)s) or t.typname = any(%(arrays)s))
        order by 1, 2, a.attnum
        """,
        {"names": names, "arrays": ["_" + n for n in names]},
    ).fetchall()
    return [
        Observation(
            "SK220",
            f"{schema}.{table}.{column}",
            f"column {column} of {schema}.{table} has type {type_}: pg_upgrade cannot upgrade "
            f"a database with such a column",
        )
        for schema, table, column, type_ in rows
    ]


def queues_without_rls(conn: psycopg.Connection, settings: Settings) -> list[Observation]:
    readers = _readers(conn)
    if "pgmq_public" not in settings.exposed_schemas or not readers:
        return []
    rows = conn.execute(
        f"""
        select n.nspname, c.relname, {_select_privileges(readers)}
        from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'pgmq' and c.relname like 'q\\_%%' and c.relkind in ('r', 'p')
          and not c.relrowsecurity
        order by 2
        """
    ).fetchall()
    return [
        Observation(
            "SK221",
            f"{schema}.{name}",
            f"queue table {schema}.{name} is exposed through pgmq_public and readable by "
            f"{' and '.join(_who(readers, granted))} with RLS off",
        )
        for schema, name, granted in rows
        if any(granted)
    ]


def foreign_keys_to_auth_unique(conn: psycopg.Connection, settings: Settings) -> list[Observation]:
    rows = conn.execute(
        f"""
        select n.nspname, c.relname, con.conname, rc.relname,
               array(select a.attname::text from pg_catalog.unnest(con.confkey)
                     with ordinality k(attnum, ord) join pg_catalog.pg_attribute a
                     on a.attrelid = con.confrelid and a.attnum = k.attnum order by k.ord)
        from pg_catalog.pg_constraint con
        join pg_catalog.pg_class c on c.oid = con.conrelid
        join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        join pg_catalog.pg_class rc on rc.oid = con.confrelid
        join pg_catalog.pg_namespace rn on rn.oid = rc.relnamespace
        join pg_catalog.pg_index i on i.indexrelid = con.conindid
        where con.contype = 'f' and rn.nspname = 'auth' and i.indisunique and not i.indisprimary
          and {_USER_SCHEMA}
        order by 1, 2, 3
        """,
        _params(settings),
    ).fetchall()
    return [
        Observation(
            "SK222",
            f"{schema}.{table}.{name}",
            f"foreign key {name} of {schema}.{table} references auth.{ref} ({', '.join(cols)}), "
            "a unique constraint Supabase Auth owns and may change, not the primary key",
        )
        for schema, table, name, ref, cols in rows
    ]


def sensitive_columns(conn: psycopg.Connection, settings: Settings) -> list[Observation]:
    readers = _readers(conn)
    if not readers:
        return []
    # the rule's setting (its default recorded in sqlkit/data/rule_options.json)
    names = sorted({n.lower().replace("-", "_") for n in settings.option("sensitive_column_names")})
    rows = conn.execute(
        f"""
        select n.nspname, c.relname, {_select_privileges(readers)},
               array(select a.attname::text from pg_catalog.pg_attribute a
                     where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
                       and pg_catalog.replace(pg_catalog.lower(a.attname), '-', '_') = any(%(names)s)
                     order by a.attnum)
        from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        where c.relkind = 'r' and not c.relrowsecurity and n.nspname = any(%(exposed)s)
        order by 1, 2
        """,
        _params(settings, names=names),
    ).fetchall()
    return [
        Observation(
            "SK223",
            f"{schema}.{table}",
            f"table {schema}.{table} has RLS off and is readable by "
            f"{' and '.join(_who(readers, granted))}, and its columns {', '.join(columns)} look "
            "sensitive: every row is public",
        )
        for schema, table, granted, columns in rows
        if columns and any(granted)
    ]


def graphql_visible(conn: psycopg.Connection, settings: Settings) -> list[Observation]:
    readers = _readers(conn)
    installed = conn.execute(
        "select 1 from pg_catalog.pg_extension where extname = 'pg_graphql'"
    ).fetchone()
    if not readers or installed is None:
        return []
    kinds = {"r": "table", "v": "view", "m": "materialized view", "f": "foreign table"}
    rows = conn.execute(
        f"""
        select n.nspname, c.relname, c.relkind::text, {_select_privileges(readers, column=True)}
        from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        where c.relkind in ('r', 'v', 'm', 'f') and {_USER_SCHEMA} and {_NOT_EXTENSION_MEMBER}
        order by 1, 2
        """,
        _params(settings),
    ).fetchall()
    return [
        Observation(
            "SK224",
            f"{schema}.{name}",
            f"{kinds[kind]} {schema}.{name} is visible in the GraphQL schema to "
            f"{' and '.join(_who(readers, granted))}: they can SELECT it, and pg_graphql shows "
            "them its columns and relationships",
        )
        for schema, name, kind, granted in rows
        if any(granted)
    ]


# --------------------------------------------------------------------- live-only checks
def unused_indexes(conn: psycopg.Connection, settings: Settings) -> list[Observation]:
    rows = conn.execute(
        f"""
        with fk as (
          select con.oid, con.conrelid, con.conkey from pg_catalog.pg_constraint con
          where con.contype = 'f' and con.conparentid = 0
        ), covers as (  -- which index covers which foreign key (SK214's test)
          select con.oid as fk, i.indexrelid
          from fk con join pg_catalog.pg_index i on i.indrelid = con.conrelid
          where i.indisvalid and i.indpred is null
            and i.indnkeyatts >= pg_catalog.cardinality(con.conkey)
            and {_LEADING.format(n="pg_catalog.cardinality(con.conkey)")} = {_SORTED_CONKEY}
        )
        select s.schemaname, s.relname, s.indexrelname,
               pg_catalog.pg_size_pretty(pg_catalog.pg_relation_size(s.indexrelid)),
               t.idx_scan
        from pg_catalog.pg_stat_user_indexes s
        join pg_catalog.pg_index i on i.indexrelid = s.indexrelid
        join pg_catalog.pg_stat_user_tables t on t.relid = s.relid
        join pg_catalog.pg_class c on c.oid = s.relid
        join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        where s.idx_scan = 0 and not i.indisunique and not i.indisprimary
          and {_USER_SCHEMA} and {_NOT_EXTENSION_MEMBER}
          -- the table was read through its other indexes since statistics began: the
          -- workload looks rows up there, never with this one (index builds and foreign key
          -- checks count as sequential scans, so a fresh deploy reads every table)
          and coalesce(t.idx_scan, 0) > 0
          -- the only index covering a foreign key is not unused: dropping it brings SK214
          and not exists (
            select 1 from covers cv where cv.indexrelid = s.indexrelid
              and not exists (select 1 from covers other
                              where other.fk = cv.fk and other.indexrelid <> cv.indexrelid))
        order by 1, 2, 3
        """,
        _params(settings),
    ).fetchall()
    return [
        Observation(
            "SK501",
            f"{schema}.{index}",
            f"index {schema}.{index} on {schema}.{table} has never been used since statistics "
            f"began, while the table's other indexes were used {reads} times: it costs {size} "
            "and every write",
            f"drop index concurrently {_ident(schema)}.{_ident(index)}; (after checking the "
            "statistics cover a full cycle of your workload, and on replicas too)",
        )
        for schema, table, index, size, reads in rows
    ]


def bloated_tables(conn: psycopg.Connection, settings: Settings) -> list[Observation]:
    rows = conn.execute(
        f"""
        with widths as (  -- bytes per row the statistics expect, header and nulls included
          select schemaname, tablename,
                 24 + case when bool_or(null_frac > 0) then ceil(count(*) / 8.0) else 0 end
                    + sum((1 - null_frac::numeric) * avg_width) + 4 as row_bytes
          from pg_catalog.pg_stats where not inherited group by 1, 2
        ), estimate as (
          select n.nspname, c.relname, c.relpages::numeric as pages,
                 ceil(c.reltuples::numeric * w.row_bytes::numeric
                      / ((pg_catalog.current_setting('block_size')::numeric - 24)
                         * coalesce((select pg_catalog.split_part(o, '=', 2)::numeric
                                     from pg_catalog.unnest(c.reloptions) o
                                     where o like 'fillfactor=%%'), 100) / 100)) as needed
          from pg_catalog.pg_class c
          join pg_catalog.pg_namespace n on n.oid = c.relnamespace
          join widths w on w.schemaname = n.nspname and w.tablename = c.relname
          where c.relkind = 'r' and c.reltuples >= 0 and {_USER_SCHEMA}
            and c.relam = (select oid from pg_catalog.pg_am where amname = 'heap')
        )
        select nspname, relname, round(pages / greatest(needed, 1), 1),
               pg_catalog.pg_size_pretty(((pages - needed)
                 * pg_catalog.current_setting('block_size')::numeric)::bigint)
        from estimate
        where pages >= 2 * greatest(needed, 1)
          and (pages - needed) * pg_catalog.current_setting('block_size')::numeric
              >= 20 * 1024 * 1024
        order by 1, 2
        """,
        _params(settings),
    ).fetchall()
    return [
        Observation(
            "SK502",
            f"{schema}.{table}",
            f"table {schema}.{table} takes about {ratio}x the pages its live rows need "
            f"(~{waste} of dead space the statistics estimate)",
        )
        for schema, table, ratio, waste in rows
    ]


def outdated_extensions(conn: psycopg.Connection, settings: Settings) -> list[Observation]:
    rows = conn.execute(
        """
        select e.extname, e.extversion, a.default_version
        from pg_catalog.pg_extension e
        join pg_catalog.pg_available_extensions a on a.name = e.extname
        where a.default_version is not null and e.extversion <> a.default_version
          -- a version this server can still install (not the leftover of an upgrade)
          and exists (select 1 from pg_catalog.pg_available_extension_versions v
                      where v.name = e.extname and v.version = e.extversion)
        order by 1
        """
    ).fetchall()
    return [
        Observation(
            "SK503",
            name,
            f"extension {name} is at version {installed}; this server has {default}",
            f"alter extension {_ident(name)} update;",
        )
        for name, installed, default in rows
    ]


_BUCKET_ONLY = re.compile(
    r"^\(*\s*bucket_id\s*=\s*'((?:[^']|'')*)'(?:\s*::\s*[\w.]+)?\s*\)*$", re.IGNORECASE
)


def _lists_bucket(qual: str | None, bucket: str) -> bool:
    """Does a SELECT policy's USING let a client list the whole bucket (no condition, `true`,
    or only `bucket_id = '<bucket>'`)?"""
    if qual is None:
        return True
    squeezed = re.sub(r"\s+", "", qual.lower())
    if squeezed in ("true", "(true)", "1=1", "(1=1)"):
        return True
    match = _BUCKET_ONLY.match(qual.strip())
    return match is not None and match.group(1).replace("''", "'") == bucket


def public_buckets_listing(conn: psycopg.Connection, settings: Settings) -> list[Observation]:
    present = conn.execute(
        "select pg_catalog.to_regclass('storage.buckets') is not null "
        "and pg_catalog.to_regclass('storage.objects') is not null"
    ).fetchone()
    if not present or not present[0]:
        return []
    buckets = conn.execute(
        "select id::text, name::text from storage.buckets where public order by 1"
    ).fetchall()
    if not buckets:
        return []
    policies = conn.execute(
        """
        select p.polname, pg_catalog.pg_get_expr(p.polqual, p.polrelid)
        from pg_catalog.pg_policy p
        where p.polrelid = 'storage.objects'::pg_catalog.regclass and p.polpermissive
          and p.polcmd in ('r', '*')
          and (0::pg_catalog.oid = any(p.polroles) or exists (
                select 1 from pg_catalog.pg_roles r
                where r.oid = any(p.polroles) and r.rolname in ('anon', 'authenticated')))
        order by 1
        """
    ).fetchall()
    out = []
    for bucket, name in buckets:
        names = [policy for policy, qual in policies if _lists_bucket(qual, bucket)]
        if names:
            out.append(
                Observation(
                    "SK504",
                    f"storage.buckets.{bucket}",
                    f"public bucket {name} can be listed: SELECT on storage.objects is open to "
                    f"every client by {', '.join(names)}; public URLs work without it",
                    "drop the broad SELECT policy (a public bucket serves its files by URL), or "
                    "scope it to the owner: using (bucket_id = '...' and owner = (select auth.uid()))",
                )
            )
    return out


CHECKS: dict[str, Check] = {
    "SK214": unindexed_foreign_keys,
    "SK215": tables_without_primary_key,
    "SK216": duplicate_indexes,
    "SK217": extensions_in_public,
    "SK218": materialized_views_exposed,
    "SK219": foreign_tables_exposed,
    "SK220": unsupported_reg_types,
    "SK221": queues_without_rls,
    "SK222": foreign_keys_to_auth_unique,
    "SK223": sensitive_columns,
    "SK224": graphql_visible,
    "SK501": unused_indexes,
    "SK502": bloated_tables,
    "SK503": outdated_extensions,
    "SK504": public_buckets_listing,
}


def run_checks(
    conn: psycopg.Connection, settings: Settings, codes: Iterable[str]
) -> tuple[list[Observation], list[str]]:
    """The observations of the checks of `codes`, and a note for each check that could not
    run (a role without access to a catalog view or to storage.buckets, say)."""
    observations: list[Observation] = []
    notes: list[str] = []
    for code in codes:
        check = CHECKS.get(code)
        if check is None:
            continue
        try:
            with conn.transaction():  # a savepoint when the caller has a transaction open
                observations.extend(check(conn, settings))
        except psycopg.Error as exc:
            notes.append(f"{code} could not run: {str(exc).strip().splitlines()[0]}")
    return observations, notes
