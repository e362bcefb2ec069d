"""Who changed an issue, as its history shows it: a person's email or the token used (pure).

A label is written once, with the change: it stays true when the token is deleted later.
"""

from __future__ import annotations

MAX_LABEL = 200


def user(email: str) -> str:
    return email[:MAX_LABEL]


def api_token(token_id: int, description: str | None) -> str:
    label = f"API token #{token_id}"
    if description:
        label += f" ({description})"
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 2] + "…)"


def access_token(token_id: int) -> str:
    return f"Rollbar access token #{token_id}"
