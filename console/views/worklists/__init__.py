"""The coordinator's worklists: lists, their columns and badges, the customer's phone."""
