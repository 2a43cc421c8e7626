"""One kind's table made from another system's export, row by row as the file is read.

The derived table keeps the source's line numbers, so a problem names the file's own row.
A source row can give no row (its `when` cells are empty, or its id came before) or, with
a repeated group, several rows, all on the source row's line.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, select

from console.models import Base, StaffRole
from console.services.transfer.encodings import control_refusal
from console.services.transfer.presets.definition import Definition, KindPlan
from console.services.transfer.presets.rules import Context, Resolve, UnreadableRow
from console.services.transfer.problems import Problem
from console.services.transfer.table_file import Reader, TableFile

Batch = tuple[list[int], list[tuple[str, ...]]]


class DerivedReader:
    """A `Reader` whose rows are one kind's columns, computed from the source's rows."""

    def __init__(
        self,
        source: TableFile,
        definition: Definition,
        plan: KindPlan,
        resolve: Resolve,
    ) -> None:
        self.source = source
        self.definition = definition
        self.plan = plan
        self.header = list(plan.columns)
        self.positions = definition.positions(source.source_columns)
        self.groups = definition.groups(plan, source.source_columns)
        self.resolve = resolve
        self.problems: list[Problem] = []
        """Source rows left out because a cell could not be read, with why (one per row)."""

    def describe(self) -> str:
        return f"{self.source.describe()}, preset {self.definition.name}"

    @property
    def stray_controls(self) -> bool:
        return self.source.stray_controls  # a source cell's control code reaches its rows

    def estimated_rows(self) -> int:
        return self.source.estimated_rows() * max(len(self.groups), 1)

    def batches(self, size: int) -> Iterator[Batch]:
        """The kind's rows, each on the line its source row starts on; ids seen skipped."""
        seen: set[str] = set()
        plan = self.plan
        controls = self.source.stray_controls
        for lines, rows in self.source.reader.batches(size):
            out_lines: list[int] = []
            out_rows: list[tuple[str, ...]] = []
            for line, row in zip(lines, rows, strict=True):
                if controls and (refused := self._control_code(line, row)) is not None:
                    self.problems.append(refused)
                    continue
                try:
                    derived = list(self._rows(row))
                except UnreadableRow as unreadable:
                    at = unreadable.position
                    column = self.source.source_columns[at] if at is not None else None
                    self.problems.append(Problem(line, column, str(unreadable)))
                    continue
                for values in derived:
                    if plan.unique:
                        if values[0] in seen:
                            continue
                        seen.add(values[0])
                    out_lines.append(line)
                    out_rows.append(values)
            if out_rows:
                yield out_lines, out_rows

    def _control_code(self, line: int, row: Sequence[str]) -> Problem | None:
        """The row's first cell holding a control code, refused as it stands in the file.

        Checked before the preset's rules read the row: a split address or a mapped status
        would otherwise lose the code and store a value the file does not hold.
        """
        for position, cell in enumerate(row):
            if (refusal := control_refusal(cell)) is not None:
                return Problem(line, self.source.source_columns[position], refusal)
        return None

    def _rows(self, row: Sequence[str]) -> Iterator[tuple[str, ...]]:
        for group in self.groups:
            context = Context(
                self.positions,
                self.definition.month_first,
                self.resolve,
                group,
                explain=getattr(self.resolve, "explain", None),
            )
            if self.plan.when and not any(rule(row, context) for rule in self.plan.when):
                continue
            values = tuple(rule(row, context) for rule in self.plan.rules)
            if any(values):
                yield values


class Lookups:
    """Names in a file (a job's customer, its site, its employee) → the stored external ids.

    Asked inside the import's transaction, so records the same file wrote a moment ago (the
    technicians of a jobs export) are found too. One instance per derived table read.
    """

    def __init__(self, connection: Connection | None) -> None:
        self.connection = connection
        self.cache: dict[tuple[str, str, str], str | None] = {}

    def __call__(self, what: str, name: str, address: str = "") -> str | None:
        key = (what, name.lower(), address.lower())
        if key not in self.cache:
            self.cache[key] = self._find(what, name, address)
        return self.cache[key]

    def _find(self, what: str, name: str, address: str) -> str | None:
        if self.connection is None:
            return None
        if what == "technician":
            staff = Base.metadata.tables["staff"]
            query = select(staff.c.external_id).where(
                func.lower(staff.c.name) == name.lower(),
                staff.c.role == StaffRole.TECHNICIAN.value,
            )
            found = list(self.connection.execute(query.limit(2)).scalars())
            return found[0] if len(found) == 1 and found[0] else None
        customer = self._customer(name, address.lower())
        if customer is None:
            return None
        if what == "customer":
            return str(customer.external_id) if customer.external_id else None
        # The customer's site the address begins with, the longest street first.
        matching = [
            (len(street), external_id)
            for street, external_id in self._sites(customer.id)
            if street and external_id and address.lower().startswith(street.lower())
        ]
        return max(matching)[1] if matching else None

    def explain(self, what: str, fallback: str, address: str) -> str | None:
        """Why no customer was found for a job's customer name, said the way a user fixes it;
        None when the name is itself a stored customer's external id (the fallback holds)."""
        if what != "customer" or self.connection is None:
            return None
        customers = Base.metadata.tables["customers"]
        held = select(customers.c.id).where(customers.c.external_id == fallback).limit(1)
        if self.connection.execute(held).first() is not None:
            return None
        named = select(func.count()).where(func.lower(customers.c.name) == fallback.lower())
        count = int(self.connection.execute(named).scalar() or 0)
        if count == 0:
            return f"no customer is named {fallback!r}: import the customers export first"
        if not address:
            return (
                f"{count} customers are named {fallback!r} and the row has no address"
                " to tell them apart"
            )
        return (
            f"{count} customers are named {fallback!r} and not exactly one of them is served"
            f" at {address!r}"
        )

    def _customer(self, name: str, address: str) -> Any:
        """The one customer of that name (namesakes told apart by the address), or None."""
        assert self.connection is not None
        customers = Base.metadata.tables["customers"]
        query = select(customers.c.id, customers.c.external_id, customers.c.street).where(
            func.lower(customers.c.name) == name.lower()
        )
        matches = list(self.connection.execute(query.limit(50)))
        if len(matches) > 1 and address:
            # Namesakes: the one served at the job's address (its own or a site's street).
            matches = [row for row in matches if self._serves(row, address)]
        return matches[0] if len(matches) == 1 else None

    def _sites(self, customer_id: int) -> list[tuple[str | None, str | None]]:
        if "sites" not in Base.metadata.tables or self.connection is None:
            return []
        sites = Base.metadata.tables["sites"]
        query = select(sites.c.street, sites.c.external_id).where(
            sites.c.customer_id == customer_id
        )
        return [(street, external_id) for street, external_id in self.connection.execute(query)]

    def _serves(self, customer: Any, address: str) -> bool:
        """Whether the address begins with the customer's street or one of its sites'."""
        streets = [
            customer.street or "",
            *(street or "" for street, _id in self._sites(customer.id)),
        ]
        return any(street and address.startswith(street.lower()) for street in streets)


def derived_table(
    source: TableFile, definition: Definition, plan: KindPlan, connection: Connection | None
) -> TableFile:
    """The table of `plan.kind` rows a preset makes of `source`."""
    reader: Reader = DerivedReader(source, definition, plan, Lookups(connection))
    columns = list(plan.columns)
    return TableFile(Path(source.path), columns, list(columns), reader, {})
