"""The mail password: the keyring when there is one, else an owner-only file; nowhere else."""

from __future__ import annotations

import stat
import sys
from collections.abc import Iterator

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from console.services.messages.smtp_password import (
    KEYRING_SERVICE,
    forget_password,
    password_file,
    remember_password,
    stored_password,
    with_password,
)
from console.services.messages.smtp_url import parse_smtp_url


class MemoryKeyring(KeyringBackend):
    priority = 5  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.stored: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.stored.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.stored[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.stored.pop((service, username), None)


@pytest.fixture
def no_keyring() -> Iterator[None]:
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(before)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    before = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(before)


def test_the_keyring_keeps_it_when_there_is_one(memory_keyring: MemoryKeyring) -> None:
    assert remember_password("desk@mail:587", "hunter2") == "keyring"
    assert memory_keyring.stored == {(KEYRING_SERVICE, "desk@mail:587"): "hunter2"}
    assert not password_file().exists()
    assert stored_password("desk@mail:587") == "hunter2"
    forget_password("desk@mail:587")
    assert stored_password("desk@mail:587") is None


@pytest.mark.usefixtures("no_keyring")
def test_without_a_keyring_an_owner_only_file_keeps_it() -> None:
    assert remember_password("desk@mail:587", "hunter2") == "file"
    assert stored_password("desk@mail:587") == "hunter2"
    if sys.platform != "win32":
        assert stat.S_IMODE(password_file().stat().st_mode) == 0o600
    remember_password("other@mail:25", "swordfish")
    forget_password("desk@mail:587")
    assert stored_password("desk@mail:587") is None
    assert stored_password("other@mail:25") == "swordfish"


@pytest.mark.usefixtures("no_keyring")
def test_a_server_takes_its_kept_password_unless_its_url_has_one() -> None:
    server = parse_smtp_url("smtp://desk@mail.example.com")
    remember_password(server.key, "hunter2")
    assert with_password(server).password == "hunter2"
    given = parse_smtp_url("smtp://desk:typed@mail.example.com")
    assert with_password(given).password == "typed"
    assert with_password(parse_smtp_url("smtp://mail.example.com")).password is None
