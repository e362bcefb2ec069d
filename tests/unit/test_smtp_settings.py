"""FAULTLINE_SMTP_URL and FAULTLINE_EMAIL_FROM: read, or refused naming the variable."""

from __future__ import annotations

import pytest

from app.config import ConfigError, Settings, SmtpUrl, email_from_address, parse_smtp_url

EXAMPLE = "e.g. smtp://user:password@mail.example.com:587?starttls=1 or smtps://mail.example.com"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example.com", SmtpUrl("mail.example.com", 25, False, None, None, None)),
        (
            "smtp://mail.example.com:2525",
            SmtpUrl("mail.example.com", 2525, False, None, None, None),
        ),
        ("smtp://h?starttls=1", SmtpUrl("h", 25, False, True, None, None)),
        ("smtp://h?starttls=true", SmtpUrl("h", 25, False, True, None, None)),
        ("smtp://h?starttls=0", SmtpUrl("h", 25, False, False, None, None)),
        ("smtp://h?starttls=no", SmtpUrl("h", 25, False, False, None, None)),
        ("smtp://u:pw@h:587?starttls=1", SmtpUrl("h", 587, False, True, "u", "pw")),
        # With a password and no starttls, STARTTLS is required: no password in clear.
        ("smtp://u:pw@h:587", SmtpUrl("h", 587, False, True, "u", "pw")),
        ("smtp://u:pw@h?starttls=0", SmtpUrl("h", 25, False, False, "u", "pw")),
        ("smtp://a%40b.c:p%3Aw%40rd@h", SmtpUrl("h", 25, False, True, "a@b.c", "p:w@rd")),
        ("smtps://h", SmtpUrl("h", 465, True, False, None, None)),
        ("smtps://u:pw@h:4650/", SmtpUrl("h", 4650, True, False, "u", "pw")),
        ("SMTP://H", SmtpUrl("h", 25, False, None, None, None)),
        ("smtp://[::1]:25", SmtpUrl("::1", 25, False, None, None, None)),
    ],
)
def test_smtp_urls_are_read(url: str, expected: SmtpUrl) -> None:
    assert parse_smtp_url(url) == expected


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "http://mail.example.com",
            "must start with smtp:// or smtps://, got 'http://mail.example.com'",
        ),
        ("mail.example.com:25", "must start with smtp:// or smtps://, got 'mail.example.com:25'"),
        ("smtp://", "names no host"),
        ("smtp://:25", "names no host"),
        ("smtp://h:0", "has port 0; a port is 1 to 65535"),
        (
            "smtp://h:65536",
            "has no readable host or port (a port is 1 to 65535; percent-encode special "
            "characters of the password)",
        ),
        (
            "smtp://h:smtp",
            "has no readable host or port (a port is 1 to 65535; percent-encode special "
            "characters of the password)",
        ),
        ("smtp://h/mail", "must not have a path, got '/mail'"),
        ("smtp://h?tls=1", "has an unknown parameter 'tls' (only starttls is known)"),
        ("smtp://h?starttls=maybe", "parameter starttls must be 1 or 0, got 'maybe'"),
        ("smtp://h?starttls=", "parameter starttls must be 1 or 0, got ''"),
        ("smtps://h?starttls=1", "asks for smtps:// (TLS from the start) and starttls=1 at once"),
        ("smtp://u@h", "names the user 'u' but no password"),
        ("smtp://:secret@h", "has a password but no user"),
    ],
)
def test_bad_smtp_urls_are_refused_naming_the_variable(url: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_smtp_url(url)
    assert str(caught.value) == f"FAULTLINE_SMTP_URL {message}; {EXAMPLE}"


@pytest.mark.parametrize(
    "url",
    [
        "http://user:hunter2@mail.example.com",
        "smtp://user:hunter2@mail.example.com:99999",
        "smtp://user:hunter2@mail.example.com/x",
        "smtp://user:hunter2@mail.example.com?x=1",
        "smtp://user:hun:ter2@mail.example.com:x",
    ],
)
def test_an_smtp_error_never_repeats_the_password(url: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_smtp_url(url)
    assert "hunter2" not in str(caught.value)
    assert "ter2" not in str(caught.value)


def test_settings_validate_the_smtp_url_and_require_a_sender_with_it() -> None:
    env = {"FAULTLINE_SMTP_URL": "smtp://u:hunter2@mail.example.com:25x"}
    with pytest.raises(ConfigError, match=r"^FAULTLINE_SMTP_URL has no readable host or port"):
        Settings.from_env(env)
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({"FAULTLINE_SMTP_URL": "smtp://mail.example.com"})
    assert str(caught.value) == "FAULTLINE_EMAIL_FROM must be set when FAULTLINE_SMTP_URL is"
    settings = Settings.from_env(
        {"FAULTLINE_SMTP_URL": "smtp://u:hunter2@h:587", "FAULTLINE_EMAIL_FROM": "a@example.com"}
    )
    assert settings.smtp_url == "smtp://u:hunter2@h:587"
    assert "hunter2" not in repr(settings)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("alerts@example.com", ("", "alerts@example.com")),
        ("Faultline <alerts@example.com>", ("Faultline", "alerts@example.com")),
        ('"Ops, Faultline" <alerts@example.com>', ("Ops, Faultline", "alerts@example.com")),
        ("<alerts@mail.example.com>", ("", "alerts@mail.example.com")),
    ],
)
def test_the_sender_is_an_address_with_an_optional_name(
    value: str, expected: tuple[str, str]
) -> None:
    assert email_from_address(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "alerts",
        "alerts@",
        "@example.com",
        "a@example.com, b@example.com",
        "alerts@example.com\r\nBcc: victim@example.com",
        "alerts@exa mple.com",
        "alerts@-example.com",
        "a" * 65 + "@example.com",
    ],
)
def test_a_sender_that_is_not_one_address_is_refused(value: str) -> None:
    with pytest.raises(
        ConfigError, match=r"^FAULTLINE_EMAIL_FROM must be an email address such as"
    ):
        email_from_address(value)
    with pytest.raises(ConfigError, match=r"^FAULTLINE_EMAIL_FROM must be an email address"):
        Settings.from_env({"FAULTLINE_EMAIL_FROM": value})
