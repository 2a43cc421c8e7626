"""Briefing sheets: the PDF a salesperson reads before a visit (ReportLab, no Qt).

`content` gathers what goes on a sheet (`before_you_go` picks the heads-ups from the notes),
`render` lays it out, `batch` does a day's worth, `file_names` names a saved sheet;
`page` holds paper sizes and imports nothing heavy, so the window can start without ReportLab.
"""

from console.services.briefing.page import PageSize, default_page_size

__all__ = ["PageSize", "default_page_size"]
