"""Tortoise models, one module per table. `MODELS_MODULE` is what the ORM and aerich load."""

from __future__ import annotations

from models.api_token import ApiToken
from models.deploy import Deploy, DeployStatus
from models.event import Event
from models.ingest_count import REJECTION_REASONS, IngestCount, IngestOutcome
from models.issue import Issue, IssueState
from models.issue_history import IssueHistory
from models.issue_hourly import IssueHourly
from models.issue_tag import IssueTag
from models.issue_tag_key import IssueTagKey
from models.project import Project, of_live_project
from models.project_access_token import ProjectAccessToken, TokenScope
from models.rate_window import RateWindow
from models.user import User
from models.user_session import UserSession

__all__ = [
    "REJECTION_REASONS",
    "ApiToken",
    "Deploy",
    "DeployStatus",
    "Event",
    "IngestCount",
    "IngestOutcome",
    "Issue",
    "IssueHistory",
    "IssueHourly",
    "IssueState",
    "IssueTag",
    "IssueTagKey",
    "Project",
    "ProjectAccessToken",
    "RateWindow",
    "TokenScope",
    "User",
    "UserSession",
    "of_live_project",
]
