"""`dispatch-console briefing`: one customer to a file, a day to a folder, and clear refusals."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import Engine, select

from console.cli import main
from console.database import session_factory
from console.models import (
    EventKind,
    Referral,
    ReferralEvent,
    ReferralStatus,
    SalesAppointment,
    StaffRole,
)
from console.services.office.clock import at_wall_clock
from tests import factories


@pytest.fixture
def url(sqlite_engine: Engine) -> str:
    with session_factory(sqlite_engine).begin() as session:
        factories.customer(session, account_number="200001", name="Жанна Петрова")
        factories.customer(session, account_number="200002", name="Twin")
        factories.customer(session, account_number="200003", name="Twin")
    return str(sqlite_engine.url)


def test_briefing_for_one_customer(url: str, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "sheets" / "petrova.pdf"
    out.parent.mkdir()
    assert (
        main(["briefing", "Жанна Петрова", "-o", str(out), "--page-size", "a4", "--database", url])
        == 0
    )
    assert capsys.readouterr().out.strip() == str(out)
    text = PdfReader(out).pages[0].extract_text()
    assert "Жанна Петрова" in text
    assert sorted(out.parent.iterdir()) == [out]


def test_ambiguous_name_lists_customers_and_fails(url: str, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["briefing", "Twin", "-o", str(tmp_path / "t.pdf"), "--database", url]) == 1
    err = capsys.readouterr().err
    assert "matches several customers" in err and "200002" in err and "200003" in err
    assert not (tmp_path / "t.pdf").exists()


def test_day_without_appointments_writes_nothing(url: str, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert (
        main(["briefing", "--date", "2030-01-02", "-o", str(tmp_path / "day"), "--database", url])
        == 0
    )
    assert "0 sales appointment(s) on 2030-01-02" in capsys.readouterr().err
    assert list((tmp_path / "day").iterdir()) == []


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["briefing", "-o", "x.pdf"], "name a CUSTOMER, or give --date"),
        (["briefing", "200001", "-o", "x.txt"], "should end in .pdf"),
        (["briefing", "nobody at all", "-o", "x.pdf"], "no customer matches"),
    ],
)
def test_refusals(url: str, tmp_path: Path, capsys, argv: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    argv = [str(tmp_path / a) if a.endswith((".pdf", ".txt")) else a for a in argv]
    assert main([*argv, "--database", url]) == 1
    assert message in capsys.readouterr().err


def test_a_customers_sheet_is_for_their_next_appointment_and_is_recorded(
    sqlite_engine: Engine, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    starts = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=2)
    with session_factory(sqlite_engine).begin() as session:
        owner = factories.customer(session, account_number="300001", name="Ada Miller")
        tech = factories.staff(session, "Gary Ramos")
        seller = factories.staff(session, "Scott Bennett", StaffRole.SALESPERSON)
        referral = Referral(
            customer_id=owner.id,
            technician_id=tech.id,
            salesperson_id=seller.id,
            status=ReferralStatus.APPOINTMENT_SET,
            pain_point="Boiler leaking",
        )
        session.add(referral)
        session.flush()
        session.add(
            SalesAppointment(
                referral_id=referral.id,
                salesperson_id=seller.id,
                starts_at=starts,
                duration_minutes=75,
                notes="Ring twice",
            )
        )
        referral_id = referral.id
    out = tmp_path / "miller.pdf"
    url = str(sqlite_engine.url)
    assert main(["briefing", "300001", "-o", str(out), "--database", url]) == 0
    text = " ".join(PdfReader(out).pages[0].extract_text().split())
    assert "75 minutes · Scott Bennett" in text and "Note: Ring twice" in text
    with session_factory(sqlite_engine)() as session:
        appointment = session.scalars(select(SalesAppointment)).one()
        event = session.scalars(
            select(ReferralEvent).where(ReferralEvent.kind == EventKind.BRIEFING_PRINTED)
        ).one()
    assert appointment.briefing_printed_at is not None
    assert event.referral_id == referral_id and event.note.startswith("Briefing printed")


def _book_day(engine: Engine, day: dt.date, times: list[dt.time]) -> None:
    """Sales appointments at `times` (office wall clock) on `day`, each for its own customer."""
    with session_factory(engine).begin() as session:
        tech = factories.staff(session, "Gary Ramos")
        seller = factories.staff(session, "Scott Bennett", StaffRole.SALESPERSON)
        for number, time in enumerate(times):
            owner = factories.customer(
                session, account_number=f"40000{number}", name=f"Day Owner {number}"
            )
            referral = Referral(
                customer_id=owner.id,
                technician_id=tech.id,
                salesperson_id=seller.id,
                status=ReferralStatus.APPOINTMENT_SET,
                pain_point="Furnace short-cycling",
            )
            session.add(referral)
            session.flush()
            session.add(
                SalesAppointment(
                    referral_id=referral.id,
                    salesperson_id=seller.id,
                    starts_at=at_wall_clock(day, time),
                )
            )


def _out_folder(tmp_path: Path) -> Path:
    """An empty folder for the output, apart from the test database beside it."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def test_combined_day_to_a_named_pdf_writes_that_file(
    sqlite_engine: Engine, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    tmp_path = _out_folder(tmp_path)
    day = dt.date(2026, 12, 5)
    _book_day(sqlite_engine, day, [dt.time(9), dt.time(13, 30)])
    out = tmp_path / "day.pdf"
    argv = ["briefing", "--date", day.isoformat(), "-o", str(out), "--combined"]
    assert main([*argv, "--database", str(sqlite_engine.url)]) == 0
    assert out.is_file()
    assert len(PdfReader(out).pages) >= 2
    assert capsys.readouterr().out.strip() == str(out)
    assert sorted(tmp_path.iterdir()) == [out]


def test_combined_day_replaces_an_earlier_file(
    sqlite_engine: Engine, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    tmp_path = _out_folder(tmp_path)
    day = dt.date(2026, 12, 5)
    _book_day(sqlite_engine, day, [dt.time(10)])
    out = tmp_path / "day.pdf"
    out.write_bytes(b"old")
    argv = ["briefing", "--date", day.isoformat(), "-o", str(out), "--combined"]
    assert main([*argv, "--database", str(sqlite_engine.url)]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert sorted(tmp_path.iterdir()) == [out]


def test_a_pdf_name_without_combined_is_refused(
    sqlite_engine: Engine, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    tmp_path = _out_folder(tmp_path)
    day = dt.date(2026, 12, 5)
    _book_day(sqlite_engine, day, [dt.time(10)])
    out = tmp_path / "day.pdf"
    argv = ["briefing", "--date", day.isoformat(), "-o", str(out)]
    assert main([*argv, "--database", str(sqlite_engine.url)]) == 1
    assert (
        "-o names a folder for one PDF per appointment; add --combined for one file"
        in capsys.readouterr().err
    )
    assert list(tmp_path.iterdir()) == []
    with session_factory(sqlite_engine)() as session:
        assert session.scalars(select(SalesAppointment.briefing_printed_at)).all() == [None]


def test_combined_day_into_a_folder_still_names_the_file_by_day(
    sqlite_engine: Engine, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    tmp_path = _out_folder(tmp_path)
    day = dt.date(2026, 12, 5)
    _book_day(sqlite_engine, day, [dt.time(10)])
    out = tmp_path / "day"
    argv = ["briefing", "--date", day.isoformat(), "-o", str(out), "--combined"]
    assert main([*argv, "--database", str(sqlite_engine.url)]) == 0
    assert list(out.iterdir()) == [out / "briefings-2026-12-05.pdf"]


def test_combined_day_to_a_pdf_in_a_missing_folder_is_refused(
    sqlite_engine: Engine, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    tmp_path = _out_folder(tmp_path)
    day = dt.date(2026, 12, 5)
    _book_day(sqlite_engine, day, [dt.time(10)])
    out = tmp_path / "missing" / "day.pdf"
    argv = ["briefing", "--date", day.isoformat(), "-o", str(out), "--combined"]
    assert main([*argv, "--database", str(sqlite_engine.url)]) == 1
    assert "does not exist" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
    with session_factory(sqlite_engine)() as session:
        assert session.scalars(select(SalesAppointment.briefing_printed_at)).all() == [None]
