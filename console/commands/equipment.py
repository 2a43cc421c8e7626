"""`dispatch-console equipment candidates [--format table|csv]`: old equipment for the techs,
and `dispatch-console equipment life [KIND [YEARS | --remove]]`: the service lives it is
measured against."""

from __future__ import annotations

import argparse
import csv
import sys

from console.commands.common import (
    CommandError,
    CommandParser,
    add_handler,
    printable,
    unit_of_work,
)
from console.services.office.settings import load_office_settings
from console.services.schedule.equipment_life import (
    Candidate,
    replacement_candidates,
    set_service_life,
)
from console.services.transfer.formulas import protect

CANDIDATE_COLUMNS = (
    "customer",
    "equipment",
    "kind",
    "installed_on",
    "age_years",
    "life_years",
    "last_visit_on",
    "candidates_at_customer",
    "account_number",
    "equipment_external_id",
)
TABLE_COLUMNS = (
    "customer",
    "equipment",
    "installed_on",
    "age_years",
    "life_years",
    "last_visit_on",
    "candidates_at_customer",
)
TABLE_HEADINGS = {
    "installed_on": "installed",
    "age_years": "age",
    "life_years": "life",
    "last_visit_on": "last visit",
    "candidates_at_customer": "at customer",
}
WIDEST = 30


def candidate_row(candidate: Candidate) -> dict[str, str]:
    return {
        "customer": candidate.customer,
        "equipment": candidate.equipment,
        "kind": candidate.kind,
        "installed_on": candidate.installed_on.isoformat(),
        "age_years": str(candidate.age_years),
        "life_years": str(candidate.life_years),
        "last_visit_on": candidate.last_visit_on.isoformat() if candidate.last_visit_on else "",
        "candidates_at_customer": str(candidate.customer_candidates),
        "account_number": candidate.account_number or "",
        "equipment_external_id": candidate.equipment_external_id or "",
    }


def cmd_candidates(args: argparse.Namespace) -> int:
    with unit_of_work(args) as session:
        candidates = replacement_candidates(session)
    rows = [candidate_row(candidate) for candidate in candidates]
    if args.format == "csv":
        # A spreadsheet opening this must show a customer named "=cmd|..." as text.
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(CANDIDATE_COLUMNS)
        writer.writerows([[protect(row[name]) for name in CANDIDATE_COLUMNS] for row in rows])
    else:
        table = [[TABLE_HEADINGS.get(name, name) for name in TABLE_COLUMNS]] + [
            [printable(row[name]) for name in TABLE_COLUMNS] for row in rows
        ]
        widths = [
            min(max(len(line[i]) for line in table), WIDEST) for i in range(len(TABLE_COLUMNS))
        ]
        for line in table:
            cells = (cell[:WIDEST].ljust(width) for cell, width in zip(line, widths, strict=True))
            print("  ".join(cells).rstrip())
    customers = len({candidate.customer_id for candidate in candidates})
    print(
        f"{len(candidates)} candidate{'s' if len(candidates) != 1 else ''}"
        f" at {customers} customer{'s' if customers != 1 else ''}",
        file=sys.stderr,
    )
    return 0


def cmd_life(args: argparse.Namespace) -> int:
    if args.remove and args.years is not None:
        raise CommandError("give YEARS or --remove, not both")
    if args.kind is not None and args.years is None and not args.remove:
        raise CommandError("give YEARS for the kind, or --remove to take its life away")
    if args.kind is None and args.remove:
        raise CommandError("--remove needs the KIND to take away")
    with unit_of_work(args) as session:
        if args.kind is None:
            settings = load_office_settings(session)
        else:
            settings = set_service_life(session, args.kind, None if args.remove else args.years)
    widest = max((len(printable(kind)) for kind, _years in settings.service_life), default=0)
    for kind, years in settings.service_life:
        print(f"{printable(kind).ljust(widest)}  {years} years")
    return 0


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    equipment = commands.add_parser(
        "equipment", parents=[common], help="equipment at or past its usual service life"
    )
    lists = equipment.add_subparsers(
        title="equipment commands", metavar="COMMAND", required=True, parser_class=CommandParser
    )
    candidates = lists.add_parser(
        "candidates",
        parents=[common],
        help="old equipment with no open referral, oldest first, for the techs to look at",
    )
    candidates.add_argument("--format", choices=("table", "csv"), default="table")
    add_handler(candidates, cmd_candidates)

    life = lists.add_parser(
        "life",
        parents=[common],
        help="the years each kind usually serves: list them, set one, or take one away",
    )
    life.add_argument("kind", nargs="?", metavar="KIND", help="a kind of equipment, any case")
    life.add_argument("years", nargs="?", metavar="YEARS", help="whole years, 1 to 60")
    life.add_argument(
        "--remove", action="store_true", help="no life for KIND: its equipment is never listed"
    )
    add_handler(life, cmd_life)
