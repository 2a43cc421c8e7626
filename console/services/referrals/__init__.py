"""Referrals: the lifecycle, the worklists, contact attempts and who gets them."""
