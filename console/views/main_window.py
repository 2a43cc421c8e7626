"""The one main window: find a customer on the left, their whole picture on the right."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QSplitter, QStackedWidget, QWidget

from console import __version__
from console.views.context import DeskContext
from console.views.customer.customer_view import CustomerView
from console.views.search.search_panel import SearchPanel

EMPTY_STATE = (
    "<h2>No customer open</h2>"
    "<p>Type a name, phone number, street or account number in the search on the left,"
    " then press Enter to open the customer.</p>"
    "<p><b>Ctrl+F</b> or <b>Ctrl+K</b> always brings you back to the search.</p>"
)


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

        self.split = QSplitter(Qt.Orientation.Horizontal, self)
        self.split.setObjectName("mainSplit")
        self.split.addWidget(self.search)
        self.split.addWidget(self.pages)
        self.split.setStretchFactor(0, 1)
        self.split.setStretchFactor(1, 4)
        self.split.setSizes([340, 1100])
        self.setCentralWidget(self.split)

        self.search.customerActivated.connect(self.open_customer)
        self._build_actions()
        database = QLabel(context.database_label, self)
        database.setObjectName("databaseLabel")
        database.setAccessibleName("Open database")
        self.statusBar().addPermanentWidget(database)
        self.statusBar().addPermanentWidget(QLabel(f"Desk user: {context.desk_user}", self))
        self.restore_layout()
        self.search.focus_search()

    def _build_actions(self) -> None:
        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        quit_action = QAction("&Quit", self, shortcut=QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        customer_menu = menu.addMenu("&Customer")
        find = QAction("&Find customer…", self)
        find.setShortcuts([QKeySequence("Ctrl+F"), QKeySequence("Ctrl+K")])
        find.triggered.connect(self.search.focus_search)
        customer_menu.addAction(find)
        refresh = QAction("&Refresh", self, shortcut=QKeySequence.StandardKey.Refresh)
        refresh.triggered.connect(self.customer.refresh)
        customer_menu.addAction(refresh)

        help_menu = menu.addMenu("&Help")
        about = QAction("&About Dispatch Console", self)
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)

    def open_customer(self, customer_id: int) -> None:
        self.customer.show_customer(customer_id)
        self.pages.setCurrentWidget(self.customer)
        assert self.customer.overview is not None
        self.setWindowTitle(f"{self.customer.overview.name} — Dispatch Console")
        self.customer.history.setFocus()

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            "About Dispatch Console",
            f"<b>Dispatch Console</b> {__version__}<br>"
            "Technician referrals, customer history and sales briefings.<br>"
            f"Database: {self.context.database_label}",
        )

    def save_layout(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.setValue("window/split", self.split.saveState())
        self.customer.save_state(self.settings)
        self.settings.sync()

    def restore_layout(self) -> None:
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1440, 900)
        state = self.settings.value("window/state")
        if state is not None:
            self.restoreState(state)
        split = self.settings.value("window/split")
        if split is not None:
            self.split.restoreState(split)
        self.customer.restore_state(self.settings)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        super().closeEvent(event)
