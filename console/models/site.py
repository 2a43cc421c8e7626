"""Service sites: the places the office serves for a customer, apart from who pays.

A property manager with forty buildings is one customer with forty sites. Every customer has
at least one site, and equipment and visits always sit at a site of their own customer: the
ORM gives a new customer a first site from its address and a new piece of equipment or visit
without a site its customer's first one, and refuses a site of another customer. Bulk writes
through Core (file imports) settle the same rules afterwards with `settle_sites`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Connection,
    ForeignKey,
    Integer,
    String,
    Text,
    case,
    event,
    func,
    insert,
    inspect,
    literal,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from console.models.base import Base, UTCDateTime, utcnow
from console.models.customer import Customer, one_line_address

if TYPE_CHECKING:
    from collections.abc import Iterable

FIRST_SITE_NAME = "Main site"


class Site(Base):
    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    street: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(100))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    country: Mapped[str | None] = mapped_column(String(60))
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    customer: Mapped[Customer] = relationship(back_populates="sites")

    __mapper_args__ = {"version_id_col": version}

    @property
    def address(self) -> str:
        return one_line_address(self.street, self.postal_code, self.city, self.country)


class SiteOfAnotherCustomer(ValueError):
    """Equipment or a visit was given a site that belongs to a different customer."""

    def __init__(self, what: str, site_id: int, customer_id: int) -> None:
        super().__init__(
            f"{what}: site {site_id} belongs to another customer, not customer {customer_id}"
        )
        self.site_id = site_id
        self.customer_id = customer_id


def first_site_for(customer: Customer) -> Site:
    """A customer's first site, from its own address; its external id is the customer's.

    Sharing the external id lets a file of sites from another database find the first site
    that a file of customers made there, instead of adding a second one.
    """
    return Site(
        external_id=customer.external_id,
        name=FIRST_SITE_NAME,
        street=customer.street,
        city=customer.city,
        postal_code=customer.postal_code,
        country=customer.country,
    )


def _first_site(session: Session, customer: Customer | None, customer_id: int | None) -> Any:
    """The customer's first site: a pending one, or the stored one with the lowest id."""
    if customer is None and customer_id is not None:
        customer = session.get(Customer, customer_id)
    if customer is None:
        return None
    stored = [site for site in customer.sites if site.id is not None]
    if stored:
        return min(stored, key=lambda site: site.id)
    return customer.sites[0] if customer.sites else None


def _customer_of(row: Any) -> Customer | None:
    customer = row.__dict__.get("customer")
    return customer if isinstance(customer, Customer) else None


def _place(session: Session, rows: Iterable[Any], what: str) -> None:
    for row in rows:
        site = row.__dict__.get("site")
        customer = _customer_of(row)
        customer_id = customer.id if customer is not None else row.customer_id
        if site is None and row.site_id is None:
            row.site = _first_site(session, customer, customer_id)
            continue
        owner = site.customer_id if site is not None else None
        if site is not None and owner is None and site.customer is not None:
            owner = site.customer.id
        if site is None:
            owner = session.scalar(select(Site.customer_id).where(Site.id == row.site_id))
        if owner is not None and customer_id is not None and owner != customer_id:
            raise SiteOfAnotherCustomer(what, site.id if site else row.site_id, customer_id)


def _placement_changed(row: Any) -> bool:
    """A stored row needs checking only when its site or its customer changes."""
    attributes = inspect(row).attrs
    return any(
        name in attributes and attributes[name].history.has_changes()
        for name in ("site_id", "site", "customer_id", "customer")
    )


@event.listens_for(Session, "before_flush")
def _sites_before_flush(session: Session, _context: Any, _instances: Any) -> None:
    """A new customer gets its first site; equipment and visits land on their customer's site."""
    from console.models.equipment import Equipment
    from console.models.visit import ServiceVisit

    for row in session.new:
        if isinstance(row, Customer) and not row.sites:
            row.sites.append(first_site_for(row))
    changed = [*session.new, *(row for row in session.dirty if _placement_changed(row))]
    _place(session, (row for row in changed if isinstance(row, Equipment)), "equipment")
    _place(session, (row for row in changed if isinstance(row, ServiceVisit)), "visit")


def settle_sites(connection: Connection) -> None:
    """After a bulk write: customers without a site get one, rows without a site get the first.

    Two set-based statements, so a file of 100,000 customers costs one pass, not a query each.
    """
    sites = Base.metadata.tables["sites"]
    customers = Base.metadata.tables["customers"]
    has_site = select(sites.c.id).where(sites.c.customer_id == customers.c.id).exists()
    taken = sites.alias("taken")
    id_taken = select(taken.c.id).where(taken.c.external_id == customers.c.external_id).exists()
    now = utcnow()
    connection.execute(
        insert(sites).from_select(
            [
                "external_id",
                "customer_id",
                "name",
                "street",
                "city",
                "postal_code",
                "country",
                "created_at",
                "updated_at",
                "version",
            ],
            select(
                case((~id_taken, customers.c.external_id), else_=None),
                customers.c.id,
                literal(FIRST_SITE_NAME, String()),
                customers.c.street,
                customers.c.city,
                customers.c.postal_code,
                customers.c.country,
                literal(now, UTCDateTime()),
                literal(now, UTCDateTime()),
                literal(1, Integer()),
            )
            .where(~has_site)
            .order_by(customers.c.id),
        )
    )
    for name in ("equipment", "service_visits"):
        table = Base.metadata.tables[name]
        first = (
            select(func.min(sites.c.id))
            .where(sites.c.customer_id == table.c.customer_id)
            .scalar_subquery()
        )
        connection.execute(update(table).where(table.c.site_id.is_(None)).values(site_id=first))
