"""Realistic, deterministic demo data, written in bulk so that office scale takes minutes.

Everything is derived from the seed (one `random.Random` per concern) and an anchor moment, so
the same seed at the same moment (in the same office time zone) gives the same database. The
anchor day is the office's today and "now" the moment it is built (15:00, when a day is given
without one). Visits and appointments are booked on the office's clocks: a visit at 8:00 is at
8:00 where the office is; only visits finished by now are completed, and none of those after
it. Rows are inserted through Core in chunks with ids assigned here, never one ORM object at a
time.

The office reads like a real one: a referral's steps come in order (created, first contact,
booked, sales meeting, quote, outcome, tech told) and none after now; what notes, referrals
and tech notes say fits the kind of equipment they are about and whether the customer is a
household or a business; equipment stands where that kind does; a won replacement replaces the
unit (its record shows the new one, installed on the day the sale was won); referrals carry
categories from the office's list.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import Engine, Table, func, insert, select
from sqlalchemy.orm import Session

from console.models import Base, Customer, OfficeSetting, ReferralStatus
from console.models.site import FIRST_SITE_NAME
from console.paths import resource
from console.services.office.clock import local_today, office_zone
from console.services.office.settings import DEFAULT_REFERRAL_CATEGORIES, read_office_settings
from console.services.spiffs import carry_over_referral_spiffs

CHUNK = 20_000
HISTORY_YEARS = 10
LONG_NOTE_TAIL = (
    "Spoke with the owner about options; they want a call back with prices "
    "before the end of the month."
)
ProgressCallback = Callable[[str, int, int], None]

RS = ReferralStatus
CLOSING = (RS.WON, RS.LOST, RS.CANCELLED)

HEATING_AND_COOLING = frozenset({"Furnace", "Boiler", "Air conditioner", "Heat pump"})
BURNS_FUEL = frozenset({"Furnace", "Boiler", "Water heater"})
WATER = frozenset({"Water heater", "Water softener", "Sump pump", "Boiler"})
ONLY_FOR: tuple[tuple[str, frozenset[str]], ...] = (
    # A text that names one trade is only written about equipment of that trade: no copier
    # talk at a house whose equipment is all heating and cooling.
    ("copier", frozenset({"Copier"})),
    ("print", frozenset({"Copier"})),
    ("lease", frozenset({"Copier", "Water softener", "Water heater"})),
    ("softener", WATER),
    ("hard water", WATER),
    ("thermostat", HEATING_AND_COOLING),
    ("ductwork", frozenset({"Furnace", "Air conditioner", "Heat pump"})),
    ("heating it", HEATING_AND_COOLING),
    ("flue", BURNS_FUEL),
    ("carbon monoxide", BURNS_FUEL),
    ("energy bills", HEATING_AND_COOLING | {"Water heater"}),
    ("high-efficiency", HEATING_AND_COOLING | {"Water heater"}),
    ("new system", HEATING_AND_COOLING | {"Water heater"}),
)
CATEGORY_OF_RECOMMENDATION = {
    # The office's default categories a recommendation falls under; an office with its own
    # list gets its own names where they match, else one of its categories at random.
    "Quote a high-efficiency replacement": "Equipment replacement",
    "Offer the annual maintenance plan": "Maintenance plan",
    "Propose a lease with service included": "Equipment replacement",
    "Quote a whole-house water softener": "Indoor air quality",
    "Offer a two-stage upgrade with smart thermostat": "Repair upgrade",
    "Quote a replacement with financing": "Equipment replacement",
}


BUSINESS_ONLY = ("business", "office manager", "copier", "print")
"""Words that only make sense at a business: a household has no office manager."""
AT_A_HOUSEHOLD = {"Copier": "Air conditioner"}
"""What a household has where a business would have a kind of its own. The stand-in has as
many makes and problems, so drawing it takes the same random numbers and the rest of the
office stays as the seed made it."""
REPLACEMENT = "Equipment replacement"
LOCATIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # Where a kind stands: (at a house, at a business).
    "Furnace": (("Basement", "Utility room", "Attic", "Garage"), ("Mechanical room", "Basement")),
    "Boiler": (("Basement", "Utility room"), ("Boiler room", "Basement")),
    "Air conditioner": (("Backyard", "Side yard"), ("Roof", "Rear lot")),
    "Heat pump": (("Backyard", "Side yard"), ("Roof", "Rear lot")),
    "Water heater": (("Basement", "Utility room", "Garage"), ("Mechanical room", "Back room")),
    "Water softener": (("Basement", "Utility room", "Garage"), ("Mechanical room", "Back room")),
    "Copier": (("Home office",), ("Front office", "Office 2F", "Print room")),
    "Sump pump": (("Basement",), ("Basement", "Mechanical room")),
}


def fits(text: str, kind: str, business: bool = True) -> bool:
    """Whether `text` may be written about equipment of `kind` at a business or a household."""
    lowered = text.lower()
    if not business and any(word in lowered for word in BUSINESS_ONLY):
        return False
    return all(kind in kinds for word, kinds in ONLY_FOR if word in lowered)


def years(count: int) -> str:
    """A count of years as said aloud: 1 year, 19 years."""
    return f"{count} year{'' if count == 1 else 's'}"


class DatabaseNotEmpty(RuntimeError):
    pass


@dataclass(frozen=True)
class DemoSize:
    customers: int = 300
    visits_per_customer: float = 20.0
    equipment_per_customer: float = 3.0
    referrals_per_customer: float = 1.5
    notes_per_customer: float = 3.0

    @property
    def technicians(self) -> int:
        return max(15, self.customers // 2_000)

    @property
    def salespeople(self) -> int:
        return max(4, self.customers // 25_000)


@dataclass
class DemoSummary:
    counts: dict[str, int] = field(default_factory=dict)


@cache
def vocabulary() -> dict[str, Any]:
    words: dict[str, Any] = json.loads(
        resource("demo", "vocabulary.json").read_text(encoding="utf-8")
    )
    return words


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


class _Writer:
    """Buffers rows per table and flushes them in chunks inside one transaction."""

    def __init__(self, connection: Any, progress: ProgressCallback | None) -> None:
        self.connection = connection
        self.buffers: dict[str, list[dict[str, Any]]] = {}
        self.counts: dict[str, int] = {}
        self.progress = progress

    def add(self, table: str, row: dict[str, Any]) -> None:
        self.buffers.setdefault(table, []).append(row)

    def flush_when_full(self) -> None:
        """Write once a buffer holds a chunk; called between customers, so a customer's rows
        stay open to change until the customer is complete."""
        if any(len(rows) >= CHUNK for rows in self.buffers.values()):
            self.flush()

    def flush(self) -> None:
        """Write every buffer, parents before children, so foreign keys always hold."""
        for name in (table.name for table in Base.metadata.sorted_tables):
            rows = self.buffers.get(name)
            if rows:
                self.connection.execute(insert(_table(name)), rows)
                self.counts[name] = self.counts.get(name, 0) + len(rows)
                rows.clear()


@dataclass
class _Staff:
    id: int
    name: str
    phone: str


@dataclass(frozen=True)
class _Meeting:
    """When a referral's sales meeting is, drawn before its steps are laid out."""

    days_after: int
    hour: int
    minutes: int


@dataclass
class _Timeline:
    """A referral's steps in time order: (when, from, to), the first being its creation."""

    created: dt.datetime
    events: list[tuple[dt.datetime, ReferralStatus | None, ReferralStatus]]
    closed: dt.datetime | None = None
    meeting_starts: dt.datetime | None = None

    def at(self, status: ReferralStatus) -> dt.datetime | None:
        return next((at for at, _before, after in self.events if after is status), None)


# The clock of a demo built for a given day, when no moment is given.
DEMO_HOUR = dt.time(15, 0)


class DemoBuilder:
    """Builds one demo office; `build` writes it through the given connection."""

    def __init__(
        self,
        size: DemoSize,
        seed: int,
        today: dt.date,
        categories: tuple[str, ...] = ("Other",),
        now: dt.datetime | None = None,
    ) -> None:
        self.size = size
        self.rng = random.Random(seed)
        self.today = today
        self.zone = office_zone()
        self.now = (
            now.astimezone(dt.UTC) if now is not None else self.on_the_clock(today, DEMO_HOUR)
        )
        self.words = vocabulary()
        self.kinds = list(self.words["equipment"])
        self.next_id: dict[str, int] = {}
        # Sites draw from a generator of their own, so adding them left every other row as
        # the same seed made it before.
        self.site_rng = random.Random(f"sites-{seed}")
        self.first_site: dict[int, int] = {}
        self.site_of_equipment: dict[int, int] = {}
        self.kinds_at: dict[int, list[str]] = {}
        """The kinds of equipment each customer has, in the order they were made."""
        # Texts redrawn to fit the equipment, and categories, have generators of their own too.
        self.fit_rng = random.Random(f"fit-{seed}")
        self.category_rng = random.Random(f"categories-{seed}")
        self.categories = categories
        self.business: dict[int, bool] = {}
        """Whether each customer is a business (else a household)."""
        self.equipment_rows: dict[int, dict[str, Any]] = {}
        """The current customer's equipment rows, still unwritten: a won replacement updates
        its unit."""

    def fitting(self, drawn: str, options: list[str], kind: str, customer_id: int) -> str:
        """`drawn` when it may be said of `kind` at this customer, else another of `options`
        that may."""
        business = self.business[customer_id]
        if fits(drawn, kind, business):
            return drawn
        return self.fit_rng.choice([o for o in options if fits(o, kind, business)])

    def category(self, recommendation: str) -> str:
        """The office's category for a recommendation, by name when the office has it."""
        wanted = CATEGORY_OF_RECOMMENDATION.get(recommendation, "").casefold()
        named = [c for c in self.categories if c.casefold() == wanted]
        return named[0] if named else self.category_rng.choice(self.categories)

    def on_the_clock(self, day: dt.date, time: dt.time) -> dt.datetime:
        """The UTC moment the office's clocks show `time` on `day`."""
        return dt.datetime.combine(day, time, tzinfo=self.zone).astimezone(dt.UTC)

    def new_id(self, table: str) -> int:
        value = self.next_id.get(table, 0) + 1
        self.next_id[table] = value
        return value

    # -- people -------------------------------------------------------------------------

    def phone(self) -> str:
        rng = self.rng
        return f"({rng.choice((217, 309, 312, 618, 630))}) 555-{rng.randrange(10_000):04d}"

    def person_name(self) -> str:
        first = self.rng.choice(self.words["first_names"])
        return f"{first} {self.rng.choice(self.words['last_names'])}"

    def staff(self, writer: _Writer, role: str, count: int) -> list[_Staff]:
        people = []
        for number in range(count):
            staff_id = self.new_id("staff")
            name = self.person_name()
            if role == "technician" and number == 3:
                name = "Łukasz Wójcik"
            person = _Staff(staff_id, name, self.phone())
            people.append(person)
            writer.add(
                "staff",
                {
                    "id": staff_id,
                    "external_id": f"{role[:4].upper()}-{staff_id:04d}",
                    "name": name,
                    "role": role,
                    "phone": person.phone,
                    "email": f"{name.split()[0].lower()}.{staff_id}@example.com",
                    "active": number != count - 1 or count < 5,
                    "version": 1,
                },
            )
        return people

    def customer_row(self, customer_id: int) -> dict[str, Any]:
        rng, words = self.rng, self.words
        international = words["international_names"]
        company = None
        if customer_id % 50 == 7:
            name = international[(customer_id // 50) % len(international)]
        elif rng.random() < 0.3:
            last = rng.choice(words["last_names"])
            kind = rng.choice(words["companies"])
            name = f"{last} {kind}"
            company = f"{last} {kind} {rng.choice(words['company_forms'])}"
        else:
            name = self.person_name()
        town, postal = rng.choice(words["towns"])
        created = self.now - dt.timedelta(days=rng.randrange(30, 365 * HISTORY_YEARS))
        return {
            "id": customer_id,
            "account_number": f"{100_000 + customer_id}",
            "external_id": f"CUST-{customer_id:06d}",
            "name": name,
            "company": company,
            "phone": self.phone(),
            "phone_alt": self.phone() if rng.random() < 0.2 else None,
            "email": f"contact{customer_id}@example.com" if rng.random() < 0.7 else None,
            "street": f"{rng.randrange(1, 9_999)} {rng.choice(words['streets'])}",
            "city": town,
            "postal_code": postal,
            "country": "USA",
            "notes": "Gate code 4411; call ahead." if rng.random() < 0.05 else None,
            "created_at": created,
            "updated_at": created,
            "version": 1,
        }

    # -- the office ---------------------------------------------------------------------

    def build(self, writer: _Writer) -> None:
        technicians = self.staff(writer, "technician", self.size.technicians)
        salespeople = self.staff(writer, "salesperson", self.size.salespeople)
        total = self.size.customers
        for index in range(total):
            self.customer(writer, technicians, salespeople)
            writer.flush_when_full()
            if writer.progress and index % 1_000 == 999:
                writer.progress("customers", index + 1, total)
        self.this_week(writer, technicians)
        writer.flush()
        if writer.progress:
            writer.progress("customers", total, total)

    def this_week(self, writer: _Writer, technicians: list[_Staff]) -> None:
        """A full schedule around today, so the day board shows a working office."""
        rng, words = self.rng, self.words
        customers = self.next_id.get("customers", 0)
        if not customers:
            return
        for offset in range(-1, 7):
            day = self.today + dt.timedelta(days=offset)
            if day.weekday() >= 5:
                continue
            for tech in technicians[:-1]:
                for hour in sorted(rng.sample((8, 10, 13, 15), k=rng.randint(2, 4))):
                    start = self.on_the_clock(day, dt.time(hour, rng.choice((0, 30))))
                    kind = rng.choice(self.kinds)
                    finished = start + dt.timedelta(minutes=75)
                    done = finished <= self.now
                    visit_id = self.new_id("service_visits")
                    customer_id = rng.randint(1, customers)
                    if kind not in self.kinds_at[customer_id]:
                        # The call is about something the customer has.
                        kind = self.fit_rng.choice(self.kinds_at[customer_id])
                    writer.add(
                        "service_visits",
                        {
                            "id": visit_id,
                            "external_id": f"V-{visit_id:08d}",
                            "customer_id": customer_id,
                            "site_id": self.first_site[customer_id],
                            "equipment_id": None,
                            "technician_id": tech.id,
                            "scheduled_for": start,
                            "completed_at": finished if done else None,
                            "status": "completed" if done else "scheduled",
                            "problem": rng.choice(words["equipment"][kind]["problems"]),
                            "work_done": rng.choice(words["work_done"]) if done else None,
                            "tech_notes": None,
                            "version": 1,
                        },
                    )

    def customer(
        self, writer: _Writer, technicians: list[_Staff], salespeople: list[_Staff]
    ) -> None:
        rng = self.rng
        customer_id = self.new_id("customers")
        row = self.customer_row(customer_id)
        writer.add("customers", row)
        self.business[customer_id] = row["company"] is not None
        self.equipment_rows.clear()
        sites = self.sites(writer, row)
        equipment = [
            self.equipment(writer, customer_id, self.site_rng.choice(sites))
            for _ in range(self._count(self.size.equipment_per_customer, minimum=1))
        ]
        regulars = rng.sample(technicians, k=min(3, len(technicians)))
        visits = self.visits(writer, customer_id, equipment, regulars)
        for _ in range(self._count(self.size.referrals_per_customer)):
            self.referral(writer, customer_id, equipment, visits, regulars, salespeople)
        for _ in range(self._count(self.size.notes_per_customer)):
            self.note(writer, customer_id, equipment, regulars)

    def _count(self, mean: float, minimum: int = 0) -> int:
        return max(minimum, round(self.rng.uniform(0, 2 * mean)))

    def sites(self, writer: _Writer, customer: dict[str, Any]) -> list[int]:
        """The customer's address as its first site; some customers are served at several.

        Every 25th customer is a property manager with a street of buildings; about a third
        of the companies also have a shop, a warehouse or a rental or two.
        """
        rng = self.site_rng
        customer_id = customer["id"]
        first = self.new_id("sites")
        self.first_site[customer_id] = first
        writer.add(
            "sites",
            {
                "id": first,
                "external_id": customer["external_id"],
                "customer_id": customer_id,
                "name": FIRST_SITE_NAME,
                "street": customer["street"],
                "city": customer["city"],
                "postal_code": customer["postal_code"],
                "country": customer["country"],
                "notes": None,
                "created_at": customer["created_at"],
                "updated_at": customer["created_at"],
                "version": 1,
            },
        )
        made = [first]
        if customer_id % 25 == 3:
            street = rng.choice(self.words["streets"])
            names = [f"Building {n}" for n in range(1, rng.randint(6, 12))]
        elif customer["company"] and rng.random() < 0.35:
            names = rng.sample(
                ("Warehouse", "Shop", "Rental", "Workshop", "Annex"), rng.randint(1, 3)
            )
            street = None
        else:
            return made
        for name in names:
            site_id = self.new_id("sites")
            town, postal = rng.choice(self.words["towns"])
            address = f"{rng.randrange(1, 9_999)} {street or rng.choice(self.words['streets'])}"
            writer.add(
                "sites",
                {
                    "id": site_id,
                    "external_id": f"SITE-{site_id:07d}",
                    "customer_id": customer_id,
                    "name": name,
                    "street": address,
                    "city": town,
                    "postal_code": postal,
                    "country": customer["country"],
                    "notes": "Keys with the caretaker." if rng.random() < 0.2 else None,
                    "created_at": customer["created_at"],
                    "updated_at": customer["created_at"],
                    "version": 1,
                },
            )
            made.append(site_id)
        return made

    def equipment(
        self, writer: _Writer, customer_id: int, site_id: int
    ) -> tuple[int, str, dt.date]:
        rng = self.rng
        kind = rng.choice(self.kinds)
        business = self.business[customer_id]
        if not business:
            kind = AT_A_HOUSEHOLD.get(kind, kind)
        make, model = rng.choice(self.words["equipment"][kind]["makes"])
        equipment_id = self.new_id("equipment")
        self.site_of_equipment[equipment_id] = site_id
        self.kinds_at.setdefault(customer_id, []).append(kind)
        installed = self.today - dt.timedelta(days=rng.randrange(180, 365 * 24))
        location = rng.choice(
            ("Basement", "Utility room", "Attic", "Garage", "Roof", "Office 2F", None)
        )
        at_home, at_work = LOCATIONS.get(kind, ((), ()))
        where = at_work if business else at_home
        if location is not None and location not in where:
            location = self.fit_rng.choice(where) if where else None
        row = {
            "id": equipment_id,
            "external_id": f"EQ-{equipment_id:07d}",
            "customer_id": customer_id,
            "site_id": site_id,
            "kind": kind,
            "make": make,
            "model": model,
            "serial": f"{make[:2].upper()}{rng.randrange(10**7, 10**8)}",
            "installed_on": installed,
            "location": location,
            "version": 1,
        }
        self.equipment_rows[equipment_id] = row
        writer.add("equipment", row)
        return equipment_id, kind, installed

    def visits(
        self,
        writer: _Writer,
        customer_id: int,
        equipment: list[tuple[int, str, dt.date]],
        regulars: list[_Staff],
    ) -> list[tuple[int, int, dt.datetime]]:
        rng, words = self.rng, self.words
        made = []
        for _ in range(self._count(self.size.visits_per_customer)):
            visit_id = self.new_id("service_visits")
            equipment_id, kind, installed = rng.choice(equipment)
            tech = rng.choice(regulars)
            in_service_days = min(365 * HISTORY_YEARS, (self.today - installed).days)
            days_ago = rng.randrange(-7, in_service_days)
            start = self.on_the_clock(
                self.today - dt.timedelta(days=days_ago),
                dt.time(rng.randrange(7, 17), rng.choice((0, 30))),
            )
            future = start > self.now
            status = (
                "scheduled" if future else ("cancelled" if rng.random() < 0.03 else "completed")
            )
            tech_notes = words["tech_notes"]
            notes = self.fitting(rng.choice(tech_notes), tech_notes, kind, customer_id)
            if notes and rng.random() < 0.1:
                more = self.fitting(rng.choice(tech_notes), tech_notes, kind, customer_id)
                notes = f"{notes} {more} {LONG_NOTE_TAIL}"
            done = status == "completed"
            finished = start + dt.timedelta(minutes=rng.randrange(30, 180)) if done else None
            problem = rng.choice(words["equipment"][kind]["problems"])
            work_done = rng.choice(words["work_done"]) if done else None
            if finished is not None and finished > self.now:
                # Still at it: not done before now (drawn all the same, so the rest of the
                # office stays as the seed made it).
                status, finished, work_done, done = "scheduled", None, None, False
            writer.add(
                "service_visits",
                {
                    "id": visit_id,
                    "external_id": f"V-{visit_id:08d}",
                    "customer_id": customer_id,
                    "site_id": self.site_of_equipment[equipment_id],
                    "equipment_id": equipment_id,
                    "technician_id": tech.id,
                    "scheduled_for": start,
                    "completed_at": finished,
                    "status": status,
                    "problem": problem,
                    "work_done": work_done,
                    "tech_notes": notes or None if done else None,
                    "version": 1,
                },
            )
            if not future:
                made.append((visit_id, tech.id, start))
        return made

    def referral_path(self, recent: bool) -> list[ReferralStatus]:
        rng = self.rng
        if recent:
            target = rng.choices(
                [
                    RS.NEW,
                    RS.ASSIGNED,
                    RS.CONTACTED,
                    RS.APPOINTMENT_SET,
                    RS.QUOTED,
                    RS.WON,
                    RS.LOST,
                    RS.NOT_NOW,
                    RS.CANCELLED,
                ],
                weights=[8, 12, 10, 10, 8, 10, 8, 5, 2],
            )[0]
        else:
            target = rng.choices(
                [RS.WON, RS.LOST, RS.CANCELLED, RS.NOT_NOW], weights=[40, 45, 5, 10]
            )[0]
        full = [RS.NEW, RS.ASSIGNED, RS.CONTACTED, RS.APPOINTMENT_SET, RS.QUOTED]
        if target in full:
            return full[: full.index(target) + 1]
        if target is RS.WON:
            return [*full, RS.WON]
        if target is RS.LOST:
            return [*full[: rng.choice((3, 4, 5))], RS.LOST]
        if target is RS.NOT_NOW:
            return [*full[:3], RS.NOT_NOW]
        return [*full[: rng.choice((1, 2))], RS.CANCELLED]

    def referral(
        self,
        writer: _Writer,
        customer_id: int,
        equipment: list[tuple[int, str, dt.date]],
        visits: list[tuple[int, int, dt.datetime]],
        regulars: list[_Staff],
        salespeople: list[_Staff],
    ) -> None:
        rng, words = self.rng, self.words
        recent = rng.random() < 0.35
        path = self.referral_path(recent)
        gaps = {
            RS.ASSIGNED: dt.timedelta(hours=rng.uniform(0.5, 6)),
            RS.CONTACTED: dt.timedelta(hours=rng.uniform(1, 30)),
            RS.APPOINTMENT_SET: dt.timedelta(days=rng.uniform(0.5, 4)),
            RS.QUOTED: dt.timedelta(days=rng.uniform(1, 6)),
            RS.WON: dt.timedelta(days=rng.uniform(2, 20)),
            RS.LOST: dt.timedelta(days=rng.uniform(2, 20)),
            RS.NOT_NOW: dt.timedelta(days=rng.uniform(1, 5)),
            RS.CANCELLED: dt.timedelta(hours=rng.uniform(1, 48)),
        }
        span = sum((gaps[status] for status in path[1:]), dt.timedelta())
        if recent:
            created = self.now - span - dt.timedelta(hours=rng.uniform(1, 24 * 20))
            if path[-1] in (RS.NEW, RS.ASSIGNED) and rng.random() < 0.5:
                created = self.now - span - dt.timedelta(hours=rng.uniform(0.2, 18))
        else:
            created = self.now - dt.timedelta(days=rng.uniform(60, 365 * HISTORY_YEARS))
        visit = rng.choice(visits) if visits and rng.random() < 0.8 else None
        technician_id = visit[1] if visit else rng.choice(regulars).id
        if visit and not recent:
            created = max(created, visit[2] + dt.timedelta(hours=2))
        equipment_id, kind, installed = rng.choice(equipment)
        age = max(1, (self.today - installed).days // 365)
        estimated = Decimal(rng.randrange(8, 300) * 50)
        referral_id = self.new_id("referrals")
        salesperson = rng.choice(salespeople) if len(path) > 1 else None
        status = path[-1]
        meeting = _Meeting(
            days_after=rng.randrange(0, 6) if status is RS.APPOINTMENT_SET else rng.randrange(1, 5),
            hour=rng.randrange(8, 17),
            minutes=rng.choice((45, 60, 90)),
        )
        timeline = self.timeline(path, gaps, created, meeting)
        if timeline.created < created:
            created = timeline.created  # moved back so that nothing happened after now
        if visit and visit[2] + dt.timedelta(hours=2) > created:
            visit = None  # a referral made before the visit cannot come from it
        events, closed = timeline.events, timeline.closed
        first_contact = timeline.at(RS.CONTACTED)
        won_value = (
            (estimated * Decimal(rng.choice((80, 90, 100, 110, 120))) / 100)
            if status is RS.WON
            else None
        )
        told = status in (RS.WON, RS.LOST) and (not recent or rng.random() < 0.4)
        tech_informed = (
            (closed + dt.timedelta(days=rng.uniform(0.2, 5))) if told and closed else None
        )
        if tech_informed and tech_informed > self.now:
            tech_informed = None
        follow_up = None
        if status is RS.NOT_NOW:
            follow_up = self.today + dt.timedelta(days=rng.randrange(1, 120))
        paid = (
            closed + dt.timedelta(days=30) if status is RS.WON and closed and not recent else None
        )
        pain_points, recommendations = words["pain_points"], words["recommendations"]
        pain_point = self.fitting(rng.choice(pain_points), pain_points, kind, customer_id)
        recommendation = self.fitting(
            rng.choice(recommendations), recommendations, kind, customer_id
        )
        writer.add(
            "referrals",
            {
                "id": referral_id,
                "external_id": f"R-{referral_id:07d}",
                "customer_id": customer_id,
                "equipment_id": equipment_id,
                "visit_id": visit[0] if visit else None,
                "technician_id": technician_id,
                "salesperson_id": salesperson.id if salesperson else None,
                "status": status.value,
                "category": self.category(recommendation),
                "pain_point": pain_point.format(years=years(age), kind=kind.lower()),
                "recommendation": recommendation,
                "urgency": rng.choices(("low", "normal", "high"), weights=(2, 6, 2))[0],
                "estimated_value": estimated,
                "won_value": won_value,
                "lost_reason": rng.choice(words["lost_reasons"]) if status is RS.LOST else None,
                "follow_up_on": follow_up,
                "created_at": created,
                "first_contact_at": first_contact,
                "closed_at": closed,
                "tech_informed_at": tech_informed,
                "tech_thanked": bool(tech_informed) and rng.random() < 0.8,
                "spiff_amount": Decimal("50.00") if status is RS.WON else None,
                "spiff_paid_at": paid if paid and paid <= self.now else None,
                "version": 1,
            },
        )
        if (
            status is RS.WON
            and closed
            and CATEGORY_OF_RECOMMENDATION.get(recommendation) == REPLACEMENT
        ):
            self.replace_unit(equipment, equipment_id, closed)
        coordinator = "demo"
        for event_at, before, after in events:
            writer.add(
                "referral_events",
                {
                    "id": self.new_id("referral_events"),
                    "referral_id": referral_id,
                    "at": event_at,
                    "actor": coordinator,
                    "kind": "created" if before is None else "status",
                    "from_status": before.value if before else None,
                    "to_status": after.value,
                    "note": None,
                },
            )
        if tech_informed:
            writer.add(
                "referral_events",
                {
                    "id": self.new_id("referral_events"),
                    "referral_id": referral_id,
                    "at": tech_informed,
                    "actor": coordinator,
                    "kind": "tech_told",
                    "from_status": None,
                    "to_status": None,
                    "note": "Told the tech the outcome and thanked them.",
                },
            )
        set_at, starts = timeline.at(RS.APPOINTMENT_SET), timeline.meeting_starts
        if set_at and starts and salesperson:
            # Consulted the day before, or halfway there for a meeting booked at short notice.
            consulted = max(starts - dt.timedelta(hours=20), set_at + (starts - set_at) / 2)
            writer.add(
                "sales_appointments",
                {
                    "id": self.new_id("sales_appointments"),
                    "referral_id": referral_id,
                    "salesperson_id": salesperson.id,
                    "starts_at": starts,
                    "duration_minutes": meeting.minutes,
                    "tech_consulted_at": consulted
                    if rng.random() < 0.6 and starts < self.now
                    else None,
                    "briefing_printed_at": None,
                    "cancelled_at": None,
                    "notes": None,
                    "version": 1,
                },
            )

    def replace_unit(
        self, equipment: list[tuple[int, str, dt.date]], equipment_id: int, won: dt.datetime
    ) -> None:
        """The sold unit goes in on the day the sale was won: the record shows the new one
        (make, model, serial, installation), so the old one is no longer past its life."""
        row = self.equipment_rows[equipment_id]
        installed = won.astimezone(self.zone).date()
        if row["installed_on"] >= installed:
            return  # replaced already by a later sale
        make, model = self.fit_rng.choice(self.words["equipment"][row["kind"]]["makes"])
        row.update(
            make=make,
            model=model,
            serial=f"{make[:2].upper()}{self.fit_rng.randrange(10**7, 10**8)}",
            installed_on=installed,
        )
        place = next(n for n, (piece, _, _) in enumerate(equipment) if piece == equipment_id)
        equipment[place] = (equipment_id, row["kind"], installed)

    def timeline(
        self,
        path: list[ReferralStatus],
        gaps: dict[ReferralStatus, dt.timedelta],
        created: dt.datetime,
        meeting: _Meeting,
    ) -> _Timeline:
        """Each step of `path` after the one before, the sales meeting between being booked
        and the step after it, and the last step no later than now: a referral whose steps
        would run past now starts that much earlier."""
        for _attempt in range(400):
            timeline = self._steps(path, gaps, created, meeting)
            overrun = timeline.events[-1][0] - self.now
            if overrun <= dt.timedelta():
                return timeline
            # Meetings fall on whole days: a shift of less than a day may not move one.
            created -= max(overrun + dt.timedelta(hours=1), dt.timedelta(days=1))
        raise AssertionError("a demo referral's steps did not fit before now")  # pragma: no cover

    def _steps(
        self,
        path: list[ReferralStatus],
        gaps: dict[ReferralStatus, dt.timedelta],
        created: dt.datetime,
        meeting: _Meeting,
    ) -> _Timeline:
        timeline = _Timeline(created, [(created, None, RS.NEW)])
        at = created
        for previous, step in itertools.pairwise(path):
            at = at + gaps[step]
            starts = timeline.meeting_starts
            if previous is RS.APPOINTMENT_SET and starts is not None:
                # The quote or the outcome comes after the meeting it follows.
                at = max(at, starts + dt.timedelta(minutes=meeting.minutes + 60))
            timeline.events.append((at, previous, step))
            if step is RS.APPOINTMENT_SET:
                timeline.meeting_starts = self.meeting_time(at, meeting, upcoming=step is path[-1])
            if step in CLOSING:
                timeline.closed = at
        return timeline

    def meeting_time(self, booked: dt.datetime, meeting: _Meeting, upcoming: bool) -> dt.datetime:
        """A sales meeting on the office's clock, after it was booked: in the coming days
        for a referral still waiting for it, a few days after booking for one past it."""
        if upcoming:
            day = self.today + dt.timedelta(days=meeting.days_after)
        else:
            day = booked.astimezone(self.zone).date() + dt.timedelta(days=meeting.days_after)
        starts = self.on_the_clock(day, dt.time(meeting.hour))
        while starts <= booked:
            day += dt.timedelta(days=1)
            starts = self.on_the_clock(day, dt.time(meeting.hour))
        return starts

    def note(
        self,
        writer: _Writer,
        customer_id: int,
        equipment: list[tuple[int, str, dt.date]],
        regulars: list[_Staff],
    ) -> None:
        rng = self.rng
        equipment_id, kind, installed = rng.choice(equipment)
        age = max(1, (self.today - installed).days // 365)
        category = rng.choice(
            ("Old equipment", "No maintenance plan", "Customer asked", "Efficiency", "Other")
        )
        writer.add(
            "upsell_notes",
            {
                "id": (note_id := self.new_id("upsell_notes")),
                "external_id": f"N-{note_id:07d}",
                "customer_id": customer_id,
                "equipment_id": equipment_id,
                "author": rng.choice(regulars).name,
                "category": category,
                "text": self.fitting(
                    rng.choice(self.words["note_texts"]),
                    self.words["note_texts"],
                    kind,
                    customer_id,
                ).format(kind=kind, years=years(age)),
                "pinned": rng.random() < 0.15,
                "created_at": self.now - dt.timedelta(days=rng.uniform(0, 365 * 3)),
                "removed_at": None,
                "removed_by": None,
                "referral_id": None,
                "version": 1,
            },
        )


def is_empty(engine: Engine) -> bool:
    """True when the database has no customers yet: the only kind that takes demo data."""
    with engine.connect() as connection:
        return not connection.execute(
            select(func.count()).select_from(Customer.__table__)
        ).scalar_one()


def seed_demo(
    engine: Engine,
    customers: int = 300,
    seed: int = 1,
    today: dt.date | None = None,
    progress: ProgressCallback | None = None,
    now: dt.datetime | None = None,
) -> DemoSummary:
    """Fill an empty database with a demo office; refuses a database that has customers.

    The office's clock stands at `now` (else at this moment), on its date there; given only
    `today`, at 15:00 on it. So a demo made at 10:00 has that day's later visits still to come.
    """
    with engine.begin() as connection:
        existing = connection.execute(
            select(func.count()).select_from(Customer.__table__)
        ).scalar_one()
        if existing:
            raise DatabaseNotEmpty(
                f"the database already has {existing} customers; demo data goes into an empty one"
            )
        writer = _Writer(connection, progress)
        categories = _office_categories(connection)
        if today is None:
            now = now if now is not None else dt.datetime.now(dt.UTC)
            today = local_today(now)
        DemoBuilder(DemoSize(customers=customers), seed, today, categories, now).build(writer)
        with Session(bind=connection) as session:
            # The demo writes won referrals' spiffs in bulk; the ledger gets their entries.
            carry_over_referral_spiffs(session, read_office_settings(session))
            session.flush()
        if connection.dialect.name == "postgresql":
            _reset_postgres_sequences(connection)
    return DemoSummary(counts=dict(writer.counts))


def _office_categories(connection: Any) -> tuple[str, ...]:
    """The office's referral categories as stored (read without loading the whole settings,
    which would also switch this process to the office's time zone)."""
    stored = connection.execute(
        select(OfficeSetting.value).where(OfficeSetting.key == "referral_categories")
    ).scalar()
    names = tuple(str(name) for name in json.loads(stored)) if stored else ()
    return names or DEFAULT_REFERRAL_CATEGORIES


def _reset_postgres_sequences(connection: Any) -> None:
    """Ids were assigned here, so each serial sequence must move past them."""
    for table in Base.metadata.sorted_tables:
        if "id" not in table.c:
            continue
        connection.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
            f"coalesce((SELECT max(id) FROM {table.name}), 0) + 1, false)"
        )
