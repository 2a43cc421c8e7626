"""Import a file into the database: validate every row, then write all of it or none of it.

Rows are read and written in chunks inside one transaction, so memory stays bounded and a
problem anywhere, a cancel, or a crash leaves the database as it was. Re-importing a file
matches rows on `external_id`: it updates, never duplicates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, Table, bindparam, func, insert, select, update

from console.models import Base, EventKind, ReferralStatus, StaffRole, Urgency, VisitStatus
from console.services.changes import notify_changed
from console.services.transfer.column_formats import decide_formats
from console.services.transfer.kinds import KINDS, FieldType, Kind, column_length
from console.services.transfer.problems import Problem
from console.services.transfer.referral_moves import ReferralMoves
from console.services.transfer.rows import RowBuilder
from console.services.transfer.table_file import FileProblem, TableFile, open_table
from console.services.transfer.values import ColumnFormat

CHUNK_ROWS = 20_000
DECIDED_TYPES = (FieldType.MONEY, FieldType.DATE, FieldType.DATETIME)
Progress = Callable[[int, int | None], None]


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
    source: str = ""

    @property
    def written(self) -> bool:
        return not self.problems and not self.dry_run and not self.cancelled


class ImportCancelled(Exception):
    pass


class _Rollback(Exception):
    """Leaves the transaction without writing: problems found, a dry run, or a cancel."""


MAX_PROBLEMS = 1_000
# A rebuild of the secondary indexes pays once the file adds about a tenth of the table.
REBUILD_MIN_ROWS = 50_000
REBUILD_MIN_SHARE = 0.1
IMPORT_CACHE_KIB = 64 * 1024


class _Importer:
    """Writes one kind's records: inserts new rows, updates changed ones, counts the rest."""

    def __init__(
        self,
        connection: Connection,
        kind: Kind,
        formats: dict[str, ColumnFormat],
        actor: str,
        source: str,
    ) -> None:
        self.connection = connection
        self.kind = kind
        self.actor = actor
        self.table: Table = Base.metadata.tables[kind.table]
        self.rows = RowBuilder(connection, kind, formats)
        self.accounts: dict[str, int] = {}
        self.now = dt.datetime.now(dt.UTC)
        self.role = {"technicians": StaffRole.TECHNICIAN, "salespeople": StaffRole.SALESPERSON}.get(
            kind.name
        )
        self.moves = ReferralMoves(connection, actor, source, self.now)

    def write(
        self, records: list[dict[str, Any]], summary: ImportSummary, problems: list[Problem]
    ) -> None:
        """Checks what only the database can tell, then writes; all inside the transaction."""
        existing = self._existing([record["external_id"] for record in records])
        inserts: list[dict[str, Any]] = []
        updates: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        accounts: list[tuple[int, str, str]] = []
        if self.role is not None:
            self._check_roles(records, existing, problems)
        for record in records:
            line = record.pop("_line")
            current = existing.get(record["external_id"])
            if current is None:
                row = self._new_row(record, line, problems)
                if row is not None:
                    inserts.append(row)
                    if "account_number" in row:
                        accounts.append((line, row["external_id"], row["account_number"]))
                continue
            if "account_number" in record:
                accounts.append((line, record["external_id"], record["account_number"]))
            moved = self.kind.name == "referrals" and self.moves.take(
                line, current, record, problems
            )
            changed = {
                column: value
                for column, value in record.items()
                if _differs(current.get(column), value)
            }
            if changed:
                key = tuple(sorted(changed))
                updates.setdefault(key, []).append(
                    {**{f"v_{k}": v for k, v in changed.items()}, "_id": current["id"]}
                )
            if changed or moved:
                summary.updated += 1
            else:
                summary.unchanged += 1
        if accounts:
            self._check_accounts(accounts, problems)
        if problems:
            return
        if inserts:
            bulk_insert(self.connection, self.table, inserts)
            summary.created += len(inserts)
            if self.kind.name == "referrals":
                self._created_events([row["external_id"] for row in inserts])
        for columns, rows in updates.items():
            values: dict[str, Any] = {column: bindparam(f"v_{column}") for column in columns}
            values["version"] = self.table.c.version + 1
            statement = update(self.table).where(self.table.c.id == bindparam("_id")).values(values)
            self.connection.execute(statement, rows)
        if self.kind.name == "referrals":
            self.moves.apply(problems)

    def _existing(self, external_ids: list[str]) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(external_ids), 5_000):
            part = external_ids[start : start + 5_000]
            query = select(self.table).where(self.table.c.external_id.in_(part))
            if self.role is not None:
                query = query.where(self.table.c.role == self.role.value)
            for row in self.connection.execute(query).mappings():
                found[row["external_id"]] = dict(row)
        return found

    def _check_roles(
        self,
        records: list[dict[str, Any]],
        existing: dict[str, dict[str, Any]],
        problems: list[Problem],
    ) -> None:
        """Technicians and salespeople share one table, so one external id names one person."""
        fresh = [r["external_id"] for r in records if r["external_id"] not in existing]
        staff = self.table
        taken: dict[str, str] = {}
        for start in range(0, len(fresh), 5_000):
            query = select(staff.c.external_id, staff.c.role).where(
                staff.c.external_id.in_(fresh[start : start + 5_000])
            )
            taken.update(
                (external_id, role) for external_id, role in self.connection.execute(query)
            )
        for record in records:
            role = taken.get(record["external_id"])
            if role is not None:
                problems.append(
                    Problem(
                        record["_line"],
                        "external_id",
                        f"{record['external_id']!r} is already the external id of a "
                        f"{StaffRole(role).value}",
                    )
                )

    def _check_accounts(
        self, accounts: list[tuple[int, str, str]], problems: list[Problem]
    ) -> None:
        """Account numbers are unique: not another customer's, not twice in the file."""
        numbers = [account for _line, _external_id, account in accounts]
        taken: dict[str, str] = {}
        for start in range(0, len(numbers), 5_000):
            query = select(self.table.c.account_number, self.table.c.external_id).where(
                self.table.c.account_number.in_(numbers[start : start + 5_000])
            )
            taken.update((number, owner) for number, owner in self.connection.execute(query))
        for line, external_id, account in accounts:
            owner = taken.get(account)
            if owner is not None and owner != external_id:
                reason = f"{account!r} belongs to another customer"
                problems.append(Problem(line, "account_number", reason))
            elif account in self.accounts:
                reason = f"{account!r} is already on row {self.accounts[account]}"
                problems.append(Problem(line, "account_number", reason))
            else:
                self.accounts[account] = line

    def _new_row(
        self, record: dict[str, Any], line: int, problems: list[Problem]
    ) -> dict[str, Any] | None:
        """A new record with the defaults of the columns the file lacks."""
        row = dict(record, version=1)
        name = self.kind.name
        if name == "customers":
            account = row.setdefault("account_number", row["external_id"])
            limit = column_length("customers", "account_number")
            if limit and len(account) > limit:
                reason = (
                    f"is longer than {limit} characters (a new customer's account number is "
                    f"its external id {account!r} unless the file gives one)"
                )
                problems.append(Problem(line, "account_number", reason))
                return None
            row.setdefault("created_at", self.now)
            row.setdefault("updated_at", self.now)
        elif self.role is not None:
            row["role"] = self.role.value
            if row.get("active") is None:
                row["active"] = True
        elif name == "visits":
            done = VisitStatus.COMPLETED if row.get("completed_at") else VisitStatus.SCHEDULED
            row.setdefault("status", done.value)
        elif name == "referrals":
            row["status"] = row.get("status") or ReferralStatus.NEW.value
            row.setdefault("urgency", Urgency.NORMAL.value)
            row.setdefault("created_at", self.now)
            row.update(tech_thanked=False, won_value=None, lost_reason=None, follow_up_on=None)
        elif name == "notes":
            row.setdefault("category", "Other")
            row["pinned"] = bool(row.get("pinned"))
            row.setdefault("created_at", self.now)
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
            value = default.arg(None) if default.is_callable else default.arg  # type: ignore[attr-defined]
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


def _differs(stored: Any, incoming: Any) -> bool:
    if isinstance(stored, dt.datetime) and isinstance(incoming, dt.datetime):
        return stored.replace(tzinfo=None) != incoming.astimezone(dt.UTC).replace(tzinfo=None)
    if hasattr(stored, "value") and not hasattr(incoming, "value"):
        stored = stored.value
    return bool(stored != incoming)


@contextmanager
def _index_cache(connection: Connection) -> Iterator[None]:
    """A large page cache on SQLite while importing, given back afterwards.

    New rows land all over the big tables' indexes; with the default 2 MB cache most of those
    inserts read and write index pages again and again.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    default = connection.exec_driver_sql("PRAGMA cache_size").scalar_one()
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
    driver = connection.connection.driver_connection
    if driver is not None and not driver.in_transaction:
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
        typed = importer.rows.typed_rows(frame, problems)
        records = importer.rows.records(typed, problems)
        if not problems:
            importer.write(records, summary, problems)
        if progress is not None:
            progress(summary.rows, None)
        if len(problems) >= MAX_PROBLEMS:
            break


def _header_problems(kind: Kind, table: TableFile) -> list[Problem]:
    problems = [
        Problem(1, name, "required column is missing")
        for name in kind.columns
        if kind.field(name).required and name not in table.columns
    ]
    duplicates = sorted(
        {c for c in table.columns if table.columns.count(c) > 1 and c in kind.columns}
    )
    problems.extend(
        Problem(1, column, "appears more than once in the header") for column in duplicates
    )
    return problems


def import_file(
    engine: Engine,
    kind_name: str,
    path: Path,
    *,
    mapping: dict[str, str] | None = None,
    dry_run: bool = False,
    day_first: bool | None = None,
    decimal: str | None = None,
    sheet: str | None = None,
    actor: str = "import",
    progress: Progress | None = None,
    cancelled: Callable[[], bool] = lambda: False,
) -> ImportSummary:
    """Validate and import one file of `kind_name`; raises FileProblem when it is not a table.

    `day_first` and `decimal` (`","` or `"."`) decide what a column's own cells leave open;
    None leaves it to the cells, and a column they cannot settle is refused.
    """
    if kind_name not in KINDS:
        raise FileProblem(f"{kind_name!r} is not a kind; use one of: {', '.join(KINDS)}")
    if decimal not in (None, ",", "."):
        raise FileProblem(f"--decimal {decimal!r}: use , or .")
    kind = KINDS[kind_name]
    table = open_table(path, mapping, sheet=sheet)
    summary = ImportSummary(kind=kind_name, dry_run=dry_run)
    describe = getattr(table, "describe", None)
    summary.source = describe() if callable(describe) else ""
    summary.ignored_columns = [c for c in table.columns if c not in kind.columns]
    problems = summary.problems
    problems.extend(_header_problems(kind, table))
    if problems:
        return summary
    present = [name for name in kind.columns if name in table.columns]
    formats, format_problems = decide_formats(
        kind,
        present,
        _chunks_of(table, present, kind),
        decimal=decimal,
        day_first=day_first,
    )
    if format_problems:
        problems.extend(sorted(format_problems, key=lambda problem: problem.row))
        return summary
    try:
        with engine.begin() as connection, _index_cache(connection):
            importer = _Importer(connection, kind, formats, actor, path.name)
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


def _chunks_of(table: TableFile, present: list[str], kind: Kind) -> Iterator[pd.DataFrame]:
    """The file's money and date columns, read only when the kind has any in the file."""
    if not any(kind.field(name).type in DECIDED_TYPES for name in present):
        return iter(())
    return table.chunks(CHUNK_ROWS)
