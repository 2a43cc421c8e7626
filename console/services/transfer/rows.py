"""A file's rows as database records: each cell typed, references resolved to ids.

A record holds only what the file says: the columns the file has (and the references they
name). Columns a file lacks are absent from its records, so a re-import leaves them as they
are; a new row gets their defaults when it is written.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Any

import pandas as pd
from sqlalchemy import Connection, func, select

from console.models import Base, ReferralStatus, StaffRole, Urgency, VisitStatus
from console.services.transfer.encodings import control_refusal
from console.services.transfer.kinds import Field, FieldType, Kind
from console.services.transfer.problems import Problem
from console.services.transfer.values import PLAIN, CellProblem, ColumnFormat, convert

TypedRow = tuple[int, dict[str, Any]]


class CellError(Exception):
    """A cell whose value cannot be stored, with the column to name."""

    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column = column
        self.reason = reason


class Lookups:
    """External ids and staff names resolved to row ids, a chunk at a time."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.known: dict[str, dict[str, tuple[int, int | None]]] = {}
        self.staff: dict[StaffRole, dict[str, list[int]]] = {role: {} for role in StaffRole}
        self.known_first_sites: dict[int, int] = {}
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

    def first_sites(self, customer_ids: Iterable[int]) -> dict[int, int]:
        """customer id → the id of its first site (the lowest), for those that have one."""
        known = self.known_first_sites
        wanted = sorted({value for value in customer_ids if value is not None} - known.keys())
        sites = Base.metadata.tables["sites"]
        for start in range(0, len(wanted), 5_000):
            part = wanted[start : start + 5_000]
            query = (
                select(sites.c.customer_id, func.min(sites.c.id))
                .where(sites.c.customer_id.in_(part))
                .group_by(sites.c.customer_id)
            )
            known.update((owner, first) for owner, first in self.connection.execute(query))
        return known

    def person(self, role: StaffRole, key: str) -> int:
        matches = self.staff[role].get(key) or self.staff[role].get(key.lower()) or []
        if not matches:
            raise CellProblem(f"no {role.value} called {key!r}")
        if len(set(matches)) > 1:
            raise CellProblem(f"{key!r} matches several {role.value}s; use their external id")
        return matches[0]


def _choice(
    row: dict[str, Any], column: str, enum_type: type[enum.Enum], default: Any, name: str
) -> Any:
    value = row.get(column)
    if value is None:
        return default
    try:
        return enum_type(str(value).strip().lower().replace(" ", "_"))
    except ValueError:
        allowed = ", ".join(member.value for member in enum_type)
        raise CellError(column, f"{value!r} is not a {name}; use one of: {allowed}") from None


def typed_column(
    field: Field, cells: list[str], form: ColumnFormat, stray_controls: bool = False
) -> tuple[list[Any], list[tuple[int, str]]]:
    """A column's typed values (None where a cell is wrong) and (position, reason) problems.

    With `stray_controls` (the file holds a control code somewhere), a cell holding one is
    refused whatever its type: a phone or a date must not quietly lose it.
    """
    values: list[Any] = []
    bad: list[tuple[int, str]] = []
    text_field = field.type is FieldType.TEXT
    joined = "".join(cells) if text_field or stray_controls else ""
    controls = stray_controls and control_refusal(joined) is not None
    # The common case of a text column, without a call per cell; a NUL or a control code
    # anywhere takes the slow path, which names the cell.
    plain_text = text_field and "\x00" not in joined and not controls
    limit = field.max_length or 0
    for position, raw in enumerate(cells):
        text = raw.strip()
        if plain_text and text and text[0] != "'" and (not limit or len(text) <= limit):
            values.append(text)
            continue
        if controls and (refusal := control_refusal(raw)) is not None:
            values.append(None)
            bad.append((position, refusal))
            continue
        try:
            values.append(convert(field, raw, form))
        except CellProblem as error:
            values.append(None)
            bad.append((position, str(error)))
    return values, bad


class RowBuilder:
    """Types and resolves one kind's rows; remembers external ids seen for duplicates."""

    def __init__(
        self, connection: Connection, kind: Kind, formats: dict[str, ColumnFormat]
    ) -> None:
        self.kind = kind
        self.formats = formats
        self.stray_controls = False  # set for a file holding a control code somewhere
        self.lookups = Lookups(connection)
        self.seen: dict[str, int] = {}
        self.stored_as = {field.name: field.column for field in kind.fields}
        # Sites of this chunk's rows (see `_sites_of`).
        self.stored: dict[str, tuple[int, int | None]] = {}
        self.named_sites: dict[str, tuple[int, int | None]] = {}
        self.first_site: dict[int, int] = {}

    def typed_rows(self, frame: pd.DataFrame, problems: list[Problem]) -> list[TypedRow]:
        """Each cell typed, a column at a time; rows with any problem are left out."""
        present = [name for name in self.kind.columns if name in frame.columns]
        lines = frame.index.tolist()
        failed: set[int] = set()
        columns: list[list[Any]] = []
        for name in present:
            form = self.formats.get(name, PLAIN)
            values, bad = typed_column(
                self.kind.field(name), frame[name].tolist(), form, self.stray_controls
            )
            for position, reason in bad:
                problems.append(Problem(lines[position], name, reason))
                failed.add(position)
            columns.append(values)
        id_column = present.index("external_id") if "external_id" in present else None
        typed = []
        for position, cells in enumerate(zip(*columns, strict=True)):
            line = lines[position]
            ok = position not in failed
            external_id = cells[id_column] if id_column is not None else None
            if external_id:
                if external_id in self.seen:
                    reason = f"{external_id!r} is already on row {self.seen[external_id]}"
                    problems.append(Problem(line, "external_id", reason))
                    ok = False
                else:
                    self.seen[external_id] = line
            if ok:
                typed.append((line, dict(zip(present, cells, strict=True))))
        return typed

    def records(self, typed: list[TypedRow], problems: list[Problem]) -> list[dict[str, Any]]:
        """Database rows for the typed rows, resolving references; unresolved ones are problems."""
        customers: dict[str, tuple[int, int | None]] = {}
        equipment: dict[str, tuple[int, int | None]] = {}
        if any("customer_external_id" in row for _line, row in typed):
            customers = self.lookups.ids(
                "customers", (row.get("customer_external_id") or "" for _l, row in typed)
            )
        if any(row.get("equipment_external_id") for _line, row in typed):
            equipment = self.lookups.ids(
                "equipment", (row.get("equipment_external_id") or "" for _l, row in typed)
            )
        if self.kind.name in ("sites", "equipment", "visits"):
            self._sites_of(typed, customers)
        records = []
        for line, row in typed:
            try:
                record = self.record(row, customers, equipment)
            except CellError as error:
                problems.append(Problem(line, error.column, error.reason))
                continue
            record["_line"] = line
            records.append(record)
        return records

    def record(self, row: dict[str, Any], customers: dict, equipment: dict) -> dict[str, Any]:
        record: dict[str, Any] = {}
        customer_id = None
        if "customer_external_id" in row:
            key = row["customer_external_id"]
            if key not in customers:
                raise CellError("customer_external_id", f"no customer with external id {key!r}")
            customer_id = customers[key][0]
            record["customer_id"] = customer_id
        if row.get("equipment_external_id"):
            key = row["equipment_external_id"]
            if key not in equipment:
                raise CellError("equipment_external_id", f"no equipment with external id {key!r}")
            equipment_id, owner = equipment[key]
            if owner != customer_id:
                raise CellError(
                    "equipment_external_id", f"equipment {key!r} belongs to another customer"
                )
            record["equipment_id"] = equipment_id
        elif "equipment_external_id" in row:
            record["equipment_id"] = None
        # Plain fields: what the file says, column for column; empty cells clear.
        for name, value in row.items():
            column = self.stored_as[name]
            if column is not None:
                record[column] = value
        getattr(self, f"_{self.kind.name}")(row, record)
        return record

    def _person(self, row: dict[str, Any], column: str, role: StaffRole) -> int | None:
        key = row.get(column)
        if not key:
            return None
        try:
            return self.lookups.person(role, key)
        except CellProblem as error:
            raise CellError(column, str(error)) from None

    def _customers(self, row: dict[str, Any], record: dict[str, Any]) -> None:
        if not record.get("account_number"):
            # Required in the database: an empty cell keeps the stored one, or on a new
            # customer falls back to the external id.
            record.pop("account_number", None)

    def _staff(self, record: dict[str, Any]) -> None:
        if "active" in record and record["active"] is None:
            record["active"] = True

    def _technicians(self, row: dict[str, Any], record: dict[str, Any]) -> None:
        self._staff(record)

    def _salespeople(self, row: dict[str, Any], record: dict[str, Any]) -> None:
        self._staff(record)

    # -- sites: where equipment stands and visits happen -------------------------------------

    def _sites_of(self, typed: list[TypedRow], customers: dict) -> None:
        """Looks up, once per chunk, the sites the rows name and the rows as stored now."""
        rows = [row for _line, row in typed]
        self.stored = self.lookups.ids(
            self.kind.table, (row.get("external_id") or "" for row in rows)
        )
        self.named_sites = self.lookups.ids(
            "sites", (row.get("site_external_id") or "" for row in rows)
        )
        owners = [
            customers[key][0]
            for row in rows
            if (key := row.get("customer_external_id")) in customers
        ]
        self.first_site = self.lookups.first_sites(owners)

    def _site(self, row: dict[str, Any], record: dict[str, Any]) -> None:
        """The site a piece of equipment or a visit is at, which must be its customer's own.

        A named site must belong to the row's customer; an empty cell means the customer's
        first site. A file without the column leaves the stored site, unless the row moves to
        another customer, when it goes to that customer's first site.
        """
        customer_id = record.get("customer_id")
        key = row.get("site_external_id")
        if key:
            if key not in self.named_sites:
                raise CellError("site_external_id", f"no site with external id {key!r}")
            site_id, owner = self.named_sites[key]
            if owner != customer_id:
                raise CellError(
                    "site_external_id",
                    f"site {key!r} belongs to another customer, not "
                    f"{row.get('customer_external_id')!r}",
                )
            record["site_id"] = site_id
            return
        stored = self.stored.get(row.get("external_id") or "")
        if "site_external_id" in row or stored is None or stored[1] != customer_id:
            record["site_id"] = self.first_site.get(customer_id) if customer_id else None

    def _sites(self, row: dict[str, Any], record: dict[str, Any]) -> None:
        stored = self.stored.get(row.get("external_id") or "")
        if stored is not None and stored[1] != record.get("customer_id"):
            raise CellError(
                "customer_external_id",
                f"site {row['external_id']!r} belongs to another customer; a site does not "
                "move between customers",
            )

    def _equipment(self, row: dict[str, Any], record: dict[str, Any]) -> None:
        self._site(row, record)

    def _visits(self, row: dict[str, Any], record: dict[str, Any]) -> None:
        self._site(row, record)
        if "technician" in row:
            record["technician_id"] = self._person(row, "technician", StaffRole.TECHNICIAN)
        if "status" in row:
            # An empty status reads from the completion time; a file without the column
            # leaves the desk's status (a cancelled visit stays cancelled).
            done = VisitStatus.COMPLETED if record.get("completed_at") else VisitStatus.SCHEDULED
            record["status"] = _choice(row, "status", VisitStatus, done, "visit status").value

    def _referrals(self, row: dict[str, Any], record: dict[str, Any]) -> None:
        record["technician_id"] = self._person(row, "technician", StaffRole.TECHNICIAN)
        if "salesperson" in row:
            record["salesperson_id"] = self._person(row, "salesperson", StaffRole.SALESPERSON)
        if "status" in row:
            status = _choice(row, "status", ReferralStatus, None, "referral status")
            record["status"] = status.value if status else None
        if "urgency" in row:
            record["urgency"] = _choice(row, "urgency", Urgency, Urgency.NORMAL, "urgency").value
        if record.get("created_at") is None:
            record.pop("created_at", None)  # an empty cell keeps the stored time

    def _notes(self, row: dict[str, Any], record: dict[str, Any]) -> None:
        if "category" in record and not record["category"]:
            record["category"] = "Other"
        if "pinned" in record and record["pinned"] is None:
            record["pinned"] = False
        if record.get("created_at") is None:
            record.pop("created_at", None)
