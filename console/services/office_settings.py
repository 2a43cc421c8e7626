"""Settings that every desk of an office shares, kept in the database."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.models import OfficeSetting

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


def load_office_settings(session: Session) -> OfficeSettings:
    stored = {
        key: value for key, value in session.execute(select(OfficeSetting.key, OfficeSetting.value))
    }
    defaults = OfficeSettings()
    values = {}
    for spec in fields(OfficeSettings):
        if spec.name in stored:
            values[spec.name] = _decode(spec.type, stored[spec.name], getattr(defaults, spec.name))
    return OfficeSettings(**values)


def save_office_settings(session: Session, settings: OfficeSettings) -> None:
    for name, value in asdict(settings).items():
        session.merge(OfficeSetting(key=name, value=_encode(value)))
