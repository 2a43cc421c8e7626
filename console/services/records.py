"""Fetching the records a request names, or refusing it with the field that named them."""

from __future__ import annotations

from sqlalchemy.orm import Session

from console.models import Customer, Equipment
from console.services.errors import NotFound


def named_customer(session: Session, customer_id: int, *, fresh: bool = False) -> Customer:
    """The customer; `fresh` reads it again even if this session already holds it."""
    customer = session.get(Customer, customer_id, populate_existing=fresh)
    if customer is None:
        raise NotFound("customer", f"no customer with id {customer_id}")
    return customer


def named_equipment(session: Session, customer_id: int, equipment_id: int) -> Equipment:
    """The piece of equipment, which must stand at this customer."""
    equipment = session.get(Equipment, equipment_id)
    if equipment is None or equipment.customer_id != customer_id:
        raise NotFound("equipment", f"no equipment {equipment_id} at this customer")
    return equipment
