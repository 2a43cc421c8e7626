"""The mail server URL: what it may hold, its defaults, the refusals, and where it comes from."""

from __future__ import annotations

import pytest

from console.paths import data_dir
from console.services.messages.smtp_url import (
    SMTP_ENV,
    Security,
    SmtpUrlProblem,
    parse_smtp_url,
    resolve_smtp_url,
    save_smtp_url,
    saved_smtp_url,
)


@pytest.mark.parametrize(
    ("url", "port", "security"),
    [
        ("smtp://user@mail.example.com:587?security=starttls", 587, Security.STARTTLS),
        ("smtp://mail.example.com", 587, Security.STARTTLS),
        ("smtp://mail.example.com?security=tls", 465, Security.TLS),
        ("smtps://mail.example.com", 465, Security.TLS),
        ("smtp://mail.example.com?security=none", 25, Security.NONE),
        ("SMTP://mail.example.com:2525?security=NONE", 2525, Security.NONE),
    ],
)
def test_security_and_default_ports(url: str, port: int, security: Security) -> None:
    server = parse_smtp_url(url)
    assert (server.host, server.port, server.security) == ("mail.example.com", port, security)


def test_the_sender_is_the_from_option_else_the_user_when_an_address() -> None:
    assert parse_smtp_url("smtp://ops@x.example?from=desk@x.example").sender == "desk@x.example"
    assert parse_smtp_url("smtp://ops%40x.example@mail.x.example").sender == "ops@x.example"
    assert parse_smtp_url("smtp://ops@mail.x.example").sender == "dispatch-console@mail.x.example"


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("", "is empty"),
        ("mail.example.com", "is not smtp"),
        ("http://mail.example.com", "http is not smtp"),
        ("smtp://", "names no server"),
        ("smtp://mail.example.com:99999", "the port must be a number from 1 to 65535"),
        ("smtp://mail.example.com:port", "the port must be a number from 1 to 65535"),
        ("smtp://mail.example.com?security=ssl", "security 'ssl' is not one of starttls, tls"),
        ("smtp://mail.example.com?sec=tls", "'sec' is not an option"),
        ("smtp://mail.example.com?from=nobody", "the sender 'nobody' is not an email address"),
        ("smtp://mail.example.com?timeout=soon", "timeout 'soon' is not a number"),
        ("smtp://mail.example.com/inbox", "has no path"),
        ("smtp://bob:hunter2@mail.example.com:x", "the port must be"),
    ],
)
def test_refusals_say_what_to_fix_and_never_show_a_password(url: str, says: str) -> None:
    with pytest.raises(SmtpUrlProblem) as refused:
        parse_smtp_url(url)
    assert says in str(refused.value)
    assert refused.value.field == "mail server"
    assert "hunter2" not in str(refused.value)


def test_flag_then_environment_then_preferences(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SMTP_ENV, raising=False)
    assert resolve_smtp_url(None) is None
    save_smtp_url("smtp://desk@saved.example:2525?security=none")
    assert resolve_smtp_url(None) == "smtp://desk@saved.example:2525?security=none"
    monkeypatch.setenv(SMTP_ENV, "smtp://env.example")
    assert resolve_smtp_url(None) == "smtp://env.example"
    assert resolve_smtp_url("smtp://flag.example") == "smtp://flag.example"
    with pytest.raises(SmtpUrlProblem, match="--smtp is empty"):
        resolve_smtp_url("  ")


def test_a_saved_url_keeps_no_password() -> None:
    server = save_smtp_url("smtp://desk:hunter2@mail.example.com?security=tls")
    assert server is not None and server.password == "hunter2"
    assert saved_smtp_url() == "smtp://desk@mail.example.com:465?security=tls"
    assert "hunter2" not in (data_dir() / "mail-server.url").read_text(encoding="utf-8")
    assert "hunter2" not in repr(server)
    save_smtp_url("")
    assert saved_smtp_url() is None


def test_a_refused_url_is_not_saved() -> None:
    save_smtp_url("smtp://good.example")
    with pytest.raises(SmtpUrlProblem):
        save_smtp_url("smtp://bad.example?security=ssl")
    assert saved_smtp_url() == "smtp://good.example:587"
