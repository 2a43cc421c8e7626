"""A real SMTP server on loopback (aiosmtpd) that records what it is given, or misbehaves.

`behaviour` picks how it answers: "accept", "refuse_recipient" (550), "busy" (451 for the
message), "slow" (answers the message after `delay` seconds), "drop" (closes the line once the
message is in, before answering it), "down" (no server on the port at all).
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Recorder:
    behaviour: str = "accept"
    delay: float = 3.0
    received: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if self.behaviour == "refuse_recipient":
            return "550 5.1.1 no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.behaviour == "busy":
            return "451 4.3.0 mailbox busy, try again later"
        if self.behaviour == "slow":
            await asyncio.sleep(self.delay)
            return "451 4.3.0 too late"
        if self.behaviour == "drop":
            server.transport.close()
            return "250 OK"
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append(parsed)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 2.0.0 queued"

    def authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        if isinstance(data, LoginPassword):
            user, password = data.login.decode(), data.password.decode()
            self.logins.append((user, password))
            return AuthResult(success=password == "s3cret-Pa55", handled=False)
        return AuthResult(success=False, handled=False)


@dataclass
class MailServer:
    recorder: Recorder
    port: int

    def url(self, *, user: str | None = None, timeout: float = 2.0) -> str:
        who = f"{user}@" if user else ""
        return (
            f"smtp://{who}127.0.0.1:{self.port}?security=none&from=office@example.com"
            f"&timeout={timeout:g}"
        )


@contextmanager
def mail_server(behaviour: str = "accept", port: int | None = None) -> Iterator[MailServer]:
    recorder = Recorder(behaviour)
    port = port or free_port()
    if behaviour == "down":
        yield MailServer(recorder, port)
        return
    controller = Controller(
        recorder,
        hostname="127.0.0.1",
        port=port,
        authenticator=recorder.authenticate,
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield MailServer(recorder, port)
    finally:
        controller.stop()
