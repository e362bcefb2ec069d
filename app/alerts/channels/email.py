"""Email alerts through SMTP (FAULTLINE_SMTP_URL): one message, plain text and HTML.

The subject and headers are built from single safe lines (summary.py), so a title cannot add
a header; the HTML part escapes every value. The Message-ID is derived from the delivery id,
so a retried delivery is the same message to the receiving side. Failures come back as a
SendResult: retry for SMTP 4xx replies, timeouts and connection errors, not for 5xx replies
or a configuration that cannot work.
"""

from __future__ import annotations

import asyncio
import html
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

import aiosmtplib

from app.alerts.channels.summary import Summary, summarize
from app.alerts.outbound import SendResult
from app.config import ConfigError, Settings, email_from_address, is_email_address, parse_smtp_url

# Each SMTP step (connect, TLS, AUTH, each command) and the whole exchange have a limit.
STEP_TIMEOUT_S = 10.0
TIMEOUT_S = 30.0
ERROR_CHARS = 300
MAX_RECIPIENTS = 100


async def send_email(
    recipients: Sequence[str],
    payload: Mapping[str, Any],
    delivery_id: int,
    settings: Settings,
    *,
    timeout_s: float = TIMEOUT_S,
) -> SendResult:
    started = time.monotonic()

    def result(ok: bool, retry: bool, code: int | None, error: str | None) -> SendResult:
        elapsed = int((time.monotonic() - started) * 1000)
        return SendResult(ok, retry, code, None if error is None else _clip(error), elapsed)

    if not settings.smtp_url:
        return result(False, False, None, "FAULTLINE_SMTP_URL is not set")
    if not settings.email_from:
        return result(False, False, None, "FAULTLINE_EMAIL_FROM is not set")
    try:
        smtp = parse_smtp_url(settings.smtp_url)
        sender = email_from_address(settings.email_from)
    except ConfigError as e:
        return result(False, False, None, str(e))
    # The channel's stored JSON list; checked again here since it reaches SMTP commands.
    bad = [r for r in recipients or () if not (isinstance(r, str) and is_email_address(r))]
    if bad:
        return result(False, False, None, f"not an email address: {str(bad[0])[:80]!r}")
    to = list(dict.fromkeys(recipients or ()))
    if not to or len(to) > MAX_RECIPIENTS:
        error = f"an email channel needs 1 to {MAX_RECIPIENTS} recipients"
        return result(False, False, None, error)
    message = email_message(to, payload, delivery_id, sender, datetime.now(UTC))
    try:
        async with asyncio.timeout(timeout_s):
            refused, _ = await aiosmtplib.send(
                message,
                sender=sender[1],
                recipients=to,
                hostname=smtp.host,
                port=smtp.port,
                username=smtp.username,
                password=smtp.password,
                use_tls=smtp.implicit_tls,
                start_tls=smtp.starttls,
                timeout=min(STEP_TIMEOUT_S, timeout_s),
            )
    except aiosmtplib.SMTPRecipientsRefused as e:
        codes = [r.code for r in e.recipients]
        retry = any(400 <= code < 500 for code in codes)
        said = ", ".join(f"{r.recipient} ({r.code} {r.message})" for r in e.recipients)
        return result(False, retry, codes[0] if codes else None, f"recipients refused: {said}")
    except aiosmtplib.SMTPResponseException as e:
        what = _STEPS.get(type(e), "the SMTP server answered")
        return result(False, 400 <= e.code < 500, e.code, f"{what} {e.code} {e.message}")
    except TimeoutError:
        limit = min(STEP_TIMEOUT_S, timeout_s)
        error = f"SMTP server {smtp.host}:{smtp.port} did not answer within {limit:g} s"
        return result(False, True, None, error)
    except (aiosmtplib.SMTPConnectError, aiosmtplib.SMTPServerDisconnected, OSError) as e:
        return result(False, True, None, f"SMTP server {smtp.host}:{smtp.port}: {e}")
    except (aiosmtplib.SMTPException, ValueError) as e:  # e.g. STARTTLS required, not offered
        return result(False, False, None, f"SMTP server {smtp.host}:{smtp.port}: {e}")
    if refused:
        said = ", ".join(f"{rcpt} ({r.code} {r.message})" for rcpt, r in refused.items())
        return result(True, False, 250, f"sent, but some recipients were refused: {said}")
    return result(True, False, 250, None)


_STEPS: dict[type[Exception], str] = {
    aiosmtplib.SMTPConnectResponseError: "the SMTP server refused the connection:",
    aiosmtplib.SMTPHeloError: "the SMTP server refused the greeting:",
    aiosmtplib.SMTPAuthenticationError: "SMTP authentication failed:",
    aiosmtplib.SMTPSenderRefused: "the sender was refused:",
    aiosmtplib.SMTPDataError: "the message was refused:",
}


def email_message(
    recipients: Sequence[str],
    payload: Mapping[str, Any],
    delivery_id: int,
    sender: tuple[str, str],
    now: datetime,
) -> EmailMessage:
    """The message for a notification (pure): headers, plain text and HTML alternatives."""
    s = summarize(payload)
    name, address = sender
    domain = address.rpartition("@")[2]
    message = EmailMessage()
    message["Subject"] = s.subject
    message["From"] = Address(display_name=name, addr_spec=address)
    message["To"] = ", ".join(recipients)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = f"<alert-delivery-{delivery_id}@{domain}>"
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies
    message["X-Faultline-Delivery"] = str(delivery_id)
    message.set_content(plain_text(s))
    message.add_alternative(html_text(s), subtype="html")
    return message


def plain_text(s: Summary) -> str:
    lines = [s.lead, "", f"{s.short_id}: {s.title}"]
    if s.culprit:
        lines.append(s.culprit)
    lines.append("")
    lines += [f"{label}: {value}" for label, value in s.facts]
    if s.url:
        lines += ["", s.url]
    return "\n".join(lines) + "\n"


def html_text(s: Summary) -> str:
    e = html.escape
    title = e(f"{s.short_id}: {s.title}")
    heading = f'<a href="{e(s.url)}">{title}</a>' if s.url else title
    rows = "".join(
        f'<tr><th align="left">{e(label)}</th><td>{e(value)}</td></tr>' for label, value in s.facts
    )
    culprit = f"<p><code>{e(s.culprit)}</code></p>" if s.culprit else ""
    return (
        f"<!doctype html><html><body><p>{e(s.lead)}</p><h2>{heading}</h2>{culprit}"
        f"<table>{rows}</table></body></html>\n"
    )


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= ERROR_CHARS else text[: ERROR_CHARS - 1] + "…"
