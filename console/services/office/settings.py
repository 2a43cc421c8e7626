"""Settings that every desk of an office shares, kept in the database.

Each setting is declared once, on `OfficeSettings`, with its default; `validate` is the one
place that says what a setting may hold, and every save goes through it. Loading or saving the
settings also puts the office's time zone into effect for this process.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import CursorResult, Select, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from console.models import OfficeSetting
from console.services.errors import Conflict, InputError, stale_as_conflict
from console.services.office.clock import UnknownTimeZone, configure_office_zone, zone_named
from console.services.office.formatting import DEFAULT_CURRENCY, currency_problem, use_currency

log = logging.getLogger(__name__)

DEFAULT_LOST_REASONS = (
    "Price",
    "Chose a competitor",
    "Not the right time",
    "No budget",
    "Could not reach customer",
    "Other",
)
# Years each kind of equipment usually serves, as the office starts out; the office changes
# them, adds kinds and removes them. A kind without a life is never a replacement candidate.
DEFAULT_SERVICE_LIFE: tuple[tuple[str, int], ...] = (
    ("Furnace", 18),
    ("Boiler", 15),
    ("Central air", 12),
    ("Air conditioner", 12),
    ("Heat pump", 12),
    ("Water heater", 10),
    ("Water softener", 12),
    ("Sump pump", 10),
    ("Copier", 5),
)
SERVICE_LIFE_YEARS = (1, 60)
# What a referral is about, as the office names it: spiff rules and assignment go by it.
DEFAULT_REFERRAL_CATEGORIES = (
    "Equipment replacement",
    "Maintenance plan",
    "Indoor air quality",
    "Repair upgrade",
    "Other",
)
CATEGORY_LENGTH = 80


def kind_key(kind: str | None) -> str:
    """A kind of equipment as the office's service lives match it: trimmed, any case."""
    return (kind or "").strip().casefold()


@dataclass(frozen=True)
class OfficeSettings:
    """The rules the office runs referrals by."""

    first_contact_hours: int = 24
    business_hours_only: bool = False
    business_day_start: int = 8
    business_day_end: int = 17
    lost_reasons: tuple[str, ...] = field(default=DEFAULT_LOST_REASONS)
    history_visits_on_briefing: int = 10
    appointment_minutes: int = 60  # how long a sales appointment is booked for, unless changed
    time_zone: str = ""  # an IANA name such as "America/Chicago"; empty: the machine's zone
    currency: str = DEFAULT_CURRENCY  # ISO 4217 code of the money on screen and on paper
    service_life: tuple[tuple[str, int], ...] = field(default=DEFAULT_SERVICE_LIFE)
    referral_categories: tuple[str, ...] = field(default=DEFAULT_REFERRAL_CATEGORIES)
    # New referrals without a chosen salesperson go round-robin to those who take the category.
    assign_round_robin: bool = False
    # Days after a sale within which cancelling it takes back its spiffs; 0: never.
    spiff_clawback_days: int = 0
    spiff_pay_period: str = "monthly"  # one of SPIFF_PAY_PERIODS
    spiff_pay_anchor: str = "2026-01-01"  # ISO date on which a pay period starts

    def category_named(self, name: str | None) -> str | None:
        """The office's spelling of a category typed in any case; None when it is not one."""
        wanted = (name or "").strip().casefold()
        return next((c for c in self.referral_categories if c.casefold() == wanted), None)

    def service_life_of(self, kind: str | None) -> int | None:
        """The years this kind of equipment usually serves; None when the office set none."""
        return self.service_lives().get(kind_key(kind))

    def service_lives(self) -> dict[str, int]:
        """Service life in years by `kind_key`."""
        return {kind_key(kind): years for kind, years in self.service_life}


SETTING_LABELS = {
    "first_contact_hours": "First contact within (hours)",
    "business_hours_only": "Count only business hours",
    "business_day_start": "Business day starts",
    "business_day_end": "Business day ends",
    "lost_reasons": "Lost reasons",
    "history_visits_on_briefing": "Visits on a briefing",
    "appointment_minutes": "Appointment length (minutes)",
    "time_zone": "Office time zone",
    "currency": "Currency",
    "service_life": "Service life",
    "referral_categories": "Referral categories",
    "assign_round_robin": "Assign new referrals round-robin",
    "spiff_clawback_days": "Clawback within (days)",
    "spiff_pay_period": "Pay period",
    "spiff_pay_anchor": "Pay period starts on",
}
FIRST_CONTACT_HOURS = (1, 24 * 14)
BRIEFING_VISITS = (1, 200)
APPOINTMENT_MINUTES = (15, 480)
SPIFF_PAY_PERIODS = ("weekly", "biweekly", "monthly")
CLAWBACK_DAYS = (0, 3650)


class SettingsProblem(InputError):
    """A setting that may not hold the value given; `setting` is its name on OfficeSettings."""

    def __init__(self, setting: str, message: str) -> None:
        self.setting = setting
        super().__init__(SETTING_LABELS[setting], message)


def _whole_in(settings: OfficeSettings, name: str, low: int, high: int) -> None:
    value = getattr(settings, name)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise SettingsProblem(name, f"must be a whole number from {low} to {high}, not {value!r}")


def validate(settings: OfficeSettings) -> None:
    """Raise `SettingsProblem` for the first setting that holds a value the office cannot use."""
    _whole_in(settings, "first_contact_hours", *FIRST_CONTACT_HOURS)
    _whole_in(settings, "business_day_start", 0, 23)
    _whole_in(settings, "business_day_end", 1, 24)
    if settings.business_day_end <= settings.business_day_start:
        raise SettingsProblem(
            "business_day_end",
            f"must be after the start ({settings.business_day_start}:00),"
            f" not {settings.business_day_end}:00",
        )
    if not settings.lost_reasons:
        raise SettingsProblem("lost_reasons", "give at least one")
    if not all(reason.strip() for reason in settings.lost_reasons):
        raise SettingsProblem("lost_reasons", "a reason must not be empty")
    _whole_in(settings, "history_visits_on_briefing", *BRIEFING_VISITS)
    _whole_in(settings, "appointment_minutes", *APPOINTMENT_MINUTES)
    if settings.time_zone:
        try:
            zone_named(settings.time_zone)
        except UnknownTimeZone as error:
            raise SettingsProblem("time_zone", str(error)) from None
    if (problem := currency_problem(settings.currency)) is not None:
        raise SettingsProblem("currency", problem)
    _service_life(settings.service_life)
    _referral_categories(settings.referral_categories)
    _spiff_pay(settings)


def _spiff_pay(settings: OfficeSettings) -> None:
    """Clawback days in CLAWBACK_DAYS, a known pay period, and a calendar date to anchor it."""
    _whole_in(settings, "spiff_clawback_days", *CLAWBACK_DAYS)
    if settings.spiff_pay_period not in SPIFF_PAY_PERIODS:
        raise SettingsProblem(
            "spiff_pay_period",
            f"must be one of {', '.join(SPIFF_PAY_PERIODS)}, not {settings.spiff_pay_period!r}",
        )
    try:
        date.fromisoformat(settings.spiff_pay_anchor)
    except (TypeError, ValueError):
        raise SettingsProblem(
            "spiff_pay_anchor", f"{settings.spiff_pay_anchor!r} is not a date as YYYY-MM-DD"
        ) from None


def _referral_categories(categories: tuple[str, ...]) -> None:
    """At least one, each named, short enough to store, and no two alike in any case."""
    if not categories:
        raise SettingsProblem("referral_categories", "give at least one")
    seen: set[str] = set()
    for category in categories:
        name = category.strip() if isinstance(category, str) else ""
        if not name:
            raise SettingsProblem("referral_categories", "a category must not be empty")
        if len(name) > CATEGORY_LENGTH:
            raise SettingsProblem(
                "referral_categories", f"{name[:30]}…: at most {CATEGORY_LENGTH} characters"
            )
        if name.casefold() in seen:
            raise SettingsProblem("referral_categories", f"{name}: listed twice")
        seen.add(name.casefold())


def _service_life(lives: tuple[tuple[str, int], ...]) -> None:
    """Each kind named once, each life a whole number of years in SERVICE_LIFE_YEARS."""
    low, high = SERVICE_LIFE_YEARS
    seen: set[str] = set()
    for entry in lives:
        if not isinstance(entry, tuple) or len(entry) != 2:
            raise SettingsProblem("service_life", f"{entry!r} is not a kind and its years")
        kind, years = entry
        name = kind.strip() if isinstance(kind, str) else ""
        if not name:
            raise SettingsProblem("service_life", "a kind of equipment must have a name")
        if isinstance(years, bool) or not isinstance(years, int) or not low <= years <= high:
            raise SettingsProblem(
                "service_life",
                f"{name}: must be a whole number of years from {low} to {high}, not {years!r}",
            )
        if kind_key(name) in seen:
            raise SettingsProblem("service_life", f"{name}: the kind is listed twice")
        seen.add(kind_key(name))


def _use_zone(settings: OfficeSettings) -> ZoneInfo:
    """Cut the office's days in the zone the settings name, and show money in their currency,
    from now on, in this process."""
    use_currency(settings.currency)
    try:
        return configure_office_zone(settings.time_zone or None)
    except UnknownTimeZone:
        # Stored by a desk whose zone database knows a name this one does not.
        log.warning(
            "office time zone %r is unknown here; using this computer's", settings.time_zone
        )
        return configure_office_zone(None)


def use_office_zone(session: Session) -> ZoneInfo:
    """Load the office settings and put their time zone into effect (at start, in every
    command): returns the zone now in use."""
    return _use_zone(load_office_settings(session))


def _encode(value: Any) -> str:
    if isinstance(value, Decimal):
        return json.dumps(str(value))
    if isinstance(value, tuple):
        return json.dumps(list(value))
    return json.dumps(value)


def _decode(kind: type | str, raw: str, default: Any) -> Any:
    value = json.loads(raw)
    if isinstance(default, Decimal):
        return Decimal(value)
    if isinstance(default, tuple):  # pairs (service life) come back from JSON as lists
        return tuple(tuple(item) if isinstance(item, list) else item for item in value)
    return type(default)(value)


@cache
def _stored_settings() -> Select:
    return select(OfficeSetting.key, OfficeSetting.value)


def read_office_settings(session: Session) -> OfficeSettings:
    """The stored settings, without putting their zone or currency into effect."""
    # Read with every customer opened: a statement built once, on the plain connection.
    stored = {key: value for key, value in session.connection().execute(_stored_settings())}
    defaults = OfficeSettings()
    values = {}
    for spec in fields(OfficeSettings):
        if spec.name in stored:
            values[spec.name] = _decode(spec.type, stored[spec.name], getattr(defaults, spec.name))
    settings = OfficeSettings(**values)
    return settings


def load_office_settings(session: Session) -> OfficeSettings:
    """The stored settings, their time zone and currency put into effect in this process."""
    settings = read_office_settings(session)
    _use_zone(settings)
    return settings


class OfficeSettingsChanged(Conflict):
    """Another desk changed some of the same settings since they were loaded here."""

    def __init__(self, theirs: OfficeSettings, names: list[str]) -> None:
        super().__init__(f"changed on another desk: {', '.join(names)}")
        self.theirs = theirs
        self.names = names


def rebase_settings(
    original: OfficeSettings, mine: OfficeSettings, theirs: OfficeSettings
) -> OfficeSettings:
    """This desk's changes (mine against original) laid over the other desk's settings."""
    return replace(
        theirs,
        **{
            spec.name: getattr(mine, spec.name)
            for spec in fields(OfficeSettings)
            if getattr(mine, spec.name) != getattr(original, spec.name)
        },
    )


def save_office_settings(
    session: Session, settings: OfficeSettings, expected: OfficeSettings | None = None
) -> None:
    """Store `settings`. Given `expected` (what the desk loaded), only the settings changed
    since then are written, each only if no other desk changed it meanwhile; other desks'
    changes to the rest are kept. A clash raises `OfficeSettingsChanged` and writes nothing;
    a value the office cannot use raises `SettingsProblem` and writes nothing.
    """
    validate(settings)
    if expected is None:
        with stale_as_conflict("the office rules"):
            for name, value in asdict(settings).items():
                session.merge(OfficeSetting(key=name, value=_encode(value)))
            session.flush()
        _use_zone(settings)
        return
    stored = {
        key: value for key, value in session.execute(select(OfficeSetting.key, OfficeSetting.value))
    }
    clashes = []
    for spec in fields(OfficeSettings):
        new = _encode(getattr(settings, spec.name))
        old = _encode(getattr(expected, spec.name))
        if new == old:
            continue
        if spec.name not in stored:
            session.add(OfficeSetting(key=spec.name, value=new))
            continue
        # Compare-and-set: the row changes only if it still holds what this desk loaded.
        written = cast(
            "CursorResult[Any]",
            session.execute(
                update(OfficeSetting)
                .where(OfficeSetting.key == spec.name, OfficeSetting.value == old)
                .values(value=new)
                .execution_options(synchronize_session=False)
            ),
        )
        if written.rowcount == 0 and stored[spec.name] != new:
            clashes.append(spec.name)
    try:
        with stale_as_conflict("the office rules"):
            session.flush()
    except IntegrityError:  # another desk stored a first value for the same setting
        clashes.append("a new setting")
    if clashes:
        with Session(session.get_bind()) as fresh:
            raise OfficeSettingsChanged(load_office_settings(fresh), clashes)
    _use_zone(settings)
