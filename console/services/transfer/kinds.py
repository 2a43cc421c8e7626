"""The import and export formats: one declaration per kind of record, columns as data."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from functools import cached_property


class FieldType(enum.Enum):
    TEXT = "text"
    DATE = "date"
    DATETIME = "datetime"
    BOOL = "bool"
    MONEY = "money"


@dataclass(frozen=True)
class Field:
    name: str
    required: bool = False
    type: FieldType = FieldType.TEXT
    max_length: int | None = None


@dataclass(frozen=True)
class Kind:
    """One kind of record in files; frozen but for the cached field index."""

    name: str
    fields: tuple[Field, ...]

    @property
    def columns(self) -> list[str]:
        return [field.name for field in self.fields]

    def field(self, name: str) -> Field:
        return self.by_name[name]

    @cached_property
    def by_name(self) -> dict[str, Field]:
        return {field.name: field for field in self.fields}


T, D, DT, B, M = FieldType.TEXT, FieldType.DATE, FieldType.DATETIME, FieldType.BOOL, FieldType.MONEY
_STAFF = (
    Field("external_id", True, max_length=64),
    Field("name", True, max_length=200),
    Field("phone", max_length=40),
    Field("email", max_length=200),
    Field("active", type=B),
)

KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind(
            "customers",
            (
                Field("external_id", True, max_length=64),
                Field("name", True, max_length=200),
                Field("company", max_length=200),
                Field("phone", max_length=40),
                Field("email", max_length=200),
                Field("street", max_length=200),
                Field("city", max_length=100),
                Field("postal_code", max_length=20),
                Field("country", max_length=60),
                Field("notes"),
                Field("account_number", max_length=32),
            ),
        ),
        Kind("technicians", _STAFF),
        Kind("salespeople", _STAFF),
        Kind(
            "equipment",
            (
                Field("external_id", True, max_length=64),
                Field("customer_external_id", True),
                Field("kind", True, max_length=80),
                Field("make", max_length=80),
                Field("model", max_length=80),
                Field("serial", max_length=80),
                Field("installed_on", type=D),
            ),
        ),
        Kind(
            "visits",
            (
                Field("external_id", True, max_length=64),
                Field("customer_external_id", True),
                Field("equipment_external_id"),
                Field("technician"),
                Field("scheduled_for", True, type=DT),
                Field("completed_on", type=DT),
                Field("status"),
                Field("problem"),
                Field("work_done"),
                Field("tech_notes"),
            ),
        ),
        Kind(
            "referrals",
            (
                Field("external_id", True, max_length=64),
                Field("customer_external_id", True),
                Field("equipment_external_id"),
                Field("technician", True),
                Field("salesperson"),
                Field("status"),
                Field("created_at", type=DT),
                Field("pain_point", True),
                Field("recommendation"),
                Field("urgency"),
                Field("estimated_value", type=M),
            ),
        ),
        Kind(
            "notes",
            (
                Field("external_id", True, max_length=64),
                Field("customer_external_id", True),
                Field("author", True, max_length=120),
                Field("category", max_length=60),
                Field("text", True),
                Field("pinned", type=B),
                Field("created_at", type=DT),
            ),
        ),
    )
}
