"""Why pglast: how many statements pglast and sqlglot (postgres dialect) each understand.

    python benchmarks/parser_compare.py [PG_REGRESS_DIR]

Corpora:
  (a) the reference backend: the `*.sql` files under migrations/, functions/,
      triggers/ and policies/ (a `*.sql.j2` source is skipped when its rendered
      `.sql` sits next to it, and rendered with sqlkit's Renderer otherwise);
  (b) PostgreSQL's regression SQL, when PG_REGRESS_DIR is given and exists; build
      it outside the repository from a clone of github.com/pganalyze/libpg_query
      with benchmarks/pg_regress_corpus.sh. psql meta-commands and COPY ... FROM
      stdin data are removed first (they are psql's, not SQL); statements with
      psql variables (`:name`) stay, and neither parser understands them.

Both parsers get the same statements: a file is split at pglast's statement
boundaries when the whole file parses, else by sqlkit's splitter (quote, comment
and BEGIN ATOMIC aware) — the same split `sqlkit lint` makes.

Understood means: pglast parses the statement into a statement node; sqlglot
parses it without error into something other than `exp.Command` (a statement it
could only keep as text). Function bodies are counted apart: a `LANGUAGE plpgsql`
or `LANGUAGE sql` string body, or a DO block, that pglast parses into a tree
(`parse_plpgsql` / `parse_sql`); sqlglot has no PL/pgSQL parser, so for it the
count is of bodies it at least keeps, as a string, where they belong.
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from importlib.metadata import version
from pathlib import Path

import pglast
from pglast import ast, parse_plpgsql, parse_sql

ROOT = Path(__file__).resolve().parent.parent
BACKEND_FOLDERS = ("migrations", "functions", "triggers", "policies")

# psql meta-commands that send the query buffer, like a semicolon would
_SENDS_QUERY = re.compile(r"(?<=\s)\\(?:g|gx|gset|gexec|gdesc|crosstabview)\b.*$")
_META_LINE = re.compile(r"^\s*\\")
_FROM_STDIN = re.compile(r"\bfrom\s+stdin\b", re.IGNORECASE)


@dataclass
class Tally:
    statements: int = 0
    pglast: int = 0
    sqlglot: int = 0  # parsed, and not exp.Command at the top
    sqlglot_command: int = 0
    sqlglot_error: int = 0
    sqlglot_nested_command: int = 0  # understood at the top, with a Command inside
    bodies: int = 0
    pglast_bodies: int = 0
    sqlglot_bodies: int = 0  # kept, as a string: sqlglot has no PL/pgSQL parser
    pglast_seconds: float = 0.0
    sqlglot_seconds: float = 0.0
    missed_by_sqlglot: Counter[str] = field(default_factory=Counter)


def strip_psql(text: str) -> str:
    """What psql would send to the server: no meta-command lines, no COPY data."""
    out: list[str] = []
    copy_pending = in_copy_data = False
    for line in text.splitlines():
        if in_copy_data:
            in_copy_data = line.strip() != "\\."
            continue
        if _FROM_STDIN.search(line):
            copy_pending = True
        if _META_LINE.match(line):
            command = line.strip().split()[0]
            if copy_pending and command == "\\copy":
                in_copy_data, copy_pending = True, False
            out.append(";" if _SENDS_QUERY.search(" " + line.strip()) else "")
            continue
        line = _SENDS_QUERY.sub(";", line).replace("\\;", ";")  # psql's \; is a plain ;
        out.append(line)
        if copy_pending and line.rstrip().endswith(";"):
            in_copy_data, copy_pending = True, False
    return "\n".join(out)


def split_statements(text: str) -> list[str]:
    """pglast's statement boundaries when the file parses; else sqlkit's splitter."""
    try:
        return [s for s in pglast.split(text) if s.strip()]
    except pglast.parser.ParseError:
        from sqlkit.sql.split import split_text

        pieces = (text[start:end].strip().rstrip(";").strip() for start, end in split_text(text))
        return [p for p in pieces if p and not _only_comments(p)]


def _only_comments(piece: str) -> bool:
    try:
        tokens = pglast.parser.scan(piece)
    except pglast.parser.ParseError:
        return False
    return all(token.name in ("SQL_COMMENT", "C_COMMENT") for token in tokens)


def backend_files() -> list[tuple[str, str]]:
    files: list[tuple[str, str]] = []
    renderer = None
    for folder in BACKEND_FOLDERS:
        for path in sorted((ROOT / folder).rglob("*.sql")):
            files.append((str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")))
        for path in sorted((ROOT / folder).rglob("*.sql.j2")):
            if path.with_suffix("").exists():
                continue  # its rendered output is already in the list
            if renderer is None:
                from sqlkit.config import load_settings
                from sqlkit.render.render import Renderer

                renderer = Renderer(load_settings(ROOT))
            files.append((str(path.relative_to(ROOT)), renderer.render_source(path)))
    return files


def regress_files(folder: Path) -> list[tuple[str, str]]:
    return [
        (path.name, strip_psql(path.read_text(encoding="utf-8")))
        for path in sorted(folder.glob("*.sql"))
    ]


def _body(node: ast.Node) -> tuple[str, str] | None:
    """(language, body) of a CREATE FUNCTION/PROCEDURE with a string body, or of a DO block."""
    if isinstance(node, ast.DoStmt):
        options = {o.defname: o.arg for o in node.args or ()}
        language = options["language"].sval if "language" in options else "plpgsql"
        return language, options["as"].sval
    if isinstance(node, ast.CreateFunctionStmt) and node.sql_body is None:
        options = {o.defname: o.arg for o in node.options or ()}
        language = options["language"].sval if "language" in options else "sql"
        body = options.get("as")
        if body is None:
            return None
        items = body if isinstance(body, tuple) else (body,)
        return language, items[0].sval
    return None


def _pglast_body_ok(statement: str, language: str, body: str) -> bool:
    try:
        if language == "plpgsql":
            parse_plpgsql(statement)
        else:
            parse_sql(body)
    except Exception:
        return False
    return True


def measure(files: list[tuple[str, str]]) -> Tally:
    import sqlglot
    from sqlglot import exp

    logging.getLogger("sqlglot").setLevel(logging.CRITICAL)  # its "falling back to Command"
    tally = Tally()
    for _name, text in files:
        for statement in split_statements(text):
            tally.statements += 1
            started = time.perf_counter()
            try:
                raw = parse_sql(statement)
                nodes = [r.stmt for r in raw]
                understood = bool(nodes) and all(n is not None for n in nodes)
            except Exception:
                nodes, understood = [], False
            kind = type(nodes[0]).__name__ if understood else ""
            body = _body(nodes[0]) if understood and len(nodes) == 1 else None
            if body is not None and body[0] in ("sql", "plpgsql"):
                tally.bodies += 1
                tally.pglast_bodies += _pglast_body_ok(statement, *body)
            tally.pglast_seconds += time.perf_counter() - started
            tally.pglast += understood

            started = time.perf_counter()
            try:
                trees = [t for t in sqlglot.parse(statement, read="postgres") if t is not None]
            except Exception:  # ParseError, TokenError, and whatever else it raises
                trees = None
            tally.sqlglot_seconds += time.perf_counter() - started
            if trees is None:
                tally.sqlglot_error += 1
            elif not trees or any(isinstance(t, exp.Command) for t in trees):
                tally.sqlglot_command += 1
            else:
                tally.sqlglot += 1
                if any(isinstance(n, exp.Command) for t in trees for n in t.walk()):
                    tally.sqlglot_nested_command += 1
            sqlglot_ok = bool(trees) and not any(isinstance(t, exp.Command) for t in trees)
            if understood and not sqlglot_ok:
                tally.missed_by_sqlglot[kind] += 1
            if body is not None and body[0] in ("sql", "plpgsql") and sqlglot_ok:
                assert trees is not None
                # anything else (None, an Alias, a Block) means the body was misread:
                # e.g. `SET search_path = '' AS $$...$$` becomes an alias of ''
                if isinstance(trees[0].args.get("expression"), (exp.Heredoc, exp.Literal)):
                    tally.sqlglot_bodies += 1
    return tally


def _pct(part: int, whole: int) -> str:
    return f"{part:>6} ({100 * part / whole:5.1f}%)" if whole else f"{part:>6}"


def report(title: str, files: int, tally: Tally) -> None:
    n = tally.statements
    print(f"\n{title}: {files} files, {n} statements")
    print(f"  pglast  understands     {_pct(tally.pglast, n)}   {tally.pglast_seconds:.2f}s")
    print(f"  sqlglot understands     {_pct(tally.sqlglot, n)}   {tally.sqlglot_seconds:.2f}s")
    print(f"          as exp.Command  {_pct(tally.sqlglot_command, n)}")
    print(f"          errors          {_pct(tally.sqlglot_error, n)}")
    print(f"          (understood, with an exp.Command inside: {tally.sqlglot_nested_command})")
    b = tally.bodies
    print(f"  function bodies and DO blocks (LANGUAGE sql/plpgsql): {b}")
    print(f"    pglast  parses it into a tree   {_pct(tally.pglast_bodies, b)}")
    print(f"    sqlglot keeps it as a string    {_pct(tally.sqlglot_bodies, b)}")
    lost = b - tally.sqlglot_bodies
    print(f"            misreads or loses it    {_pct(lost, b)}")
    if tally.missed_by_sqlglot:
        kinds = ", ".join(f"{k} {v}" for k, v in tally.missed_by_sqlglot.most_common(12))
        print(f"  statements pglast understands and sqlglot does not, by kind: {kinds}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "pg_regress",
        nargs="?",
        type=Path,
        help="folder of PostgreSQL regression .sql files (pg_regress_corpus.sh output)",
    )
    args = parser.parse_args()
    try:
        sqlglot_version = version("sqlglot")
    except Exception:
        print("sqlglot is not installed: pip install -e '.[bench]' (make bench does it)")
        return 2
    libpg = ".".join(map(str, pglast.parser.get_postgresql_version()))
    print(
        f"{date.today().isoformat()}: pglast {version('pglast')} (PostgreSQL {libpg} parser), "
        f"sqlglot {sqlglot_version} (read='postgres'), Python {sys.version.split()[0]}"
    )
    files = backend_files()
    report("(a) reference backend", len(files), measure(files))
    if args.pg_regress is None or not args.pg_regress.is_dir():
        where = f" ({args.pg_regress} is not a folder)" if args.pg_regress else ""
        print(
            f"\n(b) PostgreSQL regression corpus: skipped{where}. Build it outside the repo:\n"
            "    git clone https://github.com/pganalyze/libpg_query /tmp/libpg_query\n"
            "    benchmarks/pg_regress_corpus.sh /tmp/libpg_query /tmp/pg_regress\n"
            "    then pass the folder: make bench PG_REGRESS=/tmp/pg_regress"
        )
        return 0
    files = regress_files(args.pg_regress)
    report(f"(b) PostgreSQL regression corpus ({args.pg_regress})", len(files), measure(files))
    return 0


if __name__ == "__main__":
    sys.exit(main())
