"""Print preview of the actual briefing PDF, with Print and Save as PDF.

The sheet is for the appointment the desk opened it from, else the customer's (or referral's)
next one. Printing or saving it records that on the referral's timeline; a save is confirmed
in the dialog's status bar with the path and a button that opens the folder, not in a box that
has to be clicked away.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSettings, QSize, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QKeySequence, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QStatusBar,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from console.services.briefing.content import briefing_content
from console.services.briefing.file_names import briefing_file_name
from console.services.briefing.page import PageSize
from console.services.briefing.render import render_briefing
from console.services.office.clock import local_date, local_today
from console.services.schedule.appointments import appointment_to_brief, mark_briefing_printed
from console.views.common.screen_fit import fit_to_screen
from console.views.context import DeskContext

PREFERRED_SIZE = QSize(760, 900)


@dataclass(frozen=True)
class _Sheet:
    customer_name: str
    company: str | None
    appointment_id: int | None
    visit_day: dt.date | None
    pdf: bytes


class BriefingPreviewDialog(QDialog):
    """Shows the pages exactly as they will print; printing marks the appointment's briefing."""

    def __init__(
        self,
        context: DeskContext,
        customer_id: int,
        page_size: PageSize,
        *,
        settings: QSettings,
        appointment_id: int | None = None,
        referral_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """`settings` are the window's, so the folder last saved to is remembered there."""
        super().__init__(parent)
        self.context = context
        self.settings = settings
        self.setObjectName("briefingPreview")

        def pages(session: Session) -> _Sheet:
            booked = appointment_id
            if booked is None:
                booked = appointment_to_brief(session, customer_id, referral_id)
            content = briefing_content(
                session, customer_id, appointment_id=booked, referral_id=referral_id
            )
            starts = content.appointment.starts_at if content.appointment else None
            return _Sheet(
                content.customer.name,
                content.customer.company,
                booked,
                local_date(starts) if starts else None,
                render_briefing(content, page_size),
            )

        # Read and drawn on a pool thread: the window keeps painting while the PDF is made.
        sheet: _Sheet = context.fetch(pages)
        self.sheet = sheet
        self.customer_name, self.pdf = sheet.customer_name, sheet.pdf
        self.appointment_id = sheet.appointment_id
        self.setWindowTitle(f"Briefing — {self.customer_name}")

        self.buffer = QBuffer(self)
        self.buffer.setData(QByteArray(self.pdf))
        self.buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument(self)
        self.document.load(self.buffer)
        self.view = QPdfView(self)
        self.view.setObjectName("briefingPages")
        self.view.setAccessibleName("Briefing pages")
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setDocument(self.document)

        self.pages = QLabel(f"{self.page_count} page{'s' if self.page_count != 1 else ''}", self)
        self.pages.setObjectName("briefingPageCount")
        self.print_button = QPushButton("&Print…", self)
        self.print_button.setShortcut(QKeySequence.StandardKey.Print)
        self.print_button.clicked.connect(self.print_briefing)
        self.save_button = QPushButton("&Save as PDF…", self)
        self.save_button.setShortcut(QKeySequence.StandardKey.Save)
        self.save_button.clicked.connect(self.ask_save)
        close = QPushButton("Close", self)
        close.clicked.connect(self.reject)
        bar = QHBoxLayout()
        bar.addWidget(self.pages)
        bar.addStretch(1)
        for button in (self.print_button, self.save_button, close):
            bar.addWidget(button)
        self.status = QStatusBar(self)
        self.status.setObjectName("briefingSaveStatus")
        self.status.setSizeGripEnabled(False)
        self.open_folder = QPushButton("Open &folder", self)
        self.open_folder.setObjectName("openBriefingFolder")
        self.open_folder.clicked.connect(self.show_folder)
        self.open_folder.hide()
        self.status.addPermanentWidget(self.open_folder)
        self.saved_path: Path | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(bar)
        layout.addWidget(self.status)
        # A whole page where the screen is tall enough; on a laptop the pages scroll and the
        # buttons stay in reach.
        fit_to_screen(self, PREFERRED_SIZE)

    @property
    def page_count(self) -> int:
        return self.document.pageCount()

    def suggested_name(self) -> str:
        """Customer and visit date (today when no visit is booked), safe on any file system."""
        day = self.sheet.visit_day or local_today()
        return briefing_file_name(self.customer_name, self.sheet.company, day)

    def ask_save(self) -> None:
        settings = self.settings
        folder = str(settings.value("briefing/folder", str(Path.home())))
        path, _filter = QFileDialog.getSaveFileName(
            self,
            "Save briefing as PDF",
            str(Path(folder) / self.suggested_name()),
            "PDF files (*.pdf)",
        )
        if path:
            self.save_to(Path(path))
            settings.setValue("briefing/folder", str(Path(path).parent))

    def _may_replace(self, path: Path) -> bool:
        """The file dialog confirmed the name as typed; the name with .pdf is asked about."""
        answer = QMessageBox.question(
            self, "Replace file?", f"{path.name} already exists. Replace it?"
        )
        return answer == QMessageBox.StandardButton.Yes

    def save_to(self, path: Path) -> None:
        if path.suffix.lower() != ".pdf":
            # Appended, never swapped: "Briefing - St. John" must not become "Briefing - St.pdf".
            path = path.with_name(path.name + ".pdf")
            if path.exists() and not self._may_replace(path):
                return
        try:
            partial = path.with_name(path.name + ".part")
            partial.write_bytes(self.pdf)
            partial.replace(path)
        except OSError as error:
            QMessageBox.warning(self, "Not saved", f"Could not write {path}:\n{error.strerror}")
            return
        self.saved_path = path
        self.status.showMessage(f"Saved {path}")
        self.open_folder.show()
        self._mark_printed()

    def show_folder(self) -> None:
        """Open the folder the briefing was saved in, in the desktop's file manager."""
        if self.saved_path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.saved_path.parent)))

    def print_briefing(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.print_to(printer)

    def print_to(self, printer: QPrinter) -> None:
        """Draw each PDF page onto the printer's page, scaled to fit."""
        painter = QPainter()
        if not painter.begin(printer):
            QMessageBox.warning(self, "Not printed", "The printer could not be started.")
            return
        dpi = printer.resolution()
        for index in range(self.page_count):
            if index:
                printer.newPage()
            target = painter.viewport()
            size = self.document.pagePointSize(index)
            pixels = size * dpi / 72.0
            image = self.document.render(index, pixels.toSize())
            scaled = image.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.drawImage(QRect(target.topLeft(), scaled), image)
        painter.end()
        self._mark_printed()

    def _mark_printed(self) -> None:
        if self.appointment_id is not None:
            appointment_id, actor = self.appointment_id, self.context.desk_user
            self.context.write(
                self, lambda s: mark_briefing_printed(s, [appointment_id], actor), "appointment"
            )
