"""The office: its shared settings, its clock, its staff and how it writes money and dates."""
