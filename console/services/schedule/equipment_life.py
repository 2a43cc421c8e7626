"""Old equipment, for the techs to look at: what is at or past its usual service life.

This is no sales list for the desk. The candidates feed a heads-up on the technician's day
sheet and the day board ("the boiler here is 19 years old: worth a look"), so the tech looks
and, if the customer needs it, refers.

Age is counted in whole years on the office's today: a boiler installed on 2008-03-04 turns
18 on 2026-03-04 in the office's zone, whatever UTC says. A kind is matched to the office's
service lives trimmed and in any case; a kind without a life is never a candidate. Equipment
with an open referral about it (its subject, or the heads-up that prompted it) is left out:
sales already has it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace

from sqlalchemy import ColumnElement, and_, exists, false, func, or_, select
from sqlalchemy.orm import Session

from console.models import (
    OPEN_STATUSES,
    Customer,
    Equipment,
    Referral,
    ServiceVisit,
    VisitStatus,
)
from console.models.equipment import equipment_label
from console.services.errors import NotFound
from console.services.office.clock import local_date, local_today
from console.services.office.settings import (
    SERVICE_LIFE_YEARS,
    OfficeSettings,
    SettingsProblem,
    kind_key,
    load_office_settings,
    save_office_settings,
)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A piece of equipment at or past its usual service life, with no open referral."""

    equipment_id: int
    equipment_external_id: str | None
    customer_id: int
    customer: str
    account_number: str | None
    site_id: int | None
    equipment: str
    kind: str
    installed_on: dt.date
    age_years: int
    life_years: int
    last_visit_on: dt.date | None
    customer_candidates: int = 1

    @property
    def headsup(self) -> str:
        """The line a tech reads before the visit."""
        return f"the {self.kind.strip().lower()} here is {self.age_years} years old: worth a look"


def whole_years(installed_on: dt.date, today: dt.date) -> int:
    """Completed years from installation to `today`: the birthday itself counts."""
    before_birthday = (today.month, today.day) < (installed_on.month, installed_on.day)
    return today.year - installed_on.year - before_birthday


def _years_before(today: dt.date, years: int) -> dt.date:
    """The latest installation date that is `years` old on `today` (29 February: the 28th)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def _old_enough(lives: dict[str, int], today: dt.date) -> ColumnElement[bool]:
    """Equipment of a kind with a life, installed at least that many years ago.

    The database folds case only for ASCII on SQLite, so a kind with other letters is matched
    by age alone here and by name in Python; the result is the same on both backends.
    """
    installed = Equipment.installed_on
    folded = func.lower(func.trim(Equipment.kind))
    conditions = [
        and_(installed <= _years_before(today, years), folded == key)
        if key.isascii()
        else installed <= _years_before(today, years)
        for key, years in lives.items()
    ]
    return or_(*conditions) if conditions else false()


def _no_open_referral() -> ColumnElement[bool]:
    """No open referral at the customer about this equipment or prompted by it."""
    return ~exists().where(
        Referral.customer_id == Equipment.customer_id,
        Referral.status.in_(OPEN_STATUSES),
        or_(
            Referral.equipment_id == Equipment.id,
            Referral.prompted_by_equipment_id == Equipment.id,
        ),
    )


def _candidates(
    session: Session,
    settings: OfficeSettings,
    today: dt.date,
    customer_ids: Iterable[int] | None = None,
) -> list[Candidate]:
    lives = settings.service_lives()
    last_visit = (
        select(func.max(ServiceVisit.completed_at))
        .where(
            ServiceVisit.customer_id == Equipment.customer_id,
            ServiceVisit.status == VisitStatus.COMPLETED,
        )
        .correlate(Equipment)
        .scalar_subquery()
        .label("last_visit")
    )
    statement = (
        select(
            Equipment.id,
            Equipment.external_id,
            Equipment.customer_id,
            Customer.name,
            Customer.account_number,
            Equipment.site_id,
            Equipment.kind,
            Equipment.make,
            Equipment.model,
            Equipment.installed_on,
            last_visit,
        )
        .join(Customer, Equipment.customer_id == Customer.id)
        .where(Equipment.installed_on.is_not(None), _old_enough(lives, today), _no_open_referral())
    )
    if customer_ids is not None:
        statement = statement.where(Equipment.customer_id.in_(sorted(set(customer_ids))))
    found = []
    for row in session.execute(statement):
        life = lives.get(kind_key(row.kind))
        age = whole_years(row.installed_on, today)
        if life is None or age < life:
            continue
        found.append(
            Candidate(
                equipment_id=row.id,
                equipment_external_id=row.external_id,
                customer_id=row.customer_id,
                customer=row.name,
                account_number=row.account_number,
                site_id=row.site_id,
                equipment=equipment_label(row.kind, row.make, row.model),
                kind=row.kind,
                installed_on=row.installed_on,
                age_years=age,
                life_years=life,
                last_visit_on=local_date(row.last_visit) if row.last_visit else None,
            )
        )
    per_customer = Counter(candidate.customer_id for candidate in found)
    return [replace(c, customer_candidates=per_customer[c.customer_id]) for c in found]


def _order(candidate: Candidate) -> tuple[int, int, str, int]:
    """Oldest first; at the same age, customers seen most recently first (never seen last)."""
    seen = candidate.last_visit_on.toordinal() if candidate.last_visit_on else 0
    return (-candidate.age_years, -seen, candidate.customer.casefold(), candidate.equipment_id)


def replacement_candidates(
    session: Session,
    today: dt.date | None = None,
    settings: OfficeSettings | None = None,
) -> list[Candidate]:
    """Equipment at or past its service life with no open referral, oldest first, each with
    how many candidates its customer has. `today` is the office's day (default: now)."""
    settings = settings or load_office_settings(session)
    day = today or local_today()
    return sorted(_candidates(session, settings, day), key=_order)


def headsups_for_visits(
    session: Session,
    visit_ids: Iterable[int],
    today: dt.date | None = None,
    settings: OfficeSettings | None = None,
) -> dict[int, list[str]]:
    """For each visit with old equipment at the place it goes to, the lines the tech reads
    ("the boiler here is 19 years old: worth a look"), oldest first. Two queries however many
    visits; a cancelled visit gets none."""
    wanted = sorted(set(visit_ids))
    if not wanted:
        return {}
    visits = session.execute(
        select(ServiceVisit.id, ServiceVisit.customer_id, ServiceVisit.site_id).where(
            ServiceVisit.id.in_(wanted), ServiceVisit.status != VisitStatus.CANCELLED
        )
    ).all()
    if not visits:
        return {}
    settings = settings or load_office_settings(session)
    day = today or local_today()
    by_customer: dict[int, list[Candidate]] = defaultdict(list)
    for candidate in sorted(
        _candidates(session, settings, day, (visit.customer_id for visit in visits)), key=_order
    ):
        by_customer[candidate.customer_id].append(candidate)
    headsups: dict[int, list[str]] = {}
    for visit_id, customer_id, site_id in visits:
        lines = [
            candidate.headsup
            for candidate in by_customer.get(customer_id, [])
            # Equipment at another of the customer's sites is not "here".
            if site_id is None or candidate.site_id is None or candidate.site_id == site_id
        ]
        if lines:
            headsups[visit_id] = lines
    return headsups


def headsup_equipment(session: Session, key: str) -> int:
    """The id of the equipment a heads-up named: its external id, else its number here."""
    text = key.strip()
    found = session.scalar(select(Equipment.id).where(Equipment.external_id == text))
    if found is None and text.isdigit() and len(text) < 19:
        found = session.scalar(select(Equipment.id).where(Equipment.id == int(text)))
    if found is None:
        raise NotFound("prompted by", f"no equipment with external id {text!r}")
    return found


def set_service_life(session: Session, kind: str, years: int | str | None) -> OfficeSettings:
    """Give a kind of equipment its service life (None: take it away, so it is never a
    candidate), keeping the office's other lives and any other desk's changes to them."""
    loaded = load_office_settings(session)
    name = kind.strip()
    if not name:
        raise SettingsProblem("service_life", "a kind of equipment must have a name")
    key = kind_key(name)
    others = tuple((k, y) for k, y in loaded.service_life if kind_key(k) != key)
    if years is None:
        if len(others) == len(loaded.service_life):
            raise SettingsProblem("service_life", f"{name}: no service life is set for this kind")
        lives = others
    else:
        text = str(years).strip()
        life: int | str = int(text) if text.isascii() and text.isdigit() and len(text) < 4 else text
        low, high = SERVICE_LIFE_YEARS
        if not isinstance(life, int):
            raise SettingsProblem(
                "service_life",
                f"{name}: must be a whole number of years from {low} to {high}, not {text!r}",
            )
        # A kind already listed keeps its place and its spelling; a new one goes last.
        lives = tuple((k, life) if kind_key(k) == key else (k, y) for k, y in loaded.service_life)
        if len(others) == len(loaded.service_life):
            lives += ((name, life),)
    changed = replace(loaded, service_life=lives)
    save_office_settings(session, changed, expected=loaded)
    return changed
