"""`dispatch-console salespeople`: who takes which referral categories in the round-robin, who
is away, and whether the office assigns new referrals round-robin at all.

    salespeople                                   list them (--format table|csv)
    salespeople --away NAME [--until DATE]        mark away (through DATE, an office day)
    salespeople --back NAME                       back again
    salespeople --takes NAME [CATEGORY ...]       the categories NAME takes (none: takes none)
    salespeople --round-robin on|off              the office's choice
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
from dataclasses import replace

from sqlalchemy.orm import Session

from console.commands.common import (
    CommandError,
    add_handler,
    iso_date,
    printable,
    unit_of_work,
)
from console.services.office.clock import local_date, utc_now
from console.services.office.settings import load_office_settings, save_office_settings
from console.services.office.staff import (
    SalespersonSetup,
    mark_away,
    mark_back,
    salespeople_setup,
    set_categories,
)
from console.services.referrals.assignment import rotation, why_unassigned
from console.services.transfer.formulas import protect

COLUMNS = ("name", "takes", "away")
WIDEST = 60


def _change(session: Session, args: argparse.Namespace) -> str | None:
    """Apply the one change the command line asks for; what to tell the user, or None."""
    if args.round_robin is not None:
        office = load_office_settings(session)
        wanted = args.round_robin == "on"
        save_office_settings(session, replace(office, assign_round_robin=wanted), office)
        return f"round-robin assignment is {args.round_robin}"
    if args.away is not None:
        person = mark_away(session, args.away, args.until)
        until = f" until {args.until.isoformat()}" if args.until else ""
        return f"{person.name} is away{until}"
    if args.back is not None:
        return f"{mark_back(session, args.back).name} is back"
    if args.takes is not None:
        name, *categories = args.takes
        person = set_categories(session, name, categories)
        return f"{person.name} takes {', '.join(_taken(session, person.id)) or 'no category'}"
    return None


def _taken(session: Session, staff_id: int) -> tuple[str, ...]:
    row = next(row for row in salespeople_setup(session) if row.id == staff_id)
    return row.categories


def _next_in_line(session: Session, category: str, today: dt.date) -> str:
    """Whose turn the next referral in `category` is, or why nobody's."""
    in_turn = rotation(session, category, today)
    return in_turn[0].name if in_turn else f"nobody ({why_unassigned(session, category, today)})"


def _row(setup: SalespersonSetup) -> dict[str, str]:
    return {
        "name": setup.name,
        "takes": ", ".join(setup.categories),
        "away": setup.away_text,
    }


def cmd_salespeople(args: argparse.Namespace) -> int:
    changes = [args.away, args.back, args.takes, args.round_robin]
    if sum(change is not None for change in changes) > 1:
        raise CommandError("give one of --away, --back, --takes or --round-robin at a time")
    if args.until is not None and args.away is None:
        raise CommandError("--until goes with --away NAME")
    with unit_of_work(args) as session:
        told = _change(session, args)
        office = load_office_settings(session)
        rows = [_row(setup) for setup in salespeople_setup(session)]
        today = local_date(utc_now())
        next_up = {
            category: _next_in_line(session, category, today)
            for category in office.referral_categories
        }
    if told is not None:
        print(told, file=sys.stderr)
    if args.format == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows([[protect(row[name]) for name in COLUMNS] for row in rows])
        return 0
    table = [list(COLUMNS)] + [[printable(row[name]) for name in COLUMNS] for row in rows]
    widths = [min(max(len(line[i]) for line in table), WIDEST) for i in range(len(COLUMNS))]
    for line in table:
        cells = (cell[:WIDEST].ljust(width) for cell, width in zip(line, widths, strict=True))
        print("  ".join(cells).rstrip())
    state = "on" if office.assign_round_robin else "off"
    print(f"\nround-robin assignment: {state}")
    if office.assign_round_robin:
        for category, next_one in next_up.items():
            print(f"next for {printable(category)}: {printable(next_one)}")
    return 0


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    people = commands.add_parser(
        "salespeople",
        parents=[common],
        help="who takes which referral categories, who is away, round-robin on or off",
        description="List salespeople with the referral categories they take and time away, "
        "or change one thing: mark someone away or back, set what they take, or turn the "
        "office's round-robin assignment on or off.",
    )
    people.add_argument("--away", metavar="NAME", help="mark NAME away (no round-robin turns)")
    people.add_argument(
        "--until", type=iso_date, metavar="DATE", help="with --away: the last day away"
    )
    people.add_argument("--back", metavar="NAME", help="NAME is back and takes turns again")
    people.add_argument(
        "--takes",
        nargs="+",
        metavar=("NAME", "CATEGORY"),
        help="NAME takes these categories (replacing what they took); NAME alone: none",
    )
    people.add_argument("--round-robin", choices=("on", "off"), help="the office's choice")
    people.add_argument("--format", choices=("table", "csv"), default="table")
    add_handler(people, cmd_salespeople)
