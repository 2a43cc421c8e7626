"""Referral metrics checked against figures worked out by hand on a small fixed office."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import Engine

from console.cli import main
from console.database import session_factory
from console.models import Referral, ReferralStatus, StaffRole
from console.services.numbers.metrics import referral_metrics
from tests import factories

RS = ReferralStatus
T0 = dt.datetime(2026, 1, 10, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def office(engine: Engine) -> Engine:
    """Ana: won 10,000 (told, paid), lost (told), new. Bo: won 2,000 (untold), cancelled."""
    with session_factory(engine).begin() as session:
        customer = factories.customer(session)
        ana = factories.staff(session, "Ana Tech")
        bo = factories.staff(session, "Bo Tech")
        sal = factories.staff(session, "Sal Es", role=StaffRole.SALESPERSON)

        def referral(tech, status, hours_to_contact, created=T0, **extra):  # type: ignore[no-untyped-def]
            session.add(
                Referral(
                    customer_id=customer.id,
                    technician_id=tech.id,
                    salesperson_id=sal.id,
                    status=status,
                    pain_point="x",
                    created_at=created,
                    first_contact_at=created + dt.timedelta(hours=hours_to_contact)
                    if hours_to_contact is not None
                    else None,
                    **extra,
                )
            )

        referral(
            ana,
            RS.WON,
            2,
            won_value=Decimal(10_000),
            spiff_amount=Decimal(50),
            spiff_paid_at=T0 + dt.timedelta(days=40),
            tech_informed_at=T0 + dt.timedelta(days=30),
        )
        referral(ana, RS.LOST, 10, lost_reason="Price", tech_informed_at=T0 + dt.timedelta(days=20))
        referral(ana, RS.NEW, None)
        referral(
            bo,
            RS.WON,
            30,
            won_value=Decimal(2_000),
            spiff_amount=Decimal(50),
            created=dt.datetime(2026, 2, 3, 9, tzinfo=dt.UTC),
        )
        referral(bo, RS.CANCELLED, None)
        referral(
            bo, RS.WON, 1, won_value=Decimal(999), created=dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
        )
    return engine


def test_figures_per_technician_match_hand_counts(office: Engine) -> None:
    with office.connect() as connection:
        metrics = referral_metrics(
            connection, since=dt.date(2026, 1, 1), until=dt.date(2026, 3, 31)
        )
    ana = metrics.by_technician.loc["Ana Tech"]
    assert (ana.referrals, ana.won, ana.lost) == (3, 1, 1)
    assert ana.conversion == pytest.approx(0.5)
    assert ana.value_won == 10_000
    assert (ana.spiffs_owed, ana.spiffs_paid) == (0, 50)
    assert ana.median_hours_to_first_contact == pytest.approx(6.0)
    assert ana.told_share == pytest.approx(1.0)
    bo = metrics.by_technician.loc["Bo Tech"]
    assert (bo.referrals, bo.won, bo.lost, bo.value_won) == (2, 1, 0, 2_000)
    assert bo.conversion == pytest.approx(1.0)
    assert (bo.spiffs_owed, bo.spiffs_paid) == (50, 0)
    assert bo.median_hours_to_first_contact == pytest.approx(30.0)
    assert bo.told_share == pytest.approx(0.0)
    sal = metrics.by_salesperson.loc["Sal Es"]
    assert (sal.referrals, sal.won) == (5, 2)
    assert list(metrics.monthly.index) == ["2026-01", "2026-02"]
    assert list(metrics.monthly["referrals"]) == [4, 1]
    assert metrics.totals["value_won"] == 12_000
    assert metrics.totals["conversion"] == pytest.approx(2 / 3)
    assert metrics.totals["median_hours_to_first_contact"] == pytest.approx(10.0)
    assert metrics.totals["told_share"] == pytest.approx(2 / 3)


def test_empty_period(office: Engine) -> None:
    with office.connect() as connection:
        metrics = referral_metrics(connection, since=dt.date(2030, 1, 1))
    assert metrics.by_technician.empty and metrics.totals["referrals"] == 0
    assert math.isnan(metrics.totals["conversion"])


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".pdf"])
def test_report_command_writes_each_format(
    office: Engine, database_url: str, tmp_path: Path, capsys, suffix: str
) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / f"report{suffix}"
    argv = ["report", "referrals", "--since", "2026-01-01", "--until", "2026-03-31", "-o", str(out)]
    assert main([*argv, "--database", database_url]) == 0
    assert "5 referrals" in capsys.readouterr().out
    if suffix == ".csv":
        lines = out.read_text(encoding="utf-8-sig").splitlines()
        assert lines[0].startswith("technician,referrals,won,lost,conversion")
        assert lines[1].startswith("Ana Tech,3,1,1,0.5,10000.0")
    elif suffix == ".xlsx":
        assert load_workbook(out).sheetnames == ["Technicians", "Salespeople", "Monthly"]
    else:
        text = " ".join(page.extract_text() for page in PdfReader(out).pages)
        assert "Technician referrals" in text and "Ana Tech" in text and "$10,000" in text
