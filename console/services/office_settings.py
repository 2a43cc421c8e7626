"""Settings that every desk of an office shares, kept in the database."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields, replace
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from console.models import OfficeSetting
from console.services.errors import Conflict

DEFAULT_LOST_REASONS = (
    "Price",
    "Chose a competitor",
    "Not the right time",
    "No budget",
    "Could not reach customer",
    "Other",
)


@dataclass(frozen=True)
class OfficeSettings:
    """The rules the office runs referrals by."""

    first_contact_hours: int = 24
    business_hours_only: bool = False
    business_day_start: int = 8
    business_day_end: int = 17
    spiff_mode: str = "flat"  # "flat" or "percent"
    spiff_flat_amount: Decimal = Decimal("50.00")
    spiff_percent: Decimal = Decimal("2.0")
    lost_reasons: tuple[str, ...] = field(default=DEFAULT_LOST_REASONS)
    history_visits_on_briefing: int = 10

    def spiff_for(self, won_value: Decimal) -> Decimal:
        if self.spiff_mode == "percent":
            return (won_value * self.spiff_percent / Decimal(100)).quantize(Decimal("0.01"))
        return self.spiff_flat_amount


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
    if isinstance(default, tuple):
        return tuple(value)
    return type(default)(value)


@cache
def _stored_settings() -> Select:
    return select(OfficeSetting.key, OfficeSetting.value)


def load_office_settings(session: Session) -> OfficeSettings:
    # Read with every customer opened: a statement built once, on the plain connection.
    stored = {key: value for key, value in session.connection().execute(_stored_settings())}
    defaults = OfficeSettings()
    values = {}
    for spec in fields(OfficeSettings):
        if spec.name in stored:
            values[spec.name] = _decode(spec.type, stored[spec.name], getattr(defaults, spec.name))
    return OfficeSettings(**values)


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
    changes to the rest are kept. A clash raises `OfficeSettingsChanged` and writes nothing.
    """
    if expected is None:
        for name, value in asdict(settings).items():
            session.merge(OfficeSetting(key=name, value=_encode(value)))
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
        written = session.execute(
            update(OfficeSetting)
            .where(OfficeSetting.key == spec.name, OfficeSetting.value == old)
            .values(value=new)
            .execution_options(synchronize_session=False)
        )
        if written.rowcount == 0 and stored[spec.name] != new:
            clashes.append(spec.name)
    try:
        session.flush()
    except IntegrityError:  # another desk stored a first value for the same setting
        clashes.append("a new setting")
    if clashes:
        with Session(session.get_bind()) as fresh:
            raise OfficeSettingsChanged(load_office_settings(fresh), clashes)
