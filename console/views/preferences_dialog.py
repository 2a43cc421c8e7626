"""Preferences: this desk's own settings (QSettings) and the office's shared rules (database).

The desk's settings object is always the one the window was given, never a new `QSettings()`,
so a test or a second profile never touches the real user's settings. The office rules are
checked by the settings service; a refused value is named beside the form and nothing is saved.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session

from console.database import save_database_url, saved_database_url
from console.desk_user import os_login_name
from console.services.briefing import PageSize, default_page_size
from console.services.errors import InputError
from console.services.messages.smtp_password import forget_password, remember_password
from console.services.messages.smtp_url import (
    SmtpServer,
    parse_smtp_url,
    save_smtp_url,
    saved_smtp_url,
)
from console.services.messages.templates import (
    FIELDS,
    TellTechTemplate,
    check_template,
    load_template,
    save_template,
)
from console.services.office.clock import known_zones, machine_zone
from console.services.office.settings import (
    SETTING_LABELS,
    OfficeSettings,
    OfficeSettingsChanged,
    SettingsProblem,
    load_office_settings,
    rebase_settings,
    save_office_settings,
    validate,
)
from console.services.transfer.sync import SyncRefused, check_folders
from console.views.common.forms import (
    chosen_currency,
    currency_combo,
    error_label,
    keep_mine,
    save_cancel_buttons,
)
from console.views.common.workers.off_thread import NoAnswer, call_off_thread
from console.views.common.workers.outage import keeps_input_when_offline
from console.views.context import DeskContext
from console.views.referrals.salespeople_dialog import SalespeopleDialog
from console.views.transfer.sync_watcher import (
    SYNC_ENABLED,
    SYNC_FOLDER,
    SYNC_REJECTS,
    SYNC_SKIP_INVALID,
    flag_setting,
    sync_choice,
)

FOLDER_LOOK_MS = 5_000


def _shown(value: object) -> str:
    if isinstance(value, tuple):
        return ", ".join(str(part) for part in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _lines(field: QPlainTextEdit) -> tuple[str, ...]:
    """A list typed one entry per line; blank lines are not entries."""
    return tuple(line.strip() for line in field.toPlainText().splitlines() if line.strip())


def _page(parent: QWidget, *groups: QWidget) -> QWidget:
    """A page of groups stacked from the top."""
    page = QWidget(parent)
    layout = QVBoxLayout(page)
    for group in groups:
        layout.addWidget(group)
    layout.addStretch(1)
    return page


def _shared_note(parent: QWidget) -> QLabel:
    note = QLabel("Shared by every desk of the office.", parent)
    note.setObjectName("sharedNote")
    return note


class PreferencesDialog(QDialog):
    def __init__(
        self, context: DeskContext, settings: QSettings, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.settings = settings
        self.setObjectName("preferencesDialog")
        self.setWindowTitle("Preferences")
        self.setMinimumWidth(600)
        self.office = context.fetch(load_office_settings)
        self.template = context.fetch(load_template)

        self.desk_user = QLineEdit(str(settings.value("desk/user", "") or ""), self)
        self.desk_user.setAccessibleName("Desk user name")
        self.desk_user.setPlaceholderText(f"Your login: {os_login_name()}")
        self.page_size = QComboBox(self)
        self.page_size.setAccessibleName("Briefing page size")
        for size in PageSize:
            self.page_size.addItem(
                size.value.upper() if size is PageSize.A4 else "Letter", size.value
            )
        stored = str(settings.value("briefing/page_size", "") or default_page_size().value)
        self.page_size.setCurrentIndex(max(0, self.page_size.findData(stored)))
        desk = QGroupBox("This desk only", self)
        desk_form = QFormLayout(desk)
        desk_form.addRow("Your &name on the record", self.desk_user)
        desk_form.addRow("Briefing &page size", self.page_size)
        saved = saved_database_url()
        self.database_url = QLineEdit(saved or "", self)
        self.database_url.setObjectName("officeDatabaseUrl")
        self.database_url.setAccessibleName("Office database URL")
        self.database_url.setPlaceholderText(
            "postgresql://user@server/office  (empty: this computer)"
        )
        self.database_password = QLineEdit(self)
        self.database_password.setObjectName("officeDatabasePassword")
        self.database_password.setAccessibleName("Office database password")
        self.database_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.database_password.setPlaceholderText("kept in PostgreSQL's password file")
        desk_form.addRow("Office &database", self.database_url)
        desk_form.addRow("Pass&word", self.database_password)
        in_use = QLabel(
            f"In use now: {context.database_label}. A change applies from the next start."
        )
        in_use.setWordWrap(True)
        desk_form.addRow("", in_use)
        sync_box = self._sync_group(settings)
        mail_box = self._mail_group()

        office = self.office
        self.first_contact = QSpinBox(self)
        self.first_contact.setRange(1, 24 * 14)
        self.first_contact.setSuffix(" hours")
        self.first_contact.setValue(office.first_contact_hours)
        self.first_contact.setAccessibleName("First-contact limit in hours")
        self.business_hours = QCheckBox("Count only business hours (weekdays)", self)
        self.business_hours.setChecked(office.business_hours_only)
        self.day_start = QSpinBox(self)
        self.day_start.setRange(0, 23)
        self.day_start.setValue(office.business_day_start)
        self.day_start.setAccessibleName("Business day starts at hour")
        self.day_end = QSpinBox(self)
        self.day_end.setRange(1, 24)
        self.day_end.setValue(office.business_day_end)
        self.day_end.setAccessibleName("Business day ends at hour")
        self.spiff_rules = QPushButton("Spiff &rules…", self)
        self.spiff_rules.setObjectName("spiffRulesButton")
        self.spiff_rules.setAccessibleName("Edit the spiff rules, clawback and pay period")
        self.spiff_rules.clicked.connect(self.edit_spiff_rules)
        self.lost_reasons = QPlainTextEdit("\n".join(office.lost_reasons), self)
        self.lost_reasons.setAccessibleName("Lost reasons, one per line")
        self.lost_reasons.setTabChangesFocus(True)
        self.history_visits = QSpinBox(self)
        self.history_visits.setRange(1, 200)
        self.history_visits.setValue(office.history_visits_on_briefing)
        self.history_visits.setAccessibleName("Visits shown on a briefing")
        self.appointment_minutes = QSpinBox(self)
        self.appointment_minutes.setRange(15, 480)
        self.appointment_minutes.setSingleStep(15)
        self.appointment_minutes.setSuffix(" min")
        self.appointment_minutes.setValue(office.appointment_minutes)
        self.appointment_minutes.setAccessibleName("Appointment length in minutes")
        self.currency = currency_combo(office.currency, self)
        self.time_zone = QComboBox(self)
        self.time_zone.setObjectName("officeTimeZone")
        self.time_zone.setAccessibleName("Office time zone")
        self.time_zone.setEditable(True)
        self.time_zone.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.time_zone.addItem("")
        self.time_zone.addItems(known_zones())
        self.time_zone.setCurrentText(office.time_zone)
        time_zone_entry = self.time_zone.lineEdit()
        if time_zone_entry is not None:
            time_zone_entry.setPlaceholderText(f"this computer's: {machine_zone().key}")
        zone_completer = self.time_zone.completer()
        if zone_completer is not None:  # typing part of a name ("York") finds the zone
            zone_completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.round_robin = QCheckBox("&Assign new referrals round-robin", self)
        self.round_robin.setChecked(office.assign_round_robin)
        self.referral_categories = QPlainTextEdit("\n".join(office.referral_categories), self)
        self.referral_categories.setObjectName("referralCategories")
        self.referral_categories.setAccessibleName("Referral categories, one per line")
        self.referral_categories.setTabChangesFocus(True)
        self.setting_fields: dict[str, QWidget] = {
            "first_contact_hours": self.first_contact,
            "business_hours_only": self.business_hours,
            "business_day_start": self.day_start,
            "business_day_end": self.day_end,
            "lost_reasons": self.lost_reasons,
            "referral_categories": self.referral_categories,
            "history_visits_on_briefing": self.history_visits,
            "appointment_minutes": self.appointment_minutes,
            "time_zone": self.time_zone,
            "assign_round_robin": self.round_robin,
            "currency": self.currency,
        }

        self.error = error_label(self)
        buttons = save_cancel_buttons(self, self.save)
        self.buttons = buttons
        # What is this desk's alone, then what every desk of the office shares, one page each.
        self.pages = QTabWidget(self)
        self.pages.setObjectName("preferencesPages")
        self.pages.setUsesScrollButtons(False)
        for title, page in (
            ("This desk", _page(self.pages, desk)),
            ("The office: rules", self._rules_page()),
            ("Lists", self._lists_page()),
            ("Mail", _page(self.pages, mail_box, self._template_group())),
            ("Sync", _page(self.pages, sync_box)),
        ):
            self.pages.addTab(page, title)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _rules_page(self) -> QWidget:
        """The office's rules in small groups, two columns: each group reads as one question."""
        contact = QGroupBox("First contact", self)
        contact_form = QFormLayout(contact)
        contact_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        contact_form.addRow("First &contact within", self.first_contact)
        contact_form.addRow("", self.business_hours)
        contact_form.addRow("Business day &starts", self.day_start)
        contact_form.addRow("Business day &ends", self.day_end)
        visits = QGroupBox("Sales visits", self)
        visits_form = QFormLayout(visits)
        visits_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        visits_form.addRow("Appointment lengt&h", self.appointment_minutes)
        visits_form.addRow("&Visits on a briefing", self.history_visits)
        place = QGroupBox("Time and money", self)
        place_form = QFormLayout(place)
        place_form.addRow("Office &time zone", self.time_zone)
        place_form.addRow("C&urrency", self.currency)
        people = QGroupBox("Assignment and spiffs", self)
        people_layout = QVBoxLayout(people)
        people_layout.addWidget(self.round_robin)
        salespeople = QPushButton("Sales&people…", self)
        salespeople.setToolTip("Which categories each salesperson takes, and who is away")
        salespeople.clicked.connect(lambda: SalespeopleDialog(self.context, self).exec())
        buttons_row = QHBoxLayout()
        buttons_row.addWidget(salespeople)
        buttons_row.addWidget(self.spiff_rules)
        buttons_row.addStretch(1)
        people_layout.addLayout(buttons_row)
        page = QWidget(self.pages)
        grid = QGridLayout(page)
        grid.addWidget(_shared_note(page), 0, 0, 1, 2)
        grid.addWidget(contact, 1, 0)
        grid.addWidget(visits, 1, 1)
        grid.addWidget(place, 2, 0)
        grid.addWidget(people, 2, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(3, 1)
        return page

    def _lists_page(self) -> QWidget:
        """The office's word lists side by side, one entry per line."""
        reasons = QGroupBox("&Lost reasons", self)
        reasons_layout = QVBoxLayout(reasons)
        reasons_hint = QLabel("Offered when a referral is lost. One per line.", self)
        reasons_hint.setWordWrap(True)
        reasons_layout.addWidget(reasons_hint)
        reasons_layout.addWidget(self.lost_reasons, 1)
        reasons.setFocusProxy(self.lost_reasons)
        categories = QGroupBox("Referral &categories", self)
        categories_layout = QVBoxLayout(categories)
        categories_hint = QLabel("Spiff rules and assignment go by it. One per line.", self)
        categories_hint.setWordWrap(True)
        categories_layout.addWidget(categories_hint)
        categories_layout.addWidget(self.referral_categories, 1)
        categories.setFocusProxy(self.referral_categories)
        page = QWidget(self.pages)
        layout = QVBoxLayout(page)
        layout.addWidget(_shared_note(page))
        lists = QHBoxLayout()
        lists.addWidget(reasons, 1)
        lists.addWidget(categories, 1)
        layout.addLayout(lists, 1)
        return page

    def reveal(self, field: QWidget) -> None:
        """Show the page holding `field` and put the cursor in it."""
        for index in range(self.pages.count()):
            page = self.pages.widget(index)
            if page is not None and page.isAncestorOf(field):
                self.pages.setCurrentIndex(index)
        field.setFocus()

    def _sync_group(self, settings: QSettings) -> QGroupBox:
        """The sync desk: this desk imports the office system's export folder by itself."""
        choice = sync_choice(settings)
        self.sync_enabled = QCheckBox("This desk s&yncs the export folder", self)
        self.sync_enabled.setObjectName("syncEnabled")
        self.sync_enabled.setChecked(choice is not None)
        self.sync_folder = QLineEdit(str(settings.value(SYNC_FOLDER, "") or ""), self)
        self.sync_folder.setObjectName("syncFolder")
        self.sync_folder.setAccessibleName("Export folder to sync")
        self.sync_folder.setPlaceholderText("where the office's system drops its exports")
        browse = QPushButton("&Browse…", self)
        browse.clicked.connect(lambda: self._choose_folder(self.sync_folder))
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.sync_folder, 1)
        folder_row.addWidget(browse)
        self.sync_rejects = QLineEdit(str(settings.value(SYNC_REJECTS, "") or ""), self)
        self.sync_rejects.setObjectName("syncRejects")
        self.sync_rejects.setAccessibleName("Rejects folder")
        self.sync_rejects.setPlaceholderText("beside the export folder, named '<folder> rejects'")
        self.sync_folder.textChanged.connect(self._show_default_rejects)
        self._show_default_rejects(self.sync_folder.text())
        rejects_browse = QPushButton("Br&owse…", self)
        rejects_browse.clicked.connect(lambda: self._choose_folder(self.sync_rejects))
        rejects_row = QHBoxLayout()
        rejects_row.addWidget(self.sync_rejects, 1)
        rejects_row.addWidget(rejects_browse)
        skip = flag_setting(settings.value(SYNC_SKIP_INVALID, False))
        self.sync_skip_invalid = QCheckBox(
            "Skip invalid rows and save them to a rejects file", self
        )
        self.sync_skip_invalid.setToolTip(
            "Otherwise a file with any problem is refused whole and the others still go in."
        )
        self.sync_skip_invalid.setObjectName("syncSkipInvalid")
        self.sync_skip_invalid.setChecked(skip)
        note = QLabel(
            "The folder is watched while the console is open: new files are imported a few "
            "seconds after they are finished, and each run is in File ▸ Sync log. Only one desk "
            "(or the nightly job) syncs at a time.",
            self,
        )
        note.setWordWrap(True)
        group = QGroupBox("Sync desk (this desk only)", self)
        form = QFormLayout(group)
        form.addRow("", self.sync_enabled)
        for text, field, row in (
            ("Export &folder", self.sync_folder, folder_row),
            ("Re&jects folder", self.sync_rejects, rejects_row),
        ):
            label = QLabel(text, self)
            label.setBuddy(field)
            form.addRow(label, row)
        form.addRow("", self.sync_skip_invalid)
        form.addRow("", note)
        return group

    def _mail_group(self) -> QGroupBox:
        """The mail server this desk sends through; the password goes to the keyring."""
        self.smtp_url = QLineEdit(saved_smtp_url() or "", self)
        self.smtp_url.setObjectName("smtpUrl")
        self.smtp_url.setAccessibleName("Mail server URL")
        self.smtp_url.setPlaceholderText(
            "smtp://user@mail.example.com:587?security=starttls  (empty: use your mail app)"
        )
        self.smtp_password = QLineEdit(self)
        self.smtp_password.setObjectName("smtpPassword")
        self.smtp_password.setAccessibleName("Mail server password")
        self.smtp_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.smtp_password.setPlaceholderText("kept in the system keyring, never in settings")
        note = QLabel(
            "security is starttls (port 587), tls (465) or none (25); add &from=office@… for "
            "the sender. CONSOLE_SMTP_URL, when set, takes precedence.",
            self,
        )
        note.setWordWrap(True)
        group = QGroupBox("Mail server (this desk)", self)
        form = QFormLayout(group)
        form.addRow("Mail ser&ver", self.smtp_url)
        form.addRow("Mail pa&ssword", self.smtp_password)
        form.addRow("", note)
        return group

    def _template_group(self) -> QGroupBox:
        """The office's message to the tech when a referral is won or lost."""
        self.template_subject = QLineEdit(self.template.subject, self)
        self.template_subject.setObjectName("templateSubject")
        self.template_subject.setAccessibleName("Tell-the-tech subject")
        self.template_body = QPlainTextEdit(self.template.body, self)
        self.template_body.setObjectName("templateBody")
        self.template_body.setAccessibleName("Tell-the-tech message")
        self.template_body.setTabChangesFocus(True)
        self.template_body.setMaximumHeight(150)
        fields = QLabel(
            "Fields: "
            + ", ".join("{" + name + "}" for name in FIELDS)
            + ". A message that thanks the tech records them as thanked.",
            self,
        )
        fields.setWordWrap(True)
        group = QGroupBox("Message to the tech (shared by every desk)", self)
        form = QFormLayout(group)
        form.addRow("Su&bject", self.template_subject)
        form.addRow("Messa&ge", self.template_body)
        form.addRow("", fields)
        return group

    def entered_template(self) -> TellTechTemplate:
        """The template as typed and checked; `InputError` names the part that is wrong."""
        template = TellTechTemplate(
            subject=self.template_subject.text().strip(),
            body=self.template_body.toPlainText(),
        )
        check_template(template)
        return template

    def save_mail_choice(self) -> None:
        """Remember the mail server for this desk; a password typed goes to the keyring.

        A URL with a password in it has the password moved out the same way.
        """
        url = self.smtp_url.text().strip()
        password = self.smtp_password.text()
        before = saved_smtp_url()
        if url == (before or "") and not password:
            return
        server = save_smtp_url(url)
        if before and (server is None or parse_smtp_url(before).key != server.key):
            old_key = parse_smtp_url(before).key
            call_off_thread(lambda: forget_password(old_key), deadline_ms=FOLDER_LOOK_MS)
        if server is not None:
            secret = password or server.password
            if secret:
                keep = server

                def remember(chosen: SmtpServer = keep, given: str = secret) -> str:
                    return remember_password(chosen.key, given)

                call_off_thread(remember, deadline_ms=FOLDER_LOOK_MS)
        self.smtp_url.setText(saved_smtp_url() or "")
        self.smtp_password.clear()

    def _show_default_rejects(self, folder: str) -> None:
        """The rejects folder used when none is given: beside the export folder."""
        folder = folder.strip().rstrip("/\\")
        if folder:
            path = Path(folder)
            self.sync_rejects.setPlaceholderText(str(path.with_name(f"{path.name} rejects")))
        else:
            self.sync_rejects.setPlaceholderText(
                "beside the export folder, named '<folder> rejects'"
            )

    def _choose_folder(self, field: QLineEdit) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Choose a folder", field.text())
        if chosen:
            field.setText(chosen)

    def sync_problem(self) -> tuple[QLineEdit, str] | None:
        """What is wrong with the sync desk choice, and the field to fix; None when it is fine.

        The folders are looked at off the GUI thread: the export folder is often a share.
        """
        if not self.sync_enabled.isChecked():
            return None
        folder = self.sync_folder.text().strip()
        if not folder:
            return self.sync_folder, "Export folder: choose the folder to sync"
        rejects_text = self.sync_rejects.text().strip()
        rejects = Path(rejects_text) if rejects_text else None
        try:
            call_off_thread(
                lambda: check_folders(Path(folder), rejects), deadline_ms=FOLDER_LOOK_MS
            )
        except SyncRefused as refused:
            field = self.sync_folder if "no such folder" in str(refused) else self.sync_rejects
            where = "Export folder" if field is self.sync_folder else "Rejects folder"
            return field, f"{where}: {refused}"
        except (NoAnswer, OSError) as error:
            return self.sync_folder, f"Export folder: cannot be reached ({error})"
        return None

    def save_sync_choice(self) -> None:
        """This desk's sync choice, kept in its own settings (never shared with other desks)."""
        self.settings.setValue(SYNC_ENABLED, self.sync_enabled.isChecked())
        folder = self.sync_folder.text().strip()
        self.settings.setValue(SYNC_FOLDER, os.path.normpath(folder) if folder else "")
        self.settings.setValue(SYNC_REJECTS, self.sync_rejects.text().strip())
        self.settings.setValue(SYNC_SKIP_INVALID, self.sync_skip_invalid.isChecked())

    def office_settings(self) -> OfficeSettings:
        """The office rules as entered and checked; `SettingsProblem` names the wrong one."""
        reasons = _lines(self.lost_reasons)
        entered = replace(
            self.office,
            first_contact_hours=self.first_contact.value(),
            business_hours_only=self.business_hours.isChecked(),
            business_day_start=self.day_start.value(),
            business_day_end=self.day_end.value(),
            lost_reasons=reasons,
            referral_categories=_lines(self.referral_categories),
            history_visits_on_briefing=self.history_visits.value(),
            appointment_minutes=self.appointment_minutes.value(),
            time_zone=self.time_zone.currentText().strip(),
            currency=chosen_currency(self.currency),
            assign_round_robin=self.round_robin.isChecked(),
        )
        validate(entered)
        return entered

    def edit_spiff_rules(self) -> None:
        """The spiff rules have an editor of their own, saved apart from this dialog."""
        from console.views.spiffs.spiff_rules_dialog import SpiffRulesDialog

        SpiffRulesDialog.edit(self.context, self)

    def show_problem(self, problem: SettingsProblem) -> None:
        """Say which rule is refused and why, and put the cursor on it; the dialog stays open."""
        self.error.setText(str(problem))
        self.error.show()
        field = self.setting_fields.get(problem.setting)
        if field is not None:
            self.reveal(field)
            if isinstance(field, QLineEdit):
                field.selectAll()
            elif isinstance(field, QComboBox) and (entry := field.lineEdit()) is not None:
                entry.selectAll()

    def resolve_conflict(
        self, mine: OfficeSettings, changed: OfficeSettingsChanged
    ) -> OfficeSettings:
        """Another desk changed some of the same rules: show both, the user picks one side."""
        lines = [
            f"{SETTING_LABELS.get(name, name)}: theirs {_shown(getattr(changed.theirs, name))},"
            f" yours {_shown(getattr(mine, name))}"
            for name in changed.names
            if name in SETTING_LABELS
        ]
        mine_wins = keep_mine(
            self,
            "Another desk changed some of the same office rules while Preferences was open."
            " Your other changes are saved either way.",
            "\n".join(lines),
        )
        rebased = rebase_settings(self.office, mine, changed.theirs)
        if mine_wins:
            return rebased
        return replace(rebased, **{name: getattr(changed.theirs, name) for name in changed.names})

    def save_database_choice(self) -> None:
        """Remember the office database for the next start; the password goes to pgpass."""
        url = self.database_url.text().strip()
        password = self.database_password.text()
        if url == (saved_database_url() or "") and not password:
            return
        if url and password:
            try:
                url = make_url(url).set(password=password).render_as_string(hide_password=False)
            except ArgumentError:
                raise InputError(
                    "database URL", "is not a URL like postgresql://user@host/db"
                ) from None
        saved = save_database_url(url)
        self.database_url.setText(saved.render_as_string(hide_password=False) if saved else "")
        self.database_password.clear()

    @keeps_input_when_offline
    def save(self) -> None:
        try:
            office = self.office_settings()
        except SettingsProblem as problem:
            self.show_problem(problem)
            return
        try:
            template = self.entered_template()
        except InputError as problem:
            self.error.setText(str(problem))
            self.error.show()
            part = self.template_subject if problem.field == "template subject" else None
            self.reveal(part or self.template_body)
            return
        sync_problem = self.sync_problem()
        if sync_problem is not None:
            field, message = sync_problem
            self.error.setText(message)
            self.error.show()
            self.reveal(field)
            field.selectAll()
            return
        try:
            self.save_database_choice()
        except InputError as error:
            self.error.setText(str(error))
            self.error.show()
            self.reveal(self.database_url)
            return
        try:
            self.save_mail_choice()
        except InputError as error:
            self.error.setText(str(error))
            self.error.show()
            self.reveal(self.smtp_url)
            self.smtp_url.selectAll()
            return
        except (NoAnswer, OSError) as error:
            self.error.setText(f"Mail password: the keyring did not take it ({error})")
            self.error.show()
            self.reveal(self.smtp_password)
            return
        outcome: dict[str, object] = {}  # what the one save path reported, this round
        while True:
            outcome.clear()

            def store(session: Session, rules: OfficeSettings = office) -> bool:
                save_office_settings(session, rules, expected=self.office)
                if template != self.template:
                    save_template(session, template)
                return True

            saved = self.context.write(
                self,
                store,
                "settings",
                refused=lambda error: outcome.update(refused=error),
                conflict=lambda error: outcome.update(conflict=error),
                offline=lambda message: outcome.update(offline=message),
            )
            if saved:
                break
            changed = outcome.get("conflict")
            if isinstance(changed, OfficeSettingsChanged):
                office = self.resolve_conflict(office, changed)
                self.office = changed.theirs
                continue
            refused = outcome.get("refused")
            if isinstance(refused, SettingsProblem):  # this desk's rules and another's clash
                self.show_problem(refused)
            else:
                self.error.setText(str(refused or changed or outcome.get("offline", "")))
                self.error.show()
            return
        user = self.desk_user.text().strip()
        self.settings.setValue("desk/user", user)
        self.settings.setValue("briefing/page_size", self.page_size.currentData())
        self.save_sync_choice()
        self.settings.sync()
        self.context.desk_user = user or os_login_name()
        self.accept()
