"""A customer's contact details: read them, change them, and never overwrite another desk's edit.

The save names the version it was read at. When another desk saved first, the service refuses
with `ContactConflict`, which carries the other desk's version so the user can compare and choose.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from console.models import Customer
from console.services.errors import Conflict, InputError
from console.services.records import named_customer

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True, slots=True)
class ContactDetails:
    """The editable part of a customer, as the user sees it (blank fields are empty strings)."""

    name: str = ""
    company: str = ""
    phone: str = ""
    phone_alt: str = ""
    email: str = ""
    street: str = ""
    city: str = ""
    postal_code: str = ""
    country: str = ""
    notes: str = ""

    def differences(self, other: ContactDetails) -> list[str]:
        """The fields whose values differ, in form order."""
        return [name for name in FIELD_NAMES if getattr(self, name) != getattr(other, name)]


FIELD_NAMES: tuple[str, ...] = tuple(field.name for field in fields(ContactDetails))
FIELD_LABELS: dict[str, str] = {
    "name": "Name",
    "company": "Company",
    "phone": "Phone",
    "phone_alt": "Other phone",
    "email": "Email",
    "street": "Street",
    "city": "City",
    "postal_code": "Postal code",
    "country": "Country",
    "notes": "Notes",
}


@dataclass(frozen=True, slots=True)
class CustomerContact:
    """Contact details as stored, with the version they were read at and who saved them last."""

    customer_id: int
    details: ContactDetails
    version: int
    updated_at: dt.datetime
    updated_by: str | None


class ContactConflict(Conflict):
    """Another desk saved this customer first; `theirs` is what is stored now."""

    def __init__(self, theirs: CustomerContact) -> None:
        self.theirs = theirs
        who = f" by {theirs.updated_by}" if theirs.updated_by else ""
        super().__init__(f"customer {theirs.customer_id} was changed on another desk{who}")


def _contact(customer: Customer) -> CustomerContact:
    return CustomerContact(
        customer_id=customer.id,
        details=ContactDetails(
            **{name: getattr(customer, name) or "" for name in FIELD_NAMES},
        ),
        version=customer.version,
        updated_at=customer.updated_at,
        updated_by=customer.updated_by,
    )


def read_contact(session: Session, customer_id: int) -> CustomerContact:
    return _contact(named_customer(session, customer_id, fresh=True))


def _column_length(name: str) -> int | None:
    return getattr(Customer.__table__.c[name].type, "length", None)


def clean_details(details: ContactDetails) -> dict[str, str | None]:
    """Trimmed values ready to store, or `InputError` naming the first field that is wrong."""
    values: dict[str, str | None] = {}
    for name in FIELD_NAMES:
        value = getattr(details, name).strip()
        limit = _column_length(name)
        if limit is not None and len(value) > limit:
            raise InputError(FIELD_LABELS[name], f"is {len(value)} characters; at most {limit}")
        values[name] = value or None
    if not values["name"]:
        raise InputError(FIELD_LABELS["name"], "must not be empty")
    if values["email"] and not EMAIL.match(values["email"]):
        raise InputError(FIELD_LABELS["email"], f"{values['email']!r} is not an email address")
    return values


def update_contact(
    session: Session,
    customer_id: int,
    details: ContactDetails,
    *,
    expected_version: int,
    actor: str,
) -> CustomerContact:
    """Save `details` if nobody saved this customer since `expected_version` was read."""
    values = clean_details(details)
    customer = named_customer(session, customer_id, fresh=True)
    if customer.version != expected_version:
        raise ContactConflict(_contact(customer))
    for name, value in values.items():
        setattr(customer, name, value)
    customer.updated_by = actor
    try:
        session.flush()
    except StaleDataError:
        # Both desks read the same version and the other one's UPDATE landed first; this
        # session's transaction is spent, so the other desk's version is read on a fresh one.
        with Session(session.get_bind()) as fresh:
            raise ContactConflict(read_contact(fresh, customer_id)) from None
    return _contact(customer)


def merge_choices(
    original: ContactDetails, mine: ContactDetails, theirs: ContactDetails
) -> dict[str, bool]:
    """For each field that differs between mine and theirs: True to keep mine by default.

    Mine is preferred only where this desk actually changed the field; everything else follows
    the other desk, so accepting the defaults never undoes their work by accident.
    """
    return {
        name: getattr(mine, name) != getattr(original, name) for name in mine.differences(theirs)
    }


def merged(
    mine: ContactDetails, theirs: ContactDetails, keep_mine: Mapping[str, bool]
) -> ContactDetails:
    values = {name: getattr(mine if keep_mine.get(name) else theirs, name) for name in FIELD_NAMES}
    return ContactDetails(**values)
