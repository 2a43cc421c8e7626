"""Dispatch Console: the field-service desk tool that closes the loop on technician referrals."""

__version__ = "0.1.0"
