"""Tortoise models, one module per table. `MODELS_MODULE` is what the ORM and aerich load."""

from __future__ import annotations

from models.alert_attempt import AlertAttempt
from models.alert_channel import AlertChannel, ChannelKind
from models.alert_delivery import AlertDelivery, DeliveryStatus
from models.alert_rule import AlertRule, AlertTrigger
from models.alert_throttle import AlertThrottle
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
    "AlertAttempt",
    "AlertChannel",
    "AlertDelivery",
    "AlertRule",
    "AlertThrottle",
    "AlertTrigger",
    "ApiToken",
    "ChannelKind",
    "DeliveryStatus",
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
