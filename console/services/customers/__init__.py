"""Customers: the 360 read, contact details, search and upsell notes."""
