"""Fields in the user's words: a label for each import field, and the headers that mean it.

Files from other systems name their columns as people do ("Cust #", "Zip Code", "E-mail",
"Tech"), not as our formats do (`customer_external_id`, `postal_code`). The wizard shows the
labels and matches a file's header to a field through the synonyms here; a column that
matches nothing is left for the user to choose.
"""

from __future__ import annotations

import re

from console.services.transfer.kinds import KINDS

LABELS: dict[str, str] = {
    "external_id": "ID",
    "customer_external_id": "Customer ID",
    "equipment_external_id": "Equipment ID",
    "site_external_id": "Site ID",
    "account_number": "Account number",
    "name": "Name",
    "company": "Company",
    "phone": "Phone",
    "email": "Email",
    "street": "Street address",
    "city": "City",
    "postal_code": "ZIP / postal code",
    "country": "Country",
    "notes": "Notes",
    "active": "Active",
    "kind": "Equipment type",
    "make": "Make",
    "model": "Model",
    "serial": "Serial number",
    "installed_on": "Installed on",
    "technician": "Technician",
    "salesperson": "Salesperson",
    "scheduled_for": "Scheduled for",
    "completed_on": "Completed on",
    "status": "Status",
    "problem": "Problem",
    "work_done": "Work done",
    "tech_notes": "Tech notes",
    "created_at": "Created on",
    "pain_point": "Pain point",
    "recommendation": "Recommendation",
    "urgency": "Urgency",
    "estimated_value": "Estimated value",
    "author": "Author",
    "category": "Category",
    "text": "Note",
    "pinned": "Pinned",
}

# What a kind's own record id is called in its people's words.
OWN_ID_LABELS: dict[str, str] = {
    "customers": "Customer ID",
    "technicians": "Technician ID",
    "salespeople": "Salesperson ID",
    "sites": "Site ID",
    "equipment": "Equipment ID",
    "visits": "Job number",
    "referrals": "Referral ID",
    "notes": "Note ID",
}

CUSTOMER_ID = ("customer id", "cust no", "customer no", "client id", "client no", "account id")
SYNONYMS: dict[str, tuple[str, ...]] = {
    "customer_external_id": (*CUSTOMER_ID, "customer", "client"),
    "equipment_external_id": ("equipment id", "equipment no", "unit id", "asset id", "asset no"),
    "site_external_id": ("site id", "site no", "location id", "location no", "property id"),
    "account_number": ("account no", "acct no", "account"),
    "name": ("customer name", "client name", "full name", "display name", "contact name"),
    "company": ("company name", "business", "business name", "organisation", "organization"),
    "phone": (
        "phone no",
        "mobile",
        "mobile phone",
        "mobile no",
        "cell",
        "cell phone",
        "tel",
        "tel no",
        "telephone",
        "main phone",
    ),
    "email": ("e mail", "email address", "e mail address", "mail"),
    "street": ("address", "street address", "address 1", "address line 1", "street 1"),
    "city": ("town", "city town"),
    "postal_code": ("zip", "zip code", "zipcode", "postcode", "post code", "postal", "zip postal"),
    "notes": ("comments", "comment", "note"),
    "kind": ("type", "equipment type", "unit type"),
    "make": ("brand", "manufacturer"),
    "serial": ("serial no", "s n", "sn"),
    "installed_on": ("install date", "installed", "installation date", "date installed"),
    "technician": ("tech", "tech name", "technician name", "assigned tech", "assigned technician"),
    "salesperson": ("sales rep", "rep", "salesman", "sales person", "comfort advisor"),
    "scheduled_for": ("scheduled", "scheduled date", "job date", "appointment", "start", "date"),
    "completed_on": ("completed", "completed date", "completion date", "date completed"),
    "problem": ("complaint", "issue", "reason for call"),
    "work_done": ("work performed", "resolution"),
    "tech_notes": ("technician notes", "tech comments", "technician comments"),
    "created_at": ("created", "date created", "created date"),
    "pain_point": ("issue", "problem", "what the tech saw"),
    "estimated_value": ("estimate", "estimated amount", "value", "amount"),
    "text": ("note", "note text", "comment"),
    "pinned": ("pin",),
}
OWN_ID_SYNONYMS: dict[str, tuple[str, ...]] = {
    "customers": (*CUSTOMER_ID, "id"),
    "technicians": ("technician id", "tech id", "employee id", "employee no", "id"),
    "salespeople": ("salesperson id", "rep id", "employee id", "employee no", "id"),
    "sites": ("site id", "location id", "property id", "id"),
    "equipment": ("equipment id", "unit id", "asset id", "asset no", "id"),
    "visits": ("job no", "job id", "work order", "work order no", "wo no", "ticket no", "id"),
    "referrals": ("referral id", "referral no", "lead id", "lead no", "id"),
    "notes": ("note id", "note no", "id"),
}


def words(header: object) -> str:
    """A header as plain lower-case words: "Cust #" and "cust. no" both read "cust no"."""
    text = str(header).replace("\ufeff", "").lower().replace("#", " no ")
    text = re.sub(r"\b(?:number|num|nbr|nr)\b", "no", text)
    text = re.sub(r"[^0-9a-z]+", " ", text)
    return " ".join(text.split())


def label(kind: str, name: str) -> str:
    """What a field of `kind` is called on screen."""
    if name == "external_id":
        return OWN_ID_LABELS.get(kind, LABELS["external_id"])
    return LABELS.get(name, name.replace("_", " ").capitalize())


def _meanings(kind: str, name: str) -> set[str]:
    said = {words(name), words(label(kind, name))}
    if name == "external_id":
        said.update({"external id", "ext id"}, OWN_ID_SYNONYMS.get(kind, ()))
    said.update(SYNONYMS.get(name, ()))
    return said


def matching_field(kind: str, header: object) -> str | None:
    """The field of `kind` a column so headed fills, or None when it says none of them."""
    return auto_mapping(kind, [header]).get(str(header))


def auto_mapping(kind: str, headers: list[object]) -> dict[str, str]:
    """Each header that names a field of `kind`, mapped to it; a field is filled once.

    A header written as the field's own name wins over a synonym of it, then the first
    column in the file.
    """
    fields = KINDS[kind].columns
    taken: set[str] = set()
    found: dict[str, str] = {}
    spoken = [words(header) for header in headers]
    for exact in (True, False):
        for header, said in zip(headers, spoken, strict=True):
            if str(header) in found:
                continue
            for name in fields:
                if name in taken:
                    continue
                if (said == words(name)) if exact else (said in _meanings(kind, name)):
                    found[str(header)] = name
                    taken.add(name)
                    break
    return found
