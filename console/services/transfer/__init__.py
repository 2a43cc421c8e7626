"""Bringing an office's data in from CSV or Excel, and getting it out again (pandas)."""
