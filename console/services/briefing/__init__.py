"""Briefing sheets: the PDF a salesperson reads before a visit (ReportLab, no Qt)."""

from console.services.briefing.content import BriefingContent, briefing_content
from console.services.briefing.render import PageSize, default_page_size, render_briefing

__all__ = [
    "BriefingContent",
    "PageSize",
    "briefing_content",
    "default_page_size",
    "render_briefing",
]
