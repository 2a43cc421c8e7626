"""A mail server on loopback for each test that asks for one; the real keyring kept aside."""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import pytest
from keyring.backends import fail

from tests.services.messages.mail_server import MailServer, mail_server


@pytest.fixture(autouse=True)
def _keyring_kept_aside() -> Iterator[None]:
    """No test reads or writes the real user's keyring: passwords go to the file unless a
    test sets a keyring of its own."""
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(before)


@pytest.fixture
def smtp() -> Iterator[MailServer]:
    with mail_server() as server:
        yield server
