"""A real local SMTP server (aiosmtpd) for the email alert tests: an Inbox keeps what it
accepts and answers RCPT and DATA as told."""

from __future__ import annotations

import email
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import policy
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from tests.conftest import free_port


@dataclass
class Mail:
    mail_from: str | None
    rcpt_tos: list[str]
    content: bytes
    tls: bool
    login: str | None


@dataclass
class Inbox:
    """An aiosmtpd handler: keeps what it accepts; answers RCPT and DATA as told."""

    rcpt_replies: dict[str, str] = field(default_factory=dict)
    data_reply: str | None = None
    mails: list[Mail] = field(default_factory=list)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address in self.rcpt_replies:
            return self.rcpt_replies[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.data_reply is not None:
            return self.data_reply
        content = envelope.original_content or b""
        login = session.auth_data.decode() if isinstance(session.auth_data, bytes) else None
        transport = server.transport
        tls = transport is not None and transport.get_extra_info("ssl_object") is not None
        self.mails.append(Mail(envelope.mail_from, list(envelope.rcpt_tos), content, tls, login))
        return "250 Message accepted for delivery"


@contextmanager
def smtp_server(inbox: Inbox, **options: Any) -> Iterator[int]:
    port = free_port()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=port, server_hostname="mail.test", **options
    )
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


def received(mail: Mail) -> email.message.EmailMessage:
    parsed = email.message_from_bytes(mail.content, policy=policy.default)
    assert isinstance(parsed, email.message.EmailMessage)
    return parsed
