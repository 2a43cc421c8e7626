"""Staff lists filled into a form after it has opened, read on a worker meanwhile."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QComboBox

from console.models import Staff


def add_staff(combo: QComboBox, people: Sequence[Staff]) -> None:
    """Append people to a combo made by `staff_combo`, labelled the same way, id as data."""
    combo.blockSignals(True)
    for person in people:
        label = f"{person.name} · {person.phone}" if person.phone else person.name
        combo.addItem(label, person.id)
    combo.blockSignals(False)
