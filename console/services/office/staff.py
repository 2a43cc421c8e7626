"""Technicians and salespeople: finding them by what a person or a file calls them, and how
salespeople take part in the office's round-robin (the categories they take, time away)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from console.models import Staff, StaffRole
from console.models.staff import SalespersonCategory
from console.services.errors import Conflict, InputError, NotFound, stale_as_conflict
from console.services.office.clock import local_date, utc_now
from console.services.office.settings import load_office_settings
from console.services.referrals.assignment import away_text, is_away


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


@dataclass(frozen=True)
class SalespersonSetup:
    """A salesperson as the Salespeople dialog and command show them: what they take, whether
    they are away, and where they stand in each category's rotation."""

    id: int
    name: str
    version: int
    categories: tuple[str, ...]
    away: bool
    away_until: dt.date | None
    away_text: str


def salespeople_setup(session: Session, today: dt.date | None = None) -> list[SalespersonSetup]:
    """Every active salesperson with the categories they take (in the office's order)."""
    day = today or local_date(utc_now())
    office = load_office_settings(session).referral_categories
    order = {name.casefold(): index for index, name in enumerate(office)}
    taken: dict[int, list[str]] = {}
    for staff_id, category in session.execute(
        select(SalespersonCategory.staff_id, SalespersonCategory.category)
    ):
        taken.setdefault(staff_id, []).append(category)
    return [
        SalespersonSetup(
            id=person.id,
            name=person.name,
            version=person.version,
            categories=tuple(
                sorted(
                    taken.get(person.id, []),
                    key=lambda c: (order.get(c.casefold(), len(order)), c.casefold()),
                )
            ),
            away=is_away(person, day),
            away_until=person.away_until if is_away(person, day) else None,
            away_text=away_text(person, day),
        )
        for person in staff_list(session, StaffRole.SALESPERSON)
    ]


def _salesperson(session: Session, key: str | int, expected_version: int | None) -> Staff:
    person = find_staff(session, key, StaffRole.SALESPERSON)
    if expected_version is not None and person.version != expected_version:
        raise Conflict(
            f"{person.name} was changed on another desk while you were working; nothing was saved"
        )
    return person


def mark_away(
    session: Session,
    salesperson: str | int,
    until: dt.date | None = None,
    *,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Staff:
    """Mark a salesperson away: no round-robin referrals for them, until and including `until`
    (an office day) when given, else until they are marked back."""
    at = now or utc_now()
    today = local_date(at)
    if until is not None and until < today:
        raise InputError("away until", f"{until.isoformat()} is already past (today is {today})")
    person = _salesperson(session, salesperson, expected_version)
    with stale_as_conflict(person.name):
        if person.away_since is None or not is_away(person, today):
            person.away_since = at
        person.away_until = until
        session.flush()
    return person


def mark_back(
    session: Session, salesperson: str | int, *, expected_version: int | None = None
) -> Staff:
    """The salesperson is back and takes round-robin referrals again."""
    person = _salesperson(session, salesperson, expected_version)
    with stale_as_conflict(person.name):
        person.away_since = None
        person.away_until = None
        session.flush()
    return person


def set_categories(
    session: Session,
    salesperson: str | int,
    categories: Iterable[str],
    *,
    expected_version: int | None = None,
) -> Staff:
    """The referral categories a salesperson takes, replacing what they took; each must be one
    of the office's categories (any case; stored as the office spells it)."""
    settings = load_office_settings(session)
    chosen: list[str] = []
    for typed in categories:
        found = settings.category_named(typed)
        if found is None:
            choices = ", ".join(settings.referral_categories)
            raise InputError(
                "category", f"{typed.strip()!r} is not a category; choose from {choices}"
            )
        if found not in chosen:
            chosen.append(found)
    person = _salesperson(session, salesperson, expected_version)
    if not person.active:
        raise InputError("salesperson", f"{person.name} is no longer active")
    session.execute(delete(SalespersonCategory).where(SalespersonCategory.staff_id == person.id))
    session.add_all(SalespersonCategory(staff_id=person.id, category=c) for c in chosen)
    with stale_as_conflict(person.name):
        # The categories live in their own rows; touching the person's row moves its version,
        # so another desk saving from what it read before is refused.
        flag_modified(person, "active")
        session.flush()
    return person


@dataclass(frozen=True)
class SalespersonChoice:
    """What the Salespeople dialog holds for one person, with the version it read."""

    id: int
    version: int
    categories: tuple[str, ...]
    away: bool
    away_until: dt.date | None


def save_salesperson(
    session: Session, choice: SalespersonChoice, now: dt.datetime | None = None
) -> Staff:
    """Store one person's categories and time away, or refuse it whole (a stale version, an
    unknown category, an end of time away already past)."""
    person = _salesperson(session, choice.id, choice.version)
    set_categories(session, person.id, choice.categories)
    if choice.away:
        return mark_away(session, person.id, choice.away_until, now=now)
    return mark_back(session, person.id)
