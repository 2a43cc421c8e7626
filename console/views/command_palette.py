"""Every action of the window by name: type a few letters, press Enter."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QDialog, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget


def menu_actions(window: QWidget) -> list[tuple[str, QAction]]:
    """(menu › action, action) for every enabled action in the window's menus."""
    found: list[tuple[str, QAction]] = []
    menubar = getattr(window, "menuBar", None)
    if menubar is None:
        return found
    for top in menubar().actions():
        menu = top.menu()
        if menu is None:
            continue
        for action in menu.actions():
            if action.isSeparator() or action.menu() is not None or not action.isEnabled():
                continue
            title = f"{top.text().replace('&', '')} › {action.text().replace('&', '')}"
            found.append((title, action))
    return found


class CommandPalette(QDialog):
    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setObjectName("commandPalette")
        self.setWindowTitle("Run an action")
        self.actions_by_title = menu_actions(window)
        self.query = QLineEdit(self)
        self.query.setAccessibleName("Action to run")
        self.query.setPlaceholderText("Type part of an action's name")
        self.list = QListWidget(self)
        self.list.setAccessibleName("Matching actions")
        layout = QVBoxLayout(self)
        layout.addWidget(self.query)
        layout.addWidget(self.list)
        self.query.textChanged.connect(self.filter)
        self.query.returnPressed.connect(self.run_current)
        self.list.itemActivated.connect(lambda _item: self.run_current())
        self.query.installEventFilter(self)
        self.filter("")
        self.resize(520, 420)

    def filter(self, text: str) -> None:
        words = text.lower().split()
        self.list.clear()
        for title, action in self.actions_by_title:
            if all(word in title.lower() for word in words):
                shortcut = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
                item = QListWidgetItem(f"{title}    {shortcut}".rstrip())
                item.setData(Qt.ItemDataRole.UserRole, action)
                self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)

    def run_current(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        action = item.data(Qt.ItemDataRole.UserRole)
        self.accept()
        action.trigger()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Up and Down move through the matches without leaving the text field."""
        arrows = (Qt.Key.Key_Down, Qt.Key.Key_Up)
        if watched is self.query and isinstance(event, QKeyEvent) and event.key() in arrows:
            if event.type() == QKeyEvent.Type.KeyPress:
                step = 1 if event.key() == Qt.Key.Key_Down else -1
                self.list.setCurrentRow(
                    min(max(self.list.currentRow() + step, 0), self.list.count() - 1)
                )
            return True
        return super().eventFilter(watched, event)
