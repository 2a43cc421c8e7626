"""What each imported row looked like in its file, so an unchanged row is skipped next time."""

from __future__ import annotations

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from console.models.base import Base

FINGERPRINT_BYTES = 16


class ImportFingerprint(Base):
    """A digest of one imported row's cells and of the settings that gave them their meaning.

    Keyed by the import kind (technicians and salespeople share a table, not a kind) and the
    row's external id. It only lets an import skip a row whose file line has not changed;
    the records themselves stay the truth.
    """

    __tablename__ = "import_fingerprints"
    __table_args__ = {"sqlite_with_rowid": False}

    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    digest: Mapped[bytes] = mapped_column(LargeBinary(FINGERPRINT_BYTES))
