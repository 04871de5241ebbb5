"""The SQL that brings a database to git's state: `sqlkit diff --emit-sql`.

Each difference becomes steps on the dependency graph's nodes: drop, alter or create.
Dropping something drops, first and by name, whatever depends on it in the database
(a view over a view, a policy on a column) and creates it again afterwards from git;
changing a column's type does the same for the views, policies and triggers that read
it. The steps then run in dependency order: drops with what depends on them first,
creations and changes after what they need (git's graph). Changes PostgreSQL can make in
place are made in place; a change that loses data is written only with `allow_drop`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlkit.live import ddl
from sqlkit.live.compare import ACCESS_FACTS, Difference, DiffResult
from sqlkit.live.order import topological
from sqlkit.live.reader import ColumnRow, RelationRow, SequenceRow, TypeRow, sql_literal
from sqlkit.live.snapshot import (
    DEFAULT,
    KINDS,
    OWNED_BY,
    DbObject,
    Key,
    Snapshot,
)

StepId = tuple[str, Key]  # (drop | alter | create, graph node)

# never dropped to make way for something else: they hold data, or data's shape depends on them
_KEPT_KINDS = {"schema", "extension", "enum", "domain", "composite", "sequence", "table", "column"}
# what reads a column whose type changes, and must be dropped around the change
_READERS = {"view", "trigger", "policy", "function", "procedure"}
# kinds that share one namespace per schema (pg_class's and pg_type's names)
_NAMED = {"table", "view", "sequence", "index", "enum", "domain", "composite"}
_KIND_ORDER = {kind: i for i, kind in enumerate((*KINDS, DEFAULT, OWNED_BY))}
_ACTION_ORDER = {"drop": 0, "alter": 1, "create": 2}


@dataclass
class Step:
    action: str  # drop | alter | create
    node: Key
    statements: list[str]
    note: str = ""

    @property
    def id(self) -> StepId:
        return (self.action, self.node)


@dataclass
class Script:
    """An emitted script's parts: what runs before the transaction, the ordered steps,
    and what was not done (and why)."""

    before: list[str] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    cycles: list[StepId] = field(default_factory=list)


class Planner:
    """Differences → steps → cascade over the database's graph → creations written →
    order. One per script."""

    def __init__(self, result: DiffResult, expected: Snapshot, actual: Snapshot, allow_drop: bool):
        self.result = result
        self.want = expected
        self.have = actual
        self.allow_drop = allow_drop
        self.steps: dict[StepId, Step] = {}
        self.edges: dict[StepId, set[StepId]] = {}  # step → steps that run before it
        self.before: list[str] = []
        self.skipped: list[str] = []
        self.vanished: set[Key] = set()  # database nodes the script removes
        # (node, drop | retype | type, the step that needs its dependants gone) to cascade from
        self.seeds: list[tuple[Key, str, StepId]] = []
        self.converted: set[Key] = set()  # columns a type's re-creation converts
        self.reasons: dict[Key, str] = {}

    # ----------------------------------------------------------------- steps
    def add(self, action: str, node: Key, statements: list[str], note: str = "") -> None:
        step_id = (action, node)
        if step_id in self.steps:
            self.steps[step_id].statements += statements
        else:
            self.steps[step_id] = Step(action, node, statements, note)

    def order_after(self, later: StepId, earlier: StepId) -> None:
        self.edges.setdefault(later, set()).add(earlier)

    def drop(self, key: Key, note: str = "") -> None:
        obj = self.have.objects[key]
        self.add("drop", key, [ddl.drop_sql(obj)], note)
        self.vanished.add(key)
        self.seeds.append((key, "drop", ("drop", key)))

    def create(self, key: Key, note: str = "") -> None:
        self.add("create", key, [], note)  # statements are written once the plan is known

    def recreate(self, key: Key, note: str = "") -> None:
        self.drop(key, note)
        self.create(key, note)

    # ------------------------------------------------------------- planning
    def plan(self) -> Script:
        for d in self.result.differences:
            self.difference(d)
        self.cascade()
        self.restore()
        self.write_creations()
        return self.ordered()

    def difference(self, d: Difference) -> None:
        if d.kind == "column" and _inherited(d):
            # a partition's or child's column comes and goes with its parent's; only what a
            # child may hold of its own (a default, privileges, a comment) is changed here
            if d.status == "changed":
                _changed_column(self, d)
            return
        if d.status == "missing":
            self.create(d.key)
            for child in d.children:
                self.create(child.key)
            return
        if d.status == "extra":
            assert d.actual is not None
            statement = ddl.drop_sql(d.actual)
            if not self.allow_drop:
                self.skipped.append(f"-- not dropped without --allow-drop: {statement}")
                return
            self.drop(d.key)
            return
        if d.loses_data and not self.allow_drop:
            facts = ", ".join(c.fact for c in d.changes)
            self.skipped.append(
                f"-- not changed without --allow-drop (it loses data): {d.kind} {d.name} ({facts})"
            )
            return
        _CHANGED[d.kind](self, d)

    def cascade(self) -> None:
        """Whatever depends on a node that goes: dropped by name first, noted to come back."""
        dependants = self.have.dependants()
        queue = list(self.seeds)
        while queue:
            node, mode, needing = queue.pop(0)
            for dep in sorted(dependants.get(node, ())):
                if dep in self.vanished:
                    gone = ("drop", dep) if ("drop", dep) in self.steps else self._remover(dep)
                    if gone is not None:
                        self.order_after(needing, gone)
                    continue
                obj = self.have.objects.get(dep)
                if mode == "retype" and (obj is None or dep[0] not in _READERS):
                    continue  # PostgreSQL rebuilds indexes, constraints, defaults itself
                if mode == "type" and (dep in self.converted or _column_of(dep) in self.converted):
                    continue  # the re-creation converts the column and its default
                remover = self._remover(dep)
                if remover is not None:  # it goes with its table: after that drop
                    taken = [dep, ("sequence", dep[1])] if dep[0] == OWNED_BY else [dep]
                    for key in taken:
                        self.vanished.add(key)
                        self.reasons.setdefault(key, node[1])
                        queue.append((key, "drop", remover))
                    self.order_after(needing, remover)
                    continue
                if dep[0] in _KEPT_KINDS:
                    if ("alter", dep) in self.steps:  # changed away from `node` first
                        self.order_after(needing, ("alter", dep))
                    else:
                        self.skipped.append(
                            f"-- warning: {dep[0]} {dep[1]} depends on {node[0]} {node[1]}, "
                            "which this script drops or re-creates; the script fails there"
                        )
                    continue
                self.add("drop", dep, self._drop_statements(dep), f"depends on {node[1]}")
                self.vanished.add(dep)
                self.reasons.setdefault(dep, node[1])
                self.order_after(needing, ("drop", dep))
                self.order_after(("create", dep), needing)
                queue.append((dep, "drop", ("drop", dep)))

    def _remover(self, node: Key) -> StepId | None:
        """The drop that takes `node` with it (a table's drop its columns, constraints, ...;
        a column's drop its default), if the script has one."""
        obj = self.have.objects.get(node)
        parent = obj.parent if obj is not None else None
        if node[0] == DEFAULT:
            parent = ("column", node[1])
        elif node[0] == OWNED_BY:  # PostgreSQL drops the sequence with its column
            sequence = self.have.objects.get(("sequence", node[1]))
            owned_by = sequence.row.owned_by if sequence is not None else None
            parent = ("column", owned_by) if owned_by else None
        if parent is None or parent not in self.vanished:
            return None
        if ("drop", parent) in self.steps:
            return ("drop", parent)
        return self._remover(parent)

    def _drop_statements(self, node: Key) -> list[str]:
        if node[0] in (DEFAULT, OWNED_BY):
            return ddl.node_drop_sql(node, self._have_owner_of(node))
        return [ddl.drop_sql(self.have.objects[node])]

    def _have_owner_of(self, node: Key) -> DbObject:
        kind = "column" if node[0] == DEFAULT else "sequence"
        return self.have.objects[(kind, node[1])]

    def restore(self) -> None:
        """Everything dropped to make way comes back: as git has it, or, when git does not
        have it and nothing allows dropping it, as it was."""
        for node in sorted(self.vanished):
            if ("create", node) in self.steps:
                continue
            if node in self.want.objects or self._want_node(node):
                self.steps.pop(("alter", node), None)
                self.create(node, f"re-created: it depends on {self.reasons.get(node, '')}")
            elif node in self.have.objects and not self.allow_drop and node[0] not in _KEPT_KINDS:
                self.add(
                    "create",
                    node,
                    [],
                    f"kept as it is in the database: it depends on {self.reasons.get(node, '')}",
                )

    def _want_node(self, node: Key) -> bool:
        if node[0] == DEFAULT:
            column = self.want.objects.get(("column", node[1]))
            return (
                column is not None and column.row.default is not None and not column.row.generated
            )
        if node[0] == OWNED_BY:
            sequence = self.want.objects.get(("sequence", node[1]))
            return sequence is not None and bool(sequence.row.owned_by)
        return False

    def write_creations(self) -> None:
        for step_id, step in list(self.steps.items()):
            if step.action != "create" or step.statements:
                continue
            node = step.node
            if self._inline(node):
                del self.steps[step_id]
                continue
            source = (
                self.want if (node in self.want.objects or self._want_node(node)) else self.have
            )
            if node[0] in (DEFAULT, OWNED_BY):
                owner = ("column" if node[0] == DEFAULT else "sequence", node[1])
                step.statements = ddl.node_create_sql(node, source.objects[owner])
                continue
            obj = source.objects[node]
            step.statements = ddl.create_sql(
                obj, self.have, in_new_table=obj.parent is not None and self._creates(obj.parent)
            )
            if obj.kind == "sequence" and obj.row.owned_by:
                self.add("create", (OWNED_BY, obj.name), [ddl.owned_by_sql(obj)])

    def _creates(self, node: Key) -> bool:
        return ("create", node) in self.steps

    def _inline(self, node: Key) -> bool:
        """A column of a table created whole, or the default of a column created whole."""
        if node[0] == "column":
            column = self.want.objects.get(node)
            return column is not None and column.parent is not None and self._creates(column.parent)
        if node[0] == DEFAULT:
            column_key = ("column", node[1])
            column = self.want.objects.get(column_key)
            return self._creates(column_key) or (
                column is not None and column.parent is not None and self._creates(column.parent)
            )
        return False

    # ------------------------------------------------------------- ordering
    def producer(self, node: Key) -> StepId | None:
        """The step that makes `node` what git says, if the script has one."""
        for action in ("create", "alter"):
            if (action, node) in self.steps:
                return (action, node)
        obj = self.want.objects.get(node)
        if node[0] in (DEFAULT, OWNED_BY):
            return self.producer(("column" if node[0] == DEFAULT else "sequence", node[1]))
        if obj is not None and obj.kind == "column" and obj.parent and self._creates(obj.parent):
            return ("create", obj.parent)
        return None

    def _needs(self, step: Step) -> set[Key]:
        """What the node of a creation or change depends on, in the graph it is made from."""
        graph = (
            self.want if step.node in self.want.objects or self._want_node(step.node) else self.have
        )
        needs = set(graph.depends.get(step.node, ()))
        if step.node[0] == "table" and step.action == "create":  # columns written inline
            for column in graph.children(step.node):
                if column.kind == "column":
                    needs |= graph.depends.get(column.key, set())
                    needs |= graph.depends.get((DEFAULT, column.name), set())
        if step.node[0] == "column":
            needs |= graph.depends.get((DEFAULT, step.node[1]), set())
        return needs

    def ordered(self) -> Script:
        have_dependants = self.have.dependants()
        for step in self.steps.values():
            if step.action == "drop":
                for dep in have_dependants.get(step.node, ()):
                    if ("drop", dep) in self.steps:
                        self.order_after(step.id, ("drop", dep))
                continue
            if ("drop", step.node) in self.steps:
                self.order_after(step.id, ("drop", step.node))
            for need in self._needs(step):
                producer = self.producer(need)
                if producer is not None and producer != step.id:
                    self.order_after(step.id, producer)
        self._same_names()
        order, cycles = topological(self.steps, self.edges, self._priority)
        return Script(self.before, [self.steps[s] for s in order], self.skipped, cycles)

    def _same_names(self) -> None:
        """A relation or type created under a name something dropped held: after that drop."""
        dropped: dict[str, StepId] = {}
        for step in self.steps.values():
            obj = self.have.objects.get(step.node)
            if step.action == "drop" and obj is not None and obj.kind in _NAMED:
                dropped[obj.ident] = step.id
        for step in self.steps.values():
            obj = self.want.objects.get(step.node)
            if (
                step.action == "create"
                and obj is not None
                and obj.kind in _NAMED
                and obj.ident in dropped
            ):
                self.order_after(step.id, dropped[obj.ident])

    def _priority(self, step_id: StepId) -> tuple[int, int, int, str]:
        action, (kind, name) = step_id
        rank = _KIND_ORDER.get(kind, 99)
        if action == "drop":  # dependants' kinds first
            return (0, -rank, 0, name)
        return (1, rank, _ACTION_ORDER[action], name)


def _inherited(d: Difference) -> bool:
    rows = [o.row for o in (d.expected, d.actual) if o is not None]
    return all(row.inherited for row in rows)


def _column_of(node: Key) -> Key:
    return ("column", node[1]) if node[0] == DEFAULT else node


# ------------------------------------------------------------- changed objects
def _accessories(plan: Planner, d: Difference, want: DbObject, have: DbObject) -> list[str]:
    """Owner, privileges and comment changes, for kinds that have them."""
    out: list[str] = []
    facts = d.facts
    if "owner" in facts:
        out += ddl.owner_sql(want)
    if "privileges" in facts:
        on = f"{'table' if want.kind in ('table', 'view') else ddl.word(want)} {want.ident}"
        out += ddl.grant_changes(on, want.privileges, have.privileges)
    if "comment" in facts:
        out.append(ddl.comment_sql(want))
    return out


def _objects(d: Difference) -> tuple[DbObject, DbObject]:
    assert d.expected is not None and d.actual is not None
    return d.expected, d.actual


def _changed_simple(plan: Planner, d: Difference) -> None:
    """Schemas: owner, privileges, comment."""
    want, have = _objects(d)
    plan.add("alter", d.key, _accessories(plan, d, want, have))


def _changed_extension(plan: Planner, d: Difference) -> None:
    want, _ = _objects(d)
    out = []
    if "schema" in d.facts:
        out.append(f"alter extension {want.ident} set schema {want.facts['schema']};")
    if "version" in d.facts:
        out.append(f"alter extension {want.ident} update to {sql_literal(want.facts['version'])};")
    plan.add("alter", d.key, out)


def _changed_enum(plan: Planner, d: Difference) -> None:
    want, have = _objects(d)
    w: TypeRow = want.row
    h: TypeRow = have.row
    if "values" in d.facts:
        if not d.loses_data:
            # outside the transaction: a value added inside one cannot be used before it commits
            plan.before += ddl.enum_additions(h.labels, w.labels, want.ident)
        else:
            _recreate_type(plan, d)
            return
    plan.add("alter", d.key, _accessories(plan, d, want, have))


def _changed_domain(plan: Planner, d: Difference) -> None:
    want, have = _objects(d)
    if d.facts & {"type", "collation"}:
        _recreate_type(plan, d)
        return
    w: TypeRow = want.row
    h: TypeRow = have.row
    out = []
    if "default" in d.facts:
        action = f"set default {w.default}" if w.default is not None else "drop default"
        out.append(f"alter domain {want.ident} {action};")
    if "not null" in d.facts:
        out.append(f"alter domain {want.ident} {'set' if w.not_null else 'drop'} not null;")
    wanted = {name: (definition, valid) for name, definition, valid in w.checks}
    held = {name: (definition, valid) for name, definition, valid in h.checks}
    for name in sorted(set(wanted) | set(held)):
        if f"constraint {name}" not in d.facts:
            continue
        if name in held and (
            name not in wanted or wanted[name][0] != held[name][0] or not wanted[name][1]
        ):
            out.append(f"alter domain {want.ident} drop constraint {name};")
            held.pop(name)
        if name in wanted:
            definition, valid = wanted[name]
            if name not in held:
                out.append(
                    f"alter domain {want.ident} add constraint {name} {definition} not valid;"
                )
            if valid:
                out.append(f"alter domain {want.ident} validate constraint {name};")
    plan.add("alter", d.key, out + _accessories(plan, d, want, have))


def _changed_composite(plan: Planner, d: Difference) -> None:
    want, have = _objects(d)
    if "attributes" in d.facts:
        if _columns_of_type(plan, have.row):
            _recreate_type(plan, d)  # a table's column holds values of it: convert them
            return
        w: TypeRow = want.row
        h: TypeRow = have.row
        wanted, held = dict(w.attributes), dict(h.attributes)
        actions = [f"drop attribute {n}" for n in held if n not in wanted]
        actions += [
            f"alter attribute {n} type {t}" for n, t in wanted.items() if n in held and held[n] != t
        ]
        actions += [f"add attribute {n} {t}" for n, t in wanted.items() if n not in held]
        plan.add("alter", d.key, [f"alter type {want.ident} {', '.join(actions)};"])
    plan.add("alter", d.key, _accessories(plan, d, want, have))


def _columns_of_type(plan: Planner, row: TypeRow) -> list[DbObject]:
    return [
        o
        for o in plan.have.objects.values()
        if o.kind == "column" and o.row.type_oid in (row.oid, row.array_oid)
    ]


def _recreate_type(plan: Planner, d: Difference) -> None:
    """A type PostgreSQL cannot change in place: renamed out of the way, created anew, the
    columns that hold it converted, the old one dropped; what else uses it is dropped first
    and created again."""
    want, have = _objects(d)
    old: TypeRow = have.row
    new: TypeRow = want.row
    schema, _, local = want.ident.rpartition(".")
    old_local = _retired(local)
    word = "domain" if want.kind == "domain" else "type"
    out = [f"alter {word} {want.ident} rename to {old_local};", *ddl.create_sql(want, plan.have)]
    for column in _columns_of_type(plan, old):
        wanted = plan.want.objects.get(column.key)
        if wanted is None or wanted.row.data_type.removesuffix("[]") != want.ident:
            continue  # git changes it to another type, or drops it: its own step does
        plan.converted.add(column.key)
        plan.seeds.append((column.key, "retype", ("alter", d.key)))
        using = _conversion(column, old, new)
        out += ddl.alter_column_type_sql(wanted, column, using)
    out.append(f"drop {word} {schema}.{old_local};")
    plan.add("alter", d.key, out, "re-created: PostgreSQL cannot change it in place")
    plan.seeds.append((d.key, "type", ("alter", d.key)))


def _retired(local: str) -> str:
    if local.startswith('"'):
        return local[:-1] + '__old"'
    return f"{local}__old"


def _conversion(column: DbObject, old: TypeRow, new: TypeRow) -> str:
    row: ColumnRow = column.row
    if new.typtype == "c" and not row.data_type.endswith("[]"):
        kept = {n for n, _ in old.attributes}
        fields = [
            f"({row.name}).{n}::{t.split(' COLLATE ')[0]}" if n in kept else "null"
            for n, t in new.attributes
        ]
        return f"row({', '.join(fields)})::{new.name}"
    array = "[]" if row.data_type.endswith("[]") else ""
    return f"{row.name}::text{array}::{new.name}{array}"


def _changed_sequence(plan: Planner, d: Difference) -> None:
    want, have = _objects(d)
    w: SequenceRow = want.row
    options = {"type", "start", "increment", "minimum", "maximum", "cache", "cycle"}
    out = []
    if d.facts & options:
        out.append(
            f"alter sequence {want.ident} as {w.data_type} increment by {w.increment} "
            f"minvalue {w.minimum} maxvalue {w.maximum} start with {w.start} cache {w.cache} "
            f"{'cycle' if w.cycle else 'no cycle'};"
        )
    plan.add("alter", d.key, out + _accessories(plan, d, want, have))
    if "owned by" in d.facts:
        plan.add("alter", (OWNED_BY, want.name), [ddl.owned_by_sql(want)])


def _changed_table(plan: Planner, d: Difference) -> None:
    want, have = _objects(d)
    if "partition by" in d.facts:
        plan.recreate(d.key, "re-created: the partition key cannot change in place")
        for child in plan.want.children(d.key):
            plan.create(child.key)
        return
    w: RelationRow = want.row
    h: RelationRow = have.row
    name = want.ident
    out = []
    if "partition of" in d.facts:
        if h.partition_of:
            out.append(f"alter table {h.partition_of} detach partition {name};")
        if w.partition_of:
            out.append(f"alter table {w.partition_of} attach partition {name} {w.partition_bound};")
    if "inherits" in d.facts:
        out += [f"alter table {name} no inherit {p};" for p in h.inherits if p not in w.inherits]
        out += [f"alter table {name} inherit {p};" for p in w.inherits if p not in h.inherits]
    if "logged" in d.facts:
        out.append(f"alter table {name} set {'unlogged' if w.persistence == 'u' else 'logged'};")
    if "options" in d.facts:
        keys = {o.split("=", 1)[0] for o in w.options}
        dropped = [o.split("=", 1)[0] for o in h.options if o.split("=", 1)[0] not in keys]
        if dropped:
            out.append(f"alter table {name} reset ({', '.join(dropped)});")
        if w.options:
            out.append(f"alter table {name} set ({', '.join(w.options)});")
    if "row level security" in d.facts:
        out.append(f"alter table {name} {'enable' if w.rls else 'disable'} row level security;")
    if "force row level security" in d.facts:
        out.append(f"alter table {name} {'force' if w.forced else 'no force'} row level security;")
    if "replica identity" in d.facts:
        identity = want.facts["replica identity"]
        if identity == "index":
            index = next(
                (
                    i
                    for i in plan.want.children(d.key)
                    if i.kind == "index" and i.row.replica_identity
                ),
                None,
            )
            if index is not None:
                local = index.ident.rpartition(".")[2]
                out.append(f"alter table {name} replica identity using index {local};")
        else:
            out.append(f"alter table {name} replica identity {identity};")
    plan.add("alter", d.key, out + _accessories(plan, d, want, have))


def _changed_column(plan: Planner, d: Difference) -> None:
    want, have = _objects(d)
    w: ColumnRow = want.row
    h: ColumnRow = have.row
    target = f"alter table {want.table} alter column {want.local_name}"
    out: list[str] = []
    facts = d.facts
    if w.inherited and h.inherited:  # the parent's change reaches it
        facts -= {"type", "collation", "not null", "generated", "identity"}
    if "generated" in facts and w.generated and not h.generated:
        # a column becomes generated: only by dropping it and adding it again
        plan.recreate(d.key, "re-created: a column becomes generated only anew")
        return
    if facts & {"type", "collation"}:
        out += ddl.alter_column_type_sql(want, have)
        plan.seeds.append((d.key, "retype", ("alter", d.key)))
    elif "default" in facts and d.key not in plan.converted:  # a conversion sets it
        out.append(
            f"{target} set default {w.default};"
            if w.default is not None
            else f"{target} drop default;"
        )
    if "generated" in facts:
        if not w.generated:
            out.append(f"{target} drop expression;")
        elif plan.have.server_version >= 170000:
            out.append(f"{target} set expression as ({w.default});")
        else:
            plan.recreate(d.key, "re-created: its generation expression changes")
            return
    if "not null" in facts:
        out.append(f"{target} {'set' if w.not_null else 'drop'} not null;")
    if "identity" in facts:
        if not w.identity:
            out.append(f"{target} drop identity;")
        elif not h.identity:
            kind = "always" if w.identity == "a" else "by default"
            out.append(f"{target} add generated {kind} as identity;")
        else:
            out.append(f"{target} set generated {'always' if w.identity == 'a' else 'by default'};")
    if "privileges" in facts:
        out += ddl.grant_changes(
            f"table {want.table}", want.privileges, have.privileges, want.local_name
        )
    if "comment" in facts:
        out.append(ddl.comment_sql(want))
    plan.add("alter", d.key, out)


def _changed_constraint(plan: Planner, d: Difference) -> None:
    want, _ = _objects(d)
    if "definition" in d.facts or ("validated" in d.facts and not want.row.validated):
        plan.recreate(d.key)
        return
    out = []
    if "validated" in d.facts:
        out.append(f"alter table {want.table} validate constraint {want.local_name};")
    if "comment" in d.facts:
        out.append(ddl.comment_sql(want))
    plan.add("alter", d.key, out)


def _changed_index(plan: Planner, d: Difference) -> None:
    want, _ = _objects(d)
    if "definition" in d.facts:
        plan.recreate(d.key)
        return
    plan.add("alter", d.key, [ddl.comment_sql(want)])


def _changed_view(plan: Planner, d: Difference) -> None:
    want, have = _objects(d)
    facts = d.facts
    structural = {"definition", "materialized", "columns", "options"} & facts
    if structural:
        materialized = want.extra["materialized"] or have.extra["materialized"]
        if materialized or not _columns_kept(have.extra["columns"], want.extra["columns"]):
            # a materialized view has no CREATE OR REPLACE; a plain one cannot lose, rename or
            # retype a column with it: drop it (and what depends on it) and create it again
            plan.recreate(d.key, "re-created: its columns change" if not materialized else "")
            return
        plan.add("alter", d.key, [want.text.rstrip()])  # CREATE OR REPLACE: options too
    out = _accessories(plan, d, want, have)
    for fact in sorted(facts):
        if fact.startswith("comment on column "):
            column = fact.removeprefix("comment on column ")
            value = want.extra["column_comments"].get(column)
            out.append(f"comment on column {want.ident}.{column} is {ddl.literal_or_null(value)};")
    plan.add("alter", d.key, out)


def _columns_kept(have: list[tuple[str, str]], want: list[tuple[str, str]]) -> bool:
    """CREATE OR REPLACE VIEW keeps every column, by name, type and place; it may add some."""
    return want[: len(have)] == have


def _changed_routine(plan: Planner, d: Difference) -> None:
    want, have = _objects(d)
    facts = d.facts
    if facts & {"returns", "arguments"}:
        # CREATE OR REPLACE cannot change a result type or parameter names: recreate
        plan.recreate(d.key)
        return
    out: list[str] = []
    if facts - ACCESS_FACTS:
        out.append(want.text.rstrip())  # resets every property but owner and grants
    if "owner" in facts:
        out += ddl.owner_sql(want)
    if "execute" in facts:
        for role in sorted(have.grantees - want.grantees):
            out.append(f"revoke execute on {want.kind} {want.ident} from {role};")
        if want.grantees - have.grantees:
            roles = ", ".join(sorted(want.grantees - have.grantees))
            out.append(f"grant execute on {want.kind} {want.ident} to {roles};")
    if "comment" in facts:
        out.append(ddl.comment_sql(want))
    plan.add("alter", d.key, out)


def _changed_trigger(plan: Planner, d: Difference) -> None:
    want, _ = _objects(d)
    if "definition" in d.facts:
        plan.recreate(d.key)
        return
    out = []
    if "enabled" in d.facts:
        verb = ddl.ENABLE_TRIGGER[want.extra["enabled"]]
        out.append(f"alter table {want.table} {verb} trigger {want.local_name};")
    if "comment" in d.facts:
        out.append(ddl.comment_sql(want))
    plan.add("alter", d.key, out)


def _changed_policy(plan: Planner, d: Difference) -> None:
    want, _ = _objects(d)
    if d.facts == {"comment"}:
        plan.add("alter", d.key, [ddl.comment_sql(want)])
        return
    plan.recreate(d.key)  # in one transaction: never unprotected


def _changed_default_privileges(plan: Planner, d: Difference) -> None:
    want, have = _objects(d)
    plan.add("alter", d.key, ddl.default_privileges_sql(want, have))


_CHANGED: dict[str, Callable[[Planner, Difference], None]] = {
    "schema": _changed_simple,
    "extension": _changed_extension,
    "enum": _changed_enum,
    "domain": _changed_domain,
    "composite": _changed_composite,
    "sequence": _changed_sequence,
    "table": _changed_table,
    "column": _changed_column,
    "constraint": _changed_constraint,
    "index": _changed_index,
    "view": _changed_view,
    "function": _changed_routine,
    "procedure": _changed_routine,
    "trigger": _changed_trigger,
    "policy": _changed_policy,
    "default privileges": _changed_default_privileges,
}


# ------------------------------------------------------------------------ script
def plan_script(result: DiffResult, actual: Snapshot, *, allow_drop: bool = False) -> Script:
    expected = result.expected
    if expected is None:  # a result compared by hand: git's side is in the differences
        expected = Snapshot({}, actual.deployer, frozenset(), actual.server_version)
        for d in result.every_difference():
            if d.expected is not None:
                expected.objects[d.key] = d.expected
    return Planner(result, expected, actual, allow_drop).plan()


def emit_sql(result: DiffResult, actual: Snapshot, *, allow_drop: bool = False) -> str:
    """One transaction, in dependency order; enum values added before it."""
    script = plan_script(result, actual, allow_drop=allow_drop)
    lines = ["-- generated by `sqlkit diff --emit-sql`: brings the database to the state in git"]
    if script.before:
        lines += [
            "",
            "-- enum values first, each on its own: a value added inside a transaction cannot",
            "-- be used before that transaction commits",
            *script.before,
        ]
    lines += ["", "begin;", "set local check_function_bodies = off;", ""]
    if script.skipped:
        lines += [*script.skipped, ""]
    cycles = set(script.cycles)
    for step in script.steps:
        if not step.statements:
            continue
        kind, name = step.node
        note = f" ({step.note})" if step.note else ""
        if step.id in cycles:
            note += " (placed to break a dependency cycle)"
        lines.append(f"-- {step.action} {kind} {name}{note}")
        lines += step.statements
        lines.append("")
    lines += ["commit;", ""]
    return "\n".join(lines)
