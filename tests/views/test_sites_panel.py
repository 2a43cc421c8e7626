"""The sites panel: a customer's sites, and the equipment and visits of the one selected."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from PySide6.QtCore import Qt
from sqlalchemy import func, select

from console.models import Customer, Equipment, ServiceVisit, Site, VisitStatus
from console.views.common import locale_format
from console.views.context import DeskContext
from console.views.customer.sites_panel import SitesPanel
from tests import factories

PROPERTY_MANAGER = 3  # the demo's every 25th customer manages a street of buildings


def _panel(qtbot, context: DeskContext) -> SitesPanel:  # type: ignore[no-untyped-def]
    panel = SitesPanel(context)
    qtbot.addWidget(panel)
    panel.resize(1100, 700)
    panel.show()
    return panel


def _cell(panel: SitesPanel, table: str, row: int, column: int) -> str:
    model = getattr(panel, table).model()
    return str(model.data(model.index(row, column), Qt.ItemDataRole.DisplayRole))


def test_lists_the_sites_and_shows_the_first_sites_equipment_and_visits(
    qtbot, context: DeskContext, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    with context.read() as session:
        sites = session.scalars(
            select(Site).where(Site.customer_id == PROPERTY_MANAGER).order_by(Site.id)
        ).all()
        names = [site.name for site in sites]
        first_equipment = session.scalar(
            select(func.count()).select_from(Equipment).where(Equipment.site_id == sites[0].id)
        )
        first_visits = session.scalar(
            select(func.count())
            .select_from(ServiceVisit)
            .where(ServiceVisit.site_id == sites[0].id)
        )
    assert len(names) > 3 and names[0] == "Main site"
    panel = _panel(qtbot, context)
    with qtbot.waitSignal(panel.site_shown, timeout=5_000) as shown:
        panel.show_customer(PROPERTY_MANAGER)
    assert shown.args == [sites[0].id]
    assert [_cell(panel, "sites", row, 0) for row in range(len(names))] == names
    assert _cell(panel, "sites", 0, 2) == str(first_equipment)
    assert _cell(panel, "sites", 0, 3) == str(first_visits)
    assert panel.equipment_model.rowCount() == first_equipment
    assert panel.visit_model.rowCount() == first_visits
    assert sites[0].street in panel.heading.text()
    if os.environ.get("CONSOLE_SCREENSHOTS"):
        panel.grab().save(str(Path(os.environ["CONSOLE_SCREENSHOTS"]) / "sites-panel.png"))
    panel.grab().save(str(tmp_path / "sites-panel.png"))
    assert (tmp_path / "sites-panel.png").stat().st_size > 0


def test_selecting_a_site_shows_only_what_stands_and_happened_there(
    qtbot, context: DeskContext
) -> None:  # type: ignore[no-untyped-def]
    panel = _panel(qtbot, context)
    with qtbot.waitSignal(panel.site_shown, timeout=5_000):
        panel.show_customer(PROPERTY_MANAGER)
    row = panel.site_model.rowCount() - 1
    last = panel.site_model.rows[row]
    with qtbot.waitSignal(panel.site_shown, timeout=5_000) as shown:
        panel.sites.setCurrentIndex(panel.site_model.index(row, 0))
    assert shown.args == [last.id]
    assert panel.heading.text().startswith(f"<b>{last.name}</b>")
    assert panel.equipment_model.rowCount() == last.equipment_count
    assert panel.visit_model.rowCount() == last.visit_count
    assert {r.site for r in panel.equipment_model.rows} <= {last.name}
    assert {r.site_id for r in panel.visit_model.rows} <= {last.id}


def test_a_customer_with_one_site_shows_it(qtbot, context: DeskContext) -> None:  # type: ignore[no-untyped-def]
    panel = _panel(qtbot, context)
    with qtbot.waitSignal(panel.site_shown, timeout=5_000):
        panel.show_customer(1)
    assert panel.site_model.rowCount() >= 1
    assert _cell(panel, "sites", 0, 0) == "Main site"


def test_a_refresh_keeps_the_selected_site_and_reads_it_again(qtbot, context: DeskContext) -> None:  # type: ignore[no-untyped-def]
    panel = _panel(qtbot, context)
    with qtbot.waitSignal(panel.site_shown, timeout=5_000):
        panel.show_customer(PROPERTY_MANAGER)
    second = panel.site_model.rows[1]
    with qtbot.waitSignal(panel.site_shown, timeout=5_000):
        panel.sites.setCurrentIndex(panel.site_model.index(1, 0))
    with context.sessions.begin() as session:
        session.add(Equipment(customer_id=PROPERTY_MANAGER, kind="Chiller", site_id=second.id))
    with qtbot.waitSignal(panel.site_shown, timeout=5_000) as shown:
        panel.refresh()
    assert shown.args == [second.id] and panel.selected_site_id == second.id
    assert "Chiller" in [row.kind for row in panel.equipment_model.rows]
    assert _cell(panel, "sites", 1, 2) == str(second.equipment_count + 1)


def test_the_sites_equipment_and_visits_fit_side_by_side(qtbot, context: DeskContext) -> None:  # type: ignore[no-untyped-def]
    panel = _panel(qtbot, context)
    panel.resize(900, 600)  # the customer page at 1366×768
    with qtbot.waitSignal(panel.site_shown, timeout=5_000):
        panel.show_customer(PROPERTY_MANAGER)
    for table in (panel.equipment, panel.visits):
        model = table.model()
        shown = [c for c in range(model.columnCount()) if not table.isColumnHidden(c)]
        assert sum(table.columnWidth(c) for c in shown) <= table.viewport().width()
        assert table.horizontalScrollBar().maximum() == 0
    titles = [
        panel.visit_model.headerData(c, Qt.Orientation.Horizontal)
        for c in range(panel.visit_model.columnCount())
        if not panel.visits.isColumnHidden(c)
    ]
    assert "Date" in titles and "Problem" in titles
    assert "Site" not in titles  # every visit here is at the site selected: it steps aside first


def test_a_site_with_only_a_visit_to_come_shows_when_it_is(qtbot, context: DeskContext) -> None:  # type: ignore[no-untyped-def]
    """A new building the office has not served yet: no last visit, but the one booked."""
    booked = dt.datetime(2030, 5, 6, 14, 0, tzinfo=dt.UTC)
    with context.sessions.begin() as session:
        owner = session.get(Customer, PROPERTY_MANAGER)
        assert owner is not None
        annex = Site(customer_id=owner.id, name="New annex", street="1 Annex Way")
        session.add(annex)
        session.flush()
        factories.visit(
            session, owner, None, booked, site_id=annex.id, status=VisitStatus.SCHEDULED
        )
        annex_name = annex.name
    panel = _panel(qtbot, context)
    with qtbot.waitSignal(panel.site_shown, timeout=5_000):
        panel.show_customer(PROPERTY_MANAGER)
    titles = [panel.site_model.headerData(c, Qt.Orientation.Horizontal) for c in range(6)]
    assert titles[4:] == ["Last visit", "Next visit"]
    row = [_cell(panel, "sites", r, 0) for r in range(panel.site_model.rowCount())].index(
        annex_name
    )
    assert _cell(panel, "sites", row, 4) == ""
    assert _cell(panel, "sites", row, 5) == locale_format.date(booked)
