"""Keeps a worklist inside its width: the least needed columns step aside before it scrolls.

The desk's own choices (columns shown, widths) stay theirs: they are what is saved and what
the header's column menu ticks; a column stepped aside here comes back as soon as the table is
wide enough again. The last column shown stretches, elided, into what is left, never
narrower than `NARROWEST`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import shiboken6
from PySide6.QtCore import QEvent, QObject, QPoint
from PySide6.QtWidgets import QMenu, QTableView

from console.views.common.tables.fitting import NARROWEST


class WorklistWidth(QObject):
    """`priorities` per column: where space is short the highest number steps aside first,
    0 never does."""

    def __init__(self, table: QTableView, priorities: Sequence[int]) -> None:
        super().__init__(table)
        self.table = table
        self.priorities = list(priorities)
        self.stepped_aside: set[int] = set()
        self._fitting = False
        self.viewport = table.viewport()
        self.viewport.installEventFilter(self)
        # After the header's own handler has built the column menu (see `ListArranger`).
        table.horizontalHeader().customContextMenuRequested.connect(self._tick_stepped_aside)

    def forget(self) -> None:
        """Another list's arrangement is about to be laid out: nothing here is stepped aside."""
        self.stepped_aside.clear()

    def fit(self) -> None:
        """Show the columns that fit the width the table has now, most needed first."""
        available = self.viewport.width()
        if self._fitting or available <= 0:
            return
        self._fitting = True
        try:
            self._bring_back()
            self._step_aside(available)
        finally:
            self._fitting = False

    def _bring_back(self) -> None:
        header = self.table.horizontalHeader()
        for column in self.stepped_aside:
            header.setSectionHidden(column, False)
        self.stepped_aside.clear()

    def _step_aside(self, available: int) -> None:
        header = self.table.horizontalHeader()
        shown = [c for c in range(header.count()) if not header.isSectionHidden(c)]

        def needed() -> int:
            last = max(shown, key=header.visualIndex)  # it stretches into what is left
            others = sum(header.sectionSize(c) for c in shown if c != last)
            return others + self._least_for_last(last)

        least_needed = sorted(
            (c for c in shown if self.priorities[c] > 0),
            key=lambda c: (-self.priorities[c], -header.visualIndex(c)),
        )
        for column in least_needed:
            if len(shown) <= 1 or needed() <= available:
                break
            header.setSectionHidden(column, True)
            shown.remove(column)
            self.stepped_aside.add(column)

    def _least_for_last(self, column: int) -> int:
        """The pain point may be elided to `NARROWEST`; any other column wants its content."""
        if column == self.table.horizontalHeader().count() - 1:
            return NARROWEST
        return max(self.table.sizeHintForColumn(column), NARROWEST)

    @contextmanager
    def desk_choice(self) -> Iterator[None]:
        """The header as the desk arranged it, for saving; fitted to the width again after."""
        self._fitting = True
        try:
            self._bring_back()
            yield
        finally:
            self._fitting = False
            self.fit()

    def _tick_stepped_aside(self, _position: QPoint) -> None:
        """The column menu ticks what the desk chose to show, stepped aside or not."""
        menus = self.table.findChildren(QMenu, "worklistColumns")
        if not menus or not self.stepped_aside:
            return
        for column, action in enumerate(menus[-1].actions()):
            if column in self.stepped_aside:
                action.blockSignals(True)
                action.setChecked(True)
                action.blockSignals(False)
                action.setToolTip("Shown when the list is wide enough")
                action.toggled.connect(
                    lambda on, c=column: None if on else self.stepped_aside.discard(c)
                )
        menus[-1].setToolTipsVisible(True)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.Resize
            and watched is self.viewport
            and shiboken6.isValid(self.table)
        ):
            self.fit()
        return super().eventFilter(watched, event)
