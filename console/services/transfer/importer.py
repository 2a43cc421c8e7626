"""Import a file into the database: validate every row, then write all of it or none of it.

Rows are read and written in chunks inside one transaction, so memory stays bounded and a
problem anywhere, a cancel, or a crash leaves the database as it was. Re-importing a file
matches rows on `external_id`: it updates, never duplicates, and a row whose fingerprint
shows it unchanged since its last import is counted without being read further (see
`fingerprints`). With `skip_invalid`, rows with problems are left out as rejects (with their
reasons) and the others are written; problems with the header or the file as a whole still
refuse it.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, Table, bindparam, func, insert, select, update

from console.models import Base, EventKind, ReferralStatus, StaffRole, Urgency, VisitStatus
from console.models.referral import Assignment
from console.models.site import settle_sites
from console.services.changes import notify_changed
from console.services.transfer.column_formats import decide_formats
from console.services.transfer.fingerprints import Fingerprints, Prescan
from console.services.transfer.kinds import KINDS, FieldType, Kind, column_length
from console.services.transfer.problems import Problem
from console.services.transfer.referral_moves import ReferralMoves
from console.services.transfer.rejects import Reject
from console.services.transfer.rows import RowBuilder
from console.services.transfer.table_file import FileProblem, TableFile, open_table
from console.services.transfer.unchanged_scan import UnchangedScan, worth_loading
from console.services.transfer.values import ColumnFormat

CHUNK_ROWS = 20_000
# Rows the unchanged scan reads at a time: it builds no frame of most of them.
SCAN_ROWS = 50_000
# Rows the formats pass may keep for the full path, sparing a second reading of the file.
PRESCAN_KEEP_ROWS = 50_000
ROLES = {"technicians": StaffRole.TECHNICIAN, "salespeople": StaffRole.SALESPERSON}
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
    rejected: int = 0
    rejects: list[Reject] = field(default_factory=list)

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
        self.role = ROLES.get(kind.name)
        self.moves = ReferralMoves(connection, actor, source, self.now)
        self.fingerprints: Fingerprints | None = None
        # The digests of the rows that take the full path, by line, for storing once written.
        self.digests: dict[int, bytes] = {}
        self.rebuild: _IndexRebuild | None = None

    def write(
        self, records: list[dict[str, Any]], summary: ImportSummary, problems: list[Problem]
    ) -> None:
        """Checks what only the database can tell, then writes; all inside the transaction."""
        lines = [record["_line"] for record in records]
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
            if self.rebuild is not None:
                self.rebuild.before_inserts(len(inserts), len(records))
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
        if self.fingerprints is not None and not problems:
            digests = self.digests
            self.fingerprints.store(
                [
                    (record["external_id"], digests[line])
                    for line, record in zip(lines, records, strict=True)
                    if line in digests
                ]
            )

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
            # A salesperson named by the file was chosen in the office's system.
            row["assignment"] = Assignment.IMPORT.value if row.get("salesperson_id") else None
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


class _IndexRebuild:
    """On SQLite, a large import drops the table's secondary indexes and builds them afresh.

    Rows landing one by one in the indexes of a big table cost far more than one sorted
    build at the end. The choice waits for the first rows to insert: a re-import of a file
    already in the database inserts little, and rebuilding for it would cost seconds. The
    first chunk with new rows tells how many the file is likely to add. It all happens in
    the import's transaction, so a refusal, a cancel or a crash brings the indexes back with
    the rest. Unique indexes stay: they check the rows.
    """

    def __init__(self, connection: Connection, table: Table, incoming: Callable[[], int]) -> None:
        self.connection = connection
        self.table = table
        self.incoming = incoming
        self.decided = connection.dialect.name != "sqlite"
        self.dropped: list[tuple[str, str]] = []

    def before_inserts(self, inserts: int, rows: int) -> None:
        """Called before a chunk's inserts: `inserts` new rows among the chunk's `rows`."""
        if self.decided:
            return
        self.decided = True
        connection, table = self.connection, self.table
        expected = self.incoming() * inserts / max(rows, 1)
        existing = connection.execute(select(func.count()).select_from(table)).scalar_one()
        if expected < max(REBUILD_MIN_ROWS, existing * REBUILD_MIN_SHARE):
            return
        indexes = connection.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?"
            " AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'",
            (table.name,),
        ).all()
        # pysqlite opens its transaction at the first row written, and DDL before that would
        # commit at once: begin explicitly, so the drop is undone with everything else.
        _begin_sqlite(connection)
        for name, _sql in indexes:
            connection.exec_driver_sql(f'DROP INDEX "{name}"')
        self.dropped = [(name, sql) for name, sql in indexes]

    def finish(self) -> None:
        """Build the dropped indexes again; only on success (a failure rolls the drop back).

        A chunk's savepoint rolled back (a row rejected after the drop) brings an index back
        early, so each is only built where it is missing.
        """
        for _name, sql in self.dropped:
            self.connection.exec_driver_sql(
                sql.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1)
            )
        self.dropped = []


def _import_chunks(
    importer: _Importer,
    table: TableFile,
    frames: Iterable[pd.DataFrame],
    summary: ImportSummary,
    progress: Progress | None,
    cancelled: Callable[[], bool],
    skip_invalid: bool,
    *,
    matched: bool = False,
) -> None:
    """Import `frames`: the file's chunks, or (`matched`) the rows the prescan left over.

    Rows already counted and matched by the prescan are not counted or matched again.
    """
    problems = summary.problems
    fingerprints = importer.fingerprints
    for frame in frames:
        if cancelled():
            raise ImportCancelled
        if not matched:
            summary.rows += len(frame)
            if fingerprints is not None:
                frame = _changed_rows(importer, fingerprints, frame, summary)
        elif fingerprints is not None:
            _ids, digests = fingerprints.digests(frame)
            importer.digests = dict(zip(frame.index.tolist(), digests, strict=True))
        if skip_invalid:
            found: list[Problem] = []
            typed = importer.rows.typed_rows(frame, found)
            records = importer.rows.records(typed, found)
            _write_skipping(importer, records, summary, found)
            summary.rejects.extend(_rejects_of(frame, table, found))
            summary.rejected = len(summary.rejects)
        else:
            typed = importer.rows.typed_rows(frame, problems)
            records = importer.rows.records(typed, problems)
            if not problems:
                importer.write(records, summary, problems)
        if progress is not None:
            progress(summary.rows, None)
        if len(problems) >= MAX_PROBLEMS:
            break


def _changed_rows(
    importer: _Importer, fingerprints: Fingerprints, frame: pd.DataFrame, summary: ImportSummary
) -> pd.DataFrame:
    """The chunk without the rows whose fingerprints say they are already in the database.

    Those are counted unchanged and remembered for the file's duplicate check; the rest keep
    their digests for storing once they are written.
    """
    ids, digests = fingerprints.digests(frame)
    same = fingerprints.unchanged(ids, digests)
    seen = importer.rows.seen
    pending: set[str] = set()  # ids of this chunk's rows that take the full path
    keep: list[bool] = []
    importer.digests = {}
    for line, external_id, digest, unchanged in zip(
        frame.index.tolist(), ids, digests, same, strict=True
    ):
        if unchanged and external_id not in seen and external_id not in pending:
            seen[external_id] = line
            keep.append(False)
        else:
            pending.add(external_id)
            importer.digests[line] = digest
            keep.append(True)
    skipped = len(keep) - sum(keep)
    summary.unchanged += skipped
    return frame[keep] if skipped else frame


def _write_skipping(
    importer: _Importer,
    records: list[dict[str, Any]],
    summary: ImportSummary,
    found: list[Problem],
) -> None:
    """Write the chunk's rows without those that have problems, adding to `found`.

    Most checks run before anything is written; a referral's lifecycle step can still refuse
    after the plain writes, so each attempt runs in a savepoint and a refused one is undone
    and tried again without the rows it named.
    """
    bad = {problem.row for problem in found}
    while True:
        attempt = [dict(record) for record in records if record["_line"] not in bad]
        if not attempt:
            return
        counts = (summary.created, summary.updated, summary.unchanged)
        accounts = dict(importer.accounts)
        new: list[Problem] = []
        savepoint = _savepoint(importer.connection)
        try:
            importer.write(attempt, summary, new)
        except BaseException:
            savepoint.rollback()
            raise
        if not new:
            savepoint.commit()
            return
        savepoint.rollback()
        summary.created, summary.updated, summary.unchanged = counts
        importer.accounts = accounts
        importer.moves.moves.clear()
        importer.moves.assignments.clear()
        found.extend(new)
        named = {problem.row for problem in new}
        if named <= bad:  # cannot happen: every problem names a row of the attempt
            summary.problems.extend(new)
            return
        bad |= named


def _rejects_of(frame: pd.DataFrame, table: TableFile, found: list[Problem]) -> list[Reject]:
    """The rows `found` names, with their cells under the file's own header."""
    if not found:
        return []
    source_name = dict(zip(table.columns, table.source_columns, strict=True))
    reasons: dict[int, list[str]] = {}
    for problem in sorted(found, key=lambda p: p.row):
        where = source_name.get(problem.column, problem.column) if problem.column else None
        reasons.setdefault(problem.row, []).append(
            f"{where}: {problem.reason}" if where else problem.reason
        )
    position = {line: at for at, line in enumerate(frame.index.tolist()) if line in reasons}
    cells = frame.to_numpy()
    return [
        Reject(line, dict(zip(table.source_columns, cells[position[line]], strict=True)), why)
        for line, why in reasons.items()
    ]


class _Savepoint:
    """A SAVEPOINT inside the connection's transaction, which is begun first on SQLite.

    pysqlite opens its transaction only at the first row written, and a SAVEPOINT outside a
    transaction would start one that its RELEASE commits. The statement is issued directly
    rather than by `begin_nested()`: an ORM Session bound to a connection inside a nested
    transaction makes a savepoint of its own and rolls it back when closed, which would
    silently undo the referral steps taken through the lifecycle service.
    """

    _count = itertools.count(1)

    def __init__(self, connection: Connection) -> None:
        _begin_sqlite(connection)
        self.connection = connection
        self.name = f"console_import_{next(self._count)}"
        connection.exec_driver_sql(f"SAVEPOINT {self.name}")
        self.is_active = True

    def commit(self) -> None:
        self.is_active = False
        self.connection.exec_driver_sql(f"RELEASE SAVEPOINT {self.name}")

    def rollback(self) -> None:
        self.is_active = False
        self.connection.exec_driver_sql(f"ROLLBACK TO SAVEPOINT {self.name}")
        self.connection.exec_driver_sql(f"RELEASE SAVEPOINT {self.name}")


def _savepoint(connection: Connection) -> _Savepoint:
    return _Savepoint(connection)


def _begin_sqlite(connection: Connection) -> None:
    if connection.dialect.name != "sqlite":
        return
    driver = connection.connection.driver_connection
    if driver is not None and not driver.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


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
    table: TableFile | None = None,
    within: Connection | None = None,
    skip_invalid: bool = False,
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

    `table` is the file already opened (`path` still names it in notes). `within` is the
    caller's open transaction: the file is imported in a savepoint of it, so a refusal or a
    cancel undoes only this file's rows, and the caller announces the change once it commits.
    `skip_invalid` leaves rows with problems out, as `summary.rejects`, and writes the rest.
    """
    if kind_name not in KINDS:
        raise FileProblem(f"{kind_name!r} is not a kind; use one of: {', '.join(KINDS)}")
    if decimal not in (None, ",", "."):
        raise FileProblem(f"--decimal {decimal!r}: use , or .")
    kind = KINDS[kind_name]
    if table is None:
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
    try:
        with _transaction(engine, within) as connection, _index_cache(connection):
            fingerprints: Fingerprints | None = None
            prescan: Prescan | UnchangedScan | None = None
            read_for_formats = any(kind.field(name).type in DECIDED_TYPES for name in present)
            chunks = table.chunks(CHUNK_ROWS) if read_for_formats else iter(())
            if "external_id" in table.columns:
                role = ROLES.get(kind.name)
                fingerprints = Fingerprints(
                    connection,
                    kind,
                    table.columns,
                    role=role.value if role is not None else None,
                    mapping=mapping,
                    store=not dry_run,
                )
            if fingerprints is not None and read_for_formats:
                # The formats pass reads the file anyway: unchanged rows are matched on the way.
                if worth_loading(fingerprints, table.estimated_rows()):
                    scan = UnchangedScan(
                        fingerprints,
                        kind,
                        table.columns,
                        [name for name in present if kind.field(name).type in DECIDED_TYPES],
                        decimal=decimal,
                        limit=PRESCAN_KEEP_ROWS,
                        frame=table.frame,
                        on_frame=_checking(cancelled),
                    )
                    chunks, prescan = scan.frames(table.batches(SCAN_ROWS)), scan
                else:
                    prescan = Prescan(fingerprints, PRESCAN_KEEP_ROWS, _checking(cancelled))
                    chunks = prescan.frames(chunks)
            formats, format_problems = decide_formats(
                kind, present, chunks, decimal=decimal, day_first=day_first
            )
            if format_problems:
                problems.extend(sorted(format_problems, key=lambda problem: problem.row))
                raise _Rollback
            importer = _Importer(connection, kind, formats, actor, path.name)
            importer.rows.stray_controls = table.stray_controls
            importer.fingerprints = fingerprints
            if fingerprints is not None:
                fingerprints.decided(formats, decimal, day_first)
            if not dry_run:
                importer.rebuild = _IndexRebuild(connection, importer.table, table.estimated_rows)
            unchanged = prescan.unchanged() if prescan is not None else None
            if prescan is None or prescan.kept is None or unchanged is None:
                frames = table.chunks(CHUNK_ROWS)
                _import_chunks(importer, table, frames, summary, progress, cancelled, skip_invalid)
            else:
                summary.rows += prescan.rows
                summary.unchanged += unchanged
                importer.rows.seen = prescan.seen
                _import_chunks(
                    importer,
                    table,
                    prescan.kept,
                    summary,
                    progress,
                    cancelled,
                    skip_invalid,
                    matched=True,
                )
            if problems or dry_run:
                raise _Rollback
            if cancelled():
                raise ImportCancelled
            if importer.rebuild is not None:
                importer.rebuild.finish()
            if within is None and kind.name == "customers" and summary.created:
                # A customer always has a site; a caller writing several kinds settles them
                # once it is done, so a file's own sites are not preceded by a made-up one.
                settle_sites(connection)
    except _Rollback:
        pass
    except ImportCancelled:
        summary.cancelled = True
    else:
        if within is None:
            notify_changed(engine)
    if not summary.rows and not problems:
        problems.append(Problem(2, None, "the file has a header but no rows"))
    problems.sort(key=lambda problem: problem.row)
    return summary


@contextmanager
def _transaction(engine: Engine, within: Connection | None) -> Iterator[Connection]:
    """The import's own transaction, or a savepoint in the caller's; an exception undoes it.

    On SQLite the secondary-index rebuild also runs inside the savepoint: SQLite's DDL is
    transactional, so rolling back to the savepoint brings the dropped indexes back.
    """
    if within is None:
        with engine.begin() as connection:
            yield connection
        return
    savepoint = _savepoint(within)
    try:
        yield within
    except BaseException:
        if savepoint.is_active:
            savepoint.rollback()
        raise
    savepoint.commit()


def _checking(cancelled: Callable[[], bool]) -> Callable[[int], None]:
    """A cancel honoured while the file is read for its formats.

    Progress is told by the import pass alone, so it never runs backwards when the file has
    to be read a second time.
    """

    def check(_rows: int) -> None:
        if cancelled():
            raise ImportCancelled

    return check
