"""File headers in people's words find their fields; labels speak the user's words."""

from __future__ import annotations

import pytest

from console.services.transfer.kinds import KINDS
from console.services.transfer.synonyms import auto_mapping, label, matching_field


@pytest.mark.parametrize(
    ("kind", "header", "field"),
    [
        ("customers", "Customer ID", "external_id"),
        ("customers", "Cust #", "external_id"),
        ("customers", "Cust. No.", "external_id"),
        ("customers", "Zip", "postal_code"),
        ("customers", "Zip Code", "postal_code"),
        ("customers", "Postcode", "postal_code"),
        ("customers", "ZIP / postal code", "postal_code"),
        ("customers", "E-mail", "email"),
        ("customers", "Mobile", "phone"),
        ("customers", "Tel", "phone"),
        ("customers", "postal_code", "postal_code"),
        ("equipment", "Cust #", "customer_external_id"),
        ("equipment", "Serial No.", "serial"),
        ("visits", "Job No", "external_id"),
        ("visits", "Job Number", "external_id"),
        ("visits", "Tech", "technician"),
        ("visits", "Scheduled for", "scheduled_for"),
        ("referrals", "Sales Rep", "salesperson"),
    ],
)
def test_common_headers_find_their_field(kind: str, header: str, field: str) -> None:
    assert matching_field(kind, header) == field


@pytest.mark.parametrize("header", ["Favourite colour", "", "Zip Zap", "Tech support line"])
def test_a_header_that_names_no_field_matches_none(header: str) -> None:
    assert matching_field("customers", header) is None


def test_a_field_is_filled_once_and_its_own_name_wins() -> None:
    mapping = auto_mapping("customers", ["Zip", "postal_code", "Phone", "Mobile", "Tel"])
    assert mapping == {"postal_code": "postal_code", "Phone": "phone"}


def test_every_field_has_a_label_in_words() -> None:
    for kind_name, kind in KINDS.items():
        for name in kind.columns:
            text = label(kind_name, name)
            assert "_" not in text and text[0].isupper(), (kind_name, name, text)
    assert label("customers", "external_id") == "Customer ID"
    assert label("visits", "scheduled_for") == "Scheduled for"
    assert label("customers", "postal_code") == "ZIP / postal code"
