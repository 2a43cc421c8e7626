"""Import a file into the database: validate every row, then write all of it or none of it.

Rows are read and written in chunks inside one transaction, so memory stays bounded and a
problem anywhere, a cancel, or a crash leaves the database as it was. Re-importing a file
matches rows on `external_id`: it updates, never duplicates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, Table, bindparam, func, insert, select, update

from console.models import Base, EventKind, ReferralStatus, StaffRole, Urgency, VisitStatus
from console.services.changes import notify_changed
from console.services.transfer.kinds import KINDS, Field, FieldType, Kind
from console.services.transfer.table_file import FileProblem, TableFile, open_table
from console.services.transfer.values import CellProblem, convert

CHUNK_ROWS = 20_000
Progress = Callable[[int, int | None], None]


@dataclass(frozen=True, slots=True)
class Problem:
    row: int
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = f"row {self.row}, column {self.column}" if self.column else f"row {self.row}"
        return f"{where}: {self.reason}"


@dataclass
class ImportSummary:
    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    dry_run: bool = False
    cancelled: bool = False

    @property
    def written(self) -> bool:
        return not self.problems and not self.dry_run and not self.cancelled


class ImportCancelled(Exception):
    pass


class _Rollback(Exception):
    """Leaves the transaction without writing: problems found, a dry run, or a cancel."""


TABLES = {
    "customers": "customers",
    "technicians": "staff",
    "salespeople": "staff",
    "equipment": "equipment",
    "visits": "service_visits",
    "referrals": "referrals",
    "notes": "upsell_notes",
}
MAX_PROBLEMS = 1_000
# A rebuild of the secondary indexes pays once the file adds about a tenth of the table.
REBUILD_MIN_ROWS = 50_000
REBUILD_MIN_SHARE = 0.1
IMPORT_CACHE_KIB = 64 * 1024


class _Lookups:
    """External ids and staff names resolved to row ids, a chunk at a time."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.known: dict[str, dict[str, tuple[int, int | None]]] = {}
        self.staff: dict[StaffRole, dict[str, list[int]]] = {role: {} for role in StaffRole}
        staff = Base.metadata.tables["staff"]
        for row in connection.execute(
            select(staff.c.id, staff.c.external_id, staff.c.name, staff.c.role)
        ):
            keys = self.staff[StaffRole(row.role)]
            if row.external_id:
                keys.setdefault(row.external_id, []).append(row.id)
            keys.setdefault(row.name.lower(), []).append(row.id)

    def ids(self, table: str, external_ids: Iterable[str]) -> dict[str, tuple[int, int | None]]:
        """external_id → (id, customer_id where the table has one).

        Answers are kept for the whole import: a file of visits names the same customers
        chunk after chunk, and each is looked up once.
        """
        known = self.known.setdefault(table, {})
        requested = {value for value in external_ids if value}
        wanted = sorted(requested - known.keys())
        target = Base.metadata.tables[table]
        owner = target.c.customer_id if "customer_id" in target.c else target.c.id
        for start in range(0, len(wanted), 5_000):
            part = wanted[start : start + 5_000]
            query = select(target.c.external_id, target.c.id, owner).where(
                target.c.external_id.in_(part)
            )
            for external_id, row_id, owner_id in self.connection.execute(query):
                known[external_id] = (row_id, owner_id)
        return {value: known[value] for value in requested if value in known}

    def person(self, role: StaffRole, key: str) -> int:
        matches = self.staff[role].get(key) or self.staff[role].get(key.lower()) or []
        if not matches:
            raise CellProblem(f"no {role.value} called {key!r}")
        if len(set(matches)) > 1:
            raise CellProblem(f"{key!r} matches several {role.value}s; use their external id")
        return matches[0]


def _status(value: Any, enum_type: type, default: Any, name: str) -> Any:
    if value is None:
        return default
    try:
        return enum_type(str(value).strip().lower().replace(" ", "_"))
    except ValueError:
        allowed = ", ".join(member.value for member in enum_type)
        raise CellProblem(f"{value!r} is not a {name}; use one of: {allowed}") from None


class _Importer:
    def __init__(self, connection: Connection, kind: Kind, day_first: bool, actor: str) -> None:
        self.connection = connection
        self.kind = kind
        self.day_first = day_first
        self.actor = actor
        self.table: Table = Base.metadata.tables[TABLES[kind.name]]
        self.lookups = _Lookups(connection)
        self.seen: dict[str, int] = {}
        self.accounts: dict[str, int] = {}
        self.now = dt.datetime.now(dt.UTC)

    # -- one chunk ----------------------------------------------------------------------

    def typed_rows(
        self, frame: pd.DataFrame, problems: list[Problem]
    ) -> list[tuple[int, dict[str, Any]]]:
        """Each cell typed, a column at a time; rows with any problem are left out."""
        present = [name for name in self.kind.columns if name in frame.columns]
        lines = frame.index.tolist()
        failed: set[int] = set()
        columns = []
        for name in present:
            values, bad = _typed_column(self.kind.field(name), frame[name].tolist(), self.day_first)
            for position, reason in bad:
                problems.append(Problem(lines[position], name, reason))
                failed.add(position)
            columns.append(values)
        id_column = present.index("external_id") if "external_id" in present else None
        typed = []
        for position, values in enumerate(zip(*columns, strict=True)):
            line = lines[position]
            ok = position not in failed
            external_id = values[id_column] if id_column is not None else None
            if external_id:
                if external_id in self.seen:
                    problems.append(
                        Problem(
                            line,
                            "external_id",
                            f"{external_id!r} is already on row {self.seen[external_id]}",
                        )
                    )
                    ok = False
                else:
                    self.seen[external_id] = line
            if ok:
                typed.append((line, dict(zip(present, values, strict=True))))
        return typed

    def records(
        self, typed: list[tuple[int, dict[str, Any]]], problems: list[Problem]
    ) -> list[dict[str, Any]]:
        """Database rows for the typed rows, resolving references; unresolved ones are problems."""
        customers = equipment = {}
        if any("customer_external_id" in row for _line, row in typed):
            customers = self.lookups.ids(
                "customers", (row.get("customer_external_id") for _l, row in typed)
            )
        if any(row.get("equipment_external_id") for _line, row in typed):
            equipment = self.lookups.ids(
                "equipment", (row.get("equipment_external_id") for _l, row in typed)
            )
        records = []
        for line, row in typed:
            try:
                record = self.record(row, customers, equipment)
            except _CellError as error:
                problems.append(Problem(line, error.column, error.reason))
                continue
            record["_line"] = line
            records.append(record)
        return records

    def record(self, row: dict[str, Any], customers: dict, equipment: dict) -> dict[str, Any]:
        name = self.kind.name
        record: dict[str, Any] = {"external_id": row["external_id"]}
        customer_id = None
        if "customer_external_id" in row:
            key = row["customer_external_id"]
            if key not in customers:
                raise _CellError("customer_external_id", f"no customer with external id {key!r}")
            customer_id = customers[key][0]
            record["customer_id"] = customer_id
        if row.get("equipment_external_id"):
            key = row["equipment_external_id"]
            if key not in equipment:
                raise _CellError("equipment_external_id", f"no equipment with external id {key!r}")
            equipment_id, owner = equipment[key]
            if owner != customer_id:
                raise _CellError(
                    "equipment_external_id", f"equipment {key!r} belongs to another customer"
                )
            record["equipment_id"] = equipment_id
        elif "equipment_external_id" in self.kind.columns:
            record["equipment_id"] = None
        build = getattr(self, f"_{name}")
        build(row, record)
        return record

    def _person(self, row: dict[str, Any], column: str, role: StaffRole) -> int | None:
        key = row.get(column)
        if not key:
            return None
        try:
            return self.lookups.person(role, key)
        except CellProblem as error:
            raise _CellError(column, str(error)) from None

    def _customers(self, row: dict[str, Any], record: dict[str, Any]) -> None:
        for column in (
            "name",
            "company",
            "phone",
            "email",
            "street",
            "city",
            "postal_code",
            "country",
            "notes",
        ):
            record[column] = row.get(column)
        record["account_number"] = row.get("account_number") or row["external_id"]

    def _staff(self, row: dict[str, Any], record: dict[str, Any], role: StaffRole) -> None:
        for column in ("name", "phone", "email"):
            record[column] = row.get(column)
        record["active"] = (
            True if row.get("active") is None or "active" not in row else bool(row["active"])
        )
        record["role"] = role.value

    def _technicians(self, row: dict[str, Any], record: dict[str, Any]) -> None:
        self._staff(row, record, StaffRole.TECHNICIAN)

    def _salespeople(self, row: dict[str, Any], record: dict[str, Any]) -> None:
        self._staff(row, record, StaffRole.SALESPERSON)

    def _equipment(self, row: dict[str, Any], record: dict[str, Any]) -> None:
        for column in ("kind", "make", "model", "serial", "installed_on"):
            record[column] = row.get(column)

    def _visits(self, row: dict[str, Any], record: dict[str, Any]) -> None:
        record["technician_id"] = self._person(row, "technician", StaffRole.TECHNICIAN)
        record["scheduled_for"] = row["scheduled_for"]
        record["completed_at"] = row.get("completed_on")
        default = VisitStatus.COMPLETED if record["completed_at"] else VisitStatus.SCHEDULED
        try:
            record["status"] = _status(
                row.get("status"), VisitStatus, default, "visit status"
            ).value
        except CellProblem as error:
            raise _CellError("status", str(error)) from None
        for column in ("problem", "work_done", "tech_notes"):
            record[column] = row.get(column)

    def _referrals(self, row: dict[str, Any], record: dict[str, Any]) -> None:
        technician = self._person(row, "technician", StaffRole.TECHNICIAN)
        record["technician_id"] = technician
        record["salesperson_id"] = self._person(row, "salesperson", StaffRole.SALESPERSON)
        try:
            status = _status(
                row.get("status"), ReferralStatus, ReferralStatus.NEW, "referral status"
            )
        except CellProblem as error:
            raise _CellError("status", str(error)) from None
        try:
            urgency = _status(row.get("urgency"), Urgency, Urgency.NORMAL, "urgency")
        except CellProblem as error:
            raise _CellError("urgency", str(error)) from None
        record["status"] = status.value
        record["urgency"] = urgency.value
        record["created_at"] = row.get("created_at") or self.now
        record["pain_point"] = row["pain_point"]
        record["recommendation"] = row.get("recommendation")
        record["estimated_value"] = row.get("estimated_value")

    def _notes(self, row: dict[str, Any], record: dict[str, Any]) -> None:
        for column in ("author", "text"):
            record[column] = row[column]
        record["category"] = row.get("category") or "Other"
        record["pinned"] = bool(row.get("pinned"))
        record["created_at"] = row.get("created_at") or self.now

    # -- writing ------------------------------------------------------------------------

    def write(
        self, records: list[dict[str, Any]], summary: ImportSummary, problems: list[Problem]
    ) -> None:
        """Insert new rows, update changed ones, count the rest; all inside the transaction."""
        existing = self._existing([record["external_id"] for record in records])
        if self.kind.name == "customers":
            self._check_accounts(records, existing, problems)
            if problems:
                return
        inserts, updates = [], []
        for record in records:
            record.pop("_line")
            current = existing.get(record["external_id"])
            if current is None:
                inserts.append(self._new_row(record))
            elif any(_differs(current.get(column), value) for column, value in record.items()):
                updates.append({**{f"v_{k}": v for k, v in record.items()}, "_id": current["id"]})
            else:
                summary.unchanged += 1
        if inserts:
            bulk_insert(self.connection, self.table, inserts)
            summary.created += len(inserts)
            if self.kind.name == "referrals":
                self._created_events([row["external_id"] for row in inserts])
        if updates:
            columns = [key[2:] for key in updates[0] if key.startswith("v_")]
            values: dict[str, Any] = {column: bindparam(f"v_{column}") for column in columns}
            values["version"] = self.table.c.version + 1
            statement = update(self.table).where(self.table.c.id == bindparam("_id")).values(values)
            self.connection.execute(statement, updates)
            summary.updated += len(updates)

    def _existing(self, external_ids: list[str]) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(external_ids), 5_000):
            part = external_ids[start : start + 5_000]
            query = select(self.table).where(self.table.c.external_id.in_(part))
            if self.kind.name in ("technicians", "salespeople"):
                role = (
                    StaffRole.TECHNICIAN
                    if self.kind.name == "technicians"
                    else StaffRole.SALESPERSON
                )
                query = query.where(self.table.c.role == role.value)
            for row in self.connection.execute(query).mappings():
                found[row["external_id"]] = dict(row)
        return found

    def _check_accounts(
        self,
        records: list[dict[str, Any]],
        existing: dict[str, dict[str, Any]],
        problems: list[Problem],
    ) -> None:
        accounts = [record["account_number"] for record in records]
        taken = dict(
            self.connection.execute(
                select(self.table.c.account_number, self.table.c.external_id).where(
                    self.table.c.account_number.in_(accounts)
                )
            ).all()
        )
        for record in records:
            account = record["account_number"]
            owner = taken.get(account)
            if owner is not None and owner != record["external_id"]:
                problems.append(
                    Problem(
                        record["_line"],
                        "account_number",
                        f"{account!r} belongs to another customer",
                    )
                )
            elif account in self.accounts:
                problems.append(
                    Problem(
                        record["_line"],
                        "account_number",
                        f"{account!r} is already on row {self.accounts[account]}",
                    )
                )
            else:
                self.accounts[account] = record["_line"]

    def _new_row(self, record: dict[str, Any]) -> dict[str, Any]:
        row = dict(record, version=1)
        if self.kind.name == "customers":
            row.setdefault("created_at", self.now)
            row.setdefault("updated_at", self.now)
        if self.kind.name == "referrals":
            row.update(tech_thanked=False, won_value=None, lost_reason=None, follow_up_on=None)
        if self.kind.name == "notes":
            row.update(removed_at=None, removed_by=None, referral_id=None)
        return row

    def _created_events(self, external_ids: list[str]) -> None:
        events = Base.metadata.tables["referral_events"]
        rows = []
        for start in range(0, len(external_ids), 5_000):
            part = external_ids[start : start + 5_000]
            query = select(self.table.c.id, self.table.c.status, self.table.c.created_at).where(
                self.table.c.external_id.in_(part)
            )
            for referral_id, status, created_at in self.connection.execute(query):
                rows.append(
                    {
                        "referral_id": referral_id,
                        "at": created_at,
                        "actor": self.actor,
                        "kind": EventKind.CREATED.value,
                        "from_status": None,
                        "to_status": status,
                        "note": "Imported from a file",
                    }
                )
        if rows:
            self.connection.execute(insert(events), rows)


def _typed_column(
    field: Field, cells: list[str], day_first: bool
) -> tuple[list[Any], list[tuple[int, str]]]:
    """A column's typed values (None where a cell is wrong) and (position, reason) problems."""
    values: list[Any] = []
    bad: list[tuple[int, str]] = []
    plain_text = field.type is FieldType.TEXT
    limit = field.max_length or 0
    for position, raw in enumerate(cells):
        text = raw.strip()
        # The common case of a text column, without a call per cell.
        if plain_text and text and text[0] != "'" and (not limit or len(text) <= limit):
            values.append(text)
            continue
        try:
            values.append(convert(field, raw, day_first))
        except CellProblem as error:
            values.append(None)
            bad.append((position, str(error)))
    return values, bad


def bulk_insert(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert many rows through the driver's executemany, converting values a column at a time.

    The values pass through the very bind processors SQLAlchemy would apply, but one column
    at a time instead of one row at a time, which is most of the cost of a large insert.
    Rows give the same keys; columns none of them gives get their Python-side defaults, as a
    Core insert would give them.
    """
    dialect = connection.dialect
    names = list(dict.fromkeys(name for row in rows for name in row))
    columns: list[list[Any]] = [[row.get(name) for row in rows] for name in names]
    for column in table.c:
        default = column.default
        if column.name not in names and default is not None and not default.is_sequence:
            value = default.arg(None) if default.is_callable else default.arg  # type: ignore[union-attr]
            names.append(column.name)
            columns.append([value] * len(rows))
    for position, name in enumerate(names):
        process = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            columns[position] = [process(value) for value in columns[position]]
    compiled = (
        insert(table).values({name: bindparam(name) for name in names}).compile(dialect=dialect)
    )
    if compiled.positional:
        order = [names.index(key) for key in compiled.positiontup or ()]
        parameters: list[Any] = list(zip(*(columns[i] for i in order), strict=True))
    else:
        parameters = [
            dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)
        ]
    connection.exec_driver_sql(str(compiled), parameters)


class _CellError(Exception):
    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column = column
        self.reason = reason


def _differs(stored: Any, incoming: Any) -> bool:
    if isinstance(stored, dt.datetime) and isinstance(incoming, dt.datetime):
        return stored.replace(tzinfo=None) != incoming.astimezone(dt.UTC).replace(tzinfo=None)
    if hasattr(stored, "value") and not hasattr(incoming, "value"):
        stored = stored.value
    return stored != incoming


@contextmanager
def _index_cache(connection: Connection) -> Iterator[None]:
    """A large page cache on SQLite while importing, given back afterwards.

    New rows land all over the big tables' indexes; with the default 2 MB cache most of those
    inserts read and write index pages again and again.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    default = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size=-{IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size={int(default)}")


@contextmanager
def _indexes_rebuilt_after(
    connection: Connection, table: Table, incoming: Callable[[], int]
) -> Iterator[None]:
    """On SQLite, a large import drops the table's secondary indexes and builds them afresh.

    Rows landing one by one in the indexes of a big table cost far more than one sorted
    build at the end. It all happens in the import's transaction, so a refusal, a cancel or
    a crash brings the indexes back with the rest. Unique indexes stay: they check the rows.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    existing = connection.execute(select(func.count()).select_from(table)).scalar_one()
    if incoming() < max(REBUILD_MIN_ROWS, existing * REBUILD_MIN_SHARE):
        yield
        return
    indexes = connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?"
        " AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'",
        (table.name,),
    ).all()
    # pysqlite opens its transaction at the first row written, and DDL before that would
    # commit at once: begin explicitly, so the drop is undone with everything else.
    if not connection.connection.driver_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    for name, _sql in indexes:
        connection.exec_driver_sql(f'DROP INDEX "{name}"')
    yield
    for _name, sql in indexes:
        connection.exec_driver_sql(sql)


def _import_chunks(
    importer: _Importer,
    table: TableFile,
    summary: ImportSummary,
    progress: Progress | None,
    cancelled: Callable[[], bool],
) -> None:
    problems = summary.problems
    for frame in table.chunks(CHUNK_ROWS):
        if cancelled():
            raise ImportCancelled
        summary.rows += len(frame)
        typed = importer.typed_rows(frame, problems)
        records = importer.records(typed, problems)
        if not problems:
            importer.write(records, summary, problems)
        if progress is not None:
            progress(summary.rows, None)
        if len(problems) >= MAX_PROBLEMS:
            break


def import_file(
    engine: Engine,
    kind_name: str,
    path: Path,
    *,
    mapping: dict[str, str] | None = None,
    dry_run: bool = False,
    day_first: bool = False,
    actor: str = "import",
    progress: Progress | None = None,
    cancelled: Callable[[], bool] = lambda: False,
) -> ImportSummary:
    """Validate and import one file of `kind_name`; raises FileProblem when it is not a table."""
    if kind_name not in KINDS:
        raise FileProblem(f"{kind_name!r} is not a kind; use one of: {', '.join(KINDS)}")
    kind = KINDS[kind_name]
    table = open_table(path, mapping)
    summary = ImportSummary(kind=kind_name, dry_run=dry_run)
    summary.ignored_columns = [c for c in table.columns if c not in kind.columns]
    problems = summary.problems
    for name in kind.columns:
        if kind.field(name).required and name not in table.columns:
            problems.append(Problem(1, name, "required column is missing"))
    duplicates = sorted(
        {c for c in table.columns if table.columns.count(c) > 1 and c in kind.columns}
    )
    problems.extend(
        Problem(1, column, "appears more than once in the header") for column in duplicates
    )
    if problems:
        return summary
    try:
        with engine.begin() as connection, _index_cache(connection):
            importer = _Importer(connection, kind, day_first, actor)
            # The file is only counted where a rebuild could follow (SQLite, writing).
            incoming = (lambda: 0) if dry_run else table.estimated_rows
            rebuilt = _indexes_rebuilt_after(connection, importer.table, incoming)
            with rebuilt:  # leaving it by an exception skips the rebuild: all is rolled back
                _import_chunks(importer, table, summary, progress, cancelled)
                if problems or dry_run:
                    raise _Rollback
                if cancelled():
                    raise ImportCancelled
    except _Rollback:
        pass
    except ImportCancelled:
        summary.cancelled = True
    else:
        notify_changed(engine)
    if not summary.rows and not problems:
        problems.append(Problem(2, None, "the file has a header but no rows"))
    problems.sort(key=lambda problem: problem.row)
    return summary
