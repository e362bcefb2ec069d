"""What a project keeps (pure): events newer than its cut-off, at most its cap of them."""

from __future__ import annotations

from datetime import datetime, timedelta


def cutoff(now: datetime, retention_days: int | None, default_days: int) -> datetime:
    """Events whose own timestamp is before this moment have expired.

    A project's `retention_days` wins; NULL falls back to the server's default."""
    days = default_days if retention_days is None else retention_days
    return now - timedelta(days=days)
