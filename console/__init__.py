"""Dispatch Console: the field-service desk tool that closes the loop on technician referrals."""

from importlib.metadata import PackageNotFoundError, version

DISTRIBUTION = "dispatch-console"

try:
    # pyproject.toml is the one place the version is written; installs carry it as metadata.
    __version__ = version(DISTRIBUTION)
except PackageNotFoundError:  # a source tree that was never installed
    __version__ = "0+unknown"
