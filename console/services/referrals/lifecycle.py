"""The referral lifecycle: the one place that decides which step may follow which.

Every change is appended to the referral's events with who and when; the history is never
edited. Each step checks the version the desk last saw, so a step based on a stale status is
refused instead of silently applied; a step that races another desk's save is refused the
same way when it is written.

Dates people give (a follow-up date) are office days, and times typed without a zone are the
office's wall-clock time (`console.services.office.clock`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from console.models import (
    OUTCOME_STATUSES,
    Equipment,
    EventKind,
    Referral,
    ReferralEvent,
    ReferralStatus,
    SalesAppointment,
    ServiceVisit,
    SpiffStage,
    StaffRole,
    UpsellNote,
    Urgency,
)
from console.models.referral import Assignment
from console.services.errors import Conflict, InputError, NotFound
from console.services.office import formatting
from console.services.office.clock import as_utc, local_date, utc_now
from console.services.office.settings import OfficeSettings, load_office_settings
from console.services.office.staff import find_staff
from console.services.records import named_customer, named_equipment
from console.services.referrals.assignment import pick_round_robin
from console.services.spiffs.ledger import accrue_spiffs, claw_back_spiffs

RS = ReferralStatus

ALLOWED_STEPS: dict[ReferralStatus, tuple[ReferralStatus, ...]] = {
    RS.NEW: (RS.ASSIGNED, RS.CANCELLED),
    RS.ASSIGNED: (RS.CONTACTED, RS.CANCELLED),
    RS.CONTACTED: (RS.APPOINTMENT_SET, RS.QUOTED, RS.WON, RS.LOST, RS.NOT_NOW, RS.CANCELLED),
    RS.APPOINTMENT_SET: (RS.QUOTED, RS.WON, RS.LOST, RS.NOT_NOW, RS.CANCELLED),
    RS.QUOTED: (RS.WON, RS.LOST, RS.NOT_NOW),
    RS.NOT_NOW: (RS.ASSIGNED, RS.CANCELLED),
    RS.WON: (),
    RS.LOST: (),
    RS.CANCELLED: (),
}
MAX_VALUE = Decimal("99999999.99")


class StepRefused(InputError):
    """The lifecycle does not allow this step from the referral's status."""

    def __init__(self, current: ReferralStatus, wanted: ReferralStatus) -> None:
        allowed = ALLOWED_STEPS[current]
        choices = ", ".join(step.value for step in allowed) if allowed else "none (it is closed)"
        super().__init__(
            "status",
            f"cannot go from {current.value} to {wanted.value}; "
            f"allowed from {current.value}: {choices}",
        )
        self.current = current
        self.wanted = wanted


@dataclass(frozen=True)
class StepDetails:
    """What a step may carry; which fields are required depends on the step."""

    salesperson: str | int | None = None
    appointment_at: dt.datetime | None = None
    value: Decimal | str | float | None = None
    reason: str | None = None
    follow_up_on: dt.date | None = None
    note: str | None = None


def allowed_steps(status: ReferralStatus) -> tuple[ReferralStatus, ...]:
    return ALLOWED_STEPS[status]


def awaits_tell_tech(status: ReferralStatus, tech_informed_at: dt.datetime | None) -> bool:
    """Won or lost, and the referring tech has not heard yet."""
    return status in OUTCOME_STATUSES and tech_informed_at is None


def parse_money(
    value: Any, field: str, required: bool = False, locale: str = formatting.NEUTRAL
) -> Decimal | None:
    """A positive amount of money, or a clear refusal naming the field.

    Typed text is read the way `locale` writes amounts: plain `1234.50` or `1,234.50` (the
    command line's way) unless the window passes the desk's locale (`1.234,50` in German).
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise InputError(field, "is required")
        return None
    if isinstance(value, str):
        try:
            amount = formatting.read_amount(value, locale)
        except formatting.AmountProblem as problem:
            raise InputError(field, str(problem)) from None
    else:
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            raise InputError(field, f"{value!r} is not a number") from None
    if not amount.is_finite():
        raise InputError(field, f"{value!r} is not a number")
    if amount < 0:
        raise InputError(field, "must not be negative")
    if required and amount == 0:
        raise InputError(field, "must be more than zero")
    if amount > MAX_VALUE:
        raise InputError(field, "is too large")
    return amount.quantize(Decimal("0.01"))


def _required_text(value: str | None, field: str) -> str:
    text = (value or "").strip()
    if not text:
        raise InputError(field, "must not be empty")
    return text


def _optional_text(value: str | None) -> str | None:
    text = (value or "").strip()
    return text or None


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or utc_now()


def changed_elsewhere(referral_id: int, now_status: ReferralStatus | None = None) -> Conflict:
    """The refusal a desk sees when another desk changed the referral first."""
    now = f" (now {now_status.value})" if now_status is not None else ""
    return Conflict(
        f"referral {referral_id} was changed on another desk{now}; reload it and try again"
    )


@contextmanager
def saving_referral(referral_id: int) -> Iterator[None]:
    """Turn a write that lost a race with another desk (a stale version at flush) into the
    Conflict that names the referral. Keep the id: a failed flush expires the object."""
    try:
        yield
    except StaleDataError:
        raise changed_elsewhere(referral_id) from None


def get_referral(
    session: Session, referral_id: int, expected_version: int | None = None
) -> Referral:
    referral = session.get(Referral, referral_id)
    if referral is None:
        raise NotFound("referral", f"no referral with id {referral_id}")
    if expected_version is not None and referral.version != expected_version:
        raise changed_elsewhere(referral_id, referral.status)
    return referral


def _event(
    session: Session,
    referral: Referral,
    actor: str,
    kind: EventKind,
    at: dt.datetime,
    from_status: ReferralStatus | None = None,
    to_status: ReferralStatus | None = None,
    note: str | None = None,
) -> ReferralEvent:
    event = ReferralEvent(
        referral=referral,
        actor=actor,
        kind=kind,
        at=at,
        from_status=from_status,
        to_status=to_status,
        note=note,
    )
    session.add(event)
    return event


def create_referral(
    session: Session,
    *,
    customer_id: int,
    technician: str | int,
    pain_point: str,
    actor: str,
    recommendation: str | None = None,
    equipment_id: int | None = None,
    visit_id: int | None = None,
    urgency: Urgency | str = Urgency.NORMAL,
    estimated_value: Any = None,
    salesperson: str | int | None = None,
    from_note_id: int | None = None,
    prompted_by_equipment_id: int | None = None,
    category: str | None = None,
    continues_referral_id: int | None = None,
    now: dt.datetime | None = None,
) -> Referral:
    """Record a technician's referral; with a salesperson it starts assigned (manually).

    Without one, an office that assigns round-robin gives it to the salesperson whose turn it
    is (`console.services.referrals.assignment`); with nobody to give it to, it stays new and its
    history says why. `continues_referral_id` is an earlier referral of the same customer whose need
    this one carries on (a second appointment on the same need).

    `category` is one of the office's referral categories, in any case; it is stored as the
    office spells it.

    `prompted_by_equipment_id` is the old equipment whose heads-up led the tech to refer; it
    must stand at this customer, and it is the referral's equipment when none is given. It is
    only ever recorded as given: a customer with old equipment does not make a referral
    prompted.
    """
    at = _now(now)
    pain = _required_text(pain_point, "pain point")
    named_customer(session, customer_id)
    tech = find_staff(session, technician, StaffRole.TECHNICIAN, "technician")
    headsup = None
    if prompted_by_equipment_id is not None:
        headsup = session.get(Equipment, prompted_by_equipment_id)
        if headsup is None or headsup.customer_id != customer_id:
            raise NotFound(
                "prompted by", f"no equipment {prompted_by_equipment_id} at this customer"
            )
        equipment_id = prompted_by_equipment_id if equipment_id is None else equipment_id
    if equipment_id is not None:
        named_equipment(session, customer_id, equipment_id)
    if visit_id is not None:
        visit = session.get(ServiceVisit, visit_id)
        if visit is None or visit.customer_id != customer_id:
            raise NotFound("visit", f"no visit {visit_id} at this customer")
    try:
        level = Urgency(urgency)
    except ValueError:
        raise InputError("urgency", f"{urgency!r} is not one of low, normal, high") from None
    value = parse_money(estimated_value, "estimated value")
    kind = office_category(session, category)
    if continues_referral_id is not None:
        earlier = continued_referral(session, customer_id, continues_referral_id)
        # The same need: without a category of its own it keeps the first one's (and so goes
        # round-robin, and earns spiffs, by it).
        kind = kind if kind is not None else earlier.category
    referral = Referral(
        customer_id=customer_id,
        technician_id=tech.id,
        equipment_id=equipment_id,
        prompted_by_equipment_id=prompted_by_equipment_id,
        visit_id=visit_id,
        status=RS.NEW,
        pain_point=pain,
        recommendation=_optional_text(recommendation),
        urgency=level,
        estimated_value=value,
        category=kind,
        continues_referral_id=continues_referral_id,
        created_at=at,
    )
    session.add(referral)
    prompted = f"after the heads-up about the {headsup.label}" if headsup is not None else None
    _event(session, referral, actor, EventKind.CREATED, at, to_status=RS.NEW, note=prompted)
    if from_note_id is not None:
        note = session.get(UpsellNote, from_note_id)
        if note is None or note.customer_id != customer_id or note.removed_at is not None:
            raise NotFound("note", f"no upsell note {from_note_id} at this customer")
        if note.referral_id is not None:
            raise InputError("note", f"already became referral {note.referral_id}")
        note.referral = referral
    if salesperson is not None and str(salesperson).strip():
        move_referral(
            session, referral, RS.ASSIGNED, actor, StepDetails(salesperson=salesperson), now=at
        )
        referral.assignment = Assignment.MANUAL
    elif load_office_settings(session).assign_round_robin:
        # The turn is taken before the referral is inserted, so its id comes after the lock and
        # ids follow the order turns were given (the rotation reads the newest id per person).
        with session.no_autoflush:
            pick = pick_round_robin(session, kind, local_date(at))
        if pick.salesperson is not None:
            chosen = StepDetails(salesperson=pick.salesperson.id, note="Assigned round-robin")
            move_referral(session, referral, RS.ASSIGNED, actor, chosen, now=at)
            referral.assignment = Assignment.ROUND_ROBIN
        else:
            unassigned = f"Not assigned: {pick.reason}"
            _event(session, referral, actor, EventKind.NOTE, at, note=unassigned)
    session.flush()
    return referral


def continued_referral(session: Session, customer_id: int, referral_id: int) -> Referral:
    """The earlier referral a new one of `customer_id` continues; only the same customer's."""
    earlier = session.get(Referral, referral_id)
    if earlier is None:
        raise NotFound("continues", f"no referral with id {referral_id}")
    if earlier.customer_id != customer_id:
        owner = named_customer(session, earlier.customer_id).name
        raise InputError(
            "continues",
            f"referral {referral_id} is for {owner}, another customer; "
            "only a referral of the same customer can be continued",
        )
    later = session.scalar(
        select(Referral.id).where(Referral.continues_referral_id == referral_id).limit(1)
    )
    if later is not None:
        # A need is one chain: two branches from one referral would count its outcome twice.
        raise InputError(
            "continues",
            f"referral {referral_id} is already continued by referral {later}; continue that one",
        )
    return earlier


def office_category(session: Session, category: str | None) -> str | None:
    """The office's category named `category` (any case); blank is none; others are refused."""
    if category is None or not category.strip():
        return None
    settings = load_office_settings(session)
    found = settings.category_named(category)
    if found is None:
        choices = ", ".join(settings.referral_categories)
        raise InputError(
            "category", f"{category.strip()!r} is not a category; choose one of {choices}"
        )
    return found


def move_referral(
    session: Session,
    referral: Referral | int,
    to: ReferralStatus | str,
    actor: str,
    details: StepDetails | None = None,
    *,
    expected_version: int | None = None,
    settings: OfficeSettings | None = None,
    now: dt.datetime | None = None,
) -> Referral:
    """Take one lifecycle step, with the data that step requires, or refuse it whole."""
    if isinstance(referral, int):
        referral = get_referral(session, referral, expected_version)
    elif expected_version is not None and referral.version != expected_version:
        raise changed_elsewhere(referral.id)
    try:
        target = RS(to)
    except ValueError:
        names = ", ".join(status.value for status in RS)
        raise InputError("status", f"{to!r} is not a status; statuses are: {names}") from None
    details = details or StepDetails()
    at = _now(now)
    current = referral.status
    if target not in ALLOWED_STEPS[current]:
        raise StepRefused(current, target)
    settings = settings or load_office_settings(session)
    note = _optional_text(details.note)
    with saving_referral(referral.id):
        _apply_step(session, referral, target, details, settings, at, actor)
        referral.status = target
        _event(session, referral, actor, EventKind.STATUS, at, current, target, note)
        session.flush()
        if target in (RS.LOST, RS.NOT_NOW, RS.CANCELLED):
            # A salesperson who was sent the invite gets its cancellation with the step.
            from console.services.calendar.invite_mail import follow_invite

            follow_invite(session, referral.id, actor=actor, now=at)
    return referral


def _apply_step(
    session: Session,
    referral: Referral,
    target: ReferralStatus,
    details: StepDetails,
    settings: OfficeSettings,
    at: dt.datetime,
    actor: str,
) -> None:
    if target is RS.ASSIGNED:
        if details.salesperson is not None and str(details.salesperson).strip():
            person = find_staff(session, details.salesperson, StaffRole.SALESPERSON, "salesperson")
            if not person.active:
                raise InputError("salesperson", f"{person.name} is no longer active")
            if person.id != referral.salesperson_id:
                referral.assignment = Assignment.MANUAL  # a person chose; round-robin says so
            referral.salesperson_id = person.id
        elif referral.salesperson_id is None:
            raise InputError("salesperson", "is required to assign a referral")
    elif target is RS.CONTACTED:
        if referral.first_contact_at is None:
            referral.first_contact_at = at
    elif target is RS.APPOINTMENT_SET:
        if details.appointment_at is None:
            raise InputError("appointment time", "is required to set an appointment")
        if referral.salesperson_id is None:
            raise InputError("salesperson", "assign a salesperson before setting an appointment")
        session.add(
            SalesAppointment(
                referral=referral,
                salesperson_id=referral.salesperson_id,
                starts_at=as_utc(details.appointment_at),
                duration_minutes=settings.appointment_minutes,
            )
        )
        accrue_spiffs(session, referral, SpiffStage.APPOINTMENT_SET, actor, at, settings)
    elif target is RS.QUOTED:
        quoted = parse_money(details.value, "value")
        if quoted is not None:
            referral.estimated_value = quoted
    elif target is RS.WON:
        won = parse_money(details.value, "value", required=True)
        assert won is not None
        referral.won_value = won
        referral.closed_at = at
        accrue_spiffs(session, referral, SpiffStage.WON, actor, at, settings)
    elif target is RS.LOST:
        reason = _required_text(details.reason, "reason")
        allowed = {choice.lower(): choice for choice in settings.lost_reasons}
        head, _, rest = reason.partition(":")
        if head.strip().lower() not in allowed:
            choices = ", ".join(settings.lost_reasons)
            raise InputError(
                "reason", f"{head.strip()!r} is not a lost reason; choose one of: {choices}"
            )
        canonical = allowed[head.strip().lower()]
        referral.lost_reason = f"{canonical}: {rest.strip()}" if rest.strip() else canonical
        referral.closed_at = at
    elif target is RS.NOT_NOW:
        if details.follow_up_on is None:
            raise InputError("follow-up date", "is required for not now")
        today = local_date(at)
        if details.follow_up_on <= today:
            raise InputError(
                "follow-up date", f"must be in the future (after today, {today.isoformat()})"
            )
        referral.follow_up_on = details.follow_up_on
    elif target is RS.CANCELLED:
        referral.closed_at = at
    if target in (RS.CONTACTED, RS.APPOINTMENT_SET) and referral.follow_up_on is not None:
        referral.follow_up_on = None


def cancel_sale(
    session: Session,
    referral_id: int,
    actor: str,
    note: str | None = None,
    *,
    expected_version: int | None = None,
    settings: OfficeSettings | None = None,
    now: dt.datetime | None = None,
) -> Referral:
    """The one step back from won: the sale fell through, and the referral is cancelled.

    Within the office's clawback days of the sale, what the sale earned the technician is
    taken back by negative ledger entries in the same transaction.
    """
    referral = get_referral(session, referral_id, expected_version)
    if referral.status is not RS.WON:
        raise InputError(
            "status",
            f"only a won sale can be cancelled; referral {referral_id} is {referral.status.value}",
        )
    at = _now(now)
    settings = settings or load_office_settings(session)
    won_at = max(
        (event.at for event in referral.events if event.to_status is RS.WON),
        default=referral.closed_at or at,
    )
    with saving_referral(referral_id):
        claw_back_spiffs(session, referral, won_at, actor, at, settings)
        referral.status = RS.CANCELLED
        referral.closed_at = at
        text = _optional_text(note)
        _event(session, referral, actor, EventKind.STATUS, at, RS.WON, RS.CANCELLED, text)
        session.flush()
    return referral


def tell_tech(
    session: Session,
    referral_id: int,
    actor: str,
    thanked: bool = False,
    note: str | None = None,
    *,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Referral:
    """Record that the referring tech heard the outcome (and, optionally, was thanked)."""
    referral = get_referral(session, referral_id, expected_version)
    if referral.status not in OUTCOME_STATUSES:
        raise InputError(
            "status",
            "the tech is told the outcome once the referral is won or lost; "
            f"it is {referral.status.value}",
        )
    if referral.tech_informed_at is not None:
        raise InputError(
            "tech informed", f"the tech was already told on {referral.tech_informed_at:%Y-%m-%d}"
        )
    at = _now(now)
    with saving_referral(referral_id):
        referral.tech_informed_at = at
        referral.tech_thanked = thanked
        text = "Told the tech the outcome" + (" and thanked them" if thanked else "")
        if note and note.strip():
            text += f": {note.strip()}"
        _event(session, referral, actor, EventKind.TECH_TOLD, at, note=text)
        session.flush()
    return referral


def add_referral_note(
    session: Session, referral_id: int, actor: str, text: str, now: dt.datetime | None = None
) -> ReferralEvent:
    """A note on the referral's timeline; like every event, it is never edited afterwards."""
    referral = get_referral(session, referral_id)
    event = _event(
        session, referral, actor, EventKind.NOTE, _now(now), note=_required_text(text, "note")
    )
    session.flush()
    return event
