"""Preferences: the desk's name and page size, the office's rules in the shared database."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from console.services.office.settings import load_office_settings
from console.views.context import DeskContext
from console.views.preferences_dialog import PreferencesDialog


def test_saves_desk_and_office_settings(qtbot, context: DeskContext, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings = QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat)
    dialog = PreferencesDialog(context, settings)
    qtbot.addWidget(dialog)
    dialog.desk_user.setText("Dana at desk 2")
    dialog.page_size.setCurrentIndex(dialog.page_size.findData("a4"))
    dialog.first_contact.setValue(8)
    dialog.appointment_minutes.setValue(90)
    dialog.lost_reasons.setPlainText("Price\nTiming\n\n")
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert context.desk_user == "Dana at desk 2"
    assert settings.value("briefing/page_size") == "a4"
    with context.read() as session:
        office = load_office_settings(session)
    assert office.first_contact_hours == 8
    assert office.appointment_minutes == 90
    assert office.lost_reasons == ("Price", "Timing")


def test_bad_values_name_the_field_and_save_nothing(
    qtbot, context: DeskContext, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    dialog = PreferencesDialog(
        context, QSettings(str(tmp_path / "p.ini"), QSettings.Format.IniFormat)
    )
    qtbot.addWidget(dialog)
    dialog.first_contact.setValue(2)
    dialog.lost_reasons.setPlainText("  ")
    dialog.save()
    assert dialog.error.text() == "Lost reasons: give at least one"
    with context.read() as session:
        assert load_office_settings(session).first_contact_hours == 24


def test_office_database_password_goes_to_the_password_file(  # type: ignore[no-untyped-def]
    qtbot, context: DeskContext, tmp_path: Path, monkeypatch
) -> None:
    from console.database import saved_database_url

    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "pgpass"))
    settings = QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat)
    dialog = PreferencesDialog(context, settings)
    qtbot.addWidget(dialog)
    dialog.database_url.setText("postgresql://dana@db.office/console")
    dialog.database_password.setText("hunter2")
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert saved_database_url() == "postgresql://dana@db.office/console"
    assert "hunter2" in (tmp_path / "pgpass").read_text(encoding="utf-8")
    settings.sync()
    assert "hunter2" not in (tmp_path / "prefs.ini").read_text(encoding="utf-8")
    for path in Path(context.engine.url.database).parent.rglob("*"):
        if path.is_file() and path.name != "pgpass" and path.suffix not in (".sqlite", ".bak"):
            assert b"hunter2" not in path.read_bytes(), path


def other_desk_sets(context: DeskContext, **change: object) -> None:
    from dataclasses import replace

    from console.services.office.settings import save_office_settings

    with context.sessions.begin() as session:
        loaded = load_office_settings(session)
        save_office_settings(session, replace(loaded, **change), expected=loaded)


@pytest.mark.expect_message_box
def test_other_desks_rule_changes_are_kept_or_chosen_over(  # type: ignore[no-untyped-def]
    qtbot, context: DeskContext, tmp_path: Path
) -> None:
    from PySide6.QtWidgets import QMessageBox

    from tests.views.dialogs import when_dialog_opens

    dialog = PreferencesDialog(
        context, QSettings(str(tmp_path / "p.ini"), QSettings.Format.IniFormat)
    )
    qtbot.addWidget(dialog)
    other_desk_sets(context, first_contact_hours=8, history_visits_on_briefing=4)
    dialog.first_contact.setValue(12)
    dialog.appointment_minutes.setValue(45)
    seen: list[str] = []

    def keep_theirs(box: QMessageBox) -> None:
        seen.append(box.informativeText())
        next(b for b in box.buttons() if b.text() == "Keep theirs").click()

    when_dialog_opens(QMessageBox, keep_theirs)
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert seen == ["First contact within (hours): theirs 8, yours 12"]
    with context.read() as session:
        office = load_office_settings(session)
    # Theirs where both changed the same rule, each desk's own change everywhere else.
    assert office.first_contact_hours == 8
    assert office.history_visits_on_briefing == 4
    assert office.appointment_minutes == 45


def _dialog(qtbot, context: DeskContext, tmp_path: Path) -> PreferencesDialog:  # type: ignore[no-untyped-def]
    dialog = PreferencesDialog(
        context, QSettings(str(tmp_path / "p.ini"), QSettings.Format.IniFormat)
    )
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


@pytest.mark.parametrize(
    ("enter", "message", "field"),
    [
        (
            lambda d: d.lost_reasons.setPlainText(" \n "),
            "Lost reasons: give at least one",
            "lost_reasons",
        ),
        (
            lambda d: (d.day_start.setValue(17), d.day_end.setValue(8)),
            "Business day ends: must be after the start (17:00), not 8:00",
            "day_end",
        ),
        (
            lambda d: d.referral_categories.setPlainText("\n  \n"),
            "Referral categories: give at least one",
            "referral_categories",
        ),
        (
            lambda d: d.referral_categories.setPlainText("Furnaces\n" + "Heat pumps " * 9),
            "Referral categories: Heat pumps Heat pumps Heat pum…: at most 80 characters",
            "referral_categories",
        ),
        (
            lambda d: d.time_zone.setCurrentText("Atlantis/Capital"),
            "Office time zone: 'Atlantis/Capital' is not a time zone;"
            " use a name like America/New_York",
            "time_zone",
        ),
    ],
)
def test_a_refused_rule_is_named_the_dialog_stays_open_and_nothing_is_saved(  # type: ignore[no-untyped-def]
    qtbot, context: DeskContext, tmp_path: Path, enter, message: str, field: str
) -> None:
    dialog = _dialog(qtbot, context, tmp_path)
    with context.read() as session:
        before = load_office_settings(session)
    dialog.first_contact.setValue(6)
    enter(dialog)
    dialog.save()
    assert dialog.error.text() == message
    assert dialog.isVisible() and dialog.result() != dialog.DialogCode.Accepted
    refused = getattr(dialog, field)
    assert dialog.focusWidget() in (refused, getattr(refused, "lineEdit", lambda: None)())
    with context.read() as session:
        assert load_office_settings(session) == before


def test_the_referral_categories_are_edited_one_per_line(  # type: ignore[no-untyped-def]
    qtbot, context: DeskContext, tmp_path: Path
) -> None:
    dialog = _dialog(qtbot, context, tmp_path)
    with context.read() as session:
        assert dialog.referral_categories.toPlainText().splitlines() == list(
            load_office_settings(session).referral_categories
        )
    dialog.referral_categories.setPlainText("Furnaces\n\n  Water treatment  \nDuct cleaning\n")
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    with context.read() as session:
        office = load_office_settings(session)
    assert office.referral_categories == ("Furnaces", "Water treatment", "Duct cleaning")


def test_a_refused_category_list_shows_on_the_lists_page(  # type: ignore[no-untyped-def]
    qtbot, context: DeskContext, tmp_path: Path
) -> None:
    dialog = _dialog(qtbot, context, tmp_path)
    with context.read() as session:
        before = load_office_settings(session)
    dialog.pages.setCurrentIndex(0)
    dialog.referral_categories.setPlainText("")
    dialog.save()
    assert dialog.pages.tabText(dialog.pages.currentIndex()) == "Lists"
    assert dialog.pages.currentWidget().isAncestorOf(dialog.referral_categories)
    assert dialog.error.isVisible()
    assert dialog.error.text() == "Referral categories: give at least one"
    assert dialog.focusWidget() is dialog.referral_categories
    with context.read() as session:
        assert load_office_settings(session) == before


def test_the_office_time_zone_is_chosen_from_the_known_zones_and_takes_effect(  # type: ignore[no-untyped-def]
    qtbot, context: DeskContext, tmp_path: Path
) -> None:
    from console.services.office import clock as office_time

    dialog = _dialog(qtbot, context, tmp_path)
    assert dialog.time_zone.currentText() == ""
    assert dialog.time_zone.findText("America/Chicago") > 0
    dialog.time_zone.setCurrentText("America/Chicago")
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    with context.read() as session:
        assert load_office_settings(session).time_zone == "America/Chicago"
    assert office_time.office_zone().key == "America/Chicago"
    reopened = _dialog(qtbot, context, tmp_path)
    assert reopened.time_zone.currentText() == "America/Chicago"


def test_the_dialog_writes_only_the_settings_it_was_given(  # type: ignore[no-untyped-def]
    qtbot, context: DeskContext, tmp_path: Path
) -> None:
    dialog = _dialog(qtbot, context, tmp_path)
    dialog.desk_user.setText("Dana")
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert "Dana" in (tmp_path / "p.ini").read_text(encoding="utf-8")
    assert QSettings().allKeys() == []  # the default (user's) settings were never touched
