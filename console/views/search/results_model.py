"""The search results: one customer a line, in aligned columns, each saying why it matched."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush

from console.services.customers.search import CustomerHit
from console.views.common.tables.columns import Column
from console.views.common.tables.table_model import RowTableModel
from console.views.common.tones import muted

CUSTOMER_ID_ROLE = int(Qt.ItemDataRole.UserRole) + 1
WHY_COLUMN_TITLE = "Matched on"


def plain_words(text: str) -> str:
    """The text with case and spacing set aside: "Ramirez  florist" reads as "ramirez florist"."""
    return " ".join(text.split()).casefold()


def hit_name(hit: CustomerHit) -> str:
    """The name and company, each said once.

    A company named after the customer ("Ramirez Florist Group" for "Ramirez Florist") already
    says the name, so it stands alone; a name that holds the company's stands alone too.
    """
    company = (hit.company or "").strip()
    name, firm = plain_words(hit.name).split(), plain_words(company).split()
    # Whole words only: "Al" is not said by "Alpha Heating Co", nor "Smith" by "Joanne Smithers".
    if not firm or _holds_run(name, firm):
        return hit.name
    if name and firm[: len(name)] == name:
        return company
    return f"{hit.name} — {company}"


def _holds_run(words: list[str], run: list[str]) -> bool:
    """Whether `run` appears in `words` as consecutive whole words."""
    return any(words[start : start + len(run)] == run for start in range(len(words)))


def hit_text(hit: CustomerHit) -> str:
    """The whole result in words: its tooltip, and what a screen reader says."""
    lines = [
        hit_name(hit),
        hit.phone or "",
        (f"{hit.site_name}: " if hit.matched_on_site and hit.site_name else "") + hit.address,
        f"Account {hit.account_number}",
        f"Matched on {hit.why}" if hit.why else "",
    ]
    return "\n".join(line for line in lines if line)


SEARCH_COLUMNS: list[Column[CustomerHit]] = [
    Column("Name", hit_name, tooltip=hit_text),
    Column("Phone", lambda hit: hit.phone, tooltip=hit_text, priority=2, width=150),
    Column("Address", lambda hit: hit.address, tooltip=hit_text, priority=3),
    Column("Account", lambda hit: hit.account_number, tooltip=hit_text, priority=4, width=110),
    Column(WHY_COLUMN_TITLE, lambda hit: hit.why, tooltip=hit_text, priority=1, width=160),
]


class SearchResultsModel(RowTableModel[CustomerHit]):
    """Search hits as table rows; the "matched on" column steps back in muted text."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(SEARCH_COLUMNS, parent)

    @property
    def hits(self) -> list[CustomerHit]:
        return self.rows

    def set_hits(self, hits: list[CustomerHit]) -> None:
        self.set_rows(hits)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        hit = self.row_at(index)
        if hit is None:
            return None
        if role == CUSTOMER_ID_ROLE:
            return hit.id
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return hit_text(hit).replace("\n", ", ")
        if role == Qt.ItemDataRole.ForegroundRole and self.columns[index.column()].priority == 1:
            return QBrush(muted())
        return super().data(index, role)
