"""Email alerts against a real local SMTP server (aiosmtpd): plain, AUTH, STARTTLS, implicit
TLS, and the server's refusals mapped to retry or not."""

from __future__ import annotations

import asyncio
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from app.alerts.channels.email import send_email
from app.config import Settings
from tests.conftest import free_port
from tests.integration.mailing import Inbox, received, smtp_server
from tests.unit.test_alert_messages import payload

SENDER = "Faultline <alerts@faultline.example>"


def authenticator(
    server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"alice", b"s3cret")
    # handled=False: aiosmtpd itself answers a failure with 535.
    return AuthResult(success=ok, handled=False, auth_data=data.login if ok else None)


@dataclass(frozen=True)
class Certificate:
    cert: Path
    key: Path

    def server_context(self) -> Any:
        import ssl

        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, self.key)
        return context


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    """A self-signed certificate for 127.0.0.1 and localhost, made by the openssl CLI."""
    where = tmp_path_factory.mktemp("tls")
    cert, key = where / "cert.pem", where / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    return Certificate(cert, key)


@pytest.fixture
def trusted(certificate: Certificate, monkeypatch: pytest.MonkeyPatch) -> Certificate:
    """The test certificate trusted by TLS clients of this process (as an operator's CA would be)."""
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate.cert))
    return certificate


def settings(url: str | None) -> Settings:
    return Settings(smtp_url=url, email_from=SENDER)


async def test_an_alert_is_delivered_by_plain_smtp_without_auth() -> None:
    inbox = Inbox()
    with smtp_server(inbox) as port:
        result = await send_email(
            ["dev@example.com", "ops@example.com"],
            payload(),
            42,
            settings(f"smtp://127.0.0.1:{port}"),
        )
    assert (result.ok, result.retry, result.status_code, result.error) == (True, False, 250, None)
    [mail] = inbox.mails
    assert (mail.mail_from, mail.rcpt_tos, mail.tls, mail.login) == (
        "alerts@faultline.example",
        ["dev@example.com", "ops@example.com"],
        False,
        None,
    )
    message = received(mail)
    assert message["Subject"] == "[MY-APP-7] New issue: ZeroDivisionError: division by zero"
    assert message["From"] == SENDER
    assert message["To"] == "dev@example.com, ops@example.com"
    assert message["Message-ID"] == "<alert-delivery-42@faultline.example>"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]


async def test_a_title_in_any_script_arrives_intact() -> None:
    inbox = Inbox()
    title = "KeyError: 'ключ' — 数据 💥 " + "é" * 300
    with smtp_server(inbox) as port:
        result = await send_email(
            ["dev@example.com"], payload(title=title), 43, settings(f"smtp://127.0.0.1:{port}")
        )
    assert (result.ok, result.error) == (True, None)
    [mail] = inbox.mails
    message = received(mail)
    shown = title[:199] + "…"
    assert message["Subject"] == f"[MY-APP-7] New issue: {shown}"
    plain = message.get_body(("plain",))
    assert plain is not None
    assert f"MY-APP-7: {shown}\n" in plain.get_content()


async def test_starttls_and_auth_when_the_url_has_a_password(trusted: Certificate) -> None:
    inbox = Inbox()
    with smtp_server(
        inbox,
        tls_context=trusted.server_context(),
        require_starttls=True,
        authenticator=authenticator,
    ) as port:
        result = await send_email(
            ["dev@example.com"], payload(), 1, settings(f"smtp://alice:s3cret@127.0.0.1:{port}")
        )
    assert (result.ok, result.status_code, result.error) == (True, 250, None)
    [mail] = inbox.mails
    assert (mail.tls, mail.login) == (True, "alice")


async def test_implicit_tls_with_smtps(trusted: Certificate) -> None:
    inbox = Inbox()
    # aiosmtpd does not count implicit TLS as TLS for AUTH; the connection is TLS all the same.
    with smtp_server(
        inbox,
        ssl_context=trusted.server_context(),
        authenticator=authenticator,
        auth_require_tls=False,
    ) as port:
        result = await send_email(
            ["dev@example.com"], payload(), 2, settings(f"smtps://alice:s3cret@127.0.0.1:{port}")
        )
    assert (result.ok, result.status_code, result.error) == (True, 250, None)
    [mail] = inbox.mails
    assert (mail.tls, mail.login) == (True, "alice")


async def test_an_untrusted_certificate_is_not_accepted(certificate: Certificate) -> None:
    inbox = Inbox()
    with smtp_server(inbox, ssl_context=certificate.server_context()) as port:
        result = await send_email(
            ["dev@example.com"], payload(), 3, settings(f"smtps://127.0.0.1:{port}")
        )
    assert (result.ok, result.retry, result.status_code) == (False, True, None)
    assert result.error is not None
    assert "CERTIFICATE_VERIFY_FAILED" in result.error
    assert inbox.mails == []


async def test_a_password_is_never_sent_where_starttls_is_not_offered() -> None:
    inbox = Inbox()
    with smtp_server(inbox, authenticator=authenticator, auth_require_tls=False) as port:
        result = await send_email(
            ["dev@example.com"], payload(), 4, settings(f"smtp://alice:s3cret@127.0.0.1:{port}")
        )
    assert (result.ok, result.retry, result.status_code) == (False, False, None)
    assert result.error == (
        f"SMTP server 127.0.0.1:{port}: SMTP STARTTLS extension not supported by server."
    )
    assert inbox.mails == []


async def test_auth_without_tls_when_the_url_says_starttls_0() -> None:
    inbox = Inbox()
    with smtp_server(inbox, authenticator=authenticator, auth_require_tls=False) as port:
        ok = await send_email(
            ["dev@example.com"],
            payload(),
            5,
            settings(f"smtp://alice:s3cret@127.0.0.1:{port}?starttls=0"),
        )
        wrong = await send_email(
            ["dev@example.com"],
            payload(),
            6,
            settings(f"smtp://alice:nope@127.0.0.1:{port}?starttls=0"),
        )
    assert (ok.ok, ok.error) == (True, None)
    assert [m.login for m in inbox.mails] == ["alice"]
    assert (wrong.ok, wrong.retry, wrong.status_code) == (False, False, 535)
    assert wrong.error == "SMTP authentication failed: 535 5.7.8 Authentication credentials invalid"


@pytest.mark.parametrize(
    ("reply", "retry", "code"),
    [("550 5.1.1 No such user", False, 550), ("450 4.2.1 Mailbox busy", True, 450)],
)
async def test_refused_recipients_are_retried_only_when_temporarily_refused(
    reply: str, retry: bool, code: int
) -> None:
    inbox = Inbox(rcpt_replies={"dev@example.com": reply})
    with smtp_server(inbox) as port:
        result = await send_email(
            ["dev@example.com"], payload(), 7, settings(f"smtp://127.0.0.1:{port}")
        )
    assert (result.ok, result.retry, result.status_code) == (False, retry, code)
    assert result.error == f"recipients refused: dev@example.com ({reply})"
    assert inbox.mails == []


async def test_one_refused_recipient_of_two_still_sends_and_says_so() -> None:
    inbox = Inbox(rcpt_replies={"gone@example.com": "550 5.1.1 No such user"})
    with smtp_server(inbox) as port:
        result = await send_email(
            ["gone@example.com", "dev@example.com"],
            payload(),
            8,
            settings(f"smtp://127.0.0.1:{port}"),
        )
    assert (result.ok, result.retry, result.status_code) == (True, False, 250)
    assert result.error == (
        "sent, but some recipients were refused: gone@example.com (550 5.1.1 No such user)"
    )
    assert [m.rcpt_tos for m in inbox.mails] == [["dev@example.com"]]


@pytest.mark.parametrize(
    ("reply", "retry", "code"),
    [("451 4.3.0 Try again later", True, 451), ("554 5.6.0 Message refused", False, 554)],
)
async def test_a_refused_message_is_retried_only_when_temporarily_refused(
    reply: str, retry: bool, code: int
) -> None:
    inbox = Inbox(data_reply=reply)
    with smtp_server(inbox) as port:
        result = await send_email(
            ["dev@example.com"], payload(), 9, settings(f"smtp://127.0.0.1:{port}")
        )
    assert (result.ok, result.retry, result.status_code) == (False, retry, code)
    assert result.error == f"the message was refused: {reply}"


async def test_no_smtp_server_listening_is_worth_a_retry() -> None:
    port = free_port()
    result = await send_email(
        ["dev@example.com"], payload(), 10, settings(f"smtp://127.0.0.1:{port}")
    )
    assert (result.ok, result.retry, result.status_code) == (False, True, None)
    assert result.error is not None
    assert result.error.startswith(f"SMTP server 127.0.0.1:{port}: ")


async def test_a_server_that_never_greets_times_out_worth_a_retry() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()  # until the client gives up

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        result = await send_email(
            ["dev@example.com"], payload(), 10, settings(f"smtp://127.0.0.1:{port}"), timeout_s=0.5
        )
    finally:
        server.close()
        await server.wait_closed()
    assert (result.ok, result.retry, result.status_code) == (False, True, None)
    assert result.error == f"SMTP server 127.0.0.1:{port} did not answer within 0.5 s"


async def test_without_smtp_settings_the_delivery_fails_saying_what_is_missing() -> None:
    unset = await send_email(["dev@example.com"], payload(), 11, Settings())
    assert (unset.ok, unset.retry, unset.status_code, unset.error) == (
        False,
        False,
        None,
        "FAULTLINE_SMTP_URL is not set",
    )
    no_sender = await send_email(["dev@example.com"], payload(), 11, Settings(smtp_url="smtp://h"))
    assert no_sender.error == "FAULTLINE_EMAIL_FROM is not set"
    bad = await send_email(["dev@example.com"], payload(), 11, settings("smtp://u:hunter2@h/x"))
    assert (bad.ok, bad.retry) == (False, False)
    assert bad.error is not None
    assert bad.error.startswith("FAULTLINE_SMTP_URL must not have a path, got '/x'")
    assert "hunter2" not in bad.error


@pytest.mark.parametrize(
    ("recipients", "error"),
    [
        ([], "an email channel needs 1 to 100 recipients"),
        ([f"u{i}@example.com" for i in range(101)], "an email channel needs 1 to 100 recipients"),
        (
            ["dev@example.com\r\nBcc: x@example.com"],
            "not an email address: 'dev@example.com\\r\\nBcc: x@example.com'",
        ),
        (["not-an-address"], "not an email address: 'not-an-address'"),
        (["dev@example.com", 5], "not an email address: '5'"),
        (["dev@example.com", {"a": 1}], "not an email address: \"{'a': 1}\""),
        (None, "an email channel needs 1 to 100 recipients"),
    ],
)
async def test_bad_recipients_are_refused_before_connecting(recipients: Any, error: str) -> None:
    inbox = Inbox()
    with smtp_server(inbox) as port:
        result = await send_email(recipients, payload(), 12, settings(f"smtp://127.0.0.1:{port}"))
    assert (result.ok, result.retry, result.error) == (False, False, error)
    assert inbox.mails == []
