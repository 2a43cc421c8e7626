"""Finding technicians and salespeople by what a person or a file calls them."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from console.models import Staff, StaffRole
from console.services.errors import InputError, NotFound


def find_staff(
    session: Session, key: str | int, role: StaffRole, field: str | None = None
) -> Staff:
    """The one staff member of `role` whose id, external id or name is `key`."""
    field = field or role.value
    if isinstance(key, int) or (isinstance(key, str) and key.isdigit()):
        person = session.get(Staff, int(key))
        if person is not None and person.role == role:
            return person
    text = str(key).strip()
    if not text:
        raise InputError(field, "must not be empty")
    matches = session.scalars(
        select(Staff).where(
            Staff.role == role,
            or_(Staff.external_id == text, func.lower(Staff.name) == text.lower()),
        )
    ).all()
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise NotFound(field, f"no {role.value} called {text!r}")
    names = ", ".join(f"{person.name} ({person.external_id or person.id})" for person in matches)
    raise InputError(field, f"{text!r} matches several: {names}")


def staff_list(session: Session, role: StaffRole, include_inactive: bool = False) -> list[Staff]:
    statement = select(Staff).where(Staff.role == role).order_by(Staff.name)
    if not include_inactive:
        statement = statement.where(Staff.active.is_(True))
    return list(session.scalars(statement))
