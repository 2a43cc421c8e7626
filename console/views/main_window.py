"""The one main window: find a customer on the left, their whole picture on the right."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, QSize, Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFileDialog,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from console.logs import log_path
from console.services.briefing.page import PageSize, default_page_size
from console.services.output_file import OutputProblem
from console.services.referrals.worklists import Worklist
from console.services.schedule.dayboard import BoardVisit
from console.services.transfer.file_problem import FileProblem
from console.views.about_dialog import AboutDialog
from console.views.actions import build_actions, build_menus, update_enabled
from console.views.change_poll import ChangePoll
from console.views.command_palette import CommandPalette, Found, PaletteEntry
from console.views.common.screen_fit import fit_to_screen
from console.views.common.workers.background import Background
from console.views.common.workers.off_thread import settle_long_lived
from console.views.common.workers.outage import survives_outage
from console.views.connection_banner import ConnectionBanner
from console.views.context import DeskContext
from console.views.customer.customer_view import CustomerView
from console.views.dashboard.numbers_tab import NumbersTab
from console.views.dayboard.day_board_view import DayBoardView
from console.views.dayboard.visit_dialog import VisitDialog
from console.views.messages.outbox_sender import OutboxSender
from console.views.preferences_dialog import PreferencesDialog
from console.views.referrals.referral_dialog import ReferralDialog
from console.views.referrals.salespeople_dialog import SalespeopleDialog
from console.views.search.search_panel import SearchPanel
from console.views.spiffs.spiff_view import SpiffView
from console.views.transfer.sync_watcher import SyncWatcher
from console.views.worklists.worklist_view import WorklistView

FIRST_SIZE = (1440, 900)  # the window's size on a first start, where the screen allows
SEARCH_SHARE = 28  # weight of the search panel against the tabs beside it, out of 100
EMPTY_STATE = (
    "<h2>No customer open</h2>"
    "<p>Type a name, phone number, street or account number in the search on the left,"
    " then press Enter to open the customer.</p>"
    "<p><b>Ctrl+F</b> or <b>Ctrl+K</b> always brings you back to the search.</p>"
    "<p><b>Ctrl+Shift+P</b> finds any action, customer or referral by typing.</p>"
)


if TYPE_CHECKING:
    from console.views.dashboard.dashboard_view import DashboardView


class MainWindow(QMainWindow):
    def __init__(
        self, context: DeskContext, settings: QSettings, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.settings = settings
        self.setWindowTitle("Dispatch Console")
        self.setObjectName("mainWindow")

        self.search = SearchPanel(context, self)
        self.customer = CustomerView(context, self)
        self.empty = QLabel(EMPTY_STATE, self)
        self.empty.setObjectName("emptyState")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.empty)
        self.pages.addWidget(self.customer)
        self.worklists = WorklistView(context, self)
        self.spiffs = SpiffView(context, self)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("mainTabs")
        self.tabs.setAccessibleName("Main areas")
        self.tabs.addTab(self.pages, "C&ustomer")
        self.tabs.addTab(self.worklists, "&Referrals")
        self.tabs.addTab(self.spiffs, "S&piffs")
        # pandas and QtCharts load on a worker when the tab is first shown, not at start-up.
        self.numbers_tab = NumbersTab(context, self)
        self.tabs.addTab(self.numbers_tab, "&Numbers")
        self.day_board = DayBoardView(context, self)
        self.tabs.addTab(self.day_board, "&Day board")

        self.split = QSplitter(Qt.Orientation.Horizontal, self)
        self.split.setObjectName("mainSplit")
        self.split.addWidget(self.search)
        self.split.addWidget(self.tabs)
        # The search keeps about a quarter of the window's width, growing with it: a laptop
        # keeps room for the lists and a wide screen shows long names whole. The sizes are
        # weights the splitter scales to the window it gets, and keeps in proportion.
        self.split.setStretchFactor(0, 1)
        self.split.setStretchFactor(1, 1)
        self.split.setSizes([SEARCH_SHARE * 10, (100 - SEARCH_SHARE) * 10])
        self.banner = ConnectionBanner(context, self)
        self.banner.restored.connect(self._database_is_back)
        central = QWidget(self)
        central_layout = QVBoxLayout(central)
        central_layout.setContentsMargins(0, 0, 0, 0)
        central_layout.setSpacing(0)
        central_layout.addWidget(self.banner)
        central_layout.addWidget(self.split, 1)
        self.setCentralWidget(central)

        self._opening: tuple[int, str, Callable[[], None] | None] | None = None
        self.customer.shown.connect(self._customer_shown)
        self.search.customerActivated.connect(self.open_customer)
        self.worklists.openCustomer.connect(self.open_customer)
        self.worklists.tellTech.connect(self.tell_tech)
        self.worklists.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.day_board.openCustomer.connect(self.open_customer)
        self.day_board.referralFromVisit.connect(self.referral_from_board_visit)
        self._build_actions()
        database = QLabel(context.database_label, self)
        database.setObjectName("databaseLabel")
        database.setAccessibleName("Open database")
        self.statusBar().addPermanentWidget(database)
        self.desk_label = QLabel(f"Desk user: {context.desk_user}", self)
        self.statusBar().addPermanentWidget(self.desk_label)
        self.restore_layout()
        self.search.focus_search()
        self.exports = Background(context, self, "export")
        self.changes = ChangePoll(context, self)
        self.changes.otherDesks.connect(lambda: self.context.hub.changed.emit("elsewhere"))
        self.changes.start()
        self.outbox_sender = OutboxSender(self.context, parent=self)
        self.outbox_sender.reported.connect(lambda text: self.statusBar().showMessage(text, 10_000))
        self.outbox_sender.start()
        self.sync_watcher: SyncWatcher | None = None
        self.retired_watchers: list[SyncWatcher] = []
        self.restart_sync_watcher()
        context.follow_changes(self, self._views_are_current)
        settle_long_lived("start-up")

    @property
    def dashboard(self) -> DashboardView:
        return self.numbers_tab.view

    def _views_are_current(self, what: str) -> None:
        """Views just re-read the database, so commits so far (ours too) need no second look."""
        if what != "elsewhere":
            self.changes.catch_up()
        if self.customer.overview is not None:
            self.setWindowTitle(f"{self.customer.overview.name} — Dispatch Console")

    def _database_is_back(self) -> None:
        self.statusBar().showMessage(
            "The database is answering again; everything is up to date.", 8000
        )
        self.context.hub.changed.emit("reconnected")

    def check_other_desks(self) -> None:
        """Look now, off the GUI thread, for other desks' commits; open views then refresh."""
        self.changes.look()

    def _build_actions(self) -> None:
        """Menus and shortcuts from the one registry the command palette also lists."""
        self.actions_by_id = build_actions(self)
        build_menus(self.menuBar(), self.actions_by_id)
        for menu in self.menuBar().findChildren(QMenu):
            menu.aboutToShow.connect(self.update_actions)
        self.update_actions()

    def update_actions(self) -> None:
        """Enable each action as the window stands (a customer open or not)."""
        update_enabled(self, self.actions_by_id)

    def _customer_is_open(self, title: str, ask: str) -> bool:
        """True, showing the 360, when a customer is open; else say what to do and go search."""
        if self.customer.overview is None:
            QMessageBox.information(self, title, ask)
            self.search.focus_search()
            return False
        self.tabs.setCurrentWidget(self.pages)
        return True

    def new_referral(self) -> None:
        if self._customer_is_open("New referral", "Open the customer the referral is for first."):
            self.customer.new_referral()

    def edit_contact(self) -> None:
        if self._customer_is_open("Edit contact details", "Open the customer to edit first."):
            self.customer.edit_contact()

    def page_size(self) -> PageSize:
        stored = self.settings.value("briefing/page_size")
        try:
            return PageSize(str(stored)) if stored else default_page_size()
        except ValueError:
            return default_page_size()

    @survives_outage
    def print_briefing(self) -> None:
        """Preview the briefing of the referral selected on a worklist, else the open customer."""
        referral = (
            self.worklists.panel.detail if self.tabs.currentWidget() is self.worklists else None
        )
        if referral is not None:
            customer_id, referral_id = referral.customer_id, referral.id
            appointment_id = referral.appointment_id
        elif self.customer.overview is not None:
            customer_id, referral_id, appointment_id = self.customer.overview.id, None, None
        else:
            QMessageBox.information(
                self, "Print briefing", "Open a customer or select a referral first."
            )
            return
        # The PDF stack loads on first use, keeping it out of start-up.
        from console.views.briefing.preview_dialog import BriefingPreviewDialog

        BriefingPreviewDialog(
            self.context,
            customer_id,
            self.page_size(),
            referral_id=referral_id,
            appointment_id=appointment_id,
            settings=self.settings,
            parent=self,
        ).exec()

    def import_records(self) -> None:
        from console.views.transfer.import_wizard import ImportWizard

        ImportWizard(self.context, self.settings, self).exec()

    def export_records(self) -> None:
        from console.services.transfer.exporter import export_kind
        from console.services.transfer.kinds import KINDS

        kind, ok = QInputDialog.getItem(
            self, "Export records", "Records to export:", list(KINDS), 0, False
        )
        if not ok:
            return
        path, _filter = QFileDialog.getSaveFileName(
            self, "Export records", f"{kind}.csv", "CSV (*.csv);;Excel (*.xlsx)"
        )
        if path:
            engine = self.context.engine
            self.statusBar().showMessage(f"Exporting {kind} to {path}…")
            self.exports.submit(
                lambda: export_kind(engine, kind, Path(path)),
                lambda count: self.statusBar().showMessage(
                    f"Exported {count} {kind} to {path}", 8000
                ),
                self._export_failed,
            )

    def export_focused_table(self) -> None:
        """Export the table that has the keyboard focus, as it is shown, off the GUI thread."""
        from console.views.common.tables.table_export import export_table
        from console.views.common.tables.table_snapshot import detached_copy

        widget = QApplication.focusWidget()
        while widget is not None and not isinstance(widget, QAbstractItemView):
            widget = widget.parentWidget()
        if widget is None or widget.model() is None:
            QMessageBox.information(self, "Export table", "Click into the table to export first.")
            return
        name = widget.accessibleName() or "table"
        path, _filter = QFileDialog.getSaveFileName(
            self,
            f"Export {name}",
            f"{name.lower().replace(' ', '-')}.csv",
            "CSV (*.csv);;Excel (*.xlsx)",
        )
        if path:
            copy = detached_copy(widget.model())
            self.statusBar().showMessage(f"Exporting {name} to {path}…")
            self.exports.submit(
                lambda: export_table(copy(), Path(path)),
                lambda count: self.statusBar().showMessage(
                    f"Exported {count} rows to {path}", 8000
                ),
                self._export_failed,
            )

    def _export_failed(self, error: BaseException) -> None:
        self.statusBar().clearMessage()
        if isinstance(error, OSError):
            QMessageBox.warning(self, "Not exported", f"Could not write the file:\n{error}")
            return
        if isinstance(error, (FileProblem, OutputProblem)):
            QMessageBox.warning(self, "Not exported", str(error))
            return
        self.exports.report(error)

    def show_salespeople(self) -> None:
        SalespeopleDialog(self.context, self).exec()

    def show_preferences(self) -> None:
        if PreferencesDialog(self.context, self.settings, self).exec():
            self.desk_label.setText(f"Desk user: {self.context.desk_user}")
            self.restart_sync_watcher()

    def show_outbox(self) -> None:
        from console.views.messages.outbox_view import OutboxDialog

        OutboxDialog(self.context, retried=self.outbox_sender.kick, parent=self).exec()

    def tell_tech(self, referral_ids: list[int]) -> None:
        """Write to the referring techs: the message goes to the outbox, sent in the background."""
        from console.views.messages.tell_tech_dialog import TellTechDialog

        dialog = TellTechDialog(self.context, referral_ids, parent=self)
        dialog.queued.connect(lambda _count: self.outbox_sender.kick())
        dialog.exec()

    def show_sync_log(self) -> None:
        from console.views.transfer.sync_log_view import SyncLogDialog

        dialog = SyncLogDialog(self.context, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def restart_sync_watcher(self) -> None:
        """Watch the export folder when Preferences make this desk the sync desk."""
        if self.sync_watcher is not None:
            self.sync_watcher.close(wait=False)  # a sync under way is cancelled, not waited for
            self.retired_watchers.append(self.sync_watcher)  # its thread is waited for at quit
        self.sync_watcher = SyncWatcher.for_desk(
            self.context, self.settings, self.statusBar(), self
        )

    def print_day(self) -> None:
        from console.views.briefing.batch_dialog import BatchBriefingDialog

        BatchBriefingDialog(self.context, self.page_size(), self).exec()

    def show_palette(self) -> None:
        """Find and run an action, open a customer or a referral, all from the keyboard."""
        palette = CommandPalette(self)
        if palette.exec() and palette.chosen is not None:
            self.run_palette_entry(palette.chosen)

    def run_palette_entry(self, entry: PaletteEntry) -> None:
        if entry.found is Found.ACTION:
            self.actions_by_id[str(entry.target)].trigger()
        elif entry.found is Found.CUSTOMER:
            self.open_customer(int(entry.target))
        else:
            self.open_referral(int(entry.target))

    def open_referral(self, referral_id: int) -> None:
        """The referral in a window of its own; its customer opens here when asked."""
        dialog = ReferralDialog(self.context, referral_id, self)
        dialog.openCustomer.connect(self.open_customer)
        dialog.exec()

    @survives_outage
    def book_visit(self) -> None:
        overview = self.customer.overview
        if overview is None:
            QMessageBox.information(
                self, "Book a visit", "Open the customer the visit is for first."
            )
            return
        VisitDialog(self.context, overview.id, overview.name, parent=self).exec()

    def referral_from_board_visit(self, visit: BoardVisit) -> None:
        """Open the visit's customer, then start a referral with the visit filled in."""

        def start() -> None:
            self.customer.run_new_referral(
                self.customer.referral_draft(
                    technician_id=visit.technician_id,
                    equipment_id=visit.equipment_id,
                    visit_id=visit.id,
                    pain_point=visit.problem or "",
                )
            )

        self.open_customer(visit.customer_id, then=start)

    def show_worklist(self, which: Worklist) -> None:
        self.tabs.setCurrentWidget(self.worklists)
        self.worklists.show_worklist(which)

    def open_customer(self, customer_id: int, then: Callable[[], None] | None = None) -> None:
        """Read the customer on a worker; the 360 comes to the front once it has arrived.

        Returns at once: the window stays usable meanwhile, and a newer open wins. `then` runs
        once the customer is on screen.
        """
        if not self.context.online:
            return  # the banner says so; nothing on screen changes
        self._opening = (customer_id, self.search.field.text(), then)
        self.statusBar().showMessage("Opening the customer…", 3000)
        self.customer.show_customer(customer_id)

    def _customer_shown(self, customer_id: int) -> None:
        assert self.customer.overview is not None
        self.update_actions()
        self.setWindowTitle(f"{self.customer.overview.name} — Dispatch Console")
        if self._opening is None or self._opening[0] != customer_id:
            return  # a refresh of the page: where the user is stays as it is
        _id, typed, then = self._opening
        self._opening = None
        self.statusBar().clearMessage()
        self.pages.setCurrentWidget(self.customer)
        self.tabs.setCurrentWidget(self.pages)
        # Keys typed into the search meanwhile keep their place; otherwise the history has it.
        if not self.search.field.hasFocus() or self.search.field.text() == typed:
            self.customer.history.setFocus()
        if then is not None:
            then()

    def show_about(self) -> None:
        dialog = AboutDialog(self.context.engine.url, log_path(), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def save_layout(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.setValue("window/split", self.split.saveState())
        self.customer.save_state(self.settings)
        self.worklists.save_state(self.settings)
        self.settings.sync()

    def restore_layout(self) -> None:
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            fit_to_screen(self, QSize(*FIRST_SIZE))  # a laptop's 1366×768 gets all it has
        state = self.settings.value("window/state")
        if state is not None:
            self.restoreState(state)
        split = self.settings.value("window/split")
        if split is not None:
            self.split.restoreState(split)
        self.customer.restore_state(self.settings)
        self.worklists.restore_state(self.settings)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.outbox_sender.stop()
        self.changes.close()
        for watcher in [*self.retired_watchers, self.sync_watcher]:
            if watcher is not None:
                watcher.close()
        self.context.stop_following(self)
        self.save_layout()
        super().closeEvent(event)
