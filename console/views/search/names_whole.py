"""Search results that keep the customer's name whole before showing more columns.

The shared `ColumnFitter` shares a narrow panel out alike, so "Smith Day Care — Smith, Jo"
would be cut to make room for an address; here the name comes first and the least needed
columns step aside for it.
"""

from __future__ import annotations

from console.views.common.tables.fitting import ColumnFitter, share_width

NAME_COLUMN = 0
KEPT_PRIORITY = 1  # columns at this priority or below (what matched) stay beside the name


class NamesWholeFitter(ColumnFitter):
    """A `ColumnFitter` whose first column is shown as wide as it wants, within its cap."""

    def share(self) -> None:
        super().share()
        available = self.table.viewport().width()
        if available <= 0:
            return
        shown = [c for c in range(len(self.wanted)) if c not in self.hidden]
        least_needed = sorted(
            (c for c in shown if self.priorities[c] > KEPT_PRIORITY),
            key=lambda c: -self.priorities[c],
        )
        for column in least_needed:
            if self.table.columnWidth(NAME_COLUMN) >= self.wanted[NAME_COLUMN]:
                return
            shown.remove(column)
            self.hidden.add(column)
            self.table.setColumnHidden(column, True)
            natural = [self.natural[c] for c in shown]
            wanted = natural if sum(natural) <= available else [self.wanted[c] for c in shown]
            for shown_column, width in zip(shown, share_width(wanted, available), strict=True):
                self.table.setColumnWidth(shown_column, width)
