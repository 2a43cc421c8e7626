"""How the desk has arranged each worklist: columns shown, widths, sort and scroll position.

Each list keeps its own arrangement while the desk moves between lists; the header's part
(widths, hidden columns, sort) and the list last shown outlive the window in its settings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import QByteArray, QPoint, QSettings, Qt
from PySide6.QtWidgets import QMenu, QTableView

from console.services.referrals.worklists import DESK_WORKLISTS, Worklist

GROUP = "worklists"
LAST_LIST = f"{GROUP}/last"


def _header_key(which: Worklist) -> str:
    return f"{GROUP}/{which.value}/header"


@dataclass
class ListLayout:
    """One list's arrangement: the header's saved state and where it was scrolled to."""

    header: QByteArray | None = None
    scroll: int = 0
    selected: int | None = None  # the referral the desk had selected on it


@dataclass
class WorklistLayouts:
    """Every list's arrangement, and the list shown last."""

    layouts: dict[Worklist, ListLayout] = field(default_factory=dict)
    last: Worklist | None = None

    def of(self, which: Worklist) -> ListLayout:
        return self.layouts.setdefault(which, ListLayout())

    def save(self, settings: QSettings) -> None:
        for which, layout in self.layouts.items():
            if layout.header is not None:
                settings.setValue(_header_key(which), layout.header)
        if self.last is not None:
            settings.setValue(LAST_LIST, self.last.value)

    @classmethod
    def load(cls, settings: QSettings) -> WorklistLayouts:
        """What the settings hold; a value another version wrote that makes no sense is ignored."""
        layouts = cls()
        for which in DESK_WORKLISTS:
            header = settings.value(_header_key(which))
            if isinstance(header, QByteArray) and not header.isEmpty():
                layouts.of(which).header = header
        last = settings.value(LAST_LIST)
        if isinstance(last, str) and last in {which.value for which in DESK_WORKLISTS}:
            layouts.last = Worklist(last)
        return layouts


class ListArranger:
    """Lays one table out the way each list had it: the header's columns, widths and sort,
    and the scroll position. The header's menu shows and hides columns."""

    def __init__(
        self,
        table: QTableView,
        titles: Sequence[str],
        hidden: Sequence[bool],
        sort_column: int,
        widest: int = 220,
    ) -> None:
        self.table = table
        self.titles = list(titles)
        self.widest = widest
        self.layouts = WorklistLayouts()
        header = table.horizontalHeader()
        header.setSortIndicator(sort_column, Qt.SortOrder.AscendingOrder)
        for number, hide in enumerate(hidden):
            header.setSectionHidden(number, hide)
        self.pristine = header.saveState()  # how every list starts
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self.column_menu)

    def scrolled(self) -> int:
        return self.table.verticalScrollBar().value()

    def scroll_to(self, value: int) -> None:
        self.table.updateGeometries()  # the new rows' scroll range, before it is laid out
        self.table.verticalScrollBar().setValue(value)

    def remember(self, which: Worklist, selected: int | None) -> None:
        """Keep how the desk left `which`, to find it the same way on coming back."""
        layout = self.layouts.of(which)
        layout.header = self.table.horizontalHeader().saveState()
        layout.scroll = self.scrolled()
        if selected is not None:  # None while the next list is read: keep the one before
            layout.selected = selected

    def arrange(self, which: Worklist) -> tuple[int, Qt.SortOrder]:
        """Lay the header out as `which` had it (or as every list starts); its sort."""
        header = self.table.horizontalHeader()
        saved = self.layouts.of(which).header
        if saved is None or not header.restoreState(saved):
            header.restoreState(self.pristine)
        return header.sortIndicatorSection(), header.sortIndicatorOrder()

    def fit_columns(self) -> None:
        """A list seen for the first time fits its columns to what it holds, within reason."""
        self.table.resizeColumnsToContents()
        for column in range(len(self.titles) - 1):
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), self.widest))

    def column_menu(self, position: QPoint) -> None:
        header = self.table.horizontalHeader()
        menu = QMenu(self.table)
        menu.setObjectName("worklistColumns")
        shown = [n for n in range(len(self.titles)) if not header.isSectionHidden(n)]
        for number, title in enumerate(self.titles):
            action = menu.addAction(title)
            action.setCheckable(True)
            action.setChecked(number in shown)
            action.setEnabled(shown != [number])  # the last column shown stays
            action.toggled.connect(lambda on, n=number: header.setSectionHidden(n, not on))
        menu.popup(header.mapToGlobal(position))
