"""The search results list: one customer a row, two lines of text each."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from console.services.search import CustomerHit

CUSTOMER_ID_ROLE = int(Qt.ItemDataRole.UserRole) + 1


def hit_text(hit: CustomerHit) -> str:
    first = (
        hit.name if not hit.company or hit.company == hit.name else f"{hit.name} — {hit.company}"
    )
    place = ", ".join(part for part in (hit.street, hit.city) if part)
    if hit.matched_on_site:  # found by one of its sites: say which, where the search matched
        place = f"{hit.site_name}: {hit.site_address}"
    second = "  ·  ".join(part for part in (hit.phone, place, f"#{hit.account_number}") if part)
    return f"{first}\n{second}"


class SearchResultsModel(QAbstractListModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.hits: list[CustomerHit] = []

    def set_hits(self, hits: list[CustomerHit]) -> None:
        self.beginResetModel()
        self.hits = hits
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.hits)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or index.row() >= len(self.hits):
            return None
        hit = self.hits[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return hit_text(hit)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return hit_text(hit).replace("\n", ", ")
        if role == CUSTOMER_ID_ROLE:
            return hit.id
        return None
