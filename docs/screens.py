"""Every screen of the desk on a demo office, at two screen sizes, in a light and a dark palette.

Usage: .venv/bin/python docs/screens.py [OUT_DIR] [--only NAME ...] [--docs]

Each size and palette runs in a window of its own under `xvfb-run` (Debian's `xvfb`) on a
virtual screen of exactly that size, so dialogs are placed and clipped as on that desk. The
window uses the Fusion style; the dark runs give it a dark desktop palette. PNGs are named
`SIZE-PALETTE-SCREEN.png` (e.g. `1366x768-dark-worklist-open.png`); the first page of a
briefing goes to `briefing-page.png`. OUT_DIR defaults to /tmp/shots/final. `--docs` then
copies the README's images into docs/ (`README_IMAGES`).

Reads run on workers: each screen is shot once no background read of any window is still on
its way, so what is shot is what the desk would see settled.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import smtplib
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QDialog, QTableView, QTabWidget
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from console.database import make_engine
from console.migrate import upgrade_database
from console.models import Customer, Referral, ReferralStatus, Site, UpsellNote
from console.services.demo import seed_demo
from console.services.messages.outbox import queue_message, send_due
from console.services.messages.smtp_url import parse_smtp_url
from console.services.referrals.detail import ReferralDetail, referral_detail
from console.services.transfer.kinds import KINDS
from console.services.transfer.sync import sync_folder
from console.services.referrals.worklists import Worklist
from console.views.common.workers.background import Background
from console.views.context import DeskContext
from console.views.main_window import MainWindow

SIZES = ((1366, 768), (1920, 1080))
PALETTES = ("light", "dark")
DEMO_CUSTOMERS = 120
DEMO_SEED = 3
QUIET_MS = 400  # no read on its way for this long: the screen has settled
SETTLE_TIMEOUT_S = 20.0
RENDER_MS = 1_500  # the briefing preview draws its pages after the PDF has arrived
REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
# The README's images: laptop-sized shots, so they read at the width a README is shown at.
README_IMAGES = {
    "customer-360.png": "1366x768-light-customer-overview.png",
    "worklists.png": "1366x768-light-worklist-open-filtered.png",
    "day-board.png": "1366x768-light-day-board.png",
    "customer-360-dark.png": "1366x768-dark-customer-overview.png",
    "briefing-page.png": "briefing-page.png",
}


# -- the demo office ---------------------------------------------------------------------------


def dark_palette() -> QPalette:
    """A dark desktop theme's palette: light text on dark bases."""
    colours = QPalette()
    dark, darker, text = QColor("#2b2b2b"), QColor("#1e1e1e"), QColor("#e8e8e8")
    for role, colour in (
        (QPalette.ColorRole.Window, dark),
        (QPalette.ColorRole.Base, darker),
        (QPalette.ColorRole.AlternateBase, dark),
        (QPalette.ColorRole.Button, dark),
        (QPalette.ColorRole.Text, text),
        (QPalette.ColorRole.WindowText, text),
        (QPalette.ColorRole.ButtonText, text),
        (QPalette.ColorRole.ToolTipBase, darker),
        (QPalette.ColorRole.ToolTipText, text),
        (QPalette.ColorRole.PlaceholderText, QColor("#9a9a9a")),
        (QPalette.ColorRole.Highlight, QColor("#3d6fb4")),
        (QPalette.ColorRole.HighlightedText, QColor("#ffffff")),
        (QPalette.ColorRole.Link, QColor("#9ecaff")),
    ):
        colours.setColor(role, colour)
    faded = QColor("#7a7a7a")
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.ButtonText,
    ):
        colours.setColor(QPalette.ColorGroup.Disabled, role, faded)
    return colours


class _Postman:
    """A mail server for the outbox's history: it refuses one address and takes the rest."""

    refused = "nobody@invalid.example"

    def send_message(self, email: EmailMessage) -> None:
        if email["To"] == self.refused:
            raise smtplib.SMTPRecipientsRefused({self.refused: (550, b"5.1.1 No such mailbox")})

    def rset(self) -> None:
        pass

    def quit(self) -> None:
        pass

    def close(self) -> None:
        pass


def _outbox_history(engine: Engine) -> None:
    """Messages sent, one refused by the server, and two still waiting."""
    now = dt.datetime.now(dt.UTC)
    with Session(engine) as session, session.begin():
        won = [
            (referral.id, referral.customer.name)
            for referral in session.scalars(
                select(Referral).where(Referral.status == ReferralStatus.WON).limit(5)
            )
        ]
        for number, (referral_id, customer) in enumerate(won[:3]):
            queue_message(
                session,
                kind="tell_tech",
                to=_Postman.refused if number == 1 else f"tech{number}@example.com",
                subject=f"Your referral at {customer} was won — thank you",
                body="The customer went ahead with the replacement you spotted. Thank you!",
                referral_id=referral_id,
                actor="sam",
                now=now - dt.timedelta(hours=3 - number),
            )
    server = parse_smtp_url("smtp://desk@mail.example.com:587")
    send_due(engine, server, opener=lambda _server: _Postman(), clock=lambda: now)  # type: ignore[arg-type, return-value]
    with Session(engine) as session, session.begin():
        for referral_id, customer in won[3:]:
            queue_message(
                session,
                kind="tell_tech",
                to="waiting@example.com",
                subject=f"Outcome of your referral at {customer}",
                body="The customer decided; details inside.",
                referral_id=referral_id,
                actor="sam",
                now=now + dt.timedelta(days=1),
            )


def _sync_history(engine: Engine, work: Path) -> None:
    """Two runs of the folder sync: one that took a file, one that refused an unknown one."""
    drop = work / "drop"
    drop.mkdir()
    header = KINDS["customers"].columns
    rows = [
        ["SY-1", "Harbour View Apartments", "", "555-0140", "office@harbour.example"],
        ["SY-2", "Lindqvist Bakery", "", "555-0141", ""],
    ]
    lines = [",".join(header)] + [",".join(row + [""] * (len(header) - len(row))) for row in rows]
    clients = drop / "clients.csv"
    clients.write_text("\n".join(lines) + "\n", encoding="utf-8")
    stray = drop / "notes.csv"
    stray.write_text("colour\nred\n", encoding="utf-8")
    then = time.time() - 120
    for path in (clients, stray):
        os.utime(path, (then, then))
    sync_folder(engine, drop, actor="night", skip_invalid=True)
    stray.unlink()
    sync_folder(engine, drop, actor="night")


def demo_database(work: Path) -> str:
    """A demo office as of today, with an outbox and a sync log to show."""
    folder = work / "DispatchConsole"
    folder.mkdir()
    url = f"sqlite:///{folder / 'console.sqlite'}"
    engine = make_engine(url)
    upgrade_database(engine)
    seed_demo(engine, customers=DEMO_CUSTOMERS, seed=DEMO_SEED)
    _outbox_history(engine)
    _sync_history(engine, work)
    engine.dispose()
    return url


@dataclass(frozen=True)
class Cast:
    """The records the screens show: picked for having the most to show."""

    customer: int
    account: str
    name: str
    briefing_account: str
    """A customer with a sales appointment coming: whose briefing a salesperson would print."""
    by_status: dict[ReferralStatus, int]


def pick_cast(engine: Engine) -> Cast:
    with Session(engine) as session:
        sites = (
            select(Site.customer_id, func.count().label("n")).group_by(Site.customer_id).subquery()
        )
        notes = (
            select(UpsellNote.customer_id, func.count().label("n"))
            .group_by(UpsellNote.customer_id)
            .subquery()
        )
        open_referrals = (
            select(Referral.customer_id, func.count().label("n"))
            .where(Referral.status.not_in([ReferralStatus.WON, ReferralStatus.LOST]))
            .group_by(Referral.customer_id)
            .subquery()
        )
        row = session.execute(
            select(Customer.id, Customer.account_number, Customer.name)
            .join(sites, sites.c.customer_id == Customer.id)
            .join(notes, notes.c.customer_id == Customer.id)
            .join(open_referrals, open_referrals.c.customer_id == Customer.id)
            .order_by((sites.c.n * 3 + notes.c.n + open_referrals.c.n * 2).desc(), Customer.id)
            .limit(1)
        ).one()
        by_status = {
            status: referral_id
            for status, referral_id in session.execute(
                select(Referral.status, func.min(Referral.id)).group_by(Referral.status)
            )
        }
        appointment = by_status.get(ReferralStatus.APPOINTMENT_SET)
        briefing_account = str(row[1])
        if appointment is not None:
            briefing_account = str(
                session.scalars(
                    select(Customer.account_number)
                    .join(Referral, Referral.customer_id == Customer.id)
                    .where(Referral.id == appointment)
                ).one()
            )
    return Cast(row[0], str(row[1]), row[2], briefing_account, by_status)


# -- waiting for the screen --------------------------------------------------------------------


def slug(text: str) -> str:
    """A tab's text as part of a file name: `The office: rules` → `the-office-rules`."""
    words = "".join(c if c.isalnum() else " " for c in text.replace("&", "").lower())
    return "-".join(words.split())


def pump(ms: int) -> None:
    end = time.monotonic() + ms / 1000
    while time.monotonic() < end:
        QCoreApplication.processEvents()
        time.sleep(0.01)


def _reading() -> bool:
    for top in QApplication.topLevelWidgets():
        if any(job.busy for job in top.findChildren(Background)):
            return True
        palette = getattr(top, "busy", None)
        if isinstance(palette, bool) and palette:
            return True
    return False


def settle(until: Callable[[], bool] = lambda: True) -> None:
    """Run the window until `until` holds and no read has been on its way for a while."""
    deadline = time.monotonic() + SETTLE_TIMEOUT_S
    quiet_since: float | None = None
    while time.monotonic() < deadline:
        QCoreApplication.processEvents()
        if _reading() or not until():
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif (time.monotonic() - quiet_since) * 1000 >= QUIET_MS:
            return
        time.sleep(0.02)
    print(f"  (still reading after {SETTLE_TIMEOUT_S:.0f} s; shot as it stood)", file=sys.stderr)


# -- the screens -------------------------------------------------------------------------------

Screen = Callable[["Desk"], Generator[str, None, None]]
"""A screen shown step by step: each value it yields is one shot (a suffix to its name)."""
SCREENS: dict[str, Screen] = {}


def screen(name: str) -> Callable[[Screen], Screen]:
    def register(build: Screen) -> Screen:
        SCREENS[name] = build
        return build

    return register


@dataclass
class Desk:
    window: MainWindow
    context: DeskContext
    cast: Cast
    work: Path

    def referral(self, *statuses: ReferralStatus) -> int:
        for status in statuses:
            if status in self.cast.by_status:
                return self.cast.by_status[status]
        raise LookupError(f"the demo office has no referral in {statuses}")

    def detail(self, referral_id: int) -> ReferralDetail:
        return self.context.fetch(lambda session: referral_detail(session, referral_id))

    def open_customer(self) -> None:
        """The cast's customer, found as the desk finds them: typed into the search."""
        search = self.window.search
        if search.field.text() != self.cast.name:
            search.field.setText(self.cast.name)
            search.run_search()
            settle()
        if self.window.customer.customer_id != self.cast.customer:
            self.window.open_customer(self.cast.customer)
        settle(lambda: self.window.customer.customer_id == self.cast.customer)
        self.window.tabs.setCurrentWidget(self.window.pages)


@contextmanager
def dialog_open(dialog: QDialog) -> Iterator[None]:
    """The dialog over the window, as `exec` shows it, closed again after the shots."""
    dialog.show()
    settle()
    try:
        yield
    finally:
        dialog.reject()
        dialog.deleteLater()
        pump(50)


@screen("customer-overview")
def customer_overview(desk: Desk) -> Generator[str, None, None]:
    desk.open_customer()
    desk.window.customer.tabs.setCurrentIndex(0)
    desk.window.customer.history.selectRow(0)
    settle()
    yield ""


@screen("customer-sites")
def customer_sites(desk: Desk) -> Generator[str, None, None]:
    desk.open_customer()
    desk.window.customer.tabs.setCurrentIndex(1)
    settle()
    table = desk.window.customer.sites_panel.findChild(QTableView, "siteTable")
    assert table is not None, "the Sites tab has no site table"
    table.selectRow(_first_row_with_equipment(table))
    settle()
    yield ""
    desk.window.customer.tabs.setCurrentIndex(0)


def _first_row_with_equipment(table: QTableView) -> int:
    """The first site with equipment standing there, so its panes have rows to show."""
    model = table.model()
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    if "Equipment" not in titles:
        return 0
    column = titles.index("Equipment")
    for row in range(model.rowCount()):
        if str(model.index(row, column).data() or "0").strip() not in ("", "0"):
            return row
    return 0


def _worklist(which: Worklist, narrow: str = "") -> Screen:
    def show(desk: Desk) -> Generator[str, None, None]:
        view = desk.window.worklists
        desk.window.show_worklist(which)
        settle()
        if narrow:
            view.filter.setText(narrow)
            settle()
        view.table.selectRow(0)
        settle()
        yield ""
        view.filter.clear()

    return show


screen("worklist-new")(_worklist(Worklist.NEW))
screen("worklist-overdue")(_worklist(Worklist.OVERDUE))
screen("worklist-upcoming")(_worklist(Worklist.UPCOMING))
screen("worklist-tell-tech")(_worklist(Worklist.TELL_TECH))
screen("worklist-open-filtered")(_worklist(Worklist.OPEN, "boiler"))


@screen("referral-dialog")
def referral_window(desk: Desk) -> Generator[str, None, None]:
    from console.views.referrals.referral_dialog import ReferralDialog

    referral = desk.referral(ReferralStatus.APPOINTMENT_SET, ReferralStatus.QUOTED)
    with dialog_open(ReferralDialog(desk.context, referral, desk.window)):
        yield ""


@screen("new-referral-dialog")
def new_referral(desk: Desk) -> Generator[str, None, None]:
    from console.views.referrals.new_referral_dialog import NewReferralDialog

    desk.open_customer()
    draft = desk.window.customer.referral_draft()
    with dialog_open(NewReferralDialog(desk.context, draft, desk.window)):
        yield ""


@screen("booking-dialog")
def booking(desk: Desk) -> Generator[str, None, None]:
    from console.views.referrals.appointment_dialog import AppointmentDialog

    detail = desk.detail(desk.referral(ReferralStatus.CONTACTED, ReferralStatus.ASSIGNED))
    with dialog_open(AppointmentDialog(desk.context, detail, desk.window)):
        yield ""


@screen("visit-dialog")
def book_visit(desk: Desk) -> Generator[str, None, None]:
    from console.views.dayboard.visit_dialog import VisitDialog

    desk.open_customer()
    overview = desk.window.customer.overview
    assert overview is not None
    with dialog_open(VisitDialog(desk.context, overview.id, overview.name, parent=desk.window)):
        yield ""


def _step(target: ReferralStatus, *sources: ReferralStatus) -> Screen:
    def show(desk: Desk) -> Generator[str, None, None]:
        from console.views.referrals.step_dialog import StepDialog

        detail = desk.detail(desk.referral(*sources))
        with dialog_open(StepDialog(desk.context, detail, target, desk.window)):
            yield ""

    return show


RS = ReferralStatus
screen("step-won")(_step(RS.WON, RS.QUOTED, RS.APPOINTMENT_SET))
screen("step-lost")(_step(RS.LOST, RS.QUOTED, RS.APPOINTMENT_SET))
screen("step-not-now")(_step(RS.NOT_NOW, RS.CONTACTED, RS.ASSIGNED))
screen("step-assign")(_step(RS.ASSIGNED, RS.NEW))


@screen("attempt-dialog")
def attempt(desk: Desk) -> Generator[str, None, None]:
    from console.views.referrals.attempt_dialog import AttemptDialog

    detail = desk.detail(desk.referral(RS.ASSIGNED, RS.NEW))
    with dialog_open(AttemptDialog(desk.context, detail, desk.window)):
        yield ""


@screen("contact-dialog")
def contact(desk: Desk) -> Generator[str, None, None]:
    from console.views.customer.contact_dialog import ContactDialog

    desk.open_customer()
    with dialog_open(ContactDialog(desk.context, desk.cast.customer, desk.window)):
        yield ""


@screen("note-dialog")
def note(desk: Desk) -> Generator[str, None, None]:
    from console.views.notes.note_dialog import NoteDialog

    desk.open_customer()
    with dialog_open(NoteDialog(desk.context, desk.cast.customer, parent=desk.window)):
        yield ""


@screen("briefing-preview")
def briefing_preview(desk: Desk) -> Generator[str, None, None]:
    """The preview a salesperson's briefing gets before printing, rendered off the GUI thread."""
    from console.views.briefing.preview_dialog import BriefingPreviewDialog

    detail = desk.detail(desk.referral(RS.APPOINTMENT_SET, RS.QUOTED))
    dialog = BriefingPreviewDialog(
        desk.context,
        detail.customer_id,
        desk.window.page_size(),
        settings=desk.window.settings,
        referral_id=detail.id,
        appointment_id=detail.appointment_id,
        parent=desk.window,
    )
    with dialog_open(dialog):
        pump(RENDER_MS)
        settle()
        yield ""


@screen("print-day")
def print_day(desk: Desk) -> Generator[str, None, None]:
    from console.views.briefing.batch_dialog import BatchBriefingDialog

    with dialog_open(BatchBriefingDialog(desk.context, desk.window.page_size(), desk.window)):
        yield ""


@screen("day-board")
def day_board(desk: Desk) -> Generator[str, None, None]:
    desk.window.tabs.setCurrentWidget(desk.window.day_board)
    settle()
    yield ""


@screen("spiffs")
def spiffs(desk: Desk) -> Generator[str, None, None]:
    desk.window.tabs.setCurrentWidget(desk.window.spiffs)
    settle()
    technicians = getattr(desk.window.spiffs, "technicians", None)
    if technicians is not None and hasattr(technicians, "selectRow"):
        technicians.selectRow(0)
        settle()
    yield ""


@screen("spiff-rules")
def spiff_rules(desk: Desk) -> Generator[str, None, None]:
    from console.views.spiffs.spiff_rules_dialog import SpiffRulesDialog

    with dialog_open(SpiffRulesDialog(desk.context, desk.window)):
        yield ""


@screen("salespeople")
def salespeople(desk: Desk) -> Generator[str, None, None]:
    from console.views.referrals.salespeople_dialog import SalespeopleDialog

    with dialog_open(SalespeopleDialog(desk.context, desk.window)):
        yield ""


@screen("numbers")
def numbers(desk: Desk) -> Generator[str, None, None]:
    desk.window.tabs.setCurrentWidget(desk.window.numbers_tab)
    settle()
    yield ""


@screen("preferences")
def preferences(desk: Desk) -> Generator[str, None, None]:
    """Each page of Preferences, named by its tab."""
    from console.views.preferences_dialog import PreferencesDialog

    dialog = PreferencesDialog(desk.context, desk.window.settings, desk.window)
    with dialog_open(dialog):
        pages = dialog.findChild(QTabWidget)
        assert pages is not None, "Preferences has no pages"
        for index in range(pages.count()):
            pages.setCurrentIndex(index)
            settle()
            yield slug(pages.tabText(index))


@screen("import")
def import_wizard(desk: Desk) -> Generator[str, None, None]:
    """The wizard's pages on a file from another system, with one row to refuse."""
    from console.views.transfer.import_wizard import ImportWizard

    source = desk.work / "crm-clients.csv"
    source.write_text(
        "Client ID,Client Name,Main Phone,E-mail,Street Address,Town\n"
        "CRM-1,Nordby Dental,555-0150,desk@nordby.example,4 Quay Road,Port Ellis\n"
        "CRM-2,,555-0151,,9 Mill Lane,Port Ellis\n"
        "CRM-3,Ashgrove School,555-0152,office@ashgrove.example,1 School Walk,Marden\n",
        encoding="utf-8",
    )
    settings = QSettings(str(desk.work / "wizard.ini"), QSettings.Format.IniFormat)
    wizard = ImportWizard(desk.context, settings, desk.window)
    with dialog_open(wizard):
        chooser = wizard.choose_page
        chooser.kind.setCurrentIndex(chooser.kind.findData("customers"))
        chooser.path.setText(str(source))
        settle()
        yield "choose"
        wizard.next()
        settle()
        combos = wizard.mapping_page.combos
        if combos and combos[0].currentData() is None:
            combos[0].setCurrentIndex(combos[0].findData("external_id"))
        settle()
        yield "mapping"
        wizard.next()
        settle(lambda: wizard.run_page.outcome is not None)
        yield "check"


@screen("sync-log")
def sync_log(desk: Desk) -> Generator[str, None, None]:
    from console.views.transfer.sync_log_view import SyncLogDialog

    with dialog_open(SyncLogDialog(desk.context, desk.window)):
        yield ""


@screen("outbox")
def outbox(desk: Desk) -> Generator[str, None, None]:
    from console.views.messages.outbox_view import OutboxDialog

    with dialog_open(OutboxDialog(desk.context, parent=desk.window)):
        yield ""


@screen("tell-tech-dialog")
def tell_tech(desk: Desk) -> Generator[str, None, None]:
    from console.views.messages.tell_tech_dialog import TellTechDialog

    referral = desk.referral(RS.WON, RS.LOST)
    with dialog_open(TellTechDialog(desk.context, [referral], parent=desk.window)):
        yield ""


@screen("about")
def about(desk: Desk) -> Generator[str, None, None]:
    from console.logs import log_path
    from console.views.about_dialog import AboutDialog

    with dialog_open(AboutDialog(desk.context.engine.url, log_path(), desk.window)):
        yield ""


@screen("command-palette")
def command_palette(desk: Desk) -> Generator[str, None, None]:
    from console.views.command_palette import CommandPalette

    palette = CommandPalette(desk.window)
    palette.show()
    palette.query.setText("bri")
    settle()
    try:
        yield ""
    finally:
        palette.reject()
        palette.deleteLater()
        pump(50)


# -- one run: one size, one palette ------------------------------------------------------------


def shoot_run(url: str, out: Path, size: tuple[int, int], dark: bool, only: list[str]) -> int:
    app = QApplication(sys.argv[:1])
    app.setStyle("Fusion")
    if dark:
        app.setPalette(dark_palette())
    work = Path(tempfile.mkdtemp(prefix="screens-"))
    engine = make_engine(url)
    cast = pick_cast(engine)
    settings = QSettings(str(work / "desk.ini"), QSettings.Format.IniFormat)
    context = DeskContext.for_engine(engine, desk_user="sam")
    window = MainWindow(context, settings)
    width, height = size
    window.setGeometry(0, 0, width, height)
    window.show()
    settle()
    desk = Desk(window, context, cast, work)
    prefix = f"{width}x{height}-{'dark' if dark else 'light'}"
    failures = 0
    for name, build in SCREENS.items():
        if only and name not in only:
            continue
        shots = build(desk)
        try:
            for suffix in shots:
                pump(150)
                target = out / f"{prefix}-{name}{'-' + suffix if suffix else ''}.png"
                shot = QGuiApplication.primaryScreen().grabWindow(0, 0, 0, width, height)
                shot.save(str(target))
                print(f"  {target}")
        except Exception as error:  # one broken screen must not hide the others
            failures += 1
            print(f"  {name}: not shot: {type(error).__name__}: {error}", file=sys.stderr)
        finally:
            shots.close()
    window.close()
    pump(100)
    engine.dispose()
    shutil.rmtree(work, ignore_errors=True)
    return 1 if failures else 0


def briefing_page(url: str, account: str, out: Path, work: Path) -> None:
    """The first page of the customer's briefing, as pdftoppm renders it."""
    pdf = work / "briefing.pdf"
    page = str(out / "briefing-page")
    subprocess.run(
        [sys.executable, "-m", "console", "--database", url, "briefing", account, "-o", str(pdf)],
        check=True,
        cwd=REPO,
    )
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf), page],
        check=True,
    )
    print(f"  {out / 'briefing-page.png'}")


def refresh_readme_images(out: Path) -> None:
    """Copy the README's shots into docs/, made smaller by optipng where it is installed."""
    for image, shot in README_IMAGES.items():
        target = DOCS / image
        shutil.copyfile(out / shot, target)
        if shutil.which("optipng"):
            subprocess.run(["optipng", "-quiet", "-o2", str(target)], check=True)
        print(f"  {target} ({target.stat().st_size // 1024} KB)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default="/tmp/shots/final", type=Path)
    parser.add_argument("--only", nargs="*", default=[], help=f"screens: {', '.join(SCREENS)}")
    parser.add_argument(
        "--docs", action="store_true", help="then refresh the README's images in docs/"
    )
    parser.add_argument("--run", help=argparse.SUPPRESS)  # SIZE:PALETTE:URL, one child run
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    unknown = [name for name in args.only if name not in SCREENS]
    if unknown:
        parser.error(f"unknown screens: {', '.join(unknown)}")
    if args.docs and args.only:
        parser.error("--docs needs every screen: leave out --only")
    if args.run:
        size_text, palette, url = args.run.split(":", 2)
        width, height = (int(part) for part in size_text.split("x"))
        return shoot_run(url, args.out, (width, height), palette == "dark", args.only)

    work = Path(tempfile.mkdtemp(prefix="screens-db-"))
    url = demo_database(work)
    engine = make_engine(url)
    account = pick_cast(engine).briefing_account
    engine.dispose()
    status = 0
    for width, height in SIZES:
        for palette in PALETTES:
            print(f"{width}x{height} {palette}")
            run = [
                "xvfb-run", "-a", "-s", f"-screen 0 {width}x{height}x24",
                sys.executable, str(Path(__file__).resolve()), str(args.out),
                "--run", f"{width}x{height}:{palette}:{url}",
            ]  # fmt: skip
            if args.only:
                run += ["--only", *args.only]
            status |= subprocess.run(run, cwd=REPO).returncode
    if not args.only:
        briefing_page(url, account, args.out, work)
    shutil.rmtree(work, ignore_errors=True)
    if args.docs:
        if status:
            print("Some screens were not shot; docs/ is left as it was.", file=sys.stderr)
        else:
            refresh_readme_images(args.out)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
