"""PL/pgSQL bodies: `parse_plpgsql` gives raw trees whose embedded SQL comes back as strings
with body-relative line numbers; each piece is re-parsed (all of a function's pieces in one
parser call) and mapped back to exact file lines and columns, then scanned like SQL.

Where the tree is incomplete (composite variable types, `RETURN NEXT var`, a RAISE the
parser rejects), the statement text is read instead; a test keeps each such case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pglast import parser as pg_parser

from sqlkit.data import builtins
from sqlkit.sql.body import (
    BodyFacts,
    NameRef,
    SqlScanner,
    parse_expression,
    printf_specifiers,
    written_at,
)
from sqlkit.sql.fastjson import loads
from sqlkit.sql.guards import (
    IDENTITY_TEXT,
    ROW_TEXT,
    analyse_guards,
    identity_variables,
    into_names,
)
from sqlkit.sql.refs import plpgsql_context
from sqlkit.sql.source import ByteMap, Range, Source, Span, split_top_level
from sqlkit.sql.tree import Node, split_name

_ASSIGN_TARGET = re.compile(r'^\s*[\w$."\[\]]+?\s*(:=|=)')
_RAISE_FALLBACK = re.compile(
    r"\braise\s+(?:(?:debug|log|info|notice|warning|exception)\s+)?'((?:[^']|'')*)'\s*((?:,[^;]*)?);",
    re.IGNORECASE,
)
_RETURN_NEXT = re.compile(r"\breturn\s+next\s+(.+?)\s*;", re.IGNORECASE | re.DOTALL)
_REC_DECL = r'\b{name}\s+(?!record\b|constant\b|alias\b|cursor\b)([A-Za-z_"][\w."$]*)'


class PlpgsqlBody:
    """A PL/pgSQL body: where it sits in the file, and its lines."""

    def __init__(self, source: Source, body: str, body_offset: int) -> None:
        self.source = source
        self.body = body
        self.offset = body_offset
        starts = [0]
        pos = body.find("\n")
        while pos != -1:
            starts.append(pos + 1)
            pos = body.find("\n", pos + 1)
        self.line_starts = starts

    def line_start(self, lineno: int) -> int:
        index = max(0, min(lineno, len(self.line_starts)) - 1)
        return self.line_starts[index]

    def find(self, text: str, lineno: int) -> int | None:
        """Body offset of `text` on or after body line `lineno`."""
        words = text.split()
        if not words:
            return None
        start = self.line_start(lineno)
        # the parser hands back embedded SQL verbatim (INTO blanked out), so the first
        # words are usually found as they are; fall back to a whitespace-tolerant search
        first = text.lstrip()[: len(words[0])]
        found = self.body.find(first, start)
        if found != -1 and (
            len(words) == 1 or self.body.startswith(text.lstrip()[:40].split("  ")[0], found)
        ):
            return found
        pattern = r"\s+".join(re.escape(word) for word in words[:4])
        match = re.compile(pattern, re.IGNORECASE).search(self.body, start)
        return match.start() if match else None

    def span_at_line(self, lineno: int) -> Span:
        start = self.line_start(lineno)
        line = self.body[start:].split("\n", 1)[0]
        indent = len(line) - len(line.lstrip())
        return self.source.span(self.offset + start + indent)


# PL/pgSQL compiler errors that depend only on the body's text, so PostgreSQL raises them at
# CREATE FUNCTION too. Others may come from the parser having no catalog (an unknown type is
# taken for `record`: "cannot accept type _record", "VARIADIC parameter must be an array")
# or from what it does not implement: those stay notes.
_CERTAIN = re.compile(
    r"^syntax error at |^unterminated |cannot be used outside a loop|^there is no label "
    r"|^block label .* cannot be used in CONTINUE|^end label .* (specified for unlabeled "
    r"block|differs from block's label)|^RETURN cannot have a parameter in a procedure"
    r"|^value for parameter .* of cursor .* specified more than once"
    r"|^(not enough|too many) arguments for cursor |^cursor FOR loop must use a bound cursor"
    r"|^event trigger functions cannot have declared arguments"
)
_NEAR = re.compile(r'at or near "(.+)"$')


def _error_span(plb: PlpgsqlBody, message: str) -> Span:
    """Where the PL/pgSQL compiler's error is (it gives no position): the word it names, else
    the body's first line."""
    near = _NEAR.search(message)
    word = near.group(1) if near else ""
    found = plb.body.find(word) if word else -1
    if found < 0:
        return plb.span_at_line(1)
    return plb.source.span(plb.offset + found, plb.offset + found + len(word))


def _raise_fallback(plb: PlpgsqlBody, facts: BodyFacts, message: str) -> None:
    """The PL/pgSQL parser rejected a RAISE whose placeholders do not match: find it."""
    for match in _RAISE_FALLBACK.finditer(plb.body):
        fmt = match.group(1).replace("''", "'")
        placeholders = fmt.replace("%%", "").count("%")
        args = match.group(2)
        nargs = len(split_top_level(args[1:])) if args.strip() else 0
        if placeholders != nargs:
            span = plb.source.span(plb.offset + match.start())
            facts.raise_problems.append(
                (span, f"RAISE format has {placeholders} placeholder(s) but {nargs} argument(s)")
            )
            return
    facts.raise_problems.append((plb.span_at_line(1), message))


_DUMP = re.compile(r"#option\s+dump\b", re.IGNORECASE)


def _without_dump(text: str) -> str:
    """`#option dump` makes the PL/pgSQL parser print its tree to the process's stdout, which
    would corrupt `--format json`: blank it out (same length, so offsets hold)."""
    if "#" not in text:
        return text
    return _DUMP.sub(lambda m: " " * len(m.group(0)), text)


def analyse_plpgsql_body(
    source: Source,
    statement_text: str,
    body: str,
    body_offset: int,
    param_types: list[str],
    result_type: str = "",
) -> BodyFacts:
    facts = BodyFacts()
    plb = PlpgsqlBody(source, body, body_offset)
    try:
        tree = loads(pg_parser.parse_plpgsql_json(_without_dump(statement_text)))
    except pg_parser.ParseError as exc:
        message = str(exc.args[0]) if exc.args else str(exc)
        facts.analysed = False
        if "parameters specified for RAISE" in message:
            _raise_fallback(plb, facts, message)  # SK112 reports it
        if _CERTAIN.search(message):  # CREATE FUNCTION fails the same way in PostgreSQL
            facts.parse_errors.append((_error_span(plb, message), f"PL/pgSQL: {message}"))
        else:
            facts.notes.append(
                (
                    plb.span_at_line(1),
                    f"PL/pgSQL body not analysed: the PL/pgSQL parser says {message!r}",
                )
            )
        return facts
    except Exception as exc:  # pragma: no cover - parser internals
        facts.analysed = False
        facts.notes.append((plb.span_at_line(1), f"PL/pgSQL body not analysed: {exc}"))
        return facts
    function = tree[0].get("PLpgSQL_function", {}) if tree else {}
    var_types: dict[str, str] = {}
    rec_types: dict[str, str] = {}  # composite variables: the declared type, read from the line
    records: dict[str, str] = {}  # every composite variable: "record" until its type is read
    for datum in function.get("datums") or ():
        ((dkind, dnode),) = datum.items()
        name = dnode.get("refname", "")
        lineno = dnode.get("lineno")
        if dkind == "PLpgSQL_var":
            typname = dnode.get("datatype", {}).get("PLpgSQL_type", {}).get("typname", "")
            var_types[name] = typname
            if lineno is not None:
                _declared_type(plb, facts, typname, lineno, name)
        elif dkind == "PLpgSQL_rec" and lineno is not None:
            records[name] = "record"
            # The tree drops the declared type of composite variables: read the line.
            line = plb.body[plb.line_start(lineno) :].split("\n", 1)[0]
            match = re.search(_REC_DECL.format(name=re.escape(name)), line, re.IGNORECASE)
            if match:
                rec_types[name] = match.group(1)
                _declared_type(plb, facts, match.group(1), lineno, name)
    scanner = SqlScanner(
        source, facts, var_types=var_types, param_types=param_types, result_type=result_type
    )
    exprs: list[tuple[str, Node, int]] = []
    statements: list[tuple[str, Node, int]] = []
    # declarations first: their defaults and cursor queries are code too
    for datum in function.get("datums") or ():
        for dnode in datum.values():
            if isinstance(dnode, dict) and dnode.get("lineno") is not None:
                _collect(dnode, "PLpgSQL_declare", dnode["lineno"], exprs, statements)
    _collect(function.get("action"), "", 0, exprs, statements)
    # the guards and identity variables matter only where the body reads the caller (or,
    # in a trigger, compares NEW with OLD): one look at the text spares the rest
    lowered = body.lower()
    reads_caller = ("auth" in lowered or "request.jwt" in lowered) and bool(
        IDENTITY_TEXT.search(body)
    )
    row_guards = (
        result_type == "trigger"
        and ("new" in lowered or "old" in lowered)
        and bool(ROW_TEXT.search(body))
    )
    identity, nullable_identity = (
        identity_variables(function, statements) if reads_caller else (set(), set())
    )
    scanner.identity_vars = identity
    # what each variable is declared as; a `record` read only by field name (`r.x`) is
    # "record": the shape of the row it takes changes nothing it reads
    by_name = {name: kind for name, kind in records.items() if _read_by_field(body, name)}
    declared = {**by_name, **var_types, **rec_types}
    # pass 1: variables assigned from concatenated strings (tainted dynamic SQL)
    tainted: set[str] = set()
    for stmt_kind, expr, _ in exprs:
        if stmt_kind == "PLpgSQL_stmt_assign":
            query = expr.get("query", "")
            if "||" not in query and "format" not in query and "concat" not in query:
                continue
            match = _ASSIGN_TARGET.match(query)
            if match:
                target = query[: match.start(1)].strip().split(".")[0].strip('"')
                value = parse_expression(query[match.end() :])
                if value is not None and scanner.unsafe_parts(value, tainted):
                    tainted.add(target)
    if any(kind in _DYNAMIC_KINDS for kind, _, _ in statements):
        scanner.quoted_vars = _quoted_variables(function, exprs, statements, scanner, tainted)
    # pass 2: scan every embedded SQL statement and expression
    _scan_exprs(plb, scanner, facts, exprs, tainted, declared)
    facts.plpgsql = plpgsql_context(
        function, var_types, rec_types, body, body_offset, source, result_type == "trigger"
    )
    if reads_caller or row_guards:
        analyse_guards(
            facts,
            statements,
            nullable_identity,
            result_type == "trigger",
            lambda text, lineno: _span_of(plb, text, lineno),
            lambda text, lineno, edits: _ranges_of(plb, text, lineno, edits),
        )
    for stmt_kind, node, lineno in statements:
        if stmt_kind == "PLpgSQL_stmt_raise":
            _check_raise(plb, facts, node, lineno)
        elif stmt_kind == "PLpgSQL_stmt_return_next" and "expr" not in node and lineno:
            # The tree keeps no expression for `RETURN NEXT var`: read it from the text.
            match = _RETURN_NEXT.search(plb.body, plb.line_start(lineno))
            if match:
                value = parse_expression(match.group(1))
                if value is not None:
                    start = plb.offset + match.start(1)
                    text = match.group(1)
                    bytemap = ByteMap(text)

                    def locate(b: int, s: int = start, m: ByteMap = bytemap) -> int:
                        return s + m.to_char(max(b - 7, 0))  # 7: the "SELECT " parsed before it

                    scanner.scan_tree(value, locate)
        elif stmt_kind in ("PLpgSQL_stmt_commit", "PLpgSQL_stmt_rollback"):
            facts.writes.append(
                (stmt_kind.removeprefix("PLpgSQL_stmt_").upper(), plb.span_at_line(lineno))
            )
    return facts


def _read_by_field(body: str, name: str) -> bool:
    """Is record variable `name` only declared, filled (`INTO r`, `FOR r IN`) and read by
    field (`r.x`) in `body`? Any other use (`return r`, `row_to_json(r)`, `r` in a comment)
    says no."""
    word = re.escape(name)
    rest = re.sub(
        rf"\b{word}\s+record\b|\binto\s+(?:strict\s+)?{word}\b|\bfor\s+{word}\s+in\b",
        " ",
        body,
        flags=re.IGNORECASE,
    )
    return re.search(rf"(?<![\w.$]){word}\b(?!\s*\.)", rest, re.IGNORECASE) is None


def _quoted_variables(
    function: Node,
    exprs: list[tuple[str, Node, int]],
    statements: list[tuple[str, Node, int]],
    scanner: SqlScanner,
    tainted: set[str],
) -> set[str]:
    """Variables whose every assignment (DECLARE default or `:=`) is quoted text — built with
    quote_ident()/format('%I')/literals — and that no INTO fills: safe in dynamic SQL."""
    assigned: dict[str, list[str]] = {}
    for datum in function.get("datums") or ():
        var = datum.get("PLpgSQL_var") or {}
        default = (var.get("default_val") or {}).get("PLpgSQL_expr", {}).get("query")
        if default:
            assigned.setdefault(var.get("refname", ""), []).append(default)
    for stmt_kind, expr, _ in exprs:
        if stmt_kind == "PLpgSQL_stmt_assign":
            query = expr.get("query", "")
            match = _ASSIGN_TARGET.match(query)
            if match:
                target = query[: match.start(1)].strip().strip('"')
                assigned.setdefault(target, []).append(query[match.end() :])
    filled = {name for _, node, _ in statements if node.get("into") for name in into_names(node)}
    parsed = {
        name: [parse_expression(text) for text in texts]
        for name, texts in assigned.items()
        if name and name not in filled and name not in tainted
    }
    quoted: set[str] = set()
    changed = True
    while changed:  # a variable built from quoted variables is quoted too
        changed = False
        for name, values in parsed.items():
            if name in quoted:
                continue
            scanner.quoted_vars = quoted
            if all(value is not None and scanner.quoted_value(value) for value in values):
                quoted.add(name)
                changed = True
    return quoted


def _span_of(plb: PlpgsqlBody, text: str, lineno: int) -> Span:
    """File span of an expression's text found on or after body line `lineno`."""
    found = plb.find(text, lineno)
    if found is None:
        return plb.span_at_line(lineno)
    start = plb.offset + found
    return plb.source.span(start, start + len(text.strip()))


def _ranges_of(
    plb: PlpgsqlBody, text: str, lineno: int, edits: list[tuple[int, int, str]]
) -> tuple[tuple[Range, str], ...] | None:
    """File ranges of edits of an expression's text, where the text is found verbatim."""
    found = plb.find(text, lineno)
    if found is None:
        return None
    start = plb.offset + found
    if plb.source.text[start : start + len(text)] != text:
        return None
    return tuple((plb.source.range(start + a, start + b), word) for a, b, word in edits)


def _declared_type(
    plb: PlpgsqlBody, facts: BodyFacts, typname: str, lineno: int, variable: str = ""
) -> None:
    text = typname.strip()
    lowered = text.lower()

    def ref(kind: str, schema: str | None, name: str) -> NameRef:
        """The reference, its span where the type is written on its line (after the
        variable's name), exact when a schema can be put in front of it."""
        written = text.split("%")[0]
        found = _type_offset(plb, written, lineno, variable) if text else None
        if found is None:
            return NameRef(kind, schema, name, plb.span_at_line(lineno))
        start = plb.offset + found
        span = plb.source.span(start, start + len(written))
        exact = schema is None and written_at(plb.source.text, start, name)
        return NameRef(kind, schema, name, span, exact)

    if lowered.endswith("%rowtype"):
        parts = [p.strip('"') for p in text[: -len("%rowtype")].split(".")]
        schema, name = split_name(parts)
        facts.refs.append(ref("relation", schema, name))
        return
    if lowered.endswith("%type"):
        parts = [p.strip('"') for p in text[: -len("%type")].split(".")]
        if len(parts) >= 2:
            schema, name = split_name(parts[:-1])
            facts.refs.append(ref("relation", schema, name))
        return
    base = text.rstrip("[]").strip()
    if base.startswith("_"):
        base = base[1:]
    parts = [p.strip('"') for p in base.split(".")]
    schema, name = split_name(parts)
    if schema == "pg_catalog" or not name or (schema is None and name.lower() in builtins().types):
        return  # a built-in type: nothing to resolve (and most declarations are one)
    facts.refs.append(ref("type", schema, name))


def _type_offset(plb: PlpgsqlBody, written: str, lineno: int, variable: str) -> int | None:
    """Body offset of a declared type on its line: after the variable's name when it is
    found there (`students_row students%rowtype` must not find the type in the name)."""
    start = plb.line_start(lineno)
    if variable:
        line_end = plb.body.find("\n", start)
        line = plb.body[start : line_end if line_end != -1 else len(plb.body)]
        match = re.search(rf'(?<![\w$"]){re.escape(variable)}(?![\w$])', line, re.IGNORECASE)
        if match is not None:
            found = plb.body.find(written, start + match.end())
            if found != -1 and (line_end == -1 or found < line_end):
                return found
    return plb.find(written, lineno)


def _collect(
    node: Any,
    stmt_kind: str,
    lineno: int,
    exprs: list[tuple[str, Node, int]],
    statements: list[tuple[str, Node, int]],
) -> None:
    """Every PL/pgSQL statement, and every expression with its statement kind and line."""
    if isinstance(node, list):
        for item in node:
            _collect(item, stmt_kind, lineno, exprs, statements)
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key == "PLpgSQL_expr" and isinstance(value, dict):
            exprs.append((stmt_kind, value, lineno))
        elif key.startswith("PLpgSQL_stmt_") and isinstance(value, dict):
            line = value.get("lineno", lineno) or lineno
            statements.append((key, value, line))
            if key == "PLpgSQL_stmt_execsql" and value.get("into"):
                # the query comes back with INTO blanked: keep what it fills beside it
                expr = value.get("sqlstmt", {}).get("PLpgSQL_expr")
                if isinstance(expr, dict):
                    expr["sqlkit_into"] = into_names(value)
            elif key == "PLpgSQL_stmt_fors":  # FOR target IN query: the query fills target
                expr = value.get("query", {}).get("PLpgSQL_expr")
                if isinstance(expr, dict):
                    expr["sqlkit_into"] = into_names({"target": value.get("var") or {}})
            _collect(value, key, line, exprs, statements)
        elif isinstance(value, (dict, list)):
            _collect(value, stmt_kind, lineno, exprs, statements)


# statements whose expressions decide whether (or how) the work happens: an identity or a
# call there constrains the work (SK110)
_CONDITION_KINDS = {
    "PLpgSQL_stmt_if",
    "PLpgSQL_stmt_case",
    "PLpgSQL_stmt_while",
    "PLpgSQL_stmt_assert",
    "PLpgSQL_stmt_exit",
    "PLpgSQL_stmt_perform",
}
_DYNAMIC_KINDS = {
    "PLpgSQL_stmt_dynexecute",
    "PLpgSQL_stmt_dynfors",
    "PLpgSQL_stmt_return_query",
    "PLpgSQL_stmt_open",
}


# An expression made only of names, literals and these operators can name nothing the
# rules look for (no call, relation, type or custom operator), so it is not parsed.
_SIMPLE_EXPRESSION = re.compile(r"^[\s\w.$\"'<>=!+\-*/%,]*$")
_OPERATOR_RUN = re.compile(r"[<>=!+\-*/%]+")
_SIMPLE_OPERATORS = {"<", ">", "=", "<=", ">=", "<>", "!=", "+", "-", "*", "/", "%"}


def _is_simple(text: str) -> bool:
    if not _SIMPLE_EXPRESSION.match(text) or "--" in text or "/*" in text:
        return False
    return all(op in _SIMPLE_OPERATORS for op in _OPERATOR_RUN.findall(text))


@dataclass
class _Piece:
    """One embedded statement or expression, ready to parse and map back to the file."""

    stmt_kind: str
    mode: int
    query: str
    sql: str
    base: int  # file offset that sql[shift] corresponds to
    shift: int
    lineno: int
    into: tuple[str, ...] = ()  # variables a SELECT ... INTO fills


def _prepare(plb: PlpgsqlBody, stmt_kind: str, expr: Node, lineno: int) -> _Piece | None:
    query: str = expr.get("query", "")
    mode = expr.get("parseMode", 0)
    if not query.strip():
        return None
    prefix = ""
    anchor = query
    dynamic = stmt_kind in _DYNAMIC_KINDS
    into = tuple(expr.get("sqlkit_into") or ())
    if mode == 0:
        sql = query
        # PERFORM comes back as SELECT followed by what PERFORM was (a line break included)
        if (
            stmt_kind == "PLpgSQL_stmt_perform"
            and query[:6].upper() == "SELECT"
            and query[6:7].isspace()
        ):
            anchor = query[6:]
            prefix = "SELECT"
    elif mode == 2:
        if not dynamic and _is_simple(query):
            return None
        sql = "SELECT " + query
        prefix = "SELECT "
    else:
        match = _ASSIGN_TARGET.match(query)
        rhs_start = match.end() if match else 0
        anchor = query[rhs_start:]
        if _is_simple(anchor):
            return None
        sql = "SELECT " + anchor
        prefix = "SELECT "
    found = plb.find(anchor, lineno) if lineno else None
    if found is None:
        line_start = plb.line_start(lineno) if lineno else 0
        line = plb.body[line_start:].split("\n", 1)[0]
        base = plb.offset + line_start + (len(line) - len(line.lstrip()))
    else:
        base = plb.offset + found
    shift = len(prefix) + (len(anchor) - len(anchor.lstrip()))
    return _Piece(stmt_kind, mode, query, sql, base, shift, lineno, into)


def _scan_exprs(
    plb: PlpgsqlBody,
    scanner: SqlScanner,
    facts: BodyFacts,
    exprs: list[tuple[str, Node, int]],
    tainted: set[str],
    declared: dict[str, str],
) -> None:
    if scanner.identity_vars:
        # simple conditions are not parsed: an identity variable in one still constrains
        words = re.compile(r"\b(?:" + "|".join(map(re.escape, scanner.identity_vars)) + r")\b")
        for kind, expr, _ in exprs:
            if kind in _CONDITION_KINDS and words.search(expr.get("query", "")):
                facts.identity_constraints.append("condition")
                break
    pieces = [p for p in (_prepare(plb, kind, expr, line) for kind, expr, line in exprs) if p]
    if not pieces:
        return
    # One parser call for all pieces of the function; one by one if any piece is rejected.
    combined = ";\n".join(piece.sql for piece in pieces)
    trees: list[tuple[Node, int]] | None = None
    try:
        tree = loads(pg_parser.parse_sql_json(combined))
        stmts = tree.get("stmts", [])
        if len(stmts) == len(pieces):
            bytemap = ByteMap(combined)
            trees = []
            char_start = 0
            for piece, raw in zip(pieces, stmts, strict=False):
                trees.append((raw, char_start))
                char_start += len(piece.sql) + 2
            _scan_parsed(plb, scanner, facts, pieces, trees, bytemap, tainted, declared)
            return
    except pg_parser.ParseError:
        pass
    for piece in pieces:
        try:
            tree = loads(pg_parser.parse_sql_json(piece.sql))
        except pg_parser.ParseError:
            continue
        stmts = tree.get("stmts", [])
        if len(stmts) != 1:
            continue
        _scan_parsed(
            plb, scanner, facts, [piece], [(stmts[0], 0)], ByteMap(piece.sql), tainted, declared
        )


def _scan_parsed(
    plb: PlpgsqlBody,
    scanner: SqlScanner,
    facts: BodyFacts,
    pieces: list[_Piece],
    trees: list[tuple[Node, int]],
    bytemap: ByteMap,
    tainted: set[str],
    declared: dict[str, str],
) -> None:
    for piece, (raw, char_start) in zip(pieces, trees, strict=False):
        stmt = raw.get("stmt") or {}
        if len(stmt) != 1:
            continue
        ((kind, node),) = stmt.items()

        def locate(byte_location: int, piece: _Piece = piece, char_start: int = char_start) -> int:
            return piece.base + max(
                bytemap.to_char(max(byte_location, 0)) - char_start - piece.shift, 0
            )

        if piece.stmt_kind == "PLpgSQL_stmt_return_query":
            scanner.result_selects.add(id(node))
        if len(piece.into) == 1 and piece.into[0] in declared:
            scanner.into_types[id(node)] = declared[piece.into[0]]
        if piece.stmt_kind in _CONDITION_KINDS:
            scanner.scan_tree({kind: node}, locate, constraining=True)
        elif piece.mode == 0:
            scanner.scan_statement(kind, node, locate, piece.base)
        else:
            scanner.scan_tree({kind: node}, locate)
        if piece.stmt_kind == "PLpgSQL_stmt_dynexecute" or (
            piece.stmt_kind in _DYNAMIC_KINDS and piece.mode == 2
        ):
            span = plb.span_at_line(piece.lineno)
            facts.dynamic_sql.append(span)
            targets = node.get("targetList") or []
            value = targets[0].get("ResTarget", {}).get("val") if len(targets) == 1 else None
            if value is not None:
                unsafe = scanner.unsafe_parts(value, tainted)
                if unsafe:
                    facts.unsafe_exec.append((span, tuple(dict.fromkeys(unsafe))))


def _check_raise(plb: PlpgsqlBody, facts: BodyFacts, node: Node, lineno: int) -> None:
    message = node.get("message")
    if message is None:
        return
    span = plb.span_at_line(lineno)
    found = plb.find("raise", lineno)
    if found is not None:
        span = plb.source.span(plb.offset + found)
    printf = printf_specifiers(message)
    if printf:
        facts.raise_problems.append(
            (
                span,
                f"RAISE message uses printf-style {', '.join(dict.fromkeys(printf))}; "
                "in PL/pgSQL only a bare % is a placeholder",
            )
        )
        return
    placeholders = message.replace("%%", "").count("%")
    params = len(node.get("params") or ())
    if placeholders != params:
        facts.raise_problems.append(
            (span, f"RAISE message has {placeholders} placeholder(s) but {params} argument(s)")
        )
