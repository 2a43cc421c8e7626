"""The import and export formats: one declaration per kind of record, columns as data.

The longest text a field takes is read from the model's column type, so the import refuses
exactly what the database would refuse, on SQLite (which does not check) as on PostgreSQL.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from functools import cached_property

from sqlalchemy import Numeric, String

from console.models import Base


class FieldType(enum.Enum):
    TEXT = "text"
    DATE = "date"
    DATETIME = "datetime"
    BOOL = "bool"
    MONEY = "money"
    EMAIL = "email"


@dataclass(frozen=True)
class Field:
    name: str
    required: bool = False
    type: FieldType = FieldType.TEXT
    column: str | None = None
    """The database column the field is stored in; None for references resolved to ids."""
    max_length: int | None = None
    """Filled from the column's type when the kind is declared."""
    scale: int | None = None
    """Decimal places a MONEY column keeps."""
    precision: int | None = None


@dataclass(frozen=True)
class Kind:
    """One kind of record in files; frozen but for the cached field index."""

    name: str
    table: str
    fields: tuple[Field, ...]

    @property
    def columns(self) -> list[str]:
        return [field.name for field in self.fields]

    def field(self, name: str) -> Field:
        return self.by_name[name]

    @cached_property
    def by_name(self) -> dict[str, Field]:
        return {field.name: field for field in self.fields}


def column_length(table: str, column: str) -> int | None:
    """The most characters a column holds, from its SQLAlchemy type (None: unlimited)."""
    kind = Base.metadata.tables[table].c[column].type
    return kind.length if isinstance(kind, String) else None


def _declare(name: str, table: str, *fields: Field) -> Kind:
    """A kind whose fields know their column's length, scale and precision."""
    typed = []
    columns = Base.metadata.tables[table].c
    for field in fields:
        if field.column is not None:
            column_type = columns[field.column].type
            length = column_type.length if isinstance(column_type, String) else None
            numeric = column_type if isinstance(column_type, Numeric) else None
            field = Field(
                field.name,
                field.required,
                field.type,
                field.column,
                length,
                numeric.scale if numeric is not None else None,
                numeric.precision if numeric is not None else None,
            )
        typed.append(field)
    return Kind(name, table, tuple(typed))


T, D, DT, B, M, E = (
    FieldType.TEXT,
    FieldType.DATE,
    FieldType.DATETIME,
    FieldType.BOOL,
    FieldType.MONEY,
    FieldType.EMAIL,
)


def _staff(name: str) -> Kind:
    return _declare(
        name,
        "staff",
        Field("external_id", True, column="external_id"),
        Field("name", True, column="name"),
        Field("phone", column="phone"),
        Field("email", type=E, column="email"),
        Field("active", type=B, column="active"),
    )


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        _declare(
            "customers",
            "customers",
            Field("external_id", True, column="external_id"),
            Field("name", True, column="name"),
            Field("company", column="company"),
            Field("phone", column="phone"),
            Field("email", type=E, column="email"),
            Field("street", column="street"),
            Field("city", column="city"),
            Field("postal_code", column="postal_code"),
            Field("country", column="country"),
            Field("notes", column="notes"),
            Field("account_number", column="account_number"),
        ),
        _declare(
            "sites",
            "sites",
            Field("external_id", True, column="external_id"),
            Field("customer_external_id", True),
            Field("name", True, column="name"),
            Field("street", column="street"),
            Field("city", column="city"),
            Field("postal_code", column="postal_code"),
            Field("country", column="country"),
            Field("notes", column="notes"),
        ),
        _staff("technicians"),
        _staff("salespeople"),
        _declare(
            "equipment",
            "equipment",
            Field("external_id", True, column="external_id"),
            Field("customer_external_id", True),
            Field("kind", True, column="kind"),
            Field("make", column="make"),
            Field("model", column="model"),
            Field("serial", column="serial"),
            Field("installed_on", type=D, column="installed_on"),
            Field("site_external_id"),
        ),
        _declare(
            "visits",
            "service_visits",
            Field("external_id", True, column="external_id"),
            Field("customer_external_id", True),
            Field("equipment_external_id"),
            Field("technician"),
            Field("scheduled_for", True, type=DT, column="scheduled_for"),
            Field("completed_on", type=DT, column="completed_at"),
            Field("status"),
            Field("problem", column="problem"),
            Field("work_done", column="work_done"),
            Field("tech_notes", column="tech_notes"),
            Field("site_external_id"),
        ),
        _declare(
            "referrals",
            "referrals",
            Field("external_id", True, column="external_id"),
            Field("customer_external_id", True),
            Field("equipment_external_id"),
            Field("technician", True),
            Field("salesperson"),
            Field("status"),
            Field("created_at", type=DT, column="created_at"),
            Field("pain_point", True, column="pain_point"),
            Field("recommendation", column="recommendation"),
            Field("urgency"),
            Field("estimated_value", type=M, column="estimated_value"),
        ),
        _declare(
            "notes",
            "upsell_notes",
            Field("external_id", True, column="external_id"),
            Field("customer_external_id", True),
            Field("author", True, column="author"),
            Field("category", column="category"),
            Field("text", True, column="text"),
            Field("pinned", type=B, column="pinned"),
            Field("created_at", type=DT, column="created_at"),
        ),
    )
}
